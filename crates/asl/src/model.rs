//! The typed model of an Amazon States Language definition.
//!
//! The model is what the rest of mapsim reads: the engine simulates it, the app draws it.
//! It is built best-effort from a JSON value (see `build`), so a definition with errors still
//! yields a model of everything that could be understood, plus diagnostics for the rest.
//!
//! Every state and every retrier/catcher carries its JSON pointer, so a diagnostic, an
//! animation or a form edit can point back at the text the user typed.
//!
//! Data templates (`Parameters`, `ItemSelector`, `Arguments`, `Output`, `Assign`, `Result`, …)
//! are kept as `serde_json::Value`: their meaning depends on the query language and is given to
//! them by the evaluator, not by the reader.

use serde::Serialize;
use serde_json::Value;

/// Which query language a state uses for data flow. `JSONPath` is the default.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub enum QueryLanguage {
    #[default]
    JsonPath,
    Jsonata,
}

impl QueryLanguage {
    /// The spelling used in ASL (`"JSONPath"` / `"JSONata"`).
    pub fn as_str(self) -> &'static str {
        match self {
            QueryLanguage::JsonPath => "JSONPath",
            QueryLanguage::Jsonata => "JSONata",
        }
    }
}

/// A whole state machine, or the body of a Parallel branch or Map processor: `StartAt` + `States`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StateMachine {
    /// JSON pointer of this machine's object (`""` for the top level).
    pub pointer: String,
    pub comment: Option<String>,
    pub start_at: String,
    /// States in document order.
    pub states: Vec<State>,
    /// Top-level `TimeoutSeconds` (the whole execution). `None` inside branches/processors.
    pub timeout_seconds: Option<u64>,
    pub version: Option<String>,
    /// The top-level `QueryLanguage`, inherited by states that do not set their own.
    pub query_language: QueryLanguage,
}

impl StateMachine {
    /// The state with this name in this scope (not in nested branches/processors).
    pub fn state(&self, name: &str) -> Option<&State> {
        self.states.iter().find(|s| s.name == name)
    }

    /// Index of the state with this name in `states`.
    pub fn state_index(&self, name: &str) -> Option<usize> {
        self.states.iter().position(|s| s.name == name)
    }

    /// Visits every state of this machine and of every nested branch and processor,
    /// depth-first in document order.
    pub fn walk<'a>(&'a self, visit: &mut dyn FnMut(&'a State)) {
        for state in &self.states {
            visit(state);
            match &state.kind {
                StateKind::Parallel(parallel) => {
                    for branch in &parallel.branches {
                        branch.walk(visit);
                    }
                }
                StateKind::Map(map) => map.processor.machine.walk(visit),
                _ => {}
            }
        }
    }
}

/// One state: what all states share, plus the fields of its type.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct State {
    pub name: String,
    /// JSON pointer of the state's object, e.g. `/States/Process/ItemProcessor/States/Work`.
    pub pointer: String,
    pub comment: Option<String>,
    /// The state's effective query language (its own `QueryLanguage` or the inherited one).
    pub query_language: QueryLanguage,
    pub transition: Transition,
    pub io: DataFlow,
    pub kind: StateKind,
}

impl State {
    /// The ASL `Type` of this state.
    pub fn type_name(&self) -> &'static str {
        self.kind.type_name()
    }

    /// Retriers of a Task, Parallel or Map state; empty for the others.
    pub fn retry(&self) -> &[Retrier] {
        match &self.kind {
            StateKind::Task(t) => &t.retry,
            StateKind::Parallel(p) => &p.retry,
            StateKind::Map(m) => &m.retry,
            _ => &[],
        }
    }

    /// Catchers of a Task, Parallel or Map state; empty for the others.
    pub fn catch(&self) -> &[Catcher] {
        match &self.kind {
            StateKind::Task(t) => &t.catch,
            StateKind::Parallel(p) => &p.catch,
            StateKind::Map(m) => &m.catch,
            _ => &[],
        }
    }
}

/// Where a state goes when it completes normally.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum Transition {
    /// `"Next": name`.
    Next(String),
    /// `"End": true`.
    End,
    /// Choice, Succeed and Fail states decide for themselves (or the definition is broken).
    None,
}

/// A `TimeoutSeconds`-like field: a literal, a JSONPath `…Path` field, or a JSONata `{% %}`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum Numeric {
    Literal(f64),
    /// A reference path read from the state input at run time (`TimeoutSecondsPath`, …).
    Path(String),
    /// A JSONata expression (the text between `{%` and `%}`), evaluated at run time.
    Jsonata(String),
}

/// A string field that may be a literal, a `…Path` field or a JSONata expression
/// (`Error`/`ErrorPath`, `Cause`/`CausePath`, `Timestamp`/`TimestampPath`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum Text {
    Literal(String),
    Path(String),
    Jsonata(String),
}

