//! Thread exit: a guard dropped from a thread-local destructor, after the `thread_local` crate
//! released the thread's id. One test in its own binary, so that no other test's threads take
//! the ids this one's threads release.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;

use pool_core::Pool;

/// A thread that keeps an owned guard in a `thread_local!` drops it during its exit, after the
/// `thread_local` crate released the thread's id: the object goes to the shared tier, nothing
/// panics (the panic hook sees no panic from those threads), and the exited threads' ids, and so
/// their caches, are reused: 100 such threads, one after the other, leave one or two caches,
/// not 100.
#[test]
fn owned_guards_dropped_at_thread_exit_go_to_the_tier_quietly() {
    use std::cell::RefCell;

    thread_local! {
        static KEPT: RefCell<Option<pool_core::PooledOwned<Vec<u8>>>> = const { RefCell::new(None) };
    }
    static EXIT_PANICS: AtomicUsize = AtomicUsize::new(0);
    let previous = Arc::new(std::panic::take_hook());
    let chained = Arc::clone(&previous);
    std::panic::set_hook(Box::new(move |info| {
        if thread::current().name() == Some("keeps-a-guard") {
            EXIT_PANICS.fetch_add(1, Ordering::SeqCst);
        }
        chained(info);
    }));

    let pool: Arc<Pool<Vec<u8>>> = Arc::new(Pool::new());
    for _ in 0..100 {
        let pool = Arc::clone(&pool);
        thread::Builder::new()
            .name("keeps-a-guard".into())
            .spawn(move || {
                // The thread-local is registered before the pool's first use on this thread,
                // so its destructor runs after `thread_local`'s and the pool's own.
                KEPT.with(|kept| *kept.borrow_mut() = Some(pool.get_owned()));
            })
            .unwrap()
            .join()
            .unwrap();
    }
    drop(std::panic::take_hook());
    std::panic::set_hook(Box::new(move |info| previous(info)));

    let s = pool.stats();
    assert_eq!(
        EXIT_PANICS.load(Ordering::SeqCst),
        0,
        "a thread panicked at exit"
    );
    assert_eq!((s.gets, s.returns), (100, 100), "{s}");
    assert!(
        s.thread_caches <= 2,
        "exited threads' caches were not reused: {s}"
    );
    assert!(
        s.creations <= 2,
        "the objects returned at exit were not reused: {s}"
    );
    assert_eq!(s.idle, s.creations, "{s}");
}
