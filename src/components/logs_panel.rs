//! The Logs tab: a CloudWatch Logs Insights query over the run's log lines (the subset the
//! `insights` crate reads), run on request — the Run button or Ctrl+Enter — never per frame,
//! with its results as a table, how many records it read and matched, and the log groups the
//! run writes to. A query outside the subset is answered at its line:column.

use std::cell::RefCell;
use std::rc::Rc;

use insights::{QueryError, QueryResult};
use web_sys::HtmlTextAreaElement;
use yew::prelude::*;

use crate::i18n::{count, Lang};
use crate::markup::Markup;
use crate::run_status::clock_seconds;
use crate::sim_frame::SimFrame;

/// The query the tab opens with: the errors of the run by type.
pub const DEFAULT_QUERY: &str = "fields @timestamp, error_type, message\n| filter level = \"ERROR\"\n| stats count(*) as errors by error_type\n| sort errors desc";

/// The most rows the table shows (Logs Insights itself returns at most 10,000).
const MAX_ROWS: usize = 1000;

/// A query's answer and the moment of the run it was asked at.
#[derive(Debug)]
struct Answer {
    generation: u64,
    at_ms: u64,
    result: Result<QueryResult, QueryError>,
}

/// What the tab keeps while it is not shown.
#[derive(Clone)]
pub struct LogsState {
    query: UseStateHandle<AttrValue>,
    answer: UseStateHandle<Option<Rc<Answer>>>,
    groups: Rc<RefCell<Option<Groups>>>,
}

/// The run's log groups and the generation they were read for (they follow from the
/// definition alone).
type Groups = (u64, Rc<[String]>);

/// The tab's state, called by the run view so that the query outlives switching tabs.
#[hook]
pub fn use_logs_state() -> LogsState {
    LogsState {
        query: use_state(|| AttrValue::Static(DEFAULT_QUERY)),
        answer: use_state(|| None),
        groups: use_mut_ref(|| None).clone(),
    }
}

/// The Logs tab for the run in `frame`.
pub fn logs_panel(lang: Lang, frame: &SimFrame, state: &LogsState) -> Html {
    let groups = {
        let mut cached = state.groups.borrow_mut();
        match &*cached {
            Some((generation, groups)) if *generation == frame.generation => groups.clone(),
            _ => {
                let Some(sim) = frame.read() else {
                    return html! {};
                };
                // From the definition alone: no view of the lines is built for it.
                let groups: Rc<[String]> = engine::monitor::logs::log_groups(&sim).into();
                *cached = Some((frame.generation, groups.clone()));
                groups
            }
        }
    };
    let run = {
        let frame = frame.clone();
        let query = state.query.clone();
        let answer = state.answer.clone();
        Callback::from(move |()| {
            let Some(sim) = frame.read() else {
                return;
            };
            let result = engine::monitor::logs::query(&sim, &query);
            answer.set(Some(Rc::new(Answer {
                generation: frame.generation,
                at_ms: sim.now_ms(),
                result,
            })));
        })
    };
    let on_input = {
        let query = state.query.clone();
        Callback::from(move |event: InputEvent| {
            let area: HtmlTextAreaElement = event.target_unchecked_into();
            query.set(AttrValue::from(area.value()));
        })
    };
    let on_key = {
        let run = run.clone();
        Callback::from(move |event: KeyboardEvent| {
            if event.key() == "Enter" && (event.ctrl_key() || event.meta_key()) {
                event.prevent_default();
                run.emit(());
            }
        })
    };
    let on_click = {
        let run = run.clone();
        Callback::from(move |_: MouseEvent| run.emit(()))
    };
    let answer = (*state.answer).clone();
    let error = answer.as_ref().and_then(|a| a.result.as_ref().err());
    html! {
        <div class="monitor-panel logs-panel" data-testid="logs-panel">
            <div class="logs-input">
                <div class="logs-editor">
                    <textarea
                        class="monitor-textarea logs-query"
                        data-testid="logs-query"
                        aria-label={lang.t("Logs Insights query", "Logs Insights のクエリ")}
                        aria-describedby="logs-query-status"
                        spellcheck="false"
                        value={(*state.query).clone()}
                        oninput={on_input}
                        onkeydown={on_key}
                    />
                    <div class="logs-actions">
                        <button type="button" class="bar-button logs-run" data-testid="logs-run" onclick={on_click}>
                            { lang.t("Run query", "クエリを実行") }
                        </button>
                        <span class="monitor-subtle">{ lang.t("or Ctrl+Enter", "または Ctrl+Enter") }</span>
                    </div>
                </div>
                { status_markup(lang, &state.query, error, &groups).html() }
            </div>
            { answer_markup(lang, frame, answer.as_deref()).html() }
        </div>
    }
}

/// Beside the query: its problem at line:column, or the log groups it can read.
fn status_markup(lang: Lang, query: &str, error: Option<&QueryError>, groups: &[String]) -> Markup {
    let mut out = Markup::new();
    out.open(
        "div",
        &[
            ("class", "monitor-problems"),
            ("id", "logs-query-status"),
            ("aria-live", "polite"),
        ],
    );
    if let Some(error) = error {
        out.open(
            "p",
            &[("class", "monitor-problem"), ("data-testid", "logs-error")],
        )
        .element(
            "span",
            &[("class", "problem-at")],
            &format!("{}:{}", error.line, error.column),
        )
        .element("span", &[("lang", "en")], &error.message)
        .close("p");
        // The line at fault with a caret under the column, as a compiler would show it.
        if let Some(text) = query.lines().nth(error.line.saturating_sub(1) as usize) {
            let pad = " ".repeat(error.column.saturating_sub(1) as usize);
            out.element(
                "pre",
                &[("class", "query-caret"), ("aria-hidden", "true")],
                &format!("{text}\n{pad}^"),
            );
        }
    }
    out.element(
        "h3",
        &[("class", "monitor-heading")],
        lang.t("Log groups", "ロググループ"),
    )
    .open(
        "ul",
        &[("class", "log-groups"), ("data-testid", "log-groups")],
    );
    for group in groups {
        out.open("li", &[]).element("code", &[], group).close("li");
    }
    out.close("ul");
    out.element(
        "p",
        &[("class", "monitor-subtle")],
        lang.t(
            "Without SOURCE '…' | every group is read. The lines are those of the scenario's logging level.",
            "SOURCE '…' | がなければすべてのグループを読みます。ログ行はシナリオのログレベルに従います。",
        ),
    );
    out.close("div");
    out
}

