//! `pool_ops`: the cost of one pooled-buffer operation (get a 4096-byte `Vec<u8>`, write 64 bytes
//! into it, give it back cleared) for `pool_core::Pool` and `LocalPool`, a hand-made
//! `thread_local!` stack (`handmade_thread_local_stack`: what a hand-rolled per-thread pool costs;
//! not a floor, since its lazily registered thread-local and unboxed `Vec` moves make it slower
//! than `Pool`), an owned `RefCell<Vec<Box<Vec<u8>>>>` stack (`floor_refcell_stack`, the floor:
//! no thread lookup, no synchronisation, no bookkeeping; 1 thread only), fresh allocation with the system allocator and with mimalloc, and four pool crates.
//! Go's `sync.Pool` on the same operation is in `benches/go/` (`scripts/bench-report` runs it).
//!
//! Groups: `pool_ops/1thread/<name>` and `pool_ops/2threads/<name>`. In the 2-thread group both
//! threads share one pool and each runs `iters` operations; the figure is the wall time of the two
//! concurrent loops, i.e. the time per operation per thread. `pool_ops/cross_thread/<name>`: one
//! thread gets and writes, a second drops what it is sent over a bounded channel; the figure is
//! the time per object. `pool_ops/trim_64x16/{visit,release}`: one `trim()` with 64 idle threads
//! that cached 16 objects each (an aging pass is the same code). `pool_ops/aging/<setting>`: the
//! 1-thread hit path with aging on (the default) and off, with a byte budget, with the learned
//! cut-off.
//!
//! ```text
//! cargo bench --bench pool_ops -- --warm-up-time 1 --measurement-time 2
//! ```
//!
//! With `POOL_OPS_CALLGRIND=<name>` (a contender's name, e.g. `pool_core_Pool`,
//! `handmade_thread_local_stack`, `floor_refcell_stack`) in the environment the binary runs no benchmark:
//! it runs `POOL_OPS_N` (default 1 000 000) operations of that contender in one
//! `#[inline(never)]` loop, for
//! `valgrind --tool=callgrind --collect-atstart=no --toggle-collect='*callgrind_loop*'`.

mod common;

use std::alloc::{GlobalAlloc, Layout};
use std::cell::RefCell;
use std::hint::black_box;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};

use criterion::{BenchmarkGroup, Criterion, criterion_group, measurement::WallTime};
use mimalloc::MiMalloc;
use pool_core::{LocalPool, Pool};

/// Capacity of every buffer.
const CAP: usize = 4096;
/// What each operation writes.
const DATA: [u8; 64] = [0xA5; 64];

/// The work done on a buffer while it is held: 64 bytes written, and the buffer made observable.
#[inline(always)]
fn work(v: &mut Vec<u8>) {
    v.extend_from_slice(black_box(&DATA));
    black_box(v);
}

fn new_buf() -> Vec<u8> {
    Vec::with_capacity(CAP)
}

// ---- a hand-made per-thread stack, no synchronisation (not a floor: see the module docs) ------------------------------------------

thread_local! {
    static FLOOR: RefCell<Vec<Vec<u8>>> = const { RefCell::new(Vec::new()) };
}

#[inline(always)]
fn floor_op() {
    let mut v = FLOOR.with(|s| s.borrow_mut().pop()).unwrap_or_else(new_buf);
    work(&mut v);
    v.clear();
    FLOOR.with(|s| s.borrow_mut().push(v));
}

// ---- an owned stack: no thread lookup, no synchronisation -------------------------------------

/// What a cache hit costs when the cache is a plain value the caller owns: a `RefCell` borrow,
/// a pop and a push of a boxed buffer (a pool's idle objects are boxed too).
type RefCellStack = RefCell<Vec<Box<Vec<u8>>>>;

#[inline(always)]
fn refcell_op(stack: &RefCellStack) {
    let mut v = stack
        .borrow_mut()
        .pop()
        .unwrap_or_else(|| Box::new(new_buf()));
    work(&mut v);
    v.clear();
    stack.borrow_mut().push(v);
}

