//! What-if sweeps: one or two axes — a number in the definition or in the scenario, each with a
//! range and a step — and K seeds per cell. Every cell runs the whole simulation once per seed
//! and reports the probability that the execution and the Map Run fail (with Wilson 95 %
//! intervals), the median and p95 duration, the mean retries and cost; beside the Monte Carlo
//! estimate, the closed form where it holds ([`closed_form`]).
//!
//! The engine plans and runs cells; who runs them in parallel (threads in the CLI, Web Workers in
//! the page) is the caller's business. A cell's result depends only on the plan and the cell's
//! values, never on which worker ran it or when, so a sweep is the same bit for bit on any
//! number of workers.

use std::collections::BTreeMap;
use std::rc::Rc;
use std::sync::Arc;

use serde::Serialize;
use serde_json::Value;

use crate::program::{KindIr, NumberSource, Program, StateId};
use crate::scenario::{self, Scenario};
use crate::sim::{ExecutionStatus, SimOptions, Simulation};

/// Most cells a sweep may have.
pub const MAX_CELLS: usize = 10_000;
/// Most runs (cells × seeds) a sweep may make.
pub const MAX_RUNS: u64 = 1_000_000;
/// Most seeds per cell.
pub const MAX_SEEDS: u32 = 10_000;
/// Most axes.
pub const MAX_AXES: usize = 2;

/// Where an axis's number lives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Target {
    Definition,
    Scenario,
}

/// One axis: `POINTER=FROM:TO:STEP`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Axis {
    /// As written (`/States/Map/MaxConcurrency`, `scenario:/tasks/Work/faults/0/probability`).
    pub name: String,
    pub target: Target,
    /// The JSON pointer inside the definition or the scenario.
    pub pointer: String,
    pub values: Vec<f64>,
    /// The value the definition or scenario has now.
    pub current: f64,
}

/// Reads `POINTER=FROM:TO:STEP` (the current value is filled in by [`Plan::new`]).
pub fn parse_axis(spec: &str) -> Result<Axis, String> {
    let Some((name, range)) = spec.rsplit_once('=') else {
        return Err(format!(
            "--vary {spec:?}: expected POINTER=FROM:TO:STEP, such as /States/Map/ToleratedFailurePercentage=0:20:5"
        ));
    };
    let (target, pointer) = match name.strip_prefix("scenario:") {
        Some(p) => (Target::Scenario, p),
        None => (Target::Definition, name),
    };
    if !pointer.starts_with('/') {
        return Err(format!(
            "--vary {spec:?}: the pointer must start with / (a JSON pointer such as /States/Map/MaxConcurrency, or scenario:/… into the scenario)"
        ));
    }
    let parts: Vec<&str> = range.split(':').collect();
    let [from, to, step] = parts.as_slice() else {
        return Err(format!(
            "--vary {name}: the range must be FROM:TO:STEP, not {range:?}"
        ));
    };
    let number = |what: &str, text: &str| -> Result<f64, String> {
        text.trim()
            .parse::<f64>()
            .ok()
            .filter(|v| v.is_finite())
            .ok_or_else(|| format!("--vary {name}: {what} must be a number, not {text:?}"))
    };
    let (from, to, step) = (
        number("FROM", from)?,
        number("TO", to)?,
        number("STEP", step)?,
    );
    if step <= 0.0 {
        return Err(format!(
            "--vary {name}: STEP must be greater than 0, not {step}"
        ));
    }
    if to < from {
        return Err(format!("--vary {name}: TO ({to}) is below FROM ({from})"));
    }
    let count = ((to - from) / step + 1e-9).floor() + 1.0;
    if count > MAX_CELLS as f64 {
        return Err(format!(
            "--vary {name}: {count} values; a sweep has at most {MAX_CELLS} cells"
        ));
    }
    let values = (0..count as usize)
        .map(|i| round9(from + i as f64 * step))
        .collect();
    Ok(Axis {
        name: name.to_string(),
        target,
        pointer: pointer.to_string(),
        values,
        current: f64::NAN,
    })
}

/// Rounds away the binary noise of `from + i × step` (0.1 × 3 = 0.30000000000000004).
fn round9(v: f64) -> f64 {
    (v * 1e9).round() / 1e9
}

/// A number as JSON: whole numbers as integers (the validator wants `MaxAttempts: 3`, not 3.0).
pub fn number_value(v: f64) -> Value {
    if v.fract() == 0.0 && v.abs() < 9.0e15 {
        Value::from(v as i64)
    } else {
        serde_json::Number::from_f64(v).map_or(Value::Null, Value::Number)
    }
}

