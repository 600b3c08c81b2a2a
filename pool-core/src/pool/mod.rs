//! [`Pool<T>`]: a thread-safe pool with per-thread cache slots in front of a shared tier.
//!
//! The files are the tiers: `cache.rs` (a thread's slot and its owner/remote protocol),
//! `tier.rs` (the shared tier and its victim aging), `guard.rs` (the RAII guards),
//! `builder.rs` (the bounds); this file is the public API that ties them together. See the
//! [`implementation`](crate::implementation) notes for how and why.

mod builder;
mod cache;
mod guard;
mod tier;

pub use builder::PoolBuilder;
pub use guard::{Pooled, PooledOwned};

use core::fmt;
use core::panic::AssertUnwindSafe;
use core::ptr;
use std::panic::catch_unwind;

use self::cache::Cache;
use self::tier::{Idle, Tier};
use crate::Poolable;
use crate::slot::{Held, Slot};
use crate::stats::{Discards, Stats};
use crate::sync::{
    Arc, AtomicU64, AtomicUsize, Mutex, Ordering, ThreadLocal, get_mut, lock, shared_add,
};

/// Default size of each thread's cache.
const DEFAULT_THREAD_CACHE: usize = 16;

/// How many other threads' slots a `get` that found nothing at home and in the tier probes
/// before it calls the factory: the cost of a miss stays bounded however many threads there are.
const STEAL_PROBES: usize = 4;

/// The factory a pool calls when it has no idle object.
pub(crate) type Factory<T> = Box<dyn Fn() -> T + Send + Sync>;

/// Bounds shared by [`Pool`] and [`LocalPool`](crate::LocalPool).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Limits {
    /// Most idle objects kept in the shared tier (or, for a `LocalPool`, in total).
    pub(crate) max_idle: usize,
    /// Most idle objects in each thread's cache.
    pub(crate) thread_cache: usize,
    /// Largest `retained_bytes` an object may have and still be kept.
    pub(crate) max_retained_bytes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_idle: usize::MAX,
            thread_cache: DEFAULT_THREAD_CACHE,
            max_retained_bytes: usize::MAX,
        }
    }
}

/// Why a returned object was discarded instead of kept.
#[derive(Clone, Copy)]
pub(crate) enum Discard {
    /// Its `reset` panicked: it may be half reset and is never handed out again.
    ResetPanicked,
    /// It retains more than the per-object byte bound.
    Oversized,
}

/// Resets a returned object (catching a panic) and checks it against the per-object byte
/// bound: `Ok` with its `retained_bytes` to keep it, or why the caller must discard it. Runs
/// user code, so it is called with no lock or borrow held. It leaves the object with the
/// caller either way, so that both outcomes move it and the kept path carries no drop flag.
#[inline]
pub(crate) fn prepare_return<T: Poolable>(
    value: &mut T,
    max_retained_bytes: usize,
) -> Result<usize, Discard> {
    if catch_unwind(AssertUnwindSafe(|| T::reset(value))).is_err() {
        return Err(Discard::ResetPanicked);
    }
    let bytes = T::retained_bytes(value);
    if bytes > max_retained_bytes {
        Err(Discard::Oversized)
    } else {
        Ok(bytes)
    }
}

/// Calls a factory; if it unwinds, `unwound` runs first (to count it) and the panic goes on to
/// the caller. A creation is only counted by the caller once this returned.
#[inline]
pub(crate) fn call_factory<T>(factory: impl FnOnce() -> T, unwound: impl FnOnce()) -> T {
    /// Runs its closure when dropped, unless disarmed.
    struct OnUnwind<F: FnOnce()>(Option<F>);
    impl<F: FnOnce()> Drop for OnUnwind<F> {
        fn drop(&mut self) {
            if let Some(unwound) = self.0.take() {
                unwound();
            }
        }
    }
    let mut armed = OnUnwind(Some(unwound));
    let value = factory();
    armed.0 = None;
    value
}

