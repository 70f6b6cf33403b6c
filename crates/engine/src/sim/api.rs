//! Reports of a run: the CLI summary, the digest, item details and rebuilt child histories.

use std::rc::Rc;

use serde::Serialize;
use serde_json::{Map as JsonObject, Value};

use super::{ExecLink, ExecutionStatus, Link, MapRun, Mode, Phase, SimOptions, Simulation};
use crate::data::{Data, ItemSource};
use crate::history::{self, HistoryEvent};
use crate::report::{ChildStatus, Fnv, RunVerdict, TimelineEntry, Tolerance};

/// A child execution rebuilt on demand.
#[derive(Debug, Clone, PartialEq)]
pub struct ChildTrace {
    pub status: ExecutionStatus,
    pub history: Vec<HistoryEvent>,
    pub timeline: Vec<TimelineEntry>,
    /// How it was rebuilt: `"replay"` (the child alone) or `"rerun"` (the whole simulation).
    pub method: &'static str,
}

/// What the page shows for one child (item or batch).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ChildDetail {
    pub run: usize,
    pub child: usize,
    pub items: (u32, u32),
    pub status: ChildStatus,
    pub attempts: u32,
    pub error: Option<String>,
    pub cause: Option<String>,
    pub decided_by: Option<String>,
    pub start_ms: u64,
    pub end_ms: u64,
}

impl Simulation {
    /// The summary of the CLI contract (`status`, `error`, `cause`, `duration_seconds`,
    /// `map_runs`, `states`, `output`) plus `verdict`, `assumptions`, `seed`, `history_events`
    /// (the parent execution's history: what `GetExecutionHistory` would list),
    /// `events_processed` (the engine's steps: a resumed execution, a retry due, a Map Run's
    /// next children — not history events, of which one step writes several or none) and
    /// `digest`.
    pub fn summary(&self) -> Value {
        let mut summary = self.summary_without_digest();
        if let Value::Object(map) = &mut summary {
            map.insert("digest".into(), Value::String(self.digest()));
            // Beside the digest, not in it: the digest hashes the history itself.
            map.insert(
                "history_events".into(),
                Value::from(self.parent_history_len()),
            );
            // What the run would cost, priced as the scenario's `pricing` says (outside the
            // digest too: prices change, the run does not).
            let cost = crate::cost::estimate(
                self,
                &crate::cost::CostOptions::from_scenario(&self.scenario),
            );
            map.insert(
                "cost".into(),
                cost.ok()
                    .and_then(|c| serde_json::to_value(c).ok())
                    .unwrap_or(Value::Null),
            );
            // The alarms, and the choices the metrics they read rest on, only when the
            // scenario has alarms: the digest and every other summary stay as they were.
            if !self.scenario.alarms.is_empty() {
                let reports = crate::monitor::evaluate_alarms(self);
                map.insert("alarms".into(), crate::monitor::alarms_json(&reports));
                if let Some(Value::Array(list)) = map.get_mut("assumptions") {
                    for (k, v) in crate::monitor::assumptions() {
                        let mut a = JsonObject::new();
                        a.insert("key".into(), Value::String(k.into()));
                        a.insert("assumption".into(), Value::String(v.into()));
                        list.push(Value::Object(a));
                    }
                }
            }
        }
        summary
    }

