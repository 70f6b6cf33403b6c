//! The editor renders one gutter line per text line, marks the lines it is told to, reports
//! every input, and moves its caret on request.

use std::cell::RefCell;
use std::rc::Rc;

use asl::Severity;
use mapsim::components::asl_editor::{AslEditor, AslEditorProps};
use mapsim::i18n::Lang;
use mapsim::state::{CaretRequest, LineMark};
use wasm_bindgen_test::wasm_bindgen_test;
use yew::Callback;

use crate::support::{caret_line, mount, type_text};

fn props(text: &str, marks: Vec<LineMark>, caret: Option<CaretRequest>) -> AslEditorProps {
    AslEditorProps {
        lang: Lang::En,
        text: text.to_string().into(),
        marks: marks.into(),
        caret,
        on_edit: Callback::noop(),
        on_file: None,
    }
}

#[wasm_bindgen_test]
async fn renders_the_text_and_one_gutter_line_per_text_line() {
    let editor = mount::<AslEditor>(props("{\n  \"a\": 1\n}\n", Vec::new(), None)).await;
    assert_eq!(
        editor.textarea("[data-testid=asl-editor]").value(),
        "{\n  \"a\": 1\n}\n"
    );
    let numbers: Vec<String> = editor
        .all(".editor-gutter > .gutter-line")
        .iter()
        .map(|line| line.text_content().unwrap_or_default())
        .collect();
    assert_eq!(numbers, ["1", "2", "3", "4"]);
    assert_eq!(editor.count("[data-testid=gutter-mark]"), 0);
}

#[wasm_bindgen_test]
async fn marks_the_lines_that_have_diagnostics_with_their_severity_and_messages() {
    let marks = vec![
        LineMark {
            line: 2,
            severity: Severity::Error,
            messages: "bad value".into(),
        },
        LineMark {
            line: 3,
            severity: Severity::Warning,
            messages: "odd value".into(),
        },
    ];
    let editor = mount::<AslEditor>(props("a\nb\nc\nd", marks, None)).await;
    let marked: Vec<(String, String, String)> = editor
        .all("[data-testid=gutter-mark]")
        .iter()
        .map(|mark| {
            (
                mark.get_attribute("data-line").unwrap_or_default(),
                mark.get_attribute("data-severity").unwrap_or_default(),
                mark.get_attribute("title").unwrap_or_default(),
            )
        })
        .collect();
    assert_eq!(
        marked,
        [
            ("2".into(), "error".into(), "bad value".into()),
            ("3".into(), "warning".into(), "odd value".into()),
        ]
    );
}

#[wasm_bindgen_test]
async fn reports_every_input_with_the_whole_text() {
    let seen = Rc::new(RefCell::new(Vec::<String>::new()));
    let on_edit = {
        let seen = seen.clone();
        Callback::from(move |text: String| seen.borrow_mut().push(text))
    };
    let editor = mount::<AslEditor>(AslEditorProps {
        lang: Lang::En,
        on_edit,
        ..props("{}", Vec::new(), None)
    })
    .await;
    let textarea = editor.textarea("[data-testid=asl-editor]");
    type_text(&textarea, "{ \"StartAt\"");
    type_text(&textarea, "");
    assert_eq!(*seen.borrow(), ["{ \"StartAt\"", ""]);
}

#[wasm_bindgen_test]
async fn moves_the_caret_to_the_requested_line_and_column() {
    let caret = CaretRequest {
        line: 3,
        column: 4,
        sequence: 0,
    };
    let editor = mount::<AslEditor>(props(
        "{\n  \"名前\": 1,\n  \"b\": 2\n}",
        Vec::new(),
        Some(caret),
    ))
    .await;
    let textarea = editor.textarea("[data-testid=asl-editor]");
    assert_eq!(caret_line(&textarea), 3);
    // Line 3 starts at UTF-16 offset 13 ("{\n" + 10 units + "\n"); column 4 is 3 further on.
    assert_eq!(textarea.selection_start().ok().flatten(), Some(16));
}

#[wasm_bindgen_test]
async fn scrolls_a_far_caret_into_view() {
    let text: String = (1..=300).map(|n| format!("line {n}\n")).collect();
    let caret = CaretRequest {
        line: 250,
        column: 1,
        sequence: 0,
    };
    let editor = mount::<AslEditor>(props(&text, Vec::new(), Some(caret))).await;
    let textarea = editor.textarea("[data-testid=asl-editor]");
    assert_eq!(caret_line(&textarea), 250);
    assert!(textarea.scroll_top() > 0, "the editor scrolled to line 250");
}
