//! What CloudWatch would show of a simulated run: the `AWS/States` and `AWS/Lambda` metrics
//! per period of virtual time, the scenario's alarms evaluated over them, the log lines of the
//! deployment (`monitor/logs.rs`) and how errors met each state's handlers
//! (`monitor/routing.rs`).
//!
//! Everything here is read from the engine's own records, never simulated again: executions
//! from the parent's outcome and the Map Runs' child records, Task work from the attempt log
//! the engine keeps while it runs ([`AttemptRecord`], one row per Task attempt of a full run).
//! CloudWatch's own rules — statistics, alarm evaluation, documents — are the `cloudwatch`
//! crate's.

pub mod logs;
pub mod routing;

use std::collections::BTreeMap;

use serde::Serialize;

use crate::errors::{names, ErrorId};
use crate::program::{KindIr, StateId};
use crate::report::ChildStatus;
use crate::sim::{ExecutionStatus, Simulation, ACCOUNT, MACHINE_NAME, REGION};
use cloudwatch::{AlarmSpec, SpecError, Statistic};

pub use routing::ErrorRoute;

/// How a Task attempt ended, as far as Step Functions saw it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[repr(u8)]
pub enum AttemptOutcome {
    Succeeded,
    Failed,
    TimedOut,
    /// `Lambda.TooManyRequestsException`: the function never ran.
    Throttled,
}

/// One Task attempt of a full run, as [`AttemptLog`] gives it back (the log keeps it in 16
/// bytes; see there).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AttemptRecord {
    pub started_ms: u64,
    /// When Step Functions saw the attempt end, after its start; `u32::MAX` while it runs,
    /// and for an attempt cut short when its execution was aborted. An attempt longer than
    /// 49 days is recorded as lasting 49 days.
    ended_after: u32,
    /// How long the function worked: a Lambda function keeps running after Step Functions
    /// stopped waiting for it (a Task timeout); 0 for a throttled invocation. Capped as above.
    busy: u32,
    /// The Map Run + 1 of the attempt's execution (0 = the parent), and its child.
    run: u32,
    child: u32,
    /// The error the attempt ended with (`u32::MAX` = none).
    error: u32,
    pub state: u16,
    pub outcome: AttemptOutcome,
}

/// The longest duration an attempt record holds (`u32::MAX` means "not ended").
const MAX_RECORDED_MS: u64 = u32::MAX as u64 - 1;

impl AttemptRecord {
    pub(crate) fn new(
        state: StateId,
        exec_key: u64,
        now: u64,
        busy_ms: u64,
        outcome: AttemptOutcome,
        error: Option<ErrorId>,
    ) -> AttemptRecord {
        debug_assert!(
            state <= u32::from(u16::MAX),
            "a program has fewer than 65,536 states"
        );
        AttemptRecord {
            started_ms: now,
            ended_after: u32::MAX,
            busy: busy_ms.min(MAX_RECORDED_MS) as u32,
            run: (exec_key >> 32) as u32,
            child: exec_key as u32,
            error: error.map_or(u32::MAX, |e| e.0),
            state: state.min(u32::from(u16::MAX)) as u16,
            outcome,
        }
    }

    pub fn error(&self) -> Option<ErrorId> {
        (self.error != u32::MAX).then_some(ErrorId(self.error))
    }

    /// The Map Run and child of the attempt's execution (`None` for the parent).
    pub fn child(&self) -> Option<(u32, u32)> {
        (self.run > 0).then(|| (self.run - 1, self.child))
    }

    /// When Step Functions saw the attempt end; `None` while it runs or when it was aborted.
    pub fn ended(&self) -> Option<u64> {
        (self.ended_after != u32::MAX).then(|| self.started_ms + u64::from(self.ended_after))
    }

    /// How long the function worked.
    pub fn busy_ms(&self) -> u64 {
        u64::from(self.busy)
    }
}

/// How an outcome is kept (3 bits): a heartbeat timeout apart from a Task timeout, so that the
/// error of either follows from it.
fn outcome_code(outcome: AttemptOutcome, error: Option<ErrorId>) -> u64 {
    match outcome {
        AttemptOutcome::Succeeded => 0,
        AttemptOutcome::Failed => 1,
        AttemptOutcome::TimedOut if error == Some(names::HEARTBEAT_TIMEOUT) => 4,
        AttemptOutcome::TimedOut => 2,
        AttemptOutcome::Throttled => 3,
    }
}

const CODE_FAILED: u64 = 1;
const CODE_THROTTLED: u64 = 3;

/// The latest start an attempt row holds: 2^44 ms, about 557 years of virtual time.
const MAX_STARTED_MS: u64 = (1 << 44) - 1;

/// One attempt as the log keeps it, 16 bytes.
#[derive(Debug, Clone, Copy)]
struct Row {
    /// bits 0–15 the state, 16–18 the outcome ([`outcome_code`]), 19 "Step Functions saw it
    /// end", 20–63 the start in ms.
    head: u64,
    /// How long Step Functions was to wait for it, in ms.
    waited: u32,
    child: u32,
}

const CODE_SHIFT: u32 = 16;
const ENDED_BIT: u64 = 1 << 19;
const START_SHIFT: u32 = 20;

