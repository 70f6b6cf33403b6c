//! A CloudWatch Logs Insights subset: parse a query, run it over log events.
//!
//! [`parse`] reads a query — `fields`, `filter`, `parse`, `stats`, `sort`, `limit`, `display`,
//! separated by `|`, after optional `SOURCE '<log group>' |` clauses — and refuses by name, with
//! line and column, whatever Insights has that the subset has not. [`run`] and [`run_filtered`]
//! answer it over any [`LogSource`] in the shape of `GetQueryResults`: each row a list of
//! `(field, value)` with values as text, fields a row lacks left out.
//!
//! Fields of a JSON `@message` are discovered as Insights discovers them — nested keys joined
//! with `.`, array elements by index, at most 200 per event — and only when the query names a
//! field that is not a system field, once per event.
//!
//! The crate is pure: no clock, no I/O, no hash maps; the same query over the same events gives
//! the same rows in the same order.
//!
//! Where Insights' documentation is silent, mapsim chooses:
//! - a bare `sort f` is descending; missing values sort last in either direction; ties keep the
//!   order the rows came in (the natural order itself is CWL_QuerySyntax-Sort's);
//! - rows without `sort` keep the source's order; `stats` groups come in the order of their
//!   first row; a `stats` over no rows has no rows; `stats` prints its groups, then aggregates;
//! - without `fields` or `display` a row prints `@timestamp`, `@message` and `parse` captures;
//! - `=`, `!=`, `<`, … compare as numbers when one side is a number (a JSON number, a number
//!   literal, a timestamp) and the other reads as one, else as text; every comparison, `like`,
//!   `not like`, `in` and `not in` with a missing field is false, only `not (…)` turns it true;
//! - sums and averages print as the shortest text that reads back as the same float (`12.5`,
//!   `10.666666666666666`), counts as integers; `min`/`max` print the value as found (a
//!   timestamp as a timestamp); aggregates over no numbers are left out of the row;
//! - a JSON `null` is a missing field; `true`/`false` are the text `true`/`false`; objects and
//!   arrays are not fields themselves, only their leaves; a message that is not one valid JSON
//!   object has no discovered fields;
//! - `parse` without a match leaves its fields missing, whatever a JSON field of that name held.

mod execute;
mod json_fields;
mod lexer;
mod parser;
mod pattern;
mod plan;
mod value;

use std::borrow::Cow;
use std::fmt;

pub use lexer::MAX_QUERY_CHARS;

/// The log events a query runs over, by row number `0..len()`.
pub trait LogSource {
    fn len(&self) -> usize;
    /// Epoch milliseconds (virtual time).
    fn timestamp_ms(&self, row: usize) -> i64;
    /// The `@message` text, often JSON.
    fn message(&self, row: usize) -> Cow<'_, str>;
    fn log_stream(&self, row: usize) -> Cow<'_, str>;
    /// The log group, printed as `@log`.
    fn log_group(&self, row: usize) -> Cow<'_, str>;

    fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Why a query text is not a query of the subset: where (1-based line and column, columns in
/// characters) and what.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct QueryError {
    pub line: u32,
    pub column: u32,
    pub message: String,
}

impl fmt::Display for QueryError {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            formatter,
            "{} at {}:{}",
            self.message, self.line, self.column
        )
    }
}

impl std::error::Error for QueryError {}

/// A parsed query, ready to run any number of times.
#[derive(Debug, Clone)]
pub struct Query {
    log_groups: Vec<String>,
    fields: plan::FieldTable,
    commands: Vec<plan::Command>,
    /// The fields the results print, in order.
    columns: Vec<plan::Slot>,
    /// Every field that is not a system field: what JSON discovery looks for.
    discovery: json_fields::Discovery,
}

impl Query {
    /// The log groups named by leading `SOURCE '…' |` clauses (as dashboards write them), in
    /// order; empty when there are none.
    pub fn log_groups(&self) -> &[String] {
        &self.log_groups
    }

    /// The fields the results print, in order (the same as [`QueryResult::fields`]).
    pub fn result_fields(&self) -> Vec<String> {
        self.columns
            .iter()
            .map(|slot| self.fields.names[*slot].clone())
            .collect()
    }
}

/// A query's answer, shaped like `GetQueryResults`.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct QueryResult {
    /// The fields the rows may hold, in the order they are printed.
    pub fields: Vec<String>,
    /// Rows in output order; each the `(field, value)` pairs of `fields` that the row has.
    pub rows: Vec<Vec<(String, String)>>,
    /// The log events the query read.
    pub records_scanned: u64,
    /// The log events that passed every command before the first `stats`, `sort` or `limit`.
    pub records_matched: u64,
}

/// Parses a query of the subset.
pub fn parse(text: &str) -> Result<Query, QueryError> {
    let parsed = parser::parse_query(text)?;
    let mut fields = parsed.fields;
    let columns = execute::result_columns(&parsed.commands, &mut fields);
    let discoverable: Vec<(String, plan::Slot)> = (0..fields.len())
        .filter(|slot| fields.system[*slot].is_none())
        .map(|slot| (fields.names[slot].clone(), slot))
        .collect();
    let discovery = json_fields::Discovery::new(&discoverable);
    Ok(Query {
        log_groups: parsed.log_groups,
        fields,
        commands: parsed.commands,
        columns,
        discovery,
    })
}

/// Runs `query` over every row of `source`.
pub fn run(query: &Query, source: &dyn LogSource) -> QueryResult {
    execute::execute(query, source, &|_| true)
}

/// Runs `query` over the rows of `source` for which `keep(row)` holds (the caller picks the
/// log groups — those of [`Query::log_groups`] or its own — and the time range).
pub fn run_filtered(
    query: &Query,
    source: &dyn LogSource,
    keep: &dyn Fn(usize) -> bool,
) -> QueryResult {
    execute::execute(query, source, keep)
}
