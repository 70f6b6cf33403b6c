//! The recovery bar under the verdict: **Redrive** after a run that ended unsuccessfully (the
//! engine's `RedriveExecution`; the run plays on from there), what the redrives ran again, and
//! the Map Run's files to take away — `items.csv`, `describe-map-run.json` and the parent's
//! history — made by the engine's `export` and saved by the browser.

use engine::sim::ExecutionStatus;
use yew::prelude::*;

use crate::i18n::{count, Lang};
use crate::playback::{Command, Playback};
use crate::sim_frame::SimFrame;

/// A file the bar offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum File {
    Items,
    DescribeMapRun,
    History,
    /// One of the ResultWriter's files, by name (`manifest.json`, `FAILED_0.json`, …).
    Written(&'static str),
}

/// The ResultWriter's files the bar offers.
const WRITTEN: [&str; 4] = [
    "manifest.json",
    "SUCCEEDED_0.json",
    "FAILED_0.json",
    "PENDING_0.json",
];

/// The bar for the run in `frame`; `run` is the Map Run the page shows.
pub fn recovery_bar(lang: Lang, frame: &SimFrame, playback: &Playback, run: Option<usize>) -> Html {
    let Some(sim) = frame.read() else {
        return html! {};
    };
    let status = sim.outcome().map(|o| o.status);
    let redrives = sim.redrive_count();
    let ran_again: usize = sim
        .map_runs()
        .iter()
        .map(|r| r.children.iter().filter(|c| c.redriven > 0).count())
        .sum();
    let runs = sim.map_runs().len();
    let seed = sim.scenario().seed;
    let run_shown = run.unwrap_or(runs.saturating_sub(1));
    let writes = sim
        .map_runs()
        .get(run_shown)
        .is_some_and(|r| r.setup.writes_results && sim.is_finished());
    drop(sim);
    let unsuccessful = matches!(
        status,
        Some(ExecutionStatus::Failed | ExecutionStatus::TimedOut | ExecutionStatus::Aborted)
    );
    if !unsuccessful && redrives == 0 && runs == 0 {
        return html! {};
    }
    let on_redrive = {
        let on_command = playback.on_command.clone();
        Callback::from(move |_: MouseEvent| on_command.emit(Command::Redrive))
    };
    let run = run.unwrap_or(runs.saturating_sub(1));
    let save = |file: File| {
        let frame = frame.clone();
        Callback::from(move |_: MouseEvent| {
            let Some(sim) = frame.read() else {
                return;
            };
            let made = match file {
                File::Items => engine::export::items_csv(&sim, run).map(|text| {
                    (
                        format!("mapsim-seed{seed}-map-run-{run}-items.csv"),
                        "text/csv",
                        text,
                    )
                }),
                File::DescribeMapRun => engine::export::describe_map_run(&sim, run).map(|v| {
                    (
                        format!("mapsim-seed{seed}-map-run-{run}-describe-map-run.json"),
                        "application/json",
                        serde_json::to_string_pretty(&v).unwrap_or_default(),
                    )
                }),
                File::History => Some((
                    format!("mapsim-seed{seed}-history.json"),
                    "application/json",
                    serde_json::to_string_pretty(&sim.parent_history_json()).unwrap_or_default(),
                )),
                // Made when asked for: each child is replayed for its input and output.
                File::Written(name) => engine::export::result_writer_files(&sim, run)
                    .unwrap_or_default()
                    .into_iter()
                    // `…_0.json`, or `…_0.jsonl` with OutputType JSONL.
                    .find(|(key, _)| key.ends_with(name) || key.ends_with(&format!("{name}l")))
                    .map(|(key, text)| {
                        let file = key.rsplit('/').next().unwrap_or(name).to_string();
                        (
                            format!("mapsim-seed{seed}-map-run-{run}-{file}"),
                            "application/json",
                            text,
                        )
                    }),
            };
            drop(sim);
            if let Some((name, mime, text)) = made {
                // A browser that refuses the download shows nothing more to say here.
                let _ = crate::download::download(&name, mime, &text);
            }
        })
    };
    let summary = (redrives > 0).then(|| match lang {
        Lang::Ja => format!(
            "{redrives} 回再実行（Redrive）しました：子実行 {} 件をもう一度実行。",
            count(ran_again as u64)
        ),
        _ => format!(
            "Redriven {} {}: {} child {} ran again.",
            redrives,
            if redrives == 1 { "time" } else { "times" },
            count(ran_again as u64),
            if ran_again == 1 {
                "execution"
            } else {
                "executions"
            }
        ),
    });
    html! {
        <section class="recovery-bar" data-testid="recovery" aria-label={lang.t("Recovery", "リカバリ")}>
            if unsuccessful {
                <button type="button" class="button button-primary" data-testid="redrive"
                    title={lang.t("RedriveExecution: run the unsuccessful children again, each Standard child from the state it failed in",
                                  "RedriveExecution：失敗した子実行だけを再実行（Standard の子は失敗したステートから）")}
                    onclick={on_redrive}>
                    { lang.t("↻ Redrive", "↻ 再実行（Redrive）") }
                </button>
            }
            if let Some(summary) = summary {
                <span class="recovery-summary" data-testid="redrive-summary">{ summary }</span>
            }
            if let Some(error) = playback.redrive_error.as_deref() {
                <span class="recovery-error" role="alert" data-testid="redrive-error">{ error.to_string() }</span>
            }
            <span class="recovery-files">
                <span class="recovery-files-label">{ lang.t("Files:", "ファイル：") }</span>
                if runs > 0 {
                    <button type="button" class="button button-small" data-testid="download-items" onclick={save(File::Items)}>{ "items.csv" }</button>
                    <button type="button" class="button button-small" data-testid="download-describe" onclick={save(File::DescribeMapRun)}>{ "describe-map-run.json" }</button>
                }
                <button type="button" class="button button-small" data-testid="download-history" onclick={save(File::History)}>{ "history.json" }</button>
                if writes {
                    <span class="recovery-files-label">{ lang.t("ResultWriter:", "ResultWriter：") }</span>
                    { for WRITTEN.iter().map(|name| html! {
                        <button type="button" class="button button-small" data-testid={format!("download-{name}")} onclick={save(File::Written(name))}>{ *name }</button>
                    }) }
                }
            </span>
        </section>
    }
}
