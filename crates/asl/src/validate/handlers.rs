//! `Retry` and `Catch`: fields, error names, `States.ALL` placement, shadowed handlers.

use serde_json::Value;

use super::{data, fields, StateRef, Validator};
use crate::diagnostic::pointer_push;
use crate::model::QueryLanguage;

pub(super) fn retriers(v: &mut Validator<'_>, state: &StateRef<'_>) {
    handlers(v, state, "Retry", "retrier", fields::RETRIER_FIELDS);
}

pub(super) fn catchers(v: &mut Validator<'_>, state: &StateRef<'_>) {
    handlers(v, state, "Catch", "catcher", fields::CATCHER_FIELDS);
}

fn handlers(v: &mut Validator<'_>, state: &StateRef<'_>, key: &str, what: &str, allowed: &[&str]) {
    let Some(Value::Array(items)) = state.object.get(key) else {
        return;
    };
    let list_pointer = state.at(key);
    // Error names matched by earlier entries, with the entry's number.
    let mut earlier: Vec<(String, usize)> = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let Value::Object(object) = item else {
            continue; // The builder reported it.
        };
        let pointer = pointer_push(&list_pointer, &i.to_string());
        let context = format!("{}, {what} #{}", state.context(), i + 1);
        v.unknown_fields(object, &pointer, allowed, &context, false);
        if key == "Catch" {
            match state.language {
                QueryLanguage::JsonPath => {
                    if object.contains_key("Output") {
                        v.error(
                            "jsonata-field-in-jsonpath-state",
                            pointer_push(&pointer, "Output"),
                            format!(
                                "{context}: a JSONPath catcher has no `Output`; use `ResultPath`"
                            ),
                        );
                    }
                    if let Some(Value::String(path)) = object.get("ResultPath") {
                        data::check_path(
                            v,
                            path,
                            pointer_push(&pointer, "ResultPath"),
                            &context,
                            "ResultPath",
                            data::PathRule::Result,
                        );
                    }
                    if let Some(assign) = object.get("Assign") {
                        data::payload_template(
                            v,
                            assign,
                            &pointer_push(&pointer, "Assign"),
                            &context,
                            "Assign",
                        );
                    }
                }
                QueryLanguage::Jsonata => {
                    if object.contains_key("ResultPath") {
                        v.error(
                            "jsonpath-field-in-jsonata-state",
                            pointer_push(&pointer, "ResultPath"),
                            format!(
                                "{context}: a JSONata catcher has no `ResultPath`; use `Output` (for example \"{{% $states.errorOutput %}}\")"
                            ),
                        );
                    }
                    for field in ["Output", "Assign"] {
                        if let Some(value) = object.get(field) {
                            data::jsonata_template(
                                v,
                                value,
                                &pointer_push(&pointer, field),
                                &context,
                            );
                        }
                    }
                }
            }
        }
        let Some(Value::Array(names)) = object.get("ErrorEquals") else {
            continue;
        };
        let names_pointer = pointer_push(&pointer, "ErrorEquals");
        let strings: Vec<(usize, &str)> = names
            .iter()
            .enumerate()
            .filter_map(|(j, n)| n.as_str().map(|s| (j, s)))
            .collect();
        let has_all = strings.iter().any(|(_, n)| *n == "States.ALL");
        if has_all && names.len() > 1 {
            v.error(
                "states-all-not-alone",
                names_pointer.clone(),
                format!("{context}: `States.ALL` must be the only error name in its `ErrorEquals`"),
            );
        }
        if has_all && i + 1 < items.len() {
            v.error(
                "states-all-not-last",
                names_pointer.clone(),
                format!(
                    "{context}: a {what} with `States.ALL` must be the last one, because it matches every error and the {what}s after it could never run"
                ),
            );
        }
        let mut shadowed = Vec::new();
        for (j, name) in &strings {
            let name_pointer = pointer_push(&names_pointer, &j.to_string());
            if name.starts_with("States.") {
                if !fields::STATES_ERRORS.contains(name) {
                    let hint = fields::closest(name, fields::STATES_ERRORS.iter().copied())
                        .map(|c| format!("; did you mean `{c}`?"))
                        .unwrap_or_default();
                    v.warning(
                        "unknown-error-name",
                        name_pointer.clone(),
                        format!(
                            "{context}: `{name}` is not an error Step Functions raises, so it only matches a custom error of exactly that name{hint}"
                        ),
                    );
                }
            } else if name.to_ascii_lowercase().starts_with("state") {
                if let Some(close) = fields::closest(name, fields::STATES_ERRORS.iter().copied()) {
                    v.warning(
                        "unknown-error-name",
                        name_pointer.clone(),
                        format!(
                            "{context}: `{name}` looks like a misspelling of `{close}`; as written it only matches a custom error of exactly that name"
                        ),
                    );
                }
            }
            if *name == "States.Runtime" {
                v.warning(
                    "uncatchable-error",
                    name_pointer.clone(),
                    format!(
                        "{context}: `States.Runtime` errors cannot be caught or retried, so this entry never matches them"
                    ),
                );
            }
            if let Some((_, number)) = earlier.iter().find(|(n, _)| n == name) {
                shadowed.push((name_pointer, *name, *number));
            }
        }
        if !strings.is_empty() && shadowed.len() == strings.len() && !has_all {
            v.warning(
                "shadowed-handler",
                names_pointer.clone(),
                format!(
                    "{context} can never run: every error it names is matched by an earlier {what} first"
                ),
            );
        } else {
            for (name_pointer, name, number) in shadowed {
                v.warning(
                    "shadowed-handler",
                    name_pointer,
                    format!(
                        "{context}: `{name}` is already matched by {what} #{number}, so this {what} never handles it"
                    ),
                );
            }
        }
        for (_, name) in &strings {
            if !earlier.iter().any(|(n, _)| n == name) {
                earlier.push(((*name).to_string(), i + 1));
            }
        }
    }
}
