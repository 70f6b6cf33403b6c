//! Integration tests of `asl`: reading and locating, the validation rules, bad input, the corpus
//! conformance score and property-based fuzzing — one binary, so it builds once.

#![allow(clippy::unwrap_used, clippy::expect_used, dead_code)]

mod bad_input;
mod conformance;
mod edit;
mod fuzz;
mod reading;
mod rules;
mod support;
