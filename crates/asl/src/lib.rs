//! `asl`: Amazon States Language text → typed model + located diagnostics.
//!
//! The entry point is [`load`]: it recognises the input format (ASL JSON or YAML, a
//! CloudFormation/SAM template, `describe-state-machine` output), extracts the definition,
//! builds the [`model`] best-effort and validates it. Broken input is data: `load` never panics
//! and always returns what it could understand plus diagnostics saying what it could not.
//!
//! This crate knows nothing of simulation or of the web.

pub mod build;
pub mod diagnostic;
pub mod edit;
pub mod intrinsic;
pub mod jsonata;
pub mod limits;
pub mod model;
mod order;
pub mod path;
pub mod pointer;
mod read;
pub mod source_map;
pub mod validate;

pub use diagnostic::{Diagnostic, Location, Severity};
pub use model::*;
pub use source_map::{Embedding, SourceMap, Span};

use serde::Serialize;
use serde_json::Value;

/// The kind of text `load` recognised.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum SourceFormat {
    /// A plain ASL definition in JSON.
    AslJson,
    /// A plain ASL definition in YAML.
    AslYaml,
    /// A CloudFormation or SAM template in JSON.
    TemplateJson,
    /// A CloudFormation or SAM template in YAML.
    TemplateYaml,
    /// The JSON printed by `aws stepfunctions describe-state-machine`.
    DescribeStateMachine,
}

impl SourceFormat {
    /// A short human description, e.g. for a status line.
    pub fn describe(self) -> &'static str {
        match self {
            SourceFormat::AslJson => "ASL (JSON)",
            SourceFormat::AslYaml => "ASL (YAML)",
            SourceFormat::TemplateJson => "CloudFormation/SAM template (JSON)",
            SourceFormat::TemplateYaml => "CloudFormation/SAM template (YAML)",
            SourceFormat::DescribeStateMachine => "describe-state-machine output",
        }
    }
}

/// How to load.
#[derive(Debug, Clone, Default)]
pub struct LoadOptions {
    /// When a template holds several state machines: the logical id of the one to load.
    /// `None` picks the first.
    pub machine: Option<String>,
    /// The workflow type of the machine (STANDARD or EXPRESS), when the caller knows it and the
    /// text does not say (plain definitions). A template's or describe output's own type wins.
    pub workflow_type: Option<ExecutionType>,
    /// Skip the syntax checks of JSONPath paths, payload templates and intrinsic functions.
    pub skip_path_checks: bool,
    /// Skip the format checks of Task `Resource` ARNs.
    pub skip_arn_checks: bool,
}

/// A state machine found in the input (one for plain definitions, one per resource in a template).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MachineEntry {
    /// The template's logical id, the `name` of describe output, or `"definition"` for a plain
    /// definition.
    pub name: String,
    /// `AWS::StepFunctions::StateMachine` or `AWS::Serverless::StateMachine` for templates.
    pub resource_type: Option<String>,
    /// STANDARD or EXPRESS when the input says (templates default to STANDARD).
    pub workflow_type: Option<ExecutionType>,
    /// Where the machine is declared (a template's resource key).
    pub location: Option<Location>,
}

/// Everything `load` found.
#[derive(Debug, Clone, Serialize)]
pub struct Loaded {
    /// `None` when the text could not be read at all.
    pub format: Option<SourceFormat>,
    /// Every state machine in the input, for a picker.
    pub machines: Vec<MachineEntry>,
    /// Index into `machines` of the one that was loaded.
    pub selected: Option<usize>,
    /// The selected definition as JSON (placeholders substituted where known).
    pub definition: Option<Value>,
    /// The typed model of the selected definition, best-effort even when it has errors.
    pub model: Option<StateMachine>,
    /// Every finding, sorted by position (unlocated ones last).
    pub diagnostics: Vec<Diagnostic>,
    /// Where each value of `definition` is written in the text, by JSON pointer.
    pub source_map: SourceMap,
    /// STANDARD or EXPRESS, when known (template, describe output, or `LoadOptions`).
    pub workflow_type: Option<ExecutionType>,
}

impl Loaded {
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }

    /// The model, only when the definition has no errors (what the engine may run).
    pub fn runnable(&self) -> Option<&StateMachine> {
        if self.has_errors() {
            None
        } else {
            self.model.as_ref()
        }
    }

    /// The location of a JSON pointer of the definition, or of its nearest existing ancestor.
    pub fn location(&self, pointer: &str) -> Option<Location> {
        self.source_map.location(pointer)
    }
}

/// Codes of diagnostics about a field's name rather than its value: they are located at the key.
const KEY_CODES: &[&str] = &[
    "unknown-field",
    "field-not-allowed",
    "mutually-exclusive",
    "jsonpath-field-in-jsonata-state",
    "jsonata-field-in-jsonpath-state",
    "distributed-only-field",
    "payload-template-conflict",
    "state-name-too-long",
    "invalid-state-name",
    "duplicate-state-name",
    "next-and-end",
    "end-false",
    "inline-execution-type",
];

