//! Redrive (ASL-SEMANTICS.md §9): one test per rule, each with its source.

use engine::program::StateId;
use engine::sim::{ExecutionStatus, RedriveError, SimOptions, Simulation};
use serde_json::{json, Value};

use crate::support::{model, scenario};

const FN: &str = "arn:aws:lambda:us-east-1:123456789012:function:work";

/// A Distributed Map whose children run `Prepare` (Pass) then `Work` (Task); no tolerance.
fn machine(execution_type: &str, max_concurrency: u32) -> Value {
    json!({"StartAt": "Each", "States": {"Each": {
        "Type": "Map", "MaxConcurrency": max_concurrency,
        "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": execution_type},
            "StartAt": "Prepare", "States": {
                "Prepare": {"Type": "Pass", "Next": "Work"},
                "Work": {"Type": "Task", "Resource": FN, "End": true}}},
        "ToleratedFailureCount": 2,
        "End": true}}})
}

/// Items 0–19; items 3, 7, 11 and 15 fail `Work` until a redrive fixes it.
fn failing(extra: Value) -> Value {
    let mut s = json!({
        "items": {"count": 20},
        "tasks": {"Work": {"latency": {"fixed_ms": 100},
            "faults": [{"error": "BadRecord", "items": {"indices": [3, 7, 11, 15]}}]}},
        "redrives": [{"tasks": {"Work": {"latency": {"fixed_ms": 100}}}}]
    });
    if let (Value::Object(s), Value::Object(e)) = (&mut s, extra) {
        s.extend(e);
    }
    s
}

fn simulate(definition: &Value, scenario_value: &Value) -> (Simulation, asl::StateMachine) {
    let m = model(definition);
    let mut sim = Simulation::new(&m, &scenario(scenario_value), SimOptions::default())
        .unwrap_or_else(|e| panic!("{e}"));
    sim.run();
    (sim, m)
}

fn id(sim: &Simulation, name: &str) -> StateId {
    sim.program()
        .states
        .iter()
        .position(|s| &*s.name == name)
        .unwrap_or_else(|| panic!("no state {name}")) as StateId
}

fn kinds(sim: &Simulation) -> Vec<&'static str> {
    sim.parent_history().iter().map(|e| e.kind).collect()
}

fn status(sim: &Simulation) -> ExecutionStatus {
    sim.outcome().map_or(ExecutionStatus::Running, |o| o.status)
}

/// [AWS-DG: redrive-map-run] Only the Map Run's unsuccessful children run again; the parent
/// resumes in the Map state; its history gains `ExecutionRedriven` and `MapRunRedriven` with
/// `redriveCount`, and the Map Run's counters move to their new outcome.
#[test]
fn a_redrive_runs_only_the_unsuccessful_children_again() {
    let (mut sim, m) = simulate(&machine("STANDARD", 5), &failing(json!({})));
    assert_eq!(status(&sim), ExecutionStatus::Failed);
    let before: Vec<(u8, u8)> = sim.map_runs()[0]
        .children
        .iter()
        .map(|c| (c.status as u8, c.redriven))
        .collect();
    let unsuccessful = sim.map_runs()[0]
        .children
        .iter()
        .filter(|c| c.status.as_str() != "SUCCEEDED")
        .count();
    assert!(unsuccessful >= 3, "{unsuccessful}");
    let entered_first = sim.state_stats()[id(&sim, "Work") as usize].entered;

    sim.redrive(&m).unwrap_or_else(|e| panic!("{e}"));
    sim.run();
    assert_eq!(status(&sim), ExecutionStatus::Succeeded);
    assert_eq!(sim.redrive_count(), 1);
    let run = &sim.map_runs()[0];
    assert_eq!(run.redrive_count, 1);
    assert_eq!(run.item_counts.succeeded, 20);
    assert_eq!(
        run.item_counts.failed + run.item_counts.aborted + run.item_counts.pending,
        0
    );
    use engine::report::ChildStatus;
    let mut pending = 0;
    for (i, (c, (old_status, _))) in run.children.iter().zip(&before).enumerate() {
        // Failed, timed-out and aborted children ran again; the ones never started started.
        let ran_again =
            ![ChildStatus::Succeeded as u8, ChildStatus::Pending as u8].contains(old_status);
        pending += u64::from(*old_status == ChildStatus::Pending as u8);
        assert_eq!(c.redriven, u8::from(ran_again), "child {i}");
    }
    // Work ran again for the children that ran again (each from Work, where it failed).
    let entered_after = sim.state_stats()[id(&sim, "Work") as usize].entered;
    assert_eq!(entered_after - entered_first, unsuccessful as u64);
    assert!(pending > 0);

    let k = kinds(&sim);
    let redriven = k.iter().position(|t| *t == "ExecutionRedriven");
    let map_run_redriven = k.iter().position(|t| *t == "MapRunRedriven");
    assert!(redriven.is_some() && map_run_redriven > redriven, "{k:?}");
    assert_eq!(k.last(), Some(&"ExecutionSucceeded"));
    assert_eq!(k.iter().filter(|t| **t == "MapStateEntered").count(), 1);
    let history = sim.parent_history_json();
    let events = history["events"].as_array().cloned().unwrap_or_default();
    let e = events
        .iter()
        .find(|e| e["type"] == "MapRunRedriven")
        .cloned()
        .unwrap_or(Value::Null);
    assert_eq!(e["mapRunRedrivenEventDetails"]["redriveCount"], json!(1));
    let e = events
        .iter()
        .find(|e| e["type"] == "ExecutionRedriven")
        .cloned()
        .unwrap_or(Value::Null);
    assert_eq!(e["executionRedrivenEventDetails"]["redriveCount"], json!(1));
}

