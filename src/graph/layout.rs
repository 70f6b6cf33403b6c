//! A layered ("Sugiyama-style") layout of a directed graph, drawn top to bottom: boxes of
//! given sizes in layers, edges routed through the gaps between them.
//!
//! The classic four steps, kept small because the page's size budget is tight (see
//! ARCHITECTURE.md, "The state graph"):
//! 1. **Cycles**: a depth-first search from node 0 (a machine's `StartAt`) marks the edges
//!    that close a loop (a Choice looping back); they are laid out reversed and reported as
//!    back edges.
//! 2. **Layers**: longest path from the sources. Every node sits on an even layer; the odd
//!    layer below it holds the edges' labels, so a label gets room of its own instead of being
//!    drawn over a box. An edge spanning several layers becomes a chain of dummy vertices, one
//!    per layer it crosses: the points it is later routed through.
//! 3. **Order**: depth-first initial order, then barycenter sweeps down and up, keeping the
//!    order with the fewest crossings, then adjacent swaps while they remove crossings.
//! 4. **Coordinates**: each layer in turn is placed as close as possible (least squares) to the
//!    mean position of its neighbours in the layer above or below, keeping its order and the
//!    minimum gaps — an isotonic regression solved by pool-adjacent-violators. Dummies pull
//!    harder than boxes, which keeps long edges straight.
//!
//! Everything is deterministic: no hashing, stable sorts with explicit tie-breaks. Sorting is
//! one small insertion sort ([`sort_indices`]) rather than the standard library's sorts, whose
//! instances for each element type cost tens of kilobytes of wasm; the lists here are short
//! (a layer, a node's edges). Bad input
//! (an edge to a node that does not exist) is ignored, never a panic.

/// A point in the drawing, in CSS pixels, y growing downwards.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Point {
    pub x: f64,
    pub y: f64,
}

/// A width and a height.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Size {
    pub width: f64,
    pub height: f64,
}

/// An axis-aligned rectangle: its top-left corner and its size.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Rect {
    pub x: f64,
    pub y: f64,
    pub width: f64,
    pub height: f64,
}

impl Rect {
    pub fn right(&self) -> f64 {
        self.x + self.width
    }

    pub fn bottom(&self) -> f64 {
        self.y + self.height
    }

    pub fn center(&self) -> Point {
        Point {
            x: self.x + self.width / 2.0,
            y: self.y + self.height / 2.0,
        }
    }

    /// Whether the two rectangles share any area (touching edges do not count).
    pub fn overlaps(&self, other: &Rect) -> bool {
        self.x < other.right()
            && other.x < self.right()
            && self.y < other.bottom()
            && other.y < self.bottom()
    }

    /// The same rectangle moved by `(dx, dy)`.
    pub fn translated(&self, dx: f64, dy: f64) -> Rect {
        Rect {
            x: self.x + dx,
            y: self.y + dy,
            ..*self
        }
    }
}

/// What to lay out: boxes and the edges between them (by index into `nodes`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Graph {
    pub nodes: Vec<Size>,
    pub edges: Vec<Edge>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Edge {
    pub from: usize,
    pub to: usize,
    /// The size of the edge's label, which gets a place of its own on the edge.
    pub label: Option<Size>,
}

/// Room between things, in pixels.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Spacing {
    /// Between two boxes side by side.
    pub node_gap: f64,
    /// Between two edges side by side (and, halved, between an edge and a box).
    pub edge_gap: f64,
    /// Between a layer of boxes and the layer of labels below it.
    pub layer_gap: f64,
    /// The height of a layer of labels that holds no label.
    pub min_label_layer: f64,
    /// Around the whole drawing.
    pub margin: f64,
    /// How far a self-loop reaches out to the right of its box.
    pub loop_reach: f64,
}

impl Default for Spacing {
    fn default() -> Self {
        Spacing {
            node_gap: 28.0,
            edge_gap: 14.0,
            layer_gap: 14.0,
            min_label_layer: 10.0,
            margin: 12.0,
            loop_reach: 26.0,
        }
    }
}

/// Where everything went.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Layout {
    /// One rectangle per input node.
    pub nodes: Vec<Rect>,
    /// One route per input edge, in input order.
    pub edges: Vec<Route>,
    /// The size of the whole drawing, margins included.
    pub size: Size,
}

