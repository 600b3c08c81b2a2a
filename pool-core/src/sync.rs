//! One place for the synchronisation primitives, so that `--cfg loom` swaps in loom's models
//! (the sharded-slab / bytes pattern).
//!
//! `Arc` stays std's under loom: the reference counts are not what the models check. The
//! mutexes (the per-thread cache slots, the shared tier, the slot registry) and the atomics are
//! loom's, which is where the cross-thread exchange happens. [`ThreadLocal`] is the
//! `thread_local` crate's outside loom, and a small stand-in under loom (loom runs its model
//! threads on one OS thread, so an OS-thread-keyed table would give them all the same slot).

#[cfg(not(loom))]
pub(crate) use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
#[cfg(not(loom))]
pub(crate) use std::sync::{Mutex, MutexGuard};

#[cfg(loom)]
pub(crate) use loom::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
#[cfg(loom)]
pub(crate) use loom::sync::{Mutex, MutexGuard};

pub(crate) use std::sync::Arc;

#[cfg(not(loom))]
pub(crate) use thread_local::ThreadLocal;

#[cfg(loom)]
pub(crate) use self::loom_local::ThreadLocal;

/// Locks `mutex`, ignoring poison: the pool never runs user code while holding its locks, so a
/// poisoned lock still guards consistent data.
#[inline]
pub(crate) fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Locks `mutex` if no one holds it (poison ignored, as in [`lock`]).
#[inline]
pub(crate) fn try_lock<T>(mutex: &Mutex<T>) -> Option<MutexGuard<'_, T>> {
    match mutex.try_lock() {
        Ok(guard) => Some(guard),
        Err(std::sync::TryLockError::Poisoned(poisoned)) => Some(poisoned.into_inner()),
        Err(std::sync::TryLockError::WouldBlock) => None,
    }
}

/// Adds `n` to a counter that several threads write (the pool's slow-path statistics). Relaxed:
/// a statistic, nothing is published through it.
#[inline]
pub(crate) fn shared_add(counter: &AtomicU64, n: u64) {
    counter.fetch_add(n, Ordering::Relaxed);
}

#[cfg(loom)]
mod loom_local {
    //! `ThreadLocal` for loom models: each loom thread gets its own slot of a small fixed table,
    //! indexed by a per-table number kept in a loom thread-local.

    use std::cell::RefCell;
    use std::sync::OnceLock;
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// Loom models run a handful of threads.
    const THREADS: usize = 8;

    /// Identities of tables, so a thread-local index can never be mistaken for another table's.
    static NEXT_TABLE: AtomicUsize = AtomicUsize::new(0);

    loom::thread_local! {
        /// (table, slot index) pairs of this loom thread.
        static INDEXES: RefCell<Vec<(usize, usize)>> = RefCell::new(Vec::new());
    }

    /// A per-thread value for loom threads.
    pub(crate) struct ThreadLocal<T> {
        table: usize,
        next: AtomicUsize,
        slots: [OnceLock<T>; THREADS],
    }

    impl<T: Send> ThreadLocal<T> {
        /// An empty table.
        pub(crate) fn new() -> Self {
            Self {
                table: NEXT_TABLE.fetch_add(1, Ordering::Relaxed),
                next: AtomicUsize::new(0),
                slots: std::array::from_fn(|_| OnceLock::new()),
            }
        }

        /// This thread's value, made by `create` on first use. Only the owning loom thread ever
        /// reads or writes a slot, so the `OnceLock` needs no modelling.
        pub(crate) fn get_or(&self, create: impl FnOnce() -> T) -> &T {
            let index = INDEXES.with(|indexes| {
                let mut indexes = indexes.borrow_mut();
                match indexes.iter().find(|(table, _)| *table == self.table) {
                    Some(&(_, index)) => index,
                    None => {
                        let index = self.next.fetch_add(1, Ordering::Relaxed);
                        assert!(index < THREADS, "loom models use at most {THREADS} threads");
                        indexes.push((self.table, index));
                        index
                    }
                }
            });
            self.slots[index].get_or_init(create)
        }
    }
}

/// The value behind a mutex the caller owns outright (poison ignored, as in [`lock`]).
pub(crate) fn get_mut<T>(mutex: &mut Mutex<T>) -> &mut T {
    mutex
        .get_mut()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}