    fn summary_without_digest(&self) -> Value {
        let outcome = self.outcome.as_ref();
        let mut o = JsonObject::new();
        let status = outcome.map_or(ExecutionStatus::Running, |x| x.status);
        o.insert("status".into(), Value::String(status.as_str().into()));
        o.insert(
            "error".into(),
            outcome
                .and_then(|x| x.error.clone())
                .map_or(Value::Null, Value::String),
        );
        o.insert(
            "cause".into(),
            outcome
                .and_then(|x| x.cause.clone())
                .map_or(Value::Null, Value::String),
        );
        let end = outcome.map_or(self.now, |x| x.end_ms);
        o.insert("duration_seconds".into(), seconds(end));
        o.insert("verdict".into(), Value::String(self.verdict_text()));
        if self.redrive_count > 0 {
            o.insert("redrive_count".into(), Value::from(self.redrive_count));
        }
        let runs: Vec<Value> = self
            .runs
            .iter()
            .map(|run| {
                let report = run.report(&self.program);
                let mut r = JsonObject::new();
                r.insert("state".into(), Value::String(report.state));
                r.insert("map_run_arn".into(), Value::String(report.map_run_arn));
                r.insert("status".into(), Value::String(report.status));
                r.insert(
                    "error".into(),
                    report.error.map_or(Value::Null, Value::String),
                );
                r.insert(
                    "cause".into(),
                    report.cause.map_or(Value::Null, Value::String),
                );
                r.insert("item_counts".into(), report.item_counts.to_json());
                r.insert("execution_counts".into(), report.execution_counts.to_json());
                r.insert(
                    "tolerated_failure_count".into(),
                    report
                        .tolerated_failure_count
                        .map_or(Value::Null, Value::from),
                );
                r.insert(
                    "tolerated_failure_percentage".into(),
                    report
                        .tolerated_failure_percentage
                        .map_or(Value::Null, |p| {
                            serde_json::Number::from_f64(p).map_or(Value::Null, Value::Number)
                        }),
                );
                r.insert(
                    "max_concurrency".into(),
                    Value::from(report.max_concurrency),
                );
                // Only for a redriven Map Run: other summaries (and digests) stay as they were.
                if run.redrive_count > 0 {
                    r.insert("redrive_count".into(), Value::from(run.redrive_count));
                    r.insert(
                        "pending_redrive".into(),
                        Value::from(run.pending_redrive() as u64),
                    );
                    r.insert(
                        "redrive_seconds".into(),
                        run.redrive_ms.map_or(Value::Null, seconds),
                    );
                }
                r.insert("started_seconds".into(), seconds(report.started_ms));
                r.insert(
                    "ended_seconds".into(),
                    report.ended_ms.map_or(Value::Null, seconds),
                );
                r.insert(
                    "verdict".into(),
                    report.verdict.map_or(Value::Null, |v| {
                        let mut x = JsonObject::new();
                        x.insert("at_seconds".into(), seconds(v.at_ms));
                        x.insert("failed_items".into(), Value::from(v.failed_items));
                        x.insert("total_items".into(), Value::from(v.total_items));
                        x.insert("explanation".into(), Value::String(v.explanation));
                        Value::Object(x)
                    }),
                );
                Value::Object(r)
            })
            .collect();
        o.insert("map_runs".into(), Value::Array(runs));
        let mut states = JsonObject::new();
        for (id, (state, stats)) in self.program.states.iter().zip(&self.stats).enumerate() {
            let mut s = JsonObject::new();
            s.insert("type".into(), Value::String(state.type_name.into()));
            s.insert("entered".into(), Value::from(stats.entered));
            s.insert("succeeded".into(), Value::from(stats.succeeded));
            s.insert("failed".into(), Value::from(stats.failed));
            s.insert("retries".into(), Value::from(stats.retries));
            s.insert("caught".into(), Value::from(stats.caught));
            if state.type_name == "Task" {
                s.insert("attempts".into(), Value::from(stats.attempts));
                s.insert("timeouts".into(), Value::from(stats.timeouts));
                s.insert("throttles".into(), Value::from(stats.throttles));
                // Only when the scenario declares a side effect: other summaries (and their
                // digests) stay as they were.
                if let Some(effect) = self.effect_report(id as crate::program::StateId) {
                    s.insert("effects".into(), Value::from(effect.effects));
                    s.insert("duplicate_effects".into(), Value::from(effect.duplicates));
                    s.insert("idempotent".into(), Value::Bool(effect.idempotent));
                }
            }
            if !stats.errors.is_empty() {
                let errors: JsonObject<String, Value> = stats
                    .errors
                    .iter()
                    .map(|(k, v)| (k.clone(), Value::from(*v)))
                    .collect();
                s.insert("errors".into(), Value::Object(errors));
            }
            if !stats.retries_by_retrier.is_empty() {
                s.insert(
                    "retries_by_retrier".into(),
                    Value::Array(
                        stats
                            .retries_by_retrier
                            .iter()
                            .map(|v| Value::from(*v))
                            .collect(),
                    ),
                );
            }
            if !stats.catches_by_catcher.is_empty() {
                s.insert(
                    "catches_by_catcher".into(),
                    Value::Array(
                        stats
                            .catches_by_catcher
                            .iter()
                            .map(|v| Value::from(*v))
                            .collect(),
                    ),
                );
            }
            states.insert(state.name.to_string(), Value::Object(s));
        }
        o.insert("states".into(), Value::Object(states));
        o.insert(
            "output".into(),
            outcome
                .and_then(|x| x.output.as_deref().cloned())
                .unwrap_or(Value::Null),
        );
        let assumptions: Vec<Value> = self
            .assumptions_used
            .iter()
            .map(|(k, v)| {
                let mut a = JsonObject::new();
                a.insert("key".into(), Value::String((*k).into()));
                a.insert("assumption".into(), Value::String(v.clone()));
                Value::Object(a)
            })
            .collect();
        o.insert("assumptions".into(), Value::Array(assumptions));
        o.insert("seed".into(), Value::from(self.scenario.seed));
        o.insert(
            "events_processed".into(),
            Value::from(self.events_processed),
        );
        o.insert(
            "throttled_invocations".into(),
            Value::from(self.throttles.len()),
        );
        Value::Object(o)
    }

