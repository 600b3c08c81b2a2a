//! A stress test of the thread caches' owner/remote protocol sized for miri, which checks every
//! access of the run it interprets for data races and undefined behaviour (`.ci/run` runs it
//! over many scheduler seeds, `-Zmiri-many-seeds`, and requires the protocol mutations to make
//! miri report a race). Natively it is one more quick stress test.
//!
//! Three workers get, hold, detach and hand guards to each other (so that guards are dropped on
//! other threads and objects are stolen from caches whose owner is busy), beside a thread that
//! calls `trim()` and `stats()` in a loop, and a thread that starts short-lived threads which
//! use the pool and exit while the trims go on (their caches are left to the next thread).
//! Miri runs only the fence fallback of the protocol (`POOL_CORE_BARRIER=fence`: it has no
//! `membarrier`).

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, mpsc};
use std::thread;

use pool_core::{Pool, PoolBuilder, Poolable, PooledOwned};

/// Rounds per worker: a few under miri, which interprets every instruction and runs this once
/// per seed; more natively.
const ROUNDS: usize = if cfg!(miri) { 8 } else { 2_000 };
/// Short-lived threads started during the trims.
const EXITING: usize = if cfg!(miri) { 3 } else { 50 };

/// An object with an identity, a claim flag that catches a double hand-out, and data that must
/// not survive a reset.
struct Claimed {
    id: usize,
    claimed: AtomicBool,
    data: Vec<usize>,
    drops: Arc<AtomicUsize>,
}

impl Poolable for Claimed {
    fn reset(&mut self) {
        assert!(!self.claimed.load(Ordering::SeqCst), "reset while claimed");
        self.data.clear();
    }
}

impl Drop for Claimed {
    fn drop(&mut self) {
        self.drops.fetch_add(1, Ordering::SeqCst);
    }
}

/// Checks that a freshly got object came back reset.
fn fresh<G: std::ops::Deref<Target = Claimed>>(obj: G) -> G {
    assert!(obj.data.is_empty(), "object {} kept stale data", obj.id);
    obj
}

/// Claims `obj` for `who`, checks that nobody else had it, writes to it, lets the other threads
/// run, checks that nobody else wrote, and releases it.
fn hold(obj: &mut Claimed, who: usize) {
    assert!(
        !obj.claimed.swap(true, Ordering::SeqCst),
        "object {} handed out twice",
        obj.id
    );
    obj.data.push(who);
    thread::yield_now();
    assert_eq!(
        obj.data.last(),
        Some(&who),
        "object {} written by another holder",
        obj.id
    );
    obj.claimed.store(false, Ordering::SeqCst);
}

#[test]
fn workers_trims_stats_steals_foreign_drops_and_exiting_threads() {
    const WORKERS: usize = 3;
    let drops = Arc::new(AtomicUsize::new(0));
    let next = AtomicUsize::new(0);
    let d = Arc::clone(&drops);
    let pool: Arc<Pool<Claimed>> = Arc::new(
        PoolBuilder::from_factory(move || Claimed {
            id: next.fetch_add(1, Ordering::SeqCst),
            claimed: AtomicBool::new(false),
            data: Vec::with_capacity(1),
            drops: Arc::clone(&d),
        })
        // Small caches and bound: spills, refills and steals on almost every round.
        .thread_cache(2)
        .max_idle(4)
        .build(),
    );
    let done = Arc::new(AtomicBool::new(false));

    // trim() and stats() in a loop: each revokes every cache, with the fallback's fences.
    let remote = {
        let (pool, done) = (Arc::clone(&pool), Arc::clone(&done));
        thread::spawn(move || {
            let mut rounds = 0;
            while !done.load(Ordering::SeqCst) || rounds == 0 {
                pool.trim();
                let s = pool.stats();
                assert!(s.returns <= s.gets + s.puts, "{s}");
                rounds += 1;
                thread::yield_now();
            }
        })
    };

    // Threads that use the pool once, keep an object cached, and exit during the trims.
    let exiting = {
        let pool = Arc::clone(&pool);
        thread::spawn(move || {
            for t in 0..EXITING {
                let pool = Arc::clone(&pool);
                thread::spawn(move || {
                    let mut a = fresh(pool.get());
                    hold(&mut a, 100 + t);
                })
                .join()
                .unwrap();
            }
        })
    };

    // Each worker sends every other guard it takes to the next worker, which drops it (a
    // foreign drop, into the dropping thread's cache); it detaches some.
    let (txs, rxs): (Vec<_>, Vec<_>) = (0..WORKERS)
        .map(|_| mpsc::channel::<PooledOwned<Claimed>>())
        .unzip();
    let detached = Arc::new(AtomicUsize::new(0));
    let workers: Vec<_> = rxs
        .into_iter()
        .enumerate()
        .map(|(w, rx)| {
            let (pool, detached) = (Arc::clone(&pool), Arc::clone(&detached));
            let next = txs[(w + 1) % WORKERS].clone();
            thread::spawn(move || {
                for round in 0..ROUNDS {
                    let mut a = fresh(pool.get_owned());
                    let mut b = fresh(pool.get());
                    hold(&mut a, w);
                    hold(&mut b, w);
                    if round % 4 == 3 {
                        drop(pool_core::Pooled::detach(b));
                        detached.fetch_add(1, Ordering::SeqCst);
                    } else {
                        drop(b);
                    }
                    if round % 2 == 0 {
                        let _ = next.send(a);
                    }
                    while let Ok(mut foreign) = rx.try_recv() {
                        hold(&mut foreign, w);
                        drop(foreign);
                    }
                }
                drop(next);
                // What the previous worker still sends, until it is done.
                for mut foreign in rx {
                    hold(&mut foreign, w);
                }
            })
        })
        .collect();
    drop(txs);
    for w in workers {
        w.join().unwrap();
    }
    exiting.join().unwrap();
    done.store(true, Ordering::SeqCst);
    remote.join().unwrap();

    let s = pool.stats();
    let gets = (2 * WORKERS * ROUNDS + EXITING) as u64;
    let detached = detached.load(Ordering::SeqCst) as u64;
    assert_eq!(s.gets, gets, "{s}");
    assert_eq!((s.returns, s.detached), (gets - detached, detached), "{s}");
    assert_eq!(
        s.creations,
        s.idle + s.trimmed + s.aged + s.discards.total() + s.detached,
        "{s}"
    );
    drop(Arc::into_inner(pool).expect("the last handle"));
    assert_eq!(
        drops.load(Ordering::SeqCst) as u64,
        s.creations,
        "every object dropped exactly once (the detached ones by this test)"
    );
}
