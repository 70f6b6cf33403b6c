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

/// One Task attempt of a full run, in 32 bytes (a million-item run with three Tasks keeps
/// about three million of them: ~100 MB).
#[derive(Debug, Clone, Copy)]
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

    pub(crate) fn end(&mut self, now: u64) {
        self.ended_after = now.saturating_sub(self.started_ms).min(MAX_RECORDED_MS) as u32;
    }

    pub(crate) fn fail(&mut self, error: ErrorId) {
        self.outcome = AttemptOutcome::Failed;
        self.error = error.0;
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

/// The attempt log: one record per Task attempt, in the order the attempts started. A plain
/// vector: kept in pages instead, so that growing it never copies it, measured 1.3 % more
/// instructions per run and no faster (BENCHMARKS.md, "Monitoring").
#[derive(Debug, Default)]
pub struct AttemptLog {
    records: Vec<AttemptRecord>,
}

impl AttemptLog {
    /// Appends a record and returns its index.
    #[inline]
    pub(crate) fn push(&mut self, record: AttemptRecord) -> usize {
        self.records.push(record);
        self.records.len() - 1
    }

    pub fn len(&self) -> usize {
        self.records.len()
    }

    pub fn is_empty(&self) -> bool {
        self.records.is_empty()
    }

    pub fn get(&self, index: usize) -> Option<&AttemptRecord> {
        self.records.get(index)
    }

    #[inline]
    pub(crate) fn get_mut(&mut self, index: usize) -> Option<&mut AttemptRecord> {
        self.records.get_mut(index)
    }

    pub fn iter(&self) -> impl Iterator<Item = &AttemptRecord> + '_ {
        self.records.iter()
    }

    /// The memory the records take.
    pub fn bytes(&self) -> usize {
        self.records.capacity() * std::mem::size_of::<AttemptRecord>()
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
            _ => {
                if let Some(outcome) = sim.outcome() {
                    let status = outcome.status;
                    let hit = match name {
                        "ExecutionsSucceeded" => status == ExecutionStatus::Succeeded,
                        "ExecutionsFailed" => status == ExecutionStatus::Failed,
                        "ExecutionsAborted" => status == ExecutionStatus::Aborted,
                        "ExecutionsTimedOut" => status == ExecutionStatus::TimedOut,
                        "ExecutionTime" => {
                            out.push((outcome.end_ms, outcome.end_ms as f64));
                            false
                        }
                        _ => false,
                    };
                    if hit {
                        out.push((outcome.end_ms, 1.0));
                    }
                }
            }
        },
        Machine::Children(label) => {
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
