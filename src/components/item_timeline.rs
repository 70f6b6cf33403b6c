//! The item timeline: what happened to the selected child execution, attempt by attempt — the
//! state, when it started, how long it took, the error and its cause, the retrier that matched
//! and the wait it chose, the catcher that routed it — and how the child ended.
//!
//! The engine keeps no history per child; it rebuilds the selected one on demand
//! (`Simulation::child_trace`), and this component asks again only when the child's status
//! changes. For a child still running, only what has happened by now is shown.

use std::cell::RefCell;
use std::rc::Rc;

use engine::errors::{ErrorId, ErrorPattern};
use engine::report::{ChildStatus, TimelineKind};
use engine::sim::{ChildTrace, Simulation};
use yew::prelude::*;

use crate::i18n::{count, Lang};
use crate::markup::Markup;
use crate::run_status::{clock, duration, CellStatus};
use crate::sim_frame::SimFrame;

/// What the timeline is drawn from; [`ItemTimeline::view`] draws it.
pub struct ItemTimeline {
    pub frame: SimFrame,
    pub run: Option<usize>,
    pub child: Option<u32>,
    /// Shows the child's full execution history (in the history panel).
    pub on_show_history: Callback<()>,
}

/// A rebuilt trace and what it was rebuilt for.
struct Cached {
    key: (u64, usize, u32, ChildStatus),
    trace: Result<Rc<ChildTrace>, String>,
}

/// One line of the timeline.
#[derive(Debug, Clone, PartialEq)]
struct Step {
    time_ms: u64,
    state: String,
    kind: StepKind,
}

#[derive(Debug, Clone, PartialEq)]
enum StepKind {
    Attempt {
        number: u32,
        outcome: Option<Outcome>,
    },
    Retry {
        retrier: u32,
        error: String,
        matched: String,
        delay_ms: u64,
    },
    Caught {
        catcher: u32,
        error: String,
        matched: String,
        next: String,
    },
    Failed {
        error: String,
    },
}

#[derive(Debug, Clone, PartialEq)]
enum Outcome {
    Succeeded {
        latency_ms: u64,
    },
    Failed {
        error: String,
        cause: String,
        latency_ms: u64,
    },
}

/// What the timeline keeps between renders: the trace last rebuilt, and the child whose rebuild
/// the user allowed (for nested Distributed Maps). It lives in the run view's component
/// ([`use_timeline_state`]): the timeline is drawn by the run view rather than by a component of
/// its own, since each component type costs the page a few kilobytes of WebAssembly.
pub struct TimelineState {
    cache: Rc<RefCell<Option<Cached>>>,
    allow_rerun: UseStateHandle<Option<(u64, usize, u32)>>,
}

#[hook]
pub fn use_timeline_state() -> TimelineState {
    TimelineState {
        cache: use_mut_ref(|| None::<Cached>),
        allow_rerun: use_state(|| None::<(u64, usize, u32)>),
    }
}

