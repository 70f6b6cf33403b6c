//! The playback driver: builds the simulation from the app state's [`RunInput`] and advances it
//! in virtual time — from `requestAnimationFrame` while playing, and in time-boxed slices that
//! yield to the browser between them while running to the end or seeking.
//!
//! The simulation lives in one `Rc<RefCell<Simulation>>` that components read through a
//! [`SimFrame`]; nothing is copied per frame. Every advance is bounded by a time budget measured
//! with `performance.now()`, so a frame never runs long however fast the chosen speed: when the
//! engine cannot keep up, playback slows down rather than the page. Rewinding rebuilds the
//! simulation and steps it to the wanted time, which gives exactly the state it had then
//! (the engine is deterministic).

use std::cell::RefCell;
use std::rc::{Rc, Weak};

use engine::sim::{SimOptions, Simulation};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use yew::functional::UseForceUpdateHandle;
use yew::prelude::*;

use crate::sim_frame::SimFrame;
use crate::state::RunInput;

/// The speeds offered, in virtual milliseconds per real millisecond.
pub const SPEEDS: [u32; 5] = [1, 10, 100, 1_000, 10_000];
/// The speed the page starts at.
pub const DEFAULT_SPEED: u32 = 10;

/// Engine work allowed per animation frame while playing (of a 16.7 ms frame; the rest is
/// left for rendering).
const PLAY_BUDGET_MS: f64 = 8.0;
/// Engine work per slice while running to the end or seeking; the browser gets the main
/// thread back between slices.
const SLICE_MS: f64 = 28.0;
/// How often the page is redrawn while running to the end or seeking.
const RENDER_EVERY_MS: f64 = 100.0;
/// Events processed between two looks at the clock.
const CHUNK_EVENTS: usize = 2048;
/// A frame longer than this (a background tab, a breakpoint) counts as this long.
const MAX_FRAME_MS: f64 = 100.0;

/// What playback is doing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlayMode {
    Paused,
    /// Advancing with real time × speed, one step per animation frame.
    Playing,
    /// Advancing as fast as possible to a virtual time (scrubber, step), then pausing or
    /// playing on.
    Seeking {
        target_ms: u64,
    },
    /// Advancing as fast as possible to the end of the run.
    RunningToEnd,
}

/// What the user asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Command {
    TogglePlay,
    Play,
    Pause,
    /// Advance by [`Playback::step_ms`] (at least to the next moment something happens).
    Step,
    SetSpeed(u32),
    /// Go to a virtual time: forward by stepping, backward by rebuilding and stepping.
    Seek(u64),
    RunToEnd,
    /// `RedriveExecution` on the finished, unsuccessful run; it plays on from there.
    Redrive,
}

/// What the run view shows about playback, and how it sends commands.
#[derive(Clone, PartialEq)]
pub struct Playback {
    /// The simulation (`None` when there is nothing to run, or it could not be set up).
    pub frame: Option<SimFrame>,
    /// Why the engine refused to set up the run (the documents themselves were usable).
    pub setup_error: Option<Rc<str>>,
    pub mode: PlayMode,
    pub speed: u32,
    pub now_ms: u64,
    pub finished: bool,
    /// The run's end, once it has been reached (kept when rewinding).
    pub end_ms: Option<u64>,
    /// The scrubber's range: the end once known, else a little beyond the furthest time reached.
    pub horizon_ms: u64,
    /// How far a step goes at the current speed.
    pub step_ms: u64,
    pub reduced_motion: bool,
    /// Why the last redrive was refused (AWS's error), until the next one.
    pub redrive_error: Option<Rc<str>>,
    pub on_command: Callback<Command>,
}

/// How a run got to its end (an edit that rebuilds the run then gets there again the same way).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Finish {
    Played,
    RanToEnd,
}

