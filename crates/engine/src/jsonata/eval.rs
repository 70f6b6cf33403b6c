//! JSONata evaluation: sequences, paths, predicates, operators, scopes and lambdas.

use std::cell::RefCell;
use std::rc::Rc;

use serde_json::{Map as JsonObject, Value};

use super::functions;
use super::Env;
use crate::intrinsics::json_equal;
use asl::jsonata::{Lambda, Node, Op};

/// A value during evaluation.
#[derive(Debug, Clone)]
pub enum Val {
    Undefined,
    Json(Value),
    /// A sequence produced by path navigation (collapses when it leaves the expression).
    Seq(Vec<Value>),
    Func(Rc<Func>),
}

#[derive(Debug)]
pub enum Func {
    Lambda(Rc<Lambda>, Scope),
    Builtin(&'static str),
}

/// Local bindings (`:=`, lambda parameters), chained to the enclosing scope.
#[derive(Debug, Clone, Default)]
pub struct Scope(Option<Rc<ScopeFrame>>);

#[derive(Debug)]
pub struct ScopeFrame {
    vars: RefCell<Vec<(String, Val)>>,
    parent: Scope,
}

impl Scope {
    pub fn child(&self) -> Scope {
        Scope(Some(Rc::new(ScopeFrame {
            vars: RefCell::new(Vec::new()),
            parent: self.clone(),
        })))
    }

    fn lookup(&self, name: &str) -> Option<Val> {
        let frame = self.0.as_ref()?;
        if let Some((_, v)) = frame.vars.borrow().iter().rev().find(|(n, _)| n == name) {
            return Some(v.clone());
        }
        frame.parent.lookup(name)
    }

    fn bind(&self, name: &str, value: Val) {
        if let Some(frame) = &self.0 {
            frame.vars.borrow_mut().push((name.to_string(), value));
        }
    }
}

pub struct Context<'e, 'a> {
    pub env: &'e Env<'a>,
    pub root: Val,
    pub depth: usize,
    /// The expression's regular expressions, compiled, by [`asl::jsonata::Regex::index`].
    pub regexes: &'e [Rc<regex_lite::Regex>],
}

const MAX_CALL_DEPTH: usize = 500;

impl Val {
    /// The value as it leaves an expression: sequences of one collapse to their item.
    pub fn collapse(self) -> Option<Value> {
        match self {
            Val::Undefined | Val::Func(_) => None,
            Val::Json(v) => Some(v),
            Val::Seq(mut items) => match items.len() {
                0 => None,
                1 => items.pop(),
                _ => Some(Value::Array(items)),
            },
        }
    }

    /// The items a path step iterates over.
    fn items(self) -> Vec<Value> {
        match self {
            Val::Undefined | Val::Func(_) => Vec::new(),
            Val::Json(Value::Array(items)) => items,
            Val::Json(v) => vec![v],
            Val::Seq(items) => items,
        }
    }
}

pub fn num(f: f64) -> Value {
    if f.is_finite() && f.fract() == 0.0 && f.abs() < 9.007_199_254_740_992e15 {
        Value::from(f as i64)
    } else {
        serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)
    }
}

pub fn truthy(value: &Value) -> bool {
    match value {
        Value::Null => false,
        Value::Bool(b) => *b,
        Value::Number(n) => n.as_f64().is_some_and(|f| f != 0.0),
        Value::String(s) => !s.is_empty(),
        Value::Array(items) => items.iter().any(truthy),
        Value::Object(map) => !map.is_empty(),
    }
}

pub fn val_truthy(v: &Val) -> bool {
    match v {
        Val::Undefined | Val::Func(_) => false,
        Val::Json(value) => truthy(value),
        Val::Seq(items) => items.iter().any(truthy),
    }
}

pub fn evaluate(
    node: &Node,
    regexes: &[Rc<regex_lite::Regex>],
    env: &Env<'_>,
) -> Result<Option<Value>, String> {
    let input = env
        .states
        .get("input")
        .cloned()
        .map_or(Val::Undefined, Val::Json);
    let cx = Context {
        env,
        root: input.clone(),
        depth: 0,
        regexes,
    };
    let scope = Scope::default().child();
    eval(node, &input, &scope, &cx).map(Val::collapse)
}

