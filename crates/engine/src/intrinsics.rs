//! Evaluation of ASL intrinsic functions (`States.Format`, `States.ArrayRange`, …).
//!
//! Parsing and the signature table live in `asl::intrinsic`; here the documented behaviour of
//! each function is applied to values. `States.UUID` and `States.MathRandom` draw from the
//! execution's seeded stream, so a run is still reproducible bit for bit.

use std::fmt::Write as _;

use asl::intrinsic::{Arg, Call, FormatPiece, Function};
use base64::Engine as _;
use md5::Digest as _;
use serde_json::{Map as JsonObject, Number, Value};

use crate::data::{compact, PathFailure, Roots};
use crate::rng::Stream;

/// Largest input of `States.Base64Encode`, `States.Base64Decode` and `States.Hash`.
const MAX_STRING_ARGUMENT: usize = 10_000;
/// Largest array `States.ArrayRange` may build.
const MAX_RANGE_ITEMS: i64 = 1000;

/// Evaluates a call. The error is a sentence for the cause of a `States.Runtime` failure.
pub fn evaluate(call: &Call, roots: &Roots<'_>) -> Result<Value, String> {
    let mut args = Vec::with_capacity(call.args.len());
    for arg in &call.args {
        args.push(match arg {
            Arg::Literal(v) => v.clone(),
            Arg::Path(path) => roots.select(path).map_err(|f| match f {
                PathFailure::Variable(m) => m,
                PathFailure::Eval(e) => format!("the path '{}' failed: {e}", path.text()),
            })?,
            Arg::Call(inner) => evaluate(inner, roots)?,
        });
    }
    let name = call.function.name();
    let fail = |message: String| -> Result<Value, String> { Err(format!("{name}: {message}")) };
    match call.function {
        Function::Format => {
            let template = match (&call.template, args.first()) {
                (Some(pieces), _) => pieces.clone(),
                (None, Some(Value::String(text))) => split_template(text),
                _ => return fail("the first argument must be a string".into()),
            };
            let mut out = String::new();
            let mut values = args.iter().skip(1);
            for piece in &template {
                match piece {
                    FormatPiece::Text(t) => out.push_str(t),
                    FormatPiece::Placeholder => {
                        let Some(value) = values.next() else {
                            return fail(
                                "the template has more placeholders than arguments".into(),
                            );
                        };
                        match value {
                            Value::String(s) => out.push_str(s),
                            Value::Array(_) | Value::Object(_) => {
                                return fail(format!(
                                    "arguments must be strings, numbers, booleans or null, not {}",
                                    compact(value)
                                ))
                            }
                            other => out.push_str(&compact(other)),
                        }
                    }
                }
            }
            if values.next().is_some() {
                return fail("the template has fewer placeholders than arguments".into());
            }
            Ok(Value::String(out))
        }
        Function::StringToJson => {
            let text = string_arg(&args, 0, name)?;
            serde_json::from_str(text).or_else(|e| fail(format!("not valid JSON: {e}")))
        }
        Function::JsonToString => Ok(Value::String(compact(arg(&args, 0, name)?))),
        Function::Array => Ok(Value::Array(args)),
        Function::ArrayPartition => {
            let items = array_arg(&args, 0, name)?;
            let size = integer_arg(&args, 1, name)?;
            if size <= 0 {
                return fail(format!("the chunk size must be positive, not {size}"));
            }
            let size = usize::try_from(size).unwrap_or(usize::MAX);
            Ok(Value::Array(
                items
                    .chunks(size)
                    .map(|c| Value::Array(c.to_vec()))
                    .collect(),
            ))
        }
        Function::ArrayContains => {
            let items = array_arg(&args, 0, name)?;
            let wanted = arg(&args, 1, name)?;
            Ok(Value::Bool(items.iter().any(|i| json_equal(i, wanted))))
        }
        Function::ArrayRange => {
            let start = integer_arg(&args, 0, name)?;
            let end = integer_arg(&args, 1, name)?;
            let step = integer_arg(&args, 2, name)?;
            if step == 0 {
                return fail("the step cannot be 0".into());
            }
            let count = if (step > 0 && end < start) || (step < 0 && end > start) {
                0
            } else {
                (end - start) / step + 1
            };
            if count > MAX_RANGE_ITEMS {
                return fail(format!(
                    "the range would hold {count} items; at most {MAX_RANGE_ITEMS} are allowed"
                ));
            }
            Ok(Value::Array(
                (0..count).map(|i| Value::from(start + i * step)).collect(),
            ))
        }
        Function::ArrayGetItem => {
            let items = array_arg(&args, 0, name)?;
            let index = integer_arg(&args, 1, name)?;
            usize::try_from(index)
                .ok()
                .and_then(|i| items.get(i))
                .cloned()
                .map_or_else(
                    || {
                        fail(format!(
                            "index {index} is out of bounds for an array of {}",
                            items.len()
                        ))
                    },
                    Ok,
                )
        }
        Function::ArrayLength => Ok(Value::from(array_arg(&args, 0, name)?.len())),
        Function::ArrayUnique => {
            let items = array_arg(&args, 0, name)?;
            let mut unique: Vec<Value> = Vec::with_capacity(items.len());
            for item in items {
                if !unique.iter().any(|u| json_equal(u, item)) {
                    unique.push(item.clone());
                }
            }
            Ok(Value::Array(unique))
        }
        Function::Base64Encode => {
            let text = string_arg(&args, 0, name)?;
            if text.chars().count() > MAX_STRING_ARGUMENT {
                return fail(format!(
                    "the input exceeds {MAX_STRING_ARGUMENT} characters"
                ));
            }
            Ok(Value::String(
                base64::engine::general_purpose::STANDARD.encode(text.as_bytes()),
            ))
        }
        Function::Base64Decode => {
            let text = string_arg(&args, 0, name)?;
            if text.chars().count() > MAX_STRING_ARGUMENT {
                return fail(format!(
                    "the input exceeds {MAX_STRING_ARGUMENT} characters"
                ));
            }
            let bytes = base64::engine::general_purpose::STANDARD
                .decode(text.as_bytes())
                .or_else(|e| fail(format!("not valid base64: {e}")).map(|_| Vec::new()))?;
            String::from_utf8(bytes)
                .map(Value::String)
                .or_else(|_| fail("the decoded data is not UTF-8 text".into()))
        }
        Function::Hash => {
            let data = match arg(&args, 0, name)? {
                Value::String(s) => s.clone(),
                other => compact(other),
            };
            if data.chars().count() > MAX_STRING_ARGUMENT {
                return fail(format!(
                    "the input exceeds {MAX_STRING_ARGUMENT} characters"
                ));
            }
            let algorithm = string_arg(&args, 1, name)?;
            match hash_hex(algorithm, &data) {
                Some(hex) => Ok(Value::String(hex)),
                None => fail(format!(
                    "unknown algorithm {algorithm:?} (MD5, SHA-1, SHA-256, SHA-384 or SHA-512)"
                )),
            }
        }
        Function::JsonMerge => {
            let (Value::Object(left), Value::Object(right)) =
                (arg(&args, 0, name)?, arg(&args, 1, name)?)
            else {
                return fail("both arguments must be JSON objects".into());
            };
            if arg(&args, 2, name)? != &Value::Bool(false) {
                return fail(
                    "only the shallow merge (false) is supported by Step Functions".into(),
                );
            }
            let mut merged: JsonObject<String, Value> = left.clone();
            for (k, v) in right {
                merged.insert(k.clone(), v.clone());
            }
            Ok(Value::Object(merged))
        }
        Function::MathRandom => {
            let start = integer_arg(&args, 0, name)?;
            let end = integer_arg(&args, 1, name)?;
            if end <= start {
                return fail(format!(
                    "the end ({end}) must be greater than the start ({start})"
                ));
            }
            let span = u64::try_from(end - start).unwrap_or(u64::MAX);
            let bits = match args.get(2) {
                Some(_) => {
                    let seed = integer_arg(&args, 2, name)?;
                    Stream::new(seed as u64, 0x4D61_7468_5261_6E64).next_u64()
                }
                None => draw(roots)?,
            };
            let offset = crate::rng::bounded(bits, span);
            Ok(Value::from(start + offset as i64))
        }
        Function::MathAdd => {
            let a = integer_arg(&args, 0, name)?;
            let b = integer_arg(&args, 1, name)?;
            let range = i64::from(i32::MIN)..=i64::from(i32::MAX);
            if !range.contains(&a) || !range.contains(&b) {
                return fail("arguments must be between -2147483648 and 2147483647".into());
            }
            Ok(Value::from(a + b))
        }
        Function::StringSplit => {
            let text = string_arg(&args, 0, name)?;
            let delimiters: Vec<char> = string_arg(&args, 1, name)?.chars().collect();
            Ok(Value::Array(
                text.split(|c| delimiters.contains(&c))
                    .filter(|s| !s.is_empty())
                    .map(|s| Value::String(s.to_string()))
                    .collect(),
            ))
        }
        Function::Uuid => {
            let high = draw(roots)?;
            let low = draw(roots)?;
            Ok(Value::String(uuid_v4(high, low)))
        }
    }
}