struct Driver {
    sim: Option<Rc<RefCell<Simulation>>>,
    setup_error: Option<Rc<str>>,
    input: Option<RunInput>,
    generation: u64,
    frame: u64,
    mode: PlayMode,
    /// What to do once a seek arrives.
    after_seek: PlayMode,
    speed: u32,
    /// Playback's virtual clock (fractional, so that 1× advances smoothly).
    virtual_ms: f64,
    last_timestamp: Option<f64>,
    furthest_ms: u64,
    known_end_ms: Option<u64>,
    finish: Option<Finish>,
    frame_requested: bool,
    slice_requested: bool,
    last_render_ms: f64,
    reduced_motion: bool,
    /// The redrives asked for in this run, by the virtual time of each: a rebuild (seeking
    /// back) applies them again where the run ends.
    redrives: Vec<u64>,
    redrive_error: Option<Rc<str>>,
}

impl Driver {
    fn new(reduced_motion: bool) -> Driver {
        Driver {
            sim: None,
            setup_error: None,
            input: None,
            generation: 0,
            frame: 0,
            // The page opens playing its example, unless the reader asked for less motion.
            mode: if reduced_motion {
                PlayMode::Paused
            } else {
                PlayMode::Playing
            },
            after_seek: PlayMode::Paused,
            speed: DEFAULT_SPEED,
            virtual_ms: 0.0,
            last_timestamp: None,
            furthest_ms: 0,
            known_end_ms: None,
            finish: None,
            frame_requested: false,
            slice_requested: false,
            last_render_ms: 0.0,
            reduced_motion,
            redrives: Vec::new(),
            redrive_error: None,
        }
    }

    fn is_finished(&self) -> bool {
        self.sim
            .as_ref()
            .and_then(|sim| sim.try_borrow().ok().map(|sim| sim.is_finished()))
            .unwrap_or(false)
    }

    fn now_ms(&self) -> u64 {
        self.sim
            .as_ref()
            .and_then(|sim| sim.try_borrow().ok().map(|sim| sim.now_ms()))
            .unwrap_or(0)
    }

    /// A new definition or scenario: a new run, continued the way the last one went.
    fn take_input(&mut self, input: Option<RunInput>) {
        let was_finished = self.is_finished();
        self.mode = continue_after_rebuild(self.mode, self.after_seek, was_finished, self.finish);
        self.input = input;
        self.known_end_ms = None;
        self.furthest_ms = 0;
        self.finish = None;
        self.redrives.clear();
        self.redrive_error = None;
        self.build();
    }

    /// Builds the simulation of the current input afresh (a new generation).
    fn build(&mut self) {
        self.generation += 1;
        self.frame = 0;
        self.virtual_ms = 0.0;
        self.last_timestamp = None;
        self.setup_error = None;
        self.sim = None;
        let Some(input) = &self.input else {
            return;
        };
        // The attempt log too: the Metrics and Logs tabs read it.
        let options = SimOptions {
            record_changes: true,
            attempt_log: true,
            ..SimOptions::default()
        };
        match Simulation::new(&input.model, &input.scenario, options) {
            Ok(sim) => self.sim = Some(Rc::new(RefCell::new(sim))),
            Err(error) => self.setup_error = Some(Rc::from(error.to_string().trim_end())),
        }
    }

    /// Steps the simulation towards `target_ms` until it gets there or `deadline` (a
    /// `performance.now()` time) passes. Returns whether it got there.
    fn advance(&mut self, target_ms: u64, deadline: f64) -> bool {
        let Some(sim) = &self.sim else {
            return true;
        };
        let Ok(mut sim) = sim.try_borrow_mut() else {
            return false;
        };
        let model = self.input.as_ref().map(|input| input.model.clone());
        let arrived = loop {
            let mut running = sim.step_until_budget(target_ms, CHUNK_EVENTS);
            // A redrive asked for earlier in this run happens again where the run ended.
            if !running && (sim.redrive_count() as usize) < self.redrives.len() {
                if let Some(model) = &model {
                    running = sim.redrive(model).is_ok();
                }
            }
            let waiting_for_later = sim.next_event_ms().is_none_or(|next| next > target_ms);
            if !running || (sim.now_ms() >= target_ms && waiting_for_later) {
                break true;
            }
            if performance_now() >= deadline {
                break false;
            }
        };
        self.furthest_ms = self.furthest_ms.max(sim.now_ms());
        if sim.is_finished() {
            self.known_end_ms = Some(sim.now_ms());
        }
        arrived
    }

