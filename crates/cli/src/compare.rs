//! `mapsim compare A_DEFINITION B_DEFINITION [--scenario F] [--scenario-b F] [--seeds K]
//! [--format text|json]`: two settings on the same seeds, side by side, and what changed.

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::io::Write;

use engine::report::ChildStatus;
use engine::sim::{SimOptions, Simulation};
use engine::sweep::{self, RunSample};
use serde_json::{json, Map, Value};

use crate::run::{self, Arg, Common, Format, Prepared};
use crate::Outcome;

const USAGE: &str = "\
usage: mapsim compare A_DEFINITION B_DEFINITION [--scenario FILE] [--scenario-b FILE]
                      [--seed N] [--seeds K] [--format text|json] [--region REGION]

  --scenario FILE    the scenario of both (and of A when --scenario-b is given)
  --scenario-b FILE  B's own scenario
  --seeds K          compare over the seeds S … S+K−1 (S the scenario's seed); default 1: one
                     run each, with both summaries and the items whose outcome changed
  --format FORMAT    text (default) or json: {\"seeds\", \"a\", \"b\", \"differences\"}

exit status: 0 compared, 2 the input could not be used
";

/// Items listed by name in each direction of change, at most.
const MAX_LISTED_ITEMS: usize = 1000;

pub fn main(args: Vec<OsString>) -> Outcome {
    let mut parser = lexopt::Parser::from_args(args);
    let mut a = Common::default();
    let mut b_definition: Option<OsString> = None;
    let mut b_scenario: Option<OsString> = None;
    let mut seeds: u32 = 1;
    let mut format = Format::Text;
    loop {
        let arg = match Arg::next(&mut parser) {
            Ok(Some(arg)) => arg,
            Ok(None) => break,
            Err(e) => return usage_error(&e),
        };
        match &arg {
            Arg::Value(v) if a.definition.is_some() && b_definition.is_none() => {
                b_definition = Some(v.clone());
                continue;
            }
            _ => {}
        }
        match a.accept(&arg, &mut parser) {
            Ok(true) => continue,
            Ok(false) => {}
            Err(message) => return usage_error(&message),
        }
        let mut value = || parser.value().map_err(|e| e.to_string());
        match arg {
            Arg::Long(l) if l == "scenario-b" => match value() {
                Ok(v) => b_scenario = Some(v),
                Err(e) => return usage_error(&e),
            },
            Arg::Long(l) if l == "seeds" => {
                let text = match value() {
                    Ok(v) => v.to_string_lossy().into_owned(),
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
            Arg::Long(l) if l == "format" => match value()
                .map(|v| v.to_string_lossy().into_owned())
                .as_deref()
            {
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
    let Some(b_definition) = b_definition else {
        return usage_error("two definitions are needed: A_DEFINITION B_DEFINITION");
    };
    let b = Common {
        definition: Some(b_definition),
        scenario: b_scenario.or_else(|| a.scenario.clone()),
        seed: a.seed,
        machine: a.machine.clone(),
        redrive: None,
        region: a.region.clone(),
    };
    let (Some(pa), Some(pb)) = (run::prepare(&a), run::prepare(&b)) else {
        return Outcome::Unusable;
    };
    let document = if seeds == 1 {
        match one_seed(&pa, &a, &pb, &b) {
            Some(d) => d,
            None => return Outcome::Unusable,
        }
    } else {
        match many_seeds(&pa, &a, &pb, &b, seeds) {
            Some(d) => d,
            None => return Outcome::Unusable,
        }
    };
    let text = match format {
        Format::Json => serde_json::to_string_pretty(&document).unwrap_or_default(),
        Format::Text => text(&pa, &pb, &document),
    };
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let _ = writeln!(out, "{text}");
    let _ = out.flush();
    Outcome::Success
}

fn summary_with_cost(prepared: &Prepared, common: &Common, sim: &Simulation) -> Value {
    let mut summary = sim.summary();
    if let Value::Object(map) = &mut summary {
        let cost = engine::cost::estimate(sim, &run::cost_options(prepared, common));
        map.insert(
            "cost".into(),
            cost.ok()
                .and_then(|c| serde_json::to_value(c).ok())
                .unwrap_or(Value::Null),
        );
    }
    summary
}

/// Each item's outcome in a simulation's first Map Run of each state: `item → status`.
fn item_outcomes(sim: &Simulation) -> BTreeMap<(String, u32), ChildStatus> {
    let mut out = BTreeMap::new();
    let mut seen = std::collections::BTreeSet::new();
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

fn one_seed(pa: &Prepared, a: &Common, pb: &Prepared, b: &Common) -> Option<Value> {
    let mut sa = run::simulation(pa, SimOptions::default())?;
    let mut sb = run::simulation(pb, SimOptions::default())?;
    sa.run();
    sb.run();
    let summary_a = summary_with_cost(pa, a, &sa);
    let summary_b = summary_with_cost(pb, b, &sb);
    let mut differences = differences(&summary_a, &summary_b);
    let (oa, ob) = (item_outcomes(&sa), item_outcomes(&sb));
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
    Some(json!({
        "seeds": 1,
        "seed": pa.scenario.seed,
        "a": summary_a,
        "b": summary_b,
        "differences": differences,
    }))
}

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
fn differences(a: &Value, b: &Value) -> Value {
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
    let runs_a = a["map_runs"].as_array().cloned().unwrap_or_default();
    let runs_b = b["map_runs"].as_array().cloned().unwrap_or_default();
    let runs: Vec<Value> = runs_a
        .iter()
        .zip(&runs_b)
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
    let names: std::collections::BTreeSet<String> = ["a", "b"]
        .iter()
        .zip([a, b])
        .flat_map(|(_, s)| {
            s["states"]
                .as_object()
                .map(|m| m.keys().cloned().collect::<Vec<_>>())
                .unwrap_or_default()
        })
        .collect();
    for name in names {
        let ra = a["states"][&name]["retries"].as_u64().unwrap_or(0);
        let rb = b["states"][&name]["retries"].as_u64().unwrap_or(0);
        if ra != 0 || rb != 0 {
            retries.insert(name, pair(&json!(ra), &json!(rb)));
        }
    }
    d.insert("retries_by_state".into(), Value::Object(retries));
    Value::Object(d)
}

fn many_seeds(pa: &Prepared, a: &Common, pb: &Prepared, b: &Common, seeds: u32) -> Option<Value> {
    let base = pa.scenario.seed;
    let model_a = pa.loaded.model.as_ref()?;
    let model_b = pb.loaded.model.as_ref()?;
    let (cost_a, cost_b) = (run::cost_options(pa, a), run::cost_options(pb, b));
    let mut samples_a: Vec<RunSample> = Vec::new();
    let mut samples_b: Vec<RunSample> = Vec::new();
    let (mut a_only, mut b_only) = (0u64, 0u64);
    let (mut scenario_a, mut scenario_b) = (pa.scenario.clone(), pb.scenario.clone());
    for k in 0..seeds {
        let seed = base.wrapping_add(u64::from(k));
        scenario_a.seed = seed;
        scenario_b.seed = seed;
        let mut sa = Simulation::new(model_a, &scenario_a, SimOptions::default()).ok()?;
        let mut sb = Simulation::new(model_b, &scenario_b, SimOptions::default()).ok()?;
        sa.run();
        sb.run();
        let (x, y) = (sweep::sample(&sa, &cost_a), sweep::sample(&sb, &cost_b));
        a_only += u64::from(x.failed && !y.failed);
        b_only += u64::from(y.failed && !x.failed);
        samples_a.push(x);
        samples_b.push(y);
    }
    let (stats_a, stats_b) = (sweep::statistics(&samples_a), sweep::statistics(&samples_b));
    let va = serde_json::to_value(&stats_a).ok()?;
    let vb = serde_json::to_value(&stats_b).ok()?;
    let mut d = Map::new();
    for key in [
        "p_execution_failed",
        "p_map_run_failed",
        "mean_retries",
        "mean_cost_usd",
    ] {
        d.insert(key.into(), pair(&va[key], &vb[key]));
    }
    d.insert(
        "duration_seconds_p50".into(),
        pair(
            &va["duration_seconds"]["p50"],
            &vb["duration_seconds"]["p50"],
        ),
    );
    d.insert(
        "duration_seconds_p95".into(),
        pair(
            &va["duration_seconds"]["p95"],
            &vb["duration_seconds"]["p95"],
        ),
    );
    d.insert("seeds_failed_in_a_only".into(), json!(a_only));
    d.insert("seeds_failed_in_b_only".into(), json!(b_only));
    Some(json!({
        "seeds": seeds,
        "first_seed": base,
        "a": va,
        "b": vb,
        "differences": d,
    }))
}

fn text(pa: &Prepared, pb: &Prepared, doc: &Value) -> String {
    use std::fmt::Write as _;
    let mut t = String::new();
    let _ = writeln!(
        t,
        "mapsim compare — A: {}   B: {}   ({} seed{} from {})",
        pa.definition_name,
        pb.definition_name,
        doc["seeds"],
        if doc["seeds"] == 1 { "" } else { "s" },
        doc.get("seed")
            .or(doc.get("first_seed"))
            .unwrap_or(&Value::Null)
    );
    let d = &doc["differences"];
    let show = |v: &Value| -> String {
        match v {
            Value::String(s) => s.clone(),
            Value::Null => "—".into(),
            Value::Number(n) => {
                let f = n.as_f64().unwrap_or(0.0);
                if f.fract() == 0.0 {
                    format!("{f:.0}")
                } else {
                    format!("{f:.4}")
                }
            }
            other => other.to_string(),
        }
    };
    let _ = writeln!(t, "\n  {:<28} {:>22} {:>22}", "", "A", "B");
    if let Some(map) = d.as_object() {
        for (key, v) in map {
            if v.get("a").is_some() {
                let _ = writeln!(t, "  {key:<28} {:>22} {:>22}", show(&v["a"]), show(&v["b"]));
            } else if v.is_number() {
                let _ = writeln!(t, "  {key:<28} {:>22}", show(v));
            }
        }
    }
    for run in d["map_runs"].as_array().into_iter().flatten() {
        let _ = writeln!(
            t,
            "\n  Map Run of {}: {} → {}",
            show(&run["state"]),
            show(&run["status"]["a"]),
            show(&run["status"]["b"])
        );
        if let Some(counts) = run["item_counts"].as_object() {
            for (k, v) in counts {
                let _ = writeln!(
                    t,
                    "    items {k:<20} {:>22} {:>22}",
                    show(&v["a"]),
                    show(&v["b"])
                );
            }
        }
    }
    if let Some(retries) = d["retries_by_state"].as_object() {
        if !retries.is_empty() {
            let _ = writeln!(t, "\n  retries by state");
            for (name, v) in retries {
                let _ = writeln!(
                    t,
                    "    {name:<26} {:>22} {:>22}",
                    show(&v["a"]),
                    show(&v["b"])
                );
            }
        }
    }
    if let Some(items) = d.get("items") {
        let line = |label: &str, v: &Value| -> String {
            let list: Vec<String> = v["items"]
                .as_array()
                .into_iter()
                .flatten()
                .take(12)
                .map(|i| format!("{}", i["item"]))
                .collect();
            let more = v["count"].as_u64().unwrap_or(0) as usize > list.len();
            format!(
                "  {label}: {} {}{}",
                v["count"],
                list.join(", "),
                if more { ", …" } else { "" }
            )
        };
        let _ = writeln!(t);
        let _ = writeln!(
            t,
            "{}",
            line(
                "items failed in A, succeeded in B",
                &items["failed_in_a_succeeded_in_b"]
            )
        );
        let _ = writeln!(
            t,
            "{}",
            line(
                "items succeeded in A, failed in B",
                &items["succeeded_in_a_failed_in_b"]
            )
        );
        let _ = writeln!(
            t,
            "  items with another change (aborted, pending, timed out): {}",
            items["other_changes"]
        );
    }
    t.trim_end().to_string()
}

fn usage_error(message: &str) -> Outcome {
    eprintln!("mapsim compare: {message}\n");
    eprint!("{USAGE}");
    Outcome::Unusable
}