/// How one edge is drawn.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Route {
    /// From the source's border to the target's border (empty for an edge the layout ignored:
    /// an endpoint that is not a node). Between consecutive points the edge runs vertically
    /// out of one and into the next, so a smooth curve with vertical tangents through them
    /// never cuts a box.
    pub points: Vec<Point>,
    /// The edge closes a cycle: it runs upwards, from the top of its source to the bottom of
    /// its target.
    pub back: bool,
    /// The edge goes from a node to itself: `points` are the start, the farthest point and the
    /// end of a loop on the box's right side.
    pub self_loop: bool,
    /// Where the label goes, when the edge has one.
    pub label: Option<Rect>,
}

/// Sweeps of crossing reduction, and rounds of coordinate placement. Graphs here are small
/// (a state machine's states), so a few are plenty.
const ORDER_SWEEPS: usize = 12;
const TRANSPOSE_ROUNDS: usize = 6;
const PLACEMENT_ROUNDS: usize = 12;
/// How much more a dummy vertex (a point of a long edge) wants to sit where its neighbours
/// are than a box does: it keeps long edges straight.
const DUMMY_PULL: f64 = 6.0;

/// One vertex of the layered graph: a node's box, or a point an edge passes through.
#[derive(Debug, Clone)]
struct Vertex {
    layer: usize,
    width: f64,
    height: f64,
    kind: VertexKind,
    /// Neighbours in the layer above and below.
    up: Vec<usize>,
    down: Vec<usize>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum VertexKind {
    Node,
    /// An edge passing through; `labelled` when it carries the edge's label.
    Dummy {
        labelled: bool,
    },
}

/// Lays `graph` out. Never fails: edges whose endpoints are not nodes get an empty route.
pub fn layout(graph: &Graph, spacing: &Spacing) -> Layout {
    let n = graph.nodes.len();
    if n == 0 {
        return Layout {
            nodes: Vec::new(),
            edges: vec![Route::default(); graph.edges.len()],
            size: Size {
                width: 2.0 * spacing.margin,
                height: 2.0 * spacing.margin,
            },
        };
    }
    let valid = |edge: &Edge| edge.from < n && edge.to < n;
    let back = back_edges(graph, n);
    // A node's self-loops, in edge order, and the room they and their labels need on its
    // right: loops nest (each reaches a little farther), labels stack beside the outermost.
    let mut self_loops: Vec<Vec<usize>> = vec![Vec::new(); n];
    for (index, edge) in graph.edges.iter().enumerate() {
        if valid(edge) && edge.from == edge.to {
            self_loops[edge.from].push(index);
        }
    }
    let loop_reach = |k: usize| spacing.loop_reach + k as f64 * spacing.edge_gap * 0.6;
    let loop_room: Vec<f64> = self_loops
        .iter()
        .map(|loops| {
            if loops.is_empty() {
                return 0.0;
            }
            let widest_label = loops
                .iter()
                .filter_map(|&e| graph.edges[e].label)
                .map(|label| label.width + 6.0)
                .fold(0.0, f64::max);
            loop_reach(loops.len() - 1) + widest_label
        })
        .collect();
    let ranks = ranks(graph, &back, n);

    // The layered graph: nodes on even layers, then one chain per edge.
    let mut vertices: Vec<Vertex> = graph
        .nodes
        .iter()
        .enumerate()
        .map(|(node, size)| Vertex {
            layer: 2 * ranks[node],
            // A self-loop needs room on the right; widen symmetrically so the box stays
            // centred on its vertex.
            width: size.width.max(1.0) + 2.0 * loop_room[node],
            height: size.height.max(1.0),
            kind: VertexKind::Node,
            up: Vec::new(),
            down: Vec::new(),
        })
        .collect();
    // For each edge: its chain of vertices, oriented downwards, and the vertex with its label.
    let mut chains: Vec<Vec<usize>> = vec![Vec::new(); graph.edges.len()];
    let mut label_vertex: Vec<Option<usize>> = vec![None; graph.edges.len()];
    for (index, edge) in graph.edges.iter().enumerate() {
        if !valid(edge) || edge.from == edge.to {
            continue;
        }
        let (top, bottom) = if back[index] {
            (edge.to, edge.from)
        } else {
            (edge.from, edge.to)
        };
        let first = vertices[top].layer + 1;
        let last = vertices[bottom].layer;
        let mut chain = vec![top];
        // Forward edges carry their label just below the source, back edges just above theirs.
        let label_layer = if back[index] {
            last.saturating_sub(1)
        } else {
            first
        };
        for layer in first..last {
            let labelled = edge.label.is_some() && layer == label_layer;
            let (width, height) = match (labelled, edge.label) {
                (true, Some(label)) => (label.width, label.height),
                _ => (0.0, 0.0),
            };
            vertices.push(Vertex {
                layer,
                width,
                height,
                kind: VertexKind::Dummy { labelled },
                up: Vec::new(),
                down: Vec::new(),
            });
            let dummy = vertices.len() - 1;
            if labelled {
                label_vertex[index] = Some(dummy);
            }
            chain.push(dummy);
        }
        chain.push(bottom);
        for pair in chain.windows(2) {
            vertices[pair[0]].down.push(pair[1]);
            vertices[pair[1]].up.push(pair[0]);
        }
        chains[index] = chain;
    }

    let n_layers = vertices.iter().map(|v| v.layer).max().unwrap_or(0) + 1;
    let mut layers = initial_order(&vertices, n_layers, n);
    reduce_crossings(&vertices, &mut layers);
    let xs = place_horizontally(&vertices, &layers, spacing);
    let (layer_top, layer_height) = place_vertically(&vertices, &layers, spacing);
    let center_y = |v: usize| {
        let layer = vertices[v].layer;
        layer_top[layer] + layer_height[layer] / 2.0
    };

    let mut nodes: Vec<Rect> = (0..n)
        .map(|node| {
            let size = graph.nodes[node];
            Rect {
                x: xs[node] - size.width.max(1.0) / 2.0,
                y: center_y(node) - size.height.max(1.0) / 2.0,
                width: size.width.max(1.0),
                height: size.height.max(1.0),
            }
        })
        .collect();

    // Ports: the edges leaving a box's bottom (entering its top) are spread along it in the
    // order of where they go (come from), so they leave side by side instead of from a point.
    let mut bottom_ports: Vec<Vec<(f64, usize)>> = vec![Vec::new(); n];
    let mut top_ports: Vec<Vec<(f64, usize)>> = vec![Vec::new(); n];
    for (index, chain) in chains.iter().enumerate() {
        let (Some(&first), Some(&second)) = (chain.first(), chain.get(1)) else {
            continue;
        };
        bottom_ports[first].push((xs[second], index));
        if let (Some(&last), Some(&before)) = (chain.last(), chain.get(chain.len() - 2)) {
            top_ports[last].push((xs[before], index));
        }
    }
    let port_x = |node: usize, ports: &[(f64, usize)], edge: usize| -> f64 {
        let rect = nodes[node];
        let mut order: Vec<usize> = (0..ports.len()).collect();
        sort_indices(&mut order, &|a, b| {
            ports[a].0 < ports[b].0 || (ports[a].0 == ports[b].0 && ports[a].1 < ports[b].1)
        });
        let count = order.len();
        let slot = order.iter().position(|&i| ports[i].1 == edge).unwrap_or(0);
        if count <= 1 {
            return rect.center().x;
        }
        let step = (rect.width * 0.6 / (count - 1) as f64).min(spacing.edge_gap);
        rect.center().x + (slot as f64 - (count - 1) as f64 / 2.0) * step
    };

    let mut edges: Vec<Route> = Vec::with_capacity(graph.edges.len());
    for (index, edge) in graph.edges.iter().enumerate() {
        if !valid(edge) {
            edges.push(Route::default());
            continue;
        }
        if edge.from == edge.to {
            let loops = &self_loops[edge.from];
            let k = loops.iter().position(|&e| e == index).unwrap_or(0);
            let rect = nodes[edge.from];
            let y = rect.center().y;
            let half = (rect.height / 2.0 - 6.0).clamp(2.0, 12.0);
            // Labels stack, centred on the box's middle, beside the outermost loop.
            let labels: Vec<usize> = loops
                .iter()
                .copied()
                .filter(|&e| graph.edges[e].label.is_some())
                .collect();
            let stack_height: f64 = labels
                .iter()
                .filter_map(|&e| graph.edges[e].label)
                .map(|label| label.height + 2.0)
                .sum();
            let above: f64 = labels
                .iter()
                .take_while(|&&e| e != index)
                .filter_map(|&e| graph.edges[e].label)
                .map(|label| label.height + 2.0)
                .sum();
            edges.push(Route {
                points: vec![
                    Point {
                        x: rect.right(),
                        y: y - half,
                    },
                    Point {
                        x: rect.right() + loop_reach(k),
                        y,
                    },
                    Point {
                        x: rect.right(),
                        y: y + half,
                    },
                ],
                back: false,
                self_loop: true,
                label: edge.label.map(|label| Rect {
                    x: rect.right() + loop_reach(loops.len() - 1) + 4.0,
                    y: y - stack_height / 2.0 + above,
                    width: label.width,
                    height: label.height,
                }),
            });
            continue;
        }
        let chain = &chains[index];
        let (Some(&top), Some(&bottom)) = (chain.first(), chain.last()) else {
            edges.push(Route::default());
            continue;
        };
        let mut points = Vec::with_capacity(chain.len());
        points.push(Point {
            x: port_x(top, &bottom_ports[top], index),
            y: nodes[top].bottom(),
        });
        for &dummy in &chain[1..chain.len() - 1] {
            points.push(Point {
                x: xs[dummy],
                y: center_y(dummy),
            });
        }
        points.push(Point {
            x: port_x(bottom, &top_ports[bottom], index),
            y: nodes[bottom].y,
        });
        if back[index] {
            points.reverse();
        }
        let label = match (label_vertex[index], edge.label) {
            (Some(v), Some(size)) => Some(Rect {
                x: xs[v] - size.width / 2.0,
                y: center_y(v) - size.height / 2.0,
                width: size.width,
                height: size.height,
            }),
            _ => None,
        };
        edges.push(Route {
            points,
            back: back[index],
            self_loop: false,
            label,
        });
    }

    // Move everything so the drawing starts at the margin.
    let mut min_x = f64::INFINITY;
    let mut max_x = f64::NEG_INFINITY;
    let mut max_y: f64 = 0.0;
    for rect in &nodes {
        min_x = min_x.min(rect.x);
        max_x = max_x.max(rect.right());
        max_y = max_y.max(rect.bottom());
    }
    for route in &edges {
        for point in &route.points {
            min_x = min_x.min(point.x);
            max_x = max_x.max(point.x);
        }
        if let Some(label) = &route.label {
            min_x = min_x.min(label.x);
            max_x = max_x.max(label.right());
            max_y = max_y.max(label.bottom());
        }
    }
    let dx = spacing.margin - min_x;
    let dy = spacing.margin;
    for rect in &mut nodes {
        *rect = rect.translated(dx, dy);
    }
    for route in &mut edges {
        for point in &mut route.points {
            point.x += dx;
            point.y += dy;
        }
        if let Some(label) = &mut route.label {
            *label = label.translated(dx, dy);
        }
    }
    Layout {
        nodes,
        edges,
        size: Size {
            width: max_x - min_x + 2.0 * spacing.margin,
            height: max_y + 2.0 * spacing.margin,
        },
    }
}

/// Marks the edges that close a cycle, found by a depth-first search from node 0, then from
/// every node not yet reached, in index order. Self-loops are not marked (they are drawn on
/// their own).
fn back_edges(graph: &Graph, n: usize) -> Vec<bool> {
    let mut out: Vec<Vec<usize>> = vec![Vec::new(); n];
    for (index, edge) in graph.edges.iter().enumerate() {
        if edge.from < n && edge.to < n && edge.from != edge.to {
            out[edge.from].push(index);
        }
    }
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        New,
        OnStack,
        Done,
    }
    let mut mark = vec![Mark::New; n];
    let mut back = vec![false; graph.edges.len()];
    for root in 0..n {
        if mark[root] != Mark::New {
            continue;
        }
        // An explicit stack of (node, next out-edge to look at): no recursion depth limit.
        let mut stack: Vec<(usize, usize)> = vec![(root, 0)];
        mark[root] = Mark::OnStack;
        while let Some(top) = stack.last_mut() {
            let (node, cursor) = *top;
            let Some(&edge) = out[node].get(cursor) else {
                mark[node] = Mark::Done;
                stack.pop();
                continue;
            };
            top.1 += 1;
            let to = graph.edges[edge].to;
            match mark[to] {
                Mark::New => {
                    mark[to] = Mark::OnStack;
                    stack.push((to, 0));
                }
                Mark::OnStack => back[edge] = true,
                Mark::Done => {}
            }
        }
    }
    back
}

