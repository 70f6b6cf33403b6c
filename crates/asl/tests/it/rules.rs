//! Every rule of `RULES.md`, case by case: a definition and the diagnostic codes it must give.
//!
//! Each case lists the expected codes of errors and of warnings, in document order. A case with no
//! expected codes is a definition that must be clean (to pin down what a rule does *not* flag).

use crate::support::{check_locations, load_text};

/// `{"StartAt": <first state>, "States": {…}}` around the given states.
fn machine(states: &str) -> String {
    let first = states.split('"').nth(1).unwrap_or("A").to_string();
    format!(r#"{{"StartAt": "{first}", "States": {{{states}}}}}"#)
}

fn jsonata_machine(states: &str) -> String {
    machine(states).replacen('{', r#"{"QueryLanguage": "JSONata", "#, 1)
}

const LAMBDA: &str = "arn:aws:states:::lambda:invoke";

struct Case {
    name: &'static str,
    text: String,
    errors: &'static [&'static str],
    warnings: &'static [&'static str],
}

fn case(name: &'static str, text: String, errors: &'static [&'static str]) -> Case {
    Case {
        name,
        text,
        errors,
        warnings: &[],
    }
}

fn warn(name: &'static str, text: String, warnings: &'static [&'static str]) -> Case {
    Case {
        name,
        text,
        errors: &[],
        warnings,
    }
}

fn task(extra: &str) -> String {
    format!(r#""A": {{"Type": "Task", "Resource": "{LAMBDA}", "End": true{extra}}}"#)
}

fn retry(retriers: &str) -> String {
    machine(&task(&format!(r#", "Retry": [{retriers}]"#)))
}

fn catch(catchers: &str) -> String {
    machine(&format!(
        r#"{}, "H": {{"Type": "Succeed"}}"#,
        task(&format!(r#", "Catch": [{catchers}]"#))
    ))
}

fn map(fields: &str, processor_config: &str) -> String {
    machine(&format!(
        r#""M": {{"Type": "Map", "ItemProcessor": {{{processor_config}"StartAt": "P", "States": {{"P": {{"Type": "Pass", "End": true}}}}}}, "End": true{fields}}}"#
    ))
}

const DISTRIBUTED: &str =
    r#""ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"}, "#;

fn cases() -> Vec<Case> {
    vec![
        // Structure.
        case("clean", machine(&task("")), &[]),
        case("missing StartAt", r#"{"States": {"A": {"Type": "Succeed"}}}"#.into(), &["missing-field"]),
        case("missing States", r#"{"StartAt": "A"}"#.into(), &["missing-field"]),
        case("unknown top-level field", r#"{"StartAt": "A", "Foo": 1, "States": {"A": {"Type": "Succeed"}}}"#.into(), &["unknown-field"]),
        case("unknown state type", machine(r#""A": {"Type": "Task2", "End": true}"#), &["unknown-state-type"]),
        case("unknown field with a hint", machine(r#""A": {"Type": "Pass", "Nxt": "A", "End": true}"#), &["unknown-field"]),
        case("field of another state type", machine(r#""A": {"Type": "Choice", "Choices": [{"Variable": "$.a", "IsNull": true, "Next": "B"}], "Parameters": {}}, "B": {"Type": "Succeed"}"#), &["field-not-allowed"]),
        case("ResultSelector on a Pass", machine(r#""A": {"Type": "Pass", "ResultSelector": {}, "End": true}"#), &["field-not-allowed"]),
        case("Next on a Succeed", machine(r#""A": {"Type": "Succeed", "Next": "A"}"#), &["field-not-allowed"]),
        case("Next and End", machine(r#""A": {"Type": "Pass", "Next": "B", "End": true}, "B": {"Type": "Succeed"}"#), &["next-and-end"]),
        case("neither Next nor End", machine(r#""A": {"Type": "Pass"}, "B": {"Type": "Succeed"}"#), &["missing-next", "unreachable-state"]),
        warn("End false with Next", machine(r#""A": {"Type": "Pass", "Next": "B", "End": false}, "B": {"Type": "Succeed"}"#), &["end-false"]),
        case("state name too long", machine(&format!(r#""{}": {{"Type": "Succeed"}}"#, "x".repeat(81))), &["state-name-too-long"]),
        case("80 characters are fine", machine(&format!(r#""{}": {{"Type": "Succeed"}}"#, "x".repeat(80))), &[]),
        case("empty state name", machine(r#""": {"Type": "Succeed"}"#), &["invalid-state-name"]),
        case("duplicate state names across scopes", machine(r#""A": {"Type": "Parallel", "Branches": [{"StartAt": "B", "States": {"B": {"Type": "Succeed"}}}], "Next": "B"}, "B": {"Type": "Succeed"}"#), &["duplicate-state-name"]),
        case("Parallel without branches", machine(r#""A": {"Type": "Parallel", "Branches": [], "End": true}"#), &["empty-branches"]),
        case("Choice without rules", machine(r#""A": {"Type": "Choice", "Choices": [], "Default": "B"}, "B": {"Type": "Succeed"}"#), &["empty-choices"]),
        // Transitions and graph.
        case("unknown Next", machine(r#""A": {"Type": "Pass", "Next": "Nowhere"}, "B": {"Type": "Succeed"}"#), &["unknown-next", "unreachable-state"]),
        case("unknown StartAt", r#"{"StartAt": "Nope", "States": {"A": {"Type": "Succeed"}}}"#.into(), &["unknown-start-at"]),
        case("StartAt in another scope", r#"{"StartAt": "B", "States": {"A": {"Type": "Parallel", "Branches": [{"StartAt": "B", "States": {"B": {"Type": "Succeed"}}}], "End": true}}}"#.into(), &["start-at-out-of-scope"]),
        case("Next out of its branch", machine(r#""A": {"Type": "Parallel", "Branches": [{"StartAt": "B", "States": {"B": {"Type": "Pass", "Next": "C"}, "D": {"Type": "Succeed"}}}], "Next": "C"}, "C": {"Type": "Succeed"}"#), &["next-out-of-scope", "unreachable-state"]),
        case("catcher Next out of its processor", map("", r#""ProcessorConfig": {"Mode": "INLINE"}, "#).replace(r#""P": {"Type": "Pass", "End": true}"#, r#""P": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "End": true, "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "M"}]}"#), &["next-out-of-scope"]),
        case("unreachable state", machine(r#""A": {"Type": "Succeed"}, "B": {"Type": "Succeed"}"#), &["unreachable-state"]),
        case("no terminal state", machine(r#""A": {"Type": "Pass", "Next": "A"}"#), &["no-terminal-state"]),
        case("no terminal state in a branch", machine(r#""A": {"Type": "Parallel", "Branches": [{"StartAt": "B", "States": {"B": {"Type": "Wait", "Seconds": 1, "Next": "B"}}}], "End": true}"#), &["no-terminal-state"]),
        case("cannot end", machine(r#""A": {"Type": "Pass", "Next": "A"}, "B": {"Type": "Succeed"}"#), &["unreachable-state", "cannot-end"]),
        warn("a loop with no way out", machine(r#""A": {"Type": "Choice", "Choices": [{"Variable": "$.a", "IsPresent": true, "Next": "L"}], "Default": "E"}, "L": {"Type": "Wait", "Seconds": 1, "Next": "L"}, "E": {"Type": "Succeed"}"#), &["no-path-to-end"]),
        case("Choice Default and catch targets count", machine(r#""A": {"Type": "Choice", "Choices": [{"Variable": "$.a", "IsPresent": true, "Next": "B"}], "Default": "C"}, "B": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "End": true, "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "D"}]}, "C": {"Type": "Succeed"}, "D": {"Type": "Fail"}"#), &[]),
        // Mutually exclusive fields.
        case("TimeoutSeconds and TimeoutSecondsPath", machine(&task(r#", "TimeoutSeconds": 5, "TimeoutSecondsPath": "$.t""#)), &["mutually-exclusive"]),
        case("Seconds and Timestamp", machine(r#""A": {"Type": "Wait", "Seconds": 5, "Timestamp": "2016-03-14T01:59:00Z", "End": true}"#), &["mutually-exclusive"]),
        case("Error and ErrorPath", machine(r#""A": {"Type": "Fail", "Error": "E", "ErrorPath": "$.e"}"#), &["mutually-exclusive"]),
        case("Iterator and ItemProcessor", map(r#", "Iterator": {"StartAt": "Q", "States": {"Q": {"Type": "Succeed"}}}"#, ""), &["mutually-exclusive"]),
        case("Parameters and ItemSelector", map(r#", "Parameters": {}, "ItemSelector": {}"#, ""), &["mutually-exclusive"]),
        case("MaxConcurrency and its Path", map(r#", "MaxConcurrency": 1, "MaxConcurrencyPath": "$.m""#, ""), &["mutually-exclusive"]),
        case("MaxItems and MaxItemsPath", map(r#", "ItemReader": {"Resource": "arn:aws:states:::s3:getObject", "ReaderConfig": {"MaxItems": 1, "MaxItemsPath": "$.m"}}"#, DISTRIBUTED), &["mutually-exclusive"]),
        case("MaxItemsPerBatch and its Path", map(r#", "ItemBatcher": {"MaxItemsPerBatch": 1, "MaxItemsPerBatchPath": "$.m"}"#, DISTRIBUTED), &["mutually-exclusive"]),
        case("Items and ItemsPath", jsonata_machine(r#""M": {"Type": "Map", "Items": [1], "ItemsPath": "$.x", "ItemProcessor": {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}, "End": true}"#), &["jsonpath-field-in-jsonata-state", "mutually-exclusive"]),
        // Paths, payload templates, intrinsic functions.
        case("bad InputPath", machine(r#""A": {"Type": "Pass", "InputPath": "foo", "End": true}"#), &["invalid-path"]),
        case("context and variable paths are paths", machine(r#""A": {"Type": "Pass", "InputPath": "$$.Execution.Input", "OutputPath": "$v.x", "End": true}"#), &[]),
        case("ResultPath must be a reference path", machine(r#""A": {"Type": "Pass", "ResultPath": "$.a[*]", "End": true}"#), &["invalid-reference-path"]),
        case("ResultPath into the context", machine(r#""A": {"Type": "Pass", "ResultPath": "$$.a", "End": true}"#), &["invalid-result-path"]),
        case("ResultPath with a variable", machine(r#""A": {"Type": "Pass", "ResultPath": "$v", "End": true}"#), &["variable-in-result-path"]),
        case("ItemsPath must be a reference path", map(r#", "ItemsPath": "$.a[?(@.b)]""#, ""), &["invalid-reference-path"]),
        case("Variable must be a path", machine(r#""A": {"Type": "Choice", "Choices": [{"Variable": "a", "IsNull": true, "Next": "B"}], "Default": "B"}, "B": {"Type": "Succeed"}"#), &["invalid-path"]),
        case(".$ value not a path", machine(r#""A": {"Type": "Pass", "Parameters": {"a.$": "x"}, "End": true}"#), &["invalid-path"]),
        case(".$ value not a string", machine(r#""A": {"Type": "Pass", "Parameters": {"a.$": 1}, "End": true}"#), &["invalid-payload-template"]),
        case("a and a.$", machine(r#""A": {"Type": "Pass", "Parameters": {"a": 1, "a.$": "$.a"}, "End": true}"#), &["payload-template-conflict"]),
        case("unknown intrinsic", machine(r#""A": {"Type": "Pass", "Parameters": {"a.$": "States.Nope($.a)"}, "End": true}"#), &["invalid-intrinsic"]),
        case("intrinsic arity", machine(r#""A": {"Type": "Pass", "Parameters": {"a.$": "States.ArrayLength()"}, "End": true}"#), &["invalid-intrinsic"]),
        case("intrinsic literal type", machine(r#""A": {"Type": "Pass", "Parameters": {"a.$": "States.MathAdd(1, 'x')"}, "End": true}"#), &["invalid-intrinsic"]),
        warn("States.Format placeholders", machine(r#""A": {"Type": "Pass", "Parameters": {"a.$": "States.Format('{} {}', $.a)"}, "End": true}"#), &["intrinsic-format-arguments"]),
        case("intrinsic in ErrorPath", machine(r#""A": {"Type": "Fail", "ErrorPath": "States.Format('E{}', $.n)", "CausePath": "$.c"}"#), &[]),
        case("Credentials must be an object", machine(&task(r#", "Credentials": "role""#)), &["wrong-type"]),
        case("Credentials is a payload template", machine(&task(r#", "Credentials": {"RoleArn.$": "nope"}"#)), &["invalid-path"]),
        // Query languages.
        case("JSONPath field in a JSONata state", jsonata_machine(r#""A": {"Type": "Pass", "ResultPath": "$.a", "End": true}"#), &["jsonpath-field-in-jsonata-state"]),
        case("JSONata field in a JSONPath state", machine(r#""A": {"Type": "Pass", "Output": {}, "End": true}"#), &["jsonata-field-in-jsonpath-state"]),
        case("a state may switch to JSONata", machine(r#""A": {"Type": "Pass", "QueryLanguage": "JSONata", "Output": "{% $states.input %}", "End": true}"#), &[]),
        case("JSONata catcher with ResultPath", jsonata_machine(&format!(r#"{}, "H": {{"Type": "Succeed"}}"#, task(r#", "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "H", "ResultPath": "$.e"}]"#))), &["jsonpath-field-in-jsonata-state"]),
        case("JSONata ReaderConfig MaxItemsPath", jsonata_machine(r#""M": {"Type": "Map", "ItemReader": {"Resource": "arn:aws:states:::s3:getObject", "ReaderConfig": {"MaxItemsPath": "$.m"}}, "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"}, "StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}, "End": true}"#), &["jsonpath-field-in-jsonata-state"]),
        case("bad QueryLanguage", machine(r#""A": {"Type": "Pass", "QueryLanguage": "SQL", "End": true}"#), &["invalid-value"]),
        // JSONata expressions.
        case("JSONata expression", jsonata_machine(r#""A": {"Type": "Pass", "Output": {"a": "{% $states.input.a + 1 %}", "b": "plain"}, "End": true}"#), &[]),
        case("no closing %}", jsonata_machine(r#""A": {"Type": "Pass", "Output": "{% 1", "End": true}"#), &["jsonata-wrapping"]),
        case("no opening {%", jsonata_machine(r#""A": {"Type": "Pass", "Output": "1 %}", "End": true}"#), &["jsonata-wrapping"]),
        case("no space after {%", jsonata_machine(r#""A": {"Type": "Pass", "Output": "{%1%}", "End": true}"#), &["jsonata-wrapping"]),
        case("a line break after {%", jsonata_machine(r#""A": {"Type": "Pass", "Output": "{%\n  1\n%}", "End": true}"#), &[]),
        case("invalid JSONata", jsonata_machine(r#""A": {"Type": "Pass", "Output": "{% 1 + %}", "End": true}"#), &["invalid-jsonata"]),
        case("empty JSONata", jsonata_machine(r#""A": {"Type": "Pass", "Output": "{%  %}", "End": true}"#), &["invalid-jsonata"]),
        case("top-level field reference", jsonata_machine(r#""A": {"Type": "Pass", "Output": "{% phone %}", "End": true}"#), &["jsonata-top-level-reference"]),
        case("unwrapped Condition", jsonata_machine(r#""A": {"Type": "Choice", "Choices": [{"Condition": "true", "Next": "B"}], "Default": "B"}, "B": {"Type": "Succeed"}"#), &["jsonata-not-wrapped"]),
        case("JSONata Wait Seconds and Task timeouts", jsonata_machine(&format!(r#""W": {{"Type": "Wait", "Seconds": "{{% 1 + %}}", "Next": "A"}}, {}"#, task(r#", "TimeoutSeconds": "{% $states.input.t %}""#))), &["invalid-jsonata"]),
        case("comments are not JSONata", jsonata_machine(r#""A": {"Type": "Pass", "Comment": "{% not checked", "End": true}"#), &[]),
        // Retry and Catch.
        case("retrier values", retry(r#"{"ErrorEquals": ["E"], "IntervalSeconds": 0, "MaxAttempts": -1, "BackoffRate": 0.5, "MaxDelaySeconds": 31622401, "JitterStrategy": "HALF"}"#), &["out-of-range", "out-of-range", "out-of-range", "out-of-range", "invalid-value"]),
        case("IntervalSeconds must be an integer", retry(r#"{"ErrorEquals": ["E"], "IntervalSeconds": 1.5}"#), &["wrong-type"]),
        case("retrier boundaries", retry(r#"{"ErrorEquals": ["E"], "IntervalSeconds": 1, "MaxAttempts": 0, "BackoffRate": 1, "MaxDelaySeconds": 31622400, "JitterStrategy": "NONE"}"#), &[]),
        case("empty ErrorEquals", retry(r#"{"ErrorEquals": []}"#), &["empty-error-equals"]),
        case("unknown retrier field", retry(r#"{"ErrorEquals": ["E"], "Interval": 1}"#), &["unknown-field"]),
        case("States.ALL not alone", retry(r#"{"ErrorEquals": ["States.ALL", "E"]}"#), &["states-all-not-alone"]),
        case("States.ALL not last", retry(r#"{"ErrorEquals": ["States.ALL"]}, {"ErrorEquals": ["E"]}"#), &["states-all-not-last"]),
        case("States.ALL in a catcher not last", catch(r#"{"ErrorEquals": ["States.ALL"], "Next": "H"}, {"ErrorEquals": ["E"], "Next": "H"}"#), &["states-all-not-last"]),
        case("catcher without Next", catch(r#"{"ErrorEquals": ["E"]}"#), &["missing-field", "unreachable-state"]),
        warn("misspelt States.ALL", retry(r#"{"ErrorEquals": ["State.ALL"]}"#), &["unknown-error-name"]),
        warn("unknown States error", retry(r#"{"ErrorEquals": ["States.Timout"]}"#), &["unknown-error-name"]),
        warn("States.Runtime cannot be caught", catch(r#"{"ErrorEquals": ["States.Runtime"], "Next": "H"}"#), &["uncatchable-error"]),
        warn("shadowed retrier", retry(r#"{"ErrorEquals": ["E"]}, {"ErrorEquals": ["E"]}"#), &["shadowed-handler"]),
        warn("partly shadowed catcher", catch(r#"{"ErrorEquals": ["E"], "Next": "H"}, {"ErrorEquals": ["E", "F"], "Next": "H"}"#), &["shadowed-handler"]),
        case("catcher ResultPath null and path", catch(r#"{"ErrorEquals": ["E"], "Next": "H", "ResultPath": null}, {"ErrorEquals": ["F"], "Next": "H", "ResultPath": "$.error"}"#), &[]),
        // Timeouts.
        case("heartbeat not below timeout", machine(&task(r#", "TimeoutSeconds": 10, "HeartbeatSeconds": 10"#)), &["heartbeat-not-below-timeout"]),
        case("heartbeat below timeout", machine(&task(r#", "TimeoutSeconds": 10, "HeartbeatSeconds": 9"#)), &[]),
        case("timeout 0", machine(&task(r#", "TimeoutSeconds": 0"#)), &["out-of-range"]),
        case("execution timeout", r#"{"StartAt": "A", "TimeoutSeconds": 0, "States": {"A": {"Type": "Succeed"}}}"#.into(), &["out-of-range"]),
        // Wait and Choice values.
        case("bad Timestamp", machine(r#""A": {"Type": "Wait", "Timestamp": "2016-03-14 01:59:00", "End": true}"#), &["invalid-timestamp"]),
        case("bad TimestampEquals", machine(r#""A": {"Type": "Choice", "Choices": [{"Variable": "$.t", "TimestampEquals": "now", "Next": "B"}], "Default": "B"}, "B": {"Type": "Succeed"}"#), &["invalid-timestamp"]),
        case("comparison operand type", machine(r#""A": {"Type": "Choice", "Choices": [{"Variable": "$.t", "NumericEquals": "1", "Next": "B"}], "Default": "B"}, "B": {"Type": "Succeed"}"#), &["wrong-type"]),
        case("two comparison operators", machine(r#""A": {"Type": "Choice", "Choices": [{"Variable": "$.t", "IsNull": true, "IsPresent": true, "Next": "B"}], "Default": "B"}, "B": {"Type": "Succeed"}"#), &["multiple-comparisons"]),
        case("no comparison operator", machine(r#""A": {"Type": "Choice", "Choices": [{"Variable": "$.t", "Next": "B"}], "Default": "B"}, "B": {"Type": "Succeed"}"#), &["no-comparison"]),
        case("Next in a nested rule", machine(r#""A": {"Type": "Choice", "Choices": [{"Not": {"Variable": "$.t", "IsNull": true, "Next": "B"}, "Next": "B"}], "Default": "B"}, "B": {"Type": "Succeed"}"#), &["field-not-allowed"]),
        case("misspelt operator", machine(r#""A": {"Type": "Choice", "Choices": [{"Variable": "$.t", "StringEqual": "x", "Next": "B"}], "Default": "B"}, "B": {"Type": "Succeed"}"#), &["no-comparison", "unknown-field"]),
        case("Choice with End", machine(r#""A": {"Type": "Choice", "Choices": [{"Variable": "$.t", "IsNull": true, "Next": "B"}], "End": true}, "B": {"Type": "Succeed"}"#), &["field-not-allowed"]),
        // Distributed Map.
        case("tolerance ranges", map(r#", "ToleratedFailurePercentage": 100.5, "ToleratedFailureCount": -1"#, DISTRIBUTED), &["out-of-range", "out-of-range"]),
        case("tolerance fractions", map(r#", "ToleratedFailurePercentage": 2.5, "ToleratedFailureCount": 0"#, DISTRIBUTED), &[]),
        case("ToleratedFailureCount must be an integer", map(r#", "ToleratedFailureCount": 1.5"#, DISTRIBUTED), &["wrong-type"]),
        case("tolerance path", map(r#", "ToleratedFailureCountPath": "$.n""#, DISTRIBUTED), &[]),
        case("DISTRIBUTED without ExecutionType", map("", r#""ProcessorConfig": {"Mode": "DISTRIBUTED"}, "#), &["missing-execution-type"]),
        case("bad Mode", map("", r#""ProcessorConfig": {"Mode": "PARALLEL"}, "#), &["invalid-value"]),
        warn("ExecutionType on an INLINE Map", map("", r#""ProcessorConfig": {"Mode": "INLINE", "ExecutionType": "EXPRESS"}, "#), &["inline-execution-type"]),
        warn("distributed fields on an INLINE Map", map(r#", "ToleratedFailureCount": 1, "Label": "x""#, ""), &["distributed-only-field", "distributed-only-field"]),
        case("MaxInputBytesPerBatch limit", map(r#", "ItemBatcher": {"MaxInputBytesPerBatch": 262145}"#, DISTRIBUTED), &["out-of-range"]),
        case("bad Label", map(r#", "Label": "a b""#, DISTRIBUTED), &["invalid-label"]),
        case("ItemReader without Resource", map(r#", "ItemReader": {"ReaderConfig": {}}"#, DISTRIBUTED), &["missing-field"]),
        case("ResultWriter without Resource", map(r#", "ResultWriter": {"Parameters": {}}"#, DISTRIBUTED), &["missing-field"]),
        warn("unknown ReaderConfig field", map(r#", "ItemReader": {"Resource": "arn:aws:states:::s3:getObject", "ReaderConfig": {"InputType": "CSV", "Delimiter": ","}}"#, DISTRIBUTED), &["unknown-field"]),
        case("ItemReader Arguments in JSONPath", map(r#", "ItemReader": {"Resource": "arn:aws:states:::s3:getObject", "Arguments": {}}"#, DISTRIBUTED), &["jsonata-field-in-jsonpath-state"]),
        case("nested Distributed Map in Express children", map("", r#""ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "EXPRESS"}, "#).replace(r#""P": {"Type": "Pass", "End": true}"#, r#""P": {"Type": "Map", "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"}, "StartAt": "Q", "States": {"Q": {"Type": "Pass", "End": true}}}, "End": true}"#), &["distributed-map-in-express"]),
        case("nothing Express refuses in a Standard workflow", machine(r#""A": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken", "End": true}"#), &[]),
        case(".sync in Express children", map("", r#""ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "EXPRESS"}, "#).replace(r#""P": {"Type": "Pass", "End": true}"#, r#""P": {"Type": "Task", "Resource": "arn:aws:states:::states:startExecution.sync:2", "End": true}"#), &["unsupported-in-express"]),
        // Resources.
        case("malformed ARN", machine(r#""A": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123:function:", "End": true}"#), &["invalid-resource"]),
        case("unclosed placeholder", machine(r#""A": {"Type": "Task", "Resource": "${Fn", "End": true}"#), &["invalid-resource"]),
        warn("not an ARN", machine(r#""A": {"Type": "Task", "Resource": "foo:bar", "End": true}"#), &["resource-not-arn"]),
        warn("CloudFormation intrinsic as Resource", machine(r#""A": {"Type": "Task", "Resource": {"Fn::GetAtt": ["F", "Arn"]}, "End": true}"#), &["cloudformation-intrinsic"]),
        case("Resource missing", machine(r#""A": {"Type": "Task", "End": true}"#), &["missing-field"]),
    ]
}

#[test]
fn every_rule_case_gives_its_codes() {
    let mut failures = Vec::new();
    for case in cases() {
        let loaded = load_text(&case.text);
        if let Err(e) = check_locations(&case.text, &loaded.diagnostics) {
            failures.push(format!("{}: {e}", case.name));
        }
        let errors: Vec<&str> = loaded
            .diagnostics
            .iter()
            .filter(|d| d.is_error())
            .map(|d| d.code)
            .collect();
        let warnings: Vec<&str> = loaded
            .diagnostics
            .iter()
            .filter(|d| !d.is_error())
            .map(|d| d.code)
            .collect();
        let mut expected_errors = case.errors.to_vec();
        let mut got_errors = errors.clone();
        expected_errors.sort_unstable();
        got_errors.sort_unstable();
        let mut expected_warnings = case.warnings.to_vec();
        let mut got_warnings = warnings.clone();
        expected_warnings.sort_unstable();
        got_warnings.sort_unstable();
        if expected_errors != got_errors || expected_warnings != got_warnings {
            let messages: Vec<String> = loaded
                .diagnostics
                .iter()
                .map(|d| format!("{} [{}]", d.message, d.code))
                .collect();
            failures.push(format!(
                "{}: expected errors {:?} warnings {:?}, got errors {errors:?} warnings {warnings:?}\n    {}",
                case.name,
                case.errors,
                case.warnings,
                messages.join("\n    ")
            ));
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

#[test]
fn skipping_path_and_arn_checks() {
    let options = asl::LoadOptions {
        skip_path_checks: true,
        skip_arn_checks: true,
        ..asl::LoadOptions::default()
    };
    let text = machine(
        r#""A": {"Type": "Task", "Resource": "arn:bad", "InputPath": "foo", "Parameters": {"a.$": "x"}, "End": true}"#,
    );
    let loaded = asl::load(&text, &options);
    assert!(!loaded.has_errors(), "{:?}", loaded.diagnostics);
}

#[test]
fn syntax_errors_inside_strings_point_at_the_character() {
    let text = jsonata_machine(r#""A": {"Type": "Pass", "Output": "{% $sum(1, %}", "End": true}"#);
    let loaded = load_text(&text);
    let diagnostic = loaded
        .diagnostics
        .iter()
        .find(|d| d.code == "invalid-jsonata")
        .unwrap();
    let location = diagnostic.location.unwrap();
    // At the end of the expression, where `)` is missing.
    assert!(
        text[..location.start].ends_with("$sum(1,"),
        "{}",
        &text[..location.start]
    );
    check_locations(&text, &loaded.diagnostics).unwrap();
    let text = machine(r#""A": {"Type": "Pass", "InputPath": "$.a[?", "End": true}"#);
    let loaded = load_text(&text);
    let location = loaded.diagnostics[0].location.unwrap();
    assert!(location.start > text.find("$.a").unwrap());
}
