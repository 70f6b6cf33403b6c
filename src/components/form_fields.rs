//! The small inputs every settings and scenario form is made of: a number, a text, a choice, a
//! list of error names as chips. Each shows the value written at its JSON pointer of a document
//! and turns what the user types into [`DocumentEdit`]s — it never keeps a copy of the value.
//!
//! Inputs are `type="text"` rather than `type="number"`: a number input reports an empty value
//! while the user is half-way through typing `2.` or `-`, which would remove the field from the
//! document at every such keystroke. Here a text that is not yet a number is simply not written
//! (the field says so), and the input keeps what the user typed.

use asl::Diagnostic;
use serde_json::Value;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use crate::document_edit::DocumentEdit;
use crate::i18n::Lang;

/// Error names offered when writing an `ErrorEquals` list or a scenario fault, before those
/// the documents themselves name.
pub const COMMON_ERRORS: &[&str] = &[
    "States.ALL",
    "States.TaskFailed",
    "States.Timeout",
    "States.HeartbeatTimeout",
    "States.Permissions",
    "States.Runtime",
    "States.DataLimitExceeded",
    "States.ResultPathMatchFailure",
    "States.ParameterPathFailure",
    "States.BranchFailed",
    "States.ExceedToleratedFailureThreshold",
    "States.ItemReaderFailed",
    "States.ResultWriterFailed",
    "Lambda.ServiceException",
    "Lambda.AWSLambdaException",
    "Lambda.SdkClientException",
    "Lambda.TooManyRequestsException",
    "Lambda.ClientExecutionTimeoutException",
    "Lambda.Unknown",
];

/// The messages of the diagnostics about exactly `pointer`.
pub fn messages_at(diagnostics: &[Diagnostic], pointer: &str) -> Vec<String> {
    diagnostics
        .iter()
        .filter(|d| d.pointer == pointer)
        .map(|d| d.message.clone())
        .collect()
}

/// The messages of the diagnostics about `pointer` or anything inside it, except inside the
/// pointers listed in `shown_elsewhere` (fields that show their own).
pub fn messages_within(
    diagnostics: &[Diagnostic],
    pointer: &str,
    shown_elsewhere: &[String],
) -> Vec<String> {
    let inside = |candidate: &str, container: &str| {
        candidate == container
            || candidate
                .strip_prefix(container)
                .is_some_and(|rest| rest.starts_with('/'))
    };
    diagnostics
        .iter()
        .filter(|d| inside(&d.pointer, pointer))
        .filter(|d| {
            !shown_elsewhere
                .iter()
                .any(|other| inside(&d.pointer, other))
        })
        .map(|d| d.message.clone())
        .collect()
}

/// How a JSON value reads in a text input.
pub fn value_text(value: Option<&Value>) -> String {
    match value {
        None => String::new(),
        Some(Value::String(text)) => text.clone(),
        Some(other) => other.to_string(),
    }
}

/// The class of a field's `<label>`: `form-field-invalid` marks one with problems.
fn field_class(invalid: bool) -> &'static str {
    if invalid {
        "form-field form-field-invalid"
    } else {
        "form-field"
    }
}

/// Problems shown under a field or a card.
///
/// The fields below are plain functions of their data rather than components (except the
/// number fields, which remember what is being typed): each component type costs the page a
/// few kilobytes of WebAssembly for its Yew machinery, and these re-render with their card.
pub fn issues(messages: Vec<String>) -> Html {
    if messages.is_empty() {
        return Html::default();
    }
    html! {
        <ul class="form-issues" data-testid="form-issues">
            { for messages.into_iter().map(|message| html! {
                <li class="form-issue" role="alert">{ message }</li>
            }) }
        </ul>
    }
}