fn lookup_var(name: &str, context: &Val, scope: &Scope, cx: &Context<'_, '_>) -> Val {
    match name {
        "" => return context.clone(),
        "$" => return cx.root.clone(),
        _ => {}
    }
    if let Some(v) = scope.lookup(name) {
        return v;
    }
    if name == "states" {
        return Val::Json(cx.env.states_value().clone());
    }
    if let Some(v) = cx.env.variables.and_then(|vars| vars.get(name)) {
        return Val::Json(v.clone());
    }
    if let Some(builtin) = functions::builtin(name) {
        return Val::Func(Rc::new(Func::Builtin(builtin)));
    }
    Val::Undefined
}

pub fn eval(
    node: &Node,
    context: &Val,
    scope: &Scope,
    cx: &Context<'_, '_>,
) -> Result<Val, String> {
    Ok(match node {
        Node::Number(n) => Val::Json(num(*n)),
        Node::String(s) => Val::Json(Value::String(s.clone())),
        Node::Bool(b) => Val::Json(Value::Bool(*b)),
        Node::Null => Val::Json(Value::Null),
        Node::Regex(..) => return Err(
            "a regular expression can only be an argument of $split, $replace, $contains or $match"
                .into(),
        ),
        Node::Variable(name) => lookup_var(name, context, scope, cx),
        Node::Name(name) => field(context, name),
        Node::Wildcard => {
            let mut out = Vec::new();
            for item in context.clone().items() {
                match item {
                    Value::Object(map) => {
                        for v in map.into_iter().map(|(_, v)| v) {
                            match v {
                                Value::Array(a) => out.extend(a),
                                other => out.push(other),
                            }
                        }
                    }
                    Value::Array(a) => out.extend(a),
                    _ => {}
                }
            }
            Val::Seq(out)
        }
        Node::Descendants => {
            let mut out = Vec::new();
            for item in context.clone().items() {
                descendants(&item, &mut out);
            }
            Val::Seq(out)
        }
        Node::Negate(inner) => match eval(inner, context, scope, cx)?.collapse() {
            None => Val::Undefined,
            Some(Value::Number(n)) => Val::Json(num(-n.as_f64().unwrap_or(0.0))),
            Some(other) => return Err(format!("cannot negate {}", crate::data::compact(&other))),
        },
        Node::Binary(first, rest) => {
            let mut left = eval(first, context, scope, cx)?;
            for (op, operand) in rest {
                left = binary(*op, left, operand, context, scope, cx)?;
            }
            left
        }
        Node::Path(steps) => {
            let Some((first, rest)) = steps.split_first() else {
                return Ok(Val::Undefined);
            };
            let (mut left, rest) = match member_chain(first, rest, scope, cx) {
                Some(walked) => walked,
                None => (eval(first, context, scope, cx)?, rest),
            };
            for step in rest {
                left = path_step(left, step, scope, cx)?;
            }
            left
        }
        Node::KeepArray(inner) => match eval(inner, context, scope, cx)?.collapse() {
            None => Val::Undefined,
            Some(Value::Array(a)) => Val::Json(Value::Array(a)),
            Some(other) => Val::Json(Value::Array(vec![other])),
        },
        Node::Filter(l, predicate) => {
            let left = eval(l, context, scope, cx)?;
            let items = left.items();
            let mut out = Vec::new();
            let len = items.len() as i64;
            for (i, item) in items.into_iter().enumerate() {
                let item_val = Val::Json(item.clone());
                let verdict = eval(predicate, &item_val, scope, cx)?;
                let keep = match &verdict {
                    Val::Json(Value::Number(n)) => {
                        let index = n.as_f64().unwrap_or(0.0).floor() as i64;
                        let index = if index < 0 { len + index } else { index };
                        index == i as i64
                    }
                    other => val_truthy(other),
                };
                if keep {
                    out.push(item);
                }
            }
            Val::Seq(out)
        }
        Node::Group(l, pairs) => {
            let left = eval(l, context, scope, cx)?;
            group(left.items(), pairs, scope, cx)?
        }
        Node::Object(pairs) => {
            let items = match context {
                Val::Undefined => vec![Value::Null],
                other => other.clone().items(),
            };
            group(items, pairs, scope, cx)?
        }
        Node::Condition(c, then, otherwise) => {
            let condition = eval(c, context, scope, cx)?;
            if val_truthy(&condition) {
                eval(then, context, scope, cx)?
            } else if let Some(o) = otherwise {
                eval(o, context, scope, cx)?
            } else {
                Val::Undefined
            }
        }
        Node::Coalesce(left, right) => match eval(left, context, scope, cx)? {
            Val::Undefined => eval(right, context, scope, cx)?,
            Val::Seq(items) if items.is_empty() => eval(right, context, scope, cx)?,
            defined => defined,
        },
        Node::Default(left, right) => {
            let value = eval(left, context, scope, cx)?;
            if val_truthy(&value) {
                value
            } else {
                eval(right, context, scope, cx)?
            }
        }
        Node::Block(items) => {
            let inner = scope.child();
            let mut last = Val::Undefined;
            for item in items {
                last = eval(item, context, &inner, cx)?;
            }
            last
        }
        Node::Bind(name, value) => {
            let v = eval(value, context, scope, cx)?;
            scope.bind(name, v.clone());
            v
        }
        Node::Lambda(lambda) => Val::Func(Rc::new(Func::Lambda(lambda.clone(), scope.clone()))),
        Node::Call(f, args) => {
            let function = eval(f, context, scope, cx)?;
            let Val::Func(function) = function else {
                return Err(format!("{} is not a function", describe_callee(f)));
            };
            let values = arguments(Vec::with_capacity(args.len()), args, context, scope, cx)?;
            apply(&function, values, context, cx)?
        }
        Node::Array(items) => {
            let mut out = Vec::new();
            for item in items {
                if let Node::Range(a, b) = item {
                    let start = number_of(eval(a, context, scope, cx)?, "range start")?;
                    let end = number_of(eval(b, context, scope, cx)?, "range end")?;
                    if (end - start) > 10_000_000.0 {
                        return Err("the range is too large".into());
                    }
                    let mut i = start;
                    while i <= end {
                        out.push(num(i));
                        i += 1.0;
                    }
                    continue;
                }
                match eval(item, context, scope, cx)? {
                    Val::Undefined | Val::Func(_) => {}
                    Val::Seq(s) => match s.len() {
                        0 => {}
                        1 => out.extend(s),
                        _ => out.push(Value::Array(s)),
                    },
                    // Array constructors flatten nested sequences but keep nested arrays.
                    Val::Json(v) => out.push(v),
                }
            }
            Val::Json(Value::Array(out))
        }
        Node::Range(..) => return Err("a range (..) is only allowed inside [ ]".into()),
        Node::Parent
        | Node::Sort(..)
        | Node::Focus(..)
        | Node::Index(..)
        | Node::Transform { .. }
        | Node::Placeholder => {
            return Err(format!(
                "{} is not supported by mapsim's JSONata evaluator",
                unsupported(node).unwrap_or("this construct")
            ))
        }
    })
}

