//! The scenario document: how the world behaves around the definition (PRODUCT.md's contract).
//!
//! ```json
//! { "seed": 7, "items": { "count": 10000 },
//!   "tasks": { "ProcessItem": { "latency": { "fixed_ms": 200 },
//!       "faults": [ { "error": "Lambda.ServiceException", "probability": 0.05 } ] } },
//!   "limits": { "lambda_concurrency": 1000 } }
//! ```
//!
//! Parsing reports every problem at once, each with its JSON pointer and, since the document is
//! text the user typed, its line and column. Unknown fields are errors that name the field (a
//! typo such as `"probabilty"` would otherwise silently change the run).
//!
//! Fields beyond PRODUCT.md's core (all optional): `start_time`, `input`, `maps.<State>.items`,
//! `defaults.latency`, per task `result`, `result_bytes` and `heartbeat_interval_ms`,
//! `limits.payload_bytes`, `limits.throttle_latency_ms`, and `assumptions` (the toggles for
//! behaviours the semantics sheet marks as inferred).

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::fmt;
use std::rc::Rc;

use serde::Serialize;
use serde_json::{Map as JsonObject, Value};

use crate::clock;

/// The largest `items.count` accepted: item records take about 40 bytes each, so ten million
/// items stay near 400 MB natively. Larger counts are refused rather than risking the machine.
pub const MAX_ITEMS: u64 = 10_000_000;
/// The largest latency accepted (one year, the Standard execution limit).
pub const MAX_LATENCY_MS: u64 = 31_536_000_000;
/// The latency of a Task the scenario says nothing about.
pub const DEFAULT_LATENCY_MS: u64 = 100;
/// Step Functions' payload limit (256 KiB).
pub const DEFAULT_PAYLOAD_BYTES: u64 = 262_144;
/// Items a Distributed Map with an `ItemReader` gets when the scenario gives none.
pub const DEFAULT_READER_ITEMS: u64 = 100;

/// A parsed, checked scenario.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Scenario {
    pub seed: u64,
    /// Epoch milliseconds of virtual time 0.
    pub start_epoch_ms: i64,
    /// The execution input (default `{}`). Shared: every run of the scenario, and the
    /// simulation's parent execution, use it without copying it.
    #[serde(serialize_with = "serialize_shared")]
    pub input: Rc<Value>,
    /// Items for every outermost Distributed Map (standing in for ItemReader / ItemsPath), or,
    /// in a machine without Distributed Maps, for every Inline Map outside other Maps (standing
    /// in for its ItemsPath or JSONata `Items`; the run's assumptions say so).
    pub items: Option<Items>,
    /// `"items": {"file": "orders.csv"}`: the outermost Distributed Maps' `ItemReader` reads
    /// this file's contents, as Step Functions would read the S3 object (the CLI reads the
    /// file beside the scenario, the page the one dropped in; the engine only parses bytes).
    pub item_file: Option<ItemFile>,
    /// Per-Map-state item overrides, for Distributed and Inline Maps alike.
    pub maps: BTreeMap<String, MapOverride>,
    pub default_latency: Latency,
    pub tasks: BTreeMap<String, TaskBehaviour>,
    pub limits: Limits,
    pub assumptions: Assumptions,
    /// CloudWatch alarms on the simulated metrics (`alarms`, PutMetricAlarm's fields).
    pub alarms: Vec<ScenarioAlarm>,
    /// Step Functions' log level for the execution log group (`logging.level`; default OFF,
    /// as a state machine without a LoggingConfiguration).
    pub log_level: LogLevel,
    /// What is different on each redrive (`redrives[i]` for the i+1-th; a redrive past the
    /// list runs as the last one did).
    pub redrives: Vec<RedriveChanges>,
    /// How the run's cost is worked out (`pricing`).
    pub pricing: Pricing,
    /// The lognormal quantile tables computed so far, shared by every simulation of this
    /// scenario and of its clones (not part of the document; see [`Sampler`]).
    #[serde(skip)]
    pub quantile_tables: QuantileTables,
    /// The largest item bounds of the Inline Map item arrays met so far, shared the same way
    /// (see [`crate::data::ItemBounds`]).
    #[serde(skip)]
    pub item_bounds: crate::data::ItemBounds,
}

impl Default for Scenario {
    fn default() -> Self {
        Scenario {
            seed: 0,
            start_epoch_ms: clock::DEFAULT_START_EPOCH_MS,
            input: Rc::new(Value::Object(JsonObject::new())),
            items: None,
            item_file: None,
            maps: BTreeMap::new(),
            default_latency: Latency::Fixed(DEFAULT_LATENCY_MS),
            tasks: BTreeMap::new(),
            limits: Limits::default(),
            assumptions: Assumptions::default(),
            alarms: Vec::new(),
            log_level: LogLevel::Off,
            redrives: Vec::new(),
            pricing: Pricing::default(),
            quantile_tables: QuantileTables::default(),
            item_bounds: crate::data::ItemBounds::default(),
        }
    }
}

fn serialize_shared<S: serde::Serializer>(
    value: &Rc<Value>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    value.as_ref().serialize(serializer)
}

/// The largest item file mapsim reads (256 MiB).
pub const MAX_ITEM_FILE_BYTES: u64 = 256 << 20;

/// A file an `ItemReader` reads (`"items": {"file": …}`): its name as written and, once the
/// caller has read it, its bytes.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ItemFile {
    pub name: String,
    #[serde(skip)]
    pub bytes: Option<Rc<Vec<u8>>>,
}

/// Where a Distributed Map's items come from.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum Items {
    /// `{"count": n}`: items `{"index": i}`.
    Count(u64),
    /// `{"values": [...]}` (shared: every simulation of the scenario reads the same values).
    Values(#[serde(serialize_with = "serialize_values")] Rc<Vec<Value>>),
}

fn serialize_values<S: serde::Serializer>(
    values: &Rc<Vec<Value>>,
    s: S,
) -> Result<S::Ok, S::Error> {
    values.as_slice().serialize(s)
}

