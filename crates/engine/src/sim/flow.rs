//! States: entering and leaving them, Task attempts, and Retry/Catch.

use std::rc::Rc;

use asl::{Integration, QueryLanguage};
use serde_json::{Map as JsonObject, Value};

use super::queue::Queue;
use super::{
    Attempt, ExecLink, ExecutionStatus, Fiber, FiberContext, FractionSet, Link, Mode, Phase,
    Simulation,
};
use crate::data::{compact, Data, Failure, ResultPath, Roots, SharedValue, Variables};
use crate::errors::{names, ErrorId};
use crate::history::{self, Details, EventType, Note, Shape};
use crate::jsonata;
use crate::program::{
    Assign, FaultItems, KindIr, Next, NumberSource, Program, StateId, TaskIr, TextSource, WaitIr,
};
use crate::report::{TimelineEntry, TimelineKind};

/// The cause of a throttled Lambda invocation ([INF]: AWS's wording varies by integration).
const THROTTLE_CAUSE: &str = "Rate Exceeded.";

impl Simulation {
    /// Enters the fiber's state: statistics, the `…StateEntered` event, per-visit counters, then
    /// what the state does. (The hot path of every state: the fiber, its state and its execution
    /// are each looked up once.)
    pub(super) fn enter_state(&mut self, program: &Program, f: u32) {
        let now = self.now;
        let Some(fiber) = self.fibers.get(f as usize) else {
            return;
        };
        let (exec, state_id, prev) = (fiber.exec, fiber.state, fiber.last_event);
        let Some(execution) = self.executions.get_mut(exec as usize) else {
            return;
        };
        if execution.event_count + 2 >= super::HISTORY_LIMIT {
            self.history_limit(f);
            return;
        }
        let Some(state) = program.states.get(state_id as usize) else {
            return;
        };
        if let Some(stats) = self.stats.get_mut(state_id as usize) {
            stats.entered += 1;
            stats.in_flight += 1;
        }
        let kind = state.entered_event;
        let id = match super::note_of(execution.history.is_some(), Shape::Entered, &fiber.input) {
            Some(note) => execution.record(now, prev, kind, state_id, note),
            None => {
                let input = fiber.input.clone();
                self.record_made(exec, prev, kind, state_id, Shape::Entered, &input)
            }
        };
        if let Some(fiber) = self.fibers.get_mut(f as usize) {
            fiber.last_event = id;
            fiber.in_state = true;
            fiber.entered_event = id;
            fiber.entered_prev = prev;
            fiber.entered_ms = now;
            fiber.retry_count = 0;
            fiber.retry_counters.clear();
            fiber.error_is_own = false;
            fiber.effective = None;
        }
        match &state.kind {
            KindIr::Task(_) => self.task_schedule(program, f),
            KindIr::Pass { .. } => self.pass(f),
            KindIr::Choice { .. } => self.choice(f),
            KindIr::Wait(_) => self.wait(f),
            KindIr::Succeed => self.succeed(f),
            KindIr::Fail { .. } => self.fail_state(f),
            KindIr::Parallel { .. } => self.parallel_start(f),
            KindIr::Map(map) => {
                if map.distributed {
                    self.distributed_start(f);
                } else {
                    self.inline_map_start(f);
                }
            }
        }
    }

    pub(super) fn state_name(&self, state: StateId) -> String {
        self.program
            .states
            .get(state as usize)
            .map_or(String::new(), |s| s.name.to_string())
    }

    /// The state's name, shared (for history events).
    #[inline]
    pub(super) fn shared_state_name(&self, state: StateId) -> Rc<str> {
        self.program
            .states
            .get(state as usize)
            .map_or_else(|| Rc::from(""), |s| s.name.clone())
    }

    fn language(&self, state: StateId) -> QueryLanguage {
        self.program
            .states
            .get(state as usize)
            .map_or(QueryLanguage::JsonPath, |s| s.language)
    }

    /// Marks the state as left (statistics).
    #[inline]
    pub(super) fn leave_state(&mut self, f: u32) {
        let Some(fiber) = self.fibers.get_mut(f as usize) else {
            return;
        };
        if !fiber.in_state {
            return;
        }
        fiber.in_state = false;
        let state = fiber.state;
        if let Some(stats) = self.stats.get_mut(state as usize) {
            stats.in_flight = stats.in_flight.saturating_sub(1);
        }
    }

    /// Emits the `…StateExited` event and moves on with `output`.
    #[inline]
    pub(super) fn complete_state(&mut self, f: u32, output: Data, next: Option<StateId>) {
        let state = self.state_of(f);
        if let Some(stats) = self.stats.get_mut(state as usize) {
            stats.succeeded += 1;
        }
        let program = self.program.clone();
        self.exit_and_go(&program, f, output, next, false);
    }

    /// Emits the `…StateExited` event and moves on with `output`. `at_end`: the caller ends its
    /// step with this, so an iteration or branch may enter a next Task state straight away
    /// (see [`Simulation::may_step_now`]).
    fn exit_and_go(
        &mut self,
        program: &Program,
        f: u32,
        output: Data,
        next: Option<StateId>,
        at_end: bool,
    ) {
        let Some(fiber) = self.fibers.get(f as usize) else {
            return;
        };
        let (exec, state_id, prev, in_state) =
            (fiber.exec, fiber.state, fiber.last_event, fiber.in_state);
        let Some(state) = program.states.get(state_id as usize) else {
            return;
        };
        let now = self.now;
        let id = match self.executions.get_mut(exec as usize) {
            Some(execution) => {
                match super::note_of(execution.history.is_some(), Shape::Exited, &output) {
                    Some(note) => execution.record(now, prev, state.exited_event, state_id, note),
                    None => {
                        let kind = state.exited_event;
                        self.record_made(exec, prev, kind, state_id, Shape::Exited, &output)
                    }
                }
            }
            None => 0,
        };
        // Leaving the state (as `leave_state`).
        if in_state {
            if let Some(stats) = self.stats.get_mut(state_id as usize) {
                stats.in_flight = stats.in_flight.saturating_sub(1);
            }
        }
        let Some(fiber) = self.fibers.get_mut(f as usize) else {
            return;
        };
        fiber.last_event = id;
        fiber.in_state = false;
        match next.map_or(state.next, Next::State) {
            Next::State(n) => {
                fiber.state = n;
                fiber.input = output;
                fiber.phase = Phase::Enter;
                let is_root = fiber.link == Link::Root;
                // Only into a Task, whose entry ends by scheduling it: a chain of direct steps
                // stays short whatever the definition's loops.
                let into_task = matches!(
                    program.states.get(n as usize).map(|s| &s.kind),
                    Some(KindIr::Task(_))
                );
                if at_end && !is_root && into_task && self.may_step_now() {
                    self.count_step(exec);
                    self.enter_state(program, f);
                } else {
                    self.resume_now(f);
                }
            }
            Next::End | Next::Own => self.end_fiber_then(f, Ok(output), at_end),
        }
    }

    /// Raises an error in the fiber's current state; Retry/Catch run at the same instant, after
    /// whatever else is due now.
    pub(super) fn raise(&mut self, f: u32, error: ErrorId, cause: Rc<str>, own: bool) {
        if own && error == names::QUERY_EVALUATION_ERROR {
            self.evaluation_failed(f, &cause);
        }
        if let Some(fiber) = self.fibers.get_mut(f as usize) {
            fiber.pending_error = Some((error, cause));
            fiber.error_is_own = own;
            fiber.phase = Phase::HandleError;
        }
        self.resume_now(f);
    }

    #[cold]
    #[inline(never)]
    fn raise_failure(&mut self, f: u32, failure: Failure) {
        let prefix = self.cause_prefix(f);
        let cause: Rc<str> = Rc::from(format!("{prefix}{}", failure.cause).as_str());
        self.raise(f, failure.error, cause, true);
    }

    /// "An error occurred while executing the state 'X' (entered at the event id #N). "
    #[cold]
    #[inline(never)]
    fn cause_prefix(&self, f: u32) -> String {
        let Some(fiber) = self.fibers.get(f as usize) else {
            return String::new();
        };
        format!(
            "An error occurred while executing the state '{}' (entered at the event id #{}). ",
            self.state_name(fiber.state),
            fiber.entered_event
        )
    }

    #[cold]
    #[inline(never)]
    fn evaluation_failed(&mut self, f: u32, cause: &str) {
        if !self.recording_fiber(f) {
            let (exec, prev) = self
                .fibers
                .get(f as usize)
                .map_or((0, 0), |x| (x.exec, x.entered_prev));
            let id = self.emit_side(exec, prev, EventType::EvaluationFailed, 0, Details::None);
            if let Some(fiber) = self.fibers.get_mut(f as usize) {
                fiber.last_event = id;
            }
            return;
        }
        let state = self.state_of(f);
        let location = cause
            .split("specified for the field '")
            .nth(1)
            .and_then(|rest| rest.split('\'').next())
            .map(str::to_string);
        let details = Details::EvaluationFailed(Box::new(history::EvaluationFailed {
            cause: Rc::from(cause),
            error: self.errors.shared(names::QUERY_EVALUATION_ERROR),
            location,
            state: self.shared_state_name(state),
        }));
        let (exec, prev) = self
            .fibers
            .get(f as usize)
            .map_or((0, 0), |x| (x.exec, x.entered_prev));
        let id = self.emit_side(exec, prev, EventType::EvaluationFailed, state, details);
        if let Some(fiber) = self.fibers.get_mut(f as usize) {
            fiber.last_event = id;
        }
    }

    // ----- data flow helpers ------------------------------------------------------------

