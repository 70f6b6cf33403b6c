//! Execution histories in the shape of Step Functions' `GetExecutionHistory`.
//!
//! Events are recorded compactly: type name, ids, virtual time and typed [`Details`] that hold
//! shared references (`Rc`) to the values and names involved. Nothing is turned into JSON while
//! the simulation runs; [`Details::to_json`] and [`to_aws_json`] render an event as AWS renders
//! it, when the history is read: `{"events": [{"id", "previousEventId", "timestamp", "type",
//! "<kind>EventDetails": {…}}]}`, with inputs and outputs as JSON *strings* and timestamps as
//! epoch seconds. Recording an event is a handful of reference-count increments; an Inline Map
//! of 1,000 items records some 18,000 events per run, so building JSON objects eagerly cost
//! more than the whole simulation around them.

use std::rc::Rc;

use serde::{Serialize, Serializer};
use serde_json::{Map as JsonObject, Value};

use crate::data::{ItemArray, SharedValue};
use crate::program::{KindIr, Program, StateId};

/// Declares the event types a simulated history holds, with their AWS names.
macro_rules! event_types {
    ($($name:ident),* $(,)?) => {
        /// The type of a history event as a one-byte id; [`EventType::as_str`] is its AWS name.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[repr(u8)]
        pub enum EventType {
            $($name),*
        }

        impl EventType {
            /// Every event type.
            pub const ALL: &'static [EventType] = &[$(EventType::$name),*];

            /// The AWS event type name, e.g. `TaskStateEntered`.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(EventType::$name => stringify!($name)),*
                }
            }
        }
    };
}

event_types!(
    ExecutionStarted,
    ExecutionSucceeded,
    ExecutionFailed,
    ExecutionTimedOut,
    ExecutionAborted,
    ExecutionRedriven,
    EvaluationFailed,
    TaskStateEntered,
    TaskStateExited,
    TaskStateAborted,
    PassStateEntered,
    PassStateExited,
    PassStateAborted,
    ChoiceStateEntered,
    ChoiceStateExited,
    ChoiceStateAborted,
    WaitStateEntered,
    WaitStateExited,
    WaitStateAborted,
    SucceedStateEntered,
    SucceedStateExited,
    SucceedStateAborted,
    FailStateEntered,
    FailStateExited,
    FailStateAborted,
    ParallelStateEntered,
    ParallelStateExited,
    ParallelStateAborted,
    ParallelStateStarted,
    ParallelStateSucceeded,
    ParallelStateFailed,
    MapStateEntered,
    MapStateExited,
    MapStateAborted,
    MapStateStarted,
    MapStateSucceeded,
    MapStateFailed,
    MapIterationStarted,
    MapIterationSucceeded,
    MapIterationFailed,
    MapIterationAborted,
    MapRunStarted,
    MapRunSucceeded,
    MapRunFailed,
    MapRunAborted,
    MapRunRedriven,
    TaskScheduled,
    TaskStarted,
    TaskSucceeded,
    TaskFailed,
    TaskTimedOut,
    LambdaFunctionScheduled,
    LambdaFunctionStarted,
    LambdaFunctionSucceeded,
    LambdaFunctionFailed,
    LambdaFunctionTimedOut,
);

impl std::fmt::Display for EventType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One history event.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HistoryEvent {
    pub id: u32,
    pub previous_event_id: u32,
    /// Virtual milliseconds since the execution started the simulation (not epoch).
    pub time_ms: u64,
    /// The AWS event type, e.g. `TaskStateEntered`.
    pub kind: &'static str,
    /// What the `…EventDetails` object is made of (rendered by [`Details::to_json`]).
    pub details: Details,
}

