//! Regular expressions of `like /…/`, `=~` and `parse`, and `parse`'s glob patterns, compiled
//! once per query, with a literal prefilter that makes them cheap over a million lines.
//!
//! regex-lite has no literal optimisations of its own, so a pattern that begins with literal
//! text (`"error":"(?<error>[^"]+)"`) is searched with `str::find` for that text first and
//! matched, anchored, only where it occurs; a pattern that is all literal text (`/Failed/`) is
//! a substring search; and the commonest `parse` shape, literal text, one group of a negated
//! single character, then literal text starting with that character (`"error":"(?<e>[^"]+)"`),
//! is matched without the regex engine at all.

use regex_lite::{CaptureLocations, Regex, RegexBuilder};

/// Bounds on a compiled pattern, so that a pasted pattern costs little memory and time.
const REGEX_SIZE_LIMIT: usize = 1 << 20;
const REGEX_NEST_LIMIT: u32 = 64;

#[derive(Debug, Clone)]
pub(crate) struct Pattern {
    regex: Regex,
    /// The literal text every match starts with, and the pattern anchored at its start.
    prefilter: Option<(String, Regex)>,
    /// The whole pattern when it is literal text.
    literal: Option<String>,
    /// The pattern when it has the shape `SimpleCapture` matches exactly.
    simple: Option<SimpleCapture>,
    /// For each field the pattern fills, in order, its capture group's index.
    pub group_indexes: Vec<usize>,
    /// The names the query gave those fields (regex-lite allows fewer characters in group
    /// names than Insights does, `@user`, so groups are renamed `g0`, `g1`, … inside).
    pub group_names: Vec<String>,
}

fn build(pattern: &str) -> Result<Regex, String> {
    RegexBuilder::new(pattern)
        .size_limit(REGEX_SIZE_LIMIT)
        .nest_limit(REGEX_NEST_LIMIT)
        .build()
        .map_err(|error| {
            let text = error.to_string();
            let first_line = text
                .lines()
                .find(|line| !line.trim().is_empty())
                .unwrap_or("invalid pattern");
            format!("invalid regular expression: {}", first_line.trim())
        })
}

/// The literal text a pattern starts with, and whether that is the whole pattern. None when a
/// match need not start with literal text (a leading group, class or flag; any alternation).
fn literal_prefix(pattern: &str) -> Option<(String, bool)> {
    if pattern.contains('|') {
        return None;
    }
    let mut prefix = String::new();
    let mut characters = pattern.chars().peekable();
    while let Some(&character) = characters.peek() {
        let literal = match character {
            '\\' => {
                characters.next();
                match characters.peek() {
                    // `\.`, `\"`: an escaped punctuation character is itself.
                    Some(&escaped) if !escaped.is_alphanumeric() && !escaped.is_whitespace() => {
                        escaped
                    }
                    _ => break,
                }
            }
            '.' | '+' | '*' | '?' | '(' | ')' | '[' | ']' | '{' | '}' | '^' | '$' => break,
            // Whitespace is literal here: `(?x)` needs a `(`, which ends the prefix, and flags
            // apply only after they are set.
            other => other,
        };
        characters.next();
        prefix.push(literal);
    }
    let complete = characters.peek().is_none();
    if !complete && matches!(characters.peek(), Some('?' | '*' | '{')) {
        // The last literal character may be repeated zero times.
        prefix.pop();
    }
    if prefix.is_empty() {
        None
    } else {
        Some((prefix, complete))
    }
}

