//! [`Pool<T>`]: a thread-safe pool with per-thread caches in front of a shared tier.
//!
//! See the [`implementation`](crate::implementation) notes for how the tiers fit together.

use core::cell::RefCell;
use core::fmt;
use core::mem;
use core::ops::{Deref, DerefMut};
use core::panic::AssertUnwindSafe;
use std::panic::catch_unwind;

use crate::Poolable;
use crate::slot::{Held, Slot};
use crate::stats::{Discards, Stats};
use crate::sync::{
    Arc, AtomicU64, Mutex, Ordering, Weak, lock, owner_add, pool_thread_local, shared_add,
};

/// Default size of each thread's cache.
const DEFAULT_THREAD_CACHE: usize = 16;

/// Source of pool ids: an id is never reused, so a thread cache can never be mistaken for the
/// cache of a newer pool at the same address. A std atomic even under loom: it is an identity,
/// not part of any model.
static NEXT_POOL_ID: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

/// The factory a pool calls when it has no idle object.
type Factory<T> = Box<dyn Fn() -> T + Send + Sync>;

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

/// What happens to an object offered back to a pool, decided before any lock is taken.
pub(crate) enum Returned<T> {
    /// Reset, small enough: keep it, with its `retained_bytes`.
    Keep(Slot<T>, usize),
    /// `reset` panicked: the object was dropped.
    Panicked,
    /// Reset, but retaining more than the per-object bound.
    Oversized(Slot<T>),
}

/// Resets `value` (catching a panic) and checks it against the per-object byte bound. Runs user
/// code, so it is called with no lock or thread-local borrow held.
#[inline]
pub(crate) fn prepare_return<T: Poolable>(
    mut value: Slot<T>,
    max_retained_bytes: usize,
) -> Returned<T> {
    match catch_unwind(AssertUnwindSafe(|| T::reset(&mut value))) {
        Ok(()) => {
            let bytes = T::retained_bytes(&value);
            if bytes > max_retained_bytes {
                Returned::Oversized(value)
            } else {
                Returned::Keep(value, bytes)
            }
        }
        Err(_) => {
            // The value may be half reset; it must never be handed out again. Dropping it could
            // panic too, and that panic must not escape a guard's drop either.
            let _ = catch_unwind(AssertUnwindSafe(move || drop(value)));
            Returned::Panicked
        }
    }
}

/// An idle object and the bytes it retains (computed once, when it came back).
///
/// Objects live in boxes for their whole life in the pool: `get` and `put` move a pointer, never
/// the object. Moving a 24-byte `Vec` in and out of a stack on every operation cost about 15 ns
/// in store-forwarding stalls on `pool_ops`, more than the rest of the pool together.
struct Idle<T> {
    value: Slot<T>,
    bytes: usize,
}

/// Statistics of one thread cache, or the pool's totals. One cache line of its own, so that a
/// thread writing its counters never invalidates another thread's.
#[repr(align(128))]
#[derive(Default)]
struct Counters {
    reuses: AtomicU64,
    creations: AtomicU64,
    returns: AtomicU64,
    over_idle_bound: AtomicU64,
    oversized: AtomicU64,
    reset_panicked: AtomicU64,
    detached: AtomicU64,
    trimmed: AtomicU64,
    /// A gauge: objects idle in this cache now (unused in the totals).
    idle: AtomicU64,
    /// A gauge: bytes those objects retain (unused in the totals).
    retained: AtomicU64,
}

impl Counters {
    /// Adds the event counters (not the gauges) to `stats`.
    fn add_to(&self, stats: &mut Stats) {
        let get = |c: &AtomicU64| c.load(Ordering::Relaxed);
        stats.reuses += get(&self.reuses);
        stats.creations += get(&self.creations);
        stats.returns += get(&self.returns);
        stats.discards += Discards {
            over_idle_bound: get(&self.over_idle_bound),
            oversized: get(&self.oversized),
            reset_panicked: get(&self.reset_panicked),
        };
        stats.detached += get(&self.detached);
        stats.trimmed += get(&self.trimmed);
    }

    /// Adds another set's event counters into this one (a cache retiring into the totals).
    fn absorb(&self, other: &Counters) {
        for (to, from) in self.events().into_iter().zip(other.events()) {
            shared_add(to, from.load(Ordering::Relaxed));
        }
    }

    fn events(&self) -> [&AtomicU64; 8] {
        [
            &self.reuses,
            &self.creations,
            &self.returns,
            &self.over_idle_bound,
            &self.oversized,
            &self.reset_panicked,
            &self.detached,
            &self.trimmed,
        ]
    }
}

