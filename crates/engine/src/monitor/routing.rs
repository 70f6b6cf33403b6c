//! The error-routing view: for each Task, Map and Parallel state, every error name that
//! reached its handlers → the retrier that matched (retries spent, waits) → the catcher that
//! routed it, or the failure it became; and the findings a review wants flagged — handlers
//! nothing reached, errors no handler matches, a wildcard shadowing a later handler, and an
//! exception class hiding the error type the function meant (the `raise` trap).

use serde::Serialize;

use crate::errors::{ErrorId, ErrorPattern};
use crate::program::{KindIr, StateId};
use crate::sim::Simulation;

/// How one error name met one state's handlers, over the whole run (recorded by the engine
/// where it handles the error).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ErrorRoute {
    #[serde(skip)]
    pub error: ErrorId,
    /// Times the error reached the state's handlers.
    pub reached: u64,
    /// The retrier whose ErrorEquals matched it first (`None`: none matched).
    pub retrier: Option<u32>,
    /// Retries that retrier spent on it, and the waits they took.
    pub retries: u64,
    pub wait_ms: u64,
    pub max_wait_ms: u64,
    /// Times the retrier had no attempts left.
    pub exhausted: u64,
    /// The catcher that routed it, and how often.
    pub catcher: Option<u32>,
    pub caught: u64,
    /// Times it failed the state (no catcher matched).
    pub unhandled: u64,
}

impl ErrorRoute {
    pub(crate) fn new(error: ErrorId) -> ErrorRoute {
        ErrorRoute {
            error,
            reached: 0,
            retrier: None,
            retries: 0,
            wait_ms: 0,
            max_wait_ms: 0,
            exhausted: 0,
            catcher: None,
            caught: 0,
            unhandled: 0,
        }
    }
}

/// One row of the view: an error in a state and where it went.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RouteRow {
    pub error: String,
    pub reached: u64,
    pub retrier: Option<u32>,
    /// The matching retrier's pointer in the definition.
    pub retrier_pointer: Option<String>,
    pub retries: u64,
    pub wait_ms: u64,
    pub max_wait_ms: u64,
    pub exhausted: u64,
    pub catcher: Option<u32>,
    pub catcher_pointer: Option<String>,
    /// The state the catcher routes to.
    pub next: Option<String>,
    pub caught: u64,
    pub unhandled: u64,
}

/// What a review should look at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FindingKind {
    /// A retrier nothing reached in this run.
    RetrierUnreached,
    /// A catcher nothing reached in this run.
    CatcherUnreached,
    /// An error that no retrier or catcher of the state matches.
    Unmatched,
    /// A `States.ALL` / `States.TaskFailed` handler before a handler it makes unreachable.
    Shadowed,
    /// The function raises an exception class the catcher does not name: Step Functions sees
    /// the class name, never the error type written into the message.
    ExceptionNameTrap,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Finding {
    pub kind: FindingKind,
    pub state: String,
    /// Where in the definition (a retrier's, catcher's or the state's pointer).
    pub pointer: String,
    /// The sentence in English; the parts below let a page write it in another language.
    pub message: String,
    /// The retrier's or catcher's index (unreached, shadowed, the trap).
    pub handler: Option<u32>,
    /// The handler that shadows it.
    pub by: Option<u32>,
    /// The handler's ErrorEquals.
    pub patterns: Vec<String>,
    /// The error concerned: the unmatched one, or the exception class the function raises.
    pub error: Option<String>,
    /// The error type the function means (the trap).
    pub meant: Option<String>,
    /// How many times it happened in this run.
    pub count: u64,
}

impl Finding {
    fn new(kind: FindingKind, state: &str, pointer: &str, message: String) -> Finding {
        Finding {
            kind,
            state: state.to_string(),
            pointer: pointer.to_string(),
            message,
            handler: None,
            by: None,
            patterns: Vec::new(),
            error: None,
            meant: None,
            count: 0,
        }
    }
}

fn times(n: u64) -> String {
    if n == 1 {
        "once".to_string()
    } else {
        format!("{n} times")
    }
}

