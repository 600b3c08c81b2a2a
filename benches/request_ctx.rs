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

use criterion::{Criterion, criterion_group, criterion_main};

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
criterion_main!(benches);
