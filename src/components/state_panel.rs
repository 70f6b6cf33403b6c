//! The state level: for the state selected in the graph, its attempts, retries by retrier
//! (with what each retrier matches and its delay table), errors by name with their share,
//! catches by catcher and where they lead, timeouts, throttles, and what is in flight or
//! waiting to retry now; below, every Task, Map and Parallel state at once in a compact table.

use std::rc::Rc;

use asl::{State, StateKind, StateMachine};
use engine::report::StateStats;
use yew::prelude::*;

use crate::components::delay_table::DelayTable;
use crate::graph::state_report::{percent_text, StateIndex, StateReport};
use crate::i18n::{count, use_lang, Lang};
use crate::sim_frame::SimFrame;

#[derive(Properties, PartialEq)]
pub struct StatePanelProps {
    pub model: Option<Rc<StateMachine>>,
    #[prop_or_default]
    pub frame: Option<SimFrame>,
    /// The JSON pointer of the selected state.
    #[prop_or_default]
    pub selected: Option<AttrValue>,
    /// Called with a state's pointer when the user picks one in the table.
    #[prop_or_default]
    pub on_select: Callback<AttrValue>,
}

/// Whether a state has Retry/Catch fields (and so retries, catches and a delay table).
fn handles_errors(state: &State) -> bool {
    matches!(
        state.kind,
        StateKind::Task(_) | StateKind::Map(_) | StateKind::Parallel(_)
    )
}

#[component]
pub fn StatePanel(props: &StatePanelProps) -> Html {
    let lang = use_lang();
    let generation = props.frame.as_ref().map(|frame| frame.generation);
    let index = {
        let frame = props.frame.clone();
        use_memo(generation, move |_| {
            frame
                .as_ref()
                .and_then(|frame| frame.read().map(|sim| StateIndex::of(sim.program())))
                .unwrap_or_default()
        })
    };
    let Some(model) = &props.model else {
        return html! {
            <section class="state-panel" data-testid="state-panel">
                <p class="state-panel-hint">
                    { lang.t("The definition has errors: no state to show.", "定義にエラーがあるため、表示するステートがありません。") }
                </p>
            </section>
        };
    };
    let sim = props.frame.as_ref().and_then(|frame| frame.read());
    let stats_of = |state: &State| -> Option<StateStats> {
        let sim = sim.as_ref()?;
        let id = index.id(&state.pointer)?;
        sim.state_stats().get(id).cloned()
    };

    let mut states: Vec<&State> = Vec::new();
    model.walk(&mut |state| states.push(state));
    let selected = props
        .selected
        .as_deref()
        .and_then(|pointer| states.iter().find(|s| s.pointer == pointer).copied());

    let detail = match selected {
        Some(state) => state_detail(lang, state, stats_of(state).as_ref()),
        None => html! {
            <p class="state-panel-hint" data-testid="state-panel-hint">
                { lang.t(
                    "Select a state in the graph (or in the table below) to see its retries, errors, catches and delay tables.",
                    "グラフ(または下の表)でステートを選ぶと、リトライ・エラー・キャッチと待機時間の表を表示します。",
                ) }
            </p>
        },
    };

    let rows = states.iter().filter(|s| handles_errors(s)).map(|state| {
        let stats = stats_of(state);
        let cell = |value: Option<u64>| match value {
            Some(n) => count(n),
            None => "—".to_string(),
        };
        let top_error = stats.as_ref().and_then(|s| {
            let report = StateReport::of(state, s);
            report.errors.first().map(|e| format!("{} ({})", e.name, percent_text(e.share)))
        });
        let is_selected = selected.is_some_and(|s| s.pointer == state.pointer);
        let onclick = {
            let on_select = props.on_select.clone();
            let pointer = AttrValue::from(state.pointer.clone());
            Callback::from(move |_: MouseEvent| on_select.emit(pointer.clone()))
        };
        let is_task = matches!(state.kind, StateKind::Task(_));
        html! {
            <tr class={classes!(is_selected.then_some("row-selected"))} data-testid="state-row" data-state={state.name.clone()}>
                <th scope="row">
                    <button type="button" class="link-button" aria-pressed={is_selected.to_string()} {onclick}>
                        { state.name.clone() }
                    </button>
                    <span class="state-type">{ state.type_name() }</span>
                </th>
                <td class="num">{ if is_task { cell(stats.as_ref().map(|s| s.attempts)) } else { "·".into() } }</td>
                <td class="num">{ cell(stats.as_ref().map(|s| s.retries)) }</td>
                <td class="num">{ cell(stats.as_ref().map(|s| s.succeeded)) }</td>
                <td class="num">{ cell(stats.as_ref().map(|s| s.caught)) }</td>
                <td class="num">{ cell(stats.as_ref().map(|s| s.failed)) }</td>
                <td class="num">{ if is_task { cell(stats.as_ref().map(|s| s.timeouts)) } else { "·".into() } }</td>
                <td class="num">{ if is_task { cell(stats.as_ref().map(|s| s.throttles)) } else { "·".into() } }</td>
                <td class="top-error">{ top_error.unwrap_or_default() }</td>
            </tr>
        }
    });

    html! {
        <section class="state-panel" data-testid="state-panel">
            { detail }
            <div class="state-table-wrap">
                <table class="state-table" data-testid="all-states-table">
                    <caption>{ lang.t("Every Task, Map and Parallel state", "すべての Task・Map・Parallel ステート") }</caption>
                    <thead>
                        <tr>
                            <th scope="col">{ lang.t("State", "ステート") }</th>
                            <th scope="col" class="num">{ lang.t("Attempts", "試行") }</th>
                            <th scope="col" class="num">{ lang.t("Retries", "リトライ") }</th>
                            <th scope="col" class="num">{ lang.t("Succeeded", "成功") }</th>
                            <th scope="col" class="num">{ lang.t("Caught", "キャッチ") }</th>
                            <th scope="col" class="num">{ lang.t("Failed", "失敗") }</th>
                            <th scope="col" class="num">{ lang.t("Timeouts", "タイムアウト") }</th>
                            <th scope="col" class="num">{ lang.t("Throttles", "スロットリング") }</th>
                            <th scope="col">{ lang.t("Most frequent error", "最も多いエラー") }</th>
                        </tr>
                    </thead>
                    <tbody>{ for rows }</tbody>
                </table>
            </div>
        </section>
    }
}

