//! [`LocalPool<T>`]: the same interface as [`Pool`](crate::Pool) for one thread, without
//! synchronisation.

use core::cell::RefCell;
use core::fmt;

use crate::Poolable;
use crate::guard::guard_impls;
use crate::idle::{Idle, Stack};
use crate::lifecycle::{
    Discard, Limits, Measure, call_factory, drop_quietly, measure_for, prepare_return, release_all,
};
use crate::slot::{Held, Slot};
use crate::stats::{Gathered, Stats, Tally};

/// A single-thread object pool: the idle stack of a [`Pool`](crate::Pool)'s thread cache behind
/// a `RefCell`, with the bounds,
/// `trim` and statistics of [`Pool`](crate::Pool). It is `!Sync`, so the compiler keeps it on
/// one thread; use it per worker in thread-per-core servers, or in a `LocalSet`.
///
/// ```
/// use pool_core::LocalPool;
///
/// let pool: LocalPool<String> = LocalPool::new();
/// {
///     let mut s = pool.get();
///     s.push_str("hello");
/// }
/// assert_eq!(*pool.get(), "");
/// assert_eq!(pool.stats().reuses, 1);
/// ```
///
/// # Faults in user code
/// - A factory that panics: the panic goes on out of [`get`](Self::get); nothing is created or
///   counted as a get, [`Stats::factory_panicked`] counts it, and the pool stays usable.
/// - A `reset` that panics: the object is dropped, never handed out again, and counted in
///   [`Discards::reset_panicked`](crate::Discards::reset_panicked); the guard's drop does not panic.
/// - A `Drop` that panics while the pool releases an object (a [`trim`](Self::trim), a
///   discard on return, the pool's own drop): the panic is caught, the pool goes on releasing
///   the others, and the panicking object counts as released (its memory may leak, as a
///   panicking `Drop` leaks whatever it did not free).
pub struct LocalPool<T> {
    /// Idle objects, boxed, with their retained bytes, low-water mark and the pool's counters
    /// (the same stack as a `Pool`'s thread cache; one thread, so it counts every event).
    stack: RefCell<Stack<T>>,
    factory: Box<dyn Fn() -> T>,
    limits: Limits,
    /// How `stats()` learns the idle objects' bytes (see `lifecycle::Measure`).
    measure: Measure<T>,
    /// The pool's series, if [`PoolBuilder::metrics`](crate::PoolBuilder::metrics) named it.
    #[cfg(feature = "metrics")]
    pub(crate) metrics: Option<crate::metrics::Registration>,
}

impl<T: Poolable + Default + 'static> LocalPool<T> {
    /// A pool that creates objects with `T::default()`, with no bounds. For a type without
    /// `Default`, give the pool a factory: [`with_factory`](Self::with_factory), or
    /// [`LocalPoolBuilder::from_factory`] for bounds.
    ///
    /// ```
    /// use pool_core::LocalPool;
    ///
    /// let pool: LocalPool<Vec<u8>> = LocalPool::new();
    /// assert!(pool.get().is_empty());
    /// ```
    pub fn new() -> Self {
        Self::builder().build()
    }

    /// A builder for a pool of `T::default()` objects with bounds.
    ///
    /// ```
    /// use pool_core::LocalPool;
    ///
    /// let pool = LocalPool::<String>::builder().max_idle(64).max_retained_bytes(4096).build();
    /// assert_eq!(*pool.get(), "");
    /// ```
    pub fn builder() -> LocalPoolBuilder<T> {
        LocalPoolBuilder::from_factory(T::default)
    }
}

impl<T: Poolable + Default + 'static> Default for LocalPool<T> {
    fn default() -> Self {
        Self::new()
    }
}

impl<T: Poolable> LocalPool<T> {
    /// A pool that creates objects with `factory`, with no bounds. For bounds, use
    /// [`LocalPoolBuilder::from_factory`].
    ///
    /// ```
    /// use std::rc::Rc;
    /// use pool_core::LocalPool;
    ///
    /// let size = Rc::new(4096); // the factory need not be `Send`
    /// let pool = LocalPool::with_factory(move || Vec::<u8>::with_capacity(*size));
    /// assert!(pool.get().capacity() >= 4096);
    /// ```
    pub fn with_factory(factory: impl Fn() -> T + 'static) -> Self {
        Self::from_parts(Box::new(factory), Limits::default())
    }

    pub(crate) fn from_parts(factory: Box<dyn Fn() -> T>, limits: Limits) -> Self {
        Self {
            stack: RefCell::new(Stack::with_capacity(0)),
            factory,
            limits,
            measure: measure_for::<T>(limits.max_retained_bytes != usize::MAX),
            #[cfg(feature = "metrics")]
            metrics: None,
        }
    }

