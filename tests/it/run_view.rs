//! The run view's wiring: the verdict, the Map Run counts, the item grid (painted, and a click
//! selects the cell under it), the playback bar's commands, the item timeline and the history
//! panel — each rendered from a real simulation of the default example — and the whole app
//! running its example to a verdict with the playback loop in the browser.

use std::cell::RefCell;
use std::rc::Rc;

use engine::sim::{ExecutionStatus, SimOptions, Simulation};
use mapsim::app::App;
use mapsim::components::history_panel::{HistoryPanel, HistoryPanelProps, HistorySource};
use mapsim::components::item_grid::{ItemGrid, ItemGridProps};
use mapsim::components::item_timeline::{use_timeline_state, ItemTimeline};
use mapsim::components::map_run_panel::map_run_panel;
use mapsim::components::playback_bar::playback_bar;
use mapsim::components::verdict_banner::verdict_banner;
use mapsim::examples::default_example;
use mapsim::i18n::Lang;
use mapsim::playback::{Command, PlayMode, Playback};
use mapsim::sim_frame::SimFrame;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::wasm_bindgen_test;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement, MouseEvent, MouseEventInit};
use yew::prelude::*;

use crate::support::{click, mount, mount_view};

/// A simulation of the default example, recording item changes, stepped to `until` (or run to
/// its end with `None`).
fn example_frame(until: Option<u64>) -> SimFrame {
    let loaded = asl::load(default_example().definition, &asl::LoadOptions::default());
    let Some(model) = loaded.runnable() else {
        panic!("the example runs");
    };
    let Ok(scenario) = engine::scenario::parse(default_example().scenario) else {
        panic!("the example's scenario parses");
    };
    let options = SimOptions {
        record_changes: true,
        ..SimOptions::default()
    };
    let Ok(mut sim) = Simulation::new(model, &scenario, options) else {
        panic!("the example simulates");
    };
    match until {
        Some(t) => {
            sim.step_until(t);
        }
        None => {
            sim.run();
        }
    }
    SimFrame::new(Rc::new(RefCell::new(sim)), 1, 1)
}

fn recorder<T: 'static>() -> (Rc<RefCell<Vec<T>>>, Callback<T>) {
    let seen = Rc::new(RefCell::new(Vec::new()));
    let sink = seen.clone();
    (
        seen,
        Callback::from(move |value| sink.borrow_mut().push(value)),
    )
}

/// The test page has no style sheet: give the canvas stages the size the page's CSS gives them.
fn stage_styles() {
    let document = web_sys::window()
        .and_then(|w| w.document())
        .unwrap_or_else(|| panic!("a document"));
    if document.get_element_by_id("run-view-test-styles").is_some() {
        return;
    }
    let Ok(style) = document.create_element("style") else {
        panic!("can create a style element");
    };
    style.set_id("run-view-test-styles");
    style.set_text_content(Some(
        ".item-grid-stage { position: relative; width: 600px; height: 240px; }",
    ));
    let _ = document.head().map(|head| head.append_child(&style));
}

#[wasm_bindgen_test]
async fn the_verdict_banner_says_how_the_example_ended() {
    let frame = example_frame(None);
    let status = frame
        .read()
        .and_then(|sim| sim.outcome().map(|o| o.status))
        .unwrap_or(ExecutionStatus::Running);
    let banner = {
        let frame = frame.clone();
        mount_view(move || verdict_banner(Lang::En, &frame, None)).await
    };
    let verdict = banner.one("[data-testid=verdict]");
    assert_eq!(
        verdict.get_attribute("data-status").as_deref(),
        Some(status.as_str())
    );
    let text = verdict.text_content().unwrap_or_default();
    assert!(text.contains(status.as_str()), "{text}");
    if status == ExecutionStatus::Failed {
        let error = frame
            .read()
            .and_then(|sim| sim.outcome().and_then(|o| o.error.clone()))
            .unwrap_or_default();
        assert!(text.contains(&error), "{text} names {error}");
    }
}

