//! Behaviour of `Pool<T>`, `PooledOwned` and `LocalPool<T>`: reuse, freshness, bounds, trimming,
//! statistics, panics in `reset`, thread exit, and multi-thread stress.

use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Barrier};
use std::thread;

use pool_core::{LocalPool, LocalPooled, Pool, Poolable, Pooled, PooledOwned};

/// An object with an identity that survives resets, and data that must not.
#[derive(Debug)]
struct Tracked {
    id: usize,
    data: Vec<u64>,
    drops: Arc<AtomicUsize>,
}

impl Poolable for Tracked {
    fn reset(&mut self) {
        self.data.clear();
    }
    fn retained_bytes(&self) -> usize {
        self.data.capacity() * 8
    }
}

impl Drop for Tracked {
    fn drop(&mut self) {
        self.drops.fetch_add(1, Ordering::SeqCst);
    }
}

/// A pool of `Tracked` objects numbered from 0, and its drop counter.
fn tracked_pool(
    configure: impl FnOnce(pool_core::PoolBuilder<Tracked>) -> pool_core::PoolBuilder<Tracked>,
) -> (Pool<Tracked>, Arc<AtomicUsize>) {
    let drops = Arc::new(AtomicUsize::new(0));
    let next = AtomicUsize::new(0);
    let d = Arc::clone(&drops);
    let builder = pool_core::PoolBuilder::from_factory(move || Tracked {
        id: next.fetch_add(1, Ordering::SeqCst),
        data: Vec::new(),
        drops: Arc::clone(&d),
    });
    (configure(builder).build(), drops)
}

#[test]
fn reuses_objects_and_hands_them_out_fresh() {
    let pool: Pool<Vec<u8>> = Pool::new();
    let ptr = {
        let mut v = pool.get();
        v.extend_from_slice(&[7; 100]);
        v.as_ptr()
    };
    let v = pool.get();
    assert!(v.is_empty(), "the previous user's bytes are gone");
    assert_eq!(v.as_ptr(), ptr, "the same allocation is reused");
    assert!(v.capacity() >= 100);
    drop(v);
    let s = pool.stats();
    assert_eq!(
        (s.gets, s.reuses, s.creations, s.returns, s.idle),
        (2, 1, 1, 2, 1)
    );
    assert!(s.retained_bytes >= 100);
}

#[test]
fn with_factory_and_put() {
    let pool = Pool::with_factory(|| String::with_capacity(64));
    assert!(pool.get().capacity() >= 64);
    let mut detached = Pooled::detach(pool.get());
    detached.push_str("left the pool");
    pool.put(detached);
    assert_eq!(*pool.get(), "", "put resets the object");
    let s = pool.stats();
    assert_eq!(s.detached, 1);
    assert_eq!(s.returns, 3);
}

#[test]
fn guards_deref_and_debug() {
    let pool: Pool<Vec<u8>> = Pool::new();
    let mut g = pool.get();
    g.push(1);
    assert_eq!(format!("{g:?}"), "[1]");
    assert_eq!(g.as_ref(), &vec![1]);
    g.as_mut().push(2);
    assert_eq!(&**g, &[1, 2]);
}

#[test]
fn owned_guards_are_static_and_send() {
    fn assert_static_send<G: Send + 'static>(_: &G) {}
    let pool: Arc<Pool<Vec<u8>>> = Arc::new(Pool::new());
    let guards: Vec<PooledOwned<Vec<u8>>> = (0..4).map(|_| pool.get_owned()).collect();
    assert_static_send(&guards[0]);
    let handles: Vec<_> = guards
        .into_iter()
        .enumerate()
        .map(|(i, mut g)| {
            thread::spawn(move || {
                g.push(i as u8);
                assert!(Arc::strong_count(PooledOwned::pool(&g)) >= 2);
            })
        })
        .collect();
    for h in handles {
        h.join().unwrap();
    }
    let s = pool.stats();
    assert_eq!((s.creations, s.returns, s.idle), (4, 4, 4));
    let owned = PooledOwned::detach(pool.get_owned());
    assert!(owned.is_empty());
}

