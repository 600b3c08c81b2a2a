//! [`PoolBuilder`]: the factory and the bounds of a [`Pool`].

use core::fmt;
use core::time::Duration;

use super::memory::Budget;
use super::{Pool, PressureFn};
use crate::Poolable;
use crate::lifecycle::{Factory, Limits};
use crate::sync::Arc;

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
    pressure: Option<PressureFn>,
    /// A byte budget shared with other pools (a `BufferPool`'s classes), instead of one of
    /// `limits.max_idle_bytes`.
    budget: Option<Arc<Budget>>,
}

/// The memory-over-time settings a [`BufferPoolBuilder`](crate::BufferPoolBuilder) forwards to
/// each class's pool: one budget for all classes, the others as they are.
#[derive(Clone, Default)]
pub(crate) struct MemoryOptions {
    pub(crate) idle_timeout: Option<Duration>,
    pub(crate) background_trim: bool,
    pub(crate) max_idle_bytes: Option<usize>,
    pub(crate) auto_max_retained_bytes: bool,
    pub(crate) pressure: Option<PressureFn>,
}

impl MemoryOptions {
    /// One budget for every pool [`apply`](Self::apply) configures.
    pub(crate) fn shared_budget(&self) -> Option<Arc<Budget>> {
        self.max_idle_bytes
            .map(|bytes| Arc::new(Budget::new(bytes)))
    }

    /// Sets these options on `builder`, with `budget` from [`shared_budget`](Self::shared_budget).
    pub(crate) fn apply<T: Poolable + Send + 'static>(
        &self,
        mut builder: PoolBuilder<T>,
        budget: Option<&Arc<Budget>>,
    ) -> PoolBuilder<T> {
        if let Some(timeout) = self.idle_timeout {
            builder.limits.idle_timeout = timeout;
        }
        builder.limits.background_trim = self.background_trim;
        builder.limits.auto_max_retained_bytes = self.auto_max_retained_bytes;
        builder.pressure.clone_from(&self.pressure);
        builder.budget = budget.cloned();
        builder
    }
}

