//! A short outline of the definition as `asl` read it: how many states, and the settings of
//! every Map state that decide when its run fails.

use yew::prelude::*;

use crate::i18n::Lang;
use crate::state::Outline;

/// The outline panel; `outline` is `None` when the text could not be read as a state machine.
/// A function rather than a component (see [`crate::components::form_fields::issues`] for why).
pub fn definition_outline(lang: Lang, outline: Option<&Outline>) -> Html {
    let Some(outline) = outline else {
        return html! {
            <section class="panel outline-panel" data-testid="outline">
                <header class="panel-header">
                    <h2 class="panel-title">{ lang.t("Outline", "概要") }</h2>
                </header>
                <p class="empty-state muted">
                    { lang.t(
                        "Fix the problems above to see the state machine's outline.",
                        "上の問題を直すと、ステートマシンの概要が表示されます。",
                    ) }
                </p>
            </section>
        };
    };

    let maps = outline.maps.iter().map(|map| {
        let mode = if map.distributed {
            lang.t("Distributed", "分散")
        } else {
            lang.t("Inline", "インライン")
        };
        let dash = || "—".to_string();
        html! {
            <li class="map-card">
                <div class="map-card-title">
                    <span class="map-name">{ map.name.clone() }</span>
                    <span class={if map.distributed { "chip chip-accent" } else { "chip" }}>
                        { mode }
                    </span>
                    if let Some(execution_type) = map.execution_type {
                        <span class="chip">{ execution_type }</span>
                    }
                </div>
                <dl class="facts">
                    <div><dt>{ lang.t("Child states", "子ステート数") }</dt><dd>{ map.n_child_states }</dd></div>
                    <div>
                        <dt>{ "MaxConcurrency" }</dt>
                        <dd>{ map.max_concurrency.clone().unwrap_or_else(dash) }</dd>
                    </div>
                    <div>
                        <dt>{ "ToleratedFailureCount" }</dt>
                        <dd>{ map.tolerated_failure_count.clone().unwrap_or_else(dash) }</dd>
                    </div>
                    <div>
                        <dt>{ "ToleratedFailurePercentage" }</dt>
                        <dd>{ map.tolerated_failure_percentage.clone().unwrap_or_else(dash) }</dd>
                    </div>
                </dl>
            </li>
        }
    });

    html! {
        <section class="panel outline-panel" data-testid="outline">
            <header class="panel-header">
                <h2 class="panel-title">{ lang.t("Outline", "概要") }</h2>
                <span class="muted">
                    { match lang {
                        Lang::En => format!("{} states · {} at top level", outline.n_states, outline.n_top_level_states),
                        Lang::Ja => format!("ステート {} 個 · 最上位 {} 個", outline.n_states, outline.n_top_level_states),
                    } }
                </span>
            </header>
            if let Some(comment) = &outline.comment {
                <p class="outline-comment">{ comment.clone() }</p>
            }
            if outline.maps.is_empty() {
                <p class="empty-state muted">{ lang.t("This definition has no Map state.", "この定義には Map ステートがありません。") }</p>
            } else {
                <ul class="map-list">{ for maps }</ul>
            }
        </section>
    }
}
