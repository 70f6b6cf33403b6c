//! What CloudWatch would show (`engine::monitor`): metrics agree with the run's own counts,
//! alarms are evaluated over them, the log lines and the error-routing view, and a fault the
//! function's runtime raises.

use cloudwatch::Statistic;
use engine::monitor::{self, logs::LogView, routing::FindingKind, MetricId};
use engine::report::ChildStatus;
use serde_json::{json, Value};

use crate::support::run;

fn definition(catch_error: &str) -> Value {
    json!({
        "StartAt": "Import",
        "States": {
            "Import": {
                "Type": "Map",
                "Label": "Import",
                "MaxConcurrency": 10,
                "ToleratedFailurePercentage": 50,
                "ItemProcessor": {
                    "ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
                    "StartAt": "Validate",
                    "States": {
                        "Validate": {
                            "Type": "Task",
                            "Resource": "arn:aws:states:::lambda:invoke",
                            "Parameters": {"FunctionName": "arn:aws:lambda:us-east-1:123456789012:function:validate", "Payload.$": "$"},
                            "Retry": [
                                {"ErrorEquals": ["Lambda.ServiceException"], "IntervalSeconds": 1, "MaxAttempts": 2},
                                {"ErrorEquals": ["Lambda.SdkClientException"], "MaxAttempts": 2}
                            ],
                            "Catch": [{"ErrorEquals": [catch_error], "ResultPath": "$.error", "Next": "Quarantine"}],
                            "End": true
                        },
                        "Quarantine": {"Type": "Pass", "End": true}
                    }
                },
                "End": true
            }
        }
    })
}

fn scenario(alarms: Value) -> Value {
    json!({
        "seed": 3,
        "items": {"count": 400},
        "tasks": {"Validate": {
            "latency": {"fixed_ms": 1000},
            "faults": [
                {"error": "Lambda.ServiceException", "cause": "transient", "probability": 0.05},
                {"error": "DataValidationError", "items": {"fraction": 0.1},
                 "raise": {"runtime": "python3.12", "exception": "Exception", "message": "amount must be positive"}}
            ]
        }},
        "logging": {"level": "ALL"},
        "alarms": alarms
    })
}

fn children_arn() -> String {
    monitor::child_machine_arn("Import")
}

fn metric(namespace: &str, name: &str, dimension: &str, value: &str) -> MetricId {
    MetricId {
        namespace: namespace.into(),
        name: name.into(),
        dimensions: vec![(dimension.into(), value.into())],
    }
}

fn total(sim: &engine::sim::Simulation, id: &MetricId) -> f64 {
    monitor::datapoints(sim, id, Statistic::Sum, 60, sim.now_ms())
        .unwrap_or_else(|e| panic!("{e}"))
        .values
        .iter()
        .flatten()
        .sum()
}

