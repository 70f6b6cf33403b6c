//! The model compiled once into what the hot loop needs: integer state ids, resolved
//! transitions, pre-parsed paths, templates and expressions, resolved error names, and each
//! Task's scenario behaviour. Nothing in the simulator looks a state up by name.

use std::collections::BTreeMap;
use std::rc::Rc;

use asl::{
    ExecutionType, Integration, Jitter, Numeric, QueryLanguage, StateKind, StateMachine, Text,
};
use serde_json::Value;

use crate::choice::Rule;
use crate::data::{ResultPath, Selection, Template};
use crate::errors::{ErrorId, ErrorNames, ErrorPattern};
use crate::history::EventType;
use crate::jsonata;
use crate::scenario::{self, ItemSelection, Items, Scenario};

pub type StateId = u32;
pub type MachineId = u32;

/// A definition the engine cannot run, with where the problem is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompileError {
    pub pointer: String,
    pub message: String,
}

impl std::fmt::Display for CompileError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.pointer.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "{}: {}", self.pointer, self.message)
        }
    }
}

#[derive(Debug)]
pub struct Program {
    pub machines: Vec<MachineIr>,
    pub states: Vec<StateIr>,
    pub errors: ErrorNames,
    /// Top-level `TimeoutSeconds`, in ms.
    pub timeout_ms: Option<u64>,
    /// Whether a Distributed Map's processor contains another Distributed Map (child histories
    /// are then rebuilt by re-running the whole simulation, not the child alone).
    pub nested_distributed: bool,
    /// Fault rules with `items.fraction`, resolved per Distributed Map run size on first use.
    pub fraction_faults: usize,
}

#[derive(Debug)]
pub struct MachineIr {
    pub start: StateId,
    /// The Parallel or Map state this machine belongs to (`None` for the top level).
    pub owner: Option<StateId>,
    /// The processor of a Distributed Map: its runs are child executions.
    pub distributed: bool,
    pub execution_type: ExecutionType,
}

/// Where a state goes when it completes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Next {
    State(StateId),
    End,
    /// Choice, Succeed and Fail decide for themselves.
    Own,
}

/// `Assign` in either language.
#[derive(Debug, Clone)]
pub enum Assign {
    Path(Template),
    Jsonata(jsonata::Template),
}

/// The data-flow fields of a state, compiled.
#[derive(Debug)]
pub struct Io {
    pub input_path: Selection,
    pub parameters: Option<Template>,
    pub result_selector: Option<Template>,
    pub result_path: ResultPath,
    pub output_path: Selection,
    pub arguments: Option<jsonata::Template>,
    pub output: Option<jsonata::Template>,
    pub assign: Option<Assign>,
    /// No field transforms anything: the output is the result and the result the input.
    pub identity: bool,
    /// A Task's effective input is its input (no InputPath, Parameters or Arguments).
    pub input_unchanged: bool,
    /// JSONPath, and only a `ResultSelector` reads the result, as `$.Payload` whole: the rest of
    /// a Lambda Invoke response is never looked at (unless a history records it).
    pub result_reads_payload_only: bool,
    /// The `ResultSelector` key that takes `$.Payload` whole, when nothing else in it reads the
    /// result ([`crate::data::Template::moves_field`]): the payload is moved, not copied.
    pub result_selector_moves: Option<String>,
}

#[derive(Debug)]
pub struct StateIr {
    pub name: Rc<str>,
    pub pointer: String,
    pub machine: MachineId,
    pub language: QueryLanguage,
    pub next: Next,
    pub io: Io,
    pub kind: KindIr,
    pub retriers: Vec<RetrierIr>,
    pub catchers: Vec<CatcherIr>,
    /// History event type names.
    pub entered_event: EventType,
    pub exited_event: EventType,
    pub aborted_event: EventType,
    pub type_name: &'static str,
}

#[derive(Debug)]
pub struct RetrierIr {
    /// The retrier's JSON pointer in the definition.
    pub pointer: Rc<str>,
    pub patterns: Vec<ErrorPattern>,
    pub interval_ms: u64,
    pub max_attempts: u64,
    pub backoff_rate: f64,
    pub max_delay_ms: Option<u64>,
    pub full_jitter: bool,
}

#[derive(Debug)]
pub struct CatcherIr {
    /// The catcher's JSON pointer in the definition.
    pub pointer: Rc<str>,
    pub patterns: Vec<ErrorPattern>,
    pub next: StateId,
    pub result_path: ResultPath,
    pub output: Option<jsonata::Template>,
    pub assign: Option<Assign>,
}