/// The attempt log: one record per Task attempt, in the order the attempts started.
///
/// Each row is 16 bytes: the start, state and outcome in one word, how long Step Functions was
/// to wait for the attempt, and its child. What most attempts share is not kept per row: an
/// attempt ends when Step Functions stops waiting, its function works as long as Step
/// Functions waits (except on a timeout; a throttled attempt never ran), the error of a
/// timed-out or throttled attempt follows from its outcome, and the Map Run changes only where
/// one run's rows give way to another's. The rare rest — a failed attempt's error, a function
/// that worked on after a timeout, an end that came otherwise — is kept beside the rows,
/// sorted by row. Rows of 32 bytes with every field in them cost a million-item run 147 MB
/// instead of 51 MB of peak memory; a byte stream of about eight bytes a row made reading a
/// run's metrics 2.7 times slower for no faster run (BENCHMARKS.md, "Monitoring").
#[derive(Debug, Default)]
pub struct AttemptLog {
    rows: Vec<Row>,
    /// `(first row, Map Run + 1)` where the rows' Map Run changes.
    runs: Vec<(u32, u32)>,
    /// `(row, error)` of every failed attempt, by row.
    errors: Vec<(u32, u32)>,
    /// `(row, busy)` of every attempt whose function did not work exactly as long as Step
    /// Functions waited for it (a Task timeout), by row.
    busy: Vec<(u32, u32)>,
    /// `(row, ended after)` of every attempt that did not end when expected, by row.
    ends: Vec<(u32, u32)>,
}

/// Puts `(row, value)` into a list sorted by row. Rows come nearly in order (an attempt ends
/// soon after the attempts that started near it), so the search and the move are short.
fn insert_by_row(list: &mut Vec<(u32, u32)>, row: u32, value: u32) {
    match list.last() {
        Some(&(last, _)) if last >= row => {
            let at = list.partition_point(|&(r, _)| r < row);
            match list.get_mut(at) {
                Some(slot) if slot.0 == row => slot.1 = value,
                _ => list.insert(at, (row, value)),
            }
        }
        _ => list.push((row, value)),
    }
}

fn find_by_row(list: &[(u32, u32)], row: u32) -> Option<u32> {
    let at = list.partition_point(|&(r, _)| r < row);
    list.get(at).filter(|&&(r, _)| r == row).map(|&(_, v)| v)
}

/// What is kept beside the rows for one row.
#[derive(Debug, Clone, Copy, Default)]
struct Extra {
    error: Option<u32>,
    busy: Option<u32>,
    ended_after: Option<u32>,
}

/// A walk in row order over a list sorted by row.
struct Cursor<'a> {
    list: &'a [(u32, u32)],
    next: usize,
}

impl<'a> Cursor<'a> {
    fn new(list: &'a [(u32, u32)]) -> Cursor<'a> {
        Cursor { list, next: 0 }
    }

    /// The value for `row`; rows are asked for in increasing order.
    fn at(&mut self, row: u32) -> Option<u32> {
        while let Some(&(r, v)) = self.list.get(self.next) {
            if r > row {
                return None;
            }
            self.next += 1;
            if r == row {
                return Some(v);
            }
        }
        None
    }
}

impl AttemptLog {
    /// Appends a record and returns its row. `waited` is how long Step Functions will wait
    /// for the attempt (its end, when it ends as drawn, is its start plus that).
    #[inline]
    pub(crate) fn push(&mut self, record: AttemptRecord, waited: u64) -> u32 {
        let row = self.rows.len() as u32;
        if self.runs.last().map_or(0, |&(_, run)| run) != record.run {
            self.runs.push((row, record.run));
        }
        let code = outcome_code(record.outcome, record.error());
        if code == CODE_FAILED {
            self.errors.push((row, record.error));
        }
        let waited = waited.min(MAX_RECORDED_MS) as u32;
        if code != CODE_THROTTLED && record.busy != waited {
            self.busy.push((row, record.busy));
        }
        self.rows.push(Row {
            head: u64::from(record.state)
                | code << CODE_SHIFT
                | record.started_ms.min(MAX_STARTED_MS) << START_SHIFT,
            waited,
            child: record.child,
        });
        row
    }

    /// Records that the attempt of `row`, which started at `started` and was to be waited for
    /// `waited` ms, ended at `now`.
    #[inline]
    pub(crate) fn end(&mut self, row: u32, started: u64, waited: u32, now: u64) {
        let Some(r) = self.rows.get_mut(row as usize) else {
            return;
        };
        r.head |= ENDED_BIT;
        let after = now.saturating_sub(started).min(MAX_RECORDED_MS) as u32;
        if after != waited {
            insert_by_row(&mut self.ends, row, after);
        }
    }

    /// Records that the attempt of `row` failed with `error` after all (its result could not
    /// be used): a failed attempt whose error is kept beside the rows, which overrides the
    /// outcome in the row. Only an attempt that ran can fail so.
    pub(crate) fn fail(&mut self, row: u32, error: ErrorId) {
        if (row as usize) < self.rows.len() {
            insert_by_row(&mut self.errors, row, error.0);
        }
    }

    pub fn len(&self) -> usize {
        self.rows.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// The record of `row`.
    pub fn get(&self, row: usize) -> Option<AttemptRecord> {
        let r = *self.rows.get(row)?;
        let row = row as u32;
        let i = self.runs.partition_point(|&(first, _)| first <= row);
        let run = i
            .checked_sub(1)
            .and_then(|i| self.runs.get(i))
            .map_or(0, |r| r.1);
        let extra = Extra {
            error: find_by_row(&self.errors, row),
            busy: find_by_row(&self.busy, row),
            ended_after: find_by_row(&self.ends, row),
        };
        Some(unpack(r, run, extra))
    }

    /// Every record, in row order.
    pub fn iter(&self) -> impl Iterator<Item = AttemptRecord> + '_ {
        let mut runs = self.runs.iter().peekable();
        let mut errors = Cursor::new(&self.errors);
        let mut busy = Cursor::new(&self.busy);
        let mut ends = Cursor::new(&self.ends);
        let mut run = 0u32;
        self.rows.iter().enumerate().map(move |(row, &r)| {
            let row = row as u32;
            while let Some(&&(first, next)) = runs.peek() {
                if first > row {
                    break;
                }
                run = next;
                runs.next();
            }
            let extra = Extra {
                error: errors.at(row),
                busy: busy.at(row),
                ended_after: ends.at(row),
            };
            unpack(r, run, extra)
        })
    }

    /// How many rows keep something beside the rows: `(failed, busy, ends, run changes)`.
    pub fn exceptions(&self) -> (usize, usize, usize, usize) {
        (
            self.errors.len(),
            self.busy.len(),
            self.ends.len(),
            self.runs.len(),
        )
    }

