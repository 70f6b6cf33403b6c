//! The timeline chart: over virtual time, per bucket of the engine's time series — executions
//! started and succeeded (with the number running behind them) above, failed, retried,
//! throttled and caught below — with a marker where the tolerance threshold was crossed and a
//! playhead at the current time.

use engine::report::{Bucket, Series};
use wasm_bindgen::JsCast;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement};
use yew::prelude::*;

use crate::i18n::{count, Lang};
use crate::markup::Markup;
use crate::run_status::{clock_seconds, duration};
use crate::sim_frame::SimFrame;

/// What the chart keeps between renders: its canvas and where the last drawing put virtual
/// time. It lives in the run view's component ([`use_timeline_chart`], which also draws the
/// canvas); the chart is a function drawn by the run view ([`timeline_chart`]) rather than a
/// component of its own, since each component type costs the page a few kilobytes of
/// WebAssembly.
pub struct ChartState {
    canvas: NodeRef,
    axis: std::rc::Rc<std::cell::RefCell<Axis>>,
}

/// How often a live chart is redrawn.
const LIVE_REDRAW_MS: f64 = 250.0;

/// Where the last drawing put virtual time, so the playhead can follow between drawings.
#[derive(Debug, Clone, Copy, Default)]
struct Axis {
    drawn_at: f64,
    generation: u64,
    left: f64,
    right: f64,
    span_ms: f64,
    top: f64,
    bottom: f64,
}

/// One line of the chart.
struct Line {
    key: &'static str,
    en: &'static str,
    ja: &'static str,
    color: &'static str,
    /// Dash pattern, so lines differ by more than colour.
    dash: &'static [f64],
    value: fn(&Bucket) -> u64,
}

const THROUGHPUT: [Line; 2] = [
    Line {
        key: "started",
        en: "started",
        ja: "開始",
        color: "#1f2a44",
        dash: &[],
        value: |b| b.started,
    },
    Line {
        key: "succeeded",
        en: "succeeded",
        ja: "成功",
        color: "#009e73",
        dash: &[6.0, 3.0],
        value: |b| b.succeeded,
    },
];

const TROUBLE: [Line; 4] = [
    Line {
        key: "failed",
        en: "failed",
        ja: "失敗",
        color: "#d55e00",
        dash: &[],
        value: |b| b.failed,
    },
    Line {
        key: "retried",
        en: "retried",
        ja: "リトライ",
        color: "#e69f00",
        dash: &[6.0, 3.0],
        value: |b| b.retried,
    },
    Line {
        key: "throttled",
        en: "throttled",
        ja: "スロットリング",
        color: "#cc79a7",
        dash: &[2.0, 3.0],
        value: |b| b.throttled,
    },
    Line {
        key: "caught",
        en: "caught",
        ja: "キャッチ",
        color: "#0072b2",
        dash: &[10.0, 3.0, 2.0, 3.0],
        value: |b| b.caught,
    },
];

const RUNNING_FILL: &str = "rgba(86, 180, 233, 0.22)";
const THRESHOLD_COLOR: &str = "#b83c00";
/// The redrive marks: the Okabe–Ito blue.
const REDRIVE_COLOR: &str = "#0072b2";
const GRID_COLOR: &str = "#e2e7ef";
const AXIS_TEXT: &str = "#64748b";

/// What the chart draws, read from the simulation once per frame.
struct Picture<'a> {
    series: &'a Series,
    now_ms: u64,
    end_ms: Option<u64>,
    threshold_ms: Option<u64>,
    /// When each redrive started (the run's second, third … span).
    redrives: &'a [u64],
}

/// Draws the chart of the run in `frame` (when there is one) after each render: marking the
/// threshold crossing of Map Run `run`; while `live` (playback is moving), a few times a second
/// only (the playhead, a page element, moves every frame).
#[hook]
pub fn use_timeline_chart(
    frame: Option<SimFrame>,
    run: Option<usize>,
    lang: Lang,
    live: bool,
) -> ChartState {
    let canvas_ref = use_node_ref();
    let axis = use_mut_ref(Axis::default);
    {
        let canvas_ref = canvas_ref.clone();
        let axis = axis.clone();
        use_effect_with((frame, run, lang, live), move |(frame, run, lang, live)| {
            let Some(frame) = frame else {
                // No run, no chart: the next run's chart starts without a playhead, as a chart
                // put on the page afresh would.
                *axis.borrow_mut() = Axis::default();
                return;
            };
            let Some(canvas) = canvas_ref.cast::<HtmlCanvasElement>() else {
                return;
            };
            let (run, lang, live) = (*run, *lang, *live);
            let now = crate::playback::performance_now();
            let last = *axis.borrow();
            let fresh = last.generation != frame.generation;
            if live && !fresh && now - last.drawn_at < LIVE_REDRAW_MS {
                return;
            }
            let Some(sim) = frame.read() else {
                return;
            };
            let threshold_ms = run
                .and_then(|r| sim.map_runs().get(r))
                .and_then(|r| r.verdict.as_ref())
                .map(|v| v.at_ms);
            let picture = Picture {
                series: sim.series(),
                now_ms: sim.now_ms(),
                end_ms: sim.outcome().map(|o| o.end_ms),
                threshold_ms,
                redrives: sim.redrive_times(),
            };
            if let Some(mut drawn) = draw(&canvas, &picture, lang) {
                drawn.drawn_at = now;
                drawn.generation = frame.generation;
                *axis.borrow_mut() = drawn;
            }
        });
    }
    ChartState {
        canvas: canvas_ref,
        axis,
    }
}

