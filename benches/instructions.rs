//! Instruction counts of the hot paths under callgrind (gungraun): the stable evidence on a
//! shared machine, where wall-clock times move by tens of percent with the neighbours' load.
//!
//! Each benchmark runs [`OPS`] operations on a pool (or value) that its setup function built and
//! warmed outside the measurement (gungraun counts only the benchmark function; the setup's
//! value is passed in, and the benchmark returns it so that its drop is not counted either).
//! The counts are deterministic for one binary: they change when the code does.
//!
//! `scripts/check-instructions` runs this bench, compares every count with the committed
//! `benches/instructions.baseline` and fails when one rises more than 5% above it (`.ci/run`
//! runs it); `scripts/check-instructions --bless` rewrites the baseline after a deliberate
//! change. It needs valgrind and `gungraun-runner` of the same version as the `gungraun`
//! dev-dependency (`.ci/run` installs both).
//!
//! ```text
//! cargo bench --bench instructions
//! ```
#![allow(
    missing_docs,
    unreachable_pub,
    reason = "gungraun's macros generate public modules without docs"
)]

use std::hash::{BuildHasherDefault, DefaultHasher};
use std::hint::black_box;
use std::sync::Arc;

use gungraun::{library_benchmark, library_benchmark_group, main};
use pool_core::{BufferPool, LocalPool, Pool, Poolable, RecycleMap};
use pool_suite::workloads::{RequestCtx, synthetic_requests};

/// Operations per benchmark: enough to amortise whatever the pool does every so many operations,
/// few enough that callgrind takes well under a second.
const OPS: usize = 1000;

/// Capacity of the pooled buffers (as in `pool_ops`).
const CAP: usize = 4096;
/// What each operation writes into a buffer (as in `pool_ops`).
const DATA: [u8; 64] = [0xA5; 64];

#[inline(always)]
fn work(v: &mut Vec<u8>) {
    v.extend_from_slice(black_box(&DATA));
    black_box(v);
}

fn new_buf() -> Vec<u8> {
    Vec::with_capacity(CAP)
}

// ---- setups: every pool warm (its object created, this thread's cache registered) -------------

fn warm_pool() -> Pool<Vec<u8>> {
    let pool = Pool::with_factory(new_buf);
    work(&mut pool.get());
    pool
}

fn warm_arc_pool() -> Arc<Pool<Vec<u8>>> {
    let pool = Arc::new(Pool::with_factory(new_buf));
    work(&mut pool.get_owned());
    pool
}

fn warm_local_pool() -> LocalPool<Vec<u8>> {
    let pool = LocalPool::with_factory(new_buf);
    work(&mut pool.get());
    pool
}

fn warm_buffer_pool() -> BufferPool {
    let pool = BufferPool::new();
    work(&mut pool.get(CAP));
    pool
}

/// A request context as a request left it: filled from a synthetic request (3 ids, 8 headers,
/// 1 KiB body), `OPS` of them so that each measured reset has one to clear.
fn filled_ctxs() -> Vec<RequestCtx> {
    let req = &synthetic_requests(1)[0];
    (0..OPS)
        .map(|_| {
            let mut ctx = RequestCtx::default();
            ctx.fill(req);
            ctx
        })
        .collect()
}

/// A fixed hasher, so that the probe sequences (and the counts) are the same in every run.
type Fixed = BuildHasherDefault<DefaultHasher>;

/// The 8 header names and values of a synthetic request.
fn headers() -> Vec<(String, String)> {
    synthetic_requests(1).swap_remove(0).headers
}

/// A `RecycleMap` that held the 8 headers and was reset: its keys and values wait as spares.
fn warm_recycle_map() -> (RecycleMap<String, String, Fixed>, Vec<(String, String)>) {
    let headers = headers();
    let mut map = RecycleMap::with_hasher(Fixed::default());
    for (k, v) in &headers {
        map.insert(k.as_str(), v.as_str());
    }
    map.reset();
    (map, headers)
}

// ---- the benchmarks ------------------------------------------------------------------------------

// `Pool::get` + write 64 bytes + drop, a thread-cache hit every time.
#[library_benchmark]
#[bench::hit(setup = warm_pool)]
fn pool_get_drop(pool: Pool<Vec<u8>>) -> Pool<Vec<u8>> {
    for _ in 0..OPS {
        work(&mut black_box(&pool).get());
    }
    pool
}

// `Arc<Pool>::get_owned` + write + drop on the same thread.
#[library_benchmark]
#[bench::hit(setup = warm_arc_pool)]
fn pool_get_owned_drop(pool: Arc<Pool<Vec<u8>>>) -> Arc<Pool<Vec<u8>>> {
    for _ in 0..OPS {
        work(&mut black_box(&pool).get_owned());
    }
    pool
}

// `Pool::try_get` + write + drop.
#[library_benchmark]
#[bench::hit(setup = warm_pool)]
fn pool_try_get_drop(pool: Pool<Vec<u8>>) -> Pool<Vec<u8>> {
    for _ in 0..OPS {
        work(
            &mut black_box(&pool)
                .try_get()
                .expect("an unbounded pool always has room"),
        );
    }
    pool
}

// `LocalPool::get` + write + drop.
#[library_benchmark]
#[bench::hit(setup = warm_local_pool)]
fn local_pool_get_drop(pool: LocalPool<Vec<u8>>) -> LocalPool<Vec<u8>> {
    for _ in 0..OPS {
        work(&mut black_box(&pool).get());
    }
    pool
}

// `BufferPool::get(4096)` + write + drop (the 4 KiB class).
#[library_benchmark]
#[bench::class_4k(setup = warm_buffer_pool)]
fn buffer_pool_get_drop(pool: BufferPool) -> BufferPool {
    for _ in 0..OPS {
        work(&mut black_box(&pool).get(black_box(CAP)));
    }
    pool
}

// The derived `Poolable::reset` of a filled `RequestCtx` (3 strings, a `StringMap` of 8
// headers, a 1 KiB body with `max_capacity`).
#[library_benchmark]
#[bench::filled(setup = filled_ctxs)]
fn request_ctx_reset(mut ctxs: Vec<RequestCtx>) -> Vec<RequestCtx> {
    for ctx in &mut ctxs {
        black_box(ctx).reset();
    }
    ctxs
}

// A `RecycleMap<String, String>` reused: 8 borrowed-key inserts into spare keys and values,
// then a reset, per operation.
#[library_benchmark]
#[bench::eight_headers(setup = warm_recycle_map)]
fn recycle_map_reuse(
    (mut map, headers): (RecycleMap<String, String, Fixed>, Vec<(String, String)>),
) -> (RecycleMap<String, String, Fixed>, Vec<(String, String)>) {
    for _ in 0..OPS {
        for (k, v) in &headers {
            black_box(&mut map).insert(k.as_str(), v.as_str());
        }
        map.reset();
    }
    (map, headers)
}

library_benchmark_group!(
    name = hot_paths,
    benchmarks = [
        pool_get_drop,
        pool_get_owned_drop,
        pool_try_get_drop,
        local_pool_get_drop,
        buffer_pool_get_drop,
        request_ctx_reset,
        recycle_map_reuse
    ]
);

main!(library_benchmark_groups = hot_paths);
