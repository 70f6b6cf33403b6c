//! `PutMetricAlarm` documents and how CloudWatch evaluates them.
//!
//! The evaluation follows the CloudWatch User Guide ("Evaluating an alarm", "How alarm state
//! is evaluated when data is missing", "Avoiding premature transitions to alarm state"); the
//! rules, and the choices mapsim makes where the guide is silent, are on [`evaluate`]. The
//! alarm starts `INSUFFICIENT_DATA` and is evaluated at the end of every period.
//!
//! A state change carries CloudWatch's `StateReason` sentence, worded as real alarms word it
//! (`Threshold Crossed: 2 out of the last 2 datapoints [15.0 (07/12/26 05:05:00), 12.0
//! (07/12/26 05:00:00)] were greater than the threshold (10.0) (minimum 2 datapoints for OK ->
//! ALARM transition).`): the datapoints on the side the state went to, newest first, each with
//! its period's start, numbers as Java writes them.
//!
//! The wording is taken from reasons real alarms wrote (SNS notifications and
//! `DescribeAlarms` output quoted in public repositories); where none was found, a choice:
//! - an `ALARM` reason always says `OK -> ALARM` and an `OK` reason `ALARM -> OK`, whatever
//!   the state left (INSUFFICIENT_DATA included), and the `OK` minimum is N − M + 1, as in
//!   `3 out of the last 5 … (minimum 3 datapoints for ALARM -> OK transition)` of a 3 of 5
//!   alarm;
//! - datapoints filled in add ` and 19 missing datapoints were treated as [NonBreaching]`
//!   before the minimum, as real reasons do; when no real datapoint is on the side the state
//!   went to, the reason is `1 datapoint was received for 3 periods and 2 missing datapoints
//!   were treated as [Breaching].` (a fragment quoted from a real reason, completed here);
//! - a premature alarm (see [`evaluate`]) is written like any other `ALARM`;
//! - `Insufficient Data: K datapoints were unknown.` counts the datapoints of the N that were
//!   missing;
//! - some real alarms write a shorter form (`Threshold Crossed: 1 datapoint [2850.0 (…)] was
//!   not greater than the threshold (3000.0).`), seemingly when `DatapointsToAlarm` was not
//!   given; mapsim writes the `out of the last` form always.

use serde::Serialize;
use serde_json::Value;

use crate::stats::Statistic;
use crate::time::reason_time;
use crate::SpecError;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum AlarmState {
    InsufficientData,
    Ok,
    Alarm,
}

impl AlarmState {
    pub fn as_str(self) -> &'static str {
        match self {
            AlarmState::InsufficientData => "INSUFFICIENT_DATA",
            AlarmState::Ok => "OK",
            AlarmState::Alarm => "ALARM",
        }
    }
}

/// The four static-threshold comparisons.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Comparison {
    GreaterThanThreshold,
    GreaterThanOrEqualToThreshold,
    LessThanThreshold,
    LessThanOrEqualToThreshold,
}

impl Comparison {
    pub fn breaches(self, value: f64, threshold: f64) -> bool {
        match self {
            Comparison::GreaterThanThreshold => value > threshold,
            Comparison::GreaterThanOrEqualToThreshold => value >= threshold,
            Comparison::LessThanThreshold => value < threshold,
            Comparison::LessThanOrEqualToThreshold => value <= threshold,
        }
    }

