//! The list of diagnostics `asl` reported: where, how bad, which rule, and what it means.
//! Clicking one moves the editor's caret to it. `asl` writes its messages in English; in
//! Japanese the panel shows what the rule means in Japanese, then the English detail.

use asl::{Diagnostic, Severity};
use wasm_bindgen::JsCast;
use yew::prelude::*;

use crate::i18n::{diagnostics, Lang};
use crate::markup::Markup;

/// The panel of `diagnostics` (in the order `asl` reported them); `on_reveal` is called with
/// `(line, column)` when the user picks a located one. A function of its data rather than a
/// component (see [`crate::components::form_fields::issues`] for why).
pub fn diagnostics_panel(
    lang: Lang,
    diagnostics: &[Diagnostic],
    on_reveal: &Callback<(u32, u32)>,
) -> Html {
    // The list is markup (see `crate::markup`); one listener on the panel serves every located
    // diagnostic's button through its `data-line` and `data-column`.
    let onclick = {
        let on_reveal = on_reveal.clone();
        Callback::from(move |event: MouseEvent| {
            let button = event
                .target()
                .and_then(|target| target.dyn_into::<web_sys::Element>().ok())
                .and_then(|element| element.closest("[data-line]").ok().flatten());
            let Some(button) = button else {
                return;
            };
            let number = |name: &str| button.get_attribute(name)?.parse::<u32>().ok();
            if let (Some(line), Some(column)) = (number("data-line"), number("data-column")) {
                on_reveal.emit((line, column));
            }
        })
    };
    html! {
        <section class="panel diagnostics-panel" data-testid="diagnostics"
            aria-labelledby="diagnostics-heading" {onclick}>
            { panel_markup(lang, diagnostics).html() }
        </section>
    }
}

/// Everything inside the panel.
fn panel_markup(lang: Lang, diagnostics: &[Diagnostic]) -> Markup {
    let n_errors = diagnostics.iter().filter(|d| d.is_error()).count();
    let n_warnings = diagnostics.len() - n_errors;
    let mut out = Markup::new();
    out.open("header", &[("class", "panel-header")])
        .element(
            "h2",
            &[("id", "diagnostics-heading"), ("class", "panel-title")],
            lang.t("Problems", "問題"),
        )
        .open("span", &[("class", "counts")]);
    let counts = [
        (
            n_errors,
            "count count-error",
            "count count-error count-zero",
            "✕",
            lang.t("errors", "エラー"),
            lang.t(" errors", " 件のエラー"),
        ),
        (
            n_warnings,
            "count count-warning",
            "count count-warning count-zero",
            "▲",
            lang.t("warnings", "警告"),
            lang.t(" warnings", " 件の警告"),
        ),
    ];
    for (n, class, zero_class, glyph, title, hidden) in counts {
        out.open(
            "span",
            &[
                ("class", if n == 0 { zero_class } else { class }),
                ("title", title),
            ],
        )
        .element("span", &[("aria-hidden", "true")], glyph)
        .text(&n.to_string())
        .element("span", &[("class", "visually-hidden")], hidden)
        .close("span");
    }
    out.close("span").close("header");
    if diagnostics.is_empty() {
        out.open(
            "p",
            &[("class", "empty-state"), ("data-testid", "no-diagnostics")],
        )
        .element(
            "span",
            &[("class", "empty-state-icon"), ("aria-hidden", "true")],
            "✓",
        )
        .text(lang.t(
            "No problems found. The definition is valid ASL.",
            "問題は見つかりませんでした。定義は有効な ASL です。",
        ))
        .close("p");
        return out;
    }
    out.open("ul", &[("class", "diagnostic-list")]);
    for diagnostic in diagnostics {
        diagnostic_markup(&mut out, lang, diagnostic);
    }
    out.close("ul");
    out
}

/// One diagnostic: a button that shows it in the editor when it has a place, else a box.
fn diagnostic_markup(out: &mut Markup, lang: Lang, diagnostic: &Diagnostic) {
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
    out.open("li", &[]);
    let tag = match diagnostic.location {
        Some(location) => {
            out.open(
                "button",
                &[
                    ("type", "button"),
                    ("class", class),
                    ("data-testid", "diagnostic"),
                    ("data-severity", severity),
                    ("data-line", &location.line.to_string()),
                    ("data-column", &location.column.to_string()),
                    ("title", lang.t("Show in the editor", "エディターで表示")),
                ],
            );
            "button"
        }
        None => {
            out.open(
                "div",
                &[
                    ("class", class),
                    ("data-testid", "diagnostic"),
                    ("data-severity", severity),
                ],
            );
            "div"
        }
    };
    let position = match diagnostic.location {
        Some(location) => format!("{}:{}", location.line, location.column),
        None => "–:–".to_string(),
    };
    out.element(
        "span",
        &[("class", "diagnostic-icon"), ("aria-hidden", "true")],
        icon,
    )
    .open("span", &[("class", "diagnostic-main")])
    .open("span", &[("class", "diagnostic-meta")])
    .element("span", &[("class", "diagnostic-position")], &position)
    .element("span", &[("class", "diagnostic-severity")], severity_label)
    .element("code", &[("class", "diagnostic-code")], diagnostic.code)
    .close("span");
    match explanation {
        Some(explanation) => {
            out.element(
                "span",
                &[
                    ("class", "diagnostic-explanation"),
                    ("data-testid", "diagnostic-explanation"),
                ],
                explanation,
            )
            .element(
                "span",
                &[
                    ("class", "diagnostic-message diagnostic-message-detail"),
                    ("lang", "en"),
                ],
                &diagnostic.message,
            );
        }
        None => {
            out.element(
                "span",
                &[("class", "diagnostic-message")],
                &diagnostic.message,
            );
        }
    }
    if !diagnostic.pointer.is_empty() {
        // A JSON pointer that may wrap after each `/` (rather than in the middle of a name).
        out.open("code", &[("class", "diagnostic-pointer")]);
        for segment in diagnostic.pointer.split_inclusive('/') {
            out.text(segment).open("wbr", &[]);
        }
        out.close("code");
    }
    out.close("span").close(tag).close("li");
}