impl ItemTimeline {
    pub fn view(&self, lang: Lang, state: &TimelineState) -> Html {
        let props = self;
        let TimelineState { cache, allow_rerun } = state;

        let heading = html! {
            <header class="panel-header">
                <h2 id="item-timeline-heading" class="panel-title">{ lang.t("Item timeline", "アイテムのタイムライン") }</h2>
            </header>
        };
        let (Some(run), Some(child)) = (props.run, props.child) else {
            return html! {
                <section class="panel item-timeline" aria-labelledby="item-timeline-heading" data-testid="item-timeline">
                    { heading }
                    <p class="timeline-empty">
                        { lang.t("Pick a cell in the item grid to see that item's attempts, errors, retries and catches.",
                                 "アイテムグリッドのセルを選ぶと、そのアイテムの試行・エラー・リトライ・キャッチを表示します。") }
                    </p>
                </section>
            };
        };
        let Some(sim) = props.frame.read() else {
            return html! {};
        };
        let Some(detail) = sim.child_detail(run, child as usize) else {
            return html! {};
        };
        let key = (props.frame.generation, run, child, detail.status);
        let needs_permission =
            sim.program().nested_distributed && **allow_rerun != Some((key.0, run, child));
        if detail.status != ChildStatus::Pending && !needs_permission {
            let stale = cache.borrow().as_ref().is_none_or(|c| c.key != key);
            if stale {
                let trace = sim.child_trace(run, child as usize).map(Rc::new);
                *cache.borrow_mut() = Some(Cached { key, trace });
            }
        }
        let now = sim.now_ms();
        let steps = match cache.borrow().as_ref().filter(|c| c.key == key) {
            Some(Cached {
                trace: Ok(trace), ..
            }) => Ok(steps_of(&sim, trace, now)),
            Some(Cached { trace: Err(e), .. }) => Err(e.clone()),
            None => Ok(Vec::new()),
        };
        let items = sim
            .map_runs()
            .get(run)
            .filter(|r| r.setup.batches.is_some())
            .map(|r| r.child_items(child));
        let status = CellStatus::of(
            detail.status,
            if sim
                .map_runs()
                .get(run)
                .and_then(|r| r.children.get(child as usize))
                .is_some_and(|r| r.caught())
                && detail.status == ChildStatus::Succeeded
            {
                engine::report::ItemMark::Caught
            } else {
                engine::report::ItemMark::Plain
            },
        );
        // A redrive ran the child again; its Tasks' side effects, by how often they happened.
        let redriven = sim
            .map_runs()
            .get(run)
            .and_then(|r| r.children.get(child as usize))
            .map_or(0, |r| r.redriven);
        let (first, last) = items.unwrap_or((child, child + 1));
        let effects: Vec<(String, u8)> = sim
            .program()
            .states
            .iter()
            .enumerate()
            .filter(|(id, _)| sim.effect_of(*id as engine::program::StateId).is_some())
            .map(|(id, state)| {
                let most = (first..last)
                    .map(|i| sim.item_effects(id as engine::program::StateId, i))
                    .max()
                    .unwrap_or(0);
                (state.name.to_string(), most)
            })
            .collect();
        drop(sim);

        let title = match (items, lang) {
            (None, Lang::En) => format!("Item {}", count(u64::from(child))),
            (None, Lang::Ja) => format!("アイテム {}", count(u64::from(child))),
            (Some((start, end)), Lang::En) => format!(
                "Batch {} (items {}–{})",
                count(u64::from(child)),
                count(u64::from(start)),
                count(u64::from(end.saturating_sub(1)))
            ),
            (Some((start, end)), Lang::Ja) => format!(
                "バッチ {}(アイテム {}–{})",
                count(u64::from(child)),
                count(u64::from(start)),
                count(u64::from(end.saturating_sub(1)))
            ),
        };
        let span = match detail.status {
            ChildStatus::Pending => lang.t("not started yet", "未開始").to_string(),
            ChildStatus::Running => {
                format!("{} → {}", clock(detail.start_ms), lang.t("now", "現在"))
            }
            _ => format!(
                "{} → {} ({})",
                clock(detail.start_ms),
                clock(detail.end_ms),
                duration(detail.end_ms.saturating_sub(detail.start_ms))
            ),
        };
        let decided = match (&detail.error, &detail.decided_by) {
            (Some(error), Some(state)) if detail.status != ChildStatus::Succeeded => {
                Some(match lang {
                    Lang::En => format!("Ended by {error} in {state}"),
                    Lang::Ja => format!("{state} の {error} で終了"),
                })
            }
            _ => None,
        };

        // What the timeline only shows is markup (see `crate::markup`); its buttons stay elements.
        let mut summary = Markup::new();
        summary
            .open("div", &[("class", "timeline-summary")])
            .open(
                "span",
                &[("class", &format!("timeline-status status-{}", status.key()))],
            )
            .element("span", &[("aria-hidden", "true")], status.glyph())
            .text(" ")
            .text(status.label(lang))
            .close("span")
            .element(
                "span",
                &[
                    ("class", "timeline-title"),
                    ("data-testid", "item-timeline-title"),
                ],
                &title,
            )
            .element("span", &[("class", "timeline-span")], &span)
            .element(
                "span",
                &[("class", "timeline-attempts")],
                &match lang {
                    Lang::En => format!("{} task attempts", count(u64::from(detail.attempts))),
                    Lang::Ja => format!("タスク試行 {} 回", count(u64::from(detail.attempts))),
                },
            )
            .close("div");
        if redriven > 0 {
            summary.element(
                "p",
                &[
                    ("class", "timeline-redriven"),
                    ("data-testid", "item-redriven"),
                ],
                &match lang {
                    Lang::En => format!(
                        "Ran again in a redrive ({redriven}×); the history below is its last run."
                    ),
                    Lang::Ja => {
                        format!("Redrive で再実行（{redriven} 回）。下の履歴は最後の実行です。")
                    }
                },
            );
        }
        for (task, times) in &effects {
            let class = if *times > 1 {
                "timeline-effect effect-duplicates"
            } else {
                "timeline-effect"
            };
            summary.element(
                "p",
                &[("class", class), ("data-testid", "item-effect")],
                &match lang {
                    Lang::En => format!("{task}'s side effect happened {times}× for this item."),
                    Lang::Ja => format!("{task} の副作用はこのアイテムで {times} 回。"),
                },
            );
        }
        if let Some(decided) = decided {
            summary
                .open("p", &[("class", "timeline-decided")])
                .text(&decided);
            if let Some(cause) = detail.cause.as_ref().filter(|c| !c.is_empty()) {
                summary.element(
                    "span",
                    &[("class", "timeline-cause")],
                    &format!(" — {cause}"),
                );
            }
            summary.close("p");
        }

        let on_show_history = {
            let on_show_history = props.on_show_history.clone();
            Callback::from(move |_: MouseEvent| on_show_history.emit(()))
        };
        let on_allow = {
            let allow_rerun = allow_rerun.clone();
            Callback::from(move |_: MouseEvent| allow_rerun.set(Some((key.0, run, child))))
        };

        html! {
            <section class="panel item-timeline" aria-labelledby="item-timeline-heading" data-testid="item-timeline">
                { heading }
                { summary.html() }
                if needs_permission && detail.status != ChildStatus::Pending {
                    <p class="timeline-empty">
                        { lang.t("This definition nests Distributed Maps: rebuilding one child's history re-runs the whole simulation.",
                                 "この定義は分散マップを入れ子にしているため、子の履歴の再構築にはシミュレーション全体の再実行が必要です。") }
                        { " " }
                        <button type="button" class="link-button" onclick={on_allow}>
                            { lang.t("Rebuild it", "再構築する") }
                        </button>
                    </p>
                }
                { steps_markup(lang, steps, detail.status).html() }
                if detail.status != ChildStatus::Pending {
                    <div class="timeline-actions">
                        <button type="button" class="bar-button" data-testid="show-child-history" onclick={on_show_history}>
                            { lang.t("Show its execution history", "実行履歴を表示") }
                        </button>
                    </div>
                }
            </section>
        }
    }
}

