//! Fuzz target: `asl::edit::apply` on every value of whatever `load` reads must not panic; an
//! edit that succeeds has been verified by `apply` itself (it re-reads its result).

#![no_main]

use asl::edit::{apply, Change};
use asl::{load, LoadOptions};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let options = LoadOptions::default();
    let loaded = load(text, &options);
    if loaded.definition.is_none() {
        return;
    }
    // Breadth-first over the first pointers of the source map.
    let mut pointers = vec![String::new()];
    let mut i = 0;
    while i < pointers.len() && pointers.len() < 40 {
        let children = loaded.source_map.children(&pointers[i]);
        pointers.extend(children);
        i += 1;
    }
    for pointer in pointers.iter().skip(1).take(40) {
        let _ = apply(text, &loaded, &options, pointer, &Change::Remove);
        let _ = apply(text, &loaded, &options, pointer, &Change::Set(serde_json::json!(7)));
        let _ = apply(text, &loaded, &options, pointer, &Change::Set(serde_json::json!({"a": ["b", "c\"d"]})));
        let new_member = format!("{pointer}/Fuzz");
        let _ = apply(text, &loaded, &options, &new_member, &Change::Set(serde_json::json!("x y")));
        let new_element = format!("{pointer}/-");
        let _ = apply(text, &loaded, &options, &new_element, &Change::Set(serde_json::json!(null)));
    }
});
