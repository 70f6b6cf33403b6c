//! JSONPath data flow: values passed between states, payload templates, and the context object.
//!
//! A value in flight is a [`Data`]: a shared JSON value, or a reference to a Distributed Map
//! item that has not been turned into JSON yet, or to an Inline Map item still inside the input
//! it was selected from ([`ItemArray`]). Most iterations and child workflows never look inside
//! their item (a Task that passes its input through returns it unchanged), so a million items
//! cost no allocation until a Choice, a path or a template actually needs the JSON.
//!
//! Templates (`Parameters`, `ItemSelector`, `ResultSelector`, JSONPath `Assign`) are compiled
//! once into [`Template`]s with pre-parsed paths and intrinsic calls; evaluating one needs the
//! [`Roots`]: the input (`$`), the context object (`$$`, built only when a template uses it) and
//! the variables (`$name`).

use std::cell::{OnceCell, RefCell};
use std::collections::BTreeMap;
use std::rc::Rc;

use asl::intrinsic::{self, Call};
use asl::path::{EvalError, Path, Root, Segment, Selector};
use serde_json::{Map as JsonObject, Value};

/// A JSON value in flight.
#[derive(Debug, Clone)]
pub enum Data {
    Json(Rc<Value>),
    /// Item `index` of Map Run `run`, exactly as the item source holds it.
    Item {
        run: u32,
        index: u32,
    },
    /// Item `index` of an Inline Map's array, still inside the input it was selected from.
    Element {
        items: Rc<ItemArray>,
        index: u32,
    },
}

/// An Inline Map's items where its `ItemsPath` found them: the shared input and the path (a plain
/// reference path, or `$`). An iteration's item stays a reference into this array until a state
/// looks inside it; most never do (a Task passing its input through, the history recording it),
/// so a 1,000-item Map copies no item.
#[derive(Debug)]
pub struct ItemArray {
    root: Rc<Value>,
    path: Option<Path>,
    len: usize,
    /// The largest [`json_size_bound`] of an item: when it is within the payload limit, no
    /// item needs looking at to know it is within it too.
    largest_bound: u64,
}

/// The largest item bounds of the item arrays met so far, each by the shared value holding it
/// and its place in that value: the simulations of one scenario (reruns, other seeds) iterate
/// over the same input, and find its bound here instead of walking every item again. A shared
/// value never changes, and the list holds it, so a place stays its array's. Clones share the
/// list; it keeps the last [`ItemBounds::KEPT`] arrays.
#[derive(Debug, Clone, Default)]
pub struct ItemBounds(Rc<RefCell<Vec<KnownBound>>>);

#[derive(Debug)]
struct KnownBound {
    root: Rc<Value>,
    array: *const Vec<Value>,
    largest: u64,
}

/// A cache: equal whatever it holds.
impl PartialEq for ItemBounds {
    fn eq(&self, _other: &ItemBounds) -> bool {
        true
    }
}

impl ItemBounds {
    const KEPT: usize = 8;

    /// The largest bound of the items of `array`, inside `root`: known, or computed now.
    fn largest(&self, root: &Rc<Value>, array: &Vec<Value>, compute: impl FnOnce() -> u64) -> u64 {
        let place: *const Vec<Value> = array;
        let mut known = self.0.borrow_mut();
        if let Some(k) = known
            .iter()
            .find(|k| Rc::ptr_eq(&k.root, root) && k.array == place)
        {
            return k.largest;
        }
        let largest = compute();
        if known.len() >= Self::KEPT {
            known.remove(0);
        }
        known.push(KnownBound {
            root: root.clone(),
            array: place,
            largest,
        });
        largest
    }
}

