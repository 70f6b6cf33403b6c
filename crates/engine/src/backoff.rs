//! The wait before a retry (ASL-SEMANTICS.md §2): `IntervalSeconds × BackoffRate^n` for retry
//! number `n` (from 0), capped by `MaxDelaySeconds`, in whole milliseconds rounded down. FULL
//! jitter draws from `[0, wait]`; the engine applies it in `Simulation::retry_delay`, in the order
//! the scenario's assumptions choose. The page's delay tables call these same functions, so the
//! waits a table shows are the waits the engine takes.

use crate::scenario::MAX_LATENCY_MS;

/// `interval × rate^n` in milliseconds, before any cap (may be infinite for a large `n`).
pub fn backoff_ms(interval_ms: u64, backoff_rate: f64, n: u64) -> f64 {
    let exponent = n.min(i32::MAX as u64) as f64;
    interval_ms as f64 * libm::pow(backoff_rate, exponent)
}

/// `value` capped by `max_delay_ms` when there is one.
pub fn capped(value: f64, max_delay_ms: Option<u64>) -> f64 {
    max_delay_ms.map_or(value, |cap| value.min(cap as f64))
}

/// A wait in whole milliseconds: rounded down, at most [`MAX_LATENCY_MS`] (an overflowing
/// backoff waits the longest the engine waits, not zero), 0 for anything not positive.
pub fn whole_ms(value: f64) -> u64 {
    if value.is_finite() && value > 0.0 {
        (libm::floor(value) as u64).min(MAX_LATENCY_MS)
    } else if value.is_infinite() && value > 0.0 {
        MAX_LATENCY_MS
    } else {
        0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_grow_by_the_rate_and_stop_at_the_cap() {
        let waits: Vec<u64> = (0..5)
            .map(|n| whole_ms(capped(backoff_ms(1000, 2.0, n), Some(5000))))
            .collect();
        assert_eq!(waits, vec![1000, 2000, 4000, 5000, 5000]);
        assert_eq!(whole_ms(backoff_ms(1000, 1.5, 1)), 1500);
    }

    #[test]
    fn an_overflowing_backoff_waits_the_longest_not_zero() {
        let huge = backoff_ms(1000, 2.0, 5000);
        assert!(huge.is_infinite());
        assert_eq!(whole_ms(huge), MAX_LATENCY_MS);
        assert_eq!(whole_ms(capped(huge, Some(30_000))), 30_000);
        assert_eq!(whole_ms(f64::NAN), 0);
        assert_eq!(whole_ms(0.0 * huge), 0);
    }
}