    /// One animation frame of playing.
    fn play_frame(&mut self, timestamp: f64) {
        let elapsed = self
            .last_timestamp
            .map_or(0.0, |last| (timestamp - last).clamp(0.0, MAX_FRAME_MS));
        self.last_timestamp = Some(timestamp);
        self.virtual_ms += elapsed * f64::from(self.speed);
        let target = self.virtual_ms as u64;
        let arrived = self.advance(target, performance_now() + PLAY_BUDGET_MS);
        if !arrived {
            // The engine could not keep up: slow down instead of dropping frames.
            self.virtual_ms = self.now_ms() as f64;
        }
        if self.is_finished() {
            self.mode = PlayMode::Paused;
            self.finish = Some(Finish::Played);
        }
        self.frame += 1;
    }

    /// One slice of running to the end or seeking. Returns whether to redraw now.
    fn slice(&mut self) -> bool {
        let started = performance_now();
        let target = match self.mode {
            PlayMode::Seeking { target_ms } => target_ms,
            PlayMode::RunningToEnd => u64::MAX,
            PlayMode::Paused | PlayMode::Playing => return false,
        };
        let arrived = self.advance(target, started + SLICE_MS);
        let finished = self.is_finished();
        if arrived || finished {
            self.virtual_ms = self.now_ms() as f64;
            self.last_timestamp = None;
            self.mode = match self.mode {
                PlayMode::RunningToEnd => PlayMode::Paused,
                _ if finished => PlayMode::Paused,
                _ => self.after_seek,
            };
            if finished {
                self.finish = Some(Finish::RanToEnd);
            }
        }
        let now = performance_now();
        let redraw = arrived || finished || now - self.last_render_ms >= RENDER_EVERY_MS;
        if redraw {
            self.last_render_ms = now;
            self.frame += 1;
        }
        redraw
    }

    fn command(&mut self, command: Command) {
        match command {
            Command::TogglePlay => match self.mode {
                PlayMode::Paused => self.command(Command::Play),
                _ => self.command(Command::Pause),
            },
            Command::Play => {
                if self.is_finished() {
                    // Playing a finished run plays it again from the start.
                    self.build();
                }
                self.last_timestamp = None;
                self.virtual_ms = self.now_ms() as f64;
                self.mode = PlayMode::Playing;
            }
            Command::Pause => {
                self.mode = PlayMode::Paused;
                self.frame += 1;
            }
            Command::Step => {
                if self.is_finished() {
                    return;
                }
                let now = self.now_ms();
                let next = self
                    .sim
                    .as_ref()
                    .and_then(|sim| sim.try_borrow().ok().and_then(|sim| sim.next_event_ms()))
                    .unwrap_or(now);
                self.after_seek = PlayMode::Paused;
                self.mode = PlayMode::Seeking {
                    target_ms: (now + step_ms(self.speed)).max(next),
                };
            }
            Command::SetSpeed(speed) => {
                self.speed = nearest_speed(speed);
                self.frame += 1;
            }
            Command::Seek(target_ms) => {
                self.after_seek = match self.mode {
                    PlayMode::Playing => PlayMode::Playing,
                    PlayMode::Seeking { .. } => self.after_seek,
                    _ => PlayMode::Paused,
                };
                if target_ms < self.now_ms() {
                    self.build();
                }
                self.mode = PlayMode::Seeking { target_ms };
                self.frame += 1;
            }
            Command::RunToEnd => {
                if !self.is_finished() {
                    self.mode = PlayMode::RunningToEnd;
                }
            }
            Command::Redrive => self.redrive(),
        }
    }

    /// Redrives the finished run and plays on; a refusal is kept to be shown.
    fn redrive(&mut self) {
        let (Some(sim), Some(input)) = (&self.sim, &self.input) else {
            return;
        };
        let Ok(mut sim) = sim.try_borrow_mut() else {
            return;
        };
        match sim.redrive(&input.model) {
            Ok(()) => {
                self.redrives.push(sim.now_ms());
                self.redrive_error = None;
                self.known_end_ms = None;
                self.finish = None;
                self.last_timestamp = None;
                self.virtual_ms = sim.now_ms() as f64;
                self.mode = PlayMode::Playing;
            }
            Err(error) => self.redrive_error = Some(Rc::from(error.to_string().as_str())),
        }
        self.frame += 1;
    }

