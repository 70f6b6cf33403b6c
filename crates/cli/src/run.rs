//! `mapsim run DEFINITION [--scenario FILE] [--seed N] [--format text|json] [--machine ID]`:
//! simulate an execution to its end and print a summary (exit 0 SUCCEEDED, 1 not, 2 unusable).
//!
//! Also the shared set-up of `run` and `history`: reading the definition and the
//! scenario, with every problem printed as `FILE:LINE:COL: error: message`.

use std::ffi::OsString;
use std::fmt::Write as _;
use std::io::Write;

use asl::{LoadOptions, Loaded};
use engine::scenario::{self, Scenario};
use engine::sim::{ExecutionStatus, SimOptions, Simulation};
use serde_json::Value;

use crate::Outcome;

const USAGE: &str = "\
usage: mapsim run DEFINITION [--scenario FILE] [--seed N] [--format text|json] [--machine ID]
                  [--redrive N] [--region REGION]

  DEFINITION       an ASL definition (JSON or YAML), a CloudFormation/SAM template, or
                   `aws stepfunctions describe-state-machine` output
  --scenario FILE  the scenario document (seed, items, task latencies and faults, limits).
                   Without it: the default scenario — seed 0, the execution input {}, every
                   Distributed Map over 100 items {\"index\": i} (and, in a machine without
                   one, every Inline Map outside other Maps), every Task succeeding after
                   100 ms, no Lambda concurrency limit.
  --seed N         override the scenario's seed
  --format FORMAT  text (default) or json (the summary document)
  --machine ID     in a template holding several state machines, the logical id to run
  --redrive N      while the execution ends unsuccessfully, redrive it (RedriveExecution), up
                   to N times; the scenario's redrives[i] says what is different on the
                   i+1-th. The summary's `redrives` lists each; its status is the last one's.
  --region REGION  the prices the summary's `cost` uses (default: the scenario's
                   pricing.region, else us-east-1)

exit status: 0 the execution SUCCEEDED, 1 it did not, 2 the input could not be used
";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Text,
    Json,
}

/// Arguments shared by `run` and `history`.
#[derive(Debug, Default)]
pub struct Common {
    pub definition: Option<OsString>,
    pub scenario: Option<OsString>,
    pub seed: Option<u64>,
    pub machine: Option<String>,
    /// `--redrive N`: redrive up to N times while the execution ends unsuccessfully.
    pub redrive: Option<u32>,
    /// `--region R`: the prices the cost is worked out with.
    pub region: Option<String>,
}

/// A command-line argument, owned (lexopt's borrows the parser).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Arg {
    Long(String),
    Short(char),
    Value(OsString),
}

impl Arg {
    pub fn next(parser: &mut lexopt::Parser) -> Result<Option<Arg>, String> {
        Ok(match parser.next().map_err(|e| e.to_string())? {
            None => None,
            Some(lexopt::Arg::Long(l)) => Some(Arg::Long(l.to_string())),
            Some(lexopt::Arg::Short(c)) => Some(Arg::Short(c)),
            Some(lexopt::Arg::Value(v)) => Some(Arg::Value(v)),
        })
    }

    pub fn unexpected(&self) -> String {
        match self {
            Arg::Long(l) => format!("invalid option '--{l}'"),
            Arg::Short(c) => format!("invalid option '-{c}'"),
            Arg::Value(v) => format!("unexpected argument {v:?}"),
        }
    }
}

impl Common {
    /// Handles one argument common to `run` and `history`; `Ok(false)` if it is not one.
    pub fn accept(&mut self, arg: &Arg, parser: &mut lexopt::Parser) -> Result<bool, String> {
        match arg {
            Arg::Long(l) if l == "scenario" => {
                self.scenario = Some(parser.value().map_err(|e| e.to_string())?);
            }
            Arg::Long(l) if l == "seed" => {
                let value = parser.value().map_err(|e| e.to_string())?;
                let text = value.to_string_lossy();
                self.seed = Some(text.parse().map_err(|_| {
                    format!(
                        "--seed must be a whole number from 0 to {}, not {text:?}",
                        u64::MAX
                    )
                })?);
            }
            Arg::Long(l) if l == "redrive" => {
                let value = parser.value().map_err(|e| e.to_string())?;
                let text = value.to_string_lossy();
                self.redrive = Some(
                    text.parse()
                        .ok()
                        .filter(|n| *n <= engine::sim::MAX_MAP_RUN_REDRIVES)
                        .ok_or_else(|| {
                            format!(
                                "--redrive must be a whole number from 0 to {}, not {text:?}",
                                engine::sim::MAX_MAP_RUN_REDRIVES
                            )
                        })?,
                );
            }
            Arg::Long(l) if l == "region" => {
                let value = parser.value().map_err(|e| e.to_string())?;
                let text = value.to_string_lossy().into_owned();
                let table = engine::cost::PriceTable::builtin();
                if table.region(&text).is_none() {
                    return Err(format!(
                        "--region must be a region of the price file ({}), not {text:?}",
                        table.region_names().join(", ")
                    ));
                }
                self.region = Some(text);
            }
            Arg::Long(l) if l == "machine" => {
                self.machine = Some(
                    parser
                        .value()
                        .map_err(|e| e.to_string())?
                        .to_string_lossy()
                        .into_owned(),
                );
            }
            Arg::Value(file) if self.definition.is_none() => {
                self.definition = Some(file.clone());
            }
            _ => return Ok(false),
        }
        Ok(true)
    }
}

