//! The app's state and the reducer that changes it.
//!
//! Every edit of the definition goes through [`Action::Edit`], which runs `asl::load` on the
//! new text and keeps what it reports ([`Analysis`]). Components receive slices of this state
//! as props and send actions back; none of them calls `asl` or keeps its own copy of the text.

use std::rc::Rc;

use asl::{Diagnostic, Numeric, ProcessorMode, Severity, SourceFormat, StateKind};
use serde_json::Value;
use yew::{AttrValue, Reducible};

use crate::document_edit::DocumentEdit;
use crate::examples::{self, Example};
use crate::i18n::Lang;

mod document;
mod keep;

pub use document::{Document, Notice, MAX_FILE_BYTES};
pub use keep::{KeepNotice, Startup, Work};

/// What the page shows and edits.
#[derive(Debug, Clone, PartialEq)]
pub struct AppState {
    /// The example the text came from.
    pub example: &'static Example,
    /// Whether the text was changed since the example was opened.
    pub edited: bool,
    /// The definition as the user typed it.
    pub text: AttrValue,
    /// What `asl` reported about `text`.
    pub analysis: Analysis,
    /// The latest request to move the editor's caret (clicking a diagnostic).
    pub caret: Option<CaretRequest>,
    /// The scenario document as the user typed it.
    pub scenario_text: AttrValue,
    /// What `engine::scenario` reported about `scenario_text` (checked against the definition).
    pub scenario: ScenarioAnalysis,
    /// The logical id of the state machine picked in a template that holds several
    /// (`asl::LoadOptions::machine`); `None` reads the first.
    pub machine: Option<String>,
    /// The JSON pointer of the Distributed Map whose settings the settings panel shows;
    /// `None` shows the first one.
    pub shown_map: Option<String>,
    /// Something the page must tell about the last document action (a file that could not be
    /// opened, a form edit that could not keep the layout).
    pub notice: Option<Notice>,
    /// The page's language (remembered in local storage).
    pub lang: Lang,
    /// Something the page tells about keeping or sharing the work.
    pub keep_notice: Option<KeepNotice>,
    /// The file given for the scenario's `items.file` (what the ItemReader reads): its name,
    /// bytes and a digest of them. Kept for this page only, never stored or shared.
    pub item_file: Option<Rc<ItemFileGiven>>,
}

/// A file the reader gave the page for the scenario's `items.file`.
#[derive(Debug, PartialEq)]
pub struct ItemFileGiven {
    pub name: String,
    pub bytes: Rc<Vec<u8>>,
    pub digest: u64,
}

/// What the simulation needs to run: a definition without errors and a usable scenario.
/// `key` changes whenever either changes, so the playback driver knows to rebuild.
#[derive(Debug, Clone)]
pub struct RunInput {
    pub model: Rc<asl::StateMachine>,
    pub scenario: Rc<engine::scenario::Scenario>,
    pub key: u64,
}

impl PartialEq for RunInput {
    fn eq(&self, other: &Self) -> bool {
        self.key == other.key
    }
}

/// The parsed scenario and its problems (empty when it can be used).
#[derive(Debug, Clone, PartialEq)]
pub struct ScenarioAnalysis {
    pub parsed: Option<Rc<engine::scenario::Scenario>>,
    pub errors: Rc<[engine::scenario::ScenarioError]>,
}

impl ScenarioAnalysis {
    /// Parses `text` and, when a runnable definition is given, checks the scenario against it.
    pub fn of(text: &str, model: Option<&asl::StateMachine>) -> Self {
        match engine::scenario::parse(text) {
            Ok(scenario) => {
                let errors = model
                    .map(|model| engine::scenario::check_against(&scenario, model, Some(text)))
                    .unwrap_or_default();
                ScenarioAnalysis {
                    parsed: Some(Rc::new(scenario)),
                    errors: errors.into(),
                }
            }
            Err(errors) => ScenarioAnalysis {
                parsed: None,
                errors: errors.into(),
            },
        }
    }
}

