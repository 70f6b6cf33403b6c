//! `RedriveExecution` on a parent that ended unsuccessfully (ASL-SEMANTICS.md §9): the parent
//! resumes from the state it failed in, with that state's input; when that state is a
//! Distributed Map whose Map Run failed, the same Map Run runs again — only its unsuccessful
//! children, each Standard child from the state it failed in (with that state's input, retry
//! counters afresh), each Express child from its start — and its counters move as
//! `DescribeMapRun` shows them. The scenario's `redrives[i]` says what is different on the i+1-th
//! redrive (other Task behaviour, another seed).
//!
//! What the documentation does not settle is chosen here and reported in the run's
//! assumptions: how the tolerance counts after a redrive, what the parent's history shows of the
//! Map state, and the draws of what runs again.

use std::rc::Rc;

use serde_json::Value;

use super::containers::Container;
use super::maprun::ResumeAt;
use super::{ExecutionStatus, Link, Mode, Phase, RunStatus, Simulation};
use crate::data::Data;
use crate::errors::names;
use crate::history::{Details, EventType, HistoryEvent};
use crate::program::StateId;
use crate::report::ChildStatus;
use crate::rng::hash_words;

/// A Map Run is redriven at most this many times ([AWS-DG: redrive-map-run]).
pub const MAX_MAP_RUN_REDRIVES: u32 = 1000;
/// A parent is redrivable while its history has fewer events than this.
pub const REDRIVABLE_HISTORY_EVENTS: usize = 24_999;

/// Why a redrive was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RedriveError {
    /// What `RedriveExecution` answers: the AWS error name and its message.
    Refused {
        error: &'static str,
        message: String,
    },
    /// A redrive AWS would run that mapsim does not simulate yet.
    NotSimulated(String),
}

impl std::fmt::Display for RedriveError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RedriveError::Refused { error, message } => write!(f, "{error}: {message}"),
            RedriveError::NotSimulated(message) => {
                write!(f, "mapsim does not simulate this redrive yet: {message}")
            }
        }
    }
}

/// Where the parent resumes: a top-level state and the input it entered with.
struct ResumePoint {
    state: StateId,
    input: Rc<Value>,
}

impl Simulation {
    /// Times the parent was redriven.
    pub fn redrive_count(&self) -> u32 {
        self.redrive_count
    }

    /// The virtual time of each redrive, in order.
    pub fn redrive_times(&self) -> &[u64] {
        &self.redrive_times
    }

    /// How the executions redrives ran again had ended before each redrive.
    pub fn earlier_ends(&self) -> &[super::EarlierEnd] {
        &self.earlier_ends
    }

