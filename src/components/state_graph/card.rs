//! One node of the state graph as a focusable, clickable element: a state's card (for a
//! container, its header) or a Start pill, plus a Distributed Map's expand/collapse button.
//! Its inside is markup from [`crate::graph::svg`]; this component only keeps the element
//! that holds focus and listens, and Yew redraws a card only when its counts or its selection
//! change.

use yew::prelude::*;

use super::SceneRef;
use crate::graph::scene::{NodeKind, Role};
use crate::graph::svg::{aria_label, card_inner, pill_inner, toggle_inner, Counts};
use crate::i18n::Lang;

#[derive(Properties, PartialEq)]
pub struct CardProps {
    /// The page's language (English when not given, e.g. in a component test).
    #[prop_or_default]
    pub lang: Lang,
    pub scene: SceneRef,
    /// The node's index in the scene.
    pub index: usize,
    /// The state's counts in the run (`None` without a run, or for a pill).
    pub counts: Option<Counts>,
    pub selected: bool,
    pub on_select: Callback<AttrValue>,
    pub on_toggle: Callback<AttrValue>,
}

/// Enter or Space on a focused element, as a button would take them.
fn activates(event: &KeyboardEvent) -> bool {
    let key = event.key();
    key == "Enter" || key == " "
}

#[component]
pub fn Card(props: &CardProps) -> Html {
    let lang = props.lang;
    let Some(node) = props.scene.0.nodes.get(props.index) else {
        return html! {};
    };
    let rect = node.card;
    let transform = format!("translate({:.1},{:.1})", rect.x, rect.y);
    if node.role == Role::Start {
        let inner = Html::from_html_unchecked(pill_inner(node, lang).into());
        return html! { <g class="pill" transform={transform} aria-hidden="true">{ inner }</g> };
    }
    let pointer = AttrValue::from(node.pointer.clone());
    let counts = props.counts;
    let send = |callback: &Callback<AttrValue>| {
        let callback = callback.clone();
        let pointer = pointer.clone();
        move || callback.emit(pointer.clone())
    };
    let onclick = {
        let select = send(&props.on_select);
        Callback::from(move |_: MouseEvent| select())
    };
    let onkeydown = {
        let select = send(&props.on_select);
        Callback::from(move |event: KeyboardEvent| {
            if activates(&event) {
                event.prevent_default();
                select();
            }
        })
    };
    let toggle = match node.kind {
        NodeKind::DistributedMap { expanded, .. } => {
            let onclick = {
                let toggle = send(&props.on_toggle);
                Callback::from(move |_: MouseEvent| toggle())
            };
            let onkeydown = {
                let toggle = send(&props.on_toggle);
                Callback::from(move |event: KeyboardEvent| {
                    if activates(&event) {
                        event.prevent_default();
                        toggle();
                    }
                })
            };
            let inner = Html::from_html_unchecked(toggle_inner(node, lang).into());
            html! {
                <g class="card-toggle" transform={transform.clone()} role="button" tabindex="0"
                    aria-expanded={expanded.to_string()} data-testid="expand-map" {onclick} {onkeydown}>
                    { inner }
                </g>
            }
        }
        _ => Html::default(),
    };
    let data = counts.unwrap_or_default();
    let class = format!(
        "node {}{}{}{}{}",
        node.kind.css_class(),
        if props.selected { " node-selected" } else { "" },
        if node.is_container() {
            " node-container"
        } else {
            ""
        },
        if data.in_flight > 0 {
            " node-active"
        } else {
            ""
        },
        if data.failed > 0 {
            " node-has-failed"
        } else {
            ""
        },
    );
    let inner = Html::from_html_unchecked(card_inner(node, counts.as_ref(), lang).into());
    html! {
        <>
            <g
                class={class}
                transform={transform}
                role="button"
                tabindex="0"
                aria-pressed={props.selected.to_string()}
                aria-label={aria_label(node, counts.as_ref(), lang)}
                data-testid="graph-node"
                data-pointer={pointer}
                data-state={node.name.clone()}
                data-type={node.kind.type_name()}
                data-depth={node.depth.to_string()}
                data-in-flight={data.in_flight.to_string()}
                data-succeeded={data.succeeded.to_string()}
                data-failed={data.failed.to_string()}
                {onclick}
                {onkeydown}
            >
                { inner }
            </g>
            { toggle }
        </>
    }
}
