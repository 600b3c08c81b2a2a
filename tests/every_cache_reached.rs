//! The pool reaches every thread's cache: `trim()` and the pool's drop release what a live but
//! idle thread cached, a `get()` that finds nothing at home takes idle objects from other
//! threads before it creates one, and objects that one thread gets and another drops do not
//! pile up or force new creations. Plus a stress run with a concurrent trimmer.

use std::collections::HashSet;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use pool_core::{Pool, PoolBuilder, Poolable};

/// A one-MiB object that counts its drops.
struct Big {
    data: Vec<u8>,
    drops: Arc<AtomicUsize>,
}

impl Poolable for Big {
    fn reset(&mut self) {
        self.data.clear();
    }
    fn retained_bytes(&self) -> usize {
        self.data.capacity()
    }
}

impl Drop for Big {
    fn drop(&mut self) {
        self.drops.fetch_add(1, Ordering::SeqCst);
    }
}

fn big_pool() -> (Arc<Pool<Big>>, Arc<AtomicUsize>) {
    let drops = Arc::new(AtomicUsize::new(0));
    let d = Arc::clone(&drops);
    let pool = Pool::with_factory(move || Big {
        data: Vec::with_capacity(1 << 20),
        drops: Arc::clone(&d),
    });
    (Arc::new(pool), drops)
}

/// Starts a thread that takes `n` objects at once, returns them all (into its own cache), then
/// stays alive, never touching the pool again, until `release` is dropped or sent to.
fn idle_thread_with_cached(
    pool: Arc<Pool<Big>>,
    n: usize,
    keep_handle: bool,
) -> (mpsc::Sender<()>, thread::JoinHandle<()>) {
    let (cached_tx, cached_rx) = mpsc::channel();
    let (release_tx, release_rx) = mpsc::channel::<()>();
    let handle = thread::spawn(move || {
        let guards: Vec<_> = (0..n).map(|_| pool.get()).collect();
        drop(guards);
        if !keep_handle {
            drop(pool);
        }
        cached_tx.send(()).unwrap();
        let _ = release_rx.recv();
    });
    cached_rx.recv().unwrap();
    (release_tx, handle)
}

#[test]
fn two_trims_release_what_a_live_idle_thread_cached() {
    let (pool, drops) = big_pool();
    let (release, worker) = idle_thread_with_cached(Arc::clone(&pool), 8, true);
    let before = pool.stats();
    assert_eq!((before.idle, before.creations), (8, 8), "{before}");
    assert!(before.retained_bytes >= 8 << 20);

    assert_eq!(pool.trim(), 0, "idle for less than a whole period");
    assert_eq!(pool.trim(), 8, "the live thread's cache is reached");
    let after = pool.stats();
    assert_eq!((after.idle, after.retained_bytes, after.trimmed), (0, 0, 8));
    assert_eq!(drops.load(Ordering::SeqCst), 8, "released means dropped");

    release.send(()).unwrap();
    worker.join().unwrap();
}

#[test]
fn an_object_used_between_two_trims_survives() {
    let (pool, _) = big_pool();
    let (release, worker) = idle_thread_with_cached(Arc::clone(&pool), 4, true);
    pool.trim();
    // This thread takes one object (stolen from the idle thread) and gives it back.
    drop(pool.get());
    assert_eq!(
        pool.trim(),
        3,
        "the three untouched objects go, the used one stays"
    );
    assert_eq!(pool.stats().idle, 1);
    assert_eq!(pool.trim(), 1, "untouched for a whole period now");
    release.send(()).unwrap();
    worker.join().unwrap();
}

#[test]
fn dropping_the_pool_frees_a_live_idle_threads_cache_before_it_exits() {
    let (pool, drops) = big_pool();
    let (release, worker) = idle_thread_with_cached(Arc::clone(&pool), 8, false);
    assert_eq!(
        Arc::strong_count(&pool),
        1,
        "the worker let go of its handle"
    );
    drop(pool);
    assert_eq!(
        drops.load(Ordering::SeqCst),
        8,
        "every object is freed while the thread that cached them is still alive"
    );
    release.send(()).unwrap();
    worker.join().unwrap();
    assert_eq!(drops.load(Ordering::SeqCst), 8, "and none twice");
}

#[test]
fn a_fresh_threads_gets_reuse_what_another_thread_cached() {
    let (pool, _) = big_pool();
    let (release, worker) = idle_thread_with_cached(Arc::clone(&pool), 8, true);
    let p = Arc::clone(&pool);
    thread::spawn(move || {
        // All eight held at once: each must come from the idle thread's cache.
        let held: Vec<_> = (0..8).map(|_| p.get()).collect();
        assert!(held.iter().all(|b| b.data.capacity() >= 1 << 20));
    })
    .join()
    .unwrap();
    let s = pool.stats();
    assert_eq!(s.creations, 8, "no object created while 8 sat idle: {s}");
    assert_eq!(s.reuses, 8, "{s}");
    release.send(()).unwrap();
    worker.join().unwrap();
}

