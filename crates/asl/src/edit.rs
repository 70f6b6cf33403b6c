//! Small text edits that keep the user's layout: set a value, add a member or element, remove
//! one — for the page's forms, which write their changes back into the ASL text.
//!
//! [`apply`] changes only the characters of the value concerned (replace its range; insert a new
//! member after the last one with the indentation found there; remove a member with its comma or
//! its lines), in JSON and YAML, and in definitions held in a JSON string of a template or of
//! describe output (re-escaped). Every edit is verified by reading the new text again: it must
//! give exactly the old definition with the change made. When an edit cannot be made in place —
//! a YAML block scalar, a value assembled by substitution, a verification that fails — it returns
//! an [`EditError`] and the caller re-serialises the definition instead.

use serde_json::Value;

use crate::source_map::{Embedding, SourceMap};
use crate::{load, LoadOptions, Loaded, Location, SourceFormat};

/// What to do at a pointer.
#[derive(Debug, Clone, PartialEq)]
pub enum Change {
    /// Replace the value, or add it when the pointer names a new member of an existing object
    /// (or the next element of an array: its length, or `-`).
    Set(Value),
    /// Remove the member or element.
    Remove,
}

/// Why an edit could not be made in place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EditError {
    /// The text holds no readable definition.
    NotRead,
    /// The pointer's parent does not exist (only one level can be added at a time), or is not an
    /// object or array.
    NoParent(String),
    /// `Remove` of something that is not there.
    Missing(String),
    /// The text of this value cannot be changed in place; re-serialise the definition instead.
    Unsupported(String),
}

impl std::fmt::Display for EditError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            EditError::NotRead => write!(f, "the text holds no readable definition"),
            EditError::NoParent(p) => write!(f, "`{p}` has no object or array to add to"),
            EditError::Missing(p) => write!(f, "nothing at `{p}` to remove"),
            EditError::Unsupported(why) => write!(f, "cannot edit the text in place: {why}"),
        }
    }
}

impl std::error::Error for EditError {}

/// How values are written where the edit happens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Syntax {
    Json,
    Yaml,
    /// JSON text inside a JSON string literal: inserted text is escaped, on one line.
    EscapedJson,
    /// JSON text inside a YAML block scalar, copied verbatim: inserted text on one line.
    VerbatimJson,
}

/// Applies `change` at `pointer` of the definition `loaded` was read from `text` with `options`;
/// returns the new text.
pub fn apply(
    text: &str,
    loaded: &Loaded,
    options: &LoadOptions,
    pointer: &str,
    change: &Change,
) -> Result<String, EditError> {
    let definition = loaded.definition.as_ref().ok_or(EditError::NotRead)?;
    let map = &loaded.source_map;
    let syntax = match (map.embedding(), loaded.format) {
        (Embedding::Direct, Some(SourceFormat::AslYaml | SourceFormat::TemplateYaml)) => {
            Syntax::Yaml
        }
        (Embedding::Direct, Some(_)) => Syntax::Json,
        (Embedding::InString, Some(SourceFormat::TemplateYaml)) => Syntax::VerbatimJson,
        (Embedding::InString, Some(_)) => Syntax::EscapedJson,
        (_, None) => return Err(EditError::NotRead),
    };
    let mut expected = definition.clone();
    let new_text = match change {
        Change::Set(value) => {
            if definition.pointer(pointer).is_some() && pointer_target_exists(map, pointer) {
                set_value(text, map, syntax, pointer, value)?
            } else {
                insert(text, map, syntax, definition, pointer, value)?
            }
        }
        Change::Remove => {
            if definition.pointer(pointer).is_none() {
                return Err(EditError::Missing(pointer.to_string()));
            }
            remove(text, map, syntax, pointer)?
        }
    };
    apply_to_value(&mut expected, pointer, change)?;
    // The edit is right only if the new text reads as exactly the expected definition.
    let reloaded = load(&new_text, options);
    if reloaded.definition.as_ref() != Some(&expected) {
        return Err(EditError::Unsupported(
            "the edited text does not read back as the intended definition".to_string(),
        ));
    }
    Ok(new_text)
}

