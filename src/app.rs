//! The root component and the page's layout: the documents on the left (tabs Definition,
//! Scenario, Settings), the run on the right (verdict, playback, graphs, Map Run, items,
//! timeline, histories).
//!
//! The other engineers' components plug in at the places marked `// slot: …`.

use std::rc::Rc;

use wasm_bindgen::JsCast;
use web_sys::HtmlElement;
use yew::prelude::*;

use crate::components::app_header::{app_header, use_header_state};
use crate::components::assumptions_note::assumptions_note;
use crate::components::compare_panel::ComparePanel;
use crate::components::definition_outline::definition_outline;
use crate::components::definition_pane::{use_page_drop, DefinitionPane};
use crate::components::diagnostics_panel::diagnostics_panel;
use crate::components::error_routing::{error_routing, use_errors_state};
use crate::components::history_panel::{HistoryPanel, HistorySource};
use crate::components::item_grid::ItemGrid;
use crate::components::item_timeline::{use_timeline_state, ItemTimeline};
use crate::components::logs_panel::{logs_panel, use_logs_state};
use crate::components::map_run_panel::map_run_panel;
use crate::components::metrics_panel::{metrics_panel, use_metrics_state};
use crate::components::playback_bar::{playback_bar, use_keyboard_shortcuts};
use crate::components::recovery_bar::recovery_bar;
use crate::components::scenario_editor::{use_scenario_editor_state, ScenarioEditor};
use crate::components::settings::Settings;
use crate::components::state_graph::StateGraph;
use crate::components::state_panel::{use_state_index, StatePanel};
use crate::components::sweep_panel::SweepPanel;
use crate::components::timeline_chart::{timeline_chart, use_timeline_chart};
use crate::components::verdict_banner::{use_run_cost, verdict_banner};
use crate::i18n::Lang;
use crate::markup::Markup;
use crate::playback::use_playback;
use crate::run_status::shown_run;
use crate::state::{Action, RunInput};

/// The tabs of the left column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocumentTab {
    Definition = 0,
    Scenario = 1,
    Settings = 2,
}

impl DocumentTab {
    const ALL: [DocumentTab; 3] = [
        DocumentTab::Definition,
        DocumentTab::Scenario,
        DocumentTab::Settings,
    ];

    fn key(self) -> &'static str {
        match self {
            DocumentTab::Definition => "definition",
            DocumentTab::Scenario => "scenario",
            DocumentTab::Settings => "settings",
        }
    }

    fn label(self, lang: Lang) -> &'static str {
        match self {
            DocumentTab::Definition => lang.t("Definition", "定義"),
            DocumentTab::Scenario => lang.t("Scenario", "シナリオ"),
            DocumentTab::Settings => lang.t("Settings", "設定"),
        }
    }
}

