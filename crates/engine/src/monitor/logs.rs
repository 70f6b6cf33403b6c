//! The log lines a real deployment would write, as a read-only view over the engine's
//! records ([`LogView`], an [`insights::LogSource`]): Step Functions' execution events in the
//! vended log group at the scenario's log level, and the structured error line each failing
//! Lambda attempt logs in the function's own log group.
//!
//! What is written, and the choices made where AWS has more than mapsim records:
//! - the parent: every event of its history (ALL), its error events (ERROR), its end if it
//!   failed (FATAL);
//! - each Distributed Map child: `ExecutionStarted`, its Task events (`TaskScheduled`,
//!   `TaskStarted`, `TaskSucceeded` / `TaskFailed` / `TaskTimedOut`, or the `LambdaFunction…`
//!   events of a plain function ARN) and its end. A child's state-entered and -exited events
//!   are not written (the engine does not keep children's histories); a child line's `id`
//!   counts the lines written for that child;
//! - a Lambda function's error line for each attempt that failed with a scenario fault
//!   (Lambda always logs, whatever Step Functions' level): `{"level": "ERROR", "error_type":
//!   <the fault's error, the type the handler logs>, "message": …, "item": <the item>}`.
//!
//! At most [`MAX_LOG_LINES`] lines are kept, the earliest; the view says how many it left out.
//! A line's text is made when it is read, so the view costs 24 bytes a line.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde_json::{Map as JsonObject, Value};

use crate::data::ItemSource;
use crate::errors::ErrorId;
use crate::history::HistoryEvent;
use crate::monitor::{is_service_error, AttemptOutcome, AttemptRecord};
use crate::program::KindIr;
use crate::report::ChildStatus;
use crate::scenario::LogLevel;
use crate::sim::{child_name, Simulation, MACHINE_NAME};

/// The most lines a view keeps: 24 bytes a line, 48 MB at most (a line's text is made when
/// it is read).
pub const MAX_LOG_LINES: usize = 2_000_000;

/// Step Functions' execution log group.
pub fn states_log_group() -> String {
    format!("/aws/vendedlogs/states/{MACHINE_NAME}-Logs")
}

/// A Lambda function's log group.
pub fn lambda_log_group(function: &str) -> String {
    format!("/aws/lambda/{function}")
}

#[derive(Debug, Clone, Copy)]
enum What {
    /// Event `index` of the parent's history.
    Parent(u32),
    ChildStarted {
        run: u32,
        child: u32,
    },
    ChildEnded {
        run: u32,
        child: u32,
    },
    /// Attempt `row` of the attempt log: 0 scheduled, 1 started, 2 its end.
    Attempt {
        row: u32,
        phase: u8,
    },
    LambdaError {
        row: u32,
    },
}

#[derive(Debug, Clone, Copy)]
struct Row {
    time_ms: u64,
    /// The line's event id within its execution.
    id: u32,
    what: What,
}

/// The run's log lines, in time order.
pub struct LogView<'a> {
    sim: &'a Simulation,
    rows: Vec<Row>,
    parent: Vec<HistoryEvent>,
    /// Lines left out past [`MAX_LOG_LINES`].
    pub dropped: u64,
    pub level: LogLevel,
}

fn level_keeps(level: LogLevel, kind: &str) -> bool {
    match level {
        LogLevel::All => true,
        LogLevel::Error => {
            kind.ends_with("Failed") || kind.ends_with("TimedOut") || kind.ends_with("Aborted")
        }
        LogLevel::Fatal => matches!(
            kind,
            "ExecutionFailed" | "ExecutionAborted" | "ExecutionTimedOut"
        ),
        LogLevel::Off => false,
    }
}

fn child_end_kind(status: ChildStatus) -> Option<&'static str> {
    match status {
        ChildStatus::Succeeded => Some("ExecutionSucceeded"),
        ChildStatus::Failed => Some("ExecutionFailed"),
        ChildStatus::TimedOut => Some("ExecutionTimedOut"),
        ChildStatus::Aborted => Some("ExecutionAborted"),
        ChildStatus::Pending | ChildStatus::Running => None,
    }
}