#[derive(Properties, PartialEq)]
pub struct NumberFieldProps {
    /// The page's language (English when not given, e.g. in a component test).
    #[prop_or_default]
    pub lang: Lang,
    /// The field's ASL or scenario name, shown as its label.
    pub label: AttrValue,
    /// What the field means, in the page's language (a tooltip).
    #[prop_or_default]
    pub hint: AttrValue,
    /// Where the value is written.
    pub pointer: AttrValue,
    /// The value written there now, if any.
    pub value: Option<Value>,
    /// Shown when the field is absent (the default that then applies).
    #[prop_or_default]
    pub placeholder: AttrValue,
    #[prop_or_default]
    pub testid: Option<AttrValue>,
    /// Whole numbers only (for the on-screen keyboard; the value is checked by the document's
    /// own validator, not here).
    #[prop_or_default]
    pub integer: bool,
    /// A list of whole numbers typed as `0, 1, 5` (see [`parse_number_list`]) instead of one
    /// number.
    #[prop_or_default]
    pub list: bool,
    /// The diagnostics about this field.
    #[prop_or_default]
    pub issues: Vec<String>,
    /// When the value is not written here but elsewhere (a `…Path` field, a JSONata
    /// expression): says where, and the input is read-only.
    #[prop_or_default]
    pub fixed: Option<AttrValue>,
    pub on_edit: Callback<Vec<DocumentEdit>>,
}

/// What a text typed into a number field means: `Some(None)` when empty (the field is removed),
/// `Some(Some(number))`, or `None` when it is not a number (yet).
pub fn parse_number(typed: &str) -> Option<Option<Value>> {
    let typed = typed.trim();
    if typed.is_empty() {
        return Some(None);
    }
    match serde_json::from_str::<Value>(typed) {
        Ok(number @ Value::Number(_)) => Some(Some(number)),
        _ => None,
    }
}

/// What a text typed into a list field (`0, 1, 5`) means, like [`parse_number`].
pub fn parse_number_list(typed: &str) -> Option<Option<Value>> {
    if typed.trim().is_empty() {
        return Some(None);
    }
    typed
        .split([',', ' ', '、'])
        .filter(|part| !part.trim().is_empty())
        .map(|part| part.trim().parse::<u64>().ok().map(Value::from))
        .collect::<Option<Vec<Value>>>()
        .map(|numbers| Some(Value::Array(numbers)))
}

/// How a field reads what is typed into it: [`parse_number`] or [`parse_number_list`].
type Parse = fn(&str) -> Option<Option<Value>>;

/// The text an input shows and how to record what is typed into it.
///
/// It shows what the user typed as long as that still means the value written (so `1.50`, `2.`
/// or `0, 1,` are not rewritten under the caret), and what is written as soon as something else
/// changes it (an edit of the text, another form).
#[hook]
fn use_typed(
    value: Option<Value>,
    written: String,
    parse: Parse,
) -> (String, UseStateHandle<Option<String>>) {
    let typed = use_state(|| None::<String>);
    {
        let typed = typed.clone();
        use_effect_with(value.clone(), move |value| {
            let still_meant = typed
                .as_deref()
                .is_some_and(|text| parse(text).as_ref() == Some(value));
            if typed.is_some() && !still_meant {
                typed.set(None);
            }
        });
    }
    let shown = match typed.as_deref() {
        // Not a number yet, or the same value written differently: keep the user's text.
        Some(text) if parse(text).is_none_or(|meant| meant == value) => text.to_string(),
        _ => written,
    };
    (shown, typed)
}

