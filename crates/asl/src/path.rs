//! ASL JSONPath: parsing and pure evaluation of paths, reference paths and context paths.
//!
//! Step Functions evaluates JSONPath with the Jayway dialect. This module parses the subset that
//! appears in real definitions into an AST ([`Path`]) and evaluates it over a
//! `serde_json::Value` without side effects:
//!
//! - roots: `$` (the state input), `$$` (the context object) and `$name` (a variable);
//! - child names in dot form (`$.a.b`, `$.delivery-partner`) and bracket form (`$['a b']`);
//! - indices (`[0]`, `[-1]`), unions (`[0,2]`, `['a','b']`), wildcards (`.*`, `[*]`),
//!   slices (`[1:]`, `[:2]`, `[0:6:2]`), deep scan (`..name`, `..*`, `..[0]`);
//! - filters (`[?(@.price > 10 && @.tag == 'x')]`, `[?(@.isbn)]`, `in`/`nin`, bare words as
//!   strings, as asl-validator accepts them) and the `[(@.length-1)]` script index.
//!
//! A *definite* path (names and single indices only) selects one value and evaluating it on a
//! document without that value is an error, as in Step Functions ("Invalid path … : Missing
//! property in path $['no']"). Any other path selects a list of matches, possibly empty.
//! A *reference path* ([`Path::is_reference`]) is a definite path; only reference paths may be
//! written to ([`Path::assign`], for `ResultPath`).
//!
//! Why not a crate: the JSONPath crates on crates.io implement RFC 9535 or Goessner's dialect,
//! not Jayway's (definite-path errors, `$$`/`$var` roots, bare words in filters, script
//! indices), and none returns character offsets for syntax errors, which the validator needs.

use std::fmt;

use serde_json::{Map as JsonObject, Value};

/// A parsed ASL path.
#[derive(Debug, Clone, PartialEq)]
pub struct Path {
    text: String,
    root: Root,
    segments: Vec<Segment>,
}

/// What a path starts from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Root {
    /// `$`: the state's input (or effective input).
    Input,
    /// `$$`: the context object.
    Context,
    /// `$name`: the variable `name` (set by `Assign`).
    Variable(String),
}

/// One step of a path.
#[derive(Debug, Clone, PartialEq)]
pub enum Segment {
    /// `.x` or `[…]`: select among the children of each current value.
    Child(Selector),
    /// `..x` or `..[…]`: select among the current values and all their descendants.
    Descendant(Selector),
}

/// What a segment selects.
#[derive(Debug, Clone, PartialEq)]
pub enum Selector {
    /// `.name` or `['name']`.
    Name(String),
    /// `.*` or `[*]`: every member of an object or element of an array.
    Wildcard,
    /// `[n]`; negative counts from the end.
    Index(i64),
    /// `['a','b']`.
    Names(Vec<String>),
    /// `[0,2]`.
    Indices(Vec<i64>),
    /// `[start:end:step]`.
    Slice {
        start: Option<i64>,
        end: Option<i64>,
        step: Option<i64>,
    },
    /// `[?( … )]`.
    Filter(Filter),
    /// `[(@.length-1)]`: an index computed from the array's length.
    LengthIndex(i64),
}

/// A filter expression.
#[derive(Debug, Clone, PartialEq)]
pub enum Filter {
    Or(Box<Filter>, Box<Filter>),
    And(Box<Filter>, Box<Filter>),
    Not(Box<Filter>),
    /// `@.a` alone: true when the operand exists.
    Exists(Operand),
    Compare {
        left: Operand,
        op: FilterOp,
        right: Operand,
    },
}

/// An operand of a filter comparison.
#[derive(Debug, Clone, PartialEq)]
pub enum Operand {
    /// `@…`: relative to the element being filtered.
    Current(Vec<Segment>),
    /// `$…`: relative to the document root.
    Root(Vec<Segment>),
    /// A literal: number, quoted string, `true`, `false`, `null`, a bare word (a string), or a
    /// list `[…]` (for `in` / `nin`).
    Literal(Value),
}

/// A filter comparison operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FilterOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    In,
    Nin,
    /// `=~ /regex/`: parsed so the validator accepts it; not evaluated (see [`EvalError`]).
    Matches,
}

/// A syntax error in a path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PathError {
    /// A sentence saying what is wrong.
    pub message: String,
    /// Character (not byte) offset in the path text where the problem was found.
    pub offset: usize,
}

impl fmt::Display for PathError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (at character {})", self.message, self.offset)
    }
}

impl std::error::Error for PathError {}

/// Why a path could not be evaluated on a document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EvalError {
    /// A definite path named something the document does not have. `at` is the path up to and
    /// including the missing step in bracket notation, e.g. `$['no']`.
    Missing { at: String },
    /// A definite path stepped into a value of the wrong type, e.g. a name into a number.
    WrongType {
        at: String,
        expected: &'static str,
        found: &'static str,
    },
    /// The path uses a feature that is parsed but not evaluated (regular-expression filters).
    Unsupported(String),
    /// `ResultPath` could not be written (an intermediate value is not an object, an index is out
    /// of range, or the path is not a reference path).
    CannotAssign(String),
}

impl fmt::Display for EvalError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EvalError::Missing { at } => write!(f, "Missing property in path {at}"),
            EvalError::WrongType {
                at,
                expected,
                found,
            } => write!(
                f,
                "Expected to find {expected} in path {at} but found {found}"
            ),
            EvalError::Unsupported(what) => write!(f, "{what} is not supported by mapsim"),
            EvalError::CannotAssign(why) => f.write_str(why),
        }
    }
}

