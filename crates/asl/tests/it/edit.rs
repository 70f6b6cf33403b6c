//! `asl::edit`: changes written back into the text keep everything else as it was.

use asl::edit::{apply, Change, EditError};
use asl::{load, LoadOptions};
use serde_json::json;

fn edit(text: &str, pointer: &str, change: Change) -> Result<String, EditError> {
    let options = LoadOptions::default();
    let loaded = load(text, &options);
    apply(text, &loaded, &options, pointer, &change)
}

const JSON: &str = r#"{
  "StartAt": "Work",
  "States": {
    "Work": {
      "Type": "Task",
      "Resource": "arn:aws:states:::lambda:invoke",
      "Retry": [
        {
          "ErrorEquals": ["Lambda.ServiceException"],
          "MaxAttempts": 3
        }
      ],
      "End": true
    }
  }
}
"#;

#[test]
fn json_values_are_replaced_in_place() {
    let out = edit(
        JSON,
        "/States/Work/Retry/0/MaxAttempts",
        Change::Set(json!(6)),
    )
    .unwrap();
    assert_eq!(
        out,
        JSON.replace("\"MaxAttempts\": 3", "\"MaxAttempts\": 6")
    );
    let out = edit(
        JSON,
        "/States/Work/Retry/0/ErrorEquals",
        Change::Set(json!(["States.ALL"])),
    )
    .unwrap();
    assert!(
        out.contains("\"ErrorEquals\": [\n            \"States.ALL\"\n          ],"),
        "{out}"
    );
}

#[test]
fn json_members_are_added_with_the_indentation_found() {
    let out = edit(
        JSON,
        "/States/Work/Retry/0/BackoffRate",
        Change::Set(json!(1.5)),
    )
    .unwrap();
    assert!(
        out.contains("\"MaxAttempts\": 3,\n          \"BackoffRate\": 1.5\n        }"),
        "{out}"
    );
    let out = edit(JSON, "/States/Work/TimeoutSeconds", Change::Set(json!(30))).unwrap();
    assert!(
        out.contains("\"End\": true,\n      \"TimeoutSeconds\": 30\n    }"),
        "{out}"
    );
    let out = edit(
        JSON,
        "/States/Work/Retry/1",
        Change::Set(json!({"ErrorEquals": ["States.ALL"], "MaxAttempts": 0})),
    )
    .unwrap();
    assert!(
        load(&out, &LoadOptions::default()).diagnostics.is_empty(),
        "{out}"
    );
    // Single-line objects stay on one line.
    let text = r#"{"StartAt": "A", "States": {"A": {"Type": "Pass", "End": true}}}"#;
    let out = edit(text, "/States/A/Comment", Change::Set(json!("hi"))).unwrap();
    assert_eq!(
        out,
        r#"{"StartAt": "A", "States": {"A": {"Type": "Pass", "End": true, "Comment": "hi"}}}"#
    );
}

#[test]
fn json_members_are_removed_with_their_comma() {
    let out = edit(JSON, "/States/Work/Retry", Change::Remove).unwrap();
    assert_eq!(
        out,
        JSON.replace(
            "      \"Retry\": [\n        {\n          \"ErrorEquals\": [\"Lambda.ServiceException\"],\n          \"MaxAttempts\": 3\n        }\n      ],\n",
            ""
        )
    );
    let out = edit(JSON, "/States/Work/Retry/0/MaxAttempts", Change::Remove).unwrap();
    assert!(
        out.contains("[\"Lambda.ServiceException\"]\n        }"),
        "{out}"
    );
    let out = edit(JSON, "/States/Work/Retry/0", Change::Remove).unwrap();
    assert!(out.contains("\"Retry\": [],"), "{out}");
}

const YAML: &str = "StartAt: Work
States:
  Work:
    Type: Task
    Resource: arn:aws:states:::lambda:invoke
    Retry:
      - ErrorEquals: [Lambda.ServiceException]
        MaxAttempts: 3   # keep this comment
      - ErrorEquals: [States.ALL]
    End: true
";

