//! The document actions of the reducer: opening a file, picking a template's machine, and the
//! form edits written into the definition and scenario texts.

use std::rc::Rc;

use crate::document_edit::{self, DocumentEdit, EditFailure};

use super::{load_options, AppState};

/// The largest file the page opens (4 MiB). Step Functions accepts definitions of at most
/// 1 MiB; a template holding one may be larger, but a text of many megabytes in a textarea
/// with a line-number gutter would make every keystroke slow.
pub const MAX_FILE_BYTES: usize = 4 * 1024 * 1024;

/// Which document a notice is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Document {
    Definition,
    Scenario,
}

/// Something the page tells the user about the last document action. Kept as data (not text)
/// so that it is shown in the page's current language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Notice {
    /// The file is larger than [`MAX_FILE_BYTES`]; nothing was read.
    FileTooLarge { name: String, bytes: u64 },
    /// The file could not be read as text (invalid UTF-8, UTF-16, a read error); the editor
    /// kept its text. `line`/`column` locate the first bad byte when known.
    FileUnreadable {
        name: String,
        message: String,
        line: Option<u32>,
        column: Option<u32>,
    },
    /// A form edit could not keep the text's layout, so the document was written anew.
    Rewritten { document: Document, reason: String },
    /// A form edit could not be written at all.
    EditRefused { document: Document, reason: String },
    /// A form edit was asked while the text cannot be read (fix the syntax error first).
    Unreadable { document: Document },
}

impl Notice {
    /// The document the notice is about (files are opened into the definition).
    pub fn document(&self) -> Document {
        match self {
            Notice::FileTooLarge { .. } | Notice::FileUnreadable { .. } => Document::Definition,
            Notice::Rewritten { document, .. }
            | Notice::EditRefused { document, .. }
            | Notice::Unreadable { document } => *document,
        }
    }

    /// Whether it reports a failure (rather than something done differently than asked).
    pub fn is_error(&self) -> bool {
        !matches!(self, Notice::Rewritten { .. })
    }
}

/// Opens a file's bytes as the definition: a new text, the template's first machine.
pub(super) fn open_file(state: Rc<AppState>, name: &str, bytes: &[u8]) -> Rc<AppState> {
    let refuse = |notice: Notice| {
        let mut next = (*state).clone();
        next.notice = Some(notice);
        Rc::new(next)
    };
    if bytes.len() > MAX_FILE_BYTES {
        return refuse(Notice::FileTooLarge {
            name: name.to_string(),
            bytes: bytes.len() as u64,
        });
    }
    let text = match std::str::from_utf8(bytes) {
        Ok(text) => text,
        Err(_) => {
            // `asl` says where the first bad byte is, and recognises UTF-16.
            let loaded = asl::load_bytes(bytes, &asl::LoadOptions::default());
            let diagnostic = loaded.diagnostics.first();
            return refuse(Notice::FileUnreadable {
                name: name.to_string(),
                message: diagnostic.map_or_else(
                    || "the file is not UTF-8 text".to_string(),
                    |d| d.message.clone(),
                ),
                line: diagnostic.and_then(|d| d.location).map(|l| l.line),
                column: diagnostic.and_then(|d| d.location).map(|l| l.column),
            });
        }
    };
    // The editor shows the text as it is; a byte-order mark is invisible there and `asl`
    // ignores it, so dropping it changes nothing but the length.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut fresh = (*state).clone();
    fresh.machine = None;
    fresh.shown_map = None;
    Rc::new(fresh.with_text(text.to_string(), None))
}

/// Reads the template's machine `machine` instead of the current one.
pub(super) fn select_machine(state: Rc<AppState>, machine: String) -> Rc<AppState> {
    if state.machine.as_deref() == Some(machine.as_str())
        || (state.machine.is_none() && state.analysis.picked_machine() == Some(machine.as_str()))
    {
        return state;
    }
    let mut next = (*state).clone();
    next.machine = Some(machine);
    next.shown_map = None;
    let text = next.text.to_string();
    let mut next = next.with_text(text, None);
    // Picking a machine changes what is read, not what the user typed.
    next.edited = state.edited;
    Rc::new(next)
}

