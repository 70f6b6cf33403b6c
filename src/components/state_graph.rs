//! The state graph: the whole machine drawn as an SVG from `asl`'s model (laid out by
//! [`crate::graph::scene`]), with live per-state counts and animated traffic when a run is
//! given. Parallel branches and Inline Maps are containers; a Distributed Map expands into its
//! child workflow (the one the run is about starts expanded). Clicking a state — or Tab to it
//! and Enter — selects it for the state panel.
//!
//! Rendering cost per frame is kept small for the 100,000-item benchmark: the layout and the
//! static drawing (containers, edges, labels) are memoised and re-rendered only when the
//! definition or the expansion changes; each card is its own component whose props are its
//! counts, so Yew redraws only the cards whose counts changed; traffic is a handful of CSS
//! classes that change only when an edge's level does.

mod card;

use std::rc::Rc;

use asl::StateMachine;
use yew::prelude::*;

use crate::graph::scene::{self, Expansion, Role, Scene};
use crate::graph::state_report::StateIndex;
use crate::graph::svg::{self, Counts};
use crate::graph::traffic::{self, Flow, Measured, Snapshot};
use crate::i18n::Lang;
use crate::sim_frame::SimFrame;

use card::Card;

#[derive(Properties, PartialEq)]
pub struct StateGraphProps {
    /// The page's language (English when not given, e.g. in a component test).
    #[prop_or_default]
    pub lang: Lang,
    /// The definition's model (`None` while the definition has errors: the last good graph is
    /// then shown greyed).
    pub model: Option<Rc<StateMachine>>,
    /// The run, for live counts and traffic.
    #[prop_or_default]
    pub frame: Option<SimFrame>,
    /// The JSON pointer of the selected state.
    #[prop_or_default]
    pub selected: Option<AttrValue>,
    /// Called with a state's JSON pointer when the user selects it.
    #[prop_or_default]
    pub on_select: Callback<AttrValue>,
    /// Whether the run is moving (playing or running to the end): traffic shows only then,
    /// since it is measured between frames and a paused run has none.
    #[prop_or(true)]
    pub animate: bool,
}

/// A shared scene compared by identity (the scene itself is large and never changes).
#[derive(Clone)]
pub struct SceneRef(pub Rc<Scene>);

