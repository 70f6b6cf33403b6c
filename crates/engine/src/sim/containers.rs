//! Parallel and Inline Map: branches and iterations run as fibers of the same execution.

use std::collections::{BTreeMap, VecDeque};
use std::rc::Rc;

use asl::path::Root;
use asl::QueryLanguage;
use serde_json::{Map as JsonObject, Value};

use super::{ItemScope, Link, Phase, Simulation, INLINE_MAP_LIMIT};
use crate::data::{compact, Data, Failure, ItemArray, Selection, Variables};
use crate::errors::ErrorId;
use crate::history::{Details, EventType, Note};
use crate::program::{KindIr, Selector};
use crate::scenario::Items;

#[derive(Debug)]
pub(super) enum Container {
    Inline(InlineRun),
    Parallel(ParallelRun),
    Distributed { run: u32 },
}

#[derive(Debug)]
pub(super) struct InlineRun {
    items: InlineItems,
    /// Each iteration's output, shared with the iteration's history events (grown as
    /// iterations start: an execution passes its history limit long before a large count of
    /// scenario items would all start).
    results: Vec<Option<Data>>,
    /// Whether the Map's result uses `results` (not when `ResultPath: null` discards it).
    keep_results: bool,
    next: usize,
    running: Running,
    done: usize,
    limit: usize,
    /// The Map state's effective input (`$` for ItemSelector).
    effective: Rc<Value>,
}

/// Where an Inline Map's items come from.
#[derive(Debug)]
enum InlineItems {
    /// The array its `ItemsPath` (or JSONata `Items`) selected; each item is moved out into its
    /// iteration when that starts.
    Selected(Vec<Value>),
    /// The scenario's items standing in for them; each is built when its iteration starts.
    Scenario(Rc<Items>),
    /// The array a plain `ItemsPath` found in the shared input, for a Map without an
    /// `ItemSelector`: each iteration's input is a reference to its item, never a copy.
    Shared(Rc<ItemArray>),
}

/// What an iteration starts from.
enum InlineItem {
    /// The item itself, to shape with `ItemSelector`.
    Value(Value),
    /// The iteration's input as it is (an item of [`InlineItems::Shared`]).
    Input(Data),
}

impl InlineItems {
    fn len(&self) -> usize {
        match self {
            InlineItems::Selected(items) => items.len(),
            InlineItems::Scenario(items) => match &**items {
                Items::Count(n) => usize::try_from(*n).unwrap_or(usize::MAX),
                Items::Values(values) => values.len(),
            },
            InlineItems::Shared(items) => items.len(),
        }
    }

    /// Item `index`, handed to its iteration.
    fn take(&mut self, index: usize) -> InlineItem {
        let value = match self {
            InlineItems::Shared(items) => {
                return InlineItem::Input(Data::Element {
                    items: items.clone(),
                    index: index as u32,
                })
            }
            InlineItems::Selected(items) => items.get_mut(index).map(std::mem::take),
            InlineItems::Scenario(items) => match &**items {
                Items::Count(_) => {
                    let mut object = JsonObject::new();
                    object.insert("index".into(), Value::from(index));
                    Some(Value::Object(object))
                }
                Items::Values(values) => values.get(index).cloned(),
            },
        };
        InlineItem::Value(value.unwrap_or(Value::Null))
    }
}

#[derive(Debug)]
pub(super) struct ParallelRun {
    results: Vec<Option<Value>>,
    running: Running,
    done: usize,
}

/// The iterations or branches running, by index. They start in index order and end in any
/// order, so they sit in a window of slots from the lowest index still running: starting one
/// appends a slot, ending one empties its slot (and the window's front moves past empty
/// slots), with no search and no shifting.
#[derive(Debug, Default)]
pub(super) struct Running {
    /// The fiber of index `base + i`, or [`EMPTY`].
    slots: VecDeque<u32>,
    base: u32,
    len: usize,
}

