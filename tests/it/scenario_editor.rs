//! The scenario editor: its form and its JSON are two views of one text, and the problems of
//! the text are listed at their line and column.

use wasm_bindgen_test::wasm_bindgen_test;

use crate::document_harness::{choose, harness, input, scenario_text, type_into, Panel};
use crate::support::{caret_line, click, type_text};

const DEFINITION: &str = r#"{
  "StartAt": "Fan",
  "States": {
    "Fan": {
      "Type": "Map",
      "ItemProcessor": {
        "ProcessorConfig": { "Mode": "DISTRIBUTED", "ExecutionType": "STANDARD" },
        "StartAt": "Work",
        "States": {
          "Work": {
            "Type": "Task",
            "Resource": "arn:aws:states:::lambda:invoke",
            "Catch": [ { "ErrorEquals": ["BadItem"], "Next": "Skip" } ],
            "End": true
          },
          "Skip": { "Type": "Pass", "End": true }
        }
      },
      "End": true
    }
  }
}"#;

const SCENARIO: &str = r#"{
  "seed": 7,
  "items": { "count": 100 },
  "tasks": {
    "Work": {
      "latency": { "fixed_ms": 200 },
      "faults": [
        { "error": "Lambda.ServiceException", "probability": 0.05 }
      ]
    }
  }
}"#;

#[wasm_bindgen_test]
async fn the_form_shows_the_json_and_writes_into_it() {
    let page = harness(Panel::Scenario, DEFINITION, SCENARIO).await;
    let items = page.one("[data-testid=scenario-items]");
    let seed = page.one("[data-testid=scenario-seed]");
    let concurrency = page.one("[data-testid=scenario-lambda-concurrency]");
    assert_eq!(input(&items).value(), "100");
    assert_eq!(input(&seed).value(), "7");
    assert_eq!(input(&concurrency).value(), "");

    type_into(&items, "5000");
    type_into(&concurrency, "250");
    yew::scheduler::flush().await;
    let text = scenario_text(&page);
    assert!(text.contains("\"items\": { \"count\": 5000 },"), "{text}");
    assert!(
        text.ends_with("  },\n  \"limits\": {\n    \"lambda_concurrency\": 250\n  }\n}"),
        "{text}"
    );
    assert_eq!(
        page.textarea("[data-testid=scenario-editor]").value(),
        text,
        "the raw JSON is the same text"
    );
}

#[wasm_bindgen_test]
async fn typing_the_json_updates_the_form() {
    let page = harness(Panel::Scenario, DEFINITION, SCENARIO).await;
    let editor = page.textarea("[data-testid=scenario-editor]");
    type_text(&editor, &SCENARIO.replace("\"seed\": 7", "\"seed\": 99"));
    yew::scheduler::flush().await;
    assert_eq!(
        input(&page.one("[data-testid=scenario-seed]")).value(),
        "99"
    );
    assert_eq!(page.count("[data-testid=scenario-ok]"), 1);
}

#[wasm_bindgen_test]
async fn tasks_come_from_the_definition_with_latency_and_faults() {
    let page = harness(Panel::Scenario, DEFINITION, SCENARIO).await;
    let tasks: Vec<String> = page
        .all("[data-testid=scenario-task]")
        .iter()
        .filter_map(|t| t.get_attribute("data-task"))
        .collect();
    assert_eq!(tasks, ["Work"]);

    choose(
        &page.one("[data-task=Work] [data-testid=latency-kind]"),
        "lognormal",
    );
    yew::scheduler::flush().await;
    assert!(scenario_text(&page).contains("\"latency\": {\n        \"lognormal\": {\n          \"median_ms\": 200,\n          \"p99_ms\": 1000\n        }\n      },"), "{}", scenario_text(&page));

    click(&page.one("[data-task=Work] [data-testid=add-fault]"));
    yew::scheduler::flush().await;
    assert_eq!(page.count("[data-task=Work] [data-testid=fault]"), 2);
    let errors = page.all("[data-task=Work] [data-testid=fault-error]");
    type_into(&errors[1], "BadItem");
    choose(
        &page.all("[data-task=Work] [data-testid=fault-items]")[1],
        "indices",
    );
    yew::scheduler::flush().await;
    let text = scenario_text(&page);
    assert!(text.contains("\"error\": \"BadItem\""), "{text}");
    assert!(
        text.contains("\"items\": {\"indices\":[0]}") || text.contains("\"indices\": ["),
        "{text}"
    );

    // Remove both faults: the empty list goes too.
    for _ in 0..2 {
        click(&page.all("[data-task=Work] [data-testid=fault] [data-testid=remove]")[0]);
        yew::scheduler::flush().await;
    }
    assert!(
        !scenario_text(&page).contains("faults"),
        "{}",
        scenario_text(&page)
    );
}