impl std::error::Error for EvalError {}

/// The result of selecting with a path.
#[derive(Debug, Clone, PartialEq)]
pub enum Found<'v> {
    /// A definite path found its value.
    One(&'v Value),
    /// An indefinite path found these values, in document order.
    Many(Vec<&'v Value>),
}

impl Found<'_> {
    /// The selection as an owned value: the value itself, or an array of the matches.
    pub fn to_value(&self) -> Value {
        match self {
            Found::One(v) => (*v).clone(),
            Found::Many(vs) => Value::Array(vs.iter().map(|v| (*v).clone()).collect()),
        }
    }
}

impl fmt::Display for Path {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl Path {
    /// Parses a path. `text` must be the whole path: no surrounding whitespace.
    pub fn parse(text: &str) -> Result<Path, PathError> {
        let mut parser = Parser::new(text);
        let root = parser.root()?;
        let segments = parser.segments(false)?;
        if let Some(c) = parser.peek() {
            return Err(parser.error_here(format!("unexpected {c:?}")));
        }
        Ok(Path {
            text: text.to_string(),
            root,
            segments,
        })
    }

    /// The text the path was parsed from.
    pub fn text(&self) -> &str {
        &self.text
    }

    pub fn root(&self) -> &Root {
        &self.root
    }

    pub fn segments(&self) -> &[Segment] {
        &self.segments
    }

    /// `$` alone: the identity.
    pub fn is_identity(&self) -> bool {
        self.root == Root::Input && self.segments.is_empty()
    }

    /// Selects at most one value: only names and single indices.
    pub fn is_definite(&self) -> bool {
        self.segments.iter().all(|s| {
            matches!(
                s,
                Segment::Child(Selector::Name(_) | Selector::Index(_) | Selector::LengthIndex(_))
            )
        })
    }

    /// A reference path in the sense of the ASL specification: it identifies a single node
    /// (names and single indices only). `ResultPath`, `Variable`, the `…Path` comparison
    /// operators and the `…Path` numeric fields require one. Note that a variable root is allowed
    /// here; whether a field accepts variables (`ResultPath` does not) is the caller's rule.
    pub fn is_reference(&self) -> bool {
        self.segments
            .iter()
            .all(|s| matches!(s, Segment::Child(Selector::Name(_) | Selector::Index(_))))
    }

    /// Selects from `root`, the value of this path's root (`$` input, `$$` context or the
    /// variable), which the caller resolves.
    pub fn find<'v>(&self, root: &'v Value) -> Result<Found<'v>, EvalError> {
        if self.is_definite() {
            let mut current = root;
            let mut at = String::from(match &self.root {
                Root::Input => "$",
                Root::Context => "$$",
                Root::Variable(_) => "$",
            });
            if let Root::Variable(name) = &self.root {
                at.push_str(name);
            }
            for segment in &self.segments {
                let Segment::Child(selector) = segment else {
                    break;
                };
                current = step_definite(current, selector, &mut at)?;
            }
            return Ok(Found::One(current));
        }
        let mut current: Vec<&'v Value> = vec![root];
        for segment in &self.segments {
            let mut next = Vec::new();
            match segment {
                Segment::Child(selector) => {
                    for value in &current {
                        select(value, selector, root, &mut next)?;
                    }
                }
                Segment::Descendant(selector) => {
                    for value in &current {
                        descend(value, selector, root, &mut next)?;
                    }
                }
            }
            current = next;
        }
        Ok(Found::Many(current))
    }

    /// Like [`Path::find`], returning an owned value.
    pub fn evaluate(&self, root: &Value) -> Result<Value, EvalError> {
        self.find(root).map(|found| found.to_value())
    }

    /// Writes `value` at this path inside `target`, as `ResultPath` does: `$` replaces the whole
    /// target; missing intermediate objects are created; an intermediate value that is not an
    /// object (or an index out of range) is an error.
    pub fn assign(&self, target: &mut Value, value: Value) -> Result<(), EvalError> {
        if self.root != Root::Input {
            return Err(EvalError::CannotAssign(format!(
                "The path '{}' cannot be written to: it does not start with '$.'",
                self.text
            )));
        }
        if !self.is_reference() {
            return Err(EvalError::CannotAssign(format!(
                "The path '{}' cannot be written to: it is not a reference path",
                self.text
            )));
        }
        let mut current = target;
        let count = self.segments.len();
        for (i, segment) in self.segments.iter().enumerate() {
            let last = i + 1 == count;
            let Segment::Child(selector) = segment else {
                return Err(EvalError::CannotAssign(format!(
                    "The path '{}' cannot be written to",
                    self.text
                )));
            };
            current = match selector {
                Selector::Name(name) => {
                    let Value::Object(map) = current else {
                        return Err(EvalError::CannotAssign(format!(
                            "Unable to apply ResultPath '{}': the value at step {} is {}, not an object",
                            self.text,
                            i,
                            type_name(current)
                        )));
                    };
                    if last {
                        map.insert(name.clone(), value);
                        return Ok(());
                    }
                    map.entry(name.clone())
                        .or_insert_with(|| Value::Object(JsonObject::new()))
                }
                Selector::Index(index) => {
                    let Value::Array(items) = current else {
                        return Err(EvalError::CannotAssign(format!(
                            "Unable to apply ResultPath '{}': the value at step {} is {}, not an array",
                            self.text,
                            i,
                            type_name(current)
                        )));
                    };
                    let Some(position) = resolve_index(*index, items.len()) else {
                        return Err(EvalError::CannotAssign(format!(
                            "Unable to apply ResultPath '{}': index {} is out of range",
                            self.text, index
                        )));
                    };
                    let Some(slot) = items.get_mut(position) else {
                        return Err(EvalError::CannotAssign(format!(
                            "Unable to apply ResultPath '{}': index {} is out of range",
                            self.text, index
                        )));
                    };
                    if last {
                        *slot = value;
                        return Ok(());
                    }
                    slot
                }
                _ => {
                    return Err(EvalError::CannotAssign(format!(
                        "The path '{}' cannot be written to",
                        self.text
                    )))
                }
            };
        }
        *current = value;
        Ok(())
    }
}

