//! The running simulation as the run-view components see it.
//!
//! The playback driver owns one `engine::sim::Simulation` and advances it in time slices from
//! `requestAnimationFrame`. Components never copy the world: they receive a [`SimFrame`] prop —
//! a shared handle plus counters — and read what they draw from the simulation during render
//! (counters, per-state stats) or in an effect (canvases consuming `item_changes` from their own
//! cursor). Two frames are equal when neither the simulation nor its progress changed, so Yew
//! re-renders a component only when there is something new to show.

use std::cell::{Ref, RefCell};
use std::rc::Rc;

use engine::sim::Simulation;

/// A view of the simulation at one moment of playback.
#[derive(Clone)]
pub struct SimFrame {
    sim: Rc<RefCell<Simulation>>,
    /// Grows each time a new simulation is built (new definition, scenario or seed).
    pub generation: u64,
    /// Grows each time the simulation advanced (or was rewound) since it was built.
    pub frame: u64,
}

impl SimFrame {
    pub fn new(sim: Rc<RefCell<Simulation>>, generation: u64, frame: u64) -> SimFrame {
        SimFrame {
            sim,
            generation,
            frame,
        }
    }

    /// Reads the simulation. `None` only if the driver is advancing it at this very moment,
    /// which does not happen during a render; callers then draw nothing new.
    pub fn read(&self) -> Option<Ref<'_, Simulation>> {
        self.sim.try_borrow().ok()
    }

    /// The shared handle, for the driver.
    pub fn handle(&self) -> &Rc<RefCell<Simulation>> {
        &self.sim
    }
}

impl PartialEq for SimFrame {
    fn eq(&self, other: &Self) -> bool {
        self.generation == other.generation
            && self.frame == other.frame
            && Rc::ptr_eq(&self.sim, &other.sim)
    }
}
