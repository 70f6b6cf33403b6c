//! Reading: text → the definition as a `serde_json::Value` plus where each value is written.
//!
//! Recognises the input's format (ASL in JSON or YAML, a CloudFormation/SAM template in JSON or
//! YAML, `aws stepfunctions describe-state-machine` output), extracts the definition — which may
//! live inside a string of the template (`DefinitionString`, `Fn::Sub`, `Fn::Join`) — applies
//! `DefinitionSubstitutions`, and locates every value and every reading problem in the text the
//! user typed.

mod json;
mod template;
mod yaml;

use serde_json::Value;

use crate::diagnostic::{Diagnostic, Severity};
use crate::limits::{MAX_DEFINITION_BYTES, MAX_INPUT_BYTES};
use crate::model::ExecutionType;
use crate::source_map::{self, Embedding, Locator, Origin, RawTree, ScalarStyle, SourceMap};
use crate::{LoadOptions, MachineEntry, SourceFormat};

pub(crate) use json::string_origin as json_string_origin;

/// A problem found while reading, with its byte range in the text that was being read.
#[derive(Debug, Clone)]
pub(crate) struct Problem {
    pub severity: Severity,
    pub code: &'static str,
    pub message: String,
    pub start: usize,
    pub end: usize,
}

impl Problem {
    pub fn error(code: &'static str, start: usize, end: usize, message: String) -> Problem {
        Problem {
            severity: Severity::Error,
            code,
            message,
            start,
            end,
        }
    }

    pub fn warning(code: &'static str, start: usize, end: usize, message: String) -> Problem {
        Problem {
            severity: Severity::Warning,
            code,
            message,
            start,
            end,
        }
    }
}

/// Adds a problem unless there are already as many as will ever be shown (a file of a million
/// bad numbers must not make a million diagnostics).
pub(crate) fn note(problems: &mut Vec<Problem>, problem: Problem) {
    if problems.len() < crate::limits::MAX_DIAGNOSTICS {
        problems.push(problem);
    }
}

/// What a JSON or YAML reader produced.
pub(crate) struct Parsed {
    /// `None` when the text could not be read (the problems say why).
    pub value: Option<Value>,
    pub tree: RawTree,
    pub root: Option<u32>,
    pub problems: Vec<Problem>,
}

/// Everything reading found.
pub(crate) struct Read {
    pub format: Option<SourceFormat>,
    pub machines: Vec<MachineEntry>,
    pub selected: Option<usize>,
    pub definition: Option<Value>,
    pub source_map: SourceMap,
    pub workflow_type: Option<ExecutionType>,
    /// Located diagnostics about the text itself (syntax, templates, sizes).
    pub diagnostics: Vec<Diagnostic>,
}

impl Read {
    fn failed(diagnostics: Vec<Diagnostic>) -> Read {
        Read {
            format: None,
            machines: Vec::new(),
            selected: None,
            definition: None,
            source_map: SourceMap::empty(),
            workflow_type: None,
            diagnostics,
        }
    }
}

/// Turns problems found in a derived text into located diagnostics of the user's text.
pub(crate) fn locate_problems(
    problems: Vec<Problem>,
    origin: Option<&Origin>,
    locator: &mut Locator<'_>,
) -> Vec<Diagnostic> {
    let mut mapped: Vec<(usize, usize, Problem)> = problems
        .into_iter()
        .map(|p| {
            let (start, end) = match origin {
                Some(origin) => {
                    let (s, e, _) = origin.map_range(p.start, p.end);
                    (s, e)
                }
                None => (p.start, p.end),
            };
            (start, end, p)
        })
        .collect();
    crate::order::sort_stable_by(&mut mapped, &|a, b| a.0.cmp(&b.0));
    mapped
        .into_iter()
        .map(|(start, end, p)| Diagnostic {
            severity: p.severity,
            code: p.code,
            message: p.message,
            pointer: String::new(),
            location: Some(locator.location(start, end)),
        })
        .collect()
}

