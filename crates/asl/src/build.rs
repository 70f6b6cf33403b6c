//! Builds the typed model from a JSON value, best-effort.
//!
//! This is the one place where single fields are read and checked: presence, JSON type and the
//! range of each value (`MaxAttempts` ≥ 0, `BackoffRate` ≥ 1, …). Rules that relate several
//! fields or states (reachability, `Next` targets, mutually exclusive fields, query-language
//! families) live in `validate`. Whatever cannot be understood is reported and left out; the
//! rest of the model is still built, so one typo does not hide the whole machine.

use serde_json::{Map as JsonObject, Value};

use crate::diagnostic::{pointer_push, Diagnostic};
use crate::model::*;

/// Largest value of the integer retrier and timeout fields that Step Functions accepts.
pub const MAX_INTEGER_FIELD: u64 = 99_999_999;
/// `MaxDelaySeconds` must be below this.
pub const MAX_DELAY_SECONDS_LIMIT: u64 = 31_622_401;

/// Builds the model of a whole definition. Returns `None` when not even `StartAt` + `States`
/// could be found; the diagnostics say why.
pub fn build(root: &Value, diagnostics: &mut Vec<Diagnostic>) -> Option<StateMachine> {
    let mut builder = Builder { diagnostics };
    builder.machine(root, "", QueryLanguage::JsonPath, true)
}

struct Builder<'d> {
    diagnostics: &'d mut Vec<Diagnostic>,
}

/// A JSON object with its pointer, for reading fields with located diagnostics.
struct Obj<'v> {
    map: &'v JsonObject<String, Value>,
    pointer: String,
}

impl<'v> Obj<'v> {
    fn at(&self, key: &str) -> String {
        pointer_push(&self.pointer, key)
    }

    fn get(&self, key: &str) -> Option<&'v Value> {
        self.map.get(key)
    }

    fn has(&self, key: &str) -> bool {
        self.map.contains_key(key)
    }
}

/// How a JSON type is named in messages ("a string", "an array", …).
pub(crate) use crate::path::type_name as json_type_name;

/// The `${…}` placeholder a CloudFormation intrinsic function stands for: `{"Ref": "X"}` →
/// `${X}`, `{"Fn::GetAtt": ["A", "B"]}` → `${A.B}`, any other `Fn::` → `${Fn::Name}`.
pub(crate) fn intrinsic_placeholder(value: &Value) -> Option<String> {
    let Value::Object(map) = value else {
        return None;
    };
    if map.len() != 1 {
        return None;
    }
    let (name, argument) = map.iter().next()?;
    match (name.as_str(), argument) {
        ("Ref", Value::String(id)) => Some(format!("${{{id}}}")),
        ("Fn::GetAtt", Value::String(path)) => Some(format!("${{{path}}}")),
        ("Fn::GetAtt", Value::Array(parts)) => Some(format!(
            "${{{}}}",
            parts
                .iter()
                .map(|p| p.as_str().map_or_else(|| p.to_string(), str::to_string))
                .collect::<Vec<_>>()
                .join(".")
        )),
        ("Fn::Sub", Value::String(text)) => Some(text.clone()),
        (other, _) if other.starts_with("Fn::") => Some(format!("${{{other}}}")),
        _ => None,
    }
}

/// The expression inside a JSONata `{% … %}` string, if the string is one.
pub fn jsonata_expression(text: &str) -> Option<&str> {
    text.strip_prefix("{%")
        .and_then(|rest| rest.strip_suffix("%}"))
        .map(str::trim)
}