/// The JSON type of a value, as words for messages.
pub fn type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

fn resolve_index(index: i64, len: usize) -> Option<usize> {
    let len = i64::try_from(len).ok()?;
    let position = if index < 0 { len + index } else { index };
    if (0..len).contains(&position) {
        usize::try_from(position).ok()
    } else {
        None
    }
}

fn push_name(at: &mut String, name: &str) {
    at.push_str("['");
    at.push_str(name);
    at.push_str("']");
}

fn step_definite<'v>(
    current: &'v Value,
    selector: &Selector,
    at: &mut String,
) -> Result<&'v Value, EvalError> {
    match selector {
        Selector::Name(name) => match current {
            Value::Object(map) => {
                push_name(at, name);
                map.get(name)
                    .ok_or_else(|| EvalError::Missing { at: at.clone() })
            }
            other => Err(EvalError::WrongType {
                at: at.clone(),
                expected: "an object",
                found: type_name(other),
            }),
        },
        Selector::Index(index) => step_index(current, *index, at),
        Selector::LengthIndex(offset) => match current {
            Value::Array(items) => {
                let index = i64::try_from(items.len()).unwrap_or(i64::MAX) + offset;
                step_index(current, index, at)
            }
            other => Err(EvalError::WrongType {
                at: at.clone(),
                expected: "an array",
                found: type_name(other),
            }),
        },
        _ => Err(EvalError::Unsupported(
            "an indefinite selector in a definite path".to_string(),
        )),
    }
}

fn step_index<'v>(current: &'v Value, index: i64, at: &mut String) -> Result<&'v Value, EvalError> {
    match current {
        Value::Array(items) => {
            at.push('[');
            at.push_str(&index.to_string());
            at.push(']');
            resolve_index(index, items.len())
                .and_then(|i| items.get(i))
                .ok_or_else(|| EvalError::Missing { at: at.clone() })
        }
        other => Err(EvalError::WrongType {
            at: at.clone(),
            expected: "an array",
            found: type_name(other),
        }),
    }
}

/// Children of `value` selected by `selector`, appended to `out` (indefinite semantics: what is
/// missing is simply not selected).
fn select<'v>(
    value: &'v Value,
    selector: &Selector,
    root: &'v Value,
    out: &mut Vec<&'v Value>,
) -> Result<(), EvalError> {
    match selector {
        Selector::Name(name) => {
            if let Value::Object(map) = value {
                if let Some(v) = map.get(name) {
                    out.push(v);
                }
            }
        }
        Selector::Names(names) => {
            if let Value::Object(map) = value {
                for name in names {
                    if let Some(v) = map.get(name) {
                        out.push(v);
                    }
                }
            }
        }
        Selector::Wildcard => match value {
            Value::Object(map) => out.extend(map.values()),
            Value::Array(items) => out.extend(items.iter()),
            _ => {}
        },
        Selector::Index(index) => {
            if let Value::Array(items) = value {
                if let Some(v) = resolve_index(*index, items.len()).and_then(|i| items.get(i)) {
                    out.push(v);
                }
            }
        }
        Selector::Indices(indices) => {
            if let Value::Array(items) = value {
                for index in indices {
                    if let Some(v) = resolve_index(*index, items.len()).and_then(|i| items.get(i)) {
                        out.push(v);
                    }
                }
            }
        }
        Selector::LengthIndex(offset) => {
            if let Value::Array(items) = value {
                let index = i64::try_from(items.len()).unwrap_or(i64::MAX) + offset;
                if let Some(v) = resolve_index(index, items.len()).and_then(|i| items.get(i)) {
                    out.push(v);
                }
            }
        }
        Selector::Slice { start, end, step } => {
            if let Value::Array(items) = value {
                for i in slice_indices(items.len(), *start, *end, *step) {
                    if let Some(v) = items.get(i) {
                        out.push(v);
                    }
                }
            }
        }
        Selector::Filter(filter) => match value {
            Value::Array(items) => {
                for item in items {
                    if filter_matches(filter, item, root)? {
                        out.push(item);
                    }
                }
            }
            Value::Object(map) => {
                for item in map.values() {
                    if filter_matches(filter, item, root)? {
                        out.push(item);
                    }
                }
            }
            _ => {}
        },
    }
    Ok(())
}

fn descend<'v>(
    value: &'v Value,
    selector: &Selector,
    root: &'v Value,
    out: &mut Vec<&'v Value>,
) -> Result<(), EvalError> {
    // Jayway applies the selector to the value itself and then to every descendant, depth first.
    // An explicit stack keeps deep documents from overflowing the call stack.
    let mut stack: Vec<&'v Value> = vec![value];
    while let Some(current) = stack.pop() {
        select(current, selector, root, out)?;
        match current {
            Value::Object(map) => {
                let children: Vec<&Value> = map.values().collect();
                stack.extend(children.into_iter().rev());
            }
            Value::Array(items) => stack.extend(items.iter().rev()),
            _ => {}
        }
    }
    Ok(())
}