#[test]
fn an_exited_threads_slot_is_reached_by_trim_and_drop() {
    let (pool, drops) = big_pool();
    let p = Arc::clone(&pool);
    thread::spawn(move || drop((0..5).map(|_| p.get()).collect::<Vec<_>>()))
        .join()
        .unwrap();
    assert_eq!(pool.stats().idle, 5);
    pool.trim();
    assert_eq!(pool.trim(), 5);
    let p = Arc::clone(&pool);
    thread::spawn(move || drop((0..3).map(|_| p.get()).collect::<Vec<_>>()))
        .join()
        .unwrap();
    drop(pool);
    assert_eq!(drops.load(Ordering::SeqCst), 8);
}

/// One thread gets, another drops what it is sent (a task that moves between runtime workers).
/// The dropping thread's cache spills to the shared tier and the getter refills from it, so a
/// bounded number of objects serves all 20,000.
#[test]
fn producer_consumer_creates_a_bounded_number() {
    // Under miri (CI runs this file there too), a few hundred: it interprets every instruction.
    const N: usize = if cfg!(miri) { 300 } else { 20_000 };
    const IN_FLIGHT: usize = 32;
    let pool: Arc<Pool<Vec<u8>>> = Arc::new(Pool::with_factory(|| Vec::with_capacity(256)));
    let (tx, rx) = mpsc::sync_channel(IN_FLIGHT);
    let p = Arc::clone(&pool);
    let producer = thread::spawn(move || {
        for i in 0..N {
            let mut buf = p.get_owned();
            assert!(buf.is_empty(), "stale data handed out");
            buf.extend_from_slice(&i.to_le_bytes());
            tx.send(buf).unwrap();
        }
    });
    let consumer = thread::spawn(move || {
        for buf in rx {
            assert_eq!(buf.len(), 8);
            drop(buf);
        }
    });
    producer.join().unwrap();
    consumer.join().unwrap();
    let s = pool.stats();
    assert_eq!((s.gets, s.returns), (N as u64, N as u64), "{s}");
    // In flight: the channel, one guard at each end, and what the two caches hold.
    let bound = (IN_FLIGHT + 2 + 2 * 16) as u64;
    assert!(
        s.creations <= bound,
        "{} creations for {N} objects: {s}",
        s.creations
    );
    assert_eq!(s.idle, s.creations, "{s}");
}

/// An object with an identity and a claim flag, to see a double hand-out, and data that must
/// not survive a reset.
struct Claimed {
    id: usize,
    claimed: AtomicBool,
    data: Vec<u64>,
    drops: Arc<AtomicUsize>,
}

impl Poolable for Claimed {
    fn reset(&mut self) {
        self.data.clear();
    }
}

impl Drop for Claimed {
    fn drop(&mut self) {
        self.drops.fetch_add(1, Ordering::SeqCst);
    }
}

/// Eight threads get, write and return while a ninth trims every ~50 µs: no object is held
/// twice, none is handed out with a previous user's data, and after the pool drops every object
/// ever created was dropped exactly once. (Three threads and a few dozen rounds under miri.)
#[test]
fn stress_eight_threads_with_a_concurrent_trimmer() {
    const THREADS: usize = if cfg!(miri) { 3 } else { 8 };
    const OPS: usize = if cfg!(miri) { 40 } else { 20_000 };
    let drops = Arc::new(AtomicUsize::new(0));
    let next = AtomicUsize::new(0);
    let d = Arc::clone(&drops);
    let pool: Arc<Pool<Claimed>> = Arc::new(
        PoolBuilder::from_factory(move || Claimed {
            id: next.fetch_add(1, Ordering::SeqCst),
            claimed: AtomicBool::new(false),
            data: Vec::new(),
            drops: Arc::clone(&d),
        })
        .thread_cache(8)
        .build(),
    );
    let ids = Arc::new(Mutex::new(HashSet::new()));
    let done = Arc::new(AtomicBool::new(false));
    // Trims done so far: each worker waits, halfway through, for one that started after its
    // own start, so that every worker overlaps a trim however the threads are scheduled.
    let trims = Arc::new(AtomicU64::new(0));
    let trimmer = {
        let (pool, done, trims) = (Arc::clone(&pool), Arc::clone(&done), Arc::clone(&trims));
        thread::spawn(move || {
            while !done.load(Ordering::SeqCst) {
                pool.trim();
                trims.fetch_add(1, Ordering::SeqCst);
                let until = Instant::now() + Duration::from_micros(50);
                while Instant::now() < until {
                    std::hint::spin_loop();
                }
            }
            trims.load(Ordering::SeqCst)
        })
    };
    let workers: Vec<_> = (0..THREADS)
        .map(|t| {
            let (pool, ids, trims) = (Arc::clone(&pool), Arc::clone(&ids), Arc::clone(&trims));
            thread::spawn(move || {
                let mut seen = HashSet::new();
                let trims_at_start = trims.load(Ordering::SeqCst);
                for i in 0..OPS {
                    if i == OPS / 2 {
                        // Two more trims: one of them began after this worker started.
                        while trims.load(Ordering::SeqCst) < trims_at_start + 2 {
                            thread::yield_now();
                        }
                    }
                    let mut a = pool.get();
                    let mut b = pool.get();
                    for obj in [&mut a, &mut b] {
                        assert!(
                            !obj.claimed.swap(true, Ordering::SeqCst),
                            "object {} handed out twice",
                            obj.id
                        );
                        assert!(obj.data.is_empty(), "object {} kept stale data", obj.id);
                        obj.data.extend([t as u64, i as u64]);
                        seen.insert(obj.id);
                    }
                    assert_ne!(a.id, b.id);
                    for obj in [&mut a, &mut b] {
                        obj.claimed.store(false, Ordering::SeqCst);
                    }
                }
                ids.lock().unwrap().extend(seen);
            })
        })
        .collect();
    for w in workers {
        w.join().unwrap();
    }
    done.store(true, Ordering::SeqCst);
    let trims = trimmer.join().unwrap();
    assert!(trims >= 2, "the trimmer ran concurrently ({trims} trims)");

    let s = pool.stats();
    let ops = (THREADS * OPS * 2) as u64;
    assert_eq!((s.gets, s.returns), (ops, ops), "{s}");
    assert_eq!(s.creations, s.idle + s.trimmed + s.discards.total(), "{s}");
    assert_eq!(
        ids.lock().unwrap().len() as u64,
        s.creations,
        "ids are unique"
    );
    let before = drops.load(Ordering::SeqCst) as u64;
    assert_eq!(
        before, s.trimmed,
        "trimmed objects were dropped, the others not yet"
    );
    drop(pool);
    assert_eq!(
        drops.load(Ordering::SeqCst) as u64,
        s.creations,
        "each dropped exactly once"
    );
}