    /// The words of the reason sentence (`greater than`, `less than or equal to`).
    pub fn words(self) -> &'static str {
        match self {
            Comparison::GreaterThanThreshold => "greater than",
            Comparison::GreaterThanOrEqualToThreshold => "greater than or equal to",
            Comparison::LessThanThreshold => "less than",
            Comparison::LessThanOrEqualToThreshold => "less than or equal to",
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Comparison::GreaterThanThreshold => "GreaterThanThreshold",
            Comparison::GreaterThanOrEqualToThreshold => "GreaterThanOrEqualToThreshold",
            Comparison::LessThanThreshold => "LessThanThreshold",
            Comparison::LessThanOrEqualToThreshold => "LessThanOrEqualToThreshold",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum TreatMissingData {
    Missing,
    NotBreaching,
    Breaching,
    Ignore,
}

/// A `PutMetricAlarm` document, checked.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AlarmSpec {
    pub name: String,
    pub description: Option<String>,
    pub namespace: String,
    pub metric_name: String,
    /// In the document's order.
    pub dimensions: Vec<(String, String)>,
    /// From `Statistic` or `ExtendedStatistic`.
    pub statistic: Statistic,
    pub period_seconds: u64,
    pub evaluation_periods: u32,
    /// Defaults to `EvaluationPeriods`.
    pub datapoints_to_alarm: u32,
    pub threshold: f64,
    pub comparison: Comparison,
    /// Defaults to `missing`.
    pub treat_missing_data: TreatMissingData,
    pub unit: Option<String>,
}

/// The fields `PutMetricAlarm` takes that mapsim reads.
const READ: &[&str] = &[
    "AlarmName",
    "AlarmDescription",
    "Namespace",
    "MetricName",
    "Dimensions",
    "Statistic",
    "ExtendedStatistic",
    "Period",
    "EvaluationPeriods",
    "DatapointsToAlarm",
    "Threshold",
    "ComparisonOperator",
    "TreatMissingData",
    "Unit",
];

/// `PutMetricAlarm`'s fields that change nothing in a simulation: accepted and left alone.
const IGNORED: &[&str] = &[
    "ActionsEnabled",
    "AlarmActions",
    "OKActions",
    "InsufficientDataActions",
    "Tags",
    "EvaluateLowSampleCountPercentile",
];

/// The longest evaluation range CloudWatch accepts: `Period × EvaluationPeriods` up to one
/// day, or up to seven days for periods of an hour or more (PutMetricAlarm's reference).
fn max_range_seconds(period: u64) -> u64 {
    if period >= 3600 {
        7 * 86_400
    } else {
        86_400
    }
}

/// Whether a period is allowed: 10, 20, 30 or a multiple of 60 s, as `PutMetricAlarm` takes
/// them (its reference: "Valid values are 10, 20, 30, and any multiple of 60",
/// <https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html>),
/// and also 1 and 5 s, which mapsim allows as high resolution: its metrics are exact at any
/// resolution, and a short period shows a short simulated run.
pub fn period_allowed(seconds: u64) -> bool {
    matches!(seconds, 1 | 5 | 10 | 20 | 30) || (seconds > 0 && seconds.is_multiple_of(60))
}

struct Reader {
    errors: Vec<SpecError>,
}

impl Reader {
    fn error(&mut self, pointer: &str, message: impl Into<String>) {
        self.errors.push(SpecError {
            pointer: pointer.to_string(),
            message: message.into(),
        });
    }

    fn text(
        &mut self,
        map: &serde_json::Map<String, Value>,
        key: &str,
        required: bool,
    ) -> Option<String> {
        match map.get(key) {
            Some(Value::String(s)) if !s.is_empty() => Some(s.clone()),
            Some(Value::String(_)) => {
                self.error(&format!("/{key}"), format!("{key} is empty"));
                None
            }
            Some(other) => {
                self.error(
                    &format!("/{key}"),
                    format!("{key} must be a string, not {}", kind(other)),
                );
                None
            }
            None => {
                if required {
                    self.error("", format!("the alarm has no {key}"));
                }
                None
            }
        }
    }

