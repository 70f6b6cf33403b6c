//! Diagnostics: what is wrong with a definition, where, and how sure we are.

use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The definition would be rejected by Step Functions (or cannot be simulated).
    Error,
    /// Accepted by Step Functions, but almost certainly not what was meant.
    Warning,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

/// A position in the text the user typed. Lines and columns count from 1; columns count
/// characters (Unicode scalar values), not bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Location {
    pub line: u32,
    pub column: u32,
    /// Byte offsets of the located value in the text: `start..end`.
    pub start: usize,
    pub end: usize,
}

/// One finding about a definition.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Diagnostic {
    pub severity: Severity,
    /// A stable, kebab-case identifier of the rule (`unknown-next`, `retrier-interval`, …).
    pub code: &'static str,
    /// A sentence a person understands, naming the state/field concerned.
    pub message: String,
    /// JSON pointer of the offending value inside the definition (`""` for the root).
    pub pointer: String,
    /// Where the offending value is in the user's text, when it can be told.
    pub location: Option<Location>,
}

impl Diagnostic {
    pub fn error(
        code: &'static str,
        pointer: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Diagnostic {
            severity: Severity::Error,
            code,
            message: message.into(),
            pointer: pointer.into(),
            location: None,
        }
    }

    pub fn warning(
        code: &'static str,
        pointer: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            code,
            message: message.into(),
            pointer: pointer.into(),
            location: None,
        }
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// Appends `token` to a JSON pointer, escaping `~` and `/` as RFC 6901 requires
/// ([`crate::pointer::push`]).
pub use crate::pointer::push as pointer_push;
