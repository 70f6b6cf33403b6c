//! The drawing of a whole state machine, built from `asl`'s model: a card per state, a Start
//! pill per machine (the top level, each Parallel branch, each Map processor), Parallel states
//! and Inline Maps as containers holding their branches, a Distributed Map as a card that
//! expands into a container holding its child workflow (ItemProcessor), and every transition
//! as a routed edge: `Next`, Choice rules (`#1`, … `Default`) and Catch (labelled with the
//! errors it catches). A state that ends its machine says so on its card (`ends`) rather than
//! with an edge to an End pill: that keeps the drawing shorter and free of the long edges
//! every terminal state would send to one point.
//!
//! Each machine is laid out on its own with [`super::layout`], inner machines first, so a
//! container is just a big box to the level around it. ASL scopes every `Next` inside its own
//! branch or processor, so no edge ever has to cross a container's border.

use asl::{Condition, Integration, Operand, State, StateKind, StateMachine, Transition};

use super::layout::{self, Edge, Graph, Rect, Route, Size, Spacing};
use super::measure::{bold_text_width, fit, text_width};

/// Card sizes and paddings, in CSS pixels (the stylesheet draws with the same figures).
pub const CARD_HEIGHT: f64 = 60.0;
/// The extra row of a Distributed Map's card holding its expand/collapse button.
pub const TOGGLE_ROW: f64 = 24.0;
pub const CARD_MIN_WIDTH: f64 = 176.0;
pub const CARD_MAX_WIDTH: f64 = 260.0;
/// Horizontal room inside a card around its text.
pub const CARD_PADDING: f64 = 14.0;
pub const NAME_FONT: f64 = 13.5;
pub const LABEL_FONT: f64 = 11.0;
pub const PILL: Size = Size {
    width: 64.0,
    height: 26.0,
};
/// Room between a container's border and what it holds.
pub const CONTAINER_PADDING: f64 = 14.0;
/// The title row of a lane (a branch or a processor).
pub const LANE_TITLE: f64 = 22.0;
/// Room between two branches of a Parallel state.
pub const LANE_GAP: f64 = 16.0;
/// Longest edge label before the error list is shortened (the tooltip has all of it).
pub const MAX_LABEL_WIDTH: f64 = 240.0;

/// Everything the state graph draws, in one coordinate system starting at (0, 0).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Scene {
    pub size: Size,
    /// Outer containers before the nodes they hold.
    pub nodes: Vec<SceneNode>,
    pub lanes: Vec<Lane>,
    pub edges: Vec<SceneEdge>,
}

impl Scene {
    /// The node of the state with this JSON pointer.
    pub fn node(&self, pointer: &str) -> Option<&SceneNode> {
        self.nodes
            .iter()
            .find(|node| node.role == Role::State && node.pointer == pointer)
    }

    /// The states drawn, in drawing order.
    pub fn states(&self) -> impl Iterator<Item = &SceneNode> {
        self.nodes.iter().filter(|node| node.role == Role::State)
    }
}

/// What a node stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// Where a machine starts (its pointer is the machine's).
    Start,
    State,
}

/// A node: a state's card (or container), or a Start pill.
#[derive(Debug, Clone, PartialEq)]
pub struct SceneNode {
    pub role: Role,
    /// The state's JSON pointer, or the machine's for a pill.
    pub pointer: String,
    /// The state's name ("" for a pill).
    pub name: String,
    /// The name shortened to fit the card.
    pub shown_name: String,
    pub kind: NodeKind,
    /// The whole box: for a container, the card and what it holds.
    pub rect: Rect,
    /// The card (a container's header).
    pub card: Rect,
    /// How deep in branches and processors (0 = top level).
    pub depth: usize,
    /// The state ends its machine (`End: true`, Succeed, Fail).
    pub ends: bool,
}

impl SceneNode {
    pub fn is_container(&self) -> bool {
        self.rect != self.card
    }