/// A slot of [`Running`] whose iteration or branch is not running.
const EMPTY: u32 = u32::MAX;

impl Running {
    fn insert(&mut self, index: u32, fiber: u32) {
        if self.slots.is_empty() {
            self.base = index;
        }
        if index < self.base {
            // Not in index order (no caller does this): make room at the front.
            for _ in index..self.base {
                self.slots.push_front(EMPTY);
            }
            self.base = index;
        }
        let at = (index - self.base) as usize;
        while self.slots.len() <= at {
            self.slots.push_back(EMPTY);
        }
        if let Some(slot) = self.slots.get_mut(at) {
            if *slot == EMPTY {
                self.len += 1;
            }
            *slot = fiber;
        }
    }

    fn remove(&mut self, index: u32) {
        let Some(at) = index.checked_sub(self.base) else {
            return;
        };
        if let Some(slot) = self.slots.get_mut(at as usize) {
            if *slot != EMPTY {
                *slot = EMPTY;
                self.len -= 1;
            }
        }
        while self.slots.front() == Some(&EMPTY) {
            self.slots.pop_front();
            self.base += 1;
        }
    }

    fn len(&self) -> usize {
        self.len
    }

    /// Every `(index, fiber)`, in index order, leaving none.
    fn take(&mut self) -> Vec<(u32, u32)> {
        let base = self.base;
        let taken = self
            .slots
            .iter()
            .enumerate()
            .filter(|(_, fiber)| **fiber != EMPTY)
            .map(|(i, fiber)| (base + i as u32, *fiber))
            .collect();
        self.slots.clear();
        self.len = 0;
        taken
    }
}

impl Simulation {
    /// Variables an iteration or branch sees: its own scope over the enclosing one.
    fn inner_vars(&self, f: u32) -> Option<Rc<Variables>> {
        self.fibers
            .get(f as usize)
            .and_then(|x| x.vars.clone())
            .map(|outer| {
                Rc::new(Variables {
                    values: BTreeMap::new(),
                    parent: Some(outer),
                })
            })
    }

    /// The Map or Parallel state's effective input.
    pub(super) fn container_input(&mut self, f: u32) -> Result<Rc<Value>, Failure> {
        let state_id = self.state_of(f);
        let program = self.program.clone();
        let Some(state) = program.states.get(state_id as usize) else {
            return Err(Failure::runtime("lost state"));
        };
        let Some(input) = self.fibers.get(f as usize).map(|x| x.input.clone()) else {
            return Err(Failure::runtime("lost fiber"));
        };
        let raw = self.value_of(&input);
        match state.language {
            QueryLanguage::JsonPath => {
                if state.io.input_path.is_identity() && state.io.parameters.is_none() {
                    return Ok(raw);
                }
                let selected = self.with_roots_pub(f, &raw, None, |roots| {
                    state.io.input_path.apply(roots, false)
                })?;
                match &state.io.parameters {
                    None => Ok(Rc::new(selected)),
                    Some(t) => self
                        .with_roots_pub(f, &selected, None, |roots| t.evaluate(roots))
                        .map(Rc::new),
                }
            }
            QueryLanguage::Jsonata => match &state.io.arguments {
                None => Ok(raw),
                Some(arguments) => {
                    let states = self.states_object(f, &raw, None, None, None);
                    self.with_env(f, &states, |env| arguments.evaluate(env, "Arguments"))
                        .map(Rc::new)
                }
            },
        }
    }

    // ----- Parallel ---------------------------------------------------------------------

    pub(super) fn parallel_start(&mut self, f: u32) {
        let effective = match self.container_input(f) {
            Ok(v) => v,
            Err(failure) => return self.raise_own(f, failure),
        };
        if let Some(fiber) = self.fibers.get_mut(f as usize) {
            fiber.effective = Some(Data::Json(effective));
        }
        self.parallel_start_again(f);
    }