    /// The verdict in parts (status, error, the Map Run that explains it, its counts and
    /// tolerance, the threshold it crossed), for a page to say in its own words.
    pub fn verdict(&self) -> RunVerdict {
        // The parent's own Map Runs (not those of nested Distributed Maps) decide the verdict.
        let top = || {
            self.runs
                .iter()
                .enumerate()
                .filter(|(_, r)| !r.setup.nested)
        };
        let (status, end_ms, error, cause) = match &self.outcome {
            Some(o) => (o.status, o.end_ms, o.error.clone(), o.cause.clone()),
            None => (ExecutionStatus::Running, self.now, None, None),
        };
        let failing = match status {
            ExecutionStatus::Running | ExecutionStatus::Succeeded => None,
            _ => top().rev().find(|(_, r)| r.verdict.is_some()),
        };
        let explaining = failing.or_else(|| top().next_back());
        RunVerdict {
            status,
            end_ms,
            error,
            cause,
            map_run: explaining.map(|(i, _)| i),
            items: explaining.map(|(_, r)| r.item_counts),
            tolerance: explaining.map_or(Tolerance::default(), |(_, r)| Tolerance {
                count: r.tolerated_count,
                percentage: r.tolerated_percentage,
            }),
            threshold: failing.and_then(|(_, r)| r.verdict.clone()),
        }
    }

    /// The verdict, explained: `FAILED: States.ExceedToleratedFailureThreshold at 00:07:32 — 51
    /// failed items > ToleratedFailureCount 50`, or `SUCCEEDED with 12 failed items (…)`.
    pub fn verdict_text(&self) -> String {
        let verdict = self.verdict();
        match verdict.status {
            ExecutionStatus::Running => format!("RUNNING at {}", clock_text(verdict.end_ms)),
            ExecutionStatus::Succeeded => {
                let failed = verdict.failed_items();
                if verdict.items.is_none() || failed == 0 {
                    return "SUCCEEDED".into();
                }
                let tolerance = match (verdict.tolerance.count, verdict.tolerance.percentage) {
                    (_, Some(p)) => format!(" ≤ {}%", trim(p)),
                    (Some(c), None) => format!(" ≤ ToleratedFailureCount {c}"),
                    _ => String::new(),
                };
                format!(
                    "SUCCEEDED with {failed} failed item{} ({}%{tolerance})",
                    if failed == 1 { "" } else { "s" },
                    trim(verdict.failed_percentage())
                )
            }
            status => {
                let error = verdict.error.clone().unwrap_or_default();
                let mut text = format!("{}: {error}", status.as_str());
                match &verdict.threshold {
                    Some(threshold) => text.push_str(&format!(
                        " at {} — {}",
                        clock_text(threshold.at_ms),
                        threshold.explanation
                    )),
                    None => text.push_str(&format!(" at {}", clock_text(verdict.end_ms))),
                }
                text
            }
        }
    }