impl<T: Poolable + Send + 'static> PoolBuilder<T> {
    /// A builder whose pool creates objects with `factory`.
    pub fn from_factory(factory: impl Fn() -> T + Send + Sync + 'static) -> Self {
        Self {
            factory: Box::new(factory),
            limits: Limits::default(),
            #[cfg(feature = "metrics")]
            metrics: None,
            pressure: None,
            budget: None,
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
    /// when the pool is dropped (the same for a [`LocalPool`](crate::LocalPool), named with
    /// [`LocalPoolBuilder::metrics`](crate::LocalPoolBuilder::metrics)). Between two of those the exporter shows the previous figures, so
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
    /// `max_size`: for objects that stand for a scarce resource). At the cap, a get that finds
    /// nothing idle waits in a first-come, first-served queue until a return or a departure
    /// lets it in (a return goes straight where the waiting gets look, and wakes one):
    /// - [`get`](Pool::get) **blocks the calling thread**: never call it from async code, where
    ///   it would stall the runtime's worker and every task on it (a current-thread runtime
    ///   whose tasks hold guards across `.await` would hang for good);
    /// - [`get_async`](Pool::get_async) and [`get_owned_async`](Pool::get_owned_async) wait
    ///   without blocking, with any runtime, and are cancel-safe;
    /// - [`get_timeout`](Pool::get_timeout) blocks at most that long;
    /// - [`try_get`](Pool::try_get) never waits: `None`.
    ///
    /// A [`put`](Pool::put) is never refused: it counts, past the cap if need be. Default: no
    /// cap. A capped pool takes the out-of-line paths on every get and return (its returns
    /// must see the waiting gets): a few nanoseconds more than the inlined hit.
    ///
    /// A thread that itself holds `n` guards and calls `get` waits forever, as with a mutex
    /// locked twice: use `try_get` or `get_timeout` where that can happen.
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

    /// Releases an object that sat idle for about `timeout` (between one and two timeouts),
    /// wherever it sits: any thread's cache, live or exited, or the shared tier, with no call of
    /// yours (counted in [`Stats::aged`](crate::Stats::aged)). Default
    /// [`DEFAULT_IDLE_TIMEOUT`](crate::DEFAULT_IDLE_TIMEOUT), 30 s.
    ///
    /// The pool's own operations drive it: a thread's `get` that refills its cache from the
    /// shared tier, and every 1024th `get` a thread serves from its cache, reads the clock, and
    /// when a timeout has passed since the last aging pass, one of them (not all) runs a pass:
    /// a [`trim`](Pool::trim) that counts in `aged`. The hit path itself reads no clock. A pool
    /// that nobody touches runs no pass: add [`background_trim`](Self::background_trim) for it.
    /// A `trim()` of yours also ends an aging period (both age the same marks). The operation
    /// that wins a pass pays for it once per timeout: one process-wide barrier, a visit of each
    /// thread's cache (about 6 µs with 64 of them, `pool_ops/trim_64x16`) and the drops.
    ///
    /// `Duration::MAX` turns aging off; `Duration::ZERO` runs a pass at every check (tests).
    /// Any other huge value is a timeout that never comes.
    ///
    /// ```
    /// use std::time::Duration;
    /// use pool_core::Pool;
    ///
    /// let pool: Pool<Vec<u8>> = Pool::builder().idle_timeout(Duration::from_secs(10)).build();
    /// drop(pool.get());
    /// assert_eq!(pool.stats().aged, 0); // a fresh pool has nothing to age
    /// ```
    pub fn idle_timeout(mut self, timeout: Duration) -> Self {
        self.limits.idle_timeout = timeout;
        self
    }

    /// Registers the pool with the process-wide background trimmer, a thread named
    /// `pool-trimmer`, which ages it on its [`idle_timeout`](Self::idle_timeout) even when no
    /// thread touches it. The thread holds a `Weak`, so it never keeps a pool alive; it starts
    /// with the first pool registered and exits once no registered pool is left. No thread
    /// exists unless some pool asked for it. Default: `false`.
    ///
    /// The registration needs the pool at a stable address behind an `Arc`, so it takes
    /// effect through [`build_arc`](Self::build_arc); [`build`](Self::build) panics when it is
    /// `true`.
    ///
    /// ```
    /// use std::sync::Arc;
    /// use pool_core::Pool;
    ///
    /// let pool: Arc<Pool<Vec<u8>>> = Pool::builder().background_trim(true).build_arc();
    /// drop(pool.get_owned());
    /// ```
    pub fn background_trim(mut self, on: bool) -> Self {
        self.limits.background_trim = on;
        self
    }

    /// A byte budget over every idle object: the [`Poolable::retained_bytes`] of the objects the
    /// pool keeps, in all thread caches and the shared tier together, never exceed `bytes`. A
    /// return that would break it drops the object (counted in
    /// [`Discards::over_idle_bytes`](crate::Discards::over_idle_bytes)).
    ///
    /// The exact bound: every idle object's bytes are charged to the budget, so the idle bytes
    /// are at most `bytes` at every moment (the budget counts what `retained_bytes` reports;
    /// [`Stats::retained_bytes`](crate::Stats::retained_bytes) adds each idle object's own box,
    /// `size_of::<T>()` rounded up to 128 bytes). A [`stats`](Pool::stats) snapshot taken while
    /// threads move objects between their caches and the tier can count one moving batch
    /// twice, so `stats().retained_bytes` reads at most `bytes` plus, per thread cache, one
    /// batch (`thread_cache / 2` objects) of the largest object kept. The budget is shared
    /// without a shared write per return: a thread's cache borrows it in chunks of
    /// `bytes / 64` (and what a return needs) in its cold path, and gives back what it does
    /// not use at each spill to the tier (keeping a chunk), each `trim()` and aging pass
    /// (keeping nothing). So a return can be refused while the pool holds less than `bytes`:
    /// by at most what the other caches borrowed and do not use, which objects they handed
    /// out since their last spill or pass count in.
    ///
    /// `0` keeps only objects that retain nothing; `usize::MAX` (the default) is no budget, at
    /// no cost.
    ///
    /// ```
    /// use pool_core::Pool;
    ///
    /// let pool: Pool<Vec<u8>> = Pool::builder()
    ///     .factory(|| Vec::with_capacity(4096))
    ///     .max_idle_bytes(10_000)
    ///     .build();
    /// let guards: Vec<_> = (0..4).map(|_| pool.get()).collect();
    /// drop(guards);
    /// let stats = pool.stats();
    /// assert_eq!((stats.idle, stats.discards.over_idle_bytes), (2, 2));
    /// assert!(stats.retained_bytes - 128 * stats.idle <= 10_000); // boxes aside
    /// ```
    pub fn max_idle_bytes(mut self, bytes: usize) -> Self {
        self.limits.max_idle_bytes = bytes;
        self
    }

    /// Learns the per-object byte limit from the traffic: the pool samples the
    /// [`Poolable::retained_bytes`] of every returned object in power-of-two classes, and after
    /// each 42,000 returns (bytebufferpool's figure; a thread's cache adds its samples to the
    /// pool's in batches of 1024, so it can take up to 1023 more per thread) sets the limit to
    /// the smallest class that covers 95% of the returns sampled (the older samples weigh half at each calibration, so
    /// it follows a traffic that changes). A return above it is dropped (counted in
    /// [`Discards::oversized`](crate::Discards::oversized)), not shrunk: `Pool<T>` knows
    /// nothing of how to shrink a `T` (a [`Shrink`](crate::Shrink) type's own
    /// `max_capacity` does that). Until the first calibration, and always above
    /// [`max_retained_bytes`](Self::max_retained_bytes), the fixed limit applies;
    /// [`Stats::max_retained_bytes`](crate::Stats::max_retained_bytes) shows the one in force.
    /// Costs a return a few plain stores in its thread's cache (a shared lock every 1024). The
    /// sample is what `retained_bytes` reports after the reset: a type that keeps its capacity
    /// reports what it grew to, see the [guide](crate::guide#memory-over-time).
    ///
    /// ```
    /// use pool_core::Pool;
    ///
    /// let pool: Pool<Vec<u8>> = Pool::builder().auto_max_retained_bytes().build();
    /// for _ in 0..43_008 {
    ///     pool.get().reserve(1000);
    /// }
    /// assert_eq!(pool.stats().max_retained_bytes, 1024);
    /// ```
    pub fn auto_max_retained_bytes(mut self) -> Self {
        self.limits.auto_max_retained_bytes = true;
        self
    }

    /// Memory pressure: `f` returns the fraction of the memory limit in use (0.0 to 1.0), and
    /// the pool calls it once per aging pass. At 0.7 or above the next timeout is halved; at 0.9
    /// or above the pass releases every idle object, not just those idle for a timeout.
    /// [`pressure::cgroup`](crate::pressure::cgroup) reads the cgroup v2 limit. It acts
    /// through aging, so not with `idle_timeout(Duration::MAX)`. A panic in `f` counts as 0.0.
    ///
    /// ```
    /// use std::time::Duration;
    /// use pool_core::Pool;
    ///
    /// let pool: Pool<Vec<u8>> = Pool::builder()
    ///     .thread_cache(0)
    ///     .idle_timeout(Duration::ZERO) // a pass at every check
    ///     .pressure(|| 0.95)
    ///     .build();
    /// let guards: Vec<_> = (0..20).map(|_| pool.get()).collect();
    /// drop(guards); // 20 idle in the shared tier
    /// let _one = pool.get(); // a refill: the pass it runs releases every other idle object
    /// assert_eq!((pool.stats().idle, pool.stats().aged), (0, 19));
    /// ```
    pub fn pressure(mut self, f: impl Fn() -> f32 + Send + Sync + 'static) -> Self {
        self.pressure = Some(Arc::new(f));
        self
    }

    /// Builds the pool.
    ///
    /// # Panics
    /// For `max_live(0)` (see [`max_live`](Self::max_live)), and with
    /// [`background_trim(true)`](Self::background_trim), which needs
    /// [`build_arc`](Self::build_arc); every other value of every bound has a meaning (above).
    ///
    /// ```
    /// use pool_core::PoolBuilder;
    ///
    /// let pool = PoolBuilder::from_factory(String::new).max_idle(8).build();
    /// assert_eq!(*pool.get(), "");
    /// ```
    #[track_caller]
    pub fn build(self) -> Pool<T> {
        assert!(
            !self.limits.background_trim,
            "`PoolBuilder::background_trim(true)` needs the pool behind an `Arc`; build it with \
             `build_arc()`"
        );
        self.build_class()
    }

    /// Builds the pool, registered with the trimmer or not (a `BufferPool` class: the
    /// `BufferPool` registers itself).
    #[track_caller]
    pub(crate) fn build_class(self) -> Pool<T> {
        assert!(
            self.limits.max_live > 0,
            "PoolBuilder::max_live(0): every get would wait forever; use max_live(1) or more, \
             or leave the cap unset"
        );
        let budget = self.budget.or_else(|| {
            (self.limits.max_idle_bytes != usize::MAX)
                .then(|| Arc::new(Budget::new(self.limits.max_idle_bytes)))
        });
        #[cfg_attr(not(feature = "metrics"), allow(unused_mut))]
        let mut pool = Pool::from_parts(self.factory, self.limits, self.pressure, budget);
        #[cfg(feature = "metrics")]
        {
            pool.metrics = self.metrics;
        }
        pool
    }

    /// Builds the pool behind an `Arc` (for [`Pool::get_owned`]) and, with
    /// [`background_trim(true)`](Self::background_trim), registers it with the background
    /// trimmer.
    ///
    /// # Panics
    /// For `max_live(0)`, as [`build`](Self::build).
    ///
    /// ```
    /// use pool_core::Pool;
    ///
    /// let pool = Pool::<String>::builder().build_arc();
    /// assert_eq!(*pool.get_owned(), "");
    /// ```
    #[track_caller]
    pub fn build_arc(self) -> Arc<Pool<T>> {
        let background = self.limits.background_trim;
        let pool = Arc::new(self.build_class());
        if background {
            let weak = Arc::downgrade(&pool);
            crate::trimmer::register(weak);
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
