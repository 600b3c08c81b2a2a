//! One place for the synchronisation primitives, so that `--cfg loom` swaps in loom's models
//! (the sharded-slab / bytes pattern).
//!
//! `Arc` and `Weak` stay std's under loom: loom has no `Weak`, and the reference counts are not
//! what the models check. The mutex around the shared tier, the atomics and the thread-local
//! registry are loom's, which is where the cross-thread exchange happens.

#[cfg(not(loom))]
pub(crate) use std::sync::atomic::{AtomicU64, Ordering};
#[cfg(not(loom))]
pub(crate) use std::sync::{Mutex, MutexGuard};

#[cfg(loom)]
pub(crate) use loom::sync::atomic::{AtomicU64, Ordering};
#[cfg(loom)]
pub(crate) use loom::sync::{Mutex, MutexGuard};

pub(crate) use std::sync::{Arc, Weak};

/// Declares a thread-local with std's or loom's macro.
macro_rules! pool_thread_local {
    ($(#[$attr:meta])* static $name:ident: $t:ty = const $init:block;) => {
        #[cfg(not(loom))]
        ::std::thread_local! { $(#[$attr])* static $name: $t = const $init; }
        #[cfg(loom)]
        ::loom::thread_local! { $(#[$attr])* static $name: $t = $init; }
    };
}
pub(crate) use pool_thread_local;

/// Locks `mutex`, ignoring poison: the pool never runs user code while holding its locks, so a
/// poisoned lock still guards consistent data.
pub(crate) fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Adds `n` to a counter that only the calling thread writes (a thread cache's statistics): a
/// load and a store, not an atomic read-modify-write. Relaxed: a statistic, nothing is published
/// through it.
#[inline]
pub(crate) fn owner_add(counter: &AtomicU64, n: u64) {
    counter.store(
        counter.load(Ordering::Relaxed).wrapping_add(n),
        Ordering::Relaxed,
    );
}

/// Adds `n` to a counter that several threads write (the slow paths' statistics). Relaxed, as
/// above.
#[inline]
pub(crate) fn shared_add(counter: &AtomicU64, n: u64) {
    counter.fetch_add(n, Ordering::Relaxed);
}