/// The shared tier: idle objects any thread can take, aged by `trim` (Go's victim cache).
struct Tier<T> {
    /// Objects returned since the last `trim`.
    primary: Vec<Idle<T>>,
    /// Objects that were already idle at the last `trim`; the next `trim` releases them.
    victim: Vec<Idle<T>>,
    /// Bytes retained by `primary` and `victim` together.
    bytes: usize,
}

impl<T> Tier<T> {
    fn len(&self) -> usize {
        self.primary.len() + self.victim.len()
    }

    /// Takes the most recently returned object, from `primary` first.
    fn pop(&mut self) -> Option<Idle<T>> {
        let idle = self.primary.pop().or_else(|| self.victim.pop())?;
        self.bytes -= idle.bytes;
        Some(idle)
    }
}

/// The state every thread shares: configuration, the shared tier, the statistics registry.
struct Shared<T> {
    id: u64,
    factory: Factory<T>,
    limits: Limits,
    /// How many objects move between a thread cache and the tier at once.
    batch: usize,
    tier: Mutex<Tier<T>>,
    /// Bumped by each `trim`; thread caches compare it with the last value they saw.
    epoch: AtomicU64,
    /// Counters of the live thread caches, for `stats()`.
    caches: Mutex<Vec<Arc<Counters>>>,
    /// Counters of exited threads' caches and of the slow paths.
    totals: Counters,
}

impl<T: Poolable + Send + 'static> Shared<T> {
    /// Offers an object to the tier; gives it back if the tier is full.
    fn tier_put(&self, value: Slot<T>, bytes: usize) -> Result<(), Slot<T>> {
        let mut tier = lock(&self.tier);
        if tier.len() < self.limits.max_idle {
            tier.bytes += bytes;
            tier.primary.push(Idle { value, bytes });
            Ok(())
        } else {
            Err(value)
        }
    }

    /// `get` without a thread cache (the registry is busy or already destroyed).
    fn take_uncached(&self) -> Slot<T> {
        let idle = lock(&self.tier).pop();
        match idle {
            Some(idle) => {
                shared_add(&self.totals.reuses, 1);
                idle.value
            }
            None => {
                shared_add(&self.totals.creations, 1);
                Slot::new((self.factory)())
            }
        }
    }

    /// A return without a thread cache.
    fn put_uncached(&self, value: Slot<T>, bytes: usize) {
        if let Err(value) = self.tier_put(value, bytes) {
            shared_add(&self.totals.over_idle_bound, 1);
            drop(value);
        }
    }
}

/// A thread's cache for one pool. Only its thread touches it; other threads read its counters.
/// Aligned like the objects (see `Slot`) so that two threads' caches never share a cache line.
#[repr(align(128))]
struct Cache<T> {
    pool: Weak<Shared<T>>,
    /// A stack: the most recently returned object is on top.
    items: Vec<Idle<T>>,
    capacity: usize,
    /// Bytes retained by `items`.
    bytes: usize,
    /// The fewest items the cache held since it last saw a `trim`: the ones below it were not
    /// touched since.
    low_water: usize,
    /// How many items (from the bottom) were idle when the cache last saw a `trim`.
    victims: usize,
    /// The pool's trim epoch this cache last saw.
    epoch: u64,
    counters: Arc<Counters>,
}

