//! Property-based fuzzing of read + build + validate: whatever the input — arbitrary bytes,
//! JSON/YAML-shaped noise, mutated real definitions, deep nesting, huge numbers — `load` returns
//! (no panic, no stack overflow), every diagnostic is located inside the text at a line:column
//! that agrees with its offset, and a definition without errors has a model.
//!
//! The coverage-guided fuzzer (`fuzz/`, cargo-fuzz) runs the same invariants for longer.

use std::sync::OnceLock;

use asl::{load, load_bytes, LoadOptions, Loaded};
use proptest::prelude::*;

use crate::support::check_locations;

/// The invariants every load must satisfy.
fn check(text: &str, loaded: &Loaded) -> Result<(), TestCaseError> {
    check_locations(text, &loaded.diagnostics).map_err(TestCaseError::fail)?;
    if !loaded.has_errors() && loaded.definition.is_some() {
        prop_assert!(loaded.model.is_some(), "no errors but no model");
    }
    for d in &loaded.diagnostics {
        prop_assert!(!d.message.is_empty());
        prop_assert!(
            d.code
                .chars()
                .all(|c| c.is_ascii_lowercase() || c == '-' || c.is_ascii_digit()),
            "code {:?} is not kebab-case",
            d.code
        );
    }
    Ok(())
}

fn check_text(text: &str) -> Result<(), TestCaseError> {
    let loaded = load(text, &LoadOptions::default());
    check(text, &loaded)?;
    // Every machine of a template loads too.
    if loaded.machines.len() > 1 {
        for machine in loaded.machines.iter().take(4) {
            let options = LoadOptions {
                machine: Some(machine.name.clone()),
                ..LoadOptions::default()
            };
            check(text, &load(text, &options))?;
        }
    }
    Ok(())
}