impl ItemArray {
    /// The array at `path` (`None`: the root itself; otherwise member names only) in `root`,
    /// if there is one there. `bounds` may know its items' largest bound already.
    pub fn new(root: Rc<Value>, path: Option<Path>, bounds: &ItemBounds) -> Option<ItemArray> {
        let mut items = ItemArray {
            root,
            path,
            len: 0,
            largest_bound: 0,
        };
        let Some(Value::Array(array)) = items.array() else {
            return None;
        };
        let len = array.len();
        let largest_bound = bounds.largest(&items.root, array, || {
            array
                .iter()
                .map(|item| json_size_bound(item, u64::MAX).unwrap_or(u64::MAX))
                .max()
                .unwrap_or(0)
        });
        items.len = len;
        items.largest_bound = largest_bound;
        Some(items)
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Whether item `index` serializes to more than `limit` bytes (as [`json_size_exceeds`]).
    #[inline]
    pub fn item_exceeds(&self, index: u32, limit: u64) -> bool {
        self.largest_bound > limit && json_size_exceeds(self.item(index), limit)
    }

    /// The array, found again at each look (a member lookup per name: no allocation, which
    /// [`Path::find`] makes for its error messages).
    fn array(&self) -> Option<&Value> {
        let mut value = &*self.root;
        for segment in self.path.iter().flat_map(|p| p.segments()) {
            let Segment::Child(Selector::Name(name)) = segment else {
                return None;
            };
            value = value.get(name.as_str())?;
        }
        Some(value)
    }

    pub fn items(&self) -> &[Value] {
        match self.array() {
            Some(Value::Array(items)) => items,
            _ => &[],
        }
    }

    /// Item `index` (`null` past the end, which no iteration reaches).
    pub fn item(&self, index: u32) -> &Value {
        self.items().get(index as usize).unwrap_or(&NULL)
    }
}

static NULL: Value = Value::Null;

/// A JSON value a history event holds: shared, or an Inline Map item still in its array.
#[derive(Debug, Clone)]
pub enum SharedValue {
    Json(Rc<Value>),
    Element(Rc<ItemArray>, u32),
}

impl SharedValue {
    pub fn value(&self) -> &Value {
        match self {
            SharedValue::Json(value) => value,
            SharedValue::Element(items, index) => items.item(*index),
        }
    }
}

impl From<Rc<Value>> for SharedValue {
    fn from(value: Rc<Value>) -> SharedValue {
        SharedValue::Json(value)
    }
}

impl PartialEq for SharedValue {
    fn eq(&self, other: &SharedValue) -> bool {
        self.value() == other.value()
    }
}

impl Data {
    pub fn json(value: Value) -> Data {
        Data::Json(Rc::new(value))
    }

