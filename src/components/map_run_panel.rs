//! The Map Run panel, like the console's Map Run page: items and child executions by status,
//! a tolerance gauge (failed items against the threshold line, exact numbers beside it), and a
//! selector when the run has several Map Runs (a Map-level Retry, nested Distributed Maps).

use engine::report::Counts;
use engine::sim::{MapRun, RunStatus};
use web_sys::HtmlSelectElement;
use yew::prelude::*;

use crate::i18n::{count, Lang};
use crate::markup::Markup;
use crate::run_status::{percent, shown_run, CellStatus};
use crate::sim_frame::SimFrame;

/// The most Map Runs the selector lists (nested Distributed Maps can start one per item).
const MAX_LISTED_RUNS: usize = 200;

/// The panel for the run in `frame`; `picked_run` is the Map Run the user picked (`None`:
/// follow the parent's latest), and picking one calls `on_pick_run`. A function of its data
/// rather than a component: it is drawn at every frame anyway, and each component type costs
/// the page a few kilobytes of WebAssembly.
pub fn map_run_panel(
    lang: Lang,
    frame: &SimFrame,
    picked_run: Option<usize>,
    on_pick_run: &Callback<Option<usize>>,
) -> Html {
    let Some(sim) = frame.read() else {
        return html! {};
    };
    let runs = sim.map_runs();
    let Some(shown) = shown_run(&sim, picked_run) else {
        return html! {
            <section class="panel map-run-panel" aria-labelledby="map-run-heading">
                <header class="panel-header">
                    <h2 id="map-run-heading" class="panel-title">{ lang.t("Map Run", "マップラン") }</h2>
                </header>
                <p class="map-run-empty" data-testid="map-run-counts">
                    { lang.t("No Distributed Map has started yet.", "分散マップはまだ開始していません。") }
                </p>
            </section>
        };
    };
    let Some(run) = runs.get(shown) else {
        return html! {};
    };
    let names: Vec<String> = runs
        .iter()
        .take(MAX_LISTED_RUNS)
        .enumerate()
        .map(|(index, run)| run_label(lang, &sim, runs, index, run))
        .collect();
    let state_name = state_name(&sim, run);
    let status = run.status;
    let items = run.item_counts;
    let executions = run.execution_counts;
    let tolerance = Gauge::of(run);
    let max_concurrency = run.max_concurrency;
    let n_runs = runs.len();
    drop(sim);

    let on_change = {
        let on_pick_run = on_pick_run.clone();
        Callback::from(move |event: Event| {
            let select: HtmlSelectElement = event.target_unchecked_into();
            on_pick_run.emit(select.value().parse::<usize>().ok());
        })
    };

    html! {
        <section class="panel map-run-panel" aria-labelledby="map-run-heading">
            <header class="panel-header">
                <div class="map-run-title">
                    <h2 id="map-run-heading" class="panel-title">{ lang.t("Map Run", "マップラン") }</h2>
                    <span class="map-run-state">{ state_name }</span>
                    <span class={classes!("chip", "map-run-status", status_class(status))}>
                        { status_text(lang, status) }
                    </span>
                    <span class="chip" title={lang.t("MaxConcurrency in effect", "有効な MaxConcurrency")}>
                        { format!("{} {}", lang.t("concurrency", "同時実行"), count(u64::from(max_concurrency))) }
                    </span>
                </div>
                if n_runs > 1 {
                    <label class="field map-run-picker">
                        <span class="field-label">{ lang.t("Show", "表示") }</span>
                        <select class="select" data-testid="map-run-picker" onchange={on_change}>
                            <option value="latest" selected={picked_run.is_none()}>
                                { lang.t("Latest", "最新") }
                            </option>
                            { for names.into_iter().enumerate().map(|(index, name)| html! {
                                <option value={index.to_string()} selected={picked_run == Some(index)}>
                                    { name }
                                </option>
                            }) }
                        </select>
                    </label>
                }
            </header>
            <div class="map-run-body">
                { body_markup(lang, &items, &executions, &tolerance).html() }
            </div>
        </section>
    }
}

struct Column {
    key: &'static str,
    status: Option<CellStatus>,
    en: &'static str,
    ja: &'static str,
}

