//! `request_ctx`: a request context filled from one of 64 synthetic requests, read and released
//! per operation: `Pool<RequestCtx>` (derived reset, `StringMap` headers),
//! `Pool<PlainRequestCtx>` (plain `HashMap`), `LocalPool<RequestCtx>`, fresh construction of
//! either, one context reset in place (the floor), and the other pools holding either type.
//! The fresh contenders under mimalloc are in `workloads_mimalloc`.
//!
//! ```text
//! cargo bench --bench request_ctx -- --warm-up-time 1 --measurement-time 2
//! ```

mod common;

use criterion::{Criterion, criterion_group};

fn bench(c: &mut Criterion) {
    common::bench_group(
        c,
        "request_ctx",
        &common::request_ctx::contenders(),
        None,
        common::all,
    );
}

criterion_group!(benches, bench);

/// With `BENCH_INTERLEAVED_OUT` set (`scripts/bench-report`), the interleaved harness
/// (`common/harness.rs`) instead of criterion.
fn main() {
    if common::harness::callgrind(&common::request_ctx::contenders()) {
        return;
    }
    if common::harness::out_path().is_some() {
        use common::harness::{one_thread_entries, run_group};
        let c = common::request_ctx::contenders();
        run_group(
            "request_ctx",
            "one request: a context filled from a synthetic request (3 ids, 8 headers, 1 KiB body), read, released; one thread",
            1,
            one_thread_entries(&c, common::all),
        );
        return;
    }
    benches();
    Criterion::default().configure_from_args().final_summary();
}
