//! The event queue: ordered by (virtual time, sequence number), so events at the same time come
//! out first-in first-out.
//!
//! Three parts, because almost every event is either due *now* or within a minute:
//! - a FIFO for events scheduled for the current instant (the next step of a state);
//! - a timing wheel of one slot per millisecond over the next 65.536 s, each slot a FIFO list,
//!   with a two-level bitmap to find the next busy slot;
//! - a binary heap for anything further away, moved into the wheel as the clock comes near.
//!
//! Order is preserved exactly: events in a wheel slot for time `t` were all scheduled before the
//! clock reached `t` (so they precede the FIFO's events at `t`), they arrive in the slot in
//! sequence order, and far events for `t` enter the slot before any event can be scheduled
//! directly into it (the move happens as soon as `t` comes within the horizon, before anything
//! else runs at the new time). Push and pop are O(1) for wheel events.

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

const WHEEL_BITS: u32 = 16;
const WHEEL: u64 = 1 << WHEEL_BITS;
const MASK: u64 = WHEEL - 1;
const WORDS: usize = (WHEEL / 64) as usize;
const NONE: u32 = u32::MAX;

#[derive(Debug)]
pub struct Queue {
    now_fifo: VecDeque<Event>,
    /// First and last node of each slot's list; slots past the end have not been used yet.
    heads: Vec<u32>,
    tails: Vec<u32>,
    /// Node arena: the event and the next node of its slot.
    nodes: Vec<(Event, u32)>,
    free: Vec<u32>,
    /// One bit per slot, and one bit per word of `bits`.
    bits: Vec<u64>,
    summary: Vec<u64>,
    wheel_len: usize,
    far: BinaryHeap<Reverse<Event>>,
    /// The wheel covers `[cursor, cursor + WHEEL)`.
    cursor: u64,
    seq: u64,
}

impl Default for Queue {
    fn default() -> Self {
        Queue {
            now_fifo: VecDeque::new(),
            // Room for the whole wheel, written only as slots come into use.
            heads: Vec::with_capacity(WHEEL as usize),
            tails: Vec::with_capacity(WHEEL as usize),
            nodes: Vec::new(),
            free: Vec::new(),
            bits: vec![0; WORDS],
            summary: vec![0; WORDS / 64],
            wheel_len: 0,
            far: BinaryHeap::new(),
            cursor: 0,
            seq: 0,
        }
    }
}

