//! Form edits written into the user's text: the settings forms change the ASL definition and the
//! scenario form changes the scenario document, always through the text, keeping its layout.
//!
//! Each [`DocumentEdit`] becomes one or more `asl::edit` changes (which replace only the
//! characters concerned and verify the result by reading it again). What `asl::edit` does not do
//! by itself is added here because it is about what a form means, not about text:
//! - setting a field whose parent objects do not exist yet creates them
//!   (`ItemBatcher.MaxItemsPerBatch` on a Map without an `ItemBatcher`);
//! - removing the last member of a container can remove the container too (the last retrier
//!   removes `Retry`), so a cleared form leaves no empty `"Retry": []` behind;
//! - moving an element swaps the text of two neighbours, so each keeps its own layout.
//!
//! When a change cannot be made in place (a YAML block scalar, a value from a template
//! substitution) the document is re-serialised and [`Edited::rewritten`] says why, so the page
//! can tell the user that their layout was not kept.
//!
//! The scenario document is JSON, so it is edited with the same machinery: `asl::load` reads any
//! JSON object as a "definition" with a source map, which is all `asl::edit` needs.

use asl::edit::{apply, Change, EditError};
use asl::{LoadOptions, Loaded, SourceFormat};
use serde_json::Value;

/// One change a form makes, at a JSON pointer of the document.
#[derive(Debug, Clone, PartialEq)]
pub enum DocumentEdit {
    /// Replace or add the value; missing parent objects are created. A token `-` (or the
    /// array's length) appends to an array.
    Set { pointer: String, value: Value },
    /// Remove the value (nothing happens when it is absent). With `prune`, a parent left empty
    /// is removed too, up to (not including) the document itself.
    Remove { pointer: String, prune: bool },
    /// Move an element of the array at `array` from index `from` to index `to`.
    Move {
        array: String,
        from: usize,
        to: usize,
    },
}

impl DocumentEdit {
    pub fn set(pointer: impl Into<String>, value: Value) -> DocumentEdit {
        DocumentEdit::Set {
            pointer: pointer.into(),
            value,
        }
    }

    pub fn remove(pointer: impl Into<String>) -> DocumentEdit {
        DocumentEdit::Remove {
            pointer: pointer.into(),
            prune: false,
        }
    }

    /// Remove, and remove the parents that would be left empty.
    pub fn prune(pointer: impl Into<String>) -> DocumentEdit {
        DocumentEdit::Remove {
            pointer: pointer.into(),
            prune: true,
        }
    }

    /// `value` at `pointer`, or its removal when `None`.
    pub fn set_or_remove(pointer: impl Into<String>, value: Option<Value>) -> DocumentEdit {
        match value {
            Some(value) => DocumentEdit::set(pointer, value),
            None => DocumentEdit::prune(pointer),
        }
    }
}

/// The new text of an edited document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edited {
    pub text: String,
    /// Why the layout could not be kept, when the document had to be re-serialised.
    pub rewritten: Option<String>,
}

/// Why a form edit could not be written at all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EditFailure {
    /// The text holds no readable document (a syntax error): the form cannot know where to
    /// write until it is fixed.
    Unreadable,
    /// The change cannot be written into this text, not even by re-serialising it (a
    /// definition assembled by `Fn::Sub`, an edit that makes no sense for the document).
    Refused(String),
}

/// Applies `edits` to the ASL definition in `text` (read with `options`, so a template's chosen
/// machine is the one edited).
pub fn edit_definition(
    text: &str,
    options: &LoadOptions,
    edits: &[DocumentEdit],
) -> Result<Edited, EditFailure> {
    edit_document(text, options, edits, rewrite_definition)
}

/// Applies `edits` to the scenario document in `text`.
pub fn edit_scenario(text: &str, edits: &[DocumentEdit]) -> Result<Edited, EditFailure> {
    edit_document(text, &LoadOptions::default(), edits, |text, _, _, value| {
        Ok(pretty_json(value, ends_with_newline(text)))
    })
}

/// How a document is written anew when it cannot be edited in place: `(text, loaded, options,
/// new value) -> new text`.
type Rewrite = fn(&str, &Loaded, &LoadOptions, &Value) -> Result<String, String>;