/// The page. Its language is the app state's, handed to every part below (a `lang` argument
/// or prop); the page itself is drawn here rather than in a child component of its own, since
/// each component type costs the page a few kilobytes of WebAssembly.
#[component]
pub fn App() -> Html {
    // The page starts from a share link, the kept work or the default example (W4).
    let state = use_reducer(crate::storage::startup_state);
    crate::storage::use_keep(&state);
    let lang = state.lang;
    let state = &state;
    let tab = use_state(|| DocumentTab::Definition);
    let track = use_node_ref();
    let header = use_header_state();

    let state_text = state.text.clone();
    let on_action = {
        let state = state.dispatcher();
        Callback::from(move |action: Action| state.dispatch(action))
    };
    use_page_drop(on_action.clone());
    let scenario_editor = use_scenario_editor_state(state.scenario_text.clone());
    let on_reveal = {
        let state = state.dispatcher();
        Callback::from(move |(line, column): (u32, u32)| {
            state.dispatch(Action::Reveal { line, column })
        })
    };
    // The panels sit side by side in a track that scrolls sideways: every panel stays laid out
    // (so its fields keep their state and can be reached by the keyboard or a test), and a tab
    // only scrolls its panel into view.
    let show_tab = {
        let track = track.clone();
        let tab = tab.clone();
        Callback::from(move |next: DocumentTab| {
            if let Some(track) = track.cast::<HtmlElement>() {
                let options = web_sys::ScrollToOptions::new();
                options.set_left(f64::from(track.client_width()) * next as i32 as f64);
                options.set_behavior(if crate::playback::prefers_reduced_motion() {
                    web_sys::ScrollBehavior::Instant
                } else {
                    web_sys::ScrollBehavior::Smooth
                });
                track.scroll_to_with_scroll_to_options(&options);
            }
            tab.set(next);
        })
    };
    // A pointer of the definition (from the Errors tab) shown in the editor; only a plain JSON
    // definition is located (a template's pointers are the definition's, not the text's).
    let on_reveal_pointer = {
        let state = state.dispatcher();
        let show_tab = show_tab.clone();
        Callback::from(move |pointer: AttrValue| {
            if let Some((line, column)) = engine::scenario::locate(&state_text, &pointer) {
                show_tab.emit(DocumentTab::Definition);
                state.dispatch(Action::Reveal { line, column });
            }
        })
    };
    let on_track_scroll = {
        let tab = tab.clone();
        Callback::from(move |event: Event| {
            let track: HtmlElement = event.target_unchecked_into();
            let width = f64::from(track.client_width()).max(1.0);
            let index = (f64::from(track.scroll_left()) / width).round() as usize;
            if let Some(&next) = DocumentTab::ALL.get(index) {
                if next != *tab {
                    tab.set(next);
                }
            }
        })
    };

    let analysis = &state.analysis;
    let tabs = DocumentTab::ALL.iter().map(|&each| {
        let selected = *tab == each;
        let onclick = {
            let show_tab = show_tab.clone();
            Callback::from(move |_: MouseEvent| show_tab.emit(each))
        };
        let badge = match each {
            DocumentTab::Definition if analysis.n_errors() > 0 => Some(analysis.n_errors()),
            DocumentTab::Scenario if !state.scenario.errors.is_empty() => {
                Some(state.scenario.errors.len())
            }
            _ => None,
        };
        html! {
            <button
                type="button"
                role="tab"
                id={format!("tab-{}", each.key())}
                class={classes!("tab", selected.then_some("tab-selected"))}
                aria-selected={selected.to_string()}
                aria-controls={format!("panel-{}", each.key())}
                data-testid={format!("tab-{}", each.key())}
                {onclick}
            >
                { each.label(lang) }
                if let Some(n) = badge {
                    <span class="tab-badge" title={lang.t("problems", "問題")}>{ n }</span>
                }
            </button>
        }
    });

    let blockers = Blockers {
        definition_errors: analysis.n_errors(),
        definition_problems: analysis
            .diagnostics
            .iter()
            .filter(|d| d.is_error())
            .take(3)
            .map(|d| match d.location {
                Some(at) => format!("{}:{}: {}", at.line, at.column, d.message),
                None => d.message.clone(),
            })
            .collect::<Vec<_>>()
            .into(),
        definition_unreadable: analysis.outline.is_none(),
        scenario_errors: state
            .scenario
            .errors
            .iter()
            .map(|error| error.to_string())
            .collect::<Vec<_>>()
            .into(),
    };

    html! {
        <div class="app">
            // slot: gallery/share/lang in header
            { app_header(lang, state, &header) }
            <div class="workspace">
                <section class="documents" aria-label={lang.t("Documents", "ドキュメント")}>
                    <div class="tab-bar" role="tablist">{ for tabs }</div>
                    <div class="tab-track" ref={track} onscroll={on_track_scroll}>
                        <section
                            class="tab-panel definition-tab"
                            id="panel-definition"
                            role="tabpanel"
                            aria-labelledby="tab-definition"
                        >
                            <div class="panel editor-panel">
                                <header class="panel-header">
                                    <div>
                                        <h2 id="definition-heading" class="panel-title">{ lang.t("Definition", "定義") }</h2>
                                        <p class="panel-subtitle">
                                            { state.example.title.get(lang) }
                                            if state.edited {
                                                <span class="edited-flag">{ lang.t(" · edited", " · 編集済み") }</span>
                                            }
                                        </p>
                                    </div>
                                    if let Some(format) = analysis.format {
                                        <span class="chip chip-format" data-testid="source-format">
                                            { crate::state::format_label(format) }
                                        </span>
                                    }
                                </header>
                                { DefinitionPane {
                                    text: state.text.clone(),
                                    analysis: analysis.clone(),
                                    caret: state.caret,
                                    notice: state.notice.clone(),
                                    on_action: on_action.clone(),
                                }.view(lang) }
                            </div>
                            { diagnostics_panel(lang, &analysis.diagnostics, &on_reveal) }
                        </section>
                        <section
                            class="tab-panel scenario-tab"
                            id="panel-scenario"
                            role="tabpanel"
                            aria-labelledby="tab-scenario"
                        >
                            // slot: scenario editor
                            { ScenarioEditor {
                                text: state.scenario_text.clone(),
                                errors: state.scenario.errors.clone(),
                                structure: analysis.structure.clone(),
                                notice: state.notice.clone(),
                                item_file: state
                                    .scenario
                                    .parsed
                                    .as_ref()
                                    .and_then(|s| s.item_file.as_ref())
                                    .map(|f| f.name.clone()),
                                item_file_given: state
                                    .item_file
                                    .as_ref()
                                    .map(|f| (f.name.clone(), f.bytes.len())),
                                on_action: on_action.clone(),
                            }.view(lang, &scenario_editor) }
                        </section>
                        <section
                            class="tab-panel settings-tab"
                            id="panel-settings"
                            role="tabpanel"
                            aria-labelledby="tab-settings"
                        >
                            // slot: settings
                            { Settings {
                                analysis: analysis.clone(),
                                shown_map: state.shown_map.clone(),
                                notice: state.notice.clone(),
                                scenario: state.scenario.parsed.clone(),
                                on_action: on_action.clone(),
                            }.view(lang) }
                            { definition_outline(lang, analysis.outline.as_deref()) }
                        </section>
                    </div>
                </section>
                <RunView lang={lang}
                    input={state.run_input()}
                    blockers={blockers}
                    on_show_tab={show_tab}
                    {on_reveal_pointer}
                    definition={analysis.definition.clone()}
                    definition_text={state.text.clone()}
                    scenario_text={state.scenario_text.clone()}
                    item_file={state.item_file.clone()}
                    on_action={on_action.clone()}
                />
            </div>
        </div>
    }
}

