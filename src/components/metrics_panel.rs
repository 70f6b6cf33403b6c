//! The Metrics tab: what CloudWatch would chart of the run — any metric the run publishes with
//! a statistic and period of the reader's choosing, each alarm of the scenario over its own
//! metric (threshold, ALARM periods, transitions with CloudWatch's reasons, the moment the Map
//! Run failed), and a pasted dashboard body drawn from the simulation.
//!
//! Every figure is the engine's (`engine::monitor`) and every rule CloudWatch's (`cloudwatch`);
//! this file only picks, draws and says. The charts are markup text (`chart.rs`); while the run
//! plays they are recomputed a few times a second at most, and only while the tab is shown.

pub mod chart;
pub mod dashboard;

use std::cell::RefCell;
use std::rc::Rc;

use cloudwatch::{AlarmState, Comparison, Statistic, WidgetKind};
use engine::monitor::{self, AlarmReport, Datapoints, MetricId};
use engine::sim::{RunStatus, Simulation};
use web_sys::{HtmlSelectElement, HtmlTextAreaElement};
use yew::prelude::*;

use self::chart::{Chart, Level, Line, Moment, PALETTE};
use crate::components::logs_panel::results_markup;
use crate::components::timeline_chart::nice_span;
use crate::i18n::Lang;
use crate::markup::Markup;
use crate::run_status::{clock_seconds, duration};
use crate::sim_frame::SimFrame;

/// How often the charts are recomputed while the run plays (as the timeline chart).
const LIVE_REDRAW_MS: f64 = 250.0;

/// The statistics the picker offers, in CloudWatch's spelling.
pub const STATISTICS: [&str; 8] = [
    "Sum",
    "Average",
    "Minimum",
    "Maximum",
    "SampleCount",
    "p50",
    "p90",
    "p99",
];

/// The periods the picker offers, in seconds.
pub const PERIODS: [u64; 8] = [1, 5, 10, 30, 60, 300, 900, 3600];

/// A dashboard body to start from: the example's children and a log widget.
const DASHBOARD_PLACEHOLDER: &str = r#"{"widgets": [{"type": "metric", "properties": {"title": "Children", "stat": "Sum", "period": 60, "metrics": [["AWS/States", "ExecutionsFailed", "StateMachineArn", "arn:aws:states:us-east-1:123456789012:stateMachine:mapsim/ImportRecords"]]}}]}"#;

/// What the tab keeps while it is not shown: the picks, the pasted dashboard, and the last
/// markup drawn (so a frame that comes too soon after the last drawing reuses it).
#[derive(Clone)]
pub struct MetricsState {
    metric: UseStateHandle<Option<AttrValue>>,
    statistic: UseStateHandle<usize>,
    period: UseStateHandle<u64>,
    dashboard: UseStateHandle<AttrValue>,
    cache: Rc<RefCell<Cache>>,
}

#[derive(Default)]
struct Cache {
    key: Option<Key>,
    frame: u64,
    drawn_at: f64,
    /// The chosen metric's chart and the alarms; the dashboard's widgets (drawn below its text).
    markup: AttrValue,
    widgets: AttrValue,
    /// The dashboard's log widgets, run only when playback is not moving: `(generation,
    /// frame, dashboard text)` and their markup by widget.
    logs_key: Option<(u64, u64, AttrValue)>,
    logs: Vec<(usize, Markup)>,
}

/// What the markup depends on besides the run's progress.
#[derive(Clone, PartialEq)]
struct Key {
    generation: u64,
    lang: Lang,
    run: Option<usize>,
    metric: Option<AttrValue>,
    statistic: usize,
    period: u64,
    dashboard: AttrValue,
}

/// The tab's state, called by the run view so that it outlives switching tabs.
#[hook]
pub fn use_metrics_state() -> MetricsState {
    MetricsState {
        metric: use_state(|| None),
        statistic: use_state(|| 0),
        period: use_state(|| 60),
        dashboard: use_state(AttrValue::default),
        cache: use_mut_ref(Cache::default).clone(),
    }
}

