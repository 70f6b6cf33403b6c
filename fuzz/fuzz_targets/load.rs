//! Fuzz target: `asl::load_bytes` on arbitrary input must not panic, and every diagnostic must be
//! located inside the text at a line:column that agrees with its byte offset.

#![no_main]

use asl::{load, load_bytes, Diagnostic, LoadOptions};
use libfuzzer_sys::fuzz_target;

fn check(text: &str, diagnostics: &[Diagnostic]) {
    for d in diagnostics {
        let Some(location) = d.location else {
            assert_eq!(d.code, "too-many-diagnostics", "unlocated: {d:?}");
            continue;
        };
        assert!(location.start <= location.end && location.end <= text.len(), "{d:?}");
        assert!(text.is_char_boundary(location.start), "{d:?}");
        let before = &text[..location.start];
        let line = before.matches('\n').count() as u32 + 1;
        let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) as u32 + 1;
        assert_eq!((line, column), (location.line, location.column), "{d:?}");
    }
}

fuzz_target!(|data: &[u8]| {
    let loaded = load_bytes(data, &LoadOptions::default());
    let Ok(text) = std::str::from_utf8(data) else {
        assert!(loaded.has_errors());
        return;
    };
    check(text, &loaded.diagnostics);
    if !loaded.has_errors() && loaded.definition.is_some() {
        assert!(loaded.model.is_some());
    }
    for machine in loaded.machines.iter().skip(1).take(3) {
        let options = LoadOptions {
            machine: Some(machine.name.clone()),
            ..LoadOptions::default()
        };
        check(text, &load(text, &options).diagnostics);
    }
});
