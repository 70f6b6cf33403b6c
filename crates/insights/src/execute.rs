//! Running a query over a `LogSource`.
//!
//! The commands before the first `stats`, `sort` or `limit` run row by row as the events are
//! read, without copying them: values borrow from the message, JSON fields are discovered only
//! when first read. That first blocking command takes the rows as they pass — `stats` into its
//! groups, `sort` into its keys (only the first N of them kept when a `limit N` follows), `limit`
//! into its first N — and whatever follows runs over the few records that come out.

use std::borrow::Cow;
use std::cmp::Ordering;
use std::collections::BTreeMap;
use std::fmt::Write;

use crate::json_fields::{self, Discovery};
use crate::pattern::{CaptureBuffer, Pattern};
use crate::plan::{
    Aggregate, AggregateFunction, Command, Comparison, Condition, FieldTable, Group, GroupKey,
    Operand, Slot, SortKey, SystemField, TextMatcher,
};
use crate::value::{compare, format_number, natural_order, Value};
use crate::{LogSource, Query, QueryResult};

/// Rows a query returns without a `limit` (CWL_QuerySyntax-Limit: "If you omit limit, the query
/// will return as many as 10,000 log events").
pub(crate) const DEFAULT_LIMIT: usize = 10_000;

/// A row after the streaming commands: its values by slot, owned.
type Record = Vec<Option<Value<'static>>>;

/// Where commands read and write the fields of one row or record.
trait Fields<'v> {
    fn get(&mut self, slot: Slot) -> Option<Value<'v>>;
    fn set(&mut self, slot: Slot, value: Option<Value<'v>>);
}

/// The fields of one log event while the streaming commands run over it.
struct RowFields<'m, 'e> {
    source: &'m dyn LogSource,
    row: usize,
    /// The message, when the commands read it (or a field discovered in it).
    message: Option<&'m str>,
    system: &'e [Option<SystemField>],
    discovery: &'e Discovery,
    path: &'e mut String,
    values: Vec<Option<Value<'m>>>,
    /// Slots a command has written: they hide the system or discovered field of that name.
    assigned: Vec<bool>,
    discovered: bool,
}

impl<'m> Fields<'m> for RowFields<'m, '_> {
    fn get(&mut self, slot: Slot) -> Option<Value<'m>> {
        if self.assigned[slot] {
            return self.values[slot].clone();
        }
        match self.system[slot] {
            Some(SystemField::Timestamp) => Some(Value::Time(self.source.timestamp_ms(self.row))),
            Some(SystemField::Message) => Some(Value::Text(match self.message {
                Some(message) => Cow::Borrowed(message),
                None => Cow::Owned(self.source.message(self.row).into_owned()),
            })),
            Some(SystemField::LogStream) => Some(Value::Text(self.source.log_stream(self.row))),
            Some(SystemField::Log) => Some(Value::Text(self.source.log_group(self.row))),
            None => {
                if !self.discovered {
                    self.discovered = true;
                    if let Some(message) = self.message {
                        json_fields::discover(
                            message,
                            self.discovery,
                            &self.assigned,
                            self.path,
                            &mut self.values,
                        );
                    }
                }
                self.values[slot].clone()
            }
        }
    }

    fn set(&mut self, slot: Slot, value: Option<Value<'m>>) {
        self.values[slot] = value;
        self.assigned[slot] = true;
    }
}

struct RecordFields<'r> {
    record: &'r mut Record,
}

impl Fields<'static> for RecordFields<'_> {
    fn get(&mut self, slot: Slot) -> Option<Value<'static>> {
        self.record[slot].clone()
    }

    fn set(&mut self, slot: Slot, value: Option<Value<'static>>) {
        self.record[slot] = value;
    }
}

/// Reuses a row's value list for the next row: the values are dropped, the allocation kept
/// (collecting a `vec::IntoIter` into a vector of a same-sized type reuses its buffer).
fn recycle<'b>(mut values: Vec<Option<Value<'_>>>) -> Vec<Option<Value<'b>>> {
    values.clear();
    values.into_iter().map(|_| None).collect()
}

enum Resolved<'p, 'v> {
    Field(Option<Value<'v>>),
    Literal(&'p Value<'static>),
}

impl<'v> Resolved<'_, 'v> {
    fn value(&self) -> Option<&Value<'v>> {
        match self {
            Resolved::Field(value) => value.as_ref(),
            Resolved::Literal(value) => Some(value),
        }
    }
}