fn pointer_target_exists(map: &SourceMap, pointer: &str) -> bool {
    map.span(pointer).is_some()
}

fn split_pointer(pointer: &str) -> Option<(&str, String)> {
    let slash = pointer.rfind('/')?;
    let token = crate::pointer::unescape(&pointer[slash + 1..]);
    Some((&pointer[..slash], token))
}

/// The change made to the JSON value, for verification.
fn apply_to_value(value: &mut Value, pointer: &str, change: &Change) -> Result<(), EditError> {
    if pointer.is_empty() {
        return match change {
            Change::Set(new) => {
                *value = new.clone();
                Ok(())
            }
            Change::Remove => Err(EditError::Unsupported(
                "cannot remove the whole definition".into(),
            )),
        };
    }
    let (parent_pointer, token) =
        split_pointer(pointer).ok_or_else(|| EditError::NoParent(pointer.to_string()))?;
    let parent = value
        .pointer_mut(parent_pointer)
        .ok_or_else(|| EditError::NoParent(pointer.to_string()))?;
    match (parent, change) {
        (Value::Object(object), Change::Set(new)) => {
            object.insert(token, new.clone());
        }
        (Value::Object(object), Change::Remove) => {
            object.shift_remove(&token);
        }
        (Value::Array(items), Change::Set(new)) => {
            if token == "-" || token.parse::<usize>().ok() == Some(items.len()) {
                items.push(new.clone());
            } else {
                let i = token
                    .parse::<usize>()
                    .ok()
                    .filter(|i| *i < items.len())
                    .ok_or_else(|| EditError::NoParent(pointer.to_string()))?;
                items[i] = new.clone();
            }
        }
        (Value::Array(items), Change::Remove) => {
            let i = token
                .parse::<usize>()
                .ok()
                .filter(|i| *i < items.len())
                .ok_or_else(|| EditError::Missing(pointer.to_string()))?;
            items.remove(i);
        }
        _ => return Err(EditError::NoParent(pointer.to_string())),
    }
    Ok(())
}

/// The leading whitespace of the line holding byte `at`.
fn indentation_at(text: &str, at: usize) -> &str {
    let line_start = text[..at.min(text.len())].rfind('\n').map_or(0, |i| i + 1);
    let line = &text[line_start..];
    let width = line.len() - line.trim_start_matches([' ', '\t']).len();
    &line[..width]
}

fn render(value: &Value, syntax: Syntax, indent: &str) -> String {
    match syntax {
        Syntax::Json => {
            if value.is_object() || value.is_array() {
                let pretty = serde_json::to_string_pretty(value).unwrap_or_default();
                pretty.replace('\n', &format!("\n{indent}"))
            } else {
                value.to_string()
            }
        }
        Syntax::Yaml => match value {
            Value::String(s) => yaml_string(s),
            // Flow style is valid YAML and keeps the edit to one place.
            other => other.to_string(),
        },
        Syntax::VerbatimJson => value.to_string(),
        Syntax::EscapedJson => escape(&value.to_string()),
    }
}

/// JSON text as it is written inside a JSON string literal.
fn escape(json: &str) -> String {
    let quoted = serde_json::to_string(json).unwrap_or_default();
    quoted[1..quoted.len() - 1].to_string()
}

/// A YAML scalar for `s`: plain when that reads back as the same string, double-quoted else.
fn yaml_string(s: &str) -> String {
    let plain_safe = !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | '/' | ' ' | '$'))
        && s.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        && !s.ends_with(' ')
        && !matches!(
            s.to_ascii_lowercase().as_str(),
            "true" | "false" | "null" | "yes" | "no" | "on" | "off" | "y" | "n"
        );
    if plain_safe {
        s.to_string()
    } else {
        serde_json::to_string(s).unwrap_or_default()
    }
}

