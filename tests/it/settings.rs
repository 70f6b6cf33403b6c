//! The settings forms write every change into the ASL text and show what the text says: the
//! tolerance inputs the page's tests rely on, retriers and catchers added, changed, moved and
//! removed, inline problems from `asl`'s diagnostics.

use wasm_bindgen_test::wasm_bindgen_test;

use crate::document_harness::{
    choose, definition_text, harness, input, press_enter, type_into, Panel,
};
use crate::support::click;

const DEFINITION: &str = r#"{
  "StartAt": "Fan",
  "States": {
    "Fan": {
      "Type": "Map",
      "ToleratedFailureCount": 5,
      "ItemProcessor": {
        "ProcessorConfig": { "Mode": "DISTRIBUTED", "ExecutionType": "STANDARD" },
        "StartAt": "Work",
        "States": {
          "Work": {
            "Type": "Task",
            "Resource": "arn:aws:states:::lambda:invoke",
            "Retry": [
              { "ErrorEquals": ["Lambda.ServiceException"], "MaxAttempts": 2 },
              { "ErrorEquals": ["States.ALL"], "MaxAttempts": 0 }
            ],
            "Catch": [ { "ErrorEquals": ["BadItem"], "Next": "Skip" } ],
            "Next": "Done"
          },
          "Skip": { "Type": "Pass", "End": true },
          "Done": { "Type": "Succeed" }
        }
      },
      "Next": "Again"
    },
    "Again": {
      "Type": "Map",
      "ItemProcessor": {
        "ProcessorConfig": { "Mode": "DISTRIBUTED", "ExecutionType": "EXPRESS" },
        "StartAt": "Echo",
        "States": { "Echo": { "Type": "Pass", "End": true } }
      },
      "End": true
    }
  }
}
"#;

const SCENARIO: &str = r#"{ "items": { "count": 10 } }"#;

/// The lines of `after` that differ from `before`.
fn changed_lines(before: &str, after: &str) -> Vec<String> {
    assert_eq!(before.lines().count(), after.lines().count(), "{after}");
    before
        .lines()
        .zip(after.lines())
        .filter(|(b, a)| b != a)
        .map(|(_, a)| a.trim().to_string())
        .collect()
}