/// The typed contents of an event's `…EventDetails` object. Each variant renders its fields in
/// the order AWS writes them; `None` fields are left out.
#[derive(Debug, Clone, PartialEq)]
pub enum Details {
    /// The event has no details object.
    None,
    /// `ExecutionStarted`: `input`, `inputDetails`, `roleArn` (the simulated role).
    ExecutionStarted { input: Rc<Value> },
    /// `…StateEntered`: `input`, `inputDetails`, `name`.
    StateEntered { input: SharedValue, name: Rc<str> },
    /// `…StateExited`: `name`, `output`, `outputDetails`.
    StateExited { name: Rc<str>, output: SharedValue },
    /// `ExecutionSucceeded` and `LambdaFunctionSucceeded`: `output`, `outputDetails`.
    Output { output: Option<SharedValue> },
    /// `LambdaFunctionScheduled` (`input`, `inputDetails`, `resource`, …) or `TaskScheduled`
    /// (`parameters`, `region`, `resource`, `resourceType`, …), then `timeoutInSeconds` and
    /// `heartbeatInSeconds`. `input` is the Task's effective input.
    ///
    /// Three variants rather than one with a flag and optional limits, so that the common ones
    /// are no larger than the other details (every event is as large as the largest details).
    Scheduled {
        input: SharedValue,
        resource: Rc<str>,
    },
    /// `LambdaFunctionScheduled` (the `arn:aws:lambda:…:function:…` integration) without
    /// limits.
    LambdaFunctionScheduled {
        input: SharedValue,
        resource: Rc<str>,
    },
    /// Either, with a timeout or heartbeat (boxed: few Tasks have one).
    ScheduledWithLimits(Box<ScheduledWithLimits>),
    /// `TaskStarted`: `resource`, `resourceType`.
    TaskStarted { resource: Rc<str> },
    /// `TaskSucceeded`: `output`, `outputDetails`, `resource`, `resourceType`.
    TaskSucceeded {
        output: SharedValue,
        resource: Rc<str>,
    },
    /// The `…Failed` and `…TimedOut` events of Tasks, Lambda functions, executions and Map
    /// Runs (boxed: they are rare).
    Failure(Box<Failure>),
    /// `ExecutionTimedOut`: `error`, then `cause`.
    TimedOut {
        error: Option<Rc<str>>,
        cause: Option<Rc<str>>,
    },
    /// `MapIteration…`: `index`, `name`.
    Iteration { index: u32, name: Rc<str> },
    /// `MapStateStarted`: `length`.
    Length { length: u64 },
    /// `MapRunStarted`: `mapRunArn`.
    MapRunStarted { map_run_arn: Rc<str> },
    /// `ExecutionRedriven`: `redriveCount`.
    ExecutionRedriven { redrive_count: u32 },
    /// `MapRunRedriven`: `mapRunArn`, `redriveCount`.
    MapRunRedriven {
        map_run_arn: Rc<str>,
        redrive_count: u32,
    },
    /// `EvaluationFailed`: `cause`, `error`, `location`, `state`.
    EvaluationFailed(Box<EvaluationFailed>),
}

/// An execution's history as the simulation records it: a record of 24 bytes per event, plain
/// data with nothing to drop, naming its state by id (the state's name and its Task's resource
/// are the program's) and its value by a slot in one of two short lists of shared values (an
/// Inline Map's items all share one slot). Events whose details are rare (failures, timeouts,
/// Map Runs, …) keep them in a list of their own. [`History::events`] renders the public
/// [`HistoryEvent`]s — exactly the events recorded — when the history is read.
///
/// An Inline Map of 1,000 items records some 18,000 events per run; at 72 bytes an event with
/// its names and value held by reference count, writing and then dropping them took a third of
/// the run.
#[derive(Debug, Default)]
pub struct History {
    records: Vec<Record>,
    arrays: Vec<Rc<ItemArray>>,
    values: Vec<Rc<Value>>,
    rare: Vec<Details>,
}

/// A recorded event (24 bytes). Its id is its place in the list plus one: every event of a
/// recorded execution is recorded, in id order. Its time is kept in 48 bits (8,900 years of
/// virtual milliseconds; a later time is recorded as the largest that fits).
#[derive(Debug, Clone, Copy)]
struct Record {
    time_low: u32,
    prev: u32,
    /// The state the event is about (an iteration event: its Map state).
    state: StateId,
    /// By `shape`: a value's slot (`b`: an element's index, or [`JSON`] for a slot of
    /// `values`), an iteration's index, or a slot of `rare`.
    a: u32,
    b: u32,
    time_high: u16,
    kind: EventType,
    shape: Shape,
}

/// The largest time a record holds.
const MAX_RECORD_MS: u64 = (1 << 48) - 1;

