//! Side effects (a Task's write, charge or message, declared by the scenario's `effect`):
//! how many times each happened per item, so that a run shows what is processed twice when an
//! attempt times out after it wrote, a failed attempt had written before failing, or a Map is
//! run again.
//!
//! Whether a timed-out or failed attempt did its work is drawn from a hash of the seed, the
//! execution, the state and the attempt — not from the execution's stream — so that declaring an
//! effect changes nothing else in the run.

use super::{Attempt, Mode, Simulation};
use crate::program::StateId;
use crate::rng::hash_words;
use crate::scenario::Effect;

/// The counts of one Task's side effect.
#[derive(Debug, Clone, Default)]
pub struct EffectCounts {
    /// Times the effect happened for item `i` (saturating at 255), for the items of a Map.
    per_item: Vec<u8>,
    /// Times it happened outside any Map (for the execution itself).
    outside: u32,
    /// Times it happened in all.
    pub total: u64,
}

/// What a run reports of one Task's side effect.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EffectReport {
    /// Times the effect happened.
    pub effects: u64,
    /// Items for which it happened more than once (the execution itself counts as one item
    /// when the Task is outside a Map).
    pub duplicates: u64,
    /// The scenario says the repeats are harmless.
    pub idempotent: bool,
}

impl EffectCounts {
    fn add(&mut self, items: Option<(u32, u32, u32)>) {
        self.total += 1;
        match items {
            Some((start, end, total)) => {
                if self.per_item.len() < total as usize {
                    self.per_item.resize(total as usize, 0);
                }
                for i in start..end {
                    if let Some(c) = self.per_item.get_mut(i as usize) {
                        *c = c.saturating_add(1);
                    }
                }
            }
            None => self.outside = self.outside.saturating_add(1),
        }
    }

    fn duplicates(&self) -> u64 {
        self.per_item.iter().filter(|&&c| c > 1).count() as u64 + u64::from(self.outside > 1)
    }

    /// Times the effect happened for item `index`.
    pub fn of_item(&self, index: u32) -> u8 {
        self.per_item.get(index as usize).copied().unwrap_or(0)
    }
}

impl Simulation {
    /// Counts the side effect of the Task attempt fiber `f` just ended, when its Task has one.
    pub(super) fn count_effect(
        &mut self,
        f: u32,
        state: StateId,
        effect: Effect,
        attempt: &Attempt,
    ) {
        if !matches!(self.mode, Mode::Full) {
            return;
        }
        let Some(fiber) = self.fibers.get(f as usize) else {
            return;
        };
        let chance = match attempt {
            Attempt::Success | Attempt::None => 1.0,
            Attempt::Timeout | Attempt::HeartbeatTimeout => effect.on_timeout,
            Attempt::Fail { .. } => effect.on_failure,
            Attempt::Throttled => 0.0,
        };
        let happened = chance >= 1.0
            || (chance > 0.0 && {
                let key = self
                    .executions
                    .get(fiber.exec as usize)
                    .map_or(0, |e| e.key);
                let h = hash_words(&[
                    self.scenario.seed,
                    0x00EF_FEC7,
                    key,
                    u64::from(state),
                    u64::from(fiber.retry_count),
                ]);
                ((h >> 11) as f64 / (1u64 << 53) as f64) < chance
            });
        let items = fiber.item.map(|s| (s.start, s.end, s.total));
        // An Express child that ran twice for one start (at least once) did it twice.
        let duplicate_start = self.scenario.limits.express_duplicate_starts > 0.0 && {
            let execution = self.executions.get(fiber.exec as usize);
            let express_child = execution.is_some_and(|e| match e.link {
                super::ExecLink::Child { run, .. } => {
                    self.runs.get(run as usize).is_some_and(|r| r.setup.express)
                }
                super::ExecLink::Parent => false,
            });
            let key = execution.map_or(0, |e| e.key);
            let h = hash_words(&[self.scenario.seed, 0x00D0_0B1E, key]);
            express_child
                && ((h >> 11) as f64 / (1u64 << 53) as f64)
                    < self.scenario.limits.express_duplicate_starts
        };
        if duplicate_start {
            self.note_assumption("express_duplicate_starts", || {
                "an Express child that runs twice for one start (limits.express_duplicate_starts) does each side effect of its run twice; the Map Run sees one result".into()
            });
        }
        if matches!(attempt, Attempt::Timeout | Attempt::HeartbeatTimeout) {
            self.note_assumption("effect_on_timeout", || {
                format!(
                    "a Task attempt that Step Functions timed out did its side effect with probability {} (effect_on_timeout; {} when the scenario does not say: the function runs on after Step Functions stops waiting)",
                    effect.on_timeout,
                    crate::scenario::DEFAULT_EFFECT_ON_TIMEOUT
                )
            });
        }
        if !happened {
            return;
        }
        let slot = state as usize;
        if self.effects.len() <= slot {
            self.effects.resize_with(slot + 1, || None);
        }
        if let Some(counts) = self.effects.get_mut(slot) {
            let counts = counts.get_or_insert_with(EffectCounts::default);
            counts.add(items);
            if duplicate_start {
                counts.add(items);
            }
        }
    }

    /// What happened to the side effect of Task `state` so far (`None` when the scenario
    /// declares none for it).
    pub fn effect_report(&self, state: StateId) -> Option<EffectReport> {
        let effect = self.effect_of(state)?;
        let counts = self.effects.get(state as usize).and_then(Option::as_ref);
        Some(EffectReport {
            effects: counts.map_or(0, |c| c.total),
            duplicates: counts.map_or(0, EffectCounts::duplicates),
            idempotent: effect.idempotent,
        })
    }

    /// Times the side effect of Task `state` happened for item `index` of its Map.
    pub fn item_effects(&self, state: StateId, index: u32) -> u8 {
        self.effects
            .get(state as usize)
            .and_then(Option::as_ref)
            .map_or(0, |c| c.of_item(index))
    }

    /// The side effect the scenario declares for Task `state`.
    pub fn effect_of(&self, state: StateId) -> Option<Effect> {
        match self.program.states.get(state as usize).map(|s| &s.kind) {
            Some(crate::program::KindIr::Task(task)) => task.behaviour.effect,
            _ => None,
        }
    }
}