/// Reads any JSON or YAML text: JSON when it starts like JSON (`{`, `[`, `"`), YAML otherwise.
pub(crate) fn parse_any(text: &str) -> (Parsed, bool) {
    let body = text.trim_start_matches('\u{feff}');
    match body.trim_start().bytes().next() {
        Some(b'{' | b'[') => (json::parse(text), true),
        // A JSON string, or YAML whose first key is quoted: JSON first, then YAML.
        Some(b'"') => {
            let parsed = json::parse(text);
            if parsed.value.is_some() {
                return (parsed, true);
            }
            let yaml = yaml::parse(text);
            if yaml.value.as_ref().is_some_and(Value::is_object) {
                (yaml, false)
            } else {
                (parsed, true)
            }
        }
        _ => (yaml::parse(text), false),
    }
}

/// Reads `text` and extracts the definition `options` asks for.
pub(crate) fn read(text: &str, options: &LoadOptions) -> Read {
    let mut locator = Locator::new(text);
    if text.len() > MAX_INPUT_BYTES {
        let diagnostic = Diagnostic {
            severity: Severity::Error,
            code: "input-too-large",
            message: format!(
                "the text is {} bytes long; mapsim reads at most {} bytes (16 MiB), and Step Functions accepts definitions of at most {} characters",
                text.len(),
                MAX_INPUT_BYTES,
                MAX_DEFINITION_BYTES
            ),
            pointer: String::new(),
            location: Some(locator.location(0, 0)),
        };
        return Read::failed(vec![diagnostic]);
    }
    let body = text.trim_start_matches('\u{feff}');
    if body.trim().is_empty() {
        let diagnostic = Diagnostic {
            severity: Severity::Error,
            code: "empty-input",
            message: "the text is empty: expected a state machine definition (JSON or YAML), a CloudFormation/SAM template, or describe-state-machine output".to_string(),
            pointer: String::new(),
            location: Some(locator.location(0, 0)),
        };
        return Read::failed(vec![diagnostic]);
    }
    let (parsed, is_json) = parse_any(text);
    let mut diagnostics = locate_problems(parsed.problems, None, &mut locator);
    let (Some(value), Some(root)) = (parsed.value, parsed.root) else {
        return Read::failed(diagnostics);
    };
    let tree = parsed.tree;
    let Value::Object(object) = &value else {
        let found = match &value {
            Value::Null => "nothing (null)",
            Value::Bool(_) => "a boolean",
            Value::Number(_) => "a number",
            Value::String(_) => "a single string",
            Value::Array(_) => "an array",
            Value::Object(_) => "an object",
        };
        let (start, end) = tree.node(root).map_or((0, 0), |n| (n.start, n.end));
        diagnostics.push(Diagnostic {
            severity: Severity::Error,
            code: "not-an-object",
            message: format!(
                "expected a state machine definition (an object with `StartAt` and `States`), a CloudFormation/SAM template or describe-state-machine output, but the text reads as {found}"
            ),
            pointer: String::new(),
            location: Some(locator.location(start, end)),
        });
        return Read::failed(diagnostics);
    };

    let is_template = !object.contains_key("StartAt")
        && (object.contains_key("Resources")
            || object.contains_key("AWSTemplateFormatVersion")
            || object.contains_key("Transform"));
    let is_describe = !object.contains_key("StartAt")
        && !is_template
        && object.get("definition").is_some_and(Value::is_string);

    if is_template {
        let format = if is_json {
            SourceFormat::TemplateJson
        } else {
            SourceFormat::TemplateYaml
        };
        let mut read = template::extract(text, &value, &tree, root, options, &mut locator);
        read.format = Some(format);
        // A duplicate key elsewhere in the template is CloudFormation's business; inside the
        // definition it is an error of the definition.
        let definition_range = read
            .source_map
            .span("")
            .filter(|_| read.source_map.embedding() == Embedding::Direct)
            .map(|span| span.value.start..span.value.end);
        for diagnostic in &mut diagnostics {
            let inside = diagnostic
                .location
                .zip(definition_range.clone())
                .is_some_and(|(l, range)| range.contains(&l.start));
            if diagnostic.code == "duplicate-key" && !inside {
                diagnostic.severity = Severity::Warning;
                diagnostic.message = diagnostic.message.replace(
                    "Step Functions rejects duplicate fields",
                    "this is in the template, outside the state machine's definition, and only the last one counts",
                );
            }
        }
        read.diagnostics.splice(0..0, diagnostics);
        return finish(read, text);
    }
    if is_describe {
        let mut read = describe(text, &value, &tree, root, &mut locator);
        read.diagnostics.splice(0..0, diagnostics);
        return finish(read, text);
    }
    // A plain definition.
    let source_map = source_map::build(
        &tree,
        root,
        &Origin::identity(text.len()),
        text,
        Embedding::Direct,
    );
    let format = if is_json {
        SourceFormat::AslJson
    } else {
        SourceFormat::AslYaml
    };
    let read = Read {
        format: Some(format),
        machines: vec![MachineEntry {
            name: "definition".into(),
            resource_type: None,
            workflow_type: None,
            location: None,
        }],
        selected: Some(0),
        definition: Some(value),
        source_map,
        workflow_type: None,
        diagnostics,
    };
    finish(read, body)
}

