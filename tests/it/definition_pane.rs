//! The definition tab: files opened with the file input or dropped onto the editor replace the
//! text, files that are not UTF-8 leave it alone with a notice, and a template with several
//! state machines offers a picker.

use wasm_bindgen::JsCast;
use wasm_bindgen_futures::js_sys;
use wasm_bindgen_test::wasm_bindgen_test;
use web_sys::{DataTransfer, DragEvent, DragEventInit, File, FilePropertyBag};

use crate::document_harness::{choose, definition_text, fire, harness, input, settle, Panel};

const PLAIN: &str = "{\"StartAt\": \"A\", \"States\": {\"A\": {\"Type\": \"Succeed\"}}}";

const TEMPLATE: &str = "\
Resources:
  Orders:
    Type: AWS::StepFunctions::StateMachine
    Properties:
      Definition:
        StartAt: A
        States:
          A: {Type: Pass, End: true}
  Refunds:
    Type: AWS::Serverless::StateMachine
    Properties:
      Type: EXPRESS
      Definition:
        StartAt: Refund
        States:
          Refund: {Type: Pass, End: true}
";

/// A file holding `bytes`, as the browser would hand it over.
fn file(name: &str, bytes: &[u8]) -> File {
    let parts = js_sys::Array::new();
    parts.push(&js_sys::Uint8Array::from(bytes));
    let options = FilePropertyBag::new();
    options.set_type("application/json");
    let Ok(file) = File::new_with_u8_array_sequence_and_options(&parts, name, &options) else {
        panic!("can create a file");
    };
    file
}

fn carrying(file: &File) -> DataTransfer {
    let Ok(transfer) = DataTransfer::new() else {
        panic!("can create a DataTransfer");
    };
    let _ = transfer.items().add_with_file(file);
    transfer
}

#[wasm_bindgen_test]
async fn a_file_chosen_in_the_file_input_replaces_the_text() {
    let page = harness(Panel::Definition, PLAIN, "{}").await;
    let yaml = "StartAt: B\nStates:\n  B: {Type: Succeed}\n";
    let chooser = page.one("[data-testid=file-input]");
    input(&chooser).set_files(
        carrying(&file("machine.yaml", yaml.as_bytes()))
            .files()
            .as_ref(),
    );
    fire(&chooser, "change");
    settle().await;
    assert_eq!(definition_text(&page), yaml);
    assert_eq!(page.textarea("[data-testid=asl-editor]").value(), yaml);
    assert_eq!(page.count("[data-testid=notice]"), 0);
}

#[wasm_bindgen_test]
async fn a_file_dropped_onto_the_editor_replaces_the_text() {
    let page = harness(Panel::Definition, PLAIN, "{}").await;
    let target = page.one("[data-testid=editor-drop-target]");
    let init = DragEventInit::new();
    init.set_bubbles(true);
    init.set_cancelable(true);
    init.set_data_transfer(Some(&carrying(&file("template.yaml", TEMPLATE.as_bytes()))));
    let Ok(drop) = DragEvent::new_with_event_init_dict("drop", &init) else {
        panic!("can create a drop event");
    };
    let _ = target.dispatch_event(drop.unchecked_ref());
    settle().await;
    assert!(
        drop.default_prevented(),
        "the browser must not open the file itself"
    );
    assert_eq!(definition_text(&page), TEMPLATE);
    // A template with two machines: the picker appears, on the first.
    assert_eq!(page.count("[data-testid=machine-picker]"), 1);
    assert_eq!(
        page.one("[data-testid=harness-machine]")
            .text_content()
            .as_deref(),
        Some("Orders")
    );
}

#[wasm_bindgen_test]
async fn a_file_that_is_not_utf8_leaves_the_text_and_says_where() {
    let page = harness(Panel::Definition, PLAIN, "{}").await;
    let chooser = page.one("[data-testid=file-input]");
    let mut latin1 = b"{\n  \"Comment\": \"caf".to_vec();
    latin1.extend([0xE9, b'"', b'}']);
    input(&chooser).set_files(carrying(&file("latin1.json", &latin1)).files().as_ref());
    fire(&chooser, "change");
    settle().await;
    assert_eq!(definition_text(&page), PLAIN);
    let notice = page
        .one("[data-testid=notice]")
        .text_content()
        .unwrap_or_default();
    assert!(notice.contains("latin1.json"), "{notice}");
    assert!(notice.contains("not valid UTF-8"), "{notice}");
    assert!(notice.contains("line 2, column 18"), "{notice}");
    // Dismissed, it goes.
    crate::support::click(&page.one("[data-testid=notice] button"));
    yew::scheduler::flush().await;
    assert_eq!(page.count("[data-testid=notice]"), 0);
}

#[wasm_bindgen_test]
async fn the_machine_picker_reads_the_machine_picked() {
    let page = harness(Panel::Definition, TEMPLATE, "{}").await;
    let picker = page.one("[data-testid=machine-picker]");
    let options: Vec<String> = page
        .all("[data-testid=machine-picker] option")
        .iter()
        .map(|o| o.text_content().unwrap_or_default())
        .collect();
    assert_eq!(
        options,
        [
            "Orders (StepFunctions, STANDARD)",
            "Refunds (Serverless, EXPRESS)"
        ]
    );
    choose(&picker, "Refunds");
    yew::scheduler::flush().await;
    assert_eq!(
        page.one("[data-testid=harness-machine]")
            .text_content()
            .as_deref(),
        Some("Refunds")
    );
    assert_eq!(
        definition_text(&page),
        TEMPLATE,
        "picking changes what is read, not the text"
    );

    // A plain definition has no picker.
    let plain = harness(Panel::Definition, PLAIN, "{}").await;
    assert_eq!(plain.count("[data-testid=machine-picker]"), 0);
}

#[wasm_bindgen_test]
async fn a_file_dropped_elsewhere_on_the_page_opens_instead_of_replacing_the_page() {
    let page = harness(Panel::Definition, PLAIN, "{}").await;
    let yaml = "StartAt: C\nStates:\n  C: {Type: Succeed}\n";
    let init = DragEventInit::new();
    init.set_bubbles(true);
    init.set_cancelable(true);
    init.set_data_transfer(Some(&carrying(&file("dropped.yaml", yaml.as_bytes()))));
    let Ok(drop) = DragEvent::new_with_event_init_dict("drop", &init) else {
        panic!("can create a drop event");
    };
    let body = page.root.owner_document().and_then(|d| d.body());
    let Some(body) = body else {
        panic!("the test page has a body");
    };
    let _ = body.dispatch_event(drop.unchecked_ref());
    settle().await;
    assert!(
        drop.default_prevented(),
        "the browser must not leave the page for the file"
    );
    assert_eq!(definition_text(&page), yaml);
}
