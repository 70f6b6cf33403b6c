//! One node of the state graph: a state's card (for a container, its header) with its type,
//! name and live counts, or a machine's Start pill. A component of its own so that Yew
//! redraws a card only when its counts or its selection change.

use engine::report::StateStats;
use yew::prelude::*;

use super::SceneRef;
use crate::graph::scene::{NodeKind, Role, SceneNode, CARD_HEIGHT, CARD_PADDING, TOGGLE_ROW};
use crate::i18n::{count, use_lang, Lang};

pub const GLYPH_IN_FLIGHT: &str = "▸";
pub const GLYPH_RETRYING: &str = "↻";
pub const GLYPH_SUCCEEDED: &str = "✓";
pub const GLYPH_CAUGHT: &str = "↪";
pub const GLYPH_FAILED: &str = "✗";

/// The live counts a card shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Counts {
    pub entered: u64,
    pub in_flight: u64,
    pub retrying: u64,
    pub succeeded: u64,
    pub caught: u64,
    pub failed: u64,
}

impl Counts {
    pub fn of(stats: &StateStats) -> Counts {
        Counts {
            entered: stats.entered,
            in_flight: stats.in_flight,
            retrying: stats.retrying,
            succeeded: stats.succeeded,
            caught: stats.caught,
            failed: stats.failed,
        }
    }

