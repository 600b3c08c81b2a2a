//! Every creation and every discard has its reason in `Stats`, and the counts add up after a
//! mixed workload (gets, returns, puts, detaches, oversized returns, panicking resets, an idle
//! bound, trims) on several threads:
//!
//! - `gets == reuses + creations`, `creations == creation_reasons.total()`, and `gets` is the
//!   number of gets the workload made;
//! - `returns == kept + discards.total()`, where *kept* (returns whose object became idle) is
//!   `idle + reuses + trimmed` once the pool is quiet: every idle object came back through a
//!   return and leaves only by a reuse or a trim.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Barrier};

use pool_core::{BufferPool, LocalPool, Pool, Poolable, Pooled, Stats};

/// A buffer whose reset panics once it holds the byte 0xFF.
#[derive(Default)]
struct Fragile(Vec<u8>);

impl Poolable for Fragile {
    fn reset(&mut self) {
        assert!(
            !self.0.contains(&0xFF),
            "poisoned buffer (this panic is part of the test)"
        );
        self.0.clear();
    }
    fn retained_bytes(&self) -> usize {
        self.0.capacity()
    }
}

/// What the workload did, counted by the workload.
#[derive(Default)]
struct Made {
    gets: AtomicU64,
    returns: AtomicU64,
    oversized: AtomicU64,
    poisoned: AtomicU64,
    detached: AtomicU64,
}

const MAX_RETAINED: usize = 1 << 12;

/// Step `i` of the mixed workload on `pool`.
fn step(pool: &Pool<Fragile>, made: &Made, i: u64) {
    let bump = |c: &AtomicU64| c.fetch_add(1, Ordering::Relaxed);
    let mut guards: Vec<Pooled<'_, Fragile>> = (0..1 + i % 5).map(|_| pool.get()).collect();
    made.gets.fetch_add(guards.len() as u64, Ordering::Relaxed);
    match i % 7 {
        0 => {
            guards[0].0.reserve(MAX_RETAINED * 2);
            bump(&made.oversized);
        }
        1 => {
            guards[0].0.push(0xFF);
            bump(&made.poisoned);
        }
        2 => {
            Pooled::detach(guards.pop().expect("one guard at least"));
            bump(&made.detached);
        }
        3 => {
            pool.put(Fragile(Vec::with_capacity(64)));
            bump(&made.returns);
        }
        _ => guards[0].0.extend_from_slice(b"payload"),
    }
    made.returns
        .fetch_add(guards.len() as u64, Ordering::Relaxed);
    drop(guards);
    if i % 50 == 49 {
        pool.trim();
    }
}

/// The identities, and the counts the workload knows.
fn check(stats: &Stats, made: &Made) {
    let load = |c: &AtomicU64| c.load(Ordering::Relaxed);
    assert_eq!(stats.gets, load(&made.gets), "{stats:?}");
    assert_eq!(stats.gets, stats.reuses + stats.creations, "{stats:?}");
    assert_eq!(stats.creations, stats.creation_reasons.total(), "{stats:?}");
    assert_eq!(stats.returns, load(&made.returns), "{stats:?}");
    let kept = stats.idle + stats.reuses + stats.trimmed;
    assert_eq!(stats.returns, kept + stats.discards.total(), "{stats:?}");
    assert_eq!(stats.discards.oversized, load(&made.oversized), "{stats:?}");
    assert_eq!(
        stats.discards.reset_panicked,
        load(&made.poisoned),
        "{stats:?}"
    );
    assert_eq!(stats.detached, load(&made.detached), "{stats:?}");
}

/// Silences the panics of `Fragile::reset` (caught by the pool), and only those.
fn quiet_expected_panics() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let expected = info
            .payload()
            .downcast_ref::<String>()
            .is_some_and(|m| m.contains("part of the test"));
        if !expected {
            default(info);
        }
    }));
}

