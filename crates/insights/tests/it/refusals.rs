//! What the subset does not have is refused by name, and what is malformed is an error — each
//! with the line and column (in characters) where it starts.

use crate::check_error;

const SUPPORTED: &str = "(supported: fields, filter, parse, stats, sort, limit, display)";

#[test]
fn other_insights_commands_are_refused_by_name() {
    let not_part = |command: &str| {
        format!("`{command}` is not part of mapsim's Logs Insights subset {SUPPORTED}")
    };
    check_error(
        "fields @message | dedup @message",
        1,
        19,
        &not_part("dedup"),
    );
    check_error("pattern @message", 1, 1, &not_part("pattern"));
    check_error("fields a | diff", 1, 12, &not_part("diff"));
    check_error("unmask(@message)", 1, 1, &not_part("unmask"));
    check_error("fields a\n  | unnest a into b", 2, 5, &not_part("unnest"));
    check_error(
        "feilds a",
        1,
        1,
        &format!("unknown command `feilds` {SUPPORTED}"),
    );
    check_error(
        "fields a | source 'x'",
        1,
        12,
        "SOURCE clauses come first, before every command",
    );
    check_error(
        "SOURCE logGroups(namePrefix: ['a']) | fields a",
        1,
        8,
        "`SOURCE logGroups(…)` is not part of mapsim's Logs Insights subset (name each log group with `SOURCE '<log group>' |`)",
    );
    check_error(
        "fields a | limit any 5",
        1,
        18,
        "`limit any` is not part of mapsim's Logs Insights subset (limit takes a number)",
    );
}

#[test]
fn other_functions_are_refused_by_name() {
    let not_part = |function: &str, context: &str| {
        format!("function `{function}` is not part of mapsim's Logs Insights subset ({context})")
    };
    check_error(
        "fields concat(a, b) as c",
        1,
        8,
        &not_part(
            "concat",
            "`fields` takes field names, each optionally `as` a new name",
        ),
    );
    check_error(
        "stats count_distinct(x)",
        1,
        7,
        &not_part("count_distinct", "stats supports count, sum, avg, min, max"),
    );
    check_error(
        "stats pct(latency, 50)",
        1,
        7,
        &not_part("pct", "stats supports count, sum, avg, min, max"),
    );
    check_error(
        "stats frobnicate(x)",
        1,
        7,
        "unknown function `frobnicate` (stats supports count, sum, avg, min, max)",
    );
    check_error(
        "filter isempty(x)",
        1,
        8,
        &not_part("isempty", "`filter` supports the function ispresent"),
    );
    check_error(
        "filter strlen(x) > 3",
        1,
        8,
        &not_part("strlen", "`filter` supports the function ispresent"),
    );
    check_error(
        "stats avg(abs(x))",
        1,
        11,
        &not_part("abs", "an aggregate takes a field name"),
    );
    check_error(
        "stats count(*) by datefloor(@timestamp, 1h)",
        1,
        19,
        &not_part("datefloor", "stats groups by fields and bin(period)"),
    );
    check_error(
        "sort toupper(a)",
        1,
        6,
        &not_part("toupper", "`sort` takes field names"),
    );
    check_error(
        "display blah(a)",
        1,
        9,
        "unknown function `blah` (`display` takes field names)",
    );
}

#[test]
fn arithmetic_calendar_bins_and_unrecorded_fields_are_refused() {
    let arithmetic = |operator: char| {
        format!("arithmetic (`{operator}`) is not part of mapsim's Logs Insights subset (values are compared, not computed)")
    };
    check_error("filter a + 1 > 2", 1, 10, &arithmetic('+'));
    check_error("filter a > 1 - 2", 1, 14, &arithmetic('-'));
    check_error("stats sum(a) / count()", 1, 14, &arithmetic('/'));
    check_error("fields a * 2 as b", 1, 10, &arithmetic('*'));
    check_error("filter a = -b", 1, 12, &arithmetic('-'));
    check_error(
        "stats count(*) by bin(1mo)",
        1,
        23,
        "the calendar unit `mo` is not part of mapsim's Logs Insights subset (bin takes ms, s, m, h, d, w)",
    );
    check_error(
        "stats count(*) by bin(5x)",
        1,
        23,
        "unknown time unit `x` (bin takes ms, s, m, h, d, w)",
    );
    check_error(
        "stats count(*) by bin(5)",
        1,
        23,
        "expected a time unit after the number (ms, s, m, h, d, w)",
    );
    check_error(
        "stats count(*) by bin(0ms)",
        1,
        23,
        "the period must be at least 1 ms and at most 10 years",
    );
    check_error(
        "stats count(*) by bin(5m) offset 1h",
        1,
        27,
        "`offset` is not part of mapsim's Logs Insights subset (stats supports count, sum, avg, min, max)",
    );
    let unrecorded = |field: &str| {
        format!("`{field}` is not recorded by mapsim's log store (system fields: @timestamp, @message, @logStream, @log)")
    };
    check_error("fields @ingestionTime", 1, 8, &unrecorded("@ingestionTime"));
    check_error("fields @message, @ptr", 1, 18, &unrecorded("@ptr"));
    check_error(
        "filter @entity.Name = \"x\"",
        1,
        8,
        &unrecorded("@entity.Name"),
    );
    check_error(
        "filter a like /x/g",
        1,
        15,
        "regular expression flag `g` is not supported (supported: i)",
    );
}

