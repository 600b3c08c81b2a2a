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
use core::panic::AssertUnwindSafe;
use core::ptr;
use std::panic::catch_unwind;

use std::sync::atomic::{AtomicU64, Ordering};

use super::cache::Cache;
use crate::sync::{Arc, lock};

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

/// A key no pool has and the last-cache shortcut never holds (ids count up from 1; the empty
/// shortcut holds 0): the `fast_key` of a pool that takes no inlined hit path.
pub(crate) const NO_POOL: u64 = u64::MAX;

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

/// Makes the calling thread the owner of `cache`, which the `thread_local` crate handed it (a
/// new thread given an exited thread's id, or the first use of a thread's own cache).
#[cold]
#[inline(never)]
fn claim<T: Send>(cache: &Cache<T>) {
    let me = assign();
    if cache.owner() != me {
        cache.claim(me);
    }
}

/// How a thread finds its own cache of a pool.
impl<T: crate::Poolable + Send + 'static> super::Pool<T> {
    /// This thread's cache, made on first use, owned by this thread. `None` once the thread's
    /// thread-local destructors run (a guard dropped from one of them: see `owner.rs`), where
    /// the `thread_local` crate may no longer give this thread an id: callers then use the
    /// shared tier directly.
    #[inline(always)]
    pub(super) fn local(&self) -> Option<&Cache<T>> {
        let (pool, cache) = last();
        if pool == self.id {
            // SAFETY: `LAST` holds `(self.id, cache)` only if `local_slow` of this very pool
            // (ids are unique and never reused, so the pointer's type is `Cache<T>`) stored this
            // thread's own, claimed cache there; the pool is alive (`&self`) and its registry
            // keeps every cache alive until the pool is dropped; the thread stays the cache's
            // owner until its thread id is released at exit, and `Exit` clears `LAST` before
            // that (`owner.rs`). The returned borrow is tied to `&self`.
            return Some(unsafe { &*cache.cast::<Cache<T>>() });
        }
        self.local_slow()
    }

    /// [`local`](Self::local) on the hit paths: this thread's cache if the last-cache shortcut
    /// holds it and the pool takes the inlined paths (`Backing::fast`), in one compare of the
    /// shortcut's key with `fast_key`; `None` for anything else (the caller's out-of-line path
    /// asks [`local`](Self::local)).
    #[inline(always)]
    pub(super) fn fast_local(&self) -> Option<&Cache<T>> {
        let (key, cache) = last();
        if key == self.fast_key {
            // SAFETY: as in `local`: `fast_key` is this pool's id (the only other value it
            // takes, `NO_POOL`, is never stored in `LAST`).
            return Some(unsafe { &*cache.cast::<Cache<T>>() });
        }
        None
    }

    /// This thread's cache for a return that missed the last-cache shortcut: `home` if this
    /// thread owns it, else the thread's own (as [`local`](Self::local)). A thread that never
    /// took an object from any pool (it has no token) gets no cache: its returns go to the
    /// shared tier. Such a thread may be running its thread-local destructors after the
    /// `thread_local` crate's own, where asking that crate for an id panics, and nothing tells
    /// that moment apart from an ordinary one; a thread that gets from a pool has a token, and
    /// its exit is handled by `owner.rs`.
    #[cold]
    #[inline(never)]
    pub(super) fn return_cache<'a>(&'a self, home: Option<&'a Cache<T>>) -> Option<&'a Cache<T>> {
        let me = current();
        if me == NONE {
            return None;
        }
        match home {
            Some(home) if home.owner() == me => Some(home),
            _ => self.local_slow(),
        }
    }

    /// [`local`](Self::local) through the `thread_local` crate, which remembers the result.
    #[cold]
    #[inline(never)]
    pub(super) fn local_slow(&self) -> Option<&Cache<T>> {
        let me = current();
        if me == EXITED {
            return None;
        }
        // `get_or` cannot panic outside thread exit, which the check above keeps out; the catch
        // stays as the last line of defence (a thread whose first pool use is from a
        // thread-local destructor that runs after `thread_local`'s own).
        let cache = catch_unwind(AssertUnwindSafe(|| {
            &**self.locals.get_or(|| self.register())
        }))
        .ok()?;
        if cache.owner() != me {
            claim(cache);
        }
        set_last(self.id, ptr::from_ref(cache).cast());
        Some(cache)
    }

    /// Makes this thread's cache and enters it in the registry.
    #[cold]
    pub(super) fn register(&self) -> Arc<Cache<T>> {
        let cache = Arc::new(Cache::new(
            self.backing.limits.thread_cache,
            assign(),
            &self.backing,
        ));
        lock(&self.caches).push(Arc::clone(&cache));
        cache
    }
}
