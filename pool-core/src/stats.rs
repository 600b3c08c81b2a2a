//! Pool statistics: what [`Pool::stats`](crate::Pool::stats) and friends return.

use core::fmt;
use core::ops::AddAssign;

/// A snapshot of a pool's counters.
///
/// Counters are kept per thread and summed when you ask, so keeping them costs the hot path a
/// few plain stores and no shared write. While other threads use the pool the snapshot is
/// approximate (each counter is read once, at a slightly different moment); once they are idle it
/// is exact, and then every object the pool ever had is accounted for:
/// `creations + puts == idle + in_use + discards.total() + detached + trimmed + aged`.
///
/// ```
/// use pool_core::Pool;
///
/// let pool: Pool<Vec<u8>> = Pool::new();
/// drop(pool.get());
/// drop(pool.get());
/// let stats = pool.stats();
/// assert_eq!((stats.gets, stats.creations, stats.reuses), (2, 1, 1));
/// assert_eq!(stats.idle, 1);
/// assert!(stats.hit_rate() > 0.49);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[non_exhaustive]
pub struct Stats {
    /// Objects handed out: `reuses + creations - prefilled`.
    pub gets: u64,
    /// Gets served by an idle object.
    pub reuses: u64,
    /// Objects the factory made: for gets that found no idle object
    /// (`creation_reasons.total()`), and for `prefill` (`prefilled`).
    pub creations: u64,
    /// Why the gets in [`creations`](Self::creations) found no idle object, by reason.
    pub creation_reasons: Creations,
    /// Objects made ahead of any get by `prefill`: counted in `creations` (the factory made
    /// them) and in `returns` (they were offered to the pool like a returned object), not in
    /// `gets` or `creation_reasons`.
    pub prefilled: u64,
    /// Factory calls that panicked. The panic went on out of the `get` that called the factory,
    /// nothing was created or counted in `gets`/`creations`, and the pool stayed usable. Should
    /// be 0: a factory that panics is a bug, or an allocation it could not make.
    pub factory_panicked: u64,
    /// Guards dropped, objects offered with `put` and objects made by `prefill` (objects
    /// offered to the pool), whatever happened to the object next: `returns == kept + discards.total()`, where *kept* counts the returns
    /// whose object became idle. Every idle object came back that way and leaves only by a
    /// reuse or a release, so once the pool is quiet *kept* is `idle + reuses + trimmed + aged`.
    pub returns: u64,
    /// Objects offered with `put` ([`Pool::put`](crate::Pool::put),
    /// [`LocalPool::put`](crate::LocalPool::put)): objects the pool did not create, counted in
    /// `returns` too.
    pub puts: u64,
    /// Objects handed out and not yet given back or detached:
    /// `gets + puts + prefilled - returns - detached` (a gauge; while other threads use the
    /// pool, approximate like the rest).
    pub in_use: u64,
    /// Objects dropped on return instead of kept, by reason.
    pub discards: Discards,
    /// Objects taken out of the pool for good with `detach`.
    pub detached: u64,
    /// Idle objects released by `trim`.
    pub trimmed: u64,
    /// Idle objects released by aging (an [`idle_timeout`](crate::PoolBuilder::idle_timeout)
    /// pass, run by the pool's own operations or the background trimmer), not by `trim`.
    pub aged: u64,
    /// Objects idle now, in thread caches and the shared tier.
    pub idle: u64,
    /// Per-thread caches the pool holds: one for each of the most threads that used it at once
    /// (a new thread takes over the cache an exited thread left, with its objects). A
    /// [`LocalPool`](crate::LocalPool) reports 0.
    pub thread_caches: u64,
    /// Heap bytes the idle objects keep: each one's own box (`size_of::<T>()` rounded up to its
    /// 128-byte alignment) plus what its
    /// [`Poolable::retained_bytes`](crate::Poolable::retained_bytes) reports, summed
    /// (saturating). This is what dropping them all would free. (`max_retained_bytes` bounds
    /// the second part, per object.)
    pub retained_bytes: u64,
    /// The per-object byte limit in force: the smaller of
    /// [`max_retained_bytes`](crate::PoolBuilder::max_retained_bytes) and the cut-off
    /// [`auto_max_retained_bytes`](crate::PoolBuilder::auto_max_retained_bytes) learned; 0 when
    /// there is none.
    pub max_retained_bytes: u64,
}

