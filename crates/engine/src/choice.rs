//! Choice rules: compiled JSONPath comparisons (all operators, `And`/`Or`/`Not`, `Is*`) and
//! JSONata conditions.

use asl::path::{EvalError, Path};
use asl::{Comparison, Condition, Operand};
use serde_json::Value;

use crate::clock;
use crate::data::{Failure, PathFailure, Roots};
use crate::jsonata;

/// A compiled condition.
#[derive(Debug, Clone)]
pub enum Rule {
    And(Vec<Rule>),
    Or(Vec<Rule>),
    Not(Box<Rule>),
    Compare {
        variable: Path,
        op: Comparison,
        operand: CompiledOperand,
    },
    Jsonata(jsonata::Expression),
}

#[derive(Debug, Clone)]
pub enum CompiledOperand {
    Literal(Value),
    /// A pre-parsed `StringMatches` pattern.
    Pattern(Vec<PatternPiece>),
    /// A literal timestamp, in epoch milliseconds.
    Timestamp(i64),
    Path(Path),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PatternPiece {
    Text(String),
    /// `*`: any run of characters.
    Any,
}

impl Rule {
    pub fn compile(condition: &Condition) -> Result<Rule, String> {
        Ok(match condition {
            Condition::And(items) => {
                Rule::And(items.iter().map(Rule::compile).collect::<Result<_, _>>()?)
            }
            Condition::Or(items) => {
                Rule::Or(items.iter().map(Rule::compile).collect::<Result<_, _>>()?)
            }
            Condition::Not(inner) => Rule::Not(Box::new(Rule::compile(inner)?)),
            Condition::Jsonata(text) => {
                Rule::Jsonata(jsonata::Expression::parse(text).map_err(|e| e.to_string())?)
            }
            Condition::Compare {
                variable,
                op,
                operand,
            } => {
                let variable =
                    Path::parse(variable).map_err(|e| format!("Variable '{variable}': {e}"))?;
                let operand = match operand {
                    Operand::Path(p) => {
                        CompiledOperand::Path(Path::parse(p).map_err(|e| format!("'{p}': {e}"))?)
                    }
                    Operand::Literal(v) => match (op, v) {
                        (Comparison::StringMatches, Value::String(s)) => {
                            CompiledOperand::Pattern(compile_pattern(s))
                        }
                        (
                            Comparison::TimestampEquals
                            | Comparison::TimestampLessThan
                            | Comparison::TimestampGreaterThan
                            | Comparison::TimestampLessThanEquals
                            | Comparison::TimestampGreaterThanEquals,
                            Value::String(s),
                        ) => match clock::parse_rfc3339(s) {
                            Some(ms) => CompiledOperand::Timestamp(ms),
                            None => return Err(format!("{s:?} is not an RFC 3339 timestamp")),
                        },
                        _ => CompiledOperand::Literal(v.clone()),
                    },
                };
                Rule::Compare {
                    variable,
                    op: *op,
                    operand,
                }
            }
        })
    }