#[wasm_bindgen_test]
async fn the_map_run_panel_shows_items_and_executions_by_status() {
    let frame = example_frame(None);
    let (picked, on_pick_run) = recorder();
    let panel = {
        let frame = frame.clone();
        mount_view(move || map_run_panel(Lang::En, &frame, None, &on_pick_run)).await
    };
    let cells = panel.all("[data-testid=map-run-counts] [data-count]");
    assert_eq!(cells.len(), 14, "7 statuses × items and executions");
    let total = frame
        .read()
        .and_then(|sim| sim.map_runs().first().map(|r| r.item_counts.total))
        .unwrap_or(0);
    let shown = panel
        .one("[data-count=items-total]")
        .text_content()
        .unwrap_or_default()
        .replace(',', "");
    assert_eq!(shown, total.to_string());
    assert_eq!(panel.count("[data-testid=tolerance-gauge]"), 1);
    assert!(picked.borrow().is_empty());
}

#[wasm_bindgen_test]
async fn the_item_grid_paints_its_cells_and_a_click_selects_the_one_under_it() {
    stage_styles();
    let frame = example_frame(None);
    let n = frame
        .read()
        .and_then(|sim| sim.map_runs().first().map(|r| r.children.len()))
        .unwrap_or(0);
    let (selected, on_select) = recorder();
    let grid = mount::<ItemGrid>(ItemGridProps {
        lang: Lang::En,
        frame,
        run: Some(0),
        selected: None,
        on_select,
    })
    .await;
    // The resize observer's first report repaints once more.
    yew::scheduler::flush().await;
    let canvas: HtmlCanvasElement = grid
        .one("[data-testid=item-grid]")
        .dyn_into()
        .unwrap_or_else(|_| panic!("a canvas"));
    assert_eq!(canvas.get_attribute("data-cells"), Some(n.to_string()));
    let context: CanvasRenderingContext2d = canvas
        .get_context("2d")
        .ok()
        .flatten()
        .and_then(|c| c.dyn_into().ok())
        .unwrap_or_else(|| panic!("a 2d context"));
    let Ok(image) = context.get_image_data(
        0.0,
        0.0,
        f64::from(canvas.width()),
        f64::from(canvas.height()),
    ) else {
        panic!("can read the canvas");
    };
    let painted = image.data().chunks(4).filter(|p| p[3] > 0).count();
    assert!(painted > 0, "the grid is painted");
    let legend: u64 = grid
        .all("[data-testid=item-grid-legend] .legend-count")
        .iter()
        .map(|e| {
            e.text_content()
                .unwrap_or_default()
                .replace(',', "")
                .parse::<u64>()
                .unwrap_or(0)
        })
        .sum();
    assert_eq!(legend, n as u64, "the legend counts every cell");

    // A click in the top-left corner is on the first cell.
    let rect = canvas.get_bounding_client_rect();
    let init = MouseEventInit::new();
    init.set_bubbles(true);
    init.set_client_x((rect.left() + 1.0) as i32);
    init.set_client_y((rect.top() + 1.0) as i32);
    let Ok(event) = MouseEvent::new_with_mouse_event_init_dict("click", &init) else {
        panic!("can create a click");
    };
    let _ = canvas.dispatch_event(&event);
    yew::scheduler::flush().await;
    assert_eq!(*selected.borrow(), vec![0]);
}