/// The view for one state.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StateRouting {
    pub state: String,
    pub pointer: String,
    pub rows: Vec<RouteRow>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Routing {
    pub states: Vec<StateRouting>,
    pub findings: Vec<Finding>,
}

fn pattern_names(patterns: &[ErrorPattern], sim: &Simulation) -> Vec<String> {
    patterns.iter().map(|p| p.name(sim.error_names())).collect()
}

/// The error-routing view of the run so far, with its findings. Unreached handlers are only
/// reported once the run has ended (before, they may still be reached).
pub fn routing(sim: &Simulation) -> Routing {
    let program = sim.program();
    let finished = sim.outcome().is_some();
    let mut states = Vec::new();
    let mut findings = Vec::new();
    for (id, state) in program.states.iter().enumerate() {
        let handles = matches!(
            state.kind,
            KindIr::Task(_) | KindIr::Map(_) | KindIr::Parallel { .. }
        );
        if !handles {
            continue;
        }
        let name = state.name.to_string();
        let routes = sim.error_routes(id as StateId);
        let rows: Vec<RouteRow> = routes
            .iter()
            .map(|r| RouteRow {
                error: sim.error_names().name(r.error).to_string(),
                reached: r.reached,
                retrier: r.retrier,
                retrier_pointer: r
                    .retrier
                    .and_then(|i| state.retriers.get(i as usize))
                    .map(|x| x.pointer.to_string()),
                retries: r.retries,
                wait_ms: r.wait_ms,
                max_wait_ms: r.max_wait_ms,
                exhausted: r.exhausted,
                catcher: r.catcher,
                catcher_pointer: r
                    .catcher
                    .and_then(|i| state.catchers.get(i as usize))
                    .map(|c| c.pointer.to_string()),
                next: r
                    .catcher
                    .and_then(|i| state.catchers.get(i as usize))
                    .and_then(|c| program.states.get(c.next as usize))
                    .map(|s| s.name.to_string()),
                caught: r.caught,
                unhandled: r.unhandled,
            })
            .collect();
        let stats = sim.state_stats().get(id);
        let entered = stats.is_some_and(|s| s.entered > 0);
        if finished && entered {
            for (i, retrier) in state.retriers.iter().enumerate() {
                if !routes.iter().any(|r| r.retrier == Some(i as u32)) {
                    let patterns = pattern_names(&retrier.patterns, sim);
                    let mut f = Finding::new(
                        FindingKind::RetrierUnreached,
                        &name,
                        &retrier.pointer,
                        format!(
                            "{name}: retrier {i} ({}) matched no error in this run",
                            patterns.join(", ")
                        ),
                    );
                    f.handler = Some(i as u32);
                    f.patterns = patterns;
                    findings.push(f);
                }
            }
            for (i, catcher) in state.catchers.iter().enumerate() {
                if !routes.iter().any(|r| r.catcher == Some(i as u32)) {
                    let patterns = pattern_names(&catcher.patterns, sim);
                    let mut f = Finding::new(
                        FindingKind::CatcherUnreached,
                        &name,
                        &catcher.pointer,
                        format!(
                            "{name}: catcher {i} ({}) caught nothing in this run",
                            patterns.join(", ")
                        ),
                    );
                    f.handler = Some(i as u32);
                    f.patterns = patterns;
                    findings.push(f);
                }
            }
        }
        for r in routes {
            if r.retrier.is_none() && r.catcher.is_none() && r.unhandled > 0 {
                let error = sim.error_names().name(r.error);
                let mut f = Finding::new(
                    FindingKind::Unmatched,
                    &name,
                    &state.pointer,
                    format!(
                        "{name}: no retrier or catcher matches {error}; it failed the state {}",
                        times(r.unhandled)
                    ),
                );
                f.error = Some(error.to_string());
                f.count = r.unhandled;
                findings.push(f);
            }
        }
        shadowing(sim, &name, state, &mut findings);
        trap(sim, &name, state, routes, &mut findings);
        if !rows.is_empty() || !state.retriers.is_empty() || !state.catchers.is_empty() {
            states.push(StateRouting {
                state: name,
                pointer: state.pointer.to_string(),
                rows,
            });
        }
    }
    Routing { states, findings }
}