/// The rank of every node: the length of the longest path to it from a source, with back
/// edges reversed (so the graph is acyclic).
fn ranks(graph: &Graph, back: &[bool], n: usize) -> Vec<usize> {
    let mut incoming = vec![0usize; n];
    let mut out: Vec<Vec<usize>> = vec![Vec::new(); n];
    for (index, edge) in graph.edges.iter().enumerate() {
        if edge.from >= n || edge.to >= n || edge.from == edge.to {
            continue;
        }
        let (from, to) = if back[index] {
            (edge.to, edge.from)
        } else {
            (edge.from, edge.to)
        };
        out[from].push(to);
        incoming[to] += 1;
    }
    let mut rank = vec![0usize; n];
    let mut ready: Vec<usize> = (0..n).rev().filter(|&v| incoming[v] == 0).collect();
    while let Some(node) = ready.pop() {
        for &to in &out[node] {
            rank[to] = rank[to].max(rank[node] + 1);
            incoming[to] -= 1;
            if incoming[to] == 0 {
                ready.push(to);
            }
        }
    }
    rank
}

/// The first order of each layer: vertices as a depth-first search from the nodes (in index
/// order) meets them, so a node's successors start out side by side in edge order.
fn initial_order(vertices: &[Vertex], n_layers: usize, n_nodes: usize) -> Vec<Vec<usize>> {
    let mut layers: Vec<Vec<usize>> = vec![Vec::new(); n_layers];
    let mut seen = vec![false; vertices.len()];
    // Start from nodes in rank order so that sources come first.
    let mut roots: Vec<usize> = (0..n_nodes).collect();
    sort_indices(&mut roots, &|a, b| vertices[a].layer < vertices[b].layer);
    for root in roots {
        if seen[root] {
            continue;
        }
        let mut stack = vec![root];
        while let Some(v) = stack.pop() {
            if seen[v] {
                continue;
            }
            seen[v] = true;
            layers[vertices[v].layer].push(v);
            for &next in vertices[v].down.iter().rev() {
                if !seen[next] {
                    stack.push(next);
                }
            }
        }
    }
    // Dummies are always reached from their chain's top node; this is only a safety net.
    for (v, vertex) in vertices.iter().enumerate() {
        if !seen[v] {
            layers[vertex.layer].push(v);
        }
    }
    layers
}

