//! Faults in user code: a factory that panics, a `reset` that panics while other threads use the
//! pool, a `Drop` that panics while the pool trims or drops. Each must leave the pool usable,
//! counted correctly, and never hand an object out twice or with the previous user's data.
//!
//! Tests are named by the pool they exercise: `pool_*` for [`Pool`], `local_*` for
//! [`LocalPool`], `buffers_*` for [`BufferPool`]; the multi-thread ones have `stress` in their
//! names.

use std::collections::HashSet;
use std::panic::{self, AssertUnwindSafe, catch_unwind};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, Once};

use pool_core::{BufferPool, LocalPool, Pool, PoolBuilder, Poolable};

mod common;
use common::{DropCount, Tracked};

/// Every fault these tests inject panics with a message containing this.
const INJECTED: &str = "injected fault";

/// Keeps the hundreds of injected panics out of the test output; every other panic is reported
/// by the previous hook as usual.
fn quiet_injected_panics() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let previous = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            let payload = info.payload();
            let message = payload
                .downcast_ref::<&str>()
                .copied()
                .or_else(|| payload.downcast_ref::<String>().map(String::as_str));
            if !message.is_some_and(|m| m.contains(INJECTED)) {
                previous(info);
            }
        }));
    });
}

/// What a test's objects report: objects created and dropped (and their ids), faults injected.
#[derive(Default)]
struct Tracker {
    drops: Arc<DropCount>,
    resets: AtomicU64,
    reset_panics: AtomicU64,
    /// `reset` panics on every `reset_panic_every`-th call (0: never).
    reset_panic_every: u64,
    /// Ids of the objects handed out and not yet given back.
    held: Mutex<HashSet<u64>>,
}

impl Tracker {
    fn new(reset_panic_every: u64) -> Arc<Self> {
        quiet_injected_panics();
        Arc::new(Self {
            reset_panic_every,
            ..Self::default()
        })
    }

    fn created(&self) -> u64 {
        self.drops.created()
    }

    fn dropped(&self) -> u64 {
        self.drops.dropped()
    }

    /// Records that the object `id` is handed out; fails if it already is.
    fn check_out(&self, id: u64) {
        assert!(
            self.held.lock().unwrap().insert(id),
            "object {id} handed out twice"
        );
    }

    /// Records that the object `id` is given back (call it before dropping the guard).
    fn check_in(&self, id: u64) {
        assert!(self.held.lock().unwrap().remove(&id));
    }
}

/// A pooled object that knows its identity and counts its drop (through [`Tracked`]), carries
/// what its user wrote, and can be told to panic in `reset` or `Drop`.
struct Obj {
    /// Its identity; its drop is counted even when `Obj`'s own `Drop` panics (the fields are
    /// still dropped).
    tag: Tracked,
    /// Written by each user; `reset` clears it.
    data: Vec<u64>,
    panic_on_drop: bool,
    tracker: Arc<Tracker>,
}

impl Obj {
    fn new(tracker: &Arc<Tracker>) -> Self {
        Self::with_drop_panic(tracker, false)
    }

    fn with_drop_panic(tracker: &Arc<Tracker>, panic_on_drop: bool) -> Self {
        Self {
            tag: tracker.drops.track(),
            data: Vec::new(),
            panic_on_drop,
            tracker: Arc::clone(tracker),
        }
    }
}

impl Poolable for Obj {
    fn reset(&mut self) {
        let t = &self.tracker;
        let n = t.resets.fetch_add(1, Ordering::Relaxed) + 1;
        if t.reset_panic_every > 0 && n.is_multiple_of(t.reset_panic_every) {
            t.reset_panics.fetch_add(1, Ordering::Relaxed);
            // Before clearing: the previous user's data is still there, so an object handed
            // out after a panicking reset would show it.
            panic!("{INJECTED}: reset");
        }
        self.data.clear();
    }
}

impl Obj {
    fn id(&self) -> u64 {
        self.tag.id()
    }
}

impl Drop for Obj {
    fn drop(&mut self) {
        if self.panic_on_drop {
            panic!("{INJECTED}: drop of object {}", self.id());
        }
    }
}