/// The data-flow fields a state may carry. Which ones are legal depends on its type and query
/// language; the validator reports misplaced ones, the model keeps whatever was written.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct DataFlow {
    /// `InputPath`: `None` = absent (`$`), `Some(None)` = `null` (input becomes `{}`).
    pub input_path: Option<Option<String>>,
    /// `OutputPath`: `None` = absent (`$`), `Some(None)` = `null` (output becomes `{}`).
    pub output_path: Option<Option<String>>,
    /// `ResultPath`: `None` = absent (`$`), `Some(None)` = `null` (result discarded).
    pub result_path: Option<Option<String>>,
    /// `Parameters` (Task, Pass, Parallel, Map) — a JSONPath payload template.
    pub parameters: Option<Value>,
    /// `ResultSelector` (Task, Parallel, Map) — a JSONPath payload template.
    pub result_selector: Option<Value>,
    /// JSONata `Arguments`.
    pub arguments: Option<Value>,
    /// JSONata `Output`.
    pub output: Option<Value>,
    /// `Assign` (both query languages): variables to set.
    pub assign: Option<Value>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum StateKind {
    Task(Task),
    Pass(Pass),
    Choice(Choice),
    Wait(Wait),
    Succeed,
    Fail(Fail),
    Parallel(Parallel),
    Map(Box<Map>),
}

impl StateKind {
    pub fn type_name(&self) -> &'static str {
        match self {
            StateKind::Task(_) => "Task",
            StateKind::Pass(_) => "Pass",
            StateKind::Choice(_) => "Choice",
            StateKind::Wait(_) => "Wait",
            StateKind::Succeed => "Succeed",
            StateKind::Fail(_) => "Fail",
            StateKind::Parallel(_) => "Parallel",
            StateKind::Map(_) => "Map",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Task {
    /// The `Resource` ARN, placeholders such as `${LambdaArn}` left in place.
    pub resource: String,
    pub timeout_seconds: Option<Numeric>,
    pub heartbeat_seconds: Option<Numeric>,
    pub retry: Vec<Retrier>,
    pub catch: Vec<Catcher>,
    pub credentials: Option<Value>,
}

impl Task {
    /// What kind of integration the resource names; decides history event names and the
    /// shape of a simulated result.
    pub fn integration(&self) -> Integration {
        Integration::of(&self.resource)
    }
}

/// The family of a Task's `Resource`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Integration {
    /// A plain Lambda function ARN (`arn:aws:lambda:…:function:…`): `LambdaFunction*` events,
    /// the function's return value is the result.
    LambdaFunction,
    /// `arn:aws:states:::lambda:invoke` (optionally `.waitForTaskToken`): `Task*` events, the
    /// result is the Invoke API response (`Payload`, `StatusCode`, …).
    LambdaInvoke,
    /// An Activity ARN.
    Activity,
    /// Any other `arn:aws:states:::service:action` integration.
    Service,
    /// Anything else (placeholders, unknown ARNs).
    Other,
}

impl Integration {
    pub fn of(resource: &str) -> Integration {
        if resource.starts_with("arn:aws:states:::lambda:invoke") {
            Integration::LambdaInvoke
        } else if resource.contains(":lambda:") && resource.contains(":function:") {
            Integration::LambdaFunction
        } else if resource.contains(":states:") && resource.contains(":activity:") {
            Integration::Activity
        } else if resource.starts_with("arn:") && resource.contains(":states:::") {
            Integration::Service
        } else {
            Integration::Other
        }
    }
}

/// One entry of a `Retry` array.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Retrier {
    /// JSON pointer of the retrier object, e.g. `/States/Work/Retry/0`.
    pub pointer: String,
    pub error_equals: Vec<String>,
    /// Default 1.
    pub interval_seconds: u64,
    /// Default 3; 0 means never retry.
    pub max_attempts: u64,
    /// Default 2.0.
    pub backoff_rate: f64,
    /// No cap when absent.
    pub max_delay_seconds: Option<u64>,
    pub jitter: Jitter,
    pub comment: Option<String>,
}

