//! The state machine picker, shown when the text is a template that holds several: which
//! machine the page reads (`asl::LoadOptions::machine`), by logical id.

use asl::{ExecutionType, MachineEntry};
use web_sys::HtmlSelectElement;
use yew::prelude::*;

use crate::i18n::Lang;
use crate::state::Action;

/// The picker for `machines` (nothing for fewer than two), `selected` the index of the one
/// read; picking one sends [`Action::SelectMachine`] with its logical id. A function rather
/// than a component (see [`crate::components::form_fields::issues`] for why).
pub fn machine_picker(
    lang: Lang,
    machines: &[MachineEntry],
    selected: Option<usize>,
    on_action: &Callback<Action>,
) -> Html {
    if machines.len() < 2 {
        return Html::default();
    }
    let on_change = {
        let on_action = on_action.clone();
        Callback::from(move |event: Event| {
            let select: HtmlSelectElement = event.target_unchecked_into();
            on_action.emit(Action::SelectMachine(select.value()));
        })
    };
    html! {
        <label class="machine-picker">
            <span class="machine-picker-label">
                { lang.t("State machine", "ステートマシン") }
            </span>
            <select class="form-input" data-testid="machine-picker" onchange={on_change}>
                { for machines.iter().enumerate().map(|(index, machine)| {
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
                        <option value={machine.name.clone()} selected={selected == Some(index)}>
                            { label }
                        </option>
                    }
                }) }
            </select>
            <span class="machine-picker-count">
                { match lang {
                    Lang::En => format!("{} in this template", machines.len()),
                    Lang::Ja => format!("このテンプレートに {} 個", machines.len()),
                } }
            </span>
        </label>
    }
}