/// A number read at run time: a literal, a JSONPath reference or a JSONata expression.
#[derive(Debug, Clone)]
pub enum NumberSource {
    Literal(f64),
    Path(asl::path::Path, &'static str),
    Jsonata(jsonata::Expression),
}

/// A string read at run time (Fail `Error`/`Cause`, Wait `Timestamp`).
#[derive(Debug, Clone)]
pub enum TextSource {
    Literal(Rc<str>),
    Path(asl::path::Path),
    Call(Box<asl::intrinsic::Call>),
    Jsonata(jsonata::Expression),
}

#[derive(Debug)]
pub enum KindIr {
    Task(Box<TaskIr>),
    Pass {
        result: Option<Rc<Value>>,
    },
    Choice {
        rules: Vec<ChoiceRuleIr>,
        default: Option<StateId>,
    },
    Wait(WaitIr),
    Succeed,
    Fail {
        error: Option<TextSource>,
        cause: Option<TextSource>,
    },
    Parallel {
        branches: Vec<MachineId>,
    },
    Map(Box<MapIr>),
}

#[derive(Debug)]
pub struct ChoiceRuleIr {
    pub rule: Rule,
    pub next: StateId,
    pub output: Option<jsonata::Template>,
    pub assign: Option<Assign>,
}

#[derive(Debug)]
pub enum WaitIr {
    Seconds(NumberSource),
    Timestamp(TextSource),
}

#[derive(Debug)]
pub struct TaskIr {
    pub integration: Integration,
    /// The Lambda function a Lambda Task calls (`FunctionName` in `AWS/Lambda`'s metrics): the
    /// name in a plain function ARN, or a literal `FunctionName` parameter of `lambda:invoke`;
    /// a function chosen at run time (`FunctionName.$`) is named after the state.
    pub function_name: Option<Rc<str>>,
    /// Shared: history events of the Task hold it.
    pub resource: Rc<str>,
    /// Counts against `limits.lambda_concurrency`.
    pub lambda: bool,
    pub timeout: Option<NumberSource>,
    pub heartbeat: Option<NumberSource>,
    pub behaviour: Behaviour,
}

/// A Task's scenario behaviour, resolved.
#[derive(Debug)]
pub struct Behaviour {
    pub latency: crate::scenario::Sampler,
    pub faults: Vec<FaultIr>,
    pub result: Option<Rc<Value>>,
    pub result_bytes: Option<u64>,
    pub heartbeat_interval_ms: Option<u64>,
    pub effect: Option<crate::scenario::Effect>,
    /// The Lambda function's memory (MB) and architecture, for its cost.
    pub memory_mb: u32,
    pub arm64: bool,
}

#[derive(Debug)]
pub struct FaultIr {
    /// The error Step Functions sees (a `raise`'s exception class, else the fault's `error`).
    pub error: ErrorId,
    pub cause: Rc<str>,
    /// The error type the function itself logs (the fault's `error`), and its message: the
    /// structured error line of the Lambda's log group.
    pub logged_type: Rc<str>,
    pub message: Rc<str>,
    pub probability: Option<f64>,
    pub items: Option<FaultItems>,
    pub attempts: Option<Vec<u64>>,
}

#[derive(Debug)]
pub enum FaultItems {
    Indices(Vec<u64>),
    /// Chosen per Map Run size; `slot` indexes the simulation's cache of chosen sets.
    Fraction {
        fraction: f64,
        slot: usize,
        key: u64,
    },
}

#[derive(Debug)]
pub struct MapIr {
    pub distributed: bool,
    pub processor: MachineId,
    pub execution_type: ExecutionType,
    pub items_path: Selection,
    pub items_jsonata: Option<jsonata::Template>,
    pub item_selector: Option<Selector>,
    pub batcher: Option<BatcherIr>,
    pub result_writer: Option<ResultWriterIr>,
    pub max_concurrency: Option<NumberSource>,
    pub tolerated_count: Option<NumberSource>,
    pub tolerated_percentage: Option<NumberSource>,
    pub label: Option<String>,
    pub has_reader: bool,
    /// `ItemReader.ReaderConfig.MaxItems` / `MaxItemsPath`.
    pub reader_max_items: Option<NumberSource>,
    /// Items given by the scenario for this Map (override or the global `items`).
    pub scenario_items: Option<Rc<Items>>,
    /// The `ItemReader.ReaderConfig` as written, and the file the scenario gives this Map's
    /// reader (an outermost Distributed Map with an ItemReader and no other items).
    pub reader_config: Option<Value>,
    pub reader_file: Option<crate::scenario::ItemFile>,
}

/// `ItemSelector` (or legacy `Parameters`) in either language.
#[derive(Debug)]
pub enum Selector {
    Path(Template),
    Jsonata(jsonata::Template),
}

#[derive(Debug)]
pub struct BatcherIr {
    pub max_items: Option<NumberSource>,
    pub max_bytes: Option<NumberSource>,
    pub batch_input: Option<Selector>,
}

#[derive(Debug)]
pub struct ResultWriterIr {
    pub bucket: String,
    pub prefix: String,
    /// `WriterConfig.OutputType` (`JSON` when absent) and `Transformation` (`NONE` when absent
    /// with a Resource, as AWS defaults it when exporting).
    pub output_type: Option<String>,
    pub transformation: Option<String>,
}

struct Compiler<'s> {
    scenario: &'s Scenario,
    errors: ErrorNames,
    problems: Vec<CompileError>,
    machines: Vec<MachineIr>,
    states: Vec<StateIr>,
    /// Name → id, for resolving `Next` (names are unique in a whole definition).
    ids: BTreeMap<String, StateId>,
    fraction_faults: usize,
    nested_distributed: bool,
    /// The definition has a Distributed Map somewhere.
    has_distributed: bool,
    /// Maps whose processor is being compiled (0 outside every Map).
    map_depth: usize,
}

