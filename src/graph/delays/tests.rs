//! Tests of the delay table: the ASL-SEMANTICS §2 formula on hand-checked cases, and agreement
//! with the waits the engine really takes.

use super::*;
use engine::report::TimelineKind;
use engine::sim::{SimOptions, Simulation};

fn retrier(
    interval_seconds: u64,
    max_attempts: u64,
    backoff_rate: f64,
    max_delay_seconds: Option<u64>,
    jitter: Jitter,
) -> Retrier {
    Retrier {
        pointer: "/States/Work/Retry/0".into(),
        error_equals: vec!["States.ALL".into()],
        interval_seconds,
        max_attempts,
        backoff_rate,
        max_delay_seconds,
        jitter,
        comment: None,
    }
}

#[test]
fn waits_grow_by_the_backoff_rate_and_stop_at_the_cap() {
    // The order-processing example's retrier: 2 s × 2^n, at most 30 s, FULL jitter.
    let plan = delay_plan(&retrier(2, 6, 2.0, Some(30), Jitter::Full));
    let waits: Vec<u64> = plan.rows.iter().map(|r| r.wait_ms).collect();
    assert_eq!(waits, vec![2000, 4000, 8000, 16000, 30000, 30000]);
    let backoffs: Vec<u64> = plan.rows.iter().map(|r| r.backoff_ms).collect();
    assert_eq!(backoffs, vec![2000, 4000, 8000, 16000, 32000, 64000]);
    let capped: Vec<bool> = plan.rows.iter().map(|r| r.capped).collect();
    assert_eq!(capped, vec![false, false, false, false, true, true]);
    let bands: Vec<Option<(u64, u64)>> = plan.rows.iter().map(|r| r.jitter_band).collect();
    assert_eq!(bands[4], Some((0, 30000)));
    let cumulative: Vec<u64> = plan.rows.iter().map(|r| r.cumulative_ms).collect();
    assert_eq!(cumulative, vec![2000, 6000, 14000, 30000, 60000, 90000]);
    assert_eq!(plan.total_worst_ms, 90000);
    assert!(plan.total_complete && !plan.truncated() && !plan.never_retried());
}

#[test]
fn the_defaults_and_fractional_rates() {
    // IntervalSeconds 1, MaxAttempts 3, BackoffRate 2 (the ASL defaults), no jitter.
    let plan = delay_plan(&retrier(1, 3, 2.0, None, Jitter::None));
    let waits: Vec<u64> = plan.rows.iter().map(|r| r.wait_ms).collect();
    assert_eq!(waits, vec![1000, 2000, 4000]);
    assert!(plan
        .rows
        .iter()
        .all(|r| r.jitter_band.is_none() && !r.capped));
    // The recorded TestState case: Interval 1, Rate 2, retry count 4 → 16 s.
    assert_eq!(
        wait_ms(&retrier(1, 10, 2.0, None, Jitter::None), 4).1,
        16_000
    );
    // Whole milliseconds, rounded down: 1.5^3 s = 3.375 s; 1.7^3 is 4.912999… in binary
    // floating point, so 4,912 ms — what the engine waits too (see below).
    let waits: Vec<u64> = delay_plan(&retrier(1, 4, 1.5, None, Jitter::None))
        .rows
        .iter()
        .map(|r| r.wait_ms)
        .collect();
    assert_eq!(waits, vec![1000, 1500, 2250, 3375]);
    assert_eq!(wait_ms(&retrier(1, 4, 1.7, None, Jitter::None), 3).1, 4912);
}

#[test]
fn max_attempts_zero_means_no_retry() {
    let plan = delay_plan(&retrier(5, 0, 2.0, None, Jitter::Full));
    assert!(plan.never_retried());
    assert!(plan.rows.is_empty());
    assert_eq!(plan.total_worst_ms, 0);
}

#[test]
fn huge_max_attempts_are_summed_without_stepping_through_each() {
    // Capped from the 6th retry on: 99,999,998 retries, in closed form.
    let plan = delay_plan(&retrier(1, 99_999_998, 2.0, Some(60), Jitter::None));
    assert_eq!(plan.rows.len(), MAX_ROWS);
    assert!(plan.truncated() && plan.total_complete);
    // 1, 2, 4, 8, 16 and 32 s, then 60 s (2^6 = 64 s capped) for every other retry.
    let expected = (1000 + 2000 + 4000 + 8000 + 16000 + 32000) + 60_000 * (99_999_998 - 6);
    assert_eq!(plan.total_worst_ms, expected);
    // A rate of exactly 1 is constant.
    let flat = delay_plan(&retrier(3, 10_000_000, 1.0, None, Jitter::None));
    assert_eq!(flat.total_worst_ms, 3000 * 10_000_000);
    // Without a cap the waits reach the engine's limit and stay there.
    let wild = delay_plan(&retrier(1, 1_000, 10.0, None, Jitter::None));
    assert_eq!(wild.rows.last().map(|r| r.wait_ms), Some(MAX_LATENCY_MS));
    assert!(wild.total_complete);
}