/// A factory that panics on every other call (the 2nd, the 4th, ...); returns it and its call
/// counter.
fn flaky_factory(
    tracker: &Arc<Tracker>,
) -> (impl Fn() -> Obj + Send + Sync + 'static, Arc<AtomicU64>) {
    let calls = Arc::new(AtomicU64::new(0));
    let factory = {
        let (tracker, calls) = (Arc::clone(tracker), Arc::clone(&calls));
        move || {
            if calls.fetch_add(1, Ordering::Relaxed) % 2 == 1 {
                panic!("{INJECTED}: factory");
            }
            Obj::new(&tracker)
        }
    };
    (factory, calls)
}

/// Ten gets from a pool with a [`flaky_factory`], each guard held: none finds an idle object,
/// so each calls the factory, and every other call panics. Returns the five guards.
fn ten_gets_holding_each<G>(get: impl Fn() -> G, calls: &AtomicU64) -> Vec<G> {
    let mut held = Vec::new();
    let mut panicked = 0;
    for _ in 0..10 {
        match catch_unwind(AssertUnwindSafe(&get)) {
            Ok(guard) => held.push(guard),
            Err(_) => panicked += 1,
        }
    }
    assert_eq!(
        (held.len(), panicked, calls.load(Ordering::Relaxed)),
        (5, 5, 10)
    );
    held
}

#[test]
fn pool_factory_panicking_every_other_call_leaves_it_usable_and_counted() {
    let tracker = Tracker::new(0);
    let (factory, calls) = flaky_factory(&tracker);
    let pool = Pool::with_factory(factory);
    let held = ten_gets_holding_each(|| pool.get(), &calls);
    let s = pool.stats();
    assert_eq!(
        s.creations,
        tracker.created(),
        "creations == successful factory calls"
    );
    assert_eq!(s.factory_panicked, 5, "factory_panicked == panicked calls");
    assert_eq!(s.gets, 5);
    drop(held);
    // Later gets work: the five objects are reused, and new ones are created as needed.
    let again: Vec<_> = (0..5).map(|_| pool.get()).collect();
    assert_eq!(pool.stats().reuses, 5);
    drop(again);
    drop(pool);
    assert_eq!(tracker.dropped(), tracker.created());
}

#[test]
fn local_factory_panicking_every_other_call_leaves_it_usable_and_counted() {
    let tracker = Tracker::new(0);
    let (factory, calls) = flaky_factory(&tracker);
    let pool = LocalPool::with_factory(factory);
    let held = ten_gets_holding_each(|| pool.get(), &calls);
    let s = pool.stats();
    assert_eq!((s.creations, s.factory_panicked, s.gets), (5, 5, 5));
    assert_eq!(s.creations, tracker.created());
    assert!(s.to_string().ends_with(" factory_panicked=5"), "{s}");
    drop(held);
    let again: Vec<_> = (0..7)
        .filter_map(|_| catch_unwind(AssertUnwindSafe(|| pool.get())).ok())
        .collect();
    // Five reused, then the factory again: one of the two calls succeeds.
    let s = pool.stats();
    assert_eq!(
        (again.len(), s.reuses, s.creations, s.factory_panicked),
        (6, 5, 6, 6)
    );
    drop(again);
    drop(pool);
    assert_eq!(tracker.dropped(), tracker.created());
}

/// A user takes an object: checks that it is not held elsewhere and carries no data of its
/// previous user, then writes its own. Call `tracker.check_in(obj.id())` just before the guard
/// drops.
fn check_out_fresh(tracker: &Tracker, obj: &mut Obj, stamp: u64) {
    tracker.check_out(obj.id());
    assert!(
        obj.data.is_empty(),
        "object {} handed out with stale data {:?}",
        obj.id(),
        obj.data
    );
    obj.data.push(stamp);
    obj.data.push(stamp + 1);
}

const THREADS: u64 = 4;
/// A few hundred under miri (CI runs this file there): it interprets every instruction.
const GETS_PER_THREAD: u64 = if cfg!(miri) { 200 } else { 20_000 };

