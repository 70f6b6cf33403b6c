//! The settings panel: forms for everything in the definition that decides how a run goes —
//! the shown Distributed Map's Map Run settings on top, the execution's `TimeoutSeconds`, then
//! every Task, Parallel and Map state grouped by where it lives (the parent workflow, each
//! child workflow, each branch) with its `TimeoutSeconds`, `Retry` and `Catch`.
//!
//! The forms are views of the definition as written (`Analysis::definition`) following its
//! structure (`Analysis::structure`, built even when the definition has errors, so that a bad
//! value can be fixed here). Every change is an [`Action::EditDefinition`] written into the ASL
//! text; problems shown inline are the `asl` diagnostics of that text.

use std::rc::Rc;

use asl::{Diagnostic, ProcessorMode, QueryLanguage, State, StateKind, StateMachine};
use serde_json::Value;
use web_sys::HtmlSelectElement;
use yew::prelude::*;

use crate::components::catch_editor::CatchEditor;
use crate::components::form_fields::{error_list, messages_at, NumberField};
use crate::components::map_settings::MapSettings;
use crate::components::notice_bar::notice_bar;
use crate::components::retry_editor::RetryEditor;
use crate::document_edit::DocumentEdit;
use crate::i18n::Lang;
use crate::state::{Action, Analysis, Document, Notice};

/// The id of the `<datalist>` of error names the settings forms offer.
const ERROR_LIST: &str = "settings-error-names";

/// The panel's data; [`Settings::view`] draws it. A plain function of its data rather than a
/// component (see [`crate::components::form_fields::issues`] for why); each state's card is a
/// component, so Yew redraws only the cards whose state changed.
pub struct Settings {
    pub analysis: Analysis,
    /// The pointer of the Distributed Map to show on top (`AppState::shown_map`).
    pub shown_map: Option<String>,
    pub notice: Option<Notice>,
    /// The scenario, for the error names its faults throw (offered in `ErrorEquals`).
    pub scenario: Option<Rc<engine::scenario::Scenario>>,
    pub on_action: Callback<Action>,
}

/// A group of states that live together: the parent workflow, a child workflow, a branch.
struct Scope<'a> {
    title: String,
    machine: &'a StateMachine,
}

fn scopes<'a>(lang: Lang, machine: &'a StateMachine, title: String, out: &mut Vec<Scope<'a>>) {
    out.push(Scope { title, machine });
    for state in &machine.states {
        match &state.kind {
            StateKind::Map(map) => {
                let title = match (lang, map.is_distributed()) {
                    (Lang::En, true) => {
                        format!("Child workflow · {} (Distributed Map)", state.name)
                    }
                    (Lang::En, false) => format!("Iteration · {} (Inline Map)", state.name),
                    (Lang::Ja, true) => format!("子ワークフロー · {}（分散マップ）", state.name),
                    (Lang::Ja, false) => format!("反復 · {}（インラインマップ）", state.name),
                };
                scopes(lang, &map.processor.machine, title, out);
            }
            StateKind::Parallel(parallel) => {
                for (index, branch) in parallel.branches.iter().enumerate() {
                    let title = match lang {
                        Lang::En => format!("Branch {} · {} (Parallel)", index + 1, state.name),
                        Lang::Ja => format!("ブランチ {} · {}（並列）", index + 1, state.name),
                    };
                    scopes(lang, branch, title, out);
                }
            }
            _ => {}
        }
    }
}

/// Every Distributed Map, in document order: `(name, pointer, top level)`.
fn distributed_maps(machine: &StateMachine) -> Vec<(String, String)> {
    let mut maps = Vec::new();
    machine.walk(&mut |state| {
        if let StateKind::Map(map) = &state.kind {
            if map.processor.mode == ProcessorMode::Distributed {
                maps.push((state.name.clone(), state.pointer.clone()));
            }
        }
    });
    maps
}

/// The Distributed Map to show: the one asked for when it exists, else the first at the top
/// level, else the first.
fn shown_map<'a>(
    maps: &'a [(String, String)],
    wanted: Option<&str>,
) -> Option<&'a (String, String)> {
    let top_level = |pointer: &str| pointer.matches("/States/").count() == 1;
    wanted
        .and_then(|wanted| maps.iter().find(|(_, pointer)| pointer == wanted))
        .or_else(|| maps.iter().find(|(_, pointer)| top_level(pointer)))
        .or_else(|| maps.first())
}