fn edit_document(
    text: &str,
    options: &LoadOptions,
    edits: &[DocumentEdit],
    rewrite: Rewrite,
) -> Result<Edited, EditFailure> {
    let loaded = asl::load(text, options);
    let Some(original) = loaded.definition.clone() else {
        return Err(EditFailure::Unreadable);
    };
    // What the document must read as afterwards, whichever way the text is written.
    let mut expected = original.clone();
    for edit in edits {
        apply_to_value(&mut expected, edit).map_err(EditFailure::Refused)?;
    }
    if expected == original {
        return Ok(Edited {
            text: text.to_string(),
            rewritten: None,
        });
    }
    let in_place = edits.iter().try_fold(text.to_string(), |current, edit| {
        apply_in_text(&current, options, edit)
    });
    match in_place {
        Ok(new_text) => Ok(Edited {
            text: new_text,
            rewritten: None,
        }),
        Err(why) => {
            let new_text =
                rewrite(text, &loaded, options, &expected).map_err(EditFailure::Refused)?;
            let reread = asl::load(&new_text, options);
            if reread.definition.as_ref() != Some(&expected) {
                return Err(EditFailure::Refused(why.to_string()));
            }
            Ok(Edited {
                text: new_text,
                rewritten: Some(why.to_string()),
            })
        }
    }
}

/// Re-serialises a definition: a plain definition becomes pretty-printed JSON (also valid YAML);
/// one inside a template or describe output is replaced where it stands, the rest kept.
fn rewrite_definition(
    text: &str,
    loaded: &Loaded,
    options: &LoadOptions,
    definition: &Value,
) -> Result<String, String> {
    match loaded.format {
        Some(SourceFormat::AslJson | SourceFormat::AslYaml) => {
            Ok(pretty_json(definition, ends_with_newline(text)))
        }
        Some(_) => apply(text, loaded, options, "", &Change::Set(definition.clone()))
            .map_err(|error| error.to_string()),
        None => Err(EditError::NotRead.to_string()),
    }
}

fn ends_with_newline(text: &str) -> bool {
    text.ends_with('\n')
}

fn pretty_json(value: &Value, trailing_newline: bool) -> String {
    let mut out = serde_json::to_string_pretty(value).unwrap_or_default();
    if trailing_newline {
        out.push('\n');
    }
    out
}

/// One edit made in the text, in place; the text is read again for each, since every change
/// moves what follows it.
fn apply_in_text(
    text: &str,
    options: &LoadOptions,
    edit: &DocumentEdit,
) -> Result<String, EditError> {
    let loaded = asl::load(text, options);
    let Some(document) = loaded.definition.as_ref() else {
        return Err(EditError::NotRead);
    };
    match edit {
        DocumentEdit::Set { pointer, value } => {
            if document.pointer(pointer) == Some(value) {
                return Ok(text.to_string());
            }
            let (at, wrapped) = nearest_settable(document, pointer, value);
            apply(text, &loaded, options, &at, &Change::Set(wrapped))
        }
        DocumentEdit::Remove { pointer, prune } => {
            if document.pointer(pointer).is_none() {
                return Ok(text.to_string());
            }
            let at = if *prune {
                outermost_emptied(document, pointer)
            } else {
                pointer.clone()
            };
            apply(text, &loaded, options, &at, &Change::Remove)
        }
        DocumentEdit::Move { array, from, to } => {
            let mut current = text.to_string();
            let mut index = *from;
            while index != *to {
                let next = if index < *to { index + 1 } else { index - 1 };
                current = swap(&current, options, array, index, next)?;
                index = next;
            }
            Ok(current)
        }
    }
}