fn answer_markup(lang: Lang, frame: &SimFrame, answer: Option<&Answer>) -> Markup {
    let mut out = Markup::new();
    out.open(
        "section",
        &[("class", "logs-results"), ("data-testid", "logs-results")],
    );
    match answer {
        None => {
            out.element(
                "p",
                &[("class", "monitor-note")],
                lang.t(
                    "Run the query to read the log lines of the run so far.",
                    "クエリを実行すると、ここまでの実行のログ行を読みます。",
                ),
            );
        }
        Some(answer) => {
            if answer.generation != frame.generation {
                out.element(
                    "p",
                    &[("class", "monitor-note")],
                    lang.t(
                        "These results are from an earlier run: run the query again.",
                        "この結果は以前の実行のものです。もう一度クエリを実行してください。",
                    ),
                );
            }
            match &answer.result {
                Ok(result) => {
                    out.element(
                        "p",
                        &[("class", "monitor-subtle"), ("data-testid", "logs-counts")],
                        &match lang {
                            Lang::En => format!(
                                "At {}: {} records scanned, {} matched, {} rows.",
                                clock_seconds(answer.at_ms),
                                count(result.records_scanned),
                                count(result.records_matched),
                                count(result.rows.len() as u64)
                            ),
                            Lang::Ja => format!(
                                "{} 時点: {} 件を走査、{} 件が一致、{} 行。",
                                clock_seconds(answer.at_ms),
                                count(result.records_scanned),
                                count(result.records_matched),
                                count(result.rows.len() as u64)
                            ),
                        },
                    );
                    results_markup(&mut out, lang, result);
                }
                Err(_) => {
                    out.element(
                        "p",
                        &[("class", "monitor-note")],
                        lang.t(
                            "The query was not run: see the problem beside it.",
                            "クエリは実行されませんでした。横に示した問題を確認してください。",
                        ),
                    );
                }
            }
        }
    }
    out.close("section");
    out
}

/// A query's rows as a table, its columns the query's fields (also the dashboard's log
/// widgets).
pub fn results_markup(out: &mut Markup, lang: Lang, result: &QueryResult) {
    if result.rows.is_empty() {
        out.element(
            "p",
            &[("class", "monitor-note"), ("data-testid", "logs-no-rows")],
            lang.t("No rows.", "該当する行はありません。"),
        );
        return;
    }
    out.open("div", &[("class", "monitor-table-wrap")])
        .open(
            "table",
            &[("class", "monitor-table"), ("data-testid", "logs-table")],
        )
        .open("thead", &[])
        .open("tr", &[]);
    for field in &result.fields {
        out.element("th", &[("scope", "col")], field);
    }
    out.close("tr").close("thead").open("tbody", &[]);
    for row in result.rows.iter().take(MAX_ROWS) {
        out.open("tr", &[]);
        for field in &result.fields {
            let value = row
                .iter()
                .find(|(name, _)| name == field)
                .map_or("", |(_, value)| value.as_str());
            out.element("td", &[], value);
        }
        out.close("tr");
    }
    out.close("tbody").close("table").close("div");
    if result.rows.len() > MAX_ROWS {
        out.element(
            "p",
            &[("class", "monitor-subtle")],
            &match lang {
                Lang::En => format!(
                    "The first {} of {} rows (add | limit to the query for fewer).",
                    count(MAX_ROWS as u64),
                    count(result.rows.len() as u64)
                ),
                Lang::Ja => format!(
                    "{} 行のうち最初の {} 行（減らすにはクエリに | limit を加えてください）。",
                    count(result.rows.len() as u64),
                    count(MAX_ROWS as u64)
                ),
            },
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_query_is_one_of_the_subset() {
        let parsed = insights::parse(DEFAULT_QUERY);
        assert!(parsed.is_ok(), "{parsed:?}");
    }

    #[test]
    fn a_problem_is_shown_at_its_column_with_a_caret() {
        let error = QueryError {
            line: 2,
            column: 3,
            message: "unknown command".into(),
        };
        let html = status_markup(Lang::En, "fields a\n| frob x", Some(&error), &[]).into_string();
        assert!(html.contains(">2:3<"), "{html}");
        assert!(html.contains("| frob x\n  ^"), "{html}");
    }

    #[test]
    fn rows_fill_the_columns_they_have() {
        let result = QueryResult {
            fields: vec!["error_type".into(), "errors".into()],
            rows: vec![
                vec![
                    ("error_type".into(), "DataValidationError".into()),
                    ("errors".into(), "180".into()),
                ],
                vec![("errors".into(), "3".into())],
            ],
            records_scanned: 500,
            records_matched: 183,
        };
        let mut out = Markup::new();
        results_markup(&mut out, Lang::En, &result);
        let html = out.into_string();
        assert_eq!(html.matches("<th scope=\"col\">").count(), 2);
        assert!(html.contains("<td></td><td>3</td>"), "{html}");
    }
}