impl Retrier {
    pub const DEFAULT_INTERVAL_SECONDS: u64 = 1;
    pub const DEFAULT_MAX_ATTEMPTS: u64 = 3;
    pub const DEFAULT_BACKOFF_RATE: f64 = 2.0;
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub enum Jitter {
    #[default]
    None,
    Full,
}

/// One entry of a `Catch` array.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Catcher {
    /// JSON pointer of the catcher object, e.g. `/States/Work/Catch/1`.
    pub pointer: String,
    pub error_equals: Vec<String>,
    pub next: String,
    /// `None` = absent (`$`: the error output replaces the input); `Some(None)` = `null`
    /// (the error output is discarded and the input kept).
    pub result_path: Option<Option<String>>,
    /// JSONata `Output`.
    pub output: Option<Value>,
    pub assign: Option<Value>,
    pub comment: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Pass {
    pub result: Option<Value>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Choice {
    pub choices: Vec<ChoiceRule>,
    pub default: Option<String>,
}

/// A top-level choice rule: a condition and the state it leads to.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ChoiceRule {
    pub pointer: String,
    pub condition: Condition,
    pub next: String,
    /// JSONata `Output` / `Assign` on the rule (also `Assign` in JSONPath).
    pub output: Option<Value>,
    pub assign: Option<Value>,
    pub comment: Option<String>,
}

/// A boolean condition of a Choice rule.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum Condition {
    And(Vec<Condition>),
    Or(Vec<Condition>),
    Not(Box<Condition>),
    /// A JSONPath comparison: `Variable` + one comparison operator.
    Compare {
        variable: String,
        op: Comparison,
        operand: Operand,
    },
    /// A JSONata `Condition` (the expression between `{%` and `%}`).
    Jsonata(String),
}

/// The operand of a comparison: a literal or, for the `…Path` operators, a reference path.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum Operand {
    Literal(Value),
    Path(String),
}

/// The comparison operators of a JSONPath Choice rule (without their `Path` suffix, which is
/// carried by `Operand::Path`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Comparison {
    StringEquals,
    StringLessThan,
    StringGreaterThan,
    StringLessThanEquals,
    StringGreaterThanEquals,
    StringMatches,
    NumericEquals,
    NumericLessThan,
    NumericGreaterThan,
    NumericLessThanEquals,
    NumericGreaterThanEquals,
    BooleanEquals,
    TimestampEquals,
    TimestampLessThan,
    TimestampGreaterThan,
    TimestampLessThanEquals,
    TimestampGreaterThanEquals,
    IsNull,
    IsPresent,
    IsNumeric,
    IsString,
    IsBoolean,
    IsTimestamp,
}

impl Comparison {
    /// Every operator with its ASL spelling (without `Path`).
    pub const ALL: [(Comparison, &'static str); 23] = [
        (Comparison::StringEquals, "StringEquals"),
        (Comparison::StringLessThan, "StringLessThan"),
        (Comparison::StringGreaterThan, "StringGreaterThan"),
        (Comparison::StringLessThanEquals, "StringLessThanEquals"),
        (
            Comparison::StringGreaterThanEquals,
            "StringGreaterThanEquals",
        ),
        (Comparison::StringMatches, "StringMatches"),
        (Comparison::NumericEquals, "NumericEquals"),
        (Comparison::NumericLessThan, "NumericLessThan"),
        (Comparison::NumericGreaterThan, "NumericGreaterThan"),
        (Comparison::NumericLessThanEquals, "NumericLessThanEquals"),
        (
            Comparison::NumericGreaterThanEquals,
            "NumericGreaterThanEquals",
        ),
        (Comparison::BooleanEquals, "BooleanEquals"),
        (Comparison::TimestampEquals, "TimestampEquals"),
        (Comparison::TimestampLessThan, "TimestampLessThan"),
        (Comparison::TimestampGreaterThan, "TimestampGreaterThan"),
        (
            Comparison::TimestampLessThanEquals,
            "TimestampLessThanEquals",
        ),
        (
            Comparison::TimestampGreaterThanEquals,
            "TimestampGreaterThanEquals",
        ),
        (Comparison::IsNull, "IsNull"),
        (Comparison::IsPresent, "IsPresent"),
        (Comparison::IsNumeric, "IsNumeric"),
        (Comparison::IsString, "IsString"),
        (Comparison::IsBoolean, "IsBoolean"),
        (Comparison::IsTimestamp, "IsTimestamp"),
    ];

    pub fn as_str(self) -> &'static str {
        Self::ALL
            .iter()
            .find(|(op, _)| *op == self)
            .map_or("", |(_, name)| name)
    }

    /// Parses an operator name, with or without the `Path` suffix. Returns the operator and
    /// whether the `Path` form was used. `StringMatches` and the `Is*` tests have no `Path` form.
    pub fn parse(name: &str) -> Option<(Comparison, bool)> {
        let (base, is_path) = match name.strip_suffix("Path") {
            Some(base) => (base, true),
            None => (name, false),
        };
        let (op, _) = Self::ALL.iter().find(|(_, n)| *n == base)?;
        if is_path && (op.is_type_test() || *op == Comparison::StringMatches) {
            return None;
        }
        Some((*op, is_path))
    }

