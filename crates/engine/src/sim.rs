//! The simulator: executions, fibers, the event loop and the public stepping API.
//!
//! An *execution* is the parent workflow or one Distributed Map child workflow. A *fiber* is a
//! thread of control inside an execution: the execution's root, an Inline Map iteration or a
//! Parallel branch. Each fiber sits in one state and one *phase* of it; an event resumes a fiber
//! at its phase. Work that AWS does in separate steps at the same instant (entering a Task, then
//! starting it) is split into separate steps at the same virtual time, so histories interleave
//! the way recorded AWS histories do; a step that nothing else at that instant would precede
//! runs straight away instead of through the queue (`may_step_now`), in the same order.
//!
//! Memory stays bounded: fibers and executions live in slabs reused as they end, a Distributed
//! Map keeps a compact record per child (no history), and histories are recorded only for the
//! parent and for a child being traced. A child's full history is rebuilt on demand by re-running
//! that child alone (`replay`), which reproduces it exactly because every child draws from its own
//! random stream and the only outside influences on it — its start time, which of its Lambda
//! invocations were throttled, and when it was aborted — are recorded.

mod api;
mod containers;
mod effects;
mod flow;
mod maprun;
mod queue;
mod redrive;

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;

use serde_json::{Map as JsonObject, Value};

use crate::data::{ContextSource, Data, ItemSource, Variables};
use crate::errors::ErrorId;
use crate::history::{self, Details, EventType, History, HistoryEvent, Note, ValueIn};
use crate::program::{self, CompileError, Program, StateId};
use crate::report::{
    ChildStatus, ItemChange, LiveCounters, MapRunReport, Series, StateStats, TimelineEntry,
};
use crate::rng::Stream;
use crate::scenario::{self, Scenario};

pub use api::{clock_text, ChildDetail, ChildTrace};
pub use effects::EffectReport;
pub use maprun::{tolerance_exceeded, ChildRecord, ItemsRt, MapRun, RunSetup, RunStatus};
use queue::{EventKind, Queue};
pub use redrive::{RedriveError, MAX_MAP_RUN_REDRIVES};

/// AWS account id used in simulated ARNs.
pub const ACCOUNT: &str = "123456789012";
/// Region used in simulated ARNs.
pub const REGION: &str = "us-east-1";
/// The state machine's name in simulated ARNs.
pub const MACHINE_NAME: &str = "mapsim";
/// Step Functions' history limit for a Standard execution.
pub const HISTORY_LIMIT: u32 = 25_000;
/// A recorded history this long reserves room for [`HISTORY_LIMIT`] events.
const HISTORY_RESERVE_AT: usize = 1024;
/// A recorded execution's timeline starts with room for this many entries.
const TIMELINE_RESERVE_AT: usize = 256;
/// The Express workflow duration limit.
pub const EXPRESS_LIMIT_MS: u64 = 300_000;
/// Inline Map concurrency limit ("In this mode, the Map state supports up to 40 concurrent
/// iterations", AWS Step Functions Developer Guide, "Using Map state in Inline mode").
pub const INLINE_MAP_LIMIT: usize = 40;
/// Distributed Map concurrency when `MaxConcurrency` is 0 or absent.
pub const DISTRIBUTED_DEFAULT_CONCURRENCY: u32 = 10_000;

/// Options that do not change the run, only what is recorded about it.
#[derive(Debug, Clone)]
pub struct SimOptions {
    /// Keep a log of item status changes for incremental rendering ([`Simulation::item_changes`]).
    pub record_changes: bool,
    /// Initial width of a time-series bucket (it doubles to keep at most
    /// [`crate::report::MAX_BUCKETS`] buckets).
    pub bucket_ms: u64,
    /// Keep the parent execution's timeline ([`Simulation::parent_timeline`]). A traced child
    /// always keeps one (the page's item detail draws it); the parent's is read by nothing but
    /// tests, and an Inline Map's iterations would fill it with an entry per attempt.
    pub parent_timeline: bool,
    /// Keep the attempt log that metrics and logs are read from ([`Simulation::attempts`]):
    /// one row per Task attempt, which costs a million-item run about a sixth of its time
    /// (BENCHMARKS.md, "Monitoring"). It is kept whenever the scenario has alarms or a log
    /// level, whatever this says; without it the metrics of Task work and the Lambda error
    /// lines are empty.
    pub attempt_log: bool,
}

impl Default for SimOptions {
    fn default() -> Self {
        SimOptions {
            record_changes: false,
            bucket_ms: 1000,
            parent_timeline: false,
            attempt_log: false,
        }
    }
}

/// Why a simulation could not be set up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SetupError {
    /// The definition cannot be run (a path that does not parse, an unknown `Next`, …).
    Definition(Vec<CompileError>),
    /// The scenario names states the definition does not have, or is otherwise unusable.
    Scenario(Vec<scenario::ScenarioError>),
}

impl std::fmt::Display for SetupError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SetupError::Definition(errors) => {
                for e in errors {
                    writeln!(f, "{e}")?;
                }
                Ok(())
            }
            SetupError::Scenario(errors) => {
                for e in errors {
                    writeln!(f, "{e}")?;
                }
                Ok(())
            }
        }
    }
}

/// How an execution ended.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ExecutionStatus {
    #[default]
    Running,
    Succeeded,
    Failed,
    TimedOut,
    Aborted,
}

impl ExecutionStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ExecutionStatus::Running => "RUNNING",
            ExecutionStatus::Succeeded => "SUCCEEDED",
            ExecutionStatus::Failed => "FAILED",
            ExecutionStatus::TimedOut => "TIMED_OUT",
            ExecutionStatus::Aborted => "ABORTED",
        }
    }
}

/// The parent execution's end.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    pub status: ExecutionStatus,
    pub error: Option<String>,
    pub cause: Option<String>,
    /// Shared with the history's `ExecutionSucceeded` event.
    pub output: Option<Rc<Value>>,
    pub end_ms: u64,
}

