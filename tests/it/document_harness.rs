//! A page in miniature for the edit & load components: the real app state (reducer) with one
//! panel on top and the two document texts shown beside it, so a test can type into a form and
//! read what was written into the text — and the other way round.

use std::rc::Rc;

use asl::StateMachine;
use engine::scenario::ScenarioError;
use mapsim::components::definition_pane::{use_page_drop, DefinitionPane};
use mapsim::components::scenario_editor::{use_scenario_editor_state, ScenarioEditor};
use mapsim::components::settings::Settings;
use mapsim::i18n::Lang;
use mapsim::state::{Action, Analysis, AppState, CaretRequest, Notice};
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::{js_sys, JsFuture};
use web_sys::{
    Element, Event, EventInit, HtmlInputElement, HtmlSelectElement, InputEvent, InputEventInit,
    KeyboardEvent, KeyboardEventInit,
};
use yew::prelude::*;

use crate::support::{mount, Mounted};

/// Which panel the harness shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Panel {
    Definition,
    Scenario,
    Settings,
}

#[derive(Properties, PartialEq)]
pub struct HarnessProps {
    pub definition: AttrValue,
    pub scenario: AttrValue,
    pub panel: Panel,
}

#[component]
pub fn Harness(props: &HarnessProps) -> Html {
    let state = {
        let definition = props.definition.to_string();
        let scenario = props.scenario.to_string();
        use_reducer(move || {
            let state = Rc::new(AppState::initial())
                .reduce(Action::Edit(definition))
                .reduce(Action::EditScenario(scenario));
            (*state).clone()
        })
    };
    let on_action = {
        let state = state.dispatcher();
        Callback::from(move |action: Action| state.dispatch(action))
    };
    let panel = match props.panel {
        Panel::Definition => html! {
            <DefinitionPanel
                text={state.text.clone()}
                analysis={state.analysis.clone()}
                caret={state.caret}
                notice={state.notice.clone()}
                on_action={on_action}
            />
        },
        Panel::Scenario => html! {
            <ScenarioPanel
                text={state.scenario_text.clone()}
                errors={state.scenario.errors.clone()}
                structure={state.analysis.structure.clone()}
                notice={state.notice.clone()}
                on_action={on_action}
            />
        },
        Panel::Settings => Settings {
            analysis: state.analysis.clone(),
            shown_map: state.shown_map.clone(),
            notice: state.notice.clone(),
            scenario: state.scenario.parsed.clone(),
            on_action,
        }
        .view(Lang::En),
    };
    html! {
        <div>
            <pre data-testid="harness-definition">{ state.text.clone() }</pre>
            <pre data-testid="harness-scenario">{ state.scenario_text.clone() }</pre>
            <pre data-testid="harness-machine">{ state.analysis.picked_machine().unwrap_or_default() }</pre>
            <pre data-testid="harness-runnable">{ state.run_input().is_some().to_string() }</pre>
            { panel }
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct DefinitionPanelProps {
    text: AttrValue,
    analysis: Analysis,
    caret: Option<CaretRequest>,
    notice: Option<Notice>,
    on_action: Callback<Action>,
}

/// The definition tab with the page's drop handling, as the page draws it.
#[component]
fn DefinitionPanel(props: &DefinitionPanelProps) -> Html {
    use_page_drop(props.on_action.clone());
    DefinitionPane {
        text: props.text.clone(),
        analysis: props.analysis.clone(),
        caret: props.caret,
        notice: props.notice.clone(),
        on_action: props.on_action.clone(),
    }
    .view(Lang::En)
}

#[derive(Properties, PartialEq)]
struct ScenarioPanelProps {
    text: AttrValue,
    errors: Rc<[ScenarioError]>,
    structure: Option<Rc<StateMachine>>,
    notice: Option<Notice>,
    on_action: Callback<Action>,
}

/// The scenario tab with what it keeps, as the page draws it.
#[component]
fn ScenarioPanel(props: &ScenarioPanelProps) -> Html {
    let state = use_scenario_editor_state(props.text.clone());
    ScenarioEditor {
        text: props.text.clone(),
        errors: props.errors.clone(),
        structure: props.structure.clone(),
        notice: props.notice.clone(),
        item_file: None,
        item_file_given: None,
        on_action: props.on_action.clone(),
    }
    .view(Lang::En, &state)
}

/// Mounts the harness on `panel` with the two documents.
pub async fn harness(panel: Panel, definition: &str, scenario: &str) -> Mounted<Harness> {
    mount::<Harness>(HarnessProps {
        definition: definition.to_string().into(),
        scenario: scenario.to_string().into(),
        panel,
    })
    .await
}

/// The definition text as the state holds it now.
pub fn definition_text(page: &Mounted<Harness>) -> String {
    page.one("[data-testid=harness-definition]")
        .text_content()
        .unwrap_or_default()
}

/// The scenario text as the state holds it now.
pub fn scenario_text(page: &Mounted<Harness>) -> String {
    page.one("[data-testid=harness-scenario]")
        .text_content()
        .unwrap_or_default()
}

pub fn input(element: &Element) -> HtmlInputElement {
    let Ok(input) = element.clone().dyn_into::<HtmlInputElement>() else {
        panic!("not an input: {}", element.outer_html());
    };
    input
}

/// Replaces an input's text and fires the `input` event typing would fire.
pub fn type_into(element: &Element, text: &str) {
    let field = input(element);
    field.set_value(text);
    let init = InputEventInit::new();
    init.set_bubbles(true);
    let event = InputEvent::new_with_event_init_dict("input", &init)
        .unwrap_or_else(|_| panic!("can create an input event"));
    field
        .dispatch_event(&event)
        .unwrap_or_else(|_| panic!("can dispatch the input event"));
}

/// Fires a bubbling event of this type at the element.
pub fn fire(element: &Element, kind: &str) {
    let init = EventInit::new();
    init.set_bubbles(true);
    let event = Event::new_with_event_init_dict(kind, &init)
        .unwrap_or_else(|_| panic!("can create a {kind} event"));
    element
        .dispatch_event(&event)
        .unwrap_or_else(|_| panic!("can dispatch the {kind} event"));
}

/// Picks an option of a select and fires `change`.
pub fn choose(element: &Element, value: &str) {
    let Ok(select) = element.clone().dyn_into::<HtmlSelectElement>() else {
        panic!("not a select: {}", element.outer_html());
    };
    select.set_value(value);
    fire(element, "change");
}

/// Presses Enter in an input.
pub fn press_enter(element: &Element) {
    let init = KeyboardEventInit::new();
    init.set_bubbles(true);
    init.set_key("Enter");
    let event = KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init)
        .unwrap_or_else(|_| panic!("can create a keydown event"));
    element
        .dispatch_event(&event)
        .unwrap_or_else(|_| panic!("can dispatch the keydown event"));
}

/// Lets the browser run its queued tasks (a file being read), then Yew render.
pub async fn settle() {
    for _ in 0..5 {
        let promise = js_sys::Promise::new(&mut |resolve, _| {
            if let Some(window) = web_sys::window() {
                let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, 10);
            }
        });
        let _ = JsFuture::from(promise).await;
        yew::scheduler::flush().await;
    }
}