/// The range a field's value must stay in, by the field's name (AWS's limits and the
/// scenario's); `None` for a field with no rule of its own (the validator still checks it).
fn field_range(pointer: &str) -> Option<(f64, f64, bool, &'static str)> {
    let key = pointer.rsplit('/').next().unwrap_or("");
    // (min, max, whole number, what)
    Some(match key {
        "MaxAttempts" => (0.0, 99_999_999.0, true, "a whole number from 0"),
        "IntervalSeconds" => (1.0, 99_999_999.0, true, "a whole number from 1"),
        "BackoffRate" => (1.0, 1e9, false, "a number from 1.0"),
        "MaxDelaySeconds" => (1.0, 31_622_400.0, true, "a whole number from 1"),
        "ToleratedFailurePercentage" => (0.0, 100.0, false, "a number from 0 to 100"),
        "ToleratedFailureCount" => (0.0, 1e15, true, "a whole number from 0"),
        "MaxConcurrency" => (0.0, 1e15, true, "a whole number from 0"),
        "MaxItemsPerBatch" => (1.0, 1e15, true, "a whole number from 1"),
        "MaxInputBytesPerBatch" => (1.0, 262_144.0, true, "a whole number from 1 to 262144"),
        "TimeoutSeconds" | "HeartbeatSeconds" => (1.0, 99_999_999.0, true, "a whole number from 1"),
        "probability" | "fraction" => (0.0, 1.0, false, "a number from 0 to 1"),
        "count" => (0.0, 10_000_000.0, true, "a whole number from 0 to 10000000"),
        "lambda_concurrency" => (1.0, 1e9, true, "a whole number from 1"),
        "memory_mb" => (128.0, 10_240.0, true, "a whole number from 128 to 10240"),
        k if k.ends_with("_ms") => (0.0, 1e15, true, "a whole number of ms from 0"),
        _ => return None,
    })
}

/// A number a sweep may vary, found in the documents.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Candidate {
    /// The axis name (`/States/…` or `scenario:/…`).
    pub name: String,
    /// Where it is, for a person: the state, the retrier or fault, the field.
    pub place: String,
    pub field: String,
    pub current: f64,
    /// A range to start from: ten values around the current one, within the field's limits.
    pub from: f64,
    pub to: f64,
    pub step: f64,
}

/// The definition's fields a sweep varies (the list).
const DEFINITION_FIELDS: [&str; 9] = [
    "MaxAttempts",
    "IntervalSeconds",
    "BackoffRate",
    "MaxDelaySeconds",
    "ToleratedFailurePercentage",
    "ToleratedFailureCount",
    "MaxConcurrency",
    "MaxItemsPerBatch",
    "TimeoutSeconds",
];

/// Every number of the definition and the scenario a sweep can vary, in document order.
pub fn candidates(definition: &Value, scenario: &Value) -> Vec<Candidate> {
    fn walk(
        value: &Value,
        pointer: &mut String,
        place: &mut Vec<String>,
        scenario: bool,
        out: &mut Vec<Candidate>,
    ) {
        match value {
            Value::Object(map) => {
                for (key, v) in map {
                    let len = pointer.len();
                    pointer.push('/');
                    pointer.push_str(&asl::pointer::escape(key));
                    let parent = pointer[..len].rsplit('/').next().unwrap_or("").to_string();
                    // A state's name (a key under States), a Task's name under tasks.
                    let named =
                        parent == "States" || (scenario && (parent == "tasks" || parent == "maps"));
                    if named {
                        place.push(key.clone());
                    }
                    match v {
                        Value::Number(n) => {
                            let wanted = if scenario {
                                field_range(pointer).is_some()
                            } else {
                                DEFINITION_FIELDS.contains(&key.as_str())
                            };
                            if let (true, Some(current)) = (wanted, n.as_f64()) {
                                out.push(candidate(pointer, place, key, current, scenario));
                            }
                        }
                        _ => walk(v, pointer, place, scenario, out),
                    }
                    if named {
                        place.pop();
                    }
                    pointer.truncate(len);
                }
            }
            Value::Array(list) => {
                for (i, v) in list.iter().enumerate() {
                    let len = pointer.len();
                    let parent = pointer.rsplit('/').next().unwrap_or("").to_string();
                    pointer.push('/');
                    pointer.push_str(&i.to_string());
                    let label = match parent.as_str() {
                        "Retry" => Some(format!("Retry #{}", i + 1)),
                        "faults" => Some(format!(
                            "fault #{}{}",
                            i + 1,
                            v.get("error")
                                .and_then(Value::as_str)
                                .map_or(String::new(), |e| format!(" ({e})"))
                        )),
                        _ => None,
                    };
                    if let Some(l) = &label {
                        place.push(l.clone());
                    }
                    walk(v, pointer, place, scenario, out);
                    if label.is_some() {
                        place.pop();
                    }
                    pointer.truncate(len);
                }
            }
            _ => {}
        }
    }
    let mut out = Vec::new();
    walk(
        definition,
        &mut String::new(),
        &mut Vec::new(),
        false,
        &mut out,
    );
    let mut scenario_out = Vec::new();
    walk(
        scenario,
        &mut String::new(),
        &mut vec!["scenario".into()],
        true,
        &mut scenario_out,
    );
    for c in &mut scenario_out {
        c.name = format!("scenario:{}", c.name);
    }
    out.extend(scenario_out);
    out
}

