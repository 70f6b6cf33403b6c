//! Where each value of a definition is written in the user's text: JSON pointer → location.
//!
//! The readers record a tree of byte ranges while they parse (a [`RawTree`]); once the text the
//! user typed is known (a definition may live inside a string of a template), the ranges are
//! mapped into that text and turned into line:column [`Location`]s, giving a [`SourceMap`].
//! A tree rather than a table keyed by pointer strings keeps memory linear: a pointer is as long
//! as the keys on its path, and a table of them can grow with the square of the text.

use serde::Serialize;

use crate::diagnostic::Location;

/// A node's range: where the value is and, for an object member, where its key is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Span {
    /// The value, from its first to just past its last character.
    pub value: Location,
    /// The member's key (quotes included), when the value is an object member.
    pub key: Option<Location>,
    /// `false` when the location is the nearest sensible point rather than the value's own
    /// characters (for example a definition assembled by `Fn::Sub`, where a substituted value
    /// points at its `${…}` placeholder).
    pub exact: bool,
}

/// How the located text relates to the definition's own text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub enum Embedding {
    /// The definition is written directly in the text (plain ASL, or a template's `Definition`
    /// object): a value's range holds exactly its JSON/YAML source.
    #[default]
    Direct,
    /// The definition is the content of a string (`DefinitionString`, `Fn::Sub`, the `definition`
    /// of `describe-state-machine`): ranges point into that string, whose characters may be
    /// escaped, so replacing a range needs re-escaping.
    InString,
}

/// Locations of every value of a definition, by JSON pointer.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct SourceMap {
    nodes: Vec<Node>,
    root: Option<u32>,
    embedding: Embedding,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
struct Node {
    value: Pos,
    key: Option<Pos>,
    exact: bool,
    /// An array or object (as opposed to a scalar).
    container: bool,
    /// A YAML block scalar (`|`, `>`): its range is its content, without the indicator line.
    block_scalar: bool,
    /// Child node indices, in document order (empty for scalars).
    children: Vec<u32>,
    /// For object members: the member's name (decoded).
    name: Option<Box<str>>,
}

/// A compact location: start line/column and the byte range.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
struct Pos {
    line: u32,
    column: u32,
    start: u32,
    end: u32,
}

impl Pos {
    fn location(self) -> Location {
        Location {
            line: self.line,
            column: self.column,
            start: self.start as usize,
            end: self.end as usize,
        }
    }
}

impl SourceMap {
    /// An empty map: every lookup answers `None`.
    pub fn empty() -> SourceMap {
        SourceMap::default()
    }

    /// Whether the definition is written directly in the text or inside a string.
    pub fn embedding(&self) -> Embedding {
        self.embedding
    }

    /// The span of exactly this pointer's value, if it exists in the text.
    pub fn span(&self, pointer: &str) -> Option<Span> {
        let (node, rest) = self.walk(pointer)?;
        if !rest.is_empty() {
            return None;
        }
        Some(self.node_span(node))
    }

    /// The span of this pointer's value or, when it does not exist (a missing field, or a value
    /// made up by substitution), of its nearest existing ancestor; with the pointer that was found.
    pub fn nearest(&self, pointer: &str) -> Option<(Span, String)> {
        let (node, rest) = self.walk(pointer)?;
        let found = &pointer[..pointer.len() - rest.len()];
        Some((self.node_span(node), found.to_string()))
    }

    /// The location of this pointer's value, or of its nearest existing ancestor.
    pub fn location(&self, pointer: &str) -> Option<Location> {
        self.nearest(pointer).map(|(span, _)| span.value)
    }

    /// Where a diagnostic about this pointer belongs: the key of an object member whose value is
    /// an object or array (`"Work": {` — the line a reader looks for), the value itself otherwise;
    /// the nearest existing ancestor when the pointer does not exist.
    /// With `about_the_key` (an unknown or misplaced field, a state's name), the key is chosen
    /// whatever the value.
    pub fn diagnostic_location(&self, pointer: &str, about_the_key: bool) -> Option<Location> {
        let (node, rest) = self.walk(pointer)?;
        let n = self.nodes.get(node as usize)?;
        match n.key {
            Some(key) if n.container || (about_the_key && rest.is_empty()) => Some(key.location()),
            _ => Some(n.value.location()),
        }
    }

