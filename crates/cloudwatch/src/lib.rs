//! CloudWatch's own rules, pure and deterministic: statistics over a period's samples
//! (`stats`), `PutMetricAlarm` documents and how CloudWatch evaluates them (`alarm`),
//! dashboard bodies (`dashboard`) and CloudWatch's ways of writing times (`time`).
//!
//! Nothing here knows of Step Functions or of the simulator: the engine hands in datapoints
//! and documents, and gets back states, reasons and typed widgets. Bad documents are data: every
//! problem is a [`SpecError`] with the JSON pointer of the value at fault.

pub mod alarm;
pub mod dashboard;
pub mod stats;
pub mod time;

pub use alarm::{
    evaluate, parse_alarm, AlarmSpec, AlarmState, Comparison, Evaluation, Transition,
    TreatMissingData,
};
pub use dashboard::{parse_dashboard, Dashboard, MetricLine, Widget, WidgetKind};
pub use stats::{compute, Statistic};
pub use time::{reason_time, rfc3339};

/// A problem in a document, at a JSON pointer relative to the document handed in.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct SpecError {
    pub pointer: String,
    pub message: String,
}

impl std::fmt::Display for SpecError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.pointer.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "{}: {}", self.pointer, self.message)
        }
    }
}

impl std::error::Error for SpecError {}
