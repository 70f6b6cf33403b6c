//! What the page reads besides the CLI summary: the verdict in parts (so it can be said in
//! Japanese too) and the item change log's marks (retrying, caught) for the item grid.

use engine::report::{ChildStatus, ItemMark, ToleranceRule};
use engine::sim::{ExecutionStatus, SimOptions, Simulation};
use serde_json::{json, Value};

use crate::support::*;

const FN: &str = "arn:aws:lambda:us-east-1:123456789012:function:work";

/// A Distributed Map over a one-Task child `Work`, with `map` fields on the Map state and
/// `work` fields on the Task, which catches `Permanent` to a `Handled` Pass state.
fn machine(map: Value, work: Value) -> Value {
    let mut task = json!({"Type": "Task", "Resource": FN, "End": true,
        "Catch": [{"ErrorEquals": ["Permanent"], "Next": "Handled"}]});
    if let (Value::Object(t), Value::Object(e)) = (&mut task, work) {
        t.extend(e);
    }
    let mut state = json!({
        "Type": "Map",
        "ItemProcessor": {
            "ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
            "StartAt": "Work",
            "States": {"Work": task, "Handled": {"Type": "Pass", "End": true}}
        },
        "End": true
    });
    if let (Value::Object(m), Value::Object(e)) = (&mut state, map) {
        m.extend(e);
    }
    json!({"StartAt": "Process", "States": {"Process": state}})
}

fn failing(indices: &[u64]) -> Value {
    json!({"Work": {"latency": {"fixed_ms": 100}, "faults": [{"error": "E", "cause": "bad item", "items": {"indices": indices}}]}})
}

#[test]
fn the_verdict_in_parts_names_the_rule_that_was_exceeded() {
    struct Case {
        map: Value,
        failures: Vec<u64>,
        status: ExecutionStatus,
        rule: Option<ToleranceRule>,
        failed_items: u64,
    }
    let cases = [
        Case {
            map: json!({"ToleratedFailureCount": 2, "MaxConcurrency": 1}),
            failures: vec![1, 3, 5, 7],
            status: ExecutionStatus::Failed,
            rule: Some(ToleranceRule::Count { limit: 2 }),
            failed_items: 3,
        },
        Case {
            map: json!({"ToleratedFailurePercentage": 10, "MaxConcurrency": 1}),
            failures: (0..5).collect(),
            status: ExecutionStatus::Failed,
            rule: Some(ToleranceRule::Percentage {
                limit: 10.0,
                actual: 15.0,
            }),
            failed_items: 3,
        },
        Case {
            map: json!({"MaxConcurrency": 1}),
            failures: vec![4],
            status: ExecutionStatus::Failed,
            rule: Some(ToleranceRule::NoTolerance),
            failed_items: 1,
        },
        Case {
            map: json!({"ToleratedFailurePercentage": 25}),
            failures: vec![0, 9],
            status: ExecutionStatus::Succeeded,
            rule: None,
            failed_items: 2,
        },
    ];
    for case in cases {
        let sim = run(
            &machine(case.map.clone(), json!({})),
            &json!({"items": {"count": 20}, "tasks": failing(&case.failures)}),
        );
        let verdict = sim.verdict();
        assert_eq!(verdict.status, case.status, "{}", case.map);
        assert_eq!(verdict.map_run, Some(0));
        assert_eq!(
            verdict.threshold.as_ref().map(|t| t.rule),
            case.rule,
            "{}",
            case.map
        );
        assert_eq!(verdict.failed_items(), case.failed_items, "{}", case.map);
        assert_eq!(verdict.items.map(|c| c.total), Some(20));
        let text = sim.verdict_text();
        match &verdict.threshold {
            Some(threshold) => {
                assert_eq!(
                    verdict.error.as_deref(),
                    Some("States.ExceedToleratedFailureThreshold")
                );
                assert!(text.ends_with(&threshold.explanation), "{text}");
            }
            None => assert!(text.starts_with("SUCCEEDED with 2 failed items"), "{text}"),
        }
    }
}