/// A number at a pointer (or, with `list`, a list of whole numbers typed as `0, 1, 5`): empty
/// removes the field, a number (list) sets it.
#[component]
pub fn NumberField(props: &NumberFieldProps) -> Html {
    let lang = props.lang;
    let (parse, written): (Parse, String) = if props.list {
        let written = match &props.value {
            Some(Value::Array(items)) => items
                .iter()
                .map(|item| value_text(Some(item)))
                .collect::<Vec<_>>()
                .join(", "),
            other => value_text(other.as_ref()),
        };
        (parse_number_list, written)
    } else {
        (parse_number, value_text(props.value.as_ref()))
    };
    let (shown, typed) = use_typed(props.value.clone(), written, parse);
    let on_input = {
        let pointer = props.pointer.clone();
        let on_edit = props.on_edit.clone();
        let typed = typed.clone();
        Callback::from(move |event: InputEvent| {
            let input: HtmlInputElement = event.target_unchecked_into();
            let text = input.value();
            if let Some(meant) = parse(&text) {
                on_edit.emit(vec![DocumentEdit::set_or_remove(
                    pointer.to_string(),
                    meant,
                )]);
            }
            typed.set(Some(text));
        })
    };
    let not_a_number = typed.as_deref().is_some_and(|text| parse(text).is_none());
    let invalid = not_a_number || !props.issues.is_empty();
    let complaint = if props.list {
        lang.t(
            "Whole numbers separated by commas: not written",
            "カンマ区切りの整数ではないため反映していません",
        )
    } else {
        lang.t(
            "Not a number: not written",
            "数値ではないため反映していません",
        )
    };
    html! {
        <label class={field_class(invalid)} title={props.hint.clone()}>
            <span class="form-label">{ props.label.clone() }</span>
            <input
                class="form-input"
                type="text"
                inputmode={if props.integer || props.list { "numeric" } else { "decimal" }}
                autocomplete="off"
                spellcheck="false"
                value={shown}
                placeholder={props.placeholder.clone()}
                readonly={props.fixed.is_some()}
                aria-invalid={invalid.to_string()}
                data-testid={props.testid.clone()}
                data-pointer={props.pointer.clone()}
                oninput={on_input}
            />
            if let Some(fixed) = &props.fixed {
                <span class="form-note">{ fixed.clone() }</span>
            }
            if not_a_number {
                <span class="form-issue" role="alert">{ complaint }</span>
            }
            { issues(props.issues.clone()) }
        </label>
    }
}

/// A string at a pointer: empty removes the field.
#[derive(Default)]
pub struct TextField {
    pub label: AttrValue,
    pub hint: AttrValue,
    pub pointer: AttrValue,
    pub value: Option<Value>,
    pub placeholder: AttrValue,
    pub testid: Option<AttrValue>,
    /// Typing `null` writes JSON `null` (for `ResultPath`, where it means "discard").
    pub allow_null: bool,
    /// Offer these values (the id of a `<datalist>` on the page).
    pub list: Option<AttrValue>,
    pub issues: Vec<String>,
    pub on_edit: Callback<Vec<DocumentEdit>>,
}

impl TextField {
    pub fn view(self) -> Html {
        let on_input = {
            let pointer = self.pointer.clone();
            let on_edit = self.on_edit;
            let allow_null = self.allow_null;
            Callback::from(move |event: InputEvent| {
                let input: HtmlInputElement = event.target_unchecked_into();
                let typed = input.value();
                let edit = if typed.is_empty() {
                    DocumentEdit::prune(pointer.to_string())
                } else if allow_null && typed == "null" {
                    DocumentEdit::set(pointer.to_string(), Value::Null)
                } else {
                    DocumentEdit::set(pointer.to_string(), Value::String(typed))
                };
                on_edit.emit(vec![edit]);
            })
        };
        let invalid = !self.issues.is_empty();
        html! {
            <label class={field_class(invalid)} title={self.hint}>
                <span class="form-label">{ self.label }</span>
                <input
                    class="form-input"
                    type="text"
                    autocomplete="off"
                    spellcheck="false"
                    list={self.list}
                    value={value_text(self.value.as_ref())}
                    placeholder={self.placeholder}
                    aria-invalid={invalid.to_string()}
                    data-testid={self.testid}
                    data-pointer={self.pointer}
                    oninput={on_input}
                />
                { issues(self.issues) }
            </label>
        }
    }
}

