//! The state graph's SVG markup, written as text.
//!
//! Most of the drawing never changes while a run plays (containers, lanes, edges, labels) or
//! changes as a whole (a card's counts), so it is built here as a string and handed to Yew as
//! raw markup: that costs a fraction of the wasm size of the same elements written with
//! `html!` (measured: see ARCHITECTURE.md, "The state graph"), and the browser parses it once
//! per change instead of Yew diffing element by element every frame. Only the focusable,
//! clickable card and toggle elements stay Yew elements (so focus and listeners survive).
//!
//! Everything from the definition (state names, error names, conditions) is escaped.

use std::fmt::Write;

use engine::report::StateStats;

use super::layout::Route;
use super::measure::bold_text_width;
use super::scene::{
    EdgeKind, LaneKind, NodeKind, Role, Scene, SceneEdge, SceneNode, CARD_HEIGHT, CARD_PADDING,
    LANE_TITLE, TOGGLE_ROW,
};
use crate::i18n::{count, Lang};

pub const GLYPH_IN_FLIGHT: &str = "▸";
pub const GLYPH_RETRYING: &str = "↻";
pub const GLYPH_SUCCEEDED: &str = "✓";
pub const GLYPH_CAUGHT: &str = "↪";
pub const GLYPH_FAILED: &str = "✗";
/// The font size of a card's counts (the stylesheet's `.card-counts`).
const COUNTS_FONT: f64 = 11.5;

