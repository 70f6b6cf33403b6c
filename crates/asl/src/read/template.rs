//! CloudFormation and SAM templates: finding the state machines and extracting a definition.
//!
//! Handles `AWS::StepFunctions::StateMachine` (`Definition`, `DefinitionString` — a string,
//! `Fn::Sub` or `Fn::Join` —, `DefinitionSubstitutions`, `StateMachineType`) and
//! `AWS::Serverless::StateMachine` (`Definition`, `DefinitionSubstitutions`, `Type`). What only
//! the deployment can know stays a placeholder: `{"Ref": "X"}` becomes `${X}`,
//! `{"Fn::GetAtt": ["A", "B"]}` becomes `${A.B}`, and an unresolved `${…}` is left in place.
//! Definitions kept elsewhere (`DefinitionS3Location`, `DefinitionUri`) are reported, not read.

use serde_json::Value;

use super::{locate_problems, parse_embedded, scalar_origin, Read};
use crate::diagnostic::{Diagnostic, Severity};
use crate::model::ExecutionType;
use crate::source_map::{self, Embedding, Locator, Origin, RawTree, SourceMap};
use crate::{LoadOptions, MachineEntry};

const STEP_FUNCTIONS: &str = "AWS::StepFunctions::StateMachine";
const SERVERLESS: &str = "AWS::Serverless::StateMachine";

/// What a substitution variable stands for.
enum Substitute {
    /// Literal text (a string, number or boolean value).
    Text(String),
    /// Known only at deployment (`Ref`, `GetAtt`, …): leave the placeholder.
    Keep,
}

struct Extractor<'a, 'l, 't> {
    text: &'t str,
    tree: &'a RawTree,
    locator: &'l mut Locator<'t>,
    diagnostics: Vec<Diagnostic>,
}

