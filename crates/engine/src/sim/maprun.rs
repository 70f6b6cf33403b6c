//! Distributed Map: Map Runs, their child executions, tolerance, batching, results.

use std::rc::Rc;

use serde_json::{Map as JsonObject, Value};

use super::queue::EventKind;
use super::{
    containers::Container, ExecLink, ExecutionStatus, FiberContext, ItemScope, Link, Mode, Phase,
    Simulation, ACCOUNT, DISTRIBUTED_DEFAULT_CONCURRENCY, EXPRESS_LIMIT_MS, MACHINE_NAME, REGION,
};
use crate::data::{Data, Failure, Roots, Variables};
use crate::errors::{names, ErrorId, EXCEED_TOLERATED_CAUSE};
use crate::history::{Details, EventType};
use crate::program::{self, KindIr, Selector, StateId};
use crate::report::{
    ChildStatus, Counts, ItemChange, ItemMark, MapRunReport, ToleranceRule, Verdict,
};
use crate::scenario::Items;

/// Where a Map Run's items come from, at run time.
#[derive(Debug, Clone)]
pub enum ItemsRt {
    /// `count` items `{"index": i}`, built only when looked at.
    Count(u32),
    Values(Rc<Vec<Value>>),
    /// An ItemReader file's CSV rows: each item made from its row when looked at.
    Csv(crate::reader::CsvRows),
}

impl ItemsRt {
    /// Item `index`, made now.
    pub fn value(&self, index: u32) -> Value {
        match self {
            ItemsRt::Count(_) => {
                let mut o = JsonObject::new();
                o.insert("index".into(), Value::from(index));
                Value::Object(o)
            }
            ItemsRt::Values(v) => v.get(index as usize).cloned().unwrap_or(Value::Null),
            ItemsRt::Csv(rows) => rows.item(index as usize).unwrap_or(Value::Null),
        }
    }

    /// The length of item `index`'s compact JSON.
    pub fn size(&self, index: u32) -> usize {
        match self {
            ItemsRt::Count(_) => 10 + index.to_string().len(),
            ItemsRt::Values(v) => v.get(index as usize).map_or(4, crate::data::json_size),
            ItemsRt::Csv(rows) => rows
                .item(index as usize)
                .map_or(4, |item| crate::data::json_size(&item)),
        }
    }
}

/// What a Map Run needs to start any of its children (shared with a replay of one child).
#[derive(Debug)]
pub struct RunSetup {
    pub id: u32,
    /// Started by a child execution (a Distributed Map inside a Distributed Map).
    pub nested: bool,
    pub state: StateId,
    pub processor_start: StateId,
    /// `Label`, or the state name: the Map Run's name in ARNs.
    pub label: String,
    pub arn: String,
    pub items: ItemsRt,
    pub n_items: u32,
    /// Child `i` covers items `batches[i]..batches[i + 1]`; `None` = one child per item.
    pub batches: Option<Rc<Vec<u32>>>,
    /// The Map state's effective input (`$` for ItemSelector).
    pub map_input: Rc<Value>,
    pub batch_input: Option<Rc<Value>>,
    pub express: bool,
    /// The Map has a `ResultWriter`: its children's results go to files, not to its output.
    pub writes_results: bool,
    /// For rebuilding the parent's context object and variables in a replay.
    pub parent_entered_ms: u64,
    pub parent_retry_count: u32,
    pub parent_vars: Option<Rc<Variables>>,
}

impl RunSetup {
    pub fn n_children(&self) -> u32 {
        match &self.batches {
            Some(b) => (b.len().saturating_sub(1)) as u32,
            None => self.n_items,
        }
    }

