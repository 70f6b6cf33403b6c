//! The scenario editor: a form for the common fields of the scenario document (items, seed,
//! Lambda concurrency, each Task's latency and faults) above the document's raw JSON, with its
//! problems listed at their line and column.
//!
//! Both are views of one text, `AppState::scenario_text`: the form reads the JSON the user
//! wrote and writes each change back into it in place ([`Action::EditScenarioFields`]); typing
//! in the JSON ([`Action::EditScenario`]) updates the form. The problems come from
//! `engine::scenario` (parsing, and checking against the definition), not from the form.

use std::rc::Rc;

use asl::{StateKind, StateMachine};
use engine::scenario::ScenarioError;
use serde_json::Value;
use web_sys::HtmlTextAreaElement;
use yew::prelude::*;

use crate::components::form_fields::{error_list, NumberField};
use crate::components::notice_bar::notice_bar;
use crate::components::scenario_task::{problems_at, ScenarioTask};
use crate::document_edit::DocumentEdit;
use crate::i18n::{count, Lang};
use crate::state::{Action, Document, Notice};
use crate::text;

/// The id of the `<datalist>` of error names the fault inputs offer.
const ERROR_LIST: &str = "scenario-error-names";

/// What the tab is drawn from; [`ScenarioEditor::view`] draws it, with what the page component
/// that draws it keeps for it ([`use_scenario_editor_state`]): the tab is not a component of its
/// own, since each component type costs the page a few kilobytes of WebAssembly.
pub struct ScenarioEditor {
    /// The scenario document as the user wrote it.
    pub text: AttrValue,
    /// Its problems (`AppState::scenario.errors`).
    pub errors: Rc<[ScenarioError]>,
    /// The definition's structure, for its Task names and the errors it handles.
    pub structure: Option<Rc<StateMachine>>,
    pub notice: Option<Notice>,
    /// The file the scenario's `items.file` names, and the one given for it (name, bytes).
    pub item_file: Option<String>,
    pub item_file_given: Option<(String, usize)>,
    pub on_action: Callback<Action>,
}

fn escape_pointer(key: &str) -> String {
    asl::pointer::escape(key)
}

/// What the scenario tab keeps between renders: its JSON text area (to reveal a problem in it)
/// and the document as JSON, read again only when the text changes.
pub struct ScenarioEditorState {
    textarea: NodeRef,
    document: Rc<Option<Value>>,
}

#[hook]
pub fn use_scenario_editor_state(text: AttrValue) -> ScenarioEditorState {
    ScenarioEditorState {
        textarea: use_node_ref(),
        document: use_memo(text, |text| serde_json::from_str::<Value>(text).ok()),
    }
}