pub(super) fn extract<'t>(
    text: &'t str,
    value: &Value,
    tree: &RawTree,
    root: u32,
    options: &LoadOptions,
    locator: &mut Locator<'t>,
) -> Read {
    let mut extractor = Extractor {
        text,
        tree,
        locator,
        diagnostics: Vec::new(),
    };
    let mut machines = Vec::new();
    let mut resources_found = Vec::new();
    if let Some(Value::Object(resources)) = value.get("Resources") {
        for (logical_id, resource) in resources {
            let resource_type = resource.get("Type").and_then(Value::as_str);
            if !matches!(resource_type, Some(STEP_FUNCTIONS | SERVERLESS)) {
                continue;
            }
            let pointer = crate::diagnostic::pointer_push("/Resources", logical_id);
            let node = tree.find(root, &pointer);
            let location = node.and_then(|n| tree.node(n)).map(|n| {
                let (start, end) = n.key.unwrap_or((n.start, n.end));
                extractor.locator.location(start, end)
            });
            machines.push(MachineEntry {
                name: logical_id.clone(),
                resource_type: resource_type.map(str::to_string),
                workflow_type: workflow_type(resource),
                location,
            });
            resources_found.push((resource, node));
        }
    }
    let mut read = Read {
        format: None,
        machines,
        selected: None,
        definition: None,
        source_map: SourceMap::empty(),
        workflow_type: None,
        diagnostics: Vec::new(),
    };
    if read.machines.is_empty() {
        let at = tree
            .find(root, "/Resources")
            .and_then(|n| tree.node(n))
            .map_or((0, 0), |n| n.key.unwrap_or((n.start, n.end)));
        extractor.report(
            Severity::Error,
            "no-state-machine",
            at,
            format!(
                "this CloudFormation template has no `{STEP_FUNCTIONS}` or `{SERVERLESS}` resource, so there is no state machine to read"
            ),
        );
        read.diagnostics = extractor.diagnostics;
        return read;
    }
    let selected = match &options.machine {
        None => 0,
        Some(wanted) => match read.machines.iter().position(|m| &m.name == wanted) {
            Some(i) => i,
            None => {
                let names: Vec<&str> = read.machines.iter().map(|m| m.name.as_str()).collect();
                extractor.report(
                    Severity::Error,
                    "unknown-machine",
                    (0, 0),
                    format!(
                        "the template has no state machine named `{wanted}`; it has {}",
                        names
                            .iter()
                            .map(|n| format!("`{n}`"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                );
                read.diagnostics = extractor.diagnostics;
                return read;
            }
        },
    };
    read.selected = Some(selected);
    read.workflow_type = read.machines[selected].workflow_type;
    let (resource, resource_node) = resources_found[selected];
    let logical_id = read.machines[selected].name.clone();
    if let Some(node) = resource_node {
        if let Some((definition, map)) = extractor.definition(resource, node, &logical_id) {
            read.definition = Some(definition);
            read.source_map = map;
        }
    }
    read.diagnostics = extractor.diagnostics;
    read
}

/// `StateMachineType` / SAM `Type`; CloudFormation's default is STANDARD.
fn workflow_type(resource: &Value) -> Option<ExecutionType> {
    let key = match resource.get("Type").and_then(Value::as_str) {
        Some(SERVERLESS) => "Type",
        _ => "StateMachineType",
    };
    match resource.get("Properties").and_then(|p| p.get(key)) {
        None => Some(ExecutionType::Standard),
        Some(Value::String(s)) if s == "STANDARD" => Some(ExecutionType::Standard),
        Some(Value::String(s)) if s == "EXPRESS" => Some(ExecutionType::Express),
        Some(_) => None,
    }
}

impl Extractor<'_, '_, '_> {
    fn report(
        &mut self,
        severity: Severity,
        code: &'static str,
        at: (usize, usize),
        message: String,
    ) {
        let location = self.locator.location(at.0, at.1);
        self.diagnostics.push(Diagnostic {
            severity,
            code,
            message,
            pointer: String::new(),
            location: Some(location),
        });
    }

    fn range_of(&self, node: u32) -> (usize, usize) {
        self.tree.node(node).map_or((0, 0), |n| (n.start, n.end))
    }

    fn key_range_of(&self, node: u32) -> (usize, usize) {
        self.tree
            .node(node)
            .map_or((0, 0), |n| n.key.unwrap_or((n.start, n.end)))
    }

    fn definition(
        &mut self,
        resource: &Value,
        resource_node: u32,
        logical_id: &str,
    ) -> Option<(Value, SourceMap)> {
        let properties = resource.get("Properties");
        let props_node = self.tree.find(resource_node, "/Properties");
        let child = |this: &Self, name: &str| {
            props_node.and_then(|p| {
                this.tree
                    .find(p, &crate::diagnostic::pointer_push("", name))
            })
        };
        let substitutions = self.substitutions(
            properties.and_then(|p| p.get("DefinitionSubstitutions")),
            child(self, "DefinitionSubstitutions"),
        );
        let is_serverless = resource.get("Type").and_then(Value::as_str) == Some(SERVERLESS);
        for elsewhere in ["DefinitionS3Location", "DefinitionUri"] {
            if properties.and_then(|p| p.get(elsewhere)).is_some()
                && properties.and_then(|p| p.get("Definition")).is_none()
                && properties.and_then(|p| p.get("DefinitionString")).is_none()
            {
                let at = child(self, elsewhere).map_or((0, 0), |n| self.key_range_of(n));
                let shown = match properties.and_then(|p| p.get(elsewhere)) {
                    Some(Value::String(s)) => format!(" ({s})"),
                    _ => String::new(),
                };
                self.report(
                    Severity::Error,
                    "definition-elsewhere",
                    at,
                    format!(
                        "state machine `{logical_id}` keeps its definition in a separate file via `{elsewhere}`{shown}; mapsim cannot read it from here — open that definition file instead"
                    ),
                );
                return None;
            }
        }
        if let (Some(definition), Some(node)) = (
            properties.and_then(|p| p.get("Definition")),
            child(self, "Definition"),
        ) {
            if definition.is_object() {
                let mut value = definition.clone();
                self.resolve_inline(&mut value, node, &substitutions);
                let map = source_map::build(
                    self.tree,
                    node,
                    &Origin::identity(self.text.len()),
                    self.text,
                    Embedding::Direct,
                );
                return Some((value, map));
            }
            if !definition.is_string() {
                let at = self.range_of(node);
                self.report(
                    Severity::Error,
                    "invalid-definition",
                    at,
                    format!("state machine `{logical_id}`: `Definition` must be an object"),
                );
                return None;
            }
            return self.definition_text(definition, node, &substitutions, logical_id);
        }
        if let (Some(definition), Some(node)) = (
            properties.and_then(|p| p.get("DefinitionString")),
            child(self, "DefinitionString"),
        ) {
            return self.definition_text(definition, node, &substitutions, logical_id);
        }
        let at = self.key_range_of(resource_node);
        let fields = if is_serverless {
            "`Definition` or `DefinitionUri`"
        } else {
            "`Definition`, `DefinitionString` or `DefinitionS3Location`"
        };
        self.report(
            Severity::Error,
            "missing-definition",
            at,
            format!("state machine `{logical_id}` has no {fields}"),
        );
        None
    }

    /// `DefinitionSubstitutions`: name → what to put in place of `${name}`.
    fn substitutions(
        &mut self,
        value: Option<&Value>,
        node: Option<u32>,
    ) -> Vec<(String, Substitute)> {
        let Some(Value::Object(map)) = value else {
            if let (Some(_), Some(node)) = (value, node) {
                let at = self.range_of(node);
                self.report(
                    Severity::Error,
                    "invalid-definition",
                    at,
                    "`DefinitionSubstitutions` must be a mapping of names to values".to_string(),
                );
            }
            return Vec::new();
        };
        map.iter()
            .map(|(name, v)| {
                let substitute = match v {
                    Value::String(s) => Substitute::Text(s.clone()),
                    Value::Number(n) => Substitute::Text(n.to_string()),
                    Value::Bool(b) => Substitute::Text(b.to_string()),
                    _ => Substitute::Keep,
                };
                (name.clone(), substitute)
            })
            .collect()
    }

    /// A definition given as text: a string, `Fn::Sub` or `Fn::Join`.
    fn definition_text(
        &mut self,
        value: &Value,
        node: u32,
        substitutions: &[(String, Substitute)],
        logical_id: &str,
    ) -> Option<(Value, SourceMap)> {
        let Some((definition_text, origin)) = self.text_of(value, node) else {
            let at = self.range_of(node);
            self.report(
                Severity::Error,
                "invalid-definition",
                at,
                format!(
                    "state machine `{logical_id}`: the definition must be a string, `Fn::Sub` or `Fn::Join` of strings"
                ),
            );
            return None;
        };
        let (definition_text, origin) = if substitutions.is_empty() {
            (definition_text, origin)
        } else {
            substitute(&definition_text, &origin, false, &|name| {
                substitutions
                    .iter()
                    .find(|(n, _)| n == name)
                    .map(|(_, s)| match s {
                        Substitute::Text(t) => Substitute::Text(t.clone()),
                        Substitute::Keep => Substitute::Keep,
                    })
            })
        };
        let (definition, map, problems) = parse_embedded(&definition_text, &origin, self.text);
        let located = locate_problems(problems, Some(&origin), self.locator);
        self.diagnostics.extend(located);
        definition.map(|d| (d, map))
    }

    /// The text a string-valued template expression stands for, with where each byte is from.
    fn text_of(&mut self, value: &Value, node: u32) -> Option<(String, Origin)> {
        match value {
            Value::String(s) => Some((s.clone(), scalar_origin(self.text, self.tree, node, s))),
            Value::Number(_) | Value::Bool(_) => {
                let s = value.to_string();
                let (start, _) = self.range_of(node);
                let mut origin = Origin::default();
                origin.push(0, s.len(), start, 0, false);
                Some((s, origin))
            }
            Value::Object(map) if map.len() == 1 => {
                let (name, argument) = map.iter().next()?;
                let argument_node = self
                    .tree
                    .find(node, &crate::diagnostic::pointer_push("", name));
                self.intrinsic_text(name, argument, argument_node, node)
            }
            _ => None,
        }
    }

    fn intrinsic_text(
        &mut self,
        name: &str,
        argument: &Value,
        argument_node: Option<u32>,
        node: u32,
    ) -> Option<(String, Origin)> {
        let placeholder = |this: &Self, s: String| {
            let (start, _) = this.range_of(node);
            let mut origin = Origin::default();
            origin.push(0, s.len(), start, 0, false);
            (s, origin)
        };
        match (name, argument) {
            ("Ref", Value::String(id)) => Some(placeholder(self, format!("${{{id}}}"))),
            ("Fn::GetAtt", Value::String(path)) => Some(placeholder(self, format!("${{{path}}}"))),
            ("Fn::GetAtt", Value::Array(parts)) => {
                let parts: Vec<String> = parts
                    .iter()
                    .map(|p| match p {
                        Value::String(s) => s.clone(),
                        other => other.to_string(),
                    })
                    .collect();
                Some(placeholder(self, format!("${{{}}}", parts.join("."))))
            }
            ("Fn::Sub", Value::String(s)) => {
                let origin = scalar_origin(self.text, self.tree, argument_node?, s);
                Some(substitute(s, &origin, true, &|_| None))
            }
            ("Fn::Sub", Value::Array(items)) => {
                let (Some(Value::String(s)), vars) = (items.first(), items.get(1)) else {
                    return None;
                };
                let string_node = self.tree.find(argument_node?, "/0")?;
                let origin = scalar_origin(self.text, self.tree, string_node, s);
                let vars_node = argument_node.and_then(|n| self.tree.find(n, "/1"));
                let mut resolved: Vec<(String, Substitute)> = Vec::new();
                if let (Some(Value::Object(vars)), Some(vars_node)) = (vars, vars_node) {
                    for (var, var_value) in vars {
                        let var_node = self
                            .tree
                            .find(vars_node, &crate::diagnostic::pointer_push("", var));
                        let substitute = match (var_value, var_node) {
                            (Value::String(t), _) => Substitute::Text(t.clone()),
                            (Value::Number(_) | Value::Bool(_), _) => {
                                Substitute::Text(var_value.to_string())
                            }
                            (Value::Object(_), Some(var_node)) => {
                                match self.text_of(var_value, var_node) {
                                    Some((t, _)) => Substitute::Text(t),
                                    None => Substitute::Keep,
                                }
                            }
                            _ => Substitute::Keep,
                        };
                        resolved.push((var.clone(), substitute));
                    }
                }
                Some(substitute(s, &origin, true, &|name| {
                    resolved
                        .iter()
                        .find(|(n, _)| n == name)
                        .map(|(_, s)| match s {
                            Substitute::Text(t) => Substitute::Text(t.clone()),
                            Substitute::Keep => Substitute::Keep,
                        })
                }))
            }
            ("Fn::Join", Value::Array(items)) => {
                let (Some(Value::String(delimiter)), Some(Value::Array(parts))) =
                    (items.first(), items.get(1))
                else {
                    return None;
                };
                let delimiter_node = self.tree.find(argument_node?, "/0")?;
                let delimiter_origin =
                    scalar_origin(self.text, self.tree, delimiter_node, delimiter);
                let parts_node = self.tree.find(argument_node?, "/1")?;
                let mut out = String::new();
                let mut origin = Origin::default();
                for (i, part) in parts.iter().enumerate() {
                    if i > 0 {
                        origin.push_from(out.len(), &delimiter_origin, 0, delimiter.len());
                        out.push_str(delimiter);
                    }
                    let part_node = self.tree.find(parts_node, &format!("/{i}"))?;
                    let (part_text, part_origin) = self.text_of(part, part_node)?;
                    origin.push_from(out.len(), &part_origin, 0, part_text.len());
                    out.push_str(&part_text);
                }
                Some((out, origin))
            }
            (other, _) => {
                let (start, end) = self.range_of(node);
                self.report(
                    Severity::Warning,
                    "unresolved-intrinsic",
                    (start, end),
                    format!(
                        "`{other}` can only be evaluated by CloudFormation; mapsim reads it as the placeholder `${{{other}}}`"
                    ),
                );
                Some(placeholder(self, format!("${{{other}}}")))
            }
        }
    }

    /// Replaces intrinsic functions inside a `Definition` object by placeholder text and applies
    /// `DefinitionSubstitutions` to its strings.
    fn resolve_inline(
        &mut self,
        value: &mut Value,
        node: u32,
        substitutions: &[(String, Substitute)],
    ) {
        match value {
            Value::String(s) if !substitutions.is_empty() && s.contains("${") => {
                let origin = Origin::identity(s.len());
                let (replaced, _) = substitute(s, &origin, false, &|name| {
                    substitutions
                        .iter()
                        .find(|(n, _)| n == name)
                        .map(|(_, s)| match s {
                            Substitute::Text(t) => Substitute::Text(t.clone()),
                            Substitute::Keep => Substitute::Keep,
                        })
                });
                *s = replaced;
            }
            Value::Array(items) => {
                let children: Vec<u32> = self
                    .tree
                    .node(node)
                    .map(|n| n.children.clone())
                    .unwrap_or_default();
                for (item, child) in items.iter_mut().zip(children) {
                    self.resolve_inline(item, child, substitutions);
                }
            }
            Value::Object(map) => {
                if map.len() == 1 {
                    let is_intrinsic = map
                        .keys()
                        .next()
                        .is_some_and(|k| k == "Ref" || k.starts_with("Fn::"));
                    if is_intrinsic {
                        let snapshot = Value::Object(map.clone());
                        if let Some((text, _)) = self.text_of(&snapshot, node) {
                            let mut text_value = Value::String(text);
                            self.resolve_inline(&mut text_value, node, substitutions);
                            *value = text_value;
                            return;
                        }
                    }
                }
                let keys: Vec<String> = map.keys().cloned().collect();
                for key in keys {
                    let child = self
                        .tree
                        .find(node, &crate::diagnostic::pointer_push("", &key));
                    if let (Some(item), Some(child)) = (map.get_mut(&key), child) {
                        self.resolve_inline(item, child, substitutions);
                    }
                }
            }
            _ => {}
        }
    }
}

/// Replaces each `${name}` in `s` for which `lookup` gives text; keeps the others. With `sub`
/// (`Fn::Sub` rules), `${!name}` is the literal text `${name}`.
fn substitute(
    s: &str,
    origin: &Origin,
    sub: bool,
    lookup: &dyn Fn(&str) -> Option<Substitute>,
) -> (String, Origin) {
    let mut out = String::with_capacity(s.len());
    let mut out_origin = Origin::default();
    let mut copied = 0;
    let mut search = 0;
    while let Some(found) = s[search..].find("${") {
        let open = search + found;
        let Some(close) = s[open + 2..].find('}').map(|i| open + 2 + i) else {
            break;
        };
        let name = &s[open + 2..close];
        let replacement = if sub && name.starts_with('!') {
            Some(format!("${{{}}}", &name[1..]))
        } else {
            match lookup(name) {
                Some(Substitute::Text(t)) => Some(t),
                _ => None,
            }
        };
        if let Some(replacement) = replacement {
            out_origin.push_from(out.len(), origin, copied, open - copied);
            out.push_str(&s[copied..open]);
            let (placeholder_at, _) = origin.map(open);
            out_origin.push(out.len(), replacement.len(), placeholder_at, 0, false);
            out.push_str(&replacement);
            copied = close + 1;
        }
        search = close + 1;
    }
    out_origin.push_from(out.len(), origin, copied, s.len() - copied);
    out.push_str(&s[copied..]);
    (out, out_origin)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn substitute_keeps_unknown_placeholders_and_maps_the_rest() {
        let s = "a ${X} b ${Y} c ${!Z}";
        let origin = Origin::identity(s.len());
        let (out, out_origin) = substitute(s, &origin, true, &|name| {
            (name == "X").then(|| Substitute::Text("xx".into()))
        });
        assert_eq!(out, "a xx b ${Y} c ${Z}");
        // "b" after the substitution still maps to its own place.
        let b = out.find('b').unwrap();
        assert_eq!(out_origin.map(b), (s.find('b').unwrap(), true));
        // The substituted text maps to its placeholder.
        assert_eq!(out_origin.map(2), (2, false));
    }
}
