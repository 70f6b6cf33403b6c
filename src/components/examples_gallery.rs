//! The examples gallery: a dialog listing every built-in example with what it shows, the
//! sample it is modelled on and how its run fails. Opening one replaces the work on the page —
//! only when the user picks it; closing the dialog changes nothing.

use wasm_bindgen::JsCast;
use yew::prelude::*;

use crate::examples::{Example, EXAMPLES};
use crate::i18n::Lang;
use crate::markup::Markup;

/// What the gallery is drawn from; [`ExamplesGallery::view`] draws it. A function of its data
/// rather than a component (see [`crate::components::app_header::HeaderState`], which also
/// moves the focus into the dialog when it opens, with [`focus_first_example`]).
pub struct ExamplesGallery {
    /// The id of the example the work started from.
    pub current: &'static str,
    /// Whether the work was changed since (opening an example would replace those changes).
    pub edited: bool,
    /// Called with the id of the example the user picked.
    pub on_open: Callback<String>,
    pub on_close: Callback<()>,
    /// The dialog element.
    pub dialog: NodeRef,
}

/// Focus moves into the dialog (onto the first example) when it opens.
pub fn focus_first_example(dialog: &NodeRef) {
    if let Some(first) = dialog
        .cast::<web_sys::Element>()
        .and_then(|dialog| dialog.query_selector(".gallery-open").ok().flatten())
        .and_then(|element| element.dyn_into::<web_sys::HtmlElement>().ok())
    {
        let _ = first.focus();
    }
}

impl ExamplesGallery {
    pub fn view(&self, lang: Lang) -> Html {
        let props = self;
        let dialog = props.dialog.clone();

        let on_keydown = {
            let on_close = props.on_close.clone();
            let dialog = dialog.clone();
            Callback::from(move |event: KeyboardEvent| match event.key().as_str() {
                "Escape" => {
                    event.prevent_default();
                    on_close.emit(());
                }
                "Tab" => keep_focus_inside(&dialog, &event),
                _ => {}
            })
        };
        let on_backdrop = {
            let on_close = props.on_close.clone();
            Callback::from(move |event: MouseEvent| {
                // Only a click on the backdrop itself, not one that bubbled up from the dialog.
                if event.target() == event.current_target() {
                    on_close.emit(());
                }
            })
        };
        let on_close_button = {
            let on_close = props.on_close.clone();
            Callback::from(move |_: MouseEvent| on_close.emit(()))
        };

        let cards = EXAMPLES.iter().map(|example| {
            let is_current = example.id == props.current;
            let onclick = {
                let on_open = props.on_open.clone();
                let id = example.id.to_string();
                Callback::from(move |_: MouseEvent| on_open.emit(id.clone()))
            };
            html! {
                <li
                    class={classes!("gallery-card", is_current.then_some("gallery-card-current"))}
                    data-testid={format!("gallery-card-{}", example.id)}
                >
                    { card_text(lang, example, is_current) }
                    <button
                        type="button"
                        class="button button-primary gallery-open"
                        data-testid={format!("gallery-open-{}", example.id)}
                        {onclick}
                    >
                        { if is_current && props.edited {
                            lang.t("Reopen (discard my changes)", "開き直す(変更を破棄)")
                        } else if is_current {
                            lang.t("Reopen", "開き直す")
                        } else {
                            lang.t("Open this example", "この例題を開く")
                        } }
                    </button>
                </li>
            }
        });

        html! {
            <div class="gallery-backdrop" onclick={on_backdrop}>
                <div
                    class="gallery"
                    role="dialog"
                    aria-modal="true"
                    aria-labelledby="gallery-title"
                    data-testid="examples-gallery"
                    ref={dialog}
                    onkeydown={on_keydown}
                >
                    <header class="gallery-header">
                        <div>
                            <h2 id="gallery-title" class="gallery-title">
                                { lang.t("Examples", "例題") }
                            </h2>
                            <p class="gallery-subtitle">
                                { lang.t(
                                    "Each one fails for a reason worth knowing — open it, watch it fail, then apply the fix.",
                                    "どの例題も、知っておきたい理由で失敗します。開いて失敗を確かめ、修正を適用してみましょう。",
                                ) }
                            </p>
                            if props.edited {
                                <p class="gallery-warning" role="note">
                                    <span aria-hidden="true">{ "⚠ " }</span>
                                    { lang.t(
                                        "Opening an example replaces your edited definition and scenario. Share a link first to keep them.",
                                        "例題を開くと、編集中の定義とシナリオは置き換えられます。残したい場合は先に共有リンクを作ってください。",
                                    ) }
                                </p>
                            }
                        </div>
                        <button
                            type="button"
                            class="icon-button gallery-close"
                            data-testid="gallery-close"
                            aria-label={lang.t("Close", "閉じる")}
                            title={lang.t("Close (Esc)", "閉じる(Esc)")}
                            onclick={on_close_button}
                        >{ "✕" }</button>
                    </header>
                    <ul class="gallery-list">{ for cards }</ul>
                </div>
            </div>
        }
    }
}