/// `Record::b` of a value held whole (a slot of `History::values`).
const JSON: u32 = u32::MAX;

/// What a record's details are made of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub(crate) enum Shape {
    None,
    /// `…StateEntered`: the value is the input; the name is the state's.
    Entered,
    /// `…StateExited`: the value is the output.
    Exited,
    /// `LambdaFunctionSucceeded`: the value is the output.
    LambdaSucceeded,
    /// `TaskScheduled` / `LambdaFunctionScheduled` without limits: the value is the input; the
    /// resource is the state's.
    ScheduledTask,
    ScheduledLambda,
    /// `TaskStarted`: the state's resource.
    TaskStarted,
    /// `TaskSucceeded`: the value is the output; the resource is the state's.
    TaskSucceeded,
    /// `MapIteration…`: `a` is the index; the name is the Map state's.
    Iteration,
    /// `a` is a slot of `History::rare`.
    Rare,
}

/// A value an event records, as the simulation holds it.
pub(crate) enum ValueIn<'a> {
    /// Element `index` of an Inline Map's items.
    Element(&'a Rc<ItemArray>, u32),
    Json(&'a Rc<Value>),
}

/// What an event records besides its type, ids and time.
pub(crate) enum Note<'a> {
    None,
    /// A value, for one of the shapes that hold one.
    Value(Shape, ValueIn<'a>),
    /// A shape without a value (`TaskStarted`), or an iteration with its index.
    Plain(Shape),
    Iteration(u32),
    /// Details of a rare kind, kept whole.
    Rare(Details),
}

impl From<Details> for Note<'_> {
    fn from(details: Details) -> Self {
        match details {
            Details::None => Note::None,
            other => Note::Rare(other),
        }
    }
}

impl History {
    pub fn len(&self) -> usize {
        self.records.len()
    }

    pub fn is_empty(&self) -> bool {
        self.records.is_empty()
    }

    pub(crate) fn reserve_exact(&mut self, additional: usize) {
        self.records.reserve_exact(additional);
    }

    /// Records an event.
    #[inline(always)]
    pub(crate) fn push(
        &mut self,
        time_ms: u64,
        id: u32,
        prev: u32,
        kind: EventType,
        state: StateId,
        note: Note<'_>,
    ) {
        let (shape, a, b) = match note {
            Note::None => (Shape::None, 0, 0),
            Note::Value(shape, value) => {
                let (a, b) = self.value_slot(value);
                (shape, a, b)
            }
            Note::Plain(shape) => (shape, 0, 0),
            Note::Iteration(index) => (Shape::Iteration, index, 0),
            Note::Rare(details) => (Shape::Rare, self.push_rare(details), 0),
        };
        debug_assert_eq!(id as usize, self.records.len() + 1);
        let time_ms = time_ms.min(MAX_RECORD_MS);
        self.records.push(Record {
            time_low: time_ms as u32,
            prev,
            state,
            a,
            b,
            time_high: (time_ms >> 32) as u16,
            kind,
            shape,
        });
    }

    #[cold]
    #[inline(never)]
    fn push_rare(&mut self, details: Details) -> u32 {
        self.rare.push(details);
        (self.rare.len() - 1) as u32
    }

    /// The slot of a value: the last one's again when it is the same (an item passed from state
    /// to state, every item of an Inline Map's array).
    #[inline(always)]
    fn value_slot(&mut self, value: ValueIn<'_>) -> (u32, u32) {
        match value {
            ValueIn::Element(items, index) => {
                if !self
                    .arrays
                    .last()
                    .is_some_and(|last| Rc::ptr_eq(last, items))
                {
                    self.arrays.push(items.clone());
                }
                ((self.arrays.len() - 1) as u32, index)
            }
            ValueIn::Json(value) => {
                if !self
                    .values
                    .last()
                    .is_some_and(|last| Rc::ptr_eq(last, value))
                {
                    self.values.push(value.clone());
                }
                ((self.values.len() - 1) as u32, JSON)
            }
        }
    }

    /// The events, as [`HistoryEvent`]s (names and resources from `program`).
    pub fn events(&self, program: &Program) -> Vec<HistoryEvent> {
        self.events_from(0, program)
    }