/// [AWS-DG: redrive-map-run] A Standard child runs again from the state that failed; an
/// Express child from its first state.
#[test]
fn standard_children_resume_where_they_failed_express_ones_start_over() {
    for (execution_type, prepare_runs_again) in [("STANDARD", false), ("EXPRESS", true)] {
        let (mut sim, m) = simulate(&machine(execution_type, 5), &failing(json!({})));
        let failed = sim.map_runs()[0]
            .children
            .iter()
            .filter(|c| matches!(c.status.as_str(), "FAILED" | "TIMED_OUT" | "ABORTED"))
            .count() as u64;
        let prepare = id(&sim, "Prepare");
        let before = sim.state_stats()[prepare as usize].entered;
        sim.redrive(&m).unwrap_or_else(|e| panic!("{e}"));
        sim.run();
        let after = sim.state_stats()[prepare as usize].entered;
        let pending_before = 20 - before;
        let expected = pending_before + if prepare_runs_again { failed } else { 0 };
        assert_eq!(after - before, expected, "{execution_type}");
    }
}

/// [API: RedriveExecution] A SUCCEEDED execution cannot be redriven.
#[test]
fn a_succeeded_execution_is_not_redrivable() {
    let (mut sim, m) = simulate(&machine("STANDARD", 5), &json!({"items": {"count": 3}}));
    assert_eq!(status(&sim), ExecutionStatus::Succeeded);
    match sim.redrive(&m) {
        Err(RedriveError::Refused { error, message }) => {
            assert_eq!(error, "ExecutionNotRedrivable");
            assert!(message.contains("SUCCEEDED"), "{message}");
        }
        other => panic!("{other:?}"),
    }
}

/// [AWS-DG: redrive-map-run] The children no run started (the Map Run failed first) start on
/// the redrive too; at MaxConcurrency 1 the reruns wait their turn (pending redrive).
#[test]
fn children_never_started_run_on_the_redrive() {
    let (mut sim, m) = simulate(&machine("STANDARD", 1), &failing(json!({})));
    let never = sim.map_runs()[0].item_counts.pending;
    assert!(never > 0, "the Map Run failed before every child started");
    sim.redrive(&m).unwrap_or_else(|e| panic!("{e}"));
    assert!(sim.map_runs()[0].pending_redrive() > 0);
    sim.run();
    assert_eq!(status(&sim), ExecutionStatus::Succeeded);
    assert_eq!(sim.map_runs()[0].item_counts.succeeded, 20);
    assert_eq!(sim.map_runs()[0].pending_redrive(), 0);
}

/// [INF] Without a `redrives` entry the same faults apply: the same items fail again, and the
/// execution can be redriven again, each redrive counted.
#[test]
fn the_same_faults_fail_again_and_redrives_count_up() {
    let (mut sim, m) = simulate(&machine("STANDARD", 5), &failing(json!({"redrives": []})));
    for n in 1..=3 {
        sim.redrive(&m).unwrap_or_else(|e| panic!("{e}"));
        sim.run();
        assert_eq!(status(&sim), ExecutionStatus::Failed);
        assert_eq!(sim.redrive_count(), n);
        assert_eq!(sim.map_runs()[0].redrive_count, n);
    }
    let k = kinds(&sim);
    assert_eq!(k.iter().filter(|t| **t == "ExecutionRedriven").count(), 3);
    assert!(sim.assumptions_used().contains_key("redrive_tolerance"));
}