/// The chart's panel for the run in `frame` (`run` as for [`use_timeline_chart`]).
pub fn timeline_chart(
    lang: Lang,
    frame: &SimFrame,
    run: Option<usize>,
    chart: &ChartState,
) -> Html {
    let playhead = {
        let axis = *chart.axis.borrow();
        let now = frame.read().map_or(0, |sim| sim.now_ms());
        (axis.span_ms > 0.0).then(|| {
            let x =
                axis.left + (now as f64 / axis.span_ms).clamp(0.0, 1.0) * (axis.right - axis.left);
            format!(
                "left: {:.1}px; top: {:.1}px; height: {:.1}px",
                x + 12.0,
                axis.top,
                axis.bottom - axis.top
            )
        })
    };
    let (bucket_ms, totals, threshold) = match frame.read() {
        Some(sim) => {
            let series = sim.series();
            let mut totals = [0_u64; 6];
            for bucket in &series.buckets {
                for (total, line) in totals
                    .iter_mut()
                    .zip(THROUGHPUT.iter().chain(TROUBLE.iter()))
                {
                    *total += (line.value)(bucket);
                }
            }
            let threshold = run
                .and_then(|r| sim.map_runs().get(r))
                .and_then(|r| r.verdict.as_ref())
                .map(|v| v.at_ms);
            (series.bucket_ms, totals, threshold)
        }
        None => (1000, [0; 6], None),
    };
    let description = match lang {
        Lang::En => format!(
            "Executions per {} of virtual time: started and succeeded above, failed, retried, throttled and caught below.",
            duration(bucket_ms)
        ),
        Lang::Ja => format!(
            "仮想時間 {} ごとの実行数: 上段は開始と成功、下段は失敗・リトライ・スロットリング・キャッチ。",
            duration(bucket_ms)
        ),
    };
    html! {
        <section class="panel timeline-chart" aria-labelledby="timeline-chart-heading">
            { header(lang, bucket_ms, threshold) }
            <div class="timeline-stage">
                <canvas ref={chart.canvas.clone()} class="timeline-canvas" data-testid="timeline-chart" role="img" aria-label={description} />
                if let Some(style) = playhead {
                    <div class="chart-playhead" style={style} aria-hidden="true" />
                }
            </div>
            { legend(lang, totals) }
        </section>
    }
}

/// The chart's heading, its bucket and the threshold crossing: markup (see `crate::markup`).
fn header(lang: Lang, bucket_ms: u64, threshold: Option<u64>) -> Html {
    let mut out = Markup::new();
    out.open("header", &[("class", "panel-header")])
        .element(
            "h2",
            &[("id", "timeline-chart-heading"), ("class", "panel-title")],
            lang.t("Timeline", "タイムライン"),
        )
        .element(
            "span",
            &[("class", "chart-bucket")],
            &match lang {
                Lang::En => format!("per {}", duration(bucket_ms)),
                Lang::Ja => format!("{} ごと", duration(bucket_ms)),
            },
        );
    if let Some(at) = threshold {
        out.element(
            "span",
            &[
                ("class", "chip chart-threshold-chip"),
                ("data-testid", "threshold-crossed"),
            ],
            &match lang {
                Lang::En => format!("threshold crossed at {}", clock_seconds(at)),
                Lang::Ja => format!("{} にしきい値超過", clock_seconds(at)),
            },
        );
    }
    out.close("header");
    out.html()
}

