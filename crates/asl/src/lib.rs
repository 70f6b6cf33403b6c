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
pub mod intrinsic;
pub mod model;
pub mod path;

pub use diagnostic::{Diagnostic, Location, Severity};
pub use model::*;

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

/// How to load.
#[derive(Debug, Clone, Default)]
pub struct LoadOptions {
    /// When a template holds several state machines: the logical id of the one to load.
    /// `None` picks the first.
    pub machine: Option<String>,
}

/// A state machine found in the input (one for plain definitions, one per resource in a template).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MachineEntry {
    /// The template's logical id, or `"definition"` for a plain definition.
    pub name: String,
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
    pub diagnostics: Vec<Diagnostic>,
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
}

/// Reads, builds and validates a definition. Never panics.
pub fn load(text: &str, _options: &LoadOptions) -> Loaded {
    // Provisional reader: plain JSON only, no locations. Being replaced by the spanned reader
    // (JSON, YAML, templates, describe output) in `read`.
    let mut diagnostics = Vec::new();
    let value: Value = match serde_json::from_str(text) {
        Ok(v) => v,
        Err(e) => {
            diagnostics.push(Diagnostic::error(
                "syntax",
                "",
                format!("not valid JSON: {e}"),
            ));
            return Loaded {
                format: None,
                machines: Vec::new(),
                selected: None,
                definition: None,
                model: None,
                diagnostics,
            };
        }
    };
    let model = build::build(&value, &mut diagnostics);
    Loaded {
        format: Some(SourceFormat::AslJson),
        machines: vec![MachineEntry {
            name: "definition".into(),
        }],
        selected: Some(0),
        definition: Some(value),
        model,
        diagnostics,
    }
}
