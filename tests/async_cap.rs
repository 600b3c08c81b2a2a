//! Waiting at the `max_live` cap from async code: `get_async` and `get_owned_async` wait
//! without blocking the runtime's threads, on a current-thread and a multi-thread tokio
//! runtime, with tasks holding guards across `.await`; a cancelled waiter leaves nothing
//! behind; `get_timeout` gives up.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use pool_core::Pool;

/// Runs `tasks` tasks, each taking `rounds` guards with `get_owned_async` and holding each
/// across `.await`s, on a pool capped at `cap`: every task completes (a watchdog fails the test
/// instead of hanging), the cap is never exceeded, and every object comes back.
async fn tasks_hold_guards_across_await(tasks: usize, cap: usize, rounds: usize) {
    let pool: Arc<Pool<Vec<u8>>> = Arc::new(Pool::builder().max_live(cap).build());
    let held = Arc::new(AtomicUsize::new(0));
    let most = Arc::new(AtomicUsize::new(0));
    let mut handles = Vec::new();
    for t in 0..tasks {
        let (pool, held, most) = (Arc::clone(&pool), Arc::clone(&held), Arc::clone(&most));
        handles.push(tokio::spawn(async move {
            for i in 0..rounds {
                let mut buf = pool.get_owned_async().await;
                let now = held.fetch_add(1, Ordering::SeqCst) + 1;
                most.fetch_max(now, Ordering::SeqCst);
                buf.push((t + i) as u8);
                tokio::task::yield_now().await;
                tokio::time::sleep(Duration::from_micros(100)).await;
                held.fetch_sub(1, Ordering::SeqCst);
            }
        }));
    }
    let all = async {
        for handle in handles {
            handle.await.unwrap();
        }
    };
    tokio::time::timeout(Duration::from_secs(60), all)
        .await
        .expect("tasks at the cap hung");
    assert!(most.load(Ordering::SeqCst) <= cap);
    let s = pool.stats();
    assert!(s.creations <= cap as u64, "{s}");
    assert_eq!((s.gets, s.in_use), ((tasks * rounds) as u64, 0), "{s}");
}

#[test]
fn a_current_thread_runtime_with_more_tasks_than_the_cap_completes() {
    tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .unwrap()
        .block_on(tasks_hold_guards_across_await(3, 2, 50));
}

#[test]
fn a_multi_thread_runtime_with_more_tasks_than_the_cap_completes() {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_time()
        .build()
        .unwrap()
        .block_on(tasks_hold_guards_across_await(4, 2, 50));
}

/// The borrowed `get_async` in tasks of a `LocalSet`-free current-thread runtime: each task
/// owns an `Arc` of the pool and holds the borrowed guard across `.await`.
#[test]
fn borrowed_guards_wait_at_the_cap_too() {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .unwrap();
    rt.block_on(async {
        let pool: Arc<Pool<String>> = Arc::new(Pool::builder().max_live(1).build());
        let mut handles = Vec::new();
        for t in 0..3 {
            let pool = Arc::clone(&pool);
            handles.push(tokio::spawn(async move {
                let mut s = pool.get_async().await;
                assert!(s.is_empty(), "a fresh or reset string");
                s.push_str(&t.to_string());
                tokio::time::sleep(Duration::from_millis(1)).await;
            }));
        }
        for handle in handles {
            tokio::time::timeout(Duration::from_secs(60), handle)
                .await
                .expect("hung at the cap")
                .unwrap();
        }
        assert_eq!(pool.stats().creations, 1);
    });
}

/// A waiter cancelled while it waits (its future dropped) holds no room and leaves the queue:
/// the next get is served by the object it would have had.
#[test]
fn a_cancelled_waiter_leaves_nothing_behind() {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .unwrap();
    rt.block_on(async {
        let pool: Arc<Pool<Vec<u8>>> = Arc::new(Pool::builder().max_live(1).build());
        let held = pool.get_owned_async().await;
        // Waits, and is cancelled by the timeout.
        let cancelled =
            tokio::time::timeout(Duration::from_millis(20), pool.get_owned_async()).await;
        assert!(cancelled.is_err(), "served while the only object was held");
        // A second waiter, then the return that frees the object: the waiter is woken.
        let waiter = tokio::spawn({
            let pool = Arc::clone(&pool);
            async move { pool.get_owned_async().await.capacity() }
        });
        tokio::task::yield_now().await;
        drop(held);
        tokio::time::timeout(Duration::from_secs(60), waiter)
            .await
            .expect("the return did not wake the waiter")
            .unwrap();
        let s = pool.stats();
        assert_eq!((s.creations, s.gets, s.in_use), (1, 2, 0), "{s}");
    });
}

/// `get_timeout` gives up at the cap, and succeeds once an object comes back from another
/// thread; without a cap it never waits.
#[test]
fn get_timeout_gives_up_at_the_cap() {
    let pool: Arc<Pool<Vec<u8>>> = Arc::new(Pool::builder().max_live(1).build());
    let held = pool.get_owned();
    assert!(pool.get_timeout(Duration::from_millis(10)).is_none());
    let returner = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(10));
        drop(held);
    });
    let got = pool.get_timeout(Duration::from_secs(60));
    assert!(got.is_some(), "the return did not reach the waiting get");
    drop(got);
    returner.join().unwrap();
    let uncapped: Pool<Vec<u8>> = Pool::new();
    let _a = uncapped
        .get_timeout(Duration::ZERO)
        .expect("no cap: never waits");
    let _b = uncapped
        .get_timeout(Duration::ZERO)
        .expect("no cap: never waits");
}

/// Many blocking gets from plain threads at a small cap all complete, each woken by a return
/// (no polling): the cap holds, and every object comes back.
#[test]
fn blocking_gets_at_the_cap_are_all_served() {
    let pool: Arc<Pool<Vec<u8>>> = Arc::new(Pool::builder().max_live(2).build());
    let threads: Vec<_> = (0..6)
        .map(|_| {
            let pool = Arc::clone(&pool);
            std::thread::spawn(move || {
                for _ in 0..200 {
                    let mut buf = pool.get();
                    buf.push(1);
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    let s = pool.stats();
    assert!(s.creations <= 2, "{s}");
    assert_eq!((s.gets, s.in_use), (1200, 0), "{s}");
}
