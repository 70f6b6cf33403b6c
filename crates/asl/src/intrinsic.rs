//! ASL intrinsic functions (`States.Format(…)`, `States.Array(…)`, …): parsing and arity rules.