fn yaml_key(key: &str) -> String {
    yaml_string(key)
}

fn json_key(key: &str, syntax: Syntax) -> String {
    let quoted = serde_json::to_string(key).unwrap_or_default();
    if syntax == Syntax::EscapedJson {
        escape(&quoted)
    } else {
        quoted
    }
}

fn exact_span(map: &SourceMap, pointer: &str) -> Result<crate::source_map::Span, EditError> {
    let span = map
        .span(pointer)
        .ok_or_else(|| EditError::Missing(pointer.to_string()))?;
    if !span.exact {
        return Err(EditError::Unsupported(format!(
            "`{pointer}` comes from a substitution, not from the text"
        )));
    }
    if map.is_block_scalar(pointer) {
        return Err(EditError::Unsupported(format!(
            "`{pointer}` is a YAML block scalar"
        )));
    }
    Ok(span)
}

fn replace(text: &str, range: (usize, usize), with: &str) -> String {
    let mut out = String::with_capacity(text.len() + with.len());
    out.push_str(&text[..range.0]);
    out.push_str(with);
    out.push_str(&text[range.1..]);
    out
}

fn set_value(
    text: &str,
    map: &SourceMap,
    syntax: Syntax,
    pointer: &str,
    value: &Value,
) -> Result<String, EditError> {
    let span = exact_span(map, pointer)?;
    let indent = indentation_at(text, span.value.start);
    let rendered = render(value, syntax, indent);
    Ok(replace(text, (span.value.start, span.value.end), &rendered))
}

/// Whether the container at `location` is written in JSON/flow style (`{`, `[`).
fn is_flow(text: &str, location: Location) -> bool {
    matches!(text.as_bytes().get(location.start), Some(b'{' | b'['))
}

fn insert(
    text: &str,
    map: &SourceMap,
    syntax: Syntax,
    definition: &Value,
    pointer: &str,
    value: &Value,
) -> Result<String, EditError> {
    let (parent_pointer, key) =
        split_pointer(pointer).ok_or_else(|| EditError::NoParent(pointer.to_string()))?;
    let parent_value = definition
        .pointer(parent_pointer)
        .ok_or_else(|| EditError::NoParent(pointer.to_string()))?;
    let is_object = match parent_value {
        Value::Object(_) => true,
        Value::Array(items) => {
            if key != "-" && key.parse::<usize>().ok() != Some(items.len()) {
                return Err(EditError::NoParent(pointer.to_string()));
            }
            false
        }
        _ => return Err(EditError::NoParent(pointer.to_string())),
    };
    let parent = exact_span(map, parent_pointer)?;
    let children = map.children(parent_pointer);
    let flow = syntax != Syntax::Yaml || is_flow(text, parent.value);
    if children.is_empty() {
        // `{}` or `[]`: write the member inside.
        if !flow {
            return Err(EditError::Unsupported(
                "an empty YAML block collection".into(),
            ));
        }
        let inner = member_text(syntax, flow, is_object, &key, value, "");
        let close = parent
            .value
            .end
            .checked_sub(1)
            .filter(|c| matches!(text.as_bytes().get(*c), Some(b'}' | b']')));
        let Some(close) = close else {
            return Err(EditError::Unsupported("no closing bracket found".into()));
        };
        return Ok(replace(text, (parent.value.start + 1, close), &inner));
    }
    let last_pointer = children.last().cloned().unwrap_or_default();
    let last = exact_span(map, &last_pointer)?;
    let last_start = last.key.map_or(last.value.start, |k| k.start);
    if flow {
        let single_line = !text[parent.value.start..last_start].contains('\n')
            && !text[parent.value.start..last_start].contains("\\n");
        let separator =
            if single_line || syntax == Syntax::EscapedJson || syntax == Syntax::VerbatimJson {
                ", ".to_string()
            } else {
                format!(",\n{}", indentation_at(text, last_start))
            };
        let indent = indentation_at(text, last_start);
        let member = member_text(syntax, flow, is_object, &key, value, indent);
        let at = last.value.end;
        return Ok(replace(text, (at, at), &format!("{separator}{member}")));
    }
    // A YAML block collection: a new line after the last member, at its indentation.
    let indent = if is_object {
        " ".repeat((last.key.map_or(last.value.column, |k| k.column) - 1) as usize)
    } else {
        let dash = text[..last.value.start]
            .rfind('-')
            .filter(|d| text[*d + 1..last.value.start].trim().is_empty())
            .ok_or_else(|| EditError::Unsupported("no `-` found before the last element".into()))?;
        let line_start = text[..dash].rfind('\n').map_or(0, |i| i + 1);
        " ".repeat(text[line_start..dash].chars().count())
    };
    let member = member_text(syntax, false, is_object, &key, value, &indent);
    // After the last member's line, comment included.
    let at = text[last.value.end..]
        .find('\n')
        .map_or(text.len(), |i| last.value.end + i);
    Ok(replace(text, (at, at), &format!("\n{indent}{member}")))
}

