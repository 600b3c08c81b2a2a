//! The idle stack every pool keeps: [`Pool`](crate::Pool)'s thread caches,
//! [`LocalPool`](crate::LocalPool) and, through `Pool`, each class of a
//! [`BufferPool`](crate::BufferPool).
//!
//! A stack of boxed idle objects with the bytes each retains, a low-water mark for trimming,
//! and the counters of what happened to it. It knows nothing of threads: whoever owns it (the
//! thread that owns a cache, a `RefCell`) decides who may touch it.

use core::panic::AssertUnwindSafe;
use std::panic::catch_unwind;

use crate::lifecycle::Measure;
use crate::slot::Slot;
use crate::stats::{Gathered, Tally};

/// An idle object and the bytes it retains (computed once, when it came back).
///
/// Objects live in boxes for their whole life in the pool: `get` and `put` move a pointer, never
/// the object (see the implementation notes).
pub(crate) struct Idle<T> {
    pub(crate) value: Slot<T>,
    pub(crate) bytes: usize,
}

/// What a pass over the idle objects releases, and how it counts them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Release {
    /// A user's `trim()`: what stayed idle since the previous pass (counted in `trimmed`).
    Trim,
    /// An aging pass: the same objects, counted in `aged`.
    Age,
    /// An aging pass under memory pressure: every idle object (counted in `aged`).
    All,
}

/// Returns a stack records in its size histogram before it adds them to the pool's (see
/// `pool/memory.rs`).
pub(crate) const SIZE_FLUSH_EVERY: u32 = 1024;

/// Power-of-two size classes: class `c` holds the sizes in `(2^(c-1), 2^c]`, class 0 the sizes
/// 0 and 1.
pub(crate) const SIZE_CLASSES: usize = usize::BITS as usize + 1;

/// The size class of `bytes` (see [`SIZE_CLASSES`]).
#[inline]
pub(crate) fn size_class(bytes: usize) -> usize {
    if bytes == 0 {
        0
    } else {
        (usize::BITS - (bytes - 1).leading_zeros()) as usize
    }
}

/// A bounded LIFO stack of idle objects: the most recently returned object is on top.
pub(crate) struct Stack<T> {
    items: Vec<Idle<T>>,
    /// The fewest items the stack held since the last trim: the items below it were not touched
    /// since, so the next trim releases them.
    low_water: usize,
    /// Bytes the items retain as the byte budget sees them (saturating: a user `retained_bytes`
    /// may report anything). Maintained by the slow-path operations, the only ones a budgeted
    /// pool uses; the hit path's `pop_plain` and `push_if_room` leave it alone, so in a pool
    /// without a budget it drifts and is never read ([`bytes`](Self::bytes) and the stats sum
    /// the items instead).
    held: usize,
    /// Bytes of the pool's byte budget this stack holds, at least `held`; `usize::MAX`: the pool
    /// has no budget (see `pool/memory.rs`).
    pub(crate) allowance: usize,
    /// Returns per size class since the last flush to the pool (empty: the pool learns no
    /// cut-off), and how many.
    sizes: Vec<u32>,
    sized: u32,
    /// What happened to the stack's objects (reuses, returns, its discards and releases).
    pub(crate) counts: Tally,
}

impl<T> Stack<T> {
    /// An empty stack with room for `capacity` objects reserved (at most 256: a huge bound is a
    /// bound, not an allocation; the stack grows as objects come back).
    pub(crate) fn with_capacity(capacity: usize) -> Self {
        Self {
            items: Vec::with_capacity(capacity.min(256)),
            low_water: 0,
            held: 0,
            allowance: usize::MAX,
            sizes: Vec::new(),
            sized: 0,
            counts: Tally::default(),
        }
    }

    /// Sets up the byte budget (`budgeted`: the stack starts holding none of it) and the size
    /// histogram (`sampled`).
    pub(crate) fn with_memory(mut self, budgeted: bool, sampled: bool) -> Self {
        if budgeted {
            self.allowance = 0;
        }
        if sampled {
            self.sizes = vec![0; SIZE_CLASSES];
        }
        self
    }

