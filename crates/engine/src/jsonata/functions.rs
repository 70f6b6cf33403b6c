//! JSONata built-in functions, plus the ones Step Functions adds (`$parse`, `$uuid`, `$hash`,
//! `$partition`, `$range`, seeded `$random`). Time and randomness are virtual and seeded.

use base64::Engine as _;
use serde_json::{Map as JsonObject, Value};

use super::eval::{apply, num, truthy, Arg, Context, Func, Val};
use crate::clock;
use crate::data::compact;
use crate::intrinsics::json_equal;
use crate::rng::Stream;

const BUILTINS: &[&str] = &[
    "string",
    "number",
    "boolean",
    "not",
    "exists",
    "type",
    "length",
    "substring",
    "substringBefore",
    "substringAfter",
    "uppercase",
    "lowercase",
    "trim",
    "pad",
    "contains",
    "split",
    "join",
    "replace",
    "match",
    "base64encode",
    "base64decode",
    "count",
    "sum",
    "max",
    "min",
    "average",
    "append",
    "reverse",
    "sort",
    "shuffle",
    "distinct",
    "zip",
    "keys",
    "lookup",
    "spread",
    "merge",
    "each",
    "error",
    "assert",
    "abs",
    "floor",
    "ceil",
    "round",
    "power",
    "sqrt",
    "random",
    "map",
    "filter",
    "reduce",
    "single",
    "now",
    "millis",
    "fromMillis",
    "toMillis",
    "uuid",
    "parse",
    "hash",
    "partition",
    "range",
];

/// The static name of a built-in function.
pub fn builtin(name: &str) -> Option<&'static str> {
    BUILTINS.iter().find(|b| **b == name).copied()
}

/// Text of a value as `$string` and `&` produce it.
pub fn stringify(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Number(n) => match n.as_f64() {
            Some(f) if f.fract() == 0.0 && f.abs() < 1e21 => compact(&num(f)),
            _ => n.to_string(),
        },
        other => compact(other),
    }
}

fn value(args: &[Arg], i: usize) -> Option<Value> {
    args.get(i).and_then(Arg::value)
}

fn string(args: &[Arg], i: usize, name: &str) -> Result<Option<String>, String> {
    match value(args, i) {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(other) => Err(format!(
            "argument {} of ${name} must be a string, not {}",
            i + 1,
            compact(&other)
        )),
    }
}

fn number(args: &[Arg], i: usize, name: &str) -> Result<Option<f64>, String> {
    match value(args, i) {
        None => Ok(None),
        Some(Value::Number(n)) => Ok(n.as_f64()),
        Some(other) => Err(format!(
            "argument {} of ${name} must be a number, not {}",
            i + 1,
            compact(&other)
        )),
    }
}

fn array(args: &[Arg], i: usize) -> Option<Vec<Value>> {
    match value(args, i)? {
        Value::Array(items) => Some(items),
        other => Some(vec![other]),
    }
}

fn function(args: &[Arg], i: usize, name: &str) -> Result<std::rc::Rc<Func>, String> {
    match args.get(i) {
        Some(Arg::Val(Val::Func(f))) => Ok(f.clone()),
        _ => Err(format!("argument {} of ${name} must be a function", i + 1)),
    }
}

fn json(v: Value) -> Val {
    Val::Json(v)
}

fn arity_of(f: &Func) -> usize {
    match f {
        Func::Lambda(l, _) => l.parameters.len(),
        Func::Builtin(_) => 1,
    }
}