/// Compiles a model with its scenario.
pub fn compile(machine: &StateMachine, scenario: &Scenario) -> Result<Program, Vec<CompileError>> {
    compile_with(machine, scenario, ErrorNames::default())
}

/// [`compile`], starting from an error table a simulation already uses (a redrive's program,
/// so that every error name keeps its id).
pub fn compile_with(
    machine: &StateMachine,
    scenario: &Scenario,
    errors: ErrorNames,
) -> Result<Program, Vec<CompileError>> {
    let mut compiler = Compiler {
        scenario,
        errors,
        problems: Vec::new(),
        machines: Vec::new(),
        states: Vec::new(),
        ids: BTreeMap::new(),
        fraction_faults: 0,
        nested_distributed: false,
        has_distributed: false,
        map_depth: 0,
    };
    // First pass: number every state so `Next` can be resolved in any order.
    let mut next_id: StateId = 0;
    let mut duplicate = Vec::new();
    machine.walk(&mut |state| {
        if compiler.ids.insert(state.name.clone(), next_id).is_some() {
            duplicate.push(state.pointer.clone());
        }
        if let StateKind::Map(map) = &state.kind {
            compiler.has_distributed |= map.is_distributed();
        }
        next_id += 1;
    });
    for pointer in duplicate {
        compiler.problems.push(CompileError {
            pointer,
            message: "state names must be unique in the whole definition".into(),
        });
    }
    compiler.machine(machine, None, false, ExecutionType::Standard, 0);
    let timeout_ms = machine.timeout_seconds.map(|s| s.saturating_mul(1000));
    if compiler.problems.is_empty() {
        Ok(Program {
            machines: compiler.machines,
            states: compiler.states,
            errors: compiler.errors,
            timeout_ms,
            nested_distributed: compiler.nested_distributed,
            fraction_faults: compiler.fraction_faults,
        })
    } else {
        Err(compiler.problems)
    }
}

fn event_names(kind: &StateKind) -> (EventType, EventType, EventType) {
    use EventType as E;
    match kind {
        StateKind::Task(_) => (E::TaskStateEntered, E::TaskStateExited, E::TaskStateAborted),
        StateKind::Pass(_) => (E::PassStateEntered, E::PassStateExited, E::PassStateAborted),
        StateKind::Choice(_) => (
            E::ChoiceStateEntered,
            E::ChoiceStateExited,
            E::ChoiceStateAborted,
        ),
        StateKind::Wait(_) => (E::WaitStateEntered, E::WaitStateExited, E::WaitStateAborted),
        StateKind::Succeed => (
            E::SucceedStateEntered,
            E::SucceedStateExited,
            E::SucceedStateAborted,
        ),
        StateKind::Fail(_) => (E::FailStateEntered, E::FailStateExited, E::FailStateAborted),
        StateKind::Parallel(_) => (
            E::ParallelStateEntered,
            E::ParallelStateExited,
            E::ParallelStateAborted,
        ),
        StateKind::Map(_) => (E::MapStateEntered, E::MapStateExited, E::MapStateAborted),
    }
}

