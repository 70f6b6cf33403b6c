//! A YAML reader that records where every value is written, on top of `saphyr-parser`'s events.
//!
//! `saphyr-parser` does the YAML (1.2) scanning and parsing without recursion and gives every
//! event a span; this module turns the events into a `serde_json::Value` plus a [`RawTree`] of
//! byte ranges, and applies what CloudFormation does on top of YAML:
//! - the short-form tags become the long form: `!Ref X` → `{"Ref": "X"}`, `!GetAtt A.B` →
//!   `{"Fn::GetAtt": ["A", "B"]}`, `!Sub …` → `{"Fn::Sub": …}`, and so on for every intrinsic;
//! - plain scalars are typed by the YAML 1.2 core schema (`true`, `null`, `12`, `1.5e3`);
//!   YAML 1.1 spellings such as `yes`/`on` stay strings, as in CloudFormation's own parser.
//!
//! Aliases (`*name`) copy their anchored value; the copies are counted against
//! [`MAX_ALIAS_EXPANSION`] so an alias bomb ends in a diagnostic. Nesting is limited to
//! [`MAX_DEPTH`], like JSON. Merge keys (`<<: *base`) are applied.

use std::borrow::Cow;
use std::collections::HashMap;

use saphyr_parser::{Event, Parser, ScalarStyle as YamlStyle, Span, Tag};
use serde_json::{Map, Value};

use super::json::{number_value, out_of_range};
use super::{Parsed, Problem};
use crate::limits::{MAX_ALIAS_EXPANSION, MAX_DEPTH};
use crate::source_map::{RawNode, RawTree, ScalarStyle};

/// The CloudFormation intrinsic functions that have a YAML short form, by tag name.
const SHORT_FORMS: &[(&str, &str)] = &[
    ("Ref", "Ref"),
    ("Condition", "Condition"),
    ("GetAtt", "Fn::GetAtt"),
    ("Sub", "Fn::Sub"),
    ("Join", "Fn::Join"),
    ("If", "Fn::If"),
    ("Select", "Fn::Select"),
    ("FindInMap", "Fn::FindInMap"),
    ("ImportValue", "Fn::ImportValue"),
    ("Base64", "Fn::Base64"),
    ("Split", "Fn::Split"),
    ("GetAZs", "Fn::GetAZs"),
    ("Cidr", "Fn::Cidr"),
    ("Equals", "Fn::Equals"),
    ("And", "Fn::And"),
    ("Or", "Fn::Or"),
    ("Not", "Fn::Not"),
    ("Transform", "Fn::Transform"),
    ("Length", "Fn::Length"),
    ("ToJsonString", "Fn::ToJsonString"),
    ("ForEach", "Fn::ForEach"),
];

/// Converts saphyr's character indices to byte offsets; cheap for increasing indices.
struct Offsets<'t> {
    text: &'t str,
    ascii: bool,
    char_index: usize,
    byte_index: usize,
}

impl Offsets<'_> {
    fn byte(&mut self, char_index: usize) -> usize {
        if self.ascii {
            return char_index.min(self.text.len());
        }
        if char_index < self.char_index {
            self.char_index = 0;
            self.byte_index = 0;
        }
        let mut chars = self.text[self.byte_index..].chars();
        while self.char_index < char_index {
            let Some(c) = chars.next() else {
                break;
            };
            self.byte_index += c.len_utf8();
            self.char_index += 1;
        }
        self.byte_index
    }
}

enum Kind {
    Sequence(Vec<Value>),
    Mapping {
        map: Map<String, Value>,
        /// The key read, waiting for its value: name and key range.
        pending: Option<(String, usize, usize)>,
        /// Keys that came from a merge (`<<`) and may be overridden without a complaint.
        merged: Vec<String>,
    },
}

struct Frame {
    kind: Kind,
    node: u32,
    anchor: usize,
    /// The long-form name when the collection carried a CloudFormation short-form tag.
    intrinsic: Option<&'static str>,
    /// Values inside, for the alias budget.
    count: usize,
    /// Depth of the deepest value inside.
    height: usize,
}