    /// Starts (or, on retry, restarts) every branch.
    pub(super) fn parallel_start_again(&mut self, f: u32) {
        let state_id = self.state_of(f);
        let program = self.program.clone();
        let Some(KindIr::Parallel { branches }) =
            program.states.get(state_id as usize).map(|s| &s.kind)
        else {
            return;
        };
        let effective = self
            .fibers
            .get(f as usize)
            .and_then(|x| x.effective.clone())
            .unwrap_or_else(Data::empty_object);
        self.emit(f, EventType::ParallelStateStarted, Details::None);
        let (exec, last, item) = self
            .fibers
            .get(f as usize)
            .map_or((0, 0, None), |x| (x.exec, x.last_event, x.item));
        let mut running = Running::default();
        let vars = self.inner_vars(f);
        let mut started = Vec::new();
        for (index, machine) in branches.iter().enumerate() {
            let start = program
                .machines
                .get(*machine as usize)
                .map_or(0, |m| m.start);
            let child = self.new_fiber(
                exec,
                start,
                effective.clone(),
                Link::Branch {
                    parent: f,
                    index: index as u32,
                },
                vars.clone(),
                last,
                item,
            );
            running.insert(index as u32, child);
            started.push(child);
        }
        if let Some(fiber) = self.fibers.get_mut(f as usize) {
            fiber.container = Some(Box::new(Container::Parallel(ParallelRun {
                results: vec![None; branches.len()],
                running,
                done: 0,
            })));
            fiber.phase = Phase::Waiting;
        }
        for child in started {
            self.resume_now(child);
        }
        if branches.is_empty() {
            self.parallel_finished(f);
        }
    }

    pub(super) fn branch_ended(
        &mut self,
        parent: u32,
        index: u32,
        last: u32,
        result: Result<Data, (ErrorId, Rc<str>)>,
    ) {
        match result {
            Ok(output) => {
                let value = (*self.value_of(&output)).clone();
                let all_done = match self
                    .fibers
                    .get_mut(parent as usize)
                    .and_then(|x| x.container.as_deref_mut())
                {
                    Some(Container::Parallel(run)) => {
                        run.running.remove(index);
                        if let Some(slot) = run.results.get_mut(index as usize) {
                            *slot = Some(value);
                        }
                        run.done += 1;
                        run.done == run.results.len()
                    }
                    _ => return,
                };
                if all_done {
                    if let Some(fiber) = self.fibers.get_mut(parent as usize) {
                        fiber.last_event = last;
                    }
                    self.parallel_finished(parent);
                }
            }
            Err((error, cause)) => {
                // One branch failed: the others stop, and the Parallel state handles the error.
                if let Some(fiber) = self.fibers.get_mut(parent as usize) {
                    fiber.last_event = last;
                }
                let running: Vec<u32> = match self
                    .fibers
                    .get_mut(parent as usize)
                    .and_then(|x| x.container.as_deref_mut())
                {
                    Some(Container::Parallel(run)) => {
                        run.running.remove(index);
                        run.running
                            .take()
                            .into_iter()
                            .map(|(_, child)| child)
                            .collect()
                    }
                    _ => Vec::new(),
                };
                for child in running {
                    self.abort_fiber(child, last, None);
                }
                if let Some(fiber) = self.fibers.get_mut(parent as usize) {
                    fiber.container = None;
                }
                self.raise(parent, error, cause, false);
            }
        }
    }

    fn parallel_finished(&mut self, f: u32) {
        let results: Vec<Value> = match self
            .fibers
            .get_mut(f as usize)
            .and_then(|x| x.container.take())
            .map(|c| *c)
        {
            Some(Container::Parallel(run)) => run
                .results
                .into_iter()
                .map(|r| r.unwrap_or(Value::Null))
                .collect(),
            _ => Vec::new(),
        };
        let (exec, last) = self
            .fibers
            .get(f as usize)
            .map_or((0, 0), |x| (x.exec, x.last_event));
        self.emit_side(
            exec,
            last,
            EventType::ParallelStateSucceeded,
            0,
            Details::None,
        );
        match self.output_from_result(f, Data::json(Value::Array(results))) {
            Ok(output) => self.complete_state(f, output, None),
            Err(failure) => self.raise_own(f, failure),
        }
    }