/// Why there is nothing to run.
#[derive(Debug, Clone, PartialEq)]
pub struct Blockers {
    pub definition_errors: usize,
    /// The first few errors, with their line:column.
    pub definition_problems: Rc<[String]>,
    pub definition_unreadable: bool,
    pub scenario_errors: Rc<[String]>,
}

#[derive(Properties, PartialEq)]
pub struct RunViewProps {
    /// The page's language (English when not given, e.g. in a component test).
    #[prop_or_default]
    pub lang: Lang,
    pub input: Option<RunInput>,
    pub blockers: Blockers,
    pub on_show_tab: Callback<DocumentTab>,
    /// Called with a JSON pointer of the definition to show it in the editor.
    #[prop_or_default]
    pub on_reveal_pointer: Callback<AttrValue>,
    /// The documents, for the Sweep tab (which varies their numbers and writes a chosen cell
    /// back through `on_action`).
    #[prop_or_default]
    pub definition: Option<Rc<serde_json::Value>>,
    #[prop_or_default]
    pub definition_text: AttrValue,
    #[prop_or_default]
    pub scenario_text: AttrValue,
    #[prop_or_default]
    pub item_file: Option<Rc<crate::state::ItemFileGiven>>,
    #[prop_or_default]
    pub on_action: Callback<Action>,
}

/// The lower tabs of the run view.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum DetailTab {
    StateLevel,
    ParentHistory,
    ChildHistory,
    Metrics,
    Logs,
    Errors,
    Sweep,
    Compare,
}