    /// The events from the `start`-th on (none when there are no more).
    pub fn events_from(&self, start: usize, program: &Program) -> Vec<HistoryEvent> {
        self.records
            .get(start..)
            .unwrap_or(&[])
            .iter()
            .zip(start + 1..)
            .map(|(r, id)| self.event(r, id as u32, program))
            .collect()
    }

    fn event(&self, record: &Record, id: u32, program: &Program) -> HistoryEvent {
        let state = program.states.get(record.state as usize);
        let name = || state.map_or_else(|| Rc::from(""), |s| s.name.clone());
        let resource = || match state.map(|s| &s.kind) {
            Some(KindIr::Task(task)) => task.resource.clone(),
            _ => Rc::from(""),
        };
        let value = || -> SharedValue {
            let found = if record.b == JSON {
                self.values
                    .get(record.a as usize)
                    .map(|v| SharedValue::Json(v.clone()))
            } else {
                self.arrays
                    .get(record.a as usize)
                    .map(|items| SharedValue::Element(items.clone(), record.b))
            };
            found.unwrap_or_else(|| SharedValue::Json(Rc::new(Value::Null)))
        };
        let details = match record.shape {
            Shape::None => Details::None,
            Shape::Entered => Details::StateEntered {
                input: value(),
                name: name(),
            },
            Shape::Exited => Details::StateExited {
                name: name(),
                output: value(),
            },
            Shape::LambdaSucceeded => Details::Output {
                output: Some(value()),
            },
            Shape::ScheduledTask => Details::Scheduled {
                input: value(),
                resource: resource(),
            },
            Shape::ScheduledLambda => Details::LambdaFunctionScheduled {
                input: value(),
                resource: resource(),
            },
            Shape::TaskStarted => Details::TaskStarted {
                resource: resource(),
            },
            Shape::TaskSucceeded => Details::TaskSucceeded {
                output: value(),
                resource: resource(),
            },
            Shape::Iteration => Details::Iteration {
                index: record.a,
                name: name(),
            },
            Shape::Rare => self
                .rare
                .get(record.a as usize)
                .cloned()
                .unwrap_or(Details::None),
        };
        HistoryEvent {
            id,
            previous_event_id: record.prev,
            time_ms: u64::from(record.time_high) << 32 | u64::from(record.time_low),
            kind: record.kind.as_str(),
            details,
        }
    }
}

/// The fields of a `…Scheduled` event of a Task with a timeout or heartbeat.
#[derive(Debug, Clone, PartialEq)]
pub struct ScheduledWithLimits {
    /// `LambdaFunctionScheduled` rather than `TaskScheduled`.
    pub lambda_function: bool,
    pub input: SharedValue,
    pub resource: Rc<str>,
    pub limits: TaskLimits,
}

/// A Task's `timeoutInSeconds` and `heartbeatInSeconds`.
#[derive(Debug, Clone, PartialEq)]
pub struct TaskLimits {
    pub timeout_seconds: Option<u64>,
    pub heartbeat_seconds: Option<u64>,
}

/// `cause`, `error`, then `resource` and `resourceType` when a resource is given.
#[derive(Debug, Clone, PartialEq)]
pub struct Failure {
    pub cause: Option<Rc<str>>,
    pub error: Option<Rc<str>>,
    pub resource: Option<Rc<str>>,
}

/// The fields of an `EvaluationFailed` event.
#[derive(Debug, Clone, PartialEq)]
pub struct EvaluationFailed {
    pub cause: Rc<str>,
    pub error: Rc<str>,
    pub location: Option<String>,
    pub state: Rc<str>,
}

impl Details {
    pub fn failure(
        cause: Option<Rc<str>>,
        error: Option<Rc<str>>,
        resource: Option<Rc<str>>,
    ) -> Details {
        Details::Failure(Box::new(Failure {
            cause,
            error,
            resource,
        }))
    }

    /// `…Scheduled` details.
    #[inline]
    pub fn scheduled(
        lambda_function: bool,
        input: SharedValue,
        resource: Rc<str>,
        timeout_seconds: Option<u64>,
        heartbeat_seconds: Option<u64>,
    ) -> Details {
        if timeout_seconds.is_some() || heartbeat_seconds.is_some() {
            Details::ScheduledWithLimits(Box::new(ScheduledWithLimits {
                lambda_function,
                input,
                resource,
                limits: TaskLimits {
                    timeout_seconds,
                    heartbeat_seconds,
                },
            }))
        } else if lambda_function {
            Details::LambdaFunctionScheduled { input, resource }
        } else {
            Details::Scheduled { input, resource }
        }
    }

