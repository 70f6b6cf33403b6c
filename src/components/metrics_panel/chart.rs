//! A chart of CloudWatch datapoints over virtual time, written as markup text (see
//! `crate::markup`): the lines in an SVG stretched to its box (strokes keep their width), the
//! axis labels, threshold and markers as page text positioned in percent, so the chart fits any
//! width and its text stays readable on a phone.
//!
//! Pure: the run view hands in numbers read from the engine's `monitor` reports; what is drawn
//! where is tested natively below.

use crate::i18n::count;
use crate::markup::Markup;
use crate::run_status::clock_seconds;

/// The SVG's own coordinates: x from 0 to [`WIDTH`] over the time shown, y from 0 (top) to
/// [`HEIGHT`] (the value 0).
const WIDTH: f64 = 1000.0;
const HEIGHT: f64 = 100.0;
/// At most this many points per line: a group of periods shows its largest value, as the
/// timeline chart does, so a spike is never averaged away.
const MAX_POINTS: usize = 500;

/// One line of a chart: a datapoint per period, `None` where CloudWatch has no data.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    pub label: String,
    pub color: &'static str,
    /// `stroke-dasharray`, so lines differ by more than colour ("" for solid).
    pub dash: &'static str,
    /// The start of the first period, virtual ms from the start of the run (negative when
    /// CloudWatch's clock-aligned period began before the run).
    pub first_ms: f64,
    pub period_ms: f64,
    pub values: Vec<Option<f64>>,
}

/// A horizontal line: a threshold or a dashboard's annotation.
#[derive(Debug, Clone, PartialEq)]
pub struct Level {
    pub value: f64,
    pub label: String,
}

/// A moment marked with a vertical line and a label (the Map Run failing).
#[derive(Debug, Clone, PartialEq)]
pub struct Moment {
    pub at_ms: f64,
    pub label: String,
}

/// Everything one chart shows.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Chart {
    /// What a screen reader hears for the whole chart.
    pub description: String,
    pub lines: Vec<Line>,
    /// At least this much virtual time is shown (the run so far, or its whole length).
    pub span_ms: f64,
    pub levels: Vec<Level>,
    /// Virtual-time ranges shaded (an alarm's ALARM periods), `(start, end)` in ms.
    pub shaded: Vec<(f64, f64)>,
    pub moments: Vec<Moment>,
    /// The playhead.
    pub now_ms: Option<f64>,
}

/// Where the chart puts time and values.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Scale {
    pub start_ms: f64,
    pub end_ms: f64,
    /// The top of the value axis: a round number at least the largest value or level.
    pub top: f64,
}

impl Scale {
    pub fn of(chart: &Chart) -> Scale {
        let mut start_ms: f64 = 0.0;
        let mut end_ms = chart.span_ms.max(1.0);
        let mut largest: f64 = 0.0;
        for line in &chart.lines {
            start_ms = start_ms.min(line.first_ms);
            end_ms = end_ms.max(line.first_ms + line.period_ms * line.values.len() as f64);
            for value in line.values.iter().flatten() {
                if value.is_finite() {
                    largest = largest.max(*value);
                }
            }
        }
        for level in &chart.levels {
            if level.value.is_finite() {
                largest = largest.max(level.value);
            }
        }
        Scale {
            start_ms,
            end_ms: end_ms.max(start_ms + 1.0),
            top: nice_ceiling(largest),
        }
    }

    /// x in the SVG (0 to 1000), clamped to the chart.
    pub fn x(&self, ms: f64) -> f64 {
        ((ms - self.start_ms) / (self.end_ms - self.start_ms)).clamp(0.0, 1.0) * WIDTH
    }

    /// y in the SVG (0 at the top), clamped to the chart.
    pub fn y(&self, value: f64) -> f64 {
        HEIGHT - (value / self.top).clamp(0.0, 1.0) * HEIGHT
    }
}

/// The smallest of 1, 2, 5 × 10ⁿ at least `value` (1 for nothing to show).
pub fn nice_ceiling(value: f64) -> f64 {
    if !value.is_finite() || value <= 0.0 {
        return 1.0;
    }
    let mut unit = 10_f64.powf(value.log10().floor());
    // log10 may land a hair below a power of ten.
    if unit > value {
        unit /= 10.0;
    }
    for factor in [1.0, 2.0, 5.0, 10.0] {
        if unit * factor >= value * (1.0 - 1e-12) {
            return unit * factor;
        }
    }
    unit * 10.0
}