    pub fn empty_object() -> Data {
        Data::json(Value::Object(JsonObject::new()))
    }
}

/// Turns [`Data::Item`] references into JSON.
pub trait ItemSource {
    fn item_value(&self, run: u32, index: u32) -> Value;
    /// Serialized size of the item in bytes (without building it when possible).
    fn item_size(&self, run: u32, index: u32) -> usize;
}

/// Serialized length of a value, without building the string.
pub fn json_size(value: &Value) -> usize {
    struct Counter(usize);
    impl std::io::Write for Counter {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0 += buf.len();
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut counter = Counter(0);
    // Writing to a counter cannot fail; an error would only under-count.
    let _ = serde_json::to_writer(&mut counter, value);
    counter.0
}

/// Whether a value serializes to more than `limit` bytes. Most values are far below the limit
/// (Step Functions' payload limit is 256 KiB), so a bound computed without formatting anything —
/// every string at its longest escaping, every number at its longest form — settles them; only a
/// value whose bound passes the limit is serialized to count its bytes exactly.
pub fn json_size_exceeds(value: &Value, limit: u64) -> bool {
    match json_size_bound(value, limit) {
        Some(bound) if bound <= limit => false,
        _ => json_size(value) as u64 > limit,
    }
}

/// An upper bound of a value's serialized length, or `None` once it passes `budget`.
fn json_size_bound(value: &Value, budget: u64) -> Option<u64> {
    // A string is at most six bytes per byte (`\u001f`) and its quotes; a number at most 24
    // bytes (the longest shortest-round-trip `f64`; integers need at most 20).
    let string = |s: &str| 2 + 6 * s.len() as u64;
    let bound = match value {
        Value::Null | Value::Bool(_) => 5,
        Value::Number(_) => 24,
        Value::String(s) => string(s),
        Value::Array(items) => {
            let mut total = 2 + items.len() as u64;
            for item in items {
                total += json_size_bound(item, budget.checked_sub(total)?)?;
            }
            total
        }
        Value::Object(map) => {
            let mut total = 2 + 2 * map.len() as u64;
            for (key, item) in map {
                total += string(key);
                total += json_size_bound(item, budget.checked_sub(total)?)?;
            }
            total
        }
    };
    (bound <= budget).then_some(bound)
}

/// Variables visible to a state: its own scope and, read-only, the enclosing ones (an Inline Map
/// iteration or Parallel branch reads the variables of the workflow around it).
#[derive(Debug, Clone, Default)]
pub struct Variables {
    pub values: BTreeMap<String, Value>,
    pub parent: Option<Rc<Variables>>,
}

impl Variables {
    pub fn get(&self, name: &str) -> Option<&Value> {
        match self.values.get(name) {
            Some(v) => Some(v),
            None => self.parent.as_ref().and_then(|p| p.get(name)),
        }
    }
}

/// Builds the context object on demand.
pub trait ContextSource {
    fn context_object(&self) -> Value;

    /// The Map item the context object's `Map.Item` would hold (its index and value), when
    /// there is one: `$$.Map.Item.Value` and `$$.Map.Item.Index` are read from it without
    /// building the whole context object.
    fn map_item(&self) -> Option<(u64, &Value)> {
        None
    }
}

/// What paths in a template can refer to.
pub struct Roots<'a> {
    pub input: &'a Value,
    pub context: &'a dyn ContextSource,
    pub variables: Option<&'a Variables>,
    /// The context object, built on first use.
    pub context_cache: OnceCell<Value>,
    /// Seeded randomness for `States.UUID` / `States.MathRandom`.
    pub random: Option<&'a std::cell::RefCell<crate::rng::Stream>>,
}

impl<'a> Roots<'a> {
    pub fn new(
        input: &'a Value,
        context: &'a dyn ContextSource,
        variables: Option<&'a Variables>,
    ) -> Roots<'a> {
        Roots {
            input,
            context,
            variables,
            context_cache: OnceCell::new(),
            random: None,
        }
    }

    pub fn context(&self) -> &Value {
        self.context_cache
            .get_or_init(|| self.context.context_object())
    }

    /// The value a path's root names, or an error message when it is an unknown variable.
    pub fn root_value(&self, path: &Path) -> Result<&Value, String> {
        match path.root() {
            Root::Input => Ok(self.input),
            Root::Context => Ok(self.context()),
            Root::Variable(name) => self
                .variables
                .and_then(|v| v.get(name))
                .ok_or_else(|| format!("The variable '${name}' is not defined")),
        }
    }

    /// Evaluates a path over its root.
    pub fn select(&self, path: &Path) -> Result<Value, PathFailure> {
        if *path.root() == Root::Context {
            if let Some(value) = self.map_item_field(path) {
                return Ok(value);
            }
        }
        let root = self.root_value(path).map_err(PathFailure::Variable)?;
        path.evaluate(root).map_err(PathFailure::Eval)
    }
}

impl Roots<'_> {
    /// `$$.Map.Item.Value` or `$$.Map.Item.Index` exactly, from the Map item itself.
    fn map_item_field(&self, path: &Path) -> Option<Value> {
        use asl::path::{Segment::Child, Selector::Name};
        let [Child(Name(map)), Child(Name(item)), Child(Name(field))] = path.segments() else {
            return None;
        };
        if map != "Map" || item != "Item" {
            return None;
        }
        let (index, value) = self.context.map_item()?;
        match field.as_str() {
            "Value" => Some(value.clone()),
            "Index" => Some(Value::from(index)),
            _ => None,
        }
    }
}

