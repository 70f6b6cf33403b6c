//! A/B comparison: two settings run on the same seeds, side by side, and what changed between
//! them — the verdicts, durations, items by status, retries by state, cost, and per item the
//! outcomes that flipped. `mapsim compare` prints these documents; the page's A/B tab draws
//! them (from a Web Worker, which also adds each side's [`timeline`]).
//!
//! The documents are JSON (`{"seeds", "a", "b", "differences"}`), the CLI's contract.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{json, Map, Value};

use crate::cost::CostOptions;
use crate::report::ChildStatus;
use crate::scenario::Scenario;
use crate::sim::{SimOptions, Simulation};
use crate::sweep::{self, RunSample};

/// Items listed by name in each direction of change, at most.
pub const MAX_LISTED_ITEMS: usize = 1000;

/// One side of a comparison: a definition's model, its scenario, how it is priced.
#[derive(Clone, Copy)]
pub struct Side<'a> {
    pub model: &'a asl::StateMachine,
    pub scenario: &'a Scenario,
    pub cost: &'a CostOptions,
}

/// The summary of a finished run ([`Simulation::summary`]) with its `cost`.
pub fn summary_with_cost(sim: &Simulation, cost: &CostOptions) -> Value {
    let mut summary = sim.summary();
    if let Value::Object(map) = &mut summary {
        let cost = crate::cost::estimate(sim, cost);
        map.insert(
            "cost".into(),
            cost.ok()
                .and_then(|c| serde_json::to_value(c).ok())
                .unwrap_or(Value::Null),
        );
    }
    summary
}

/// Each item's outcome in the first Map Run of each Map state: `(state, item) → status`.
fn item_outcomes(sim: &Simulation) -> BTreeMap<(String, u32), ChildStatus> {
    let mut out = BTreeMap::new();
    let mut seen = BTreeSet::new();
    for run in sim.map_runs() {
        let state = sim
            .program()
            .states
            .get(run.setup.state as usize)
            .map_or_else(String::new, |s| s.name.to_string());
        if !seen.insert(state.clone()) {
            continue;
        }
        for (child, record) in run.children.iter().enumerate() {
            let (start, end) = run.child_items(child as u32);
            for item in start..end {
                out.insert((state.clone(), item), record.status);
            }
        }
    }
    out
}

fn failed(status: ChildStatus) -> bool {
    matches!(status, ChildStatus::Failed | ChildStatus::TimedOut)
}

/// The comparison of two finished runs on one seed: both summaries (with cost), their
/// [`differences`], and the items whose outcome changed.
pub fn one_seed(
    a: &Simulation,
    cost_a: &CostOptions,
    b: &Simulation,
    cost_b: &CostOptions,
) -> Value {
    let summary_a = summary_with_cost(a, cost_a);
    let summary_b = summary_with_cost(b, cost_b);
    let mut differences = differences(&summary_a, &summary_b);
    let (oa, ob) = (item_outcomes(a), item_outcomes(b));
    let mut a_failed_b_succeeded = Vec::new();
    let mut a_succeeded_b_failed = Vec::new();
    let mut other_changes = 0u64;
    for (key, status_a) in &oa {
        let Some(status_b) = ob.get(key) else {
            continue;
        };
        if status_a == status_b {
            continue;
        }
        let entry =
            json!({"map": key.0, "item": key.1, "a": status_a.as_str(), "b": status_b.as_str()});
        if failed(*status_a) && *status_b == ChildStatus::Succeeded {
            a_failed_b_succeeded.push(entry);
        } else if *status_a == ChildStatus::Succeeded && failed(*status_b) {
            a_succeeded_b_failed.push(entry);
        } else {
            other_changes += 1;
        }
    }
    let listed = |list: Vec<Value>| -> Value {
        let total = list.len();
        json!({"count": total, "items": list.into_iter().take(MAX_LISTED_ITEMS).collect::<Vec<_>>()})
    };
    if let Value::Object(map) = &mut differences {
        map.insert(
            "items".into(),
            json!({
                "failed_in_a_succeeded_in_b": listed(a_failed_b_succeeded),
                "succeeded_in_a_failed_in_b": listed(a_succeeded_b_failed),
                "other_changes": other_changes,
            }),
        );
    }
    json!({
        "seeds": 1,
        "seed": a.scenario().seed,
        "a": summary_a,
        "b": summary_b,
        "differences": differences,
    })
}