/// Drops an object the pool lets go of, catching a panic in its `Drop`: user code must not
/// unwind through `trim()`, a guard's drop or the pool's drop, and the other objects are still
/// released.
pub(crate) fn drop_quietly<V>(value: V) {
    let _ = catch_unwind(AssertUnwindSafe(move || drop(value)));
}

/// Drops an object that neither the slot nor the tier had room for (out of line: rare).
#[cold]
#[inline(never)]
fn drop_rejected<T>(value: Slot<T>) {
    drop_quietly(value);
}

/// [`drop_quietly`] for each of `idle`, outside every lock.
fn release_all<T>(idle: Vec<Idle<T>>) {
    for idle in idle {
        drop_quietly(idle.value);
    }
}

/// Counters of the events that happen outside a slot's lock (creations, discards, the tier's
/// trims, the slot-less fallback): rare, so shared atomics are cheap enough.
#[derive(Default)]
struct Totals {
    reuses: AtomicU64,
    creations: AtomicU64,
    factory_panicked: AtomicU64,
    returns: AtomicU64,
    over_idle_bound: AtomicU64,
    oversized: AtomicU64,
    reset_panicked: AtomicU64,
    detached: AtomicU64,
    trimmed: AtomicU64,
}

impl Totals {
    /// Adds the totals to `stats`.
    fn add_to(&self, stats: &mut Stats) {
        // Relaxed: statistics, see `shared_add`.
        let get = |c: &AtomicU64| c.load(Ordering::Relaxed);
        stats.reuses += get(&self.reuses);
        stats.creations += get(&self.creations);
        stats.factory_panicked += get(&self.factory_panicked);
        stats.returns += get(&self.returns);
        stats.discards += Discards {
            over_idle_bound: get(&self.over_idle_bound),
            oversized: get(&self.oversized),
            reset_panicked: get(&self.reset_panicked),
        };
        stats.detached += get(&self.detached);
        stats.trimmed += get(&self.trimmed);
    }
}

/// A thread-safe object pool: `get()` hands out a guard, and dropping the guard resets the object
/// and keeps it for the next `get()`.
///
/// Each thread keeps a small cache of idle objects, so a `get` that finds one takes no lock and
/// writes no shared memory; caches exchange objects with a shared tier in batches. See the
/// [`implementation`](crate::implementation) notes.
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
pub struct Pool<T: Send> {
    factory: Factory<T>,
    limits: Limits,
    /// How many objects move between a slot and the tier at once.
    batch: usize,
    /// Each thread's slot, found in a few instructions.
    locals: ThreadLocal<Arc<Cache<T>>>,
    /// Every slot ever made for this pool (one per thread id; the `thread_local` crate hands an
    /// exited thread's id, and so its slot, to the next new thread): what `trim()`, stealing,
    /// `stats()` and the drop walk.
    caches: Mutex<Vec<Arc<Cache<T>>>>,
    /// Where the next steal starts probing, so misses spread over the slots.
    cursor: AtomicUsize,
    tier: Mutex<Tier<T>>,
    totals: Totals,
}

