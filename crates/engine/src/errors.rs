//! Error names: interning, the names Step Functions defines, and how Retry/Catch match them.

use std::collections::BTreeMap;
use std::rc::Rc;

/// An interned error name (index into [`ErrorNames`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ErrorId(pub u32);

/// The names the engine raises itself, interned first so their ids are constants.
pub mod names {
    use super::ErrorId;
    /// A Fail state with no `Error`: empty error details.
    pub const EMPTY: ErrorId = ErrorId(0);
    pub const ALL: ErrorId = ErrorId(1);
    pub const TASK_FAILED: ErrorId = ErrorId(2);
    pub const TIMEOUT: ErrorId = ErrorId(3);
    pub const HEARTBEAT_TIMEOUT: ErrorId = ErrorId(4);
    pub const RUNTIME: ErrorId = ErrorId(5);
    pub const NO_CHOICE_MATCHED: ErrorId = ErrorId(6);
    pub const PARAMETER_PATH_FAILURE: ErrorId = ErrorId(7);
    pub const RESULT_PATH_MATCH_FAILURE: ErrorId = ErrorId(8);
    pub const INTRINSIC_FAILURE: ErrorId = ErrorId(9);
    pub const QUERY_EVALUATION_ERROR: ErrorId = ErrorId(10);
    pub const DATA_LIMIT_EXCEEDED: ErrorId = ErrorId(11);
    pub const EXCEED_TOLERATED_FAILURE_THRESHOLD: ErrorId = ErrorId(12);
    pub const ITEM_READER_FAILED: ErrorId = ErrorId(13);
    pub const RESULT_WRITER_FAILED: ErrorId = ErrorId(14);
    pub const BRANCH_FAILED: ErrorId = ErrorId(15);
    pub const PERMISSIONS: ErrorId = ErrorId(16);
    pub const LAMBDA_TOO_MANY_REQUESTS: ErrorId = ErrorId(17);

    pub(super) const WELL_KNOWN: [&str; 18] = [
        "",
        "States.ALL",
        "States.TaskFailed",
        "States.Timeout",
        "States.HeartbeatTimeout",
        "States.Runtime",
        "States.NoChoiceMatched",
        "States.ParameterPathFailure",
        "States.ResultPathMatchFailure",
        "States.IntrinsicFailure",
        "States.QueryEvaluationError",
        "States.DataLimitExceeded",
        "States.ExceedToleratedFailureThreshold",
        "States.ItemReaderFailed",
        "States.ResultWriterFailed",
        "States.BranchFailed",
        "States.Permissions",
        "Lambda.TooManyRequestsException",
    ];
}

/// The cause text of `States.ExceedToleratedFailureThreshold` (recorded from AWS).
pub const EXCEED_TOLERATED_CAUSE: &str = "The specified tolerated failure threshold was exceeded";

/// Interned error names.
#[derive(Debug, Clone)]
pub struct ErrorNames {
    /// Shared, so that history events can hold a name without copying it.
    names: Vec<Rc<str>>,
    index: BTreeMap<String, ErrorId>,
}

impl Default for ErrorNames {
    fn default() -> Self {
        let mut table = ErrorNames {
            names: Vec::new(),
            index: BTreeMap::new(),
        };
        for name in names::WELL_KNOWN {
            table.intern(name);
        }
        table
    }
}

impl ErrorNames {
    pub fn intern(&mut self, name: &str) -> ErrorId {
        if let Some(id) = self.index.get(name) {
            return *id;
        }
        let id = ErrorId(u32::try_from(self.names.len()).unwrap_or(u32::MAX));
        self.names.push(Rc::from(name));
        self.index.insert(name.to_string(), id);
        id
    }

    pub fn lookup(&self, name: &str) -> Option<ErrorId> {
        self.index.get(name).copied()
    }

    pub fn name(&self, id: ErrorId) -> &str {
        self.names.get(id.0 as usize).map_or("", |n| n)
    }

    /// The name, shared (for history events).
    pub fn shared(&self, id: ErrorId) -> Rc<str> {
        self.names
            .get(id.0 as usize)
            .cloned()
            .unwrap_or_else(|| Rc::from(""))
    }
}

/// One entry of a retrier's or catcher's `ErrorEquals`, resolved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorPattern {
    /// `States.ALL`: everything but `States.Runtime`.
    All,
    /// `States.TaskFailed`: everything but `States.Timeout` (and `States.Runtime`).
    TaskFailed,
    /// An exact name.
    Exact(ErrorId),
}

impl ErrorPattern {
    /// The name as written in `ErrorEquals`.
    pub fn name(&self, names: &ErrorNames) -> String {
        match self {
            ErrorPattern::All => "States.ALL".to_string(),
            ErrorPattern::TaskFailed => "States.TaskFailed".to_string(),
            ErrorPattern::Exact(id) => names.name(*id).to_string(),
        }
    }

    pub fn of(id: ErrorId) -> ErrorPattern {
        match id {
            names::ALL => ErrorPattern::All,
            names::TASK_FAILED => ErrorPattern::TaskFailed,
            other => ErrorPattern::Exact(other),
        }
    }

    /// Whether this pattern matches `error`. `States.Runtime` is never matched, not even when
    /// named (recorded from AWS). A Fail state without `Error` raises the empty name, which
    /// named patterns do not match (recorded from AWS); whether `States.ALL` matches it is not
    /// recorded — mapsim assumes it does (wildcards match everything but the documented
    /// exceptions).
    pub fn matches(self, error: ErrorId) -> bool {
        if error == names::RUNTIME {
            return false;
        }
        match self {
            ErrorPattern::All => true,
            ErrorPattern::TaskFailed => error != names::TIMEOUT,
            ErrorPattern::Exact(id) => id == error && error != names::EMPTY,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matching_rules() {
        let mut table = ErrorNames::default();
        let custom = table.intern("DataValidationError");
        let typo = table.intern("State.ALL");
        let all = ErrorPattern::of(names::ALL);
        let task_failed = ErrorPattern::of(names::TASK_FAILED);
        // (pattern, error, matches)
        let cases = [
            (all, custom, true),
            (all, names::TIMEOUT, true),
            (all, names::DATA_LIMIT_EXCEEDED, true),
            (all, names::RUNTIME, false),
            (task_failed, custom, true),
            (task_failed, names::TIMEOUT, false),
            (task_failed, names::HEARTBEAT_TIMEOUT, true),
            (task_failed, names::RUNTIME, false),
            (ErrorPattern::of(names::RUNTIME), names::RUNTIME, false),
            (ErrorPattern::of(custom), custom, true),
            (ErrorPattern::of(typo), custom, false),
            (ErrorPattern::of(custom), names::EMPTY, false),
            (ErrorPattern::of(names::EMPTY), names::EMPTY, false),
        ];
        for (pattern, error, expected) in cases {
            assert_eq!(
                pattern.matches(error),
                expected,
                "{pattern:?} vs {}",
                table.name(error)
            );
        }
        assert_eq!(
            table.name(names::EXCEED_TOLERATED_FAILURE_THRESHOLD),
            "States.ExceedToleratedFailureThreshold"
        );
        assert_eq!(
            table.lookup("Lambda.TooManyRequestsException"),
            Some(names::LAMBDA_TOO_MANY_REQUESTS)
        );
    }
}