/// Why a path in data flow failed.
#[derive(Debug, Clone)]
pub enum PathFailure {
    Variable(String),
    Eval(EvalError),
}

/// A data-flow failure: the error name and the cause text (without the "An error occurred
/// while executing the state …" prefix, which the engine adds).
#[derive(Debug, Clone, PartialEq)]
pub struct Failure {
    pub error: crate::errors::ErrorId,
    pub cause: String,
}

impl Failure {
    pub fn runtime(cause: impl Into<String>) -> Failure {
        Failure {
            error: crate::errors::names::RUNTIME,
            cause: cause.into(),
        }
    }
}

/// A compiled payload template.
#[derive(Debug, Clone)]
pub enum Template {
    /// A value with no `.$` keys anywhere: returned as is.
    Literal(Rc<Value>),
    Object(Vec<(String, Template)>),
    Array(Vec<Template>),
    /// `"key.$": "$.path"` (the key has lost its `.$`).
    Path(Path),
    /// `"key.$": "States.…(…)"`.
    Call(Box<Call>),
}

/// A template that could not be compiled (the validator reports these too; the engine refuses
/// to run a definition that has them).
#[derive(Debug, Clone, PartialEq)]
pub struct TemplateError {
    pub key: String,
    pub message: String,
}

impl Template {
    pub fn compile(value: &Value) -> Result<Template, TemplateError> {
        if !has_dynamic_keys(value) {
            return Ok(Template::Literal(Rc::new(value.clone())));
        }
        match value {
            Value::Object(map) => {
                let mut fields = Vec::with_capacity(map.len());
                for (key, v) in map {
                    if let Some(name) = key.strip_suffix(".$") {
                        let Value::String(text) = v else {
                            return Err(TemplateError {
                                key: key.clone(),
                                message: format!(
                                    "the value of `{key}` must be a path or an intrinsic function string"
                                ),
                            });
                        };
                        let compiled = if intrinsic::looks_like_call(text) {
                            intrinsic::parse(text)
                                .map(|c| Template::Call(Box::new(c)))
                                .map_err(|e| TemplateError {
                                    key: key.clone(),
                                    message: e.to_string(),
                                })?
                        } else {
                            Path::parse(text)
                                .map(Template::Path)
                                .map_err(|e| TemplateError {
                                    key: key.clone(),
                                    message: e.to_string(),
                                })?
                        };
                        fields.push((name.to_string(), compiled));
                    } else {
                        fields.push((key.clone(), Template::compile(v)?));
                    }
                }
                Ok(Template::Object(fields))
            }
            Value::Array(items) => Ok(Template::Array(
                items
                    .iter()
                    .map(Template::compile)
                    .collect::<Result<_, _>>()?,
            )),
            other => Ok(Template::Literal(Rc::new(other.clone()))),
        }
    }

    /// Whether the template reads its input (`$`) only as the whole of one field, `$.field`,
    /// and calls no intrinsic function: then it reads the same from any input with the same
    /// `field`, and cannot fail on it when the field is there.
    pub fn reads_input_only_as(&self, field: &str) -> bool {
        match self {
            Template::Literal(_) => true,
            Template::Object(fields) => fields.iter().all(|(_, t)| t.reads_input_only_as(field)),
            Template::Array(items) => items.iter().all(|t| t.reads_input_only_as(field)),
            Template::Path(p) => match p.root() {
                Root::Input => matches!(
                    p.segments(),
                    [asl::path::Segment::Child(asl::path::Selector::Name(name))] if name == field
                ),
                Root::Context | Root::Variable(_) => true,
            },
            Template::Call(_) => false,
        }
    }

