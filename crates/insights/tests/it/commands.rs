//! Each command and operator of the subset, over small sets of lines.

use crate::{check, Lines, MINUTE, T0};

const ORDERS: &[(i64, &str)] = &[
    (
        T0,
        r#"{"level": "ERROR", "error_type": "DataValidationError", "amount": 10, "item": {"index": 17, "tags": ["a", "b"]}}"#,
    ),
    (
        T0 + MINUTE,
        r#"{"level": "INFO", "amount": 15, "item": {"index": 9}, "ok": true}"#,
    ),
    (
        T0 + 2 * MINUTE,
        r#"{"level": "ERROR", "error_type": "TimeoutError", "amount": "7", "item": {"index": 100}}"#,
    ),
    (
        T0 + 3 * MINUTE,
        "plain text line: user=ann, method:GET latency=12",
    ),
];

#[test]
fn fields_print_system_json_and_renamed_fields() {
    check(
        "fields @timestamp, level, item.index as position, item.tags.1, @logStream, @log",
        &ORDERS[..2],
        &[
            &[
                ("@timestamp", "2026-12-07 05:00:00.000"),
                ("level", "ERROR"),
                ("position", "17"),
                ("item.tags.1", "b"),
                ("@logStream", "stream-1"),
                ("@log", "/aws/lambda/f"),
            ],
            // Missing fields are left out of the row, as GetQueryResults does.
            &[
                ("@timestamp", "2026-12-07 05:01:00.000"),
                ("level", "INFO"),
                ("position", "9"),
                ("@logStream", "stream-1"),
                ("@log", "/aws/lambda/f"),
            ],
        ],
    );
}

#[test]
fn without_fields_rows_print_timestamp_and_message() {
    check(
        "filter level = \"INFO\"",
        ORDERS,
        &[&[
            ("@timestamp", "2026-12-07 05:01:00.000"),
            ("@message", ORDERS[1].1),
        ]],
    );
}

#[test]
fn comparisons_are_numeric_for_numbers_and_textual_for_text() {
    let indexes = |query: &str, expected: &[&str]| {
        let rows: Vec<Vec<(&str, &str)>> = expected
            .iter()
            .map(|index| vec![("item.index", *index)])
            .collect();
        let rows: Vec<&[(&str, &str)]> = rows.iter().map(Vec::as_slice).collect();
        check(&format!("fields item.index | {query}"), ORDERS, &rows);
    };
    indexes("filter item.index = 17", &["17"]);
    indexes("filter item.index = 17.0", &["17"]);
    indexes("filter item.index = \"17\"", &["17"]);
    indexes("filter item.index != 17", &["9", "100"]);
    indexes("filter item.index < 17", &["9"]);
    indexes("filter item.index <= 17", &["17", "9"]);
    indexes("filter item.index > 17", &["100"]);
    indexes("filter item.index >= 17", &["17", "100"]);
    indexes("filter item.index > -1 and item.index < 1e2", &["17", "9"]);
    // A JSON string that reads as a number compares as one with a number literal.
    indexes("filter amount = 7", &["100"]);
    indexes("filter amount >= 10", &["17", "9"]);
    // Two strings compare as text.
    indexes("filter level < \"F\"", &["17", "100"]);
    indexes("filter level in [\"INFO\", \"WARN\"]", &["9"]);
    indexes("filter level not in [\"INFO\"]", &["17", "100"]);
    indexes("filter item.index in [9, 100]", &["9", "100"]);
    indexes("filter ok = true", &["9"]);
}

#[test]
fn missing_fields_fail_every_comparison_but_their_negation() {
    let types = |query: &str, expected: &[&str]| {
        let rows: Vec<Vec<(&str, &str)>> = expected
            .iter()
            .map(|index| vec![("item.index", *index)])
            .collect();
        let rows: Vec<&[(&str, &str)]> = rows.iter().map(Vec::as_slice).collect();
        check(&format!("fields item.index | {query}"), &ORDERS[..3], &rows);
    };
    types("filter error_type != \"TimeoutError\"", &["17"]);
    types("filter not error_type = \"TimeoutError\"", &["17", "9"]);
    types("filter ispresent(error_type)", &["17", "100"]);
    types("filter not ispresent(error_type)", &["9"]);
    types("filter error_type like /Error/", &["17", "100"]);
    types("filter error_type not like /Timeout/", &["17"]);
}