#[test]
fn execution_metrics_add_up_to_the_map_runs_counts() {
    let sim = run(&definition("DataValidationError"), &scenario(json!([])));
    let run0 = &sim.map_runs()[0];
    let counts = &run0.execution_counts;
    let arn = children_arn();
    let m = |name: &str| metric("AWS/States", name, "StateMachineArn", &arn);
    assert_eq!(total(&sim, &m("ExecutionsStarted")), 400.0);
    assert_eq!(total(&sim, &m("ExecutionsFailed")), counts.failed as f64);
    assert_eq!(
        total(&sim, &m("ExecutionsSucceeded")),
        counts.succeeded as f64
    );
    assert!(
        counts.failed > 0,
        "the raised Exception is not caught: {counts:?}"
    );
    // The parent: started once, and ended once.
    let parent = monitor::parent_machine_arn();
    let p = |name: &str| metric("AWS/States", name, "StateMachineArn", &parent);
    assert_eq!(total(&sim, &p("ExecutionsStarted")), 1.0);
    let ended = total(&sim, &p("ExecutionsSucceeded")) + total(&sim, &p("ExecutionsFailed"));
    assert_eq!(ended, 1.0);
    // Execution time: the longest child took at least one attempt's latency.
    let time = monitor::datapoints(
        &sim,
        &m("ExecutionTime"),
        Statistic::Maximum,
        3600,
        sim.now_ms(),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert!(time.values.iter().flatten().all(|v| *v >= 1000.0));
}

#[test]
fn lambda_metrics_count_every_attempt_once() {
    let sim = run(&definition("DataValidationError"), &scenario(json!([])));
    let f = |name: &str| metric("AWS/Lambda", name, "FunctionName", "validate");
    let attempts = sim.attempts().len() as f64;
    let invocations = total(&sim, &f("Invocations"));
    let throttles = total(&sim, &f("Throttles"));
    assert_eq!(invocations + throttles, attempts);
    let stats = &sim.state_stats()[sim
        .program()
        .states
        .iter()
        .position(|s| &*s.name == "Validate")
        .unwrap_or(0)];
    assert_eq!(attempts as u64, stats.attempts);
    // Errors: the function's own Exception, not the Lambda service's transient errors.
    let errors = total(&sim, &f("Errors"));
    let exceptions = stats.errors.get("Exception").copied().unwrap_or(0) as f64;
    assert_eq!(errors, exceptions);
    // At most MaxConcurrency (10) invocations ran at once.
    let peak = monitor::datapoints(
        &sim,
        &f("ConcurrentExecutions"),
        Statistic::Maximum,
        60,
        sim.now_ms(),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let max = peak.values.iter().flatten().fold(0.0f64, |a, b| a.max(*b));
    assert!(max > 0.0 && max <= 10.0, "peak concurrency {max}");
    // The service integration's view of the same attempts.
    let s = |name: &str| {
        metric(
            "AWS/States",
            name,
            "ServiceIntegrationResourceArn",
            "arn:aws:states:::lambda:invoke",
        )
    };
    assert_eq!(total(&sim, &s("ServiceIntegrationsStarted")), attempts);
    assert_eq!(
        total(&sim, &s("ServiceIntegrationsSucceeded"))
            + total(&sim, &s("ServiceIntegrationsFailed")),
        attempts
    );
}

#[test]
fn datapoints_are_missing_where_nothing_was_published_and_periods_are_checked() {
    let sim = run(&definition("DataValidationError"), &scenario(json!([])));
    let id = metric(
        "AWS/States",
        "ExecutionsFailed",
        "StateMachineArn",
        &children_arn(),
    );
    let points = monitor::datapoints(&sim, &id, Statistic::Sum, 10, sim.now_ms() + 600_000)
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(
        points.values.last().is_some_and(Option::is_none),
        "after the run nothing is published"
    );
    assert!(monitor::datapoints(&sim, &id, Statistic::Sum, 7, 1000).is_err());
    assert!(monitor::datapoints(&sim, &id, Statistic::Sum, 90, 1000).is_err());
    let unknown = metric(
        "AWS/States",
        "ExecutionsExploded",
        "StateMachineArn",
        &children_arn(),
    );
    assert!(monitor::datapoints(&sim, &unknown, Statistic::Sum, 60, 1000).is_err());
}

#[test]
fn an_alarm_on_the_children_fires_and_its_reason_says_why() {
    let alarm = json!([{
        "AlarmName": "ChildFailures",
        "Namespace": "AWS/States",
        "MetricName": "ExecutionsFailed",
        "Dimensions": [{"Name": "StateMachineArn", "Value": children_arn()}],
        "Statistic": "Sum",
        "Period": 10,
        "EvaluationPeriods": 1,
        "Threshold": 0,
        "ComparisonOperator": "GreaterThanThreshold",
        "TreatMissingData": "notBreaching"
    }]);
    let sim = run(&definition("DataValidationError"), &scenario(alarm));
    let reports = monitor::evaluate_alarms(&sim);
    assert_eq!(reports.len(), 1);
    let first = &reports[0].transitions;
    assert!(first.iter().any(|t| t.to == "ALARM"), "{first:#?}");
    let to_alarm = first
        .iter()
        .find(|t| t.to == "ALARM")
        .unwrap_or_else(|| panic!("no ALARM"));
    assert!(
        to_alarm.reason.starts_with("Threshold Crossed"),
        "{}",
        to_alarm.reason
    );
    // After the run, nothing fails any more: the alarm goes back to OK.
    assert_eq!(
        reports[0].state,
        "OK",
        "{first:#?} {:?} {}",
        reports[0].datapoints.values,
        sim.now_ms()
    );
    // The summary carries the alarms, in the CLI's shape.
    let summary = sim.summary();
    assert_eq!(summary["alarms"][0]["name"], "ChildFailures");
    assert!(summary["alarms"][0]["transitions"][0]["at_seconds"].is_number());
}

#[test]
fn alarms_in_the_scenario_are_checked_with_their_pointers() {
    let text = r#"{"alarms": [
        {"AlarmName": "a", "Namespace": "AWS/States", "MetricName": "ExecutionsExploded",
         "Dimensions": [{"Name": "StateMachineArn", "Value": "x"}], "Statistic": "Sum",
         "Period": 300, "EvaluationPeriods": 1, "Threshold": 1, "ComparisonOperator": "GreaterThanThreshold"},
        {"AlarmName": "b", "Namespace": "AWS/States", "MetricName": "ExecutionsFailed",
         "Dimensions": [{"Name": "StateMachineArn", "Value": "x"}], "Statistic": "Sum",
         "Period": 90, "EvaluationPeriods": 1, "DatapointsToAlarm": 2, "Threshold": 1,
         "ComparisonOperator": "GreaterThanThreshold"}
    ]}"#;
    let errors = engine::scenario::parse(text).err().unwrap_or_default();
    let pointers: Vec<&str> = errors.iter().map(|e| e.pointer.as_str()).collect();
    assert!(pointers.contains(&"/alarms/0/MetricName"), "{errors:#?}");
    assert!(
        pointers.iter().any(|p| p.starts_with("/alarms/1/Period")),
        "{errors:#?}"
    );
    assert!(
        pointers.iter().any(|p| p.starts_with("/alarms/1/")),
        "{errors:#?}"
    );
    assert!(
        errors.iter().all(|e| e.line.is_some()),
        "every problem is located: {errors:#?}"
    );
}

