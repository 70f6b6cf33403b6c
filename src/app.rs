//! The root component: owns the app state (a reducer) and lays out the panels.

use yew::prelude::*;

use crate::components::app_header::AppHeader;
use crate::components::asl_editor::AslEditor;
use crate::components::definition_outline::DefinitionOutline;
use crate::components::diagnostics_panel::DiagnosticsPanel;
use crate::state::{Action, AppState};

#[component]
pub fn App() -> Html {
    let state = use_reducer(AppState::initial);

    let on_edit = {
        let state = state.dispatcher();
        Callback::from(move |text: String| state.dispatch(Action::Edit(text)))
    };
    let on_open_example = {
        let state = state.dispatcher();
        Callback::from(move |id: String| state.dispatch(Action::OpenExample(id)))
    };
    let on_reveal = {
        let state = state.dispatcher();
        Callback::from(move |(line, column): (u32, u32)| {
            state.dispatch(Action::Reveal { line, column })
        })
    };

    let analysis = &state.analysis;
    html! {
        <div class="app">
            <AppHeader
                example_id={state.example.id}
                n_errors={analysis.n_errors()}
                n_warnings={analysis.n_warnings()}
                on_open_example={on_open_example}
            />
            <main class="workspace">
                <section class="panel editor-panel" aria-labelledby="definition-heading">
                    <header class="panel-header">
                        <div>
                            <h2 id="definition-heading" class="panel-title">{ "Definition" }</h2>
                            <p class="panel-subtitle">
                                { state.example.title.en }
                                if state.edited {
                                    <span class="edited-flag">{ " · edited" }</span>
                                }
                            </p>
                        </div>
                        if let Some(format) = analysis.format {
                            <span class="chip chip-format" data-testid="source-format">
                                { crate::state::format_label(format) }
                            </span>
                        }
                    </header>
                    <AslEditor
                        text={state.text.clone()}
                        marks={analysis.marks.clone()}
                        caret={state.caret}
                        on_edit={on_edit}
                    />
                </section>
                <aside class="side">
                    <DiagnosticsPanel
                        diagnostics={analysis.diagnostics.clone()}
                        on_reveal={on_reveal}
                    />
                    <DefinitionOutline outline={analysis.outline.clone()} />
                </aside>
            </main>
        </div>
    }
}
