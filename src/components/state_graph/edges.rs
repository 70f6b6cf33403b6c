//! The parts of the state graph drawn under the cards: container boxes, the lanes of Parallel
//! branches and Map processors, and the edges with their labels ([`StaticLayer`], redrawn
//! only when the scene changes); and the moving traffic on the edges ([`FlowLayer`], redrawn
//! only when an edge's traffic level changes).

use std::rc::Rc;

use yew::prelude::*;

use super::SceneRef;
use crate::graph::layout::Route;
use crate::graph::scene::{EdgeKind, LaneKind, Role, SceneEdge, LANE_TITLE};
use crate::i18n::Lang;

/// The SVG path of a route: through its points with vertical tangents, so the curve leaves and
/// enters boxes straight and bends only in the gaps between layers.
pub fn path_data(route: &Route) -> String {
    let mut d = String::new();
    let Some(first) = route.points.first() else {
        return d;
    };
    d.push_str(&format!("M{:.1} {:.1}", first.x, first.y));
    if route.self_loop {
        if let [start, far, end] = route.points.as_slice() {
            d.push_str(&format!(
                "C{:.1} {:.1} {:.1} {:.1} {:.1} {:.1}",
                far.x,
                start.y - 4.0,
                far.x,
                end.y + 4.0,
                end.x,
                end.y
            ));
        }
        return d;
    }
    for pair in route.points.windows(2) {
        let (a, b) = (pair[0], pair[1]);
        let bend = (b.y - a.y) / 2.0;
        d.push_str(&format!(
            "C{:.1} {:.1} {:.1} {:.1} {:.1} {:.1}",
            a.x,
            a.y + bend,
            b.x,
            b.y - bend,
            b.x,
            b.y
        ));
    }
    d
}

fn edge_class(edge: &SceneEdge) -> Classes {
    let kind = match edge.kind {
        EdgeKind::Start => "edge-start",
        EdgeKind::Next => "edge-next",
        EdgeKind::Choice { rule: None } => "edge-choice edge-default",
        EdgeKind::Choice { .. } => "edge-choice",
        EdgeKind::Catch { .. } => "edge-catch",
    };
    classes!("edge", kind, edge.route.back.then_some("edge-back"))
}

fn marker(edge: &SceneEdge) -> &'static str {
    if edge.route.back {
        "url(#sg-arrow-back)"
    } else if matches!(edge.kind, EdgeKind::Catch { .. }) {
        "url(#sg-arrow-catch)"
    } else {
        "url(#sg-arrow)"
    }
}

#[derive(Properties, PartialEq)]
pub struct StaticLayerProps {
    pub scene: SceneRef,
    pub lang: Lang,
}