/// Swaps two elements of an array by exchanging their text, so that each keeps its own layout;
/// when that does not read back as the swapped array, sets both elements instead.
fn swap(
    text: &str,
    options: &LoadOptions,
    array: &str,
    a: usize,
    b: usize,
) -> Result<String, EditError> {
    let loaded = asl::load(text, options);
    let Some(document) = loaded.definition.as_ref() else {
        return Err(EditError::NotRead);
    };
    let mut expected = document.clone();
    let Some(Value::Array(items)) = expected.pointer_mut(array) else {
        return Err(EditError::Missing(array.to_string()));
    };
    if a >= items.len() || b >= items.len() {
        return Err(EditError::Missing(format!("{array}/{}", a.max(b))));
    }
    items.swap(a, b);
    let map = &loaded.source_map;
    let spans = map
        .span(&format!("{array}/{a}"))
        .zip(map.span(&format!("{array}/{b}")));
    if let Some((first, second)) = spans {
        let (first, second) = if first.value.start <= second.value.start {
            (first.value, second.value)
        } else {
            (second.value, first.value)
        };
        // A YAML comment at the end of an element's last line belongs to the element.
        let (first_end, second_end) = (
            with_trailing_comment(text, first.end),
            with_trailing_comment(text, second.end),
        );
        let swapped = text
            .get(..first.start)
            .zip(text.get(second.start..second_end))
            .zip(text.get(first_end..second.start))
            .zip(text.get(first.start..first_end))
            .zip(text.get(second_end..))
            .map(|((((before, second), between), first), after)| {
                [before, second, between, first, after].concat()
            });
        if let Some(swapped) = swapped {
            if asl::load(&swapped, options).definition.as_ref() == Some(&expected) {
                return Ok(swapped);
            }
        }
    }
    // Element by element: each set is verified by `asl::edit` itself.
    let Some(Value::Array(items)) = expected.pointer(array) else {
        return Err(EditError::Missing(array.to_string()));
    };
    let (value_a, value_b) = (items[a].clone(), items[b].clone());
    let once = apply(
        text,
        &loaded,
        options,
        &format!("{array}/{a}"),
        &Change::Set(value_a),
    )?;
    let reloaded = asl::load(&once, options);
    apply(
        &once,
        &reloaded,
        options,
        &format!("{array}/{b}"),
        &Change::Set(value_b),
    )
}

/// `end`, or the end of its line when the rest of that line is a `#` comment.
fn with_trailing_comment(text: &str, end: usize) -> usize {
    let Some(rest) = text.get(end..) else {
        return end;
    };
    let line = rest.split('\n').next().unwrap_or_default();
    if line.trim_start().starts_with('#') {
        end + line.trim_end_matches('\r').len()
    } else {
        end
    }
}

/// The pointer tokens of `pointer`, decoded.
fn tokens(pointer: &str) -> Vec<String> {
    pointer
        .split('/')
        .skip(1)
        .map(asl::pointer::unescape)
        .collect()
}

fn join(tokens: &[String]) -> String {
    asl::pointer::join(tokens)
}

/// Where to set `value` so that it ends up at `pointer`: the first missing member on the way,
/// holding the rest of the path as new objects (or a one-element array for `-` / `0`).
fn nearest_settable(document: &Value, pointer: &str, value: &Value) -> (String, Value) {
    let tokens = tokens(pointer);
    let mut existing = 0;
    while existing < tokens.len() && document.pointer(&join(&tokens[..existing + 1])).is_some() {
        existing += 1;
    }
    if existing + 1 >= tokens.len() {
        return (pointer.to_string(), value.clone());
    }
    let mut wrapped = value.clone();
    for token in tokens[existing + 1..].iter().rev() {
        wrapped = if token == "-" || token == "0" {
            Value::Array(vec![wrapped])
        } else {
            let mut object = serde_json::Map::new();
            object.insert(token.clone(), wrapped);
            Value::Object(object)
        };
    }
    (join(&tokens[..existing + 1]), wrapped)
}

/// The outermost pointer whose removal removes `pointer` without leaving an empty container:
/// climbs while the parent holds nothing else (never to the document itself).
fn outermost_emptied(document: &Value, pointer: &str) -> String {
    let mut tokens = tokens(pointer);
    while tokens.len() > 1 {
        let parent = join(&tokens[..tokens.len() - 1]);
        let only_child = match document.pointer(&parent) {
            Some(Value::Object(members)) => members.len() == 1,
            Some(Value::Array(items)) => items.len() == 1,
            _ => false,
        };
        if !only_child {
            break;
        }
        tokens.pop();
    }
    join(&tokens)
}

