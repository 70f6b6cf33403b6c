//! Tests of the state machine drawing, on the built-in examples and on small definitions that
//! exercise each shape (Choice loops, Parallel branches, Inline and Distributed Maps).

use super::*;
use crate::examples::EXAMPLES;

fn model(text: &str) -> StateMachine {
    let loaded = asl::load(text, &asl::LoadOptions::default());
    let Some(model) = loaded.runnable() else {
        panic!("not runnable: {:?}", loaded.diagnostics);
    };
    model.clone()
}

fn order_processing() -> StateMachine {
    model(EXAMPLES[0].definition)
}

const LOOP: &str = r#"{
  "StartAt": "Submit",
  "States": {
    "Submit": { "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Next": "Wait" },
    "Wait": { "Type": "Wait", "Seconds": 5, "Next": "Poll" },
    "Poll": { "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Next": "Done?",
      "Catch": [ { "ErrorEquals": ["States.Timeout", "Lambda.ServiceException"], "Next": "Failed" } ] },
    "Done?": { "Type": "Choice",
      "Choices": [
        { "Variable": "$.status", "StringEquals": "DONE", "Next": "Finished" },
        { "Variable": "$.status", "StringEquals": "FAILED", "Next": "Failed" }
      ],
      "Default": "Wait" },
    "Finished": { "Type": "Succeed" },
    "Failed": { "Type": "Fail", "Error": "JobFailed" }
  }
}"#;

const NESTED: &str = r#"{
  "StartAt": "Fan",
  "States": {
    "Fan": { "Type": "Parallel", "Next": "Each",
      "Branches": [
        { "StartAt": "A", "States": { "A": { "Type": "Pass", "End": true } } },
        { "StartAt": "B1", "States": { "B1": { "Type": "Pass", "Next": "B2" }, "B2": { "Type": "Pass", "End": true } } }
      ] },
    "Each": { "Type": "Map", "ItemsPath": "$.items", "Next": "Big",
      "ItemProcessor": { "StartAt": "One", "States": { "One": { "Type": "Pass", "End": true } } } },
    "Big": { "Type": "Map", "End": true,
      "ItemProcessor": {
        "ProcessorConfig": { "Mode": "DISTRIBUTED", "ExecutionType": "STANDARD" },
        "StartAt": "Work",
        "States": {
          "Work": { "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Next": "Inner" },
          "Inner": { "Type": "Map", "End": true,
            "ItemProcessor": {
              "ProcessorConfig": { "Mode": "DISTRIBUTED", "ExecutionType": "EXPRESS" },
              "StartAt": "Leaf",
              "States": { "Leaf": { "Type": "Pass", "End": true } } } }
        } } }
  }
}"#;

/// Every drawing invariant: one card per shown state, edges between existing nodes and
/// touching them, no two boxes overlapping unless one holds the other, everything inside the
/// drawing, labels off the boxes.
fn check(scene: &Scene) {
    let context = || format!("{scene:#?}");
    let keys: Vec<String> = scene.nodes.iter().map(SceneNode::key).collect();
    for (i, key) in keys.iter().enumerate() {
        assert!(!keys[..i].contains(key), "duplicate node {key}");
    }
    let contains = |outer: &Rect, inner: &Rect| {
        inner.x >= outer.x - 1e-6
            && inner.y >= outer.y - 1e-6
            && inner.right() <= outer.right() + 1e-6
            && inner.bottom() <= outer.bottom() + 1e-6
    };
    for (i, a) in scene.nodes.iter().enumerate() {
        assert!(
            contains(
                &Rect {
                    x: 0.0,
                    y: 0.0,
                    width: scene.size.width,
                    height: scene.size.height
                },
                &a.rect
            ),
            "{} outside the drawing",
            a.key()
        );
        assert!(contains(&a.rect, &a.card));
        for b in &scene.nodes[i + 1..] {
            if a.rect.overlaps(&b.rect) {
                assert!(
                    contains(&a.rect, &b.rect) || contains(&b.rect, &a.rect),
                    "{} and {} overlap:\n{}",
                    a.key(),
                    b.key(),
                    context()
                );
                // One holds the other: then the inner one is below the outer one's card.
                let (outer, inner) = if contains(&a.rect, &b.rect) {
                    (a, b)
                } else {
                    (b, a)
                };
                assert!(inner.rect.y >= outer.card.bottom(), "{}", context());
            }
        }
    }
    for edge in &scene.edges {
        let node = |key: &str| {
            let found = scene.nodes.iter().find(|n| n.key() == key);
            let Some(found) = found else {
                panic!("edge to a missing node {key}");
            };
            found
        };
        let from = node(&edge.from);
        let to = node(&edge.to);
        assert_eq!(from.depth, to.depth, "edges stay in their machine");
        let (Some(first), Some(last)) = (edge.route.points.first(), edge.route.points.last())
        else {
            panic!("edge without a route");
        };
        let on_border = |p: &Point, r: &Rect| {
            p.x >= r.x - 1e-6
                && p.x <= r.right() + 1e-6
                && ((p.y - r.y).abs() < 1e-6
                    || (p.y - r.bottom()).abs() < 1e-6
                    || (p.x - r.right()).abs() < 1e-6)
        };
        assert!(on_border(first, &from.rect), "{} → {}", edge.from, edge.to);
        assert!(on_border(last, &to.rect), "{} → {}", edge.from, edge.to);
        if let Some((rect, text)) = &edge.label {
            assert!(!text.is_empty());
            for node in &scene.nodes {
                if !node.is_container() {
                    assert!(!rect.overlaps(&node.rect), "label {text} on {}", node.key());
                }
            }
        }
    }
}

