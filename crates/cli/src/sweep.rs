//! `mapsim sweep DEFINITION [--scenario F] --vary POINTER=FROM:TO:STEP [--vary …] [--seeds K]
//! [--jobs J] [--format text|json]`: the probability of failure over one or two settings.

use std::ffi::OsString;
use std::io::Write;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use engine::sweep::{self, Axis, CellResult, Plan};
use serde_json::{json, Value};

use crate::run::{self, Arg, Common, Format, Prepared};
use crate::Outcome;

const USAGE: &str = "\
usage: mapsim sweep DEFINITION [--scenario FILE] --vary POINTER=FROM:TO:STEP [--vary ...]
                    [--seeds K] [--jobs J] [--format text|json] [--region REGION]

  --vary AXIS      POINTER=FROM:TO:STEP; POINTER is a JSON pointer into the definition
                   (/States/Map/ToleratedFailurePercentage) or, prefixed scenario:, into the
                   scenario (scenario:/tasks/Work/faults/0/probability). One or two axes.
  --seeds K        runs per cell, with the seeds S, S+1, … S+K−1 (S the scenario's seed);
                   default 20
  --jobs J         worker threads (default: the machine's cores); the results do not depend on it
  --format FORMAT  text (default) or json
  --region REGION  the prices of the mean cost

Each cell reports P(the execution fails) with its Wilson 95 % interval, P(the Map Run fails),
the closed form of P(the Map Run fails) where it holds (or why not), the median and p95
duration, the mean retries and the mean cost. At most 10,000 cells and 1,000,000 runs.

exit status: 0 the sweep ran, 2 the input could not be used
";

pub fn main(args: Vec<OsString>) -> Outcome {
    let mut parser = lexopt::Parser::from_args(args);
    let mut common = Common::default();
    let mut format = Format::Text;
    let mut axes: Vec<Axis> = Vec::new();
    let mut seeds: u32 = 20;
    let mut jobs: Option<usize> = None;
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
        let mut value = || {
            parser
                .value()
                .map(|v| v.to_string_lossy().into_owned())
                .map_err(|e| e.to_string())
        };
        match arg {
            Arg::Long(l) if l == "vary" => match value().and_then(|v| sweep::parse_axis(&v)) {
                Ok(axis) => axes.push(axis),
                Err(e) => return usage_error(&e),
            },
            Arg::Long(l) if l == "seeds" => {
                let text = match value() {
                    Ok(t) => t,
                    Err(e) => return usage_error(&e),
                };
                match text.parse::<u32>() {
                    Ok(k) if (1..=sweep::MAX_SEEDS).contains(&k) => seeds = k,
                    _ => {
                        return usage_error(&format!(
                            "--seeds must be a whole number from 1 to {}, not {text:?}",
                            sweep::MAX_SEEDS
                        ))
                    }
                }
            }
            Arg::Long(l) if l == "jobs" => {
                let text = match value() {
                    Ok(t) => t,
                    Err(e) => return usage_error(&e),
                };
                match text.parse::<usize>() {
                    Ok(j) if (1..=256).contains(&j) => jobs = Some(j),
                    _ => {
                        return usage_error(&format!(
                            "--jobs must be a whole number from 1 to 256, not {text:?}"
                        ))
                    }
                }
            }
            Arg::Long(l) if l == "format" => match value().as_deref() {
                Ok("text") => format = Format::Text,
                Ok("json") => format = Format::Json,
                Ok(other) => {
                    return usage_error(&format!("--format must be text or json, not {other:?}"))
                }
                Err(e) => return usage_error(e),
            },
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
    if axes.is_empty() {
        return usage_error("no --vary POINTER=FROM:TO:STEP given");
    }
    let Some(prepared) = run::prepare(&common) else {
        return Outcome::Unusable;
    };
    let plan = match plan(&prepared, &common, axes, seeds) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("mapsim sweep: {e}");
            return Outcome::Unusable;
        }
    };
    let jobs = jobs.unwrap_or_else(|| {
        std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get)
    });
    let cells = plan.cells();
    // Time one run before starting, to say so when the sweep will be long.
    let started = Instant::now();
    if let Some(first) = cells.first() {
        let one = Plan {
            seeds: 1,
            ..plan.clone()
        };
        if let Err(e) = one.run_cell(first, one.local_file().as_ref()) {
            eprintln!("mapsim sweep: {e}");
            return Outcome::Unusable;
        }
    }
    let per_run = started.elapsed().as_secs_f64();
    let estimate = per_run * plan.runs() as f64 / jobs.min(cells.len()).max(1) as f64;
    if estimate > 60.0 {
        eprintln!(
            "mapsim sweep: {} runs will take about {:.0} s on {jobs} worker{} (one run took {:.0} ms)",
            plan.runs(),
            estimate,
            if jobs == 1 { "" } else { "s" },
            per_run * 1000.0
        );
    }
    let results = match run_cells(&plan, &cells, jobs) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("mapsim sweep: {e}");
            return Outcome::Unusable;
        }
    };
    let text = match format {
        Format::Json => {
            serde_json::to_string_pretty(&document(&plan, &results)).unwrap_or_default()
        }
        Format::Text => text(&prepared, &plan, &results),
    };
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let _ = writeln!(out, "{text}");
    let _ = out.flush();
    Outcome::Success
}