fn draw(roots: &Roots<'_>) -> Result<u64, String> {
    let Some(random) = roots.random else {
        return Err("no random stream is available here".into());
    };
    Ok(random.borrow_mut().next_u64())
}

/// The digest of `data`'s UTF-8 bytes in lowercase hexadecimal, by the algorithm names
/// `States.Hash` and JSONata's `$hash` share; `None` for an unknown algorithm.
pub fn hash_hex(algorithm: &str, data: &str) -> Option<String> {
    let bytes = data.as_bytes();
    let digest: Vec<u8> = match algorithm {
        "MD5" => md5::Md5::digest(bytes).to_vec(),
        "SHA-1" => sha1::Sha1::digest(bytes).to_vec(),
        "SHA-256" => sha2::Sha256::digest(bytes).to_vec(),
        "SHA-384" => sha2::Sha384::digest(bytes).to_vec(),
        "SHA-512" => sha2::Sha512::digest(bytes).to_vec(),
        _ => return None,
    };
    let mut hex = String::with_capacity(digest.len() * 2);
    for byte in digest {
        let _ = write!(hex, "{byte:02x}");
    }
    Some(hex)
}

/// Formats 128 random bits as a version-4 UUID.
pub fn uuid_v4(high: u64, low: u64) -> String {
    let high = (high & 0xFFFF_FFFF_FFFF_0FFF) | 0x0000_0000_0000_4000;
    let low = (low & 0x3FFF_FFFF_FFFF_FFFF) | 0x8000_0000_0000_0000;
    format!(
        "{:08x}-{:04x}-{:04x}-{:04x}-{:012x}",
        high >> 32,
        (high >> 16) & 0xFFFF,
        high & 0xFFFF,
        low >> 48,
        low & 0xFFFF_FFFF_FFFF
    )
}

