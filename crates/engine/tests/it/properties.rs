//! Property tests: counts add up, the tolerance verdict equals its closed form, every run ends,
//! the same seed gives the same run, and a replayed child equals the child of a full re-run.

use engine::report::ChildStatus;
use engine::sim::{tolerance_exceeded, ExecutionStatus, SimOptions, Simulation};
use proptest::prelude::*;
use serde_json::{json, Value};

use crate::support::*;

const FN: &str = "arn:aws:lambda:us-east-1:123456789012:function:work";

#[derive(Debug, Clone)]
struct MapCase {
    items: u64,
    max_concurrency: u64,
    count: Option<u64>,
    percentage: Option<f64>,
    batch: Option<u64>,
    probability: f64,
    poison: Vec<u64>,
    retries: u64,
    seed: u64,
    express: bool,
    latency_max: u64,
}

fn map_case() -> impl Strategy<Value = MapCase> {
    (
        1u64..300,
        0u64..40,
        proptest::option::of(0u64..30),
        proptest::option::of(0u32..=100),
        proptest::option::of(1u64..20),
        0.0f64..0.4,
        proptest::collection::vec(0u64..300, 0..20),
        0u64..3,
        any::<u64>(),
        any::<bool>(),
        1u64..500,
    )
        .prop_map(
            |(
                items,
                max_concurrency,
                count,
                percentage,
                batch,
                probability,
                poison,
                retries,
                seed,
                express,
                latency_max,
            )| MapCase {
                items,
                max_concurrency,
                count,
                percentage: percentage.map(|p| f64::from(p) / 2.0),
                batch,
                probability,
                poison,
                retries,
                seed,
                express,
                latency_max,
            },
        )
}

fn map_definition(case: &MapCase) -> Value {
    let mut map = json!({
        "Type": "Map",
        "ItemProcessor": {
            "ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": if case.express { "EXPRESS" } else { "STANDARD" }},
            "StartAt": "Work",
            "States": {"Work": {
                "Type": "Task", "Resource": FN, "End": true,
                "Retry": [{"ErrorEquals": ["Transient"], "MaxAttempts": case.retries, "IntervalSeconds": 1, "JitterStrategy": "FULL"}]
            }}
        },
        "MaxConcurrency": case.max_concurrency,
        "ResultWriter": {"Resource": "arn:aws:states:::s3:putObject", "Parameters": {"Bucket": "b", "Prefix": "p"}},
        "End": true
    });
    if let Some(c) = case.count {
        map["ToleratedFailureCount"] = json!(c);
    }
    if let Some(p) = case.percentage {
        map["ToleratedFailurePercentage"] = json!(p);
    }
    if let Some(b) = case.batch {
        map["ItemBatcher"] = json!({"MaxItemsPerBatch": b});
    }
    json!({"StartAt": "Process", "States": {"Process": map}})
}

fn map_scenario(case: &MapCase) -> Value {
    let mut s = map_scenario_unlimited(case);
    s["limits"] = json!({"lambda_concurrency": 7});
    s
}