/// A redriven child's history is rebuilt as it ran the last time: a Standard child's starts at
/// the state it failed in. And a redrive is deterministic: the same run redriven twice gives the
/// same digest.
#[test]
fn a_redriven_child_replays_and_a_redrive_is_deterministic() {
    let redriven_run = || {
        let (mut sim, m) = simulate(&machine("STANDARD", 5), &failing(json!({})));
        sim.redrive(&m).unwrap_or_else(|e| panic!("{e}"));
        sim.run();
        sim
    };
    let sim = redriven_run();
    let child = sim.map_runs()[0]
        .children
        .iter()
        .position(|c| c.redriven > 0)
        .unwrap_or_else(|| panic!("a child ran again"));
    let trace = sim.child_trace(0, child).unwrap_or_else(|e| panic!("{e}"));
    let kinds: Vec<&str> = trace.history.iter().map(|e| e.kind).collect();
    assert_eq!(kinds.first(), Some(&"ExecutionStarted"));
    assert!(!kinds.contains(&"PassStateEntered"), "{kinds:?}");
    assert!(kinds.contains(&"TaskStateEntered"), "{kinds:?}");
    assert_eq!(kinds.last(), Some(&"ExecutionSucceeded"));
    assert_eq!(sim.digest(), redriven_run().digest());
}

/// [AWS-DG: redrive-map-run] A redriven Express child runs again from its start, so a state
/// that had succeeded does its side effect again; a Standard child resumes where it failed, so
/// it does not.
#[test]
fn a_redriven_express_child_repeats_the_side_effects_of_the_states_before_the_failure() {
    let definition = |execution_type: &str| {
        json!({"StartAt": "Each", "States": {"Each": {
            "Type": "Map", "ToleratedFailureCount": 0, "MaxConcurrency": 1,
            "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": execution_type},
                "StartAt": "Write", "States": {
                    "Write": {"Type": "Task", "Resource": FN, "Next": "Notify"},
                    "Notify": {"Type": "Task", "Resource": FN, "End": true}}},
            "End": true}}})
    };
    let scenario_value = json!({
        "items": {"count": 10},
        "tasks": {
            "Write": {"effect": true},
            "Notify": {"faults": [{"error": "Downstream", "items": {"indices": [4]}}]}
        },
        "redrives": [{"tasks": {"Notify": {}}}]
    });
    for (execution_type, duplicates) in [("EXPRESS", 1), ("STANDARD", 0)] {
        let (mut sim, m) = simulate(&definition(execution_type), &scenario_value);
        assert_eq!(status(&sim), ExecutionStatus::Failed, "{execution_type}");
        sim.redrive(&m).unwrap_or_else(|e| panic!("{e}"));
        sim.run();
        assert_eq!(status(&sim), ExecutionStatus::Succeeded, "{execution_type}");
        let write = id(&sim, "Write");
        let report = sim
            .effect_report(write)
            .unwrap_or_else(|| panic!("an effect"));
        assert_eq!(report.duplicates, duplicates, "{execution_type}");
        assert_eq!(
            sim.item_effects(write, 4),
            1 + duplicates as u8,
            "{execution_type}"
        );
    }
}

/// §9: "a Standard child over 25,000 history events … cannot be redriven
/// (`failuresNotRedrivable`)". Item 0's child loops until its history is full and fails; a
/// redrive leaves it as it ended and runs the children that never started; DescribeMapRun
/// counts it.
#[test]
fn a_standard_child_with_a_full_history_is_not_redriven() {
    let definition = json!({"StartAt": "Each", "States": {"Each": {
        "Type": "Map", "MaxConcurrency": 1,
        "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
            "StartAt": "Spin", "States": {
                "Spin": {"Type": "Pass", "Next": "Again"},
                "Again": {"Type": "Choice",
                    "Choices": [{"Variable": "$.index", "NumericEquals": 0, "Next": "Spin"}],
                    "Default": "Done"},
                "Done": {"Type": "Succeed"}}},
        "End": true}}});
    let (mut sim, m) = simulate(&definition, &json!({"items": {"count": 3}}));
    assert_eq!(status(&sim), ExecutionStatus::Failed);
    let describe = |sim: &Simulation| {
        engine::export::describe_map_run(sim, 0).unwrap_or_else(|| panic!("a Map Run"))
    };
    assert_eq!(describe(&sim)["executionCounts"]["failed"], 1);
    assert_eq!(
        describe(&sim)["executionCounts"]["failuresNotRedrivable"],
        1
    );
    assert_eq!(describe(&sim)["itemCounts"]["failuresNotRedrivable"], 1);
    sim.redrive(&m).unwrap_or_else(|e| panic!("{e}"));
    sim.run();
    let after = describe(&sim);
    // The two that never started ran and succeeded; the full one did not run again.
    assert_eq!(after["executionCounts"]["succeeded"], 2, "{after}");
    assert_eq!(after["executionCounts"]["failed"], 1, "{after}");
    assert_eq!(
        after["executionCounts"]["failuresNotRedrivable"], 1,
        "{after}"
    );
    assert_eq!(sim.map_runs()[0].children[0].redriven, 0);
}