#[test]
fn like_matches_substrings_and_regular_expressions() {
    let levels = |query: &str, expected: &[&str]| {
        let rows: Vec<Vec<(&str, &str)>> = expected
            .iter()
            .map(|level| vec![("level", *level)])
            .collect();
        let rows: Vec<&[(&str, &str)]> = rows.iter().map(Vec::as_slice).collect();
        check(&format!("fields level | {query}"), &ORDERS[..3], &rows);
    };
    levels("filter level like \"RR\"", &["ERROR", "ERROR"]);
    levels("filter level like \"rr\"", &[]);
    levels("filter level like /^I/", &["INFO"]);
    levels("filter level like /info/i", &["INFO"]);
    levels("filter level =~ /R$/", &["ERROR", "ERROR"]);
    levels("filter level not like /ERR/", &["INFO"]);
    levels("filter @message like /\"amount\": \"7\"/", &["ERROR"]);
    levels("filter @message like /a\\/b|Timeout/", &["ERROR"]);
}

#[test]
fn boolean_operators_bind_not_then_and_then_or() {
    let indexes = |query: &str, expected: &[&str]| {
        let rows: Vec<Vec<(&str, &str)>> = expected
            .iter()
            .map(|index| vec![("item.index", *index)])
            .collect();
        let rows: Vec<&[(&str, &str)]> = rows.iter().map(Vec::as_slice).collect();
        check(&format!("fields item.index | {query}"), ORDERS, &rows);
    };
    indexes(
        "filter level = \"INFO\" or level = \"ERROR\" and amount = 10",
        &["17", "9"],
    );
    indexes(
        "filter (level = \"INFO\" or level = \"ERROR\") and amount = 10",
        &["17"],
    );
    indexes(
        "filter not level = \"INFO\" and ispresent(level)",
        &["17", "100"],
    );
    indexes(
        "filter not (level = \"INFO\" or amount = 10) and ispresent(level)",
        &["100"],
    );
    indexes("FILTER level = \"INFO\" OR item.index > 99", &["9", "100"]);
    indexes("filter level = \"ERROR\" | filter amount < 10", &["100"]);
}

#[test]
fn parse_fills_fields_from_regex_groups_and_globs() {
    check(
        "parse @message \"user=*, method:* latency=*\" as user, method, latency | filter ispresent(user)",
        ORDERS,
        &[&[
            ("@timestamp", "2026-12-07 05:03:00.000"),
            ("@message", ORDERS[3].1),
            ("user", "ann"),
            ("method", "GET"),
            ("latency", "12"),
        ]],
    );
    check(
        "parse @message /user=(?<user>\\w+).*latency=(?<@latency>\\d+)/ | display user, @latency | filter @latency > 10",
        ORDERS,
        &[&[("user", "ann"), ("@latency", "12")]],
    );
    // A line that does not match has none of the fields, even when JSON had one by that name.
    check(
        "parse @message /\"level\": \"(?<level>E\\w+)\"/ | fields item.index | display level, item.index",
        &ORDERS[..2],
        &[&[("level", "ERROR"), ("item.index", "17")], &[("item.index", "9")]],
    );
    // parse reads any field, here a discovered one.
    check(
        "parse error_type /(?<kind>[A-Z][a-z]+)Error/ | filter ispresent(kind) | display kind",
        ORDERS,
        &[&[("kind", "Validation")], &[("kind", "Timeout")]],
    );
}

