//! The `Retry` of one Task, Parallel or Map state: each retrier's `ErrorEquals`,
//! `IntervalSeconds`, `MaxAttempts`, `BackoffRate`, `MaxDelaySeconds` and `JitterStrategy`,
//! with add, remove and reorder. A view of the definition's JSON: every change is a
//! [`DocumentEdit`] written into the ASL text, and problems shown are the `asl` diagnostics of
//! that text.

use std::rc::Rc;

use asl::{Diagnostic, Retrier};
use serde_json::{json, Value};
use yew::prelude::*;

use crate::components::form_fields::{
    issues, messages_at, messages_within, reorder_buttons, ErrorChips, ListEditor, NumberField,
    SelectField,
};
use crate::document_edit::DocumentEdit;
use crate::i18n::Lang;

/// The form's data; [`RetryEditor::view`] draws it. A plain function of its data rather than a
/// component (see [`crate::components::form_fields::issues`] for why).
pub struct RetryEditor {
    /// The state's JSON pointer.
    pub state_pointer: AttrValue,
    /// The state's `Retry` as written (`None` when absent).
    pub retry: Option<Value>,
    pub diagnostics: Rc<[Diagnostic]>,
    /// The id of the page's `<datalist>` of error names.
    pub error_list: AttrValue,
    pub on_edit: Callback<Vec<DocumentEdit>>,
}

impl RetryEditor {
    pub fn view(&self, lang: Lang) -> Html {
        let props = self;
        let array = format!("{}/Retry", props.state_pointer);
        let retriers: &[Value] = match &props.retry {
            Some(Value::Array(items)) => items,
            _ => &[],
        };
        let on_add = {
            let on_edit = props.on_edit.clone();
            let array = array.clone();
            // States.ALL must come last, so a second catch-all would be an error from the start.
            let has_catch_all = retriers.iter().any(|r| {
                r["ErrorEquals"]
                    .as_array()
                    .is_some_and(|e| e.contains(&json!("States.ALL")))
            });
            let error = if has_catch_all {
                "States.TaskFailed"
            } else {
                "States.ALL"
            };
            Callback::from(move |_: MouseEvent| {
                on_edit.emit(vec![DocumentEdit::set(
                    format!("{array}/-"),
                    json!({
                        "ErrorEquals": [error],
                        "IntervalSeconds": Retrier::DEFAULT_INTERVAL_SECONDS,
                        "MaxAttempts": Retrier::DEFAULT_MAX_ATTEMPTS,
                        "BackoffRate": Retrier::DEFAULT_BACKOFF_RATE,
                    }),
                )]);
            })
        };
        let len = retriers.len();
        ListEditor {
            name: "retry",
            title: "Retry",
            add_testid: "add-retrier",
            add_label: lang.t("+ Add retrier", "+ リトライを追加"),
            on_add,
            issues: messages_at(&props.diagnostics, &array),
            empty: lang.t(
                "No retrier: an error fails the state at once (or goes to a catcher).",
                "リトライなし：エラーが起きるとステートはすぐに失敗します（キャッチがあればそちらへ）。",
            ),
            cards: retriers
                .iter()
                .enumerate()
                .map(|(index, item)| retrier_card(lang, props, &array, index, len, item))
                .collect(),
        }
        .view()
    }
}

/// A number field of a retrier: its name, what it means and what applies when it is absent
/// (English, Japanese), and whether it takes whole numbers only.
struct RetrierNumber {
    name: &'static str,
    hint: (&'static str, &'static str),
    placeholder: (&'static str, &'static str),
    integer: bool,
}

/// The retrier's number fields, in the order they are shown (one loop renders them all).
const RETRIER_NUMBERS: [RetrierNumber; 4] = [
    RetrierNumber {
        name: "IntervalSeconds",
        hint: (
            "Seconds before the first retry (default 1)",
            "最初のリトライまでの秒数（既定 1）",
        ),
        placeholder: ("1", "1"),
        integer: true,
    },
    RetrierNumber {
        name: "MaxAttempts",
        hint: (
            "Retries at most (default 3; 0 = never retry)",
            "最大リトライ回数（既定 3、0 はリトライしない）",
        ),
        placeholder: ("3", "3"),
        integer: true,
    },
    RetrierNumber {
        name: "BackoffRate",
        hint: (
            "Multiplier of the interval after each retry (default 2.0, at least 1)",
            "リトライごとの間隔の倍率（既定 2.0、1 以上）",
        ),
        placeholder: ("2.0", "2.0"),
        integer: false,
    },
    RetrierNumber {
        name: "MaxDelaySeconds",
        hint: (
            "Cap of each wait, in seconds (default: no cap)",
            "各待機の上限秒数（既定：上限なし）",
        ),
        placeholder: ("no cap", "上限なし"),
        integer: true,
    },
];

fn retrier_card(
    lang: Lang,
    props: &RetryEditor,
    array: &str,
    index: usize,
    len: usize,
    retrier: &Value,
) -> Html {
    let pointer = format!("{array}/{index}");
    let field = |name: &str| format!("{pointer}/{name}");
    let fields = [
        "ErrorEquals",
        "IntervalSeconds",
        "MaxAttempts",
        "BackoffRate",
        "MaxDelaySeconds",
        "JitterStrategy",
    ];
    let shown_at_fields: Vec<String> = fields.iter().map(|name| field(name)).collect();
    let diagnostics = &props.diagnostics;
    let what = match lang {
        Lang::En => format!("retrier {}", index + 1),
        Lang::Ja => format!("リトライ {}", index + 1),
    };
    html! {
        <div class="list-item retrier" data-testid="retrier" data-pointer={pointer.clone()} key={pointer.clone()}>
            <div class="list-item-head">
                <span class="list-item-number">{ format!("#{}", index + 1) }</span>
                { reorder_buttons(lang, array, index, len, &what, &props.on_edit) }
            </div>
            { ErrorChips {
                lang,
                label: "ErrorEquals".into(),
                pointer: field("ErrorEquals").into(),
                value: retrier.get("ErrorEquals").cloned(),
                list: props.error_list.clone(),
                issues: messages_within(diagnostics, &field("ErrorEquals"), &[]),
                on_edit: props.on_edit.clone(),
            }.view() }
            <div class="form-row">
                { for RETRIER_NUMBERS.iter().map(|number| {
                    let pointer = field(number.name);
                    html! {
                        <NumberField lang={lang}
                            label={number.name}
                            hint={lang.t(number.hint.0, number.hint.1)}
                            pointer={AttrValue::from(pointer.clone())}
                            value={retrier.get(number.name).cloned()}
                            placeholder={lang.t(number.placeholder.0, number.placeholder.1)}
                            integer={number.integer}
                            issues={messages_at(diagnostics, &pointer)}
                            on_edit={props.on_edit.clone()}
                        />
                    }
                }) }
                { SelectField {
                    label: "JitterStrategy".into(),
                    hint: lang.t("FULL waits a random time between 0 and the delay", "FULL は 0 から待機時間までのランダムな時間だけ待ちます").into(),
                    pointer: field("JitterStrategy").into(),
                    value: retrier.get("JitterStrategy").and_then(Value::as_str).map(str::to_string),
                    absent: Some(lang.t("(none)", "（なし）").into()),
                    options: vec![("FULL".into(), "FULL".into()), ("NONE".into(), "NONE".into())],
                    issues: messages_at(diagnostics, &field("JitterStrategy")),
                    on_edit: props.on_edit.clone(),
                    ..SelectField::default()
                }.view() }
            </div>
            { issues(messages_within(diagnostics, &pointer, &shown_at_fields)) }
        </div>
    }
}