/// The Metrics tab for the run in `frame`; `run` is the Map Run the run view shows (its
/// failure is marked on every chart); `live` while playback moves.
pub fn metrics_panel(
    lang: Lang,
    frame: &SimFrame,
    run: Option<usize>,
    live: bool,
    state: &MetricsState,
) -> Html {
    let Some(sim) = frame.read() else {
        return html! {};
    };
    let metrics = monitor::metrics(&sim);
    let chosen = chosen_metric(&metrics, state.metric.as_deref());
    let key = Key {
        generation: frame.generation,
        lang,
        run,
        metric: chosen.map(|m| AttrValue::from(m.label())),
        statistic: *state.statistic,
        period: *state.period,
        dashboard: (*state.dashboard).clone(),
    };
    let markup = {
        let mut cache = state.cache.borrow_mut();
        let now = crate::playback::performance_now();
        let same = cache.key.as_ref() == Some(&key);
        let fresh_enough = cache.frame == frame.frame
            || (live && now - cache.drawn_at < LIVE_REDRAW_MS && now >= cache.drawn_at);
        if !(same && fresh_enough) {
            if !live {
                refresh_log_widgets(&mut cache, &sim, frame, &key.dashboard, lang);
            }
            let (charts, widgets) = charts_markup(lang, &sim, chosen, &key, &cache.logs, live);
            cache.markup = AttrValue::from(charts);
            cache.widgets = AttrValue::from(widgets);
            cache.key = Some(key.clone());
            cache.frame = frame.frame;
            cache.drawn_at = now;
        }
        (cache.markup.clone(), cache.widgets.clone())
    };
    let (markup, widgets) = markup;
    let groups = metric_groups(lang, &metrics);
    let chosen_label = key.metric.clone();
    drop(sim);

    let on_metric = {
        let metric = state.metric.clone();
        Callback::from(move |event: Event| {
            let select: HtmlSelectElement = event.target_unchecked_into();
            metric.set(Some(AttrValue::from(select.value())));
        })
    };
    let on_statistic = {
        let statistic = state.statistic.clone();
        Callback::from(move |event: Event| {
            let select: HtmlSelectElement = event.target_unchecked_into();
            if let Ok(index) = select.value().parse::<usize>() {
                statistic.set(index.min(STATISTICS.len() - 1));
            }
        })
    };
    let on_period = {
        let period = state.period.clone();
        Callback::from(move |event: Event| {
            let select: HtmlSelectElement = event.target_unchecked_into();
            if let Ok(seconds) = select.value().parse::<u64>() {
                period.set(seconds);
            }
        })
    };
    let on_dashboard = {
        let dashboard = state.dashboard.clone();
        Callback::from(move |event: InputEvent| {
            let area: HtmlTextAreaElement = event.target_unchecked_into();
            dashboard.set(AttrValue::from(area.value()));
        })
    };
    let reading = dashboard::read(&state.dashboard);
    let statistic = *state.statistic;
    let period = *state.period;

    html! {
        <div class="monitor-panel metrics-panel" data-testid="metrics-panel">
            <div class="metrics-controls">
                <label class="field metrics-metric">
                    <span class="field-label">{ lang.t("Metric", "メトリクス") }</span>
                    <select class="select" data-testid="metric-picker" onchange={on_metric}>
                        { for groups.into_iter().map(|(label, items)| html! {
                            <optgroup label={label}>
                                { for items.into_iter().map(|(value, name)| {
                                    let selected = chosen_label.as_deref() == Some(value.as_str());
                                    html! { <option value={value} {selected}>{ name }</option> }
                                }) }
                            </optgroup>
                        }) }
                    </select>
                </label>
                <label class="field">
                    <span class="field-label">{ lang.t("Statistic", "統計") }</span>
                    <select class="select" data-testid="metric-statistic" onchange={on_statistic}>
                        { for STATISTICS.iter().enumerate().map(|(index, name)| html! {
                            <option value={index.to_string()} selected={index == statistic}>{ *name }</option>
                        }) }
                    </select>
                </label>
                <label class="field">
                    <span class="field-label">{ lang.t("Period", "期間") }</span>
                    <select class="select" data-testid="metric-period" onchange={on_period}>
                        { for PERIODS.iter().map(|seconds| html! {
                            <option value={seconds.to_string()} selected={*seconds == period}>
                                { period_text(*seconds) }
                            </option>
                        }) }
                    </select>
                </label>
            </div>
            { Html::from_html_unchecked(markup) }
            <section class="dashboard-area" aria-labelledby="dashboard-heading">
                <h3 id="dashboard-heading" class="monitor-heading">{ lang.t("Dashboard", "ダッシュボード") }</h3>
                <p class="monitor-note">
                    { lang.t(
                        "Paste a CloudWatch dashboard body ({\"widgets\": […]}, as PutDashboard takes it): its metric widgets are drawn from this run, its log widgets run as queries.",
                        "CloudWatch のダッシュボード本文（PutDashboard に渡す {\"widgets\": […]}）を貼り付けてください。メトリクスウィジェットはこの実行から描画し、ログウィジェットはクエリとして実行します。",
                    ) }
                </p>
                <div class="dashboard-input">
                    <textarea
                        class="monitor-textarea"
                        data-testid="dashboard-body"
                        aria-label={lang.t("Dashboard body", "ダッシュボード本文")}
                        aria-describedby="dashboard-problems"
                        spellcheck="false"
                        placeholder={DASHBOARD_PLACEHOLDER}
                        value={(*state.dashboard).clone()}
                        oninput={on_dashboard}
                    />
                    { problems_markup(lang, &reading).html() }
                </div>
                { Html::from_html_unchecked(widgets) }
            </section>
        </div>
    }
}