fn candidate(
    pointer: &str,
    place: &[String],
    field: &str,
    current: f64,
    scenario: bool,
) -> Candidate {
    let (min, max, whole) =
        field_range(pointer).map_or((0.0, f64::MAX, false), |(a, b, w, _)| (a, b, w));
    let (from, to, step) = if !whole {
        let top = if max <= 1.0 {
            (current * 2.0).clamp(0.1, 1.0)
        } else if field == "ToleratedFailurePercentage" {
            (current * 2.0).clamp(10.0, 100.0)
        } else {
            (current * 2.0).max(min + 2.0).min(max)
        };
        let from = if field == "BackoffRate" {
            1.0
        } else {
            min.max(0.0)
        };
        (from, round9(top), round9((top - from) / 9.0))
    } else {
        let from = min.max(0.0);
        let top = (current * 2.0).max(from + 9.0).min(max);
        let step = ((top - from) / 9.0).round().max(1.0);
        (from, from + step * 9.0, step)
    };
    let _ = scenario;
    Candidate {
        name: pointer.to_string(),
        place: place.join(" · "),
        field: field.to_string(),
        current,
        from,
        to: to.min(max),
        step,
    }
}

/// A sweep ready to run: the documents, the axes, the seeds.
#[derive(Debug, Clone)]
pub struct Plan {
    pub definition: Value,
    pub scenario: Value,
    pub axes: Vec<Axis>,
    pub seeds: u32,
    /// The first seed (the scenario's); run k of every cell uses `base_seed + k`, so every cell
    /// sees the same seeds.
    pub base_seed: u64,
    /// The bytes of the scenario's `items.file`, when it names one (shared by every worker;
    /// each takes its own handle with [`Plan::local_file`]).
    pub item_file: Option<Arc<Vec<u8>>>,
    pub cost: crate::cost::CostOptions,
}

impl Plan {
    /// Checks every axis against the documents — the pointer names a number, every value stays
    /// in the field's range and leaves both documents valid — and the size of the sweep.
    pub fn new(
        definition: Value,
        scenario: Value,
        mut axes: Vec<Axis>,
        seeds: u32,
        item_file: Option<Arc<Vec<u8>>>,
        cost: crate::cost::CostOptions,
    ) -> Result<Plan, String> {
        if axes.is_empty() {
            return Err("a sweep needs at least one --vary POINTER=FROM:TO:STEP".into());
        }
        if axes.len() > MAX_AXES {
            return Err(format!(
                "a sweep has at most {MAX_AXES} axes, not {}",
                axes.len()
            ));
        }
        if seeds == 0 || seeds > MAX_SEEDS {
            return Err(format!(
                "--seeds must be from 1 to {MAX_SEEDS}, not {seeds}"
            ));
        }
        for (i, axis) in axes.iter().enumerate() {
            if axes[..i].iter().any(|a| a.name == axis.name) {
                return Err(format!("--vary {}: the same axis twice", axis.name));
            }
        }
        let cells: u64 = axes.iter().map(|a| a.values.len() as u64).product();
        if cells > MAX_CELLS as u64 {
            return Err(format!("{cells} cells; a sweep has at most {MAX_CELLS}"));
        }
        let runs = cells * u64::from(seeds);
        if runs > MAX_RUNS {
            return Err(format!(
                "{cells} cells × {seeds} seeds = {runs} runs; a sweep makes at most {MAX_RUNS}"
            ));
        }
        for axis in &mut axes {
            let doc = match axis.target {
                Target::Definition => &definition,
                Target::Scenario => &scenario,
            };
            let place = match axis.target {
                Target::Definition => "the definition",
                Target::Scenario => "the scenario",
            };
            let Some(found) = doc.pointer(&axis.pointer) else {
                return Err(format!(
                    "--vary {}: {} has nothing at {}",
                    axis.name, place, axis.pointer
                ));
            };
            let Some(current) = found.as_f64() else {
                return Err(format!(
                    "--vary {}: {} at {} is {}, not a number",
                    axis.name,
                    place,
                    axis.pointer,
                    asl::path::type_name(found)
                ));
            };
            axis.current = current;
            if let Some((min, max, whole, what)) = field_range(&axis.pointer) {
                for v in &axis.values {
                    if *v < min || *v > max || (whole && v.fract() != 0.0) {
                        return Err(format!(
                            "--vary {}: {v} is out of range ({} must be {what})",
                            axis.name,
                            axis.pointer.rsplit('/').next().unwrap_or("")
                        ));
                    }
                }
            }
        }
        let plan = Plan {
            definition,
            scenario,
            axes,
            seeds,
            base_seed: 0,
            item_file,
            cost,
        };
        let mut plan = plan;
        plan.base_seed = plan
            .scenario
            .get("seed")
            .and_then(Value::as_u64)
            .unwrap_or(0);
        // Every value of every axis, the others as they are, must leave valid documents.
        let file = plan.local_file();
        for (a, axis) in plan.axes.iter().enumerate() {
            for v in &axis.values {
                let mut values: Vec<f64> = plan.axes.iter().map(|x| x.current).collect();
                values[a] = *v;
                plan.prepare(&values, file.as_ref())
                    .map_err(|e| format!("--vary {}={v}: {e}", axis.name))?;
            }
        }
        Ok(plan)
    }