/// `{"a", "b", "delta"}` (the delta when both are numbers).
fn pair(a: &Value, b: &Value) -> Value {
    let mut o = Map::new();
    o.insert("a".into(), a.clone());
    o.insert("b".into(), b.clone());
    if let (Some(x), Some(y)) = (a.as_f64(), b.as_f64()) {
        o.insert("delta".into(), json!(y - x));
    }
    Value::Object(o)
}

/// What differs between two summaries: verdicts, duration, items by status, retries by state,
/// cost.
pub fn differences(a: &Value, b: &Value) -> Value {
    let mut d = Map::new();
    for key in ["status", "error", "duration_seconds"] {
        d.insert(key.into(), pair(&a[key], &b[key]));
    }
    d.insert(
        "cost_usd".into(),
        pair(&a["cost"]["total_usd"], &b["cost"]["total_usd"]),
    );
    d.insert(
        "state_transitions".into(),
        pair(
            &a["cost"]["state_transitions"],
            &b["cost"]["state_transitions"],
        ),
    );
    let no_runs = Vec::new();
    let runs_a = a["map_runs"].as_array().unwrap_or(&no_runs);
    let runs_b = b["map_runs"].as_array().unwrap_or(&no_runs);
    let runs: Vec<Value> = runs_a
        .iter()
        .zip(runs_b)
        .map(|(x, y)| {
            let mut counts = Map::new();
            for k in ["succeeded", "failed", "timed_out", "aborted", "pending", "total"] {
                counts.insert(k.into(), pair(&x["item_counts"][k], &y["item_counts"][k]));
            }
            json!({"state": x["state"], "status": pair(&x["status"], &y["status"]), "item_counts": counts})
        })
        .collect();
    d.insert("map_runs".into(), Value::Array(runs));
    let mut retries = Map::new();
    let names: BTreeSet<&String> = [a, b]
        .iter()
        .filter_map(|s| s["states"].as_object())
        .flat_map(|m| m.keys())
        .collect();
    for name in names {
        let ra = a["states"][name]["retries"].as_u64().unwrap_or(0);
        let rb = b["states"][name]["retries"].as_u64().unwrap_or(0);
        if ra != 0 || rb != 0 {
            retries.insert(name.clone(), pair(&json!(ra), &json!(rb)));
        }
    }
    d.insert("retries_by_state".into(), Value::Object(retries));
    Value::Object(d)
}

