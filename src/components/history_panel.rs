//! An execution history as `GetExecutionHistory` lists it — the parent's, or the selected
//! child's — with AWS event names and timestamps, and the details of the event picked. Only the
//! rows in view are rendered, so a history of 25,000 events scrolls as fast as one of ten.

use std::rc::Rc;

use engine::history::{self, HistoryEvent};
use engine::report::ChildStatus;
use web_sys::HtmlElement;
use yew::prelude::*;

use crate::i18n::{count, Lang};
use crate::run_status::clock;
use crate::sim_frame::SimFrame;

/// The height of one row, in CSS pixels (fixed, so the rows in view follow from the scroll
/// position alone; `history_panel.css` uses the same value).
pub const ROW_HEIGHT: f64 = 30.0;
/// Rows rendered beyond the visible ones, above and below.
const OVERSCAN: usize = 8;
/// The list's height when it has not been measured yet.
const DEFAULT_VIEWPORT: f64 = 330.0;

/// Whose history to show.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HistorySource {
    Parent,
    Child { run: usize, child: u32 },
}

#[derive(Properties, PartialEq)]
pub struct HistoryPanelProps {
    /// The page's language (English when not given, e.g. in a component test).
    #[prop_or_default]
    pub lang: Lang,
    pub frame: SimFrame,
    pub source: HistorySource,
}

/// A rebuilt child history and what it was rebuilt for.
struct Cached {
    key: (u64, usize, u32, ChildStatus),
    events: Result<Rc<Vec<HistoryEvent>>, String>,
}

/// The rows to render for a scroll position: `first..end`.
pub fn visible_rows(n_rows: usize, scroll_top: f64, viewport: f64) -> (usize, usize) {
    let first = ((scroll_top / ROW_HEIGHT).floor().max(0.0) as usize).min(n_rows);
    let shown = (viewport / ROW_HEIGHT).ceil().max(1.0) as usize;
    (
        first.saturating_sub(OVERSCAN),
        (first + shown + OVERSCAN).min(n_rows),
    )
}