/// Renames every named group `(?<name>…)` / `(?P<name>…)` to `(?P<gN>…)`, returning the
/// pattern and the names in order.
fn rename_groups(pattern: &str) -> (String, Vec<String>) {
    let characters: Vec<char> = pattern.chars().collect();
    let mut renamed = String::with_capacity(pattern.len());
    let mut names = Vec::new();
    let mut index = 0;
    let mut in_class = false;
    while index < characters.len() {
        let character = characters[index];
        if character == '\\' {
            renamed.push(character);
            if let Some(&next) = characters.get(index + 1) {
                renamed.push(next);
            }
            index += 2;
            continue;
        }
        if in_class {
            if character == ']' {
                in_class = false;
            }
            renamed.push(character);
            index += 1;
            continue;
        }
        if character == '[' {
            in_class = true;
            renamed.push(character);
            index += 1;
            // A `]` (after an optional `^`) first in a class is literal.
            if characters.get(index) == Some(&'^') {
                renamed.push('^');
                index += 1;
            }
            if characters.get(index) == Some(&']') {
                renamed.push(']');
                index += 1;
            }
            continue;
        }
        let name_start = if characters[index..].starts_with(&['(', '?', '<'])
            && !matches!(characters.get(index + 3), Some('=' | '!'))
        {
            Some(index + 3)
        } else if characters[index..].starts_with(&['(', '?', 'P', '<']) {
            Some(index + 4)
        } else {
            None
        };
        if let Some(start) = name_start {
            if let Some(length) = characters[start..].iter().position(|c| *c == '>') {
                let name: String = characters[start..start + length].iter().collect();
                if !name.is_empty() {
                    renamed.push_str(&format!("(?P<g{}>", names.len()));
                    names.push(name);
                    index = start + length + 1;
                    continue;
                }
            }
        }
        renamed.push(character);
        index += 1;
    }
    (renamed, names)
}

impl Pattern {
    /// A regular expression as the query writes it; `case_insensitive` for the `i` flag.
    pub fn regex(pattern: &str, case_insensitive: bool) -> Result<Pattern, String> {
        let (renamed, names) = rename_groups(pattern);
        let flagged = if case_insensitive {
            format!("(?i){renamed}")
        } else {
            renamed.clone()
        };
        let regex = build(&flagged)?;
        let mut group_indexes = Vec::with_capacity(names.len());
        for position in 0..names.len() {
            let wanted = format!("g{position}");
            let index = regex
                .capture_names()
                .position(|name| name == Some(wanted.as_str()));
            // Every renamed group is in the compiled regex; a miss would be a renaming bug.
            group_indexes
                .push(index.ok_or_else(|| "invalid regular expression: group names".to_string())?);
        }
        let prefix = if case_insensitive {
            None
        } else {
            literal_prefix(&renamed)
        };
        let mut pattern = Self::assemble(regex, &renamed, prefix, group_indexes, names)?;
        if !case_insensitive && pattern.group_names.len() == 1 {
            pattern.simple = SimpleCapture::recognise(&renamed);
        }
        Ok(pattern)
    }

    /// A `parse` glob: `*` captures any text (as little as possible, the last `*` of the
    /// pattern as much as possible), everything else is literal.
    pub fn glob(glob: &str, names: Vec<String>) -> Result<Pattern, String> {
        let pieces: Vec<&str> = glob.split('*').collect();
        let mut regex_text = String::new();
        for (position, piece) in pieces.iter().enumerate() {
            regex_text.push_str(&regex_lite::escape(piece));
            if position + 1 < pieces.len() {
                let last = position + 2 == pieces.len() && pieces[position + 1].is_empty();
                regex_text.push_str(if last { "((?s:.*))" } else { "((?s:.*?))" });
            }
        }
        let regex = build(&regex_text)?;
        let group_indexes = (1..pieces.len()).collect();
        let prefix = literal_prefix(&regex_text);
        Self::assemble(regex, &regex_text, prefix, group_indexes, names)
    }

    fn assemble(
        regex: Regex,
        pattern: &str,
        prefix: Option<(String, bool)>,
        group_indexes: Vec<usize>,
        group_names: Vec<String>,
    ) -> Result<Pattern, String> {
        let (prefilter, literal) = match prefix {
            Some((text, true)) => (None, Some(text)),
            Some((text, false)) => (Some((text, build(&format!("^(?:{pattern})"))?)), None),
            None => (None, None),
        };
        Ok(Pattern {
            regex,
            prefilter,
            literal,
            simple: None,
            group_indexes,
            group_names,
        })
    }

    pub fn is_match(&self, haystack: &str) -> bool {
        if let Some(simple) = &self.simple {
            return simple.find(haystack).is_some();
        }
        if let Some(literal) = &self.literal {
            return haystack.contains(literal.as_str());
        }
        if let Some((prefix, anchored)) = &self.prefilter {
            return self
                .candidates(prefix, haystack)
                .any(|start| anchored.is_match(&haystack[start..]));
        }
        self.regex.is_match(haystack)
    }