/// Reads, builds and validates a definition. Never panics.
pub fn load(text: &str, options: &LoadOptions) -> Loaded {
    let read = read::read(text, options);
    let workflow_type = read.workflow_type.or(options.workflow_type);
    let mut diagnostics = read.diagnostics;
    let mut model = None;
    if let Some(definition) = &read.definition {
        let mut found = Vec::new();
        model = build::build(definition, &mut found);
        let in_string = validate::validate(
            definition,
            model.as_ref(),
            workflow_type,
            options,
            &mut found,
        );
        // A value the reader already complained about (an out-of-range number read as null)
        // needs no second complaint about its type.
        let reader_errors: std::collections::HashSet<usize> = diagnostics
            .iter()
            .filter(|d| d.is_error())
            .filter_map(|d| d.location.map(|l| l.start))
            .collect();
        for (index, mut diagnostic) in found.into_iter().enumerate() {
            diagnostic.location = read
                .source_map
                .diagnostic_location(&diagnostic.pointer, KEY_CODES.contains(&diagnostic.code));
            if let Some(place) = in_string.iter().find(|p| p.diagnostic == index) {
                if let Some(refined) = locate_in_string(
                    text,
                    definition,
                    &read.source_map,
                    &diagnostic.pointer,
                    place.offset,
                ) {
                    diagnostic.location = Some(refined);
                }
            }
            let repeats_reader = diagnostic.location.is_some_and(|l| {
                !diagnostic.pointer.is_empty() && reader_errors.contains(&l.start)
            });
            if !repeats_reader {
                diagnostics.push(diagnostic);
            }
        }
    }
    Loaded {
        format: read.format,
        machines: read.machines,
        selected: read.selected,
        definition: read.definition,
        model,
        diagnostics: tidy(diagnostics),
        source_map: read.source_map,
        workflow_type,
    }
}

/// The exact place of byte `offset` of the string at `pointer`, when the string is written in
/// `text` without escapes before that point (otherwise the string's own location stands).
fn locate_in_string(
    text: &str,
    definition: &Value,
    source_map: &SourceMap,
    pointer: &str,
    offset: usize,
) -> Option<Location> {
    let Value::String(decoded) = definition.pointer(pointer)? else {
        return None;
    };
    let span = source_map.span(pointer)?;
    if !span.exact || source_map.embedding() != Embedding::Direct {
        return None;
    }
    let start = span.value.start;
    let quoted = matches!(text.as_bytes().get(start), Some(b'"' | b'\''));
    let content = start + usize::from(quoted);
    let prefix = decoded.get(..offset)?;
    if text.get(content..content + offset)? != prefix || prefix.contains('\n') {
        return None;
    }
    let at = content + offset;
    let column = span.value.column + (at - start) as u32 - prefix.len() as u32
        + prefix.chars().count() as u32;
    let next = text[at..].chars().next().map_or(0, char::len_utf8);
    Some(Location {
        line: span.value.line,
        column,
        start: at,
        end: (at + next).min(span.value.end.max(at)),
    })
}

/// Like [`load`], for bytes that may not be UTF-8: invalid UTF-8 is reported where it is.
pub fn load_bytes(bytes: &[u8], options: &LoadOptions) -> Loaded {
    match std::str::from_utf8(bytes) {
        Ok(text) => load(text, options),
        Err(error) => {
            let valid = &bytes[..error.valid_up_to()];
            // The prefix is valid UTF-8 by construction; locate the bad byte in it.
            let prefix = std::str::from_utf8(valid).unwrap_or_default();
            let line = prefix.matches('\n').count() as u32 + 1;
            let column = prefix
                .rsplit('\n')
                .next()
                .map_or(0, |last| last.chars().count()) as u32
                + 1;
            let utf16 = bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]);
            let message = if utf16 {
                "the text is UTF-16; save it as UTF-8".to_string()
            } else {
                format!(
                    "the text is not valid UTF-8 (byte 0x{:02X} at offset {})",
                    bytes.get(error.valid_up_to()).copied().unwrap_or(0),
                    error.valid_up_to()
                )
            };
            let start = error.valid_up_to();
            let diagnostic = Diagnostic {
                severity: Severity::Error,
                code: "invalid-utf8",
                message,
                pointer: String::new(),
                location: Some(Location {
                    line,
                    column,
                    start,
                    end: start + error.error_len().unwrap_or(1),
                }),
            };
            Loaded {
                format: None,
                machines: Vec::new(),
                selected: None,
                definition: None,
                model: None,
                diagnostics: vec![diagnostic],
                source_map: SourceMap::empty(),
                workflow_type: options.workflow_type,
            }
        }
    }
}

/// Sorts diagnostics by position, drops exact repeats and follow-on complaints about a value the
/// reader already reported, and caps their number.
fn tidy(mut diagnostics: Vec<Diagnostic>) -> Vec<Diagnostic> {
    order::sort_stable_by(&mut diagnostics, &|a, b| {
        let key = |d: &Diagnostic| {
            d.location
                .map_or((u32::MAX, u32::MAX), |l| (l.line, l.column))
        };
        key(a).cmp(&key(b))
    });
    let mut seen = std::collections::HashSet::new();
    diagnostics.retain(|d| seen.insert((d.code, d.pointer.clone(), d.message.clone(), d.location)));
    if diagnostics.len() > limits::MAX_DIAGNOSTICS {
        let dropped = diagnostics.len() - limits::MAX_DIAGNOSTICS;
        diagnostics.truncate(limits::MAX_DIAGNOSTICS);
        diagnostics.push(Diagnostic {
            severity: Severity::Warning,
            code: "too-many-diagnostics",
            message: format!("{dropped} more diagnostics are not shown"),
            pointer: String::new(),
            location: None,
        });
    }
    diagnostics
}