impl ScenarioEditor {
    pub fn view(&self, lang: Lang, state: &ScenarioEditorState) -> Html {
        let props = self;
        let textarea = &state.textarea;
        let document = &state.document;
        let on_fields = {
            let on_action = props.on_action.clone();
            Callback::from(move |edits: Vec<DocumentEdit>| {
                on_action.emit(Action::EditScenarioFields(edits))
            })
        };
        let on_input = {
            let on_action = props.on_action.clone();
            Callback::from(move |event: InputEvent| {
                let textarea: HtmlTextAreaElement = event.target_unchecked_into();
                on_action.emit(Action::EditScenario(textarea.value()));
            })
        };
        let reveal = {
            let textarea = textarea.clone();
            let text = props.text.clone();
            move |line: u32, column: u32| {
                let textarea = textarea.clone();
                let text = text.clone();
                Callback::from(move |_: MouseEvent| {
                    let Some(textarea) = textarea.cast::<HtmlTextAreaElement>() else {
                        return;
                    };
                    let offset = text::utf16_offset(&text, line, column);
                    let _ = textarea.focus();
                    let _ = textarea.set_selection_range(offset, offset);
                    // About a third of the way down, like the definition editor.
                    let line_height = 20;
                    let top = (line as i32 - 1) * line_height - textarea.client_height() / 3;
                    textarea.set_scroll_top(top.max(0));
                })
            }
        };

        // Task names: the definition's Task states in document order, then any the scenario names
        // that the definition lacks (their problem says so).
        let mut tasks: Vec<(String, bool)> = Vec::new();
        let mut handled_errors: Vec<String> = Vec::new();
        if let Some(structure) = &props.structure {
            structure.walk(&mut |state| {
                if matches!(state.kind, StateKind::Task(_))
                    && !tasks.iter().any(|(n, _)| *n == state.name)
                {
                    tasks.push((state.name.clone(), true));
                }
                for name in state
                    .retry()
                    .iter()
                    .flat_map(|r| &r.error_equals)
                    .chain(state.catch().iter().flat_map(|c| &c.error_equals))
                {
                    if name != "States.ALL" && !handled_errors.contains(name) {
                        handled_errors.push(name.clone());
                    }
                }
            });
        }
        if let Some(Value::Object(entries)) =
            document.as_ref().as_ref().and_then(|d| d.get("tasks"))
        {
            for name in entries.keys() {
                if !tasks.iter().any(|(n, _)| n == name) {
                    tasks.push((name.clone(), false));
                }
            }
        }

        let notice = props
            .notice
            .as_ref()
            .filter(|notice| notice.document() == Document::Scenario)
            .map(|notice| notice_bar(lang, notice, &props.on_action));

        let form = match document.as_ref() {
            Some(scenario @ Value::Object(_)) => {
                let items = scenario.get("items");
                let values = items
                    .and_then(|i| i.get("values"))
                    .and_then(Value::as_array);
                let items_note = values.map(|values| {
                    AttrValue::from(match lang {
                        Lang::En => {
                            format!("{} values listed in the JSON", count(values.len() as u64))
                        }
                        Lang::Ja => format!("JSON に {} 件の値を記載", count(values.len() as u64)),
                    })
                });
                html! {
                    <div class="scenario-form" data-testid="scenario-form">
                        <div class="form-row">
                            <NumberField lang={lang}
                                label={lang.t("Items", "項目数")}
                                hint={lang.t("items.count: how many items the Distributed Map reads", "items.count：分散マップが読み込む項目の数")}
                                pointer="/items/count"
                                value={items.and_then(|i| i.get("count")).cloned()}
                                placeholder={lang.t("from the definition", "定義から")}
                                integer=true
                                testid={AttrValue::from("scenario-items")}
                                fixed={items_note}
                                issues={problems_at(&props.errors, "/items/count").into_iter().chain(problems_at(&props.errors, "/items")).collect::<Vec<_>>()}
                                on_edit={on_fields.clone()}
                            />
                            <NumberField lang={lang}
                                label={lang.t("Seed", "シード")}
                                hint={lang.t("seed: the same seed gives the same run", "seed：同じシードなら同じ実行になります")}
                                pointer="/seed"
                                value={scenario.get("seed").cloned()}
                                placeholder="0"
                                integer=true
                                testid={AttrValue::from("scenario-seed")}
                                issues={problems_at(&props.errors, "/seed")}
                                on_edit={on_fields.clone()}
                            />
                            <NumberField lang={lang}
                                label={lang.t("Lambda concurrency", "Lambda 同時実行数")}
                                hint={lang.t(
                                    "limits.lambda_concurrency: invocations beyond it throw Lambda.TooManyRequestsException",
                                    "limits.lambda_concurrency：これを超える呼び出しは Lambda.TooManyRequestsException になります",
                                )}
                                pointer="/limits/lambda_concurrency"
                                value={scenario.pointer("/limits/lambda_concurrency").cloned()}
                                placeholder={lang.t("no limit", "制限なし")}
                                integer=true
                                testid={AttrValue::from("scenario-lambda-concurrency")}
                                issues={problems_at(&props.errors, "/limits/lambda_concurrency")}
                                on_edit={on_fields.clone()}
                            />
                        </div>
                        <h3 class="settings-scope-title">{ lang.t("Tasks", "タスク") }</h3>
                        if tasks.is_empty() {
                            <p class="list-editor-empty">
                                { lang.t("The definition has no Task state.", "定義に Task ステートがありません。") }
                            </p>
                        }
                        { for tasks.iter().map(|(name, in_definition)| {
                            let pointer = format!("/tasks/{}", escape_pointer(name));
                            ScenarioTask {
                                name: AttrValue::from(name.clone()),
                                value: scenario.pointer(&pointer).cloned(),
                                pointer: AttrValue::from(pointer),
                                in_definition: *in_definition,
                                errors: props.errors.clone(),
                                error_list: AttrValue::from(ERROR_LIST),
                                on_edit: on_fields.clone(),
                            }
                            .view(lang)
                        }) }
                    </div>
                }
            }
            _ => html! {
                <p class="settings-empty" data-testid="scenario-form-unavailable">
                    { lang.t(
                        "The scenario JSON below cannot be read as an object: fix it, and the form comes back.",
                        "下のシナリオ JSON をオブジェクトとして読み取れません。直すとフォームが戻ります。",
                    ) }
                </p>
            },
        };

        let problems = if props.errors.is_empty() {
            html! {
                <p class="scenario-ok" data-testid="scenario-ok">
                    <span aria-hidden="true">{ "✓ " }</span>
                    { lang.t("The scenario is valid.", "シナリオに問題はありません。") }
                </p>
            }
        } else {
            html! {
                <ul class="scenario-problems" data-testid="scenario-problems">
                    { for props.errors.iter().map(|error| {
                        let place = match (error.line, error.column) {
                            (Some(line), Some(column)) => Some((line, column)),
                            _ => None,
                        };
                        html! {
                            <li class="scenario-problem" data-testid="scenario-problem"
                                data-line={place.map(|(line, _)| line.to_string())}>
                                <span class="scenario-problem-glyph" aria-hidden="true">{ "✕" }</span>
                                if let Some((line, column)) = place {
                                    <button type="button" class="scenario-problem-place"
                                        title={lang.t("Show in the JSON", "JSON で表示")}
                                        onclick={reveal(line, column)}>
                                        { format!("{line}:{column}") }
                                    </button>
                                }
                                <span class="scenario-problem-message">{ error.message.clone() }</span>
                            </li>
                        }
                    }) }
                </ul>
            }
        };

        let item_file = props.item_file.as_ref().map(|name| {
            item_file_row(lang, name, props.item_file_given.as_ref(), &props.on_action)
        });
        html! {
            <section class="scenario-editor" data-testid="scenario-panel">
                { for notice }
                { for item_file }
                { error_list(ERROR_LIST, handled_errors) }
                { form }
                <div class="scenario-json">
                    <label class="form-label" for="scenario-json-text">
                        { lang.t("Scenario JSON", "シナリオ JSON") }
                    </label>
                    <textarea
                        id="scenario-json-text"
                        ref={textarea.clone()}
                        class="scenario-json-text"
                        data-testid="scenario-editor"
                        spellcheck="false"
                        autocomplete="off"
                        autocapitalize="off"
                        wrap="off"
                        value={props.text.clone()}
                        oninput={on_input}
                    />
                    { problems }
                </div>
            </section>
        }
    }
}

