//! What the scenario says about one Task state: its latency (the default, fixed, uniform or
//! lognormal) and its faults (error, cause, probability, which items, which attempts), with add,
//! remove and reorder — all written into the scenario's JSON text.

use std::rc::Rc;

use engine::scenario::ScenarioError;
use serde_json::{json, Value};
use web_sys::HtmlSelectElement;
use yew::prelude::*;

use crate::components::form_fields::{issues, reorder_buttons, value_text, NumberField, TextField};
use crate::document_edit::DocumentEdit;
use crate::i18n::Lang;

/// One Task's entry; [`ScenarioTask::view`] draws it. A plain function of its data rather than
/// a component (see [`crate::components::form_fields::issues`] for why).
pub struct ScenarioTask {
    /// The Task state's name.
    pub name: AttrValue,
    /// The pointer of its entry in the scenario (`/tasks/<name>`).
    pub pointer: AttrValue,
    /// Its entry as written (`None` when the scenario says nothing about it).
    pub value: Option<Value>,
    /// Whether the definition has a Task state of this name.
    pub in_definition: bool,
    /// The scenario's problems (those about this entry are shown here).
    pub errors: Rc<[ScenarioError]>,
    /// The id of the page's `<datalist>` of error names.
    pub error_list: AttrValue,
    pub on_edit: Callback<Vec<DocumentEdit>>,
}

/// The messages of the scenario problems about exactly `pointer`.
pub fn problems_at(errors: &[ScenarioError], pointer: &str) -> Vec<String> {
    errors
        .iter()
        .filter(|e| e.pointer == pointer)
        .map(|e| e.message.clone())
        .collect()
}

/// The latency of a Task, in words: `fixed 200 ms`, `uniform 200–800 ms`, …
fn latency_summary(lang: Lang, latency: Option<&Value>) -> String {
    let ms = |value: &Value, key: &str| value_text(value.get(key));
    match latency {
        None => lang.t("default latency", "既定のレイテンシ").to_string(),
        Some(latency) => {
            if let Some(fixed) = latency.get("fixed_ms") {
                format!("{} ms", value_text(Some(fixed)))
            } else if let Some(uniform) = latency.get("uniform") {
                format!("{}–{} ms", ms(uniform, "min_ms"), ms(uniform, "max_ms"))
            } else if let Some(lognormal) = latency.get("lognormal") {
                match lang {
                    Lang::En => format!(
                        "median {} ms, p99 {} ms",
                        ms(lognormal, "median_ms"),
                        ms(lognormal, "p99_ms")
                    ),
                    Lang::Ja => format!(
                        "中央値 {} ms・p99 {} ms",
                        ms(lognormal, "median_ms"),
                        ms(lognormal, "p99_ms")
                    ),
                }
            } else {
                latency.to_string()
            }
        }
    }
}

