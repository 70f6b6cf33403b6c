//! Field discovery in a JSON `@message`, as Insights flattens it: nested keys joined with `.`
//! (`details.error`), array elements by index (`items.0.id`), at most 200 fields per event.
//!
//! A small scanner rather than `serde_json::Value`: it reads the message once, keeps only the
//! fields the query names, and borrows strings without escapes from the message, so that a
//! query over a million lines builds no JSON tree and copies no text it does not need.

use std::borrow::Cow;
use std::fmt::Write;

use crate::value::Value;

/// Insights discovers at most 200 fields in a JSON event (CWL_QuerySyntax-Parse: "You can only
/// parse JSON log events that include no more than 200 log event fields"); the first 200
/// leaves in the order the message writes them are discovered, later ones are not.
pub(crate) const MAX_DISCOVERED_FIELDS: usize = 200;

/// Deeper messages are read as not JSON: a bound keeps the recursive scanner's stack small
/// whatever a log line holds.
const MAX_DEPTH: usize = 64;

/// The names a query may discover, prepared once per query: every wanted name and each of its
/// ancestors (`item` for `item.index`), sorted, with a small filter that turns most keys of a
/// message away before any string comparison.
#[derive(Debug, Clone, Default)]
pub(crate) struct Discovery {
    /// (path, the slot when a wanted name is the path itself, whether a wanted name lies below).
    paths: Vec<(String, Option<usize>, bool)>,
    /// One bit per hash of (length, first byte, last byte) of each path.
    filter: Vec<u64>,
}

const FILTER_BITS: usize = 4096;

fn filter_bit(path: &str) -> usize {
    let bytes = path.as_bytes();
    filter_bit_of(
        bytes.len(),
        bytes.first().copied().unwrap_or(0),
        bytes.last().copied().unwrap_or(0),
    )
}

fn filter_bit_of(length: usize, first: u8, last: u8) -> usize {
    (length.wrapping_mul(131)
        ^ usize::from(first).wrapping_mul(31)
        ^ usize::from(last).wrapping_mul(7919))
        % FILTER_BITS
}

impl Discovery {
    pub fn new(wanted: &[(String, usize)]) -> Discovery {
        let mut paths: Vec<(String, Option<usize>, bool)> = Vec::new();
        for (name, slot) in wanted {
            paths.push((name.clone(), Some(*slot), false));
            for (position, _) in name.match_indices('.') {
                paths.push((name[..position].to_string(), None, true));
            }
        }
        paths.sort_by(|left, right| left.0.cmp(&right.0));
        // Merge the entries of one path: a name can be both wanted and an ancestor.
        let mut merged: Vec<(String, Option<usize>, bool)> = Vec::with_capacity(paths.len());
        for (path, slot, prefix) in paths {
            match merged.last_mut() {
                Some(last) if last.0 == path => {
                    last.1 = last.1.or(slot);
                    last.2 |= prefix;
                }
                _ => merged.push((path, slot, prefix)),
            }
        }
        let mut filter = vec![0u64; FILTER_BITS / 64];
        for (path, _, _) in &merged {
            let bit = filter_bit(path);
            filter[bit / 64] |= 1 << (bit % 64);
        }
        Discovery {
            paths: merged,
            filter,
        }
    }

    fn is_empty(&self) -> bool {
        self.paths.is_empty()
    }

    /// Whether a path of this length, first and last byte may be wanted: false for most keys,
    /// before the path is even built.
    fn may_want(&self, length: usize, first: u8, last: u8) -> bool {
        let bit = filter_bit_of(length, first, last);
        self.filter
            .get(bit / 64)
            .is_some_and(|word| word & (1 << (bit % 64)) != 0)
    }

    fn interest(&self, path: &str) -> Interest {
        let nothing = Interest {
            exact: None,
            prefix: false,
        };
        match self
            .paths
            .binary_search_by(|(known, _, _)| known.as_str().cmp(path))
        {
            Ok(found) => Interest {
                exact: self.paths[found].1,
                prefix: self.paths[found].2,
            },
            Err(_) => nothing,
        }
    }

