//! `json_encode`: `serde_json::to_writer` of a small struct into a pooled `Vec<u8>`
//! (`Pool`, `LocalPool`, `BufferPool::get(256)`) against a fresh `Vec::new()`, a pre-sized fresh
//! `Vec`, `serde_json::to_vec`, `zeropool` and the other pools. The fresh contenders under
//! mimalloc are in `workloads_mimalloc`; allocations per operation in `alloc_counts`.
//!
//! ```text
//! cargo bench --bench json_encode -- --warm-up-time 1 --measurement-time 2
//! ```

mod common;

use criterion::{Criterion, criterion_group, criterion_main};

fn bench(c: &mut Criterion) {
    common::bench_group(
        c,
        "json_encode",
        &common::json_encode::contenders(),
        None,
        common::all,
    );
}

criterion_group!(benches, bench);
criterion_main!(benches);
