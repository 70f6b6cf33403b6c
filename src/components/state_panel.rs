//! The state level: for the state selected in the graph, its attempts, retries by retrier
//! (with what each retrier matches and its delay table), errors by name with their share,
//! catches by catcher and where they lead, timeouts, throttles, and what is in flight or
//! waiting to retry now; below, every Task, Map and Parallel state at once in a compact table
//! whose names select a state. The markup comes from [`crate::graph::tables`]; one listener
//! here serves every button in it (`data-select`).

use std::rc::Rc;

use asl::{State, StateMachine};
use engine::report::StateStats;
use wasm_bindgen::JsCast;
use yew::prelude::*;

use crate::graph::state_report::StateIndex;
use crate::graph::tables::{handles_errors, state_detail, states_table};
use crate::i18n::Lang;
use crate::sim_frame::SimFrame;

/// What the panel is drawn from; [`StatePanel::view`] draws it, with the index of the run's
/// states ([`use_state_index`]) kept by the run view's component: the panel is drawn by the run
/// view rather than by a component of its own, since each component type costs the page a few
/// kilobytes of WebAssembly.
pub struct StatePanel {
    /// The page's language.
    pub lang: Lang,
    pub model: Option<Rc<StateMachine>>,
    pub frame: Option<SimFrame>,
    /// The JSON pointer of the selected state.
    pub selected: Option<AttrValue>,
    /// Called with a state's pointer when the user picks one in the table.
    pub on_select: Callback<AttrValue>,
}

/// The index of the states of the run in `frame` (rebuilt only with the simulation).
#[hook]
pub fn use_state_index(frame: Option<SimFrame>) -> Rc<StateIndex> {
    let generation = frame.as_ref().map(|frame| frame.generation);
    use_memo(generation, move |_| {
        frame
            .as_ref()
            .and_then(|frame| frame.read().map(|sim| StateIndex::of(sim.program())))
            .unwrap_or_default()
    })
}

impl StatePanel {
    pub fn view(&self, index: &StateIndex) -> Html {
        let props = self;
        let lang = props.lang;
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
        let selected = props.selected.as_deref();
        // A Task whose work has a side effect: how many times it happened, and on how many
        // items more than once (the engine counts them; the scenario declares the effect).
        let effect_of = |state: &State| -> Option<engine::sim::EffectReport> {
            let sim = sim.as_ref()?;
            let id = index.id(&state.pointer)?;
            sim.effect_report(id as engine::program::StateId)
        };
        let detail = match selected.and_then(|p| states.iter().find(|s| s.pointer == p)) {
        Some(state) => {
            let mut detail = state_detail(state, stats_of(state).as_ref(), lang);
            if let Some(effect) = effect_of(state) {
                detail.push_str(&effect_line(&effect, lang));
            }
            detail
        }
        None => format!(
            r#"<p class="state-panel-hint" data-testid="state-panel-hint">{}</p>"#,
            lang.t(
                "Select a state in the graph (or in the table below) to see its retries, errors, catches and delay tables.",
                "グラフ(または下の表)でステートを選ぶと、リトライ・エラー・キャッチと待機時間の表を表示します。",
            )
        ),
    };
        let rows: Vec<(&State, Option<StateStats>)> = states
            .iter()
            .filter(|s| handles_errors(s))
            .map(|s| (*s, stats_of(s)))
            .collect();
        let table = states_table(&rows, selected, lang);
        drop(sim);

        // One listener for every `data-select` button in the markup.
        let onclick = {
            let on_select = props.on_select.clone();
            Callback::from(move |event: MouseEvent| {
                let target = event
                    .target()
                    .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
                    .and_then(|e| e.closest("[data-select]").ok().flatten());
                if let Some(pointer) = target.and_then(|e| e.get_attribute("data-select")) {
                    on_select.emit(pointer.into());
                }
            })
        };
        html! {
            <section class="state-panel" data-testid="state-panel" {onclick}>
                { Html::from_html_unchecked(detail.into()) }
                { Html::from_html_unchecked(table.into()) }
            </section>
        }
    }
}

/// "Side effect: 1,012 times; 12 items written more than once" — the repeats marked harmless
/// when the scenario says the write is idempotent.
fn effect_line(effect: &engine::sim::EffectReport, lang: Lang) -> String {
    let duplicates = crate::i18n::count(effect.duplicates);
    let times = crate::i18n::count(effect.effects);
    let (class, text) = match (lang, effect.duplicates, effect.idempotent) {
        (Lang::Ja, 0, _) => ("effect-line", format!("副作用：{times} 回。2 回以上書き込まれたアイテムはありません。")),
        (Lang::Ja, _, true) => ("effect-line", format!("副作用：{times} 回。2 回以上書き込まれたアイテム {duplicates} 件（冪等なので無害）。")),
        (Lang::Ja, _, false) => ("effect-line effect-duplicates", format!("副作用：{times} 回。2 回以上書き込まれたアイテム {duplicates} 件。")),
        (_, 0, _) => ("effect-line", format!("Side effect: {times} times; no item written more than once.")),
        (_, _, true) => ("effect-line", format!("Side effect: {times} times; {duplicates} items written more than once (idempotent: harmless).")),
        (_, _, false) => ("effect-line effect-duplicates", format!("Side effect: {times} times; {duplicates} items written more than once.")),
    };
    format!(r#"<p class="{class}" data-testid="effect-line">{text}</p>"#)
}
