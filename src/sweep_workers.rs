//! A sweep's Web Workers: one per core the browser offers, each running the `sweep-worker`
//! module (src/bin/sweep_worker.rs: the engine without the page, which Trunk builds beside the
//! page and the browser fetches only when a sweep starts), each handed the sweep's plan once
//! and then one cell at a time, the next as soon as it answers. The page's main thread only
//! receives results, so it never stops answering.
//!
//! The worker's script is made here (a module script in a `Blob`) and imports the worker's
//! module from beside the page's own (the directory Trunk's page preloads its script from).
//! The worker side is [`worker_init`] / [`worker_cell`], exported by that binary.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{MessageEvent, Worker};
use yew::Callback;

/// What a worker said about one cell: its index and the cell's JSON (or why it failed).
pub type CellAnswer = (usize, Result<String, String>);

/// A running sweep; dropping it stops every worker.
pub struct SweepWorkers {
    workers: Vec<Worker>,
    _listeners: Vec<Closure<dyn FnMut(MessageEvent)>>,
    url: String,
}

impl Drop for SweepWorkers {
    fn drop(&mut self) {
        for worker in &self.workers {
            worker.terminate();
        }
        let _ = web_sys::Url::revoke_object_url(&self.url);
    }
}

/// The address of the worker's module script and of its WebAssembly: beside the page's own
/// module script, found by the page's preload link (`None` outside a page Trunk built, e.g. in
/// a component test).
fn module_urls() -> Option<(String, String)> {
    let document = web_sys::window()?.document()?;
    let href = |selector: &str| -> Option<String> {
        document
            .query_selector(selector)
            .ok()
            .flatten()
            .and_then(|e| e.dyn_into::<web_sys::HtmlLinkElement>().ok())
            .map(|link| link.href())
    };
    let page = href("link[rel=modulepreload][href*='mapsim-web']")?;
    let dir = &page[..page.rfind('/')? + 1];
    Some((
        format!("{dir}sweep-worker.js"),
        format!("{dir}sweep-worker_bg.wasm"),
    ))
}

/// How many workers: the cores the browser offers (at least one, at most the cells).
pub fn cores() -> usize {
    web_sys::window()
        .map(|w| w.navigator().hardware_concurrency())
        .filter(|n| n.is_finite() && *n >= 1.0)
        .map_or(2, |n| n as usize)
}

/// The workers' script, as an object URL (revoked when the [`SweepWorkers`] go).
fn script_url() -> Result<String, String> {
    let (js, wasm) =
        module_urls().ok_or("sweeps run in the built page (its module was not found)")?;
    let source = js_sys::Array::of1(&JsValue::from_str(&script(&js, &wasm)));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type("text/javascript");
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&source, &options)
        .map_err(|_| "the worker's script could not be made")?;
    web_sys::Url::create_object_url_with_blob(&blob)
        .map_err(|_| "the worker's script could not be made".to_string())
}

fn module_worker(url: &str) -> Result<Worker, String> {
    let options = web_sys::WorkerOptions::new();
    options.set_type(web_sys::WorkerType::Module);
    Worker::new_with_options(url, &options).map_err(|e| format!("a worker could not start: {e:?}"))
}

/// The message that hands a worker its work and the item file's bytes.
fn message(key: &str, text: &str, file: Option<&[u8]>) -> js_sys::Object {
    let message = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&message, &key.into(), &JsValue::from_str(text));
    let bytes = file.map(js_sys::Uint8Array::from);
    let _ = js_sys::Reflect::set(
        &message,
        &"file".into(),
        &bytes.map_or(JsValue::UNDEFINED, JsValue::from),
    );
    message
}

/// Starts one worker on an A/B comparison (the request [`worker_compare`] reads); `on_done`
/// hears its document, or why there is none.
pub fn start_compare(
    request: &str,
    file: Option<&[u8]>,
    on_done: Callback<Result<String, String>>,
) -> Result<SweepWorkers, String> {
    let url = script_url()?;
    let mut out = SweepWorkers {
        workers: Vec::new(),
        _listeners: Vec::new(),
        url,
    };
    let worker = module_worker(&out.url)?;
    let listener = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
        let data = event.data();
        let get = |key: &str| js_sys::Reflect::get(&data, &key.into()).ok();
        match (
            get("compared").and_then(|v| v.as_string()),
            get("error").and_then(|v| v.as_string()),
        ) {
            (Some(document), _) => on_done.emit(Ok(document)),
            (None, Some(e)) => on_done.emit(Err(e)),
            (None, None) => {}
        }
    });
    worker.set_onmessage(Some(listener.as_ref().unchecked_ref()));
    worker
        .post_message(&message("compare", request, file))
        .map_err(|e| format!("a worker could not be given the comparison: {e:?}"))?;
    out.workers.push(worker);
    out._listeners.push(listener);
    Ok(out)
}

