//! Helpers shared by the integration tests.

use asl::{load, Diagnostic, LoadOptions, Loaded};

/// Loads `text` with default options.
pub fn load_text(text: &str) -> Loaded {
    load(text, &LoadOptions::default())
}

/// The codes of every error, in order.
pub fn error_codes(loaded: &Loaded) -> Vec<&'static str> {
    loaded
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .map(|d| d.code)
        .collect()
}

/// The codes of every diagnostic (errors and warnings), in order.
pub fn codes(loaded: &Loaded) -> Vec<&'static str> {
    loaded.diagnostics.iter().map(|d| d.code).collect()
}

/// Checks what every diagnostic must satisfy: a location inside the text whose line and column
/// agree with its byte offset. Returns a description of the first violation.
pub fn check_locations(text: &str, diagnostics: &[Diagnostic]) -> Result<(), String> {
    for d in diagnostics {
        let Some(location) = d.location else {
            if d.code == "too-many-diagnostics" {
                continue;
            }
            return Err(format!("no location: {d:?}"));
        };
        if location.start > location.end || location.end > text.len() {
            return Err(format!(
                "range {}..{} outside a text of {} bytes: {d:?}",
                location.start,
                location.end,
                text.len()
            ));
        }
        if !text.is_char_boundary(location.start) {
            return Err(format!("start inside a character: {d:?}"));
        }
        let before = &text[..location.start];
        let line = before.matches('\n').count() as u32 + 1;
        let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) as u32 + 1;
        if (line, column) != (location.line, location.column) {
            return Err(format!(
                "line:column {}:{} but offset {} is at {line}:{column}: {d:?}",
                location.line, location.column, location.start
            ));
        }
    }
    Ok(())
}

/// The line:column of the first diagnostic with `code`.
pub fn position_of(loaded: &Loaded, code: &str) -> Option<(u32, u32)> {
    loaded
        .diagnostics
        .iter()
        .find(|d| d.code == code)
        .and_then(|d| d.location)
        .map(|l| (l.line, l.column))
}
