//! One test per rule of ASL-SEMANTICS.md (and of the scenario contract in PRODUCT.md), each on
//! the smallest definition that shows it. Rules that an AWS recording settles are also checked
//! against that recording in `conformance`.

use engine::report::{ChildStatus, TimelineKind};
use engine::sim::{tolerance_exceeded, ExecutionStatus, Simulation};
use serde_json::{json, Value};

use crate::support::*;

const FN: &str = "arn:aws:lambda:us-east-1:123456789012:function:work";

/// A machine of one Task `Work` with the given extra fields.
fn task_machine(extra: Value) -> Value {
    let mut task = json!({"Type": "Task", "Resource": FN, "End": true});
    if let (Value::Object(t), Value::Object(e)) = (&mut task, extra) {
        t.extend(e);
    }
    json!({"StartAt": "Work", "States": {"Work": task}})
}

/// Adds Pass states named `names` (catch targets).
fn with_targets(mut machine: Value, names: &[&str]) -> Value {
    if let Some(Value::Object(states)) = machine.get_mut("States") {
        for n in names {
            states.insert((*n).to_string(), json!({"Type": "Pass", "End": true}));
        }
    }
    machine
}

fn always(error: &str) -> Value {
    json!({"latency": {"fixed_ms": 10}, "faults": [{"error": error, "cause": "c"}]})
}

fn waits(sim: &Simulation) -> Vec<u64> {
    sim.parent_timeline()
        .iter()
        .filter_map(|t| match t.kind {
            TimelineKind::Retry { delay_ms, .. } => Some(delay_ms),
            _ => None,
        })
        .collect()
}

fn status(sim: &Simulation) -> ExecutionStatus {
    sim.outcome().map_or(ExecutionStatus::Running, |o| o.status)
}

fn error(sim: &Simulation) -> Option<String> {
    sim.outcome().and_then(|o| o.error.clone())
}

/// The state the parent was in when it finished (its last `…StateEntered`).
fn last_state(sim: &Simulation) -> Option<String> {
    let history = sim.parent_history();
    history
        .iter()
        .enumerate()
        .rev()
        .find(|(_, e)| e.kind.ends_with("StateEntered"))
        .map(|(i, _)| {
            details(&history, i)["name"]
                .as_str()
                .unwrap_or("")
                .to_string()
        })
}

// ----- §1 errors ------------------------------------------------------------------------

#[test]
fn states_all_catches_everything_but_states_runtime() {
    let machine = with_targets(
        task_machine(json!({"Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Caught"}]})),
        &["Caught"],
    );
    let sim = run(
        &machine,
        &json!({"tasks": {"Work": always("AnyCustomError")}}),
    );
    assert_eq!(last_state(&sim).as_deref(), Some("Caught"));
    // A path failure after the Task is States.Runtime: not caught.
    let mut machine = machine;
    machine["States"]["Work"]["OutputPath"] = json!("$.missing");
    let sim = run(&machine, &json!({}));
    assert_eq!(error(&sim).as_deref(), Some("States.Runtime"));
}

#[test]
fn states_runtime_is_never_retried_even_when_named() {
    let machine = task_machine(json!({
        "OutputPath": "$.missing",
        "Retry": [{"ErrorEquals": ["States.Runtime"], "MaxAttempts": 3}, {"ErrorEquals": ["States.ALL"]}]
    }));
    let sim = run(&machine, &json!({}));
    assert_eq!(error(&sim).as_deref(), Some("States.Runtime"));
    assert_eq!(sim.state_stats()[0].attempts, 1);
    assert_eq!(sim.state_stats()[0].retries, 0);
}

#[test]
fn states_task_failed_never_matches_states_timeout() {
    let machine = with_targets(
        task_machine(json!({
            "TimeoutSeconds": 1,
            "Catch": [
                {"ErrorEquals": ["States.TaskFailed"], "Next": "TaskFailed"},
                {"ErrorEquals": ["States.Timeout"], "Next": "TimedOut"}
            ]
        })),
        &["TaskFailed", "TimedOut"],
    );
    let slow = run(
        &machine,
        &json!({"tasks": {"Work": {"latency": {"fixed_ms": 5000}}}}),
    );
    assert_eq!(last_state(&slow).as_deref(), Some("TimedOut"));
    assert_eq!(
        slow.parent_output(),
        Some(&json!({"Error": "States.Timeout", "Cause": ""}))
    );
    let failing = run(
        &machine,
        &json!({"tasks": {"Work": always("Lambda.ServiceException")}}),
    );
    assert_eq!(last_state(&failing).as_deref(), Some("TaskFailed"));
}

#[test]
fn heartbeat_timeout_unless_the_worker_heartbeats() {
    let machine = task_machine(json!({"TimeoutSeconds": 60, "HeartbeatSeconds": 2}));
    let silent = run(
        &machine,
        &json!({"tasks": {"Work": {"latency": {"fixed_ms": 10_000}}}}),
    );
    assert_eq!(error(&silent).as_deref(), Some("States.HeartbeatTimeout"));
    assert_eq!(silent.outcome().map(|o| o.end_ms), Some(2000));
    let beating = run(
        &machine,
        &json!({"tasks": {"Work": {"latency": {"fixed_ms": 10_000}, "heartbeat_interval_ms": 1000}}}),
    );
    assert_eq!(status(&beating), ExecutionStatus::Succeeded);
}

#[test]
fn a_fail_state_without_error_is_not_matched_by_named_catchers_but_by_states_all() {
    let inner = json!({"StartAt": "F", "States": {"F": {"Type": "Fail"}}});
    let make = |errors: Value| {
        with_targets(
            json!({"StartAt": "P", "States": {"P": {
                "Type": "Parallel", "Branches": [inner.clone()], "End": true,
                "Catch": [{"ErrorEquals": errors, "Next": "Caught"}]
            }}}),
            &["Caught"],
        )
    };
    let sim = run(&make(json!(["SomeError"])), &json!({}));
    assert_eq!(status(&sim), ExecutionStatus::Failed);
    let sim = run(&make(json!(["States.ALL"])), &json!({}));
    assert_eq!(last_state(&sim).as_deref(), Some("Caught"));
    // That States.ALL matches the empty error is inferred, and the run says so.
    assert!(sim
        .assumptions_used()
        .contains_key("states_all_matches_empty_error"));
}

// ----- §2 Retry ---------------------------------------------------------------------------