/// The row that takes the file the scenario's `items.file` names: the ItemReader reads it as
/// Step Functions would read the S3 object. It stays in this page only (never stored or
/// shared); until it is given, the Map Run fails saying so.
fn item_file_row(
    lang: Lang,
    name: &str,
    given: Option<&(String, usize)>,
    on_action: &Callback<Action>,
) -> Html {
    let on_change = {
        let on_action = on_action.clone();
        Callback::from(move |event: Event| {
            use wasm_bindgen::JsCast;
            let Some(input) = event
                .target()
                .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
            else {
                return;
            };
            let Some(file) = input.files().and_then(|files| files.get(0)) else {
                return;
            };
            let name = file.name();
            if file.size() > engine::scenario::MAX_ITEM_FILE_BYTES as f64 {
                on_action.emit(Action::Notify(Notice::FileTooLarge {
                    name,
                    bytes: file.size() as u64,
                }));
                return;
            }
            let on_action = on_action.clone();
            yew::platform::spawn_local(async move {
                if let Ok(buffer) = wasm_bindgen_futures::JsFuture::from(file.array_buffer()).await
                {
                    let bytes = wasm_bindgen_futures::js_sys::Uint8Array::new(&buffer).to_vec();
                    on_action.emit(Action::ItemFile { name, bytes });
                }
            });
        })
    };
    let status = match (given, lang) {
        (Some((given, bytes)), Lang::Ja) => {
            format!("読み込み済み：{given}（{} バイト）", count(*bytes as u64))
        }
        (Some((given, bytes)), _) => format!("Given: {given} ({} bytes)", count(*bytes as u64)),
        (None, Lang::Ja) => {
            "まだ与えられていません。与えるまでマップランはそのことを伝えて失敗します。".to_string()
        }
        (None, _) => "Not given yet: until it is, the Map Run fails saying so.".to_string(),
    };
    html! {
        <div class="item-file-row" data-testid="item-file">
            <label class="form-label" for="item-file-input">
                { match lang {
                    Lang::Ja => format!("ItemReader が読むファイル {name}（CSV・JSON・JSON Lines、このページ内だけで使用）"),
                    _ => format!("The file the ItemReader reads, {name} (CSV, JSON or JSON Lines; it stays in this page)"),
                } }
            </label>
            <input id="item-file-input" type="file" data-testid="item-file-input" onchange={on_change} />
            <span class="item-file-status" data-testid="item-file-status">{ status }</span>
        </div>
    }
}
