//! The state level's markup, written as text for the same reason as [`super::svg`] (a fraction
//! of the wasm size of `html!`, tested natively): a retrier's delay table, the selected
//! state's figures, errors, catches and retriers, and the table of every error-handling state.
//! Buttons carry `data-select` with a state's pointer; the panel listens once for all of them.

use std::fmt::Write;

use asl::{Jitter, Retrier, State, StateKind};
use engine::report::StateStats;

use super::delays::{delay_plan, duration_text, DelayPlan};
use super::state_report::{percent_text, StateReport};
use super::svg::escape;
use crate::i18n::{count, Lang};

/// Whether a state has Retry/Catch fields (and so retries, catches and delay tables).
pub fn handles_errors(state: &State) -> bool {
    matches!(
        state.kind,
        StateKind::Task(_) | StateKind::Map(_) | StateKind::Parallel(_)
    )
}

fn trim_number(value: f64) -> String {
    let text = format!("{value}");
    match text.strip_suffix(".0") {
        Some(whole) => whole.to_string(),
        None => text,
    }
}

/// `Retrier #1 — IntervalSeconds 2, BackoffRate 2, MaxAttempts 6, MaxDelaySeconds 30, …`.
pub fn retrier_caption(index: usize, retrier: &Retrier, lang: Lang) -> String {
    let mut settings = format!(
        "IntervalSeconds {}, BackoffRate {}, MaxAttempts {}",
        retrier.interval_seconds,
        trim_number(retrier.backoff_rate),
        retrier.max_attempts
    );
    if let Some(seconds) = retrier.max_delay_seconds {
        let _ = write!(settings, ", MaxDelaySeconds {seconds}");
    }
    if retrier.jitter == Jitter::Full {
        settings.push_str(", JitterStrategy FULL");
    }
    format!(
        "{} #{} — {settings}",
        lang.t("Retrier", "リトライア"),
        index + 1
    )
}

/// The delay table of one retrier.
pub fn delay_table(index: usize, retrier: &Retrier, plan: &DelayPlan, lang: Lang) -> String {
    let caption = escape(&retrier_caption(index, retrier, lang));
    if plan.never_retried() {
        return format!(
            r#"<div class="delay-table delay-table-none" data-testid="delay-table"><p class="delay-caption">{caption}</p><p class="delay-note" data-testid="delay-never">{}</p></div>"#,
            lang.t(
                "MaxAttempts is 0: errors this retrier matches are never retried — they go straight to Catch (or fail the state).",
                "MaxAttempts が 0 です:このリトライアが一致したエラーはリトライされず、そのまま Catch へ(なければステートが失敗)進みます。",
            )
        );
    }
    let jitter = retrier.jitter == Jitter::Full;
    let mut out = String::with_capacity(2048);
    let _ = write!(
        out,
        r#"<div class="delay-table" data-testid="delay-table"><table><caption class="delay-caption">{caption}</caption><thead><tr><th scope="col">{}</th><th scope="col" title="{}">n</th><th scope="col" title="IntervalSeconds × BackoffRate^n">{}</th><th scope="col" title="min(backoff, MaxDelaySeconds)">{}</th>"#,
        lang.t("Retry", "リトライ"),
        lang.t(
            "The exponent in IntervalSeconds × BackoffRate^n",
            "IntervalSeconds × BackoffRate^n の指数"
        ),
        lang.t("Backoff", "バックオフ"),
        lang.t("Wait", "待機"),
    );
    if jitter {
        let _ = write!(
            out,
            r#"<th scope="col" title="{}">{}</th>"#,
            lang.t(
                "JitterStrategy FULL: drawn uniformly from this band",
                "JitterStrategy FULL:この範囲から一様に選ばれる"
            ),
            lang.t("Jitter band", "ジッター範囲")
        );
    }
    let _ = write!(
        out,
        r#"<th scope="col" title="{}">{}</th></tr></thead><tbody>"#,
        lang.t(
            "Sum of the waits so far, at their longest",
            "ここまでの待機の合計(最長の場合)"
        ),
        lang.t("Cumulative (worst)", "累計(最長)")
    );
    for row in &plan.rows {
        let _ = write!(
            out,
            r#"<tr data-testid="delay-row"{}><td>{}</td><td>{}</td><td>{}</td><td>{}"#,
            if row.capped {
                r#" class="delay-capped""#
            } else {
                ""
            },
            row.retry + 1,
            row.retry,
            duration_text(row.backoff_ms),
            duration_text(row.wait_ms)
        );
        if row.capped {
            let _ = write!(
                out,
                r#"<span class="delay-cap-mark" title="{}">{}</span>"#,
                lang.t("capped by MaxDelaySeconds", "MaxDelaySeconds で頭打ち"),
                lang.t(" (cap)", "(上限)")
            );
        }
        out.push_str("</td>");
        if jitter {
            // The band always starts at 0: "0 – 8 s" reads better than "0 ms – 8 s".
            let band = match row.jitter_band {
                Some((0, high)) => format!("0 – {}", duration_text(high)),
                Some((low, high)) => format!("{} – {}", duration_text(low), duration_text(high)),
                None => String::new(),
            };
            let _ = write!(out, "<td>{band}</td>");
        }
        let _ = write!(out, "<td>{}</td></tr>", duration_text(row.cumulative_ms));
    }
    let total = duration_text(plan.total_worst_ms);
    let total = if plan.total_complete {
        total
    } else {
        format!("≥ {total}")
    };
    let _ = write!(
        out,
        r#"</tbody></table><p class="delay-note" data-testid="delay-total">{}"#,
        match lang {
            Lang::En => format!(
                "{} retries in all: at most {total} of waiting.",
                count(plan.retries)
            ),
            Lang::Ja => format!(
                "リトライは合計 {} 回:待機は最長 {total}。",
                count(plan.retries)
            ),
        }
    );
    if plan.truncated() {
        out.push_str(&match lang {
            Lang::En => format!(" The table shows the first {}.", plan.rows.len()),
            Lang::Ja => format!(" 表は最初の {} 回のみ表示しています。", plan.rows.len()),
        });
    }
    out.push_str("</p></div>");
    out
}