#[test]
fn max_retained_bytes_drops_oversized_objects() {
    let pool: Pool<Vec<u8>> = Pool::builder().max_retained_bytes(1024).build();
    pool.get().reserve(1 << 20);
    pool.get().reserve(512);
    let s = pool.stats();
    assert_eq!(s.discards.oversized, 1);
    assert_eq!(s.idle, 1);
    assert!(s.retained_bytes <= 1024);
}

#[test]
fn max_idle_bounds_the_shared_tier() {
    let pool: Pool<Vec<u8>> = Pool::builder().max_idle(3).thread_cache(0).build();
    let guards: Vec<_> = (0..10).map(|_| pool.get()).collect();
    drop(guards);
    let s = pool.stats();
    assert_eq!(s.idle, 3);
    assert_eq!(s.discards.over_idle_bound, 7);
    assert_eq!(s.creations, s.idle + s.discards.total());
}

#[test]
fn a_panicking_reset_discards_the_object_and_the_pool_goes_on() {
    #[derive(Default)]
    struct Fragile {
        poison: bool,
        data: Vec<u8>,
    }
    impl Poolable for Fragile {
        fn reset(&mut self) {
            assert!(!self.poison, "reset refuses a poisoned value");
            self.data.clear();
        }
    }
    let pool: Pool<Fragile> = Pool::new();
    let mut g = pool.get();
    g.poison = true;
    g.data.push(1);
    drop(g); // must not panic out of drop
    let s = pool.stats();
    assert_eq!(s.discards.reset_panicked, 1);
    assert_eq!(s.idle, 0);
    let g = pool.get();
    assert!(!g.poison && g.data.is_empty());
    drop(g);
    assert_eq!(pool.stats().idle, 1);

    let local: LocalPool<Fragile> = LocalPool::new();
    local.get().poison = true;
    assert_eq!(local.stats().discards.reset_panicked, 1);
    assert_eq!(local.stats().idle, 0);
}

#[test]
fn trim_releases_what_stayed_idle_for_a_whole_period() {
    let (pool, drops) = tracked_pool(|b| b.thread_cache(4));
    let guards: Vec<_> = (0..4).map(|_| pool.get()).collect();
    drop(guards);
    assert_eq!(pool.stats().idle, 4);
    pool.trim();
    // One object is used after the first trim; the other three stay idle.
    drop(pool.get());
    pool.trim();
    drop(pool.get()); // the cache notices the second trim here
    let s = pool.stats();
    assert_eq!(s.idle, 1, "{s}");
    assert_eq!(s.trimmed, 3);
    assert_eq!(drops.load(Ordering::SeqCst), 3);
}

#[test]
fn trim_ages_the_shared_tier_like_a_victim_cache() {
    let pool: Pool<Vec<u8>> = Pool::builder().thread_cache(0).build();
    let guards: Vec<_> = (0..3).map(|_| pool.get()).collect();
    drop(guards);
    assert_eq!(pool.trim(), 0);
    drop(pool.get()); // taken from the victim stack, returned to primary
    assert_eq!(pool.trim(), 2);
    assert_eq!(pool.trim(), 1);
    assert_eq!(pool.stats().idle, 0);
    assert_eq!(pool.stats().trimmed, 3);
}

#[test]
fn an_exited_threads_cache_returns_to_the_pool() {
    let (pool, _drops) = tracked_pool(|b| b.thread_cache(8));
    let pool = Arc::new(pool);
    let p = Arc::clone(&pool);
    thread::spawn(move || {
        let guards: Vec<_> = (0..6).map(|_| p.get()).collect();
        drop(guards);
    })
    .join()
    .unwrap();
    // The thread cached 6 objects and exited: its slot still holds them and stays the pool's,
    // so this thread steals them instead of creating new ones.
    let guards: Vec<_> = (0..6).map(|_| pool.get()).collect();
    let s = pool.stats();
    assert_eq!(s.creations, 6, "{s}");
    assert_eq!(s.reuses, 6);
    drop(guards);
    // ... and trim can release them once idle.
    pool.trim();
    pool.trim();
    drop(pool.get());
    assert!(pool.stats().idle <= 1);
}

