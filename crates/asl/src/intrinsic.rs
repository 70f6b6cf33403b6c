//! ASL intrinsic functions (`States.Format(…)`, `States.Array(…)`, …): parsing and arity rules.
//!
//! [`parse`] turns the text of a `.$` field (or an `ErrorPath`/`CausePath`) into a [`Call`]
//! tree: nested calls, JSONPath arguments (parsed by [`crate::path`]), string literals with the
//! ASL escapes (`\'`, `\{`, `\}`, `\\`), numbers, `true`, `false` and `null`. It checks the
//! function name, the number of arguments and the type of literal arguments against
//! [`FUNCTIONS`], the table of what AWS documents for each function; what can only be known
//! from data (a path's value) is checked when the engine evaluates the call.
//!
//! Errors carry a message and the character offset where the problem was found, for located
//! diagnostics.

use std::fmt;

use serde_json::Value;

use crate::path::{Path, PathError};

/// At most this many intrinsic functions may be nested in one field (AWS Developer Guide,
/// "Intrinsic functions").
pub const MAX_NESTING: usize = 10;

/// An intrinsic function.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Function {
    Format,
    StringToJson,
    JsonToString,
    Array,
    ArrayPartition,
    ArrayContains,
    ArrayRange,
    ArrayGetItem,
    ArrayLength,
    ArrayUnique,
    Base64Encode,
    Base64Decode,
    Hash,
    JsonMerge,
    MathRandom,
    MathAdd,
    StringSplit,
    Uuid,
}

/// What a literal argument may be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArgKind {
    /// A string literal.
    String,
    /// Any number.
    Number,
    /// An integer.
    Integer,
    /// `true` or `false`.
    Boolean,
    /// A string, number, boolean or `null` (the values `States.Format` accepts).
    Scalar,
    /// Any literal.
    Any,
    /// Only a path or a nested call can supply it (arrays and objects have no literal form).
    Data,
}

impl ArgKind {
    fn accepts(self, literal: &Value) -> bool {
        match self {
            ArgKind::String => literal.is_string(),
            ArgKind::Number => literal.is_number(),
            ArgKind::Integer => {
                literal.as_i64().is_some()
                    || literal
                        .as_f64()
                        .is_some_and(|f| f.fract() == 0.0 && f.is_finite())
            }
            ArgKind::Boolean => literal.is_boolean(),
            ArgKind::Scalar => !matches!(literal, Value::Array(_) | Value::Object(_)),
            ArgKind::Any => true,
            ArgKind::Data => false,
        }
    }

    fn describe(self) -> &'static str {
        match self {
            ArgKind::String => "a string",
            ArgKind::Number => "a number",
            ArgKind::Integer => "an integer",
            ArgKind::Boolean => "a boolean",
            ArgKind::Scalar => "a string, number, boolean or null",
            ArgKind::Any => "a value",
            ArgKind::Data => "a path or an intrinsic function (it has no literal form)",
        }
    }
}

/// The documented signature of one function.
#[derive(Debug, Clone, Copy)]
pub struct Signature {
    pub function: Function,
    /// The name as written, e.g. `States.Format`.
    pub name: &'static str,
    /// Kinds of the fixed parameters, in order.
    pub params: &'static [ArgKind],
    /// How many of the fixed parameters may be left out at the end.
    pub optional: usize,
    /// The kind of any further arguments, if the function takes a variable number.
    pub rest: Option<ArgKind>,
}

impl Signature {
    /// Fewest arguments accepted.
    pub fn min_args(&self) -> usize {
        self.params.len() - self.optional
    }

    /// Most arguments accepted (`None` = any number).
    pub fn max_args(&self) -> Option<usize> {
        match self.rest {
            Some(_) => None,
            None => Some(self.params.len()),
        }
    }

    fn kind_of(&self, position: usize) -> Option<ArgKind> {
        self.params.get(position).copied().or(self.rest)
    }
}