impl Items {
    pub fn len(&self) -> u64 {
        match self {
            Items::Count(n) => *n,
            Items::Values(v) => v.len() as u64,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MapOverride {
    pub items: Option<Items>,
}

/// How long a Task attempt takes.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub enum Latency {
    Fixed(u64),
    /// Uniform integer milliseconds in `[min, max]`.
    Uniform {
        min_ms: u64,
        max_ms: u64,
    },
    /// Lognormal with this median and 99th percentile.
    Lognormal {
        median_ms: f64,
        p99_ms: f64,
    },
}

/// The z-score of the 99th percentile of a standard normal distribution.
const Z_99: f64 = 2.326_347_874_040_841;

impl Latency {
    /// The distribution with its parameters precomputed, for repeated draws.
    pub fn sampler(&self) -> Sampler {
        match *self {
            Latency::Fixed(ms) => Sampler::Fixed(ms),
            Latency::Uniform { min_ms, max_ms } => Sampler::Uniform { min_ms, max_ms },
            Latency::Lognormal { median_ms, p99_ms } => Sampler::Lognormal {
                median_ms,
                sigma: libm::log(p99_ms / median_ms) / Z_99,
                table: Rc::new(QuantileTable::default()),
            },
        }
    }
}

/// Points of the tabulated lognormal quantile function.
const QUANTILES: usize = 4096;

/// A latency distribution ready to draw from.
///
/// A lognormal draw is inverse-transform sampling: a uniform `u` is mapped through the
/// distribution's quantile function, tabulated at 4,096 points and interpolated linearly in
/// between (the result is rounded to whole milliseconds anyway); in the outermost 1/4,096 of
/// either tail the quantile is computed exactly. A point of the table is computed the first time
/// a draw needs it — a run of a few thousand draws needs a fraction of the table, and computing
/// all of it up front cost more than the run — and kept for every later draw, so no
/// transcendental function runs per draw once the table is warm. Points are computed with
/// `libm`, so every platform draws the same values.
#[derive(Debug, Clone, PartialEq)]
pub enum Sampler {
    Fixed(u64),
    Uniform {
        min_ms: u64,
        max_ms: u64,
    },
    Lognormal {
        median_ms: f64,
        sigma: f64,
        table: Rc<QuantileTable>,
    },
}

/// The quantile tables of a scenario's lognormal latencies, by parameters: simulations of the
/// same scenario draw from the same tables instead of computing the same points again (a table
/// point costs an `exp` and a normal quantile; a run of a thousand items needs thousands).
/// Clones share the tables. A scenario has a handful of latencies, so the list stays short.
#[derive(Debug, Clone, Default)]
pub struct QuantileTables(Rc<RefCell<Vec<LognormalTable>>>);

/// A lognormal latency's parameters (as bits) and its table.
#[derive(Debug)]
struct LognormalTable {
    median_bits: u64,
    p99_bits: u64,
    table: Rc<QuantileTable>,
}

/// A cache: equal whatever it holds.
impl PartialEq for QuantileTables {
    fn eq(&self, _other: &QuantileTables) -> bool {
        true
    }
}

impl QuantileTables {
    /// `latency` ready to draw from, with the table of earlier simulations when it has one.
    pub fn sampler(&self, latency: Latency) -> Sampler {
        let Latency::Lognormal { median_ms, p99_ms } = latency else {
            return latency.sampler();
        };
        let (median_bits, p99_bits) = (median_ms.to_bits(), p99_ms.to_bits());
        let mut tables = self.0.borrow_mut();
        let known = tables
            .iter()
            .find(|t| t.median_bits == median_bits && t.p99_bits == p99_bits);
        let table = match known {
            Some(known) => known.table.clone(),
            None => {
                let table = Rc::new(QuantileTable::default());
                tables.push(LognormalTable {
                    median_bits,
                    p99_bits,
                    table: table.clone(),
                });
                table
            }
        };
        match latency.sampler() {
            Sampler::Lognormal {
                median_ms, sigma, ..
            } => Sampler::Lognormal {
                median_ms,
                sigma,
                table,
            },
            other => other,
        }
    }
}

/// The tabulated quantile function of a lognormal [`Sampler`], filled on demand. Point `i`
/// (of 1…4,095) is the quantile at `i / 4,096`; a point's value does not depend on when it was
/// computed, so a table shared by several simulations (a replayed child shares its program)
/// draws the same values in each.
#[derive(Debug, Default)]
pub struct QuantileTable {
    /// `NaN` where a point has not been computed yet.
    points: RefCell<Vec<f64>>,
}

/// Tables are equal when their samplers' parameters are (the points are a function of them,
/// whichever of them have been computed so far).
impl PartialEq for QuantileTable {
    fn eq(&self, _other: &QuantileTable) -> bool {
        true
    }
}

impl QuantileTable {
    /// The quantiles at `i / QUANTILES` and `(i + 1) / QUANTILES` (`0 < i < QUANTILES - 1`): the
    /// two ends of the segment a draw interpolates on.
    fn segment(&self, i: usize, median_ms: f64, sigma: f64) -> (f64, f64) {
        let mut points = self.points.borrow_mut();
        if points.is_empty() {
            points.resize(QUANTILES, f64::NAN);
        }
        let mut at = |j: usize| match points.get_mut(j) {
            Some(point) if !point.is_nan() => *point,
            Some(point) => {
                *point = lognormal_quantile(j as f64 / QUANTILES as f64, median_ms, sigma);
                *point
            }
            None => lognormal_quantile(j as f64 / QUANTILES as f64, median_ms, sigma),
        };
        let lo = at(i);
        (lo, at(i + 1))
    }
}

/// The lognormal quantile function at `u`.
fn lognormal_quantile(u: f64, median_ms: f64, sigma: f64) -> f64 {
    median_ms * libm::exp(sigma * normal_quantile(u))
}

impl Sampler {
    #[inline]
    pub fn sample(&self, stream: &mut crate::rng::Stream) -> u64 {
        match self {
            Sampler::Fixed(ms) => *ms,
            Sampler::Uniform { min_ms, max_ms } => stream.range_inclusive(*min_ms, *max_ms),
            Sampler::Lognormal {
                median_ms,
                sigma,
                table,
            } => {
                let u = stream.unit();
                let x = u * QUANTILES as f64;
                let i = x as usize;
                let value = if i > 0 && i + 1 < QUANTILES {
                    let (lo, hi) = table.segment(i, *median_ms, *sigma);
                    lo + (x - i as f64) * (hi - lo)
                } else if u > 0.0 {
                    lognormal_quantile(u, *median_ms, *sigma)
                } else {
                    0.0
                };
                // Round to whole milliseconds (half up) and keep inside the accepted range. At or
                // above 1 a cast truncates as `floor` rounds down; below, the draw is 0 ms.
                let shifted = value + 0.5;
                if shifted.is_finite() && shifted >= 1.0 {
                    (shifted as u64).min(MAX_LATENCY_MS)
                } else {
                    0
                }
            }
        }
    }
}

/// The standard normal quantile function Φ⁻¹(p) (Wichura's algorithm AS 241, PPND16: about
/// 16 significant digits), with `libm` only.
// The coefficients are quoted as published, digit for digit.
#[allow(clippy::excessive_precision)]
pub fn normal_quantile(p: f64) -> f64 {
    let q = p - 0.5;
    if q.abs() <= 0.425 {
        let r = 0.180_625 - q * q;
        return q
            * (((((((2_509.080_928_730_122_7 * r + 33_430.575_583_588_128) * r
                + 67_265.770_927_008_7)
                * r
                + 45_921.953_931_549_87)
                * r
                + 13_731.693_765_509_461)
                * r
                + 1_971.590_950_306_551_3)
                * r
                + 133.141_667_891_784_38)
                * r
                + 3.387_132_872_796_366_5)
            / (((((((5_226.495_278_852_545 * r + 28_729.085_735_721_943) * r
                + 39_307.895_800_092_71)
                * r
                + 21_213.794_301_586_597)
                * r
                + 5_394.196_021_424_751)
                * r
                + 687.187_007_492_057_9)
                * r
                + 42.313_330_701_600_91)
                * r
                + 1.0);
    }
    let tail = if q < 0.0 { p } else { 1.0 - p };
    if tail <= 0.0 {
        return if q < 0.0 {
            f64::NEG_INFINITY
        } else {
            f64::INFINITY
        };
    }
    let mut r = libm::sqrt(-libm::log(tail));
    let value = if r <= 5.0 {
        r -= 1.6;
        (((((((7.745_450_142_783_414e-4 * r + 2.272_384_498_926_918_4e-2) * r
            + 2.417_807_251_774_506e-1)
            * r
            + 1.270_458_252_452_368_4)
            * r
            + 3.647_848_324_763_204_5)
            * r
            + 5.769_497_221_460_691)
            * r
            + 4.630_337_846_156_546)
            * r
            + 1.423_437_110_749_683_5)
            / (((((((1.050_750_071_644_416_9e-9 * r + 5.475_938_084_995_345e-4) * r
                + 1.519_866_656_361_645_7e-2)
                * r
                + 1.481_039_764_274_800_7e-1)
                * r
                + 6.897_673_349_851e-1)
                * r
                + 1.676_384_830_183_803_8)
                * r
                + 2.053_191_626_637_759)
                * r
                + 1.0)
    } else {
        r -= 5.0;
        (((((((2.010_334_399_292_288_1e-7 * r + 2.711_555_568_743_487_6e-5) * r
            + 1.242_660_947_388_078_4e-3)
            * r
            + 2.653_218_952_657_612_4e-2)
            * r
            + 2.965_605_718_285_048_7e-1)
            * r
            + 1.784_826_539_917_291_3)
            * r
            + 5.463_784_911_164_114)
            * r
            + 6.657_904_643_501_103)
            / (((((((2.044_263_103_389_939_7e-15 * r + 1.421_511_758_316_446e-7) * r
                + 1.846_318_317_510_054_8e-5)
                * r
                + 7.868_691_311_456_133e-4)
                * r
                + 1.487_536_129_085_061_5e-2)
                * r
                + 1.369_298_809_227_358e-1)
                * r
                + 5.998_322_065_558_88e-1)
                * r
                + 1.0)
    };
    if q < 0.0 {
        -value
    } else {
        value
    }
}

/// What the scenario says about one Task state.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TaskBehaviour {
    pub latency: Option<Latency>,
    pub faults: Vec<Fault>,
    /// What the function/service returns on success; `None` = it echoes its input.
    pub result: Option<Value>,
    /// Pretend the successful result has this many bytes (to exercise the payload limit without
    /// writing a large `result`).
    pub result_bytes: Option<u64>,
    /// The worker sends a heartbeat every this many ms; `None` = it never does (so a Task with
    /// `HeartbeatSeconds` shorter than its latency fails with `States.HeartbeatTimeout`).
    pub heartbeat_interval_ms: Option<u64>,
    /// The Task's work has a side effect (a write, a charge, a message) whose repeats the run
    /// counts per item: `effect`, `effect_on_timeout`, `effect_on_failure`, `idempotent`.
    pub effect: Option<Effect>,
    /// The Lambda function's configured memory (`memory_mb`, 128–10,240; 128 when absent):
    /// what its GB-seconds are billed at.
    pub memory_mb: Option<u32>,
    /// The Lambda function's architecture (`architecture`: `x86_64`, the default, or `arm64`).
    pub arm64: bool,
}

/// A Task's side effect (the seed's idempotency chapter): it happens on every attempt that
/// succeeds, on an attempt Step Functions timed out with probability `on_timeout` (the function
/// ran on after Step Functions stopped waiting, and may have written), and on a failed attempt
/// with probability `on_failure` (it failed after writing); never on a throttled one, which did
/// not run.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Effect {
    pub on_timeout: f64,
    pub on_failure: f64,
    /// Repeats are harmless (the write is idempotent): still counted, reported as harmless.
    pub idempotent: bool,
}

