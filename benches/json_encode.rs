//! `json_encode`: `serde_json::to_writer` of a small struct into a pooled `Vec<u8>`
//! (`Pool`, `LocalPool`, `BufferPool::get(256)`) against a fresh `Vec::new()`, a pre-sized fresh
//! `Vec`, `serde_json::to_vec`, `zeropool` and the other pools. The fresh contenders under
//! mimalloc are in `workloads_mimalloc`; allocations per operation in `alloc_counts`.
//!
//! ```text
//! cargo bench --bench json_encode -- --warm-up-time 1 --measurement-time 2
//! ```

mod common;

use criterion::{Criterion, criterion_group};

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

/// With `BENCH_INTERLEAVED_OUT` set (`scripts/bench-report`), the interleaved harness
/// (`common/harness.rs`) instead of criterion.
fn main() {
    if common::harness::callgrind(&common::json_encode::contenders()) {
        return;
    }
    if common::harness::out_path().is_some() {
        use common::harness::{one_thread_entries, run_group};
        let c = common::json_encode::contenders();
        run_group(
            "json_encode",
            "one `serde_json::to_writer` of an 82-byte object into a byte buffer (the Go seed's `sync.Pool` example), one thread",
            1,
            one_thread_entries(&c, common::all),
        );
        return;
    }
    benches();
    Criterion::default().configure_from_args().final_summary();
}