/// The metric picked, else the one the tab opens on: the Distributed Map children's
/// `ExecutionsFailed` (the failures that decide a Map Run), else the parent's, else the first.
fn chosen_metric<'a>(metrics: &'a [MetricId], picked: Option<&str>) -> Option<&'a MetricId> {
    if let Some(picked) = picked {
        if let Some(metric) = metrics.iter().find(|m| m.label() == picked) {
            return Some(metric);
        }
    }
    let failed = |child: bool| {
        metrics.iter().find(|m| {
            m.name == "ExecutionsFailed"
                && m.dimensions.iter().any(|(_, v)| v.contains('/') == child)
        })
    };
    failed(true).or_else(|| failed(false)).or(metrics.first())
}

/// The picker's groups: one per state machine, Lambda function or integration, each with
/// `(value, metric name)` options.
fn metric_groups(lang: Lang, metrics: &[MetricId]) -> Vec<(String, Vec<(String, String)>)> {
    let mut groups: Vec<(String, Vec<(String, String)>)> = Vec::new();
    for metric in metrics {
        let label = group_label(lang, metric);
        let option = (metric.label(), metric.name.clone());
        match groups.iter_mut().find(|(l, _)| *l == label) {
            Some((_, items)) => items.push(option),
            None => groups.push((label, vec![option])),
        }
    }
    groups
}

fn group_label(lang: Lang, metric: &MetricId) -> String {
    let Some((name, value)) = metric.dimensions.first() else {
        return metric.namespace.clone();
    };
    match name.as_str() {
        "StateMachineArn" => {
            let machine = value
                .split_once(":stateMachine:")
                .map_or(value.as_str(), |(_, m)| m);
            format!(
                "{} · {machine}",
                lang.t("Step Functions executions", "Step Functions の実行")
            )
        }
        "LambdaFunctionArn" => format!(
            "{} · {}",
            lang.t("Lambda tasks (AWS/States)", "Lambda タスク（AWS/States）"),
            value.rsplit(':').next().unwrap_or(value)
        ),
        "ServiceIntegrationResourceArn" => format!(
            "{} · {value}",
            lang.t("Integrations (AWS/States)", "サービス統合（AWS/States）")
        ),
        _ => format!("{} · {value}", metric.namespace),
    }
}

/// A period as CloudWatch's console writes it: `10 s`, `5 min`, `1 h`.
pub fn period_text(seconds: u64) -> String {
    if seconds >= 3600 && seconds.is_multiple_of(3600) {
        format!("{} h", seconds / 3600)
    } else if seconds >= 60 && seconds.is_multiple_of(60) {
        format!("{} min", seconds / 60)
    } else {
        format!("{seconds} s")
    }
}

/// A statistic of the picker, with Sum when the text is not one.
fn statistic(index: usize) -> Statistic {
    STATISTICS
        .get(index)
        .and_then(|name| Statistic::parse(name))
        .unwrap_or(Statistic::Sum)
}

/// How much virtual time the charts show: the whole run once it ended, else a round span
/// beyond now (as the timeline chart).
fn span_ms(sim: &Simulation) -> f64 {
    match sim.outcome() {
        Some(outcome) => outcome.end_ms.max(1) as f64,
        None => nice_span(sim.now_ms().max(1)) as f64,
    }
}

/// When the shown Map Run failed, if it did.
fn map_run_failed_ms(sim: &Simulation, run: Option<usize>) -> Option<u64> {
    let run = sim.map_runs().get(run?)?;
    if run.status != RunStatus::Failed {
        return None;
    }
    run.verdict.as_ref().map(|v| v.at_ms).or(run.ended_ms)
}

fn failure_moment(lang: Lang, at: Option<u64>) -> Vec<Moment> {
    at.map(|at| Moment {
        at_ms: at as f64,
        label: format!(
            "✕ {} {}",
            lang.t("Map Run failed", "マップラン失敗"),
            clock_seconds(at)
        ),
    })
    .into_iter()
    .collect()
}