    fn snapshot(&self, on_command: &Callback<Command>) -> Playback {
        let now_ms = self.now_ms();
        let finished = self.is_finished();
        Playback {
            frame: self
                .sim
                .as_ref()
                .map(|sim| SimFrame::new(sim.clone(), self.generation, self.frame)),
            setup_error: self.setup_error.clone(),
            mode: self.mode,
            speed: self.speed,
            now_ms,
            finished,
            end_ms: self.known_end_ms,
            horizon_ms: horizon_ms(self.furthest_ms.max(now_ms), self.known_end_ms),
            step_ms: step_ms(self.speed),
            reduced_motion: self.reduced_motion,
            redrive_error: self.redrive_error.clone(),
            on_command: on_command.clone(),
        }
    }
}

/// How playback goes on after the definition or scenario changed: a run that was finished is
/// finished again the way it was (so a changed setting shows its verdict at once); a seek in
/// progress is dropped; otherwise nothing changes.
fn continue_after_rebuild(
    mode: PlayMode,
    after_seek: PlayMode,
    was_finished: bool,
    finish: Option<Finish>,
) -> PlayMode {
    match (was_finished, finish, mode) {
        (true, Some(Finish::RanToEnd), _) => PlayMode::RunningToEnd,
        (true, Some(Finish::Played), _) => PlayMode::Playing,
        (_, _, PlayMode::Seeking { .. }) => after_seek,
        (_, _, mode) => mode,
    }
}

/// A step: a tenth of a second of real time at this speed.
pub fn step_ms(speed: u32) -> u64 {
    u64::from(speed.max(1)) * 100
}

/// The offered speed closest to `speed`.
pub fn nearest_speed(speed: u32) -> u32 {
    SPEEDS
        .iter()
        .copied()
        .min_by_key(|candidate| candidate.abs_diff(speed))
        .unwrap_or(DEFAULT_SPEED)
}

/// The scrubber's range: the whole run once its end is known; before that, the furthest time
/// reached plus room to drag ahead.
pub fn horizon_ms(furthest_ms: u64, end_ms: Option<u64>) -> u64 {
    match end_ms {
        Some(end) => end.max(1),
        None => (furthest_ms + furthest_ms / 4).max(furthest_ms + 60_000),
    }
}

type FrameCallback = Closure<dyn FnMut(f64)>;
type SliceCallback = Closure<dyn FnMut(web_sys::MessageEvent)>;

/// The driver and the browser callbacks that move it. The callbacks hold it weakly, so
/// dropping the hook's `Rc` ends the loop.
struct Shared {
    driver: RefCell<Driver>,
    notify: RefCell<Option<UseForceUpdateHandle>>,
    animation_frame: RefCell<Option<FrameCallback>>,
    animation_frame_id: RefCell<Option<i32>>,
    slices: RefCell<Option<(web_sys::MessageChannel, SliceCallback)>>,
}

impl Shared {
    fn new() -> Shared {
        Shared {
            driver: RefCell::new(Driver::new(prefers_reduced_motion())),
            notify: RefCell::new(None),
            animation_frame: RefCell::new(None),
            animation_frame_id: RefCell::new(None),
            slices: RefCell::new(None),
        }
    }

    /// Asks the browser for whatever the current mode needs next.
    fn schedule(self: &Rc<Self>) {
        let mode = self.driver.borrow().mode;
        match mode {
            PlayMode::Paused => {}
            PlayMode::Playing => self.request_animation_frame(),
            PlayMode::Seeking { .. } | PlayMode::RunningToEnd => self.request_slice(),
        }
    }

    fn request_animation_frame(self: &Rc<Self>) {
        if self.driver.borrow().frame_requested {
            return;
        }
        let Some(window) = web_sys::window() else {
            return;
        };
        let mut slot = self.animation_frame.borrow_mut();
        let callback = slot.get_or_insert_with(|| {
            let shared = Rc::downgrade(self);
            Closure::new(move |timestamp: f64| {
                if let Some(shared) = Weak::upgrade(&shared) {
                    shared.on_animation_frame(timestamp);
                }
            })
        });
        if let Ok(id) = window.request_animation_frame(callback.as_ref().unchecked_ref()) {
            *self.animation_frame_id.borrow_mut() = Some(id);
            self.driver.borrow_mut().frame_requested = true;
        }
    }