impl<T: Poolable + Send + 'static> Cache<T> {
    fn new(shared: &Arc<Shared<T>>) -> Self {
        let counters = Arc::new(Counters::default());
        lock(&shared.caches).push(Arc::clone(&counters));
        Self {
            pool: Arc::downgrade(shared),
            items: Vec::with_capacity(shared.limits.thread_cache),
            capacity: shared.limits.thread_cache,
            bytes: 0,
            low_water: 0,
            victims: 0,
            epoch: shared.epoch.load(Ordering::Relaxed),
            counters,
        }
    }

    /// Publishes the gauges for `stats()`.
    #[inline]
    fn publish(&self) {
        self.counters
            .idle
            .store(self.items.len() as u64, Ordering::Relaxed);
        self.counters
            .retained
            .store(self.bytes as u64, Ordering::Relaxed);
    }

    /// Applies a `trim` that happened since this cache last looked: releases what stayed idle
    /// for the whole period.
    #[inline]
    fn observe_trim(&mut self, shared: &Shared<T>) {
        // Relaxed: the epoch is a hint; a cache that sees it late trims late, nothing else.
        let epoch = shared.epoch.load(Ordering::Relaxed);
        if epoch != self.epoch {
            self.apply_trim(epoch);
        }
    }

    /// Every operation observes the epoch first, so when the cache sees a new one, nothing was
    /// touched since that `trim`: the objects it holds now are the ones that were idle at the
    /// trim (its victims, as in Go). Victims still untouched at the next trim are released.
    #[cold]
    fn apply_trim(&mut self, epoch: u64) {
        let stale = if epoch.wrapping_sub(self.epoch) >= 2 {
            // Untouched across a whole period between two trims.
            self.items.len()
        } else {
            // The previous trim's victims that nobody popped since.
            self.victims.min(self.low_water).min(self.items.len())
        };
        self.epoch = epoch;
        let released: usize = self.items.drain(..stale).map(|idle| idle.bytes).sum();
        self.bytes -= released;
        owner_add(&self.counters.trimmed, stale as u64);
        self.victims = self.items.len();
        self.low_water = self.items.len();
        self.publish();
    }

    /// Takes an idle object, refilling from the tier when empty; `None` means "create one" (and
    /// has been counted as a creation).
    #[inline]
    fn take(&mut self, shared: &Shared<T>) -> Option<Slot<T>> {
        // The trim epoch is checked on returns (and on refills), not here: every object handed
        // out comes back through `put`, so a thread that uses the pool sees each trim soon.
        let popped = match self.items.pop() {
            Some(idle) => Some(idle),
            None => self.refill(shared),
        };
        match popped {
            Some(idle) => {
                let len = self.items.len();
                self.low_water = self.low_water.min(len);
                self.bytes -= idle.bytes;
                owner_add(&self.counters.reuses, 1);
                self.publish();
                Some(idle.value)
            }
            None => {
                owner_add(&self.counters.creations, 1);
                None
            }
        }
    }

    /// Takes one object from the tier for the caller, and up to a batch more into this cache.
    #[cold]
    fn refill(&mut self, shared: &Shared<T>) -> Option<Idle<T>> {
        self.observe_trim(shared);
        let mut tier = lock(&shared.tier);
        let first = tier.pop()?;
        for _ in 1..shared.batch.min(self.capacity) {
            let Some(idle) = tier.pop() else { break };
            self.bytes += idle.bytes;
            self.items.push(idle);
        }
        // The caller subtracts `first.bytes` when it takes it.
        self.bytes += first.bytes;
        Some(first)
    }

    /// Keeps a returned object.
    #[inline]
    fn put(&mut self, shared: &Shared<T>, value: Slot<T>, bytes: usize) {
        self.observe_trim(shared);
        owner_add(&self.counters.returns, 1);
        if self.items.len() < self.capacity {
            self.bytes += bytes;
            self.items.push(Idle { value, bytes });
            self.publish();
        } else {
            self.put_full(shared, value, bytes);
        }
    }

    /// A return to a full cache: spill a batch to the tier and keep the object, or, with no
    /// thread cache or a full tier, offer it to the tier or drop it.
    #[cold]
    #[inline(never)]
    fn put_full(&mut self, shared: &Shared<T>, value: Slot<T>, bytes: usize) {
        self.spill(shared);
        if self.items.len() < self.capacity {
            self.bytes += bytes;
            self.items.push(Idle { value, bytes });
        } else if let Err(value) = shared.tier_put(value, bytes) {
            owner_add(&self.counters.over_idle_bound, 1);
            // Dropped inside the registry borrow: a pool used from `T`'s `Drop` finds the
            // registry busy and goes to the shared tier (see the implementation notes).
            drop(value);
        }
        self.publish();
    }

    /// Moves the oldest batch of this cache to the tier, as far as the tier has room.
    fn spill(&mut self, shared: &Shared<T>) {
        let mut tier = lock(&shared.tier);
        let room = shared.limits.max_idle.saturating_sub(tier.len());
        let n = shared.batch.min(room).min(self.items.len());
        for idle in self.items.drain(..n) {
            self.bytes -= idle.bytes;
            tier.bytes += idle.bytes;
            tier.primary.push(idle);
        }
        self.low_water = self.low_water.saturating_sub(n);
        self.victims = self.victims.saturating_sub(n);
    }
}

/// What the thread registry sees of a cache, whatever its type.
trait ErasedCache {
    /// Its pool was dropped.
    fn is_orphan(&self) -> bool;
    /// The thread is exiting: hand the objects and counters back to the pool.
    fn flush(self: Box<Self>);
}