/// Something the user did.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// The definition text changed (typing, pasting).
    Edit(String),
    /// Open a built-in example by id; unknown ids are ignored.
    OpenExample(String),
    /// Move the editor's caret to a position (from 1) and show it.
    Reveal {
        line: u32,
        column: u32,
    },
    /// The scenario text changed.
    EditScenario(String),
    /// A file was opened or dropped: its name and bytes (decoded here, so that invalid UTF-8
    /// becomes a notice rather than a garbled text).
    OpenFile {
        name: String,
        bytes: Vec<u8>,
    },
    /// Pick one of the state machines of a template, by logical id.
    SelectMachine(String),
    /// A settings form changed the definition: written into the text in place.
    EditDefinition(Vec<DocumentEdit>),
    /// The scenario form changed the scenario: written into its text in place.
    EditScenarioFields(Vec<DocumentEdit>),
    /// Show the settings of this Distributed Map (its JSON pointer).
    ShowMap(String),
    /// Something went wrong before the state could be asked (a file too large to read).
    Notify(Notice),
    DismissNotice,
    /// Switch the page's language.
    SetLang(Lang),
    /// Write the current example's fix into the texts.
    ApplyFix,
    /// Replace the work on the page (going back to the work a share link replaced).
    Restore(Rc<Work>),
    /// Show (or, with `None`, clear) a keep/share notice.
    KeepNotice(Option<KeepNotice>),
    /// The file the scenario's `items.file` names, given to the page: its name and bytes.
    ItemFile {
        name: String,
        bytes: Vec<u8>,
    },
}

/// A request for the editor to put its caret at `line:column`. `sequence` grows with every
/// request, so asking twice for the same place still moves the caret the second time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CaretRequest {
    pub line: u32,
    pub column: u32,
    pub sequence: u32,
}

impl AppState {
    /// The state the page opens on: the default example.
    pub fn initial() -> Self {
        Self::with_example(examples::default_example())
    }

    pub fn with_example(example: &'static Example) -> Self {
        let analysis = Analysis::of(example.definition);
        let scenario = ScenarioAnalysis::of(example.scenario, analysis.model.as_deref());
        AppState {
            example,
            edited: false,
            text: AttrValue::Static(example.definition),
            analysis,
            caret: None,
            scenario_text: AttrValue::Static(example.scenario),
            scenario,
            machine: None,
            shown_map: None,
            notice: None,
            lang: Lang::default(),
            keep_notice: None,
            item_file: None,
        }
    }

    /// This state with a new definition text, read with the picked machine when the text still
    /// holds it; the scenario is checked again against the new definition.
    pub fn with_text(&self, text: String, notice: Option<Notice>) -> AppState {
        let analysis = Analysis::of_machine(&text, self.machine.as_deref());
        let mut next = self.clone();
        next.machine = analysis.picked_machine().map(str::to_string);
        next.scenario = ScenarioAnalysis::of(&self.scenario_text, analysis.model.as_deref());
        next.analysis = analysis;
        next.text = AttrValue::from(text);
        next.edited = true;
        next.notice = notice;
        next
    }

    /// This state with a new scenario text.
    pub fn with_scenario_text(&self, text: String, notice: Option<Notice>) -> AppState {
        let mut next = self.clone();
        next.scenario = ScenarioAnalysis::of(&text, self.analysis.model.as_deref());
        next.scenario_text = AttrValue::from(text);
        next.edited = true;
        next.notice = notice;
        next
    }

    /// What the simulation should run, when both documents can be used.
    pub fn run_input(&self) -> Option<RunInput> {
        let model = self.analysis.model.clone()?;
        let mut scenario = self.scenario.parsed.clone()?;
        // The ItemReader reads the file given to the page for the scenario's `items.file`.
        if let (Some(given), Some(_)) = (&self.item_file, &scenario.item_file) {
            let mut with_file = (*scenario).clone();
            if let Some(file) = with_file.item_file.as_mut() {
                file.bytes = Some(given.bytes.clone());
            }
            scenario = Rc::new(with_file);
        }
        if !self.scenario.errors.is_empty() {
            return None;
        }
        let mut key = engine::report::Fnv::default();
        key.write(self.text.as_bytes());
        key.write(&[0]);
        key.write(self.scenario_text.as_bytes());
        if let Some(given) = &self.item_file {
            key.write(&given.digest.to_le_bytes());
        }
        // The same template text runs another machine when another one is picked.
        if let Some(machine) = &self.machine {
            key.write(&[0]);
            key.write(machine.as_bytes());
        }
        Some(RunInput {
            model,
            scenario,
            key: key.finish(),
        })
    }
}

