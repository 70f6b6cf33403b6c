//! CloudWatch's alarm rules on worked examples: the User Guide's missing-data tables row by
//! row, M of N, each `TreatMissingData`, each comparison, the first evaluation, and the reason
//! sentences against ones real alarms wrote.
//!
//! The tables are those of "How alarm state is evaluated when data is missing"
//! (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/alarms-and-missing-data.html;
//! the same text in awsdocs/amazon-cloudwatch-user-guide, doc_source/AlarmThatSendsEmail.md,
//! "Periodic Update 05/17/2023"), with two rows more from that page's earlier table
//! (`- - - - X`, `X - - - -`). A pattern is the evaluation range, oldest first: `0` a datapoint
//! within the threshold, `X` a breaching one, `-` missing.

use super::*;
use serde_json::json;

const T0: i64 = 1_704_067_200_000; // 2024-01-01T00:00:00Z

fn spec(m: u32, n: u32, treat: &str) -> AlarmSpec {
    parse_alarm(&json!({
        "AlarmName": "a", "Namespace": "AWS/States", "MetricName": "ExecutionsFailed",
        "Statistic": "Sum", "Period": 60, "EvaluationPeriods": n, "DatapointsToAlarm": m,
        "Threshold": 10, "ComparisonOperator": "GreaterThanThreshold", "TreatMissingData": treat
    }))
    .unwrap_or_else(|e| panic!("{e:?}"))
}

fn points(pattern: &str) -> Vec<Option<f64>> {
    pattern
        .split_whitespace()
        .map(|c| match c {
            "0" => Some(1.0),
            "X" => Some(20.0),
            _ => None,
        })
        .collect()
}

use AlarmState::{Alarm, InsufficientData as Insufficient, Ok as Good};

/// What a table cell says: a state, or "Retain current state".
#[derive(Debug, Clone, Copy, PartialEq)]
enum Cell {
    Is(AlarmState),
    Retain,
}
use Cell::{Is, Retain};

/// The state after evaluating `lead` then `range`, where `lead` is five periods that put the
/// alarm in a known state before the range (they are outside the last evaluation's range of
/// five, so only `range` decides it).
fn final_state(m: u32, treat: &str, lead: &str, range: &str) -> AlarmState {
    evaluate(&spec(m, 3, treat), T0, &points(&format!("{lead} {range}"))).final_state
}

fn check_table(m: u32, rows: &[(&str, Cell, Cell, Cell, Cell)]) {
    for (range, missing, ignore, breaching, not_breaching) in rows {
        for (treat, cell) in [
            ("missing", missing),
            ("ignore", ignore),
            ("breaching", breaching),
            ("notBreaching", not_breaching),
        ] {
            // From OK (five good datapoints) and from ALARM (five bad ones): a state cell is
            // reached from both, "retain" keeps each.
            for (lead, before) in [("0 0 0 0 0", Good), ("X X X X X", Alarm)] {
                let expected = match cell {
                    Is(state) => *state,
                    Retain => before,
                };
                assert_eq!(
                    final_state(m, treat, lead, range),
                    expected,
                    "{m} of 3, {treat}, `{range}` after `{lead}`"
                );
            }
        }
    }
}

#[test]
fn the_missing_data_table_for_3_of_3() {
    check_table(
        3,
        &[
            ("0 - X - X", Is(Good), Is(Good), Is(Good), Is(Good)),
            ("0 - - - -", Is(Good), Is(Good), Is(Good), Is(Good)),
            ("- - - - -", Is(Insufficient), Retain, Is(Alarm), Is(Good)),
            ("0 X X - X", Is(Alarm), Is(Alarm), Is(Alarm), Is(Alarm)),
            ("- - X - -", Is(Alarm), Retain, Is(Alarm), Is(Good)),
            // The earlier table's rows.
            ("- - - - X", Is(Insufficient), Retain, Is(Alarm), Is(Good)),
            ("X - - - -", Is(Alarm), Retain, Is(Alarm), Is(Good)),
        ],
    );
}