/// Every line of the run at `level`, in no particular order, with its id still 0.
fn each_row(sim: &Simulation, parent: &[HistoryEvent], level: LogLevel, f: &mut dyn FnMut(Row)) {
    if level != LogLevel::Off {
        for (i, e) in parent.iter().enumerate() {
            if level_keeps(level, e.kind) {
                f(Row {
                    time_ms: e.time_ms,
                    id: e.id,
                    what: What::Parent(i as u32),
                });
            }
        }
        for (run_id, run) in sim.map_runs().iter().enumerate() {
            for (child, record) in run.children.iter().enumerate() {
                if record.status == ChildStatus::Pending {
                    continue;
                }
                let (run_id, child) = (run_id as u32, child as u32);
                if level_keeps(level, "ExecutionStarted") {
                    f(Row {
                        time_ms: record.start_ms,
                        id: 0,
                        what: What::ChildStarted { run: run_id, child },
                    });
                }
                if let Some(kind) = child_end_kind(record.status) {
                    if level_keeps(level, kind) {
                        f(Row {
                            time_ms: record.end_ms,
                            id: 0,
                            what: What::ChildEnded { run: run_id, child },
                        });
                    }
                }
            }
        }
    }
    for (i, a) in sim.attempts().iter().enumerate() {
        let row = i as u32;
        if a.child().is_some() && level != LogLevel::Off {
            let lambda_fn = is_plain_lambda(sim, &a);
            for phase in 0..3u8 {
                let kind = attempt_kind(&a, phase, lambda_fn);
                let time = if phase == 2 {
                    a.ended()
                } else {
                    Some(a.started_ms)
                };
                if let Some(time) = time.filter(|_| level_keeps(level, kind)) {
                    f(Row {
                        time_ms: time,
                        id: 0,
                        what: What::Attempt { row, phase },
                    });
                }
            }
        }
        if lambda_error_fault(sim, &a).is_some() {
            f(Row {
                time_ms: a.started_ms + a.busy_ms(),
                id: 0,
                what: What::LambdaError { row },
            });
        }
    }
}