#[wasm_bindgen_test]
async fn the_playback_bar_sends_what_was_asked() {
    let (commands, on_command) = recorder();
    let playback = Playback {
        frame: Some(example_frame(Some(0))),
        setup_error: None,
        mode: PlayMode::Paused,
        speed: 10,
        now_ms: 0,
        finished: false,
        end_ms: None,
        horizon_ms: 60_000,
        step_ms: 1_000,
        reduced_motion: false,
        redrive_error: None,
        on_command,
    };
    let bar = mount_view(move || playback_bar(Lang::En, &playback)).await;
    assert_eq!(
        bar.one("[data-testid=play]")
            .get_attribute("data-state")
            .as_deref(),
        Some("paused")
    );
    click(&bar.one("[data-testid=play]"));
    click(&bar.one("[data-testid=speed-1000]"));
    click(&bar.one("[data-testid=step]"));
    click(&bar.one("[data-testid=run-to-end]"));
    assert_eq!(
        *commands.borrow(),
        vec![
            Command::TogglePlay,
            Command::SetSpeed(1000),
            Command::Step,
            Command::RunToEnd
        ]
    );
    assert_eq!(
        bar.one("[data-testid=virtual-clock]")
            .text_content()
            .as_deref(),
        Some("00:00:00.000")
    );
}

#[derive(Properties, PartialEq)]
struct TimelineProps {
    frame: SimFrame,
    on_show_history: Callback<()>,
}

/// The item timeline of child 0 of Map Run 0, with its state, as the run view draws it.
#[component]
fn TimelineOfChildZero(props: &TimelineProps) -> Html {
    let state = use_timeline_state();
    ItemTimeline {
        frame: props.frame.clone(),
        run: Some(0),
        child: Some(0),
        on_show_history: props.on_show_history.clone(),
    }
    .view(Lang::En, &state)
}

#[wasm_bindgen_test]
async fn the_item_timeline_lists_the_attempts_of_the_selected_child() {
    let frame = example_frame(None);
    let (asked, on_show_history) = recorder();
    let timeline = mount::<TimelineOfChildZero>(TimelineProps {
        frame,
        on_show_history,
    })
    .await;
    assert!(timeline
        .one("[data-testid=item-timeline-title]")
        .text_content()
        .unwrap_or_default()
        .starts_with("Item 0"));
    assert!(timeline.count("[data-testid=item-timeline-steps] li") >= 2);
    click(&timeline.one("[data-testid=show-child-history]"));
    assert_eq!(asked.borrow().len(), 1);
}

#[wasm_bindgen_test]
async fn the_history_panel_lists_the_parent_history() {
    let frame = example_frame(None);
    let n = frame.read().map_or(0, |sim| sim.parent_history().len());
    let panel = mount::<HistoryPanel>(HistoryPanelProps {
        lang: Lang::En,
        frame,
        source: HistorySource::Parent,
    })
    .await;
    let rows = panel.all("[data-testid=history-row]");
    assert_eq!(rows.len(), n.min(19), "a short history is shown whole");
    assert_eq!(
        panel
            .one("[data-testid=history-row] .history-kind")
            .text_content()
            .as_deref(),
        Some("ExecutionStarted")
    );
}

/// Waits (really: the playback loop runs on browser tasks) until `done` holds, up to `ms`.
async fn wait_until(ms: u32, mut done: impl FnMut() -> bool) -> bool {
    for _ in 0..ms / 50 {
        if done() {
            return true;
        }
        let promise = js_sys::Promise::new(&mut |resolve, _| {
            if let Some(window) = web_sys::window() {
                let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, 50);
            }
        });
        let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
        yew::scheduler::flush().await;
    }
    done()
}

#[wasm_bindgen_test]
async fn the_app_runs_its_example_to_a_verdict() {
    let app = mount::<App>(()).await;
    assert_eq!(app.count("[data-testid=item-grid]"), 1);
    click(&app.one("[data-testid=run-to-end]"));
    let ended = wait_until(20_000, || {
        let text = app
            .one("[data-testid=verdict]")
            .text_content()
            .unwrap_or_default();
        text.contains("SUCCEEDED") || text.contains("FAILED")
    })
    .await;
    assert!(ended, "{}", app.one("[data-testid=verdict]").outer_html());
    assert_eq!(
        app.one("[data-testid=play]")
            .get_attribute("data-state")
            .as_deref(),
        Some("paused")
    );
}
