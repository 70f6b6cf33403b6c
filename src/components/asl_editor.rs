//! The ASL editor: a plain `<textarea>` with a line-number gutter that marks the lines that
//! have diagnostics.
//!
//! A textarea (rather than a code-editor widget) keeps the page small and behaves like every
//! other text field: paste, undo, selection, IME input for Japanese, screen readers. Lines
//! never wrap, so gutter line *n* always sits beside text line *n*; the gutter follows the
//! textarea's scroll position.
//!
//! A file dropped onto the editor is handed to `on_file` (the definition pane reads it); text
//! dropped or pasted goes into the textarea as usual.

use std::rc::Rc;

use asl::Severity;
use wasm_bindgen::JsCast;
use web_sys::{DragEvent, File, HtmlElement, HtmlTextAreaElement};
use yew::prelude::*;

use crate::i18n::Lang;
use crate::markup::Markup;
use crate::state::{CaretRequest, LineMark};
use crate::text;

#[derive(Properties, PartialEq)]
pub struct AslEditorProps {
    /// The page's language (English when not given, e.g. in a component test).
    #[prop_or_default]
    pub lang: Lang,
    /// The definition text.
    pub text: AttrValue,
    /// Lines with diagnostics, in line order.
    #[prop_or_default]
    pub marks: Rc<[LineMark]>,
    /// When this changes, the caret moves to the requested place and the editor scrolls to it.
    #[prop_or_default]
    pub caret: Option<CaretRequest>,
    /// Called with the whole new text on every input event.
    pub on_edit: Callback<String>,
    /// Called with a file dropped onto the editor.
    #[prop_or_default]
    pub on_file: Option<Callback<File>>,
}

/// The first file a drag carries, if any.
fn dragged_file(event: &DragEvent) -> Option<File> {
    event
        .data_transfer()
        .and_then(|transfer| transfer.files())
        .and_then(|files| files.get(0))
}

#[component]
pub fn AslEditor(props: &AslEditorProps) -> Html {
    let lang = props.lang;
    let textarea = use_node_ref();
    let gutter = use_node_ref();
    // Whether a drag is over the editor (it then shows where a file would go).
    let dragging = use_state(|| false);
    let accepts_files = props.on_file.is_some();
    let on_drag_over = {
        let dragging = dragging.clone();
        Callback::from(move |event: DragEvent| {
            if accepts_files {
                // Without this the browser would open the file in place of the page.
                event.prevent_default();
                if !*dragging {
                    dragging.set(true);
                }
            }
        })
    };
    let on_drag_leave = {
        let dragging = dragging.clone();
        Callback::from(move |_: DragEvent| dragging.set(false))
    };
    let on_drop = {
        let dragging = dragging.clone();
        let on_file = props.on_file.clone();
        Callback::from(move |event: DragEvent| {
            dragging.set(false);
            let Some(on_file) = &on_file else {
                return;
            };
            // Dropped text is left to the textarea; a dropped file replaces the definition.
            if let Some(file) = dragged_file(&event) {
                event.prevent_default();
                on_file.emit(file);
            }
        })
    };

    let on_input = {
        let on_edit = props.on_edit.clone();
        Callback::from(move |event: InputEvent| {
            let textarea: HtmlTextAreaElement = event.target_unchecked_into();
            on_edit.emit(textarea.value());
        })
    };

    let on_scroll = {
        let gutter = gutter.clone();
        Callback::from(move |event: Event| {
            let textarea: HtmlTextAreaElement = event.target_unchecked_into();
            if let Some(gutter) = gutter.cast::<HtmlElement>() {
                gutter.set_scroll_top(textarea.scroll_top());
            }
        })
    };

    {
        let textarea = textarea.clone();
        let gutter = gutter.clone();
        let text = props.text.clone();
        use_effect_with(props.caret, move |caret| {
            if let (Some(caret), Some(textarea)) = (caret, textarea.cast::<HtmlTextAreaElement>()) {
                reveal(&textarea, gutter.cast::<HtmlElement>(), &text, *caret);
            }
        });
    }

    let gutter_lines = use_memo(
        (text::line_count(&props.text), props.marks.clone()),
        |(n_lines, marks)| gutter_lines(*n_lines, marks),
    );

    html! {
        <div
            class={classes!("editor", dragging.then_some("editor-dragging"))}
            data-testid="editor-drop-target"
            ondragover={on_drag_over}
            ondragleave={on_drag_leave}
            ondrop={on_drop}
        >
            <div class="editor-gutter" ref={gutter} aria-hidden="true">{ (*gutter_lines).clone() }</div>
            <textarea
                ref={textarea}
                class="editor-text"
                data-testid="asl-editor"
                aria-label={lang.t("ASL definition", "ASL 定義")}
                spellcheck="false"
                autocomplete="off"
                autocapitalize="off"
                wrap="off"
                value={props.text.clone()}
                oninput={on_input}
                onscroll={on_scroll}
            />
            if *dragging {
                <div class="editor-drop-hint" aria-hidden="true">
                    { lang.t("Drop the file to open it", "ドロップしてファイルを開く") }
                </div>
            }
        </div>
    }
}

/// The line numbers, with the marked lines, as markup (see `crate::markup`): written once per
/// change of the number of lines or of the marks — not at the keystrokes that keep both (most
/// of them) — and handed to the browser whole rather than as one element per line.
fn gutter_lines(n_lines: usize, marks: &[LineMark]) -> Html {
    let mut out = Markup::new();
    let mut marks = marks.iter().peekable();
    for number in 1..=n_lines {
        let number = u32::try_from(number).unwrap_or(u32::MAX);
        let text = number.to_string();
        // Marks are in line order, so one pass over them serves every line.
        while marks.next_if(|mark| mark.line < number).is_some() {}
        match marks.next_if(|mark| mark.line == number) {
            Some(mark) => {
                let (class, label) = match mark.severity {
                    Severity::Error => ("gutter-line mark-error", "error"),
                    Severity::Warning => ("gutter-line mark-warning", "warning"),
                };
                out.element(
                    "div",
                    &[
                        ("class", class),
                        ("data-line", &text),
                        ("data-testid", "gutter-mark"),
                        ("data-severity", label),
                        ("title", &mark.messages),
                    ],
                    &text,
                );
            }
            None => {
                out.element("div", &[("class", "gutter-line")], &text);
            }
        }
    }
    out.html()
}

/// Puts the caret at the requested place, focuses the editor and scrolls the line into view
/// (a third of the way down, so the lines before it give context).
fn reveal(
    textarea: &HtmlTextAreaElement,
    gutter: Option<HtmlElement>,
    text: &str,
    caret: CaretRequest,
) {
    let offset = text::utf16_offset(text, caret.line, caret.column);
    // Focus first: some browsers reset the selection of a textarea that gains focus.
    let _ = textarea.focus();
    let _ = textarea.set_selection_range(offset, offset);

    let Some(gutter) = gutter else {
        return;
    };
    let index = caret.line.saturating_sub(1);
    let Some(line) = gutter
        .children()
        .item(index)
        .and_then(|line| line.dyn_into::<HtmlElement>().ok())
    else {
        return;
    };
    let top = (line.offset_top() - textarea.client_height() / 3).max(0);
    textarea.set_scroll_top(top);
    gutter.set_scroll_top(textarea.scroll_top());
}