impl<T: Poolable + Send + 'static> ErasedCache for Cache<T> {
    fn is_orphan(&self) -> bool {
        self.pool.strong_count() == 0
    }

    fn flush(mut self: Box<Self>) {
        let Some(shared) = self.pool.upgrade() else {
            return;
        };
        // Both locks, in the order `stats()` takes them, so a snapshot sees the objects either in
        // this cache or in the tier, never in both or neither.
        let caches = lock(&shared.caches);
        let mut tier = lock(&shared.tier);
        // Most recent objects first into the tier, as far as it has room; the rest are dropped
        // after the locks are released.
        let room = shared.limits.max_idle.saturating_sub(tier.len());
        let keep = room.min(self.items.len());
        let start = self.items.len() - keep;
        for idle in self.items.drain(start..) {
            tier.bytes += idle.bytes;
            tier.primary.push(idle);
        }
        drop(tier);
        owner_add(&self.counters.over_idle_bound, self.items.len() as u64);
        shared.totals.absorb(&self.counters);
        let mut caches = caches;
        caches.retain(|c| !Arc::ptr_eq(c, &self.counters));
        drop(caches);
        drop(self);
    }
}

/// Each thread's caches, one per pool it has used.
struct Registry {
    entries: RefCell<Vec<Entry>>,
}

struct Entry {
    pool: u64,
    cache: Box<dyn ErasedCache>,
}

impl Drop for Registry {
    fn drop(&mut self) {
        for entry in mem::take(self.entries.get_mut()) {
            entry.cache.flush();
        }
    }
}

pool_thread_local! {
    static REGISTRY: Registry = const { Registry { entries: RefCell::new(Vec::new()) } };
}

/// Runs `f` on this thread's cache for `shared`'s pool, creating it on first use. `None` when
/// the registry cannot be used: re-entered from an object's `Drop` or factory, or already
/// destroyed because the thread is exiting. Callers then use the shared tier directly.
#[inline]
fn with_cache<T: Poolable + Send + 'static, R>(
    shared: &Arc<Shared<T>>,
    f: impl FnOnce(&mut Cache<T>) -> R,
) -> Option<R> {
    REGISTRY
        .try_with(|registry| {
            // The `RefCell` is the re-entrancy guard: while `f` runs, nothing else on this thread
            // can reach the caches.
            let mut entries = registry.entries.try_borrow_mut().ok()?;
            // The pool used last is kept first, so the usual lookup is one comparison.
            if entries.first().is_none_or(|e| e.pool != shared.id) {
                move_to_front(&mut entries, shared);
            }
            let erased: *mut dyn ErasedCache = &mut *entries[0].cache;
            // SAFETY: `entries[0]` belongs to `shared.id`, and the only entry ever made for that
            // id holds a `Cache<T>` (`move_to_front` creates it from this `Shared<T>`; ids come
            // from a global counter and are never reused), so the cast restores the boxed value's
            // real type. The pointer was just derived from the live box, and the `RefMut` held
            // until `f` returns makes this the only reference to it.
            let cache = unsafe { &mut *erased.cast::<Cache<T>>() };
            Some(f(cache))
        })
        .ok()
        .flatten()
}

/// Moves the entry of `shared`'s pool to the front of the registry, creating it if this thread
/// has none yet.
#[cold]
fn move_to_front<T: Poolable + Send + 'static>(entries: &mut Vec<Entry>, shared: &Arc<Shared<T>>) {
    let index = match entries.iter().position(|e| e.pool == shared.id) {
        Some(index) => index,
        None => {
            // First use on this thread: a good moment to drop caches of dead pools.
            entries.retain(|e| !e.cache.is_orphan());
            entries.push(Entry {
                pool: shared.id,
                cache: Box::new(Cache::new(shared)),
            });
            entries.len() - 1
        }
    };
    entries.swap(0, index);
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
pub struct Pool<T> {
    shared: Arc<Shared<T>>,
}

