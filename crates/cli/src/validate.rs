//! `mapsim validate FILE…`: read each file, print its diagnostics, exit 0 / 1 / 2.
//!
//! Text output is one line per diagnostic, `FILE:LINE:COL: error|warning: message [code]`
//! (`FILE:1:1` when a diagnostic has no location). A template with several state machines is
//! checked machine by machine unless `--machine ID` picks one; the machine's logical id then
//! starts the message. Exit status: 2 when any file could not be read (the others are still
//! checked), else 1 when any file has errors, else 0 — warnings alone pass.

use std::ffi::OsString;
use std::io::{Read, Write};

use asl::{Diagnostic, ExecutionType, LoadOptions, Loaded};
use serde_json::{json, Value};

use crate::Outcome;

const USAGE: &str = "\
usage: mapsim validate [--format text|json] [--machine ID] [--type STANDARD|EXPRESS] FILE...

  FILE             an ASL definition (JSON or YAML), a CloudFormation/SAM template, or
                   `aws stepfunctions describe-state-machine` output; `-` reads standard input
  --format json    print one JSON document instead of one line per diagnostic
  --machine ID     in templates, check only the state machine with this logical id
  --type TYPE      the workflow type of plain definitions, for the Express-only rules

exit status: 0 no errors (warnings allowed), 1 errors found, 2 a file could not be read
";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Text,
    Json,
}

struct Args {
    format: Format,
    machine: Option<String>,
    workflow_type: Option<ExecutionType>,
    files: Vec<OsString>,
}

fn parse_args(args: Vec<OsString>) -> Result<Args, String> {
    use lexopt::prelude::*;
    let mut parser = lexopt::Parser::from_args(args);
    let mut parsed = Args {
        format: Format::Text,
        machine: None,
        workflow_type: None,
        files: Vec::new(),
    };
    while let Some(arg) = parser.next().map_err(|e| e.to_string())? {
        match arg {
            Long("format") => {
                let value = parser.value().map_err(|e| e.to_string())?;
                parsed.format = match value.to_str() {
                    Some("text") => Format::Text,
                    Some("json") => Format::Json,
                    _ => return Err(format!("--format must be text or json, not {value:?}")),
                };
            }
            Long("machine") => {
                let value = parser.value().map_err(|e| e.to_string())?;
                parsed.machine = Some(value.to_string_lossy().into_owned());
            }
            Long("type") => {
                let value = parser.value().map_err(|e| e.to_string())?;
                parsed.workflow_type = match value.to_str() {
                    Some("STANDARD" | "standard") => Some(ExecutionType::Standard),
                    Some("EXPRESS" | "express") => Some(ExecutionType::Express),
                    _ => return Err(format!("--type must be STANDARD or EXPRESS, not {value:?}")),
                };
            }
            Short('h') | Long("help") => return Err(String::new()),
            Value(file) => parsed.files.push(file),
            other => return Err(other.unexpected().to_string()),
        }
    }
    if parsed.files.is_empty() {
        return Err("no file given".to_string());
    }
    Ok(parsed)
}

/// One file's findings, per state machine checked.
struct Report {
    file: String,
    /// `(machine name when the file holds several, what was loaded)`.
    machines: Vec<(Option<String>, Loaded)>,
}

pub fn main(args: Vec<OsString>) -> Outcome {
    let args = match parse_args(args) {
        Ok(args) => args,
        Err(message) if message.is_empty() => {
            print!("{USAGE}");
            return Outcome::Success;
        }
        Err(message) => {
            eprintln!("mapsim validate: {message}\n");
            eprint!("{USAGE}");
            return Outcome::Unusable;
        }
    };
    let mut unreadable = false;
    let mut has_errors = false;
    let mut reports = Vec::new();
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    for file in &args.files {
        let shown = file.to_string_lossy().into_owned();
        let bytes = match read(file) {
            Ok(bytes) => bytes,
            Err(message) => {
                unreadable = true;
                match args.format {
                    Format::Text => {
                        let _ =
                            writeln!(out, "{shown}:1:1: error: cannot read the file: {message}");
                    }
                    Format::Json => reports.push(json!({
                        "file": shown,
                        "readable": false,
                        "error": message,
                        "diagnostics": [],
                    })),
                }
                continue;
            }
        };
        let report = check(&shown, &bytes, &args);
        for (_, loaded) in &report.machines {
            has_errors |= loaded.has_errors();
        }
        match args.format {
            Format::Text => {
                for (machine, loaded) in &report.machines {
                    for diagnostic in &loaded.diagnostics {
                        let _ = writeln!(
                            out,
                            "{}",
                            text_line(&report.file, machine.as_deref(), diagnostic)
                        );
                    }
                }
            }
            Format::Json => reports.push(json_report(&report)),
        }
    }
    if args.format == Format::Json {
        let document = json!({
            "files": reports,
            "errors": has_errors,
            "unreadable": unreadable,
        });
        let _ = writeln!(
            out,
            "{}",
            serde_json::to_string_pretty(&document).unwrap_or_default()
        );
    }
    let _ = out.flush();
    if unreadable {
        Outcome::Unusable
    } else if has_errors {
        Outcome::Failure
    } else {
        Outcome::Success
    }
}

