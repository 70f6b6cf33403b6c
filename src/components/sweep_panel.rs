//! The Sweep tab: pick one or two numbers of the definition or scenario, a range for each and
//! a number of seeds; every cell runs the whole simulation once per seed in Web Workers (one
//! per core), and the heatmap (or, with one axis, the line) of P(the execution fails) fills in
//! as the cells come back — the current setting marked, the 50 % boundary drawn, the closed
//! form beside it where it holds. A click on a cell writes its values into the documents, as
//! the forms do.

use std::rc::Rc;

use engine::sim::{SimOptions, Simulation};
use engine::sweep::{self, Candidate, NoClosedForm, Plan, Target};
use serde_json::Value;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use crate::document_edit::DocumentEdit;
use crate::i18n::Lang;
use crate::state::{Action, ItemFileGiven};
use crate::sweep_workers::{self, SweepWorkers};

#[derive(Properties, PartialEq)]
pub struct SweepPanelProps {
    #[prop_or_default]
    pub lang: Lang,
    /// The definition as JSON (what the settings forms edit).
    pub definition: Option<Rc<Value>>,
    pub scenario_text: AttrValue,
    #[prop_or_default]
    pub item_file: Option<Rc<ItemFileGiven>>,
    pub on_action: Callback<Action>,
}

/// One axis as the form holds it (texts, so that a half-typed number is kept).
#[derive(Debug, Clone, PartialEq)]
struct AxisForm {
    name: String,
    from: String,
    to: String,
    step: String,
}

impl AxisForm {
    fn of(c: &Candidate) -> AxisForm {
        AxisForm {
            name: c.name.clone(),
            from: sweep::number_value(c.from).to_string(),
            to: sweep::number_value(c.to).to_string(),
            step: sweep::number_value(c.step).to_string(),
        }
    }

    fn spec(&self) -> String {
        format!(
            "{}={}:{}:{}",
            self.name,
            self.from.trim(),
            self.to.trim(),
            self.step.trim()
        )
    }
}

/// A cell as it came back from a worker.
#[derive(Debug, Clone, PartialEq)]
struct CellView {
    p: f64,
    ci: [f64; 2],
    p_map: f64,
    closed: Option<f64>,
    why: Option<NoClosedForm>,
    disagrees: bool,
    p50: f64,
    p95: f64,
    retries: f64,
    cost: f64,
}

impl CellView {
    fn read(json: &str) -> Option<CellView> {
        let v: Value = serde_json::from_str(json).ok()?;
        let f = |k: &str| v.get(k).and_then(Value::as_f64).unwrap_or(0.0);
        let pair = |k: &str| {
            let a = v.get(k).and_then(Value::as_array);
            let at = |i: usize| {
                a.and_then(|a| a.get(i))
                    .and_then(Value::as_f64)
                    .unwrap_or(0.0)
            };
            [at(0), at(1)]
        };
        Some(CellView {
            p: f("p_execution_failed"),
            ci: pair("ci95"),
            p_map: f("p_map_run_failed"),
            closed: v.get("closed_form").and_then(Value::as_f64),
            why: v.get("closed_form_why").and_then(why_of),
            disagrees: v
                .get("closed_form_disagrees")
                .and_then(Value::as_bool)
                .unwrap_or(false),
            p50: v
                .pointer("/duration_seconds/p50")
                .and_then(Value::as_f64)
                .unwrap_or(0.0),
            p95: v
                .pointer("/duration_seconds/p95")
                .and_then(Value::as_f64)
                .unwrap_or(0.0),
            retries: f("mean_retries"),
            cost: f("mean_cost_usd"),
        })
    }
}

/// Where a sweep stands.
#[derive(Debug, Clone, PartialEq)]
enum Status {
    Idle,
    /// Longer than a minute: said before it starts.
    Confirm {
        seconds: f64,
        workers: usize,
    },
    Running,
    Done,
    Cancelled,
}

/// The sweep's plan, as far as the page draws it.
#[derive(Debug, Clone, PartialEq)]
struct Shown {
    axes: Vec<(String, Target, String, Vec<f64>)>,
    seeds: u32,
    runs: u64,
}

fn scenario_value(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|_| Value::Object(serde_json::Map::new()))
}

/// The number at an axis in the documents as they are now.
fn current_value(definition: Option<&Value>, scenario: &Value, name: &str) -> Option<f64> {
    match name.strip_prefix("scenario:") {
        Some(p) => scenario.pointer(p).and_then(Value::as_f64),
        None => definition
            .and_then(|d| d.pointer(name))
            .and_then(Value::as_f64),
    }
}

fn now_ms() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map_or(0.0, |p| p.now())
}

fn fmt(v: f64) -> String {
    sweep::number_value(v).to_string()
}

fn percent(p: f64) -> String {
    format!("{:.0} %", p * 100.0)
}

