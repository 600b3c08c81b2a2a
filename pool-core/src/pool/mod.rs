//! [`Pool<T>`]: a thread-safe pool with per-thread caches in front of a shared tier.
//!
//! This file is the public API; each file below it has one job: `take.rs` (a get's paths:
//! hit, refill, steal, create, wait at the cap), `give.rs` (a return's paths), `release.rs`
//! (the passes over every cache: trim and aging), `cache.rs` (a thread's cache and its
//! owner/remote protocol), `owner.rs` (which thread owns a cache, how a thread finds its own,
//! thread exit), `tier.rs` (the shared tier and its victim generation), `memory.rs` (the
//! memory policy: aging's deadline, the byte budget, the learned cut-off), `live.rs` (the
//! `max_live` cap and its queue), `guard.rs` (the RAII guards), `builder.rs` (the bounds). See
//! the [`implementation`](crate::implementation) notes for how and why.

mod builder;
mod cache;
mod give;
mod guard;
mod live;
mod memory;
mod owner;
mod release;
mod take;
mod tier;

pub(crate) use builder::MemoryOptions;
pub use builder::PoolBuilder;
pub use guard::{Pooled, PooledOwned};

use core::fmt;
use core::time::Duration;
use std::time::Instant;

use self::cache::{Backing, Cache, Registry, visit_revoked};
use self::give::drop_rejected;
use self::live::LiveCap;
use self::memory::{Aging, Budget, Cutoff};
use self::tier::Tier;
use crate::Poolable;
use crate::barrier::Barrier;
use crate::idle::{Idle, Release};
use crate::lifecycle::{Factory, Limits, measure_for, prepare_return, release_all};
use crate::slot::{Held, Slot};
use crate::stats::{Gathered, SharedTally, Stats};
use crate::sync::{Arc, AtomicUsize, Lined, Mutex, ThreadLocal, get_mut, lock, shared_add};

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
    /// `id` where the pool takes the inlined hit paths (`Backing::fast`), else a key the
    /// shortcut never holds: the hit compares the shortcut's key with it, one compare for
    /// "this pool's cache" and "the fast path" (`Pool::fast_local`).
    fast_key: u64,
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

impl<T: Poolable + Default + Send + 'static> Pool<T> {
    /// A pool that creates objects with `T::default()`, with default bounds: no limit on idle
    /// objects (the pool never holds more than the peak number in use, and releases what stays
    /// idle for the 30 s [`idle_timeout`](PoolBuilder::idle_timeout)), 16 per thread cache, no
    /// per-object byte limit. For a type without `Default` (a connection, a buffer of a set
    /// size), give the pool a factory: [`with_factory`](Self::with_factory), or
    /// [`PoolBuilder::from_factory`] for bounds.
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
        // The inlined hit paths skip the byte budget's and the cut-off's bookkeeping, and a
        // capped pool's returns must see its waiting gets, so a pool with any of them takes the
        // out-of-line paths.
        let fast = barrier.asymmetric()
            && budget.is_none()
            && !limits.auto_max_retained_bytes
            && limits.max_live == usize::MAX;
        let id = owner::next_pool_id();
        Self {
            id,
            fast_key: if fast { id } else { owner::NO_POOL },
            factory,
            backing: Backing {
                tier: Lined(Mutex::new(Tier::new())),
                limits,
                batch: (limits.thread_cache / 2).max(1),
                barrier,
                spills: AtomicUsize::new(0),
                fast,
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
        let mut gathered = Gathered::new(self.backing.max_retained_bytes());
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