fn script(js: &str, wasm: &str) -> String {
    let js = serde_json::to_string(js).unwrap_or_default();
    let wasm = serde_json::to_string(wasm).unwrap_or_default();
    format!(
        "import init, * as m from {js};\n\
         self.onmessage = async (event) => {{\n\
           const d = event.data;\n\
           if (d.compare !== undefined) {{\n\
             try {{ await init({{ module_or_path: {wasm} }}); self.postMessage({{ compared: m.sweep_worker_compare(d.compare, d.file) }}); }}\n\
             catch (e) {{ self.postMessage({{ error: String(e) }}); }}\n\
             return;\n\
           }}\n\
           if (d.plan !== undefined) {{\n\
             try {{ await init({{ module_or_path: {wasm} }}); m.sweep_worker_init(d.plan, d.file); self.postMessage({{ ready: true }}); }}\n\
             catch (e) {{ self.postMessage({{ error: String(e) }}); }}\n\
             return;\n\
           }}\n\
           try {{ self.postMessage({{ i: d.i, cell: m.sweep_worker_cell(d.i) }}); }}\n\
           catch (e) {{ self.postMessage({{ i: d.i, error: String(e) }}); }}\n\
         }};\n"
    )
}

/// Starts `workers` workers on a plan of `cells` cells; `on_answer` hears every cell as it
/// comes, `on_error` a worker that could not start.
pub fn start(
    plan: &str,
    file: Option<&[u8]>,
    cells: usize,
    workers: usize,
    on_answer: Callback<CellAnswer>,
    on_error: Callback<String>,
) -> Result<SweepWorkers, String> {
    let url = script_url()?;
    let next = Rc::new(Cell::new(0usize));
    let mut out = SweepWorkers {
        workers: Vec::new(),
        _listeners: Vec::new(),
        url,
    };
    let message = message("plan", plan, file);
    for _ in 0..workers.clamp(1, cells.max(1)) {
        let worker = module_worker(&out.url)?;
        let handle = Rc::new(RefCell::new(None::<Worker>));
        *handle.borrow_mut() = Some(worker.clone());
        let next = next.clone();
        let on_answer = on_answer.clone();
        let on_error = on_error.clone();
        let listener = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
            let data = event.data();
            let get = |key: &str| js_sys::Reflect::get(&data, &key.into()).ok();
            let index = get("i").and_then(|v| v.as_f64()).map(|i| i as usize);
            let error = get("error").and_then(|v| v.as_string());
            match (index, error) {
                (Some(i), Some(e)) => on_answer.emit((i, Err(e))),
                (Some(i), None) => {
                    let cell = get("cell").and_then(|v| v.as_string()).unwrap_or_default();
                    on_answer.emit((i, Ok(cell)));
                }
                (None, Some(e)) => {
                    on_error.emit(e);
                    return;
                }
                (None, None) => {}
            }
            // Ready, or done with a cell: the next one not yet taken.
            let i = next.get();
            if i < cells {
                next.set(i + 1);
                let ask = js_sys::Object::new();
                let _ = js_sys::Reflect::set(&ask, &"i".into(), &JsValue::from_f64(i as f64));
                if let Some(worker) = handle.borrow().as_ref() {
                    let _ = worker.post_message(&ask);
                }
            }
        });
        worker.set_onmessage(Some(listener.as_ref().unchecked_ref()));
        worker
            .post_message(&message)
            .map_err(|e| format!("a worker could not be given the plan: {e:?}"))?;
        out.workers.push(worker);
        out._listeners.push(listener);
    }
    Ok(out)
}

/// The plan a worker was given, and its handle on the item file's bytes.
type WorkerPlan = (engine::sweep::Plan, Option<Rc<Vec<u8>>>);