    /// The counts with their glyph, class and word, in the order the card shows them.
    fn parts(&self, lang: Lang) -> [(u64, &'static str, &'static str, &'static str); 5] {
        [
            (
                self.in_flight,
                GLYPH_IN_FLIGHT,
                "count-in-flight",
                lang.t("in flight", "実行中"),
            ),
            (
                self.retrying,
                GLYPH_RETRYING,
                "count-retrying",
                lang.t("retrying", "リトライ待ち"),
            ),
            (
                self.succeeded,
                GLYPH_SUCCEEDED,
                "count-succeeded",
                lang.t("succeeded", "成功"),
            ),
            (
                self.caught,
                GLYPH_CAUGHT,
                "count-caught",
                lang.t("caught", "キャッチ"),
            ),
            (
                self.failed,
                GLYPH_FAILED,
                "count-failed",
                lang.t("failed", "失敗"),
            ),
        ]
    }
}

/// A count short enough for a card: `9,999`, `12.3k`, `123k`, `1.2M`.
pub fn compact(n: u64) -> String {
    if n < 10_000 {
        count(n)
    } else if n < 100_000 {
        format!("{:.1}k", n as f64 / 1000.0)
    } else if n < 1_000_000 {
        format!("{}k", n / 1000)
    } else {
        format!("{:.1}M", n as f64 / 1_000_000.0)
    }
}

#[derive(Properties, PartialEq)]
pub struct CardProps {
    pub scene: SceneRef,
    /// The node's index in the scene.
    pub index: usize,
    /// The state's counts in the run (`None` without a run, or for a pill).
    pub counts: Option<Counts>,
    pub selected: bool,
    pub on_select: Callback<AttrValue>,
    pub on_toggle: Callback<AttrValue>,
}

#[component]
pub fn Card(props: &CardProps) -> Html {
    let lang = use_lang();
    let Some(node) = props.scene.0.nodes.get(props.index) else {
        return html! {};
    };
    match node.role {
        Role::Start => pill(node, lang),
        Role::State => state_card(props, node, lang),
    }
}

fn pill(node: &SceneNode, lang: Lang) -> Html {
    let text = lang.t("Start", "開始");
    let rect = node.card;
    html! {
        <g class="pill pill-start" transform={format!("translate({:.1},{:.1})", rect.x, rect.y)} aria-hidden="true">
            <rect width={format!("{:.1}", rect.width)} height={format!("{:.1}", rect.height)}
                rx={format!("{:.1}", rect.height / 2.0)} />
            <text x={format!("{:.1}", rect.width / 2.0)} y={format!("{:.1}", rect.height / 2.0 + 4.0)}
                text-anchor="middle">{ text }</text>
        </g>
    }
}

/// The card's type line: `TASK · Lambda`, `MAP · Distributed`, `PARALLEL · 2 branches`.
fn type_line(kind: &NodeKind, lang: Lang) -> String {
    let detail: String = match kind {
        NodeKind::Task { service } => service.clone(),
        NodeKind::Choice { rules } => match lang {
            Lang::En => format!("{rules} rule{}", if *rules == 1 { "" } else { "s" }),
            Lang::Ja => format!("ルール {rules}"),
        },
        NodeKind::Parallel { branches } => match lang {
            Lang::En => format!(
                "{branches} branch{}",
                if *branches == 1 { "" } else { "es" }
            ),
            Lang::Ja => format!("ブランチ {branches}"),
        },
        NodeKind::InlineMap { .. } => lang.t("Inline", "インライン").into(),
        NodeKind::DistributedMap { express, .. } => format!(
            "{} · {}",
            lang.t("Distributed", "分散"),
            if *express { "EXPRESS" } else { "STANDARD" }
        ),
        _ => String::new(),
    };
    let type_name = kind.type_name().to_uppercase();
    if detail.is_empty() {
        type_name
    } else {
        format!("{type_name} · {detail}")
    }
}

fn state_card(props: &CardProps, node: &SceneNode, lang: Lang) -> Html {
    let rect = node.card;
    let width = rect.width;
    let pointer = AttrValue::from(node.pointer.clone());
    let counts = props.counts;

    let onclick = {
        let on_select = props.on_select.clone();
        let pointer = pointer.clone();
        Callback::from(move |_: MouseEvent| on_select.emit(pointer.clone()))
    };
    let onkeydown = {
        let on_select = props.on_select.clone();
        let pointer = pointer.clone();
        Callback::from(move |event: KeyboardEvent| {
            if event.key() == "Enter" || event.key() == " " {
                event.prevent_default();
                on_select.emit(pointer.clone());
            }
        })
    };

    let type_text = type_line(&node.kind, lang);
    let summary = counts.map(|c| {
        c.parts(lang)
            .iter()
            .map(|(n, _, _, word)| format!("{} {word}", count(*n)))
            .collect::<Vec<_>>()
            .join(" · ")
    });
    let ends = if node.ends {
        lang.t(" — ends its workflow", "(ワークフローの終端)")
    } else {
        ""
    };
    let tooltip = match &summary {
        Some(summary) => format!("{} — {type_text}{ends}\n{summary}", node.name),
        None => format!("{} — {type_text}{ends}", node.name),
    };
    let label = match &summary {
        Some(summary) => format!("{} ({}){ends}: {summary}", node.name, node.kind.type_name()),
        None => format!("{} ({}){ends}", node.name, node.kind.type_name()),
    };

    let count_spans = counts.map(|c| {
        let shown: Vec<Html> = c
            .parts(lang)
            .iter()
            .filter(|(n, ..)| *n > 0)
            .map(|(n, glyph, class, _)| {
                html! {
                    <tspan class={*class}>{ format!("{glyph}{} ", compact(*n)) }</tspan>
                }
            })
            .collect();
        if shown.is_empty() {
            html! { <tspan class="count-idle">{ lang.t("not reached yet", "未到達") }</tspan> }
        } else {
            html! { { for shown } }
        }
    });

    // Finished executions of this state, as a thin bar: succeeded, caught, failed.
    let bar = counts.and_then(|c| {
        let done = c.succeeded + c.caught + c.failed;
        if done == 0 {
            return None;
        }
        let full = width - 2.0 * CARD_PADDING;
        let mut x = CARD_PADDING;
        let y = CARD_HEIGHT - 7.0;
        let segments: Vec<Html> = [
            (c.succeeded, "bar-succeeded"),
            (c.caught, "bar-caught"),
            (c.failed, "bar-failed"),
        ]
        .iter()
        .filter(|(n, _)| *n > 0)
        .map(|(n, class)| {
            let w = full * *n as f64 / done as f64;
            let segment = html! {
                <rect class={*class} x={format!("{x:.1}")} y={format!("{y:.1}")}
                    width={format!("{:.1}", w.max(1.5))} height="3" />
            };
            x += w;
            segment
        })
        .collect();
        Some(html! { <g class="card-bar" aria-hidden="true">{ for segments }</g> })
    });

    let toggle = match node.kind {
        NodeKind::DistributedMap {
            expanded, states, ..
        } => {
            let onclick = {
                let on_toggle = props.on_toggle.clone();
                let pointer = pointer.clone();
                Callback::from(move |event: MouseEvent| {
                    event.stop_propagation();
                    on_toggle.emit(pointer.clone());
                })
            };
            let onkeydown = {
                let on_toggle = props.on_toggle.clone();
                let pointer = pointer.clone();
                Callback::from(move |event: KeyboardEvent| {
                    if event.key() == "Enter" || event.key() == " " {
                        event.prevent_default();
                        event.stop_propagation();
                        on_toggle.emit(pointer.clone());
                    }
                })
            };
            let text = if expanded {
                format!(
                    "▾ {}",
                    lang.t("Hide child workflow", "子ワークフローを隠す")
                )
            } else {
                match lang {
                    Lang::En => format!(
                        "▸ Show child workflow ({states} state{})",
                        if states == 1 { "" } else { "s" }
                    ),
                    Lang::Ja => format!("▸ 子ワークフローを表示({states} ステート)"),
                }
            };
            Some(html! {
                <g
                    class="card-toggle"
                    role="button"
                    tabindex="0"
                    aria-expanded={expanded.to_string()}
                    data-testid="expand-map"
                    {onclick}
                    {onkeydown}
                >
                    <line class="card-toggle-rule" x1="0" x2={format!("{width:.1}")}
                        y1={format!("{CARD_HEIGHT:.1}")} y2={format!("{CARD_HEIGHT:.1}")} />
                    <rect class="card-toggle-hit" x="1" y={format!("{:.1}", CARD_HEIGHT + 1.0)}
                        width={format!("{:.1}", width - 2.0)} height={format!("{:.1}", TOGGLE_ROW - 2.0)} rx="8" />
                    <text x={format!("{CARD_PADDING:.1}")} y={format!("{:.1}", CARD_HEIGHT + TOGGLE_ROW / 2.0 + 4.0)}>
                        { text }
                    </text>
                </g>
            })
        }
        _ => None,
    };

    let active = counts.is_some_and(|c| c.in_flight > 0);
    let data = counts.unwrap_or_default();
    html! {
        <g
            class={classes!(
                "node",
                node.kind.css_class(),
                props.selected.then_some("node-selected"),
                node.is_container().then_some("node-container"),
                active.then_some("node-active"),
                counts.is_some_and(|c| c.failed > 0).then_some("node-has-failed"),
            )}
            transform={format!("translate({:.1},{:.1})", rect.x, rect.y)}
            role="button"
            tabindex="0"
            aria-pressed={props.selected.to_string()}
            aria-label={label}
            data-testid="graph-node"
            data-pointer={pointer.clone()}
            data-state={node.name.clone()}
            data-type={node.kind.type_name()}
            data-depth={node.depth.to_string()}
            data-in-flight={data.in_flight.to_string()}
            data-retrying={data.retrying.to_string()}
            data-succeeded={data.succeeded.to_string()}
            data-caught={data.caught.to_string()}
            data-failed={data.failed.to_string()}
            {onclick}
            {onkeydown}
        >
            <title>{ tooltip }</title>
            <rect class="card-body" width={format!("{width:.1}")} height={format!("{:.1}", rect.height)} rx="10" />
            <rect class="card-stripe" x="0" y="9" width="3.5" height={format!("{:.1}", CARD_HEIGHT - 18.0)} rx="1.75" />
            <text class="card-type" x={format!("{CARD_PADDING:.1}")} y="17">{ type_text }</text>
            if node.ends {
                <text class="card-end" x={format!("{:.1}", width - if active { 24.0 } else { 12.0 })} y="17"
                    text-anchor="end">{ lang.t("END", "終端") }</text>
            }
            if active {
                <circle class="card-activity" cx={format!("{:.1}", width - 12.0)} cy="13" r="3.5" />
            }
            <text class="card-name" x={format!("{CARD_PADDING:.1}")} y="35">{ node.shown_name.clone() }</text>
            if let Some(spans) = count_spans {
                <text class="card-counts" x={format!("{CARD_PADDING:.1}")} y="50">{ spans }</text>
            }
            { bar.unwrap_or_default() }
            { toggle.unwrap_or_default() }
        </g>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_are_shortened_for_cards() {
        let cases = [
            (0, "0"),
            (9_999, "9,999"),
            (12_345, "12.3k"),
            (123_456, "123k"),
            (1_234_567, "1.2M"),
        ];
        for (n, text) in cases {
            assert_eq!(compact(n), text);
        }
    }
}
