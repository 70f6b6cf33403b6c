//! `mapsim run` and `mapsim history`: the summary document, histories and the exit codes of the
//! CLI contract (0 SUCCEEDED, 1 not, 2 unusable input).

use std::path::PathBuf;
use std::process::Command;

use serde_json::Value;

struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Scratch {
        let dir = std::env::temp_dir().join(format!("mapsim-run-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Scratch(dir)
    }

    fn file(&self, name: &str, content: &str) -> String {
        let path = self.0.join(name);
        std::fs::write(&path, content).unwrap();
        path.to_string_lossy().into_owned()
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

struct Output {
    code: i32,
    stdout: String,
    stderr: String,
}

fn mapsim(args: &[&str]) -> Output {
    let output = Command::new(env!("CARGO_BIN_EXE_mapsim"))
        .args(args)
        .output()
        .unwrap();
    Output {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

const MAP: &str = r#"{
  "StartAt": "Process",
  "States": {
    "Process": {
      "Type": "Map",
      "ItemProcessor": {
        "ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
        "StartAt": "Work",
        "States": {"Work": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:w", "End": true}}
      },
      "ToleratedFailureCount": 2,
      "MaxConcurrency": 10,
      "End": true
    }
  }
}"#;

const FAILING: &str = r#"{"seed": 3, "items": {"count": 50},
  "tasks": {"Work": {"faults": [{"error": "Poison", "items": {"indices": [1, 2, 3]}}]}}}"#;

#[test]
fn json_summary_has_the_contract_fields_and_exit_codes() {
    let dir = Scratch::new("summary");
    let definition = dir.file("def.json", MAP);
    let failing = dir.file("failing.json", FAILING);
    let out = mapsim(&[
        "run",
        &definition,
        "--scenario",
        &failing,
        "--format",
        "json",
    ]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    let summary: Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(summary["status"], "FAILED");
    assert_eq!(summary["error"], "States.ExceedToleratedFailureThreshold");
    assert_eq!(
        summary["cause"],
        "The specified tolerated failure threshold was exceeded"
    );
    assert!(summary["duration_seconds"].is_number());
    let run = &summary["map_runs"][0];
    assert_eq!(run["state"], "Process");
    assert_eq!(run["status"], "FAILED");
    for counts in ["item_counts", "execution_counts"] {
        for key in [
            "pending",
            "running",
            "succeeded",
            "failed",
            "timed_out",
            "aborted",
            "total",
        ] {
            assert!(run[counts][key].is_u64(), "{counts}.{key}");
        }
    }
    for key in ["entered", "succeeded", "failed", "retries", "caught"] {
        assert!(summary["states"]["Work"][key].is_u64(), "states.Work.{key}");
    }
    assert!(summary.get("output").is_some());
    assert!(summary["verdict"]
        .as_str()
        .unwrap()
        .contains("3 failed items > ToleratedFailureCount 2"));

    let succeeding = dir.file("ok.json", r#"{"items": {"count": 20}}"#);
    let out = mapsim(&[
        "run",
        &definition,
        "--scenario",
        &succeeding,
        "--format",
        "json",
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let text = mapsim(&["run", &definition, "--scenario", &succeeding]);
    assert_eq!(text.code, 0);
    assert!(text.stdout.contains("SUCCEEDED"));
    assert!(text.stdout.contains("Map Run #1 of Process"));
}

#[test]
fn seed_overrides_and_the_default_scenario_runs_100_items() {
    let dir = Scratch::new("seed");
    let definition = dir.file("def.json", MAP);
    let out = mapsim(&["run", &definition, "--format", "json"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let summary: Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(summary["map_runs"][0]["item_counts"]["total"], 100);
    assert_eq!(summary["seed"], 0);
    let out = mapsim(&["run", &definition, "--seed", "99", "--format", "json"]);
    let summary: Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(summary["seed"], 99);
    assert!(mapsim(&["run", "--help"])
        .stdout
        .contains("default scenario"));
}

#[test]
fn unusable_input_exits_2_with_located_messages() {
    let dir = Scratch::new("bad");
    let definition = dir.file("def.json", MAP);
    let broken = dir.file("broken.json", "{\n  \"StartAt\": \"A\",\n  \"States\": {\n    \"A\": {\"Type\": \"Wait\", \"Seconds\": -1, \"End\": true}\n  }\n}\n");
    let out = mapsim(&["run", &broken]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains(&format!("{broken}:4:")),
        "{}",
        out.stderr
    );
    let cases = [
        ("{\"seed\": 1,,}", ":1:"),
        (
            "{\"tasks\": {\"Work\": {\"faults\": [{\"probability\": 2}]}}}",
            "has no `error` name",
        ),
        (
            "{\"tasks\": {\"Work\": {\"faults\": [{\"error\": \"E\", \"probability\": 2}]}}}",
            "must be between 0 and 1",
        ),
        ("{\"items\": {\"count\": -5}}", "cannot be negative"),
        ("{\"items\": {\"count\": 100000000}}", "at most 10000000"),
        (
            "{\"tasks\": {\"Work\": {\"latency\": {\"fixed_ms\": -1}}}}",
            "cannot be negative",
        ),
        ("{\"tasks\": {\"Nope\": {}}}", "no state named `Nope`"),
        ("{\"seeed\": 1}", "has no field `seeed`"),
    ];
    for (i, (scenario, message)) in cases.iter().enumerate() {
        let file = dir.file(&format!("s{i}.json"), scenario);
        let out = mapsim(&["run", &definition, "--scenario", &file]);
        assert_eq!(out.code, 2, "{scenario}: {}", out.stderr);
        assert!(out.stderr.contains(message), "{scenario}: {}", out.stderr);
        assert!(
            out.stderr.starts_with(&format!("{file}:")),
            "{}",
            out.stderr
        );
    }
    assert_eq!(mapsim(&["run", &dir.file("x", "")]).code, 2);
    assert_eq!(mapsim(&["run", "/no/such/file.json"]).code, 2);
    assert_eq!(mapsim(&["run", &definition, "--seed", "minus"]).code, 2);
    assert_eq!(mapsim(&["run"]).code, 2);
}

#[test]
fn history_of_the_parent_and_of_an_item() {
    let dir = Scratch::new("history");
    let definition = dir.file("def.json", MAP);
    let failing = dir.file("failing.json", FAILING);
    let out = mapsim(&["history", &definition, "--scenario", &failing]);
    assert_eq!(out.code, 1);
    let history: Value = serde_json::from_str(&out.stdout).unwrap();
    let types: Vec<&str> = history["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["type"].as_str().unwrap())
        .collect();
    assert_eq!(
        types,
        [
            "ExecutionStarted",
            "MapStateEntered",
            "MapStateStarted",
            "MapRunStarted",
            "MapRunFailed",
            "MapStateFailed",
            "ExecutionFailed"
        ]
    );
    let out = mapsim(&[
        "history",
        &definition,
        "--scenario",
        &failing,
        "--item",
        "2",
    ]);
    assert_eq!(out.code, 1, "item 2 is poisoned: {}", out.stderr);
    let child: Value = serde_json::from_str(&out.stdout).unwrap();
    let last = child["events"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["type"], "ExecutionFailed");
    assert_eq!(last["executionFailedEventDetails"]["error"], "Poison");
    let out = mapsim(&[
        "history",
        &definition,
        "--scenario",
        &failing,
        "--item",
        "0",
    ]);
    assert_eq!(out.code, 0);
    let out = mapsim(&[
        "history",
        &definition,
        "--scenario",
        &failing,
        "--item",
        "49",
    ]);
    assert_eq!(out.code, 2, "item 49 never started: {}", out.stderr);
}