/// One string among a few, or absent.
#[derive(Default)]
pub struct SelectField {
    pub label: AttrValue,
    pub hint: AttrValue,
    pub pointer: AttrValue,
    /// The value written now (`None` = absent).
    pub value: Option<String>,
    /// `(value, label)` of each choice.
    pub options: Vec<(AttrValue, AttrValue)>,
    /// The label of the "absent" choice; without it the field cannot be removed.
    pub absent: Option<AttrValue>,
    pub testid: Option<AttrValue>,
    pub issues: Vec<String>,
    pub on_edit: Callback<Vec<DocumentEdit>>,
}

impl SelectField {
    pub fn view(self) -> Html {
        let on_change = {
            let pointer = self.pointer.clone();
            let on_edit = self.on_edit;
            Callback::from(move |event: Event| {
                let select: HtmlSelectElement = event.target_unchecked_into();
                let chosen = select.value();
                on_edit.emit(vec![if chosen.is_empty() {
                    DocumentEdit::prune(pointer.to_string())
                } else {
                    DocumentEdit::set(pointer.to_string(), Value::String(chosen))
                }]);
            })
        };
        let current = self.value.unwrap_or_default();
        // A value the choices do not know (a typo in the text) stays visible as it is.
        let unknown =
            !current.is_empty() && !self.options.iter().any(|(value, _)| *value == current);
        let invalid = !self.issues.is_empty();
        html! {
            <label class={field_class(invalid)} title={self.hint}>
                <span class="form-label">{ self.label }</span>
                <select
                    class="form-input"
                    aria-invalid={invalid.to_string()}
                    data-testid={self.testid}
                    data-pointer={self.pointer}
                    onchange={on_change}
                >
                    if let Some(absent) = self.absent {
                        <option value="" selected={current.is_empty()}>{ absent }</option>
                    }
                    if unknown {
                        <option value={current.clone()} selected=true>{ current.clone() }</option>
                    }
                    { for self.options.into_iter().map(|(value, label)| {
                        let selected = value == current;
                        html! { <option {value} {selected}>{ label }</option> }
                    }) }
                </select>
                { issues(self.issues) }
            </label>
        }
    }
}

/// An `ErrorEquals` list: one chip per name (× removes it) and an input that adds one on
/// Enter or when a suggestion is picked.
pub struct ErrorChips {
    pub lang: Lang,
    pub label: AttrValue,
    /// The pointer of the `ErrorEquals` array.
    pub pointer: AttrValue,
    /// The array as written (`None` when absent).
    pub value: Option<Value>,
    /// The id of the page's `<datalist>` of error names.
    pub list: AttrValue,
    pub issues: Vec<String>,
    pub on_edit: Callback<Vec<DocumentEdit>>,
}