    /// A stable key for this node among all of the scene's (a Start pill has its machine's
    /// pointer, which is also the pointer of the state that holds the machine).
    pub fn key(&self) -> String {
        match self.role {
            Role::Start => format!("start:{}", self.pointer),
            Role::State => self.pointer.clone(),
        }
    }
}

/// The type of a node, with what its card says about it.
#[derive(Debug, Clone, PartialEq)]
pub enum NodeKind {
    Start,
    Task {
        /// A short name of the integration: `Lambda`, `sns:publish`, `Activity`, or "".
        service: String,
    },
    Pass,
    Choice {
        rules: usize,
    },
    Wait,
    Succeed,
    Fail,
    Parallel {
        branches: usize,
    },
    InlineMap {
        states: usize,
    },
    DistributedMap {
        states: usize,
        express: bool,
        expanded: bool,
    },
}

impl NodeKind {
    /// The ASL `Type` (or "Start").
    pub fn type_name(&self) -> &'static str {
        match self {
            NodeKind::Start => "Start",
            NodeKind::Task { .. } => "Task",
            NodeKind::Pass => "Pass",
            NodeKind::Choice { .. } => "Choice",
            NodeKind::Wait => "Wait",
            NodeKind::Succeed => "Succeed",
            NodeKind::Fail => "Fail",
            NodeKind::Parallel { .. } => "Parallel",
            NodeKind::InlineMap { .. } | NodeKind::DistributedMap { .. } => "Map",
        }
    }

    /// A class name for the stylesheet.
    pub fn css_class(&self) -> &'static str {
        match self {
            NodeKind::Start => "kind-start",
            NodeKind::Task { .. } => "kind-task",
            NodeKind::Pass => "kind-pass",
            NodeKind::Choice { .. } => "kind-choice",
            NodeKind::Wait => "kind-wait",
            NodeKind::Succeed => "kind-succeed",
            NodeKind::Fail => "kind-fail",
            NodeKind::Parallel { .. } => "kind-parallel",
            NodeKind::InlineMap { .. } => "kind-inline-map",
            NodeKind::DistributedMap { .. } => "kind-distributed-map",
        }
    }
}

/// The background box of a Parallel branch or a Map's processor.
#[derive(Debug, Clone, PartialEq)]
pub struct Lane {
    pub rect: Rect,
    /// The Parallel or Map state it belongs to.
    pub owner: String,
    pub kind: LaneKind,
    pub depth: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LaneKind {
    /// Branch `n` (from 0) of a Parallel state.
    Branch(usize),
    InlineProcessor,
    /// A Distributed Map's child workflow.
    ChildWorkflow {
        express: bool,
    },
}

/// A transition.
#[derive(Debug, Clone, PartialEq)]
pub struct SceneEdge {
    /// Node keys (see [`SceneNode::key`]).
    pub from: String,
    pub to: String,
    pub kind: EdgeKind,
    /// The text on the edge and where it goes.
    pub label: Option<(Rect, String)>,
    /// More about the edge for its tooltip: a Choice rule's condition, a Catch's whole error
    /// list.
    pub detail: String,
    pub route: Route,
    pub depth: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EdgeKind {
    /// From a machine's Start pill to its `StartAt` state.
    Start,
    Next,
    /// Choice rule `Some(n)` (from 0), or `None` for `Default`.
    Choice {
        rule: Option<usize>,
    },
    /// Catcher `n` (from 0).
    Catch {
        catcher: usize,
    },
}

/// Which Distributed Maps the user expanded or collapsed, against the default (only the one
/// the run is about, [`primary_distributed_map`], starts expanded).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Expansion {
    /// Pointers of the Distributed Maps whose state differs from the default, in the order
    /// they were toggled (a handful at most).
    pub toggled: Vec<String>,
}

impl Expansion {
    pub fn is_expanded(&self, pointer: &str, primary: Option<&str>) -> bool {
        (primary == Some(pointer)) != self.toggled.iter().any(|p| p == pointer)
    }