impl Compiler<'_> {
    fn problem(&mut self, pointer: &str, message: impl Into<String>) {
        self.problems.push(CompileError {
            pointer: pointer.to_string(),
            message: message.into(),
        });
    }

    fn id(&mut self, name: &str, pointer: &str) -> StateId {
        match self.ids.get(name) {
            Some(id) => *id,
            None => {
                self.problem(pointer, format!("no state is named `{name}`"));
                0
            }
        }
    }

    /// Compiles a machine; `distributed_depth` counts enclosing Distributed Map processors.
    fn machine(
        &mut self,
        machine: &StateMachine,
        owner: Option<StateId>,
        distributed: bool,
        execution_type: ExecutionType,
        distributed_depth: usize,
    ) -> MachineId {
        let id = self.machines.len() as MachineId;
        let start = match machine.state_index(&machine.start_at) {
            Some(_) => self.id(&machine.start_at.clone(), &machine.pointer),
            None => {
                self.problem(
                    &machine.pointer,
                    format!(
                        "`StartAt` names `{}`, which is not a state here",
                        machine.start_at
                    ),
                );
                0
            }
        };
        self.machines.push(MachineIr {
            start,
            owner,
            distributed,
            execution_type,
        });
        for state in &machine.states {
            self.state(state, id, distributed_depth);
        }
        id
    }

    fn state(&mut self, state: &asl::State, machine: MachineId, distributed_depth: usize) {
        // Children are compiled after their parent is pushed, so reserve the parent's slot by
        // pushing it first with its children's machine ids filled in later.
        let index = self.states.len() as StateId;
        let expected = self.ids.get(&state.name).copied();
        if expected != Some(index) {
            // Ids come from walk order, which is also the order states are pushed here.
            self.problem(&state.pointer, "internal: state numbering mismatch");
        }
        let (entered_event, exited_event, aborted_event) = event_names(&state.kind);
        let next = match &state.transition {
            asl::Transition::Next(name) => Next::State(self.id(name, &state.pointer)),
            asl::Transition::End => Next::End,
            asl::Transition::None => match state.kind {
                StateKind::Choice(_) | StateKind::Succeed | StateKind::Fail(_) => Next::Own,
                _ => {
                    self.problem(&state.pointer, "the state has neither `Next` nor `End`");
                    Next::End
                }
            },
        };
        let io = self.io(state);
        let retriers = state.retry().iter().map(|r| self.retrier(r)).collect();
        let catchers = state
            .catch()
            .iter()
            .map(|c| self.catcher(c, state.query_language))
            .collect();
        self.states.push(StateIr {
            name: Rc::from(state.name.as_str()),
            pointer: state.pointer.clone(),
            machine,
            language: state.query_language,
            next,
            io,
            kind: KindIr::Succeed,
            retriers,
            catchers,
            entered_event,
            exited_event,
            aborted_event,
            type_name: state.type_name(),
        });
        let kind = self.kind(state, index, distributed_depth);
        if let Some(slot) = self.states.get_mut(index as usize) {
            slot.kind = kind;
        }
    }

    fn io(&mut self, state: &asl::State) -> Io {
        let p = &state.pointer;
        let selection = |this: &mut Self, field: &Option<Option<String>>, name: &str| {
            Selection::compile(field).unwrap_or_else(|e| {
                this.problem(&format!("{p}/{name}"), e);
                Selection::Identity
            })
        };
        let input_path = selection(self, &state.io.input_path, "InputPath");
        let output_path = selection(self, &state.io.output_path, "OutputPath");
        let result_path = ResultPath::compile(&state.io.result_path).unwrap_or_else(|e| {
            self.problem(&format!("{p}/ResultPath"), e);
            ResultPath::Replace
        });
        let is_map = matches!(state.kind, StateKind::Map(_));
        // On a Map state, legacy `Parameters` is its ItemSelector (compiled there).
        let parameters = if is_map {
            None
        } else {
            state
                .io
                .parameters
                .as_ref()
                .and_then(|v| self.template(v, &format!("{p}/Parameters")))
        };
        let result_selector = state
            .io
            .result_selector
            .as_ref()
            .and_then(|v| self.template(v, &format!("{p}/ResultSelector")));
        let jsonata_field = |this: &mut Self, value: &Option<Value>, name: &str| {
            value
                .as_ref()
                .and_then(|v| this.jsonata_template(v, &format!("{p}/{name}")))
        };
        let arguments = jsonata_field(self, &state.io.arguments, "Arguments");
        let output = jsonata_field(self, &state.io.output, "Output");
        let assign = state
            .io
            .assign
            .as_ref()
            .and_then(|v| self.assign(v, state.query_language, &format!("{p}/Assign")));
        let input_unchanged =
            input_path.is_identity() && parameters.is_none() && arguments.is_none();
        let identity = input_path.is_identity()
            && output_path.is_identity()
            && matches!(result_path, ResultPath::Replace)
            && parameters.is_none()
            && result_selector.is_none()
            && arguments.is_none()
            && output.is_none()
            && assign.is_none();
        let result_reads_payload_only = state.query_language == QueryLanguage::JsonPath
            && assign.is_none()
            && result_selector
                .as_ref()
                .is_some_and(|t| t.reads_input_only_as("Payload"));
        let result_selector_moves = result_selector
            .as_ref()
            .and_then(|t| t.moves_field("Payload"));
        Io {
            result_selector_moves,
            input_path,
            parameters,
            result_selector,
            result_path,
            output_path,
            arguments,
            output,
            assign,
            identity,
            input_unchanged,
            result_reads_payload_only,
        }
    }

    fn template(&mut self, value: &Value, pointer: &str) -> Option<Template> {
        match Template::compile(value) {
            Ok(t) => Some(t),
            Err(e) => {
                self.problem(&format!("{pointer}/{}", e.key), e.message);
                None
            }
        }
    }

    fn jsonata_template(&mut self, value: &Value, pointer: &str) -> Option<jsonata::Template> {
        match jsonata::Template::compile(value) {
            Ok(t) => Some(t),
            Err(e) => {
                self.problem(pointer, e.to_string());
                None
            }
        }
    }

    fn assign(&mut self, value: &Value, language: QueryLanguage, pointer: &str) -> Option<Assign> {
        match language {
            QueryLanguage::JsonPath => self.template(value, pointer).map(Assign::Path),
            QueryLanguage::Jsonata => self.jsonata_template(value, pointer).map(Assign::Jsonata),
        }
    }

    fn selector(
        &mut self,
        value: &Value,
        language: QueryLanguage,
        pointer: &str,
    ) -> Option<Selector> {
        match language {
            QueryLanguage::JsonPath => self.template(value, pointer).map(Selector::Path),
            QueryLanguage::Jsonata => self.jsonata_template(value, pointer).map(Selector::Jsonata),
        }
    }

    fn patterns(&mut self, names: &[String]) -> Vec<ErrorPattern> {
        names
            .iter()
            .map(|n| ErrorPattern::of(self.errors.intern(n)))
            .collect()
    }

    fn retrier(&mut self, r: &asl::Retrier) -> RetrierIr {
        RetrierIr {
            pointer: Rc::from(r.pointer.as_str()),
            patterns: self.patterns(&r.error_equals),
            interval_ms: r.interval_seconds.saturating_mul(1000),
            max_attempts: r.max_attempts,
            backoff_rate: r.backoff_rate,
            max_delay_ms: r.max_delay_seconds.map(|s| s.saturating_mul(1000)),
            full_jitter: r.jitter == Jitter::Full,
        }
    }

    fn catcher(&mut self, c: &asl::Catcher, language: QueryLanguage) -> CatcherIr {
        let result_path = ResultPath::compile(&c.result_path).unwrap_or_else(|e| {
            self.problem(&format!("{}/ResultPath", c.pointer), e);
            ResultPath::Replace
        });
        CatcherIr {
            pointer: Rc::from(c.pointer.as_str()),
            patterns: self.patterns(&c.error_equals),
            next: self.id(&c.next, &c.pointer),
            result_path,
            output: c
                .output
                .as_ref()
                .and_then(|v| self.jsonata_template(v, &format!("{}/Output", c.pointer))),
            assign: c
                .assign
                .as_ref()
                .and_then(|v| self.assign(v, language, &format!("{}/Assign", c.pointer))),
        }
    }

    fn number(&mut self, n: &Numeric, pointer: &str, field: &'static str) -> Option<NumberSource> {
        match n {
            Numeric::Literal(f) => Some(NumberSource::Literal(*f)),
            Numeric::Path(p) => match asl::path::Path::parse(p) {
                Ok(path) => Some(NumberSource::Path(path, field)),
                Err(e) => {
                    self.problem(pointer, e.to_string());
                    None
                }
            },
            Numeric::Jsonata(e) => match jsonata::Expression::parse(e) {
                Ok(expr) => Some(NumberSource::Jsonata(expr)),
                Err(err) => {
                    self.problem(pointer, err.to_string());
                    None
                }
            },
        }
    }

    fn text(&mut self, t: &Text, pointer: &str) -> Option<TextSource> {
        match t {
            Text::Literal(s) => Some(TextSource::Literal(Rc::from(s.as_str()))),
            Text::Path(p) => {
                if asl::intrinsic::looks_like_call(p) {
                    match asl::intrinsic::parse(p) {
                        Ok(call) => Some(TextSource::Call(Box::new(call))),
                        Err(e) => {
                            self.problem(pointer, e.to_string());
                            None
                        }
                    }
                } else {
                    match asl::path::Path::parse(p) {
                        Ok(path) => Some(TextSource::Path(path)),
                        Err(e) => {
                            self.problem(pointer, e.to_string());
                            None
                        }
                    }
                }
            }
            Text::Jsonata(e) => match jsonata::Expression::parse(e) {
                Ok(expr) => Some(TextSource::Jsonata(expr)),
                Err(err) => {
                    self.problem(pointer, err.to_string());
                    None
                }
            },
        }
    }

    fn kind(&mut self, state: &asl::State, id: StateId, distributed_depth: usize) -> KindIr {
        let p = state.pointer.clone();
        match &state.kind {
            StateKind::Task(task) => KindIr::Task(Box::new(self.task(state, task))),
            StateKind::Pass(pass) => KindIr::Pass {
                result: pass.result.as_ref().map(|v| Rc::new(v.clone())),
            },
            StateKind::Choice(choice) => {
                let mut rules = Vec::with_capacity(choice.choices.len());
                for rule in &choice.choices {
                    let compiled = match Rule::compile(&rule.condition) {
                        Ok(r) => r,
                        Err(e) => {
                            self.problem(&rule.pointer, e);
                            continue;
                        }
                    };
                    rules.push(ChoiceRuleIr {
                        rule: compiled,
                        next: self.id(&rule.next, &rule.pointer),
                        output: rule.output.as_ref().and_then(|v| {
                            self.jsonata_template(v, &format!("{}/Output", rule.pointer))
                        }),
                        assign: rule.assign.as_ref().and_then(|v| {
                            self.assign(
                                v,
                                state.query_language,
                                &format!("{}/Assign", rule.pointer),
                            )
                        }),
                    });
                }
                let default = choice
                    .default
                    .as_ref()
                    .map(|d| self.id(d, &format!("{p}/Default")));
                KindIr::Choice { rules, default }
            }
            StateKind::Wait(wait) => match wait {
                asl::Wait::Seconds(n) => KindIr::Wait(WaitIr::Seconds(
                    self.number(n, &format!("{p}/Seconds"), "SecondsPath")
                        .unwrap_or(NumberSource::Literal(0.0)),
                )),
                asl::Wait::Timestamp(t) => KindIr::Wait(WaitIr::Timestamp(
                    self.text(t, &format!("{p}/Timestamp"))
                        .unwrap_or_else(|| TextSource::Literal(Rc::from(""))),
                )),
            },
            StateKind::Succeed => KindIr::Succeed,
            StateKind::Fail(fail) => KindIr::Fail {
                error: fail
                    .error
                    .as_ref()
                    .and_then(|t| self.text(t, &format!("{p}/Error"))),
                cause: fail
                    .cause
                    .as_ref()
                    .and_then(|t| self.text(t, &format!("{p}/Cause"))),
            },
            StateKind::Parallel(parallel) => {
                let branches = parallel
                    .branches
                    .iter()
                    .map(|b| {
                        self.machine(
                            b,
                            Some(id),
                            false,
                            ExecutionType::Standard,
                            distributed_depth,
                        )
                    })
                    .collect();
                KindIr::Parallel { branches }
            }
            StateKind::Map(map) => {
                KindIr::Map(Box::new(self.map(state, map, id, distributed_depth)))
            }
        }
    }

    fn task(&mut self, state: &asl::State, task: &asl::Task) -> TaskIr {
        let p = &state.pointer;
        let integration = task.integration();
        let given = self.scenario.tasks.get(&state.name);
        let mut faults = Vec::new();
        if let Some(given) = given {
            for (index, fault) in given.faults.iter().enumerate() {
                let seen = fault.raise.as_ref().map_or(&fault.error, |r| &r.exception);
                let error = self.errors.intern(seen);
                let (cause, message) = match &fault.raise {
                    Some(raise) => {
                        // One request id per fault rule, derived from its place: deterministic,
                        // and the same text for every attempt that raises it.
                        let request_id = format!(
                            "{:08x}-0000-4000-8000-{:012x}",
                            {
                                let mut h = crate::report::Fnv::default();
                                h.write(state.name.as_bytes());
                                h.finish() as u32
                            },
                            index
                        );
                        (raise.lambda_cause(&request_id), raise.message.clone())
                    }
                    None => {
                        let cause = fault.cause.clone().unwrap_or_default();
                        (cause.clone(), cause)
                    }
                };
                let items = match &fault.items {
                    None => None,
                    Some(ItemSelection::Indices(list)) => Some(FaultItems::Indices(list.clone())),
                    Some(ItemSelection::Fraction(f)) => {
                        let slot = self.fraction_faults;
                        self.fraction_faults += 1;
                        Some(FaultItems::Fraction {
                            fraction: *f,
                            slot,
                            key: slot as u64 + 1,
                        })
                    }
                };
                faults.push(FaultIr {
                    error,
                    cause: Rc::from(cause.as_str()),
                    logged_type: Rc::from(fault.error.as_str()),
                    message: Rc::from(message.as_str()),
                    probability: fault.probability,
                    items,
                    attempts: fault.attempts.clone(),
                });
            }
        }
        TaskIr {
            integration,
            function_name: lambda_function_name(integration, &task.resource, state),
            resource: Rc::from(task.resource.as_str()),
            lambda: matches!(
                integration,
                Integration::LambdaFunction | Integration::LambdaInvoke
            ),
            timeout: task
                .timeout_seconds
                .as_ref()
                .and_then(|n| self.number(n, &format!("{p}/TimeoutSeconds"), "TimeoutSecondsPath")),
            heartbeat: task.heartbeat_seconds.as_ref().and_then(|n| {
                self.number(n, &format!("{p}/HeartbeatSeconds"), "HeartbeatSecondsPath")
            }),
            behaviour: Behaviour {
                latency: self.scenario.quantile_tables.sampler(
                    given
                        .and_then(|g| g.latency)
                        .unwrap_or(self.scenario.default_latency),
                ),
                faults,
                result: given
                    .and_then(|g| g.result.as_ref())
                    .map(|v| Rc::new(v.clone())),
                result_bytes: given.and_then(|g| g.result_bytes),
                heartbeat_interval_ms: given.and_then(|g| g.heartbeat_interval_ms),
                effect: given.and_then(|g| g.effect),
                memory_mb: given.and_then(|g| g.memory_mb).unwrap_or(128),
                arm64: given.is_some_and(|g| g.arm64),
            },
        }
    }

    fn map(
        &mut self,
        state: &asl::State,
        map: &asl::Map,
        id: StateId,
        distributed_depth: usize,
    ) -> MapIr {
        let p = state.pointer.clone();
        let language = state.query_language;
        let distributed = map.is_distributed();
        if distributed && distributed_depth > 0 {
            self.nested_distributed = true;
        }
        let execution_type = map.processor.execution_type.unwrap_or_default();
        let outermost = self.map_depth == 0;
        self.map_depth += 1;
        let processor = self.machine(
            &map.processor.machine,
            Some(id),
            distributed,
            execution_type,
            distributed_depth + usize::from(distributed),
        );
        self.map_depth -= 1;
        let items_path = match &map.items_path {
            None => Selection::Identity,
            Some(text) => Selection::compile(&Some(Some(text.clone()))).unwrap_or_else(|e| {
                self.problem(&format!("{p}/ItemsPath"), e);
                Selection::Identity
            }),
        };
        let items_jsonata = map
            .items
            .as_ref()
            .and_then(|v| self.jsonata_template(v, &format!("{p}/Items")));
        let selector_value = map.item_selector.as_ref().or(state.io.parameters.as_ref());
        let item_selector =
            selector_value.and_then(|v| self.selector(v, language, &format!("{p}/ItemSelector")));
        let batcher =
            map.item_batcher.as_ref().map(|b| BatcherIr {
                max_items: b.max_items_per_batch.as_ref().and_then(|n| {
                    self.number(n, &format!("{p}/ItemBatcher"), "MaxItemsPerBatchPath")
                }),
                max_bytes: b.max_input_bytes_per_batch.as_ref().and_then(|n| {
                    self.number(n, &format!("{p}/ItemBatcher"), "MaxInputBytesPerBatchPath")
                }),
                batch_input: b.batch_input.as_ref().and_then(|v| {
                    self.selector(v, language, &format!("{p}/ItemBatcher/BatchInput"))
                }),
            });
        let result_writer = map.result_writer.as_ref().map(|w| {
            let parameter = |key: &str| {
                w.parameters
                    .as_ref()
                    .and_then(|v| v.get(key).or_else(|| v.get(format!("{key}.$").as_str())))
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_string()
            };
            ResultWriterIr {
                bucket: parameter("Bucket"),
                prefix: parameter("Prefix"),
                output_type: w.output_type.clone(),
                transformation: w.transformation.clone(),
            }
        });
        let number = |this: &mut Self, n: &Option<Numeric>, field: &'static str| {
            n.as_ref().and_then(|n| {
                this.number(n, &format!("{p}/{}", field.trim_end_matches("Path")), field)
            })
        };
        // The scenario's `items` stand in for every outermost Distributed Map's items, or — in
        // a machine without Distributed Maps — for every Inline Map outside other Maps.
        let scenario_items = match self.scenario.maps.get(&state.name) {
            Some(over) => over.items.clone().map(Rc::new),
            None if distributed && distributed_depth == 0 => {
                self.scenario.items.clone().map(Rc::new)
            }
            None if !distributed && !self.has_distributed && outermost => {
                self.scenario.items.clone().map(Rc::new)
            }
            None => None,
        };
        MapIr {
            distributed,
            processor,
            execution_type,
            items_path,
            items_jsonata,
            item_selector,
            batcher,
            result_writer,
            max_concurrency: number(self, &map.max_concurrency, "MaxConcurrencyPath"),
            tolerated_count: number(
                self,
                &map.tolerated_failure_count,
                "ToleratedFailureCountPath",
            ),
            tolerated_percentage: number(
                self,
                &map.tolerated_failure_percentage,
                "ToleratedFailurePercentagePath",
            ),
            label: map.label.clone(),
            has_reader: map.item_reader.is_some(),
            reader_max_items: map
                .item_reader
                .as_ref()
                .and_then(|r| r.max_items.as_ref())
                .and_then(|n| {
                    self.number(n, &format!("{p}/ItemReader/ReaderConfig"), "MaxItemsPath")
                }),
            reader_config: map
                .item_reader
                .as_ref()
                .and_then(|r| r.reader_config.clone()),
            reader_file: self.scenario.item_file.clone().filter(|_| {
                map.item_reader.is_some()
                    && distributed
                    && distributed_depth == 0
                    && scenario_items.is_none()
            }),
            scenario_items,
        }
    }
}

