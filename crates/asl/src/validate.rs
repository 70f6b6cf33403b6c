//! Validation: the rules that relate fields, states and scopes, on top of `build`'s single-field
//! checks.
//!
//! Works on the definition as JSON (not on the model), so a state the builder had to leave out
//! still counts as a `Next` target, and every finding carries the JSON pointer of the value it is
//! about. The rules, their codes and their sources are listed in `crates/asl/RULES.md`.

mod data;
mod fields;
mod formats;
mod graph;
mod handlers;

use std::collections::HashMap;

use serde_json::{Map, Value};

use crate::build::json_type_name;
use crate::diagnostic::{pointer_push, Diagnostic};
use crate::model::{ExecutionType, QueryLanguage, StateMachine};
use crate::LoadOptions;

pub use formats::{check_resource, is_timestamp, label_problem, ResourceProblem};

/// State names longer than this are refused by Step Functions.
pub const MAX_STATE_NAME_CHARS: usize = 80;

/// A diagnostic about a place inside a string value (a JSONata or path syntax error): the index
/// of the diagnostic and the byte offset in the string's decoded value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InString {
    pub diagnostic: usize,
    pub offset: usize,
}

/// Checks a definition. `model` is what `build` made of it (unused by most rules, which read the
/// JSON); `workflow_type` is the machine's type when known (for the Express rules).
/// Returns, for the diagnostics that point inside a string, where in the string.
pub fn validate(
    definition: &Value,
    _model: Option<&StateMachine>,
    workflow_type: Option<ExecutionType>,
    options: &LoadOptions,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<InString> {
    let mut names: HashMap<String, Vec<String>> = HashMap::new();
    graph::collect_names(definition, "", &mut names);
    let mut validator = Validator {
        options,
        diagnostics,
        names: &names,
        in_string: Vec::new(),
    };
    let top_language = match definition.get("QueryLanguage").and_then(Value::as_str) {
        Some("JSONata") => QueryLanguage::Jsonata,
        _ => QueryLanguage::JsonPath,
    };
    validator.machine(
        definition,
        "",
        Scope {
            kind: MachineKind::TopLevel,
            language: top_language,
            workflow: workflow_type,
        },
    );
    // State names are unique across the whole machine, nested branches and processors included.
    let mut duplicates: Vec<(&String, &Vec<String>)> =
        names.iter().filter(|(_, at)| at.len() > 1).collect();
    crate::order::sort_stable_by(&mut duplicates, &|a, b| a.1[1].cmp(&b.1[1]));
    for (name, pointers) in duplicates {
        for pointer in &pointers[1..] {
            validator.error(
                "duplicate-state-name",
                pointer.clone(),
                format!(
                    "the state name `{name}` is used more than once; state names must be unique in the whole state machine, branches and item processors included"
                ),
            );
        }
    }
    validator.in_string
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum MachineKind {
    TopLevel,
    Branch,
    Processor,
}

/// What a machine (or branch, or processor) inherits.
#[derive(Debug, Clone, Copy)]
struct Scope {
    kind: MachineKind,
    language: QueryLanguage,
    /// The workflow type the states run in, when known: the machine's own at the top level, a
    /// Distributed Map's child `ExecutionType` inside its processor.
    workflow: Option<ExecutionType>,
}

struct Validator<'a> {
    options: &'a LoadOptions,
    diagnostics: &'a mut Vec<Diagnostic>,
    /// Every state name, with the pointers of the states that carry it.
    names: &'a HashMap<String, Vec<String>>,
    in_string: Vec<InString>,
}

/// A state being checked: its name, pointer and object, for messages.
struct StateRef<'v> {
    name: &'v str,
    pointer: String,
    object: &'v Map<String, Value>,
    type_name: &'v str,
    language: QueryLanguage,
}

impl StateRef<'_> {
    fn at(&self, key: &str) -> String {
        pointer_push(&self.pointer, key)
    }

    fn context(&self) -> String {
        format!("State `{}`", self.name)
    }
}