/// `left.step`: the step evaluated with each item of `left` as its context.
/// `$states.input.a.b` and the like — a named variable, then field names — walked by reference
/// while each value is an object with that field, so that only the value reached is copied
/// (not `$states` and every object on the way). Returns that value and the steps left for
/// [`path_step`] (from the first that is not such a field), or `None` when the path does not
/// start so. The result is what stepping value by value gives: `field` of an object is its
/// member, or undefined.
fn member_chain<'n>(
    first: &Node,
    rest: &'n [Node],
    scope: &Scope,
    cx: &Context<'_, '_>,
) -> Option<(Val, &'n [Node])> {
    let Node::Variable(name) = first else {
        return None;
    };
    if name.is_empty() || name == "$" || scope.lookup(name).is_some() {
        return None;
    }
    let mut taken = 0;
    let mut current: &Value = if name == "states" {
        match rest.first() {
            // `$states.context`, made now if it was left to be made.
            Some(Node::Name(field)) if field == "context" => {
                taken = 1;
                match cx.env.context_value() {
                    Some(context) => context,
                    None => return Some((Val::Undefined, &rest[1..])),
                }
            }
            _ => cx.env.states,
        }
    } else {
        cx.env.variables.and_then(|vars| vars.get(name))?
    };
    for step in &rest[taken..] {
        let (Node::Name(field), Value::Object(map)) = (step, current) else {
            break;
        };
        match map.get(field) {
            Some(next) => current = next,
            None => return Some((Val::Undefined, &rest[taken + 1..])),
        }
        taken += 1;
    }
    if taken == 0 && name == "states" {
        return Some((Val::Json(cx.env.states_value().clone()), rest));
    }
    Some((Val::Json(current.clone()), &rest[taken..]))
}

