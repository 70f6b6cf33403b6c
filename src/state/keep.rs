//! The keep, share and language actions of the reducer: the work that survives a reload and
//! travels in a share link, the state the page starts in (from storage, a link, `?lang=`),
//! one-click example fixes, and the page's language.
//!
//! Everything here is pure (no browser): [`crate::storage`] and [`crate::share`] read and write
//! the browser and call these with what they found, so every decision is tested natively.

use std::rc::Rc;

use crate::document_edit::EditFailure;
use crate::examples::{self, Example};
use crate::i18n::Lang;
use crate::share::LinkError;

use super::{load_options, AppState, Document, Notice};

/// What the page keeps of the user's work: enough to rebuild exactly the same run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Work {
    /// The definition text, as typed (JSON, YAML or a template).
    pub definition: String,
    /// The scenario document, as typed.
    pub scenario: String,
    /// The state machine picked in a template that holds several.
    pub machine: Option<String>,
    /// The built-in example the work started from (its story and fix stay available).
    pub example: Option<String>,
}

/// Something the page tells about keeping or sharing the work. Kept as data, shown in the
/// page's current language.
#[derive(Debug, Clone, PartialEq)]
pub enum KeepNotice {
    /// The browser refused to store the work (storage full or disabled): it stays on this page
    /// only.
    StorageFailed,
    /// A share link could not be opened; the page shows the work it had before, untouched.
    LinkRejected(LinkError),
    /// A share link was opened; `previous` is the work it replaced, to go back to.
    LinkOpened { previous: Option<Rc<Work>> },
}

/// What the browser holds when the page starts, as [`crate::storage`] and [`crate::share`]
/// found it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Startup {
    /// The work kept in local storage.
    pub stored: Option<Work>,
    /// The language kept in local storage.
    pub stored_lang: Option<Lang>,
    /// `?lang=` in the page's URL (for trainers' links).
    pub url_lang: Option<Lang>,
    /// The browser's preferred language, when it is one the page speaks.
    pub browser_lang: Option<Lang>,
    /// The share link in the URL fragment, if the fragment is one.
    pub link: Option<Result<Work, LinkError>>,
}

impl AppState {
    /// The work on the page now.
    pub fn work(&self) -> Work {
        Work {
            definition: self.text.to_string(),
            scenario: self.scenario_text.to_string(),
            machine: self.machine.clone(),
            example: Some(self.example.id.to_string()),
        }
    }

    /// The page showing `work`: its example when it names a known one (the default example
    /// otherwise), marked edited when the texts differ from that example's.
    pub fn from_work(work: &Work) -> AppState {
        let example: &'static Example = work
            .example
            .as_deref()
            .and_then(examples::example)
            .unwrap_or_else(examples::default_example);
        let mut state = AppState::with_example(example);
        state.machine = work.machine.clone();
        let mut state = state
            .with_scenario_text(work.scenario.clone(), None)
            .with_text(work.definition.clone(), None);
        state.edited = work.definition != example.definition || work.scenario != example.scenario;
        state
    }

    /// The state the page starts in. A share link wins over the stored work; a link that cannot
    /// be opened leaves the stored work on the page and says why. `?lang=` wins over the stored
    /// language, which wins over the browser's.
    pub fn startup(startup: Startup) -> AppState {
        let (mut state, notice) = match startup.link {
            Some(Ok(shared)) => (
                AppState::from_work(&shared),
                Some(KeepNotice::LinkOpened {
                    previous: startup.stored.map(Rc::new),
                }),
            ),
            Some(Err(error)) => (
                startup
                    .stored
                    .as_ref()
                    .map_or_else(AppState::initial, AppState::from_work),
                Some(KeepNotice::LinkRejected(error)),
            ),
            None => (
                startup
                    .stored
                    .as_ref()
                    .map_or_else(AppState::initial, AppState::from_work),
                None,
            ),
        };
        state.lang = startup
            .url_lang
            .or(startup.stored_lang)
            .or(startup.browser_lang)
            .unwrap_or_default();
        state.keep_notice = notice;
        state
    }
}

/// Opens `work` in place of the page's (going back to the work a share link replaced).
pub(super) fn restore(state: Rc<AppState>, work: &Work) -> Rc<AppState> {
    let mut next = AppState::from_work(work);
    next.lang = state.lang;
    Rc::new(next)
}

pub(super) fn set_lang(state: Rc<AppState>, lang: Lang) -> Rc<AppState> {
    if state.lang == lang {
        return state;
    }
    let mut next = (*state).clone();
    next.lang = lang;
    Rc::new(next)
}

pub(super) fn notify(state: Rc<AppState>, notice: Option<KeepNotice>) -> Rc<AppState> {
    if state.keep_notice == notice {
        return state;
    }
    let mut next = (*state).clone();
    next.keep_notice = notice;
    Rc::new(next)
}

/// Writes the current example's fix into the texts on the page (in place, as a form would).
pub(super) fn apply_fix(state: Rc<AppState>) -> Rc<AppState> {
    let fix = &state.example.story.fix;
    let options = load_options(state.machine.as_deref());
    match fix.apply(&state.text, &state.scenario_text, &options) {
        Ok(texts) => {
            let mut next = (*state).clone();
            if let Some(scenario) = texts.scenario {
                let notice = scenario.rewritten.map(|reason| Notice::Rewritten {
                    document: Document::Scenario,
                    reason,
                });
                next = next.with_scenario_text(scenario.text, notice);
            }
            if let Some(definition) = texts.definition {
                let notice = definition.rewritten.map(|reason| Notice::Rewritten {
                    document: Document::Definition,
                    reason,
                });
                next = next.with_text(definition.text, notice);
            }
            Rc::new(next)
        }
        Err((document, failure)) => {
            let mut next = (*state).clone();
            next.notice = Some(match failure {
                EditFailure::Unreadable => Notice::Unreadable { document },
                EditFailure::Refused(reason) => Notice::EditRefused { document, reason },
            });
            Rc::new(next)
        }
    }
}

