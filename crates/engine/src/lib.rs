//! `engine`: a deterministic discrete-event simulator of Step Functions executions in virtual
//! time. No clock, no unseeded randomness, no web dependencies.
//!
//! # Using it
//!
//! ```
//! use engine::{scenario, sim::{SimOptions, Simulation}};
//!
//! let definition = r#"{"StartAt": "Work", "States": {"Work": {
//!     "Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:w", "End": true}}}"#;
//! let loaded = asl::load(definition, &asl::LoadOptions::default());
//! let model = loaded.runnable().expect("a definition without errors");
//! let scenario = scenario::parse(r#"{"seed": 7, "tasks": {"Work": {"latency": {"fixed_ms": 250}}}}"#)
//!     .expect("a valid scenario");
//! let mut sim = Simulation::new(model, &scenario, SimOptions::default()).expect("runnable");
//! sim.run();
//! assert_eq!(sim.outcome().map(|o| o.end_ms), Some(250));
//! ```
//!
//! - Set-up: [`scenario::parse`] (every problem, with line:column) → [`sim::Simulation::new`]
//!   (scenario names checked against the definition, the model compiled by [`program`]).
//! - Stepping: [`sim::Simulation::step`], [`sim::Simulation::step_until`] (virtual ms) and
//!   [`sim::Simulation::step_until_budget`] (at most N events, for time slices in a page),
//!   [`sim::Simulation::run`]; [`sim::Simulation::now_ms`], [`sim::Simulation::next_event_ms`].
//! - Live view: [`sim::Simulation::live`] (cheap counters of the latest Map Run, the time the
//!   threshold was crossed), [`sim::Simulation::state_stats`] (per state: entered, succeeded,
//!   failed, retries by retrier, catches by catcher, errors by name, timeouts, throttles, in
//!   flight, retrying), [`sim::Simulation::map_runs`] (counts, tolerance, verdict, one compact
//!   record per child), [`sim::Simulation::series`] (per virtual-time bucket), and the item
//!   change log [`sim::Simulation::item_changes`] (`SimOptions::record_changes`) to repaint only
//!   the cells of an item grid that changed.
//! - Reports: [`sim::Simulation::summary`] (the CLI's JSON summary), [`sim::Simulation::verdict_text`],
//!   [`sim::Simulation::parent_history_json`] (AWS `GetExecutionHistory`),
//!   [`sim::Simulation::child_detail`] and [`sim::Simulation::child_trace`] (a child's history
//!   and timeline, rebuilt on demand), [`sim::Simulation::digest`],
//!   [`sim::Simulation::assumptions_used`].

pub mod backoff;
pub mod choice;
pub mod clock;
pub mod compare;
pub mod cost;
pub mod data;
pub mod errors;
pub mod export;
pub mod history;
pub mod intrinsics;
pub mod jsonata;
pub mod monitor;
pub mod program;
pub mod reader;
pub mod report;
pub mod rng;
pub mod scenario;
pub mod sim;
pub mod sweep;
