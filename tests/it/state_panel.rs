//! The state panel's wiring: the selected state's figures and, for each of its retriers, a
//! delay table with one row per retry; errors and catches once a run is given; every
//! error-handling state in the table, which selects a state when its name is clicked.

use std::cell::RefCell;
use std::rc::Rc;

use asl::{StateKind, StateMachine};
use engine::sim::{SimOptions, Simulation};
use mapsim::components::state_panel::{use_state_index, StatePanel};
use mapsim::examples::default_example;
use mapsim::i18n::Lang;
use mapsim::sim_frame::SimFrame;
use wasm_bindgen_test::wasm_bindgen_test;
use yew::prelude::*;

use crate::support::{click, mount};

const VALIDATE: &str = "/States/ProcessOrders/ItemProcessor/States/ValidateOrder";

fn example_model() -> Rc<StateMachine> {
    let loaded = asl::load(default_example().definition, &asl::LoadOptions::default());
    let Some(model) = loaded.runnable() else {
        panic!("the example runs");
    };
    Rc::new(model.clone())
}

fn state<'a>(model: &'a StateMachine, pointer: &str) -> &'a asl::State {
    let mut found = None;
    model.walk(&mut |s| {
        if s.pointer == pointer {
            found = Some(s);
        }
    });
    let Some(found) = found else {
        panic!("no state at {pointer}");
    };
    found
}

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

#[derive(Properties, PartialEq)]
struct PanelProps {
    lang: Lang,
    model: Option<Rc<StateMachine>>,
    frame: Option<SimFrame>,
    selected: Option<AttrValue>,
    on_select: Callback<AttrValue>,
}

/// The state panel with the index of the run's states, as the run view draws it.
#[component]
fn Panel(props: &PanelProps) -> Html {
    let index = use_state_index(props.frame.clone());
    StatePanel {
        lang: props.lang,
        model: props.model.clone(),
        frame: props.frame.clone(),
        selected: props.selected.clone(),
        on_select: props.on_select.clone(),
    }
    .view(&index)
}

#[wasm_bindgen_test]
async fn a_selected_task_shows_a_delay_table_per_retrier_with_a_row_per_retry() {
    let model = example_model();
    let validate = state(&model, VALIDATE);
    let panel = mount::<Panel>(PanelProps {
        lang: Lang::En,
        model: Some(model.clone()),
        frame: None,
        selected: Some(VALIDATE.into()),
        on_select: Callback::noop(),
    })
    .await;
    assert_eq!(
        panel
            .one("[data-testid=state-detail-name]")
            .text_content()
            .as_deref(),
        Some("ValidateOrder")
    );
    let tables = panel.all("[data-testid=delay-table]");
    assert_eq!(tables.len(), validate.retry().len());
    for (table, retrier) in tables.iter().zip(validate.retry()) {
        let rows = table
            .query_selector_all("[data-testid=delay-row]")
            .map(|list| list.length())
            .unwrap_or(0);
        assert_eq!(u64::from(rows), retrier.max_attempts.min(50));
    }
    assert_eq!(
        panel.count("[data-testid=catcher-row]") as usize,
        validate.catch().len()
    );
    // No run yet: figures are dashes, not zeros.
    assert!(panel
        .one("[data-testid=state-stats]")
        .text_content()
        .unwrap_or_default()
        .contains('—'));
}

#[wasm_bindgen_test]
async fn with_a_run_errors_and_catches_are_counted_and_the_table_selects() {
    let model = example_model();
    let frame = finished_frame(&model);
    let picked = Rc::new(RefCell::new(None::<AttrValue>));
    let on_select = {
        let picked = picked.clone();
        Callback::from(move |pointer: AttrValue| *picked.borrow_mut() = Some(pointer))
    };
    let panel = mount::<Panel>(PanelProps {
        lang: Lang::En,
        model: Some(model.clone()),
        frame: Some(frame),
        selected: Some(VALIDATE.into()),
        on_select,
    })
    .await;
    assert!(
        panel.count("[data-testid=error-row]") > 0,
        "{}",
        panel.root.inner_html()
    );
    let mut handling = 0;
    model.walk(&mut |s| {
        if matches!(
            s.kind,
            StateKind::Task(_) | StateKind::Map(_) | StateKind::Parallel(_)
        ) {
            handling += 1;
        }
    });
    assert_eq!(panel.count("[data-testid=state-row]") as usize, handling);
    click(&panel.one("[data-testid=state-row][data-state='ProcessOrders'] button"));
    yew::scheduler::flush().await;
    assert_eq!(picked.borrow().as_deref(), Some("/States/ProcessOrders"));
}

#[wasm_bindgen_test]
async fn a_retrier_with_max_attempts_zero_says_it_never_retries() {
    let text = r#"{"StartAt": "T", "States": {"T": {"Type": "Task",
        "Resource": "arn:aws:states:::lambda:invoke", "End": true,
        "Retry": [{"ErrorEquals": ["States.ALL"], "MaxAttempts": 0}]}}}"#;
    let loaded = asl::load(text, &asl::LoadOptions::default());
    let Some(model) = loaded.runnable() else {
        panic!("{:?}", loaded.diagnostics);
    };
    let panel = mount::<Panel>(PanelProps {
        lang: Lang::En,
        model: Some(Rc::new(model.clone())),
        frame: None,
        selected: Some("/States/T".into()),
        on_select: Callback::noop(),
    })
    .await;
    assert_eq!(panel.count("[data-testid=delay-never]"), 1);
    assert_eq!(panel.count("[data-testid=delay-row]"), 0);
}