use super::layout::Point;

#[test]
fn the_example_shows_every_state_with_its_child_workflow_expanded() {
    let machine = order_processing();
    let scene = build(&machine, &Expansion::default());
    check(&scene);
    let mut n_states = 0;
    machine.walk(&mut |_| n_states += 1);
    assert_eq!(scene.states().count(), n_states);
    let map = scene.node("/States/ProcessOrders");
    let Some(map) = map else {
        panic!("no map node");
    };
    assert!(map.is_container());
    let StateKind::Map(map_state) = &machine.states[0].kind else {
        panic!("the example starts with its Map");
    };
    let n_child_states = map_state.processor.machine.states.len();
    assert!(
        matches!(
            map.kind,
            NodeKind::DistributedMap {
                expanded: true,
                express: false,
                states
            } if states == n_child_states
        ),
        "{:?}",
        map.kind
    );
    let child = scene.node("/States/ProcessOrders/ItemProcessor/States/ValidateOrder");
    let Some(child) = child else {
        panic!("no child node");
    };
    assert_eq!(child.depth, 1);
    assert!(map.rect.x <= child.rect.x && child.rect.bottom() <= map.rect.bottom());
    assert_eq!(
        scene.lanes.iter().map(|l| l.kind).collect::<Vec<_>>(),
        vec![LaneKind::ChildWorkflow { express: false }]
    );
    // Every catcher is an edge labelled with its errors.
    let mut expected = Vec::new();
    machine.walk(&mut |state| {
        for catcher in state.catch() {
            expected.push((state.pointer.clone(), catcher.error_equals.join(", ")));
        }
    });
    let mut catches: Vec<(String, String)> = scene
        .edges
        .iter()
        .filter(|e| matches!(e.kind, EdgeKind::Catch { .. }))
        .filter_map(|e| e.label.as_ref().map(|(_, t)| (e.from.clone(), t.clone())))
        .collect();
    catches.sort();
    expected.sort();
    assert!(!expected.is_empty());
    assert_eq!(catches, expected);
}

#[test]
fn collapsing_the_distributed_map_hides_its_child_states() {
    let machine = order_processing();
    let collapsed = build(
        &machine,
        &Expansion::default().toggle("/States/ProcessOrders"),
    );
    check(&collapsed);
    assert_eq!(collapsed.states().count(), machine.states.len());
    let Some(map) = collapsed.node("/States/ProcessOrders") else {
        panic!("no map node");
    };
    assert!(!map.is_container());
    assert!(matches!(
        map.kind,
        NodeKind::DistributedMap {
            expanded: false,
            ..
        }
    ));
    assert!(collapsed.lanes.is_empty());
    // Toggling twice is the default again.
    let again = Expansion::default()
        .toggle("/States/ProcessOrders")
        .toggle("/States/ProcessOrders");
    assert_eq!(again, Expansion::default());
}

