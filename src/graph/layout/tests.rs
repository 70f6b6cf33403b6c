//! Tests of the layered layout: the invariants every drawing must keep, checked on hand-made
//! graphs and on many pseudo-random ones.

use super::*;

fn size(width: f64, height: f64) -> Size {
    Size { width, height }
}

fn edge(from: usize, to: usize) -> Edge {
    Edge {
        from,
        to,
        label: None,
    }
}

fn labelled(from: usize, to: usize, width: f64) -> Edge {
    Edge {
        from,
        to,
        label: Some(size(width, 16.0)),
    }
}

/// A small deterministic generator (an LCG), so the "random" graphs are the same every run.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

fn random_graph(seed: u64) -> Graph {
    let mut rng = Lcg(seed);
    let n = 1 + rng.below(18) as usize;
    let nodes = (0..n)
        .map(|_| size(60.0 + rng.below(140) as f64, 30.0 + rng.below(50) as f64))
        .collect();
    let n_edges = rng.below(3 * n as u64 + 1) as usize;
    let edges = (0..n_edges)
        .map(|_| {
            let from = rng.below(n as u64) as usize;
            let to = rng.below(n as u64) as usize;
            if rng.below(3) == 0 {
                labelled(from, to, 20.0 + rng.below(90) as f64)
            } else {
                edge(from, to)
            }
        })
        .collect();
    Graph { nodes, edges }
}

/// Every invariant a layout must keep, with the graph in the message when one breaks.
fn check_invariants(graph: &Graph, layout: &Layout) {
    let context = || format!("{graph:?}\n{layout:#?}");
    assert_eq!(layout.nodes.len(), graph.nodes.len(), "{}", context());
    assert_eq!(layout.edges.len(), graph.edges.len(), "{}", context());
    // Boxes keep their sizes, stay inside the drawing and never overlap.
    for (i, rect) in layout.nodes.iter().enumerate() {
        assert!(
            (rect.width - graph.nodes[i].width).abs() < 1e-9,
            "{}",
            context()
        );
        assert!(
            rect.x >= -1e-9 && rect.y >= -1e-9,
            "node {i} outside: {}",
            context()
        );
        assert!(rect.right() <= layout.size.width + 1e-9, "{}", context());
        assert!(rect.bottom() <= layout.size.height + 1e-9, "{}", context());
        for (j, other) in layout.nodes.iter().enumerate().skip(i + 1) {
            assert!(
                !rect.overlaps(other),
                "nodes {i} and {j} overlap: {}",
                context()
            );
        }
    }
    for (index, (edge, route)) in graph.edges.iter().zip(&layout.edges).enumerate() {
        let (Some(first), Some(last)) = (route.points.first(), route.points.last()) else {
            panic!("edge {index} has no route: {}", context());
        };
        let source = layout.nodes[edge.from];
        let target = layout.nodes[edge.to];
        if route.self_loop {
            assert_eq!(edge.from, edge.to);
            assert!((first.x - source.right()).abs() < 1e-9);
            assert!((last.x - source.right()).abs() < 1e-9);
            if let Some(label) = &route.label {
                for (n, rect) in layout.nodes.iter().enumerate() {
                    assert!(
                        !label.overlaps(rect),
                        "loop label covers node {n}: {}",
                        context()
                    );
                }
            }
            continue;
        }
        // Endpoints on the right borders, within the box's width.
        let within = |x: f64, rect: &Rect| x >= rect.x - 1e-9 && x <= rect.right() + 1e-9;
        assert!(within(first.x, &source), "edge {index}: {}", context());
        assert!(within(last.x, &target), "edge {index}: {}", context());
        if route.back {
            assert!((first.y - source.y).abs() < 1e-9, "edge {index}");
            assert!((last.y - target.bottom()).abs() < 1e-9, "edge {index}");
            assert!(source.y > target.y, "a back edge goes up: {}", context());
        } else {
            assert!((first.y - source.bottom()).abs() < 1e-9, "edge {index}");
            assert!((last.y - target.y).abs() < 1e-9, "edge {index}");
            // Layering respects the edge: the target is on a lower layer.
            assert!(
                target.y >= source.bottom(),
                "edge {index} goes up: {}",
                context()
            );
        }
        // The route moves monotonically from layer to layer, and its inner points (the
        // dummies) are never inside a box.
        for pair in route.points.windows(2) {
            if route.back {
                assert!(pair[1].y < pair[0].y, "edge {index}: {}", context());
            } else {
                assert!(pair[1].y > pair[0].y, "edge {index}: {}", context());
            }
        }
        for point in &route.points[1..route.points.len() - 1] {
            for (n, rect) in layout.nodes.iter().enumerate() {
                let inside = point.x > rect.x
                    && point.x < rect.right()
                    && point.y > rect.y
                    && point.y < rect.bottom();
                assert!(
                    !inside,
                    "edge {index} passes through node {n}: {}",
                    context()
                );
            }
        }
        // Labels sit on their edge and on no box.
        if let Some(label) = &route.label {
            assert!(edge.label.is_some());
            for (n, rect) in layout.nodes.iter().enumerate() {
                assert!(
                    !label.overlaps(rect),
                    "label of edge {index} covers node {n}: {}",
                    context()
                );
            }
            let center = label.center();
            assert!(
                route
                    .points
                    .iter()
                    .any(|p| (p.x - center.x).abs() < 1e-9 && (p.y - center.y).abs() < 1e-9),
                "the label of edge {index} is centred on one of its points"
            );
        } else {
            assert!(edge.label.is_none(), "edge {index} lost its label");
        }
    }
    // Labels never cover each other.
    let labels: Vec<Rect> = layout.edges.iter().filter_map(|r| r.label).collect();
    for (i, a) in labels.iter().enumerate() {
        for b in &labels[i + 1..] {
            assert!(!a.overlaps(b), "labels overlap: {}", context());
        }
    }
}

