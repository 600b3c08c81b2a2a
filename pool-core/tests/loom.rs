//! Loom models of the pool's concurrent paths: the owner's get/put on its cache racing with the
//! cache-tier exchange, with `trim()`, with `stats()`, with a last-resort steal (one thief, two
//! thieves at once), with a guard dropped on another thread while the owner steals, and with the
//! pool's drop.
//!
//! The thread caches' owner/remote protocol runs with both of its barriers as `fence(SeqCst)`
//! under loom (the semantics `membarrier` gives the owner's compiler fence), so loom checks the
//! protocol itself. The mutation check breaks it on purpose and these models must then fail:
//! `RUSTFLAGS="--cfg loom --cfg pool_core_mutation=\"no_heavy_barrier\""` (the remote's
//! fence removed) or `relaxed_busy_release` (the owner's release of its busy flag weakened),
//! which loom reports as a causality violation on a cache's stack, and `double_hand_out` (a steal
//! that copies the objects it takes instead of moving them), which only [`hold`] can see: the
//! objects live in plain heap boxes that loom does not track, so the models mark each object
//! they hold and yield to the model while it is marked.
//!
//! Run with `RUSTFLAGS="--cfg loom" cargo test -p pool-core --release --test loom`.
#![cfg(loom)]

use loom::thread;
use pool_core::{Pool, PoolBuilder, Poolable};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

/// Under the `double_hand_out` mutation the pool keeps two boxes for one object, and dropping
/// both would abort the process with a double free before the models report the double hand-out
/// they are there to find: this allocator leaks the 128-byte-aligned blocks (the pool's object
/// boxes and caches; loom's own blocks are not aligned that much) instead of freeing them.
#[cfg(pool_core_mutation = "double_hand_out")]
mod leak_boxes {
    use std::alloc::{GlobalAlloc, Layout, System};

    struct LeakBoxes;

    // SAFETY: every call is forwarded to `System`, except frees of 128-byte-aligned blocks, which
    // are skipped (a leak is safe).
    unsafe impl GlobalAlloc for LeakBoxes {
        unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
            // SAFETY: the caller's contract is `System`'s.
            unsafe { System.alloc(layout) }
        }
        unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
            if layout.align() < 128 {
                // SAFETY: the caller's contract is `System`'s.
                unsafe { System.dealloc(ptr, layout) }
            }
        }
    }

    #[global_allocator]
    static LEAK_BOXES: LeakBoxes = LeakBoxes;
}

/// Runs `f` under loom with a bounded number of preemptions, so each model finishes in seconds.
fn run_model(f: impl Fn() + Sync + Send + 'static) {
    let mut builder = loom::model::Builder::new();
    builder.preemption_bound = Some(3);
    builder.max_branches = 100_000;
    builder.check(f);
}

/// An object with an identity, to check that no two holders ever share one, and a drop count.
struct Obj {
    id: usize,
    /// Set while a model thread holds the object (see [`hold`]). A std atomic, not loom's: loom
    /// need not model it (its threads run one at a time), and it keeps the compiler from merging
    /// the mark with its clearing around the yield, which a plain `bool` behind `&mut` allows.
    held: AtomicBool,
    /// A leaked counter rather than an `Arc`: an object dropped twice (the `double_hand_out`
    /// mutation) must not free its counter under the other copy.
    drops: &'static AtomicUsize,
}

impl Poolable for Obj {
    fn reset(&mut self) {
        assert!(
            !self.held.load(Ordering::Relaxed),
            "object {} reset while held: handed out twice",
            self.id
        );
    }
}

impl Drop for Obj {
    fn drop(&mut self) {
        self.drops.fetch_add(1, Ordering::Relaxed);
    }
}

/// A pool of numbered objects, and the counter their drops add to.
fn numbered_pool(cache: usize, max_idle: usize) -> (Arc<Pool<Obj>>, &'static AtomicUsize) {
    let (pool, drops, _) = counted_pool(cache, max_idle);
    (pool, drops)
}

