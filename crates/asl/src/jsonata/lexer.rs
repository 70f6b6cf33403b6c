//! JSONata tokens: the tokenizer of jsonata-js's grammar, rule for rule, with byte offsets.
//!
//! What counts as whitespace, which characters end a name, how numbers, strings, backtick names
//! and regular expressions are scanned all follow the reference implementation, because the
//! validator's verdict must be the one Step Functions (which runs jsonata-js) gives.

use super::{Fail, SyntaxError};

/// What a token is.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Kind {
    /// An operator or punctuation, including the words `and`, `or` and `in`.
    Operator(&'static str),
    /// A field name (backtick names included, without their backticks).
    Name(String),
    /// `$name`, without the `$`: `$` alone is `""`, `$$` is `"$"`.
    Variable(String),
    /// A string literal, its escapes decoded.
    String(String),
    Number(f64),
    /// `/pattern/flags`: the pattern as written, and whether the flags `i` and `m` are given.
    Regex {
        pattern: String,
        ignore_case: bool,
        multiline: bool,
    },
    Bool(bool),
    Null,
    End,
}

#[derive(Debug, Clone)]
pub(super) struct Token {
    pub kind: Kind,
    /// Byte offsets in the expression.
    pub start: usize,
    pub end: usize,
}

impl Token {
    pub fn end_at(at: usize) -> Token {
        Token {
            kind: Kind::End,
            start: at,
            end: at,
        }
    }

    pub fn is(&self, op: &str) -> bool {
        matches!(self.kind, Kind::Operator(o) if o == op)
    }
}

/// Operators of two characters, tried before those of one.
const DOUBLE: [&str; 9] = ["..", ":=", "!=", ">=", "<=", "**", "~>", "?:", "??"];

/// Operators of one character. `!` and `~` only end names: alone they are unknown operators.
const SINGLE: [&str; 26] = [
    ".", "[", "]", "{", "}", "(", ")", ",", "@", "#", ";", ":", "?", "+", "-", "*", "/", "%", "|",
    "=", "<", ">", "^", "&", "!", "~",
];

/// Whitespace as jsonata-js skips it: not form feed, not Unicode spaces (those are part of names).
fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r' | 0x0b)
}

fn single(b: u8) -> Option<&'static str> {
    SINGLE.iter().find(|op| op.as_bytes()[0] == b).copied()
}

/// The four hexadecimal digits of a `\\u` escape at `at`, if they are there.
fn utf16_unit(text: &str, at: usize) -> Option<u32> {
    let hex = text.get(at..at + 4)?;
    if !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    u32::from_str_radix(hex, 16).ok()
}

pub(super) fn error(offset: usize, message: impl Into<String>) -> Fail {
    Fail::Error(SyntaxError {
        offset,
        message: message.into(),
    })
}

pub(super) struct Lexer<'t> {
    pub text: &'t str,
    pub pos: usize,
}

