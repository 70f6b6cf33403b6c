//! Corpus conformance: every fixture of `../shared/asl-corpus` gives the verdict its source
//! expects, and the score is printed.
//!
//! - asl-validator (`validator.test.ts`): `valid-*` give no error, `invalid-*` at least one;
//!   `options.test.ts` re-checks three fixtures with path or ARN checks turned off;
//! - statelint (`spec/*.rb`): each fixture read by a spec gives no error when the spec expects
//!   zero problems, and at least one error when it expects some;
//! - real-world definitions (`aws-samples/`, `aws-solutions-library-samples/`): every file is
//!   read, every state machine of a template extracted, and plain definitions validate clean.
//!
//! The corpus is found through `MAPSIM_SHARED`, else as `../shared` beside the workspace. When it
//! is missing the test fails, so it can never silently not run; `MAPSIM_SHARED=none` skips it
//! explicitly, with a loud message.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use asl::{LoadOptions, Loaded};

/// Codes that mean the text itself could not be read.
const READING_ERRORS: &[&str] = &[
    "syntax",
    "too-deep",
    "invalid-utf8",
    "empty-input",
    "input-too-large",
    "not-an-object",
    "number-out-of-range",
    "duplicate-key",
    "yaml-alias-limit",
    "yaml-unsupported",
    "no-state-machine",
    "unknown-machine",
    "definition-elsewhere",
    "missing-definition",
    "invalid-definition",
];

struct Score {
    total: usize,
    disagreements: Vec<String>,
}

impl Score {
    fn expect(&mut self, ok: bool, what: impl FnOnce() -> String) {
        self.total += 1;
        if !ok {
            self.disagreements.push(what());
        }
    }
}

fn corpus_root() -> Result<Option<PathBuf>, String> {
    let root = match std::env::var("MAPSIM_SHARED") {
        Ok(value) if value == "none" => return Ok(None),
        Ok(value) => PathBuf::from(value),
        Err(_) => Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared"),
    };
    let corpus = root.join("asl-corpus");
    if corpus.is_dir() {
        Ok(Some(corpus))
    } else {
        Err(format!(
            "the ASL corpus is missing: {} is not a directory. Put the shared folder beside the \
             repository (../shared) or set MAPSIM_SHARED to it; MAPSIM_SHARED=none skips this test",
            corpus.display()
        ))
    }
}

fn errors(loaded: &Loaded) -> Vec<String> {
    loaded
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .map(|d| {
            let at = d
                .location
                .map_or(String::new(), |l| format!("{}:{}: ", l.line, l.column));
            format!("{at}{} [{}]", d.message, d.code)
        })
        .collect()
}

fn load_file(path: &Path, options: &LoadOptions) -> Result<Loaded, String> {
    let bytes = fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(asl::load_bytes(&bytes, options))
}

fn relative(path: &Path, corpus: &Path) -> String {
    path.strip_prefix(corpus)
        .unwrap_or(path)
        .display()
        .to_string()
}

fn sorted_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = fs::read_dir(dir)
        .map(|entries| entries.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    files.sort();
    files
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    for path in sorted_files(dir) {
        if path.is_dir() {
            walk(&path, out);
        } else {
            out.push(path);
        }
    }
}

