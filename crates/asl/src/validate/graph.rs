//! The state graph of one machine, branch or processor: transition targets, reachability and
//! whether the execution can end.

use std::collections::HashMap;

use serde_json::{Map, Value};

use super::{fields, MachineKind, Validator};
use crate::diagnostic::pointer_push;

/// Records every state name of the machine (all scopes) with its pointer.
pub(super) fn collect_names(
    machine: &Value,
    pointer: &str,
    names: &mut HashMap<String, Vec<String>>,
) {
    let Some(Value::Object(states)) = machine.get("States") else {
        return;
    };
    let states_pointer = pointer_push(pointer, "States");
    for (name, state) in states {
        let state_pointer = pointer_push(&states_pointer, name);
        names
            .entry(name.clone())
            .or_default()
            .push(state_pointer.clone());
        match state.get("Type").and_then(Value::as_str) {
            Some("Parallel") => {
                if let Some(Value::Array(branches)) = state.get("Branches") {
                    let branches_pointer = pointer_push(&state_pointer, "Branches");
                    for (i, branch) in branches.iter().enumerate() {
                        collect_names(
                            branch,
                            &pointer_push(&branches_pointer, &i.to_string()),
                            names,
                        );
                    }
                }
            }
            Some("Map") => {
                for key in ["ItemProcessor", "Iterator"] {
                    if let Some(processor) = state.get(key) {
                        collect_names(processor, &pointer_push(&state_pointer, key), names);
                    }
                }
            }
            _ => {}
        }
    }
}

/// The transitions out of a state: (target, pointer of the field naming it).
fn transitions(state: &Value, pointer: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let Value::Object(object) = state else {
        return out;
    };
    if let Some(Value::String(next)) = object.get("Next") {
        out.push((next.clone(), pointer_push(pointer, "Next")));
    }
    if object.get("Type").and_then(Value::as_str) == Some("Choice") {
        if let Some(Value::String(default)) = object.get("Default") {
            out.push((default.clone(), pointer_push(pointer, "Default")));
        }
        if let Some(Value::Array(rules)) = object.get("Choices") {
            for (i, rule) in rules.iter().enumerate() {
                if let Some(Value::String(next)) = rule.get("Next") {
                    let rule_pointer =
                        pointer_push(&pointer_push(pointer, "Choices"), &i.to_string());
                    out.push((next.clone(), pointer_push(&rule_pointer, "Next")));
                }
            }
        }
    }
    if let Some(Value::Array(catchers)) = object.get("Catch") {
        for (i, catcher) in catchers.iter().enumerate() {
            if let Some(Value::String(next)) = catcher.get("Next") {
                let catcher_pointer = pointer_push(&pointer_push(pointer, "Catch"), &i.to_string());
                out.push((next.clone(), pointer_push(&catcher_pointer, "Next")));
            }
        }
    }
    out
}

fn is_terminal(state: &Value) -> bool {
    matches!(
        state.get("Type").and_then(Value::as_str),
        Some("Succeed" | "Fail")
    ) || state.get("End") == Some(&Value::Bool(true))
}