    // ----- Inline Map -------------------------------------------------------------------

    pub(super) fn inline_map_start(&mut self, f: u32) {
        let effective = match self.container_input(f) {
            Ok(v) => v,
            Err(failure) => return self.raise_own(f, failure),
        };
        if let Some(fiber) = self.fibers.get_mut(f as usize) {
            fiber.effective = Some(Data::Json(effective));
        }
        self.inline_map_start_again(f);
    }

    /// The scenario's items for an Inline Map, when they stand in for its `ItemsPath` (or JSONata
    /// `Items`): the scenario's `maps.<Name>.items`, or its `items` when the machine has no
    /// Distributed Map and this Map is not inside another Map's iterations. Noted among the
    /// run's assumptions, since the run then ignores what the execution input holds there.
    fn scenario_items(&mut self, f: u32) -> Option<Rc<Items>> {
        let state_id = self.state_of(f);
        let program = self.program.clone();
        let state = program.states.get(state_id as usize)?;
        let KindIr::Map(map) = &state.kind else {
            return None;
        };
        let items = map.scenario_items.clone()?;
        let field = match state.language {
            QueryLanguage::Jsonata => "Items",
            QueryLanguage::JsonPath => "ItemsPath",
        };
        let plural = |n: usize| if n == 1 { "" } else { "s" };
        let what = match &*items {
            Items::Count(n) => format!(
                "{n} item{} {{\"index\": i}}",
                plural(usize::try_from(*n).unwrap_or(usize::MAX))
            ),
            Items::Values(values) => format!("its {} item{}", values.len(), plural(values.len())),
        };
        let note = format!(
            "the scenario's items stand in for the {field} of the Inline Map {} ({what})",
            state.name
        );
        let notes = self.assumptions_used.entry("inline_map_items").or_default();
        if !notes.contains(&note) {
            if !notes.is_empty() {
                notes.push_str("; ");
            }
            notes.push_str(&note);
        }
        Some(items)
    }

    /// The items of a Map state from its effective input (`ItemsPath` or JSONata `Items`).
    pub(super) fn map_items(&mut self, f: u32, effective: &Value) -> Result<Vec<Value>, Failure> {
        let state_id = self.state_of(f);
        let program = self.program.clone();
        let Some(state) = program.states.get(state_id as usize) else {
            return Err(Failure::runtime("lost state"));
        };
        let KindIr::Map(map) = &state.kind else {
            return Err(Failure::runtime("not a Map"));
        };
        let items = match (&state.language, &map.items_jsonata) {
            (QueryLanguage::Jsonata, Some(template)) => {
                let raw = self
                    .fibers
                    .get(f as usize)
                    .map(|x| x.input.clone())
                    .map_or_else(|| Rc::new(Value::Null), |d| self.value_of(&d));
                let states = self.states_object(f, &raw, None, None, None);
                let value = self.with_env(f, &states, |env| template.evaluate(env, "Items"))?;
                return match value {
                    Value::Array(items) => Ok(items),
                    other => Err(Failure {
                        error: crate::errors::names::QUERY_EVALUATION_ERROR,
                        cause: format!(
                            "The JSONata expression specified for the field 'Items' returned an unexpected result type. Expected 'array', but was '{}' for value: {}",
                            json_type(&other),
                            compact(&other)
                        ),
                    }),
                };
            }
            _ => self.with_roots_pub(f, effective, None, |roots| {
                map.items_path.apply(roots, false)
            })?,
        };
        match items {
            Value::Array(items) => Ok(items),
            other => Err(Failure::runtime(format!(
                "Map state input must be an array but was: {}",
                compact(&other)
            ))),
        }
    }