/// Text made safe for markup (element content and attribute values).
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    crate::markup::escape_into(&mut out, text);
    out
}

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
    pub fn parts(&self, lang: Lang) -> [(u64, &'static str, &'static str, &'static str); 5] {
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

    /// "12 in flight · 3 retrying · …", for tooltips and screen readers.
    pub fn summary(&self, lang: Lang) -> String {
        let parts = self.parts(lang);
        let mut out = String::new();
        for (i, (n, _, _, word)) in parts.iter().enumerate() {
            if i > 0 {
                out.push_str(" · ");
            }
            let _ = write!(out, "{} {word}", count(*n));
        }
        out
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

/// The card's type line: `TASK · Lambda`, `MAP · Distributed · STANDARD`, `CHOICE · 3 rules`.
pub fn type_line(kind: &NodeKind, lang: Lang) -> String {
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
    let type_name = kind.type_name().to_ascii_uppercase();
    if detail.is_empty() {
        type_name
    } else {
        format!("{type_name} · {detail}")
    }
}

/// The SVG path of a route: through its points with vertical tangents, so the curve leaves and
/// enters boxes straight and bends only in the gaps between layers.
pub fn path_data(route: &Route) -> String {
    let mut d = String::new();
    let Some(first) = route.points.first() else {
        return d;
    };
    let _ = write!(d, "M{:.1} {:.1}", first.x, first.y);
    if route.self_loop {
        if let [start, far, end] = route.points.as_slice() {
            let _ = write!(
                d,
                "C{:.1} {:.1} {:.1} {:.1} {:.1} {:.1}",
                far.x,
                start.y - 4.0,
                far.x,
                end.y + 4.0,
                end.x,
                end.y
            );
        }
        return d;
    }
    for pair in route.points.windows(2) {
        let (a, b) = (pair[0], pair[1]);
        let bend = (b.y - a.y) / 2.0;
        let _ = write!(
            d,
            "C{:.1} {:.1} {:.1} {:.1} {:.1} {:.1}",
            a.x,
            a.y + bend,
            b.x,
            b.y - bend,
            b.x,
            b.y
        );
    }
    d
}

fn edge_class(edge: &SceneEdge) -> String {
    let kind = match edge.kind {
        EdgeKind::Start => "edge-start",
        EdgeKind::Next => "edge-next",
        EdgeKind::Choice { rule: None } => "edge-choice edge-default",
        EdgeKind::Choice { .. } => "edge-choice",
        EdgeKind::Catch { .. } => "edge-catch",
    };
    if edge.route.back {
        format!("edge {kind} edge-back")
    } else {
        format!("edge {kind}")
    }
}

fn marker(edge: &SceneEdge) -> &'static str {
    if edge.route.back {
        "sg-arrow-back"
    } else if matches!(edge.kind, EdgeKind::Catch { .. }) {
        "sg-arrow-catch"
    } else {
        "sg-arrow"
    }
}

/// A lane's title.
pub fn lane_title(kind: LaneKind, lang: Lang) -> String {
    match kind {
        LaneKind::Branch(i) => match lang {
            Lang::En => format!("Branch {}", i + 1),
            Lang::Ja => format!("ブランチ {}", i + 1),
        },
        LaneKind::InlineProcessor => lang
            .t("Each item (Inline)", "各アイテム(インライン)")
            .to_string(),
        LaneKind::ChildWorkflow { express } => format!(
            "{} · {}",
            lang.t(
                "Child workflow (ItemProcessor)",
                "子ワークフロー(ItemProcessor)"
            ),
            if express { "EXPRESS" } else { "STANDARD" }
        ),
    }
}

/// Everything under the cards: arrowheads, container boxes, lanes, edges and their labels.
pub fn static_layer(scene: &Scene, lang: Lang) -> String {
    let mut out = String::with_capacity(4096 + 600 * scene.edges.len());
    out.push_str("<defs>");
    for (id, class) in [
        ("sg-arrow", "arrow"),
        ("sg-arrow-catch", "arrow arrow-catch"),
        ("sg-arrow-back", "arrow arrow-back"),
    ] {
        let _ = write!(
            out,
            r#"<marker id="{id}" class="{class}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto"><path d="M0 1L10 5L0 9z"/></marker>"#
        );
    }
    out.push_str("</defs>");
    for node in scene
        .nodes
        .iter()
        .filter(|n| n.role == Role::State && n.is_container())
    {
        let r = node.rect;
        let _ = write!(
            out,
            r#"<rect class="container {} depth-{}" x="{:.1}" y="{:.1}" width="{:.1}" height="{:.1}" rx="14"/>"#,
            node.kind.css_class(),
            node.depth.min(3),
            r.x,
            r.y,
            r.width,
            r.height
        );
    }
    for lane in &scene.lanes {
        let r = lane.rect;
        let class = match lane.kind {
            LaneKind::Branch(_) => "lane lane-branch",
            LaneKind::InlineProcessor => "lane lane-inline",
            LaneKind::ChildWorkflow { .. } => "lane lane-child",
        };
        let _ = write!(
            out,
            r#"<g class="{class}" data-testid="graph-lane"><rect x="{:.1}" y="{:.1}" width="{:.1}" height="{:.1}" rx="10"/><text class="lane-title" x="{:.1}" y="{:.1}">{}</text></g>"#,
            r.x,
            r.y,
            r.width,
            r.height,
            r.x + 10.0,
            r.y + LANE_TITLE / 2.0 + 5.0,
            escape(&lane_title(lane.kind, lang))
        );
    }
    out.push_str(r#"<g class="edges">"#);
    for edge in &scene.edges {
        let _ = write!(
            out,
            r#"<path class="{}" d="{}" marker-end="url(#{})" data-testid="graph-edge" data-from="{}" data-to="{}">"#,
            edge_class(edge),
            path_data(&edge.route),
            marker(edge),
            escape(&edge.from),
            escape(&edge.to)
        );
        if !edge.detail.is_empty() {
            let _ = write!(out, "<title>{}</title>", escape(&edge.detail));
        }
        out.push_str("</path>");
    }
    out.push_str(r#"</g><g class="edge-labels">"#);
    for edge in &scene.edges {
        let Some((rect, text)) = &edge.label else {
            continue;
        };
        let tooltip = if edge.detail.is_empty() {
            text
        } else {
            &edge.detail
        };
        let _ = write!(
            out,
            r#"<g class="edge-label {}"><title>{}</title><rect x="{:.1}" y="{:.1}" width="{:.1}" height="{:.1}" rx="{:.1}"/><text x="{:.1}" y="{:.1}" text-anchor="middle">{}</text></g>"#,
            edge_class(edge),
            escape(tooltip),
            rect.x,
            rect.y,
            rect.width,
            rect.height,
            rect.height / 2.0,
            rect.x + rect.width / 2.0,
            rect.y + rect.height / 2.0 + 4.0,
            escape(text)
        );
    }
    out.push_str("</g>");
    out
}

/// Moving dots on the edges that carry traffic (`levels[i]` for edge `i`, 0 = none).
pub fn flow_layer(scene: &Scene, levels: &[u8]) -> String {
    let mut out = String::new();
    for (edge, level) in scene.edges.iter().zip(levels) {
        if *level == 0 {
            continue;
        }
        let _ = write!(
            out,
            r#"<path class="flow flow-{level}" d="{}" data-testid="graph-flow" data-level="{level}"/>"#,
            path_data(&edge.route)
        );
    }
    out
}

/// The inside of a state's card, drawn at the origin: its box, type line, name, counts (when a
/// run is given) and a bar of how its executions finished.
pub fn card_inner(node: &SceneNode, counts: Option<&Counts>, lang: Lang) -> String {
    let width = node.card.width;
    let mut out = String::with_capacity(1024);
    let _ = write!(
        out,
        r#"<title>{}</title><rect class="card-body" width="{width:.1}" height="{:.1}" rx="10"/><rect class="card-stripe" x="0" y="9" width="3.5" height="{:.1}" rx="1.75"/><text class="card-type" x="{CARD_PADDING:.1}" y="17">{}</text>"#,
        escape(&tooltip(node, counts, lang)),
        node.card.height,
        CARD_HEIGHT - 18.0,
        escape(&type_line(&node.kind, lang))
    );
    let active = counts.is_some_and(|c| c.in_flight > 0);
    if node.ends {
        let _ = write!(
            out,
            r#"<text class="card-end" x="{:.1}" y="17" text-anchor="end">{}</text>"#,
            width - if active { 24.0 } else { 12.0 },
            lang.t("END", "終端")
        );
    }
    if active {
        let _ = write!(
            out,
            r#"<circle class="card-activity" cx="{:.1}" cy="13" r="3.5"/>"#,
            width - 12.0
        );
    }
    let _ = write!(
        out,
        r#"<text class="card-name" x="{CARD_PADDING:.1}" y="35">{}</text>"#,
        escape(&node.shown_name)
    );
    if let Some(c) = counts {
        let mut spans = String::new();
        let mut used = 0.0;
        for (n, glyph, class, _) in c.parts(lang) {
            if n == 0 {
                continue;
            }
            let text = format!("{glyph}{} ", compact(n));
            used += bold_text_width(&text, COUNTS_FONT);
            let _ = write!(spans, r#"<tspan class="{class}">{text}</tspan>"#);
        }
        if spans.is_empty() {
            let _ = write!(
                spans,
                r#"<tspan class="count-idle">{}</tspan>"#,
                lang.t("not reached yet", "未到達")
            );
        }
        // Five large counts may not fit a narrow card: squeeze them rather than overflow.
        let room = width - 2.0 * CARD_PADDING;
        let squeeze = if used > room {
            format!(r#" textLength="{room:.1}" lengthAdjust="spacingAndGlyphs""#)
        } else {
            String::new()
        };
        let _ = write!(
            out,
            r#"<text class="card-counts" x="{CARD_PADDING:.1}" y="50"{squeeze}>{spans}</text>"#
        );
        // Finished executions of this state, as a thin bar: succeeded, caught, failed.
        let done = c.succeeded + c.caught + c.failed;
        if done > 0 {
            let full = width - 2.0 * CARD_PADDING;
            let mut x = CARD_PADDING;
            out.push_str(r#"<g class="card-bar">"#);
            for (n, class) in [
                (c.succeeded, "bar-succeeded"),
                (c.caught, "bar-caught"),
                (c.failed, "bar-failed"),
            ] {
                if n == 0 {
                    continue;
                }
                let w = full * n as f64 / done as f64;
                let _ = write!(
                    out,
                    r#"<rect class="{class}" x="{x:.1}" y="{:.1}" width="{:.1}" height="3"/>"#,
                    CARD_HEIGHT - 7.0,
                    w.max(1.5)
                );
                x += w;
            }
            out.push_str("</g>");
        }
    }
    out
}

/// A card's tooltip: name, type, whether it ends its workflow, and its counts.
fn tooltip(node: &SceneNode, counts: Option<&Counts>, lang: Lang) -> String {
    let mut text = format!("{} — {}", node.name, type_line(&node.kind, lang));
    if node.ends {
        text.push_str(lang.t(" — ends its workflow", "(ワークフローの終端)"));
    }
    if let Some(counts) = counts {
        text.push('\n');
        text.push_str(&counts.summary(lang));
    }
    text
}

/// What a screen reader says for a card.
pub fn aria_label(node: &SceneNode, counts: Option<&Counts>, lang: Lang) -> String {
    let mut text = format!("{} ({})", node.name, node.kind.type_name());
    if node.ends {
        text.push_str(lang.t(", ends its workflow", "、ワークフローの終端"));
    }
    if let Some(counts) = counts {
        text.push_str(": ");
        text.push_str(&counts.summary(lang));
    }
    text
}

/// The inside of a Start pill.
pub fn pill_inner(node: &SceneNode, lang: Lang) -> String {
    let r = node.card;
    format!(
        r#"<rect width="{:.1}" height="{:.1}" rx="{:.1}"/><text x="{:.1}" y="{:.1}" text-anchor="middle">{}</text>"#,
        r.width,
        r.height,
        r.height / 2.0,
        r.width / 2.0,
        r.height / 2.0 + 4.0,
        lang.t("Start", "開始")
    )
}

/// The inside of a Distributed Map's expand/collapse button (drawn at the card's origin).
pub fn toggle_inner(node: &SceneNode, lang: Lang) -> String {
    let NodeKind::DistributedMap {
        expanded, states, ..
    } = node.kind
    else {
        return String::new();
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
    let width = node.card.width;
    format!(
        r#"<line class="card-toggle-rule" x1="0" x2="{width:.1}" y1="{CARD_HEIGHT:.1}" y2="{CARD_HEIGHT:.1}"/><rect class="card-toggle-hit" x="1" y="{:.1}" width="{:.1}" height="{:.1}" rx="8"/><text x="{CARD_PADDING:.1}" y="{:.1}">{}</text>"#,
        CARD_HEIGHT + 1.0,
        width - 2.0,
        TOGGLE_ROW - 2.0,
        CARD_HEIGHT + TOGGLE_ROW / 2.0 + 4.0,
        escape(&text)
    )
}

/// The graph's legend: each count's glyph and word, the edge styles, and how to select.
pub fn legend(lang: Lang, live: bool) -> String {
    let mut out = format!(
        r#"<ul class="state-graph-legend" aria-label="{}">"#,
        lang.t("Legend", "凡例")
    );
    for (class, glyph, word) in [
        (
            "legend-in-flight",
            GLYPH_IN_FLIGHT,
            lang.t("in flight", "実行中"),
        ),
        (
            "legend-retrying",
            GLYPH_RETRYING,
            lang.t("retrying", "リトライ待ち"),
        ),
        (
            "legend-succeeded",
            GLYPH_SUCCEEDED,
            lang.t("succeeded", "成功"),
        ),
        ("legend-caught", GLYPH_CAUGHT, lang.t("caught", "キャッチ")),
        ("legend-failed", GLYPH_FAILED, lang.t("failed", "失敗")),
    ] {
        let _ = write!(
            out,
            r#"<li class="{class}"><span class="legend-glyph" aria-hidden="true">{glyph}</span>{word}</li>"#
        );
    }
    let line = r#"<svg width="26" height="8" aria-hidden="true"><line x1="1" y1="4" x2="25" y2="4"/></svg>"#;
    let mut edges = vec![
        ("legend-catch", lang.t("Catch", "Catch")),
        ("legend-back", lang.t("loop back", "ループ")),
    ];
    if live {
        edges.push((
            "legend-flow",
            lang.t("traffic (faster = busier)", "流量(速いほど多い)"),
        ));
    }
    for (class, word) in edges {
        let _ = write!(out, r#"<li class="legend-edge {class}">{line}{word}</li>"#);
    }
    let _ = write!(
        out,
        r#"<li class="legend-hint">{}</li></ul>"#,
        lang.t(
            "Select a state (click, or Tab then Enter) for its statistics.",
            "ステートを選ぶ(クリック、または Tab のあと Enter)と統計を表示します。",
        )
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::layout::Point;
    use crate::graph::scene::{build, Expansion};

    #[test]
    fn markup_escapes_what_the_definition_says() {
        assert_eq!(
            escape(r#"<a href="x">&'"#),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;"
        );
        let text = r#"{"StartAt": "<b>", "States": {"<b>": {"Type": "Task",
            "Resource": "arn:aws:states:::lambda:invoke", "End": true,
            "Catch": [{"ErrorEquals": ["<script>"], "Next": "<b>"}]}}}"#;
        let loaded = asl::load(text, &asl::LoadOptions::default());
        let Some(model) = loaded.runnable() else {
            panic!("{:?}", loaded.diagnostics);
        };
        let scene = build(model, &Expansion::default());
        let all = static_layer(&scene, Lang::En)
            + &scene
                .states()
                .map(|n| card_inner(n, Some(&Counts::default()), Lang::En))
                .collect::<String>();
        assert!(!all.contains("<b>") && !all.contains("<script>"), "{all}");
        assert!(all.contains("&lt;script&gt;"));
    }

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

    #[test]
    fn cards_show_their_counts_with_glyphs_and_squeeze_them_when_they_do_not_fit() {
        let scene = build(
            &match asl::load(
                crate::examples::EXAMPLES[0].definition,
                &asl::LoadOptions::default(),
            )
            .runnable()
            {
                Some(model) => model.clone(),
                None => panic!("the example runs"),
            },
            &Expansion::default(),
        );
        let Some(node) = scene.states().find(|n| n.name == "ValidateOrder") else {
            panic!("no ValidateOrder");
        };
        let small = Counts {
            succeeded: 12,
            failed: 3,
            ..Counts::default()
        };
        let inner = card_inner(node, Some(&small), Lang::En);
        assert!(inner.contains("✓12 ") && inner.contains("✗3 "), "{inner}");
        assert!(!inner.contains("textLength"));
        assert!(inner.contains("bar-succeeded") && inner.contains("bar-failed"));
        let huge = Counts {
            entered: 0,
            in_flight: 99_999,
            retrying: 99_999,
            succeeded: 99_999,
            caught: 99_999,
            failed: 99_999,
        };
        assert!(card_inner(node, Some(&huge), Lang::En).contains("textLength"));
        assert!(card_inner(node, None, Lang::En)
            .find("card-counts")
            .is_none());
        assert!(card_inner(node, Some(&Counts::default()), Lang::Ja).contains("未到達"));
    }

    #[test]
    fn paths_bend_only_between_points() {
        let route = Route {
            points: vec![Point { x: 10.0, y: 0.0 }, Point { x: 30.0, y: 40.0 }],
            back: false,
            self_loop: false,
            label: None,
        };
        assert_eq!(path_data(&route), "M10.0 0.0C10.0 20.0 30.0 20.0 30.0 40.0");
        assert_eq!(path_data(&Route::default()), "");
    }

    #[test]
    fn only_busy_edges_get_traffic() {
        let scene = build(
            &match asl::load(
                crate::examples::EXAMPLES[0].definition,
                &asl::LoadOptions::default(),
            )
            .runnable()
            {
                Some(model) => model.clone(),
                None => panic!("the example runs"),
            },
            &Expansion::default(),
        );
        let mut levels = vec![0u8; scene.edges.len()];
        levels[0] = 3;
        let flows = flow_layer(&scene, &levels);
        assert_eq!(flows.matches("graph-flow").count(), 1);
        assert!(flows.contains("flow-3"));
    }
}
