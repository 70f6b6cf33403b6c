//! Execution histories in the shape of Step Functions' `GetExecutionHistory`.
//!
//! Events are recorded compactly (type name, ids, virtual time, details as JSON) and rendered as
//! AWS renders them: `{"events": [{"id", "previousEventId", "timestamp", "type",
//! "<kind>EventDetails": {…}}]}`, with inputs and outputs as JSON *strings* and timestamps as
//! epoch seconds.

use serde::Serialize;
use serde_json::{Map as JsonObject, Value};

/// One history event.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HistoryEvent {
    pub id: u32,
    pub previous_event_id: u32,
    /// Virtual milliseconds since the execution started the simulation (not epoch).
    pub time_ms: u64,
    /// The AWS event type, e.g. `TaskStateEntered`.
    pub kind: &'static str,
    /// The `…EventDetails` object, if the event type has one.
    pub details: Option<Value>,
}

/// The name of the details field for an event type (`TaskStateEntered` →
/// `stateEnteredEventDetails`), or `None` for types without details.
pub fn details_key(kind: &str) -> Option<&'static str> {
    if kind.ends_with("StateEntered") {
        return Some("stateEnteredEventDetails");
    }
    if kind.ends_with("StateExited") {
        return Some("stateExitedEventDetails");
    }
    Some(match kind {
        "ExecutionStarted" => "executionStartedEventDetails",
        "ExecutionSucceeded" => "executionSucceededEventDetails",
        "ExecutionFailed" => "executionFailedEventDetails",
        "ExecutionTimedOut" => "executionTimedOutEventDetails",
        "ExecutionAborted" => "executionAbortedEventDetails",
        "TaskScheduled" => "taskScheduledEventDetails",
        "TaskStarted" => "taskStartedEventDetails",
        "TaskSucceeded" => "taskSucceededEventDetails",
        "TaskFailed" => "taskFailedEventDetails",
        "TaskTimedOut" => "taskTimedOutEventDetails",
        "LambdaFunctionScheduled" => "lambdaFunctionScheduledEventDetails",
        "LambdaFunctionSucceeded" => "lambdaFunctionSucceededEventDetails",
        "LambdaFunctionFailed" => "lambdaFunctionFailedEventDetails",
        "LambdaFunctionTimedOut" => "lambdaFunctionTimedOutEventDetails",
        "MapStateStarted" => "mapStateStartedEventDetails",
        "MapIterationStarted" => "mapIterationStartedEventDetails",
        "MapIterationSucceeded" => "mapIterationSucceededEventDetails",
        "MapIterationFailed" => "mapIterationFailedEventDetails",
        "MapIterationAborted" => "mapIterationAbortedEventDetails",
        "MapRunStarted" => "mapRunStartedEventDetails",
        "MapRunFailed" => "mapRunFailedEventDetails",
        "EvaluationFailed" => "evaluationFailedEventDetails",
        _ => return None,
    })
}

/// Renders a history as `GetExecutionHistory` JSON. `start_epoch_ms` anchors virtual time 0.
pub fn to_aws_json(events: &[HistoryEvent], start_epoch_ms: i64) -> Value {
    let rendered: Vec<Value> = events
        .iter()
        .map(|e| {
            let mut object = JsonObject::new();
            object.insert("id".into(), Value::from(e.id));
            object.insert("previousEventId".into(), Value::from(e.previous_event_id));
            let epoch_ms =
                start_epoch_ms.saturating_add(i64::try_from(e.time_ms).unwrap_or(i64::MAX));
            object.insert("timestamp".into(), seconds(epoch_ms));
            object.insert("type".into(), Value::String(e.kind.to_string()));
            if let (Some(key), Some(details)) = (details_key(e.kind), &e.details) {
                object.insert(key.into(), details.clone());
            }
            Value::Object(object)
        })
        .collect();
    let mut root = JsonObject::new();
    root.insert("events".into(), Value::Array(rendered));
    Value::Object(root)
}

/// Epoch milliseconds as epoch seconds with a fraction (the API's timestamp form).
fn seconds(epoch_ms: i64) -> Value {
    let whole = epoch_ms.div_euclid(1000);
    let millis = epoch_ms.rem_euclid(1000);
    if millis == 0 {
        Value::from(whole)
    } else {
        // Built from text so the decimal is exact rather than the nearest binary fraction's
        // shortest form (the same digits either way, on every platform).
        serde_json::from_str(&format!("{whole}.{millis:03}")).unwrap_or(Value::from(whole))
    }
}

/// Builds an `…EventDetails` object from pairs, skipping `None` values.
pub fn details(pairs: &[(&str, Option<Value>)]) -> Value {
    let mut object = JsonObject::new();
    for (key, value) in pairs {
        if let Some(v) = value {
            object.insert((*key).to_string(), v.clone());
        }
    }
    Value::Object(object)
}

/// `{"truncated": false}`.
pub fn not_truncated() -> Value {
    let mut object = JsonObject::new();
    object.insert("truncated".into(), Value::Bool(false));
    Value::Object(object)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn renders_aws_shape() {
        let events = vec![
            HistoryEvent {
                id: 1,
                previous_event_id: 0,
                time_ms: 0,
                kind: "ExecutionStarted",
                details: Some(json!({"input": "{}"})),
            },
            HistoryEvent {
                id: 2,
                previous_event_id: 1,
                time_ms: 1500,
                kind: "LambdaFunctionStarted",
                details: None,
            },
        ];
        let rendered = to_aws_json(&events, 1_704_067_200_000);
        assert_eq!(
            rendered,
            json!({"events": [
                {"id": 1, "previousEventId": 0, "timestamp": 1704067200, "type": "ExecutionStarted",
                 "executionStartedEventDetails": {"input": "{}"}},
                {"id": 2, "previousEventId": 1, "timestamp": 1704067201.5, "type": "LambdaFunctionStarted"}
            ]})
        );
        assert_eq!(
            details_key("MapStateEntered"),
            Some("stateEnteredEventDetails")
        );
        assert_eq!(details_key("TaskStateAborted"), None);
    }
}