#[component]
pub fn SweepPanel(props: &SweepPanelProps) -> Html {
    let lang = props.lang;
    let scenario = scenario_value(&props.scenario_text);
    let candidates: Rc<Vec<Candidate>> = {
        let definition = props.definition.clone();
        let scenario = scenario.clone();
        use_memo((definition, props.scenario_text.clone()), move |(d, _)| {
            d.as_deref()
                .map(|d| sweep::candidates(d, &scenario))
                .unwrap_or_default()
        })
    };
    let forms = {
        let candidates = candidates.clone();
        use_state(move || {
            // Start from the Map's tolerance and a fault's probability when the documents have
            // them: the question the seed document asks.
            let pick = |field: &str| {
                candidates
                    .iter()
                    .find(|c| c.field == field)
                    .map(AxisForm::of)
            };
            let first = pick("ToleratedFailurePercentage")
                .or_else(|| pick("ToleratedFailureCount"))
                .or_else(|| candidates.first().map(AxisForm::of));
            let second = pick("probability").or_else(|| pick("fraction"));
            [first, second]
        })
    };
    let seeds = use_state(|| "20".to_string());
    let problem = use_state(|| None::<(usize, String)>);
    let status = use_state(|| Status::Idle);
    let shown = use_state(|| None::<Rc<Shown>>);
    let cells = use_mut_ref(Vec::<Option<Result<CellView, String>>>::new);
    let version = use_state(|| 0u64);
    let workers = use_mut_ref(|| None::<SweepWorkers>);
    let worker_error = use_state(|| None::<String>);

    // The plan from the form; a problem names its axis (0 or 1), or 2 for the seeds.
    let build_plan = {
        let forms = forms.clone();
        let seeds = seeds.clone();
        let definition = props.definition.clone();
        let scenario = scenario.clone();
        let item_file = props.item_file.clone();
        move || -> Result<Plan, (usize, String)> {
            let Some(definition) = definition.as_deref() else {
                return Err((0, "the definition cannot be read".to_string()));
            };
            let mut axes = Vec::new();
            for (i, form) in forms.iter().enumerate() {
                if let Some(form) = form {
                    axes.push(sweep::parse_axis(&form.spec()).map_err(|e| (i, e))?);
                }
            }
            let k: u32 = seeds.trim().parse().map_err(|_| {
                (
                    2,
                    format!(
                        "--seeds must be a whole number from 1 to {}",
                        sweep::MAX_SEEDS
                    ),
                )
            })?;
            let parsed = engine::scenario::from_value(&scenario).map_err(|_| {
                (
                    0,
                    "the scenario has errors (see the Scenario tab)".to_string(),
                )
            })?;
            let cost = engine::cost::CostOptions::from_scenario(&parsed);
            let file = item_file
                .as_ref()
                .map(|f| std::sync::Arc::new(f.bytes.as_ref().clone()));
            let names: Vec<String> = axes.iter().map(|a| a.name.clone()).collect();
            Plan::new(definition.clone(), scenario.clone(), axes, k, file, cost).map_err(|e| {
                // Say it at the axis it names.
                let at = names
                    .iter()
                    .position(|n| e.contains(n.as_str()))
                    .unwrap_or(if e.contains("seeds") { 2 } else { 0 });
                (at, e)
            })
        }
    };

    let launch = {
        let status = status.clone();
        let shown = shown.clone();
        let cells = cells.clone();
        let version = version.clone();
        let workers = workers.clone();
        let worker_error = worker_error.clone();
        let item_file = props.item_file.clone();
        Rc::new(move |plan: Plan| {
            let all = plan.cells();
            *cells.borrow_mut() = vec![None; all.len()];
            shown.set(Some(Rc::new(Shown {
                axes: plan
                    .axes
                    .iter()
                    .map(|a| {
                        (
                            a.name.clone(),
                            a.target,
                            a.pointer.clone(),
                            a.values.clone(),
                        )
                    })
                    .collect(),
                seeds: plan.seeds,
                runs: plan.runs(),
            })));
            let on_answer = {
                let cells = cells.clone();
                let version = version.clone();
                let status = status.clone();
                let workers = workers.clone();
                Callback::from(move |(i, answer): sweep_workers::CellAnswer| {
                    let done = {
                        let mut list = cells.borrow_mut();
                        if let Some(slot) = list.get_mut(i) {
                            *slot = Some(answer.and_then(|json| {
                                CellView::read(&json).ok_or_else(|| "unreadable".to_string())
                            }));
                        }
                        list.iter().all(Option::is_some)
                    };
                    if done {
                        workers.borrow_mut().take();
                        status.set(Status::Done);
                    }
                    version.set(*version + 1);
                })
            };
            let on_error = {
                let worker_error = worker_error.clone();
                let status = status.clone();
                let workers = workers.clone();
                Callback::from(move |e: String| {
                    workers.borrow_mut().take();
                    worker_error.set(Some(e));
                    status.set(Status::Cancelled);
                })
            };
            let document = plan.to_document().to_string();
            let file = item_file.as_ref().map(|f| f.bytes.as_slice());
            match sweep_workers::start(
                &document,
                file,
                all.len(),
                sweep_workers::cores(),
                on_answer,
                on_error,
            ) {
                Ok(running) => {
                    *workers.borrow_mut() = Some(running);
                    worker_error.set(None);
                    status.set(Status::Running);
                }
                Err(e) => {
                    worker_error.set(Some(e));
                    status.set(Status::Cancelled);
                }
            }
        })
    };

    let on_start = {
        let build_plan = build_plan.clone();
        let problem = problem.clone();
        let status = status.clone();
        let launch = launch.clone();
        Callback::from(move |_: MouseEvent| {
            let plan = match build_plan() {
                Ok(plan) => plan,
                Err(p) => {
                    problem.set(Some(p));
                    return;
                }
            };
            problem.set(None);
            // One run, timed here, says how long the whole sweep will take.
            let Some(first) = plan.cells().into_iter().next() else {
                return;
            };
            let started = now_ms();
            let prepared = plan.prepare(&first, plan.local_file().as_ref());
            let ran = prepared.and_then(|(model, scenario)| {
                let mut sim = Simulation::new(&model, &scenario, SimOptions::default())
                    .map_err(|e| e.to_string())?;
                sim.run();
                Ok(())
            });
            if let Err(e) = ran {
                problem.set(Some((0, e)));
                return;
            }
            let per_run = (now_ms() - started) / 1000.0;
            let workers = sweep_workers::cores().min(plan.cells().len()).max(1);
            let seconds = per_run * plan.runs() as f64 / workers as f64;
            if seconds > 60.0 && !matches!(*status, Status::Confirm { .. }) {
                status.set(Status::Confirm { seconds, workers });
                return;
            }
            launch(plan);
        })
    };
    let on_confirm = {
        let build_plan = build_plan.clone();
        let launch = launch.clone();
        let problem = problem.clone();
        Callback::from(move |_: MouseEvent| match build_plan() {
            Ok(plan) => launch(plan),
            Err(p) => problem.set(Some(p)),
        })
    };
    let on_cancel = {
        let workers = workers.clone();
        let status = status.clone();
        Callback::from(move |_: MouseEvent| {
            workers.borrow_mut().take();
            status.set(if matches!(*status, Status::Confirm { .. }) {
                Status::Idle
            } else {
                Status::Cancelled
            });
        })
    };

    // The axis editors.
    let axis_row = |slot: usize| -> Html {
        let form = forms[slot].clone();
        let on_pick = {
            let forms = forms.clone();
            let candidates = candidates.clone();
            Callback::from(move |e: Event| {
                let Some(select) = e.target_dyn_into::<HtmlSelectElement>() else {
                    return;
                };
                let mut next = (*forms).clone();
                next[slot] = candidates
                    .iter()
                    .find(|c| c.name == select.value())
                    .map(AxisForm::of);
                forms.set(next);
            })
        };
        let field = |which: usize, label: &'static str| -> Html {
            let value = form.as_ref().map_or(String::new(), |f| match which {
                0 => f.from.clone(),
                1 => f.to.clone(),
                _ => f.step.clone(),
            });
            let oninput = {
                let forms = forms.clone();
                Callback::from(move |e: InputEvent| {
                    let Some(input) = e.target_dyn_into::<HtmlInputElement>() else {
                        return;
                    };
                    let mut next = (*forms).clone();
                    if let Some(f) = next[slot].as_mut() {
                        match which {
                            0 => f.from = input.value(),
                            1 => f.to = input.value(),
                            _ => f.step = input.value(),
                        }
                    }
                    forms.set(next);
                })
            };
            html! {
                <label class="sweep-number">
                    <span>{ label }</span>
                    <input type="text" inputmode="decimal" value={value} {oninput}
                        disabled={form.is_none()}
                        data-testid={format!("sweep-axis-{slot}-{}", ["from", "to", "step"][which.min(2)])} />
                </label>
            }
        };
        let options = candidates.iter().map(|c| {
            let selected = form.as_ref().is_some_and(|f| f.name == c.name);
            html! {
                <option value={c.name.clone()} {selected}>
                    { format!("{} · {} ({})", c.place, c.field, fmt(c.current)) }
                </option>
            }
        });
        let error = (*problem)
            .as_ref()
            .filter(|(at, _)| *at == slot)
            .map(|(_, message)| html! {
                <p class="sweep-problem" role="alert" data-testid={format!("sweep-problem-{slot}")}>{ message.clone() }</p>
            });
        html! {
            <div class="sweep-axis" data-testid={format!("sweep-axis-{slot}")}>
                <label class="sweep-field">
                    <span>{ if slot == 0 { lang.t("Vary", "変える値") } else { lang.t("and", "と") } }</span>
                    <select onchange={on_pick} data-testid={format!("sweep-axis-{slot}-field")}>
                        if slot == 1 {
                            <option value="" selected={form.is_none()}>{ lang.t("— nothing else —", "— なし —") }</option>
                        }
                        { for options }
                    </select>
                </label>
                { field(0, lang.t("from", "から")) }
                { field(1, lang.t("to", "まで")) }
                { field(2, lang.t("step", "刻み")) }
                { for error }
            </div>
        }
    };

    let on_seeds = {
        let seeds = seeds.clone();
        Callback::from(move |e: InputEvent| {
            if let Some(input) = e.target_dyn_into::<HtmlInputElement>() {
                seeds.set(input.value());
            }
        })
    };
    let seeds_problem = (*problem)
        .as_ref()
        .filter(|(at, _)| *at == 2)
        .map(|(_, m)| html! { <p class="sweep-problem" role="alert">{ m.clone() }</p> });

    let list = cells.borrow();
    let done = list.iter().filter(|c| c.is_some()).count();
    let running = matches!(*status, Status::Running);
    let controls = match &*status {
        Status::Confirm { seconds, workers } => html! {
            <div class="sweep-confirm" role="alert" data-testid="sweep-confirm">
                <span>{ match lang {
                    Lang::En => format!("This sweep will take about {} on {workers} worker{} — start it anyway?", duration(*seconds), if *workers == 1 { "" } else { "s" }),
                    Lang::Ja => format!("このスイープには {workers} ワーカーで約 {} かかります。開始しますか?", duration(*seconds)),
                } }</span>
                <button type="button" class="bar-button" onclick={on_confirm} data-testid="sweep-confirm-start">{ lang.t("Start anyway", "開始する") }</button>
                <button type="button" class="bar-button" onclick={on_cancel.clone()}>{ lang.t("Cancel", "やめる") }</button>
            </div>
        },
        _ => html! {
            <div class="sweep-controls">
                <label class="sweep-number">
                    <span>{ lang.t("seeds per cell", "セルあたりのシード数") }</span>
                    <input type="text" inputmode="numeric" value={(*seeds).clone()} oninput={on_seeds} data-testid="sweep-seeds" />
                </label>
                if running {
                    <button type="button" class="bar-button" onclick={on_cancel.clone()} data-testid="sweep-cancel">{ lang.t("Cancel", "中止") }</button>
                } else {
                    <button type="button" class="bar-button bar-button-primary" onclick={on_start} data-testid="sweep-start"
                        disabled={props.definition.is_none() || candidates.is_empty()}>
                        { lang.t("Run the sweep", "スイープを実行") }
                    </button>
                }
                { for seeds_problem }
            </div>
        },
    };
    let progress = (*shown).as_ref().map(|s| {
        let total = list.len();
        let label = match (&*status, lang) {
            (Status::Running, Lang::En) => format!("{done} of {total} cells · {} runs · {} workers", s.runs, sweep_workers::cores().min(total)),
            (Status::Running, Lang::Ja) => format!("{total} セル中 {done} · {} 回の実行 · {} ワーカー", s.runs, sweep_workers::cores().min(total)),
            (Status::Cancelled, Lang::En) => format!("cancelled at {done} of {total} cells"),
            (Status::Cancelled, Lang::Ja) => format!("{total} セル中 {done} で中止"),
            (_, Lang::En) => format!("{total} cells × {} seeds = {} runs", s.seeds, s.runs),
            (_, Lang::Ja) => format!("{total} セル × {} シード = {} 回の実行", s.seeds, s.runs),
        };
        html! { <p class="sweep-progress" data-testid="sweep-progress" data-done={done.to_string()} data-total={total.to_string()}>{ label }</p> }
    });
    let error = (*worker_error)
        .as_ref()
        .map(|e| html! { <p class="sweep-problem" role="alert">{ e.clone() }</p> });

    let chart = (*shown).as_ref().map(|s| {
        chart(
            lang,
            s,
            &list,
            props.definition.as_deref(),
            &scenario,
            &props.on_action,
        )
    });

    html! {
        <div class="sweep-panel" data-testid="sweep-panel">
            <p class="sweep-intro">{ lang.t(
                "How likely is the run to fail over a range of settings? Each cell runs the whole simulation once per seed, in the background on every core.",
                "設定の範囲にわたって、実行が失敗する確率を調べます。各セルはシードごとにシミュレーション全体を実行します(すべてのコアでバックグラウンド実行)。") }</p>
            { axis_row(0) }
            { axis_row(1) }
            { controls }
            { for progress }
            { for error }
            { for chart }
        </div>
    }
}

