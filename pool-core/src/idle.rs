//! The idle stack every pool keeps: [`Pool`](crate::Pool)'s thread caches,
//! [`LocalPool`](crate::LocalPool) and, through `Pool`, each class of a
//! [`BufferPool`](crate::BufferPool).
//!
//! A stack of boxed idle objects with the bytes each retains, a low-water mark for trimming,
//! and the counters of what happened to it. It knows nothing of threads: whoever owns it (the
//! thread that owns a cache, a `RefCell`) decides who may touch it.

use crate::slot::Slot;
use crate::stats::{Discards, Stats};

/// An idle object and the bytes it retains (computed once, when it came back).
///
/// Objects live in boxes for their whole life in the pool: `get` and `put` move a pointer, never
/// the object (see the implementation notes).
pub(crate) struct Idle<T> {
    pub(crate) value: Slot<T>,
    pub(crate) bytes: usize,
}

/// Event counters of one stack: plain integers, written by whoever owns it.
#[derive(Clone, Copy, Default)]
pub(crate) struct Counts {
    pub(crate) reuses: u64,
    pub(crate) returns: u64,
    pub(crate) over_idle_bound: u64,
    pub(crate) trimmed: u64,
}

/// A bounded LIFO stack of idle objects: the most recently returned object is on top.
pub(crate) struct Stack<T> {
    items: Vec<Idle<T>>,
    /// The fewest items the stack held since the last trim: the items below it were not touched
    /// since, so the next trim releases them.
    low_water: usize,
    pub(crate) counts: Counts,
}

impl<T> Stack<T> {
    /// An empty stack with room for `capacity` objects reserved (at most 256: a huge bound is a
    /// bound, not an allocation; the stack grows as objects come back).
    pub(crate) fn with_capacity(capacity: usize) -> Self {
        Self {
            items: Vec::with_capacity(capacity.min(256)),
            low_water: 0,
            counts: Counts::default(),
        }
    }

    /// Idle objects held.
    #[inline]
    pub(crate) fn len(&self) -> usize {
        self.items.len()
    }

    /// Pops the most recently returned object for a `get`: keeps the low-water mark and the
    /// byte total, and counts the reuse.
    #[inline]
    pub(crate) fn pop(&mut self) -> Option<Slot<T>> {
        let idle = self.items.pop()?;
        self.low_water = self.low_water.min(self.items.len());
        self.counts.reuses += 1;
        Some(idle.value)
    }

    /// Pushes a returned object on top (the caller checked the bound and counted the return).
    #[inline]
    pub(crate) fn push(&mut self, idle: Idle<T>) {
        self.items.push(idle);
    }

    /// Pushes a returned object on top if the stack holds fewer than `limit` and its buffer has
    /// room (so the push cannot allocate); else hands it back. Counts the return if kept.
    #[inline(always)]
    pub(crate) fn push_if_room(&mut self, idle: Idle<T>, limit: usize) -> Result<(), Idle<T>> {
        let len = self.items.len();
        if len < limit && len < self.items.capacity() {
            self.items.push(idle);
            self.counts.returns += 1;
            Ok(())
        } else {
            Err(idle)
        }
    }

    /// Bytes the items retain, summed (saturating: a user `retained_bytes` may report anything).
    /// Summed when asked, not kept up to date: the hot path stays two stores per push.
    pub(crate) fn bytes(&self) -> usize {
        sum_bytes(&self.items)
    }

    /// Takes the `n` oldest objects (at most all), calling `each(object, stale)` on each, oldest
    /// first; `stale`: it sat below the low-water mark (idle since the last trim), so wherever it
    /// goes it should stay first in line for the next trim.
    pub(crate) fn take_oldest(&mut self, n: usize, mut each: impl FnMut(Idle<T>, bool)) {
        let n = n.min(self.items.len());
        let stale = self.low_water.min(n);
        self.low_water -= stale;
        for (i, idle) in self.items.drain(..n).enumerate() {
            each(idle, i < stale);
        }
    }

