//! The top of the page: the product's name, the examples gallery, the definition's overall
//! status, Share, the language switch and the keyboard help — and, under the bar, the story of
//! the open example (with its one-click fix) and what the page has to say about keeping or
//! sharing the work.

use yew::prelude::*;

use crate::components::examples_gallery::{focus_first_example, ExamplesGallery};
use crate::components::help_popover::{help_button, use_help_state, HelpState};
use crate::components::keep_notice::keep_notice_bar;
use crate::components::lang_switch::lang_switch;
use crate::components::share_button::{share_button, use_share_state, ShareState};
use crate::components::story_bar::story_bar;
use crate::i18n::Lang;
use crate::markup::Markup;
use crate::state::{Action, AppState};

/// What the header keeps between renders: whether the gallery is open (and the button that
/// opened it, to give the focus back), and whether the story is unfolded. It lives in the
/// page's component ([`use_header_state`]): the header is a function drawn by the page rather
/// than a component of its own, since each component type costs the page a few kilobytes of
/// WebAssembly.
pub struct HeaderState {
    gallery_open: UseStateHandle<bool>,
    gallery_button: NodeRef,
    gallery_dialog: NodeRef,
    story_expanded: UseStateHandle<bool>,
    help: HelpState,
    share: ShareState,
}

#[hook]
pub fn use_header_state() -> HeaderState {
    let gallery_open = use_state(|| false);
    let gallery_dialog = use_node_ref();
    {
        let gallery_dialog = gallery_dialog.clone();
        use_effect_with(*gallery_open, move |open| {
            if *open {
                focus_first_example(&gallery_dialog);
            }
        });
    }
    HeaderState {
        gallery_open,
        gallery_button: use_node_ref(),
        gallery_dialog,
        story_expanded: use_state(|| false),
        help: use_help_state(),
        share: use_share_state(),
    }
}

/// The header, the story bar and the keep notice, for `state`.
pub fn app_header(lang: Lang, state: &UseReducerHandle<AppState>, header: &HeaderState) -> Html {
    let gallery_open = &header.gallery_open;
    let gallery_button = &header.gallery_button;

    let open_gallery = {
        let gallery_open = gallery_open.clone();
        Callback::from(move |_: MouseEvent| gallery_open.set(true))
    };
    let close_gallery = {
        let gallery_open = gallery_open.clone();
        let gallery_button = gallery_button.clone();
        Callback::from(move |()| {
            gallery_open.set(false);
            // Back where the user was, so keyboard users do not start over at the top.
            if let Some(button) = gallery_button.cast::<web_sys::HtmlElement>() {
                let _ = button.focus();
            }
        })
    };
    let on_open_example = {
        let dispatcher = state.dispatcher();
        let close_gallery = close_gallery.clone();
        Callback::from(move |id: String| {
            dispatcher.dispatch(Action::OpenExample(id));
            close_gallery.emit(());
        })
    };
    let on_lang = {
        let dispatcher = state.dispatcher();
        Callback::from(move |lang: Lang| dispatcher.dispatch(Action::SetLang(lang)))
    };
    let on_action = {
        let dispatcher = state.dispatcher();
        Callback::from(move |action: Action| dispatcher.dispatch(action))
    };

    let analysis = &state.analysis;
    let (status_class, status_icon, status_text) =
        definition_status(lang, analysis.n_errors(), analysis.n_warnings());

    html! {
        <>
            <header class="app-header">
                { brand(lang) }
                <nav class="header-tools" aria-label={lang.t("Page tools", "ページのツール")}>
                    <button
                        type="button"
                        class="header-button"
                        data-testid="examples-button"
                        aria-haspopup="dialog"
                        aria-expanded={(**gallery_open).to_string()}
                        ref={gallery_button.clone()}
                        onclick={open_gallery}
                    >
                        <span class="header-button-glyph" aria-hidden="true">{ "▦" }</span>
                        { lang.t("Examples", "例題") }
                    </button>
                    <span class={status_class} data-testid="definition-status" role="status">
                        <span class="status-icon" aria-hidden="true">{ status_icon }</span>
                        { status_text }
                    </span>
                    { share_button(lang, state, &header.share) }
                    { lang_switch(lang, &on_lang) }
                    { help_button(lang, &header.help) }
                </nav>
            </header>
            { story_bar(
                lang,
                state.example,
                analysis.definition.as_deref(),
                &state.scenario_text,
                &header.story_expanded,
                &on_action,
            ) }
            if let Some(notice) = &state.keep_notice {
                { keep_notice_bar(lang, notice, &on_action) }
            }
            if **gallery_open {
                { ExamplesGallery {
                    current: state.example.id,
                    edited: state.edited,
                    on_open: on_open_example,
                    on_close: close_gallery,
                    dialog: header.gallery_dialog.clone(),
                }.view(lang) }
            }
        </>
    }
}