    /// Takes an idle object, or creates one; the guard gives it back on drop.
    ///
    /// ```
    /// use pool_core::LocalPool;
    ///
    /// let pool: LocalPool<String> = LocalPool::new();
    /// pool.get().push_str("request 1");
    /// assert_eq!(*pool.get(), ""); // reset on return
    /// ```
    #[inline]
    pub fn get(&self) -> LocalPooled<'_, T> {
        LocalPooled {
            pool: self,
            value: Held::new(self.take()),
        }
    }

    #[inline]
    fn take(&self) -> Slot<T> {
        // The borrow ends before the factory (user code) runs, so a factory may use this pool.
        // A `LocalPool` has no byte budget: the plain pop, without its bookkeeping.
        let idle = self.stack.borrow_mut().pop_plain();
        match idle {
            Some(value) => value,
            None => self.create(),
        }
    }

    /// Calls the factory (out of line: a miss). A panicking factory counts as
    /// `factory_panicked`, not as a creation; the panic goes on to the caller, and the pool
    /// holds no borrow across it.
    #[cold]
    #[inline(never)]
    fn create(&self) -> Slot<T> {
        let value = call_factory(&self.factory, || self.count(|t| &mut t.factory_panicked));
        self.count(|t| &mut t.created_empty);
        Slot::new(value)
    }

    /// Takes an idle object if there is one, and never calls the factory: `None` when the
    /// pool has nothing idle.
    ///
    /// ```
    /// use pool_core::LocalPool;
    ///
    /// let pool: LocalPool<String> = LocalPool::new();
    /// assert!(pool.try_get().is_none());
    /// drop(pool.get());
    /// assert!(pool.try_get().is_some());
    /// ```
    pub fn try_get(&self) -> Option<LocalPooled<'_, T>> {
        let value = self.stack.borrow_mut().pop_plain()?;
        Some(LocalPooled {
            pool: self,
            value: Held::new(value),
        })
    }

    /// Makes up to `n` objects ahead of the traffic and keeps them idle; returns how many it
    /// made (it stops at [`max_idle`](LocalPoolBuilder::max_idle)). As for
    /// [`Pool::prefill`](crate::Pool::prefill), each is checked like a returned object and
    /// `Stats::prefilled` counts them.
    ///
    /// # Panics
    /// If the factory panics: the panic goes on to the caller, the objects made before stay.
    ///
    /// ```
    /// use pool_core::LocalPool;
    ///
    /// let pool: LocalPool<Vec<u8>> = LocalPool::new();
    /// assert_eq!(pool.prefill(4), 4);
    /// assert_eq!((pool.stats().idle, pool.stats().gets), (4, 0));
    /// ```
    pub fn prefill(&self, n: usize) -> usize {
        let mut made = 0;
        while made < n && self.stack.borrow().len() < self.limits.max_idle {
            let value = call_factory(&self.factory, || self.count(|t| &mut t.factory_panicked));
            made += 1;
            self.count(|t| &mut t.prefilled);
            self.put_boxed(Slot::new(value));
        }
        made
    }

    /// Offers an object to the pool as if a guard holding it had been dropped (it is boxed, so
    /// this allocates once; see [`Pool::put`](crate::Pool::put)).
    ///
    /// ```
    /// use pool_core::LocalPool;
    ///
    /// let pool: LocalPool<Vec<u8>> = LocalPool::new();
    /// pool.put(vec![1, 2, 3]);
    /// assert!(pool.get().is_empty());
    /// assert_eq!(pool.stats().creations, 0);
    /// ```
    pub fn put(&self, value: T) {
        self.count(|t| &mut t.puts);
        self.put_boxed(Slot::new(value));
    }

    #[inline]
    fn put_boxed(&self, mut value: Slot<T>) {
        let bytes = match prepare_return(
            &mut *value,
            self.limits.max_retained_bytes,
            self.limits.max_retained_bytes != usize::MAX,
        ) {
            Ok(bytes) => bytes,
            Err(reason) => return self.discard(reason, value),
        };
        // The hit: a push into room the stack already has; anything else out of line.
        let kept = self
            .stack
            .borrow_mut()
            .push_if_room(Idle { value, bytes }, self.limits.max_idle);
        if let Err(idle) = kept {
            self.put_slow(idle);
        }
    }

    /// A return that found the stack at its bound or its buffer full.
    #[cold]
    #[inline(never)]
    fn put_slow(&self, idle: Idle<T>) {
        let mut stack = self.stack.borrow_mut();
        stack.counts.returns += 1;
        if stack.len() < self.limits.max_idle {
            stack.push(idle);
        } else {
            stack.counts.over_idle_bound += 1;
            drop(stack);
            drop_quietly(idle.value);
        }
    }

    /// Counts a return that ends in a discard, and drops the object.
    #[cold]
    #[inline(never)]
    fn discard(&self, reason: Discard, value: Slot<T>) {
        self.count(|t| &mut t.returns);
        self.count(|t| match reason {
            Discard::ResetPanicked => &mut t.reset_panicked,
            Discard::Oversized(_) => &mut t.oversized,
        });
        drop_quietly(value);
    }

    /// Counts a guard's `detach`.
    fn count_detached(&self) {
        self.count(|t| &mut t.detached);
    }

    /// Counts one event in the stack's tally (never while the stack is borrowed: counts are
    /// taken around user code, not inside a borrow).
    fn count(&self, counter: impl FnOnce(&mut Tally) -> &mut u64) {
        *counter(&mut self.stack.borrow_mut().counts) += 1;
    }

    /// Releases the idle objects not used since the previous `trim()`; returns how many.
    ///
    /// An object whose `Drop` panics is released too, and counted: the panic is caught and the
    /// others are still dropped.
    ///
    /// ```
    /// use pool_core::LocalPool;
    ///
    /// let pool: LocalPool<Vec<u8>> = LocalPool::new();
    /// drop(pool.get());
    /// assert_eq!(pool.trim(), 0); // came back after the last trim: kept
    /// assert_eq!(pool.trim(), 1); // idle for a whole period: released
    /// ```
    pub fn trim(&self) -> usize {
        let mut released = Vec::new();
        let (count, _) = self
            .stack
            .borrow_mut()
            .trim_into(&mut released, crate::idle::Release::Trim);
        release_all(released);
        #[cfg(feature = "metrics")]
        self.publish_metrics();
        count
    }
}

