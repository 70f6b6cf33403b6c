//! The mapsim web app as a library: the root component, its pieces and the app state, so
//! that the browser tests in `tests/` can mount them one by one.
//!
//! The app is a thin shell: it sends what the user typed to `asl` and `engine` and renders what
//! they report. It never re-implements their logic.

pub mod app;
pub mod compare_view;
pub mod components;
pub mod document_edit;
pub mod download;
pub mod examples;
pub mod graph;
pub mod i18n;
pub mod markup;
pub mod playback;
pub mod run_status;
pub mod share;
pub mod sim_frame;
pub mod state;
pub mod storage;
pub mod sweep_workers;
pub mod text;

// The browser entry point; everything else also compiles natively so it can be checked and
// unit-tested without a browser.
#[cfg(target_arch = "wasm32")]
pub mod web;