fn path_step(left: Val, step: &Node, scope: &Scope, cx: &Context<'_, '_>) -> Result<Val, String> {
    let items = left.items();
    if items.len() == 1 {
        let item = Val::Json(items.into_iter().next().unwrap_or(Value::Null));
        return eval(step, &item, scope, cx);
    }
    let mut out = Vec::new();
    for item in items {
        match eval(step, &Val::Json(item), scope, cx)? {
            Val::Undefined | Val::Func(_) => {}
            Val::Json(Value::Array(a)) => out.extend(a),
            Val::Json(v) => out.push(v),
            Val::Seq(s) => out.extend(s),
        }
    }
    Ok(Val::Seq(out))
}

/// The arguments of a call, after those in `values`; a regular-expression literal is passed as
/// such.
fn arguments(
    mut values: Vec<Arg>,
    args: &[Node],
    context: &Val,
    scope: &Scope,
    cx: &Context<'_, '_>,
) -> Result<Vec<Arg>, String> {
    for arg in args {
        if let Node::Regex(regex) = arg {
            let Some(compiled) = cx.regexes.get(regex.index) else {
                return Err(format!(
                    "the regular expression /{}/ was not compiled",
                    regex.pattern
                ));
            };
            values.push(Arg::Regex(compiled.clone()));
        } else {
            values.push(Arg::Val(eval(arg, context, scope, cx)?));
        }
    }
    Ok(values)
}

/// `left ~> right`: `right` called with `left` as its first argument.
fn apply_chain(
    left: Val,
    right: &Node,
    context: &Val,
    scope: &Scope,
    cx: &Context<'_, '_>,
) -> Result<Val, String> {
    if let Node::Call(f, args) = right {
        let Val::Func(function) = eval(f, context, scope, cx)? else {
            return Err(format!("{} is not a function", describe_callee(f)));
        };
        let values = arguments(vec![Arg::Val(left)], args, context, scope, cx)?;
        return apply(&function, values, context, cx);
    }
    let Val::Func(function) = eval(right, context, scope, cx)? else {
        return Err("the right side of ~> must be a function".into());
    };
    apply(&function, vec![Arg::Val(left)], context, cx)
}

fn describe_callee(node: &Node) -> String {
    match node {
        Node::Variable(name) => format!("${name}"),
        _ => "the expression called".into(),
    }
}

fn number_of(v: Val, what: &str) -> Result<f64, String> {
    match v.collapse() {
        Some(Value::Number(n)) => n.as_f64().ok_or_else(|| format!("{what} is not a number")),
        _ => Err(format!("{what} must be a number")),
    }
}

fn field(context: &Val, name: &str) -> Val {
    match context {
        Val::Json(Value::Object(map)) => map.get(name).cloned().map_or(Val::Undefined, Val::Json),
        Val::Json(Value::Array(items)) => {
            let mut out = Vec::new();
            for item in items {
                match field(&Val::Json(item.clone()), name) {
                    Val::Json(Value::Array(a)) => out.extend(a),
                    Val::Json(v) => out.push(v),
                    Val::Seq(s) => out.extend(s),
                    _ => {}
                }
            }
            Val::Seq(out)
        }
        Val::Seq(items) => field(&Val::Json(Value::Array(items.clone())), name),
        _ => Val::Undefined,
    }
}

fn descendants(value: &Value, out: &mut Vec<Value>) {
    match value {
        Value::Object(map) => {
            for v in map.values() {
                out.push(v.clone());
                descendants(v, out);
            }
        }
        Value::Array(items) => {
            for v in items {
                descendants(v, out);
            }
        }
        _ => {}
    }
}

fn group(
    items: Vec<Value>,
    pairs: &[(Node, Node)],
    scope: &Scope,
    cx: &Context<'_, '_>,
) -> Result<Val, String> {
    let mut result = JsonObject::new();
    for (key_node, value_node) in pairs {
        // Group the items by key, keeping first-seen key order.
        let mut groups: Vec<(String, Vec<Value>)> = Vec::new();
        for item in &items {
            let key = eval(key_node, &Val::Json(item.clone()), scope, cx)?;
            let key = match key.collapse() {
                None => continue,
                Some(Value::String(s)) => s,
                Some(other) => {
                    return Err(format!(
                        "object keys must be strings, not {}",
                        crate::data::compact(&other)
                    ))
                }
            };
            match groups.iter_mut().find(|(k, _)| *k == key) {
                Some((_, g)) => g.push(item.clone()),
                None => groups.push((key, vec![item.clone()])),
            }
        }
        for (key, group_items) in groups {
            let context = if group_items.len() == 1 {
                Val::Json(group_items.into_iter().next().unwrap_or(Value::Null))
            } else {
                Val::Seq(group_items)
            };
            if let Some(v) = eval(value_node, &context, scope, cx)?.collapse() {
                result.insert(key, v);
            }
        }
    }
    Ok(Val::Json(Value::Object(result)))
}

