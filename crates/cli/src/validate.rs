//! `mapsim validate` (not written yet).

use std::ffi::OsString;

use crate::Outcome;

pub fn main(_args: Vec<OsString>) -> Outcome {
    eprintln!("mapsim validate: not implemented yet");
    Outcome::Unusable
}