#[test]
fn the_missing_data_table_for_2_of_3() {
    check_table(
        2,
        &[
            ("0 - X - X", Is(Alarm), Is(Alarm), Is(Alarm), Is(Alarm)),
            ("0 0 X 0 X", Is(Alarm), Is(Alarm), Is(Alarm), Is(Alarm)),
            ("0 - X - -", Is(Good), Is(Good), Is(Alarm), Is(Good)),
            ("- - - - 0", Is(Good), Is(Good), Is(Alarm), Is(Good)),
            ("- - - X -", Is(Alarm), Retain, Is(Alarm), Is(Good)),
        ],
    );
}

#[test]
fn the_table_s_second_row_goes_to_alarm_once_the_good_datapoint_leaves_the_range() {
    // "The next time this alarm is evaluated, if the data is still missing it will go to
    // ALARM, as that non-breaching data point will no longer be in the evaluation range."
    let e = evaluate(
        &spec(3, 3, "breaching"),
        T0,
        &points("0 0 0 0 0 0 - - - - -"),
    );
    assert_eq!(e.states[9], Good);
    assert_eq!(e.final_state, Alarm);
}

#[test]
fn each_treatment_of_missing_data_after_real_data() {
    // Two good datapoints, then nothing: 1 of 1 alarm, range 3.
    let states = |treat: &str| evaluate(&spec(1, 1, treat), T0, &points("0 0 - - - -")).states;
    // Within the range the good datapoint still decides; then the treatment does.
    assert_eq!(
        states("missing"),
        vec![Good, Good, Good, Good, Insufficient, Insufficient]
    );
    assert_eq!(states("ignore"), vec![Good; 6]);
    assert_eq!(
        states("breaching"),
        vec![Good, Good, Good, Good, Alarm, Alarm]
    );
    assert_eq!(states("notBreaching"), vec![Good; 6]);
    // From ALARM, ignore keeps ALARM through the gap.
    let e = evaluate(&spec(1, 1, "ignore"), T0, &points("X - - - - -"));
    assert_eq!(e.states, vec![Alarm; 6]);
}

#[test]
fn enough_real_datapoints_in_the_range_make_the_treatment_irrelevant() {
    // 2 of 2, range 4: with two good datapoints still in the range, two missing ones are not
    // filled in even as breaching.
    let e = evaluate(&spec(2, 2, "breaching"), T0, &points("0 0 - -"));
    assert_eq!(e.final_state, Good);
    let e = evaluate(&spec(2, 2, "notBreaching"), T0, &points("X X - -"));
    assert_eq!(e.final_state, Alarm);
}

#[test]
fn m_of_n() {
    let e = evaluate(&spec(2, 3, "notBreaching"), T0, &points("X 0 X 0 0 X X"));
    // [X] and [X 0] fill in good datapoints: OK; [X 0 X] is 2 of 3: ALARM; [0 X 0]: OK;
    // [X 0 0]… [0 X X]: ALARM.
    assert_eq!(e.states, vec![Good, Good, Alarm, Good, Good, Good, Alarm]);
    let times: Vec<(i64, AlarmState)> = e
        .transitions
        .iter()
        .map(|t| ((t.at_ms - T0) / 60_000, t.to))
        .collect();
    assert_eq!(times, vec![(1, Good), (3, Alarm), (4, Good), (7, Alarm)]);
    assert_eq!(e.transitions[0].from, Insufficient);
    assert_eq!(e.final_state, Alarm);
}

#[test]
fn the_first_evaluation_leaves_insufficient_data() {
    assert_eq!(
        evaluate(&spec(1, 1, "missing"), T0, &points("0")).transitions[0].to,
        Good
    );
    assert_eq!(
        evaluate(&spec(1, 1, "missing"), T0, &points("X")).transitions[0].to,
        Alarm
    );
    let e = evaluate(&spec(1, 1, "missing"), T0, &points("- -"));
    assert!(
        e.transitions.is_empty(),
        "INSUFFICIENT_DATA to INSUFFICIENT_DATA is no change"
    );
    assert_eq!(e.states, vec![Insufficient, Insufficient]);
    assert_eq!(e.transitions.first().map(|t| t.from), None);
    assert!(evaluate(&spec(1, 1, "missing"), T0, &[]).states.is_empty());
}