/// A finished value with what the alias budget needs to know about it.
struct Done {
    value: Value,
    node: u32,
    count: usize,
    height: usize,
}

struct Stop;

struct Reader<'t> {
    text: &'t str,
    offsets: Offsets<'t>,
    tree: RawTree,
    problems: Vec<Problem>,
    stack: Vec<Frame>,
    anchors: HashMap<usize, (Value, usize, usize)>,
    expanded: usize,
}

/// Reads the first document of a YAML stream.
pub(crate) fn parse(text: &str) -> Parsed {
    let mut reader = Reader {
        text,
        offsets: Offsets {
            text,
            ascii: text.is_ascii(),
            char_index: 0,
            byte_index: 0,
        },
        tree: RawTree::default(),
        problems: Vec::new(),
        stack: Vec::new(),
        anchors: HashMap::new(),
        expanded: 0,
    };
    let root = reader.run();
    let (value, root) = match root {
        Some(done) => (Some(done.value), Some(done.node)),
        None => (None, None),
    };
    Parsed {
        value,
        tree: reader.tree,
        root,
        problems: reader.problems,
    }
}

impl Reader<'_> {
    fn range(&mut self, span: &Span) -> (usize, usize) {
        let start = self.offsets.byte(span.start.index());
        let end = self.offsets.byte(span.end.index());
        (start, end.max(start))
    }

    fn error(&mut self, code: &'static str, start: usize, end: usize, message: String) -> Stop {
        self.problems
            .push(Problem::error(code, start, end, message));
        Stop
    }

    fn run(&mut self) -> Option<Done> {
        let mut parser = Parser::new_from_str(self.text);
        let mut root: Option<Done> = None;
        let mut documents = 0;
        for next in parser.by_ref() {
            let (event, span) = match next {
                Ok(pair) => pair,
                Err(error) => {
                    let at = self.offsets.byte(error.marker().index());
                    let info = error.info().to_string();
                    let message = if info == "recursion limit exceeded" {
                        format!("flow collections (`[`, `{{`) are nested too deeply here; mapsim reads at most {MAX_DEPTH} levels")
                    } else {
                        format!("not valid YAML: {info}")
                    };
                    let code = if info == "recursion limit exceeded" {
                        "too-deep"
                    } else {
                        "syntax"
                    };
                    self.problems.push(Problem::error(code, at, at, message));
                    return None;
                }
            };
            match event {
                Event::StreamStart | Event::Nothing => {}
                Event::StreamEnd => break,
                Event::DocumentStart(_) => {
                    documents += 1;
                    if documents > 1 {
                        let (start, end) = self.range(&span);
                        super::note(&mut self.problems, Problem::warning(
                            "yaml-extra-document",
                            start,
                            end,
                            "this YAML stream holds more than one document; only the first is read"
                                .to_string(),
                        ));
                        break;
                    }
                }
                Event::DocumentEnd => {}
                other => match self.event(other, &span) {
                    Ok(Some(done)) => {
                        root = Some(done);
                    }
                    Ok(None) => {}
                    Err(Stop) => return None,
                },
            }
        }
        root
    }

    /// Handles one content event. Returns the root when the document's value is complete.
    fn event(&mut self, event: Event<'_>, span: &Span) -> Result<Option<Done>, Stop> {
        let is_mapping = matches!(event, Event::MappingStart(..));
        match event {
            Event::Scalar(text, style, anchor, tag) => {
                let (start, end) = self.range(span);
                if self.expecting_key() {
                    return self.key(text, start, end).map(|()| None);
                }
                let (value, scalar_style, intrinsic) = self.scalar(&text, style, tag, start, end);
                let node = self.new_node(start, end, scalar_style);
                let done = self.wrap(
                    Done {
                        value,
                        node,
                        count: 1,
                        height: 0,
                    },
                    intrinsic,
                    start,
                    end,
                );
                if anchor > 0 {
                    self.anchors
                        .insert(anchor, (done.value.clone(), done.count, done.height));
                }
                self.complete(done)
            }
            Event::SequenceStart(anchor, tag) | Event::MappingStart(anchor, tag) => {
                let (start, end) = self.range(span);
                if self.expecting_key() {
                    return Err(self.error(
                        "yaml-unsupported",
                        start,
                        end.max(start + 1),
                        "a mapping key must be a plain string, not a sequence or mapping"
                            .to_string(),
                    ));
                }
                if self.stack.len() >= MAX_DEPTH {
                    return Err(self.error(
                        "too-deep",
                        start,
                        end.max(start + 1),
                        format!(
                            "sequences and mappings are nested more than {MAX_DEPTH} levels deep here; mapsim reads at most {MAX_DEPTH} levels"
                        ),
                    ));
                }
                let intrinsic = self.collection_tag(tag.as_deref(), start, end);
                let node = self.new_node(start, end, ScalarStyle::Container);
                let kind = if is_mapping {
                    Kind::Mapping {
                        map: Map::new(),
                        pending: None,
                        merged: Vec::new(),
                    }
                } else {
                    Kind::Sequence(Vec::new())
                };
                self.stack.push(Frame {
                    kind,
                    node,
                    anchor,
                    intrinsic,
                    count: 1,
                    height: 0,
                });
                Ok(None)
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let (_, end) = self.range(span);
                let Some(frame) = self.stack.pop() else {
                    return Ok(None);
                };
                let end = self.trim_end(end);
                let start = self.tree.node(frame.node).map_or(end, |n| n.start.min(end));
                if let Some(node) = self.tree.nodes.get_mut(frame.node as usize) {
                    node.end = end.max(node.start);
                }
                let value = match frame.kind {
                    Kind::Sequence(items) => Value::Array(items),
                    Kind::Mapping { map, .. } => Value::Object(map),
                };
                let done = self.wrap(
                    Done {
                        value,
                        node: frame.node,
                        count: frame.count,
                        height: frame.height + 1,
                    },
                    frame.intrinsic,
                    start,
                    end,
                );
                if frame.anchor > 0 {
                    self.anchors
                        .insert(frame.anchor, (done.value.clone(), done.count, done.height));
                }
                self.complete(done)
            }
            Event::Alias(id) => {
                let (start, end) = self.range(span);
                let Some((value, count, height)) = self.anchors.get(&id).cloned() else {
                    return Err(self.error(
                        "syntax",
                        start,
                        end,
                        "this alias refers to an anchor that is not defined before it".to_string(),
                    ));
                };
                if self.expecting_key() {
                    let Value::String(name) = value else {
                        return Err(self.error(
                            "yaml-unsupported",
                            start,
                            end,
                            "a mapping key must be a string".to_string(),
                        ));
                    };
                    return self.key(Cow::Owned(name), start, end).map(|()| None);
                }
                self.expanded += count;
                if self.expanded > MAX_ALIAS_EXPANSION {
                    return Err(self.error(
                        "yaml-alias-limit",
                        start,
                        end,
                        format!(
                            "aliases repeat more than {MAX_ALIAS_EXPANSION} values in all (an alias bomb?); mapsim stops reading here"
                        ),
                    ));
                }
                if self.stack.len() + height > MAX_DEPTH {
                    return Err(self.error(
                        "too-deep",
                        start,
                        end,
                        format!("this alias nests values more than {MAX_DEPTH} levels deep"),
                    ));
                }
                let style = if value.is_array() || value.is_object() {
                    ScalarStyle::Container
                } else {
                    ScalarStyle::Other
                };
                let node = self.new_node(start, end, style);
                self.complete(Done {
                    value,
                    node,
                    count,
                    height,
                })
            }
            _ => Ok(None),
        }
    }

    /// Moves a block collection's end back over the blank lines and indentation after it.
    fn trim_end(&self, end: usize) -> usize {
        let bytes = self.text.as_bytes();
        let mut end = end.min(bytes.len());
        while end > 0 && matches!(bytes[end - 1], b' ' | b'\t' | b'\n' | b'\r') {
            end -= 1;
        }
        end
    }

    fn expecting_key(&self) -> bool {
        matches!(
            self.stack.last(),
            Some(Frame {
                kind: Kind::Mapping { pending: None, .. },
                ..
            })
        )
    }

    fn key(&mut self, name: Cow<'_, str>, start: usize, end: usize) -> Result<(), Stop> {
        if let Some(Frame {
            kind: Kind::Mapping { pending, .. },
            ..
        }) = self.stack.last_mut()
        {
            *pending = Some((name.into_owned(), start, end));
        }
        Ok(())
    }

    fn new_node(&mut self, start: usize, end: usize, style: ScalarStyle) -> u32 {
        let key = match self.stack.last() {
            Some(Frame {
                kind:
                    Kind::Mapping {
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

    /// Wraps a value in its intrinsic function's long form (`{"Fn::Sub": value}`), giving the
    /// wrapper the value's node and the value a child node with the same range.
    fn wrap(
        &mut self,
        done: Done,
        intrinsic: Option<&'static str>,
        start: usize,
        end: usize,
    ) -> Done {
        let Some(name) = intrinsic else {
            return done;
        };
        let value = match (name, done.value) {
            ("Fn::GetAtt", Value::String(s)) => {
                let parts: Vec<Value> = match s.split_once('.') {
                    Some((resource, attribute)) => vec![resource.into(), attribute.into()],
                    None => vec![Value::String(s)],
                };
                Value::Array(parts)
            }
            (_, value) => value,
        };
        // The wrapper takes over the node (which holds the key, if any) and gets one child
        // holding the value: the inner node, renamed to the function's name.
        let inner_style = self
            .tree
            .node(done.node)
            .map_or(ScalarStyle::Other, |n| n.style);
        let inner_children = self
            .tree
            .nodes
            .get_mut(done.node as usize)
            .map(|n| std::mem::take(&mut n.children))
            .unwrap_or_default();
        let inner = self.tree.push(RawNode {
            start,
            end,
            key: Some((start, start)),
            name: Some(name.into()),
            children: inner_children,
            style: inner_style,
        });
        if let Some(node) = self.tree.nodes.get_mut(done.node as usize) {
            node.children = vec![inner];
            node.style = ScalarStyle::Container;
        }
        let mut map = Map::new();
        map.insert(name.to_string(), value);
        Done {
            value: Value::Object(map),
            node: done.node,
            count: done.count + 1,
            height: done.height + 1,
        }
    }

    fn complete(&mut self, done: Done) -> Result<Option<Done>, Stop> {
        let Some(frame) = self.stack.last_mut() else {
            return Ok(Some(done));
        };
        frame.count += done.count;
        frame.height = frame.height.max(done.height);
        match &mut frame.kind {
            Kind::Sequence(items) => items.push(done.value),
            Kind::Mapping {
                map,
                pending,
                merged,
            } => {
                let Some((name, key_start, key_end)) = pending.take() else {
                    return Ok(None);
                };
                if name == "<<" {
                    let sources = match done.value {
                        Value::Object(source) => vec![source],
                        Value::Array(items) => items
                            .into_iter()
                            .filter_map(|v| match v {
                                Value::Object(o) => Some(o),
                                _ => None,
                            })
                            .collect(),
                        _ => Vec::new(),
                    };
                    for source in sources {
                        for (k, v) in source {
                            if !map.contains_key(&k) {
                                merged.push(k.clone());
                                map.insert(k, v);
                            }
                        }
                    }
                    return Ok(None);
                }
                if map.contains_key(&name) {
                    if let Some(i) = merged.iter().position(|m| *m == name) {
                        merged.swap_remove(i);
                    } else {
                        super::note(
                            &mut self.problems,
                            Problem::error(
                                "duplicate-key",
                                key_start,
                                key_end,
                                format!(
                                    "the key \"{name}\" is given twice in the same mapping; \
                                 Step Functions rejects duplicate fields"
                                ),
                            ),
                        );
                    }
                }
                map.insert(name, done.value);
            }
        }
        Ok(None)
    }

    fn collection_tag(
        &mut self,
        tag: Option<&Tag>,
        start: usize,
        end: usize,
    ) -> Option<&'static str> {
        let tag = tag?;
        if tag.handle == "!" {
            if let Some((_, long)) = SHORT_FORMS.iter().find(|(short, _)| *short == tag.suffix) {
                return Some(long);
            }
        }
        if !is_core_tag(tag) {
            self.unknown_tag(tag, start, end);
        }
        None
    }

    fn unknown_tag(&mut self, tag: &Tag, start: usize, end: usize) {
        super::note(
            &mut self.problems,
            Problem::warning(
                "unknown-yaml-tag",
                start,
                end.max(start + 1),
                format!(
                    "the tag `{}{}` is not a CloudFormation intrinsic function; it is ignored",
                    if tag.handle == "tag:yaml.org,2002:" {
                        "!!"
                    } else {
                        &tag.handle
                    },
                    tag.suffix
                ),
            ),
        );
    }

    /// The JSON value of a scalar, how it was written, and the intrinsic its tag names.
    fn scalar(
        &mut self,
        text: &str,
        style: YamlStyle,
        tag: Option<Cow<'_, Tag>>,
        start: usize,
        end: usize,
    ) -> (Value, ScalarStyle, Option<&'static str>) {
        let scalar_style = match style {
            YamlStyle::Plain => ScalarStyle::YamlPlain,
            YamlStyle::SingleQuoted => ScalarStyle::YamlSingleQuoted,
            YamlStyle::DoubleQuoted => ScalarStyle::YamlDoubleQuoted,
            YamlStyle::Literal => ScalarStyle::YamlLiteral,
            YamlStyle::Folded => ScalarStyle::YamlFolded,
        };
        let mut intrinsic = None;
        let mut forced: Option<&str> = None;
        if let Some(tag) = tag.as_deref() {
            if tag.handle == "!" {
                match SHORT_FORMS.iter().find(|(short, _)| *short == tag.suffix) {
                    Some((_, long)) => intrinsic = Some(*long),
                    None if tag.suffix.is_empty() => forced = Some("str"),
                    None => self.unknown_tag(tag, start, end),
                }
            } else if is_core_tag(tag) {
                forced = Some(tag.suffix.as_str())
                    .filter(|s| matches!(*s, "str" | "int" | "float" | "bool" | "null"));
            } else {
                self.unknown_tag(tag, start, end);
            }
        }
        let value = match forced {
            Some("str") => Value::String(text.to_string()),
            Some(_) | None if style == YamlStyle::Plain || forced.is_some() => {
                match plain_scalar(text) {
                    Ok(value) => value,
                    Err(()) => {
                        super::note(&mut self.problems, out_of_range(text, start, end));
                        Value::Null
                    }
                }
            }
            _ => Value::String(text.to_string()),
        };
        (value, scalar_style, intrinsic)
    }
}

fn is_core_tag(tag: &Tag) -> bool {
    tag.handle == "tag:yaml.org,2002:" || tag.handle == "!!"
}

/// The YAML 1.2 core schema's reading of a plain scalar. `Err` for a number too large for a
/// double.
fn plain_scalar(text: &str) -> Result<Value, ()> {
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return Ok(Value::Null),
        "true" | "True" | "TRUE" => return Ok(Value::Bool(true)),
        "false" | "False" | "FALSE" => return Ok(Value::Bool(false)),
        _ => {}
    }
    let bytes = text.as_bytes();
    let digits = |s: &[u8]| !s.is_empty() && s.iter().all(u8::is_ascii_digit);
    let unsigned = text.strip_prefix(['-', '+']).unwrap_or(text);
    if digits(unsigned.as_bytes()) {
        let literal = text.strip_prefix('+').unwrap_or(text);
        return number_value(literal, true).ok_or(());
    }
    if let Some(hex) = text.strip_prefix("0x") {
        if !hex.is_empty() && hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return match u64::from_str_radix(hex, 16) {
                Ok(n) => Ok(Value::Number(n.into())),
                Err(_) => Err(()),
            };
        }
    }
    if let Some(oct) = text.strip_prefix("0o") {
        if !oct.is_empty() && oct.bytes().all(|b| (b'0'..=b'7').contains(&b)) {
            return match u64::from_str_radix(oct, 8) {
                Ok(n) => Ok(Value::Number(n.into())),
                Err(_) => Err(()),
            };
        }
    }
    if is_yaml_float(unsigned.as_bytes()) && !bytes.is_empty() {
        let literal = text.strip_prefix('+').unwrap_or(text);
        return number_value(literal, false).ok_or(());
    }
    Ok(Value::String(text.to_string()))
}

/// `( \. [0-9]+ | [0-9]+ ( \. [0-9]* )? ) ( [eE] [-+]? [0-9]+ )?` — the core schema's floats
/// (without `.inf`/`.nan`, which JSON cannot hold; those stay strings).
fn is_yaml_float(s: &[u8]) -> bool {
    let mut i = 0;
    let int_start = i;
    while s.get(i).is_some_and(u8::is_ascii_digit) {
        i += 1;
    }
    let int_digits = i - int_start;
    let mut frac_digits = 0;
    if s.get(i) == Some(&b'.') {
        i += 1;
        let frac_start = i;
        while s.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        frac_digits = i - frac_start;
    }
    if int_digits == 0 && frac_digits == 0 {
        return false;
    }
    if matches!(s.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(s.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        let exp_start = i;
        while s.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        if i == exp_start {
            return false;
        }
    }
    i == s.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_cloudformation_short_forms() {
        let text =
            "a: !Ref Foo\nb: !GetAtt Bar.Arn\nc: !Sub |\n  x ${Foo}\nd: !Join ['', [a, !Ref B]]\n";
        let parsed = parse(text);
        assert!(parsed.problems.is_empty(), "{:?}", parsed.problems);
        let value = parsed.value.unwrap();
        assert_eq!(value["a"], serde_json::json!({"Ref": "Foo"}));
        assert_eq!(
            value["b"],
            serde_json::json!({"Fn::GetAtt": ["Bar", "Arn"]})
        );
        assert_eq!(value["c"], serde_json::json!({"Fn::Sub": "x ${Foo}\n"}));
        assert_eq!(
            value["d"],
            serde_json::json!({"Fn::Join": ["", ["a", {"Ref": "B"}]]})
        );
        let root = parsed.root.unwrap();
        let node = parsed.tree.find(root, "/c/Fn::Sub").unwrap();
        assert_eq!(
            parsed.tree.node(node).unwrap().style,
            ScalarStyle::YamlLiteral
        );
    }

    #[test]
    fn types_plain_scalars_by_the_core_schema() {
        let parsed = parse("a: 12\nb: 1.5\nc: yes\nd: ~\ne: '12'\nf: true\ng: -3\nh: 0x1F\n");
        let value = parsed.value.unwrap();
        assert_eq!(value["a"], 12);
        assert_eq!(value["b"], 1.5);
        assert_eq!(value["c"], "yes");
        assert_eq!(value["d"], Value::Null);
        assert_eq!(value["e"], "12");
        assert_eq!(value["f"], true);
        assert_eq!(value["g"], -3);
        assert_eq!(value["h"], 31);
    }

    #[test]
    fn alias_bombs_and_deep_nesting_end_in_a_diagnostic() {
        let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..10 {
            let prev = format!("*a{}", i - 1);
            text.push_str(&format!(
                "a{i}: &a{i} [{}]\n",
                [prev.as_str(); 10].join(", ")
            ));
        }
        let parsed = parse(&text);
        assert_eq!(parsed.problems.last().unwrap().code, "yaml-alias-limit");
        let deep = "- ".repeat(100_000) + "x";
        let parsed = parse(&deep);
        assert_eq!(parsed.problems.last().unwrap().code, "too-deep");
        let flow = "[".repeat(100_000);
        let parsed = parse(&flow);
        assert_eq!(parsed.problems.last().unwrap().code, "too-deep");
    }

    #[test]
    fn duplicate_keys_and_merges() {
        let parsed = parse("base: &b {x: 1, y: 2}\nm:\n  <<: *b\n  y: 3\n  z: 1\n  z: 2\n");
        let value = parsed.value.unwrap();
        assert_eq!(value["m"], serde_json::json!({"x": 1, "y": 3, "z": 2}));
        assert_eq!(parsed.problems.len(), 1);
        assert_eq!(parsed.problems[0].code, "duplicate-key");
    }
}