// `stats()` and the metrics need no `Poolable` bound, so that the drop can use them.
impl<T> LocalPool<T> {
    /// A snapshot of the pool's statistics.
    ///
    /// ```
    /// use pool_core::LocalPool;
    ///
    /// let pool: LocalPool<Vec<u8>> = LocalPool::new();
    /// drop(pool.get());
    /// drop(pool.get());
    /// let s = pool.stats();
    /// assert_eq!((s.gets, s.creations, s.reuses, s.idle), (2, 1, 1, 1));
    /// ```
    pub fn stats(&self) -> Stats {
        // One thread, one stack: a miss has looked everywhere (every creation is `empty`).
        let mut gathered = Gathered::new(self.limits.max_retained_bytes);
        self.stack.borrow().add_to(&mut gathered, self.measure);
        gathered.into_stats()
    }

    /// Publishes a [`stats`](Self::stats) snapshot through the [`metrics`](https://docs.rs/metrics)
    /// facade, if the pool was built with a name
    /// ([`LocalPoolBuilder::metrics`]); else does nothing. As for a
    /// [`Pool`](crate::Pool::publish_metrics), [`trim`](Self::trim) and the drop publish too.
    ///
    /// ```
    /// let pool = pool_core::LocalPool::<Vec<u8>>::builder().metrics("scratch").build();
    /// drop(pool.get());
    /// pool.publish_metrics(); // pool_gets_total{pool="scratch"} 1, pool_thread_caches 0
    /// ```
    #[cfg(feature = "metrics")]
    #[cfg_attr(docsrs, doc(cfg(feature = "metrics")))]
    pub fn publish_metrics(&self) {
        if let Some(registration) = &self.metrics {
            registration.publish(&self.stats());
        }
    }
}

/// Drops every idle object; a panic in an object's `Drop` is caught (see the type's docs), so
/// dropping the pool never panics because of one, and the others are still dropped.
impl<T> Drop for LocalPool<T> {
    fn drop(&mut self) {
        #[cfg(feature = "metrics")]
        if let Some(registration) = &self.metrics {
            registration.publish_dropped(&self.stats());
        }
        let mut all = Vec::new();
        self.stack.get_mut().take_all_into(&mut all);
        release_all(all);
    }
}

impl<T> fmt::Debug for LocalPool<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LocalPool")
            .field("limits", &self.limits)
            .finish_non_exhaustive()
    }
}

/// A guard for an object taken from a [`LocalPool`]; on drop the object is reset and returned
/// (a guard that is not kept gives its object back at once, like an unused `MutexGuard`).
#[must_use = "a guard returns its object to the pool as soon as it is dropped: bind it to a variable"]
pub struct LocalPooled<'a, T: Poolable> {
    pool: &'a LocalPool<T>,
    value: Held<T>,
}

impl<T: Poolable> LocalPooled<'_, T> {
    #[inline]
    fn give_back(&self, value: Slot<T>) {
        self.pool.put_boxed(value);
    }

    fn count_detached(&self) {
        self.pool.count_detached();
    }
}

guard_impls!(
    LocalPooled<'a>, [Poolable],
    /// Takes the object out of the pool for good (see [`Pooled::detach`](crate::Pooled::detach)).
    ///
    /// ```
    /// use pool_core::{LocalPool, LocalPooled};
    ///
    /// let pool: LocalPool<Vec<u8>> = LocalPool::new();
    /// let v: Vec<u8> = LocalPooled::detach(pool.get());
    /// assert_eq!(pool.stats().detached, 1);
    /// # drop(v);
    /// ```
);