    /// The same expansion with `pointer` flipped.
    pub fn toggle(&self, pointer: &str) -> Expansion {
        let mut toggled = self.toggled.clone();
        match toggled.iter().position(|p| p == pointer) {
            Some(i) => {
                toggled.remove(i);
            }
            None => toggled.push(pointer.to_string()),
        }
        Expansion { toggled }
    }
}

/// The Distributed Map the run is about: the first one in document order.
pub fn primary_distributed_map(machine: &StateMachine) -> Option<&State> {
    let mut found = None;
    machine.walk(&mut |state| {
        if found.is_none() {
            if let StateKind::Map(map) = &state.kind {
                if map.is_distributed() {
                    found = Some(state);
                }
            }
        }
    });
    found
}

fn spacing() -> Spacing {
    Spacing {
        node_gap: 30.0,
        edge_gap: 14.0,
        layer_gap: 9.0,
        min_label_layer: 6.0,
        margin: 10.0,
        loop_reach: 26.0,
    }
}

/// Builds the drawing of `machine` with its Distributed Maps expanded as `expansion` says.
pub fn build(machine: &StateMachine, expansion: &Expansion) -> Scene {
    let primary = primary_distributed_map(machine).map(|state| state.pointer.clone());
    let builder = Builder {
        expansion,
        primary: primary.as_deref(),
    };
    let built = builder.machine(machine, 0);
    Scene {
        size: built.size,
        nodes: built.nodes,
        lanes: built.lanes,
        edges: built.edges,
    }
}

struct Builder<'a> {
    expansion: &'a Expansion,
    primary: Option<&'a str>,
}

/// A machine drawn at the origin.
struct Built {
    size: Size,
    nodes: Vec<SceneNode>,
    lanes: Vec<Lane>,
    edges: Vec<SceneEdge>,
}

impl Built {
    fn translate(&mut self, dx: f64, dy: f64) {
        for node in &mut self.nodes {
            node.rect = node.rect.translated(dx, dy);
            node.card = node.card.translated(dx, dy);
        }
        for lane in &mut self.lanes {
            lane.rect = lane.rect.translated(dx, dy);
        }
        for edge in &mut self.edges {
            for point in &mut edge.route.points {
                point.x += dx;
                point.y += dy;
            }
            if let Some((rect, _)) = &mut edge.label {
                *rect = rect.translated(dx, dy);
            }
        }
    }
}

/// What a state's box holds, when it is a container.
struct Inside {
    lanes: Vec<(LaneKind, Built)>,
}