/// The text of a new member (`"key": value`, `key: value`) or element.
fn member_text(
    syntax: Syntax,
    flow: bool,
    is_object: bool,
    key: &str,
    value: &Value,
    indent: &str,
) -> String {
    let rendered = render(value, syntax, indent);
    match (syntax, is_object) {
        (Syntax::Yaml, true) => format!("{}: {rendered}", yaml_key(key)),
        (Syntax::Yaml, false) if flow => rendered,
        (Syntax::Yaml, false) => format!("- {rendered}"),
        (_, true) => format!("{}: {rendered}", json_key(key, syntax)),
        (_, false) => rendered,
    }
}

fn remove(text: &str, map: &SourceMap, syntax: Syntax, pointer: &str) -> Result<String, EditError> {
    let (parent_pointer, _) =
        split_pointer(pointer).ok_or_else(|| EditError::NoParent(pointer.to_string()))?;
    let parent = exact_span(map, parent_pointer)?;
    let target = exact_span(map, pointer)?;
    let children = map.children(parent_pointer);
    let index = children
        .iter()
        .position(|c| c == pointer)
        .ok_or_else(|| EditError::Missing(pointer.to_string()))?;
    let start_of = |span: &crate::source_map::Span| span.key.map_or(span.value.start, |k| k.start);
    let flow = syntax != Syntax::Yaml || is_flow(text, parent.value);
    if children.len() == 1 {
        // The only member: the collection becomes empty.
        let empty = if matches!(text.as_bytes().get(parent.value.start), Some(b'['))
            || target.key.is_none()
        {
            "[]"
        } else {
            "{}"
        };
        return Ok(replace(text, (parent.value.start, parent.value.end), empty));
    }
    if flow {
        if let Some(next_pointer) = children.get(index + 1) {
            let next = exact_span(map, next_pointer)?;
            return Ok(replace(text, (start_of(&target), start_of(&next)), ""));
        }
        let previous = exact_span(map, &children[index - 1])?;
        return Ok(replace(text, (previous.value.end, target.value.end), ""));
    }
    // A YAML block collection: remove the member's lines.
    let mut start = start_of(&target);
    if target.key.is_none() {
        start = text[..start]
            .rfind('-')
            .ok_or_else(|| EditError::Unsupported("no `-` before the element".into()))?;
    }
    let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    if !text[line_start..start].trim().is_empty() {
        return Err(EditError::Unsupported(
            "the member shares its line with another one".into(),
        ));
    }
    let end = text[target.value.end..]
        .find('\n')
        .map_or(text.len(), |i| target.value.end + i + 1);
    Ok(replace(text, (line_start, end), ""))
}
