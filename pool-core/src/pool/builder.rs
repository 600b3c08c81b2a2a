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
}

impl<T: Poolable + Send + 'static> PoolBuilder<T> {
    /// A builder whose pool creates objects with `factory`.
    pub fn from_factory(factory: impl Fn() -> T + Send + Sync + 'static) -> Self {
        Self {
            factory: Box::new(factory),
            limits: Limits::default(),
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

    /// Builds the pool. Refuses nothing: every value of every bound has a meaning (above).
    ///
    /// ```
    /// use pool_core::PoolBuilder;
    ///
    /// let pool = PoolBuilder::from_factory(String::new).max_idle(8).build();
    /// assert_eq!(*pool.get(), "");
    /// ```
    pub fn build(self) -> Pool<T> {
        Pool::from_parts(self.factory, self.limits)
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
        crate::LocalPool::from_parts(self.factory, self.limits)
    }
}

impl<T> fmt::Debug for PoolBuilder<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PoolBuilder")
            .field("limits", &self.limits)
            .finish_non_exhaustive()
    }
}