impl Validator<'_> {
    fn error(&mut self, code: &'static str, pointer: String, message: String) {
        self.diagnostics
            .push(Diagnostic::error(code, pointer, message));
    }

    /// Like `error`, for a problem at byte `offset` of the string value at `pointer`.
    fn error_in_string(
        &mut self,
        code: &'static str,
        pointer: String,
        offset: usize,
        message: String,
    ) {
        self.in_string.push(InString {
            diagnostic: self.diagnostics.len(),
            offset,
        });
        self.error(code, pointer, message);
    }

    fn warning(&mut self, code: &'static str, pointer: String, message: String) {
        self.diagnostics
            .push(Diagnostic::warning(code, pointer, message));
    }

    /// Reports fields of `object` outside `allowed` (`unknown-field`).
    fn unknown_fields(
        &mut self,
        object: &Map<String, Value>,
        pointer: &str,
        allowed: &[&str],
        what: &str,
        warn_only: bool,
    ) {
        for key in object.keys() {
            if allowed.contains(&key.as_str()) {
                continue;
            }
            let hint = fields::closest(key, allowed.iter().copied())
                .map(|c| format!(" (did you mean `{c}`?)"))
                .unwrap_or_default();
            let message = format!("{what} has an unknown field `{key}`{hint}");
            if warn_only {
                self.warning("unknown-field", pointer_push(pointer, key), message);
            } else {
                self.error("unknown-field", pointer_push(pointer, key), message);
            }
        }
    }

    /// At most one of `keys` may be present (`mutually-exclusive`).
    fn exclusive(&mut self, object: &Map<String, Value>, pointer: &str, keys: &[&str], what: &str) {
        let present: Vec<&&str> = keys.iter().filter(|k| object.contains_key(**k)).collect();
        if present.len() > 1 {
            let listed = present
                .iter()
                .map(|k| format!("`{k}`"))
                .collect::<Vec<_>>()
                .join(" and ");
            self.error(
                "mutually-exclusive",
                pointer_push(pointer, present[1]),
                format!("{what} has {listed}; only one of them may be given"),
            );
        }
    }

    fn machine(&mut self, value: &Value, pointer: &str, scope: Scope) {
        let Value::Object(object) = value else {
            return; // The builder reported the type.
        };
        let (allowed, what) = match scope.kind {
            MachineKind::TopLevel => (fields::TOP_LEVEL_FIELDS, "The state machine".to_string()),
            MachineKind::Branch => (fields::BRANCH_FIELDS, format!("The branch at `{pointer}`")),
            MachineKind::Processor => (
                fields::PROCESSOR_FIELDS,
                format!("The item processor at `{pointer}`"),
            ),
        };
        self.unknown_fields(object, pointer, allowed, &what, false);
        let language = match object.get("QueryLanguage").and_then(Value::as_str) {
            Some("JSONata") => QueryLanguage::Jsonata,
            Some("JSONPath") => QueryLanguage::JsonPath,
            _ => scope.language,
        };
        let Some(Value::Object(states)) = object.get("States") else {
            return;
        };
        let states_pointer = pointer_push(pointer, "States");
        for (name, state) in states {
            let state_pointer = pointer_push(&states_pointer, name);
            self.state(name, state, state_pointer, Scope { language, ..scope });
        }
        graph::check_scope(self, object, pointer, scope.kind);
    }

    fn state(&mut self, name: &str, value: &Value, pointer: String, scope: Scope) {
        let length = name.chars().count();
        if length == 0 {
            self.error(
                "invalid-state-name",
                pointer.clone(),
                "a state name cannot be empty".to_string(),
            );
        } else if length > MAX_STATE_NAME_CHARS {
            self.error(
                "state-name-too-long",
                pointer.clone(),
                format!(
                    "the state name `{name}` has {length} characters; Step Functions allows at most {MAX_STATE_NAME_CHARS}"
                ),
            );
        }
        let Value::Object(object) = value else {
            return; // The builder reported the type.
        };
        let Some(type_name) = object.get("Type").and_then(Value::as_str) else {
            return; // The builder reported it.
        };
        let Some(allowed) = fields::state_fields(type_name) else {
            return; // Unknown type: the builder reported it.
        };
        let language = match object.get("QueryLanguage").and_then(Value::as_str) {
            Some("JSONata") => QueryLanguage::Jsonata,
            Some("JSONPath") => QueryLanguage::JsonPath,
            _ => scope.language,
        };
        let state = StateRef {
            name,
            pointer,
            object,
            type_name,
            language,
        };
        self.state_fields(&state, allowed);
        self.transition(&state);
        self.data_flow(&state);
        match type_name {
            "Task" => self.task(&state, scope),
            "Choice" => self.choice(&state),
            "Wait" => self.wait(&state),
            "Fail" => self.fail(&state),
            "Parallel" => {
                if let Some(Value::Array(branches)) = object.get("Branches") {
                    let branches_pointer = state.at("Branches");
                    for (i, branch) in branches.iter().enumerate() {
                        self.machine(
                            branch,
                            &pointer_push(&branches_pointer, &i.to_string()),
                            Scope {
                                kind: MachineKind::Branch,
                                language,
                                workflow: scope.workflow,
                            },
                        );
                    }
                }
            }
            "Map" => self.map(&state, scope),
            _ => {}
        }
        if matches!(type_name, "Task" | "Parallel" | "Map") {
            handlers::retriers(self, &state);
            handlers::catchers(self, &state);
        }
    }

    /// Unknown fields, fields of another state type, fields of the other query language.
    fn state_fields(&mut self, state: &StateRef<'_>, allowed: &[&str]) {
        for key in state.object.keys() {
            let key = key.as_str();
            let pointer = state.at(key);
            if !fields::is_state_field(key) {
                let hint = fields::closest(key, allowed.iter().copied())
                    .map(|c| format!(" (did you mean `{c}`?)"))
                    .unwrap_or_default();
                self.error(
                    "unknown-field",
                    pointer,
                    format!(
                        "{}: `{key}` is not a field of a {} state{hint}",
                        state.context(),
                        state.type_name
                    ),
                );
                continue;
            }
            if !allowed.contains(&key) {
                self.error(
                    "field-not-allowed",
                    pointer,
                    format!(
                        "{}: a {} state cannot have `{key}`",
                        state.context(),
                        state.type_name
                    ),
                );
                continue;
            }
            match state.language {
                QueryLanguage::Jsonata if fields::JSONPATH_ONLY.contains(&key) => {
                    let instead = match key {
                        "Parameters" => "use `Arguments`".to_string(),
                        "ResultSelector" | "ResultPath" | "OutputPath" => {
                            "use `Output` (and `Assign`)".to_string()
                        }
                        "InputPath" => "read the input as `$states.input`".to_string(),
                        "ItemsPath" => "use `Items`".to_string(),
                        other => format!(
                            "write `{}` itself as a `{{% … %}}` expression",
                            other.trim_end_matches("Path")
                        ),
                    };
                    self.error(
                        "jsonpath-field-in-jsonata-state",
                        pointer,
                        format!(
                            "{} uses JSONata, which has no `{key}`; {instead}",
                            state.context()
                        ),
                    );
                }
                QueryLanguage::JsonPath if fields::JSONATA_ONLY.contains(&key) => {
                    self.error(
                        "jsonata-field-in-jsonpath-state",
                        pointer,
                        format!(
                            "{} uses JSONPath, which has no `{key}`; set `\"QueryLanguage\": \"JSONata\"` to use it",
                            state.context()
                        ),
                    );
                }
                _ => {}
            }
        }
    }

    /// `Next` / `End`.
    fn transition(&mut self, state: &StateRef<'_>) {
        if matches!(state.type_name, "Choice" | "Succeed" | "Fail") {
            return; // Next/End are misplaced fields there, reported by `state_fields`.
        }
        let has_next = state.object.contains_key("Next");
        match state.object.get("End") {
            Some(Value::Bool(true)) if has_next => self.error(
                "next-and-end",
                state.at("End"),
                format!(
                    "{} has both `Next` and `End: true`; a state either goes on or ends",
                    state.context()
                ),
            ),
            Some(Value::Bool(true)) => {}
            Some(Value::Bool(false)) if has_next => self.warning(
                "end-false",
                state.at("End"),
                format!(
                    "{}: `End: false` means nothing; remove it",
                    state.context()
                ),
            ),
            _ if has_next => {}
            Some(Value::Bool(false)) | None => self.error(
                "missing-next",
                state.pointer.clone(),
                format!(
                    "{} has neither `Next` nor `End: true`, so the execution would not know where to go after it",
                    state.context()
                ),
            ),
            Some(_) => {} // `End` of the wrong type: the builder reported it.
        }
    }

    /// Paths, payload templates and JSONata expressions of the state's own data-flow fields.
    fn data_flow(&mut self, state: &StateRef<'_>) {
        let object = state.object;
        match state.language {
            QueryLanguage::JsonPath => {
                for key in ["InputPath", "OutputPath"] {
                    if let Some(Value::String(path)) = object.get(key) {
                        data::check_path(
                            self,
                            path,
                            state.at(key),
                            &state.context(),
                            key,
                            data::PathRule::Any,
                        );
                    }
                }
                if let Some(Value::String(path)) = object.get("ResultPath") {
                    data::check_path(
                        self,
                        path,
                        state.at("ResultPath"),
                        &state.context(),
                        "ResultPath",
                        data::PathRule::Result,
                    );
                }
                for key in ["Parameters", "ResultSelector", "Assign"] {
                    if let Some(template) = object.get(key) {
                        data::payload_template(
                            self,
                            template,
                            &state.at(key),
                            &state.context(),
                            key,
                        );
                    }
                }
            }
            QueryLanguage::Jsonata => {
                for key in ["Arguments", "Output", "Assign"] {
                    if let Some(template) = object.get(key) {
                        data::jsonata_template(self, template, &state.at(key), &state.context());
                    }
                }
            }
        }
        if let Some(assign) = object.get("Assign") {
            data::assign_names(self, assign, &state.at("Assign"), &state.context());
        }
    }

    fn task(&mut self, state: &StateRef<'_>, scope: Scope) {
        let object = state.object;
        let context = state.context();
        if let (Some(Value::String(resource)), Some(ExecutionType::Express)) =
            (object.get("Resource"), scope.workflow)
        {
            // Express workflows run at most five minutes and cannot wait for jobs or callbacks.
            let pattern = if resource.ends_with(".waitForTaskToken") {
                Some("the callback pattern (`.waitForTaskToken`)")
            } else if resource.ends_with(".sync") || resource.contains(".sync:") {
                Some("the job-run pattern (`.sync`)")
            } else if resource.contains(":activity:") {
                Some("activities")
            } else {
                None
            };
            if let Some(pattern) = pattern {
                let within = match scope.kind {
                    MachineKind::Processor => "the Express child workflows of a Distributed Map",
                    _ => "an Express workflow",
                };
                self.error(
                    "unsupported-in-express",
                    state.at("Resource"),
                    format!("{context} uses {pattern}, which {within} does not support"),
                );
            }
        }
        if let Some(Value::String(resource)) = object.get("Resource") {
            if !self.options.skip_arn_checks {
                match check_resource(resource) {
                    Ok(()) => {}
                    Err(ResourceProblem::NotAnArn) => self.warning(
                        "resource-not-arn",
                        state.at("Resource"),
                        format!(
                            "{context}: `Resource` {resource:?} is not an ARN; Step Functions expects arn:partition:service:region:account:resource"
                        ),
                    ),
                    Err(ResourceProblem::UnclosedPlaceholder) => self.error(
                        "invalid-resource",
                        state.at("Resource"),
                        format!(
                            "{context}: `Resource` {resource:?} has a `${{` placeholder that is never closed with `}}`"
                        ),
                    ),
                    Err(ResourceProblem::Malformed(why)) => self.error(
                        "invalid-resource",
                        state.at("Resource"),
                        format!("{context}: `Resource` {resource:?} is not a valid ARN: {why}"),
                    ),
                }
            }
        }
        self.exclusive(
            object,
            &state.pointer,
            &["TimeoutSeconds", "TimeoutSecondsPath"],
            &context,
        );
        self.exclusive(
            object,
            &state.pointer,
            &["HeartbeatSeconds", "HeartbeatSecondsPath"],
            &context,
        );
        for key in ["TimeoutSecondsPath", "HeartbeatSecondsPath"] {
            if let Some(Value::String(path)) = object.get(key) {
                data::check_path(
                    self,
                    path,
                    state.at(key),
                    &context,
                    key,
                    data::PathRule::Reference,
                );
            }
        }
        if let (Some(heartbeat), Some(timeout)) = (
            object.get("HeartbeatSeconds").and_then(Value::as_f64),
            object.get("TimeoutSeconds").and_then(Value::as_f64),
        ) {
            if heartbeat >= timeout {
                self.error(
                    "heartbeat-not-below-timeout",
                    state.at("HeartbeatSeconds"),
                    format!(
                        "{context}: `HeartbeatSeconds` ({heartbeat}) must be smaller than `TimeoutSeconds` ({timeout})"
                    ),
                );
            }
        }
        if state.language == QueryLanguage::Jsonata {
            for key in ["TimeoutSeconds", "HeartbeatSeconds"] {
                if let Some(value) = object.get(key) {
                    data::jsonata_template(self, value, &state.at(key), &context);
                }
            }
        }
        if let Some(credentials) = object.get("Credentials") {
            if !credentials.is_object() {
                self.error(
                    "wrong-type",
                    state.at("Credentials"),
                    format!(
                        "{context}: `Credentials` must be an object (such as {{\"RoleArn\": …}}), not {}",
                        json_type_name(credentials)
                    ),
                );
            } else if state.language == QueryLanguage::JsonPath {
                data::payload_template(
                    self,
                    credentials,
                    &state.at("Credentials"),
                    &context,
                    "Credentials",
                );
            } else {
                data::jsonata_template(self, credentials, &state.at("Credentials"), &context);
            }
        }
    }

    fn wait(&mut self, state: &StateRef<'_>) {
        let object = state.object;
        let context = state.context();
        self.exclusive(
            object,
            &state.pointer,
            &["Seconds", "SecondsPath", "Timestamp", "TimestampPath"],
            &context,
        );
        for key in ["SecondsPath", "TimestampPath"] {
            if let Some(Value::String(path)) = object.get(key) {
                data::check_path(
                    self,
                    path,
                    state.at(key),
                    &context,
                    key,
                    data::PathRule::Reference,
                );
            }
        }
        if let Some(Value::String(timestamp)) = object.get("Timestamp") {
            let is_expression = state.language == QueryLanguage::Jsonata
                && (timestamp.starts_with("{%") || timestamp.ends_with("%}"));
            if is_expression {
                data::jsonata_template(
                    self,
                    &object["Timestamp"],
                    &state.at("Timestamp"),
                    &context,
                );
            } else if !is_timestamp(timestamp) {
                self.error(
                    "invalid-timestamp",
                    state.at("Timestamp"),
                    format!(
                        "{context}: `Timestamp` {timestamp:?} is not an RFC 3339 timestamp such as \"2016-03-14T01:59:00Z\""
                    ),
                );
            }
        }
        if state.language == QueryLanguage::Jsonata {
            if let Some(value) = object.get("Seconds") {
                data::jsonata_template(self, value, &state.at("Seconds"), &context);
            }
        }
    }

    fn fail(&mut self, state: &StateRef<'_>) {
        let object = state.object;
        let context = state.context();
        self.exclusive(object, &state.pointer, &["Error", "ErrorPath"], &context);
        self.exclusive(object, &state.pointer, &["Cause", "CausePath"], &context);
        for key in ["ErrorPath", "CausePath"] {
            match object.get(key) {
                Some(Value::String(path)) => {
                    data::check_expression(self, path, state.at(key), &context, key, true)
                }
                Some(other) => self.error(
                    "wrong-type",
                    state.at(key),
                    format!(
                        "{context}: `{key}` must be a path or intrinsic function string, not {}",
                        json_type_name(other)
                    ),
                ),
                None => {}
            }
        }
        if state.language == QueryLanguage::Jsonata {
            for key in ["Error", "Cause"] {
                if let Some(value) = object.get(key) {
                    data::jsonata_template(self, value, &state.at(key), &context);
                }
            }
        }
    }

    fn choice(&mut self, state: &StateRef<'_>) {
        let Some(Value::Array(rules)) = state.object.get("Choices") else {
            return;
        };
        let choices_pointer = state.at("Choices");
        for (i, rule) in rules.iter().enumerate() {
            let rule_pointer = pointer_push(&choices_pointer, &i.to_string());
            let context = format!("{}, choice rule #{}", state.context(), i + 1);
            self.choice_rule(rule, &rule_pointer, &context, state.language, true);
        }
    }

    fn choice_rule(
        &mut self,
        rule: &Value,
        pointer: &str,
        context: &str,
        language: QueryLanguage,
        top: bool,
    ) {
        let Value::Object(object) = rule else {
            return; // The builder reported it.
        };
        if language == QueryLanguage::Jsonata {
            let allowed: &[&str] = if top {
                &["Condition", "Next", "Comment", "Assign", "Output"]
            } else {
                &["Condition", "Comment"]
            };
            self.unknown_fields(object, pointer, allowed, context, false);
            for key in ["Condition", "Output", "Assign"] {
                let value = object.get(key);
                // An unwrapped `Condition` was reported by the builder already.
                let unwrapped_condition = key == "Condition"
                    && value
                        .and_then(Value::as_str)
                        .is_some_and(|s| !(s.starts_with("{%") && s.ends_with("%}")));
                if unwrapped_condition {
                    continue;
                }
                if let Some(value) = value {
                    data::jsonata_template(self, value, &pointer_push(pointer, key), context);
                }
            }
            return;
        }
        let mut allowed: Vec<&str> = vec!["Comment"];
        if top {
            allowed.extend(["Next", "Assign"]);
        }
        let combinator = ["And", "Or", "Not"]
            .into_iter()
            .find(|k| object.contains_key(*k));
        match combinator {
            Some(key) => {
                allowed.push(key);
                self.unknown_fields(object, pointer, &allowed, context, false);
                let inner_pointer = pointer_push(pointer, key);
                match object.get(key) {
                    Some(Value::Array(items)) if key != "Not" => {
                        for (i, item) in items.iter().enumerate() {
                            self.choice_rule(
                                item,
                                &pointer_push(&inner_pointer, &i.to_string()),
                                context,
                                language,
                                false,
                            );
                        }
                    }
                    Some(item @ Value::Object(_)) if key == "Not" => {
                        self.choice_rule(item, &inner_pointer, context, language, false);
                    }
                    _ => {}
                }
            }
            None => {
                allowed.push("Variable");
                let operators: Vec<&str> = object
                    .keys()
                    .filter(|k| crate::model::Comparison::parse(k).is_some())
                    .map(String::as_str)
                    .collect();
                allowed.extend(operators.iter().copied());
                // Suggest operator names for typos too.
                let all_operators: Vec<String> = crate::model::Comparison::ALL
                    .iter()
                    .flat_map(|(op, name)| {
                        let mut v = vec![name.to_string()];
                        if !op.is_type_test() && *op != crate::model::Comparison::StringMatches {
                            v.push(format!("{name}Path"));
                        }
                        v
                    })
                    .collect();
                for key in object.keys() {
                    if allowed.contains(&key.as_str()) {
                        continue;
                    }
                    let hint = fields::closest(
                        key,
                        all_operators
                            .iter()
                            .map(String::as_str)
                            .chain(["Variable", "Next", "Comment", "Assign"]),
                    )
                    .map(|c| format!(" (did you mean `{c}`?)"))
                    .unwrap_or_default();
                    let (code, message) = if !top && (key == "Next" || key == "Assign") {
                        (
                            "field-not-allowed",
                            format!("{context}: a rule nested in `And`, `Or` or `Not` cannot have `{key}`"),
                        )
                    } else {
                        (
                            "unknown-field",
                            format!("{context} has an unknown field `{key}`{hint}"),
                        )
                    };
                    self.error(code, pointer_push(pointer, key), message);
                }
                if let Some(Value::String(variable)) = object.get("Variable") {
                    data::check_path(
                        self,
                        variable,
                        pointer_push(pointer, "Variable"),
                        context,
                        "Variable",
                        data::PathRule::Reference,
                    );
                }
                for key in &operators {
                    let Some((op, is_path)) = crate::model::Comparison::parse(key) else {
                        continue;
                    };
                    let value_pointer = pointer_push(pointer, key);
                    match object.get(*key) {
                        Some(Value::String(operand)) if is_path => data::check_path(
                            self,
                            operand,
                            value_pointer,
                            context,
                            key,
                            data::PathRule::Reference,
                        ),
                        Some(Value::String(operand))
                            if op.as_str().starts_with("Timestamp") && !is_timestamp(operand) =>
                        {
                            self.error(
                                "invalid-timestamp",
                                value_pointer,
                                format!(
                                    "{context}: `{key}` {operand:?} is not an RFC 3339 timestamp such as \"2016-03-14T01:59:00Z\""
                                ),
                            )
                        }
                        _ => {}
                    }
                }
            }
        }
    }

    fn map(&mut self, state: &StateRef<'_>, scope: Scope) {
        let object = state.object;
        let context = state.context();
        let pointer = &state.pointer;
        self.exclusive(object, pointer, &["ItemProcessor", "Iterator"], &context);
        self.exclusive(object, pointer, &["ItemSelector", "Parameters"], &context);
        self.exclusive(object, pointer, &["Items", "ItemsPath"], &context);
        for key in [
            "MaxConcurrency",
            "ToleratedFailureCount",
            "ToleratedFailurePercentage",
        ] {
            let path_key = format!("{key}Path");
            self.exclusive(object, pointer, &[key, path_key.as_str()], &context);
            if let Some(Value::String(path)) = object.get(&path_key) {
                data::check_path(
                    self,
                    path,
                    state.at(&path_key),
                    &context,
                    &path_key,
                    data::PathRule::Reference,
                );
            }
            if state.language == QueryLanguage::Jsonata {
                if let Some(value) = object.get(key) {
                    data::jsonata_template(self, value, &state.at(key), &context);
                }
            }
        }
        if let Some(Value::String(path)) = object.get("ItemsPath") {
            data::check_path(
                self,
                path,
                state.at("ItemsPath"),
                &context,
                "ItemsPath",
                data::PathRule::Reference,
            );
        }
        match state.language {
            QueryLanguage::JsonPath => {
                if let Some(selector) = object.get("ItemSelector") {
                    data::payload_template(
                        self,
                        selector,
                        &state.at("ItemSelector"),
                        &context,
                        "ItemSelector",
                    );
                }
            }
            QueryLanguage::Jsonata => {
                for key in ["ItemSelector", "Items"] {
                    if let Some(value) = object.get(key) {
                        data::jsonata_template(self, value, &state.at(key), &context);
                    }
                }
            }
        }

        // Which mode, and the processor.
        let processor_key = if object.contains_key("ItemProcessor") {
            "ItemProcessor"
        } else {
            "Iterator"
        };
        let processor = object.get(processor_key);
        let config = processor.and_then(|p| p.get("ProcessorConfig"));
        let distributed =
            config.and_then(|c| c.get("Mode")).and_then(Value::as_str) == Some("DISTRIBUTED");
        let mut child_workflow = scope.workflow;
        if let Some(Value::Object(config)) = config {
            let config_pointer = pointer_push(&state.at(processor_key), "ProcessorConfig");
            self.unknown_fields(
                config,
                &config_pointer,
                fields::PROCESSOR_CONFIG_FIELDS,
                &format!("{context}: `ProcessorConfig`"),
                true,
            );
            let execution_type = config.get("ExecutionType").and_then(Value::as_str);
            if distributed {
                match execution_type {
                    None => self.error(
                        "missing-execution-type",
                        config_pointer.clone(),
                        format!(
                            "{context}: a DISTRIBUTED `ProcessorConfig` needs `ExecutionType` (\"STANDARD\" or \"EXPRESS\") for its child workflows"
                        ),
                    ),
                    Some("EXPRESS") => child_workflow = Some(ExecutionType::Express),
                    Some(_) => child_workflow = Some(ExecutionType::Standard),
                }
            } else if execution_type.is_some() {
                self.warning(
                    "inline-execution-type",
                    pointer_push(&config_pointer, "ExecutionType"),
                    format!(
                        "{context}: `ExecutionType` only applies to DISTRIBUTED mode; an INLINE Map runs its iterations inside this execution"
                    ),
                );
            }
        }
        if distributed && scope.workflow == Some(ExecutionType::Express) {
            let inside = match scope.kind {
                MachineKind::Processor => "the Express child workflows of a Distributed Map",
                _ => "an Express state machine",
            };
            self.error(
                "distributed-map-in-express",
                state.pointer.clone(),
                format!(
                    "{context} is a Distributed Map inside {inside}; Step Functions only runs Distributed Maps in Standard workflows"
                ),
            );
        }
        if !distributed {
            for key in fields::DISTRIBUTED_ONLY {
                if object.contains_key(*key) {
                    self.warning(
                        "distributed-only-field",
                        state.at(key),
                        format!(
                            "{context}: `{key}` only applies to a Distributed Map (`ProcessorConfig.Mode: DISTRIBUTED`); this Map runs INLINE"
                        ),
                    );
                }
            }
        }
        if let Some(Value::String(label)) = object.get("Label") {
            if let Some(problem) = label_problem(label) {
                self.error(
                    "invalid-label",
                    state.at("Label"),
                    format!("{context}: {problem}"),
                );
            }
        }
        self.item_reader(state);
        self.item_batcher(state);
        self.result_writer(state);
        if let Some(processor) = processor {
            self.machine(
                processor,
                &state.at(processor_key),
                Scope {
                    kind: MachineKind::Processor,
                    language: state.language,
                    workflow: if distributed {
                        child_workflow
                    } else {
                        scope.workflow
                    },
                },
            );
        }
    }

    fn item_reader(&mut self, state: &StateRef<'_>) {
        let Some(Value::Object(reader)) = state.object.get("ItemReader") else {
            return;
        };
        let pointer = state.at("ItemReader");
        let context = format!("{}: `ItemReader`", state.context());
        self.unknown_fields(
            reader,
            &pointer,
            fields::ITEM_READER_FIELDS,
            &context,
            false,
        );
        self.language_family(
            reader,
            &pointer,
            &context,
            state.language,
            "Parameters",
            "Arguments",
        );
        if let Some(Value::Object(config)) = reader.get("ReaderConfig") {
            let config_pointer = pointer_push(&pointer, "ReaderConfig");
            let config_context = format!("{}: `ReaderConfig`", state.context());
            self.unknown_fields(
                config,
                &config_pointer,
                fields::READER_CONFIG_FIELDS,
                &config_context,
                true,
            );
            self.exclusive(
                config,
                &config_pointer,
                &["MaxItems", "MaxItemsPath"],
                &config_context,
            );
            if let Some(Value::String(path)) = config.get("MaxItemsPath") {
                data::check_path(
                    self,
                    path,
                    pointer_push(&config_pointer, "MaxItemsPath"),
                    &config_context,
                    "MaxItemsPath",
                    data::PathRule::Reference,
                );
            }
            if state.language == QueryLanguage::Jsonata && config.contains_key("MaxItemsPath") {
                self.error(
                    "jsonpath-field-in-jsonata-state",
                    pointer_push(&config_pointer, "MaxItemsPath"),
                    format!("{config_context}: a JSONata state has no `MaxItemsPath`; write `MaxItems` as a `{{% … %}}` expression"),
                );
            }
            if state.language == QueryLanguage::Jsonata {
                if let Some(value) = config.get("MaxItems") {
                    data::jsonata_template(
                        self,
                        value,
                        &pointer_push(&config_pointer, "MaxItems"),
                        &config_context,
                    );
                }
            }
        }
        self.config_payload(reader, &pointer, &context, state.language);
    }

    fn item_batcher(&mut self, state: &StateRef<'_>) {
        let Some(Value::Object(batcher)) = state.object.get("ItemBatcher") else {
            return;
        };
        let pointer = state.at("ItemBatcher");
        let context = format!("{}: `ItemBatcher`", state.context());
        self.unknown_fields(
            batcher,
            &pointer,
            fields::ITEM_BATCHER_FIELDS,
            &context,
            false,
        );
        for key in ["MaxItemsPerBatch", "MaxInputBytesPerBatch"] {
            let path_key = format!("{key}Path");
            self.exclusive(batcher, &pointer, &[key, path_key.as_str()], &context);
            if let Some(Value::String(path)) = batcher.get(&path_key) {
                if state.language == QueryLanguage::Jsonata {
                    self.error(
                        "jsonpath-field-in-jsonata-state",
                        pointer_push(&pointer, &path_key),
                        format!("{context}: a JSONata state has no `{path_key}`; write `{key}` as a `{{% … %}}` expression"),
                    );
                } else {
                    data::check_path(
                        self,
                        path,
                        pointer_push(&pointer, &path_key),
                        &context,
                        &path_key,
                        data::PathRule::Reference,
                    );
                }
            }
            if state.language == QueryLanguage::Jsonata {
                if let Some(value) = batcher.get(key) {
                    data::jsonata_template(self, value, &pointer_push(&pointer, key), &context);
                }
            }
        }
        if let Some(batch_input) = batcher.get("BatchInput") {
            let batch_pointer = pointer_push(&pointer, "BatchInput");
            match state.language {
                QueryLanguage::JsonPath => data::payload_template(
                    self,
                    batch_input,
                    &batch_pointer,
                    &context,
                    "BatchInput",
                ),
                QueryLanguage::Jsonata => {
                    data::jsonata_template(self, batch_input, &batch_pointer, &context)
                }
            }
        }
    }

    fn result_writer(&mut self, state: &StateRef<'_>) {
        let Some(Value::Object(writer)) = state.object.get("ResultWriter") else {
            return;
        };
        let pointer = state.at("ResultWriter");
        let context = format!("{}: `ResultWriter`", state.context());
        self.unknown_fields(
            writer,
            &pointer,
            fields::RESULT_WRITER_FIELDS,
            &context,
            false,
        );
        self.language_family(
            writer,
            &pointer,
            &context,
            state.language,
            "Parameters",
            "Arguments",
        );
        if let Some(Value::Object(config)) = writer.get("WriterConfig") {
            let config_pointer = pointer_push(&pointer, "WriterConfig");
            self.unknown_fields(
                config,
                &config_pointer,
                fields::WRITER_CONFIG_FIELDS,
                &format!("{}: `WriterConfig`", state.context()),
                true,
            );
        }
        if !writer.contains_key("Resource") && !writer.contains_key("WriterConfig") {
            self.error(
                "missing-field",
                pointer.clone(),
                format!("{context} needs a `Resource` (such as \"arn:aws:states:::s3:putObject\") or a `WriterConfig`"),
            );
        }
        self.config_payload(writer, &pointer, &context, state.language);
    }

    /// `Parameters` (JSONPath) or `Arguments` (JSONata) of an ItemReader or ResultWriter.
    fn config_payload(
        &mut self,
        object: &Map<String, Value>,
        pointer: &str,
        context: &str,
        language: QueryLanguage,
    ) {
        match language {
            QueryLanguage::JsonPath => {
                if let Some(parameters) = object.get("Parameters") {
                    data::payload_template(
                        self,
                        parameters,
                        &pointer_push(pointer, "Parameters"),
                        context,
                        "Parameters",
                    );
                }
            }
            QueryLanguage::Jsonata => {
                if let Some(arguments) = object.get("Arguments") {
                    data::jsonata_template(
                        self,
                        arguments,
                        &pointer_push(pointer, "Arguments"),
                        context,
                    );
                }
            }
        }
    }

    /// A nested object's JSONPath/JSONata field pair (`Parameters`/`Arguments`).
    fn language_family(
        &mut self,
        object: &Map<String, Value>,
        pointer: &str,
        context: &str,
        language: QueryLanguage,
        jsonpath_key: &str,
        jsonata_key: &str,
    ) {
        match language {
            QueryLanguage::Jsonata if object.contains_key(jsonpath_key) => self.error(
                "jsonpath-field-in-jsonata-state",
                pointer_push(pointer, jsonpath_key),
                format!("{context}: a JSONata state has no `{jsonpath_key}`; use `{jsonata_key}`"),
            ),
            QueryLanguage::JsonPath if object.contains_key(jsonata_key) => self.error(
                "jsonata-field-in-jsonpath-state",
                pointer_push(pointer, jsonata_key),
                format!("{context}: a JSONPath state has no `{jsonata_key}`; use `{jsonpath_key}`"),
            ),
            _ => {}
        }
    }
}
