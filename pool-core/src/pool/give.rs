//! A return below the API: reset and check (`lifecycle.rs`), then the inlined push on this
//! thread's cache, or (out of line) a spill to the tier, a discard, the tier for a thread with
//! no cache, and the wake-up of a get waiting at the cap.

use super::cache::Cache;
use super::live::LiveCap;
use super::{Pool, owner};
use crate::Poolable;
use crate::idle::Idle;
use crate::lifecycle::{Discard, drop_quietly, prepare_return};
use crate::slot::Slot;
use crate::sync::{lock, shared_add};

/// Drops an object that neither the cache nor the tier had room for (out of line: rare).
#[cold]
#[inline(never)]
pub(super) fn drop_rejected<T>(value: Slot<T>) {
    drop_quietly(value);
}

impl<T: Poolable + Send + 'static> Pool<T> {
    /// Counts an object offered with `put` (a `BufferPool`'s too): one the pool did not make.
    pub(crate) fn count_put(&self) {
        shared_add(&self.totals.puts, 1);
        if let Some(cap) = &self.live {
            cap.add(1);
        }
    }

    /// Returns a boxed object to this thread's cache.
    #[inline]
    pub(crate) fn put_boxed(&self, value: Slot<T>) {
        self.put_to(None, value);
    }

    /// Returns a boxed object: reset it, check it against the per-object byte bound, keep it
    /// (or discard it, out of line). It goes to `home` (the cache it came through) if this
    /// thread owns that cache, else to this thread's own cache, else to the tier. The hit is
    /// inlined; everything else is out of line.
    #[inline(always)]
    pub(super) fn put_to(&self, home: Option<&Cache<T>>, value: Slot<T>) {
        let Some(cache) = self.fast_local() else {
            return self.put_to_slow(home, value);
        };
        let (max_retained_bytes, measures) = self.fast_bound();
        if let Some(idle) = self.prepared(value, max_retained_bytes, measures) {
            self.keep_fast(cache, idle);
        }
    }

    /// [`put_to`](Self::put_to) past the hit: a pool whose hit path is out of line (a byte
    /// budget, a learned cut-off, a cap, no `membarrier`), or a return on a thread whose
    /// last-cache shortcut holds another pool's cache.
    #[cold]
    #[inline(never)]
    pub(super) fn put_to_slow(&self, home: Option<&Cache<T>>, value: Slot<T>) {
        let fast = self.backing.fast;
        let (max_retained_bytes, measures) = if fast {
            self.fast_bound()
        } else {
            (self.backing.max_retained_bytes(), self.backing.measures)
        };
        let Some(idle) = self.prepared(value, max_retained_bytes, measures) else {
            return;
        };
        // This thread's own cache, from its last-cache shortcut: the owner's return finds its
        // home there, and a guard dropped on another thread never reads the home cache's line
        // (which its owner writes on every access).
        let cache = match owner::last() {
            (pool, cache) if pool == self.id => {
                // SAFETY: as in `local`.
                unsafe { &*cache.cast::<Cache<T>>() }
            }
            _ => match self.return_cache(home) {
                Some(cache) => cache,
                None => return self.put_slow(None, idle),
            },
        };
        if fast {
            self.keep_fast(cache, idle);
        } else {
            self.put_slow(Some(cache), idle);
        }
    }

    /// The per-object byte bound of a pool that takes the inlined paths, and whether a return
    /// measures: such a pool has no budget and no cut-off, so it measures iff it has a bound.
    #[inline(always)]
    fn fast_bound(&self) -> (usize, bool) {
        let max_retained_bytes = self.backing.limits.max_retained_bytes;
        (max_retained_bytes, max_retained_bytes != usize::MAX)
    }

    /// Resets `value` and checks it against `max_retained_bytes` (measuring it iff `measures`):
    /// the idle object to keep, or `None` once it is discarded (counted, out of line).
    #[inline(always)]
    fn prepared(
        &self,
        mut value: Slot<T>,
        max_retained_bytes: usize,
        measures: bool,
    ) -> Option<Idle<T>> {
        match prepare_return(&mut *value, max_retained_bytes, measures) {
            Ok(bytes) => Some(Idle { value, bytes }),
            Err(reason) => {
                self.discard(reason, value);
                None
            }
        }
    }

    /// Keeps `idle` in `cache` (this thread's own, in a pool that takes the inlined paths): the
    /// inlined push, or [`put_slow`](Self::put_slow) when the stack is full or revoked.
    #[inline(always)]
    fn keep_fast(&self, cache: &Cache<T>, idle: Idle<T>) {
        if let Err(idle) = cache.put_fast(idle, &self.backing) {
            self.put_slow(Some(cache), idle);
        }
    }

    /// A return that missed the fast path: to `cache` (this thread's own), spilling a batch to
    /// the tier if it is full (or waiting for a remote if it is revoked); without a cache (thread
    /// exit), to the tier. What neither has room for is dropped.
    #[cold]
    #[inline(never)]
    pub(super) fn put_slow(&self, cache: Option<&Cache<T>>, idle: Idle<T>) {
        // While gets wait at the cap, a return goes where they look: the shared tier.
        let cache = cache.filter(|_| !self.live.as_ref().is_some_and(LiveCap::has_waiters));
        let rejected = match cache {
            Some(cache) => cache.put(idle, &self.backing),
            None => self.put_uncached(idle),
        };
        match (rejected, &self.live) {
            (Some(value), _) => {
                drop_rejected(value);
                self.release_live(1);
            }
            (None, Some(cap)) => cap.returned(),
            (None, None) => {}
        }
    }

    /// Counts a return that ends in a discard, and drops the object.
    #[cold]
    #[inline(never)]
    pub(crate) fn discard(&self, reason: Discard, value: Slot<T>) {
        shared_add(&self.totals.returns, 1);
        shared_add(
            match reason {
                Discard::ResetPanicked => &self.totals.reset_panicked,
                Discard::Oversized(bytes) => {
                    // The cut-off learns from every return, the ones it drops included.
                    if let Some(cutoff) = &self.backing.cutoff {
                        cutoff.record(bytes);
                    }
                    &self.totals.oversized
                }
            },
            1,
        );
        drop_quietly(value);
        self.release_live(1);
    }

    /// A return without a cache (see [`take_uncached`](Self::take_uncached)); gives the object
    /// back when the tier is full.
    #[cold]
    pub(super) fn put_uncached(&self, idle: Idle<T>) -> Option<Slot<T>> {
        shared_add(&self.totals.returns, 1);
        if let Some(cutoff) = &self.backing.cutoff {
            cutoff.record(idle.bytes);
        }
        if let Some(budget) = &self.backing.budget {
            match budget.borrow(idle.bytes) {
                Some(bytes) => budget.give_back(bytes - idle.bytes),
                None => {
                    shared_add(&self.totals.over_idle_bytes, 1);
                    return Some(idle.value);
                }
            }
        }
        let mut tier = lock(&self.backing.tier);
        if tier.len() < self.backing.limits.max_idle {
            tier.push(idle, false);
            None
        } else {
            drop(tier);
            if let Some(budget) = &self.backing.budget {
                budget.give_back(idle.bytes);
            }
            shared_add(&self.totals.over_idle_bound, 1);
            Some(idle.value)
        }
    }

    /// Counts a guard's `detach`.
    pub(crate) fn count_detached(&self) {
        shared_add(&self.totals.detached, 1);
        self.release_live(1);
    }

    /// Counts `n` objects that left the pool (dropped by it, or detached) against the
    /// [`max_live`](PoolBuilder::max_live) cap.
    #[inline]
    pub(super) fn release_live(&self, n: usize) {
        if let Some(cap) = &self.live {
            cap.release(n);
        }
    }
}
