//! The delay table of one retrier: for each retry n, the backoff `IntervalSeconds ×
//! BackoffRate^n`, the wait after `MaxDelaySeconds`, the FULL-jitter band, and the cumulative
//! worst case — computed by [`crate::graph::delays`], which agrees with the engine's waits.

use asl::{Jitter, Retrier};
use yew::prelude::*;

use crate::graph::delays::{delay_plan, duration_text, DelayPlan};
use crate::i18n::{count, use_lang, Lang};

#[derive(Properties, PartialEq)]
pub struct DelayTableProps {
    pub retrier: Retrier,
    /// The retrier's place in its `Retry` array (from 0).
    pub index: usize,
}

#[component]
pub fn DelayTable(props: &DelayTableProps) -> Html {
    let lang = use_lang();
    let retrier = &props.retrier;
    let plan = {
        let retrier = retrier.clone();
        use_memo(retrier, delay_plan)
    };
    let caption = caption(lang, props.index, retrier);
    if plan.never_retried() {
        return html! {
            <div class="delay-table delay-table-none" data-testid="delay-table">
                <p class="delay-caption">{ caption }</p>
                <p class="delay-note" data-testid="delay-never">
                    { lang.t(
                        "MaxAttempts is 0: errors this retrier matches are never retried — they go straight to Catch (or fail the state).",
                        "MaxAttempts が 0 です:このリトライアが一致したエラーはリトライされず、そのまま Catch へ(なければステートが失敗)進みます。",
                    ) }
                </p>
            </div>
        };
    }
    let jitter = retrier.jitter == Jitter::Full;
    let rows = plan.rows.iter().map(|row| {
        html! {
            <tr data-testid="delay-row" class={classes!(row.capped.then_some("delay-capped"))}>
                <td class="num">{ row.retry + 1 }</td>
                <td class="num">{ row.retry }</td>
                <td class="num">{ duration_text(row.backoff_ms) }</td>
                <td class="num">
                    { duration_text(row.wait_ms) }
                    if row.capped {
                        <span class="delay-cap-mark" title={lang.t("capped by MaxDelaySeconds", "MaxDelaySeconds で頭打ち")}>
                            { lang.t(" (cap)", "(上限)") }
                        </span>
                    }
                </td>
                if jitter {
                    <td class="num">{ match row.jitter_band {
                        // The band always starts at 0: "0 – 8 s" reads better than "0 ms – 8 s".
                        Some((0, high)) => format!("0 – {}", duration_text(high)),
                        Some((low, high)) => format!("{} – {}", duration_text(low), duration_text(high)),
                        None => String::new(),
                    } }</td>
                }
                <td class="num">{ duration_text(row.cumulative_ms) }</td>
            </tr>
        }
    });
    html! {
        <div class="delay-table" data-testid="delay-table">
            <table>
                <caption class="delay-caption">{ caption }</caption>
                <thead>
                    <tr>
                        <th scope="col" title={lang.t("Retry number n + 1", "n + 1 回目のリトライ")}>{ lang.t("Retry", "リトライ") }</th>
                        <th scope="col" title={lang.t("The exponent in IntervalSeconds × BackoffRate^n", "IntervalSeconds × BackoffRate^n の指数")}>{ "n" }</th>
                        <th scope="col" title="IntervalSeconds × BackoffRate^n">{ lang.t("Backoff", "バックオフ") }</th>
                        <th scope="col" title="min(backoff, MaxDelaySeconds)">{ lang.t("Wait", "待機") }</th>
                        if jitter {
                            <th scope="col" title={lang.t("JitterStrategy FULL: drawn uniformly from this band", "JitterStrategy FULL:この範囲から一様に選ばれる")}>
                                { lang.t("Jitter band", "ジッター範囲") }
                            </th>
                        }
                        <th scope="col" title={lang.t("Sum of the waits so far, at their longest", "ここまでの待機の合計(最長の場合)")}>
                            { lang.t("Cumulative (worst)", "累計(最長)") }
                        </th>
                    </tr>
                </thead>
                <tbody>{ for rows }</tbody>
            </table>
            { footer(lang, &plan) }
        </div>
    }
}

fn caption(lang: Lang, index: usize, retrier: &Retrier) -> String {
    let cap = match retrier.max_delay_seconds {
        Some(seconds) => format!(", MaxDelaySeconds {seconds}"),
        None => String::new(),
    };
    let jitter = if retrier.jitter == Jitter::Full {
        ", JitterStrategy FULL"
    } else {
        ""
    };
    let settings = format!(
        "IntervalSeconds {}, BackoffRate {}, MaxAttempts {}{cap}{jitter}",
        retrier.interval_seconds,
        trim_number(retrier.backoff_rate),
        retrier.max_attempts
    );
    match lang {
        Lang::En => format!("Retrier #{} — {settings}", index + 1),
        Lang::Ja => format!("リトライア #{} — {settings}", index + 1),
    }
}

fn trim_number(value: f64) -> String {
    let text = format!("{value}");
    text.strip_suffix(".0").map_or(text.clone(), str::to_string)
}

fn footer(lang: Lang, plan: &DelayPlan) -> Html {
    let total = duration_text(plan.total_worst_ms);
    let total = if plan.total_complete {
        total
    } else {
        format!("≥ {total}")
    };
    html! {
        <p class="delay-note" data-testid="delay-total">
            { match lang {
                Lang::En => format!("{} retries in all: at most {total} of waiting.", count(plan.retries)),
                Lang::Ja => format!("リトライは合計 {} 回:待機は最長 {total}。", count(plan.retries)),
            } }
            if plan.truncated() {
                { match lang {
                    Lang::En => format!(" The table shows the first {}.", plan.rows.len()),
                    Lang::Ja => format!(" 表は最初の {} 回のみ表示しています。", plan.rows.len()),
                } }
            }
        </p>
    }
}