/// `effect_on_timeout` when the scenario declares an effect without it: the function went on
/// after Step Functions stopped waiting for it and finished its work (the engine models that
/// work going on). An assumption the run reports.
pub const DEFAULT_EFFECT_ON_TIMEOUT: f64 = 1.0;

/// The scenario's `pricing`: the region whose prices apply (us-east-1 when absent; `mapsim run
/// --region` overrides it), whether this run may use the month's free tier (not by default:
/// a run is priced as if the free tier were already spent), and the memory an Express
/// execution is billed at (AWS's estimate when absent, see [`crate::cost`]).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Pricing {
    pub region: Option<String>,
    pub free_tier: bool,
    pub express_memory_mb: Option<u32>,
}

/// What a redrive changes (`redrives[i]`): the behaviour of some Tasks (the downstream fixed,
/// other faults) and the seed of the draws of what runs again.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RedriveChanges {
    /// Replaces these Tasks' behaviour (each entry as in `tasks`).
    pub tasks: BTreeMap<String, TaskBehaviour>,
    /// The seed of what runs again; by default another one drawn from the scenario's seed and
    /// the redrive's number, so that transient faults are not the same faults again.
    pub seed: Option<u64>,
}

/// One fault rule.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Fault {
    pub error: String,
    pub cause: Option<String>,
    /// Fires on an attempt with this probability (drawn per attempt).
    pub probability: Option<f64>,
    /// Only for these items.
    pub items: Option<ItemSelection>,
    /// Only on these attempt numbers (0 = first try); absent = every attempt.
    pub attempts: Option<Vec<u64>>,
    /// The fault as the function's runtime raises it: Step Functions then sees the exception's
    /// class name as the error (not `error`, which stays the type the function logs) and the
    /// Lambda error JSON as the cause.
    pub raise: Option<Raise>,
}

/// One alarm of the scenario, with where it is written.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ScenarioAlarm {
    /// JSON pointer of the alarm in the scenario (`/alarms/0`).
    pub pointer: String,
    pub spec: cloudwatch::AlarmSpec,
}

/// What a Lambda function's runtime raises (`faults[i].raise`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Raise {
    /// e.g. `python3.12`, `nodejs20.x`, `java21`: decides the shape of the stack trace.
    pub runtime: String,
    /// The exception's class name, which Lambda reports as `errorType` (`Exception`).
    pub exception: String,
    /// The exception's message (`errorMessage`).
    pub message: String,
}

impl Raise {
    /// The cause Lambda passes on for an unhandled exception, as recorded from AWS
    /// (`_extracted/14`: `errorMessage`, `errorType`, `requestId`, `stackTrace`, compact JSON).
    pub fn lambda_cause(&self, request_id: &str) -> String {
        let (file, frame) = if self.runtime.starts_with("python") {
            (
                "  File \"/var/task/handler.py\", line 2, in handler\n".to_string(),
                format!("    raise {}({:?})\n", self.exception, self.message),
            )
        } else if self.runtime.starts_with("nodejs") {
            (
                format!("{}: {}", self.exception, self.message),
                "    at Runtime.handler (file:///var/task/index.mjs:2:9)".to_string(),
            )
        } else {
            (
                format!("{}: {}", self.exception, self.message),
                String::new(),
            )
        };
        let trace = if self.runtime.starts_with("python") {
            vec![Value::String(format!("{file}{frame}"))]
        } else {
            [file, frame]
                .into_iter()
                .filter(|s| !s.is_empty())
                .map(Value::String)
                .collect()
        };
        let mut o = JsonObject::new();
        o.insert("errorMessage".into(), Value::String(self.message.clone()));
        o.insert("errorType".into(), Value::String(self.exception.clone()));
        o.insert("requestId".into(), Value::String(request_id.to_string()));
        o.insert("stackTrace".into(), Value::Array(trace));
        Value::Object(o).to_string()
    }
}

/// Logging of the simulated deployment (`logging`): Step Functions' `LoggingConfiguration`
/// level for the execution log group.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum LogLevel {
    All,
    Error,
    Fatal,
    Off,
}

impl LogLevel {
    pub fn as_str(self) -> &'static str {
        match self {
            LogLevel::All => "ALL",
            LogLevel::Error => "ERROR",
            LogLevel::Fatal => "FATAL",
            LogLevel::Off => "OFF",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum ItemSelection {
    /// This fraction of the items, chosen by the seed (exactly `round(fraction × items)`).
    Fraction(f64),
    Indices(Vec<u64>),
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Limits {
    /// Concurrent Lambda invocations before `Lambda.TooManyRequestsException`.
    pub lambda_concurrency: Option<u64>,
    pub payload_bytes: u64,
    /// How long a throttled invocation takes to fail.
    pub throttle_latency_ms: u64,
    /// Express workflows run at least once: the share of Express child executions that run
    /// twice for one start (`express_duplicate_starts`), which repeats their side effects.
    pub express_duplicate_starts: f64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            lambda_concurrency: None,
            payload_bytes: DEFAULT_PAYLOAD_BYTES,
            throttle_latency_ms: 0,
            express_duplicate_starts: 0.0,
        }
    }
}

/// Choices for behaviours no AWS source settles (ASL-SEMANTICS.md's [INF] facts). Each run's
/// summary lists the ones it relied on.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Assumptions {
    /// A Distributed Map with neither tolerance field set fails on its first failed item; which
    /// error does the Map Run report? `true` (default): `States.ExceedToleratedFailureThreshold`;
    /// `false`: the failed child's own error and cause.
    pub untolerated_failure_is_threshold_error: bool,
    /// Retry waits: cap by `MaxDelaySeconds` first, then apply FULL jitter (`true`, the order
    /// peer emulators use) or jitter first then cap (`false`).
    pub cap_then_jitter: bool,
    /// The error a Standard execution fails with when its history would pass 25,000 events.
    pub history_limit_error: String,
}

impl Default for Assumptions {
    fn default() -> Self {
        Assumptions {
            untolerated_failure_is_threshold_error: true,
            cap_then_jitter: true,
            history_limit_error: "States.Runtime".to_string(),
        }
    }
}

/// A problem in the scenario document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ScenarioError {
    pub message: String,
    /// JSON pointer of the offending value (`""` for the document).
    pub pointer: String,
    /// 1-based line and column in the text, when known.
    pub line: Option<u32>,
    pub column: Option<u32>,
}

impl fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.line, self.column) {
            (Some(l), Some(c)) => write!(f, "{l}:{c}: {}", self.message),
            _ => f.write_str(&self.message),
        }
    }
}

/// Parses and checks a scenario document. Reports every problem found.
pub fn parse(text: &str) -> Result<Scenario, Vec<ScenarioError>> {
    let value: Value = match serde_json::from_str(text) {
        Ok(v) => v,
        Err(e) => {
            return Err(vec![ScenarioError {
                message: format!("the scenario is not valid JSON: {}", strip_position(&e)),
                pointer: String::new(),
                line: u32::try_from(e.line()).ok().filter(|l| *l > 0),
                column: u32::try_from(e.column()).ok().filter(|c| *c > 0),
            }])
        }
    };
    let mut reader = Reader { errors: Vec::new() };
    let scenario = reader.scenario(&value);
    if reader.errors.is_empty() {
        Ok(scenario)
    } else {
        let mut errors = reader.errors;
        for error in &mut errors {
            if let Some((line, column)) = locate(text, &error.pointer) {
                error.line = Some(line);
                error.column = Some(column);
            }
        }
        Err(errors)
    }
}