/// Writes a settings form's change into the definition text.
pub(super) fn edit_definition(state: Rc<AppState>, edits: &[DocumentEdit]) -> Rc<AppState> {
    let options = load_options(state.machine.as_deref());
    match document_edit::edit_definition(&state.text, &options, edits) {
        Ok(edited) if edited.text == state.text.as_str() => state,
        Ok(edited) => {
            let notice = edited.rewritten.map(|reason| Notice::Rewritten {
                document: Document::Definition,
                reason,
            });
            Rc::new(state.with_text(edited.text, notice))
        }
        Err(failure) => with_failure(&state, Document::Definition, failure),
    }
}

/// Writes the scenario form's change into the scenario text.
pub(super) fn edit_scenario(state: Rc<AppState>, edits: &[DocumentEdit]) -> Rc<AppState> {
    match document_edit::edit_scenario(&state.scenario_text, edits) {
        Ok(edited) if edited.text == state.scenario_text.as_str() => state,
        Ok(edited) => {
            let notice = edited.rewritten.map(|reason| Notice::Rewritten {
                document: Document::Scenario,
                reason,
            });
            Rc::new(state.with_scenario_text(edited.text, notice))
        }
        Err(failure) => with_failure(&state, Document::Scenario, failure),
    }
}

fn with_failure(state: &AppState, document: Document, failure: EditFailure) -> Rc<AppState> {
    let mut next = state.clone();
    next.notice = Some(match failure {
        EditFailure::Unreadable => Notice::Unreadable { document },
        EditFailure::Refused(reason) => Notice::EditRefused { document, reason },
    });
    Rc::new(next)
}

#[cfg(test)]
mod tests {
    use serde_json::{json, Value};
    use yew::Reducible;

    use super::*;
    use crate::state::Action;

    const FAILING: &str = r#"{
  "StartAt": "Fan",
  "States": {
    "Fan": {
      "Type": "Map",
      "ToleratedFailureCount": 5,
      "ItemProcessor": {
        "ProcessorConfig": { "Mode": "DISTRIBUTED", "ExecutionType": "STANDARD" },
        "StartAt": "Work",
        "States": {
          "Work": {
            "Type": "Task",
            "Resource": "arn:aws:states:::lambda:invoke",
            "Retry": [
              { "ErrorEquals": ["Lambda.ServiceException"], "MaxAttempts": 2 },
              { "ErrorEquals": ["States.ALL"], "MaxAttempts": 0 }
            ],
            "End": true
          }
        }
      },
      "End": true
    }
  }
}
"#;

    /// 20 items, 10 of them always failing: more than 5 tolerated.
    const SCENARIO: &str = r#"{
  "seed": 3,
  "items": { "count": 20 },
  "tasks": {
    "Work": {
      "latency": { "fixed_ms": 100 },
      "faults": [ { "error": "BadItem", "items": { "indices": [0, 1, 2, 3, 4, 5, 6, 7, 8, 9] } } ]
    }
  }
}
"#;

    const TEMPLATE: &str = "\
Resources:
  Orders:
    Type: AWS::StepFunctions::StateMachine
    Properties:
      Definition:
        StartAt: A
        States:
          A: {Type: Pass, End: true}
  Refunds:
    Type: AWS::Serverless::StateMachine
    Properties:
      Definition:
        StartAt: Refund
        States:
          Refund:
            Type: Task
            Resource: arn:aws:states:::lambda:invoke
            TimeoutSeconds: 30
            End: true
