//! The engine's benchmark: the reference workload (`benches/reference/`) from 10,000 to
//! 1,000,000 items, one process per size so each row's peak memory is its own.
//!
//! ```text
//! cargo run --release -p engine --example bench                 # the table
//! cargo run --release -p engine --example bench -- --sizes 1000000 --repeat 3
//! cargo run --release -p engine --example bench -- --attempt-log   # with the monitoring log
//! ```
//!
//! Prints, per size: events processed, wall time of the run (set-up separately), time per event
//! and per item, items per second, and peak resident memory (`VmHWM` from /proc/self/status).
//! A benchmark, not a test: it measures and prints, it asserts nothing.
// Measuring needs the wall clock, which the engine itself never reads.
#![allow(clippy::disallowed_methods, clippy::disallowed_types)]

use std::process::Command;
use std::time::Instant;

use engine::scenario::{self, Items};
use engine::sim::{SimOptions, Simulation};

const DEFINITION: &str = include_str!("../benches/reference/definition.asl.json");
const SCENARIO: &str = include_str!("../benches/reference/scenario.json");
const DEFAULT_SIZES: [u64; 6] = [10_000, 30_000, 100_000, 300_000, 600_000, 1_000_000];

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let attempt_log = args.iter().any(|a| a == "--attempt-log");
    if let Some(i) = args.iter().position(|a| a == "--child") {
        let items = args
            .get(i + 1)
            .and_then(|v| v.parse().ok())
            .unwrap_or(1_000_000);
        child(items, attempt_log);
        return;
    }
    let sizes: Vec<u64> = match args.iter().position(|a| a == "--sizes") {
        Some(i) => args
            .get(i + 1)
            .map(|v| v.split(',').filter_map(|s| s.trim().parse().ok()).collect())
            .unwrap_or_default(),
        None => DEFAULT_SIZES.to_vec(),
    };
    let repeat: usize = args
        .iter()
        .position(|a| a == "--repeat")
        .and_then(|i| args.get(i + 1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(1)
        .max(1);
    let Ok(exe) = std::env::current_exe() else {
        eprintln!("bench: cannot find its own executable");
        std::process::exit(2);
    };
    println!("mapsim engine benchmark — reference workload (crates/engine/benches/reference)");
    println!(
        "Distributed Map, 3 Lambda Tasks per child, 5 % transient errors (Retry, FULL jitter), \
         0.5 % permanent errors (Catch), MaxConcurrency 1,000, Lambda concurrency 800{}",
        if attempt_log {
            "; with the attempt log (metrics)"
        } else {
            ""
        }
    );
    println!(
        "{:>10} {:>12} {:>9} {:>9} {:>10} {:>9} {:>12} {:>11}  result",
        "items", "events", "setup s", "run s", "ns/event", "µs/item", "items/s", "peak RSS MB"
    );
    for size in sizes {
        let mut best: Option<Row> = None;
        for _ in 0..repeat {
            let mut command = Command::new(&exe);
            command.args(["--child", &size.to_string()]);
            if attempt_log {
                command.arg("--attempt-log");
            }
            let output = command.output();
            let row = match output {
                Ok(o) if o.status.success() => Row::parse(&String::from_utf8_lossy(&o.stdout)),
                Ok(o) => {
                    eprintln!(
                        "bench: size {size} failed: {}",
                        String::from_utf8_lossy(&o.stderr)
                    );
                    None
                }
                Err(e) => {
                    eprintln!("bench: cannot run a child process: {e}");
                    None
                }
            };
            if let Some(row) = row {
                if best.as_ref().is_none_or(|b| row.run_s < b.run_s) {
                    best = Some(row);
                }
            }
        }
        if let Some(r) = best {
            println!(
                "{:>10} {:>12} {:>9.3} {:>9.3} {:>10.1} {:>9.3} {:>12.0} {:>11.1}  {}",
                r.items,
                r.events,
                r.setup_s,
                r.run_s,
                r.run_s * 1e9 / r.events.max(1) as f64,
                r.run_s * 1e6 / r.items.max(1) as f64,
                r.items as f64 / r.run_s.max(1e-9),
                r.rss_kb as f64 / 1024.0,
                r.result
            );
        }
    }
}

struct Row {
    items: u64,
    events: u64,
    setup_s: f64,
    run_s: f64,
    rss_kb: u64,
    result: String,
}

impl Row {
    fn parse(line: &str) -> Option<Row> {
        let v: serde_json::Value = serde_json::from_str(line.trim()).ok()?;
        Some(Row {
            items: v["items"].as_u64()?,
            events: v["events"].as_u64()?,
            setup_s: v["setup_s"].as_f64()?,
            run_s: v["run_s"].as_f64()?,
            rss_kb: v["rss_kb"].as_u64()?,
            result: v["result"].as_str()?.to_string(),
        })
    }
}

/// One measurement, printed as a JSON line for the parent process.
fn child(items: u64, attempt_log: bool) {
    let started = Instant::now();
    let loaded = asl::load(DEFINITION, &asl::LoadOptions::default());
    let Some(model) = loaded.runnable() else {
        eprintln!(
            "the reference definition has errors: {:?}",
            loaded.diagnostics
        );
        std::process::exit(2);
    };
    let mut scenario = match scenario::parse(SCENARIO) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("the reference scenario has errors: {e:?}");
            std::process::exit(2);
        }
    };
    scenario.items = Some(Items::Count(items));
    let options = SimOptions {
        attempt_log,
        ..SimOptions::default()
    };
    let mut sim = match Simulation::new(model, &scenario, options) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(2);
        }
    };
    let setup_s = started.elapsed().as_secs_f64();
    let run_started = Instant::now();
    let status = sim.run().status;
    let run_s = run_started.elapsed().as_secs_f64();
    let result = format!(
        "{} after {} virtual",
        status.as_str(),
        engine::sim::clock_text(sim.now_ms())
    );
    let line = serde_json::json!({
        "items": items,
        "events": sim.events_processed(),
        "setup_s": setup_s,
        "run_s": run_s,
        "rss_kb": peak_rss_kb(),
        "result": result,
    });
    println!("{line}");
}

/// Peak resident set size of this process (`VmHWM`), in kB; 0 where /proc is unavailable.
fn peak_rss_kb() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse().ok())
        })
        .unwrap_or(0)
}