    /// Evaluates the rule over a JSONPath state's effective input.
    pub fn matches(&self, roots: &Roots<'_>, env: &jsonata::Env<'_>) -> Result<bool, Failure> {
        match self {
            Rule::And(items) => {
                for item in items {
                    if !item.matches(roots, env)? {
                        return Ok(false);
                    }
                }
                Ok(true)
            }
            Rule::Or(items) => {
                for item in items {
                    if item.matches(roots, env)? {
                        return Ok(true);
                    }
                }
                Ok(false)
            }
            Rule::Not(inner) => Ok(!inner.matches(roots, env)?),
            Rule::Jsonata(expr) => match expr.evaluate(env) {
                Ok(Some(Value::Bool(b))) => Ok(b),
                Ok(other) => Err(Failure {
                    error: crate::errors::names::QUERY_EVALUATION_ERROR,
                    cause: format!(
                        "The JSONata expression '{}' specified for the field 'Condition' returned an unexpected result type. Expected 'boolean', but was {}",
                        expr.text(),
                        other.map_or_else(|| "nothing (undefined)".to_string(), |v| crate::data::compact(&v))
                    ),
                }),
                Err(e) => Err(e.into_failure("Condition")),
            },
            Rule::Compare {
                variable,
                op,
                operand,
            } => {
                let value = match roots.select(variable) {
                    Ok(v) => Some(v),
                    Err(PathFailure::Eval(EvalError::Missing { .. } | EvalError::WrongType { .. })) => {
                        None
                    }
                    Err(PathFailure::Variable(m)) => return Err(Failure::runtime(m)),
                    Err(PathFailure::Eval(e)) => {
                        return Err(Failure::runtime(format!(
                            "Invalid path '{}': {e}",
                            variable.text()
                        )))
                    }
                };
                if *op == Comparison::IsPresent {
                    let wanted = matches!(operand, CompiledOperand::Literal(Value::Bool(true)));
                    return Ok(value.is_some() == wanted);
                }
                let Some(value) = value else {
                    return Err(Failure::runtime(format!(
                        "Invalid path '{}': The choice state's condition path references an invalid value.",
                        variable.text()
                    )));
                };
                let other = match operand {
                    CompiledOperand::Path(p) => match roots.select(p) {
                        Ok(v) => CompiledOperand::Literal(v),
                        Err(_) => {
                            return Err(Failure::runtime(format!(
                                "Invalid path '{}': The choice state's condition path references an invalid value.",
                                p.text()
                            )))
                        }
                    },
                    other => other.clone(),
                };
                Ok(compare(&value, *op, &other))
            }
        }
    }
}

fn compare(value: &Value, op: Comparison, operand: &CompiledOperand) -> bool {
    use std::cmp::Ordering;
    let literal = match operand {
        CompiledOperand::Literal(v) => Some(v),
        _ => None,
    };
    let expected_bool = literal.and_then(Value::as_bool);
    match op {
        Comparison::IsNull => value.is_null() == expected_bool.unwrap_or(true),
        Comparison::IsNumeric => value.is_number() == expected_bool.unwrap_or(true),
        Comparison::IsString => value.is_string() == expected_bool.unwrap_or(true),
        Comparison::IsBoolean => value.is_boolean() == expected_bool.unwrap_or(true),
        Comparison::IsTimestamp => {
            value.as_str().and_then(clock::parse_rfc3339).is_some() == expected_bool.unwrap_or(true)
        }
        Comparison::IsPresent => true,
        Comparison::BooleanEquals => match (value, literal) {
            (Value::Bool(a), Some(Value::Bool(b))) => a == b,
            _ => false,
        },
        Comparison::StringMatches => match (value, operand) {
            (Value::String(s), CompiledOperand::Pattern(p)) => pattern_matches(p, s),
            (Value::String(s), CompiledOperand::Literal(Value::String(p))) => {
                pattern_matches(&compile_pattern(p), s)
            }
            _ => false,
        },
        Comparison::StringEquals
        | Comparison::StringLessThan
        | Comparison::StringGreaterThan
        | Comparison::StringLessThanEquals
        | Comparison::StringGreaterThanEquals => {
            let (Value::String(a), Some(Value::String(b))) = (value, literal) else {
                return false;
            };
            ordering_holds(op, a.cmp(b))
        }
        Comparison::NumericEquals
        | Comparison::NumericLessThan
        | Comparison::NumericGreaterThan
        | Comparison::NumericLessThanEquals
        | Comparison::NumericGreaterThanEquals => {
            let (Value::Number(a), Some(Value::Number(b))) = (value, literal) else {
                return false;
            };
            let ordering = match (a.as_i64(), b.as_i64()) {
                (Some(x), Some(y)) => x.cmp(&y),
                _ => match (a.as_f64(), b.as_f64()) {
                    (Some(x), Some(y)) => match x.partial_cmp(&y) {
                        Some(o) => o,
                        None => return false,
                    },
                    _ => return false,
                },
            };
            ordering_holds(op, ordering)
        }
        Comparison::TimestampEquals
        | Comparison::TimestampLessThan
        | Comparison::TimestampGreaterThan
        | Comparison::TimestampLessThanEquals
        | Comparison::TimestampGreaterThanEquals => {
            let Some(a) = value.as_str().and_then(clock::parse_rfc3339) else {
                return false;
            };
            let b = match operand {
                CompiledOperand::Timestamp(ms) => *ms,
                CompiledOperand::Literal(Value::String(s)) => match clock::parse_rfc3339(s) {
                    Some(ms) => ms,
                    None => return false,
                },
                _ => return false,
            };
            let _: Ordering = a.cmp(&b);
            ordering_holds(op, a.cmp(&b))
        }
    }
}

fn ordering_holds(op: Comparison, ordering: std::cmp::Ordering) -> bool {
    use std::cmp::Ordering::*;
    match op {
        Comparison::StringEquals | Comparison::NumericEquals | Comparison::TimestampEquals => {
            ordering == Equal
        }
        Comparison::StringLessThan
        | Comparison::NumericLessThan
        | Comparison::TimestampLessThan => ordering == Less,
        Comparison::StringGreaterThan
        | Comparison::NumericGreaterThan
        | Comparison::TimestampGreaterThan => ordering == Greater,
        Comparison::StringLessThanEquals
        | Comparison::NumericLessThanEquals
        | Comparison::TimestampLessThanEquals => ordering != Greater,
        Comparison::StringGreaterThanEquals
        | Comparison::NumericGreaterThanEquals
        | Comparison::TimestampGreaterThanEquals => ordering != Less,
        _ => false,
    }
}

/// `StringMatches` patterns: `*` matches any run of characters; `\*` and `\\` are literal.
pub fn compile_pattern(pattern: &str) -> Vec<PatternPiece> {
    let mut pieces = Vec::new();
    let mut text = String::new();
    let mut chars = pattern.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                if let Some(next) = chars.next() {
                    text.push(next);
                }
            }
            '*' => {
                if !text.is_empty() {
                    pieces.push(PatternPiece::Text(std::mem::take(&mut text)));
                }
                if pieces.last() != Some(&PatternPiece::Any) {
                    pieces.push(PatternPiece::Any);
                }
            }
            other => text.push(other),
        }
    }
    if !text.is_empty() {
        pieces.push(PatternPiece::Text(text));
    }
    pieces
}

