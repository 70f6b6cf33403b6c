//! Traffic along the graph's edges, from how the engine's per-state counts changed between
//! two frames — the engine counts states, not transitions, so each edge is measured by the
//! count that moves when something takes it:
//! - a `Next` from a state: that state's normal exits (`succeeded`);
//! - a Catch: that catcher's catches;
//! - a Choice rule: the Choice's exits, shared among its targets by the entries the targets'
//!   other edges do not explain — first among targets that nothing else leads to unseen, the
//!   rest to a target that is also where its machine starts;
//! - a machine's start: its first state's entries that no other edge explains.
//!
//! That is exact for the usual shapes (a Choice fanning out, a Choice looping back to a Wait or
//! to the first state) and an approximation, good enough for an animation, when two Choices
//! lead to the same state.
//!
//! [`Flow`] turns these into a smoothed rate per second of wall time and a few discrete levels,
//! so the page changes an edge's animation class only when its traffic really changes. The page
//! samples a few times a second, not every frame (see the state graph component).

use engine::report::StateStats;

use super::scene::{EdgeKind, Scene};
use super::state_report::StateIndex;

/// What measures the traffic of one edge.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Measure {
    Entries(usize),
    Exits(usize),
    Catches { state: usize, catcher: usize },
    Choice { choice: usize, target: usize },
}

/// The counts traffic is measured by, for every state (by engine id).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Snapshot {
    entered: Vec<u64>,
    exited: Vec<u64>,
    caught: Vec<Vec<u64>>,
}

impl Snapshot {
    pub fn of(stats: &[StateStats]) -> Snapshot {
        Snapshot {
            entered: stats.iter().map(|s| s.entered).collect(),
            exited: stats.iter().map(|s| s.succeeded).collect(),
            caught: stats.iter().map(|s| s.catches_by_catcher.clone()).collect(),
        }
    }

    fn value(&self, measure: Measure) -> u64 {
        match measure {
            Measure::Entries(id) => self.entered.get(id).copied().unwrap_or(0),
            Measure::Exits(id) | Measure::Choice { choice: id, .. } => {
                self.exited.get(id).copied().unwrap_or(0)
            }
            Measure::Catches { state, catcher } => self
                .caught
                .get(state)
                .and_then(|c| c.get(catcher))
                .copied()
                .unwrap_or(0),
        }
    }

    /// Whether any count went down since `earlier` (the run was rebuilt or rewound).
    pub fn went_back_from(&self, earlier: &Snapshot) -> bool {
        let shrank = |now: &[u64], then: &[u64]| now.iter().zip(then).any(|(a, b)| a < b);
        self.entered.len() != earlier.entered.len()
            || shrank(&self.entered, &earlier.entered)
            || shrank(&self.exited, &earlier.exited)
    }
}

/// How one edge is measured, and the engine id of the state it leads to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Measured {
    pub measure: Measure,
    pub target: Option<usize>,
}

/// How each of the scene's edges is measured (`None` for an edge the engine has no count for,
/// e.g. after the definition changed and before the run was rebuilt).
pub fn measures(scene: &Scene, index: &StateIndex) -> Vec<Option<Measured>> {
    let id = |key: &str| index.id(key);
    scene
        .edges
        .iter()
        .map(|edge| {
            let measure = match edge.kind {
                EdgeKind::Start => Measure::Entries(id(&edge.to)?),
                EdgeKind::Next => Measure::Exits(id(&edge.from)?),
                EdgeKind::Catch { catcher } => Measure::Catches {
                    state: id(&edge.from)?,
                    catcher,
                },
                EdgeKind::Choice { .. } => Measure::Choice {
                    choice: id(&edge.from)?,
                    target: id(&edge.to)?,
                },
            };
            Some(Measured {
                measure,
                target: id(&edge.to),
            })
        })
        .collect()
}

