//! The event queue: events come out by virtual time, and events for the same time first-in
//! first-out (in the order they were pushed).
//!
//! Three parts, because almost every event is either due *now* or within a minute:
//! - a ring buffer of the events due at the current instant (the cursor), in the order they
//!   come out: the next step of a state is pushed here;
//! - a timing wheel of one slot per millisecond over the next 65.536 s, with a two-level bitmap
//!   to find the next busy slot. A slot holds its first event in place (most slots only ever
//!   hold one) and the rest as a list in a node arena;
//! - a binary heap for anything further away, moved into the wheel as the clock comes near.
//!
//! Order is preserved exactly: when the clock reaches `t`, the slot for `t` is emptied in one go,
//! its first event popped and the rest put into the (then empty) ring. Its events were all
//! scheduled before the clock reached `t`, so they precede everything pushed for `t` afterwards,
//! which joins the ring behind them; they arrived in the slot in push order; and far events for
//! `t` enter the slot before any event can be scheduled directly into it (the move happens as
//! soon as `t` comes within the horizon, before anything else runs at the new time). So only the
//! far heap needs sequence numbers, and the ring and the wheel store neither a sequence number
//! nor a time: the ring's time is the cursor, a slot's follows from its index. Push and pop are
//! O(1) for ring and wheel events.
//!
//! The `now` passed to `push`, `pop` and `peek_time` is the simulation's clock: it never goes
//! back, and moves past an instant only once nothing is left for it (to the time of the event
//! just popped, or to a time before the next event).

use std::cmp::Reverse;
use std::collections::BinaryHeap;

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

/// An event as it comes out of the queue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Event {
    pub time: u64,
    /// A fiber or an execution, depending on `kind`.
    pub target: u32,
    /// The target's generation when scheduled; a mismatch means the event is stale.
    pub generation: u32,
    pub kind: EventKind,
}

/// An event in the ring or the wheel, where its place tells its time (12 bytes).
#[derive(Debug, Clone, Copy)]
struct Entry {
    target: u32,
    generation: u32,
    kind: EventKind,
}

/// A wheel slot, meaningful only while its bit is set (16 bytes).
#[derive(Debug, Clone, Copy)]
struct Slot {
    /// The slot's first event.
    first: Entry,
    /// The last node of the rest, or `NONE`. The rest is a circular list: the last node's
    /// `next` is the first, so one index serves to append and to take the list in order.
    last: u32,
}

/// A node of a slot's list (or of the free list): an entry and the next node.
#[derive(Debug, Clone, Copy)]
struct Node {
    entry: Entry,
    next: u32,
}

/// An event beyond the wheel's horizon. Ordered by time, then by `seq` (unique): first-in
/// first-out among equal times, which a binary heap does not keep by itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Far {
    time: u64,
    seq: u64,
    target: u32,
    generation: u32,
    kind: EventKind,
}

const WHEEL_BITS: u32 = 16;
const WHEEL: u64 = 1 << WHEEL_BITS;
const MASK: u64 = WHEEL - 1;
const WORDS: usize = (WHEEL / 64) as usize;
/// Slots per page of the wheel (16 KiB).
const PAGE: usize = 1024;
const NONE: u32 = u32::MAX;
/// What unused places of the ring hold.
const EMPTY: Entry = Entry {
    target: NONE,
    generation: 0,
    kind: EventKind::Resume,
};

/// A FIFO of entries: a power-of-two buffer (or none yet) indexed by free-running positions,
/// so a push or a pop is a mask and a store or a load.
#[derive(Debug, Default)]
struct Ring {
    buf: Vec<Entry>,
    /// Read and write positions; `tail - head` entries are queued. Both wrap around.
    head: usize,
    tail: usize,
}

impl Ring {
    #[inline]
    fn is_empty(&self) -> bool {
        self.head == self.tail
    }

    #[inline]
    fn push(&mut self, entry: Entry) {
        if self.tail.wrapping_sub(self.head) == self.buf.len() {
            self.grow();
        }
        let mask = self.buf.len().wrapping_sub(1);
        if let Some(place) = self.buf.get_mut(self.tail & mask) {
            *place = entry;
        }
        self.tail = self.tail.wrapping_add(1);
    }

    #[inline]
    fn pop(&mut self) -> Option<Entry> {
        if self.head == self.tail {
            return None;
        }
        let mask = self.buf.len().wrapping_sub(1);
        let entry = self.buf.get(self.head & mask).copied();
        self.head = self.head.wrapping_add(1);
        entry
    }

    /// Doubles the buffer when it is full, the queued entries first in order.
    #[cold]
    #[inline(never)]
    fn grow(&mut self) {
        let len = self.buf.len();
        if len > 0 {
            self.buf.rotate_left(self.head & (len - 1));
        }
        self.buf.resize((len * 2).max(64), EMPTY);
        self.head = 0;
        self.tail = len;
    }
}

