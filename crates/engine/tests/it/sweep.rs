//! Sweeps: the closed form against Monte Carlo where it holds, and its reasons where it does not.

use engine::cost::CostOptions;
use engine::sweep::{self, Plan};
use serde_json::{json, Value};

fn definition(extra_map: Value, task_extra: Value) -> Value {
    let mut map = json!({
        "Type": "Map",
        "ToleratedFailureCount": 5,
        "ItemProcessor": {
            "ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
            "StartAt": "Work",
            "States": {
                "Work": {
                    "Type": "Task",
                    "Resource": "arn:aws:lambda:us-east-1:123456789012:function:work",
                    "Retry": [
                        {"ErrorEquals": ["Flaky"], "MaxAttempts": 1, "IntervalSeconds": 1},
                        {"ErrorEquals": ["States.ALL"], "MaxAttempts": 0}
                    ],
                    "Catch": [{"ErrorEquals": ["Bad"], "Next": "Handled"}],
                    "Next": "Done"
                },
                "Handled": {"Type": "Pass", "Next": "Done"},
                "Done": {"Type": "Pass", "End": true}
            }
        },
        "End": true
    });
    if let (Value::Object(m), Value::Object(extra)) = (&mut map, extra_map) {
        m.extend(extra);
    }
    if let (Some(Value::Object(task)), Value::Object(extra)) =
        (map.pointer_mut("/ItemProcessor/States/Work"), task_extra)
    {
        task.extend(extra);
    }
    json!({"StartAt": "Fan", "States": {"Fan": map}})
}

fn scenario() -> Value {
    // Per attempt: Flaky 0.5 (retried once), then Bad 0.2 of the rest (caught), then Other 0.1
    // (no retry, not caught). An item fails when Flaky fires twice, or Other fires.
    json!({
        "seed": 100,
        "items": {"count": 20},
        "tasks": {"Work": {"latency": {"fixed_ms": 100}, "faults": [
            {"error": "Flaky", "probability": 0.5},
            {"error": "Bad", "probability": 0.2},
            {"error": "Other", "probability": 0.1}
        ]}}
    })
}

fn cost() -> CostOptions {
    CostOptions {
        region: "us-east-1".into(),
        express_parent: false,
        free_tier: false,
        express_memory_mb: None,
    }
}

/// The item's failure probability worked out by hand: first attempt Flaky (0.5) → the retry;
/// Other on an attempt fires with 0.5 × 0.8 × 0.1 = 0.04. Fail = 0.04 + 0.5 × (0.5 + 0.04).
const ITEM_FAILS: f64 = 0.04 + 0.5 * (0.5 + 0.04);

#[test]
fn the_closed_form_is_the_binomial_tail_of_the_hand_worked_item_probability() {
    let plan = Plan::new(
        definition(json!({}), json!({})),
        scenario(),
        vec![sweep::parse_axis("/States/Fan/ToleratedFailureCount=5:5:1").expect("axis")],
        1,
        None,
        cost(),
    )
    .expect("plan");
    let cell = plan.run_cell(&[5.0], None).expect("cell");
    let expected = sweep::binomial_tail(20, ITEM_FAILS, 6);
    let closed = cell.closed_form.expect("holds");
    assert!((closed - expected).abs() < 1e-12, "{closed} vs {expected}");
}

#[test]
fn monte_carlo_agrees_with_the_closed_form_where_it_holds() {
    // 400 runs per cell over three tolerances: the closed form inside every 95 % interval.
    let plan = Plan::new(
        definition(json!({}), json!({})),
        scenario(),
        vec![sweep::parse_axis("/States/Fan/ToleratedFailureCount=3:9:3").expect("axis")],
        400,
        None,
        cost(),
    )
    .expect("plan");
    for cell in plan.cells() {
        let r = plan.run_cell(&cell, None).expect("cell");
        let closed = r.closed_form.expect("holds");
        assert!(
            !r.closed_form_disagrees,
            "count {}: closed form {closed} outside {:?} (Monte Carlo {})",
            cell[0], r.stats.ci95_map_run, r.stats.p_map_run_failed
        );
        // Nothing else in the parent fails: the execution fails exactly when the Map Run does.
        assert_eq!(r.stats.p_execution_failed, r.stats.p_map_run_failed);
    }
}