/// A definition and scenario ready to simulate.
pub struct Prepared {
    pub definition_name: String,
    pub loaded: Loaded,
    pub scenario: Scenario,
}

/// Reads, validates and sets up; prints every problem (to stderr) and returns `None` when the
/// input cannot be used.
pub fn prepare(common: &Common) -> Option<Prepared> {
    let Some(definition) = &common.definition else {
        eprintln!("mapsim: no DEFINITION given");
        return None;
    };
    let name = definition.to_string_lossy().into_owned();
    let bytes = match read(definition) {
        Ok(b) => b,
        Err(message) => {
            eprintln!("{name}:1:1: error: cannot read the file: {message}");
            return None;
        }
    };
    let options = LoadOptions {
        machine: common.machine.clone(),
        ..LoadOptions::default()
    };
    let loaded = asl::load_bytes(&bytes, &options);
    if loaded.has_errors() || loaded.model.is_none() {
        for d in &loaded.diagnostics {
            let (line, column) = d.location.map_or((1, 1), |l| (l.line, l.column));
            eprintln!(
                "{name}:{line}:{column}: {}: {} [{}]",
                d.severity.as_str(),
                d.message.replace(['\n', '\r'], " "),
                d.code
            );
        }
        if loaded.diagnostics.is_empty() {
            eprintln!("{name}:1:1: error: no state machine found");
        }
        return None;
    }
    let mut scenario = match &common.scenario {
        None => default_scenario(),
        Some(file) => {
            let shown = file.to_string_lossy().into_owned();
            let text = match read(file)
                .and_then(|b| String::from_utf8(b).map_err(|_| "it is not UTF-8 text".to_string()))
            {
                Ok(t) => t,
                Err(message) => {
                    eprintln!("{shown}:1:1: error: cannot read the scenario: {message}");
                    return None;
                }
            };
            let parsed = match scenario::parse(&text) {
                Ok(s) => s,
                Err(errors) => {
                    print_scenario_errors(&shown, &errors);
                    return None;
                }
            };
            if let Some(model) = loaded.model.as_ref() {
                let errors = scenario::check_against(&parsed, model, Some(&text));
                if !errors.is_empty() {
                    print_scenario_errors(&shown, &errors);
                    return None;
                }
            }
            let mut parsed = parsed;
            if let Some(item_file) = parsed.item_file.as_mut() {
                // The file is read beside the scenario, as the scenario names it.
                let path = std::path::Path::new(file).parent().map_or_else(
                    || item_file.name.clone().into(),
                    |dir| dir.join(&item_file.name),
                );
                let too_big =
                    std::fs::metadata(&path).is_ok_and(|m| m.len() > scenario::MAX_ITEM_FILE_BYTES);
                if too_big {
                    let (line, column) = scenario::locate(&text, "/items/file").unwrap_or((1, 1));
                    eprintln!(
                        "{shown}:{line}:{column}: error: items.file: {} is larger than the {} MiB mapsim reads",
                        path.display(),
                        scenario::MAX_ITEM_FILE_BYTES >> 20
                    );
                    return None;
                }
                match std::fs::read(&path) {
                    Ok(bytes) => item_file.bytes = Some(std::rc::Rc::new(bytes)),
                    Err(e) => {
                        let (line, column) =
                            scenario::locate(&text, "/items/file").unwrap_or((1, 1));
                        eprintln!(
                            "{shown}:{line}:{column}: error: items.file: cannot read {}: {e}",
                            path.display()
                        );
                        return None;
                    }
                }
            }
            parsed
        }
    };
    if let Some(seed) = common.seed {
        scenario.seed = seed;
    }
    Some(Prepared {
        definition_name: name,
        loaded,
        scenario,
    })
}

