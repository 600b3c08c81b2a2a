//! [`Pool<T>`]: a thread-safe pool with per-thread caches in front of a shared tier.
//!
//! The files are the tiers: `cache.rs` (a thread's cache and its owner/remote protocol),
//! `owner.rs` (which thread owns a cache, and thread exit),
//! `tier.rs` (the shared tier and its victim aging), `guard.rs` (the RAII guards),
//! `builder.rs` (the bounds); this file is the public API that ties them together. See the
//! [`implementation`](crate::implementation) notes for how and why.

mod builder;
mod cache;
mod guard;
mod live;
mod memory;
mod owner;
mod tier;

pub(crate) use builder::MemoryOptions;
pub use builder::PoolBuilder;
pub use guard::{Pooled, PooledOwned};

use core::fmt;
use core::panic::AssertUnwindSafe;
use core::ptr;
use core::time::Duration;
use std::panic::catch_unwind;
use std::time::Instant;

use self::cache::{Backing, Cache, Registry, visit_revoked};
use self::live::LiveCap;
use self::memory::{Aging, Budget, Cutoff};
use self::tier::Tier;
use crate::Poolable;
use crate::barrier::Barrier;
use crate::idle::{Idle, Release};
use crate::lifecycle::{
    Discard, Factory, Limits, call_factory, drop_quietly, measure_for, prepare_return, release_all,
};
use crate::slot::{Held, Slot};
use crate::stats::{Gathered, SharedTally, Stats};
use crate::sync::{
    Arc, AtomicUsize, Lined, Mutex, Ordering, ThreadLocal, get_mut, lock, shared_add,
};

/// How many other threads' caches a `get` that found nothing at home and in the tier considers
/// (at most this many plus one) before it calls the factory: the cost of a miss stays bounded
/// however many threads there are.
const STEAL_PROBES: usize = 4;

/// Why a get calls the factory (see [`Creations`]).
#[derive(Clone, Copy)]
enum Creation {
    /// Every place an idle object can be was looked at, and was empty.
    Empty,
    /// Some thread caches were not looked at.
    OutOfReach,
}

/// How many times a `get` whose cache and the tier are empty looks at the tier again before it
/// steals with a heavy barrier (see `Pool::tier_refills_soon`).
const TIER_PATIENCE: usize = 256;

/// Drops an object that neither the cache nor the tier had room for (out of line: rare).
#[cold]
#[inline(never)]
fn drop_rejected<T>(value: Slot<T>) {
    drop_quietly(value);
}

/// A thread-safe object pool: `get()` hands out a guard, and dropping the guard resets the object
/// and keeps it for the next `get()`.
///
/// Each thread keeps a small cache of idle objects, so a `get` that finds one, and the drop of
/// its guard on the same thread, execute no atomic read-modify-write and no fence instruction,
/// and write only the cache's own line (its busy flag and, on a return, its length hint, which
/// other threads read only to trim, steal or take `stats()`); caches exchange objects with a shared tier in
/// batches. See the [`implementation`](crate::implementation) notes.
///
/// ```
/// use pool_core::Pool;
///
/// let pool: Pool<Vec<u8>> = Pool::new();
/// {
///     let mut buf = pool.get();
///     buf.extend_from_slice(b"hello");
/// } // reset (cleared, capacity kept) and returned here
/// let buf = pool.get();
/// assert!(buf.is_empty());
/// assert!(buf.capacity() >= 5);
/// ```
///
/// A reference borrowed from a guard cannot outlive it, and a guard cannot outlive its pool:
///
/// ```compile_fail
/// use pool_core::Pool;
///
/// let pool: Pool<String> = Pool::new();
/// let leaked: &str = {
///     let s = pool.get();
///     &s // error: `s` does not live long enough
/// };
/// println!("{leaked}");
/// ```
// Aligned to 128 bytes, so that in an `Arc<Pool<T>>` the reference counts, written by every
// `get_owned` and its guard's drop, do not share a line with the fields every operation reads
// (`pooled_ops/cross_thread`: `get_owned` took 920 ns an object when they did, 170 ns after).
#[repr(align(128))]
pub struct Pool<T: Send> {
    /// Unique for the process: the key of this thread's last-cache shortcut (`owner.rs`).
    id: u64,
    factory: Factory<T>,
    /// The shared tier, the bounds and the barrier: what a thread's cache needs.
    backing: Backing<T>,
    /// Each thread's cache, found in a few instructions.
    locals: ThreadLocal<Arc<Cache<T>>>,
    /// Every cache ever made for this pool (one per thread id; the `thread_local` crate hands an
    /// exited thread's id, and so its cache, to the next new thread): what `trim()`, stealing,
    /// `stats()` and the drop walk. Its lock is the remote side's: one remote at a time.
    caches: Mutex<Registry<T>>,
    /// Where the next steal starts probing, so misses spread over the caches.
    cursor: AtomicUsize,
    /// The events counted outside a cache: creations, discards, the tier's releases, the
    /// cache-less path.
    totals: SharedTally,
    /// [`PoolBuilder::max_live`]'s cap, if set.
    live: Option<LiveCap>,
    /// When the next aging pass is due.
    aging: Aging,
    /// The memory pressure, asked once per aging pass.
    pressure: Option<PressureFn>,
    /// Registered with the background trimmer (which its drop wakes).
    background: bool,
    /// The pool's series, if [`PoolBuilder::metrics`] named it.
    #[cfg(feature = "metrics")]
    metrics: Option<crate::metrics::Registration>,
}

/// A [`PoolBuilder::pressure`] function, shared by a `BufferPool`'s classes.
pub(crate) type PressureFn = Arc<dyn Fn() -> f32 + Send + Sync>;

