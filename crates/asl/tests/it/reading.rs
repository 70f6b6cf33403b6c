//! Reading every accepted format, extracting the definition, and locating values and
//! diagnostics in the text the user typed.

use asl::{load, Embedding, ExecutionType, LoadOptions, SourceFormat};

use crate::support::{check_locations, codes, error_codes, load_text, position_of};

const PLAIN_JSON: &str = r#"{
  "StartAt": "Work",
  "States": {
    "Work": {
      "Type": "Task",
      "Resource": "arn:aws:states:::lambda:invoke",
      "Next": "Done"
    },
    "Done": { "Type": "Succeed" }
  }
}"#;

#[test]
fn plain_json_is_read_with_a_source_map() {
    let loaded = load_text(PLAIN_JSON);
    assert_eq!(loaded.format, Some(SourceFormat::AslJson));
    assert!(loaded.diagnostics.is_empty(), "{:?}", loaded.diagnostics);
    let model = loaded.runnable().unwrap();
    assert_eq!(model.states.len(), 2);
    let span = loaded.source_map.span("/States/Work/Next").unwrap();
    assert_eq!((span.value.line, span.value.column), (7, 15));
    assert_eq!(&PLAIN_JSON[span.value.start..span.value.end], "\"Done\"");
    let key = span.key.unwrap();
    assert_eq!(&PLAIN_JSON[key.start..key.end], "\"Next\"");
    assert!(span.exact);
    assert_eq!(loaded.source_map.embedding(), Embedding::Direct);
    // A pointer that does not exist falls back to its nearest ancestor.
    let (nearest, found) = loaded.source_map.nearest("/States/Work/Retry/0").unwrap();
    assert_eq!(found, "/States/Work");
    assert_eq!(nearest.value.line, 4);
    assert_eq!(
        loaded.source_map.children("/States"),
        vec!["/States/Work".to_string(), "/States/Done".to_string()]
    );
}

#[test]
fn pointers_with_escaped_characters_are_followed() {
    let text = r#"{"StartAt": "a/b", "States": {"a/b": {"Type": "Pass", "End": true}, "x~y": {"Type": "Pass", "End": true}}}"#;
    let loaded = load_text(text);
    let span = loaded.source_map.span("/States/a~1b/Type").unwrap();
    assert_eq!(&text[span.value.start..span.value.end], "\"Pass\"");
    assert!(loaded.source_map.span("/States/x~0y").is_some());
}

#[test]
fn plain_yaml_is_read_and_located() {
    let text = "StartAt: Work\nStates:\n  Work:\n    Type: Task\n    Resource: arn:aws:states:::lambda:invoke\n    Next: Nowhere\n";
    let loaded = load_text(text);
    assert_eq!(loaded.format, Some(SourceFormat::AslYaml));
    assert_eq!(
        error_codes(&loaded),
        vec!["no-terminal-state", "unknown-next"]
    );
    assert_eq!(position_of(&loaded, "unknown-next"), Some((6, 11)));
    check_locations(text, &loaded.diagnostics).unwrap();
}

const TEMPLATE_YAML: &str = "AWSTemplateFormatVersion: '2010-09-09'
Resources:
  Fn:
    Type: AWS::Lambda::Function
  First:
    Type: AWS::Serverless::StateMachine
    Properties:
      Type: EXPRESS
      DefinitionSubstitutions:
        Arn: arn:aws:lambda:us-east-1:123456789012:function:f
        Other: !GetAtt Fn.Arn
      Definition:
        StartAt: Work
        States:
          Work:
            Type: Task
            Resource: ${Arn}
            Parameters:
              Other: ${Other}
              Ref: !Ref Fn
            Next: Done
          Done:
            Type: Succeed
  Second:
    Type: AWS::StepFunctions::StateMachine
    Properties:
      DefinitionString: !Sub |
        {
          \"StartAt\": \"Go\",
          \"States\": {
            \"Go\": {\"Type\": \"Pass\", \"Next\": \"Missing\"}
          }
        }
";