#[test]
fn the_verdict_while_running_and_without_a_map_run() {
    let definition = machine(json!({"MaxConcurrency": 2}), json!({}));
    let mut sim = Simulation::new(
        &model(&definition),
        &scenario(
            &json!({"items": {"count": 10}, "tasks": {"Work": {"latency": {"fixed_ms": 100}}}}),
        ),
        SimOptions::default(),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    sim.step_until(250);
    let verdict = sim.verdict();
    assert_eq!(verdict.status, ExecutionStatus::Running);
    assert_eq!(verdict.end_ms, 250);
    assert_eq!(verdict.done_items(), 4);
    assert_eq!(sim.verdict_text(), "RUNNING at 00:00:00");

    let pass = json!({"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}});
    let sim = run(&pass, &json!({}));
    let verdict = sim.verdict();
    assert_eq!(verdict.status, ExecutionStatus::Succeeded);
    assert_eq!((verdict.map_run, verdict.items), (None, None));
    assert_eq!(sim.verdict_text(), "SUCCEEDED");
}

/// Replays a run's item change log into one status and mark per child.
fn replay_changes(sim: &Simulation) -> Vec<(ChildStatus, ItemMark)> {
    let n = sim.map_runs().first().map_or(0, |r| r.children.len());
    let mut cells = vec![(ChildStatus::Pending, ItemMark::Plain); n];
    let (changes, _) = sim.item_changes(0);
    for change in changes {
        if let Some(cell) = cells.get_mut(change.child as usize) {
            *cell = (change.status, change.mark);
        }
    }
    cells
}

fn run_recording(definition: &Value, scenario_value: &Value) -> Simulation {
    let options = SimOptions {
        record_changes: true,
        ..SimOptions::default()
    };
    let mut sim = Simulation::new(&model(definition), &scenario(scenario_value), options)
        .unwrap_or_else(|e| panic!("{e}"));
    sim.run();
    sim
}

#[test]
fn the_change_log_marks_children_waiting_to_retry_and_children_that_were_caught() {
    let definition = machine(
        json!({"MaxConcurrency": 4}),
        json!({
            "Retry": [{"ErrorEquals": ["Transient"], "IntervalSeconds": 2, "MaxAttempts": 1}]
        }),
    );
    let scenario_value = json!({"items": {"count": 12}, "tasks": {"Work": {
        "latency": {"fixed_ms": 100},
        "faults": [
            {"error": "Permanent", "items": {"indices": [2, 7]}},
            {"error": "Transient", "cause": "flaky", "items": {"indices": [5]}, "attempts": [0]}
        ]
    }}});
    let sim = run_recording(&definition, &scenario_value);
    // The child's timeline keeps each failed attempt's cause.
    let trace = sim.child_trace(0, 5).unwrap_or_else(|e| panic!("{e}"));
    let causes: Vec<&str> = trace
        .timeline
        .iter()
        .filter_map(|entry| match &entry.kind {
            engine::report::TimelineKind::AttemptFailed { cause, .. } => Some(&**cause),
            _ => None,
        })
        .collect();
    assert_eq!(causes, vec!["flaky"]);
    let (changes, _) = sim.item_changes(0);
    let marks_of = |child: u32| -> Vec<(ChildStatus, ItemMark)> {
        changes
            .iter()
            .filter(|c| c.child == child)
            .map(|c| (c.status, c.mark))
            .collect()
    };
    assert_eq!(
        marks_of(5),
        vec![
            (ChildStatus::Running, ItemMark::Plain),
            (ChildStatus::Running, ItemMark::Retrying),
            (ChildStatus::Running, ItemMark::Plain),
            (ChildStatus::Succeeded, ItemMark::Plain),
        ]
    );
    for caught in [2, 7] {
        assert_eq!(
            marks_of(caught),
            vec![
                (ChildStatus::Running, ItemMark::Plain),
                (ChildStatus::Succeeded, ItemMark::Caught),
            ]
        );
    }
    // The log replayed gives each child's final record, and the records remember catches.
    let run0 = &sim.map_runs()[0];
    for (child, (status, mark)) in replay_changes(&sim).into_iter().enumerate() {
        let record = &run0.children[child];
        assert_eq!(status, record.status, "child {child}");
        assert_eq!(mark == ItemMark::Caught, record.caught(), "child {child}");
    }
}

#[test]
fn a_child_aborted_while_waiting_to_retry_ends_aborted_and_marks_change_nothing_else() {
    // Item 0 keeps retrying (long waits); item 3 fails without tolerance, aborting item 0.
    let definition = machine(
        json!({"MaxConcurrency": 4}),
        json!({"Retry": [{"ErrorEquals": ["Transient"], "IntervalSeconds": 60, "MaxAttempts": 3}]}),
    );
    let scenario_value = json!({"items": {"count": 4}, "tasks": {"Work": {
        "latency": {"fixed_ms": 100},
        "faults": [
            {"error": "Transient", "items": {"indices": [0]}},
            {"error": "Fatal", "items": {"indices": [3]}}
        ]
    }}});
    let with_log = run_recording(&definition, &scenario_value);
    let cells = replay_changes(&with_log);
    assert_eq!(cells[0], (ChildStatus::Aborted, ItemMark::Plain));
    assert_eq!(cells[3], (ChildStatus::Failed, ItemMark::Plain));
    // Recording the log does not change the run.
    let without_log = run(&definition, &scenario_value);
    assert_eq!(with_log.digest(), without_log.digest());
}

#[test]
fn the_parent_history_read_while_it_grows_is_the_history_read_at_the_end() {
    // An Inline Map of 30 items whose Task fails now and then: the page's history panel reads
    // the parent's history in pieces as the run goes (`parent_history_since`).
    let definition = json!({
        "StartAt": "Each",
        "States": {"Each": {
            "Type": "Map", "ItemsPath": "$.items", "MaxConcurrency": 4, "End": true,
            "ItemProcessor": {"StartAt": "Work", "States": {"Work": {
                "Type": "Task", "Resource": FN, "End": true,
                "Retry": [{"ErrorEquals": ["Flaky"], "MaxAttempts": 2}]
            }}}
        }}
    });
    let items: Vec<Value> = (0..30).map(|i| json!({"i": i})).collect();
    let scenario_value = json!({
        "seed": 7,
        "input": {"items": items},
        "tasks": {"Work": {"latency": {"uniform": {"min_ms": 10, "max_ms": 90}},
            "faults": [{"error": "Flaky", "cause": "now and then", "probability": 0.2}]}}
    });
    let mut sim = Simulation::new(
        &model(&definition),
        &scenario(&scenario_value),
        SimOptions::default(),
    )
    .unwrap_or_else(|e| panic!("setup: {e}"));
    let mut read = Vec::new();
    let mut t = 0;
    while sim.step_until(t) {
        read.extend(sim.parent_history_since(read.len()));
        assert_eq!(read.len(), sim.parent_history_len());
        t += 25;
    }
    read.extend(sim.parent_history_since(read.len()));
    let whole = sim.parent_history();
    assert!(
        whole.len() > 30 * 6,
        "every iteration is in the parent's history"
    );
    assert_eq!(read, whole);
    assert!(sim.parent_history_since(whole.len()).is_empty());
}