#[wasm_bindgen_test]
async fn the_tolerance_inputs_show_the_first_distributed_map_and_write_into_the_text() {
    let page = harness(Panel::Settings, DEFINITION, SCENARIO).await;
    let count = page.one("[data-testid=tolerated-failure-count]");
    let percentage = page.one("[data-testid=tolerated-failure-percentage]");
    assert_eq!(input(&count).value(), "5");
    assert_eq!(input(&percentage).value(), "");
    assert_eq!(page.count("[data-testid=tolerated-failure-count]"), 1);

    type_into(&count, "50");
    yew::scheduler::flush().await;
    assert_eq!(
        changed_lines(DEFINITION, &definition_text(&page)),
        [r#""ToleratedFailureCount": 50,"#]
    );

    // A new field is inserted; clearing a field removes it.
    type_into(&percentage, "2.5");
    yew::scheduler::flush().await;
    assert!(definition_text(&page).contains("\"ToleratedFailurePercentage\": 2.5"));
    type_into(&count, "");
    type_into(&percentage, "");
    yew::scheduler::flush().await;
    let without = DEFINITION.replace("      \"ToleratedFailureCount\": 5,\n", "");
    assert_eq!(definition_text(&page), without);

    // Half-typed numbers are not written.
    type_into(&count, "1e");
    yew::scheduler::flush().await;
    assert_eq!(definition_text(&page), without);
    assert_eq!(page.count("[data-testid=map-run-settings] .form-issue"), 1);
}

#[wasm_bindgen_test]
async fn another_distributed_map_can_be_shown() {
    let page = harness(Panel::Settings, DEFINITION, SCENARIO).await;
    let picker = page.one("[data-testid=shown-map]");
    choose(&picker, "/States/Again");
    yew::scheduler::flush().await;
    let count = page.one("[data-testid=tolerated-failure-count]");
    assert_eq!(
        count.get_attribute("data-pointer").as_deref(),
        Some("/States/Again/ToleratedFailureCount")
    );
    type_into(&count, "3");
    yew::scheduler::flush().await;
    let text = definition_text(&page);
    assert!(text.contains("\"ToleratedFailureCount\": 5,"), "{text}");
    assert!(text.contains("\"ToleratedFailureCount\": 3"), "{text}");
}

#[wasm_bindgen_test]
async fn states_are_grouped_by_the_workflow_they_live_in() {
    let page = harness(Panel::Settings, DEFINITION, SCENARIO).await;
    let scopes: Vec<String> = page
        .all("[data-testid=settings-scope] > h3")
        .iter()
        .map(|h| h.text_content().unwrap_or_default())
        .collect();
    assert_eq!(
        scopes,
        ["Parent workflow", "Child workflow · Fan (Distributed Map)"]
    );
    let states: Vec<String> = page
        .all("[data-testid=state-settings]")
        .iter()
        .filter_map(|s| s.get_attribute("data-state"))
        .collect();
    assert_eq!(states, ["Fan", "Again", "Work"]);
}

#[wasm_bindgen_test]
async fn retrier_fields_are_edited_in_place_and_problems_come_from_asl() {
    let page = harness(Panel::Settings, DEFINITION, SCENARIO).await;
    let pointer = "/States/Fan/ItemProcessor/States/Work/Retry/0";
    let max_attempts = page.one(&format!("[data-pointer='{pointer}/MaxAttempts']"));
    type_into(&max_attempts, "6");
    yew::scheduler::flush().await;
    assert_eq!(
        changed_lines(DEFINITION, &definition_text(&page)),
        [r#"{ "ErrorEquals": ["Lambda.ServiceException"], "MaxAttempts": 6 },"#]
    );

    let backoff = page.one(&format!("[data-pointer='{pointer}/BackoffRate']"));
    type_into(&backoff, "0.5");
    yew::scheduler::flush().await;
    assert!(definition_text(&page).contains("\"MaxAttempts\": 6, \"BackoffRate\": 0.5 }"));
    let issues = page.all(&format!("[data-pointer='{pointer}'] .form-issue"));
    assert_eq!(issues.len(), 1, "{}", page.root.inner_html());
    assert!(issues[0]
        .text_content()
        .unwrap_or_default()
        .contains("BackoffRate"));
    assert_eq!(
        page.one("[data-testid=harness-runnable]")
            .text_content()
            .as_deref(),
        Some("false")
    );

    let jitter = page.one(&format!("[data-pointer='{pointer}/JitterStrategy']"));
    choose(&jitter, "FULL");
    yew::scheduler::flush().await;
    assert!(definition_text(&page).contains("\"JitterStrategy\": \"FULL\""));
}

#[wasm_bindgen_test]
async fn retriers_are_added_moved_and_removed() {
    let page = harness(Panel::Settings, DEFINITION, SCENARIO).await;
    let work = "[data-state=Work]";
    let first_errors = |page: &crate::support::Mounted<_>| -> Vec<String> {
        page.all(&format!(
            "{work} [data-testid=retrier] [data-testid=error-chip] .chip-error-name"
        ))
        .iter()
        .map(|chip| chip.text_content().unwrap_or_default())
        .collect()
    };
    assert_eq!(
        first_errors(&page),
        ["Lambda.ServiceException", "States.ALL"]
    );

    click(
        &page.all(&format!(
            "{work} [data-testid=retrier] [data-testid=move-down]"
        ))[0],
    );
    yew::scheduler::flush().await;
    assert_eq!(
        first_errors(&page),
        ["States.ALL", "Lambda.ServiceException"]
    );
    assert!(definition_text(&page).contains(
        "{ \"ErrorEquals\": [\"States.ALL\"], \"MaxAttempts\": 0 },\n              { \"ErrorEquals\": [\"Lambda.ServiceException\"], \"MaxAttempts\": 2 }"
    ));

    click(&page.one(&format!("{work} [data-testid=add-retrier]")));
    yew::scheduler::flush().await;
    assert_eq!(page.count(&format!("{work} [data-testid=retrier]")), 3);

    for _ in 0..3 {
        click(
            &page.all(&format!(
                "{work} [data-testid=retrier] [data-testid=remove]"
            ))[0],
        );
        yew::scheduler::flush().await;
    }
    assert_eq!(page.count(&format!("{work} [data-testid=retrier]")), 0);
    assert!(!definition_text(&page).contains("\"Retry\""));
}

#[wasm_bindgen_test]
async fn error_names_are_chips_added_with_enter_and_removed_with_their_button() {
    let page = harness(Panel::Settings, DEFINITION, SCENARIO).await;
    let catcher = "[data-state=Work] [data-testid=catcher]";
    let chip_input = page.one(&format!("{catcher} [data-testid=error-chip-input]"));
    input(&chip_input).set_value("States.Timeout");
    press_enter(&chip_input);
    yew::scheduler::flush().await;
    assert!(definition_text(&page).contains("\"ErrorEquals\": [\"BadItem\", \"States.Timeout\"]"));
    assert_eq!(input(&chip_input).value(), "");

    click(&page.all(&format!("{catcher} .chip-remove"))[0]);
    yew::scheduler::flush().await;
    assert!(definition_text(&page).contains("\"ErrorEquals\": [\"States.Timeout\"]"));
}

#[wasm_bindgen_test]
async fn a_catcher_goes_to_a_state_of_its_own_scope() {
    let page = harness(Panel::Settings, DEFINITION, SCENARIO).await;
    let next = page.one("[data-state=Work] [data-testid=catcher] select");
    let options: Vec<String> = page
        .all("[data-state=Work] [data-testid=catcher] select option")
        .iter()
        .map(|o| o.text_content().unwrap_or_default())
        .collect();
    assert_eq!(options, ["Work", "Skip", "Done"]);
    choose(&next, "Done");
    yew::scheduler::flush().await;
    assert!(
        definition_text(&page).contains("{ \"ErrorEquals\": [\"BadItem\"], \"Next\": \"Done\" }")
    );

    let result_path =
        page.one("[data-pointer='/States/Fan/ItemProcessor/States/Work/Catch/0/ResultPath']");
    type_into(&result_path, "null");
    yew::scheduler::flush().await;
    assert!(definition_text(&page).contains("\"Next\": \"Done\", \"ResultPath\": null }"));
}

#[wasm_bindgen_test]
async fn a_definition_that_cannot_be_read_says_so_instead_of_forms() {
    let page = harness(Panel::Settings, "{ \"StartAt\": ", SCENARIO).await;
    assert_eq!(page.count("[data-testid=settings-unavailable]"), 1);
    assert_eq!(page.count("[data-testid=tolerated-failure-count]"), 0);
}