    /// Whether the template reads nothing of its input (`$`) and calls no intrinsic function.
    fn reads_no_input(&self) -> bool {
        match self {
            Template::Literal(_) => true,
            Template::Object(fields) => fields.iter().all(|(_, t)| t.reads_no_input()),
            Template::Array(items) => items.iter().all(Template::reads_no_input),
            Template::Path(p) => *p.root() != Root::Input,
            Template::Call(_) => false,
        }
    }

    /// When the template is an object one of whose fields is `$.field` whole, and nothing else
    /// in it reads its input: that field's key. Its value can then be moved from the input into
    /// the output instead of copied (see the engine's `output_built`).
    pub fn moves_field(&self, field: &str) -> Option<String> {
        let Template::Object(fields) = self else {
            return None;
        };
        let mut found = None;
        for (key, t) in fields {
            if t.reads_no_input() {
                continue;
            }
            if found.is_some() || !matches!(t, Template::Path(_)) || !t.reads_input_only_as(field) {
                return None;
            }
            found = Some(key.clone());
        }
        found
    }

    /// Whether evaluating the template reads the context object.
    pub fn uses_context(&self) -> bool {
        match self {
            Template::Literal(_) => false,
            Template::Object(fields) => fields.iter().any(|(_, t)| t.uses_context()),
            Template::Array(items) => items.iter().any(Template::uses_context),
            Template::Path(p) => *p.root() == Root::Context,
            Template::Call(call) => call_uses_context(call),
        }
    }

    pub fn evaluate(&self, roots: &Roots<'_>) -> Result<Value, Failure> {
        self.evaluate_field(roots, "")
    }

    fn evaluate_field(&self, roots: &Roots<'_>, key: &str) -> Result<Value, Failure> {
        match self {
            Template::Literal(v) => Ok((**v).clone()),
            Template::Object(fields) => {
                let mut map = JsonObject::new();
                for (name, template) in fields {
                    let value = template.evaluate_field(roots, name)?;
                    map.insert(name.clone(), value);
                }
                Ok(Value::Object(map))
            }
            Template::Array(items) => Ok(Value::Array(
                items
                    .iter()
                    .map(|t| t.evaluate_field(roots, key))
                    .collect::<Result<_, _>>()?,
            )),
            Template::Path(path) => roots.select(path).map_err(|failure| match failure {
                PathFailure::Variable(message) => Failure::runtime(message),
                PathFailure::Eval(EvalError::Unsupported(what)) => {
                    Failure::runtime(format!("{what} is not supported by mapsim (in '{key}.$')"))
                }
                PathFailure::Eval(_) => {
                    let shown = match path.root() {
                        Root::Context => roots.context(),
                        _ => roots.input,
                    };
                    Failure::runtime(format!(
                        "The JSONPath '{}' specified for the field '{key}.$' could not be found in the input '{}'",
                        path.text(),
                        compact(shown)
                    ))
                }
            }),
            Template::Call(call) => crate::intrinsics::evaluate(call, roots).map_err(|message| {
                Failure::runtime(format!(
                    "The value for the field '{key}.$' must be a valid intrinsic function: {message}"
                ))
            }),
        }
    }
}

fn call_uses_context(call: &Call) -> bool {
    call.args.iter().any(|a| match a {
        intrinsic::Arg::Path(p) => *p.root() == Root::Context,
        intrinsic::Arg::Call(c) => call_uses_context(c),
        intrinsic::Arg::Literal(_) => false,
    })
}

fn has_dynamic_keys(value: &Value) -> bool {
    match value {
        Value::Object(map) => map
            .iter()
            .any(|(k, v)| k.ends_with(".$") || has_dynamic_keys(v)),
        Value::Array(items) => items.iter().any(has_dynamic_keys),
        _ => false,
    }
}

/// Compact JSON text of a value (for causes and history events).
pub fn compact(value: &Value) -> String {
    serde_json::to_string(value).unwrap_or_default()
}