#[derive(Debug, Clone)]
enum Mode {
    Full,
    /// Record the history of this child and stop when it ends.
    Trace {
        run: u32,
        child: u32,
    },
    /// Rebuild one child alone.
    Replay {
        throttled: Vec<u32>,
        /// Aborted at this time, after this many of its own steps (a child can be aborted
        /// between two of its steps at the same instant).
        abort: Option<(u64, u32)>,
    },
}

/// Where a fiber reports when it ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Link {
    Root,
    Iteration { parent: u32, index: u32 },
    Branch { parent: u32, index: u32 },
}

/// What a fiber does when resumed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    Enter,
    TaskStart,
    TaskDone,
    HandleError,
    RetryDue,
    WaitDone,
    /// A container waiting for its iterations, branches or Map Run.
    Waiting,
    Dead,
}

/// How a Task attempt will end (decided when it starts).
#[derive(Debug, Clone)]
enum Attempt {
    None,
    Success,
    Fail { error: ErrorId, cause: Rc<str> },
    Timeout,
    HeartbeatTimeout,
    Throttled,
}

impl Attempt {
    /// How the attempt will end, as the attempt log records it.
    fn monitored(&self) -> (crate::monitor::AttemptOutcome, Option<ErrorId>) {
        use crate::monitor::AttemptOutcome as O;
        match self {
            Attempt::None | Attempt::Success => (O::Succeeded, None),
            Attempt::Fail { error, .. } => (O::Failed, Some(*error)),
            Attempt::Timeout => (O::TimedOut, Some(crate::errors::names::TIMEOUT)),
            Attempt::HeartbeatTimeout => {
                (O::TimedOut, Some(crate::errors::names::HEARTBEAT_TIMEOUT))
            }
            Attempt::Throttled => (
                O::Throttled,
                Some(crate::errors::names::LAMBDA_TOO_MANY_REQUESTS),
            ),
        }
    }
}

/// The items a fiber is working for (fault rules with `items` select on them).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct ItemScope {
    start: u32,
    end: u32,
    total: u32,
}

/// An execution's thread of control: where it is in its state machine and what it carries.
///
/// The fields are laid out in this order (`repr(C)`), those every step reads first: an event
/// for a fiber checks its generation and phase, then its state, execution and last event, and
/// a Task attempt its input and attempt. With a thousand fibers in flight and events coming in
/// the order their latencies draw, a fiber is rarely in the first-level cache when its event
/// comes; grouped, the first fields it reads arrive together (measured +2–3 % on the Inline
/// Map benchmark against the compiler's own order).
#[derive(Debug)]
#[repr(C)]
struct Fiber {
    generation: u32,
    phase: Phase,
    in_state: bool,
    holds_lambda: bool,
    error_is_own: bool,
    exec: u32,
    state: StateId,
    last_event: u32,
    /// Attempts of this state visit so far minus one (= `$$.State.RetryCount`).
    retry_count: u32,
    /// The state's raw input.
    input: Data,
    /// The effective input (after InputPath / Parameters / Arguments), for Task, Map, Parallel.
    effective: Option<Data>,
    attempt: Attempt,
    /// When the current Lambda invocation really ends (it keeps running after a timeout).
    busy_until: u64,
    /// The time the current task attempt started (for timelines).
    attempt_started: u64,
    /// The current attempt's row in the simulation's attempt log (`u32::MAX` = none).
    attempt_row: u32,
    /// How long Step Functions is to wait for the current attempt, in ms (capped at 49 days).
    attempt_waited: u32,
    /// The Task's timeout and heartbeat for this visit, in ms (read when it is scheduled).
    timeout_ms: Option<u64>,
    heartbeat_ms: Option<u64>,
    item: Option<ItemScope>,
    link: Link,
    entered_event: u32,
    entered_prev: u32,
    entered_ms: u64,
    retry_counters: Vec<u32>,
    vars: Option<Rc<Variables>>,
    pending_error: Option<(ErrorId, Rc<str>)>,
    container: Option<Box<containers::Container>>,
}

#[derive(Debug)]
struct Execution {
    key: u64,
    generation: u32,
    rng: RefCell<Stream>,
    input: Data,
    start_ms: u64,
    link: ExecLink,
    history: Option<History>,
    timeline: Option<Vec<TimelineEntry>>,
    event_count: u32,
    /// Steps (resumed fibers) taken so far: a child's position for replaying its abort.
    steps: u32,
    lambda_invocations: u32,
    task_attempts: u32,
    root: u32,
    status: ExecutionStatus,
    /// The state that decided a failure (for item records).
    failed_state: Option<StateId>,
    /// Fibers of this execution waiting out a Retry delay (a child shows as retrying).
    retrying: u32,
    alive: bool,
    /// The history has reached its limit: nothing more is written but `ExecutionFailed`.
    sealed: bool,
}