#[test]
fn templates_list_every_machine_and_load_the_one_asked_for() {
    let first = load_text(TEMPLATE_YAML);
    assert_eq!(first.format, Some(SourceFormat::TemplateYaml));
    let names: Vec<&str> = first.machines.iter().map(|m| m.name.as_str()).collect();
    assert_eq!(names, vec!["First", "Second"]);
    assert_eq!(first.selected, Some(0));
    assert_eq!(first.workflow_type, Some(ExecutionType::Express));
    assert!(
        first.diagnostics.iter().all(|d| !d.is_error()),
        "{:?}",
        first.diagnostics
    );
    let definition = first.definition.as_ref().unwrap();
    // Substitutions applied; what only the deployment knows stays a placeholder.
    assert_eq!(
        definition["States"]["Work"]["Resource"],
        "arn:aws:lambda:us-east-1:123456789012:function:f"
    );
    assert_eq!(
        definition["States"]["Work"]["Parameters"]["Other"],
        "${Other}"
    );
    assert_eq!(definition["States"]["Work"]["Parameters"]["Ref"], "${Fn}");
    let span = first.source_map.span("/States/Work/Next").unwrap();
    assert_eq!((span.value.line, span.value.column), (21, 19));

    let second = load(
        TEMPLATE_YAML,
        &LoadOptions {
            machine: Some("Second".into()),
            ..LoadOptions::default()
        },
    );
    assert_eq!(second.selected, Some(1));
    assert_eq!(second.workflow_type, Some(ExecutionType::Standard));
    assert_eq!(second.source_map.embedding(), Embedding::InString);
    // The bad `Next` inside the block scalar is located exactly in the template.
    assert_eq!(position_of(&second, "unknown-next"), Some((31, 44)));
    check_locations(TEMPLATE_YAML, &second.diagnostics).unwrap();

    let unknown = load(
        TEMPLATE_YAML,
        &LoadOptions {
            machine: Some("Third".into()),
            ..LoadOptions::default()
        },
    );
    assert_eq!(error_codes(&unknown), vec!["unknown-machine"]);
    assert!(unknown.diagnostics[0].message.contains("`First`, `Second`"));
}

#[test]
fn json_templates_with_definition_strings_locate_inside_the_escaped_string() {
    let text = r#"{
  "Resources": {
    "Machine": {
      "Type": "AWS::StepFunctions::StateMachine",
      "Properties": {
        "StateMachineType": "EXPRESS",
        "DefinitionString": "{\"StartAt\": \"A\", \"States\": {\"A\": {\"Type\": \"Pass\", \"Next\": \"B\"}}}"
      }
    }
  }
}"#;
    let loaded = load_text(text);
    assert_eq!(loaded.format, Some(SourceFormat::TemplateJson));
    assert_eq!(loaded.workflow_type, Some(ExecutionType::Express));
    let diagnostic = loaded
        .diagnostics
        .iter()
        .find(|d| d.code == "unknown-next")
        .unwrap();
    let location = diagnostic.location.unwrap();
    assert_eq!(&text[location.start..location.end], r#"\"B\""#);
    check_locations(text, &loaded.diagnostics).unwrap();
}