#[test]
fn retry_defaults_interval_1_max_attempts_3_backoff_2() {
    let machine = task_machine(json!({"Retry": [{"ErrorEquals": ["States.ALL"]}]}));
    let sim = run(&machine, &json!({"tasks": {"Work": always("E")}}));
    assert_eq!(waits(&sim), vec![1000, 2000, 4000]);
    assert_eq!(sim.state_stats()[0].attempts, 4);
}

#[test]
fn max_attempts_zero_never_retries_and_two_runs_three_times() {
    for (max, attempts) in [(0, 1), (2, 3)] {
        let machine = task_machine(json!({"Retry": [{"ErrorEquals": ["E"], "MaxAttempts": max}]}));
        let sim = run(&machine, &json!({"tasks": {"Work": always("E")}}));
        assert_eq!(sim.state_stats()[0].attempts, attempts, "MaxAttempts {max}");
    }
}

#[test]
fn max_delay_seconds_caps_the_backoff() {
    let machine = task_machine(json!({"Retry": [{
        "ErrorEquals": ["E"], "IntervalSeconds": 10, "BackoffRate": 3, "MaxAttempts": 4, "MaxDelaySeconds": 20
    }]}));
    let sim = run(&machine, &json!({"tasks": {"Work": always("E")}}));
    assert_eq!(waits(&sim), vec![10_000, 20_000, 20_000, 20_000]);
}

#[test]
fn full_jitter_draws_from_zero_to_the_capped_backoff_with_the_seed() {
    let machine = task_machine(json!({"Retry": [{
        "ErrorEquals": ["E"], "IntervalSeconds": 2, "BackoffRate": 2, "MaxAttempts": 5,
        "MaxDelaySeconds": 10, "JitterStrategy": "FULL"
    }]}));
    let mut seen = Vec::new();
    for seed in 0..30u64 {
        let sim = run(
            &machine,
            &json!({"seed": seed, "tasks": {"Work": always("E")}}),
        );
        let w = waits(&sim);
        for (n, wait) in w.iter().enumerate() {
            let cap = (2000u64 << n).min(10_000);
            assert!(*wait <= cap, "retry {n}: {wait} > {cap}");
        }
        // The same seed draws the same waits.
        let again = run(
            &machine,
            &json!({"seed": seed, "tasks": {"Work": always("E")}}),
        );
        assert_eq!(waits(&again), w);
        seen.push(w);
    }
    seen.sort();
    seen.dedup();
    assert!(seen.len() > 25, "different seeds draw different waits");
}

#[test]
fn jitter_order_is_a_visible_assumption() {
    let machine = task_machine(json!({"Retry": [{
        "ErrorEquals": ["E"], "IntervalSeconds": 10, "MaxAttempts": 3, "MaxDelaySeconds": 5, "JitterStrategy": "FULL"
    }]}));
    let cap_first = run(
        &machine,
        &json!({"seed": 3, "tasks": {"Work": always("E")}}),
    );
    assert!(cap_first
        .assumptions_used()
        .contains_key("retry_delay_order"));
    assert_eq!(
        waits(&cap_first).len(),
        3,
        "three retries, each with its wait"
    );
    for w in waits(&cap_first) {
        assert!(w <= 5000);
    }
    let jitter_first = run(
        &machine,
        &json!({"seed": 3, "tasks": {"Work": always("E")}, "assumptions": {"retry_delay_order": "jitter_then_cap"}}),
    );
    assert_eq!(waits(&jitter_first).len(), 3);
    for w in waits(&jitter_first) {
        assert!(w <= 5000);
    }
}

#[test]
fn the_first_matching_retrier_decides_and_exhausted_goes_to_catch() {
    let machine = with_targets(
        task_machine(json!({
            "Retry": [
                {"ErrorEquals": ["E"], "MaxAttempts": 1},
                {"ErrorEquals": ["States.ALL"], "MaxAttempts": 5}
            ],
            "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Caught"}]
        })),
        &["Caught"],
    );
    let sim = run(&machine, &json!({"tasks": {"Work": always("E")}}));
    // One retry by the first retrier; the second, which also matches, is never tried.
    assert_eq!(sim.state_stats()[0].retries_by_retrier, vec![1, 0]);
    assert_eq!(sim.state_stats()[0].attempts, 2);
    assert_eq!(last_state(&sim).as_deref(), Some("Caught"));
}

#[test]
fn each_retrier_keeps_its_own_counter() {
    // Attempts alternate between errors A and B; each retrier allows 2 retries of its own.
    let machine = task_machine(json!({"Retry": [
        {"ErrorEquals": ["A"], "MaxAttempts": 2, "IntervalSeconds": 1},
        {"ErrorEquals": ["B"], "MaxAttempts": 2, "IntervalSeconds": 1}
    ]}));
    let scenario = json!({"tasks": {"Work": {"faults": [
        {"error": "A", "attempts": [0, 2, 4]},
        {"error": "B", "attempts": [1, 3, 5]}
    ]}}});
    let sim = run(&machine, &scenario);
    // A, B, A, B, A: the fifth attempt's A finds retrier A used up.
    assert_eq!(sim.state_stats()[0].attempts, 5);
    assert_eq!(sim.state_stats()[0].retries_by_retrier, vec![2, 2]);
    assert_eq!(error(&sim).as_deref(), Some("A"));
}

#[test]
fn an_empty_retry_array_means_no_retry() {
    let sim = run(
        &task_machine(json!({"Retry": []})),
        &json!({"tasks": {"Work": always("E")}}),
    );
    assert_eq!(sim.state_stats()[0].attempts, 1);
}

#[test]
fn a_retried_parallel_reruns_every_branch() {
    let machine = json!({"StartAt": "P", "States": {"P": {
        "Type": "Parallel", "End": true,
        "Retry": [{"ErrorEquals": ["E"], "MaxAttempts": 2, "IntervalSeconds": 1}],
        "Branches": [
            {"StartAt": "Ok", "States": {"Ok": {"Type": "Task", "Resource": FN, "End": true}}},
            {"StartAt": "Bad", "States": {"Bad": {"Type": "Task", "Resource": FN, "End": true}}}
        ]
    }}});
    let sim = run(
        &machine,
        &json!({"tasks": {"Bad": always("E"), "Ok": {"latency": {"fixed_ms": 5}}}}),
    );
    // Both branches ran three times.
    assert_eq!(sim.state_stats()[1].entered, 3);
    assert_eq!(sim.state_stats()[2].entered, 3);
}