/// The same edit made to the document's value: what the text must read as afterwards.
fn apply_to_value(document: &mut Value, edit: &DocumentEdit) -> Result<(), String> {
    match edit {
        DocumentEdit::Set { pointer, value } => {
            let (at, wrapped) = nearest_settable(document, pointer, value);
            let tokens = tokens(&at);
            let Some((last, parents)) = tokens.split_last() else {
                *document = wrapped;
                return Ok(());
            };
            match document.pointer_mut(&join(parents)) {
                Some(Value::Object(members)) => {
                    members.insert(last.clone(), wrapped);
                    Ok(())
                }
                Some(Value::Array(items)) => {
                    let index = if last == "-" {
                        items.len()
                    } else {
                        last.parse::<usize>()
                            .map_err(|_| format!("`{at}` is not an array index"))?
                    };
                    match index.cmp(&items.len()) {
                        std::cmp::Ordering::Less => items[index] = wrapped,
                        std::cmp::Ordering::Equal => items.push(wrapped),
                        std::cmp::Ordering::Greater => {
                            return Err(format!("`{at}` is past the end of its array"))
                        }
                    }
                    Ok(())
                }
                _ => Err(format!("`{at}` has no object or array to add to")),
            }
        }
        DocumentEdit::Remove { pointer, prune } => {
            if document.pointer(pointer).is_none() {
                return Ok(());
            }
            let at = if *prune {
                outermost_emptied(document, pointer)
            } else {
                pointer.clone()
            };
            let tokens = tokens(&at);
            let Some((last, parents)) = tokens.split_last() else {
                return Err("cannot remove the whole document".to_string());
            };
            match document.pointer_mut(&join(parents)) {
                Some(Value::Object(members)) => {
                    members.shift_remove(last);
                }
                Some(Value::Array(items)) => {
                    if let Some(index) = last.parse::<usize>().ok().filter(|i| *i < items.len()) {
                        items.remove(index);
                    }
                }
                _ => {}
            }
            Ok(())
        }
        DocumentEdit::Move { array, from, to } => {
            let Some(Value::Array(items)) = document.pointer_mut(array) else {
                return Err(format!("`{array}` is not an array"));
            };
            if *from >= items.len() || *to >= items.len() {
                return Err(format!("`{array}` has no element {}", from.max(to)));
            }
            let item = items.remove(*from);
            items.insert(*to, item);
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const JSON: &str = r#"{
  "StartAt": "Work",
  "States": {
    "Work": {
      "Type": "Task",
      "Resource": "arn:aws:states:::lambda:invoke",
      "Retry": [
        { "ErrorEquals": ["Lambda.ServiceException"], "MaxAttempts": 3 },
        {
          "ErrorEquals": ["States.ALL"],
          "IntervalSeconds": 5
        }
      ],
      "End": true
    }
  }
}
"#;

    const YAML: &str = "\
StartAt: Work
States:
  Work:
    Type: Task
    Resource: arn:aws:states:::lambda:invoke
    Retry:
      - ErrorEquals: [Lambda.ServiceException]
        MaxAttempts: 3   # keep this comment
      - ErrorEquals: [States.ALL]
        IntervalSeconds: 5
    End: true
";

    fn definition(text: &str) -> Value {
        asl::load(text, &LoadOptions::default())
            .definition
            .unwrap_or(Value::Null)
    }

    fn edit(text: &str, edits: &[DocumentEdit]) -> Edited {
        match edit_definition(text, &LoadOptions::default(), edits) {
            Ok(edited) => edited,
            Err(failure) => panic!("{failure:?}"),
        }
    }

    /// The lines of `after` that differ from `before` (same number of lines expected).
    fn changed_lines<'a>(before: &str, after: &'a str) -> Vec<&'a str> {
        before
            .lines()
            .zip(after.lines())
            .filter(|(b, a)| b != a)
            .map(|(_, a)| a)
            .collect()
    }

    #[test]
    fn setting_a_field_changes_only_its_characters() {
        let cases: &[(&str, &str, Value, &str)] = &[
            (
                JSON,
                "/States/Work/Retry/0/MaxAttempts",
                json!(6),
                r#""MaxAttempts": 6 }"#,
            ),
            (
                JSON,
                "/States/Work/Retry/1/IntervalSeconds",
                json!(2),
                r#""IntervalSeconds": 2"#,
            ),
            (
                YAML,
                "/States/Work/Retry/0/MaxAttempts",
                json!(6),
                "MaxAttempts: 6   # keep",
            ),
            (
                YAML,
                "/States/Work/Retry/1/IntervalSeconds",
                json!(2.5),
                "IntervalSeconds: 2.5",
            ),
        ];
        for (text, pointer, value, line) in cases {
            let edited = edit(text, &[DocumentEdit::set(*pointer, value.clone())]);
            assert_eq!(edited.rewritten, None);
            let changed = changed_lines(text, &edited.text);
            assert_eq!(changed.len(), 1, "{}", edited.text);
            assert!(changed[0].contains(line), "{changed:?}");
            assert_eq!(definition(&edited.text).pointer(pointer), Some(value));
        }
    }

    #[test]
    fn setting_a_field_under_missing_objects_creates_them() {
        let edited = edit(
            JSON,
            &[DocumentEdit::set(
                "/States/Work/ItemBatcher/MaxItemsPerBatch",
                json!(10),
            )],
        );
        assert_eq!(edited.rewritten, None);
        assert_eq!(
            definition(&edited.text)["States"]["Work"]["ItemBatcher"],
            json!({"MaxItemsPerBatch": 10})
        );
        // The rest of the text is untouched.
        assert!(edited
            .text
            .starts_with(&JSON[..JSON.find("\"End\"").unwrap_or(0)]));
    }

    #[test]
    fn setting_the_value_already_there_changes_nothing() {
        let edited = edit(
            JSON,
            &[DocumentEdit::set(
                "/States/Work/Retry/0/MaxAttempts",
                json!(3),
            )],
        );
        assert_eq!(edited.text, JSON);
    }

    #[test]
    fn removing_the_last_retrier_removes_the_retry_field() {
        for text in [JSON, YAML] {
            let once = edit(text, &[DocumentEdit::prune("/States/Work/Retry/1")]);
            let twice = edit(&once.text, &[DocumentEdit::prune("/States/Work/Retry/0")]);
            let work = &definition(&twice.text)["States"]["Work"];
            assert_eq!(work.get("Retry"), None, "{}", twice.text);
            assert_eq!(work["End"], json!(true));
            assert_eq!(twice.rewritten, None);
        }
        // Without pruning, an emptied array stays.
        let once = edit(
            JSON,
            &[DocumentEdit::remove("/States/Work/Retry/0/ErrorEquals/0")],
        );
        assert_eq!(
            definition(&once.text)["States"]["Work"]["Retry"][0]["ErrorEquals"],
            json!([])
        );
    }

    #[test]
    fn removing_what_is_absent_changes_nothing() {
        let edited = edit(JSON, &[DocumentEdit::prune("/States/Work/TimeoutSeconds")]);
        assert_eq!(edited.text, JSON);
    }

    #[test]
    fn moving_a_retrier_swaps_the_texts_of_both() {
        for text in [JSON, YAML] {
            let before = definition(text);
            let edited = edit(
                text,
                &[DocumentEdit::Move {
                    array: "/States/Work/Retry".into(),
                    from: 1,
                    to: 0,
                }],
            );
            assert_eq!(edited.rewritten, None);
            let after = definition(&edited.text);
            assert_eq!(
                after["States"]["Work"]["Retry"][0],
                before["States"]["Work"]["Retry"][1]
            );
            assert_eq!(
                after["States"]["Work"]["Retry"][1],
                before["States"]["Work"]["Retry"][0]
            );
            // Same characters, other order: each retrier kept its own layout.
            let mut sorted_before: Vec<char> = text.chars().collect();
            let mut sorted_after: Vec<char> = edited.text.chars().collect();
            sorted_before.sort_unstable();
            sorted_after.sort_unstable();
            assert_eq!(sorted_before, sorted_after);
        }
        assert!(edit(
            YAML,
            &[DocumentEdit::Move {
                array: "/States/Work/Retry".into(),
                from: 0,
                to: 1
            }]
        )
        .text
        .contains("      - ErrorEquals: [States.ALL]\n        IntervalSeconds: 5\n      - ErrorEquals: [Lambda.ServiceException]\n        MaxAttempts: 3   # keep this comment\n"));
        // The comment moves with its retrier, also when that one is last.
        let commented = YAML.replace("IntervalSeconds: 5", "IntervalSeconds: 5  # the catch-all");
        let moved = edit(
            &commented,
            &[DocumentEdit::Move {
                array: "/States/Work/Retry".into(),
                from: 0,
                to: 1,
            }],
        );
        assert!(moved.text.contains("      - ErrorEquals: [States.ALL]\n        IntervalSeconds: 5  # the catch-all\n      - ErrorEquals: [Lambda.ServiceException]\n        MaxAttempts: 3   # keep this comment\n"), "{}", moved.text);
    }

    #[test]
    fn appending_to_an_array_and_adding_a_new_array() {
        let edited = edit(
            JSON,
            &[
                DocumentEdit::set(
                    "/States/Work/Retry/0/ErrorEquals/-",
                    json!("States.Timeout"),
                ),
                DocumentEdit::set(
                    "/States/Work/Catch/-",
                    json!({"ErrorEquals": ["States.ALL"], "Next": "Work"}),
                ),
            ],
        );
        let work = &definition(&edited.text)["States"]["Work"];
        assert_eq!(
            work["Retry"][0]["ErrorEquals"],
            json!(["Lambda.ServiceException", "States.Timeout"])
        );
        assert_eq!(
            work["Catch"],
            json!([{"ErrorEquals": ["States.ALL"], "Next": "Work"}])
        );
        assert_eq!(edited.rewritten, None);
    }

    #[test]
    fn what_cannot_be_edited_in_place_is_rewritten_and_said_so() {
        // A YAML block scalar cannot be replaced in place.
        let text = "StartAt: A\nComment: |\n  several\n  lines\nStates:\n  A:\n    Type: Succeed\n";
        let edited = edit(text, &[DocumentEdit::set("/Comment", json!("one line"))]);
        assert!(edited.rewritten.is_some());
        assert_eq!(definition(&edited.text)["Comment"], json!("one line"));
        assert_eq!(
            definition(&edited.text)["States"],
            definition(text)["States"]
        );
    }

    #[test]
    fn a_template_keeps_everything_but_the_edited_value() {
        let template = "\
AWSTemplateFormatVersion: '2010-09-09'
Resources:
  First:
    Type: AWS::StepFunctions::StateMachine
    Properties:
      Definition:
        StartAt: A
        States:
          A: {Type: Wait, Seconds: 5, End: true}
  Second:
    Type: AWS::Serverless::StateMachine
    Properties:
      Definition:
        StartAt: B
        States:
          B: {Type: Wait, Seconds: 7, End: true}
";
        let options = LoadOptions {
            machine: Some("Second".into()),
            ..LoadOptions::default()
        };
        let edited = edit_definition(
            template,
            &options,
            &[DocumentEdit::set("/States/B/Seconds", json!(9))],
        );
        let Ok(edited) = edited else {
            panic!("{edited:?}");
        };
        assert_eq!(edited.text, template.replace("Seconds: 7", "Seconds: 9"));
    }

    #[test]
    fn unreadable_text_is_reported_not_guessed() {
        assert_eq!(
            edit_definition(
                "{ broken",
                &LoadOptions::default(),
                &[DocumentEdit::remove("/A")]
            ),
            Err(EditFailure::Unreadable)
        );
        assert!(matches!(
            edit_definition(
                JSON,
                &LoadOptions::default(),
                &[DocumentEdit::set("/States/Work/Type/Deeper", json!(1))]
            ),
            Err(EditFailure::Refused(_))
        ));
    }

    #[test]
    fn scenario_edits_keep_the_layout_and_fall_back_to_pretty_json() {
        let scenario = "{\n  \"seed\": 7,\n  \"items\": { \"count\": 100 }\n}\n";
        let edited = edit_scenario(
            scenario,
            &[
                DocumentEdit::set("/items/count", json!(5000)),
                DocumentEdit::set("/tasks/Work/latency/fixed_ms", json!(200)),
            ],
        );
        let Ok(edited) = edited else {
            panic!("{edited:?}");
        };
        assert_eq!(edited.rewritten, None);
        assert!(
            edited.text.contains("\"items\": { \"count\": 5000 }"),
            "{}",
            edited.text
        );
        let value: Value = serde_json::from_str(&edited.text).unwrap_or(Value::Null);
        assert_eq!(
            value["tasks"],
            json!({"Work": {"latency": {"fixed_ms": 200}}})
        );
        // Removing the only fault of the only task removes the task and `tasks`.
        let with_fault = "{\"seed\": 1, \"tasks\": {\"A\": {\"faults\": [{\"error\": \"E\"}]}}}";
        let Ok(pruned) = edit_scenario(with_fault, &[DocumentEdit::prune("/tasks/A/faults/0")])
        else {
            panic!("prune");
        };
        assert_eq!(
            serde_json::from_str::<Value>(&pruned.text).ok(),
            Some(json!({"seed": 1}))
        );
    }
}