    /// The location of this pointer's key (for an object member), if it exists.
    pub fn key_location(&self, pointer: &str) -> Option<Location> {
        self.span(pointer).and_then(|span| span.key)
    }

    /// Whether this pointer's value is an array or object (`None` when it does not exist).
    pub fn is_container(&self, pointer: &str) -> Option<bool> {
        let (node, rest) = self.walk(pointer)?;
        if !rest.is_empty() {
            return None;
        }
        self.nodes.get(node as usize).map(|n| n.container)
    }

    /// Whether this pointer's value is a YAML block scalar (`|` or `>`).
    pub fn is_block_scalar(&self, pointer: &str) -> bool {
        match self.walk(pointer) {
            Some((node, "")) => self
                .nodes
                .get(node as usize)
                .is_some_and(|n| n.block_scalar),
            _ => false,
        }
    }

    /// The pointers of the children of this pointer's value, in document order.
    pub fn children(&self, pointer: &str) -> Vec<String> {
        let Some((node, rest)) = self.walk(pointer) else {
            return Vec::new();
        };
        if !rest.is_empty() {
            return Vec::new();
        }
        let Some(n) = self.nodes.get(node as usize) else {
            return Vec::new();
        };
        n.children
            .iter()
            .enumerate()
            .map(|(i, child)| {
                let token = match self
                    .nodes
                    .get(*child as usize)
                    .and_then(|c| c.name.as_deref())
                {
                    Some(name) => name.to_string(),
                    None => i.to_string(),
                };
                crate::diagnostic::pointer_push(pointer, &token)
            })
            .collect()
    }

    fn node_span(&self, node: u32) -> Span {
        match self.nodes.get(node as usize) {
            Some(n) => Span {
                value: n.value.location(),
                key: n.key.map(Pos::location),
                exact: n.exact,
            },
            None => Span {
                value: Location {
                    line: 1,
                    column: 1,
                    start: 0,
                    end: 0,
                },
                key: None,
                exact: false,
            },
        }
    }

    /// Follows `pointer` as far as the tree goes. Returns the deepest node reached and the part
    /// of the pointer that could not be followed (empty when the whole pointer exists).
    fn walk<'p>(&self, pointer: &'p str) -> Option<(u32, &'p str)> {
        let mut node = self.root?;
        let mut rest = pointer;
        while let Some(after_slash) = rest.strip_prefix('/') {
            let token_end = after_slash.find('/').unwrap_or(after_slash.len());
            let raw_token = &after_slash[..token_end];
            let token = unescape_token(raw_token);
            let Some(current) = self.nodes.get(node as usize) else {
                break;
            };
            let next = if current.children.is_empty() {
                None
            } else if self
                .nodes
                .get(current.children[0] as usize)
                .is_some_and(|c| c.name.is_some())
            {
                // An object: the last member of that name is the one a JSON reader keeps.
                current.children.iter().rev().copied().find(|child| {
                    self.nodes
                        .get(*child as usize)
                        .and_then(|c| c.name.as_deref())
                        == Some(token.as_str())
                })
            } else {
                token
                    .parse::<usize>()
                    .ok()
                    .filter(|_| token == "0" || !token.starts_with('0'))
                    .and_then(|i| current.children.get(i).copied())
            };
            let Some(next) = next else {
                break;
            };
            node = next;
            rest = &after_slash[token_end..];
        }
        Some((node, rest))
    }
}

fn unescape_token(token: &str) -> String {
    crate::pointer::unescape(token)
}

/// What a reader records for one value: byte ranges in the text it read.
#[derive(Debug, Clone)]
pub(crate) struct RawNode {
    pub start: usize,
    pub end: usize,
    pub key: Option<(usize, usize)>,
    pub name: Option<Box<str>>,
    pub children: Vec<u32>,
    /// How a string value was written, so a definition inside it can be located exactly.
    pub style: ScalarStyle,
}

