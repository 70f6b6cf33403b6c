//! The playback bar: play / pause, step, speed, the scrubber over virtual time, run-to-end and
//! the virtual clock. Space plays and pauses, `.` steps, when no field has the focus.

use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::i18n::{count, Lang};
use crate::markup::Markup;
use crate::playback::{Command, PlayMode, Playback, SPEEDS};
use crate::run_status::{clock, duration};

/// The bar for `playback`. A function of the playback rather than a component: it is drawn at
/// every frame anyway, and each component type costs the page a few kilobytes of WebAssembly.
/// Its keyboard shortcuts are [`use_keyboard_shortcuts`], used by the run view.
pub fn playback_bar(lang: Lang, playback: &Playback) -> Html {
    let send = playback.on_command.clone();

    let busy = playback.mode != PlayMode::Paused;
    let (play_icon, play_label) = if busy {
        (Icon::Pause, lang.t("Pause", "一時停止"))
    } else if playback.finished {
        (Icon::Replay, lang.t("Replay", "もう一度再生"))
    } else {
        (Icon::Play, lang.t("Play", "再生"))
    };
    let on_play = {
        let send = send.clone();
        Callback::from(move |_: MouseEvent| send.emit(Command::TogglePlay))
    };
    let on_step = {
        let send = send.clone();
        Callback::from(move |_: MouseEvent| send.emit(Command::Step))
    };
    let on_run_to_end = {
        let send = send.clone();
        Callback::from(move |_: MouseEvent| send.emit(Command::RunToEnd))
    };
    let on_scrub = {
        let send = send.clone();
        Callback::from(move |event: InputEvent| {
            let input: HtmlInputElement = event.target_unchecked_into();
            let value = input.value_as_number();
            if value.is_finite() && value >= 0.0 {
                send.emit(Command::Seek(value as u64));
            }
        })
    };

    let speeds = SPEEDS.iter().map(|&speed| {
        let send = send.clone();
        let onclick = Callback::from(move |_: MouseEvent| send.emit(Command::SetSpeed(speed)));
        let selected = playback.speed == speed;
        html! {
            <button
                type="button"
                class={classes!("speed", selected.then_some("speed-selected"))}
                aria-pressed={selected.to_string()}
                data-testid={format!("speed-{speed}")}
                {onclick}
            >
                { format!("{}×", count(u64::from(speed))) }
            </button>
        }
    });

    let disabled = playback.frame.is_none();
    let running_to_end = playback.mode == PlayMode::RunningToEnd;
    let horizon = playback.horizon_ms.max(1);
    let end_text = match playback.end_ms {
        Some(end) => clock(end),
        None => lang.t("running", "実行中").to_string(),
    };

    html! {
        <div class="playback-bar" role="group" aria-label={lang.t("Playback", "再生操作")}>
            <div class="playback-controls">
                <button
                    type="button"
                    class={classes!("play-button", busy.then_some("play-button-busy"))}
                    data-testid="play"
                    data-state={mode_key(playback.mode)}
                    aria-label={play_label}
                    title={format!("{play_label} ({})", lang.t("Space", "スペース"))}
                    {disabled}
                    onclick={on_play}
                >
                    { icon(play_icon) }
                    <span class="play-text">{ play_label }</span>
                </button>
                <button
                    type="button"
                    class="bar-button"
                    data-testid="step"
                    title={step_title(lang, playback.step_ms)}
                    disabled={disabled || playback.finished}
                    onclick={on_step}
                >
                    { icon(Icon::Step) }
                    { format!("+{}", duration(playback.step_ms)) }
                </button>
                <div class="speed-group" role="group" aria-label={lang.t("Speed (virtual time)", "速度(仮想時間)")}>
                    { for speeds }
                </div>
                <button
                    type="button"
                    class={classes!("bar-button", "run-to-end", running_to_end.then_some("run-to-end-busy"))}
                    data-testid="run-to-end"
                    disabled={disabled || playback.finished}
                    onclick={on_run_to_end}
                >
                    { icon(Icon::ToEnd) }
                    { if running_to_end { lang.t("Running…", "実行中…") } else { lang.t("Run to end", "最後まで実行") } }
                </button>
            </div>
            <div class="playback-timeline">
                <label class="scrubber">
                    <span class="visually-hidden">{ lang.t("Virtual time", "仮想時間") }</span>
                    <input
                        type="range"
                        class="scrubber-input"
                        data-testid="scrubber"
                        min="0"
                        max={horizon.to_string()}
                        step="1"
                        value={playback.now_ms.min(horizon).to_string()}
                        style={format!("--progress: {:.3}%", playback.now_ms.min(horizon) as f64 * 100.0 / horizon as f64)}
                        {disabled}
                        oninput={on_scrub}
                    />
                </label>
                <div class="virtual-clock" title={lang.t("Virtual time / end of the run", "仮想時間 / 実行の終了")}>
                    <span class="clock-now" data-testid="virtual-clock">{ clock(playback.now_ms) }</span>
                    <span class="clock-end">{ "/ " }{ end_text }</span>
                </div>
            </div>
        </div>
    }
}