    /// The items a JSONPath Map without `ItemSelector` selects with `$` or a plain reference
    /// path on its input, left where they are; `None` for anything else (JSONata, variables,
    /// filters, a missing or non-array value: [`Simulation::map_items`] handles those, with
    /// their errors).
    fn shared_items(&self, f: u32, effective: &Rc<Value>) -> Option<ItemArray> {
        let state = self.program.states.get(self.state_of(f) as usize)?;
        let KindIr::Map(map) = &state.kind else {
            return None;
        };
        if state.language != QueryLanguage::JsonPath || map.item_selector.is_some() {
            return None;
        }
        let path = match &map.items_path {
            Selection::Identity => None,
            Selection::Path(path) if *path.root() == Root::Input && path.is_reference() => {
                Some(path.clone())
            }
            _ => return None,
        };
        ItemArray::new(effective.clone(), path, &self.scenario.item_bounds)
    }

    /// The input of iteration `index`: the item, shaped by `ItemSelector`.
    pub(super) fn iteration_input(
        &mut self,
        f: u32,
        index: u64,
        item: Value,
        effective: &Value,
    ) -> Result<Value, Failure> {
        let state_id = self.state_of(f);
        let program = self.program.clone();
        let Some(KindIr::Map(map)) = program.states.get(state_id as usize).map(|s| &s.kind) else {
            return Ok(item);
        };
        match &map.item_selector {
            None => Ok(item),
            Some(Selector::Path(template)) => {
                self.with_roots_pub(f, effective, Some((index, &item)), |roots| {
                    template.evaluate(roots)
                })
            }
            Some(Selector::Jsonata(template)) => {
                let states = self.states_object(f, effective, None, None, Some((index, &item)));
                self.with_env(f, &states, |env| template.evaluate(env, "ItemSelector"))
            }
        }
    }

    pub(super) fn max_concurrency(
        &mut self,
        f: u32,
        effective: &Value,
    ) -> Result<Option<u64>, Failure> {
        let state_id = self.state_of(f);
        let program = self.program.clone();
        let Some(KindIr::Map(map)) = program.states.get(state_id as usize).map(|s| &s.kind) else {
            return Ok(None);
        };
        let Some(source) = &map.max_concurrency else {
            return Ok(None);
        };
        let n = self.read_number(f, source, effective, true)?;
        if n < 0.0 {
            return Err(Failure::runtime("MaxConcurrency cannot be negative."));
        }
        Ok(if n == 0.0 { None } else { Some(n as u64) })
    }

    /// Starts (or, on retry, restarts) the iterations.
    pub(super) fn inline_map_start_again(&mut self, f: u32) {
        let effective = self
            .fibers
            .get(f as usize)
            .and_then(|x| x.effective.clone())
            .map_or_else(|| Rc::new(Value::Null), |d| self.value_of(&d));
        let items = match self.scenario_items(f) {
            Some(items) => InlineItems::Scenario(items),
            None => match self.shared_items(f, &effective) {
                Some(items) => InlineItems::Shared(Rc::new(items)),
                None => match self.map_items(f, &effective) {
                    Ok(items) => InlineItems::Selected(items),
                    Err(failure) => return self.raise_own(f, failure),
                },
            },
        };
        let limit = match self.max_concurrency(f, &effective) {
            Ok(limit) => limit.map_or(INLINE_MAP_LIMIT, |l| (l as usize).min(INLINE_MAP_LIMIT)),
            Err(failure) => return self.raise_own(f, failure),
        };
        let details = if self.recording_fiber(f) {
            Details::Length {
                length: items.len() as u64,
            }
        } else {
            Details::None
        };
        self.emit(f, EventType::MapStateStarted, details);
        let count = items.len();
        // A Map whose result is discarded keeps no iteration outputs.
        let keep_results = !self.result_unused(f);
        if let Some(fiber) = self.fibers.get_mut(f as usize) {
            fiber.container = Some(Box::new(Container::Inline(InlineRun {
                // Every iteration records events, so no more than the history limit can start.
                results: Vec::with_capacity(if keep_results {
                    count.min(super::HISTORY_LIMIT as usize)
                } else {
                    0
                }),
                keep_results,
                items,
                next: 0,
                running: Running::default(),
                done: 0,
                limit: limit.max(1),
                effective,
            })));
            fiber.phase = Phase::Waiting;
        }
        if count == 0 {
            self.inline_map_finished(f);
            return;
        }
        self.start_iterations(f);
    }