    /// The memory the log takes.
    pub fn bytes(&self) -> usize {
        self.rows.capacity() * std::mem::size_of::<Row>()
            + (self.runs.capacity()
                + self.errors.capacity()
                + self.busy.capacity()
                + self.ends.capacity())
                * 8
    }
}

/// A row's record from the row and what is kept beside the rows for it.
fn unpack(r: Row, run: u32, extra: Extra) -> AttemptRecord {
    let code = (r.head >> CODE_SHIFT) & 7;
    let (outcome, error) = match (extra.error, code) {
        (Some(error), code) if code != CODE_THROTTLED => (AttemptOutcome::Failed, error),
        (_, CODE_FAILED) => (AttemptOutcome::Failed, u32::MAX),
        (_, 2) => (AttemptOutcome::TimedOut, names::TIMEOUT.0),
        (_, 4) => (AttemptOutcome::TimedOut, names::HEARTBEAT_TIMEOUT.0),
        (_, CODE_THROTTLED) => (AttemptOutcome::Throttled, names::LAMBDA_TOO_MANY_REQUESTS.0),
        _ => (AttemptOutcome::Succeeded, u32::MAX),
    };
    AttemptRecord {
        started_ms: r.head >> START_SHIFT,
        ended_after: if r.head & ENDED_BIT != 0 {
            extra.ended_after.unwrap_or(r.waited)
        } else {
            u32::MAX
        },
        busy: if code == CODE_THROTTLED {
            0
        } else {
            extra.busy.unwrap_or(r.waited)
        },
        run,
        child: r.child,
        error,
        state: (r.head & 0xFFFF) as u16,
        outcome,
    }
}
// ----- the metrics a run publishes ---------------------------------------------------------

/// A metric as CloudWatch names it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct MetricId {
    pub namespace: String,
    pub name: String,
    /// `(Name, Value)` pairs.
    pub dimensions: Vec<(String, String)>,
}

impl MetricId {
    /// `AWS/States ExecutionsFailed StateMachineArn=…`.
    pub fn label(&self) -> String {
        let dims: Vec<String> = self
            .dimensions
            .iter()
            .map(|(n, v)| format!("{n}={v}"))
            .collect();
        format!("{} {} {}", self.namespace, self.name, dims.join(" "))
    }
}

/// Which records a metric counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Family {
    /// `AWS/States` per `StateMachineArn`.
    Executions,
    /// `AWS/States` per `LambdaFunctionArn` (Tasks whose resource is a plain function ARN).
    LambdaFunctions,
    /// `AWS/States` per `ServiceIntegrationResourceArn` (every other integration).
    ServiceIntegrations,
    /// `AWS/Lambda` per `FunctionName`.
    Lambda,
}

/// The metrics mapsim publishes: namespace, name, dimension, family, whether it is a count
/// (each event a sample of 1) or a value (milliseconds, or a gauge).
const CATALOGUE: &[(&str, &str, &str, Family, bool)] = &[
    (
        "AWS/States",
        "ExecutionsStarted",
        "StateMachineArn",
        Family::Executions,
        true,
    ),
    (
        "AWS/States",
        "ExecutionsSucceeded",
        "StateMachineArn",
        Family::Executions,
        true,
    ),
    (
        "AWS/States",
        "ExecutionsFailed",
        "StateMachineArn",
        Family::Executions,
        true,
    ),
    (
        "AWS/States",
        "ExecutionsAborted",
        "StateMachineArn",
        Family::Executions,
        true,
    ),
    (
        "AWS/States",
        "ExecutionsTimedOut",
        "StateMachineArn",
        Family::Executions,
        true,
    ),
    (
        "AWS/States",
        "ExecutionThrottled",
        "StateMachineArn",
        Family::Executions,
        true,
    ),
    (
        "AWS/States",
        "ExecutionsRedriven",
        "StateMachineArn",
        Family::Executions,
        true,
    ),
    (
        "AWS/States",
        "ExecutionTime",
        "StateMachineArn",
        Family::Executions,
        false,
    ),
    (
        "AWS/States",
        "LambdaFunctionsScheduled",
        "LambdaFunctionArn",
        Family::LambdaFunctions,
        true,
    ),
    (
        "AWS/States",
        "LambdaFunctionsStarted",
        "LambdaFunctionArn",
        Family::LambdaFunctions,
        true,
    ),
    (
        "AWS/States",
        "LambdaFunctionsSucceeded",
        "LambdaFunctionArn",
        Family::LambdaFunctions,
        true,
    ),
    (
        "AWS/States",
        "LambdaFunctionsFailed",
        "LambdaFunctionArn",
        Family::LambdaFunctions,
        true,
    ),
    (
        "AWS/States",
        "LambdaFunctionsTimedOut",
        "LambdaFunctionArn",
        Family::LambdaFunctions,
        true,
    ),
    (
        "AWS/States",
        "LambdaFunctionTime",
        "LambdaFunctionArn",
        Family::LambdaFunctions,
        false,
    ),
    (
        "AWS/States",
        "LambdaFunctionRunTime",
        "LambdaFunctionArn",
        Family::LambdaFunctions,
        false,
    ),
    (
        "AWS/States",
        "LambdaFunctionScheduleTime",
        "LambdaFunctionArn",
        Family::LambdaFunctions,
        false,
    ),
    (
        "AWS/States",
        "ServiceIntegrationsScheduled",
        "ServiceIntegrationResourceArn",
        Family::ServiceIntegrations,
        true,
    ),
    (
        "AWS/States",
        "ServiceIntegrationsStarted",
        "ServiceIntegrationResourceArn",
        Family::ServiceIntegrations,
        true,
    ),
    (
        "AWS/States",
        "ServiceIntegrationsSucceeded",
        "ServiceIntegrationResourceArn",
        Family::ServiceIntegrations,
        true,
    ),
    (
        "AWS/States",
        "ServiceIntegrationsFailed",
        "ServiceIntegrationResourceArn",
        Family::ServiceIntegrations,
        true,
    ),
    (
        "AWS/States",
        "ServiceIntegrationsTimedOut",
        "ServiceIntegrationResourceArn",
        Family::ServiceIntegrations,
        true,
    ),
    (
        "AWS/States",
        "ServiceIntegrationTime",
        "ServiceIntegrationResourceArn",
        Family::ServiceIntegrations,
        false,
    ),
    (
        "AWS/States",
        "ServiceIntegrationRunTime",
        "ServiceIntegrationResourceArn",
        Family::ServiceIntegrations,
        false,
    ),
    (
        "AWS/States",
        "ServiceIntegrationScheduleTime",
        "ServiceIntegrationResourceArn",
        Family::ServiceIntegrations,
        false,
    ),
    (
        "AWS/Lambda",
        "Invocations",
        "FunctionName",
        Family::Lambda,
        true,
    ),
    ("AWS/Lambda", "Errors", "FunctionName", Family::Lambda, true),
    (
        "AWS/Lambda",
        "Throttles",
        "FunctionName",
        Family::Lambda,
        true,
    ),
    (
        "AWS/Lambda",
        "Duration",
        "FunctionName",
        Family::Lambda,
        false,
    ),
    (
        "AWS/Lambda",
        "ConcurrentExecutions",
        "FunctionName",
        Family::Lambda,
        false,
    ),
];

