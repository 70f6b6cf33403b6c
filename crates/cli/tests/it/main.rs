//! Integration tests of the `mapsim` binary, one module per subcommand.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod decide;
mod export;
mod monitor;
mod run;
mod validate;