#[test]
fn dropping_the_pool_frees_every_object_including_exited_threads_caches() {
    let (pool, drops) = tracked_pool(|b| b.thread_cache(16));
    let pool = Arc::new(pool);
    let handles: Vec<_> = (0..4)
        .map(|_| {
            let pool = Arc::clone(&pool);
            thread::spawn(move || {
                let guards: Vec<_> = (0..10).map(|_| pool.get()).collect();
                drop(guards);
            })
        })
        .collect();
    for h in handles {
        h.join().unwrap();
    }
    let guards: Vec<_> = (0..3).map(|_| pool.get()).collect();
    drop(guards); // some now sit in this thread's cache
    let created = pool.stats().creations as usize;
    assert!(created >= 10);
    assert_eq!(drops.load(Ordering::SeqCst), 0);
    drop(Arc::try_unwrap(pool).unwrap());
    assert_eq!(
        drops.load(Ordering::SeqCst),
        created,
        "every object created was dropped"
    );
}

#[test]
fn objects_survive_a_pool_used_from_their_own_drop() {
    // An object whose Drop uses another pool, and a factory that uses its own pool: user code
    // runs under no pool lock, so neither may panic or deadlock.
    let inner: Arc<Pool<Vec<u8>>> = Arc::new(Pool::builder().max_idle(0).thread_cache(0).build());
    struct Nested(Arc<Pool<Vec<u8>>>);
    impl Poolable for Nested {
        fn reset(&mut self) {}
    }
    impl Drop for Nested {
        fn drop(&mut self) {
            self.0.get().push(1);
        }
    }
    let i = Arc::clone(&inner);
    let outer = Pool::builder_like(move || {
        drop(i.get());
        Nested(Arc::clone(&i))
    });
    let guards: Vec<_> = (0..40).map(|_| outer.get()).collect();
    drop(guards); // more than the cache holds, and max_idle(1): some are dropped
    drop(outer);
    assert!(inner.stats().gets >= 40);
}

/// `Pool::builder_like` keeps the test above readable: a builder with bounds for a factory.
trait BuilderLike<T: Send> {
    fn builder_like(f: impl Fn() -> T + Send + Sync + 'static) -> Pool<T>;
}
impl<T: Poolable + Send + 'static> BuilderLike<T> for Pool<T> {
    fn builder_like(f: impl Fn() -> T + Send + Sync + 'static) -> Pool<T> {
        pool_core::PoolBuilder::from_factory(f)
            .max_idle(1)
            .thread_cache(4)
            .build()
    }
}

#[test]
fn more_threads_than_any_id_table_holds() {
    // Another pool crate panics past 4,096 thread ids; this one has a slot per thread id, and an
    // exited thread's id (with its slot) goes to the next new thread.
    // Under miri (CI runs this file there), 3 batches of 10: the id hand-over, not the count.
    const BATCHES: usize = if cfg!(miri) { 3 } else { 50 };
    const PER_BATCH: usize = if cfg!(miri) { 10 } else { 100 };
    let pool: Arc<Pool<Vec<u8>>> = Arc::new(Pool::builder().thread_cache(2).build());
    for batch in 0..BATCHES {
        let handles: Vec<_> = (0..PER_BATCH)
            .map(|i| {
                let pool = Arc::clone(&pool);
                thread::spawn(move || pool.get().push((batch * PER_BATCH + i) as u8))
            })
            .collect();
        for h in handles {
            h.join().unwrap();
        }
    }
    let s = pool.stats();
    assert_eq!(s.gets, (BATCHES * PER_BATCH) as u64);
    assert!(
        s.idle <= PER_BATCH as u64,
        "exited threads' slots were taken over: {s}"
    );
    assert!(
        s.creations <= PER_BATCH as u64,
        "objects were reused across threads: {s}"
    );
}