    fn request_slice(self: &Rc<Self>) {
        if self.driver.borrow().slice_requested {
            return;
        }
        let mut slot = self.slices.borrow_mut();
        if slot.is_none() {
            let Ok(channel) = web_sys::MessageChannel::new() else {
                return;
            };
            let shared = Rc::downgrade(self);
            let callback = SliceCallback::new(move |_: web_sys::MessageEvent| {
                if let Some(shared) = Weak::upgrade(&shared) {
                    shared.on_slice();
                }
            });
            channel
                .port1()
                .set_onmessage(Some(callback.as_ref().unchecked_ref()));
            *slot = Some((channel, callback));
        }
        // A message to ourselves is a task the browser runs as soon as it has painted and
        // handled input, without the 4 ms clamp of a nested `setTimeout(0)`.
        if let Some((channel, _)) = slot.as_ref() {
            if channel.port2().post_message(&JsValue::NULL).is_ok() {
                self.driver.borrow_mut().slice_requested = true;
            }
        }
    }

    fn on_animation_frame(self: &Rc<Self>, timestamp: f64) {
        {
            let mut driver = self.driver.borrow_mut();
            driver.frame_requested = false;
            if driver.mode != PlayMode::Playing {
                return;
            }
            driver.play_frame(timestamp);
        }
        self.notify();
        self.schedule();
    }

    fn on_slice(self: &Rc<Self>) {
        let redraw = {
            let mut driver = self.driver.borrow_mut();
            driver.slice_requested = false;
            driver.slice()
        };
        if redraw {
            self.notify();
        }
        self.schedule();
    }

    fn command(self: &Rc<Self>, command: Command) {
        self.driver.borrow_mut().command(command);
        self.notify();
        self.schedule();
    }

    fn notify(&self) {
        if let Some(update) = self.notify.borrow().as_ref() {
            update.force_update();
        }
    }

    /// Stops the loop for good (the run view is going away).
    fn stop(&self) {
        self.driver.borrow_mut().mode = PlayMode::Paused;
        if let (Some(window), Some(id)) = (web_sys::window(), self.animation_frame_id.take()) {
            let _ = window.cancel_animation_frame(id);
        }
        if let Some((channel, _)) = self.slices.borrow().as_ref() {
            channel.port1().set_onmessage(None);
        }
        self.animation_frame.take();
        self.slices.take();
        self.notify.take();
    }
}

/// The playback of `input`: rebuilt whenever its key changes.
#[hook]
pub fn use_playback(input: Option<RunInput>) -> Playback {
    let update = use_force_update();
    let shared = use_memo((), |_| Shared::new());
    *shared.notify.borrow_mut() = Some(update);

    // A new input is taken during render, so the frame that shows the new documents already
    // shows their run.
    let key = input.as_ref().map(|input| input.key);
    let current = shared.driver.borrow().input.as_ref().map(|input| input.key);
    let first = shared.driver.borrow().generation == 0;
    if first || key != current {
        shared.driver.borrow_mut().take_input(input);
    }

    {
        let shared = shared.clone();
        use_effect_with((), move |_| {
            let stop = shared.clone();
            move || stop.stop()
        });
    }
    {
        // Start (or continue) the loop after every render that may have changed the mode.
        let shared = shared.clone();
        let generation = shared.driver.borrow().generation;
        use_effect_with(generation, move |_| shared.schedule());
    }

    let on_command = {
        let shared = shared.clone();
        use_callback((), move |command: Command, _| shared.command(command))
    };
    let snapshot = shared.driver.borrow().snapshot(&on_command);
    snapshot
}

/// `performance.now()` in milliseconds (0 outside a browser).
pub fn performance_now() -> f64 {
    #[cfg(target_arch = "wasm32")]
    {
        web_sys::window()
            .and_then(|window| window.performance())
            .map_or(0.0, |performance| performance.now())
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        0.0
    }
}

