//! The defects that sat at the seams between the pools' parts, each pinned by a test that
//! failed before its fix: a guard dropped at thread exit by a thread that never used the pool,
//! a buffer class whose allocation fails, `retained_bytes` computed on every return, a pool used
//! only through `try_get` that never aged, and a get at the `max_live` cap without a cache.

use std::cell::RefCell;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, mpsc};
use std::thread;
use std::time::{Duration, Instant};

use pool_core::{BufferPool, LocalPool, Pool, Poolable};

/// A thread that never took anything from a pool keeps an owned guard in a thread-local whose
/// destructor runs after the `thread_local` crate's own (the thread used that crate through
/// another library after it stored the guard). Its drop must go to the shared tier quietly:
/// before, it asked `thread_local` for an id there, which panicked (caught, but printed by the
/// panic hook, and an abort under `panic = "abort"`).
#[test]
fn a_guard_dropped_at_exit_by_a_thread_that_never_got_is_returned_quietly() {
    thread_local! {
        static KEPT: RefCell<Option<pool_core::PooledOwned<Vec<u8>>>> = const { RefCell::new(None) };
    }
    static PANICS: AtomicUsize = AtomicUsize::new(0);
    let previous = Arc::new(std::panic::take_hook());
    let chained = Arc::clone(&previous);
    std::panic::set_hook(Box::new(move |info| {
        if thread::current().name() == Some("never-got") {
            PANICS.fetch_add(1, Ordering::SeqCst);
        }
        chained(info);
    }));

    let pool: Arc<Pool<Vec<u8>>> = Arc::new(Pool::new());
    const THREADS: u64 = 16;
    for _ in 0..THREADS {
        let guard = pool.get_owned(); // taken here: the thread below never gets
        thread::Builder::new()
            .name("never-got".into())
            .spawn(move || {
                // Registered first, so its destructor runs after `thread_local`'s.
                KEPT.with(|kept| *kept.borrow_mut() = Some(guard));
                let other_library = thread_local::ThreadLocal::<u8>::new();
                other_library.get_or(|| 1);
            })
            .unwrap()
            .join()
            .unwrap();
    }
    drop(std::panic::take_hook());
    std::panic::set_hook(Box::new(move |info| previous(info)));

    assert_eq!(
        PANICS.load(Ordering::SeqCst),
        0,
        "a thread panicked at exit"
    );
    let s = pool.stats();
    assert_eq!((s.gets, s.returns, s.in_use), (THREADS, THREADS, 0), "{s}");
    assert_eq!(s.idle, s.creations, "every object came back: {s}");
}

/// A buffer class whose allocation fails refuses the get and counts nothing: before, it counted
/// a creation and dropped the buffer with no return, so `in_use` stayed up for good and the
/// stats identity broke.
#[test]
fn a_class_allocation_that_fails_counts_nothing() {
    let pool: BufferPool = BufferPool::builder()
        .max_buffer(usize::MAX)
        .classes([4096, 1 << 62])
        .build();
    for _ in 0..3 {
        assert!(pool.try_get(1 << 61).is_err(), "no allocator serves 4 EiB");
    }
    assert_eq!(pool.refused_gets(), 3);
    let s = pool.stats();
    assert_eq!((s.gets, s.creations, s.in_use), (0, 0, 0), "{s}");
    drop(pool.get(100));
    let s = pool.stats();
    assert_eq!(
        s.creations + s.puts,
        s.idle + s.in_use + s.discards.total() + s.detached + s.trimmed + s.aged,
        "{s}"
    );
}

/// Counts its `retained_bytes` calls (each test has its own type: tests run in parallel).
macro_rules! counted {
    ($name:ident, $calls:ident) => {
        static $calls: AtomicUsize = AtomicUsize::new(0);
        #[derive(Default)]
        struct $name(Vec<u8>);
        impl Poolable for $name {
            fn reset(&mut self) {
                self.0.clear();
            }
            fn retained_bytes(&self) -> usize {
                $calls.fetch_add(1, Ordering::Relaxed);
                self.0.capacity()
            }
        }
    };
}