impl ErrorChips {
    pub fn view(self) -> Html {
        let lang = self.lang;
        let names: Vec<String> = match &self.value {
            Some(Value::Array(items)) => items.iter().map(|item| value_text(Some(item))).collect(),
            Some(other) => vec![other.to_string()],
            None => Vec::new(),
        };
        let add = {
            let pointer = self.pointer.clone();
            let on_edit = self.on_edit.clone();
            let is_array = matches!(self.value, Some(Value::Array(_)));
            move |input: &HtmlInputElement| {
                let name = input.value().trim().to_string();
                if name.is_empty() {
                    return;
                }
                input.set_value("");
                let edit = if is_array {
                    DocumentEdit::set(format!("{pointer}/-"), Value::String(name))
                } else {
                    DocumentEdit::set(pointer.to_string(), Value::Array(vec![Value::String(name)]))
                };
                on_edit.emit(vec![edit]);
            }
        };
        let on_keydown = {
            let add = add.clone();
            Callback::from(move |event: KeyboardEvent| {
                if event.key() == "Enter" {
                    event.prevent_default();
                    add(&event.target_unchecked_into());
                }
            })
        };
        // Picking a suggestion of the datalist adds it at once (it arrives as a replacement).
        let on_input = {
            let add = add.clone();
            Callback::from(move |event: InputEvent| {
                if event.input_type() == "insertReplacementText" {
                    add(&event.target_unchecked_into());
                }
            })
        };
        let on_change = Callback::from(move |event: Event| add(&event.target_unchecked_into()));
        let invalid = !self.issues.is_empty();
        let class = if invalid {
            "form-field form-field-wide form-field-invalid"
        } else {
            "form-field form-field-wide"
        };
        html! {
            <div {class}>
                <span class="form-label">{ self.label }</span>
                <div class="chips" data-pointer={self.pointer.clone()}>
                    { for names.into_iter().enumerate().map(|(index, name)| {
                        let on_remove = {
                            let pointer = format!("{}/{index}", self.pointer);
                            let on_edit = self.on_edit.clone();
                            Callback::from(move |_: MouseEvent| {
                                on_edit.emit(vec![DocumentEdit::remove(pointer.clone())]);
                            })
                        };
                        let remove_label = AttrValue::from(match lang {
                            Lang::En => format!("Remove {name}"),
                            Lang::Ja => format!("{name} を削除"),
                        });
                        html! {
                            <span class="chip-error" data-testid="error-chip">
                                <span class="chip-error-name">{ name }</span>
                                <button
                                    type="button"
                                    class="chip-remove"
                                    aria-label={remove_label.clone()}
                                    title={remove_label}
                                    onclick={on_remove}
                                >{ "×" }</button>
                            </span>
                        }
                    }) }
                    <input
                        class="chip-input"
                        type="text"
                        autocomplete="off"
                        spellcheck="false"
                        list={self.list}
                        placeholder={lang.t("add error…", "エラーを追加…")}
                        aria-label={lang.t("Add an error name", "エラー名を追加")}
                        data-testid="error-chip-input"
                        onkeydown={on_keydown}
                        oninput={on_input}
                        onchange={on_change}
                    />
                </div>
                { issues(self.issues) }
            </div>
        }
    }
}

/// The `<datalist>` (of id `id`) of error names the chip and error inputs offer: `extra` (those
/// the documents use) first, then [`COMMON_ERRORS`].
pub fn error_list(id: &'static str, extra: Vec<String>) -> Html {
    let mut names: Vec<&str> = extra.iter().map(String::as_str).collect();
    for common in COMMON_ERRORS {
        if !names.contains(common) {
            names.push(common);
        }
    }
    html! {
        <datalist {id}>
            { for names.into_iter().map(|name| html! { <option value={name.to_string()} /> }) }
        </datalist>
    }
}

/// The frame of a list of cards with an add button — the Retry and Catch editors: a heading,
/// the add button, the diagnostics about the array itself, what an empty list means, and the
/// cards. `name` is the list's kind ("retry", "catch"), used for its class and test ids.
pub struct ListEditor<'a> {
    pub name: &'static str,
    pub title: &'static str,
    pub add_testid: &'static str,
    pub add_label: &'a str,
    pub on_add: Callback<MouseEvent>,
    pub issues: Vec<String>,
    pub empty: &'a str,
    pub cards: Vec<Html>,
}

impl ListEditor<'_> {
    pub fn view(self) -> Html {
        html! {
            <div class={format!("list-editor {}-editor", self.name)} data-testid={format!("{}-editor", self.name)}>
                <div class="list-editor-head">
                    <h4 class="list-editor-title">{ self.title }</h4>
                    <button type="button" class="text-button" data-testid={self.add_testid} onclick={self.on_add}>
                        { self.add_label.to_string() }
                    </button>
                </div>
                { issues(self.issues) }
                if self.cards.is_empty() {
                    <p class="list-editor-empty">{ self.empty.to_string() }</p>
                }
                { for self.cards }
            </div>
        }
    }
}