impl Execution {
    /// Appends an event at `now` to the execution's history (when it records one) and returns
    /// its id.
    #[inline(always)]
    fn record(
        &mut self,
        now: u64,
        prev: u32,
        kind: EventType,
        state: StateId,
        note: Note<'_>,
    ) -> u32 {
        if self.sealed && kind != EventType::ExecutionFailed {
            return self.event_count;
        }
        self.event_count += 1;
        let id = self.event_count;
        if let Some(history) = self.history.as_mut() {
            // A long history (an Inline Map's iterations are all in it) takes room for the
            // whole limit at once rather than being copied as it doubles; it cannot grow much
            // past the limit.
            if history.len() == HISTORY_RESERVE_AT {
                history.reserve_exact(HISTORY_LIMIT as usize + 16 - HISTORY_RESERVE_AT);
                // Its timeline is long too (about one entry per three events).
                if let Some(timeline) = self.timeline.as_mut() {
                    timeline.reserve_exact((HISTORY_LIMIT / 3) as usize);
                }
            }
            history.push(now, id, prev, kind, state, note);
        }
        id
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ExecLink {
    Parent,
    Child { run: u32, child: u32 },
}

/// The items a `fraction` fault chose, with the size of the Map they were chosen for (a bit
/// per item), once chosen.
type FractionSet = Option<(u32, Rc<Vec<u64>>)>;

/// A running simulation.
pub struct Simulation {
    program: Rc<Program>,
    scenario: Rc<Scenario>,
    /// Error names: the program's, plus names raised at run time (a Fail state's `ErrorPath`).
    errors: crate::errors::ErrorNames,
    options: SimOptions,
    mode: Mode,
    now: u64,
    queue: Queue,
    fibers: Vec<Fiber>,
    free_fibers: Vec<u32>,
    executions: Vec<Execution>,
    free_executions: Vec<u32>,
    runs: Vec<MapRun>,
    lambda_in_flight: u64,
    parent: u32,
    outcome: Option<Outcome>,
    stats: Vec<StateStats>,
    series: Series,
    changes: Vec<ItemChange>,
    /// Changes discarded from the front of `changes` (cursor of `changes[0]`).
    changes_base: usize,
    /// `(execution key, invocation ordinal)` of every throttled Lambda invocation.
    throttles: Vec<(u64, u32)>,
    fraction_sets: Vec<FractionSet>,
    events_processed: u64,
    assumptions_used: BTreeMap<&'static str, String>,
    /// The traced / replayed child's history and timeline once it ended.
    traced: Option<(Vec<HistoryEvent>, Vec<TimelineEntry>, ExecutionStatus)>,
    stalled: bool,
    /// `outcome`, `stalled` or `traced` is set: the simulation has finished (one flag, as the
    /// event loop asks at every step).
    finished: bool,
    /// Root fibers to continue before the next queued event (see `resume_now`).
    continuations: Vec<(u32, u32)>,
    /// Replay only: the rebuilt child's execution.
    replay_exec: Option<u32>,
    /// Every Task attempt of a full run, for the CloudWatch metrics and logs
    /// ([`crate::monitor`]); empty when tracing or replaying one child.
    attempts: crate::monitor::AttemptLog,
    /// Times the parent was redriven (`sim/redrive.rs`), and the virtual time of each.
    redrive_count: u32,
    redrive_times: Vec<u64>,
    /// How the executions a redrive ran again had ended before (what CloudWatch counted then).
    earlier_ends: Vec<EarlierEnd>,
    /// The seed of the streams of executions started from now on (a redrive's), when it is not
    /// the scenario's.
    stream_seed: Option<u64>,
    /// The program and scenario of the first run, when a redrive changed them: replays of the
    /// children that ran before use these.
    replay_base: Option<(Rc<Program>, Rc<Scenario>)>,
    /// Side effects per Task state (`None` until one happens), see `sim/effects.rs`.
    effects: Vec<Option<effects::EffectCounts>>,
    /// How each error met each state's handlers, by state (the error-routing view).
    routes: Vec<Vec<crate::monitor::ErrorRoute>>,
}

impl Simulation {
    /// Sets up a run of `machine` under `scenario`. The definition should be free of errors
    /// (`asl::Loaded::runnable`); anything the engine still cannot run is reported here.
    pub fn new(
        machine: &asl::StateMachine,
        scenario: &Scenario,
        options: SimOptions,
    ) -> Result<Simulation, SetupError> {
        let problems = scenario::check_against(scenario, machine, None);
        if !problems.is_empty() {
            return Err(SetupError::Scenario(problems));
        }
        let program = program::compile(machine, scenario).map_err(SetupError::Definition)?;
        let mut sim = Simulation::empty(
            Rc::new(program),
            Rc::new(scenario.clone()),
            options,
            Mode::Full,
        );
        sim.start_parent();
        Ok(sim)
    }

    fn empty(
        program: Rc<Program>,
        scenario: Rc<Scenario>,
        mut options: SimOptions,
        mode: Mode,
    ) -> Simulation {
        options.attempt_log |=
            !scenario.alarms.is_empty() || scenario.log_level != crate::scenario::LogLevel::Off;
        let n_states = program.states.len();
        let fraction_slots = program.fraction_faults;
        let bucket_ms = options.bucket_ms.max(1);
        Simulation {
            stats: (0..n_states)
                .map(|i| {
                    let state = program.states.get(i);
                    StateStats::new(
                        state.map_or(0, |s| s.retriers.len()),
                        state.map_or(0, |s| s.catchers.len()),
                    )
                })
                .collect(),
            errors: program.errors.clone(),
            program,
            scenario,
            options,
            mode,
            now: 0,
            queue: Queue::default(),
            fibers: Vec::new(),
            free_fibers: Vec::new(),
            executions: Vec::new(),
            free_executions: Vec::new(),
            runs: Vec::new(),
            lambda_in_flight: 0,
            parent: 0,
            outcome: None,
            series: Series::new(bucket_ms),
            changes: Vec::new(),
            changes_base: 0,
            throttles: Vec::new(),
            fraction_sets: vec![None; fraction_slots],
            events_processed: 0,
            assumptions_used: BTreeMap::new(),
            traced: None,
            stalled: false,
            finished: false,
            continuations: Vec::new(),
            replay_exec: None,
            attempts: crate::monitor::AttemptLog::default(),
            effects: Vec::new(),
            redrive_count: 0,
            redrive_times: Vec::new(),
            earlier_ends: Vec::new(),
            stream_seed: None,
            replay_base: None,
            routes: vec![Vec::new(); n_states],
        }
    }

    fn start_parent(&mut self) {
        let input = Data::Json(self.scenario.input.clone());
        let start = self.program.machines.first().map_or(0, |m| m.start);
        let exec = self.new_execution(0, input.clone(), ExecLink::Parent, true);
        self.parent = exec;
        self.emit_execution_started(exec);
        let root = self.new_fiber(exec, start, input, Link::Root, None, 0, None);
        if let Some(e) = self.executions.get_mut(exec as usize) {
            e.root = root;
        }
        if let Some(timeout) = self.program.timeout_ms {
            self.queue
                .push(self.now, timeout, exec, 0, EventKind::ExecutionTimeout);
        }
        self.resume_now(root);
        self.series.execution_started(0);
    }

    // ----- public stepping API ------------------------------------------------------------

    /// Processes one event. Returns `false` when the simulation has finished.
    #[inline]
    pub fn step(&mut self) -> bool {
        if self.is_finished() {
            return false;
        }
        if !self.continuations.is_empty() {
            self.drain_continuations();
            return !self.is_finished();
        }
        let Some(event) = self.queue.pop(self.now) else {
            self.stall();
            return false;
        };
        self.now = event.time;
        self.events_processed += 1;
        self.dispatch_all(event.kind, event.target, event.generation);
        !self.is_finished()
    }

    /// Processes every event up to and including virtual time `t_ms`, then moves the clock to
    /// `t_ms` (unless the run ended earlier). Returns whether the simulation is still running.
    pub fn step_until(&mut self, t_ms: u64) -> bool {
        self.step_until_budget(t_ms, usize::MAX)
    }

    /// Like [`Simulation::step_until`], but processes at most `max_events` events, so a page can
    /// slice long runs across animation frames. Returns whether the simulation is still running.
    pub fn step_until_budget(&mut self, t_ms: u64, max_events: usize) -> bool {
        let mut done = 0;
        while done < max_events && !self.is_finished() {
            let next = if self.continuations.is_empty() {
                self.queue.peek_time(self.now)
            } else {
                Some(self.now)
            };
            match next {
                Some(time) if time <= t_ms => {
                    self.step();
                    done += 1;
                }
                Some(_) => {
                    self.now = self.now.max(t_ms);
                    break;
                }
                None => {
                    self.stall();
                    break;
                }
            }
        }
        !self.is_finished()
    }

    /// Runs to the end.
    pub fn run(&mut self) -> &Outcome {
        while self.step() {}
        self.outcome.get_or_insert_with(|| Outcome {
            status: ExecutionStatus::Failed,
            error: Some("mapsim.Stalled".into()),
            cause: Some("the simulation stopped with nothing left to do".into()),
            output: None,
            end_ms: 0,
        })
    }

    #[inline]
    pub fn is_finished(&self) -> bool {
        self.finished
    }

    /// Current virtual time in milliseconds.
    pub fn now_ms(&self) -> u64 {
        self.now
    }

    /// Time of the next event, if any.
    pub fn next_event_ms(&self) -> Option<u64> {
        if self.continuations.is_empty() {
            self.queue.peek_time(self.now)
        } else {
            Some(self.now)
        }
    }

    pub fn outcome(&self) -> Option<&Outcome> {
        self.outcome.as_ref()
    }

    pub fn events_processed(&self) -> u64 {
        self.events_processed
    }

    pub fn scenario(&self) -> &Scenario {
        &self.scenario
    }

    #[cold]
    #[inline(never)]
    fn stall(&mut self) {
        if self.outcome.is_none() && self.traced.is_none() {
            self.stalled = true;
            self.finished = true;
            self.outcome = Some(Outcome {
                status: ExecutionStatus::Failed,
                error: Some("mapsim.Stalled".into()),
                cause: Some(
                    "the simulation stopped with nothing left to do (an engine bug)".into(),
                ),
                output: None,
                end_ms: self.now,
            });
        }
    }

    #[inline]
    fn dispatch(&mut self, kind: EventKind, target: u32, generation: u32) {
        match kind {
            EventKind::Resume => {
                let Some(fiber) = self.fibers.get(target as usize) else {
                    return;
                };
                if fiber.generation != generation || fiber.phase == Phase::Dead {
                    return;
                }
                let exec = fiber.exec;
                if let Some(e) = self.executions.get_mut(exec as usize) {
                    e.steps += 1;
                }
                self.resume(target);
            }
            EventKind::LambdaRelease => {
                self.lambda_in_flight = self.lambda_in_flight.saturating_sub(1);
            }
            EventKind::ExecutionTimeout => {
                let Some(exec) = self.executions.get(target as usize) else {
                    return;
                };
                if exec.generation != generation || !exec.alive {
                    return;
                }
                self.execution_timed_out(target);
            }
            EventKind::ReplayAbort => {
                let _ = (target, generation);
                self.replay_abort_check();
            }
        }
    }

    #[inline]
    fn resume(&mut self, f: u32) {
        let Some(phase) = self.fibers.get(f as usize).map(|x| x.phase) else {
            return;
        };
        match phase {
            Phase::Enter => self.enter_state(&self.program.clone(), f),
            Phase::TaskStart => self.task_start(&self.program.clone(), f),
            Phase::TaskDone => self.task_done(&self.program.clone(), f),
            Phase::HandleError => self.handle_error(f),
            Phase::RetryDue => self.retry_due(f),
            Phase::WaitDone => self.wait_done(f),
            Phase::Waiting | Phase::Dead => {}
        }
    }

    // ----- fibers and executions ---------------------------------------------------------

    #[allow(clippy::too_many_arguments)]
    fn new_fiber(
        &mut self,
        exec: u32,
        state: StateId,
        input: Data,
        link: Link,
        vars: Option<Rc<Variables>>,
        last_event: u32,
        item: Option<ItemScope>,
    ) -> u32 {
        let now = self.now;
        let fiber = |generation, retry_counters| Fiber {
            exec,
            state,
            generation,
            phase: Phase::Enter,
            input,
            effective: None,
            retry_count: 0,
            retry_counters,
            link,
            last_event,
            entered_event: 0,
            entered_prev: 0,
            entered_ms: now,
            vars,
            attempt: Attempt::None,
            busy_until: 0,
            holds_lambda: false,
            attempt_started: 0,
            attempt_row: u32::MAX,
            attempt_waited: 0,
            timeout_ms: None,
            heartbeat_ms: None,
            pending_error: None,
            error_is_own: false,
            in_state: false,
            item,
            container: None,
        };
        if let Some(slot) = self.free_fibers.pop() {
            if let Some(existing) = self.fibers.get_mut(slot as usize) {
                // The slot's retry counters keep their allocation for the next fiber. (The new
                // fiber is written straight into the slot, not built aside and copied in.)
                let mut counters = std::mem::take(&mut existing.retry_counters);
                counters.clear();
                *existing = fiber(existing.generation + 1, counters);
                return slot;
            }
        }
        self.fibers.push(fiber(0, Vec::new()));
        (self.fibers.len() - 1) as u32
    }

    fn free_fiber(&mut self, f: u32) {
        if let Some(fiber) = self.fibers.get_mut(f as usize) {
            if fiber.phase == Phase::Dead {
                return;
            }
            fiber.phase = Phase::Dead;
            fiber.generation += 1;
            fiber.container = None;
            fiber.vars = None;
            fiber.input = Data::Item { run: 0, index: 0 };
            fiber.effective = None;
            fiber.retry_counters.clear();
            self.free_fibers.push(f);
        }
    }

    fn new_execution(&mut self, key: u64, input: Data, link: ExecLink, record: bool) -> u32 {
        let exec = Execution {
            key,
            generation: 0,
            rng: RefCell::new(Stream::new(
                self.stream_seed.unwrap_or(self.scenario.seed),
                key,
            )),
            input,
            start_ms: self.now,
            link,
            // Recorded executions start with room for a short history, so that most never copy
            // theirs as it grows (see `push_event` for long ones).
            history: record.then(|| {
                let mut history = History::default();
                history.reserve_exact(HISTORY_RESERVE_AT);
                history
            }),
            timeline: (record && (link != ExecLink::Parent || self.options.parent_timeline))
                .then(|| Vec::with_capacity(TIMELINE_RESERVE_AT)),
            event_count: 0,
            steps: 0,
            lambda_invocations: 0,
            task_attempts: 0,
            root: 0,
            status: ExecutionStatus::Running,
            failed_state: None,
            retrying: 0,
            alive: true,
            sealed: false,
        };
        match self.free_executions.pop() {
            Some(slot) => {
                let generation = self
                    .executions
                    .get(slot as usize)
                    .map_or(0, |e| e.generation + 1);
                if let Some(existing) = self.executions.get_mut(slot as usize) {
                    *existing = exec;
                    existing.generation = generation;
                }
                slot
            }
            None => {
                self.executions.push(exec);
                (self.executions.len() - 1) as u32
            }
        }
    }

    fn free_execution(&mut self, e: u32) {
        if let Some(exec) = self.executions.get_mut(e as usize) {
            exec.alive = false;
            exec.generation += 1;
            exec.history = None;
            exec.timeline = None;
            exec.input = Data::Item { run: 0, index: 0 };
            self.free_executions.push(e);
        }
    }

    /// Continues a fiber at the current instant. The root fiber of an execution is the only
    /// fiber of its execution that can act at this point, so it continues straight after the
    /// current event (no queue round trip); iterations and branches go through the queue so
    /// that siblings interleave as AWS records them.
    #[inline(always)]
    fn resume_now(&mut self, f: u32) {
        let Some(fiber) = self.fibers.get(f as usize) else {
            return;
        };
        let generation = fiber.generation;
        if fiber.link == Link::Root {
            self.continuations.push((f, generation));
        } else {
            self.queue
                .push(self.now, self.now, f, generation, EventKind::Resume);
        }
    }

    /// Whether a fiber's next step at the current instant may run straight away, inside the
    /// current step, instead of going through the queue. It may when nothing else would run
    /// before it: nothing is due now in the queue and no continuation waits. The caller must be
    /// at the very end of its step (nothing is recorded or scheduled after it), so that running
    /// it now gives exactly the order the queue would. A replayed child being aborted steps one
    /// event at a time, so that the abort lands where it did in the full run.
    #[inline]
    fn may_step_now(&self) -> bool {
        self.continuations.is_empty()
            && !self.queue.due_now(self.now)
            && !matches!(self.mode, Mode::Replay { abort: Some(_), .. })
            && !self.is_finished()
    }

    /// Counts a step taken straight away as the queue would have counted it.
    #[inline]
    fn count_step(&mut self, exec: u32) {
        self.events_processed += 1;
        if let Some(e) = self.executions.get_mut(exec as usize) {
            e.steps += 1;
        }
    }

    /// Dispatches an event, then every continuation it caused.
    fn dispatch_all(&mut self, kind: EventKind, target: u32, generation: u32) {
        self.dispatch(kind, target, generation);
        self.replay_abort_check();
        if !self.continuations.is_empty() {
            self.drain_continuations();
        }
    }

    fn drain_continuations(&mut self) {
        let mut i = 0;
        while let Some(&(f, g)) = self.continuations.get(i) {
            i += 1;
            if self.is_finished() {
                break;
            }
            self.events_processed += 1;
            self.dispatch(EventKind::Resume, f, g);
            self.replay_abort_check();
        }
        self.continuations.clear();
    }

    /// Replay only: aborts the rebuilt child at the point of the full run where it was aborted.
    fn replay_abort_check(&mut self) {
        let Mode::Replay {
            abort: Some((time, events)),
            ..
        } = self.mode
        else {
            return;
        };
        let Some(exec) = self.replay_exec else {
            return;
        };
        let due = self
            .executions
            .get(exec as usize)
            .is_some_and(|e| e.alive && e.steps >= events);
        if due && self.now >= time && self.traced.is_none() {
            self.abort_execution(exec, ExecutionStatus::Aborted);
        }
    }

    #[inline]
    fn resume_at(&mut self, f: u32, time: u64) {
        let generation = self.fibers.get(f as usize).map_or(0, |x| x.generation);
        self.queue
            .push(self.now, time, f, generation, EventKind::Resume);
    }

    #[inline]
    fn set_phase(&mut self, f: u32, phase: Phase) {
        if let Some(fiber) = self.fibers.get_mut(f as usize) {
            fiber.phase = phase;
        }
    }

    #[inline]
    fn exec_of(&self, f: u32) -> u32 {
        self.fibers.get(f as usize).map_or(0, |x| x.exec)
    }

    #[inline]
    fn state_of(&self, f: u32) -> StateId {
        self.fibers.get(f as usize).map_or(0, |x| x.state)
    }

    // ----- history ----------------------------------------------------------------------

    #[inline]
    fn recording(&self, exec: u32) -> bool {
        self.executions
            .get(exec as usize)
            .is_some_and(|e| e.history.is_some())
    }

    #[inline]
    fn recording_fiber(&self, f: u32) -> bool {
        self.recording(self.exec_of(f))
    }

    /// Appends an event to the fiber's chain: its previous id is the fiber's last event, and it
    /// becomes the fiber's last event. The event is about the fiber's state.
    #[inline(always)]
    fn emit<'a>(&mut self, f: u32, kind: EventType, note: impl Into<Note<'a>>) -> u32 {
        let now = self.now;
        let Some(fiber) = self.fibers.get_mut(f as usize) else {
            return 0;
        };
        let Some(execution) = self.executions.get_mut(fiber.exec as usize) else {
            return 0;
        };
        let id = execution.record(now, fiber.last_event, kind, fiber.state, note.into());
        fiber.last_event = id;
        id
    }

    /// Appends an event whose previous id is given, without moving any chain.
    fn emit_side<'a>(
        &mut self,
        exec: u32,
        prev: u32,
        kind: EventType,
        state: StateId,
        note: impl Into<Note<'a>>,
    ) -> u32 {
        self.push_event(exec, prev, kind, state, note.into())
    }

