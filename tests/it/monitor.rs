//! The monitoring tabs' wiring, from a real simulation of the monitoring example: the Metrics
//! tab's charts and alarm transitions, a pasted dashboard's located problems, a Logs Insights
//! query's results and its error column, the Errors tab's routes and finding buttons — and the
//! three tabs beside the histories in the app.

use std::cell::RefCell;
use std::rc::Rc;

use engine::sim::{SimOptions, Simulation};
use mapsim::app::App;
use mapsim::components::error_routing::{error_routing, ErrorsState};
use mapsim::components::logs_panel::{logs_panel, use_logs_state};
use mapsim::components::metrics_panel::{metrics_panel, use_metrics_state};
use mapsim::i18n::Lang;
use mapsim::sim_frame::SimFrame;
use wasm_bindgen_test::wasm_bindgen_test;
use yew::prelude::*;

use crate::support::{click, mount, mount_view, type_text};

const DEFINITION: &str = include_str!("../../static/examples/monitoring-alarms.asl.json");
const SCENARIO: &str = include_str!("../../static/examples/monitoring-alarms.scenario.json");

/// The monitoring example run to its end.
fn monitoring_frame() -> SimFrame {
    let loaded = asl::load(DEFINITION, &asl::LoadOptions::default());
    let Some(model) = loaded.runnable() else {
        panic!("the monitoring example runs");
    };
    let Ok(scenario) = engine::scenario::parse(SCENARIO) else {
        panic!("the monitoring example's scenario parses");
    };
    let Ok(mut sim) = Simulation::new(model, &scenario, SimOptions::default()) else {
        panic!("the monitoring example simulates");
    };
    sim.run();
    SimFrame::new(Rc::new(RefCell::new(sim)), 1, 1)
}

#[derive(Properties, PartialEq)]
struct HostProps {
    frame: SimFrame,
}

#[component]
fn MetricsHost(props: &HostProps) -> Html {
    let state = use_metrics_state();
    metrics_panel(Lang::En, &props.frame, Some(0), false, &state)
}

#[component]
fn LogsHost(props: &HostProps) -> Html {
    let state = use_logs_state();
    logs_panel(Lang::En, &props.frame, &state)
}

fn text(element: &web_sys::Element) -> String {
    element.text_content().unwrap_or_default()
}

#[wasm_bindgen_test]
async fn the_metrics_tab_charts_the_run_and_lists_each_alarms_transitions() {
    let panel = mount::<MetricsHost>(HostProps {
        frame: monitoring_frame(),
    })
    .await;
    assert_eq!(panel.count("[data-testid=metric-chart]"), 1);
    assert!(panel.count("[data-testid=metric-chart] path.mchart-line") == 1);
    assert!(
        panel.count("[data-testid=metric-picker] optgroup") >= 3,
        "{}",
        panel.one("[data-testid=metric-picker]").outer_html()
    );
    let alarms = panel.all("[data-testid=alarm]");
    assert_eq!(alarms.len(), 2, "the example has two alarms");
    let transitions = panel.all("[data-testid=alarm-transitions] tbody tr");
    assert!(!transitions.is_empty(), "{}", panel.root.inner_html());
    assert!(
        transitions
            .iter()
            .any(|row| text(row).contains("→ ALARM") && text(row).contains("Threshold Crossed")),
        "{}",
        transitions.iter().map(text).collect::<Vec<_>>().join("\n")
    );
    // The shown Map Run failed: its moment is marked on the charts.
    assert!(panel.count("[data-testid=chart-moment]") >= 1);
    assert!(
        panel.count("rect.mchart-alarm") >= 1,
        "ALARM periods are shaded"
    );
}