impl Builder<'_> {
    fn machine(&self, machine: &StateMachine, depth: usize) -> Built {
        // Node 0 is Start, then the states in document order.
        let n_states = machine.states.len();
        let mut kinds = Vec::with_capacity(n_states);
        let mut insides: Vec<Option<Inside>> = Vec::with_capacity(n_states);
        let mut sizes = vec![PILL];
        for state in &machine.states {
            let kind = self.kind(state);
            let inside = self.inside(state, &kind, depth);
            let card = card_size(state, &kind);
            let size = match &inside {
                Some(inside) => container_size(card, inside),
                None => card,
            };
            sizes.push(size);
            kinds.push(kind);
            insides.push(inside);
        }

        // Edges, with what the scene needs to know about each.
        struct Planned {
            edge: Edge,
            kind: EdgeKind,
            text: Option<String>,
            detail: String,
        }
        let mut planned: Vec<Planned> = Vec::new();
        let index_of = |name: &str| machine.state_index(name).map(|i| i + 1);
        let label_size = |text: &str| Size {
            width: text_width(text, LABEL_FONT) + 12.0,
            height: LABEL_FONT + 7.0,
        };
        if let Some(start) = index_of(&machine.start_at) {
            planned.push(Planned {
                edge: Edge {
                    from: 0,
                    to: start,
                    label: None,
                },
                kind: EdgeKind::Start,
                text: None,
                detail: String::new(),
            });
        }
        for (i, state) in machine.states.iter().enumerate() {
            let from = i + 1;
            let mut push = |to: Option<usize>, kind: EdgeKind, text: Option<String>, detail| {
                if let Some(to) = to {
                    planned.push(Planned {
                        edge: Edge {
                            from,
                            to,
                            label: text.as_deref().map(label_size),
                        },
                        kind,
                        text,
                        detail,
                    });
                }
            };
            if let StateKind::Choice(choice) = &state.kind {
                for (rule, choice_rule) in choice.choices.iter().enumerate() {
                    push(
                        index_of(&choice_rule.next),
                        EdgeKind::Choice { rule: Some(rule) },
                        Some(format!("#{}", rule + 1)),
                        condition_text(&choice_rule.condition),
                    );
                }
                if let Some(default) = &choice.default {
                    push(
                        index_of(default),
                        EdgeKind::Choice { rule: None },
                        Some("Default".into()),
                        String::new(),
                    );
                }
            }
            if let Transition::Next(next) = &state.transition {
                push(index_of(next), EdgeKind::Next, None, String::new());
            }
            for (catcher, catch) in state.catch().iter().enumerate() {
                let all = catch.error_equals.join(", ");
                push(
                    index_of(&catch.next),
                    EdgeKind::Catch { catcher },
                    Some(error_label(&catch.error_equals)),
                    all,
                );
            }
        }

        let graph = Graph {
            nodes: sizes,
            edges: planned.iter().map(|p| p.edge).collect(),
        };
        let placed = layout::layout(&graph, &spacing());

        let mut built = Built {
            size: placed.size,
            nodes: Vec::new(),
            lanes: Vec::new(),
            edges: Vec::new(),
        };
        let key_of = |index: usize| -> String {
            if index == 0 {
                format!("start:{}", machine.pointer)
            } else {
                machine
                    .states
                    .get(index - 1)
                    .map_or_else(String::new, |s| s.pointer.clone())
            }
        };
        let pill = |role: Role, kind: NodeKind, rect: Rect| SceneNode {
            role,
            pointer: machine.pointer.clone(),
            name: String::new(),
            shown_name: String::new(),
            kind,
            rect,
            card: rect,
            depth,
            ends: false,
        };
        if let Some(rect) = placed.nodes.first() {
            built.nodes.push(pill(Role::Start, NodeKind::Start, *rect));
        }
        let mut inner_builds: Vec<Built> = Vec::new();
        for (i, ((state, kind), inside)) in
            machine.states.iter().zip(kinds).zip(insides).enumerate()
        {
            let Some(&rect) = placed.nodes.get(i + 1) else {
                continue;
            };
            let card_height = card_size(state, &kind).height;
            let card = Rect {
                height: card_height,
                ..rect
            };
            let shown_name = fit(
                &state.name,
                NAME_FONT,
                card.width - 2.0 * CARD_PADDING,
                true,
            );
            built.nodes.push(SceneNode {
                role: Role::State,
                pointer: state.pointer.clone(),
                name: state.name.clone(),
                shown_name,
                kind,
                rect,
                card,
                depth,
                ends: ends_machine(state),
            });
            if let Some(inside) = inside {
                place_inside(
                    &state.pointer,
                    rect,
                    card_height,
                    inside,
                    depth,
                    &mut built.lanes,
                    &mut inner_builds,
                );
            }
        }
        for (plan, route) in planned.into_iter().zip(placed.edges) {
            let label = match (route.label, plan.text) {
                (Some(rect), Some(text)) => Some((rect, text)),
                _ => None,
            };
            built.edges.push(SceneEdge {
                from: key_of(plan.edge.from),
                to: key_of(plan.edge.to),
                kind: plan.kind,
                label,
                detail: plan.detail,
                route,
                depth,
            });
        }
        for inner in inner_builds {
            built.nodes.extend(inner.nodes);
            built.lanes.extend(inner.lanes);
            built.edges.extend(inner.edges);
        }
        built
    }

    fn kind(&self, state: &State) -> NodeKind {
        match &state.kind {
            StateKind::Task(task) => NodeKind::Task {
                service: service_name(task.integration(), &task.resource),
            },
            StateKind::Pass(_) => NodeKind::Pass,
            StateKind::Choice(choice) => NodeKind::Choice {
                rules: choice.choices.len(),
            },
            StateKind::Wait(_) => NodeKind::Wait,
            StateKind::Succeed => NodeKind::Succeed,
            StateKind::Fail(_) => NodeKind::Fail,
            StateKind::Parallel(parallel) => NodeKind::Parallel {
                branches: parallel.branches.len(),
            },
            StateKind::Map(map) => {
                let states = map.processor.machine.states.len();
                if map.is_distributed() {
                    NodeKind::DistributedMap {
                        states,
                        express: map.processor.execution_type == Some(asl::ExecutionType::Express),
                        expanded: self.expansion.is_expanded(&state.pointer, self.primary),
                    }
                } else {
                    NodeKind::InlineMap { states }
                }
            }
        }
    }

    /// The machines a state holds and shows, each laid out at the origin.
    fn inside(&self, state: &State, kind: &NodeKind, depth: usize) -> Option<Inside> {
        match (&state.kind, kind) {
            (StateKind::Parallel(parallel), _) => Some(Inside {
                lanes: parallel
                    .branches
                    .iter()
                    .enumerate()
                    .map(|(i, branch)| (LaneKind::Branch(i), self.machine(branch, depth + 1)))
                    .collect(),
            }),
            (StateKind::Map(map), NodeKind::InlineMap { .. }) => Some(Inside {
                lanes: vec![(
                    LaneKind::InlineProcessor,
                    self.machine(&map.processor.machine, depth + 1),
                )],
            }),
            (
                StateKind::Map(map),
                NodeKind::DistributedMap {
                    express,
                    expanded: true,
                    ..
                },
            ) => Some(Inside {
                lanes: vec![(
                    LaneKind::ChildWorkflow { express: *express },
                    self.machine(&map.processor.machine, depth + 1),
                )],
            }),
            _ => None,
        }
    }
}