    /// Evaluates with JSONPath roots over `input` for fiber `f`.
    fn with_roots<T>(
        &self,
        f: u32,
        input: &Value,
        map_item: Option<(u64, &Value)>,
        run: impl FnOnce(&Roots<'_>) -> T,
    ) -> T {
        let context = FiberContext {
            sim: self,
            fiber: f,
            item: map_item,
        };
        let fiber = self.fibers.get(f as usize);
        let vars = fiber.and_then(|x| x.vars.as_deref());
        let exec = fiber.and_then(|x| self.executions.get(x.exec as usize));
        let mut roots = Roots::new(input, &context, vars);
        roots.random = exec.map(|e| &e.rng);
        run(&roots)
    }

    /// `$states` for a JSONata state.
    pub(super) fn states_object(
        &self,
        f: u32,
        input: &Value,
        result: Option<&Value>,
        error_output: Option<&Value>,
        map_item: Option<(u64, &Value)>,
    ) -> Value {
        let mut states = JsonObject::new();
        states.insert("input".into(), input.clone());
        if let Some(r) = result {
            states.insert("result".into(), r.clone());
        }
        if let Some(e) = error_output {
            states.insert("errorOutput".into(), e.clone());
        }
        // Without a Map item, `with_env` makes the context only if an expression reads it.
        if map_item.is_some() {
            states.insert("context".into(), self.context_object(f, map_item));
        }
        Value::Object(states)
    }

    pub(super) fn with_env<T>(
        &self,
        f: u32,
        states: &Value,
        run: impl FnOnce(&jsonata::Env<'_>) -> T,
    ) -> T {
        let fiber = self.fibers.get(f as usize);
        let vars = fiber.and_then(|x| x.vars.as_deref());
        let exec = fiber.and_then(|x| self.executions.get(x.exec as usize));
        let make_context = || self.context_object(f, None);
        let mut env = jsonata::Env::new(states, vars);
        env.context = Some(&make_context);
        env.now_epoch_ms = self
            .scenario
            .start_epoch_ms
            .saturating_add(i64::try_from(self.now).unwrap_or(i64::MAX));
        env.random = exec.map(|e| &e.rng);
        run(&env)
    }

    /// Applies an `Assign` block: all values are evaluated first, then set.
    pub(super) fn apply_assign(
        &mut self,
        f: u32,
        assign: &Assign,
        path_input: &Value,
        states: Option<&Value>,
        field: &str,
    ) -> Result<(), Failure> {
        let values = match assign {
            Assign::Path(template) => {
                self.with_roots(f, path_input, None, |roots| template.evaluate(roots))?
            }
            Assign::Jsonata(template) => {
                let empty = Value::Null;
                let states = states.unwrap_or(&empty);
                self.with_env(f, states, |env| template.evaluate(env, field))?
            }
        };
        let Value::Object(map) = values else {
            return Err(Failure::runtime("Assign must be an object"));
        };
        let Some(fiber) = self.fibers.get_mut(f as usize) else {
            return Ok(());
        };
        let vars = fiber
            .vars
            .get_or_insert_with(|| Rc::new(Variables::default()));
        let vars = Rc::make_mut(vars);
        for (k, v) in map {
            vars.values.insert(k, v);
        }
        Ok(())
    }

    /// The effective input of a Task (InputPath + Parameters, or JSONata Arguments). Inlined
    /// into its callers for the common case, the input itself: a value returned through memory
    /// was read back whole while its parts were still being written, a stall that cost a Task
    /// attempt more than building the value did.
    #[inline(always)]
    fn effective_input(&self, f: u32) -> Result<Data, Failure> {
        if let Some(fiber) = self.fibers.get(f as usize) {
            if let Some(state) = self.program.states.get(fiber.state as usize) {
                if state.io.input_unchanged {
                    return Ok(fiber.input.clone());
                }
            }
        }
        self.effective_input_built(f)
    }

    #[inline(never)]
    fn effective_input_built(&self, f: u32) -> Result<Data, Failure> {
        let Some(fiber) = self.fibers.get(f as usize) else {
            return Err(Failure::runtime("lost fiber"));
        };
        let Some(state) = self.program.states.get(fiber.state as usize) else {
            return Err(Failure::runtime("lost state"));
        };
        let io = &state.io;
        match state.language {
            QueryLanguage::JsonPath => {
                // (An unchanged input was settled by `effective_input`.)
                let raw = self.value_of(&fiber.input);
                let selected =
                    self.with_roots(f, &raw, None, |roots| io.input_path.apply(roots, false))?;
                match &io.parameters {
                    None => Ok(Data::json(selected)),
                    Some(template) => self
                        .with_roots(f, &selected, None, |roots| template.evaluate(roots))
                        .map(Data::json),
                }
            }
            QueryLanguage::Jsonata => match &io.arguments {
                None => Ok(fiber.input.clone()),
                Some(arguments) => {
                    let raw = self.value_of(&fiber.input);
                    let states = self.states_object(f, &raw, None, None, None);
                    self.with_env(f, &states, |env| arguments.evaluate(env, "Arguments"))
                        .map(Data::json)
                }
            },
        }
    }

    /// State output from a result (ResultSelector, ResultPath, OutputPath, Assign — or JSONata
    /// Output and Assign).
    /// Inlined for the common case, the result itself (as [`Simulation::effective_input`]).
    #[inline(always)]
    pub(super) fn output_from_result(&mut self, f: u32, result: Data) -> Result<Data, Failure> {
        let state_id = self.state_of(f);
        let identity = self
            .program
            .states
            .get(state_id as usize)
            .is_some_and(|s| s.io.identity);
        self.output_of(f, identity, result)
    }

    /// [`Simulation::output_from_result`] for a caller that has the state at hand
    /// (`identity`: its `io.identity`).
    #[inline(always)]
    fn output_of(&mut self, f: u32, identity: bool, result: Data) -> Result<Data, Failure> {
        if identity {
            return Ok(result);
        }
        self.output_built(f, result)
    }

    #[inline(never)]
    fn output_built(&mut self, f: u32, result: Data) -> Result<Data, Failure> {
        let Some(fiber) = self.fibers.get(f as usize) else {
            return Err(Failure::runtime("lost fiber"));
        };
        let state_id = fiber.state;
        let program = self.program.clone();
        let Some(state) = program.states.get(state_id as usize) else {
            return Err(Failure::runtime("lost state"));
        };
        let io = &state.io;
        match state.language {
            QueryLanguage::JsonPath => {
                let result_value = match result {
                    Data::Json(value) => value,
                    other => self.value_of(&other),
                };
                let selected: Rc<Value> = match &io.result_selector {
                    None => result_value,
                    Some(template) => {
                        Rc::new(self.result_selected(f, template, io, result_value)?)
                    }
                };
                if let Some(assign) = &io.assign {
                    self.apply_assign(f, assign, &selected, None, "Assign")?;
                }
                if io.output_path.is_identity() {
                    // Nothing can fail after the ResultPath: the input is combined in place
                    // when the fiber was its only holder (a catcher gets it back otherwise).
                    let Some(fiber) = self.fibers.get_mut(f as usize) else {
                        return Err(Failure::runtime("lost fiber"));
                    };
                    let (raw, taken) = match &fiber.input {
                        Data::Json(_) => {
                            match std::mem::replace(&mut fiber.input, Data::empty_object()) {
                                Data::Json(value) => (value, true),
                                _ => return Err(Failure::runtime("lost input")),
                            }
                        }
                        other => {
                            let other = other.clone();
                            (self.value_of(&other), false)
                        }
                    };
                    return match io.result_path.apply_owned(raw, selected) {
                        Ok(combined) => Ok(Data::Json(combined)),
                        Err((failure, raw)) => {
                            if taken {
                                if let Some(x) = self.fibers.get_mut(f as usize) {
                                    x.input = Data::Json(raw);
                                }
                            }
                            Err(failure)
                        }
                    };
                }
                let raw = self.value_of(&fiber_input(&self.fibers, f));
                let combined = io.result_path.apply_shared(&raw, selected)?;
                self.with_roots(f, &combined, None, |roots| {
                    io.output_path.apply(roots, true)
                })
                .map(Data::json)
            }
            QueryLanguage::Jsonata => {
                let raw = self.value_of(&fiber_input(&self.fibers, f));
                let result_value = self.value_of(&result);
                let states = self.states_object(f, &raw, Some(&result_value), None, None);
                let output = match &io.output {
                    None => result,
                    Some(template) => Data::json(
                        self.with_env(f, &states, |env| template.evaluate(env, "Output"))?,
                    ),
                };
                if let Some(assign) = &io.assign {
                    self.apply_assign(f, assign, &raw, Some(&states), "Assign")?;
                }
                Ok(output)
            }
        }
    }

    /// Whether the state's output ignores its result: JSONPath with `ResultPath: null` and no
    /// `ResultSelector` or `Assign` reading the result on the way.
    pub(super) fn result_unused(&self, f: u32) -> bool {
        let state = self.state_of(f);
        self.program.states.get(state as usize).is_some_and(|s| {
            s.language == QueryLanguage::JsonPath
                && !s.io.identity
                && s.io.result_selector.is_none()
                && s.io.assign.is_none()
                && matches!(s.io.result_path, ResultPath::Discard)
        })
    }

    /// Output of a state without a result (Choice, Wait, Succeed): InputPath then OutputPath, or
    /// JSONata Output.
    fn passthrough_output(&mut self, f: u32) -> Result<Data, Failure> {
        let Some(fiber) = self.fibers.get(f as usize) else {
            return Err(Failure::runtime("lost fiber"));
        };
        let state_id = fiber.state;
        let input = fiber.input.clone();
        let program = self.program.clone();
        let Some(state) = program.states.get(state_id as usize) else {
            return Err(Failure::runtime("lost state"));
        };
        let io = &state.io;
        if io.identity {
            return Ok(input);
        }
        let raw = self.value_of(&input);
        match state.language {
            QueryLanguage::JsonPath => {
                let selected =
                    self.with_roots(f, &raw, None, |roots| io.input_path.apply(roots, false))?;
                if let Some(assign) = &io.assign {
                    self.apply_assign(f, assign, &selected, None, "Assign")?;
                }
                if io.output_path.is_identity() {
                    return Ok(Data::json(selected));
                }
                self.with_roots(f, &selected, None, |roots| {
                    io.output_path.apply(roots, true)
                })
                .map(Data::json)
            }
            QueryLanguage::Jsonata => {
                let states = self.states_object(f, &raw, None, None, None);
                let output = match &io.output {
                    None => input,
                    Some(template) => Data::json(
                        self.with_env(f, &states, |env| template.evaluate(env, "Output"))?,
                    ),
                };
                if let Some(assign) = &io.assign {
                    self.apply_assign(f, assign, &raw, Some(&states), "Assign")?;
                }
                Ok(output)
            }
        }
    }

    /// Reads a number field (`TimeoutSecondsPath`, `SecondsPath`, …) for fiber `f`.
    pub(super) fn read_number(
        &self,
        f: u32,
        source: &NumberSource,
        input: &Value,
        integer: bool,
    ) -> Result<f64, Failure> {
        match source {
            NumberSource::Literal(n) => Ok(*n),
            NumberSource::Path(path, field) => {
                let value = self
                    .with_roots(f, input, None, |roots| roots.select(path))
                    .map_err(|_| {
                        Failure::runtime(format!(
                            "The JSONPath '{}' specified for the field '{field}' could not be found in the input '{}'",
                            path.text(),
                            compact(input)
                        ))
                    })?;
                let kind = if integer { "integer" } else { "float" };
                let number = value.as_f64().filter(|n| !integer || n.fract() == 0.0);
                number.ok_or_else(|| {
                    let shown = match &value {
                        Value::String(s) => s.clone(),
                        other => compact(other),
                    };
                    Failure::runtime(format!(
                        "The {field} field refers to value \"{shown}\" which is not a valid {kind}: {}",
                        path.text()
                    ))
                })
            }
            NumberSource::Jsonata(expr) => {
                let states = self.states_object(f, input, None, None, None);
                let value = self
                    .with_env(f, &states, |env| expr.evaluate_defined(env))
                    .map_err(|e| e.into_failure("number"))?;
                value.as_f64().ok_or_else(|| Failure {
                    error: names::QUERY_EVALUATION_ERROR,
                    cause: format!(
                        "The JSONata expression '{}' returned {} where a number was expected",
                        expr.text(),
                        compact(&value)
                    ),
                })
            }
        }
    }

    fn read_text(
        &self,
        f: u32,
        source: &TextSource,
        input: &Value,
        field: &str,
    ) -> Result<String, Failure> {
        match source {
            TextSource::Literal(s) => Ok(s.to_string()),
            TextSource::Path(path) => {
                let value = self
                    .with_roots(f, input, None, |roots| roots.select(path))
                    .map_err(|_| {
                        Failure::runtime(format!(
                            "The JSONPath '{}' specified for the field '{field}Path' could not be found in the input '{}'",
                            path.text(),
                            compact(input)
                        ))
                    })?;
                Ok(match value {
                    Value::String(s) => s,
                    other => compact(&other),
                })
            }
            TextSource::Call(call) => {
                let value = self
                    .with_roots(f, input, None, |roots| crate::intrinsics::evaluate(call, roots))
                    .map_err(|m| Failure::runtime(format!("The value for the field '{field}Path' must be a valid intrinsic function: {m}")))?;
                Ok(match value {
                    Value::String(s) => s,
                    other => compact(&other),
                })
            }
            TextSource::Jsonata(expr) => {
                let states = self.states_object(f, input, None, None, None);
                let value = self
                    .with_env(f, &states, |env| expr.evaluate_defined(env))
                    .map_err(|e| e.into_failure(field))?;
                Ok(match value {
                    Value::String(s) => s,
                    other => compact(&other),
                })
            }
        }
    }

    // ----- Pass, Choice, Wait, Succeed, Fail --------------------------------------------

    fn pass(&mut self, f: u32) {
        let state_id = self.state_of(f);
        let program = self.program.clone();
        let Some(state) = program.states.get(state_id as usize) else {
            return;
        };
        let KindIr::Pass { result } = &state.kind else {
            return;
        };
        let input = self.fibers.get(f as usize).map(|x| x.input.clone());
        let Some(input) = input else { return };
        let output = if state.io.identity && result.is_none() {
            Ok(input)
        } else {
            match state.language {
                QueryLanguage::JsonPath => {
                    let effective = match self.effective_input(f) {
                        Ok(e) => e,
                        Err(failure) => return self.raise_failure(f, failure),
                    };
                    let result = match result {
                        Some(r) => Data::Json(Rc::new((**r).clone())),
                        None => effective,
                    };
                    self.output_from_result(f, result)
                }
                QueryLanguage::Jsonata => self.passthrough_output(f),
            }
        };
        match output {
            Ok(output) => self.complete_state(f, output, None),
            Err(failure) => self.raise_failure(f, failure),
        }
    }

    fn choice(&mut self, f: u32) {
        let state_id = self.state_of(f);
        let program = self.program.clone();
        let Some(state) = program.states.get(state_id as usize) else {
            return;
        };
        let KindIr::Choice { rules, default } = &state.kind else {
            return;
        };
        let Some(input) = self.fibers.get(f as usize).map(|x| x.input.clone()) else {
            return;
        };
        let raw = self.value_of(&input);
        let decision: Result<Option<usize>, Failure> = match state.language {
            QueryLanguage::JsonPath => {
                let effective = match self.with_roots(f, &raw, None, |roots| {
                    state.io.input_path.apply(roots, false)
                }) {
                    Ok(e) => e,
                    Err(failure) => return self.raise_failure(f, failure),
                };
                let empty = Value::Null;
                self.with_roots(f, &effective, None, |roots| {
                    let env = jsonata::Env::new(&empty, roots.variables);
                    for (i, rule) in rules.iter().enumerate() {
                        if rule.rule.matches(roots, &env)? {
                            return Ok(Some(i));
                        }
                    }
                    Ok(None)
                })
            }
            QueryLanguage::Jsonata => {
                let states = self.states_object(f, &raw, None, None, None);
                self.with_env(f, &states, |env| {
                    let roots_input = Value::Null;
                    let context = FiberContext {
                        sim: self,
                        fiber: f,
                        item: None,
                    };
                    let roots = Roots::new(&roots_input, &context, env.variables);
                    for (i, rule) in rules.iter().enumerate() {
                        if rule.rule.matches(&roots, env)? {
                            return Ok(Some(i));
                        }
                    }
                    Ok(None)
                })
            }
        };
        let chosen = match decision {
            Ok(c) => c,
            Err(failure) => return self.raise_failure(f, failure),
        };
        let next = match chosen {
            Some(i) => rules.get(i).map(|r| r.next),
            None => *default,
        };
        let Some(next) = next else {
            let cause: Rc<str> = Rc::from("No Matches!");
            return self.raise(f, names::NO_CHOICE_MATCHED, cause, true);
        };
        // A JSONata rule's own Output / Assign replace the state's.
        let rule = chosen.and_then(|i| rules.get(i));
        let output = if let Some(rule) = rule.filter(|r| r.output.is_some() || r.assign.is_some()) {
            let states = self.states_object(f, &raw, None, None, None);
            let output = match &rule.output {
                Some(template) => self
                    .with_env(f, &states, |env| template.evaluate(env, "Output"))
                    .map(Data::json),
                None => self.passthrough_output(f),
            };
            if let Some(assign) = &rule.assign {
                if let Err(failure) = self.apply_assign(f, assign, &raw, Some(&states), "Assign") {
                    return self.raise_failure(f, failure);
                }
            }
            output
        } else {
            self.passthrough_output(f)
        };
        match output {
            Ok(output) => self.complete_state(f, output, Some(next)),
            Err(failure) => self.raise_failure(f, failure),
        }
    }

    fn wait(&mut self, f: u32) {
        let state_id = self.state_of(f);
        let program = self.program.clone();
        let Some(KindIr::Wait(wait)) = program.states.get(state_id as usize).map(|s| &s.kind)
        else {
            return;
        };
        let Some(input) = self.fibers.get(f as usize).map(|x| x.input.clone()) else {
            return;
        };
        let raw = self.value_of(&input);
        let effective = if self.language(state_id) == QueryLanguage::JsonPath {
            let io = &program.states.get(state_id as usize).map(|s| &s.io);
            match io
                .map(|io| self.with_roots(f, &raw, None, |roots| io.input_path.apply(roots, false)))
            {
                Some(Ok(v)) => v,
                Some(Err(failure)) => return self.raise_failure(f, failure),
                None => (*raw).clone(),
            }
        } else {
            (*raw).clone()
        };
        let delay_ms: Result<u64, Failure> = match wait {
            WaitIr::Seconds(source) => self.read_number(f, source, &effective, true).and_then(|s| {
                if s < 0.0 {
                    Err(Failure::runtime(format!("The Seconds value {s} is negative")))
                } else {
                    Ok((s * 1000.0) as u64)
                }
            }),
            WaitIr::Timestamp(source) => self.read_text(f, source, &effective, "Timestamp").and_then(|text| {
                match crate::clock::parse_rfc3339(&text) {
                    Some(epoch) => {
                        let now_epoch = self.scenario.start_epoch_ms.saturating_add(self.now as i64);
                        Ok(u64::try_from(epoch - now_epoch).unwrap_or(0))
                    }
                    None => Err(Failure::runtime(match source {
                        TextSource::Path(p) => format!(
                            "The TimestampPath parameter does not reference a valid ISO-8601 extended offset date-time format string: {} == {text}",
                            p.text()
                        ),
                        _ => format!(
                            "The Timestamp field cannot be parsed as an ISO-8601 extended offset date-time format string: {text}"
                        ),
                    })),
                }
            }),
        };
        match delay_ms {
            Ok(ms) => {
                self.set_phase(f, Phase::WaitDone);
                self.resume_at(f, self.now.saturating_add(ms));
            }
            Err(failure) => self.raise_failure(f, failure),
        }
    }

    pub(super) fn wait_done(&mut self, f: u32) {
        match self.passthrough_output(f) {
            Ok(output) => self.complete_state(f, output, None),
            Err(failure) => self.raise_failure(f, failure),
        }
    }

    fn succeed(&mut self, f: u32) {
        match self.passthrough_output(f) {
            Ok(output) => self.complete_state(f, output, None),
            Err(failure) => self.raise_failure(f, failure),
        }
    }

    fn fail_state(&mut self, f: u32) {
        let state_id = self.state_of(f);
        let program = self.program.clone();
        let Some(KindIr::Fail { error, cause }) =
            program.states.get(state_id as usize).map(|s| &s.kind)
        else {
            return;
        };
        let Some(input) = self.fibers.get(f as usize).map(|x| x.input.clone()) else {
            return;
        };
        let raw = self.value_of(&input);
        let error_name = match error {
            None => Ok(String::new()),
            Some(source) => self.read_text(f, source, &raw, "Error"),
        };
        let cause_text = match cause {
            None => Ok(String::new()),
            Some(source) => self.read_text(f, source, &raw, "Cause"),
        };
        let (error_name, cause_text) = match (error_name, cause_text) {
            (Ok(e), Ok(c)) => (e, c),
            (Err(failure), _) | (_, Err(failure)) => return self.raise_failure(f, failure),
        };
        let error_id = self.intern_error(&error_name);
        if let Some(stats) = self.stats.get_mut(state_id as usize) {
            stats.failed += 1;
            *stats.errors.entry(error_name).or_insert(0) += 1;
        }
        self.leave_state(f);
        let exec_id = self.exec_of(f);
        if let Some(exec) = self.executions.get_mut(exec_id as usize) {
            exec.failed_state = Some(state_id);
        }
        self.end_fiber(f, Err((error_id, Rc::from(cause_text.as_str()))));
    }

    /// Interns an error name raised at run time.
    pub(super) fn intern_error(&mut self, name: &str) -> ErrorId {
        self.errors.intern(name)
    }

    // ----- Task --------------------------------------------------------------------------

    /// Evaluates the Task's input and schedules it (`TaskScheduled`); also used for retries.
    /// `program` is the simulation's, passed down the hot chain of a step (enter, schedule,
    /// start; done, exit, enter) instead of each function taking its own reference count.
    pub(super) fn task_schedule(&mut self, program: &Program, f: u32) {
        let Some(fiber) = self.fibers.get(f as usize) else {
            return;
        };
        let (state_id, exec, is_root) = (fiber.state, fiber.exec, fiber.link == Link::Root);
        let Some(state) = program.states.get(state_id as usize) else {
            return;
        };
        let KindIr::Task(task) = &state.kind else {
            return;
        };
        // As `effective_input`, with the fiber and state at hand, and written out here: through
        // that function's `Result` the common case measured 0.5 % more instructions per run.
        let effective = if state.io.input_unchanged {
            fiber.input.clone()
        } else {
            match self.effective_input_built(f) {
                Ok(e) => e,
                Err(failure) => return self.raise_failure(f, failure),
            }
        };
        let (timeout, heartbeat) = if task.timeout.is_none() && task.heartbeat.is_none() {
            (None, None)
        } else {
            let raw = self.fibers.get(f as usize).map(|x| x.input.clone());
            let timeout = self.task_seconds(f, task.timeout.as_ref(), raw.as_ref());
            let heartbeat = self.task_seconds(f, task.heartbeat.as_ref(), raw.as_ref());
            match (timeout, heartbeat) {
                (Ok(t), Ok(h)) => (t, h),
                (Err(failure), _) | (_, Err(failure)) => return self.raise_failure(f, failure),
            }
        };
        let lambda_fn = task.integration == Integration::LambdaFunction;
        let kind = if lambda_fn {
            EventType::LambdaFunctionScheduled
        } else {
            EventType::TaskScheduled
        };
        if timeout.is_none() && heartbeat.is_none() {
            let shape = if lambda_fn {
                Shape::ScheduledLambda
            } else {
                Shape::ScheduledTask
            };
            self.emit_value(f, kind, shape, &effective);
        } else {
            let details = if self.recording(exec) {
                Details::scheduled(
                    lambda_fn,
                    self.shared_of(&effective),
                    task.resource.clone(),
                    timeout,
                    heartbeat,
                )
            } else {
                Details::None
            };
            self.emit(f, kind, details);
        }
        if let Some(fiber) = self.fibers.get_mut(f as usize) {
            fiber.effective = Some(effective);
            fiber.timeout_ms = timeout.map(|s| s.saturating_mul(1000));
            fiber.heartbeat_ms = heartbeat.map(|s| s.saturating_mul(1000));
            fiber.phase = Phase::TaskStart;
        }
        // The root fiber is alone in its execution: it starts the Task in the same step.
        // Iterations and branches start it in a later step, after their siblings were
        // scheduled, as AWS records them (all `TaskScheduled`, then all `TaskStarted`) — or
        // straight away when no sibling has anything to do at this instant. (Every caller
        // ends its step here.)
        if is_root {
            self.task_start(program, f);
        } else if self.may_step_now() {
            self.count_step(exec);
            self.task_start(program, f);
        } else {
            self.resume_now(f);
        }
    }

    #[cold]
    #[inline(never)]
    fn task_seconds(
        &self,
        f: u32,
        source: Option<&NumberSource>,
        raw: Option<&Data>,
    ) -> Result<Option<u64>, Failure> {
        let Some(source) = source else {
            return Ok(None);
        };
        let value = match source {
            NumberSource::Literal(n) => *n,
            other => {
                let input = raw.map_or_else(|| Rc::new(Value::Null), |d| self.value_of(d));
                self.read_number(f, other, &input, true)?
            }
        };
        if value < 1.0 {
            return Err(Failure::runtime(format!(
                "The timeout value {value} must be at least 1 second"
            )));
        }
        Ok(Some(value as u64))
    }

    pub(super) fn task_start(&mut self, program: &Program, f: u32) {
        // Every step of a Task attempt reads the fiber, its state and its execution once: the
        // execution stays borrowed from the count of attempts to the fault decided (its history,
        // its random stream), beside the other fields of the simulation.
        let Some(fiber) = self.fibers.get(f as usize) else {
            return;
        };
        let (state_id, exec, generation) = (fiber.state, fiber.exec, fiber.generation);
        let (retry_count, item, prev) = (fiber.retry_count, fiber.item, fiber.last_event);
        let (timeout_ms, heartbeat_ms) = (fiber.timeout_ms, fiber.heartbeat_ms);
        let Some(KindIr::Task(task)) = program.states.get(state_id as usize).map(|s| &s.kind)
        else {
            return;
        };
        let now = self.now;
        if let Some(stats) = self.stats.get_mut(state_id as usize) {
            stats.attempts += 1;
        }
        let lambda_fn = task.integration == Integration::LambdaFunction;
        let Some(e) = self.executions.get_mut(exec as usize) else {
            return;
        };
        e.task_attempts += 1;
        let ordinal = e.lambda_invocations;
        if task.lambda {
            e.lambda_invocations += 1;
        }
        let key = e.key;
        if let Some(timeline) = e.timeline.as_mut() {
            timeline.push(TimelineEntry {
                time_ms: now,
                state: state_id,
                kind: TimelineKind::AttemptStarted {
                    attempt: retry_count,
                },
            });
        }
        let last_event = if lambda_fn {
            e.record(
                now,
                prev,
                EventType::LambdaFunctionStarted,
                state_id,
                Note::None,
            )
        } else {
            let note = Note::Plain(Shape::TaskStarted);
            e.record(now, prev, EventType::TaskStarted, state_id, note)
        };
        let throttled = task.lambda
            && match &self.mode {
                Mode::Replay { throttled, .. } => throttled.binary_search(&ordinal).is_ok(),
                _ => self
                    .scenario
                    .limits
                    .lambda_concurrency
                    .is_some_and(|limit| self.lambda_in_flight >= limit),
            };
        let (attempt, duration, busy) = if throttled {
            if !matches!(self.mode, Mode::Replay { .. }) {
                self.throttles.push((key, ordinal));
            }
            self.series.throttled(now);
            let d = self.scenario.limits.throttle_latency_ms;
            (Attempt::Throttled, d, 0)
        } else {
            let rng = e.rng.get_mut();
            let latency = task.behaviour.latency.sample(rng);
            let outcome = if task.behaviour.faults.is_empty() {
                Attempt::Success
            } else {
                let seed = self.scenario.seed;
                decide_fault(&mut self.fraction_sets, seed, rng, item, task, retry_count)
            };
            let beats = task
                .behaviour
                .heartbeat_interval_ms
                .zip(heartbeat_ms)
                .is_some_and(|(interval, limit)| interval <= limit);
            let heartbeat_fires = heartbeat_ms.filter(|h| !beats && latency > *h);
            let timeout_fires = timeout_ms.filter(|t| latency > *t);
            let (attempt, duration) = match (timeout_fires, heartbeat_fires) {
                (Some(t), Some(h)) if h < t => (Attempt::HeartbeatTimeout, h),
                (Some(t), _) => (Attempt::Timeout, t),
                (None, Some(h)) => (Attempt::HeartbeatTimeout, h),
                (None, None) => (outcome, latency),
            };
            if task.lambda {
                self.lambda_in_flight += 1;
                if let Some(stats) = self.stats.get_mut(state_id as usize) {
                    stats.lambda_invocations += 1;
                    stats.lambda_ms += latency;
                    if retry_count > 0 {
                        stats.lambda_retry_invocations += 1;
                        stats.lambda_retry_ms += latency;
                    }
                }
            }
            (attempt, duration, latency)
        };
        let attempt_row = if self.options.attempt_log && matches!(self.mode, Mode::Full) {
            self.log_attempt(state_id, key, now, busy, &attempt, duration)
        } else {
            u32::MAX
        };
        if let Some(fiber) = self.fibers.get_mut(f as usize) {
            fiber.attempt_row = attempt_row;
            fiber.attempt_waited = duration.min(u64::from(u32::MAX)) as u32;
            fiber.last_event = last_event;
            fiber.attempt = attempt;
            fiber.holds_lambda = task.lambda && !throttled;
            fiber.busy_until = now.saturating_add(busy);
            fiber.attempt_started = now;
            fiber.phase = Phase::TaskDone;
        }
        self.queue.push(
            now,
            now.saturating_add(duration),
            f,
            generation,
            super::queue::EventKind::Resume,
        );
    }
    /// Appends a Task attempt to the attempt log. Kept out of `task_start`: inlined there, it
    /// made the whole function slower than the log's own work (BENCHMARKS.md, "Monitoring").
    #[inline(never)]
    fn log_attempt(
        &mut self,
        state_id: StateId,
        key: u64,
        now: u64,
        busy: u64,
        attempt: &Attempt,
        duration: u64,
    ) -> u32 {
        let (outcome, error) = attempt.monitored();
        let record = crate::monitor::AttemptRecord::new(state_id, key, now, busy, outcome, error);
        self.attempts.push(record, duration)
    }

    pub(super) fn task_done(&mut self, program: &Program, f: u32) {
        let now = self.now;
        let Some(fiber) = self.fibers.get_mut(f as usize) else {
            return;
        };
        let (state_id, exec) = (fiber.state, fiber.exec);
        let Some(state) = program.states.get(state_id as usize) else {
            return;
        };
        let KindIr::Task(task) = &state.kind else {
            return;
        };
        release_lambda(fiber, f, now, &mut self.lambda_in_flight, &mut self.queue);
        let attempt = std::mem::replace(&mut fiber.attempt, Attempt::None);
        let started = fiber.attempt_started;
        let attempt_row = std::mem::replace(&mut fiber.attempt_row, u32::MAX);
        let waited = fiber.attempt_waited;
        self.attempts.end(attempt_row, started, waited, now);
        if let Some(effect) = task.behaviour.effect {
            self.count_effect(f, state_id, effect, &attempt);
        }
        let lambda_fn = task.integration == Integration::LambdaFunction;
        let (error, cause): (ErrorId, Rc<str>) = match attempt {
            Attempt::Success | Attempt::None => {
                let result = self.task_result(f, task);
                let result = match result {
                    Ok(r) => r,
                    Err((error, cause)) => {
                        self.attempts.fail(attempt_row, error);
                        self.task_failed_event(f, task, error, &cause);
                        self.count_error(state_id, error);
                        self.attempt_failed_timeline(exec, state_id, error, &cause, now - started);
                        return self.raise(f, error, cause, false);
                    }
                };
                if lambda_fn {
                    let kind = EventType::LambdaFunctionSucceeded;
                    self.emit_value(f, kind, Shape::LambdaSucceeded, &result);
                } else {
                    self.emit_value(f, EventType::TaskSucceeded, Shape::TaskSucceeded, &result);
                }
                self.timeline(
                    exec,
                    TimelineEntry {
                        time_ms: now,
                        state: state_id,
                        kind: TimelineKind::AttemptSucceeded {
                            latency_ms: now - started,
                        },
                    },
                );
                match self.output_of(f, state.io.identity, result) {
                    Ok(output) => {
                        if let Some(stats) = self.stats.get_mut(state_id as usize) {
                            stats.succeeded += 1;
                        }
                        // The end of the step.
                        self.exit_and_go(program, f, output, None, true);
                    }
                    Err(failure) => self.raise_failure(f, failure),
                }
                return;
            }
            Attempt::Fail { error, cause } => {
                self.task_failed_event(f, task, error, &cause);
                (error, cause)
            }
            Attempt::Throttled => {
                if let Some(stats) = self.stats.get_mut(state_id as usize) {
                    stats.throttles += 1;
                }
                let cause: Rc<str> = Rc::from(THROTTLE_CAUSE);
                self.task_failed_event(f, task, names::LAMBDA_TOO_MANY_REQUESTS, &cause);
                self.note_assumption(
                    "throttle_cause",
                    || format!("a throttled Lambda invocation fails with Lambda.TooManyRequestsException and the cause \"{THROTTLE_CAUSE}\" after limits.throttle_latency_ms"),
                );
                (names::LAMBDA_TOO_MANY_REQUESTS, cause)
            }
            Attempt::Timeout | Attempt::HeartbeatTimeout => {
                let heartbeat = matches!(attempt, Attempt::HeartbeatTimeout);
                let error = if heartbeat {
                    names::HEARTBEAT_TIMEOUT
                } else {
                    names::TIMEOUT
                };
                if let Some(stats) = self.stats.get_mut(state_id as usize) {
                    stats.timeouts += 1;
                }
                let details = if self.recording_fiber(f) {
                    Details::failure(
                        None,
                        Some(self.errors.shared(error)),
                        (!lambda_fn).then(|| task.resource.clone()),
                    )
                } else {
                    Details::None
                };
                self.emit(
                    f,
                    if lambda_fn {
                        EventType::LambdaFunctionTimedOut
                    } else {
                        EventType::TaskTimedOut
                    },
                    details,
                );
                (error, Rc::from(""))
            }
        };
        self.count_error(state_id, error);
        self.attempt_failed_timeline(exec, state_id, error, &cause, now - started);
        self.raise(f, error, cause, false);
    }

    /// Records a failed attempt in the execution's timeline, if it keeps one.
    fn attempt_failed_timeline(
        &mut self,
        exec: u32,
        state: StateId,
        error: ErrorId,
        cause: &Rc<str>,
        latency_ms: u64,
    ) {
        let keeps_timeline = self
            .executions
            .get(exec as usize)
            .is_some_and(|e| e.timeline.is_some());
        if !keeps_timeline {
            return;
        }
        self.timeline(
            exec,
            TimelineEntry {
                time_ms: self.now,
                state,
                kind: TimelineKind::AttemptFailed {
                    error,
                    latency_ms,
                    cause: cause.clone(),
                },
            },
        );
    }

    fn count_error(&mut self, state: StateId, error: ErrorId) {
        let name = self.errors.name(error);
        let Some(stats) = self.stats.get_mut(state as usize) else {
            return;
        };
        // The name is copied only the first time the state meets the error.
        match stats.errors.get_mut(name) {
            Some(count) => *count += 1,
            None => {
                stats.errors.insert(name.to_string(), 1);
            }
        }
    }

    fn task_failed_event(&mut self, f: u32, task: &TaskIr, error: ErrorId, cause: &Rc<str>) {
        let lambda_fn = task.integration == Integration::LambdaFunction;
        let details = if self.recording_fiber(f) {
            Details::failure(
                Some(cause.clone()),
                Some(self.errors.shared(error)),
                (!lambda_fn).then(|| task.resource.clone()),
            )
        } else {
            Details::None
        };
        self.emit(
            f,
            if lambda_fn {
                EventType::LambdaFunctionFailed
            } else {
                EventType::TaskFailed
            },
            details,
        );
    }

    /// Frees the Lambda slot now, or when the invocation really ends.
    pub(super) fn release_lambda(&mut self, f: u32) {
        if let Some(fiber) = self.fibers.get_mut(f as usize) {
            let now = self.now;
            release_lambda(fiber, f, now, &mut self.lambda_in_flight, &mut self.queue);
        }
    }

    /// What the function or service returned.
    fn task_result(&mut self, f: u32, task: &TaskIr) -> Result<Data, (ErrorId, Rc<str>)> {
        // The attempt's effective input, taken: a retry evaluates it again (`task_schedule`).
        let effective = self
            .fibers
            .get_mut(f as usize)
            .and_then(|x| x.effective.take())
            .unwrap_or_else(Data::empty_object);
        let behaviour = &task.behaviour;
        // The part of the result its state reads, when that is less than all of it.
        let mut overhead = 0;
        let result = match task.integration {
            Integration::LambdaInvoke => {
                let payload = match &behaviour.result {
                    Some(r) => (**r).clone(),
                    None => self.payload_of(effective),
                };
                let slim = !self.recording_fiber(f)
                    && self
                        .program
                        .states
                        .get(self.state_of(f) as usize)
                        .is_some_and(|s| s.io.result_reads_payload_only);
                if slim {
                    // Only `$.Payload` is read and no history holds the response: the rest of
                    // it is never made (its size still counts against the payload limit).
                    overhead = INVOKE_RESPONSE_OVERHEAD;
                    let mut response = JsonObject::new();
                    response.insert("Payload".into(), payload);
                    Data::json(Value::Object(response))
                } else {
                    let exec = self.exec_of(f);
                    let key = self.executions.get(exec as usize).map_or(0, |e| e.key);
                    let ordinal = self
                        .executions
                        .get(exec as usize)
                        .map_or(0, |e| e.task_attempts);
                    let request = crate::intrinsics::uuid_v4(
                        crate::rng::hash_words(&[key, u64::from(ordinal), 1]),
                        crate::rng::hash_words(&[key, u64::from(ordinal), 2]),
                    );
                    Data::json(invoke_response(payload, &request))
                }
            }
            _ => match &behaviour.result {
                Some(r) => Data::Json(r.clone()),
                None => effective,
            },
        };
        let limit = self.scenario.limits.payload_bytes;
        let too_large = match behaviour.result_bytes {
            Some(bytes) => bytes > limit,
            None => self.data_exceeds(&result, limit.saturating_sub(overhead)),
        };
        if too_large {
            let service = match task.integration {
                Integration::LambdaFunction | Integration::LambdaInvoke => "lambda".to_string(),
                _ => history::resource_parts(&task.resource).0,
            };
            return Err((
                names::DATA_LIMIT_EXCEEDED,
                Rc::from(
                    format!(
                        "The state/task '{service}' returned a result with a size exceeding the maximum number of bytes service limit."
                    )
                    .as_str(),
                ),
            ));
        }
        Ok(result)
    }

    // ----- Retry and Catch ------------------------------------------------------------------

    pub(super) fn handle_error(&mut self, f: u32) {
        let Some((error, cause)) = self
            .fibers
            .get_mut(f as usize)
            .and_then(|x| x.pending_error.take())
        else {
            return;
        };
        let own = self.fibers.get(f as usize).is_some_and(|x| x.error_is_own);
        let state_id = self.state_of(f);
        let exec = self.exec_of(f);
        let program = self.program.clone();
        let Some(state) = program.states.get(state_id as usize) else {
            return;
        };
        if error == names::EMPTY
            && state
                .retriers
                .iter()
                .map(|r| &r.patterns)
                .chain(state.catchers.iter().map(|c| &c.patterns))
                .flatten()
                .any(|p| *p == crate::errors::ErrorPattern::All)
        {
            self.note_assumption(
                "states_all_matches_empty_error",
                || "States.ALL matches the empty error of a Fail state without Error (recorded: named patterns do not; States.ALL is not recorded)".into(),
            );
        }
        let route = self.route(state_id, error);
        if error != names::RUNTIME {
            // The first retrier whose ErrorEquals matches decides; exhausted, it hands over to
            // Catch and later retriers are not tried.
            if let Some((index, retrier)) = state
                .retriers
                .iter()
                .enumerate()
                .find(|(_, r)| r.patterns.iter().any(|p| p.matches(error)))
            {
                let used = self
                    .fibers
                    .get(f as usize)
                    .and_then(|x| x.retry_counters.get(index).copied())
                    .unwrap_or(0);
                if let Some(r) = self.route_at(state_id, route) {
                    r.retrier = Some(index as u32);
                }
                if u64::from(used) < retrier.max_attempts {
                    let delay = self.retry_delay(exec, retrier, used);
                    if let Some(r) = self.route_at(state_id, route) {
                        r.retries += 1;
                        r.wait_ms += delay;
                        r.max_wait_ms = r.max_wait_ms.max(delay);
                    }
                    if let Some(fiber) = self.fibers.get_mut(f as usize) {
                        if fiber.retry_counters.len() <= index {
                            fiber.retry_counters.resize(index + 1, 0);
                        }
                        if let Some(c) = fiber.retry_counters.get_mut(index) {
                            *c += 1;
                        }
                        fiber.retry_count += 1;
                        fiber.phase = Phase::RetryDue;
                    }
                    if let Some(stats) = self.stats.get_mut(state_id as usize) {
                        stats.retries += 1;
                        stats.retrying += 1;
                        if let Some(r) = stats.retries_by_retrier.get_mut(index) {
                            *r += 1;
                        }
                    }
                    self.series.retried(self.now);
                    self.note_retry_wait(exec, true);
                    self.timeline(
                        exec,
                        TimelineEntry {
                            time_ms: self.now,
                            state: state_id,
                            kind: TimelineKind::Retry {
                                retrier: index as u32,
                                error,
                                delay_ms: delay,
                            },
                        },
                    );
                    self.resume_at(f, self.now.saturating_add(delay));
                    return;
                }
                if let Some(r) = self.route_at(state_id, route) {
                    r.exhausted += 1;
                }
            }
            if let Some((index, catcher)) = state
                .catchers
                .iter()
                .enumerate()
                .find(|(_, c)| c.patterns.iter().any(|p| p.matches(error)))
            {
                let output = self.catch_output(f, catcher, error, &cause);
                match output {
                    Ok(output) => {
                        if let Some(r) = self.route_at(state_id, route) {
                            r.catcher = Some(index as u32);
                            r.caught += 1;
                        }
                        // A caught Map or Parallel failure is still recorded as the state's
                        // failure before it exits (recorded from AWS).
                        let is_container =
                            matches!(state.kind, KindIr::Map(_) | KindIr::Parallel { .. });
                        if is_container && !own {
                            let kind = if matches!(state.kind, KindIr::Map(_)) {
                                EventType::MapStateFailed
                            } else {
                                EventType::ParallelStateFailed
                            };
                            self.emit(f, kind, Details::None);
                        }
                        if let Some(stats) = self.stats.get_mut(state_id as usize) {
                            stats.caught += 1;
                            if let Some(c) = stats.catches_by_catcher.get_mut(index) {
                                *c += 1;
                            }
                        }
                        self.series.caught(self.now);
                        self.note_caught(exec);
                        self.timeline(
                            exec,
                            TimelineEntry {
                                time_ms: self.now,
                                state: state_id,
                                kind: TimelineKind::Caught {
                                    catcher: index as u32,
                                    error,
                                    next: catcher.next,
                                },
                            },
                        );
                        self.exit_and_go(&program, f, output, Some(catcher.next), false);
                    }
                    Err(failure) => self.raise_failure(f, failure),
                }
                return;
            }
        }
        // Not handled: the state fails and the error goes up.
        if let Some(r) = self.route_at(state_id, route) {
            r.unhandled += 1;
        }
        if let Some(stats) = self.stats.get_mut(state_id as usize) {
            stats.failed += 1;
        }
        self.timeline(
            exec,
            TimelineEntry {
                time_ms: self.now,
                state: state_id,
                kind: TimelineKind::Failed { error },
            },
        );
        if let Some(e) = self.executions.get_mut(exec as usize) {
            e.failed_state = Some(state_id);
        }
        let is_container = matches!(state.kind, KindIr::Map(_) | KindIr::Parallel { .. });
        if is_container && !own {
            let kind = if matches!(state.kind, KindIr::Map(_)) {
                EventType::MapStateFailed
            } else {
                EventType::ParallelStateFailed
            };
            self.emit(f, kind, Details::None);
        }
        self.leave_state(f);
        self.end_fiber(f, Err((error, cause)));
    }

    /// The row of the error-routing table for `error` in `state` (made on its first use),
    /// with this meeting of the handlers counted.
    fn route(&mut self, state: StateId, error: ErrorId) -> usize {
        let Some(rows) = self.routes.get_mut(state as usize) else {
            return usize::MAX;
        };
        let index = match rows.iter().position(|r| r.error == error) {
            Some(i) => i,
            None => {
                rows.push(crate::monitor::ErrorRoute::new(error));
                rows.len() - 1
            }
        };
        if let Some(row) = rows.get_mut(index) {
            row.reached += 1;
        }
        index
    }

    fn route_at(
        &mut self,
        state: StateId,
        index: usize,
    ) -> Option<&mut crate::monitor::ErrorRoute> {
        self.routes.get_mut(state as usize)?.get_mut(index)
    }

    /// The wait before retry number `n` (0 = the first retry) of a retrier.
    fn retry_delay(&mut self, exec: u32, retrier: &crate::program::RetrierIr, n: u32) -> u64 {
        let base =
            crate::backoff::backoff_ms(retrier.interval_ms, retrier.backoff_rate, u64::from(n));
        let capped = |v: f64| crate::backoff::capped(v, retrier.max_delay_ms);
        let delay = if retrier.full_jitter {
            let u = match self.executions.get(exec as usize) {
                Some(e) => e.rng.borrow_mut().unit(),
                None => 0.0,
            };
            let cap_first = self.scenario.assumptions.cap_then_jitter;
            self.note_assumption(
                "retry_delay_order",
                || if cap_first {
                    "FULL jitter is drawn after MaxDelaySeconds caps the backoff (cap then jitter, as peer emulators do)".into()
                } else {
                    "FULL jitter is drawn before MaxDelaySeconds caps the backoff (jitter then cap)".into()
                },
            );
            if cap_first {
                u * capped(base)
            } else {
                capped(u * base)
            }
        } else {
            capped(base)
        };
        crate::backoff::whole_ms(delay)
    }

    fn catch_output(
        &mut self,
        f: u32,
        catcher: &crate::program::CatcherIr,
        error: ErrorId,
        cause: &str,
    ) -> Result<Data, Failure> {
        let mut error_output = JsonObject::new();
        error_output.insert(
            "Error".into(),
            Value::String(self.errors.name(error).to_string()),
        );
        error_output.insert("Cause".into(), Value::String(cause.to_string()));
        let error_output = Value::Object(error_output);
        let input = self.fibers.get(f as usize).map(|x| x.input.clone());
        let Some(input) = input else {
            return Err(Failure::runtime("lost fiber"));
        };
        let state_id = self.state_of(f);
        match self.language(state_id) {
            QueryLanguage::JsonPath => {
                let raw = self.value_of(&input);
                if let Some(assign) = &catcher.assign {
                    self.apply_assign(f, assign, &error_output, None, "Assign")?;
                }
                catcher
                    .result_path
                    .apply(&raw, error_output)
                    .map(Data::json)
            }
            QueryLanguage::Jsonata => {
                let raw = self.value_of(&input);
                let states = self.states_object(f, &raw, None, Some(&error_output), None);
                let output = match &catcher.output {
                    None => Data::json(error_output),
                    Some(template) => Data::json(
                        self.with_env(f, &states, |env| template.evaluate(env, "Output"))?,
                    ),
                };
                if let Some(assign) = &catcher.assign {
                    self.apply_assign(f, assign, &raw, Some(&states), "Assign")?;
                }
                Ok(output)
            }
        }
    }

    pub(super) fn retry_due(&mut self, f: u32) {
        let state_id = self.state_of(f);
        if let Some(stats) = self.stats.get_mut(state_id as usize) {
            stats.retrying = stats.retrying.saturating_sub(1);
        }
        let exec = self.exec_of(f);
        self.note_retry_wait(exec, false);
        if self.history_exhausted(exec) {
            self.history_limit(f);
            return;
        }
        let program = self.program.clone();
        match program.states.get(state_id as usize).map(|s| &s.kind) {
            Some(KindIr::Task(_)) => self.task_schedule(&program, f),
            Some(KindIr::Parallel { .. }) => self.parallel_start_again(f),
            Some(KindIr::Map(map)) => {
                if map.distributed {
                    self.distributed_start_again(f);
                } else {
                    self.inline_map_start_again(f);
                }
            }
            _ => {}
        }
    }

    /// The execution would pass the history limit: it fails.
    #[cold]
    #[inline(never)]
    fn history_limit(&mut self, f: u32) {
        let name = self.scenario.assumptions.history_limit_error.clone();
        self.note_assumption(
            "history_limit_error",
            || format!(
                "an execution whose history would pass {} events fails with {name}, its ExecutionFailed the last event within the limit: the branches and iterations still running stop without events of their own, for which there is no room (no recording settles the error name or those events; Express executions are held to the same limit so that a loop taking no time still ends)",
                super::HISTORY_LIMIT
            ),
        );
        let error = self.intern_error(&name);
        let cause: Rc<str> = Rc::from(
            format!(
                "The execution reached the maximum number of history events ({}).",
                super::HISTORY_LIMIT
            )
            .as_str(),
        );
        self.leave_state(f);
        // The execution fails as a whole, whatever Catch says.
        let exec = self.exec_of(f);
        if let Some(execution) = self.executions.get_mut(exec as usize) {
            execution.sealed = true;
        }
        let root = self.executions.get(exec as usize).map_or(f, |e| e.root);
        if root != f {
            let prev = self.fibers.get(f as usize).map_or(0, |x| x.last_event);
            self.abort_fiber(root, prev, Some(f));
        }
        self.abort_children_of_fiber(f);
        self.finish_execution(
            exec,
            f,
            ExecutionStatus::Failed,
            Some(error),
            Some(cause),
            None,
        );
    }

    /// Ends a fiber and reports to whoever started it.
    pub(super) fn end_fiber(&mut self, f: u32, result: Result<Data, (ErrorId, Rc<str>)>) {
        self.end_fiber_then(f, result, false);
    }

    /// [`Simulation::end_fiber`]; `at_end`: the caller ends its step with this (an Inline Map
    /// may then start its next iteration straight away).
    pub(super) fn end_fiber_then(
        &mut self,
        f: u32,
        result: Result<Data, (ErrorId, Rc<str>)>,
        at_end: bool,
    ) {
        let Some(fiber) = self.fibers.get(f as usize) else {
            return;
        };
        let link = fiber.link;
        let exec = fiber.exec;
        match link {
            Link::Root => match result {
                Ok(output) => self.finish_execution(
                    exec,
                    f,
                    ExecutionStatus::Succeeded,
                    None,
                    None,
                    Some(output),
                ),
                Err((error, cause)) => self.finish_execution(
                    exec,
                    f,
                    ExecutionStatus::Failed,
                    Some(error),
                    Some(cause),
                    None,
                ),
            },
            Link::Iteration { parent, index } => {
                let last = fiber.last_event;
                let in_task = matches!(
                    self.program
                        .states
                        .get(fiber.state as usize)
                        .map(|s| &s.kind),
                    Some(KindIr::Task(_))
                );
                self.free_fiber(f);
                self.iteration_ended(parent, index, last, result, in_task, at_end);
            }
            Link::Branch { parent, index } => {
                let last = fiber.last_event;
                self.free_fiber(f);
                self.branch_ended(parent, index, last, result);
            }
        }
    }

    /// An execution ends: its terminal event, then its parent (sim or Map Run) learns of it.
    pub(super) fn finish_execution(
        &mut self,
        exec: u32,
        f: u32,
        status: ExecutionStatus,
        error: Option<ErrorId>,
        cause: Option<Rc<str>>,
        output: Option<Data>,
    ) {
        let recording = self.recording(exec);
        let is_parent = self
            .executions
            .get(exec as usize)
            .is_some_and(|e| e.link == ExecLink::Parent);
        let output_value = if recording || is_parent {
            output.as_ref().map(|d| self.value_of(d))
        } else {
            None
        };
        let error_name = error.map(|e| self.errors.name(e).to_string());
        match status {
            ExecutionStatus::Succeeded => {
                let details = if recording {
                    Details::Output {
                        output: output_value.clone().map(SharedValue::Json),
                    }
                } else {
                    Details::None
                };
                self.emit(f, EventType::ExecutionSucceeded, details);
            }
            ExecutionStatus::Failed => {
                let details = if recording {
                    Details::failure(
                        cause.clone().filter(|c| !c.is_empty()),
                        error
                            .map(|e| self.errors.shared(e))
                            .filter(|e| !e.is_empty()),
                        None,
                    )
                } else {
                    Details::None
                };
                self.emit(f, EventType::ExecutionFailed, details);
            }
            ExecutionStatus::TimedOut => {
                let details = if recording {
                    Details::TimedOut {
                        error: error.map(|e| self.errors.shared(e)),
                        cause: cause.clone().filter(|c| !c.is_empty()),
                    }
                } else {
                    Details::None
                };
                self.emit(f, EventType::ExecutionTimedOut, details);
            }
            ExecutionStatus::Aborted => {
                self.emit(f, EventType::ExecutionAborted, Details::None);
            }
            ExecutionStatus::Running => {}
        }
        let Some(execution) = self.executions.get_mut(exec as usize) else {
            return;
        };
        execution.status = status;
        let link = execution.link;
        let failed_state = execution.failed_state;
        let attempts = execution.task_attempts;
        let traced = matches!(self.mode, Mode::Replay { .. })
            || matches!((self.mode.clone(), link), (Mode::Trace { run, child }, ExecLink::Child { run: r, child: c }) if run == r && child == c);
        if traced {
            let history = execution.history.take().unwrap_or_default();
            let timeline = execution.timeline.take().unwrap_or_default();
            self.traced = Some((history.events(&self.program), timeline, status));
            self.finished = true;
        }
        let root = execution.root;
        if matches!(status, ExecutionStatus::Failed | ExecutionStatus::TimedOut)
            && matches!(link, ExecLink::Child { .. })
        {
            self.keep_resume_point(exec);
        }
        let end_state = self
            .fibers
            .get(f as usize)
            .map_or(u16::MAX, |x| x.state.min(u32::from(u16::MAX - 1)) as u16);
        let history_full = self.history_exhausted(exec);
        self.free_fiber(root);
        if root != f {
            self.free_fiber(f);
        }
        match link {
            ExecLink::Parent => {
                self.finish_parent(
                    status,
                    error_name,
                    cause.map(|c| c.to_string()),
                    output_value,
                );
                // Keep the parent's history: it is the run's report.
                if let Some(e) = self.executions.get_mut(exec as usize) {
                    e.alive = false;
                }
            }
            ExecLink::Child { run, child } => {
                self.free_execution(exec);
                if !matches!(self.mode, Mode::Replay { .. }) {
                    self.child_ended(
                        run,
                        child,
                        status,
                        error,
                        cause,
                        output,
                        failed_state,
                        attempts,
                    );
                    if let Some(record) = self
                        .runs
                        .get_mut(run as usize)
                        .and_then(|r| r.children.get_mut(child as usize))
                    {
                        record.end_state = end_state;
                        record.history_full = history_full;
                    }
                }
            }
        }
    }

    pub(super) fn execution_timed_out(&mut self, exec: u32) {
        let Some(execution) = self.executions.get(exec as usize) else {
            return;
        };
        let root = execution.root;
        self.keep_resume_point(exec);
        let prev = self.fibers.get(root as usize).map_or(0, |x| x.last_event);
        self.abort_fiber_keep(root, prev);
        let cause: Rc<str> = Rc::from("");
        self.finish_execution(
            exec,
            root,
            ExecutionStatus::TimedOut,
            Some(names::TIMEOUT),
            Some(cause),
            None,
        );
    }

    /// Aborts an execution (a child of a failed Map Run, or a replayed child aborted at the
    /// recorded time).
    pub(super) fn abort_execution(&mut self, exec: u32, status: ExecutionStatus) {
        let Some(execution) = self.executions.get(exec as usize) else {
            return;
        };
        let root = execution.root;
        self.keep_resume_point(exec);
        let prev = self.fibers.get(root as usize).map_or(0, |x| x.last_event);
        self.abort_fiber_keep(root, prev);
        self.emit(root, EventType::ExecutionAborted, Details::None);
        let Some(execution) = self.executions.get_mut(exec as usize) else {
            return;
        };
        execution.status = status;
        let link = execution.link;
        if matches!(self.mode, Mode::Replay { .. })
            || matches!((self.mode.clone(), link), (Mode::Trace { run, child }, ExecLink::Child { run: r, child: c }) if run == r && child == c)
        {
            let history = execution.history.take().unwrap_or_default();
            let timeline = execution.timeline.take().unwrap_or_default();
            self.traced = Some((history.events(&self.program), timeline, status));
            self.finished = true;
        }
        self.free_fiber(root);
        if matches!(link, ExecLink::Child { .. }) {
            self.free_execution(exec);
        }
    }

    /// Aborts a fiber and everything under it, emitting the `…StateAborted` (and iteration)
    /// events with `prev` as their previous id, but keeps the fiber itself (for the execution's
    /// terminal event).
    fn abort_fiber_keep(&mut self, f: u32, prev: u32) {
        self.abort_children_of_fiber_with(f, prev);
        let in_state = self.fibers.get(f as usize).is_some_and(|x| x.in_state);
        if in_state {
            let state = self.state_of(f);
            let kind = self
                .program
                .states
                .get(state as usize)
                .map_or(EventType::TaskStateAborted, |s| s.aborted_event);
            let exec = self.exec_of(f);
            self.emit_side(exec, prev, kind, state, Details::None);
            self.leave_state(f);
        }
        self.release_lambda(f);
        if let Some(fiber) = self.fibers.get_mut(f as usize) {
            let was_waiting = fiber.phase == Phase::RetryDue;
            let (state, exec) = (fiber.state, fiber.exec);
            fiber.phase = Phase::Waiting;
            fiber.generation += 1;
            if was_waiting {
                if let Some(stats) = self.stats.get_mut(state as usize) {
                    stats.retrying = stats.retrying.saturating_sub(1);
                }
                self.note_retry_wait(exec, false);
            }
        }
    }

    /// Aborts a fiber and everything under it, and frees it.
    pub(super) fn abort_fiber(&mut self, f: u32, prev: u32, except: Option<u32>) {
        if Some(f) == except {
            return;
        }
        self.abort_fiber_keep(f, prev);
        self.free_fiber(f);
    }

    fn abort_children_of_fiber(&mut self, f: u32) {
        let prev = self.fibers.get(f as usize).map_or(0, |x| x.last_event);
        self.abort_children_of_fiber_with(f, prev);
    }
}

/// A fiber's input (an empty object for a fiber that is gone, which the caller reports).
fn fiber_input(fibers: &[super::Fiber], f: u32) -> Data {
    fibers
        .get(f as usize)
        .map_or_else(Data::empty_object, |x| x.input.clone())
}

/// How much longer the compact JSON of a whole Lambda Invoke response ([`invoke_response`]) is
/// than `{"Payload": …}` with the same payload (its request id is always 36 characters).
const INVOKE_RESPONSE_OVERHEAD: u64 = 586;

impl Simulation {
    /// A `ResultSelector` over a result. When it takes `$.Payload` whole under one key and
    /// reads the result nowhere else (`io.result_selector_moves`), and nothing else holds the
    /// result, the payload is moved into the output instead of copied; a failure is worked out
    /// again over the result as it was, so that its message is the same.
    fn result_selected(
        &self,
        f: u32,
        template: &crate::data::Template,
        io: &crate::program::Io,
        result: Rc<Value>,
    ) -> Result<Value, Failure> {
        let evaluate =
            |result: &Value| self.with_roots(f, result, None, |roots| template.evaluate(roots));
        let Some(key) = &io.result_selector_moves else {
            return evaluate(&result);
        };
        let mut owned = match Rc::try_unwrap(result) {
            Ok(value) => value,
            Err(shared) => return evaluate(&shared),
        };
        let payload = match owned.get_mut("Payload") {
            Some(slot) => std::mem::take(slot),
            None => return evaluate(&owned),
        };
        match evaluate(&owned) {
            Ok(mut output) => {
                if let Some(slot) = output.get_mut(key.as_str()) {
                    *slot = payload;
                }
                Ok(output)
            }
            Err(_) => {
                if let Some(slot) = owned.get_mut("Payload") {
                    *slot = payload;
                }
                evaluate(&owned)
            }
        }
    }

    /// A Lambda Invoke's `Payload` argument, moved out of the arguments when nothing else holds
    /// them.
    fn payload_of(&self, arguments: Data) -> Value {
        match arguments {
            Data::Json(rc) => match Rc::try_unwrap(rc) {
                Ok(Value::Object(mut map)) => map.remove("Payload").unwrap_or(Value::Null),
                Ok(_) => Value::Null,
                Err(rc) => rc.get("Payload").cloned().unwrap_or(Value::Null),
            },
            other => self
                .value_of(&other)
                .get("Payload")
                .cloned()
                .unwrap_or(Value::Null),
        }
    }
}

/// The Lambda Invoke API response around a function result.
fn invoke_response(payload: Value, request_id: &str) -> Value {
    let mut headers = JsonObject::new();
    headers.insert("Connection".into(), Value::String("keep-alive".into()));
    headers.insert(
        "Content-Type".into(),
        Value::String("application/json".into()),
    );
    headers.insert(
        "X-Amz-Executed-Version".into(),
        Value::String("$LATEST".into()),
    );
    headers.insert(
        "x-amzn-Remapped-Content-Length".into(),
        Value::String("0".into()),
    );
    headers.insert("x-amzn-RequestId".into(), Value::String(request_id.into()));
    let mut metadata = JsonObject::new();
    metadata.insert("AllHttpHeaders".into(), {
        let mut all = JsonObject::new();
        for (k, v) in &headers {
            all.insert(k.clone(), Value::Array(vec![v.clone()]));
        }
        Value::Object(all)
    });
    metadata.insert("HttpHeaders".into(), Value::Object(headers));
    metadata.insert("HttpStatusCode".into(), Value::from(200));
    let mut response_metadata = JsonObject::new();
    response_metadata.insert("RequestId".into(), Value::String(request_id.into()));
    let mut response = JsonObject::new();
    response.insert("ExecutedVersion".into(), Value::String("$LATEST".into()));
    response.insert("Payload".into(), payload);
    response.insert("SdkHttpMetadata".into(), Value::Object(metadata));
    response.insert(
        "SdkResponseMetadata".into(),
        Value::Object(response_metadata),
    );
    response.insert("StatusCode".into(), Value::from(200));
    Value::Object(response)
}

fn bit(words: &[u64], i: u32) -> bool {
    words
        .get((i / 64) as usize)
        .is_some_and(|w| w & (1 << (i % 64)) != 0)
}

/// Evaluates the scenario's fault rules in order for an attempt (`attempt`: its retry count),
/// drawing from the execution's stream.
fn decide_fault(
    fraction_sets: &mut [FractionSet],
    seed: u64,
    rng: &mut crate::rng::Stream,
    item: Option<super::ItemScope>,
    task: &TaskIr,
    attempt: u32,
) -> Attempt {
    for fault in &task.behaviour.faults {
        if let Some(attempts) = &fault.attempts {
            if attempts.binary_search(&u64::from(attempt)).is_err() {
                continue;
            }
        }
        if let Some(items) = &fault.items {
            let Some(scope) = item else { continue };
            let hit = match items {
                FaultItems::Indices(list) => {
                    let start = list.partition_point(|i| *i < u64::from(scope.start));
                    list.get(start).is_some_and(|i| *i < u64::from(scope.end))
                }
                FaultItems::Fraction {
                    fraction,
                    slot,
                    key,
                } => match fraction_sets.get(*slot) {
                    // Chosen for this Map's size already (every attempt after the first).
                    Some(Some((n, set))) if *n == scope.total => {
                        (scope.start..scope.end).any(|i| bit(set, i))
                    }
                    _ => {
                        let set =
                            fraction_set(fraction_sets, seed, *slot, *key, *fraction, scope.total);
                        (scope.start..scope.end).any(|i| bit(&set, i))
                    }
                },
            };
            if !hit {
                continue;
            }
        }
        if let Some(p) = fault.probability {
            if rng.unit() >= p {
                continue;
            }
        }
        return Attempt::Fail {
            error: fault.error,
            cause: fault.cause.clone(),
        };
    }
    Attempt::Success
}

/// The items chosen by a `fraction` fault for a Map of `total` items: exactly
/// `round(fraction × total)` of them, picked by the seed (Floyd's algorithm); kept in `slot`.
#[cold]
#[inline(never)]
fn fraction_set(
    fraction_sets: &mut [FractionSet],
    seed: u64,
    slot: usize,
    key: u64,
    fraction: f64,
    total: u32,
) -> Rc<Vec<u64>> {
    let wanted = libm::floor(fraction * f64::from(total) + 0.5) as u64;
    let wanted = wanted.min(u64::from(total));
    let mut words = vec![0u64; (total as usize).div_ceil(64)];
    let mut stream = crate::rng::Stream::new(seed, 0xFA17_0000_0000_0000 ^ key);
    let n = u64::from(total);
    for j in (n - wanted)..n {
        let t = stream.range_inclusive(0, j);
        let pick = if bit(&words, t as u32) { j } else { t };
        if let Some(w) = words.get_mut((pick / 64) as usize) {
            *w |= 1 << (pick % 64);
        }
    }
    let set = Rc::new(words);
    if let Some(entry) = fraction_sets.get_mut(slot) {
        *entry = Some((total, set.clone()));
    }
    set
}

/// Frees fiber `f`'s Lambda slot now, or schedules its release for when the invocation really
/// ends (see [`Simulation::release_lambda`]).
#[inline(always)]
fn release_lambda(fiber: &mut Fiber, f: u32, now: u64, in_flight: &mut u64, queue: &mut Queue) {
    if !fiber.holds_lambda {
        return;
    }
    fiber.holds_lambda = false;
    let until = fiber.busy_until;
    if until <= now {
        *in_flight = in_flight.saturating_sub(1);
    } else {
        queue.push(now, until, f, 0, super::queue::EventKind::LambdaRelease);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_slim_invoke_response_is_shorter_by_the_overhead_whatever_the_payload() {
        let request = crate::intrinsics::uuid_v4(7, 11);
        assert_eq!(request.len(), 36);
        for payload in [
            Value::Null,
            serde_json::json!({"order": {"id": 412, "lines": [1, 2, 3]}, "note": "é\n\"x\""}),
            Value::String("x".repeat(1000)),
        ] {
            let whole = crate::data::json_size(&invoke_response(payload.clone(), &request));
            let slim = crate::data::json_size(&serde_json::json!({ "Payload": payload }));
            assert_eq!((whole - slim) as u64, INVOKE_RESPONSE_OVERHEAD);
        }
    }
}
