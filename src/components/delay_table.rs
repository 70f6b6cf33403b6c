//! The delay table of one retrier: for each retry n, the backoff `IntervalSeconds ×
//! BackoffRate^n`, the wait after `MaxDelaySeconds`, the FULL-jitter band, and the cumulative
//! worst case — computed by [`crate::graph::delays`] (which agrees with the engine's waits)
//! and written by [`crate::graph::tables::delay_table`].

use asl::Retrier;
use yew::prelude::*;

use crate::graph::delays::delay_plan;
use crate::graph::tables;
use crate::i18n::Lang;

#[derive(Properties, PartialEq)]
pub struct DelayTableProps {
    /// The page's language (English when not given, e.g. in a component test).
    #[prop_or_default]
    pub lang: Lang,
    pub retrier: Retrier,
    /// The retrier's place in its `Retry` array (from 0).
    pub index: usize,
}

#[component]
pub fn DelayTable(props: &DelayTableProps) -> Html {
    let lang = props.lang;
    let markup = use_memo(
        (props.retrier.clone(), props.index, lang),
        |(retrier, index, lang)| {
            Html::from_html_unchecked(
                tables::delay_table(*index, retrier, &delay_plan(retrier), *lang).into(),
            )
        },
    );
    html! { <div class="delay-table-host">{ (*markup).clone() }</div> }
}