    /// Items `start..end` of child `child`.
    pub fn child_items(&self, child: u32) -> (u32, u32) {
        match &self.batches {
            Some(b) => (
                b.get(child as usize).copied().unwrap_or(0),
                b.get(child as usize + 1).copied().unwrap_or(0),
            ),
            None => (child, child + 1),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum RunStatus {
    Running,
    Succeeded,
    Failed,
    Aborted,
}

/// The compact record of one child execution (about 40 bytes; a million of them fit easily).
#[derive(Debug, Clone, Copy)]
pub struct ChildRecord {
    pub status: ChildStatus,
    /// Task attempts made by the child (all states, retries included).
    pub attempts: u32,
    /// The error that decided a failure (`u32::MAX` = none).
    pub(super) error: u32,
    /// Index into the run's cause table (0 = none).
    pub(super) cause: u32,
    /// The state where the failure was decided (`u32::MAX` = none).
    pub(super) state: u32,
    pub start_ms: u64,
    pub end_ms: u64,
    /// The child's execution id while it runs.
    exec: u32,
    /// Steps the child had taken when it was aborted (for replaying it exactly).
    pub(super) abort_steps: u32,
    /// A Catch routed an error somewhere in the child.
    pub(super) caught: bool,
    /// The state the child ended in (`u16::MAX` = none yet; a program has fewer states).
    pub(super) end_state: u16,
    /// Times a redrive ran the child again.
    pub redriven: u8,
    /// A Standard child whose history reached the 25,000-event limit: a redrive cannot run it
    /// again (§9, `failuresNotRedrivable`).
    pub(super) history_full: bool,
}

impl ChildRecord {
    /// Whether a Catch routed an error somewhere in the child (so far).
    pub fn caught(&self) -> bool {
        self.caught
    }

    pub fn error(&self) -> Option<ErrorId> {
        (self.error != u32::MAX).then_some(ErrorId(self.error))
    }

    pub fn decided_by(&self) -> Option<StateId> {
        (self.state != u32::MAX).then_some(self.state)
    }

    /// The state the child's execution ended in: its `Succeed`, `Fail` or `End` state, or the
    /// state it was in when it failed, timed out or was aborted.
    pub fn end_state(&self) -> Option<StateId> {
        (self.end_state != u16::MAX).then_some(StateId::from(self.end_state))
    }
}

#[derive(Debug)]
pub struct MapRun {
    pub setup: Rc<RunSetup>,
    pub parent_fiber: u32,
    pub status: RunStatus,
    pub error: Option<String>,
    pub cause: Option<String>,
    pub item_counts: Counts,
    pub execution_counts: Counts,
    pub tolerated_count: Option<u64>,
    pub tolerated_percentage: Option<f64>,
    pub max_concurrency: u32,
    pub children: Vec<ChildRecord>,
    next_child: u32,
    /// Children currently running (their execution ids are in their records).
    running: u32,
    pub(super) failed_items: u64,
    pub verdict: Option<Verdict>,
    results: Option<Vec<Option<Value>>>,
    results_bytes: u64,
    causes: Vec<Rc<str>>,
    pub started_ms: u64,
    pub ended_ms: Option<u64>,
    /// Times the Map Run was redriven, and when last.
    pub redrive_count: u32,
    pub redrive_ms: Option<u64>,
    /// Children a redrive runs again, in order, each from where it starts again (a Standard
    /// child from the state that failed, with that state's input; an Express child from the
    /// start); `redrive_next` is the next to start.
    pub(super) redrive_queue: Vec<(u32, Option<ResumeAt>)>,
    pub(super) redrive_next: usize,
    /// How each child a redrive ran again was started the last time (to replay it).
    pub(super) redrive_from: std::collections::BTreeMap<u32, RedriveStart>,
    /// Where each Standard child that ended unsuccessfully would start again: its top-level
    /// state then, with that state's input.
    pub(super) resume_points: std::collections::BTreeMap<u32, (StateId, Data)>,
}

/// Where a redriven Standard child starts again: the state it failed in, with that state's
/// input.
pub(super) type ResumeAt = (StateId, Rc<Value>);

/// How a redrive started a child again: where, with which draws and which Task behaviour.
#[derive(Debug, Clone)]
pub(super) struct RedriveStart {
    pub from: Option<ResumeAt>,
    pub stream_seed: u64,
    /// Where the throttled invocations of its run again start in the simulation's list.
    pub throttles_from: usize,
    pub program: Rc<program::Program>,
    pub scenario: Rc<crate::scenario::Scenario>,
}

impl MapRun {
    /// Children a redrive is still to start (`pendingRedrive`).
    pub fn pending_redrive(&self) -> usize {
        self.redrive_queue.len().saturating_sub(self.redrive_next)
    }

    /// Children a redrive is still to start, and their items.
    /// Unsuccessful children a redrive cannot run again, and their items (DescribeMapRun's
    /// `failuresNotRedrivable`): Standard children whose history reached its limit.
    pub fn not_redrivable_counts(&self) -> (u64, u64) {
        if self.setup.express {
            return (0, 0);
        }
        let (mut children, mut items) = (0, 0);
        for (child, record) in self.children.iter().enumerate() {
            if record.history_full
                && matches!(
                    record.status,
                    ChildStatus::Failed | ChildStatus::TimedOut | ChildStatus::Aborted
                )
            {
                let (start, end) = self.setup.child_items(child as u32);
                children += 1;
                items += u64::from(end - start);
            }
        }
        (children, items)
    }

    pub fn pending_redrive_counts(&self) -> (u64, u64) {
        let waiting = self.redrive_queue.get(self.redrive_next..).unwrap_or(&[]);
        let items = waiting
            .iter()
            .map(|(child, _)| {
                let (start, end) = self.setup.child_items(*child);
                u64::from(end - start)
            })
            .sum();
        (waiting.len() as u64, items)
    }

    /// A Map Run that only knows how to start children (for replaying one child).
    pub(super) fn replay_shell(setup: Rc<RunSetup>, parent_fiber: u32) -> MapRun {
        MapRun {
            setup,
            parent_fiber,
            status: RunStatus::Running,
            error: None,
            cause: None,
            item_counts: Counts::default(),
            execution_counts: Counts::default(),
            tolerated_count: None,
            tolerated_percentage: None,
            max_concurrency: 0,
            children: Vec::new(),
            next_child: 0,
            running: 0,
            failed_items: 0,
            verdict: None,
            results: None,
            results_bytes: 0,
            causes: Vec::new(),
            started_ms: 0,
            ended_ms: None,
            redrive_count: 0,
            redrive_ms: None,
            redrive_queue: Vec::new(),
            redrive_next: 0,
            redrive_from: std::collections::BTreeMap::new(),
            resume_points: std::collections::BTreeMap::new(),
        }
    }

    pub fn report(&self, program: &program::Program) -> MapRunReport {
        MapRunReport {
            state: program
                .states
                .get(self.setup.state as usize)
                .map_or(String::new(), |s| s.name.to_string()),
            map_run_arn: self.setup.arn.clone(),
            status: match self.status {
                RunStatus::Running => "RUNNING",
                RunStatus::Succeeded => "SUCCEEDED",
                RunStatus::Failed => "FAILED",
                RunStatus::Aborted => "ABORTED",
            }
            .into(),
            error: self.error.clone(),
            cause: self.cause.clone(),
            item_counts: self.item_counts,
            execution_counts: self.execution_counts,
            tolerated_failure_count: self.tolerated_count,
            tolerated_failure_percentage: self.tolerated_percentage,
            max_concurrency: self.max_concurrency,
            started_ms: self.started_ms,
            ended_ms: self.ended_ms,
            verdict: self.verdict.clone(),
        }
    }

    /// The cause text that decided a child's failure.
    pub fn child_cause(&self, child: usize) -> Option<&str> {
        let record = self.children.get(child)?;
        if record.cause == 0 {
            return None;
        }
        self.causes.get(record.cause as usize - 1).map(|c| &**c)
    }

    /// Items `start..end` of a child.
    pub fn child_items(&self, child: u32) -> (u32, u32) {
        self.setup.child_items(child)
    }

    fn cause_index(&mut self, cause: &Rc<str>) -> u32 {
        if cause.is_empty() {
            return 0;
        }
        if let Some(i) = self
            .causes
            .iter()
            .position(|c| Rc::ptr_eq(c, cause) || **c == **cause)
        {
            return i as u32 + 1;
        }
        self.causes.push(cause.clone());
        self.causes.len() as u32
    }
}

impl Simulation {
    pub(super) fn distributed_start(&mut self, f: u32) {
        let effective = match self.container_input(f) {
            Ok(v) => v,
            Err(failure) => return self.raise_own(f, failure),
        };
        if let Some(fiber) = self.fibers.get_mut(f as usize) {
            fiber.effective = Some(Data::Json(effective));
        }
        self.distributed_start_again(f);
    }

    /// Starts a Map Run (a retry of the Map state starts a new one).
    pub(super) fn distributed_start_again(&mut self, f: u32) {
        let state_id = self.state_of(f);
        let program = self.program.clone();
        let Some(state) = program.states.get(state_id as usize) else {
            return;
        };
        let KindIr::Map(map) = &state.kind else {
            return;
        };
        let effective = self
            .fibers
            .get(f as usize)
            .and_then(|x| x.effective.clone())
            .map_or_else(|| Rc::new(Value::Null), |d| self.value_of(&d));
        let nested = program
            .machines
            .get(state.machine as usize)
            .is_some_and(|m| m.distributed);
        // A file the scenario gives the reader is read as Step Functions reads the object: a
        // problem with it fails the Map Run (States.ItemReaderFailed) once it has started.
        let mut reader_failure: Option<Rc<str>> = None;
        let from_file = map
            .reader_file
            .as_ref()
            .map(|file| self.read_item_file(map, file));
        let (items, from_reader) = match (&map.scenario_items, map.has_reader) {
            _ if from_file.is_some() => match from_file {
                Some(Ok(crate::reader::ItemRows::Values(values))) => {
                    (ItemsRt::Values(Rc::new(values)), true)
                }
                Some(Ok(crate::reader::ItemRows::Csv(rows))) => (ItemsRt::Csv(rows), true),
                Some(Err(cause)) => {
                    reader_failure = Some(cause);
                    (ItemsRt::Values(Rc::new(Vec::new())), true)
                }
                None => (ItemsRt::Count(0), true),
            },
            (Some(items), _) => (items_rt(items), map.has_reader),
            (None, true) => {
                let items = program::default_reader_items(nested);
                self.note_assumption(
                    "reader_items",
                    || format!(
                        "the scenario gives no items, so the ItemReader of {} stands in as {} items {{\"index\": i}}",
                        state.name,
                        items.len()
                    ),
                );
                (items_rt(&items), true)
            }
            (None, false) => match self.map_items(f, &effective) {
                Ok(values) => (ItemsRt::Values(Rc::new(values)), false),
                Err(failure) => return self.raise_own(f, failure),
            },
        };
        let n_items = match &items {
            ItemsRt::Count(n) => *n,
            ItemsRt::Values(v) => v.len() as u32,
            ItemsRt::Csv(rows) => rows.len() as u32,
        };
        let details = if self.recording_fiber(f) {
            Details::Length {
                length: u64::from(if from_reader { 0 } else { n_items }),
            }
        } else {
            Details::None
        };
        self.emit(f, EventType::MapStateStarted, details);
        // Tolerance and concurrency are read before any Map Run starts; a bad value fails the
        // state with States.Runtime.
        let tolerance = self.tolerance(f, map, &effective);
        let (tolerated_count, tolerated_percentage) = match tolerance {
            Ok(t) => t,
            Err(failure) => return self.raise_own(f, failure),
        };
        let max_concurrency = match self.max_concurrency(f, &effective) {
            Ok(Some(n)) => n.min(u64::from(u32::MAX)) as u32,
            Ok(None) => DISTRIBUTED_DEFAULT_CONCURRENCY,
            Err(failure) => return self.raise_own(f, failure),
        };
        // ReaderConfig.MaxItems caps what the reader returns; a value that is not an integer
        // fails the state before the Map Run starts, a negative one fails the Map Run.
        let max_items = match (&map.reader_max_items, map.has_reader) {
            (Some(source), true) => match self.read_number(f, source, &effective, true) {
                Ok(n) => Some(n),
                Err(failure) => return self.raise_own(f, failure),
            },
            _ => None,
        };
        let (items, n_items) = match max_items {
            Some(m) if m > 0.0 && m < f64::from(n_items) => {
                let m = m as u32;
                let items = match items {
                    ItemsRt::Count(_) => ItemsRt::Count(m),
                    ItemsRt::Values(v) => {
                        ItemsRt::Values(Rc::new(v.iter().take(m as usize).cloned().collect()))
                    }
                    ItemsRt::Csv(rows) => ItemsRt::Csv(rows.first(m as usize)),
                };
                (items, m)
            }
            _ => (items, n_items),
        };
        if max_items.is_some_and(|m| m < 0.0) {
            reader_failure = Some(Rc::from("field MaxItems must be positive"));
        }
        let batches = match self.batches(f, map, &effective, &items, n_items) {
            Ok(b) => b,
            Err(failure) => return self.raise_own(f, failure),
        };
        let batch_input = match map.batcher.as_ref().and_then(|b| b.batch_input.as_ref()) {
            None => None,
            Some(selector) => match self.evaluate_selector(f, selector, &effective, None) {
                Ok(v) => Some(Rc::new(v)),
                Err(failure) => return self.raise_own(f, failure),
            },
        };
        let id = self.runs.len() as u32;
        let label = map.label.clone().unwrap_or_else(|| state.name.to_string());
        let arn = format!(
            "arn:aws:states:{REGION}:{ACCOUNT}:mapRun:{MACHINE_NAME}/{label}:{}",
            super::child_name(id, 0).get(..8).unwrap_or("00000000")
        );
        let (parent_entered_ms, parent_retry_count, parent_vars) =
            self.fibers.get(f as usize).map_or((0, 0, None), |x| {
                (x.entered_ms, x.retry_count, x.vars.clone())
            });
        let processor_start = program
            .machines
            .get(map.processor as usize)
            .map_or(0, |m| m.start);
        let setup = RunSetup {
            id,
            state: state_id,
            processor_start,
            label,
            arn: arn.clone(),
            items,
            n_items,
            batches,
            map_input: effective,
            batch_input,
            express: map.execution_type == asl::ExecutionType::Express,
            writes_results: map.result_writer.is_some(),
            parent_entered_ms,
            parent_retry_count,
            parent_vars,
            nested: self.exec_of(f) != self.parent,
        };
        let n_children = setup.n_children();
        let collecting = map.result_writer.is_none();
        let record = ChildRecord {
            status: ChildStatus::Pending,
            attempts: 0,
            error: u32::MAX,
            cause: 0,
            state: u32::MAX,
            start_ms: 0,
            end_ms: 0,
            exec: u32::MAX,
            abort_steps: 0,
            caught: false,
            end_state: u16::MAX,
            redriven: 0,
            history_full: false,
        };
        let run = MapRun {
            setup: Rc::new(setup),
            parent_fiber: f,
            status: RunStatus::Running,
            error: None,
            cause: None,
            item_counts: Counts {
                pending: u64::from(n_items),
                total: u64::from(n_items),
                ..Counts::default()
            },
            execution_counts: Counts {
                pending: u64::from(n_children),
                total: u64::from(n_children),
                ..Counts::default()
            },
            tolerated_count,
            tolerated_percentage,
            max_concurrency,
            children: vec![record; n_children as usize],
            next_child: 0,
            running: 0,
            failed_items: 0,
            verdict: None,
            results: if collecting { Some(Vec::new()) } else { None },
            results_bytes: 2,
            causes: Vec::new(),
            started_ms: self.now,
            ended_ms: None,
            redrive_count: 0,
            redrive_ms: None,
            redrive_queue: Vec::new(),
            redrive_next: 0,
            redrive_from: std::collections::BTreeMap::new(),
            resume_points: std::collections::BTreeMap::new(),
        };
        self.runs.push(run);
        let details = if self.recording_fiber(f) {
            Details::MapRunStarted {
                map_run_arn: Rc::from(arn),
            }
        } else {
            Details::None
        };
        self.emit(f, EventType::MapRunStarted, details);
        if let Some(fiber) = self.fibers.get_mut(f as usize) {
            fiber.container = Some(Box::new(Container::Distributed { run: id }));
            fiber.phase = Phase::Waiting;
        }
        if let Some(cause) = reader_failure {
            self.fail_run_with(id, names::ITEM_READER_FAILED, cause);
            return;
        }
        if n_children == 0 {
            self.complete_run(id);
            return;
        }
        self.start_children(id);
    }

    /// The items of the file the scenario gives a Map's `ItemReader`, read with its
    /// `ReaderConfig` (its `MaxItems` is applied afterwards, as for any reader); or the cause
    /// the Map Run fails with.
    fn read_item_file(
        &mut self,
        map: &program::MapIr,
        file: &crate::scenario::ItemFile,
    ) -> Result<crate::reader::ItemRows, Rc<str>> {
        let Some(bytes) = file.bytes.as_ref() else {
            return Err(Rc::from(
                format!(
                    "mapsim was given no contents for the item file {}",
                    file.name
                )
                .as_str(),
            ));
        };
        let config = match map.reader_config.as_ref() {
            Some(config) => crate::reader::ReaderConfig::from_reader_config(config),
            None => Ok(crate::reader::ReaderConfig::new(
                crate::reader::InputType::Json,
            )),
        };
        let mut config = config.map_err(|e| Rc::from(e.as_str()))?;
        config.max_items = None;
        match crate::reader::read_rows(bytes, &config) {
            Ok(read) => {
                for assumption in read.assumptions {
                    let text = assumption.text().to_string();
                    self.note_assumption(assumption.key(), || text);
                }
                Ok(read.rows)
            }
            Err(error) => {
                if error.assumed() {
                    self.note_assumption("item_reader_cause", || {
                        "an ItemReader file problem no AWS recording shows is reported with mapsim's own cause".into()
                    });
                }
                // AWS's own causes as AWS writes them; ours say where in the file.
                let cause = match error.position().filter(|_| error.assumed()) {
                    Some(p) => format!("{} ({}:{}:{})", error.cause(), file.name, p.line, p.column),
                    None => error.cause(),
                };
                Err(Rc::from(cause.as_str()))
            }
        }
    }

    fn tolerance(
        &mut self,
        f: u32,
        map: &program::MapIr,
        effective: &Value,
    ) -> Result<(Option<u64>, Option<f64>), Failure> {
        let count = match &map.tolerated_count {
            None => None,
            Some(source) => {
                let n = self.read_number(f, source, effective, true)?;
                if n < 0.0 {
                    return Err(Failure::runtime(
                        "ToleratedFailureCount cannot be negative.",
                    ));
                }
                Some(n as u64)
            }
        };
        let percentage = match &map.tolerated_percentage {
            None => None,
            Some(source) => {
                let p = self.read_number(f, source, effective, false)?;
                if !(0.0..=100.0).contains(&p) {
                    return Err(Failure::runtime(
                        "ToleratedFailurePercentage must be between 0 and 100.",
                    ));
                }
                Some(p)
            }
        };
        Ok((count, percentage))
    }

    fn batches(
        &mut self,
        f: u32,
        map: &program::MapIr,
        effective: &Value,
        items: &ItemsRt,
        n_items: u32,
    ) -> Result<Option<Rc<Vec<u32>>>, Failure> {
        let Some(batcher) = &map.batcher else {
            return Ok(None);
        };
        let max_items = match &batcher.max_items {
            Some(s) => Some(self.read_number(f, s, effective, true)?),
            None => None,
        };
        let max_bytes = match &batcher.max_bytes {
            Some(s) => Some(self.read_number(f, s, effective, true)?),
            None => None,
        };
        if max_items.is_some_and(|n| n < 1.0) {
            return Err(Failure::runtime("MaxItemsPerBatch must be at least 1."));
        }
        if max_bytes.is_some_and(|n| !(1.0..=262_144.0).contains(&n)) {
            return Err(Failure::runtime(
                "MaxInputBytesPerBatch must be between 1 and 262144.",
            ));
        }
        let max_items = max_items.map_or(u32::MAX, |n| n.min(f64::from(u32::MAX)) as u32);
        let mut bounds = vec![0u32];
        if let Some(max_bytes) = max_bytes {
            // Greedy by size: a batch's input is `{"Items":[…]}` plus its items.
            let max_bytes = max_bytes as usize;
            let mut count = 0u32;
            let mut bytes = 12usize;
            for i in 0..n_items {
                let size = items.size(i) + 1;
                if count > 0 && (count >= max_items || bytes + size > max_bytes) {
                    bounds.push(i);
                    count = 0;
                    bytes = 12;
                }
                count += 1;
                bytes += size;
            }
        } else {
            let mut i = max_items.min(n_items);
            while i < n_items {
                bounds.push(i);
                i = i.saturating_add(max_items);
            }
        }
        if n_items > 0 {
            bounds.push(n_items);
        }
        Ok(Some(Rc::new(bounds)))
    }

    /// Evaluates an ItemSelector or BatchInput template in the Map state's context.
    fn evaluate_selector(
        &self,
        f: u32,
        selector: &Selector,
        effective: &Value,
        item: Option<(u64, &Value)>,
    ) -> Result<Value, Failure> {
        match selector {
            Selector::Path(template) => {
                self.with_roots_pub(f, effective, item, |roots| template.evaluate(roots))
            }
            Selector::Jsonata(template) => {
                let states = self.states_object(f, effective, None, None, item);
                self.with_env(f, &states, |env| template.evaluate(env, "ItemSelector"))
            }
        }
    }

    /// Goes on with a Map Run a redrive reopened: starts what it can, or ends it when nothing
    /// is left to run.
    pub(super) fn continue_run(&mut self, run_id: u32) {
        let idle = self.runs.get(run_id as usize).is_some_and(|r| {
            r.running == 0 && r.pending_redrive() == 0 && r.next_child as usize >= r.children.len()
        });
        if idle {
            self.complete_run(run_id);
        } else {
            self.start_children(run_id);
        }
    }

    fn start_children(&mut self, run_id: u32) {
        loop {
            let Some(run) = self.runs.get_mut(run_id as usize) else {
                return;
            };
            if run.status != RunStatus::Running || run.running >= run.max_concurrency {
                return;
            }
            if let Some((child, from)) = run.redrive_queue.get(run.redrive_next).cloned() {
                run.redrive_next += 1;
                self.start_child_from(run_id, child, from);
                continue;
            }
            if run.next_child as usize >= run.children.len() {
                return;
            }
            let child = run.next_child;
            run.next_child += 1;
            self.start_child(run_id, child);
        }
    }

    /// Starts child `child` of a Map Run as a new execution.
    pub(super) fn start_child(&mut self, run_id: u32, child: u32) {
        self.start_child_from(run_id, child, None);
    }

    /// Starts child `child` of a Map Run: from the start, or (`from`, a redriven Standard
    /// child) at a state of its workflow with that state's input.
    pub(super) fn start_child_from(&mut self, run_id: u32, child: u32, from: Option<ResumeAt>) {
        let Some(run) = self.runs.get(run_id as usize) else {
            return;
        };
        let setup = run.setup.clone();
        let parent_fiber = run.parent_fiber;
        let key = ((u64::from(run_id) + 1) << 32) | u64::from(child);
        let record = match &self.mode {
            Mode::Full => false,
            Mode::Trace { run, child: c } => *run == run_id && *c == child,
            Mode::Replay { .. } => true,
        };
        let exec = self.new_execution(
            key,
            Data::Item {
                run: run_id,
                index: child,
            },
            ExecLink::Child { run: run_id, child },
            record,
        );
        let (start, end) = setup.child_items(child);
        let input = self.child_input(&setup, parent_fiber, exec, child);
        let input = match input {
            Ok(d) => d,
            Err(failure) => {
                // The item cannot be shaped: the child fails before its first state.
                if let Some(e) = self.executions.get_mut(exec as usize) {
                    e.input = Data::empty_object();
                }
                self.emit_execution_started(exec);
                self.child_bookkeeping_start(run_id, child, start, end);
                let cause: Rc<str> = Rc::from(failure.cause.as_str());
                let root = self.new_fiber(
                    exec,
                    setup.processor_start,
                    Data::empty_object(),
                    Link::Root,
                    None,
                    0,
                    None,
                );
                if let Some(e) = self.executions.get_mut(exec as usize) {
                    e.root = root;
                }
                self.finish_execution(
                    exec,
                    root,
                    ExecutionStatus::Failed,
                    Some(failure.error),
                    Some(cause),
                    None,
                );
                return;
            }
        };
        if let Some(e) = self.executions.get_mut(exec as usize) {
            e.input = input.clone();
        }
        self.emit_execution_started(exec);
        let scope = ItemScope {
            start,
            end,
            total: setup.n_items,
        };
        let (start_state, start_input) = match from {
            Some((state, value)) => (state, Data::Json(value)),
            None => (setup.processor_start, input),
        };
        let root = self.new_fiber(
            exec,
            start_state,
            start_input,
            Link::Root,
            None,
            0,
            Some(scope),
        );
        // A redriven child's attempts add to those of its first runs.
        let earlier_attempts = self
            .runs
            .get(run_id as usize)
            .and_then(|r| r.children.get(child as usize))
            .filter(|r| r.redriven > 0)
            .map_or(0, |r| r.attempts);
        if let Some(e) = self.executions.get_mut(exec as usize) {
            e.root = root;
            e.task_attempts = earlier_attempts;
        }
        if setup.express {
            let generation = self
                .executions
                .get(exec as usize)
                .map_or(0, |e| e.generation);
            self.queue.push(
                self.now,
                self.now.saturating_add(EXPRESS_LIMIT_MS),
                exec,
                generation,
                EventKind::ExecutionTimeout,
            );
        }
        self.child_bookkeeping_start(run_id, child, start, end);
        if let Some(run) = self.runs.get_mut(run_id as usize) {
            run.running += 1;
            if let Some(record) = run.children.get_mut(child as usize) {
                record.exec = exec;
            }
        }
        self.resume_now(root);
    }

    fn child_bookkeeping_start(&mut self, run_id: u32, child: u32, start: u32, end: u32) {
        let now = self.now;
        let Some(run) = self.runs.get_mut(run_id as usize) else {
            return;
        };
        let n = u64::from(end - start);
        if let Some(record) = run.children.get_mut(child as usize) {
            record.status = ChildStatus::Running;
            record.start_ms = now;
            run.item_counts.pending = run.item_counts.pending.saturating_sub(n);
            run.item_counts.running += n;
            run.execution_counts.pending = run.execution_counts.pending.saturating_sub(1);
            run.execution_counts.running += 1;
        }
        self.series.execution_started(now);
        if self.options.record_changes {
            self.changes.push(ItemChange {
                run: run_id,
                child,
                status: ChildStatus::Running,
                mark: ItemMark::Plain,
            });
        }
    }

    /// The input of a child: its item (or batch), shaped by ItemSelector / BatchInput.
    fn child_input(
        &self,
        setup: &RunSetup,
        parent_fiber: u32,
        exec: u32,
        child: u32,
    ) -> Result<Data, Failure> {
        let state = self.program.states.get(setup.state as usize);
        let selector = match state.map(|s| &s.kind) {
            Some(KindIr::Map(map)) => map.item_selector.as_ref(),
            _ => None,
        };
        let shaped = |index: u32| -> Result<Option<Value>, Failure> {
            let Some(selector) = selector else {
                return Ok(None);
            };
            let item = self.item_value_rt(setup, index);
            self.selector_with_stream(
                parent_fiber,
                exec,
                selector,
                &setup.map_input,
                (u64::from(index), &item),
            )
            .map(Some)
        };
        match &setup.batches {
            None => match shaped(child)? {
                Some(v) => Ok(Data::json(v)),
                None => Ok(Data::Item {
                    run: setup.id,
                    index: child,
                }),
            },
            Some(_) => {
                let (start, end) = setup.child_items(child);
                let mut items = Vec::with_capacity((end - start) as usize);
                for index in start..end {
                    items.push(match shaped(index)? {
                        Some(v) => v,
                        None => self.item_value_rt(setup, index),
                    });
                }
                let mut batch = JsonObject::new();
                if let Some(input) = &setup.batch_input {
                    batch.insert("BatchInput".into(), (**input).clone());
                }
                batch.insert("Items".into(), Value::Array(items));
                Ok(Data::json(Value::Object(batch)))
            }
        }
    }

    fn item_value_rt(&self, setup: &RunSetup, index: u32) -> Value {
        setup.items.value(index)
    }

    /// Evaluates an ItemSelector in the parent's context with the child's random stream (so a
    /// replayed child draws the same `States.UUID()`).
    fn selector_with_stream(
        &self,
        parent_fiber: u32,
        exec: u32,
        selector: &Selector,
        effective: &Value,
        item: (u64, &Value),
    ) -> Result<Value, Failure> {
        let rng = self.executions.get(exec as usize).map(|e| &e.rng);
        match selector {
            Selector::Path(template) => {
                let context = FiberContext {
                    sim: self,
                    fiber: parent_fiber,
                    item: Some(item),
                };
                let vars = self
                    .fibers
                    .get(parent_fiber as usize)
                    .and_then(|x| x.vars.as_deref());
                let mut roots = Roots::new(effective, &context, vars);
                roots.random = rng;
                template.evaluate(&roots)
            }
            Selector::Jsonata(template) => {
                let states = self.states_object(parent_fiber, effective, None, None, Some(item));
                let vars = self
                    .fibers
                    .get(parent_fiber as usize)
                    .and_then(|x| x.vars.as_deref());
                let mut env = crate::jsonata::Env::new(&states, vars);
                env.now_epoch_ms = self.scenario.start_epoch_ms.saturating_add(self.now as i64);
                env.random = rng;
                template.evaluate(&env, "ItemSelector")
            }
        }
    }

    /// A fiber of execution `exec` started (`waiting`) or stopped waiting out a Retry delay. A
    /// child shows as retrying in the item change log while any of its fibers waits.
    pub(super) fn note_retry_wait(&mut self, exec: u32, waiting: bool) {
        let Some(execution) = self.executions.get_mut(exec as usize) else {
            return;
        };
        let before = execution.retrying;
        let after = if waiting {
            before.saturating_add(1)
        } else {
            before.saturating_sub(1)
        };
        execution.retrying = after;
        let ExecLink::Child { run, child } = execution.link else {
            return;
        };
        if self.options.record_changes && (before == 0) != (after == 0) {
            self.changes.push(ItemChange {
                run,
                child,
                status: ChildStatus::Running,
                mark: if after > 0 {
                    ItemMark::Retrying
                } else {
                    ItemMark::Plain
                },
            });
        }
    }

    /// A Catch routed an error in execution `exec`: remembered on its child record.
    pub(super) fn note_caught(&mut self, exec: u32) {
        let Some(ExecLink::Child { run, child }) =
            self.executions.get(exec as usize).map(|e| e.link)
        else {
            return;
        };
        if let Some(record) = self
            .runs
            .get_mut(run as usize)
            .and_then(|r| r.children.get_mut(child as usize))
        {
            record.caught = true;
        }
    }

    /// A child execution ended.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn child_ended(
        &mut self,
        run_id: u32,
        child: u32,
        status: ExecutionStatus,
        error: Option<ErrorId>,
        cause: Option<Rc<str>>,
        output: Option<Data>,
        failed_state: Option<StateId>,
        attempts: u32,
    ) {
        let now = self.now;
        let output_value = match (
            &output,
            self.runs
                .get(run_id as usize)
                .is_some_and(|r| r.results.is_some()),
        ) {
            (Some(d), true) => Some(self.value_of(d)),
            _ => None,
        };
        let payload_limit = self.scenario.limits.payload_bytes;
        let Some(run) = self.runs.get_mut(run_id as usize) else {
            return;
        };
        run.running = run.running.saturating_sub(1);
        let (start, end) = run.setup.child_items(child);
        let n = u64::from(end - start);
        let child_status = match status {
            ExecutionStatus::Succeeded => ChildStatus::Succeeded,
            ExecutionStatus::Failed => ChildStatus::Failed,
            ExecutionStatus::TimedOut => ChildStatus::TimedOut,
            _ => ChildStatus::Aborted,
        };
        let cause_index = cause.as_ref().map_or(0, |c| run.cause_index(c));
        if let Some(record) = run.children.get_mut(child as usize) {
            record.status = child_status;
            record.end_ms = now;
            record.attempts = attempts;
            record.error = error.map_or(u32::MAX, |e| e.0);
            record.cause = cause_index;
            record.state = failed_state.unwrap_or(u32::MAX);
        }
        run.item_counts.running = run.item_counts.running.saturating_sub(n);
        *run.item_counts.slot(child_status) += n;
        run.execution_counts.running = run.execution_counts.running.saturating_sub(1);
        *run.execution_counts.slot(child_status) += 1;
        // Collected results (no ResultWriter): kept only while they fit the payload limit.
        if let Some(results) = run.results.as_mut() {
            let value = match (child_status, output_value) {
                (ChildStatus::Succeeded, Some(v)) => Some((*v).clone()),
                (ChildStatus::Failed | ChildStatus::TimedOut, _) => {
                    let mut o = JsonObject::new();
                    o.insert(
                        "Error".into(),
                        Value::String(
                            error.map_or(String::new(), |e| self.errors.name(e).to_string()),
                        ),
                    );
                    o.insert(
                        "Cause".into(),
                        Value::String(cause.as_deref().unwrap_or("").to_string()),
                    );
                    Some(Value::Object(o))
                }
                _ => None,
            };
            if let Some(value) = value {
                run.results_bytes += crate::data::json_size(&value) as u64 + 1;
                if run.results_bytes > payload_limit {
                    run.results = None;
                } else {
                    if results.len() <= child as usize {
                        results.resize(child as usize + 1, None);
                    }
                    if let Some(slot) = results.get_mut(child as usize) {
                        *slot = Some(value);
                    }
                }
            }
        }
        self.series.execution_ended(now, status);
        if self.options.record_changes {
            let caught = self
                .runs
                .get(run_id as usize)
                .and_then(|r| r.children.get(child as usize))
                .is_some_and(|r| r.caught);
            self.changes.push(ItemChange {
                run: run_id,
                child,
                status: child_status,
                mark: if caught && child_status == ChildStatus::Succeeded {
                    ItemMark::Caught
                } else {
                    ItemMark::Plain
                },
            });
        }
        let Some(run) = self.runs.get_mut(run_id as usize) else {
            return;
        };
        if run.status != RunStatus::Running {
            return;
        }
        if matches!(child_status, ChildStatus::Failed | ChildStatus::TimedOut) {
            run.failed_items += n;
            if let Some((explanation, rule)) = exceeded(run) {
                let verdict = Verdict {
                    at_ms: now,
                    failed_items: run.failed_items,
                    total_items: run.item_counts.total,
                    explanation,
                    rule,
                };
                run.verdict = Some(verdict);
                let untolerated =
                    run.tolerated_count.is_none() && run.tolerated_percentage.is_none();
                self.fail_run(run_id, untolerated, error, cause);
                return;
            }
        }
        let done = run.next_child as usize >= run.children.len()
            && run.pending_redrive() == 0
            && run.running == 0;
        if done {
            self.complete_run(run_id);
        } else {
            self.start_children(run_id);
        }
    }

    /// The Map Run failed on tolerance: running children are aborted, pending ones never start,
    /// and the Map state handles `States.ExceedToleratedFailureThreshold`.
    fn fail_run(
        &mut self,
        run_id: u32,
        untolerated: bool,
        child_error: Option<ErrorId>,
        child_cause: Option<Rc<str>>,
    ) {
        let threshold_error = !untolerated
            || self
                .scenario
                .assumptions
                .untolerated_failure_is_threshold_error;
        if untolerated {
            self.note_assumption(
                "untolerated_failure_error",
                || if threshold_error {
                    "a Distributed Map with no tolerance set fails on its first failed item with States.ExceedToleratedFailureThreshold (not settled by any AWS recording; set assumptions.untolerated_failure_error to \"child\" to report the child's error instead)".into()
                } else {
                    "a Distributed Map with no tolerance set fails on its first failed item with that child's own error (assumptions.untolerated_failure_error = \"child\")".into()
                },
            );
        }
        let (error, cause): (ErrorId, Rc<str>) = if threshold_error {
            (
                names::EXCEED_TOLERATED_FAILURE_THRESHOLD,
                Rc::from(EXCEED_TOLERATED_CAUSE),
            )
        } else {
            (
                child_error.unwrap_or(names::EMPTY),
                child_cause.unwrap_or_else(|| Rc::from("")),
            )
        };
        self.fail_run_with(run_id, error, cause);
    }

    /// Fails a Map Run: running children are aborted, pending ones never start, and the Map
    /// state handles `error`.
    fn fail_run_with(&mut self, run_id: u32, error: ErrorId, cause: Rc<str>) {
        self.abort_running_children(run_id);
        let now = self.now;
        let error_name = self.errors.name(error).to_string();
        let Some(run) = self.runs.get_mut(run_id as usize) else {
            return;
        };
        run.status = RunStatus::Failed;
        run.error = Some(error_name.clone());
        run.cause = Some(cause.to_string());
        run.ended_ms = Some(now);
        let f = run.parent_fiber;
        let details = if self.recording_fiber(f) {
            Details::failure(Some(cause.clone()), Some(self.errors.shared(error)), None)
        } else {
            Details::None
        };
        self.emit(f, EventType::MapRunFailed, details);
        if let Some(fiber) = self.fibers.get_mut(f as usize) {
            fiber.container = None;
        }
        self.raise(f, error, cause, false);
    }

    fn abort_running_children(&mut self, run_id: u32) {
        let running: Vec<(u32, u32)> = match self.runs.get_mut(run_id as usize) {
            Some(run) => {
                run.running = 0;
                run.children
                    .iter()
                    .take(run.next_child as usize)
                    .enumerate()
                    .filter(|(_, c)| c.status == ChildStatus::Running)
                    .map(|(i, c)| (i as u32, c.exec))
                    .collect()
            }
            None => return,
        };
        let now = self.now;
        for (child, exec) in running {
            let steps_before = self.executions.get(exec as usize).map_or(0, |e| e.steps);
            self.abort_execution(exec, ExecutionStatus::Aborted);
            let Some(run) = self.runs.get_mut(run_id as usize) else {
                continue;
            };
            let (start, end) = run.setup.child_items(child);
            let n = u64::from(end - start);
            let attempts = self
                .executions
                .get(exec as usize)
                .map_or(0, |e| e.task_attempts);
            if let Some(record) = run.children.get_mut(child as usize) {
                record.status = ChildStatus::Aborted;
                record.end_ms = now;
                record.attempts = attempts;
                record.abort_steps = steps_before;
            }
            run.item_counts.running = run.item_counts.running.saturating_sub(n);
            run.item_counts.aborted += n;
            run.execution_counts.running = run.execution_counts.running.saturating_sub(1);
            run.execution_counts.aborted += 1;
            self.series.execution_ended(now, ExecutionStatus::Aborted);
            if self.options.record_changes {
                self.changes.push(ItemChange {
                    run: run_id,
                    child,
                    status: ChildStatus::Aborted,
                    mark: ItemMark::Plain,
                });
            }
        }
    }

    /// The parent is being aborted (execution timeout, a sibling failed): the Map Run stops.
    pub(super) fn abort_run(&mut self, run_id: u32, prev: u32) {
        self.abort_running_children(run_id);
        let now = self.now;
        let Some(run) = self.runs.get_mut(run_id as usize) else {
            return;
        };
        if run.status != RunStatus::Running {
            return;
        }
        run.status = RunStatus::Aborted;
        run.ended_ms = Some(now);
        let f = run.parent_fiber;
        let exec = self.exec_of(f);
        self.emit_side(exec, prev, EventType::MapRunAborted, 0, Details::None);
    }

    fn complete_run(&mut self, run_id: u32) {
        let now = self.now;
        let Some(run) = self.runs.get_mut(run_id as usize) else {
            return;
        };
        run.status = RunStatus::Succeeded;
        run.ended_ms = Some(now);
        let f = run.parent_fiber;
        let n_children = run.children.len();
        let results = run.results.take();
        let overflow = run.results.is_none() && results.is_none();
        let arn = run.setup.arn.clone();
        let state_id = run.setup.state;
        self.emit(f, EventType::MapRunSucceeded, Details::None);
        let (exec, last) = self
            .fibers
            .get(f as usize)
            .map_or((0, 0), |x| (x.exec, x.last_event));
        self.emit_side(exec, last, EventType::MapStateSucceeded, 0, Details::None);
        if let Some(fiber) = self.fibers.get_mut(f as usize) {
            fiber.container = None;
        }
        let program = self.program.clone();
        let writer = match program.states.get(state_id as usize).map(|s| &s.kind) {
            Some(KindIr::Map(map)) => map.result_writer.as_ref(),
            _ => None,
        };
        let result = if let Some(writer) = writer {
            let mut details = JsonObject::new();
            details.insert("Bucket".into(), Value::String(writer.bucket.clone()));
            let run_part = arn.rsplit(':').next().unwrap_or("").to_string();
            let key = if writer.prefix.is_empty() {
                format!("{run_part}/manifest.json")
            } else {
                format!(
                    "{}/{run_part}/manifest.json",
                    writer.prefix.trim_end_matches('/')
                )
            };
            details.insert("Key".into(), Value::String(key));
            let mut output = JsonObject::new();
            output.insert("MapRunArn".into(), Value::String(arn));
            output.insert("ResultWriterDetails".into(), Value::Object(details));
            Value::Object(output)
        } else if overflow {
            self.note_assumption(
                "collected_results_limit",
                || "a Distributed Map without ResultWriter whose collected results pass limits.payload_bytes fails with States.DataLimitExceeded once the Map Run ends".into(),
            );
            let cause: Rc<str> = Rc::from(
                "The state/task 'map' returned a result with a size exceeding the maximum number of bytes service limit.",
            );
            self.raise(f, names::DATA_LIMIT_EXCEEDED, cause, false);
            return;
        } else {
            let mut values = results.unwrap_or_default();
            values.resize(n_children, None);
            if values.iter().any(Option::is_none) {
                self.note_assumption(
                    "failed_child_results",
                    || "a tolerated failed child contributes {\"Error\", \"Cause\"} to a Distributed Map's collected results".into(),
                );
            }
            Value::Array(
                values
                    .into_iter()
                    .map(|v| v.unwrap_or(Value::Null))
                    .collect(),
            )
        };
        match self.output_from_result(f, Data::json(result)) {
            Ok(output) => self.complete_state(f, output, None),
            Err(failure) => self.raise_own(f, failure),
        }
    }
}

fn items_rt(items: &Items) -> ItemsRt {
    match items {
        Items::Count(n) => ItemsRt::Count((*n).min(u64::from(u32::MAX)) as u32),
        Items::Values(v) => ItemsRt::Values(v.clone()),
    }
}

/// Whether a Map Run's failures exceed its tolerance, with the explanation and the rule. Failures
/// are counted over the total number of items and must *exceed* the threshold (equal is
/// tolerated).
fn exceeded(run: &MapRun) -> Option<(String, ToleranceRule)> {
    let failed = run.failed_items;
    let total = run.item_counts.total;
    let plural = |n: u64| if n == 1 { "item" } else { "items" };
    if run.tolerated_count.is_none() && run.tolerated_percentage.is_none() {
        return (failed > 0).then(|| {
            (
                format!(
                    "{failed} failed {} > ToleratedFailureCount 0 (no tolerance set)",
                    plural(failed)
                ),
                ToleranceRule::NoTolerance,
            )
        });
    }
    if let Some(count) = run.tolerated_count {
        if failed > count {
            return Some((
                format!(
                    "{failed} failed {} > ToleratedFailureCount {count}",
                    plural(failed)
                ),
                ToleranceRule::Count { limit: count },
            ));
        }
    }
    if let Some(percentage) = run.tolerated_percentage {
        if (failed as f64) * 100.0 > percentage * (total as f64) {
            let actual = if total == 0 {
                0.0
            } else {
                failed as f64 * 100.0 / total as f64
            };
            return Some((
                format!(
                    "{failed} failed {} of {total} ({}%) > ToleratedFailurePercentage {}",
                    plural(failed),
                    trim_float(actual),
                    trim_float(percentage)
                ),
                ToleranceRule::Percentage {
                    limit: percentage,
                    actual,
                },
            ));
        }
    }
    None
}

fn trim_float(v: f64) -> String {
    let text = format!("{v:.3}");
    text.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// Closed form of the tolerance rule, for tests and the page's gauge: does `failed` of `total`
/// exceed the given tolerance?
pub fn tolerance_exceeded(
    failed: u64,
    total: u64,
    count: Option<u64>,
    percentage: Option<f64>,
) -> bool {
    match (count, percentage) {
        (None, None) => failed > 0,
        _ => {
            count.is_some_and(|c| failed > c)
                || percentage.is_some_and(|p| (failed as f64) * 100.0 > p * (total as f64))
        }
    }
}