    fn start_iterations(&mut self, f: u32) {
        self.start_iterations_then(f, false);
    }

    /// Starts iterations while the concurrency limit allows. `at_end`: the caller ends its step
    /// with this, so the last iteration started may enter its first state straight away when
    /// that is a Task (see [`Simulation::may_step_now`]).
    fn start_iterations_then(&mut self, f: u32, at_end: bool) {
        loop {
            let next = match self
                .fibers
                .get_mut(f as usize)
                .and_then(|x| x.container.as_deref_mut())
            {
                Some(Container::Inline(run))
                    if run.running.len() < run.limit && run.next < run.items.len() =>
                {
                    let index = run.next;
                    run.next += 1;
                    let item = run.items.take(index);
                    (index, item, run.effective.clone(), run.items.len())
                }
                _ => return,
            };
            let (index, item, effective, total) = next;
            let input = match item {
                InlineItem::Input(input) => input,
                InlineItem::Value(item) => {
                    match self.iteration_input(f, index as u64, item, &effective) {
                        Ok(v) => Data::json(v),
                        Err(failure) => return self.raise_own(f, failure),
                    }
                }
            };
            let state_id = self.state_of(f);
            let (exec, last) = self
                .fibers
                .get(f as usize)
                .map_or((0, 0), |x| (x.exec, x.last_event));
            let started = self.emit_side(
                exec,
                last,
                EventType::MapIterationStarted,
                state_id,
                Note::Iteration(index as u32),
            );
            let processor = match self.program.states.get(state_id as usize).map(|s| &s.kind) {
                Some(KindIr::Map(map)) => map.processor,
                _ => 0,
            };
            let start = self
                .program
                .machines
                .get(processor as usize)
                .map_or(0, |m| m.start);
            let vars = self.inner_vars(f);
            let scope = ItemScope {
                start: index as u32,
                end: index as u32 + 1,
                total: total as u32,
            };
            let child = self.new_fiber(
                exec,
                start,
                input,
                Link::Iteration {
                    parent: f,
                    index: index as u32,
                },
                vars,
                started,
                Some(scope),
            );
            if let Some(Container::Inline(run)) = self
                .fibers
                .get_mut(f as usize)
                .and_then(|x| x.container.as_deref_mut())
            {
                run.running.insert(index as u32, child);
            }
            let last_started = match self
                .fibers
                .get(f as usize)
                .and_then(|x| x.container.as_deref())
            {
                Some(Container::Inline(run)) => {
                    run.running.len() >= run.limit || run.next >= run.items.len()
                }
                _ => true,
            };
            let into_task = matches!(
                self.program.states.get(start as usize).map(|s| &s.kind),
                Some(KindIr::Task(_))
            );
            if at_end && last_started && into_task && self.may_step_now() {
                self.count_step(exec);
                self.enter_state(&self.program.clone(), child);
            } else {
                self.resume_now(child);
            }
        }
    }

