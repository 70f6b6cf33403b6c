//! Integration tests of the engine, in one binary: AWS-recording conformance, one test per rule
//! of ASL-SEMANTICS.md, property tests, determinism, and the real-world corpus.
#![cfg(not(target_arch = "wasm32"))]

mod compare;
mod conformance;
mod corpus;
mod cost;
mod dataflow;
mod determinism;
mod effects;
mod monitor;
mod page_reports;
mod properties;
mod redrive;
mod semantics;
mod support;
mod sweep;