impl Queue {
    pub fn push(&mut self, now: u64, time: u64, target: u32, generation: u32, kind: EventKind) {
        self.advance(now);
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
        } else if event.time < self.cursor + WHEEL {
            self.wheel_push(event);
        } else {
            self.far.push(Reverse(event));
        }
    }

    /// The time of the next event.
    pub fn peek_time(&self, now: u64) -> Option<u64> {
        if let Some(slot) = self.heads.get((now & MASK) as usize) {
            if *slot != NONE && now >= self.cursor {
                if let Some((e, _)) = self.nodes.get(*slot as usize) {
                    if e.time == now {
                        return Some(now);
                    }
                }
            }
        }
        if !self.now_fifo.is_empty() {
            return Some(now);
        }
        let wheel = self.next_busy(now.max(self.cursor));
        let far = self.far.peek().map(|Reverse(e)| e.time);
        match (wheel, far) {
            (Some(w), Some(f)) => Some(w.min(f)),
            (w, f) => w.or(f),
        }
    }

    /// Whether an event is due at `now` (the clock's time): one popped next would be for `now`.
    pub fn due_now(&self, now: u64) -> bool {
        if !self.now_fifo.is_empty() {
            return true;
        }
        let in_wheel = self
            .heads
            .get((now & MASK) as usize)
            .filter(|head| **head != NONE)
            .and_then(|head| self.nodes.get(*head as usize))
            .is_some_and(|(e, _)| e.time <= now);
        in_wheel || self.far.peek().is_some_and(|Reverse(e)| e.time <= now)
    }

    pub fn pop(&mut self, now: u64) -> Option<Event> {
        self.advance(now);
        // Events already in the wheel for `now` were scheduled before the clock got here.
        if let Some(e) = self.wheel_pop(now) {
            return Some(e);
        }
        if let Some(e) = self.now_fifo.pop_front() {
            return Some(e);
        }
        let next = self.peek_time(now)?;
        self.advance(next);
        self.wheel_pop(next).or_else(|| self.now_fifo.pop_front())
    }

    /// Moves the wheel's window to start at `now`, bringing far events into it.
    fn advance(&mut self, now: u64) {
        if now <= self.cursor {
            return;
        }
        self.cursor = now;
        while let Some(Reverse(e)) = self.far.peek() {
            if e.time >= self.cursor + WHEEL {
                break;
            }
            let Some(Reverse(e)) = self.far.pop() else {
                break;
            };
            self.wheel_push(e);
        }
    }

    fn wheel_push(&mut self, event: Event) {
        let slot = (event.time & MASK) as usize;
        let node = match self.free.pop() {
            Some(i) => {
                if let Some(n) = self.nodes.get_mut(i as usize) {
                    *n = (event, NONE);
                }
                i
            }
            None => {
                self.nodes.push((event, NONE));
                (self.nodes.len() - 1) as u32
            }
        };
        if self.heads.len() <= slot {
            // Slots are taken into use as virtual time reaches them: a short run never pays
            // for the whole wheel (half a megabyte of list heads and tails to fill).
            self.heads.resize(slot + 1, NONE);
            self.tails.resize(slot + 1, NONE);
        }
        let tail = self.tails.get(slot).copied().unwrap_or(NONE);
        if tail == NONE {
            if let Some(h) = self.heads.get_mut(slot) {
                *h = node;
            }
            self.set_bit(slot);
        } else if let Some(n) = self.nodes.get_mut(tail as usize) {
            n.1 = node;
        }
        if let Some(t) = self.tails.get_mut(slot) {
            *t = node;
        }
        self.wheel_len += 1;
    }

    /// Pops the first event of `time`'s slot if it is for `time`.
    fn wheel_pop(&mut self, time: u64) -> Option<Event> {
        let slot = (time & MASK) as usize;
        let head = *self.heads.get(slot)?;
        if head == NONE {
            return None;
        }
        let (event, next) = *self.nodes.get(head as usize)?;
        if event.time != time {
            return None;
        }
        if let Some(h) = self.heads.get_mut(slot) {
            *h = next;
        }
        if next == NONE {
            if let Some(t) = self.tails.get_mut(slot) {
                *t = NONE;
            }
            self.clear_bit(slot);
        }
        self.free.push(head);
        self.wheel_len = self.wheel_len.saturating_sub(1);
        Some(event)
    }

    fn set_bit(&mut self, slot: usize) {
        if let Some(w) = self.bits.get_mut(slot / 64) {
            *w |= 1 << (slot % 64);
        }
        if let Some(s) = self.summary.get_mut(slot / 4096) {
            *s |= 1 << ((slot / 64) % 64);
        }
    }

    fn clear_bit(&mut self, slot: usize) {
        let word = slot / 64;
        let empty = match self.bits.get_mut(word) {
            Some(w) => {
                *w &= !(1 << (slot % 64));
                *w == 0
            }
            None => false,
        };
        if empty {
            if let Some(s) = self.summary.get_mut(word / 64) {
                *s &= !(1 << (word % 64));
            }
        }
    }

    /// The time of the first busy slot at or after `from` within the window.
    fn next_busy(&self, from: u64) -> Option<u64> {
        if self.wheel_len == 0 {
            return None;
        }
        let start = (from & MASK) as usize;
        // Search [start, WHEEL) then [0, start): the window wraps.
        let slot = self
            .find_from(start, WHEEL as usize)
            .or_else(|| self.find_from(0, start))?;
        let offset = (slot as u64).wrapping_sub(from & MASK) & MASK;
        Some(from + offset)
    }

    /// The first set slot in `[from, to)`.
    fn find_from(&self, from: usize, to: usize) -> Option<usize> {
        if from >= to {
            return None;
        }
        let mut word = from / 64;
        // The partial first word.
        if let Some(w) = self.bits.get(word) {
            let masked = w & (!0u64 << (from % 64));
            if masked != 0 {
                let slot = word * 64 + masked.trailing_zeros() as usize;
                return (slot < to).then_some(slot);
            }
        }
        word += 1;
        // Whole words, skipping empty ones 64 at a time with the summary.
        while word * 64 < to {
            let group = word / 64;
            let summary = self.summary.get(group).copied().unwrap_or(0) & (!0u64 << (word % 64));
            if summary == 0 {
                word = (group + 1) * 64;
                continue;
            }
            word = group * 64 + summary.trailing_zeros() as usize;
            if let Some(w) = self.bits.get(word) {
                if *w != 0 {
                    let slot = word * 64 + w.trailing_zeros() as usize;
                    return (slot < to).then_some(slot);
                }
            }
            word += 1;
        }
        None
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
        q.push(0, 200_000, 7, 0, EventKind::Resume);
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
        assert_eq!(order, vec![4, 2, 5, 1, 3, 6, 7]);
    }

    #[test]
    fn agrees_with_a_sorted_list() {
        // Pseudo-random pushes from inside pops, near and far, checked against the definition.
        let mut q = Queue::default();
        let mut reference: Vec<(u64, u64, u32)> = Vec::new();
        let mut x = 12345u64;
        let mut rand = move || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        let mut seq = 0u64;
        let mut now = 0u64;
        let mut push =
            |q: &mut Queue, reference: &mut Vec<(u64, u64, u32)>, now: u64, t: u64, id: u32| {
                seq += 1;
                q.push(now, t, id, 0, EventKind::Resume);
                reference.push((t, seq, id));
            };
        for id in 0..50 {
            let t = rand() % 300_000;
            push(&mut q, &mut reference, 0, t, id);
        }
        let mut popped = Vec::new();
        let mut next_id = 50;
        while let Some(e) = q.pop(now) {
            assert!(e.time >= now);
            now = e.time;
            popped.push((e.time, e.target));
            if next_id < 5000 {
                for _ in 0..(rand() % 3) {
                    let t = match rand() % 4 {
                        0 => now,
                        1 => now + rand() % 1000,
                        2 => now + rand() % 100_000,
                        _ => now + rand() % 10,
                    };
                    push(&mut q, &mut reference, now, t, next_id);
                    next_id += 1;
                }
            }
        }
        reference.sort();
        let expected: Vec<(u64, u32)> = reference.into_iter().map(|(t, _, id)| (t, id)).collect();
        assert_eq!(popped, expected);
    }
}