fn positions(vertices: &[Vertex], layers: &[Vec<usize>]) -> Vec<usize> {
    let mut pos = vec![0; vertices.len()];
    for layer in layers {
        for (i, &v) in layer.iter().enumerate() {
            pos[v] = i;
        }
    }
    pos
}

/// Edge crossings between layer `upper` and the layer below it.
fn crossings_between(vertices: &[Vertex], upper: &[usize], pos: &[usize]) -> usize {
    let mut ends: Vec<(usize, usize)> = Vec::new();
    for &v in upper {
        for &w in &vertices[v].down {
            ends.push((pos[v], pos[w]));
        }
    }
    let mut count = 0;
    for (i, a) in ends.iter().enumerate() {
        for b in &ends[i + 1..] {
            if (a.0 < b.0 && a.1 > b.1) || (a.0 > b.0 && a.1 < b.1) {
                count += 1;
            }
        }
    }
    count
}

fn total_crossings(vertices: &[Vertex], layers: &[Vec<usize>]) -> usize {
    let pos = positions(vertices, layers);
    layers
        .iter()
        .map(|layer| crossings_between(vertices, layer, &pos))
        .sum()
}

/// Barycenter sweeps, keeping the best order seen, then adjacent swaps.
fn reduce_crossings(vertices: &[Vertex], layers: &mut [Vec<usize>]) {
    let mut best = layers.to_vec();
    let mut best_crossings = total_crossings(vertices, layers);
    for sweep in 0..ORDER_SWEEPS {
        if best_crossings == 0 {
            break;
        }
        let downwards = sweep % 2 == 0;
        let order: Vec<usize> = if downwards {
            (1..layers.len()).collect()
        } else {
            (0..layers.len().saturating_sub(1)).rev().collect()
        };
        for l in order {
            let pos = positions(vertices, layers);
            let keys: Vec<f64> = layers[l]
                .iter()
                .enumerate()
                .map(|(i, &v)| {
                    let neighbours = if downwards {
                        &vertices[v].up
                    } else {
                        &vertices[v].down
                    };
                    if neighbours.is_empty() {
                        i as f64
                    } else {
                        neighbours.iter().map(|&w| pos[w] as f64).sum::<f64>()
                            / neighbours.len() as f64
                    }
                })
                .collect();
            // Stable: equal barycenters keep their current order.
            let mut order: Vec<usize> = (0..keys.len()).collect();
            sort_indices(&mut order, &|a, b| keys[a] < keys[b]);
            layers[l] = order.iter().map(|&i| layers[l][i]).collect();
        }
        let crossings = total_crossings(vertices, layers);
        if crossings < best_crossings {
            best_crossings = crossings;
            best = layers.to_vec();
        }
    }
    layers.clone_from_slice(&best);
    transpose(vertices, layers);
}