/// How a scalar was written in the source.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ScalarStyle {
    /// An array or object (JSON), a sequence or mapping (YAML).
    Container,
    /// Not a string, or nothing special is known.
    Other,
    /// A JSON string literal (quotes included in the range).
    JsonString,
    YamlPlain,
    YamlSingleQuoted,
    YamlDoubleQuoted,
    YamlLiteral,
    YamlFolded,
}

/// The tree of byte ranges a reader produced, parallel to the `serde_json::Value` it built.
#[derive(Debug, Clone, Default)]
pub(crate) struct RawTree {
    pub nodes: Vec<RawNode>,
}

impl RawTree {
    pub fn push(&mut self, node: RawNode) -> u32 {
        let id = self.nodes.len() as u32;
        self.nodes.push(node);
        id
    }

    /// Adds a node for `start..end` as the last child of `parent` (none for a root); `key` is
    /// its key in an object or mapping (the name and the key's range).
    pub fn push_child(
        &mut self,
        parent: Option<u32>,
        (start, end): (usize, usize),
        key: Option<(String, usize, usize)>,
        style: ScalarStyle,
    ) -> u32 {
        let id = self.push(RawNode {
            start,
            end,
            key: key.as_ref().map(|(_, s, e)| (*s, *e)),
            name: key.map(|(name, _, _)| name.into_boxed_str()),
            children: Vec::new(),
            style,
        });
        if let Some(p) = parent.and_then(|p| self.nodes.get_mut(p as usize)) {
            p.children.push(id);
        }
        id
    }

    pub fn node(&self, id: u32) -> Option<&RawNode> {
        self.nodes.get(id as usize)
    }

    /// Follows a pointer from `root`; `None` unless the whole pointer exists.
    pub fn find(&self, root: u32, pointer: &str) -> Option<u32> {
        let mut node = root;
        let mut rest = pointer;
        while let Some(after_slash) = rest.strip_prefix('/') {
            let token_end = after_slash.find('/').unwrap_or(after_slash.len());
            let token = unescape_token(&after_slash[..token_end]);
            let current = self.node(node)?;
            let first = current.children.first().and_then(|c| self.node(*c));
            node = if first.is_some_and(|c| c.name.is_some()) {
                current
                    .children
                    .iter()
                    .rev()
                    .copied()
                    .find(|c| self.node(*c).and_then(|n| n.name.as_deref()) == Some(&token))?
            } else {
                let i = token.parse::<usize>().ok()?;
                *current.children.get(i)?
            };
            rest = &after_slash[token_end..];
        }
        Some(node)
    }
}

/// Maps byte offsets of a derived text (a definition assembled from a string) back to byte
/// offsets of the user's text.
#[derive(Debug, Clone, Default)]
pub(crate) struct Origin {
    /// Sorted by `out_start`, non-overlapping, covering the derived text.
    segments: Vec<Segment>,
}

#[derive(Debug, Clone, Copy)]
struct Segment {
    out_start: usize,
    out_len: usize,
    src_start: usize,
    /// When the lengths agree, offsets inside the segment map one to one; otherwise every offset
    /// maps to `src_start`.
    src_len: usize,
    exact: bool,
}

impl Origin {
    /// The identity: offsets of the derived text are offsets of the user's text.
    pub fn identity(len: usize) -> Origin {
        let mut origin = Origin::default();
        origin.push(0, len, 0, len, true);
        origin
    }

    /// Appends a segment: `out_len` bytes at `out_start` come from `src_len` bytes at `src_start`.
    pub fn push(
        &mut self,
        out_start: usize,
        out_len: usize,
        src_start: usize,
        src_len: usize,
        exact: bool,
    ) {
        if out_len == 0 {
            return;
        }
        // Merge with the previous segment when this one continues it one to one.
        if let Some(last) = self.segments.last_mut() {
            if last.exact
                && exact
                && last.out_len == last.src_len
                && out_len == src_len
                && last.out_start + last.out_len == out_start
                && last.src_start + last.src_len == src_start
            {
                last.out_len += out_len;
                last.src_len += src_len;
                return;
            }
        }
        self.segments.push(Segment {
            out_start,
            out_len,
            src_start,
            src_len,
            exact,
        });
    }