    /// What the budget sees the items retain (see the field: exact only for a budgeted stack).
    fn held(&self) -> usize {
        self.held
    }

    /// Whether one more object of `bytes` fits in what the stack holds of the byte budget
    /// (always false at `usize::MAX` retained bytes; the caller's cold path sorts it out).
    #[inline]
    pub(crate) fn fits(&self, bytes: usize) -> bool {
        self.allowance == usize::MAX || bytes <= self.allowance.wrapping_sub(self.held())
    }

    /// The budget bytes held beyond what the items retain (a budgeted stack only).
    pub(crate) fn spare(&self) -> usize {
        self.allowance - self.held()
    }

    /// Budget bytes held beyond what the items retain; the stack keeps only `keep` of them and
    /// returns the rest (0 without a budget).
    pub(crate) fn surplus(&mut self, keep: usize) -> usize {
        if self.allowance == usize::MAX {
            return 0;
        }
        let surplus = (self.allowance - self.held()).saturating_sub(keep);
        self.allowance -= surplus;
        surplus
    }

    /// Adds `bytes` of budget the stack took over (with objects, or borrowed).
    pub(crate) fn charge(&mut self, bytes: usize) {
        if self.allowance != usize::MAX {
            self.allowance += bytes;
        }
    }

    /// Removes `bytes` of budget that left with objects.
    pub(crate) fn uncharge(&mut self, bytes: usize) {
        if self.allowance != usize::MAX {
            self.allowance -= bytes;
        }
    }

    /// Records a returned object's size; `true` when the histogram is due for a flush to the
    /// pool's ([`SIZE_FLUSH_EVERY`]).
    #[inline]
    pub(crate) fn record_size(&mut self, bytes: usize) -> bool {
        if self.sizes.is_empty() {
            return false;
        }
        self.sizes[size_class(bytes)] += 1;
        self.sized += 1;
        self.sized >= SIZE_FLUSH_EVERY
    }

    /// Adds the histogram to `to`, clears it, and says how many returns it held.
    pub(crate) fn flush_sizes(&mut self, to: &mut [u64]) -> u64 {
        for (to, n) in to.iter_mut().zip(&mut self.sizes) {
            *to += u64::from(*n);
            *n = 0;
        }
        u64::from(core::mem::take(&mut self.sized))
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
        self.held = self.held.saturating_sub(idle.bytes);
        self.counts.reuses += 1;
        Some(idle.value)
    }

    /// Pushes a returned object on top (the caller checked the bound and counted the return).
    #[inline]
    pub(crate) fn push(&mut self, idle: Idle<T>) {
        self.held = self.held.saturating_add(idle.bytes);
        self.items.push(idle);
    }

    /// The hit path's pop, for a stack without a budget: [`pop`](Self::pop) without the byte
    /// total.
    #[inline(always)]
    pub(crate) fn pop_plain(&mut self) -> Option<Slot<T>> {
        let idle = self.items.pop()?;
        // A branch rather than `min`: in steady use the mark is already at or below the length,
        // and the hit then stores nothing here.
        if self.items.len() < self.low_water {
            self.low_water = self.items.len();
        }
        self.counts.reuses += 1;
        Some(idle.value)
    }

    /// The hit path's push, for a stack without a budget: pushes if the stack holds fewer than
    /// `limit` and its buffer has room (so the push cannot allocate), and counts the return;
    /// else hands the object back.
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

    /// Takes the `n` oldest objects (at most all), calling `each(object, stale)` on each, oldest
    /// first; `stale`: it sat below the low-water mark (idle since the last trim), so wherever it
    /// goes it should stay first in line for the next trim.
    pub(crate) fn take_oldest(&mut self, n: usize, mut each: impl FnMut(Idle<T>, bool)) {
        let n = n.min(self.items.len());
        let stale = self.low_water.min(n);
        self.low_water -= stale;
        for (i, idle) in self.items.drain(..n).enumerate() {
            self.held = self.held.saturating_sub(idle.bytes);
            if self.allowance != usize::MAX {
                self.allowance -= idle.bytes;
            }
            each(idle, i < stale);
        }
    }

