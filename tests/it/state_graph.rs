//! The state graph's wiring: one card per state, the Distributed Map expanding into its child
//! states (by click and by keyboard), live counts from a `SimFrame`, selection reported with
//! the state's pointer, and the last good graph kept (greyed) while the definition has errors.

use std::cell::RefCell;
use std::rc::Rc;

use asl::{StateKind, StateMachine};
use engine::sim::{SimOptions, Simulation};
use mapsim::components::state_graph::{StateGraph, StateGraphProps};
use mapsim::examples::default_example;
use mapsim::i18n::Lang;
use mapsim::sim_frame::SimFrame;
use wasm_bindgen_test::wasm_bindgen_test;
use web_sys::{KeyboardEvent, KeyboardEventInit};
use yew::prelude::*;

use crate::support::{click, mount};

fn example_model() -> Rc<StateMachine> {
    let loaded = asl::load(default_example().definition, &asl::LoadOptions::default());
    let Some(model) = loaded.runnable() else {
        panic!("the example runs");
    };
    Rc::new(model.clone())
}

fn n_states(model: &StateMachine) -> usize {
    let mut n = 0;
    model.walk(&mut |_| n += 1);
    n
}

/// The example's model and a simulation of it run to the end.
fn finished_frame(model: &StateMachine) -> SimFrame {
    let Ok(scenario) = engine::scenario::parse(default_example().scenario) else {
        panic!("the example's scenario parses");
    };
    let Ok(mut sim) = Simulation::new(model, &scenario, SimOptions::default()) else {
        panic!("the example simulates");
    };
    sim.run();
    SimFrame::new(Rc::new(RefCell::new(sim)), 1, 1)
}

/// Clicks an SVG element (not an `HtmlElement`, so `support::click` does not apply): a bubbling
/// `click` event, which is what Yew's delegated listener needs.
fn svg_click(element: &web_sys::Element) {
    let init = web_sys::EventInit::new();
    init.set_bubbles(true);
    let Ok(event) = web_sys::Event::new_with_event_init_dict("click", &init) else {
        panic!("can create a click");
    };
    let _ = element.dispatch_event(&event);
}

fn press_enter(element: &web_sys::Element) {
    let init = KeyboardEventInit::new();
    init.set_key("Enter");
    init.set_bubbles(true);
    let Ok(event) = KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init) else {
        panic!("can create a keydown event");
    };
    let _ = element.dispatch_event(&event);
}

#[wasm_bindgen_test]
async fn one_card_per_state_with_the_child_workflow_expanded() {
    let model = example_model();
    let graph = mount::<StateGraph>(StateGraphProps {
        lang: Lang::En,
        model: Some(model.clone()),
        frame: None,
        selected: None,
        on_select: Callback::noop(),
        animate: true,
    })
    .await;
    assert_eq!(
        graph.count("[data-testid=graph-node]") as usize,
        n_states(&model),
        "{}",
        graph.root.inner_html()
    );
    // The child states are inside the Distributed Map's lane, one level down.
    let StateKind::Map(map) = &model.states[0].kind else {
        panic!("the example starts with its Map");
    };
    let child_names: Vec<String> = graph
        .all("[data-testid=graph-node][data-depth='1']")
        .iter()
        .filter_map(|node| node.get_attribute("data-state"))
        .collect();
    let expected: Vec<String> = map
        .processor
        .machine
        .states
        .iter()
        .map(|s| s.name.clone())
        .collect();
    assert_eq!(child_names, expected);
    assert_eq!(graph.count("[data-testid=graph-lane]"), 1);
    // Every edge is drawn, and Catch edges carry their errors.
    assert!(graph.count("[data-testid=graph-edge]") > 0);
    assert!(graph.root.inner_html().contains("DataValidationError"));
    // Without a run there are no counts.
    assert_eq!(graph.count(".card-counts"), 0);
}