    pub fn capture_buffer(&self) -> CaptureBuffer {
        CaptureBuffer {
            locations: self.regex.capture_locations(),
            spans: vec![None; self.group_indexes.len()],
        }
    }

    /// Finds the leftmost match; on a match fills `buffer.spans` with each field's byte range
    /// in `haystack` (None for a group that took no part).
    pub fn captures(&self, haystack: &str, buffer: &mut CaptureBuffer) -> bool {
        if let Some(simple) = &self.simple {
            let Some(span) = simple.find(haystack) else {
                return false;
            };
            buffer.spans[0] = Some(span);
            return true;
        }
        let offset = if let Some((prefix, anchored)) = &self.prefilter {
            // Every match starts with the prefix, so the first place where the anchored pattern
            // matches is the leftmost match, and the same match the whole regex would find.
            let locations = &mut buffer.locations;
            self.candidates(prefix, haystack).find(|start| {
                anchored
                    .captures_read(locations, &haystack[*start..])
                    .is_some()
            })
        } else {
            self.regex
                .captures_read(&mut buffer.locations, haystack)
                .map(|_| 0)
        };
        let Some(offset) = offset else { return false };
        for (span, group) in buffer.spans.iter_mut().zip(&self.group_indexes) {
            *span = buffer
                .locations
                .get(*group)
                .map(|(start, end)| (offset + start, offset + end));
        }
        true
    }

    fn candidates<'h>(
        &self,
        prefix: &'h str,
        haystack: &'h str,
    ) -> impl Iterator<Item = usize> + 'h {
        let step = prefix.chars().next().map_or(1, char::len_utf8);
        let mut from = 0;
        std::iter::from_fn(move || {
            let found = from + haystack.get(from..)?.find(prefix)?;
            from = found + step;
            Some(found)
        })
    }
}

/// Where a pattern writes its captures; one per `parse` command, reused from row to row.
pub(crate) struct CaptureBuffer {
    locations: CaptureLocations,
    pub spans: Vec<Option<(usize, usize)>>,
}

/// `prefix(?<name>[^c]+)suffix` (or `[^c]*`) where both are literal text and the suffix is
/// empty or starts with `c`. The group can only end at the first `c` after the prefix (or the
/// end of the text), so the regex's match from an occurrence of the prefix is that run — when
/// the suffix follows it — and no other.
#[derive(Debug, Clone)]
struct SimpleCapture {
    prefix: String,
    excluded: char,
    at_least_one: bool,
    suffix: String,
}

impl SimpleCapture {
    fn recognise(pattern: &str) -> Option<SimpleCapture> {
        let open = pattern.find("(?P<g0>[^")?;
        let (prefix, complete) = literal_prefix(&pattern[..open])?;
        if !complete {
            return None;
        }
        let mut rest = pattern[open + "(?P<g0>[^".len()..].chars();
        let excluded = match rest.next()? {
            '\\' => rest
                .next()
                .filter(|escaped| !escaped.is_alphanumeric() && !escaped.is_whitespace())?,
            ']' | '^' | '-' | '[' => return None,
            other => other,
        };
        if rest.next()? != ']' {
            return None;
        }
        let at_least_one = match rest.next()? {
            '+' => true,
            '*' => false,
            _ => return None,
        };
        if rest.next()? != ')' {
            return None;
        }
        let suffix_pattern = rest.as_str();
        let suffix = if suffix_pattern.is_empty() {
            String::new()
        } else {
            match literal_prefix(suffix_pattern)? {
                (suffix, true) if suffix.starts_with(excluded) => suffix,
                _ => return None,
            }
        };
        Some(SimpleCapture {
            prefix,
            excluded,
            at_least_one,
            suffix,
        })
    }

