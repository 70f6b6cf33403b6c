//! `mapsim export DEFINITION [--scenario F] --out DIR`: runs the execution to its end and
//! writes what a person takes away from it — for each Distributed Map's Map Run
//! `describe-map-run.json` (as `aws stepfunctions describe-map-run` prints it), `items.csv`
//! (one row per item: how its child ended, attempts, error, cause, end state) and the files its
//! `ResultWriter` writes; and the parent's `history.json` (`GetExecutionHistory`). With several
//! Map Runs, each has a folder of its own (`map-run-<n>-<label>`).

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use engine::sim::SimOptions;

use crate::run::{prepare, simulation, Arg, Common};
use crate::Outcome;

const USAGE: &str = "\
usage: mapsim export DEFINITION [--scenario FILE] [--seed N] [--redrive N] --out DIR

  runs the execution to its end and writes into DIR:
    history.json             the parent execution's history (GetExecutionHistory)
  and for each Map Run (in a folder map-run-<n>-<label> of its own when there are several):
    describe-map-run.json    DescribeMapRun's response, as the AWS CLI prints it
    items.csv                every item: index, child, status, attempts, error, cause,
                             end_state, decided_by
    manifest.json, SUCCEEDED_n.json, FAILED_n.json, PENDING_n.json
                             what the Map's ResultWriter writes (when it has one)

exit status: 0 written, 2 the input could not be used or DIR could not be written
";

pub fn main(args: Vec<OsString>) -> Outcome {
    let mut parser = lexopt::Parser::from_args(args);
    let mut common = Common::default();
    let mut out: Option<PathBuf> = None;
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
            Arg::Long(l) if l == "out" => match parser.value() {
                Ok(v) => out = Some(PathBuf::from(v)),
                Err(e) => return usage_error(&e.to_string()),
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
    let Some(out) = out else {
        return usage_error("no --out DIR given");
    };
    let Some(prepared) = prepare(&common) else {
        return Outcome::Unusable;
    };
    let Some(mut sim) = simulation(&prepared, SimOptions::default()) else {
        return Outcome::Unusable;
    };
    crate::run::run_with_redrives(&prepared, &mut sim, common.redrive);
    let mut files: Vec<(PathBuf, Vec<u8>)> = Vec::new();
    let history =
        serde_json::to_string_pretty(&sim.parent_history_json()).unwrap_or_default() + "\n";
    files.push((PathBuf::from("history.json"), history.into_bytes()));
    let runs = sim.map_runs().len();
    for run in 0..runs {
        let folder = if runs == 1 {
            PathBuf::new()
        } else {
            let label = sim
                .map_runs()
                .get(run)
                .map_or(String::new(), |r| safe_name(&r.setup.label));
            PathBuf::from(format!("map-run-{run}-{label}"))
        };
        if let Some(describe) = engine::export::describe_map_run(&sim, run) {
            let text = serde_json::to_string_pretty(&describe).unwrap_or_default() + "\n";
            files.push((folder.join("describe-map-run.json"), text.into_bytes()));
        }
        if let Some(csv) = engine::export::items_csv(&sim, run) {
            files.push((folder.join("items.csv"), csv.into_bytes()));
        }
        // What the Map's ResultWriter writes, by the file's name (its key's last part).
        for (key, text) in engine::export::result_writer_files(&sim, run).unwrap_or_default() {
            let name = key.rsplit('/').next().unwrap_or(&key).to_string();
            files.push((folder.join(name), text.into_bytes()));
        }
    }
    match write_all(&out, &files) {
        Ok(()) => {
            for (path, bytes) in &files {
                println!("{}  {} bytes", out.join(path).display(), bytes.len());
            }
            Outcome::Success
        }
        Err(message) => {
            eprintln!("mapsim export: {message}");
            Outcome::Unusable
        }
    }
}

/// A Map Run label as a folder name: letters, digits, `-`, `_` and `.` kept, the rest `_`.
fn safe_name(label: &str) -> String {
    label
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// Writes every file under `out`, each first as `NAME.partial` then renamed, so that no file
/// is ever left half-written; when one cannot be written, the files this export wrote are
/// removed again and the message says which file failed and why.
fn write_all(out: &Path, files: &[(PathBuf, Vec<u8>)]) -> Result<(), String> {
    let mut written: Vec<PathBuf> = Vec::new();
    let result: Result<(), String> = (|| {
        for (path, bytes) in files {
            let target = out.join(path);
            if let Some(dir) = target.parent() {
                std::fs::create_dir_all(dir)
                    .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
            }
            let partial = target.with_extension(match target.extension() {
                Some(ext) => format!("{}.partial", ext.to_string_lossy()),
                None => "partial".to_string(),
            });
            std::fs::write(&partial, bytes)
                .map_err(|e| format!("cannot write {}: {e}", partial.display()))?;
            std::fs::rename(&partial, &target).map_err(|e| {
                let _ = std::fs::remove_file(&partial);
                format!("cannot write {}: {e}", target.display())
            })?;
            written.push(target);
        }
        Ok(())
    })();
    if result.is_err() {
        for path in &written {
            let _ = std::fs::remove_file(path);
        }
    }
    result.map_err(|message| {
        if written.is_empty() {
            format!("{message}; nothing was written")
        } else {
            format!(
                "{message}; the {} files written before it were removed again",
                written.len()
            )
        }
    })
}

fn usage_error(message: &str) -> Outcome {
    eprintln!("mapsim export: {message}\n");
    eprint!("{USAGE}");
    Outcome::Unusable
}