#[test]
fn a_choice_loop_is_drawn_as_a_back_edge_with_rule_labels() {
    let scene = build(&model(LOOP), &Expansion::default());
    check(&scene);
    let choice: Vec<(&str, Option<&str>, bool)> = scene
        .edges
        .iter()
        .filter(|e| matches!(e.kind, EdgeKind::Choice { .. }))
        .map(|e| {
            (
                e.to.as_str(),
                e.label.as_ref().map(|(_, t)| t.as_str()),
                e.route.back,
            )
        })
        .collect();
    assert_eq!(
        choice,
        vec![
            ("/States/Finished", Some("#1"), false),
            ("/States/Failed", Some("#2"), false),
            ("/States/Wait", Some("Default"), true),
        ]
    );
    let rule = scene
        .edges
        .iter()
        .find(|e| e.kind == EdgeKind::Choice { rule: Some(0) });
    assert_eq!(
        rule.map(|e| e.detail.as_str()),
        Some("$.status StringEquals \"DONE\"")
    );
    let catch = scene
        .edges
        .iter()
        .find(|e| matches!(e.kind, EdgeKind::Catch { .. }));
    assert_eq!(
        catch
            .and_then(|e| e.label.as_ref())
            .map(|(_, t)| t.as_str()),
        Some("States.Timeout, Lambda.ServiceException")
    );
    // Succeed and Fail end the machine, and say so.
    let ends: Vec<&str> = scene
        .states()
        .filter(|n| n.ends)
        .map(|n| n.name.as_str())
        .collect();
    assert_eq!(ends, vec!["Finished", "Failed"]);
}

#[test]
fn parallel_branches_and_inline_maps_are_containers_and_nested_distributed_maps_start_collapsed() {
    let machine = model(NESTED);
    let scene = build(&machine, &Expansion::default());
    check(&scene);
    let lanes: Vec<(&str, LaneKind)> = scene
        .lanes
        .iter()
        .map(|l| (l.owner.as_str(), l.kind))
        .collect();
    assert_eq!(
        lanes,
        vec![
            ("/States/Fan", LaneKind::Branch(0)),
            ("/States/Fan", LaneKind::Branch(1)),
            ("/States/Each", LaneKind::InlineProcessor),
            ("/States/Big", LaneKind::ChildWorkflow { express: false }),
        ]
    );
    // Branches sit side by side in the Parallel's box.
    assert!(scene.lanes[0].rect.right() <= scene.lanes[1].rect.x);
    let inner = "/States/Big/ItemProcessor/States/Inner";
    assert!(scene.node(inner).is_some());
    assert!(scene
        .node("/States/Big/ItemProcessor/States/Inner/ItemProcessor/States/Leaf")
        .is_none());
    let expanded = build(&machine, &Expansion::default().toggle(inner));
    check(&expanded);
    assert!(expanded
        .node("/States/Big/ItemProcessor/States/Inner/ItemProcessor/States/Leaf")
        .is_some());
    assert_eq!(expanded.node(inner).map(|n| n.depth), Some(1));
}

#[test]
fn every_example_and_corpus_like_shape_is_drawn_deterministically() {
    for example in EXAMPLES {
        let machine = model(example.definition);
        let first = build(&machine, &Expansion::default());
        check(&first);
        assert_eq!(
            first,
            build(&machine, &Expansion::default()),
            "{}",
            example.id
        );
    }
}

#[test]
fn long_names_are_shortened_on_the_card_and_kept_whole() {
    let name = "ValidateTheIncomingOrderAgainstTheCustomerRecordAndInventory";
    let text = format!(
        r#"{{"StartAt": "{name}", "States": {{"{name}": {{"Type": "Pass", "End": true}}}}}}"#
    );
    let scene = build(&model(&text), &Expansion::default());
    let Some(node) = scene.states().next() else {
        panic!("no state");
    };
    assert_eq!(node.name, name);
    assert!(node.shown_name.ends_with('…'));
    assert!(node.card.width <= CARD_MAX_WIDTH);
}

#[test]
fn catch_labels_with_many_errors_are_shortened_and_the_tooltip_has_them_all() {
    let errors: Vec<String> = (0..6).map(|i| format!("Custom.ErrorNumber{i}")).collect();
    let label = error_label(&errors);
    assert!(label.ends_with(" +5"), "{label}");
    assert!(text_width(&label, LABEL_FONT) <= MAX_LABEL_WIDTH + 1.0);
    assert_eq!(error_label(&["States.ALL".into()]), "States.ALL");
}