#[derive(Debug)]
pub struct Queue {
    /// The events due at `cursor`, in order.
    ring: Ring,
    /// The wheel's slots in pages of [`PAGE`], each page allocated when the clock first brings
    /// one of its slots into use: a short run never pays for the whole wheel (a megabyte to
    /// fill), and a growing wheel is never copied to a larger buffer.
    pages: Vec<Box<[Slot; PAGE]>>,
    /// Node arena of the slots' lists.
    nodes: Vec<Node>,
    /// First node of the free list (linked through `next`), or `NONE`.
    free: u32,
    /// One bit per busy slot, and one bit per nonzero word of `bits`. Fixed sizes, so a slot's
    /// word is always in bounds.
    bits: Box<[u64; WORDS]>,
    summary: [u64; WORDS / 64],
    /// The number of busy slots.
    busy: usize,
    far: BinaryHeap<Reverse<Far>>,
    /// The current instant: the ring holds events for `cursor`, the wheel for
    /// `(cursor, cursor + WHEEL)`, the heap for later.
    cursor: u64,
    /// The last far event's sequence number.
    seq: u64,
}

impl Default for Queue {
    fn default() -> Self {
        Queue {
            ring: Ring::default(),
            // Pages are small (16 KiB): simulations made one after another reuse freed pages
            // instead of each taking a whole wheel's memory afresh from the system.
            pages: Vec::new(),
            nodes: Vec::new(),
            free: NONE,
            bits: Box::new([0; WORDS]),
            summary: [0; WORDS / 64],
            busy: 0,
            far: BinaryHeap::new(),
            cursor: 0,
            seq: 0,
        }
    }
}

impl Queue {
    /// Schedules an event for `time` (for `now` if `time` is earlier).
    #[inline]
    pub fn push(&mut self, now: u64, time: u64, target: u32, generation: u32, kind: EventKind) {
        if now > self.cursor {
            self.advance(now);
        }
        let entry = Entry {
            target,
            generation,
            kind,
        };
        if time <= self.cursor {
            self.ring.push(entry);
        } else {
            self.push_later(time, entry);
        }
    }

    /// The time of the next event.
    pub fn peek_time(&self, now: u64) -> Option<u64> {
        if !self.ring.is_empty() {
            return Some(now);
        }
        let wheel = if self.busy > 0 {
            self.next_busy(now.max(self.cursor))
        } else {
            None
        };
        let far = self.far.peek().map(|Reverse(e)| e.time);
        match (wheel, far) {
            (Some(w), Some(f)) => Some(w.min(f)),
            (w, f) => w.or(f),
        }
    }

    /// Whether an event is due at `now` (the clock's time): one popped next would be for `now`.
    #[inline]
    pub fn due_now(&self, now: u64) -> bool {
        if now == self.cursor {
            // Everything due at the cursor is in the ring.
            return !self.ring.is_empty();
        }
        self.peek_time(now).is_some_and(|t| t <= now)
    }

    /// Takes the next event: the first due at `now`, else the first of the earliest time after.
    #[inline]
    pub fn pop(&mut self, now: u64) -> Option<Event> {
        if now > self.cursor {
            self.advance(now);
        }
        match self.ring.pop() {
            Some(entry) => Some(Event {
                time: self.cursor,
                target: entry.target,
                generation: entry.generation,
                kind: entry.kind,
            }),
            None => self.pop_later(),
        }
    }

    /// Nothing is left at the cursor: moves it to the next busy slot (far events are all beyond
    /// the wheel's) and takes that slot's first event, queueing the rest in the ring.
    #[inline]
    fn pop_later(&mut self) -> Option<Event> {
        let next = if self.busy > 0 {
            self.next_busy(self.cursor)?
        } else {
            self.far.peek()?.0.time
        };
        self.cursor = next;
        self.bring_near();
        let slot = self.take_slot(next)?;
        if slot.last != NONE {
            self.queue_rest(slot.last);
        }
        Some(Event {
            time: next,
            target: slot.first.target,
            generation: slot.first.generation,
            kind: slot.first.kind,
        })
    }

    /// Moves the clock to `now` (later than the cursor) from outside `pop_later`: `now`'s slot
    /// goes into the ring.
    #[inline(never)]
    fn advance(&mut self, now: u64) {
        debug_assert!(
            self.ring.is_empty(),
            "the clock left {} with events due",
            self.cursor
        );
        self.cursor = now;
        self.bring_near();
        if let Some(slot) = self.take_slot(now) {
            self.ring.push(slot.first);
            if slot.last != NONE {
                self.queue_rest(slot.last);
            }
        }
    }