impl<'a> LogView<'a> {
    /// The lines of the run so far, at the scenario's log level: the earliest
    /// [`MAX_LOG_LINES`] of them. Two passes over the engine's records — one counting lines
    /// per second of virtual time to find where the limit falls, one keeping the lines before
    /// it — so that a run with far more lines never holds more than the limit.
    pub fn new(sim: &'a Simulation) -> LogView<'a> {
        let level = sim.scenario().log_level;
        let parent = sim.parent_history();
        let mut per_second: BTreeMap<u64, u64> = BTreeMap::new();
        let mut total: u64 = 0;
        each_row(sim, &parent, level, &mut |row| {
            *per_second.entry(row.time_ms / 1000).or_insert(0) += 1;
            total += 1;
        });
        // The first second whose lines pass the limit: lines before it are all kept, lines
        // in it as they come while there is room.
        let mut kept_before: u64 = 0;
        let mut cut: Option<u64> = None;
        for (second, n) in &per_second {
            if kept_before + n > MAX_LOG_LINES as u64 {
                cut = Some(*second);
                break;
            }
            kept_before += n;
        }
        let mut rows: Vec<Row> = Vec::with_capacity(total.min(MAX_LOG_LINES as u64) as usize);
        let mut room_in_cut = (MAX_LOG_LINES as u64).saturating_sub(kept_before);
        each_row(sim, &parent, level, &mut |row| {
            let second = row.time_ms / 1000;
            match cut {
                Some(c) if second > c => {}
                Some(c) if second == c => {
                    if room_in_cut > 0 {
                        room_in_cut -= 1;
                        rows.push(row);
                    }
                }
                _ => rows.push(row),
            }
        });
        rows.sort_by_key(|r| r.time_ms);
        // A child's lines numbered from 1 in the order they happened.
        let offsets: Vec<usize> = sim
            .map_runs()
            .iter()
            .scan(0usize, |acc, run| {
                let start = *acc;
                *acc += run.children.len();
                Some(start)
            })
            .collect();
        let n_children: usize = sim.map_runs().iter().map(|r| r.children.len()).sum();
        let mut counters: Vec<u32> = vec![0; n_children];
        for r in &mut rows {
            let slot = match r.what {
                What::ChildStarted { run, child } | What::ChildEnded { run, child } => {
                    offsets.get(run as usize).map(|o| o + child as usize)
                }
                What::Attempt { row, .. } => sim
                    .attempts()
                    .get(row as usize)
                    .and_then(|a| a.child())
                    .and_then(|(run, child)| offsets.get(run as usize).map(|o| o + child as usize)),
                _ => None,
            };
            if let Some(counter) = slot.and_then(|s| counters.get_mut(s)) {
                *counter += 1;
                r.id = *counter;
            }
        }
        let dropped = total.saturating_sub(rows.len() as u64);
        LogView {
            sim,
            rows,
            parent,
            dropped,
            level,
        }
    }

    /// The memory the view's rows take (its lines' text is made when read).
    pub fn row_bytes(&self) -> usize {
        self.rows.len() * std::mem::size_of::<Row>()
    }

    /// The log groups the view writes to ([`log_groups`]).
    pub fn log_groups(&self) -> Vec<String> {
        log_groups(self.sim)
    }

    fn parent_arn(&self) -> String {
        format!(
            "arn:aws:states:{}:{}:execution:{MACHINE_NAME}:run-{}",
            crate::sim::REGION,
            crate::sim::ACCOUNT,
            self.sim.scenario().seed
        )
    }

    fn epoch_ms(&self, time_ms: u64) -> i64 {
        self.sim.start_epoch_ms().saturating_add(time_ms as i64)
    }

    /// The execution ARN of a child, written into `out`.
    fn push_child_arn(&self, out: &mut String, run: u32, child: u32) {
        let label = self
            .sim
            .map_runs()
            .get(run as usize)
            .map_or("map", |r| r.setup.label.as_str());
        out.push_str("arn:aws:states:");
        out.push_str(crate::sim::REGION);
        out.push(':');
        out.push_str(crate::sim::ACCOUNT);
        out.push_str(":execution:");
        out.push_str(MACHINE_NAME);
        out.push('/');
        out.push_str(label);
        out.push(':');
        push_child_name(out, run, child);
    }

    /// A Step Functions log line, written straight as compact JSON text (as the vended logs
    /// are): the details object is `details`, already JSON; `arn` writes the execution ARN.
    fn states_line(
        &self,
        row: &Row,
        kind: &str,
        details: &str,
        arn: &dyn Fn(&mut String),
    ) -> String {
        let mut out = String::with_capacity(320 + details.len());
        out.push_str("{\"id\":\"");
        push_u64(&mut out, u64::from(row.id));
        out.push_str("\",\"type\":");
        push_json_str(&mut out, kind);
        out.push_str(",\"details\":");
        out.push_str(details);
        out.push_str(",\"previous_event_id\":\"");
        push_u64(&mut out, u64::from(row.id.saturating_sub(1)));
        out.push_str("\",\"event_timestamp\":\"");
        push_u64(&mut out, self.epoch_ms(row.time_ms).max(0) as u64);
        out.push_str("\",\"execution_arn\":\"");
        arn(&mut out);
        out.push_str("\",\"redrive_count\":\"0\"}");
        out
    }

    /// The JSON text of a child's item (the first of its batch).
    fn item_json(&self, run: u32, child: u32) -> String {
        let Some(r) = self.sim.map_runs().get(run as usize) else {
            return "null".to_string();
        };
        let first = r.setup.child_items(child).0;
        if let crate::sim::ItemsRt::Count(_) = r.setup.items {
            // `{"index": i}`, as `item_value` builds it, without building it.
            let mut out = String::with_capacity(24);
            out.push_str("{\"index\":");
            push_u64(&mut out, u64::from(first));
            out.push('}');
            return out;
        }
        self.sim.item_value(run, first).to_string()
    }

    fn render(&self, row: &Row) -> String {
        let sim = self.sim;
        match row.what {
            What::Parent(i) => {
                let Some(e) = self.parent.get(i as usize) else {
                    return String::new();
                };
                let details = e
                    .details
                    .to_json()
                    .unwrap_or(Value::Object(JsonObject::new()))
                    .to_string();
                let arn = self.parent_arn();
                self.states_line(row, e.kind, &details, &|out| out.push_str(&arn))
            }
            What::ChildStarted { run, child } => {
                let mut d = String::from("{\"input\":");
                push_json_str(&mut d, &self.item_json(run, child));
                d.push_str(",\"inputDetails\":{\"truncated\":false}}");
                self.states_line(row, "ExecutionStarted", &d, &|out| {
                    self.push_child_arn(out, run, child)
                })
            }
            What::ChildEnded { run, child } => {
                let Some(r) = sim.map_runs().get(run as usize) else {
                    return String::new();
                };
                let Some(record) = r.children.get(child as usize) else {
                    return String::new();
                };
                let kind = child_end_kind(record.status).unwrap_or("ExecutionAborted");
                let mut d = String::from("{");
                if matches!(record.status, ChildStatus::Failed | ChildStatus::TimedOut) {
                    if let Some(e) = record.error() {
                        d.push_str("\"error\":");
                        push_json_str(&mut d, sim.error_names().name(e));
                    }
                    if let Some(c) = r.child_cause(child as usize) {
                        if d.len() > 1 {
                            d.push(',');
                        }
                        d.push_str("\"cause\":");
                        push_json_str(&mut d, c);
                    }
                }
                d.push('}');
                self.states_line(row, kind, &d, &|out| self.push_child_arn(out, run, child))
            }
            What::Attempt { row: i, phase } => {
                let Some(a) = sim.attempts().get(i as usize) else {
                    return String::new();
                };
                let lambda_fn = is_plain_lambda(sim, &a);
                let kind = attempt_kind(&a, phase, lambda_fn);
                let resource: &str = sim
                    .program()
                    .states
                    .get(a.state as usize)
                    .and_then(|s| match &s.kind {
                        KindIr::Task(t) => Some(&*t.resource),
                        _ => None,
                    })
                    .unwrap_or("");
                let mut d = String::from("{");
                if phase == 2 && a.outcome != AttemptOutcome::Succeeded {
                    if let Some(e) = a.error() {
                        d.push_str("\"error\":");
                        push_json_str(&mut d, sim.error_names().name(e));
                        if let Some(f) = fault_of(sim, &a, e) {
                            d.push_str(",\"cause\":");
                            push_json_str(&mut d, &f.cause);
                        }
                    }
                }
                let field = |d: &mut String, key: &str, value: &str| {
                    if d.len() > 1 {
                        d.push(',');
                    }
                    push_json_str(d, key);
                    d.push(':');
                    push_json_str(d, value);
                };
                if lambda_fn {
                    if phase == 0 {
                        field(&mut d, "resource", resource);
                    }
                } else {
                    let (resource_type, name) = split_resource(resource);
                    field(&mut d, "resourceType", resource_type);
                    field(&mut d, "resource", name);
                }
                d.push('}');
                let (run, child) = a.child().unwrap_or((0, 0));
                self.states_line(row, kind, &d, &|out| self.push_child_arn(out, run, child))
            }
            What::LambdaError { row: i } => {
                let Some(a) = sim.attempts().get(i as usize) else {
                    return String::new();
                };
                let Some(fault) = lambda_error_fault(sim, &a) else {
                    return String::new();
                };
                let item = match a.child() {
                    Some((run, child)) => self.item_json(run, child),
                    None => "null".to_string(),
                };
                let mut out = String::with_capacity(96 + item.len() + fault.message.len());
                out.push_str("{\"level\":\"ERROR\",\"error_type\":");
                push_json_str(&mut out, &fault.logged_type);
                out.push_str(",\"message\":");
                push_json_str(&mut out, &fault.message);
                out.push_str(",\"item\":");
                out.push_str(&item);
                out.push('}');
                out
            }
        }
    }

    fn stream(&self, row: &Row) -> String {
        match row.what {
            What::LambdaError { row: i } => {
                let name = self.function_of(i).unwrap_or_default();
                let mut h = crate::report::Fnv::default();
                h.write(name.as_bytes());
                format!(
                    "{}/[$LATEST]{:016x}",
                    date_path(self.epoch_ms(0)),
                    h.finish()
                )
            }
            What::Parent(_) => format!("states/{MACHINE_NAME}/run-{}", self.sim.scenario().seed),
            What::ChildStarted { run, child } | What::ChildEnded { run, child } => {
                format!("states/{MACHINE_NAME}/{}", child_name(run, child))
            }
            What::Attempt { row: i, .. } => {
                let (run, child) = self
                    .sim
                    .attempts()
                    .get(i as usize)
                    .and_then(|a| a.child())
                    .unwrap_or((0, 0));
                format!("states/{MACHINE_NAME}/{}", child_name(run, child))
            }
        }
    }

    fn function_of(&self, attempt: u32) -> Option<String> {
        let a = self.sim.attempts().get(attempt as usize)?;
        match &self.sim.program().states.get(a.state as usize)?.kind {
            KindIr::Task(t) => t.function_name.as_ref().map(|f| f.to_string()),
            _ => None,
        }
    }

    fn group(&self, row: &Row) -> String {
        match row.what {
            What::LambdaError { row: i } => {
                lambda_log_group(&self.function_of(i).unwrap_or_default())
            }
            _ => states_log_group(),
        }
    }
}

/// A whole number in decimal, without the formatting machinery (the lines are made by the
/// million when a query reads them).
fn push_u64(out: &mut String, mut n: u64) {
    let mut digits = [0u8; 20];
    let mut i = digits.len();
    loop {
        i -= 1;
        digits[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.push_str(std::str::from_utf8(&digits[i..]).unwrap_or("0"));
}

/// `value` in `width` (at most 16) lower-case hexadecimal digits.
fn push_hex(out: &mut String, value: u64, width: usize) {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut text = [b'0'; 16];
    let width = width.min(16);
    for (k, slot) in text.iter_mut().take(width).enumerate() {
        let shift = 4 * (width - 1 - k);
        *slot = DIGITS[((value >> shift) & 0xf) as usize];
    }
    out.push_str(std::str::from_utf8(&text[..width]).unwrap_or(""));
}

/// [`child_name`], written into `out`.
fn push_child_name(out: &mut String, run: u32, child: u32) {
    push_hex(out, u64::from(run), 8);
    out.push('-');
    push_hex(out, u64::from(child >> 16), 4);
    out.push_str("-4");
    push_hex(out, u64::from((child >> 4) & 0xfff), 3);
    out.push_str("-8");
    push_hex(out, u64::from(child & 0xf), 3);
    out.push('-');
    push_hex(out, u64::from(child), 12);
}

/// `text` as a JSON string (quoted, escaped as `serde_json` escapes).
fn push_json_str(out: &mut String, text: &str) {
    out.push('"');
    // Runs of characters that need no escape are copied at once.
    let mut start = 0;
    for (i, b) in text.bytes().enumerate() {
        let escape = match b {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            b'\n' => "\\n",
            b'\r' => "\\r",
            b'\t' => "\\t",
            0x08 => "\\b",
            0x0c => "\\f",
            0..=0x1f => "",
            _ => continue,
        };
        out.push_str(text.get(start..i).unwrap_or(""));
        if escape.is_empty() {
            let _ = write!(out, "\\u{:04x}", b);
        } else {
            out.push_str(escape);
        }
        start = i + 1;
    }
    out.push_str(text.get(start..).unwrap_or(""));
    out.push('"');
}

/// `2024/01/01` from epoch ms.
fn date_path(epoch_ms: i64) -> String {
    let text = cloudwatch::rfc3339(epoch_ms);
    text.get(0..10).unwrap_or("").replace('-', "/")
}

/// `arn:aws:states:::lambda:invoke` → (`lambda`, `invoke`), as Task events name them.
fn split_resource(resource: &str) -> (&str, &str) {
    match resource.strip_prefix("arn:aws:states:::") {
        Some(rest) => rest.split_once(':').unwrap_or((rest, "")),
        None => ("activity", resource),
    }
}

fn is_plain_lambda(sim: &Simulation, a: &AttemptRecord) -> bool {
    matches!(
        sim.program().states.get(a.state as usize).map(|s| &s.kind),
        Some(KindIr::Task(t)) if t.integration == asl::Integration::LambdaFunction
    )
}

fn attempt_kind(a: &AttemptRecord, phase: u8, lambda_fn: bool) -> &'static str {
    match (phase, lambda_fn) {
        (0, true) => "LambdaFunctionScheduled",
        (0, false) => "TaskScheduled",
        (1, true) => "LambdaFunctionStarted",
        (1, false) => "TaskStarted",
        (_, true) => match a.outcome {
            AttemptOutcome::Succeeded => "LambdaFunctionSucceeded",
            AttemptOutcome::TimedOut => "LambdaFunctionTimedOut",
            _ => "LambdaFunctionFailed",
        },
        (_, false) => match a.outcome {
            AttemptOutcome::Succeeded => "TaskSucceeded",
            AttemptOutcome::TimedOut => "TaskTimedOut",
            _ => "TaskFailed",
        },
    }
}

/// The scenario fault an attempt failed with (the first of its Task's faults raising that
/// error).
fn fault_of<'s>(
    sim: &'s Simulation,
    a: &AttemptRecord,
    error: ErrorId,
) -> Option<&'s crate::program::FaultIr> {
    match &sim.program().states.get(a.state as usize)?.kind {
        KindIr::Task(t) => t.behaviour.faults.iter().find(|f| f.error == error),
        _ => None,
    }
}