#[cfg(test)]
mod tests {
    use yew::Reducible;

    use super::*;
    use crate::examples::{FixStatus, EXAMPLES};
    use crate::state::Action;

    fn reduce(state: AppState, action: Action) -> AppState {
        (*Rc::new(state).reduce(action)).clone()
    }

    fn edited_work() -> Work {
        Work {
            definition: "{\"StartAt\": \"A\", \"States\": {\"A\": {\"Type\": \"Succeed\"}}}".into(),
            scenario: "{\"seed\": 3}".into(),
            machine: None,
            example: Some("basic-retries".into()),
        }
    }

    #[test]
    fn work_round_trips_through_the_state() {
        let work = edited_work();
        let state = AppState::from_work(&work);
        assert_eq!(state.work(), work);
        assert!(state.edited);
        assert_eq!(state.example.id, "basic-retries");
        assert_eq!(state.analysis.n_errors(), 0);

        // An example's own texts are not "edited"; an unknown example id falls back.
        let example = &EXAMPLES[2];
        let pristine = AppState::from_work(&Work {
            definition: example.definition.into(),
            scenario: example.scenario.into(),
            machine: None,
            example: Some(example.id.into()),
        });
        assert!(!pristine.edited);
        assert_eq!(pristine, AppState::with_example(example));
        let unknown = AppState::from_work(&Work {
            example: Some("gone".into()),
            ..edited_work()
        });
        assert_eq!(unknown.example, examples::default_example());
    }

    #[test]
    fn startup_prefers_a_link_then_the_stored_work_then_the_default_example() {
        let stored = edited_work();
        let shared = Work {
            scenario: "{\"seed\": 99}".into(),
            ..edited_work()
        };
        let cases = [
            // (stored, link, expected work, expected notice)
            (None, None, AppState::initial().work(), None),
            (Some(stored.clone()), None, stored.clone(), None),
            (
                Some(stored.clone()),
                Some(Ok(shared.clone())),
                shared.clone(),
                Some(KeepNotice::LinkOpened {
                    previous: Some(Rc::new(stored.clone())),
                }),
            ),
            (
                Some(stored.clone()),
                Some(Err(LinkError::Damaged)),
                stored.clone(),
                Some(KeepNotice::LinkRejected(LinkError::Damaged)),
            ),
            (
                None,
                Some(Err(LinkError::Empty)),
                AppState::initial().work(),
                Some(KeepNotice::LinkRejected(LinkError::Empty)),
            ),
        ];
        for (stored, link, work, notice) in cases {
            let state = AppState::startup(Startup {
                stored,
                link,
                ..Startup::default()
            });
            assert_eq!(state.work(), work);
            assert_eq!(state.keep_notice, notice);
        }
    }

    #[test]
    fn startup_language_comes_from_the_url_then_storage_then_the_browser() {
        let cases = [
            (None, None, None, Lang::En),
            (None, None, Some(Lang::Ja), Lang::Ja),
            (None, Some(Lang::En), Some(Lang::Ja), Lang::En),
            (Some(Lang::Ja), Some(Lang::En), Some(Lang::En), Lang::Ja),
        ];
        for (url_lang, stored_lang, browser_lang, expected) in cases {
            let state = AppState::startup(Startup {
                url_lang,
                stored_lang,
                browser_lang,
                ..Startup::default()
            });
            assert_eq!(state.lang, expected);
        }
    }

    #[test]
    fn the_language_survives_opening_an_example_and_restoring_work() {
        let state = reduce(AppState::initial(), Action::SetLang(Lang::Ja));
        assert_eq!(state.lang, Lang::Ja);
        let state = reduce(state, Action::OpenExample("csv-to-dynamodb".into()));
        assert_eq!(state.lang, Lang::Ja);
        let state = reduce(state, Action::Restore(Rc::new(edited_work())));
        assert_eq!(state.lang, Lang::Ja);
        assert_eq!(state.work(), edited_work());
    }

    #[test]
    fn applying_the_fix_edits_the_texts_and_marks_the_fix_applied() {
        for example in EXAMPLES {
            let state = reduce(
                AppState::with_example(example),
                Action::OpenExample(example.id.into()),
            );
            let fixed = reduce(state, Action::ApplyFix);
            assert!(fixed.edited);
            assert_eq!(fixed.notice, None, "{}", example.id);
            assert_eq!(fixed.analysis.n_errors(), 0, "{}", example.id);
            assert!(fixed.run_input().is_some(), "{}", example.id);
            assert_eq!(
                example
                    .story
                    .fix
                    .status(fixed.analysis.definition.as_deref(), &fixed.scenario_text),
                FixStatus::Applied
            );
        }
    }

    #[test]
    fn a_fix_that_cannot_be_written_says_so_and_keeps_the_texts() {
        let broken = reduce(AppState::initial(), Action::Edit("{ not json".into()));
        let after = reduce(broken.clone(), Action::ApplyFix);
        assert_eq!(after.text, broken.text);
        assert_eq!(
            after.notice,
            Some(Notice::Unreadable {
                document: Document::Definition
            })
        );
    }

    #[test]
    fn notices_are_set_and_cleared() {
        let state = reduce(
            AppState::initial(),
            Action::KeepNotice(Some(KeepNotice::StorageFailed)),
        );
        assert_eq!(state.keep_notice, Some(KeepNotice::StorageFailed));
        let state = reduce(state, Action::KeepNotice(None));
        assert_eq!(state.keep_notice, None);
    }
}