    /// `IsNull`, `IsPresent`, `IsNumeric`, `IsString`, `IsBoolean`, `IsTimestamp`.
    pub fn is_type_test(self) -> bool {
        matches!(
            self,
            Comparison::IsNull
                | Comparison::IsPresent
                | Comparison::IsNumeric
                | Comparison::IsString
                | Comparison::IsBoolean
                | Comparison::IsTimestamp
        )
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum Wait {
    /// `Seconds` (literal) or `SecondsPath`, or JSONata `Seconds: "{% … %}"`.
    Seconds(Numeric),
    /// `Timestamp` (literal RFC 3339) or `TimestampPath`, or JSONata.
    Timestamp(Text),
}

#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct Fail {
    pub error: Option<Text>,
    pub cause: Option<Text>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Parallel {
    pub branches: Vec<StateMachine>,
    pub retry: Vec<Retrier>,
    pub catch: Vec<Catcher>,
}

/// `ItemProcessor.ProcessorConfig.Mode`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub enum ProcessorMode {
    #[default]
    Inline,
    Distributed,
}

/// `ItemProcessor.ProcessorConfig.ExecutionType` (Distributed mode only).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub enum ExecutionType {
    #[default]
    Standard,
    Express,
}

impl ExecutionType {
    pub fn as_str(self) -> &'static str {
        match self {
            ExecutionType::Standard => "STANDARD",
            ExecutionType::Express => "EXPRESS",
        }
    }
}

/// A Map state's `ItemProcessor` (or legacy `Iterator`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Processor {
    pub mode: ProcessorMode,
    /// `None` when absent (only meaningful in Distributed mode, where it is required).
    pub execution_type: Option<ExecutionType>,
    pub machine: StateMachine,
    /// Whether the legacy `Iterator` field was used instead of `ItemProcessor`.
    pub legacy_iterator: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Map {
    pub processor: Processor,
    /// `ItemsPath` (JSONPath); `None` = absent (`$`).
    pub items_path: Option<String>,
    /// JSONata `Items` (an array literal or a `{% %}` expression).
    pub items: Option<Value>,
    /// `ItemSelector` (or legacy `Parameters` on a Map, which `io.parameters` also holds).
    pub item_selector: Option<Value>,
    pub item_reader: Option<ItemReader>,
    pub item_batcher: Option<ItemBatcher>,
    pub result_writer: Option<ResultWriter>,
    /// `MaxConcurrency` / `MaxConcurrencyPath`; `None` = 0 (no limit: 10,000 in Distributed mode).
    pub max_concurrency: Option<Numeric>,
    pub tolerated_failure_count: Option<Numeric>,
    pub tolerated_failure_percentage: Option<Numeric>,
    pub label: Option<String>,
    pub retry: Vec<Retrier>,
    pub catch: Vec<Catcher>,
}

impl Map {
    pub fn is_distributed(&self) -> bool {
        self.processor.mode == ProcessorMode::Distributed
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ItemReader {
    pub resource: String,
    /// `ReaderConfig` as written (`InputType`, `CSVHeaderLocation`, `CSVHeaders`, `MaxItems`…).
    pub reader_config: Option<Value>,
    /// `Parameters` (JSONPath) or `Arguments` (JSONata).
    pub parameters: Option<Value>,
    /// `ReaderConfig.MaxItems` / `MaxItemsPath` / JSONata `MaxItems`.
    pub max_items: Option<Numeric>,
    /// `ReaderConfig.InputType`: `JSON`, `JSONL`, `CSV`, `MANIFEST`, `PARQUET`…
    pub input_type: Option<String>,
    /// `ReaderConfig.CSVHeaderLocation`: `FIRST_ROW` or `GIVEN`.
    pub csv_header_location: Option<String>,
    /// `ReaderConfig.CSVHeaders` (with `GIVEN`).
    pub csv_headers: Option<Vec<String>>,
    /// `ReaderConfig.CSVDelimiter`: `COMMA`, `PIPE`, `SEMICOLON`, `SPACE`, `TAB`.
    pub csv_delimiter: Option<String>,
    /// `ReaderConfig.ManifestType`: `ATHENA_DATA`, `S3_INVENTORY`…
    pub manifest_type: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ItemBatcher {
    pub max_items_per_batch: Option<Numeric>,
    pub max_input_bytes_per_batch: Option<Numeric>,
    pub batch_input: Option<Value>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ResultWriter {
    pub resource: Option<String>,
    /// `Parameters` (JSONPath) or `Arguments` (JSONata): `Bucket`, `Prefix`.
    pub parameters: Option<Value>,
    /// `WriterConfig` as written (`OutputType`, `Transformation`).
    pub writer_config: Option<Value>,
    /// `WriterConfig.OutputType`: `JSON` or `JSONL`.
    pub output_type: Option<String>,
    /// `WriterConfig.Transformation`: `NONE`, `COMPACT` or `FLATTEN`.
    pub transformation: Option<String>,
}