/// Real definitions to mutate: a few written here, plus the corpus when it is present.
fn seeds() -> &'static [String] {
    static SEEDS: OnceLock<Vec<String>> = OnceLock::new();
    SEEDS.get_or_init(|| {
        let mut seeds: Vec<String> = vec![
            r#"{"Comment": "c", "StartAt": "Work", "States": {"Work": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Parameters": {"Payload.$": "$", "F.$": "States.Format('{}', $.a)"}, "Retry": [{"ErrorEquals": ["States.ALL"], "IntervalSeconds": 2, "MaxAttempts": 3, "BackoffRate": 2.5, "JitterStrategy": "FULL"}], "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Failed", "ResultPath": "$.error"}], "Next": "Choose"}, "Choose": {"Type": "Choice", "Choices": [{"And": [{"Variable": "$.a", "NumericGreaterThan": 1}, {"Not": {"Variable": "$.b", "IsPresent": true}}], "Next": "Map"}], "Default": "Failed"}, "Map": {"Type": "Map", "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"}, "StartAt": "P", "States": {"P": {"Type": "Wait", "Seconds": 1, "End": true}}}, "ItemBatcher": {"MaxItemsPerBatch": 10}, "ToleratedFailurePercentage": 5, "MaxConcurrency": 100, "Label": "m", "End": true}, "Failed": {"Type": "Fail", "Error": "E", "Cause": "C"}}}"#.to_string(),
            "QueryLanguage: JSONata\nStartAt: A\nStates:\n  A:\n    Type: Pass\n    Output:\n      x: '{% $states.input.a + 1 %}'\n    Assign:\n      v: '{% $map([1,2], function($x) { $x * 2 }) %}'\n    Next: B\n  B:\n    Type: Choice\n    Choices:\n      - Condition: '{% $v[0] > 1 %}'\n        Next: C\n    Default: C\n  C:\n    Type: Succeed\n".to_string(),
            "Resources:\n  M:\n    Type: AWS::StepFunctions::StateMachine\n    Properties:\n      DefinitionSubstitutions:\n        X: arn:aws:lambda:us-east-1:123456789012:function:f\n      DefinitionString: !Sub |\n        {\"StartAt\": \"A\", \"States\": {\"A\": {\"Type\": \"Task\", \"Resource\": \"${X}\", \"End\": true}}}\n  N:\n    Type: AWS::Serverless::StateMachine\n    Properties:\n      Definition:\n        StartAt: B\n        States:\n          B:\n            Type: Pass\n            Result: !GetAtt F.Arn\n            End: true\n".to_string(),
        ];
        if let Ok(root) = std::env::var("MAPSIM_SHARED")
            .map(std::path::PathBuf::from)
            .or_else(|_| Ok::<_, ()>(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared")))
        {
            let dirs = [
                "asl-corpus/ChristopheBougere/asl-validator/src/__tests__/definitions",
                "asl-corpus/awslabs/statelint/test",
            ];
            for dir in dirs {
                let Ok(entries) = std::fs::read_dir(root.join(dir)) else {
                    continue;
                };
                let mut paths: Vec<_> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
                paths.sort();
                for path in paths.into_iter().step_by(3) {
                    if let Ok(text) = std::fs::read_to_string(&path) {
                        seeds.push(text);
                    }
                }
            }
        }
        seeds
    })
}

/// One edit of a text: delete, duplicate or replace a range, or insert a token.
#[derive(Debug, Clone)]
enum Mutation {
    Delete(usize, usize),
    Duplicate(usize, usize),
    Insert(usize, String),
    Replace(usize, String),
}

fn token() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("{".to_string()),
        Just("}".to_string()),
        Just("[".to_string()),
        Just("]".to_string()),
        Just(",".to_string()),
        Just(":".to_string()),
        Just("\"".to_string()),
        Just("\\".to_string()),
        Just("\n".to_string()),
        Just("  ".to_string()),
        Just("- ".to_string()),
        Just("&a ".to_string()),
        Just("*a".to_string()),
        Just("!Sub ".to_string()),
        Just("|\n".to_string()),
        Just("${X}".to_string()),
        Just("{%".to_string()),
        Just("%}".to_string()),
        Just("$.".to_string()),
        Just("States.".to_string()),
        Just("1e400".to_string()),
        Just("-0".to_string()),
        Just("null".to_string()),
        Just("\u{e9}".to_string()),
        Just("\u{1F600}".to_string()),
        "[A-Za-z]{1,10}",
        "-?[0-9]{1,30}(\\.[0-9]{1,5})?(e[-+]?[0-9]{1,4})?",
        prop::sample::select(vec![
            "\"Type\"",
            "\"Next\"",
            "\"End\"",
            "true",
            "\"States\"",
            "\"StartAt\"",
            "\"Choices\"",
            "\"Branches\"",
            "\"ItemProcessor\"",
            "\"Retry\"",
            "\"Catch\"",
            "\"ErrorEquals\"",
            "\"States.ALL\"",
            "\"Map\"",
            "\"Parallel\"",
            "\"Task\"",
            "\"Parameters\"",
            "\"a.$\"",
            "\"QueryLanguage\"",
            "\"JSONata\"",
            "\"Resource\"",
            "\"Fn::Sub\"",
            "\"Ref\"",
        ])
        .prop_map(str::to_string),
    ]
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<usize>(), 0usize..40).prop_map(|(a, n)| Mutation::Delete(a, n)),
        (any::<usize>(), 0usize..60).prop_map(|(a, n)| Mutation::Duplicate(a, n)),
        (any::<usize>(), token()).prop_map(|(a, t)| Mutation::Insert(a, t)),
        (any::<usize>(), token()).prop_map(|(a, t)| Mutation::Replace(a, t)),
    ]
}