#[test]
fn fn_sub_with_variables_and_fn_join_are_assembled() {
    let text = r#"{
  "Resources": {
    "Subbed": {
      "Type": "AWS::StepFunctions::StateMachine",
      "Properties": {
        "DefinitionString": {"Fn::Sub": ["{\"StartAt\": \"A\", \"States\": {\"A\": {\"Type\": \"Task\", \"Resource\": \"${Fn}\", \"Next\": \"${Next}\"}}}", {"Fn": {"Fn::GetAtt": ["F", "Arn"]}, "Next": "Nope"}]}
      }
    },
    "Joined": {
      "Type": "AWS::StepFunctions::StateMachine",
      "Properties": {
        "DefinitionString": {"Fn::Join": ["", ["{\"StartAt\": \"A\", \"States\": {\"A\": {\"Type\": \"Task\", \"Resource\": \"", {"Ref": "Fn"}, "\", \"End\": true}}}"]]}
      }
    }
  }
}"#;
    let subbed = load_text(text);
    let definition = subbed.definition.as_ref().unwrap();
    assert_eq!(definition["States"]["A"]["Resource"], "${F.Arn}");
    assert_eq!(definition["States"]["A"]["Next"], "Nope");
    // The substituted `Next` is reported at its placeholder, marked as approximate.
    let diagnostic = subbed
        .diagnostics
        .iter()
        .find(|d| d.code == "unknown-next")
        .unwrap();
    let location = diagnostic.location.unwrap();
    assert!(text[location.start..].starts_with(r#"\"${Next}"#));
    assert!(!subbed.source_map.span("/States/A/Next").unwrap().exact);
    check_locations(text, &subbed.diagnostics).unwrap();

    let joined = load(
        text,
        &LoadOptions {
            machine: Some("Joined".into()),
            ..LoadOptions::default()
        },
    );
    assert!(!joined.has_errors(), "{:?}", joined.diagnostics);
    assert_eq!(
        joined.definition.as_ref().unwrap()["States"]["A"]["Resource"],
        "${Fn}"
    );
}

#[test]
fn definitions_kept_elsewhere_and_empty_templates_are_reported() {
    let s3 = "Resources:\n  M:\n    Type: AWS::StepFunctions::StateMachine\n    Properties:\n      DefinitionS3Location:\n        Bucket: b\n        Key: k\n";
    let loaded = load_text(s3);
    assert_eq!(error_codes(&loaded), vec!["definition-elsewhere"]);
    assert_eq!(position_of(&loaded, "definition-elsewhere"), Some((5, 7)));

    let sam = "Transform: AWS::Serverless-2016-10-31\nResources:\n  M:\n    Type: AWS::Serverless::StateMachine\n    Properties:\n      DefinitionUri: statemachine/flow.asl.json\n";
    let loaded = load_text(sam);
    assert_eq!(error_codes(&loaded), vec!["definition-elsewhere"]);
    assert!(loaded.diagnostics[0]
        .message
        .contains("statemachine/flow.asl.json"));

    let none = "Resources:\n  Bucket:\n    Type: AWS::S3::Bucket\n";
    let loaded = load_text(none);
    assert_eq!(error_codes(&loaded), vec!["no-state-machine"]);
    assert_eq!(position_of(&loaded, "no-state-machine"), Some((1, 1)));
}

#[test]
fn describe_state_machine_output_is_read() {
    let text = r#"{
    "stateMachineArn": "arn:aws:states:us-east-1:123456789012:stateMachine:Flow",
    "name": "Flow",
    "type": "EXPRESS",
    "definition": "{\n  \"StartAt\": \"A\",\n  \"States\": {\"A\": {\"Type\": \"Map\", \"ItemProcessor\": {\"ProcessorConfig\": {\"Mode\": \"DISTRIBUTED\", \"ExecutionType\": \"STANDARD\"}, \"StartAt\": \"B\", \"States\": {\"B\": {\"Type\": \"Pass\", \"End\": true}}}, \"End\": true}}\n}",
    "roleArn": "arn:aws:iam::123456789012:role/r"
}"#;
    let loaded = load_text(text);
    assert_eq!(loaded.format, Some(SourceFormat::DescribeStateMachine));
    assert_eq!(loaded.machines[0].name, "Flow");
    assert_eq!(loaded.workflow_type, Some(ExecutionType::Express));
    // An Express workflow cannot run a Distributed Map.
    assert_eq!(error_codes(&loaded), vec!["distributed-map-in-express"]);
    check_locations(text, &loaded.diagnostics).unwrap();
}

#[test]
fn placeholders_outside_quotes_are_read_with_a_warning() {
    let text = "{\"StartAt\": \"A\", \"States\": {\"A\": {\"Type\": \"Pass\", \"Result\": ${Crawlers}, \"End\": true}}}";
    let loaded = load_text(text);
    assert!(!loaded.has_errors());
    assert_eq!(codes(&loaded), vec!["unquoted-placeholder"]);
    assert_eq!(
        loaded.definition.unwrap()["States"]["A"]["Result"],
        "${Crawlers}"
    );
}

#[test]
fn literal_block_definitions_in_yaml_are_located_line_by_line() {
    let text = "Resources:\n  M:\n    Type: AWS::StepFunctions::StateMachine\n    Properties:\n      DefinitionString: |-\n        {\"StartAt\": \"A\",\n         \"States\": {\"A\": {\"Type\": \"Pass\",\n                         \"Bogus\": 1, \"End\": true}}}\n";
    let loaded = load_text(text);
    assert_eq!(error_codes(&loaded), vec!["unknown-field"]);
    assert_eq!(position_of(&loaded, "unknown-field"), Some((8, 26)));
    assert!(loaded.source_map.span("/States/A/Bogus").unwrap().exact);
}