fn catalogue_entry(
    namespace: &str,
    name: &str,
) -> Option<&'static (&'static str, &'static str, &'static str, Family, bool)> {
    CATALOGUE
        .iter()
        .find(|(ns, n, ..)| *ns == namespace && *n == name)
}

/// Whether an alarm names a metric mapsim publishes, with the dimension it is published by.
/// Problems carry pointers relative to the alarm.
pub fn check_alarm_metric(spec: &AlarmSpec) -> Vec<SpecError> {
    check_metric(&spec.namespace, &spec.metric_name, &spec.dimensions, "")
}

/// As [`check_alarm_metric`], for any metric reference (a dashboard's metric lines too);
/// `prefix` is put before the pointers (`/MetricName`, `/Dimensions`).
pub fn check_metric(
    namespace: &str,
    name: &str,
    dimensions: &[(String, String)],
    prefix: &str,
) -> Vec<SpecError> {
    let mut problems = Vec::new();
    let Some((_, _, dimension, ..)) = catalogue_entry(namespace, name) else {
        let known: Vec<&str> = CATALOGUE
            .iter()
            .filter(|(ns, ..)| *ns == namespace)
            .map(|(_, n, ..)| *n)
            .collect();
        let message = if known.is_empty() {
            format!("mapsim publishes no metrics in namespace `{namespace}` (it publishes AWS/States and AWS/Lambda)")
        } else {
            format!(
                "mapsim does not publish `{namespace} {name}`; it publishes {}",
                known.join(", ")
            )
        };
        problems.push(SpecError {
            pointer: format!("{prefix}/MetricName"),
            message,
        });
        return problems;
    };
    if !dimensions.iter().any(|(n, _)| n == dimension) {
        problems.push(SpecError {
            pointer: format!("{prefix}/Dimensions"),
            message: format!("{namespace} {name} is published per `{dimension}`: add the dimension {{\"Name\": \"{dimension}\", \"Value\": …}}"),
        });
    }
    for (n, _) in dimensions {
        if n != dimension {
            problems.push(SpecError {
                pointer: format!("{prefix}/Dimensions"),
                message: format!("{namespace} {name} has no dimension `{n}` (only `{dimension}`)"),
            });
        }
    }
    problems
}

/// The parent state machine's ARN.
pub fn parent_machine_arn() -> String {
    format!("arn:aws:states:{REGION}:{ACCOUNT}:stateMachine:{MACHINE_NAME}")
}

/// The ARN Distributed Map children publish under: the parent's, then the Map Run's label
/// (ASL-SEMANTICS.md §11).
pub fn child_machine_arn(label: &str) -> String {
    format!("{}/{label}", parent_machine_arn())
}

/// Every metric this run has published so far (or will: the state machines and functions of
/// the definition), in the catalogue's order.
pub fn metrics(sim: &Simulation) -> Vec<MetricId> {
    let mut machines = vec![parent_machine_arn()];
    for label in distributed_labels(sim) {
        machines.push(child_machine_arn(&label));
    }
    let mut lambda_arns: Vec<String> = Vec::new();
    let mut services: Vec<String> = Vec::new();
    let mut functions: Vec<String> = Vec::new();
    for state in &sim.program().states {
        let KindIr::Task(task) = &state.kind else {
            continue;
        };
        let list = if task.integration == asl::Integration::LambdaFunction {
            &mut lambda_arns
        } else {
            &mut services
        };
        if !list.iter().any(|r| **r == *task.resource) {
            list.push(task.resource.to_string());
        }
        if let Some(name) = &task.function_name {
            if !functions.iter().any(|f| **f == **name) {
                functions.push(name.to_string());
            }
        }
    }
    let mut out = Vec::new();
    for (namespace, name, dimension, family, _) in CATALOGUE {
        let values = match family {
            Family::Executions => &machines,
            Family::LambdaFunctions => &lambda_arns,
            Family::ServiceIntegrations => &services,
            Family::Lambda => &functions,
        };
        for value in values {
            out.push(MetricId {
                namespace: (*namespace).to_string(),
                name: (*name).to_string(),
                dimensions: vec![((*dimension).to_string(), value.clone())],
            });
        }
    }
    out
}

/// The labels of the definition's Distributed Maps (the Map Runs' names), in state order.
fn distributed_labels(sim: &Simulation) -> Vec<String> {
    let mut labels: Vec<String> = Vec::new();
    for state in &sim.program().states {
        if let KindIr::Map(map) = &state.kind {
            if map.distributed {
                let label = map.label.clone().unwrap_or_else(|| state.name.to_string());
                if !labels.contains(&label) {
                    labels.push(label);
                }
            }
        }
    }
    labels
}