#[test]
fn pool_stress_reset_panicking_on_some_threads_never_duplicates_or_leaks() {
    let tracker = Tracker::new(100);
    let pool = Arc::new(Pool::with_factory({
        let tracker = Arc::clone(&tracker);
        move || Obj::new(&tracker)
    }));
    let threads: Vec<_> = (0..THREADS)
        .map(|t| {
            let (pool, tracker) = (Arc::clone(&pool), Arc::clone(&tracker));
            std::thread::spawn(move || {
                for i in 0..GETS_PER_THREAD {
                    let mut a = pool.get();
                    check_out_fresh(&tracker, &mut a, t << 32 | i);
                    if i % 3 == 0 {
                        // Two at once, so objects move between this thread and the others.
                        let mut b = pool.get();
                        check_out_fresh(&tracker, &mut b, t << 32 | i);
                        tracker.check_in(b.id());
                    }
                    tracker.check_in(a.id());
                    // Each guard's drop runs `reset`, which panics now and then: caught.
                }
            })
        })
        .collect();
    for thread in threads {
        thread.join().expect("no panic escapes a guard's drop");
    }
    let s = pool.stats();
    let panics = tracker.reset_panics.load(Ordering::Relaxed);
    // One reset in 100 panics; about 4/3 resets per get.
    assert!(
        panics > THREADS * GETS_PER_THREAD / 160,
        "the faults were injected: {panics}"
    );
    assert_eq!(s.discards.reset_panicked, panics);
    assert_eq!(s.creations, tracker.created());
    // Usable after: a fresh object, and a reused one.
    drop(pool.get());
    let mut obj = pool.get();
    check_out_fresh(&tracker, &mut obj, 0);
    tracker.check_in(obj.id());
    drop(obj);
    let pool = Arc::into_inner(pool).expect("the threads are gone");
    drop(pool);
    assert_eq!(
        tracker.dropped(),
        tracker.created(),
        "every created object dropped exactly once"
    );
}

#[test]
fn local_stress_reset_panicking_never_duplicates_or_leaks() {
    let tracker = Tracker::new(100);
    let pool = LocalPool::with_factory({
        let tracker = Arc::clone(&tracker);
        move || Obj::new(&tracker)
    });
    for i in 0..GETS_PER_THREAD {
        let mut a = pool.get();
        check_out_fresh(&tracker, &mut a, i);
        if i % 3 == 0 {
            let mut b = pool.get();
            check_out_fresh(&tracker, &mut b, i);
            tracker.check_in(b.id());
        }
        tracker.check_in(a.id());
    }
    let s = pool.stats();
    let panics = tracker.reset_panics.load(Ordering::Relaxed);
    assert!(
        panics >= GETS_PER_THREAD / 100,
        "the faults were injected: {panics}"
    );
    assert_eq!(s.discards.reset_panicked, panics);
    assert_eq!(s.creations, tracker.created());
    assert_eq!(s.creations, s.idle + s.discards.total());
    let mut obj = pool.get();
    check_out_fresh(&tracker, &mut obj, 0);
    tracker.check_in(obj.id());
    drop(obj);
    drop(pool);
    assert_eq!(tracker.dropped(), tracker.created());
}

/// Hands `n` objects out at once and returns them, so the pool holds `n` idle objects, every
/// other one panicking in `Drop`.
macro_rules! fill {
    ($pool:expr, $n:expr) => {{
        let guards: Vec<_> = (0..$n).map(|_| $pool.get()).collect();
        drop(guards);
    }};
}

fn drop_panicking_factory(tracker: &Arc<Tracker>) -> impl Fn() -> Obj + Send + Sync + 'static {
    let tracker = Arc::clone(tracker);
    move || {
        let even = tracker.created().is_multiple_of(2);
        Obj::with_drop_panic(&tracker, even)
    }
}

/// Ten idle objects, every other one with a panicking `Drop`: the first trim keeps them, the
/// second releases all ten without unwinding and counts the panicking ones too.
fn two_trims_release_ten(trim: impl Fn() -> usize, tracker: &Tracker) {
    assert_eq!(trim(), 0);
    let released = catch_unwind(AssertUnwindSafe(trim));
    assert_eq!(
        released.ok(),
        Some(10),
        "trim counts the objects whose Drop panicked"
    );
    assert_eq!(tracker.dropped(), 10, "the others were still dropped");
}

