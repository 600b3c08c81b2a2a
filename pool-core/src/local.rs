//! [`LocalPool<T>`]: the same interface as [`Pool`](crate::Pool) for one thread, without
//! synchronisation.

use core::cell::{Cell, RefCell};
use core::fmt;
use core::ops::{Deref, DerefMut};

use crate::Poolable;
use crate::idle::{Idle, Stack};
use crate::lifecycle::{Discard, Limits, call_factory, drop_quietly, prepare_return, release_all};
use crate::slot::{Held, Slot};
use crate::stats::{Discards, Stats};

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
///   [`Discards::reset_panicked`]; the guard's drop does not panic.
/// - A `Drop` that panics while the pool releases an object (a [`trim`](Self::trim), a
///   discard on return, the pool's own drop): the panic is caught, the pool goes on releasing
///   the others, and the panicking object counts as released (its memory may leak, as a
///   panicking `Drop` leaks whatever it did not free).
pub struct LocalPool<T> {
    /// Idle objects, boxed, with their retained bytes, low-water mark and the counters of what
    /// happened to them (the same stack as a `Pool`'s thread cache).
    stack: RefCell<Stack<T>>,
    factory: Box<dyn Fn() -> T>,
    limits: Limits,
    counters: LocalCounters,
}

/// Counters of the events the stack does not see.
#[derive(Default)]
struct LocalCounters {
    creations: Cell<u64>,
    factory_panicked: Cell<u64>,
    oversized: Cell<u64>,
    reset_panicked: Cell<u64>,
    detached: Cell<u64>,
}

fn bump(counter: &Cell<u64>, n: u64) {
    counter.set(counter.get() + n);
}

impl<T: Poolable + Default + 'static> LocalPool<T> {
    /// A pool that creates objects with `T::default()`, with no bounds.
    ///
    /// ```
    /// use pool_core::LocalPool;
    ///
    /// let pool: LocalPool<Vec<u8>> = LocalPool::new();
    /// assert!(pool.get().is_empty());
    /// ```
    pub fn new() -> Self {
        Self::from_parts(Box::new(T::default), Limits::default())
    }
}

impl<T: Poolable + Default + 'static> Default for LocalPool<T> {
    fn default() -> Self {
        Self::new()
    }
}

impl<T: Poolable> LocalPool<T> {
    /// A pool that creates objects with `factory`, with no bounds. For bounds, use
    /// [`PoolBuilder::build_local`](crate::PoolBuilder::build_local) (which needs a `Send`
    /// factory) or [`LocalPool::with_limits`].
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

    /// A pool with `factory`, at most `max_idle` idle objects, and at most `max_retained_bytes`
    /// retained per kept object.
    ///
    /// No value is refused, and none allocates up front:
    /// - `max_idle`: `0` keeps nothing (every get calls the factory: pooling off);
    ///   `usize::MAX` (or any huge value) is unbounded, and the pool never holds more than the
    ///   peak number in use.
    /// - `max_retained_bytes`: `0` keeps only objects that retain no heap bytes (a `Vec` that
    ///   never grew); `usize::MAX` is no limit. An object above it is dropped on return and
    ///   counted in [`Discards::oversized`].
    ///
    /// ```
    /// use pool_core::LocalPool;
    ///
    /// let pool = LocalPool::with_limits(Vec::<u8>::new, 1, 1024);
    /// let (a, b) = (pool.get(), pool.get());
    /// drop((a, b));
    /// assert_eq!(pool.stats().idle, 1);
    /// assert_eq!(pool.stats().discards.over_idle_bound, 1);
    /// ```
    pub fn with_limits(
        factory: impl Fn() -> T + 'static,
        max_idle: usize,
        max_retained_bytes: usize,
    ) -> Self {
        let limits = Limits {
            max_idle,
            max_retained_bytes,
            ..Limits::default()
        };
        Self::from_parts(Box::new(factory), limits)
    }

    pub(crate) fn from_parts(factory: Box<dyn Fn() -> T>, limits: Limits) -> Self {
        Self {
            stack: RefCell::new(Stack::with_capacity(0)),
            factory,
            limits,
            counters: LocalCounters::default(),
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
        let idle = self.stack.borrow_mut().pop();
        match idle {
            Some(value) => value,
            None => {
                // A panicking factory counts as `factory_panicked`, not as a creation; the
                // panic goes on to the caller, and the pool holds no borrow across it.
                let value = call_factory(&self.factory, || {
                    bump(&self.counters.factory_panicked, 1);
                });
                bump(&self.counters.creations, 1);
                Slot::new(value)
            }
        }
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
        self.put_boxed(Slot::new(value));
    }

    #[inline]
    fn put_boxed(&self, mut value: Slot<T>) {
        let bytes = match prepare_return(&mut *value, self.limits.max_retained_bytes) {
            Ok(bytes) => bytes,
            Err(reason) => {
                self.stack.borrow_mut().counts.returns += 1;
                bump(
                    match reason {
                        Discard::ResetPanicked => &self.counters.reset_panicked,
                        Discard::Oversized(_) => &self.counters.oversized,
                    },
                    1,
                );
                return drop_quietly(value);
            }
        };
        let mut stack = self.stack.borrow_mut();
        stack.counts.returns += 1;
        if stack.len() < self.limits.max_idle {
            stack.push(Idle { value, bytes });
        } else {
            stack.counts.over_idle_bound += 1;
            drop(stack);
            drop_quietly(value);
        }
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
        count
    }

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
        let c = &self.counters;
        let mut stats = Stats {
            creations: c.creations.get(),
            factory_panicked: c.factory_panicked.get(),
            discards: Discards {
                oversized: c.oversized.get(),
                reset_panicked: c.reset_panicked.get(),
                ..Discards::default()
            },
            detached: c.detached.get(),
            ..Stats::default()
        };
        self.stack.borrow().add_to(&mut stats);
        stats.gets = stats.reuses + stats.creations;
        stats
    }
}

/// Drops every idle object; a panic in an object's `Drop` is caught (see the type's docs), so
/// dropping the pool never panics because of one, and the others are still dropped.
impl<T> Drop for LocalPool<T> {
    fn drop(&mut self) {
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

/// A guard for an object taken from a [`LocalPool`]; on drop the object is reset and returned.
pub struct LocalPooled<'a, T: Poolable> {
    pool: &'a LocalPool<T>,
    value: Held<T>,
}

impl<T: Poolable> LocalPooled<'_, T> {
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
    pub fn detach(mut this: Self) -> T {
        bump(&this.pool.counters.detached, 1);
        this.value.detach()
    }
}

impl<T: Poolable> Deref for LocalPooled<'_, T> {
    type Target = T;
    #[inline]
    fn deref(&self) -> &T {
        self.value.get()
    }
}

impl<T: Poolable> DerefMut for LocalPooled<'_, T> {
    #[inline]
    fn deref_mut(&mut self) -> &mut T {
        self.value.get_mut()
    }
}

impl<T: Poolable + fmt::Debug> fmt::Debug for LocalPooled<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&**self, f)
    }
}

impl<T: Poolable> Drop for LocalPooled<'_, T> {
    #[inline]
    fn drop(&mut self) {
        if let Some(value) = self.value.take() {
            self.pool.put_boxed(value);
        }
    }
}