fn resolve<'p, 'v, F: Fields<'v>>(operand: &'p Operand, fields: &mut F) -> Resolved<'p, 'v> {
    match operand {
        Operand::Field(slot) => Resolved::Field(fields.get(*slot)),
        Operand::Literal(value) => Resolved::Literal(value),
    }
}

/// Whether the condition holds. A comparison, `like` or `in` — negated forms included — with a
/// missing field is false (so `f != "x"` and `f not like /x/` do not hold where `f` is missing,
/// and `not f = "x"` does).
fn holds<'v, F: Fields<'v>>(condition: &Condition, fields: &mut F) -> bool {
    match condition {
        Condition::Or(left, right) => holds(left, fields) || holds(right, fields),
        Condition::And(left, right) => holds(left, fields) && holds(right, fields),
        Condition::Not(inner) => !holds(inner, fields),
        Condition::Compare {
            left,
            comparison,
            right,
        } => {
            let left = resolve(left, fields);
            let right = resolve(right, fields);
            let (Some(left), Some(right)) = (left.value(), right.value()) else {
                return false;
            };
            let ordering = compare(left, right);
            match comparison {
                Comparison::Equal => ordering == Ordering::Equal,
                Comparison::NotEqual => ordering != Ordering::Equal,
                Comparison::Less => ordering == Ordering::Less,
                Comparison::LessOrEqual => ordering != Ordering::Greater,
                Comparison::Greater => ordering == Ordering::Greater,
                Comparison::GreaterOrEqual => ordering != Ordering::Less,
            }
        }
        Condition::Like {
            operand,
            matcher,
            negated,
        } => {
            let resolved = resolve(operand, fields);
            let Some(value) = resolved.value() else {
                return false;
            };
            let text = value.text();
            let found = match matcher {
                TextMatcher::Substring(needle) => text.contains(needle.as_str()),
                TextMatcher::Regex(pattern) => pattern.is_match(&text),
            };
            found != *negated
        }
        Condition::In {
            operand,
            values,
            negated,
        } => {
            let resolved = resolve(operand, fields);
            let Some(value) = resolved.value() else {
                return false;
            };
            values
                .iter()
                .any(|candidate| compare(value, candidate) == Ordering::Equal)
                != *negated
        }
        Condition::IsPresent(slot) => fields.get(*slot).is_some(),
    }
}

/// `parse`: the captures of the first match become the target fields; without a match (or
/// without the source field) the targets are missing, whatever was there before.
fn parse_into<'v, F: Fields<'v>>(
    fields: &mut F,
    source: Slot,
    pattern: &Pattern,
    targets: &[Slot],
    buffer: &mut CaptureBuffer,
) {
    let haystack: Option<Cow<'v, str>> = match fields.get(source) {
        Some(Value::Text(text) | Value::Number(text)) => Some(text),
        Some(time @ Value::Time(_)) => Some(Cow::Owned(time.text().into_owned())),
        None => None,
    };
    let found = haystack
        .as_ref()
        .is_some_and(|haystack| pattern.captures(haystack, buffer));
    for (position, target) in targets.iter().enumerate() {
        let value = match (&haystack, found) {
            (Some(haystack), true) => {
                buffer
                    .spans
                    .get(position)
                    .copied()
                    .flatten()
                    .map(|(start, end)| {
                        Value::Text(match haystack {
                            Cow::Borrowed(text) => {
                                let text: &'v str = text;
                                Cow::Borrowed(&text[start..end])
                            }
                            Cow::Owned(text) => Cow::Owned(text[start..end].to_string()),
                        })
                    })
            }
            _ => None,
        };
        fields.set(*target, value);
    }
}

/// Runs non-blocking commands (`commands` starts at index `first_index` of the query's list);
/// false when a filter drops the row.
fn run_streaming<'v, F: Fields<'v>>(
    commands: &[Command],
    first_index: usize,
    fields: &mut F,
    locations: &mut [Option<CaptureBuffer>],
) -> bool {
    for (offset, command) in commands.iter().enumerate() {
        match command {
            Command::Fields(items) => {
                for item in items.iter().filter(|item| item.source != item.target) {
                    let value = fields.get(item.source);
                    fields.set(item.target, value);
                }
            }
            Command::Filter(condition) => {
                if !holds(condition, fields) {
                    return false;
                }
            }
            Command::Parse {
                source,
                pattern,
                targets,
            } => {
                if let Some(Some(locations)) = locations.get_mut(first_index + offset) {
                    parse_into(fields, *source, pattern, targets, locations);
                }
            }
            // Blocking commands never reach here; `display` only names the columns.
            Command::Display(_) | Command::Stats { .. } | Command::Sort(_) | Command::Limit(_) => {}
        }
    }
    true
}

