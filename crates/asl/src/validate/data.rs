//! Data-flow syntax: JSONPath paths, payload templates (`.$` fields, intrinsic functions) and
//! JSONata `{% … %}` expressions.

use serde_json::Value;

use super::Validator;
use crate::build::json_type_name;
use crate::diagnostic::pointer_push;
use crate::intrinsic::{self, Expression};
use crate::jsonata;
use crate::path::{Path, Root};

/// What a path field requires.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum PathRule {
    /// Any path (`InputPath`, `OutputPath`).
    Any,
    /// A reference path: names and single indices only (`ItemsPath`, `Variable`, `…Path`).
    Reference,
    /// `ResultPath`: a reference path into the state input (no `$$`, no variables).
    Result,
}

/// The byte offset of the character at `chars` in `text` (the path parsers count characters).
fn byte_offset(text: &str, chars: usize) -> usize {
    text.char_indices()
        .nth(chars)
        .map_or(text.len(), |(i, _)| i)
}

/// A short form of a long text for messages.
fn shorten(text: &str) -> String {
    if text.chars().count() > 60 {
        let head: String = text.chars().take(57).collect();
        format!("{head}…")
    } else {
        text.to_string()
    }
}

pub(super) fn check_path(
    v: &mut Validator<'_>,
    path: &str,
    pointer: String,
    context: &str,
    field: &str,
    rule: PathRule,
) {
    if v.options.skip_path_checks {
        return;
    }
    let parsed = match Path::parse(path) {
        Ok(parsed) => parsed,
        Err(error) => {
            let hint = if intrinsic::looks_like_call(path) {
                " (intrinsic functions are only allowed in `.$` fields of payload templates)"
            } else {
                ""
            };
            v.error_in_string(
                "invalid-path",
                pointer,
                byte_offset(path, error.offset),
                format!(
                    "{context}: `{field}` {:?} is not a valid path: {} (at character {}){hint}",
                    shorten(path),
                    error.message,
                    error.offset + 1
                ),
            );
            return;
        }
    };
    match rule {
        PathRule::Any => {}
        PathRule::Reference | PathRule::Result => {
            if !parsed.is_reference() {
                v.error(
                    "invalid-reference-path",
                    pointer.clone(),
                    format!(
                        "{context}: `{field}` {:?} must be a reference path, which names one value (names and single indices only, such as \"$.a.b[0]\")",
                        shorten(path)
                    ),
                );
                return;
            }
            if rule == PathRule::Result {
                match parsed.root() {
                    Root::Input => {}
                    Root::Context => v.error(
                        "invalid-result-path",
                        pointer,
                        format!(
                            "{context}: `{field}` {:?} cannot write into the context object `$$`",
                            shorten(path)
                        ),
                    ),
                    Root::Variable(name) => v.error(
                        "variable-in-result-path",
                        pointer,
                        format!(
                            "{context}: `{field}` {:?} names the variable `${name}`; `{field}` can only place the result in the state's input — use `Assign` to set variables",
                            shorten(path)
                        ),
                    ),
                }
            }
        }
    }
}

/// The value of a `.$` field or an `ErrorPath`/`CausePath`: a path or an intrinsic function.
pub(super) fn check_expression(
    v: &mut Validator<'_>,
    text: &str,
    pointer: String,
    context: &str,
    field: &str,
    reference_only: bool,
) {
    if v.options.skip_path_checks {
        return;
    }
    match intrinsic::parse_expression(text) {
        Err(error) => {
            let (code, what) = if intrinsic::looks_like_call(text) {
                ("invalid-intrinsic", "intrinsic function call")
            } else {
                ("invalid-path", "path")
            };
            let hint = if text.trim() != text {
                " (remove the spaces around it)"
            } else if !text.starts_with('$') && !text.starts_with("States.") {
                " (a `.$` field takes a path starting with `$` or an intrinsic function such as `States.Format(…)`)"
            } else {
                ""
            };
            v.error_in_string(
                code,
                pointer,
                byte_offset(text, error.offset),
                format!(
                    "{context}: `{field}` {:?} is not a valid {what}: {} (at character {}){hint}",
                    shorten(text),
                    error.message,
                    error.offset + 1
                ),
            );
        }
        Ok(Expression::Path(path)) => {
            if reference_only && !path.is_reference() {
                v.error(
                    "invalid-reference-path",
                    pointer,
                    format!(
                        "{context}: `{field}` {:?} must be a reference path (names and single indices only) or an intrinsic function",
                        shorten(text)
                    ),
                );
            }
        }
        Ok(Expression::Call(call)) => {
            if let Some((placeholders, arguments)) = call.format_mismatch() {
                v.warning(
                    "intrinsic-format-arguments",
                    pointer,
                    format!(
                        "{context}: `{field}`: the `States.Format` template has {placeholders} `{{}}` placeholder(s) but {arguments} argument(s) follow it; the execution will fail with States.IntrinsicFailure"
                    ),
                );
            }
        }
    }
}

