//! Keeping the work across reloads: the definition, scenario, picked machine and example in
//! the browser's local storage (written a moment after the last change, and when the page is
//! left), and the language beside it. Also where the page starts: the stored work, a share link
//! in the URL fragment, `?lang=`.
//!
//! Storage is a convenience, never a requirement: when the browser refuses (storage disabled,
//! quota exceeded) the page says so once, quietly, and goes on with the work in memory.
//!
//! The record formats are pure functions tested natively; the rest touches the browser and is
//! covered by the browser and end-to-end tests.

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use yew::prelude::*;

use crate::examples;
use crate::i18n::Lang;
use crate::share;
use crate::state::{Action, AppState, KeepNotice, Startup, Work};

/// Where the work is kept. The version is in the key, so a later format never misreads this one.
pub const WORK_KEY: &str = "mapsim.work.v1";
/// Where the language is kept (`en` or `ja`).
pub const LANG_KEY: &str = "mapsim.lang";
/// How long after the last change the work is written (typing does not write on every key).
pub const WRITE_DELAY_MS: u32 = 400;

/// The keys of the stored form of [`Work`].
const RECORD_KEYS: share::WorkKeys = ["definition", "scenario", "machine", "example"];

/// The text stored under [`WORK_KEY`].
pub fn encode_work(work: &Work) -> String {
    share::work_to_json(work, RECORD_KEYS)
}

/// The work stored under [`WORK_KEY`]; `None` for anything that is not a record of ours (an
/// old format, a value another page wrote, a damaged value).
pub fn decode_work(text: &str) -> Option<Work> {
    share::work_from_json(text, RECORD_KEYS)
}

/// `?lang=ja` (or `en`) in a URL's query string.
pub fn lang_in_query(search: &str) -> Option<Lang> {
    search
        .trim_start_matches('?')
        .split('&')
        .find_map(|pair| pair.strip_prefix("lang="))
        .and_then(Lang::from_code)
}

/// The language the page speaks for a browser language tag (`ja-JP` → Japanese).
pub fn lang_of_browser(tag: &str) -> Option<Lang> {
    let primary = tag.split(['-', '_']).next().unwrap_or("");
    Lang::from_code(&primary.to_ascii_lowercase())
}

fn local_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

fn read(key: &str) -> Option<String> {
    local_storage()?.get_item(key).ok().flatten()
}

/// Writes `value`; `false` when the browser refused (no storage, quota exceeded).
fn write(key: &str, value: &str) -> bool {
    local_storage().is_some_and(|storage| storage.set_item(key, value).is_ok())
}

/// The work kept in this browser, if any.
pub fn stored_work() -> Option<Work> {
    read(WORK_KEY).as_deref().and_then(decode_work)
}

/// The state the page opens in, from what the browser holds. A share link in the fragment is
/// read once and removed from the address bar, so that a reload opens the kept work (which
/// by then includes any change made after opening the link).
pub fn startup_state() -> AppState {
    let window = web_sys::window();
    let location = window.as_ref().map(web_sys::Window::location);
    let hash = location
        .as_ref()
        .and_then(|location| location.hash().ok())
        .unwrap_or_default();
    let search = location
        .as_ref()
        .and_then(|location| location.search().ok())
        .unwrap_or_default();
    let link = share::decode(&hash);
    if link.is_some() {
        remove_fragment();
    }
    let browser_lang = window
        .as_ref()
        .and_then(|window| window.navigator().language())
        .as_deref()
        .and_then(lang_of_browser);
    AppState::startup(Startup {
        stored: stored_work(),
        stored_lang: read(LANG_KEY).as_deref().and_then(Lang::from_code),
        url_lang: lang_in_query(&search),
        browser_lang,
        link,
    })
}

/// Removes the fragment from the address bar without reloading or adding a history entry.
fn remove_fragment() {
    let Some(window) = web_sys::window() else {
        return;
    };
    let Ok(href) = window.location().href() else {
        return;
    };
    let without = href.split('#').next().unwrap_or(&href).to_string();
    if let Ok(history) = window.history() {
        let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&without));
    }
}