enum Accumulator {
    Count(u64),
    Sum { total: f64, seen: bool },
    Average { total: f64, count: u64 },
    Extreme { best: Option<(f64, Value<'static>)> },
}

struct GroupEntry {
    keys: Vec<Option<Value<'static>>>,
    accumulators: Vec<Accumulator>,
}

/// `stats`: groups in the order their first row came, found by an encoded key.
struct StatsTable<'q> {
    aggregates: &'q [Aggregate],
    groups: &'q [Group],
    index: BTreeMap<String, usize>,
    entries: Vec<GroupEntry>,
    key: String,
}

fn group_value<'v, F: Fields<'v>>(group: &Group, fields: &mut F) -> Option<Value<'v>> {
    match group.key {
        GroupKey::Field(slot) => fields.get(slot),
        GroupKey::Bin {
            period_milliseconds,
            timestamp,
        } => {
            // `@timestamp` may have been replaced by a parsed number of any size: a bin start
            // that does not fit is no bin at all.
            let milliseconds = fields.get(timestamp)?.number()? as i64;
            milliseconds
                .div_euclid(period_milliseconds)
                .checked_mul(period_milliseconds)
                .map(Value::Time)
        }
    }
}

impl<'q> StatsTable<'q> {
    fn new(aggregates: &'q [Aggregate], groups: &'q [Group]) -> Self {
        StatsTable {
            aggregates,
            groups,
            index: BTreeMap::new(),
            entries: Vec::new(),
            key: String::new(),
        }
    }

    fn add<'v, F: Fields<'v>>(&mut self, fields: &mut F) {
        // The key spells each group value with its length, so no two distinct lists collide.
        self.key.clear();
        for group in self.groups {
            match group_value(group, fields) {
                None => self.key.push('\u{0}'),
                Some(Value::Time(milliseconds)) => {
                    let _ = write!(self.key, "\u{2}{milliseconds};");
                }
                Some(value) => {
                    let text = value.text();
                    let _ = write!(self.key, "\u{1}{}:", text.len());
                    self.key.push_str(&text);
                }
            }
        }
        let entry = match self.index.get(self.key.as_str()) {
            Some(entry) => *entry,
            None => {
                let keys = self
                    .groups
                    .iter()
                    .map(|group| group_value(group, fields).map(Value::into_owned))
                    .collect();
                let accumulators = self
                    .aggregates
                    .iter()
                    .map(|aggregate| match aggregate.function {
                        AggregateFunction::Count => Accumulator::Count(0),
                        AggregateFunction::Sum => Accumulator::Sum {
                            total: 0.0,
                            seen: false,
                        },
                        AggregateFunction::Average => Accumulator::Average {
                            total: 0.0,
                            count: 0,
                        },
                        AggregateFunction::Minimum | AggregateFunction::Maximum => {
                            Accumulator::Extreme { best: None }
                        }
                    })
                    .collect();
                self.entries.push(GroupEntry { keys, accumulators });
                self.index.insert(self.key.clone(), self.entries.len() - 1);
                self.entries.len() - 1
            }
        };
        let accumulators = &mut self.entries[entry].accumulators;
        for (aggregate, accumulator) in self.aggregates.iter().zip(accumulators.iter_mut()) {
            let Some(slot) = aggregate.argument else {
                if let Accumulator::Count(count) = accumulator {
                    *count += 1;
                }
                continue;
            };
            let Some(value) = fields.get(slot) else {
                continue;
            };
            match accumulator {
                Accumulator::Count(count) => *count += 1,
                Accumulator::Sum { total, seen } => {
                    if let Some(number) = value.number() {
                        *total += number;
                        *seen = true;
                    }
                }
                Accumulator::Average { total, count } => {
                    if let Some(number) = value.number() {
                        *total += number;
                        *count += 1;
                    }
                }
                Accumulator::Extreme { best } => {
                    let Some(number) = value.number() else {
                        continue;
                    };
                    let better = match best {
                        None => true,
                        Some((current, _)) if aggregate.function == AggregateFunction::Minimum => {
                            number < *current
                        }
                        Some((current, _)) => number > *current,
                    };
                    if better {
                        *best = Some((number, value.into_owned()));
                    }
                }
            }
        }
    }