    /// Moves the `n` oldest objects (at most all) to the bottom of `to`, keeping their age: the
    /// ones that sat below this stack's low-water mark go under `to`'s (a steal).
    pub(crate) fn move_oldest_into(&mut self, to: &mut Stack<T>, n: usize) {
        let n = n.min(self.items.len());
        let stale = self.low_water.min(n);
        self.low_water -= stale;
        let bytes = self.items[..n]
            .iter()
            .fold(0usize, |sum, idle| sum.saturating_add(idle.bytes));
        self.held = self.held.saturating_sub(bytes);
        self.uncharge(bytes);
        to.held = to.held.saturating_add(bytes);
        to.charge(bytes);
        // The loom mutation check's deliberate bug: the steal copies what it takes and leaves it
        // to the victim too, handing an object out twice (tests/loom.rs's `hold` must see it).
        #[cfg(pool_core_mutation = "double_hand_out")]
        // SAFETY: none, on purpose: each copied box then has two owners.
        let copies: Vec<Idle<T>> = self.items[..n]
            .iter()
            .map(|i| unsafe { core::ptr::read(i) })
            .collect();
        to.items.splice(0..0, self.items.drain(..n));
        #[cfg(pool_core_mutation = "double_hand_out")]
        self.items.splice(0..0, copies);
        to.low_water += stale;
    }

    /// A trim: moves the objects that stayed idle since the previous trim (below the low-water
    /// mark; with [`Release::All`], every object) to `released`, for the caller to drop outside
    /// any lock, and counts them. Returns how many, and the budget bytes the stack gives back
    /// (theirs, and all it held beyond what it keeps).
    pub(crate) fn trim_into(
        &mut self,
        released: &mut Vec<Idle<T>>,
        how: Release,
    ) -> (usize, usize) {
        let n = match how {
            Release::All => self.items.len(),
            Release::Trim | Release::Age => self.low_water.min(self.items.len()),
        };
        let mut freed = 0usize;
        for idle in self.items.drain(..n) {
            self.held = self.held.saturating_sub(idle.bytes);
            freed = freed.saturating_add(idle.bytes);
            released.push(idle);
        }
        match how {
            Release::Trim => self.counts.trimmed += n as u64,
            Release::Age | Release::All => self.counts.aged += n as u64,
        }
        self.low_water = self.items.len();
        if self.allowance == usize::MAX {
            return (n, 0);
        }
        self.allowance -= freed;
        (n, freed + self.surplus(0))
    }

    /// Empties the stack into `all` (the pool is being dropped).
    pub(crate) fn take_all_into(&mut self, all: &mut Vec<Idle<T>>) {
        self.held = 0;
        self.low_water = 0;
        all.append(&mut self.items);
    }

    /// Adds this stack's counters, idle objects and retained bytes to `into`.
    pub(crate) fn add_to(&self, into: &mut Gathered, measure: Measure<T>) {
        into.tally += self.counts;
        add_idle(into, &self.items, measure);
    }
}

/// Adds `items` (idle objects) and the bytes they retain, their boxes included, to `into`.
pub(crate) fn add_idle<T>(into: &mut Gathered, items: &[Idle<T>], measure: Measure<T>) {
    into.idle += items.len() as u64;
    into.retained_bytes = into
        .retained_bytes
        .saturating_add(sum_bytes(items, measure) as u64)
        .saturating_add(boxes_bytes::<T>(items.len()));
}