/// The steps (or why there are none).
fn steps_markup(lang: Lang, steps: Result<Vec<Step>, String>, status: ChildStatus) -> Markup {
    let mut out = Markup::new();
    match steps {
        Err(error) => {
            out.element("p", &[("class", "timeline-empty")], &error);
        }
        Ok(steps) if steps.is_empty() => {
            out.element(
                "p",
                &[("class", "timeline-empty")],
                if status == ChildStatus::Pending {
                    lang.t("This child has not started: the Map Run has not reached it (or stopped before it).",
                           "この子実行はまだ開始していません(マップランが到達していないか、その前に停止しました)。")
                } else {
                    lang.t("No task attempts yet.", "タスクの試行はまだありません。")
                },
            );
        }
        Ok(steps) => {
            out.open(
                "ol",
                &[
                    ("class", "timeline-steps"),
                    ("data-testid", "item-timeline-steps"),
                ],
            );
            for step in &steps {
                step_markup(&mut out, lang, step);
            }
            out.close("ol");
        }
    }
    out
}

fn step_markup(out: &mut Markup, lang: Lang, step: &Step) {
    let (class, glyph) = match &step.kind {
        StepKind::Attempt { outcome: None, .. } => ("step step-running", "▸"),
        StepKind::Attempt {
            outcome: Some(Outcome::Succeeded { .. }),
            ..
        } => ("step step-succeeded", "✓"),
        StepKind::Attempt {
            outcome: Some(Outcome::Failed { .. }),
            ..
        } => ("step step-failed", "✕"),
        StepKind::Retry { .. } => ("step step-retry", "↻"),
        StepKind::Caught { .. } => ("step step-caught", "↪"),
        StepKind::Failed { .. } => ("step step-unhandled", "✕"),
    };
    out.open("li", &[("class", class)])
        .element(
            "span",
            &[("class", "step-glyph"), ("aria-hidden", "true")],
            glyph,
        )
        .open("span", &[("class", "step-body")])
        .element("span", &[("class", "step-time")], &clock(step.time_ms));
    let what = match &step.kind {
        StepKind::Attempt { number, outcome } => {
            let attempt = match lang {
                Lang::En => format!("Attempt {number}"),
                Lang::Ja => format!("試行 {number}"),
            };
            out.open("span", &[("class", "step-what")])
                .element("strong", &[], &step.state)
                .text(&format!(" · {attempt}"))
                .close("span")
                .open("span", &[("class", "step-result")]);
            match outcome {
                None => {
                    out.text(lang.t("in progress", "実行中"));
                }
                Some(Outcome::Succeeded { latency_ms }) => {
                    out.text(&format!(
                        "{} · {}",
                        lang.t("succeeded", "成功"),
                        duration(*latency_ms)
                    ));
                }
                Some(Outcome::Failed {
                    error,
                    cause,
                    latency_ms,
                }) => {
                    out.element("code", &[("class", "step-error")], error)
                        .text(&format!(" · {}", duration(*latency_ms)));
                    if !cause.is_empty() {
                        out.element("span", &[("class", "step-cause")], &format!(" — {cause}"));
                    }
                }
            }
            out.close("span").close("span").close("li");
            return;
        }
        StepKind::Retry {
            retrier,
            error,
            matched,
            delay_ms,
        } => match lang {
            Lang::En => format!(
                "Retrier #{} [{matched}] matched {error}: waits {}",
                retrier + 1,
                duration(*delay_ms)
            ),
            Lang::Ja => format!(
                "リトライア #{} [{matched}] が {error} に一致: {} 待機",
                retrier + 1,
                duration(*delay_ms)
            ),
        },
        StepKind::Caught {
            catcher,
            error,
            matched,
            next,
        } => match lang {
            Lang::En => format!(
                "Catcher #{} [{matched}] routed {error} to {next}",
                catcher + 1
            ),
            Lang::Ja => format!(
                "キャッチャー #{} [{matched}] が {error} を {next} へ",
                catcher + 1
            ),
        },
        StepKind::Failed { error } => match lang {
            Lang::En => format!("{error} not handled in {}: the state fails", step.state),
            Lang::Ja => format!("{} で {error} は処理されず、ステートが失敗", step.state),
        },
    };
    out.element("span", &[("class", "step-what")], &what)
        .close("span")
        .close("li");
}