    /// A digest of the run (summary, parent history, every child's outcome): equal digests mean
    /// the same run, bit for bit.
    pub fn digest(&self) -> String {
        let mut h = Fnv::default();
        h.write(crate::data::compact(&self.summary_without_digest()).as_bytes());
        h.write(crate::data::compact(&self.parent_history_json()).as_bytes());
        for run in &self.runs {
            for record in &run.children {
                h.write(&[record.status as u8]);
                h.write_u64(u64::from(record.attempts));
                h.write_u64(record.error().map_or(u64::MAX, |e| u64::from(e.0)));
                h.write_u64(record.start_ms);
                h.write_u64(record.end_ms);
            }
        }
        format!("{:016x}", h.finish())
    }

    /// What happened to one child of a Map Run.
    pub fn child_detail(&self, run: usize, child: usize) -> Option<ChildDetail> {
        let r = self.runs.get(run)?;
        let record = r.children.get(child)?;
        Some(ChildDetail {
            run,
            child,
            items: r.child_items(child as u32),
            status: record.status,
            attempts: record.attempts,
            error: record.error().map(|e| self.errors.name(e).to_string()),
            cause: r.child_cause(child).map(str::to_string),
            decided_by: record
                .decided_by()
                .and_then(|s| self.program.states.get(s as usize))
                .map(|s| s.name.to_string()),
            start_ms: record.start_ms,
            end_ms: record.end_ms,
        })
    }

    /// The name of an error id (for timelines).
    pub fn error_name(&self, error: crate::errors::ErrorId) -> &str {
        self.errors.name(error)
    }

    /// Rebuilds the history of child `child` of Map Run `run`: by re-running that child alone
    /// with its recorded start time, throttled invocations and abort time (exact, because each
    /// child draws from its own stream), or — when children contain Distributed Maps themselves —
    /// by re-running the whole simulation and recording that child.
    pub fn child_trace(&self, run: usize, child: usize) -> Result<ChildTrace, String> {
        let Some(map_run) = self.runs.get(run) else {
            return Err(format!("there is no Map Run #{run}"));
        };
        let Some(record) = map_run.children.get(child) else {
            return Err(format!("Map Run #{run} has no child #{child}"));
        };
        if record.status == ChildStatus::Pending {
            return Err(format!("child #{child} of Map Run #{run} never started"));
        }
        // A child a redrive ran again is replayed as it ran then: from where it started again,
        // with that redrive's draws and Task behaviour.
        let redriven = map_run.redrive_from.get(&(child as u32)).cloned();
        if redriven.is_some() && self.program.nested_distributed {
            return Err(format!(
                "child #{child} of Map Run #{run} ran again in a redrive, inside a nested Distributed Map: mapsim does not rebuild its history yet"
            ));
        }
        if self.program.nested_distributed {
            return self.child_trace_by_rerun(run, child);
        }
        let key = ((run as u64 + 1) << 32) | child as u64;
        let from = redriven.as_ref().map_or(0, |r| r.throttles_from);
        let mut throttled: Vec<u32> = self
            .throttles
            .get(from..)
            .unwrap_or(&[])
            .iter()
            .filter(|(k, _)| *k == key)
            .map(|(_, ordinal)| *ordinal)
            .collect();
        throttled.sort_unstable();
        let (program, scenario) = match &redriven {
            Some(r) => (r.program.clone(), r.scenario.clone()),
            None => self.replay_base(),
        };
        let mut replay = Simulation::empty(
            program,
            scenario,
            SimOptions::default(),
            Mode::Replay {
                throttled,
                abort: (record.status == ChildStatus::Aborted)
                    .then_some((record.end_ms, record.abort_steps)),
            },
        );
        replay.errors = self.errors.clone();
        // The parent's context, as it was when the Map Run started.
        let parent = replay.new_execution(
            0,
            Data::Json(self.scenario.input.clone()),
            ExecLink::Parent,
            false,
        );
        replay.parent = parent;
        let setup = map_run.setup.clone();
        let fake = replay.new_fiber(
            parent,
            setup.state,
            Data::empty_object(),
            Link::Root,
            setup.parent_vars.clone(),
            0,
            None,
        );
        if let Some(f) = replay.fibers.get_mut(fake as usize) {
            f.entered_ms = setup.parent_entered_ms;
            f.retry_count = setup.parent_retry_count;
            f.phase = Phase::Waiting;
        }
        for original in &self.runs {
            replay
                .runs
                .push(MapRun::replay_shell(original.setup.clone(), fake));
        }
        replay.now = record.start_ms;
        match redriven {
            Some(r) => {
                replay.stream_seed = Some(r.stream_seed);
                replay.start_child_from(run as u32, child as u32, r.from);
            }
            None => replay.start_child(run as u32, child as u32),
        }
        replay.replay_exec = replay
            .executions
            .iter()
            .position(|e| e.alive && matches!(e.link, ExecLink::Child { .. }))
            .map(|i| i as u32);
        if record.status == ChildStatus::Aborted {
            replay.queue.push(
                replay.now,
                record.end_ms,
                0,
                0,
                super::queue::EventKind::ReplayAbort,
            );
        }
        replay.drain_continuations();
        while replay.traced.is_none() {
            let Some(event) = replay.queue.pop(replay.now) else {
                break;
            };
            replay.now = event.time;
            replay.dispatch_all(event.kind, event.target, event.generation);
        }
        match replay.traced.take() {
            Some((history, timeline, status)) => Ok(ChildTrace {
                status,
                history,
                timeline,
                method: "replay",
            }),
            None => Err("the replayed child did not finish (an engine bug)".into()),
        }
    }