/// `left op right`, `left` already evaluated (the operators of a [`Node::Binary`] run are
/// applied left to right).
fn binary(
    op: Op,
    left: Val,
    r: &Node,
    context: &Val,
    scope: &Scope,
    cx: &Context<'_, '_>,
) -> Result<Val, String> {
    match op {
        Op::And | Op::Or => {
            // Short-circuit: the right side is evaluated only when it decides.
            if val_truthy(&left) == (op == Op::Or) {
                return Ok(Val::Json(Value::Bool(op == Op::Or)));
            }
            let right = eval(r, context, scope, cx)?;
            return Ok(Val::Json(Value::Bool(val_truthy(&right))));
        }
        Op::Apply => return apply_chain(left, r, context, scope, cx),
        _ => {}
    }
    let left = left.collapse();
    let right = eval(r, context, scope, cx)?.collapse();
    Ok(match op {
        Op::Concat => {
            let a = left.map(|v| functions::stringify(&v)).unwrap_or_default();
            let b = right.map(|v| functions::stringify(&v)).unwrap_or_default();
            Val::Json(Value::String(a + &b))
        }
        Op::Add | Op::Subtract | Op::Multiply | Op::Divide | Op::Modulo => {
            let (Some(a), Some(b)) = (left, right) else {
                return Ok(Val::Undefined);
            };
            let (Some(x), Some(y)) = (a.as_f64(), b.as_f64()) else {
                return Err(format!(
                    "the operands of an arithmetic operator must be numbers, not {} and {}",
                    crate::data::compact(&a),
                    crate::data::compact(&b)
                ));
            };
            let value = match op {
                Op::Add => x + y,
                Op::Subtract => x - y,
                Op::Multiply => x * y,
                Op::Divide => x / y,
                _ => x % y,
            };
            if !value.is_finite() {
                return Err("the arithmetic result is not a finite number".into());
            }
            Val::Json(num(value))
        }
        Op::Equal | Op::NotEqual => {
            let equal = match (&left, &right) {
                (Some(a), Some(b)) => json_equal(a, b),
                _ => false,
            };
            let undefined = left.is_none() || right.is_none();
            Val::Json(Value::Bool(if op == Op::Equal {
                equal
            } else {
                !equal && !undefined
            }))
        }
        Op::Less | Op::LessOrEqual | Op::Greater | Op::GreaterOrEqual => {
            let (Some(a), Some(b)) = (left, right) else {
                return Ok(Val::Json(Value::Bool(false)));
            };
            let ordering = match (&a, &b) {
                (Value::Number(x), Value::Number(y)) => x.as_f64().partial_cmp(&y.as_f64()),
                (Value::String(x), Value::String(y)) => Some(x.cmp(y)),
                _ => {
                    return Err(format!(
                        "cannot compare {} with {}",
                        crate::data::compact(&a),
                        crate::data::compact(&b)
                    ))
                }
            };
            let Some(ordering) = ordering else {
                return Ok(Val::Json(Value::Bool(false)));
            };
            use std::cmp::Ordering::*;
            Val::Json(Value::Bool(match op {
                Op::Less => ordering == Less,
                Op::LessOrEqual => ordering != Greater,
                Op::Greater => ordering == Greater,
                _ => ordering != Less,
            }))
        }
        Op::In => {
            let Some(a) = left else {
                return Ok(Val::Json(Value::Bool(false)));
            };
            Val::Json(Value::Bool(match right {
                Some(Value::Array(items)) => items.iter().any(|i| json_equal(i, &a)),
                Some(other) => json_equal(&other, &a),
                None => false,
            }))
        }
        Op::And | Op::Or | Op::Apply => Val::Undefined,
    })
}

/// A function argument: a value, or a regular-expression literal.
#[derive(Debug, Clone)]
pub enum Arg {
    Val(Val),
    Regex(Rc<regex_lite::Regex>),
}

