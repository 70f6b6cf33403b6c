//! A JSON reader that records where every value is written.
//!
//! Hand-written rather than `serde_json::from_str` because we need, for every node, the byte
//! range of its value and of its key (serde_json gives none), duplicate keys reported rather than
//! silently merged (Step Functions rejects them), a depth limit that ends in a diagnostic (the
//! parser is iterative, so even 100,000 nested arrays cannot overflow the stack), and errors
//! placed exactly. It is linear in the input. It also reads a CloudFormation placeholder written
//! outside quotes (`"Crawlers": ${Crawlers}`) as the string `"${Crawlers}"`, with a warning:
//! definition files meant for `DefinitionSubstitutions` contain them.

use serde_json::{Map, Number, Value};

use super::{Parsed, Problem};
use crate::limits::MAX_DEPTH;
use crate::source_map::{RawTree, ScalarStyle};

enum Container {
    Array(Vec<Value>),
    Object {
        map: Map<String, Value>,
        /// The member name read but whose value is not complete yet, with its key's range.
        pending: Option<(String, usize, usize)>,
    },
}

struct Frame {
    container: Container,
    node: u32,
}

enum Expect {
    /// A value (at the start, after `[`/`,` in an array, after `:` in an object).
    Value,
    /// After `[`: a value or `]`.
    FirstElement,
    /// After `{`: a key or `}`.
    FirstKey,
    /// After `,` in an object: a key.
    Key,
    /// After a value inside a container: `,` or the closing bracket.
    AfterMember,
}

/// Reads `text` as one JSON document.
pub(crate) fn parse(text: &str) -> Parsed {
    let mut parser = Parser {
        text,
        bytes: text.as_bytes(),
        // A byte order mark is not part of the document.
        pos: if text.starts_with('\u{feff}') { 3 } else { 0 },
        tree: RawTree::default(),
        problems: Vec::new(),
        stack: Vec::new(),
    };
    let outcome = parser.run();
    let (value, root) = match outcome {
        Some((value, root)) => (Some(value), Some(root)),
        None => (None, None),
    };
    Parsed {
        value,
        tree: parser.tree,
        root,
        problems: parser.problems,
    }
}

struct Parser<'t> {
    text: &'t str,
    bytes: &'t [u8],
    pos: usize,
    tree: RawTree,
    problems: Vec<Problem>,
    stack: Vec<Frame>,
}

/// Stops the parse after an error was recorded.
struct Stop;

