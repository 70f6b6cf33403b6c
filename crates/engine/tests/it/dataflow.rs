//! Data flow done without copies must say exactly what the copies said: a Lambda Invoke whose
//! state reads only `$.Payload` gets no whole response made unless a history records it, and
//! the whole response's size still counts against the payload limit; a result moved into its
//! ResultSelector and a ResultPath written in place give the same outputs and histories.

use engine::sim::ExecutionStatus;
use serde_json::{json, Value};

use crate::support;

fn definition(result_selector: bool) -> Value {
    let mut task = json!({
        "Type": "Task",
        "Resource": "arn:aws:states:::lambda:invoke",
        "Parameters": {"FunctionName": "arn:aws:lambda:us-east-1:123456789012:function:w", "Payload.$": "$"},
        "ResultPath": "$.r",
        "End": true
    });
    if result_selector {
        task["ResultSelector"] = json!({"v.$": "$.Payload", "at.$": "$$.State.Name"});
    }
    json!({"StartAt": "Fan", "States": {"Fan": {
        "Type": "Map",
        "ItemProcessor": {
            "ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
            "StartAt": "Work",
            "States": {"Work": task}
        },
        "End": true
    }}})
}

/// A function result of `n` characters: its whole Invoke response is `n + 600` bytes of JSON.
fn scenario(n: usize) -> Value {
    json!({
        "seed": 1,
        "items": {"count": 3},
        "limits": {"payload_bytes": 2000},
        "tasks": {"Work": {"latency": {"fixed_ms": 10}, "result": "x".repeat(n)}}
    })
}

fn outcome(result_selector: bool, n: usize) -> (u64, bool, ExecutionStatus) {
    let sim = support::run(&definition(result_selector), &scenario(n));
    let run = &sim.map_runs()[0];
    // The replayed child records its history, so it makes the whole response.
    let Ok(trace) = sim.child_trace(0, 0) else {
        panic!("a child trace")
    };
    (
        run.item_counts.succeeded,
        run.item_counts.failed > 0,
        trace.status,
    )
}

#[test]
fn the_whole_responses_size_counts_whether_or_not_it_is_made() {
    for selector in [true, false] {
        // 1,400 characters: a response of exactly 2,000 bytes, within the limit.
        assert_eq!(
            outcome(selector, 1400),
            (3, false, ExecutionStatus::Succeeded),
            "ResultSelector: {selector}"
        );
        // One more: 2,001 bytes, States.DataLimitExceeded, live and replayed (the first
        // failure fails the Map Run, which tolerates none).
        assert_eq!(
            outcome(selector, 1401),
            (0, true, ExecutionStatus::Failed),
            "ResultSelector: {selector}"
        );
    }
}

#[test]
fn a_moved_payload_gives_the_output_a_copy_gave() {
    let sim = support::run(&definition(true), &scenario(5));
    let Ok(trace) = sim.child_trace(0, 1) else {
        panic!("a child trace")
    };
    let history = engine::history::to_aws_json(&trace.history, 0);
    let exited = history["events"].as_array().and_then(|events| {
        events
            .iter()
            .rev()
            .find_map(|e| e.pointer("/executionSucceededEventDetails/output").cloned())
    });
    let Some(Value::String(output)) = exited else {
        panic!("the child's output")
    };
    let output: Value = serde_json::from_str(&output).unwrap_or(Value::Null);
    assert_eq!(output["r"], json!({"v": "xxxxx", "at": "Work"}));
}
