//! Which thread owns a cache: a per-thread token, and the moment a thread stops owning.
//!
//! Each thread that owns a cache gets a token, unique for the life of the process (never
//! reused, unlike thread ids or addresses), kept in a thread-local `Cell` with no destructor,
//! so reading it is one load and works at any moment of a thread's life, thread exit included.
//! A cache records its owner's token; a guard dropped on the owner thread goes to the cache's
//! owner-only stack, on any other thread to that thread's own cache.
//!
//! **Thread exit.** The `thread_local` crate releases a thread's id (and so its caches, to the
//! next new thread) from a thread-local destructor. A guard dropped later, from another
//! thread-local's destructor, must neither use the cache it no longer owns nor call into
//! `thread_local` again (which panics there, and would leak an id). So the first token a thread
//! gets also registers a destructor of our own, [`Exit`], which sets the token to [`EXITED`].
//! It is registered after `thread_local`'s (a token is only ever assigned once the thread has
//! its id), and thread-local destructors run in the reverse order of their registration (glibc's
//! `__cxa_thread_atexit_impl`, macOS's `_tlv_atexit` and std's own fallback list all run them
//! last-registered first), so the token reads [`EXITED`] before the id is released. From then
//! on the thread's pool operations use the shared tier directly.
//!
//! **The last cache used.** A thread remembers, in another destructor-free thread-local, the
//! pool id and the address of the cache it used last: a `get` on the same pool finds its cache
//! with two loads and a compare, before the `thread_local` crate's lookup. Pool ids are never
//! reused, a pool keeps its caches alive as long as it lives, and [`Exit`] clears the entry
//! before the thread's id (and so its cache) can go to another thread.

use core::cell::Cell;

use std::sync::atomic::{AtomicU64, Ordering};

/// The token of a thread that has not owned a cache yet.
pub(crate) const NONE: u64 = 0;
/// The token of a thread whose thread-local destructors are running.
pub(crate) const EXITED: u64 = u64::MAX;

/// The next token to hand out (starts at 1: 0 is [`NONE`]). Std's atomic under loom too: it
/// only makes tokens unique and takes no part in the protocol.
static NEXT: AtomicU64 = AtomicU64::new(1);

#[cfg(not(loom))]
std::thread_local! {
    /// This thread's token: [`NONE`], a unique token, or [`EXITED`]. No destructor.
    static TOKEN: Cell<u64> = const { Cell::new(NONE) };
    /// The cache this thread last used, as (pool id, this thread's cache of that pool): the hot
    /// path's lookup, two loads and a compare, in front of the `thread_local` crate's. No
    /// destructor; cleared by [`Exit`].
    static LAST: Cell<(u64, *const ())> = const { Cell::new((0, core::ptr::null())) };
    /// Registered with the first token; its destructor marks the thread exited.
    static EXIT: Exit = const { Exit };
}

#[cfg(loom)]
loom::thread_local! {
    static TOKEN: Cell<u64> = Cell::new(NONE);
}

/// Sets this thread's token to [`EXITED`] when the thread's destructors run.
#[cfg(not(loom))]
struct Exit;

#[cfg(not(loom))]
impl Drop for Exit {
    fn drop(&mut self) {
        let _ = TOKEN.try_with(|token| token.set(EXITED));
        let _ = LAST.try_with(|last| last.set((0, core::ptr::null())));
    }
}

/// This thread's token, as it is ([`NONE`] if it owns no cache yet, [`EXITED`] at exit).
#[inline(always)]
pub(crate) fn current() -> u64 {
    TOKEN.with(Cell::get)
}

/// This thread's token, handing out one if it has none. Only called once the thread has its
/// `thread_local` id (see the module docs), never at exit.
#[cold]
pub(crate) fn assign() -> u64 {
    TOKEN.with(|token| {
        if token.get() == NONE {
            // Relaxed: only uniqueness matters.
            token.set(NEXT.fetch_add(1, Ordering::Relaxed));
            #[cfg(not(loom))]
            EXIT.with(|_| ());
        }
        token.get()
    })
}

/// The id of a pool, unique for the life of the process (never 0, never reused).
pub(crate) fn next_pool_id() -> u64 {
    static NEXT_POOL: AtomicU64 = AtomicU64::new(1);
    // Relaxed: only uniqueness matters.
    NEXT_POOL.fetch_add(1, Ordering::Relaxed)
}

/// The cache this thread last used: `(pool id, cache)`, or `(0, null)` (none, or the thread is
/// exiting). Under loom there is no such shortcut: every lookup goes through `ThreadLocal`.
#[inline(always)]
pub(crate) fn last() -> (u64, *const ()) {
    #[cfg(not(loom))]
    return LAST.with(Cell::get);
    #[cfg(loom)]
    return (0, core::ptr::null());
}

/// Remembers `cache` as this thread's own cache of the pool `pool`. Only called with the
/// thread's own, claimed cache, and never at exit (the caller checked the token).
#[inline]
pub(crate) fn set_last(pool: u64, cache: *const ()) {
    #[cfg(not(loom))]
    LAST.with(|last| last.set((pool, cache)));
    #[cfg(loom)]
    let _ = (pool, cache);
}
