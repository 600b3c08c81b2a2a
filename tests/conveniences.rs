//! The conveniences other pools have: `try_get` (never creates), `prefill` (a warm-up),
//! `max_live` (a cap, `get` waiting and `try_get` refusing at it), and the in-use gauge, with
//! the stats identity they keep.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Barrier};
use std::thread;
use std::time::Duration;

use pool_core::{LocalPool, Pool, PoolBuilder, Poolable, Stats};

/// Every object ever had is accounted for, and the gets add up.
fn check_identity(s: Stats) {
    assert_eq!(s.gets, s.reuses + s.creations - s.prefilled, "{s:?}");
    assert_eq!(
        s.creations + s.puts,
        s.idle + s.in_use + s.discards.total() + s.detached + s.trimmed + s.aged,
        "{s:?}"
    );
}

#[test]
fn try_get_never_creates_and_finds_what_other_threads_cached() {
    let pool: Arc<Pool<Vec<u8>>> = Arc::new(Pool::new());
    assert!(pool.try_get().is_none());
    assert!(pool.try_get_owned().is_none());
    assert_eq!(pool.stats().creations, 0);
    // Another thread caches two objects in its own cache and stays alive.
    let (cached_tx, cached_rx) = std::sync::mpsc::channel();
    let (done_tx, done_rx) = std::sync::mpsc::channel::<()>();
    let other = {
        let pool = Arc::clone(&pool);
        thread::spawn(move || {
            drop((pool.get(), pool.get()));
            cached_tx.send(()).unwrap();
            let _ = done_rx.recv();
        })
    };
    cached_rx.recv().unwrap();
    let (a, b) = (pool.try_get(), pool.try_get());
    assert!(
        a.is_some() && b.is_some(),
        "an idle object in another cache was out of reach"
    );
    assert!(pool.try_get().is_none());
    drop((a, b));
    done_tx.send(()).unwrap();
    other.join().unwrap();
    let s = pool.stats();
    assert_eq!((s.creations, s.reuses), (2, 2), "{s:?}");
    check_identity(s);

    let local: LocalPool<String> = LocalPool::new();
    assert!(local.try_get().is_none());
    drop(local.get());
    assert!(local.try_get().is_some());
    assert_eq!(local.stats().creations, 1);
}

#[test]
fn prefill_warms_every_thread_and_respects_max_idle() {
    let made = Arc::new(AtomicUsize::new(0));
    let m = Arc::clone(&made);
    let pool: Arc<Pool<Vec<u8>>> = Arc::new(Pool::with_factory(move || {
        m.fetch_add(1, Ordering::SeqCst);
        Vec::with_capacity(1024)
    }));
    assert_eq!(pool.prefill(8), 8);
    let s = pool.stats();
    assert_eq!(
        (s.idle, s.creations, s.prefilled, s.gets, s.in_use),
        (8, 8, 8, 0, 0)
    );
    check_identity(s);
    // Four threads take two each, in turn, and hold them until all four have theirs: all eight
    // come from the prefill (a refill from the tier, then steals), none is made. In turn,
    // because a thief that probes another thread's cache between that thread's refill from the
    // tier and the store of its length hint finds nothing and creates (the Stats docs), which
    // would make the count below depend on the scheduler.
    let all_hold = Barrier::new(4);
    let mut turn = Vec::new();
    let (first_tx, mut prev_rx) = std::sync::mpsc::channel::<()>();
    first_tx.send(()).unwrap();
    for _ in 0..4 {
        let (tx, rx) = std::sync::mpsc::channel::<()>();
        turn.push((std::mem::replace(&mut prev_rx, rx), tx));
    }
    thread::scope(|scope| {
        for (my_turn, next_turn) in turn {
            let (pool, all_hold) = (&pool, &all_hold);
            scope.spawn(move || {
                my_turn.recv().unwrap();
                let held = (pool.get(), pool.get());
                next_turn.send(()).unwrap();
                assert!(held.0.capacity() >= 1024 && held.1.capacity() >= 1024);
                all_hold.wait();
            });
        }
    });
    assert_eq!(
        made.load(Ordering::SeqCst),
        8,
        "a get made an object while 8 were prefilled"
    );
    let s = pool.stats();
    assert_eq!((s.gets, s.reuses, s.creations), (8, 8, 8), "{s:?}");
    check_identity(s);

    let bounded: Pool<Vec<u8>> = Pool::builder().max_idle(3).build();
    assert_eq!(bounded.prefill(10), 3, "prefill stops at max_idle");
    assert_eq!(bounded.stats().idle, 3);
    let local: LocalPool<Vec<u8>> = LocalPool::builder().max_idle(2).build();
    assert_eq!(local.prefill(5), 2);
    check_identity(local.stats());
}

