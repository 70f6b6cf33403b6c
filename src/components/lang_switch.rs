//! The language switch: English and 日本語 side by side, each written in its own language so
//! that a reader of either finds it. The choice is remembered (see `crate::storage`).

use yew::prelude::*;

use crate::i18n::Lang;

/// The switch, `current` pressed; a function rather than a component (see
/// [`crate::components::form_fields::issues`] for why).
pub fn lang_switch(current: Lang, on_change: &Callback<Lang>) -> Html {
    let buttons = Lang::ALL.iter().map(|&lang| {
        let pressed = lang == current;
        let onclick = {
            let on_change = on_change.clone();
            Callback::from(move |_: MouseEvent| on_change.emit(lang))
        };
        html! {
            <button
                type="button"
                class={if pressed { "lang-option lang-option-on" } else { "lang-option" }}
                lang={lang.code()}
                aria-pressed={pressed.to_string()}
                data-testid={format!("lang-{}", lang.code())}
                {onclick}
            >
                { lang.native_name() }
            </button>
        }
    });
    html! {
        <div class="lang-switch" role="group" aria-label="Language / 言語" data-testid="lang-switch">
            { for buttons }
        </div>
    }
}