/// The owned stack's loop (it is not `Sync`, so it is not a `Contender`).
fn run_refcell(stack: &RefCellStack, n: u64) {
    (0..n).for_each(|_| refcell_op(stack));
}

// ---- fresh allocation -----------------------------------------------------------------------------

#[inline(always)]
fn system_op() {
    let mut v = new_buf();
    work(&mut v);
}

const LAYOUT: Layout = match Layout::from_size_align(CAP, 1) {
    Ok(layout) => layout,
    Err(_) => panic!("bad layout"),
};

#[inline(always)]
fn mimalloc_op() {
    // SAFETY: `LAYOUT` has a non-zero size.
    let p = unsafe { MiMalloc.alloc(LAYOUT) };
    assert!(!p.is_null(), "mimalloc: out of memory");
    // SAFETY: `p` is valid for `CAP` >= 64 bytes of writes and does not overlap `DATA`.
    unsafe { std::ptr::copy_nonoverlapping(black_box(&DATA).as_ptr(), p, DATA.len()) };
    black_box(p);
    // SAFETY: `p` was allocated above by the same allocator with the same layout.
    unsafe { MiMalloc.dealloc(p, LAYOUT) };
}

// ---- pool crates ----------------------------------------------------------------------------------

/// `opool`'s allocator: creates 4096-byte buffers, clears them (on `get`, where opool resets).
struct BufAlloc;

impl opool::PoolAllocator<Vec<u8>> for BufAlloc {
    fn allocate(&self) -> Vec<u8> {
        new_buf()
    }
    fn reset(&self, obj: &mut Vec<u8>) {
        obj.clear();
    }
}

/// Every contender as a shareable pool, so the 1- and 2-thread groups run the same code.
#[allow(
    clippy::large_enum_variant,
    reason = "one value per run, and a box would add an indirection to the measured loop"
)]
enum Contender {
    Pool(Pool<Vec<u8>>),
    Floor,
    System,
    Mimalloc,
    ObjectPool(object_pool::Pool<Vec<u8>>),
    Linear(lockfree_object_pool::LinearObjectPool<Vec<u8>>),
    Opool(opool::Pool<BufAlloc, Vec<u8>>),
    Slab(sharded_slab::Pool<Vec<u8>>),
}

impl Contender {
    fn all() -> Vec<(&'static str, Contender)> {
        vec![
            (
                "pool_core_Pool",
                Contender::Pool(Pool::with_factory(new_buf)),
            ),
            ("handmade_thread_local_stack", Contender::Floor),
            ("fresh_system", Contender::System),
            ("fresh_mimalloc", Contender::Mimalloc),
            (
                "object_pool",
                Contender::ObjectPool(object_pool::Pool::new(4, new_buf)),
            ),
            (
                "lockfree_LinearObjectPool",
                Contender::Linear(lockfree_object_pool::LinearObjectPool::new(
                    new_buf,
                    |v: &mut Vec<u8>| v.clear(),
                )),
            ),
            ("opool", Contender::Opool(opool::Pool::new(64, BufAlloc))),
            ("sharded_slab", Contender::Slab(sharded_slab::Pool::new())),
        ]
    }

    /// Runs `n` operations.
    fn run(&self, n: u64) {
        match self {
            Contender::Pool(pool) => {
                for _ in 0..n {
                    let mut g = pool.get();
                    work(&mut g);
                }
            }
            Contender::Floor => (0..n).for_each(|_| floor_op()),
            Contender::System => (0..n).for_each(|_| system_op()),
            Contender::Mimalloc => (0..n).for_each(|_| mimalloc_op()),
            Contender::ObjectPool(pool) => {
                for _ in 0..n {
                    // object-pool has no reset hook: clear on get.
                    let mut g = pool.pull(new_buf);
                    g.clear();
                    work(&mut g);
                }
            }
            Contender::Linear(pool) => {
                for _ in 0..n {
                    let mut g = pool.pull();
                    work(&mut g);
                }
            }
            Contender::Opool(pool) => {
                for _ in 0..n {
                    let mut g = pool.get();
                    work(&mut g);
                }
            }
            Contender::Slab(pool) => {
                for _ in 0..n {
                    // Default-created slots start empty; later ones keep the capacity (`Clear`
                    // for `Vec` is `Vec::clear`).
                    let mut g = pool.create().expect("sharded-slab: pool full");
                    if g.capacity() < CAP {
                        g.reserve_exact(CAP);
                    }
                    work(&mut g);
                    let key = g.key();
                    drop(g);
                    pool.clear(key);
                }
            }
        }
    }
}