/// A chart line of datapoints.
fn line_of(sim: &Simulation, points: &Datapoints, label: String, color: usize) -> Line {
    let (color, dash) = PALETTE[color % PALETTE.len()];
    Line {
        label,
        color,
        dash,
        first_ms: (points.first_period_ms - sim.start_epoch_ms()) as f64,
        period_ms: points.period_seconds as f64 * 1000.0,
        values: points.values.clone(),
    }
}

/// The chosen metric's chart, the alarms and the dashboard's widgets.
fn charts_markup(
    lang: Lang,
    sim: &Simulation,
    chosen: Option<&MetricId>,
    key: &Key,
    logs: &[(usize, Markup)],
    live: bool,
) -> (String, String) {
    let mut out = Markup::new();
    let failed_at = map_run_failed_ms(sim, key.run);
    let span = span_ms(sim);
    let now = sim.now_ms() as f64;

    // The metric picked.
    out.open(
        "section",
        &[("class", "metric-main"), ("data-testid", "metric-main")],
    );
    match chosen {
        None => {
            out.element(
                "p",
                &[("class", "monitor-note")],
                lang.t(
                    "This run publishes no metrics.",
                    "この実行はメトリクスを発行しません。",
                ),
            );
        }
        Some(metric) => {
            let stat = statistic(key.statistic);
            out.open("h3", &[("class", "monitor-heading")])
                .text(&metric.name)
                .element(
                    "span",
                    &[("class", "monitor-subtle")],
                    &format!(
                        " {} · {} · {}",
                        stat.name(),
                        match lang {
                            Lang::En => format!("per {}", period_text(key.period)),
                            Lang::Ja => format!("{} ごと", period_text(key.period)),
                        },
                        metric
                            .dimensions
                            .iter()
                            .map(|(n, v)| format!("{n}={v}"))
                            .collect::<Vec<_>>()
                            .join(" ")
                    ),
                )
                .close("h3");
            match monitor::datapoints(sim, metric, stat, key.period, sim.now_ms()) {
                Ok(points) => {
                    let chart = Chart {
                        description: match lang {
                            Lang::En => format!(
                                "{} {} per {} over virtual time",
                                metric.name,
                                stat.name(),
                                period_text(key.period)
                            ),
                            Lang::Ja => format!(
                                "仮想時間での {} の {}（{} ごと）",
                                metric.name,
                                stat.name(),
                                period_text(key.period)
                            ),
                        },
                        lines: vec![line_of(sim, &points, String::new(), 0)],
                        span_ms: span,
                        moments: failure_moment(lang, failed_at),
                        now_ms: Some(now),
                        ..Chart::default()
                    };
                    chart::write(&mut out, &chart, "metric-chart");
                    let published = points.values.iter().flatten().count();
                    out.element(
                        "p",
                        &[("class", "monitor-subtle")],
                        &match lang {
                            Lang::En => format!(
                                "{published} of {} periods have data (a gap is a period with nothing published) · now {}",
                                points.values.len(),
                                clock_seconds(sim.now_ms())
                            ),
                            Lang::Ja => format!(
                                "{} 期間中 {published} 期間にデータがあります（途切れはデータのない期間）· 現在 {}",
                                points.values.len(),
                                clock_seconds(sim.now_ms())
                            ),
                        },
                    );
                }
                Err(error) => {
                    out.element(
                        "p",
                        &[("class", "monitor-problem"), ("role", "status")],
                        &error.to_string(),
                    );
                }
            }
        }
    }
    out.close("section");

    // The scenario's alarms.
    let alarms = monitor::evaluate_alarms(sim);
    out.open(
        "section",
        &[("class", "alarms"), ("aria-labelledby", "alarms-heading")],
    )
    .element(
        "h3",
        &[("id", "alarms-heading"), ("class", "monitor-heading")],
        lang.t("Alarms", "アラーム"),
    );
    if alarms.is_empty() {
        out.element(
            "p",
            &[("class", "monitor-note"), ("data-testid", "no-alarms")],
            lang.t(
                "The scenario has no alarms. Add \"alarms\": [ … ] to it, each as PutMetricAlarm takes it, to see when CloudWatch would have paged you.",
                "シナリオにアラームがありません。PutMetricAlarm と同じ形のアラームを \"alarms\": [ … ] としてシナリオに加えると、CloudWatch がいつ通知したかを確認できます。",
            ),
        );
    }
    for (index, alarm) in alarms.iter().enumerate() {
        alarm_markup(&mut out, lang, sim, alarm, index, failed_at, span, now);
    }
    out.close("section");

    let charts = std::mem::take(&mut out).into_string();

    // The dashboard's widgets.
    let reading = dashboard::read(&key.dashboard);
    if let Some(board) = &reading.dashboard {
        out.open(
            "div",
            &[
                ("class", "dashboard-widgets"),
                ("data-testid", "dashboard-widgets"),
            ],
        );
        for (index, widget) in board.widgets.iter().enumerate() {
            out.open(
                "section",
                &[
                    ("class", "dashboard-widget"),
                    ("data-testid", "dashboard-widget"),
                ],
            );
            match &widget.kind {
                WidgetKind::Metric {
                    title,
                    metrics,
                    horizontal_annotations,
                    view,
                    ..
                } => {
                    out.element(
                        "h4",
                        &[("class", "widget-title")],
                        title
                            .as_deref()
                            .unwrap_or(lang.t("Metric widget", "メトリクスウィジェット")),
                    );
                    let mut lines = Vec::new();
                    for (n, row) in metrics.iter().enumerate() {
                        if !dashboard::line_is_known(row) {
                            continue;
                        }
                        let metric = MetricId {
                            namespace: row.namespace.clone(),
                            name: row.metric_name.clone(),
                            dimensions: row.dimensions.clone(),
                        };
                        match monitor::datapoints(
                            sim,
                            &metric,
                            row.stat,
                            row.period_seconds,
                            sim.now_ms(),
                        ) {
                            Ok(points) => {
                                let label = row.label.clone().unwrap_or_else(|| {
                                    format!("{} {}", row.metric_name, row.stat.name())
                                });
                                lines.push(line_of(sim, &points, label, n));
                            }
                            Err(error) => {
                                out.element(
                                    "p",
                                    &[("class", "monitor-problem")],
                                    &error.to_string(),
                                );
                            }
                        }
                    }
                    if view != "timeSeries" {
                        out.element(
                            "p",
                            &[("class", "monitor-subtle")],
                            &match lang {
                                Lang::En => {
                                    format!("Its view \"{view}\" is drawn as a time series.")
                                }
                                Lang::Ja => {
                                    format!("表示形式 \"{view}\" は時系列グラフとして描画します。")
                                }
                            },
                        );
                    }
                    if lines.is_empty() {
                        out.element(
                            "p",
                            &[("class", "monitor-note")],
                            lang.t(
                                "No line of this widget can be drawn (see the problems beside the text).",
                                "このウィジェットには描画できる線がありません（本文の横の問題を参照）。",
                            ),
                        );
                    } else {
                        let chart = Chart {
                            description: title.clone().unwrap_or_default(),
                            lines,
                            span_ms: span,
                            levels: horizontal_annotations
                                .iter()
                                .map(|(value, label)| Level {
                                    value: *value,
                                    label: label
                                        .clone()
                                        .unwrap_or_else(|| chart::value_text(*value)),
                                })
                                .collect(),
                            moments: failure_moment(lang, failed_at),
                            now_ms: Some(now),
                            ..Chart::default()
                        };
                        chart::write(&mut out, &chart, "dashboard-chart");
                    }
                }
                WidgetKind::Log { title, query, .. } => {
                    out.element(
                        "h4",
                        &[("class", "widget-title")],
                        title
                            .as_deref()
                            .unwrap_or(lang.t("Log widget", "ログウィジェット")),
                    )
                    .element("pre", &[("class", "widget-query")], query);
                    match logs.iter().find(|(i, _)| *i == index) {
                        Some((_, markup)) => {
                            out.append(markup);
                        }
                        None => {
                            out.element(
                                "p",
                                &[("class", "monitor-note")],
                                lang.t(
                                    "The query runs when playback pauses.",
                                    "クエリは再生を一時停止すると実行します。",
                                ),
                            );
                        }
                    }
                    if live && logs.iter().any(|(i, _)| *i == index) {
                        out.element(
                            "p",
                            &[("class", "monitor-subtle")],
                            lang.t(
                                "Results as of the last pause.",
                                "結果は最後に一時停止した時点のものです。",
                            ),
                        );
                    }
                }
                WidgetKind::Text { .. } => {
                    out.element(
                        "p",
                        &[("class", "monitor-note")],
                        lang.t(
                            "A text widget: not drawn.",
                            "テキストウィジェット: 描画しません。",
                        ),
                    );
                }
                WidgetKind::Other { type_name } => {
                    out.element(
                        "p",
                        &[("class", "monitor-note")],
                        &match lang {
                            Lang::En => format!("A widget of type \"{type_name}\": not drawn."),
                            Lang::Ja => {
                                format!("種類 \"{type_name}\" のウィジェット: 描画しません。")
                            }
                        },
                    );
                }
            }
            out.close("section");
        }
        out.close("div");
    }
    (charts, out.into_string())
}