/// How many executions took each edge between `before` and `after`.
pub fn transitions(measures: &[Option<Measured>], before: &Snapshot, after: &Snapshot) -> Vec<f64> {
    let delta = |measure: Measure| after.value(measure).saturating_sub(before.value(measure));
    let is_choice = |m: &Option<Measured>| {
        matches!(
            m,
            Some(Measured {
                measure: Measure::Choice { .. },
                ..
            })
        )
    };
    let is_start = |m: &Option<Measured>| {
        matches!(
            m,
            Some(Measured {
                measure: Measure::Entries(_),
                target: Some(_),
            })
        )
    };
    // Edges measured exactly by their source: Next and Catch.
    let mut moved: Vec<f64> = measures
        .iter()
        .map(|m| match m {
            Some(m) if !is_choice(&Some(*m)) && !is_start(&Some(*m)) => delta(m.measure) as f64,
            _ => 0.0,
        })
        .collect();
    let exact = moved.clone();
    // Entries of a state that exactly measured edges do not explain.
    let residual = |target: usize, moved: &[f64]| {
        let explained: f64 = measures
            .iter()
            .zip(moved)
            .filter(|(m, _)| !is_choice(m) && !is_start(m))
            .filter(|(m, _)| matches!(m, Some(m) if m.target == Some(target)))
            .map(|(_, moved)| *moved)
            .sum();
        (delta(Measure::Entries(target)) as f64 - explained).max(0.0)
    };
    let starts: Vec<usize> = measures
        .iter()
        .filter(|m| is_start(m))
        .filter_map(|m| m.and_then(|m| m.target))
        .collect();
    // Choices: share each one's exits among its targets.
    let mut into = vec![0.0; after.entered.len().max(before.entered.len())];
    let mut choices: Vec<usize> = Vec::new();
    for m in measures {
        if let Some(Measure::Choice { choice, .. }) = m.map(|m| m.measure) {
            if !choices.contains(&choice) {
                choices.push(choice);
            }
        }
    }
    let mut shares: Vec<(usize, usize, f64)> = Vec::new();
    for choice in choices {
        let mut exits = delta(Measure::Exits(choice)) as f64;
        let mut targets: Vec<usize> = Vec::new();
        for m in measures {
            if let Some(Measure::Choice { choice: c, target }) = m.map(|m| m.measure) {
                if c == choice && !targets.contains(&target) {
                    targets.push(target);
                }
            }
        }
        let (plain, starting): (Vec<usize>, Vec<usize>) =
            targets.iter().partition(|t| !starts.contains(t));
        for group in [plain, starting] {
            let wanted: Vec<f64> = group.iter().map(|&t| residual(t, &exact)).collect();
            let total: f64 = wanted.iter().sum();
            if total <= 0.0 {
                continue;
            }
            let given = exits.min(total);
            for (&target, want) in group.iter().zip(&wanted) {
                let share = given * want / total;
                shares.push((choice, target, share));
                if let Some(slot) = into.get_mut(target) {
                    *slot += share;
                }
            }
            exits -= given;
        }
    }
    for (m, out) in measures.iter().zip(moved.iter_mut()) {
        match m.map(|m| m.measure) {
            Some(Measure::Choice { choice, target }) => {
                // Two rules of one Choice to the same target share its part.
                let rules = measures
                    .iter()
                    .filter(|x| x.map(|x| x.measure) == Some(Measure::Choice { choice, target }))
                    .count()
                    .max(1);
                *out = shares
                    .iter()
                    .filter(|(c, t, _)| *c == choice && *t == target)
                    .map(|(_, _, s)| s)
                    .sum::<f64>()
                    / rules as f64;
            }
            Some(Measure::Entries(target)) if is_start(m) => {
                let from_choices = into.get(target).copied().unwrap_or(0.0);
                *out = (residual(target, &exact) - from_choices).max(0.0);
            }
            _ => {}
        }
    }
    moved
}

/// How many traffic levels an edge can show (0 = idle).
pub const LEVELS: u8 = 4;

/// The level of an edge taken `rate` times per second (smoothed): idle, a trickle, steady,
/// busy, a flood.
pub fn level(rate: f64) -> u8 {
    if rate < 0.3 {
        0
    } else if rate < 10.0 {
        1
    } else if rate < 100.0 {
        2
    } else if rate < 1000.0 {
        3
    } else {
        LEVELS
    }
}

/// Smoothed traffic per edge across samples.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Flow {
    last: Option<Snapshot>,
    rates: Vec<f64>,
}

/// How much of a new sample's rate goes into the smoothed rate.
const SMOOTHING: f64 = 0.5;

impl Flow {
    /// Takes in the counts sampled `seconds` after the previous sample.
    pub fn update(&mut self, measures: &[Option<Measured>], now: Snapshot, seconds: f64) {
        if self.rates.len() != measures.len() {
            self.rates = vec![0.0; measures.len()];
        }
        match &self.last {
            Some(last) if !now.went_back_from(last) && seconds > 0.0 => {
                let moved = transitions(measures, last, &now);
                for (rate, moved) in self.rates.iter_mut().zip(moved) {
                    *rate += SMOOTHING * (moved / seconds - *rate);
                }
            }
            // First frame, or a rebuilt or rewound run: start again from still.
            _ => self.rates.iter_mut().for_each(|rate| *rate = 0.0),
        }
        self.last = Some(now);
    }