/// Times `run(iters)` on this thread: the same loops as the 2-thread group, no per-operation
/// dispatch.
fn timed(iters: u64, run: impl Fn(u64)) -> Duration {
    run(1);
    let start = Instant::now();
    run(iters);
    start.elapsed()
}

fn one_thread(c: &mut Criterion) {
    let mut group: BenchmarkGroup<'_, WallTime> = c.benchmark_group("pool_ops/1thread");
    for (name, contender) in Contender::all() {
        group.bench_function(name, |b| {
            b.iter_custom(|iters| timed(iters, |n| contender.run(n)))
        });
        if name == "pool_core_Pool" {
            // LocalPool next to Pool: it is not shareable, so it is not a `Contender`.
            let local = LocalPool::with_factory(new_buf);
            group.bench_function("pool_core_LocalPool", |b| {
                b.iter_custom(|iters| timed(iters, |n| run_local(&local, n)))
            });
            let stack = RefCellStack::default();
            group.bench_function("floor_refcell_stack", |b| {
                b.iter_custom(|iters| timed(iters, |n| run_refcell(&stack, n)))
            });
        }
    }
    group.finish();
}

fn two(c: &mut Criterion) {
    let mut group = c.benchmark_group("pool_ops/2threads");
    for (name, contender) in Contender::all() {
        group.bench_function(name, |b| {
            b.iter_custom(|iters| common::two_threads(&|n| contender.run(n), iters))
        });
    }
    group.finish();
}

/// A fresh 4 KiB buffer from mimalloc that another thread frees (the cross-thread group's
/// mimalloc contender).
struct MiBuf(*mut u8);

// SAFETY: the buffer is a plain heap block owned by this value alone; mimalloc frees blocks
// from any thread.
unsafe impl Send for MiBuf {}

impl MiBuf {
    fn new() -> Self {
        // SAFETY: `LAYOUT` has a non-zero size.
        let p = unsafe { MiMalloc.alloc(LAYOUT) };
        assert!(!p.is_null(), "mimalloc: out of memory");
        // SAFETY: `p` is valid for `CAP` >= 64 bytes of writes and does not overlap `DATA`.
        unsafe { std::ptr::copy_nonoverlapping(black_box(&DATA).as_ptr(), p, DATA.len()) };
        Self(p)
    }
}

impl Drop for MiBuf {
    fn drop(&mut self) {
        // SAFETY: allocated in `new` by the same allocator with the same layout.
        unsafe { MiMalloc.dealloc(self.0, LAYOUT) };
    }
}

/// Registers one cross-thread contender: `get` takes a buffer and writes into it on one thread,
/// a second thread drops what it is sent (`common::cross_thread`).
fn bench_cross<G: Send>(
    group: &mut BenchmarkGroup<'_, WallTime>,
    name: &str,
    get: impl Fn() -> G + Sync,
) {
    group.bench_function(name, |b| {
        b.iter_custom(|iters| common::cross_thread(&get, 1000, iters, &mut || {}, &mut || {}))
    });
}