/// Runs the dashboard's log widgets once for this frame (when playback is not moving: a query
/// reads every log line of the run).
fn refresh_log_widgets(
    cache: &mut Cache,
    sim: &Simulation,
    frame: &SimFrame,
    text: &AttrValue,
    lang: Lang,
) {
    let key = (frame.generation, frame.frame, text.clone());
    if cache.logs_key.as_ref() == Some(&key) {
        return;
    }
    cache.logs.clear();
    if let Some(board) = dashboard::read(text).dashboard {
        for (index, widget) in board.widgets.iter().enumerate() {
            let WidgetKind::Log {
                query, log_groups, ..
            } = &widget.kind
            else {
                continue;
            };
            let mut full = String::new();
            for group in log_groups {
                full.push_str(&format!("SOURCE '{group}' | "));
            }
            full.push_str(query);
            let mut out = Markup::new();
            match monitor::logs::query(sim, &full) {
                Ok(result) => results_markup(&mut out, lang, &result),
                Err(error) => {
                    out.element(
                        "p",
                        &[("class", "monitor-problem")],
                        &format!("{}:{}: {}", error.line, error.column, error.message),
                    );
                }
            }
            cache.logs.push((index, out));
        }
    }
    cache.logs_key = Some(key);
}

/// The comparison as a sign.
fn comparison_sign(comparison: Comparison) -> &'static str {
    match comparison {
        Comparison::GreaterThanThreshold => ">",
        Comparison::GreaterThanOrEqualToThreshold => "≥",
        Comparison::LessThanThreshold => "<",
        Comparison::LessThanOrEqualToThreshold => "≤",
    }
}