fn map_scenario_unlimited(case: &MapCase) -> Value {
    json!({
        "seed": case.seed,
        "items": {"count": case.items},
        "tasks": {"Work": {
            "latency": {"uniform": {"min_ms": 0, "max_ms": case.latency_max}},
            "faults": [
                {"error": "Poison", "items": {"indices": case.poison}},
                {"error": "Transient", "probability": case.probability}
            ]
        }}
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, .. ProptestConfig::default() })]

    #[test]
    fn item_and_execution_counts_always_add_up(case in map_case(), pauses in proptest::collection::vec(0u64..5000, 1..6)) {
        let definition = map_definition(&case);
        let mut sim = Simulation::new(&model(&definition), &scenario(&map_scenario(&case)), SimOptions::default())
            .unwrap_or_else(|e| panic!("{e}"));
        let mut times = pauses;
        times.sort_unstable();
        for t in times {
            sim.step_until(t);
            for run in sim.map_runs() {
                prop_assert_eq!(run.item_counts.sum(), run.item_counts.total);
                prop_assert_eq!(run.execution_counts.sum(), run.execution_counts.total);
            }
        }
        sim.run();
        for run in sim.map_runs() {
            prop_assert_eq!(run.item_counts.sum(), case.items);
            prop_assert_eq!(run.item_counts.running, 0);
            prop_assert_eq!(run.execution_counts.sum(), run.execution_counts.total);
        }
    }

    #[test]
    fn the_tolerance_verdict_equals_the_closed_form(
        items in 1u64..200,
        count in proptest::option::of(0u64..20),
        percentage in proptest::option::of(0u32..=200),
        poison in proptest::collection::btree_set(0u64..200, 0..40),
        max_concurrency in 1u64..30,
    ) {
        let percentage = percentage.map(|p| f64::from(p) / 2.0);
        let poison: Vec<u64> = poison.into_iter().filter(|i| *i < items).collect();
        let case = MapCase {
            items, max_concurrency, count, percentage, batch: None, probability: 0.0,
            poison: poison.clone(), retries: 0, seed: 1, express: false, latency_max: 100,
        };
        let sim = run(&map_definition(&case), &map_scenario_unlimited(&case));
        let failed = poison.len() as u64;
        let expect_failure = tolerance_exceeded(failed, items, count, percentage);
        let status = sim.outcome().map(|o| o.status);
        prop_assert_eq!(status == Some(ExecutionStatus::Failed), expect_failure);
        if expect_failure {
            let first = (1..=failed).find(|k| tolerance_exceeded(*k, items, count, percentage));
            let verdict = sim.map_runs()[0].verdict.clone();
            prop_assert_eq!(verdict.map(|v| v.failed_items), first);
        } else {
            prop_assert_eq!(sim.map_runs()[0].item_counts.failed, failed);
        }
    }

    #[test]
    fn the_same_seed_gives_the_same_run_and_a_replayed_child_equals_a_rerun(case in map_case(), pick in any::<usize>()) {
        let definition = map_definition(&case);
        let scenario_value = map_scenario(&case);
        let a = run(&definition, &scenario_value);
        let b = run(&definition, &scenario_value);
        prop_assert_eq!(a.digest(), b.digest());
        prop_assert_eq!(a.parent_history(), b.parent_history());
        let run0 = &a.map_runs()[0];
        let started: Vec<usize> = (0..run0.children.len())
            .filter(|i| run0.children[*i].status != ChildStatus::Pending)
            .collect();
        if !started.is_empty() {
            let child = started[pick % started.len()];
            let replayed = a.child_trace(0, child).unwrap_or_else(|e| panic!("{e}"));
            let rerun = a.child_trace_by_rerun(0, child).unwrap_or_else(|e| panic!("{e}"));
            prop_assert_eq!(&replayed.history, &rerun.history);
            prop_assert_eq!(&replayed.timeline, &rerun.timeline);
            prop_assert_eq!(replayed.status, rerun.status);
            let expected = match run0.children[child].status {
                ChildStatus::Succeeded => ExecutionStatus::Succeeded,
                ChildStatus::Failed => ExecutionStatus::Failed,
                ChildStatus::TimedOut => ExecutionStatus::TimedOut,
                _ => ExecutionStatus::Aborted,
            };
            prop_assert_eq!(replayed.status, expected);
        }
    }

    #[test]
    fn every_run_ends(machine in random_machine(), seed in any::<u64>(), probability in 0.0f64..0.6) {
        let mut names = Vec::new();
        task_names(&machine, &mut names);
        let behaviours = [
            json!({"latency": {"uniform": {"min_ms": 0, "max_ms": 2000}}, "faults": [{"error": "E1", "probability": probability}]}),
            json!({"latency": {"lognormal": {"median_ms": 50, "p99_ms": 900}}, "faults": [{"error": "E2", "probability": probability}]}),
            json!({"faults": [{"error": "E1", "probability": probability}, {"error": "E2", "attempts": [0]}]}),
        ];
        let tasks: serde_json::Map<String, Value> = names
            .iter()
            .enumerate()
            .map(|(i, n)| (n.clone(), behaviours[i % 3].clone()))
            .collect();
        let scenario_value = json!({
            "seed": seed,
            "input": {"list": [1, 2, 3], "n": 3},
            "items": {"count": 20},
            "tasks": tasks,
            "limits": {"lambda_concurrency": 3}
        });
        let mut sim = Simulation::new(&model(&machine), &scenario(&scenario_value), SimOptions::default())
            .unwrap_or_else(|e| panic!("{e}\n{machine}"));
        let mut steps = 0u64;
        while sim.step() {
            steps += 1;
            prop_assert!(steps < 5_000_000, "did not end: {machine}");
        }
        let outcome = sim.outcome().cloned().unwrap_or_else(|| panic!("no outcome"));
        prop_assert!(outcome.error.as_deref() != Some("mapsim.Stalled"), "stalled: {machine}");
        prop_assert!(outcome.status != ExecutionStatus::Running);
    }
}