/// The product's mark and name: markup (see `crate::markup`), it never changes but with the
/// language.
fn brand(lang: Lang) -> Html {
    let mut out = Markup::new();
    out.raw(concat!(
        r#"<div class="brand"><svg class="brand-mark" viewBox="0 0 32 32" aria-hidden="true">"#,
        r#"<rect x="1" y="1" width="30" height="30" rx="8" class="brand-mark-tile"></rect>"#,
        r#"<circle cx="9" cy="16" r="3.2" class="brand-mark-node"></circle>"#,
        r#"<path d="M12 16 L20 8.5 M12 16 L20 16 M12 16 L20 23.5" class="brand-mark-edge"></path>"#,
        r#"<circle cx="22.5" cy="8.5" r="2.4" class="brand-mark-leaf"></circle>"#,
        r#"<circle cx="22.5" cy="16" r="2.4" class="brand-mark-leaf"></circle>"#,
        r#"<circle cx="22.5" cy="23.5" r="2.4" class="brand-mark-leaf brand-mark-leaf-failed"></circle>"#,
        r#"</svg><div class="brand-text"><span class="brand-name">mapsim</span>"#,
        r#"<span class="brand-tagline">"#,
    ))
    .text(lang.t(
        "When does my Distributed Map fail?",
        "分散マップはいつ失敗する?",
    ))
    .raw("</span></div></div>");
    out.html()
}

/// The chip that says whether the definition can run: a glyph and words, not colour alone.
fn definition_status(
    lang: Lang,
    n_errors: usize,
    n_warnings: usize,
) -> (&'static str, &'static str, String) {
    match (n_errors, n_warnings, lang) {
        (0, 0, _) => (
            "status status-ok",
            "✓",
            lang.t("Valid definition", "有効な定義").to_string(),
        ),
        (0, warnings, Lang::En) => (
            "status status-warning",
            "▲",
            format!("{warnings} {}", plural(warnings, "warning", "warnings")),
        ),
        (0, warnings, Lang::Ja) => ("status status-warning", "▲", format!("警告 {warnings} 件")),
        (errors, _, Lang::En) => (
            "status status-error",
            "✕",
            format!("{errors} {}", plural(errors, "error", "errors")),
        ),
        (errors, _, Lang::Ja) => ("status status-error", "✕", format!("エラー {errors} 件")),
    }
}

fn plural(n: usize, one: &'static str, many: &'static str) -> &'static str {
    if n == 1 {
        one
    } else {
        many
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_status_chip_counts_in_both_languages() {
        let cases = [
            (0, 0, Lang::En, "Valid definition"),
            (0, 0, Lang::Ja, "有効な定義"),
            (0, 1, Lang::En, "1 warning"),
            (0, 3, Lang::Ja, "警告 3 件"),
            (1, 2, Lang::En, "1 error"),
            (4, 0, Lang::En, "4 errors"),
            (4, 0, Lang::Ja, "エラー 4 件"),
        ];
        for (errors, warnings, lang, expected) in cases {
            assert_eq!(definition_status(lang, errors, warnings).2, expected);
        }
    }
}