    fn whole(
        &mut self,
        map: &serde_json::Map<String, Value>,
        key: &str,
        required: bool,
    ) -> Option<u64> {
        match map.get(key) {
            Some(v) => match v.as_u64() {
                Some(n) => Some(n),
                None => {
                    self.error(
                        &format!("/{key}"),
                        format!("{key} must be a whole number of at least 1, not {v}"),
                    );
                    None
                }
            },
            None => {
                if required {
                    self.error("", format!("the alarm has no {key}"));
                }
                None
            }
        }
    }
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// Reads a `PutMetricAlarm` document; every problem at once, each at its pointer.
pub fn parse_alarm(value: &Value) -> Result<AlarmSpec, Vec<SpecError>> {
    let mut r = Reader { errors: Vec::new() };
    let Value::Object(map) = value else {
        return Err(vec![SpecError {
            pointer: String::new(),
            message: format!(
                "an alarm must be an object of PutMetricAlarm's fields, not {}",
                kind(value)
            ),
        }]);
    };
    for key in map.keys() {
        if key == "Metrics" {
            r.error(
                "/Metrics",
                "metric math alarms (Metrics) are not modelled by mapsim: name one metric with Namespace, MetricName and Dimensions",
            );
        } else if key == "ThresholdMetricId" {
            r.error(
                "/ThresholdMetricId",
                "anomaly detection bands (ThresholdMetricId) are not modelled by mapsim",
            );
        } else if !READ.contains(&key.as_str()) && !IGNORED.contains(&key.as_str()) {
            r.error(
                &format!("/{}", key.replace('~', "~0").replace('/', "~1")),
                format!(
                    "PutMetricAlarm has no field `{key}`; the known fields are {}",
                    READ.iter()
                        .chain(IGNORED)
                        .copied()
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            );
        }
    }
    let name = r.text(map, "AlarmName", true);
    let description = r.text(map, "AlarmDescription", false);
    let namespace = r.text(map, "Namespace", true);
    let metric_name = r.text(map, "MetricName", true);
    let unit = r.text(map, "Unit", false);
    let mut dimensions = Vec::new();
    match map.get("Dimensions") {
        None => {}
        Some(Value::Array(list)) => {
            for (i, d) in list.iter().enumerate() {
                let p = format!("/Dimensions/{i}");
                let name = d.get("Name").and_then(Value::as_str);
                let value = d.get("Value").and_then(Value::as_str);
                match (name, value) {
                    (Some(n), Some(v)) => dimensions.push((n.to_string(), v.to_string())),
                    _ => r.error(
                        &p,
                        "a dimension is {\"Name\": \"…\", \"Value\": \"…\"} with two strings",
                    ),
                }
            }
        }
        Some(other) => r.error(
            "/Dimensions",
            format!(
                "Dimensions must be an array of {{\"Name\", \"Value\"}} objects, not {}",
                kind(other)
            ),
        ),
    }
    let statistic = match (map.get("Statistic"), map.get("ExtendedStatistic")) {
        (Some(_), Some(_)) => {
            r.error(
                "/ExtendedStatistic",
                "give either Statistic or ExtendedStatistic, not both",
            );
            None
        }
        (None, None) => {
            r.error("", "the alarm has no Statistic (or ExtendedStatistic)");
            None
        }
        (Some(v), None) => match v.as_str().and_then(Statistic::parse) {
            Some(s) if !s.is_extended() => Some(s),
            _ => {
                r.error(
                    "/Statistic",
                    format!("Statistic must be SampleCount, Average, Sum, Minimum or Maximum, not {v} (percentiles go in ExtendedStatistic)"),
                );
                None
            }
        },
        (None, Some(v)) => match v.as_str().and_then(Statistic::parse) {
            Some(s) if s.is_extended() => Some(s),
            _ => {
                r.error(
                    "/ExtendedStatistic",
                    format!("ExtendedStatistic must be a percentile from p0 to p100 such as \"p99\", not {v}"),
                );
                None
            }
        },
    };
    let period = r.whole(map, "Period", true);
    if let Some(p) = period {
        if !period_allowed(p) {
            r.error(
                "/Period",
                format!("Period must be 10, 20, 30 or a multiple of 60 seconds (mapsim also takes 1 and 5), not {p}"),
            );
        }
    }
    let evaluation = r.whole(map, "EvaluationPeriods", true);
    let datapoints = r.whole(map, "DatapointsToAlarm", false);
    if evaluation == Some(0) {
        r.error("/EvaluationPeriods", "EvaluationPeriods must be at least 1");
    }
    if datapoints == Some(0) {
        r.error("/DatapointsToAlarm", "DatapointsToAlarm must be at least 1");
    }
    if let (Some(n), Some(m)) = (evaluation, datapoints) {
        if m > n {
            r.error(
                "/DatapointsToAlarm",
                format!("EvaluationPeriods ({n}) must be at least DatapointsToAlarm ({m})"),
            );
        }
    }
    if let (Some(p), Some(n)) = (period, evaluation) {
        let limit = max_range_seconds(p);
        if p.saturating_mul(n) > limit {
            r.error(
                "/EvaluationPeriods",
                format!(
                    "Period × EvaluationPeriods is {} s; CloudWatch evaluates at most {limit} s ({} for periods of an hour or more)",
                    p.saturating_mul(n),
                    if p >= 3600 { "7 days" } else { "1 day; 7 days" }
                ),
            );
        }
    }
    let threshold = match map.get("Threshold") {
        Some(v) => match v.as_f64() {
            Some(t) => Some(t),
            None => {
                r.error("/Threshold", format!("Threshold must be a number, not {v}"));
                None
            }
        },
        None => {
            r.error("", "the alarm has no Threshold");
            None
        }
    };
    let comparison = match map.get("ComparisonOperator").and_then(Value::as_str) {
        Some("GreaterThanThreshold") => Some(Comparison::GreaterThanThreshold),
        Some("GreaterThanOrEqualToThreshold") => Some(Comparison::GreaterThanOrEqualToThreshold),
        Some("LessThanThreshold") => Some(Comparison::LessThanThreshold),
        Some("LessThanOrEqualToThreshold") => Some(Comparison::LessThanOrEqualToThreshold),
        Some(
            op @ ("LessThanLowerOrGreaterThanUpperThreshold"
            | "LessThanLowerThreshold"
            | "GreaterThanUpperThreshold"),
        ) => {
            r.error(
                "/ComparisonOperator",
                format!("{op} needs an anomaly detection band (ThresholdMetricId), which mapsim does not model"),
            );
            None
        }
        _ => {
            match map.get("ComparisonOperator") {
                None => r.error("", "the alarm has no ComparisonOperator"),
                Some(v) => r.error(
                    "/ComparisonOperator",
                    format!("ComparisonOperator must be GreaterThanThreshold, GreaterThanOrEqualToThreshold, LessThanThreshold or LessThanOrEqualToThreshold, not {v}"),
                ),
            }
            None
        }
    };
    let treat = match map.get("TreatMissingData") {
        None => Some(TreatMissingData::Missing),
        Some(v) => match v.as_str() {
            Some("missing") => Some(TreatMissingData::Missing),
            Some("notBreaching") => Some(TreatMissingData::NotBreaching),
            Some("breaching") => Some(TreatMissingData::Breaching),
            Some("ignore") => Some(TreatMissingData::Ignore),
            _ => {
                r.error(
                    "/TreatMissingData",
                    format!("TreatMissingData must be missing, notBreaching, breaching or ignore, not {v}"),
                );
                None
            }
        },
    };
    if !r.errors.is_empty() {
        return Err(r.errors);
    }
    match (
        name,
        namespace,
        metric_name,
        statistic,
        period,
        evaluation,
        threshold,
        comparison,
        treat,
    ) {
        (
            Some(name),
            Some(namespace),
            Some(metric_name),
            Some(statistic),
            Some(period),
            Some(n),
            Some(threshold),
            Some(comparison),
            Some(treat),
        ) => {
            let n = n.min(u64::from(u32::MAX)) as u32;
            Ok(AlarmSpec {
                name,
                description,
                namespace,
                metric_name,
                dimensions,
                statistic,
                period_seconds: period,
                evaluation_periods: n,
                datapoints_to_alarm: datapoints.map_or(n, |m| m.min(u64::from(n)) as u32),
                threshold,
                comparison,
                treat_missing_data: treat,
                unit,
            })
        }
        _ => Err(vec![SpecError {
            pointer: String::new(),
            message: "the alarm is incomplete".into(),
        }]),
    }
}

/// A state change of an alarm.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Transition {
    /// Epoch ms of the evaluation: the end of the period that decided it.
    pub at_ms: i64,
    pub from: AlarmState,
    pub to: AlarmState,
    /// CloudWatch's `StateReason` sentence.
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Evaluation {
    pub transitions: Vec<Transition>,
    pub final_state: AlarmState,
    /// The state after each evaluation, one per period.
    pub states: Vec<AlarmState>,
}

/// How many periods CloudWatch retrieves for an alarm of `evaluation_periods` periods: its
/// *evaluation range*. The User Guide says only that it is more than `EvaluationPeriods`,
/// that the exact number "depends on the length of the alarm period and whether it is based
/// on a metric with standard resolution or high resolution", and works its examples with a
/// range of 5 for 3 evaluation periods. mapsim takes `EvaluationPeriods + 2` for every
/// period (a choice, said here), which gives that 5.
pub fn evaluation_range(evaluation_periods: u32) -> usize {
    evaluation_periods.max(1) as usize + 2
}

/// A value as a reason writes it: Java's `Double.toString` (`10.0`, `99.7027322404378`,
/// `1.0E7`, `1.0E-4`), which CloudWatch's own sentences show.
pub fn reason_number(value: f64) -> String {
    if !value.is_finite() {
        return if value.is_nan() {
            "NaN".into()
        } else if value > 0.0 {
            "Infinity".into()
        } else {
            "-Infinity".into()
        };
    }
    let magnitude = value.abs();
    if value == 0.0 || (1e-3..1e7).contains(&magnitude) {
        let text = format!("{value}");
        if text.contains('.') {
            text
        } else {
            format!("{text}.0")
        }
    } else {
        // Java writes the shortest digits that round-trip, as Rust does, in its own shape:
        // one digit, a point, at least one more digit, `E` and the exponent.
        let text = format!("{value:e}");
        let (mantissa, exponent) = text.split_once('e').unwrap_or((text.as_str(), "0"));
        let mantissa = if mantissa.contains('.') {
            mantissa.to_string()
        } else {
            format!("{mantissa}.0")
        };
        format!("{mantissa}E{exponent}")
    }
}

/// `1 datapoint`, `2 datapoints`.
fn count_of(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

fn was_were(n: usize) -> &'static str {
    if n == 1 {
        "was"
    } else {
        "were"
    }
}

/// One real datapoint of the evaluation range: its period's index and value.
#[derive(Debug, Clone, Copy)]
struct Point {
    index: i64,
    value: f64,
}

/// What one evaluation decided: a state and the reason it is written with, or nothing
/// (`ignore` keeping the current state).
type Decision = Option<(AlarmState, String)>;

/// Evaluates the alarm at the end of every period. `datapoints[i]` is the statistic of the
/// period starting at `first_period_ms + i × Period` (`None`: missing); periods before the
/// first are missing.
///
/// The rules are the User Guide's "How alarm state is evaluated when data is missing"
/// (<https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/alarms-and-missing-data.html>,
/// formerly `AlarmThatSendsEmail.html#alarms-evaluating-missing-data`), over the evaluation
/// range of [`evaluation_range`] periods:
/// - with at least N (`EvaluationPeriods`) real datapoints in the range, the N most recent
///   of them are evaluated and how missing data is treated does not matter;
/// - with none, `missing` gives `INSUFFICIENT_DATA`, `ignore` keeps the state, `breaching`
///   gives `ALARM` and `notBreaching` `OK`;
/// - with fewer than N, every real one is evaluated and the rest of the N are filled in:
///   as breaching (`breaching`), as not breaching (`notBreaching`), or not at all
///   (`missing`, `ignore`). At least M (`DatapointsToAlarm`) breaching gives `ALARM`, else
///   `OK` — except for `missing` and `ignore` when every real datapoint breaches but fewer
///   than M do: then the "premature alarm" rule decides. The alarm goes to `ALARM` (`ignore`:
///   keeps its state) when the oldest breaching datapoint is at least M periods old, and
///   otherwise (the next datapoint could still be good) `missing` gives `INSUFFICIENT_DATA`
///   and `ignore` keeps the state. The User Guide's premature-alarm sentence alone would
///   also alarm on `0 - X - -` (2 of 3), which its own table answers `OK`
///   (awsdocs/amazon-cloudwatch-user-guide issue 129); mapsim follows the table: a real
///   datapoint within the threshold anywhere in the range rules the premature alarm out.
pub fn evaluate(spec: &AlarmSpec, first_period_ms: i64, datapoints: &[Option<f64>]) -> Evaluation {
    let period_ms = i64::try_from(spec.period_seconds.max(1))
        .unwrap_or(i64::MAX / 1000)
        .saturating_mul(1000);
    let n = spec.evaluation_periods.max(1) as usize;
    let m = (spec.datapoints_to_alarm as usize).clamp(1, n);
    let range = evaluation_range(spec.evaluation_periods);
    let mut state = AlarmState::InsufficientData;
    let mut transitions = Vec::new();
    let mut states = Vec::with_capacity(datapoints.len());
    for end in 0..datapoints.len() {
        // The real datapoints of the range, newest first.
        let real: Vec<Point> = (0..range)
            .filter_map(|age| {
                let index = end.checked_sub(age)?;
                let value = datapoints.get(index).copied().flatten()?;
                Some(Point {
                    index: index as i64,
                    value,
                })
            })
            .collect();
        let decision = decide(spec, n, m, end as i64, &real, &|index| {
            first_period_ms.saturating_add(index.saturating_mul(period_ms))
        });
        if let Some((to, reason)) = decision {
            if to != state {
                transitions.push(Transition {
                    at_ms: first_period_ms
                        .saturating_add((end as i64 + 1).saturating_mul(period_ms)),
                    from: state,
                    to,
                    reason,
                });
                state = to;
            }
        }
        states.push(state);
    }
    Evaluation {
        transitions,
        final_state: state,
        states,
    }
}

/// One evaluation over the range's real datapoints (newest first); see [`evaluate`].
fn decide(
    spec: &AlarmSpec,
    n: usize,
    m: usize,
    end: i64,
    real: &[Point],
    period_start: &dyn Fn(i64) -> i64,
) -> Decision {
    let treat = spec.treat_missing_data;
    let keeps_state = treat == TreatMissingData::Ignore;
    if real.is_empty() {
        let treated_as = match treat {
            TreatMissingData::Missing => {
                return Some((AlarmState::InsufficientData, insufficient_reason(n)));
            }
            TreatMissingData::Ignore => return None,
            TreatMissingData::Breaching => (AlarmState::Alarm, "Breaching"),
            TreatMissingData::NotBreaching => (AlarmState::Ok, "NonBreaching"),
        };
        let reason = format!(
            "Threshold Crossed: no datapoints were received for {} and {} {} treated as [{}].",
            count_of(n, "period"),
            count_of(n, "missing datapoint"),
            was_were(n),
            treated_as.1
        );
        return Some((treated_as.0, reason));
    }
    let evaluated: &[Point] = &real[..real.len().min(n)];
    let filled = n - evaluated.len();
    let breaches = |p: &Point| spec.comparison.breaches(p.value, spec.threshold);
    let breaching_real = evaluated.iter().filter(|p| breaches(p)).count();
    let fill = match (filled, treat) {
        (0, _) => None,
        (_, TreatMissingData::Breaching) => Some((true, "Breaching")),
        (_, TreatMissingData::NotBreaching) => Some((false, "NonBreaching")),
        (_, TreatMissingData::Missing | TreatMissingData::Ignore) => None,
    };
    let breaching = breaching_real
        + if matches!(fill, Some((true, _))) {
            filled
        } else {
            0
        };
    let written = Written {
        spec,
        n,
        m,
        evaluated,
        filled: fill.map(|(_, name)| (filled, name)),
        period_start,
    };
    if breaching >= m {
        return Some((AlarmState::Alarm, written.alarm_reason()));
    }
    let all_breach = evaluated.iter().all(breaches);
    if fill.is_none() && filled > 0 && all_breach {
        // `missing` or `ignore`, too few datapoints, none of them good: the premature
        // alarm rule. Ages count from 1, the period just ended; `real` is newest first and,
        // with datapoints filled, holds every real one of the range.
        let oldest_breach_age = real.last().map_or(0, |p| end - p.index + 1);
        let premature = oldest_breach_age >= m as i64;
        return match (premature, keeps_state) {
            (_, true) => None,
            (true, false) => Some((AlarmState::Alarm, written.alarm_reason())),
            (false, false) => Some((AlarmState::InsufficientData, insufficient_reason(filled))),
        };
    }
    Some((AlarmState::Ok, written.ok_reason()))
}

/// `Insufficient Data: 2 datapoints were unknown.`
fn insufficient_reason(unknown: usize) -> String {
    format!(
        "Insufficient Data: {} {} unknown.",
        count_of(unknown, "datapoint"),
        was_were(unknown)
    )
}

/// What a `Threshold Crossed` sentence is written from.
struct Written<'a> {
    spec: &'a AlarmSpec,
    n: usize,
    m: usize,
    /// The real datapoints evaluated, newest first.
    evaluated: &'a [Point],
    /// How many missing datapoints were filled in, and as what (`Breaching`, `NonBreaching`).
    filled: Option<(usize, &'static str)>,
    period_start: &'a dyn Fn(i64) -> i64,
}

impl Written<'_> {
    /// `[15.0 (07/12/26 05:05:00), 12.0 (07/12/26 05:00:00)]`, newest first.
    fn list(&self, points: &[&Point]) -> String {
        let items: Vec<String> = points
            .iter()
            .map(|p| {
                format!(
                    "{} ({})",
                    reason_number(p.value),
                    reason_time((self.period_start)(p.index))
                )
            })
            .collect();
        format!("[{}]", items.join(", "))
    }

    /// ` and 19 missing datapoints were treated as [NonBreaching]`, or nothing.
    fn filled_clause(&self) -> String {
        match self.filled {
            Some((count, name)) => format!(
                " and {} {} treated as [{name}]",
                count_of(count, "missing datapoint"),
                was_were(count)
            ),
            None => String::new(),
        }
    }

    /// The sentence when no real datapoint is on the side the state went to: `1 datapoint
    /// was received for 3 periods and 2 missing datapoints were treated as [Breaching].`
    fn received(&self) -> String {
        let received = self.evaluated.len();
        format!(
            "Threshold Crossed: {} {} received for {}{}.",
            count_of(received, "datapoint"),
            was_were(received),
            count_of(self.n, "period"),
            self.filled_clause()
        )
    }

    /// `Threshold Crossed: 2 out of the last 2 datapoints [15.0 (…), 12.0 (…)] were greater
    /// than the threshold (10.0) (minimum 2 datapoints for OK -> ALARM transition).`
    fn alarm_reason(&self) -> String {
        let shown: Vec<&Point> = self
            .evaluated
            .iter()
            .filter(|p| self.spec.comparison.breaches(p.value, self.spec.threshold))
            .collect();
        if shown.is_empty() {
            return self.received();
        }
        format!(
            "Threshold Crossed: {} out of the last {} datapoints {} {} {} the threshold ({}){} (minimum {} for OK -> ALARM transition).",
            shown.len(),
            self.n,
            self.list(&shown),
            was_were(shown.len()),
            self.spec.comparison.words(),
            reason_number(self.spec.threshold),
            self.filled_clause(),
            count_of(self.m, "datapoint"),
        )
    }

    /// `Threshold Crossed: 3 out of the last 5 datapoints [0.0 (…), …] were not greater than
    /// the threshold (0.0) (minimum 3 datapoints for ALARM -> OK transition).` The minimum is
    /// N − M + 1: the fewest good datapoints that leave fewer than M breaching.
    fn ok_reason(&self) -> String {
        let shown: Vec<&Point> = self
            .evaluated
            .iter()
            .filter(|p| !self.spec.comparison.breaches(p.value, self.spec.threshold))
            .collect();
        if shown.is_empty() {
            return self.received();
        }
        format!(
            "Threshold Crossed: {} out of the last {} datapoints {} {} not {} the threshold ({}){} (minimum {} for ALARM -> OK transition).",
            shown.len(),
            self.n,
            self.list(&shown),
            was_were(shown.len()),
            self.spec.comparison.words(),
            reason_number(self.spec.threshold),
            self.filled_clause(),
            count_of(self.n - self.m + 1, "datapoint"),
        )
    }
}

#[cfg(test)]
mod tests;