/// What a card says about `example`: markup (see `crate::markup`), it never changes while the
/// gallery is open.
fn card_text(lang: Lang, example: &Example, is_current: bool) -> Html {
    let mut out = Markup::new();
    out.open("div", &[("class", "gallery-card-head")]).element(
        "h3",
        &[("class", "gallery-card-title")],
        example.title.get(lang),
    );
    if is_current {
        out.element(
            "span",
            &[("class", "chip chip-accent")],
            lang.t("Open now", "表示中"),
        );
    }
    out.close("div").element(
        "p",
        &[("class", "gallery-card-text")],
        example.description.get(lang),
    );
    if let Some((repository, sample)) = example.modelled_on {
        out.open("p", &[("class", "gallery-card-source")])
            .text(lang.t("Modelled on ", "参考にしたサンプル: "))
            .element("code", &[], repository)
            .text(" · ")
            .element("code", &[], sample)
            .close("p");
    }
    out.open("p", &[("class", "gallery-card-story")])
        .open(
            "span",
            &[("class", "gallery-outcome gallery-outcome-failed")],
        )
        .element("span", &[("aria-hidden", "true")], "✕ ")
        .text(lang.t("Fails with ", "失敗: "))
        .element("code", &[], story_error(example.story.verdict_before))
        .close("span")
        .open(
            "span",
            &[("class", "gallery-outcome gallery-outcome-fixed")],
        )
        .element("span", &[("aria-hidden", "true")], "✓ ")
        .text(lang.t("Fix: ", "修正: "))
        .text(example.story.fix.summary.get(lang))
        .close("span")
        .close("p");
    out.html()
}

/// The error a story's run fails with, from its verdict (`FAILED: <error> at …`).
fn story_error(verdict: &str) -> &str {
    verdict
        .strip_prefix("FAILED: ")
        .and_then(|rest| rest.split(" at ").next())
        .unwrap_or(verdict)
}

/// Tab and Shift+Tab cycle through the dialog's controls instead of leaving it.
fn keep_focus_inside(dialog: &NodeRef, event: &KeyboardEvent) {
    let Some(dialog) = dialog.cast::<web_sys::Element>() else {
        return;
    };
    let Ok(list) = dialog.query_selector_all("button, a[href], input, [tabindex]") else {
        return;
    };
    let focusable: Vec<web_sys::HtmlElement> = (0..list.length())
        .filter_map(|index| list.item(index))
        .filter_map(|node| node.dyn_into::<web_sys::HtmlElement>().ok())
        .collect();
    let (Some(first), Some(last)) = (focusable.first(), focusable.last()) else {
        return;
    };
    let active = web_sys::window()
        .and_then(|window| window.document())
        .and_then(|document| document.active_element());
    let at = |element: &web_sys::HtmlElement| {
        active
            .as_ref()
            .is_some_and(|active| active == element.unchecked_ref::<web_sys::Element>())
    };
    if event.shift_key() && at(first) {
        event.prevent_default();
        let _ = last.focus();
    } else if !event.shift_key() && at(last) {
        event.prevent_default();
        let _ = first.focus();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_gallery_names_the_error_each_story_fails_with() {
        let errors: Vec<&str> = EXAMPLES
            .iter()
            .map(|example| story_error(example.story.verdict_before))
            .collect();
        assert!(errors.contains(&"States.ExceedToleratedFailureThreshold"));
        assert!(errors.contains(&"DataCollectionFailed"));
        assert!(
            errors.iter().all(|error| !error.contains(' ')),
            "{errors:?}"
        );
    }
}