impl<T: Poolable + Default + Send + 'static> Pool<T> {
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
        let shared = Shared {
            id: NEXT_POOL_ID.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
            factory,
            limits,
            batch: (limits.thread_cache / 2).max(1),
            tier: Mutex::new(Tier {
                primary: Vec::new(),
                victim: Vec::new(),
                bytes: 0,
            }),
            epoch: AtomicU64::new(0),
            caches: Mutex::new(Vec::new()),
            totals: Counters::default(),
        };
        Self {
            shared: Arc::new(shared),
        }
    }

    /// Takes an idle object, or creates one, and wraps it in a guard that gives it back on drop.
    ///
    /// The object is observably fresh: whatever the previous user wrote was removed by its
    /// [`Poolable::reset`].
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
        Pooled {
            pool: self,
            value: Held::new(self.take()),
        }
    }

    /// Like [`get`](Self::get), but the guard owns a reference-counted handle to the pool, so it
    /// is `'static` (and `Send` when `T` is): it can be moved into `std::thread::spawn` or a
    /// `tokio::spawn`ed task and held across `.await`.
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

    /// Returns a boxed object: what guards do on drop.
    #[inline]
    pub(crate) fn put_boxed(&self, value: Slot<T>) {
        let shared = &self.shared;
        match prepare_return(value, shared.limits.max_retained_bytes) {
            Returned::Keep(value, bytes) => {
                let mut value = Some(value);
                let cached = with_cache(shared, |cache| {
                    if let Some(value) = value.take() {
                        cache.put(shared, value, bytes);
                    }
                });
                if cached.is_none() {
                    self.put_without_cache(value, bytes);
                }
            }
            Returned::Panicked => self.count_discard(|c| &c.reset_panicked),
            Returned::Oversized(value) => {
                self.count_discard(|c| &c.oversized);
                drop(value);
            }
        }
    }

    /// A return while this thread's cache is out of reach (see `with_cache`).
    #[cold]
    #[inline(never)]
    fn put_without_cache(&self, value: Option<Slot<T>>, bytes: usize) {
        if let Some(value) = value {
            shared_add(&self.shared.totals.returns, 1);
            self.shared.put_uncached(value, bytes);
        }
    }

    /// Counts a return that ended in a discard, in this thread's cache when it can.
    #[cold]
    fn count_discard(&self, counter: impl Fn(&Counters) -> &AtomicU64) {
        let counted = with_cache(&self.shared, |cache| {
            owner_add(&cache.counters.returns, 1);
            owner_add(counter(&cache.counters), 1);
        });
        if counted.is_none() {
            shared_add(&self.shared.totals.returns, 1);
            shared_add(counter(&self.shared.totals), 1);
        }
    }

    /// Takes an idle object or creates one, without a guard (for `BufferPool`).
    #[inline]
    pub(crate) fn take(&self) -> Slot<T> {
        let shared = &self.shared;
        match with_cache(shared, |cache| cache.take(shared)) {
            Some(Some(value)) => value,
            // Counted as a creation by the cache; the factory runs outside the borrow.
            Some(None) => Slot::new((shared.factory)()),
            None => shared.take_uncached(),
        }
    }

    /// Releases the idle objects that were not used since the previous `trim()`, and returns how
    /// many the shared tier released (thread caches release theirs the next time their thread
    /// uses the pool).
    ///
    /// Rust has no garbage collector to age a pool, so this is Go's victim cache made explicit:
    /// call it from a timer (say every 10 to 60 seconds). An object survives one `trim` idle and
    /// is released by the second; objects in use, or reused in between, are kept.
    ///
    /// ```
    /// use pool_core::Pool;
    ///
    /// let pool: Pool<Vec<u8>> = Pool::builder().thread_cache(0).build();
    /// drop(pool.get());
    /// assert_eq!(pool.trim(), 0); // idle for less than a whole period: kept
    /// assert_eq!(pool.trim(), 1); // still idle at the second trim: released
    /// assert_eq!(pool.stats().idle, 0);
    /// ```
    pub fn trim(&self) -> usize {
        let shared = &self.shared;
        let released = {
            let mut tier = lock(&shared.tier);
            let aged = mem::take(&mut tier.primary);
            let released = mem::replace(&mut tier.victim, aged);
            tier.bytes -= released.iter().map(|idle| idle.bytes).sum::<usize>();
            // Relaxed: see `Cache::observe_trim`.
            shared.epoch.fetch_add(1, Ordering::Relaxed);
            released
        };
        let count = released.len();
        shared_add(&shared.totals.trimmed, count as u64);
        drop(released);
        count
    }

    /// A snapshot of the pool's statistics, summed over the thread caches and the shared tier.
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
        let shared = &self.shared;
        let mut stats = Stats::default();
        // The caches' lock, then the tier's: the order `Cache::flush` takes them in.
        let caches = lock(&shared.caches);
        {
            shared.totals.add_to(&mut stats);
            stats.thread_caches = caches.len() as u64;
            for counters in caches.iter() {
                counters.add_to(&mut stats);
                stats.idle += counters.idle.load(Ordering::Relaxed);
                stats.retained_bytes += counters.retained.load(Ordering::Relaxed);
            }
        }
        {
            let tier = lock(&shared.tier);
            stats.idle += tier.len() as u64;
            stats.retained_bytes += tier.bytes as u64;
        }
        drop(caches);
        stats.gets = stats.reuses + stats.creations;
        stats
    }
}