/// Every intrinsic function Step Functions documents, with its parameters.
pub const FUNCTIONS: &[Signature] = &[
    Signature {
        function: Function::Format,
        name: "States.Format",
        params: &[ArgKind::String],
        optional: 0,
        rest: Some(ArgKind::Scalar),
    },
    Signature {
        function: Function::StringToJson,
        name: "States.StringToJson",
        params: &[ArgKind::String],
        optional: 0,
        rest: None,
    },
    Signature {
        function: Function::JsonToString,
        name: "States.JsonToString",
        params: &[ArgKind::Data],
        optional: 0,
        rest: None,
    },
    Signature {
        function: Function::Array,
        name: "States.Array",
        params: &[],
        optional: 0,
        rest: Some(ArgKind::Any),
    },
    Signature {
        function: Function::ArrayPartition,
        name: "States.ArrayPartition",
        params: &[ArgKind::Data, ArgKind::Integer],
        optional: 0,
        rest: None,
    },
    Signature {
        function: Function::ArrayContains,
        name: "States.ArrayContains",
        params: &[ArgKind::Data, ArgKind::Any],
        optional: 0,
        rest: None,
    },
    Signature {
        function: Function::ArrayRange,
        name: "States.ArrayRange",
        params: &[ArgKind::Integer, ArgKind::Integer, ArgKind::Integer],
        optional: 0,
        rest: None,
    },
    Signature {
        function: Function::ArrayGetItem,
        name: "States.ArrayGetItem",
        params: &[ArgKind::Data, ArgKind::Integer],
        optional: 0,
        rest: None,
    },
    Signature {
        function: Function::ArrayLength,
        name: "States.ArrayLength",
        params: &[ArgKind::Data],
        optional: 0,
        rest: None,
    },
    Signature {
        function: Function::ArrayUnique,
        name: "States.ArrayUnique",
        params: &[ArgKind::Data],
        optional: 0,
        rest: None,
    },
    Signature {
        function: Function::Base64Encode,
        name: "States.Base64Encode",
        params: &[ArgKind::String],
        optional: 0,
        rest: None,
    },
    Signature {
        function: Function::Base64Decode,
        name: "States.Base64Decode",
        params: &[ArgKind::String],
        optional: 0,
        rest: None,
    },
    Signature {
        function: Function::Hash,
        name: "States.Hash",
        params: &[ArgKind::Any, ArgKind::String],
        optional: 0,
        rest: None,
    },
    Signature {
        function: Function::JsonMerge,
        name: "States.JsonMerge",
        params: &[ArgKind::Data, ArgKind::Data, ArgKind::Boolean],
        optional: 0,
        rest: None,
    },
    Signature {
        function: Function::MathRandom,
        name: "States.MathRandom",
        params: &[ArgKind::Integer, ArgKind::Integer, ArgKind::Integer],
        optional: 1,
        rest: None,
    },
    Signature {
        function: Function::MathAdd,
        name: "States.MathAdd",
        params: &[ArgKind::Number, ArgKind::Number],
        optional: 0,
        rest: None,
    },
    Signature {
        function: Function::StringSplit,
        name: "States.StringSplit",
        params: &[ArgKind::String, ArgKind::String],
        optional: 0,
        rest: None,
    },
    Signature {
        function: Function::Uuid,
        name: "States.UUID",
        params: &[],
        optional: 0,
        rest: None,
    },
];

impl Function {
    /// This function's signature in [`FUNCTIONS`].
    pub fn signature(self) -> &'static Signature {
        // Every variant has exactly one entry; the fallback is never taken.
        FUNCTIONS
            .iter()
            .find(|s| s.function == self)
            .unwrap_or(&FUNCTIONS[0])
    }

    pub fn name(self) -> &'static str {
        self.signature().name
    }

    /// Looks a function up by its written name (`States.Format`).
    pub fn by_name(name: &str) -> Option<Function> {
        FUNCTIONS
            .iter()
            .find(|s| s.name == name)
            .map(|s| s.function)
    }
}

/// One argument of a call.
#[derive(Debug, Clone, PartialEq)]
pub enum Arg {
    /// A string, number, boolean or null literal (strings already unescaped).
    Literal(Value),
    /// A JSONPath (`$.x`, `$$.Map.Item.Index`, `$var`).
    Path(Path),
    /// A nested call.
    Call(Call),
}

/// A piece of a `States.Format` template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FormatPiece {
    Text(String),
    /// `{}`: the next argument.
    Placeholder,
}

/// A parsed intrinsic function call.
#[derive(Debug, Clone, PartialEq)]
pub struct Call {
    pub function: Function,
    pub args: Vec<Arg>,
    /// For `States.Format` with a literal template: the template split at its placeholders
    /// (escaped braces `\{` `\}` are text, not placeholders).
    pub template: Option<Vec<FormatPiece>>,
}

