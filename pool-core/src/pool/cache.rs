//! A thread's cache slot: a bounded stack of idle objects that the pool owns.
//!
//! Each thread that uses a pool gets one slot, found through the pool's `ThreadLocal` in a few
//! instructions. The slot's mutex is the owner/remote protocol: the owning thread takes it for
//! each `get` and `put` (uncontended: one atomic read-modify-write to lock, one to unlock, on a
//! cache line no other thread writes), and `trim()`, stealing, `stats()` and the pool's drop take
//! it from other threads, rarely. No user code ever runs under it.

use core::mem;

use super::tier::{Idle, Tier};
use crate::slot::Slot;
use crate::stats::{Discards, Stats};
use crate::sync::{Mutex, MutexGuard, lock, try_lock};

/// A thread's slot. Aligned to its own cache lines (like crossbeam's `CachePadded`), so that the
/// owner's lock word and stack never share a line with another thread's.
#[repr(align(128))]
pub(crate) struct Cache<T> {
    state: Mutex<State<T>>,
}

/// What the slot's mutex guards.
pub(crate) struct State<T> {
    /// A stack: the most recently returned object is on top.
    items: Vec<Idle<T>>,
    /// The fewest items the slot held since the last `trim()`: the items below it were not
    /// touched since, so the next `trim()` releases them.
    low_water: usize,
    counts: Counts,
}

/// Event counters of one slot, written under its lock (plain adds, no atomics).
#[derive(Clone, Copy, Default)]
struct Counts {
    reuses: u64,
    returns: u64,
    over_idle_bound: u64,
    trimmed: u64,
}

impl<T> Cache<T> {
    /// An empty slot whose stack has room for `capacity` objects.
    pub(crate) fn new(capacity: usize) -> Self {
        Self {
            state: Mutex::new(State {
                items: Vec::with_capacity(capacity),
                low_water: 0,
                counts: Counts::default(),
            }),
        }
    }

    /// The owner's lock.
    #[inline]
    fn lock(&self) -> MutexGuard<'_, State<T>> {
        lock(&self.state)
    }

    /// Pops the most recent idle object; on an empty stack, refills a batch from the tier.
    /// `None`: the tier is empty too (the caller steals, then creates).
    #[inline]
    pub(crate) fn take(&self, tier: &Mutex<Tier<T>>, batch: usize) -> Option<Slot<T>> {
        let mut state = self.lock();
        let idle = match state.items.pop() {
            Some(idle) => {
                let len = state.items.len();
                if len < state.low_water {
                    state.low_water = len;
                }
                idle
            }
            None => {
                state.low_water = 0;
                refill(&mut state, tier, batch)?
            }
        };
        state.counts.reuses += 1;
        Some(idle.value)
    }

    /// Keeps a returned object. With the stack full, the oldest batch spills to the tier first;
    /// if the tier is at `max_idle` too, the object comes back to be dropped (outside the lock).
    #[inline]
    pub(crate) fn put(
        &self,
        idle: Idle<T>,
        capacity: usize,
        tier: &Mutex<Tier<T>>,
        batch: usize,
        max_idle: usize,
    ) -> Option<Slot<T>> {
        let mut state = self.lock();
        state.counts.returns += 1;
        if state.items.len() < capacity {
            state.items.push(idle);
            None
        } else {
            put_full(&mut state, idle, capacity, tier, batch, max_idle)
        }
    }

    /// Stashes objects stolen from another slot, and counts the caller's get as a reuse. The
    /// first `stale` of them had been idle since the last `trim()` where they were: they go to
    /// the bottom of this stack, below the low-water mark, so the next `trim()` still releases
    /// them.
    pub(crate) fn stash(&self, loot: Vec<Idle<T>>, stale: usize) {
        let mut state = self.lock();
        state.counts.reuses += 1;
        state.items.splice(0..0, loot);
        state.low_water += stale;
    }

    /// Takes up to half of this slot's objects (at most `max`), the oldest first, for a thread
    /// whose own slot and the tier are empty, and says how many of them (from the first) had
    /// been idle since the last `trim()`. Never waits: a busy slot gives nothing.
    pub(crate) fn steal(&self, max: usize) -> (Vec<Idle<T>>, usize) {
        let Some(mut state) = try_lock(&self.state) else {
            return (Vec::new(), 0);
        };
        let n = state.items.len().div_ceil(2).min(max);
        let stale = state.low_water.min(n);
        state.low_water -= stale;
        (state.items.drain(..n).collect(), stale)
    }

    /// `trim()`'s visit: removes the objects that stayed idle since the previous visit (below
    /// the low-water mark), for the caller to drop outside the lock.
    pub(crate) fn trim(&self) -> Vec<Idle<T>> {
        let mut state = self.lock();
        let n = state.low_water.min(state.items.len());
        let stale: Vec<Idle<T>> = state.items.drain(..n).collect();
        state.counts.trimmed += n as u64;
        state.low_water = state.items.len();
        stale
    }

    /// Empties the slot (the pool is being dropped).
    pub(crate) fn take_all(&self) -> Vec<Idle<T>> {
        mem::take(&mut self.lock().items)
    }

    /// Adds this slot's counters, idle objects and retained bytes to `stats`.
    pub(crate) fn add_to(&self, stats: &mut Stats) {
        let state = self.lock();
        let c = state.counts;
        stats.reuses += c.reuses;
        stats.returns += c.returns;
        stats.discards += Discards {
            over_idle_bound: c.over_idle_bound,
            ..Discards::default()
        };
        stats.trimmed += c.trimmed;
        stats.idle += state.items.len() as u64;
        stats.retained_bytes += state.items.iter().map(|i| i.bytes as u64).sum::<u64>();
    }
}

/// Takes one object from the tier for the caller, and up to a batch more into the stack.
#[cold]
#[inline(never)]
fn refill<T>(state: &mut State<T>, tier: &Mutex<Tier<T>>, batch: usize) -> Option<Idle<T>> {
    // Lock order: slot, then tier (the only place both are held).
    let mut tier = lock(tier);
    let first = tier.pop()?;
    for _ in 1..batch {
        let Some(idle) = tier.pop() else { break };
        state.items.push(idle);
    }
    Some(first)
}

/// A return to a full stack: spill the oldest batch to the tier, as far as it has room, then
/// keep the object; or hand it back when neither has room.
#[cold]
#[inline(never)]
fn put_full<T>(
    state: &mut State<T>,
    idle: Idle<T>,
    capacity: usize,
    tier: &Mutex<Tier<T>>,
    batch: usize,
    max_idle: usize,
) -> Option<Slot<T>> {
    let mut tier = lock(tier);
    let room = max_idle.saturating_sub(tier.len());
    let n = batch.min(room).min(state.items.len());
    // The oldest first; those below the low-water mark were idle since the last `trim()`, and
    // join the tier's victims so that the next one still releases them.
    let stale = state.low_water.min(n);
    for (i, spilled) in state.items.drain(..n).enumerate() {
        tier.push(spilled, i < stale);
    }
    state.low_water -= stale;
    if state.items.len() < capacity {
        state.items.push(idle);
        None
    } else if tier.len() < max_idle {
        // A slot of capacity 0 (`thread_cache(0)`): straight to the tier.
        tier.push(idle, false);
        None
    } else {
        state.counts.over_idle_bound += 1;
        Some(idle.value)
    }
}