/// A random machine: a chain of states, each a Task, Pass, Wait, Choice (possibly looping
/// back), Parallel, Inline Map or Distributed Map, with random Retry and Catch.
fn random_machine() -> impl Strategy<Value = Value> {
    proptest::collection::vec((0u8..7, 0u8..3, any::<bool>(), any::<bool>(), 0u64..3), 1..6).prop_map(|specs| {
        let mut states = serde_json::Map::new();
        let n = specs.len();
        let name = |i: usize| format!("S{i}");
        for (i, (kind, task, retry, catch, max)) in specs.into_iter().enumerate() {
            let next = if i + 1 < n { json!({"Next": name(i + 1)}) } else { json!({"End": true}) };
            let _ = task;
            let task_state = |_: String| {
                let mut t = json!({"Type": "Task", "Resource": FN, "End": true});
                if retry {
                    t["Retry"] = json!([{"ErrorEquals": ["E1"], "MaxAttempts": max, "IntervalSeconds": 1, "JitterStrategy": "FULL"}, {"ErrorEquals": ["States.ALL"], "MaxAttempts": 1}]);
                }
                t
            };
            let mut state = match kind {
                0 => {
                    let mut t = task_state(String::new());
                    if let Value::Object(m) = &mut t {
                        m.remove("End");
                    }
                    t
                }
                1 => json!({"Type": "Pass", "Result": {"i": i}, "ResultPath": "$.last"}),
                2 => json!({"Type": "Wait", "Seconds": max}),
                3 => json!({"Type": "Choice", "Choices": [{"Variable": "$.n", "NumericGreaterThan": 100, "Next": name(0)}], "Default": if i + 1 < n { name(i + 1) } else { "Done".into() }}),
                4 => json!({"Type": "Parallel", "Branches": [
                    {"StartAt": format!("B{i}a"), "States": {format!("B{i}a"): task_state(String::new())}},
                    {"StartAt": format!("B{i}b"), "States": {format!("B{i}b"): {"Type": "Pass", "End": true}}}
                ], "ResultPath": null}),
                5 => json!({"Type": "Map", "ItemsPath": "$.list", "MaxConcurrency": max, "ItemProcessor": {
                    "StartAt": format!("I{i}"), "States": {format!("I{i}"): task_state(String::new())}
                }, "ResultPath": null}),
                _ => json!({"Type": "Map", "ToleratedFailurePercentage": 50, "MaxConcurrency": max,
                    "ResultWriter": {"Resource": "arn:aws:states:::s3:putObject", "Parameters": {"Bucket": "b", "Prefix": "p"}},
                    "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
                    "StartAt": format!("D{i}"), "States": {format!("D{i}"): task_state(String::new())}
                }, "ResultPath": null}),
            };
            if kind != 3 {
                if let (Value::Object(m), Value::Object(nx)) = (&mut state, next) {
                    m.extend(nx);
                }
            }
            if catch && matches!(kind, 0 | 4 | 5 | 6) {
                state["Catch"] = json!([{"ErrorEquals": ["States.ALL"], "Next": "Done", "ResultPath": "$.error"}]);
            }
            states.insert(name(i), state);
        }
        states.insert("Done".into(), json!({"Type": "Pass", "End": true}));
        // Keep Done reachable only when something points at it; otherwise drop it.
        let text = Value::Object(states.clone()).to_string();
        if !text.contains("\"Next\":\"Done\"") && !text.contains("\"Default\":\"Done\"") {
            states.remove("Done");
        }
        json!({"StartAt": "S0", "States": states})
    })
}

/// Every Task state name in a machine (nested ones included).
fn task_names(value: &Value, out: &mut Vec<String>) {
    if let Some(Value::Object(states)) = value.get("States") {
        for (name, state) in states {
            if state["Type"] == "Task" {
                out.push(name.clone());
            }
            for branch in state["Branches"].as_array().into_iter().flatten() {
                task_names(branch, out);
            }
            if state.get("ItemProcessor").is_some() {
                task_names(&state["ItemProcessor"], out);
            }
        }
    }
}
