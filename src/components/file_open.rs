//! Opening a definition from a file: the "Open file…" button (a hidden `<input type=file>`)
//! and [`read_file`], which the editor's drop target uses too.
//!
//! The bytes go to the reducer ([`Action::OpenFile`]), which decodes them, so a file that is
//! not UTF-8 becomes a notice saying where, never a garbled text. A file over
//! [`MAX_FILE_BYTES`] is refused before it is read.

use wasm_bindgen::JsCast;
use wasm_bindgen_futures::{js_sys, JsFuture};
use web_sys::{Element, File, HtmlInputElement};
use yew::prelude::*;

use crate::i18n::Lang;
use crate::state::{Action, Notice, MAX_FILE_BYTES};

/// Reads `file` and sends its bytes as [`Action::OpenFile`] (or a notice when it cannot be read).
pub fn read_file(file: File, on_action: Callback<Action>) {
    let name = file.name();
    let size = file.size();
    if size > MAX_FILE_BYTES as f64 {
        on_action.emit(Action::Notify(Notice::FileTooLarge {
            name,
            bytes: size as u64,
        }));
        return;
    }
    yew::platform::spawn_local(async move {
        match JsFuture::from(file.array_buffer()).await {
            Ok(buffer) => {
                let bytes = js_sys::Uint8Array::new(&buffer).to_vec();
                on_action.emit(Action::OpenFile { name, bytes });
            }
            Err(_) => on_action.emit(Action::Notify(Notice::FileUnreadable {
                name,
                message: "the browser could not read the file".to_string(),
                line: None,
                column: None,
            })),
        }
    });
}

/// The button's icon, as markup (see `crate::markup`).
const FOLDER_ICON: &str = concat!(
    r#"<svg class="button-icon" viewBox="0 0 16 16" width="14" height="14" aria-hidden="true">"#,
    r#"<path d="M1.5 3.5h4l1.5 1.5h7.5v8h-13z" fill="none" stroke="currentColor" stroke-width="1.4" stroke-linejoin="round"></path></svg>"#,
);

/// The button and its hidden file input, which sits right after it. A function rather than a
/// component (see [`crate::components::form_fields::issues`] for why).
pub fn file_open(lang: Lang, on_action: &Callback<Action>) -> Html {
    let on_click = Callback::from(move |event: MouseEvent| {
        let input = event
            .target()
            .and_then(|target| target.dyn_into::<Element>().ok())
            .and_then(|element| element.closest("button").ok().flatten())
            .and_then(|button| button.next_element_sibling())
            .and_then(|input| input.dyn_into::<HtmlInputElement>().ok());
        if let Some(input) = input {
            input.click();
        }
    });
    let on_change = {
        let on_action = on_action.clone();
        Callback::from(move |event: Event| {
            let input: HtmlInputElement = event.target_unchecked_into();
            let file = input.files().and_then(|files| files.get(0));
            // Choosing the same file again must fire `change` again.
            input.set_value("");
            if let Some(file) = file {
                read_file(file, on_action.clone());
            }
        })
    };
    html! {
        <>
            <button type="button" class="button" data-testid="open-file" onclick={on_click}>
                { Html::from_html_unchecked(AttrValue::from(FOLDER_ICON)) }
                { lang.t("Open file…", "ファイルを開く…") }
            </button>
            <input
                type="file"
                class="visually-hidden"
                tabindex="-1"
                aria-hidden="true"
                accept=".json,.yaml,.yml,.template,.asl,.txt,application/json,application/x-yaml,text/yaml,text/plain"
                data-testid="file-input"
                onchange={on_change}
            />
        </>
    }
}
