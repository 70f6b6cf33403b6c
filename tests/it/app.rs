//! The whole app: opens on the example, runs `asl` on every input, and a diagnostic click
//! moves the editor's caret.

use mapsim::app::App;
use mapsim::examples::default_example;
use wasm_bindgen_test::wasm_bindgen_test;

use crate::support::{caret_line, click, mount, type_text};

const BROKEN: &str = "{\n  \"StartAt\": \"A\",\n  \"States\": {\n    \"A\": { \"Type\": \"Pass\", \"End\": true },,\n  }\n}";

#[wasm_bindgen_test]
async fn opens_on_the_default_example_without_diagnostics() {
    let app = mount::<App>(()).await;
    assert_eq!(
        app.textarea("[data-testid=asl-editor]").value(),
        default_example().definition
    );
    assert_eq!(app.count("[data-testid=diagnostic]"), 0);
    assert_eq!(app.count("[data-testid=no-diagnostics]"), 1);
}

#[wasm_bindgen_test]
async fn a_broken_definition_shows_a_diagnostic_at_its_line_and_marks_the_gutter() {
    let app = mount::<App>(()).await;
    let textarea = app.textarea("[data-testid=asl-editor]");
    type_text(&textarea, BROKEN);
    yew::scheduler::flush().await;

    let diagnostics = app.all("[data-testid=diagnostics] [data-testid=diagnostic]");
    assert!(!diagnostics.is_empty(), "{}", app.root.inner_html());
    assert_eq!(
        diagnostics[0].get_attribute("data-line").as_deref(),
        Some("4"),
        "{}",
        diagnostics[0].outer_html()
    );
    let marks = app.all("[data-testid=gutter-mark]");
    assert_eq!(marks.len(), 1);
    assert_eq!(marks[0].get_attribute("data-line").as_deref(), Some("4"));

    // Picking the diagnostic puts the caret on its line.
    let _ = textarea.set_selection_range(0, 0);
    click(&diagnostics[0]);
    yew::scheduler::flush().await;
    assert_eq!(caret_line(&textarea), 4);

    // Fixing the text clears the diagnostics again.
    type_text(&textarea, &BROKEN.replace("},,", "}"));
    yew::scheduler::flush().await;
    assert_eq!(app.count("[data-testid=diagnostic]"), 0);
    assert_eq!(app.count("[data-testid=gutter-mark]"), 0);
}
