//! The list of diagnostics `asl` reported: where, how bad, which rule, and what it means.
//! Clicking one moves the editor's caret to it.

use std::rc::Rc;

use asl::{Diagnostic, Severity};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct DiagnosticsPanelProps {
    /// In the order `asl` reported them.
    pub diagnostics: Rc<[Diagnostic]>,
    /// Called with `(line, column)` when the user picks a located diagnostic.
    pub on_reveal: Callback<(u32, u32)>,
}

#[component]
pub fn DiagnosticsPanel(props: &DiagnosticsPanelProps) -> Html {
    let n_errors = props.diagnostics.iter().filter(|d| d.is_error()).count();
    let n_warnings = props.diagnostics.len() - n_errors;

    let items = props.diagnostics.iter().map(|diagnostic| {
        let (class, icon, severity) = match diagnostic.severity {
            Severity::Error => ("diagnostic diagnostic-error", "✕", "error"),
            Severity::Warning => ("diagnostic diagnostic-warning", "▲", "warning"),
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
                        <span class="diagnostic-severity">{ severity }</span>
                        <code class="diagnostic-code">{ diagnostic.code }</code>
                    </span>
                    <span class="diagnostic-message">{ diagnostic.message.clone() }</span>
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
                            title="Show in the editor"
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
                <h2 id="diagnostics-heading" class="panel-title">{ "Problems" }</h2>
                <span class="counts">
                    <span class={classes!("count", "count-error", (n_errors == 0).then_some("count-zero"))}
                        title="errors">
                        <span aria-hidden="true">{ "✕" }</span>{ n_errors }
                        <span class="visually-hidden">{ " errors" }</span>
                    </span>
                    <span class={classes!("count", "count-warning", (n_warnings == 0).then_some("count-zero"))}
                        title="warnings">
                        <span aria-hidden="true">{ "▲" }</span>{ n_warnings }
                        <span class="visually-hidden">{ " warnings" }</span>
                    </span>
                </span>
            </header>
            if props.diagnostics.is_empty() {
                <p class="empty-state" data-testid="no-diagnostics">
                    <span class="empty-state-icon" aria-hidden="true">{ "✓" }</span>
                    { "No problems found. The definition is valid ASL." }
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