#[test]
fn each_comparison() {
    let cases = [
        ("GreaterThanThreshold", 10.0, false),
        ("GreaterThanThreshold", 10.5, true),
        ("GreaterThanOrEqualToThreshold", 10.0, true),
        ("GreaterThanOrEqualToThreshold", 9.5, false),
        ("LessThanThreshold", 10.0, false),
        ("LessThanThreshold", 9.0, true),
        ("LessThanOrEqualToThreshold", 10.0, true),
        ("LessThanOrEqualToThreshold", 10.5, false),
    ];
    for (op, v, alarm) in cases {
        let s = parse_alarm(&json!({
            "AlarmName": "a", "Namespace": "N", "MetricName": "M", "Statistic": "Maximum",
            "Period": 60, "EvaluationPeriods": 1, "Threshold": 10, "ComparisonOperator": op
        }))
        .unwrap_or_else(|e| panic!("{e:?}"));
        let e = evaluate(&s, T0, &[Some(v)]);
        assert_eq!(e.final_state, if alarm { Alarm } else { Good }, "{op} {v}");
    }
}

const SEED: &str = r#"{"AlarmName": "HighFailureRate-DistributedMap", "Namespace": "AWS/States", "MetricName": "ExecutionsFailed", "Dimensions": [{"Name": "StateMachineArn", "Value": "arn:aws:states:us-east-1:123456789012:stateMachine:OrderProcessing"}], "Statistic": "Sum", "Period": 300, "EvaluationPeriods": 2, "Threshold": 10, "ComparisonOperator": "GreaterThanThreshold", "TreatMissingData": "notBreaching"}"#;

#[test]
fn the_seed_alarm_parses_and_fires_with_the_reasons_cloudwatch_writes() {
    let value: Value = serde_json::from_str(SEED).unwrap_or_else(|e| panic!("{e}"));
    let s = parse_alarm(&value).unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!(s.name, "HighFailureRate-DistributedMap");
    assert_eq!(
        (s.namespace.as_str(), s.metric_name.as_str()),
        ("AWS/States", "ExecutionsFailed")
    );
    assert_eq!(
        s.dimensions,
        vec![(
            "StateMachineArn".to_string(),
            "arn:aws:states:us-east-1:123456789012:stateMachine:OrderProcessing".to_string()
        )]
    );
    assert_eq!(s.statistic, Statistic::Sum);
    assert_eq!(
        (
            s.period_seconds,
            s.evaluation_periods,
            s.datapoints_to_alarm
        ),
        (300, 2, 2)
    );
    assert_eq!(
        (s.threshold, s.comparison),
        (10.0, Comparison::GreaterThanThreshold)
    );
    assert_eq!(s.treat_missing_data, TreatMissingData::NotBreaching);
    assert_eq!((s.description.as_deref(), s.unit.as_deref()), (None, None));

    // Periods from 2026-12-07T04:55:00Z: 3 at 04:55, 12 at 05:00, 15 at 05:05, 4 at 05:10.
    let first = 1_796_619_300_000;
    let e = evaluate(&s, first, &[Some(3.0), Some(12.0), Some(15.0), Some(4.0)]);
    assert_eq!(e.states, vec![Good, Good, Alarm, Good]);
    let moments: Vec<(String, &str, &str)> = e
        .transitions
        .iter()
        .map(|t| {
            (
                crate::time::rfc3339(t.at_ms),
                t.from.as_str(),
                t.to.as_str(),
            )
        })
        .collect();
    assert_eq!(
        moments,
        vec![
            (
                "2026-12-07T05:00:00Z".to_string(),
                "INSUFFICIENT_DATA",
                "OK"
            ),
            ("2026-12-07T05:10:00Z".to_string(), "OK", "ALARM"),
            ("2026-12-07T05:15:00Z".to_string(), "ALARM", "OK"),
        ]
    );
    let reasons: Vec<&str> = e.transitions.iter().map(|t| t.reason.as_str()).collect();
    assert_eq!(
        reasons,
        vec![
            // One real datapoint and one filled in as good.
            "Threshold Crossed: 1 out of the last 2 datapoints [3.0 (07/12/26 04:55:00)] was not greater than the threshold (10.0) and 1 missing datapoint was treated as [NonBreaching] (minimum 1 datapoint for ALARM -> OK transition).",
            "Threshold Crossed: 2 out of the last 2 datapoints [15.0 (07/12/26 05:05:00), 12.0 (07/12/26 05:00:00)] were greater than the threshold (10.0) (minimum 2 datapoints for OK -> ALARM transition).",
            "Threshold Crossed: 1 out of the last 2 datapoints [4.0 (07/12/26 05:10:00)] was not greater than the threshold (10.0) (minimum 1 datapoint for ALARM -> OK transition).",
        ]
    );
}