/// Parses a scenario given as a JSON value (no positions).
pub fn from_value(value: &Value) -> Result<Scenario, Vec<ScenarioError>> {
    let mut reader = Reader { errors: Vec::new() };
    let scenario = reader.scenario(value);
    if reader.errors.is_empty() {
        Ok(scenario)
    } else {
        Err(reader.errors)
    }
}

/// Checks the scenario against a definition: every `tasks` key must name a Task state and every
/// `maps` key a Map state. Positions are filled in from `text` when given.
pub fn check_against(
    scenario: &Scenario,
    machine: &asl::StateMachine,
    text: Option<&str>,
) -> Vec<ScenarioError> {
    let mut kinds: BTreeMap<&str, &'static str> = BTreeMap::new();
    machine.walk(&mut |state| {
        kinds.insert(state.name.as_str(), state.type_name());
    });
    let mut errors = Vec::new();
    let redrive_tasks = scenario.redrives.iter().enumerate().flat_map(|(i, r)| {
        r.tasks.keys().map(move |name| {
            (
                format!("redrives[{i}].tasks.{name}"),
                format!("/redrives/{i}/tasks/{}", escape_pointer(name)),
                name,
            )
        })
    });
    let tasks = scenario
        .tasks
        .keys()
        .map(|name| {
            (
                format!("tasks.{name}"),
                format!("/tasks/{}", escape_pointer(name)),
                name,
            )
        })
        .chain(redrive_tasks);
    for (what, pointer, name) in tasks {
        match kinds.get(name.as_str()) {
            Some(&"Task") => {}
            Some(kind) => errors.push(ScenarioError {
                message: format!(
                    "{what}: `{name}` is a {kind} state; only Task states take a behaviour"
                ),
                pointer,
                line: None,
                column: None,
            }),
            None => errors.push(ScenarioError {
                message: format!(
                    "{what}: the definition has no state named `{name}`{}",
                    suggestion(
                        name,
                        kinds.iter().filter(|(_, k)| **k == "Task").map(|(n, _)| *n)
                    )
                ),
                pointer,
                line: None,
                column: None,
            }),
        }
    }
    for name in scenario.maps.keys() {
        match kinds.get(name.as_str()) {
            Some(&"Map") => {}
            _ => errors.push(ScenarioError {
                message: format!("maps.{name}: the definition has no Map state named `{name}`"),
                pointer: format!("/maps/{}", escape_pointer(name)),
                line: None,
                column: None,
            }),
        }
    }
    if let Some(text) = text {
        for error in &mut errors {
            if let Some((line, column)) = locate(text, &error.pointer) {
                error.line = Some(line);
                error.column = Some(column);
            }
        }
    }
    errors
}

fn suggestion<'a>(name: &str, candidates: impl Iterator<Item = &'a str>) -> String {
    let lower = name.to_ascii_lowercase();
    let close: Vec<&str> = candidates
        .filter(|c| {
            let c = c.to_ascii_lowercase();
            c == lower || edit_distance(&c, &lower) <= 2
        })
        .collect();
    match close.first() {
        Some(c) => format!(" (did you mean `{c}`?)"),
        None => String::new(),
    }
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut row = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            let v = (prev[j] + cost).min(prev[j + 1] + 1).min(row[j] + 1);
            row.push(v);
        }
        prev = row;
    }
    prev.last().copied().unwrap_or(0)
}

fn strip_position(e: &serde_json::Error) -> String {
    let text = e.to_string();
    match text.rfind(" at line ") {
        Some(i) => text.get(..i).unwrap_or(&text).to_string(),
        None => text,
    }
}

pub(crate) fn escape_pointer(key: &str) -> String {
    asl::pointer::escape(key)
}

struct Reader {
    errors: Vec<ScenarioError>,
}

type Obj = JsonObject<String, Value>;

impl Reader {
    fn error(&mut self, pointer: &str, message: impl Into<String>) {
        self.errors.push(ScenarioError {
            message: message.into(),
            pointer: pointer.to_string(),
            line: None,
            column: None,
        });
    }