/// Python-style slice indices, as Jayway computes them.
fn slice_indices(
    len: usize,
    start: Option<i64>,
    end: Option<i64>,
    step: Option<i64>,
) -> Vec<usize> {
    let len = i64::try_from(len).unwrap_or(i64::MAX);
    let step = step.unwrap_or(1);
    if step <= 0 {
        return Vec::new();
    }
    let clamp = |v: i64| -> i64 {
        let v = if v < 0 { len + v } else { v };
        v.clamp(0, len)
    };
    let start = start.map_or(0, clamp);
    let end = end.map_or(len, clamp);
    let mut indices = Vec::new();
    let mut i = start;
    while i < end {
        if let Ok(u) = usize::try_from(i) {
            indices.push(u);
        }
        i += step;
    }
    indices
}

fn operand_value<'v>(operand: &'v Operand, current: &'v Value, root: &'v Value) -> Option<Value> {
    let (start, segments) = match operand {
        Operand::Literal(v) => return Some(v.clone()),
        Operand::Current(segments) => (current, segments),
        Operand::Root(segments) => (root, segments),
    };
    let mut values: Vec<&Value> = vec![start];
    let mut definite = true;
    for segment in segments {
        let mut next = Vec::new();
        match segment {
            Segment::Child(selector) => {
                if !matches!(selector, Selector::Name(_) | Selector::Index(_)) {
                    definite = false;
                }
                for v in &values {
                    select(v, selector, root, &mut next).ok()?;
                }
            }
            Segment::Descendant(selector) => {
                definite = false;
                for v in &values {
                    descend(v, selector, root, &mut next).ok()?;
                }
            }
        }
        values = next;
    }
    if definite {
        values.first().map(|v| (*v).clone())
    } else {
        Some(Value::Array(values.into_iter().cloned().collect()))
    }
}

fn filter_matches(filter: &Filter, current: &Value, root: &Value) -> Result<bool, EvalError> {
    Ok(match filter {
        Filter::Or(a, b) => filter_matches(a, current, root)? || filter_matches(b, current, root)?,
        Filter::And(a, b) => filter_matches(a, current, root)? && filter_matches(b, current, root)?,
        Filter::Not(inner) => !filter_matches(inner, current, root)?,
        Filter::Exists(operand) => operand_value(operand, current, root).is_some(),
        Filter::Compare { left, op, right } => {
            if *op == FilterOp::Matches {
                return Err(EvalError::Unsupported(
                    "A regular-expression filter (=~)".to_string(),
                ));
            }
            let (Some(l), Some(r)) = (
                operand_value(left, current, root),
                operand_value(right, current, root),
            ) else {
                return Ok(false);
            };
            compare(&l, *op, &r)
        }
    })
}

fn compare(left: &Value, op: FilterOp, right: &Value) -> bool {
    use std::cmp::Ordering;
    let ordering = match (left, right) {
        (Value::Number(a), Value::Number(b)) => match (a.as_f64(), b.as_f64()) {
            (Some(a), Some(b)) => a.partial_cmp(&b),
            _ => None,
        },
        (Value::String(a), Value::String(b)) => Some(a.cmp(b)),
        _ => None,
    };
    match op {
        FilterOp::Eq => ordering.map_or_else(|| left == right, |o| o == Ordering::Equal),
        FilterOp::Ne => ordering.map_or_else(|| left != right, |o| o != Ordering::Equal),
        FilterOp::Lt => ordering == Some(Ordering::Less),
        FilterOp::Le => matches!(ordering, Some(Ordering::Less | Ordering::Equal)),
        FilterOp::Gt => ordering == Some(Ordering::Greater),
        FilterOp::Ge => matches!(ordering, Some(Ordering::Greater | Ordering::Equal)),
        FilterOp::In => match right {
            Value::Array(items) => items.iter().any(|i| compare(left, FilterOp::Eq, i)),
            _ => false,
        },
        FilterOp::Nin => match right {
            Value::Array(items) => !items.iter().any(|i| compare(left, FilterOp::Eq, i)),
            _ => true,
        },
        FilterOp::Matches => false,
    }
}

/// Characters that end a name written in dot notation.
fn ends_dot_name(c: char) -> bool {
    matches!(c, '.' | '[' | ']' | '(' | ')' | '\'' | '"' | ',') || c.is_whitespace()
}

/// Characters of a variable name (`$name`): ASCII letters, digits and `_`, not starting with a
/// digit.
fn is_variable_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

struct Parser<'t> {
    text: &'t str,
    /// Byte position.
    pos: usize,
}

impl<'t> Parser<'t> {
    fn new(text: &'t str) -> Self {
        Parser { text, pos: 0 }
    }