impl Call {
    /// For `States.Format` with a literal template whose number of `{}` placeholders differs
    /// from the number of arguments that follow it: `(placeholders, arguments)`. Step Functions
    /// accepts such a definition (the Developer Guide's own nested example has one) and fails at
    /// run time, so this is a warning for the validator and a run-time error for the engine.
    pub fn format_mismatch(&self) -> Option<(usize, usize)> {
        let pieces = self.template.as_ref()?;
        let placeholders = pieces
            .iter()
            .filter(|p| **p == FormatPiece::Placeholder)
            .count();
        let arguments = self.args.len().saturating_sub(1);
        (placeholders != arguments).then_some((placeholders, arguments))
    }

    /// How deeply calls are nested (a call without nested calls has depth 1).
    pub fn depth(&self) -> usize {
        1 + self
            .args
            .iter()
            .map(|a| match a {
                Arg::Call(c) => c.depth(),
                _ => 0,
            })
            .max()
            .unwrap_or(0)
    }
}

/// A syntax or signature error in an intrinsic function call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IntrinsicError {
    pub message: String,
    /// Character (not byte) offset in the text where the problem was found.
    pub offset: usize,
}

impl fmt::Display for IntrinsicError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (at character {})", self.message, self.offset)
    }
}

impl std::error::Error for IntrinsicError {}

/// Whether the text is meant as an intrinsic call rather than a path (it starts with
/// `States.`). Use it to decide which parser's error to show for a `.$` value.
pub fn looks_like_call(text: &str) -> bool {
    text.starts_with("States.")
}

/// Parses a whole intrinsic call. The text must be exactly the call (no surrounding spaces, as
/// statelint requires).
pub fn parse(text: &str) -> Result<Call, IntrinsicError> {
    let mut parser = Parser { text, pos: 0 };
    let call = parser.call()?;
    if parser.pos < text.len() {
        return Err(parser.error_here("unexpected text after the closing ')'"));
    }
    if call.depth() > MAX_NESTING {
        return Err(IntrinsicError {
            message: format!(
                "intrinsic functions are nested {} deep; Step Functions allows at most {MAX_NESTING}",
                call.depth()
            ),
            offset: 0,
        });
    }
    Ok(call)
}

/// A `.$` value: a path or an intrinsic call.
#[derive(Debug, Clone, PartialEq)]
pub enum Expression {
    Path(Path),
    Call(Call),
}

/// Parses the value of a `.$` field (or `ErrorPath`/`CausePath`): an intrinsic call when it
/// starts with `States.`, otherwise a path.
pub fn parse_expression(text: &str) -> Result<Expression, IntrinsicError> {
    if looks_like_call(text) {
        parse(text).map(Expression::Call)
    } else {
        Path::parse(text)
            .map(Expression::Path)
            .map_err(|e| IntrinsicError {
                message: e.message,
                offset: e.offset,
            })
    }
}

struct Parser<'t> {
    text: &'t str,
    pos: usize,
}