    /// Redrives the parent execution, which must have ended unsuccessfully, and leaves the
    /// simulation running again from there (step or run it as before). `machine` is the
    /// definition the simulation was made from: a redrive whose scenario entry changes Tasks
    /// compiles it again with them.
    pub fn redrive(&mut self, machine: &asl::StateMachine) -> Result<(), RedriveError> {
        let arn = self.parent_execution_arn();
        let status = match self.outcome.as_ref() {
            Some(outcome) => outcome.status,
            None => {
                return Err(RedriveError::Refused {
                    error: "ExecutionNotRedrivable",
                    message: format!(
                    "Execution {arn} is still running: only a closed execution can be redriven."
                ),
                })
            }
        };
        if status == ExecutionStatus::Succeeded {
            return Err(RedriveError::Refused {
                error: "ExecutionNotRedrivable",
                message: format!(
                    "Execution {arn} cannot be redriven: its status is SUCCEEDED; only a FAILED, TIMED_OUT or ABORTED execution can be."
                ),
            });
        }
        if !matches!(self.mode, Mode::Full) {
            return Err(RedriveError::NotSimulated(
                "only a full run is redriven, not a replay".into(),
            ));
        }
        if self.parent_history_len() >= REDRIVABLE_HISTORY_EVENTS {
            return Err(RedriveError::Refused {
                error: "ExecutionNotRedrivable",
                message: format!(
                    "Execution {arn} cannot be redriven: its history has {} events (a redrivable execution has fewer than {REDRIVABLE_HISTORY_EVENTS}).",
                    self.parent_history_len()
                ),
            });
        }
        let Some(point) = self.resume_point() else {
            return Err(RedriveError::NotSimulated(
                "the execution failed before entering its first state".into(),
            ));
        };
        let redriven_run = self.redrivable_run(point.state);
        if let Some(run) = redriven_run.and_then(|r| self.runs.get(r as usize)) {
            if run.redrive_count >= MAX_MAP_RUN_REDRIVES {
                return Err(RedriveError::Refused {
                    error: "States.Runtime",
                    message: format!(
                        "The Map Run {} has been redriven {MAX_MAP_RUN_REDRIVES} times, the most it can be.",
                        run.setup.arn
                    ),
                });
            }
        }
        // The children to run again are read before anything changes: a Standard child's
        // state and input come from replaying it as it ran.
        let reruns = match redriven_run {
            Some(run) => self.children_to_rerun(run)?,
            None => Vec::new(),
        };
        let count = self.redrive_count + 1;
        self.apply_redrive_changes(machine, count)?;
        self.redrive_count = count;
        self.redrive_times.push(self.now);

        // The parent opens again; how it ended stays in the metrics.
        let parent = self.parent;
        if let Some(outcome) = &self.outcome {
            self.earlier_ends.push(super::EarlierEnd {
                run: None,
                start_ms: 0,
                end_ms: outcome.end_ms,
                status: outcome.status,
            });
        }
        self.outcome = None;
        self.finished = false;
        let (prev, generation) = match self.executions.get_mut(parent as usize) {
            Some(e) => {
                e.alive = true;
                e.status = ExecutionStatus::Running;
                e.failed_state = None;
                e.generation += 1;
                (e.event_count, e.generation)
            }
            None => return Err(RedriveError::NotSimulated("the parent is gone".into())),
        };
        let redriven_event = self.emit_side(
            parent,
            prev,
            EventType::ExecutionRedriven,
            point.state,
            Details::ExecutionRedriven {
                redrive_count: count,
            },
        );
        if let Some(timeout) = self.program.timeout_ms {
            self.queue.push(
                self.now,
                self.now.saturating_add(timeout),
                parent,
                generation,
                super::queue::EventKind::ExecutionTimeout,
            );
        }
        match redriven_run {
            Some(run) => self.redrive_run(run, point, redriven_event, reruns),
            None => {
                // Any other state runs again from its start, entered anew.
                self.note_assumption("redrive_state_entered", || {
                    "a redriven state other than a Distributed Map whose Map Run failed runs again from its start, with a new …StateEntered event and without the variables it had (the documentation does not show such a history)".into()
                });
                let root = self.new_fiber(
                    parent,
                    point.state,
                    Data::Json(point.input),
                    Link::Root,
                    None,
                    redriven_event,
                    None,
                );
                if let Some(e) = self.executions.get_mut(parent as usize) {
                    e.root = root;
                }
                self.resume_now(root);
            }
        }
        Ok(())
    }

    /// The top-level state the parent was in when it ended, and the input it entered with: the
    /// last `…StateEntered` of a state of the parent's own workflow.
    fn resume_point(&self) -> Option<ResumePoint> {
        let history = self.parent_history();
        history.iter().rev().find_map(|event| {
            let (input, name) = entered(event)?;
            let (id, state) = self
                .program
                .states
                .iter()
                .enumerate()
                .find(|(_, s)| &*s.name == name)?;
            (state.machine == 0).then(|| ResumePoint {
                state: id as StateId,
                input: Rc::new(input.clone()),
            })
        })
    }

    /// The Map Run a redrive of `state` runs again: the last one the state started, when it
    /// failed or was aborted for a reason that keeps the same Map Run ([AWS-DG:
    /// redrive-map-run]: a Map Run that failed with `States.DataLimitExceeded` or a
    /// `States.Runtime`, or before any child started, is started anew instead).
    fn redrivable_run(&self, state: StateId) -> Option<u32> {
        let (id, run) = self
            .runs
            .iter()
            .enumerate()
            .rev()
            .find(|(_, r)| r.setup.state == state && !r.setup.nested)?;
        let failed = matches!(run.status, RunStatus::Failed | RunStatus::Aborted);
        let new_run_error = run.error.as_deref().is_some_and(|e| {
            e == self.errors.name(names::DATA_LIMIT_EXCEEDED)
                || e == self.errors.name(names::RUNTIME)
                || e == self.errors.name(names::ITEM_READER_FAILED)
                || e == self.errors.name(names::RESULT_WRITER_FAILED)
        });
        let started_any = run
            .children
            .iter()
            .any(|c| c.status != ChildStatus::Pending);
        (failed && !new_run_error && started_any).then_some(id as u32)
    }

    /// Keeps where a Standard child that is ending unsuccessfully would start again on a
    /// redrive: the top-level state its root fiber is in, with that state's input (so that a
    /// redrive need not replay it). Called before the root fiber is freed.
    pub(super) fn keep_resume_point(&mut self, exec: u32) {
        if !matches!(self.mode, Mode::Full) {
            return;
        }
        let Some(execution) = self.executions.get(exec as usize) else {
            return;
        };
        let super::ExecLink::Child { run, child } = execution.link else {
            return;
        };
        let Some(fiber) = self.fibers.get(execution.root as usize) else {
            return;
        };
        let (state, input) = (fiber.state, fiber.input.clone());
        if let Some(map_run) = self.runs.get_mut(run as usize) {
            if !map_run.setup.express {
                map_run.resume_points.insert(child, (state, input));
            }
        }
    }