#[test]
fn reasons_match_ones_real_alarms_wrote() {
    // An SNS notification of 2018: "Threshold Crossed: 1 out of the last 1 datapoints
    // [99.7027322404378 (02/11/18 14:39:00)] was greater than or equal to the threshold (80.0)
    // (minimum 1 datapoint for OK -> ALARM transition)."
    let s = parse_alarm(&json!({
        "AlarmName": "cpu", "Namespace": "AWS/EC2", "MetricName": "CPUUtilization",
        "Statistic": "Average", "Period": 60, "EvaluationPeriods": 1, "Threshold": 80,
        "ComparisonOperator": "GreaterThanOrEqualToThreshold"
    }))
    .unwrap_or_else(|e| panic!("{e:?}"));
    let e = evaluate(&s, 1_541_169_480_000, &[Some(10.0), Some(99.7027322404378)]);
    assert_eq!(
        e.transitions[1].reason,
        "Threshold Crossed: 1 out of the last 1 datapoints [99.7027322404378 (02/11/18 14:39:00)] was greater than or equal to the threshold (80.0) (minimum 1 datapoint for OK -> ALARM transition)."
    );
    // An SNS notification of 2021, a 3 of 5 alarm going back to OK: "Threshold Crossed: 3 out
    // of the last 5 datapoints [0.0 (21/12/21 06:45:00), 0.0 (21/12/21 06:44:00), 0.0
    // (21/12/21 06:42:00)] were not greater than the threshold (0.0) (minimum 3 datapoints for
    // ALARM -> OK transition)."
    let s = parse_alarm(&json!({
        "AlarmName": "alerts", "Namespace": "N", "MetricName": "ActiveAlerts",
        "Statistic": "Maximum", "Period": 60, "EvaluationPeriods": 5, "DatapointsToAlarm": 3,
        "Threshold": 0, "ComparisonOperator": "GreaterThanThreshold"
    }))
    .unwrap_or_else(|e| panic!("{e:?}"));
    // 06:36 to 06:45.
    let values = [1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 0.0, 1.0, 0.0, 0.0].map(Some);
    let e = evaluate(&s, 1_640_068_560_000, &values);
    let last = e.transitions.last().map(|t| (t.to, t.reason.as_str()));
    assert_eq!(
        last,
        Some((
            Good,
            "Threshold Crossed: 3 out of the last 5 datapoints [0.0 (21/12/21 06:45:00), 0.0 (21/12/21 06:44:00), 0.0 (21/12/21 06:42:00)] were not greater than the threshold (0.0) (minimum 3 datapoints for ALARM -> OK transition)."
        ))
    );
    assert_eq!(
        e.transitions
            .last()
            .map(|t| crate::time::rfc3339(t.at_ms))
            .as_deref(),
        Some("2021-12-21T06:46:00Z")
    );
}

#[test]
fn reasons_for_missing_data() {
    let reason_of = |m: u32, n: u32, treat: &str, pattern: &str| {
        let e = evaluate(&spec(m, n, treat), T0, &points(pattern));
        e.transitions
            .last()
            .map(|t| t.reason.clone())
            .unwrap_or_default()
    };
    assert_eq!(
        reason_of(2, 2, "breaching", "- -"),
        "Threshold Crossed: no datapoints were received for 2 periods and 2 missing datapoints were treated as [Breaching]."
    );
    assert_eq!(
        reason_of(1, 1, "notBreaching", "X - - -"),
        "Threshold Crossed: no datapoints were received for 1 period and 1 missing datapoint was treated as [NonBreaching]."
    );
    assert_eq!(
        reason_of(2, 2, "missing", "0 - - - -"),
        "Insufficient Data: 2 datapoints were unknown."
    );
    assert_eq!(
        reason_of(1, 1, "missing", "0 - - -"),
        "Insufficient Data: 1 datapoint was unknown."
    );
    // Too few datapoints, all breaching, the oldest too recent for a premature alarm.
    assert_eq!(
        reason_of(3, 3, "missing", "0 0 0 0 0 - - - - X"),
        "Insufficient Data: 2 datapoints were unknown."
    );
    // ALARM from filled-in datapoints alone: no real datapoint breaches to be listed.
    assert_eq!(
        reason_of(2, 3, "breaching", "0 0 0 0 0 - - - - 0"),
        "Threshold Crossed: 1 datapoint was received for 3 periods and 2 missing datapoints were treated as [Breaching]."
    );
    // Real breaching datapoints and filled ones together.
    assert_eq!(
        reason_of(3, 3, "breaching", "0 0 0 0 0 - - X - -"),
        "Threshold Crossed: 1 out of the last 3 datapoints [20.0 (01/01/24 00:07:00)] was greater than the threshold (10.0) and 2 missing datapoints were treated as [Breaching] (minimum 3 datapoints for OK -> ALARM transition)."
    );
}

