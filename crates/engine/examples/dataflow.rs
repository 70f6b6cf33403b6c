//! The data-flow benchmark set (issue 11): realistic data flow — catchers writing
//! `ResultPath: "$.error"`, Pass states with `Result` + `ResultPath`, Tasks whose `Parameters`
//! are built from the item with intrinsics, `ResultSelector` / `ResultPath` / `OutputPath`, a
//! Distributed Map's `ItemSelector`, the same in JSONata, and a real-world definition from
//! `../shared/asl-corpus` — each at items of about 100 B, 1 KB and 10 KB, made here and given as
//! the execution input's `items` (the corpus definition's ItemReader file: `items.values`). Prints items per second and nanoseconds per state entered,
//! and the cost of a state that writes one key with `ResultPath` over one that passes the item
//! through (the same run of this command).
//!
//! ```text
//! cargo run --release -p engine --example dataflow -- [--items N] [--min-seconds S] [--only NAME]
//! ```
//!
//! The workloads are `bench/dataflow/NAME.asl.json` + `NAME.scenario.json`; `corpus-migrate-csv`
//! reads its definition from `../shared/asl-corpus` and is skipped when that is not there.
//! `bench/local-stepfunctions/compare.mjs --dataflow` runs the Inline Map ones beside
//! aws-local-stepfunctions. A benchmark, not a test: it measures and prints, it asserts nothing.
// Measuring needs the wall clock, which the engine itself never reads.
#![allow(clippy::disallowed_methods, clippy::disallowed_types)]

use std::path::{Path, PathBuf};
use std::time::Instant;

use engine::scenario;
use engine::sim::{SimOptions, Simulation};
use serde_json::{json, Value};

/// The workloads, in the order printed: (name, where its definition is).
const WORKLOADS: &[(&str, &str)] = &[
    ("pass-through", "bench/dataflow/pass-through.asl.json"),
    ("pass-result-path", "bench/dataflow/pass-result-path.asl.json"),
    ("catch-error-path", "bench/dataflow/catch-error-path.asl.json"),
    ("task-parameters", "bench/dataflow/task-parameters.asl.json"),
    ("jsonata", "bench/dataflow/jsonata.asl.json"),
    (
        "distributed-item-selector",
        "bench/dataflow/distributed-item-selector.asl.json",
    ),
    (
        "corpus-migrate-csv",
        "../shared/asl-corpus/aws-samples/step-functions-workflows-collection/migrate-csv-to-ddb-distributed-map-main/statemachine/statemachine.asl.json",
    ),
];

const SIZES: [usize; 3] = [100, 1_000, 10_000];