impl Lexer<'_> {
    /// The next token. `infix` says the parser stands after an operand, where `/` divides; elsewhere
    /// it opens a regular expression. (jsonata-js decides this by the parser's position, not by
    /// the previous token, and so does this parser: see `Parser::advance`.)
    pub fn next(&mut self, infix: bool) -> Result<Token, Fail> {
        let bytes = self.text.as_bytes();
        loop {
            while bytes.get(self.pos).copied().is_some_and(is_space) {
                self.pos += 1;
            }
            if !self.text[self.pos..].starts_with("/*") {
                break;
            }
            let start = self.pos;
            let Some(length) = self.text[start + 2..].find("*/") else {
                return Err(error(start, "this comment is never closed with `*/`"));
            };
            self.pos = start + 2 + length + 2;
        }
        let start = self.pos;
        let Some(&first) = bytes.get(start) else {
            return Ok(Token::end_at(start));
        };
        if !infix && first == b'/' {
            let (kind, end) = self.regex(start)?;
            return Ok(self.token(kind, start, end));
        }
        if let Some(op) = DOUBLE
            .iter()
            .find(|op| self.text[start..].starts_with(**op))
        {
            return Ok(self.token(Kind::Operator(op), start, start + 2));
        }
        if let Some(op) = single(first) {
            if op == "!" || op == "~" {
                return Err(error(start, format!("unknown operator `{op}`")));
            }
            return Ok(self.token(Kind::Operator(op), start, start + 1));
        }
        if first == b'"' || first == b'\'' {
            let (value, end) = self.string(start, first)?;
            return Ok(self.token(Kind::String(value), start, end));
        }
        if first.is_ascii_digit() {
            let (value, end) = self.number(start)?;
            return Ok(self.token(Kind::Number(value), start, end));
        }
        if first == b'`' {
            let Some(length) = self.text[start + 1..].find('`') else {
                return Err(error(start, "this name is never closed with a backtick"));
            };
            let name = self.text[start + 1..start + 1 + length].to_string();
            return Ok(self.token(Kind::Name(name), start, start + 1 + length + 1));
        }
        // A name or a variable: everything up to whitespace or an operator character.
        let end = self.text[start..]
            .bytes()
            .position(|b| is_space(b) || single(b).is_some())
            .map_or(self.text.len(), |length| start + length);
        let word = &self.text[start..end];
        let kind = match word.strip_prefix('$') {
            Some(name) => Kind::Variable(name.to_string()),
            None => match word {
                "and" => Kind::Operator("and"),
                "or" => Kind::Operator("or"),
                "in" => Kind::Operator("in"),
                "true" => Kind::Bool(true),
                "false" => Kind::Bool(false),
                "null" => Kind::Null,
                _ => Kind::Name(word.to_string()),
            },
        };
        Ok(self.token(kind, start, end))
    }

    fn token(&mut self, kind: Kind, start: usize, end: usize) -> Token {
        self.pos = end;
        Token { kind, start, end }
    }

    /// A string literal from its opening quote: its value and where it ends.
    fn string(&self, start: usize, quote: u8) -> Result<(String, usize), Fail> {
        let text = self.text;
        let mut value = String::new();
        let mut i = start + 1;
        loop {
            let Some(c) = text[i..].chars().next() else {
                return Err(error(
                    start,
                    "string literal must be terminated by a matching quote",
                ));
            };
            if c != '\\' {
                if c as u32 == u32::from(quote) {
                    return Ok((value, i + 1));
                }
                value.push(c);
                i += c.len_utf8();
                continue;
            }
            let decoded = match text.as_bytes().get(i + 1) {
                Some(b'"') => '"',
                Some(b'\\') => '\\',
                Some(b'/') => '/',
                Some(b'b') => '\u{8}',
                Some(b'f') => '\u{c}',
                Some(b'n') => '\n',
                Some(b'r') => '\r',
                Some(b't') => '\t',
                Some(b'u') => {
                    let Some(unit) = utf16_unit(text, i + 2) else {
                        return Err(error(
                            i,
                            "`\\u` must be followed by four hexadecimal digits",
                        ));
                    };
                    i += 6;
                    // `\ud83d\ude00` is one character, written as its two UTF-16 halves.
                    if (0xD800..=0xDBFF).contains(&unit) && text[i..].starts_with("\\u") {
                        if let Some(low @ 0xDC00..=0xDFFF) = utf16_unit(text, i + 2) {
                            let code = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00);
                            value.push(char::from_u32(code).unwrap_or(char::REPLACEMENT_CHARACTER));
                            i += 6;
                            continue;
                        }
                    }
                    // A lone surrogate: JavaScript strings keep it, Rust strings cannot.
                    value.push(char::from_u32(unit).unwrap_or(char::REPLACEMENT_CHARACTER));
                    continue;
                }
                _ => {
                    let sequence = text[i..].chars().take(2).collect::<String>();
                    return Err(error(
                        i,
                        format!("unsupported escape sequence `{sequence}` in a string"),
                    ));
                }
            };
            value.push(decoded);
            i += 2;
        }
    }

    /// A number as JSON writes it (no sign: `-` is an operator): its value and where it ends.
    fn number(&self, start: usize) -> Result<(f64, usize), Fail> {
        let bytes = self.text.as_bytes();
        let digits = |from: usize| {
            bytes[from..]
                .iter()
                .position(|b| !b.is_ascii_digit())
                .map_or(bytes.len(), |n| from + n)
        };
        // `0` stands alone: `012` is the number 0 followed by the number 12.
        let mut i = if bytes[start] == b'0' {
            start + 1
        } else {
            digits(start)
        };
        if bytes.get(i) == Some(&b'.') && bytes.get(i + 1).is_some_and(u8::is_ascii_digit) {
            i = digits(i + 1);
        }
        if matches!(bytes.get(i), Some(b'e' | b'E')) {
            let mut j = i + 1;
            if matches!(bytes.get(j), Some(b'+' | b'-')) {
                j += 1;
            }
            if bytes.get(j).is_some_and(u8::is_ascii_digit) {
                i = digits(j);
            }
        }
        let literal = &self.text[start..i];
        match literal.parse::<f64>() {
            Ok(value) if value.is_finite() => Ok((value, i)),
            _ => Err(error(start, format!("number out of range: {literal}"))),
        }
    }

    /// A regular expression from its opening `/`, and where it ends. Like jsonata-js, a `/`
    /// closes it only outside brackets of any kind and when not escaped.
    fn regex(&self, start: usize) -> Result<(Kind, usize), Fail> {
        let bytes = self.text.as_bytes();
        let mut depth: i64 = 0;
        let mut i = start + 1;
        loop {
            let Some(&b) = bytes.get(i) else {
                return Err(error(start, "no terminating / in regular expression"));
            };
            let escaped = i > start + 1 && bytes[i - 1] == b'\\';
            if b == b'/' && depth == 0 {
                let backslashes = bytes[start + 1..i]
                    .iter()
                    .rev()
                    .take_while(|&&c| c == b'\\')
                    .count();
                if backslashes % 2 == 0 {
                    break;
                }
            }
            match b {
                b'(' | b'[' | b'{' if !escaped => depth += 1,
                b')' | b']' | b'}' if !escaped => depth -= 1,
                _ => {}
            }
            i += 1;
        }
        if i == start + 1 {
            return Err(error(start, "empty regular expression"));
        }
        let pattern = self.text[start + 1..i].to_string();
        let flags_end = bytes[i + 1..]
            .iter()
            .position(|b| !matches!(b, b'i' | b'm'))
            .map_or(bytes.len(), |n| i + 1 + n);
        let flags = &self.text[i + 1..flags_end];
        let kind = Kind::Regex {
            pattern,
            ignore_case: flags.contains('i'),
            multiline: flags.contains('m'),
        };
        Ok((kind, flags_end))
    }
}