impl Builder<'_> {
    fn error(&mut self, code: &'static str, pointer: String, message: String) {
        self.diagnostics
            .push(Diagnostic::error(code, pointer, message));
    }

    fn object<'v>(&mut self, value: &'v Value, pointer: &str, what: &str) -> Option<Obj<'v>> {
        match value {
            Value::Object(map) => Some(Obj {
                map,
                pointer: pointer.to_string(),
            }),
            other => {
                self.error(
                    "wrong-type",
                    pointer.to_string(),
                    format!("{what} must be an object, not {}", json_type_name(other)),
                );
                None
            }
        }
    }

    fn string(&mut self, obj: &Obj<'_>, key: &str, context: &str) -> Option<String> {
        let value = obj.get(key)?;
        match value {
            Value::String(s) => Some(s.clone()),
            other => {
                self.error(
                    "wrong-type",
                    obj.at(key),
                    format!(
                        "{context}: `{key}` must be a string, not {}",
                        json_type_name(other)
                    ),
                );
                None
            }
        }
    }

    fn required_string(&mut self, obj: &Obj<'_>, key: &str, context: &str) -> Option<String> {
        if !obj.has(key) {
            self.error(
                "missing-field",
                obj.pointer.clone(),
                format!("{context} has no `{key}`"),
            );
            return None;
        }
        self.string(obj, key, context)
    }

    /// A string-or-null path field (`InputPath`, `OutputPath`, `ResultPath`).
    fn nullable_path(&mut self, obj: &Obj<'_>, key: &str, context: &str) -> Option<Option<String>> {
        match obj.get(key)? {
            Value::Null => Some(None),
            Value::String(s) => Some(Some(s.clone())),
            other => {
                self.error(
                    "wrong-type",
                    obj.at(key),
                    format!(
                        "{context}: `{key}` must be a path string or null, not {}",
                        json_type_name(other)
                    ),
                );
                None
            }
        }
    }

    fn bool_field(&mut self, obj: &Obj<'_>, key: &str, context: &str) -> Option<bool> {
        match obj.get(key)? {
            Value::Bool(b) => Some(*b),
            other => {
                self.error(
                    "wrong-type",
                    obj.at(key),
                    format!(
                        "{context}: `{key}` must be a boolean, not {}",
                        json_type_name(other)
                    ),
                );
                None
            }
        }
    }

    /// A non-negative integer no larger than `max`. Fractions, negatives and huge values are
    /// reported with the field's name.
    fn integer(
        &mut self,
        value: &Value,
        pointer: String,
        what: &str,
        min: u64,
        max: u64,
    ) -> Option<u64> {
        let Value::Number(number) = value else {
            self.error(
                "wrong-type",
                pointer,
                format!("{what} must be an integer, not {}", json_type_name(value)),
            );
            return None;
        };
        let parsed = number.as_u64().or_else(|| {
            number
                .as_f64()
                .filter(|f| f.fract() == 0.0 && *f >= 0.0 && *f <= u64::MAX as f64)
                .map(|f| f as u64)
        });
        match parsed {
            Some(n) if (min..=max).contains(&n) => Some(n),
            Some(n) => {
                self.error(
                    "out-of-range",
                    pointer,
                    format!("{what} must be between {min} and {max}, not {n}"),
                );
                None
            }
            None => {
                let shown = number.to_string();
                // A whole number too large or negative is out of range; a fraction is not an
                // integer at all.
                let code = if number
                    .as_f64()
                    .is_some_and(|f| f < 0.0 || (f.is_finite() && f.fract() == 0.0))
                {
                    "out-of-range"
                } else {
                    "wrong-type"
                };
                let message = if code == "out-of-range" {
                    format!("{what} must be between {min} and {max}, not {shown}")
                } else {
                    format!("{what} must be an integer, not {shown}")
                };
                self.error(code, pointer, message);
                None
            }
        }
    }

    /// A numeric field that may also come as `…Path` (JSONPath) or `{% %}` (JSONata).
    fn numeric(
        &mut self,
        obj: &Obj<'_>,
        key: &str,
        context: &str,
        integer: bool,
        min: f64,
        max: f64,
    ) -> Option<Numeric> {
        let path_key = format!("{key}Path");
        if let Some(value) = obj.get(&path_key) {
            match value {
                Value::String(path) => return Some(Numeric::Path(path.clone())),
                other => {
                    self.error(
                        "wrong-type",
                        obj.at(&path_key),
                        format!(
                            "{context}: `{path_key}` must be a path string, not {}",
                            json_type_name(other)
                        ),
                    );
                    return None;
                }
            }
        }
        let value = obj.get(key)?;
        let pointer = obj.at(key);
        match value {
            Value::String(text) => match jsonata_expression(text) {
                Some(expr) => Some(Numeric::Jsonata(expr.to_string())),
                None => {
                    self.error(
                        "wrong-type",
                        pointer,
                        format!(
                            "{context}: `{key}` must be a number (or a JSONata `{{% … %}}` expression), not the string {text:?}"
                        ),
                    );
                    None
                }
            },
            Value::Number(number) => {
                let Some(f) = number.as_f64() else {
                    self.error(
                        "wrong-type",
                        pointer,
                        format!("{context}: `{key}` is not a usable number"),
                    );
                    return None;
                };
                if integer && f.fract() != 0.0 {
                    self.error(
                        "wrong-type",
                        pointer,
                        format!("{context}: `{key}` must be an integer, not {number}"),
                    );
                    return None;
                }
                if !(min..=max).contains(&f) {
                    self.error(
                        "out-of-range",
                        pointer,
                        format!("{context}: `{key}` must be between {min} and {max}, not {number}"),
                    );
                    return None;
                }
                Some(Numeric::Literal(f))
            }
            other => {
                self.error(
                    "wrong-type",
                    pointer,
                    format!(
                        "{context}: `{key}` must be a number, not {}",
                        json_type_name(other)
                    ),
                );
                None
            }
        }
    }

    /// A string field that may also come as `…Path` or as a JSONata expression.
    fn text(&mut self, obj: &Obj<'_>, key: &str, context: &str) -> Option<Text> {
        let path_key = format!("{key}Path");
        if obj.has(&path_key) {
            return self.string(obj, &path_key, context).map(Text::Path);
        }
        let text = self.string(obj, key, context)?;
        Some(match jsonata_expression(&text) {
            Some(expr) => Text::Jsonata(expr.to_string()),
            None => Text::Literal(text),
        })
    }

    fn query_language(&mut self, obj: &Obj<'_>, inherited: QueryLanguage) -> QueryLanguage {
        match obj.get("QueryLanguage") {
            None => inherited,
            Some(Value::String(s)) if s == "JSONPath" => QueryLanguage::JsonPath,
            Some(Value::String(s)) if s == "JSONata" => QueryLanguage::Jsonata,
            Some(other) => {
                self.error(
                    "invalid-value",
                    obj.at("QueryLanguage"),
                    format!("`QueryLanguage` must be \"JSONPath\" or \"JSONata\", not {other}"),
                );
                inherited
            }
        }
    }

    fn machine(
        &mut self,
        value: &Value,
        pointer: &str,
        inherited: QueryLanguage,
        top_level: bool,
    ) -> Option<StateMachine> {
        let what = if top_level {
            "A state machine definition"
        } else {
            "A branch or item processor"
        };
        let obj = self.object(value, pointer, what)?;
        let context = if top_level {
            "The state machine".to_string()
        } else {
            format!("`{pointer}`")
        };
        let query_language = self.query_language(&obj, inherited);
        let start_at = self.required_string(&obj, "StartAt", &context);
        let comment = self.string(&obj, "Comment", &context);
        let version = if top_level {
            self.string(&obj, "Version", &context)
        } else {
            None
        };
        let timeout_seconds = match (top_level, obj.get("TimeoutSeconds")) {
            (true, Some(value)) => self.integer(
                value,
                obj.at("TimeoutSeconds"),
                "The execution's `TimeoutSeconds`",
                1,
                MAX_INTEGER_FIELD,
            ),
            _ => None,
        };
        let states = match obj.get("States") {
            None => {
                self.error(
                    "missing-field",
                    obj.pointer.clone(),
                    format!("{context} has no `States`"),
                );
                Vec::new()
            }
            Some(states_value) => {
                let states_pointer = obj.at("States");
                match self.object(states_value, &states_pointer, "`States`") {
                    Some(states_obj) => {
                        let mut states = Vec::with_capacity(states_obj.map.len());
                        for (name, state_value) in states_obj.map {
                            let state_pointer = pointer_push(&states_pointer, name);
                            if let Some(state) =
                                self.state(name, state_value, &state_pointer, query_language)
                            {
                                states.push(state);
                            }
                        }
                        states
                    }
                    None => Vec::new(),
                }
            }
        };
        Some(StateMachine {
            pointer: pointer.to_string(),
            comment,
            start_at: start_at.unwrap_or_default(),
            states,
            timeout_seconds,
            version,
            query_language,
        })
    }

    fn state(
        &mut self,
        name: &str,
        value: &Value,
        pointer: &str,
        inherited: QueryLanguage,
    ) -> Option<State> {
        let obj = self.object(value, pointer, &format!("State `{name}`"))?;
        let context = format!("State `{name}`");
        let type_name = self.required_string(&obj, "Type", &context)?;
        let query_language = self.query_language(&obj, inherited);
        let comment = self.string(&obj, "Comment", &context);
        let next = self.string(&obj, "Next", &context);
        let end = self.bool_field(&obj, "End", &context).unwrap_or(false);
        let transition = match (next, end) {
            (Some(next), _) => Transition::Next(next),
            (None, true) => Transition::End,
            (None, false) => Transition::None,
        };
        let io = DataFlow {
            input_path: self.nullable_path(&obj, "InputPath", &context),
            output_path: self.nullable_path(&obj, "OutputPath", &context),
            result_path: self.nullable_path(&obj, "ResultPath", &context),
            parameters: obj.get("Parameters").cloned(),
            result_selector: obj.get("ResultSelector").cloned(),
            arguments: obj.get("Arguments").cloned(),
            output: obj.get("Output").cloned(),
            assign: obj.get("Assign").cloned(),
        };
        let kind = match type_name.as_str() {
            "Task" => StateKind::Task(self.task(&obj, &context)),
            "Pass" => StateKind::Pass(Pass {
                result: obj.get("Result").cloned(),
            }),
            "Choice" => StateKind::Choice(self.choice(&obj, &context, query_language)),
            "Wait" => StateKind::Wait(self.wait(&obj, &context)?),
            "Succeed" => StateKind::Succeed,
            "Fail" => StateKind::Fail(Fail {
                error: self.text(&obj, "Error", &context),
                cause: self.text(&obj, "Cause", &context),
            }),
            "Parallel" => StateKind::Parallel(self.parallel(&obj, &context, query_language)),
            "Map" => StateKind::Map(Box::new(self.map(&obj, &context, query_language)?)),
            other => {
                self.error(
                    "unknown-state-type",
                    obj.at("Type"),
                    format!(
                        "{context} has unknown `Type` {other:?}; expected one of Task, Pass, Choice, Wait, Succeed, Fail, Parallel, Map"
                    ),
                );
                return None;
            }
        };
        Some(State {
            name: name.to_string(),
            pointer: pointer.to_string(),
            comment,
            query_language,
            transition,
            io,
            kind,
        })
    }

    fn task(&mut self, obj: &Obj<'_>, context: &str) -> Task {
        // A definition copied out of a template may name its resource with a CloudFormation
        // intrinsic function; it only resolves inside the template.
        if let Some(placeholder) = obj.get("Resource").and_then(intrinsic_placeholder) {
            self.diagnostics.push(Diagnostic::warning(
                "cloudformation-intrinsic",
                obj.at("Resource"),
                format!(
                    "{context}: `Resource` is a CloudFormation intrinsic function, which only resolves inside a template; mapsim reads it as the placeholder `{placeholder}`"
                ),
            ));
            return Task {
                resource: placeholder,
                ..self.task_fields(obj, context)
            };
        }
        let resource = self
            .required_string(obj, "Resource", context)
            .unwrap_or_default();
        Task {
            resource,
            ..self.task_fields(obj, context)
        }
    }

    /// Every Task field but `Resource`.
    fn task_fields(&mut self, obj: &Obj<'_>, context: &str) -> Task {
        let resource = String::new();
        Task {
            resource,
            timeout_seconds: self.numeric(
                obj,
                "TimeoutSeconds",
                context,
                true,
                1.0,
                MAX_INTEGER_FIELD as f64,
            ),
            heartbeat_seconds: self.numeric(
                obj,
                "HeartbeatSeconds",
                context,
                true,
                1.0,
                MAX_INTEGER_FIELD as f64,
            ),
            retry: self.retriers(obj, context),
            catch: self.catchers(obj, context),
            credentials: obj.get("Credentials").cloned(),
        }
    }

    fn error_equals(&mut self, obj: &Obj<'_>, context: &str) -> Vec<String> {
        let Some(value) = obj.get("ErrorEquals") else {
            self.error(
                "missing-field",
                obj.pointer.clone(),
                format!("{context} has no `ErrorEquals`"),
            );
            return Vec::new();
        };
        let Value::Array(items) = value else {
            self.error(
                "wrong-type",
                obj.at("ErrorEquals"),
                format!(
                    "{context}: `ErrorEquals` must be an array of error names, not {}",
                    json_type_name(value)
                ),
            );
            return Vec::new();
        };
        if items.is_empty() {
            self.error(
                "empty-error-equals",
                obj.at("ErrorEquals"),
                format!("{context}: `ErrorEquals` must name at least one error"),
            );
        }
        let pointer = obj.at("ErrorEquals");
        let mut names = Vec::with_capacity(items.len());
        for (i, item) in items.iter().enumerate() {
            match item {
                Value::String(s) => names.push(s.clone()),
                other => self.error(
                    "wrong-type",
                    pointer_push(&pointer, &i.to_string()),
                    format!(
                        "{context}: error names in `ErrorEquals` must be strings, not {}",
                        json_type_name(other)
                    ),
                ),
            }
        }
        names
    }

    fn retriers(&mut self, obj: &Obj<'_>, context: &str) -> Vec<Retrier> {
        let Some(value) = obj.get("Retry") else {
            return Vec::new();
        };
        let Value::Array(items) = value else {
            self.error(
                "wrong-type",
                obj.at("Retry"),
                format!(
                    "{context}: `Retry` must be an array of retriers, not {}",
                    json_type_name(value)
                ),
            );
            return Vec::new();
        };
        let pointer = obj.at("Retry");
        let mut retriers = Vec::with_capacity(items.len());
        for (i, item) in items.iter().enumerate() {
            let item_pointer = pointer_push(&pointer, &i.to_string());
            let retrier_context = format!("{context}, retrier #{}", i + 1);
            let Some(r) = self.object(item, &item_pointer, &retrier_context) else {
                continue;
            };
            let error_equals = self.error_equals(&r, &retrier_context);
            let interval_seconds = r
                .get("IntervalSeconds")
                .and_then(|v| {
                    self.integer(
                        v,
                        r.at("IntervalSeconds"),
                        &format!("{retrier_context}: `IntervalSeconds`"),
                        1,
                        MAX_INTEGER_FIELD,
                    )
                })
                .unwrap_or(Retrier::DEFAULT_INTERVAL_SECONDS);
            let max_attempts = r
                .get("MaxAttempts")
                .and_then(|v| {
                    self.integer(
                        v,
                        r.at("MaxAttempts"),
                        &format!("{retrier_context}: `MaxAttempts`"),
                        0,
                        MAX_INTEGER_FIELD,
                    )
                })
                .unwrap_or(Retrier::DEFAULT_MAX_ATTEMPTS);
            let backoff_rate = match r.get("BackoffRate") {
                None => Retrier::DEFAULT_BACKOFF_RATE,
                Some(Value::Number(n)) => {
                    match n.as_f64() {
                        Some(f) if f >= 1.0 && f.is_finite() && f <= MAX_INTEGER_FIELD as f64 => f,
                        _ => {
                            self.error(
                            "out-of-range",
                            r.at("BackoffRate"),
                            format!("{retrier_context}: `BackoffRate` must be at least 1.0, not {n}"),
                        );
                            Retrier::DEFAULT_BACKOFF_RATE
                        }
                    }
                }
                Some(other) => {
                    self.error(
                        "wrong-type",
                        r.at("BackoffRate"),
                        format!(
                            "{retrier_context}: `BackoffRate` must be a number, not {}",
                            json_type_name(other)
                        ),
                    );
                    Retrier::DEFAULT_BACKOFF_RATE
                }
            };
            let max_delay_seconds = r.get("MaxDelaySeconds").and_then(|v| {
                self.integer(
                    v,
                    r.at("MaxDelaySeconds"),
                    &format!("{retrier_context}: `MaxDelaySeconds`"),
                    1,
                    MAX_DELAY_SECONDS_LIMIT - 1,
                )
            });
            let jitter = match r.get("JitterStrategy") {
                None => Jitter::None,
                Some(Value::String(s)) if s == "FULL" => Jitter::Full,
                Some(Value::String(s)) if s == "NONE" => Jitter::None,
                Some(other) => {
                    self.error(
                        "invalid-value",
                        r.at("JitterStrategy"),
                        format!("{retrier_context}: `JitterStrategy` must be \"FULL\" or \"NONE\", not {other}"),
                    );
                    Jitter::None
                }
            };
            let comment = self.string(&r, "Comment", &retrier_context);
            retriers.push(Retrier {
                pointer: item_pointer,
                error_equals,
                interval_seconds,
                max_attempts,
                backoff_rate,
                max_delay_seconds,
                jitter,
                comment,
            });
        }
        retriers
    }

    fn catchers(&mut self, obj: &Obj<'_>, context: &str) -> Vec<Catcher> {
        let Some(value) = obj.get("Catch") else {
            return Vec::new();
        };
        let Value::Array(items) = value else {
            self.error(
                "wrong-type",
                obj.at("Catch"),
                format!(
                    "{context}: `Catch` must be an array of catchers, not {}",
                    json_type_name(value)
                ),
            );
            return Vec::new();
        };
        let pointer = obj.at("Catch");
        let mut catchers = Vec::with_capacity(items.len());
        for (i, item) in items.iter().enumerate() {
            let item_pointer = pointer_push(&pointer, &i.to_string());
            let catcher_context = format!("{context}, catcher #{}", i + 1);
            let Some(c) = self.object(item, &item_pointer, &catcher_context) else {
                continue;
            };
            let error_equals = self.error_equals(&c, &catcher_context);
            let next = self
                .required_string(&c, "Next", &catcher_context)
                .unwrap_or_default();
            catchers.push(Catcher {
                pointer: item_pointer,
                error_equals,
                next,
                result_path: self.nullable_path(&c, "ResultPath", &catcher_context),
                output: c.get("Output").cloned(),
                assign: c.get("Assign").cloned(),
                comment: self.string(&c, "Comment", &catcher_context),
            });
        }
        catchers
    }

    fn choice(&mut self, obj: &Obj<'_>, context: &str, language: QueryLanguage) -> Choice {
        let default = self.string(obj, "Default", context);
        let mut choices = Vec::new();
        match obj.get("Choices") {
            None => self.error(
                "missing-field",
                obj.pointer.clone(),
                format!("{context} has no `Choices`"),
            ),
            Some(Value::Array(items)) => {
                if items.is_empty() {
                    self.error(
                        "empty-choices",
                        obj.at("Choices"),
                        format!("{context}: `Choices` must hold at least one rule"),
                    );
                }
                let pointer = obj.at("Choices");
                for (i, item) in items.iter().enumerate() {
                    let rule_pointer = pointer_push(&pointer, &i.to_string());
                    let rule_context = format!("{context}, choice rule #{}", i + 1);
                    let Some(rule) = self.object(item, &rule_pointer, &rule_context) else {
                        continue;
                    };
                    let next = self
                        .required_string(&rule, "Next", &rule_context)
                        .unwrap_or_default();
                    let Some(condition) = self.condition(&rule, &rule_context, language) else {
                        continue;
                    };
                    choices.push(ChoiceRule {
                        pointer: rule_pointer,
                        condition,
                        next,
                        output: rule.get("Output").cloned(),
                        assign: rule.get("Assign").cloned(),
                        comment: self.string(&rule, "Comment", &rule_context),
                    });
                }
            }
            Some(other) => self.error(
                "wrong-type",
                obj.at("Choices"),
                format!(
                    "{context}: `Choices` must be an array of rules, not {}",
                    json_type_name(other)
                ),
            ),
        }
        Choice { choices, default }
    }

    fn condition(
        &mut self,
        rule: &Obj<'_>,
        context: &str,
        language: QueryLanguage,
    ) -> Option<Condition> {
        if let Some(value) = rule.get("Condition") {
            return match value {
                Value::String(text) => match jsonata_expression(text) {
                    Some(expr) => Some(Condition::Jsonata(expr.to_string())),
                    None => {
                        self.error(
                            "jsonata-not-wrapped",
                            rule.at("Condition"),
                            format!("{context}: `Condition` must be a JSONata expression written as \"{{% … %}}\""),
                        );
                        None
                    }
                },
                Value::Bool(b) => Some(Condition::Jsonata(b.to_string())),
                other => {
                    self.error(
                        "wrong-type",
                        rule.at("Condition"),
                        format!(
                            "{context}: `Condition` must be a string, not {}",
                            json_type_name(other)
                        ),
                    );
                    None
                }
            };
        }
        for (key, combinator) in [("And", 0u8), ("Or", 1u8)] {
            if let Some(value) = rule.get(key) {
                let Value::Array(items) = value else {
                    self.error(
                        "wrong-type",
                        rule.at(key),
                        format!(
                            "{context}: `{key}` must be an array of rules, not {}",
                            json_type_name(value)
                        ),
                    );
                    return None;
                };
                if items.is_empty() {
                    self.error(
                        "empty-choices",
                        rule.at(key),
                        format!("{context}: `{key}` must hold at least one rule"),
                    );
                }
                let pointer = rule.at(key);
                let mut inner = Vec::with_capacity(items.len());
                for (i, item) in items.iter().enumerate() {
                    let item_pointer = pointer_push(&pointer, &i.to_string());
                    let Some(sub) = self.object(item, &item_pointer, context) else {
                        continue;
                    };
                    if let Some(cond) = self.condition(&sub, context, language) {
                        inner.push(cond);
                    }
                }
                return Some(if combinator == 0 {
                    Condition::And(inner)
                } else {
                    Condition::Or(inner)
                });
            }
        }
        if let Some(value) = rule.get("Not") {
            let sub = self.object(value, &rule.at("Not"), context)?;
            return self
                .condition(&sub, context, language)
                .map(|c| Condition::Not(Box::new(c)));
        }
        let variable = self.string(rule, "Variable", context);
        let mut found = None;
        for (key, value) in rule.map {
            if let Some((op, is_path)) = Comparison::parse(key) {
                if found.is_some() {
                    self.error(
                        "multiple-comparisons",
                        rule.at(key),
                        format!("{context} has more than one comparison operator"),
                    );
                    break;
                }
                found = Some((op, is_path, key.as_str(), value));
            }
        }
        let Some((op, is_path, key, value)) = found else {
            let code = if language == QueryLanguage::Jsonata {
                "missing-field"
            } else {
                "no-comparison"
            };
            let message = if language == QueryLanguage::Jsonata {
                format!("{context} has no `Condition`")
            } else {
                format!("{context} has no comparison operator (such as `StringEquals`), and no `And`, `Or` or `Not`")
            };
            self.error(code, rule.pointer.clone(), message);
            return None;
        };
        let Some(variable) = variable else {
            self.error(
                "missing-field",
                rule.pointer.clone(),
                format!("{context} compares with `{key}` but has no `Variable`"),
            );
            return None;
        };
        let operand = if is_path {
            match value {
                Value::String(path) => Operand::Path(path.clone()),
                other => {
                    self.error(
                        "wrong-type",
                        rule.at(key),
                        format!(
                            "{context}: `{key}` must be a path string, not {}",
                            json_type_name(other)
                        ),
                    );
                    return None;
                }
            }
        } else {
            let expected = match op {
                Comparison::StringEquals
                | Comparison::StringLessThan
                | Comparison::StringGreaterThan
                | Comparison::StringLessThanEquals
                | Comparison::StringGreaterThanEquals
                | Comparison::StringMatches
                | Comparison::TimestampEquals
                | Comparison::TimestampLessThan
                | Comparison::TimestampGreaterThan
                | Comparison::TimestampLessThanEquals
                | Comparison::TimestampGreaterThanEquals => {
                    value.is_string().then_some(()).ok_or("a string")
                }
                Comparison::NumericEquals
                | Comparison::NumericLessThan
                | Comparison::NumericGreaterThan
                | Comparison::NumericLessThanEquals
                | Comparison::NumericGreaterThanEquals => {
                    value.is_number().then_some(()).ok_or("a number")
                }
                _ => value.is_boolean().then_some(()).ok_or("a boolean"),
            };
            if let Err(expected) = expected {
                self.error(
                    "wrong-type",
                    rule.at(key),
                    format!(
                        "{context}: `{key}` must be {expected}, not {}",
                        json_type_name(value)
                    ),
                );
                return None;
            }
            Operand::Literal(value.clone())
        };
        Some(Condition::Compare {
            variable,
            op,
            operand,
        })
    }

    fn wait(&mut self, obj: &Obj<'_>, context: &str) -> Option<Wait> {
        if obj.has("Seconds") || obj.has("SecondsPath") {
            return self
                .numeric(obj, "Seconds", context, true, 0.0, MAX_INTEGER_FIELD as f64)
                .map(Wait::Seconds);
        }
        if obj.has("Timestamp") || obj.has("TimestampPath") {
            return self.text(obj, "Timestamp", context).map(Wait::Timestamp);
        }
        self.error(
            "missing-field",
            obj.pointer.clone(),
            format!(
                "{context} needs one of `Seconds`, `SecondsPath`, `Timestamp`, `TimestampPath`"
            ),
        );
        None
    }

    fn parallel(&mut self, obj: &Obj<'_>, context: &str, language: QueryLanguage) -> Parallel {
        let mut branches = Vec::new();
        match obj.get("Branches") {
            None => self.error(
                "missing-field",
                obj.pointer.clone(),
                format!("{context} has no `Branches`"),
            ),
            Some(Value::Array(items)) => {
                if items.is_empty() {
                    self.error(
                        "empty-branches",
                        obj.at("Branches"),
                        format!("{context}: `Branches` must hold at least one branch"),
                    );
                }
                let pointer = obj.at("Branches");
                for (i, item) in items.iter().enumerate() {
                    if let Some(branch) = self.machine(
                        item,
                        &pointer_push(&pointer, &i.to_string()),
                        language,
                        false,
                    ) {
                        branches.push(branch);
                    }
                }
            }
            Some(other) => self.error(
                "wrong-type",
                obj.at("Branches"),
                format!(
                    "{context}: `Branches` must be an array, not {}",
                    json_type_name(other)
                ),
            ),
        }
        Parallel {
            branches,
            retry: self.retriers(obj, context),
            catch: self.catchers(obj, context),
        }
    }

    fn map(&mut self, obj: &Obj<'_>, context: &str, language: QueryLanguage) -> Option<Map> {
        let (processor_key, legacy_iterator) = if obj.has("ItemProcessor") {
            ("ItemProcessor", false)
        } else if obj.has("Iterator") {
            ("Iterator", true)
        } else {
            self.error(
                "missing-field",
                obj.pointer.clone(),
                format!("{context} has no `ItemProcessor`"),
            );
            return None;
        };
        let processor_pointer = obj.at(processor_key);
        let processor_value = obj.get(processor_key)?;
        let processor_obj = self.object(
            processor_value,
            &processor_pointer,
            &format!("{context}: `{processor_key}`"),
        )?;
        let (mode, execution_type) = match processor_obj.get("ProcessorConfig") {
            None => (ProcessorMode::Inline, None),
            Some(config_value) => {
                let config = self.object(
                    config_value,
                    &processor_obj.at("ProcessorConfig"),
                    "`ProcessorConfig`",
                )?;
                let mode = match config.get("Mode") {
                    None => ProcessorMode::Inline,
                    Some(Value::String(s)) if s == "INLINE" => ProcessorMode::Inline,
                    Some(Value::String(s)) if s == "DISTRIBUTED" => ProcessorMode::Distributed,
                    Some(other) => {
                        self.error(
                            "invalid-value",
                            config.at("Mode"),
                            format!("{context}: `ProcessorConfig.Mode` must be \"INLINE\" or \"DISTRIBUTED\", not {other}"),
                        );
                        ProcessorMode::Inline
                    }
                };
                let execution_type = match config.get("ExecutionType") {
                    None => None,
                    Some(Value::String(s)) if s == "STANDARD" => Some(ExecutionType::Standard),
                    Some(Value::String(s)) if s == "EXPRESS" => Some(ExecutionType::Express),
                    Some(other) => {
                        self.error(
                            "invalid-value",
                            config.at("ExecutionType"),
                            format!("{context}: `ProcessorConfig.ExecutionType` must be \"STANDARD\" or \"EXPRESS\", not {other}"),
                        );
                        None
                    }
                };
                (mode, execution_type)
            }
        };
        // A processor inherits the Map state's query language.
        let machine = self.machine(processor_value, &processor_pointer, language, false)?;
        let item_reader = obj.get("ItemReader").and_then(|value| {
            let reader = self.object(
                value,
                &obj.at("ItemReader"),
                &format!("{context}: `ItemReader`"),
            )?;
            let reader_context = format!("{context}: `ItemReader`");
            let resource = self
                .required_string(&reader, "Resource", &reader_context)
                .unwrap_or_default();
            let reader_config = reader.get("ReaderConfig").cloned();
            let max_items = match reader.get("ReaderConfig") {
                Some(config_value) => {
                    let config =
                        self.object(config_value, &reader.at("ReaderConfig"), "`ReaderConfig`")?;
                    self.numeric(
                        &config,
                        "MaxItems",
                        &reader_context,
                        true,
                        0.0,
                        100_000_000.0,
                    )
                }
                None => None,
            };
            let config_text = |key: &str| {
                reader_config
                    .as_ref()
                    .and_then(|c| c.get(key))
                    .and_then(Value::as_str)
                    .map(str::to_string)
            };
            let csv_headers = match reader_config.as_ref().and_then(|c| c.get("CSVHeaders")) {
                None => None,
                Some(Value::Array(items)) if items.iter().all(Value::is_string) => Some(
                    items
                        .iter()
                        .filter_map(Value::as_str)
                        .map(str::to_string)
                        .collect(),
                ),
                Some(other) => {
                    self.error(
                        "wrong-type",
                        pointer_push(&reader.at("ReaderConfig"), "CSVHeaders"),
                        format!(
                            "{reader_context}: `CSVHeaders` must be an array of strings, not {}",
                            json_type_name(other)
                        ),
                    );
                    None
                }
            };
            Some(ItemReader {
                resource,
                input_type: config_text("InputType"),
                csv_header_location: config_text("CSVHeaderLocation"),
                csv_headers,
                csv_delimiter: config_text("CSVDelimiter"),
                manifest_type: config_text("ManifestType"),
                reader_config,
                parameters: reader
                    .get("Parameters")
                    .or_else(|| reader.get("Arguments"))
                    .cloned(),
                max_items,
            })
        });
        let item_batcher = obj.get("ItemBatcher").and_then(|value| {
            let batcher = self.object(
                value,
                &obj.at("ItemBatcher"),
                &format!("{context}: `ItemBatcher`"),
            )?;
            let batcher_context = format!("{context}: `ItemBatcher`");
            Some(ItemBatcher {
                max_items_per_batch: self.numeric(
                    &batcher,
                    "MaxItemsPerBatch",
                    &batcher_context,
                    true,
                    1.0,
                    100_000_000.0,
                ),
                max_input_bytes_per_batch: self.numeric(
                    &batcher,
                    "MaxInputBytesPerBatch",
                    &batcher_context,
                    true,
                    1.0,
                    262_144.0,
                ),
                batch_input: batcher.get("BatchInput").cloned(),
            })
        });
        let result_writer = obj.get("ResultWriter").and_then(|value| {
            let writer = self.object(
                value,
                &obj.at("ResultWriter"),
                &format!("{context}: `ResultWriter`"),
            )?;
            let writer_context = format!("{context}: `ResultWriter`");
            let writer_config = writer.get("WriterConfig").cloned();
            let config_text = |key: &str| {
                writer_config
                    .as_ref()
                    .and_then(|c| c.get(key))
                    .and_then(Value::as_str)
                    .map(str::to_string)
            };
            Some(ResultWriter {
                resource: self.string(&writer, "Resource", &writer_context),
                parameters: writer
                    .get("Parameters")
                    .or_else(|| writer.get("Arguments"))
                    .cloned(),
                output_type: config_text("OutputType"),
                transformation: config_text("Transformation"),
                writer_config,
            })
        });
        let items_path = match obj.get("ItemsPath") {
            Some(Value::String(s)) => Some(s.clone()),
            Some(other) => {
                self.error(
                    "wrong-type",
                    obj.at("ItemsPath"),
                    format!(
                        "{context}: `ItemsPath` must be a path string, not {}",
                        json_type_name(other)
                    ),
                );
                None
            }
            None => None,
        };
        Some(Map {
            processor: Processor {
                mode,
                execution_type,
                machine,
                legacy_iterator,
            },
            items_path,
            items: obj.get("Items").cloned(),
            item_selector: obj
                .get("ItemSelector")
                .or_else(|| obj.get("Parameters"))
                .cloned(),
            item_reader,
            item_batcher,
            result_writer,
            max_concurrency: self.numeric(
                obj,
                "MaxConcurrency",
                context,
                true,
                0.0,
                MAX_INTEGER_FIELD as f64,
            ),
            tolerated_failure_count: self.numeric(
                obj,
                "ToleratedFailureCount",
                context,
                true,
                0.0,
                MAX_INTEGER_FIELD as f64,
            ),
            tolerated_failure_percentage: self.numeric(
                obj,
                "ToleratedFailurePercentage",
                context,
                false,
                0.0,
                100.0,
            ),
            label: self.string(obj, "Label", context),
            retry: self.retriers(obj, context),
            catch: self.catchers(obj, context),
        })
    }
}