fn print_scenario_errors(file: &str, errors: &[scenario::ScenarioError]) {
    for e in errors {
        eprintln!(
            "{file}:{}:{}: error: {}",
            e.line.unwrap_or(1),
            e.column.unwrap_or(1),
            e.message
        );
    }
}

/// The scenario used without `--scenario` (documented in `--help`).
pub fn default_scenario() -> Scenario {
    Scenario {
        items: Some(scenario::Items::Count(100)),
        ..Scenario::default()
    }
}

/// Builds the simulation, printing definition problems the engine found.
pub fn simulation(prepared: &Prepared, options: SimOptions) -> Option<Simulation> {
    let model = prepared.loaded.model.as_ref()?;
    match Simulation::new(model, &prepared.scenario, options) {
        Ok(sim) => Some(sim),
        Err(engine::sim::SetupError::Definition(errors)) => {
            for e in errors {
                let (line, column) = prepared
                    .loaded
                    .location(&e.pointer)
                    .map_or((1, 1), |l| (l.line, l.column));
                eprintln!(
                    "{}:{line}:{column}: error: {}",
                    prepared.definition_name, e.message
                );
            }
            None
        }
        Err(engine::sim::SetupError::Scenario(errors)) => {
            print_scenario_errors("scenario", &errors);
            None
        }
    }
}

pub fn read(file: &OsString) -> Result<Vec<u8>, String> {
    let path = std::path::Path::new(file);
    if path.is_dir() {
        return Err("it is a directory".to_string());
    }
    let limit = asl::limits::MAX_INPUT_BYTES as u64 * 4;
    if let Ok(metadata) = std::fs::metadata(path) {
        if metadata.len() > limit {
            return Err(format!(
                "it is {} bytes long; mapsim reads at most {limit} bytes",
                metadata.len()
            ));
        }
    }
    std::fs::read(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => "no such file".to_string(),
        std::io::ErrorKind::PermissionDenied => "permission denied".to_string(),
        _ => e.to_string(),
    })
}