/// The fault whose error line a failed Lambda attempt logs, if it logs one.
fn lambda_error_fault<'s>(
    sim: &'s Simulation,
    a: &AttemptRecord,
) -> Option<&'s crate::program::FaultIr> {
    if a.outcome != AttemptOutcome::Failed {
        return None;
    }
    let error = a.error()?;
    // The function logs its own errors only: not the Lambda service's (`Lambda.*`), nor
    // Step Functions' (`States.*`, timeouts, throttles).
    let name = sim.error_names().name(error);
    if is_service_error(error) || name.starts_with("Lambda.") || name.starts_with("States.") {
        return None;
    }
    let state = sim.program().states.get(a.state as usize)?;
    let KindIr::Task(task) = &state.kind else {
        return None;
    };
    task.function_name.as_ref()?;
    task.behaviour.faults.iter().find(|f| f.error == error)
}

impl insights::LogSource for LogView<'_> {
    fn len(&self) -> usize {
        self.rows.len()
    }

    fn timestamp_ms(&self, row: usize) -> i64 {
        self.rows.get(row).map_or(0, |r| self.epoch_ms(r.time_ms))
    }

    fn message(&self, row: usize) -> Cow<'_, str> {
        Cow::Owned(self.rows.get(row).map_or(String::new(), |r| self.render(r)))
    }

    fn log_stream(&self, row: usize) -> Cow<'_, str> {
        Cow::Owned(self.rows.get(row).map_or(String::new(), |r| self.stream(r)))
    }

    fn log_group(&self, row: usize) -> Cow<'_, str> {
        Cow::Owned(self.rows.get(row).map_or(String::new(), |r| self.group(r)))
    }
}