    #[inline(always)]
    fn push_event(
        &mut self,
        exec: u32,
        prev: u32,
        kind: EventType,
        state: StateId,
        note: Note<'_>,
    ) -> u32 {
        let now = self.now;
        match self.executions.get_mut(exec as usize) {
            Some(execution) => execution.record(now, prev, kind, state, note),
            None => 0,
        }
    }

    /// Records an event holding a value, on the fiber's chain (see [`Simulation::emit`]).
    #[inline(always)]
    fn emit_value(&mut self, f: u32, kind: EventType, shape: history::Shape, data: &Data) -> u32 {
        let now = self.now;
        let Some(fiber) = self.fibers.get_mut(f as usize) else {
            return 0;
        };
        let Some(execution) = self.executions.get_mut(fiber.exec as usize) else {
            return 0;
        };
        let Some(note) = note_of(execution.history.is_some(), shape, data) else {
            return self.emit_value_made(f, kind, shape, data);
        };
        let id = execution.record(now, fiber.last_event, kind, fiber.state, note);
        fiber.last_event = id;
        id
    }

    /// Records an event holding a Distributed Map's item, made whole for it (only a replayed
    /// child records one).
    #[cold]
    #[inline(never)]
    fn record_made(
        &mut self,
        exec: u32,
        prev: u32,
        kind: EventType,
        state: StateId,
        shape: history::Shape,
        data: &Data,
    ) -> u32 {
        let made = self.value_of(data);
        self.push_event(
            exec,
            prev,
            kind,
            state,
            Note::Value(shape, ValueIn::Json(&made)),
        )
    }

