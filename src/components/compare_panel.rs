//! The A/B tab: keep the current settings as A, change something (in the forms or the editor),
//! and compare A with the settings as they are now (B) on the same seeds — verdicts,
//! durations, items by status, retries by state, cost, both runs' executions over time drawn over
//! each other, and per item what changed; over K seeds, the sweep's statistics of each side.
//! The comparison runs in a Web Worker (the sweep's module, fetched when it is first needed),
//! so the page goes on answering; the documents it draws are `engine::compare`'s, as
//! `mapsim compare` prints them.

use std::rc::Rc;

use serde_json::Value;
use wasm_bindgen::JsCast;
use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::i18n::Lang;
use crate::markup::Markup;
use crate::state::{Action, ItemFileGiven};
use crate::sweep_workers::{self, SweepWorkers};

#[derive(Properties, PartialEq)]
pub struct ComparePanelProps {
    #[prop_or_default]
    pub lang: Lang,
    /// The definition as JSON (the machine the page runs).
    pub definition: Option<Rc<Value>>,
    /// The definition's text as typed (what "Put A back" restores).
    #[prop_or_default]
    pub definition_text: AttrValue,
    pub scenario_text: AttrValue,
    #[prop_or_default]
    pub item_file: Option<Rc<ItemFileGiven>>,
    pub on_action: Callback<Action>,
}

/// The settings kept as A.
#[derive(Debug, Clone, PartialEq)]
struct Kept {
    definition: Rc<Value>,
    scenario: Value,
    definition_text: AttrValue,
    scenario_text: AttrValue,
}

#[derive(Debug, Clone, PartialEq)]
enum Status {
    Idle,
    Running,
    /// The result's markup in English and in Japanese (`crate::compare_view`).
    Done(Rc<(AttrValue, AttrValue)>),
    Failed(String),
}

/// Settings that differ between A and B, listed at most.
const MAX_CHANGES: usize = 8;

fn scenario_value(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|_| Value::Object(serde_json::Map::new()))
}