    /// The `…EventDetails` object, built now; `None` for an event without one.
    pub fn to_json(&self) -> Option<Value> {
        let mut o = Fields::default();
        match self {
            Details::None => return None,
            Details::ExecutionStarted { input } => {
                o.json_text("input", input);
                o.not_truncated("inputDetails");
                o.text("roleArn", &role_arn());
            }
            Details::StateEntered { input, name } => {
                o.json_text("input", input.value());
                o.not_truncated("inputDetails");
                o.text("name", name);
            }
            Details::StateExited { name, output } => {
                o.text("name", name);
                o.json_text("output", output.value());
                o.not_truncated("outputDetails");
            }
            Details::Output { output } => {
                if let Some(output) = output {
                    o.json_text("output", output.value());
                }
                o.not_truncated("outputDetails");
            }
            Details::Scheduled { input, resource } => o.scheduled(false, input, resource, None),
            Details::LambdaFunctionScheduled { input, resource } => {
                o.scheduled(true, input, resource, None);
            }
            Details::ScheduledWithLimits(scheduled) => o.scheduled(
                scheduled.lambda_function,
                &scheduled.input,
                &scheduled.resource,
                Some(&scheduled.limits),
            ),
            Details::TaskStarted { resource } => o.resource(resource),
            Details::TaskSucceeded { output, resource } => {
                o.json_text("output", output.value());
                o.not_truncated("outputDetails");
                o.resource(resource);
            }
            Details::Failure(failure) => {
                let Failure {
                    cause,
                    error,
                    resource,
                } = &**failure;
                if let Some(cause) = cause {
                    o.text("cause", cause);
                }
                if let Some(error) = error {
                    o.text("error", error);
                }
                if let Some(resource) = resource {
                    o.resource(resource);
                }
            }
            Details::TimedOut { error, cause } => {
                if let Some(error) = error {
                    o.text("error", error);
                }
                if let Some(cause) = cause {
                    o.text("cause", cause);
                }
            }
            Details::Iteration { index, name } => {
                o.insert("index", Value::from(*index));
                o.text("name", name);
            }
            Details::Length { length } => o.insert("length", Value::from(*length)),
            Details::MapRunStarted { map_run_arn } => o.text("mapRunArn", map_run_arn),
            Details::ExecutionRedriven { redrive_count } => {
                o.insert("redriveCount", Value::from(*redrive_count));
            }
            Details::MapRunRedriven {
                map_run_arn,
                redrive_count,
            } => {
                o.text("mapRunArn", map_run_arn);
                o.insert("redriveCount", Value::from(*redrive_count));
            }
            Details::EvaluationFailed(failed) => {
                o.text("cause", &failed.cause);
                o.text("error", &failed.error);
                if let Some(location) = &failed.location {
                    o.text("location", location);
                }
                o.text("state", &failed.state);
            }
        }
        Some(Value::Object(o.0))
    }
}

/// Serialized as the JSON [`Details::to_json`] renders (`null` without details).
impl Serialize for Details {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.to_json().serialize(serializer)
    }
}

/// A details object being rendered.
#[derive(Default)]
struct Fields(JsonObject<String, Value>);

impl Fields {
    fn insert(&mut self, key: &str, value: Value) {
        self.0.insert(key.to_string(), value);
    }

    fn text(&mut self, key: &str, text: &str) {
        self.insert(key, Value::String(text.to_string()));
    }

    /// A value as AWS puts inputs and outputs in histories: compact JSON text.
    /// `input`, `inputDetails`, `resource` (a Lambda function) or `parameters`, `region`,
    /// `resource`, `resourceType`; then the limits.
    fn scheduled(
        &mut self,
        lambda_function: bool,
        input: &SharedValue,
        resource: &str,
        limits: Option<&TaskLimits>,
    ) {
        if lambda_function {
            self.json_text("input", input.value());
            self.not_truncated("inputDetails");
            self.text("resource", resource);
        } else {
            self.json_text("parameters", input.value());
            self.text("region", crate::sim::REGION);
            self.resource(resource);
        }
        if let Some(limits) = limits {
            if let Some(t) = limits.timeout_seconds {
                self.insert("timeoutInSeconds", Value::from(t));
            }
            if let Some(h) = limits.heartbeat_seconds {
                self.insert("heartbeatInSeconds", Value::from(h));
            }
        }
    }