";

    fn state_with(definition: &str, scenario: &str) -> Rc<AppState> {
        let state = Rc::new(AppState::initial()).reduce(Action::Edit(definition.into()));
        state.reduce(Action::EditScenario(scenario.into()))
    }

    fn definition(state: &AppState) -> Value {
        state
            .analysis
            .definition
            .as_deref()
            .cloned()
            .unwrap_or(Value::Null)
    }

    fn changed_lines(before: &str, after: &str) -> Vec<String> {
        assert_eq!(before.lines().count(), after.lines().count(), "{after}");
        before
            .lines()
            .zip(after.lines())
            .filter(|(b, a)| b != a)
            .map(|(_, a)| a.to_string())
            .collect()
    }

    /// Runs the state's run input to its end and returns the verdict text.
    fn verdict(state: &AppState) -> String {
        let Some(input) = state.run_input() else {
            panic!(
                "not runnable: {:?} {:?}",
                state.analysis.diagnostics, state.scenario.errors
            );
        };
        let sim = engine::sim::Simulation::new(
            &input.model,
            &input.scenario,
            engine::sim::SimOptions::default(),
        );
        let Ok(mut sim) = sim else {
            panic!("setup failed");
        };
        sim.run();
        sim.verdict_text()
    }

    #[test]
    fn editing_a_retrier_field_changes_one_line_and_reads_back_as_the_new_value() {
        let state = state_with(FAILING, SCENARIO);
        let pointer = "/States/Fan/ItemProcessor/States/Work/Retry/0/MaxAttempts";
        let next = state
            .clone()
            .reduce(Action::EditDefinition(vec![DocumentEdit::set(
                pointer,
                json!(7),
            )]));
        assert_eq!(
            changed_lines(&state.text, &next.text),
            [r#"              { "ErrorEquals": ["Lambda.ServiceException"], "MaxAttempts": 7 },"#]
        );
        assert_eq!(definition(&next).pointer(pointer), Some(&json!(7)));
        let Some(model) = &next.analysis.model else {
            panic!("the edited definition runs");
        };
        let mut retriers = Vec::new();
        model.walk(&mut |s| retriers.extend(s.retry().iter().map(|r| r.max_attempts)));
        assert_eq!(retriers, [7, 0]);
        assert_eq!(next.notice, None);
        assert_ne!(
            state.run_input().map(|i| i.key),
            next.run_input().map(|i| i.key),
            "an edit is a new run"
        );
    }

    #[test]
    fn raising_the_tolerance_in_the_form_turns_a_failed_run_into_a_success() {
        let state = state_with(FAILING, SCENARIO);
        let before = verdict(&state);
        assert!(
            before.starts_with("FAILED: States.ExceedToleratedFailureThreshold"),
            "{before}"
        );
        let next = state.reduce(Action::EditDefinition(vec![DocumentEdit::set(
            "/States/Fan/ToleratedFailureCount",
            json!(10),
        )]));
        assert!(next.text.contains("\"ToleratedFailureCount\": 10,"));
        let after = verdict(&next);
        assert!(
            after.starts_with("SUCCEEDED with 10 failed items"),
            "{after}"
        );
    }

    #[test]
    fn reordering_and_removing_retriers() {
        let state = state_with(FAILING, SCENARIO);
        let retry = "/States/Fan/ItemProcessor/States/Work/Retry";
        let moved = state
            .clone()
            .reduce(Action::EditDefinition(vec![DocumentEdit::Move {
                array: retry.into(),
                from: 1,
                to: 0,
            }]));
        let errors = |state: &AppState| -> Value {
            definition(state)
                .pointer(retry)
                .map(|r| {
                    json!([
                        r[0]["ErrorEquals"][0],
                        r.get(1).map(|e| &e["ErrorEquals"][0])
                    ])
                })
                .unwrap_or(Value::Null)
        };
        assert_eq!(
            errors(&moved),
            json!(["States.ALL", "Lambda.ServiceException"])
        );
        // States.ALL first is an error the forms show: it comes from asl, not from the app.
        assert!(moved
            .analysis
            .diagnostics
            .iter()
            .any(|d| d.is_error() && d.pointer.starts_with(retry)));
        let removed = moved.reduce(Action::EditDefinition(vec![DocumentEdit::prune(format!(
            "{retry}/0"
        ))]));
        assert_eq!(errors(&removed), json!(["Lambda.ServiceException", null]));
        assert_eq!(removed.analysis.n_errors(), 0);
        let none = removed.reduce(Action::EditDefinition(vec![DocumentEdit::prune(format!(
            "{retry}/0"
        ))]));
        assert_eq!(definition(&none).pointer(retry), None);
        assert!(
            none.text.contains(
                "\"Resource\": \"arn:aws:states:::lambda:invoke\",\n            \"End\": true"
            ),
            "{}",
            none.text
        );
    }

    #[test]
    fn yaml_definitions_are_edited_as_yaml() {
        let yaml = "\
StartAt: Work
States:
  Work:
    Type: Task
    Resource: arn:aws:states:::lambda:invoke
    Retry:
      - ErrorEquals: [Lambda.ServiceException]
        BackoffRate: 2   # doubles
    End: true
";
        let state = state_with(yaml, "{}");
        let next = state.clone().reduce(Action::EditDefinition(vec![
            DocumentEdit::set("/States/Work/Retry/0/BackoffRate", json!(0.5)),
            DocumentEdit::set("/States/Work/TimeoutSeconds", json!(30)),
        ]));
        assert_eq!(next.notice, None);
        assert_eq!(
            next.text.as_str(),
            yaml.replace("BackoffRate: 2 ", "BackoffRate: 0.5 ")
                .replace("    End: true\n", "    End: true\n    TimeoutSeconds: 30\n")
        );
        // The out-of-range value is reported by asl, at its line, for the form to show.
        let Some(diagnostic) = next
            .analysis
            .diagnostics
            .iter()
            .find(|d| d.pointer == "/States/Work/Retry/0/BackoffRate")
        else {
            panic!("{:?}", next.analysis.diagnostics);
        };
        assert!(diagnostic.is_error());
        assert_eq!(diagnostic.location.map(|l| l.line), Some(8));
        assert_eq!(next.analysis.format, Some(asl::SourceFormat::AslYaml));
    }

    #[test]
    fn a_form_edit_on_unreadable_text_is_refused_with_a_notice() {
        let state = state_with("{ \"StartAt\": ", "{}");
        let next = state
            .clone()
            .reduce(Action::EditDefinition(vec![DocumentEdit::set(
                "/TimeoutSeconds",
                json!(5),
            )]));
        assert_eq!(next.text, state.text);
        assert_eq!(
            next.notice,
            Some(Notice::Unreadable {
                document: Document::Definition
            })
        );
        // The next keystroke clears it.
        let typed = next.reduce(Action::Edit("{}".into()));
        assert_eq!(typed.notice, None);
    }

    #[test]
    fn a_rewritten_document_says_so() {
        let yaml = "StartAt: A\nComment: |\n  two\n  lines\nStates:\n  A:\n    Type: Succeed\n";
        let state = state_with(yaml, "{}");
        let next = state.reduce(Action::EditDefinition(vec![DocumentEdit::set(
            "/Comment",
            json!("one"),
        )]));
        assert!(matches!(
            next.notice,
            Some(Notice::Rewritten {
                document: Document::Definition,
                ..
            })
        ));
        assert_eq!(definition(&next)["Comment"], json!("one"));
    }

    #[test]
    fn scenario_form_edits_rewrite_the_json_minimally_and_are_checked() {
        let state = state_with(FAILING, SCENARIO);
        let next = state.clone().reduce(Action::EditScenarioFields(vec![
            DocumentEdit::set("/items/count", json!(400)),
            DocumentEdit::set("/limits/lambda_concurrency", json!(50)),
        ]));
        let expected = SCENARIO
            .replace("\"count\": 20 }", "\"count\": 400 }")
            .replace(
                "    }\n  }\n}\n",
                "    }\n  },\n  \"limits\": {\n    \"lambda_concurrency\": 50\n  }\n}\n",
            );
        assert_eq!(next.scenario_text.as_str(), expected);
        let Some(scenario) = &next.scenario.parsed else {
            panic!("{:?}", next.scenario.errors);
        };
        assert_eq!(scenario.limits.lambda_concurrency, Some(50));
        assert_ne!(
            state.run_input().map(|i| i.key),
            next.run_input().map(|i| i.key)
        );
        // A task the definition lacks is a problem listed with its place.
        let wrong = next.reduce(Action::EditScenarioFields(vec![DocumentEdit::set(
            "/tasks/Wrok/latency/fixed_ms",
            json!(5),
        )]));
        assert!(wrong
            .scenario
            .errors
            .iter()
            .any(|e| e.message.contains("Wrok") && e.line.is_some()));
        assert!(wrong.run_input().is_none());
    }

    #[test]
    fn opening_a_file_reads_it_and_bad_files_leave_the_text_alone() {
        let state = Rc::new(AppState::initial());
        let opened = state.clone().reduce(Action::OpenFile {
            name: "machine.yaml".into(),
            bytes: "\u{feff}StartAt: A\nStates:\n  A: {Type: Succeed}\n".into(),
        });
        assert_eq!(
            opened.text.as_str(),
            "StartAt: A\nStates:\n  A: {Type: Succeed}\n"
        );
        assert_eq!(opened.analysis.format, Some(asl::SourceFormat::AslYaml));
        assert!(opened.edited);

        let mut latin1 = b"{\"Comment\": \"caf".to_vec();
        latin1.extend([0xE9, b'"', b'}']);
        let refused = opened.clone().reduce(Action::OpenFile {
            name: "latin1.json".into(),
            bytes: latin1,
        });
        assert_eq!(refused.text, opened.text);
        let Some(Notice::FileUnreadable {
            name,
            message,
            line,
            column,
        }) = &refused.notice
        else {
            panic!("{:?}", refused.notice);
        };
        assert_eq!(name, "latin1.json");
        assert!(message.contains("not valid UTF-8"), "{message}");
        assert_eq!((*line, *column), (Some(1), Some(17)));

        let huge = opened.clone().reduce(Action::OpenFile {
            name: "huge.json".into(),
            bytes: vec![b' '; MAX_FILE_BYTES + 1],
        });
        assert_eq!(huge.text, opened.text);
        assert!(
            matches!(huge.notice, Some(Notice::FileTooLarge { bytes, .. }) if bytes == MAX_FILE_BYTES as u64 + 1)
        );
    }

    #[test]
    fn a_template_with_two_machines_offers_both_and_reads_the_picked_one() {
        let state = state_with(TEMPLATE, "{}");
        let names: Vec<&str> = state
            .analysis
            .machines
            .iter()
            .map(|m| m.name.as_str())
            .collect();
        assert_eq!(names, ["Orders", "Refunds"]);
        assert_eq!(state.analysis.picked_machine(), Some("Orders"));
        let picked = state
            .clone()
            .reduce(Action::SelectMachine("Refunds".into()));
        assert_eq!(picked.machine.as_deref(), Some("Refunds"));
        assert_eq!(picked.text, state.text);
        let Some(model) = &picked.analysis.model else {
            panic!("{:?}", picked.analysis.diagnostics);
        };
        assert_eq!(model.start_at, "Refund");
        assert_ne!(
            state.run_input().map(|i| i.key),
            picked.run_input().map(|i| i.key)
        );

        // Form edits go into the picked machine's definition.
        let edited = picked.reduce(Action::EditDefinition(vec![DocumentEdit::set(
            "/States/Refund/TimeoutSeconds",
            json!(90),
        )]));
        assert_eq!(
            edited.text.as_str(),
            TEMPLATE.replace("TimeoutSeconds: 30", "TimeoutSeconds: 90")
        );
        assert_eq!(edited.machine.as_deref(), Some("Refunds"));

        // A text without that machine falls back to the first.
        let other = edited.reduce(Action::Edit(TEMPLATE.replace("Refunds:", "Returns:")));
        assert_eq!(other.machine.as_deref(), Some("Orders"));
        assert_eq!(other.analysis.n_errors(), 0);
    }
}
