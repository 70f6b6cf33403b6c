//! Mounting components into the test page and poking them like a user would.

use std::rc::Rc;
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlTextAreaElement, InputEvent, InputEventInit};

use yew::{component, html, AppHandle, BaseComponent, Html, Properties};

/// A component mounted into its own `<div>` in the test page; removed when dropped.
pub struct Mounted<C: BaseComponent> {
    pub root: Element,
    handle: Option<AppHandle<C>>,
}

impl<C: BaseComponent> Drop for Mounted<C> {
    fn drop(&mut self) {
        if let Some(handle) = self.handle.take() {
            handle.destroy();
        }
        self.root.remove();
    }
}

impl<C: BaseComponent> Mounted<C> {
    pub fn one(&self, selector: &str) -> Element {
        let found = self.root.query_selector(selector).ok().flatten();
        let Some(element) = found else {
            panic!(
                "no element matches {selector:?} in:\n{}",
                self.root.inner_html()
            );
        };
        element
    }

    pub fn count(&self, selector: &str) -> u32 {
        self.root
            .query_selector_all(selector)
            .map(|list| list.length())
            .unwrap_or(0)
    }

    pub fn all(&self, selector: &str) -> Vec<Element> {
        let Ok(list) = self.root.query_selector_all(selector) else {
            return Vec::new();
        };
        (0..list.length())
            .filter_map(|index| list.item(index))
            .filter_map(|node| node.dyn_into::<Element>().ok())
            .collect()
    }

    pub fn textarea(&self, selector: &str) -> HtmlTextAreaElement {
        let element = self.one(selector);
        let Ok(textarea) = element.dyn_into::<HtmlTextAreaElement>() else {
            panic!("{selector:?} is not a textarea");
        };
        textarea
    }
}

/// Renders `C` with `props` into a fresh element and waits until Yew has finished rendering.
pub async fn mount<C: BaseComponent>(props: C::Properties) -> Mounted<C> {
    // Every test starts from an empty local storage: the app opens on the work kept there.
    if let Some(storage) =
        web_sys::window().and_then(|window| window.local_storage().ok().flatten())
    {
        let _ = storage.clear();
    }
    let document = web_sys::window()
        .and_then(|window| window.document())
        .unwrap_or_else(|| panic!("the test page has a document"));
    let root = document
        .create_element("div")
        .unwrap_or_else(|_| panic!("can create a div"));
    document
        .body()
        .unwrap_or_else(|| panic!("the test page has a body"))
        .append_child(&root)
        .unwrap_or_else(|_| panic!("can append to the body"));
    let handle = yew::Renderer::<C>::with_root_and_props(root.clone(), props).render();
    yew::scheduler::flush().await;
    Mounted {
        root,
        handle: Some(handle),
    }
}

#[derive(Properties)]
pub struct ViewProps {
    pub render: Rc<dyn Fn() -> Html>,
}

impl PartialEq for ViewProps {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.render, &other.render)
    }
}

/// A component that draws what `render` returns: for the parts of the page that are functions
/// of their data rather than components.
#[component]
pub fn View(props: &ViewProps) -> Html {
    html! { <>{ (props.render)() }</> }
}

/// Renders what `render` returns into a fresh element, like [`mount`].
pub async fn mount_view(render: impl Fn() -> Html + 'static) -> Mounted<View> {
    mount::<View>(ViewProps {
        render: Rc::new(render),
    })
    .await
}

/// Replaces the textarea's text and fires the `input` event a user's typing would fire.
pub fn type_text(textarea: &HtmlTextAreaElement, text: &str) {
    textarea.set_value(text);
    let init = InputEventInit::new();
    init.set_bubbles(true);
    let event = InputEvent::new_with_event_init_dict("input", &init)
        .unwrap_or_else(|_| panic!("can create an input event"));
    textarea
        .dispatch_event(&event)
        .unwrap_or_else(|_| panic!("can dispatch the input event"));
}

/// Clicks an element (bubbling, as a real click does, so Yew's delegated listener sees it).
pub fn click(element: &Element) {
    let Ok(element) = element.clone().dyn_into::<web_sys::HtmlElement>() else {
        panic!("not an HTML element");
    };
    element.click();
}

/// The 1-based line of the textarea's caret.
pub fn caret_line(textarea: &HtmlTextAreaElement) -> usize {
    let caret = textarea.selection_start().ok().flatten().unwrap_or(0) as usize;
    let utf16: Vec<u16> = textarea.value().encode_utf16().take(caret).collect();
    String::from_utf16_lossy(&utf16).split('\n').count()
}