/// An `InputPath` / `OutputPath` / `ItemsPath` field.
#[derive(Debug, Clone)]
pub enum Selection {
    /// Absent or `$`: the value itself.
    Identity,
    /// `null`: an empty object.
    Null,
    Path(Path),
}

impl Selection {
    pub fn compile(field: &Option<Option<String>>) -> Result<Selection, String> {
        match field {
            None => Ok(Selection::Identity),
            Some(None) => Ok(Selection::Null),
            Some(Some(text)) => {
                let path = Path::parse(text).map_err(|e| e.to_string())?;
                if path.is_identity() {
                    Ok(Selection::Identity)
                } else {
                    Ok(Selection::Path(path))
                }
            }
        }
    }

    pub fn is_identity(&self) -> bool {
        matches!(self, Selection::Identity)
    }

    /// Applies the selection. `missing` words the error as Step Functions does for this field
    /// ("No results for path" for InputPath, "Missing property in path" for OutputPath).
    pub fn apply(&self, roots: &Roots<'_>, output_field: bool) -> Result<Value, Failure> {
        match self {
            Selection::Identity => Ok(roots.input.clone()),
            Selection::Null => Ok(Value::Object(JsonObject::new())),
            Selection::Path(path) => roots.select(path).map_err(|failure| match failure {
                PathFailure::Variable(message) => Failure::runtime(message),
                PathFailure::Eval(EvalError::Missing { at }) if !output_field => Failure::runtime(
                    format!("Invalid path '{}' : No results for path: {at}", path.text()),
                ),
                PathFailure::Eval(e) => {
                    Failure::runtime(format!("Invalid path '{}' : {e}", path.text()))
                }
            }),
        }
    }
}

/// A `ResultPath` field.
#[derive(Debug, Clone)]
pub enum ResultPath {
    /// Absent or `$`: the result replaces the input.
    Replace,
    /// `null`: the result is discarded, the input passes through.
    Discard,
    Path(Path),
}

impl ResultPath {
    pub fn compile(field: &Option<Option<String>>) -> Result<ResultPath, String> {
        match field {
            None => Ok(ResultPath::Replace),
            Some(None) => Ok(ResultPath::Discard),
            Some(Some(text)) => {
                let path = Path::parse(text).map_err(|e| e.to_string())?;
                if path.is_identity() {
                    Ok(ResultPath::Replace)
                } else if *path.root() != Root::Input || !path.is_reference() {
                    Err(format!(
                        "ResultPath '{text}' must be a reference path starting with '$'"
                    ))
                } else {
                    Ok(ResultPath::Path(path))
                }
            }
        }
    }

    /// Like [`ResultPath::apply`], over shared values: `$` and `null` pass the result or the
    /// input on without copying it.
    pub fn apply_shared(&self, input: &Rc<Value>, result: Rc<Value>) -> Result<Rc<Value>, Failure> {
        match self {
            ResultPath::Replace => Ok(result),
            ResultPath::Discard => Ok(input.clone()),
            ResultPath::Path(_) => self.apply(input, Rc::unwrap_or_clone(result)).map(Rc::new),
        }
    }

    /// Like [`ResultPath::apply_shared`], taking the input: a one-step `$.name` on an object
    /// writes into it in place, without copying it, when nothing else holds it. On failure the
    /// input comes back untouched with the failure (for a catcher, which reads it).
    pub fn apply_owned(
        &self,
        input: Rc<Value>,
        result: Rc<Value>,
    ) -> Result<Rc<Value>, (Failure, Rc<Value>)> {
        use asl::path::{Segment::Child, Selector::Name};
        if let ResultPath::Path(path) = self {
            if let (Root::Input, [Child(Name(name))], true) =
                (path.root(), path.segments(), input.is_object())
            {
                let mut output = Rc::unwrap_or_clone(input);
                if let Value::Object(map) = &mut output {
                    map.insert(name.clone(), Rc::unwrap_or_clone(result));
                }
                return Ok(Rc::new(output));
            }
        }
        self.apply_shared(&input, result).map_err(|f| (f, input))
    }