#[component]
pub fn HistoryPanel(props: &HistoryPanelProps) -> Html {
    let lang = props.lang;
    let scroll = use_state(|| (0.0_f64, DEFAULT_VIEWPORT));
    let picked = use_state(|| None::<u32>);
    let cache = use_mut_ref(|| None::<Cached>);
    let parent_cache = use_mut_ref(|| None::<(u64, Vec<HistoryEvent>)>);
    let list_ref = use_node_ref();

    // A different history starts at its top, with nothing picked.
    {
        let scroll = scroll.clone();
        let picked = picked.clone();
        let list_ref = list_ref.clone();
        use_effect_with(props.source, move |_| {
            if let Some(list) = list_ref.cast::<HtmlElement>() {
                list.set_scroll_top(0);
            }
            scroll.set((0.0, scroll.1));
            picked.set(None);
        });
    }

    let Some(sim) = props.frame.read() else {
        return html! {};
    };
    let start_epoch_ms = sim.scenario().start_epoch_ms;
    let child_events;
    let parent_events;
    let (events, problem): (&[HistoryEvent], Option<String>) = match props.source {
        HistorySource::Parent => {
            // The engine renders its records as events when asked. The parent's history only
            // grows while a run lasts, so the events rendered are kept, and only the new ones
            // are asked for as it grows (a new run starts again).
            let len = sim.parent_history_len();
            {
                let mut cache = parent_cache.borrow_mut();
                match cache.as_mut() {
                    Some((generation, events))
                        if *generation == props.frame.generation && events.len() <= len =>
                    {
                        if events.len() < len {
                            events.extend(sim.parent_history_since(events.len()));
                        }
                    }
                    _ => *cache = Some((props.frame.generation, sim.parent_history())),
                }
            }
            parent_events = parent_cache.borrow();
            (
                parent_events.as_ref().map_or(&[][..], |(_, e)| &e[..]),
                None,
            )
        }
        HistorySource::Child { run, child } => {
            let status = sim.child_status(run, child as usize);
            match status {
                None | Some(ChildStatus::Pending) => (
                    &[],
                    Some(
                        lang.t(
                            "This child has not started, so it has no history yet.",
                            "この子実行はまだ開始していないため、履歴はありません。",
                        )
                        .to_string(),
                    ),
                ),
                Some(status) => {
                    let key = (props.frame.generation, run, child, status);
                    let stale = cache.borrow().as_ref().is_none_or(|c| c.key != key);
                    if stale {
                        let events = sim
                            .child_trace(run, child as usize)
                            .map(|trace| Rc::new(trace.history));
                        *cache.borrow_mut() = Some(Cached { key, events });
                    }
                    child_events = cache.borrow().as_ref().map(|c| c.events.clone());
                    match &child_events {
                        Some(Ok(events)) => {
                            // A running child: what has happened by now.
                            let now = sim.now_ms();
                            let shown = events.partition_point(|e| e.time_ms <= now);
                            (events.get(..shown).unwrap_or(&[]), None)
                        }
                        Some(Err(error)) => (&[], Some(error.clone())),
                        None => (&[], None),
                    }
                }
            }
        }
    };

    let (scroll_top, viewport) = *scroll;
    let (first, end) = visible_rows(events.len(), scroll_top, viewport);
    let rows = events
        .get(first..end)
        .unwrap_or(&[])
        .iter()
        .enumerate()
        .map(|(offset, event)| {
            let index = first + offset;
            let selected = *picked == Some(event.id);
            let onclick = {
                let picked = picked.clone();
                let id = event.id;
                Callback::from(move |_: MouseEvent| {
                    picked.set(if *picked == Some(id) { None } else { Some(id) })
                })
            };
            html! {
                <li
                    class={classes!("history-row", selected.then_some("history-row-picked"), kind_class(event.kind))}
                    style={format!("top: {}px", index as f64 * ROW_HEIGHT)}
                    data-testid="history-row"
                >
                    <button type="button" class="history-row-button" aria-expanded={selected.to_string()} {onclick}>
                        <span class="history-id">{ event.id }</span>
                        <span class="history-kind">{ event.kind }</span>
                        <span class="history-time">{ clock(event.time_ms) }</span>
                        <span class="history-prev">{ format!("← {}", event.previous_event_id) }</span>
                    </button>
                </li>
            }
        })
        .collect::<Vec<Html>>();
    let details = (*picked)
        .and_then(|id| events.iter().find(|e| e.id == id))
        .map(|event| {
            let timestamp = engine::clock::format_rfc3339(
                start_epoch_ms.saturating_add(i64::try_from(event.time_ms).unwrap_or(i64::MAX)),
            );
            let body = match (event.details.to_json(), history::details_key(event.kind)) {
                (Some(details), Some(key)) => {
                    let text = serde_json::to_string_pretty(&details).unwrap_or_default();
                    format!("\"{key}\": {text}")
                }
                _ => lang.t("(no details)", "(詳細なし)").to_string(),
            };
            html! {
                <div class="history-details" data-testid="history-details">
                    <p class="history-details-head">
                        <strong>{ format!("#{} {}", event.id, event.kind) }</strong>
                        <span>{ format!(" · {timestamp} · {} {}", lang.t("previous", "前のイベント"), event.previous_event_id) }</span>
                    </p>
                    <pre class="history-details-body">{ body }</pre>
                </div>
            }
        });
    let n_events = events.len();
    drop(sim);

    let on_scroll = {
        let scroll = scroll.clone();
        Callback::from(move |event: Event| {
            let list: HtmlElement = event.target_unchecked_into();
            let next = (
                f64::from(list.scroll_top()),
                f64::from(list.client_height()).max(ROW_HEIGHT),
            );
            // Re-render only when another row comes into view.
            let before = visible_rows(usize::MAX, scroll.0, scroll.1);
            let after = visible_rows(usize::MAX, next.0, next.1);
            if before != after {
                scroll.set(next);
            }
        })
    };

    let caption = match (props.source, lang) {
        (HistorySource::Parent, Lang::En) => {
            format!("Parent execution · {} events", count(n_events as u64))
        }
        (HistorySource::Parent, Lang::Ja) => {
            format!("親実行 · {} イベント", count(n_events as u64))
        }
        (HistorySource::Child { child, .. }, Lang::En) => format!(
            "Child execution of item {} · {} events",
            count(u64::from(child)),
            count(n_events as u64)
        ),
        (HistorySource::Child { child, .. }, Lang::Ja) => format!(
            "アイテム {} の子実行 · {} イベント",
            count(u64::from(child)),
            count(n_events as u64)
        ),
    };

    html! {
        <div class="history-panel" data-testid="history-panel">
            <p class="history-caption">{ caption.clone() }</p>
            if let Some(problem) = problem {
                <p class="history-empty">{ problem }</p>
            }
            <div class="history-head" aria-hidden="true">
                <span class="history-id">{ "id" }</span>
                <span class="history-kind">{ lang.t("type", "タイプ") }</span>
                <span class="history-time">{ lang.t("virtual time", "仮想時間") }</span>
                <span class="history-prev">{ lang.t("previous", "前") }</span>
            </div>
            <ol
                class="history-list"
                ref={list_ref}
                onscroll={on_scroll}
                tabindex="0"
                aria-label={caption}
            >
                <div class="history-spacer" style={format!("height: {}px", n_events as f64 * ROW_HEIGHT)} />
                { for rows }
            </ol>
            { details.unwrap_or_default() }
        </div>
    }
}

/// A class for the kind of event, so failures and retries stand out (with the name itself).
fn kind_class(kind: &str) -> Option<&'static str> {
    if kind.ends_with("Failed") || kind.ends_with("TimedOut") || kind.ends_with("Aborted") {
        Some("history-row-failed")
    } else if kind.ends_with("Succeeded") {
        Some("history-row-succeeded")
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_rows_in_view_and_a_few_around_them_are_rendered() {
        // (rows, scroll top, viewport) -> (first, end)
        let cases = [
            (0, 0.0, 300.0, (0, 0)),
            (5, 0.0, 300.0, (0, 5)),
            (25_000, 0.0, 300.0, (0, 18)),
            (25_000, 30_000.0, 300.0, (992, 1018)),
            (25_000, 1e9, 300.0, (24_992, 25_000)),
        ];
        for (n, top, viewport, expected) in cases {
            assert_eq!(visible_rows(n, top, viewport), expected, "{n} {top}");
        }
    }
}