impl<T: Poolable + crate::poolable::hint::PoolDefault + Send + 'static> Pool<T> {
    /// A pool that creates objects with `T::default()`, with default bounds: no limit on idle
    /// objects (the pool never holds more than the peak number in use, and releases what stays
    /// idle for the 30 s [`idle_timeout`](PoolBuilder::idle_timeout)), 16 per thread cache, no
    /// per-object byte limit.
    ///
    /// ```
    /// use pool_core::Pool;
    ///
    /// let pool: Pool<String> = Pool::new();
    /// pool.get().push_str("hello");
    /// assert_eq!(pool.stats().idle, 1);
    /// ```
    pub fn new() -> Self {
        Self::builder().build()
    }

    /// A builder for a pool of `T::default()` objects with bounds.
    ///
    /// ```
    /// use pool_core::Pool;
    ///
    /// let pool: Pool<Vec<u8>> = Pool::builder()
    ///     .max_idle(1024)
    ///     .thread_cache(32)
    ///     .max_retained_bytes(64 * 1024)
    ///     .build();
    /// assert_eq!(pool.stats().idle, 0);
    /// ```
    pub fn builder() -> PoolBuilder<T> {
        PoolBuilder::from_factory(T::default)
    }
}

impl<T: Poolable + Default + Send + 'static> Default for Pool<T> {
    fn default() -> Self {
        Self::new()
    }
}