/// The bar's icons, drawn inline (no icon font: the page loads nothing else, and symbol
/// characters are missing from many system fonts).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Icon {
    Play,
    Pause,
    Replay,
    Step,
    ToEnd,
}

fn icon(kind: Icon) -> Html {
    let path = match kind {
        Icon::Play => "M4 2.5v11l9-5.5z",
        Icon::Pause => "M3.5 2.5h3v11h-3zM9.5 2.5h3v11h-3z",
        Icon::Replay => "M8 2.5a5.5 5.5 0 1 1-5.2 3.7l1.9.6A3.5 3.5 0 1 0 8 4.5V7L4.5 3.5 8 0z",
        Icon::Step => "M2.5 2.5v11l8-5.5zM11 2.5h2.5v11H11z",
        Icon::ToEnd => "M1.5 2.5v11l6-5.5zM7.5 2.5v11l6-5.5zM13.5 2.5H15v11h-1.5z",
    };
    // Markup (see `crate::markup`): the icons are constants.
    let mut out = Markup::new();
    out.raw(r#"<svg class="bar-icon" viewBox="0 0 16 16" aria-hidden="true" focusable="false"><path d=""#)
        .raw(path)
        .raw(r#""></path></svg>"#);
    out.html()
}

fn mode_key(mode: PlayMode) -> &'static str {
    match mode {
        PlayMode::Paused => "paused",
        PlayMode::Playing => "playing",
        PlayMode::Seeking { .. } => "seeking",
        PlayMode::RunningToEnd => "running-to-end",
    }
}

fn step_title(lang: Lang, step_ms: u64) -> String {
    match lang {
        Lang::En => format!(
            "Step: advance {} of virtual time, or to the next moment something happens (.)",
            duration(step_ms)
        ),
        Lang::Ja => format!(
            "ステップ: 仮想時間を {} 進めます(何も起きない場合は次の出来事まで)(.)",
            duration(step_ms)
        ),
    }
}

/// Space plays and pauses, `.` steps — unless the focus is somewhere that uses those keys —
/// while the playback bar is shown (`send` is `Some`).
#[hook]
pub fn use_keyboard_shortcuts(send: Option<Callback<Command>>) {
    use_effect_with(send, |send| {
        let registered = send.clone().map(listen);
        move || {
            if let Some((document, listener)) = registered {
                if let Some(document) = document {
                    let _ = document.remove_event_listener_with_callback(
                        "keydown",
                        listener.as_ref().unchecked_ref(),
                    );
                }
                drop(listener);
            }
        }
    });
}

/// The document's listener for the shortcuts, added.
fn listen(
    send: Callback<Command>,
) -> (Option<web_sys::Document>, Closure<dyn FnMut(KeyboardEvent)>) {
    let listener = Closure::<dyn FnMut(KeyboardEvent)>::new(move |event: KeyboardEvent| {
        if event.ctrl_key() || event.meta_key() || event.alt_key() || event.repeat() {
            return;
        }
        let in_field = event
            .target()
            .and_then(|target| target.dyn_into::<web_sys::Element>().ok())
            .is_some_and(|element| {
                matches!(
                    element.tag_name().as_str(),
                    "INPUT" | "TEXTAREA" | "SELECT" | "BUTTON" | "CANVAS" | "SUMMARY"
                ) || element
                    .closest("[contenteditable], [role=listbox]")
                    .ok()
                    .flatten()
                    .is_some()
            });
        if in_field {
            return;
        }
        let command = match event.key().as_str() {
            " " => Command::TogglePlay,
            "." => Command::Step,
            _ => return,
        };
        event.prevent_default();
        send.emit(command);
    });
    let document = web_sys::window().and_then(|window| window.document());
    if let Some(document) = &document {
        let _ =
            document.add_event_listener_with_callback("keydown", listener.as_ref().unchecked_ref());
    }
    (document, listener)
}
