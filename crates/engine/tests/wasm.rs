//! The determinism case in headless Chromium: compiled to wasm32, the engine must produce the
//! digest the native test pins. Run with
//! `CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner CHROMEDRIVER=/usr/bin/chromedriver cargo test -p engine --target wasm32-unknown-unknown`.
#![cfg(target_arch = "wasm32")]

use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

#[path = "shared/determinism_case.rs"]
mod case;

#[wasm_bindgen_test]
fn the_browser_run_has_the_native_digest() {
    let (digest, status) = case::run_case();
    assert_eq!(digest, case::EXPECTED_DIGEST, "status {status}");
}