fn split_template(text: &str) -> Vec<FormatPiece> {
    let mut pieces = Vec::new();
    for (i, part) in text.split("{}").enumerate() {
        if i > 0 {
            pieces.push(FormatPiece::Placeholder);
        }
        if !part.is_empty() {
            pieces.push(FormatPiece::Text(part.to_string()));
        }
    }
    pieces
}

fn arg<'a>(args: &'a [Value], i: usize, name: &str) -> Result<&'a Value, String> {
    args.get(i)
        .ok_or_else(|| format!("{name}: argument {} is missing", i + 1))
}

fn string_arg<'a>(args: &'a [Value], i: usize, name: &str) -> Result<&'a str, String> {
    match arg(args, i, name)? {
        Value::String(s) => Ok(s),
        other => Err(format!(
            "{name}: argument {} must be a string, not {}",
            i + 1,
            compact(other)
        )),
    }
}

fn array_arg<'a>(args: &'a [Value], i: usize, name: &str) -> Result<&'a [Value], String> {
    match arg(args, i, name)? {
        Value::Array(items) => Ok(items),
        other => Err(format!(
            "{name}: argument {} must be an array, not {}",
            i + 1,
            compact(other)
        )),
    }
}

fn integer_arg(args: &[Value], i: usize, name: &str) -> Result<i64, String> {
    let value = arg(args, i, name)?;
    let parsed = match value {
        Value::Number(n) => n.as_i64().or_else(|| {
            n.as_f64()
                .filter(|f| f.fract() == 0.0 && f.abs() < 9.0e15)
                .map(|f| f as i64)
        }),
        _ => None,
    };
    parsed.ok_or_else(|| {
        format!(
            "{name}: argument {} must be an integer, not {}",
            i + 1,
            compact(value)
        )
    })
}

/// JSON equality where numbers compare by value (1 == 1.0).
pub fn json_equal(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => number_equal(x, y),
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| json_equal(p, q))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| json_equal(v, w)))
        }
        _ => a == b,
    }
}