#[test]
fn a_raised_exception_is_what_step_functions_sees_and_the_catcher_never_fires() {
    let sim = run(&definition("DataValidationError"), &scenario(json!([])));
    let validate = sim
        .program()
        .states
        .iter()
        .position(|s| &*s.name == "Validate")
        .unwrap_or(0);
    let stats = &sim.state_stats()[validate];
    assert!(stats.errors.contains_key("Exception"), "{:?}", stats.errors);
    assert!(!stats.errors.contains_key("DataValidationError"));
    assert_eq!(stats.caught, 0);
    let routing = monitor::routing::routing(&sim);
    let trap = routing
        .findings
        .iter()
        .find(|f| f.kind == FindingKind::ExceptionNameTrap)
        .unwrap_or_else(|| panic!("no trap finding: {:#?}", routing.findings));
    assert_eq!(
        trap.pointer,
        "/States/Import/ItemProcessor/States/Validate/Catch/0"
    );
    assert!(routing
        .findings
        .iter()
        .any(|f| f.kind == FindingKind::RetrierUnreached && f.pointer.ends_with("/Retry/1")));
    assert!(routing
        .findings
        .iter()
        .any(|f| f.kind == FindingKind::Unmatched));
    // The route of Exception: no retrier, no catcher, failed every time it came.
    let rows = &routing
        .states
        .iter()
        .find(|s| s.state == "Validate")
        .unwrap_or_else(|| panic!("no Validate"))
        .rows;
    let exception = rows
        .iter()
        .find(|r| r.error == "Exception")
        .unwrap_or_else(|| panic!("{rows:#?}"));
    assert_eq!((exception.retrier, exception.catcher), (None, None));
    assert_eq!(exception.unhandled, exception.reached);
    let transient = rows
        .iter()
        .find(|r| r.error == "Lambda.ServiceException")
        .unwrap_or_else(|| panic!("{rows:#?}"));
    assert_eq!(transient.retrier, Some(0));
    assert!(transient.retries > 0 && transient.wait_ms >= transient.retries * 1000);
    // The cause is the Lambda error JSON the integration passes on.
    let child = sim.map_runs()[0]
        .children
        .iter()
        .position(|c| c.status == ChildStatus::Failed)
        .unwrap_or_else(|| panic!("no failed child"));
    let cause = sim.map_runs()[0]
        .child_cause(child)
        .unwrap_or_default()
        .to_string();
    let parsed: Value = serde_json::from_str(&cause).unwrap_or_else(|e| panic!("{e}: {cause}"));
    assert_eq!(parsed["errorType"], "Exception");
    assert_eq!(parsed["errorMessage"], "amount must be positive");
    assert!(parsed["requestId"].is_string() && parsed["stackTrace"].is_array());
}

#[test]
fn catching_what_the_function_raises_routes_it() {
    let sim = run(&definition("Exception"), &scenario(json!([])));
    let routing = monitor::routing::routing(&sim);
    assert!(!routing
        .findings
        .iter()
        .any(|f| f.kind == FindingKind::ExceptionNameTrap));
    assert_eq!(sim.map_runs()[0].execution_counts.failed, 0);
}