impl Settings {
    pub fn view(&self, lang: Lang) -> Html {
        let props = self;
        let on_edit = {
            let on_action = props.on_action.clone();
            Callback::from(move |edits: Vec<DocumentEdit>| {
                on_action.emit(Action::EditDefinition(edits))
            })
        };
        let notice = props
            .notice
            .as_ref()
            .filter(|notice| notice.document() == Document::Definition)
            .filter(|notice| {
                !matches!(
                    notice,
                    Notice::FileTooLarge { .. } | Notice::FileUnreadable { .. }
                )
            });
        let notice = notice.map(|notice| notice_bar(lang, notice, &props.on_action));
        let (Some(definition), Some(structure)) =
            (&props.analysis.definition, &props.analysis.structure)
        else {
            return html! {
                <section class="settings" data-testid="settings">
                    { for notice }
                    <p class="settings-empty" data-testid="settings-unavailable">
                        { lang.t(
                            "The definition cannot be read yet: fix the error shown in the Definition tab, and its settings appear here.",
                            "定義をまだ読み取れません。定義タブに表示されたエラーを直すと、ここに設定が表示されます。",
                        ) }
                    </p>
                </section>
            };
        };
        let diagnostics = &props.analysis.diagnostics;

        // Error names the scenario throws, then those the definition already handles.
        let mut extra_errors: Vec<String> = Vec::new();
        if let Some(scenario) = &props.scenario {
            for behaviour in scenario.tasks.values() {
                for fault in &behaviour.faults {
                    if !extra_errors.contains(&fault.error) {
                        extra_errors.push(fault.error.clone());
                    }
                }
            }
        }
        structure.walk(&mut |state| {
            for name in state
                .retry()
                .iter()
                .flat_map(|r| &r.error_equals)
                .chain(state.catch().iter().flat_map(|c| &c.error_equals))
            {
                if !extra_errors.contains(name) {
                    extra_errors.push(name.clone());
                }
            }
        });

        let maps = distributed_maps(structure);
        let shown = shown_map(&maps, props.shown_map.as_deref());
        let on_show_map = {
            let on_action = props.on_action.clone();
            Callback::from(move |event: Event| {
                let select: HtmlSelectElement = event.target_unchecked_into();
                on_action.emit(Action::ShowMap(select.value()));
            })
        };
        let map_run = match shown {
            Some((name, pointer)) => {
                let state = definition
                    .pointer(pointer)
                    .map_or(Value::Null, settings_view);
                let legacy =
                    state.get("Iterator").is_some() && state.get("ItemProcessor").is_none();
                html! {
                    <section class="settings-card settings-map-run" data-testid="map-run-settings">
                        <header class="settings-card-head">
                            <h3 class="settings-card-title">{ lang.t("Map Run", "マップラン") }</h3>
                            if maps.len() > 1 {
                                <select
                                    class="settings-map-picker"
                                    data-testid="shown-map"
                                    aria-label={lang.t("Distributed Map shown", "表示する分散マップ")}
                                    onchange={on_show_map}
                                >
                                    { for maps.iter().map(|(option_name, option_pointer)| html! {
                                        <option value={option_pointer.clone()} selected={option_pointer == pointer}>
                                            { option_name.clone() }
                                        </option>
                                    }) }
                                </select>
                            } else {
                                <span class="settings-map-name">{ name.clone() }</span>
                            }
                        </header>
                        { MapSettings {
                            state_pointer: AttrValue::from(pointer.clone()),
                            state,
                            distributed: true,
                            legacy_iterator: legacy,
                            testids: true,
                            diagnostics: diagnostics.clone(),
                            on_edit: on_edit.clone(),
                        }.view(lang) }
                    </section>
                }
            }
            None => html! {
                <section class="settings-card settings-map-run">
                    <p class="settings-empty">
                        { lang.t(
                            "This definition has no Distributed Map: there is no Map Run tolerance to set.",
                            "この定義には分散マップがないため、マップランの許容値はありません。",
                        ) }
                    </p>
                </section>
            },
        };

        let mut all_scopes = Vec::new();
        scopes(
            lang,
            structure,
            lang.t("Parent workflow", "親ワークフロー").to_string(),
            &mut all_scopes,
        );
        let shown_pointer = shown.map(|(_, pointer)| pointer.as_str());

        html! {
            <section class="settings" data-testid="settings">
                { for notice }
                { error_list(ERROR_LIST, extra_errors) }
                { map_run }
                <section class="settings-card settings-execution">
                    <header class="settings-card-head">
                        <h3 class="settings-card-title">{ lang.t("Execution", "実行") }</h3>
                    </header>
                    <div class="form-row">
                        <NumberField lang={lang}
                            label="TimeoutSeconds"
                            hint={lang.t("The whole execution's time limit in seconds (empty: none)", "実行全体の制限時間（秒）。空：なし")}
                            pointer="/TimeoutSeconds"
                            value={definition.get("TimeoutSeconds").cloned()}
                            placeholder={lang.t("none", "なし")}
                            integer=true
                            testid={AttrValue::from("execution-timeout")}
                            issues={messages_at(diagnostics, "/TimeoutSeconds")}
                            on_edit={on_edit.clone()}
                        />
                    </div>
                </section>
                { for all_scopes.iter().filter(|scope| scope.machine.states.iter().any(has_settings)).map(|scope| {
                    let names: Rc<[String]> = scope.machine.states.iter().map(|s| s.name.clone()).collect();
                    html! {
                        <section class="settings-scope" data-testid="settings-scope">
                            <h3 class="settings-scope-title">{ scope.title.clone() }</h3>
                            { for scope.machine.states.iter().filter(|s| has_settings(s)).map(|state| html! {
                                <StateSettings lang={lang}
                                    key={state.pointer.clone()}
                                    name={AttrValue::from(state.name.clone())}
                                    pointer={AttrValue::from(state.pointer.clone())}
                                    kind={SettingsKind::of(state)}
                                    jsonata={state.query_language == QueryLanguage::Jsonata}
                                    value={definition.pointer(&state.pointer).map_or(Value::Null, settings_view)}
                                    scope_states={names.clone()}
                                    map_run_shown={shown_pointer == Some(state.pointer.as_str())}
                                    diagnostics={diagnostics.clone()}
                                    on_edit={on_edit.clone()}
                                />
                            }) }
                        </section>
                    }
                }) }
            </section>
        }
    }
}

