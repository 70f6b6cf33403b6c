//! Browser tests of the app's components, run in headless Chromium by `wasm-bindgen-test-runner`
//! (`scripts/test.sh`). They check wiring — what is rendered from props, which callbacks fire —
//! not logic, which is tested natively in the crates and in `src/`.
//!
//! Natively this file compiles to nothing, so `cargo test --workspace` skips it.
#![cfg(target_arch = "wasm32")]

use wasm_bindgen_test::wasm_bindgen_test_configure;

wasm_bindgen_test_configure!(run_in_browser);

mod app;
mod asl_editor;
mod definition_pane;
mod diagnostics_panel;
mod document_harness;
mod keep_share;
mod monitor;
mod run_view;
mod scenario_editor;
mod settings;
mod state_graph;
mod state_panel;
mod support;
