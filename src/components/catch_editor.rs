//! The `Catch` of one Task, Parallel or Map state: each catcher's `ErrorEquals`, `Next` (a state
//! of the same scope) and `ResultPath`, with add, remove and reorder; written into the ASL text.

use std::rc::Rc;

use asl::Diagnostic;
use serde_json::{json, Value};
use yew::prelude::*;

use crate::components::form_fields::{
    issues, messages_at, messages_within, reorder_buttons, ErrorChips, ListEditor, SelectField,
    TextField,
};
use crate::document_edit::DocumentEdit;
use crate::i18n::Lang;

/// The form's data; [`CatchEditor::view`] draws it. A plain function of its data rather than a
/// component (see [`crate::components::form_fields::issues`] for why).
pub struct CatchEditor {
    /// The state's JSON pointer.
    pub state_pointer: AttrValue,
    /// The state's name (a new catcher goes elsewhere when it can).
    pub state_name: AttrValue,
    /// The state's `Catch` as written (`None` when absent).
    pub catch: Option<Value>,
    /// The names of the states a catcher may go to: those of the state's own scope.
    pub scope_states: Rc<[String]>,
    /// The state uses JSONata, where a catcher has `Output` instead of `ResultPath`.
    pub jsonata: bool,
    pub diagnostics: Rc<[Diagnostic]>,
    pub error_list: AttrValue,
    pub on_edit: Callback<Vec<DocumentEdit>>,
}

impl CatchEditor {
    pub fn view(&self, lang: Lang) -> Html {
        let props = self;
        let array = format!("{}/Catch", props.state_pointer);
        let catchers: &[Value] = match &props.catch {
            Some(Value::Array(items)) => items,
            _ => &[],
        };
        let on_add = {
            let on_edit = props.on_edit.clone();
            let array = array.clone();
            let next = props
                .scope_states
                .iter()
                .find(|name| name.as_str() != props.state_name.as_str())
                .or_else(|| props.scope_states.first())
                .cloned()
                .unwrap_or_else(|| props.state_name.to_string());
            let catcher = if props.jsonata {
                json!({ "ErrorEquals": ["States.ALL"], "Next": next })
            } else {
                json!({ "ErrorEquals": ["States.ALL"], "ResultPath": "$.error", "Next": next })
            };
            Callback::from(move |_: MouseEvent| {
                on_edit.emit(vec![DocumentEdit::set(
                    format!("{array}/-"),
                    catcher.clone(),
                )]);
            })
        };
        let len = catchers.len();
        ListEditor {
            name: "catch",
            title: "Catch",
            add_testid: "add-catcher",
            add_label: lang.t("+ Add catcher", "+ キャッチを追加"),
            on_add,
            issues: messages_at(&props.diagnostics, &array),
            empty: lang.t(
                "No catcher: an error that is not retried fails the state.",
                "キャッチなし：リトライされないエラーはステートを失敗させます。",
            ),
            cards: catchers
                .iter()
                .enumerate()
                .map(|(index, item)| catcher_card(lang, props, &array, index, len, item))
                .collect(),
        }
        .view()
    }
}

fn catcher_card(
    lang: Lang,
    props: &CatchEditor,
    array: &str,
    index: usize,
    len: usize,
    catcher: &Value,
) -> Html {
    let pointer = format!("{array}/{index}");
    let field = |name: &str| format!("{pointer}/{name}");
    let shown_at_fields: Vec<String> = ["ErrorEquals", "Next", "ResultPath"]
        .iter()
        .map(|name| field(name))
        .collect();
    let diagnostics = &props.diagnostics;
    let what = match lang {
        Lang::En => format!("catcher {}", index + 1),
        Lang::Ja => format!("キャッチ {}", index + 1),
    };
    let options: Vec<(AttrValue, AttrValue)> = props
        .scope_states
        .iter()
        .map(|name| (AttrValue::from(name.clone()), AttrValue::from(name.clone())))
        .collect();
    html! {
        <div class="list-item catcher" data-testid="catcher" data-pointer={pointer.clone()} key={pointer.clone()}>
            <div class="list-item-head">
                <span class="list-item-number">{ format!("#{}", index + 1) }</span>
                { reorder_buttons(lang, array, index, len, &what, &props.on_edit) }
            </div>
            { ErrorChips {
                lang,
                label: "ErrorEquals".into(),
                pointer: field("ErrorEquals").into(),
                value: catcher.get("ErrorEquals").cloned(),
                list: props.error_list.clone(),
                issues: messages_within(diagnostics, &field("ErrorEquals"), &[]),
                on_edit: props.on_edit.clone(),
            }.view() }
            <div class="form-row">
                { SelectField {
                    label: "Next".into(),
                    hint: lang.t("The state the caught error goes to", "捕捉したエラーの遷移先ステート").into(),
                    pointer: field("Next").into(),
                    value: catcher.get("Next").and_then(Value::as_str).map(str::to_string),
                    options,
                    issues: messages_at(diagnostics, &field("Next")),
                    on_edit: props.on_edit.clone(),
                    ..SelectField::default()
                }.view() }
                if !props.jsonata {
                    { TextField {
                        label: "ResultPath".into(),
                        hint: lang.t(
                            "Where the error output goes in the input (empty: replaces it; null: discarded)",
                            "エラー出力を入力のどこに置くか（空：入力を置き換え、null：破棄）",
                        ).into(),
                        pointer: field("ResultPath").into(),
                        value: catcher.get("ResultPath").cloned(),
                        placeholder: lang.t("$ (replaces the input)", "$（入力を置き換え）").into(),
                        allow_null: true,
                        issues: messages_at(diagnostics, &field("ResultPath")),
                        on_edit: props.on_edit.clone(),
                        ..TextField::default()
                    }.view() }
                }
            </div>
            { issues(messages_within(diagnostics, &pointer, &shown_at_fields)) }
        </div>
    }
}
