//! Bad input is data: each kind of broken text ends in a located diagnostic, never a panic, a
//! stack overflow or a hang.

use asl::limits::{MAX_DEFINITION_BYTES, MAX_DEPTH, MAX_INPUT_BYTES};
use asl::{load_bytes, LoadOptions};

use crate::support::{check_locations, error_codes, load_text, position_of};

/// Loads `text` and checks that it has errors, all located inside the text.
fn refused(text: &str) -> asl::Loaded {
    let loaded = load_text(text);
    assert!(
        loaded.has_errors(),
        "no error for {:?}",
        &text[..text.len().min(80)]
    );
    assert!(loaded.runnable().is_none());
    check_locations(text, &loaded.diagnostics).unwrap();
    loaded
}

#[test]
fn empty_and_blank_texts() {
    for text in ["", "   ", "\n\n\t\n", "\u{feff}"] {
        let loaded = refused(text);
        assert_eq!(error_codes(&loaded), vec!["empty-input"]);
        assert_eq!(position_of(&loaded, "empty-input"), Some((1, 1)));
    }
}

#[test]
fn text_that_is_neither_json_nor_yaml_of_a_machine() {
    let cases: &[(&str, &str, (u32, u32))] = &[
        ("{ not json", "syntax", (1, 3)),
        ("{\"StartAt\": \"A\",\n \"States\": {}\n", "syntax", (3, 1)),
        ("{\"a\": 1,}", "syntax", (1, 9)),
        ("{'a': 1}", "syntax", (1, 2)),
        ("hello world", "not-an-object", (1, 1)),
        ("<xml/>", "not-an-object", (1, 1)),
        ("key: [unclosed", "syntax", (1, 15)),
        ("a: b\n  c: d\n", "syntax", (2, 4)),
        ("{\"a\": tru}", "syntax", (1, 7)),
        ("{\"a\": \"line\nbreak\"}", "syntax", (1, 12)),
        ("{\"a\": \"\\x\"}", "syntax", (1, 8)),
    ];
    for (text, code, at) in cases {
        let loaded = refused(text);
        assert_eq!(error_codes(&loaded), vec![*code], "{text:?}");
        assert_eq!(position_of(&loaded, code), Some(*at), "{text:?}");
    }
}

#[test]
fn json_that_is_not_an_object() {
    for text in [
        "[]",
        "[1, 2]",
        "42",
        "\"a string\"",
        "null",
        "true",
        "- a\n- b\n",
    ] {
        let loaded = refused(text);
        assert_eq!(error_codes(&loaded), vec!["not-an-object"], "{text:?}");
    }
}

#[test]
fn wrong_types_everywhere() {
    let cases = [
        r#"{"StartAt": 5, "States": []}"#,
        r#"{"StartAt": "A", "States": {"A": 5}}"#,
        r#"{"StartAt": "A", "States": {"A": {"Type": 5}}}"#,
        r#"{"StartAt": "A", "States": {"A": {"Type": "Task", "Resource": [], "Next": 1, "End": "yes",
            "TimeoutSeconds": "10", "HeartbeatSeconds": {}, "Retry": {}, "Catch": "all",
            "InputPath": 3, "ResultPath": false, "Parameters": 7, "Credentials": []}}}"#,
        r#"{"StartAt": "A", "States": {"A": {"Type": "Task", "Resource": "arn:aws:states:::x:y", "End": true,
            "Retry": [5, {"ErrorEquals": "x", "IntervalSeconds": "1", "MaxAttempts": -1, "BackoffRate": "2",
            "MaxDelaySeconds": 0, "JitterStrategy": 1}],
            "Catch": [{"ErrorEquals": [1], "Next": 2, "ResultPath": 3}]}}}"#,
        r#"{"StartAt": "A", "States": {"A": {"Type": "Choice", "Choices": {}, "Default": 1}}}"#,
        r#"{"StartAt": "A", "States": {"A": {"Type": "Choice", "Choices": [1, {"Variable": 1, "Next": "A", "StringEquals": 2},
            {"And": 1, "Next": "A"}, {"Not": [], "Next": "A"}, {"Or": [{"Variable": "$.a"}], "Next": "A"}]}}}"#,
        r#"{"StartAt": "A", "States": {"A": {"Type": "Wait", "Seconds": "x", "Next": "B"}, "B": {"Type": "Wait", "Timestamp": 5, "End": true}}}"#,
        r#"{"StartAt": "A", "States": {"A": {"Type": "Parallel", "Branches": [1, [], {"StartAt": 1, "States": 2}], "End": true}}}"#,
        r#"{"StartAt": "A", "States": {"A": {"Type": "Map", "ItemProcessor": 5, "End": true}}}"#,
        r#"{"StartAt": "A", "States": {"A": {"Type": "Map", "ItemProcessor": {"ProcessorConfig": 1, "StartAt": "B",
            "States": {"B": {"Type": "Pass", "End": true}}}, "ItemReader": [], "ItemBatcher": "x", "ResultWriter": 1,
            "MaxConcurrency": "many", "ToleratedFailureCount": -1, "ToleratedFailurePercentage": 101,
            "Label": 5, "ItemsPath": 1, "End": true}}}"#,
        r#"{"StartAt": "A", "States": {"A": {"Type": "Fail", "Error": 1, "Cause": [], "ErrorPath": 2}}}"#,
        r#"{"StartAt": "A", "QueryLanguage": 1, "TimeoutSeconds": "x", "Version": 2, "Comment": {}, "States": {"A": {"Type": "Succeed"}}}"#,
        r#"{"StartAt": "A", "QueryLanguage": "JSONata", "States": {"A": {"Type": "Pass", "Output": 1, "Assign": [], "End": true}}}"#,
    ];
    for text in cases {
        refused(text);
    }
}