/// Which state machine a `StateMachineArn` dimension names in this run.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Machine {
    Parent,
    /// The children of the Map Runs with this label.
    Children(String),
}

/// A `StateMachineArn` value read as the simulated machine: any `…:stateMachine:NAME` is the
/// parent (the simulation stands for the user's machine whatever its name), and
/// `…:stateMachine:NAME/LABEL` the children of the Distributed Map labelled LABEL.
fn machine_of(arn: &str) -> Option<Machine> {
    let (_, rest) = arn.split_once(":stateMachine:")?;
    match rest.split_once('/') {
        None => Some(Machine::Parent),
        Some((_, label)) => Some(Machine::Children(label.to_string())),
    }
}

/// The samples of one metric: `(virtual ms, value)`, unordered. `None` when the metric is
/// not one mapsim publishes.
fn samples(sim: &Simulation, metric: &MetricId) -> Option<Vec<(u64, f64)>> {
    let (_, name, dimension, family, _) = catalogue_entry(&metric.namespace, &metric.name)?;
    let value = metric
        .dimensions
        .iter()
        .find(|(n, _)| n == dimension)
        .map(|(_, v)| v.as_str())?;
    let mut out = Vec::new();
    match family {
        Family::Executions => {
            let machine = machine_of(value)?;
            execution_samples(sim, &machine, name, &mut out);
        }
        Family::LambdaFunctions | Family::ServiceIntegrations => {
            let states = task_states(sim, |task| {
                let plain = task.integration == asl::Integration::LambdaFunction;
                let wanted = *family == Family::LambdaFunctions;
                plain == wanted
                    && (*task.resource == *value
                        || (plain && task.function_name.as_deref() == Some(function_part(value))))
            });
            integration_samples(sim, &states, name, &mut out);
        }
        Family::Lambda => {
            let states = task_states(sim, |task| {
                task.function_name.as_deref() == Some(function_part(value))
            });
            lambda_samples(sim, &states, name, &mut out);
        }
    }
    Some(out)
}

/// The function name of `arn:aws:lambda:…:function:NAME[:QUALIFIER]`, or the text itself.
fn function_part(text: &str) -> &str {
    match text.split(':').collect::<Vec<_>>().as_slice() {
        [_, _, _, _, _, "function", name, ..] => name,
        _ => text,
    }
}

fn task_states(sim: &Simulation, keep: impl Fn(&crate::program::TaskIr) -> bool) -> Vec<bool> {
    sim.program()
        .states
        .iter()
        .map(|s| matches!(&s.kind, KindIr::Task(task) if keep(task)))
        .collect()
}

fn execution_samples(sim: &Simulation, machine: &Machine, name: &str, out: &mut Vec<(u64, f64)>) {
    // mapsim does not throttle Step Functions' own API: ExecutionThrottled has no samples.
    match machine {
        Machine::Parent => match name {
            "ExecutionsStarted" => out.push((0, 1.0)),
            "ExecutionsRedriven" => out.extend(sim.redrive_times().iter().map(|t| (*t, 1.0))),
            _ => {
                // Each time the parent ended: before each redrive, and now.
                let ends = sim
                    .earlier_ends()
                    .iter()
                    .filter(|e| e.run.is_none())
                    .map(|e| (e.end_ms, e.status))
                    .chain(sim.outcome().map(|o| (o.end_ms, o.status)));
                for (end_ms, status) in ends {
                    let hit = match name {
                        "ExecutionsSucceeded" => status == ExecutionStatus::Succeeded,
                        "ExecutionsFailed" => status == ExecutionStatus::Failed,
                        "ExecutionsAborted" => status == ExecutionStatus::Aborted,
                        "ExecutionsTimedOut" => status == ExecutionStatus::TimedOut,
                        "ExecutionTime" => {
                            out.push((end_ms, end_ms as f64));
                            false
                        }
                        _ => false,
                    };
                    if hit {
                        out.push((end_ms, 1.0));
                    }
                }
            }
        },
        Machine::Children(label) => {
            // How the children a redrive ran again had ended before.
            let labelled = |run: Option<u32>| {
                run.and_then(|r| sim.map_runs().get(r as usize))
                    .is_some_and(|r| r.setup.label == *label)
            };
            for e in sim.earlier_ends().iter().filter(|e| labelled(e.run)) {
                let hit = match name {
                    "ExecutionsStarted" => {
                        out.push((e.start_ms, 1.0));
                        false
                    }
                    "ExecutionTime" => {
                        out.push((e.end_ms, (e.end_ms - e.start_ms) as f64));
                        false
                    }
                    "ExecutionsFailed" => e.status == ExecutionStatus::Failed,
                    "ExecutionsTimedOut" => e.status == ExecutionStatus::TimedOut,
                    "ExecutionsAborted" => e.status == ExecutionStatus::Aborted,
                    _ => false,
                };
                if hit {
                    out.push((e.end_ms, 1.0));
                }
            }
            for run in sim.map_runs() {
                if run.setup.label != *label {
                    continue;
                }
                for child in &run.children {
                    let ended = matches!(
                        child.status,
                        ChildStatus::Succeeded
                            | ChildStatus::Failed
                            | ChildStatus::TimedOut
                            | ChildStatus::Aborted
                    );
                    match name {
                        "ExecutionsStarted" if child.status != ChildStatus::Pending => {
                            out.push((child.start_ms, 1.0));
                        }
                        "ExecutionTime" if ended => {
                            out.push((child.end_ms, (child.end_ms - child.start_ms) as f64));
                        }
                        "ExecutionsSucceeded" if child.status == ChildStatus::Succeeded => {
                            out.push((child.end_ms, 1.0));
                        }
                        "ExecutionsFailed" if child.status == ChildStatus::Failed => {
                            out.push((child.end_ms, 1.0));
                        }
                        "ExecutionsTimedOut" if child.status == ChildStatus::TimedOut => {
                            out.push((child.end_ms, 1.0));
                        }
                        "ExecutionsAborted" if child.status == ChildStatus::Aborted => {
                            out.push((child.end_ms, 1.0));
                        }
                        _ => {}
                    }
                }
            }
        }
    }
}

