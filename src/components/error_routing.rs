//! The Errors tab: how the run's errors met each Task and Map state's handlers — error →
//! retrier (retries, waits) → catcher (→ next state) or "failed the state" — and what a review
//! should look at (handlers never reached, errors nothing matches, shadowed handlers, the
//! exception-name trap), each with buttons to the state in the graph and to its place in the
//! definition.
//!
//! The view is the engine's (`engine::monitor::routing`); this file only writes it as markup
//! (see `crate::markup`), its buttons served by one listener reading `data-action` and
//! `data-pointer`.

use std::cell::RefCell;
use std::rc::Rc;

use engine::monitor::routing::{Finding, FindingKind, RouteRow, Routing, StateRouting};
use wasm_bindgen::JsCast;
use yew::prelude::*;

use crate::i18n::{count, Lang};
use crate::markup::Markup;
use crate::run_status::duration;
use crate::sim_frame::SimFrame;

/// How often the tab is redrawn while the run plays: each drawing replaces its tables, which
/// at every frame costs the page more than the counts gain (as the charts).
const LIVE_REDRAW_MS: f64 = 250.0;

/// The last drawing: for which run, frame and language, when, and its markup.
#[derive(Default)]
pub struct ErrorsState {
    drawn: Option<(u64, u64, Lang)>,
    drawn_at: f64,
    markup: AttrValue,
}

/// The tab's last drawing, kept by the run view.
#[hook]
pub fn use_errors_state() -> Rc<RefCell<ErrorsState>> {
    use_mut_ref(ErrorsState::default)
}

/// The Errors tab for the run in `frame` (`live` while playback moves). `on_select_state` is
/// called with a state's pointer (to select it in the graph), `on_reveal` with any pointer of
/// the definition (to move the editor's caret there).
pub fn error_routing(
    lang: Lang,
    frame: &SimFrame,
    live: bool,
    state: &RefCell<ErrorsState>,
    on_select_state: &Callback<AttrValue>,
    on_reveal: &Callback<AttrValue>,
) -> Html {
    let markup = {
        let mut state = state.borrow_mut();
        let now = crate::playback::performance_now();
        let key = (frame.generation, frame.frame, lang);
        let same_run = state
            .drawn
            .is_some_and(|(generation, _, drawn_lang)| generation == key.0 && drawn_lang == lang);
        let recent = live && now >= state.drawn_at && now - state.drawn_at < LIVE_REDRAW_MS;
        if state.drawn != Some(key) && !(same_run && recent) {
            let Some(sim) = frame.read() else {
                return html! {};
            };
            let routing = engine::monitor::routing::routing(&sim);
            let finished = sim.outcome().is_some();
            drop(sim);
            state.markup = AttrValue::from(routing_markup(lang, &routing, finished).into_string());
            state.drawn = Some(key);
            state.drawn_at = now;
        }
        state.markup.clone()
    };
    let onclick = {
        let on_select_state = on_select_state.clone();
        let on_reveal = on_reveal.clone();
        Callback::from(move |event: MouseEvent| {
            let button = event
                .target()
                .and_then(|target| target.dyn_into::<web_sys::Element>().ok())
                .and_then(|element| element.closest("[data-action]").ok().flatten());
            let Some(button) = button else {
                return;
            };
            let Some(pointer) = button.get_attribute("data-pointer") else {
                return;
            };
            match button.get_attribute("data-action").as_deref() {
                Some("state") => on_select_state.emit(AttrValue::from(pointer)),
                Some("definition") => on_reveal.emit(AttrValue::from(pointer)),
                _ => {}
            }
        })
    };
    html! {
        <div class="monitor-panel errors-panel" data-testid="errors-panel" {onclick}>
            { Html::from_html_unchecked(markup) }
        </div>
    }
}