impl Parser<'_> {
    fn rest(&self) -> &str {
        self.text.get(self.pos..).unwrap_or("")
    }

    fn peek(&self) -> Option<char> {
        self.rest().chars().next()
    }

    fn bump(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.pos += c.len_utf8();
        Some(c)
    }

    fn skip_spaces(&mut self) {
        while self.peek().is_some_and(char::is_whitespace) {
            self.bump();
        }
    }

    fn char_offset(&self, byte: usize) -> usize {
        self.text.get(..byte).map_or(0, |s| s.chars().count())
    }

    fn error_at(&self, byte: usize, message: impl Into<String>) -> IntrinsicError {
        IntrinsicError {
            message: message.into(),
            offset: self.char_offset(byte),
        }
    }

    fn error_here(&self, message: impl Into<String>) -> IntrinsicError {
        self.error_at(self.pos, message)
    }

    fn call(&mut self) -> Result<Call, IntrinsicError> {
        let start = self.pos;
        while self
            .peek()
            .is_some_and(|c| c.is_ascii_alphanumeric() || c == '.' || c == '_')
        {
            self.bump();
        }
        let name = self.text.get(start..self.pos).unwrap_or("");
        if name.is_empty() {
            return Err(self.error_here("expected an intrinsic function such as States.Format(…)"));
        }
        let Some(function) = Function::by_name(name) else {
            return Err(self.error_at(
                start,
                format!(
                    "{name} is not an intrinsic function (expected one of {})",
                    names()
                ),
            ));
        };
        if self.peek() != Some('(') {
            return Err(self.error_here(format!("expected '(' after {name}")));
        }
        let open = self.pos;
        self.bump();
        let mut args = Vec::new();
        let mut arg_offsets = Vec::new();
        self.skip_spaces();
        if self.peek() == Some(')') {
            self.bump();
        } else {
            loop {
                self.skip_spaces();
                arg_offsets.push(self.pos);
                args.push(self.arg()?);
                self.skip_spaces();
                match self.bump() {
                    Some(',') => continue,
                    Some(')') => break,
                    Some(c) => {
                        return Err(self.error_at(
                            self.pos - c.len_utf8(),
                            format!("expected ',' or ')' in the arguments of {name}, found {c:?}"),
                        ))
                    }
                    None => return Err(self.error_at(open, format!("unclosed '(' of {name}"))),
                }
            }
        }
        let signature = function.signature();
        if args.len() < signature.min_args()
            || signature.max_args().is_some_and(|max| args.len() > max)
        {
            let expected = match (signature.min_args(), signature.max_args()) {
                (min, Some(max)) if min == max => format!("{min}"),
                (min, Some(max)) => format!("{min} to {max}"),
                (min, None) => format!("at least {min}"),
            };
            return Err(self.error_at(
                start,
                format!(
                    "{name} takes {expected} argument{}, not {}",
                    if expected == "1" { "" } else { "s" },
                    args.len()
                ),
            ));
        }
        for (position, (arg, offset)) in args.iter().zip(&arg_offsets).enumerate() {
            let Arg::Literal(literal) = arg else {
                continue;
            };
            let Some(kind) = signature.kind_of(position) else {
                continue;
            };
            if !kind.accepts(literal) {
                return Err(self.error_at(
                    *offset,
                    format!(
                        "argument {} of {name} must be {}, not {literal}",
                        position + 1,
                        kind.describe()
                    ),
                ));
            }
        }
        let template = match (function, args.first(), arg_offsets.first()) {
            (Function::Format, Some(Arg::Literal(Value::String(_))), Some(offset)) => {
                Some(self.template(*offset)?)
            }
            _ => None,
        };
        Ok(Call {
            function,
            args,
            template,
        })
    }

    /// Re-reads the raw template literal at `offset` (a byte position) to split it at unescaped
    /// `{}` placeholders.
    fn template(&self, offset: usize) -> Result<Vec<FormatPiece>, IntrinsicError> {
        let raw = self.text.get(offset..).unwrap_or("");
        let mut chars = raw.char_indices().skip(1); // the opening quote
        let mut pieces = Vec::new();
        let mut text = String::new();
        while let Some((i, c)) = chars.next() {
            match c {
                '\\' => {
                    if let Some((_, escaped)) = chars.next() {
                        text.push(escaped);
                    }
                }
                '\'' => break,
                '{' => match chars.next() {
                    Some((_, '}')) => {
                        if !text.is_empty() {
                            pieces.push(FormatPiece::Text(std::mem::take(&mut text)));
                        }
                        pieces.push(FormatPiece::Placeholder);
                    }
                    _ => {
                        return Err(self.error_at(
                            offset + i,
                            "a '{' in a States.Format template must be followed by '}' (write \\{ for a literal brace)",
                        ))
                    }
                },
                '}' => {
                    return Err(self.error_at(
                        offset + i,
                        "a lone '}' in a States.Format template (write \\} for a literal brace)",
                    ))
                }
                other => text.push(other),
            }
        }
        if !text.is_empty() {
            pieces.push(FormatPiece::Text(text));
        }
        Ok(pieces)
    }

    fn arg(&mut self) -> Result<Arg, IntrinsicError> {
        match self.peek() {
            Some('\'') => self.string().map(|s| Arg::Literal(Value::String(s))),
            Some('$') => self.path(),
            Some(c) if c == '-' || c.is_ascii_digit() => self.number(),
            Some('S') if self.rest().starts_with("States.") => self.call().map(Arg::Call),
            Some(c) if c.is_ascii_alphabetic() => {
                let start = self.pos;
                while self.peek().is_some_and(|c| c.is_ascii_alphanumeric()) {
                    self.bump();
                }
                match self.text.get(start..self.pos).unwrap_or("") {
                    "true" => Ok(Arg::Literal(Value::Bool(true))),
                    "false" => Ok(Arg::Literal(Value::Bool(false))),
                    "null" => Ok(Arg::Literal(Value::Null)),
                    word => Err(self.error_at(
                        start,
                        format!(
                            "{word:?} is not an argument: use a 'quoted string', a number, true, false, null, a path or States.…(…)"
                        ),
                    )),
                }
            }
            Some('"') => {
                Err(self.error_here("string arguments are written in single quotes: 'text'"))
            }
            None => Err(self.error_here("the call ends where an argument was expected")),
            Some(c) => {
                Err(self.error_here(format!("unexpected {c:?} where an argument was expected")))
            }
        }
    }

    fn string(&mut self) -> Result<String, IntrinsicError> {
        let open = self.pos;
        self.bump();
        let mut out = String::new();
        loop {
            match self.bump() {
                None => return Err(self.error_at(open, "unclosed string")),
                Some('\\') => match self.bump() {
                    None => return Err(self.error_at(open, "unclosed string")),
                    Some(c) => out.push(c),
                },
                Some('\'') => return Ok(out),
                Some(c) => out.push(c),
            }
        }
    }

    fn number(&mut self) -> Result<Arg, IntrinsicError> {
        let start = self.pos;
        self.bump();
        while self
            .peek()
            .is_some_and(|c| c.is_ascii_digit() || matches!(c, '.' | 'e' | 'E' | '+' | '-'))
        {
            self.bump();
        }
        let text = self.text.get(start..self.pos).unwrap_or("");
        serde_json::from_str::<serde_json::Number>(text)
            .map(|n| Arg::Literal(Value::Number(n)))
            .map_err(|_| self.error_at(start, format!("{text:?} is not a number")))
    }

    /// A path argument runs until a `,` or `)` outside brackets, parentheses and quotes.
    fn path(&mut self) -> Result<Arg, IntrinsicError> {
        let start = self.pos;
        let mut depth = 0usize;
        let mut quote: Option<char> = None;
        while let Some(c) = self.peek() {
            if let Some(q) = quote {
                if c == '\\' {
                    self.bump();
                } else if c == q {
                    quote = None;
                }
                self.bump();
                continue;
            }
            match c {
                '\'' | '"' if depth > 0 => quote = Some(c),
                '[' | '(' => depth += 1,
                ']' | ')' if depth > 0 => depth -= 1,
                ',' | ')' if depth == 0 => break,
                c if c.is_whitespace() && depth == 0 => break,
                _ => {}
            }
            self.bump();
        }
        let text = self.text.get(start..self.pos).unwrap_or("");
        Path::parse(text)
            .map(Arg::Path)
            .map_err(|e: PathError| IntrinsicError {
                message: format!("invalid path {text:?}: {}", e.message),
                offset: self.char_offset(start) + e.offset,
            })
    }
}