// ----- §3 Catch ---------------------------------------------------------------------------

#[test]
fn catcher_result_path_rules() {
    let input = json!({"keep": 1});
    let cases = [
        (None, json!({"Error": "E", "Cause": "c"})),
        (
            Some(json!("$.error")),
            json!({"keep": 1, "error": {"Error": "E", "Cause": "c"}}),
        ),
        (Some(Value::Null), json!({"keep": 1})),
    ];
    for (result_path, expected) in cases {
        let mut catcher = json!({"ErrorEquals": ["States.ALL"], "Next": "Caught"});
        if let Some(rp) = &result_path {
            catcher["ResultPath"] = rp.clone();
        }
        // The state's own ResultPath / ResultSelector do not apply on the error path.
        let machine = with_targets(
            task_machine(json!({
                "ResultPath": "$.result", "ResultSelector": {"x.$": "$"}, "Catch": [catcher]
            })),
            &["Caught"],
        );
        let sim = run(
            &machine,
            &json!({"input": input, "tasks": {"Work": always("E")}}),
        );
        assert_eq!(sim.parent_output(), Some(&expected), "{result_path:?}");
    }
}

// ----- §4 Distributed Map -----------------------------------------------------------------

fn distributed(extra: Value, processor_extra: Value) -> Value {
    let mut work = json!({"Type": "Task", "Resource": FN, "End": true});
    if let (Value::Object(t), Value::Object(e)) = (&mut work, processor_extra) {
        t.extend(e);
    }
    let mut map = json!({
        "Type": "Map",
        "ItemProcessor": {
            "ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
            "StartAt": "Work",
            "States": {"Work": work}
        },
        "End": true
    });
    if let (Value::Object(m), Value::Object(e)) = (&mut map, extra) {
        m.extend(e);
    }
    json!({"StartAt": "Process", "States": {"Process": map}})
}

#[test]
fn tolerance_count_is_exceeded_strictly() {
    let machine = distributed(json!({"ToleratedFailureCount": 3}), json!({}));
    for (failures, expected) in [
        (3, ExecutionStatus::Succeeded),
        (4, ExecutionStatus::Failed),
    ] {
        let indices: Vec<u64> = (0..failures).collect();
        let scenario = json!({"items": {"count": 20}, "tasks": {"Work": {"faults": [{"error": "E", "items": {"indices": indices}}]}}});
        let sim = run(&machine, &scenario);
        assert_eq!(status(&sim), expected, "{failures} failures");
    }
}

#[test]
fn tolerance_percentage_is_over_total_items_and_fails_on_the_51st_of_1000_at_5_percent() {
    let machine = distributed(
        json!({"ToleratedFailurePercentage": 5, "MaxConcurrency": 1}),
        json!({}),
    );
    let scenario = json!({"items": {"count": 1000}, "tasks": {"Work": {"latency": {"fixed_ms": 100}, "faults": [{"error": "E"}]}}});
    let sim = run(&machine, &scenario);
    let run0 = &sim.map_runs()[0];
    let verdict = run0.verdict.clone().unwrap_or_else(|| panic!("verdict"));
    assert_eq!(verdict.failed_items, 51);
    assert_eq!(verdict.at_ms, 5100);
    assert_eq!(
        verdict.explanation,
        "51 failed items of 1000 (5.1%) > ToleratedFailurePercentage 5"
    );
    // Pending children never started.
    assert_eq!(run0.item_counts.pending, 949);
    assert_eq!(
        error(&sim).as_deref(),
        Some("States.ExceedToleratedFailureThreshold")
    );
    assert_eq!(
        sim.verdict_text(),
        "FAILED: States.ExceedToleratedFailureThreshold at 00:00:05 — 51 failed items of 1000 (5.1%) > ToleratedFailurePercentage 5"
    );
}

#[test]
fn with_both_tolerances_exceeding_either_fails() {
    let cases = [
        (Some(10), Some(1.0), 11, 1000, true),
        (Some(10), Some(50.0), 11, 1000, true),
        (Some(100), Some(1.0), 11, 1000, true),
        (Some(100), Some(5.0), 11, 1000, false),
        (None, Some(100.0), 1000, 1000, false),
        (None, None, 1, 1000, true),
        (None, None, 0, 1000, false),
        (Some(0), None, 1, 1000, true),
        (None, Some(0.0), 1, 1000, true),
        (None, Some(0.5), 5, 1000, false),
        (None, Some(0.5), 6, 1000, true),
    ];
    for (count, pct, failed, total, exceeded) in cases {
        assert_eq!(
            tolerance_exceeded(failed, total, count, pct),
            exceeded,
            "{count:?} {pct:?} {failed}/{total}"
        );
    }
    let machine = distributed(
        json!({"ToleratedFailureCount": 100, "ToleratedFailurePercentage": 1}),
        json!({}),
    );
    let scenario = json!({"items": {"count": 1000}, "tasks": {"Work": {"faults": [{"error": "E", "items": {"fraction": 0.02}}]}}});
    let sim = run(&machine, &scenario);
    assert_eq!(
        sim.map_runs()[0].verdict.as_ref().map(|v| v.failed_items),
        Some(11)
    );
}

#[test]
fn running_children_are_aborted_and_counts_add_up() {
    let machine = distributed(json!({"MaxConcurrency": 50}), json!({}));
    let scenario = json!({"items": {"count": 500}, "tasks": {"Work": {
        "latency": {"uniform": {"min_ms": 100, "max_ms": 1000}},
        "faults": [{"error": "E", "items": {"indices": [120]}}]
    }}});
    let sim = run(&machine, &scenario);
    let run0 = &sim.map_runs()[0];
    let counts = run0.item_counts;
    assert_eq!(counts.failed, 1);
    assert!(counts.aborted > 0);
    assert!(counts.pending > 0);
    assert_eq!(counts.running, 0);
    assert_eq!(counts.sum(), counts.total);
    assert_eq!(run0.execution_counts.sum(), 500);
    assert_eq!(sim.child_status(0, 499), Some(ChildStatus::Pending));
}

