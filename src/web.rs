//! The browser entry point: mounts [`App`](crate::app::App) into the page's `<main id="app">`.

use wasm_bindgen::JsCast;

use crate::app::App;

/// Renders the app into `#app` (or into `<body>` when the page has no such element).
pub fn start() {
    let root = web_sys::window()
        .and_then(|window| window.document())
        .and_then(|document| document.get_element_by_id("app"))
        .and_then(|element| element.dyn_into::<web_sys::Element>().ok());
    match root {
        Some(root) => {
            yew::Renderer::<App>::with_root(root).render();
        }
        None => {
            yew::Renderer::<App>::new().render();
        }
    }
}