/// The comparison over the seeds S … S+K−1 (S the seed of A's scenario, the same seeds for
/// both): each side's statistics as a sweep's cell has them, their differences, and how many
/// seeds failed on one side only. `on_first` hears each side's first run (for a page's timeline).
pub fn many_seeds(
    a: Side<'_>,
    b: Side<'_>,
    seeds: u32,
    mut on_first: impl FnMut(&Simulation, &Simulation),
) -> Result<Value, String> {
    let base = a.scenario.seed;
    let mut samples_a: Vec<RunSample> = Vec::new();
    let mut samples_b: Vec<RunSample> = Vec::new();
    let (mut a_only, mut b_only) = (0u64, 0u64);
    let (mut scenario_a, mut scenario_b) = (a.scenario.clone(), b.scenario.clone());
    for k in 0..seeds {
        let seed = base.wrapping_add(u64::from(k));
        scenario_a.seed = seed;
        scenario_b.seed = seed;
        let mut sa = Simulation::new(a.model, &scenario_a, SimOptions::default())
            .map_err(|e| format!("A: {e}"))?;
        let mut sb = Simulation::new(b.model, &scenario_b, SimOptions::default())
            .map_err(|e| format!("B: {e}"))?;
        sa.run();
        sb.run();
        if k == 0 {
            on_first(&sa, &sb);
        }
        let (x, y) = (sweep::sample(&sa, a.cost), sweep::sample(&sb, b.cost));
        a_only += u64::from(x.failed && !y.failed);
        b_only += u64::from(y.failed && !x.failed);
        samples_a.push(x);
        samples_b.push(y);
    }
    let (stats_a, stats_b) = (sweep::statistics(&samples_a), sweep::statistics(&samples_b));
    let va = serde_json::to_value(&stats_a).map_err(|e| e.to_string())?;
    let vb = serde_json::to_value(&stats_b).map_err(|e| e.to_string())?;
    let mut d = Map::new();
    for key in [
        "p_execution_failed",
        "p_map_run_failed",
        "mean_retries",
        "mean_cost_usd",
    ] {
        d.insert(key.into(), pair(&va[key], &vb[key]));
    }
    for (key, q) in [
        ("duration_seconds_p50", "p50"),
        ("duration_seconds_p95", "p95"),
    ] {
        d.insert(
            key.into(),
            pair(&va["duration_seconds"][q], &vb["duration_seconds"][q]),
        );
    }
    d.insert("seeds_failed_in_a_only".into(), json!(a_only));
    d.insert("seeds_failed_in_b_only".into(), json!(b_only));
    Ok(json!({
        "seeds": seeds,
        "first_seed": base,
        "a": va,
        "b": vb,
        "differences": d,
    }))
}

/// A finished run's executions over virtual time, for drawing two runs over each other: the
/// width of a step and, per step, the executions (the children and the parent, as
/// [`Simulation::series`] counts them) that have succeeded and failed so far.
/// At most `points` steps (the series' buckets merged).
pub fn timeline(sim: &Simulation, points: usize) -> Value {
    let series = sim.series();
    let buckets = &series.buckets;
    let per = buckets.len().div_ceil(points.max(1)).max(1);
    let (mut succeeded, mut failed) = (0u64, 0u64);
    let (mut s, mut f) = (Vec::new(), Vec::new());
    for chunk in buckets.chunks(per) {
        for b in chunk {
            succeeded += b.succeeded;
            failed += b.failed;
        }
        s.push(succeeded);
        f.push(failed);
    }
    json!({
        "step_ms": series.bucket_ms * per as u64,
        "end_ms": sim.outcome().map_or(sim.now_ms(), |o| o.end_ms),
        "succeeded": s,
        "failed": f,
    })
}

/// Where two JSON documents differ: the pointers of the values that changed, were added or
/// were removed, with the value on each side (`None` where there is none), at most `limit`.
pub fn changed_values(
    a: &Value,
    b: &Value,
    limit: usize,
) -> Vec<(String, Option<Value>, Option<Value>)> {
    let mut out = Vec::new();
    walk("", Some(a), Some(b), limit, &mut out);
    out
}

fn walk(
    at: &str,
    a: Option<&Value>,
    b: Option<&Value>,
    limit: usize,
    out: &mut Vec<(String, Option<Value>, Option<Value>)>,
) {
    if out.len() >= limit || a == b {
        return;
    }
    match (a, b) {
        (Some(Value::Object(x)), Some(Value::Object(y))) => {
            let keys: BTreeSet<&String> = x.keys().chain(y.keys()).collect();
            for k in keys {
                walk(&asl::pointer::push(at, k), x.get(k), y.get(k), limit, out);
            }
        }
        (Some(Value::Array(x)), Some(Value::Array(y))) if x.len() == y.len() => {
            for (i, (p, q)) in x.iter().zip(y).enumerate() {
                walk(&format!("{at}/{i}"), Some(p), Some(q), limit, out);
            }
        }
        _ => out.push((at.to_string(), a.cloned(), b.cloned())),
    }
}
