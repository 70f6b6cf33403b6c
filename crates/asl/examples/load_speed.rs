//! Benchmark: how fast `asl::load` reads, builds and validates, on generated inputs of a few
//! sizes and on the real-world definitions of the corpus. Prints figures; asserts nothing.
//!
//! `cargo run --release -p asl --example load_speed`

use std::time::Instant;

use asl::{load, LoadOptions};

/// A definition of `states` Task states in a chain, each with a retrier and a catcher.
fn chain(states: usize) -> String {
    let mut body = Vec::new();
    for i in 0..states {
        let next = if i + 1 < states {
            format!("\"Next\": \"S{}\"", i + 1)
        } else {
            "\"End\": true".to_string()
        };
        body.push(format!(
            "    \"S{i}\": {{\n      \"Type\": \"Task\",\n      \"Resource\": \"arn:aws:states:::lambda:invoke\",\n      \"Parameters\": {{\"Payload.$\": \"$\", \"Index\": {i}}},\n      \"Retry\": [{{\"ErrorEquals\": [\"Lambda.ServiceException\"], \"IntervalSeconds\": 2, \"MaxAttempts\": 6, \"BackoffRate\": 2}}],\n      \"Catch\": [{{\"ErrorEquals\": [\"States.ALL\"], \"Next\": \"Failed\"}}],\n      {next}\n    }}"
        ));
    }
    body.push("    \"Failed\": {\"Type\": \"Fail\"}".to_string());
    format!(
        "{{\n  \"StartAt\": \"S0\",\n  \"States\": {{\n{}\n  }}\n}}\n",
        body.join(",\n")
    )
}

/// The same definition in YAML.
fn chain_yaml(states: usize) -> String {
    let mut out = String::from("StartAt: S0\nStates:\n");
    for i in 0..states {
        let next = if i + 1 < states {
            format!("Next: S{}", i + 1)
        } else {
            "End: true".to_string()
        };
        out.push_str(&format!(
            "  S{i}:\n    Type: Task\n    Resource: arn:aws:states:::lambda:invoke\n    Parameters:\n      Payload.$: $\n      Index: {i}\n    Retry:\n      - ErrorEquals: [Lambda.ServiceException]\n        IntervalSeconds: 2\n        MaxAttempts: 6\n        BackoffRate: 2\n    Catch:\n      - ErrorEquals: [States.ALL]\n        Next: Failed\n    {next}\n"
        ));
    }
    out.push_str("  Failed:\n    Type: Fail\n");
    out
}

fn measure(name: &str, text: &str) {
    let options = LoadOptions::default();
    // Repeat small inputs so the figure is not noise.
    let repeats = (4_000_000 / text.len().max(1)).clamp(1, 1_000);
    let started = Instant::now();
    let mut diagnostics = 0;
    for _ in 0..repeats {
        diagnostics = load(text, &options).diagnostics.len();
    }
    let seconds = started.elapsed().as_secs_f64() / repeats as f64;
    println!(
        "{name:<44} {:>10} bytes  {:>9.3} ms  {:>7.1} MB/s  ({diagnostics} diagnostics)",
        text.len(),
        seconds * 1e3,
        text.len() as f64 / seconds / 1e6
    );
}

fn main() {
    println!("asl::load — read + build + validate, release build, one thread");
    for states in [10, 1_000, 5_000, 20_000] {
        measure(
            &format!("JSON chain of {states} Task states"),
            &chain(states),
        );
    }
    for states in [10, 1_000, 20_000] {
        measure(
            &format!("YAML chain of {states} Task states"),
            &chain_yaml(states),
        );
    }
    let root = std::env::var("MAPSIM_SHARED")
        .unwrap_or_else(|_| concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared").to_string());
    let corpus = std::path::Path::new(&root).join("asl-corpus");
    let mut files = Vec::new();
    for dir in ["aws-samples", "aws-solutions-library-samples"] {
        let mut stack = vec![corpus.join(dir)];
        while let Some(dir) = stack.pop() {
            let Ok(entries) = std::fs::read_dir(&dir) else {
                continue;
            };
            for entry in entries.flatten() {
                let path = entry.path();
                if path.is_dir() {
                    stack.push(path);
                } else if matches!(
                    path.extension().and_then(|e| e.to_str()),
                    Some("json" | "yaml")
                ) {
                    files.push(path);
                }
            }
        }
    }
    files.sort();
    for path in files {
        if let Ok(text) = std::fs::read_to_string(&path) {
            let name = path
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or("?")
                .to_string();
            measure(&name, &text);
        }
    }
}
