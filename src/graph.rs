//! The state graph as pure data: a layered layout ([`layout`]), the drawing of a state machine
//! built from `asl`'s model on top of it ([`scene`]), traffic along its edges from the engine's
//! per-state counts ([`traffic`]), and the state-level figures the state panel shows
//! ([`delays`], [`state_report`]), and the markup they are drawn with ([`svg`], [`tables`]). Nothing here
//! touches the DOM, so all of it is tested natively.

pub mod delays;
pub mod layout;
pub mod measure;
pub mod scene;
pub mod state_report;
pub mod svg;
pub mod tables;
pub mod traffic;
