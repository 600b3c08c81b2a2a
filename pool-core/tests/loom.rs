//! Loom models of the pool's concurrent paths: the exchange between thread caches and the shared
//! tier, thread exit, and `trim` racing with use.
//!
//! Run with `RUSTFLAGS="--cfg loom" cargo test -p pool-core --release --test loom`.
#![cfg(loom)]

use loom::thread;
use pool_core::{Pool, PoolBuilder, Poolable};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Waits until every worker thread's cache was flushed: loom's `join` returns before a thread's
/// thread-local destructors run (std's waits for them).
fn wait_for_exits(pool: &Pool<Obj>, live: u64) {
    while pool.stats().thread_caches > live {
        thread::yield_now();
    }
}

/// Runs `f` under loom with a bounded number of preemptions, so each model finishes in seconds.
fn run_model(f: impl Fn() + Sync + Send + 'static) {
    let mut builder = loom::model::Builder::new();
    builder.preemption_bound = Some(3);
    builder.check(f);
}

/// An object with an identity, to check that no two holders ever share one.
struct Obj {
    id: usize,
    held: bool,
}

impl Poolable for Obj {
    fn reset(&mut self) {
        assert!(!self.held, "reset while still marked held");
    }
}

fn numbered_pool(cache: usize, max_idle: usize) -> Arc<Pool<Obj>> {
    let next = AtomicUsize::new(0);
    Arc::new(
        PoolBuilder::from_factory(move || Obj {
            id: next.fetch_add(1, Ordering::Relaxed),
            held: false,
        })
        .thread_cache(cache)
        .max_idle(max_idle)
        .build(),
    )
}

/// Two threads each hold two objects at once with a one-object cache, so every return spills to
/// the tier and every get refills from it; then they exit and their caches flush.
#[test]
fn cache_and_tier_exchange() {
    run_model(|| {
        let pool = numbered_pool(1, usize::MAX);
        let handles: Vec<_> = (0..2)
            .map(|_| {
                let pool = Arc::clone(&pool);
                thread::spawn(move || {
                    let mut a = pool.get();
                    let mut b = pool.get();
                    assert_ne!(a.id, b.id);
                    assert!(!a.held && !b.held, "an object handed out twice");
                    a.held = true;
                    b.held = true;
                    a.held = false;
                    b.held = false;
                })
            })
            .collect();
        for h in handles {
            h.join().unwrap();
        }
        wait_for_exits(&pool, 0);
        let s = pool.stats();
        assert_eq!(s.gets, 4);
        assert_eq!(s.returns, 4, "{s}");
        assert_eq!(s.creations, s.idle + s.discards.total(), "{s}");
        // Everything the exited threads cached is in the shared tier: this thread reuses it.
        let again: Vec<_> = (0..s.idle).map(|_| pool.get()).collect();
        assert_eq!(pool.stats().creations, s.creations);
        drop(again);
    });
}

/// The idle bound holds while two threads return objects at once.
#[test]
fn idle_bound_under_concurrent_returns() {
    run_model(|| {
        let pool = numbered_pool(0, 1);
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

/// `trim` on one thread while another gets and returns: nothing is lost or double-counted.
#[test]
fn trim_races_with_use() {
    run_model(|| {
        let pool = numbered_pool(1, usize::MAX);
        drop(pool.get());
        let p = Arc::clone(&pool);
        let worker = thread::spawn(move || {
            let a = p.get();
            drop(a);
            drop(p.get());
        });
        pool.trim();
        pool.trim();
        worker.join().unwrap();
        wait_for_exits(&pool, 1);
        let s = pool.stats();
        assert_eq!(s.returns, 3, "{s}");
        assert_eq!(s.creations, s.idle + s.trimmed + s.discards.total());
    });
}