impl<T> Drop for Pool<T> {
    fn drop(&mut self) {
        // This thread's cache goes with the pool; other threads drop theirs when they next
        // register a cache, or exit.
        let id = self.shared.id;
        let removed = REGISTRY
            .try_with(|registry| {
                let mut entries = registry.entries.try_borrow_mut().ok()?;
                let index = entries.iter().position(|e| e.pool == id)?;
                Some(entries.swap_remove(index))
            })
            .ok()
            .flatten();
        drop(removed);
    }
}

impl<T> fmt::Debug for Pool<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Pool")
            .field("limits", &self.shared.limits)
            .finish_non_exhaustive()
    }
}

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
    /// (counted in [`Discards::over_idle_bound`]). Each thread cache holds up to
    /// [`thread_cache`](Self::thread_cache) more, so the pool's idle objects number at most
    /// `n + live threads × thread_cache`; set `thread_cache(0)` for a strict bound of `n`.
    /// Default: unbounded (the pool never holds more than the peak number in use).
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
    /// then takes the shared tier's lock.
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
    /// after its reset (counted in [`Discards::oversized`]), so one huge request cannot pin its
    /// memory in the pool. Default: no limit.
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

    /// Builds the pool.
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
    /// (`max_idle` is its total bound; `thread_cache` does not apply).
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

/// Implements the guard traits shared by `Pooled` and `PooledOwned`.
macro_rules! guard_impls {
    ($guard:ident $(<$lt:lifetime>)?) => {
        impl<$($lt,)? T: Poolable + Send + 'static> Deref for $guard<$($lt,)? T> {
            type Target = T;
            #[inline]
            fn deref(&self) -> &T {
                self.value.get()
            }
        }

        impl<$($lt,)? T: Poolable + Send + 'static> DerefMut for $guard<$($lt,)? T> {
            #[inline]
            fn deref_mut(&mut self) -> &mut T {
                self.value.get_mut()
            }
        }

        impl<$($lt,)? T: Poolable + Send + 'static> AsRef<T> for $guard<$($lt,)? T> {
            fn as_ref(&self) -> &T {
                self
            }
        }

        impl<$($lt,)? T: Poolable + Send + 'static> AsMut<T> for $guard<$($lt,)? T> {
            fn as_mut(&mut self) -> &mut T {
                self
            }
        }

        impl<$($lt,)? T: Poolable + Send + fmt::Debug + 'static> fmt::Debug for $guard<$($lt,)? T> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::Debug::fmt(&**self, f)
            }
        }

        impl<$($lt,)? T: Poolable + Send + 'static> Drop for $guard<$($lt,)? T> {
            #[inline]
            fn drop(&mut self) {
                if let Some(value) = self.value.take() {
                    self.pool.put_boxed(value);
                }
            }
        }

        impl<$($lt,)? T: Poolable + Send + 'static> $guard<$($lt,)? T> {
            /// Takes the object out of the pool for good: it is not reset or returned, and counts
            /// as `detached` in the pool's statistics.
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
            pub fn detach(mut this: Self) -> T {
                shared_add(&this.pool.shared.totals.detached, 1);
                this.value.detach()
            }
        }
    };
}

/// A guard for an object taken from a [`Pool`]: derefs to `T`; on drop the object is reset and
/// returned. Borrows the pool, so it cannot outlive it; see [`PooledOwned`] for a `'static` one.
///
/// `detach` is an associated function (`Pooled::detach(guard)`), like `Box::leak`, so that it
/// cannot shadow a method of `T`.
pub struct Pooled<'a, T: Poolable + Send + 'static> {
    pool: &'a Pool<T>,
    value: Held<T>,
}

guard_impls!(Pooled<'a>);

/// A `'static` guard for an object taken from an `Arc<Pool<T>>` with [`Pool::get_owned`]: `Send`
/// when `T` is, so it can be held across `.await` in a spawned task. On drop the object is reset
/// and returned to the pool, on whatever thread the drop happens.
pub struct PooledOwned<T: Poolable + Send + 'static> {
    pool: Arc<Pool<T>>,
    value: Held<T>,
}

guard_impls!(PooledOwned);

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