/// A retrier's or catcher's patterns, with its pointer.
type Handler<'a> = (&'a [ErrorPattern], &'a str);

/// A handler whose every pattern an earlier `States.ALL` or `States.TaskFailed` handler
/// already takes (`States.TaskFailed` takes everything but `States.Timeout`).
fn shadowing(
    sim: &Simulation,
    name: &str,
    state: &crate::program::StateIr,
    findings: &mut Vec<Finding>,
) {
    let lists: [(&str, Vec<Handler<'_>>); 2] = [
        (
            "retrier",
            state
                .retriers
                .iter()
                .map(|r| (r.patterns.as_slice(), &*r.pointer))
                .collect(),
        ),
        (
            "catcher",
            state
                .catchers
                .iter()
                .map(|c| (c.patterns.as_slice(), &*c.pointer))
                .collect(),
        ),
    ];
    for (what, handlers) in lists {
        for (j, (patterns, pointer)) in handlers.iter().enumerate() {
            let by = handlers.iter().take(j).position(|(earlier, _)| {
                patterns.iter().all(|p| {
                    earlier.iter().any(|e| match e {
                        ErrorPattern::All => true,
                        ErrorPattern::TaskFailed => {
                            !matches!(p, ErrorPattern::All)
                                && p.name(sim.error_names()) != "States.Timeout"
                        }
                        _ => false,
                    })
                })
            });
            if let Some(i) = by {
                let names = pattern_names(patterns, sim);
                let mut f = Finding::new(
                    FindingKind::Shadowed,
                    name,
                    pointer,
                    format!(
                        "{name}: {what} {j} ({}) can never match: {what} {i} before it takes every error it names",
                        names.join(", ")
                    ),
                );
                f.handler = Some(j as u32);
                f.by = Some(i as u32);
                f.patterns = names;
                findings.push(f);
            }
        }
    }
}

/// The seed's trap: a handler names the error type the function means (`DataValidationError`)
/// while the function raises a class of another name (`Exception`), which is all Step
/// Functions sees.
fn trap(
    sim: &Simulation,
    name: &str,
    state: &crate::program::StateIr,
    routes: &[ErrorRoute],
    findings: &mut Vec<Finding>,
) {
    let KindIr::Task(task) = &state.kind else {
        return;
    };
    for fault in &task.behaviour.faults {
        let handlers_before = findings.len();
        let seen = sim.error_names().name(fault.error);
        if *fault.logged_type == *seen {
            continue;
        }
        let meant = &*fault.logged_type;
        let handlers = state
            .retriers
            .iter()
            .map(|r| (&r.patterns, &r.pointer, "retrier"))
            .chain(
                state
                    .catchers
                    .iter()
                    .map(|c| (&c.patterns, &c.pointer, "catcher")),
            );
        for (index, (patterns, pointer, what)) in handlers.enumerate() {
            let names_meant = patterns.iter().any(|p| p.name(sim.error_names()) == meant);
            let reported = findings[handlers_before..]
                .iter()
                .any(|f| f.pointer == **pointer);
            if names_meant && !reported {
                let raised = routes
                    .iter()
                    .find(|r| r.error == fault.error)
                    .map_or(0, |r| r.reached);
                let mut f = Finding::new(
                    FindingKind::ExceptionNameTrap,
                    name,
                    pointer,
                    format!(
                        "{name}: the {what} for {meant} never fires: the function raises {seen} (its message says {meant}), and Step Functions matches the exception's class name, {seen}{}",
                        if raised > 0 { format!(" — {} in this run", times(raised)) } else { String::new() }
                    ),
                );
                // The index within its own list (retriers first, then catchers).
                let own = index.checked_sub(state.retriers.len()).unwrap_or(index);
                f.handler = Some(own as u32);
                f.patterns = pattern_names(patterns, sim);
                f.error = Some(seen.to_string());
                f.meant = Some(meant.to_string());
                f.count = raised;
                findings.push(f);
            }
        }
    }
}