#[test]
fn syntax_errors_say_what_was_expected_where() {
    check_error(
        "filter (a = 1",
        1,
        14,
        "expected `)`, found the end of the query",
    );
    check_error(
        "fields a\n| filter b = \"x\"\n| sort",
        3,
        7,
        "expected a field name, found the end of the query",
    );
    check_error(
        "filter a = \"abc",
        1,
        12,
        "the string starting here is not closed",
    );
    check_error(
        "filter a like /abc",
        1,
        15,
        "the regular expression starting here is not closed",
    );
    check_error(
        "fields `a",
        1,
        8,
        "the name in backticks starting here is not closed",
    );
    check_error(
        "filter a =",
        1,
        11,
        "expected a field name or a value, found the end of the query",
    );
    check_error("fields a |", 1, 11, "expected a command after `|`");
    check_error(
        "",
        1,
        1,
        "expected a command (fields, filter, parse, stats, sort, limit, display), found the end of the query",
    );
    check_error(
        "  # only a comment\n",
        2,
        1,
        "expected a command (fields, filter, parse, stats, sort, limit, display), found the end of the query",
    );
    check_error(
        "fields a b",
        1,
        10,
        "expected `|` or the end of the query, found `b`",
    );
    check_error(
        "filter a",
        1,
        9,
        "expected a comparison (`=`, `!=`, `<`, `<=`, `>`, `>=`, `like`, `not like`, `=~`, `in`), found the end of the query",
    );
    check_error(
        "filter a not = 1",
        1,
        14,
        "expected `like` or `in` after `not`, found `=`",
    );
    check_error(
        "filter a =~ \"x\"",
        1,
        13,
        "expected a /regular expression/, found the string \"x\"",
    );
    check_error(
        "filter x = 5m",
        1,
        12,
        "unexpected unit `m` after `5` (time units belong in `bin(…)`)",
    );
    check_error(
        "filter x in [a]",
        1,
        14,
        "a list after `in` holds strings and numbers, not fields",
    );
    check_error("filter x in [1 2]", 1, 16, "expected `,` or `]`, found `2`");
    check_error(
        "limit 0",
        1,
        7,
        "the limit must be a whole number from 1 to 100000",
    );
    check_error(
        "limit 100001",
        1,
        7,
        "the limit must be a whole number from 1 to 100000",
    );
    check_error(
        "stats level",
        1,
        7,
        "expected an aggregate such as `count(*)`, found `level`",
    );
    check_error("stats sum(*)", 1, 11, "expected a field name, found `*`");
    check_error(
        "parse @message \"* x *\" as a",
        1,
        24,
        "the glob has 2 `*` but 1 names follow `as`",
    );
    check_error(
        "parse @message \"* x\"",
        1,
        21,
        "expected `as` and the names of the glob's `*`s, found the end of the query",
    );
    check_error(
        "parse @message /no groups/",
        1,
        16,
        "the regular expression has no named capturing group `(?<name>…)`",
    );
    check_error(
        "parse @message /(?<a>x)/ as b",
        1,
        26,
        "a regular expression names its fields with `(?<name>…)`; `as` follows a glob pattern in quotes",
    );
    check_error(
        "parse @message 12",
        1,
        16,
        "expected a glob pattern in quotes or a /regular expression/, found `12`",
    );
    check_error(
        "SOURCE '/aws/x' fields a",
        1,
        17,
        "expected `|` after the SOURCE clause, found `fields`",
    );
    let invalid = insights::parse("filter a like /(/").unwrap_err();
    assert_eq!((invalid.line, invalid.column), (1, 15));
    assert!(
        invalid.message.starts_with("invalid regular expression: "),
        "{}",
        invalid.message
    );
    assert_eq!(invalid.to_string(), format!("{} at 1:15", invalid.message));
}

#[test]
fn columns_count_characters_not_bytes() {
    check_error(
        "fields é,\n\tü | dedup x",
        2,
        6,
        &format!("`dedup` is not part of mapsim's Logs Insights subset {SUPPORTED}"),
    );
    check_error(
        "filter \"日本語\" = x | dedup",
        1,
        20,
        &format!("`dedup` is not part of mapsim's Logs Insights subset {SUPPORTED}"),
    );
}

#[test]
fn long_and_deep_queries_are_refused() {
    let long = format!("fields a{}", " ".repeat(10_000));
    check_error(
        &long,
        1,
        10_001,
        "the query is longer than 10000 characters",
    );
    assert!(
        insights::parse(&format!("fields a{}", " ".repeat(9_992))).is_ok(),
        "10,000 characters are read"
    );
    let deep = format!("filter {}a = 1{}", "(".repeat(40), ")".repeat(40));
    check_error(
        &deep,
        1,
        41,
        "the condition nests deeper than 32 parentheses and `not`s",
    );
    let negations = format!("filter {}a = 1", "not ".repeat(40));
    check_error(
        &negations,
        1,
        140,
        "the condition nests deeper than 32 parentheses and `not`s",
    );
    let fine = format!("filter {}a = 1{}", "(".repeat(32), ")".repeat(32));
    assert!(insights::parse(&fine).is_ok());
}