#[test]
fn stress_no_object_is_held_twice_and_nothing_leaks_between_users() {
    // Under miri (CI runs this file there), three threads and a few hundred operations: it
    // interprets every instruction, and explores the interleavings by its own scheduler.
    const THREADS: usize = if cfg!(miri) { 3 } else { 8 };
    const OPS: usize = if cfg!(miri) { 300 } else { 100_000 };
    const MAX_IDS: usize = 4096;
    let in_use: Arc<Vec<AtomicBool>> =
        Arc::new((0..MAX_IDS).map(|_| AtomicBool::new(false)).collect());
    let (pool, drops) = tracked_pool(|b| b.thread_cache(4).max_idle(64));
    let pool = Arc::new(pool);
    let detached = Arc::new(AtomicU64::new(0));
    let barrier = Arc::new(Barrier::new(THREADS));
    let handles: Vec<_> = (0..THREADS)
        .map(|t| {
            let (pool, in_use, detached, barrier) = (
                Arc::clone(&pool),
                Arc::clone(&in_use),
                Arc::clone(&detached),
                Arc::clone(&barrier),
            );
            thread::spawn(move || {
                barrier.wait();
                let mut held = Vec::new();
                for op in 0..OPS {
                    let mut g = pool.get();
                    assert!(
                        g.data.is_empty(),
                        "a value written by the previous user is visible"
                    );
                    assert!(
                        !in_use[g.id].swap(true, Ordering::SeqCst),
                        "object {} is held twice",
                        g.id
                    );
                    g.data.extend_from_slice(&[t as u64, op as u64]);
                    // Hold a few objects at once so the caches spill and refill.
                    held.push(g);
                    if held.len() > (op % 7) {
                        for g in held.drain(..) {
                            assert_eq!(
                                &g.data[..1],
                                &[t as u64],
                                "another thread wrote into a held object"
                            );
                            in_use[g.id].store(false, Ordering::SeqCst);
                            if op % 1009 == 0 {
                                detached.fetch_add(1, Ordering::SeqCst);
                                drop(Pooled::detach(g));
                            } else {
                                drop(g);
                            }
                        }
                    }
                }
                for g in held {
                    in_use[g.id].store(false, Ordering::SeqCst);
                }
            })
        })
        .collect();
    for h in handles {
        h.join().unwrap();
    }
    let s = pool.stats();
    assert_eq!(s.gets, (THREADS * OPS) as u64);
    assert_eq!(s.returns + s.detached, s.gets, "{s}");
    assert_eq!(s.detached, detached.load(Ordering::SeqCst));
    assert_eq!(
        s.creations,
        s.idle + s.discards.total() + s.detached + s.trimmed,
        "{s}"
    );
    assert!((s.creations as usize) < MAX_IDS);
    assert_eq!(
        drops.load(Ordering::SeqCst) as u64,
        s.discards.total() + s.detached
    );
    drop(Arc::try_unwrap(pool).unwrap());
    assert_eq!(
        drops.load(Ordering::SeqCst) as u64,
        s.creations,
        "dropping the pool freed every object"
    );
}

#[test]
fn stress_retained_bytes_never_exceed_the_bound() {
    const THREADS: usize = if cfg!(miri) { 3 } else { 8 };
    const ROUNDS: usize = if cfg!(miri) { 60 } else { 1250 };
    const MAX_BYTES: usize = 16 * 1024;
    const MAX_IDLE: usize = 32;
    const CACHE: usize = 4;
    let pool: Arc<Pool<Vec<u8>>> = Arc::new(
        Pool::builder()
            .max_retained_bytes(MAX_BYTES)
            .max_idle(MAX_IDLE)
            .thread_cache(CACHE)
            .build(),
    );
    let bound = ((MAX_IDLE + THREADS * CACHE) * MAX_BYTES) as u64;
    let handles: Vec<_> = (0..THREADS)
        .map(|t| {
            let pool = Arc::clone(&pool);
            thread::spawn(move || {
                for i in 0..ROUNDS {
                    // 10k returns in all, half of them oversized (64 KiB and up).
                    let size = if (i + t) % 2 == 0 {
                        64 * 1024 + i
                    } else {
                        1 + (i * 13) % MAX_BYTES
                    };
                    let mut g = pool.get();
                    g.reserve_exact(size);
                    drop(g);
                    assert!(pool.stats().retained_bytes <= bound);
                }
            })
        })
        .collect();
    for h in handles {
        h.join().unwrap();
    }
    let s = pool.stats();
    assert!(s.retained_bytes <= bound, "{s}");
    assert!(s.discards.oversized >= (THREADS * ROUNDS / 2) as u64, "{s}");
}

