//! The page's components, one per file. Each takes `Props` and renders; state lives in
//! [`crate::state`].

pub mod app_header;
pub mod asl_editor;
pub mod assumptions_note;
pub mod catch_editor;
pub mod definition_outline;
pub mod definition_pane;
pub mod diagnostics_panel;
pub mod error_routing;
pub mod examples_gallery;
pub mod file_open;
pub mod form_fields;
pub mod help_popover;
pub mod history_panel;
pub mod item_grid;
pub mod item_timeline;
pub mod keep_notice;
pub mod lang_switch;
pub mod logs_panel;
pub mod machine_picker;
pub mod map_run_panel;
pub mod map_settings;
pub mod metrics_panel;
pub mod notice_bar;
pub mod playback_bar;
pub mod popover;
pub mod retry_editor;
pub mod scenario_editor;
pub mod scenario_task;
pub mod settings;
pub mod share_button;
pub mod state_graph;
pub mod state_panel;
pub mod story_bar;
pub mod timeline_chart;
pub mod verdict_banner;
