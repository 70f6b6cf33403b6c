//! `mapsim compare A_DEFINITION B_DEFINITION [--scenario F] [--scenario-b F] [--seeds K]
//! [--format text|json]`: two settings on the same seeds, side by side, and what changed.

use std::ffi::OsString;
use std::io::Write;

use engine::compare;
use engine::sim::SimOptions;
use engine::sweep;
use serde_json::Value;

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

fn one_seed(pa: &Prepared, a: &Common, pb: &Prepared, b: &Common) -> Option<Value> {
    let mut sa = run::simulation(pa, SimOptions::default())?;
    let mut sb = run::simulation(pb, SimOptions::default())?;
    sa.run();
    sb.run();
    let (cost_a, cost_b) = (run::cost_options(pa, a), run::cost_options(pb, b));
    Some(compare::one_seed(&sa, &cost_a, &sb, &cost_b))
}

fn many_seeds(pa: &Prepared, a: &Common, pb: &Prepared, b: &Common, seeds: u32) -> Option<Value> {
    let (cost_a, cost_b) = (run::cost_options(pa, a), run::cost_options(pb, b));
    let (Some(model_a), Some(model_b)) = (pa.loaded.model.as_ref(), pb.loaded.model.as_ref())
    else {
        return None;
    };
    let sa = compare::Side {
        model: model_a,
        scenario: &pa.scenario,
        cost: &cost_a,
    };
    let sb = compare::Side {
        model: model_b,
        scenario: &pb.scenario,
        cost: &cost_b,
    };
    match compare::many_seeds(sa, sb, seeds, |_, _| {}) {
        Ok(document) => Some(document),
        Err(e) => {
            eprintln!("mapsim compare: {e}");
            None
        }
    }
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