    fn json_text(&mut self, key: &str, value: &Value) {
        self.insert(key, Value::String(crate::data::compact(value)));
    }

    fn not_truncated(&mut self, key: &str) {
        let mut object = JsonObject::new();
        object.insert("truncated".into(), Value::Bool(false));
        self.insert(key, Value::Object(object));
    }

    /// `resource` and `resourceType` of a Task resource, as history events name them:
    /// `arn:aws:states:::lambda:invoke` → `"invoke"`, `"lambda"`.
    fn resource(&mut self, resource: &str) {
        let (resource_type, resource) = resource_parts(resource);
        self.insert("resource", Value::String(resource));
        self.insert("resourceType", Value::String(resource_type));
    }
}

/// `(resourceType, resource)` of a Task resource, as history events name them:
/// `arn:aws:states:::lambda:invoke` → `("lambda", "invoke")`.
pub fn resource_parts(resource: &str) -> (String, String) {
    if let Some(rest) = resource.split(":::").nth(1) {
        let mut parts = rest.splitn(2, ':');
        let service = parts.next().unwrap_or("").to_string();
        let action = parts.next().unwrap_or("").to_string();
        return (service, action);
    }
    if resource.contains(":activity:") {
        return ("activity".into(), resource.to_string());
    }
    if resource.contains(":lambda:") {
        return ("lambda".into(), resource.to_string());
    }
    ("task".into(), resource.to_string())
}

/// The role the simulated executions run as.
pub fn role_arn() -> String {
    use crate::sim::{ACCOUNT, MACHINE_NAME};
    format!("arn:aws:iam::{ACCOUNT}:role/{MACHINE_NAME}-role")
}

/// The name of the details field for an event type (`TaskStateEntered` →
/// `stateEnteredEventDetails`), or `None` for types without details.
pub fn details_key(kind: &str) -> Option<&'static str> {
    if kind.ends_with("StateEntered") {
        return Some("stateEnteredEventDetails");
    }
    if kind.ends_with("StateExited") {
        return Some("stateExitedEventDetails");
    }
    Some(match kind {
        "ExecutionStarted" => "executionStartedEventDetails",
        "ExecutionSucceeded" => "executionSucceededEventDetails",
        "ExecutionFailed" => "executionFailedEventDetails",
        "ExecutionTimedOut" => "executionTimedOutEventDetails",
        "ExecutionAborted" => "executionAbortedEventDetails",
        "TaskScheduled" => "taskScheduledEventDetails",
        "TaskStarted" => "taskStartedEventDetails",
        "TaskSucceeded" => "taskSucceededEventDetails",
        "TaskFailed" => "taskFailedEventDetails",
        "TaskTimedOut" => "taskTimedOutEventDetails",
        "LambdaFunctionScheduled" => "lambdaFunctionScheduledEventDetails",
        "LambdaFunctionSucceeded" => "lambdaFunctionSucceededEventDetails",
        "LambdaFunctionFailed" => "lambdaFunctionFailedEventDetails",
        "LambdaFunctionTimedOut" => "lambdaFunctionTimedOutEventDetails",
        "MapStateStarted" => "mapStateStartedEventDetails",
        "MapIterationStarted" => "mapIterationStartedEventDetails",
        "MapIterationSucceeded" => "mapIterationSucceededEventDetails",
        "MapIterationFailed" => "mapIterationFailedEventDetails",
        "MapIterationAborted" => "mapIterationAbortedEventDetails",
        "MapRunStarted" => "mapRunStartedEventDetails",
        "MapRunFailed" => "mapRunFailedEventDetails",
        "ExecutionRedriven" => "executionRedrivenEventDetails",
        "MapRunRedriven" => "mapRunRedrivenEventDetails",
        "EvaluationFailed" => "evaluationFailedEventDetails",
        _ => return None,
    })
}

