//! What the state panel says about one state, shaped from the engine's [`StateStats`] and the
//! state's own Retry and Catch fields: retries by retrier (with what each matches), catches by
//! catcher and where they lead, errors by name with their share.

use asl::State;
use engine::program::Program;
use engine::report::StateStats;

/// The engine's state ids by JSON pointer (ids are the engine's, pointers are the model's; the
/// two agree on every definition the engine compiled). Looked up once per run and drawing,
/// not per frame, so a plain list does.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct StateIndex {
    /// The pointer of each engine state, by id.
    pointers: Vec<String>,
}

impl StateIndex {
    pub fn of(program: &Program) -> StateIndex {
        StateIndex {
            pointers: program.states.iter().map(|s| s.pointer.clone()).collect(),
        }
    }

    /// The engine's id of the state at `pointer`.
    pub fn id(&self, pointer: &str) -> Option<usize> {
        self.pointers.iter().position(|p| p == pointer)
    }

    pub fn is_empty(&self) -> bool {
        self.pointers.is_empty()
    }
}

/// One retrier of the state and how often it retried.
#[derive(Debug, Clone, PartialEq)]
pub struct RetrierRow {
    pub index: usize,
    pub error_equals: Vec<String>,
    pub max_attempts: u64,
    pub retries: u64,
}

/// One catcher of the state and how often it caught.
#[derive(Debug, Clone, PartialEq)]
pub struct CatcherRow {
    pub index: usize,
    pub error_equals: Vec<String>,
    pub next: String,
    pub caught: u64,
}

/// One error raised in the state.
#[derive(Debug, Clone, PartialEq)]
pub struct ErrorRow {
    pub name: String,
    pub count: u64,
    /// Of all errors raised in this state, from 0 to 1.
    pub share: f64,
}

/// Everything the panel shows about a state.
#[derive(Debug, Clone, PartialEq)]
pub struct StateReport {
    pub stats: StateStats,
    pub retriers: Vec<RetrierRow>,
    pub catchers: Vec<CatcherRow>,
    /// Most frequent first, then by name.
    pub errors: Vec<ErrorRow>,
    pub total_errors: u64,
}

impl StateReport {
    pub fn of(state: &State, stats: &StateStats) -> StateReport {
        let retriers = state
            .retry()
            .iter()
            .enumerate()
            .map(|(index, retrier)| RetrierRow {
                index,
                error_equals: retrier.error_equals.clone(),
                max_attempts: retrier.max_attempts,
                retries: stats.retries_by_retrier.get(index).copied().unwrap_or(0),
            })
            .collect();
        let catchers = state
            .catch()
            .iter()
            .enumerate()
            .map(|(index, catcher)| CatcherRow {
                index,
                error_equals: catcher.error_equals.clone(),
                next: catcher.next.clone(),
                caught: stats.catches_by_catcher.get(index).copied().unwrap_or(0),
            })
            .collect();
        StateReport {
            stats: stats.clone(),
            retriers,
            catchers,
            errors: errors_by_count(stats),
            total_errors: stats.errors.values().sum(),
        }
    }
}

/// The errors raised in a state, most frequent first (then by name), with their share.
pub fn errors_by_count(stats: &StateStats) -> Vec<ErrorRow> {
    let total: u64 = stats.errors.values().sum();
    let rows: Vec<ErrorRow> = stats
        .errors
        .iter()
        .map(|(name, count)| ErrorRow {
            name: name.clone(),
            count: *count,
            share: if total == 0 {
                0.0
            } else {
                *count as f64 / total as f64
            },
        })
        .collect();
    // Most frequent first; the map already gives equal counts in name order.
    let mut order: Vec<usize> = (0..rows.len()).collect();
    crate::graph::layout::sort_indices(&mut order, &|a, b| rows[a].count > rows[b].count);
    order.iter().map(|&i| rows[i].clone()).collect()
}

/// A share as the panel prints it: `42 %`, `4.2 %`, `0.42 %`, `< 0.01 %`.
pub fn percent_text(share: f64) -> String {
    let percent = share * 100.0;
    if percent <= 0.0 {
        "0 %".into()
    } else if percent < 0.01 {
        "< 0.01 %".into()
    } else if percent < 1.0 {
        format!("{percent:.2} %")
    } else if percent < 10.0 {
        format!("{percent:.1} %")
    } else {
        format!("{percent:.0} %")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stats(errors: &[(&str, u64)]) -> StateStats {
        let mut stats = StateStats::new(2, 1);
        for (name, count) in errors {
            stats.errors.insert((*name).to_string(), *count);
        }
        stats.retries_by_retrier = vec![7, 0];
        stats.catches_by_catcher = vec![3];
        stats
    }

    #[test]
    fn errors_come_most_frequent_first_with_their_share() {
        let rows = errors_by_count(&stats(&[("B", 10), ("A", 10), ("C", 30)]));
        let names: Vec<&str> = rows.iter().map(|r| r.name.as_str()).collect();
        assert_eq!(names, vec!["C", "A", "B"]);
        assert!((rows[0].share - 0.6).abs() < 1e-12);
        assert!((rows.iter().map(|r| r.share).sum::<f64>() - 1.0).abs() < 1e-12);
        assert!(errors_by_count(&stats(&[])).is_empty());
    }

    #[test]
    fn retriers_and_catchers_are_paired_with_their_counts() {
        let text = r#"{"StartAt": "T", "States": {
            "T": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "End": true,
              "Retry": [{"ErrorEquals": ["Lambda.ServiceException"], "MaxAttempts": 4},
                        {"ErrorEquals": ["States.ALL"], "MaxAttempts": 0}],
              "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "F"}]},
            "F": {"Type": "Fail"}}}"#;
        let loaded = asl::load(text, &asl::LoadOptions::default());
        let Some(model) = loaded.runnable() else {
            panic!("{:?}", loaded.diagnostics);
        };
        let report = StateReport::of(&model.states[0], &stats(&[("Lambda.ServiceException", 9)]));
        assert_eq!(
            report
                .retriers
                .iter()
                .map(|r| (r.error_equals.join(","), r.max_attempts, r.retries))
                .collect::<Vec<_>>(),
            vec![
                ("Lambda.ServiceException".to_string(), 4, 7),
                ("States.ALL".to_string(), 0, 0)
            ]
        );
        assert_eq!(report.catchers.len(), 1);
        assert_eq!(report.catchers[0].next, "F");
        assert_eq!(report.catchers[0].caught, 3);
        assert_eq!(report.total_errors, 9);
    }

    #[test]
    fn shares_read_as_percentages() {
        let cases = [
            (0.0, "0 %"),
            (0.00001, "< 0.01 %"),
            (0.0042, "0.42 %"),
            (0.042, "4.2 %"),
            (0.42, "42 %"),
            (1.0, "100 %"),
        ];
        for (share, text) in cases {
            assert_eq!(percent_text(share), text);
        }
    }
}
