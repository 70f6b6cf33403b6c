//! A pasted CloudWatch dashboard body read for the Metrics tab: the widgets `cloudwatch`
//! understood, and every problem — bad JSON, a widget CloudWatch would refuse, a metric mapsim
//! does not publish — at the line:column of the text where it is.
//!
//! Pure (no simulation needed): the panel draws the widgets from the run; what is reported
//! where is tested natively below.

use cloudwatch::{Dashboard, WidgetKind};

/// A problem in the pasted text, located when the pointer could be found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// 1-based line and column (in characters).
    pub at: Option<(u32, u32)>,
    pub message: String,
}

/// What the panel knows of the pasted text.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Reading {
    /// The widgets, when the body could be read; metric lines with problems stay in (the
    /// panel skips what it cannot compute and says why in `problems`).
    pub dashboard: Option<Dashboard>,
    pub problems: Vec<Problem>,
}

/// Where a JSON pointer of `text` is written, or its nearest ancestor that can be found.
pub fn locate(text: &str, pointer: &str) -> Option<(u32, u32)> {
    let mut pointer = pointer;
    loop {
        if let Some(at) = engine::scenario::locate(text, pointer) {
            return Some(at);
        }
        let (parent, _) = pointer.rsplit_once('/')?;
        pointer = parent;
    }
}

/// Reads a dashboard body (`{"widgets": [...]}`). Empty text is no dashboard and no problem.
pub fn read(text: &str) -> Reading {
    if text.trim().is_empty() {
        return Reading::default();
    }
    let value: serde_json::Value = match serde_json::from_str(text) {
        Ok(value) => value,
        Err(error) => {
            return Reading {
                dashboard: None,
                problems: vec![Problem {
                    at: (error.line() > 0).then(|| {
                        (
                            u32::try_from(error.line()).unwrap_or(u32::MAX),
                            u32::try_from(error.column()).unwrap_or(u32::MAX),
                        )
                    }),
                    message: json_message(&error),
                }],
            };
        }
    };
    match cloudwatch::parse_dashboard(&value) {
        Err(errors) => Reading {
            dashboard: None,
            problems: errors
                .into_iter()
                .map(|error| Problem {
                    at: locate(text, &error.pointer),
                    message: error.message,
                })
                .collect(),
        },
        Ok(dashboard) => {
            let mut problems = Vec::new();
            for widget in &dashboard.widgets {
                let WidgetKind::Metric { metrics, .. } = &widget.kind else {
                    continue;
                };
                for line in metrics {
                    // The engine's pointers name the alarm's fields (`/MetricName`); a
                    // dashboard writes a metric as one row, so the row is where to look.
                    let at = locate(text, &line.pointer);
                    for problem in engine::monitor::check_metric(
                        &line.namespace,
                        &line.metric_name,
                        &line.dimensions,
                        "",
                    ) {
                        problems.push(Problem {
                            at,
                            message: problem.message,
                        });
                    }
                }
            }
            Reading {
                dashboard: Some(dashboard),
                problems,
            }
        }
    }
}

/// serde_json's message without its own " at line L column C" (the panel shows line:column
/// the same way for every problem).
fn json_message(error: &serde_json::Error) -> String {
    let text = error.to_string();
    match text.rfind(" at line ") {
        Some(end) => text[..end].to_string(),
        None => text,
    }
}

/// Whether a metric line has a problem and must not be drawn (it names a metric mapsim does
/// not publish).
pub fn line_is_known(line: &cloudwatch::MetricLine) -> bool {
    engine::monitor::check_metric(&line.namespace, &line.metric_name, &line.dimensions, "")
        .is_empty()
}

#[cfg(test)]
mod tests {
    use super::*;

    const CHILD_ARN: &str =
        "arn:aws:states:us-east-1:123456789012:stateMachine:mapsim/ImportRecords";

    #[test]
    fn empty_text_is_nothing_to_say() {
        assert_eq!(read("  \n"), Reading::default());
    }

    #[test]
    fn bad_json_is_reported_at_its_line_and_column() {
        let reading = read("{\n  \"widgets\": [\n    {,\n  ]\n}");
        assert!(reading.dashboard.is_none());
        assert_eq!(reading.problems.len(), 1);
        assert_eq!(reading.problems[0].at, Some((3, 6)));
        assert!(
            !reading.problems[0].message.contains("at line"),
            "{}",
            reading.problems[0].message
        );
    }

    #[test]
    fn a_bad_widget_is_located_in_the_text() {
        let text = "{\"widgets\": [\n  {\"type\": \"metric\",\n   \"properties\": {\"period\": 90, \"metrics\": [[\"AWS/States\", \"ExecutionsFailed\", \"StateMachineArn\", \"x\"]]}}\n]}";
        let reading = read(text);
        assert!(reading.dashboard.is_none());
        assert_eq!(reading.problems.len(), 1, "{:?}", reading.problems);
        assert_eq!(reading.problems[0].at.map(|(line, _)| line), Some(3));
        assert!(reading.problems[0].message.contains("period"));
    }

    #[test]
    fn an_unknown_metric_is_reported_at_its_row_and_the_rest_is_kept() {
        let text = format!(
            r#"{{
  "widgets": [
    {{
      "type": "metric",
      "properties": {{
        "title": "Children",
        "stat": "Sum",
        "period": 60,
        "metrics": [
          ["AWS/States", "ExecutionsFailed", "StateMachineArn", "{CHILD_ARN}"],
          ["AWS/States", "ExecutionsExploded", "StateMachineArn", "{CHILD_ARN}"]
        ]
      }}
    }},
    {{ "type": "text", "properties": {{ "markdown": "hello" }} }}
  ]
}}"#
        );
        let reading = read(&text);
        let Some(dashboard) = &reading.dashboard else {
            panic!("the body reads: {:?}", reading.problems);
        };
        assert_eq!(dashboard.widgets.len(), 2);
        assert_eq!(reading.problems.len(), 1, "{:?}", reading.problems);
        assert_eq!(reading.problems[0].at, Some((11, 11)));
        assert!(reading.problems[0].message.contains("ExecutionsExploded"));
        let WidgetKind::Metric { metrics, .. } = &dashboard.widgets[0].kind else {
            panic!("a metric widget");
        };
        assert!(line_is_known(&metrics[0]));
        assert!(!line_is_known(&metrics[1]));
    }

    #[test]
    fn a_pointer_that_cannot_be_found_falls_back_to_its_parent() {
        let text = "{\"widgets\": [\n  {\"type\": \"metric\"}\n]}";
        assert_eq!(locate(text, "/widgets/0/properties/metrics"), Some((2, 3)));
        assert_eq!(locate(text, "/nothing"), Some((1, 1)));
    }
}