#[wasm_bindgen_test]
async fn problems_are_listed_at_their_line_and_reveal_it() {
    let page = harness(Panel::Scenario, DEFINITION, SCENARIO).await;
    let editor = page.textarea("[data-testid=scenario-editor]");
    let broken = SCENARIO.replace("\"probability\": 0.05", "\"probability\": 5");
    type_text(&editor, &broken);
    yew::scheduler::flush().await;
    let problems = page.all("[data-testid=scenario-problem]");
    assert_eq!(problems.len(), 1, "{}", page.root.inner_html());
    assert_eq!(problems[0].get_attribute("data-line").as_deref(), Some("8"));
    assert!(problems[0]
        .text_content()
        .unwrap_or_default()
        .contains("probability"));
    // The form shows it beside the field too.
    assert_eq!(page.count("[data-testid=fault] .form-issue"), 1);

    let _ = editor.set_selection_range(0, 0);
    click(&page.one("[data-testid=scenario-problem] button"));
    assert_eq!(caret_line(&editor), 8);

    // Broken JSON: the form steps aside, the problem has its line, the page keeps working.
    type_text(&editor, "{\n  \"seed\": ,\n}");
    yew::scheduler::flush().await;
    assert_eq!(page.count("[data-testid=scenario-form-unavailable]"), 1);
    assert_eq!(
        page.one("[data-testid=scenario-problem]")
            .get_attribute("data-line")
            .as_deref(),
        Some("2")
    );
    type_text(&editor, SCENARIO);
    yew::scheduler::flush().await;
    assert_eq!(page.count("[data-testid=scenario-form]"), 1);
}

#[wasm_bindgen_test]
async fn a_task_the_definition_lacks_is_flagged() {
    let page = harness(
        Panel::Scenario,
        DEFINITION,
        &SCENARIO.replace("\"Work\"", "\"Wrok\""),
    )
    .await;
    let tasks: Vec<String> = page
        .all("[data-testid=scenario-task]")
        .iter()
        .filter_map(|t| t.get_attribute("data-task"))
        .collect();
    assert_eq!(tasks, ["Work", "Wrok"]);
    assert!(page
        .one("[data-task=Wrok] summary")
        .text_content()
        .unwrap_or_default()
        .contains("not in the definition"));
    assert!(page
        .one("[data-testid=scenario-problem]")
        .text_content()
        .unwrap_or_default()
        .contains("did you mean `Work`"));
}

#[wasm_bindgen_test]
async fn what_is_typed_stays_as_typed_while_it_means_the_value_written() {
    let page = harness(Panel::Scenario, DEFINITION, SCENARIO).await;
    let probability = page.one("[data-task=Work] [data-testid=fault-probability]");
    type_into(&probability, "0.50");
    yew::scheduler::flush().await;
    assert!(
        scenario_text(&page).contains("\"probability\": 0.5 }"),
        "{}",
        scenario_text(&page)
    );
    assert_eq!(
        input(&probability).value(),
        "0.50",
        "not rewritten under the caret"
    );

    let attempts = page.one("[data-task=Work] [data-pointer='/tasks/Work/faults/0/attempts']");
    type_into(&attempts, "0, 1,");
    yew::scheduler::flush().await;
    let written: serde_json::Value =
        serde_json::from_str(&scenario_text(&page)).unwrap_or_default();
    assert_eq!(
        written["tasks"]["Work"]["faults"][0]["attempts"],
        serde_json::json!([0, 1])
    );
    assert_eq!(input(&attempts).value(), "0, 1,");

    // A change from elsewhere replaces what was typed.
    let editor = page.textarea("[data-testid=scenario-editor]");
    type_text(
        &editor,
        &SCENARIO.replace("\"probability\": 0.05", "\"probability\": 0.25"),
    );
    yew::scheduler::flush().await;
    assert_eq!(
        input(&page.one("[data-task=Work] [data-testid=fault-probability]")).value(),
        "0.25"
    );
}