/// The plan from the command line's documents: the definition as JSON, the scenario as written
/// (or the default one), `--seed` over its seed.
pub fn plan(
    prepared: &Prepared,
    common: &Common,
    axes: Vec<Axis>,
    seeds: u32,
) -> Result<Plan, String> {
    let definition = prepared
        .loaded
        .definition
        .clone()
        .ok_or_else(|| "the definition could not be read as JSON".to_string())?;
    let mut scenario = scenario_document(common)?;
    if let (Some(seed), Value::Object(map)) = (common.seed, &mut scenario) {
        map.insert("seed".into(), Value::from(seed));
    }
    let item_file = prepared
        .scenario
        .item_file
        .as_ref()
        .and_then(|f| f.bytes.as_ref())
        .map(|b| Arc::new(b.as_ref().clone()));
    Plan::new(
        definition,
        scenario,
        axes,
        seeds,
        item_file,
        run::cost_options(prepared, common),
    )
}

/// The scenario as a JSON document: the file's (already checked by `prepare`), or the default.
pub fn scenario_document(common: &Common) -> Result<Value, String> {
    match &common.scenario {
        None => Ok(json!({"items": {"count": 100}})),
        Some(file) => {
            let bytes = run::read(file)?;
            serde_json::from_slice(&bytes).map_err(|e| format!("the scenario: {e}"))
        }
    }
}

/// Runs every cell on `jobs` threads; each takes the next cell not yet taken, and the results
/// are put back in the cells' order, so they do not depend on `jobs`.
pub fn run_cells(plan: &Plan, cells: &[Vec<f64>], jobs: usize) -> Result<Vec<CellResult>, String> {
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<Option<Result<CellResult, String>>>> =
        Mutex::new(vec![None; cells.len()]);
    std::thread::scope(|scope| {
        for _ in 0..jobs.clamp(1, cells.len().max(1)) {
            scope.spawn(|| {
                let file = plan.local_file();
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(cell) = cells.get(i) else { break };
                    let result = plan.run_cell(cell, file.as_ref());
                    if let Ok(mut all) = results.lock() {
                        all[i] = Some(result);
                    }
                }
            });
        }
    });
    let all = results
        .into_inner()
        .map_err(|_| "a worker stopped".to_string())?;
    all.into_iter()
        .map(|r| r.unwrap_or_else(|| Err("a cell was not run".into())))
        .collect()
}

/// The JSON document: `{"axes": [...], "cells": [...]}`.
pub fn document(plan: &Plan, results: &[CellResult]) -> Value {
    json!({
        "axes": plan.axes.iter().map(|a| json!({
            "pointer": a.name,
            "target": a.target,
            "values": a.values.iter().map(|v| sweep::number_value(*v)).collect::<Vec<_>>(),
            "current": sweep::number_value(a.current),
        })).collect::<Vec<_>>(),
        "seeds": plan.seeds,
        "first_seed": plan.base_seed,
        "closed_form_of": "p_map_run_failed",
        "cells": results,
    })
}

fn percent(p: f64) -> String {
    format!("{:.1} %", p * 100.0)
}

fn value_text(v: f64) -> String {
    sweep::number_value(v).to_string()
}