/// Swaps neighbours in a layer while that removes crossings with the layers around it.
fn transpose(vertices: &[Vertex], layers: &mut [Vec<usize>]) {
    for _ in 0..TRANSPOSE_ROUNDS {
        let mut improved = false;
        let mut pos = positions(vertices, layers);
        for layer in layers.iter_mut() {
            for i in 0..layer.len().saturating_sub(1) {
                let (a, b) = (layer[i], layer[i + 1]);
                let before = pair_crossings(vertices, &pos, a, b);
                let after = pair_crossings(vertices, &pos, b, a);
                if after < before {
                    layer.swap(i, i + 1);
                    pos[a] = i + 1;
                    pos[b] = i;
                    improved = true;
                }
            }
        }
        if !improved {
            break;
        }
    }
}

/// Crossings between the edges of `left` and those of `right` (with `left` to the left).
fn pair_crossings(vertices: &[Vertex], pos: &[usize], left: usize, right: usize) -> usize {
    let count = |a: &[usize], b: &[usize]| {
        let mut n = 0;
        for &x in a {
            for &y in b {
                if pos[x] > pos[y] {
                    n += 1;
                }
            }
        }
        n
    };
    count(&vertices[left].up, &vertices[right].up)
        + count(&vertices[left].down, &vertices[right].down)
}

