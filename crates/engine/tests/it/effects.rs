//! Side effects (the scenario's `effect` on a Task): counted per item, repeats found where an
//! attempt timed out after its work or a failed attempt had written, and nothing else in the run
//! changed by declaring one.

use engine::program::StateId;
use serde_json::{json, Value};

use crate::support::{run, scenario};

const FN: &str = "arn:aws:lambda:us-east-1:123456789012:function:store";

fn state_id(sim: &engine::sim::Simulation, name: &str) -> StateId {
    sim.program()
        .states
        .iter()
        .position(|s| &*s.name == name)
        .unwrap_or_else(|| panic!("no state {name}")) as StateId
}

/// A Distributed Map whose `Store` times out at 1 s and retries the timeout once.
fn map_machine() -> Value {
    json!({"StartAt": "Each", "States": {"Each": {
        "Type": "Map", "MaxConcurrency": 10, "ToleratedFailurePercentage": 100,
        "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
            "StartAt": "Store", "States": {"Store": {
                "Type": "Task", "Resource": FN, "TimeoutSeconds": 1,
                "Retry": [{"ErrorEquals": ["States.Timeout"], "MaxAttempts": 1, "IntervalSeconds": 1}],
                "End": true}}},
        "End": true}}})
}

/// 200 items whose `Store` takes 0.5–1.5 s: about half the attempts time out at 1 s.
fn slow_item_scenario(effect: Value) -> Value {
    let mut store = json!({"latency": {"uniform": {"min_ms": 500, "max_ms": 1500}}});
    if let (Value::Object(s), Value::Object(e)) = (&mut store, effect) {
        s.extend(e);
    }
    json!({"seed": 4, "items": {"count": 200}, "tasks": {"Store": store}})
}

#[test]
fn a_timeout_after_the_write_makes_the_item_written_twice() {
    let sim = run(&map_machine(), &slow_item_scenario(json!({"effect": true})));
    let store = state_id(&sim, "Store");
    let report = sim
        .effect_report(store)
        .unwrap_or_else(|| panic!("an effect is declared"));
    let stats = &sim.state_stats()[store as usize];
    assert!(
        stats.timeouts > 20,
        "the scenario times out often: {}",
        stats.timeouts
    );
    // Every attempt ran its work: the timed-out ones too (they ran on after the timeout).
    assert_eq!(report.effects, stats.attempts);
    // An item whose Store was tried twice (a timeout, retried) was written twice.
    let children = &sim.map_runs()[0].children;
    let tried_twice = children.iter().filter(|c| c.attempts > 1).count() as u64;
    assert!(tried_twice > 10);
    assert_eq!(report.duplicates, tried_twice);
    for (i, c) in children.iter().enumerate() {
        assert_eq!(
            u32::from(sim.item_effects(store, i as u32)),
            c.attempts,
            "item {i}"
        );
    }
    assert!(!report.idempotent);
    let summary = sim.summary();
    assert_eq!(summary["states"]["Store"]["effects"], json!(stats.attempts));
    assert_eq!(
        summary["states"]["Store"]["duplicate_effects"],
        json!(tried_twice)
    );
    assert!(summary["assumptions"]
        .as_array()
        .unwrap_or_else(|| panic!("assumptions"))
        .iter()
        .any(|a| a["key"] == "effect_on_timeout"));
}

#[test]
fn a_timeout_before_the_write_makes_no_repeat() {
    let sim = run(
        &map_machine(),
        &slow_item_scenario(json!({"effect_on_timeout": {"probability": 0.0}, "idempotent": true})),
    );
    let store = state_id(&sim, "Store");
    let report = sim
        .effect_report(store)
        .unwrap_or_else(|| panic!("an effect"));
    // Only the attempts that did not time out wrote: at most once per item.
    let stats = &sim.state_stats()[store as usize];
    assert_eq!(report.effects, stats.attempts - stats.timeouts);
    assert_eq!(report.duplicates, 0);
    assert!(report.idempotent);
}

