//! Pool statistics: what [`Pool::stats`](crate::Pool::stats) and friends return.

use core::fmt;
use core::ops::AddAssign;

/// A snapshot of a pool's counters.
///
/// Counters are kept per thread and summed when you ask, so keeping them costs the hot path a
/// few plain stores and no shared write. While other threads use the pool the snapshot is
/// approximate (each counter is read once, at a slightly different moment); once they are idle it
/// is exact, and then
/// `creations == idle + in use + discards.total() + detached + trimmed + aged`.
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
    /// Objects handed out: `reuses + creations`.
    pub gets: u64,
    /// Gets served by an idle object.
    pub reuses: u64,
    /// Gets that had to call the factory, and got an object from it.
    pub creations: u64,
    /// Factory calls that panicked. The panic went on out of the `get` that called the factory,
    /// nothing was created or counted in `gets`/`creations`, and the pool stayed usable. Should
    /// be 0: a factory that panics is a bug, or an allocation it could not make.
    pub factory_panicked: u64,
    /// Guards dropped (objects offered back), whatever happened to the object next.
    pub returns: u64,
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
    /// Heap bytes the idle objects keep ([`Poolable::retained_bytes`](crate::Poolable::retained_bytes) summed).
    pub retained_bytes: u64,
    /// The per-object byte limit in force: the smaller of
    /// [`max_retained_bytes`](crate::PoolBuilder::max_retained_bytes) and the cut-off
    /// [`auto_max_retained_bytes`](crate::PoolBuilder::auto_max_retained_bytes) learned; 0 when
    /// there is none.
    pub max_retained_bytes: u64,
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

impl Stats {
    /// The share of gets served by an idle object, from 0.0 to 1.0 (1.0 before the first get).
    pub fn hit_rate(&self) -> f64 {
        if self.gets == 0 {
            1.0
        } else {
            self.reuses as f64 / self.gets as f64
        }
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
        self.factory_panicked += other.factory_panicked;
        self.returns += other.returns;
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
    /// One short line for logs, e.g.
    /// `gets=1000 hit=99.9% new=1 back=1000 dropped=0 idle=1 (4096B) threads=1`, followed by
    /// ` factory_panicked=N` when a factory panicked; use `{:?}` for every counter.
    ///
    /// ```
    /// use pool_core::LocalPool;
    ///
    /// let pool = LocalPool::with_factory(|| -> Vec<u8> { panic!("no connection") });
    /// let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| drop(pool.get())));
    /// assert!(pool.stats().to_string().ends_with("threads=0 factory_panicked=1"));
    /// ```
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "gets={} hit={:.1}% new={} back={} dropped={} idle={} ({}B) threads={}",
            self.gets,
            self.hit_rate() * 100.0,
            self.creations,
            self.returns,
            self.discards.total() + self.trimmed,
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
