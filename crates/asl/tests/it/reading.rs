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