#[test]
fn byte_order_marks_are_skipped() {
    let text = format!("\u{feff}{PLAIN_JSON}");
    let loaded = load_text(&text);
    assert!(loaded.diagnostics.is_empty(), "{:?}", loaded.diagnostics);
    let yaml = "\u{feff}StartAt: A\nStates:\n  A:\n    Type: Succeed\n";
    let loaded = load_text(yaml);
    assert!(loaded.diagnostics.is_empty(), "{:?}", loaded.diagnostics);
}

#[test]
fn the_workflow_type_can_be_given_for_plain_definitions() {
    let text = r#"{"StartAt": "M", "States": {"M": {"Type": "Map", "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "EXPRESS"}, "StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}, "End": true}}}"#;
    assert!(!load_text(text).has_errors());
    let express = load(
        text,
        &LoadOptions {
            workflow_type: Some(ExecutionType::Express),
            ..LoadOptions::default()
        },
    );
    assert_eq!(error_codes(&express), vec!["distributed-map-in-express"]);
}

#[test]
fn the_model_holds_every_distributed_map_field() {
    use asl::{Jitter, Numeric, ProcessorMode, StateKind, Text, Transition};
    let text = r#"{
  "StartAt": "Map",
  "TimeoutSeconds": 3600,
  "States": {
    "Map": {
      "Type": "Map",
      "Label": "Files",
      "ItemReader": {
        "Resource": "arn:aws:states:::s3:getObject",
        "ReaderConfig": {"InputType": "CSV", "CSVHeaderLocation": "GIVEN", "CSVHeaders": ["a", "b"], "CSVDelimiter": "PIPE", "MaxItemsPath": "$.max"},
        "Parameters": {"Bucket": "b", "Key": "k"}
      },
      "ItemSelector": {"value.$": "$$.Map.Item.Value"},
      "ItemBatcher": {"MaxItemsPerBatchPath": "$.batch", "MaxInputBytesPerBatch": 1024, "BatchInput": {"run": 1}},
      "ResultWriter": {"Resource": "arn:aws:states:::s3:putObject", "Parameters": {"Bucket": "out"}, "WriterConfig": {"OutputType": "JSONL", "Transformation": "COMPACT"}},
      "MaxConcurrencyPath": "$.concurrency",
      "ToleratedFailurePercentage": 2.5,
      "ToleratedFailureCountPath": "$.count",
      "ItemProcessor": {
        "ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "EXPRESS"},
        "StartAt": "Work",
        "States": {
          "Work": {
            "Type": "Task",
            "Resource": "arn:aws:states:::lambda:invoke",
            "TimeoutSecondsPath": "$.t",
            "HeartbeatSeconds": 5,
            "Retry": [{"ErrorEquals": ["Lambda.TooManyRequestsException"], "IntervalSeconds": 2, "MaxAttempts": 0, "BackoffRate": 1.5, "MaxDelaySeconds": 60, "JitterStrategy": "FULL"}],
            "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Failed", "ResultPath": null}],
            "End": true
          },
          "Failed": {"Type": "Fail", "ErrorPath": "$.Error", "Cause": "bad item"}
        }
      },
      "Next": "Done"
    },
    "Done": {"Type": "Succeed"}
  }
}"#;
    let loaded = load_text(text);
    assert!(!loaded.has_errors(), "{:?}", loaded.diagnostics);
    let model = loaded.runnable().unwrap();
    assert_eq!(model.timeout_seconds, Some(3600));
    let StateKind::Map(map) = &model.states[0].kind else {
        panic!("not a map");
    };
    assert!(map.is_distributed());
    assert_eq!(map.processor.mode, ProcessorMode::Distributed);
    assert_eq!(map.processor.execution_type, Some(ExecutionType::Express));
    assert_eq!(map.label.as_deref(), Some("Files"));
    let reader = map.item_reader.as_ref().unwrap();
    assert_eq!(reader.input_type.as_deref(), Some("CSV"));
    assert_eq!(reader.csv_header_location.as_deref(), Some("GIVEN"));
    assert_eq!(
        reader.csv_headers,
        Some(vec!["a".to_string(), "b".to_string()])
    );
    assert_eq!(reader.csv_delimiter.as_deref(), Some("PIPE"));
    assert_eq!(reader.max_items, Some(Numeric::Path("$.max".into())));
    let batcher = map.item_batcher.as_ref().unwrap();
    assert_eq!(
        batcher.max_items_per_batch,
        Some(Numeric::Path("$.batch".into()))
    );
    assert_eq!(
        batcher.max_input_bytes_per_batch,
        Some(Numeric::Literal(1024.0))
    );
    assert!(batcher.batch_input.is_some());
    let writer = map.result_writer.as_ref().unwrap();
    assert_eq!(writer.output_type.as_deref(), Some("JSONL"));
    assert_eq!(writer.transformation.as_deref(), Some("COMPACT"));
    assert_eq!(
        map.max_concurrency,
        Some(Numeric::Path("$.concurrency".into()))
    );
    assert_eq!(
        map.tolerated_failure_percentage,
        Some(Numeric::Literal(2.5))
    );
    assert_eq!(
        map.tolerated_failure_count,
        Some(Numeric::Path("$.count".into()))
    );
    assert!(map.item_selector.is_some());
    let work = map.processor.machine.state("Work").unwrap();
    let StateKind::Task(task) = &work.kind else {
        panic!("not a task");
    };
    assert_eq!(task.timeout_seconds, Some(Numeric::Path("$.t".into())));
    assert_eq!(task.heartbeat_seconds, Some(Numeric::Literal(5.0)));
    let retrier = &task.retry[0];
    assert_eq!(
        (
            retrier.interval_seconds,
            retrier.max_attempts,
            retrier.backoff_rate,
            retrier.max_delay_seconds,
            retrier.jitter
        ),
        (2, 0, 1.5, Some(60), Jitter::Full)
    );
    assert_eq!(task.catch[0].result_path, Some(None));
    assert_eq!(work.transition, Transition::End);
    let StateKind::Fail(fail) = &map.processor.machine.state("Failed").unwrap().kind else {
        panic!("not a fail");
    };
    assert_eq!(fail.error, Some(Text::Path("$.Error".into())));
    assert_eq!(fail.cause, Some(Text::Literal("bad item".into())));
}