/// `LambdaFunctions…` / `ServiceIntegrations…`: Step Functions' side of each attempt. A Task
/// is scheduled and started at the same virtual instant in mapsim, so the schedule time is 0.
fn integration_samples(sim: &Simulation, states: &[bool], name: &str, out: &mut Vec<(u64, f64)>) {
    let suffix = name
        .strip_prefix("LambdaFunctions")
        .or_else(|| name.strip_prefix("ServiceIntegrations"))
        .or_else(|| name.strip_prefix("LambdaFunction"))
        .or_else(|| name.strip_prefix("ServiceIntegration"))
        .unwrap_or(name);
    for a in sim.attempts().iter() {
        if !states.get(a.state as usize).copied().unwrap_or(false) {
            continue;
        }
        match suffix {
            "Scheduled" | "Started" => out.push((a.started_ms, 1.0)),
            "ScheduleTime" => out.push((a.started_ms, 0.0)),
            _ => {
                let Some(end) = a.ended() else { continue };
                match suffix {
                    "Succeeded" if a.outcome == AttemptOutcome::Succeeded => out.push((end, 1.0)),
                    "Failed"
                        if matches!(
                            a.outcome,
                            AttemptOutcome::Failed | AttemptOutcome::Throttled
                        ) =>
                    {
                        out.push((end, 1.0))
                    }
                    "TimedOut" if a.outcome == AttemptOutcome::TimedOut => out.push((end, 1.0)),
                    "Time" | "RunTime" => out.push((end, (end - a.started_ms) as f64)),
                    _ => {}
                }
            }
        }
    }
}

/// Whether an attempt's error is the function's own (Lambda's `Errors`): not a throttle, not
/// a Lambda service exception (`Lambda.*`), not an error Step Functions raised itself
/// (`States.*`, a Task timeout).
fn function_error(sim: &Simulation, a: &AttemptRecord) -> bool {
    a.outcome == AttemptOutcome::Failed
        && a.error().is_some_and(|e| {
            let name = sim.error_names().name(e);
            !name.starts_with("Lambda.") && !name.starts_with("States.")
        })
}

/// `AWS/Lambda`: the function's side. Invocations, throttles and concurrency when the
/// invocation starts; errors and duration when the function stops working.
fn lambda_samples(sim: &Simulation, states: &[bool], name: &str, out: &mut Vec<(u64, f64)>) {
    let rows = sim
        .attempts()
        .iter()
        .filter(|a| states.get(a.state as usize).copied().unwrap_or(false));
    match name {
        "Invocations" => out.extend(
            rows.filter(|a| a.outcome != AttemptOutcome::Throttled)
                .map(|a| (a.started_ms, 1.0)),
        ),
        "Throttles" => out.extend(
            rows.filter(|a| a.outcome == AttemptOutcome::Throttled)
                .map(|a| (a.started_ms, 1.0)),
        ),
        "Errors" => out.extend(
            rows.filter(|a| function_error(sim, a))
                .map(|a| (a.started_ms + a.busy_ms(), 1.0)),
        ),
        "Duration" => out.extend(
            rows.filter(|a| a.outcome != AttemptOutcome::Throttled)
                .map(|a| (a.started_ms + a.busy_ms(), a.busy_ms() as f64)),
        ),
        "ConcurrentExecutions" => {
            // The most invocations running at once at each change, as a gauge: its Maximum
            // per period is the peak.
            let mut changes: Vec<(u64, i64)> = Vec::new();
            for a in rows.filter(|a| a.outcome != AttemptOutcome::Throttled) {
                changes.push((a.started_ms, 1));
                changes.push((a.started_ms + a.busy_ms(), -1));
            }
            changes.sort_unstable();
            let mut running: i64 = 0;
            for (t, delta) in changes {
                running += delta;
                out.push((t, running.max(0) as f64));
            }
        }
        _ => {}
    }
}

/// One metric's datapoints over periods of virtual time.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Datapoints {
    pub metric: MetricId,
    pub statistic: String,
    pub period_seconds: u64,
    /// Epoch ms of the first period's start (periods are aligned to the clock, as CloudWatch
    /// aligns them).
    pub first_period_ms: i64,
    /// One entry per period from the one holding virtual time 0 to the one holding `until_ms`;
    /// `None` where nothing was published (CloudWatch's missing data).
    pub values: Vec<Option<f64>>,
}

impl Datapoints {
    /// The start of period `i`, epoch ms.
    pub fn period_start(&self, i: usize) -> i64 {
        self.first_period_ms + i as i64 * (self.period_seconds as i64 * 1000)
    }
}

/// A problem with a metric request (CLI `--period`, `--stat`, a dashboard's line).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MetricRequestError(pub String);

impl std::fmt::Display for MetricRequestError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for MetricRequestError {}

/// Whether a period is one CloudWatch allows (`cloudwatch::alarm::period_allowed`: 10, 20,
/// 30 or a multiple of 60 s, and 1 and 5 s as mapsim's high resolution).
pub fn check_period(seconds: u64) -> Result<(), MetricRequestError> {
    if cloudwatch::alarm::period_allowed(seconds) {
        Ok(())
    } else {
        Err(MetricRequestError(format!(
            "a period of {seconds} s is not allowed: use 1, 5, 10, 20 or 30 s (high resolution) or a multiple of 60 s"
        )))
    }
}

/// The most periods one request computes (a year of 1-second periods would be 31 million).
pub const MAX_PERIODS: u64 = 100_000;

