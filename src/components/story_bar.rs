//! The story of the open example, under the header: the run fails — why (on request, so a
//! trainer can let the room guess first) — and the fix, applied with one click. Once the fix is
//! in the documents, the bar says so and offers the failing run again.
//!
//! The bar follows the documents, not a flag: it shows the fix as applied whenever the texts
//! read as the fix makes them (also when the user made the change by hand), and disappears when
//! the documents no longer have the places the fix changes (another definition was loaded).

use std::rc::Rc;

use serde_json::Value;
use yew::prelude::*;

use crate::examples::{Example, FixStatus};
use crate::i18n::use_lang;

#[derive(Properties, PartialEq)]
pub struct StoryBarProps {
    pub example: &'static Example,
    /// The definition as JSON (`None` while it cannot be read).
    pub definition: Option<Rc<Value>>,
    pub scenario: AttrValue,
    pub on_apply: Callback<()>,
    /// Called with the example's id to open it again as shipped.
    pub on_reopen: Callback<String>,
}

#[component]
pub fn StoryBar(props: &StoryBarProps) -> Html {
    let lang = use_lang();
    let expanded = use_state(|| false);
    let example = props.example;
    let fix = &example.story.fix;
    let status = fix.status(props.definition.as_deref(), &props.scenario);
    if status == FixStatus::NotApplicable {
        return html! {};
    }
    let applied = status == FixStatus::Applied;

    let toggle = {
        let expanded = expanded.clone();
        Callback::from(move |_: MouseEvent| expanded.set(!*expanded))
    };
    let on_apply = {
        let on_apply = props.on_apply.clone();
        Callback::from(move |_: MouseEvent| on_apply.emit(()))
    };
    let on_reopen = {
        let on_reopen = props.on_reopen.clone();
        let id = example.id.to_string();
        Callback::from(move |_: MouseEvent| on_reopen.emit(id.clone()))
    };

    html! {
        <section
            class={classes!("story", if applied { "story-fixed" } else { "story-failing" })}
            data-testid="story"
            data-fix={if applied { "applied" } else { "available" }}
            aria-label={lang.t("The example's story", "例題のストーリー")}
        >
            <div class="story-line">
                <span class="story-badge" aria-hidden="true">{ if applied { "✓" } else { "✕" } }</span>
                <p class="story-lead">
                    <strong class="story-title">{ example.title.get(lang) }</strong>
                    { " · " }
                    { if applied {
                        lang.t("Fix applied: ", "修正を適用済み: ")
                    } else {
                        lang.t("As shipped, this run fails. ", "このままでは実行が失敗します。")
                    } }
                    if applied {
                        { fix.summary.get(lang) }
                    }
                </p>
                <button
                    type="button"
                    class="button button-quiet story-toggle"
                    data-testid="story-toggle"
                    aria-expanded={(*expanded).to_string()}
                    aria-controls="story-details"
                    onclick={toggle}
                >
                    { match (applied, *expanded) {
                        (_, true) => lang.t("Hide the story", "ストーリーを閉じる"),
                        (false, false) => lang.t("Why does it fail?", "なぜ失敗する?"),
                        (true, false) => lang.t("Why it works", "なぜ直るのか"),
                    } }
                </button>
                if applied {
                    <button
                        type="button"
                        class="button story-action"
                        data-testid="reopen-example"
                        onclick={on_reopen}
                    >
                        { lang.t("Show the failing run again", "失敗する実行に戻す") }
                    </button>
                } else {
                    <button
                        type="button"
                        class="button button-primary story-action"
                        data-testid="apply-fix"
                        title={fix.summary.get(lang)}
                        onclick={on_apply}
                    >
                        <span aria-hidden="true">{ "✓" }</span>
                        { lang.t("Apply the fix", "修正を適用") }
                    </button>
                }
            </div>
            if *expanded {
                <div class="story-details" id="story-details" data-testid="story-details">
                    <div class="story-part">
                        <h3 class="story-heading">
                            <span aria-hidden="true">{ "✕ " }</span>
                            { lang.t("Why the run fails", "実行が失敗する理由") }
                        </h3>
                        <p>{ example.story.failure.get(lang) }</p>
                    </div>
                    <div class="story-part">
                        <h3 class="story-heading">
                            <span aria-hidden="true">{ "✓ " }</span>
                            { lang.t("The fix: ", "修正: ") }{ fix.summary.get(lang) }
                        </h3>
                        <p>{ fix.explanation.get(lang) }</p>
                    </div>
                </div>
            }
        </section>
    }
}