fn state_word(lang: Lang, state: &str) -> &'static str {
    match state {
        "ALARM" => lang.t("ALARM", "ALARM（警告）"),
        "OK" => lang.t("OK", "OK（正常）"),
        _ => lang.t("INSUFFICIENT_DATA", "INSUFFICIENT_DATA（データ不足）"),
    }
}

/// One alarm: its state, rule, chart and transitions.
#[allow(clippy::too_many_arguments)]
fn alarm_markup(
    out: &mut Markup,
    lang: Lang,
    sim: &Simulation,
    alarm: &AlarmReport,
    index: usize,
    failed_at: Option<u64>,
    span: f64,
    now: f64,
) {
    let spec = &alarm.spec;
    let period_ms = spec.period_seconds as f64 * 1000.0;
    let sign = comparison_sign(spec.comparison);
    let threshold = chart::value_text(spec.threshold);
    out.open(
        "article",
        &[
            ("class", "alarm"),
            ("data-state", &alarm.state),
            ("data-testid", "alarm"),
        ],
    )
    .open("header", &[("class", "alarm-header")])
    .element("h4", &[("class", "alarm-name")], &alarm.name)
    .element(
        "span",
        &[("class", "chip alarm-state"), ("data-state", &alarm.state)],
        state_word(lang, &alarm.state),
    )
    .close("header");
    let rule = match lang {
        Lang::En => format!(
            "{} {} per {} {sign} {threshold} for {} of {} periods",
            spec.metric_name,
            spec.statistic.name(),
            period_text(spec.period_seconds),
            spec.datapoints_to_alarm,
            spec.evaluation_periods
        ),
        Lang::Ja => format!(
            "{} の {}（{} ごと）{sign} {threshold} が {} 期間中 {} 期間",
            spec.metric_name,
            spec.statistic.name(),
            period_text(spec.period_seconds),
            spec.evaluation_periods,
            spec.datapoints_to_alarm
        ),
    };
    out.element("p", &[("class", "alarm-rule")], &rule);
    if let Some(description) = &spec.description {
        out.element(
            "p",
            &[("class", "monitor-subtle"), ("lang", "en")],
            description,
        );
    }
    let first_ms = (alarm.datapoints.first_period_ms - sim.start_epoch_ms()) as f64;
    let shaded = alarm
        .states
        .iter()
        .enumerate()
        .filter(|(_, state)| **state == AlarmState::Alarm)
        // State i holds from the end of period i (when it was evaluated) to the next
        // evaluation: the time the alarm was in ALARM, as the transitions list it.
        .map(|(i, _)| {
            let start = first_ms + (i + 1) as f64 * period_ms;
            (start, start + period_ms)
        })
        .collect();
    let chart = Chart {
        description: format!("{}: {rule}", alarm.name),
        lines: vec![line_of(sim, &alarm.datapoints, String::new(), index + 1)],
        span_ms: span,
        levels: vec![Level {
            value: spec.threshold,
            label: format!("{} {sign} {threshold}", lang.t("threshold", "しきい値")),
        }],
        shaded,
        moments: failure_moment(lang, failed_at),
        now_ms: Some(now),
    };
    chart::write(out, &chart, "alarm-chart");
    // When it first paged, against the Map Run's failure: the lesson of the example.
    let first_alarm = alarm
        .transitions
        .iter()
        .find(|t| t.to == "ALARM")
        .map(|t| (t.at_seconds * 1000.0).max(0.0) as u64);
    if let (Some(paged), Some(failed)) = (first_alarm, failed_at) {
        let (gap, before) = if paged <= failed {
            (failed - paged, true)
        } else {
            (paged - failed, false)
        };
        let text = match (lang, before) {
            (Lang::En, true) => format!(
                "Went into ALARM {} before the Map Run failed.",
                duration(gap)
            ),
            (Lang::En, false) => format!(
                "Went into ALARM {} after the Map Run had already failed: too late to act.",
                duration(gap)
            ),
            (Lang::Ja, true) => format!(
                "マップランが失敗する {} 前に ALARM になりました。",
                duration(gap)
            ),
            (Lang::Ja, false) => format!(
                "マップランが失敗してから {} 後に ALARM になりました。対処には間に合いません。",
                duration(gap)
            ),
        };
        out.element(
            "p",
            &[
                (
                    "class",
                    if before {
                        "alarm-timing alarm-in-time"
                    } else {
                        "alarm-timing alarm-late"
                    },
                ),
                ("data-testid", "alarm-timing"),
            ],
            &text,
        );
    }
    if alarm.transitions.is_empty() {
        out.element(
            "p",
            &[("class", "monitor-subtle")],
            &match lang {
                Lang::En => format!("No state change so far: {}.", alarm.state),
                Lang::Ja => format!("状態の変化はまだありません: {}。", alarm.state),
            },
        );
    } else {
        out.open(
            "table",
            &[
                ("class", "monitor-table alarm-transitions"),
                ("data-testid", "alarm-transitions"),
            ],
        )
        .element(
            "caption",
            &[("class", "visually-hidden")],
            &match lang {
                Lang::En => format!("State changes of {}", alarm.name),
                Lang::Ja => format!("{} の状態の変化", alarm.name),
            },
        )
        .open("thead", &[])
        .open("tr", &[])
        .element("th", &[("scope", "col")], lang.t("Time", "時刻"))
        .element("th", &[("scope", "col")], lang.t("Change", "変化"))
        .element(
            "th",
            &[("scope", "col")],
            lang.t("CloudWatch's reason", "CloudWatch の理由"),
        )
        .close("tr")
        .close("thead")
        .open("tbody", &[]);
        for transition in &alarm.transitions {
            let at = (transition.at_seconds * 1000.0).max(0.0) as u64;
            out.open("tr", &[("data-to", &transition.to)])
                .element("td", &[("class", "numeric")], &clock_seconds(at))
                .open("td", &[("class", "alarm-change")])
                .element(
                    "span",
                    &[("data-state", &transition.from)],
                    &transition.from,
                )
                .text(" → ")
                .element("span", &[("data-state", &transition.to)], &transition.to)
                .close("td")
                .element(
                    "td",
                    &[("class", "alarm-reason"), ("lang", "en")],
                    &transition.reason,
                )
                .close("tr");
        }
        out.close("tbody").close("table").close("div");
    }
    out.close("article");
}