/// Items for a Distributed Map with an ItemReader and no scenario items.
pub fn default_reader_items(nested: bool) -> Items {
    Items::Count(if nested {
        10
    } else {
        scenario::DEFAULT_READER_ITEMS
    })
}

/// The Lambda function a Task calls, by name (see [`TaskIr::function_name`]).
fn lambda_function_name(
    integration: Integration,
    resource: &str,
    state: &asl::State,
) -> Option<Rc<str>> {
    let arn = match integration {
        Integration::LambdaFunction => resource.to_string(),
        Integration::LambdaInvoke => {
            let literal = state
                .io
                .parameters
                .as_ref()
                .or(state.io.arguments.as_ref())
                .and_then(|p| p.get("FunctionName"))
                .and_then(Value::as_str)
                .filter(|s| !s.contains("{%"));
            match literal {
                Some(name) => name.to_string(),
                None => return Some(Rc::from(state.name.as_str())),
            }
        }
        _ => return None,
    };
    // arn:aws:lambda:REGION:ACCOUNT:function:NAME[:QUALIFIER], or a bare name.
    let name = match arn.split(':').collect::<Vec<_>>().as_slice() {
        [_, _, _, _, _, "function", name, ..] => name.to_string(),
        [name, ..] => name.to_string(),
        [] => arn.clone(),
    };
    Some(Rc::from(name.as_str()))
}
