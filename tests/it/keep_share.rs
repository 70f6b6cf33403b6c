//! Keeping, sharing, the examples and the languages, wired in the page: the switch changes the
//! text and `<html lang>` and is kept; an edit is written to local storage after the write
//! delay; the gallery opens an example whose fix applies with one click; a share link in the
//! address bar opens its work (or says why not) and leaves the bar; the Share button's link
//! decodes to the work on the page.

use mapsim::app::App;
use mapsim::examples::{self, EXAMPLES};
use mapsim::share::{self, LinkError};
use mapsim::state::{AppState, KeepNotice, Work};
use mapsim::storage::{self, LANG_KEY, WORK_KEY, WRITE_DELAY_MS};
use wasm_bindgen::JsValue;
use wasm_bindgen_test::wasm_bindgen_test;
use web_sys::HtmlInputElement;

use crate::support::{click, mount, type_text};

fn local_storage() -> web_sys::Storage {
    let storage = web_sys::window().and_then(|window| window.local_storage().ok().flatten());
    storage.unwrap_or_else(|| panic!("the test page has local storage"))
}

fn html_lang() -> String {
    web_sys::window()
        .and_then(|window| window.document())
        .and_then(|document| document.document_element())
        .and_then(|root| root.get_attribute("lang"))
        .unwrap_or_default()
}

/// Puts `fragment` (or none) into the address bar without loading anything.
fn set_fragment(fragment: &str) {
    let Some(window) = web_sys::window() else {
        panic!("no window");
    };
    let href = window.location().href().unwrap_or_default();
    let base = href.split('#').next().unwrap_or(&href).to_string();
    let url = if fragment.is_empty() {
        base
    } else {
        format!("{base}#{fragment}")
    };
    let history = window.history().unwrap_or_else(|_| panic!("no history"));
    history
        .replace_state_with_url(&JsValue::NULL, "", Some(&url))
        .unwrap_or_else(|_| panic!("cannot set the fragment"));
}

fn fragment() -> String {
    web_sys::window()
        .and_then(|window| window.location().hash().ok())
        .unwrap_or_default()
}

#[wasm_bindgen_test]
async fn the_language_switch_changes_the_text_and_html_lang_and_is_kept() {
    let app = mount::<App>(()).await;
    assert_eq!(html_lang(), "en");
    assert!(app
        .one("[data-testid=examples-button]")
        .text_content()
        .unwrap_or_default()
        .contains("Examples"));

    click(&app.one("[data-testid=lang-ja]"));
    yew::scheduler::flush().await;
    assert_eq!(html_lang(), "ja");
    let button = app
        .one("[data-testid=examples-button]")
        .text_content()
        .unwrap_or_default();
    assert!(button.contains("例題"), "{button}");
    assert_eq!(
        app.one("[data-testid=lang-ja]")
            .get_attribute("aria-pressed")
            .as_deref(),
        Some("true")
    );
    assert_eq!(
        local_storage().get_item(LANG_KEY).ok().flatten().as_deref(),
        Some("ja")
    );

    click(&app.one("[data-testid=lang-en]"));
    yew::scheduler::flush().await;
    assert_eq!(html_lang(), "en");
    let _ = local_storage().clear();
}

#[wasm_bindgen_test]
async fn an_edit_is_kept_after_the_write_delay_and_not_before() {
    let app = mount::<App>(()).await;
    let edited = examples::default_example().definition.replace(
        "\"ToleratedFailureCount\": 10",
        "\"ToleratedFailureCount\": 11",
    );
    type_text(&app.textarea("[data-testid=asl-editor]"), &edited);
    yew::scheduler::flush().await;
    assert_eq!(
        storage::stored_work(),
        None,
        "written at once, not after the delay"
    );

    gloo_timers::future::TimeoutFuture::new(WRITE_DELAY_MS + 300).await;
    let Some(kept) = storage::stored_work() else {
        panic!("nothing kept under {WORK_KEY}");
    };
    assert_eq!(kept.definition, edited);
    assert_eq!(
        kept.example.as_deref(),
        Some(examples::default_example().id)
    );
    drop(app);
    let _ = local_storage().clear();
}