    /// Appends `len` bytes of the derived text at `out_start`, which come from `inner`'s derived
    /// offsets `inner_start..inner_start + len` (composition).
    pub fn push_from(&mut self, out_start: usize, inner: &Origin, inner_start: usize, len: usize) {
        let mut done = 0;
        while done < len {
            let at = inner_start + done;
            let Some(segment) = inner.segment_at(at) else {
                let (src, exact) = inner.map(at);
                let _ = exact;
                self.push(out_start + done, len - done, src, 0, false);
                return;
            };
            let segment_end = segment.out_start + segment.out_len;
            let take = (segment_end - at).min(len - done);
            if segment.out_len == segment.src_len {
                let src = segment.src_start + (at - segment.out_start);
                self.push(out_start + done, take, src, take, segment.exact);
            } else {
                self.push(
                    out_start + done,
                    take,
                    segment.src_start,
                    segment.src_len,
                    segment.exact,
                );
            }
            done += take;
        }
    }

    fn segment_at(&self, out: usize) -> Option<&Segment> {
        let index = self
            .segments
            .partition_point(|s| s.out_start + s.out_len <= out);
        self.segments
            .get(index)
            .filter(|s| s.out_start <= out && out < s.out_start + s.out_len)
    }

    /// The user's-text offset of a derived offset, and whether it is exact.
    pub fn map(&self, out: usize) -> (usize, bool) {
        if let Some(segment) = self.segment_at(out) {
            if segment.out_len == segment.src_len {
                return (segment.src_start + (out - segment.out_start), segment.exact);
            }
            return (segment.src_start, segment.exact && out == segment.out_start);
        }
        // Past the end: just after the last segment.
        match self.segments.last() {
            Some(last) => (last.src_start + last.src_len, last.exact),
            None => (0, false),
        }
    }

    /// Whether every byte of the derived range comes from the user's text (an escape sequence
    /// counts: it is where its character is written; a substituted value does not).
    fn is_exact(&self, start: usize, end: usize) -> bool {
        let first = self
            .segments
            .partition_point(|s| s.out_start + s.out_len <= start);
        self.segments[first.min(self.segments.len())..]
            .iter()
            .take_while(|s| s.out_start < end.max(start + 1))
            .all(|s| s.exact)
    }

    /// Maps a derived range to a range of the user's text, and says whether it is exact.
    pub fn map_range(&self, start: usize, end: usize) -> (usize, usize, bool) {
        let (src_start, _) = self.map(start);
        let exact = self.is_exact(start, end);
        let src_end = if end > start {
            let (last, _) = self.map(end - 1);
            let next = self.map(end).0;
            // `end` may fall in the next segment; take the byte after the last one instead.
            if next > last && next - last <= 4 {
                next
            } else {
                last + 1
            }
        } else {
            src_start
        };
        (src_start, src_end.max(src_start), exact)
    }
}

/// Converts byte offsets of a text to 1-based line and character column, cheaply for offsets
/// that come in increasing order (the usual case: tree order, sorted diagnostics).
pub(crate) struct Locator<'t> {
    text: &'t str,
    /// Byte offset where each line starts.
    line_starts: Vec<usize>,
    /// The last answer, to continue counting from it.
    cursor: (usize, u32, u32),
}