    fn object<'v>(&mut self, value: &'v Value, pointer: &str, what: &str) -> Option<&'v Obj> {
        match value {
            Value::Object(map) => Some(map),
            other => {
                self.error(
                    pointer,
                    format!(
                        "{what} must be an object, not {}",
                        asl::path::type_name(other)
                    ),
                );
                None
            }
        }
    }

    fn unknown_fields(&mut self, map: &Obj, pointer: &str, what: &str, known: &[&str]) {
        for key in map.keys() {
            if !known.contains(&key.as_str()) {
                self.error(
                    &format!("{pointer}/{}", escape_pointer(key)),
                    format!(
                        "{what} has no field `{key}`{} (known fields: {})",
                        suggestion(key, known.iter().copied()),
                        known.join(", ")
                    ),
                );
            }
        }
    }

    fn unsigned(&mut self, value: &Value, pointer: &str, what: &str, max: u64) -> Option<u64> {
        let parsed = match value {
            Value::Number(n) => n.as_u64().or_else(|| {
                n.as_f64()
                    .filter(|f| f.fract() == 0.0 && *f >= 0.0 && *f < 1.8e19)
                    .map(|f| f as u64)
            }),
            _ => None,
        };
        match parsed {
            Some(n) if n <= max => Some(n),
            Some(n) => {
                self.error(pointer, format!("{what} must be at most {max}, not {n}"));
                None
            }
            None => {
                let shown = match value {
                    Value::Number(n) => format!("{n}"),
                    other => asl::path::type_name(other).to_string(),
                };
                let negative = value.as_f64().is_some_and(|f| f < 0.0);
                self.error(
                    pointer,
                    if negative {
                        format!("{what} cannot be negative ({shown})")
                    } else {
                        format!("{what} must be a whole number, not {shown}")
                    },
                );
                None
            }
        }
    }

    fn fraction(&mut self, value: &Value, pointer: &str, what: &str) -> Option<f64> {
        match value.as_f64() {
            Some(f) if (0.0..=1.0).contains(&f) => Some(f),
            Some(f) => {
                self.error(pointer, format!("{what} must be between 0 and 1, not {f}"));
                None
            }
            None => {
                self.error(
                    pointer,
                    format!(
                        "{what} must be a number between 0 and 1, not {}",
                        asl::path::type_name(value)
                    ),
                );
                None
            }
        }
    }

    fn scenario(&mut self, value: &Value) -> Scenario {
        let mut scenario = Scenario::default();
        let Some(map) = self.object(value, "", "the scenario") else {
            return scenario;
        };
        self.unknown_fields(
            map,
            "",
            "the scenario",
            &[
                "seed",
                "start_time",
                "input",
                "items",
                "maps",
                "defaults",
                "tasks",
                "limits",
                "assumptions",
                "alarms",
                "logging",
                "redrives",
                "pricing",
                "comment",
            ],
        );
        if let Some(v) = map.get("pricing") {
            scenario.pricing = self.pricing(v);
        }
        if let Some(v) = map.get("seed") {
            if let Some(seed) = self.unsigned(v, "/seed", "seed", u64::MAX) {
                scenario.seed = seed;
            }
        }
        if let Some(v) = map.get("start_time") {
            match v.as_str().and_then(clock::parse_rfc3339) {
                Some(ms) => scenario.start_epoch_ms = ms,
                None => self.error(
                    "/start_time",
                    "start_time must be an RFC 3339 timestamp such as \"2024-01-01T00:00:00Z\"",
                ),
            }
        }
        if let Some(v) = map.get("input") {
            scenario.input = Rc::new(v.clone());
        }
        if let Some(v) = map.get("items") {
            match v.get("file") {
                Some(Value::String(name)) if !name.is_empty() => {
                    if let Some(m) = v.as_object() {
                        self.unknown_fields(m, "/items", "items", &["file"]);
                    }
                    scenario.item_file = Some(ItemFile {
                        name: name.clone(),
                        bytes: None,
                    });
                }
                Some(other) => self.error(
                    "/items/file",
                    format!(
                        "items.file must be the name of a file (CSV, JSON or JSON Lines), not {}",
                        asl::path::type_name(other)
                    ),
                ),
                None => scenario.items = self.items(v, "/items"),
            }
        }
        if let Some(v) = map.get("maps") {
            if let Some(maps) = self.object(v, "/maps", "maps") {
                for (name, entry) in maps {
                    let pointer = format!("/maps/{}", escape_pointer(name));
                    let Some(entry_map) = self.object(entry, &pointer, &format!("maps.{name}"))
                    else {
                        continue;
                    };
                    self.unknown_fields(entry_map, &pointer, &format!("maps.{name}"), &["items"]);
                    let items = entry_map
                        .get("items")
                        .and_then(|v| self.items(v, &format!("{pointer}/items")));
                    scenario.maps.insert(name.clone(), MapOverride { items });
                }
            }
        }
        if let Some(v) = map.get("defaults") {
            if let Some(defaults) = self.object(v, "/defaults", "defaults") {
                self.unknown_fields(defaults, "/defaults", "defaults", &["latency"]);
                if let Some(latency) = defaults.get("latency") {
                    if let Some(l) = self.latency(latency, "/defaults/latency") {
                        scenario.default_latency = l;
                    }
                }
            }
        }
        if let Some(v) = map.get("tasks") {
            if let Some(tasks) = self.object(v, "/tasks", "tasks") {
                for (name, entry) in tasks {
                    let pointer = format!("/tasks/{}", escape_pointer(name));
                    if let Some(task) = self.task(entry, &pointer, name) {
                        scenario.tasks.insert(name.clone(), task);
                    }
                }
            }
        }
        if let Some(v) = map.get("limits") {
            scenario.limits = self.limits(v);
        }
        if let Some(v) = map.get("assumptions") {
            scenario.assumptions = self.assumptions(v);
        }
        if let Some(v) = map.get("alarms") {
            scenario.alarms = self.alarms(v);
        }
        if let Some(v) = map.get("logging") {
            if let Some(level) = self.logging(v) {
                scenario.log_level = level;
            }
        }
        if let Some(v) = map.get("redrives") {
            scenario.redrives = self.redrives(v);
        }
        scenario
    }

    fn pricing(&mut self, value: &Value) -> Pricing {
        let mut pricing = Pricing::default();
        let Some(map) = self.object(value, "/pricing", "pricing") else {
            return pricing;
        };
        self.unknown_fields(
            map,
            "/pricing",
            "pricing",
            &["region", "free_tier", "express_memory_mb", "comment"],
        );
        match map.get("region") {
            None => {}
            Some(Value::String(r)) if crate::cost::PriceTable::builtin().region(r).is_some() => {
                pricing.region = Some(r.clone());
            }
            Some(v) => self.error(
                "/pricing/region",
                format!(
                    "pricing.region must be one of the regions of the price file ({}), not {v}",
                    crate::cost::PriceTable::builtin().region_names().join(", ")
                ),
            ),
        }
        match map.get("free_tier") {
            None => {}
            Some(Value::Bool(b)) => pricing.free_tier = *b,
            Some(v) => self.error(
                "/pricing/free_tier",
                format!("pricing.free_tier must be true or false, not {v}"),
            ),
        }
        if let Some(v) = map.get("express_memory_mb") {
            match v.as_u64().filter(|m| (1..=65_536).contains(m)) {
                Some(m) => pricing.express_memory_mb = Some(m as u32),
                None => self.error(
                    "/pricing/express_memory_mb",
                    format!("pricing.express_memory_mb must be a whole number of MB from 1 to 65536, not {v}"),
                ),
            }
        }
        pricing
    }

    fn redrives(&mut self, value: &Value) -> Vec<RedriveChanges> {
        let Value::Array(list) = value else {
            self.error(
                "/redrives",
                format!(
                    "redrives must be an array (one entry per redrive), not {}",
                    asl::path::type_name(value)
                ),
            );
            return Vec::new();
        };
        let mut redrives = Vec::with_capacity(list.len());
        for (i, entry) in list.iter().enumerate() {
            let pointer = format!("/redrives/{i}");
            let what = format!("redrives[{i}]");
            let Some(map) = self.object(entry, &pointer, &what) else {
                continue;
            };
            self.unknown_fields(map, &pointer, &what, &["tasks", "seed", "comment"]);
            let mut changes = RedriveChanges {
                tasks: BTreeMap::new(),
                seed: None,
            };
            if let Some(v) = map.get("seed") {
                changes.seed = self.unsigned(v, &format!("{pointer}/seed"), "seed", u64::MAX);
            }
            if let Some(v) = map.get("tasks") {
                let tp = format!("{pointer}/tasks");
                if let Some(tasks) = self.object(v, &tp, &format!("{what}.tasks")) {
                    for (name, task) in tasks {
                        let p = format!("{tp}/{}", escape_pointer(name));
                        if let Some(t) = self.task(task, &p, name) {
                            changes.tasks.insert(name.clone(), t);
                        }
                    }
                }
            }
            redrives.push(changes);
        }
        redrives
    }

    fn alarms(&mut self, value: &Value) -> Vec<ScenarioAlarm> {
        let Value::Array(list) = value else {
            self.error(
                "/alarms",
                format!(
                    "alarms must be an array of PutMetricAlarm documents, not {}",
                    asl::path::type_name(value)
                ),
            );
            return Vec::new();
        };
        let mut alarms: Vec<ScenarioAlarm> = Vec::with_capacity(list.len());
        for (i, v) in list.iter().enumerate() {
            let pointer = format!("/alarms/{i}");
            match cloudwatch::parse_alarm(v) {
                Ok(spec) => {
                    for problem in crate::monitor::check_alarm_metric(&spec) {
                        self.error(&format!("{pointer}{}", problem.pointer), problem.message);
                    }
                    if alarms.iter().any(|a| a.spec.name == spec.name) {
                        self.error(
                            &format!("{pointer}/AlarmName"),
                            format!("two alarms are named `{}`", spec.name),
                        );
                    }
                    alarms.push(ScenarioAlarm { pointer, spec });
                }
                Err(problems) => {
                    for problem in problems {
                        self.error(
                            &format!("{pointer}{}", problem.pointer),
                            format!("alarms[{i}]: {}", problem.message),
                        );
                    }
                }
            }
        }
        alarms
    }

    fn logging(&mut self, value: &Value) -> Option<LogLevel> {
        let map = self.object(value, "/logging", "logging")?;
        self.unknown_fields(map, "/logging", "logging", &["level"]);
        let level = map.get("level")?;
        match level.as_str() {
            Some("ALL") => Some(LogLevel::All),
            Some("ERROR") => Some(LogLevel::Error),
            Some("FATAL") => Some(LogLevel::Fatal),
            Some("OFF") => Some(LogLevel::Off),
            _ => {
                self.error(
                    "/logging/level",
                    format!(
                        "logging.level must be \"ALL\", \"ERROR\", \"FATAL\" or \"OFF\" (Step Functions' log levels), not {level}"
                    ),
                );
                None
            }
        }
    }

    fn items(&mut self, value: &Value, pointer: &str) -> Option<Items> {
        let map = self.object(value, pointer, "items")?;
        self.unknown_fields(map, pointer, "items", &["count", "values"]);
        match (map.get("count"), map.get("values")) {
            (Some(_), Some(_)) => {
                self.error(pointer, "items takes either `count` or `values`, not both");
                None
            }
            (Some(count), None) => self
                .unsigned(count, &format!("{pointer}/count"), "items.count", MAX_ITEMS)
                .map(Items::Count),
            (None, Some(Value::Array(values))) => {
                if values.len() as u64 > MAX_ITEMS {
                    self.error(
                        &format!("{pointer}/values"),
                        format!("items.values holds more than {MAX_ITEMS} items"),
                    );
                    return None;
                }
                Some(Items::Values(Rc::new(values.clone())))
            }
            (None, Some(other)) => {
                self.error(
                    &format!("{pointer}/values"),
                    format!(
                        "items.values must be an array, not {}",
                        asl::path::type_name(other)
                    ),
                );
                None
            }
            (None, None) => {
                self.error(
                    pointer,
                    "items needs `count` (a number of items) or `values` (an array)",
                );
                None
            }
        }
    }

    fn latency(&mut self, value: &Value, pointer: &str) -> Option<Latency> {
        let map = self.object(value, pointer, "latency")?;
        self.unknown_fields(
            map,
            pointer,
            "latency",
            &["fixed_ms", "uniform", "lognormal"],
        );
        if map.len() != 1 {
            if map.is_empty() {
                self.error(
                    pointer,
                    "latency needs one of `fixed_ms`, `uniform {min_ms, max_ms}` or `lognormal {median_ms, p99_ms}`",
                );
            } else {
                self.error(
                    pointer,
                    "latency takes exactly one of `fixed_ms`, `uniform`, `lognormal`",
                );
            }
            return None;
        }
        if let Some(v) = map.get("fixed_ms") {
            return self
                .unsigned(
                    v,
                    &format!("{pointer}/fixed_ms"),
                    "latency.fixed_ms",
                    MAX_LATENCY_MS,
                )
                .map(Latency::Fixed);
        }
        if let Some(v) = map.get("uniform") {
            let p = format!("{pointer}/uniform");
            let m = self.object(v, &p, "latency.uniform")?;
            self.unknown_fields(m, &p, "latency.uniform", &["min_ms", "max_ms"]);
            let min = self.required_ms(m, &p, "min_ms", "latency.uniform.min_ms");
            let max = self.required_ms(m, &p, "max_ms", "latency.uniform.max_ms");
            let (min_ms, max_ms) = (min?, max?);
            if max_ms < min_ms {
                self.error(
                    &p,
                    format!("latency.uniform: max_ms ({max_ms}) is below min_ms ({min_ms})"),
                );
                return None;
            }
            return Some(Latency::Uniform { min_ms, max_ms });
        }
        if let Some(v) = map.get("lognormal") {
            let p = format!("{pointer}/lognormal");
            let m = self.object(v, &p, "latency.lognormal")?;
            self.unknown_fields(m, &p, "latency.lognormal", &["median_ms", "p99_ms"]);
            let median = self.required_ms(m, &p, "median_ms", "latency.lognormal.median_ms");
            let p99 = self.required_ms(m, &p, "p99_ms", "latency.lognormal.p99_ms");
            let (median_ms, p99_ms) = (median?, p99?);
            if median_ms == 0 || p99_ms < median_ms {
                self.error(
                    &p,
                    format!("latency.lognormal needs 0 < median_ms ≤ p99_ms (got {median_ms} and {p99_ms})"),
                );
                return None;
            }
            return Some(Latency::Lognormal {
                median_ms: median_ms as f64,
                p99_ms: p99_ms as f64,
            });
        }
        None
    }

    fn required_ms(&mut self, map: &Obj, pointer: &str, key: &str, what: &str) -> Option<u64> {
        match map.get(key) {
            Some(v) => self.unsigned(v, &format!("{pointer}/{key}"), what, MAX_LATENCY_MS),
            None => {
                self.error(pointer, format!("{what} is missing"));
                None
            }
        }
    }

    fn task(&mut self, value: &Value, pointer: &str, name: &str) -> Option<TaskBehaviour> {
        let what = format!("tasks.{name}");
        let map = self.object(value, pointer, &what)?;
        self.unknown_fields(
            map,
            pointer,
            &what,
            &[
                "latency",
                "faults",
                "result",
                "result_bytes",
                "heartbeat_interval_ms",
                "effect",
                "effect_on_timeout",
                "effect_on_failure",
                "idempotent",
                "memory_mb",
                "architecture",
                "comment",
            ],
        );
        let mut task = TaskBehaviour {
            latency: None,
            faults: Vec::new(),
            result: map.get("result").cloned(),
            result_bytes: None,
            heartbeat_interval_ms: None,
            effect: None,
            memory_mb: None,
            arm64: false,
        };
        if let Some(v) = map.get("memory_mb") {
            let p = format!("{pointer}/memory_mb");
            match v.as_u64().filter(|m| (128..=10_240).contains(m)) {
                Some(m) => task.memory_mb = Some(m as u32),
                None => self.error(
                    &p,
                    format!("{what}.memory_mb must be a whole number of MB from 128 to 10240 (Lambda's range), not {v}"),
                ),
            }
        }
        match map.get("architecture") {
            None => {}
            Some(Value::String(a)) if a == "x86_64" => {}
            Some(Value::String(a)) if a == "arm64" => task.arm64 = true,
            Some(v) => self.error(
                &format!("{pointer}/architecture"),
                format!("{what}.architecture must be \"x86_64\" or \"arm64\", not {v}"),
            ),
        }
        task.effect = self.effect(map, pointer, &what);
        if let Some(v) = map.get("latency") {
            task.latency = self.latency(v, &format!("{pointer}/latency"));
        }
        if let Some(v) = map.get("result_bytes") {
            task.result_bytes = self.unsigned(
                v,
                &format!("{pointer}/result_bytes"),
                "result_bytes",
                u64::from(u32::MAX),
            );
        }
        if let Some(v) = map.get("heartbeat_interval_ms") {
            task.heartbeat_interval_ms = self.unsigned(
                v,
                &format!("{pointer}/heartbeat_interval_ms"),
                "heartbeat_interval_ms",
                MAX_LATENCY_MS,
            );
        }
        if let Some(v) = map.get("faults") {
            let fp = format!("{pointer}/faults");
            match v {
                Value::Array(faults) => {
                    for (i, fault) in faults.iter().enumerate() {
                        if let Some(f) = self.fault(fault, &format!("{fp}/{i}"), &what, i) {
                            task.faults.push(f);
                        }
                    }
                }
                other => self.error(
                    &fp,
                    format!(
                        "{what}.faults must be an array, not {}",
                        asl::path::type_name(other)
                    ),
                ),
            }
        }
        Some(task)
    }

    /// A Task's side effect from its `effect`, `effect_on_timeout`, `effect_on_failure` and
    /// `idempotent` fields: declared by `"effect": true` or by any of the others.
    fn effect(&mut self, map: &Obj, pointer: &str, what: &str) -> Option<Effect> {
        let declared = match map.get("effect") {
            None => None,
            Some(Value::Bool(b)) => Some(*b),
            Some(other) => {
                self.error(
                    &format!("{pointer}/effect"),
                    format!(
                        "{what}.effect must be true or false, not {}",
                        asl::path::type_name(other)
                    ),
                );
                None
            }
        };
        let mut probability = |key: &str| -> Option<f64> {
            let v = map.get(key)?;
            let p = format!("{pointer}/{key}");
            let m = self.object(v, &p, &format!("{what}.{key}"))?;
            self.unknown_fields(m, &p, &format!("{what}.{key}"), &["probability"]);
            match m.get("probability") {
                Some(f) => self.fraction(
                    f,
                    &format!("{p}/probability"),
                    &format!("{what}.{key}.probability"),
                ),
                None => {
                    self.error(&p, format!("{what}.{key} needs a probability"));
                    None
                }
            }
        };
        let on_timeout = probability("effect_on_timeout");
        let on_failure = probability("effect_on_failure");
        let idempotent = match map.get("idempotent") {
            None => None,
            Some(Value::Bool(b)) => Some(*b),
            Some(other) => {
                self.error(
                    &format!("{pointer}/idempotent"),
                    format!(
                        "{what}.idempotent must be true or false, not {}",
                        asl::path::type_name(other)
                    ),
                );
                None
            }
        };
        let any = on_timeout.is_some() || on_failure.is_some() || idempotent.is_some();
        if !declared.unwrap_or(any) {
            return None;
        }
        Some(Effect {
            on_timeout: on_timeout.unwrap_or(DEFAULT_EFFECT_ON_TIMEOUT),
            on_failure: on_failure.unwrap_or(0.0),
            idempotent: idempotent.unwrap_or(false),
        })
    }

    fn fault(&mut self, value: &Value, pointer: &str, task: &str, index: usize) -> Option<Fault> {
        let what = format!("{task}.faults[{index}]");
        let map = self.object(value, pointer, &what)?;
        self.unknown_fields(
            map,
            pointer,
            &what,
            &[
                "error",
                "cause",
                "probability",
                "items",
                "attempts",
                "raise",
                "comment",
            ],
        );
        let raise = map
            .get("raise")
            .and_then(|v| self.raise(v, &format!("{pointer}/raise"), &what));
        let error = match map.get("error") {
            None if raise.is_some() => raise.as_ref().map(|r| r.exception.clone()),
            Some(Value::String(s)) if !s.is_empty() => Some(s.clone()),
            Some(Value::String(_)) => {
                self.error(
                    &format!("{pointer}/error"),
                    format!("{what}: the error name is empty"),
                );
                None
            }
            Some(other) => {
                self.error(
                    &format!("{pointer}/error"),
                    format!(
                        "{what}: error must be a string, not {}",
                        asl::path::type_name(other)
                    ),
                );
                None
            }
            None => {
                self.error(
                    pointer,
                    format!("{what} has no `error` name (the error the attempt throws)"),
                );
                None
            }
        };
        let cause = match map.get("cause") {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) => Some(s.clone()),
            Some(other) => {
                self.error(
                    &format!("{pointer}/cause"),
                    format!(
                        "{what}: cause must be a string, not {}",
                        asl::path::type_name(other)
                    ),
                );
                None
            }
        };
        let probability = map.get("probability").and_then(|v| {
            self.fraction(
                v,
                &format!("{pointer}/probability"),
                &format!("{what}.probability"),
            )
        });
        let items = match map.get("items") {
            None => None,
            Some(v) => {
                let p = format!("{pointer}/items");
                let m = self.object(v, &p, &format!("{what}.items"))?;
                self.unknown_fields(m, &p, &format!("{what}.items"), &["fraction", "indices"]);
                match (m.get("fraction"), m.get("indices")) {
                    (Some(f), None) => self
                        .fraction(
                            f,
                            &format!("{p}/fraction"),
                            &format!("{what}.items.fraction"),
                        )
                        .map(ItemSelection::Fraction),
                    (None, Some(Value::Array(list))) => {
                        let mut indices = Vec::with_capacity(list.len());
                        for (i, v) in list.iter().enumerate() {
                            if let Some(n) = self.unsigned(
                                v,
                                &format!("{p}/indices/{i}"),
                                &format!("{what}.items.indices[{i}]"),
                                MAX_ITEMS,
                            ) {
                                indices.push(n);
                            }
                        }
                        indices.sort_unstable();
                        indices.dedup();
                        Some(ItemSelection::Indices(indices))
                    }
                    (None, Some(other)) => {
                        self.error(
                            &format!("{p}/indices"),
                            format!(
                                "{what}.items.indices must be an array, not {}",
                                asl::path::type_name(other)
                            ),
                        );
                        None
                    }
                    _ => {
                        self.error(
                            &p,
                            format!("{what}.items takes either `fraction` or `indices`"),
                        );
                        None
                    }
                }
            }
        };
        let attempts = match map.get("attempts") {
            None => None,
            Some(Value::Array(list)) => {
                let mut out = Vec::with_capacity(list.len());
                for (i, v) in list.iter().enumerate() {
                    if let Some(n) = self.unsigned(
                        v,
                        &format!("{pointer}/attempts/{i}"),
                        &format!("{what}.attempts[{i}]"),
                        u64::from(u32::MAX),
                    ) {
                        out.push(n);
                    }
                }
                out.sort_unstable();
                out.dedup();
                Some(out)
            }
            Some(other) => {
                self.error(
                    &format!("{pointer}/attempts"),
                    format!(
                        "{what}.attempts must be an array of attempt numbers, not {}",
                        asl::path::type_name(other)
                    ),
                );
                None
            }
        };
        Some(Fault {
            error: error?,
            cause,
            probability,
            items,
            attempts,
            raise,
        })
    }

    fn raise(&mut self, value: &Value, pointer: &str, what: &str) -> Option<Raise> {
        let what = format!("{what}.raise");
        let map = self.object(value, pointer, &what)?;
        self.unknown_fields(map, pointer, &what, &["runtime", "exception", "message"]);
        let mut text = |key: &str, default: Option<&str>| -> Option<String> {
            match map.get(key) {
                Some(Value::String(s)) if !s.is_empty() => Some(s.clone()),
                None => match default {
                    Some(d) => Some(d.to_string()),
                    None => {
                        self.error(pointer, format!("{what} has no `{key}`"));
                        None
                    }
                },
                Some(other) => {
                    self.error(
                        &format!("{pointer}/{key}"),
                        format!(
                            "{what}.{key} must be a non-empty string, not {}",
                            match other {
                                Value::String(_) => "an empty string",
                                other => asl::path::type_name(other),
                            }
                        ),
                    );
                    None
                }
            }
        };
        let runtime = text("runtime", Some("python3.12"));
        let exception = text("exception", None);
        let message = text("message", Some(""));
        Some(Raise {
            runtime: runtime?,
            exception: exception?,
            message: message?,
        })
    }

    fn limits(&mut self, value: &Value) -> Limits {
        let mut limits = Limits::default();
        let Some(map) = self.object(value, "/limits", "limits") else {
            return limits;
        };
        self.unknown_fields(
            map,
            "/limits",
            "limits",
            &[
                "lambda_concurrency",
                "payload_bytes",
                "throttle_latency_ms",
                "express_duplicate_starts",
            ],
        );
        if let Some(v) = map.get("express_duplicate_starts") {
            if let Some(p) = self.fraction(
                v,
                "/limits/express_duplicate_starts",
                "limits.express_duplicate_starts",
            ) {
                limits.express_duplicate_starts = p;
            }
        }
        if let Some(v) = map.get("lambda_concurrency") {
            if !v.is_null() {
                limits.lambda_concurrency = self.unsigned(
                    v,
                    "/limits/lambda_concurrency",
                    "limits.lambda_concurrency",
                    100_000_000,
                );
            }
        }
        if let Some(v) = map.get("payload_bytes") {
            if let Some(n) =
                self.unsigned(v, "/limits/payload_bytes", "limits.payload_bytes", 1 << 40)
            {
                limits.payload_bytes = n;
            }
        }
        if let Some(v) = map.get("throttle_latency_ms") {
            if let Some(n) = self.unsigned(
                v,
                "/limits/throttle_latency_ms",
                "limits.throttle_latency_ms",
                MAX_LATENCY_MS,
            ) {
                limits.throttle_latency_ms = n;
            }
        }
        limits
    }

    fn assumptions(&mut self, value: &Value) -> Assumptions {
        let mut assumptions = Assumptions::default();
        let Some(map) = self.object(value, "/assumptions", "assumptions") else {
            return assumptions;
        };
        self.unknown_fields(
            map,
            "/assumptions",
            "assumptions",
            &[
                "untolerated_failure_error",
                "retry_delay_order",
                "history_limit_error",
            ],
        );
        match map.get("untolerated_failure_error").map(|v| v.as_str()) {
            None => {}
            Some(Some("threshold")) => assumptions.untolerated_failure_is_threshold_error = true,
            Some(Some("child")) => assumptions.untolerated_failure_is_threshold_error = false,
            Some(_) => self.error(
                "/assumptions/untolerated_failure_error",
                "assumptions.untolerated_failure_error must be \"threshold\" (States.ExceedToleratedFailureThreshold) or \"child\" (the failed child's error)",
            ),
        }
        match map.get("retry_delay_order").map(|v| v.as_str()) {
            None => {}
            Some(Some("cap_then_jitter")) => assumptions.cap_then_jitter = true,
            Some(Some("jitter_then_cap")) => assumptions.cap_then_jitter = false,
            Some(_) => self.error(
                "/assumptions/retry_delay_order",
                "assumptions.retry_delay_order must be \"cap_then_jitter\" or \"jitter_then_cap\"",
            ),
        }
        match map.get("history_limit_error") {
            None => {}
            Some(Value::String(s)) if !s.is_empty() => assumptions.history_limit_error = s.clone(),
            Some(_) => self.error(
                "/assumptions/history_limit_error",
                "assumptions.history_limit_error must be a non-empty error name",
            ),
        }
        assumptions
    }
}