impl Parser<'_> {
    fn run(&mut self) -> Option<(Value, u32)> {
        self.document().ok()
    }

    fn error(&mut self, code: &'static str, start: usize, end: usize, message: String) -> Stop {
        self.problems
            .push(Problem::error(code, start, end, message));
        Stop
    }

    fn skip_whitespace(&mut self) {
        while let Some(b) = self.bytes.get(self.pos) {
            match b {
                b' ' | b'\t' | b'\n' | b'\r' => self.pos += 1,
                _ => break,
            }
        }
    }

    /// A short description of what is at `pos`, for messages.
    fn found(&self) -> String {
        match self.text[self.pos..].chars().next() {
            None => "the end of the text".to_string(),
            Some(c) if c.is_control() => format!("the control character U+{:04X}", c as u32),
            Some(c) => format!("`{c}`"),
        }
    }

    fn char_len_at(&self, pos: usize) -> usize {
        self.text[pos..].chars().next().map_or(0, char::len_utf8)
    }

    fn document(&mut self) -> Result<(Value, u32), Stop> {
        let mut expect = Expect::Value;
        loop {
            self.skip_whitespace();
            let Some(&byte) = self.bytes.get(self.pos) else {
                let message = match (&expect, self.stack.last()) {
                    (_, None) => "the text ends where a value was expected".to_string(),
                    (_, Some(frame)) => match frame.container {
                        Container::Array(_) => {
                            "the text ends inside an array: a `]` is missing".to_string()
                        }
                        Container::Object { .. } => {
                            "the text ends inside an object: a `}` is missing".to_string()
                        }
                    },
                };
                let at = self.text.len();
                return Err(self.error("syntax", at, at, message));
            };
            expect = match expect {
                Expect::FirstElement if byte == b']' => {
                    let (value, node) = self.close()?;
                    match self.complete(value, node)? {
                        Some(done) => return self.finish(done),
                        None => Expect::AfterMember,
                    }
                }
                Expect::Value | Expect::FirstElement => match byte {
                    b'{' | b'[' => {
                        self.open(byte)?;
                        if byte == b'{' {
                            Expect::FirstKey
                        } else {
                            Expect::FirstElement
                        }
                    }
                    _ => {
                        let (value, node) = self.scalar()?;
                        match self.complete(value, node)? {
                            Some(done) => return self.finish(done),
                            None => Expect::AfterMember,
                        }
                    }
                },
                Expect::FirstKey if byte == b'}' => {
                    let (value, node) = self.close()?;
                    match self.complete(value, node)? {
                        Some(done) => return self.finish(done),
                        None => Expect::AfterMember,
                    }
                }
                Expect::FirstKey | Expect::Key => {
                    if byte != b'"' {
                        let found = self.found();
                        let start = self.pos;
                        let end = start + self.char_len_at(start);
                        let message = if byte == b'}' {
                            "a `,` must not follow the last member of an object".to_string()
                        } else if byte == b'\'' {
                            "object keys must be written in double quotes".to_string()
                        } else {
                            format!("expected a key in double quotes, found {found}")
                        };
                        return Err(self.error("syntax", start, end, message));
                    }
                    let key_start = self.pos;
                    let key = self.string()?;
                    let key_end = self.pos;
                    self.skip_whitespace();
                    if self.bytes.get(self.pos) != Some(&b':') {
                        let found = self.found();
                        let at = self.pos;
                        let end = at + self.char_len_at(at);
                        return Err(self.error(
                            "syntax",
                            at,
                            end,
                            format!("expected `:` after the key \"{key}\", found {found}"),
                        ));
                    }
                    self.pos += 1;
                    if let Some(Frame {
                        container: Container::Object { pending, .. },
                        ..
                    }) = self.stack.last_mut()
                    {
                        *pending = Some((key, key_start, key_end));
                    }
                    Expect::Value
                }
                Expect::AfterMember => {
                    let in_array = matches!(
                        self.stack.last().map(|f| &f.container),
                        Some(Container::Array(_))
                    );
                    match (byte, in_array) {
                        (b',', true) => {
                            self.pos += 1;
                            self.skip_whitespace();
                            if self.bytes.get(self.pos) == Some(&b']') {
                                let at = self.pos;
                                return Err(self.error(
                                    "syntax",
                                    at,
                                    at + 1,
                                    "a `,` must not follow the last element of an array"
                                        .to_string(),
                                ));
                            }
                            Expect::Value
                        }
                        (b',', false) => {
                            self.pos += 1;
                            Expect::Key
                        }
                        (b']', true) | (b'}', false) => {
                            let (value, node) = self.close()?;
                            match self.complete(value, node)? {
                                Some(done) => return self.finish(done),
                                None => Expect::AfterMember,
                            }
                        }
                        _ => {
                            let found = self.found();
                            let at = self.pos;
                            let end = at + self.char_len_at(at);
                            let message = if in_array {
                                format!("expected `,` or `]` after an array element, found {found}")
                            } else {
                                format!(
                                    "expected `,` or `}}` after an object member, found {found}"
                                )
                            };
                            return Err(self.error("syntax", at, end, message));
                        }
                    }
                }
            };
        }
    }

    /// After the root value: only whitespace may follow.
    fn finish(&mut self, done: (Value, u32)) -> Result<(Value, u32), Stop> {
        self.skip_whitespace();
        if self.pos < self.bytes.len() {
            let at = self.pos;
            let found = self.found();
            return Err(self.error(
                "syntax",
                at,
                at + self.char_len_at(at),
                format!("unexpected {found} after the end of the JSON document"),
            ));
        }
        Ok(done)
    }

    /// Takes the pending key of the innermost object, if any.
    fn take_key(&mut self) -> Option<(String, usize, usize)> {
        match self.stack.last_mut() {
            Some(Frame {
                container: Container::Object { pending, .. },
                ..
            }) => pending.take(),
            _ => None,
        }
    }

    fn new_node(&mut self, start: usize, end: usize, style: ScalarStyle) -> u32 {
        let key = match self.stack.last() {
            Some(Frame {
                container:
                    Container::Object {
                        pending: Some((name, key_start, key_end)),
                        ..
                    },
                ..
            }) => Some((name.clone(), *key_start, *key_end)),
            _ => None,
        };
        let parent = self.stack.last().map(|f| f.node);
        self.tree.push_child(parent, (start, end), key, style)
    }

    fn open(&mut self, byte: u8) -> Result<(), Stop> {
        let start = self.pos;
        if self.stack.len() >= MAX_DEPTH {
            return Err(self.error(
                "too-deep",
                start,
                start + 1,
                format!(
                    "arrays and objects are nested more than {MAX_DEPTH} levels deep here; \
                     mapsim reads at most {MAX_DEPTH} levels"
                ),
            ));
        }
        let node = self.new_node(start, start + 1, ScalarStyle::Container);
        self.pos += 1;
        let container = if byte == b'{' {
            Container::Object {
                map: Map::new(),
                pending: None,
            }
        } else {
            Container::Array(Vec::new())
        };
        self.stack.push(Frame { container, node });
        Ok(())
    }

    fn close(&mut self) -> Result<(Value, u32), Stop> {
        self.pos += 1;
        let Some(frame) = self.stack.pop() else {
            let at = self.pos - 1;
            return Err(self.error(
                "syntax",
                at,
                at + 1,
                "unmatched closing bracket".to_string(),
            ));
        };
        if let Some(node) = self.tree.nodes.get_mut(frame.node as usize) {
            node.end = self.pos;
        }
        let value = match frame.container {
            Container::Array(items) => Value::Array(items),
            Container::Object { map, .. } => Value::Object(map),
        };
        Ok((value, frame.node))
    }

    /// Hands a finished value to its container. Returns the root when the document is complete.
    fn complete(&mut self, value: Value, node: u32) -> Result<Option<(Value, u32)>, Stop> {
        let key = self.take_key();
        let Some(frame) = self.stack.last_mut() else {
            return Ok(Some((value, node)));
        };
        match &mut frame.container {
            Container::Array(items) => items.push(value),
            Container::Object { map, .. } => {
                let Some((name, key_start, key_end)) = key else {
                    return Ok(None);
                };
                if map.contains_key(&name) {
                    super::note(
                        &mut self.problems,
                        Problem::error(
                            "duplicate-key",
                            key_start,
                            key_end,
                            format!(
                                "the field \"{name}\" is given twice in the same object; \
                             Step Functions rejects duplicate fields (a JSON reader would keep \
                             only the last one)"
                            ),
                        ),
                    );
                }
                map.insert(name, value);
            }
        }
        Ok(None)
    }

    fn scalar(&mut self) -> Result<(Value, u32), Stop> {
        let start = self.pos;
        let byte = self.bytes[start];
        let (value, style) = match byte {
            b'"' => (Value::String(self.string()?), ScalarStyle::JsonString),
            b'-' | b'0'..=b'9' => (self.number()?, ScalarStyle::Other),
            b't' => (self.literal("true", Value::Bool(true))?, ScalarStyle::Other),
            b'f' => (
                self.literal("false", Value::Bool(false))?,
                ScalarStyle::Other,
            ),
            b'n' => (self.literal("null", Value::Null)?, ScalarStyle::Other),
            b'$' if self.bytes.get(start + 1) == Some(&b'{') => {
                (self.placeholder()?, ScalarStyle::Other)
            }
            _ => {
                let found = self.found();
                let end = start + self.char_len_at(start);
                let message = match byte {
                    b'\'' => "strings must be written in double quotes".to_string(),
                    b']' | b'}' => format!("expected a value, found {found}"),
                    _ => format!(
                        "expected a value (an object, array, string, number, true, false or null), found {found}"
                    ),
                };
                return Err(self.error("syntax", start, end, message));
            }
        };
        let node = self.new_node(start, self.pos, style);
        Ok((value, node))
    }

    fn literal(&mut self, word: &str, value: Value) -> Result<Value, Stop> {
        let start = self.pos;
        if self.text[start..].starts_with(word) {
            let end = start + word.len();
            let followed_by_word = self
                .bytes
                .get(end)
                .is_some_and(|b| b.is_ascii_alphanumeric() || *b == b'_');
            if !followed_by_word {
                self.pos = end;
                return Ok(value);
            }
        }
        let mut end = start;
        while self
            .bytes
            .get(end)
            .is_some_and(|b| b.is_ascii_alphanumeric() || *b == b'_')
        {
            end += 1;
        }
        let word_found = &self.text[start..end];
        Err(self.error(
            "syntax",
            start,
            end,
            format!(
                "`{word_found}` is not a JSON value (strings need double quotes; the literals are true, false and null)"
            ),
        ))
    }

    fn placeholder(&mut self) -> Result<Value, Stop> {
        let start = self.pos;
        let rest = &self.text[start..];
        let close = rest
            .find(['}', '\n', '"', ','])
            .filter(|i| rest.as_bytes()[*i] == b'}');
        let Some(close) = close else {
            return Err(self.error(
                "syntax",
                start,
                start + 2,
                "`${` starts a placeholder that is never closed with `}`".to_string(),
            ));
        };
        let end = start + close + 1;
        let text = self.text[start..end].to_string();
        super::note(
            &mut self.problems,
            Problem::warning(
                "unquoted-placeholder",
                start,
                end,
                format!(
                "`{text}` is a CloudFormation placeholder written outside quotes, so this text is \
                 JSON only after substitution; mapsim reads it as the string \"{text}\""
            ),
            ),
        );
        self.pos = end;
        Ok(Value::String(text))
    }

    fn number(&mut self) -> Result<Value, Stop> {
        let start = self.pos;
        let b = self.bytes;
        let mut i = start;
        if b.get(i) == Some(&b'-') {
            i += 1;
        }
        let int_start = i;
        while b.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        if i == int_start {
            return Err(self.error(
                "syntax",
                start,
                i + 1,
                "a `-` must be followed by digits".to_string(),
            ));
        }
        if b[int_start] == b'0' && i - int_start > 1 {
            return Err(self.error(
                "syntax",
                start,
                i,
                "numbers cannot start with a 0 followed by more digits".to_string(),
            ));
        }
        let mut is_integer = true;
        if b.get(i) == Some(&b'.') {
            is_integer = false;
            i += 1;
            let frac_start = i;
            while b.get(i).is_some_and(u8::is_ascii_digit) {
                i += 1;
            }
            if i == frac_start {
                return Err(self.error(
                    "syntax",
                    start,
                    i,
                    "a `.` in a number must be followed by digits".to_string(),
                ));
            }
        }
        if matches!(b.get(i), Some(b'e' | b'E')) {
            is_integer = false;
            i += 1;
            if matches!(b.get(i), Some(b'+' | b'-')) {
                i += 1;
            }
            let exp_start = i;
            while b.get(i).is_some_and(u8::is_ascii_digit) {
                i += 1;
            }
            if i == exp_start {
                return Err(self.error(
                    "syntax",
                    start,
                    i,
                    "an exponent in a number must have digits".to_string(),
                ));
            }
        }
        self.pos = i;
        let text = self.text;
        let literal = &text[start..i];
        match number_value(literal, is_integer) {
            Some(value) => Ok(value),
            None => {
                super::note(&mut self.problems, out_of_range(literal, start, i));
                Ok(Value::Null)
            }
        }
    }

    /// Reads a string literal starting at the `"` at `pos`; leaves `pos` after the closing quote.
    fn string(&mut self) -> Result<String, Stop> {
        let start = self.pos;
        let b = self.bytes;
        let mut i = start + 1;
        let mut out = String::new();
        let mut run_start = i;
        loop {
            let Some(&c) = b.get(i) else {
                return Err(self.error(
                    "syntax",
                    start,
                    i,
                    "this string is never closed with a `\"`".to_string(),
                ));
            };
            match c {
                b'"' => {
                    out.push_str(&self.text[run_start..i]);
                    self.pos = i + 1;
                    return Ok(out);
                }
                b'\\' => {
                    out.push_str(&self.text[run_start..i]);
                    let escape_start = i;
                    let Some(&e) = b.get(i + 1) else {
                        return Err(self.error(
                            "syntax",
                            start,
                            i + 1,
                            "this string is never closed with a `\"`".to_string(),
                        ));
                    };
                    i += 2;
                    match e {
                        b'"' => out.push('"'),
                        b'\\' => out.push('\\'),
                        b'/' => out.push('/'),
                        b'b' => out.push('\u{8}'),
                        b'f' => out.push('\u{c}'),
                        b'n' => out.push('\n'),
                        b'r' => out.push('\r'),
                        b't' => out.push('\t'),
                        b'u' => {
                            let (ch, next) = self.unicode_escape(escape_start)?;
                            out.push(ch);
                            i = next;
                        }
                        _ => {
                            let len = self.char_len_at(escape_start + 1);
                            let shown = &self.text[escape_start..escape_start + 1 + len];
                            return Err(self.error(
                                "syntax",
                                escape_start,
                                escape_start + 1 + len,
                                format!(
                                    "`{shown}` is not a JSON escape (use \\\\ for a backslash)"
                                ),
                            ));
                        }
                    }
                    run_start = i;
                }
                0..=0x1f => {
                    let message = if c == b'\n' {
                        "this string is not closed before the end of the line (a line break inside a string must be written \\n)".to_string()
                    } else {
                        format!("the control character U+{c:04X} must be escaped inside a string")
                    };
                    return Err(self.error("syntax", i, i + 1, message));
                }
                _ => i += 1,
            }
        }
    }

    /// Reads `\uXXXX` (and a following low surrogate) at `at`; returns the character and the
    /// position after the escape(s).
    fn unicode_escape(&mut self, at: usize) -> Result<(char, usize), Stop> {
        let hex = |s: &str| -> Option<u32> {
            if s.len() == 4 && s.bytes().all(|b| b.is_ascii_hexdigit()) {
                u32::from_str_radix(s, 16).ok()
            } else {
                None
            }
        };
        let Some(first) = self.text.get(at + 2..at + 6).and_then(hex) else {
            return Err(self.error(
                "syntax",
                at,
                (at + 6).min(self.text.len()),
                "`\\u` must be followed by four hexadecimal digits".to_string(),
            ));
        };
        if (0xD800..0xDC00).contains(&first) {
            let low = if self.text.get(at + 6..at + 8) == Some("\\u") {
                self.text.get(at + 8..at + 12).and_then(hex)
            } else {
                None
            };
            if let Some(low) = low.filter(|l| (0xDC00..0xE000).contains(l)) {
                let code = 0x10000 + ((first - 0xD800) << 10) + (low - 0xDC00);
                if let Some(ch) = char::from_u32(code) {
                    return Ok((ch, at + 12));
                }
            }
            return Err(self.error(
                "syntax",
                at,
                at + 6,
                "`\\u` escape of a lone surrogate (a high surrogate must be followed by a low one)"
                    .to_string(),
            ));
        }
        match char::from_u32(first) {
            Some(ch) => Ok((ch, at + 6)),
            None => Err(self.error(
                "syntax",
                at,
                at + 6,
                "`\\u` escape of a lone surrogate".to_string(),
            )),
        }
    }
}

