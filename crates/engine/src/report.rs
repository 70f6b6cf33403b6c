//! What a run reports: per-state statistics, Map Run counters, time series, item change logs,
//! child timelines, and the CLI contract's summary.

use std::collections::BTreeMap;
use std::rc::Rc;

use serde::Serialize;
use serde_json::{Map as JsonObject, Value};

use crate::errors::ErrorId;
use crate::program::StateId;
use crate::sim::ExecutionStatus;

/// Most buckets a time series keeps; past this the bucket width doubles.
pub const MAX_BUCKETS: usize = 4096;

/// Per-state statistics, over every execution.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct StateStats {
    pub entered: u64,
    pub succeeded: u64,
    pub failed: u64,
    pub retries: u64,
    pub caught: u64,
    /// Task attempts (including retries and throttled ones).
    pub attempts: u64,
    pub timeouts: u64,
    pub throttles: u64,
    /// Lambda invocations that ran (throttled ones did not, and are not billed), and the
    /// milliseconds they ran for — each to its own end, even past a Task timeout; the same
    /// for the retries among them (attempts after the first).
    pub lambda_invocations: u64,
    pub lambda_ms: u64,
    pub lambda_retry_invocations: u64,
    pub lambda_retry_ms: u64,
    /// Errors raised in this state, by name.
    pub errors: BTreeMap<String, u64>,
    pub retries_by_retrier: Vec<u64>,
    pub catches_by_catcher: Vec<u64>,
    /// Executions currently in this state.
    pub in_flight: u64,
    /// Executions currently waiting to retry this state.
    pub retrying: u64,
}

impl StateStats {
    pub fn new(retriers: usize, catchers: usize) -> StateStats {
        StateStats {
            retries_by_retrier: vec![0; retriers],
            catches_by_catcher: vec![0; catchers],
            ..StateStats::default()
        }
    }
}

/// Status of one child of a Map Run (one item, or one batch).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[repr(u8)]
pub enum ChildStatus {
    Pending = 0,
    Running = 1,
    Succeeded = 2,
    Failed = 3,
    TimedOut = 4,
    Aborted = 5,
}

impl ChildStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ChildStatus::Pending => "PENDING",
            ChildStatus::Running => "RUNNING",
            ChildStatus::Succeeded => "SUCCEEDED",
            ChildStatus::Failed => "FAILED",
            ChildStatus::TimedOut => "TIMED_OUT",
            ChildStatus::Aborted => "ABORTED",
        }
    }
}

/// `DescribeMapRun`'s item or execution counts.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    pub pending: u64,
    pub running: u64,
    pub succeeded: u64,
    pub failed: u64,
    pub timed_out: u64,
    pub aborted: u64,
    pub total: u64,
}

impl Counts {
    pub fn sum(&self) -> u64 {
        self.pending + self.running + self.succeeded + self.failed + self.timed_out + self.aborted
    }

    pub fn slot(&mut self, status: ChildStatus) -> &mut u64 {
        match status {
            ChildStatus::Pending => &mut self.pending,
            ChildStatus::Running => &mut self.running,
            ChildStatus::Succeeded => &mut self.succeeded,
            ChildStatus::Failed => &mut self.failed,
            ChildStatus::TimedOut => &mut self.timed_out,
            ChildStatus::Aborted => &mut self.aborted,
        }
    }

    pub fn to_json(&self) -> Value {
        let mut o = JsonObject::new();
        for (k, v) in [
            ("pending", self.pending),
            ("running", self.running),
            ("succeeded", self.succeeded),
            ("failed", self.failed),
            ("timed_out", self.timed_out),
            ("aborted", self.aborted),
            ("total", self.total),
        ] {
            o.insert(k.into(), Value::from(v));
        }
        Value::Object(o)
    }
}

/// One entry of the item change log.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ItemChange {
    pub run: u32,
    /// Child index (an item, or a batch — see [`crate::sim::MapRun::child_items`]).
    pub child: u32,
    pub status: ChildStatus,
    /// More about the status, for an item grid: a running child waiting to retry, a child that
    /// succeeded because a Catch routed its error.
    pub mark: ItemMark,
}

/// What an item grid can show beyond [`ChildStatus`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[repr(u8)]
pub enum ItemMark {
    #[default]
    Plain = 0,
    /// `Running`, and at least one of its states is waiting out a Retry delay.
    Retrying = 1,
    /// `Succeeded`, after a Catch routed an error somewhere in the child.
    Caught = 2,
}