/// A pool of numbered objects, the counter their drops add to, and the number made so far.
fn counted_pool(
    cache: usize,
    max_idle: usize,
) -> (Arc<Pool<Obj>>, &'static AtomicUsize, Arc<AtomicUsize>) {
    counted_pool_with(|builder| builder.thread_cache(cache).max_idle(max_idle))
}

/// [`counted_pool`] with the builder's settings up to `configure`.
fn counted_pool_with(
    configure: impl FnOnce(PoolBuilder<Obj>) -> PoolBuilder<Obj>,
) -> (Arc<Pool<Obj>>, &'static AtomicUsize, Arc<AtomicUsize>) {
    let made = Arc::new(AtomicUsize::new(0));
    // One small leak per model execution.
    let drops: &'static AtomicUsize = Box::leak(Box::new(AtomicUsize::new(0)));
    let (d, m) = (drops, Arc::clone(&made));
    let builder = PoolBuilder::from_factory(move || Obj {
        id: m.fetch_add(1, Ordering::Relaxed),
        held: AtomicBool::new(false),
        drops: d,
    });
    (Arc::new(configure(builder).build()), drops, made)
}

/// Holds an object for a moment: marks it, lets every other model thread run (a yield point,
/// so loom explores the interleavings in which another holder of the same object marks or
/// clears it meanwhile), then checks that the mark is still this holder's and clears it. Fails
/// with "handed out twice" when two threads hold one object at once.
fn hold(obj: &mut Obj) {
    let id = obj.id;
    assert!(
        !obj.held.swap(true, Ordering::Relaxed),
        "object {id} handed out twice: held by another thread"
    );
    thread::yield_now();
    assert!(
        obj.held.swap(false, Ordering::Relaxed),
        "object {id} handed out twice: another holder let go of it meanwhile"
    );
}

/// Two threads each hold two objects at once with a one-object cache, so every return spills to
/// the tier and every get refills from it. Afterwards every idle object is reachable from
/// this thread: its gets reuse them (tier, then the other threads' slots) and create nothing.
#[test]
fn cache_and_tier_exchange() {
    run_model(|| {
        let (pool, _) = numbered_pool(1, usize::MAX);
        let handles: Vec<_> = (0..2)
            .map(|_| {
                let pool = Arc::clone(&pool);
                thread::spawn(move || {
                    let mut a = pool.get();
                    let mut b = pool.get();
                    assert_ne!(a.id, b.id, "object handed out twice to one thread");
                    hold(&mut a);
                    hold(&mut b);
                })
            })
            .collect();
        for h in handles {
            h.join().unwrap();
        }
        let s = pool.stats();
        assert_eq!((s.gets, s.returns), (4, 4), "{s}");
        assert_eq!(s.creations, s.idle + s.discards.total(), "{s}");
        let again: Vec<_> = (0..s.idle).map(|_| pool.get()).collect();
        assert_eq!(
            pool.stats().creations,
            s.creations,
            "an idle object was out of reach"
        );
        drop(again);
    });
}

/// The idle bound holds while two threads return objects at once.
#[test]
fn idle_bound_under_concurrent_returns() {
    run_model(|| {
        let (pool, _) = numbered_pool(0, 1);
        let handles: Vec<_> = (0..2)
            .map(|_| {
                let pool = Arc::clone(&pool);
                thread::spawn(move || drop(pool.get()))
            })
            .collect();
        for h in handles {
            h.join().unwrap();
        }
        let s = pool.stats();
        assert!(s.idle <= 1);
        assert_eq!(s.creations, s.idle + s.discards.over_idle_bound);
    });
}