/// The idle bound holds while threads steal from each other and return objects taken on other
/// threads: with `max_idle(0)` and `thread_cache(4)`, no sample of `stats()` ever shows more
/// than four idle objects per thread cache (a steal never takes a cache past its bound).
#[test]
fn stress_idle_bound_holds_under_steals_and_foreign_returns() {
    const THREADS: usize = 4;
    const CACHE: u64 = 4;
    const ROUNDS: usize = if cfg!(miri) { 25 } else { 3000 };
    let pool: Arc<Pool<Vec<u8>>> = Arc::new(Pool::builder().max_idle(0).thread_cache(4).build());
    let stop = Arc::new(AtomicBool::new(false));
    // Set by the monitor after its first sample: the workers start then, so that it samples
    // while they run however late the scheduler starts it.
    let sampling = Arc::new(AtomicBool::new(false));
    let (txs, rxs): (Vec<_>, Vec<_>) = (0..THREADS).map(|_| mpsc::channel()).unzip();
    let workers: Vec<_> = rxs
        .into_iter()
        .enumerate()
        .map(
            |(i, rx): (usize, mpsc::Receiver<pool_core::PooledOwned<Vec<u8>>>)| {
                let (pool, sampling) = (Arc::clone(&pool), Arc::clone(&sampling));
                let next = txs[(i + 1) % THREADS].clone();
                thread::spawn(move || {
                    while !sampling.load(Ordering::SeqCst) {
                        thread::yield_now();
                    }
                    for round in 0..ROUNDS {
                        let held: Vec<_> =
                            (0..1 + (round + i) % 6).map(|_| pool.get_owned()).collect();
                        for (k, guard) in held.into_iter().enumerate() {
                            if k % 2 == 0 {
                                let _ = next.send(guard);
                            }
                        }
                        while let Ok(foreign) = rx.try_recv() {
                            drop(foreign);
                        }
                    }
                    drop(next);
                    while let Ok(foreign) = rx.recv_timeout(Duration::from_millis(50)) {
                        drop(foreign);
                    }
                })
            },
        )
        .collect();
    drop(txs);
    let monitor = {
        let (pool, stop) = (Arc::clone(&pool), Arc::clone(&stop));
        let sampling = Arc::clone(&sampling);
        thread::spawn(move || {
            let mut samples = 0;
            while !stop.load(Ordering::SeqCst) {
                let s = pool.stats();
                assert!(s.idle <= CACHE * s.thread_caches, "idle bound broken: {s}");
                samples += 1;
                sampling.store(true, Ordering::SeqCst);
                thread::sleep(Duration::from_micros(200));
            }
            samples
        })
    };
    for w in workers {
        w.join().unwrap();
    }
    stop.store(true, Ordering::SeqCst);
    let samples = monitor.join().unwrap();
    let s = pool.stats();
    assert!(samples > 0);
    assert!(s.idle <= CACHE * s.thread_caches, "{s}");
    assert_eq!(s.gets, s.returns, "{s}");
}