/// The datapoints of `metric` with `stat` over `period_seconds` from virtual time 0 to
/// `until_ms`.
pub fn datapoints(
    sim: &Simulation,
    metric: &MetricId,
    stat: Statistic,
    period_seconds: u64,
    until_ms: u64,
) -> Result<Datapoints, MetricRequestError> {
    check_period(period_seconds)?;
    let Some(samples) = samples(sim, metric) else {
        return Err(MetricRequestError(format!(
            "mapsim does not publish {}",
            metric.label()
        )));
    };
    let period_ms = period_seconds as i64 * 1000;
    let epoch = sim.start_epoch_ms();
    let first = epoch.div_euclid(period_ms) * period_ms;
    let last = (epoch + until_ms as i64).div_euclid(period_ms) * period_ms;
    let n = ((last - first) / period_ms + 1) as u64;
    if n > MAX_PERIODS {
        return Err(MetricRequestError(format!(
            "{n} periods of {period_seconds} s is more than mapsim computes at once ({MAX_PERIODS}): choose a longer period"
        )));
    }
    let n = n as usize;
    let gauge = metric.name == "ConcurrentExecutions";
    let keep_values = matches!(stat, Statistic::Percentile(_));
    let mut cells: Vec<Cell> = vec![Cell::default(); n];
    let mut values: Vec<Vec<f64>> = if keep_values {
        vec![Vec::new(); n]
    } else {
        Vec::new()
    };
    for (t, v) in samples {
        let index = ((epoch + t as i64 - first) / period_ms) as usize;
        let Some(cell) = cells.get_mut(index) else {
            continue;
        };
        cell.add(v);
        if let Some(list) = values.get_mut(index) {
            list.push(v);
        }
    }
    if gauge {
        // A gauge holds its value between changes: a period without a change but with
        // invocations still running shows the level carried over.
        let mut level = 0.0;
        for cell in &mut cells {
            if cell.n == 0 {
                if level > 0.0 {
                    cell.add(level);
                }
            } else {
                level = cell.last;
            }
        }
    }
    let values = cells
        .iter()
        .enumerate()
        .map(|(i, cell)| {
            if cell.n == 0 {
                return None;
            }
            match stat {
                Statistic::SampleCount => Some(cell.n as f64),
                Statistic::Sum => Some(cell.sum),
                Statistic::Average => Some(cell.sum / cell.n as f64),
                Statistic::Minimum => Some(cell.min),
                Statistic::Maximum => Some(cell.max),
                Statistic::Percentile(_) => match values.get_mut(i) {
                    Some(list) if !list.is_empty() => cloudwatch::compute(stat, list),
                    _ => Some(cell.last),
                },
            }
        })
        .collect();
    Ok(Datapoints {
        metric: metric.clone(),
        statistic: stat.name(),
        period_seconds,
        first_period_ms: first,
        values,
    })
}

#[derive(Debug, Clone, Copy)]
struct Cell {
    n: u64,
    sum: f64,
    min: f64,
    max: f64,
    last: f64,
}

impl Default for Cell {
    fn default() -> Self {
        Cell {
            n: 0,
            sum: 0.0,
            min: f64::INFINITY,
            max: f64::NEG_INFINITY,
            last: 0.0,
        }
    }
}

impl Cell {
    fn add(&mut self, v: f64) {
        self.n += 1;
        self.sum += v;
        self.min = self.min.min(v);
        self.max = self.max.max(v);
        self.last = v;
    }
}

// ----- alarms -------------------------------------------------------------------------------

/// An alarm's state change, in virtual time.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AlarmTransition {
    /// Virtual seconds from the start of the run (the end of the period that decided it).
    pub at_seconds: f64,
    pub from: String,
    pub to: String,
    pub reason: String,
}

/// One alarm of the scenario, evaluated over the run.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AlarmReport {
    pub name: String,
    /// The state at the end of the evaluation.
    pub state: String,
    pub transitions: Vec<AlarmTransition>,
    #[serde(skip)]
    pub datapoints: Datapoints,
    #[serde(skip)]
    pub spec: AlarmSpec,
    /// The state after each evaluation (one per period of `datapoints`).
    #[serde(skip)]
    pub states: Vec<cloudwatch::AlarmState>,
}

/// How many periods past the end of the run alarms are still evaluated: enough for an alarm
/// to see its datapoints stop (an alarm in ALARM goes back to OK, or INSUFFICIENT_DATA, once
/// the run has ended and its evaluation range holds no breaching datapoint).
fn trailing_periods(spec: &AlarmSpec) -> u64 {
    cloudwatch::alarm::evaluation_range(spec.evaluation_periods) as u64
}

/// Evaluates every alarm of the scenario over the run so far. While the run goes on, the
/// evaluation stops at the last whole period; once it has ended, it goes on for the alarm's
/// whole evaluation range more (`cloudwatch::alarm::evaluation_range`), so that an alarm
/// shows where it settles once nothing is published any more.
pub fn evaluate_alarms(sim: &Simulation) -> Vec<AlarmReport> {
    let finished = sim.outcome().is_some();
    sim.scenario()
        .alarms
        .iter()
        .map(|alarm| evaluate_alarm(sim, &alarm.spec, finished))
        .collect()
}

