//! `mapsim export`: the files a person takes away from a run, consistent with each other and
//! with the run, and nothing half-written when the folder cannot be written.

use std::path::PathBuf;
use std::process::Command;

use serde_json::Value;

const DEFINITION: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../static/examples/monitoring-alarms.asl.json"
);
const SCENARIO: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../static/examples/monitoring-alarms.scenario.json"
);

fn mapsim(args: &[&str]) -> (i32, String, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_mapsim"))
        .args(args)
        .output()
        .unwrap();
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

fn fresh_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("mapsim-export-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

#[test]
fn export_writes_describe_map_run_items_and_history_that_agree() {
    let dir = fresh_dir("agree");
    let out = dir.to_string_lossy().into_owned();
    let (code, stdout, err) =
        mapsim(&["export", DEFINITION, "--scenario", SCENARIO, "--out", &out]);
    assert_eq!(code, 0, "{err}");
    assert!(stdout.contains("describe-map-run.json"), "{stdout}");

    let describe: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("describe-map-run.json")).unwrap())
            .unwrap();
    assert_eq!(describe["status"], "FAILED");
    assert!(describe["mapRunArn"].as_str().unwrap().contains(":mapRun:"));
    let counts = &describe["itemCounts"];
    let total = counts["total"].as_u64().unwrap();
    let sum: u64 = [
        "pending",
        "running",
        "succeeded",
        "failed",
        "timedOut",
        "aborted",
    ]
    .iter()
    .map(|k| counts[*k].as_u64().unwrap())
    .sum();
    assert_eq!(sum, total);

    let csv = std::fs::read_to_string(dir.join("items.csv")).unwrap();
    let mut lines = csv.lines();
    assert_eq!(
        lines.next(),
        Some("index,child,status,attempts,error,cause,end_state,decided_by")
    );
    let rows: Vec<&str> = lines.collect();
    assert_eq!(rows.len() as u64, total);
    let failed = rows.iter().filter(|r| r.contains(",FAILED,")).count() as u64;
    assert_eq!(failed, counts["failed"].as_u64().unwrap());
    // A failed item names its error, its cause (quoted: it holds commas and quotes) and the
    // state that decided it.
    let first_failed = rows.iter().find(|r| r.contains(",FAILED,")).unwrap();
    assert!(first_failed.contains(",Exception,\"{"), "{first_failed}");
    assert!(
        first_failed.ends_with(",ValidateRecord,ValidateRecord"),
        "{first_failed}"
    );

    let history: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("history.json")).unwrap()).unwrap();
    let events = history["events"].as_array().unwrap();
    assert_eq!(events.last().unwrap()["type"], "ExecutionFailed");
    assert!(events.iter().any(|e| e["type"] == "MapRunFailed"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn an_unwritable_out_folder_exits_2_and_leaves_nothing() {
    let dir = fresh_dir("unwritable");
    std::fs::create_dir_all(&dir).unwrap();
    // A file where the folder should be.
    let blocker = dir.join("not-a-folder");
    std::fs::write(&blocker, "x").unwrap();
    let out = blocker.join("sub").to_string_lossy().into_owned();
    let (code, _, err) = mapsim(&["export", DEFINITION, "--scenario", SCENARIO, "--out", &out]);
    assert_eq!(code, 2);
    assert!(err.contains("cannot create"), "{err}");
    assert!(err.contains("nothing was written"), "{err}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn export_without_out_is_a_usage_error() {
    let (code, _, err) = mapsim(&["export", DEFINITION]);
    assert_eq!(code, 2);
    assert!(err.contains("--out"), "{err}");
}

const REDRIVE_DEFINITION: &str = r#"{"StartAt":"Each","States":{"Each":{"Type":"Map","MaxConcurrency":5,"ToleratedFailureCount":2,
"ItemProcessor":{"ProcessorConfig":{"Mode":"DISTRIBUTED","ExecutionType":"STANDARD"},"StartAt":"Prepare","States":{"Prepare":{"Type":"Pass","Next":"Work"},"Work":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:123456789012:function:work","End":true}}},"End":true}}}"#;
const REDRIVE_SCENARIO: &str = r#"{"items":{"count":20},"tasks":{"Work":{"latency":{"fixed_ms":100},"faults":[{"error":"BadRecord","items":{"indices":[3,7,11,15]}}]}},
 "redrives":[{},{"tasks":{"Work":{"latency":{"fixed_ms":100}}}}]}"#;

fn redrive_files(name: &str) -> (PathBuf, String, String) {
    let dir = fresh_dir(name);
    std::fs::create_dir_all(&dir).unwrap();
    let d = dir.join("def.json");
    let s = dir.join("scenario.json");
    std::fs::write(&d, REDRIVE_DEFINITION).unwrap();
    std::fs::write(&s, REDRIVE_SCENARIO).unwrap();
    (
        dir,
        d.to_string_lossy().into_owned(),
        s.to_string_lossy().into_owned(),
    )
}

#[test]
fn run_with_redrive_lists_each_redrive_and_ends_with_the_last() {
    let (dir, d, s) = redrive_files("redrive-run");
    let (code, out, err) = mapsim(&[
        "run",
        &d,
        "--scenario",
        &s,
        "--redrive",
        "3",
        "--format",
        "json",
    ]);
    assert_eq!(code, 0, "{err}");
    let summary: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(summary["status"], "SUCCEEDED");
    let redrives = summary["redrives"].as_array().unwrap();
    assert_eq!(redrives.len(), 2, "the second redrive succeeded; no third");
    assert_eq!(redrives[0]["redrive_count"], 1);
    assert_eq!(redrives[0]["status"], "FAILED");
    assert_eq!(redrives[1]["status"], "SUCCEEDED");
    assert_eq!(summary["map_runs"][0]["redrive_count"], 2);
    // Without --redrive nothing changes.
    let (code, out, _) = mapsim(&["run", &d, "--scenario", &s, "--format", "json"]);
    assert_eq!(code, 1);
    let summary: Value = serde_json::from_str(&out).unwrap();
    assert!(summary.get("redrives").is_none());
    assert!(summary["map_runs"][0].get("redrive_count").is_none());
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn export_after_redrives_counts_them() {
    let (dir, d, s) = redrive_files("redrive-export");
    let out_dir = dir.join("out");
    let out = out_dir.to_string_lossy().into_owned();
    let (code, _, err) = mapsim(&[
        "export",
        &d,
        "--scenario",
        &s,
        "--redrive",
        "2",
        "--out",
        &out,
    ]);
    assert_eq!(code, 0, "{err}");
    let describe: Value = serde_json::from_str(
        &std::fs::read_to_string(out_dir.join("describe-map-run.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(describe["status"], "SUCCEEDED");
    assert_eq!(describe["redriveCount"], 2);
    assert!(describe["redriveDate"]
        .as_str()
        .unwrap()
        .ends_with("+00:00"));
    assert_eq!(describe["itemCounts"]["succeeded"], 20);
    let history: Value =
        serde_json::from_str(&std::fs::read_to_string(out_dir.join("history.json")).unwrap())
            .unwrap();
    let redriven = history["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["type"] == "ExecutionRedriven")
        .count();
    assert_eq!(redriven, 2);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn redriving_a_succeeded_execution_does_nothing() {
    let (code, out, err) = mapsim(&[
        "run",
        DEFINITION,
        "--scenario",
        SCENARIO,
        "--seed",
        "1",
        "--redrive",
        "0",
        "--format",
        "json",
    ]);
    assert!(code == 0 || code == 1, "{err}");
    let summary: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(summary["redrives"], serde_json::json!([]));
    let (code, _, err) = mapsim(&["run", DEFINITION, "--redrive", "many"]);
    assert_eq!(code, 2);
    assert!(err.contains("--redrive must be a whole number"), "{err}");
}

#[test]
fn export_writes_what_the_result_writer_writes_and_the_seeds_recovery_reads_it() {
    let dir = fresh_dir("result-writer");
    let out = dir.to_string_lossy().into_owned();
    let (code, _, err) = mapsim(&["export", DEFINITION, "--scenario", SCENARIO, "--out", &out]);
    assert_eq!(code, 0, "{err}");
    let read = |name: &str| std::fs::read_to_string(dir.join(name)).unwrap();
    let manifest: Value = serde_json::from_str(&read("manifest.json")).unwrap();
    let describe: Value = serde_json::from_str(&read("describe-map-run.json")).unwrap();
    assert_eq!(manifest["MapRunArn"], describe["mapRunArn"]);
    assert_eq!(manifest["DestinationBucket"], "import-results");
    // Every file the manifest lists is there, of the size it says.
    for status in ["SUCCEEDED", "FAILED", "PENDING"] {
        for entry in manifest["ResultFiles"][status].as_array().unwrap() {
            let key = entry["Key"].as_str().unwrap();
            let name = key.rsplit('/').next().unwrap();
            assert_eq!(name, format!("{status}_0.json"));
            assert!(key.starts_with("records/"), "{key}");
            assert_eq!(entry["Size"].as_u64().unwrap() as usize, read(name).len());
        }
    }
    let failed: Vec<Value> = serde_json::from_str(&read("FAILED_0.json")).unwrap();
    let succeeded: Vec<Value> = serde_json::from_str(&read("SUCCEEDED_0.json")).unwrap();
    let counts = &describe["itemCounts"];
    assert_eq!(
        failed.len() as u64,
        counts["failed"].as_u64().unwrap() + counts["aborted"].as_u64().unwrap()
    );
    assert_eq!(
        succeeded.len() as u64,
        counts["succeeded"].as_u64().unwrap()
    );
    // The seed's recovery: the failed items are the Inputs of FAILED_n.json, read back as JSON.
    let retry: Vec<Value> = failed
        .iter()
        .filter(|e| e["Status"] == "FAILED")
        .map(|e| serde_json::from_str(e["Input"].as_str().unwrap()).unwrap())
        .collect();
    assert_eq!(retry.len() as u64, counts["failed"].as_u64().unwrap());
    assert!(retry.iter().all(|item| item["index"].is_u64()));
    // A failed child says its error and cause; an aborted one only a cause naming its Map Run.
    for e in &failed {
        match e["Status"].as_str().unwrap() {
            "ABORTED" => {
                assert!(e.get("Error").is_none(), "{e}");
                let arn = manifest["MapRunArn"].as_str().unwrap();
                assert!(e["Cause"].as_str().unwrap().contains(arn));
            }
            _ => assert!(e["Error"].is_string() && e["Cause"].is_string(), "{e}"),
        }
    }
    // Keys in alphabetical order, as AWS writes them.
    let keys: Vec<&String> = succeeded[0].as_object().unwrap().keys().collect();
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(keys, sorted);
    let pending: Vec<Value> = serde_json::from_str(&read("PENDING_0.json")).unwrap();
    assert_eq!(pending.len() as u64, counts["pending"].as_u64().unwrap());
    assert_eq!(
        counts["resultsWritten"].as_u64().unwrap(),
        counts["total"].as_u64().unwrap(),
        "every item is in one of the files"
    );
    assert!(succeeded
        .iter()
        .all(|e| e["Output"].is_string() && e["Status"] == "SUCCEEDED"));
    let _ = std::fs::remove_dir_all(&dir);
}

const READER_DEFINITION: &str = r#"{"StartAt":"Each","States":{"Each":{"Type":"Map",
"ItemReader":{"Resource":"arn:aws:states:::s3:getObject","ReaderConfig":{"InputType":"CSV","CSVHeaderLocation":"FIRST_ROW"},"Parameters":{"Bucket":"b","Key":"orders.csv"}},
"ItemProcessor":{"ProcessorConfig":{"Mode":"DISTRIBUTED","ExecutionType":"STANDARD"},"StartAt":"Work","States":{"Work":{"Type":"Pass","End":true}}},"End":true}}}"#;

#[test]
fn an_item_reader_reads_the_file_the_scenario_names() {
    let dir = fresh_dir("reader");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("def.json"), READER_DEFINITION).unwrap();
    std::fs::write(dir.join("orders.csv"), "id,amount\n1,10\n2,\"1,5\"\n3,7\n").unwrap();
    std::fs::write(
        dir.join("scenario.json"),
        r#"{"items": {"file": "orders.csv"}}"#,
    )
    .unwrap();
    let d = dir.join("def.json").to_string_lossy().into_owned();
    let s = dir.join("scenario.json").to_string_lossy().into_owned();
    let (code, out, err) = mapsim(&["run", &d, "--scenario", &s, "--format", "json"]);
    assert_eq!(code, 0, "{err}");
    let summary: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(summary["map_runs"][0]["item_counts"]["total"], 3);
    let (_, out, _) = mapsim(&["history", &d, "--scenario", &s, "--item", "1"]);
    let history: Value = serde_json::from_str(&out).unwrap();
    let started = &history["events"][0]["executionStartedEventDetails"]["input"];
    let input: Value =
        serde_json::from_str(started.as_str().unwrap_or("null")).unwrap_or(started.clone());
    assert_eq!(input, serde_json::json!({"id": "2", "amount": "1,5"}));

    // A file that is not there: exit 2, at the scenario's line and column.
    std::fs::write(
        dir.join("scenario.json"),
        "{\n  \"items\": {\"file\": \"missing.csv\"}\n}",
    )
    .unwrap();
    let (code, _, err) = mapsim(&["run", &d, "--scenario", &s]);
    assert_eq!(code, 2);
    assert!(
        err.contains("scenario.json:2:") && err.contains("items.file: cannot read"),
        "{err}"
    );
    // A JSON object where the reader wants a list of items: the Map Run fails as AWS's does.
    std::fs::write(dir.join("orders.csv"), r#"{"not": "a list"}"#).unwrap();
    std::fs::write(
        dir.join("def.json"),
        READER_DEFINITION.replace(
            r#""InputType":"CSV","CSVHeaderLocation":"FIRST_ROW""#,
            r#""InputType":"JSON""#,
        ),
    )
    .unwrap();
    std::fs::write(
        dir.join("scenario.json"),
        r#"{"items": {"file": "orders.csv"}}"#,
    )
    .unwrap();
    let (code, out, _) = mapsim(&["run", &d, "--scenario", &s, "--format", "json"]);
    assert_eq!(code, 1);
    let summary: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(summary["error"], "States.ItemReaderFailed");
    assert_eq!(
        summary["cause"],
        "Attempting to map over non-iterable node."
    );
    let _ = std::fs::remove_dir_all(&dir);
}
