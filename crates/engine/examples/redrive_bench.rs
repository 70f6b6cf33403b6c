//! What a redrive costs: the reference workload (`benches/reference/`) with 1 % of its items
//! failing `Store` for good (an error nothing catches; some of them are caught earlier by
//! validation) and a ToleratedFailureCount of 98 % of them, so the Map Run fails late in its
//! run, and a redrive with `Store` fixed runs the failed, aborted and never-started children.
//! Prints the first run's time, the redrive's, and how many children ran again.
//!
//! ```text
//! cargo run --release -p engine --example redrive_bench            # 1,000,000 items
//! cargo run --release -p engine --example redrive_bench -- --items 100000
//! ```
//! A benchmark, not a test: it measures and prints, it asserts nothing.
// Measuring needs the wall clock, which the engine itself never reads.
#![allow(clippy::disallowed_methods, clippy::disallowed_types)]

use std::time::Instant;

use engine::scenario::{self, Items};
use engine::sim::{SimOptions, Simulation};

const DEFINITION: &str = include_str!("../benches/reference/definition.asl.json");
const SCENARIO: &str = include_str!("../benches/reference/scenario.json");

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let items: u64 = args
        .iter()
        .position(|a| a == "--items")
        .and_then(|i| args.get(i + 1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000);
    let failing = items / 100;
    let mut definition: serde_json::Value = match serde_json::from_str(DEFINITION) {
        Ok(v) => v,
        Err(e) => return eprintln!("the reference definition: {e}"),
    };
    if let Some(map) = definition.pointer_mut("/States/ProcessAll") {
        if let Some(map) = map.as_object_mut() {
            map.remove("ToleratedFailurePercentage");
            map.insert(
                "ToleratedFailureCount".into(),
                serde_json::Value::from(failing * 98 / 100),
            );
        }
    }
    let mut text: serde_json::Value = match serde_json::from_str(SCENARIO) {
        Ok(v) => v,
        Err(e) => return eprintln!("the reference scenario: {e}"),
    };
    if let Some(faults) = text["tasks"]["Store"]["faults"].as_array_mut() {
        faults.push(serde_json::json!({"error": "WarehouseDown", "items": {"fraction": 0.01}}));
    }
    let fixed = serde_json::json!({"latency": text["tasks"]["Store"]["latency"].clone(),
        "faults": [{ "error": "Lambda.ServiceException", "probability": 0.05 }]});
    text["redrives"] = serde_json::json!([{ "tasks": { "Store": fixed } }]);
    let loaded = asl::load(&definition.to_string(), &asl::LoadOptions::default());
    let Some(model) = loaded.runnable() else {
        return eprintln!("the definition has errors: {:?}", loaded.diagnostics);
    };
    let mut scenario = match scenario::from_value(&text) {
        Ok(s) => s,
        Err(e) => return eprintln!("the scenario has errors: {e:?}"),
    };
    scenario.items = Some(Items::Count(items));
    let mut sim = match Simulation::new(model, &scenario, SimOptions::default()) {
        Ok(s) => s,
        Err(e) => return eprintln!("{e}"),
    };
    println!(
        "mapsim redrive benchmark — reference workload, {items} items, {failing} failing Store for good"
    );
    let t = Instant::now();
    let first = sim.run().status;
    let first_s = t.elapsed().as_secs_f64();
    let run = &sim.map_runs()[0];
    let unsuccessful = run
        .children
        .iter()
        .filter(|c| c.status.as_str() != "SUCCEEDED")
        .count();
    println!(
        "first run        {first_s:>8.3} s   {} ({unsuccessful} children not succeeded: {} failed, {} aborted, {} never started)",
        first.as_str(),
        run.item_counts.failed,
        run.item_counts.aborted,
        run.item_counts.pending
    );
    let t = Instant::now();
    if let Err(e) = sim.redrive(model) {
        return eprintln!("redrive refused: {e}");
    }
    let setup_s = t.elapsed().as_secs_f64();
    let status = sim.run().status;
    let redrive_s = t.elapsed().as_secs_f64();
    println!(
        "redrive          {redrive_s:>8.3} s   {} ({:.1} % of the first run's time for {:.2} % of its children; {setup_s:.4} s to set it up)",
        status.as_str(),
        100.0 * redrive_s / first_s,
        100.0 * unsuccessful as f64 / items as f64
    );
}