    /// Moves the `n` oldest objects (at most all) to the bottom of `to`, keeping their age: the
    /// ones that sat below this stack's low-water mark go under `to`'s (a steal).
    pub(crate) fn move_oldest_into(&mut self, to: &mut Stack<T>, n: usize) {
        let n = n.min(self.items.len());
        let stale = self.low_water.min(n);
        self.low_water -= stale;
        to.items.splice(0..0, self.items.drain(..n));
        to.low_water += stale;
    }

    /// A trim: moves the objects that stayed idle since the previous trim (below the low-water
    /// mark) to `released`, for the caller to drop outside any lock, and counts them.
    pub(crate) fn trim_into(&mut self, released: &mut Vec<Idle<T>>) -> usize {
        let n = self.low_water.min(self.items.len());
        released.extend(self.items.drain(..n));
        self.counts.trimmed += n as u64;
        self.low_water = self.items.len();
        n
    }

    /// Empties the stack into `all` (the pool is being dropped).
    pub(crate) fn take_all_into(&mut self, all: &mut Vec<Idle<T>>) {
        self.low_water = 0;
        all.append(&mut self.items);
    }

    /// Adds this stack's counters, idle objects and retained bytes to `stats`.
    pub(crate) fn add_to(&self, stats: &mut Stats) {
        let c = self.counts;
        stats.reuses += c.reuses;
        stats.returns += c.returns;
        stats.discards += Discards {
            over_idle_bound: c.over_idle_bound,
            ..Discards::default()
        };
        stats.trimmed += c.trimmed;
        stats.idle += self.items.len() as u64;
        stats.retained_bytes = stats
            .retained_bytes
            .saturating_add(self.bytes() as u64)
            .saturating_add(boxes_bytes::<T>(self.items.len()));
    }
}

/// The heap bytes of `n` idle objects' own boxes (see `Slot::BOX_BYTES`), which `Stats`
/// counts in `retained_bytes` beside what the objects report.
pub(crate) fn boxes_bytes<T>(n: usize) -> u64 {
    (n as u64).saturating_mul(Slot::<T>::BOX_BYTES as u64)
}

/// The bytes `items` retain, summed (saturating).
pub(crate) fn sum_bytes<T>(items: &[Idle<T>]) -> usize {
    items
        .iter()
        .fold(0, |sum, idle| sum.saturating_add(idle.bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn idle(v: u32, bytes: usize) -> Idle<u32> {
        Idle {
            value: Slot::new(v),
            bytes,
        }
    }

    #[test]
    fn a_trim_releases_what_stayed_below_the_mark() {
        let mut s = Stack::with_capacity(4);
        for v in 0..4 {
            s.push(idle(v, 10));
        }
        let mut out = Vec::new();
        assert_eq!(s.trim_into(&mut out), 0, "the mark starts at 0");
        s.pop();
        s.push(idle(9, 10));
        assert_eq!(s.trim_into(&mut out), 3, "the bottom 3 were not touched");
        assert_eq!(out.iter().map(|i| *i.value).collect::<Vec<_>>(), [0, 1, 2]);
        assert_eq!((s.len(), s.bytes()), (1, 10));
    }

    #[test]
    fn objects_keep_their_age_when_they_move() {
        let mut a = Stack::with_capacity(4);
        for v in 0..4 {
            a.push(idle(v, 1));
        }
        a.trim_into(&mut Vec::new()); // mark = 4: all four are now idle for a period
        let mut b = Stack::with_capacity(4);
        b.push(idle(7, 1));
        a.move_oldest_into(&mut b, 2);
        assert_eq!((a.len(), a.low_water, a.bytes()), (2, 2, 2));
        assert_eq!((b.len(), b.low_water, b.bytes()), (3, 2, 3));
        let mut out = Vec::new();
        assert_eq!(b.trim_into(&mut out), 2, "the stolen stale ones go first");
        assert_eq!(out.iter().map(|i| *i.value).collect::<Vec<_>>(), [0, 1]);
    }

    #[test]
    fn byte_sums_saturate() {
        let mut s = Stack::with_capacity(2);
        s.push(idle(0, usize::MAX));
        s.push(idle(1, 5));
        let mut stats = Stats::default();
        s.add_to(&mut stats);
        assert_eq!(
            stats.retained_bytes,
            (usize::MAX as u64).saturating_add(256)
        );
        s.pop();
        s.pop();
        assert_eq!(s.bytes(), 0);
    }
}