impl<'t> Locator<'t> {
    pub fn new(text: &'t str) -> Locator<'t> {
        let mut line_starts = vec![0];
        for (i, byte) in text.bytes().enumerate() {
            if byte == b'\n' {
                line_starts.push(i + 1);
            }
        }
        Locator {
            text,
            line_starts,
            cursor: (0, 1, 1),
        }
    }

    /// Line and column (1-based; columns count characters) of a byte offset. Offsets inside a
    /// character or past the end are moved to the nearest character boundary before them.
    pub fn line_column(&mut self, offset: usize) -> (u32, u32) {
        let mut offset = offset.min(self.text.len());
        while offset > 0 && !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line_index = self.line_starts.partition_point(|s| *s <= offset) - 1;
        let line_start = self.line_starts[line_index];
        let (cursor_offset, cursor_line, cursor_column) = self.cursor;
        let (from, mut column) =
            if cursor_line as usize == line_index + 1 && cursor_offset <= offset {
                (cursor_offset, cursor_column)
            } else {
                (line_start, 1)
            };
        column += self.text[from..offset].chars().count() as u32;
        let line = (line_index + 1) as u32;
        self.cursor = (offset, line, column);
        (line, column)
    }

    pub fn location(&mut self, start: usize, end: usize) -> Location {
        let (line, column) = self.line_column(start);
        Location {
            line,
            column,
            start: start.min(self.text.len()),
            end: end
                .clamp(start, self.text.len().max(start))
                .min(self.text.len()),
        }
    }
}

/// Builds the source map of the subtree of `tree` under `root`, whose offsets are in the derived
/// text described by `origin`, located in `text` (the user's text).
pub(crate) fn build(
    tree: &RawTree,
    root: u32,
    origin: &Origin,
    text: &str,
    embedding: Embedding,
) -> SourceMap {
    let mut locator = Locator::new(text);
    let mut nodes = Vec::new();
    // Depth-first, children in order, so offsets reach the locator (mostly) in increasing order.
    // An explicit stack: the tree may be as deep as the readers allow.
    let mut stack: Vec<(u32, Option<usize>)> = vec![(root, None)];
    while let Some((raw_id, parent)) = stack.pop() {
        let Some(raw) = tree.node(raw_id) else {
            continue;
        };
        let key = raw.key.map(|(start, end)| {
            let (start, end, _) = origin.map_range(start, end);
            let location = locator.location(start, end);
            Pos {
                line: location.line,
                column: location.column,
                start: location.start as u32,
                end: location.end as u32,
            }
        });
        let (start, end, exact) = origin.map_range(raw.start, raw.end);
        let location = locator.location(start, end);
        let id = nodes.len();
        nodes.push(Node {
            value: Pos {
                line: location.line,
                column: location.column,
                start: location.start as u32,
                end: location.end as u32,
            },
            key,
            exact,
            container: raw.style == ScalarStyle::Container,
            block_scalar: matches!(
                raw.style,
                ScalarStyle::YamlLiteral | ScalarStyle::YamlFolded
            ),
            children: Vec::with_capacity(raw.children.len()),
            name: raw.name.clone(),
        });
        if let Some(parent) = parent {
            if let Some(p) = nodes.get_mut(parent) {
                p.children.push(id as u32);
            }
        }
        for child in raw.children.iter().rev() {
            stack.push((*child, Some(id)));
        }
    }
    SourceMap {
        root: if nodes.is_empty() { None } else { Some(0) },
        nodes,
        embedding,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locator_counts_characters_not_bytes() {
        let text = "ab\n\u{e9}\u{e9}x\ny";
        let mut locator = Locator::new(text);
        assert_eq!(locator.line_column(0), (1, 1));
        assert_eq!(locator.line_column(3), (2, 1));
        assert_eq!(locator.line_column(7), (2, 3));
        assert_eq!(locator.line_column(9), (3, 1));
        // Backwards works too.
        assert_eq!(locator.line_column(1), (1, 2));
    }

    #[test]
    fn origin_composes_and_maps_substitutions_to_their_placeholder() {
        // Derived text "ab" + "XYZ" (substituted for 4 bytes at 10) + "cd" (from 20).
        let mut origin = Origin::default();
        origin.push(0, 2, 100, 2, true);
        origin.push(2, 3, 110, 4, false);
        origin.push(5, 2, 120, 2, true);
        assert_eq!(origin.map(1), (101, true));
        assert_eq!(origin.map(3), (110, false));
        assert_eq!(origin.map(6), (121, true));
        let mut outer = Origin::default();
        outer.push_from(0, &origin, 4, 3);
        assert_eq!(outer.map(0), (110, false));
        assert_eq!(outer.map(2), (121, true));
    }
}