/// `trim()` on one thread visits the slot of another thread that is getting and returning at
/// the same time: nothing is lost, released twice or double-counted, and two trims with no use
/// in between release everything idle, the worker's slot included.
#[test]
fn trim_races_with_owner() {
    run_model(|| {
        let (pool, drops) = numbered_pool(2, usize::MAX);
        drop(pool.get());
        let p = Arc::clone(&pool);
        let worker = thread::spawn(move || {
            let mut a = p.get();
            hold(&mut a);
            drop(a);
            let mut b = p.get();
            hold(&mut b);
        });
        let released = pool.trim() + pool.trim();
        worker.join().unwrap();
        let s = pool.stats();
        assert_eq!(s.returns, 3, "{s}");
        assert_eq!(s.trimmed as usize, released, "{s}");
        assert_eq!(s.creations, s.idle + s.trimmed + s.discards.total(), "{s}");
        assert_eq!(drops.load(Ordering::Relaxed), released);
        // Quiet now: two trims release every idle object, wherever it is cached.
        pool.trim();
        pool.trim();
        let s = pool.stats();
        assert_eq!(s.idle, 0, "{s}");
        assert_eq!(drops.load(Ordering::Relaxed) as u64, s.creations);
    });
}

/// A thread whose slot and the tier are empty steals from a thread that is using its own slot
/// at the same time: no object is held by both, and the thief creates nothing while the
/// other slot has idle objects.
#[test]
fn steal_races_with_owner() {
    run_model(|| {
        let (pool, _) = numbered_pool(4, usize::MAX);
        // The owner fills its slot with two objects, then keeps using it.
        let p = Arc::clone(&pool);
        let (filled_tx, filled_rx) = loom::sync::mpsc::channel();
        let owner = thread::spawn(move || {
            let a = p.get();
            let b = p.get();
            drop((a, b));
            filled_tx.send(()).unwrap();
            let mut c = p.get();
            hold(&mut c);
        });
        filled_rx.recv().unwrap();
        let mut stolen = pool.get();
        hold(&mut stolen);
        drop(stolen);
        owner.join().unwrap();
        let s = pool.stats();
        // Two objects exist, the owner's two: the thief took one of them, waiting for the owner's
        // critical section if need be.
        assert_eq!(s.creations, 2, "{s}");
        assert_eq!(s.gets, 4, "{s}");
        assert_eq!(s.creations, s.idle, "{s}");
    });
}

/// The pool's last handle is dropped on either thread, right after that thread or the other
/// used it: every object is dropped exactly once, whichever thread's slot held it. (The handle
/// is loom's `Arc`, so the model sees the happens-before that the reference count gives.)
#[test]
fn drop_races_with_owner() {
    run_model(|| {
        let (pool, drops, made) = counted_pool(2, usize::MAX);
        let pool = loom::sync::Arc::new(Arc::into_inner(pool).unwrap());
        let p = loom::sync::Arc::clone(&pool);
        let worker = thread::spawn(move || {
            let mut a = p.get();
            hold(&mut a);
            drop(a);
            drop(p);
        });
        let mut b = pool.get();
        hold(&mut b);
        drop(b);
        drop(pool);
        worker.join().unwrap();
        let (made, dropped) = (made.load(Ordering::Relaxed), drops.load(Ordering::Relaxed));
        assert!(made <= 2, "{made} objects for two overlapping users");
        assert_eq!(
            dropped, made,
            "every object dropped exactly once when the pool went"
        );
    });
}

/// `stats()` walks the caches (revoking them, one heavy barrier) while their owner gets and
/// returns: every counter it reads is one the owner wrote whole (loom would flag a torn or
/// unsynchronised read of the stack), and the totals add up.
#[test]
fn stats_races_with_owner() {
    run_model(|| {
        let (pool, _) = numbered_pool(2, usize::MAX);
        let p = Arc::clone(&pool);
        let worker = thread::spawn(move || {
            let mut a = p.get();
            hold(&mut a);
            drop(a);
            let mut b = p.get();
            hold(&mut b);
        });
        let s = pool.stats();
        assert!(s.idle <= s.creations && s.returns <= s.gets, "{s}");
        assert_eq!(s.gets, s.reuses + s.creations, "{s}");
        worker.join().unwrap();
        let s = pool.stats();
        assert_eq!(
            (s.gets, s.returns, s.creations, s.idle),
            (2, 2, 1, 1),
            "{s}"
        );
    });
}

