//! A thread's cache slot: a bounded stack of idle objects that the pool owns.
//!
//! Each thread that uses a pool gets one slot, found through the pool's `ThreadLocal` in a few
//! instructions. The slot's lock is the owner/remote protocol: the owning thread takes it for
//! each `get` and `put` (uncontended: one compare-exchange to lock, one release store to unlock, on a
//! cache line no other thread writes), and `trim()`, stealing, `stats()` and the pool's drop take
//! it from other threads, rarely. No user code ever runs under it, and it is held for a few
//! dozen instructions at a time, so a waiter spins.

use core::mem;

use super::Pool;
use super::tier::{Idle, Tier};
use crate::slot::Slot;
use crate::stats::{Discards, Stats};
use crate::sync::{AtomicBool, MutPtr, Mutex, Ordering, UnsafeCell, lock, spin_wait};

/// A thread's slot. Aligned to its own cache lines (like crossbeam's `CachePadded`), so that the
/// owner's lock word and stack never share a line with another thread's.
#[repr(align(128))]
pub(crate) struct Cache<T> {
    state: SlotLock<State<T>>,
}

/// The slot's lock: a test-and-test-and-set spin lock.
///
/// Not `std::sync::Mutex`: its lock is a compare-exchange and its unlock a swap (two atomic
/// read-modify-writes) plus two poison checks. With it (and a slot lookup on both sides) a
/// `get` + `put` of the `pool_ops` bench took 187 instructions under callgrind; with this lock,
/// whose unlock is a plain release store, and guards that remember their slot, 137 (121 once
/// the discard paths moved out of line). Nothing here can poison it: no user code runs under
/// it.
struct SlotLock<T> {
    locked: AtomicBool,
    value: UnsafeCell<T>,
}

// SAFETY: the lock lets one thread at a time reach `value` (taken with an Acquire
// compare-exchange, given back with a Release store, so each holder sees the previous holder's
// writes), so sharing a
// `SlotLock<T>` only ever moves the `T` from thread to thread: `T: Send` is enough, as for
// `std::sync::Mutex`.
unsafe impl<T: Send> Sync for SlotLock<T> {}

/// Access to a slot's state while its lock is held.
struct SlotGuard<'a, T> {
    lock: &'a SlotLock<T>,
    value: MutPtr<T>,
}

impl<T> SlotLock<T> {
    fn new(value: T) -> Self {
        Self {
            locked: AtomicBool::new(false),
            value: UnsafeCell::new(value),
        }
    }

    /// Takes the lock, spinning while another thread holds it.
    #[inline]
    fn lock(&self) -> SlotGuard<'_, T> {
        if !self.acquire() {
            self.wait();
        }
        SlotGuard {
            lock: self,
            value: self.value.get_mut(),
        }
    }

    /// One attempt to take the lock. A compare-exchange, not a swap: a failed attempt writes
    /// nothing, so it neither takes the line from the holder for nothing nor races its unlock.
    #[inline]
    fn acquire(&self) -> bool {
        // Acquire: pairs with the Release store of the previous holder's unlock. Relaxed on
        // failure: nothing is read then.
        self.locked
            .compare_exchange(false, true, Ordering::Acquire, Ordering::Relaxed)
            .is_ok()
    }

    /// The lock was held: wait until it is free, then take it.
    #[cold]
    #[inline(never)]
    fn wait(&self) {
        let mut turn = 0u32;
        loop {
            // Relaxed: only a hint of when an attempt may succeed; `acquire` orders the access.
            // (Not under loom, which may let a relaxed load read the old value for a while.)
            #[cfg(not(loom))]
            while self.locked.load(Ordering::Relaxed) {
                spin_wait(turn);
                turn = turn.saturating_add(1);
            }
            if self.acquire() {
                return;
            }
            spin_wait(turn);
            turn = turn.saturating_add(1);
        }
    }
}

impl<T> SlotGuard<'_, T> {
    /// The state.
    #[inline]
    fn state(&mut self) -> &mut T {
        // SAFETY: this guard holds the lock, so no other guard exists and no other thread can
        // reach the value; the `&mut self` borrow keeps this the only reference through the
        // guard; the lock (and so the cell) outlives the guard, which borrows it.
        unsafe { self.value.deref() }
    }
}

impl<T> Drop for SlotGuard<'_, T> {
    #[inline]
    fn drop(&mut self) {
        // Release: publishes this holder's writes to the next one, whose compare-exchange is Acquire.
        self.lock.locked.store(false, Ordering::Release);
    }
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

impl<T> State<T> {
    /// Pops the most recently returned object for a `get`: keeps the low-water mark and counts
    /// the reuse.
    #[inline]
    fn pop(&mut self) -> Option<Slot<T>> {
        let idle = self.items.pop()?;
        self.low_water = self.low_water.min(self.items.len());
        self.counts.reuses += 1;
        Some(idle.value)
    }
}

/// Event counters of one slot, written under its lock (plain adds, no atomics).
#[derive(Clone, Copy, Default)]
struct Counts {
    reuses: u64,
    returns: u64,
    over_idle_bound: u64,
    trimmed: u64,
}