/// Adds the checks on the extracted definition as a whole (its size).
fn finish(mut read: Read, definition_text: &str) -> Read {
    let Some(definition) = &read.definition else {
        return read;
    };
    // The length Step Functions would see: the text itself for a plain definition, the string for
    // an embedded one, compact JSON for a template's `Definition` object.
    let length = match read.format {
        Some(SourceFormat::AslJson | SourceFormat::AslYaml) => definition_text.chars().count(),
        _ => serde_json::to_string(definition).map_or(0, |s| s.chars().count()),
    };
    if length > MAX_DEFINITION_BYTES {
        read.diagnostics.push(Diagnostic {
            severity: Severity::Error,
            code: "definition-too-large",
            message: format!(
                "the definition is {length} characters long; Step Functions accepts at most {MAX_DEFINITION_BYTES}"
            ),
            pointer: String::new(),
            location: read.source_map.location(""),
        });
    }
    read
}

/// `aws stepfunctions describe-state-machine` output: the definition is the `definition` string.
fn describe<'t>(
    text: &'t str,
    value: &Value,
    tree: &RawTree,
    root: u32,
    locator: &mut Locator<'t>,
) -> Read {
    let mut diagnostics = Vec::new();
    let name = value
        .get("name")
        .and_then(Value::as_str)
        .unwrap_or("definition")
        .to_string();
    let workflow_type = match value.get("type").and_then(Value::as_str) {
        Some("STANDARD") => Some(ExecutionType::Standard),
        Some("EXPRESS") => Some(ExecutionType::Express),
        _ => None,
    };
    let definition_text = value
        .get("definition")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let Some(node) = tree.find(root, "/definition") else {
        return Read::failed(diagnostics);
    };
    let origin = scalar_origin(text, tree, node, definition_text);
    let (definition, source_map, problems) = parse_embedded(definition_text, &origin, text);
    let located = locate_problems(problems, Some(&origin), locator);
    diagnostics.extend(located);
    let entry_location = tree.node(node).map(|n| locator.location(n.start, n.end));
    Read {
        format: Some(SourceFormat::DescribeStateMachine),
        machines: vec![MachineEntry {
            name,
            resource_type: None,
            workflow_type,
            location: entry_location,
        }],
        selected: Some(0),
        definition,
        source_map,
        workflow_type,
        diagnostics,
    }
}

/// Parses a definition held in a string (JSON, or YAML) whose bytes come from `origin`.
/// Returns the value, its source map in the user's text, and the problems (offsets in
/// `definition_text`, to be mapped with `origin`).
pub(crate) fn parse_embedded(
    definition_text: &str,
    origin: &Origin,
    text: &str,
) -> (Option<Value>, SourceMap, Vec<Problem>) {
    if definition_text.trim().is_empty() {
        let problem = Problem::error(
            "empty-input",
            0,
            0,
            "the definition string is empty".to_string(),
        );
        return (None, SourceMap::empty(), vec![problem]);
    }
    let (parsed, _) = parse_any(definition_text);
    let (Some(value), Some(root)) = (parsed.value, parsed.root) else {
        return (None, SourceMap::empty(), parsed.problems);
    };
    let map = source_map::build(&parsed.tree, root, origin, text, Embedding::InString);
    let mut problems = parsed.problems;
    if !value.is_object() {
        let end = definition_text.len();
        problems.push(Problem::error(
            "not-an-object",
            0,
            end,
            "the definition string does not hold a JSON object".to_string(),
        ));
        return (None, map, problems);
    }
    (Some(value), map, problems)
}