impl DetailTab {
    fn key(self) -> &'static str {
        match self {
            DetailTab::StateLevel => "state-level",
            DetailTab::ParentHistory => "parent-history",
            DetailTab::ChildHistory => "child-history",
            DetailTab::Metrics => "metrics",
            DetailTab::Logs => "logs",
            DetailTab::Errors => "errors",
            DetailTab::Sweep => "sweep",
            DetailTab::Compare => "compare",
        }
    }
}

/// The right-hand side: the run of the current documents, or why there is none.
#[component]
pub fn RunView(props: &RunViewProps) -> Html {
    let lang = props.lang;
    let playback = use_playback(props.input.clone());
    let picked_run = use_state(|| None::<usize>);
    let selected = use_state(|| None::<(usize, u32)>);
    let detail_tab = use_state(|| DetailTab::ParentHistory);
    let selected_state = use_state(|| None::<AttrValue>);
    use_ready_mark(playback.frame.is_some());
    // The playback bar's shortcuts, while it is shown (with a run).
    use_keyboard_shortcuts(
        playback
            .frame
            .is_some()
            .then(|| playback.on_command.clone()),
    );
    let run = playback
        .frame
        .as_ref()
        .and_then(|frame| frame.read())
        .and_then(|sim| shown_run(&sim, *picked_run));
    let timeline = use_timeline_state();
    let metrics = use_metrics_state();
    let logs = use_logs_state();
    let errors = use_errors_state();
    let state_index = use_state_index(playback.frame.clone());
    let chart = use_timeline_chart(
        playback.frame.clone(),
        run,
        lang,
        playback.mode != crate::playback::PlayMode::Paused,
    );
    let cost = use_run_cost(playback.frame.clone(), lang);

    let Some(frame) = playback.frame.clone() else {
        return html! {
            <section class="run-view run-view-blocked" aria-label={lang.t("Run", "実行")}>
                { blocked(lang, &props.blockers, playback.setup_error.as_deref(), &props.on_show_tab) }
            </section>
        };
    };

    let child = (*selected).and_then(|(r, c)| (Some(r) == run).then_some(c));
    let on_pick_run = {
        let picked_run = picked_run.clone();
        Callback::from(move |pick: Option<usize>| picked_run.set(pick))
    };
    let on_select = {
        let selected = selected.clone();
        Callback::from(move |child: u32| {
            if let Some(run) = run {
                selected.set(Some((run, child)));
            }
        })
    };
    let on_show_history = {
        let detail_tab = detail_tab.clone();
        Callback::from(move |()| detail_tab.set(DetailTab::ChildHistory))
    };
    let model = props.input.as_ref().map(|input| input.model.clone());
    let on_select_state = {
        let selected_state = selected_state.clone();
        let detail_tab = detail_tab.clone();
        Callback::from(move |pointer: AttrValue| {
            selected_state.set(Some(pointer));
            detail_tab.set(DetailTab::StateLevel);
        })
    };
    let live = playback.mode != crate::playback::PlayMode::Paused;
    let detail_tabs = [
        (DetailTab::StateLevel, lang.t("State level", "ステート別")),
        (
            DetailTab::ParentHistory,
            lang.t("Parent history", "親の履歴"),
        ),
        (DetailTab::ChildHistory, lang.t("Child history", "子の履歴")),
        (DetailTab::Metrics, lang.t("Metrics", "メトリクス")),
        (DetailTab::Logs, lang.t("Logs", "ログ")),
        (DetailTab::Errors, lang.t("Errors", "エラーの経路")),
        (DetailTab::Sweep, lang.t("Sweep", "スイープ")),
        (DetailTab::Compare, lang.t("A/B", "A/B 比較")),
    ]
    .into_iter()
    .map(|(each, label)| {
        let chosen = *detail_tab == each;
        let onclick = {
            let detail_tab = detail_tab.clone();
            Callback::from(move |_: MouseEvent| detail_tab.set(each))
        };
        html! {
            <button
                type="button"
                role="tab"
                class={classes!("tab", chosen.then_some("tab-selected"))}
                aria-selected={chosen.to_string()}
                aria-controls="details-tabpanel"
                id={format!("detail-tab-{}", each.key())}
                data-testid={format!("detail-tab-{}", each.key())}
                {onclick}
            >
                { label }
            </button>
        }
    });

    html! {
        <section class="run-view" aria-label={lang.t("Run", "実行")}>
            <div class="run-view-top">
                { verdict_banner(lang, &frame, cost.as_ref()) }
                { playback_bar(lang, &playback) }
            </div>
            { recovery_bar(lang, &frame, &playback, run) }
            { assumptions_note(lang, &frame) }
            // slot: state graph — W2's parent graph (Distributed Map expandable, live counts).
            <StateGraph lang={lang}
                model={model.clone()}
                frame={frame.clone()}
                selected={(*selected_state).clone()}
                on_select={on_select_state.clone()}
                animate={matches!(playback.mode, crate::playback::PlayMode::Playing | crate::playback::PlayMode::RunningToEnd)}
            />
            { map_run_panel(lang, &frame, *picked_run, &on_pick_run) }
            <div class="items-row">
                <ItemGrid lang={lang} frame={frame.clone()} run={run} selected={child} on_select={on_select} />
                { ItemTimeline {
                    frame: frame.clone(),
                    run,
                    child,
                    on_show_history,
                }.view(lang, &timeline) }
            </div>
            { timeline_chart(lang, &frame, run, &chart) }
            <section class="panel details-panel">
                <div class="tab-bar details-tabs" role="tablist" aria-label={lang.t("Run details", "実行の詳細")}>{ for detail_tabs }</div>
                <div id="details-tabpanel" role="tabpanel" aria-labelledby={format!("detail-tab-{}", detail_tab.key())}>
                { match *detail_tab {
                    DetailTab::StateLevel => html! {
                        // slot: state panel — W2's per-state statistics and delay tables.
                        { StatePanel {
                            lang,
                            model: model.clone(),
                            frame: Some(frame.clone()),
                            selected: (*selected_state).clone(),
                            on_select: on_select_state.clone(),
                        }.view(&state_index) }
                    },
                    DetailTab::ParentHistory => html! {
                        <HistoryPanel lang={lang} frame={frame.clone()} source={HistorySource::Parent} />
                    },
                    DetailTab::ChildHistory => match (run, child) {
                        (Some(run), Some(child)) => html! {
                            <HistoryPanel lang={lang} frame={frame.clone()} source={HistorySource::Child { run, child }} />
                        },
                        _ => html! {
                            <p class="details-placeholder">
                                { lang.t("Pick an item in the grid to see its child execution's history.",
                                         "グリッドでアイテムを選ぶと、その子実行の履歴を表示します。") }
                            </p>
                        },
                    },
                    // Computed only while shown: the metrics follow the run a few times a
                    // second, logs are queried on request.
                    DetailTab::Metrics => metrics_panel(lang, &frame, run, live, &metrics),
                    DetailTab::Logs => logs_panel(lang, &frame, &logs),
                    DetailTab::Errors => error_routing(lang, &frame, live, &errors, &on_select_state, &props.on_reveal_pointer),
                    // Kept mounted below, so that a sweep goes on while other tabs are shown.
                    DetailTab::Sweep | DetailTab::Compare => html! {},
                } }
                <div hidden={*detail_tab != DetailTab::Sweep}>
                    <SweepPanel lang={lang}
                        definition={props.definition.clone()}
                        scenario_text={props.scenario_text.clone()}
                        item_file={props.item_file.clone()}
                        on_action={props.on_action.clone()}
                    />
                </div>
                <div hidden={*detail_tab != DetailTab::Compare}>
                    <ComparePanel lang={lang}
                        definition={props.definition.clone()}
                        definition_text={props.definition_text.clone()}
                        scenario_text={props.scenario_text.clone()}
                        item_file={props.item_file.clone()}
                        on_action={props.on_action.clone()}
                    />
                </div>
                </div>
            </section>
        </section>
    }
}