#[test]
fn no_tolerance_error_name_is_a_visible_configurable_assumption() {
    let machine = distributed(json!({}), json!({}));
    let faults = json!({"Work": {"faults": [{"error": "ChildError", "cause": "why", "items": {"indices": [2]}}]}});
    let sim = run(&machine, &json!({"items": {"count": 5}, "tasks": faults}));
    assert_eq!(
        error(&sim).as_deref(),
        Some("States.ExceedToleratedFailureThreshold")
    );
    assert!(sim
        .assumptions_used()
        .contains_key("untolerated_failure_error"));
    let summary = sim.summary();
    assert!(summary["assumptions"]
        .as_array()
        .is_some_and(|a| !a.is_empty()));
    let child = run(
        &machine,
        &json!({"items": {"count": 5}, "tasks": faults, "assumptions": {"untolerated_failure_error": "child"}}),
    );
    assert_eq!(error(&child).as_deref(), Some("ChildError"));
    assert_eq!(
        child.outcome().and_then(|o| o.cause.clone()).as_deref(),
        Some("why")
    );
}

#[test]
fn max_concurrency_absent_or_zero_means_ten_thousand() {
    let writer = json!({"Resource": "arn:aws:states:::s3:putObject", "Parameters": {"Bucket": "b", "Prefix": "p"}});
    for extra in [
        json!({"ResultWriter": writer}),
        json!({"MaxConcurrency": 0, "ResultWriter": writer}),
    ] {
        let machine = distributed(extra, json!({}));
        let scenario =
            json!({"items": {"count": 25_000}, "tasks": {"Work": {"latency": {"fixed_ms": 1000}}}});
        let mut sim = Simulation::new(
            &model(&machine),
            &scenario_of(&scenario),
            Default::default(),
        )
        .unwrap_or_else(|e| panic!("{e}"));
        sim.step_until(500);
        assert_eq!(sim.live().executions.running, 10_000);
        sim.run();
        assert_eq!(status(&sim), ExecutionStatus::Succeeded);
        assert_eq!(sim.map_runs()[0].max_concurrency, 10_000);
    }
}

fn scenario_of(v: &Value) -> engine::scenario::Scenario {
    crate::support::scenario(v)
}

#[test]
fn item_batcher_groups_items_and_a_failed_batch_fails_all_its_items() {
    let machine = distributed(
        json!({"ItemBatcher": {"MaxItemsPerBatch": 100, "BatchInput": {"job": "j1"}}, "ToleratedFailurePercentage": 100}),
        json!({}),
    );
    let scenario = json!({"items": {"count": 1130}, "tasks": {"Work": {"faults": [{"error": "E", "items": {"indices": [205]}}]}}});
    let sim = run(&machine, &scenario);
    let run0 = &sim.map_runs()[0];
    assert_eq!(run0.execution_counts.total, 12);
    assert_eq!(run0.item_counts.failed, 100);
    assert_eq!(run0.execution_counts.failed, 1);
    assert_eq!(run0.child_items(11), (1100, 1130));
    // A child receives {BatchInput, Items}.
    let trace = sim.child_trace(0, 2).unwrap_or_else(|e| panic!("{e}"));
    let input: Value = serde_json::from_str(
        trace.history[0]
            .details
            .to_json()
            .as_ref()
            .and_then(|d| d["input"].as_str())
            .unwrap_or("null"),
    )
    .unwrap_or_default();
    assert_eq!(input["BatchInput"], json!({"job": "j1"}));
    assert_eq!(input["Items"].as_array().map(Vec::len), Some(100));
    assert_eq!(input["Items"][0], json!({"index": 200}));
}

#[test]
fn max_input_bytes_per_batch_limits_batch_size() {
    let machine = distributed(
        json!({"ItemBatcher": {"MaxInputBytesPerBatch": 200}}),
        json!({}),
    );
    let sim = run(&machine, &json!({"items": {"count": 100}}));
    let run0 = &sim.map_runs()[0];
    // Items {"index":NN} take 13 bytes with their comma: about 14 fit in 200 bytes.
    assert!(
        run0.execution_counts.total > 5,
        "{}",
        run0.execution_counts.total
    );
    for child in 0..run0.execution_counts.total as u32 {
        let (start, end) = run0.child_items(child);
        assert!(end > start);
        assert!(end - start <= 15);
    }
}

#[test]
fn express_children_time_out_after_five_minutes() {
    let mut machine = distributed(json!({"ToleratedFailureCount": 10}), json!({}));
    machine["States"]["Process"]["ItemProcessor"]["ProcessorConfig"]["ExecutionType"] =
        json!("EXPRESS");
    let scenario =
        json!({"items": {"count": 3}, "tasks": {"Work": {"latency": {"fixed_ms": 400_000}}}});
    let sim = run(&machine, &scenario);
    let run0 = &sim.map_runs()[0];
    assert_eq!(run0.item_counts.timed_out, 3);
    assert_eq!(
        sim.child_detail(0, 0).and_then(|d| d.error).as_deref(),
        Some("States.Timeout")
    );
    assert_eq!(sim.child_detail(0, 0).map(|d| d.end_ms), Some(300_000));
}

#[test]
fn a_bad_tolerance_path_value_fails_before_any_map_run() {
    let machine = distributed(
        json!({"ToleratedFailurePercentagePath": "$.p", "ItemsPath": "$.items"}),
        json!({}),
    );
    let sim = run(&machine, &json!({"input": {"p": 101, "items": [1, 2]}}));
    assert!(sim.map_runs().is_empty());
    assert_eq!(error(&sim).as_deref(), Some("States.Runtime"));
    let cause = sim
        .outcome()
        .and_then(|o| o.cause.clone())
        .unwrap_or_default();
    assert!(
        cause.ends_with("ToleratedFailurePercentage must be between 0 and 100."),
        "{cause}"
    );
}

#[test]
fn map_retry_starts_a_new_map_run_and_catch_routes_the_threshold_error() {
    let machine = with_targets(
        distributed(
            json!({
                "Retry": [{"ErrorEquals": ["States.ExceedToleratedFailureThreshold"], "MaxAttempts": 1}],
                "Catch": [{"ErrorEquals": ["States.ExceedToleratedFailureThreshold"], "Next": "Handle"}]
            }),
            json!({}),
        ),
        &["Handle"],
    );
    let scenario = json!({"items": {"count": 10}, "tasks": {"Work": {"faults": [{"error": "E", "items": {"indices": [1]}}]}}});
    let sim = run(&machine, &scenario);
    assert_eq!(sim.map_runs().len(), 2);
    assert_ne!(sim.map_runs()[0].setup.arn, sim.map_runs()[1].setup.arn);
    assert_eq!(last_state(&sim).as_deref(), Some("Handle"));
}

