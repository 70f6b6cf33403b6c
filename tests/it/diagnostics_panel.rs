//! The diagnostics panel lists what it is given, says so when there is nothing, and reports
//! which located diagnostic the user picked.

use std::cell::RefCell;
use std::rc::Rc;

use asl::{Diagnostic, Location};
use mapsim::components::diagnostics_panel::diagnostics_panel;
use mapsim::i18n::Lang;
use wasm_bindgen_test::wasm_bindgen_test;
use yew::Callback;

use crate::support::{click, mount_view};

fn located(mut diagnostic: Diagnostic, line: u32, column: u32) -> Diagnostic {
    diagnostic.location = Some(Location {
        line,
        column,
        start: 0,
        end: 0,
    });
    diagnostic
}

#[wasm_bindgen_test]
async fn says_so_when_there_are_no_diagnostics() {
    let panel = mount_view(|| diagnostics_panel(Lang::En, &[], &Callback::noop())).await;
    assert_eq!(panel.count("[data-testid=diagnostic]"), 0);
    assert_eq!(panel.count("[data-testid=no-diagnostics]"), 1);
}

#[wasm_bindgen_test]
async fn lists_each_diagnostic_with_position_severity_code_and_message() {
    let diagnostics = vec![
        located(
            Diagnostic::error(
                "unknown-next",
                "/States/A/Next",
                "state A goes to missing state B",
            ),
            4,
            7,
        ),
        Diagnostic::warning("unreachable", "/States/C", "state C is never reached"),
    ];
    let panel =
        mount_view(move || diagnostics_panel(Lang::En, &diagnostics, &Callback::noop())).await;
    let items = panel.all("[data-testid=diagnostic]");
    assert_eq!(items.len(), 2);

    let first = &items[0];
    assert_eq!(first.tag_name(), "BUTTON");
    assert_eq!(first.get_attribute("data-line").as_deref(), Some("4"));
    assert_eq!(
        first.get_attribute("data-severity").as_deref(),
        Some("error")
    );
    let text = first.text_content().unwrap_or_default();
    for expected in [
        "4:7",
        "error",
        "unknown-next",
        "state A goes to missing state B",
    ] {
        assert!(text.contains(expected), "{expected:?} in {text:?}");
    }

    // Without a location there is nothing to jump to: not a button, no line.
    let second = &items[1];
    assert_ne!(second.tag_name(), "BUTTON");
    assert_eq!(second.get_attribute("data-line"), None);
    assert_eq!(
        second.get_attribute("data-severity").as_deref(),
        Some("warning")
    );
}

#[wasm_bindgen_test]
async fn clicking_a_located_diagnostic_reports_its_position() {
    let picked = Rc::new(RefCell::new(Vec::new()));
    let on_reveal = {
        let picked = picked.clone();
        Callback::from(move |position: (u32, u32)| picked.borrow_mut().push(position))
    };
    let diagnostics = [located(
        Diagnostic::error("syntax", "", "expected ','"),
        12,
        3,
    )];
    let panel = mount_view(move || diagnostics_panel(Lang::En, &diagnostics, &on_reveal)).await;
    click(&panel.one("[data-testid=diagnostic]"));
    assert_eq!(*picked.borrow(), [(12, 3)]);
}
