//! `mapsim metrics`, `mapsim logs` and the alarms of `mapsim run`: the shapes of the CLI
//! contract (GetMetricData, GetQueryResults, the summary's `alarms`) and exit 2 on a request
//! mapsim cannot answer.

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

#[test]
fn metrics_print_get_metric_data() {
    let (code, out, err) = mapsim(&[
        "metrics",
        DEFINITION,
        "--scenario",
        SCENARIO,
        "--metric",
        "AWS/States/ExecutionsFailed",
        "--period",
        "300",
    ]);
    assert_eq!(code, 1, "the execution failed: {err}");
    let doc: Value = serde_json::from_str(&out).unwrap();
    let results = doc["MetricDataResults"].as_array().unwrap();
    assert_eq!(results.len(), 2, "the parent and the children: {out}");
    for r in results {
        for key in ["Id", "Label", "Timestamps", "Values", "StatusCode"] {
            assert!(r.get(key).is_some(), "{key} in {r}");
        }
        assert_eq!(r["StatusCode"], "Complete");
        assert_eq!(
            r["Timestamps"].as_array().unwrap().len(),
            r["Values"].as_array().unwrap().len()
        );
    }
    let children = results
        .iter()
        .find(|r| r["Label"].as_str().unwrap().ends_with("/ImportRecords"))
        .unwrap();
    let total: f64 = children["Values"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Value::as_f64)
        .sum();
    assert_eq!(total, 121.0);
    // Newest first, RFC 3339.
    assert_eq!(children["Timestamps"][0], "2024-01-01T00:05:00Z");
}

#[test]
fn metrics_refuse_what_cloudwatch_would_refuse() {
    let (code, _, err) = mapsim(&["metrics", DEFINITION, "--period", "90"]);
    assert_eq!(code, 2);
    assert!(err.contains("90 s is not allowed"), "{err}");
    let (code, _, err) = mapsim(&[
        "metrics",
        DEFINITION,
        "--metric",
        "AWS/States/ExecutionsExploded",
    ]);
    assert_eq!(code, 2);
    assert!(err.contains("does not publish"), "{err}");
    let (code, _, _) = mapsim(&["metrics", DEFINITION, "--stat", "Median"]);
    assert_eq!(code, 2);
}

#[test]
fn logs_run_the_query_and_print_get_query_results() {
    let query = "fields @timestamp, error_type, message, item.index\n| filter level = \"ERROR\"\n| stats count(*) as errors by error_type\n| sort errors desc";
    let (code, out, err) = mapsim(&["logs", DEFINITION, "--scenario", SCENARIO, "--query", query]);
    assert_eq!(code, 0, "{err}");
    let doc: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(doc["status"], "Complete");
    let row = doc["results"][0].as_array().unwrap();
    assert_eq!(row[0]["field"], "error_type");
    assert_eq!(row[0]["value"], "DataValidationError");
    assert_eq!(
        row[1],
        serde_json::json!({"field": "errors", "value": "121"})
    );
}

#[test]
fn a_query_outside_the_subset_exits_2_with_its_column() {
    let (code, out, err) = mapsim(&["logs", DEFINITION, "--query", "fields a\n| dedup a"]);
    assert_eq!(code, 2);
    assert!(out.is_empty());
    assert!(err.starts_with("query:2:3: error: `dedup`"), "{err}");
}

#[test]
fn run_reports_the_alarms() {
    let (code, out, _) = mapsim(&[
        "run",
        DEFINITION,
        "--scenario",
        SCENARIO,
        "--format",
        "json",
    ]);
    assert_eq!(code, 1);
    let doc: Value = serde_json::from_str(&out).unwrap();
    let alarm = &doc["alarms"][0];
    assert_eq!(alarm["name"], "HighFailureRate-DistributedMap");
    let to_alarm = alarm["transitions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["to"] == "ALARM")
        .unwrap();
    assert_eq!(to_alarm["at_seconds"], 600.0);
    assert_eq!(to_alarm["from"], "OK");
    assert!(to_alarm["reason"]
        .as_str()
        .unwrap()
        .starts_with("Threshold Crossed: 2 out of the last 2 datapoints"));
    let (_, text, _) = mapsim(&["run", DEFINITION, "--scenario", SCENARIO]);
    assert!(
        text.contains("Alarms:\n  HighFailureRate-DistributedMap"),
        "{text}"
    );
    assert!(text.contains("00:10:00  OK -> ALARM"), "{text}");
}

#[test]
fn a_bad_alarm_is_located_in_the_scenario() {
    let dir = std::env::temp_dir().join(format!("mapsim-monitor-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let scenario = dir.join("bad.json");
    std::fs::write(
        &scenario,
        "{\n  \"alarms\": [\n    {\"AlarmName\": \"a\", \"Namespace\": \"AWS/States\", \"MetricName\": \"ExecutionsFailed\",\n     \"Statistic\": \"Sum\", \"Period\": 90, \"EvaluationPeriods\": 1, \"Threshold\": 1,\n     \"ComparisonOperator\": \"GreaterThan\"}\n  ]\n}\n",
    )
    .unwrap();
    let (code, _, err) = mapsim(&["run", DEFINITION, "--scenario", scenario.to_str().unwrap()]);
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(code, 2);
    assert!(err.contains("bad.json:4:"), "Period is on line 4: {err}");
    assert!(err.contains("ComparisonOperator must be"), "{err}");
}
