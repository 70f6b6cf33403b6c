//! A notice about the last document action (a file that could not be opened, a form edit that
//! could not keep the text's layout), in the page's language, with a button to dismiss it.

use yew::prelude::*;

use crate::i18n::{count, Lang};
use crate::state::{Action, Document, Notice};

/// The notice bar; dismissing it sends [`Action::DismissNotice`]. A function of its data
/// rather than a component: it is drawn rarely, and each component type costs the page a few
/// kilobytes of WebAssembly.
pub fn notice_bar(lang: Lang, notice: &Notice, on_action: &Callback<Action>) -> Html {
    let on_dismiss = {
        let on_action = on_action.clone();
        Callback::from(move |_: MouseEvent| on_action.emit(Action::DismissNotice))
    };
    let (class, role) = if notice.is_error() {
        ("notice notice-error", "alert")
    } else {
        ("notice notice-info", "status")
    };
    html! {
        <div class={class} role={role} data-testid="notice">
            <span class="notice-glyph" aria-hidden="true">
                { if notice.is_error() { "⚠" } else { "ℹ" } }
            </span>
            <p class="notice-text">{ notice_text(lang, notice) }</p>
            <button
                type="button"
                class="icon-button notice-dismiss"
                aria-label={lang.t("Dismiss", "閉じる")}
                title={lang.t("Dismiss", "閉じる")}
                onclick={on_dismiss}
            >{ "✕" }</button>
        </div>
    }
}

/// What a notice says, in `lang`.
pub fn notice_text(lang: Lang, notice: &Notice) -> String {
    let document = |document: Document| match (lang, document) {
        (Lang::En, Document::Definition) => "definition",
        (Lang::En, Document::Scenario) => "scenario",
        (Lang::Ja, Document::Definition) => "定義",
        (Lang::Ja, Document::Scenario) => "シナリオ",
    };
    match (lang, notice) {
        (Lang::En, Notice::FileTooLarge { name, bytes }) => format!(
            "{name} is {} bytes; mapsim opens files of at most 4 MiB (Step Functions accepts \
             definitions of at most 1 MiB). Nothing was changed.",
            count(*bytes)
        ),
        (Lang::Ja, Notice::FileTooLarge { name, bytes }) => format!(
            "{name} は {} バイトあります。mapsim が開けるのは 4 MiB までです（Step Functions の定義は最大 1 MiB）。何も変更していません。",
            count(*bytes)
        ),
        (
            Lang::En,
            Notice::FileUnreadable {
                name,
                message,
                line,
                column,
            },
        ) => {
            let place = match (line, column) {
                (Some(line), Some(column)) => format!(" (line {line}, column {column})"),
                _ => String::new(),
            };
            format!("{name} could not be opened: {message}{place}. The editor kept its text.")
        }
        (
            Lang::Ja,
            Notice::FileUnreadable {
                name,
                message,
                line,
                column,
            },
        ) => {
            let place = match (line, column) {
                (Some(line), Some(column)) => format!("（{line} 行 {column} 列）"),
                _ => String::new(),
            };
            format!(
                "{name} を開けませんでした：{message}{place}。エディターの内容はそのままです。"
            )
        }
        (Lang::En, Notice::Rewritten { document: d, reason }) => format!(
            "This change could not keep the {}'s layout ({reason}), so the {} was written anew.",
            document(*d),
            document(*d)
        ),
        (Lang::Ja, Notice::Rewritten { document: d, reason }) => format!(
            "この変更では{}の書式を保てなかったため（{reason}）、{}全体を書き直しました。",
            document(*d),
            document(*d)
        ),
        (Lang::En, Notice::EditRefused { document: d, reason }) => format!(
            "This change could not be written into the {}: {reason}. Edit the text instead.",
            document(*d)
        ),
        (Lang::Ja, Notice::EditRefused { document: d, reason }) => format!(
            "この変更は{}に書き込めませんでした：{reason}。テキストを直接編集してください。",
            document(*d)
        ),
        (Lang::En, Notice::Unreadable { document: d }) => format!(
            "The {} cannot be read, so the form cannot write into it: fix the error in its text \
             first.",
            document(*d)
        ),
        (Lang::Ja, Notice::Unreadable { document: d }) => format!(
            "{}を読み取れないため、フォームから書き込めません。先にテキストのエラーを直してください。",
            document(*d)
        ),
    }
}
