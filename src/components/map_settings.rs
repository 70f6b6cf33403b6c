//! The settings of one Map state that decide how its Map Run goes: `ToleratedFailureCount` and
//! `ToleratedFailurePercentage`, `MaxConcurrency`, `ItemBatcher`, the child `ExecutionType`.
//! Fields set elsewhere (`…Path`, JSONata) are shown, read-only, with where they come from.

use std::rc::Rc;

use asl::Diagnostic;
use serde_json::Value;
use yew::prelude::*;

use crate::components::form_fields::{messages_at, NumberField, SelectField};
use crate::document_edit::DocumentEdit;
use crate::i18n::Lang;

/// The form's data; [`MapSettings::view`] draws it. A plain function of its data rather than a
/// component (see [`crate::components::form_fields::issues`] for why).
pub struct MapSettings {
    /// The Map state's JSON pointer.
    pub state_pointer: AttrValue,
    /// The Map state's object as written.
    pub state: Value,
    pub distributed: bool,
    /// The processor is written as the legacy `Iterator` rather than `ItemProcessor`.
    pub legacy_iterator: bool,
    /// Put the page's `data-testid`s on the tolerance inputs (the Distributed Map being shown).
    pub testids: bool,
    pub diagnostics: Rc<[Diagnostic]>,
    pub on_edit: Callback<Vec<DocumentEdit>>,
}

/// Where a field's value comes from when it is not a literal here, for a read-only note.
fn set_elsewhere(lang: Lang, state: &Value, path: &[&str], field: &str) -> Option<AttrValue> {
    let parent = path.iter().try_fold(state, |value, key| value.get(key))?;
    if let Some(from) = parent.get(format!("{field}Path")).and_then(Value::as_str) {
        return Some(AttrValue::from(match lang {
            Lang::En => format!("from {from} at run time ({field}Path)"),
            Lang::Ja => format!("実行時に {from} から（{field}Path）"),
        }));
    }
    match parent.get(field) {
        Some(Value::String(expression)) if expression.trim_start().starts_with("{%") => {
            Some(AttrValue::from(match lang {
                Lang::En => "a JSONata expression, evaluated at run time".to_string(),
                Lang::Ja => "実行時に評価される JSONata 式".to_string(),
            }))
        }
        _ => None,
    }
}

impl MapSettings {
    pub fn view(&self, lang: Lang) -> Html {
        let props = self;
        let at = |field: &str| format!("{}/{field}", props.state_pointer);
        let value = |path: &[&str]| {
            path.iter()
                .try_fold(&props.state, |value, key| value.get(key))
                .cloned()
        };
        let diagnostics = &props.diagnostics;
        let testid = |id: &'static str| props.testids.then_some(AttrValue::from(id));
        let processor = if props.legacy_iterator {
            "Iterator"
        } else {
            "ItemProcessor"
        };
        let execution_type = format!("{processor}/ProcessorConfig/ExecutionType");
        let field = |label: &'static str,
                     path: &[&str],
                     hint: &'static str,
                     placeholder: &'static str,
                     integer: bool,
                     id: Option<&'static str>| {
            let pointer = at(&path.join("/"));
            let (parent, name) = path.split_at(path.len() - 1);
            html! {
                <NumberField lang={lang}
                    label={label}
                    hint={hint}
                    pointer={AttrValue::from(pointer.clone())}
                    value={value(path)}
                    placeholder={placeholder}
                    integer={integer}
                    testid={id.and_then(testid)}
                    issues={messages_at(diagnostics, &pointer)}
                    fixed={set_elsewhere(lang, &props.state, parent, name[0])}
                    on_edit={props.on_edit.clone()}
                />
            }
        };
        html! {
            <div class="map-settings" data-testid="map-settings" data-pointer={props.state_pointer.clone()}>
                if props.distributed {
                    <div class="form-row">
                        { field(
                            "ToleratedFailureCount",
                            &["ToleratedFailureCount"],
                            lang.t("Failed items the Map Run tolerates before it fails (empty: none)", "マップランが失敗せずに許容する失敗項目数（空：許容しない）"),
                            lang.t("none", "なし"),
                            true,
                            Some("tolerated-failure-count"),
                        ) }
                        { field(
                            "ToleratedFailurePercentage",
                            &["ToleratedFailurePercentage"],
                            lang.t("Percentage of failed items tolerated, 0–100 (empty: none)", "許容する失敗項目の割合 0〜100（空：許容しない）"),
                            lang.t("none", "なし"),
                            false,
                            Some("tolerated-failure-percentage"),
                        ) }
                    </div>
                }
                <div class="form-row">
                    { field(
                        "MaxConcurrency",
                        &["MaxConcurrency"],
                        lang.t("Child executions (or iterations) running at once; empty or 0: no limit", "同時に実行する子実行（反復）の数。空または 0：制限なし"),
                        if props.distributed { lang.t("10,000", "10,000") } else { lang.t("no limit", "制限なし") },
                        true,
                        None,
                    ) }
                    if props.distributed {
                        { SelectField {
                            label: "ExecutionType".into(),
                            hint: lang.t("The child workflow type", "子ワークフローの種類").into(),
                            pointer: at(&execution_type).into(),
                            value: value(&[processor, "ProcessorConfig", "ExecutionType"]).and_then(|v| v.as_str().map(str::to_string)),
                            absent: Some(lang.t("(missing)", "（未指定）").into()),
                            options: vec![
                                ("STANDARD".into(), "STANDARD".into()),
                                ("EXPRESS".into(), "EXPRESS".into()),
                            ],
                            issues: messages_at(diagnostics, &at(&execution_type)),
                            on_edit: props.on_edit.clone(),
                            ..SelectField::default()
                        }.view() }
                    }
                </div>
                if props.distributed {
                    <div class="form-row">
                        { field(
                            "MaxItemsPerBatch",
                            &["ItemBatcher", "MaxItemsPerBatch"],
                            lang.t("ItemBatcher: items per child execution (empty: no batching)", "ItemBatcher：子実行 1 回あたりの項目数（空：バッチなし）"),
                            lang.t("no batching", "バッチなし"),
                            true,
                            None,
                        ) }
                        { field(
                            "MaxInputBytesPerBatch",
                            &["ItemBatcher", "MaxInputBytesPerBatch"],
                            lang.t("ItemBatcher: bytes per batch, at most 262,144", "ItemBatcher：バッチあたりのバイト数（最大 262,144）"),
                            "262144",
                            true,
                            None,
                        ) }
                    </div>
                }
            </div>
        }
    }
}
