//! The definition tab: a toolbar (open a file, the machine picker for templates), notices about
//! opening files, and the ASL editor, onto which a file can also be dropped.

use std::rc::Rc;

use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::DragEvent;
use yew::prelude::*;

use crate::components::asl_editor::AslEditor;
use crate::components::file_open::{file_open, read_file};
use crate::components::machine_picker::machine_picker;
use crate::components::notice_bar::notice_bar;
use crate::i18n::Lang;
use crate::state::{Action, Analysis, CaretRequest, Notice};

/// What the tab is drawn from; [`DefinitionPane::view`] draws it. The page component that draws
/// it also uses [`use_page_drop`]: the tab is not a component of its own, since each component
/// type costs the page a few kilobytes of WebAssembly.
pub struct DefinitionPane {
    /// The definition text.
    pub text: AttrValue,
    pub analysis: Analysis,
    pub caret: Option<CaretRequest>,
    pub notice: Option<Notice>,
    pub on_action: Callback<Action>,
}

/// Whether a drag carries files (their names are only known on drop; the types say so before).
fn carries_files(event: &DragEvent) -> bool {
    event
        .data_transfer()
        .is_some_and(|transfer| transfer.types().includes(&JsValue::from_str("Files"), 0))
}

/// A file dropped anywhere on the page opens too: without this, the browser would leave the page
/// to show the file, and the work would be gone.
#[hook]
pub fn use_page_drop(on_action: Callback<Action>) {
    use_effect_with((), move |()| {
        let window = web_sys::window();
        let on_drag_over = Closure::<dyn Fn(DragEvent)>::new(|event: DragEvent| {
            if carries_files(&event) {
                event.prevent_default();
            }
        });
        let on_drop = Closure::<dyn Fn(DragEvent)>::new(move |event: DragEvent| {
            // The editor's own drop target has handled it already.
            if event.default_prevented() || !carries_files(&event) {
                return;
            }
            event.prevent_default();
            let file = event
                .data_transfer()
                .and_then(|transfer| transfer.files())
                .and_then(|files| files.get(0));
            if let Some(file) = file {
                read_file(file, on_action.clone());
            }
        });
        if let Some(window) = &window {
            let _ = window.add_event_listener_with_callback(
                "dragover",
                on_drag_over.as_ref().unchecked_ref(),
            );
            let _ =
                window.add_event_listener_with_callback("drop", on_drop.as_ref().unchecked_ref());
        }
        move || {
            if let Some(window) = &window {
                let _ = window.remove_event_listener_with_callback(
                    "dragover",
                    on_drag_over.as_ref().unchecked_ref(),
                );
                let _ = window
                    .remove_event_listener_with_callback("drop", on_drop.as_ref().unchecked_ref());
            }
        }
    });
}

impl DefinitionPane {
    pub fn view(&self, lang: Lang) -> Html {
        let props = self;
        let on_edit = {
            let on_action = props.on_action.clone();
            Callback::from(move |text: String| on_action.emit(Action::Edit(text)))
        };
        let on_file = {
            let on_action = props.on_action.clone();
            Callback::from(move |file: web_sys::File| read_file(file, on_action.clone()))
        };
        // Notices about files belong here; those about form edits are shown by the forms.
        let notice = props
            .notice
            .as_ref()
            .filter(|notice| {
                matches!(
                    notice,
                    Notice::FileTooLarge { .. } | Notice::FileUnreadable { .. }
                )
            })
            .map(|notice| notice_bar(lang, notice, &props.on_action));
        let marks: Rc<[crate::state::LineMark]> = props.analysis.marks.clone();
        html! {
            <div class="definition-pane" data-testid="definition-pane">
                <div class="definition-toolbar">
                    { file_open(lang, &props.on_action) }
                    <span class="definition-toolbar-hint">
                        { lang.t(
                            "or drop or paste it · ASL JSON/YAML, CloudFormation/SAM",
                            "またはドロップ・貼り付け · ASL JSON/YAML、CloudFormation/SAM",
                        ) }
                    </span>
                    { machine_picker(lang, &props.analysis.machines, props.analysis.selected_machine, &props.on_action) }
                </div>
                { for notice }
                <AslEditor lang={lang}
                    text={props.text.clone()}
                    marks={marks}
                    caret={props.caret}
                    on_edit={on_edit}
                    on_file={on_file}
                />
            </div>
        }
    }
}