impl<T: Poolable + crate::poolable::hint::PoolDefault + Send + 'static> Pool<T> {
    /// A pool that creates objects with `T::default()`, with default bounds: no limit on idle
    /// objects (the pool never holds more than the peak number in use; call [`trim`](Self::trim)
    /// to release them), 16 per thread cache, no per-object byte limit.
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

    fn from_parts(factory: Factory<T>, limits: Limits) -> Self {
        Self {
            factory,
            limits,
            batch: (limits.thread_cache / 2).max(1),
            locals: ThreadLocal::new(),
            caches: Mutex::new(Vec::new()),
            cursor: AtomicUsize::new(0),
            tier: Mutex::new(Tier::new()),
            totals: Totals::default(),
        }
    }

    /// Takes an idle object, or creates one, and wraps it in a guard that gives it back on drop.
    ///
    /// The object is observably fresh: whatever the previous user wrote was removed by its
    /// [`Poolable::reset`]. It comes from this thread's cache, else the shared tier, else
    /// another thread's cache (a few are probed), else the factory.
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
        self.put_boxed(Slot::new(value));
    }

    /// This thread's slot, made on first use. `None` only in the narrow window of thread exit
    /// where the `thread_local` crate can no longer give this thread an id (a pool used from
    /// another thread-local's destructor): callers then use the shared tier directly.
    #[inline]
    fn local(&self) -> Option<&Cache<T>> {
        catch_unwind(AssertUnwindSafe(|| {
            &**self.locals.get_or(|| self.register())
        }))
        .ok()
    }

    /// Makes this thread's slot and enters it in the registry.
    #[cold]
    fn register(&self) -> Arc<Cache<T>> {
        let cache = Arc::new(Cache::new(self.limits.thread_cache));
        lock(&self.caches).push(Arc::clone(&cache));
        cache
    }

    /// Takes an idle object or creates one, without a guard (for `BufferPool`).
    #[inline]
    pub(crate) fn take(&self) -> Slot<T> {
        self.take_homed().1
    }

    /// Takes an idle object or creates one, and says which slot it came through.
    #[inline]
    fn take_homed(&self) -> (Option<&Cache<T>>, Slot<T>) {
        match self.local() {
            Some(cache) => {
                let value = match cache.take(self) {
                    Some(value) => value,
                    None => self.take_slow(cache),
                };
                (Some(cache), value)
            }
            None => (None, self.take_uncached()),
        }
    }

    /// A `get` that found this thread's slot and the tier empty: steal, else create.
    #[cold]
    #[inline(never)]
    fn take_slow(&self, cache: &Cache<T>) -> Slot<T> {
        match self.steal(cache) {
            Some(value) => value,
            None => self.create(),
        }
    }

    /// Probes up to [`STEAL_PROBES`] other slots, from a cursor that moves on with each miss,
    /// and takes half of the first non-empty one's objects (one for the caller, the rest into
    /// `me`). The loot travels in `me`'s own stack, lent for the purpose, so a steal allocates
    /// nothing. Holding the registry while waiting for a victim's lock cannot deadlock: no one
    /// waits for the registry while holding a slot.
    fn steal(&self, me: &Cache<T>) -> Option<Slot<T>> {
        let mut loot = match me.lend_stack() {
            Ok(stack) => stack,
            Err(arrived) => return Some(arrived),
        };
        let mut stale = 0;
        {
            let caches = lock(&self.caches);
            let n = caches.len();
            // Relaxed: the cursor only spreads the probes; any value is correct.
            let start = self.cursor.fetch_add(STEAL_PROBES, Ordering::Relaxed);
            for k in 0..n.min(STEAL_PROBES + 1) {
                let victim = &caches[start.wrapping_add(k) % n];
                if !ptr::eq(&**victim, me) {
                    stale = victim.steal_into(&mut loot, self.batch);
                    if !loot.is_empty() {
                        break;
                    }
                }
            }
        }
        me.restore_stack(loot, stale)
    }

    /// Calls the factory (no lock held), counting a creation only once it returned.
    fn create(&self) -> Slot<T> {
        let value = call_factory(&self.factory, || {
            shared_add(&self.totals.factory_panicked, 1);
        });
        shared_add(&self.totals.creations, 1);
        Slot::new(value)
    }

    /// `get` without a slot (see [`local`](Self::local)).
    #[cold]
    fn take_uncached(&self) -> Slot<T> {
        let idle = lock(&self.tier).pop();
        match idle {
            Some(idle) => {
                shared_add(&self.totals.reuses, 1);
                idle.value
            }
            None => self.create(),
        }
    }

    /// Returns a boxed object to this thread's slot.
    #[inline]
    pub(crate) fn put_boxed(&self, value: Slot<T>) {
        self.put_to(self.local(), value);
    }

    /// Returns a boxed object to `home` (a slot of this pool), or, with none, to the tier: reset
    /// it, check it against the per-object byte bound, keep it (or discard it, out of line).
    #[inline]
    fn put_to(&self, home: Option<&Cache<T>>, mut value: Slot<T>) {
        let bytes = match prepare_return(&mut *value, self.limits.max_retained_bytes) {
            Ok(bytes) => bytes,
            Err(reason) => return self.discard(reason, value),
        };
        let idle = Idle { value, bytes };
        let rejected = match home {
            Some(cache) => cache.put(idle, self),
            None => self.put_uncached(idle),
        };
        if let Some(value) = rejected {
            drop_rejected(value);
        }
    }

    /// Counts a return that ends in a discard, and drops the object.
    #[cold]
    #[inline(never)]
    fn discard(&self, reason: Discard, value: Slot<T>) {
        shared_add(&self.totals.returns, 1);
        shared_add(
            match reason {
                Discard::ResetPanicked => &self.totals.reset_panicked,
                Discard::Oversized => &self.totals.oversized,
            },
            1,
        );
        drop_quietly(value);
    }

    /// A return without a slot (see [`local`](Self::local)); gives the object back when the
    /// tier is full.
    #[cold]
    fn put_uncached(&self, idle: Idle<T>) -> Option<Slot<T>> {
        shared_add(&self.totals.returns, 1);
        let mut tier = lock(&self.tier);
        if tier.len() < self.limits.max_idle {
            tier.push(idle, false);
            None
        } else {
            drop(tier);
            shared_add(&self.totals.over_idle_bound, 1);
            Some(idle.value)
        }
    }

    /// Counts a guard's `detach`.
    fn count_detached(&self) {
        shared_add(&self.totals.detached, 1);
    }

    /// Releases the idle objects that were not used since the previous `trim()`, wherever they
    /// sit (the shared tier, the cache of a busy thread, of an idle thread, or the slot an exited
    /// thread left), and returns how many it released.
    ///
    /// Rust has no garbage collector to age a pool, so this is Go's victim cache made explicit:
    /// call it from a timer (say every 10 to 60 seconds). An object survives one `trim` idle and
    /// is released by the second; objects in use, or reused in between, are kept. It visits every
    /// thread's slot under that slot's lock, so it costs in proportion to the number of threads
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
        let mut released = lock(&self.tier).trim();
        shared_add(&self.totals.trimmed, released.len() as u64);
        {
            let caches = lock(&self.caches);
            for cache in caches.iter() {
                cache.trim_into(&mut released);
            }
        }
        let count = released.len();
        release_all(released);
        count
    }

    /// A snapshot of the pool's statistics, summed over the thread slots and the shared tier.
    /// Exact when no other thread is using the pool; approximate (each slot read at a slightly
    /// different moment) while they do.
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
        let mut stats = Stats::default();
        {
            // Lock order: registry, slot, tier (see the implementation notes).
            let caches = lock(&self.caches);
            stats.thread_caches = caches.len() as u64;
            for cache in caches.iter() {
                cache.add_to(&mut stats);
            }
            let tier = lock(&self.tier);
            stats.idle += tier.len() as u64;
            stats.retained_bytes += tier.bytes() as u64;
        }
        self.totals.add_to(&mut stats);
        stats.gets = stats.reuses + stats.creations;
        stats
    }
}

impl<T: Send> Drop for Pool<T> {
    /// Drops every idle object at once, whichever thread cached it, live or exited (a `Drop`
    /// that panics is caught and the rest are still dropped).
    fn drop(&mut self) {
        let mut all = get_mut(&mut self.tier).take_all();
        for cache in get_mut(&mut self.caches).iter() {
            cache.take_all_into(&mut all);
        }
        release_all(all);
    }
}

impl<T: Send> fmt::Debug for Pool<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Pool")
            .field("limits", &self.limits)
            .finish_non_exhaustive()
    }
}
