//! A short outline of the definition as `asl` read it: how many states, and the settings of
//! every Map state that decide when its run fails.

use yew::prelude::*;

use crate::i18n::Lang;
use crate::markup::Markup;
use crate::state::Outline;

/// The outline panel; `outline` is `None` when the text could not be read as a state machine.
/// Markup (see `crate::markup`): it only shows things.
pub fn definition_outline(lang: Lang, outline: Option<&Outline>) -> Html {
    let mut out = Markup::new();
    out.open(
        "section",
        &[("class", "panel outline-panel"), ("data-testid", "outline")],
    )
    .open("header", &[("class", "panel-header")])
    .element("h2", &[("class", "panel-title")], lang.t("Outline", "概要"));
    let Some(outline) = outline else {
        out.close("header")
            .element(
                "p",
                &[("class", "empty-state muted")],
                lang.t(
                    "Fix the problems above to see the state machine's outline.",
                    "上の問題を直すと、ステートマシンの概要が表示されます。",
                ),
            )
            .close("section");
        return out.html();
    };
    out.element(
        "span",
        &[("class", "muted")],
        &match lang {
            Lang::En => format!(
                "{} states · {} at top level",
                outline.n_states, outline.n_top_level_states
            ),
            Lang::Ja => format!(
                "ステート {} 個 · 最上位 {} 個",
                outline.n_states, outline.n_top_level_states
            ),
        },
    )
    .close("header");
    if let Some(comment) = &outline.comment {
        out.element("p", &[("class", "outline-comment")], comment);
    }
    if outline.maps.is_empty() {
        out.element(
            "p",
            &[("class", "empty-state muted")],
            lang.t(
                "This definition has no Map state.",
                "この定義には Map ステートがありません。",
            ),
        );
    } else {
        out.open("ul", &[("class", "map-list")]);
        for map in &outline.maps {
            let mode = if map.distributed {
                lang.t("Distributed", "分散")
            } else {
                lang.t("Inline", "インライン")
            };
            out.open("li", &[("class", "map-card")])
                .open("div", &[("class", "map-card-title")])
                .element("span", &[("class", "map-name")], &map.name)
                .element(
                    "span",
                    &[(
                        "class",
                        if map.distributed {
                            "chip chip-accent"
                        } else {
                            "chip"
                        },
                    )],
                    mode,
                );
            if let Some(execution_type) = map.execution_type {
                out.element("span", &[("class", "chip")], execution_type);
            }
            out.close("div").open("dl", &[("class", "facts")]);
            let facts: [(&str, &str); 4] = [
                (
                    lang.t("Child states", "子ステート数"),
                    &map.n_child_states.to_string(),
                ),
                (
                    "MaxConcurrency",
                    map.max_concurrency.as_deref().unwrap_or("—"),
                ),
                (
                    "ToleratedFailureCount",
                    map.tolerated_failure_count.as_deref().unwrap_or("—"),
                ),
                (
                    "ToleratedFailurePercentage",
                    map.tolerated_failure_percentage.as_deref().unwrap_or("—"),
                ),
            ];
            for (term, value) in facts {
                out.open("div", &[])
                    .element("dt", &[], term)
                    .element("dd", &[], value)
                    .close("div");
            }
            out.close("dl").close("li");
        }
        out.close("ul");
    }
    out.close("section");
    out.html()
}
