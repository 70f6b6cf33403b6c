//! The waits a retrier implies: for retry number n (from 0), `IntervalSeconds × BackoffRate^n`,
//! capped by `MaxDelaySeconds`, and with `JitterStrategy: FULL` drawn from [0, that wait]
//! (ASL-SEMANTICS.md §2).
//!
//! The waits come from the engine's own `engine::backoff` functions (the ones its
//! `Simulation::retry_delay` draws its jittered waits from), and `tests` checks them against the
//! waits the engine actually takes. The cap bounds the jitter band in either order the scenario
//! may choose (cap then jitter, or jitter then cap), so the band does not depend on that
//! assumption.

use asl::{Jitter, Retrier};
use engine::backoff;
use engine::scenario::MAX_LATENCY_MS;

/// Rows a table shows at most; the totals still count every retry.
pub const MAX_ROWS: usize = 50;

/// One retry of a retrier.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DelayRow {
    /// The retry number n, from 0: the wait after attempt n + 1 failed.
    pub retry: u64,
    /// `IntervalSeconds × BackoffRate^n`, in whole ms, before the cap.
    pub backoff_ms: u64,
    /// The wait after `MaxDelaySeconds` (the same as `backoff_ms` when it does not bite).
    pub wait_ms: u64,
    /// Whether `MaxDelaySeconds` shortened this wait.
    pub capped: bool,
    /// With FULL jitter the wait is drawn from `[0, wait_ms]`; `None` without jitter.
    pub jitter_band: Option<(u64, u64)>,
    /// The sum of the waits up to and including this one, at their longest.
    pub cumulative_ms: u64,
}

/// Every wait of one retrier.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DelayPlan {
    /// The first retries (at most [`MAX_ROWS`]).
    pub rows: Vec<DelayRow>,
    /// `MaxAttempts`: how many retries there are in all (0 = never retried).
    pub retries: u64,
    /// The longest the retries can wait in all.
    pub total_worst_ms: u64,
    /// Whether `total_worst_ms` counts every retry (else it is a lower bound).
    pub total_complete: bool,
}

impl DelayPlan {
    pub fn never_retried(&self) -> bool {
        self.retries == 0
    }

    /// Whether there are more retries than rows.
    pub fn truncated(&self) -> bool {
        (self.rows.len() as u64) < self.retries
    }
}

/// The wait before retry `n` in whole milliseconds, and whether the cap shortened it — what
/// the engine waits without jitter, and the top of the band with it.
pub fn wait_ms(retrier: &Retrier, n: u64) -> (u64, u64, bool) {
    let interval_ms = retrier.interval_seconds.saturating_mul(1000);
    let cap_ms = retrier
        .max_delay_seconds
        .map(|seconds| seconds.saturating_mul(1000));
    let base = backoff::backoff_ms(interval_ms, retrier.backoff_rate, n);
    (
        backoff::whole_ms(base),
        backoff::whole_ms(backoff::capped(base, cap_ms)),
        cap_ms.is_some_and(|cap| base > cap as f64),
    )
}

/// Retries summed one by one at most; past this (only with a huge `MaxAttempts` and a
/// `BackoffRate` barely above 1) the total is a lower bound, and says so.
const MAX_STEPS: u64 = 1_000_000;

/// The delay table of `retrier`.
pub fn delay_plan(retrier: &Retrier) -> DelayPlan {
    let full_jitter = retrier.jitter == Jitter::Full;
    let mut rows = Vec::new();
    let mut total: u64 = 0;
    let mut n: u64 = 0;
    let mut complete = true;
    while n < retrier.max_attempts {
        let (backoff_ms, wait, capped) = wait_ms(retrier, n);
        total = total.saturating_add(wait);
        n += 1;
        if rows.len() < MAX_ROWS {
            rows.push(DelayRow {
                retry: n - 1,
                backoff_ms,
                wait_ms: wait,
                capped,
                jitter_band: full_jitter.then_some((0, wait)),
                cumulative_ms: total,
            });
            continue;
        }
        // BackoffRate ≥ 1, so waits never shrink: once one stops growing (capped, at the
        // engine's limit, or a rate of exactly 1) every later one is the same.
        if capped || retrier.backoff_rate == 1.0 || wait == MAX_LATENCY_MS {
            total = total.saturating_add(wait.saturating_mul(retrier.max_attempts - n));
            break;
        }
        if n >= MAX_STEPS {
            complete = false;
            break;
        }
    }
    DelayPlan {
        rows,
        retries: retrier.max_attempts,
        total_worst_ms: total,
        total_complete: complete,
    }
}

/// A duration for a table cell: `750 ms`, `2 s`, `1.5 s`, `4 min 16 s`, `2 h 5 min`.
pub fn duration_text(ms: u64) -> String {
    if ms < 1000 {
        return format!("{ms} ms");
    }
    if ms < 60_000 {
        let tenths = ms / 100;
        return if tenths.is_multiple_of(10) {
            format!("{} s", tenths / 10)
        } else {
            format!("{}.{} s", tenths / 10, tenths % 10)
        };
    }
    let seconds = ms / 1000;
    if seconds < 3600 {
        let (m, s) = (seconds / 60, seconds % 60);
        return if s == 0 {
            format!("{m} min")
        } else {
            format!("{m} min {s} s")
        };
    }
    let hours = seconds / 3600;
    if hours < 48 {
        let m = (seconds % 3600) / 60;
        return if m == 0 {
            format!("{hours} h")
        } else {
            format!("{hours} h {m} min")
        };
    }
    format!("{} d {} h", hours / 24, hours % 24)
}

#[cfg(test)]
mod tests;