#[test]
fn distributed_results_without_writer_fail_past_the_payload_limit_with_bounded_memory() {
    let machine = distributed(json!({}), json!({}));
    let small = run(&machine, &json!({"items": {"count": 10}}));
    assert_eq!(
        small
            .parent_output()
            .and_then(Value::as_array)
            .map(Vec::len),
        Some(10)
    );
    let big = run(
        &machine,
        &json!({"items": {"count": 100_000}, "tasks": {"Work": {"latency": {"fixed_ms": 1}}}}),
    );
    assert_eq!(error(&big).as_deref(), Some("States.DataLimitExceeded"));
    assert!(big
        .assumptions_used()
        .contains_key("collected_results_limit"));
}

// ----- §5 Inline Map and Parallel ------------------------------------------------------------

#[test]
fn inline_map_runs_at_most_40_iterations_at_once() {
    let machine = json!({"StartAt": "M", "States": {"M": {
        "Type": "Map", "End": true,
        "ItemProcessor": {"StartAt": "Work", "States": {"Work": {"Type": "Task", "Resource": FN, "End": true}}}
    }}});
    let items: Vec<u64> = (0..100).collect();
    let scenario = json!({"input": items, "tasks": {"Work": {"latency": {"fixed_ms": 1000}}}});
    let mut sim = Simulation::new(
        &model(&machine),
        &scenario_of(&scenario),
        Default::default(),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    sim.step_until(500);
    assert_eq!(sim.state_stats()[1].in_flight, 40);
    sim.run();
    assert_eq!(sim.outcome().map(|o| o.end_ms), Some(3000));
    assert_eq!(
        sim.parent_output().and_then(Value::as_array).map(Vec::len),
        Some(100)
    );
}

#[test]
fn inline_max_concurrency_one_means_later_items_never_start_after_a_failure() {
    let machine = json!({"StartAt": "M", "States": {"M": {
        "Type": "Map", "End": true, "MaxConcurrency": 1,
        "ItemProcessor": {"StartAt": "Work", "States": {"Work": {"Type": "Task", "Resource": FN, "End": true}}}
    }}});
    let scenario = json!({"input": [0, 1, 2, 3], "tasks": {"Work": {"faults": [{"error": "E", "items": {"indices": [1]}}]}}});
    let sim = run(&machine, &scenario);
    assert_eq!(sim.state_stats()[1].entered, 2);
    assert_eq!(error(&sim).as_deref(), Some("E"));
}

// ----- §6 Timeouts ------------------------------------------------------------------------

#[test]
fn execution_timeout_ends_timed_out() {
    let mut machine = task_machine(json!({}));
    machine["TimeoutSeconds"] = json!(3);
    let sim = run(
        &machine,
        &json!({"tasks": {"Work": {"latency": {"fixed_ms": 10_000}}}}),
    );
    assert_eq!(status(&sim), ExecutionStatus::TimedOut);
    assert_eq!(sim.outcome().map(|o| o.end_ms), Some(3000));
    let kinds: Vec<&str> = sim.parent_history().iter().map(|e| e.kind).collect();
    assert_eq!(kinds.last(), Some(&"ExecutionTimedOut"));
    assert!(kinds.contains(&"TaskStateAborted"));
}

#[test]
fn timeout_seconds_path_reads_the_input() {
    let machine = task_machine(json!({"TimeoutSecondsPath": "$.t"}));
    let sim = run(
        &machine,
        &json!({"input": {"t": 2}, "tasks": {"Work": {"latency": {"fixed_ms": 5000}}}}),
    );
    assert_eq!(error(&sim).as_deref(), Some("States.Timeout"));
    assert_eq!(sim.outcome().map(|o| o.end_ms), Some(2000));
}

#[test]
fn an_endless_loop_ends_at_the_history_limit() {
    let machine = json!({"StartAt": "A", "States": {
        "A": {"Type": "Pass", "Next": "B"},
        "B": {"Type": "Choice", "Choices": [{"Variable": "$.x", "IsPresent": false, "Next": "A"}], "Default": "Done"},
        "Done": {"Type": "Succeed"}
    }});
    let sim = run(&machine, &json!({}));
    assert_eq!(status(&sim), ExecutionStatus::Failed);
    assert_eq!(error(&sim).as_deref(), Some("States.Runtime"));
    assert!(sim.parent_history().len() <= 25_000);
    assert!(sim.assumptions_used().contains_key("history_limit_error"));
}

/// Forty iterations in flight when the limit comes: their aborts have no room, so the history
/// ends with `ExecutionFailed` as its 25,000th event (it ended at 25,059, past the limit, when
/// every iteration wrote its `…Aborted` events).
#[test]
fn a_history_that_reaches_the_limit_ends_at_it() {
    let machine = json!({"StartAt": "M", "States": {"M": {
        "Type": "Map", "MaxConcurrency": 40, "ItemsPath": "$.items",
        "ItemProcessor": {"ProcessorConfig": {"Mode": "INLINE"}, "StartAt": "T", "States": {
            "T": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:f", "End": true}
        }},
        "End": true
    }}});
    let items: Vec<u32> = (0..6000).collect();
    let sim = run(&machine, &json!({"input": {"items": items}}));
    assert_eq!(status(&sim), ExecutionStatus::Failed);
    let history = sim.parent_history();
    assert_eq!(history.len(), 25_000);
    assert_eq!(history.last().map(|e| e.kind), Some("ExecutionFailed"));
    assert_eq!(history.last().map(|e| e.id), Some(25_000));
    let summary = sim.summary();
    assert_eq!(summary["history_events"], json!(25_000));
}

// ----- Wait, Choice, data flow -------------------------------------------------------------

#[test]
fn wait_seconds_timestamp_and_paths() {
    let cases = [
        (json!({"Seconds": 7}), json!({}), 7000),
        (json!({"SecondsPath": "$.s"}), json!({"s": 3}), 3000),
        (
            json!({"Timestamp": "2024-01-01T00:01:00Z"}),
            json!({}),
            60_000,
        ),
        (
            json!({"TimestampPath": "$.t"}),
            json!({"t": "2024-01-01T00:00:30Z"}),
            30_000,
        ),
        (json!({"Timestamp": "2023-01-01T00:00:00Z"}), json!({}), 0),
    ];
    for (fields, input, end) in cases {
        let mut wait = json!({"Type": "Wait", "End": true});
        if let (Value::Object(w), Value::Object(f)) = (&mut wait, fields.clone()) {
            w.extend(f);
        }
        let sim = run(
            &json!({"StartAt": "W", "States": {"W": wait}}),
            &json!({"input": input}),
        );
        assert_eq!(sim.outcome().map(|o| o.end_ms), Some(end), "{fields}");
    }
}

#[test]
fn choice_branches_on_item_data_and_no_match_fails() {
    let machine = json!({"StartAt": "C", "States": {
        "C": {"Type": "Choice", "Choices": [
            {"And": [{"Variable": "$.n", "NumericGreaterThan": 10}, {"Not": {"Variable": "$.tag", "StringEquals": "skip"}}], "Next": "Big"}
        ]},
        "Big": {"Type": "Succeed"}
    }});
    let big = run(&machine, &json!({"input": {"n": 11, "tag": "x"}}));
    assert_eq!(status(&big), ExecutionStatus::Succeeded);
    let none = run(&machine, &json!({"input": {"n": 5, "tag": "x"}}));
    assert_eq!(error(&none).as_deref(), Some("States.NoChoiceMatched"));
}

#[test]
fn jsonpath_data_flow_and_variables() {
    let machine = json!({"StartAt": "Set", "States": {
        "Set": {"Type": "Pass", "Assign": {"greeting": "hello", "n.$": "$.n"}, "Next": "Work"},
        "Work": {
            "Type": "Task", "Resource": FN,
            "InputPath": "$.payload",
            "Parameters": {"msg.$": "States.Format('{} {}', $greeting, $.name)", "count.$": "States.MathAdd($n, 1)"},
            "ResultSelector": {"echoed.$": "$.msg"},
            "ResultPath": "$.out",
            "OutputPath": "$.out",
            "End": true
        }
    }});
    let sim = run(
        &machine,
        &json!({"input": {"n": 41, "payload": {"name": "Ada"}}}),
    );
    assert_eq!(sim.parent_output(), Some(&json!({"echoed": "hello Ada"})));
}

#[test]
fn jsonata_arguments_output_and_assign() {
    let machine = json!({"QueryLanguage": "JSONata", "StartAt": "Work", "States": {
        "Work": {
            "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
            "Arguments": {"FunctionName": "f", "Payload": {"double": "{% $states.input.n * 2 %}"}},
            "Assign": {"seen": "{% $states.result.Payload.double %}"},
            "Output": "{% $states.result.Payload %}",
            "Next": "Check"
        },
        "Check": {"Type": "Choice", "Choices": [{"Condition": "{% $seen = 84 %}", "Next": "Yes"}], "Default": "No"},
        "Yes": {"Type": "Pass", "Output": {"ok": true, "seen": "{% $seen %}"}, "End": true},
        "No": {"Type": "Fail", "Error": "Wrong"}
    }});
    let sim = run(&machine, &json!({"input": {"n": 42}}));
    assert_eq!(sim.parent_output(), Some(&json!({"ok": true, "seen": 84})));
}

#[test]
fn lambda_invoke_returns_the_invoke_response_with_the_function_result_as_payload() {
    let machine = json!({"StartAt": "Work", "States": {"Work": {
        "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
        "Parameters": {"FunctionName": "f", "Payload.$": "$"}, "End": true
    }}});
    let echo = run(&machine, &json!({"input": {"a": 1}}));
    let output = echo.parent_output().cloned().unwrap_or_default();
    assert_eq!(output["Payload"], json!({"a": 1}));
    assert_eq!(output["StatusCode"], json!(200));
    assert_eq!(output["ExecutedVersion"], json!("$LATEST"));
    assert_eq!(output["SdkHttpMetadata"]["HttpStatusCode"], json!(200));
    let given = run(
        &machine,
        &json!({"input": {"a": 1}, "tasks": {"Work": {"result": {"ok": true}}}}),
    );
    assert_eq!(
        given.parent_output().map(|o| o["Payload"].clone()),
        Some(json!({"ok": true}))
    );
}

// ----- the scenario contract ----------------------------------------------------------------

#[test]
fn faults_first_that_fires_wins_and_attempts_limit_them() {
    let machine = task_machine(
        json!({"Retry": [{"ErrorEquals": ["States.ALL"], "MaxAttempts": 3, "IntervalSeconds": 1}]}),
    );
    let scenario = json!({"tasks": {"Work": {"faults": [
        {"error": "First", "attempts": [0]},
        {"error": "Second", "attempts": [0, 1]},
        {"error": "Third"}
    ]}}});
    let sim = run(&machine, &scenario);
    let errors = &sim.state_stats()[0].errors;
    assert_eq!(errors.get("First"), Some(&1));
    assert_eq!(errors.get("Second"), Some(&1));
    assert_eq!(errors.get("Third"), Some(&2));
}

#[test]
fn a_fraction_of_items_is_exactly_that_many_items_chosen_by_the_seed() {
    let machine = distributed(json!({"ToleratedFailurePercentage": 100}), json!({}));
    let scenario = |seed: u64| json!({"seed": seed, "items": {"count": 10_000}, "tasks": {"Work": {"faults": [{"error": "Poison", "items": {"fraction": 0.0123}}]}}});
    let a = run(&machine, &scenario(1));
    assert_eq!(a.map_runs()[0].item_counts.failed, 123);
    let b = run(&machine, &scenario(2));
    assert_eq!(b.map_runs()[0].item_counts.failed, 123);
    let failed = |sim: &Simulation| -> Vec<usize> {
        (0..10_000)
            .filter(|i| sim.child_status(0, *i) == Some(ChildStatus::Failed))
            .collect()
    };
    assert_ne!(failed(&a), failed(&b));
    assert_eq!(failed(&a), failed(&run(&machine, &scenario(1))));
}

#[test]
fn probability_draws_per_attempt() {
    let machine = distributed(json!({"ToleratedFailurePercentage": 100}), json!({}));
    let scenario = json!({"seed": 9, "items": {"count": 20_000}, "tasks": {"Work": {"faults": [{"error": "E", "probability": 0.1}]}}});
    let sim = run(&machine, &scenario);
    let failed = sim.map_runs()[0].item_counts.failed as f64;
    assert!((failed - 2000.0).abs() < 150.0, "{failed}");
}

#[test]
fn lambda_concurrency_limit_throttles_and_throttling_emerges_from_max_concurrency() {
    let machine = distributed(
        json!({"MaxConcurrency": 100, "ToleratedFailurePercentage": 100}),
        json!({}),
    );
    let base = json!({"items": {"count": 1000}, "tasks": {"Work": {"latency": {"fixed_ms": 100}}}});
    let mut limited = base.clone();
    limited["limits"] = json!({"lambda_concurrency": 50});
    let sim = run(&machine, &limited);
    let stats = &sim.state_stats()[1];
    assert!(stats.throttles > 0);
    assert_eq!(
        stats.errors.get("Lambda.TooManyRequestsException"),
        Some(&stats.throttles)
    );
    let mut roomy = base;
    roomy["limits"] = json!({"lambda_concurrency": 100});
    let sim = run(&machine, &roomy);
    assert_eq!(sim.state_stats()[1].throttles, 0);
}

#[test]
fn a_task_without_an_entry_succeeds_after_the_default_latency() {
    let sim = run(&task_machine(json!({})), &json!({"input": {"x": 1}}));
    assert_eq!(
        sim.outcome().map(|o| o.end_ms),
        Some(engine::scenario::DEFAULT_LATENCY_MS)
    );
    assert_eq!(sim.parent_output(), Some(&json!({"x": 1})));
}

#[test]
fn scenario_tasks_must_name_task_states() {
    let machine = task_machine(json!({}));
    let model = model(&machine);
    for (scenario, message) in [
        (json!({"tasks": {"Wrok": {}}}), "did you mean `Work`"),
        (
            json!({"maps": {"Work": {"items": {"count": 1}}}}),
            "no Map state named `Work`",
        ),
    ] {
        let s = crate::support::scenario(&scenario);
        let errors = engine::scenario::check_against(&s, &model, None);
        assert!(
            errors.iter().any(|e| e.message.contains(message)),
            "{errors:?}"
        );
        assert!(Simulation::new(&model, &s, Default::default()).is_err());
    }
}

#[test]
fn start_time_anchors_histories_and_timestamps() {
    let machine = json!({"StartAt": "W", "States": {"W": {"Type": "Wait", "Timestamp": "2030-05-01T10:00:05Z", "End": true}}});
    let sim = run(&machine, &json!({"start_time": "2030-05-01T10:00:00Z"}));
    assert_eq!(sim.outcome().map(|o| o.end_ms), Some(5000));
    let history = sim.parent_history_json();
    assert_eq!(history["events"][0]["timestamp"], json!(1_903_860_000));
}

#[test]
fn per_map_items_override_and_nested_reader_default() {
    let inner = json!({
        "Type": "Map", "End": true,
        "ItemReader": {"Resource": "arn:aws:states:::s3:listObjectsV2", "Parameters": {"Bucket": "b"}},
        "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
            "StartAt": "Leaf", "States": {"Leaf": {"Type": "Pass", "End": true}}},
        "ResultWriter": {"Resource": "arn:aws:states:::s3:putObject", "Parameters": {"Bucket": "b", "Prefix": "p"}}
    });
    let machine = json!({"StartAt": "Outer", "States": {"Outer": {
        "Type": "Map", "End": true,
        "ItemReader": {"Resource": "arn:aws:states:::s3:listObjectsV2", "Parameters": {"Bucket": "b"}},
        "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
            "StartAt": "Inner", "States": {"Inner": inner}},
        "ResultWriter": {"Resource": "arn:aws:states:::s3:putObject", "Parameters": {"Bucket": "b", "Prefix": "p"}}
    }}});
    // Global items feed the outermost map; the nested reader stands in as 10 items.
    let sim = run(&machine, &json!({"items": {"count": 3}}));
    let totals: Vec<u64> = sim.map_runs().iter().map(|r| r.item_counts.total).collect();
    assert_eq!(totals, vec![3, 10, 10, 10]);
    assert!(sim.assumptions_used().contains_key("reader_items"));
    // A per-map override wins.
    let sim = run(
        &machine,
        &json!({"items": {"count": 2}, "maps": {"Inner": {"items": {"values": [1, 2, 3, 4]}}}}),
    );
    let totals: Vec<u64> = sim.map_runs().iter().map(|r| r.item_counts.total).collect();
    assert_eq!(totals, vec![2, 4, 4]);
    // Nested Distributed Maps: a child's history is rebuilt by re-running the whole simulation.
    let trace = sim.child_trace(1, 3).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(trace.method, "rerun");
    assert_eq!(trace.status, ExecutionStatus::Succeeded);
}