    /// Forgets everything (a new scene).
    pub fn reset(&mut self) {
        *self = Flow::default();
    }

    /// The level of edge `index`.
    pub fn level(&self, index: usize) -> u8 {
        self.rates.get(index).copied().map_or(0, level)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::scene::{build, Expansion};
    use engine::sim::{SimOptions, Simulation};

    const LOOP: &str = r#"{
      "StartAt": "Work",
      "States": {
        "Work": { "Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:w",
          "Next": "Again?",
          "Catch": [ { "ErrorEquals": ["Boom"], "Next": "Broke" } ] },
        "Again?": { "Type": "Choice",
          "Choices": [ { "Variable": "$.again", "BooleanEquals": true, "Next": "Work" } ],
          "Default": "Done" },
        "Done": { "Type": "Succeed" },
        "Broke": { "Type": "Fail", "Error": "Broke" }
      }
    }"#;

    #[test]
    fn edges_are_measured_by_the_counts_that_move_when_they_are_taken() {
        let loaded = asl::load(LOOP, &asl::LoadOptions::default());
        let Some(model) = loaded.runnable() else {
            panic!("{:?}", loaded.diagnostics);
        };
        let scenario = engine::scenario::parse(r#"{"seed": 3, "input": {"again": false}}"#);
        let Ok(scenario) = scenario else {
            panic!("bad scenario");
        };
        let Ok(mut sim) = Simulation::new(model, &scenario, SimOptions::default()) else {
            panic!("cannot simulate");
        };
        let scene = build(model, &Expansion::default());
        let index = StateIndex::of(sim.program());
        let measures = measures(&scene, &index);
        assert!(measures.iter().all(Option::is_some));
        let before = Snapshot::of(sim.state_stats());
        sim.run();
        let after = Snapshot::of(sim.state_stats());
        let moved = transitions(&measures, &before, &after);
        let taken: Vec<(String, String, f64)> = scene
            .edges
            .iter()
            .zip(&moved)
            .map(|(e, m)| (e.from.clone(), e.to.clone(), *m))
            .collect();
        let expect = |from: &str, to: &str, count: f64| {
            assert!(
                taken.contains(&(from.to_string(), to.to_string(), count)),
                "{from} → {to} × {count} in {taken:?}"
            );
        };
        expect("start:", "/States/Work", 1.0);
        expect("/States/Work", "/States/Again?", 1.0);
        expect("/States/Again?", "/States/Done", 1.0);
        expect("/States/Again?", "/States/Work", 0.0);
        expect("/States/Work", "/States/Broke", 0.0);
    }

    #[test]
    fn flow_smooths_and_restarts_when_counts_go_back() {
        let measures = vec![Some(Measured {
            measure: Measure::Entries(0),
            target: Some(0),
        })];
        let snapshot = |n: u64| Snapshot {
            entered: vec![n],
            exited: vec![0],
            caught: vec![vec![]],
        };
        // Sampled every 0.2 s.
        let mut flow = Flow::default();
        flow.update(&measures, snapshot(0), 0.2);
        assert_eq!(flow.level(0), 0);
        for sample in 1..20 {
            flow.update(&measures, snapshot(sample * 500), 0.2);
        }
        assert_eq!(flow.level(0), LEVELS, "2,500 a second is a flood");
        // Rewound: still again.
        flow.update(&measures, snapshot(5), 0.2);
        assert_eq!(flow.level(0), 0);
        // A trickle: one every half second.
        for sample in 1..50 {
            flow.update(&measures, snapshot(5 + sample), 0.5);
        }
        assert_eq!(flow.level(0), 1);
        // Nothing more moves: idle again.
        for _ in 0..20 {
            flow.update(&measures, snapshot(5 + 49), 0.2);
        }
        assert_eq!(flow.level(0), 0);
        assert_eq!(flow.level(7), 0, "an unknown edge is idle");
    }

    #[test]
    fn levels_rise_with_the_rate() {
        let rates = [0.0, 1.0, 20.0, 200.0, 5000.0];
        let levels: Vec<u8> = rates.iter().map(|&r| level(r)).collect();
        assert_eq!(levels, vec![0, 1, 2, 3, 4]);
    }
}