/// A pool with no byte bound does not call `retained_bytes` on a return (for a `RecycleMap`
/// that walks every element): `stats()` asks the idle objects when it is read. A pool with a
/// bound still measures every return.
#[test]
fn retained_bytes_is_asked_only_where_a_byte_bound_needs_it() {
    counted!(Unbounded, UNBOUNDED);
    let pool: Pool<Unbounded> = Pool::new();
    for _ in 0..100 {
        pool.get().0.reserve(64);
    }
    assert_eq!(UNBOUNDED.load(Ordering::Relaxed), 0, "a return measured");
    assert!(
        pool.stats().retained_bytes >= 64,
        "stats still count the bytes"
    );
    let local: LocalPool<Unbounded> = LocalPool::new();
    let before = UNBOUNDED.load(Ordering::Relaxed);
    for _ in 0..100 {
        local.get().0.reserve(64);
    }
    assert_eq!(
        UNBOUNDED.load(Ordering::Relaxed),
        before,
        "a local return measured"
    );
    assert!(local.stats().retained_bytes >= 64);

    counted!(Bounded, BOUNDED);
    let pool: Pool<Bounded> = Pool::builder().max_retained_bytes(1 << 20).build();
    for _ in 0..100 {
        pool.get().0.reserve(64);
    }
    assert_eq!(
        BOUNDED.load(Ordering::Relaxed),
        100,
        "each return is checked"
    );
}

/// A pool used only through `try_get` ages like any other: before, the aging check was
/// dropped on that path, and idle objects stayed for good.
#[test]
fn a_pool_used_only_through_try_get_ages() {
    let pool: Pool<Vec<u8>> = Pool::builder()
        .idle_timeout(Duration::from_millis(20))
        .build();
    assert_eq!(pool.prefill(8), 8);
    let deadline = Instant::now() + Duration::from_secs(20);
    while pool.stats().aged == 0 {
        assert!(Instant::now() < deadline, "nothing aged: {}", pool.stats());
        for _ in 0..2048 {
            drop(pool.try_get().expect("an idle object"));
        }
        thread::sleep(Duration::from_millis(1));
    }
    let s = pool.stats();
    assert!(s.aged >= 1 && s.idle + s.aged == 8, "{s}");
}

/// A get at the `max_live` cap made without a cache (from a thread-local destructor) takes the
/// object another thread left idle in its own cache: before, that path looked only at the
/// shared tier and waited for aging, here for ever (`idle_timeout(Duration::MAX)`).
#[test]
fn a_get_at_the_cap_without_a_cache_reaches_other_threads_caches() {
    struct GetsAtExit(Arc<Pool<Vec<u8>>>, mpsc::Sender<usize>);
    impl Drop for GetsAtExit {
        fn drop(&mut self) {
            let got = self.0.get().capacity();
            let _ = self.1.send(got);
        }
    }
    thread_local! {
        static AT_EXIT: RefCell<Option<GetsAtExit>> = const { RefCell::new(None) };
    }
    let pool: Arc<Pool<Vec<u8>>> = Arc::new(
        Pool::builder()
            .max_live(1)
            .idle_timeout(Duration::MAX)
            .build(),
    );
    let (tx, rx) = mpsc::channel();
    let (parked_tx, parked_rx) = mpsc::channel::<()>();
    let (release_tx, release_rx) = mpsc::channel::<()>();
    // A thread takes the one object and returns it to its own cache, then stays alive.
    let holder = {
        let pool = Arc::clone(&pool);
        thread::spawn(move || {
            pool.get().reserve(10);
            parked_tx.send(()).unwrap();
            release_rx.recv().unwrap();
        })
    };
    parked_rx.recv().unwrap();
    {
        let pool = Arc::clone(&pool);
        thread::spawn(move || {
            // Registered before the pool's first use here, so it runs after the pool's own
            // exit handling: its get has no cache.
            AT_EXIT.with(|slot| *slot.borrow_mut() = Some(GetsAtExit(Arc::clone(&pool), tx)));
            drop(pool.try_get()); // None: the object sits in the holder's cache
        });
    }
    let got = rx.recv_timeout(Duration::from_secs(30));
    release_tx.send(()).unwrap();
    holder.join().unwrap();
    assert!(got.is_ok(), "the get at exit never reached the idle object");
    assert_eq!(pool.stats().creations, 1);
}
