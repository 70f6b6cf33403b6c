//! The language switch: English and 日本語 side by side, each written in its own language so
//! that a reader of either finds it. The choice is remembered (see `crate::storage`).

use yew::prelude::*;

use crate::i18n::Lang;

#[derive(Properties, PartialEq)]
pub struct LangSwitchProps {
    pub lang: Lang,
    pub on_change: Callback<Lang>,
}

#[component]
pub fn LangSwitch(props: &LangSwitchProps) -> Html {
    let buttons = Lang::ALL.iter().map(|&lang| {
        let pressed = lang == props.lang;
        let onclick = {
            let on_change = props.on_change.clone();
            Callback::from(move |_: MouseEvent| on_change.emit(lang))
        };
        html! {
            <button
                type="button"
                class={classes!("lang-option", pressed.then_some("lang-option-on"))}
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
