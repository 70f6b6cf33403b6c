//! Helpers: the shared corpus, building and running simulations, reading histories.

use std::path::PathBuf;

use engine::scenario;
use engine::sim::{SimOptions, Simulation};
use serde_json::Value;

/// The shared folder (`MAPSIM_SHARED`, or `../shared` beside the repository). `None` when
/// `MAPSIM_SHARED=none` says the corpus is deliberately absent: the calling test then says so
/// and checks nothing. Anywhere else a missing corpus fails the test, so it never silently skips.
pub fn shared() -> Option<PathBuf> {
    if let Ok(dir) = std::env::var("MAPSIM_SHARED") {
        if dir == "none" {
            eprintln!("SKIPPED: MAPSIM_SHARED=none — this test needs the shared corpus");
            return None;
        }
        return Some(PathBuf::from(dir));
    }
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .join("../shared");
    assert!(
        root.join("asl-corpus").is_dir(),
        "the shared corpus is not at {} — set MAPSIM_SHARED to the folder holding asl-corpus/",
        root.display()
    );
    Some(root)
}

/// A condensed AWS recording from `asl-corpus/_extracted` (`None`: the corpus is absent on purpose).
pub fn extracted(name: &str) -> Option<Value> {
    let path = shared()?.join("asl-corpus/_extracted").join(name);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    Some(serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display())))
}

/// Loads a definition (must be free of errors) into the model.
pub fn model(definition: &Value) -> asl::StateMachine {
    let loaded = asl::load(&definition.to_string(), &asl::LoadOptions::default());
    let errors: Vec<String> = loaded
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .map(|d| format!("{} {}", d.pointer, d.message))
        .collect();
    assert!(errors.is_empty(), "definition has errors: {errors:#?}");
    loaded.model.unwrap_or_else(|| panic!("no model"))
}

pub fn scenario(value: &Value) -> scenario::Scenario {
    scenario::from_value(value).unwrap_or_else(|e| panic!("scenario: {e:?}"))
}

/// Builds and runs to the end.
pub fn run(definition: &Value, scenario_value: &Value) -> Simulation {
    let options = SimOptions {
        parent_timeline: true,
        ..SimOptions::default()
    };
    let mut sim = Simulation::new(&model(definition), &scenario(scenario_value), options)
        .unwrap_or_else(|e| panic!("setup: {e}"));
    sim.run();
    sim
}

/// `(type, previousEventId)` of a simulated history.
pub fn sequence(history: impl AsRef<[engine::history::HistoryEvent]>) -> Vec<(String, u32)> {
    history
        .as_ref()
        .iter()
        .map(|e| (e.kind.to_string(), e.previous_event_id))
        .collect()
}

/// `(type, prev)` of a recorded history.
pub fn recorded_sequence(events: &Value) -> Vec<(String, u32)> {
    events
        .as_array()
        .unwrap_or_else(|| panic!("events"))
        .iter()
        .map(|e| {
            (
                e["type"].as_str().unwrap_or_default().to_string(),
                e["prev"].as_u64().unwrap_or(0) as u32,
            )
        })
        .collect()
}

/// Event types only.
pub fn types(sequence: &[(String, u32)]) -> Vec<String> {
    sequence.iter().map(|(t, _)| t.clone()).collect()
}

/// The events of record `i` of an extracted case.
pub fn record_events(case: &Value, i: usize) -> Value {
    case["records"][i]["recorded"]["get_execution_history"]["events"].clone()
}

/// The execution input recorded in a record's `ExecutionStarted`.
pub fn record_input(events: &Value) -> Value {
    let input = &events[0]["details"]["input"];
    match input {
        // Inputs that are not objects survive as JSON text.
        Value::String(text) => serde_json::from_str(text).unwrap_or(Value::String(text.clone())),
        other => other.clone(),
    }
}

/// Details of the simulated event `index`, with JSON strings in `input`/`output`/`parameters`
/// parsed back (the recordings store them parsed).
pub fn details(history: impl AsRef<[engine::history::HistoryEvent]>, index: usize) -> Value {
    let mut d = history
        .as_ref()
        .get(index)
        .and_then(|e| e.details.to_json())
        .unwrap_or(Value::Null);
    if let Value::Object(map) = &mut d {
        for key in ["input", "output", "parameters"] {
            if let Some(Value::String(text)) = map.get(key) {
                if let Ok(parsed) = serde_json::from_str::<Value>(text) {
                    map.insert(key.to_string(), parsed);
                }
            }
        }
    }
    d
}

/// Replaces `"Resource"` placeholders (`__tbd__`, `_tbd_`) with a Lambda function ARN.
pub fn with_lambda_resources(mut definition: Value) -> Value {
    fn walk(v: &mut Value) {
        match v {
            Value::Object(map) => {
                if let Some(Value::String(r)) = map.get("Resource") {
                    if r.contains("tbd") {
                        map.insert(
                            "Resource".into(),
                            Value::String(
                                "arn:aws:lambda:us-east-1:111111111111:function:fn".into(),
                            ),
                        );
                    }
                }
                for x in map.values_mut() {
                    walk(x);
                }
            }
            Value::Array(items) => items.iter_mut().for_each(walk),
            _ => {}
        }
    }
    walk(&mut definition);
    definition
}

/// Asserts two `(type, prev)` sequences are equal, showing both on failure.
pub fn assert_same_sequence(got: &[(String, u32)], recorded: &[(String, u32)], what: &str) {
    if got != recorded {
        let width = got.len().max(recorded.len());
        let mut table = String::new();
        for i in 0..width {
            let g = got
                .get(i)
                .map_or(String::from("—"), |(t, p)| format!("{t} ←{p}"));
            let r = recorded
                .get(i)
                .map_or(String::from("—"), |(t, p)| format!("{t} ←{p}"));
            let mark = if got.get(i) == recorded.get(i) {
                " "
            } else {
                "≠"
            };
            table.push_str(&format!("{:>3} {mark} {g:<40} {r}\n", i + 1));
        }
        panic!("{what}: history differs from the AWS recording (simulated | recorded):\n{table}");
    }
}