/// Move up, move down and remove, for one element (`index` of `len`) of the array at `array`
/// of the document; `what` names the element for the buttons' labels ("retrier 2"). Removing
/// the last element removes the array.
pub fn reorder_buttons(
    lang: Lang,
    array: &str,
    index: usize,
    len: usize,
    what: &str,
    on_edit: &Callback<Vec<DocumentEdit>>,
) -> Html {
    let button = |class: &'static str,
                  disabled: bool,
                  (en, ja): (&str, &str),
                  testid: &'static str,
                  glyph: &'static str,
                  edit: DocumentEdit| {
        let label = AttrValue::from(match lang {
            Lang::En => format!("{en} {what}"),
            Lang::Ja => format!("{what} を{ja}"),
        });
        let on_edit = on_edit.clone();
        let onclick = Callback::from(move |_: MouseEvent| on_edit.emit(vec![edit.clone()]));
        html! {
            <button
                type="button"
                {class}
                {disabled}
                aria-label={label.clone()}
                title={label}
                data-testid={testid}
                {onclick}
            >{ glyph }</button>
        }
    };
    let array = array.to_string();
    html! {
        <span class="reorder">
            { button(
                "icon-button",
                index == 0,
                ("Move up", "上へ移動"),
                "move-up",
                "↑",
                DocumentEdit::Move { array: array.clone(), from: index, to: index.saturating_sub(1) },
            ) }
            { button(
                "icon-button",
                index + 1 >= len,
                ("Move down", "下へ移動"),
                "move-down",
                "↓",
                DocumentEdit::Move { array: array.clone(), from: index, to: (index + 1).min(len.saturating_sub(1)) },
            ) }
            { button(
                "icon-button icon-button-danger",
                false,
                ("Remove", "削除"),
                "remove",
                "✕",
                DocumentEdit::prune(format!("{array}/{index}")),
            ) }
        </span>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn typed_numbers_mean_a_number_nothing_or_not_yet() {
        let cases = [
            ("", Some(None)),
            ("  ", Some(None)),
            ("5", Some(Some(json!(5)))),
            (" 2.5 ", Some(Some(json!(2.5)))),
            ("1.50", Some(Some(json!(1.5)))),
            ("-3", Some(Some(json!(-3)))),
            ("2.", None),
            ("1e", None),
            ("abc", None),
            ("\"5\"", None),
        ];
        for (typed, meant) in cases {
            assert_eq!(parse_number(typed), meant, "{typed:?}");
        }
    }

    #[test]
    fn typed_lists_mean_whole_numbers_separated_by_commas_or_spaces() {
        let cases = [
            ("", Some(None)),
            ("0", Some(Some(json!([0])))),
            ("0, 1,", Some(Some(json!([0, 1])))),
            ("3 17  99", Some(Some(json!([3, 17, 99])))),
            ("1、2", Some(Some(json!([1, 2])))),
            ("1, x", None),
            ("-1", None),
            ("1.5", None),
        ];
        for (typed, meant) in cases {
            assert_eq!(parse_number_list(typed), meant, "{typed:?}");
        }
    }

    #[test]
    fn diagnostics_are_shown_at_their_field_or_at_the_card() {
        let at = |pointer: &str, message: &str| Diagnostic::error("e", pointer, message);
        let diagnostics = [
            at("/R/0/BackoffRate", "rate"),
            at("/R/0/ErrorEquals/1", "name"),
            at("/R/0", "card"),
            at("/R/10", "other card"),
        ];
        assert_eq!(messages_at(&diagnostics, "/R/0/BackoffRate"), ["rate"]);
        assert_eq!(
            messages_within(
                &diagnostics,
                "/R/0",
                &["/R/0/BackoffRate".into(), "/R/0/ErrorEquals".into()]
            ),
            ["card"]
        );
        assert_eq!(
            messages_within(&diagnostics, "/R/0/ErrorEquals", &[]),
            ["name"]
        );
    }
}