impl Column {
    fn label(&self, lang: Lang) -> &'static str {
        lang.t(self.en, self.ja)
    }
}

const COLUMNS: [Column; 7] = [
    Column {
        key: "pending",
        status: Some(CellStatus::Pending),
        en: "Pending",
        ja: "待機中",
    },
    Column {
        key: "running",
        status: Some(CellStatus::Running),
        en: "Running",
        ja: "実行中",
    },
    Column {
        key: "succeeded",
        status: Some(CellStatus::Succeeded),
        en: "Succeeded",
        ja: "成功",
    },
    Column {
        key: "failed",
        status: Some(CellStatus::Failed),
        en: "Failed",
        ja: "失敗",
    },
    Column {
        key: "timed_out",
        status: Some(CellStatus::TimedOut),
        en: "Timed out",
        ja: "タイムアウト",
    },
    Column {
        key: "aborted",
        status: Some(CellStatus::Aborted),
        en: "Aborted",
        ja: "中止",
    },
    Column {
        key: "total",
        status: None,
        en: "Total",
        ja: "合計",
    },
];

/// The counts table and the tolerance gauge: markup (see `crate::markup`), redrawn only when
/// a number in them changes.
fn body_markup(lang: Lang, items: &Counts, executions: &Counts, tolerance: &Gauge) -> Markup {
    let mut out = Markup::new();
    out.open(
        "table",
        &[
            ("class", "map-run-counts"),
            ("data-testid", "map-run-counts"),
        ],
    )
    .open("thead", &[])
    .open("tr", &[])
    .open("th", &[("scope", "col")])
    .element(
        "span",
        &[("class", "visually-hidden")],
        lang.t("Counted", "対象"),
    )
    .close("th");
    for column in &COLUMNS {
        match column.status {
            Some(status) => {
                out.open(
                    "th",
                    &[
                        ("scope", "col"),
                        ("class", &format!("count-head status-{}", status.key())),
                    ],
                )
                .element(
                    "span",
                    &[("class", "count-glyph"), ("aria-hidden", "true")],
                    status.glyph(),
                );
            }
            None => {
                out.open("th", &[("scope", "col"), ("class", "count-head")]);
            }
        }
        out.text(column.label(lang)).close("th");
    }
    out.close("tr").close("thead").open("tbody", &[]);
    count_row(&mut out, lang.t("Items", "アイテム"), "items", items);
    count_row(
        &mut out,
        lang.t("Child executions", "子実行"),
        "executions",
        executions,
    );
    out.close("tbody").close("table");
    tolerance.write(&mut out, lang);
    out
}

fn count_row(out: &mut Markup, label: &'static str, row: &'static str, counts: &Counts) {
    let values = [
        counts.pending,
        counts.running,
        counts.succeeded,
        counts.failed,
        counts.timed_out,
        counts.aborted,
        counts.total,
    ];
    out.open("tr", &[])
        .element("th", &[("scope", "row")], label);
    for (column, value) in COLUMNS.iter().zip(values) {
        out.element(
            "td",
            &[
                (
                    "class",
                    if value == 0 {
                        "count-cell count-cell-zero"
                    } else {
                        "count-cell"
                    },
                ),
                ("data-count", &format!("{row}-{}", column.key)),
            ],
            &count(value),
        );
    }
    out.close("tr");
}

/// The failed items of a Map Run against its tolerance.
#[derive(Debug, Clone, PartialEq)]
struct Gauge {
    failed: u64,
    total: u64,
    count_limit: Option<u64>,
    percentage_limit: Option<f64>,
    exceeded: bool,
}

impl Gauge {
    fn of(run: &MapRun) -> Gauge {
        let failed = run.item_counts.failed + run.item_counts.timed_out;
        let total = run.item_counts.total;
        Gauge {
            failed,
            total,
            count_limit: run.tolerated_count,
            percentage_limit: run.tolerated_percentage,
            exceeded: run.verdict.is_some()
                || engine::sim::tolerance_exceeded(
                    failed,
                    total,
                    run.tolerated_count,
                    run.tolerated_percentage,
                ),
        }
    }

