//! The limits of what `asl` reads, in one place. Beyond each, input is reported, not read.
//!
//! Step Functions itself refuses a definition longer than 1,048,576 characters
//! (`CreateStateMachine`'s `definition` length constraint), so real definitions are far below
//! every limit here; the limits exist so that hostile or broken input (a 100,000-level nested
//! array, an alias bomb, a 100 MB file) ends in a diagnostic instead of a stack overflow, a hang
//! or an out-of-memory abort — natively and in the browser, where the stack is 1 MiB.

/// Largest text `load` reads at all (16 MiB). Larger input gets one `input-too-large` error.
/// Generous on purpose: a CloudFormation template may hold much more than the definition.
pub const MAX_INPUT_BYTES: usize = 16 * 1024 * 1024;

/// Step Functions' own limit on a definition's length (the API's `definition` length constraint).
/// Longer definitions are still read and checked, with a `definition-too-large` error.
pub const MAX_DEFINITION_BYTES: usize = 1_048_576;

/// Deepest nesting of arrays/objects (JSON) or sequences/mappings (YAML) that is read: the same
/// limit `serde_json` applies, so every value `asl` hands out can be re-read by `serde_json`, and
/// every recursive walk over it (the builder, the validator, `Drop`) stays far inside 1 MiB of
/// stack.
pub const MAX_DEPTH: usize = 128;

/// Most values that YAML aliases (`*name`) may add by repeating anchored values; beyond it the
/// document is refused as an alias bomb ("billion laughs").
pub const MAX_ALIAS_EXPANSION: usize = 1_000_000;

/// Most diagnostics reported for one input; further ones are summarised in one last warning.
pub const MAX_DIAGNOSTICS: usize = 1_000;

/// Deepest nesting inside one JSONata expression (parentheses, brackets, operators) that the
/// syntax check follows.
pub const MAX_EXPRESSION_DEPTH: usize = 64;
