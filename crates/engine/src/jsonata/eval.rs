//! JSONata evaluation: sequences, paths, predicates, operators, scopes and lambdas.

use std::cell::RefCell;
use std::collections::BTreeSet;
use std::rc::Rc;

use serde_json::{Map as JsonObject, Value};

use super::functions;
use super::parser::{Lambda, Node, Op};
use super::Env;
use crate::intrinsics::json_equal;

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

pub fn evaluate(node: &Node, env: &Env<'_>) -> Result<Option<Value>, String> {
    let input = env
        .states
        .get("input")
        .cloned()
        .map_or(Val::Undefined, Val::Json);
    let cx = Context {
        env,
        root: input.clone(),
        depth: 0,
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
        return Val::Json(cx.env.states.clone());
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
        Node::Str(s) => Val::Json(Value::String(s.clone())),
        Node::Bool(b) => Val::Json(Value::Bool(*b)),
        Node::Null => Val::Json(Value::Null),
        Node::Regex(..) => return Err(
            "a regular expression can only be an argument of $split, $replace, $contains or $match"
                .into(),
        ),
        Node::Var(name) => lookup_var(name, context, scope, cx),
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
        Node::Binary(op, l, r) => binary(*op, l, r, context, scope, cx)?,
        Node::Path(l, r) => {
            let left = eval(l, context, scope, cx)?;
            let items = left.items();
            if items.len() == 1 {
                let item = Val::Json(items.into_iter().next().unwrap_or(Value::Null));
                eval(r, &item, scope, cx)?
            } else {
                let mut out = Vec::new();
                for item in items {
                    match eval(r, &Val::Json(item), scope, cx)? {
                        Val::Undefined | Val::Func(_) => {}
                        Val::Json(Value::Array(a)) => out.extend(a),
                        Val::Json(v) => out.push(v),
                        Val::Seq(s) => out.extend(s),
                    }
                }
                Val::Seq(out)
            }
        }
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
            if let Node::Var(name) = f.as_ref() {
                if name == "__array" {
                    let v = eval(args.first().unwrap_or(&Node::Null), context, scope, cx)?;
                    return Ok(match v.collapse() {
                        None => Val::Undefined,
                        Some(Value::Array(a)) => Val::Json(Value::Array(a)),
                        Some(other) => Val::Json(Value::Array(vec![other])),
                    });
                }
            }
            let function = eval(f, context, scope, cx)?;
            let Val::Func(function) = function else {
                return Err(format!("{} is not a function", describe_callee(f)));
            };
            let mut values = Vec::with_capacity(args.len());
            for arg in args {
                if let Node::Regex(regex, _) = arg {
                    values.push(Arg::Regex(regex.clone()));
                } else {
                    values.push(Arg::Val(eval(arg, context, scope, cx)?));
                }
            }
            apply(&function, values, context, cx)?
        }
        Node::Chain(l, r) => {
            let left = eval(l, context, scope, cx)?;
            match r.as_ref() {
                Node::Call(f, args) => {
                    let function = eval(f, context, scope, cx)?;
                    let Val::Func(function) = function else {
                        return Err(format!("{} is not a function", describe_callee(f)));
                    };
                    let mut values = vec![Arg::Val(left)];
                    for arg in args {
                        if let Node::Regex(regex, _) = arg {
                            values.push(Arg::Regex(regex.clone()));
                        } else {
                            values.push(Arg::Val(eval(arg, context, scope, cx)?));
                        }
                    }
                    apply(&function, values, context, cx)?
                }
                other => {
                    let Val::Func(function) = eval(other, context, scope, cx)? else {
                        return Err("the right side of ~> must be a function".into());
                    };
                    apply(&function, vec![Arg::Val(left)], context, cx)?
                }
            }
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
    })
}