/// Finds the line and column (1-based, columns in characters) of the value at `pointer` in a JSON
/// text — of its key when the pointer ends at an object member. `None` if the text is not JSON
/// or the pointer is not found.
pub fn locate(text: &str, pointer: &str) -> Option<(u32, u32)> {
    let target = asl::pointer::tokens(pointer)?;
    let mut scanner = Scanner {
        bytes: text.as_bytes(),
        pos: 0,
    };
    scanner.skip_ws();
    let byte = scanner.find(&target, 0)?;
    let before = text.get(..byte)?;
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    Some((u32::try_from(line).ok()?, u32::try_from(column).ok()?))
}

struct Scanner<'b> {
    bytes: &'b [u8],
    pos: usize,
}

impl Scanner<'_> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn skip_ws(&mut self) {
        while self.peek().is_some_and(|b| b.is_ascii_whitespace()) {
            self.pos += 1;
        }
    }

    fn string(&mut self) -> Option<String> {
        let start = self.pos;
        self.pos += 1;
        loop {
            match self.peek()? {
                b'\\' => self.pos += 2,
                b'"' => {
                    self.pos += 1;
                    let raw = std::str::from_utf8(self.bytes.get(start..self.pos)?).ok()?;
                    return serde_json::from_str(raw).ok();
                }
                _ => self.pos += 1,
            }
        }
    }

    /// Positioned at the start of a value: returns the byte offset of `target[depth..]` inside it.
    fn find(&mut self, target: &[String], depth: usize) -> Option<usize> {
        if depth == target.len() {
            return Some(self.pos);
        }
        if depth > 256 {
            return None;
        }
        let key = target.get(depth)?;
        match self.peek()? {
            b'{' => {
                self.pos += 1;
                loop {
                    self.skip_ws();
                    if self.peek()? == b'}' {
                        return None;
                    }
                    let key_start = self.pos;
                    let name = self.string()?;
                    self.skip_ws();
                    if self.peek()? != b':' {
                        return None;
                    }
                    self.pos += 1;
                    self.skip_ws();
                    if &name == key {
                        if depth + 1 == target.len() {
                            return Some(key_start);
                        }
                        return self.find(target, depth + 1);
                    }
                    self.skip_value()?;
                    self.skip_ws();
                    if self.peek()? == b',' {
                        self.pos += 1;
                    }
                }
            }
            b'[' => {
                let wanted: usize = key.parse().ok()?;
                self.pos += 1;
                let mut index = 0;
                loop {
                    self.skip_ws();
                    if self.peek()? == b']' {
                        return None;
                    }
                    if index == wanted {
                        return self.find(target, depth + 1);
                    }
                    self.skip_value()?;
                    self.skip_ws();
                    if self.peek()? == b',' {
                        self.pos += 1;
                    }
                    index += 1;
                }
            }
            _ => None,
        }
    }

    fn skip_value(&mut self) -> Option<()> {
        match self.peek()? {
            b'"' => self.string().map(|_| ()),
            b'{' | b'[' => {
                // Count brackets outside strings until the container closes.
                let mut depth = 0usize;
                loop {
                    match self.peek()? {
                        b'"' => {
                            self.string()?;
                        }
                        b'{' | b'[' => {
                            depth += 1;
                            self.pos += 1;
                        }
                        b'}' | b']' => {
                            depth = depth.saturating_sub(1);
                            self.pos += 1;
                            if depth == 0 {
                                return Some(());
                            }
                        }
                        _ => self.pos += 1,
                    }
                }
            }
            _ => {
                while self
                    .peek()
                    .is_some_and(|b| !matches!(b, b',' | b'}' | b']') && !b.is_ascii_whitespace())
                {
                    self.pos += 1;
                }
                Some(())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_product_example() {
        let text = r#"{
  "seed": 7,
  "items": { "count": 10000 },
  "tasks": {
    "ProcessItem": {
      "latency": { "fixed_ms": 200 },
      "faults": [
        { "error": "Lambda.ServiceException", "cause": "transient", "probability": 0.05 },
        { "error": "DataValidationError", "items": { "fraction": 0.01 } },
        { "error": "BusinessLogicError", "items": { "indices": [3, 17, 99] }, "attempts": [0, 1] }
      ]
    }
  },
  "limits": { "lambda_concurrency": 1000 }
}"#;
        let scenario = parse(text).unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(scenario.seed, 7);
        assert_eq!(scenario.items, Some(Items::Count(10_000)));
        assert_eq!(scenario.limits.lambda_concurrency, Some(1000));
        let task = scenario
            .tasks
            .get("ProcessItem")
            .unwrap_or_else(|| panic!("task"));
        assert_eq!(task.latency, Some(Latency::Fixed(200)));
        assert_eq!(task.faults.len(), 3);
        assert_eq!(task.faults[2].attempts, Some(vec![0, 1]));
        assert_eq!(task.faults[1].items, Some(ItemSelection::Fraction(0.01)));
    }

    #[test]
    fn reports_every_problem_with_its_position() {
        let text = "{\n  \"seed\": -1,\n  \"items\": { \"count\": 20000000 },\n  \"tasks\": { \"A\": {\n    \"latency\": { \"fixed_ms\": -5 },\n    \"faults\": [ { \"probability\": 1.5 }, { \"error\": \"\" } ],\n    \"probabilty\": 1\n  } },\n  \"limts\": {}\n}";
        let errors = parse(text).err().unwrap_or_default();
        let shown: Vec<String> = errors.iter().map(ToString::to_string).collect();
        let expect = [
            "2:3: seed cannot be negative (-1)",
            "3:14: items.count must be at most 10000000, not 20000000",
            "5:18: latency.fixed_ms cannot be negative (-5)",
            "6:17: tasks.A.faults[0] has no `error` name",
            "6:19: tasks.A.faults[0].probability must be between 0 and 1, not 1.5",
            "6:43: tasks.A.faults[1]: the error name is empty",
            "7:5: tasks.A has no field `probabilty`",
            "9:3: the scenario has no field `limts` (did you mean `limits`?)",
        ];
        for e in expect {
            assert!(
                shown.iter().any(|s| s.starts_with(e)),
                "missing {e:?} in {shown:#?}"
            );
        }
        assert_eq!(shown.len(), expect.len(), "{shown:#?}");
    }

    #[test]
    fn malformed_json_has_a_position() {
        let errors = parse("{\n  \"seed\": 7,\n}").err().unwrap_or_default();
        assert_eq!(errors.len(), 1);
        assert_eq!((errors[0].line, errors[0].column), (Some(3), Some(1)));
    }

    #[test]
    fn latency_distributions() {
        let ok = [
            (r#"{"fixed_ms": 5}"#, Latency::Fixed(5)),
            (
                r#"{"uniform": {"min_ms": 1, "max_ms": 9}}"#,
                Latency::Uniform {
                    min_ms: 1,
                    max_ms: 9,
                },
            ),
            (
                r#"{"lognormal": {"median_ms": 100, "p99_ms": 1000}}"#,
                Latency::Lognormal {
                    median_ms: 100.0,
                    p99_ms: 1000.0,
                },
            ),
        ];
        for (text, expected) in ok {
            let value: Value =
                serde_json::from_str(&format!(r#"{{"defaults": {{"latency": {text}}}}}"#))
                    .unwrap_or_else(|e| panic!("{e}"));
            let scenario = from_value(&value).unwrap_or_else(|e| panic!("{text}: {e:?}"));
            assert_eq!(scenario.default_latency, expected);
        }
        for bad in [
            r#"{}"#,
            r#"{"fixed_ms": 1, "uniform": {"min_ms": 1, "max_ms": 2}}"#,
            r#"{"uniform": {"min_ms": 5, "max_ms": 1}}"#,
            r#"{"lognormal": {"median_ms": 100, "p99_ms": 10}}"#,
            r#"{"lognormal": {"median_ms": 0, "p99_ms": 10}}"#,
            r#"{"gaussian": {}}"#,
        ] {
            let value: Value =
                serde_json::from_str(&format!(r#"{{"defaults": {{"latency": {bad}}}}}"#))
                    .unwrap_or_else(|e| panic!("{e}"));
            assert!(from_value(&value).is_err(), "{bad}");
        }
    }

    #[test]
    fn normal_quantile_known_values() {
        for (p, z) in [
            (0.5, 0.0),
            (0.975, 1.959_963_984_540_054),
            (0.99, 2.326_347_874_040_841),
            (0.001, -3.090_232_306_167_813_6),
            (1e-10, -6.361_340_902_404_056),
        ] {
            assert!(
                (normal_quantile(p) - z).abs() < 1e-12,
                "{p}: {}",
                normal_quantile(p)
            );
        }
    }

    #[test]
    fn lognormal_median_and_p99() {
        let latency = Latency::Lognormal {
            median_ms: 100.0,
            p99_ms: 1000.0,
        }
        .sampler();
        let mut stream = crate::rng::Stream::new(1, 1);
        let mut draws: Vec<u64> = (0..100_000).map(|_| latency.sample(&mut stream)).collect();
        draws.sort_unstable();
        let median = draws[50_000];
        let p99 = draws[99_000];
        assert!((95..=105).contains(&median), "median {median}");
        assert!((900..=1100).contains(&p99), "p99 {p99}");
    }

    #[test]
    fn locate_finds_keys_and_values() {
        let text = "{\"a\": {\"b\": [1, {\"c\": \"x\"}]},\n \"d\": 2}";
        assert_eq!(locate(text, "/a/b/1/c"), Some((1, 18)));
        assert_eq!(locate(text, "/d"), Some((2, 2)));
        assert_eq!(locate(text, "/a/b/0"), Some((1, 14)));
        assert_eq!(locate(text, "/zz"), None);
        assert_eq!(locate(text, ""), Some((1, 1)));
    }
}
