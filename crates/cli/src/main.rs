//! `mapsim`: the engine headless — validate, run, history, metrics, logs and export from the command
//! line.
//!
//! Exit codes (the contract in PRODUCT.md): `validate` 0 = no errors, 1 = errors, 2 = a file
//! could not be read; `run` 0 = the execution SUCCEEDED, 1 = it did not, 2 = the input could not
//! be used; `history` as `run`.

mod compare;
mod export;
mod history;
mod logs;
mod metrics;
mod run;
mod sweep;
mod validate;

use std::process::ExitCode;

const USAGE: &str = "\
mapsim — simulate AWS Step Functions Distributed Map runs in virtual time

USAGE:
    mapsim validate FILE... [--format text|json] [--machine ID] [--type STANDARD|EXPRESS]
    mapsim run DEFINITION [--scenario FILE] [--seed N] [--format text|json] [--redrive N]
    mapsim history DEFINITION [--scenario FILE] [--seed N] [--item N] [--machine ID]
    mapsim metrics DEFINITION [--scenario FILE] [--period S] [--metric NS/NAME] [--stat STAT]
    mapsim logs DEFINITION [--scenario FILE] --query QUERY [--level ALL|ERROR|FATAL|OFF]
    mapsim export DEFINITION [--scenario FILE] [--seed N] [--redrive N] --out DIR
    mapsim sweep DEFINITION [--scenario FILE] --vary POINTER=FROM:TO:STEP [--vary ...]
                 [--seeds K] [--jobs J] [--format text|json]
    mapsim compare A_DEFINITION B_DEFINITION [--scenario FILE] [--scenario-b FILE] [--seeds K]
                 [--format text|json]

Exit codes: 0 success, 1 errors found / execution did not succeed, 2 input could not be used.
";

/// What a subcommand reports back to `main`.
pub enum Outcome {
    /// Exit 0.
    Success,
    /// Exit 1: the definition has errors, or the execution did not succeed.
    Failure,
    /// Exit 2: the input could not be read or used; the message was already printed.
    Unusable,
}

fn main() -> ExitCode {
    let mut args = std::env::args_os().skip(1);
    let Some(command) = args.next() else {
        eprint!("{USAGE}");
        return ExitCode::from(2);
    };
    let rest: Vec<std::ffi::OsString> = args.collect();
    let outcome = match command.to_str() {
        Some("validate") => validate::main(rest),
        Some("run") => run::main(rest),
        Some("history") => history::main(rest),
        Some("metrics") => metrics::main(rest),
        Some("logs") => logs::main(rest),
        Some("export") => export::main(rest),
        Some("sweep") => sweep::main(rest),
        Some("compare") => compare::main(rest),
        Some("-h" | "--help" | "help") => {
            print!("{USAGE}");
            Outcome::Success
        }
        Some("-V" | "--version") => {
            println!("mapsim {}", env!("CARGO_PKG_VERSION"));
            Outcome::Success
        }
        _ => {
            eprintln!("mapsim: unknown command {:?}\n", command);
            eprint!("{USAGE}");
            Outcome::Unusable
        }
    };
    match outcome {
        Outcome::Success => ExitCode::SUCCESS,
        Outcome::Failure => ExitCode::from(1),
        Outcome::Unusable => ExitCode::from(2),
    }
}