/// One thread gets (and writes 64 bytes), a second drops what it is sent over a channel. The
/// thread-local floor and `LocalPool` cannot take part: a thread-local stack never sees its
/// objects again.
fn cross_thread(c: &mut Criterion) {
    let mut group = c.benchmark_group("pool_ops/cross_thread");
    let pool = Arc::new(Pool::with_factory(new_buf));
    bench_cross(&mut group, "pool_core_Pool", || {
        let mut g = pool.get();
        work(&mut g);
        g
    });
    bench_cross(&mut group, "pool_core_Pool_get_owned", || {
        let mut g = pool.get_owned();
        work(&mut g);
        g
    });
    bench_cross(&mut group, "fresh_system", || {
        let mut v = new_buf();
        work(&mut v);
        v
    });
    bench_cross(&mut group, "fresh_mimalloc", MiBuf::new);
    let object_pool = object_pool::Pool::new(4, new_buf);
    bench_cross(&mut group, "object_pool", || {
        let mut g = object_pool.pull(new_buf);
        g.clear();
        work(&mut g);
        g
    });
    let linear = lockfree_object_pool::LinearObjectPool::new(new_buf, |v: &mut Vec<u8>| v.clear());
    bench_cross(&mut group, "lockfree_LinearObjectPool", || {
        let mut g = linear.pull();
        work(&mut g);
        g
    });
    let opool = opool::Pool::new(64, BufAlloc);
    bench_cross(&mut group, "opool", || {
        let mut g = opool.get();
        work(&mut g);
        g
    });
    group.finish();
}

/// `trim()` with 64 live threads that each cached 16 objects and then sit idle: the first
/// `trim` after use visits every slot and releases nothing (`visit`), the second releases all
/// 1,024 objects (`release`, the objects' drops included). It runs on a timer thread, not on
/// the hot path; this shows what a timer tick costs.
fn trim_64_threads(c: &mut Criterion) {
    let mut group = c.benchmark_group("pool_ops/trim_64x16");
    with_64_idle_caches(|pool, fill| {
        group.bench_function("visit", |b| {
            b.iter_custom(|iters| trim_visit(pool, fill, iters))
        });
        group.bench_function("release", |b| {
            b.iter_custom(|iters| trim_release(pool, fill, iters))
        });
    });
    group.finish();
}

/// Runs `measure` with a pool and `fill`, which has 64 threads each take and return 16 buffers
/// (so that each caches 16) and then sit idle until the next `fill`; the threads end with it.
fn with_64_idle_caches(measure: impl FnOnce(&Pool<Vec<u8>>, &dyn Fn())) {
    const THREADS: usize = 64;
    const CACHED: usize = 16;
    let pool = Pool::with_factory(new_buf);
    let start = Barrier::new(THREADS + 1);
    let filled = Barrier::new(THREADS + 1);
    let stop = AtomicBool::new(false);
    std::thread::scope(|s| {
        for _ in 0..THREADS {
            s.spawn(|| {
                loop {
                    start.wait();
                    if stop.load(Ordering::Relaxed) {
                        return;
                    }
                    drop((0..CACHED).map(|_| pool.get()).collect::<Vec<_>>());
                    filled.wait();
                }
            });
        }
        // Each measured trim follows a round in which every thread filled its cache again.
        let fill = || {
            start.wait();
            filled.wait();
        };
        measure(&pool, &fill);
        stop.store(true, Ordering::Relaxed);
        start.wait();
    });
}

/// `iters` first trims after a fill: each visits every cache and releases nothing.
fn trim_visit(pool: &Pool<Vec<u8>>, fill: &dyn Fn(), iters: u64) -> Duration {
    let mut total = Duration::ZERO;
    for _ in 0..iters {
        fill();
        let t = Instant::now();
        black_box(pool.trim());
        total += t.elapsed();
        pool.trim();
    }
    total
}

/// `iters` second trims after a fill: each releases all 1,024 buffers.
fn trim_release(pool: &Pool<Vec<u8>>, fill: &dyn Fn(), iters: u64) -> Duration {
    let mut total = Duration::ZERO;
    for _ in 0..iters {
        fill();
        pool.trim();
        let t = Instant::now();
        black_box(pool.trim());
        total += t.elapsed();
    }
    total
}

