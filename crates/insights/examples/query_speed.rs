//! A benchmark of `insights::run`: three queries over 1,000,000 synthetic log lines (half JSON
//! Lambda log lines, half Step Functions execution events), printing milliseconds per query and
//! lines per second. Run with `cargo run --release -p insights --example query_speed [1|2|3]`.

// A benchmark measures wall-clock time; the crate's clippy.toml bans the clock everywhere else.
#![allow(clippy::disallowed_methods, clippy::disallowed_types)]

use std::borrow::Cow;
use std::time::Instant;

const LINES: usize = 1_000_000;
const RUNS: usize = 5;
/// 2026-12-07 05:00:00 UTC.
const START_MS: i64 = 1_796_619_600_000;

struct SyntheticLogs {
    timestamps: Vec<i64>,
    messages: Vec<String>,
    streams: Vec<String>,
    groups: [String; 2],
}

impl insights::LogSource for SyntheticLogs {
    fn len(&self) -> usize {
        self.messages.len()
    }
    fn timestamp_ms(&self, row: usize) -> i64 {
        self.timestamps[row]
    }
    fn message(&self, row: usize) -> Cow<'_, str> {
        Cow::Borrowed(&self.messages[row])
    }
    fn log_stream(&self, row: usize) -> Cow<'_, str> {
        Cow::Borrowed(&self.streams[row % self.streams.len()])
    }
    fn log_group(&self, row: usize) -> Cow<'_, str> {
        Cow::Borrowed(&self.groups[row % 2])
    }
}

fn synthetic_logs() -> SyntheticLogs {
    const LEVELS: [&str; 4] = ["ERROR", "INFO", "ERROR", "WARN"];
    const ERROR_TYPES: [&str; 4] = [
        "DataValidationError",
        "TimeoutError",
        "ThrottlingError",
        "KeyError",
    ];
    const EVENT_TYPES: [&str; 8] = [
        "TaskScheduled",
        "TaskStarted",
        "TaskFailed",
        "TaskSucceeded",
        "MapIterationFailed",
        "TaskStateEntered",
        "ExecutionTimedOut",
        "TaskStateExited",
    ];
    const ERRORS: [&str; 3] = [
        "Lambda.ServiceException",
        "States.Timeout",
        "Lambda.TooManyRequestsException",
    ];
    let mut timestamps = Vec::with_capacity(LINES);
    let mut messages = Vec::with_capacity(LINES);
    for line in 0..LINES {
        // Three milliseconds apart: a million lines span 50 minutes, ten 5-minute bins.
        timestamps.push(START_MS + 3 * line as i64);
        let index = line / 2;
        let message = if line % 2 == 0 {
            format!(
                r#"{{"timestamp": "2026-12-07T05:00:00Z", "level": "{}", "error_type": "{}", "message": "amount must be positive", "item": {{"index": {}, "order_id": "o-{}"}}}}"#,
                LEVELS[index % 4],
                ERROR_TYPES[index / 4 % 4],
                index,
                index
            )
        } else {
            let event_type = EVENT_TYPES[index % 8];
            let details = if event_type.ends_with("Failed") || event_type == "ExecutionTimedOut" {
                format!(
                    r#"{{"error":"{}","cause":"The function failed","resourceType":"lambda","resource":"invoke"}}"#,
                    ERRORS[index % 3]
                )
            } else {
                r#"{"resourceType":"lambda","resource":"invoke"}"#.to_string()
            };
            format!(
                r#"{{"id":"{}","type":"{event_type}","details":{details},"previous_event_id":"{}","event_timestamp":"{}","execution_arn":"arn:aws:states:us-east-1:123456789012:execution:orders:run-{}","redrive_count":"0"}}"#,
                index % 40 + 1,
                index % 40,
                START_MS + 3 * line as i64,
                index / 40
            )
        };
        messages.push(message);
    }
    let streams = (0..16)
        .map(|stream| format!("2026/12/07/[$LATEST]{stream:032x}"))
        .collect();
    SyntheticLogs {
        timestamps,
        messages,
        streams,
        groups: [
            "/aws/lambda/process-order".to_string(),
            "/aws/vendedlogs/states/orders".to_string(),
        ],
    }
}

fn main() {
    let queries = [
        (
            "filter + stats on a JSON field",
            "fields @timestamp, error_type, message, item.index\n| filter level = \"ERROR\"\n| stats count(*) as errors by error_type\n| sort errors desc",
        ),
        (
            "like /re/ + parse + stats by bin(5m)",
            "fields @timestamp, @message\n| filter type like /Failed/ or type = \"ExecutionTimedOut\"\n| parse @message /\"error\":\"(?<error>[^\"]+)\"/\n| stats count() as failures by bin(5m), error\n| sort failures desc\n| limit 20",
        ),
        ("fields + sort + limit", "fields @timestamp, @message | sort @timestamp desc | limit 20"),
    ];
    let build_start = Instant::now();
    let logs = synthetic_logs();
    let bytes: usize = logs.messages.iter().map(String::len).sum();
    println!(
        "{LINES} lines ({:.1} MB of messages) built in {} ms",
        bytes as f64 / 1e6,
        build_start.elapsed().as_millis()
    );
    // An argument picks one query (1, 2 or 3), for profiling.
    let only: Option<usize> = std::env::args()
        .nth(1)
        .and_then(|argument| argument.parse().ok());
    for (number, (name, text)) in queries.into_iter().enumerate() {
        if only.is_some_and(|only| only != number + 1) {
            continue;
        }
        let query = match insights::parse(text) {
            Ok(query) => query,
            Err(error) => {
                eprintln!("{name}: {error}");
                std::process::exit(1);
            }
        };
        let mut times = Vec::with_capacity(RUNS);
        let mut result = None;
        for _ in 0..RUNS {
            let start = Instant::now();
            result = Some(insights::run(&query, &logs));
            times.push(start.elapsed().as_secs_f64() * 1000.0);
        }
        times.sort_by(f64::total_cmp);
        let median = times[RUNS / 2];
        let (rows, matched) =
            result.map_or((0, 0), |result| (result.rows.len(), result.records_matched));
        println!(
            "{name:<40} {median:>8.1} ms per query (best {:.1})  {:>6.1} M lines/s  {rows} rows, {matched} matched",
            times[0],
            LINES as f64 / median / 1000.0,
        );
    }
}