/// An object that counts how many exist at once, and the most ever.
struct Scarce {
    live: Arc<(AtomicUsize, AtomicUsize)>,
}

impl Scarce {
    fn new(live: &Arc<(AtomicUsize, AtomicUsize)>) -> Self {
        let now = live.0.fetch_add(1, Ordering::SeqCst) + 1;
        live.1.fetch_max(now, Ordering::SeqCst);
        Scarce {
            live: Arc::clone(live),
        }
    }
}

impl Drop for Scarce {
    fn drop(&mut self) {
        self.live.0.fetch_sub(1, Ordering::SeqCst);
    }
}

impl Poolable for Scarce {
    fn reset(&mut self) {}
}

#[test]
fn stress_max_live_caps_the_objects_and_every_get_completes() {
    let live = Arc::new((AtomicUsize::new(0), AtomicUsize::new(0)));
    let l = Arc::clone(&live);
    let pool: Pool<Scarce> = PoolBuilder::from_factory(move || Scarce::new(&l))
        .max_live(3)
        .thread_cache(2)
        .build();
    let start = Barrier::new(4);
    thread::scope(|scope| {
        for t in 0..4usize {
            let (pool, start) = (&pool, &start);
            scope.spawn(move || {
                start.wait();
                for i in 0..300usize {
                    // Hold one or two at a time: 4 threads want up to 8, the cap is 3.
                    let a = pool.get();
                    let b = ((i + t) % 3 == 0).then(|| pool.try_get()).flatten();
                    thread::yield_now();
                    drop((a, b));
                }
            });
        }
    });
    let s = pool.stats();
    assert!(
        live.1.load(Ordering::SeqCst) <= 3,
        "more than 3 objects existed at once"
    );
    assert!(s.creations <= 3, "{s:?}");
    assert_eq!(s.in_use, 0, "{s:?}");
    check_identity(s);
}

#[test]
fn at_the_cap_get_waits_until_an_object_leaves_and_try_get_refuses() {
    let live = Arc::new((AtomicUsize::new(0), AtomicUsize::new(0)));
    let l = Arc::clone(&live);
    let pool: Arc<Pool<Scarce>> = Arc::new(
        PoolBuilder::from_factory(move || Scarce::new(&l))
            .max_live(1)
            .build(),
    );
    let held = pool.get();
    assert!(pool.try_get().is_none(), "try_get refuses at the cap");
    // Set just before the object leaves: the waiter's get must return only after it.
    let left = Arc::new(AtomicBool::new(false));
    let (started_tx, started_rx) = std::sync::mpsc::channel();
    let waiter = {
        let (pool, left) = (Arc::clone(&pool), Arc::clone(&left));
        thread::spawn(move || {
            started_tx.send(()).unwrap();
            let got = pool.get();
            let waited = left.load(Ordering::SeqCst);
            drop(got);
            waited
        })
    };
    started_rx.recv().unwrap();
    // Time for the waiter to reach its get (if it has not yet, it gets there later and the
    // checks below hold all the same: they do not depend on how long this takes).
    thread::sleep(Duration::from_millis(30));
    assert!(!waiter.is_finished(), "the get did not wait at the cap");
    // Detaching takes the object out of the pool: the cap has room again, the waiter creates.
    // The detached object is the caller's from then on, and is kept until the waiter is done,
    // so that what exists at once does not depend on when the waiter wakes: the caller's
    // object and the pool's one new object, never more.
    left.store(true, Ordering::SeqCst);
    let detached = pool_core::Pooled::detach(held);
    assert!(
        waiter.join().unwrap(),
        "the waiter's get returned before the object left"
    );
    assert_eq!(
        live.1.load(Ordering::SeqCst),
        2,
        "the detached one and one new"
    );
    drop(detached);
    let s = pool.stats();
    assert_eq!((s.creations, s.detached, s.idle), (2, 1, 1), "{s:?}");
    check_identity(s);
}

#[test]
#[should_panic(expected = "max_live(0)")]
fn max_live_zero_is_refused_at_build() {
    let _ = Pool::<Vec<u8>>::builder().max_live(0).build();
}
