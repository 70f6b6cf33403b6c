//! A parsed query: its commands over numbered field slots, and the columns it prints.

use crate::pattern::Pattern;
use crate::value::Value;

/// A field's place in a query's table of field names; rows and records are indexed by it.
pub(crate) type Slot = usize;

/// The fields every log event has, read from the `LogSource` rather than discovered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SystemField {
    Timestamp,
    Message,
    LogStream,
    Log,
}

impl SystemField {
    pub fn from_name(name: &str) -> Option<SystemField> {
        match name {
            "@timestamp" => Some(SystemField::Timestamp),
            "@message" => Some(SystemField::Message),
            "@logStream" => Some(SystemField::LogStream),
            "@log" => Some(SystemField::Log),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Default)]
pub(crate) struct FieldTable {
    pub names: Vec<String>,
    pub system: Vec<Option<SystemField>>,
}

impl FieldTable {
    pub fn slot(&mut self, name: &str) -> Slot {
        if let Some(slot) = self.names.iter().position(|known| known == name) {
            return slot;
        }
        self.names.push(name.to_string());
        self.system.push(SystemField::from_name(name));
        self.names.len() - 1
    }

    pub fn len(&self) -> usize {
        self.names.len()
    }
}

#[derive(Debug, Clone)]
pub(crate) struct FieldItem {
    pub source: Slot,
    /// The same slot as `source` unless the item is `source as target`.
    pub target: Slot,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Comparison {
    Equal,
    NotEqual,
    Less,
    LessOrEqual,
    Greater,
    GreaterOrEqual,
}

#[derive(Debug, Clone)]
pub(crate) enum Operand {
    Field(Slot),
    Literal(Value<'static>),
}

#[derive(Debug, Clone)]
pub(crate) enum TextMatcher {
    /// `like "text"`: the value contains the text.
    Substring(String),
    /// `like /re/`, `=~ /re/`: the value contains a match.
    Regex(Box<Pattern>),
}

#[derive(Debug, Clone)]
pub(crate) enum Condition {
    Or(Box<Condition>, Box<Condition>),
    And(Box<Condition>, Box<Condition>),
    Not(Box<Condition>),
    Compare {
        left: Operand,
        comparison: Comparison,
        right: Operand,
    },
    /// `like`, `=~`; `negated` for `not like`, which, like `!=`, needs the field to be there.
    Like {
        operand: Operand,
        matcher: TextMatcher,
        negated: bool,
    },
    /// `in [...]`; `negated` for `not in`, which needs the field to be there.
    In {
        operand: Operand,
        values: Vec<Value<'static>>,
        negated: bool,
    },
    IsPresent(Slot),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum AggregateFunction {
    /// `count()`, `count(*)` (no argument) or `count(field)` (rows where it is present).
    Count,
    Sum,
    Average,
    Minimum,
    Maximum,
}

#[derive(Debug, Clone)]
pub(crate) struct Aggregate {
    pub function: AggregateFunction,
    pub argument: Option<Slot>,
    pub target: Slot,
}

#[derive(Debug, Clone)]
pub(crate) enum GroupKey {
    Field(Slot),
    /// `bin(period)`: `@timestamp` rounded down to a multiple of the period.
    Bin {
        period_milliseconds: i64,
        timestamp: Slot,
    },
}

#[derive(Debug, Clone)]
pub(crate) struct Group {
    pub key: GroupKey,
    pub target: Slot,
}

#[derive(Debug, Clone)]
pub(crate) struct SortKey {
    pub slot: Slot,
    pub descending: bool,
}

#[derive(Debug, Clone)]
pub(crate) enum Command {
    Fields(Vec<FieldItem>),
    Display(Vec<Slot>),
    Filter(Condition),
    Parse {
        source: Slot,
        pattern: Box<Pattern>,
        targets: Vec<Slot>,
    },
    Stats {
        aggregates: Vec<Aggregate>,
        groups: Vec<Group>,
    },
    Sort(Vec<SortKey>),
    Limit(usize),
}

impl Command {
    /// Whether the command needs every row before it can pass one on.
    pub fn is_blocking(&self) -> bool {
        matches!(
            self,
            Command::Stats { .. } | Command::Sort(_) | Command::Limit(_)
        )
    }

    /// Marks the slots the command reads while it runs (not the columns it names for printing).
    pub fn mark_read_slots(&self, read: &mut [bool]) {
        match self {
            Command::Fields(items) => {
                for item in items.iter().filter(|item| item.source != item.target) {
                    read[item.source] = true;
                }
            }
            Command::Display(_) | Command::Limit(_) => {}
            Command::Filter(condition) => mark_condition(condition, read),
            Command::Parse { source, .. } => read[*source] = true,
            Command::Stats { aggregates, groups } => {
                for slot in aggregates.iter().filter_map(|aggregate| aggregate.argument) {
                    read[slot] = true;
                }
                for group in groups {
                    match group.key {
                        GroupKey::Field(slot)
                        | GroupKey::Bin {
                            timestamp: slot, ..
                        } => read[slot] = true,
                    }
                }
            }
            Command::Sort(keys) => {
                for key in keys {
                    read[key.slot] = true;
                }
            }
        }
    }
}

fn mark_condition(condition: &Condition, read: &mut [bool]) {
    let mark_operand = |operand: &Operand, read: &mut [bool]| {
        if let Operand::Field(slot) = operand {
            read[*slot] = true;
        }
    };
    match condition {
        Condition::Or(left, right) | Condition::And(left, right) => {
            mark_condition(left, read);
            mark_condition(right, read);
        }
        Condition::Not(inner) => mark_condition(inner, read),
        Condition::Compare { left, right, .. } => {
            mark_operand(left, read);
            mark_operand(right, read);
        }
        Condition::Like { operand, .. } | Condition::In { operand, .. } => {
            mark_operand(operand, read)
        }
        Condition::IsPresent(slot) => read[*slot] = true,
    }
}