/// Checks the graph of one scope (`machine` is its object, at `pointer`).
pub(super) fn check_scope(
    v: &mut Validator<'_>,
    machine: &Map<String, Value>,
    pointer: &str,
    kind: MachineKind,
) {
    let Some(Value::Object(states)) = machine.get("States") else {
        return;
    };
    let states_pointer = pointer_push(pointer, "States");
    let what = match kind {
        MachineKind::TopLevel => "the state machine",
        MachineKind::Branch => "this branch",
        MachineKind::Processor => "this item processor",
    };
    let names: Vec<&String> = states.keys().collect();
    let index: HashMap<&str, usize> = names
        .iter()
        .enumerate()
        .map(|(i, n)| (n.as_str(), i))
        .collect();
    let mut edges: Vec<Vec<usize>> = vec![Vec::new(); names.len()];
    let mut terminal = vec![false; names.len()];
    for (i, (name, state)) in states.iter().enumerate() {
        terminal[i] = is_terminal(state);
        let state_pointer = pointer_push(&states_pointer, name);
        for (target, at) in transitions(state, &state_pointer) {
            match index.get(target.as_str()) {
                Some(j) => edges[i].push(*j),
                None => unknown_target(v, &target, at, name, what),
            }
        }
    }
    let start = match machine.get("StartAt") {
        Some(Value::String(start)) => match index.get(start.as_str()) {
            Some(i) => Some(*i),
            None => {
                let at = pointer_push(pointer, "StartAt");
                match v.names.get(start) {
                    Some(elsewhere) => v.error(
                        "start-at-out-of-scope",
                        at,
                        format!(
                            "`StartAt` names `{start}`, which is a state of another scope (at `{}`); `StartAt` must name a state of {what}",
                            elsewhere[0]
                        ),
                    ),
                    None => {
                        let hint = fields::closest(start, names.iter().map(|n| n.as_str()))
                            .map(|c| format!(" (did you mean `{c}`?)"))
                            .unwrap_or_default();
                        v.error(
                            "unknown-start-at",
                            at,
                            format!("`StartAt` names `{start}`, but {what} has no state of that name{hint}"),
                        );
                    }
                }
                None
            }
        },
        _ => None,
    };
    if !terminal.iter().any(|t| *t) {
        if !names.is_empty() {
            v.error(
                "no-terminal-state",
                states_pointer.clone(),
                format!(
                    "{} has no state that ends it: add a Succeed or Fail state, or `\"End\": true` on a state",
                    capitalise(what)
                ),
            );
        }
        return;
    }
    let Some(start) = start else {
        return;
    };
    // Forward: what the execution can reach.
    let mut reachable = vec![false; names.len()];
    let mut queue = vec![start];
    reachable[start] = true;
    while let Some(i) = queue.pop() {
        for &j in &edges[i] {
            if !reachable[j] {
                reachable[j] = true;
                queue.push(j);
            }
        }
    }
    for (i, name) in names.iter().enumerate() {
        if !reachable[i] {
            v.error(
                "unreachable-state",
                pointer_push(&states_pointer, name),
                format!(
                    "State `{name}` can never be reached: no `StartAt`, `Next`, `Default` or catcher of {what} leads to it"
                ),
            );
        }
    }
    // Backward: from where an end can be reached.
    let mut reverse: Vec<Vec<usize>> = vec![Vec::new(); names.len()];
    for (i, targets) in edges.iter().enumerate() {
        for &j in targets {
            reverse[j].push(i);
        }
    }
    let mut can_end = terminal.clone();
    let mut queue: Vec<usize> = (0..names.len()).filter(|i| terminal[*i]).collect();
    while let Some(j) = queue.pop() {
        for &i in &reverse[j] {
            if !can_end[i] {
                can_end[i] = true;
                queue.push(i);
            }
        }
    }
    // A reachable state that is not terminal and goes nowhere valid (no `Next`, or an unknown
    // target) was reported already; what cannot end because of it needs no second report.
    let dead_end = (0..names.len()).any(|i| reachable[i] && !terminal[i] && edges[i].is_empty());
    if dead_end {
        return;
    }
    if !can_end[start] {
        v.error(
            "cannot-end",
            pointer_push(pointer, "StartAt"),
            format!(
                "starting at `{}`, {what} can never reach a state that ends it: every path loops without an end",
                names[start]
            ),
        );
        return;
    }
    for (i, name) in names.iter().enumerate() {
        if reachable[i] && !can_end[i] {
            v.warning(
                "no-path-to-end",
                pointer_push(&states_pointer, name),
                format!(
                    "once at `{name}`, the execution can never reach a state that ends {what}: it loops until it fails or times out"
                ),
            );
        }
    }
}

fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().collect::<String>() + chars.as_str(),
        None => String::new(),
    }
}

fn unknown_target(v: &mut Validator<'_>, target: &str, at: String, from: &str, what: &str) {
    match v.names.get(target) {
        Some(elsewhere) => v.error(
            "next-out-of-scope",
            at,
            format!(
                "State `{from}` goes to `{target}`, which is a state of another scope (at `{}`); a state can only go to states of {what}",
                elsewhere[0]
            ),
        ),
        None => {
            let candidates: Vec<&str> = v.names.keys().map(String::as_str).collect();
            let hint = fields::closest(target, candidates)
                .map(|c| format!(" (did you mean `{c}`?)"))
                .unwrap_or_default();
            v.error(
                "unknown-next",
                at,
                format!("State `{from}` goes to `{target}`, but there is no state of that name{hint}"),
            );
        }
    }
}