/// Whether the state ends its machine.
fn ends_machine(state: &State) -> bool {
    matches!(state.transition, Transition::End)
        || matches!(state.kind, StateKind::Succeed | StateKind::Fail(_))
}

/// A card big enough for the state's name and type line.
fn card_size(state: &State, kind: &NodeKind) -> Size {
    let name = bold_text_width(&state.name, NAME_FONT) + 2.0 * CARD_PADDING;
    // The type line: an icon, the type, a short detail (the longer language, roughly).
    // The widest the detail reads in either language (see the card's type line).
    let detail: String = match kind {
        NodeKind::Task { service } => service.clone(),
        NodeKind::Choice { .. } => "00 rules".into(),
        NodeKind::Parallel { .. } => "00 branches".into(),
        NodeKind::InlineMap { .. } => "Inline".into(),
        NodeKind::DistributedMap { .. } => "Distributed · STANDARD".into(),
        _ => String::new(),
    };
    let mut type_line = text_width(kind.type_name(), LABEL_FONT) + text_width(&detail, LABEL_FONT);
    if ends_machine(state) {
        // The END tag at the type line's right.
        type_line += text_width("END", LABEL_FONT) + 12.0;
    }
    let width = name
        .max(type_line + 2.0 * CARD_PADDING + 20.0)
        .clamp(CARD_MIN_WIDTH, CARD_MAX_WIDTH);
    let height = match kind {
        NodeKind::DistributedMap { .. } => CARD_HEIGHT + TOGGLE_ROW,
        _ => CARD_HEIGHT,
    };
    Size { width, height }
}