#[test]
fn durations_read_naturally() {
    let cases = [
        (0, "0 ms"),
        (750, "750 ms"),
        (2000, "2 s"),
        (1500, "1.5 s"),
        (256_000, "4 min 16 s"),
        (120_000, "2 min"),
        (7_500_000, "2 h 5 min"),
        (3 * 86_400_000 + 3_600_000, "3 d 1 h"),
    ];
    for (ms, text) in cases {
        assert_eq!(duration_text(ms), text, "{ms}");
    }
}

/// Runs a Task that always fails with `Lambda.ServiceException` under `retry` and returns the
/// waits the engine took before each retry.
fn engine_waits(retry: &str) -> Vec<u64> {
    let definition = format!(
        r#"{{"StartAt": "Work", "States": {{"Work": {{"Type": "Task",
            "Resource": "arn:aws:lambda:us-east-1:123456789012:function:work",
            "Retry": [{retry}], "End": true}}}}}}"#
    );
    let loaded = asl::load(&definition, &asl::LoadOptions::default());
    let Some(model) = loaded.runnable() else {
        panic!("{:?}", loaded.diagnostics);
    };
    let scenario = engine::scenario::parse(
        r#"{"seed": 11, "tasks": {"Work": {"latency": {"fixed_ms": 100},
            "faults": [{"error": "Lambda.ServiceException", "cause": "down", "probability": 1.0}]}}}"#,
    );
    let Ok(scenario) = scenario else {
        panic!("bad scenario");
    };
    let options = SimOptions {
        parent_timeline: true,
        ..SimOptions::default()
    };
    let Ok(mut sim) = Simulation::new(model, &scenario, options) else {
        panic!("cannot simulate");
    };
    sim.run();
    sim.parent_timeline()
        .iter()
        .filter_map(|entry| match entry.kind {
            TimelineKind::Retry { delay_ms, .. } => Some(delay_ms),
            _ => None,
        })
        .collect()
}

fn model_retrier(retry: &str) -> Retrier {
    let definition = format!(
        r#"{{"StartAt": "Work", "States": {{"Work": {{"Type": "Task",
            "Resource": "arn:aws:lambda:us-east-1:123456789012:function:work",
            "Retry": [{retry}], "End": true}}}}}}"#
    );
    let loaded = asl::load(&definition, &asl::LoadOptions::default());
    let Some(model) = loaded.runnable() else {
        panic!("{:?}", loaded.diagnostics);
    };
    model.states[0].retry()[0].clone()
}

#[test]
fn the_engine_waits_exactly_what_the_table_says() {
    let cases = [
        r#"{"ErrorEquals": ["States.ALL"], "IntervalSeconds": 2, "MaxAttempts": 6, "BackoffRate": 2, "MaxDelaySeconds": 30}"#,
        r#"{"ErrorEquals": ["States.ALL"], "IntervalSeconds": 1, "MaxAttempts": 5, "BackoffRate": 1.7}"#,
        r#"{"ErrorEquals": ["States.ALL"], "IntervalSeconds": 3, "MaxAttempts": 4, "BackoffRate": 1}"#,
        r#"{"ErrorEquals": ["States.ALL"]}"#,
    ];
    for retry in cases {
        let table: Vec<u64> = delay_plan(&model_retrier(retry))
            .rows
            .iter()
            .map(|r| r.wait_ms)
            .collect();
        assert_eq!(engine_waits(retry), table, "{retry}");
    }
}

#[test]
fn with_full_jitter_the_engine_stays_inside_the_band() {
    let retry = r#"{"ErrorEquals": ["States.ALL"], "IntervalSeconds": 2, "MaxAttempts": 8, "BackoffRate": 2, "MaxDelaySeconds": 20, "JitterStrategy": "FULL"}"#;
    let plan = delay_plan(&model_retrier(retry));
    let waits = engine_waits(retry);
    assert_eq!(waits.len(), plan.rows.len());
    for (wait, row) in waits.iter().zip(&plan.rows) {
        let Some((low, high)) = row.jitter_band else {
            panic!("FULL jitter has a band");
        };
        assert!(
            (low..=high).contains(wait),
            "{wait} outside [{low}, {high}]"
        );
    }
    // The draws are not all at the top of the band (they are random).
    assert!(waits.iter().zip(&plan.rows).any(|(w, r)| *w < r.wait_ms));
}
