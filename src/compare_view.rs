//! The A/B tab's result, written as markup by the worker that compared (so that none of it is
//! in the page's first load): the table of A, B and B − A, the items whose outcome changed, and
//! both runs' executions over time drawn over each other. [`render`] writes it in both languages;
//! the tab (`crate::components::compare_panel`) shows the page's.

use serde_json::Value;

use crate::i18n::Lang;
use crate::markup::Markup;

/// The result in English and in Japanese: `{"en", "ja"}`.
pub fn render(document: &Value) -> Value {
    serde_json::json!({
        "en": result(Lang::En, document),
        "ja": result(Lang::Ja, document),
    })
}

/// A value of a comparison document, as a cell says it.
fn show(v: &Value, unit: Unit) -> String {
    match (v, unit) {
        (Value::Null, _) => "—".into(),
        (Value::String(s), _) => s.clone(),
        (Value::Number(n), unit) => {
            let f = n.as_f64().unwrap_or(0.0);
            match unit {
                Unit::Count => format!("{f:.0}"),
                Unit::Seconds => format!("{f:.1} s"),
                Unit::Usd => format!("${f:.4}"),
                Unit::Share => format!("{:.1} %", f * 100.0),
                Unit::Mean => format!("{f:.1}"),
            }
        }
        (other, _) => other.to_string(),
    }
}