/// Why gets called the factory instead of reusing an idle object.
///
/// `empty + out_of_reach == creations`. While other threads use the pool an object may come
/// back just after a get looked for it; such a creation counts as `empty`.
///
/// ```
/// use pool_core::Pool;
///
/// let pool: Pool<Vec<u8>> = Pool::new();
/// let (a, b) = (pool.get(), pool.get()); // the second finds nothing idle either
/// drop((a, b));
/// let created = pool.stats().creation_reasons;
/// assert_eq!((created.empty, created.out_of_reach, created.total()), (2, 0, 2));
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[non_exhaustive]
pub struct Creations {
    /// The get looked everywhere an idle object can be (its thread's cache, the shared tier and
    /// every other thread's cache) and found none: the pool held no idle object. Growing after
    /// warm-up, it means more objects are in use at once than before.
    pub empty: u64,
    /// The get found its thread's cache and the shared tier empty and probed a few other
    /// threads' caches (a bounded number, so a miss stays cheap), but not all of them: idle
    /// objects may have sat in the caches it did not reach (or, for a get made while its thread
    /// exits, in any cache). Growing, it means objects pile up in caches of threads that no
    /// longer take from them: a smaller [`thread_cache`](crate::PoolBuilder::thread_cache)
    /// sends more of them to the shared tier. A [`LocalPool`](crate::LocalPool) reports 0.
    pub out_of_reach: u64,
}

impl Creations {
    /// All creations, whatever the reason: [`Stats::creations`].
    pub fn total(&self) -> u64 {
        self.empty + self.out_of_reach
    }
}

/// Why returned objects were dropped instead of kept.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[non_exhaustive]
pub struct Discards {
    /// The pool already held its maximum of idle objects.
    pub over_idle_bound: u64,
    /// The object retained more than the per-object byte bound.
    pub oversized: u64,
    /// The object's `reset` panicked (the panic was caught and the object dropped).
    pub reset_panicked: u64,
    /// Keeping the object would have taken the idle objects past the byte budget
    /// ([`max_idle_bytes`](crate::PoolBuilder::max_idle_bytes)).
    pub over_idle_bytes: u64,
}

impl Discards {
    /// All discards, whatever the reason.
    ///
    /// ```
    /// use pool_core::Pool;
    ///
    /// let pool: Pool<Vec<u8>> = Pool::builder().max_retained_bytes(8).build();
    /// pool.get().reserve(100);
    /// assert_eq!(pool.stats().discards.total(), 1);
    /// ```
    pub fn total(&self) -> u64 {
        self.over_idle_bound + self.oversized + self.reset_panicked + self.over_idle_bytes
    }
}

