//! Helpers shared by the workload benches (`json_encode`, `request_ctx`, `read_buffers`,
//! `log_pipeline`), their mimalloc twin (`workloads_mimalloc`) and the allocation counter
//! (`alloc_counts`): every contender of every workload is defined once, here, so that the timed
//! runs and the counted runs execute the same code.
//!
//! Contender names say what they are, and the report (`benches/report.rs`) reads them so:
//! `pool_core_*` is this crate, `fresh_system_*` a fresh value per operation from the global
//! allocator (renamed `fresh_mimalloc_*` by the mimalloc binary), `floor_*` one value reset in
//! place with no pool at all, and anything else another pool crate.
#![allow(
    dead_code,
    reason = "each bench binary includes this module and uses a part of it"
)]

pub(crate) mod harness;
pub(crate) mod json_encode;
pub(crate) mod log_pipeline;
pub(crate) mod read_buffers;
pub(crate) mod request_ctx;

use std::marker::PhantomData;
use std::sync::Barrier;
use std::time::{Duration, Instant};

use criterion::{Criterion, Throughput};

/// How a contender runs: `n` operations per call, with the per-operation dispatch inside the loop
/// body (a call costs one dynamic call, not one per operation).
pub(crate) enum Run {
    /// Usable from one thread only (`LocalPool`, state in a `RefCell`).
    Local(Box<dyn Fn(u64)>),
    /// Shareable by threads: one pool, used by every thread at once.
    Shared(Box<dyn Fn(u64) + Sync>),
}

/// One contender of a workload.
pub(crate) struct Contender {
    /// The benchmark id inside its workload's group (see the module docs for the prefixes).
    pub(crate) name: String,
    /// Runs `n` operations.
    pub(crate) run: Run,
}

impl Contender {
    /// A contender only one thread may use.
    pub(crate) fn local(name: impl Into<String>, run: impl Fn(u64) + 'static) -> Self {
        Self {
            name: name.into(),
            run: Run::Local(Box::new(run)),
        }
    }

    /// A contender threads can share.
    pub(crate) fn shared(name: impl Into<String>, run: impl Fn(u64) + Sync + 'static) -> Self {
        Self {
            name: name.into(),
            run: Run::Shared(Box::new(run)),
        }
    }

    /// Runs `n` operations on this thread.
    pub(crate) fn run(&self, n: u64) {
        match &self.run {
            Run::Local(f) => f(n),
            Run::Shared(f) => f(n),
        }
    }

    /// The shareable runner, if there is one.
    pub(crate) fn shared_run(&self) -> Option<&(dyn Fn(u64) + Sync)> {
        match &self.run {
            Run::Local(_) => None,
            Run::Shared(f) => Some(&**f),
        }
    }

    /// Whether this contender allocates fresh values (and so depends on the global allocator).
    pub(crate) fn is_fresh(&self) -> bool {
        self.name.starts_with(FRESH_SYSTEM)
    }
}

/// The prefix of the fresh-allocation contenders, as the system-allocator binaries name them.
pub(crate) const FRESH_SYSTEM: &str = "fresh_system_";

/// Times `run(iters)` on this thread after one untimed operation (first-use costs: a thread
/// cache, a thread-local, a first allocation).
pub(crate) fn timed(iters: u64, run: impl Fn(u64)) -> Duration {
    run(1);
    let start = Instant::now();
    run(iters);
    start.elapsed()
}