impl PartialEq for SceneRef {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

/// A model compared by identity, for memoising on it.
#[derive(Clone)]
struct ModelRef(Rc<StateMachine>);

impl PartialEq for ModelRef {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

/// How often, at most, a playing run's counts and traffic are read: a few times a second is as
/// fast as anyone reads a number, and it keeps the graph out of most frames (cards are redrawn
/// only when their counts change).
const SAMPLE_MS: f64 = 150.0;

/// The live figures, kept by the component between renders and sampled from the run.
#[derive(Default)]
struct Live {
    /// The run (generation) and drawing (scene address) the figures belong to.
    key: Option<(u64, usize)>,
    /// The frame last sampled, and when (`performance.now()`).
    frame: u64,
    sampled_at: f64,
    measures: Vec<Option<Measured>>,
    flow: Flow,
    counts: Vec<Option<Counts>>,
    levels: Rc<[u8]>,
}

/// Milliseconds from the page's clock (the page's, not the engine's: only for pacing redraws).
fn now_ms() -> f64 {
    web_sys::window()
        .and_then(|window| window.performance())
        .map_or(0.0, |performance| performance.now())
}

#[component]
pub fn StateGraph(props: &StateGraphProps) -> Html {
    let lang = props.lang;
    let expansion = use_state(Expansion::default);
    // Fitted into the panel (the default) or at natural size, scrolling.
    let natural = use_state(|| false);
    // The last model that could be drawn, for while the definition has errors.
    let last_model = use_mut_ref(|| None::<Rc<StateMachine>>);
    if let Some(model) = &props.model {
        *last_model.borrow_mut() = Some(model.clone());
    }
    let shown = props.model.clone().or_else(|| last_model.borrow().clone());
    let stale = props.model.is_none() && shown.is_some();

    let scene = use_memo(
        (shown.clone().map(ModelRef), (*expansion).clone()),
        |(model, expansion)| {
            model
                .as_ref()
                .map(|model| SceneRef(Rc::new(scene::build(&model.0, expansion))))
        },
    );
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
    // The engine id of each node's state, looked up once per drawing and run.
    let ids = use_memo(((*scene).clone(), generation), {
        let index = index.clone();
        move |(scene, _)| match scene {
            Some(scene) => scene
                .0
                .nodes
                .iter()
                .map(|n| {
                    (n.role == Role::State)
                        .then(|| index.id(&n.pointer))
                        .flatten()
                })
                .collect::<Vec<_>>(),
            None => Vec::new(),
        }
    });
    let live = use_mut_ref(Live::default);
    // The markup under the cards, rebuilt only when the drawing or the language changes.
    let static_layer = use_memo(((*scene).clone(), lang), |(scene, lang)| match scene {
        Some(scene) => Html::from_html_unchecked(svg::static_layer(&scene.0, *lang).into()),
        None => Html::default(),
    });

    let Some(scene) = (*scene).clone() else {
        return html! {
            <section class="panel state-graph" data-testid="state-graph" aria-labelledby="state-graph-heading">
                { header(lang, None) }
                <p class="state-graph-note" data-testid="state-graph-empty">
                    { lang.t(
                        "No graph yet: the definition has errors. Fix them and the graph appears here.",
                        "まだグラフはありません:定義にエラーがあります。修正するとここにグラフが表示されます。",
                    ) }
                </p>
            </section>
        };
    };

    // Live counts per state card, and traffic per edge: sampled while playing, read at once
    // when the run stands still (a step, a seek, the end).
    let mut counts: Vec<Option<Counts>> = vec![None; scene.0.nodes.len()];
    let mut levels: Rc<[u8]> = Rc::from(Vec::new());
    if let Some(frame) = &props.frame {
        let mut live = live.borrow_mut();
        let live = &mut *live;
        let key = (frame.generation, Rc::as_ptr(&scene.0) as usize);
        let now = now_ms();
        let fresh = live.key != Some(key);
        let due = fresh
            || (frame.frame != live.frame
                && (!props.animate || now - live.sampled_at >= SAMPLE_MS));
        if due {
            if let Some(sim) = frame.read() {
                let stats = sim.state_stats();
                if fresh {
                    *live = Live {
                        key: Some(key),
                        measures: traffic::measures(&scene.0, &index),
                        ..Live::default()
                    };
                }
                live.counts = ids
                    .iter()
                    .map(|id| id.and_then(|id| stats.get(id)).map(Counts::of))
                    .collect();
                let seconds = ((now - live.sampled_at) / 1000.0).max(0.001);
                live.flow
                    .update(&live.measures, Snapshot::of(stats), seconds);
                let next: Vec<u8> = (0..scene.0.edges.len())
                    .map(|i| live.flow.level(i))
                    .collect();
                if *live.levels != *next {
                    live.levels = next.into();
                }
                live.frame = frame.frame;
                live.sampled_at = now;
            }
        }
        if live.counts.len() == counts.len() {
            counts.clone_from(&live.counts);
        }
        if props.animate {
            levels = live.levels.clone();
        }
    }

    let on_toggle = {
        let expansion = expansion.clone();
        Callback::from(move |pointer: AttrValue| expansion.set(expansion.toggle(&pointer)))
    };
    let size = scene.0.size;
    let cards = scene.0.nodes.iter().enumerate().map(|(i, node)| {
        let selected =
            node.role == Role::State && props.selected.as_deref() == Some(node.pointer.as_str());
        html! {
            <Card lang={lang}
                key={node.key()}
                scene={scene.clone()}
                index={i}
                counts={counts.get(i).copied().flatten()}
                selected={selected}
                on_select={props.on_select.clone()}
                on_toggle={on_toggle.clone()}
            />
        }
    });
    let live = props.frame.is_some();
    let zoom = {
        let onclick = {
            let natural = natural.clone();
            Callback::from(move |_: MouseEvent| natural.set(!*natural))
        };
        html! {
            <button
                type="button"
                class="state-graph-zoom"
                aria-pressed={natural.to_string()}
                data-testid="graph-zoom"
                {onclick}
            >
                { if *natural { lang.t("Fit to panel", "パネルに合わせる") } else { lang.t("Actual size", "実寸") } }
            </button>
        }
    };

    html! {
        <section
            class={classes!(
                "panel",
                "state-graph",
                stale.then_some("state-graph-stale"),
                natural.then_some("state-graph-natural"),
                (!props.animate).then_some("state-graph-still"),
            )}
            data-testid="state-graph"
            aria-labelledby="state-graph-heading"
        >
            { header(lang, Some(zoom)) }
            if stale {
                <p class="state-graph-note state-graph-stale-note" data-testid="state-graph-stale" role="status">
                    { lang.t(
                        "The definition has errors: this is the last graph that could be drawn.",
                        "定義にエラーがあります:最後に描けたグラフを表示しています。",
                    ) }
                </p>
            }
            <div class="state-graph-scroll">
                <svg
                    class="state-graph-svg"
                    viewBox={format!("0 0 {:.0} {:.0}", size.width.ceil(), size.height.ceil())}
                    width={format!("{:.0}", size.width.ceil())}
                    height={format!("{:.0}", size.height.ceil())}
                    role="group"
                    aria-label={lang.t("State graph", "ステートグラフ")}
                >
                    <g class="state-graph-static">{ (*static_layer).clone() }</g>
                    <g class="state-graph-flow" aria-hidden="true">
                        { Html::from_html_unchecked(svg::flow_layer(&scene.0, &levels).into()) }
                    </g>
                    { for cards }
                </svg>
            </div>
            { legend(lang, live) }
        </section>
    }
}

fn header(lang: Lang, actions: Option<Html>) -> Html {
    html! {
        <header class="panel-header">
            <h2 id="state-graph-heading" class="panel-title">{ lang.t("State graph", "ステートグラフ") }</h2>
            { actions.unwrap_or_default() }
        </header>
    }
}

/// What the glyphs, line styles and moving dots mean.
fn legend(lang: Lang, live: bool) -> Html {
    Html::from_html_unchecked(svg::legend(lang, live).into())
}