/// The trace as lines: each attempt with its outcome, then what handled its error.
fn steps_of(sim: &Simulation, trace: &ChildTrace, now_ms: u64) -> Vec<Step> {
    let program = sim.program();
    let state_name = |id: u32| {
        program
            .states
            .get(id as usize)
            .map_or_else(String::new, |s| s.name.to_string())
    };
    let error_name = |id: ErrorId| sim.error_name(id).to_string();
    let patterns = |list: &[ErrorPattern]| -> String {
        list.iter()
            .map(|pattern| match pattern {
                ErrorPattern::All => "States.ALL".to_string(),
                ErrorPattern::TaskFailed => "States.TaskFailed".to_string(),
                ErrorPattern::Exact(id) => error_name(*id),
            })
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut steps: Vec<Step> = Vec::new();
    for entry in trace.timeline.iter().filter(|e| e.time_ms <= now_ms) {
        let state = state_name(entry.state);
        let kind = match &entry.kind {
            TimelineKind::AttemptStarted { attempt } => StepKind::Attempt {
                number: attempt + 1,
                outcome: None,
            },
            TimelineKind::AttemptSucceeded { latency_ms } => {
                set_outcome(
                    &mut steps,
                    Outcome::Succeeded {
                        latency_ms: *latency_ms,
                    },
                );
                continue;
            }
            TimelineKind::AttemptFailed {
                error,
                latency_ms,
                cause,
            } => {
                set_outcome(
                    &mut steps,
                    Outcome::Failed {
                        error: error_name(*error),
                        cause: cause.to_string(),
                        latency_ms: *latency_ms,
                    },
                );
                continue;
            }
            TimelineKind::Retry {
                retrier,
                error,
                delay_ms,
            } => StepKind::Retry {
                retrier: *retrier,
                error: error_name(*error),
                matched: program
                    .states
                    .get(entry.state as usize)
                    .and_then(|s| s.retriers.get(*retrier as usize))
                    .map_or_else(String::new, |r| patterns(&r.patterns)),
                delay_ms: *delay_ms,
            },
            TimelineKind::Caught {
                catcher,
                error,
                next,
            } => StepKind::Caught {
                catcher: *catcher,
                error: error_name(*error),
                matched: program
                    .states
                    .get(entry.state as usize)
                    .and_then(|s| s.catchers.get(*catcher as usize))
                    .map_or_else(String::new, |c| patterns(&c.patterns)),
                next: state_name(*next),
            },
            TimelineKind::Failed { error } => StepKind::Failed {
                error: error_name(*error),
            },
        };
        steps.push(Step {
            time_ms: entry.time_ms,
            state,
            kind,
        });
    }
    steps
}

/// Completes the latest attempt still in progress.
fn set_outcome(steps: &mut [Step], outcome: Outcome) {
    let open = steps
        .iter_mut()
        .rev()
        .find(|step| matches!(step.kind, StepKind::Attempt { outcome: None, .. }));
    if let Some(Step {
        kind: StepKind::Attempt { outcome: slot, .. },
        ..
    }) = open
    {
        *slot = Some(outcome);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DEFINITION: &str = r#"{"StartAt": "Process", "States": {"Process": {
        "Type": "Map",
        "ItemProcessor": {
            "ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
            "StartAt": "Work",
            "States": {
                "Work": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:work",
                    "Retry": [{"ErrorEquals": ["Transient"], "IntervalSeconds": 2, "MaxAttempts": 1}],
                    "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Handled"}],
                    "End": true},
                "Handled": {"Type": "Pass", "End": true}
            }
        },
        "End": true}}}"#;
    const SCENARIO: &str = r#"{"items": {"count": 3}, "tasks": {"Work": {
        "latency": {"fixed_ms": 100},
        "faults": [
            {"error": "Transient", "cause": "flaky", "items": {"indices": [0]}, "attempts": [0]},
            {"error": "Permanent", "cause": "bad item", "items": {"indices": [0]}}
        ]}}}"#;

    fn finished() -> Simulation {
        let loaded = asl::load(DEFINITION, &asl::LoadOptions::default());
        let Some(model) = loaded.runnable() else {
            panic!("runnable: {:?}", loaded.diagnostics);
        };
        let Ok(scenario) = engine::scenario::parse(SCENARIO) else {
            panic!("the scenario parses");
        };
        let Ok(mut sim) = Simulation::new(model, &scenario, engine::sim::SimOptions::default())
        else {
            panic!("simulates");
        };
        sim.run();
        sim
    }

    #[test]
    fn a_childs_attempts_name_the_retrier_and_the_catcher_that_handled_them() {
        let sim = finished();
        let Ok(trace) = sim.child_trace(0, 0) else {
            panic!("child 0 can be traced");
        };
        let steps = steps_of(&sim, &trace, u64::MAX);
        let kinds: Vec<StepKind> = steps.iter().map(|s| s.kind.clone()).collect();
        assert_eq!(
            kinds,
            vec![
                StepKind::Attempt {
                    number: 1,
                    outcome: Some(Outcome::Failed {
                        error: "Transient".into(),
                        cause: "flaky".into(),
                        latency_ms: 100
                    })
                },
                StepKind::Retry {
                    retrier: 0,
                    error: "Transient".into(),
                    matched: "Transient".into(),
                    delay_ms: 2000
                },
                StepKind::Attempt {
                    number: 2,
                    outcome: Some(Outcome::Failed {
                        error: "Permanent".into(),
                        cause: "bad item".into(),
                        latency_ms: 100
                    })
                },
                StepKind::Caught {
                    catcher: 0,
                    error: "Permanent".into(),
                    matched: "States.ALL".into(),
                    next: "Handled".into()
                },
            ]
        );
        assert!(steps.iter().all(|s| s.state == "Work"));
        // Up to a moment in the middle: only what had happened by then, the attempt open.
        let first_attempt_started = steps[0].time_ms;
        let early = steps_of(&sim, &trace, first_attempt_started + 50);
        assert_eq!(
            early.iter().map(|s| s.kind.clone()).collect::<Vec<_>>(),
            vec![StepKind::Attempt {
                number: 1,
                outcome: None
            }]
        );
    }
}