/// What the run view says instead of a run: what is wrong with the documents, and where.
fn blocked(
    lang: Lang,
    blockers: &Blockers,
    setup_error: Option<&str>,
    on_show_tab: &Callback<DocumentTab>,
) -> Html {
    // Markup (see `crate::markup`); one listener serves the buttons through their `data-tab`.
    let onclick = {
        let on_show_tab = on_show_tab.clone();
        Callback::from(move |event: MouseEvent| {
            let tab = event
                .target()
                .and_then(|target| target.dyn_into::<web_sys::Element>().ok())
                .and_then(|element| element.closest("[data-tab]").ok().flatten())
                .and_then(|button| button.get_attribute("data-tab"));
            match tab.as_deref() {
                Some("definition") => on_show_tab.emit(DocumentTab::Definition),
                Some("scenario") => on_show_tab.emit(DocumentTab::Scenario),
                _ => {}
            }
        })
    };
    let go = |out: &mut Markup, tab: DocumentTab, label: &'static str| {
        out.element(
            "button",
            &[
                ("type", "button"),
                ("class", "bar-button"),
                ("data-tab", tab.key()),
            ],
            label,
        );
    };
    let details = |out: &mut Markup, problems: &[String]| {
        out.open("ul", &[("class", "blocked-details")]);
        for problem in problems {
            out.open("li", &[])
                .element("code", &[], problem)
                .close("li");
        }
        out.close("ul");
    };
    let mut out = Markup::new();
    out.open("h2", &[("class", "blocked-title")])
        .element(
            "span",
            &[("class", "blocked-icon"), ("aria-hidden", "true")],
            "!",
        )
        .text(lang.t("Nothing to run yet", "まだ実行できません"))
        .close("h2")
        .open("ul", &[("class", "blocked-reasons")]);
    let mut any = false;
    if blockers.definition_errors > 0 || blockers.definition_unreadable {
        let text = match lang {
            Lang::En => format!(
                "The definition has {} {} — the Problems list says where.",
                blockers.definition_errors.max(1),
                if blockers.definition_errors == 1 {
                    "error"
                } else {
                    "errors"
                }
            ),
            Lang::Ja => format!(
                "定義にエラーが {} 件あります。場所は「問題」一覧を参照してください。",
                blockers.definition_errors.max(1)
            ),
        };
        out.open("li", &[]).element("p", &[], &text);
        if !blockers.definition_problems.is_empty() {
            details(&mut out, &blockers.definition_problems);
        }
        go(
            &mut out,
            DocumentTab::Definition,
            lang.t("Show the definition", "定義を表示"),
        );
        out.close("li");
        any = true;
    }
    if !blockers.scenario_errors.is_empty() {
        out.open("li", &[]).element(
            "p",
            &[],
            lang.t("The scenario cannot be used:", "シナリオを使用できません:"),
        );
        let shown = blockers.scenario_errors.len().min(6);
        details(&mut out, &blockers.scenario_errors[..shown]);
        go(
            &mut out,
            DocumentTab::Scenario,
            lang.t("Show the scenario", "シナリオを表示"),
        );
        out.close("li");
        any = true;
    }
    if let Some(error) = setup_error {
        out.open("li", &[])
            .element(
                "p",
                &[],
                lang.t(
                    "The simulator cannot run this definition with this scenario:",
                    "このシナリオではこの定義を実行できません:",
                ),
            )
            .element("pre", &[("class", "blocked-details")], error)
            .close("li");
        any = true;
    }
    if !any {
        out.open("li", &[])
            .element(
                "p",
                &[],
                lang.t("Preparing the run…", "実行を準備しています…"),
            )
            .close("li");
    }
    out.close("ul");
    html! {
        <div class="blocked" data-testid="run-blocked" {onclick}>
            { out.html() }
        </div>
    }
}

/// Marks the moment the run view first shows a run (`performance.mark("mapsim:run-view-ready")`),
/// which the page benchmark reads as "interactive".
#[hook]
fn use_ready_mark(ready: bool) {
    let marked = use_mut_ref(|| false);
    use_effect_with(ready, move |ready| {
        if *ready && !*marked.borrow() {
            *marked.borrow_mut() = true;
            #[cfg(target_arch = "wasm32")]
            if let Some(performance) = web_sys::window().and_then(|w| w.performance()) {
                let _ = performance.mark("mapsim:run-view-ready");
            }
        }
    });
}