/// Renders a history as `GetExecutionHistory` JSON. `start_epoch_ms` anchors virtual time 0.
pub fn to_aws_json(events: &[HistoryEvent], start_epoch_ms: i64) -> Value {
    let rendered: Vec<Value> = events
        .iter()
        .map(|e| {
            let mut object = JsonObject::new();
            object.insert("id".into(), Value::from(e.id));
            object.insert("previousEventId".into(), Value::from(e.previous_event_id));
            let epoch_ms =
                start_epoch_ms.saturating_add(i64::try_from(e.time_ms).unwrap_or(i64::MAX));
            object.insert("timestamp".into(), seconds(epoch_ms));
            object.insert("type".into(), Value::String(e.kind.to_string()));
            if let Some(key) = details_key(e.kind) {
                if let Some(details) = e.details.to_json() {
                    object.insert(key.into(), details);
                }
            }
            Value::Object(object)
        })
        .collect();
    let mut root = JsonObject::new();
    root.insert("events".into(), Value::Array(rendered));
    Value::Object(root)
}

/// Epoch milliseconds as epoch seconds with a fraction (the API's timestamp form).
fn seconds(epoch_ms: i64) -> Value {
    let whole = epoch_ms.div_euclid(1000);
    let millis = epoch_ms.rem_euclid(1000);
    if millis == 0 {
        Value::from(whole)
    } else {
        // Built from text so the decimal is exact rather than the nearest binary fraction's
        // shortest form (the same digits either way, on every platform).
        serde_json::from_str(&format!("{whole}.{millis:03}")).unwrap_or(Value::from(whole))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn ids_follow_the_records_and_times_keep_48_bits() {
        let mut history = History::default();
        let program = Program {
            machines: Vec::new(),
            states: Vec::new(),
            errors: crate::errors::ErrorNames::default(),
            timeout_ms: None,
            nested_distributed: false,
            fraction_faults: 0,
        };
        let late = (1u64 << 40) + 7;
        history.push(late, 1, 0, EventType::ExecutionStarted, 0, Note::None);
        history.push(u64::MAX, 2, 1, EventType::ExecutionSucceeded, 0, Note::None);
        let events = history.events(&program);
        assert_eq!((events[0].id, events[0].time_ms), (1, late));
        assert_eq!((events[1].id, events[1].previous_event_id), (2, 1));
        assert_eq!(events[1].time_ms, MAX_RECORD_MS);
    }

    #[test]
    fn renders_aws_shape() {
        let events = vec![
            HistoryEvent {
                id: 1,
                previous_event_id: 0,
                time_ms: 0,
                kind: "ExecutionStarted",
                details: Details::ExecutionStarted {
                    input: Rc::new(json!({})),
                },
            },
            HistoryEvent {
                id: 2,
                previous_event_id: 1,
                time_ms: 1500,
                kind: "LambdaFunctionStarted",
                details: Details::None,
            },
        ];
        let rendered = to_aws_json(&events, 1_704_067_200_000);
        assert_eq!(
            rendered,
            json!({"events": [
                {"id": 1, "previousEventId": 0, "timestamp": 1704067200, "type": "ExecutionStarted",
                 "executionStartedEventDetails": {"input": "{}", "inputDetails": {"truncated": false},
                    "roleArn": "arn:aws:iam::123456789012:role/mapsim-role"}},
                {"id": 2, "previousEventId": 1, "timestamp": 1704067201.5, "type": "LambdaFunctionStarted"}
            ]})
        );
        assert_eq!(
            details_key("MapStateEntered"),
            Some("stateEnteredEventDetails")
        );
        assert_eq!(details_key("TaskStateAborted"), None);
    }
}

#[cfg(test)]
mod size {
    /// Every recorded event is as large as the largest details: keep them small.
    #[test]
    fn events_stay_small() {
        assert!(std::mem::size_of::<super::HistoryEvent>() <= 72);
        assert_eq!(std::mem::size_of::<super::Record>(), 24);
    }

    #[test]
    fn event_type_names_are_distinct() {
        let mut names: Vec<&str> = super::EventType::ALL.iter().map(|t| t.as_str()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), super::EventType::ALL.len());
    }
}
