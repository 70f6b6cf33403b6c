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
    pub message: String,
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
                    findings.push(Finding {
                        kind: FindingKind::RetrierUnreached,
                        state: name.clone(),
                        pointer: retrier.pointer.to_string(),
                        message: format!(
                            "{name}: retrier {i} ({}) matched no error in this run",
                            pattern_names(&retrier.patterns, sim).join(", ")
                        ),
                    });
                }
            }
            for (i, catcher) in state.catchers.iter().enumerate() {
                if !routes.iter().any(|r| r.catcher == Some(i as u32)) {
                    findings.push(Finding {
                        kind: FindingKind::CatcherUnreached,
                        state: name.clone(),
                        pointer: catcher.pointer.to_string(),
                        message: format!(
                            "{name}: catcher {i} ({}) caught nothing in this run",
                            pattern_names(&catcher.patterns, sim).join(", ")
                        ),
                    });
                }
            }
        }
        for r in routes {
            if r.retrier.is_none() && r.catcher.is_none() && r.unhandled > 0 {
                let error = sim.error_names().name(r.error);
                findings.push(Finding {
                    kind: FindingKind::Unmatched,
                    state: name.clone(),
                    pointer: state.pointer.to_string(),
                    message: format!(
                        "{name}: no retrier or catcher matches {error} ({} times it failed the state)",
                        r.unhandled
                    ),
                });
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
                findings.push(Finding {
                    kind: FindingKind::Shadowed,
                    state: name.to_string(),
                    pointer: (*pointer).to_string(),
                    message: format!(
                        "{name}: {what} {j} ({}) can never match: {what} {i} before it takes every error it names",
                        pattern_names(patterns, sim).join(", ")
                    ),
                });
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
        for (patterns, pointer, what) in handlers {
            let names_meant = patterns.iter().any(|p| p.name(sim.error_names()) == meant);
            if names_meant {
                let raised = routes
                    .iter()
                    .find(|r| r.error == fault.error)
                    .map_or(0, |r| r.reached);
                findings.push(Finding {
                    kind: FindingKind::ExceptionNameTrap,
                    state: name.to_string(),
                    pointer: pointer.to_string(),
                    message: format!(
                        "{name}: the {what} for {meant} never fires: the function raises {seen} (its message says {meant}), and Step Functions matches the exception's class name, {seen}{}",
                        if raised > 0 { format!(" — {raised} times in this run") } else { String::new() }
                    ),
                });
            }
        }
    }
}
