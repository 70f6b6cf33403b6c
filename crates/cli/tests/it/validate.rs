//! `mapsim validate`: the output format and the exit codes of the CLI contract.

use std::path::PathBuf;
use std::process::Command;

/// A scratch directory of files for one test.
struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Scratch {
        let dir =
            std::env::temp_dir().join(format!("mapsim-validate-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Scratch(dir)
    }

    fn file(&self, name: &str, content: &[u8]) -> String {
        let path = self.0.join(name);
        std::fs::write(&path, content).unwrap();
        path.to_string_lossy().into_owned()
    }

    fn path(&self, name: &str) -> String {
        self.0.join(name).to_string_lossy().into_owned()
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

struct Run {
    code: i32,
    stdout: String,
}

fn validate(args: &[&str]) -> Run {
    let output = Command::new(env!("CARGO_BIN_EXE_mapsim"))
        .arg("validate")
        .args(args)
        .output()
        .unwrap();
    Run {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
    }
}

const VALID: &str = r#"{"StartAt": "A", "States": {"A": {"Type": "Succeed"}}}"#;
const INVALID: &str = "{\n  \"StartAt\": \"A\",\n  \"States\": {\n    \"A\": {\"Type\": \"Pass\", \"Next\": \"B\"},\n    \"B\": {\"Type\": \"Wait\", \"Seconds\": -1, \"End\": true}\n  }\n}\n";

/// Where `INVALID`'s one error is.
const INVALID_AT: &str = ":5:38: error: State `B`: `Seconds` must be between 0";
const WARNING_ONLY: &str =
    r#"{"StartAt": "A", "States": {"A": {"Type": "Task", "Resource": "foo:bar", "End": true}}}"#;

/// Every output line has the contract's shape `FILE:LINE:COL: error|warning: message`.
fn assert_lines(stdout: &str, file: &str) {
    for line in stdout.lines() {
        let rest = line
            .strip_prefix(file)
            .unwrap_or_else(|| panic!("{line:?} does not start with {file}"));
        let mut parts = rest.splitn(4, ':');
        assert_eq!(parts.next(), Some(""));
        let line_number: u32 = parts.next().unwrap().parse().unwrap();
        let column: u32 = parts.next().unwrap().parse().unwrap();
        assert!(line_number >= 1 && column >= 1);
        let tail = parts.next().unwrap();
        assert!(
            tail.starts_with(" error: ") || tail.starts_with(" warning: "),
            "{line:?}"
        );
    }
}

#[test]
fn a_valid_file_passes_silently() {
    let scratch = Scratch::new("valid");
    let file = scratch.file("ok.json", VALID.as_bytes());
    let run = validate(&[&file]);
    assert_eq!(run.code, 0);
    assert_eq!(run.stdout, "");
}

#[test]
fn errors_are_printed_with_their_position_and_exit_1() {
    let scratch = Scratch::new("invalid");
    let file = scratch.file("bad.json", INVALID.as_bytes());
    let run = validate(&[&file]);
    assert_eq!(run.code, 1);
    assert_lines(&run.stdout, &file);
    assert!(
        run.stdout.contains(&format!("{file}{INVALID_AT}")),
        "{}",
        run.stdout
    );
}

#[test]
fn warnings_alone_pass() {
    let scratch = Scratch::new("warnings");
    let file = scratch.file("warn.json", WARNING_ONLY.as_bytes());
    let run = validate(&[&file]);
    assert_eq!(run.code, 0);
    assert!(run.stdout.contains(": warning: "), "{}", run.stdout);
    assert_lines(&run.stdout, &file);
}

#[test]
fn unreadable_files_exit_2_and_the_others_are_still_checked() {
    let scratch = Scratch::new("unreadable");
    let bad = scratch.file("bad.json", INVALID.as_bytes());
    let missing = scratch.path("missing.json");
    let run = validate(&[&missing, &bad, &scratch.0.to_string_lossy()]);
    assert_eq!(run.code, 2);
    assert!(run.stdout.contains(&format!(
        "{missing}:1:1: error: cannot read the file: no such file"
    )));
    assert!(run.stdout.contains("it is a directory"));
    assert!(
        run.stdout.contains(&format!("{bad}{INVALID_AT}")),
        "{}",
        run.stdout
    );
}

#[test]
fn bad_input_gives_located_errors_not_crashes() {
    let scratch = Scratch::new("bad-input");
    let nested = "[".repeat(100_000);
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("empty.json", Vec::new(), ":1:1: error: the text is empty"),
        ("text.txt", b"just some words".to_vec(), ":1:1: error: expected a state machine definition"),
        ("array.json", b"[1, 2]".to_vec(), ":1:1: error: expected a state machine definition"),
        ("nested.json", nested.into_bytes(), ":1:129: error: arrays and objects are nested more than 128 levels"),
        ("latin1.json", b"{\"StartAt\": \"\xe9\"}".to_vec(), ":1:14: error: the text is not valid UTF-8"),
        ("huge.json", br#"{"StartAt": "A", "States": {"A": {"Type": "Wait", "Seconds": 1e400, "End": true}}}"#.to_vec(), ":1:62: error: the number 1e400 is too large"),
    ];
    for (name, content, expected) in cases {
        let file = scratch.file(name, &content);
        let run = validate(&[&file]);
        assert_eq!(run.code, 1, "{name}: {}", run.stdout);
        assert!(
            run.stdout.contains(&format!("{file}{expected}")),
            "{name}: {}",
            run.stdout
        );
        assert_lines(&run.stdout, &file);
    }
}

#[test]
fn templates_are_checked_machine_by_machine() {
    let scratch = Scratch::new("template");
    let template = "Resources:\n  Good:\n    Type: AWS::StepFunctions::StateMachine\n    Properties:\n      Definition:\n        StartAt: A\n        States:\n          A:\n            Type: Succeed\n  Bad:\n    Type: AWS::StepFunctions::StateMachine\n    Properties:\n      Definition:\n        StartAt: A\n        States:\n          A:\n            Type: Pass\n            Next: Z\n";
    let file = scratch.file("template.yaml", template.as_bytes());
    let run = validate(&[&file]);
    assert_eq!(run.code, 1);
    assert!(
        run.stdout
            .contains(&format!("{file}:18:19: error: Bad: State `A` goes to `Z`")),
        "{}",
        run.stdout
    );
    let run = validate(&["--machine", "Good", &file]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    let run = validate(&["--machine", "Nope", &file]);
    assert_eq!(run.code, 1);
    assert!(run.stdout.contains("has no state machine named `Nope`"));
}

#[test]
fn json_output_is_one_document() {
    let scratch = Scratch::new("json");
    let bad = scratch.file("bad.json", INVALID.as_bytes());
    let missing = scratch.path("missing.json");
    let run = validate(&["--format", "json", &bad, &missing]);
    assert_eq!(run.code, 2);
    let document: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(document["errors"], true);
    assert_eq!(document["unreadable"], true);
    assert_eq!(document["files"][0]["format"], "AslJson");
    assert_eq!(
        document["files"][0]["diagnostics"][0]["code"],
        "out-of-range"
    );
    assert_eq!(document["files"][0]["diagnostics"][0]["line"], 5);
    assert_eq!(document["files"][1]["readable"], false);
}

#[test]
fn standard_input_and_usage_errors() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_mapsim"))
        .args(["validate", "-"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(INVALID.as_bytes())
        .unwrap();
    let output = child.wait_with_output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stdout).starts_with(&format!("-{INVALID_AT}")));
    assert_eq!(validate(&[]).code, 2);
    assert_eq!(validate(&["--format", "xml", "x.json"]).code, 2);
    assert_eq!(validate(&["--help"]).code, 0);
}
