//! JSONata for JSONata-language states: the subset of the language Step Functions definitions use.
//!
//! Why our own: `jsonata-rs` (0.3.4, the maintained Rust port) does not build for
//! `wasm32-unknown-unknown` without JavaScript-backed randomness (`getrandom` and `uuid` need
//! their `js` features), reads the wall clock in `$now()`/`$millis()` and an unseeded generator
//! in `$random()`, which would break determinism, and pulls `clap` and `chrono`.
//!
//! Expressions are parsed by [`asl::jsonata::parse`], the parser the validator checks them with,
//! so what the validator accepts is what reaches this evaluator. This module interprets the
//! constructs found in the corpus of real definitions — paths, predicates, operators,
//! conditionals, `??` and `?:`, blocks and `:=` bindings, lambdas, array/object constructors,
//! group-by, `~>`, regular expressions — and JSONata's common built-in functions plus the ones
//! Step Functions adds (`$parse`, `$uuid`, `$hash`, `$partition`, `$range`, seeded `$random`).
//! `$now()` and `$millis()` return virtual time. Anything outside the subset (order-by, parent,
//! focus and index bindings, transforms, partial application, function signatures) is refused
//! when the expression is compiled, with an error that names it, never skipped.

mod eval;
mod functions;

use std::cell::{OnceCell, RefCell};
use std::fmt;
use std::rc::Rc;

use serde_json::Value;

use crate::data::{Failure, Variables};
use crate::errors::names;
use crate::rng::Stream;

pub use asl::jsonata::Node;

/// A parsed JSONata expression.
#[derive(Debug, Clone)]
pub struct Expression {
    text: Rc<str>,
    root: Rc<Node>,
    /// The expression's regular-expression literals, compiled once.
    regexes: Rc<[Rc<regex_lite::Regex>]>,
}

/// A JSONata syntax or evaluation error.
#[derive(Debug, Clone, PartialEq)]
pub struct JsonataError {
    /// The expression text.
    pub expression: String,
    pub message: String,
    /// Character offset in the expression (syntax errors).
    pub offset: Option<usize>,
    /// The expression evaluated to nothing where a value was needed.
    pub undefined: bool,
}

impl fmt::Display for JsonataError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.offset {
            Some(o) => write!(
                f,
                "JSONata expression '{}': {} (at character {o})",
                self.expression, self.message
            ),
            None => write!(
                f,
                "JSONata expression '{}': {}",
                self.expression, self.message
            ),
        }
    }
}

impl JsonataError {
    /// The failure Step Functions raises: `States.QueryEvaluationError` with its cause wording.
    pub fn into_failure(self, field: &str) -> Failure {
        let cause = if self.undefined {
            format!(
                "The JSONata expression '{}' specified for the field '{field}' returned nothing (undefined).",
                self.expression
            )
        } else {
            format!(
                "The JSONata expression '{}' specified for the field '{field}' threw an error during evaluation: {}",
                self.expression, self.message
            )
        };
        Failure {
            error: names::QUERY_EVALUATION_ERROR,
            cause,
        }
    }
}

/// What an expression can see.
pub struct Env<'a> {
    /// The `$states` object: `input`, `context`, and where defined `result` and `errorOutput`.
    pub states: &'a Value,
    pub variables: Option<&'a Variables>,
    /// Virtual time, for `$now()` and `$millis()`.
    pub now_epoch_ms: i64,
    /// The execution's seeded stream, for `$random()` and `$uuid()`.
    pub random: Option<&'a RefCell<Stream>>,
    /// Makes `$states.context` when `states` has none: most expressions never read it, so it is
    /// built on first use (and `$states` whole with it).
    pub context: Option<&'a dyn Fn() -> Value>,
    context_made: OnceCell<Value>,
    states_made: OnceCell<Value>,
}

impl<'a> Env<'a> {
    pub fn new(states: &'a Value, variables: Option<&'a Variables>) -> Env<'a> {
        Env {
            states,
            variables,
            now_epoch_ms: crate::clock::DEFAULT_START_EPOCH_MS,
            random: None,
            context: None,
            context_made: OnceCell::new(),
            states_made: OnceCell::new(),
        }
    }

    /// Whether `$states.context` is still to be made.
    fn context_pending(&self) -> bool {
        self.context.is_some() && self.states.get("context").is_none()
    }

    /// `$states.context`.
    pub fn context_value(&self) -> Option<&Value> {
        match self.context {
            Some(make) if self.context_pending() => Some(self.context_made.get_or_init(make)),
            _ => self.states.get("context"),
        }
    }

    /// `$states`, whole: with its `context` last, as the engine writes it.
    pub fn states_value(&self) -> &Value {
        if !self.context_pending() {
            return self.states;
        }
        self.states_made.get_or_init(|| {
            let mut whole = self.states.clone();
            if let (Value::Object(map), Some(context)) = (&mut whole, self.context_value()) {
                map.insert("context".into(), context.clone());
            }
            whole
        })
    }
}