/// How the definition is read when `machine` was picked in a template.
pub fn load_options(machine: Option<&str>) -> asl::LoadOptions {
    asl::LoadOptions {
        machine: machine.map(str::to_string),
        ..asl::LoadOptions::default()
    }
}

impl Default for AppState {
    fn default() -> Self {
        Self::initial()
    }
}

impl Reducible for AppState {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        match action {
            Action::Edit(text) => {
                if text == self.text.as_str() {
                    return self;
                }
                Rc::new(self.with_text(text, None))
            }
            Action::EditScenario(text) => {
                if text == self.scenario_text.as_str() {
                    return self;
                }
                Rc::new(self.with_scenario_text(text, None))
            }
            Action::OpenFile { name, bytes } => document::open_file(self, &name, &bytes),
            Action::ItemFile { name, bytes } => {
                let mut digest = engine::report::Fnv::default();
                digest.write(&bytes);
                let mut next = (*self).clone();
                next.item_file = Some(Rc::new(ItemFileGiven {
                    name,
                    bytes: Rc::new(bytes),
                    digest: digest.finish(),
                }));
                Rc::new(next)
            }
            Action::SelectMachine(machine) => document::select_machine(self, machine),
            Action::EditDefinition(edits) => document::edit_definition(self, &edits),
            Action::EditScenarioFields(edits) => document::edit_scenario(self, &edits),
            Action::ShowMap(pointer) => {
                let mut next = (*self).clone();
                next.shown_map = Some(pointer);
                Rc::new(next)
            }
            Action::Notify(notice) => {
                let mut next = (*self).clone();
                next.notice = Some(notice);
                Rc::new(next)
            }
            Action::DismissNotice => {
                if self.notice.is_none() {
                    return self;
                }
                let mut next = (*self).clone();
                next.notice = None;
                Rc::new(next)
            }
            Action::OpenExample(id) => match examples::example(&id) {
                Some(example) => {
                    let mut next = AppState::with_example(example);
                    next.lang = self.lang;
                    Rc::new(next)
                }
                None => self,
            },
            Action::SetLang(lang) => keep::set_lang(self, lang),
            Action::ApplyFix => keep::apply_fix(self),
            Action::Restore(work) => keep::restore(self, &work),
            Action::KeepNotice(notice) => keep::notify(self, notice),
            Action::Reveal { line, column } => {
                let sequence = self.caret.map_or(0, |caret| caret.sequence.wrapping_add(1));
                let mut next = (*self).clone();
                next.caret = Some(CaretRequest {
                    line,
                    column,
                    sequence,
                });
                Rc::new(next)
            }
        }
    }
}

/// What `asl::load` reported about the text, shaped for rendering.
#[derive(Debug, Clone, PartialEq)]
pub struct Analysis {
    pub format: Option<SourceFormat>,
    /// Every state machine found (several in some templates), for the machine picker.
    pub machines: Rc<[asl::MachineEntry]>,
    /// Index into `machines` of the one read.
    pub selected_machine: Option<usize>,
    /// The definition as JSON, as written (what the settings forms show and edit).
    pub definition: Option<Rc<Value>>,
    /// The model as far as it could be built, errors or not (the structure the settings forms
    /// follow, so that a definition with a bad value can still be fixed in the forms).
    pub structure: Option<Rc<asl::StateMachine>>,
    /// In the order `asl` reported them.
    pub diagnostics: Rc<[Diagnostic]>,
    /// One entry per line that has diagnostics, in line order.
    pub marks: Rc<[LineMark]>,
    /// An outline of the definition, when it could be read at all.
    pub outline: Option<Rc<Outline>>,
    /// The model, only when the definition has no errors (what the engine may run).
    pub model: Option<Rc<asl::StateMachine>>,
}

impl Analysis {
    pub fn of(text: &str) -> Self {
        Self::of_machine(text, None)
    }