/// The part of a state's object its settings show: its own fields, without the states nested in
/// its processor or branches (which have cards of their own), so that a large Map is not copied
/// and compared at every render.
fn settings_view(state: &Value) -> Value {
    let Value::Object(members) = state else {
        return state.clone();
    };
    let mut view = serde_json::Map::new();
    for (key, value) in members {
        match key.as_str() {
            "ItemProcessor" | "Iterator" => {
                let mut processor = serde_json::Map::new();
                if let Some(config) = value.get("ProcessorConfig") {
                    processor.insert("ProcessorConfig".to_string(), config.clone());
                }
                view.insert(key.clone(), Value::Object(processor));
            }
            "Branches" | "ItemReader" | "ItemSelector" | "Parameters" | "Arguments"
            | "ResultSelector" | "Output" | "Assign" | "ResultWriter" => {}
            _ => {
                view.insert(key.clone(), value.clone());
            }
        }
    }
    Value::Object(view)
}

/// Whether a state has settings here: Task, Parallel and Map states.
fn has_settings(state: &State) -> bool {
    matches!(
        state.kind,
        StateKind::Task(_) | StateKind::Parallel(_) | StateKind::Map(_)
    )
}

/// What kind of settings a state has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SettingsKind {
    Task,
    Parallel,
    Map {
        distributed: bool,
        legacy_iterator: bool,
    },
}

impl SettingsKind {
    fn of(state: &State) -> SettingsKind {
        match &state.kind {
            StateKind::Map(map) => SettingsKind::Map {
                distributed: map.is_distributed(),
                legacy_iterator: map.processor.legacy_iterator,
            },
            StateKind::Parallel(_) => SettingsKind::Parallel,
            _ => SettingsKind::Task,
        }
    }
}

#[derive(Properties, PartialEq)]
struct StateSettingsProps {
    /// The page's language (English when not given, e.g. in a component test).
    #[prop_or_default]
    lang: Lang,
    name: AttrValue,
    pointer: AttrValue,
    kind: SettingsKind,
    jsonata: bool,
    /// The state's object as written.
    value: Value,
    scope_states: Rc<[String]>,
    /// Its Map Run settings are in the card on top.
    map_run_shown: bool,
    diagnostics: Rc<[Diagnostic]>,
    on_edit: Callback<Vec<DocumentEdit>>,
}

