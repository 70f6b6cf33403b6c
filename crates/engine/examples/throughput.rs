//! Simulator throughput on any definition + scenario: runs it `--warmup` times untimed, then
//! `--repeat` times (seeds 1…R) timed, and prints items per second. Each run is the whole of
//! what a user of the engine pays: setting the simulation up from the parsed definition and
//! scenario, running it to the end, and dropping it (with its history).
//! `bench/local-stepfunctions/compare.mjs` uses it to put mapsim beside aws-local-stepfunctions
//! on the same Inline Map workload.
//!
//! ```text
//! cargo run --release -p engine --example throughput -- DEFINITION SCENARIO --items N [--repeat R] [--warmup W]
//! ```
//!
//! A benchmark, not a test: it measures and prints, it asserts nothing.
// Measuring needs the wall clock, which the engine itself never reads.
#![allow(clippy::disallowed_methods, clippy::disallowed_types)]

use std::time::Instant;

use engine::scenario;
use engine::sim::{SimOptions, Simulation};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let flag = |name: &str| -> Option<u64> {
        let i = args.iter().position(|a| a == name)?;
        args.get(i + 1)?.parse().ok()
    };
    let (Some(definition_path), Some(scenario_path), Some(items)) =
        (args.first(), args.get(1), flag("--items"))
    else {
        eprintln!("usage: throughput DEFINITION SCENARIO --items N [--repeat R] [--warmup W]");
        std::process::exit(2);
    };
    let repeat = flag("--repeat").unwrap_or(5).max(1);
    let warmup = flag("--warmup").unwrap_or(0);
    let read = |path: &str| {
        std::fs::read_to_string(path).unwrap_or_else(|e| {
            eprintln!("throughput: cannot read {path}: {e}");
            std::process::exit(2)
        })
    };
    let loaded = asl::load(&read(definition_path), &asl::LoadOptions::default());
    let Some(model) = loaded.runnable() else {
        eprintln!("throughput: {definition_path} has errors");
        std::process::exit(2);
    };
    let scenario_text = read(scenario_path);
    let Ok(mut scenario) = scenario::parse(&scenario_text) else {
        eprintln!("throughput: {scenario_path} is not a usable scenario");
        std::process::exit(2);
    };
    let mut run = |seed: u64| {
        scenario.seed = seed;
        let Ok(mut sim) = Simulation::new(model, &scenario, SimOptions::default()) else {
            eprintln!("throughput: the scenario does not fit the definition");
            std::process::exit(2);
        };
        let status = sim.run().status.as_str();
        (status, sim.events_processed())
    };
    for seed in 1..=warmup {
        run(1_000_000 + seed);
    }
    let started = Instant::now();
    let mut events = 0;
    let mut statuses = std::collections::BTreeMap::new();
    for seed in 1..=repeat {
        let (status, processed) = run(seed);
        *statuses.entry(status).or_insert(0u64) += 1;
        events += processed;
    }
    let seconds = started.elapsed().as_secs_f64();
    let total_items = items * repeat;
    println!(
        "mapsim: {repeat} runs × {items} items = {total_items} items, {events} events in {seconds:.3} s \
         = {:.0} items/s ({statuses:?})",
        total_items as f64 / seconds
    );
}