pub fn call(
    name: &str,
    args: Vec<Arg>,
    context: &Val,
    cx: &Context<'_, '_>,
) -> Result<Val, String> {
    let args = if args.is_empty()
        && matches!(
            name,
            "string" | "number" | "length" | "trim" | "uppercase" | "lowercase" | "boolean"
        ) {
        vec![Arg::Val(context.clone())]
    } else {
        args
    };
    let undefined = Ok(Val::Undefined);
    match name {
        "string" => {
            Ok(value(&args, 0).map_or(Val::Undefined, |v| json(Value::String(stringify(&v)))))
        }
        "number" => match value(&args, 0) {
            None => undefined,
            Some(Value::Number(n)) => Ok(json(Value::Number(n))),
            Some(Value::Bool(b)) => Ok(json(num(if b { 1.0 } else { 0.0 }))),
            Some(Value::String(s)) => s
                .trim()
                .parse::<f64>()
                .ok()
                .filter(|f| f.is_finite())
                .map(|f| json(num(f)))
                .ok_or_else(|| format!("$number: unable to cast {s:?} to a number")),
            Some(other) => Err(format!(
                "$number: unable to cast {} to a number",
                compact(&other)
            )),
        },
        "boolean" => Ok(value(&args, 0).map_or(Val::Undefined, |v| json(Value::Bool(truthy(&v))))),
        "not" => Ok(value(&args, 0).map_or(Val::Undefined, |v| json(Value::Bool(!truthy(&v))))),
        "exists" => Ok(json(Value::Bool(value(&args, 0).is_some()))),
        "type" => Ok(value(&args, 0).map_or(Val::Undefined, |v| {
            json(Value::String(
                match v {
                    Value::Null => "null",
                    Value::Bool(_) => "boolean",
                    Value::Number(_) => "number",
                    Value::String(_) => "string",
                    Value::Array(_) => "array",
                    Value::Object(_) => "object",
                }
                .into(),
            ))
        })),
        "length" => {
            Ok(string(&args, 0, name)?
                .map_or(Val::Undefined, |s| json(num(s.chars().count() as f64))))
        }
        "substring" => {
            let Some(s) = string(&args, 0, name)? else {
                return undefined;
            };
            let chars: Vec<char> = s.chars().collect();
            let len = chars.len() as i64;
            let start = number(&args, 1, name)?.unwrap_or(0.0) as i64;
            let start = if start < 0 {
                (len + start).max(0)
            } else {
                start.min(len)
            };
            let end = match number(&args, 2, name)? {
                Some(l) => (start + (l as i64).max(0)).min(len),
                None => len,
            };
            Ok(json(Value::String(
                chars
                    .get(start as usize..end as usize)
                    .map(|c| c.iter().collect())
                    .unwrap_or_default(),
            )))
        }
        "substringBefore" | "substringAfter" => {
            let Some(s) = string(&args, 0, name)? else {
                return undefined;
            };
            let sep = string(&args, 1, name)?.unwrap_or_default();
            Ok(json(Value::String(match s.find(&sep) {
                Some(i) if name == "substringBefore" => s.get(..i).unwrap_or("").to_string(),
                Some(i) => s.get(i + sep.len()..).unwrap_or("").to_string(),
                None if name == "substringBefore" => s,
                None => s,
            })))
        }
        "uppercase" => Ok(string(&args, 0, name)?
            .map_or(Val::Undefined, |s| json(Value::String(s.to_uppercase())))),
        "lowercase" => Ok(string(&args, 0, name)?
            .map_or(Val::Undefined, |s| json(Value::String(s.to_lowercase())))),
        "trim" => Ok(string(&args, 0, name)?.map_or(Val::Undefined, |s| {
            json(Value::String(
                s.split_whitespace().collect::<Vec<_>>().join(" "),
            ))
        })),
        "pad" => {
            let Some(s) = string(&args, 0, name)? else {
                return undefined;
            };
            let width = number(&args, 1, name)?.unwrap_or(0.0) as i64;
            let fill = string(&args, 2, name)?
                .filter(|f| !f.is_empty())
                .unwrap_or_else(|| " ".into());
            let missing = (width.unsigned_abs() as usize).saturating_sub(s.chars().count());
            let padding: String = fill.chars().cycle().take(missing).collect();
            Ok(json(Value::String(if width < 0 {
                padding + &s
            } else {
                s + &padding
            })))
        }
        "contains" => {
            let Some(s) = string(&args, 0, name)? else {
                return undefined;
            };
            Ok(json(Value::Bool(match args.get(1) {
                Some(Arg::Regex(r)) => r.is_match(&s),
                _ => s.contains(&string(&args, 1, name)?.unwrap_or_default()),
            })))
        }
        "split" => {
            let Some(s) = string(&args, 0, name)? else {
                return undefined;
            };
            let limit = number(&args, 2, name)?.map(|l| l.max(0.0) as usize);
            let mut parts: Vec<Value> = match args.get(1) {
                Some(Arg::Regex(r)) => r.split(&s).map(|p| Value::String(p.to_string())).collect(),
                _ => {
                    let sep = string(&args, 1, name)?.unwrap_or_default();
                    if sep.is_empty() {
                        s.chars().map(|c| Value::String(c.to_string())).collect()
                    } else {
                        s.split(sep.as_str())
                            .map(|p| Value::String(p.to_string()))
                            .collect()
                    }
                }
            };
            if let Some(l) = limit {
                parts.truncate(l);
            }
            Ok(json(Value::Array(parts)))
        }
        "join" => {
            let Some(items) = array(&args, 0) else {
                return undefined;
            };
            let sep = string(&args, 1, name)?.unwrap_or_default();
            let mut out = Vec::with_capacity(items.len());
            for item in items {
                match item {
                    Value::String(s) => out.push(s),
                    other => {
                        return Err(format!(
                            "$join: every item must be a string, not {}",
                            compact(&other)
                        ))
                    }
                }
            }
            Ok(json(Value::String(out.join(&sep))))
        }
        "replace" => {
            let Some(s) = string(&args, 0, name)? else {
                return undefined;
            };
            let replacement = string(&args, 2, name)?.unwrap_or_default();
            let limit = number(&args, 3, name)?.map(|l| l.max(0.0) as usize);
            Ok(json(Value::String(match args.get(1) {
                Some(Arg::Regex(r)) => match limit {
                    Some(l) => r.replacen(&s, l, replacement.as_str()).into_owned(),
                    None => r.replace_all(&s, replacement.as_str()).into_owned(),
                },
                _ => {
                    let pattern = string(&args, 1, name)?.unwrap_or_default();
                    if pattern.is_empty() {
                        return Err("$replace: the pattern cannot be empty".into());
                    }
                    match limit {
                        Some(l) => s.replacen(&pattern, &replacement, l),
                        None => s.replace(&pattern, &replacement),
                    }
                }
            })))
        }
        "match" => {
            let Some(s) = string(&args, 0, name)? else {
                return undefined;
            };
            let Some(Arg::Regex(r)) = args.get(1) else {
                return Err("$match needs a regular expression".into());
            };
            let matches: Vec<Value> = r
                .captures_iter(&s)
                .map(|c| {
                    let whole = c.get(0);
                    let mut m = JsonObject::new();
                    m.insert(
                        "match".into(),
                        Value::String(whole.map_or("", |g| g.as_str()).to_string()),
                    );
                    m.insert(
                        "index".into(),
                        num(
                            whole.map_or(0, |g| s.get(..g.start()).map_or(0, |p| p.chars().count()))
                                as f64,
                        ),
                    );
                    m.insert(
                        "groups".into(),
                        Value::Array(
                            c.iter()
                                .skip(1)
                                .map(|g| Value::String(g.map_or("", |g| g.as_str()).to_string()))
                                .collect(),
                        ),
                    );
                    Value::Object(m)
                })
                .collect();
            Ok(Val::Seq(matches))
        }
        "base64encode" => Ok(string(&args, 0, name)?.map_or(Val::Undefined, |s| {
            json(Value::String(
                base64::engine::general_purpose::STANDARD.encode(s.as_bytes()),
            ))
        })),
        "base64decode" => {
            let Some(s) = string(&args, 0, name)? else {
                return undefined;
            };
            let bytes = base64::engine::general_purpose::STANDARD
                .decode(s.as_bytes())
                .map_err(|e| format!("$base64decode: {e}"))?;
            Ok(json(Value::String(
                String::from_utf8_lossy(&bytes).into_owned(),
            )))
        }
        "count" => Ok(json(num(match value(&args, 0) {
            None => 0.0,
            Some(Value::Array(a)) => a.len() as f64,
            Some(_) => 1.0,
        }))),
        "sum" | "max" | "min" | "average" => {
            let Some(items) = array(&args, 0) else {
                return if name == "sum" {
                    Ok(json(num(0.0)))
                } else {
                    undefined
                };
            };
            let mut numbers = Vec::with_capacity(items.len());
            for item in &items {
                numbers.push(item.as_f64().ok_or_else(|| {
                    format!(
                        "${name}: every item must be a number, not {}",
                        compact(item)
                    )
                })?);
            }
            if numbers.is_empty() {
                return if name == "sum" {
                    Ok(json(num(0.0)))
                } else {
                    undefined
                };
            }
            let result = match name {
                "sum" => numbers.iter().sum(),
                "max" => numbers.iter().copied().fold(f64::NEG_INFINITY, f64::max),
                "min" => numbers.iter().copied().fold(f64::INFINITY, f64::min),
                _ => numbers.iter().sum::<f64>() / numbers.len() as f64,
            };
            Ok(json(num(result)))
        }
        "append" => {
            let mut out = array(&args, 0).unwrap_or_default();
            out.extend(array(&args, 1).unwrap_or_default());
            Ok(json(Value::Array(out)))
        }
        "reverse" => Ok(array(&args, 0).map_or(Val::Undefined, |mut a| {
            a.reverse();
            json(Value::Array(a))
        })),
        "distinct" => Ok(array(&args, 0).map_or(Val::Undefined, |a| {
            let mut out: Vec<Value> = Vec::new();
            for v in a {
                if !out.iter().any(|o| json_equal(o, &v)) {
                    out.push(v);
                }
            }
            json(Value::Array(out))
        })),
        "zip" => {
            let arrays: Vec<Vec<Value>> = (0..args.len()).filter_map(|i| array(&args, i)).collect();
            let len = arrays.iter().map(Vec::len).min().unwrap_or(0);
            Ok(json(Value::Array(
                (0..len)
                    .map(|i| {
                        Value::Array(arrays.iter().filter_map(|a| a.get(i).cloned()).collect())
                    })
                    .collect(),
            )))
        }
        "sort" => {
            let Some(mut items) = array(&args, 0) else {
                return undefined;
            };
            if args.len() > 1 {
                let f = function(&args, 1, name)?;
                // Insertion sort: stable, and the comparator may fail.
                for i in 1..items.len() {
                    let mut j = i;
                    while j > 0 {
                        let swap = apply(
                            &f,
                            vec![
                                Arg::Val(json(items[j - 1].clone())),
                                Arg::Val(json(items[j].clone())),
                            ],
                            context,
                            cx,
                        )?;
                        if super::eval::val_truthy(&swap) {
                            items.swap(j - 1, j);
                            j -= 1;
                        } else {
                            break;
                        }
                    }
                }
            } else {
                let all_numbers = items.iter().all(Value::is_number);
                let all_strings = items.iter().all(Value::is_string);
                if !all_numbers && !all_strings {
                    return Err(
                        "$sort without a function sorts only numbers or only strings".into(),
                    );
                }
                items.sort_by(|a, b| match (a, b) {
                    (Value::Number(x), Value::Number(y)) => x
                        .as_f64()
                        .partial_cmp(&y.as_f64())
                        .unwrap_or(std::cmp::Ordering::Equal),
                    (Value::String(x), Value::String(y)) => x.cmp(y),
                    _ => std::cmp::Ordering::Equal,
                });
            }
            Ok(json(Value::Array(items)))
        }
        "shuffle" => {
            let Some(mut items) = array(&args, 0) else {
                return undefined;
            };
            let Some(random) = cx.env.random else {
                return Err("$shuffle needs the execution's random stream".into());
            };
            let mut stream = random.borrow_mut();
            for i in (1..items.len()).rev() {
                let j = crate::rng::bounded(stream.next_u64(), (i + 1) as u64) as usize;
                items.swap(i, j);
            }
            Ok(json(Value::Array(items)))
        }
        "keys" => Ok(match value(&args, 0) {
            Some(Value::Object(m)) => json(Value::Array(
                m.keys().map(|k| Value::String(k.clone())).collect(),
            )),
            Some(Value::Array(items)) => {
                let mut keys: Vec<Value> = Vec::new();
                for item in items {
                    if let Value::Object(m) = item {
                        for k in m.keys() {
                            let k = Value::String(k.clone());
                            if !keys.contains(&k) {
                                keys.push(k);
                            }
                        }
                    }
                }
                json(Value::Array(keys))
            }
            _ => Val::Undefined,
        }),
        "lookup" => {
            let key = string(&args, 1, name)?.unwrap_or_default();
            Ok(match value(&args, 0) {
                Some(Value::Object(m)) => m.get(&key).cloned().map_or(Val::Undefined, json),
                Some(Value::Array(items)) => {
                    Val::Seq(items.iter().filter_map(|i| i.get(&key).cloned()).collect())
                }
                _ => Val::Undefined,
            })
        }
        "spread" => Ok(match value(&args, 0) {
            Some(Value::Object(m)) => json(Value::Array(
                m.into_iter()
                    .map(|(k, v)| {
                        let mut o = JsonObject::new();
                        o.insert(k, v);
                        Value::Object(o)
                    })
                    .collect(),
            )),
            other => other.map_or(Val::Undefined, json),
        }),
        "merge" => {
            let mut out = JsonObject::new();
            for item in array(&args, 0).unwrap_or_default() {
                match item {
                    Value::Object(m) => out.extend(m),
                    other => {
                        return Err(format!(
                            "$merge: every item must be an object, not {}",
                            compact(&other)
                        ))
                    }
                }
            }
            Ok(json(Value::Object(out)))
        }
        "each" => {
            let Some(Value::Object(m)) = value(&args, 0) else {
                return undefined;
            };
            let f = function(&args, 1, name)?;
            let mut out = Vec::with_capacity(m.len());
            for (k, v) in m {
                let r = apply(
                    &f,
                    vec![Arg::Val(json(v)), Arg::Val(json(Value::String(k)))],
                    context,
                    cx,
                )?;
                if let Some(v) = r.collapse() {
                    out.push(v);
                }
            }
            Ok(Val::Seq(out))
        }
        "error" => Err(string(&args, 0, name)?.unwrap_or_else(|| "$error() called".into())),
        "assert" => {
            if value(&args, 0).is_some_and(|v| truthy(&v)) {
                undefined
            } else {
                Err(string(&args, 1, name)?.unwrap_or_else(|| "$assert() failed".into()))
            }
        }
        "abs" | "floor" | "ceil" | "sqrt" => {
            let Some(n) = number(&args, 0, name)? else {
                return undefined;
            };
            let r = match name {
                "abs" => n.abs(),
                "floor" => n.floor(),
                "ceil" => n.ceil(),
                _ => {
                    if n < 0.0 {
                        return Err("$sqrt of a negative number".into());
                    }
                    libm::sqrt(n)
                }
            };
            Ok(json(num(r)))
        }
        "power" => {
            let (Some(b), Some(e)) = (number(&args, 0, name)?, number(&args, 1, name)?) else {
                return undefined;
            };
            let r = libm::pow(b, e);
            if !r.is_finite() {
                return Err("$power: the result is not a finite number".into());
            }
            Ok(json(num(r)))
        }
        "round" => {
            let Some(n) = number(&args, 0, name)? else {
                return undefined;
            };
            let precision = number(&args, 1, name)?.unwrap_or(0.0);
            let scale = libm::pow(10.0, precision);
            let scaled = n * scale;
            // JSONata rounds half to even.
            let floor = scaled.floor();
            let diff = scaled - floor;
            let rounded = if diff > 0.5 || (diff == 0.5 && floor % 2.0 != 0.0) {
                floor + 1.0
            } else {
                floor
            };
            Ok(json(num(rounded / scale)))
        }
        "random" => {
            if let Some(seed) = number(&args, 0, name)? {
                return Ok(json(num(Stream::new(seed as u64, 0x6A73_6F6E).unit())));
            }
            let Some(random) = cx.env.random else {
                return Err("$random needs the execution's random stream".into());
            };
            let u = random.borrow_mut().unit();
            Ok(json(num(u)))
        }
        "uuid" => {
            let Some(random) = cx.env.random else {
                return Err("$uuid needs the execution's random stream".into());
            };
            let mut stream = random.borrow_mut();
            let (high, low) = (stream.next_u64(), stream.next_u64());
            Ok(json(Value::String(crate::intrinsics::uuid_v4(high, low))))
        }
        "map" | "filter" => {
            let Some(items) = array(&args, 0) else {
                return undefined;
            };
            let f = function(&args, 1, name)?;
            let arity = arity_of(&f);
            let whole = Value::Array(items.clone());
            let mut out = Vec::with_capacity(items.len());
            for (i, item) in items.into_iter().enumerate() {
                let mut call_args = vec![Arg::Val(json(item.clone()))];
                if arity > 1 {
                    call_args.push(Arg::Val(json(num(i as f64))));
                }
                if arity > 2 {
                    call_args.push(Arg::Val(json(whole.clone())));
                }
                let r = apply(&f, call_args, context, cx)?;
                if name == "map" {
                    if let Some(v) = r.collapse() {
                        out.push(v);
                    }
                } else if super::eval::val_truthy(&r) {
                    out.push(item);
                }
            }
            Ok(json(Value::Array(out)))
        }
        "reduce" => {
            let Some(items) = array(&args, 0) else {
                return undefined;
            };
            let f = function(&args, 1, name)?;
            let mut iter = items.into_iter();
            let mut acc = match value(&args, 2) {
                Some(init) => init,
                None => match iter.next() {
                    Some(first) => first,
                    None => return undefined,
                },
            };
            for item in iter {
                match apply(
                    &f,
                    vec![Arg::Val(json(acc.clone())), Arg::Val(json(item))],
                    context,
                    cx,
                )?
                .collapse()
                {
                    Some(v) => acc = v,
                    None => return undefined,
                }
            }
            Ok(json(acc))
        }
        "single" => {
            let Some(items) = array(&args, 0) else {
                return undefined;
            };
            let mut found = Vec::new();
            for item in items {
                let keep = match args.get(1) {
                    Some(Arg::Val(Val::Func(f))) => super::eval::val_truthy(&apply(
                        f,
                        vec![Arg::Val(json(item.clone()))],
                        context,
                        cx,
                    )?),
                    _ => true,
                };
                if keep {
                    found.push(item);
                }
            }
            if found.len() == 1 {
                Ok(json(found.remove(0)))
            } else {
                Err(format!(
                    "$single expected exactly one match, found {}",
                    found.len()
                ))
            }
        }
        "now" => {
            let picture = string(&args, 0, name)?;
            Ok(json(Value::String(match picture {
                Some(p) => format_picture(cx.env.now_epoch_ms, &p)?,
                None => clock::format_rfc3339(cx.env.now_epoch_ms),
            })))
        }
        "millis" => Ok(json(Value::from(cx.env.now_epoch_ms))),
        "fromMillis" => {
            let Some(ms) = number(&args, 0, name)? else {
                return undefined;
            };
            let ms = ms as i64;
            Ok(json(Value::String(match string(&args, 1, name)? {
                Some(p) => format_picture(ms, &p)?,
                None => clock::format_rfc3339(ms),
            })))
        }
        "toMillis" => {
            let Some(s) = string(&args, 0, name)? else {
                return undefined;
            };
            clock::parse_rfc3339(&s)
                .map(|ms| json(Value::from(ms)))
                .ok_or_else(|| format!("$toMillis: {s:?} is not an ISO 8601 timestamp"))
        }
        "parse" => {
            let Some(s) = string(&args, 0, name)? else {
                return undefined;
            };
            serde_json::from_str(&s)
                .map(json)
                .map_err(|e| format!("$parse: not valid JSON: {e}"))
        }
        "hash" => {
            let Some(data) = value(&args, 0) else {
                return undefined;
            };
            let data = stringify(&data);
            let algorithm = string(&args, 1, name)?.unwrap_or_else(|| "SHA-256".into());
            crate::intrinsics::hash_hex(&algorithm, &data)
                .map(|hex| json(Value::String(hex)))
                .ok_or_else(|| format!("$hash: unknown algorithm {algorithm:?}"))
        }
        "partition" => {
            let Some(items) = array(&args, 0) else {
                return undefined;
            };
            let size = number(&args, 1, name)?.unwrap_or(0.0);
            if size < 1.0 {
                return Err("$partition: the size must be at least 1".into());
            }
            Ok(json(Value::Array(
                items
                    .chunks(size as usize)
                    .map(|c| Value::Array(c.to_vec()))
                    .collect(),
            )))
        }
        "range" => {
            let (Some(start), Some(end)) = (number(&args, 0, name)?, number(&args, 1, name)?)
            else {
                return undefined;
            };
            let step = number(&args, 2, name)?.unwrap_or(1.0);
            if step == 0.0 {
                return Err("$range: the step cannot be 0".into());
            }
            let count = ((end - start) / step).floor() + 1.0;
            if count > 1000.0 {
                return Err("$range: at most 1000 items".into());
            }
            let count = if count < 0.0 { 0 } else { count as usize };
            Ok(json(Value::Array(
                (0..count).map(|i| num(start + i as f64 * step)).collect(),
            )))
        }
        other => Err(format!(
            "the function ${other} is not supported by mapsim's JSONata evaluator"
        )),
    }
}