#[test]
fn the_logs_hold_the_lambda_error_lines_and_the_execution_events() {
    let sim = run(&definition("DataValidationError"), &scenario(json!([])));
    let view = LogView::new(&sim);
    let source: &dyn insights::LogSource = &view;
    let n = source.len();
    assert!(n > 0);
    let mut lambda_lines = 0;
    let mut failed_children = 0;
    let mut last = i64::MIN;
    for row in 0..n {
        let t = source.timestamp_ms(row);
        assert!(t >= last, "lines are in time order");
        last = t;
        let message = source.message(row);
        let parsed: Value =
            serde_json::from_str(&message).unwrap_or_else(|e| panic!("{e}: {message}"));
        if source.log_group(row) == "/aws/lambda/validate" {
            lambda_lines += 1;
            assert_eq!(parsed["error_type"], "DataValidationError");
            assert_eq!(parsed["level"], "ERROR");
            assert!(parsed["item"]["index"].is_u64());
        } else if parsed["type"] == "ExecutionFailed"
            && parsed["execution_arn"]
                .as_str()
                .is_some_and(|a| a.contains("/Import:"))
        {
            failed_children += 1;
            assert_eq!(parsed["details"]["error"], "Exception");
        }
    }
    let exceptions = sim
        .state_stats()
        .iter()
        .map(|s| s.errors.get("Exception").copied().unwrap_or(0))
        .sum::<u64>();
    assert_eq!(lambda_lines, exceptions);
    assert_eq!(failed_children, sim.map_runs()[0].execution_counts.failed);
    // A query over them.
    let result = monitor::logs::query(
        &sim,
        "fields @timestamp, error_type | filter level = \"ERROR\" | stats count(*) as errors by error_type",
    )
    .unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!(result.rows.len(), 1, "{:#?}", result.rows);
    let errors = result.rows[0]
        .iter()
        .find(|(f, _)| f == "errors")
        .map(|(_, v)| v.clone());
    assert_eq!(errors, Some(exceptions.to_string()));
}

#[test]
fn log_levels_keep_fewer_lines() {
    let mut all = scenario(json!([]));
    let count = |value: &Value| {
        let sim = run(&definition("DataValidationError"), value);
        let view = LogView::new(&sim);
        insights::LogSource::len(&view)
    };
    let n_all = count(&all);
    all["logging"]["level"] = json!("ERROR");
    let n_error = count(&all);
    all["logging"]["level"] = json!("OFF");
    let n_off = count(&all);
    assert!(
        n_all > n_error && n_error > n_off,
        "{n_all} {n_error} {n_off}"
    );
}

#[test]
fn metrics_and_logs_leave_the_run_unchanged() {
    // The same run with and without alarms and logs: the same digest.
    let with = run(
        &definition("DataValidationError"),
        &scenario(json!([{
            "AlarmName": "a", "Namespace": "AWS/Lambda", "MetricName": "Errors",
            "Dimensions": [{"Name": "FunctionName", "Value": "validate"}], "Statistic": "Sum",
            "Period": 60, "EvaluationPeriods": 1, "Threshold": 1, "ComparisonOperator": "GreaterThanThreshold"
        }])),
    );
    let mut plain = scenario(json!([]));
    plain.as_object_mut().map(|o| o.remove("logging"));
    let without = run(&definition("DataValidationError"), &plain);
    assert_eq!(with.digest(), without.digest());
}

#[test]
fn the_monitoring_example_pages_after_the_map_run_has_failed() {
    let definition: Value = serde_json::from_str(include_str!(
        "../../../../static/examples/monitoring-alarms.asl.json"
    ))
    .unwrap_or_else(|e| panic!("{e}"));
    let scenario: Value = serde_json::from_str(include_str!(
        "../../../../static/examples/monitoring-alarms.scenario.json"
    ))
    .unwrap_or_else(|e| panic!("{e}"));
    let sim = run(&definition, &scenario);
    let failed_at = sim.map_runs()[0]
        .verdict
        .as_ref()
        .map(|v| v.at_ms)
        .unwrap_or_default();
    let reports = monitor::evaluate_alarms(&sim);
    let fired = |name: &str| {
        reports
            .iter()
            .find(|r| r.name == name)
            .and_then(|r| r.transitions.iter().find(|t| t.to == "ALARM"))
            .map(|t| t.at_seconds)
    };
    // Sum over 300 s, 2 of 2 periods: the second period ends at 600 s, after the Map Run failed.
    assert_eq!(fired("HighFailureRate-DistributedMap"), Some(600.0));
    assert!(failed_at < 600_000 && failed_at > 300_000, "{failed_at}");
    assert_eq!(fired("ImportFailed"), Some(420.0));
}