impl Expression {
    /// Parses an expression (the text between `{%` and `%}`) with the grammar the validator
    /// checks ([`asl::jsonata::parse`]), and refuses what this evaluator does not implement.
    pub fn parse(text: &str) -> Result<Expression, JsonataError> {
        let refused = |message: String, offset: Option<usize>| JsonataError {
            expression: text.to_string(),
            message,
            offset,
            undefined: false,
        };
        let root = asl::jsonata::parse(text).map_err(|e| {
            // The parser counts bytes; messages count characters.
            let offset = text.get(..e.offset).map_or(e.offset, |s| s.chars().count());
            refused(e.message, Some(offset))
        })?;
        let survey = eval::Survey::of(&root);
        if let Some(what) = survey.unsupported {
            return Err(refused(
                format!("{what} is not supported by mapsim's JSONata evaluator"),
                None,
            ));
        }
        if let Some(name) = survey.unknown_function() {
            return Err(refused(
                format!("the function ${name} is not supported by mapsim's JSONata evaluator"),
                None,
            ));
        }
        let regexes = survey
            .compile_regexes()
            .map_err(|message| refused(message, None))?;
        drop(survey);
        Ok(Expression {
            text: Rc::from(text),
            root: Rc::new(root),
            regexes: Rc::from(regexes),
        })
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    /// Evaluates; `Ok(None)` is JSONata's *undefined*.
    pub fn evaluate(&self, env: &Env<'_>) -> Result<Option<Value>, JsonataError> {
        eval::evaluate(&self.root, &self.regexes, env).map_err(|message| JsonataError {
            expression: self.text.to_string(),
            message,
            offset: None,
            undefined: false,
        })
    }

    /// Evaluates and requires a value.
    pub fn evaluate_defined(&self, env: &Env<'_>) -> Result<Value, JsonataError> {
        match self.evaluate(env)? {
            Some(v) => Ok(v),
            None => Err(JsonataError {
                expression: self.text.to_string(),
                message: "returned nothing (undefined)".into(),
                offset: None,
                undefined: true,
            }),
        }
    }
}

/// The expression inside a `{% … %}` string, if it is one.
pub fn expression_text(value: &str) -> Option<&str> {
    asl::build::jsonata_expression(value)
}

/// A JSONata-state template (`Arguments`, `Output`, `Assign`, …): `{% %}` strings anywhere in a
/// JSON value are expressions; everything else is literal.
#[derive(Debug, Clone)]
pub enum Template {
    Literal(Rc<Value>),
    Expr(Expression),
    Object(Vec<(String, Template)>),
    Array(Vec<Template>),
}

impl Template {
    pub fn compile(value: &Value) -> Result<Template, JsonataError> {
        if !has_expressions(value) {
            return Ok(Template::Literal(Rc::new(value.clone())));
        }
        Ok(match value {
            Value::String(s) => match expression_text(s) {
                Some(expr) => Template::Expr(Expression::parse(expr)?),
                None => Template::Literal(Rc::new(value.clone())),
            },
            Value::Object(map) => Template::Object(
                map.iter()
                    .map(|(k, v)| Template::compile(v).map(|t| (k.clone(), t)))
                    .collect::<Result<_, _>>()?,
            ),
            Value::Array(items) => Template::Array(
                items
                    .iter()
                    .map(Template::compile)
                    .collect::<Result<_, _>>()?,
            ),
            other => Template::Literal(Rc::new(other.clone())),
        })
    }

