//! The Share button: makes a link that carries the definition and scenario (see
//! [`crate::share`]), copies it to the clipboard, and shows it with a visible confirmation — or,
//! when the browser does not allow copying, selected and ready for Ctrl+C.

use wasm_bindgen::JsCast;
use yew::prelude::*;

use super::popover::{popover_close, PopoverClose};
use crate::i18n::{count, Lang};
use crate::share::{self, EncodeError};
use crate::state::{AppState, Work};

/// What the button keeps between renders: the link made (or why none could be), where copying
/// it stands, and the button and the link's input (for the focus and the selection). It lives
/// in the page's component, through the header's state: the button is a function drawn by the
/// header ([`share_button`]) rather than a component of its own, since each component type
/// costs the page a few kilobytes of WebAssembly.
pub struct ShareState {
    link: UseStateHandle<Option<Result<String, EncodeError>>>,
    copy: UseStateHandle<Copy>,
    button: NodeRef,
    input: NodeRef,
}

/// Where copying the link stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Copy {
    Copying,
    Copied,
    Refused,
}

#[hook]
pub fn use_share_state() -> ShareState {
    let link = use_state(|| None::<Result<String, EncodeError>>);
    let copy = use_state(|| Copy::Copying);
    let input = use_node_ref();
    // When the link is shown, it is selected: one Ctrl+C away if copying was refused.
    {
        let input = input.clone();
        let shown = link.as_ref().is_some_and(Result::is_ok);
        use_effect_with((shown, *copy), move |(shown, _)| {
            if *shown {
                if let Some(input) = input.cast::<web_sys::HtmlInputElement>() {
                    input.select();
                }
            }
        });
    }
    ShareState {
        link,
        copy,
        button: use_node_ref(),
        input,
    }
}

/// The button for the work in `state` (the definition, scenario, machine and the example it
/// started from, whose story travels with the link) and, once pressed, the link.
pub fn share_button(lang: Lang, state: &AppState, share: &ShareState) -> Html {
    let ShareState {
        link,
        copy,
        button,
        input,
    } = share;

    let PopoverClose {
        close: _,
        on_keydown,
        on_backdrop,
    } = {
        let link = link.clone();
        popover_close(button, move || link.set(None))
    };
    let copy_link = {
        let copy = copy.clone();
        Callback::from(move |text: String| {
            copy.set(Copy::Copying);
            let copy = copy.clone();
            wasm_bindgen_futures::spawn_local(async move {
                let copied = match web_sys::window() {
                    Some(window) => {
                        let promise = window.navigator().clipboard().write_text(&text);
                        wasm_bindgen_futures::JsFuture::from(promise).await.is_ok()
                    }
                    None => false,
                };
                copy.set(if copied { Copy::Copied } else { Copy::Refused });
            });
        })
    };
    let on_share = {
        let link = link.clone();
        let copy_link = copy_link.clone();
        let (definition, scenario) = (state.text.clone(), state.scenario_text.clone());
        let (machine, example) = (state.machine.clone(), state.example.id);
        Callback::from(move |_: MouseEvent| {
            if link.is_some() {
                link.set(None);
                return;
            }
            let work = Work {
                definition: definition.to_string(),
                scenario: scenario.to_string(),
                machine: machine.clone(),
                example: Some(example.to_string()),
            };
            let page = web_sys::window()
                .and_then(|window| window.location().href().ok())
                .unwrap_or_default();
            let made = share::link(&page, &work);
            if let Ok(text) = &made {
                copy_link.emit(text.clone());
            }
            link.set(Some(made));
        })
    };

    let on_focus_input = Callback::from(|event: FocusEvent| {
        if let Some(input) = event
            .target()
            .and_then(|target| target.dyn_into::<web_sys::HtmlInputElement>().ok())
        {
            input.select();
        }
    });

    let popover = match &**link {
        None => html! {},
        Some(made) => {
            let body = match made {
                Ok(text) => {
                    let again = {
                        let copy_link = copy_link.clone();
                        let text = text.clone();
                        Callback::from(move |_: MouseEvent| copy_link.emit(text.clone()))
                    };
                    let chars = text.split('#').nth(1).map_or(0, str::len);
                    html! {
                        <>
                            <p class="share-text">
                                { match lang {
                                    Lang::En => format!(
                                        "This link holds the definition and the scenario ({} characters, compressed). Opening it shows exactly this run, with no server involved.",
                                        count(chars as u64)
                                    ),
                                    Lang::Ja => format!(
                                        "このリンクには定義とシナリオが入っています(圧縮して {} 文字)。開くとサーバーを介さずに、まったく同じ実行が表示されます。",
                                        count(chars as u64)
                                    ),
                                } }
                            </p>
                            <input
                                class="share-link"
                                type="text"
                                readonly=true
                                data-testid="share-link"
                                aria-label={lang.t("Share link", "共有リンク")}
                                value={text.clone()}
                                ref={input.clone()}
                                onfocus={on_focus_input}
                            />
                            <div class="share-footer">
                                <p
                                    class={match **copy {
                                        Copy::Copied => "share-status share-status-copied",
                                        Copy::Refused => "share-status share-status-refused",
                                        Copy::Copying => "share-status share-status-copying",
                                    }}
                                    data-testid="share-status"
                                    data-copied={(**copy == Copy::Copied).to_string()}
                                    role="status"
                                >
                                    { match **copy {
                                        Copy::Copied => lang.t("✓ Copied to the clipboard.", "✓ クリップボードにコピーしました。"),
                                        Copy::Refused => lang.t(
                                            "The browser did not allow copying: the link is selected, press Ctrl+C (⌘C).",
                                            "ブラウザーがコピーを許可しませんでした。リンクを選択してあるので Ctrl+C(⌘C)でコピーしてください。",
                                        ),
                                        Copy::Copying => lang.t("Copying…", "コピーしています…"),
                                    } }
                                </p>
                                <button type="button" class="button" onclick={again}>
                                    { lang.t("Copy again", "もう一度コピー") }
                                </button>
                            </div>
                        </>
                    }
                }
                Err(error) => html! {
                    <p class="share-text share-error" role="alert" data-testid="share-error">
                        <span aria-hidden="true">{ "⚠ " }</span>
                        { error.message(lang) }
                    </p>
                },
            };
            html! {
                <>
                    <div class="popover-backdrop" onclick={on_backdrop}></div>
                    <div
                        class="popover share-popover"
                        role="dialog"
                        aria-labelledby="share-title"
                        data-testid="share-popover"
                        onkeydown={on_keydown}
                    >
                        <h2 id="share-title" class="popover-title">
                            { lang.t("Share this run", "この実行を共有") }
                        </h2>
                        { body }
                    </div>
                </>
            }
        }
    };

    html! {
        <div class="share">
            <button
                type="button"
                class="header-button"
                data-testid="share-button"
                aria-haspopup="dialog"
                aria-expanded={link.is_some().to_string()}
                ref={button.clone()}
                onclick={on_share}
            >
                <span class="header-button-glyph" aria-hidden="true">{ "⤴" }</span>
                { lang.t("Share", "共有") }
            </button>
            { popover }
        </div>
    }
}