#[test]
fn numbers_are_written_as_java_writes_them() {
    let cases = [
        (10.0, "10.0"),
        (0.0, "0.0"),
        (-3.0, "-3.0"),
        (12.5, "12.5"),
        (99.7027322404378, "99.7027322404378"),
        (0.05164275070031484, "0.05164275070031484"),
        (0.001, "0.001"),
        (0.0001, "1.0E-4"),
        (9_999_999.0, "9999999.0"),
        (10_000_000.0, "1.0E7"),
        (12_345_678.9, "1.23456789E7"),
    ];
    for (value, text) in cases {
        assert_eq!(reason_number(value), text, "{value}");
    }
}

fn problems(value: serde_json::Value) -> Vec<(String, String)> {
    match parse_alarm(&value) {
        Ok(_) => Vec::new(),
        Err(e) => e.into_iter().map(|p| (p.pointer, p.message)).collect(),
    }
}

#[test]
fn bad_alarms_say_where() {
    let base = json!({
        "AlarmName": "a", "Namespace": "N", "MetricName": "M", "Statistic": "Sum",
        "Period": 60, "EvaluationPeriods": 2, "Threshold": 1, "ComparisonOperator": "GreaterThanThreshold"
    });
    let with = |key: &str, v: serde_json::Value| {
        let mut o = base.clone();
        o[key] = v;
        problems(o)
    };
    let pointer_of = |key: &str, v: serde_json::Value| with(key, v).first().map(|p| p.0.clone());
    assert!(problems(base.clone()).is_empty());
    for period in [1, 5, 10, 20, 30, 60, 300, 3600] {
        assert!(with("Period", json!(period)).is_empty(), "Period {period}");
    }
    for period in [0, 7, 15, 90, 301] {
        assert_eq!(
            pointer_of("Period", json!(period)).as_deref(),
            Some("/Period"),
            "Period {period}"
        );
    }
    assert_eq!(
        pointer_of("Period", json!("60")).as_deref(),
        Some("/Period")
    );
    assert_eq!(
        with("DatapointsToAlarm", json!(3)),
        vec![(
            "/DatapointsToAlarm".into(),
            "EvaluationPeriods (2) must be at least DatapointsToAlarm (3)".into()
        )]
    );
    assert_eq!(
        pointer_of("DatapointsToAlarm", json!(0)).as_deref(),
        Some("/DatapointsToAlarm")
    );
    assert_eq!(
        pointer_of("EvaluationPeriods", json!(0)).as_deref(),
        Some("/EvaluationPeriods")
    );
    let bad_op = with("ComparisonOperator", json!("GreaterThan"));
    assert_eq!(bad_op[0].0, "/ComparisonOperator");
    assert!(bad_op[0].1.contains("must be GreaterThanThreshold, GreaterThanOrEqualToThreshold, LessThanThreshold or LessThanOrEqualToThreshold"));
    for op in [
        "LessThanLowerOrGreaterThanUpperThreshold",
        "LessThanLowerThreshold",
        "GreaterThanUpperThreshold",
    ] {
        assert_eq!(
            with("ComparisonOperator", json!(op)),
            vec![(
                "/ComparisonOperator".into(),
                format!("{op} needs an anomaly detection band (ThresholdMetricId), which mapsim does not model")
            )]
        );
    }
    assert_eq!(
        pointer_of("TreatMissingData", json!("skip")).as_deref(),
        Some("/TreatMissingData")
    );
    assert_eq!(
        pointer_of("Statistic", json!("p99")).as_deref(),
        Some("/Statistic")
    );
    assert_eq!(
        pointer_of("Threshold", json!("ten")).as_deref(),
        Some("/Threshold")
    );
    let unknown = with("Colour", json!("red"));
    assert_eq!(unknown[0].0, "/Colour");
    assert!(
        unknown[0].1.contains("AlarmName") && unknown[0].1.contains("AlarmActions"),
        "{}",
        unknown[0].1
    );
    let metrics = with("Metrics", json!([{"Id": "m1", "Expression": "m2 * 2"}]));
    assert_eq!(metrics[0].0, "/Metrics");
    assert!(metrics[0].1.contains("metric math"), "{}", metrics[0].1);
    // Period × EvaluationPeriods: one day below an hour's period, seven days from an hour.
    assert!(
        with("EvaluationPeriods", json!(1440)).is_empty(),
        "60 s × 1440 is one day"
    );
    assert_eq!(
        pointer_of("EvaluationPeriods", json!(1441)).as_deref(),
        Some("/EvaluationPeriods")
    );
    let mut hourly = base.clone();
    hourly["Period"] = json!(3600);
    hourly["EvaluationPeriods"] = json!(168);
    assert!(
        problems(hourly.clone()).is_empty(),
        "3600 s × 168 is seven days"
    );
    hourly["EvaluationPeriods"] = json!(169);
    assert_eq!(problems(hourly)[0].0, "/EvaluationPeriods");
    // PutMetricAlarm's other fields are accepted and change nothing.
    let mut full = base.clone();
    for (key, v) in [
        ("ActionsEnabled", json!(true)),
        ("AlarmActions", json!(["arn:aws:sns:us-east-1:1:t"])),
        ("OKActions", json!([])),
        ("InsufficientDataActions", json!([])),
        ("AlarmDescription", json!("why")),
        ("Tags", json!([{"Key": "team", "Value": "x"}])),
        ("EvaluateLowSampleCountPercentile", json!("ignore")),
        ("Unit", json!("Count")),
    ] {
        full[key] = v;
    }
    let parsed = parse_alarm(&full).unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!(
        (parsed.description.as_deref(), parsed.unit.as_deref()),
        (Some("why"), Some("Count"))
    );
    // ExtendedStatistic instead of Statistic; both, or neither, is an error.
    let mut extended = base.clone();
    extended.as_object_mut().map(|o| o.remove("Statistic"));
    extended["ExtendedStatistic"] = json!("p99.9");
    assert_eq!(
        parse_alarm(&extended).map(|s| s.statistic),
        Ok(Statistic::Percentile(99.9))
    );
    extended["ExtendedStatistic"] = json!("Sum");
    assert_eq!(problems(extended.clone())[0].0, "/ExtendedStatistic");
    let mut both = base.clone();
    both["ExtendedStatistic"] = json!("p99");
    assert_eq!(problems(both)[0].0, "/ExtendedStatistic");
    let mut neither = base.clone();
    neither.as_object_mut().map(|o| o.remove("Statistic"));
    assert_eq!(problems(neither)[0].0, "");
    let mut dims = base.clone();
    dims["Dimensions"] = json!([{"Name": "A", "Value": "1"}, {"Name": "B"}]);
    assert_eq!(problems(dims)[0].0, "/Dimensions/1");
    assert_eq!(problems(json!([]))[0].0, "");
}

#[test]
fn every_problem_at_once() {
    let found = problems(
        json!({"Namespace": 3, "Period": 90, "EvaluationPeriods": 0, "Threshold": "x", "Extra": 1}),
    );
    let pointers: Vec<&str> = found.iter().map(|p| p.0.as_str()).collect();
    for expected in [
        "/Extra",
        "",
        "/Namespace",
        "/Period",
        "/EvaluationPeriods",
        "/Threshold",
    ] {
        assert!(pointers.contains(&expected), "{expected} in {pointers:?}");
    }
    let messages: Vec<&str> = found.iter().map(|p| p.1.as_str()).collect();
    for field in ["AlarmName", "MetricName", "ComparisonOperator", "Statistic"] {
        assert!(
            messages
                .iter()
                .any(|m| m.contains(&format!("has no {field}"))),
            "{field} in {messages:?}"
        );
    }
}