impl Arg {
    pub fn value(&self) -> Option<Value> {
        match self {
            Arg::Val(v) => v.clone().collapse(),
            Arg::Regex(_) => None,
        }
    }
}

pub fn apply(
    function: &Func,
    args: Vec<Arg>,
    context: &Val,
    cx: &Context<'_, '_>,
) -> Result<Val, String> {
    if cx.depth > MAX_CALL_DEPTH {
        return Err("functions call each other too deeply".into());
    }
    match function {
        Func::Builtin(name) => functions::call(name, args, context, cx),
        Func::Lambda(lambda, closure) => {
            let scope = closure.child();
            for (i, param) in lambda.parameters.iter().enumerate() {
                let value = match args.get(i) {
                    Some(Arg::Val(v)) => v.clone(),
                    _ => Val::Undefined,
                };
                scope.bind(param, value);
            }
            let inner = Context {
                env: cx.env,
                root: cx.root.clone(),
                depth: cx.depth + 1,
                regexes: cx.regexes,
            };
            eval(&lambda.body, context, &scope, &inner)
        }
    }
}

/// What compiling an expression needs to know of its tree, found in one walk.
#[derive(Default)]
pub struct Survey<'n> {
    /// The first construct this evaluator does not implement, named for a message.
    pub unsupported: Option<&'static str>,
    /// Names of the variables called as functions (`$f(…)`), in the order written.
    called: Vec<&'n str>,
    /// Names bound in the expression (`:=`, function parameters).
    bound: Vec<&'n str>,
    /// Regular-expression literals, in the order written.
    regexes: Vec<&'n asl::jsonata::Regex>,
}

impl<'n> Survey<'n> {
    pub fn of(root: &'n Node) -> Survey<'n> {
        let mut survey = Survey::default();
        survey.visit(root);
        survey
    }

    fn visit(&mut self, node: &'n Node) {
        if self.unsupported.is_none() {
            self.unsupported = unsupported(node);
        }
        match node {
            Node::Call(f, _) => {
                if let Node::Variable(name) = f.as_ref() {
                    self.called.push(name);
                }
            }
            Node::Bind(name, _) => self.bound.push(name),
            Node::Lambda(l) => self.bound.extend(l.parameters.iter().map(String::as_str)),
            Node::Regex(regex) => self.regexes.push(regex),
            _ => {}
        }
        node.for_each_child(&mut |child| self.visit(child));
    }

    /// A function called but neither built in nor bound in the expression, if any.
    pub fn unknown_function(&self) -> Option<&'n str> {
        self.called
            .iter()
            .copied()
            .find(|name| !self.bound.contains(name) && functions::builtin(name).is_none())
    }

    /// The regular expressions compiled, by their [`index`](asl::jsonata::Regex::index).
    /// JavaScript's flags `i` and `m` become inline flags.
    pub fn compile_regexes(&self) -> Result<Vec<Rc<regex_lite::Regex>>, String> {
        let mut compiled = vec![None; self.regexes.len()];
        for literal in &self.regexes {
            let flags = match (literal.ignore_case, literal.multiline) {
                (false, false) => "",
                (true, false) => "(?i)",
                (false, true) => "(?m)",
                (true, true) => "(?im)",
            };
            let pattern = format!("{flags}{}", literal.pattern);
            let regex = regex_lite::Regex::new(&pattern)
                .map_err(|e| format!("bad regular expression /{}/: {e}", literal.pattern))?;
            if let Some(slot) = compiled.get_mut(literal.index) {
                *slot = Some(Rc::new(regex));
            }
        }
        compiled
            .into_iter()
            .collect::<Option<Vec<_>>>()
            .ok_or_else(|| "the regular expressions are not numbered in order".to_string())
    }
}

/// The construct `node` is, if this evaluator does not implement it (named for a message).
fn unsupported(node: &Node) -> Option<&'static str> {
    Some(match node {
        Node::Parent => "the parent operator %",
        Node::Sort(..) => "the order-by operator ^( )",
        Node::Focus(..) => "the focus variable binding @$",
        Node::Index(..) => "the index variable binding #$",
        Node::Transform { .. } => "the transform operator | … | … |",
        Node::Placeholder => "partial application (?)",
        Node::Lambda(l) if l.signature.is_some() => "function signatures (<…>)",
        _ => return None,
    })
}