/// Declares the event counters once, as plain integers ([`Tally`]) and as shared atomics
/// ([`SharedTally`]), so that the two cannot drift apart.
macro_rules! tally {
    ($($(#[$doc:meta])* $field:ident,)*) => {
        /// The event counters of a pool, plain integers: an idle stack's (written by whoever
        /// owns it: a cache's owner thread, a `LocalPool`), and a `Pool`'s events outside its
        /// caches, loaded from a [`SharedTally`]. [`Gathered::into_stats`] turns their sum into
        /// [`Stats`], for every pool.
        #[derive(Clone, Copy, Debug, Default)]
        pub(crate) struct Tally {
            $($(#[$doc])* pub(crate) $field: u64,)*
        }

        impl AddAssign for Tally {
            fn add_assign(&mut self, other: Self) {
                $(self.$field += other.$field;)*
            }
        }

        /// [`Tally`] as shared atomics, for the events a `Pool` counts outside a cache (rare:
        /// a shared atomic is cheap enough there).
        #[derive(Default)]
        pub(crate) struct SharedTally {
            $(pub(crate) $field: crate::sync::AtomicU64,)*
        }

        impl SharedTally {
            /// The counters now (each read once; see [`Stats`] on snapshots).
            pub(crate) fn load(&self) -> Tally {
                // Relaxed: statistics, see `sync::shared_add`.
                Tally { $($field: self.$field.load(crate::sync::Ordering::Relaxed),)* }
            }
        }
    };
}

tally! {
    /// Gets served by an idle object.
    reuses,
    /// Objects offered to the pool (guards dropped, `put`, `prefill`). (Second: the two
    /// counters the hit paths write come first.)
    returns,
    /// Creations of a get that looked everywhere ([`Creations::empty`]).
    created_empty,
    /// Creations of a get that did not reach every cache ([`Creations::out_of_reach`]).
    created_out_of_reach,
    /// Objects `prefill` made.
    prefilled,
    /// Factory calls that panicked.
    factory_panicked,
    /// Objects offered with `put`.
    puts,
    /// Discards: the idle bound was full.
    over_idle_bound,
    /// Discards: above the per-object byte bound (or fitting no buffer class).
    oversized,
    /// Discards: `reset` or `retained_bytes` panicked.
    reset_panicked,
    /// Discards: the byte budget was full.
    over_idle_bytes,
    /// Objects detached.
    detached,
    /// Idle objects released by `trim`.
    trimmed,
    /// Idle objects released by aging.
    aged,
}

/// What a pool gathers for its [`Stats`]: the sum of its counters, and what its idle stacks
/// hold. Every pool (`Pool`, `LocalPool`, a `BufferPool`'s classes) fills one and calls
/// [`into_stats`](Self::into_stats): `Stats` is assembled in one place.
#[derive(Default)]
pub(crate) struct Gathered {
    pub(crate) tally: Tally,
    pub(crate) idle: u64,
    pub(crate) retained_bytes: u64,
    pub(crate) thread_caches: u64,
    max_retained_bytes: u64,
}

impl Gathered {
    /// Nothing gathered yet, for a pool whose per-object byte limit in force is `limit`
    /// (`usize::MAX`: none, reported as 0).
    pub(crate) fn new(limit: usize) -> Self {
        Self {
            max_retained_bytes: if limit == usize::MAX { 0 } else { limit as u64 },
            ..Self::default()
        }
    }

    /// The `Stats` these counters and idle objects make.
    pub(crate) fn into_stats(self) -> Stats {
        let t = self.tally;
        let creation_reasons = Creations {
            empty: t.created_empty,
            out_of_reach: t.created_out_of_reach,
        };
        Stats {
            gets: 0,
            reuses: t.reuses,
            creations: creation_reasons.total() + t.prefilled,
            creation_reasons,
            prefilled: t.prefilled,
            factory_panicked: t.factory_panicked,
            returns: t.returns,
            puts: t.puts,
            in_use: 0,
            discards: Discards {
                over_idle_bound: t.over_idle_bound,
                oversized: t.oversized,
                reset_panicked: t.reset_panicked,
                over_idle_bytes: t.over_idle_bytes,
            },
            detached: t.detached,
            trimmed: t.trimmed,
            aged: t.aged,
            idle: self.idle,
            thread_caches: self.thread_caches,
            retained_bytes: self.retained_bytes,
            max_retained_bytes: self.max_retained_bytes,
        }
        .finish()
    }
}

impl Stats {
    /// Fills in the derived fields, `gets` and `in_use`, from the counters.
    pub(crate) fn finish(mut self) -> Self {
        self.gets = (self.reuses + self.creations).saturating_sub(self.prefilled);
        self.in_use =
            (self.gets + self.puts + self.prefilled).saturating_sub(self.returns + self.detached);
        self
    }

    /// The share of gets served by an idle object, from 0.0 to 1.0: `reuses / gets`. A pool
    /// that has served nothing reports 0.0, not a perfect score.
    ///
    /// ```
    /// use pool_core::Pool;
    ///
    /// let pool: Pool<String> = Pool::new();
    /// assert_eq!(pool.stats().hit_rate(), 0.0); // nothing served yet
    /// drop(pool.get()); // a creation
    /// drop(pool.get()); // a reuse
    /// assert_eq!(pool.stats().hit_rate(), 0.5);
    /// ```
    pub fn hit_rate(&self) -> f64 {
        if self.gets == 0 {
            0.0
        } else {
            self.reuses as f64 / self.gets as f64
        }
    }
}

impl AddAssign for Creations {
    fn add_assign(&mut self, other: Self) {
        self.empty += other.empty;
        self.out_of_reach += other.out_of_reach;
    }
}

impl AddAssign for Discards {
    fn add_assign(&mut self, other: Self) {
        self.over_idle_bound += other.over_idle_bound;
        self.oversized += other.oversized;
        self.reset_panicked += other.reset_panicked;
        self.over_idle_bytes += other.over_idle_bytes;
    }
}

impl AddAssign for Stats {
    /// Adds counters field by field (how a `BufferPool` sums its size classes);
    /// `thread_caches` and `max_retained_bytes` take the larger of the two.
    fn add_assign(&mut self, other: Self) {
        self.gets += other.gets;
        self.reuses += other.reuses;
        self.creations += other.creations;
        self.creation_reasons += other.creation_reasons;
        self.factory_panicked += other.factory_panicked;
        self.returns += other.returns;
        self.puts += other.puts;
        self.prefilled += other.prefilled;
        self.in_use += other.in_use;
        self.discards += other.discards;
        self.detached += other.detached;
        self.trimmed += other.trimmed;
        self.aged += other.aged;
        self.idle += other.idle;
        self.thread_caches = self.thread_caches.max(other.thread_caches);
        self.retained_bytes += other.retained_bytes;
        self.max_retained_bytes = self.max_retained_bytes.max(other.max_retained_bytes);
    }
}

impl fmt::Display for Stats {
    /// One line for logs, each number named after its field, e.g.
    /// `gets=1000 hit=99.9% creations=1 returns=1000 discards=0 trimmed=0 aged=0 detached=0
    /// in_use=0 idle=1 retained_bytes=4224 thread_caches=1` (`hit` is
    /// [`hit_rate`](Self::hit_rate), `discards`
    /// is [`Discards::total`]), followed by ` factory_panicked=N` when a factory panicked; use
    /// `{:?}` for every counter and the discards by reason.
    ///
    /// ```
    /// use pool_core::LocalPool;
    ///
    /// let pool: LocalPool<Vec<u8>> = LocalPool::new();
    /// pool.get().reserve(64);
    /// let stats = pool.stats();
    /// assert_eq!(
    ///     stats.to_string(),
    ///     format!(
    ///         "gets=1 hit=0.0% creations=1 returns=1 discards=0 trimmed=0 aged=0 detached=0 \
    ///          in_use=0 idle=1 retained_bytes={} thread_caches=0",
    ///         stats.retained_bytes,
    ///     ),
    /// );
    ///
    /// let pool = LocalPool::with_factory(|| -> Vec<u8> { panic!("no connection") });
    /// let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| drop(pool.get())));
    /// assert!(pool.stats().to_string().ends_with("thread_caches=0 factory_panicked=1"));
    /// ```
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "gets={} hit={:.1}% creations={} returns={} discards={} trimmed={} aged={} \
             detached={} in_use={} idle={} retained_bytes={} thread_caches={}",
            self.gets,
            self.hit_rate() * 100.0,
            self.creations,
            self.returns,
            self.discards.total(),
            self.trimmed,
            self.aged,
            self.detached,
            self.in_use,
            self.idle,
            self.retained_bytes,
            self.thread_caches,
        )?;
        if self.factory_panicked > 0 {
            write!(f, " factory_panicked={}", self.factory_panicked)?;
        }
        Ok(())
    }
}
