//! Malformed queries never panic or hang: every prefix of a few queries, and each query with a
//! troublesome character inserted anywhere, parses to a query or an error with a position, and
//! whatever parses runs.

use crate::{Lines, T0};

const QUERIES: &[&str] = &[
    "fields @timestamp, error_type, message, item.index\n| filter level = \"ERROR\"\n| stats count(*) as errors by error_type\n| sort errors desc",
    "fields @timestamp, @message\n| filter type like /Failed/ or type = \"ExecutionTimedOut\"\n| parse @message /\"error\":\"(?<error>[^\"]+)\"/\n| stats count() as failures by bin(5m), error\n| sort failures desc\n| limit 20",
    "SOURCE '/aws/lambda/f' | parse @message \"* [*] *\" as a, b, c | filter not (a in [1, -2.5e3, \"x\"] or ispresent(b)) and c =~ /(?i)é+/ | display a, `b`, c # done",
    "filter @message not like \"x\" and `odd name` != 'y' | stats sum(n), avg(n), min(n), max(n), count(n) by bin(1h) as hour, @logStream | sort hour asc, sum(n) | limit 5",
];

const INSERTIONS: &[&str] = &[
    "(", ")", "|", "\"", "'", "/", "`", "#", "*", ",", "[", "]", "\\", "=~", "not ", "é", "\n",
    "as ", "bin(", "5m",
];

fn lines() -> Lines {
    Lines::new(&[
        (
            T0,
            r#"{"level": "ERROR", "error_type": "E", "type": "TaskFailed", "n": 3, "details": {"error": "x"}}"#,
        ),
        (T0 + 1, "2024-01-01 [INFO] plain é line"),
        (T0 + 2, r#"{"error":"Lambda.Unknown","n":"4"}"#),
    ])
}

fn parse_and_run(text: &str, source: &Lines) {
    match insights::parse(text) {
        Ok(query) => {
            let result = insights::run(&query, source);
            assert!(result.records_matched <= result.records_scanned, "{text}");
        }
        Err(error) => {
            assert!(error.line >= 1 && error.column >= 1, "{text}: {error:?}");
            let lines = text.split('\n').count() as u32;
            assert!(error.line <= lines, "{text}: {error:?}");
            assert!(!error.message.is_empty());
        }
    }
}

#[test]
fn every_prefix_parses_or_fails_with_a_position() {
    let source = lines();
    for query in QUERIES {
        assert!(insights::parse(query).is_ok(), "{query}");
        let characters: Vec<char> = query.chars().collect();
        for end in 0..=characters.len() {
            let prefix: String = characters[..end].iter().collect();
            parse_and_run(&prefix, &source);
        }
    }
}

#[test]
fn inserted_characters_never_panic() {
    let source = lines();
    for query in QUERIES {
        let characters: Vec<char> = query.chars().collect();
        for position in 0..=characters.len() {
            let (before, after): (String, String) = (
                characters[..position].iter().collect(),
                characters[position..].iter().collect(),
            );
            for insertion in INSERTIONS {
                parse_and_run(&format!("{before}{insertion}{after}"), &source);
            }
        }
    }
}
