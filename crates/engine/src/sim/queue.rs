//! The event queue: ordered by (virtual time, sequence number), so events at the same time come
//! out first-in first-out.
//!
//! Most events are scheduled for *now* (the next step of a state at the same instant); those go
//! to a FIFO that costs O(1), and only future events go through the binary heap. Every event in
//! the heap for time `t` was scheduled before the clock reached `t`, so it precedes — by
//! sequence number — every event the FIFO receives at `t`: the heap is drained first.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, VecDeque};

/// What an event does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum EventKind {
    /// Continue a fiber at its current phase.
    Resume,
    /// A Lambda invocation that Step Functions stopped waiting for (timeout, abort) ends now and
    /// frees its concurrency slot.
    LambdaRelease,
    /// An execution's `TimeoutSeconds` (or the Express 5-minute limit) expires.
    ExecutionTimeout,
    /// Replay only: the rebuilt child was aborted at this time in the full run.
    ReplayAbort,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Event {
    pub time: u64,
    pub seq: u64,
    /// A fiber or an execution, depending on `kind`.
    pub target: u32,
    /// The target's generation when scheduled; a mismatch means the event is stale.
    pub generation: u32,
    pub kind: EventKind,
}

#[derive(Debug, Default)]
pub struct Queue {
    heap: BinaryHeap<Reverse<Event>>,
    now_fifo: VecDeque<Event>,
    seq: u64,
}

impl Queue {
    pub fn push(&mut self, now: u64, time: u64, target: u32, generation: u32, kind: EventKind) {
        self.seq += 1;
        let event = Event {
            time: time.max(now),
            seq: self.seq,
            target,
            generation,
            kind,
        };
        if event.time == now {
            self.now_fifo.push_back(event);
        } else {
            self.heap.push(Reverse(event));
        }
    }

    /// The time of the next event.
    pub fn peek_time(&self, now: u64) -> Option<u64> {
        match (self.heap.peek(), self.now_fifo.front()) {
            (Some(Reverse(h)), _) if h.time <= now => Some(h.time),
            (_, Some(f)) => Some(f.time),
            (Some(Reverse(h)), None) => Some(h.time),
            (None, None) => None,
        }
    }

    pub fn pop(&mut self, now: u64) -> Option<Event> {
        if let Some(Reverse(h)) = self.heap.peek() {
            if h.time <= now || self.now_fifo.is_empty() {
                return self.heap.pop().map(|Reverse(e)| e);
            }
        }
        self.now_fifo.pop_front()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn time_then_fifo_order() {
        let mut q = Queue::default();
        q.push(0, 10, 1, 0, EventKind::Resume);
        q.push(0, 5, 2, 0, EventKind::Resume);
        q.push(0, 10, 3, 0, EventKind::Resume);
        q.push(0, 0, 4, 0, EventKind::Resume);
        let mut now = 0;
        let mut order = Vec::new();
        while let Some(e) = q.pop(now) {
            now = e.time;
            order.push(e.target);
            if e.target == 2 {
                // Scheduled at time 5 for time 5: after everything already due at 5.
                q.push(now, 5, 5, 0, EventKind::Resume);
                q.push(now, 10, 6, 0, EventKind::Resume);
            }
        }
        assert_eq!(order, vec![4, 2, 5, 1, 3, 6]);
    }
}