fn asl_validator(corpus: &Path, score: &mut Score) {
    let dir = corpus.join("ChristopheBougere/asl-validator/src/__tests__/definitions");
    let files = sorted_files(&dir);
    score.expect(!files.is_empty(), || {
        format!("no fixtures in {}", dir.display())
    });
    for path in files {
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default()
            .to_string();
        // validator.test.ts: /^(valid|invalid)-(.+)\.json$/
        let valid = name.starts_with("valid-");
        if !(valid || name.starts_with("invalid-")) || !name.ends_with(".json") {
            continue;
        }
        let loaded = match load_file(&path, &LoadOptions::default()) {
            Ok(loaded) => loaded,
            Err(e) => {
                score.expect(false, || e);
                continue;
            }
        };
        let found = errors(&loaded);
        let shown = relative(&path, corpus);
        if valid {
            score.expect(found.is_empty(), || {
                format!("{shown}: expected no error, got: {}", found.join(" | "))
            });
        } else {
            score.expect(!found.is_empty(), || {
                format!("{shown}: expected at least one error, got none")
            });
        }
    }
    // options.test.ts: with `checkPaths: false` the path fixtures are valid but other errors
    // remain; with `checkArn: false` the bad-ARN fixture is valid.
    let options_test = fs::read_to_string(
        corpus.join("ChristopheBougere/asl-validator/src/__tests__/options.test.ts"),
    )
    .unwrap_or_default();
    let no_paths = LoadOptions {
        skip_path_checks: true,
        ..LoadOptions::default()
    };
    let no_arns = LoadOptions {
        skip_arn_checks: true,
        ..LoadOptions::default()
    };
    let cases: [(&str, &LoadOptions, bool); 5] = [
        ("invalid-json-path.json", &no_paths, true),
        ("invalid-payload-template.asl.json", &no_paths, true),
        ("invalid-state-name-too-long.json", &no_paths, false),
        ("invalid-cfn-definition-substitutions.json", &no_arns, true),
        ("invalid-state-name-too-long.json", &no_arns, false),
    ];
    for (file, options, valid) in cases {
        score.expect(options_test.contains(file), || {
            format!("options.test.ts no longer mentions {file}")
        });
        let Ok(loaded) = load_file(&dir.join(file), options) else {
            score.expect(false, || format!("cannot read {file}"));
            continue;
        };
        let found = errors(&loaded);
        let which = if options.skip_path_checks {
            "without path checks"
        } else {
            "without ARN checks"
        };
        if valid {
            score.expect(found.is_empty(), || {
                format!(
                    "{file} {which}: expected no error, got: {}",
                    found.join(" | ")
                )
            });
        } else {
            score.expect(!found.is_empty(), || {
                format!("{file} {which}: expected at least one error, got none")
            });
        }
    }
}

/// `(fixture path, expected problem count)` from a statelint spec: each `File.read "test/…"` is
/// followed by `expect(problems.size).to eq(N)`.
fn statelint_expectations(spec: &str) -> Vec<(String, usize)> {
    let mut out = Vec::new();
    let mut current: Option<String> = None;
    for line in spec.lines() {
        if let Some(at) = line.find("File.read") {
            let rest = &line[at..];
            if let Some(open) = rest.find('"') {
                if let Some(len) = rest[open + 1..].find('"') {
                    current = Some(rest[open + 1..open + 1 + len].to_string());
                }
            }
        }
        if let Some(at) = line.find("problems.size).to eq(") {
            let digits: String = line[at + "problems.size).to eq(".len()..]
                .chars()
                .take_while(char::is_ascii_digit)
                .collect();
            if let (Some(file), Ok(count)) = (current.take(), digits.parse()) {
                out.push((file, count));
            }
        }
    }
    out
}

fn statelint(corpus: &Path, score: &mut Score) {
    let root = corpus.join("awslabs/statelint");
    let mut cases = Vec::new();
    for spec in ["spec/statelint_spec.rb", "spec/state_node_spec.rb"] {
        let text = fs::read_to_string(root.join(spec)).unwrap_or_default();
        cases.extend(statelint_expectations(&text));
    }
    score.expect(cases.len() >= 60, || {
        format!(
            "only {} statelint expectations found in the specs",
            cases.len()
        )
    });
    for (file, count) in cases {
        let path = root.join(&file);
        let Ok(loaded) = load_file(&path, &LoadOptions::default()) else {
            score.expect(false, || format!("statelint {file}: cannot read"));
            continue;
        };
        let found = errors(&loaded);
        if count == 0 {
            score.expect(found.is_empty(), || {
                format!(
                    "statelint {file}: expected no error, got: {}",
                    found.join(" | ")
                )
            });
        } else {
            score.expect(!found.is_empty(), || {
                format!("statelint {file}: expected {count} problem(s), got no error")
            });
        }
    }
}