#[wasm_bindgen_test]
async fn a_pasted_dashboard_is_drawn_and_its_unknown_metric_located() {
    let panel = mount::<MetricsHost>(HostProps {
        frame: monitoring_frame(),
    })
    .await;
    let arn = "arn:aws:states:us-east-1:123456789012:stateMachine:mapsim/ImportRecords";
    let body = format!(
        "{{\"widgets\": [\n  {{\"type\": \"metric\", \"properties\": {{\"title\": \"Children\", \"stat\": \"Sum\", \"period\": 60,\n    \"annotations\": {{\"horizontal\": [{{\"value\": 10, \"label\": \"page\"}}]}},\n    \"metrics\": [\n      [\"AWS/States\", \"ExecutionsFailed\", \"StateMachineArn\", \"{arn}\"],\n      [\"AWS/States\", \"ExecutionsExploded\", \"StateMachineArn\", \"{arn}\"]\n    ]}}}},\n  {{\"type\": \"log\", \"properties\": {{\"title\": \"Errors\", \"query\": \"SOURCE '/aws/vendedlogs/states/mapsim' | stats count(*) as n\"}}}},\n  {{\"type\": \"text\", \"properties\": {{\"markdown\": \"hi\"}}}}\n]}}"
    );
    type_text(&panel.textarea("[data-testid=dashboard-body]"), &body);
    yew::scheduler::flush().await;
    let problems = panel.all("[data-testid=dashboard-problem]");
    assert_eq!(
        problems.len(),
        1,
        "{}",
        panel.one("[data-testid=dashboard-problems]").outer_html()
    );
    assert!(
        text(&problems[0]).starts_with("6:7"),
        "{}",
        text(&problems[0])
    );
    assert!(text(&problems[0]).contains("ExecutionsExploded"));
    assert_eq!(panel.count("[data-testid=dashboard-widget]"), 3);
    assert_eq!(panel.count("[data-testid=dashboard-chart]"), 1);
    assert_eq!(
        panel.count("[data-testid=dashboard-chart] .mchart-level"),
        1
    );

    // Broken JSON: one located problem, and the tab keeps working.
    type_text(
        &panel.textarea("[data-testid=dashboard-body]"),
        "{\"widgets\": [\n  {,\n]}",
    );
    yew::scheduler::flush().await;
    let problems = panel.all("[data-testid=dashboard-problem]");
    assert_eq!(problems.len(), 1);
    assert!(
        text(&problems[0]).starts_with("2:4"),
        "{}",
        text(&problems[0])
    );
    assert_eq!(panel.count("[data-testid=dashboard-widget]"), 0);
    assert_eq!(panel.count("[data-testid=metric-chart]"), 1);
}

#[wasm_bindgen_test]
async fn a_logs_query_runs_on_request_and_a_bad_one_says_its_column() {
    let panel = mount::<LogsHost>(HostProps {
        frame: monitoring_frame(),
    })
    .await;
    assert!(panel.count("[data-testid=log-groups] li") >= 1);
    assert_eq!(
        panel.count("[data-testid=logs-table]"),
        0,
        "not run until asked"
    );
    click(&panel.one("[data-testid=logs-run]"));
    yew::scheduler::flush().await;
    assert_eq!(
        panel.count("[data-testid=logs-table]"),
        1,
        "{}",
        panel.root.inner_html()
    );
    let headers: Vec<String> = panel
        .all("[data-testid=logs-table] th")
        .iter()
        .map(text)
        .collect();
    assert_eq!(headers, ["error_type", "errors"]);
    assert!(text(&panel.one("[data-testid=logs-counts]")).contains("records scanned"));

    type_text(
        &panel.textarea("[data-testid=logs-query]"),
        "fields @message\n| frobnicate x",
    );
    yew::scheduler::flush().await;
    click(&panel.one("[data-testid=logs-run]"));
    yew::scheduler::flush().await;
    let error = text(&panel.one("[data-testid=logs-error]"));
    assert!(error.starts_with("2:3"), "{error}");
    assert_eq!(panel.count("[data-testid=logs-table]"), 0);
}

#[wasm_bindgen_test]
async fn the_errors_tab_routes_each_error_and_its_buttons_say_where() {
    let frame = monitoring_frame();
    let selected = Rc::new(RefCell::new(Vec::<AttrValue>::new()));
    let revealed = Rc::new(RefCell::new(Vec::<AttrValue>::new()));
    let on_select = {
        let selected = selected.clone();
        Callback::from(move |p| selected.borrow_mut().push(p))
    };
    let on_reveal = {
        let revealed = revealed.clone();
        Callback::from(move |p| revealed.borrow_mut().push(p))
    };
    let drawn = RefCell::new(ErrorsState::default());
    let panel =
        mount_view(move || error_routing(Lang::En, &frame, false, &drawn, &on_select, &on_reveal))
            .await;
    let states = panel.all("[data-testid=route-state]");
    assert!(
        states.iter().any(|s| text(s).contains("ValidateRecord")),
        "{}",
        panel.root.inner_html()
    );
    assert!(
        panel.count("[data-testid=finding]") >= 1,
        "{}",
        panel.root.inner_html()
    );
    click(&panel.one("[data-testid=finding-show-state]"));
    click(&panel.one("[data-testid=finding-show-definition]"));
    let selected = selected.borrow();
    assert_eq!(selected.len(), 1);
    assert!(selected[0].starts_with("/States/"), "{}", selected[0]);
    assert_eq!(revealed.borrow().len(), 1);
}

#[wasm_bindgen_test]
async fn the_run_view_has_the_three_monitoring_tabs() {
    let app = mount::<App>(()).await;
    for (tab, panel) in [
        ("metrics", "metrics-panel"),
        ("logs", "logs-panel"),
        ("errors", "errors-panel"),
    ] {
        let button = app.one(&format!("[data-testid=detail-tab-{tab}]"));
        assert_eq!(button.get_attribute("role").as_deref(), Some("tab"));
        click(&button);
        yew::scheduler::flush().await;
        assert_eq!(
            button.get_attribute("aria-selected").as_deref(),
            Some("true")
        );
        assert_eq!(app.count(&format!("[data-testid={panel}]")), 1, "{tab}");
    }
}