#[test]
fn the_counts_of_a_mixed_workload_on_eight_threads_add_up() {
    quiet_expected_panics();
    let pool: Arc<Pool<Fragile>> = Arc::new(
        Pool::builder()
            .max_retained_bytes(MAX_RETAINED)
            .max_idle(4)
            .thread_cache(2)
            .build(),
    );
    let made = Arc::new(Made::default());
    let threads: Vec<_> = (0..8)
        .map(|t| {
            let (pool, made) = (Arc::clone(&pool), Arc::clone(&made));
            std::thread::spawn(move || {
                for i in 0..400 {
                    step(&pool, &made, t * 1000 + i);
                }
            })
        })
        .collect();
    for thread in threads {
        thread.join().expect("a worker panicked");
    }
    check(&pool.stats(), &made);
    // A burst past the idle bound (2 in this thread's cache, 4 in the tier), and two trims.
    let burst: Vec<_> = (0..20).map(|_| pool.get()).collect();
    made.gets.fetch_add(20, Ordering::Relaxed);
    made.returns.fetch_add(20, Ordering::Relaxed);
    drop(burst);
    pool.trim();
    pool.trim();
    let stats = pool.stats();
    check(&stats, &made);
    assert!(
        stats.discards.over_idle_bound >= 14,
        "the idle bound was hit: {stats:?}"
    );
    assert!(stats.trimmed >= 6 && stats.reuses > 0, "{stats:?}");
}

#[test]
fn a_local_pool_and_a_buffer_pool_keep_the_same_identities() {
    let local: LocalPool<Vec<u8>> = LocalPool::builder().max_idle(2).build();
    for i in 0..100 {
        let guards: Vec<_> = (0..1 + i % 4).map(|_| local.get()).collect();
        drop(guards);
        if i % 10 == 9 {
            local.trim();
        }
    }
    let s = local.stats();
    assert_eq!(s.gets, 250);
    assert_eq!((s.gets, s.returns), (s.reuses + s.creations, 250));
    assert_eq!(
        s.creation_reasons.empty, s.creations,
        "one thread: nothing out of reach"
    );
    assert_eq!(
        s.returns,
        s.idle + s.reuses + s.trimmed + s.discards.total(),
        "{s:?}"
    );
    assert!(s.discards.over_idle_bound > 0, "{s:?}");

    let buffers = BufferPool::new();
    for i in 0..100 {
        let guards: Vec<_> = (0..1 + i % 3)
            .map(|_| buffers.get(100 << (i % 12)))
            .collect();
        drop(guards);
    }
    buffers.trim();
    buffers.trim();
    let s = buffers.stats();
    assert_eq!(s.gets, 199, "{s:?}");
    assert_eq!(s.gets, s.reuses + s.creations, "{s:?}");
    assert_eq!(s.creations, s.creation_reasons.total(), "{s:?}");
    assert_eq!(
        s.returns,
        s.idle + s.reuses + s.trimmed + s.discards.total(),
        "{s:?}"
    );
    assert!(s.trimmed > 0, "{s:?}");
}

/// The steal probes a few caches, not all: with more threads than that, a creation cannot
/// know whether the caches it skipped held an idle object, and says so; with few threads it
/// looked everywhere, and the pool was empty.
#[test]
fn a_creation_that_could_not_search_every_cache_counts_as_out_of_reach() {
    for (threads, expect_out_of_reach) in [(3, false), (12, true)] {
        let pool: Arc<Pool<Vec<u8>>> = Arc::new(Pool::new());
        // Each thread makes its cache and leaves it empty (the object is detached), and stays
        // alive until the main thread's get, so that no two share a cache.
        let ready = Arc::new(Barrier::new(threads + 1));
        let done = Arc::new(Barrier::new(threads + 1));
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                let (pool, ready, done) =
                    (Arc::clone(&pool), Arc::clone(&ready), Arc::clone(&done));
                std::thread::spawn(move || {
                    Pooled::detach(pool.get());
                    ready.wait();
                    done.wait();
                })
            })
            .collect();
        ready.wait();
        let before = pool.stats();
        assert_eq!(before.thread_caches, threads as u64);
        assert_eq!(before.idle, 0);
        drop(pool.get()); // a new cache, an empty tier, empty caches elsewhere: a creation
        let after = pool.stats();
        done.wait();
        for worker in workers {
            worker.join().expect("a worker panicked");
        }
        let out_of_reach =
            after.creation_reasons.out_of_reach - before.creation_reasons.out_of_reach;
        let empty = after.creation_reasons.empty - before.creation_reasons.empty;
        let expected = if expect_out_of_reach { (0, 1) } else { (1, 0) };
        assert_eq!(
            (empty, out_of_reach),
            expected,
            "{threads} threads: {after:?}"
        );
    }
}