    /// Reads `text`, picking the state machine `machine` when the text is a template that
    /// holds it (the first one otherwise).
    pub fn of_machine(text: &str, machine: Option<&str>) -> Self {
        let options = load_options(machine);
        let mut loaded = asl::load(text, &options);
        if options.machine.is_some() && loaded.selected.is_none() {
            // The picked machine is gone (the text changed): read the first one.
            loaded = asl::load(text, &asl::LoadOptions::default());
        }
        let marks = line_marks(&loaded.diagnostics);
        let outline = loaded
            .model
            .as_ref()
            .map(|model| Rc::new(Outline::of(model)));
        let runnable = !loaded.has_errors();
        let structure = loaded.model.map(Rc::new);
        let model = structure.clone().filter(|_| runnable);
        Analysis {
            format: loaded.format,
            diagnostics: loaded.diagnostics.into(),
            marks: marks.into(),
            outline,
            model,
            machines: loaded.machines.into(),
            selected_machine: loaded.selected,
            definition: loaded.definition.map(Rc::new),
            structure,
        }
    }

    /// The logical id of the machine read, when the text holds several to choose from.
    pub fn picked_machine(&self) -> Option<&str> {
        if self.machines.len() < 2 {
            return None;
        }
        let index = self.selected_machine?;
        self.machines.get(index).map(|entry| entry.name.as_str())
    }

    pub fn n_errors(&self) -> usize {
        self.diagnostics.iter().filter(|d| d.is_error()).count()
    }

    pub fn n_warnings(&self) -> usize {
        self.diagnostics.len() - self.n_errors()
    }
}

/// A line of the editor that has diagnostics: its worst severity and what they say.
#[derive(Debug, Clone, PartialEq)]
pub struct LineMark {
    pub line: u32,
    pub severity: Severity,
    /// The messages of the diagnostics on this line, one per line (for a tooltip).
    pub messages: String,
}

fn line_marks(diagnostics: &[Diagnostic]) -> Vec<LineMark> {
    let mut marks: Vec<LineMark> = Vec::new();
    for diagnostic in diagnostics {
        let Some(location) = diagnostic.location else {
            continue;
        };
        // Kept in line order as they are made (one mark per line), rather than sorted after:
        // a sort would add its own copy of the sort code to the page.
        match marks.binary_search_by_key(&location.line, |mark| mark.line) {
            Ok(found) => {
                let mark = &mut marks[found];
                // `Severity` orders `Error` before `Warning`: the smaller is the worse.
                mark.severity = mark.severity.min(diagnostic.severity);
                mark.messages.push('\n');
                mark.messages.push_str(&diagnostic.message);
            }
            Err(position) => marks.insert(
                position,
                LineMark {
                    line: location.line,
                    severity: diagnostic.severity,
                    messages: diagnostic.message.clone(),
                },
            ),
        }
    }
    marks
}

/// A few facts about the definition, for the side panel.
#[derive(Debug, Clone, PartialEq)]
pub struct Outline {
    pub comment: Option<String>,
    /// States at the top level.
    pub n_top_level_states: usize,
    /// States at every level, inside branches and processors too.
    pub n_states: usize,
    /// Every Map state, at any depth, in document order.
    pub maps: Vec<MapOutline>,
}

/// The settings of one Map state that decide when its run fails.
#[derive(Debug, Clone, PartialEq)]
pub struct MapOutline {
    pub name: String,
    pub distributed: bool,
    /// `STANDARD` / `EXPRESS` for a Distributed Map that says.
    pub execution_type: Option<&'static str>,
    pub n_child_states: usize,
    pub max_concurrency: Option<String>,
    pub tolerated_failure_count: Option<String>,
    pub tolerated_failure_percentage: Option<String>,
}

impl Outline {
    pub fn of(model: &asl::StateMachine) -> Self {
        let mut n_states = 0;
        let mut maps = Vec::new();
        model.walk(&mut |state| {
            n_states += 1;
            if let StateKind::Map(map) = &state.kind {
                maps.push(MapOutline {
                    name: state.name.clone(),
                    distributed: map.processor.mode == ProcessorMode::Distributed,
                    execution_type: map.processor.execution_type.map(|kind| match kind {
                        asl::ExecutionType::Standard => "STANDARD",
                        asl::ExecutionType::Express => "EXPRESS",
                    }),
                    n_child_states: map.processor.machine.states.len(),
                    max_concurrency: map.max_concurrency.as_ref().map(numeric_text),
                    tolerated_failure_count: map.tolerated_failure_count.as_ref().map(numeric_text),
                    tolerated_failure_percentage: map
                        .tolerated_failure_percentage
                        .as_ref()
                        .map(numeric_text),
                });
            }
        });
        Outline {
            comment: model.comment.clone(),
            n_top_level_states: model.states.len(),
            n_states,
            maps,
        }
    }
}

