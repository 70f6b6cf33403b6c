//! `mapsim sweep`, `mapsim compare` and the summary's `cost`: the contract's shapes, results
//! that do not depend on `--jobs`, and bad axes refused with exit 2.

use std::process::Command;

use serde_json::Value;

const DEFINITION: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../static/examples/order-processing.asl.json"
);
const SCENARIO: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../static/examples/order-processing.scenario.json"
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

const TOLERANCE: &str = "/States/ProcessOrders/ToleratedFailureCount=0:30:15";
const PROBABILITY: &str = "scenario:/tasks/ChargePayment/faults/0/probability=0:0.1:0.05";

#[test]
fn sweep_json_has_the_contract_and_does_not_depend_on_jobs() {
    let args = |jobs: &'static str| {
        vec![
            "sweep",
            DEFINITION,
            "--scenario",
            SCENARIO,
            "--vary",
            TOLERANCE,
            "--vary",
            PROBABILITY,
            "--seeds",
            "3",
            "--jobs",
            jobs,
            "--format",
            "json",
        ]
    };
    let (code, one, err) = mapsim(&args("1"));
    assert_eq!(code, 0, "{err}");
    let (code, two, err) = mapsim(&args("2"));
    assert_eq!(code, 0, "{err}");
    assert_eq!(one, two, "--jobs changed the result");
    let doc: Value = serde_json::from_str(&one).unwrap();
    assert_eq!(doc["axes"].as_array().map(Vec::len), Some(2));
    let cells = doc["cells"].as_array().unwrap();
    assert_eq!(cells.len(), 9);
    for cell in cells {
        for key in [
            "values",
            "runs",
            "p_execution_failed",
            "p_map_run_failed",
            "ci95",
            "closed_form",
            "closed_form_reason",
            "duration_seconds",
            "mean_cost_usd",
        ] {
            assert!(cell.get(key).is_some(), "cell has no {key}: {cell}");
        }
        assert_eq!(cell["runs"], 3);
        assert!(cell["values"]
            .get("/States/ProcessOrders/ToleratedFailureCount")
            .is_some());
        assert!(
            cell["duration_seconds"]["p95"].as_f64() >= cell["duration_seconds"]["p50"].as_f64()
        );
        // The example throttles Lambda: the closed form says why it does not apply.
        assert!(cell["closed_form"].is_null());
        assert!(cell["closed_form_reason"]
            .as_str()
            .unwrap()
            .contains("throttling"));
        let ci = cell["ci95"].as_array().unwrap();
        let p = cell["p_execution_failed"].as_f64().unwrap();
        assert!(ci[0].as_f64().unwrap() <= p && p <= ci[1].as_f64().unwrap());
    }
    // A tolerance of 0 fails every seed (two items always fail); 30 fails none at probability 0.
    assert_eq!(cells[0]["p_execution_failed"], 1.0);
    assert_eq!(cells[6]["p_execution_failed"], 0.0);
}

#[test]
fn sweep_refuses_bad_axes_with_exit_2_naming_the_axis() {
    for (axis, needle) in [
        ("/States/ProcessOrders/NoSuchField=0:1:1", "has nothing at"),
        ("/States/ProcessOrders/Type=0:1:1", "not a number"),
        (
            "/States/ProcessOrders/ToleratedFailurePercentage=0:120:30",
            "out of range",
        ),
        (
            "/States/ProcessOrders/ToleratedFailureCount=5:1:1",
            "below FROM",
        ),
        (
            "/States/ProcessOrders/ItemProcessor/States/ValidateOrder/Retry/0/MaxAttempts=-1:2:1",
            "out of range",
        ),
    ] {
        let (code, _, err) = mapsim(&["sweep", DEFINITION, "--scenario", SCENARIO, "--vary", axis]);
        assert_eq!(code, 2, "{axis}: {err}");
        let name = axis.split('=').next().unwrap();
        assert!(err.contains(needle) && err.contains(name), "{axis}: {err}");
    }
    let (code, _, err) = mapsim(&[
        "sweep",
        DEFINITION,
        "--scenario",
        SCENARIO,
        "--vary",
        TOLERANCE,
        "--seeds",
        "0",
    ]);
    assert_eq!(code, 2);
    assert!(err.contains("--seeds"), "{err}");
    let (code, _, err) = mapsim(&[
        "sweep",
        DEFINITION,
        "--vary",
        "/States/ProcessOrders/ToleratedFailureCount=0:9999:1",
        "--seeds",
        "1000",
    ]);
    assert_eq!(code, 2);
    assert!(err.contains("at most"), "{err}");
}