    /// [`Simulation::emit_value`] of a Distributed Map's item, made whole for the event (only a
    /// replayed child records one).
    #[cold]
    #[inline(never)]
    fn emit_value_made(
        &mut self,
        f: u32,
        kind: EventType,
        shape: history::Shape,
        data: &Data,
    ) -> u32 {
        let made = self.value_of(data);
        self.emit(f, kind, Note::Value(shape, ValueIn::Json(&made)))
    }

    fn emit_execution_started(&mut self, exec: u32) {
        let details = match self.executions.get(exec as usize) {
            Some(e) if e.history.is_some() => Details::ExecutionStarted {
                input: self.value_of(&e.input),
            },
            _ => Details::None,
        };
        self.push_event(exec, 0, EventType::ExecutionStarted, 0, details.into());
    }

    /// The execution has used its history budget: the next event would pass the limit.
    fn history_exhausted(&self, exec: u32) -> bool {
        self.executions
            .get(exec as usize)
            .is_some_and(|e| e.event_count + 2 >= HISTORY_LIMIT)
    }

    #[inline]
    fn timeline(&mut self, exec: u32, entry: TimelineEntry) {
        if let Some(t) = self
            .executions
            .get_mut(exec as usize)
            .and_then(|e| e.timeline.as_mut())
        {
            t.push(entry);
        }
    }