    /// The children of Map Run `run` a redrive runs again, each with where it starts again.
    fn children_to_rerun(&self, run: u32) -> Result<Vec<(u32, Option<ResumeAt>)>, RedriveError> {
        let Some(map_run) = self.runs.get(run as usize) else {
            return Ok(Vec::new());
        };
        let express = map_run.setup.express;
        let processor = self
            .program
            .states
            .get(map_run.setup.processor_start as usize)
            .map_or(0, |s| s.machine);
        let mut reruns = Vec::new();
        for (child, record) in map_run.children.iter().enumerate() {
            if !matches!(
                record.status,
                ChildStatus::Failed | ChildStatus::TimedOut | ChildStatus::Aborted
            ) {
                continue;
            }
            // §9: a Standard child over the history limit cannot be redriven; it stays as it
            // ended (DescribeMapRun counts it under `failuresNotRedrivable`).
            if !express && record.history_full {
                continue;
            }
            let kept = map_run.resume_points.get(&(child as u32));
            let from = if express {
                None
            } else if let Some((state, input)) = kept {
                Some((*state, self.value_of(input)))
            } else {
                let trace = self
                    .child_trace(run as usize, child)
                    .map_err(RedriveError::NotSimulated)?;
                trace.history.iter().rev().find_map(|event| {
                    let (input, name) = entered(event)?;
                    let (id, _) = self
                        .program
                        .states
                        .iter()
                        .enumerate()
                        .find(|(_, s)| &*s.name == name && s.machine == processor)?;
                    Some((id as StateId, Rc::new(input.clone())))
                })
            };
            reruns.push((child as u32, from));
        }
        Ok(reruns)
    }

    /// What the scenario's `redrives` entry for redrive `count` changes: Tasks' behaviour
    /// (the program compiled again with them) and the seed of the draws of what runs again.
    fn apply_redrive_changes(
        &mut self,
        machine: &asl::StateMachine,
        count: u32,
    ) -> Result<(), RedriveError> {
        let changes = self
            .scenario
            .redrives
            .get(count as usize - 1)
            .or_else(|| self.scenario.redrives.last())
            .cloned();
        let stream_seed = match changes.as_ref().and_then(|c| c.seed) {
            Some(seed) => seed,
            None => hash_words(&[self.scenario.seed, 0x00DE_D81E, u64::from(count)]),
        };
        self.note_assumption("redrive_draws", || {
            "what a redrive runs again draws its latencies and faults afresh (from redrives[i].seed, or from the scenario's seed and the redrive's number), so transient faults are not the same faults again".into()
        });
        self.stream_seed = Some(stream_seed);
        let Some(changes) = changes.filter(|c| !c.tasks.is_empty()) else {
            return Ok(());
        };
        let mut scenario = (*self.scenario).clone();
        for (name, task) in &changes.tasks {
            scenario.tasks.insert(name.clone(), task.clone());
        }
        let program = crate::program::compile_with(machine, &scenario, self.errors.clone())
            .map_err(|e| {
                RedriveError::NotSimulated(
                    e.iter()
                        .map(|p| format!("{}: {}", p.pointer, p.message))
                        .collect::<Vec<_>>()
                        .join("; "),
                )
            })?;
        if program.states.len() != self.program.states.len() {
            return Err(RedriveError::NotSimulated(
                "the definition given is not the one the run was made from".into(),
            ));
        }
        if self.replay_base.is_none() {
            self.replay_base = Some((self.program.clone(), self.scenario.clone()));
        }
        self.errors = program.errors.clone();
        // The items a `fraction` fault picks are cached by the fault's slot, which the new
        // program may give to another fault: picked again (from the same seed, so the same
        // fault picks the same items).
        self.fraction_sets = vec![None; program.fraction_faults];
        self.program = Rc::new(program);
        self.scenario = Rc::new(scenario);
        Ok(())
    }

