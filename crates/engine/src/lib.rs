//! `engine`: a deterministic discrete-event simulator of Step Functions executions in virtual
//! time. No clock, no unseeded randomness, no web dependencies.

pub mod choice;
pub mod clock;
pub mod data;
pub mod errors;
pub mod history;
pub mod intrinsics;
pub mod jsonata;
pub mod program;
pub mod report;
pub mod rng;
pub mod scenario;
pub mod sim;