    /// Combines the state's raw input and its result.
    pub fn apply(&self, input: &Value, result: Value) -> Result<Value, Failure> {
        match self {
            ResultPath::Replace => Ok(result),
            ResultPath::Discard => Ok(input.clone()),
            ResultPath::Path(path) => {
                let mut output = input.clone();
                path.assign(&mut output, result).map_err(|e| Failure {
                    error: crate::errors::names::RESULT_PATH_MATCH_FAILURE,
                    cause: format!(
                        "Unable to apply ResultPath '{}' to input '{}': {e}",
                        path.text(),
                        compact(input)
                    ),
                })?;
                Ok(output)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    struct Ctx;
    impl ContextSource for Ctx {
        fn context_object(&self) -> Value {
            json!({"Execution": {"Id": "exec-1"}, "Map": {"Item": {"Index": 3}}})
        }
    }

    #[test]
    fn item_bounds_are_found_again_for_the_same_shared_array_only() {
        let bounds = ItemBounds::default();
        let big = "x".repeat(1000);
        let root = Rc::new(json!({"items": [{"a": 1}, {"b": big}]}));
        let path = || Path::parse("$.items").ok();
        let first = ItemArray::new(root.clone(), path(), &bounds).map(|a| a.largest_bound);
        assert!(first.is_some_and(|b| b > 6000), "{first:?}");
        // The same shared value: the bound is found, not walked again (the list holds one).
        let again = ItemArray::new(root.clone(), path(), &bounds).map(|a| a.largest_bound);
        assert_eq!(again, first);
        assert_eq!(bounds.0.borrow().len(), 1);
        // An equal value that is not the same one is walked (and kept) on its own.
        let copy = Rc::new((*root).clone());
        let other = ItemArray::new(copy, path(), &bounds);
        assert_eq!(other.map(|a| a.largest_bound), first);
        assert_eq!(bounds.0.borrow().len(), 2);
        // The item over a small limit is still found over it, and the small one is not.
        let items = ItemArray::new(root, path(), &bounds);
        assert!(items.as_ref().is_some_and(|a| a.item_exceeds(1, 500)));
        assert!(items.is_some_and(|a| !a.item_exceeds(0, 500)));
    }

    #[test]
    fn item_bounds_keep_the_last_arrays_only() {
        let bounds = ItemBounds::default();
        for n in 0..ItemBounds::KEPT + 3 {
            let root = Rc::new(json!([n]));
            assert!(ItemArray::new(root, None, &bounds).is_some());
        }
        assert_eq!(bounds.0.borrow().len(), ItemBounds::KEPT);
    }

    fn template(value: Value) -> Template {
        Template::compile(&value).unwrap_or_else(|e| panic!("{e:?}"))
    }

    #[test]
    fn evaluates_templates() {
        let input = json!({"a": {"b": 1}, "list": [1, 2, 3], "name": "x"});
        let mut vars = Variables::default();
        vars.values.insert("greeting".into(), json!("hi"));
        let roots = Roots::new(&input, &Ctx, Some(&vars));
        let t = template(json!({
            "lit": {"k": [1, {"n": null}]},
            "b.$": "$.a.b",
            "all.$": "$.list[*]",
            "id.$": "$$.Execution.Id",
            "index.$": "$$.Map.Item.Index",
            "v.$": "$greeting",
            "nested": {"f.$": "States.Format('{}-{}', $.name, $.a.b)"},
            "arr": [{"x.$": "$.name"}]
        }));
        let got = t.evaluate(&roots).unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(
            got,
            json!({
                "lit": {"k": [1, {"n": null}]},
                "b": 1,
                "all": [1, 2, 3],
                "id": "exec-1",
                "index": 3,
                "v": "hi",
                "nested": {"f": "x-1"},
                "arr": [{"x": "x"}]
            })
        );
        assert!(t.uses_context());
        assert!(!template(json!({"a.$": "$.x"})).uses_context());
    }

    #[test]
    fn missing_paths_fail_as_step_functions_words_it() {
        let input = json!({"a": 1});
        let roots = Roots::new(&input, &Ctx, None);
        let t = template(json!({"value.$": "$.no_such_jsonpath"}));
        let failure = t
            .evaluate(&roots)
            .err()
            .unwrap_or_else(|| panic!("should fail"));
        assert_eq!(failure.error, crate::errors::names::RUNTIME);
        assert_eq!(
            failure.cause,
            "The JSONPath '$.no_such_jsonpath' specified for the field 'value.$' could not be found in the input '{\"a\":1}'"
        );
        let input_path = Selection::compile(&Some(Some("$.NoSuchInputPath".into())))
            .unwrap_or_else(|e| panic!("{e}"));
        let failure = input_path
            .apply(&roots, false)
            .err()
            .unwrap_or_else(|| panic!("fail"));
        assert_eq!(
            failure.cause,
            "Invalid path '$.NoSuchInputPath' : No results for path: $['NoSuchInputPath']"
        );
        let output_path = Selection::compile(&Some(Some("$.no.such.result.path".into())))
            .unwrap_or_else(|e| panic!("{e}"));
        let failure = output_path
            .apply(&roots, true)
            .err()
            .unwrap_or_else(|| panic!("fail"));
        assert_eq!(
            failure.cause,
            "Invalid path '$.no.such.result.path' : Missing property in path $['no']"
        );
    }

    #[test]
    fn result_path_rules() {
        let input = json!({"a": 1});
        let result = json!({"r": true});
        let cases = [
            (None, json!({"r": true})),
            (Some(None), json!({"a": 1})),
            (Some(Some("$".to_string())), json!({"r": true})),
            (
                Some(Some("$.out".to_string())),
                json!({"a": 1, "out": {"r": true}}),
            ),
        ];
        for (field, expected) in cases {
            let rp = ResultPath::compile(&field).unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(
                rp.apply(&input, result.clone()).ok(),
                Some(expected),
                "{field:?}"
            );
        }
        let rp = ResultPath::compile(&Some(Some("$.a.b".into()))).unwrap_or_else(|e| panic!("{e}"));
        let failure = rp
            .apply(&input, result)
            .err()
            .unwrap_or_else(|| panic!("fail"));
        assert_eq!(
            failure.error,
            crate::errors::names::RESULT_PATH_MATCH_FAILURE
        );
        assert!(ResultPath::compile(&Some(Some("$foo".into()))).is_err());
        assert!(ResultPath::compile(&Some(Some("$.a[*]".into()))).is_err());
    }

    #[test]
    fn literal_templates_are_not_rebuilt() {
        assert!(matches!(
            template(json!({"a": [1, 2]})),
            Template::Literal(_)
        ));
        assert!(Template::compile(&json!({"a.$": 3})).is_err());
        assert!(Template::compile(&json!({"a.$": "ipsum"})).is_err());
    }

    #[test]
    fn sizes() {
        assert_eq!(json_size(&json!({"index": 12})), 12);
        assert_eq!(json_size(&json!("é")), 4);
    }

    #[test]
    fn size_limits_are_exact() {
        // Values whose bound passes the limit are measured exactly, on both sides of it.
        let cases = [
            json!({"index": 12}),
            json!("\u{1}\u{2}\"quoted\"\\"),
            json!([1.5e300, -7, null, true, false, "é", {"a": [{}, []]}]),
            json!({"nested": {"deeper": vec![json!("x"); 40]}}),
        ];
        for value in cases {
            let size = json_size(&value) as u64;
            for limit in [0, size.saturating_sub(1), size, size + 1, 10 * size + 1000] {
                assert_eq!(
                    json_size_exceeds(&value, limit),
                    size > limit,
                    "{value} {limit}"
                );
            }
        }
    }
}