fn evaluate_alarm(sim: &Simulation, spec: &AlarmSpec, finished: bool) -> AlarmReport {
    let period_ms = spec.period_seconds.max(1) * 1000;
    let now = sim.now_ms();
    let until = if finished {
        now.saturating_add(trailing_periods(spec) * period_ms)
    } else {
        now
    };
    let metric = MetricId {
        namespace: spec.namespace.clone(),
        name: spec.metric_name.clone(),
        dimensions: spec.dimensions.clone(),
    };
    let mut points = datapoints(sim, &metric, spec.statistic, spec.period_seconds, until)
        .unwrap_or_else(|_| Datapoints {
            metric: metric.clone(),
            statistic: spec.statistic.name(),
            period_seconds: spec.period_seconds,
            first_period_ms: sim.start_epoch_ms(),
            values: Vec::new(),
        });
    if !finished {
        // The period still open has not been evaluated yet.
        let epoch = sim.start_epoch_ms();
        let open = points.period_start(points.values.len().saturating_sub(1)) + period_ms as i64;
        if open > epoch + now as i64 {
            points.values.pop();
        }
    }
    let evaluation = cloudwatch::evaluate(spec, points.first_period_ms, &points.values);
    let epoch = sim.start_epoch_ms();
    AlarmReport {
        name: spec.name.clone(),
        state: evaluation.final_state.as_str().to_string(),
        transitions: evaluation
            .transitions
            .iter()
            .map(|t| AlarmTransition {
                at_seconds: (t.at_ms - epoch) as f64 / 1000.0,
                from: t.from.as_str().to_string(),
                to: t.to.as_str().to_string(),
                reason: t.reason.clone(),
            })
            .collect(),
        states: evaluation.states,
        datapoints: points,
        spec: spec.clone(),
    }
}

/// The alarms as the JSON summary reports them.
pub fn alarms_json(reports: &[AlarmReport]) -> serde_json::Value {
    serde_json::to_value(reports).unwrap_or(serde_json::Value::Null)
}

/// Which errors and attempts the metrics are read from, for the run's assumptions.
pub fn assumptions() -> BTreeMap<&'static str, &'static str> {
    let mut notes = BTreeMap::new();
    notes.insert(
        "metrics_child_machine",
        "Distributed Map children publish AWS/States metrics under the parent's ARN followed by /<Map Run label>, the label being the Map's Label or, without one, its state name (AWS uses a UUID then)",
    );
    notes.insert(
        "metrics_state_machine_arn",
        "an alarm's or dashboard's StateMachineArn is read as the simulated machine whatever its name: …:stateMachine:NAME is the parent, …:stateMachine:NAME/LABEL the children of the Map labelled LABEL",
    );
    notes.insert(
        "metrics_lambda_errors",
        "AWS/Lambda Errors counts the function's own errors; Lambda.* service exceptions, throttles and Step Functions' own errors (States.*) are not function errors; a Task timeout does not stop the function, so its Duration is its whole latency",
    );
    notes.insert(
        "metrics_throttled",
        "mapsim does not throttle Step Functions' own API, so ExecutionThrottled has no datapoints",
    );
    notes
}

/// Errors Step Functions raises itself: never a Lambda error line.
pub(crate) fn is_service_error(error: ErrorId) -> bool {
    error == names::TIMEOUT
        || error == names::HEARTBEAT_TIMEOUT
        || error == names::LAMBDA_TOO_MANY_REQUESTS
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Rows of every kind, in and out of order as the engine writes them, read back the same
    /// by look-up and by walk.
    #[test]
    fn the_attempt_log_gives_back_what_it_was_given() {
        let mut log = AttemptLog::default();
        let mut expected: Vec<AttemptRecord> = Vec::new();
        let mut now = 0u64;
        for i in 0..1000u64 {
            now += i % 7 * 13;
            let (outcome, error) = match i % 9 {
                1 => (AttemptOutcome::Failed, Some(ErrorId(40 + (i % 3) as u32))),
                2 => (AttemptOutcome::TimedOut, Some(names::TIMEOUT)),
                3 => (AttemptOutcome::TimedOut, Some(names::HEARTBEAT_TIMEOUT)),
                4 => (
                    AttemptOutcome::Throttled,
                    Some(names::LAMBDA_TOO_MANY_REQUESTS),
                ),
                _ => (AttemptOutcome::Succeeded, None),
            };
            let busy = if outcome == AttemptOutcome::Throttled {
                0
            } else {
                100 + i * 31 % 900
            };
            // A timeout stops the waiting before the function stops working.
            let waited = match outcome {
                AttemptOutcome::TimedOut => busy / 2,
                AttemptOutcome::Throttled => 25,
                _ => busy,
            };
            // Children of a second Map Run from row 600, a parent's attempt at 300.
            let key = match i {
                300 => 0,
                600.. => (2u64 << 32) | (i * 7 % 50),
                _ => (1u64 << 32) | (1000 - i * 3 % 40),
            };
            let state = (i % 5) as StateId;
            let record = AttemptRecord::new(state, key, now, busy, outcome, error);
            let row = log.push(record, waited);
            assert_eq!(row as usize, expected.len());
            expected.push(record);
            // End the attempt of 20 rows ago, as drawn, or later than drawn every 11th row,
            // and leave every 17th running (an aborted execution).
            if let Some(back) = row.checked_sub(20) {
                let (started, wait) = (expected[back as usize].started_ms, {
                    let e = &expected[back as usize];
                    match e.outcome {
                        AttemptOutcome::TimedOut => e.busy / 2,
                        AttemptOutcome::Throttled => 25,
                        _ => e.busy,
                    }
                });
                if back % 17 != 0 {
                    let late = if back % 11 == 0 { 5 } else { 0 };
                    let ended = started + u64::from(wait) + late;
                    log.end(back, started, wait, ended);
                    expected[back as usize].ended_after = wait + late as u32;
                }
                // A successful attempt whose result could not be used.
                if back % 23 == 0 && expected[back as usize].outcome == AttemptOutcome::Succeeded {
                    log.fail(back, ErrorId(77));
                    expected[back as usize].outcome = AttemptOutcome::Failed;
                    expected[back as usize].error = 77;
                }
            }
        }
        assert_eq!(log.len(), expected.len());
        for (row, want) in expected.iter().enumerate() {
            assert_eq!(log.get(row).as_ref(), Some(want), "row {row} by look-up");
        }
        let walked: Vec<AttemptRecord> = log.iter().collect();
        assert_eq!(walked, expected, "by walk");
        assert_eq!(log.get(expected.len()), None);
        // 16 bytes a row, with room to grow, and the few kept beside the rows.
        assert!(log.bytes() < expected.len() * 40, "{} bytes", log.bytes());
    }
}
