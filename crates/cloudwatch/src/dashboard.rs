//! CloudWatch dashboard bodies (`PutDashboard`'s `DashboardBody`): the widgets, with the
//! metric widget's compact rows read as CloudWatch reads them.
//!
//! A metric row is `[Namespace, MetricName, DimName, DimValue, …, {options}]`; in a row after
//! the first, `"."` stands for the value in the same position of the row above and `"..."`
//! for as many values of the row above as bring the row to that row's length (see
//! `resolve_row`; the dashboard body reference,
//! <https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/CloudWatch-Dashboard-Body-Structure.html>).
//! The options object is the row's own: it is never repeated. Metric math rows
//! (`{"expression": …}`) are refused by name. An empty `widgets` array is a dashboard (the
//! reference allows it); no `widgets` is an error.

use serde::Serialize;
use serde_json::Value;

use crate::stats::Statistic;
use crate::SpecError;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Dashboard {
    pub widgets: Vec<Widget>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Widget {
    /// `/widgets/3`.
    pub pointer: String,
    pub x: Option<i64>,
    pub y: Option<i64>,
    pub width: Option<i64>,
    pub height: Option<i64>,
    pub kind: WidgetKind,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum WidgetKind {
    Metric {
        title: Option<String>,
        /// Default 300.
        period_seconds: u64,
        /// Default Average.
        stat: Statistic,
        /// `timeSeries` (default), `singleValue`, `bar`, `pie`, `gauge`.
        view: String,
        stacked: bool,
        metrics: Vec<MetricLine>,
        /// `annotations.horizontal`: `(value, label)`.
        horizontal_annotations: Vec<(f64, Option<String>)>,
    },
    Log {
        title: Option<String>,
        /// The query after its `SOURCE '…' |` clauses.
        query: String,
        log_groups: Vec<String>,
        view: String,
    },
    Text {
        markdown: String,
    },
    /// `alarm`, `explorer`, `custom`, …: kept so that a page can say it does not draw it.
    Other {
        type_name: String,
    },
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MetricLine {
    pub namespace: String,
    pub metric_name: String,
    pub dimensions: Vec<(String, String)>,
    pub stat: Statistic,
    pub period_seconds: u64,
    pub label: Option<String>,
    pub color: Option<String>,
    /// The row's pointer (`/widgets/0/properties/metrics/1`).
    pub pointer: String,
}

struct Reader {
    errors: Vec<SpecError>,
}

impl Reader {
    fn error(&mut self, pointer: String, message: impl Into<String>) {
        self.errors.push(SpecError {
            pointer,
            message: message.into(),
        });
    }
}

fn period_of(r: &mut Reader, v: Option<&Value>, pointer: String, default: u64) -> u64 {
    match v {
        None => default,
        Some(v) => match v.as_u64() {
            Some(p) if crate::alarm::period_allowed(p) => p,
            _ => {
                r.error(
                    pointer,
                    format!("period must be 1, 5, 10, 20, 30 or a multiple of 60 seconds, not {v}"),
                );
                default
            }
        },
    }
}

fn stat_of(r: &mut Reader, v: Option<&Value>, pointer: String, default: Statistic) -> Statistic {
    match v {
        None => default,
        Some(v) => match v.as_str().and_then(Statistic::parse) {
            Some(s) => s,
            None => {
                r.error(
                    pointer,
                    format!("stat must be SampleCount, Average, Sum, Minimum, Maximum or a percentile such as p99, not {v}"),
                );
                default
            }
        },
    }
}

/// Splits `SOURCE 'a' | SOURCE 'b' | fields …` into the log groups and the rest.
fn split_sources(query: &str) -> (Vec<String>, String) {
    let mut groups = Vec::new();
    let mut rest = query.trim_start();
    while let Some(after) = rest
        .strip_prefix("SOURCE")
        .or_else(|| rest.strip_prefix("source"))
    {
        let after = after.trim_start();
        let Some(quoted) = after.strip_prefix('\'') else {
            break;
        };
        let Some(end) = quoted.find('\'') else {
            break;
        };
        groups.push(quoted[..end].to_string());
        rest = quoted[end + 1..].trim_start();
        match rest.strip_prefix('|') {
            Some(r) => rest = r.trim_start(),
            None => break,
        }
    }
    (groups, rest.to_string())
}

/// Reads a dashboard body; every problem at once, each at its pointer from the body's root.
pub fn parse_dashboard(value: &Value) -> Result<Dashboard, Vec<SpecError>> {
    let mut r = Reader { errors: Vec::new() };
    let Value::Object(root) = value else {
        return Err(vec![SpecError {
            pointer: String::new(),
            message: "a dashboard body is an object {\"widgets\": […]}".into(),
        }]);
    };
    let Some(Value::Array(list)) = root.get("widgets") else {
        return Err(vec![SpecError {
            pointer: "/widgets".into(),
            message: "a dashboard body needs a `widgets` array".into(),
        }]);
    };
    let mut widgets = Vec::new();
    for (i, w) in list.iter().enumerate() {
        let p = format!("/widgets/{i}");
        let Value::Object(map) = w else {
            r.error(p, "a widget is an object with `type` and `properties`");
            continue;
        };
        let number = |k: &str| map.get(k).and_then(Value::as_i64);
        let type_name = map.get("type").and_then(Value::as_str).unwrap_or("");
        let empty = serde_json::Map::new();
        let props = match map.get("properties") {
            Some(Value::Object(o)) => o,
            None => &empty,
            Some(_) => {
                r.error(format!("{p}/properties"), "properties must be an object");
                &empty
            }
        };
        let title = props
            .get("title")
            .and_then(Value::as_str)
            .map(str::to_string);
        let view = props
            .get("view")
            .and_then(Value::as_str)
            .unwrap_or(if type_name == "log" {
                "table"
            } else {
                "timeSeries"
            })
            .to_string();
        let kind = match type_name {
            "metric" => {
                let period = period_of(
                    &mut r,
                    props.get("period"),
                    format!("{p}/properties/period"),
                    300,
                );
                let stat = stat_of(
                    &mut r,
                    props.get("stat"),
                    format!("{p}/properties/stat"),
                    Statistic::Average,
                );
                let metrics = metric_rows(
                    &mut r,
                    props.get("metrics"),
                    &format!("{p}/properties/metrics"),
                    period,
                    stat,
                );
                let mut horizontal = Vec::new();
                if let Some(Value::Array(list)) =
                    props.get("annotations").and_then(|a| a.get("horizontal"))
                {
                    for (k, a) in list.iter().enumerate() {
                        match a.get("value").and_then(Value::as_f64) {
                            Some(v) => horizontal.push((
                                v,
                                a.get("label").and_then(Value::as_str).map(str::to_string),
                            )),
                            None => r.error(
                                format!("{p}/properties/annotations/horizontal/{k}"),
                                "a horizontal annotation needs a numeric `value`",
                            ),
                        }
                    }
                }
                WidgetKind::Metric {
                    title,
                    period_seconds: period,
                    stat,
                    view,
                    stacked: props
                        .get("stacked")
                        .and_then(Value::as_bool)
                        .unwrap_or(false),
                    metrics,
                    horizontal_annotations: horizontal,
                }
            }
            "log" => match props.get("query").and_then(Value::as_str) {
                Some(q) => {
                    let (log_groups, query) = split_sources(q);
                    WidgetKind::Log {
                        title,
                        query,
                        log_groups,
                        view,
                    }
                }
                None => {
                    r.error(
                        format!("{p}/properties/query"),
                        "a log widget needs a `query` string",
                    );
                    continue;
                }
            },
            "text" => WidgetKind::Text {
                markdown: props
                    .get("markdown")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_string(),
            },
            "" => {
                r.error(
                    format!("{p}/type"),
                    "a widget needs a `type` (metric, log, text, alarm, …)",
                );
                continue;
            }
            other => WidgetKind::Other {
                type_name: other.to_string(),
            },
        };
        widgets.push(Widget {
            pointer: p,
            x: number("x"),
            y: number("y"),
            width: number("width"),
            height: number("height"),
            kind,
        });
    }
    if r.errors.is_empty() {
        Ok(Dashboard { widgets })
    } else {
        Err(r.errors)
    }
}

fn metric_rows(
    r: &mut Reader,
    value: Option<&Value>,
    pointer: &str,
    period: u64,
    stat: Statistic,
) -> Vec<MetricLine> {
    let Some(Value::Array(rows)) = value else {
        r.error(
            pointer.to_string(),
            "a metric widget needs a `metrics` array of rows",
        );
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut previous: Vec<String> = Vec::new();
    for (i, row) in rows.iter().enumerate() {
        let p = format!("{pointer}/{i}");
        let Value::Array(items) = row else {
            r.error(p, "a metric row is an array [Namespace, MetricName, DimensionName, DimensionValue, …, {options}]");
            continue;
        };
        // The row's strings as written (`.` and `...` unresolved), each with its position.
        let mut written: Vec<(usize, &str)> = Vec::new();
        let mut options: Option<(usize, &serde_json::Map<String, Value>)> = None;
        let mut bad = false;
        for (k, item) in items.iter().enumerate() {
            match item {
                Value::String(s) => written.push((k, s.as_str())),
                Value::Object(o) if k + 1 == items.len() => {
                    if o.contains_key("expression") {
                        r.error(
                            format!("{p}/{k}/expression"),
                            "metric math expressions ({\"expression\": …}) are not modelled by mapsim: name each metric",
                        );
                        bad = true;
                    }
                    options = Some((k, o));
                }
                _ => {
                    r.error(
                        format!("{p}/{k}"),
                        "a metric row holds strings, then at most one options object at its end",
                    );
                    bad = true;
                }
            }
        }
        let strings = if bad {
            None
        } else {
            resolve_row(r, &p, &written, &previous)
        };
        let Some(strings) = strings else {
            continue;
        };
        if strings.len() < 2 || strings.len() % 2 != 0 {
            r.error(
                p,
                "a metric row is [Namespace, MetricName] followed by dimension name and value pairs",
            );
            continue;
        }
        let options_at = options.map_or(0, |(k, _)| k);
        let options = options.map(|(_, o)| o);
        let line_period = period_of(
            r,
            options.and_then(|o| o.get("period")),
            format!("{p}/{options_at}/period"),
            period,
        );
        let line_stat = stat_of(
            r,
            options.and_then(|o| o.get("stat")),
            format!("{p}/{options_at}/stat"),
            stat,
        );
        let dimensions = strings[2..]
            .chunks(2)
            .filter_map(|pair| match pair {
                [n, v] => Some((n.clone(), v.clone())),
                _ => None,
            })
            .collect();
        out.push(MetricLine {
            namespace: strings[0].clone(),
            metric_name: strings[1].clone(),
            dimensions,
            stat: line_stat,
            period_seconds: line_period,
            label: options
                .and_then(|o| o.get("label"))
                .and_then(Value::as_str)
                .map(str::to_string),
            color: options
                .and_then(|o| o.get("color"))
                .and_then(Value::as_str)
                .map(str::to_string),
            pointer: p,
        });
        previous = strings;
    }
    out
}

/// A row's strings with `.` and `...` resolved against the row above (`previous`, empty for
/// the first row). `.` is the value in the same position of the row above; `...` is the
/// run of values of the row above that brings the row to the length of the row above, so
/// `["...", "i-2"]` under `["AWS/EC2", "CPUUtilization", "InstanceId", "i-1"]` is
/// `["AWS/EC2", "CPUUtilization", "InstanceId", "i-2"]` and `["...", {"stat": "p99"}]` the
/// row above again. That is how the console writes rows; the dashboard body reference
/// names both shorthands without a rule for `...` in the middle of a row, which mapsim reads
/// the same way.
fn resolve_row(
    r: &mut Reader,
    pointer: &str,
    written: &[(usize, &str)],
    previous: &[String],
) -> Option<Vec<String>> {
    let ellipses: Vec<usize> = (0..written.len())
        .filter(|&i| written[i].1 == "...")
        .collect();
    let (before, after, repeated) = match ellipses.as_slice() {
        [] => (written, &written[written.len()..], 0),
        [at] => {
            let (k, _) = written[*at];
            let before = &written[..*at];
            let after = &written[at + 1..];
            if previous.is_empty() {
                r.error(
                    format!("{pointer}/{k}"),
                    "\"...\" repeats the row above, and there is none",
                );
                return None;
            }
            let Some(repeated) = previous.len().checked_sub(before.len() + after.len()) else {
                r.error(
                    format!("{pointer}/{k}"),
                    format!(
                        "\"...\" repeats values of the row above, which has only {} values",
                        previous.len()
                    ),
                );
                return None;
            };
            (before, after, repeated)
        }
        [_, second, ..] => {
            r.error(
                format!("{pointer}/{}", written[*second].0),
                "a metric row may hold \"...\" only once",
            );
            return None;
        }
    };
    let mut strings: Vec<String> = Vec::with_capacity(before.len() + repeated + after.len());
    let mut ok = true;
    let mut push = |strings: &mut Vec<String>, (k, text): (usize, &str)| {
        if text == "." {
            match previous.get(strings.len()) {
                Some(above) => strings.push(above.clone()),
                None => {
                    r.error(
                        format!("{pointer}/{k}"),
                        "\".\" repeats the value above it in the row above, and there is none",
                    );
                    ok = false;
                    strings.push(String::new());
                }
            }
        } else {
            strings.push(text.to_string());
        }
    };
    for &item in before {
        push(&mut strings, item);
    }
    let from = strings.len();
    strings.extend(previous.iter().skip(from).take(repeated).cloned());
    for &item in after {
        push(&mut strings, item);
    }
    ok.then_some(strings)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_body_with_every_kind_of_widget() {
        let body = json!({"widgets": [
            {"type": "metric", "x": 0, "y": 0, "width": 12, "height": 6, "properties": {
                "title": "Child executions", "period": 300, "stat": "Sum", "region": "us-east-1",
                "metrics": [
                    ["AWS/States", "ExecutionsFailed", "StateMachineArn", "arn:aws:states:us-east-1:1:stateMachine:m/Map"],
                    [".", "ExecutionsSucceeded", ".", "."],
                    ["...", {"stat": "Average", "label": "ok", "period": 60}]
                ],
                "annotations": {"horizontal": [{"value": 10, "label": "alarm"}]}
            }},
            {"type": "log", "properties": {"query": "SOURCE '/aws/lambda/validate' | fields @timestamp | limit 20", "title": "errors"}},
            {"type": "text", "properties": {"markdown": "# Import"}},
            {"type": "alarm", "properties": {"alarms": []}}
        ]});
        let d = parse_dashboard(&body).unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(d.widgets.len(), 4);
        let WidgetKind::Metric {
            metrics,
            horizontal_annotations,
            period_seconds,
            ..
        } = &d.widgets[0].kind
        else {
            panic!("not a metric widget");
        };
        assert_eq!(*period_seconds, 300);
        assert_eq!(metrics.len(), 3);
        assert_eq!(metrics[1].metric_name, "ExecutionsSucceeded");
        assert_eq!(metrics[1].dimensions, metrics[0].dimensions);
        assert_eq!(metrics[1].stat, Statistic::Sum);
        assert_eq!(metrics[2].metric_name, "ExecutionsSucceeded");
        assert_eq!(
            (metrics[2].stat, metrics[2].period_seconds),
            (Statistic::Average, 60)
        );
        assert_eq!(metrics[2].label.as_deref(), Some("ok"));
        assert_eq!(horizontal_annotations[0].0, 10.0);
        let WidgetKind::Log {
            query, log_groups, ..
        } = &d.widgets[1].kind
        else {
            panic!("not a log widget");
        };
        assert_eq!(log_groups, &vec!["/aws/lambda/validate".to_string()]);
        assert_eq!(query, "fields @timestamp | limit 20");
        assert!(
            matches!(&d.widgets[3].kind, WidgetKind::Other { type_name } if type_name == "alarm")
        );
    }

    #[test]
    fn shorthand_rows_as_the_console_writes_them() {
        let body = json!({"widgets": [{"type": "metric", "properties": {"stat": "Sum", "metrics": [
            ["AWS/States", "ExecutionsFailed", "StateMachineArn", "arn:a", {"label": "a"}],
            ["...", "arn:b"],
            [".", "ExecutionsStarted", ".", "."],
            ["...", {"stat": "p99.9", "period": 60, "color": "#d62728"}]
        ]}}]});
        let d = parse_dashboard(&body).unwrap_or_else(|e| panic!("{e:?}"));
        let WidgetKind::Metric {
            metrics,
            view,
            stacked,
            ..
        } = &d.widgets[0].kind
        else {
            panic!("not a metric widget");
        };
        assert_eq!((view.as_str(), *stacked), ("timeSeries", false));
        let rows: Vec<(&str, &str, &str)> = metrics
            .iter()
            .map(|l| {
                (
                    l.namespace.as_str(),
                    l.metric_name.as_str(),
                    l.dimensions[0].1.as_str(),
                )
            })
            .collect();
        assert_eq!(
            rows,
            vec![
                ("AWS/States", "ExecutionsFailed", "arn:a"),
                ("AWS/States", "ExecutionsFailed", "arn:b"),
                ("AWS/States", "ExecutionsStarted", "arn:b"),
                ("AWS/States", "ExecutionsStarted", "arn:b"),
            ]
        );
        assert_eq!(
            metrics[1].label, None,
            "options are the row's own, never repeated"
        );
        assert_eq!(
            (metrics[3].stat, metrics[3].period_seconds),
            (Statistic::Percentile(99.9), 60)
        );
        assert_eq!(metrics[3].color.as_deref(), Some("#d62728"));
        assert_eq!(
            (metrics[0].stat, metrics[0].period_seconds),
            (Statistic::Sum, 300)
        );
        assert_eq!(metrics[2].pointer, "/widgets/0/properties/metrics/2");
        assert_eq!(d.widgets[0].pointer, "/widgets/0");
    }

    #[test]
    fn a_log_widget_with_several_sources() {
        let body = json!({"widgets": [{"type": "log", "x": 0, "y": 6, "width": 24, "height": 6, "properties": {
            "query": "SOURCE '/aws/vendedlogs/states/a' | SOURCE '/aws/vendedlogs/states/b' | fields @timestamp, @message | filter type = 'TaskFailed'",
            "region": "us-east-1", "view": "table"
        }}, {"type": "text", "properties": {"markdown": "# Orders"}}]});
        let d = parse_dashboard(&body).unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(
            (
                d.widgets[0].x,
                d.widgets[0].y,
                d.widgets[0].width,
                d.widgets[0].height
            ),
            (Some(0), Some(6), Some(24), Some(6))
        );
        assert_eq!(
            d.widgets[0].kind,
            WidgetKind::Log {
                title: None,
                query: "fields @timestamp, @message | filter type = 'TaskFailed'".into(),
                log_groups: vec![
                    "/aws/vendedlogs/states/a".into(),
                    "/aws/vendedlogs/states/b".into()
                ],
                view: "table".into(),
            }
        );
        assert_eq!(
            d.widgets[1].kind,
            WidgetKind::Text {
                markdown: "# Orders".into()
            }
        );
        assert_eq!(
            parse_dashboard(&json!({"widgets": []})),
            Ok(Dashboard {
                widgets: Vec::new()
            })
        );
    }

    #[test]
    fn bad_bodies_say_where() {
        let pointers = |v: Value| -> Vec<String> {
            parse_dashboard(&v)
                .err()
                .unwrap_or_default()
                .into_iter()
                .map(|e| e.pointer)
                .collect()
        };
        assert_eq!(pointers(json!([])), vec![""]);
        assert_eq!(pointers(json!({})), vec!["/widgets"]);
        assert_eq!(
            pointers(
                json!({"widgets": [{"type": "metric", "properties": {"metrics": [[".", "X"]]}}]})
            ),
            vec!["/widgets/0/properties/metrics/0/0"]
        );
        assert_eq!(
            pointers(
                json!({"widgets": [{"type": "metric", "properties": {"metrics": [["AWS/States"]]}}]})
            ),
            vec!["/widgets/0/properties/metrics/0"]
        );
        assert_eq!(
            pointers(
                json!({"widgets": [{"type": "metric", "properties": {"period": 90, "metrics": [["A", "B"]]}}]})
            ),
            vec!["/widgets/0/properties/period"]
        );
        assert_eq!(
            pointers(
                json!({"widgets": [{"type": "metric", "properties": {"metrics": [[{"expression": "m1*2"}]]}}]})
            ),
            vec!["/widgets/0/properties/metrics/0/0/expression"]
        );
        assert_eq!(
            pointers(json!({"widgets": [{"properties": {}}]})),
            vec!["/widgets/0/type"]
        );
        assert_eq!(pointers(json!({"widgets": {}})), vec!["/widgets"]);
        assert_eq!(
            pointers(
                json!({"widgets": [{"type": "metric", "properties": {"period": "300", "metrics": [["A", "B"]]}}]})
            ),
            vec!["/widgets/0/properties/period"]
        );
        assert_eq!(
            pointers(
                json!({"widgets": [{"type": "metric", "properties": {"metrics": [["A", "B"], ["...", "C", {"period": 45}]]}}]})
            ),
            vec!["/widgets/0/properties/metrics/1/2/period"]
        );
        assert_eq!(
            pointers(
                json!({"widgets": [{"type": "metric", "properties": {"metrics": [["A", "B"], ["...", "C", "D", "E"]]}}]})
            ),
            vec!["/widgets/0/properties/metrics/1/0"]
        );
        assert_eq!(
            pointers(
                json!({"widgets": [{"type": "metric", "properties": {"metrics": [["A", "B", "C"]]}}]})
            ),
            vec!["/widgets/0/properties/metrics/0"]
        );
        assert_eq!(
            pointers(
                json!({"widgets": [{"type": "metric", "properties": {"metrics": [["A", "B", {"stat": "Median"}]]}}]})
            ),
            vec!["/widgets/0/properties/metrics/0/2/stat"]
        );
        assert_eq!(
            pointers(json!({"widgets": [{"type": "log", "properties": {}}]})),
            vec!["/widgets/0/properties/query"]
        );
        // Every problem at once.
        assert_eq!(
            pointers(
                json!({"widgets": [3, {"type": "metric", "properties": {"period": 7, "metrics": [[".", "B"]]}}]})
            ),
            vec![
                "/widgets/0",
                "/widgets/1/properties/period",
                "/widgets/1/properties/metrics/0/0"
            ]
        );
    }
}