    /// The most failed items each limit tolerates (failing needs one more).
    fn limits(&self) -> Vec<(LimitKind, f64)> {
        let mut limits = Vec::new();
        if let Some(limit) = self.count_limit {
            limits.push((LimitKind::Count(limit), limit as f64));
        }
        if let Some(limit) = self.percentage_limit {
            limits.push((
                LimitKind::Percentage(limit),
                limit * self.total as f64 / 100.0,
            ));
        }
        if limits.is_empty() {
            limits.push((LimitKind::None, 0.0));
        }
        limits
    }

    /// The gauge's full width, in items: room for the limits and the failures.
    fn scale(&self) -> f64 {
        let highest_limit = self
            .limits()
            .iter()
            .map(|(_, at)| *at)
            .fold(0.0_f64, f64::max);
        (highest_limit * 1.25)
            .max(self.failed as f64 * 1.1)
            .max(4.0)
            .min(self.total.max(1) as f64)
    }

    fn write(&self, out: &mut Markup, lang: Lang) {
        let scale = self.scale();
        let position = |items: f64| (items / scale * 100.0).clamp(0.0, 100.0);
        let share = if self.total == 0 {
            0.0
        } else {
            self.failed as f64 * 100.0 / self.total as f64
        };
        let summary = match lang {
            Lang::En => format!(
                "{} failed {} of {} ({} %)",
                count(self.failed),
                if self.failed == 1 { "item" } else { "items" },
                count(self.total),
                percent(share)
            ),
            Lang::Ja => format!(
                "{} 件中 失敗 {} 件({} %)",
                count(self.total),
                count(self.failed),
                percent(share)
            ),
        };
        let (state_class, state_text) = if self.exceeded {
            (
                "gauge gauge-exceeded",
                lang.t("✕ over the threshold", "✕ しきい値超過"),
            )
        } else {
            (
                "gauge gauge-within",
                lang.t("✓ within tolerance", "✓ 許容範囲内"),
            )
        };
        let limits = self.limits();
        out.open(
            "div",
            &[("class", state_class), ("data-testid", "tolerance-gauge")],
        )
        .open("div", &[("class", "gauge-head")])
        .element(
            "span",
            &[("class", "gauge-title")],
            lang.t("Tolerance", "許容失敗"),
        )
        .element(
            "span",
            &[
                ("class", "gauge-summary"),
                ("data-testid", "tolerance-summary"),
            ],
            &summary,
        )
        .element("span", &[("class", "gauge-state")], state_text)
        .close("div")
        .open(
            "div",
            &[
                ("class", "gauge-track"),
                ("role", "img"),
                ("aria-label", &self.describe(lang)),
            ],
        )
        .open(
            "div",
            &[
                ("class", "gauge-fill"),
                (
                    "style",
                    &format!("width: {:.3}%", position(self.failed as f64)),
                ),
            ],
        )
        .close("div");
        for (kind, at) in &limits {
            out.open(
                "div",
                &[
                    ("class", "gauge-limit"),
                    ("style", &format!("left: {:.3}%", position(*at))),
                ],
            )
            .element("span", &[("class", "gauge-limit-label")], &kind.short(lang))
            .close("div");
        }
        out.close("div").open("ul", &[("class", "gauge-rules")]);
        for (kind, at) in &limits {
            out.element("li", &[], &kind.rule(lang, *at, self.total));
        }
        out.close("ul").close("div");
    }