#[test]
fn pool_drop_panicking_in_trim_and_in_the_pools_drop_is_caught() {
    let tracker = Tracker::new(0);
    // No thread cache: every idle object sits in the shared tier, which `trim` reports on.
    let pool = PoolBuilder::from_factory(drop_panicking_factory(&tracker))
        .thread_cache(0)
        .build();
    fill!(pool, 10);
    two_trims_release_ten(|| pool.trim(), &tracker);
    assert_eq!(pool.stats().idle, 0);
    // Usable after, and its drop drops every idle object without panicking.
    fill!(pool, 6);
    assert_eq!(pool.stats().idle, 6);
    assert!(catch_unwind(AssertUnwindSafe(move || drop(pool))).is_ok());
    assert_eq!(tracker.dropped(), tracker.created());
}

#[test]
fn pool_drop_panicking_in_thread_caches_is_caught_when_the_pool_drops() {
    let tracker = Tracker::new(0);
    let pool = Arc::new(PoolBuilder::from_factory(drop_panicking_factory(&tracker)).build());
    // Idle objects in an exited thread's cache and in this thread's.
    let worker = {
        let pool = Arc::clone(&pool);
        std::thread::spawn(move || fill!(pool, 6))
    };
    worker.join().expect("the worker ends without a panic");
    fill!(pool, 6);
    let pool = Arc::into_inner(pool).expect("the worker is gone");
    assert!(catch_unwind(AssertUnwindSafe(move || drop(pool))).is_ok());
    assert_eq!(tracker.dropped(), tracker.created());
}

#[test]
fn local_drop_panicking_in_trim_and_in_the_pools_drop_is_caught() {
    let tracker = Tracker::new(0);
    let pool = LocalPool::with_factory(drop_panicking_factory(&tracker));
    fill!(pool, 10);
    two_trims_release_ten(|| pool.trim(), &tracker);
    let s = pool.stats();
    assert_eq!((s.idle, s.trimmed), (0, 10));
    // A discard on return (over the idle bound) catches it too.
    let bounded = pool_core::LocalPoolBuilder::from_factory(drop_panicking_factory(&tracker))
        .max_idle(0)
        .build();
    assert!(catch_unwind(AssertUnwindSafe(|| fill!(bounded, 4))).is_ok());
    assert_eq!(bounded.stats().discards.over_idle_bound, 4);
    // Usable after, and its drop drops every idle object without panicking.
    fill!(pool, 6);
    assert_eq!(pool.stats().idle, 6);
    assert!(catch_unwind(AssertUnwindSafe(move || drop(pool))).is_ok());
    drop(bounded);
    assert_eq!(tracker.dropped(), tracker.created());
}

#[test]
fn buffers_stress_user_panics_and_hostile_sizes_never_leak_data() {
    quiet_injected_panics();
    let pool = Arc::new(BufferPool::<Vec<u8>>::builder().max_buffer(1 << 20).build());
    let threads: Vec<_> = (0..THREADS)
        .map(|t| {
            let pool = Arc::clone(&pool);
            std::thread::spawn(move || {
                let mut refused = 0;
                for i in 0..GETS_PER_THREAD / 4 {
                    let n = [100, 5000, 70_000][(i % 3) as usize];
                    let mut buf = pool.try_get(n).expect("within max_buffer");
                    assert!(buf.is_empty(), "a buffer handed out with stale data");
                    buf.extend_from_slice(&(t << 32 | i).to_be_bytes());
                    if i % 50 == 0 {
                        // User code panics while holding the buffer: it goes back, cleared.
                        let result = catch_unwind(AssertUnwindSafe(move || {
                            let _held = buf;
                            panic!("{INJECTED}: request handler");
                        }));
                        assert!(result.is_err());
                    }
                    if i % 100 == 0 {
                        let hostile = [usize::MAX, 1 << 62, (1 << 20) + 1][(i % 3) as usize];
                        assert!(pool.try_get(hostile).is_err());
                        refused += 1;
                    }
                }
                refused
            })
        })
        .collect();
    let refused: u64 = threads
        .into_iter()
        .map(|t| t.join().expect("no panic escapes"))
        .sum();
    assert_eq!(pool.refused_gets(), refused);
    let s = pool.stats();
    assert_eq!(s.gets, THREADS * GETS_PER_THREAD / 4);
    assert_eq!(s.returns, s.gets, "every buffer came back, panics included");
    assert!(pool.get(100).is_empty());
}
