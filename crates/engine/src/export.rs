//! The Map Run's outputs as a person takes them away from a run: `DescribeMapRun`'s JSON, a CSV
//! of every item, and the files `ResultWriter` writes. Read from the engine's own records (the
//! Map Run's counts and one compact record per child); a child's input and output, which the
//! records do not keep, come from replaying that child ([`Simulation::child_trace`]).

use serde_json::{Map as JsonObject, Value};

use crate::history::Details;
use crate::report::{ChildStatus, Counts};
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
    // Results written (only with a ResultWriter): every ended child. Recorded: resultsWritten counts the pending items too, once the Map Run has ended (they
    // are in PENDING_n).
    let ended = |c: &Counts| {
        c.succeeded
            + c.failed
            + c.timed_out
            + c.aborted
            + if map_run.status == crate::sim::RunStatus::Running {
                0
            } else {
                c.pending
            }
    };
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
    let (stuck_children, stuck_items) = map_run.not_redrivable_counts();
    o.insert(
        "itemCounts".into(),
        counts_json(
            &report.item_counts,
            items_written,
            stuck_items,
            pending_items,
        ),
    );
    o.insert(
        "executionCounts".into(),
        counts_json(
            &report.execution_counts,
            executions_written,
            stuck_children,
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

/// The files a Distributed Map's `ResultWriter` writes for Map Run `run`, as `(key, text)`:
/// `manifest.json` and, by how each child ended, `SUCCEEDED_0.json`, `FAILED_0.json` (failed,
/// timed out and aborted children) and `PENDING_0.json` (children never started) — each entry
/// with the child's input and output (or error and cause) as JSON text, as AWS writes them
/// ([AWS-DG: input-output-resultwriter]). `WriterConfig.OutputType` JSONL writes one entry per
/// line; `Transformation` COMPACT writes the outputs alone and FLATTEN flattens outputs that are
/// arrays (a failed child's entry stays whole). `None` when the Map has no ResultWriter.
///
/// A child's input and output are not kept by the run: each child is replayed to read them
/// (the time grows with the number of children). The shapes follow a recording of AWS's own
/// files (compact JSON, keys in alphabetical order, `Input` and `Output` as JSON text, aborted
/// and timed-out children among the failed, an aborted one without `Error`, a pending one with
/// only its input, no file for a status without entries); what is still unsettled is said in
/// [`RESULT_WRITER_ASSUMPTIONS`].
pub fn result_writer_files(sim: &Simulation, run: usize) -> Option<Vec<(String, String)>> {
    let map_run: &MapRun = sim.map_runs().get(run)?;
    let writer = match sim
        .program()
        .states
        .get(map_run.setup.state as usize)
        .map(|s| &s.kind)
    {
        Some(crate::program::KindIr::Map(map)) => map.result_writer.as_ref()?,
        _ => return None,
    };
    let arn = &map_run.setup.arn;
    let run_part = arn.rsplit(':').next().unwrap_or("");
    let folder = if writer.prefix.is_empty() {
        run_part.to_string()
    } else {
        format!("{}/{run_part}", writer.prefix.trim_end_matches('/'))
    };
    let jsonl = writer.output_type.as_deref() == Some("JSONL");
    let transformation = writer.transformation.as_deref().unwrap_or("NONE");
    let machine_arn = format!(
        "{}/{}",
        crate::monitor::parent_machine_arn(),
        map_run.setup.label
    );
    let mut groups: [(&str, Vec<Value>); 3] = [
        ("SUCCEEDED", Vec::new()),
        ("FAILED", Vec::new()),
        ("PENDING", Vec::new()),
    ];
    for (child, record) in map_run.children.iter().enumerate() {
        let status = record.status;
        let group = match status {
            ChildStatus::Succeeded => 0,
            ChildStatus::Pending => 2,
            _ => 1,
        };
        if status == ChildStatus::Pending {
            if let Some((_, list)) = groups.get_mut(group) {
                list.push(pending_entry(sim, map_run, child as u32, &machine_arn));
            }
            continue;
        }
        let (input, output) = match sim.child_trace(run, child) {
            Ok(trace) => (
                trace.history.first().and_then(|e| match &e.details {
                    Details::ExecutionStarted { input } => Some((**input).clone()),
                    _ => None,
                }),
                trace.history.last().and_then(|e| match &e.details {
                    Details::Output {
                        output: Some(output),
                    } => Some(output.value().clone()),
                    _ => None,
                }),
            ),
            Err(_) => (None, None),
        };
        let entry = if status == ChildStatus::Succeeded && transformation != "NONE" {
            let output = output.unwrap_or(Value::Null);
            match (transformation, output) {
                ("FLATTEN", Value::Array(values)) => {
                    if let Some((_, list)) = groups.get_mut(group) {
                        list.extend(values);
                    }
                    continue;
                }
                (_, output) => output,
            }
        } else {
            let mut o = JsonObject::new();
            let name = crate::sim::child_name(map_run.setup.id, child as u32);
            let cause = map_run.child_cause(child).unwrap_or("");
            o.insert(
                "ExecutionArn".into(),
                Value::String(format!(
                    "arn:aws:states:{}:{}:execution:{}/{}:{name}",
                    crate::sim::REGION,
                    crate::sim::ACCOUNT,
                    crate::sim::MACHINE_NAME,
                    map_run.setup.label
                )),
            );
            o.insert(
                "Input".into(),
                Value::String(
                    input
                        .as_ref()
                        .map_or_else(String::new, crate::data::compact),
                ),
            );
            o.insert("InputDetails".into(), included());
            o.insert("Name".into(), Value::String(name));
            match status {
                ChildStatus::Succeeded => {
                    o.insert(
                        "Output".into(),
                        Value::String(
                            output
                                .as_ref()
                                .map_or_else(String::new, crate::data::compact),
                        ),
                    );
                    o.insert("OutputDetails".into(), included());
                }
                // An aborted child has no error, and a cause that names its Map Run.
                ChildStatus::Aborted => {
                    o.insert(
                        "Cause".into(),
                        Value::String(format!(
                            "The map run execution [{arn}] which was managing this resource was aborted"
                        )),
                    );
                }
                _ => {
                    o.insert(
                        "Error".into(),
                        Value::String(record.error().map_or("", |e| sim.error_name(e)).into()),
                    );
                    o.insert("Cause".into(), Value::String(cause.into()));
                }
            }
            o.insert("RedriveCount".into(), Value::from(record.redriven));
            let (redrive_status, reason) = match status {
                ChildStatus::Succeeded => (
                    "NOT_REDRIVABLE",
                    "Execution is SUCCEEDED and cannot be redriven",
                ),
                _ => ("REDRIVABLE_BY_MAP_RUN", ""),
            };
            o.insert("RedriveStatus".into(), Value::String(redrive_status.into()));
            if !reason.is_empty() {
                o.insert("RedriveStatusReason".into(), Value::String(reason.into()));
            }
            o.insert(
                "StartDate".into(),
                Value::String(iso_time(sim, record.start_ms)),
            );
            o.insert("StateMachineArn".into(), Value::String(machine_arn.clone()));
            o.insert("Status".into(), Value::String(status.as_str().into()));
            o.insert(
                "StopDate".into(),
                Value::String(iso_time(sim, record.end_ms)),
            );
            sorted(o)
        };
        if let Some((_, list)) = groups.get_mut(group) {
            list.push(entry);
        }
    }
    let mut files = Vec::new();
    let mut manifest_files = JsonObject::new();
    for (status, entries) in groups.iter() {
        let mut listed = Vec::new();
        // A status with no entries gets no file (the manifest lists none).
        if !entries.is_empty() {
            let extension = if jsonl { "jsonl" } else { "json" };
            let key = format!("{folder}/{status}_0.{extension}");
            let text = if jsonl {
                entries
                    .iter()
                    .map(crate::data::compact)
                    .collect::<Vec<_>>()
                    .join("\n")
                    + "\n"
            } else {
                crate::data::compact(&Value::Array(entries.clone()))
            };
            let mut entry = JsonObject::new();
            entry.insert("Key".into(), Value::String(key.clone()));
            entry.insert("Size".into(), Value::from(text.len()));
            listed.push(Value::Object(entry));
            files.push((key, text));
        }
        manifest_files.insert((*status).into(), Value::Array(listed));
    }
    let mut manifest = JsonObject::new();
    manifest.insert(
        "DestinationBucket".into(),
        Value::String(writer.bucket.clone()),
    );
    manifest.insert("MapRunArn".into(), Value::String(arn.clone()));
    // AWS lists FAILED, PENDING, SUCCEEDED in that order.
    let mut ordered = JsonObject::new();
    for key in ["FAILED", "PENDING", "SUCCEEDED"] {
        ordered.insert(
            key.into(),
            manifest_files
                .remove(key)
                .unwrap_or(Value::Array(Vec::new())),
        );
    }
    manifest.insert("ResultFiles".into(), Value::Object(ordered));
    files.insert(
        0,
        (
            format!("{folder}/manifest.json"),
            crate::data::compact(&Value::Object(manifest)),
        ),
    );
    Some(files)
}

/// What [`result_writer_files`] chooses where AWS's documentation does not say.
pub const RESULT_WRITER_ASSUMPTIONS: &[&str] = &[
    "one file per status whatever its size (AWS starts another past 5 GB)",
    "a redrive's files are not written as a generation of their own (AWS writes Redrive-<k>/ beside the first ones): the files describe the Map Run as it stands",
    "with JSONL output the failed and pending files are JSON Lines too (recorded only for the succeeded ones)",
];

fn included() -> Value {
    let mut o = JsonObject::new();
    o.insert("Included".into(), Value::Bool(true));
    Value::Object(o)
}

fn iso_time(sim: &Simulation, ms: u64) -> String {
    let epoch = sim
        .start_epoch_ms()
        .saturating_add(i64::try_from(ms).unwrap_or(i64::MAX));
    let text = crate::clock::format_rfc3339(epoch);
    match text.split_once('.') {
        Some(_) => text,
        None => text.replace('Z', ".000Z"),
    }
}

fn pending_entry(sim: &Simulation, map_run: &MapRun, child: u32, machine_arn: &str) -> Value {
    let (start, end) = map_run.setup.child_items(child);
    let input = if map_run.setup.batches.is_some() {
        Value::Array(
            (start..end)
                .map(|i| sim.item(map_run.setup.id, i))
                .collect(),
        )
    } else {
        sim.item(map_run.setup.id, child)
    };
    let mut o = JsonObject::new();
    o.insert("Input".into(), Value::String(crate::data::compact(&input)));
    o.insert("InputDetails".into(), included());
    // A pending entry is its input alone (recorded).
    o.insert("Status".into(), Value::String("PENDING".into()));
    let _ = machine_arn;
    sorted(o)
}

/// An object with its keys in alphabetical order, as AWS writes the result files.
fn sorted(object: JsonObject<String, Value>) -> Value {
    let mut entries: Vec<(String, Value)> = object.into_iter().collect();
    entries.sort_by(|a, b| a.0.cmp(&b.0));
    Value::Object(entries.into_iter().collect())
}