#[test]
fn the_closed_form_says_why_it_does_not_apply() {
    let cases: Vec<(Value, Value, Value, &str)> = vec![
        (
            json!({"ItemBatcher": {"MaxItemsPerBatch": 2}}),
            json!({}),
            json!({}),
            "batching",
        ),
        (
            json!({}),
            json!({"TimeoutSeconds": 5}),
            json!({}),
            "timeout",
        ),
        (
            json!({}),
            json!({}),
            json!({"limits": {"lambda_concurrency": 5}}),
            "throttling",
        ),
    ];
    for (map_extra, task_extra, scenario_extra, needle) in cases {
        let mut s = scenario();
        if let (Value::Object(m), Value::Object(extra)) = (&mut s, scenario_extra) {
            m.extend(extra);
        }
        let plan = Plan::new(
            definition(map_extra, task_extra),
            s,
            vec![sweep::parse_axis("/States/Fan/ToleratedFailureCount=5:5:1").expect("axis")],
            2,
            None,
            cost(),
        )
        .expect("plan");
        let r = plan.run_cell(&[5.0], None).expect("cell");
        assert_eq!(r.closed_form, None);
        let reason = r.closed_form_reason.expect("a reason");
        assert!(reason.contains(needle), "{needle}: {reason}");
        // The same reason as data, for the page's languages.
        let why = r.closed_form_why.expect("the reason as data");
        assert_eq!(why.to_string(), reason);
    }
}

#[test]
fn bad_axes_are_refused_naming_the_axis() {
    let cases = [
        ("/States/Fan/Nothing=0:1:1", "has nothing at"),
        ("/States/Fan/Type=0:1:1", "not a number"),
        (
            "/States/Fan/ToleratedFailurePercentage=0:120:60",
            "out of range",
        ),
        (
            "scenario:/tasks/Work/faults/0/probability=0:2:1",
            "out of range",
        ),
    ];
    for (spec, needle) in cases {
        let mut d = definition(json!({}), json!({}));
        d["States"]["Fan"]["ToleratedFailurePercentage"] = json!(10);
        let result = sweep::parse_axis(spec)
            .and_then(|axis| Plan::new(d, scenario(), vec![axis], 2, None, cost()));
        let err = result.expect_err(spec);
        let name = spec.split('=').next().unwrap_or("");
        assert!(err.contains(needle) && err.contains(name), "{spec}: {err}");
    }
    let axis = sweep::parse_axis("/States/Fan/ToleratedFailureCount=0:9:1").expect("axis");
    let err = Plan::new(
        definition(json!({}), json!({})),
        scenario(),
        vec![axis],
        0,
        None,
        cost(),
    )
    .expect_err("zero seeds");
    assert!(err.contains("--seeds"), "{err}");
    let axis = sweep::parse_axis("/States/Fan/ToleratedFailureCount=0:999:1").expect("axis");
    let err = Plan::new(
        definition(json!({}), json!({})),
        scenario(),
        vec![axis],
        2000,
        None,
        cost(),
    )
    .expect_err("too many runs");
    assert!(err.contains("at most"), "{err}");
}

#[test]
fn a_plan_survives_its_document_for_the_pages_workers() {
    let plan = Plan::new(
        definition(json!({}), json!({})),
        scenario(),
        vec![
            sweep::parse_axis("/States/Fan/ToleratedFailureCount=1:7:3").expect("axis"),
            sweep::parse_axis("scenario:/tasks/Work/faults/0/probability=0.1:0.3:0.1")
                .expect("axis"),
        ],
        3,
        None,
        cost(),
    )
    .expect("plan");
    let again = Plan::from_document(&plan.to_document(), None).expect("the same plan");
    assert_eq!(again.cells(), plan.cells());
    let cells = plan.cells();
    assert_eq!(
        plan.run_cell(&cells[4], None).expect("cell"),
        again.run_cell(&cells[4], None).expect("cell")
    );
}

#[test]
fn the_documents_offer_their_sweepable_numbers_with_a_valid_starting_range() {
    let d = definition(json!({}), json!({}));
    let list = sweep::candidates(&d, &scenario());
    let names: Vec<&str> = list.iter().map(|c| c.name.as_str()).collect();
    assert!(
        names.contains(&"/States/Fan/ToleratedFailureCount"),
        "{names:?}"
    );
    assert!(names.contains(&"/States/Fan/ItemProcessor/States/Work/Retry/0/MaxAttempts"));
    assert!(names.contains(&"scenario:/tasks/Work/faults/0/probability"));
    assert!(names.contains(&"scenario:/items/count"));
    let retry = list
        .iter()
        .find(|c| c.name.ends_with("Retry/0/MaxAttempts"))
        .expect("the retrier");
    assert_eq!(retry.place, "Fan · Work · Retry #1");
    // Every offered range is accepted as an axis.
    for c in &list {
        let spec = format!("{}={}:{}:{}", c.name, c.from, c.to, c.step);
        let axis = sweep::parse_axis(&spec).expect(&spec);
        Plan::new(d.clone(), scenario(), vec![axis], 1, None, cost())
            .unwrap_or_else(|e| panic!("{spec}: {e}"));
    }
}