/// Formats a time with an XPath picture string such as `[Y0001]/[M01]/[D01]`.
fn format_picture(epoch_ms: i64, picture: &str) -> Result<String, String> {
    let days = epoch_ms.div_euclid(86_400_000);
    let ms_of_day = epoch_ms.rem_euclid(86_400_000);
    let (y, m, d) = clock::civil_from_days(days);
    let mut out = String::new();
    let mut chars = picture.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '[' {
            if chars.peek() == Some(&'[') {
                chars.next();
                out.push('[');
                continue;
            }
            let mut component = String::new();
            for n in chars.by_ref() {
                if n == ']' {
                    break;
                }
                component.push(n);
            }
            let kind = component.chars().next().unwrap_or(' ');
            let width = component
                .chars()
                .skip(1)
                .filter(char::is_ascii_digit)
                .count();
            let value: i64 = match kind {
                'Y' => y,
                'M' => i64::from(m),
                'D' => i64::from(d),
                'H' => ms_of_day / 3_600_000,
                'm' => (ms_of_day / 60_000) % 60,
                's' => (ms_of_day / 1000) % 60,
                'f' => ms_of_day % 1000,
                'W' => clock::iso_week(days),
                'd' => days - clock::days_from_civil(y, 1, 1) + 1,
                _ => {
                    return Err(format!(
                        "the picture component [{component}] is not supported by mapsim's JSONata evaluator"
                    ))
                }
            };
            out.push_str(&format!("{value:0width$}"));
        } else if c == ']' && chars.peek() == Some(&']') {
            chars.next();
            out.push(']');
        } else {
            out.push(c);
        }
    }
    Ok(out)
}