    /// An iteration ended. `in_task`: it failed in a Task state, which AWS records as aborted
    /// once the siblings are (record 11: a fourth `TaskStateAborted` before `MapStateFailed`).
    pub(super) fn iteration_ended(
        &mut self,
        parent: u32,
        index: u32,
        last: u32,
        result: Result<Data, (ErrorId, Rc<str>)>,
        in_task: bool,
        at_end: bool,
    ) {
        let exec = self.exec_of(parent);
        let state_id = self.state_of(parent);
        let iteration_details = Note::Iteration;
        match result {
            Ok(output) => {
                let id = self.emit_side(
                    exec,
                    last,
                    EventType::MapIterationSucceeded,
                    state_id,
                    iteration_details(index),
                );
                let all_done = match self
                    .fibers
                    .get_mut(parent as usize)
                    .and_then(|x| x.container.as_deref_mut())
                {
                    Some(Container::Inline(run)) => {
                        run.running.remove(index);
                        let slot = index as usize;
                        if run.keep_results {
                            if run.results.len() <= slot {
                                run.results.resize(slot + 1, None);
                            }
                            if let Some(slot) = run.results.get_mut(slot) {
                                *slot = Some(output);
                            }
                        }
                        run.done += 1;
                        run.done == run.items.len()
                    }
                    _ => return,
                };
                if all_done {
                    if let Some(fiber) = self.fibers.get_mut(parent as usize) {
                        fiber.last_event = id;
                    }
                    self.inline_map_finished(parent);
                } else {
                    self.start_iterations_then(parent, at_end);
                }
            }
            Err((error, cause)) => {
                self.emit_side(
                    exec,
                    last,
                    EventType::MapIterationFailed,
                    state_id,
                    iteration_details(index),
                );
                if let Some(fiber) = self.fibers.get_mut(parent as usize) {
                    fiber.last_event = last;
                }
                let running: Vec<(u32, u32)> = match self
                    .fibers
                    .get_mut(parent as usize)
                    .and_then(|x| x.container.as_deref_mut())
                {
                    Some(Container::Inline(run)) => {
                        run.running.remove(index);
                        run.running.take()
                    }
                    _ => Vec::new(),
                };
                for (sibling, child) in running {
                    self.abort_fiber(child, last, None);
                    self.emit_side(
                        exec,
                        last,
                        EventType::MapIterationAborted,
                        state_id,
                        iteration_details(sibling),
                    );
                }
                if in_task {
                    self.emit_side(exec, last, EventType::TaskStateAborted, 0, Details::None);
                }
                if let Some(fiber) = self.fibers.get_mut(parent as usize) {
                    fiber.container = None;
                }
                self.raise(parent, error, cause, false);
            }
        }
    }

    fn inline_map_finished(&mut self, f: u32) {
        let results = match self
            .fibers
            .get_mut(f as usize)
            .and_then(|x| x.container.take())
            .map(|c| *c)
        {
            Some(Container::Inline(run)) => run.results,
            _ => Vec::new(),
        };
        // A Map whose result is discarded (`ResultPath: null`, nothing reading the result on
        // the way) never needs the array of every iteration's output.
        let results = if self.result_unused(f) {
            Value::Null
        } else {
            Value::Array(
                results
                    .into_iter()
                    .map(|r| r.map_or(Value::Null, |d| Rc::unwrap_or_clone(self.value_of(&d))))
                    .collect(),
            )
        };
        let (exec, last) = self
            .fibers
            .get(f as usize)
            .map_or((0, 0), |x| (x.exec, x.last_event));
        self.emit_side(exec, last, EventType::MapStateSucceeded, 0, Details::None);
        match self.output_from_result(f, Data::json(results)) {
            Ok(output) => self.complete_state(f, output, None),
            Err(failure) => self.raise_own(f, failure),
        }
    }

