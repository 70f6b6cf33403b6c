//! `mapsim metrics DEFINITION [--scenario F] [--period S] [--metric NS/Name] [--stat STAT]`:
//! runs the execution to its end and prints the CloudWatch metrics it would have published,
//! in `GetMetricData`'s shape (exit status as `mapsim run`; 2 for a request mapsim cannot
//! answer).

use std::ffi::OsString;
use std::io::Write;

use cloudwatch::Statistic;
use engine::monitor::{self, MetricId};
use engine::sim::{ExecutionStatus, SimOptions};
use serde_json::{Map as JsonObject, Value};

use crate::run::{prepare, simulation, Arg, Common};
use crate::Outcome;

const USAGE: &str = "\
usage: mapsim metrics DEFINITION [--scenario FILE] [--seed N] [--period S] [--metric NS/NAME]...
                     [--dimension NAME=VALUE] [--stat STAT] [--scan-by TimestampAscending|TimestampDescending]

  prints {\"MetricDataResults\": [{\"Id\", \"Label\", \"Timestamps\", \"Values\", \"StatusCode\"}]}
  as `aws cloudwatch get-metric-data` would, for the metrics the simulated run published:
  AWS/States per StateMachineArn (the parent, and each Distributed Map's children under
  …:stateMachine:mapsim/<label>), per LambdaFunctionArn and per ServiceIntegrationResourceArn;
  AWS/Lambda per FunctionName. Timestamps are virtual times (RFC 3339), newest first.

  --period S        seconds per datapoint: 1, 5, 10, 20, 30 or a multiple of 60 (default 60)
  --metric NS/NAME  e.g. AWS/States/ExecutionsFailed (repeatable; default: every metric)
  --dimension N=V   only the metrics with this dimension value
  --stat STAT       Sum (default), Average, Minimum, Maximum, SampleCount, or pNN (p99, p99.9)

exit status: 0 the execution SUCCEEDED, 1 it did not, 2 the input or the request could not be used
";

pub fn main(args: Vec<OsString>) -> Outcome {
    let mut parser = lexopt::Parser::from_args(args);
    let mut common = Common::default();
    let mut period: u64 = 60;
    let mut wanted: Vec<(String, String)> = Vec::new();
    let mut dimension: Option<(String, String)> = None;
    let mut stat = Statistic::Sum;
    let mut ascending = false;
    loop {
        let arg = match Arg::next(&mut parser) {
            Ok(Some(arg)) => arg,
            Ok(None) => break,
            Err(e) => return usage_error(&e),
        };
        match common.accept(&arg, &mut parser) {
            Ok(true) => continue,
            Ok(false) => {}
            Err(message) => return usage_error(&message),
        }
        let value = |parser: &mut lexopt::Parser| -> Result<String, String> {
            parser
                .value()
                .map(|v| v.to_string_lossy().into_owned())
                .map_err(|e| e.to_string())
        };
        match arg {
            Arg::Long(l) if l == "period" => {
                let text = match value(&mut parser) {
                    Ok(t) => t,
                    Err(e) => return usage_error(&e),
                };
                period = match text.parse() {
                    Ok(p) => p,
                    Err(_) => {
                        return usage_error(&format!("--period must be seconds, not {text:?}"))
                    }
                };
                if let Err(e) = monitor::check_period(period) {
                    return usage_error(&format!("--period: {e}"));
                }
            }
            Arg::Long(l) if l == "metric" => {
                let text = match value(&mut parser) {
                    Ok(t) => t,
                    Err(e) => return usage_error(&e),
                };
                match text.rsplit_once('/') {
                    Some((ns, name)) if !ns.is_empty() && !name.is_empty() => {
                        wanted.push((ns.to_string(), name.to_string()));
                    }
                    _ => {
                        return usage_error(&format!(
                            "--metric must be NAMESPACE/NAME such as AWS/States/ExecutionsFailed, not {text:?}"
                        ))
                    }
                }
            }
            Arg::Long(l) if l == "dimension" => {
                let text = match value(&mut parser) {
                    Ok(t) => t,
                    Err(e) => return usage_error(&e),
                };
                match text.split_once('=') {
                    Some((n, v)) => dimension = Some((n.to_string(), v.to_string())),
                    None => {
                        return usage_error(&format!(
                            "--dimension must be NAME=VALUE, not {text:?}"
                        ))
                    }
                }
            }
            Arg::Long(l) if l == "stat" => {
                let text = match value(&mut parser) {
                    Ok(t) => t,
                    Err(e) => return usage_error(&e),
                };
                stat = match Statistic::parse(&text) {
                    Some(s) => s,
                    None => return usage_error(&format!(
                        "--stat must be Sum, Average, Minimum, Maximum, SampleCount or a percentile such as p99, not {text:?}"
                    )),
                };
            }
            Arg::Long(l) if l == "scan-by" => {
                let text = match value(&mut parser) {
                    Ok(t) => t,
                    Err(e) => return usage_error(&e),
                };
                ascending = match text.as_str() {
                    "TimestampAscending" => true,
                    "TimestampDescending" => false,
                    _ => {
                        return usage_error(&format!(
                        "--scan-by must be TimestampAscending or TimestampDescending, not {text:?}"
                    ))
                    }
                };
            }
            Arg::Short('h') => {
                print!("{USAGE}");
                return Outcome::Success;
            }
            Arg::Long(l) if l == "help" => {
                print!("{USAGE}");
                return Outcome::Success;
            }
            other => return usage_error(&other.unexpected()),
        }
    }
    if common.definition.is_none() {
        return usage_error("no DEFINITION given");
    }
    for (ns, name) in &wanted {
        // The dimension is not known yet: check the name alone.
        let problems = monitor::check_metric(ns, name, &[], "");
        if let Some(p) = problems.iter().find(|p| p.pointer == "/MetricName") {
            return usage_error(&format!("--metric {ns}/{name}: {}", p.message));
        }
    }
    let Some(prepared) = prepare(&common) else {
        return Outcome::Unusable;
    };
    let Some(mut sim) = simulation(
        &prepared,
        SimOptions {
            attempt_log: true,
            ..SimOptions::default()
        },
    ) else {
        return Outcome::Unusable;
    };
    let status = sim.run().status;
    let metrics: Vec<MetricId> = monitor::metrics(&sim)
        .into_iter()
        .filter(|m| {
            wanted.is_empty()
                || wanted
                    .iter()
                    .any(|(ns, name)| m.namespace == *ns && m.name == *name)
        })
        .filter(|m| {
            dimension
                .as_ref()
                .is_none_or(|d| m.dimensions.iter().any(|x| x == d))
        })
        .collect();
    let until = sim.now_ms();
    let mut results = Vec::new();
    for (i, metric) in metrics.iter().enumerate() {
        let points = match monitor::datapoints(&sim, metric, stat, period, until) {
            Ok(p) => p,
            Err(e) => return usage_error(&e.to_string()),
        };
        let mut pairs: Vec<(i64, f64)> = points
            .values
            .iter()
            .enumerate()
            .filter_map(|(k, v)| v.map(|v| (points.period_start(k), v)))
            .collect();
        if !ascending {
            pairs.reverse();
        }
        let same_name = metrics.iter().filter(|m| m.name == metric.name).count() > 1;
        let label = if same_name {
            let value = metric.dimensions.first().map_or("", |(_, v)| v.as_str());
            format!("{} {value}", metric.name)
        } else {
            metric.name.clone()
        };
        let mut o = JsonObject::new();
        o.insert("Id".into(), Value::String(format!("m{i}")));
        o.insert("Label".into(), Value::String(label));
        o.insert(
            "Timestamps".into(),
            Value::Array(
                pairs
                    .iter()
                    .map(|(t, _)| Value::String(cloudwatch::rfc3339(*t)))
                    .collect(),
            ),
        );
        o.insert(
            "Values".into(),
            Value::Array(pairs.iter().map(|(_, v)| number(*v)).collect()),
        );
        o.insert("StatusCode".into(), Value::String("Complete".into()));
        results.push(Value::Object(o));
    }
    let mut document = JsonObject::new();
    document.insert("MetricDataResults".into(), Value::Array(results));
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let _ = writeln!(
        out,
        "{}",
        serde_json::to_string_pretty(&Value::Object(document)).unwrap_or_default()
    );
    let _ = out.flush();
    if status == ExecutionStatus::Succeeded {
        Outcome::Success
    } else {
        Outcome::Failure
    }
}

/// A datapoint as JSON: whole numbers without a fraction.
fn number(v: f64) -> Value {
    if v.fract() == 0.0 && v.abs() < 9.0e15 {
        Value::from(v as i64)
    } else {
        serde_json::Number::from_f64(v).map_or(Value::Null, Value::Number)
    }
}

fn usage_error(message: &str) -> Outcome {
    eprintln!("mapsim metrics: {message}\n");
    eprint!("{USAGE}");
    Outcome::Unusable
}
