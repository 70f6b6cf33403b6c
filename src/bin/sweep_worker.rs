//! A sweep's Web Worker (`sweep-worker`): the engine and the sweep's plan, without the page.
//! Trunk builds it as its own module (index.html, `data-type="worker"`), which the page fetches
//! only when a sweep starts; `mapsim::sweep_workers` starts the workers and says what they do.

fn main() {
    #[cfg(not(target_arch = "wasm32"))]
    eprintln!("sweep-worker runs in the page's Web Workers; natively, use `mapsim sweep`.");
}

/// A sweep's worker reads its plan (see `mapsim::sweep_workers`).
#[cfg(target_arch = "wasm32")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn sweep_worker_init(plan: &str, file: Option<Vec<u8>>) -> Result<(), wasm_bindgen::JsValue> {
    mapsim::sweep_workers::worker_init(plan, file).map_err(|e| wasm_bindgen::JsValue::from_str(&e))
}

/// A sweep's worker runs one cell and answers with its JSON.
#[cfg(target_arch = "wasm32")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn sweep_worker_cell(index: u32) -> Result<String, wasm_bindgen::JsValue> {
    mapsim::sweep_workers::worker_cell(index as usize)
        .map_err(|e| wasm_bindgen::JsValue::from_str(&e))
}

/// An A/B comparison's worker compares (see `mapsim::sweep_workers::worker_compare`).
#[cfg(target_arch = "wasm32")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn sweep_worker_compare(
    request: &str,
    file: Option<Vec<u8>>,
) -> Result<String, wasm_bindgen::JsValue> {
    mapsim::sweep_workers::worker_compare(request, file)
        .map_err(|e| wasm_bindgen::JsValue::from_str(&e))
}