/// A value for an axis or a table: whole numbers with thousands separators, others with at
/// most two decimals.
pub fn value_text(value: f64) -> String {
    if !value.is_finite() {
        return value.to_string();
    }
    if value.fract() == 0.0 && value.abs() < 1e15 {
        let text = count(value.abs() as u64);
        return if value < 0.0 {
            format!("-{text}")
        } else {
            text
        };
    }
    let text = format!("{value:.2}");
    text.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// Virtual time for an axis: `00:05:00`, with a minus sign before the run's start.
pub fn time_text(ms: f64) -> String {
    if ms < 0.0 {
        format!("-{}", clock_seconds((-ms) as u64))
    } else {
        clock_seconds(ms as u64)
    }
}

/// The points of a line after grouping periods: `(middle of the group in ms, value)`.
pub fn points(line: &Line) -> Vec<Option<(f64, f64)>> {
    let group = line.values.len().div_ceil(MAX_POINTS).max(1);
    line.values
        .chunks(group)
        .enumerate()
        .map(|(index, chunk)| {
            let largest = chunk
                .iter()
                .flatten()
                .copied()
                .filter(|v| v.is_finite())
                .fold(None, |most: Option<f64>, v| {
                    Some(most.map_or(v, |m| m.max(v)))
                })?;
            let middle = (index * group) as f64 + chunk.len() as f64 / 2.0;
            Some((line.first_ms + middle * line.period_ms, largest))
        })
        .collect()
}

/// The SVG path of a line: a run of datapoints is one stroke, missing data breaks it, and a
/// lone datapoint is a dot (a zero-length stroke with round caps).
pub fn path(line: &Line, scale: &Scale) -> String {
    let mut d = String::new();
    let mut open = false;
    for point in points(line) {
        match point {
            Some((ms, value)) => {
                let (x, y) = (scale.x(ms), scale.y(value));
                d.push_str(&format!(
                    "{}{:.1} {:.2}",
                    if open { "L" } else { "M" },
                    x,
                    y
                ));
                if !open {
                    // A dot unless the next point continues the stroke.
                    d.push_str("h0");
                }
                open = true;
            }
            None => open = false,
        }
    }
    d
}

fn percent(value: f64, of: f64) -> String {
    format!("{:.2}%", value / of * 100.0)
}

/// Writes the chart. `testid` names it for tests.
pub fn write(out: &mut Markup, chart: &Chart, testid: &str) {
    let scale = Scale::of(chart);
    out.open("figure", &[("class", "mchart"), ("data-testid", testid)]);
    out.open(
        "div",
        &[
            ("class", "mchart-plot"),
            ("role", "img"),
            ("aria-label", &chart.description),
        ],
    );
    out.open(
        "svg",
        &[
            ("class", "mchart-svg"),
            ("viewBox", "0 0 1000 100"),
            ("preserveAspectRatio", "none"),
            ("aria-hidden", "true"),
        ],
    );
    for &(start, end) in &chart.shaded {
        let (x0, x1) = (scale.x(start), scale.x(end));
        out.open(
            "rect",
            &[
                ("class", "mchart-alarm"),
                ("x", &format!("{x0:.1}")),
                ("y", "0"),
                ("width", &format!("{:.1}", (x1 - x0).max(0.5))),
                ("height", "100"),
            ],
        )
        .close("rect");
    }
    for tick in [0.5, 1.0] {
        let y = format!("{:.1}", HEIGHT - tick * HEIGHT);
        out.open(
            "line",
            &[
                ("class", "mchart-grid"),
                ("x1", "0"),
                ("x2", "1000"),
                ("y1", &y),
                ("y2", &y),
            ],
        )
        .close("line");
    }
    out.open(
        "line",
        &[
            ("class", "mchart-axis"),
            ("x1", "0"),
            ("x2", "1000"),
            ("y1", "100"),
            ("y2", "100"),
        ],
    )
    .close("line");
    for line in &chart.lines {
        out.open(
            "path",
            &[
                ("class", "mchart-line"),
                ("stroke", line.color),
                ("stroke-dasharray", line.dash),
                ("d", &path(line, &scale)),
            ],
        )
        .close("path");
    }
    for level in &chart.levels {
        let y = format!("{:.2}", scale.y(level.value));
        out.open(
            "line",
            &[
                ("class", "mchart-level"),
                ("x1", "0"),
                ("x2", "1000"),
                ("y1", &y),
                ("y2", &y),
            ],
        )
        .close("line");
    }
    for moment in &chart.moments {
        let x = format!("{:.1}", scale.x(moment.at_ms));
        out.open(
            "line",
            &[
                ("class", "mchart-moment"),
                ("x1", &x),
                ("x2", &x),
                ("y1", "0"),
                ("y2", "100"),
            ],
        )
        .close("line");
    }
    if let Some(now) = chart.now_ms {
        let x = format!("{:.1}", scale.x(now));
        out.open(
            "line",
            &[
                ("class", "mchart-now"),
                ("x1", &x),
                ("x2", &x),
                ("y1", "0"),
                ("y2", "100"),
            ],
        )
        .close("line");
    }
    out.close("svg");
    // The value axis.
    for (value, top) in [(scale.top, 0.0), (scale.top / 2.0, 50.0), (0.0, 100.0)] {
        out.element(
            "span",
            &[
                ("class", "mchart-y"),
                ("style", &format!("top: {top}%")),
                ("aria-hidden", "true"),
            ],
            &value_text(value),
        );
    }
    for level in &chart.levels {
        out.element(
            "span",
            &[
                ("class", "mchart-level-label"),
                (
                    "style",
                    &format!("top: {}", percent(scale.y(level.value), HEIGHT)),
                ),
            ],
            &level.label,
        );
    }
    for moment in &chart.moments {
        let x = scale.x(moment.at_ms);
        // On the right half the label goes on the line's left, so it has half the chart's
        // width to wrap in whatever that width is.
        let side = if x > WIDTH * 0.5 { "right" } else { "left" };
        let at = if side == "right" {
            percent(WIDTH - x, WIDTH)
        } else {
            percent(x, WIDTH)
        };
        out.element(
            "span",
            &[
                ("class", "mchart-moment-label"),
                ("data-side", side),
                ("style", &format!("{side}: {at}")),
                ("data-testid", "chart-moment"),
            ],
            &moment.label,
        );
    }
    out.close("div");
    // The time axis.
    out.open("div", &[("class", "mchart-x"), ("aria-hidden", "true")]);
    for tick in 0..=4 {
        let ms = scale.start_ms + (scale.end_ms - scale.start_ms) * f64::from(tick) / 4.0;
        out.element(
            "span",
            &[
                ("class", "mchart-x-tick"),
                ("data-tick", &tick.to_string()),
                ("style", &format!("left: {}", percent(f64::from(tick), 4.0))),
            ],
            &time_text(ms),
        );
    }
    out.close("div");
    if chart.lines.len() > 1 || chart.lines.iter().any(|l| !l.label.is_empty()) {
        out.open("ul", &[("class", "mchart-legend")]);
        for line in &chart.lines {
            out.open("li", &[])
                .open(
                    "svg",
                    &[
                        ("class", "mchart-key"),
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
                        ("stroke-dasharray", line.dash),
                    ],
                )
                .close("line")
                .close("svg")
                .text(&line.label)
                .close("li");
        }
        out.close("ul");
    }
    out.close("figure");
}

/// Okabe–Ito colours for the lines of a chart, with dash patterns, in order of use.
pub const PALETTE: [(&str, &str); 6] = [
    ("#0072b2", ""),
    ("#d55e00", "6 3"),
    ("#009e73", "2 3"),
    ("#cc79a7", "10 3 2 3"),
    ("#e69f00", "4 2"),
    ("#56b4e9", "8 4"),
];

#[cfg(test)]
mod tests {
    use super::*;

    fn line(values: Vec<Option<f64>>) -> Line {
        Line {
            label: "ExecutionsFailed".into(),
            color: "#d55e00",
            dash: "",
            first_ms: 0.0,
            period_ms: 60_000.0,
            values,
        }
    }

    #[test]
    fn value_axes_end_on_round_numbers() {
        let cases = [
            (0.0, 1.0),
            (-3.0, 1.0),
            (0.3, 0.5),
            (1.0, 1.0),
            (7.0, 10.0),
            (10.0, 10.0),
            (11.0, 20.0),
            (1500.0, 2000.0),
            (4999.0, 5000.0),
            (1e-3, 1e-3),
        ];
        for (largest, top) in cases {
            let got = nice_ceiling(largest);
            assert!((got - top).abs() < 1e-9 * top.max(1.0), "{largest}: {got}");
        }
    }

    #[test]
    fn the_scale_covers_lines_levels_and_the_run() {
        let chart = Chart {
            lines: vec![Line {
                first_ms: -30_000.0,
                ..line(vec![Some(3.0), None, Some(14.0)])
            }],
            span_ms: 100_000.0,
            levels: vec![Level {
                value: 25.0,
                label: "threshold".into(),
            }],
            ..Chart::default()
        };
        let scale = Scale::of(&chart);
        assert_eq!(scale.start_ms, -30_000.0);
        // Three periods of a minute from -30 s end at 150 s, past the 100 s run.
        assert_eq!(scale.end_ms, 150_000.0);
        assert_eq!(scale.top, 50.0, "the threshold is above every datapoint");
        assert_eq!(scale.x(-30_000.0), 0.0);
        assert_eq!(scale.x(150_000.0), 1000.0);
        assert_eq!(scale.x(1e9), 1000.0, "clamped");
        assert_eq!(scale.y(0.0), 100.0);
        assert_eq!(scale.y(50.0), 0.0);
    }

    #[test]
    fn missing_data_breaks_the_line_and_a_lone_point_is_a_dot() {
        let chart = Chart {
            lines: vec![line(vec![Some(1.0), Some(2.0), None, Some(2.0), None])],
            span_ms: 300_000.0,
            ..Chart::default()
        };
        let scale = Scale::of(&chart);
        let d = path(&chart.lines[0], &scale);
        assert_eq!(d.matches('M').count(), 2, "{d}");
        assert_eq!(d.matches('L').count(), 1, "{d}");
        // The first point sits in the middle of its period: 30 s of 300 s.
        assert!(d.starts_with("M100.0 "), "{d}");
    }

    #[test]
    fn long_lines_are_grouped_keeping_the_peaks() {
        let mut values = vec![Some(1.0); 3000];
        values[1234] = Some(99.0);
        values[2000] = None;
        let grouped = points(&line(values));
        assert_eq!(grouped.len(), 500);
        let peak = grouped
            .iter()
            .flatten()
            .map(|(_, v)| *v)
            .fold(0.0, f64::max);
        assert_eq!(peak, 99.0);
        assert!(
            grouped.iter().all(Option::is_some),
            "a group with data shows it"
        );
    }

    #[test]
    fn values_and_times_read_well() {
        assert_eq!(value_text(0.0), "0");
        assert_eq!(value_text(12_000.0), "12,000");
        assert_eq!(value_text(-3.0), "-3");
        assert_eq!(value_text(2.5), "2.5");
        assert_eq!(value_text(1.0 / 3.0), "0.33");
        assert_eq!(time_text(300_000.0), "00:05:00");
        assert_eq!(time_text(-30_000.0), "-00:00:30");
    }

    #[test]
    fn the_markup_has_the_marks_asked_for() {
        let chart = Chart {
            description: "ExecutionsFailed <Sum>".into(),
            lines: vec![line(vec![Some(1.0), Some(12.0)])],
            span_ms: 120_000.0,
            levels: vec![Level {
                value: 10.0,
                label: "> 10".into(),
            }],
            shaded: vec![(60_000.0, 120_000.0)],
            moments: vec![Moment {
                at_ms: 100_000.0,
                label: "Map Run failed".into(),
            }],
            now_ms: Some(110_000.0),
        };
        let mut out = Markup::new();
        write(&mut out, &chart, "chart");
        let html = out.into_string();
        for needle in [
            "class=\"mchart-alarm\" x=\"500.0\"",
            "class=\"mchart-level\"",
            "class=\"mchart-moment\"",
            "class=\"mchart-now\"",
            "Map Run failed",
            "data-side=\"right\"",
            "aria-label=\"ExecutionsFailed &lt;Sum&gt;\"",
            ">00:02:00<",
        ] {
            assert!(html.contains(needle), "{needle} in {html}");
        }
    }
}