#[test]
fn a_hundred_thousand_nested_arrays() {
    let text = "[".repeat(100_000);
    let loaded = refused(&text);
    assert_eq!(error_codes(&loaded), vec!["too-deep"]);
    assert_eq!(
        position_of(&loaded, "too-deep"),
        Some((1, MAX_DEPTH as u32 + 1))
    );
    let text = "[".repeat(100_000) + &"]".repeat(100_000);
    assert_eq!(error_codes(&refused(&text)), vec!["too-deep"]);
    // YAML, block and flow.
    let text = "- ".repeat(100_000) + "x\n";
    assert_eq!(error_codes(&refused(&text)), vec!["too-deep"]);
    let text = "a: ".to_string() + &"[".repeat(100_000);
    assert_eq!(error_codes(&refused(&text)), vec!["too-deep"]);
    // Inside a definition nested in a template string.
    let inner = "[".repeat(10_000).replace('"', "\\\"");
    let text = format!(
        r#"{{"Resources": {{"M": {{"Type": "AWS::StepFunctions::StateMachine", "Properties": {{"DefinitionString": "{inner}"}}}}}}}}"#
    );
    assert_eq!(error_codes(&refused(&text)), vec!["too-deep"]);
}

#[test]
fn deep_but_allowed_nesting_is_read_and_checked() {
    // Parallel branches nested as deep as the reader allows: the builder and validator recurse
    // through them without trouble.
    let mut text = String::from(r#"{"Type": "Pass", "End": true}"#);
    let mut levels = 0;
    while levels * 5 + 10 < MAX_DEPTH {
        text = format!(
            r#"{{"Type": "Parallel", "End": true, "Branches": [{{"StartAt": "S{levels}", "States": {{"S{levels}": {text}}}}}]}}"#
        );
        levels += 1;
    }
    let text = format!(r#"{{"StartAt": "Top", "States": {{"Top": {text}}}}}"#);
    let loaded = load_text(&text);
    assert!(!loaded.has_errors(), "{:?}", loaded.diagnostics);
    let mut count = 0;
    loaded.runnable().unwrap().walk(&mut |_| count += 1);
    assert_eq!(count, levels + 1);
}

fn big_definition(target: usize) -> String {
    let mut result = String::with_capacity(target + 200);
    result.push('[');
    let mut i = 0u64;
    while result.len() < target {
        if i > 0 {
            result.push(',');
        }
        result.push_str(&i.to_string());
        i += 1;
    }
    result.push(']');
    format!(
        r#"{{"StartAt": "A", "States": {{"A": {{"Type": "Pass", "Result": {result}, "End": true}}}}}}"#
    )
}

#[test]
fn an_eight_megabyte_file() {
    let text = big_definition(8 * 1024 * 1024);
    let loaded = refused(&text);
    assert_eq!(error_codes(&loaded), vec!["definition-too-large"]);
    assert_eq!(position_of(&loaded, "definition-too-large"), Some((1, 1)));
    // Still read: the model is there for whoever wants to look.
    assert!(loaded.model.is_some());
    // Just under Step Functions' limit is fine.
    let text = big_definition(MAX_DEFINITION_BYTES - 200);
    assert!(!load_text(&text).has_errors());
    // An 8 MB file that is not JSON at its end.
    let mut broken = big_definition(8 * 1024 * 1024);
    broken.truncate(broken.len() - 3);
    let loaded = refused(&broken);
    assert_eq!(error_codes(&loaded), vec!["syntax"]);
}

#[test]
fn more_than_the_reader_accepts() {
    let text = " ".repeat(MAX_INPUT_BYTES + 1);
    let loaded = refused(&text);
    assert_eq!(error_codes(&loaded), vec!["input-too-large"]);
}

#[test]
fn invalid_utf8_is_located() {
    let bytes = b"{\n  \"StartAt\": \"\xff\"\n}";
    let loaded = load_bytes(bytes, &LoadOptions::default());
    assert_eq!(error_codes(&loaded), vec!["invalid-utf8"]);
    let location = loaded.diagnostics[0].location.unwrap();
    assert_eq!((location.line, location.column), (2, 15));
    assert_eq!(location.start, 16);
    // UTF-16 files say so.
    let utf16: Vec<u8> = "{}".encode_utf16().flat_map(u16::to_le_bytes).collect();
    let utf16 = [&[0xFF, 0xFE][..], &utf16].concat();
    let loaded = load_bytes(&utf16, &LoadOptions::default());
    assert_eq!(error_codes(&loaded), vec!["invalid-utf8"]);
    assert!(loaded.diagnostics[0].message.contains("UTF-16"));
    // Valid bytes load as text does.
    let loaded = load_bytes(
        br#"{"StartAt": "A", "States": {"A": {"Type": "Succeed"}}}"#,
        &LoadOptions::default(),
    );
    assert!(loaded.diagnostics.is_empty());
}

#[test]
fn absurd_numbers() {
    let with = |field: &str, number: &str| {
        format!(
            r#"{{"StartAt": "A", "States": {{"A": {{"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "End": true,
                "Retry": [{{"ErrorEquals": ["States.ALL"], "{field}": {number}}}]}}}}}}"#
        )
    };
    let huge = "9".repeat(100);
    let cases: &[(&str, &str, &str)] = &[
        ("MaxAttempts", "1e400", "number-out-of-range"),
        ("MaxAttempts", "-1e400", "number-out-of-range"),
        ("IntervalSeconds", &huge, "out-of-range"),
        ("MaxAttempts", "99999999999999999999", "out-of-range"),
        ("BackoffRate", "1e308", "out-of-range"),
        ("MaxDelaySeconds", "0.5", "wrong-type"),
        ("IntervalSeconds", "1e-400", "out-of-range"),
    ];
    for (field, number, code) in cases {
        let text = with(field, number);
        let loaded = refused(&text);
        assert_eq!(error_codes(&loaded), vec![*code], "{field}: {number}");
    }
    // In YAML too.
    let text = "StartAt: A\nStates:\n  A:\n    Type: Wait\n    Seconds: 1e400\n    End: true\n";
    assert_eq!(error_codes(&refused(text)), vec!["number-out-of-range"]);
}

#[test]
fn yaml_alias_bombs() {
    let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 1..12 {
        let previous = format!("*a{}", i - 1);
        text.push_str(&format!(
            "a{i}: &a{i} [{}]\n",
            [previous.as_str(); 10].join(", ")
        ));
    }
    let loaded = refused(&text);
    assert_eq!(error_codes(&loaded), vec!["yaml-alias-limit"]);
}

#[test]
fn duplicate_keys_are_errors_in_definitions() {
    let text =
        "{\"StartAt\": \"A\", \"States\": {\"A\": {\"Type\": \"Succeed\", \"Type\": \"Fail\"}}}";
    let loaded = refused(text);
    assert_eq!(error_codes(&loaded), vec!["duplicate-key"]);
    let text = "StartAt: A\nStates:\n  A:\n    Type: Succeed\n  A:\n    Type: Fail\n";
    let loaded = refused(text);
    assert_eq!(error_codes(&loaded), vec!["duplicate-key"]);
    assert_eq!(position_of(&loaded, "duplicate-key"), Some((5, 3)));
}