#[test]
fn stats_aggregates_print_as_insights_prints_them() {
    check(
        "stats count() as rows, count(*), count(error_type), sum(amount), avg(amount), min(item.index), max(item.index), avg(level)",
        ORDERS,
        &[&[
            ("rows", "4"),
            ("count(*)", "4"),
            ("count(error_type)", "2"),
            ("sum(amount)", "32"),
            ("avg(amount)", "10.666666666666666"),
            ("min(item.index)", "9"),
            ("max(item.index)", "100"),
        ]],
    );
    check(
        "filter amount > 8 | stats avg(amount) as mean",
        ORDERS,
        &[&[("mean", "12.5")]],
    );
    check(
        "stats min(@timestamp), max(@timestamp) as last",
        ORDERS,
        &[&[
            ("min(@timestamp)", "2026-12-07 05:00:00.000"),
            ("last", "2026-12-07 05:03:00.000"),
        ]],
    );
    check("filter level = \"nothing\" | stats count(*)", ORDERS, &[]);
}

#[test]
fn stats_groups_by_fields_and_bins() {
    check(
        "stats count(*) as n by level, ispresent_is_a_field",
        ORDERS,
        &[
            &[("level", "ERROR"), ("n", "2")],
            &[("level", "INFO"), ("n", "1")],
            &[("n", "1")],
        ],
    );
    let times = [
        (T0 - 1, "{}"),
        (T0, "{}"),
        (T0 + 59_999, "{}"),
        (T0 + 90 * MINUTE, "{}"),
        (T0 + 26 * 60 * MINUTE, "{}"),
    ];
    check(
        "stats count(*) by bin(1h)",
        &times,
        &[
            &[("bin(1h)", "2026-12-07 04:00:00.000"), ("count(*)", "1")],
            &[("bin(1h)", "2026-12-07 05:00:00.000"), ("count(*)", "2")],
            &[("bin(1h)", "2026-12-07 06:00:00.000"), ("count(*)", "1")],
            &[("bin(1h)", "2026-12-08 07:00:00.000"), ("count(*)", "1")],
        ],
    );
    check(
        "stats count(*) as n by bin(1d) as day",
        &times,
        &[
            &[("day", "2026-12-07 00:00:00.000"), ("n", "4")],
            &[("day", "2026-12-08 00:00:00.000"), ("n", "1")],
        ],
    );
    check(
        "stats count(*) by bin(30s)",
        &times[1..3],
        &[
            &[("bin(30s)", "2026-12-07 05:00:00.000"), ("count(*)", "1")],
            &[("bin(30s)", "2026-12-07 05:00:30.000"), ("count(*)", "1")],
        ],
    );
    check(
        "stats count(*) by bin(2minutes)",
        &times[1..3],
        &[&[
            ("bin(2minutes)", "2026-12-07 05:00:00.000"),
            ("count(*)", "2"),
        ]],
    );
}

#[test]
fn commands_after_stats_see_its_results() {
    check(
        "stats count(*) as n by level | filter n > 1",
        ORDERS,
        &[&[("level", "ERROR"), ("n", "2")]],
    );
    check(
        "stats count(*) as n by level | stats sum(n) as total, count(*) as groups",
        ORDERS,
        &[&[("total", "4"), ("groups", "3")]],
    );
    check(
        "stats count(*) by level | sort count(*) asc, level asc | limit 2",
        ORDERS,
        &[
            &[("level", "INFO"), ("count(*)", "1")],
            &[("count(*)", "1")],
        ],
    );
    check(
        "stats count(*) as n by level | display n",
        &ORDERS[..3],
        &[&[("n", "2")], &[("n", "1")]],
    );
}