    fn describe(&self, lang: Lang) -> String {
        let limits: Vec<String> = self
            .limits()
            .iter()
            .map(|(kind, at)| kind.rule(lang, *at, self.total))
            .collect();
        match lang {
            Lang::En => format!("{} failed items; {}", count(self.failed), limits.join("; ")),
            Lang::Ja => format!("失敗 {} 件。{}", count(self.failed), limits.join("。")),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum LimitKind {
    None,
    Count(u64),
    Percentage(f64),
}

impl LimitKind {
    fn short(self, lang: Lang) -> String {
        match self {
            LimitKind::None => lang.t("0 tolerated", "許容 0").to_string(),
            LimitKind::Count(limit) => format!("{} {}", lang.t("count", "件数"), count(limit)),
            LimitKind::Percentage(limit) => format!("{} %", percent(limit)),
        }
    }

    fn rule(self, lang: Lang, at: f64, total: u64) -> String {
        match (self, lang) {
            (LimitKind::None, Lang::En) => {
                "No ToleratedFailureCount or ToleratedFailurePercentage: the first failed item fails the Map Run".into()
            }
            (LimitKind::None, Lang::Ja) => {
                "ToleratedFailureCount / ToleratedFailurePercentage の指定なし: 最初の失敗でマップランが失敗します".into()
            }
            (LimitKind::Count(limit), Lang::En) => format!(
                "ToleratedFailureCount {}: fails at {} failed items",
                count(limit),
                count(limit.saturating_add(1))
            ),
            (LimitKind::Count(limit), Lang::Ja) => format!(
                "ToleratedFailureCount {}: 失敗 {} 件で失敗",
                count(limit),
                count(limit.saturating_add(1))
            ),
            (LimitKind::Percentage(limit), Lang::En) => format!(
                "ToleratedFailurePercentage {} % of {} items = {}: fails above that",
                percent(limit),
                count(total),
                percent(at)
            ),
            (LimitKind::Percentage(limit), Lang::Ja) => format!(
                "ToleratedFailurePercentage {} %({} 件の {} 件): これを超えると失敗",
                percent(limit),
                count(total),
                percent(at)
            ),
        }
    }
}

fn state_name(sim: &engine::sim::Simulation, run: &MapRun) -> String {
    sim.program()
        .states
        .get(run.setup.state as usize)
        .map_or_else(String::new, |state| state.name.to_string())
}

fn run_label(
    lang: Lang,
    sim: &engine::sim::Simulation,
    runs: &[MapRun],
    index: usize,
    run: &MapRun,
) -> String {
    let name = state_name(sim, run);
    // Earlier Map Runs of the same state are its earlier attempts (Map-level Retry) or, for a
    // nested map, its runs in other children.
    let ordinal = runs
        .iter()
        .take(index)
        .filter(|other| other.setup.state == run.setup.state)
        .count()
        + 1;
    let status = status_text(lang, run.status);
    match (run.setup.nested, lang) {
        (false, Lang::En) => format!("#{} {name} · run {ordinal} · {status}", index + 1),
        (false, Lang::Ja) => format!("#{} {name} · {ordinal} 回目 · {status}", index + 1),
        (true, Lang::En) => format!("#{} {name} (nested) · {status}", index + 1),
        (true, Lang::Ja) => format!("#{} {name}(入れ子)· {status}", index + 1),
    }
}

fn status_text(lang: Lang, status: RunStatus) -> &'static str {
    match status {
        RunStatus::Running => lang.t("RUNNING", "実行中"),
        RunStatus::Succeeded => lang.t("SUCCEEDED", "成功"),
        RunStatus::Failed => lang.t("FAILED", "失敗"),
        RunStatus::Aborted => lang.t("ABORTED", "中止"),
    }
}

fn status_class(status: RunStatus) -> &'static str {
    match status {
        RunStatus::Running => "run-running",
        RunStatus::Succeeded => "run-succeeded",
        RunStatus::Failed => "run-failed",
        RunStatus::Aborted => "run-aborted",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gauge(failed: u64, total: u64, count: Option<u64>, percentage: Option<f64>) -> Gauge {
        Gauge {
            failed,
            total,
            count_limit: count,
            percentage_limit: percentage,
            exceeded: false,
        }
    }

    #[test]
    fn limits_are_in_items_and_the_scale_leaves_room_for_them() {
        let both = gauge(51, 10_000, Some(50), Some(5.0));
        assert_eq!(
            both.limits(),
            vec![
                (LimitKind::Count(50), 50.0),
                (LimitKind::Percentage(5.0), 500.0)
            ]
        );
        assert_eq!(both.scale(), 625.0);
        let none = gauge(0, 100, None, None);
        assert_eq!(none.limits(), vec![(LimitKind::None, 0.0)]);
        assert_eq!(none.scale(), 4.0);
        // Never wider than the number of items.
        assert_eq!(gauge(3, 10, None, Some(100.0)).scale(), 10.0);
        assert!((gauge(900, 1000, Some(10), None).scale() - 990.0).abs() < 1e-9);
    }
}