#[test]
fn a_failure_after_the_write_repeats_on_the_retry() {
    let machine = json!({"StartAt": "Store", "States": {"Store": {
        "Type": "Task", "Resource": FN,
        "Retry": [{"ErrorEquals": ["Lambda.ServiceException"], "MaxAttempts": 3, "IntervalSeconds": 1}],
        "End": true}}});
    let sim = run(
        &machine,
        &json!({"tasks": {"Store": {
            "faults": [{"error": "Lambda.ServiceException", "attempts": [0, 1]}],
            "effect_on_failure": {"probability": 1.0}
        }}}),
    );
    let report = sim
        .effect_report(state_id(&sim, "Store"))
        .unwrap_or_else(|| panic!("an effect"));
    assert_eq!(
        report.effects, 3,
        "two failed attempts that wrote, then the success"
    );
    assert_eq!(
        report.duplicates, 1,
        "the execution itself, outside any Map"
    );
}

#[test]
fn declaring_an_effect_changes_nothing_else_in_the_run() {
    let plain = run(&map_machine(), &slow_item_scenario(json!({})));
    let with = run(
        &map_machine(),
        &slow_item_scenario(json!({"effect_on_timeout": {"probability": 0.5}})),
    );
    assert_eq!(plain.parent_history_json(), with.parent_history_json());
    let records = |sim: &engine::sim::Simulation| -> Vec<(u8, u32, u64, u64)> {
        sim.map_runs()[0]
            .children
            .iter()
            .map(|c| (c.status as u8, c.attempts, c.start_ms, c.end_ms))
            .collect()
    };
    assert_eq!(records(&plain), records(&with));
    assert!(plain.effect_report(state_id(&plain, "Store")).is_none());
    assert!(plain.summary()["states"]["Store"].get("effects").is_none());
}

#[test]
fn a_bad_effect_is_reported_where_it_is_written() {
    let text = r#"{"tasks": {"Store": {
  "effect_on_timeout": {"probability": 2},
  "idempotent": "yes"
}}}"#;
    let errors = engine::scenario::parse(text)
        .err()
        .unwrap_or_else(|| panic!("two problems"));
    let messages: Vec<String> = errors.iter().map(|e| e.to_string()).collect();
    assert!(
        messages
            .iter()
            .any(|m| m.contains("effect_on_timeout.probability must be between 0 and 1")),
        "{messages:?}"
    );
    assert!(
        messages
            .iter()
            .any(|m| m.contains("idempotent must be true or false")),
        "{messages:?}"
    );
    // Both located on their lines.
    assert!(errors.iter().any(|e| e.line == Some(2)), "{errors:?}");
    assert!(errors.iter().any(|e| e.line == Some(3)), "{errors:?}");
    let _ = scenario(&json!({"tasks": {"Store": {"effect": true}}}));
}

/// Express runs at least once: with `limits.express_duplicate_starts`, that share of Express
/// children runs twice for one start, and their side effects happen twice; Standard children
/// run exactly once.
#[test]
fn express_duplicate_starts_repeat_side_effects() {
    let machine = |execution_type: &str| {
        json!({"StartAt": "Each", "States": {"Each": {
            "Type": "Map", "MaxConcurrency": 10,
            "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": execution_type},
                "StartAt": "Store", "States": {"Store": {"Type": "Task", "Resource": FN, "End": true}}},
            "End": true}}})
    };
    let scenario_value = json!({
        "items": {"count": 1000},
        "tasks": {"Store": {"effect": true}},
        "limits": {"express_duplicate_starts": 0.1}
    });
    let express = run(&machine("EXPRESS"), &scenario_value);
    let report = express
        .effect_report(state_id(&express, "Store"))
        .unwrap_or_else(|| panic!("an effect"));
    assert!(
        (60..=140).contains(&report.duplicates),
        "about a tenth: {}",
        report.duplicates
    );
    assert_eq!(report.effects, 1000 + report.duplicates);
    let standard = run(&machine("STANDARD"), &scenario_value);
    let report = standard
        .effect_report(state_id(&standard, "Store"))
        .unwrap_or_else(|| panic!("an effect"));
    assert_eq!(report.duplicates, 0);
}