    /// The slots discovery may fill, to clear them when a message turns out not to be JSON.
    fn slots(&self) -> impl Iterator<Item = usize> + '_ {
        self.paths.iter().filter_map(|(_, slot, _)| *slot)
    }
}

/// Fills `values[slot]` for each leaf of the JSON object `message` whose flattened name is in
/// `wanted` (sorted by name) and whose slot is not `assigned` already. A message that is not a
/// JSON object — or not valid JSON — has no discovered fields: what was filled is cleared.
pub(crate) fn discover<'m>(
    message: &'m str,
    discovery: &Discovery,
    assigned: &[bool],
    path: &mut String,
    values: &mut [Option<Value<'m>>],
) {
    let trimmed_start = message.len() - message.trim_start().len();
    if !message[trimmed_start..].starts_with('{') {
        return;
    }
    path.clear();
    let mut scanner = Scanner {
        text: message,
        index: trimmed_start,
        leaves: 0,
        discovery,
        assigned,
        path,
        values,
    };
    let root = Interest {
        exact: None,
        prefix: !discovery.is_empty(),
    };
    let valid = scanner.value(0, root).is_ok() && {
        scanner.skip_whitespace();
        scanner.index == message.len()
    };
    if !valid {
        for slot in discovery.slots() {
            if !assigned[slot] {
                values[slot] = None;
            }
        }
    }
}

struct Invalid;

/// Where a value lies relative to the wanted names: a wanted leaf itself (`exact`), and/or an
/// ancestor of one (`prefix`), or neither — then it is only checked and counted, not recorded.
#[derive(Clone, Copy)]
struct Interest {
    exact: Option<usize>,
    prefix: bool,
}

/// The first byte at or after `from` that ends a run of plain string characters — a quote, a
/// backslash or a control character — read eight bytes at a time.
fn string_end(bytes: &[u8], mut from: usize) -> Option<usize> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    while let Some(chunk) = bytes.get(from..from + 8) {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        let word = u64::from_le_bytes(word);
        let quote = word ^ (ONES * u64::from(b'"'));
        let backslash = word ^ (ONES * u64::from(b'\\'));
        // A byte is flagged when it is zero (after the xor) or below 0x20; the lowest flagged
        // byte is always a true one, which is all this needs.
        let flags = (quote.wrapping_sub(ONES) & !quote
            | backslash.wrapping_sub(ONES) & !backslash
            | word.wrapping_sub(ONES * 0x20) & !word)
            & HIGHS;
        if flags != 0 {
            return Some(from + (flags.trailing_zeros() / 8) as usize);
        }
        from += 8;
    }
    bytes[from.min(bytes.len())..]
        .iter()
        .position(|byte| matches!(byte, b'"' | b'\\') || *byte < 0x20)
        .map(|offset| from + offset)
}

struct Scanner<'m, 'w> {
    text: &'m str,
    index: usize,
    leaves: usize,
    discovery: &'w Discovery,
    assigned: &'w [bool],
    path: &'w mut String,
    values: &'w mut [Option<Value<'m>>],
}