    /// Notes that the run relied on an assumption; its text is only written the first time.
    #[cold]
    #[inline(never)]
    fn note_assumption(&mut self, key: &'static str, text: impl FnOnce() -> String) {
        self.assumptions_used.entry(key).or_insert_with(text);
    }

    // ----- values -----------------------------------------------------------------------

    /// The JSON of a value in flight.
    fn value_of(&self, data: &Data) -> Rc<Value> {
        match data {
            Data::Json(v) => v.clone(),
            Data::Item { run, index } => Rc::new(self.item_value(*run, *index)),
            Data::Element { items, index } => Rc::new(items.item(*index).clone()),
        }
    }

    /// A value in flight as a history event holds it: an Inline Map item stays a reference.
    #[inline]
    fn shared_of(&self, data: &Data) -> crate::data::SharedValue {
        match data {
            Data::Element { items, index } => {
                crate::data::SharedValue::Element(items.clone(), *index)
            }
            other => crate::data::SharedValue::Json(self.value_of(other)),
        }
    }

    /// Whether a value in flight serializes to more than `limit` bytes.
    fn data_exceeds(&self, data: &Data, limit: u64) -> bool {
        match data {
            Data::Json(v) => crate::data::json_size_exceeds(v, limit),
            Data::Item { run, index } => self.item_size(*run, *index) as u64 > limit,
            Data::Element { items, index } => items.item_exceeds(*index, limit),
        }
    }

