//! `mapsim history DEFINITION [--scenario FILE] [--seed N] [--item N] [--machine ID]`: the
//! parent's execution history, or item N's child execution history, as AWS
//! `GetExecutionHistory` JSON. Exit status as `mapsim run`.

use std::ffi::OsString;
use std::io::Write;

use engine::sim::{ExecutionStatus, SimOptions};

use crate::run::{prepare, simulation, Arg, Common};
use crate::Outcome;

const USAGE: &str = "\
usage: mapsim history DEFINITION [--scenario FILE] [--seed N] [--item N] [--machine ID]

  prints {\"events\": [...]} as `aws stepfunctions get-execution-history` would: the parent
  execution's history, or with --item N the history of the child execution that processed
  item N (in the last Map Run that started it; with ItemBatcher, the batch holding item N).
  --scenario, --seed and --machine are as for `mapsim run` (same default scenario).

exit status: 0 the (parent or child) execution SUCCEEDED, 1 it did not, 2 the input could not
be used or item N was never started
";

pub fn main(args: Vec<OsString>) -> Outcome {
    let mut parser = lexopt::Parser::from_args(args);
    let mut common = Common::default();
    let mut item: Option<u64> = None;
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
            Arg::Long(l) if l == "item" => {
                let value = match parser.value() {
                    Ok(v) => v,
                    Err(e) => return usage_error(&e.to_string()),
                };
                let text = value.to_string_lossy();
                match text.parse() {
                    Ok(n) => item = Some(n),
                    Err(_) => {
                        return usage_error(&format!("--item must be an item index, not {text:?}"))
                    }
                }
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
    let (parent_status, _) = crate::run::run_with_redrives(&prepared, &mut sim, common.redrive);
    let (document, status) = match item {
        None => (sim.parent_history_json(), parent_status),
        Some(index) => {
            // The last Map Run in which this item's child started.
            let found = sim
                .map_runs()
                .iter()
                .enumerate()
                .rev()
                .find_map(|(r, run)| {
                    if u64::from(run.setup.n_items) <= index {
                        return None;
                    }
                    let child = match &run.setup.batches {
                        None => index as usize,
                        Some(bounds) => bounds
                            .partition_point(|b| u64::from(*b) <= index)
                            .saturating_sub(1),
                    };
                    let started = run
                        .children
                        .get(child)
                        .is_some_and(|c| c.status != engine::report::ChildStatus::Pending);
                    started.then_some((r, child))
                });
            let Some((run, child)) = found else {
                eprintln!(
                    "mapsim history: item {index} was never started by a Distributed Map in this run ({} Map Run{})",
                    sim.map_runs().len(),
                    if sim.map_runs().len() == 1 { "" } else { "s" }
                );
                return Outcome::Unusable;
            };
            match sim.child_trace(run, child) {
                Ok(trace) => (
                    engine::history::to_aws_json(&trace.history, prepared.scenario.start_epoch_ms),
                    trace.status,
                ),
                Err(message) => {
                    eprintln!("mapsim history: {message}");
                    return Outcome::Unusable;
                }
            }
        }
    };
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let _ = writeln!(
        out,
        "{}",
        serde_json::to_string_pretty(&document).unwrap_or_default()
    );
    let _ = out.flush();
    if status == ExecutionStatus::Succeeded {
        Outcome::Success
    } else {
        Outcome::Failure
    }
}

fn usage_error(message: &str) -> Outcome {
    eprintln!("mapsim history: {message}\n");
    eprint!("{USAGE}");
    Outcome::Unusable
}