#[test]
fn yaml_edits_keep_comments_and_layout() {
    let out = edit(
        YAML,
        "/States/Work/Retry/0/MaxAttempts",
        Change::Set(json!(5)),
    )
    .unwrap();
    assert_eq!(out, YAML.replace("MaxAttempts: 3", "MaxAttempts: 5"));
    let out = edit(
        YAML,
        "/States/Work/Retry/0/BackoffRate",
        Change::Set(json!(2.5)),
    )
    .unwrap();
    assert!(
        out.contains("MaxAttempts: 3   # keep this comment\n        BackoffRate: 2.5\n"),
        "{out}"
    );
    let out = edit(YAML, "/States/Work/TimeoutSeconds", Change::Set(json!(60))).unwrap();
    assert!(
        out.ends_with("End: true\n    TimeoutSeconds: 60\n"),
        "{out}"
    );
    let out = edit(YAML, "/States/Work/Retry/1", Change::Remove).unwrap();
    assert!(
        !out.contains("States.ALL") && out.contains("# keep this comment"),
        "{out}"
    );
    let out = edit(
        YAML,
        "/States/Work/Retry/2",
        Change::Set(json!({"ErrorEquals": ["E"]})),
    )
    .unwrap();
    assert!(
        out.contains("      - ErrorEquals: [States.ALL]\n      - {\"ErrorEquals\":[\"E\"]}\n"),
        "{out}"
    );
    let out = edit(
        YAML,
        "/States/Work/Resource",
        Change::Set(json!("arn:aws:lambda:us-east-1:123456789012:function:f")),
    )
    .unwrap();
    assert!(
        out.contains("Resource: \"arn:aws:lambda:us-east-1:123456789012:function:f\"\n"),
        "{out}"
    );
}

#[test]
fn definitions_inside_json_strings_are_edited_with_escapes() {
    let text = r#"{"Resources": {"M": {"Type": "AWS::StepFunctions::StateMachine", "Properties": {"DefinitionString": "{\"StartAt\": \"A\", \"States\": {\"A\": {\"Type\": \"Wait\", \"Seconds\": 5, \"End\": true}}}"}}}}"#;
    let out = edit(text, "/States/A/Seconds", Change::Set(json!(10))).unwrap();
    assert!(out.contains(r#"\"Seconds\": 10"#), "{out}");
    let out = edit(
        text,
        "/States/A/Comment",
        Change::Set(json!("a \"quoted\" note")),
    )
    .unwrap();
    let reloaded = load(&out, &LoadOptions::default());
    assert_eq!(
        reloaded.definition.unwrap()["States"]["A"]["Comment"],
        "a \"quoted\" note"
    );
    let out = edit(text, "/States/A/Seconds", Change::Remove).unwrap();
    assert!(!out.contains("Seconds"));
}

#[test]
fn what_cannot_be_edited_in_place_is_refused() {
    // A substituted value.
    let template = "Resources:\n  M:\n    Type: AWS::StepFunctions::StateMachine\n    Properties:\n      DefinitionSubstitutions:\n        S: 5\n      DefinitionString: !Sub '{\"StartAt\": \"A\", \"States\": {\"A\": {\"Type\": \"Wait\", \"Seconds\": ${S}, \"End\": true}}}'\n";
    assert!(matches!(
        edit(template, "/States/A/Seconds", Change::Set(json!(1))),
        Err(EditError::Unsupported(_))
    ));
    // A YAML block scalar value.
    let text = "StartAt: A\nStates:\n  A:\n    Type: Pass\n    Comment: |\n      two\n      lines\n    End: true\n";
    assert!(matches!(
        edit(text, "/States/A/Comment", Change::Set(json!("x"))),
        Err(EditError::Unsupported(_))
    ));
    assert!(matches!(
        edit(JSON, "/States/Nope/X", Change::Set(json!(1))),
        Err(EditError::NoParent(_))
    ));
    assert!(matches!(
        edit(JSON, "/States/Work/Nope", Change::Remove),
        Err(EditError::Missing(_))
    ));
    assert_eq!(edit("{", "/a", Change::Remove), Err(EditError::NotRead));
}