    /// Rebuilds a child's history by re-running the whole simulation and recording that child
    /// (what [`Simulation::child_trace`] does when children contain Distributed Maps; also the
    /// reference the replay is tested against).
    pub fn child_trace_by_rerun(&self, run: usize, child: usize) -> Result<ChildTrace, String> {
        let (program, scenario) = self.replay_base();
        let mut sim = Simulation::empty(
            program,
            scenario,
            SimOptions::default(),
            Mode::Trace {
                run: run as u32,
                child: child as u32,
            },
        );
        sim.start_parent();
        while sim.traced.is_none() && sim.step() {}
        match sim.traced.take() {
            Some((history, timeline, status)) => Ok(ChildTrace {
                status,
                history,
                timeline,
                method: "rerun",
            }),
            None => Err("the child did not run again (an engine bug)".into()),
        }
    }

    /// The program and scenario the first run was made with (what replays of its children
    /// use, once a redrive changed them).
    fn replay_base(&self) -> (Rc<crate::program::Program>, Rc<crate::scenario::Scenario>) {
        match &self.replay_base {
            Some((program, scenario)) => (program.clone(), scenario.clone()),
            None => (self.program.clone(), self.scenario.clone()),
        }
    }

    /// A child's history as `GetExecutionHistory` JSON.
    pub fn child_history_json(&self, run: usize, child: usize) -> Result<Value, String> {
        let trace = self.child_trace(run, child)?;
        Ok(history::to_aws_json(
            &trace.history,
            self.scenario.start_epoch_ms,
        ))
    }

    /// The item value of a Map Run (as the child saw it before ItemSelector).
    pub fn item(&self, run: u32, index: u32) -> Value {
        self.item_value(run, index)
    }

    /// Whether this simulation's children record their outputs (for tests).
    pub fn parent_output(&self) -> Option<&Value> {
        self.outcome.as_ref().and_then(|o| o.output.as_deref())
    }

    #[doc(hidden)]
    pub fn rc_program(&self) -> Rc<crate::program::Program> {
        self.program.clone()
    }
}

fn seconds(ms: u64) -> Value {
    if ms.is_multiple_of(1000) {
        Value::from(ms / 1000)
    } else {
        serde_json::Number::from_f64(ms as f64 / 1000.0).map_or(Value::Null, Value::Number)
    }
}

/// `HH:MM:SS` of virtual time (days roll into hours).
pub fn clock_text(ms: u64) -> String {
    let s = ms / 1000;
    format!("{:02}:{:02}:{:02}", s / 3600, (s / 60) % 60, s % 60)
}

fn trim(v: f64) -> String {
    let text = format!("{v:.2}");
    text.trim_end_matches('0').trim_end_matches('.').to_string()
}