/// Configures a [`LocalPool`]: the factory (which need not be `Send`) and the bounds. Made by
/// [`LocalPool::builder`] (for `T: Default`) or [`LocalPoolBuilder::from_factory`].
///
/// ```
/// use std::rc::Rc;
/// use pool_core::LocalPoolBuilder;
///
/// let size = Rc::new(4096); // a factory that is not `Send`
/// let pool = LocalPoolBuilder::from_factory(move || Vec::<u8>::with_capacity(*size))
///     .max_idle(8)
///     .max_retained_bytes(1 << 20)
///     .build();
/// assert!(pool.get().capacity() >= 4096);
/// ```
#[must_use = "a builder does nothing until `build()`"]
pub struct LocalPoolBuilder<T> {
    factory: Box<dyn Fn() -> T>,
    limits: Limits,
    #[cfg(feature = "metrics")]
    metrics: Option<crate::metrics::Registration>,
}

impl<T: Poolable + 'static> LocalPoolBuilder<T> {
    /// A builder whose pool creates objects with `factory`, with no bounds.
    pub fn from_factory(factory: impl Fn() -> T + 'static) -> Self {
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
    /// use pool_core::LocalPool;
    ///
    /// let pool = LocalPool::<Vec<u8>>::builder().factory(|| Vec::with_capacity(64)).build();
    /// assert!(pool.get().capacity() >= 64);
    /// ```
    pub fn factory(mut self, factory: impl Fn() -> T + 'static) -> Self {
        self.factory = Box::new(factory);
        self
    }

    /// Keeps at most `n` idle objects; a return beyond it drops the object (counted in
    /// [`Discards::over_idle_bound`](crate::Discards::over_idle_bound)). `0` keeps nothing (every get calls the factory);
    /// `usize::MAX`, the default, is unbounded (the pool never holds more than the peak number
    /// in use); no value allocates up front.
    ///
    /// ```
    /// use pool_core::LocalPool;
    ///
    /// let pool = LocalPool::<Vec<u8>>::builder().max_idle(1).build();
    /// let (a, b) = (pool.get(), pool.get());
    /// drop((a, b));
    /// assert_eq!(pool.stats().idle, 1);
    /// assert_eq!(pool.stats().discards.over_idle_bound, 1);
    /// ```
    pub fn max_idle(mut self, n: usize) -> Self {
        self.limits.max_idle = n;
        self
    }

    /// Drops, instead of keeping, an object whose [`Poolable::retained_bytes`] exceeds `bytes`
    /// after its reset (counted in [`Discards::oversized`](crate::Discards::oversized)). `0` keeps only objects that retain
    /// nothing; `usize::MAX`, the default, is no limit.
    ///
    /// ```
    /// use pool_core::LocalPool;
    ///
    /// let pool = LocalPool::<Vec<u8>>::builder().max_retained_bytes(1024).build();
    /// pool.get().reserve(1 << 20);
    /// assert_eq!(pool.stats().discards.oversized, 1);
    /// ```
    pub fn max_retained_bytes(mut self, bytes: usize) -> Self {
        self.limits.max_retained_bytes = bytes;
        self
    }

    /// Publishes the pool's statistics through the [`metrics`](https://docs.rs/metrics) facade
    /// under `name`, as [`PoolBuilder::metrics`](crate::PoolBuilder::metrics) does for a
    /// [`Pool`](crate::Pool) (with `pool_thread_caches` 0).
    ///
    /// ```
    /// use pool_core::LocalPool;
    ///
    /// let pool = LocalPool::<Vec<u8>>::builder().metrics("scratch").build();
    /// drop(pool.get());
    /// pool.publish_metrics(); // pool_gets_total{pool="scratch"} 1
    /// ```
    #[cfg(feature = "metrics")]
    #[cfg_attr(docsrs, doc(cfg(feature = "metrics")))]
    pub fn metrics(mut self, name: impl Into<String>) -> Self {
        self.metrics = Some(crate::metrics::Registration::new(name.into()));
        self
    }

    /// Builds the pool. Refuses nothing: every value of every bound has a meaning (above).
    pub fn build(self) -> LocalPool<T> {
        #[cfg_attr(not(feature = "metrics"), allow(unused_mut))]
        let mut pool = LocalPool::from_parts(self.factory, self.limits);
        #[cfg(feature = "metrics")]
        {
            pool.metrics = self.metrics;
        }
        pool
    }
}

impl<T> fmt::Debug for LocalPoolBuilder<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LocalPoolBuilder")
            .field("limits", &self.limits)
            .finish_non_exhaustive()
    }
}