fn read(file: &OsString) -> Result<Vec<u8>, String> {
    if file == "-" {
        let mut bytes = Vec::new();
        std::io::stdin()
            .read_to_end(&mut bytes)
            .map_err(|e| e.to_string())?;
        return Ok(bytes);
    }
    let path = std::path::Path::new(file);
    if path.is_dir() {
        return Err("it is a directory".to_string());
    }
    // Refuse absurd sizes before reading them into memory; `asl` reports its own limit for
    // anything it is given.
    let limit = asl::limits::MAX_INPUT_BYTES as u64 * 4;
    if let Ok(metadata) = std::fs::metadata(path) {
        if metadata.len() > limit {
            return Err(format!(
                "it is {} bytes long; mapsim reads at most {} bytes",
                metadata.len(),
                asl::limits::MAX_INPUT_BYTES
            ));
        }
    }
    std::fs::read(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => "no such file".to_string(),
        std::io::ErrorKind::PermissionDenied => "permission denied".to_string(),
        _ => e.to_string(),
    })
}

fn check(file: &str, bytes: &[u8], args: &Args) -> Report {
    let options = LoadOptions {
        machine: args.machine.clone(),
        workflow_type: args.workflow_type,
        ..LoadOptions::default()
    };
    let first = asl::load_bytes(bytes, &options);
    // A template with several machines and no --machine: check each of them.
    if args.machine.is_none() && first.machines.len() > 1 {
        let mut machines = Vec::new();
        for entry in &first.machines {
            let options = LoadOptions {
                machine: Some(entry.name.clone()),
                ..options.clone()
            };
            machines.push((Some(entry.name.clone()), asl::load_bytes(bytes, &options)));
        }
        return Report {
            file: file.to_string(),
            machines,
        };
    }
    Report {
        file: file.to_string(),
        machines: vec![(None, first)],
    }
}

fn text_line(file: &str, machine: Option<&str>, diagnostic: &Diagnostic) -> String {
    let (line, column) = diagnostic.location.map_or((1, 1), |l| (l.line, l.column));
    let prefix = machine.map(|m| format!("{m}: ")).unwrap_or_default();
    // One line per diagnostic: line breaks inside a message would break the format.
    let message = diagnostic.message.replace(['\n', '\r'], " ");
    format!(
        "{file}:{line}:{column}: {}: {prefix}{message} [{}]",
        diagnostic.severity.as_str(),
        diagnostic.code
    )
}

fn json_report(report: &Report) -> Value {
    let mut diagnostics = Vec::new();
    let mut format = Value::Null;
    let mut machines = Vec::new();
    for (machine, loaded) in &report.machines {
        if let Some(f) = loaded.format {
            format = json!(f);
        }
        if let Some(name) = machine {
            machines.push(json!(name));
        } else {
            machines.extend(loaded.machines.iter().map(|m| json!(m.name)));
        }
        for d in &loaded.diagnostics {
            diagnostics.push(json!({
                "machine": machine,
                "severity": d.severity.as_str(),
                "code": d.code,
                "message": d.message,
                "pointer": d.pointer,
                "line": d.location.map(|l| l.line),
                "column": d.location.map(|l| l.column),
            }));
        }
    }
    json!({
        "file": report.file,
        "readable": true,
        "format": format,
        "machines": machines,
        "diagnostics": diagnostics,
    })
}