    /// A plan from its document, as the page hands it to its workers:
    /// `{"definition", "scenario", "axes": ["POINTER=FROM:TO:STEP", …], "seeds", "cost":
    /// {"region", "express_parent"}}`. The same checks as [`Plan::new`].
    pub fn from_document(doc: &Value, item_file: Option<Arc<Vec<u8>>>) -> Result<Plan, String> {
        let definition = doc
            .get("definition")
            .cloned()
            .ok_or("the sweep has no definition")?;
        let scenario_doc = doc
            .get("scenario")
            .cloned()
            .unwrap_or_else(|| Value::Object(serde_json::Map::new()));
        let axes = doc
            .get("axes")
            .and_then(Value::as_array)
            .ok_or("the sweep has no axes")?
            .iter()
            .map(|a| parse_axis(a.as_str().unwrap_or("")))
            .collect::<Result<Vec<Axis>, String>>()?;
        let seeds = doc
            .get("seeds")
            .and_then(Value::as_u64)
            .map_or(0, |k| k.min(u64::from(u32::MAX)) as u32);
        let parsed = scenario::from_value(&scenario_doc).map_err(|errors| {
            errors.first().map_or_else(
                || "the scenario is not valid".to_string(),
                |e| e.message.clone(),
            )
        })?;
        let mut cost = crate::cost::CostOptions::from_scenario(&parsed);
        if let Some(region) = doc.pointer("/cost/region").and_then(Value::as_str) {
            cost.region = region.to_string();
        }
        cost.express_parent = doc
            .pointer("/cost/express_parent")
            .and_then(Value::as_bool)
            .unwrap_or(false);
        Plan::new(definition, scenario_doc, axes, seeds, item_file, cost)
    }

    /// The document [`Plan::from_document`] reads.
    pub fn to_document(&self) -> Value {
        let axes: Vec<Value> = self
            .axes
            .iter()
            .map(|a| {
                let (from, to) = (
                    a.values.first().copied().unwrap_or(0.0),
                    a.values.last().copied().unwrap_or(0.0),
                );
                let step = if a.values.len() > 1 {
                    (to - from) / (a.values.len() - 1) as f64
                } else {
                    1.0
                };
                Value::String(format!("{}={from}:{to}:{}", a.name, round9(step)))
            })
            .collect();
        serde_json::json!({
            "definition": self.definition,
            "scenario": self.scenario,
            "axes": axes,
            "seeds": self.seeds,
            "cost": {"region": self.cost.region, "express_parent": self.cost.express_parent},
        })
    }

    /// Every cell's values, the first axis outermost.
    pub fn cells(&self) -> Vec<Vec<f64>> {
        let mut cells = vec![Vec::new()];
        for axis in &self.axes {
            cells = cells
                .into_iter()
                .flat_map(|prefix| {
                    axis.values.iter().map(move |v| {
                        let mut c = prefix.clone();
                        c.push(*v);
                        c
                    })
                })
                .collect();
        }
        cells
    }

    pub fn runs(&self) -> u64 {
        self.cells().len() as u64 * u64::from(self.seeds)
    }

    /// This worker's handle on the item file's bytes (a copy: the engine's scenario holds them
    /// in an `Rc`); take it once per worker, not per cell.
    pub fn local_file(&self) -> Option<Rc<Vec<u8>>> {
        self.item_file
            .as_ref()
            .map(|bytes| Rc::new(bytes.as_ref().clone()))
    }

    /// The documents of one cell, read into a model and a scenario.
    pub fn prepare(
        &self,
        values: &[f64],
        file: Option<&Rc<Vec<u8>>>,
    ) -> Result<(asl::StateMachine, Scenario), String> {
        let mut definition = self.definition.clone();
        let mut scenario_doc = self.scenario.clone();
        for (axis, v) in self.axes.iter().zip(values) {
            let doc = match axis.target {
                Target::Definition => &mut definition,
                Target::Scenario => &mut scenario_doc,
            };
            if let Some(slot) = doc.pointer_mut(&axis.pointer) {
                *slot = number_value(*v);
            }
        }
        read_documents(&definition, &scenario_doc, file)
    }

    /// Runs one cell: every seed, then the statistics and the closed form.
    pub fn run_cell(
        &self,
        values: &[f64],
        file: Option<&Rc<Vec<u8>>>,
    ) -> Result<CellResult, String> {
        let (model, mut scenario) = self.prepare(values, file)?;
        let mut samples = Vec::with_capacity(self.seeds as usize);
        let mut closed = None;
        for k in 0..self.seeds {
            scenario.seed = self.base_seed.wrapping_add(u64::from(k));
            let mut sim = Simulation::new(&model, &scenario, SimOptions::default())
                .map_err(|e| e.to_string())?;
            if k == 0 {
                closed = Some(closed_form(sim.program(), &scenario));
            }
            sim.run();
            samples.push(sample(&sim, &self.cost));
        }
        Ok(self.summarise(values, &samples, closed))
    }

