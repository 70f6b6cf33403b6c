//! `engine`: a deterministic discrete-event simulator of Step Functions executions in virtual
//! time. No clock, no unseeded randomness, no web dependencies.