/// The hit path (one thread, the same operation as `pool_ops/1thread`) with memory over time as
/// configured: `aging_on` (the defaults: a 30 s `idle_timeout`), `aging_off`
/// (`idle_timeout(Duration::MAX)`), `budget` (the defaults plus `max_idle_bytes(1 MiB)`) and
/// `auto_cutoff` (the defaults plus `auto_max_retained_bytes()`). One aging pass is a `trim()`
/// counted in `aged` (the same code): `pool_ops/trim_64x16` gives its cost with 64 threads.
fn aging(c: &mut Criterion) {
    let mut group = c.benchmark_group("pool_ops/aging");
    let pools = aging_pools();
    for (name, pool) in &pools {
        group.bench_function(*name, |b| {
            b.iter_custom(|iters| {
                timed(iters, |n| {
                    for _ in 0..n {
                        let mut g = pool.get();
                        work(&mut g);
                    }
                })
            })
        });
    }
    group.finish();
}

/// The pools of the aging group: the defaults (aging on), aging off, a byte budget, the learned
/// cut-off.
fn aging_pools() -> [(&'static str, Pool<Vec<u8>>); 4] {
    [
        ("aging_on", Pool::builder().factory(new_buf).build()),
        (
            "aging_off",
            Pool::builder()
                .factory(new_buf)
                .idle_timeout(Duration::MAX)
                .build(),
        ),
        (
            "budget",
            Pool::builder()
                .factory(new_buf)
                .max_idle_bytes(1 << 20)
                .build(),
        ),
        (
            "auto_cutoff",
            Pool::builder()
                .factory(new_buf)
                .auto_max_retained_bytes()
                .build(),
        ),
    ]
}

criterion_group!(
    benches,
    one_thread,
    two,
    cross_thread,
    trim_64_threads,
    aging
);

/// `LocalPool`'s loop (it is not shareable, so it is not a `Contender`).
fn run_local(pool: &LocalPool<Vec<u8>>, n: u64) {
    for _ in 0..n {
        let mut g = pool.get();
        work(&mut g);
    }
}

/// The loop measured under callgrind (`--toggle-collect='*callgrind_loop*'`).
#[inline(never)]
fn callgrind_loop(run: &dyn Fn(u64), n: u64) {
    run(n);
}

fn main() {
    if let Ok(which) = std::env::var("POOL_OPS_CALLGRIND") {
        let n: u64 = std::env::var("POOL_OPS_N").map_or(1_000_000, |s| s.parse().unwrap());
        let local = LocalPool::with_factory(new_buf);
        let stack = RefCellStack::default();
        let contender = Contender::all()
            .into_iter()
            .find(|(name, _)| *name == which);
        let run: Box<dyn Fn(u64)> = match contender {
            Some((_, contender)) => Box::new(move |n| contender.run(n)),
            None if which == "pool_core_LocalPool" => Box::new(|n| run_local(&local, n)),
            None if which == "floor_refcell_stack" => Box::new(|n| run_refcell(&stack, n)),
            None => panic!("POOL_OPS_CALLGRIND: unknown contender {which:?}"),
        };
        // Warm: the first operation creates the buffer and the thread cache.
        run(1);
        callgrind_loop(&*run, n);
        return;
    }
    if common::harness::out_path().is_some() {
        interleaved();
        return;
    }
    benches();
    Criterion::default().configure_from_args().final_summary();
}

/// The interleaved run (`scripts/bench-report`, `common/harness.rs`): the 1-thread groups, then
/// the machine's 2-thread floor, the multi-thread groups, and the floor again.
fn interleaved() {
    use common::harness::{Entry, machine_floor, run_group};
    let all = Contender::all();
    let local = LocalPool::with_factory(new_buf);
    let stack = RefCellStack::default();
    let mut one: Vec<Entry<'_>> = all
        .iter()
        .map(|(name, c)| Entry::new(*name, move |n| timed(n, |k| c.run(k))))
        .collect();
    one.insert(
        1,
        Entry::new("pool_core_LocalPool", |n| {
            timed(n, |k| run_local(&local, k))
        }),
    );
    one.insert(
        2,
        Entry::new("floor_refcell_stack", |n| {
            timed(n, |k| run_refcell(&stack, k))
        }),
    );
    run_group(
        "pool_ops_1thread",
        "get a 4 KiB `Vec<u8>`, write 64 bytes, give it back (`benches/pool_ops.rs`); one thread",
        1,
        one,
    );
    let aging = aging_pools();
    run_group(
        "pool_ops_aging",
        "the 1-thread operation on `Pool`s built with each memory-over-time setting",
        1,
        aging
            .iter()
            .map(|(name, pool)| {
                Entry::new(*name, move |n| {
                    timed(n, |k| {
                        for _ in 0..k {
                            work(&mut pool.get());
                        }
                    })
                })
            })
            .collect(),
    );

    machine_floor("before_pool_ops_multi_thread");
    run_group(
        "pool_ops_2threads",
        "the same operation on two threads at once, both using one shared pool (each contender its \
         own pool); figure: wall time from the barrier that starts both to the later one's finish, \
         divided by one thread's operation count, i.e. time per operation per thread (equal to the \
         1-thread figure if they scaled perfectly; up to twice it if the two threads ran on one core \
         in turn)",
        1,
        all.iter()
            .map(|(name, c)| Entry::new(*name, move |n| common::two_threads(&|k| c.run(k), n)))
            .collect(),
    );
    let pool = Arc::new(Pool::with_factory(new_buf));
    let object_pool = object_pool::Pool::new(4, new_buf);
    let linear = lockfree_object_pool::LinearObjectPool::new(new_buf, |v: &mut Vec<u8>| v.clear());
    let opool = opool::Pool::new(64, BufAlloc);
    fn cross<'a, G: Send + 'a>(name: &str, get: impl Fn() -> G + Sync + 'a) -> Entry<'a> {
        Entry::new(name, move |n| {
            common::cross_thread(&get, 1000, n, &mut || {}, &mut || {})
        })
    }
    run_group(
        "pool_ops_cross_thread",
        "one thread gets a buffer and writes 64 bytes, then sends it over a bounded channel (64 in \
         flight) to a second thread, which drops it; figure: wall time of the whole run divided by \
         the objects sent (the channel's cost included, the same for every contender)",
        1,
        vec![
            cross("pool_core_Pool", || {
                let mut g = pool.get();
                work(&mut g);
                g
            }),
            cross("pool_core_Pool_get_owned", || {
                let mut g = pool.get_owned();
                work(&mut g);
                g
            }),
            cross("fresh_system", || {
                let mut v = new_buf();
                work(&mut v);
                v
            }),
            cross("fresh_mimalloc", MiBuf::new),
            cross("object_pool", || {
                let mut g = object_pool.pull(new_buf);
                g.clear();
                work(&mut g);
                g
            }),
            cross("lockfree_LinearObjectPool", || {
                let mut g = linear.pull();
                work(&mut g);
                g
            }),
            cross("opool", || {
                let mut g = opool.get();
                work(&mut g);
                g
            }),
        ],
    );
    trim_interleaved();
    machine_floor("after_pool_ops_multi_thread");
}

/// `pool_ops/trim_64x16` in the interleaved run (see [`trim_64_threads`]).
fn trim_interleaved() {
    use common::harness::{Entry, run_group};
    with_64_idle_caches(|pool, fill| {
        run_group(
            "pool_ops_trim_64x16",
            "one `Pool::trim()` while 64 idle threads hold 16 cached buffers each: `visit` (the first \
             trim after use: visits every cache, releases nothing), `release` (the second: frees all \
             1,024); each measured trim follows a round in which every thread filled its cache again",
            1,
            vec![
                Entry::fixed("visit", 16, |iters| trim_visit(pool, fill, iters)),
                Entry::fixed("release", 16, |iters| trim_release(pool, fill, iters)),
            ],
        );
    });
}
