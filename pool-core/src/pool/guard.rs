//! The guards: [`Pooled`] (borrows the pool) and [`PooledOwned`] (`'static`).

use super::Pool;
use super::cache::Cache;
use crate::Poolable;
use crate::guard::guard_impls;
use crate::slot::{Held, Slot};
use crate::sync::Arc;

/// A guard for an object taken from a [`Pool`]: derefs to `T`; on drop the object is reset and
/// returned. Borrows the pool, so it cannot outlive it; see [`PooledOwned`] for a `'static` one.
///
/// Dropping the guard is what returns the object: a guard that is not kept (`pool.get();` as a
/// statement) gives its object back at once, like an unused `MutexGuard`.
///
/// `detach` is an associated function (`Pooled::detach(guard)`), like `Box::leak`, so that it
/// cannot shadow a method of `T`.
///
/// # Moving a guard into a spawned task or thread
/// `tokio::spawn` and `std::thread::spawn` take only `'static` values, and a `Pooled` borrows
/// its pool, so moving one there fails with error E0597 ("borrowed value does not live long
/// enough"). Put the pool in an `Arc` and take [`Pool::get_owned`] (or
/// [`Pool::get_owned_async`] at a [`max_live`](crate::PoolBuilder::max_live) cap) instead: a
/// [`PooledOwned`] owns a handle to the pool, and is `Send` when `T` is.
///
/// ```
/// use std::sync::Arc;
/// use pool_core::Pool;
///
/// let pool = Arc::new(Pool::<Vec<u8>>::new());
/// let mut buf = pool.get_owned(); // not `pool.get()`: the thread needs a `'static` guard
/// std::thread::spawn(move || buf.extend_from_slice(b"body")).join().unwrap();
/// ```
#[must_use = "a guard returns its object to the pool as soon as it is dropped: bind it to a variable"]
pub struct Pooled<'a, T: Poolable + Send + 'static> {
    pub(super) pool: &'a Pool<T>,
    /// The cache the object came through (the getting thread's): dropped on the thread that
    /// owns it, the guard returns the object there without looking anything up; dropped on
    /// another thread, to that thread's own cache.
    pub(super) home: Option<&'a Cache<T>>,
    pub(super) value: Held<T>,
}

guard_impls!(
    Pooled<'a>, [Poolable + Send + 'static],
    /// Takes the object out of the pool for good: it is not reset or returned, and counts as
    /// `detached` in the pool's statistics. An associated function (`Pooled::detach(guard)`), so
    /// that it cannot shadow a method of `T`.
    ///
    /// ```
    /// use pool_core::Pool;
    ///
    /// let pool: Pool<String> = Pool::new();
    /// let mut s = pool.get();
    /// s.push_str("kept by the caller");
    /// let owned: String = pool_core::Pooled::detach(s);
    /// assert_eq!(owned, "kept by the caller");
    /// assert_eq!(pool.stats().detached, 1);
    /// ```
);

impl<T: Poolable + Send + 'static> Pooled<'_, T> {
    #[inline]
    fn give_back(&self, value: Slot<T>) {
        let (pool, home) = (self.pool, self.home);
        pool.put_to(home, value);
    }

    fn count_detached(&self) {
        self.pool.count_detached();
    }
}

/// A `'static` guard for an object taken from an `Arc<Pool<T>>` with [`Pool::get_owned`]: `Send`
/// when `T` is, so it can be held across `.await` in a spawned task. On drop the object is reset
/// and returned to the pool, on whatever thread the drop happens.
#[must_use = "a guard returns its object to the pool as soon as it is dropped: bind it to a variable"]
pub struct PooledOwned<T: Poolable + Send + 'static> {
    pub(super) pool: Arc<Pool<T>>,
    pub(super) value: Held<T>,
}

guard_impls!(
    PooledOwned, [Poolable + Send + 'static],
    /// Takes the object out of the pool for good: it is not reset or returned, and counts as
    /// `detached` in the pool's statistics. An associated function (`PooledOwned::detach(guard)`), so
    /// that it cannot shadow a method of `T`.
    ///
    /// ```
    /// use std::sync::Arc;
    /// use pool_core::{Pool, PooledOwned};
    ///
    /// let pool = Arc::new(Pool::<Vec<u8>>::new());
    /// let v: Vec<u8> = PooledOwned::detach(pool.get_owned());
    /// assert_eq!(pool.stats().detached, 1);
    /// # drop(v);
    /// ```
);

impl<T: Poolable + Send + 'static> PooledOwned<T> {
    /// Returns the object to the cache of the thread that drops the guard (an owned guard is
    /// usually dropped by another task or thread than the one that took it; objects then flow
    /// back through the shared tier in batches).
    #[inline]
    fn give_back(&self, value: Slot<T>) {
        self.pool.put_boxed(value);
    }

    fn count_detached(&self) {
        self.pool.count_detached();
    }
}

impl<T: Poolable + Send + 'static> PooledOwned<T> {
    /// The pool this guard returns its object to.
    ///
    /// ```
    /// use std::sync::Arc;
    /// use pool_core::{Pool, PooledOwned};
    ///
    /// let pool = Arc::new(Pool::<String>::new());
    /// let guard = pool.get_owned();
    /// assert!(Arc::ptr_eq(PooledOwned::pool(&guard), &pool));
    /// ```
    pub fn pool(this: &Self) -> &Arc<Pool<T>> {
        &this.pool
    }
}