/// Where each byte of a scalar string's decoded value comes from in `text`.
pub(crate) fn scalar_origin(text: &str, tree: &RawTree, node: u32, decoded: &str) -> Origin {
    let Some(raw) = tree.node(node) else {
        return Origin::default();
    };
    let (start, end) = (raw.start.min(text.len()), raw.end.min(text.len()));
    match raw.style {
        ScalarStyle::JsonString => json_string_origin(text, start, end),
        ScalarStyle::YamlLiteral => {
            literal_block_origin(text, skip_properties(text, start), decoded)
        }
        ScalarStyle::YamlPlain | ScalarStyle::YamlSingleQuoted | ScalarStyle::YamlDoubleQuoted => {
            let content_start = skip_properties(text, start);
            let quoted = raw.style != ScalarStyle::YamlPlain;
            let inner_start = content_start + usize::from(quoted);
            let inner_end = if quoted { end.saturating_sub(1) } else { end };
            let raw_inner = text.get(inner_start..inner_end.max(inner_start));
            let mut origin = Origin::default();
            if raw_inner == Some(decoded) {
                origin.push(0, decoded.len(), inner_start, decoded.len(), true);
            } else {
                origin.push(0, decoded.len(), content_start, 0, false);
            }
            origin
        }
        ScalarStyle::YamlFolded | ScalarStyle::Other | ScalarStyle::Container => {
            let mut origin = Origin::default();
            origin.push(0, decoded.len(), skip_properties(text, start), 0, false);
            origin
        }
    }
}

/// Skips a YAML node's tag and anchor (`!Sub `, `&name `) at `at`.
fn skip_properties(text: &str, mut at: usize) -> usize {
    let bytes = text.as_bytes();
    while matches!(bytes.get(at), Some(b'!' | b'&')) {
        while bytes.get(at).is_some_and(|b| !b.is_ascii_whitespace()) {
            at += 1;
        }
        while matches!(bytes.get(at), Some(b' ' | b'\t')) {
            at += 1;
        }
    }
    at
}

/// A literal block scalar (`|`) keeps its lines as written, minus their indentation: line `i`
/// of the value is line `i` of the content, shifted by the indentation. `start` is where the
/// reader put the scalar: its tag or `|` indicator when it has a tag, else its first character.
fn literal_block_origin(text: &str, start: usize, decoded: &str) -> Origin {
    let mut origin = Origin::default();
    let at = skip_properties(text, start).min(text.len());
    let (content_start, indent) = if matches!(text.as_bytes().get(at), Some(b'|' | b'>')) {
        let Some(header_end) = text[at..].find('\n') else {
            origin.push(0, decoded.len(), at, 0, false);
            return origin;
        };
        let content_start = at + header_end + 1;
        // The indentation is that of the first line that is not blank.
        let indent = text[content_start..]
            .split('\n')
            .find(|line| !line.trim().is_empty())
            .map_or(0, |line| line.len() - line.trim_start_matches(' ').len());
        (content_start, indent)
    } else {
        let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
        (line_start, at - line_start)
    };
    let mut raw_line_start = content_start;
    let mut out = 0;
    for line in decoded.split_inclusive('\n') {
        let content = line.strip_suffix('\n').unwrap_or(line);
        let raw_line_end = text[raw_line_start.min(text.len())..]
            .find('\n')
            .map_or(text.len(), |i| raw_line_start + i);
        let raw_content_start = (raw_line_start + indent).min(raw_line_end);
        if text.get(raw_content_start..raw_content_start + content.len()) == Some(content) {
            origin.push(out, content.len(), raw_content_start, content.len(), true);
        } else {
            origin.push(out, content.len(), raw_line_start.min(text.len()), 0, false);
        }
        out += content.len();
        if line.ends_with('\n') {
            origin.push(out, 1, raw_line_end.min(text.len()), 1, true);
            out += 1;
        }
        raw_line_start = raw_line_end + 1;
    }
    origin
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literal_blocks_map_line_by_line() {
        let text = "a: |\n  {\n    \"x\": 1\n  }\nb: 2\n";
        let decoded = "{\n  \"x\": 1\n}\n";
        let origin = literal_block_origin(text, 3, decoded);
        // `"x"` is at decoded offset 4, in the text at line 3 column 5 (offset 13).
        assert_eq!(origin.map(4), (13, true));
        assert_eq!(&text[13..16], "\"x\"");
    }
}