    fn summarise(
        &self,
        values: &[f64],
        samples: &[RunSample],
        closed: Option<Result<f64, NoClosedForm>>,
    ) -> CellResult {
        let stats = statistics(samples);
        let (closed_form, closed_form_why) = match closed {
            Some(Ok(p)) => (Some(p), None),
            Some(Err(why)) => (None, Some(why)),
            None => (None, None),
        };
        let ci_map = stats.ci95_map_run;
        CellResult {
            values: self
                .axes
                .iter()
                .zip(values)
                .map(|(a, v)| (a.name.clone(), *v))
                .collect(),
            closed_form_disagrees: closed_form
                .is_some_and(|p| p < ci_map[0] - 1e-12 || p > ci_map[1] + 1e-12),
            closed_form,
            closed_form_reason: closed_form_why.as_ref().map(ToString::to_string),
            closed_form_why,
            stats,
        }
    }
}

/// A definition and a scenario as JSON, read into a model and a scenario with every check the
/// page and the CLI make (the definition's validator, the scenario against the definition);
/// `file` is the bytes of the scenario's `items.file`, when it names one.
pub fn read_documents(
    definition: &Value,
    scenario_doc: &Value,
    file: Option<&Rc<Vec<u8>>>,
) -> Result<(asl::StateMachine, Scenario), String> {
    let loaded = asl::load(&definition.to_string(), &asl::LoadOptions::default());
    if let Some(d) = loaded.diagnostics.iter().find(|d| d.is_error()) {
        return Err(format!(
            "the definition is not valid: {} ({})",
            d.message, d.pointer
        ));
    }
    let model = loaded
        .model
        .ok_or_else(|| "the definition is not valid".to_string())?;
    let mut parsed = scenario::from_value(scenario_doc).map_err(|errors| {
        let first = errors
            .first()
            .map_or_else(String::new, |e| e.message.clone());
        format!("the scenario is not valid: {first}")
    })?;
    if let (Some(item_file), Some(bytes)) = (parsed.item_file.as_mut(), file) {
        item_file.bytes = Some(bytes.clone());
    }
    let problems = scenario::check_against(&parsed, &model, None);
    if let Some(e) = problems.first() {
        return Err(format!("the scenario is not valid: {}", e.message));
    }
    Ok((model, parsed))
}

/// The statistics of K runs.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Statistics {
    pub runs: u64,
    pub p_execution_failed: f64,
    pub p_map_run_failed: f64,
    /// Wilson 95 % interval of `p_execution_failed`.
    pub ci95: [f64; 2],
    /// Wilson 95 % interval of `p_map_run_failed`.
    pub ci95_map_run: [f64; 2],
    pub duration_seconds: Quantiles,
    pub mean_retries: f64,
    pub mean_cost_usd: f64,
}

/// The statistics of a set of runs (durations by nearest rank).
pub fn statistics(samples: &[RunSample]) -> Statistics {
    let n = samples.len() as u64;
    let failed = samples.iter().filter(|s| s.failed).count() as u64;
    let map_failed = samples.iter().filter(|s| s.map_failed).count() as u64;
    let mut durations: Vec<u64> = samples.iter().map(|s| s.duration_ms).collect();
    durations.sort_unstable();
    let quantile = |q: f64| -> f64 {
        let rank = ((q * durations.len() as f64).ceil() as usize).clamp(1, durations.len().max(1));
        durations.get(rank - 1).map_or(0.0, |d| *d as f64 / 1000.0)
    };
    let mean = |f: &dyn Fn(&RunSample) -> f64| -> f64 {
        samples.iter().map(f).sum::<f64>() / samples.len().max(1) as f64
    };
    Statistics {
        runs: n,
        p_execution_failed: failed as f64 / n.max(1) as f64,
        p_map_run_failed: map_failed as f64 / n.max(1) as f64,
        ci95: wilson(failed, n),
        ci95_map_run: wilson(map_failed, n),
        duration_seconds: Quantiles {
            p50: quantile(0.5),
            p95: quantile(0.95),
        },
        mean_retries: mean(&|s| s.retries as f64),
        mean_cost_usd: mean(&|s| s.cost_usd),
    }
}

/// What one run of a cell says.
#[derive(Debug, Clone, PartialEq)]
pub struct RunSample {
    pub failed: bool,
    pub map_failed: bool,
    pub duration_ms: u64,
    pub retries: u64,
    pub cost_usd: f64,
}