    /// Aborts whatever runs under a container fiber (iterations, branches, a Map Run).
    pub(super) fn abort_children_of_fiber_with(&mut self, f: u32, prev: u32) {
        let container = self
            .fibers
            .get_mut(f as usize)
            .and_then(|x| x.container.take())
            .map(|c| *c);
        let exec = self.exec_of(f);
        match container {
            Some(Container::Inline(mut run)) => {
                let state_id = self.state_of(f);
                for (index, child) in run.running.take() {
                    self.abort_fiber(child, prev, None);
                    self.emit_side(
                        exec,
                        prev,
                        EventType::MapIterationAborted,
                        state_id,
                        Note::Iteration(index),
                    );
                }
            }
            Some(Container::Parallel(mut run)) => {
                for (_, child) in run.running.take() {
                    self.abort_fiber(child, prev, None);
                }
            }
            Some(Container::Distributed { run }) => {
                self.abort_run(run, prev);
            }
            None => {}
        }
    }

    /// Raises a failure from the state's own processing (prefixing AWS's cause wording).
    pub(super) fn raise_own(&mut self, f: u32, failure: Failure) {
        let state = self.state_of(f);
        let entered = self.fibers.get(f as usize).map_or(0, |x| x.entered_event);
        let cause = format!(
            "An error occurred while executing the state '{}' (entered at the event id #{entered}). {}",
            self.state_name(state),
            failure.cause
        );
        self.raise(f, failure.error, Rc::from(cause.as_str()), true);
    }

    pub(super) fn with_roots_pub<T>(
        &self,
        f: u32,
        input: &Value,
        map_item: Option<(u64, &Value)>,
        run: impl FnOnce(&crate::data::Roots<'_>) -> T,
    ) -> T {
        let context = super::FiberContext {
            sim: self,
            fiber: f,
            item: map_item,
        };
        let fiber = self.fibers.get(f as usize);
        let vars = fiber.and_then(|x| x.vars.as_deref());
        let exec = fiber.and_then(|x| self.executions.get(x.exec as usize));
        let mut roots = crate::data::Roots::new(input, &context, vars);
        roots.random = exec.map(|e| &e.rng);
        run(&roots)
    }
}

pub(super) fn json_type(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

// (proptest is a native dev-dependency: these run natively only.)
#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use std::collections::BTreeMap;

    use proptest::prelude::*;

    use super::Running;

    proptest! {
        /// The window of running iterations agrees with a map of them, whatever the order in
        /// which they end (and now and then one started below the window, which no caller does).
        #[test]
        fn running_agrees_with_a_map(
            ops in prop::collection::vec((any::<bool>(), 0u32..5000, 0usize..64), 0..3000)
        ) {
            let mut running = Running::default();
            let mut model = BTreeMap::new();
            let mut next = 0u32;
            for (start, low, pick) in ops {
                if start {
                    let index = if low % 50 == 0 { low % (next + 1) } else { next };
                    next = next.max(index + 1);
                    let fiber = index.wrapping_mul(7);
                    running.insert(index, fiber);
                    model.insert(index, fiber);
                } else if !model.is_empty() {
                    let index = model.keys().nth(pick % model.len()).copied().unwrap_or(0);
                    running.remove(index);
                    model.remove(&index);
                }
                prop_assert_eq!(running.len(), model.len());
            }
            let expected: Vec<(u32, u32)> = model.into_iter().collect();
            prop_assert_eq!(running.take(), expected);
            prop_assert_eq!(running.len(), 0);
        }
    }

    #[test]
    fn a_long_window_drops_the_slots_it_has_passed() {
        let mut running = Running::default();
        for index in 0..3000 {
            running.insert(index, index + 10);
        }
        for index in 0..2000 {
            running.remove(index);
        }
        assert!(
            running.slots.len() <= 1500,
            "{} slots kept",
            running.slots.len()
        );
        assert_eq!(running.len(), 1000);
        running.insert(3000, 3010);
        let taken = running.take();
        assert_eq!(taken.first(), Some(&(2000, 2010)));
        assert_eq!(taken.last(), Some(&(3000, 3010)));
        assert_eq!(taken.len(), 1001);
    }
}