/// A diverging scale of the Okabe–Ito blue (0 %) through a pale grey (50 %) to its vermillion
/// (100 %), readable with every colour vision; the number is written in each cell too.
fn colour_of(p: f64) -> String {
    let p = p.clamp(0.0, 1.0);
    let (from, to, t) = if p < 0.5 {
        ((0x00, 0x72, 0xb2), (0xf2, 0xf2, 0xf2), p * 2.0)
    } else {
        ((0xf2, 0xf2, 0xf2), (0xd5, 0x5e, 0x00), (p - 0.5) * 2.0)
    };
    let mix = |a: u8, b: u8| (f64::from(a) + (f64::from(b) - f64::from(a)) * t).round() as u8;
    format!(
        "#{:02x}{:02x}{:02x}",
        mix(from.0, to.0),
        mix(from.1, to.1),
        mix(from.2, to.2)
    )
}

fn duration(seconds: f64) -> String {
    if seconds >= 90.0 {
        format!("{:.0} min", seconds / 60.0)
    } else {
        format!("{seconds:.0} s")
    }
}

/// The heatmap (two axes) or the line (one axis) of P(the execution fails).
fn chart(
    lang: Lang,
    shown: &Shown,
    cells: &[Option<Result<CellView, String>>],
    definition: Option<&Value>,
    scenario: &Value,
    on_action: &Callback<Action>,
) -> Html {
    let apply = |values: Vec<(String, Target, String, f64)>| {
        let on_action = on_action.clone();
        Callback::from(move |_: MouseEvent| {
            let (mut d, mut s) = (Vec::new(), Vec::new());
            for (_, target, pointer, v) in &values {
                let edit = DocumentEdit::set(pointer.clone(), sweep::number_value(*v));
                match target {
                    Target::Definition => d.push(edit),
                    Target::Scenario => s.push(edit),
                }
            }
            if !d.is_empty() {
                on_action.emit(Action::EditDefinition(d));
            }
            if !s.is_empty() {
                on_action.emit(Action::EditScenarioFields(s));
            }
        })
    };
    let colour = |p: f64| colour_of(p);
    let describe = |c: &CellView, values: &str| -> String {
        let closed = match c.closed {
            Some(p) => format!("{}{}", percent(p), if c.disagrees { " (!)" } else { "" }),
            None => lang.t("does not apply", "適用外").to_string(),
        };
        match lang {
            Lang::En => format!(
                "{values}\nP(execution fails) {} (95 % {}–{})\nP(Map Run fails) {} · closed form {closed}\nduration p50 {:.1} s, p95 {:.1} s · retries {:.1} · cost ${:.4}\nclick to use these values",
                percent(c.p), percent(c.ci[0]), percent(c.ci[1]), percent(c.p_map), c.p50, c.p95, c.retries, c.cost
            ),
            Lang::Ja => format!(
                "{values}\n実行が失敗する確率 {} (95 % {}–{})\nMap Run が失敗する確率 {} · 閉形式 {closed}\n所要時間 p50 {:.1} 秒、p95 {:.1} 秒 · リトライ {:.1} · 費用 ${:.4}\nクリックでこの値を使う",
                percent(c.p), percent(c.ci[0]), percent(c.ci[1]), percent(c.p_map), c.p50, c.p95, c.retries, c.cost
            ),
        }
    };
    let current: Vec<Option<f64>> = shown
        .axes
        .iter()
        .map(|(name, ..)| current_value(definition, scenario, name))
        .collect();
    let field = |i: usize| shown.axes[i].0.rsplit('/').next().unwrap_or("").to_string();
    let reason = cells
        .iter()
        .flatten()
        .flatten()
        .find_map(|c| c.why.as_ref().map(|w| why_text(w, lang)));
    let with_closed = cells
        .iter()
        .flatten()
        .flatten()
        .filter(|c| c.closed.is_some())
        .count();
    let disagreeing = cells
        .iter()
        .flatten()
        .flatten()
        .filter(|c| c.disagrees)
        .count();
    let failed_cells: Vec<String> = cells
        .iter()
        .flatten()
        .filter_map(|c| c.as_ref().err().cloned())
        .collect();
    let note = if let Some(reason) = reason.filter(|_| with_closed == 0) {
        html! { <p class="sweep-note" data-testid="sweep-closed-form">
            { lang.t("Closed form does not apply: ", "閉形式は使えません: ") }{ reason }
        </p> }
    } else if with_closed > 0 {
        html! { <p class="sweep-note" data-testid="sweep-closed-form">{ match lang {
            Lang::En => format!("Closed form (items independent: the binomial tail of the tolerance rule) in {with_closed} cells; {disagreeing} outside the Monte Carlo 95 % interval (marked !)."),
            Lang::Ja => format!("閉形式(アイテムが独立: 許容ルールの二項分布の裾)を {with_closed} セルで計算。モンテカルロの 95 % 区間の外は {disagreeing} セル(! 印)。"),
        } }</p> }
    } else {
        html! {}
    };
    let errors = failed_cells
        .first()
        .map(|e| html! { <p class="sweep-problem" role="alert">{ e.clone() }</p> });

    let body = if let [(_, _, _, rows), (_, _, _, columns)] = shown.axes.as_slice() {
        let (w, h) = (36.0, 26.0);
        let (left, top) = (64.0, 8.0);
        let width = left + w * columns.len() as f64 + 8.0;
        let height = top + h * rows.len() as f64 + 34.0;
        let mut rects = Vec::new();
        let mut edges = Vec::new();
        let p_at = |i: usize, j: usize| -> Option<f64> {
            cells
                .get(i * columns.len() + j)
                .and_then(|c| c.as_ref())
                .and_then(|c| c.as_ref().ok())
                .map(|c| c.p)
        };
        for (i, rv) in rows.iter().enumerate() {
            for (j, cv) in columns.iter().enumerate() {
                let (x, y) = (left + w * j as f64, top + h * i as f64);
                let values = vec![
                    (
                        shown.axes[0].0.clone(),
                        shown.axes[0].1,
                        shown.axes[0].2.clone(),
                        *rv,
                    ),
                    (
                        shown.axes[1].0.clone(),
                        shown.axes[1].1,
                        shown.axes[1].2.clone(),
                        *cv,
                    ),
                ];
                let label = format!("{} {} · {} {}", field(0), fmt(*rv), field(1), fmt(*cv));
                let is_current = current[0] == Some(*rv) && current[1] == Some(*cv);
                match cells.get(i * columns.len() + j).and_then(|c| c.as_ref()) {
                    Some(Ok(c)) => rects.push(html! {
                        <g class={classes!("sweep-cell", is_current.then_some("sweep-current"))} onclick={apply(values)}
                            data-testid="sweep-cell" data-p={c.p.to_string()}>
                            <title>{ describe(c, &label) }</title>
                            <rect x={x.to_string()} y={y.to_string()} width={(w - 1.0).to_string()} height={(h - 1.0).to_string()} fill={colour(c.p)} />
                            <text class={classes!((!(0.2..=0.8).contains(&c.p)).then_some("sweep-on-dark"))} x={(x + w / 2.0).to_string()} y={(y + h / 2.0 + 4.0).to_string()} text-anchor="middle">
                                { format!("{:.0}{}", c.p * 100.0, if c.disagrees { "!" } else { "" }) }
                            </text>
                        </g>
                    }),
                    Some(Err(_)) => rects.push(html! {
                        <rect class="sweep-cell-failed" x={x.to_string()} y={y.to_string()} width={(w - 1.0).to_string()} height={(h - 1.0).to_string()} />
                    }),
                    None => rects.push(html! {
                        <rect class="sweep-cell-pending" x={x.to_string()} y={y.to_string()} width={(w - 1.0).to_string()} height={(h - 1.0).to_string()} />
                    }),
                }
                if is_current {
                    rects.push(html! { <rect class="sweep-current-mark" x={(x - 1.0).to_string()} y={(y - 1.0).to_string()} width={(w + 1.0).to_string()} height={(h + 1.0).to_string()} /> });
                }
                // The 50 % boundary: between neighbours on either side of it.
                let side = |p: Option<f64>| p.map(|p| p >= 0.5);
                let here = side(p_at(i, j));
                if j + 1 < columns.len()
                    && here.is_some()
                    && side(p_at(i, j + 1)).is_some()
                    && here != side(p_at(i, j + 1))
                {
                    edges.push(html! { <line class="sweep-boundary" x1={(x + w - 0.5).to_string()} y1={y.to_string()} x2={(x + w - 0.5).to_string()} y2={(y + h).to_string()} /> });
                }
                if i + 1 < rows.len()
                    && here.is_some()
                    && side(p_at(i + 1, j)).is_some()
                    && here != side(p_at(i + 1, j))
                {
                    edges.push(html! { <line class="sweep-boundary" x1={x.to_string()} y1={(y + h - 0.5).to_string()} x2={(x + w).to_string()} y2={(y + h - 0.5).to_string()} /> });
                }
            }
        }
        let row_labels = rows.iter().enumerate().map(|(i, v)| html! {
            <text class="sweep-tick" x={(left - 6.0).to_string()} y={(top + h * i as f64 + h / 2.0 + 4.0).to_string()} text-anchor="end">{ fmt(*v) }</text>
        });
        let column_labels = columns.iter().enumerate().map(|(j, v)| html! {
            <text class="sweep-tick" x={(left + w * j as f64 + w / 2.0).to_string()} y={(top + h * rows.len() as f64 + 14.0).to_string()} text-anchor="middle">{ fmt(*v) }</text>
        });
        html! {
            <figure class="sweep-figure">
                <figcaption>{ match lang {
                    Lang::En => format!("P(the execution fails), %: {} down, {} across; the thick line is where it crosses 50 %, the outlined cell the setting as it is now", field(0), field(1)),
                    Lang::Ja => format!("実行が失敗する確率 (%): 縦 {}、横 {}。太線は 50 % の境界、枠のセルは現在の設定", field(0), field(1)),
                } }</figcaption>
                <svg class="sweep-heatmap" role="img" viewBox={format!("0 0 {width} {height}")} width={width.to_string()} height={height.to_string()} data-testid="sweep-heatmap">
                    { for row_labels }
                    { for column_labels }
                    <text class="sweep-axis-label" x={(left + w * columns.len() as f64 / 2.0).to_string()} y={(height - 4.0).to_string()} text-anchor="middle">{ field(1) }</text>
                    { for rects }
                    { for edges }
                </svg>
            </figure>
        }
    } else if let [(name, target, pointer, values)] = shown.axes.as_slice() {
        let (w, h) = (420.0, 160.0);
        let (left, top) = (40.0, 10.0);
        let n = values.len().max(2) as f64 - 1.0;
        let x = |i: usize| left + w * i as f64 / n;
        let y = |p: f64| top + h * (1.0 - p);
        let mut band = Vec::new();
        let mut line = Vec::new();
        let mut closed = Vec::new();
        let mut dots = Vec::new();
        for (i, v) in values.iter().enumerate() {
            if let Some(Ok(c)) = cells.get(i).and_then(|c| c.as_ref()) {
                band.push(format!("{:.1},{:.1}", x(i), y(c.ci[1])));
                line.push(format!("{:.1},{:.1}", x(i), y(c.p)));
                if let Some(p) = c.closed {
                    closed.push(format!("{:.1},{:.1}", x(i), y(p)));
                }
                let label = format!("{} {}", field(0), fmt(*v));
                let is_current = current[0] == Some(*v);
                dots.push(html! {
                    <g class={classes!("sweep-cell", is_current.then_some("sweep-current"))}
                        onclick={apply(vec![(name.clone(), *target, pointer.clone(), *v)])} data-testid="sweep-cell" data-p={c.p.to_string()}>
                        <title>{ describe(c, &label) }</title>
                        <circle cx={x(i).to_string()} cy={y(c.p).to_string()} r={if is_current { "6" } else { "4" }} fill={colour(c.p)} />
                    </g>
                });
            }
        }
        let mut lower: Vec<String> = values
            .iter()
            .enumerate()
            .filter_map(|(i, _)| match cells.get(i).and_then(|c| c.as_ref()) {
                Some(Ok(c)) => Some(format!("{:.1},{:.1}", x(i), y(c.ci[0]))),
                _ => None,
            })
            .collect();
        lower.reverse();
        band.extend(lower);
        let ticks = values.iter().enumerate().map(|(i, v)| html! {
            <text class="sweep-tick" x={x(i).to_string()} y={(top + h + 14.0).to_string()} text-anchor="middle">{ fmt(*v) }</text>
        });
        html! {
            <figure class="sweep-figure">
                <figcaption>{ match lang {
                    Lang::En => format!("P(the execution fails) over {}: the band is the 95 % interval, the dashed line the closed form, the dotted line 50 %", field(0)),
                    Lang::Ja => format!("{} に対する実行失敗の確率: 帯は 95 % 区間、破線は閉形式、点線は 50 %", field(0)),
                } }</figcaption>
                <svg class="sweep-line" role="img" viewBox={format!("0 0 {} {}", w + left + 20.0, h + top + 24.0)} data-testid="sweep-heatmap">
                    <line class="sweep-grid" x1={left.to_string()} x2={(left + w).to_string()} y1={y(0.0).to_string()} y2={y(0.0).to_string()} />
                    <line class="sweep-grid" x1={left.to_string()} x2={(left + w).to_string()} y1={y(1.0).to_string()} y2={y(1.0).to_string()} />
                    <line class="sweep-boundary-half" x1={left.to_string()} x2={(left + w).to_string()} y1={y(0.5).to_string()} y2={y(0.5).to_string()} />
                    <text class="sweep-tick" x={(left - 6.0).to_string()} y={(y(1.0) + 4.0).to_string()} text-anchor="end">{ "100" }</text>
                    <text class="sweep-tick" x={(left - 6.0).to_string()} y={(y(0.5) + 4.0).to_string()} text-anchor="end">{ "50" }</text>
                    <text class="sweep-tick" x={(left - 6.0).to_string()} y={(y(0.0) + 4.0).to_string()} text-anchor="end">{ "0" }</text>
                    <polygon class="sweep-band" points={band.join(" ")} />
                    <polyline class="sweep-mc" points={line.join(" ")} />
                    <polyline class="sweep-closed" points={closed.join(" ")} />
                    { for ticks }
                    { for dots }
                </svg>
            </figure>
        }
    } else {
        html! {}
    };
    html! {
        <>
            { body }
            { note }
            { for errors }
        </>
    }
}