/// An Inline Map over `$.list` whose iterations run one state, `item` (`state`), with extra
/// fields.
fn inline_map(item: &str, state: Value, extra: Value) -> Value {
    let mut map = json!({
        "Type": "Map", "ItemsPath": "$.list", "End": true,
        "ItemProcessor": {"ProcessorConfig": {"Mode": "INLINE"}, "StartAt": item,
            "States": {item: state}}
    });
    if let (Value::Object(m), Value::Object(e)) = (&mut map, extra) {
        m.extend(e);
        if m.contains_key("Next") {
            m.remove("End");
        }
    }
    map
}

#[test]
fn scenario_items_stand_in_for_an_inline_maps_items_path_without_distributed_maps() {
    let pass = json!({"Type": "Pass", "End": true});
    let plain = json!({"StartAt": "Each", "States": {"Each": inline_map("EachItem", pass.clone(), json!({}))}});
    // The Map's item is what its iteration sees: `$$.Map.Item.Value` through ItemSelector.
    let selecting = json!({"StartAt": "Each", "States": {"Each": inline_map("EachItem", pass.clone(),
        json!({"ItemSelector": {"item.$": "$$.Map.Item.Value", "at.$": "$$.Map.Item.Index"}}))}});
    let jsonata = json!({"QueryLanguage": "JSONata", "StartAt": "Each", "States": {"Each": {
        "Type": "Map", "Items": "{% $states.input.list %}", "End": true,
        "ItemProcessor": {"ProcessorConfig": {"Mode": "INLINE"}, "StartAt": "EachItem",
            "States": {"EachItem": {"Type": "Pass", "End": true}}}}}});
    // An Inline Map inside another one iterates over its own item's data.
    let nested = json!({"StartAt": "Outer", "States": {"Outer": inline_map("Inner",
        inline_map("Leaf", pass.clone(), json!({})), json!({}))}});
    // With a Distributed Map in the machine, `items` are the Distributed Map's.
    let with_distributed = json!({"StartAt": "Each", "States": {
        "Each": inline_map("EachItem", pass.clone(), json!({"Next": "Spread", "ResultPath": null})),
        "Spread": {"Type": "Map", "End": true, "ItemProcessor": {
            "ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
            "StartAt": "Leaf", "States": {"Leaf": {"Type": "Pass", "End": true}}}}}});
    let input = json!({"list": [{"own": 1}, {"own": 2}]});
    let inner_input = json!({"list": [{"list": ["a"]}, {"list": ["b", "c"]}]});
    let cases = [
        // (what, definition, scenario, output, the assumption noted)
        ("no items: ItemsPath", &plain, json!({"input": input}),
            json!([{"own": 1}, {"own": 2}]), None),
        ("a count", &plain, json!({"input": input, "items": {"count": 3}}),
            json!([{"index": 0}, {"index": 1}, {"index": 2}]),
            Some("the scenario's items stand in for the ItemsPath of the Inline Map Each (3 items {\"index\": i})")),
        ("values, with no array in the input", &plain, json!({"items": {"values": ["x", 7]}}),
            json!(["x", 7]),
            Some("the scenario's items stand in for the ItemsPath of the Inline Map Each (its 2 items)")),
        ("through ItemSelector", &selecting, json!({"input": input, "items": {"values": ["x", "y"]}}),
            json!([{"item": "x", "at": 0}, {"item": "y", "at": 1}]),
            Some("the scenario's items stand in for the ItemsPath of the Inline Map Each (its 2 items)")),
        ("a per-map override", &plain, json!({"input": input, "maps": {"Each": {"items": {"count": 1}}}}),
            json!([{"index": 0}]),
            Some("the scenario's items stand in for the ItemsPath of the Inline Map Each (1 item {\"index\": i})")),
        ("JSONata Items", &jsonata, json!({"input": input, "items": {"count": 1}}),
            json!([{"index": 0}]),
            Some("the scenario's items stand in for the Items of the Inline Map Each (1 item {\"index\": i})")),
        ("only the outermost Inline Map", &nested, json!({"input": input, "items": {"values": [{"list": [1]}, {"list": [2, 3]}]}}),
            json!([[1], [2, 3]]),
            Some("the scenario's items stand in for the ItemsPath of the Inline Map Outer (its 2 items)")),
        ("a nested Inline Map by name", &nested, json!({"input": inner_input, "maps": {"Inner": {"items": {"count": 1}}}}),
            json!([[{"index": 0}], [{"index": 0}]]),
            Some("the scenario's items stand in for the ItemsPath of the Inline Map Inner (1 item {\"index\": i})")),
        ("a machine with a Distributed Map", &with_distributed, json!({"input": input, "items": {"count": 4}}),
            Value::Null, None),
    ];
    for (what, definition, scenario_value, output, note) in cases {
        let sim = run(definition, &scenario_value);
        assert_eq!(
            status(&sim),
            ExecutionStatus::Succeeded,
            "{what}: {:?}",
            sim.outcome()
        );
        if !output.is_null() {
            assert_eq!(sim.parent_output(), Some(&output), "{what}");
        }
        let noted = sim
            .assumptions_used()
            .get("inline_map_items")
            .map(String::as_str);
        assert_eq!(noted, note, "{what}");
        // The summary (the CLI's `assumptions`) says so too.
        let listed = sim.summary()["assumptions"]
            .as_array()
            .is_some_and(|a| a.iter().any(|x| x["key"] == "inline_map_items"));
        assert_eq!(listed, note.is_some(), "{what}");
    }
    // With a Distributed Map, the Inline Map keeps its ItemsPath and the Distributed Map takes
    // the items.
    let sim = run(
        &with_distributed,
        &json!({"input": input, "items": {"count": 4}}),
    );
    let totals: Vec<u64> = sim.map_runs().iter().map(|r| r.item_counts.total).collect();
    assert_eq!(totals, vec![4]);
    let started: Vec<u32> = sim
        .parent_history()
        .iter()
        .filter(|e| e.kind == "MapIterationStarted")
        .map(|e| e.id)
        .collect();
    assert_eq!(started.len(), 2);
    // The history counts the scenario's items.
    let sim = run(&plain, &json!({"items": {"count": 5}}));
    let length = sim
        .parent_history()
        .iter()
        .find(|e| e.kind == "MapStateStarted")
        .and_then(|e| e.details.to_json());
    assert_eq!(length, Some(json!({"length": 5})));
}