impl<'m> Scanner<'m, '_> {
    fn byte(&self) -> Option<u8> {
        self.text.as_bytes().get(self.index).copied()
    }

    fn skip_whitespace(&mut self) {
        while matches!(self.byte(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.index += 1;
        }
    }

    fn expect(&mut self, byte: u8) -> Result<(), Invalid> {
        self.skip_whitespace();
        if self.byte() == Some(byte) {
            self.index += 1;
            Ok(())
        } else {
            Err(Invalid)
        }
    }

    fn interest(&self) -> Interest {
        self.discovery.interest(self.path)
    }

    fn leaf(&mut self, interest: Interest, value: impl FnOnce() -> Option<Value<'m>>) {
        self.leaves += 1;
        if self.leaves > MAX_DISCOVERED_FIELDS {
            return;
        }
        if let Some(slot) = interest.exact {
            if !self.assigned[slot] {
                self.values[slot] = value();
            }
        }
    }

    fn value(&mut self, depth: usize, interest: Interest) -> Result<(), Invalid> {
        if depth > MAX_DEPTH {
            return Err(Invalid);
        }
        self.skip_whitespace();
        match self.byte() {
            Some(b'{') => self.object(depth, interest.prefix),
            Some(b'[') => self.array(depth, interest.prefix),
            Some(b'"') => {
                if interest.exact.is_some() && self.leaves < MAX_DISCOVERED_FIELDS {
                    let text = self.string()?;
                    self.leaf(interest, || Some(Value::Text(text)));
                } else {
                    self.skip_string()?;
                    self.leaf(interest, || None);
                }
                Ok(())
            }
            Some(b't') => self.word("true", interest, Some(Value::Text(Cow::Borrowed("true")))),
            Some(b'f') => self.word("false", interest, Some(Value::Text(Cow::Borrowed("false")))),
            // A null is a leaf with no value: the field is not there.
            Some(b'n') => self.word("null", interest, None),
            Some(b'-' | b'0'..=b'9') => {
                let number = self.number()?;
                self.leaf(interest, || Some(Value::Number(Cow::Borrowed(number))));
                Ok(())
            }
            _ => Err(Invalid),
        }
    }

    fn word(
        &mut self,
        word: &str,
        interest: Interest,
        value: Option<Value<'m>>,
    ) -> Result<(), Invalid> {
        if self.text[self.index..].starts_with(word) {
            self.index += word.len();
            self.leaf(interest, || value);
            Ok(())
        } else {
            Err(Invalid)
        }
    }

    /// An object at the cursor; `descend` when a wanted name lies inside it (otherwise its
    /// members are only checked and counted).
    fn object(&mut self, depth: usize, descend: bool) -> Result<(), Invalid> {
        self.index += 1;
        self.skip_whitespace();
        if self.byte() == Some(b'}') {
            self.index += 1;
            return Ok(());
        }
        let parent_length = self.path.len();
        let nothing = Interest {
            exact: None,
            prefix: false,
        };
        loop {
            self.skip_whitespace();
            if self.byte() != Some(b'"') {
                return Err(Invalid);
            }
            let interest = if descend {
                let key = self.string()?;
                // The path would be `parent.key` (`key` at the top): its length, first and last
                // byte are known without building it, and turn most keys away.
                let key_bytes = key.as_bytes();
                let (length, first) = match self.path.as_bytes().first() {
                    Some(first) => (parent_length + 1 + key_bytes.len(), *first),
                    None => (key_bytes.len(), key_bytes.first().copied().unwrap_or(0)),
                };
                let last = match key_bytes.last() {
                    Some(last) => *last,
                    None if parent_length > 0 => b'.',
                    None => 0,
                };
                if self.discovery.may_want(length, first, last) {
                    if parent_length > 0 {
                        self.path.push('.');
                    }
                    self.path.push_str(&key);
                    self.interest()
                } else {
                    nothing
                }
            } else {
                self.skip_string()?;
                nothing
            };
            self.expect(b':')?;
            self.value(depth + 1, interest)?;
            self.path.truncate(parent_length);
            self.skip_whitespace();
            match self.byte() {
                Some(b',') => self.index += 1,
                Some(b'}') => {
                    self.index += 1;
                    return Ok(());
                }
                _ => return Err(Invalid),
            }
        }
    }

    fn array(&mut self, depth: usize, descend: bool) -> Result<(), Invalid> {
        self.index += 1;
        self.skip_whitespace();
        if self.byte() == Some(b']') {
            self.index += 1;
            return Ok(());
        }
        let parent_length = self.path.len();
        let mut element = 0usize;
        loop {
            let interest = if descend {
                if parent_length > 0 {
                    self.path.push('.');
                }
                // Writing to a String cannot fail.
                let _ = write!(self.path, "{element}");
                self.interest()
            } else {
                Interest {
                    exact: None,
                    prefix: false,
                }
            };
            self.value(depth + 1, interest)?;
            self.path.truncate(parent_length);
            element += 1;
            self.skip_whitespace();
            match self.byte() {
                Some(b',') => self.index += 1,
                Some(b']') => {
                    self.index += 1;
                    return Ok(());
                }
                _ => return Err(Invalid),
            }
        }
    }

    fn number(&mut self) -> Result<&'m str, Invalid> {
        let start = self.index;
        while matches!(
            self.byte(),
            Some(b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9')
        ) {
            self.index += 1;
        }
        let number = &self.text[start..self.index];
        if crate::value::parse_number(number).is_some() {
            Ok(number)
        } else {
            Err(Invalid)
        }
    }

    /// Checks the string at the cursor (on its opening quote) and moves past it.
    fn skip_string(&mut self) -> Result<(), Invalid> {
        self.index += 1;
        let bytes = self.text.as_bytes();
        loop {
            let end = string_end(bytes, self.index).ok_or(Invalid)?;
            match bytes[end] {
                b'"' => {
                    self.index = end + 1;
                    return Ok(());
                }
                b'\\' => {
                    self.index = end;
                    self.escape(&mut None)?;
                }
                _ => return Err(Invalid),
            }
        }
    }

    /// A string at the cursor (on its opening quote): borrowed when it has no escapes.
    fn string(&mut self) -> Result<Cow<'m, str>, Invalid> {
        self.index += 1;
        let start = self.index;
        let bytes = self.text.as_bytes();
        let end = string_end(bytes, self.index).ok_or(Invalid)?;
        match bytes[end] {
            b'"' => {
                self.index = end + 1;
                return Ok(Cow::Borrowed(&self.text[start..end]));
            }
            b'\\' => self.index = end,
            _ => return Err(Invalid),
        }
        let mut text = Some(String::from(&self.text[start..end]));
        loop {
            self.escape(&mut text)?;
            let run_start = self.index;
            let end = string_end(bytes, self.index).ok_or(Invalid)?;
            if let Some(text) = text.as_mut() {
                text.push_str(&self.text[run_start..end]);
            }
            self.index = end;
            match bytes[end] {
                b'"' => {
                    self.index = end + 1;
                    return Ok(Cow::Owned(text.unwrap_or_default()));
                }
                b'\\' => {}
                _ => return Err(Invalid),
            }
        }
    }

    /// The escape at the cursor (on its backslash), appended to `text` when there is one.
    fn escape(&mut self, text: &mut Option<String>) -> Result<(), Invalid> {
        let escaped = self
            .text
            .as_bytes()
            .get(self.index + 1)
            .copied()
            .ok_or(Invalid)?;
        self.index += 2;
        let character = match escaped {
            b'"' => '"',
            b'\\' => '\\',
            b'/' => '/',
            b'b' => '\u{8}',
            b'f' => '\u{c}',
            b'n' => '\n',
            b'r' => '\r',
            b't' => '\t',
            b'u' => self.unicode_escape()?,
            _ => return Err(Invalid),
        };
        if let Some(text) = text.as_mut() {
            text.push(character);
        }
        Ok(())
    }

    fn hex4(&mut self) -> Result<u32, Invalid> {
        let digits = self.text.get(self.index..self.index + 4).ok_or(Invalid)?;
        if !digits.bytes().all(|byte| byte.is_ascii_hexdigit()) {
            return Err(Invalid);
        }
        let code = u32::from_str_radix(digits, 16).map_err(|_| Invalid)?;
        self.index += 4;
        Ok(code)
    }

    /// The character of a `\uXXXX` escape (the cursor after `\u`), joining surrogate pairs.
    fn unicode_escape(&mut self) -> Result<char, Invalid> {
        let first = self.hex4()?;
        let code = if (0xD800..0xDC00).contains(&first) {
            if !self.text[self.index..].starts_with("\\u") {
                return Err(Invalid);
            }
            self.index += 2;
            let second = self.hex4()?;
            if !(0xDC00..0xE000).contains(&second) {
                return Err(Invalid);
            }
            0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00)
        } else {
            first
        };
        char::from_u32(code).ok_or(Invalid)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(message: &str, names: &[&str]) -> Vec<Option<String>> {
        let wanted: Vec<(String, usize)> = names
            .iter()
            .enumerate()
            .map(|(slot, name)| ((*name).to_string(), slot))
            .collect();
        let discovery = Discovery::new(&wanted);
        let assigned = vec![false; names.len()];
        let mut values = vec![None; names.len()];
        let mut path = String::new();
        discover(message, &discovery, &assigned, &mut path, &mut values);
        values
            .into_iter()
            .map(|value| value.map(|value| value.text().into_owned()))
            .collect()
    }

    #[test]
    fn nested_keys_and_arrays_flatten_with_dots() {
        let message =
            r#" {"a": {"b": [10, {"c": "x\"y\u00e9"}], "d": null}, "e": true, "f": -1.5e3} "#;
        assert_eq!(
            fields(message, &["a.b.0", "a.b.1.c", "a.d", "e", "f", "a", "a.b"]),
            [
                Some("10".into()),
                Some("x\"y\u{e9}".into()),
                None,
                Some("true".into()),
                Some("-1.5e3".into()),
                None,
                None
            ]
        );
    }

    #[test]
    fn invalid_or_non_object_messages_have_no_fields() {
        for message in [
            r#"{"a": 1"#,
            r#"{"a": 1} x"#,
            r#"[{"a": 1}]"#,
            "a=1",
            r#"{"a": 01x}"#,
            r#"{"a": "\q"}"#,
        ] {
            assert_eq!(fields(message, &["a", "0.a"]), [None, None], "{message}");
        }
    }

    #[test]
    fn only_the_first_two_hundred_leaves_are_discovered() {
        let body: Vec<String> = (0..250)
            .map(|index| format!("\"k{index}\": {index}"))
            .collect();
        let message = format!("{{{}}}", body.join(", "));
        assert_eq!(
            fields(&message, &["k199", "k200"]),
            [Some("199".into()), None]
        );
    }

    #[test]
    fn skipped_subtrees_are_still_checked() {
        let message = r#"{"skip": {"a": "q\"\u00e9\\", "b": [1, "x"]}, "k": "v\tw"}"#;
        assert_eq!(fields(message, &["k"]), [Some("v\tw".into())]);
        let broken = r#"{"skip": {"a": "\x"}, "k": "v"}"#;
        assert_eq!(fields(broken, &["k"]), [None]);
        let control = "{\"skip\": \"a\u{1}b\", \"k\": \"v\"}";
        assert_eq!(fields(control, &["k"]), [None]);
    }

    #[test]
    fn string_ends_are_found_in_every_position() {
        for position in 0..20 {
            for end in [b'"', b'\\', b'\n'] {
                let mut bytes = vec![b'a'; 20];
                bytes[position] = end;
                assert_eq!(string_end(&bytes, 0), Some(position));
            }
        }
        assert_eq!(string_end(b"abcdefghijk", 0), None);
        assert_eq!(
            string_end("\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\"".as_bytes(), 0),
            Some(10)
        );
    }

    #[test]
    fn deep_nesting_is_not_json() {
        let message = format!("{{\"a\": {}1{}}}", "[".repeat(100), "]".repeat(100));
        assert_eq!(fields(&message, &["a"]), [None]);
    }
}