/// Why the closed form does not apply, in the page's language (the engine's words in English).
fn why_text(why: &NoClosedForm, lang: Lang) -> String {
    if lang == Lang::En {
        return why.to_string();
    }
    match why {
        NoClosedForm::NoDistributedMap => {
            "分散マップがありません: 失敗する Map Run がありません".into()
        }
        NoClosedForm::SeveralDistributedMaps => {
            "分散マップが 2 つ以上あります: それぞれの実行が互いに左右します".into()
        }
        NoClosedForm::Nested { state } => format!(
            "{state} は別のステートの中にあります: 何回実行されるかはそのステート次第です"
        ),
        NoClosedForm::Batching => {
            "バッチ処理 (ItemBatcher): バッチのアイテムはまとめて失敗するので、アイテムは独立ではありません".into()
        }
        NoClosedForm::LambdaConcurrency => {
            "スロットリングがアイテムを結びつけます: limits.lambda_concurrency により、あるアイテムの試行が他のアイテムの終わりを待ちます".into()
        }
        NoClosedForm::ExecutionTimeout => {
            "実行の TimeoutSeconds が時間で実行を終わらせ得ます".into()
        }
        NoClosedForm::ToleranceAtRunTime => {
            "許容値が実行時に読まれます (パスまたは式)".into()
        }
        NoClosedForm::ItemsFromReader => {
            "アイテムは ItemReader から来ます: その数は実行時に読まれます".into()
        }
        NoClosedForm::ItemCountAtRunTime => {
            "アイテム数が実行時に読まれます (ItemsPath または ItemReader)。シナリオでは決まりません".into()
        }
        NoClosedForm::Loop { state } => format!(
            "{state} を通るループ: アイテムが同じステートを 2 回以上通り得ます"
        ),
        NoClosedForm::Choice { state } => format!(
            "Choice ステート {state} がアイテムをデータで振り分けます"
        ),
        NoClosedForm::Container { state, kind } => format!(
            "プロセッサ内の {state} ({kind}): 閉形式は 1 本の経路だけをたどります"
        ),
        NoClosedForm::TaskTimeout { state } => format!(
            "Task {state} にタイムアウトがあります: 試行が失敗するかは時間次第です"
        ),
        NoClosedForm::PickedItems { state } => format!(
            "{state} の障害がアイテムを選びます (items.fraction または items.indices): アイテムは同じではありません"
        ),
        NoClosedForm::TooManyPaths { state } => format!(
            "{state} のリトライアがたどる経路が多すぎます"
        ),
    }
}