/// Everything inside the tab.
pub fn routing_markup(lang: Lang, routing: &Routing, finished: bool) -> Markup {
    let mut out = Markup::new();
    out.open(
        "section",
        &[
            ("class", "findings"),
            ("aria-labelledby", "findings-heading"),
        ],
    )
    .element(
        "h3",
        &[("id", "findings-heading"), ("class", "monitor-heading")],
        lang.t("Findings", "確認すべき点"),
    );
    if routing.findings.is_empty() {
        out.element(
            "p",
            &[("class", "monitor-note"), ("data-testid", "no-findings")],
            if finished {
                lang.t(
                    "Nothing to look at: every handler was reached and every error was handled as written.",
                    "確認すべき点はありません。どのハンドラーも使われ、どのエラーも書かれたとおりに処理されました。",
                )
            } else {
                lang.t(
                    "Nothing so far (handlers never reached are reported once the run has ended).",
                    "今のところありません（一度も使われないハンドラーは実行の終了後に報告します）。",
                )
            },
        );
    } else {
        out.open("ul", &[("class", "finding-list")]);
        for finding in &routing.findings {
            finding_markup(&mut out, lang, routing, finding);
        }
        out.close("ul");
    }
    out.close("section");

    out.open(
        "section",
        &[("class", "routes"), ("aria-labelledby", "routes-heading")],
    )
    .element(
        "h3",
        &[("id", "routes-heading"), ("class", "monitor-heading")],
        lang.t("Where each error went", "エラーの行き先"),
    );
    if routing.states.is_empty() {
        out.element(
            "p",
            &[("class", "monitor-note")],
            lang.t(
                "No Task or Map state has a Retry or Catch, and no error has been raised yet.",
                "Retry や Catch を持つ Task・Map ステートはなく、エラーもまだ発生していません。",
            ),
        );
    }
    for state in &routing.states {
        state_markup(&mut out, lang, state);
    }
    out.close("section");
    out
}

fn kind_text(lang: Lang, kind: FindingKind) -> (&'static str, &'static str) {
    match kind {
        FindingKind::RetrierUnreached => (
            "unreached",
            lang.t("Retrier never reached", "使われなかったリトライア"),
        ),
        FindingKind::CatcherUnreached => (
            "unreached",
            lang.t("Catcher never reached", "使われなかったキャッチャー"),
        ),
        FindingKind::Unmatched => (
            "unmatched",
            lang.t(
                "Error nothing matches",
                "どのハンドラーにも一致しないエラー",
            ),
        ),
        FindingKind::Shadowed => (
            "shadowed",
            lang.t("Shadowed handler", "前のハンドラーに隠されたハンドラー"),
        ),
        FindingKind::ExceptionNameTrap => (
            "trap",
            lang.t(
                "The exception-name trap",
                "例外名の罠（Step Functions が見るのは例外のクラス名）",
            ),
        ),
    }
}

/// The state's pointer for a finding: its state's row, else the finding's pointer without its
/// `/Retry/n` or `/Catch/n`.
fn state_pointer<'a>(routing: &'a Routing, finding: &'a Finding) -> &'a str {
    if let Some(state) = routing.states.iter().find(|s| s.state == finding.state) {
        return &state.pointer;
    }
    for field in ["/Retry/", "/Catch/"] {
        if let Some(at) = finding.pointer.rfind(field) {
            return &finding.pointer[..at];
        }
    }
    &finding.pointer
}

/// The finding in the page's language, written from its parts (the engine's English sentence
/// is kept for English).
fn finding_sentence(lang: Lang, finding: &Finding) -> String {
    if lang == Lang::En {
        return finding.message.clone();
    }
    let state = &finding.state;
    let handler = finding.handler.map_or(String::new(), |i| i.to_string());
    let patterns = finding.patterns.join(", ");
    let error = finding.error.as_deref().unwrap_or("");
    let meant = finding.meant.as_deref().unwrap_or("");
    match finding.kind {
        FindingKind::RetrierUnreached => format!(
            "{state}: リトライ {handler}（{patterns}）は、この実行ではどのエラーにも一致しませんでした"
        ),
        FindingKind::CatcherUnreached => format!(
            "{state}: キャッチャー {handler}（{patterns}）は、この実行では何も捕捉しませんでした"
        ),
        FindingKind::Unmatched => format!(
            "{state}: {error} に一致するリトライもキャッチャーもありません。ステートを {} 回失敗させました",
            finding.count
        ),
        FindingKind::Shadowed => format!(
            "{state}: ハンドラー {handler}（{patterns}）は決して一致しません。その前のハンドラー {} が、書かれたエラーをすべて先に受け取ります",
            finding.by.map_or(String::new(), |i| i.to_string())
        ),
        FindingKind::ExceptionNameTrap => format!(
            "{state}: {meant} のハンドラーは発動しません。関数は {error} を送出し（メッセージには {meant} と書かれています）、Step Functions が照合するのは例外のクラス名 {error} です{}",
            if finding.count > 0 {
                format!("（この実行で {} 回）", finding.count)
            } else {
                String::new()
            }
        ),
    }
}