    fn rest(&self) -> &'t str {
        self.text.get(self.pos..).unwrap_or("")
    }

    fn peek(&self) -> Option<char> {
        self.rest().chars().next()
    }

    fn peek_second(&self) -> Option<char> {
        self.rest().chars().nth(1)
    }

    fn bump(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.pos += c.len_utf8();
        Some(c)
    }

    fn eat(&mut self, c: char) -> bool {
        if self.peek() == Some(c) {
            self.pos += c.len_utf8();
            true
        } else {
            false
        }
    }

    fn eat_str(&mut self, s: &str) -> bool {
        if self.rest().starts_with(s) {
            self.pos += s.len();
            true
        } else {
            false
        }
    }

    fn skip_spaces(&mut self) {
        while self.peek().is_some_and(char::is_whitespace) {
            self.bump();
        }
    }

    fn char_offset(&self, byte: usize) -> usize {
        self.text.get(..byte).map_or(0, |s| s.chars().count())
    }

    fn error_at(&self, byte: usize, message: impl Into<String>) -> PathError {
        PathError {
            message: message.into(),
            offset: self.char_offset(byte),
        }
    }

    fn error_here(&self, message: impl Into<String>) -> PathError {
        self.error_at(self.pos, message)
    }

    fn root(&mut self) -> Result<Root, PathError> {
        if !self.eat('$') {
            return Err(self.error_here("a path must start with '$'"));
        }
        if self.eat('$') {
            return Ok(Root::Context);
        }
        let start = self.pos;
        if self.peek().is_some_and(|c| c.is_ascii_digit()) {
            return Err(self.error_here(
                "'$' must be followed by '.', '[', '$' or a variable name (which cannot start with a digit)",
            ));
        }
        while self.peek().is_some_and(is_variable_char) {
            self.bump();
        }
        if self.pos > start {
            let name = self.text.get(start..self.pos).unwrap_or("").to_string();
            return Ok(Root::Variable(name));
        }
        Ok(Root::Input)
    }

    /// Segments until the end of the text (or, inside a filter, until a character that cannot
    /// continue a path).
    fn segments(&mut self, in_filter: bool) -> Result<Vec<Segment>, PathError> {
        let mut segments = Vec::new();
        loop {
            match self.peek() {
                Some('.') => {
                    let dot = self.pos;
                    self.bump();
                    if self.eat('.') {
                        if self.peek() == Some('[') {
                            segments.push(Segment::Descendant(self.bracket()?));
                        } else {
                            segments.push(Segment::Descendant(self.dot_name(dot, in_filter)?));
                        }
                    } else {
                        segments.push(Segment::Child(self.dot_name(dot, in_filter)?));
                    }
                }
                Some('[') => segments.push(Segment::Child(self.bracket()?)),
                None => break,
                Some(_) if in_filter => break,
                Some(c) => return Err(self.error_here(format!("unexpected {c:?} in path"))),
            }
        }
        Ok(segments)
    }

    fn dot_name(&mut self, dot: usize, in_filter: bool) -> Result<Selector, PathError> {
        if self.eat('*') {
            return Ok(Selector::Wildcard);
        }
        let start = self.pos;
        // Inside a filter, comparison operators end a name: `@.status==Failure`.
        let ends = |c: char| {
            ends_dot_name(c) || (in_filter && matches!(c, '=' | '<' | '>' | '!' | '&' | '|'))
        };
        while self.peek().is_some_and(|c| !ends(c)) {
            self.bump();
        }
        if self.pos == start {
            return Err(match self.peek() {
                None => self.error_at(dot, "a '.' must be followed by a name"),
                Some(c) => self.error_here(format!("a '.' must be followed by a name, not {c:?}")),
            });
        }
        Ok(Selector::Name(
            self.text.get(start..self.pos).unwrap_or("").to_string(),
        ))
    }

    fn bracket(&mut self) -> Result<Selector, PathError> {
        let open = self.pos;
        self.bump(); // '['
        self.skip_spaces();
        let selector = match self.peek() {
            Some('*') => {
                self.bump();
                Selector::Wildcard
            }
            Some('\'' | '"') => {
                let mut names = vec![self.quoted()?];
                self.skip_spaces();
                while self.eat(',') {
                    self.skip_spaces();
                    names.push(self.quoted()?);
                    self.skip_spaces();
                }
                if names.len() == 1 {
                    Selector::Name(names.remove(0))
                } else {
                    Selector::Names(names)
                }
            }
            Some('?') => {
                self.bump();
                self.skip_spaces();
                if !self.eat('(') {
                    return Err(self.error_here("a filter must be written '[?( … )]'"));
                }
                let filter = self.filter_or()?;
                self.skip_spaces();
                if !self.eat(')') {
                    return Err(self.error_here("expected ')' to close the filter"));
                }
                Selector::Filter(filter)
            }
            Some('(') => {
                self.bump();
                self.skip_spaces();
                if !self.eat_str("@.length") {
                    return Err(self.error_here(
                        "only '(@.length)', '(@.length-N)' and '(@.length+N)' are supported as script indices",
                    ));
                }
                self.skip_spaces();
                let offset = if self.eat('-') {
                    self.skip_spaces();
                    -self.integer()?
                } else if self.eat('+') {
                    self.skip_spaces();
                    self.integer()?
                } else {
                    0
                };
                self.skip_spaces();
                if !self.eat(')') {
                    return Err(self.error_here("expected ')' to close the script index"));
                }
                Selector::LengthIndex(offset)
            }
            Some(c) if c == '-' || c == ':' || c.is_ascii_digit() => self.index_or_slice()?,
            Some(']') => return Err(self.error_here("empty brackets '[]'")),
            None => return Err(self.error_at(open, "unclosed '['")),
            Some(c) => return Err(self.error_here(format!("unexpected {c:?} after '['"))),
        };
        self.skip_spaces();
        if !self.eat(']') {
            return Err(match self.peek() {
                None => self.error_at(open, "unclosed '['"),
                Some(c) => self.error_here(format!("expected ']', found {c:?}")),
            });
        }
        Ok(selector)
    }

    fn integer(&mut self) -> Result<i64, PathError> {
        let start = self.pos;
        self.eat('-');
        while self.peek().is_some_and(|c| c.is_ascii_digit()) {
            self.bump();
        }
        let digits = self.text.get(start..self.pos).unwrap_or("");
        digits
            .parse::<i64>()
            .map_err(|_| self.error_at(start, "expected an integer"))
    }

    fn optional_integer(&mut self) -> Result<Option<i64>, PathError> {
        self.skip_spaces();
        if self.peek().is_some_and(|c| c == '-' || c.is_ascii_digit()) {
            Ok(Some(self.integer()?))
        } else {
            Ok(None)
        }
    }

    fn index_or_slice(&mut self) -> Result<Selector, PathError> {
        let first = self.optional_integer()?;
        self.skip_spaces();
        if self.eat(':') {
            let end = self.optional_integer()?;
            self.skip_spaces();
            let step = if self.eat(':') {
                self.optional_integer()?
            } else {
                None
            };
            if step == Some(0) {
                return Err(self.error_here("a slice step cannot be 0"));
            }
            return Ok(Selector::Slice {
                start: first,
                end,
                step,
            });
        }
        let Some(first) = first else {
            return Err(self.error_here("expected an index"));
        };
        let mut indices = vec![first];
        while self.eat(',') {
            self.skip_spaces();
            indices.push(self.integer()?);
            self.skip_spaces();
        }
        if indices.len() == 1 {
            Ok(Selector::Index(first))
        } else {
            Ok(Selector::Indices(indices))
        }
    }

    fn quoted(&mut self) -> Result<String, PathError> {
        let open = self.pos;
        let Some(quote) = self.bump() else {
            return Err(self.error_here("expected a quoted name"));
        };
        let mut out = String::new();
        loop {
            match self.bump() {
                None => return Err(self.error_at(open, "unclosed quoted name")),
                Some('\\') => match self.bump() {
                    None => return Err(self.error_at(open, "unclosed quoted name")),
                    Some(c) => out.push(c),
                },
                Some(c) if c == quote => return Ok(out),
                Some(c) => out.push(c),
            }
        }
    }

    fn filter_or(&mut self) -> Result<Filter, PathError> {
        let mut left = self.filter_and()?;
        loop {
            self.skip_spaces();
            if self.eat_str("||") {
                let right = self.filter_and()?;
                left = Filter::Or(Box::new(left), Box::new(right));
            } else {
                return Ok(left);
            }
        }
    }

    fn filter_and(&mut self) -> Result<Filter, PathError> {
        let mut left = self.filter_unary()?;
        loop {
            self.skip_spaces();
            if self.eat_str("&&") {
                let right = self.filter_unary()?;
                left = Filter::And(Box::new(left), Box::new(right));
            } else {
                return Ok(left);
            }
        }
    }

    fn filter_unary(&mut self) -> Result<Filter, PathError> {
        self.skip_spaces();
        if self.peek() == Some('!') && self.peek_second() != Some('=') {
            self.bump();
            return Ok(Filter::Not(Box::new(self.filter_unary()?)));
        }
        if self.eat('(') {
            let inner = self.filter_or()?;
            self.skip_spaces();
            if !self.eat(')') {
                return Err(self.error_here("expected ')'"));
            }
            return Ok(inner);
        }
        let left = self.operand()?;
        self.skip_spaces();
        let op = if self.eat_str("==") {
            FilterOp::Eq
        } else if self.eat_str("!=") {
            FilterOp::Ne
        } else if self.eat_str("<=") {
            FilterOp::Le
        } else if self.eat_str(">=") {
            FilterOp::Ge
        } else if self.eat_str("=~") {
            FilterOp::Matches
        } else if self.eat('<') {
            FilterOp::Lt
        } else if self.eat('>') {
            FilterOp::Gt
        } else if self.rest().starts_with("nin ") || self.rest().starts_with("nin[") {
            self.pos += 3;
            FilterOp::Nin
        } else if self.rest().starts_with("in ") || self.rest().starts_with("in[") {
            self.pos += 2;
            FilterOp::In
        } else {
            return match left {
                Operand::Literal(_) => {
                    Err(self.error_here("a filter needs a comparison or a path"))
                }
                other => Ok(Filter::Exists(other)),
            };
        };
        self.skip_spaces();
        let right = if op == FilterOp::Matches {
            self.regex()?
        } else {
            self.operand()?
        };
        Ok(Filter::Compare { left, op, right })
    }

    fn regex(&mut self) -> Result<Operand, PathError> {
        let open = self.pos;
        if !self.eat('/') {
            return Err(self.error_here("expected a /regular expression/ after '=~'"));
        }
        let mut body = String::new();
        loop {
            match self.bump() {
                None => return Err(self.error_at(open, "unclosed regular expression")),
                Some('\\') => {
                    body.push('\\');
                    if let Some(c) = self.bump() {
                        body.push(c);
                    }
                }
                Some('/') => break,
                Some(c) => body.push(c),
            }
        }
        while self.peek().is_some_and(|c| c.is_ascii_alphabetic()) {
            self.bump();
        }
        Ok(Operand::Literal(Value::String(body)))
    }

    fn operand(&mut self) -> Result<Operand, PathError> {
        self.skip_spaces();
        match self.peek() {
            Some('@') => {
                self.bump();
                Ok(Operand::Current(self.segments(true)?))
            }
            Some('$') => {
                self.bump();
                Ok(Operand::Root(self.segments(true)?))
            }
            Some('\'' | '"') => Ok(Operand::Literal(Value::String(self.quoted()?))),
            Some('[') => {
                self.bump();
                let mut items = Vec::new();
                self.skip_spaces();
                if !self.eat(']') {
                    loop {
                        match self.operand()? {
                            Operand::Literal(v) => items.push(v),
                            _ => return Err(self.error_here("a list may only hold literals")),
                        }
                        self.skip_spaces();
                        if self.eat(',') {
                            continue;
                        }
                        if self.eat(']') {
                            break;
                        }
                        return Err(self.error_here("expected ',' or ']' in a list"));
                    }
                }
                Ok(Operand::Literal(Value::Array(items)))
            }
            Some(c) if c == '-' || c.is_ascii_digit() => {
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
                    .map(|n| Operand::Literal(Value::Number(n)))
                    .map_err(|_| self.error_at(start, format!("{text:?} is not a number")))
            }
            Some(c) if c.is_alphabetic() || c == '_' => {
                let start = self.pos;
                while self
                    .peek()
                    .is_some_and(|c| c.is_alphanumeric() || matches!(c, '_' | '-'))
                {
                    self.bump();
                }
                let word = self.text.get(start..self.pos).unwrap_or("");
                Ok(Operand::Literal(match word {
                    "true" => Value::Bool(true),
                    "false" => Value::Bool(false),
                    "null" => Value::Null,
                    // A bare word compares as a string; asl-validator accepts such filters.
                    other => Value::String(other.to_string()),
                }))
            }
            None => Err(self.error_here("the filter ends too early")),
            Some(c) => Err(self.error_here(format!("unexpected {c:?} in a filter"))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn doc() -> Value {
        json!({
            "store": {
                "book": [
                    {"category": "reference", "author": "Nigel Rees", "price": 8.95},
                    {"category": "fiction", "author": "Evelyn Waugh", "price": 12.99},
                    {"category": "fiction", "author": "Herman Melville", "isbn": "0-553", "price": 8.99},
                    {"category": "fiction", "author": "J. R. R. Tolkien", "isbn": "0-395", "price": 22.99}
                ],
                "bicycle": {"color": "red", "price": 19.95}
            },
            "expensive": 10,
            "delivery-partner": "acme",
            "a b": 1,
            "vals": [0, 1, 2, 3, 4, 5]
        })
    }

    #[test]
    fn parses_what_real_definitions_use() {
        // From asl-validator's and statelint's valid fixtures and the real-world corpus.
        let valid = [
            "$",
            "$$",
            "$$.Execution.Id",
            "$$.Map.Item.Value.check_status",
            "$.a",
            "$.b[23]",
            "$.x.y.z[2]",
            "$.books[-2]",
            "$.fooList[1:]",
            "$.vals[3:]",
            "$.input-foo-bar",
            "$.delivery-partner",
            "$[*][*]",
            "$[(@.length-1)].bar",
            "$..QualityResults[?(@.constraint_status==Failure)]",
            "$.DescribeRecord.RecordOutputs[?(@.OutputKey == FooBar)].OutputValue",
            "$.QualityResults[0]['check_status']",
            "$..constraint",
            "$inputPayload.data.firstname",
            "$field2",
            "$.store.book[?(@.price < $.expensive)]",
            "$.store.book[?(@.isbn && @.price > 10 || !(@.category == 'reference'))]",
            "$['a b']",
            "$[\"a b\"]",
            "$.store['book','bicycle']",
            "$.vals[0,2]",
            "$.vals[0:6:2]",
            "$..*",
            "$..[0]",
            "$.store.book[?(@.category in ['fiction'])]",
            "$.store.book[?(@.author =~ /.*Rees/i)]",
        ];
        for text in valid {
            if let Err(e) = Path::parse(text) {
                panic!("{text:?} should parse: {e}");
            }
        }
    }

    #[test]
    fn rejects_what_validators_reject_with_offsets() {
        // (text, character offset of the problem)
        let invalid = [
            (".guid", 0),
            ("..guid", 0),
            ("()", 0),
            ("$...", 3),
            ("bug$.library.movies", 0),
            ("$$23", 2),
            ("23", 0),
            ("ipsum", 0),
            ("$23", 1),
            ("$.", 1),
            ("$.a[", 3),
            ("$.a[]", 4),
            ("$.a['x", 4),
            ("$.a b", 3),
            ("$.a[?(@.x == 1]", 14),
            (" $.a", 0),
            ("$.a ", 3),
            ("$.ä.[0", 4),
        ];
        for (text, offset) in invalid {
            match Path::parse(text) {
                Ok(p) => panic!("{text:?} should not parse, got {p:?}"),
                Err(e) => assert_eq!(e.offset, offset, "{text:?}: {e}"),
            }
        }
    }

    #[test]
    fn reference_and_definite_paths() {
        let cases = [
            ("$", true, true),
            ("$.a.b", true, true),
            ("$.a[0].b", true, true),
            ("$['a'][-1]", true, true),
            ("$$.Map.Item.Index", true, true),
            ("$var.x", true, true),
            ("$.a[*]", false, false),
            ("$..a", false, false),
            ("$.a[0:1]", false, false),
            ("$.a[?(@.x)]", false, false),
            ("$.a[0,1]", false, false),
            ("$[(@.length-1)]", false, true),
        ];
        for (text, reference, definite) in cases {
            let path = Path::parse(text).unwrap_or_else(|e| panic!("{text}: {e}"));
            assert_eq!(path.is_reference(), reference, "{text} is_reference");
            assert_eq!(path.is_definite(), definite, "{text} is_definite");
        }
    }

    #[test]
    fn evaluates_like_jayway() {
        let doc = doc();
        let cases = [
            ("$", doc.clone()),
            ("$.expensive", json!(10)),
            ("$['a b']", json!(1)),
            ("$.delivery-partner", json!("acme")),
            ("$.store.book[0].author", json!("Nigel Rees")),
            ("$.store.book[-1].author", json!("J. R. R. Tolkien")),
            (
                "$.store.book[*].author",
                json!([
                    "Nigel Rees",
                    "Evelyn Waugh",
                    "Herman Melville",
                    "J. R. R. Tolkien"
                ]),
            ),
            (
                "$..author",
                json!([
                    "Nigel Rees",
                    "Evelyn Waugh",
                    "Herman Melville",
                    "J. R. R. Tolkien"
                ]),
            ),
            ("$.store..price", json!([8.95, 12.99, 8.99, 22.99, 19.95])),
            ("$..QualityResults[?(@.status==Failure)].id", json!([])),
            ("$.vals[1:3]", json!([1, 2])),
            ("$.vals[3:]", json!([3, 4, 5])),
            ("$.vals[:2]", json!([0, 1])),
            ("$.vals[-2:]", json!([4, 5])),
            ("$.vals[0:6:2]", json!([0, 2, 4])),
            ("$.vals[0,2]", json!([0, 2])),
            ("$.vals[(@.length-1)]", json!(5)),
            ("$.store.book[?(@.isbn)].price", json!([8.99, 22.99])),
            (
                "$.store.book[?(@.price < $.expensive)].price",
                json!([8.95, 8.99]),
            ),
            (
                "$.store.book[?(@.category == 'fiction' && @.price > 20)].author",
                json!(["J. R. R. Tolkien"]),
            ),
            (
                "$.store.book[?(@.category == reference)].price",
                json!([8.95]),
            ),
            (
                "$.store.book[?(!(@.category == 'fiction'))].price",
                json!([8.95]),
            ),
            (
                "$.store.book[?(@.price in [8.95, 8.99])].price",
                json!([8.95, 8.99]),
            ),
            ("$.store.book[?(@.nothing == 1)]", json!([])),
            ("$.missing[*]", json!([])),
            ("$.store['bicycle','nothing'].color", json!(["red"])),
        ];
        for (text, expected) in cases {
            let path = Path::parse(text).unwrap_or_else(|e| panic!("{text}: {e}"));
            let got = path
                .evaluate(&doc)
                .unwrap_or_else(|e| panic!("{text}: {e}"));
            assert_eq!(got, expected, "{text}");
        }
    }

    #[test]
    fn definite_paths_report_what_is_missing_as_step_functions_does() {
        let doc = json!({"a": {"b": 1}, "arr": [1]});
        let cases = [
            ("$.no.such.result.path", "Missing property in path $['no']"),
            ("$.a.c", "Missing property in path $['a']['c']"),
            ("$.arr[3]", "Missing property in path $['arr'][3]"),
            (
                "$.a.b.c",
                "Expected to find an object in path $['a']['b'] but found a number",
            ),
        ];
        for (text, message) in cases {
            let path = Path::parse(text).unwrap_or_else(|e| panic!("{text}: {e}"));
            match path.evaluate(&doc) {
                Ok(v) => panic!("{text} should fail, got {v}"),
                Err(e) => assert_eq!(e.to_string(), message, "{text}"),
            }
        }
    }

    #[test]
    fn regex_filters_are_reported_unsupported_not_skipped() {
        let path =
            Path::parse("$.store.book[?(@.author =~ /.*Rees/)]").unwrap_or_else(|e| panic!("{e}"));
        assert!(matches!(
            path.evaluate(&doc()),
            Err(EvalError::Unsupported(_))
        ));
    }

    #[test]
    fn roots() {
        let root = |t: &str| Path::parse(t).map(|p| p.root().clone());
        assert_eq!(root("$.a"), Ok(Root::Input));
        assert_eq!(root("$$.a"), Ok(Root::Context));
        assert_eq!(root("$myVar.a"), Ok(Root::Variable("myVar".into())));
        assert_eq!(root("$_x"), Ok(Root::Variable("_x".into())));
    }

    #[test]
    fn assigns_like_result_path() {
        let cases = [
            ("$", json!({"a": 1}), json!(7), json!(7)),
            ("$.r", json!({"a": 1}), json!(7), json!({"a": 1, "r": 7})),
            (
                "$.x.y",
                json!({"a": 1}),
                json!(7),
                json!({"a": 1, "x": {"y": 7}}),
            ),
            ("$.a", json!({"a": 1}), json!(7), json!({"a": 7})),
            (
                "$.arr[1]",
                json!({"arr": [0, 0]}),
                json!(7),
                json!({"arr": [0, 7]}),
            ),
        ];
        for (text, mut target, value, expected) in cases {
            let path = Path::parse(text).unwrap_or_else(|e| panic!("{text}: {e}"));
            path.assign(&mut target, value)
                .unwrap_or_else(|e| panic!("{text}: {e}"));
            assert_eq!(target, expected, "{text}");
        }
        let failing = [
            ("$.a.b", json!({"a": 1})),
            ("$.arr[5]", json!({"arr": []})),
            ("$.a[*]", json!({"a": []})),
            ("$v.a", json!({})),
        ];
        for (text, mut target) in failing {
            let path = Path::parse(text).unwrap_or_else(|e| panic!("{text}: {e}"));
            assert!(path.assign(&mut target, json!(1)).is_err(), "{text}");
        }
    }

    #[test]
    fn deep_documents_do_not_overflow_on_deep_scan() {
        let mut value = json!(1);
        for _ in 0..10_000 {
            let mut map = JsonObject::new();
            map.insert("a".to_string(), value);
            value = Value::Object(map);
        }
        let path = Path::parse("$..a").unwrap_or_else(|e| panic!("{e}"));
        let Ok(Found::Many(found)) = path.find(&value) else {
            panic!("expected many");
        };
        assert_eq!(found.len(), 10_000);
        // serde_json's Drop is recursive; leak the deep value instead of dropping it on the test
        // thread's stack.
        std::mem::forget(value);
    }
}