/// Sorts `indices` so that `before(a, b)` holds for no later `a` and earlier `b`, keeping the
/// order of equals (an insertion sort: the lists here are short).
pub fn sort_indices(indices: &mut [usize], before: &dyn Fn(usize, usize) -> bool) {
    for i in 1..indices.len() {
        let mut j = i;
        while j > 0 && before(indices[j], indices[j - 1]) {
            indices.swap(j, j - 1);
            j -= 1;
        }
    }
}

/// The smallest distance between the centres of two neighbours in a layer.
fn separation(a: &Vertex, b: &Vertex, spacing: &Spacing) -> f64 {
    let is_box = |v: &Vertex| {
        matches!(
            v.kind,
            VertexKind::Node | VertexKind::Dummy { labelled: true }
        )
    };
    let gap = match (is_box(a), is_box(b)) {
        (true, true) => spacing.node_gap,
        (false, false) => spacing.edge_gap,
        _ => (spacing.node_gap + spacing.edge_gap) / 2.0,
    };
    (a.width + b.width) / 2.0 + gap
}

/// The x of every vertex's centre.
fn place_horizontally(vertices: &[Vertex], layers: &[Vec<usize>], spacing: &Spacing) -> Vec<f64> {
    let mut xs = vec![0.0; vertices.len()];
    // Start packed to the left.
    for layer in layers {
        let mut x = 0.0;
        for (i, &v) in layer.iter().enumerate() {
            if i > 0 {
                x += separation(&vertices[layer[i - 1]], &vertices[v], spacing);
            }
            xs[v] = x;
        }
    }
    #[derive(Clone, Copy)]
    enum Toward {
        Up,
        Down,
        Both,
    }
    let place = |xs: &mut Vec<f64>, layer: &[usize], toward: Toward| {
        let mut targets = Vec::with_capacity(layer.len());
        let mut weights = Vec::with_capacity(layer.len());
        for &v in layer {
            let vertex = &vertices[v];
            let neighbours: Vec<usize> = match toward {
                Toward::Up => vertex.up.clone(),
                Toward::Down => vertex.down.clone(),
                Toward::Both => vertex.up.iter().chain(&vertex.down).copied().collect(),
            };
            let pull = match vertex.kind {
                VertexKind::Node => 1.0,
                VertexKind::Dummy { .. } => DUMMY_PULL,
            };
            if neighbours.is_empty() {
                // Nothing to follow: stay put, gently.
                targets.push(xs[v]);
                weights.push(0.01);
            } else {
                let mean = neighbours.iter().map(|&w| xs[w]).sum::<f64>() / neighbours.len() as f64;
                targets.push(mean);
                weights.push(pull * neighbours.len() as f64);
            }
        }
        let gaps: Vec<f64> = layer
            .windows(2)
            .map(|pair| separation(&vertices[pair[0]], &vertices[pair[1]], spacing))
            .collect();
        let placed = closest_ordered(&targets, &weights, &gaps);
        for (&v, x) in layer.iter().zip(placed) {
            xs[v] = x;
        }
    };
    for _ in 0..PLACEMENT_ROUNDS {
        for layer in layers.iter().skip(1) {
            place(&mut xs, layer, Toward::Up);
        }
        for layer in layers.iter().rev().skip(1) {
            place(&mut xs, layer, Toward::Down);
        }
    }
    for _ in 0..2 {
        for layer in layers {
            place(&mut xs, layer, Toward::Both);
        }
    }
    xs
}

