//! [`PoolBuilder`]: the factory and the bounds of a [`Pool`].

use core::fmt;

use super::Pool;
use crate::Poolable;
use crate::lifecycle::{Factory, Limits};

/// Configures a [`Pool`]: the factory and the bounds. Made by [`Pool::builder`] (for
/// `T: Default`) or [`PoolBuilder::from_factory`].
///
/// ```
/// use pool_core::{Pool, PoolBuilder};
///
/// let pool: Pool<Vec<u8>> = PoolBuilder::from_factory(|| Vec::with_capacity(4096))
///     .max_idle(256)
///     .max_retained_bytes(1 << 20)
///     .build();
/// assert!(pool.get().capacity() >= 4096);
/// ```
#[must_use = "a builder does nothing until `build()`"]
pub struct PoolBuilder<T> {
    factory: Factory<T>,
    limits: Limits,
    #[cfg(feature = "metrics")]
    metrics: Option<crate::metrics::Registration>,
}

impl<T: Poolable + Send + 'static> PoolBuilder<T> {
    /// A builder whose pool creates objects with `factory`.
    pub fn from_factory(factory: impl Fn() -> T + Send + Sync + 'static) -> Self {
        Self {
            factory: Box::new(factory),
            limits: Limits::default(),
            #[cfg(feature = "metrics")]
            metrics: None,
        }
    }

    /// Replaces the factory.
    ///
    /// ```
    /// use pool_core::Pool;
    ///
    /// let pool: Pool<Vec<u8>> = Pool::builder().factory(|| Vec::with_capacity(512)).build();
    /// assert!(pool.get().capacity() >= 512);
    /// ```
    pub fn factory(mut self, factory: impl Fn() -> T + Send + Sync + 'static) -> Self {
        self.factory = Box::new(factory);
        self
    }

    /// Keeps at most `n` idle objects in the shared tier; a return beyond it drops the object
    /// (counted in [`Discards::over_idle_bound`](crate::Discards::over_idle_bound)). Each
    /// thread's cache holds up to [`thread_cache`](Self::thread_cache) more, so the pool's idle
    /// objects number at most `n + threads × thread_cache` (threads: the peak number alive at
    /// once); set `thread_cache(0)` for a strict bound of `n`. `0` keeps nothing in the tier
    /// (the caches still keep theirs); a huge value reserves nothing up front. Default:
    /// unbounded (the pool never holds more than the peak number in use).
    ///
    /// ```
    /// use pool_core::Pool;
    ///
    /// let pool: Pool<Vec<u8>> = Pool::builder().max_idle(2).thread_cache(0).build();
    /// let guards: Vec<_> = (0..5).map(|_| pool.get()).collect();
    /// drop(guards);
    /// assert_eq!(pool.stats().idle, 2);
    /// assert_eq!(pool.stats().discards.over_idle_bound, 3);
    /// ```
    pub fn max_idle(mut self, n: usize) -> Self {
        self.limits.max_idle = n;
        self
    }

    /// Each thread caches at most `n` idle objects (default 16). Objects move between a cache
    /// and the shared tier in batches of `n / 2`. `0` turns the caches off: every operation
    /// then takes the shared tier's lock. A huge value is a bound, not an allocation: a cache
    /// reserves room for at most 256 objects up front and grows as objects come back.
    ///
    /// ```
    /// use pool_core::Pool;
    ///
    /// let pool: Pool<Vec<u8>> = Pool::builder().thread_cache(64).build();
    /// drop(pool.get());
    /// assert_eq!(pool.stats().thread_caches, 1);
    /// ```
    pub fn thread_cache(mut self, n: usize) -> Self {
        self.limits.thread_cache = n;
        self
    }

    /// Drops, instead of keeping, an object whose [`Poolable::retained_bytes`] exceeds `bytes`
    /// after its reset (counted in [`Discards::oversized`](crate::Discards::oversized)), so one
    /// huge request cannot pin its memory in the pool. `0` keeps only objects that retain
    /// nothing; `usize::MAX` is the default, no limit.
    ///
    /// ```
    /// use pool_core::Pool;
    ///
    /// let pool: Pool<Vec<u8>> = Pool::builder().max_retained_bytes(64 * 1024).build();
    /// pool.get().reserve(1 << 20); // a huge request
    /// assert_eq!(pool.stats().discards.oversized, 1);
    /// assert_eq!(pool.stats().idle, 0);
    /// ```
    pub fn max_retained_bytes(mut self, bytes: usize) -> Self {
        self.limits.max_retained_bytes = bytes;
        self
    }

    /// Publishes the pool's statistics through the [`metrics`](https://docs.rs/metrics) facade,
    /// each series labelled `pool = name` (one name per live pool: two pools of one name would
    /// overwrite each other's figures).
    ///
    /// The hit path is not touched: the figures are a [`Stats`](crate::Stats) snapshot, summed
    /// and published when [`Pool::publish_metrics`] or [`Pool::trim`] is called, and once more
    /// when the pool is dropped (the same for a [`LocalPool`](crate::LocalPool) made by
    /// [`build_local`](Self::build_local)). Between two of those the exporter shows the previous figures, so
    /// call `publish_metrics()` from the timer that trims, or right before each scrape. The
    /// series' handles are taken from the recorder installed at the first publish: install it
    /// before that (building the pool earlier is fine).
    ///
    /// | series | kind | `reason` label | from |
    /// |---|---|---|---|
    /// | `pool_gets_total` | counter | | `gets` |
    /// | `pool_reuses_total` | counter | | `reuses` |
    /// | `pool_creations_total` | counter | `empty`, `out_of_reach` | [`creation_reasons`](crate::Creations) |
    /// | `pool_factory_panics_total` | counter | | `factory_panicked` |
    /// | `pool_returns_total` | counter | | `returns` |
    /// | `pool_discards_total` | counter | `over_idle_bound`, `oversized`, `reset_panicked` | [`discards`](crate::Discards) |
    /// | `pool_detached_total` | counter | | `detached` |
    /// | `pool_releases_total` | counter | `trimmed`, `pool_dropped` | `trimmed`; the idle objects the drop released |
    /// | `pool_idle_objects` | gauge | | `idle` (0 after the drop) |
    /// | `pool_retained_bytes` | gauge | | `retained_bytes` (0 after the drop) |
    /// | `pool_thread_caches` | gauge | | `thread_caches` (0 after the drop) |
    ///
    /// Counters are published as absolute values (`Counter::absolute`), so a recorder keeps the
    /// highest figure it saw: a name reused by a new pool after the first one's drop shows
    /// nothing new until the new pool's counts pass the old ones.
    ///
    /// ```
    /// use pool_core::Pool;
    ///
    /// // With a recorder installed first, e.g. metrics-exporter-prometheus's
    /// // `PrometheusBuilder::new().install_recorder()`.
    /// let pool: Pool<String> = Pool::builder().metrics("request_strings").build();
    /// pool.get().push_str("hello");
    /// pool.publish_metrics(); // pool_gets_total{pool="request_strings"} 1, pool_idle_objects 1
    /// assert_eq!(pool.stats().gets, 1);
    /// ```
    #[cfg(feature = "metrics")]
    #[cfg_attr(docsrs, doc(cfg(feature = "metrics")))]
    pub fn metrics(mut self, name: impl Into<String>) -> Self {
        self.metrics = Some(crate::metrics::Registration::new(name.into()));
        self
    }

    /// Caps the objects the pool has at once, idle and in use, at `n` (like deadpool's
    /// `max_size`: for objects that stand for a scarce resource). At the cap, a
    /// [`get`](Pool::get) that finds nothing idle waits until an object is returned or leaves
    /// the pool (it looks again at least every millisecond, stealing what other threads
    /// returned to their caches), and [`try_get`](Pool::try_get) returns `None`. A
    /// [`put`](Pool::put) is never refused: it counts, past the cap if need be. Default: no
    /// cap. Off the hit path: the count moves only where objects are made or leave.
    ///
    /// A thread that itself holds `n` guards and calls `get` waits forever, as with a mutex
    /// locked twice: use `try_get` where that can happen.
    ///
    /// # Panics
    /// `build()` panics for `max_live(0)`, where every `get` would wait forever.
    ///
    /// ```
    /// use std::sync::Arc;
    /// use pool_core::Pool;
    ///
    /// let pool: Arc<Pool<Vec<u8>>> = Arc::new(Pool::builder().max_live(2).build());
    /// let (a, b) = (pool.get(), pool.get());
    /// assert!(pool.try_get().is_none(), "at the cap, with nothing idle");
    /// let waiter = {
    ///     let pool = Arc::clone(&pool);
    ///     std::thread::spawn(move || pool.get().capacity())
    /// };
    /// drop(a); // the waiting get takes it
    /// waiter.join().unwrap();
    /// drop(b);
    /// assert_eq!(pool.stats().creations, 2);
    /// ```
    pub fn max_live(mut self, n: usize) -> Self {
        self.limits.max_live = n;
        self
    }

    /// Builds the pool.
    ///
    /// # Panics
    /// For `max_live(0)` (see [`max_live`](Self::max_live)); every other value of every bound
    /// has a meaning (above).
    ///
    /// ```
    /// use pool_core::PoolBuilder;
    ///
    /// let pool = PoolBuilder::from_factory(String::new).max_idle(8).build();
    /// assert_eq!(*pool.get(), "");
    /// ```
    pub fn build(self) -> Pool<T> {
        assert!(
            self.limits.max_live > 0,
            "PoolBuilder::max_live(0): every get would wait forever; use max_live(1) or more, \
             or leave the cap unset"
        );
        #[cfg_attr(not(feature = "metrics"), allow(unused_mut))]
        let mut pool = Pool::from_parts(self.factory, self.limits);
        #[cfg(feature = "metrics")]
        {
            pool.metrics = self.metrics;
        }
        pool
    }

    /// Builds a single-thread [`LocalPool`](crate::LocalPool) with the same factory and bounds
    /// (`max_idle` is its total bound; `thread_cache` does not apply). For a factory that is not
    /// `Send`, use [`LocalPool::builder`](crate::LocalPool::builder) or
    /// [`LocalPoolBuilder`](crate::LocalPoolBuilder).
    ///
    /// ```
    /// use pool_core::Pool;
    ///
    /// let local = Pool::<Vec<u8>>::builder().max_idle(1).build_local();
    /// let (a, b) = (local.get(), local.get());
    /// drop((a, b));
    /// assert_eq!(local.stats().idle, 1);
    /// ```
    pub fn build_local(self) -> crate::LocalPool<T> {
        #[cfg_attr(not(feature = "metrics"), allow(unused_mut))]
        let mut pool = crate::LocalPool::from_parts(self.factory, self.limits);
        #[cfg(feature = "metrics")]
        {
            pool.metrics = self.metrics;
        }
        pool
    }
}

impl<T> fmt::Debug for PoolBuilder<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PoolBuilder")
            .field("limits", &self.limits)
            .finish_non_exhaustive()
    }
}
