//! [`PoolBuilder::max_live`](super::PoolBuilder::max_live): a cap on the objects a pool has
//! (idle and in use), with `get` waiting at the cap.
//!
//! Nothing here is on the hit path: the count moves where objects are made (a creation, a
//! `prefill`, a `put`) or leave the pool (a discard, a trim, a detach), all of them out of line.
//! A waiting `get` polls: it looks for an idle object (its cache, the tier, a steal from the
//! other caches, which reaches an object another thread just returned to its own cache) and
//! for room under the cap, then sleeps on a condition variable that every departure signals,
//! at most a millisecond at a time. Returns are not signalled: a returned object lands in the
//! returning thread's cache without a shared write, and the waiter's next poll steals it.

use std::time::Duration;

use crate::sync::{AtomicUsize, Condvar, Mutex, Ordering, lock};

/// The longest a waiting `get` sleeps between two looks.
const POLL: Duration = Duration::from_millis(1);

/// The cap and the count of objects the pool has.
pub(crate) struct LiveCap {
    max: usize,
    live: AtomicUsize,
    lock: Mutex<()>,
    departed: Condvar,
}

impl LiveCap {
    pub(crate) fn new(max: usize) -> Self {
        Self {
            max,
            live: AtomicUsize::new(0),
            lock: Mutex::new(()),
            departed: Condvar::new(),
        }
    }

    /// Takes room for one new object, if the count is under the cap.
    pub(crate) fn try_reserve(&self) -> bool {
        // Relaxed: a count; the objects themselves are published by the pool's own paths.
        self.live
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |live| {
                (live < self.max).then_some(live + 1)
            })
            .is_ok()
    }

    /// Counts `n` objects that joined without a reservation (`put`), past the cap if need be.
    pub(crate) fn add(&self, n: usize) {
        // Relaxed: see `try_reserve`.
        self.live.fetch_add(n, Ordering::Relaxed);
    }

    /// Gives back the room of `n` objects that left the pool (or of a creation whose factory
    /// panicked), and wakes the waiting gets.
    pub(crate) fn release(&self, n: usize) {
        if n == 0 {
            return;
        }
        // Relaxed: see `try_reserve`. Saturating: never below zero, whatever the caller counts.
        let _ = self
            .live
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |live| {
                Some(live.saturating_sub(n))
            });
        let _guard = lock(&self.lock);
        self.departed.notify_all();
    }

    /// Sleeps until an object leaves the pool, or for at most [`POLL`].
    pub(crate) fn wait(&self) {
        let guard = lock(&self.lock);
        #[cfg(not(loom))]
        let _ = self
            .departed
            .wait_timeout(guard, POLL)
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        #[cfg(loom)]
        {
            let _ = POLL;
            drop(guard);
            loom::thread::yield_now();
        }
    }
}