/// `B − A`, signed, in the row's unit (blank when it is not a number or nothing changed).
fn delta(a: &Value, b: &Value, unit: Unit) -> String {
    let (Some(x), Some(y)) = (a.as_f64(), b.as_f64()) else {
        return if a != b { "≠".into() } else { String::new() };
    };
    let d = y - x;
    if d.abs() < 1e-12 {
        return String::new();
    }
    let sign = if d > 0.0 { "+" } else { "−" };
    let magnitude = show(&Value::from(d.abs()), unit);
    format!("{sign}{magnitude}")
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Unit {
    Count,
    Seconds,
    Usd,
    Share,
    Mean,
}

/// A row of the table: the label, A, B and B − A (bold when they differ).
fn row(out: &mut Markup, key: &str, label: &str, a: &Value, b: &Value, unit: Unit) {
    let (ta, tb) = (show(a, unit), show(b, unit));
    let testid = format!("compare-row-{key}");
    out.open(
        "tr",
        &[
            ("class", if a != b { "compare-changed" } else { "" }),
            ("data-testid", &testid),
            ("data-a", &ta),
            ("data-b", &tb),
        ],
    )
    .element("th", &[("scope", "row")], label)
    .element("td", &[], &ta)
    .element("td", &[], &tb)
    .element("td", &[("class", "compare-delta")], &delta(a, b, unit))
    .close("tr");
}

/// A comparison document drawn: the table, the items that changed, the timelines (markup, see
/// `crate::markup`: the tab only shows it).
fn result(lang: Lang, doc: &Value) -> String {
    let d = &doc["differences"];
    let seeds = doc["seeds"].as_u64().unwrap_or(1);
    let mut out = Markup::new();
    let seeds_text = seeds.to_string();
    out.open(
        "div",
        &[
            ("class", "compare-result"),
            ("data-testid", "compare-result"),
            ("data-seeds", &seeds_text),
        ],
    );
    let first = doc["first_seed"].as_u64().unwrap_or(0);
    let seeds_line = if seeds == 1 {
        match lang {
            Lang::En => format!("One run each, on seed {}.", doc["seed"]),
            Lang::Ja => format!("シード {} で 1 回ずつ実行。", doc["seed"]),
        }
    } else {
        let ci = |side: &str| -> String {
            let c = &doc[side]["ci95"];
            format!(
                "{:.0}–{:.0} %",
                c[0].as_f64().unwrap_or(0.0) * 100.0,
                c[1].as_f64().unwrap_or(0.0) * 100.0
            )
        };
        let (a_only, b_only) = (&d["seeds_failed_in_a_only"], &d["seeds_failed_in_b_only"]);
        let last = first + seeds - 1;
        match lang {
            Lang::En => format!(
                "{seeds} runs each, on seeds {first} to {last}. 95 % interval of P(the execution fails): A {}, B {}. Seeds that failed in A only: {a_only}; in B only: {b_only}.",
                ci("a"), ci("b")
            ),
            Lang::Ja => format!(
                "シード {first} から {last} で {seeds} 回ずつ実行。実行が失敗する確率の 95 % 区間: A {}、B {}。A だけで失敗したシード: {a_only}、B だけ: {b_only}。",
                ci("a"), ci("b")
            ),
        }
    };
    out.element("p", &[("class", "sweep-note")], &seeds_line)
        .open("table", &[("class", "compare-table")])
        .open("thead", &[])
        .raw("<tr><th></th><th scope=\"col\">A</th><th scope=\"col\">B</th><th scope=\"col\">B − A</th></tr>")
        .close("thead")
        .open("tbody", &[]);
    let pair = |out: &mut Markup, key: &str, label: &str, unit: Unit| {
        row(out, key, label, &d[key]["a"], &d[key]["b"], unit);
    };
    if seeds == 1 {
        pair(&mut out, "status", lang.t("Execution", "実行"), Unit::Count);
        pair(&mut out, "error", lang.t("Error", "エラー"), Unit::Count);
        pair(
            &mut out,
            "duration_seconds",
            lang.t("Duration", "所要時間"),
            Unit::Seconds,
        );
        for run in d["map_runs"].as_array().into_iter().flatten() {
            let state = run["state"].as_str().unwrap_or("");
            let label = match lang {
                Lang::En => format!("Map Run of {state}"),
                Lang::Ja => format!("{state} の Map Run"),
            };
            let (a, b) = (&run["status"]["a"], &run["status"]["b"]);
            row(&mut out, &format!("map-{state}"), &label, a, b, Unit::Count);
            for (k, en, ja) in [
                ("succeeded", "items succeeded", "成功したアイテム"),
                ("failed", "items failed", "失敗したアイテム"),
                ("timed_out", "items timed out", "タイムアウトしたアイテム"),
                ("aborted", "items aborted", "中止されたアイテム"),
                ("pending", "items not started", "開始されなかったアイテム"),
            ] {
                let v = &run["item_counts"][k];
                if v["a"].as_u64().unwrap_or(0) + v["b"].as_u64().unwrap_or(0) > 0 {
                    let label = format!("  {}", lang.t(en, ja));
                    row(
                        &mut out,
                        &format!("map-{state}-{k}"),
                        &label,
                        &v["a"],
                        &v["b"],
                        Unit::Count,
                    );
                }
            }
        }
        for (name, v) in d["retries_by_state"].as_object().into_iter().flatten() {
            let label = match lang {
                Lang::En => format!("Retries of {name}"),
                Lang::Ja => format!("{name} のリトライ"),
            };
            row(
                &mut out,
                &format!("retries-{name}"),
                &label,
                &v["a"],
                &v["b"],
                Unit::Count,
            );
        }
        pair(
            &mut out,
            "state_transitions",
            lang.t("State transitions", "状態遷移"),
            Unit::Count,
        );
        pair(
            &mut out,
            "cost_usd",
            lang.t("Cost of the run", "実行の費用"),
            Unit::Usd,
        );
        for (key, en, ja, unit) in [
            (
                "per_1000_items_usd",
                "Cost per 1,000 items",
                "1,000 アイテムあたりの費用",
                Unit::Usd,
            ),
            (
                "retry_share",
                "Share spent on retries",
                "リトライに使われた割合",
                Unit::Share,
            ),
        ] {
            let (a, b) = (&doc["a"]["cost"][key], &doc["b"]["cost"][key]);
            row(&mut out, key, lang.t(en, ja), a, b, unit);
        }
    } else {
        for (key, en, ja, unit) in [
            (
                "p_execution_failed",
                "P(the execution fails)",
                "実行が失敗する確率",
                Unit::Share,
            ),
            (
                "p_map_run_failed",
                "P(the Map Run fails)",
                "Map Run が失敗する確率",
                Unit::Share,
            ),
            (
                "duration_seconds_p50",
                "Duration p50",
                "所要時間 p50",
                Unit::Seconds,
            ),
            (
                "duration_seconds_p95",
                "Duration p95",
                "所要時間 p95",
                Unit::Seconds,
            ),
            (
                "mean_retries",
                "Retries (mean)",
                "リトライ(平均)",
                Unit::Mean,
            ),
            ("mean_cost_usd", "Cost (mean)", "費用(平均)", Unit::Usd),
        ] {
            pair(&mut out, key, lang.t(en, ja), unit);
        }
    }
    out.close("tbody").close("table");
    if let Some(items) = d.get("items") {
        for (key, en, ja) in [
            (
                "failed_in_a_succeeded_in_b",
                "Items that failed in A and succeeded in B",
                "A で失敗し B で成功したアイテム",
            ),
            (
                "succeeded_in_a_failed_in_b",
                "Items that succeeded in A and failed in B",
                "A で成功し B で失敗したアイテム",
            ),
        ] {
            let v = &items[key];
            let count = v["count"].as_u64().unwrap_or(0);
            let shown: Vec<String> = v["items"]
                .as_array()
                .into_iter()
                .flatten()
                .take(40)
                .map(|i| i["item"].to_string())
                .collect();
            let more = if count as usize > shown.len() {
                ", …"
            } else {
                ""
            };
            let (testid, count_text) = (format!("compare-{key}"), count.to_string());
            out.open(
                "p",
                &[
                    ("class", "compare-items"),
                    ("data-testid", &testid),
                    ("data-count", &count_text),
                ],
            )
            .element("strong", &[], &format!("{}: {count}", lang.t(en, ja)));
            if !shown.is_empty() {
                out.text(&format!(" — {}{more}", shown.join(", ")));
            }
            out.close("p");
        }
        let other = items["other_changes"].as_u64().unwrap_or(0);
        if other > 0 {
            let text = match lang {
                Lang::En => format!("Items with another change (aborted, not started or timed out on one side): {other}"),
                Lang::Ja => format!("その他の変化があったアイテム(一方で中止・未開始・タイムアウト): {other}"),
            };
            out.element(
                "p",
                &[
                    ("class", "compare-items"),
                    ("data-testid", "compare-other-changes"),
                ],
                &text,
            );
        }
    }
    timelines(&mut out, lang, &doc["timelines"], seeds);
    out.close("div");
    out.into_string()
}

/// Both runs' executions over time, over each other: succeeded and failed so far, A solid, B dashed.
fn timelines(out: &mut Markup, lang: Lang, t: &Value, seeds: u64) {
    let series = |side: &str, key: &str| -> Vec<f64> {
        t[side][key]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_f64)
            .collect()
    };
    if series("a", "succeeded").is_empty() && series("b", "succeeded").is_empty() {
        return;
    }
    let step = |side: &str| t[side]["step_ms"].as_f64().unwrap_or(1.0).max(1.0);
    let end = |side: &str| t[side]["end_ms"].as_f64().unwrap_or(0.0);
    let span = end("a").max(end("b")).max(1.0);
    let top = ["a", "b"]
        .iter()
        .flat_map(|s| [series(s, "succeeded"), series(s, "failed")])
        .flatten()
        .fold(1.0_f64, f64::max);
    let (w, h, left, bottom) = (560.0, 150.0, 44.0, 20.0);
    let x = |ms: f64| left + (w - left - 8.0) * (ms / span).min(1.0);
    let y = |n: f64| 6.0 + (h - bottom - 6.0) * (1.0 - n / top);
    let path = |side: &str, key: &str| -> String {
        let s = step(side);
        let mut d = format!("M{:.1},{:.1}", x(0.0), y(0.0));
        for (i, v) in series(side, key).iter().enumerate() {
            let at = (s * (i + 1) as f64).min(end(side).max(s * i as f64));
            d.push_str(&format!(" L{:.1},{:.1}", x(at), y(*v)));
        }
        d
    };
    let caption = match (lang, seeds) {
        (Lang::En, 1) => {
            "Executions finished over time, the children and the parent (A solid, B dashed)"
        }
        (Lang::En, _) => {
            "Executions finished over time in the first seed's runs (A solid, B dashed)"
        }
        (Lang::Ja, 1) => "終わった実行(子と親)の推移(A は実線、B は破線)",
        (Lang::Ja, _) => "最初のシードでの、終わった実行の推移(A は実線、B は破線)",
    };
    let n = |v: f64| format!("{v:.1}");
    let (base, right) = (n(y(0.0)), n(w - 8.0));
    out.open(
        "figure",
        &[
            ("class", "compare-timeline"),
            ("data-testid", "compare-timeline"),
        ],
    )
    .open(
        "svg",
        &[
            ("viewBox", &format!("0 0 {w} {h}")),
            ("role", "img"),
            ("aria-label", caption),
        ],
    )
    .open(
        "line",
        &[
            ("class", "compare-axis"),
            ("x1", &n(left)),
            ("y1", &base),
            ("x2", &right),
            ("y2", &base),
        ],
    )
    .close("line");
    let label_x = n(left - 4.0);
    for (at, text) in [
        (y(top) + 4.0, format!("{top:.0}")),
        (y(0.0) + 4.0, "0".to_string()),
    ] {
        out.element(
            "text",
            &[
                ("class", "compare-tick"),
                ("x", &label_x),
                ("y", &n(at)),
                ("text-anchor", "end"),
            ],
            &text,
        );
    }
    out.element(
        "text",
        &[
            ("class", "compare-tick"),
            ("x", &right),
            ("y", &n(h - 4.0)),
            ("text-anchor", "end"),
        ],
        &format!("{:.0} s", span / 1000.0),
    );
    for (side, key, class) in [
        ("a", "succeeded", "compare-line compare-succeeded"),
        ("a", "failed", "compare-line compare-failed"),
        ("b", "succeeded", "compare-line compare-succeeded compare-b"),
        ("b", "failed", "compare-line compare-failed compare-b"),
    ] {
        out.open("path", &[("class", class), ("d", &path(side, key))])
            .close("path");
    }
    out.close("svg")
        .open("figcaption", &[])
        .text(caption)
        .element(
            "span",
            &[("class", "compare-key compare-key-succeeded")],
            lang.t("succeeded", "成功"),
        )
        .element(
            "span",
            &[("class", "compare-key compare-key-failed")],
            lang.t("failed", "失敗"),
        )
        .close("figcaption")
        .close("figure");
}
