//! The insights crate's tests in one binary: queries over small sets of log lines, checked row
//! by row, and every refusal with its line and column.

// Helpers here unwrap like the tests they serve: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod commands;
mod malformed;
mod refusals;
mod seeds;

use std::borrow::Cow;
use std::cell::Cell;

/// 2026-12-07 05:00:00.000 UTC.
pub const T0: i64 = 1_796_619_600_000;
pub const MINUTE: i64 = 60_000;

/// Log lines in memory: each a timestamp and a message, in one stream of one log group unless
/// given others. Counts how often messages are read.
pub struct Lines {
    pub events: Vec<(i64, String, String, String)>,
    pub message_reads: Cell<usize>,
}

impl Lines {
    pub fn new(lines: &[(i64, &str)]) -> Lines {
        Lines::in_groups(
            &lines
                .iter()
                .map(|(time, message)| (*time, *message, "stream-1", "/aws/lambda/f"))
                .collect::<Vec<_>>(),
        )
    }

    pub fn in_groups(lines: &[(i64, &str, &str, &str)]) -> Lines {
        Lines {
            events: lines
                .iter()
                .map(|(time, message, stream, group)| {
                    (
                        *time,
                        message.to_string(),
                        stream.to_string(),
                        group.to_string(),
                    )
                })
                .collect(),
            message_reads: Cell::new(0),
        }
    }
}

impl insights::LogSource for Lines {
    fn len(&self) -> usize {
        self.events.len()
    }
    fn timestamp_ms(&self, row: usize) -> i64 {
        self.events[row].0
    }
    fn message(&self, row: usize) -> Cow<'_, str> {
        self.message_reads.set(self.message_reads.get() + 1);
        Cow::Borrowed(&self.events[row].1)
    }
    fn log_stream(&self, row: usize) -> Cow<'_, str> {
        Cow::Borrowed(&self.events[row].2)
    }
    fn log_group(&self, row: usize) -> Cow<'_, str> {
        Cow::Borrowed(&self.events[row].3)
    }
}

pub fn rows_of(result: &insights::QueryResult) -> Vec<Vec<(&str, &str)>> {
    result
        .rows
        .iter()
        .map(|row| {
            row.iter()
                .map(|(field, value)| (field.as_str(), value.as_str()))
                .collect()
        })
        .collect()
}

/// Runs `query` over `lines` and compares the rows, field by field, in order.
#[track_caller]
pub fn check(query: &str, lines: &[(i64, &str)], expected: &[&[(&str, &str)]]) {
    let parsed = insights::parse(query).unwrap_or_else(|error| panic!("{query}: {error}"));
    let result = insights::run(&parsed, &Lines::new(lines));
    let expected: Vec<Vec<(&str, &str)>> = expected.iter().map(|row| row.to_vec()).collect();
    assert_eq!(rows_of(&result), expected, "{query}");
}

/// Parses `query` and expects the error `message` at `line`:`column`.
#[track_caller]
pub fn check_error(query: &str, line: u32, column: u32, message: &str) {
    match insights::parse(query) {
        Ok(_) => panic!("{query}: parsed, expected {message} at {line}:{column}"),
        Err(error) => assert_eq!(
            (error.line, error.column, error.message.as_str()),
            (line, column, message),
            "{query}"
        ),
    }
}