fn describe_callee(node: &Node) -> String {
    match node {
        Node::Var(name) => format!("${name}"),
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

fn binary(
    op: Op,
    l: &Node,
    r: &Node,
    context: &Val,
    scope: &Scope,
    cx: &Context<'_, '_>,
) -> Result<Val, String> {
    if op == Op::And {
        let left = eval(l, context, scope, cx)?;
        if !val_truthy(&left) {
            return Ok(Val::Json(Value::Bool(false)));
        }
        let right = eval(r, context, scope, cx)?;
        return Ok(Val::Json(Value::Bool(val_truthy(&right))));
    }
    if op == Op::Or {
        let left = eval(l, context, scope, cx)?;
        if val_truthy(&left) {
            return Ok(Val::Json(Value::Bool(true)));
        }
        let right = eval(r, context, scope, cx)?;
        return Ok(Val::Json(Value::Bool(val_truthy(&right))));
    }
    let left = eval(l, context, scope, cx)?.collapse();
    let right = eval(r, context, scope, cx)?.collapse();
    Ok(match op {
        Op::Concat => {
            let a = left.map(|v| functions::stringify(&v)).unwrap_or_default();
            let b = right.map(|v| functions::stringify(&v)).unwrap_or_default();
            Val::Json(Value::String(a + &b))
        }
        Op::Add | Op::Sub | Op::Mul | Op::Div | Op::Mod => {
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
                Op::Sub => x - y,
                Op::Mul => x * y,
                Op::Div => x / y,
                _ => x % y,
            };
            if !value.is_finite() {
                return Err("the arithmetic result is not a finite number".into());
            }
            Val::Json(num(value))
        }
        Op::Eq | Op::Ne => {
            let equal = match (&left, &right) {
                (Some(a), Some(b)) => json_equal(a, b),
                _ => false,
            };
            let undefined = left.is_none() || right.is_none();
            Val::Json(Value::Bool(if op == Op::Eq {
                equal
            } else {
                !equal && !undefined
            }))
        }
        Op::Lt | Op::Le | Op::Gt | Op::Ge => {
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
                Op::Lt => ordering == Less,
                Op::Le => ordering != Greater,
                Op::Gt => ordering == Greater,
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
        Op::And | Op::Or => Val::Undefined,
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
            for (i, param) in lambda.params.iter().enumerate() {
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
            };
            eval(&lambda.body, context, &scope, &inner)
        }
    }
}

/// A function called but neither built in nor bound in the expression, if any.
pub fn unknown_function(root: &Node) -> Option<String> {
    let mut bound = BTreeSet::new();
    collect_bound(root, &mut bound);
    find_unknown(root, &bound)
}

fn collect_bound(node: &Node, bound: &mut BTreeSet<String>) {
    match node {
        Node::Bind(name, v) => {
            bound.insert(name.clone());
            collect_bound(v, bound);
        }
        Node::Lambda(l) => {
            bound.extend(l.params.iter().cloned());
            collect_bound(&l.body, bound);
        }
        _ => for_children(node, &mut |c| collect_bound(c, bound)),
    }
}

fn find_unknown(node: &Node, bound: &BTreeSet<String>) -> Option<String> {
    if let Node::Call(f, _) = node {
        if let Node::Var(name) = f.as_ref() {
            if name != "__array" && !bound.contains(name) && functions::builtin(name).is_none() {
                return Some(name.clone());
            }
        }
    }
    let mut found = None;
    for_children(node, &mut |c| {
        if found.is_none() {
            found = find_unknown(c, bound);
        }
    });
    found
}

fn for_children(node: &Node, visit: &mut dyn FnMut(&Node)) {
    match node {
        Node::Negate(a) => visit(a),
        Node::Binary(_, a, b)
        | Node::Path(a, b)
        | Node::Filter(a, b)
        | Node::Range(a, b)
        | Node::Chain(a, b) => {
            visit(a);
            visit(b);
        }
        Node::Group(a, pairs) => {
            visit(a);
            for (k, v) in pairs {
                visit(k);
                visit(v);
            }
        }
        Node::Object(pairs) => {
            for (k, v) in pairs {
                visit(k);
                visit(v);
            }
        }
        Node::Condition(a, b, c) => {
            visit(a);
            visit(b);
            if let Some(c) = c {
                visit(c);
            }
        }
        Node::Block(items) | Node::Array(items) => items.iter().for_each(visit),
        Node::Bind(_, v) => visit(v),
        Node::Call(f, args) => {
            visit(f);
            args.iter().for_each(visit);
        }
        Node::Lambda(l) => visit(&l.body),
        _ => {}
    }
}