/// The positions `x` closest to `targets` (weighted least squares) such that
/// `x[i + 1] - x[i] >= gaps[i]`: with `y[i] = x[i] - (gaps[0] + … + gaps[i-1])` the constraint
/// says `y` is non-decreasing, which pool-adjacent-violators solves exactly in linear time.
pub fn closest_ordered(targets: &[f64], weights: &[f64], gaps: &[f64]) -> Vec<f64> {
    let n = targets.len();
    let mut offsets = Vec::with_capacity(n);
    let mut offset = 0.0;
    for i in 0..n {
        if i > 0 {
            offset += gaps.get(i - 1).copied().unwrap_or(0.0);
        }
        offsets.push(offset);
    }
    // Blocks of pooled values: (sum of weights, weighted sum, number of members).
    let mut blocks: Vec<(f64, f64, usize)> = Vec::with_capacity(n);
    for i in 0..n {
        let weight = weights.get(i).copied().unwrap_or(1.0).max(1e-9);
        let target = targets[i] - offsets[i];
        blocks.push((weight, weight * target, 1));
        while blocks.len() >= 2 {
            let last = blocks[blocks.len() - 1];
            let previous = blocks[blocks.len() - 2];
            if previous.1 / previous.0 <= last.1 / last.0 {
                break;
            }
            blocks.pop();
            let merged = blocks.len() - 1;
            blocks[merged] = (
                previous.0 + last.0,
                previous.1 + last.1,
                previous.2 + last.2,
            );
        }
    }
    let mut out = Vec::with_capacity(n);
    for (weight, sum, count) in blocks {
        let value = sum / weight;
        for _ in 0..count {
            let i = out.len();
            out.push(value + offsets[i]);
        }
    }
    out
}

/// The top and the height of every layer.
fn place_vertically(
    vertices: &[Vertex],
    layers: &[Vec<usize>],
    spacing: &Spacing,
) -> (Vec<f64>, Vec<f64>) {
    let mut tops = Vec::with_capacity(layers.len());
    let mut heights = Vec::with_capacity(layers.len());
    let mut y = 0.0;
    for (l, layer) in layers.iter().enumerate() {
        let tallest = layer
            .iter()
            .map(|&v| vertices[v].height)
            .fold(0.0, f64::max);
        let height = if l % 2 == 1 {
            tallest.max(spacing.min_label_layer)
        } else {
            tallest
        };
        if l > 0 {
            y += spacing.layer_gap;
        }
        tops.push(y);
        heights.push(height);
        y += height;
    }
    (tops, heights)
}

#[cfg(test)]
mod tests;