#[test]
fn the_model_holds_jsonata_fields_at_every_level() {
    use asl::{Condition, QueryLanguage, StateKind};
    let text = r#"{
  "QueryLanguage": "JSONata",
  "StartAt": "Choose",
  "States": {
    "Choose": {"Type": "Choice", "Choices": [{"Condition": "{% $states.input.n > 1 %}", "Next": "Map", "Assign": {"big": true}}], "Default": "Map"},
    "Map": {
      "Type": "Map",
      "Items": "{% $states.input.items %}",
      "ItemSelector": {"v": "{% $states.context.Map.Item.Value %}"},
      "MaxConcurrency": "{% $states.input.c %}",
      "ItemProcessor": {"StartAt": "P", "States": {"P": {"Type": "Pass", "QueryLanguage": "JSONPath", "Parameters": {"a.$": "$.v"}, "End": true}}},
      "Output": {"all": "{% $states.result %}"},
      "End": true
    }
  }
}"#;
    let loaded = load_text(text);
    assert!(!loaded.has_errors(), "{:?}", loaded.diagnostics);
    let model = loaded.runnable().unwrap();
    assert_eq!(model.query_language, QueryLanguage::Jsonata);
    let StateKind::Choice(choice) = &model.states[0].kind else {
        panic!("not a choice");
    };
    assert_eq!(
        choice.choices[0].condition,
        Condition::Jsonata("$states.input.n > 1".into())
    );
    assert!(choice.choices[0].assign.is_some());
    let map_state = &model.states[1];
    assert!(map_state.io.output.is_some());
    let StateKind::Map(map) = &map_state.kind else {
        panic!("not a map");
    };
    assert!(map.items.is_some());
    assert_eq!(
        map.max_concurrency,
        Some(asl::Numeric::Jsonata("$states.input.c".into()))
    );
    let inner = &map.processor.machine.states[0];
    assert_eq!(inner.query_language, QueryLanguage::JsonPath);
    assert!(inner.io.parameters.is_some());
}

#[test]
fn yaml_starting_with_a_quoted_key_is_yaml() {
    let text = "\"StartAt\": A\n\"States\":\n  A:\n    Type: Succeed\n";
    let loaded = load_text(text);
    assert_eq!(loaded.format, Some(SourceFormat::AslYaml));
    assert!(loaded.diagnostics.is_empty(), "{:?}", loaded.diagnostics);
}