#[test]
fn local_pool_has_the_same_interface() {
    let pool: LocalPool<Vec<u8>> = LocalPool::new();
    {
        let mut a = pool.get();
        a.extend_from_slice(b"abc");
        let _b = pool.get();
    }
    let a = pool.get();
    assert!(a.is_empty());
    assert!(a.capacity() >= 3);
    let v = LocalPooled::detach(a);
    pool.put(v);
    let s = pool.stats();
    assert_eq!(
        (s.gets, s.creations, s.reuses, s.detached, s.returns, s.idle),
        (3, 2, 1, 1, 3, 2)
    );
    let bounded = pool_core::LocalPoolBuilder::from_factory(Vec::<u8>::new)
        .max_idle(1)
        .max_retained_bytes(8)
        .build();
    bounded.get().reserve(100);
    let (x, y) = (bounded.get(), bounded.get());
    drop((x, y));
    let s = bounded.stats();
    assert_eq!(
        (s.discards.oversized, s.discards.over_idle_bound, s.idle),
        (1, 1, 1)
    );
}

#[test]
fn extreme_bounds_are_bounds_not_allocations() {
    // A huge thread cache reserves nothing up front (it used to abort at the first get).
    let pool: Pool<Vec<u8>> = Pool::builder()
        .thread_cache(usize::MAX)
        .max_idle(usize::MAX)
        .build();
    let guards: Vec<_> = (0..300).map(|_| pool.get()).collect();
    drop(guards);
    assert_eq!(pool.stats().idle, 300, "all kept in this thread's slot");

    // Zero everywhere: nothing is kept, every get creates, nothing breaks.
    let pool: Pool<Vec<u8>> = Pool::builder()
        .thread_cache(0)
        .max_idle(0)
        .max_retained_bytes(0)
        .build();
    for _ in 0..3 {
        pool.get().push(1);
    }
    let s = pool.stats();
    assert_eq!((s.creations, s.idle), (3, 0), "{s}");
    assert_eq!(s.discards.total(), 3, "{s}");
}

/// An object whose `retained_bytes` panics while `BOOM` is set, or reports `BYTES`.
#[derive(Default)]
struct Sized {
    boom: bool,
    bytes: usize,
}

impl Poolable for Sized {
    fn reset(&mut self) {}
    fn retained_bytes(&self) -> usize {
        assert!(!self.boom, "retained_bytes panicked");
        self.bytes
    }
}

/// A `retained_bytes` that panics (user code, like `reset`) is caught: the guard's drop does not
/// unwind, the object is discarded and counted with the reset panics, and the pool goes on;
/// the same for `Pool` and `LocalPool`. (A pool asks `retained_bytes` on a return only where a
/// byte bound needs it, as here; `stats()` asks the idle objects of the others, and does not
/// unwind either.)
#[test]
fn a_panicking_retained_bytes_discards_the_object_and_does_not_unwind() {
    let pool: Pool<Sized> = Pool::builder().max_retained_bytes(1 << 30).build();
    let local: LocalPool<Sized> = LocalPool::builder().max_retained_bytes(1 << 30).build();
    let unbounded: Pool<Sized> = Pool::new();
    unbounded.get().boom = true; // kept: no bound asks it on the return
    let s = unbounded.stats(); // asks, and the panic is caught
    assert_eq!((s.idle, s.discards.total()), (1, 0), "{s}");
    for round in 0..2 {
        let unwound = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            pool.get().boom = true;
            local.get().boom = true;
        }));
        assert!(unwound.is_ok(), "a guard's drop unwound (round {round})");
    }
    for s in [pool.stats(), local.stats()] {
        assert_eq!(
            (s.returns, s.discards.reset_panicked, s.idle),
            (2, 2, 0),
            "{s}"
        );
    }
    drop(pool.get());
    drop(local.get());
    assert_eq!(pool.stats().idle, 1);
    assert_eq!(local.stats().idle, 1);
}

