//! The list of diagnostics `asl` reported: where, how bad, which rule, and what it means.
//! Clicking one moves the editor's caret to it. `asl` writes its messages in English; in
//! Japanese the panel shows what the rule means in Japanese, then the English detail.

use std::rc::Rc;

use asl::{Diagnostic, Severity};
use yew::prelude::*;

use crate::i18n::{diagnostics, use_lang, Lang};

#[derive(Properties, PartialEq)]
pub struct DiagnosticsPanelProps {
    /// In the order `asl` reported them.
    pub diagnostics: Rc<[Diagnostic]>,
    /// Called with `(line, column)` when the user picks a located diagnostic.
    pub on_reveal: Callback<(u32, u32)>,
}

#[component]
pub fn DiagnosticsPanel(props: &DiagnosticsPanelProps) -> Html {
    let lang = use_lang();
    let n_errors = props.diagnostics.iter().filter(|d| d.is_error()).count();
    let n_warnings = props.diagnostics.len() - n_errors;

    let items = props.diagnostics.iter().map(|diagnostic| {
        let (class, icon, severity) = match diagnostic.severity {
            Severity::Error => ("diagnostic diagnostic-error", "✕", "error"),
            Severity::Warning => ("diagnostic diagnostic-warning", "▲", "warning"),
        };
        let severity_label = match diagnostic.severity {
            Severity::Error => lang.t("error", "エラー"),
            Severity::Warning => lang.t("warning", "警告"),
        };
        let explanation = match lang {
            Lang::Ja => diagnostics::japanese(diagnostic.code),
            Lang::En => None,
        };
        let body = html! {
            <>
                <span class="diagnostic-icon" aria-hidden="true">{ icon }</span>
                <span class="diagnostic-main">
                    <span class="diagnostic-meta">
                        <span class="diagnostic-position">
                            { match diagnostic.location {
                                Some(location) => format!("{}:{}", location.line, location.column),
                                None => "–:–".to_string(),
                            } }
                        </span>
                        <span class="diagnostic-severity">{ severity_label }</span>
                        <code class="diagnostic-code">{ diagnostic.code }</code>
                    </span>
                    if let Some(explanation) = explanation {
                        <span class="diagnostic-explanation" data-testid="diagnostic-explanation">{ explanation }</span>
                        <span class="diagnostic-message diagnostic-message-detail" lang="en">{ diagnostic.message.clone() }</span>
                    } else {
                        <span class="diagnostic-message">{ diagnostic.message.clone() }</span>
                    }
                    if !diagnostic.pointer.is_empty() {
                        <code class="diagnostic-pointer">{ pointer_with_breaks(&diagnostic.pointer) }</code>
                    }
                </span>
            </>
        };
        match diagnostic.location {
            Some(location) => {
                let on_reveal = props.on_reveal.clone();
                let onclick = Callback::from(move |_: MouseEvent| {
                    on_reveal.emit((location.line, location.column))
                });
                html! {
                    <li>
                        <button
                            type="button"
                            class={class}
                            data-testid="diagnostic"
                            data-severity={severity}
                            data-line={location.line.to_string()}
                            data-column={location.column.to_string()}
                            title={lang.t("Show in the editor", "エディターで表示")}
                            {onclick}
                        >
                            { body }
                        </button>
                    </li>
                }
            }
            None => html! {
                <li>
                    <div class={class} data-testid="diagnostic" data-severity={severity}>
                        { body }
                    </div>
                </li>
            },
        }
    });

    html! {
        <section class="panel diagnostics-panel" data-testid="diagnostics"
            aria-labelledby="diagnostics-heading">
            <header class="panel-header">
                <h2 id="diagnostics-heading" class="panel-title">{ lang.t("Problems", "問題") }</h2>
                <span class="counts">
                    <span class={classes!("count", "count-error", (n_errors == 0).then_some("count-zero"))}
                        title={lang.t("errors", "エラー")}>
                        <span aria-hidden="true">{ "✕" }</span>{ n_errors }
                        <span class="visually-hidden">{ lang.t(" errors", " 件のエラー") }</span>
                    </span>
                    <span class={classes!("count", "count-warning", (n_warnings == 0).then_some("count-zero"))}
                        title={lang.t("warnings", "警告")}>
                        <span aria-hidden="true">{ "▲" }</span>{ n_warnings }
                        <span class="visually-hidden">{ lang.t(" warnings", " 件の警告") }</span>
                    </span>
                </span>
            </header>
            if props.diagnostics.is_empty() {
                <p class="empty-state" data-testid="no-diagnostics">
                    <span class="empty-state-icon" aria-hidden="true">{ "✓" }</span>
                    { lang.t(
                        "No problems found. The definition is valid ASL.",
                        "問題は見つかりませんでした。定義は有効な ASL です。",
                    ) }
                </p>
            } else {
                <ul class="diagnostic-list">{ for items }</ul>
            }
        </section>
    }
}

/// A JSON pointer that may wrap after each `/` (rather than in the middle of a state name).
fn pointer_with_breaks(pointer: &str) -> Html {
    pointer
        .split_inclusive('/')
        .map(|segment| html! { <>{ segment.to_string() }<wbr /></> })
        .collect()
}