fn number_equal(x: &Number, y: &Number) -> bool {
    match (x.as_i64(), y.as_i64()) {
        (Some(a), Some(b)) => a == b,
        _ => x.as_f64() == y.as_f64(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::ContextSource;
    use serde_json::json;
    use std::cell::RefCell;

    struct NoContext;
    impl ContextSource for NoContext {
        fn context_object(&self) -> Value {
            json!({})
        }
    }

    fn eval(text: &str, input: &Value) -> Result<Value, String> {
        let call = asl::intrinsic::parse(text).unwrap_or_else(|e| panic!("{text}: {e}"));
        let stream = RefCell::new(Stream::new(1, 1));
        let mut roots = Roots::new(input, &NoContext, None);
        roots.random = Some(&stream);
        evaluate(&call, &roots)
    }

    #[test]
    fn documented_examples() {
        let input = json!({
            "inputArray": [1, 2, 3, 4, 5, 6, 7, 8, 9],
            "dup": [1, 2, 3, 3, 3, 3, 3, 3, 4],
            "lookingFor": 5,
            "index": 5,
            "json1": {"a": {"a1": 1, "a2": 2}, "b": 2},
            "json2": {"a": {"a3": 1, "a4": 2}, "c": 3},
            "escapedJsonString": "{\"foo\": \"bar\"}",
            "unescapedJson": {"foo": "bar"},
            "input": "Data to encode",
            "base64": "RGF0YSB0byBlbmNvZGU=",
            "Data": "input data",
            "inputString": "This.is+a,test=string",
            "splitter": ".+,=",
            "value1": 111,
            "step": -1,
            "name": "Arnav"
        });
        let cases = [
            (
                "States.Array('Foo', 2020, $.json1.b, null)",
                json!(["Foo", 2020, 2, null]),
            ),
            (
                "States.ArrayPartition($.inputArray, 4)",
                json!([[1, 2, 3, 4], [5, 6, 7, 8], [9]]),
            ),
            (
                "States.ArrayContains($.inputArray, $.lookingFor)",
                json!(true),
            ),
            ("States.ArrayRange(1, 9, 2)", json!([1, 3, 5, 7, 9])),
            ("States.ArrayRange(10, 1, -3)", json!([10, 7, 4, 1])),
            ("States.ArrayGetItem($.inputArray, $.index)", json!(6)),
            ("States.ArrayLength($.inputArray)", json!(9)),
            ("States.ArrayUnique($.dup)", json!([1, 2, 3, 4])),
            (
                "States.Base64Encode($.input)",
                json!("RGF0YSB0byBlbmNvZGU="),
            ),
            ("States.Base64Decode($.base64)", json!("Data to encode")),
            (
                "States.Hash($.Data, 'SHA-1')",
                json!("aaff4a450a104cd177d28d18d74485e8cae074b7"),
            ),
            (
                "States.Hash('', 'MD5')",
                json!("d41d8cd98f00b204e9800998ecf8427e"),
            ),
            (
                "States.JsonMerge($.json1, $.json2, false)",
                json!({"a": {"a3": 1, "a4": 2}, "b": 2, "c": 3}),
            ),
            (
                "States.StringToJson($.escapedJsonString)",
                json!({"foo": "bar"}),
            ),
            (
                "States.JsonToString($.unescapedJson)",
                json!("{\"foo\":\"bar\"}"),
            ),
            ("States.MathAdd($.value1, $.step)", json!(110)),
            (
                "States.StringSplit($.inputString, $.splitter)",
                json!(["This", "is", "a", "test", "string"]),
            ),
            (
                "States.Format('Hello, my name is {}.', $.name)",
                json!("Hello, my name is Arnav."),
            ),
            (
                "States.Format('{} {} {}', 1, true, null)",
                json!("1 true null"),
            ),
        ];
        for (text, expected) in cases {
            assert_eq!(eval(text, &input), Ok(expected), "{text}");
        }
    }

    #[test]
    fn errors_are_explained() {
        let input = json!({"a": [1], "o": {"x": 1}});
        for text in [
            "States.ArrayGetItem($.a, 3)",
            "States.ArrayPartition($.a, 0)",
            "States.ArrayRange(1, 5000, 1)",
            "States.Format('{}', $.o)",
            "States.JsonMerge($.o, $.o, true)",
            "States.MathRandom(5, 5)",
            "States.StringToJson('{nope')",
            "States.Hash('x', 'SHA-3')",
            "States.ArrayLength($.missing)",
            "States.Format('{} {}', 1)",
        ] {
            assert!(eval(text, &input).is_err(), "{text}");
        }
    }

    #[test]
    fn random_functions_are_seeded() {
        let input = json!({});
        let a = eval("States.UUID()", &input);
        let b = eval("States.UUID()", &input);
        assert_eq!(a, b);
        let Ok(Value::String(uuid)) = a else {
            panic!("uuid");
        };
        assert_eq!(uuid.len(), 36);
        assert_eq!(uuid.as_bytes()[14], b'4');
        for _ in 0..100 {
            let Ok(Value::Number(n)) = eval("States.MathRandom(1, 10)", &input) else {
                panic!("number");
            };
            assert!((1..10).contains(&n.as_i64().unwrap_or(0)));
        }
        assert_eq!(
            eval("States.MathRandom(1, 1000, 7)", &input),
            eval("States.MathRandom(1, 1000, 7)", &input)
        );
    }
}