/// One state, folded: its name, type and a summary; unfolded: its forms.
#[component]
fn StateSettings(props: &StateSettingsProps) -> Html {
    let lang = props.lang;
    let pointer = props.pointer.as_str();
    let diagnostics = &props.diagnostics;
    let n_retriers = props
        .value
        .get("Retry")
        .and_then(Value::as_array)
        .map_or(0, Vec::len);
    let n_catchers = props
        .value
        .get("Catch")
        .and_then(Value::as_array)
        .map_or(0, Vec::len);
    // Problems in what this card edits (not in the states nested inside it).
    let edited_here = [
        "Retry",
        "Catch",
        "TimeoutSeconds",
        "ToleratedFailureCount",
        "ToleratedFailurePercentage",
        "MaxConcurrency",
        "ItemBatcher",
    ];
    let n_issues = diagnostics
        .iter()
        .filter(|d| {
            edited_here.iter().any(|field| {
                let at = format!("{pointer}/{field}");
                d.pointer == at || d.pointer.starts_with(&format!("{at}/"))
            })
        })
        .count();
    let mut summary = Vec::new();
    summary.push(match (lang, n_retriers) {
        (Lang::En, 1) => "1 retrier".to_string(),
        (Lang::En, n) => format!("{n} retriers"),
        (Lang::Ja, n) => format!("リトライ {n}"),
    });
    summary.push(match (lang, n_catchers) {
        (Lang::En, 1) => "1 catcher".to_string(),
        (Lang::En, n) => format!("{n} catchers"),
        (Lang::Ja, n) => format!("キャッチ {n}"),
    });
    if let Some(timeout) = props.value.get("TimeoutSeconds").filter(|v| v.is_number()) {
        summary.push(match lang {
            Lang::En => format!("timeout {timeout} s"),
            Lang::Ja => format!("タイムアウト {timeout} 秒"),
        });
    }
    let type_label = match props.kind {
        SettingsKind::Map {
            distributed: true, ..
        } => lang.t("Distributed Map", "分散マップ"),
        SettingsKind::Map { .. } => lang.t("Inline Map", "インラインマップ"),
        SettingsKind::Parallel => lang.t("Parallel", "並列"),
        SettingsKind::Task => lang.t("Task", "タスク"),
    };
    html! {
        <details class="state-settings" data-testid="state-settings" data-state={props.name.clone()}>
            <summary class="state-settings-summary">
                <span class="state-settings-name">{ props.name.clone() }</span>
                <span class="state-settings-type">{ type_label }</span>
                <span class="state-settings-facts">{ summary.join(" · ") }</span>
                if n_issues > 0 {
                    <span class="state-settings-issues" title={lang.t("Problems in these settings", "この設定の問題")}>
                        { format!("⚠ {n_issues}") }
                    </span>
                }
            </summary>
            <div class="state-settings-body">
                if props.kind == SettingsKind::Task {
                    <div class="form-row">
                        <NumberField lang={lang}
                            label="TimeoutSeconds"
                            hint={lang.t("Each attempt's time limit in seconds (empty: 99,999,999)", "各試行の制限時間（秒）。空：99,999,999")}
                            pointer={AttrValue::from(format!("{pointer}/TimeoutSeconds"))}
                            value={props.value.get("TimeoutSeconds").cloned()}
                            placeholder="99999999"
                            integer=true
                            issues={messages_at(diagnostics, &format!("{pointer}/TimeoutSeconds"))}
                            fixed={props.value.get("TimeoutSecondsPath").and_then(Value::as_str).map(|path| AttrValue::from(match lang {
                                Lang::En => format!("from {path} at run time (TimeoutSecondsPath)"),
                                Lang::Ja => format!("実行時に {path} から（TimeoutSecondsPath）"),
                            }))}
                            on_edit={props.on_edit.clone()}
                        />
                    </div>
                }
                if let SettingsKind::Map { distributed, legacy_iterator } = props.kind {
                    if props.map_run_shown {
                        <p class="state-settings-note">
                            { lang.t("Its Map Run settings are at the top of this panel.", "マップランの設定はこのパネルの上部にあります。") }
                        </p>
                    } else {
                        { MapSettings {
                            state_pointer: AttrValue::from(pointer.to_string()),
                            state: props.value.clone(),
                            distributed,
                            legacy_iterator,
                            testids: false,
                            diagnostics: diagnostics.clone(),
                            on_edit: props.on_edit.clone(),
                        }.view(lang) }
                    }
                }
                { RetryEditor {
                    state_pointer: AttrValue::from(pointer.to_string()),
                    retry: props.value.get("Retry").cloned(),
                    diagnostics: diagnostics.clone(),
                    error_list: AttrValue::from(ERROR_LIST),
                    on_edit: props.on_edit.clone(),
                }.view(lang) }
                { CatchEditor {
                    state_pointer: AttrValue::from(pointer.to_string()),
                    state_name: props.name.clone(),
                    catch: props.value.get("Catch").cloned(),
                    scope_states: props.scope_states.clone(),
                    jsonata: props.jsonata,
                    diagnostics: diagnostics.clone(),
                    error_list: AttrValue::from(ERROR_LIST),
                    on_edit: props.on_edit.clone(),
                }.view(lang) }
            </div>
        </details>
    }
}