thread_local! {
    static PLAN: RefCell<Option<WorkerPlan>> = const { RefCell::new(None) };
}

/// In a worker: read the plan (the engine's own checks again).
pub fn worker_init(plan: &str, file: Option<Vec<u8>>) -> Result<(), String> {
    let doc: serde_json::Value = serde_json::from_str(plan).map_err(|e| e.to_string())?;
    let plan = engine::sweep::Plan::from_document(&doc, file.map(std::sync::Arc::new))?;
    let local = plan.local_file();
    PLAN.with(|p| *p.borrow_mut() = Some((plan, local)));
    Ok(())
}

/// In a worker: run cell `index` of the plan, as JSON.
pub fn worker_cell(index: usize) -> Result<String, String> {
    PLAN.with(|p| {
        let guard = p.borrow();
        let (plan, file) = guard.as_ref().ok_or("the worker has no plan")?;
        let cells = plan.cells();
        let cell = cells.get(index).ok_or("no such cell")?;
        let result = plan.run_cell(cell, file.as_ref())?;
        serde_json::to_string(&result).map_err(|e| e.to_string())
    })
}

/// In a worker: an A/B comparison, `{"a": {"definition", "scenario"}, "b": {…}, "seeds": K,
/// "region"?}`: [`engine::compare`]'s document (one seed, or the statistics of K) with
/// `"timelines": {"a", "b"}` (each side's first run over time), answered drawn by
/// [`crate::compare_view::render`] in both languages.
pub fn worker_compare(request: &str, file: Option<Vec<u8>>) -> Result<String, String> {
    let doc: serde_json::Value = serde_json::from_str(request).map_err(|e| e.to_string())?;
    let file = file.map(Rc::new);
    let empty = serde_json::Value::Object(serde_json::Map::new());
    let region = doc.get("region").and_then(serde_json::Value::as_str);
    let side = |key: &str| {
        let d = doc.get(key).unwrap_or(&empty);
        let definition = d.get("definition").unwrap_or(&serde_json::Value::Null);
        let scenario = d.get("scenario").unwrap_or(&empty);
        let (model, scenario) = engine::sweep::read_documents(definition, scenario, file.as_ref())
            .map_err(|e| format!("{}: {e}", key.to_uppercase()))?;
        let mut cost = engine::cost::CostOptions::from_scenario(&scenario);
        if let Some(region) = region {
            cost.region = region.to_string();
        }
        Ok::<_, String>((model, scenario, cost))
    };
    let (ma, sa, ca) = side("a")?;
    let (mb, sb, cb) = side("b")?;
    let seeds = doc
        .get("seeds")
        .and_then(serde_json::Value::as_u64)
        .unwrap_or(1)
        .clamp(1, u64::from(engine::sweep::MAX_SEEDS)) as u32;
    let mut timelines = serde_json::Value::Null;
    let mut result = if seeds == 1 {
        let run = |model, scenario, side: &str| {
            let mut sim = engine::sim::Simulation::new(model, scenario, Default::default())
                .map_err(|e| format!("{side}: {e}"))?;
            sim.run();
            Ok::<_, String>(sim)
        };
        let (a, b) = (run(&ma, &sa, "A")?, run(&mb, &sb, "B")?);
        timelines = serde_json::json!({
            "a": engine::compare::timeline(&a, TIMELINE_POINTS),
            "b": engine::compare::timeline(&b, TIMELINE_POINTS),
        });
        engine::compare::one_seed(&a, &ca, &b, &cb)
    } else {
        let side = |model, scenario, cost| engine::compare::Side {
            model,
            scenario,
            cost,
        };
        engine::compare::many_seeds(side(&ma, &sa, &ca), side(&mb, &sb, &cb), seeds, |a, b| {
            timelines = serde_json::json!({
                "a": engine::compare::timeline(a, TIMELINE_POINTS),
                "b": engine::compare::timeline(b, TIMELINE_POINTS),
            });
        })?
    };
    if let serde_json::Value::Object(map) = &mut result {
        map.insert("timelines".into(), timelines);
    }
    serde_json::to_string(&crate::compare_view::render(&result)).map_err(|e| e.to_string())
}

/// Points of each side's timeline in a comparison.
const TIMELINE_POINTS: usize = 120;
