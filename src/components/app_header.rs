//! The top bar: the product's name, the example picker and the definition's overall status.

use yew::prelude::*;

use crate::examples::EXAMPLES;

#[derive(Properties, PartialEq)]
pub struct AppHeaderProps {
    /// The id of the example currently open.
    pub example_id: AttrValue,
    pub n_errors: usize,
    pub n_warnings: usize,
    /// Called with the id of the example the user picked.
    pub on_open_example: Callback<String>,
}

#[component]
pub fn AppHeader(props: &AppHeaderProps) -> Html {
    let on_change = {
        let on_open_example = props.on_open_example.clone();
        Callback::from(move |event: Event| {
            let select: web_sys::HtmlSelectElement = event.target_unchecked_into();
            on_open_example.emit(select.value());
        })
    };

    let (status_class, status_icon, status_text) = match (props.n_errors, props.n_warnings) {
        (0, 0) => ("status status-ok", "✓", "Valid definition".to_string()),
        (0, warnings) => (
            "status status-warning",
            "▲",
            format!("{warnings} {}", plural(warnings, "warning", "warnings")),
        ),
        (errors, _) => (
            "status status-error",
            "✕",
            format!("{errors} {}", plural(errors, "error", "errors")),
        ),
    };

    html! {
        <header class="app-header">
            <div class="brand">
                <svg class="brand-mark" viewBox="0 0 32 32" aria-hidden="true">
                    <rect x="1" y="1" width="30" height="30" rx="8" class="brand-mark-tile" />
                    <circle cx="9" cy="16" r="3.2" class="brand-mark-node" />
                    <path d="M12 16 L20 8.5 M12 16 L20 16 M12 16 L20 23.5" class="brand-mark-edge" />
                    <circle cx="22.5" cy="8.5" r="2.4" class="brand-mark-leaf" />
                    <circle cx="22.5" cy="16" r="2.4" class="brand-mark-leaf" />
                    <circle cx="22.5" cy="23.5" r="2.4" class="brand-mark-leaf brand-mark-leaf-failed" />
                </svg>
                <div class="brand-text">
                    <span class="brand-name">{ "mapsim" }</span>
                    <span class="brand-tagline">{ "When does my Distributed Map fail?" }</span>
                </div>
            </div>
            <div class="header-tools">
                <label class="field">
                    <span class="field-label">{ "Example" }</span>
                    <select class="select" data-testid="example-picker" onchange={on_change}>
                        { for EXAMPLES.iter().map(|example| html! {
                            <option
                                value={example.id}
                                selected={example.id == props.example_id.as_str()}
                            >
                                { example.title.en }
                            </option>
                        }) }
                    </select>
                </label>
                <span class={status_class} data-testid="definition-status" role="status">
                    <span class="status-icon" aria-hidden="true">{ status_icon }</span>
                    { status_text }
                </span>
            </div>
        </header>
    }
}

fn plural(n: usize, one: &'static str, many: &'static str) -> &'static str {
    if n == 1 {
        one
    } else {
        many
    }
}