/// The size of a container: its card on top, its lanes side by side below.
fn container_size(card: Size, inside: &Inside) -> Size {
    let lanes_width: f64 = inside.lanes.iter().map(|(_, b)| b.size.width).sum::<f64>()
        + LANE_GAP * inside.lanes.len().saturating_sub(1) as f64;
    let lanes_height = inside
        .lanes
        .iter()
        .map(|(_, b)| b.size.height)
        .fold(0.0, f64::max);
    Size {
        width: card.width.max(lanes_width + 2.0 * CONTAINER_PADDING),
        height: card.height
            + CONTAINER_PADDING / 2.0
            + LANE_TITLE
            + lanes_height
            + CONTAINER_PADDING,
    }
}

/// Moves a container's lanes into its box.
fn place_inside(
    owner: &str,
    rect: Rect,
    card_height: f64,
    inside: Inside,
    depth: usize,
    lanes: &mut Vec<Lane>,
    builds: &mut Vec<Built>,
) {
    let lanes_width: f64 = inside.lanes.iter().map(|(_, b)| b.size.width).sum::<f64>()
        + LANE_GAP * inside.lanes.len().saturating_sub(1) as f64;
    let lanes_height = inside
        .lanes
        .iter()
        .map(|(_, b)| b.size.height)
        .fold(0.0, f64::max);
    let mut x = rect.x + (rect.width - lanes_width) / 2.0;
    let y = rect.y + card_height + CONTAINER_PADDING / 2.0;
    for (kind, mut built) in inside.lanes {
        let width = built.size.width;
        lanes.push(Lane {
            rect: Rect {
                x,
                y,
                width,
                height: LANE_TITLE + lanes_height,
            },
            owner: owner.to_string(),
            kind,
            depth: depth + 1,
        });
        built.translate(x, y + LANE_TITLE);
        builds.push(built);
        x += width + LANE_GAP;
    }
}

/// A short name of a Task's integration for its card.
fn service_name(integration: Integration, resource: &str) -> String {
    match integration {
        Integration::LambdaFunction | Integration::LambdaInvoke => "Lambda".into(),
        Integration::Activity => "Activity".into(),
        Integration::Service => {
            // `arn:aws:states:::sns:publish` → `sns:publish` (without `.sync` and the like).
            let tail = resource.rsplit(":::").next().unwrap_or(resource);
            tail.split('.').next().unwrap_or(tail).to_string()
        }
        Integration::Other => String::new(),
    }
}

/// A Catch's label: its errors, the list shortened to fit (the tooltip has all of them).
fn error_label(errors: &[String]) -> String {
    let all = errors.join(", ");
    if text_width(&all, LABEL_FONT) <= MAX_LABEL_WIDTH {
        return all;
    }
    let Some(first) = errors.first() else {
        return String::new();
    };
    let rest = errors.len() - 1;
    let more = if rest > 0 {
        format!(" +{rest}")
    } else {
        String::new()
    };
    let room = MAX_LABEL_WIDTH - text_width(&more, LABEL_FONT);
    format!("{}{more}", fit(first, LABEL_FONT, room, false))
}

/// A Choice rule's condition in one line, for a tooltip.
pub fn condition_text(condition: &Condition) -> String {
    const MAX_CHARS: usize = 160;
    let text = match condition {
        Condition::And(all) => join_conditions(all, " and "),
        Condition::Or(any) => join_conditions(any, " or "),
        Condition::Not(inner) => format!("not ({})", condition_text(inner)),
        Condition::Compare {
            variable,
            op,
            operand: Operand::Literal(value),
        } => format!("{variable} {} {value}", op.as_str()),
        Condition::Compare {
            variable,
            op,
            operand: Operand::Path(path),
        } => format!("{variable} {}Path {path}", op.as_str()),
        Condition::Jsonata(expression) => format!("{{% {expression} %}}"),
    };
    if text.chars().count() <= MAX_CHARS {
        return text;
    }
    let mut short: String = text.chars().take(MAX_CHARS - 1).collect();
    short.push('…');
    short
}

fn join_conditions(conditions: &[Condition], separator: &str) -> String {
    conditions
        .iter()
        .map(|c| format!("({})", condition_text(c)))
        .collect::<Vec<_>>()
        .join(separator)
}

#[cfg(test)]
mod tests;