impl<T: Send> Cache<T> {
    /// An empty slot whose stack has room for `capacity` objects.
    pub(crate) fn new(capacity: usize) -> Self {
        Self {
            state: SlotLock::new(State {
                // A huge `thread_cache` is a bound, not an allocation.
                items: Vec::with_capacity(capacity.min(256)),
                low_water: 0,
                counts: Counts::default(),
            }),
        }
    }

    /// Pops the most recent idle object; on an empty stack, refills a batch from the tier.
    /// `None`: the tier is empty too (the caller steals, then creates).
    #[inline]
    pub(crate) fn take(&self, pool: &Pool<T>) -> Option<Slot<T>> {
        let mut guard = self.state.lock();
        let state = guard.state();
        if let Some(value) = state.pop() {
            return Some(value);
        }
        let first = refill(state, &pool.tier, pool.batch)?;
        state.counts.reuses += 1;
        Some(first.value)
    }

    /// Keeps a returned object. With the stack full, the oldest batch spills to the tier first;
    /// if the tier is at `max_idle` too, the object comes back to be dropped (outside the lock).
    #[inline]
    pub(crate) fn put(&self, idle: Idle<T>, pool: &Pool<T>) -> Option<Slot<T>> {
        let mut guard = self.state.lock();
        let state = guard.state();
        state.counts.returns += 1;
        if state.items.len() < pool.limits.thread_cache {
            state.items.push(idle);
            None
        } else {
            put_full(state, idle, pool)
        }
    }

    /// Lends this slot's (empty) stack to a steal, so that the loot goes into its capacity and
    /// the steal allocates nothing; or, if an object arrived meanwhile (a guard dropped on
    /// another thread returns to its home slot), takes that instead.
    pub(crate) fn lend_stack(&self) -> Result<Vec<Idle<T>>, Slot<T>> {
        let mut guard = self.state.lock();
        let state = guard.state();
        match state.pop() {
            Some(arrived) => Err(arrived),
            None => Ok(mem::take(&mut state.items)),
        }
    }

    /// Moves up to half of this slot's objects (at most `max`), the oldest first, into `loot`,
    /// for a thread whose own slot and the tier are empty, and says how many of them (from the
    /// first) had been idle since the last `trim()`. Waits for the owner's critical section if
    /// it is in one (a few dozen instructions): skipping a busy slot made a thread create
    /// objects while others sat idle, forever a little more under steady cross-thread traffic.
    pub(crate) fn steal_into(&self, loot: &mut Vec<Idle<T>>, max: usize) -> usize {
        let mut guard = self.state.lock();
        let state = guard.state();
        let n = state.items.len().div_ceil(2).min(max);
        let stale = state.low_water.min(n);
        state.low_water -= stale;
        loot.extend(state.items.drain(..n));
        stale
    }

    /// Takes back the stack lent by [`lend_stack`](Self::lend_stack), with the loot in it:
    /// the newest object goes to the caller (counted as a reuse), the rest stay here, the
    /// `stale` ones below the low-water mark so that the next `trim()` still releases them.
    pub(crate) fn restore_stack(&self, mut loot: Vec<Idle<T>>, stale: usize) -> Option<Slot<T>> {
        let mut guard = self.state.lock();
        let state = guard.state();
        let first = loot.pop();
        let stale = stale.min(loot.len());
        if state.items.is_empty() {
            // The usual case: nothing arrived meanwhile, so the lent stack (and its capacity)
            // simply comes back.
            state.items = loot;
        } else {
            state.items.splice(0..0, loot);
        }
        state.low_water += stale;
        if first.is_some() {
            state.counts.reuses += 1;
        }
        first.map(|idle| idle.value)
    }

    /// `trim()`'s visit: moves the objects that stayed idle since the previous visit (below the
    /// low-water mark) to `released`, for the caller to drop outside the lock.
    pub(crate) fn trim_into(&self, released: &mut Vec<Idle<T>>) {
        let mut guard = self.state.lock();
        let state = guard.state();
        let n = state.low_water.min(state.items.len());
        released.extend(state.items.drain(..n));
        state.counts.trimmed += n as u64;
        state.low_water = state.items.len();
    }

    /// Empties the slot into `all` (the pool is being dropped).
    pub(crate) fn take_all_into(&self, all: &mut Vec<Idle<T>>) {
        all.append(&mut self.state.lock().state().items);
    }

    /// Adds this slot's counters, idle objects and retained bytes to `stats`.
    pub(crate) fn add_to(&self, stats: &mut Stats) {
        let mut guard = self.state.lock();
        let state = guard.state();
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
    // Lock order: slot, then tier (as in `put_full`, the only other place both are held).
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
fn put_full<T: Send>(state: &mut State<T>, idle: Idle<T>, pool: &Pool<T>) -> Option<Slot<T>> {
    let (capacity, batch, max_idle) = (pool.limits.thread_cache, pool.batch, pool.limits.max_idle);
    let mut tier = lock(&pool.tier);
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