/// One run's sample, from a finished simulation.
pub fn sample(sim: &Simulation, cost: &crate::cost::CostOptions) -> RunSample {
    let outcome = sim.outcome();
    RunSample {
        failed: outcome.is_none_or(|o| o.status != ExecutionStatus::Succeeded),
        map_failed: sim
            .map_runs()
            .iter()
            .any(|r| r.status == crate::sim::RunStatus::Failed),
        duration_ms: outcome.map_or(sim.now_ms(), |o| o.end_ms),
        retries: sim.state_stats().iter().map(|s| s.retries).sum(),
        cost_usd: crate::cost::estimate(sim, cost).map_or(0.0, |c| c.total_usd),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Quantiles {
    pub p50: f64,
    pub p95: f64,
}

/// One cell of a sweep (the CLI's `cells[i]`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CellResult {
    /// The axes' values, by axis name as written.
    pub values: BTreeMap<String, f64>,
    #[serde(flatten)]
    pub stats: Statistics,
    /// P(the Map Run fails) worked out exactly, where the closed form holds.
    pub closed_form: Option<f64>,
    /// Why the closed form does not hold here, in words.
    pub closed_form_reason: Option<String>,
    /// The same, as data (for a page that says it in its own language).
    pub closed_form_why: Option<NoClosedForm>,
    /// The closed form lies outside `ci95_map_run`.
    pub closed_form_disagrees: bool,
}

/// The Wilson score interval at 95 % for `k` successes in `n` trials.
pub fn wilson(k: u64, n: u64) -> [f64; 2] {
    if n == 0 {
        return [0.0, 1.0];
    }
    let z = 1.959_963_984_540_054_f64;
    let n = n as f64;
    let p = k as f64 / n;
    let z2 = z * z;
    let denominator = 1.0 + z2 / n;
    let centre = (p + z2 / (2.0 * n)) / denominator;
    let half = z / denominator * libm::sqrt(p * (1.0 - p) / n + z2 / (4.0 * n * n));
    [(centre - half).max(0.0), (centre + half).min(1.0)]
}

/// P(X ≥ x0) for X ~ Binomial(n, p).
pub fn binomial_tail(n: u64, p: f64, x0: u64) -> f64 {
    if x0 == 0 {
        return 1.0;
    }
    if x0 > n || p <= 0.0 {
        return 0.0;
    }
    if p >= 1.0 {
        return 1.0;
    }
    let nf = n as f64;
    let log_pmf = |x: f64| {
        libm::lgamma(nf + 1.0) - libm::lgamma(x + 1.0) - libm::lgamma(nf - x + 1.0)
            + x * libm::log(p)
            + (nf - x) * libm::log1p(-p)
    };
    let mean = nf * p;
    // Sum the smaller side, outward from x0, until the terms no longer count.
    if (x0 as f64) > mean {
        let mut term = libm::exp(log_pmf(x0 as f64));
        let mut sum = 0.0;
        let mut x = x0;
        loop {
            sum += term;
            if x == n || term < sum * 1e-17 {
                break;
            }
            term *= (nf - x as f64) / (x as f64 + 1.0) * p / (1.0 - p);
            x += 1;
        }
        sum.min(1.0)
    } else {
        // 1 − P(X ≤ x0 − 1), summing downward.
        let mut x = x0 - 1;
        let mut term = libm::exp(log_pmf(x as f64));
        let mut sum = 0.0;
        loop {
            sum += term;
            if x == 0 || term < sum * 1e-17 {
                break;
            }
            term *= x as f64 / (nf - x as f64 + 1.0) * (1.0 - p) / p;
            x -= 1;
        }
        (1.0 - sum).clamp(0.0, 1.0)
    }
}

/// Most retry paths the closed form follows through one Task.
const MAX_RETRY_PATHS: usize = 100_000;

/// Why the closed form does not hold for a pair of documents (`Display`: the reason in words).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum NoClosedForm {
    NoDistributedMap,
    SeveralDistributedMaps,
    /// The Distributed Map is inside another state.
    Nested {
        state: String,
    },
    Batching,
    LambdaConcurrency,
    ExecutionTimeout,
    ToleranceAtRunTime,
    ItemsFromReader,
    ItemCountAtRunTime,
    Loop {
        state: String,
    },
    Choice {
        state: String,
    },
    /// A Parallel or Map inside the processor.
    Container {
        state: String,
        kind: String,
    },
    TaskTimeout {
        state: String,
    },
    PickedItems {
        state: String,
    },
    TooManyPaths {
        state: String,
    },
}

impl std::fmt::Display for NoClosedForm {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::NoDistributedMap => write!(f, "no Distributed Map: there is no Map Run to fail"),
            Self::SeveralDistributedMaps => {
                write!(f, "more than one Distributed Map: their runs depend on each other")
            }
            Self::Nested { state } => write!(
                f,
                "{state} is inside another state: how many times it runs depends on that state"
            ),
            Self::Batching => write!(
                f,
                "batching (ItemBatcher): a batch of items fails as one, so items are not independent"
            ),
            Self::LambdaConcurrency => write!(
                f,
                "throttling couples items: limits.lambda_concurrency makes one item's attempts wait for other items to finish"
            ),
            Self::ExecutionTimeout => write!(f, "the execution's TimeoutSeconds can end it by time"),
            Self::ToleranceAtRunTime => {
                write!(f, "the tolerance is read at run time (a path or expression)")
            }
            Self::ItemsFromReader => write!(
                f,
                "the items come from the ItemReader: their count is read at run time"
            ),
            Self::ItemCountAtRunTime => write!(
                f,
                "the item count is read at run time (ItemsPath or ItemReader), not set by the scenario"
            ),
            Self::Loop { state } => write!(
                f,
                "a loop through {state}: an item may pass a state more than once"
            ),
            Self::Choice { state } => {
                write!(f, "the Choice state {state} routes items by their data")
            }
            Self::Container { state, kind } => write!(
                f,
                "{state} ({kind}) inside the processor: the closed form follows a single path"
            ),
            Self::TaskTimeout { state } => write!(
                f,
                "the Task {state} has a timeout: whether an attempt fails depends on time"
            ),
            Self::PickedItems { state } => write!(
                f,
                "a fault of {state} picks its items (items.fraction or items.indices): items are not alike"
            ),
            Self::TooManyPaths { state } => write!(
                f,
                "the retriers of {state} give more than {MAX_RETRY_PATHS} paths to follow"
            ),
        }
    }
}