/// The heap bytes of `n` idle objects' own boxes (see `Slot::BOX_BYTES`), which `Stats`
/// counts in `retained_bytes` beside what the objects report.
pub(crate) fn boxes_bytes<T>(n: usize) -> u64 {
    (n as u64).saturating_mul(Slot::<T>::BOX_BYTES as u64)
}

/// The bytes `items` retain, summed (saturating): as recorded on return, or asked of each
/// object (see [`Measure`]; one whose `retained_bytes` panics counts 0 here, and is discarded
/// on its next return).
pub(crate) fn sum_bytes<T>(items: &[Idle<T>], measure: Measure<T>) -> usize {
    items.iter().fold(0, |sum, idle| {
        let bytes = match measure {
            None => idle.bytes,
            Some(f) => catch_unwind(AssertUnwindSafe(|| f(&idle.value))).unwrap_or(0),
        };
        sum.saturating_add(bytes)
    })
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
        assert_eq!(
            s.trim_into(&mut out, Release::Trim).0,
            0,
            "the mark starts at 0"
        );
        s.pop();
        s.push(idle(9, 10));
        assert_eq!(
            s.trim_into(&mut out, Release::Trim).0,
            3,
            "the bottom 3 were not touched"
        );
        assert_eq!(out.iter().map(|i| *i.value).collect::<Vec<_>>(), [0, 1, 2]);
        assert_eq!((s.len(), s.held), (1, 10));
    }

    #[test]
    fn objects_keep_their_age_when_they_move() {
        let mut a = Stack::with_capacity(4);
        for v in 0..4 {
            a.push(idle(v, 1));
        }
        a.trim_into(&mut Vec::new(), Release::Trim); // mark = 4: all four are now idle for a period
        let mut b = Stack::with_capacity(4);
        b.push(idle(7, 1));
        a.move_oldest_into(&mut b, 2);
        assert_eq!((a.len(), a.low_water, a.held), (2, 2, 2));
        assert_eq!((b.len(), b.low_water, b.held), (3, 2, 3));
        let mut out = Vec::new();
        assert_eq!(
            b.trim_into(&mut out, Release::Trim).0,
            2,
            "the stolen stale ones go first"
        );
        assert_eq!(out.iter().map(|i| *i.value).collect::<Vec<_>>(), [0, 1]);
    }

    #[test]
    fn budget_moves_with_objects_and_surplus_goes_back() {
        let mut a = Stack::with_capacity(4).with_memory(true, false);
        assert!(!a.fits(10));
        a.charge(25);
        a.push(idle(0, 10));
        a.push(idle(1, 10));
        assert!(a.fits(5) && !a.fits(6));
        let mut b = Stack::with_capacity(4).with_memory(true, false);
        a.move_oldest_into(&mut b, 1);
        assert_eq!((a.allowance, b.allowance), (15, 10));
        let mut out = Vec::new();
        assert_eq!(
            a.trim_into(&mut out, Release::Age),
            (0, 5),
            "marks; the spare 5 go back"
        );
        assert_eq!(
            a.trim_into(&mut out, Release::Age),
            (1, 10),
            "the object idle for a pass"
        );
        assert_eq!((a.allowance, a.counts.aged), (0, 1));
        assert_eq!(b.trim_into(&mut out, Release::All), (1, 10));
    }

    #[test]
    fn size_classes_are_powers_of_two() {
        let classes: Vec<usize> = [0, 1, 2, 3, 1024, 1025, usize::MAX]
            .into_iter()
            .map(size_class)
            .collect();
        assert_eq!(classes, [0, 0, 1, 2, 10, 11, 64]);
    }

    #[test]
    fn byte_sums_saturate() {
        let mut s = Stack::with_capacity(2);
        s.push(idle(0, usize::MAX));
        s.push(idle(1, 5));
        let mut stats = Gathered::default();
        s.add_to(&mut stats, None);
        assert_eq!(
            stats.retained_bytes,
            (usize::MAX as u64).saturating_add(256)
        );
        s.pop();
        s.pop();
        assert_eq!(s.held, 0);
    }
}