    /// Moves the far events that the cursor's move brought within the horizon into the wheel.
    #[inline]
    fn bring_near(&mut self) {
        if let Some(Reverse(e)) = self.far.peek() {
            if e.time.saturating_sub(self.cursor) < WHEEL {
                self.bring_near_slow();
            }
        }
    }

    #[inline(never)]
    fn bring_near_slow(&mut self) {
        while let Some(Reverse(e)) = self.far.peek() {
            if e.time.saturating_sub(self.cursor) >= WHEEL {
                break;
            }
            let Some(Reverse(e)) = self.far.pop() else {
                break;
            };
            let entry = Entry {
                target: e.target,
                generation: e.generation,
                kind: e.kind,
            };
            self.wheel_push(e.time, entry);
        }
    }

    /// Empties `time`'s slot and returns what it held, if it was busy.
    #[inline]
    fn take_slot(&mut self, time: u64) -> Option<Slot> {
        let slot = (time & MASK) as usize;
        let bit = 1u64 << (slot % 64);
        let word = &mut self.bits[slot / 64];
        if *word & bit == 0 {
            return None;
        }
        *word &= !bit;
        if *word == 0 {
            self.summary[slot / 4096] &= !(1u64 << ((slot / 64) % 64));
        }
        self.busy -= 1;
        self.slot(slot).copied()
    }

    /// Appends a slot's circular list, first to `last`, to the ring, and its nodes to the free
    /// list.
    #[inline(never)]
    fn queue_rest(&mut self, last: u32) {
        let Some(head) = self.nodes.get(last as usize).map(|n| n.next) else {
            return;
        };
        let mut i = head;
        while let Some(node) = self.nodes.get(i as usize) {
            self.ring.push(node.entry);
            if i == last {
                break;
            }
            i = node.next;
        }
        if let Some(node) = self.nodes.get_mut(last as usize) {
            node.next = self.free;
            self.free = head;
        }
    }

    /// Schedules an event for after the cursor: into the wheel, or the heap beyond its horizon.
    #[inline(never)]
    fn push_later(&mut self, time: u64, entry: Entry) {
        if time - self.cursor < WHEEL {
            self.wheel_push(time, entry);
        } else {
            self.push_far(time, entry);
        }
    }

    #[cold]
    #[inline(never)]
    fn push_far(&mut self, time: u64, entry: Entry) {
        self.seq += 1;
        self.far.push(Reverse(Far {
            time,
            seq: self.seq,
            target: entry.target,
            generation: entry.generation,
            kind: entry.kind,
        }));
    }

    /// Appends an event for `time`, within the window, to its slot.
    #[inline]
    fn wheel_push(&mut self, time: u64, entry: Entry) {
        let slot = (time & MASK) as usize;
        let bit = 1u64 << (slot % 64);
        let word = &mut self.bits[slot / 64];
        if *word & bit == 0 {
            *word |= bit;
            self.summary[slot / 4096] |= 1u64 << ((slot / 64) % 64);
            self.busy += 1;
            if self.pages.len() <= slot / PAGE {
                self.add_pages(slot);
            }
            if let Some(s) = self.slot_mut(slot) {
                *s = Slot {
                    first: entry,
                    last: NONE,
                };
            }
        } else {
            self.wheel_append(slot, entry);
        }
    }

    #[inline]
    fn slot(&self, slot: usize) -> Option<&Slot> {
        self.pages.get(slot / PAGE)?.get(slot % PAGE)
    }

    #[inline]
    fn slot_mut(&mut self, slot: usize) -> Option<&mut Slot> {
        page_slot(&mut self.pages, slot)
    }

    /// Allocates the pages up to the one holding `slot`.
    #[cold]
    #[inline(never)]
    fn add_pages(&mut self, slot: usize) {
        // What an idle slot holds does not matter (its bit is clear): zeros, the cheapest fill.
        let idle = Slot {
            first: Entry {
                target: 0,
                generation: 0,
                kind: EventKind::Resume,
            },
            last: 0,
        };
        while self.pages.len() <= slot / PAGE {
            let page: Box<[Slot]> = vec![idle; PAGE].into_boxed_slice();
            match page.try_into() {
                Ok(page) => self.pages.push(page),
                Err(_) => break,
            }
        }
    }

