//! One place for the synchronisation primitives, so that `--cfg loom` swaps in loom's models
//! (the sharded-slab / bytes pattern).
//!
//! `Arc` stays std's under loom: the reference counts are not what the models check. The
//! mutexes (the shared tier, the cache registry), the atomics, the fences and the `UnsafeCell`
//! behind each thread cache's stack are loom's, which is where the cross-thread exchange
//! happens. [`ThreadLocal`] is the `thread_local` crate's outside loom, and a small stand-in under
//! loom (loom runs its model threads on one OS thread, so an OS-thread-keyed table would give
//! them all the same cache).

#[cfg(not(loom))]
pub(crate) use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering, fence};
#[cfg(not(loom))]
pub(crate) use std::sync::{Mutex, MutexGuard};

#[cfg(loom)]
pub(crate) use loom::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering, fence};

#[cfg(not(loom))]
pub(crate) use self::std_cell::{MutPtr, UnsafeCell};
#[cfg(loom)]
pub(crate) use loom::cell::{MutPtr, UnsafeCell};
#[cfg(loom)]
pub(crate) use loom::sync::{Mutex, MutexGuard};

pub(crate) use std::sync::Arc;

#[cfg(not(loom))]
pub(crate) use thread_local::ThreadLocal;

#[cfg(loom)]
pub(crate) use self::loom_local::ThreadLocal;

/// `T` on cache lines of its own (128 bytes: two lines, as crossbeam's `CachePadded`, since
/// x86's adjacent-line prefetcher pairs them): for a value other threads write, next to values
/// every thread reads.
#[repr(align(128))]
#[derive(Debug, Default)]
pub(crate) struct Lined<T>(pub(crate) T);

impl<T> core::ops::Deref for Lined<T> {
    type Target = T;
    #[inline(always)]
    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T> core::ops::DerefMut for Lined<T> {
    #[inline(always)]
    fn deref_mut(&mut self) -> &mut T {
        &mut self.0
    }
}

/// Locks `mutex`, ignoring poison: the pool never runs user code while holding its locks, so a
/// poisoned lock still guards consistent data.
#[inline]
pub(crate) fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
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

/// Waits a moment in a spin loop: a CPU hint at first, then the scheduler (a lock holder may
/// have been preempted). Under loom, every turn yields, as loom requires of spin loops.
#[inline]
pub(crate) fn spin_wait(turn: u32) {
    #[cfg(loom)]
    {
        let _ = turn;
        loom::thread::yield_now();
    }
    #[cfg(not(loom))]
    {
        if turn < 64 {
            core::hint::spin_loop();
        } else {
            std::thread::yield_now();
        }
    }
}

#[cfg(not(loom))]
mod std_cell {
    //! `UnsafeCell` with loom's API (`get_mut` returning a tracked pointer), so the code that
    //! uses it is the same under loom, which checks every access.

    /// `core::cell::UnsafeCell` with loom's interface.
    #[derive(Debug)]
    pub(crate) struct UnsafeCell<T>(core::cell::UnsafeCell<T>);

    /// A pointer to the contents of an [`UnsafeCell`] (loom's `MutPtr`).
    #[derive(Debug)]
    pub(crate) struct MutPtr<T>(*mut T);

    impl<T> UnsafeCell<T> {
        /// Wraps `value`.
        pub(crate) const fn new(value: T) -> Self {
            Self(core::cell::UnsafeCell::new(value))
        }

        /// A pointer to the value; dereferencing it is up to the caller's proof.
        #[inline]
        pub(crate) fn get_mut(&self) -> MutPtr<T> {
            MutPtr(self.0.get())
        }
    }

    impl<T> MutPtr<T> {
        /// The value behind the pointer.
        ///
        /// # Safety
        /// No other reference to the value may exist while the returned one lives, and the cell
        /// must outlive it.
        #[inline]
        #[expect(
            clippy::mut_from_ref,
            reason = "the same signature as loom's MutPtr::deref"
        )]
        pub(crate) unsafe fn deref(&self) -> &mut T {
            // SAFETY: the caller guarantees exclusive access and that the cell is alive.
            unsafe { &mut *self.0 }
        }
    }
}