/// Two threads, each running `iters` operations of `run` at once; returns the wall time from the
/// moment both were released by the barrier to the moment the later one finished, i.e. the time
/// per operation per thread.
pub(crate) fn two_threads(run: &(dyn Fn(u64) + Sync), iters: u64) -> Duration {
    let barrier = Barrier::new(2);
    let spans: Vec<(Instant, Instant)> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..2)
            .map(|_| {
                s.spawn(|| {
                    run(1);
                    barrier.wait();
                    let start = Instant::now();
                    run(iters);
                    (start, Instant::now())
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let start = spans.iter().map(|s| s.0).min().unwrap();
    let end = spans.iter().map(|s| s.1).max().unwrap();
    end - start
}

/// Registers one criterion group: every contender `rename` keeps (under the name it returns),
/// on one thread. With `elements`, one criterion iteration is `elements` operations and the
/// group reports a throughput in elements per second.
/// Objects in flight between the two threads of [`cross_thread`].
pub(crate) const IN_FLIGHT: usize = 64;

/// One thread takes objects with `get` and sends each over a bounded channel ([`IN_FLIGHT`])
/// to a second thread, which drops it: what a runtime does when a task that holds a pooled
/// object moves to another worker. Both run `warm` objects first; `before` runs on the calling
/// thread once both are warm, `after` once both finished the `n` measured ones, before either
/// exits. Returns the wall time of the `n`.
pub(crate) fn cross_thread<G: Send>(
    get: &(dyn Fn() -> G + Sync),
    warm: u64,
    n: u64,
    before: &mut dyn FnMut(),
    after: &mut dyn FnMut(),
) -> Duration {
    let barrier = Barrier::new(3);
    let (tx, rx) = std::sync::mpsc::sync_channel::<G>(IN_FLIGHT);
    std::thread::scope(|s| {
        let barrier = &barrier;
        s.spawn(move || {
            for _ in 0..warm {
                tx.send(get()).unwrap();
            }
            barrier.wait(); // warm
            barrier.wait(); // started
            for _ in 0..n {
                tx.send(get()).unwrap();
            }
            barrier.wait(); // done
            barrier.wait(); // counted
        });
        s.spawn(move || {
            for _ in 0..warm {
                drop(rx.recv().unwrap());
            }
            barrier.wait();
            barrier.wait();
            for _ in 0..n {
                drop(rx.recv().unwrap());
            }
            barrier.wait();
            barrier.wait();
        });
        barrier.wait();
        before();
        let start = Instant::now();
        barrier.wait();
        barrier.wait();
        let elapsed = start.elapsed();
        after();
        barrier.wait();
        elapsed
    })
}

pub(crate) fn bench_group(
    c: &mut Criterion,
    group: &str,
    contenders: &[Contender],
    elements: Option<u64>,
    rename: impl Fn(&Contender) -> Option<String>,
) {
    let mut g = c.benchmark_group(group);
    let per_iter = elements.unwrap_or(1);
    if let Some(n) = elements {
        g.throughput(Throughput::Elements(n));
    }
    for contender in contenders {
        if let Some(name) = rename(contender) {
            g.bench_function(name, |b| {
                b.iter_custom(|iters| timed(iters * per_iter, |n| contender.run(n)))
            });
        }
    }
    g.finish();
}

/// Registers one criterion group of the shareable contenders `rename` keeps, each run by two
/// threads on one shared pool (see [`two_threads`]).
pub(crate) fn bench_group_two_threads(
    c: &mut Criterion,
    group: &str,
    contenders: &[Contender],
    rename: impl Fn(&Contender) -> Option<String>,
) {
    let mut g = c.benchmark_group(group);
    for contender in contenders {
        if let (Some(run), Some(name)) = (contender.shared_run(), rename(contender)) {
            g.bench_function(name, |b| b.iter_custom(|iters| two_threads(run, iters)));
        }
    }
    g.finish();
}

/// Every contender under its own name (the system-allocator binaries).
pub(crate) fn all(c: &Contender) -> Option<String> {
    Some(c.name.clone())
}

/// Only the fresh-allocation contenders, renamed `fresh_mimalloc_*` (the mimalloc binary).
pub(crate) fn fresh_as_mimalloc(c: &Contender) -> Option<String> {
    c.name
        .strip_prefix(FRESH_SYSTEM)
        .map(|rest| format!("fresh_mimalloc_{rest}"))
}

// ---- the other pool crates, generic over the pooled object -------------------------------------

/// An object the other pools hold: how they create one, and the fair reset they apply (the
/// same reset `pool_core` applies, so that only the pools' machinery differs).
pub(crate) trait Object: Send + Sync + 'static {
    /// A new object, as the pool's factory makes it.
    fn create() -> Self;
    /// Makes the object fresh for its next user, keeping its allocations.
    fn clean(&mut self);
}

/// `opool`'s allocator for any [`Object`] (opool resets on `get`).
struct ObjAlloc<T>(PhantomData<fn() -> T>);

impl<T: Object> opool::PoolAllocator<T> for ObjAlloc<T> {
    fn allocate(&self) -> T {
        T::create()
    }
    fn reset(&self, obj: &mut T) {
        obj.clean();
    }
}

/// A `sharded-slab` slot for any [`Object`]: sharded-slab's `Pool` needs `Default + Clear`.
pub(crate) struct Slot<T>(pub(crate) T);

impl<T: Object> Default for Slot<T> {
    fn default() -> Self {
        Slot(T::create())
    }
}

impl<T: Object> sharded_slab::Clear for Slot<T> {
    fn clear(&mut self) {
        self.0.clean();
    }
}

/// State that operations carry from one to the next on a thread (the log pipeline's
/// aggregate), borrowed once per run of `n` operations, not once per operation.
pub(crate) trait Scratch: 'static {
    /// Calls `f` with this thread's state.
    fn with<R>(f: impl FnOnce(&mut Self) -> R) -> R;
}

impl Scratch for () {
    #[inline(always)]
    fn with<R>(f: impl FnOnce(&mut Self) -> R) -> R {
        f(&mut ())
    }
}

/// The other pools (`object-pool`, `lockfree-object-pool`'s `LinearObjectPool`, `opool`,
/// `sharded-slab`'s `Pool`) holding `T`, each running `op(object, state, i)` for operation `i` on
/// an object it hands out, with `T::clean` as the reset. Names are `<crate><suffix>`.
pub(crate) fn other_pools<T: Object, S: Scratch>(
    suffix: &str,
    op: fn(&mut T, &mut S, u64),
) -> Vec<Contender> {
    let object_pool = object_pool::Pool::<T>::new(64, T::create);
    let linear = lockfree_object_pool::LinearObjectPool::<T>::new(T::create, T::clean);
    let opool = opool::Pool::new(64, ObjAlloc::<T>(PhantomData));
    let slab = sharded_slab::Pool::<Slot<T>>::new();
    vec![
        Contender::shared(format!("object_pool{suffix}"), move |n| {
            S::with(|s| {
                for i in 0..n {
                    // object-pool has no reset hook: reset on pull.
                    let mut g = object_pool.pull(T::create);
                    g.clean();
                    op(&mut g, s, i);
                }
            })
        }),
        Contender::shared(format!("lockfree_LinearObjectPool{suffix}"), move |n| {
            S::with(|s| {
                for i in 0..n {
                    let mut g = linear.pull();
                    op(&mut g, s, i);
                }
            })
        }),
        Contender::shared(format!("opool{suffix}"), move |n| {
            S::with(|s| {
                for i in 0..n {
                    let mut g = opool.get();
                    op(&mut g, s, i);
                }
            })
        }),
        Contender::shared(format!("sharded_slab{suffix}"), move |n| {
            S::with(|s| {
                for i in 0..n {
                    let mut g = slab.create().expect("sharded-slab: pool full");
                    op(&mut g.0, s, i);
                    let key = g.key();
                    drop(g);
                    // Marks the slot free; sharded-slab runs `Clear` on it.
                    slab.clear(key);
                }
            })
        }),
    ]
}