/// Whether the reader asked the system for less motion (never, outside a browser).
pub fn prefers_reduced_motion() -> bool {
    #[cfg(target_arch = "wasm32")]
    {
        web_sys::window()
            .and_then(|window| {
                window
                    .match_media("(prefers-reduced-motion: reduce)")
                    .ok()
                    .flatten()
            })
            .is_some_and(|query| query.matches())
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rebuilt_run_is_finished_again_the_way_it_was() {
        let seek = PlayMode::Seeking { target_ms: 5 };
        let cases = [
            // (mode, after seek, was finished, finish) -> mode
            (
                PlayMode::Paused,
                PlayMode::Paused,
                true,
                Some(Finish::RanToEnd),
                PlayMode::RunningToEnd,
            ),
            (
                PlayMode::Paused,
                PlayMode::Paused,
                true,
                Some(Finish::Played),
                PlayMode::Playing,
            ),
            (
                PlayMode::Paused,
                PlayMode::Paused,
                false,
                None,
                PlayMode::Paused,
            ),
            (
                PlayMode::Playing,
                PlayMode::Paused,
                false,
                None,
                PlayMode::Playing,
            ),
            (seek, PlayMode::Playing, false, None, PlayMode::Playing),
            (seek, PlayMode::Paused, false, None, PlayMode::Paused),
            (
                PlayMode::RunningToEnd,
                PlayMode::Paused,
                false,
                None,
                PlayMode::RunningToEnd,
            ),
        ];
        for (mode, after_seek, was_finished, finish, expected) in cases {
            assert_eq!(
                continue_after_rebuild(mode, after_seek, was_finished, finish),
                expected,
                "{mode:?} {after_seek:?} {was_finished} {finish:?}"
            );
        }
    }

    #[test]
    fn speeds_steps_and_horizons() {
        assert_eq!(nearest_speed(1), 1);
        assert_eq!(nearest_speed(7), 10);
        assert_eq!(nearest_speed(5_000), 1_000);
        assert_eq!(nearest_speed(u32::MAX), 10_000);
        assert_eq!(step_ms(1), 100);
        assert_eq!(step_ms(10_000), 1_000_000);
        assert_eq!(horizon_ms(0, None), 60_000);
        assert_eq!(horizon_ms(400_000, None), 500_000);
        assert_eq!(horizon_ms(400_000, Some(452_000)), 452_000);
        assert_eq!(horizon_ms(0, Some(0)), 1);
    }

    #[test]
    fn the_driver_plays_seeks_rewinds_and_runs_to_the_end_natively() {
        // The driver's stepping without a browser: `performance_now` is 0 here, so deadlines
        // never pass and every advance arrives.
        let definition = crate::examples::default_example().definition;
        let scenario = crate::examples::default_example().scenario;
        let state = crate::state::AppState::initial();
        let Some(input) = state.run_input() else {
            panic!("the default example runs: {definition:.60} / {scenario:.60}");
        };
        let mut driver = Driver::new(true);
        driver.take_input(Some(input));
        assert!(driver.sim.is_some(), "{:?}", driver.setup_error);
        assert_eq!(driver.mode, PlayMode::Paused);

        driver.command(Command::Seek(5_000));
        assert!(!driver.slice() || driver.mode == PlayMode::Paused);
        assert_eq!(driver.now_ms(), 5_000);

        // Back in time: a new generation, stepped to the wanted moment.
        let generation = driver.generation;
        driver.command(Command::Seek(2_000));
        driver.slice();
        assert_eq!(driver.generation, generation + 1);
        assert_eq!(driver.now_ms(), 2_000);

        driver.command(Command::RunToEnd);
        while driver.mode == PlayMode::RunningToEnd {
            driver.slice();
        }
        assert!(driver.is_finished());
        let end = driver.now_ms();
        assert_eq!(driver.known_end_ms, Some(end));
        let on_command = Callback::noop();
        let snapshot = driver.snapshot(&on_command);
        assert_eq!(snapshot.horizon_ms, end);
        assert!(snapshot.finished);

        // Rewinding keeps the known end, so the scrubber still spans the whole run.
        driver.command(Command::Seek(1_000));
        driver.slice();
        assert_eq!(driver.now_ms(), 1_000);
        assert_eq!(driver.snapshot(&on_command).horizon_ms, end);
    }
}