/// How a numeric field reads in the outline: the number, or where it comes from at run time.
fn numeric_text(value: &Numeric) -> String {
    match value {
        Numeric::Literal(number) => format_number(*number),
        Numeric::Path(path) => format!("from {path}"),
        Numeric::Jsonata(expression) => format!("{{% {expression} %}}"),
    }
}

fn format_number(number: f64) -> String {
    // Whole numbers without a trailing `.0`, as the user wrote them.
    if number.fract() == 0.0 && number.abs() < 1e15 {
        format!("{}", number as i64)
    } else {
        format!("{number}")
    }
}

/// How the page names a source format.
pub fn format_label(format: SourceFormat) -> &'static str {
    match format {
        SourceFormat::AslJson => "ASL · JSON",
        SourceFormat::AslYaml => "ASL · YAML",
        SourceFormat::TemplateJson => "CloudFormation · JSON",
        SourceFormat::TemplateYaml => "CloudFormation · YAML",
        SourceFormat::DescribeStateMachine => "describe-state-machine",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reduce(state: AppState, action: Action) -> AppState {
        (*Rc::new(state).reduce(action)).clone()
    }

    #[test]
    fn the_initial_state_is_the_default_example_without_diagnostics() {
        let state = AppState::initial();
        assert_eq!(state.example, examples::default_example());
        assert!(!state.edited);
        assert_eq!(state.analysis.diagnostics.len(), 0);
        let Some(outline) = &state.analysis.outline else {
            panic!("the example has an outline");
        };
        assert!(outline.maps.iter().any(|map| map.distributed));
    }

    #[test]
    fn editing_reanalyses_the_text_and_marks_it_edited() {
        let state = reduce(AppState::initial(), Action::Edit("{ not json".into()));
        assert!(state.edited);
        assert_eq!(state.text.as_str(), "{ not json");
        assert!(state.analysis.n_errors() >= 1);
        assert!(state.analysis.outline.is_none());
    }

    #[test]
    fn opening_an_example_replaces_the_text_and_unknown_ids_change_nothing() {
        let edited = reduce(AppState::initial(), Action::Edit("{}".into()));
        let reopened = reduce(
            edited.clone(),
            Action::OpenExample(examples::default_example().id.into()),
        );
        assert_eq!(reopened, AppState::initial());
        assert_eq!(
            reduce(edited.clone(), Action::OpenExample("nope".into())),
            edited
        );
    }

    #[test]
    fn revealing_the_same_place_twice_makes_two_distinct_requests() {
        let first = reduce(AppState::initial(), Action::Reveal { line: 3, column: 1 });
        let second = reduce(first.clone(), Action::Reveal { line: 3, column: 1 });
        assert_eq!(first.caret.map(|c| c.line), Some(3));
        assert_ne!(first.caret, second.caret);
    }

    #[test]
    fn line_marks_keep_the_worst_severity_and_every_message() {
        let at = |line| asl::Location {
            line,
            column: 1,
            start: 0,
            end: 0,
        };
        let mut warning = Diagnostic::warning("w", "", "first");
        warning.location = Some(at(4));
        let mut error = Diagnostic::error("e", "", "second");
        error.location = Some(at(4));
        let mut other = Diagnostic::warning("w", "", "third");
        other.location = Some(at(2));
        let unlocated = Diagnostic::error("e", "", "nowhere");
        let marks = line_marks(&[warning, error, other, unlocated]);
        assert_eq!(
            marks,
            vec![
                LineMark {
                    line: 2,
                    severity: Severity::Warning,
                    messages: "third".into()
                },
                LineMark {
                    line: 4,
                    severity: Severity::Error,
                    messages: "first\nsecond".into()
                },
            ]
        );
    }

    #[test]
    fn numbers_read_as_written() {
        let cases = [(5.0, "5"), (2.5, "2.5"), (0.0, "0"), (10000.0, "10000")];
        for (number, expected) in cases {
            assert_eq!(format_number(number), expected);
        }
    }
}