pub fn pattern_matches(pieces: &[PatternPiece], text: &str) -> bool {
    match pieces.split_first() {
        None => text.is_empty(),
        Some((PatternPiece::Text(t), rest)) => text
            .strip_prefix(t.as_str())
            .is_some_and(|remaining| pattern_matches(rest, remaining)),
        Some((PatternPiece::Any, rest)) => {
            if rest.is_empty() {
                return true;
            }
            let mut positions: Vec<usize> = text.char_indices().map(|(i, _)| i).collect();
            positions.push(text.len());
            positions.into_iter().any(|i| {
                text.get(i..)
                    .is_some_and(|tail| pattern_matches(rest, tail))
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::ContextSource;
    use serde_json::json;

    struct NoContext;
    impl ContextSource for NoContext {
        fn context_object(&self) -> Value {
            json!({})
        }
    }

    fn check(condition: Value, input: &Value) -> Result<bool, Failure> {
        // Build the model's condition through the asl reader, as a Choice would.
        let definition = json!({
            "StartAt": "C",
            "States": {
                "C": {"Type": "Choice", "Choices": [ {"Next": "E"} ], "Default": "E"},
                "E": {"Type": "Succeed"}
            }
        });
        let mut definition = definition;
        if let Some(Value::Object(rule)) = definition.pointer_mut("/States/C/Choices/0") {
            if let Value::Object(c) = condition {
                rule.extend(c);
            }
        }
        let loaded = asl::load(&definition.to_string(), &asl::LoadOptions::default());
        let model = loaded
            .model
            .unwrap_or_else(|| panic!("{:?}", loaded.diagnostics));
        let Some(asl::StateKind::Choice(choice)) = model.state("C").map(|s| &s.kind) else {
            panic!("choice");
        };
        let rule = Rule::compile(&choice.choices[0].condition).unwrap_or_else(|e| panic!("{e}"));
        let roots = Roots::new(input, &NoContext, None);
        let states = json!({});
        let env = jsonata::Env::new(&states, None);
        rule.matches(&roots, &env)
    }

    #[test]
    fn every_operator() {
        let input = json!({
            "s": "abc", "n": 5, "f": 2.5, "b": true, "nul": null,
            "t": "2024-01-01T00:00:00Z", "other": 5, "file": "log-2024.txt", "star": "a*b"
        });
        let cases = [
            (json!({"Variable": "$.s", "StringEquals": "abc"}), true),
            (json!({"Variable": "$.s", "StringEquals": "abd"}), false),
            (json!({"Variable": "$.s", "StringLessThan": "abd"}), true),
            (
                json!({"Variable": "$.s", "StringGreaterThan": "abd"}),
                false,
            ),
            (
                json!({"Variable": "$.s", "StringLessThanEquals": "abc"}),
                true,
            ),
            (
                json!({"Variable": "$.s", "StringGreaterThanEquals": "abc"}),
                true,
            ),
            (
                json!({"Variable": "$.file", "StringMatches": "log-*.txt"}),
                true,
            ),
            (
                json!({"Variable": "$.file", "StringMatches": "*.csv"}),
                false,
            ),
            (
                json!({"Variable": "$.star", "StringMatches": "a\\*b"}),
                true,
            ),
            (json!({"Variable": "$.s", "StringMatches": "a\\*b"}), false),
            (json!({"Variable": "$.n", "NumericEquals": 5}), true),
            (json!({"Variable": "$.n", "NumericEquals": 5.0}), true),
            (json!({"Variable": "$.f", "NumericLessThan": 3}), true),
            (json!({"Variable": "$.f", "NumericGreaterThan": 3}), false),
            (json!({"Variable": "$.n", "NumericLessThanEquals": 5}), true),
            (
                json!({"Variable": "$.n", "NumericGreaterThanEquals": 6}),
                false,
            ),
            (
                json!({"Variable": "$.n", "NumericEqualsPath": "$.other"}),
                true,
            ),
            (json!({"Variable": "$.s", "NumericEquals": 5}), false),
            (json!({"Variable": "$.b", "BooleanEquals": true}), true),
            (
                json!({"Variable": "$.t", "TimestampEquals": "2024-01-01T01:00:00+01:00"}),
                true,
            ),
            (
                json!({"Variable": "$.t", "TimestampLessThan": "2024-01-02T00:00:00Z"}),
                true,
            ),
            (
                json!({"Variable": "$.t", "TimestampGreaterThanEquals": "2025-01-01T00:00:00Z"}),
                false,
            ),
            (json!({"Variable": "$.nul", "IsNull": true}), true),
            (json!({"Variable": "$.s", "IsNull": true}), false),
            (json!({"Variable": "$.missing", "IsPresent": false}), true),
            (json!({"Variable": "$.s", "IsPresent": true}), true),
            (json!({"Variable": "$.n", "IsNumeric": true}), true),
            (json!({"Variable": "$.s", "IsString": true}), true),
            (json!({"Variable": "$.b", "IsBoolean": false}), false),
            (json!({"Variable": "$.t", "IsTimestamp": true}), true),
            (json!({"Variable": "$.s", "IsTimestamp": true}), false),
            (
                json!({"And": [{"Variable": "$.n", "NumericEquals": 5}, {"Variable": "$.b", "BooleanEquals": true}]}),
                true,
            ),
            (
                json!({"Or": [{"Variable": "$.n", "NumericEquals": 4}, {"Variable": "$.b", "BooleanEquals": false}]}),
                false,
            ),
            (
                json!({"Not": {"Variable": "$.n", "NumericEquals": 4}}),
                true,
            ),
        ];
        for (condition, expected) in cases {
            assert_eq!(
                check(condition.clone(), &input).ok(),
                Some(expected),
                "{condition}"
            );
        }
    }

    #[test]
    fn a_missing_variable_is_a_runtime_error() {
        let failure = check(
            json!({"Variable": "$.nope", "StringEquals": "x"}),
            &json!({}),
        )
        .err()
        .unwrap_or_else(|| panic!("should fail"));
        assert_eq!(failure.error, crate::errors::names::RUNTIME);
    }

    #[test]
    fn patterns() {
        let p = compile_pattern("*.log");
        assert!(pattern_matches(&p, "a.log"));
        assert!(pattern_matches(&p, ".log"));
        assert!(!pattern_matches(&p, "a.log.txt"));
        assert!(pattern_matches(&compile_pattern("*"), ""));
        assert!(pattern_matches(&compile_pattern("a*b*c"), "aXXbYYc"));
        assert!(!pattern_matches(&compile_pattern("a*b*c"), "aXXcYYb"));
    }
}