pub fn main(args: Vec<OsString>) -> Outcome {
    let mut parser = lexopt::Parser::from_args(args);
    let mut common = Common::default();
    let mut format = Format::Text;
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
            Arg::Long(l) if l == "format" => {
                let value = match parser.value() {
                    Ok(v) => v,
                    Err(e) => return usage_error(&e.to_string()),
                };
                format = match value.to_str() {
                    Some("text") => Format::Text,
                    Some("json") => Format::Json,
                    _ => {
                        return usage_error(&format!(
                            "--format must be text or json, not {value:?}"
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
    let Some(prepared) = prepare(&common) else {
        return Outcome::Unusable;
    };
    let Some(mut sim) = simulation(&prepared, SimOptions::default()) else {
        return Outcome::Unusable;
    };
    let (status, redrives) = run_with_redrives(&prepared, &mut sim, common.redrive);
    let mut summary = sim.summary();
    if let Value::Object(map) = &mut summary {
        if let Some(list) = redrives {
            map.insert("redrives".into(), Value::Array(list));
        }
        let cost = engine::cost::estimate(&sim, &cost_options(&prepared, &common));
        map.insert(
            "cost".into(),
            cost.ok()
                .and_then(|c| serde_json::to_value(c).ok())
                .unwrap_or(Value::Null),
        );
    }
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let text = match format {
        Format::Json => serde_json::to_string_pretty(&summary).unwrap_or_default(),
        Format::Text => text_summary(&prepared, &sim, &summary),
    };
    let _ = writeln!(out, "{text}");
    let _ = out.flush();
    if status == ExecutionStatus::Succeeded {
        Outcome::Success
    } else {
        Outcome::Failure
    }
}

/// How the run is priced: the scenario's `pricing`, `--region` over its region, and an Express
/// parent when the template or describe output says the state machine is one.
pub fn cost_options(prepared: &Prepared, common: &Common) -> engine::cost::CostOptions {
    let mut options = engine::cost::CostOptions::from_scenario(&prepared.scenario);
    if let Some(region) = &common.region {
        options.region = region.clone();
    }
    options.express_parent = prepared.loaded.workflow_type == Some(asl::ExecutionType::Express);
    options
}

/// Runs the execution to its end, then — with `--redrive N` — redrives it while it ends
/// unsuccessfully, up to N times. Returns the last status and, with `--redrive`, one entry per
/// redrive (`redrive_count`, `status`, `error`, `cause`, `map_runs`). A redrive AWS would refuse
/// is said on stderr with AWS's error and ends the loop.
pub fn run_with_redrives(
    prepared: &Prepared,
    sim: &mut Simulation,
    redrive: Option<u32>,
) -> (ExecutionStatus, Option<Vec<Value>>) {
    let mut status = sim.run().status;
    let Some(limit) = redrive else {
        return (status, None);
    };
    let mut redrives = Vec::new();
    let Some(model) = prepared.loaded.model.as_ref() else {
        return (status, Some(redrives));
    };
    for _ in 0..limit {
        if status == ExecutionStatus::Succeeded {
            break;
        }
        if let Err(e) = sim.redrive(model) {
            eprintln!("mapsim: redrive: {e}");
            break;
        }
        status = sim.run().status;
        let summary = sim.summary();
        let mut entry = serde_json::Map::new();
        entry.insert("redrive_count".into(), Value::from(sim.redrive_count()));
        for key in ["status", "error", "cause", "map_runs"] {
            entry.insert(key.into(), summary.get(key).cloned().unwrap_or(Value::Null));
        }
        redrives.push(Value::Object(entry));
    }
    (status, Some(redrives))
}

fn usage_error(message: &str) -> Outcome {
    eprintln!("mapsim run: {message}\n");
    eprint!("{USAGE}");
    Outcome::Unusable
}

fn number(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn counts_line(label: &str, counts: &Value) -> String {
    let get = |k: &str| counts.get(k).and_then(Value::as_u64).unwrap_or(0);
    format!(
        "    {label:<11} pending {}  running {}  succeeded {}  failed {}  timed out {}  aborted {}  total {}",
        number(get("pending")),
        number(get("running")),
        number(get("succeeded")),
        number(get("failed")),
        number(get("timed_out")),
        number(get("aborted")),
        number(get("total"))
    )
}

/// The readable summary.
pub fn text_summary(prepared: &Prepared, sim: &Simulation, summary: &Value) -> String {
    let mut t = String::new();
    let s = |v: &Value| v.as_str().unwrap_or("").to_string();
    let _ = writeln!(
        t,
        "mapsim run {} — seed {}, a history of {} events ({} engine steps)",
        prepared.definition_name,
        prepared.scenario.seed,
        number(sim.parent_history_len() as u64),
        number(sim.events_processed())
    );
    let duration = summary
        .get("duration_seconds")
        .and_then(Value::as_f64)
        .unwrap_or(0.0);
    let _ = writeln!(
        t,
        "{}  (virtual duration {} = {duration} s)",
        s(&summary["verdict"]),
        engine::sim::clock_text((duration * 1000.0) as u64)
    );
    if let Some(cause) = summary.get("cause").and_then(Value::as_str) {
        let _ = writeln!(t, "  cause: {cause}");
    }
    if let Some(redrives) = summary.get("redrives").and_then(Value::as_array) {
        if redrives.is_empty() {
            let _ = writeln!(t, "  not redriven");
        }
        for r in redrives {
            let counts = r["map_runs"]
                .as_array()
                .and_then(|runs| runs.last())
                .map(|run| {
                    let c = &run["item_counts"];
                    let get = |k: &str| c.get(k).and_then(Value::as_u64).unwrap_or(0);
                    format!(
                        " — items succeeded {}, failed {}, timed out {}, aborted {}, pending {}",
                        number(get("succeeded")),
                        number(get("failed")),
                        number(get("timed_out")),
                        number(get("aborted")),
                        number(get("pending"))
                    )
                })
                .unwrap_or_default();
            let _ = writeln!(
                t,
                "  redrive {}: {}{}{counts}",
                r["redrive_count"],
                s(&r["status"]),
                r["error"]
                    .as_str()
                    .map_or(String::new(), |e| format!(" ({e})"))
            );
        }
    }
    if let Some(alarms) = summary.get("alarms").and_then(Value::as_array) {
        let _ = writeln!(t, "\nAlarms:");
        for alarm in alarms {
            let _ = writeln!(
                t,
                "  {}: {} at the end",
                s(&alarm["name"]),
                s(&alarm["state"])
            );
            for tr in alarm
                .get("transitions")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                let at = tr.get("at_seconds").and_then(Value::as_f64).unwrap_or(0.0);
                let _ = writeln!(
                    t,
                    "    {}  {} -> {}  {}",
                    engine::sim::clock_text((at * 1000.0) as u64),
                    s(&tr["from"]),
                    s(&tr["to"]),
                    s(&tr["reason"])
                );
            }
        }
    }
    if let Some(cost) = summary.get("cost").filter(|c| c.is_object()) {
        let f = |k: &str| cost.get(k).and_then(Value::as_f64).unwrap_or(0.0);
        let u = |k: &str| cost.get(k).and_then(Value::as_u64).unwrap_or(0);
        let _ = writeln!(
            t,
            "\nCost in {}: ${:.4}{} — retries {:.1} %",
            s(&cost["region"]),
            f("total_usd"),
            cost.get("per_1000_items_usd")
                .and_then(Value::as_f64)
                .map_or(String::new(), |p| format!(" (${p:.4} per 1,000 items)")),
            f("retry_share") * 100.0
        );
        let _ = writeln!(
            t,
            "    Standard ${:.4} ({} transitions)  Express ${:.4} ({} requests, {:.1} GB-s)  Lambda ${:.4} ({} requests, {:.1} GB-s)",
            f("standard_usd"),
            number(u("state_transitions")),
            f("express_usd"),
            number(u("express_requests")),
            f("express_gb_seconds"),
            f("lambda_usd"),
            number(u("lambda_requests")),
            f("lambda_gb_seconds")
        );
        for note in cost
            .get("notes")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let _ = writeln!(t, "    {}", s(note));
        }
    }
    if let Some(runs) = summary.get("map_runs").and_then(Value::as_array) {
        for (i, run) in runs.iter().enumerate() {
            let _ = writeln!(
                t,
                "\nMap Run #{} of {}: {}{}",
                i + 1,
                s(&run["state"]),
                s(&run["status"]),
                run.get("error")
                    .and_then(Value::as_str)
                    .map(|e| format!(" — {e}"))
                    .unwrap_or_default()
            );
            let _ = writeln!(t, "{}", counts_line("items", &run["item_counts"]));
            let _ = writeln!(t, "{}", counts_line("executions", &run["execution_counts"]));
            let tolerance = match (
                run.get("tolerated_failure_count").and_then(Value::as_u64),
                run.get("tolerated_failure_percentage")
                    .and_then(Value::as_f64),
            ) {
                (None, None) => "none set (the first failure fails the run)".to_string(),
                (Some(c), None) => format!("ToleratedFailureCount {c}"),
                (None, Some(p)) => format!("ToleratedFailurePercentage {p}"),
                (Some(c), Some(p)) => {
                    format!("ToleratedFailureCount {c}, ToleratedFailurePercentage {p}")
                }
            };
            let _ = writeln!(
                t,
                "    tolerance   {tolerance}; MaxConcurrency {}",
                run.get("max_concurrency")
                    .and_then(Value::as_u64)
                    .unwrap_or(0)
            );
            if let Some(verdict) = run.get("verdict").filter(|v| !v.is_null()) {
                let at = verdict
                    .get("at_seconds")
                    .and_then(Value::as_f64)
                    .unwrap_or(0.0);
                let _ = writeln!(
                    t,
                    "    threshold crossed at {}: {}",
                    engine::sim::clock_text((at * 1000.0) as u64),
                    s(&verdict["explanation"])
                );
            }
        }
    }
    let _ = writeln!(t, "\nStates:");
    let states = summary.get("states").and_then(Value::as_object);
    // The name column fits the longest name (state names may have up to 80 characters).
    let width = states
        .into_iter()
        .flat_map(|states| states.keys())
        .map(|name| name.chars().count())
        .fold(32, usize::max);
    let _ = writeln!(
        t,
        "    {:<width$} {:<9} {:>10} {:>10} {:>8} {:>8} {:>8}  errors",
        "state", "type", "entered", "succeeded", "failed", "retries", "caught"
    );
    if let Some(states) = states {
        for (name, st) in states {
            let get = |k: &str| st.get(k).and_then(Value::as_u64).unwrap_or(0);
            let errors = st
                .get("errors")
                .and_then(Value::as_object)
                .map(|m| {
                    m.iter()
                        .map(|(k, v)| format!("{k} ×{}", v.as_u64().unwrap_or(0)))
                        .collect::<Vec<_>>()
                        .join(", ")
                })
                .unwrap_or_default();
            let _ = writeln!(
                t,
                "    {:<width$} {:<9} {:>10} {:>10} {:>8} {:>8} {:>8}  {errors}",
                name,
                s(&st["type"]),
                number(get("entered")),
                number(get("succeeded")),
                number(get("failed")),
                number(get("retries")),
                number(get("caught"))
            );
        }
    }
    if let Some(assumptions) = summary.get("assumptions").and_then(Value::as_array) {
        if !assumptions.is_empty() {
            let _ = writeln!(
                t,
                "\nAssumptions this run relied on (choices no AWS source settles, and stand-ins the scenario made):"
            );
            for a in assumptions {
                let _ = writeln!(t, "  - {}", s(&a["assumption"]));
            }
        }
    }
    let _ = write!(t, "\ndigest {}", s(&summary["digest"]));
    t
}
