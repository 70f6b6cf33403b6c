//! What the page has to say about keeping or sharing the work: a share link that could not be
//! opened (and that nothing was lost), a link that replaced the previous work (with the way
//! back), storage the browser refused.

use std::rc::Rc;

use yew::prelude::*;

use crate::i18n::Lang;
use crate::state::{Action, KeepNotice};

/// The bar for `notice`: going back sends [`Action::Restore`], dismissing
/// `Action::KeepNotice(None)`. A function rather than a component (see
/// [`crate::components::form_fields::issues`] for why).
pub fn keep_notice_bar(lang: Lang, notice: &KeepNotice, on_action: &Callback<Action>) -> Html {
    let dismiss = {
        let on_action = on_action.clone();
        Callback::from(move |_: MouseEvent| on_action.emit(Action::KeepNotice(None)))
    };
    let (kind, glyph, role, text, actions) = match notice {
        KeepNotice::LinkRejected(error) => (
            "link-rejected",
            "⚠",
            "alert",
            format!(
                "{} {} {}",
                lang.t("This share link could not be opened.", "この共有リンクは開けませんでした。"),
                error.message(lang),
                lang.t(
                    "Nothing was lost: the page shows the work you had before.",
                    "何も失われていません。以前の作業内容をそのまま表示しています。",
                ),
            ),
            html! {
                <button type="button" class="button" data-testid="keep-current-work" onclick={dismiss.clone()}>
                    { lang.t("Keep my current work", "現在の作業を続ける") }
                </button>
            },
        ),
        KeepNotice::LinkOpened { previous } => (
            "link-opened",
            "ℹ",
            "status",
            lang.t(
                "Opened from a share link: this is the shared definition and scenario.",
                "共有リンクから開きました。共有された定義とシナリオを表示しています。",
            )
            .to_string(),
            match previous {
                Some(previous) => {
                    let on_action = on_action.clone();
                    let previous = previous.clone();
                    let restore = Callback::from(move |_: MouseEvent| {
                        on_action.emit(Action::Restore(Rc::clone(&previous)))
                    });
                    html! {
                        <>
                            <button type="button" class="button" data-testid="restore-previous-work" onclick={restore}>
                                { lang.t("Back to my previous work", "以前の作業に戻す") }
                            </button>
                            <button type="button" class="button" data-testid="keep-shared-work" onclick={dismiss.clone()}>
                                { lang.t("Keep the shared run", "共有された実行を使う") }
                            </button>
                        </>
                    }
                }
                None => html! {},
            },
        ),
        KeepNotice::StorageFailed => (
            "storage-failed",
            "ℹ",
            "status",
            lang.t(
                "This browser does not let the page keep your work (storage is full or disabled): it stays on this page until you close it. A share link keeps it too.",
                "このブラウザーでは作業内容を保存できません(ストレージが満杯か無効です)。ページを閉じるまではこのまま使えます。共有リンクでも保存できます。",
            )
            .to_string(),
            html! {},
        ),
    };
    html! {
        <div
            class={if role == "alert" { "notice keep-notice notice-error" } else { "notice keep-notice notice-info" }}
            role={role}
            data-testid="keep-notice"
            data-kind={kind}
        >
            <span class="notice-glyph" aria-hidden="true">{ glyph }</span>
            <p class="notice-text">{ text }</p>
            <span class="keep-notice-actions">{ actions }</span>
            <button
                type="button"
                class="icon-button notice-dismiss"
                aria-label={lang.t("Dismiss", "閉じる")}
                title={lang.t("Dismiss", "閉じる")}
                onclick={dismiss}
            >{ "✕" }</button>
        </div>
    }
}