#[component]
pub fn StaticLayer(props: &StaticLayerProps) -> Html {
    let scene = &props.scene.0;
    let lang = props.lang;
    let containers = scene
        .nodes
        .iter()
        .filter(|n| n.role == Role::State && n.is_container())
        .map(|node| {
            let r = node.rect;
            html! {
                <rect
                    class={classes!("container", node.kind.css_class(), format!("depth-{}", node.depth.min(3)))}
                    x={format!("{:.1}", r.x)} y={format!("{:.1}", r.y)}
                    width={format!("{:.1}", r.width)} height={format!("{:.1}", r.height)} rx="14"
                />
            }
        });
    let lanes = scene.lanes.iter().map(|lane| {
        let r = lane.rect;
        let (class, title) = match lane.kind {
            LaneKind::Branch(i) => (
                "lane lane-branch",
                match lang {
                    Lang::En => format!("Branch {}", i + 1),
                    Lang::Ja => format!("ブランチ {}", i + 1),
                },
            ),
            LaneKind::InlineProcessor => (
                "lane lane-inline",
                lang.t("Each item (Inline)", "各アイテム(インライン)").to_string(),
            ),
            LaneKind::ChildWorkflow { express } => (
                "lane lane-child",
                format!(
                    "{} · {}",
                    lang.t("Child workflow (ItemProcessor)", "子ワークフロー(ItemProcessor)"),
                    if express { "EXPRESS" } else { "STANDARD" }
                ),
            ),
        };
        html! {
            <g class={class} data-testid="graph-lane">
                <rect x={format!("{:.1}", r.x)} y={format!("{:.1}", r.y)}
                    width={format!("{:.1}", r.width)} height={format!("{:.1}", r.height)} rx="10" />
                <text class="lane-title" x={format!("{:.1}", r.x + 10.0)} y={format!("{:.1}", r.y + LANE_TITLE / 2.0 + 5.0)}>
                    { title }
                </text>
            </g>
        }
    });
    let edges = scene.edges.iter().map(|edge| {
        html! {
            <path
                class={edge_class(edge)}
                d={path_data(&edge.route)}
                marker-end={marker(edge)}
                data-testid="graph-edge"
                data-from={edge.from.clone()}
                data-to={edge.to.clone()}
            >
                if !edge.detail.is_empty() {
                    <title>{ edge.detail.clone() }</title>
                }
            </path>
        }
    });
    let labels = scene.edges.iter().filter_map(|edge| {
        let (rect, text) = edge.label.as_ref()?;
        let tooltip = if edge.detail.is_empty() {
            text.clone()
        } else {
            edge.detail.clone()
        };
        Some(html! {
            <g class={classes!("edge-label", edge_class(edge))}>
                <title>{ tooltip }</title>
                <rect x={format!("{:.1}", rect.x)} y={format!("{:.1}", rect.y)}
                    width={format!("{:.1}", rect.width)} height={format!("{:.1}", rect.height)}
                    rx={format!("{:.1}", rect.height / 2.0)} />
                <text x={format!("{:.1}", rect.x + rect.width / 2.0)} y={format!("{:.1}", rect.y + rect.height / 2.0 + 4.0)}
                    text-anchor="middle">{ text.clone() }</text>
            </g>
        })
    });
    html! {
        <g class="state-graph-static">
            <defs>
                <marker id="sg-arrow" class="arrow" viewBox="0 0 10 10" refX="9" refY="5"
                    markerWidth="7" markerHeight="7" orient="auto-start-reverse">
                    <path d="M0 1L10 5L0 9z" />
                </marker>
                <marker id="sg-arrow-catch" class="arrow arrow-catch" viewBox="0 0 10 10" refX="9" refY="5"
                    markerWidth="7" markerHeight="7" orient="auto-start-reverse">
                    <path d="M0 1L10 5L0 9z" />
                </marker>
                <marker id="sg-arrow-back" class="arrow arrow-back" viewBox="0 0 10 10" refX="9" refY="5"
                    markerWidth="7" markerHeight="7" orient="auto-start-reverse">
                    <path d="M0 1L10 5L0 9z" />
                </marker>
            </defs>
            { for containers }
            { for lanes }
            <g class="edges">{ for edges }</g>
            <g class="edge-labels">{ for labels }</g>
        </g>
    }
}

#[derive(Properties, PartialEq)]
pub struct FlowLayerProps {
    pub scene: SceneRef,
    /// The traffic level of every edge (see [`crate::graph::traffic::level`]).
    pub levels: Rc<[u8]>,
}

/// Dots moving along the edges that carry traffic: faster and denser for busier edges. CSS
/// animates them (`stroke-dashoffset`); with `prefers-reduced-motion` they stand still.
#[component]
pub fn FlowLayer(props: &FlowLayerProps) -> Html {
    let scene = &props.scene.0;
    let flows = scene
        .edges
        .iter()
        .zip(props.levels.iter())
        .filter(|(_, level)| **level > 0)
        .map(|(edge, level)| {
            html! {
                <path
                    class={classes!("flow", format!("flow-{level}"))}
                    d={path_data(&edge.route)}
                    data-testid="graph-flow"
                    data-level={level.to_string()}
                />
            }
        });
    html! {
        <g class="state-graph-flow" aria-hidden="true">{ for flows }</g>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::layout::Point;

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
}