    /// Runs Map Run `run` again: its unsuccessful children back to pending, their counts
    /// with them, and a parent fiber waiting in the Map state for the run to end.
    fn redrive_run(
        &mut self,
        run: u32,
        point: ResumePoint,
        redriven_event: u32,
        reruns: Vec<(u32, Option<ResumeAt>)>,
    ) {
        self.note_assumption("redrive_tolerance", || {
            "after a redrive the tolerance counts the Map Run's items as they stand: a child that succeeds when redriven no longer counts as failed, and the threshold applies to all the Map Run's items (the documentation does not say)".into()
        });
        self.note_assumption("redrive_history", || {
            "a redriven Distributed Map writes ExecutionRedriven and MapRunRedriven in the parent's history, then the Map Run's end and the Map state's end, without entering the state again".into()
        });
        let now = self.now;
        let parent = self.parent;
        let Some(map_run) = self.runs.get_mut(run as usize) else {
            return;
        };
        for (child, _) in &reruns {
            let (start, end) = map_run.setup.child_items(*child);
            let n = u64::from(end - start);
            let Some(record) = map_run.children.get_mut(*child as usize) else {
                continue;
            };
            if matches!(record.status, ChildStatus::Failed | ChildStatus::TimedOut) {
                map_run.failed_items = map_run.failed_items.saturating_sub(n);
            }
            self.earlier_ends.push(super::EarlierEnd {
                run: Some(run),
                start_ms: record.start_ms,
                end_ms: record.end_ms,
                status: match record.status {
                    ChildStatus::Failed => ExecutionStatus::Failed,
                    ChildStatus::TimedOut => ExecutionStatus::TimedOut,
                    _ => ExecutionStatus::Aborted,
                },
            });
            let slot = map_run.item_counts.slot(record.status);
            *slot = slot.saturating_sub(n);
            map_run.item_counts.pending += n;
            let slot = map_run.execution_counts.slot(record.status);
            *slot = slot.saturating_sub(1);
            map_run.execution_counts.pending += 1;
            record.status = ChildStatus::Pending;
            record.redriven = record.redriven.saturating_add(1);
            record.error = u32::MAX;
            record.cause = 0;
            record.state = u32::MAX;
        }
        map_run.status = RunStatus::Running;
        map_run.error = None;
        map_run.cause = None;
        map_run.verdict = None;
        map_run.ended_ms = None;
        map_run.redrive_count += 1;
        map_run.redrive_ms = Some(now);
        let stream_seed = self.stream_seed.unwrap_or(self.scenario.seed);
        // Throttled invocations are logged in order: a replay of a rerun child reads those
        // from here on.
        let throttles_from = self.throttles.len();
        for (child, from) in &reruns {
            map_run.redrive_from.insert(
                *child,
                super::maprun::RedriveStart {
                    from: from.clone(),
                    stream_seed,
                    throttles_from,
                    program: self.program.clone(),
                    scenario: self.scenario.clone(),
                },
            );
        }
        if self.options.record_changes {
            for (child, _) in &reruns {
                self.changes.push(crate::report::ItemChange {
                    run,
                    child: *child,
                    status: ChildStatus::Pending,
                    mark: crate::report::ItemMark::Plain,
                });
            }
        }
        let Some(map_run) = self.runs.get_mut(run as usize) else {
            return;
        };
        map_run.redrive_queue = reruns;
        map_run.redrive_next = 0;

        let setup = map_run.setup.clone();
        let redrive_count = map_run.redrive_count;
        let fiber = self.new_fiber(
            parent,
            point.state,
            Data::Json(point.input),
            Link::Root,
            setup.parent_vars.clone(),
            redriven_event,
            None,
        );
        if let Some(f) = self.fibers.get_mut(fiber as usize) {
            f.effective = Some(Data::Json(setup.map_input.clone()));
            f.container = Some(Box::new(Container::Distributed { run }));
            f.phase = Phase::Waiting;
            f.in_state = true;
            f.entered_ms = setup.parent_entered_ms;
            f.retry_count = 0;
        }
        if let Some(stats) = self.stats.get_mut(point.state as usize) {
            stats.in_flight += 1;
        }
        if let Some(e) = self.executions.get_mut(parent as usize) {
            e.root = fiber;
        }
        if let Some(map_run) = self.runs.get_mut(run as usize) {
            map_run.parent_fiber = fiber;
        }
        self.emit(
            fiber,
            EventType::MapRunRedriven,
            Details::MapRunRedriven {
                map_run_arn: Rc::from(setup.arn.as_str()),
                redrive_count,
            },
        );
        self.continue_run(run);
    }

    /// Whether the children of Map Run `run`, now or as they ran, include one a redrive ran
    /// again.
    pub fn run_was_redriven(&self, run: usize) -> bool {
        self.runs.get(run).is_some_and(|r| r.redrive_count > 0)
    }
}

/// The input and state name of a `…StateEntered` event.
fn entered(event: &HistoryEvent) -> Option<(&Value, &str)> {
    if !event.kind.ends_with("StateEntered") {
        return None;
    }
    match &event.details {
        Details::StateEntered { input, name } => Some((input.value(), name)),
        _ => None,
    }
}
