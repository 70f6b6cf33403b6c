//! The story of the open example, under the header: the run fails — why (on request, so a
//! trainer can let the room guess first) — and the fix, applied with one click. Once the fix is
//! in the documents, the bar says so and offers the failing run again.
//!
//! The bar follows the documents, not a flag: it shows the fix as applied whenever the texts
//! read as the fix makes them (also when the user made the change by hand), and disappears when
//! the documents no longer have the places the fix changes (another definition was loaded).

use serde_json::Value;
use yew::prelude::*;

use crate::examples::{Example, FixStatus};
use crate::i18n::Lang;
use crate::markup::Markup;
use crate::state::Action;

/// The bar for `example`, given the definition as JSON (`None` while it cannot be read) and
/// the scenario text; `expanded` says whether the story is unfolded. Applying the fix sends
/// [`Action::ApplyFix`], showing the failing run again [`Action::OpenExample`]. A function
/// rather than a component (see [`crate::components::app_header::HeaderState`] for why).
pub fn story_bar(
    lang: Lang,
    example: &'static Example,
    definition: Option<&Value>,
    scenario: &str,
    expanded: &UseStateHandle<bool>,
    on_action: &Callback<Action>,
) -> Html {
    let fix = &example.story.fix;
    let status = fix.status(definition, scenario);
    let is_expanded = **expanded;
    if status == FixStatus::NotApplicable {
        return html! {};
    }
    let applied = status == FixStatus::Applied;

    let toggle = {
        let expanded = expanded.clone();
        Callback::from(move |_: MouseEvent| expanded.set(!*expanded))
    };
    let on_apply = {
        let on_action = on_action.clone();
        Callback::from(move |_: MouseEvent| on_action.emit(Action::ApplyFix))
    };
    let on_reopen = {
        let on_action = on_action.clone();
        let id = example.id;
        Callback::from(move |_: MouseEvent| on_action.emit(Action::OpenExample(id.to_string())))
    };

    html! {
        <section
            class={if applied { "story story-fixed" } else { "story story-failing" }}
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
                    aria-expanded={is_expanded.to_string()}
                    aria-controls="story-details"
                    onclick={toggle}
                >
                    { match (applied, is_expanded) {
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
            if is_expanded {
                { details(lang, example) }
            }
        </section>
    }
}

/// The story told in full: markup (see `crate::markup`), it never changes but with the
/// language.
fn details(lang: Lang, example: &Example) -> Html {
    let fix = &example.story.fix;
    let mut out = Markup::new();
    out.open(
        "div",
        &[
            ("class", "story-details"),
            ("id", "story-details"),
            ("data-testid", "story-details"),
        ],
    )
    .open("div", &[("class", "story-part")])
    .open("h3", &[("class", "story-heading")])
    .element("span", &[("aria-hidden", "true")], "✕ ")
    .text(lang.t("Why the run fails", "実行が失敗する理由"))
    .close("h3")
    .element("p", &[], example.story.failure.get(lang))
    .close("div")
    .open("div", &[("class", "story-part")])
    .open("h3", &[("class", "story-heading")])
    .element("span", &[("aria-hidden", "true")], "✓ ")
    .text(lang.t("The fix: ", "修正: "))
    .text(fix.summary.get(lang))
    .close("h3")
    .element("p", &[], fix.explanation.get(lang))
    .close("div")
    .close("div");
    out.html()
}