fn real_world(corpus: &Path, score: &mut Score) {
    let mut files = Vec::new();
    for owner in ["aws-samples", "aws-solutions-library-samples"] {
        walk(&corpus.join(owner), &mut files);
    }
    let files: Vec<PathBuf> = files
        .into_iter()
        .filter(|p| {
            matches!(
                p.extension().and_then(|e| e.to_str()),
                Some("json" | "yaml" | "yml")
            )
        })
        .collect();
    score.expect(files.len() >= 15, || {
        format!("only {} real-world definitions found", files.len())
    });
    for path in files {
        let shown = relative(&path, corpus);
        let Ok(first) = load_file(&path, &LoadOptions::default()) else {
            score.expect(false, || format!("{shown}: cannot read"));
            continue;
        };
        // Every state machine of the file must be read.
        let names: Vec<String> = first.machines.iter().map(|m| m.name.clone()).collect();
        score.expect(!names.is_empty(), || {
            format!(
                "{shown}: no state machine found: {}",
                errors(&first).join(" | ")
            )
        });
        for name in names {
            let loaded = if first.machines.len() > 1 {
                let options = LoadOptions {
                    machine: Some(name.clone()),
                    ..LoadOptions::default()
                };
                load_file(&path, &options).unwrap_or(first.clone())
            } else {
                first.clone()
            };
            let reading: Vec<String> = loaded
                .diagnostics
                .iter()
                .filter(|d| d.is_error() && READING_ERRORS.contains(&d.code))
                .map(|d| format!("{} [{}]", d.message, d.code))
                .collect();
            score.expect(
                loaded.definition.is_some() && loaded.model.is_some() && reading.is_empty(),
                || format!("{shown} ({name}): not read: {}", reading.join(" | ")),
            );
            let plain = shown.ends_with(".asl.json") || shown.ends_with(".asl.yaml");
            if plain {
                let found = errors(&loaded);
                score.expect(found.is_empty(), || {
                    format!("{shown}: expected no error, got: {}", found.join(" | "))
                });
            }
        }
    }
}

#[test]
fn corpus_conformance() {
    let mut stderr = std::io::stderr();
    let corpus = match corpus_root() {
        Ok(Some(corpus)) => corpus,
        Ok(None) => {
            let _ = writeln!(
                stderr,
                "conformance: SKIPPED because MAPSIM_SHARED=none — the corpus was not checked"
            );
            return;
        }
        Err(message) => panic!("{message}"),
    };
    let mut score = Score {
        total: 0,
        disagreements: Vec::new(),
    };
    asl_validator(&corpus, &mut score);
    statelint(&corpus, &mut score);
    real_world(&corpus, &mut score);
    let agreed = score.total - score.disagreements.len();
    // Written to the process's stderr directly (not `eprintln!`), so the test harness does not
    // capture it: the score shows in every `cargo test` run.
    let _ = writeln!(
        stderr,
        "conformance: {agreed}/{} expectations ({:.1} %)",
        score.total,
        100.0 * agreed as f64 / score.total.max(1) as f64
    );
    for disagreement in &score.disagreements {
        let _ = writeln!(stderr, "conformance: DISAGREES: {disagreement}");
    }
    assert!(
        score.disagreements.is_empty(),
        "{} of {} corpus expectations disagree (listed above)",
        score.disagreements.len(),
        score.total
    );
}

#[test]
fn statelint_specs_are_parsed_into_expectations() {
    let spec = "j = File.read \"test/a.json\"\n problems = x\n expect(problems.size).to eq(0)\n\
                j = File.read(\"test/b.json\")\n expect(problems.size).to eq(2)\n";
    assert_eq!(
        statelint_expectations(spec),
        vec![
            ("test/a.json".to_string(), 0),
            ("test/b.json".to_string(), 2)
        ]
    );
}