    /// Appends an event to a busy slot's list.
    #[inline(never)]
    fn wheel_append(&mut self, slot: usize, entry: Entry) {
        // (The slot borrows the pages only: the node arena stays free to change.)
        let Some(s) = page_slot(&mut self.pages, slot) else {
            return;
        };
        let index = match self.nodes.get_mut(self.free as usize) {
            Some(n) => {
                let index = self.free;
                self.free = n.next;
                index
            }
            None => {
                self.nodes.push(Node { entry, next: NONE });
                (self.nodes.len() - 1) as u32
            }
        };
        // Link the node in after the last, before the first.
        let next = match self.nodes.get_mut(s.last as usize) {
            Some(last) => std::mem::replace(&mut last.next, index),
            None => index,
        };
        if let Some(n) = self.nodes.get_mut(index as usize) {
            *n = Node { entry, next };
        }
        s.last = index;
    }

    /// The time of the first busy slot at or after `from` within the window.
    fn next_busy(&self, from: u64) -> Option<u64> {
        let start = (from & MASK) as usize;
        // Search [start, WHEEL) then [0, start): the window wraps.
        let slot = self
            .find_from(start, WHEEL as usize)
            .or_else(|| self.find_from(0, start))?;
        let offset = (slot as u64).wrapping_sub(start as u64) & MASK;
        Some(from + offset)
    }

    /// The first set slot in `[from, to)`.
    #[inline]
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

/// Slot `slot` of the wheel's pages.
#[inline]
fn page_slot(pages: &mut [Box<[Slot; PAGE]>], slot: usize) -> Option<&mut Slot> {
    pages.get_mut(slot / PAGE)?.get_mut(slot % PAGE)
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

    /// Drives the queue as the simulation does (pushes from inside pops, for now, for earlier
    /// than now, near, on both sides of the horizon and far beyond it; the clock moved ahead
    /// between events as `step_until` does) and checks every pop, and `peek_time` before it,
    /// against a reference ordered by (time, push order).
    #[test]
    fn agrees_with_an_ordered_reference_under_random_use() {
        use std::collections::BTreeSet;
        const KINDS: [EventKind; 4] = [
            EventKind::Resume,
            EventKind::LambdaRelease,
            EventKind::ExecutionTimeout,
            EventKind::ReplayAbort,
        ];
        for seed in 1..=40u64 {
            let mut x = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
            let mut rand = move |n: u64| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                x % n
            };
            let mut q = Queue::default();
            // (time, push number, target, generation, kind)
            let mut reference: BTreeSet<(u64, u64, u32, u32, EventKind)> = BTreeSet::new();
            let mut pushed = 0u64;
            let mut now = 0u64;
            let mut push = |q: &mut Queue,
                            reference: &mut BTreeSet<(u64, u64, u32, u32, EventKind)>,
                            now: u64,
                            time: u64,
                            r: u64| {
                pushed += 1;
                let (target, generation) = (pushed as u32, (r % 7) as u32);
                let kind = KINDS[(r % 4) as usize];
                q.push(now, time, target, generation, kind);
                reference.insert((time.max(now), pushed, target, generation, kind));
            };
            let horizon = WHEEL;
            let mut budget = 3000 + rand(3000);
            for _ in 0..rand(40) {
                let t = rand(3 * horizon);
                push(&mut q, &mut reference, 0, t, rand(1000));
            }
            loop {
                let expected = reference.first().map(|e| e.0);
                assert_eq!(q.peek_time(now), expected, "seed {seed} at {now}");
                let Some(next) = expected else {
                    break;
                };
                // Sometimes the clock moves ahead first, short of the next event's time
                // (`step_until`) or onto it, and events are scheduled from there.
                if next > now && rand(8) == 0 {
                    now += 1 + rand(next - now);
                    if budget > 0 && rand(2) == 0 {
                        budget -= 1;
                        let t = now + rand(3);
                        push(&mut q, &mut reference, now, t, rand(1000));
                    }
                    continue;
                }
                let Some(e) = q.pop(now) else {
                    panic!("seed {seed}: the queue ran dry at {now}");
                };
                let Some(want) = reference.pop_first() else {
                    break;
                };
                assert_eq!(
                    (e.time, e.target, e.generation, e.kind),
                    (want.0, want.2, want.3, want.4),
                    "seed {seed}"
                );
                now = e.time;
                let pushes = if budget == 0 { 0 } else { rand(4) };
                for _ in 0..pushes {
                    budget -= 1;
                    let r = rand(1000);
                    let t = match rand(12) {
                        0..=3 => now,
                        4 => now.saturating_sub(1 + rand(5)),
                        5 => now + 1 + rand(5),
                        6 | 7 => now + rand(1000),
                        8 => now + rand(horizon),
                        9 => now + horizon - 1 + rand(3),
                        10 => now + horizon + rand(4 * horizon),
                        _ => now + rand(100_000),
                    };
                    push(&mut q, &mut reference, now, t, r);
                    if budget == 0 {
                        break;
                    }
                }
            }
            assert!(q.pop(now).is_none());
            assert!(reference.is_empty());
        }
    }
}