    /// Evaluates; `field` is the field's name for error causes (`Output`, `Arguments`, …).
    pub fn evaluate(&self, env: &Env<'_>, field: &str) -> Result<Value, Failure> {
        match self {
            Template::Literal(v) => Ok((**v).clone()),
            Template::Expr(e) => e
                .evaluate_defined(env)
                .map_err(|err| err.into_failure(field)),
            Template::Object(fields) => {
                let mut map = serde_json::Map::new();
                for (key, template) in fields {
                    let value = template.evaluate(env, &format!("{field}/{key}"))?;
                    map.insert(key.clone(), value);
                }
                Ok(Value::Object(map))
            }
            Template::Array(items) => Ok(Value::Array(
                items
                    .iter()
                    .map(|t| t.evaluate(env, field))
                    .collect::<Result<_, _>>()?,
            )),
        }
    }
}

fn has_expressions(value: &Value) -> bool {
    match value {
        Value::String(s) => expression_text(s).is_some(),
        Value::Object(map) => map.values().any(has_expressions),
        Value::Array(items) => items.iter().any(has_expressions),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn eval_with(
        text: &str,
        states: &Value,
        vars: Option<&Variables>,
    ) -> Result<Option<Value>, JsonataError> {
        let expr = Expression::parse(text)?;
        let stream = RefCell::new(Stream::new(5, 5));
        let mut env = Env::new(states, vars);
        env.random = Some(&stream);
        expr.evaluate(&env)
    }

    fn eval(text: &str) -> Option<Value> {
        let states = json!({
            "input": {
                "items": [1, 2, 3],
                "numbers": [1.5, 2.5],
                "name": "Ada", "failed": "2", "rejected": "0",
                "data": {"address": ["1 Main St", " ", "Springfield"], "firstname": "Ada", "lastname": "L"},
                "JobRun": {"JobRunState": "FAILED"},
                "account": "{\"id\": 7}"
            },
            "result": [1, 0, 1, 1],
            "blocks": {"Blocks": [{"BlockType": "QUERY", "Query": "q1"}, {"BlockType": "LINE", "Text": "t"}]},
            "context": {"Execution": {"Id": "arn:aws:states:us-east-1:123456789012:execution:sm:name-1", "StartTime": "2024-01-01T00:00:00.000Z"}}
        });
        eval_with(text, &states, None).unwrap_or_else(|e| panic!("{text}: {e}"))
    }

    #[test]
    fn corpus_expressions() {
        let cases = [
            ("1+2", json!(3)),
            ("10", json!(10)),
            ("622.2269926397355", json!(622.2269926397355)),
            ("$states.input.items", json!([1, 2, 3])),
            ("$count($states.result[$ = 1])", json!(3)),
            ("$count($states.result[$ = 0])", json!(1)),
            (
                "$map($states.result, function($v) { $v = 1 ? 'pass' : 'failed' })",
                json!(["pass", "failed", "pass", "pass"]),
            ),
            ("$sum($states.input.numbers)", json!(4)),
            ("$states.input.name & '-' & 3", json!("Ada-3")),
            (
                "$number($states.input.failed) > 0 or $number($states.input.rejected) > 0",
                json!(true),
            ),
            ("$states.input.JobRun.JobRunState = \"FAILED\"", json!(true)),
            ("$exists($states.input.moreData) ? $states.input.moreData : {}", json!({})),
            ("$split($states.context.Execution.Id, ':')[7]", json!("name-1")),
            (
                "$split($states.context.Execution.StartTime, /[-:T.]/)",
                json!(["2024", "01", "01", "00", "00", "00", "000Z"]),
            ),
            ("$replace($states.context.Execution.StartTime,'Z','')", json!("2024-01-01T00:00:00.000")),
            ("$parse($states.input.account)", json!({"id": 7})),
            ("$states.blocks.Blocks[BlockType='QUERY'].Query", json!("q1")),
            (
                "$join($each($states.input.data, function($v, $k) { $k }), ',')",
                json!("address,firstname,lastname"),
            ),
            (
                "$not(null in $map($states.input.data.address, function($v) { $length($trim($v)) > 0 ? $v : null }))",
                json!(false),
            ),
            (
                "($n := $states.input.data.firstname & ' ' & $states.input.data.lastname; {'who': $n, 'n': $count($states.input.items)})",
                json!({"who": "Ada L", "n": 3}),
            ),
            ("$merge([{'a': 1}, {'b': 2}])", json!({"a": 1, "b": 2})),
            ("[1..3]", json!([1, 2, 3])),
            ("$states.input.items ~> $map(function($x) { $x * 2 })", json!([2, 4, 6])),
            ("$string(10/4)", json!("2.5")),
            ("$round(2.5)", json!(2)),
            ("$round(3.5)", json!(4)),
            ("-$states.input.items[0]", json!(-1)),
            ("$states.input.items[-1]", json!(3)),
            ("'abc' in ['x', 'abc']", json!(true)),
            ("$uppercase('a') & $lowercase('B')", json!("Ab")),
            ("$partition([1,2,3,4,5], 2)", json!([[1, 2], [3, 4], [5]])),
            ("$range(0, 10, 5)", json!([0, 5, 10])),
            ("$filter([1,2,3,4], function($v) { $v % 2 = 0 })", json!([2, 4])),
            ("$reduce([1,2,3], function($a, $b) { $a + $b })", json!(6)),
            ("$keys({'a': 1, 'b': 2})", json!(["a", "b"])),
            ("$type(null)", json!("null")),
            ("$sort([3,1,2])", json!([1, 2, 3])),
            ("$substring('hello', 1, 3)", json!("ell")),
            ("$contains('hello', 'ell')", json!(true)),
            ("$hash('abc')", json!("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")),
        ];
        for (text, expected) in cases {
            assert_eq!(eval(text), Some(expected), "{text}");
        }
        assert_eq!(eval("$states.input.nothing"), None);
    }

    #[test]
    fn variables_and_determinism() {
        let mut vars = Variables::default();
        vars.values
            .insert("stateError".into(), json!({"Error": "E"}));
        let states = json!({});
        assert_eq!(
            eval_with("$stateError.Error", &states, Some(&vars)).ok(),
            Some(Some(json!("E")))
        );
        let a = eval_with("$uuid()", &states, None).ok();
        let b = eval_with("$uuid()", &states, None).ok();
        assert_eq!(a, b);
        assert_eq!(
            eval_with("$now()", &states, None).ok(),
            Some(Some(json!("2024-01-01T00:00:00.000Z")))
        );
        assert_eq!(
            eval_with("$millis()", &states, None).ok(),
            Some(Some(json!(1_704_067_200_000i64)))
        );
    }

    #[test]
    fn a_member_chain_walked_by_reference_gives_what_stepping_gives() {
        // `$s := $states` binds a copy in the expression's scope, which is stepped value by
        // value; `$states…` is walked by reference. Both must agree on every shape.
        let states = json!({
            "input": {
                "order": {"id": 7, "lines": [{"sku": "a", "n": 1}, {"sku": "b", "n": 2}], "none": null},
                "list": [[1, 2], [3]],
                "text": "x"
            }
        });
        let vars = Variables {
            values: [("v".to_string(), json!({"a": {"b": [1, {"c": 2}]}}))]
                .into_iter()
                .collect(),
            parent: None,
        };
        for path in [
            "$states.input.order.id",
            "$states.input.order.lines.sku",
            "$states.input.order.lines[1].n",
            "$states.input.order.missing.x",
            "$states.input.order.none.x",
            "$states.input.list",
            "$states.input.text.length",
            "$states.input",
            "$states.nothing",
            "$v.a.b.c",
            "$v.a.b",
        ] {
            let (root, rest) = path.split_once('.').unwrap_or((path, ""));
            let stepped = format!("({} := {root}; {}.{rest})", "$s", "$s");
            assert_eq!(
                eval_with(path, &states, Some(&vars)).ok(),
                eval_with(&stepped, &states, Some(&vars)).ok(),
                "{path}"
            );
        }
    }

    #[test]
    fn a_context_made_on_first_use_reads_as_one_given_whole() {
        let context = json!({"State": {"Name": "Work", "RetryCount": 1}});
        let given = json!({"input": {"a": 1}, "context": context});
        let lazy_states = json!({"input": {"a": 1}});
        let made = std::cell::Cell::new(0);
        let make = || {
            made.set(made.get() + 1);
            context.clone()
        };
        for text in [
            "$states.context.State.Name",
            "$states.context",
            "$keys($states)",
            "$states",
            "$states.*.Name",
            "$lookup($states, 'context').State.RetryCount",
            "$states.input.a",
        ] {
            let expr = Expression::parse(text).unwrap_or_else(|e| panic!("{e:?}"));
            let whole = expr.evaluate(&Env::new(&given, None)).ok();
            let mut env = Env::new(&lazy_states, None);
            env.context = Some(&make);
            assert_eq!(expr.evaluate(&env).ok(), whole, "{text}");
        }
        // Made only for the expressions that read it, once per environment.
        assert_eq!(made.get(), 6);
    }

    #[test]
    fn syntax_errors_and_unsupported_functions_are_reported() {
        for bad in [
            "10 + * 2",
            "$sum($states.input.items.numbers",
            "(1",
            "'unclosed",
            "$.store.book[?(@.price < 10)].title",
        ] {
            assert!(Expression::parse(bad).is_err(), "{bad}");
        }
        let err = Expression::parse("$eval('1')")
            .err()
            .unwrap_or_else(|| panic!("should fail"));
        assert!(err.message.contains("$eval"), "{}", err.message);
        // A function bound in the expression is not unknown.
        assert!(Expression::parse("($f := function($x){$x}; $f(1))").is_ok());
    }

    #[test]
    fn constructs_of_the_shared_grammar() {
        let cases = [
            ("$states.input.missing ?? 'default'", json!("default")),
            ("$states.input.name ?? 'default'", json!("Ada")),
            ("$states.input.items[9] ?? 0", json!(0)),
            ("$states.input.rejected = '1' ?: 'no'", json!("no")),
            ("0 ?: 'zero is falsy'", json!("zero is falsy")),
            ("'x' ?: 'y'", json!("x")),
            ("$states.input.items[]", json!([1, 2, 3])),
            ("$states.input.name[]", json!(["Ada"])),
            ("[$states.input.items[0]][]", json!([1])),
            ("1 - 2 + 3 - 4", json!(-2)),
            ("2 * 3 + 4 * 5 = 26 and 1 < 2", json!(true)),
            ("$states.input.items ~> $count() = 3", json!(true)),
            ("$match('a\nb', /^b$/m).match", json!("b")),
            (
                "$replace($split('A-b_c', /[-_]/) ~> $join('.'), /B/i, 'x')",
                json!("A.x.c"),
            ),
            (r"'caf\u00e9 \ud83d\ude00'", json!("café 😀")),
            ("$states.input.data.address[1] & `$states`", json!(" ")),
        ];
        for (text, expected) in cases {
            assert_eq!(eval(text), Some(expected), "{text}");
        }
    }

    #[test]
    fn long_chains_evaluate_without_deep_recursion() {
        let n = 20_000;
        let sum = vec!["1"; n].join(" + ");
        assert_eq!(eval(&sum), Some(json!(n)));
        let path = format!("$states.input{}", ".data".repeat(n));
        assert_eq!(eval(&path), None);
        let words = vec!["$states.input.name"; n].join(" & ");
        assert_eq!(
            eval(&words).map(|v| v.as_str().map(str::len)),
            Some(Some(3 * n))
        );
    }

    #[test]
    fn constructs_the_evaluator_lacks_are_refused_by_name() {
        for (text, named) in [
            ("$states.input.items^(>$)", "order-by"),
            ("$states.input.data.address.%", "parent"),
            ("$states.input.items@$i", "focus"),
            ("$states.input.items#$i", "index"),
            ("| $ | {'a': 1} |", "transform"),
            ("$substring(?, 1)", "partial application"),
            ("function($x) <n:n> { $x }", "signatures"),
        ] {
            let Err(error) = Expression::parse(text) else {
                panic!("{text} should be refused");
            };
            assert!(
                error.message.contains(named) && error.message.contains("not supported"),
                "{text}: {}",
                error.message
            );
        }
        // Syntax errors carry a character offset (the parser counts bytes).
        let Err(error) = Expression::parse("'é' + ") else {
            panic!("should not parse");
        };
        assert_eq!(error.offset, Some(6), "{error}");
        let Err(error) = Expression::parse("$match('a', /(?<=a)b/)") else {
            panic!("a regular expression regex-lite lacks should be refused");
        };
        assert!(error.message.contains("bad regular expression"), "{error}");
    }

    #[test]
    fn templates() {
        let states = json!({"input": {"a": 1}});
        let template = Template::compile(
            &json!({"x": "{% $states.input.a + 1 %}", "y": [1, "{% 'z' %}"], "lit": "plain"}),
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let env = Env::new(&states, None);
        assert_eq!(
            template.evaluate(&env, "Output").ok(),
            Some(json!({"x": 2, "y": [1, "z"], "lit": "plain"}))
        );
        let undefined = Template::compile(&json!({"error": "{% $stateError %}"}))
            .unwrap_or_else(|e| panic!("{e}"));
        let failure = undefined
            .evaluate(&env, "Output")
            .err()
            .unwrap_or_else(|| panic!("fail"));
        assert_eq!(failure.error, names::QUERY_EVALUATION_ERROR);
        assert_eq!(
            failure.cause,
            "The JSONata expression '$stateError' specified for the field 'Output/error' returned nothing (undefined)."
        );
    }
}