/// P(the Map Run fails) in closed form, or why it does not hold.
///
/// It holds when items are independent and alike and time decides nothing: one Distributed
/// Map, at the top level, over a known number of items, without batching; no Lambda
/// concurrency limit (throttling couples items); no execution or Task timeout; a processor of
/// Task, Pass, Wait, Succeed and Fail states without loops, whose faults fire by `probability`
/// (or always), not on items picked by the seed. Then each item fails with the probability its
/// path through the retriers and catchers gives (worked out exactly, attempt by attempt, with
/// each retrier's own counter), and the Map Run fails when the number of failed items — a
/// binomial count — crosses the tolerance by the engine's own rule.
pub fn closed_form(program: &Program, scenario: &Scenario) -> Result<f64, NoClosedForm> {
    let maps: Vec<(StateId, &crate::program::MapIr)> = program
        .states
        .iter()
        .enumerate()
        .filter_map(|(i, s)| match &s.kind {
            KindIr::Map(m) if m.distributed => Some((i as StateId, m.as_ref())),
            _ => None,
        })
        .collect();
    let [(map_id, map)] = maps.as_slice() else {
        return Err(if maps.is_empty() {
            NoClosedForm::NoDistributedMap
        } else {
            NoClosedForm::SeveralDistributedMaps
        });
    };
    let map_state = &program.states[*map_id as usize];
    if program
        .machines
        .get(map_state.machine as usize)
        .is_none_or(|m| m.owner.is_some())
    {
        return Err(NoClosedForm::Nested {
            state: map_state.name.to_string(),
        });
    }
    if map.batcher.is_some() {
        return Err(NoClosedForm::Batching);
    }
    if scenario.limits.lambda_concurrency.is_some() {
        return Err(NoClosedForm::LambdaConcurrency);
    }
    if program.timeout_ms.is_some() {
        return Err(NoClosedForm::ExecutionTimeout);
    }
    let literal = |n: &Option<NumberSource>| -> Result<Option<f64>, NoClosedForm> {
        match n {
            None => Ok(None),
            Some(NumberSource::Literal(v)) => Ok(Some(*v)),
            Some(_) => Err(NoClosedForm::ToleranceAtRunTime),
        }
    };
    let count = literal(&map.tolerated_count)?.map(|c| c as u64);
    let percentage = literal(&map.tolerated_percentage)?;
    if map.reader_max_items.is_some() || map.reader_file.is_some() {
        return Err(NoClosedForm::ItemsFromReader);
    }
    let Some(items) = map.scenario_items.as_ref() else {
        return Err(NoClosedForm::ItemCountAtRunTime);
    };
    let n = items.len();
    let p = item_failure(program, program.machines[map.processor as usize].start)?;
    let x0 = (0..=n).find(|x| crate::sim::tolerance_exceeded(*x, n, count, percentage));
    Ok(x0.map_or(0.0, |x0| binomial_tail(n, p, x0)))
}

/// The probability that one item, starting at `start`, ends its child execution failed.
fn item_failure(program: &Program, start: StateId) -> Result<f64, NoClosedForm> {
    fn walk(
        program: &Program,
        state: StateId,
        memo: &mut BTreeMap<StateId, f64>,
        visiting: &mut Vec<StateId>,
    ) -> Result<f64, NoClosedForm> {
        if let Some(p) = memo.get(&state) {
            return Ok(*p);
        }
        let Some(s) = program.states.get(state as usize) else {
            return Ok(0.0);
        };
        if visiting.contains(&state) {
            return Err(NoClosedForm::Loop {
                state: s.name.to_string(),
            });
        }
        visiting.push(state);
        let next = |memo: &mut BTreeMap<StateId, f64>,
                    visiting: &mut Vec<StateId>|
         -> Result<f64, NoClosedForm> {
            match s.next {
                crate::program::Next::State(n) => walk(program, n, memo, visiting),
                _ => Ok(0.0),
            }
        };
        let p = match &s.kind {
            KindIr::Pass { .. } | KindIr::Wait(_) => next(memo, visiting)?,
            KindIr::Succeed => 0.0,
            KindIr::Fail { .. } => 1.0,
            KindIr::Choice { .. } => {
                return Err(NoClosedForm::Choice {
                    state: s.name.to_string(),
                })
            }
            KindIr::Parallel { .. } | KindIr::Map(_) => {
                return Err(NoClosedForm::Container {
                    state: s.name.to_string(),
                    kind: s.type_name.to_string(),
                })
            }
            KindIr::Task(task) => {
                if task.timeout.is_some() || task.heartbeat.is_some() {
                    return Err(NoClosedForm::TaskTimeout {
                        state: s.name.to_string(),
                    });
                }
                if task.behaviour.faults.iter().any(|f| f.items.is_some()) {
                    return Err(NoClosedForm::PickedItems {
                        state: s.name.to_string(),
                    });
                }
                let outcome = task_outcome(s, task)?;
                let mut p = outcome.failed;
                if outcome.succeeded > 0.0 {
                    p += outcome.succeeded * next(memo, visiting)?;
                }
                for (catcher, q) in outcome.caught.iter().enumerate() {
                    if *q > 0.0 {
                        let target = s.catchers[catcher].next;
                        p += q * walk(program, target, memo, visiting)?;
                    }
                }
                p
            }
        };
        visiting.pop();
        memo.insert(state, p);
        Ok(p)
    }
    walk(program, start, &mut BTreeMap::new(), &mut Vec::new())
}