/// The legend: each line's key, name and total so far. Markup (see `crate::markup`).
fn legend(lang: Lang, totals: [u64; 6]) -> Html {
    let mut out = Markup::new();
    out.open("ul", &[("class", "chart-legend")])
        .open("li", &[("class", "chart-key")])
        .raw(r#"<span class="chart-key-area" aria-hidden="true"></span>"#)
        .text(lang.t("running", "実行中"))
        .close("li");
    for (line, total) in THROUGHPUT.iter().chain(TROUBLE.iter()).zip(totals) {
        let dash = line
            .dash
            .iter()
            .map(|d| d.to_string())
            .collect::<Vec<_>>()
            .join(" ");
        out.open("li", &[("class", "chart-key"), ("data-series", line.key)])
            .open(
                "svg",
                &[
                    ("class", "chart-key-line"),
                    ("viewBox", "0 0 24 8"),
                    ("aria-hidden", "true"),
                ],
            )
            .open(
                "line",
                &[
                    ("x1", "1"),
                    ("y1", "4"),
                    ("x2", "23"),
                    ("y2", "4"),
                    ("stroke", line.color),
                    ("stroke-width", "2.5"),
                    ("stroke-dasharray", &dash),
                ],
            )
            .close("line")
            .close("svg")
            .text(lang.t(line.en, line.ja))
            .element("span", &[("class", "chart-key-total")], &count(total))
            .close("li");
    }
    out.close("ul");
    out.html()
}

/// A round number of virtual time at least `ms` long (1, 2 or 5 × a power of ten, in seconds).
pub fn nice_span(ms: u64) -> u64 {
    let mut unit = 1000_u64;
    loop {
        for factor in [1, 2, 5] {
            let span = unit.saturating_mul(factor);
            if span >= ms || span == u64::MAX {
                return span;
            }
        }
        unit = unit.saturating_mul(10);
    }
}

fn draw(canvas: &HtmlCanvasElement, picture: &Picture<'_>, lang: Lang) -> Option<Axis> {
    let dpr = web_sys::window()
        .map(|w| w.device_pixel_ratio())
        .filter(|r| r.is_finite() && *r > 0.0)
        .unwrap_or(1.0);
    let css_width = f64::from(canvas.client_width());
    let css_height = f64::from(canvas.client_height());
    let width = (css_width * dpr).round() as u32;
    let height = (css_height * dpr).round() as u32;
    if canvas.width() != width || canvas.height() != height {
        canvas.set_width(width);
        canvas.set_height(height);
    }
    let context = canvas
        .get_context("2d")
        .ok()
        .flatten()
        .and_then(|c| c.dyn_into::<CanvasRenderingContext2d>().ok())?;
    let _ = context.set_transform(dpr, 0.0, 0.0, dpr, 0.0, 0.0);
    context.clear_rect(0.0, 0.0, css_width, css_height);

    let series = picture.series;
    let reached = picture
        .end_ms
        .unwrap_or(picture.now_ms)
        .max(picture.now_ms)
        .max(series.buckets.len() as u64 * series.bucket_ms);
    let span = match picture.end_ms {
        Some(end) => end.max(1),
        None => nice_span(reached.max(1)),
    } as f64;

    let left = 44.0;
    let right = css_width - 12.0;
    let gap = 14.0;
    let axis = 18.0;
    let panel_height = ((css_height - axis - gap - 8.0) / 2.0).max(10.0);
    let top_panel = (8.0, 8.0 + panel_height);
    let bottom_panel = (top_panel.1 + gap, top_panel.1 + gap + panel_height);
    let x_of = |ms: f64| left + (ms / span).clamp(0.0, 1.0) * (right - left);

    context.set_font("11px system-ui, sans-serif");
    // Time axis.
    context.set_fill_style_str(AXIS_TEXT);
    context.set_text_baseline("top");
    for tick in 0..=4 {
        let ms = span * f64::from(tick) / 4.0;
        let x = x_of(ms);
        context.set_text_align(match tick {
            0 => "left",
            4 => "right",
            _ => "center",
        });
        let _ = context.fill_text(&clock_seconds(ms as u64), x, bottom_panel.1 + 4.0);
        context.set_stroke_style_str(GRID_COLOR);
        context.set_line_width(1.0);
        context.begin_path();
        context.move_to(x.round() + 0.5, top_panel.0);
        context.line_to(x.round() + 0.5, bottom_panel.1);
        context.stroke();
    }

    // At most one point per pixel: a group of buckets shows its largest value.
    let group = series
        .buckets
        .len()
        .div_ceil((right - left).max(1.0) as usize)
        .max(1);
    let group_x = |index: usize| {
        let middle = (index * group) as f64 + group as f64 / 2.0;
        x_of(middle * series.bucket_ms as f64)
    };
    let points = |value: fn(&Bucket) -> u64| -> Vec<u64> {
        series
            .buckets
            .chunks(group)
            .map(|chunk| chunk.iter().map(value).max().unwrap_or(0))
            .collect()
    };
    // Running executions, as an area behind the top panel (its own scale).
    let running = points(|b| b.running);
    let running_max = running.iter().copied().max().unwrap_or(0);
    if running_max > 0 {
        let (top, bottom) = top_panel;
        context.set_fill_style_str(RUNNING_FILL);
        context.begin_path();
        context.move_to(group_x(0), bottom);
        for (index, value) in running.iter().enumerate() {
            let y = bottom - (*value as f64 / running_max as f64) * (bottom - top);
            context.line_to(group_x(index), y);
        }
        context.line_to(group_x(running.len() - 1), bottom);
        context.close_path();
        context.fill();
    }
    let throughput: Vec<(&Line, Vec<u64>)> =
        THROUGHPUT.iter().map(|l| (l, points(l.value))).collect();
    let trouble: Vec<(&Line, Vec<u64>)> = TROUBLE.iter().map(|l| (l, points(l.value))).collect();
    draw_panel(&context, &throughput, top_panel, left, right, &group_x);
    draw_panel(&context, &trouble, bottom_panel, left, right, &group_x);

    if let Some(at) = picture.threshold_ms {
        let x = x_of(at as f64).round() + 0.5;
        context.set_stroke_style_str(THRESHOLD_COLOR);
        context.set_line_width(2.0);
        let _ = context.set_line_dash(&dash(&[5.0, 4.0]));
        context.begin_path();
        context.move_to(x, top_panel.0);
        context.line_to(x, bottom_panel.1);
        context.stroke();
        let _ = context.set_line_dash(&dash(&[]));
        context.set_fill_style_str(THRESHOLD_COLOR);
        context.set_font("600 11px system-ui, sans-serif");
        context.set_text_baseline("top");
        let label = format!(
            "✕ {} {}",
            lang.t("threshold", "しきい値"),
            clock_seconds(at)
        );
        let near_right = x > right - 130.0;
        context.set_text_align(if near_right { "right" } else { "left" });
        let _ = context.fill_text(
            &label,
            if near_right { x - 5.0 } else { x + 5.0 },
            top_panel.0 + 1.0,
        );
    }
    for (n, at) in picture.redrives.iter().enumerate() {
        let x = x_of(*at as f64).round() + 0.5;
        context.set_stroke_style_str(REDRIVE_COLOR);
        context.set_line_width(2.0);
        context.begin_path();
        context.move_to(x, top_panel.0);
        context.line_to(x, bottom_panel.1);
        context.stroke();
        context.set_fill_style_str(REDRIVE_COLOR);
        context.set_font("600 11px system-ui, sans-serif");
        context.set_text_baseline("bottom");
        context.set_text_align("left");
        let label = format!("↻ {} {}", lang.t("redrive", "Redrive"), n + 1);
        let _ = context.fill_text(&label, x + 5.0, bottom_panel.1 - 2.0);
    }
    Some(Axis {
        drawn_at: 0.0,
        generation: 0,
        left,
        right,
        span_ms: span,
        top: top_panel.0,
        bottom: bottom_panel.1,
    })
}

fn draw_panel(
    context: &CanvasRenderingContext2d,
    lines: &[(&Line, Vec<u64>)],
    (top, bottom): (f64, f64),
    left: f64,
    right: f64,
    x_of: &dyn Fn(usize) -> f64,
) {
    let max = lines
        .iter()
        .flat_map(|(_, values)| values.iter().copied())
        .max()
        .unwrap_or(0)
        .max(1);
    // Frame and scale.
    context.set_stroke_style_str(GRID_COLOR);
    context.set_line_width(1.0);
    context.begin_path();
    context.move_to(left, bottom.round() + 0.5);
    context.line_to(right, bottom.round() + 0.5);
    context.stroke();
    context.set_fill_style_str(AXIS_TEXT);
    context.set_text_align("right");
    context.set_text_baseline("middle");
    let _ = context.fill_text(&count(max), left - 6.0, top + 5.0);
    let _ = context.fill_text("0", left - 6.0, bottom);
    context.set_line_width(2.0);
    context.set_line_join("round");
    for (line, values) in lines {
        if values.iter().all(|&v| v == 0) {
            continue;
        }
        context.set_stroke_style_str(line.color);
        let _ = context.set_line_dash(&dash(line.dash));
        context.begin_path();
        for (index, value) in values.iter().enumerate() {
            let y = bottom - (*value as f64 / max as f64) * (bottom - top);
            if index == 0 {
                context.move_to(x_of(index), y);
            } else {
                context.line_to(x_of(index), y);
            }
        }
        context.stroke();
    }
    let _ = context.set_line_dash(&dash(&[]));
}

fn dash(pattern: &[f64]) -> wasm_bindgen::JsValue {
    let array = js_sys::Array::new();
    for value in pattern {
        array.push(&wasm_bindgen::JsValue::from_f64(*value));
    }
    array.into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_are_round() {
        let cases = [
            (1, 1000),
            (1000, 1000),
            (1001, 2000),
            (4_500, 5000),
            (61_000, 100_000),
            (452_000, 500_000),
            (3_600_000, 5_000_000),
        ];
        for (ms, span) in cases {
            assert_eq!(nice_span(ms), span, "{ms}");
        }
    }
}
