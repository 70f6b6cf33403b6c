//! The page's components, one per file. Each takes `Props` and renders; state lives in
//! [`crate::state`].

pub mod app_header;
pub mod asl_editor;
pub mod definition_outline;
pub mod diagnostics_panel;
