//! The run's cost: what is counted (ASL-SEMANTICS §13) on runs small enough to count by hand.

use engine::cost::{self, CostOptions};
use serde_json::json;

use crate::support::run;

fn definition(execution_type: &str) -> serde_json::Value {
    json!({
        "StartAt": "Prepare",
        "States": {
            "Prepare": {"Type": "Pass", "Next": "Fan"},
            "Fan": {
                "Type": "Map",
                "ItemProcessor": {
                    "ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": execution_type},
                    "StartAt": "Work",
                    "States": {
                        "Work": {
                            "Type": "Task",
                            "Resource": "arn:aws:lambda:us-east-1:123456789012:function:work",
                            "Retry": [{"ErrorEquals": ["Boom"], "MaxAttempts": 2, "IntervalSeconds": 1}],
                            "Next": "Done"
                        },
                        "Done": {"Type": "Pass", "End": true}
                    }
                },
                "End": true
            }
        }
    })
}

fn scenario() -> serde_json::Value {
    // Every item's first attempt fails, the retry succeeds: 10 items × 2 invocations of 250 ms.
    json!({
        "seed": 1,
        "items": {"count": 10},
        "tasks": {"Work": {
            "latency": {"fixed_ms": 250},
            "memory_mb": 1024,
            "faults": [{"error": "Boom", "attempts": [0]}]
        }}
    })
}

fn options() -> CostOptions {
    CostOptions {
        region: "us-east-1".into(),
        express_parent: false,
        free_tier: false,
        express_memory_mb: None,
    }
}

#[test]
fn standard_children_bill_every_state_every_retry_and_every_child_started() {
    let sim = run(&definition("STANDARD"), &scenario());
    let cost = cost::estimate(&sim, &options()).expect("priced");
    // Parent: Prepare + Fan = 2. Per child: 1 started + Work + its retry + Done = 4, × 10.
    assert_eq!(cost.state_transitions, 2 + 10 * 4);
    assert_eq!(cost.retry_transitions, 10);
    assert_eq!(cost.lambda_requests, 20);
    // 20 × 0.25 s × 1 GB.
    assert!(
        (cost.lambda_gb_seconds - 5.0).abs() < 1e-9,
        "{}",
        cost.lambda_gb_seconds
    );
    assert_eq!(cost.express_requests, 0);
    let expected = 42.0 * 0.025 / 1000.0 + 20.0 * 0.2 / 1e6 + 5.0 * 0.0000166667;
    assert!(
        (cost.total_usd - expected).abs() < 1e-12,
        "{} vs {expected}",
        cost.total_usd
    );
    let retries = 10.0 * 0.025 / 1000.0 + 10.0 * 0.2 / 1e6 + 2.5 * 0.0000166667;
    assert!((cost.retry_share - retries / expected).abs() < 1e-9);
    let per_1000 = cost.per_1000_items_usd.expect("items");
    assert!((per_1000 - expected * 100.0).abs() < 1e-12);
}

#[test]
fn express_children_bill_requests_and_duration_in_100_ms_steps_not_transitions() {
    let sim = run(&definition("EXPRESS"), &scenario());
    let cost = cost::estimate(&sim, &options()).expect("priced");
    // The parent's two states and one transition per child started.
    assert_eq!(cost.state_transitions, 2 + 10);
    assert_eq!(cost.retry_transitions, 0);
    assert_eq!(cost.express_requests, 10);
    // Each child: 250 ms, a 1 s retry interval, 250 ms = 1,500 ms (already a multiple of 100).
    let durations: Vec<u64> = sim.map_runs()[0]
        .children
        .iter()
        .map(|c| c.end_ms - c.start_ms)
        .collect();
    let billed: u64 = durations.iter().map(|d| d.div_ceil(100) * 100).sum();
    assert!((cost.express_gb_seconds - billed as f64 / 1000.0 * 64.0 / 1024.0).abs() < 1e-9);
    assert!(
        cost.notes.iter().any(|n| n.contains("64 MB")),
        "{:?}",
        cost.notes
    );
    let bigger = CostOptions {
        express_memory_mb: Some(100),
        ..options()
    };
    let cost = cost::estimate(&sim, &bigger).expect("priced");
    assert_eq!(cost.express_billed_memory_mb, 128);
}

#[test]
fn the_summary_carries_the_cost_of_the_scenarios_pricing() {
    let mut s = scenario();
    s["pricing"] = json!({"region": "sa-east-1"});
    let sim = run(&definition("STANDARD"), &s);
    let summary = sim.summary();
    assert_eq!(summary["cost"]["region"], "sa-east-1");
    assert_eq!(summary["cost"]["state_transitions"], 42);
    assert_eq!(summary["cost"]["currency"], "USD");
}

#[test]
fn a_bad_pricing_or_memory_is_a_located_scenario_error() {
    for (doc, needle) in [
        (r#"{"pricing": {"region": "mars-1"}}"#, "pricing.region"),
        (r#"{"pricing": {"free_tier": 1}}"#, "pricing.free_tier"),
        (r#"{"tasks": {"W": {"memory_mb": 64}}}"#, "memory_mb"),
        (
            r#"{"tasks": {"W": {"architecture": "sparc"}}}"#,
            "architecture",
        ),
    ] {
        let errors = engine::scenario::parse(doc).expect_err(doc);
        assert!(
            errors
                .iter()
                .any(|e| e.message.contains(needle) && e.line.is_some()),
            "{doc}: {errors:?}"
        );
    }
}
