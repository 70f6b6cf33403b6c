//! The verdict banner: how the run ended and why, in a sentence built from the engine's
//! structured verdict (so it reads naturally in English and in Japanese), or how far it has got.

use engine::report::{RunVerdict, ToleranceRule};
use engine::sim::ExecutionStatus;
use yew::prelude::*;

use crate::i18n::{count, Lang};
use crate::run_status::{clock_seconds, percent};
use crate::sim_frame::SimFrame;

/// The banner for the run in `frame`. A function of the frame rather than a component: it is
/// drawn at every frame anyway, and each component type costs the page a few kilobytes of
/// WebAssembly.
/// `cost` is the finished run's cost line ([`use_run_cost`]).
pub fn verdict_banner(lang: Lang, frame: &SimFrame, cost: Option<&(String, String)>) -> Html {
    let Some(sim) = frame.read() else {
        return html! {};
    };
    let verdict = sim.verdict();
    let map_state = verdict
        .map_run
        .and_then(|run| sim.map_runs().get(run))
        .and_then(|run| sim.program().states.get(run.setup.state as usize))
        .map(|state| state.name.to_string());
    drop(sim);

    let (class, icon) = match verdict.status {
        ExecutionStatus::Running => ("verdict verdict-running", "▸"),
        ExecutionStatus::Succeeded => ("verdict verdict-succeeded", "✓"),
        ExecutionStatus::Failed => ("verdict verdict-failed", "✕"),
        ExecutionStatus::TimedOut => ("verdict verdict-timed-out", "◷"),
        ExecutionStatus::Aborted => ("verdict verdict-aborted", "⊘"),
    };
    let headline = headline(lang, &verdict);
    let detail = detail(lang, &verdict, map_state.as_deref());
    let status_word = match verdict.status {
        ExecutionStatus::Running => lang.t("Running…", "実行中…"),
        other => other.as_str(),
    };

    html! {
        <section
            class={class}
            data-testid="verdict"
            data-status={verdict.status.as_str()}
            role="status"
            aria-live="polite"
            aria-atomic="true"
        >
            <span class="verdict-icon" aria-hidden="true">{ icon }</span>
            <div class="verdict-body">
                <p class="verdict-headline">
                    <span class="verdict-status">{ status_word }</span>
                    { headline }
                </p>
                if let Some(detail) = detail {
                    <p class="verdict-detail">{ detail }</p>
                }
                if let Some((line, title)) = cost {
                    <p class="verdict-detail verdict-cost" data-testid="verdict-cost" title={title.clone()}>{ line.clone() }</p>
                }
            </div>
        </section>
    }
}

/// What the finished run in `frame` would cost in AWS (`engine::cost`), as the banner says it:
/// worked out once per frame and language, not at every render (the estimate reads every child
/// record), and `None` while the run goes on.
#[hook]
pub fn use_run_cost(frame: Option<SimFrame>, lang: Lang) -> Option<(String, String)> {
    let cost = use_memo((frame, lang), |(frame, lang)| {
        let sim = frame.as_ref()?.read()?;
        if sim.verdict().status == ExecutionStatus::Running {
            return None;
        }
        let options = engine::cost::CostOptions::from_scenario(sim.scenario());
        engine::cost::estimate(&sim, &options)
            .ok()
            .map(|c| cost_line(*lang, &c))
    });
    (*cost).clone()
}

/// The run's cost in a line — per run, per 1,000 items, the share spent on retries, the region
/// and what the figure assumes — and its notes (shown on hover).
fn cost_line(lang: Lang, c: &engine::cost::Cost) -> (String, String) {
    let per_1000 = c
        .per_1000_items_usd
        .map(|p| match lang {
            Lang::En => format!(" · ${p:.4} per 1,000 items"),
            Lang::Ja => format!(" · 1,000 アイテムあたり ${p:.4}"),
        })
        .unwrap_or_default();
    let free = c.free_tier_applied;
    let line = match lang {
        Lang::En => format!(
            "Cost in AWS: ${:.4}{per_1000} · {:.1} % on retries — {}, as a Standard workflow, free tier {}",
            c.total_usd,
            c.retry_share * 100.0,
            c.region,
            if free { "taken off" } else { "left out" }
        ),
        Lang::Ja => format!(
            "AWS での費用: ${:.4}{per_1000} · リトライ分 {:.1} % — {}、Standard ワークフローとして、無料枠{}",
            c.total_usd,
            c.retry_share * 100.0,
            c.region,
            if free { "を差し引き" } else { "は含めず" }
        ),
    };
    (line, c.notes.join("\n"))
}

/// The sentence after the status word.
fn headline(lang: Lang, verdict: &RunVerdict) -> String {
    match verdict.status {
        ExecutionStatus::Running => match verdict.items {
            Some(items) => match lang {
                Lang::En => format!(
                    " {} of {} items done",
                    count(verdict.done_items()),
                    count(items.total)
                ),
                Lang::Ja => format!(
                    " {} 件中 {} 件完了",
                    count(items.total),
                    count(verdict.done_items())
                ),
            },
            None => String::new(),
        },
        ExecutionStatus::Succeeded => succeeded(lang, verdict),
        _ => ended(lang, verdict),
    }
}

fn succeeded(lang: Lang, verdict: &RunVerdict) -> String {
    let failed = verdict.failed_items();
    let Some(items) = verdict.items else {
        return String::new();
    };
    if failed == 0 {
        return match lang {
            Lang::En => format!(" — all {} items succeeded", count(items.total)),
            Lang::Ja => format!(":{} 件すべて成功", count(items.total)),
        };
    }
    let share = percent(verdict.failed_percentage());
    let tolerance = match (verdict.tolerance.count, verdict.tolerance.percentage) {
        (_, Some(limit)) => format!("{share} % ≤ {} %", percent(limit)),
        (Some(limit), None) => format!("{} ≤ ToleratedFailureCount {limit}", count(failed)),
        (None, None) => format!("{share} %"),
    };
    match lang {
        Lang::En => format!(
            " with {} failed {} ({tolerance})",
            count(failed),
            items_word(failed)
        ),
        Lang::Ja => format!(":失敗アイテム {} 件({tolerance})", count(failed)),
    }
}