impl ScenarioTask {
    pub fn view(&self, lang: Lang) -> Html {
        let props = self;
        let pointer = props.pointer.as_str();
        let entry = props.value.as_ref();
        let latency = entry.and_then(|e| e.get("latency"));
        let faults: &[Value] = match entry.and_then(|e| e.get("faults")) {
            Some(Value::Array(items)) => items,
            _ => &[],
        };
        let kind = match latency {
            None => "",
            Some(l) if l.get("uniform").is_some() => "uniform",
            Some(l) if l.get("lognormal").is_some() => "lognormal",
            Some(_) => "fixed",
        };
        let latency_pointer = format!("{pointer}/latency");
        let on_kind = {
            let on_edit = props.on_edit.clone();
            let latency_pointer = latency_pointer.clone();
            // Keep the scale of what was there when switching distributions.
            let base = latency
                .and_then(|l| {
                    l.get("fixed_ms")
                        .or_else(|| l.pointer("/uniform/max_ms"))
                        .or_else(|| l.pointer("/lognormal/median_ms"))
                })
                .and_then(Value::as_u64)
                .filter(|ms| *ms > 0)
                .unwrap_or(100);
            Callback::from(move |event: Event| {
                let select: HtmlSelectElement = event.target_unchecked_into();
                let latency = match select.value().as_str() {
                    "fixed" => Some(json!({ "fixed_ms": base })),
                    "uniform" => Some(json!({ "uniform": { "min_ms": base / 2, "max_ms": base } })),
                    "lognormal" => {
                        Some(json!({ "lognormal": { "median_ms": base, "p99_ms": base * 5 } }))
                    }
                    _ => None,
                };
                on_edit.emit(vec![DocumentEdit::set_or_remove(
                    latency_pointer.clone(),
                    latency,
                )]);
            })
        };
        let number =
            |label: &'static str, hint: &'static str, at: String, placeholder: &'static str| {
                html! {
                    <NumberField lang={lang}
                        label={label}
                        hint={hint}
                        pointer={AttrValue::from(at.clone())}
                        value={entry.and_then(|e| e.pointer(&at[pointer.len()..])).cloned()}
                        placeholder={placeholder}
                        integer=true
                        issues={problems_at(&props.errors, &at)}
                        on_edit={props.on_edit.clone()}
                    />
                }
            };
        let on_add_fault = {
            let on_edit = props.on_edit.clone();
            let faults_pointer = format!("{pointer}/faults/-");
            Callback::from(move |_: MouseEvent| {
                on_edit.emit(vec![DocumentEdit::set(
                faults_pointer.clone(),
                json!({ "error": "Lambda.ServiceException", "cause": "transient", "probability": 0.05 }),
            )]);
            })
        };
        let n_faults = faults.len();
        let facts = match (lang, n_faults) {
            (Lang::En, 1) => format!("{} · 1 fault", latency_summary(lang, latency)),
            (Lang::En, n) => format!("{} · {n} faults", latency_summary(lang, latency)),
            (Lang::Ja, n) => format!("{} · 障害 {n}", latency_summary(lang, latency)),
        };
        let own_problems: Vec<String> = props
            .errors
            .iter()
            .filter(|e| e.pointer == pointer)
            .map(|e| e.message.clone())
            .collect();
        html! {
            <details key={props.name.to_string()} class="scenario-task" data-testid="scenario-task" data-task={props.name.clone()}>
                <summary class="state-settings-summary">
                    <span class="state-settings-name">{ props.name.clone() }</span>
                    <span class="state-settings-facts">{ facts }</span>
                    if !props.in_definition {
                        <span class="state-settings-issues">
                            { lang.t("⚠ not in the definition", "⚠ 定義にありません") }
                        </span>
                    }
                </summary>
                <div class="state-settings-body">
                    { issues(own_problems) }
                    <div class="form-row">
                        <label class="form-field" title={lang.t("How long each attempt takes", "各試行にかかる時間")}>
                            <span class="form-label">{ lang.t("Latency", "レイテンシ") }</span>
                            <select class="form-input" data-testid="latency-kind" onchange={on_kind}>
                                <option value="" selected={kind.is_empty()}>{ lang.t("default", "既定") }</option>
                                <option value="fixed" selected={kind == "fixed"}>{ lang.t("fixed", "固定") }</option>
                                <option value="uniform" selected={kind == "uniform"}>{ lang.t("uniform", "一様分布") }</option>
                                <option value="lognormal" selected={kind == "lognormal"}>{ lang.t("lognormal", "対数正規分布") }</option>
                            </select>
                        </label>
                        if kind == "fixed" {
                            { number("fixed_ms", lang.t("Every attempt takes this long (ms)", "すべての試行にかかる時間（ms）"), format!("{latency_pointer}/fixed_ms"), "100") }
                        }
                        if kind == "uniform" {
                            { number("min_ms", lang.t("Shortest attempt (ms)", "最短の試行（ms）"), format!("{latency_pointer}/uniform/min_ms"), "") }
                            { number("max_ms", lang.t("Longest attempt (ms)", "最長の試行（ms）"), format!("{latency_pointer}/uniform/max_ms"), "") }
                        }
                        if kind == "lognormal" {
                            { number("median_ms", lang.t("Half the attempts are faster (ms)", "半数の試行がこれより速い（ms）"), format!("{latency_pointer}/lognormal/median_ms"), "") }
                            { number("p99_ms", lang.t("99 % of the attempts are faster (ms)", "99 % の試行がこれより速い（ms）"), format!("{latency_pointer}/lognormal/p99_ms"), "") }
                        }
                    </div>
                    { issues(problems_at(&props.errors, &latency_pointer)) }
                    <div class="list-editor">
                        <div class="list-editor-head">
                            <h4 class="list-editor-title">{ lang.t("Faults", "障害") }</h4>
                            <button type="button" class="text-button" data-testid="add-fault" onclick={on_add_fault}>
                                { lang.t("+ Add fault", "+ 障害を追加") }
                            </button>
                        </div>
                        if faults.is_empty() {
                            <p class="list-editor-empty">
                                { lang.t("No fault: every attempt succeeds.", "障害なし：すべての試行が成功します。") }
                            </p>
                        } else {
                            <p class="list-editor-empty">
                                { lang.t("The first fault that fires makes the attempt throw its error.", "最初に発生した障害のエラーで試行が失敗します。") }
                            </p>
                        }
                        { for faults.iter().enumerate().map(|(index, fault)| fault_card(lang, props, index, n_faults, fault)) }
                    </div>
                </div>
            </details>
        }
    }
}