/// The readable report: a table of cells, and with two axes a map of P(the execution fails).
fn text(prepared: &Prepared, plan: &Plan, results: &[CellResult]) -> String {
    use std::fmt::Write as _;
    let mut t = String::new();
    let _ = writeln!(
        t,
        "mapsim sweep {} — {} cells × {} seeds (from seed {})",
        prepared.definition_name,
        results.len(),
        plan.seeds,
        plan.base_seed
    );
    for a in &plan.axes {
        let _ = writeln!(
            t,
            "  {}: {} values from {} to {} (now {})",
            a.name,
            a.values.len(),
            value_text(a.values.first().copied().unwrap_or(0.0)),
            value_text(a.values.last().copied().unwrap_or(0.0)),
            value_text(a.current)
        );
    }
    let _ = writeln!(t);
    let names: Vec<String> = plan
        .axes
        .iter()
        .map(|a| a.pointer.rsplit('/').next().unwrap_or("").to_string())
        .collect();
    let mut header = String::new();
    for n in &names {
        let _ = write!(header, "{n:>14} ");
    }
    let _ = writeln!(
        t,
        "  {header}{:>10} {:>17} {:>10} {:>11} {:>9} {:>9} {:>8} {:>11}",
        "P(fails)", "95 %", "P(map)", "closed form", "p50 s", "p95 s", "retries", "cost $"
    );
    let mut reasons: Vec<String> = Vec::new();
    for r in results {
        let mut row = String::new();
        let mut current = true;
        for a in &plan.axes {
            let v = r.values.get(&a.name).copied().unwrap_or(f64::NAN);
            current &= v == a.current;
            let _ = write!(row, "{:>14} ", value_text(v));
        }
        let closed = match (r.closed_form, &r.closed_form_reason) {
            (Some(p), _) => format!(
                "{}{}",
                percent(p),
                if r.closed_form_disagrees { " !" } else { "" }
            ),
            (None, Some(reason)) => {
                if !reasons.contains(reason) {
                    reasons.push(reason.clone());
                }
                "n/a".to_string()
            }
            (None, None) => "n/a".to_string(),
        };
        let _ = writeln!(
            t,
            "{} {row}{:>10} {:>17} {:>10} {:>11} {:>9.1} {:>9.1} {:>8.1} {:>11.5}",
            if current { "*" } else { " " },
            percent(r.stats.p_execution_failed),
            format!(
                "{:.1}–{:.1} %",
                r.stats.ci95[0] * 100.0,
                r.stats.ci95[1] * 100.0
            ),
            percent(r.stats.p_map_run_failed),
            closed,
            r.stats.duration_seconds.p50,
            r.stats.duration_seconds.p95,
            r.stats.mean_retries,
            r.stats.mean_cost_usd
        );
    }
    let _ = writeln!(t, "\n  * the setting as it is now; ! the closed form lies outside the Monte Carlo 95 % interval");
    for reason in &reasons {
        let _ = writeln!(t, "  closed form does not apply: {reason}");
    }
    if let [rows, columns] = plan.axes.as_slice() {
        let _ = writeln!(
            t,
            "\nP(the execution fails): {} down, {} across; | marks where it crosses 50 %",
            names[0], names[1]
        );
        let _ = write!(t, "{:>14} ", "");
        for c in &columns.values {
            let _ = write!(t, "{:>8}", value_text(*c));
        }
        let _ = writeln!(t);
        for (i, rv) in rows.values.iter().enumerate() {
            let _ = write!(t, "{:>14} ", value_text(*rv));
            let mut previous: Option<bool> = None;
            for j in 0..columns.values.len() {
                let Some(cell) = results.get(i * columns.values.len() + j) else {
                    continue;
                };
                let high = cell.stats.p_execution_failed >= 0.5;
                let edge = previous.is_some_and(|p| p != high);
                previous = Some(high);
                let mark = if *rv == rows.current && columns.values[j] == columns.current {
                    "*"
                } else {
                    " "
                };
                let _ = write!(
                    t,
                    "{}{:>5.0}%{mark}",
                    if edge { "|" } else { " " },
                    cell.stats.p_execution_failed * 100.0
                );
            }
            let _ = writeln!(t);
        }
    }
    t.trim_end().to_string()
}

fn usage_error(message: &str) -> Outcome {
    eprintln!("mapsim sweep: {message}\n");
    eprint!("{USAGE}");
    Outcome::Unusable
}