#[test]
fn result_bytes_exercises_the_payload_limit() {
    let machine = task_machine(json!({}));
    let sim = run(
        &machine,
        &json!({"tasks": {"Work": {"result_bytes": 262_145}}}),
    );
    assert_eq!(error(&sim).as_deref(), Some("States.DataLimitExceeded"));
    let sim = run(
        &machine,
        &json!({"tasks": {"Work": {"result_bytes": 262_144}}}),
    );
    assert_eq!(status(&sim), ExecutionStatus::Succeeded);
}

#[test]
fn item_change_log_cursors_survive_discards() {
    let machine = distributed(json!({"MaxConcurrency": 5}), json!({}));
    let scenario_value = json!({"items": {"count": 40}});
    let options = engine::sim::SimOptions {
        record_changes: true,
        ..Default::default()
    };
    let mut sim = Simulation::new(&model(&machine), &scenario_of(&scenario_value), options)
        .unwrap_or_else(|e| panic!("{e}"));
    let mut cursor = 0;
    let mut seen = Vec::new();
    while sim.step_until_budget(u64::MAX, 7) {
        let (changes, next) = sim.item_changes(cursor);
        seen.extend_from_slice(changes);
        cursor = next;
        sim.discard_item_changes_before(cursor);
    }
    let (rest, _) = sim.item_changes(cursor);
    seen.extend_from_slice(rest);
    // Every child became Running then Succeeded, in that order.
    assert_eq!(seen.len(), 80);
    for child in 0..40 {
        let statuses: Vec<ChildStatus> = seen
            .iter()
            .filter(|c| c.child == child)
            .map(|c| c.status)
            .collect();
        assert_eq!(
            statuses,
            vec![ChildStatus::Running, ChildStatus::Succeeded],
            "child {child}"
        );
    }
}