fn finding_markup(out: &mut Markup, lang: Lang, routing: &Routing, finding: &Finding) {
    let (key, title) = kind_text(lang, finding.kind);
    out.open(
        "li",
        &[
            ("class", "finding"),
            ("data-kind", key),
            ("data-testid", "finding"),
        ],
    )
    .open("div", &[("class", "finding-text")])
    .element("strong", &[("class", "finding-kind")], title)
    .element(
        "span",
        &[
            ("class", "finding-message"),
            ("lang", if lang == Lang::Ja { "ja" } else { "en" }),
        ],
        &finding_sentence(lang, finding),
    )
    .element("code", &[("class", "finding-pointer")], &finding.pointer)
    .close("div")
    .open("div", &[("class", "finding-actions")])
    .element(
        "button",
        &[
            ("type", "button"),
            ("class", "bar-button"),
            ("data-action", "state"),
            ("data-pointer", state_pointer(routing, finding)),
            ("data-testid", "finding-show-state"),
        ],
        lang.t("Show the state", "ステートを表示"),
    )
    .element(
        "button",
        &[
            ("type", "button"),
            ("class", "bar-button"),
            ("data-action", "definition"),
            ("data-pointer", &finding.pointer),
            ("data-testid", "finding-show-definition"),
        ],
        lang.t("Show in the definition", "定義で表示"),
    )
    .close("div")
    .close("li");
}

fn state_markup(out: &mut Markup, lang: Lang, state: &StateRouting) {
    out.open(
        "article",
        &[("class", "route-state"), ("data-testid", "route-state")],
    )
    .open("header", &[("class", "route-header")])
    .element("h4", &[("class", "route-name")], &state.state)
    .element(
        "button",
        &[
            ("type", "button"),
            ("class", "link-button"),
            ("data-action", "state"),
            ("data-pointer", &state.pointer),
        ],
        lang.t("Show in the graph", "グラフで表示"),
    )
    .close("header");
    if state.rows.is_empty() {
        out.element(
            "p",
            &[("class", "monitor-subtle")],
            lang.t(
                "No error reached this state so far.",
                "このステートではまだエラーが発生していません。",
            ),
        );
        out.close("article");
        return;
    }
    out.open("div", &[("class", "monitor-table-wrap")])
        .open("table", &[("class", "monitor-table route-table")])
        .element(
            "caption",
            &[("class", "visually-hidden")],
            &match lang {
                Lang::En => format!("Errors of {} and where they went", state.state),
                Lang::Ja => format!("{} のエラーとその行き先", state.state),
            },
        )
        .open("thead", &[])
        .open("tr", &[])
        .element("th", &[("scope", "col")], lang.t("Error", "エラー"))
        .element(
            "th",
            &[("scope", "col"), ("class", "numeric")],
            lang.t("Raised", "発生"),
        )
        .element("th", &[("scope", "col")], lang.t("Retrier", "リトライア"))
        .element("th", &[("scope", "col")], lang.t("Catcher", "キャッチャー"))
        .element(
            "th",
            &[("scope", "col"), ("class", "numeric")],
            lang.t("Failed the state", "ステートの失敗"),
        )
        .close("tr")
        .close("thead")
        .open("tbody", &[]);
    for row in &state.rows {
        row_markup(out, lang, row);
    }
    out.close("tbody").close("table").close("div");
    out.close("article");
}