impl<T: Poolable + Send + 'static> Pool<T> {
    /// A pool that creates objects with `factory`, with default bounds.
    ///
    /// ```
    /// use pool_core::Pool;
    ///
    /// let pool = Pool::with_factory(|| Vec::<u8>::with_capacity(4096));
    /// assert!(pool.get().capacity() >= 4096);
    /// ```
    pub fn with_factory(factory: impl Fn() -> T + Send + Sync + 'static) -> Self {
        PoolBuilder::from_factory(factory).build()
    }

    fn from_parts(
        factory: Factory<T>,
        limits: Limits,
        pressure: Option<PressureFn>,
        budget: Option<Arc<Budget>>,
    ) -> Self {
        let barrier = Barrier::get();
        let measures = limits.max_retained_bytes != usize::MAX
            || budget.is_some()
            || limits.auto_max_retained_bytes;
        Self {
            id: owner::next_pool_id(),
            factory,
            backing: Backing {
                tier: Lined(Mutex::new(Tier::new())),
                limits,
                batch: (limits.thread_cache / 2).max(1),
                barrier,
                spills: AtomicUsize::new(0),
                // The inlined hit paths skip the byte budget's and the cut-off's bookkeeping,
                // and a capped pool's returns must see its waiting gets, so a pool with any of
                // them takes the out-of-line paths.
                fast: barrier.asymmetric()
                    && budget.is_none()
                    && !limits.auto_max_retained_bytes
                    && limits.max_live == usize::MAX,
                measures,
                measure: measure_for::<T>(measures),
                budget,
                cutoff: limits
                    .auto_max_retained_bytes
                    .then(|| Box::new(Cutoff::new())),
            },
            locals: ThreadLocal::new(),
            caches: Mutex::new(Vec::new()),
            cursor: AtomicUsize::new(0),
            totals: SharedTally::default(),
            live: (limits.max_live != usize::MAX).then(|| LiveCap::new(limits.max_live)),
            aging: Aging::new(limits.idle_timeout),
            pressure,
            background: limits.background_trim,
            #[cfg(feature = "metrics")]
            metrics: None,
        }
    }

    /// Takes an idle object, or creates one, and wraps it in a guard that gives it back on drop.
    ///
    /// The object is observably fresh: whatever the previous user wrote was removed by its
    /// [`Poolable::reset`]. It comes from this thread's cache, else the shared tier, else
    /// another thread's cache (a few are probed), else the factory.
    ///
    /// With a [`max_live`](PoolBuilder::max_live) cap, a `get` at the cap **blocks the calling
    /// thread** until an object comes back: in async code use [`get_async`](Self::get_async)
    /// or [`get_owned_async`](Self::get_owned_async). The guard borrows the pool; to move it
    /// into `tokio::spawn` or `std::thread::spawn` (a borrow there is error E0597, "borrowed
    /// value does not live long enough"), take [`get_owned`](Self::get_owned) on an
    /// `Arc<Pool<T>>`.
    ///
    /// # Panics
    /// If the factory panics: the panic propagates to the caller, nothing is counted as a
    /// creation, and the pool stays usable.
    ///
    /// ```
    /// use pool_core::Pool;
    ///
    /// let pool: Pool<String> = Pool::new();
    /// let mut s = pool.get();
    /// s.push_str("request 1");
    /// drop(s);
    /// assert_eq!(*pool.get(), "");
    /// ```
    #[inline]
    pub fn get(&self) -> Pooled<'_, T> {
        let (home, value) = self.take_homed();
        Pooled {
            pool: self,
            home,
            value: Held::new(value),
        }
    }

    /// Like [`get`](Self::get), but the guard owns a reference-counted handle to the pool, so it
    /// is `'static` (and `Send` when `T` is): it can be moved into `std::thread::spawn` or a
    /// `tokio::spawn`ed task and held across `.await`. Dropped on another thread, it returns
    /// its object to that thread's cache.
    ///
    /// # Panics
    /// If the factory panics, as [`get`](Self::get).
    ///
    /// ```
    /// use std::sync::Arc;
    /// use pool_core::Pool;
    ///
    /// let pool: Arc<Pool<Vec<u8>>> = Arc::new(Pool::new());
    /// let mut buf = pool.get_owned();
    /// std::thread::spawn(move || buf.push(1)).join().unwrap();
    /// assert_eq!(pool.stats().returns, 1);
    /// ```
    #[inline]
    pub fn get_owned(self: &Arc<Self>) -> PooledOwned<T> {
        PooledOwned {
            value: Held::new(self.take()),
            pool: Arc::clone(self),
        }
    }

    /// [`get`](Self::get) as a future, for async code in a pool with a
    /// [`max_live`](PoolBuilder::max_live) cap: at the cap it waits without blocking the thread
    /// (where `get` would block a runtime's worker, and with it every task on that worker),
    /// woken by the return or departure that frees room, in the order the gets arrived. Without
    /// a cap, or below it, it is ready at once. Any runtime: it needs none of its own.
    ///
    /// Cancel-safe: dropping the future while it waits leaves nothing behind (no reservation,
    /// and the wake-up it may have received goes on to the next waiting get).
    ///
    /// The guard borrows the pool, so it cannot move into `tokio::spawn` (which asks for
    /// `'static`: error E0597, "borrowed value does not live long enough"); a spawned task takes
    /// [`get_owned_async`](Self::get_owned_async) on an `Arc<Pool<T>>`.
    ///
    /// # Panics
    /// If the factory panics, as [`get`](Self::get).
    ///
    /// ```
    /// use pool_core::Pool;
    /// # fn block_on<F: std::future::Future>(f: F) -> F::Output {
    /// #     let mut f = std::pin::pin!(f);
    /// #     let waker = std::task::Waker::noop();
    /// #     let mut cx = std::task::Context::from_waker(waker);
    /// #     loop { if let std::task::Poll::Ready(v) = f.as_mut().poll(&mut cx) { return v } }
    /// # }
    ///
    /// let pool: Pool<Vec<u8>> = Pool::builder().max_live(1).build();
    /// block_on(async {
    ///     let mut buf = pool.get_async().await; // the one object the cap allows
    ///     buf.push(1);
    ///     assert!(pool.try_get().is_none());
    /// });
    /// assert_eq!(pool.stats().creations, 1);
    /// ```
    pub async fn get_async(&self) -> Pooled<'_, T> {
        let (home, value) = match &self.live {
            Some(cap) => self.take_capped_async(cap).await,
            None => self.take_homed(),
        };
        Pooled {
            pool: self,
            home,
            value: Held::new(value),
        }
    }

    /// [`get_async`](Self::get_async) with a `'static` guard, as [`get_owned`](Self::get_owned):
    /// the future owns a handle to the pool, so a spawned task can await it and hold the guard
    /// across `.await`s.
    ///
    /// # Panics
    /// If the factory panics, as [`get`](Self::get).
    ///
    /// ```
    /// use std::sync::Arc;
    /// use pool_core::Pool;
    /// # fn block_on<F: std::future::Future>(f: F) -> F::Output {
    /// #     let mut f = std::pin::pin!(f);
    /// #     let waker = std::task::Waker::noop();
    /// #     let mut cx = std::task::Context::from_waker(waker);
    /// #     loop { if let std::task::Poll::Ready(v) = f.as_mut().poll(&mut cx) { return v } }
    /// # }
    ///
    /// let pool: Arc<Pool<String>> = Arc::new(Pool::builder().max_live(4).build());
    /// let task = pool.get_owned_async(); // 'static + Send: what `tokio::spawn` asks for
    /// let mut s = block_on(task);
    /// s.push_str("held across .await");
    /// ```
    pub fn get_owned_async(
        self: &Arc<Self>,
    ) -> impl Future<Output = PooledOwned<T>> + Send + 'static {
        let pool = Arc::clone(self);
        async move {
            let (_, value) = match &pool.live {
                Some(cap) => pool.take_capped_async(cap).await,
                None => (None, pool.take()),
            };
            PooledOwned {
                value: Held::new(value),
                pool,
            }
        }
    }

    /// [`get`](Self::get) that waits at most `timeout` at the [`max_live`](PoolBuilder::max_live)
    /// cap (blocking the thread meanwhile): `None` if no object could be had in that time.
    /// Without a cap it always returns `Some`. `Duration::MAX` waits as long as `get`.
    ///
    /// # Panics
    /// If the factory panics, as [`get`](Self::get).
    ///
    /// ```
    /// use std::time::Duration;
    /// use pool_core::Pool;
    ///
    /// let pool: Pool<Vec<u8>> = Pool::builder().max_live(1).build();
    /// let held = pool.get();
    /// assert!(pool.get_timeout(Duration::from_millis(10)).is_none()); // at the cap
    /// drop(held);
    /// assert!(pool.get_timeout(Duration::from_millis(10)).is_some());
    /// ```
    pub fn get_timeout(&self, timeout: Duration) -> Option<Pooled<'_, T>> {
        let (home, value) = match &self.live {
            Some(_) => self.take_capped(Instant::now().checked_add(timeout))?,
            None => self.take_homed(),
        };
        Some(Pooled {
            pool: self,
            home,
            value: Held::new(value),
        })
    }

    /// Takes an idle object if there is one (this thread's cache, the shared tier, or another
    /// thread's cache), and never calls the factory: `None` when the pool has nothing idle
    /// (object-pool's `try_pull`). With [`max_live`](PoolBuilder::max_live) set, this is the
    /// get that refuses instead of waiting at the cap.
    ///
    /// ```
    /// use pool_core::Pool;
    ///
    /// let pool: Pool<Vec<u8>> = Pool::new();
    /// assert!(pool.try_get().is_none()); // nothing idle: no object is made
    /// drop(pool.get());
    /// assert!(pool.try_get().is_some());
    /// assert_eq!(pool.stats().creations, 1);
    /// ```
    #[inline]
    pub fn try_get(&self) -> Option<Pooled<'_, T>> {
        let (home, value) = self.try_take_homed()?;
        Some(Pooled {
            pool: self,
            home,
            value: Held::new(value),
        })
    }

    /// [`try_get`](Self::try_get) with a `'static` guard, as [`get_owned`](Self::get_owned).
    ///
    /// ```
    /// use std::sync::Arc;
    /// use pool_core::Pool;
    ///
    /// let pool = Arc::new(Pool::<String>::new());
    /// assert!(pool.try_get_owned().is_none());
    /// pool.prefill(1);
    /// assert!(pool.try_get_owned().is_some());
    /// ```
    pub fn try_get_owned(self: &Arc<Self>) -> Option<PooledOwned<T>> {
        let (_, value) = self.try_take_homed()?;
        Some(PooledOwned {
            value: Held::new(value),
            pool: Arc::clone(self),
        })
    }

    /// An idle object, never a new one, and the cache it came through.
    fn try_take_homed(&self) -> Option<(Option<&Cache<T>>, Slot<T>)> {
        self.find_homed().ok()
    }

    /// An idle object and the cache it came through, or why a get would have to create one.
    /// Like every get it drives aging (a refill, or every `AGE_CHECK_EVERY`-th hit, asks).
    fn find_homed(&self) -> Result<(Option<&Cache<T>>, Slot<T>), Creation> {
        let Some(cache) = self.local() else {
            return self
                .take_uncached_idle()
                .map(|value| (None, value))
                .ok_or(self.unsearched());
        };
        let mut check = false;
        let found = match self.take_hit(cache) {
            Some((value, due)) => {
                check = due;
                Ok(value)
            }
            None => self.find_idle(cache, &mut check),
        };
        if check {
            self.tick();
        }
        found.map(|value| (Some(cache), value))
    }

    /// Makes up to `n` objects ahead of the traffic and keeps them idle in the shared tier, so
    /// that the first gets on any thread find them (a warm-up); returns how many it made. It
    /// stops early at [`max_idle`](PoolBuilder::max_idle) idle objects in the tier, or at the
    /// [`max_live`](PoolBuilder::max_live) cap. Each object is checked like a returned one: one
    /// above [`max_retained_bytes`](PoolBuilder::max_retained_bytes), or whose `retained_bytes`
    /// panics, is dropped (and counted as a discard). `Stats::prefilled` counts what it made.
    ///
    /// # Panics
    /// If the factory panics: the panic goes on to the caller, the objects made before stay.
    ///
    /// ```
    /// use pool_core::Pool;
    ///
    /// let pool: Pool<Vec<u8>> = Pool::with_factory(|| Vec::with_capacity(4096));
    /// assert_eq!(pool.prefill(8), 8);
    /// let s = pool.stats();
    /// assert_eq!((s.idle, s.creations, s.prefilled, s.gets), (8, 8, 8, 0));
    /// drop(pool.get());
    /// assert_eq!(pool.stats().creations, 8, "the get found a prefilled object");
    /// ```
    pub fn prefill(&self, n: usize) -> usize {
        let mut made = 0;
        while made < n {
            if lock(&self.backing.tier).len() >= self.backing.limits.max_idle {
                break;
            }
            if let Some(cap) = &self.live
                && !cap.try_reserve()
            {
                break;
            }
            let mut value = Slot::new(self.call_factory());
            made += 1;
            shared_add(&self.totals.prefilled, 1);
            let bytes = match prepare_return(
                &mut *value,
                self.backing.max_retained_bytes(),
                self.backing.measures,
            ) {
                Ok(bytes) => bytes,
                Err(reason) => {
                    self.discard(reason, value);
                    continue;
                }
            };
            // Into the tier as a return without a cache would go: counted, and under the bounds
            // (idle objects, byte budget).
            if let Some(value) = self.put_uncached(Idle { value, bytes }) {
                drop_rejected(value);
                self.release_live(1);
                break;
            }
        }
        made
    }

    /// Offers an object to the pool as if a guard holding it had been dropped: it is reset, then
    /// kept or discarded according to the bounds. Useful to return an object obtained by
    /// [`Pooled::detach`] or built elsewhere.
    ///
    /// ```
    /// use pool_core::Pool;
    ///
    /// let pool: Pool<Vec<u8>> = Pool::new();
    /// pool.put(Vec::with_capacity(4096));
    /// let buf = pool.get();
    /// assert!(buf.capacity() >= 4096);
    /// assert_eq!(pool.stats().creations, 0);
    /// ```
    ///
    /// The object is moved into a new box (pooled objects live in boxes, see the
    /// [`implementation`](crate::implementation) notes), so this allocates once; guards return
    /// their objects without allocating.
    pub fn put(&self, value: T) {
        self.count_put();
        self.put_boxed(Slot::new(value));
    }

    /// Counts an object offered with `put` (a `BufferPool`'s too): one the pool did not make.
    pub(crate) fn count_put(&self) {
        shared_add(&self.totals.puts, 1);
        if let Some(cap) = &self.live {
            cap.add(1);
        }
    }

    /// This thread's cache, made on first use, owned by this thread. `None` once the thread's
    /// thread-local destructors run (a guard dropped from one of them: see `owner.rs`), where
    /// the `thread_local` crate may no longer give this thread an id: callers then use the
    /// shared tier directly.
    #[inline(always)]
    fn local(&self) -> Option<&Cache<T>> {
        let (pool, cache) = owner::last();
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

    /// This thread's cache for a return that missed the last-cache shortcut: `home` if this
    /// thread owns it, else the thread's own (as [`local`](Self::local)). A thread that never
    /// took an object from any pool (it has no token) gets no cache: its returns go to the
    /// shared tier. Such a thread may be running its thread-local destructors after the
    /// `thread_local` crate's own, where asking that crate for an id panics, and nothing tells
    /// that moment apart from an ordinary one; a thread that gets from a pool has a token, and
    /// its exit is handled by `owner.rs`.
    #[cold]
    #[inline(never)]
    fn return_cache<'a>(&'a self, home: Option<&'a Cache<T>>) -> Option<&'a Cache<T>> {
        let me = owner::current();
        if me == owner::NONE {
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
    fn local_slow(&self) -> Option<&Cache<T>> {
        let me = owner::current();
        if me == owner::EXITED {
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
        owner::set_last(self.id, ptr::from_ref(cache).cast());
        Some(cache)
    }

    /// Makes this thread's cache and enters it in the registry.
    #[cold]
    fn register(&self) -> Arc<Cache<T>> {
        let cache = Arc::new(Cache::new(
            self.backing.limits.thread_cache,
            owner::assign(),
            &self.backing,
        ));
        lock(&self.caches).push(Arc::clone(&cache));
        cache
    }

    /// Takes an idle object or creates one, without a guard.
    #[inline]
    pub(crate) fn take(&self) -> Slot<T> {
        self.take_homed().1
    }

    /// For `BufferPool`'s classes: an idle object, else one that `make` makes, which may fail
    /// (an allocation the allocator refused): then nothing is counted and nothing is kept, as
    /// if the get had not happened. The hit is inlined, as in [`take`](Self::take). The
    /// classes have no [`max_live`](PoolBuilder::max_live) cap.
    #[inline]
    pub(crate) fn take_or_try_create(&self, make: impl FnOnce() -> Option<T>) -> Option<Slot<T>> {
        if let Some(cache) = self.local()
            && let Some((value, check)) = self.take_hit(cache)
        {
            if check {
                self.tick();
            }
            return Some(value);
        }
        self.take_or_try_create_slow(make)
    }

    /// [`take_or_try_create`](Self::take_or_try_create) past the hit.
    #[cold]
    #[inline(never)]
    fn take_or_try_create_slow(&self, make: impl FnOnce() -> Option<T>) -> Option<Slot<T>> {
        debug_assert!(self.live.is_none(), "the classes have no cap");
        match self.find_homed() {
            Ok((_, value)) => Some(value),
            Err(reason) => {
                let value = make()?;
                self.count_creation(reason);
                Some(Slot::new(value))
            }
        }
    }

    /// Takes an idle object or creates one, and says which cache (this thread's) it came
    /// through. The hit is inlined; everything else is out of line.
    #[inline(always)]
    fn take_homed(&self) -> (Option<&Cache<T>>, Slot<T>) {
        let Some(cache) = self.local() else {
            return (None, self.take_uncached());
        };
        let (value, check) = match self.take_hit(cache) {
            Some(hit) => hit,
            None => self.take_slow(cache),
        };
        if check {
            self.tick();
        }
        (Some(cache), value)
    }

    /// The pool's own operations drive aging: a refill from the tier, or every
    /// `AGE_CHECK_EVERY`-th hit, asks here (the clock is read here, not on the hit); if a pass
    /// is due, one caller wins it and runs it, everyone else goes on.
    #[cold]
    #[inline(never)]
    fn tick(&self) {
        if self.aging.due() {
            self.age();
        }
    }

    /// An aging pass, by the winner of a due deadline: asks the pressure function, releases what
    /// stayed idle since the previous pass (everything, at 0.9 or above), and sets the next
    /// deadline (half the timeout away at 0.7 or above). Returns how many it released.
    fn age(&self) -> usize {
        let pressure = self.pressure.as_ref().map_or(0.0, |f| {
            // A pressure function that panics counts as no pressure: aging must not unwind
            // into a `get`.
            catch_unwind(AssertUnwindSafe(|| f())).unwrap_or(0.0)
        });
        let how = if pressure >= 0.9 {
            Release::All
        } else {
            Release::Age
        };
        let released = self.release(how);
        let timeout = self.aging.timeout();
        self.aging.rearm(if pressure >= 0.7 {
            timeout / 2
        } else {
            timeout
        });
        released
    }

    /// The background trimmer's visit: runs a pass if one is due; says how long until the next.
    pub(crate) fn age_in_background(&self) -> Option<Duration> {
        self.tick();
        self.aging.until_due()
    }

    /// The inlined hit of a `get` on this thread's `cache`, where the pool takes the fast path
    /// (`Backing::fast`); the flag as in [`Cache::take_fast`].
    #[inline(always)]
    fn take_hit(&self, cache: &Cache<T>) -> Option<(Slot<T>, bool)> {
        if self.backing.fast {
            cache.take_fast(&self.backing)
        } else {
            None
        }
    }

    /// A `get` that missed the fast path: pop (waiting for a remote if the cache is revoked)
    /// or refill from the tier; else steal; else create.
    #[cold]
    #[inline(never)]
    fn take_slow(&self, cache: &Cache<T>) -> (Slot<T>, bool) {
        if self.live.is_some() {
            // A capped pool never takes the fast path: every get comes here (and ages in
            // `find_homed`).
            let (_, value) = self
                .take_capped(None)
                .expect("no deadline: waits until served");
            return (value, false);
        }
        let mut check = false;
        let value = match self.find_idle(cache, &mut check) {
            Ok(value) => value,
            Err(reason) => self.create(reason),
        };
        (value, check)
    }

    /// A get in a pool with a [`max_live`](PoolBuilder::max_live) cap: an idle object, or
    /// room for a new one, else it waits in the cap's queue (blocking the thread) until a
    /// return or a departure lets it in, or until `deadline` (`None`: for as long as it takes).
    /// While others wait, a new get queues behind them (see `live.rs`).
    #[cold]
    fn take_capped(&self, deadline: Option<Instant>) -> Option<(Option<&Cache<T>>, Slot<T>)> {
        let cap = self.live.as_ref()?;
        if !cap.has_waiters()
            && let Some(found) = self.acquire_capped(cap)
        {
            return Some(found);
        }
        loop {
            let waiter = cap.waiter();
            if let Some(found) = self.acquire_capped(cap) {
                return Some(found);
            }
            if !waiter.wait(deadline) {
                return None;
            }
        }
    }

    /// [`take_capped`](Self::take_capped) for a future: the same queue, awaited.
    async fn take_capped_async(&self, cap: &LiveCap) -> (Option<&Cache<T>>, Slot<T>) {
        if !cap.has_waiters()
            && let Some(found) = self.acquire_capped(cap)
        {
            return found;
        }
        loop {
            let mut waiter = cap.waiter();
            if let Some(found) = self.acquire_capped(cap) {
                return found;
            }
            waiter.listener().await;
        }
    }

    /// One look of a capped get: an idle object (this thread's cache, the tier, a steal), room
    /// under the cap for a new one, or, before giving up, an idle object in any thread's cache
    /// (the steal probes only a few). `None`: the caller waits.
    fn acquire_capped(&self, cap: &LiveCap) -> Option<(Option<&Cache<T>>, Slot<T>)> {
        let reason = match self.find_homed() {
            Ok(found) => return Some(found),
            Err(reason) => reason,
        };
        if cap.try_reserve() {
            return Some((self.local(), self.create(reason)));
        }
        let value = self.take_uncached_idle()?;
        Some((self.local(), value))
    }

    /// An idle object for a `get` whose fast path missed: from `cache` (this thread's, waiting
    /// for a remote if it is revoked), else a batch from the tier, else a steal. Sets `check`
    /// when an aging pass may be due (see [`tick`](Self::tick)).
    fn find_idle(&self, cache: &Cache<T>, check: &mut bool) -> Result<Slot<T>, Creation> {
        let (value, due) = cache.take(&self.backing);
        *check |= due;
        if let Some(value) = value {
            return Ok(value);
        }
        if self.tier_refills_soon(cache) {
            let (value, due) = cache.take(&self.backing);
            *check |= due;
            if let Some(value) = value {
                return Ok(value);
            }
        }
        self.steal(cache)
    }

    /// Before a steal that would cost a heavy barrier (some other cache holds objects), waits
    /// a moment for the tier to receive a batch: in producer/consumer traffic the consumer's
    /// cache spills one every few returns, and taking it costs a lock, not a barrier. Says
    /// whether the tier has objects now. At most [`TIER_PATIENCE`] looks, a few microseconds.
    #[cold]
    fn tier_refills_soon(&self, me: &Cache<T>) -> bool {
        // Only while spills keep coming (producer/consumer); a cache drained another way (its
        // objects returned elsewhere for good) would wait for nothing.
        if cfg!(loom) || !me.spills_since_last_look(&self.backing) {
            return false;
        }
        let hinted = lock(&self.caches)
            .iter()
            .any(|cache| !ptr::eq(&**cache, me) && cache.len_hint() > 0);
        if !hinted {
            return false;
        }
        for _ in 0..TIER_PATIENCE {
            if self
                .backing
                .tier
                .try_lock()
                .is_ok_and(|tier| tier.len() > 0)
            {
                return true;
            }
            core::hint::spin_loop();
        }
        false
    }

    /// The last resort before the factory: considers up to [`STEAL_PROBES`] + 1 other caches,
    /// from a cursor that moves on with each miss, revokes those whose length hint says they
    /// hold something (one heavy barrier for all of them), and moves half of the first
    /// non-empty one's objects, at most a batch, the oldest first, into `me` (one for the
    /// caller). Nothing is allocated: `me` is empty and has room for a batch. With nothing
    /// found (no barrier is issued if no hint said otherwise), says whether every other cache
    /// was considered.
    fn steal(&self, me: &Cache<T>) -> Result<Slot<T>, Creation> {
        let caches = lock(&self.caches);
        let n = caches.len();
        // Relaxed: the cursor only spreads the probes; any value is correct.
        let start = self.cursor.fetch_add(STEAL_PROBES, Ordering::Relaxed);
        let mut picks = [0usize; STEAL_PROBES + 1];
        let (mut k, mut probed) = (0, 0);
        for j in 0..n.min(STEAL_PROBES + 1) {
            let i = start.wrapping_add(j) % n;
            if !ptr::eq(&*caches[i], me) {
                probed += 1;
                if caches[i].len_hint() > 0 {
                    picks[k] = i;
                    k += 1;
                }
            }
        }
        let reach = if probed + 1 >= n {
            Creation::Empty
        } else {
            self.unsearched()
        };
        if k == 0 {
            return Err(reach);
        }
        // SAFETY: `me` is this thread's own cache (`local()` returned it), this thread holds the
        // registry, and it is not inside an owner access of `me` (`take` returned); `mine` is
        // dropped before `caches`.
        let mut mine = unsafe { me.own_stack_with_registry(&caches) };
        let (batch, capacity) = (self.backing.batch, self.backing.limits.thread_cache);
        visit_revoked(
            &caches,
            picks[..k].iter().copied(),
            self.backing.barrier,
            |victim| {
                let mine = mine.stack();
                // Room for the caller's object plus what the cache may hold: the steal never takes
                // the cache past its bound.
                let room = (capacity + 1).saturating_sub(mine.len());
                let take = victim.len().div_ceil(2).min(batch).min(room);
                victim.move_oldest_into(mine, take);
                take > 0
            },
        );
        let first = mine.stack().pop();
        drop(mine);
        first.ok_or(reach)
    }

    /// Calls the factory (no lock held), counting a creation, for `reason`, only once it
    /// returned.
    fn create(&self, reason: Creation) -> Slot<T> {
        let value = self.call_factory();
        self.count_creation(reason);
        Slot::new(value)
    }

    /// Counts a creation, for `reason`.
    fn count_creation(&self, reason: Creation) {
        shared_add(
            match reason {
                Creation::Empty => &self.totals.created_empty,
                Creation::OutOfReach => &self.totals.created_out_of_reach,
            },
            1,
        );
    }

    /// Calls the factory (no lock held); if it panics, counts it and gives back the room it
    /// had under the cap.
    fn call_factory(&self) -> T {
        call_factory(&self.factory, || {
            shared_add(&self.totals.factory_panicked, 1);
            self.release_live(1);
        })
    }

    /// Counts `n` objects that left the pool (dropped by it, or detached) against the
    /// [`max_live`](PoolBuilder::max_live) cap.
    #[inline]
    fn release_live(&self, n: usize) {
        if let Some(cap) = &self.live {
            cap.release(n);
        }
    }

    /// An idle object for a get without a cache (a get during thread exit): the tier's, else
    /// one taken from another thread's cache, every cache considered (this path is rare, and a
    /// get waiting at the [`max_live`](PoolBuilder::max_live) cap must reach them all).
    #[cold]
    fn take_uncached_idle(&self) -> Option<Slot<T>> {
        if let Some(value) = self.take_from_tier() {
            return Some(value);
        }
        let caches = lock(&self.caches);
        let hinted: Vec<usize> = (0..caches.len())
            .filter(|&i| caches[i].len_hint() > 0)
            .collect();
        if hinted.is_empty() {
            return None;
        }
        let mut found = None;
        visit_revoked(&caches, hinted.into_iter(), self.backing.barrier, |stack| {
            found = stack.pop();
            found.is_some()
        });
        // A budgeted victim keeps the object's share of the budget as spare, and gives it
        // back with its surplus on its next spill or trim.
        found
    }

    /// An idle object from the tier, without a cache.
    fn take_from_tier(&self) -> Option<Slot<T>> {
        let idle = lock(&self.backing.tier).pop()?;
        shared_add(&self.totals.reuses, 1);
        if let Some(budget) = &self.backing.budget {
            budget.give_back(idle.bytes);
        }
        Some(idle.value)
    }

    /// `get` without a cache (a guard dropped during thread exit, see [`local`](Self::local)).
    #[cold]
    fn take_uncached(&self) -> Slot<T> {
        if self.live.is_some() {
            let (_, value) = self
                .take_capped(None)
                .expect("no deadline: waits until served");
            return value;
        }
        match self.take_uncached_idle() {
            Some(value) => value,
            None => self.create(self.unsearched()),
        }
    }

    /// The reason of a creation made without looking in every thread cache: out of reach,
    /// unless the caches keep nothing (`thread_cache(0)`).
    fn unsearched(&self) -> Creation {
        if self.backing.limits.thread_cache == 0 {
            Creation::Empty
        } else {
            Creation::OutOfReach
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
    fn put_to(&self, home: Option<&Cache<T>>, value: Slot<T>) {
        if self.backing.fast {
            self.put_checked(home, value, self.backing.limits.max_retained_bytes, true);
        } else {
            self.put_to_slow(home, value);
        }
    }

    /// [`put_to`](Self::put_to) for a pool whose hit path is out of line (a byte budget, a
    /// learned cut-off, no `membarrier`).
    #[cold]
    #[inline(never)]
    fn put_to_slow(&self, home: Option<&Cache<T>>, value: Slot<T>) {
        self.put_checked(home, value, self.backing.max_retained_bytes(), false);
    }

    /// Resets `value`, checks it against `max_retained_bytes`, and returns it to the right
    /// cache; `fast`: the pool takes the inlined hit path (`Backing::fast`).
    #[inline(always)]
    fn put_checked(
        &self,
        home: Option<&Cache<T>>,
        mut value: Slot<T>,
        max_retained_bytes: usize,
        fast: bool,
    ) {
        // Where the pool takes the inlined paths (no budget, no cut-off), it measures iff it has
        // a per-object bound, which the caller already loaded.
        let measures = if fast {
            max_retained_bytes != usize::MAX
        } else {
            self.backing.measures
        };
        let bytes = match prepare_return(&mut *value, max_retained_bytes, measures) {
            Ok(bytes) => bytes,
            Err(reason) => return self.discard(reason, value),
        };
        let idle = Idle { value, bytes };
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
        if !fast {
            return self.put_slow(Some(cache), idle);
        }
        if let Err(idle) = cache.put_fast(idle, &self.backing) {
            self.put_slow(Some(cache), idle);
        }
    }

    /// A return that missed the fast path: to `cache` (this thread's own), spilling a batch to
    /// the tier if it is full (or waiting for a remote if it is revoked); without a cache (thread
    /// exit), to the tier. What neither has room for is dropped.
    #[cold]
    #[inline(never)]
    fn put_slow(&self, cache: Option<&Cache<T>>, idle: Idle<T>) {
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
    fn put_uncached(&self, idle: Idle<T>) -> Option<Slot<T>> {
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

    /// Releases the idle objects that were not used since the previous `trim()`, wherever they
    /// sit (the shared tier, the cache of a busy thread, of an idle thread, or the cache an exited
    /// thread left), and returns how many it released.
    ///
    /// Rust has no garbage collector to age a pool, so this is Go's victim cache made explicit.
    /// The pool already runs the same pass itself every
    /// [`idle_timeout`](PoolBuilder::idle_timeout); call `trim` to release memory sooner, or on
    /// your own schedule with aging off (a `trim` also ends an aging period). An object
    /// survives one `trim` idle and is released by the second; objects in use, or reused in between, are kept. It reaches
    /// every thread's cache with one process-wide barrier (`membarrier` on Linux, a few
    /// microseconds) and then visits each, so it costs in proportion to the number of threads
    /// that used the pool; the objects are dropped after every lock is released. A `Drop` that
    /// panics is caught and the rest are still released (the object counts as released).
    ///
    /// ```
    /// use pool_core::Pool;
    ///
    /// let pool: Pool<Vec<u8>> = Pool::new();
    /// drop(pool.get());
    /// assert_eq!(pool.trim(), 0); // idle for less than a whole period: kept
    /// assert_eq!(pool.trim(), 1); // still idle at the second trim: released
    /// assert_eq!(pool.stats().idle, 0);
    /// ```
    pub fn trim(&self) -> usize {
        let count = self.release(Release::Trim);
        #[cfg(feature = "metrics")]
        self.publish_metrics();
        count
    }

    /// A pass over every cache and the tier: `trim()`, or an aging pass.
    fn release(&self, how: Release) -> usize {
        let mut released = {
            let mut tier = lock(&self.backing.tier);
            match how {
                Release::All => tier.take_all(),
                Release::Trim | Release::Age => tier.trim(),
            }
        };
        let from_tier = released.len() as u64;
        let mut freed = released
            .iter()
            .fold(0usize, |sum, idle| sum.saturating_add(idle.bytes));
        shared_add(
            if how == Release::Trim {
                &self.totals.trimmed
            } else {
                &self.totals.aged
            },
            from_tier,
        );
        {
            // The tier's lock is released first: an owner inside an access may wait for it,
            // and this thread waits for owners (lock order: registry, then tier, and nobody
            // waits for an owner while holding the tier).
            let caches = lock(&self.caches);
            visit_revoked(&caches, 0..caches.len(), self.backing.barrier, |stack| {
                freed = freed.saturating_add(stack.trim_into(&mut released, how).1);
                if let Some(cutoff) = &self.backing.cutoff {
                    cutoff.flush(stack);
                }
                false
            });
        }
        if let Some(budget) = &self.backing.budget {
            budget.give_back(freed);
        }
        let count = released.len();
        release_all(released);
        self.release_live(count);
        count
    }
}

// `stats()` and the metrics need no `Poolable` bound, so that the drop can use them.
impl<T: Send> Pool<T> {
    /// A snapshot of the pool's statistics, summed over the thread caches and the shared tier.
    /// Exact when no other thread is using the pool; approximate (each cache read at a slightly
    /// different moment) while they do. It reaches every thread's cache the way `trim()` does
    /// (one heavy barrier per call), so it costs microseconds, not nanoseconds: read it from a
    /// timer or a metrics scrape, not per request.
    ///
    /// ```
    /// use pool_core::Pool;
    ///
    /// let pool: Pool<Vec<u8>> = Pool::new();
    /// let a = pool.get();
    /// let b = pool.get();
    /// drop((a, b));
    /// let s = pool.stats();
    /// assert_eq!((s.gets, s.creations, s.returns, s.idle), (2, 2, 2, 2));
    /// ```
    pub fn stats(&self) -> Stats {
        let mut gathered = Gathered::default();
        {
            // Lock order: registry, then tier (see the implementation notes).
            let caches = lock(&self.caches);
            gathered.thread_caches = caches.len() as u64;
            visit_revoked(&caches, 0..caches.len(), self.backing.barrier, |stack| {
                stack.add_to(&mut gathered, self.backing.measure);
                false
            });
            lock(&self.backing.tier).add_to(&mut gathered, self.backing.measure);
        }
        gathered.tally += self.totals.load();
        gathered.max_retained_bytes = match self.backing.max_retained_bytes() {
            usize::MAX => 0,
            bytes => bytes as u64,
        };
        gathered.into_stats()
    }

    /// Publishes a [`stats`](Self::stats) snapshot through the [`metrics`](https://docs.rs/metrics)
    /// facade, if the pool was built with a name ([`PoolBuilder::metrics`]); else does
    /// nothing. [`trim`](Self::trim) and the pool's drop publish too; call this from a timer
    /// (or before each scrape) for fresher figures. The snapshot costs what `stats()` costs:
    /// one visit of each thread's cache, none of the hit path.
    ///
    /// ```
    /// use pool_core::Pool;
    ///
    /// let pool: Pool<Vec<u8>> = Pool::builder().metrics("buffers").build();
    /// drop(pool.get());
    /// pool.publish_metrics(); // pool_gets_total{pool="buffers"} is 1 in the recorder
    /// ```
    #[cfg(feature = "metrics")]
    #[cfg_attr(docsrs, doc(cfg(feature = "metrics")))]
    pub fn publish_metrics(&self) {
        if let Some(registration) = &self.metrics {
            registration.publish(&self.stats());
        }
    }

    /// The last publish, from the drop: the idle objects count as released with the pool.
    #[cfg(feature = "metrics")]
    fn publish_dropped(&self) {
        if let Some(registration) = &self.metrics {
            registration.publish_dropped(&self.stats());
        }
    }
}

/// Makes the calling thread the owner of `cache`, which the `thread_local` crate handed it (a
/// new thread given an exited thread's id, or the first use of a thread's own cache).
#[cold]
#[inline(never)]
fn claim<T: Send>(cache: &Cache<T>) {
    let me = owner::assign();
    if cache.owner() != me {
        cache.claim(me);
    }
}

impl<T: Send> Drop for Pool<T> {
    /// Drops every idle object at once, whichever thread cached it, live or exited (a `Drop`
    /// that panics is caught and the rest are still dropped).
    fn drop(&mut self) {
        #[cfg(feature = "metrics")]
        self.publish_dropped();
        let mut all = get_mut(&mut self.backing.tier).take_all();
        for cache in get_mut(&mut self.caches).iter() {
            // SAFETY: `&mut self`: no other thread can reach the pool or its caches any more,
            // and the threads that used it synchronised with this one when their borrow or
            // `Arc` of it ended.
            unsafe { cache.take_all_into(&mut all) };
        }
        release_all(all);
        if self.background {
            crate::trimmer::wake();
        }
    }
}

impl<T: Poolable + Send + 'static> crate::trimmer::Ageable for Pool<T> {
    fn age(&self) -> Option<Duration> {
        self.age_in_background()
    }
}

impl<T: Send> fmt::Debug for Pool<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut f = f.debug_struct("Pool");
        f.field("limits", &self.backing.limits);
        f.field("barrier", &self.backing.barrier);
        #[cfg(feature = "metrics")]
        f.field("metrics", &self.metrics.as_ref().map(|r| r.name()));
        f.finish_non_exhaustive()
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;

    /// A cache hit on the inlined paths writes nothing a thief reads: the length hint keeps
    /// what it said before the get (non-zero: a thief may look), and only a return that finds
    /// it at zero writes it.
    #[test]
    fn a_hit_leaves_the_length_hint_alone() {
        let pool: Pool<Vec<u8>> = Pool::new();
        if !pool.backing.fast {
            return; // no membarrier here: the hits take the out-of-line paths
        }
        drop(pool.get()); // a creation, then a return: the hint now says 1
        let cache = pool.local().expect("this thread's cache");
        assert_eq!(cache.len_hint(), 1);
        let guard = pool.get(); // a hit: the stack is empty now
        assert_eq!(cache.len_hint(), 1, "the hit wrote the hint");
        drop(guard); // a hit too: the hint already says "something"
        assert_eq!(cache.len_hint(), 1);
    }
}
