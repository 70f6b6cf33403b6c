//! The monitoring benchmark: the reference workload (`benches/reference/`) with two alarms
//! and execution logs on, natively. Prints the run's time, then what CloudWatch's side costs
//! over it: evaluating the alarms, every metric at 60 s, the log view (lines and bytes), and
//! two Logs Insights queries over it.
//!
//! ```text
//! cargo run --release -p engine --example monitor_bench                       # 1,000,000 items
//! cargo run --release -p engine --example monitor_bench -- --items 100000 --level ERROR
//! ```
//!
//! A benchmark, not a test: it measures and prints, it asserts nothing. Compare its run time
//! with `--example bench` (the same workload without alarms) to see the cost of the attempt
//! log the engine keeps for the metrics.
// Measuring needs the wall clock, which the engine itself never reads.
#![allow(clippy::disallowed_methods, clippy::disallowed_types)]

use std::time::Instant;

use cloudwatch::Statistic;
use engine::monitor::{self, logs::LogView};
use engine::scenario::{self, Items, LogLevel};
use engine::sim::{SimOptions, Simulation};

const DEFINITION: &str = include_str!("../benches/reference/definition.asl.json");
const SCENARIO: &str = include_str!("../benches/reference/scenario.json");

fn arg<T: std::str::FromStr>(args: &[String], name: &str) -> Option<T> {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .and_then(|v| v.parse().ok())
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let items: u64 = arg(&args, "--items").unwrap_or(1_000_000);
    let level = match arg::<String>(&args, "--level").as_deref() {
        Some("ALL") | None => LogLevel::All,
        Some("ERROR") => LogLevel::Error,
        Some("FATAL") => LogLevel::Fatal,
        Some(_) => LogLevel::Off,
    };
    let loaded = asl::load(DEFINITION, &asl::LoadOptions::default());
    let Some(model) = loaded.runnable() else {
        eprintln!("the reference definition has errors");
        std::process::exit(2);
    };
    let mut text: serde_json::Value = match serde_json::from_str(SCENARIO) {
        Ok(v) => v,
        Err(e) => {
            eprintln!("the reference scenario: {e}");
            std::process::exit(2);
        }
    };
    let children = monitor::child_machine_arn("ProcessAll");
    text["alarms"] = serde_json::json!([
        {"AlarmName": "HighFailureRate-DistributedMap", "Namespace": "AWS/States", "MetricName": "ExecutionsFailed",
         "Dimensions": [{"Name": "StateMachineArn", "Value": children}], "Statistic": "Sum",
         "Period": 300, "EvaluationPeriods": 2, "Threshold": 10, "ComparisonOperator": "GreaterThanThreshold",
         "TreatMissingData": "notBreaching"},
        {"AlarmName": "SlowValidate", "Namespace": "AWS/Lambda", "MetricName": "Duration",
         "Dimensions": [{"Name": "FunctionName", "Value": "validate"}], "ExtendedStatistic": "p99",
         "Period": 60, "EvaluationPeriods": 3, "DatapointsToAlarm": 2, "Threshold": 300,
         "ComparisonOperator": "GreaterThanThreshold", "TreatMissingData": "missing"}
    ]);
    let mut scenario = match scenario::from_value(&text) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("the scenario has errors: {e:?}");
            std::process::exit(2);
        }
    };
    scenario.items = Some(Items::Count(items));
    scenario.log_level = level;
    let mut sim = match Simulation::new(model, &scenario, SimOptions::default()) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(2);
        }
    };
    println!(
        "mapsim monitoring benchmark — reference workload, {items} items, two alarms, log level {}",
        level.as_str()
    );
    let t = Instant::now();
    let status = sim.run().status;
    let run_s = t.elapsed().as_secs_f64();
    println!(
        "run                {:>9.3} s   {} ({} attempts in the attempt log, {:.1} MB; beside the rows: {:?} failed, busy, ends, run changes)",
        run_s,
        status.as_str(),
        sim.attempts().len(),
        sim.attempts().bytes() as f64 / 1e6,
        sim.attempts().exceptions()
    );
    let t = Instant::now();
    let alarms = monitor::evaluate_alarms(&sim);
    println!(
        "alarms             {:>9.3} s   {}",
        t.elapsed().as_secs_f64(),
        alarms
            .iter()
            .map(|a| format!("{} {} ({} changes)", a.name, a.state, a.transitions.len()))
            .collect::<Vec<_>>()
            .join("; ")
    );
    let t = Instant::now();
    let metrics = monitor::metrics(&sim);
    let mut points = 0;
    for m in &metrics {
        if let Ok(d) = monitor::datapoints(&sim, m, Statistic::Sum, 60, sim.now_ms()) {
            points += d.values.iter().flatten().count();
        }
    }
    println!(
        "every metric, 60 s {:>9.3} s   {} metrics, {points} datapoints",
        t.elapsed().as_secs_f64(),
        metrics.len()
    );
    let t = Instant::now();
    let view = LogView::new(&sim);
    let lines = insights::LogSource::len(&view);
    println!(
        "log view           {:>9.3} s   {lines} lines ({} left out), {:.1} MB of rows",
        t.elapsed().as_secs_f64(),
        view.dropped,
        view.row_bytes() as f64 / 1e6
    );
    let t = Instant::now();
    let mut bytes = 0usize;
    for row in 0..lines {
        bytes += insights::LogSource::message(&view, row).len();
    }
    println!(
        "every line's text  {:>9.3} s   {:.1} MB of text, made as it is read",
        t.elapsed().as_secs_f64(),
        bytes as f64 / 1e6
    );
    for query in [
        "fields @timestamp, error_type | filter level = \"ERROR\" | stats count(*) as errors by error_type",
        "filter type like /Failed/ | stats count() as failures by bin(5m) | sort failures desc | limit 20",
    ] {
        let t = Instant::now();
        let Ok(parsed) = insights::parse(query) else {
            eprintln!("query does not parse: {query}");
            continue;
        };
        let result = insights::run(&parsed, &view);
        println!(
            "query              {:>9.3} s   {} rows, {} records scanned — {query}",
            t.elapsed().as_secs_f64(),
            result.rows.len(),
            result.records_scanned
        );
    }
}