/// The engine's `closed_form_why` read back (by hand: a derived reader costs the page KBs).
fn why_of(v: &Value) -> Option<NoClosedForm> {
    let state = || {
        v.get("state")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string()
    };
    Some(match v.get("code")?.as_str()? {
        "no_distributed_map" => NoClosedForm::NoDistributedMap,
        "several_distributed_maps" => NoClosedForm::SeveralDistributedMaps,
        "nested" => NoClosedForm::Nested { state: state() },
        "batching" => NoClosedForm::Batching,
        "lambda_concurrency" => NoClosedForm::LambdaConcurrency,
        "execution_timeout" => NoClosedForm::ExecutionTimeout,
        "tolerance_at_run_time" => NoClosedForm::ToleranceAtRunTime,
        "items_from_reader" => NoClosedForm::ItemsFromReader,
        "item_count_at_run_time" => NoClosedForm::ItemCountAtRunTime,
        "loop" => NoClosedForm::Loop { state: state() },
        "choice" => NoClosedForm::Choice { state: state() },
        "container" => NoClosedForm::Container {
            state: state(),
            kind: v
                .get("kind")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string(),
        },
        "task_timeout" => NoClosedForm::TaskTimeout { state: state() },
        "picked_items" => NoClosedForm::PickedItems { state: state() },
        "too_many_paths" => NoClosedForm::TooManyPaths { state: state() },
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_reason_the_engine_writes_is_read_back_and_said_in_japanese() {
        let s = || "Charge".to_string();
        let all = [
            NoClosedForm::NoDistributedMap,
            NoClosedForm::SeveralDistributedMaps,
            NoClosedForm::Nested { state: s() },
            NoClosedForm::Batching,
            NoClosedForm::LambdaConcurrency,
            NoClosedForm::ExecutionTimeout,
            NoClosedForm::ToleranceAtRunTime,
            NoClosedForm::ItemsFromReader,
            NoClosedForm::ItemCountAtRunTime,
            NoClosedForm::Loop { state: s() },
            NoClosedForm::Choice { state: s() },
            NoClosedForm::Container {
                state: s(),
                kind: "Parallel".into(),
            },
            NoClosedForm::TaskTimeout { state: s() },
            NoClosedForm::PickedItems { state: s() },
            NoClosedForm::TooManyPaths { state: s() },
        ];
        for why in all {
            let Ok(written) = serde_json::to_value(&why) else {
                panic!("{why} does not serialise")
            };
            assert_eq!(why_of(&written).as_ref(), Some(&why), "{written}");
            let ja = why_text(&why, Lang::Ja);
            assert_ne!(ja, why.to_string());
            assert!(!ja.is_ascii(), "{ja}");
        }
    }
}