/// The log groups a run writes to, Step Functions' first, then each Lambda function's: they
/// follow from the definition alone.
pub fn log_groups(sim: &Simulation) -> Vec<String> {
    let mut groups = vec![states_log_group()];
    for state in &sim.program().states {
        if let KindIr::Task(task) = &state.kind {
            if let Some(f) = &task.function_name {
                let g = lambda_log_group(f);
                if !groups.contains(&g) {
                    groups.push(g);
                }
            }
        }
    }
    groups
}

/// Runs a parsed Logs Insights query over a view's lines: every log group, or those the
/// query's `SOURCE` clauses name.
pub fn run_query(query: &insights::Query, view: &LogView<'_>) -> insights::QueryResult {
    let groups = query.log_groups();
    if groups.is_empty() {
        insights::run(query, view)
    } else {
        let keep = |row: usize| {
            let group = insights::LogSource::log_group(view, row);
            groups.iter().any(|g| *g == group)
        };
        insights::run_filtered(query, view, &keep)
    }
}

/// Parses `text` and runs it over the run's lines ([`run_query`]).
pub fn query(sim: &Simulation, text: &str) -> Result<insights::QueryResult, insights::QueryError> {
    let parsed = insights::parse(text)?;
    Ok(run_query(&parsed, &LogView::new(sim)))
}

#[cfg(test)]
mod tests {
    use super::push_json_str;

    #[test]
    fn numbers_and_names_are_written_as_format_writes_them() {
        for n in [0u64, 7, 10, 1_704_067_200_000, u64::MAX] {
            let mut out = String::new();
            super::push_u64(&mut out, n);
            assert_eq!(out, n.to_string());
        }
        for (run, child) in [(0, 0), (3, 17), (u32::MAX, 999_999), (1, 0x1234_5678)] {
            let mut out = String::new();
            super::push_child_name(&mut out, run, child);
            assert_eq!(out, crate::sim::child_name(run, child));
        }
    }

    #[test]
    fn strings_are_escaped_as_serde_json_escapes_them() {
        for text in [
            "plain",
            "quote \" and \\ back",
            "line\nbreak\ttab\r",
            "\u{1}\u{8}\u{c}\u{1f}",
            "日本語 ✓",
        ] {
            let mut out = String::new();
            push_json_str(&mut out, text);
            assert_eq!(out, serde_json::to_string(text).unwrap_or_default());
        }
    }
}
