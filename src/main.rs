//! The mapsim web app: a Yew shell that renders what the engine reports.

fn main() {}