/// Cheap counters for a live display.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct LiveCounters {
    pub now_ms: u64,
    pub events_processed: u64,
    pub lambda_in_flight: u64,
    pub parent_status: ExecutionStatusDefault,
    pub map_runs: usize,
    /// Counts of the latest Map Run.
    pub items: Counts,
    pub executions: Counts,
    pub threshold_crossed_ms: Option<u64>,
}

/// `ExecutionStatus` with a default, for [`LiveCounters`].
pub type ExecutionStatusDefault = ExecutionStatus;

/// Why a Map Run failed on tolerance, and when.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Verdict {
    pub at_ms: u64,
    pub failed_items: u64,
    pub total_items: u64,
    /// E.g. `51 failed items > ToleratedFailureCount 50`.
    pub explanation: String,
    /// The rule that was exceeded, for saying the explanation in another language.
    pub rule: ToleranceRule,
}

/// The tolerance rule a Map Run's failures exceeded.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub enum ToleranceRule {
    /// Neither `ToleratedFailureCount` nor `ToleratedFailurePercentage` is set: one failed item
    /// fails the Map Run.
    NoTolerance,
    /// More failed items than `ToleratedFailureCount`.
    Count { limit: u64 },
    /// A larger share of failed items than `ToleratedFailurePercentage` (`actual` is the share,
    /// in percent, of the total number of items).
    Percentage { limit: f64, actual: f64 },
}

/// The tolerance a Map Run was given (as the Map state resolved it when the run started).
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Tolerance {
    pub count: Option<u64>,
    pub percentage: Option<f64>,
}

/// The verdict of a whole run in parts, for a page to say in its own words (the CLI's sentence
/// is [`crate::sim::Simulation::verdict_text`]).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RunVerdict {
    /// `Running` until the parent execution ends.
    pub status: ExecutionStatus,
    /// When it ended (while running: the current virtual time).
    pub end_ms: u64,
    pub error: Option<String>,
    pub cause: Option<String>,
    /// The top-level Map Run that explains the verdict: the one that failed on tolerance, or
    /// else the latest one (`None` when the parent started no Distributed Map).
    pub map_run: Option<usize>,
    /// That Map Run's item counts.
    pub items: Option<Counts>,
    /// That Map Run's tolerance.
    pub tolerance: Tolerance,
    /// Set when that Map Run failed because its failures exceeded the tolerance.
    pub threshold: Option<Verdict>,
}

impl RunVerdict {
    /// Failed items (failed or timed out) of the explaining Map Run.
    pub fn failed_items(&self) -> u64 {
        self.items.map_or(0, |c| c.failed + c.timed_out)
    }

    /// Items of the explaining Map Run that have finished, one way or another.
    pub fn done_items(&self) -> u64 {
        self.items
            .map_or(0, |c| c.succeeded + c.failed + c.timed_out + c.aborted)
    }

    /// The share of failed items in percent of the total (0 when there are no items).
    pub fn failed_percentage(&self) -> f64 {
        let total = self.items.map_or(0, |c| c.total);
        if total == 0 {
            0.0
        } else {
            self.failed_items() as f64 * 100.0 / total as f64
        }
    }
}

/// One step of a child's timeline (for the page's item detail).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TimelineEntry {
    pub time_ms: u64,
    pub state: StateId,
    pub kind: TimelineKind,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum TimelineKind {
    AttemptStarted {
        attempt: u32,
    },
    AttemptSucceeded {
        latency_ms: u64,
    },
    AttemptFailed {
        error: ErrorId,
        latency_ms: u64,
        /// The error's cause (empty when it has none), shared with the fault that raised it.
        #[serde(serialize_with = "serialize_text")]
        cause: Rc<str>,
    },
    Retry {
        retrier: u32,
        error: ErrorId,
        delay_ms: u64,
    },
    Caught {
        catcher: u32,
        error: ErrorId,
        next: StateId,
    },
    Failed {
        error: ErrorId,
    },
}

fn serialize_text<S: serde::Serializer>(text: &Rc<str>, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(text)
}

impl Serialize for ErrorId {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_u32(self.0)
    }
}

/// Counters per virtual-time bucket.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Bucket {
    pub started: u64,
    pub succeeded: u64,
    pub failed: u64,
    pub retried: u64,
    pub caught: u64,
    pub throttled: u64,
    /// Executions running at the end of the bucket (the latest value seen in it).
    pub running: u64,
}