#[wasm_bindgen_test]
async fn the_gallery_opens_an_example_and_its_fix_applies_with_one_click() {
    let app = mount::<App>(()).await;
    click(&app.one("[data-testid=examples-button]"));
    yew::scheduler::flush().await;
    assert_eq!(
        app.count("[data-testid=examples-gallery] .gallery-card") as usize,
        EXAMPLES.len()
    );
    let basic = examples::example("basic-retries").unwrap_or_else(|| panic!("basic-retries"));
    click(&app.one("[data-testid=gallery-open-basic-retries]"));
    yew::scheduler::flush().await;
    assert_eq!(app.count("[data-testid=examples-gallery]"), 0);
    assert_eq!(
        app.textarea("[data-testid=asl-editor]").value(),
        basic.definition
    );
    assert_eq!(
        app.one("[data-testid=story]")
            .get_attribute("data-fix")
            .as_deref(),
        Some("available")
    );

    click(&app.one("[data-testid=apply-fix]"));
    yew::scheduler::flush().await;
    let text = app.textarea("[data-testid=asl-editor]").value();
    assert!(text.contains("\"MaxAttempts\": 6"), "{text}");
    assert_eq!(
        app.one("[data-testid=story]")
            .get_attribute("data-fix")
            .as_deref(),
        Some("applied")
    );

    click(&app.one("[data-testid=reopen-example]"));
    yew::scheduler::flush().await;
    assert_eq!(
        app.textarea("[data-testid=asl-editor]").value(),
        basic.definition
    );
    drop(app);
    let _ = local_storage().clear();
}

#[wasm_bindgen_test]
async fn a_share_link_in_the_address_bar_opens_its_work_and_leaves_the_bar() {
    let _ = local_storage().clear();
    let work = Work {
        definition: EXAMPLES[3].definition.into(),
        scenario: EXAMPLES[3]
            .scenario
            .replace("\"seed\": 2024", "\"seed\": 5"),
        machine: None,
        example: Some(EXAMPLES[3].id.into()),
    };
    let Ok(link) = share::encode(&work) else {
        panic!("no link");
    };
    set_fragment(&link);
    let state = storage::startup_state();
    assert_eq!(state.work(), work);
    assert_eq!(
        state.keep_notice,
        Some(KeepNotice::LinkOpened { previous: None })
    );
    assert_eq!(fragment(), "", "the link left the address bar");

    // A broken link: the kept work is opened and left as it was.
    let kept = AppState::initial().work();
    let _ = local_storage().set_item(WORK_KEY, &storage::encode_work(&kept));
    set_fragment("v1=ab!cd");
    let state = storage::startup_state();
    assert_eq!(state.work(), kept);
    assert_eq!(
        state.keep_notice,
        Some(KeepNotice::LinkRejected(LinkError::BadCharacter {
            position: 3,
            character: '!'
        }))
    );
    assert_eq!(storage::stored_work(), Some(kept));
    assert_eq!(fragment(), "");
    // An ordinary anchor is not a link and stays.
    set_fragment("help");
    assert_eq!(storage::startup_state().keep_notice, None);
    assert_eq!(fragment(), "#help");
    set_fragment("");
    let _ = local_storage().clear();
}

#[wasm_bindgen_test]
async fn the_share_button_shows_a_link_that_opens_the_work_on_the_page() {
    let app = mount::<App>(()).await;
    click(&app.one("[data-testid=share-button]"));
    yew::scheduler::flush().await;
    let Ok(input) =
        wasm_bindgen::JsCast::dyn_into::<HtmlInputElement>(app.one("[data-testid=share-link]"))
    else {
        panic!("the link is an input");
    };
    let link = input.value();
    let Some((_, fragment)) = link.split_once('#') else {
        panic!("no fragment in {link}");
    };
    assert_eq!(
        share::decode(fragment),
        Some(Ok(AppState::initial().work()))
    );
}
