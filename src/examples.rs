//! The built-in examples the page can open: a definition and a scenario each, stored as
//! files under `static/examples/` (also published beside the page, so they can be downloaded).

/// One built-in example.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Example {
    /// Stable identifier (used in the picker and, later, in share links).
    pub id: &'static str,
    pub title: &'static str,
    /// One sentence: what the example shows.
    pub description: &'static str,
    /// The ASL definition, as the user would paste it.
    pub definition: &'static str,
    /// The scenario document (see PRODUCT.md) that goes with it.
    pub scenario: &'static str,
}

/// Every built-in example; the first is the one the page opens on.
pub const EXAMPLES: &[Example] = &[
    Example {
        id: "order-processing",
        title: "Order processing — Distributed Map",
        description: "Three Lambda tasks per order with backoff-and-jitter retries, invalid \
                      orders quarantined, and a Map Run that tolerates 5 % failed orders.",
        definition: include_str!("../static/examples/order-processing.asl.json"),
        scenario: include_str!("../static/examples/order-processing.scenario.json"),
    },
    Example {
        id: "throttled-lambda",
        title: "Throttled Lambda — adaptive retry",
        description: "A thousand Express children against a Lambda concurrency limit: throttles \
                      retried with capped backoff and full jitter, at most 10 failed images.",
        definition: include_str!("../static/examples/throttled-lambda.asl.json"),
        scenario: include_str!("../static/examples/throttled-lambda.scenario.json"),
    },
];

/// The example the page opens on.
pub fn default_example() -> &'static Example {
    &EXAMPLES[0]
}

/// The example with this id, if there is one.
pub fn example(id: &str) -> Option<&'static Example> {
    EXAMPLES.iter().find(|example| example.id == id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_example_definition_loads_without_diagnostics() {
        for example in EXAMPLES {
            let loaded = asl::load(example.definition, &asl::LoadOptions::default());
            assert!(
                loaded.diagnostics.is_empty(),
                "{}: {:#?}",
                example.id,
                loaded.diagnostics
            );
            assert!(loaded.model.is_some(), "{}", example.id);
        }
    }

    #[test]
    fn every_example_scenario_is_a_json_object() {
        for example in EXAMPLES {
            let scenario: serde_json::Value =
                serde_json::from_str(example.scenario).unwrap_or_default();
            assert!(scenario.is_object(), "{}", example.id);
        }
    }

    #[test]
    fn example_ids_are_unique_and_found() {
        for (index, candidate) in EXAMPLES.iter().enumerate() {
            assert_eq!(
                EXAMPLES.iter().position(|e| e.id == candidate.id),
                Some(index)
            );
            assert_eq!(example(candidate.id), Some(candidate));
        }
        assert_eq!(example("no-such-example"), None);
    }
}