fn ended(lang: Lang, verdict: &RunVerdict) -> String {
    let error = verdict.error.as_deref().unwrap_or("");
    let Some(threshold) = &verdict.threshold else {
        return match lang {
            Lang::En => format!(": {error} at {}", clock_seconds(verdict.end_ms)),
            Lang::Ja => format!(": {error}({})", clock_seconds(verdict.end_ms)),
        };
    };
    let at = clock_seconds(threshold.at_ms);
    let failed = count(threshold.failed_items);
    let why = match (threshold.rule, lang) {
        (ToleranceRule::Count { limit }, Lang::En) => format!(
            "{failed} failed {} > ToleratedFailureCount {limit}",
            items_word(threshold.failed_items)
        ),
        (ToleranceRule::Count { limit }, Lang::Ja) => {
            format!("失敗アイテム {failed} 件 > ToleratedFailureCount {limit}")
        }
        (ToleranceRule::Percentage { limit, actual }, Lang::En) => format!(
            "{failed} failed {} of {} ({} %) > ToleratedFailurePercentage {} %",
            items_word(threshold.failed_items),
            count(threshold.total_items),
            percent(actual),
            percent(limit)
        ),
        (ToleranceRule::Percentage { limit, actual }, Lang::Ja) => format!(
            "{} 件中 失敗 {failed} 件({} %)> ToleratedFailurePercentage {} %",
            count(threshold.total_items),
            percent(actual),
            percent(limit)
        ),
        (ToleranceRule::NoTolerance, Lang::En) => format!(
            "{failed} failed {} and no tolerance is set (ToleratedFailureCount 0)",
            items_word(threshold.failed_items)
        ),
        (ToleranceRule::NoTolerance, Lang::Ja) => {
            format!("失敗アイテム {failed} 件、許容値の設定なし(ToleratedFailureCount 0)")
        }
    };
    match lang {
        Lang::En => format!(": {error} at {at} — {why}"),
        Lang::Ja => format!(": {error}({at})— {why}"),
    }
}

/// The smaller line under the headline: the cause, and which Map state it was about.
fn detail(lang: Lang, verdict: &RunVerdict, map_state: Option<&str>) -> Option<String> {
    match verdict.status {
        ExecutionStatus::Running => map_state.map(|state| match lang {
            Lang::En => format!("Map Run of {state}"),
            Lang::Ja => format!("{state} のマップラン"),
        }),
        ExecutionStatus::Succeeded => map_state.map(|state| match lang {
            Lang::En => format!(
                "Finished at {} · Map Run of {state}",
                clock_seconds(verdict.end_ms)
            ),
            Lang::Ja => format!(
                "{} に終了 · {state} のマップラン",
                clock_seconds(verdict.end_ms)
            ),
        }),
        _ => {
            let cause = verdict.cause.as_deref().filter(|cause| !cause.is_empty());
            match (cause, lang) {
                (Some(cause), Lang::En) => Some(format!("Cause: {cause}")),
                (Some(cause), Lang::Ja) => Some(format!("原因: {cause}")),
                (None, _) => None,
            }
        }
    }
}

fn items_word(n: u64) -> &'static str {
    if n == 1 {
        "item"
    } else {
        "items"
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use engine::report::{Counts, Tolerance, Verdict};

    fn verdict(status: ExecutionStatus) -> RunVerdict {
        RunVerdict {
            status,
            end_ms: 452_000,
            error: None,
            cause: None,
            map_run: Some(0),
            items: Some(Counts {
                succeeded: 988,
                failed: 12,
                total: 1000,
                ..Counts::default()
            }),
            tolerance: Tolerance {
                count: None,
                percentage: Some(5.0),
            },
            threshold: None,
        }
    }

    #[test]
    fn sentences_say_why_in_both_languages() {
        let ok = verdict(ExecutionStatus::Succeeded);
        assert_eq!(
            headline(Lang::En, &ok),
            " with 12 failed items (1.2 % ≤ 5 %)"
        );
        assert_eq!(headline(Lang::Ja, &ok), ":失敗アイテム 12 件(1.2 % ≤ 5 %)");

        let mut failed = verdict(ExecutionStatus::Failed);
        failed.error = Some("States.ExceedToleratedFailureThreshold".into());
        failed.threshold = Some(Verdict {
            at_ms: 452_000,
            failed_items: 51,
            total_items: 1000,
            explanation: String::new(),
            rule: ToleranceRule::Count { limit: 50 },
        });
        assert_eq!(
            headline(Lang::En, &failed),
            ": States.ExceedToleratedFailureThreshold at 00:07:32 — 51 failed items > ToleratedFailureCount 50"
        );
        assert_eq!(
            headline(Lang::Ja, &failed),
            ": States.ExceedToleratedFailureThreshold(00:07:32)— 失敗アイテム 51 件 > ToleratedFailureCount 50"
        );

        let mut running = verdict(ExecutionStatus::Running);
        running.items = Some(Counts {
            succeeded: 3_000,
            failed: 12,
            running: 100,
            total: 10_000,
            ..Counts::default()
        });
        let text = headline(Lang::En, &running);
        assert_eq!(text, " 3,012 of 10,000 items done");
        // While running the banner never says SUCCEEDED or FAILED (tests wait for those).
        assert!(!text.to_uppercase().contains("FAILED"));
    }
}
