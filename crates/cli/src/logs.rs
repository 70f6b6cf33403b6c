//! `mapsim logs DEFINITION [--scenario F] --query 'QUERY'`: runs the execution to its end and
//! a CloudWatch Logs Insights query (mapsim's subset) over the log lines the deployment would
//! have written, printed in `GetQueryResults`' shape. A query outside the subset exits 2 with
//! the line and column of the problem.

use std::ffi::OsString;
use std::io::Write;

use engine::monitor::logs::LogView;
use engine::scenario::LogLevel;
use engine::sim::SimOptions;
use serde_json::{Map as JsonObject, Value};

use crate::run::{prepare, simulation, Arg, Common};
use crate::Outcome;

const USAGE: &str = "\
usage: mapsim logs DEFINITION [--scenario FILE] [--seed N] --query QUERY [--level ALL|ERROR|FATAL|OFF]

  runs a CloudWatch Logs Insights query over the simulated run's log lines and prints
  {\"status\": \"Complete\", \"results\": [[{\"field\", \"value\"}, …], …], \"statistics\": {…}}
  as `aws logs get-query-results` would. The lines: Step Functions' execution events in
  /aws/vendedlogs/states/mapsim-Logs at the scenario's `logging.level` (or --level), and each
  failing Lambda attempt's error line in /aws/lambda/<FunctionName>.
  The subset: fields, filter, parse, stats (count, sum, avg, min, max; by fields and bin()),
  sort, limit, display; anything else is refused by name.

exit status: 0 the query ran, 2 the input or the query could not be used
";

pub fn main(args: Vec<OsString>) -> Outcome {
    let mut parser = lexopt::Parser::from_args(args);
    let mut common = Common::default();
    let mut query: Option<String> = None;
    let mut level: Option<LogLevel> = None;
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
        match arg {
            Arg::Long(l) if l == "query" => match parser.value() {
                Ok(v) => query = Some(v.to_string_lossy().into_owned()),
                Err(e) => return usage_error(&e.to_string()),
            },
            Arg::Long(l) if l == "level" => {
                let text = match parser.value() {
                    Ok(v) => v.to_string_lossy().into_owned(),
                    Err(e) => return usage_error(&e.to_string()),
                };
                level = Some(match text.as_str() {
                    "ALL" => LogLevel::All,
                    "ERROR" => LogLevel::Error,
                    "FATAL" => LogLevel::Fatal,
                    "OFF" => LogLevel::Off,
                    _ => {
                        return usage_error(&format!(
                            "--level must be ALL, ERROR, FATAL or OFF, not {text:?}"
                        ))
                    }
                });
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
    let Some(query) = query else {
        return usage_error("no --query given");
    };
    // The query is checked before the run: a typo costs no simulation.
    let parsed = match insights::parse(&query) {
        Ok(q) => q,
        Err(e) => {
            eprintln!("query:{}:{}: error: {}", e.line, e.column, e.message);
            return Outcome::Unusable;
        }
    };
    let Some(mut prepared) = prepare(&common) else {
        return Outcome::Unusable;
    };
    if let Some(level) = level {
        prepared.scenario.log_level = level;
    }
    let Some(mut sim) = simulation(
        &prepared,
        SimOptions {
            attempt_log: true,
            ..SimOptions::default()
        },
    ) else {
        return Outcome::Unusable;
    };
    sim.run();
    let view = LogView::new(&sim);
    let result = engine::monitor::logs::run_query(&parsed, &view);
    let rows: Vec<Value> = result
        .rows
        .iter()
        .map(|row| {
            Value::Array(
                row.iter()
                    .map(|(field, value)| {
                        let mut o = JsonObject::new();
                        o.insert("field".into(), Value::String(field.clone()));
                        o.insert("value".into(), Value::String(value.clone()));
                        Value::Object(o)
                    })
                    .collect(),
            )
        })
        .collect();
    let mut statistics = JsonObject::new();
    statistics.insert("recordsMatched".into(), Value::from(result.records_matched));
    statistics.insert("recordsScanned".into(), Value::from(result.records_scanned));
    let mut document = JsonObject::new();
    document.insert("status".into(), Value::String("Complete".into()));
    document.insert("results".into(), Value::Array(rows));
    document.insert("statistics".into(), Value::Object(statistics));
    if view.dropped > 0 {
        eprintln!(
            "mapsim logs: {} lines past the first {} were not kept",
            view.dropped,
            engine::monitor::logs::MAX_LOG_LINES
        );
    }
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let _ = writeln!(
        out,
        "{}",
        serde_json::to_string_pretty(&Value::Object(document)).unwrap_or_default()
    );
    let _ = out.flush();
    Outcome::Success
}

fn usage_error(message: &str) -> Outcome {
    eprintln!("mapsim logs: {message}\n");
    eprint!("{USAGE}");
    Outcome::Unusable
}