#[wasm_bindgen_test]
async fn the_distributed_map_collapses_and_expands_by_click_and_by_keyboard() {
    let model = example_model();
    let graph = mount::<StateGraph>(StateGraphProps {
        lang: Lang::En,
        model: Some(model.clone()),
        frame: None,
        selected: None,
        on_select: Callback::noop(),
        animate: true,
    })
    .await;
    let toggle = graph.one("[data-testid=expand-map]");
    assert_eq!(
        toggle.get_attribute("aria-expanded").as_deref(),
        Some("true")
    );
    svg_click(&toggle);
    yew::scheduler::flush().await;
    assert_eq!(
        graph.count("[data-testid=graph-node]") as usize,
        model.states.len()
    );
    assert_eq!(graph.count("[data-testid=graph-lane]"), 0);
    let toggle = graph.one("[data-testid=expand-map]");
    assert_eq!(
        toggle.get_attribute("aria-expanded").as_deref(),
        Some("false")
    );
    press_enter(&toggle);
    yew::scheduler::flush().await;
    assert_eq!(
        graph.count("[data-testid=graph-node]") as usize,
        n_states(&model)
    );
}

#[wasm_bindgen_test]
async fn counts_appear_when_a_run_is_given_and_selection_reports_the_pointer() {
    let model = example_model();
    let frame = finished_frame(&model);
    let picked = Rc::new(RefCell::new(None::<AttrValue>));
    let on_select = {
        let picked = picked.clone();
        Callback::from(move |pointer: AttrValue| *picked.borrow_mut() = Some(pointer))
    };
    let graph = mount::<StateGraph>(StateGraphProps {
        lang: Lang::En,
        model: Some(model.clone()),
        frame: Some(frame),
        selected: None,
        on_select,
        animate: false,
    })
    .await;
    let succeeded: Vec<u64> = graph
        .all("[data-testid=graph-node][data-depth='1'][data-type='Task']")
        .iter()
        .filter_map(|node| node.get_attribute("data-succeeded"))
        .filter_map(|n| n.parse().ok())
        .collect();
    assert!(!succeeded.is_empty());
    assert!(
        succeeded.iter().any(|&n| n > 0),
        "{succeeded:?}: a child Task succeeded for some items"
    );
    assert!(graph.count(".card-counts") > 0);
    // A paused (finished) run shows no moving traffic.
    assert_eq!(graph.count("[data-testid=graph-flow]"), 0);

    let node = graph.one("[data-testid=graph-node][data-state='ValidateOrder']");
    svg_click(&node);
    yew::scheduler::flush().await;
    assert_eq!(
        picked.borrow().as_deref(),
        Some("/States/ProcessOrders/ItemProcessor/States/ValidateOrder")
    );
    // And by keyboard.
    *picked.borrow_mut() = None;
    let node = graph.one("[data-testid=graph-node][data-state='ProcessOrders']");
    press_enter(&node);
    yew::scheduler::flush().await;
    assert_eq!(picked.borrow().as_deref(), Some("/States/ProcessOrders"));
}

/// A page holding the graph whose definition can be broken and fixed.
#[derive(Properties, PartialEq)]
struct BreakableProps {
    model: Rc<StateMachine>,
}

#[component]
fn Breakable(props: &BreakableProps) -> Html {
    let broken = use_state(|| false);
    let onclick = {
        let broken = broken.clone();
        Callback::from(move |_: MouseEvent| broken.set(!*broken))
    };
    html! {
        <div>
            <button id="break" {onclick}>{ "break" }</button>
            <StateGraph model={(!*broken).then(|| props.model.clone())} />
        </div>
    }
}

#[wasm_bindgen_test]
async fn the_last_good_graph_stays_greyed_while_the_definition_has_errors() {
    let model = example_model();
    let page = mount::<Breakable>(BreakableProps {
        model: model.clone(),
    })
    .await;
    assert_eq!(page.count("[data-testid=state-graph-stale]"), 0);
    click(&page.one("#break"));
    yew::scheduler::flush().await;
    assert_eq!(page.count("[data-testid=state-graph-stale]"), 1);
    assert_eq!(
        page.count("[data-testid=graph-node]") as usize,
        n_states(&model)
    );
    click(&page.one("#break"));
    yew::scheduler::flush().await;
    assert_eq!(page.count("[data-testid=state-graph-stale]"), 0);
}

#[wasm_bindgen_test]
async fn without_any_model_the_graph_says_why() {
    let graph = mount::<StateGraph>(StateGraphProps {
        lang: Lang::En,
        model: None,
        frame: None,
        selected: None,
        on_select: Callback::noop(),
        animate: true,
    })
    .await;
    assert_eq!(graph.count("[data-testid=state-graph-empty]"), 1);
    assert_eq!(graph.count("[data-testid=graph-node]"), 0);
}