#[test]
fn compare_lists_what_changed_between_two_tolerances_on_the_same_seed() {
    let b = std::env::temp_dir().join(format!("mapsim-compare-b-{}.json", std::process::id()));
    let text = std::fs::read_to_string(DEFINITION).unwrap();
    std::fs::write(
        &b,
        text.replace(
            "\"ToleratedFailureCount\": 10",
            "\"ToleratedFailureCount\": 30",
        ),
    )
    .unwrap();
    let b = b.to_string_lossy().into_owned();
    let (code, out, err) = mapsim(&[
        "compare",
        DEFINITION,
        &b,
        "--scenario",
        SCENARIO,
        "--format",
        "json",
    ]);
    assert_eq!(code, 0, "{err}");
    let doc: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(doc["a"]["status"], "FAILED");
    assert_eq!(doc["b"]["status"], "SUCCEEDED");
    assert_eq!(doc["differences"]["status"]["a"], "FAILED");
    assert_eq!(doc["differences"]["status"]["b"], "SUCCEEDED");
    // The same seed: every item A failed, B failed too (the tolerance decides nothing per item).
    assert_eq!(
        doc["differences"]["items"]["failed_in_a_succeeded_in_b"]["count"],
        0
    );
    assert!(
        doc["differences"]["items"]["other_changes"]
            .as_u64()
            .unwrap()
            > 0
    );
    assert!(doc["differences"]["cost_usd"]["delta"].as_f64().unwrap() > 0.0);
    let (code, out, err) = mapsim(&[
        "compare",
        DEFINITION,
        &b,
        "--scenario",
        SCENARIO,
        "--seeds",
        "4",
        "--format",
        "json",
    ]);
    assert_eq!(code, 0, "{err}");
    let doc: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(doc["a"]["runs"], 4);
    assert_eq!(doc["differences"]["p_execution_failed"]["a"], 1.0);
    assert_eq!(doc["differences"]["p_execution_failed"]["b"], 0.0);
    assert_eq!(doc["differences"]["seeds_failed_in_a_only"], 4);
    let (code, _, _) = mapsim(&["compare", DEFINITION]);
    assert_eq!(code, 2);
}

#[test]
fn run_json_has_the_cost_and_region_picks_its_prices() {
    let (_, out, _) = mapsim(&[
        "run",
        DEFINITION,
        "--scenario",
        SCENARIO,
        "--format",
        "json",
    ]);
    let doc: Value = serde_json::from_str(&out).unwrap();
    let cost = &doc["cost"];
    for key in [
        "currency",
        "region",
        "total_usd",
        "state_transitions",
        "express_requests",
        "express_gb_seconds",
        "lambda_requests",
        "lambda_gb_seconds",
        "retry_share",
    ] {
        assert!(cost.get(key).is_some(), "cost has no {key}: {cost}");
    }
    assert_eq!(cost["currency"], "USD");
    assert_eq!(cost["region"], "us-east-1");
    let (_, out, _) = mapsim(&[
        "run",
        DEFINITION,
        "--scenario",
        SCENARIO,
        "--format",
        "json",
        "--region",
        "sa-east-1",
    ]);
    let brazil: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(brazil["cost"]["region"], "sa-east-1");
    assert!(brazil["cost"]["standard_usd"].as_f64() > cost["standard_usd"].as_f64());
    let (code, _, err) = mapsim(&["run", DEFINITION, "--region", "mars-1"]);
    assert_eq!(code, 2);
    assert!(err.contains("mars-1"), "{err}");
}