fn error_chips(out: &mut String, errors: &[String]) {
    out.push_str(r#"<span class="error-list">"#);
    for error in errors {
        let _ = write!(out, "<code>{}</code>", escape(error));
    }
    out.push_str("</span>");
}

fn figure(n: Option<u64>) -> String {
    n.map_or_else(|| "—".to_string(), count)
}

/// One figure of a state's tiles.
struct StatTile {
    en: &'static str,
    ja: &'static str,
    value: fn(&StateStats) -> u64,
    class: &'static str,
    /// Only Tasks make attempts, time out and are throttled.
    task_only: bool,
}

/// The state's figures, in the order they are shown.
const STAT_TILES: [StatTile; 10] = [
    StatTile {
        en: "Attempts",
        ja: "試行",
        value: |s| s.attempts,
        class: "tile-attempts",
        task_only: true,
    },
    StatTile {
        en: "Entered",
        ja: "開始",
        value: |s| s.entered,
        class: "tile-entered",
        task_only: false,
    },
    StatTile {
        en: "Retries",
        ja: "リトライ",
        value: |s| s.retries,
        class: "tile-retries",
        task_only: false,
    },
    StatTile {
        en: "Succeeded",
        ja: "成功",
        value: |s| s.succeeded,
        class: "tile-succeeded",
        task_only: false,
    },
    StatTile {
        en: "Caught",
        ja: "キャッチ",
        value: |s| s.caught,
        class: "tile-caught",
        task_only: false,
    },
    StatTile {
        en: "Failed",
        ja: "失敗",
        value: |s| s.failed,
        class: "tile-failed",
        task_only: false,
    },
    StatTile {
        en: "Timeouts",
        ja: "タイムアウト",
        value: |s| s.timeouts,
        class: "tile-timeouts",
        task_only: true,
    },
    StatTile {
        en: "Throttles",
        ja: "スロットリング",
        value: |s| s.throttles,
        class: "tile-throttles",
        task_only: true,
    },
    StatTile {
        en: "In flight now",
        ja: "現在実行中",
        value: |s| s.in_flight,
        class: "tile-in-flight",
        task_only: false,
    },
    StatTile {
        en: "Retrying now",
        ja: "現在リトライ待ち",
        value: |s| s.retrying,
        class: "tile-retrying",
        task_only: false,
    },
];

/// Everything about one state: figures, errors by name, catches by catcher, and each
/// retrier's retries and delay table.
pub fn state_detail(state: &State, stats: Option<&StateStats>, lang: Lang) -> String {
    let is_task = matches!(state.kind, StateKind::Task(_));
    let mut out = String::with_capacity(4096);
    let _ = write!(
        out,
        r#"<div class="state-detail" data-testid="state-detail"><header class="state-detail-header"><h3 class="state-detail-name" data-testid="state-detail-name">{}</h3><span class="chip state-type-chip">{}</span><code class="state-pointer">{}</code></header><dl class="stat-tiles" data-testid="state-stats">"#,
        escape(&state.name),
        state.type_name(),
        escape(&state.pointer)
    );
    for tile in STAT_TILES.iter().filter(|tile| is_task || !tile.task_only) {
        let _ = write!(
            out,
            r#"<div class="stat-tile {}"><dt>{}</dt><dd>{}</dd></div>"#,
            tile.class,
            lang.t(tile.en, tile.ja),
            figure(stats.map(tile.value))
        );
    }
    out.push_str("</dl>");
    if !handles_errors(state) {
        let _ = write!(
            out,
            r#"<p class="state-panel-hint">{}</p></div>"#,
            match lang {
                Lang::En => format!("A {} state has no Retry or Catch.", state.type_name()),
                Lang::Ja => format!(
                    "{} ステートには Retry も Catch もありません。",
                    state.type_name()
                ),
            }
        );
        return out;
    }
    let report = stats.map(|stats| StateReport::of(state, stats));

    // Errors and catches on the left, retriers on the right.
    let _ = write!(
        out,
        r#"<div class="state-detail-columns"><section class="state-section"><h4>{}</h4>"#,
        lang.t("Errors by name", "エラー別")
    );
    match &report {
        Some(report) if !report.errors.is_empty() => {
            let _ = write!(
                out,
                r#"<table class="errors-table" data-testid="errors-table"><thead><tr><th scope="col">{}</th><th scope="col" class="num">{}</th><th scope="col">{}</th></tr></thead><tbody>"#,
                lang.t("Error", "エラー"),
                lang.t("Count", "件数"),
                lang.t("Share", "割合")
            );
            for error in &report.errors {
                let _ = write!(
                    out,
                    r#"<tr data-testid="error-row"><th scope="row"><code>{}</code></th><td class="num">{}</td><td class="share"><span class="share-bar" aria-hidden="true"><span style="width:{:.1}%"></span></span>{}</td></tr>"#,
                    escape(&error.name),
                    count(error.count),
                    error.share * 100.0,
                    percent_text(error.share)
                );
            }
            out.push_str("</tbody></table>");
        }
        Some(_) => {
            let _ = write!(
                out,
                r#"<p class="state-panel-hint">{}</p>"#,
                lang.t(
                    "No error raised here so far.",
                    "ここではまだエラーは発生していません。"
                )
            );
        }
        None => {
            let _ = write!(
                out,
                r#"<p class="state-panel-hint">{}</p>"#,
                lang.t(
                    "Errors appear when the run starts.",
                    "実行が始まるとエラーが表示されます。"
                )
            );
        }
    }
    let _ = write!(
        out,
        "<h4>{}</h4>",
        lang.t("Catches by catcher", "キャッチャー別のキャッチ")
    );
    if state.catch().is_empty() {
        let _ = write!(
            out,
            r#"<p class="state-panel-hint">{}</p>"#,
            lang.t(
                "No Catch: an error that is not retried fails the state.",
                "Catch なし:リトライされないエラーはステートを失敗させます。"
            )
        );
    } else {
        let _ = write!(
            out,
            r#"<table class="catchers-table" data-testid="catchers-table"><thead><tr><th scope="col" class="num">#</th><th scope="col">ErrorEquals</th><th scope="col">{}</th><th scope="col" class="num">{}</th></tr></thead><tbody>"#,
            lang.t("Goes to", "遷移先"),
            lang.t("Caught", "キャッチ")
        );
        for (index, catcher) in state.catch().iter().enumerate() {
            let caught = report
                .as_ref()
                .and_then(|r| r.catchers.get(index))
                .map(|c| c.caught);
            let _ = write!(
                out,
                r#"<tr data-testid="catcher-row"><td class="num">#{}</td><td>"#,
                index + 1
            );
            error_chips(&mut out, &catcher.error_equals);
            let _ = write!(
                out,
                r#"</td><td>→ <strong>{}</strong></td><td class="num">{}</td></tr>"#,
                escape(&catcher.next),
                figure(caught)
            );
        }
        out.push_str("</tbody></table>");
    }
    let _ = write!(
        out,
        r#"</section><section class="state-section"><h4>{}</h4>"#,
        lang.t("Retries by retrier", "リトライア別のリトライ")
    );
    if state.retry().is_empty() {
        let _ = write!(
            out,
            r#"<p class="state-panel-hint">{}</p>"#,
            lang.t(
                "No Retry: every error goes straight to Catch (or fails the state).",
                "Retry なし:エラーはすべてそのまま Catch へ(なければステートが失敗)。"
            )
        );
    } else {
        out.push_str(r#"<ol class="retriers">"#);
        for (index, retrier) in state.retry().iter().enumerate() {
            let retries = report
                .as_ref()
                .and_then(|r| r.retriers.get(index))
                .map(|r| r.retries);
            let _ = write!(
                out,
                r#"<li class="retrier" data-testid="retrier"><div class="retrier-head"><span class="retrier-index">#{}</span>"#,
                index + 1
            );
            error_chips(&mut out, &retrier.error_equals);
            let _ = write!(
                out,
                r#"<span class="retrier-count" data-testid="retrier-retries">{}</span></div>"#,
                match lang {
                    Lang::En => format!("{} retries", figure(retries)),
                    Lang::Ja => format!("リトライ {} 回", figure(retries)),
                }
            );
            out.push_str(&delay_table(index, retrier, &delay_plan(retrier), lang));
            out.push_str("</li>");
        }
        out.push_str("</ol>");
    }
    out.push_str("</section></div></div>");
    out
}

/// Every error-handling state in one table; each name is a button that selects the state.
pub fn states_table(
    rows: &[(&State, Option<StateStats>)],
    selected: Option<&str>,
    lang: Lang,
) -> String {
    let mut out = String::with_capacity(1024 + 400 * rows.len());
    let _ = write!(
        out,
        r#"<div class="state-table-wrap"><table class="state-table" data-testid="all-states-table"><caption>{}</caption><thead><tr>"#,
        lang.t(
            "Every Task, Map and Parallel state",
            "すべての Task・Map・Parallel ステート"
        )
    );
    for (heading, numeric) in [
        (lang.t("State", "ステート"), false),
        (lang.t("Attempts", "試行"), true),
        (lang.t("Retries", "リトライ"), true),
        (lang.t("Succeeded", "成功"), true),
        (lang.t("Caught", "キャッチ"), true),
        (lang.t("Failed", "失敗"), true),
        (lang.t("Timeouts", "タイムアウト"), true),
        (lang.t("Throttles", "スロットリング"), true),
        (lang.t("Most frequent error", "最も多いエラー"), false),
    ] {
        let _ = write!(
            out,
            r#"<th scope="col"{}>{heading}</th>"#,
            if numeric { r#" class="num""# } else { "" }
        );
    }
    out.push_str("</tr></thead><tbody>");
    for (state, stats) in rows {
        let is_selected = selected == Some(state.pointer.as_str());
        let is_task = matches!(state.kind, StateKind::Task(_));
        let task_only = |value: Option<u64>| {
            if is_task {
                figure(value)
            } else {
                "·".to_string()
            }
        };
        let stats = stats.as_ref();
        let top_error = stats
            .and_then(|s| {
                let report = StateReport::of(state, s);
                report
                    .errors
                    .first()
                    .map(|e| format!("{} ({})", e.name, percent_text(e.share)))
            })
            .unwrap_or_default();
        let _ = write!(
            out,
            r#"<tr data-testid="state-row" data-state="{}"{}><th scope="row"><button type="button" class="link-button" data-select="{}" aria-pressed="{is_selected}">{}</button><span class="state-type">{}</span></th><td class="num">{}</td><td class="num">{}</td><td class="num">{}</td><td class="num">{}</td><td class="num">{}</td><td class="num">{}</td><td class="num">{}</td><td class="top-error">{}</td></tr>"#,
            escape(&state.name),
            if is_selected {
                r#" class="row-selected""#
            } else {
                ""
            },
            escape(&state.pointer),
            escape(&state.name),
            state.type_name(),
            task_only(stats.map(|s| s.attempts)),
            figure(stats.map(|s| s.retries)),
            figure(stats.map(|s| s.succeeded)),
            figure(stats.map(|s| s.caught)),
            figure(stats.map(|s| s.failed)),
            task_only(stats.map(|s| s.timeouts)),
            task_only(stats.map(|s| s.throttles)),
            escape(&top_error)
        );
    }
    out.push_str("</tbody></table></div>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn model(text: &str) -> asl::StateMachine {
        let loaded = asl::load(text, &asl::LoadOptions::default());
        let Some(model) = loaded.runnable() else {
            panic!("{:?}", loaded.diagnostics);
        };
        model.clone()
    }

    const TASK: &str = r#"{"StartAt": "T", "States": {"T": {"Type": "Task",
        "Resource": "arn:aws:states:::lambda:invoke", "Next": "F",
        "Retry": [{"ErrorEquals": ["Lambda.ServiceException"], "IntervalSeconds": 2, "MaxAttempts": 3, "JitterStrategy": "FULL"},
                  {"ErrorEquals": ["States.ALL"], "MaxAttempts": 0}],
        "Catch": [{"ErrorEquals": ["<Custom>"], "Next": "F"}]},
        "F": {"Type": "Fail"}}}"#;

    #[test]
    fn a_delay_table_has_a_row_per_retry_and_a_band_with_full_jitter() {
        let machine = model(TASK);
        let retrier = &machine.states[0].retry()[0];
        let html = delay_table(0, retrier, &delay_plan(retrier), Lang::En);
        assert_eq!(html.matches(r#"data-testid="delay-row""#).count(), 3);
        assert!(
            html.contains("0 – 2 s") && html.contains("0 – 8 s"),
            "{html}"
        );
        assert!(html.contains(
            "Retrier #1 — IntervalSeconds 2, BackoffRate 2, MaxAttempts 3, JitterStrategy FULL"
        ));
        assert!(html.contains("at most 14 s of waiting"));
        let never = &machine.states[0].retry()[1];
        let html = delay_table(1, never, &delay_plan(never), Lang::Ja);
        assert!(html.contains("delay-never") && html.contains("MaxAttempts が 0"));
    }

    #[test]
    fn the_detail_of_a_task_without_a_run_shows_dashes_and_escapes_names() {
        let machine = model(TASK);
        let html = state_detail(&machine.states[0], None, Lang::En);
        assert!(html.contains("—"));
        assert!(html.contains("&lt;Custom&gt;") && !html.contains("<Custom>"));
        assert_eq!(html.matches(r#"data-testid="delay-table""#).count(), 2);
        assert_eq!(html.matches(r#"data-testid="catcher-row""#).count(), 1);
        assert!(html.contains("Errors appear when the run starts."));
        let fail = state_detail(&machine.states[1], None, Lang::En);
        assert!(fail.contains("A Fail state has no Retry or Catch."));
    }

    #[test]
    fn with_stats_errors_are_listed_by_count_and_the_table_marks_the_selection() {
        let machine = model(TASK);
        let mut stats = StateStats::new(2, 1);
        stats.errors.insert("Lambda.ServiceException".into(), 3);
        stats.errors.insert("<Custom>".into(), 1);
        stats.attempts = 9;
        let html = state_detail(&machine.states[0], Some(&stats), Lang::En);
        assert_eq!(html.matches(r#"data-testid="error-row""#).count(), 2);
        assert!(html.find("Lambda.ServiceException") < html.find("&lt;Custom&gt;"));
        assert!(html.contains("75 %"));
        let state = &machine.states[0];
        let table = states_table(&[(state, Some(stats))], Some("/States/T"), Lang::En);
        assert!(table.contains(r#"data-select="/States/T""#));
        assert!(table.contains(r#"class="row-selected""#));
        assert!(table.contains("Lambda.ServiceException (75 %)"));
    }
}