fn boundary(text: &str, at: usize) -> usize {
    let mut at = at % (text.len() + 1);
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

fn apply(text: &mut String, mutation: &Mutation) {
    match mutation {
        Mutation::Delete(at, n) => {
            let start = boundary(text, *at);
            let end = boundary(text, (start + n).min(text.len()));
            text.replace_range(start..end.max(start), "");
        }
        Mutation::Duplicate(at, n) => {
            let start = boundary(text, *at);
            let end = boundary(text, (start + n).min(text.len())).max(start);
            let piece = text[start..end].to_string();
            text.insert_str(end, &piece);
        }
        Mutation::Insert(at, token) => {
            let at = boundary(text, *at);
            text.insert_str(at, token);
        }
        Mutation::Replace(at, token) => {
            let start = boundary(text, *at);
            let end = boundary(text, (start + token.len()).min(text.len())).max(start);
            text.replace_range(start..end, token);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, .. ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes(bytes in prop::collection::vec(any::<u8>(), 0..600)) {
        let loaded = load_bytes(&bytes, &LoadOptions::default());
        match std::str::from_utf8(&bytes) {
            Ok(text) => check(text, &loaded)?,
            Err(_) => {
                prop_assert!(loaded.has_errors());
                prop_assert_eq!(loaded.diagnostics[0].code, "invalid-utf8");
            }
        }
    }

    #[test]
    fn token_soup(tokens in prop::collection::vec(token(), 0..120)) {
        let text: String = tokens.concat();
        check_text(&text)?;
    }

    #[test]
    fn mutated_definitions(seed in any::<prop::sample::Index>(), mutations in prop::collection::vec(mutation(), 1..8)) {
        let seeds = seeds();
        let mut text = seeds[seed.index(seeds.len())].clone();
        for m in &mutations {
            apply(&mut text, m);
        }
        check_text(&text)?;
    }

    #[test]
    fn deep_nesting(depth in 0usize..400, opener in prop::sample::select(vec!["[", "{\"a\":", "- ", "a:\n ", "{\"States\": {\"S\": {\"Type\": \"Parallel\", \"Branches\": ["])) {
        let text = opener.repeat(depth);
        check_text(&text)?;
    }

    #[test]
    fn huge_and_odd_numbers(digits in "-?[0-9]{1,400}(\\.[0-9]{0,50})?([eE][-+]?[0-9]{1,5})?", field in prop::sample::select(vec!["MaxAttempts", "IntervalSeconds", "BackoffRate", "MaxDelaySeconds"])) {
        let text = format!(
            r#"{{"StartAt": "A", "States": {{"A": {{"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "TimeoutSeconds": {digits}, "End": true, "Retry": [{{"ErrorEquals": ["E"], "{field}": {digits}}}]}}}}}}"#
        );
        check_text(&text)?;
        let yaml = format!("StartAt: A\nStates:\n  A:\n    Type: Wait\n    Seconds: {digits}\n    End: true\n");
        check_text(&yaml)?;
    }

    #[test]
    fn jsonata_expressions(expression in "[$a-z0-9 .()\\[\\]{}:,+*/%&|?=<>!~^@#'\"-]{0,60}") {
        let text = format!(
            r#"{{"QueryLanguage": "JSONata", "StartAt": "A", "States": {{"A": {{"Type": "Pass", "Output": {}, "End": true}}}}}}"#,
            serde_json::to_string(&format!("{{% {expression} %}}")).unwrap()
        );
        check_text(&text)?;
    }

    #[test]
    fn paths_and_intrinsics(path in "[$.a-zA-Z0-9\\[\\]()'?@*:,=<> -]{0,40}", intrinsic in "States\\.[A-Za-z]{0,12}\\([$.a-z0-9', ()]{0,30}\\)?") {
        let text = format!(
            r#"{{"StartAt": "A", "States": {{"A": {{"Type": "Pass", "InputPath": {}, "ResultPath": {}, "Parameters": {{"x.$": {}, "y.$": {}}}, "End": true}}}}}}"#,
            serde_json::to_string(&path).unwrap(),
            serde_json::to_string(&path).unwrap(),
            serde_json::to_string(&path).unwrap(),
            serde_json::to_string(&intrinsic).unwrap()
        );
        check_text(&text)?;
    }
}