/// Item `i` of about `size` bytes of JSON: the fields the workloads read, and padding.
pub fn item(i: usize, size: usize) -> Value {
    let mut item = json!({
        "index": i,
        "id": format!("item-{i:06}"),
        "name": format!("name {i}"),
        "tags": ["red", "green", "blue"],
        "meta": "{\"weight\":3,\"fragile\":false}",
        "pad": "",
    });
    let have = serde_json::to_string(&item).map_or(0, |t| t.len());
    item["pad"] = Value::String("x".repeat(size.saturating_sub(have)));
    item
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let value = |name: &str| -> Option<&str> {
        let i = args.iter().position(|a| a == name)?;
        args.get(i + 1).map(String::as_str)
    };
    let items: usize = value("--items")
        .and_then(|v| v.parse().ok())
        .unwrap_or(1000);
    let min_seconds: f64 = value("--min-seconds")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0.5);
    let only = value("--only");
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");

    println!("mapsim data-flow benchmark — {items} items per execution, each workload × item size run for at least {min_seconds} s");
    println!(
        "{:<27} {:>7} {:>9} {:>12} {:>9} {:>10}  result",
        "workload", "item B", "runs", "items/s", "states", "ns/state"
    );
    let mut per_state = std::collections::BTreeMap::new();
    for (name, definition) in WORKLOADS {
        if only.is_some_and(|o| o != *name) {
            continue;
        }
        let definition_path = root.join(definition);
        let Ok(text) = std::fs::read_to_string(&definition_path) else {
            println!(
                "{name:<27} skipped: {} is not there",
                definition_path.display()
            );
            continue;
        };
        let loaded = asl::load(&text, &asl::LoadOptions::default());
        let Some(model) = loaded.runnable() else {
            println!("{name:<27} skipped: the definition has errors");
            continue;
        };
        let scenario_path = root.join(format!("bench/dataflow/{name}.scenario.json"));
        let Some(base) = read_json(&scenario_path) else {
            println!(
                "{name:<27} skipped: cannot read {}",
                scenario_path.display()
            );
            continue;
        };
        for size in SIZES {
            let mut doc = base.clone();
            let values: Vec<Value> = (0..items).map(|i| item(i, size)).collect();
            if name.starts_with("corpus-") {
                // Its ItemReader's file: the scenario's values stand in for it.
                doc["items"] = json!({ "values": values });
            } else {
                // The Map's ItemsPath over the execution input, as in AWS.
                let mut input = doc.get("input").cloned().unwrap_or_else(|| json!({}));
                input["items"] = Value::Array(values);
                doc["input"] = input;
            }
            let Ok(scenario) = scenario::from_value(&doc) else {
                println!("{name:<27} skipped: the scenario is not usable");
                break;
            };
            match measure(model, &scenario, items, min_seconds) {
                Ok(m) => {
                    println!(
                        "{name:<27} {size:>7} {:>9} {:>12.0} {:>9} {:>10.1}  {}",
                        m.runs, m.items_per_second, m.states_per_run, m.ns_per_state, m.status
                    );
                    per_state.insert((name.to_string(), size), m.ns_per_state);
                }
                Err(e) => println!("{name:<27} {size:>7} failed to set up: {e}"),
            }
        }
    }
    println!();
    for size in SIZES {
        let (Some(write), Some(pass)) = (
            per_state.get(&("pass-result-path".to_string(), size)),
            per_state.get(&("pass-through".to_string(), size)),
        ) else {
            continue;
        };
        println!(
            "a state writing one key with ResultPath over one passing the item through, {size} B items: {write:.1} / {pass:.1} ns = {:.2}× (target ≤ 1.5×)",
            write / pass
        );
    }
}

fn read_json(path: &Path) -> Option<Value> {
    serde_json::from_str(&std::fs::read_to_string(path).ok()?).ok()
}

struct Measured {
    runs: u64,
    items_per_second: f64,
    states_per_run: u64,
    ns_per_state: f64,
    status: String,
}

/// Runs seeds 1, 2, … until `min_seconds` have passed (after two untimed runs).
fn measure(
    model: &asl::StateMachine,
    scenario: &scenario::Scenario,
    items: usize,
    min_seconds: f64,
) -> Result<Measured, String> {
    let mut scenario = scenario.clone();
    let mut run = |seed: u64| -> Result<(u64, String), String> {
        scenario.seed = seed;
        let mut sim =
            Simulation::new(model, &scenario, SimOptions::default()).map_err(|e| e.to_string())?;
        let status = sim.run().status.as_str().to_string();
        let states: u64 = sim.state_stats().iter().map(|s| s.entered).sum();
        Ok((states, status))
    };
    run(1_000_001)?;
    run(1_000_002)?;
    let started = Instant::now();
    let (mut runs, mut states, mut status) = (0u64, 0u64, String::new());
    while runs < 3 || started.elapsed().as_secs_f64() < min_seconds {
        runs += 1;
        let (s, st) = run(runs)?;
        states += s;
        status = st;
    }
    let seconds = started.elapsed().as_secs_f64();
    Ok(Measured {
        runs,
        items_per_second: (runs as f64 * items as f64) / seconds,
        states_per_run: states / runs,
        ns_per_state: seconds * 1e9 / states.max(1) as f64,
        status,
    })
}