#[test]
fn sort_orders_naturally_with_missing_values_last() {
    let indexes = |query: &str, expected: &[&str]| {
        let rows: Vec<Vec<(&str, &str)>> = expected
            .iter()
            .map(|index| vec![("item.index", *index)])
            .collect();
        let rows: Vec<&[(&str, &str)]> = rows.iter().map(Vec::as_slice).collect();
        check(&format!("fields item.index | {query}"), &ORDERS[..3], &rows);
    };
    indexes("sort item.index", &["100", "17", "9"]);
    indexes("sort item.index desc", &["100", "17", "9"]);
    indexes("sort item.index asc", &["9", "17", "100"]);
    indexes("sort level asc, item.index desc", &["100", "17", "9"]);
    indexes("sort @timestamp desc | limit 2", &["100", "9"]);
    indexes("sort @timestamp asc | limit 2", &["17", "9"]);
    indexes("sort error_type desc, @timestamp asc", &["100", "17", "9"]);
    let names = [
        (T0, r#"{"n": "a10"}"#),
        (T0, r#"{"n": "a9"}"#),
        (T0, r#"{"n": "B"}"#),
        (T0, r#"{"n": 5}"#),
    ];
    check(
        "fields n | sort n asc",
        &names,
        &[
            &[("n", "B")],
            &[("n", "a9")],
            &[("n", "a10")],
            &[("n", "5")],
        ],
    );
}

#[test]
fn limit_and_display_shape_the_rows() {
    check("fields level | limit 1", ORDERS, &[&[("level", "ERROR")]]);
    check(
        "limit 2 | fields level | filter level = \"INFO\"",
        ORDERS,
        &[&[("level", "INFO")]],
    );
    check(
        "fields level, amount | display amount",
        &ORDERS[..2],
        &[&[("amount", "10")], &[("amount", "15")]],
    );
    let many: Vec<(i64, &str)> = (0..10_005).map(|index| (T0 + index, "{}")).collect();
    let query = insights::parse("fields @timestamp").unwrap();
    assert_eq!(
        insights::run(&query, &Lines::new(&many)).rows.len(),
        10_000,
        "the default limit"
    );
    let query = insights::parse("fields @timestamp | limit 10003").unwrap();
    assert_eq!(insights::run(&query, &Lines::new(&many)).rows.len(), 10_003);
    let query = insights::parse("stats count(*) by @timestamp").unwrap();
    assert_eq!(
        insights::run(&query, &Lines::new(&many)).rows.len(),
        10_000,
        "stats are limited too"
    );
}

#[test]
fn json_fields_flatten_escape_and_stop_at_invalid_json() {
    let lines = [
        (
            T0,
            r#"{"a": {"b": [{"c": "x\"y\u00e9"}, 2]}, "n": null, "f": false}"#,
        ),
        (T0, r#"{"a": {"b": [{"c": "broken"}]}"#),
        (T0, r#"  {"a.b.0.c": "dotted key"}  "#),
    ];
    check(
        "fields a.b.0.c, a.b.1, n, f, a",
        &lines,
        &[
            &[("a.b.0.c", "x\"y\u{e9}"), ("a.b.1", "2"), ("f", "false")],
            &[],
            &[("a.b.0.c", "dotted key")],
        ],
    );
}

#[test]
fn messages_are_read_only_when_the_query_needs_them() {
    let lines = Lines::new(ORDERS);
    let query = insights::parse("fields @timestamp | sort @timestamp desc | limit 2").unwrap();
    insights::run(&query, &lines);
    assert_eq!(lines.message_reads.get(), 0);
    let query = insights::parse("stats count(*) by bin(1m)").unwrap();
    insights::run(&query, &lines);
    assert_eq!(lines.message_reads.get(), 0);
    let query = insights::parse("filter level = \"ERROR\" | stats count(*)").unwrap();
    insights::run(&query, &lines);
    assert_eq!(lines.message_reads.get(), 4, "one read per line");
}

#[test]
fn results_serialize_as_their_fields() {
    let query = insights::parse("fields level | limit 1").unwrap();
    let result = insights::run(&query, &Lines::new(ORDERS));
    let json = serde_json::to_value(&result).unwrap();
    assert_eq!(
        json,
        serde_json::json!({"fields": ["level"], "rows": [[["level", "ERROR"]]], "records_scanned": 4, "records_matched": 4})
    );
    assert_eq!(query.result_fields(), ["level"]);
}

#[test]
fn bins_of_replaced_timestamps_never_overflow() {
    check(
        "parse @message /t=(?<@timestamp>-?\\d+)/ | stats count(*) by bin(7ms)",
        &[(T0, "t=-9223372036854775808"), (T0, "t=14")],
        &[
            &[("count(*)", "1")],
            &[("bin(7ms)", "1970-01-01 00:00:00.014"), ("count(*)", "1")],
        ],
    );
}