/// A JSONPath payload template (`Parameters`, `ResultSelector`, `ItemSelector`, …): fields whose
/// name ends in `.$` take a path or an intrinsic function; `a` and `a.$` cannot both be given.
pub(super) fn payload_template(
    v: &mut Validator<'_>,
    value: &Value,
    pointer: &str,
    context: &str,
    field: &str,
) {
    match value {
        Value::Object(object) => {
            for (key, item) in object {
                let item_pointer = pointer_push(pointer, key);
                if let Some(plain) = key.strip_suffix(".$") {
                    if object.contains_key(plain) {
                        v.error(
                            "payload-template-conflict",
                            item_pointer.clone(),
                            format!(
                                "{context}: `{field}` has both `{plain}` and `{key}`; both produce the field `{plain}`"
                            ),
                        );
                    }
                    match item {
                        Value::String(text) => {
                            check_expression(v, text, item_pointer, context, key, false)
                        }
                        other => {
                            if !v.options.skip_path_checks {
                                v.error(
                                    "invalid-payload-template",
                                    item_pointer,
                                    format!(
                                        "{context}: `{key}` ends in `.$`, so its value must be a path or intrinsic function string, not {}",
                                        json_type_name(other)
                                    ),
                                );
                            }
                        }
                    }
                } else {
                    payload_template(v, item, &item_pointer, context, field);
                }
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                payload_template(
                    v,
                    item,
                    &pointer_push(pointer, &i.to_string()),
                    context,
                    field,
                );
            }
        }
        _ => {}
    }
}

/// A JSONata template: every string that is (or looks like) a `{% … %}` expression is checked.
pub(super) fn jsonata_template(v: &mut Validator<'_>, value: &Value, pointer: &str, context: &str) {
    match value {
        Value::String(text) => jsonata_string(v, text, pointer, context),
        Value::Object(object) => {
            for (key, item) in object {
                jsonata_template(v, item, &pointer_push(pointer, key), context);
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                jsonata_template(v, item, &pointer_push(pointer, &i.to_string()), context);
            }
        }
        _ => {}
    }
}

/// The field a pointer ends in, for messages.
fn field_of(pointer: &str) -> String {
    crate::pointer::unescape(pointer.rsplit('/').next().unwrap_or(""))
}

fn jsonata_string(v: &mut Validator<'_>, text: &str, pointer: &str, context: &str) {
    let starts = text.starts_with("{%");
    let ends = text.ends_with("%}");
    if !starts && !ends {
        return; // A literal string.
    }
    let field = field_of(pointer);
    if starts != ends || text.len() < 4 {
        let message = if starts && !ends {
            format!(
                "{context}: `{field}` {:?} starts with `{{%` but does not end with `%}}`; a JSONata expression is written \"{{% expression %}}\"",
                shorten(text)
            )
        } else {
            format!(
                "{context}: `{field}` {:?} ends with `%}}` but does not start with `{{%`; a JSONata expression is written \"{{% expression %}}\"",
                shorten(text)
            )
        };
        v.error("jsonata-wrapping", pointer.to_string(), message);
        return;
    }
    let inner = &text[2..text.len() - 2];
    let expression = inner.trim();
    if expression.is_empty() {
        v.error(
            "invalid-jsonata",
            pointer.to_string(),
            format!("{context}: `{field}` holds an empty JSONata expression"),
        );
        return;
    }
    // After `{%`: one space before the expression, or a line break (multi-line expressions).
    // asl-validator refuses `{%10%}` and `{% ⏎10 %}`; the AWS CDK accepts a line break directly
    // after `{%`. Before `%}` any whitespace (or none) is accepted, as in AWS's own samples.
    let opening_ok = inner.starts_with('\n')
        || inner.starts_with("\r\n")
        || (inner.starts_with(' ') && !inner[1..].starts_with(char::is_whitespace));
    if !opening_ok {
        let message = if inner.starts_with(char::is_whitespace) {
            format!(
                "{context}: `{field}`: write exactly one space (or a line break) after `{{%`, as in \"{{% expression %}}\""
            )
        } else {
            format!("{context}: `{field}`: write a space after `{{%`, as in \"{{% expression %}}\"")
        };
        v.error("jsonata-wrapping", pointer.to_string(), message);
    }
    let check = jsonata::check(expression);
    // Where the expression starts in the string.
    let expression_start = 2 + (inner.len() - inner.trim_start().len());
    if let Some(error) = check.error {
        let at = expression[..error.offset.min(expression.len())]
            .chars()
            .count()
            + 1;
        v.error_in_string(
            "invalid-jsonata",
            pointer.to_string(),
            expression_start + error.offset.min(expression.len()),
            format!(
                "{context}: `{field}`: the JSONata expression {:?} is invalid: {} (at character {at} of the expression)",
                shorten(expression),
                error.message
            ),
        );
        return;
    }
    if check.too_deep {
        v.warning(
            "jsonata-not-checked",
            pointer.to_string(),
            format!(
                "{context}: `{field}`: the JSONata expression nests too deeply to be checked completely"
            ),
        );
    }
    for (offset, name) in check.top_level_references.iter().take(3) {
        v.error_in_string(
            "jsonata-top-level-reference",
            pointer.to_string(),
            expression_start + offset,
            format!(
                "{context}: `{field}`: `{name}` is a field name at the top level of the expression, which Step Functions rejects (its JSONata has no implicit input): use `$states.input.{name}` or a variable"
            ),
        );
    }
}

/// `Assign` must be an object of variable names.
pub(super) fn assign_names(v: &mut Validator<'_>, assign: &Value, pointer: &str, context: &str) {
    if !assign.is_object() {
        v.error(
            "wrong-type",
            pointer.to_string(),
            format!(
                "{context}: `Assign` must be an object of variable names and values, not {}",
                json_type_name(assign)
            ),
        );
    }
}