    fn find(&self, haystack: &str) -> Option<(usize, usize)> {
        let step = self.prefix.chars().next().map_or(1, char::len_utf8);
        let mut from = 0;
        loop {
            let found = from + haystack.get(from..)?.find(self.prefix.as_str())?;
            let start = found + self.prefix.len();
            let end = haystack[start..]
                .find(self.excluded)
                .map_or(haystack.len(), |offset| start + offset);
            if (end > start || !self.at_least_one)
                && haystack[end..].starts_with(self.suffix.as_str())
            {
                return Some((start, end));
            }
            from = found + step;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn first_capture(pattern: &Pattern, haystack: &str) -> Option<Vec<Option<String>>> {
        let mut buffer = pattern.capture_buffer();
        if !pattern.captures(haystack, &mut buffer) {
            return None;
        }
        Some(
            buffer
                .spans
                .iter()
                .map(|span| span.map(|(start, end)| haystack[start..end].to_string()))
                .collect(),
        )
    }

    #[test]
    fn prefixes_are_found_only_where_a_match_must_start() {
        assert_eq!(
            literal_prefix(r#""error":"(?P<g0>[^"]+)""#),
            Some((r#""error":""#.into(), false))
        );
        assert_eq!(literal_prefix("Failed"), Some(("Failed".into(), true)));
        assert_eq!(literal_prefix(r"a\.b"), Some(("a.b".into(), true)));
        assert_eq!(literal_prefix("abc?d"), Some(("ab".into(), false)));
        assert_eq!(literal_prefix("a|b"), None);
        assert_eq!(literal_prefix("(?i)a"), None);
        assert_eq!(literal_prefix("a b"), Some(("a b".into(), true)));
        assert_eq!(literal_prefix(r"\d+"), None);
    }

    #[test]
    fn prefiltered_and_simple_matches_equal_the_plain_regex() {
        let haystacks = [
            r#"{"error":"States.Timeout","x":1}"#,
            r#"x "error":"" "error":"B""#,
            r#""error":"unclosed"#,
            "a\u{e9}xb\" a\u{e9}yy\"z",
            "no match",
            "",
        ];
        let sources = [
            r#""error":"(?<error>[^"]+)""#,
            r#""error":"(?<error>[^"]*)""#,
            "ab+c",
            "b?c",
            r"o\b",
            r#"aé(?<v>[^"]+)"z"#,
            r#"(?<v>[^"]+)""#,
            r#""error":"(?<e>[^"]+)"x"#,
        ];
        for source in sources {
            let pattern = Pattern::regex(source, false).unwrap();
            let plain = Regex::new(&rename_groups(source).0).unwrap();
            for haystack in haystacks {
                assert_eq!(
                    pattern.is_match(haystack),
                    plain.is_match(haystack),
                    "{source} on {haystack}"
                );
                let theirs = plain.captures(haystack).map(|captures| {
                    (1..captures.len())
                        .map(|group| captures.get(group).map(|m| m.as_str().to_string()))
                        .collect()
                });
                assert_eq!(
                    first_capture(&pattern, haystack),
                    theirs,
                    "{source} on {haystack}"
                );
            }
        }
        assert!(Pattern::regex(r#""error":"(?<error>[^"]+)""#, false)
            .unwrap()
            .simple
            .is_some());
        assert!(Pattern::regex(r#""e":"(?<e>[^"]+)"x"#, false)
            .unwrap()
            .simple
            .is_some());
        assert!(
            Pattern::regex(r#"e(?<e>[^"]+)x"#, false)
                .unwrap()
                .simple
                .is_none(),
            "x may end the group early"
        );
    }

    #[test]
    fn group_names_may_hold_what_insights_allows() {
        let pattern = Pattern::regex(r"id=(?<@transId>\w+) (?P<b>\d) [(?<x>)]", false).unwrap();
        assert_eq!(pattern.group_names, ["@transId", "b"]);
        // Inside a class `(?<x>)` is six literal characters, not a group.
        assert_eq!(
            first_capture(&pattern, "id=abc 7 x"),
            Some(vec![Some("abc".into()), Some("7".into())])
        );
        assert_eq!(first_capture(&pattern, "id=abc 7 y"), None);
    }

    #[test]
    fn globs_capture_lazily_but_the_last_star_takes_the_rest() {
        let glob = Pattern::glob("* [*] *", vec!["a".into(), "b".into(), "c".into()]).unwrap();
        assert_eq!(
            first_capture(&glob, "2024-01-01 [ERROR] it [broke] badly"),
            Some(vec![
                Some("2024-01-01".into()),
                Some("ERROR".into()),
                Some("it [broke] badly".into())
            ])
        );
        let literal_first =
            Pattern::glob("user=*, method:*", vec!["u".into(), "m".into()]).unwrap();
        assert_eq!(
            first_capture(&literal_first, "x user=ann, method:GET\nnext"),
            Some(vec![Some("ann".into()), Some("GET\nnext".into())])
        );
    }
}
