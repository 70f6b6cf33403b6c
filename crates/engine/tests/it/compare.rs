//! A/B comparison: what two settings change on the same seed, and what they do not.

use engine::compare::{self, Side};
use engine::cost::CostOptions;
use engine::sim::{SimOptions, Simulation};
use engine::sweep;
use serde_json::{json, Value};

fn documents(tolerated: u64) -> (Value, Value) {
    let definition = json!({"StartAt": "Fan", "States": {"Fan": {
        "Type": "Map",
        "ToleratedFailureCount": tolerated,
        "ItemProcessor": {
            "ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
            "StartAt": "Work",
            "States": {"Work": {
                "Type": "Task",
                "Resource": "arn:aws:lambda:us-east-1:123456789012:function:work",
                "End": true
            }}
        },
        "End": true
    }}});
    let scenario = json!({
        "seed": 3,
        "items": {"count": 200},
        "tasks": {"Work": {
            "latency": {"fixed_ms": 100},
            "faults": [{"error": "Bad", "items": {"fraction": 0.05}}]
        }}
    });
    (definition, scenario)
}

fn run(definition: &Value, scenario: &Value) -> Simulation {
    let Ok((model, scenario)) = sweep::read_documents(definition, scenario, None) else {
        panic!("the documents are valid");
    };
    let Ok(mut sim) = Simulation::new(&model, &scenario, SimOptions::default()) else {
        panic!("runnable");
    };
    sim.run();
    sim
}

#[test]
fn the_same_settings_change_nothing() {
    let (d, s) = documents(3);
    let cost = CostOptions::from_scenario(&engine::scenario::from_value(&s).unwrap_or_default());
    let doc = compare::one_seed(&run(&d, &s), &cost, &run(&d, &s), &cost);
    let diff = &doc["differences"];
    assert_eq!(diff["status"]["a"], diff["status"]["b"]);
    assert_eq!(diff["items"]["failed_in_a_succeeded_in_b"]["count"], 0);
    assert_eq!(diff["items"]["succeeded_in_a_failed_in_b"]["count"], 0);
    assert_eq!(diff["items"]["other_changes"], 0);
    assert_eq!(diff["cost_usd"]["delta"], 0.0);
    assert!(compare::changed_values(&d, &d, 8).is_empty());
}

#[test]
fn a_higher_tolerance_lets_the_run_finish_and_says_what_changed() {
    let (da, s) = documents(3);
    let (db, _) = documents(50);
    let cost = CostOptions::from_scenario(&engine::scenario::from_value(&s).unwrap_or_default());
    let (a, b) = (run(&da, &s), run(&db, &s));
    let doc = compare::one_seed(&a, &cost, &b, &cost);
    let diff = &doc["differences"];
    assert_eq!(diff["status"]["a"], "FAILED");
    assert_eq!(diff["status"]["b"], "SUCCEEDED");
    // The same seed, the same bad items: none that succeeded in A fails in B.
    assert_eq!(diff["items"]["succeeded_in_a_failed_in_b"]["count"], 0);
    let counts = &diff["map_runs"][0]["item_counts"];
    assert_eq!(counts["failed"]["b"], 10, "5 % of 200 items are bad");
    assert_eq!(counts["succeeded"]["b"], 190);
    assert_eq!(
        compare::changed_values(&da, &db, 8),
        vec![(
            "/States/Fan/ToleratedFailureCount".to_string(),
            Some(json!(3)),
            Some(json!(50))
        )]
    );
    // Each side's timeline ends at its run's counts of executions: the children and the parent.
    let t = compare::timeline(&b, 50);
    let last = |k: &str| t[k].as_array().and_then(|a| a.last()).cloned();
    assert_eq!(last("succeeded"), Some(json!(191)));
    assert_eq!(last("failed"), Some(json!(10)));
    assert!(t["succeeded"].as_array().map_or(0, Vec::len) <= 50);
}

#[test]
fn over_seeds_each_side_has_the_sweeps_statistics() {
    let (da, s) = documents(3);
    let (db, _) = documents(50);
    let Ok((ma, sa)) = sweep::read_documents(&da, &s, None) else {
        panic!("valid")
    };
    let Ok((mb, sb)) = sweep::read_documents(&db, &s, None) else {
        panic!("valid")
    };
    let cost = CostOptions::from_scenario(&sa);
    let side = |model, scenario| Side {
        model,
        scenario,
        cost: &cost,
    };
    let mut first = None;
    let Ok(doc) = compare::many_seeds(side(&ma, &sa), side(&mb, &sb), 5, |a, b| {
        first = Some((a.now_ms(), b.now_ms()));
    }) else {
        panic!("compared")
    };
    assert!(first.is_some(), "the first seed's runs are handed over");
    assert_eq!(doc["seeds"], 5);
    assert_eq!(doc["first_seed"], 3);
    assert_eq!(doc["a"]["p_execution_failed"], 1.0);
    assert_eq!(doc["b"]["p_execution_failed"], 0.0);
    assert_eq!(doc["differences"]["seeds_failed_in_a_only"], 5);
}