    /// The parent execution's ARN.
    pub fn parent_execution_arn(&self) -> String {
        self.execution_arn(self.parent)
    }

    fn execution_arn(&self, exec: u32) -> String {
        match self.executions.get(exec as usize).map(|e| e.link) {
            Some(ExecLink::Child { run, child }) => {
                let label = self
                    .runs
                    .get(run as usize)
                    .map_or("map", |r| r.setup.label.as_str());
                format!(
                    "arn:aws:states:{REGION}:{ACCOUNT}:execution:{MACHINE_NAME}/{label}:{}",
                    child_name(run, child)
                )
            }
            _ => format!(
                "arn:aws:states:{REGION}:{ACCOUNT}:execution:{MACHINE_NAME}:run-{}",
                self.scenario.seed
            ),
        }
    }

    fn epoch(&self, ms: u64) -> String {
        crate::clock::format_rfc3339(
            self.scenario
                .start_epoch_ms
                .saturating_add(i64::try_from(ms).unwrap_or(i64::MAX)),
        )
    }

    /// The context object (`$$`) for a fiber, optionally with a Map item.
    fn context_object(&self, f: u32, map_item: Option<(u64, &Value)>) -> Value {
        let Some(fiber) = self.fibers.get(f as usize) else {
            return Value::Null;
        };
        let exec = self.executions.get(fiber.exec as usize);
        let mut execution = JsonObject::new();
        let arn = self.execution_arn(fiber.exec);
        let name = arn.rsplit(':').next().unwrap_or("").to_string();
        execution.insert("Id".into(), Value::String(arn));
        execution.insert(
            "Input".into(),
            exec.map_or(Value::Null, |e| (*self.value_of(&e.input)).clone()),
        );
        execution.insert("Name".into(), Value::String(name));
        execution.insert(
            "RoleArn".into(),
            Value::String(format!("arn:aws:iam::{ACCOUNT}:role/{MACHINE_NAME}-role")),
        );
        execution.insert(
            "StartTime".into(),
            Value::String(self.epoch(exec.map_or(0, |e| e.start_ms))),
        );
        execution.insert("RedriveCount".into(), Value::from(0));
        let mut state = JsonObject::new();
        state.insert(
            "EnteredTime".into(),
            Value::String(self.epoch(fiber.entered_ms)),
        );
        state.insert(
            "Name".into(),
            Value::String(
                self.program
                    .states
                    .get(fiber.state as usize)
                    .map_or(String::new(), |s| s.name.to_string()),
            ),
        );
        state.insert("RetryCount".into(), Value::from(fiber.retry_count));
        let mut machine = JsonObject::new();
        machine.insert(
            "Id".into(),
            Value::String(format!(
                "arn:aws:states:{REGION}:{ACCOUNT}:stateMachine:{MACHINE_NAME}"
            )),
        );
        machine.insert("Name".into(), Value::String(MACHINE_NAME.into()));
        let mut root = JsonObject::new();
        root.insert("Execution".into(), Value::Object(execution));
        root.insert("State".into(), Value::Object(state));
        root.insert("StateMachine".into(), Value::Object(machine));
        if matches!(
            self.program
                .states
                .get(fiber.state as usize)
                .map(|s| &s.kind),
            Some(program::KindIr::Task(_))
        ) {
            let mut task = JsonObject::new();
            task.insert(
                "Token".into(),
                Value::String(format!(
                    "token-{:016x}",
                    crate::rng::hash_words(&[
                        exec.map_or(0, |e| e.key),
                        u64::from(fiber.state),
                        u64::from(fiber.retry_count)
                    ])
                )),
            );
            root.insert("Task".into(), Value::Object(task));
        }
        if let Some((index, value)) = map_item {
            let mut item = JsonObject::new();
            item.insert("Index".into(), Value::from(index));
            item.insert("Value".into(), value.clone());
            let mut map = JsonObject::new();
            map.insert("Item".into(), Value::Object(item));
            root.insert("Map".into(), Value::Object(map));
        }
        Value::Object(root)
    }

    // ----- results --------------------------------------------------------------------------

    fn finish_parent(
        &mut self,
        status: ExecutionStatus,
        error: Option<String>,
        cause: Option<String>,
        output: Option<Rc<Value>>,
    ) {
        self.outcome = Some(Outcome {
            status,
            error,
            cause,
            output,
            end_ms: self.now,
        });
        self.finished = true;
        self.series.execution_ended(self.now, status);
    }
}

/// How an execution a redrive ran again had ended before it: the parent (`run: None`) or a
/// child of Map Run `run`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EarlierEnd {
    pub run: Option<u32>,
    pub start_ms: u64,
    pub end_ms: u64,
    pub status: ExecutionStatus,
}

/// The name of child `child` of Map Run `run`.
pub fn child_name(run: u32, child: u32) -> String {
    format!(
        "{:08x}-{:04x}-4{:03x}-8{:03x}-{:012x}",
        run,
        child >> 16,
        (child >> 4) & 0xfff,
        child & 0xf,
        child
    )
}

impl ItemSource for Simulation {
    fn item_value(&self, run: u32, index: u32) -> Value {
        self.runs.get(run as usize).map_or_else(
            || ItemsRt::Count(0).value(index),
            |r| r.setup.items.value(index),
        )
    }

    fn item_size(&self, run: u32, index: u32) -> usize {
        match self.runs.get(run as usize).map(|r| &r.setup.items) {
            Some(items @ (ItemsRt::Values(_) | ItemsRt::Csv(_))) => items.size(index),
            _ => 10 + decimal_digits(u64::from(index)),
        }
    }
}