#[test]
fn an_empty_graph_is_just_margins() {
    let layout = layout(&Graph::default(), &Spacing::default());
    assert!(layout.nodes.is_empty());
    assert_eq!(layout.size.width, 2.0 * Spacing::default().margin);
}

#[test]
fn a_chain_is_drawn_straight_down() {
    let graph = Graph {
        nodes: vec![size(100.0, 40.0), size(160.0, 40.0), size(80.0, 40.0)],
        edges: vec![edge(0, 1), edge(1, 2)],
    };
    let layout = layout(&graph, &Spacing::default());
    check_invariants(&graph, &layout);
    let centers: Vec<f64> = layout.nodes.iter().map(|r| r.center().x).collect();
    assert!((centers[0] - centers[1]).abs() < 1e-6, "{centers:?}");
    assert!((centers[1] - centers[2]).abs() < 1e-6, "{centers:?}");
    assert!(layout.nodes[0].bottom() < layout.nodes[1].y);
    assert!(layout.nodes[1].bottom() < layout.nodes[2].y);
    assert!(layout.edges.iter().all(|route| !route.back));
}

#[test]
fn a_choice_loop_is_one_back_edge_and_the_rest_flows_down() {
    // Wait → Check → IsDone? ─Default→ Wait (the loop), ─#1→ Done.
    let graph = Graph {
        nodes: vec![
            size(120.0, 50.0),
            size(120.0, 50.0),
            size(120.0, 50.0),
            size(120.0, 50.0),
        ],
        edges: vec![
            edge(0, 1),
            edge(1, 2),
            labelled(2, 3, 30.0),
            labelled(2, 0, 60.0),
        ],
    };
    let layout = layout(&graph, &Spacing::default());
    check_invariants(&graph, &layout);
    let backs: Vec<bool> = layout.edges.iter().map(|route| route.back).collect();
    assert_eq!(backs, vec![false, false, false, true]);
}

#[test]
fn fan_out_edges_leave_from_distinct_ports_in_target_order() {
    let graph = Graph {
        nodes: vec![
            size(200.0, 40.0),
            size(80.0, 40.0),
            size(80.0, 40.0),
            size(80.0, 40.0),
        ],
        edges: vec![edge(0, 1), edge(0, 2), edge(0, 3)],
    };
    let layout = layout(&graph, &Spacing::default());
    check_invariants(&graph, &layout);
    let starts: Vec<f64> = layout.edges.iter().map(|route| route.points[0].x).collect();
    let ends: Vec<f64> = layout.edges.iter().map(|route| route.points[2].x).collect();
    for i in 0..3 {
        for j in i + 1..3 {
            assert!((starts[i] - starts[j]).abs() > 1.0, "{starts:?}");
            // Ports are in the same left-to-right order as the targets.
            assert_eq!(
                starts[i] < starts[j],
                ends[i] < ends[j],
                "{starts:?} {ends:?}"
            );
        }
    }
    // The parent is centred over its children.
    let middle = (layout.nodes[1].center().x + layout.nodes[3].center().x) / 2.0;
    assert!((layout.nodes[0].center().x - middle).abs() < 1.0);
}