#[component]
pub fn ComparePanel(props: &ComparePanelProps) -> Html {
    let lang = props.lang;
    let kept = use_state(|| None::<Rc<Kept>>);
    let seeds = use_state(|| "1".to_string());
    let problem = use_state(|| None::<String>);
    let status = use_state(|| Status::Idle);
    let worker = use_mut_ref(|| None::<SweepWorkers>);

    // One listener for the tab's buttons (markup, see `crate::markup`), through `data-action`.
    let onclick = {
        let kept = kept.clone();
        let seeds = seeds.clone();
        let problem = problem.clone();
        let status = status.clone();
        let worker = worker.clone();
        let definition = props.definition.clone();
        let definition_text = props.definition_text.clone();
        let scenario_text = props.scenario_text.clone();
        let item_file = props.item_file.clone();
        let on_action = props.on_action.clone();
        Callback::from(move |event: MouseEvent| {
            let action = event
                .target()
                .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
                .and_then(|e| e.closest("button[data-action]").ok().flatten())
                .and_then(|b| b.get_attribute("data-action"));
            match action.as_deref() {
                Some("keep") => {
                    if let Some(definition) = definition.clone() {
                        kept.set(Some(Rc::new(Kept {
                            definition,
                            scenario: scenario_value(&scenario_text),
                            definition_text: definition_text.clone(),
                            scenario_text: scenario_text.clone(),
                        })));
                        status.set(Status::Idle);
                    }
                }
                Some("put-back") => {
                    if let Some(k) = kept.as_ref() {
                        on_action.emit(Action::Edit(k.definition_text.to_string()));
                        on_action.emit(Action::EditScenario(k.scenario_text.to_string()));
                    }
                }
                Some("cancel") => {
                    worker.borrow_mut().take();
                    status.set(Status::Idle);
                }
                Some("run") => {
                    let (Some(a), Some(definition)) = (kept.as_ref(), definition.as_ref()) else {
                        return;
                    };
                    let k = match seeds.trim().parse::<u32>() {
                        Ok(k) if (1..=engine::sweep::MAX_SEEDS).contains(&k) => k,
                        _ => {
                            problem.set(Some(format!(
                                "seeds must be a whole number from 1 to {}",
                                engine::sweep::MAX_SEEDS
                            )));
                            return;
                        }
                    };
                    problem.set(None);
                    let request = serde_json::json!({
                        "a": {"definition": *a.definition, "scenario": a.scenario},
                        "b": {"definition": **definition, "scenario": scenario_value(&scenario_text)},
                        "seeds": k,
                    })
                    .to_string();
                    let on_done = {
                        let status = status.clone();
                        let worker = worker.clone();
                        Callback::from(move |answer: Result<String, String>| {
                            worker.borrow_mut().take();
                            status.set(
                                match answer.and_then(|t| {
                                    serde_json::from_str::<Value>(&t).map_err(|e| e.to_string())
                                }) {
                                    Ok(drawn) => {
                                        let text = |lang: &str| {
                                            AttrValue::from(
                                                drawn[lang].as_str().unwrap_or("").to_string(),
                                            )
                                        };
                                        Status::Done(Rc::new((text("en"), text("ja"))))
                                    }
                                    Err(e) => Status::Failed(e),
                                },
                            );
                        })
                    };
                    let file = item_file.as_ref().map(|f| f.bytes.as_slice());
                    match sweep_workers::start_compare(&request, file, on_done) {
                        Ok(running) => {
                            *worker.borrow_mut() = Some(running);
                            status.set(Status::Running);
                        }
                        Err(e) => status.set(Status::Failed(e)),
                    }
                }
                _ => {}
            }
        })
    };
    let on_seeds = {
        let seeds = seeds.clone();
        Callback::from(move |e: InputEvent| {
            if let Some(input) = e.target_dyn_into::<HtmlInputElement>() {
                seeds.set(input.value());
            }
        })
    };

    // What B changes of A.
    let changes = {
        let kept = (*kept).clone();
        let definition = props.definition.clone();
        use_memo(
            (kept, definition, props.scenario_text.clone()),
            |(kept, definition, scenario_text)| {
                let (Some(kept), Some(definition)) = (kept, definition) else {
                    return Vec::new();
                };
                let mut out =
                    engine::compare::changed_values(&kept.definition, definition, MAX_CHANGES);
                let scenario = scenario_value(scenario_text);
                for (p, a, b) in engine::compare::changed_values(
                    &kept.scenario,
                    &scenario,
                    MAX_CHANGES.saturating_sub(out.len()),
                ) {
                    out.push((format!("scenario:{p}"), a, b));
                }
                out
            },
        )
    };
    let value_text = |v: &Option<Value>| -> String {
        match v {
            None => lang.t("(none)", "(なし)").to_string(),
            Some(v) => {
                let text = v.to_string();
                if text.chars().count() > 40 {
                    let cut: String = text.chars().take(39).collect();
                    format!("{cut}…")
                } else {
                    text
                }
            }
        }
    };
    let changes_view = kept.as_ref().map(|_| {
        if changes.is_empty() {
            html! { <p class="sweep-note" data-testid="compare-same">{ lang.t(
                "B is the same as A. Change a setting (in the forms, the editor or the scenario), then compare.",
                "B は A と同じです。設定(フォーム、エディタ、シナリオ)を変えてから比較してください。") }</p> }
        } else {
            let mut out = Markup::new();
            out.open("ul", &[("class", "compare-changes"), ("data-testid", "compare-changes")]);
            for (p, a, b) in changes.iter() {
                out.open("li", &[])
                    .element("code", &[], p)
                    .text(&format!(" {} → {}", value_text(a), value_text(b)))
                    .close("li");
            }
            out.close("ul");
            out.html()
        }
    });

    let running = matches!(*status, Status::Running);
    let button = |out: &mut Markup, action: &str, primary: bool, disabled: bool, label: &str| {
        let testid = format!("compare-{action}");
        let class = if primary {
            "bar-button bar-button-primary"
        } else {
            "bar-button"
        };
        let mut attributes = vec![
            ("type", "button"),
            ("class", class),
            ("data-action", action),
            ("data-testid", testid.as_str()),
        ];
        if disabled {
            attributes.push(("disabled", ""));
        }
        out.element("button", &attributes, label);
    };
    let mut before = Markup::new();
    button(
        &mut before,
        "keep",
        false,
        props.definition.is_none() || running,
        lang.t("Keep the current settings as A", "今の設定を A として保存"),
    );
    let mut after = Markup::new();
    if kept.is_some() {
        button(
            &mut before,
            "put-back",
            false,
            running,
            lang.t("Put A back", "A に戻す"),
        );
        if running {
            button(&mut after, "cancel", false, false, lang.t("Cancel", "中止"));
        } else {
            button(
                &mut after,
                "run",
                true,
                props.definition.is_none(),
                lang.t("Compare A and B", "A と B を比較"),
            );
        }
    }
    let controls = html! {
        <div class="sweep-controls">
            { before.html() }
            if kept.is_some() {
                <label class="sweep-number">
                    <span>{ lang.t("seeds", "シード数") }</span>
                    <input type="text" inputmode="numeric" value={(*seeds).clone()} oninput={on_seeds} data-testid="compare-seeds" />
                </label>
            }
            { after.html() }
        </div>
    };
    let message = match (&*status, (*problem).as_ref()) {
        (_, Some(p)) => html! { <p class="sweep-problem" role="alert">{ p.clone() }</p> },
        (Status::Failed(e), _) => {
            html! { <p class="sweep-problem" role="alert" data-testid="compare-error">{ e.clone() }</p> }
        }
        (Status::Running, _) => {
            html! { <p class="sweep-progress" data-testid="compare-running">{ lang.t("Comparing…", "比較しています…") }</p> }
        }
        _ => html! {},
    };
    let result = match &*status {
        Status::Done(drawn) => Html::from_html_unchecked(match lang {
            Lang::En => drawn.0.clone(),
            Lang::Ja => drawn.1.clone(),
        }),
        _ => html! {},
    };

    html! {
        <div class="sweep-panel compare-panel" data-testid="compare-panel" {onclick}>
            <p class="sweep-intro">{ lang.t(
                "Keep the current settings as A, change something, and compare A and B on the same seeds: the verdicts, items, retries and cost side by side, and the items whose outcome changed.",
                "今の設定を A として保存し、何かを変えて、同じシードで A と B を比較します。判定・アイテム・リトライ・費用を並べ、結果が変わったアイテムも示します。") }</p>
            { controls }
            { for changes_view }
            { message }
            { result }
        </div>
    }
}