/// The pasted dashboard's problems, beside the text.
fn problems_markup(lang: Lang, reading: &dashboard::Reading) -> Markup {
    let mut out = Markup::new();
    out.open(
        "div",
        &[
            ("class", "monitor-problems"),
            ("id", "dashboard-problems"),
            ("data-testid", "dashboard-problems"),
            ("aria-live", "polite"),
        ],
    );
    if reading.problems.is_empty() {
        let text = match &reading.dashboard {
            None => lang.t("Nothing pasted yet.", "まだ何も貼り付けられていません。"),
            Some(_) => lang.t(
                "The body reads well: every metric is one this run publishes.",
                "本文に問題はありません。どのメトリクスもこの実行が発行するものです。",
            ),
        };
        out.element("p", &[("class", "monitor-subtle")], text);
    } else {
        out.open("ul", &[("class", "monitor-problem-list")]);
        for problem in &reading.problems {
            out.open(
                "li",
                &[
                    ("class", "monitor-problem"),
                    ("data-testid", "dashboard-problem"),
                ],
            );
            if let Some((line, column)) = problem.at {
                out.element(
                    "span",
                    &[("class", "problem-at")],
                    &format!("{line}:{column}"),
                );
            }
            out.element("span", &[("lang", "en")], &problem.message)
                .close("li");
        }
        out.close("ul");
    }
    out.close("div");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn metric(name: &str, arn: &str) -> MetricId {
        MetricId {
            namespace: "AWS/States".into(),
            name: name.into(),
            dimensions: vec![("StateMachineArn".into(), arn.into())],
        }
    }

    /// The monitoring example run to its end.
    fn monitoring_run() -> Simulation {
        let loaded = asl::load(
            include_str!("../../static/examples/monitoring-alarms.asl.json"),
            &asl::LoadOptions::default(),
        );
        let Some(model) = loaded.runnable() else {
            panic!("the example runs");
        };
        let Ok(scenario) = engine::scenario::parse(include_str!(
            "../../static/examples/monitoring-alarms.scenario.json"
        )) else {
            panic!("the scenario parses");
        };
        let Ok(mut sim) = Simulation::new(model, &scenario, engine::sim::SimOptions::default())
        else {
            panic!("the example simulates");
        };
        sim.run();
        sim
    }

    #[test]
    fn the_monitoring_example_pages_too_late_and_says_so() {
        let sim = monitoring_run();
        let metrics = monitor::metrics(&sim);
        let key = Key {
            generation: 1,
            lang: Lang::En,
            run: Some(0),
            metric: None,
            statistic: 0,
            period: 60,
            dashboard: AttrValue::from(""),
        };
        let (charts, widgets) = charts_markup(
            Lang::En,
            &sim,
            chosen_metric(&metrics, None),
            &key,
            &[],
            false,
        );
        assert!(widgets.is_empty(), "no dashboard, no widgets");
        assert_eq!(charts.matches("data-testid=\"alarm\"").count(), 2);
        assert!(
            charts.contains("OK</span> → <span data-state=\"ALARM\">"),
            "{charts}"
        );
        assert!(charts.contains("Threshold Crossed"));
        assert!(charts.contains("✕ Map Run failed"));
        // The example's lesson: the child-failure alarm fires after the Map Run has failed.
        assert!(
            charts.contains("after the Map Run had already failed"),
            "{charts}"
        );
    }

    #[test]
    fn the_tab_opens_on_the_childrens_failures() {
        let parent = "arn:aws:states:us-east-1:1:stateMachine:mapsim";
        let child = "arn:aws:states:us-east-1:1:stateMachine:mapsim/Run";
        let metrics = vec![
            metric("ExecutionsStarted", parent),
            metric("ExecutionsFailed", parent),
            metric("ExecutionsFailed", child),
        ];
        assert_eq!(chosen_metric(&metrics, None), Some(&metrics[2]));
        let picked = metrics[0].label();
        assert_eq!(chosen_metric(&metrics, Some(&picked)), Some(&metrics[0]));
        assert_eq!(
            chosen_metric(&metrics, Some("gone")),
            Some(&metrics[2]),
            "a pick the run no longer has falls back"
        );
        assert_eq!(chosen_metric(&[], None), None);
    }

    #[test]
    fn metrics_are_grouped_by_what_publishes_them() {
        let parent = "arn:aws:states:us-east-1:1:stateMachine:mapsim";
        let child = "arn:aws:states:us-east-1:1:stateMachine:mapsim/Run";
        let metrics = vec![
            metric("ExecutionsStarted", parent),
            metric("ExecutionsStarted", child),
            metric("ExecutionsFailed", parent),
            MetricId {
                namespace: "AWS/Lambda".into(),
                name: "Errors".into(),
                dimensions: vec![("FunctionName".into(), "validate".into())],
            },
        ];
        let groups = metric_groups(Lang::En, &metrics);
        let labels: Vec<&str> = groups.iter().map(|(l, _)| l.as_str()).collect();
        assert_eq!(
            labels,
            [
                "Step Functions executions · mapsim",
                "Step Functions executions · mapsim/Run",
                "AWS/Lambda · validate"
            ]
        );
        assert_eq!(groups[0].1.len(), 2);
    }

    #[test]
    fn every_offered_statistic_and_period_is_one_cloudwatch_takes() {
        for name in STATISTICS {
            assert!(Statistic::parse(name).is_some(), "{name}");
        }
        for seconds in PERIODS {
            assert!(monitor::check_period(seconds).is_ok(), "{seconds}");
        }
        assert_eq!(statistic(99), Statistic::Sum);
        let texts: Vec<String> = PERIODS.iter().map(|s| period_text(*s)).collect();
        assert_eq!(
            texts,
            ["1 s", "5 s", "10 s", "30 s", "1 min", "5 min", "15 min", "1 h"]
        );
        assert_eq!(period_text(90), "90 s");
    }
}
