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

fn script(js: &str, wasm: &str) -> String {
    let js = serde_json::to_string(js).unwrap_or_default();
    let wasm = serde_json::to_string(wasm).unwrap_or_default();
    format!(
        "import init, * as m from {js};\n\
         self.onmessage = async (event) => {{\n\
           const d = event.data;\n\
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
    let (js, wasm) =
        module_urls().ok_or("sweeps run in the built page (its module was not found)")?;
    let source = js_sys::Array::of1(&JsValue::from_str(&script(&js, &wasm)));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type("text/javascript");
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&source, &options)
        .map_err(|_| "the worker's script could not be made")?;
    let url = web_sys::Url::create_object_url_with_blob(&blob)
        .map_err(|_| "the worker's script could not be made")?;
    let next = Rc::new(Cell::new(0usize));
    let mut out = SweepWorkers {
        workers: Vec::new(),
        _listeners: Vec::new(),
        url,
    };
    let message = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&message, &"plan".into(), &JsValue::from_str(plan));
    let bytes = file.map(js_sys::Uint8Array::from);
    let _ = js_sys::Reflect::set(
        &message,
        &"file".into(),
        &bytes.map_or(JsValue::UNDEFINED, JsValue::from),
    );
    for _ in 0..workers.clamp(1, cells.max(1)) {
        let options = web_sys::WorkerOptions::new();
        options.set_type(web_sys::WorkerType::Module);
        let worker = Worker::new_with_options(&out.url, &options)
            .map_err(|e| format!("a worker could not start: {e:?}"))?;
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
