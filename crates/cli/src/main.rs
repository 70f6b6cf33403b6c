//! `mapsim`: the engine headless — validate, run and history from the command line.

fn main() {}