/// Two threads whose caches and the tier are empty steal at once from a third thread's cache
/// of two idle objects: each gets one of them, none is handed out twice, nothing is created.
#[test]
fn two_thieves_at_once() {
    run_model(|| {
        let (pool, _) = numbered_pool(4, usize::MAX);
        {
            let (a, b) = (pool.get(), pool.get());
            drop((a, b));
        }
        let thieves: Vec<_> = (0..2)
            .map(|_| {
                let pool = Arc::clone(&pool);
                thread::spawn(move || {
                    let mut got = pool.get();
                    hold(&mut got);
                    got.id
                })
            })
            .collect();
        let ids: Vec<_> = thieves.into_iter().map(|t| t.join().unwrap()).collect();
        assert_ne!(ids[0], ids[1]);
        let s = pool.stats();
        assert_eq!(
            s.creations, 2,
            "a thief created while idle objects were in reach: {s}"
        );
        assert_eq!(s.idle, 2, "{s}");
    });
}

/// An owned guard taken on one thread is dropped on another (which returns it to its own cache)
/// while the first thread, its cache and the tier empty, steals: no object is handed out twice
/// and every object is dropped exactly once with the pool.
#[test]
fn foreign_drop_while_owner_steals() {
    run_model(|| {
        let (pool, drops, made) = counted_pool(2, usize::MAX);
        let guard = pool.get_owned();
        let p = Arc::clone(&pool);
        let foreign = thread::spawn(move || {
            let mut mine = p.get();
            hold(&mut mine);
            drop(mine);
            drop(guard);
        });
        let mut got = pool.get();
        hold(&mut got);
        drop(got);
        foreign.join().unwrap();
        let s = pool.stats();
        assert_eq!((s.gets, s.returns), (3, 3), "{s}");
        assert_eq!(s.creations, s.idle, "{s}");
        drop(Arc::into_inner(pool).expect("the last handle"));
        assert_eq!(drops.load(Ordering::Relaxed), made.load(Ordering::Relaxed));
    });
}

/// Aging passes (`idle_timeout(ZERO)`: every refill runs one) on two threads at once, each the
/// compare-exchange winner racing the other thread's owner accesses: no object is handed out
/// twice, every release is counted once in `aged`, and nothing else is lost.
#[test]
fn aging_passes_race_with_owners() {
    run_model(|| {
        let (pool, drops, _) = counted_pool_with(|builder| {
            builder
                .thread_cache(1)
                .idle_timeout(std::time::Duration::ZERO)
        });
        let p = Arc::clone(&pool);
        let worker = thread::spawn(move || {
            let mut a = p.get();
            hold(&mut a);
            drop(a);
            let mut b = p.get();
            hold(&mut b);
        });
        let mut a = pool.get();
        hold(&mut a);
        drop(a);
        worker.join().unwrap();
        let s = pool.stats();
        assert_eq!(s.returns, 3, "{s:?}");
        assert_eq!(s.creations, s.idle + s.aged + s.discards.total(), "{s:?}");
        assert_eq!(drops.load(Ordering::Relaxed) as u64, s.aged, "{s:?}");
    });
}

/// Two threads return objects into a byte budget at once, each borrowing from it in its cold
/// path: the idle objects never retain more than the budget, and every refusal is counted.
#[test]
fn byte_budget_under_concurrent_returns() {
    run_model(|| {
        let pool = Arc::new(
            PoolBuilder::from_factory(|| Vec::<u8>::with_capacity(10))
                .thread_cache(2)
                .max_idle_bytes(25)
                .build(),
        );
        let p = Arc::clone(&pool);
        let worker = thread::spawn(move || {
            let held = (p.get(), p.get());
            drop(held);
        });
        let held = (pool.get(), pool.get());
        drop(held);
        worker.join().unwrap();
        let s = pool.stats();
        // The budget counts the objects' `retained_bytes`; `Stats` adds their 128-byte boxes.
        assert!(s.retained_bytes - 128 * s.idle <= 25, "{s:?}");
        assert_eq!(s.idle, 2, "{s:?}");
        assert_eq!(s.creations, s.idle + s.discards.over_idle_bytes, "{s:?}");
    });
}