/// Byte totals saturate instead of overflowing: user `retained_bytes` may report anything, and
/// an overflow panic while the pool holds its locks would leave it stuck.
#[test]
fn huge_retained_bytes_saturate_the_totals() {
    let pool: Arc<Pool<Sized>> = Arc::new(Pool::builder().thread_cache(2).build());
    let guards: Vec<_> = (0..6).map(|_| pool.get()).collect();
    for mut guard in guards {
        guard.bytes = usize::MAX / 2 + 1;
    }
    let s = pool.stats();
    assert_eq!(s.idle, 6, "{s}");
    assert_eq!(s.retained_bytes, u64::MAX, "{s}");
    let local: LocalPool<Sized> = LocalPool::new();
    let guards: Vec<_> = (0..3).map(|_| local.get()).collect();
    for mut guard in guards {
        guard.bytes = usize::MAX;
    }
    assert_eq!(local.stats().retained_bytes, u64::MAX);
    // The pool is still usable: the totals come down as objects leave.
    drop((0..6).map(|_| pool.get()).collect::<Vec<_>>());
    pool.trim();
    pool.trim();
    assert_eq!(pool.stats().idle, 0);
}

/// After a mixed workload (gets, returns, `put` of objects the pool never made, detaches,
/// discards of every kind, trims, guards still out), every object is accounted for:
/// the identity of `Stats` (see its docs), and
/// `gets == reuses + creations`; for `Pool` (several threads) and `LocalPool`.
#[test]
fn the_stats_identity_holds_after_a_mixed_workload() {
    fn check(s: pool_core::Stats) {
        assert_eq!(s.gets, s.reuses + s.creations, "{s:?}");
        assert_eq!(
            s.creations + s.puts,
            s.idle + s.in_use + s.discards.total() + s.detached + s.trimmed + s.aged,
            "{s:?}"
        );
    }
    let pool: Arc<Pool<Sized>> = Arc::new(
        Pool::builder()
            .max_idle(3)
            .thread_cache(2)
            .max_retained_bytes(100)
            .build(),
    );
    // Every case of the match below comes up within 28 rounds; miri (CI runs this file there)
    // interprets every unwind of the panicking cases, so it runs 30.
    const ROUNDS: usize = if cfg!(miri) { 30 } else { 200 };
    thread::scope(|scope| {
        for t in 0..3 {
            let pool = &pool;
            scope.spawn(move || {
                for i in 0..ROUNDS {
                    let mut held: Vec<_> = (0..1 + (i + t) % 4).map(|_| pool.get()).collect();
                    match i % 7 {
                        0 => held[0].bytes = 1000, // oversized
                        1 => held[0].boom = true,  // retained_bytes panics
                        2 => drop(Pooled::detach(held.pop().unwrap())),
                        3 => pool.put(Sized::default()),
                        4 if t == 0 => drop(pool.trim()),
                        _ => {}
                    }
                }
            });
        }
    });
    // Two trims with nothing in use release every idle object.
    pool.trim();
    pool.trim();
    let out: Vec<_> = (0..4).map(|_| pool.get()).collect();
    let s = pool.stats();
    assert_eq!(s.in_use, 4, "{s:?}");
    assert!(
        s.puts > 0 && s.detached > 0 && s.discards.oversized > 0 && s.trimmed > 0,
        "{s:?}"
    );
    check(s);
    drop(out);
    check(pool.stats());

    let local: LocalPool<Sized> = LocalPool::builder()
        .max_idle(3)
        .max_retained_bytes(100)
        .build();
    for i in 0..ROUNDS {
        let mut held: Vec<_> = (0..1 + i % 5).map(|_| local.get()).collect();
        match i % 6 {
            0 => held[0].bytes = 1000,
            1 => held[0].boom = true,
            2 => drop(LocalPooled::detach(held.pop().unwrap())),
            3 => local.put(Sized::default()),
            4 => drop(local.trim()),
            _ => {}
        }
    }
    local.trim();
    local.trim();
    let out = local.get();
    let s = local.stats();
    assert!(
        s.puts > 0 && s.detached > 0 && s.discards.oversized > 0 && s.trimmed > 0,
        "{s:?}"
    );
    assert_eq!(s.in_use, 1, "{s:?}");
    check(s);
    drop(out);
    check(local.stats());
}