#[test]
fn a_long_edge_goes_around_the_boxes_in_between() {
    // 0 → 1 → 2 → 3 and 0 → 3: the long edge passes the middle layers beside 1 and 2.
    let graph = Graph {
        nodes: vec![size(100.0, 40.0); 4],
        edges: vec![edge(0, 1), edge(1, 2), edge(2, 3), labelled(0, 3, 50.0)],
    };
    let layout = layout(&graph, &Spacing::default());
    check_invariants(&graph, &layout);
    assert!(layout.edges[3].points.len() > 3);
}

#[test]
fn self_loops_and_edges_to_missing_nodes_do_not_break_anything() {
    let graph = Graph {
        nodes: vec![size(100.0, 40.0), size(100.0, 40.0)],
        edges: vec![
            edge(0, 0),
            edge(0, 1),
            edge(1, 7),
            edge(9, 0),
            labelled(1, 1, 40.0),
        ],
    };
    let layout = layout(&graph, &Spacing::default());
    assert!(layout.edges[0].self_loop);
    assert!(layout.edges[2].points.is_empty());
    assert!(layout.edges[3].points.is_empty());
    assert!(layout.edges[4].self_loop && layout.edges[4].label.is_some());
    let valid = Graph {
        nodes: graph.nodes.clone(),
        edges: vec![edge(0, 0), edge(0, 1), labelled(1, 1, 40.0)],
    };
    check_invariants(&valid, &super::layout(&valid, &Spacing::default()));
}

#[test]
fn the_same_graph_gives_the_same_picture() {
    for seed in 0..40 {
        let graph = random_graph(seed);
        let first = layout(&graph, &Spacing::default());
        let second = layout(&graph, &Spacing::default());
        assert_eq!(first, second, "seed {seed}");
    }
}

#[test]
fn random_graphs_keep_every_invariant() {
    for seed in 0..400 {
        let graph = random_graph(seed);
        // Random graphs may have edges to themselves: those are checked on their own above.
        let layout = layout(&graph, &Spacing::default());
        check_invariants(&graph, &layout);
    }
}

#[test]
fn crossings_are_removed_where_an_order_without_them_exists() {
    // Two parallel chains given in an order that crosses: 0→3, 1→2 with 2 before 3.
    let graph = Graph {
        nodes: vec![size(80.0, 30.0); 6],
        edges: vec![edge(0, 3), edge(1, 2), edge(2, 4), edge(3, 5)],
    };
    let layout = layout(&graph, &Spacing::default());
    check_invariants(&graph, &layout);
    let x = |i: usize| layout.nodes[i].center().x;
    assert_eq!(x(0) < x(1), x(3) < x(2));
    assert_eq!(x(3) < x(2), x(5) < x(4));
}

#[test]
fn closest_ordered_keeps_gaps_and_is_least_squares() {
    struct Case {
        targets: &'static [f64],
        weights: &'static [f64],
        gaps: &'static [f64],
        expected: &'static [f64],
    }
    let cases = [
        // Already far enough apart: nothing moves.
        Case {
            targets: &[0.0, 100.0],
            weights: &[1.0, 1.0],
            gaps: &[50.0],
            expected: &[0.0, 100.0],
        },
        // Both want the same place: they share the difference.
        Case {
            targets: &[10.0, 10.0],
            weights: &[1.0, 1.0],
            gaps: &[20.0],
            expected: &[0.0, 20.0],
        },
        // A heavy one moves less.
        Case {
            targets: &[0.0, 0.0],
            weights: &[3.0, 1.0],
            gaps: &[40.0],
            expected: &[-10.0, 30.0],
        },
        // Order violated: pooled.
        Case {
            targets: &[30.0, 0.0, 100.0],
            weights: &[1.0, 1.0, 1.0],
            gaps: &[10.0, 10.0],
            expected: &[10.0, 20.0, 100.0],
        },
    ];
    for case in cases {
        let got = closest_ordered(case.targets, case.weights, case.gaps);
        assert_eq!(got.len(), case.expected.len());
        for (g, e) in got.iter().zip(case.expected) {
            assert!((g - e).abs() < 1e-9, "{got:?} != {:?}", case.expected);
        }
        for (i, gap) in case.gaps.iter().enumerate() {
            assert!(got[i + 1] - got[i] >= gap - 1e-9);
        }
    }
}