/// The JSON value of a number literal, `None` when it does not fit in a double.
pub(crate) fn number_value(literal: &str, is_integer: bool) -> Option<Value> {
    if is_integer {
        if let Ok(n) = literal.parse::<u64>() {
            return Some(Value::Number(n.into()));
        }
        if let Ok(n) = literal.parse::<i64>() {
            return Some(Value::Number(n.into()));
        }
    }
    let f = literal.parse::<f64>().ok()?;
    Number::from_f64(f).map(Value::Number)
}

pub(crate) fn out_of_range(literal: &str, start: usize, end: usize) -> Problem {
    let shown: String = if literal.len() > 24 {
        format!("{}…", &literal[..20])
    } else {
        literal.to_string()
    };
    Problem::error(
        "number-out-of-range",
        start,
        end,
        format!(
            "the number {shown} is too large to be represented (beyond ±1.8e308); it was read as null"
        ),
    )
}

/// Where each byte of a string literal's content comes from: offsets of the decoded string →
/// offsets of the literal's text (which starts with the opening quote at `start`).
pub(crate) fn string_origin(text: &str, start: usize, end: usize) -> crate::source_map::Origin {
    let mut origin = crate::source_map::Origin::default();
    let b = text.as_bytes();
    let mut i = start + 1;
    let mut out = 0usize;
    let stop = end.saturating_sub(1).min(b.len());
    while i < stop {
        if b[i] == b'\\' {
            let (len_in, len_out) = match b.get(i + 1) {
                Some(b'u') => {
                    let code = text
                        .get(i + 2..i + 6)
                        .and_then(|h| u32::from_str_radix(h, 16).ok())
                        .unwrap_or(0xFFFD);
                    if (0xD800..0xDC00).contains(&code) {
                        (12, 4)
                    } else {
                        (6, char::from_u32(code).map_or(3, char::len_utf8))
                    }
                }
                Some(_) => (2, 1),
                None => (1, 0),
            };
            origin.push(out, len_out, i, len_in, true);
            out += len_out;
            i += len_in;
        } else {
            let run_start = i;
            while i < stop && b[i] != b'\\' {
                i += 1;
            }
            origin.push(out, i - run_start, run_start, i - run_start, true);
            out += i - run_start;
        }
    }
    origin
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problems(text: &str) -> Vec<(&'static str, usize)> {
        parse(text)
            .problems
            .iter()
            .map(|p| (p.code, p.start))
            .collect()
    }

    #[test]
    fn reads_values_and_their_ranges() {
        let text = r#"{"a": [1, -2.5e3, "x\"y"], "b": {"c": null}}"#;
        let parsed = parse(text);
        assert!(parsed.problems.is_empty());
        let value = parsed.value.unwrap();
        assert_eq!(value["a"][2], "x\"y");
        assert_eq!(value["a"][1], -2500.0);
        let root = parsed.root.unwrap();
        let id = parsed.tree.find(root, "/a/2").unwrap();
        let node = parsed.tree.node(id).unwrap();
        assert_eq!(&text[node.start..node.end], r#""x\"y""#);
        let id = parsed.tree.find(root, "/b/c").unwrap();
        let node = parsed.tree.node(id).unwrap();
        assert_eq!(&text[node.key.unwrap().0..node.key.unwrap().1], r#""c""#);
    }

    #[test]
    fn reports_errors_where_they_are() {
        assert_eq!(problems("{\"a\": 1,}"), vec![("syntax", 8)]);
        assert_eq!(problems("[1 2]"), vec![("syntax", 3)]);
        assert_eq!(problems("{\"a\": 1, \"a\": 2}"), vec![("duplicate-key", 9)]);
        assert_eq!(problems("01"), vec![("syntax", 0)]);
        assert_eq!(problems("1e400"), vec![("number-out-of-range", 0)]);
        assert_eq!(problems("\"abc"), vec![("syntax", 0)]);
        assert_eq!(problems("{} x"), vec![("syntax", 3)]);
        assert_eq!(problems(""), vec![("syntax", 0)]);
        assert_eq!(problems("\"\\ud800\""), vec![("syntax", 1)]);
    }

    #[test]
    fn deep_nesting_is_a_diagnostic_not_a_crash() {
        let text = "[".repeat(100_000);
        let parsed = parse(&text);
        assert_eq!(parsed.problems.len(), 1);
        assert_eq!(parsed.problems[0].code, "too-deep");
        assert_eq!(parsed.problems[0].start, MAX_DEPTH);
    }

    #[test]
    fn huge_integers_become_doubles() {
        let text = "1".repeat(100);
        let parsed = parse(&text);
        assert!(parsed.problems.is_empty());
        assert!(parsed.value.unwrap().as_f64().unwrap() > 1e99);
    }

    #[test]
    fn unquoted_placeholders_are_read_as_strings_with_a_warning() {
        let parsed = parse(r#"{"a": ${Crawlers}, "b": 1}"#);
        assert_eq!(parsed.value.unwrap()["a"], "${Crawlers}");
        assert_eq!(parsed.problems.len(), 1);
        assert_eq!(parsed.problems[0].code, "unquoted-placeholder");
    }

    #[test]
    fn string_origin_maps_through_escapes() {
        let text = r#""a\"b\u00e9c""#;
        let origin = string_origin(text, 0, text.len());
        // decoded: a " b é(2 bytes) c
        assert_eq!(origin.map(0), (1, true));
        assert_eq!(origin.map(1), (2, true));
        assert_eq!(origin.map(2), (4, true));
        assert_eq!(origin.map(3), (5, true));
        assert_eq!(origin.map(5), (11, true));
    }
}