fn row_markup(out: &mut Markup, lang: Lang, row: &RouteRow) {
    out.open("tr", &[("data-error", &row.error)])
        .open("th", &[("scope", "row")])
        .element("code", &[], &row.error)
        .close("th")
        .element("td", &[("class", "numeric")], &count(row.reached));
    out.open("td", &[("class", "route-retrier")]);
    match row.retrier {
        Some(index) => {
            out.element("strong", &[], &format!("Retry[{index}]"))
                .element(
                    "span",
                    &[("class", "route-detail")],
                    &match lang {
                        Lang::En => format!(
                            "{} retries · waited {} in all, at most {} · ran out {}×",
                            count(row.retries),
                            duration(row.wait_ms),
                            duration(row.max_wait_ms),
                            count(row.exhausted)
                        ),
                        Lang::Ja => format!(
                            "リトライ {} 回 · 待機 合計 {}、最大 {} · 使い切り {} 回",
                            count(row.retries),
                            duration(row.wait_ms),
                            duration(row.max_wait_ms),
                            count(row.exhausted)
                        ),
                    },
                );
        }
        None => {
            out.element(
                "span",
                &[("class", "route-none")],
                lang.t("no retrier matches", "一致するリトライアなし"),
            );
        }
    }
    out.close("td");
    out.open("td", &[("class", "route-catcher")]);
    match row.catcher {
        Some(index) => {
            out.element("strong", &[], &format!("Catch[{index}]"));
            if let Some(next) = &row.next {
                out.text(" → ").element("code", &[], next);
            }
            out.element(
                "span",
                &[("class", "route-detail")],
                &match lang {
                    Lang::En => format!("caught {}×", count(row.caught)),
                    Lang::Ja => format!("キャッチ {} 回", count(row.caught)),
                },
            );
        }
        None => {
            out.element(
                "span",
                &[("class", "route-none")],
                lang.t("no catcher matches", "一致するキャッチャーなし"),
            );
        }
    }
    out.close("td");
    out.element(
        "td",
        &[(
            "class",
            if row.unhandled > 0 {
                "numeric route-failed"
            } else {
                "numeric"
            },
        )],
        &count(row.unhandled),
    );
    out.close("tr");
}

#[cfg(test)]
mod tests {
    use super::*;

    fn routing() -> Routing {
        Routing {
            states: vec![StateRouting {
                state: "ValidateRecord".into(),
                pointer: "/States/Map/ItemProcessor/States/ValidateRecord".into(),
                rows: vec![RouteRow {
                    error: "Exception".into(),
                    reached: 180,
                    retrier: None,
                    retrier_pointer: None,
                    retries: 0,
                    wait_ms: 0,
                    max_wait_ms: 0,
                    exhausted: 0,
                    catcher: None,
                    catcher_pointer: None,
                    next: None,
                    caught: 0,
                    unhandled: 180,
                }],
            }],
            findings: vec![Finding {
                kind: FindingKind::ExceptionNameTrap,
                state: "ValidateRecord".into(),
                pointer: "/States/Map/ItemProcessor/States/ValidateRecord/Catch/0".into(),
                message: "the catcher for DataValidationError never fires".into(),
                handler: Some(0),
                by: None,
                patterns: vec!["DataValidationError".into()],
                error: Some("Exception".into()),
                meant: Some("DataValidationError".into()),
                count: 180,
            }],
        }
    }

    #[test]
    fn a_finding_points_at_its_state_and_its_handler() {
        let routing = routing();
        let html = routing_markup(Lang::En, &routing, true).into_string();
        assert!(html.contains(
            "data-action=\"state\" data-pointer=\"/States/Map/ItemProcessor/States/ValidateRecord\""
        ), "{html}");
        assert!(html.contains(
            "data-action=\"definition\" data-pointer=\"/States/Map/ItemProcessor/States/ValidateRecord/Catch/0\""
        ));
        assert!(
            html.contains("class=\"numeric route-failed\">180<"),
            "{html}"
        );
    }

    #[test]
    fn a_state_pointer_is_found_without_a_row() {
        let mut routing = routing();
        routing.states.clear();
        assert_eq!(
            state_pointer(&routing, &routing.findings[0]),
            "/States/Map/ItemProcessor/States/ValidateRecord"
        );
    }

    #[test]
    fn findings_are_written_in_japanese_from_their_parts() {
        let routing = routing();
        let text = finding_sentence(Lang::Ja, &routing.findings[0]);
        assert!(text.contains("例外のクラス名 Exception"), "{text}");
        assert!(text.contains("180 回"), "{text}");
        assert_eq!(
            finding_sentence(Lang::En, &routing.findings[0]),
            routing.findings[0].message
        );
    }
}