fn names() -> String {
    FUNCTIONS
        .iter()
        .map(|s| s.name)
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_calls_found_in_the_corpus() {
        let valid = [
            "States.Array('Foo', $.xyz, 'Bar', 2.3)",
            "States.Array('Foo', 2020, $.someJson, null)",
            "States.Array()",
            "States.ArrayPartition($.inputArray, 4)",
            "States.ArrayPartition($.inputArray,4)",
            "States.ArrayContains($.inputArray, $.lookingFor)",
            "States.ArrayRange(1, 9, 2)",
            "States.ArrayGetItem($.inputArray, $.index)",
            "States.ArrayGetItem($.DescribeRecord.RecordOutputs[?(@.OutputKey == FooBar)].OutputValue, 0)",
            "States.ArrayLength($.inputArray)",
            "States.ArrayUnique($.inputArray)",
            "States.Base64Encode($.input)",
            "States.Base64Decode($.base64)",
            "States.Hash($.Data, $.Algorithm)",
            "States.JsonMerge($.json1, $.json2, false)",
            "States.JsonMerge(States.StringToJson($.Body), States.StringToJson('{\"NewField\": \"MyValue\" }'), false)",
            "States.StringToJson($.escapedJsonString)",
            "States.JsonToString($.unescapedJson)",
            "States.MathRandom($.start, $.end)",
            "States.MathRandom(1, 10, 42)",
            "States.MathAdd($.value1, $.step)",
            "States.MathAdd(States.ArrayLength($$.Execution.Input.machines),-1)",
            "States.StringSplit($.inputString, $.splitter)",
            "States.UUID()",
            "States.Format('{} xyz {}', 1, 'def')",
            "States.Format('Welcome to {} {}\\'s playlist.', $.firstName, $.lastName)",
            "States.Format('Hello {}, your application has been approved.', $inputPayload.data.firstname)",
            "States.Format('{}{}', $.field1, $field2)",
            "States.Format('Data Quality check failed for the input file')",
            "States.Format('Data Quality results failed. {}. {}.',$..constraint,$.Name)",
            "States.Format('literal \\{\\} braces {}', $.x)",
            "States.Format('{}.{}.{}', States.ArrayGetItem(States.StringSplit(States.ArrayGetItem(States.StringSplit($.ImageRecipe.Arn, '/'), 2), '.'), 0), States.ArrayGetItem(States.StringSplit(States.ArrayGetItem(States.StringSplit($.ImageRecipe.Arn, '/'), 2), '.'), 1))",
        ];
        for text in valid {
            if let Err(e) = parse(text) {
                panic!("{text:?} should parse: {e}");
            }
        }
    }

    #[test]
    fn rejects_with_offsets() {
        let invalid = [
            (" States.Array('Foo', $.xyz, 'Bar', 2.3)", 0),
            ("States.Xyz($.result)", 0),
            ("States.MathAdd(1,'-1')", 17),
            ("States.UUID(1)", 0),
            ("States.ArrayRange(1, 9)", 0),
            ("States.ArrayRange(1, 9.5, 1)", 21),
            ("States.Format('{ x', $.a)", 15),
            ("States.Array('unclosed)", 13),
            ("States.Array($.a[)", 17),
            ("States.Array(\"x\")", 13),
            ("States.Array(foo)", 13),
            ("States.Array($.a", 12),
            ("States.Array($.a) x", 17),
            ("States.ArrayLength('abc')", 19),
            ("States.JsonMerge($.a, $.b, 'no')", 27),
        ];
        for (text, offset) in invalid {
            match parse(text) {
                Ok(c) => panic!("{text:?} should not parse, got {c:?}"),
                Err(e) => assert_eq!(e.offset, offset, "{text:?}: {e}"),
            }
        }
    }

    #[test]
    fn arguments_and_escapes() {
        let call = parse("States.Format('It\\'s {} \\{ok\\} \\\\', $.a.b)")
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(call.function, Function::Format);
        assert_eq!(
            call.args.first(),
            Some(&Arg::Literal(Value::String("It's {} {ok} \\".into())))
        );
        assert_eq!(
            call.template,
            Some(vec![
                FormatPiece::Text("It's ".into()),
                FormatPiece::Placeholder,
                FormatPiece::Text(" {ok} \\".into()),
            ])
        );
        assert!(matches!(call.args.get(1), Some(Arg::Path(p)) if p.text() == "$.a.b"));

        let nested = parse("States.MathAdd(States.ArrayLength($$.Execution.Input.machines),-1)")
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(nested.depth(), 2);
        assert!(matches!(nested.args.get(1), Some(Arg::Literal(v)) if v.as_i64() == Some(-1)));
    }

    #[test]
    fn format_placeholder_count_is_reported_not_refused() {
        let call = parse("States.Format('{} {}', $.a)").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(call.format_mismatch(), Some((2, 1)));
        let call = parse("States.Format('{} {}', $.a, 1)").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(call.format_mismatch(), None);
    }

    #[test]
    fn nesting_limit() {
        let mut text = String::from("$.a");
        for _ in 0..10 {
            text = format!("States.Array({text})");
        }
        assert!(parse(&text).is_ok());
        let too_deep = format!("States.Array({text})");
        assert!(parse(&too_deep).is_err());
    }

    #[test]
    fn signatures_cover_every_function() {
        for signature in FUNCTIONS {
            assert_eq!(signature.function.signature().name, signature.name);
            assert_eq!(Function::by_name(signature.name), Some(signature.function));
        }
        assert_eq!(Function::MathRandom.signature().min_args(), 2);
        assert_eq!(Function::MathRandom.signature().max_args(), Some(3));
        assert_eq!(Function::Array.signature().max_args(), None);
    }

    #[test]
    fn expressions() {
        assert!(matches!(parse_expression("$.a"), Ok(Expression::Path(_))));
        assert!(matches!(
            parse_expression("States.UUID()"),
            Ok(Expression::Call(_))
        ));
        assert!(parse_expression("ipsum").is_err());
    }
}