/// A time series over virtual time with a bucket width that doubles as the run grows.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Series {
    pub bucket_ms: u64,
    pub buckets: Vec<Bucket>,
    running: u64,
}

impl Series {
    pub fn new(bucket_ms: u64) -> Series {
        Series {
            bucket_ms: bucket_ms.max(1),
            buckets: Vec::new(),
            running: 0,
        }
    }

    fn bucket(&mut self, time: u64) -> Option<&mut Bucket> {
        let mut index = (time / self.bucket_ms) as usize;
        while index >= MAX_BUCKETS {
            self.coarsen();
            index = (time / self.bucket_ms) as usize;
        }
        if self.buckets.len() <= index {
            let running = self.running;
            self.buckets.resize_with(index + 1, || Bucket {
                running,
                ..Bucket::default()
            });
        }
        self.buckets.get_mut(index)
    }

    fn coarsen(&mut self) {
        let old = std::mem::take(&mut self.buckets);
        self.bucket_ms *= 2;
        for pair in old.chunks(2) {
            let mut merged = Bucket::default();
            for b in pair {
                merged.started += b.started;
                merged.succeeded += b.succeeded;
                merged.failed += b.failed;
                merged.retried += b.retried;
                merged.caught += b.caught;
                merged.throttled += b.throttled;
                merged.running = b.running;
            }
            self.buckets.push(merged);
        }
    }

    pub fn execution_started(&mut self, time: u64) {
        self.running += 1;
        let running = self.running;
        if let Some(b) = self.bucket(time) {
            b.started += 1;
            b.running = running;
        }
    }

    pub fn execution_ended(&mut self, time: u64, status: ExecutionStatus) {
        self.running = self.running.saturating_sub(1);
        let running = self.running;
        if let Some(b) = self.bucket(time) {
            match status {
                ExecutionStatus::Succeeded => b.succeeded += 1,
                ExecutionStatus::Failed | ExecutionStatus::TimedOut => b.failed += 1,
                _ => {}
            }
            b.running = running;
        }
    }

    pub fn retried(&mut self, time: u64) {
        if let Some(b) = self.bucket(time) {
            b.retried += 1;
        }
    }

    pub fn caught(&mut self, time: u64) {
        if let Some(b) = self.bucket(time) {
            b.caught += 1;
        }
    }

    pub fn throttled(&mut self, time: u64) {
        if let Some(b) = self.bucket(time) {
            b.throttled += 1;
        }
    }
}

/// A Map Run as the summary reports it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MapRunReport {
    pub state: String,
    pub map_run_arn: String,
    pub status: String,
    pub error: Option<String>,
    pub cause: Option<String>,
    pub item_counts: Counts,
    pub execution_counts: Counts,
    pub tolerated_failure_count: Option<u64>,
    pub tolerated_failure_percentage: Option<f64>,
    pub max_concurrency: u32,
    pub started_ms: u64,
    pub ended_ms: Option<u64>,
    pub verdict: Option<Verdict>,
}

/// FNV-1a, 64 bits: a digest that is the same on every platform.
#[derive(Debug, Clone, Copy)]
pub struct Fnv(u64);

impl Default for Fnv {
    fn default() -> Self {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
}

impl Fnv {
    pub fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 ^= u64::from(*b);
            self.0 = self.0.wrapping_mul(0x0000_0100_0000_01B3);
        }
    }

    pub fn write_u64(&mut self, v: u64) {
        self.write(&v.to_le_bytes());
    }

    pub fn finish(&self) -> u64 {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn series_coarsens_and_keeps_totals() {
        let mut series = Series::new(1);
        for t in 0..10_000u64 {
            series.execution_started(t);
            series.retried(t);
        }
        assert!(series.buckets.len() <= MAX_BUCKETS);
        assert_eq!(
            series.buckets.iter().map(|b| b.started).sum::<u64>(),
            10_000
        );
        assert_eq!(
            series.buckets.iter().map(|b| b.retried).sum::<u64>(),
            10_000
        );
        assert_eq!(series.buckets.last().map(|b| b.running), Some(10_000));
    }

    #[test]
    fn fnv_known_value() {
        let mut h = Fnv::default();
        h.write(b"a");
        assert_eq!(h.finish(), 0xaf63_dc4c_8601_ec8c);
    }
}