    fn finish(self, slots: usize) -> Vec<Record> {
        let (aggregates, groups) = (self.aggregates, self.groups);
        self.entries
            .into_iter()
            .map(|entry| {
                let mut record: Record = vec![None; slots];
                for (group, key) in groups.iter().zip(entry.keys) {
                    record[group.target] = key;
                }
                for (aggregate, accumulator) in aggregates.iter().zip(entry.accumulators) {
                    record[aggregate.target] = match accumulator {
                        Accumulator::Count(count) => {
                            Some(Value::Number(Cow::Owned(count.to_string())))
                        }
                        Accumulator::Sum { total, seen: true } => {
                            Some(Value::Number(Cow::Owned(format_number(total))))
                        }
                        Accumulator::Average { total, count } if count > 0 => Some(Value::Number(
                            Cow::Owned(format_number(total / count as f64)),
                        )),
                        Accumulator::Extreme { best } => best.map(|(_, value)| value),
                        Accumulator::Sum { .. } | Accumulator::Average { .. } => None,
                    };
                }
                record
            })
            .collect()
    }
}

/// Sort order: by each key in turn, Insights' natural order, missing values last either way.
fn compare_keys(
    keys: &[SortKey],
    left: &[Option<Value<'_>>],
    right: &[Option<Value<'_>>],
) -> Ordering {
    for (position, key) in keys.iter().enumerate() {
        let order = match (&left[position], &right[position]) {
            (None, None) => Ordering::Equal,
            (None, Some(_)) => Ordering::Greater,
            (Some(_), None) => Ordering::Less,
            (Some(left), Some(right)) => {
                let ascending = natural_order(left, right);
                if key.descending {
                    ascending.reverse()
                } else {
                    ascending
                }
            }
        };
        if order != Ordering::Equal {
            return order;
        }
    }
    Ordering::Equal
}

/// What the first blocking command does with the rows that pass the streaming commands.
enum Intake<'q> {
    /// Keep the first `cap` rows as records (no blocking command, or `limit`).
    Collect {
        cap: usize,
    },
    Aggregate(StatsTable<'q>),
    /// Keep each row's sort keys; with `keep_first`, only that many (a `limit` follows).
    Sort {
        keys: &'q [SortKey],
        keep_first: Option<usize>,
        candidates: Vec<(Vec<Option<Value<'static>>>, usize)>,
    },
}

/// Reads rows through the streaming commands, reusing its buffers from row to row.
struct RowReader<'q, 's> {
    query: &'q Query,
    source: &'s dyn LogSource,
    segment_end: usize,
    path: String,
    locations: Vec<Option<CaptureBuffer>>,
    spare_values: Vec<Option<Value<'static>>>,
    spare_assigned: Vec<bool>,
}

impl RowReader<'_, '_> {
    /// Runs the streaming commands over `row`, then `then` with the row's fields and whether
    /// the row passed.
    fn read<R>(
        &mut self,
        row: usize,
        fetch_message: bool,
        then: impl for<'m, 'e> FnOnce(&mut RowFields<'m, 'e>, bool) -> R,
    ) -> R {
        let message = if fetch_message {
            Some(self.source.message(row))
        } else {
            None
        };
        let slots = self.query.fields.len();
        let mut values = recycle(std::mem::take(&mut self.spare_values));
        values.resize(slots, None);
        let mut assigned = std::mem::take(&mut self.spare_assigned);
        assigned.clear();
        assigned.resize(slots, false);
        let mut fields = RowFields {
            source: self.source,
            row,
            message: message.as_deref(),
            system: &self.query.fields.system,
            discovery: &self.query.discovery,
            path: &mut self.path,
            values,
            assigned,
            discovered: false,
        };
        let passed = run_streaming(
            &self.query.commands[..self.segment_end],
            0,
            &mut fields,
            &mut self.locations,
        );
        let result = then(&mut fields, passed);
        self.spare_values = recycle(fields.values);
        self.spare_assigned = fields.assigned;
        result
    }
}

fn materialize<'v, F: Fields<'v>>(fields: &mut F, needed: &[bool]) -> Record {
    needed
        .iter()
        .enumerate()
        .map(|(slot, needed)| {
            if *needed {
                fields.get(slot).map(Value::into_owned)
            } else {
                None
            }
        })
        .collect()
}

fn reads_message(read: &[bool], table: &FieldTable) -> bool {
    read.iter()
        .zip(&table.system)
        .any(|(read, system)| *read && matches!(system, None | Some(SystemField::Message)))
}

pub(crate) fn execute(
    query: &Query,
    source: &dyn LogSource,
    keep: &dyn Fn(usize) -> bool,
) -> QueryResult {
    let commands = &query.commands;
    let slots = query.fields.len();
    let segment_end = commands
        .iter()
        .position(Command::is_blocking)
        .unwrap_or(commands.len());
    let (mut intake, rest_start) = match commands.get(segment_end) {
        None => (Intake::Collect { cap: DEFAULT_LIMIT }, commands.len()),
        Some(Command::Limit(limit)) => (Intake::Collect { cap: *limit }, segment_end + 1),
        Some(Command::Stats { aggregates, groups }) => (
            Intake::Aggregate(StatsTable::new(aggregates, groups)),
            segment_end + 1,
        ),
        Some(Command::Sort(keys)) => match commands.get(segment_end + 1) {
            Some(Command::Limit(limit)) => (
                Intake::Sort {
                    keys,
                    keep_first: Some(*limit),
                    candidates: Vec::new(),
                },
                segment_end + 2,
            ),
            _ => (
                Intake::Sort {
                    keys,
                    keep_first: None,
                    candidates: Vec::new(),
                },
                segment_end + 1,
            ),
        },
        // `is_blocking` picked the command, so it is one of the three above.
        Some(_) => (Intake::Collect { cap: DEFAULT_LIMIT }, commands.len()),
    };
    let rest = &commands[rest_start..];

    // Which slots the records must carry, and whether the first pass must read messages.
    let mut needed = vec![false; slots];
    for command in rest {
        command.mark_read_slots(&mut needed);
    }
    for column in &query.columns {
        needed[*column] = true;
    }
    let mut read_first_pass = vec![false; slots];
    for command in &commands[..segment_end] {
        command.mark_read_slots(&mut read_first_pass);
    }
    // Rows read again after a sort run the streaming commands and fill the records.
    let mut read_again = read_first_pass.clone();
    for (read, needed) in read_again.iter_mut().zip(&needed) {
        *read |= *needed;
    }
    let fetch_again = reads_message(&read_again, &query.fields);
    if let Some(blocking) = commands.get(segment_end) {
        blocking.mark_read_slots(&mut read_first_pass);
    }
    if matches!(intake, Intake::Collect { .. }) {
        for (read, needed) in read_first_pass.iter_mut().zip(&needed) {
            *read |= *needed;
        }
    }
    let fetch_message = reads_message(&read_first_pass, &query.fields);

    let locations = commands
        .iter()
        .map(|command| match command {
            Command::Parse { pattern, .. } => Some(pattern.capture_buffer()),
            _ => None,
        })
        .collect();
    let mut reader = RowReader {
        query,
        source,
        segment_end,
        path: String::new(),
        locations,
        spare_values: Vec::new(),
        spare_assigned: Vec::new(),
    };

    let (mut scanned, mut matched) = (0u64, 0u64);
    let mut records: Vec<Record> = Vec::new();
    for row in 0..source.len() {
        if !keep(row) {
            continue;
        }
        scanned += 1;
        reader.read(row, fetch_message, |fields, passed| {
            if !passed {
                return;
            }
            matched += 1;
            match &mut intake {
                Intake::Collect { cap } => {
                    if records.len() < *cap {
                        records.push(materialize(fields, &needed));
                    }
                }
                Intake::Aggregate(table) => table.add(fields),
                Intake::Sort {
                    keys,
                    keep_first,
                    candidates,
                } => {
                    let values = keys
                        .iter()
                        .map(|key| fields.get(key.slot).map(Value::into_owned))
                        .collect();
                    candidates.push((values, row));
                    if let Some(first) = *keep_first {
                        if candidates.len() >= 2 * first + 1024 {
                            candidates.sort_by(|left, right| {
                                compare_keys(keys, &left.0, &right.0).then(left.1.cmp(&right.1))
                            });
                            candidates.truncate(first);
                        }
                    }
                }
            }
        });
    }

    let mut records = match intake {
        Intake::Collect { .. } => records,
        Intake::Aggregate(table) => table.finish(slots),
        Intake::Sort {
            keys,
            keep_first,
            mut candidates,
        } => {
            candidates.sort_by(|left, right| {
                compare_keys(keys, &left.0, &right.0).then(left.1.cmp(&right.1))
            });
            if let Some(first) = keep_first {
                candidates.truncate(first);
            }
            // Only the rows that survive the sort are read again, for the fields they print.
            candidates
                .into_iter()
                .map(|(_, row)| {
                    reader.read(row, fetch_again, |fields, _| materialize(fields, &needed))
                })
                .collect()
        }
    };

    let mut locations = std::mem::take(&mut reader.locations);
    let mut explicit_limit = matches!(commands.get(segment_end), Some(Command::Limit(_)))
        || matches!(commands.get(segment_end + 1), Some(Command::Limit(_)))
            && matches!(commands.get(segment_end), Some(Command::Sort(_)));
    for (offset, command) in rest.iter().enumerate() {
        let index = rest_start + offset;
        match command {
            Command::Stats { aggregates, groups } => {
                let mut table = StatsTable::new(aggregates, groups);
                for record in &mut records {
                    table.add(&mut RecordFields { record });
                }
                records = table.finish(slots);
            }
            Command::Sort(keys) => {
                let mut keyed: Vec<(Vec<Option<Value<'static>>>, Record)> = records
                    .into_iter()
                    .map(|record| {
                        (
                            keys.iter().map(|key| record[key.slot].clone()).collect(),
                            record,
                        )
                    })
                    .collect();
                // A stable sort: ties keep the order they came in.
                keyed.sort_by(|left, right| compare_keys(keys, &left.0, &right.0));
                records = keyed.into_iter().map(|(_, record)| record).collect();
            }
            Command::Limit(limit) => {
                explicit_limit = true;
                records.truncate(*limit);
            }
            _ => records.retain_mut(|record| {
                run_streaming(
                    std::slice::from_ref(command),
                    index,
                    &mut RecordFields { record },
                    &mut locations,
                )
            }),
        }
    }
    if !explicit_limit {
        records.truncate(DEFAULT_LIMIT);
    }

    let fields: Vec<String> = query
        .columns
        .iter()
        .map(|slot| query.fields.names[*slot].clone())
        .collect();
    let rows = records
        .iter()
        .map(|record| {
            query
                .columns
                .iter()
                .zip(&fields)
                .filter_map(|(slot, name)| {
                    record[*slot]
                        .as_ref()
                        .map(|value| (name.clone(), value.text().into_owned()))
                })
                .collect()
        })
        .collect();
    QueryResult {
        fields,
        rows,
        records_scanned: scanned,
        records_matched: matched,
    }
}

fn push_unique(columns: &mut Vec<Slot>, slot: Slot) {
    if !columns.contains(&slot) {
        columns.push(slot);
    }
}

/// The fields a query prints: those of `fields` commands and `parse` captures in order (by
/// default `@timestamp` and `@message`, then the captures); after `stats`, its groups then its
/// aggregates; after `display`, exactly what it names.
pub(crate) fn result_columns(commands: &[Command], table: &mut FieldTable) -> Vec<Slot> {
    let mut columns: Option<Vec<Slot>> = None;
    let mut captures: Vec<Slot> = Vec::new();
    let mut displayed = false;
    for command in commands {
        match command {
            Command::Fields(items) if !displayed => {
                let columns = columns.get_or_insert_with(Vec::new);
                for item in items {
                    push_unique(columns, item.target);
                }
            }
            Command::Parse { targets, .. } if !displayed => {
                let list = columns.as_mut().unwrap_or(&mut captures);
                for target in targets {
                    push_unique(list, *target);
                }
            }
            Command::Stats { aggregates, groups } => {
                let mut list = Vec::new();
                for group in groups {
                    push_unique(&mut list, group.target);
                }
                for aggregate in aggregates {
                    push_unique(&mut list, aggregate.target);
                }
                columns = Some(list);
                captures.clear();
                displayed = false;
            }
            Command::Display(slots) => {
                let mut list = Vec::new();
                for slot in slots {
                    push_unique(&mut list, *slot);
                }
                columns = Some(list);
                displayed = true;
            }
            _ => {}
        }
    }
    columns.unwrap_or_else(|| {
        let mut list = vec![table.slot("@timestamp"), table.slot("@message")];
        for capture in captures {
            push_unique(&mut list, capture);
        }
        list
    })
}