fn decimal_digits(mut n: u64) -> usize {
    let mut digits = 1;
    while n >= 10 {
        n /= 10;
        digits += 1;
    }
    digits
}

/// Context object source for data flow of one fiber.
struct FiberContext<'a> {
    sim: &'a Simulation,
    fiber: u32,
    item: Option<(u64, &'a Value)>,
}

impl ContextSource for FiberContext<'_> {
    fn context_object(&self) -> Value {
        self.sim.context_object(self.fiber, self.item)
    }

    fn map_item(&self) -> Option<(u64, &Value)> {
        self.item
    }
}

// Read-only views for reports.
impl Simulation {
    pub fn program(&self) -> &Program {
        &self.program
    }

    pub fn state_stats(&self) -> &[StateStats] {
        &self.stats
    }

    /// Every Task attempt so far (a full run only), in the order they started.
    pub fn attempts(&self) -> &crate::monitor::AttemptLog {
        &self.attempts
    }

    /// How the errors raised in state `state` met its Retry and Catch, one row per error name.
    pub fn error_routes(&self, state: StateId) -> &[crate::monitor::ErrorRoute] {
        self.routes.get(state as usize).map_or(&[], Vec::as_slice)
    }

    /// The error names of the run (the program's, plus those raised at run time).
    pub fn error_names(&self) -> &crate::errors::ErrorNames {
        &self.errors
    }

    /// The start of virtual time, in epoch milliseconds.
    pub fn start_epoch_ms(&self) -> i64 {
        self.scenario.start_epoch_ms
    }

    pub fn series(&self) -> &Series {
        &self.series
    }

    pub fn map_runs(&self) -> &[MapRun] {
        &self.runs
    }

    /// Item status changes recorded since `cursor` (0, or the cursor returned by an earlier
    /// call), and the cursor to pass next time. Empty unless [`SimOptions::record_changes`] is
    /// set. Cursors stay valid across [`Simulation::discard_item_changes_before`].
    pub fn item_changes(&self, cursor: usize) -> (&[ItemChange], usize) {
        let start = cursor
            .saturating_sub(self.changes_base)
            .min(self.changes.len());
        (
            self.changes.get(start..).unwrap_or(&[]),
            self.changes_base + self.changes.len(),
        )
    }

    /// Forgets the changes before `cursor` (every consumer has seen them), bounding memory.
    pub fn discard_item_changes_before(&mut self, cursor: usize) {
        let n = cursor
            .saturating_sub(self.changes_base)
            .min(self.changes.len());
        self.changes.drain(..n);
        self.changes_base += n;
    }

    /// Cheap counters for live display.
    pub fn live(&self) -> LiveCounters {
        let mut counters = LiveCounters {
            now_ms: self.now,
            events_processed: self.events_processed,
            lambda_in_flight: self.lambda_in_flight,
            parent_status: self
                .outcome
                .as_ref()
                .map_or(ExecutionStatus::Running, |o| o.status),
            map_runs: self.runs.len(),
            ..LiveCounters::default()
        };
        if let Some(run) = self.runs.last() {
            counters.items = run.item_counts;
            counters.executions = run.execution_counts;
            counters.threshold_crossed_ms = run.verdict.as_ref().map(|v| v.at_ms);
        }
        counters
    }

    /// The parent execution's history (rendered from the records now: see [`History`]).
    pub fn parent_history(&self) -> Vec<HistoryEvent> {
        self.executions
            .get(self.parent as usize)
            .and_then(|e| e.history.as_ref())
            .map_or_else(Vec::new, |h| h.events(&self.program))
    }

    /// The parent execution's history from its `start`-th event on: what a reader holding the
    /// first `start` events lacks (the history only grows while the simulation runs).
    pub fn parent_history_since(&self, start: usize) -> Vec<HistoryEvent> {
        self.executions
            .get(self.parent as usize)
            .and_then(|e| e.history.as_ref())
            .map_or_else(Vec::new, |h| h.events_from(start, &self.program))
    }

    /// The number of events in the parent execution's history.
    pub fn parent_history_len(&self) -> usize {
        self.executions
            .get(self.parent as usize)
            .and_then(|e| e.history.as_ref())
            .map_or(0, History::len)
    }

    /// The parent execution's timeline (attempts, retries, catches), when
    /// [`SimOptions::parent_timeline`] asked for it (empty otherwise).
    pub fn parent_timeline(&self) -> &[TimelineEntry] {
        self.executions
            .get(self.parent as usize)
            .and_then(|e| e.timeline.as_deref())
            .unwrap_or(&[])
    }

    /// The parent history as `GetExecutionHistory` JSON.
    pub fn parent_history_json(&self) -> Value {
        history::to_aws_json(&self.parent_history(), self.scenario.start_epoch_ms)
    }

    /// Assumptions ([INF] choices) the run relied on so far: key → description.
    pub fn assumptions_used(&self) -> &BTreeMap<&'static str, String> {
        &self.assumptions_used
    }

    /// Every throttled invocation: `(execution key, invocation ordinal)`.
    pub fn throttle_count(&self) -> usize {
        self.throttles.len()
    }

    pub fn report_for(&self, run: &MapRun) -> MapRunReport {
        run.report(&self.program)
    }

    /// Status of a child of a Map Run.
    pub fn child_status(&self, run: usize, child: usize) -> Option<ChildStatus> {
        self.runs.get(run)?.children.get(child).map(|c| c.status)
    }
}

/// What an event holding `data` records in an execution that records its history (`recording`)
/// or not: `None` for a Distributed Map's item, which the caller makes whole first.
#[inline(always)]
fn note_of(recording: bool, shape: history::Shape, data: &Data) -> Option<Note<'_>> {
    if !recording {
        return Some(Note::None);
    }
    match data {
        Data::Element { items, index } => Some(Note::Value(shape, ValueIn::Element(items, *index))),
        Data::Json(value) => Some(Note::Value(shape, ValueIn::Json(value))),
        Data::Item { .. } => None,
    }
}
