//! The fresh-allocation contenders of every workload bench, with mimalloc as the global allocator
//! (it cannot sit beside the system allocator in one binary). They land in the same criterion
//! groups as the system-allocator runs, renamed `fresh_mimalloc_*`, so the report puts them side
//! by side.
//!
//! ```text
//! cargo bench --bench workloads_mimalloc -- --warm-up-time 1 --measurement-time 2
//! ```

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

mod common;

use criterion::{Criterion, criterion_group, criterion_main};

fn bench(c: &mut Criterion) {
    use common::{bench_group, bench_group_two_threads, fresh_as_mimalloc as mi};
    let lines = Some(common::log_pipeline::LINES as u64);
    bench_group(
        c,
        "json_encode",
        &common::json_encode::contenders(),
        None,
        mi,
    );
    bench_group(
        c,
        "request_ctx",
        &common::request_ctx::contenders(),
        None,
        mi,
    );
    let read = common::read_buffers::contenders();
    bench_group(c, "read_buffers_1thread", &read, None, mi);
    bench_group_two_threads(c, "read_buffers_2threads", &read, mi);
    bench_group(
        c,
        "log_pipeline",
        &common::log_pipeline::contenders(),
        lines,
        mi,
    );
}

criterion_group!(benches, bench);
criterion_main!(benches);