/// How a Task state ends for one item: succeeded, caught by catcher i, or failed.
struct TaskOutcome {
    succeeded: f64,
    caught: Vec<f64>,
    failed: f64,
}

fn task_outcome(
    state: &crate::program::StateIr,
    task: &crate::program::TaskIr,
) -> Result<TaskOutcome, NoClosedForm> {
    let faults = &task.behaviour.faults;
    let mut out = TaskOutcome {
        succeeded: 0.0,
        caught: vec![0.0; state.catchers.len()],
        failed: 0.0,
    };
    // (attempt number, each retrier's count) → probability.
    let mut frontier: BTreeMap<(u64, Vec<u64>), f64> = BTreeMap::new();
    frontier.insert((0, vec![0; state.retriers.len()]), 1.0);
    let mut paths = 0usize;
    while let Some(((attempt, counters), mass)) = frontier.pop_first() {
        paths += 1;
        if paths > MAX_RETRY_PATHS {
            return Err(NoClosedForm::TooManyPaths {
                state: state.name.to_string(),
            });
        }
        // The first fault that fires decides the attempt.
        let mut none_yet = 1.0;
        for fault in faults {
            if fault
                .attempts
                .as_ref()
                .is_some_and(|a| a.binary_search(&attempt).is_err())
            {
                continue;
            }
            let q = fault.probability.unwrap_or(1.0);
            let here = mass * none_yet * q;
            none_yet *= 1.0 - q;
            if here <= 0.0 {
                continue;
            }
            let error = fault.error;
            let retrier = state
                .retriers
                .iter()
                .enumerate()
                .find(|(_, r)| r.patterns.iter().any(|p| p.matches(error)));
            match retrier {
                Some((i, r)) if counters[i] < r.max_attempts => {
                    let mut next = counters.clone();
                    next[i] += 1;
                    *frontier.entry((attempt + 1, next)).or_insert(0.0) += here;
                }
                _ => match state
                    .catchers
                    .iter()
                    .position(|c| c.patterns.iter().any(|p| p.matches(error)))
                {
                    Some(c) => out.caught[c] += here,
                    None => out.failed += here,
                },
            }
            if none_yet <= 0.0 {
                break;
            }
        }
        out.succeeded += mass * none_yet;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn axes_read_and_refuse() {
        let a = parse_axis("/States/Map/ToleratedFailurePercentage=0:0.3:0.1").expect("axis");
        assert_eq!(a.values, vec![0.0, 0.1, 0.2, 0.3]);
        assert_eq!(a.target, Target::Definition);
        let s = parse_axis("scenario:/tasks/W/faults/0/probability=0:1:0.25").expect("axis");
        assert_eq!(s.target, Target::Scenario);
        assert_eq!(s.pointer, "/tasks/W/faults/0/probability");
        for bad in [
            "/a", "/a=1:2", "/a=1:0:1", "/a=0:1:0", "a=0:1:1", "/a=x:1:1",
        ] {
            assert!(parse_axis(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn wilson_intervals() {
        let [lo, hi] = wilson(0, 20);
        assert_eq!(lo, 0.0);
        assert!((hi - 0.1611).abs() < 1e-3, "{hi}");
        let [lo, hi] = wilson(10, 20);
        assert!(
            (lo - 0.2993).abs() < 1e-3 && (hi - 0.7007).abs() < 1e-3,
            "{lo} {hi}"
        );
    }

    #[test]
    fn binomial_tails() {
        // P(X ≥ 1), X ~ Bin(10, 0.1) = 1 − 0.9^10.
        assert!((binomial_tail(10, 0.1, 1) - (1.0 - 0.9f64.powi(10))).abs() < 1e-12);
        // Symmetric: P(X ≥ 6) for Bin(10, 0.5) = 386/1024.
        assert!((binomial_tail(10, 0.5, 6) - 386.0 / 1024.0).abs() < 1e-12);
        assert_eq!(binomial_tail(10, 0.5, 11), 0.0);
        // A million items at 1 %: the mean is 10,000, the sd about 99.5.
        let above = binomial_tail(1_000_000, 0.01, 10_200);
        assert!(above > 0.02 && above < 0.03, "{above}");
        let below = binomial_tail(1_000_000, 0.01, 9_800);
        assert!(below > 0.97 && below < 0.98, "{below}");
    }
}
