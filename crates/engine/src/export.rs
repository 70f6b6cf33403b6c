//! The Map Run's outputs as a person takes them away from a run: `DescribeMapRun`'s JSON, a CSV
//! of every item, and the files `ResultWriter` writes. Read from the engine's own records (the
//! Map Run's counts and one compact record per child); a child's input and output, which the
//! records do not keep, come from replaying that child ([`Simulation::child_trace`]).

use serde_json::{Map as JsonObject, Value};

use crate::report::Counts;
use crate::sim::{MapRun, Simulation};

/// A time as the AWS CLI prints it (`2024-01-01T00:00:07.250000+00:00`): what a person who
/// runs `aws stepfunctions describe-map-run` sees.
pub fn cli_time(sim: &Simulation, ms: u64) -> String {
    let epoch = sim
        .start_epoch_ms()
        .saturating_add(i64::try_from(ms).unwrap_or(i64::MAX));
    let text = crate::clock::format_rfc3339(epoch);
    // format_rfc3339 writes `…:SS.mmmZ` or `…:SSZ`.
    let (seconds, millis) = match text.trim_end_matches('Z').split_once('.') {
        Some((s, m)) => (s.to_string(), m.to_string()),
        None => (text.trim_end_matches('Z').to_string(), "000".to_string()),
    };
    format!("{seconds}.{millis:0<6}+00:00")
}

fn counts_json(
    counts: &Counts,
    results_written: u64,
    not_redrivable: u64,
    pending_redrive: u64,
) -> Value {
    let mut o = JsonObject::new();
    for (k, v) in [
        ("pending", counts.pending),
        ("running", counts.running),
        ("succeeded", counts.succeeded),
        ("failed", counts.failed),
        ("timedOut", counts.timed_out),
        ("aborted", counts.aborted),
        ("total", counts.total),
        ("resultsWritten", results_written),
        ("failuresNotRedrivable", not_redrivable),
        ("pendingRedrive", pending_redrive),
    ] {
        o.insert(k.into(), Value::from(v));
    }
    Value::Object(o)
}

/// `DescribeMapRun`'s response for Map Run `run`, as the AWS CLI prints it.
pub fn describe_map_run(sim: &Simulation, run: usize) -> Option<Value> {
    let map_run: &MapRun = sim.map_runs().get(run)?;
    let report = sim.report_for(map_run);
    let mut o = JsonObject::new();
    o.insert("mapRunArn".into(), Value::String(report.map_run_arn));
    o.insert(
        "executionArn".into(),
        Value::String(sim.parent_execution_arn()),
    );
    o.insert("status".into(), Value::String(report.status));
    o.insert(
        "startDate".into(),
        Value::String(cli_time(sim, report.started_ms)),
    );
    if let Some(end) = report.ended_ms {
        o.insert("stopDate".into(), Value::String(cli_time(sim, end)));
    }
    o.insert("maxConcurrency".into(), Value::from(report.max_concurrency));
    o.insert(
        "toleratedFailurePercentage".into(),
        Value::from(report.tolerated_failure_percentage.unwrap_or(0.0)),
    );
    o.insert(
        "toleratedFailureCount".into(),
        Value::from(report.tolerated_failure_count.unwrap_or(0)),
    );
    // Results written: the children whose result the writer wrote once they ended (every
    // ended child when the Map has a ResultWriter, none otherwise).
    let ended = |c: &Counts| c.succeeded + c.failed + c.timed_out + c.aborted;
    let writes = map_run.setup.writes_results;
    let items_written = if writes {
        ended(&report.item_counts)
    } else {
        0
    };
    let executions_written = if writes {
        ended(&report.execution_counts)
    } else {
        0
    };
    // Children a redrive is still to start, and their items.
    let (pending_children, pending_items) = map_run.pending_redrive_counts();
    o.insert(
        "itemCounts".into(),
        counts_json(&report.item_counts, items_written, 0, pending_items),
    );
    o.insert(
        "executionCounts".into(),
        counts_json(
            &report.execution_counts,
            executions_written,
            0,
            pending_children,
        ),
    );
    o.insert("redriveCount".into(), Value::from(map_run.redrive_count));
    if let Some(at) = map_run.redrive_ms {
        o.insert("redriveDate".into(), Value::String(cli_time(sim, at)));
    }
    Some(Value::Object(o))
}

/// Quotes a CSV field when it holds a comma, a quote or a line break (RFC 4180).
fn csv_field(out: &mut String, text: &str) {
    if text.contains([',', '"', '\n', '\r']) {
        out.push('"');
        out.push_str(&text.replace('"', "\"\""));
        out.push('"');
    } else {
        out.push_str(text);
    }
}

/// The header of [`items_csv`].
pub const ITEMS_CSV_HEADER: &str = "index,child,status,attempts,error,cause,end_state,decided_by";

/// Every item of Map Run `run`, one row each: its index, the child execution that ran it (an
/// item batch shares one), how that child ended (`PENDING` for one never started), its Task
/// attempts, the error and cause of a failure, the state it ended in and the state that
/// decided a failure.
pub fn items_csv(sim: &Simulation, run: usize) -> Option<String> {
    let map_run: &MapRun = sim.map_runs().get(run)?;
    let names = |state: Option<u32>| {
        state
            .and_then(|s| sim.program().states.get(s as usize))
            .map_or("", |s| &*s.name)
    };
    let mut out = String::with_capacity(64 * map_run.children.len() + 64);
    out.push_str(ITEMS_CSV_HEADER);
    out.push('\n');
    for (child, record) in map_run.children.iter().enumerate() {
        let (start, end) = map_run.setup.child_items(child as u32);
        let error = record.error().map_or("", |e| sim.error_name(e));
        let cause = map_run.child_cause(child).unwrap_or("");
        for index in start..end {
            out.push_str(&index.to_string());
            out.push(',');
            out.push_str(&child.to_string());
            out.push(',');
            out.push_str(record.status.as_str());
            out.push(',');
            out.push_str(&record.attempts.to_string());
            out.push(',');
            csv_field(&mut out, error);
            out.push(',');
            csv_field(&mut out, cause);
            out.push(',');
            csv_field(&mut out, names(record.end_state()));
            out.push(',');
            csv_field(&mut out, names(record.decided_by()));
            out.push('\n');
        }
    }
    Some(out)
}
