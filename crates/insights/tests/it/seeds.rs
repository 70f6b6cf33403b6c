//! The product's seed queries, exactly as written, over Lambda and Step Functions log lines.

use crate::{check, Lines, MINUTE, T0};

const SEED_ERRORS_BY_TYPE: &str = "fields @timestamp, error_type, message, item.index
| filter level = \"ERROR\"
| stats count(*) as errors by error_type
| sort errors desc";

const SEED_FAILURES_BY_BIN: &str = "fields @timestamp, @message
| filter type like /Failed/ or type = \"ExecutionTimedOut\"
| parse @message /\"error\":\"(?<error>[^\"]+)\"/
| stats count() as failures by bin(5m), error
| sort failures desc
| limit 20";

fn lambda_error(error_type: &str, index: u32) -> String {
    format!(
        r#"{{"level": "ERROR", "error_type": "{error_type}", "message": "amount must be positive", "item": {{"index": {index}, "order_id": "o-{index}"}}}}"#
    )
}

fn execution_event(id: u32, event_type: &str, error: Option<&str>) -> String {
    let details = match error {
        Some(error) => format!(
            r#"{{"error":"{error}","cause":"The function failed","resourceType":"lambda","resource":"invoke"}}"#
        ),
        None => r#"{"resourceType":"lambda","resource":"invoke"}"#.to_string(),
    };
    format!(
        r#"{{"id":"{id}","type":"{event_type}","details":{details},"previous_event_id":"{}","event_timestamp":"1733547600000","execution_arn":"arn:aws:states:us-east-1:123456789012:execution:orders:run-1","redrive_count":"0"}}"#,
        id - 1
    )
}

fn mixed_lines() -> Vec<(i64, String)> {
    vec![
        (T0, lambda_error("DataValidationError", 17)),
        (
            T0 + 1000,
            r#"{"level": "INFO", "message": "processing", "item": {"index": 18}}"#.to_string(),
        ),
        (
            T0 + MINUTE,
            execution_event(5, "TaskFailed", Some("Lambda.ServiceException")),
        ),
        (T0 + 2 * MINUTE, lambda_error("TimeoutError", 19)),
        (T0 + 3 * MINUTE, execution_event(6, "TaskSucceeded", None)),
        (
            T0 + 4 * MINUTE,
            execution_event(7, "TaskFailed", Some("Lambda.ServiceException")),
        ),
        (T0 + 5 * MINUTE, lambda_error("DataValidationError", 20)),
        (
            T0 + 6 * MINUTE,
            execution_event(8, "ExecutionTimedOut", Some("States.Timeout")),
        ),
        (
            T0 + 7 * MINUTE,
            execution_event(9, "MapIterationFailed", None),
        ),
        (
            T0 + 8 * MINUTE,
            "START RequestId: 6b2c Version: $LATEST".to_string(),
        ),
        (T0 + 9 * MINUTE, lambda_error("DataValidationError", 21)),
    ]
}

fn borrowed(lines: &[(i64, String)]) -> Vec<(i64, &str)> {
    lines
        .iter()
        .map(|(time, message)| (*time, message.as_str()))
        .collect()
}

#[test]
fn errors_by_type() {
    let lines = mixed_lines();
    check(
        SEED_ERRORS_BY_TYPE,
        &borrowed(&lines),
        &[
            &[("error_type", "DataValidationError"), ("errors", "3")],
            &[("error_type", "TimeoutError"), ("errors", "1")],
        ],
    );
}

#[test]
fn failures_by_five_minutes_and_error() {
    let lines = mixed_lines();
    check(
        SEED_FAILURES_BY_BIN,
        &borrowed(&lines),
        &[
            &[
                ("bin(5m)", "2026-12-07 05:00:00.000"),
                ("error", "Lambda.ServiceException"),
                ("failures", "2"),
            ],
            &[
                ("bin(5m)", "2026-12-07 05:05:00.000"),
                ("error", "States.Timeout"),
                ("failures", "1"),
            ],
            // A failure without an error in its details: the group has no `error` field.
            &[("bin(5m)", "2026-12-07 05:05:00.000"), ("failures", "1")],
        ],
    );
}

#[test]
fn seed_statistics_and_fields() {
    let lines = mixed_lines();
    let source = Lines::new(&borrowed(&lines));
    let query = insights::parse(SEED_FAILURES_BY_BIN).unwrap();
    let result = insights::run(&query, &source);
    assert_eq!(result.fields, ["bin(5m)", "error", "failures"]);
    assert_eq!((result.records_scanned, result.records_matched), (11, 4));
    assert!(query.log_groups().is_empty());
    let errors = insights::run(&insights::parse(SEED_ERRORS_BY_TYPE).unwrap(), &source);
    assert_eq!(errors.fields, ["error_type", "errors"]);
    assert_eq!((errors.records_scanned, errors.records_matched), (11, 4));
}

#[test]
fn dashboard_source_clauses_name_log_groups() {
    let query = insights::parse(&format!(
        "SOURCE '/aws/lambda/process-order' | SOURCE \"/aws/vendedlogs/states/orders\" | {SEED_ERRORS_BY_TYPE}"
    ))
    .unwrap();
    assert_eq!(
        query.log_groups(),
        ["/aws/lambda/process-order", "/aws/vendedlogs/states/orders"]
    );
    let lines = Lines::in_groups(&[
        (T0, &lambda_error("A", 1), "s", "/aws/lambda/process-order"),
        (T0, &lambda_error("B", 2), "s", "/aws/lambda/other"),
    ]);
    let only_first_group = |row: usize| lines.events[row].3 == "/aws/lambda/process-order";
    let result = insights::run_filtered(&query, &lines, &only_first_group);
    assert_eq!(
        crate::rows_of(&result),
        [[("error_type", "A"), ("errors", "1")]]
    );
    assert_eq!((result.records_scanned, result.records_matched), (1, 1));
}