fn fault_card(lang: Lang, props: &ScenarioTask, index: usize, len: usize, fault: &Value) -> Html {
    let array = format!("{}/faults", props.pointer);
    let pointer = format!("{array}/{index}");
    let field = |name: &str| format!("{pointer}/{name}");
    let items = fault.get("items");
    let selection = match items {
        None => "",
        Some(items) if items.get("indices").is_some() => "indices",
        Some(_) => "fraction",
    };
    let on_selection = {
        let on_edit = props.on_edit.clone();
        let items_pointer = field("items");
        Callback::from(move |event: Event| {
            let select: HtmlSelectElement = event.target_unchecked_into();
            let items = match select.value().as_str() {
                "fraction" => Some(json!({ "fraction": 0.01 })),
                "indices" => Some(json!({ "indices": [0] })),
                _ => None,
            };
            on_edit.emit(vec![DocumentEdit::set_or_remove(
                items_pointer.clone(),
                items,
            )]);
        })
    };
    let what = match lang {
        Lang::En => format!("fault {}", index + 1),
        Lang::Ja => format!("障害 {}", index + 1),
    };
    let errors = &props.errors;
    html! {
        <div class="list-item fault" data-testid="fault" key={pointer.clone()}>
            <div class="list-item-head">
                <span class="list-item-number">{ format!("#{}", index + 1) }</span>
                { reorder_buttons(lang, &array, index, len, &what, &props.on_edit) }
            </div>
            <div class="form-row">
                { TextField {
                    label: lang.t("Error", "エラー").into(),
                    hint: lang.t("The error the attempt throws", "試行が投げるエラー名").into(),
                    pointer: field("error").into(),
                    value: fault.get("error").cloned(),
                    list: Some(props.error_list.clone()),
                    testid: Some("fault-error".into()),
                    issues: problems_at(errors, &field("error")),
                    on_edit: props.on_edit.clone(),
                    ..TextField::default()
                }.view() }
                { TextField {
                    label: lang.t("Cause", "原因").into(),
                    pointer: field("cause").into(),
                    value: fault.get("cause").cloned(),
                    issues: problems_at(errors, &field("cause")),
                    on_edit: props.on_edit.clone(),
                    ..TextField::default()
                }.view() }
            </div>
            <div class="form-row">
                <NumberField lang={lang}
                    label={lang.t("Probability", "確率")}
                    hint={lang.t("Chance per attempt, 0–1 (empty: whenever the items and attempts match)", "試行ごとの発生確率 0〜1（空：対象の項目・試行なら必ず）")}
                    pointer={AttrValue::from(field("probability"))}
                    value={fault.get("probability").cloned()}
                    placeholder={lang.t("always", "常に")}
                    testid={AttrValue::from("fault-probability")}
                    issues={problems_at(errors, &field("probability"))}
                    on_edit={props.on_edit.clone()}
                />
                <label class="form-field" title={lang.t("Which items the fault hits", "障害が起きる項目")}>
                    <span class="form-label">{ lang.t("Items", "対象項目") }</span>
                    <select class="form-input" data-testid="fault-items" onchange={on_selection}>
                        <option value="" selected={selection.is_empty()}>{ lang.t("all", "すべて") }</option>
                        <option value="fraction" selected={selection == "fraction"}>{ lang.t("a fraction", "割合") }</option>
                        <option value="indices" selected={selection == "indices"}>{ lang.t("these indices", "指定の番号") }</option>
                    </select>
                </label>
                if selection == "fraction" {
                    <NumberField lang={lang}
                        label={lang.t("Fraction", "割合")}
                        hint={lang.t("This fraction of the items (0–1), chosen by the seed", "シードで選ばれる項目の割合（0〜1）")}
                        pointer={AttrValue::from(field("items/fraction"))}
                        value={items.and_then(|i| i.get("fraction")).cloned()}
                        issues={problems_at(errors, &field("items/fraction"))}
                        on_edit={props.on_edit.clone()}
                    />
                }
                if selection == "indices" {
                    <NumberField lang={lang}
                        list=true
                        label={lang.t("Indices", "項目番号")}
                        hint={lang.t("Item indices, from 0", "0 から数えた項目番号")}
                        pointer={AttrValue::from(field("items/indices"))}
                        value={items.and_then(|i| i.get("indices")).cloned()}
                        issues={problems_at(errors, &field("items/indices"))}
                        on_edit={props.on_edit.clone()}
                    />
                }
                <NumberField lang={lang}
                    list=true
                    label={lang.t("Attempts", "試行")}
                    hint={lang.t("Only on these attempts (0 = the first try); empty: every attempt", "この試行のみ（0 = 最初の試行）。空：すべての試行")}
                    pointer={AttrValue::from(field("attempts"))}
                    value={fault.get("attempts").cloned()}
                    placeholder={lang.t("every attempt", "すべての試行")}
                    issues={problems_at(errors, &field("attempts"))}
                    on_edit={props.on_edit.clone()}
                />
            </div>
            { issues(problems_at(errors, &pointer).into_iter().chain(problems_at(errors, &field("items"))).collect()) }
        </div>
    }
}