/// Everything about one state.
fn state_detail(lang: Lang, state: &State, stats: Option<&StateStats>) -> Html {
    let is_task = matches!(state.kind, StateKind::Task(_));
    let tiles: Vec<(&str, Option<u64>, &str)> = {
        let s = stats;
        let mut tiles = Vec::new();
        if is_task {
            tiles.push((
                lang.t("Attempts", "試行"),
                s.map(|s| s.attempts),
                "tile-attempts",
            ));
        }
        tiles.push((
            lang.t("Entered", "開始"),
            s.map(|s| s.entered),
            "tile-entered",
        ));
        tiles.push((
            lang.t("Retries", "リトライ"),
            s.map(|s| s.retries),
            "tile-retries",
        ));
        tiles.push((
            lang.t("Succeeded", "成功"),
            s.map(|s| s.succeeded),
            "tile-succeeded",
        ));
        tiles.push((
            lang.t("Caught", "キャッチ"),
            s.map(|s| s.caught),
            "tile-caught",
        ));
        tiles.push((lang.t("Failed", "失敗"), s.map(|s| s.failed), "tile-failed"));
        if is_task {
            tiles.push((
                lang.t("Timeouts", "タイムアウト"),
                s.map(|s| s.timeouts),
                "tile-timeouts",
            ));
            tiles.push((
                lang.t("Throttles", "スロットリング"),
                s.map(|s| s.throttles),
                "tile-throttles",
            ));
        }
        tiles.push((
            lang.t("In flight now", "現在実行中"),
            s.map(|s| s.in_flight),
            "tile-in-flight",
        ));
        tiles.push((
            lang.t("Retrying now", "現在リトライ待ち"),
            s.map(|s| s.retrying),
            "tile-retrying",
        ));
        tiles
    };
    let tiles = tiles.into_iter().map(|(label, value, class)| {
        html! {
            <div class={classes!("stat-tile", class)}>
                <dt>{ label }</dt>
                <dd>{ value.map_or_else(|| "—".to_string(), count) }</dd>
            </div>
        }
    });
    let heading = html! {
        <header class="state-detail-header">
            <h3 class="state-detail-name" data-testid="state-detail-name">{ state.name.clone() }</h3>
            <span class="chip state-type-chip">{ state.type_name() }</span>
            <code class="state-pointer">{ state.pointer.clone() }</code>
        </header>
    };
    if !handles_errors(state) {
        return html! {
            <div class="state-detail" data-testid="state-detail">
                { heading }
                <dl class="stat-tiles" data-testid="state-stats">{ for tiles }</dl>
                <p class="state-panel-hint">
                    { match lang {
                        Lang::En => format!("A {} state has no Retry or Catch.", state.type_name()),
                        Lang::Ja => format!("{} ステートには Retry も Catch もありません。", state.type_name()),
                    } }
                </p>
            </div>
        };
    }
    let report = stats.map(|stats| StateReport::of(state, stats));
    let no_run = lang.t("—", "—");

    let retriers = state.retry().iter().enumerate().map(|(index, retrier)| {
        let retries = report
            .as_ref()
            .and_then(|r| r.retriers.get(index))
            .map(|r| count(r.retries));
        html! {
            <li class="retrier" data-testid="retrier">
                <div class="retrier-head">
                    <span class="retrier-index">{ format!("#{}", index + 1) }</span>
                    <span class="error-list">{ for retrier.error_equals.iter().map(|e| html! { <code>{ e.clone() }</code> }) }</span>
                    <span class="retrier-count" data-testid="retrier-retries">
                        { match lang {
                            Lang::En => format!("{} retries", retries.as_deref().unwrap_or(no_run)),
                            Lang::Ja => format!("リトライ {} 回", retries.as_deref().unwrap_or(no_run)),
                        } }
                    </span>
                </div>
                <DelayTable retrier={retrier.clone()} index={index} />
            </li>
        }
    });

    let errors = match &report {
        Some(report) if !report.errors.is_empty() => {
            let rows = report.errors.iter().map(|error| {
                html! {
                    <tr data-testid="error-row">
                        <th scope="row"><code>{ error.name.clone() }</code></th>
                        <td class="num">{ count(error.count) }</td>
                        <td class="share">
                            <span class="share-bar" aria-hidden="true">
                                <span style={format!("width:{:.1}%", error.share * 100.0)} />
                            </span>
                            { percent_text(error.share) }
                        </td>
                    </tr>
                }
            });
            html! {
                <table class="errors-table" data-testid="errors-table">
                    <thead>
                        <tr>
                            <th scope="col">{ lang.t("Error", "エラー") }</th>
                            <th scope="col" class="num">{ lang.t("Count", "件数") }</th>
                            <th scope="col">{ lang.t("Share", "割合") }</th>
                        </tr>
                    </thead>
                    <tbody>{ for rows }</tbody>
                </table>
            }
        }
        Some(_) => html! {
            <p class="state-panel-hint">{ lang.t("No error raised here so far.", "ここではまだエラーは発生していません。") }</p>
        },
        None => html! {
            <p class="state-panel-hint">{ lang.t("Errors appear when the run starts.", "実行が始まるとエラーが表示されます。") }</p>
        },
    };

    let catchers = state.catch().iter().enumerate().map(|(index, catcher)| {
        let caught = report
            .as_ref()
            .and_then(|r| r.catchers.get(index))
            .map(|c| count(c.caught));
        html! {
            <tr data-testid="catcher-row">
                <td class="num">{ format!("#{}", index + 1) }</td>
                <td class="error-list">{ for catcher.error_equals.iter().map(|e| html! { <code>{ e.clone() }</code> }) }</td>
                <td>{ "→ " }<strong>{ catcher.next.clone() }</strong></td>
                <td class="num">{ caught.unwrap_or_else(|| no_run.to_string()) }</td>
            </tr>
        }
    });

    html! {
        <div class="state-detail" data-testid="state-detail">
            { heading }
            <dl class="stat-tiles" data-testid="state-stats">{ for tiles }</dl>
            <div class="state-detail-columns">
                <section class="state-section">
                    <h4>{ lang.t("Errors by name", "エラー別") }</h4>
                    { errors }
                    <h4>{ lang.t("Catches by catcher", "キャッチャー別のキャッチ") }</h4>
                    if state.catch().is_empty() {
                        <p class="state-panel-hint">{ lang.t("No Catch: an error that is not retried fails the state.", "Catch なし:リトライされないエラーはステートを失敗させます。") }</p>
                    } else {
                        <table class="catchers-table" data-testid="catchers-table">
                            <thead>
                                <tr>
                                    <th scope="col" class="num">{ "#" }</th>
                                    <th scope="col">{ "ErrorEquals" }</th>
                                    <th scope="col">{ lang.t("Goes to", "遷移先") }</th>
                                    <th scope="col" class="num">{ lang.t("Caught", "キャッチ") }</th>
                                </tr>
                            </thead>
                            <tbody>{ for catchers }</tbody>
                        </table>
                    }
                </section>
                <section class="state-section">
                    <h4>{ lang.t("Retries by retrier", "リトライア別のリトライ") }</h4>
                    if state.retry().is_empty() {
                        <p class="state-panel-hint">{ lang.t("No Retry: every error goes straight to Catch (or fails the state).", "Retry なし:エラーはすべてそのまま Catch へ(なければステートが失敗)。") }</p>
                    } else {
                        <ol class="retriers">{ for retriers }</ol>
                    }
                </section>
            </div>
        </div>
    }
}
