//! The state machine picker, shown when the text is a template that holds several: which
//! machine the page reads (`asl::LoadOptions::machine`), by logical id.

use std::rc::Rc;

use asl::{ExecutionType, MachineEntry};
use web_sys::HtmlSelectElement;
use yew::prelude::*;

use crate::i18n::use_lang;

#[derive(Properties, PartialEq)]
pub struct MachinePickerProps {
    /// Every machine of the template (the picker shows nothing for fewer than two).
    pub machines: Rc<[MachineEntry]>,
    /// Index of the one read.
    pub selected: Option<usize>,
    /// Called with the logical id of the machine picked.
    pub on_select: Callback<String>,
}

#[component]
pub fn MachinePicker(props: &MachinePickerProps) -> Html {
    let lang = use_lang();
    if props.machines.len() < 2 {
        return Html::default();
    }
    let on_change = {
        let on_select = props.on_select.clone();
        Callback::from(move |event: Event| {
            let select: HtmlSelectElement = event.target_unchecked_into();
            on_select.emit(select.value());
        })
    };
    html! {
        <label class="machine-picker">
            <span class="machine-picker-label">
                { lang.t("State machine", "ステートマシン") }
            </span>
            <select class="form-input" data-testid="machine-picker" onchange={on_change}>
                { for props.machines.iter().enumerate().map(|(index, machine)| {
                    let mut facts = Vec::new();
                    if let Some(kind) = &machine.resource_type {
                        facts.push(kind.trim_start_matches("AWS::").replace("::StateMachine", ""));
                    }
                    if let Some(workflow) = machine.workflow_type {
                        facts.push(match workflow {
                            ExecutionType::Standard => "STANDARD".to_string(),
                            ExecutionType::Express => "EXPRESS".to_string(),
                        });
                    }
                    let label = if facts.is_empty() {
                        machine.name.clone()
                    } else {
                        format!("{} ({})", machine.name, facts.join(", "))
                    };
                    html! {
                        <option value={machine.name.clone()} selected={props.selected == Some(index)}>
                            { label }
                        </option>
                    }
                }) }
            </select>
            <span class="machine-picker-count">
                { match lang {
                    crate::i18n::Lang::En => format!("{} in this template", props.machines.len()),
                    crate::i18n::Lang::Ja => format!("このテンプレートに {} 個", props.machines.len()),
                } }
            </span>
        </label>
    }
}