/// Keeps the page's work and language in local storage and `<html lang>` in step with the
/// language. Call once, in the root component.
#[hook]
pub fn use_keep(state: &UseReducerHandle<AppState>) {
    // What storage holds now: nothing is written until the work differs from it, so opening
    // the page (or a broken share link) leaves the kept work untouched.
    let written = use_mut_ref(stored_work);
    let pending: Rc<RefCell<Option<gloo_timers::callback::Timeout>>> = use_mut_ref(|| None);
    let failed_once = use_mut_ref(|| false);

    // The language the page started in: only a switch by the user is remembered, not the
    // language a `?lang=` link asked for, nor the browser's.
    let started_lang = use_mut_ref(|| state.lang);
    let lang = state.lang;
    use_effect_with(lang, move |lang| {
        if let Some(root) = web_sys::window()
            .and_then(|window| window.document())
            .and_then(|document| document.document_element())
        {
            let _ = root.set_attribute("lang", lang.code());
        }
        if let Some(document) = web_sys::window().and_then(|window| window.document()) {
            document.set_title(lang.t(
                "mapsim — Distributed Map failure simulator",
                "mapsim — 分散マップ失敗シミュレーター",
            ));
        }
        if *started_lang.borrow() != *lang {
            *started_lang.borrow_mut() = *lang;
            // Written at once: a click, not typing.
            let _ = write(LANG_KEY, lang.code());
        }
    });

    let save = {
        let written = written.clone();
        let failed_once = failed_once.clone();
        let dispatcher = state.dispatcher();
        Rc::new(move |work: &Work| {
            if written.borrow().as_ref() == Some(work) {
                return;
            }
            if write(WORK_KEY, &encode_work(work)) {
                *written.borrow_mut() = Some(work.clone());
            } else if !*failed_once.borrow() {
                *failed_once.borrow_mut() = true;
                dispatcher.dispatch(Action::KeepNotice(Some(KeepNotice::StorageFailed)));
            }
        })
    };

    // The latest work, for the write when the page is left.
    let latest = use_mut_ref(|| None::<Work>);
    {
        let save = save.clone();
        let latest = latest.clone();
        let pending = pending.clone();
        use_effect_with((), move |_| {
            let on_hide = Closure::<dyn Fn()>::new(move || {
                pending.borrow_mut().take();
                if let Some(work) = latest.borrow().as_ref() {
                    save(work);
                }
            });
            let window = web_sys::window();
            if let Some(window) = &window {
                let _ = window
                    .add_event_listener_with_callback("pagehide", on_hide.as_ref().unchecked_ref());
            }
            move || {
                if let Some(window) = &window {
                    let _ = window.remove_event_listener_with_callback(
                        "pagehide",
                        on_hide.as_ref().unchecked_ref(),
                    );
                }
            }
        });
    }

    let key = (
        state.text.clone(),
        state.scenario_text.clone(),
        state.machine.clone(),
        state.example.id,
    );
    let work = state.work();
    use_effect_with(key, move |_| {
        let untouched_default = written.borrow().is_none()
            && work.definition == examples::default_example().definition
            && work.scenario == examples::default_example().scenario;
        if written.borrow().as_ref() != Some(&work) && !untouched_default {
            *latest.borrow_mut() = Some(work.clone());
            let timeout = gloo_timers::callback::Timeout::new(WRITE_DELAY_MS, move || {
                save(&work);
            });
            // Replacing the pending write cancels it: only the last change is written.
            *pending.borrow_mut() = Some(timeout);
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_keys_are_versioned_and_distinct() {
        assert_eq!(WORK_KEY, "mapsim.work.v1");
        assert_eq!(LANG_KEY, "mapsim.lang");
        assert_ne!(WORK_KEY, LANG_KEY);
    }

    #[test]
    fn work_round_trips_through_its_record() {
        let cases = [
            Work {
                definition: "{\"StartAt\": \"名前\"}\r\n".into(),
                scenario: String::new(),
                machine: Some("Machine1".into()),
                example: Some("order-processing".into()),
            },
            Work {
                definition: String::new(),
                scenario: "{}".into(),
                machine: None,
                example: None,
            },
        ];
        for work in cases {
            assert_eq!(decode_work(&encode_work(&work)), Some(work));
        }
    }

    #[test]
    fn anything_else_in_the_key_is_ignored() {
        for text in [
            "",
            "null",
            "42",
            "{}",
            "{\"definition\": 1, \"scenario\": \"\"}",
            "{\"definition\": \"x\"",
        ] {
            assert_eq!(decode_work(text), None, "{text:?}");
        }
        // Fields added by a later version do not make the record unreadable.
        assert!(decode_work("{\"definition\": \"a\", \"scenario\": \"b\", \"zoom\": 2}").is_some());
    }

    #[test]
    fn languages_come_from_the_query_and_the_browser_tag() {
        let queries = [
            ("?lang=ja", Some(Lang::Ja)),
            ("?x=1&lang=en", Some(Lang::En)),
            ("lang=ja", Some(Lang::Ja)),
            ("?lang=fr", None),
            ("?language=ja", None),
            ("", None),
        ];
        for (search, expected) in queries {
            assert_eq!(lang_in_query(search), expected, "{search:?}");
        }
        let tags = [
            ("ja", Some(Lang::Ja)),
            ("ja-JP", Some(Lang::Ja)),
            ("JA_jp", Some(Lang::Ja)),
            ("en-GB", Some(Lang::En)),
            ("de-DE", None),
            ("", None),
        ];
        for (tag, expected) in tags {
            assert_eq!(lang_of_browser(tag), expected, "{tag:?}");
        }
    }
}
