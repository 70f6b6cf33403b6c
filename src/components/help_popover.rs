//! The `?` button and its popover: the page's keyboard shortcuts and how to move around it
//! without a mouse. `?` opens it from anywhere outside a text field; Esc closes it.

use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use yew::prelude::*;

use super::popover::{popover_close, PopoverClose};
use crate::i18n::Lang;
use crate::markup::Markup;

/// The shortcuts the page offers, as `(keys, what they do)`.
pub fn shortcuts(lang: Lang) -> [(&'static str, &'static str); 8] {
    [
        (
            lang.t("Space", "スペース"),
            lang.t("Play / pause the run", "実行の再生 / 一時停止"),
        ),
        (".", lang.t("Step forward", "1 ステップ進める")),
        (
            lang.t(
                "Arrow keys, Page Up/Down, Home, End",
                "矢印キー、Page Up/Down、Home、End",
            ),
            lang.t(
                "Move through the item grid (when it has the focus)",
                "アイテムグリッド内を移動(グリッドにフォーカスがあるとき)",
            ),
        ),
        (
            lang.t(
                "Enter or Space in the grid",
                "グリッドで Enter またはスペース",
            ),
            lang.t("Open the item's timeline", "アイテムのタイムラインを開く"),
        ),
        (
            "Tab / Shift+Tab",
            lang.t("Next / previous control", "次 / 前の操作部品へ"),
        ),
        (
            lang.t("Enter or Space", "Enter またはスペース"),
            lang.t("Press the focused button", "フォーカスのあるボタンを押す"),
        ),
        (
            "Esc",
            lang.t(
                "Close a dialog or popover",
                "ダイアログやポップオーバーを閉じる",
            ),
        ),
        ("?", lang.t("Show this help", "このヘルプを表示")),
    ]
}

/// What the help keeps between renders: whether it is open, and its button and popover (for
/// the focus). It lives in the page's component, through the header's state: the button is a
/// function drawn by the header ([`help_button`]) rather than a component of its own, since each
/// component type costs the page a few kilobytes of WebAssembly.
pub struct HelpState {
    open: UseStateHandle<bool>,
    button: NodeRef,
    popover: NodeRef,
}

#[hook]
pub fn use_help_state() -> HelpState {
    let open = use_state(|| false);
    let button = use_node_ref();
    let popover = use_node_ref();

    // `?` anywhere outside a text field toggles the help.
    {
        let open = open.clone();
        use_effect_with((), move |_| {
            let listener = Closure::<dyn FnMut(KeyboardEvent)>::new(move |event: KeyboardEvent| {
                if event.key() != "?" || event.ctrl_key() || event.meta_key() || event.alt_key() {
                    return;
                }
                let in_field = event
                    .target()
                    .and_then(|target| target.dyn_into::<web_sys::Element>().ok())
                    .is_some_and(|element| {
                        matches!(element.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT")
                            || element
                                .closest("[contenteditable]")
                                .ok()
                                .flatten()
                                .is_some()
                    });
                if !in_field {
                    event.prevent_default();
                    open.set(!*open);
                }
            });
            let document = web_sys::window().and_then(|window| window.document());
            if let Some(document) = &document {
                let _ = document
                    .add_event_listener_with_callback("keydown", listener.as_ref().unchecked_ref());
            }
            move || {
                if let Some(document) = document {
                    let _ = document.remove_event_listener_with_callback(
                        "keydown",
                        listener.as_ref().unchecked_ref(),
                    );
                }
                drop(listener);
            }
        });
    }
    // Focus goes into the popover when it opens, so Esc and Tab work at once.
    {
        let popover = popover.clone();
        use_effect_with(*open, move |open| {
            if *open {
                if let Some(element) = popover.cast::<web_sys::HtmlElement>() {
                    let _ = element.focus();
                }
            }
        });
    }
    HelpState {
        open,
        button,
        popover,
    }
}

/// The `?` button and, when open, its popover.
pub fn help_button(lang: Lang, help: &HelpState) -> Html {
    let HelpState {
        open,
        button,
        popover,
    } = help;

    let toggle = {
        let open = open.clone();
        Callback::from(move |_: MouseEvent| open.set(!*open))
    };
    let PopoverClose {
        close,
        on_keydown,
        on_backdrop,
    } = {
        let open = open.clone();
        popover_close(button, move || open.set(false))
    };
    let on_close_button = Callback::from(move |_: MouseEvent| close.emit(()));

    html! {
        <div class="help">
            <button
                type="button"
                class="header-button help-button"
                data-testid="help-button"
                aria-haspopup="dialog"
                aria-expanded={(**open).to_string()}
                aria-label={lang.t("Keyboard shortcuts (?)", "キーボード操作(?)")}
                title={lang.t("Keyboard shortcuts (?)", "キーボード操作(?)")}
                ref={button.clone()}
                onclick={toggle}
            >{ "?" }</button>
            if **open {
                <div class="popover-backdrop" onclick={on_backdrop}></div>
                <div
                    class="popover help-popover"
                    role="dialog"
                    aria-labelledby="help-title"
                    data-testid="help-popover"
                    tabindex="-1"
                    ref={popover.clone()}
                    onkeydown={on_keydown}
                >
                    <div class="popover-head">
                        <h2 id="help-title" class="popover-title">
                            { lang.t("Keyboard", "キーボード操作") }
                        </h2>
                        <button
                            type="button"
                            class="icon-button"
                            aria-label={lang.t("Close", "閉じる")}
                            onclick={on_close_button}
                        >{ "✕" }</button>
                    </div>
                    { help_text(lang) }
                </div>
            }
        </div>
    }
}

/// The popover's text: markup (see `crate::markup`), it never changes but with the language.
fn help_text(lang: Lang) -> Html {
    let mut out = Markup::new();
    out.open("dl", &[("class", "shortcuts")]);
    for (keys, what) in shortcuts(lang) {
        out.open("dt", &[])
            .element("kbd", &[], keys)
            .close("dt")
            .element("dd", &[], what);
    }
    out.close("dl").element(
        "p",
        &[("class", "help-note")],
        lang.t(
            "Space and . work whenever the focus is not in a text field or on a button. Every status is shown with a word or a symbol as well as a colour.",
            "スペースと . は、テキスト欄やボタンにフォーカスがないときに使えます。状態はすべて、色だけでなく文字や記号でも示しています。",
        ),
    );
    out.html()
}
