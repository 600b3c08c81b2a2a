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

use criterion::{Criterion, criterion_group};

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

/// The `pool_core_*` and `fresh_mimalloc_*` contenders, for the interleaved groups under
/// mimalloc: ours is timed beside fresh mimalloc in this binary, so the two are interleaved.
fn ours_and_mimalloc(c: &common::Contender) -> Option<String> {
    if c.name.starts_with("pool_core_") {
        Some(c.name.clone())
    } else {
        common::fresh_as_mimalloc(c)
    }
}

/// With `BENCH_INTERLEAVED_OUT` set (`scripts/bench-report`), the interleaved harness
/// (`common/harness.rs`) instead of criterion: each workload's `pool_core_*` contenders beside
/// its fresh ones, all with mimalloc as the global allocator (groups `<workload>_mimalloc`).
fn main() {
    if common::harness::out_path().is_some() {
        use common::harness::{one_thread_entries, run_group};
        let what =
            "the workload of the same name (one thread), with mimalloc as the global allocator";
        let groups = [
            ("json_encode_mimalloc", common::json_encode::contenders()),
            ("request_ctx_mimalloc", common::request_ctx::contenders()),
            (
                "read_buffers_1thread_mimalloc",
                common::read_buffers::contenders(),
            ),
            ("log_pipeline_mimalloc", common::log_pipeline::contenders()),
        ];
        for (group, contenders) in &groups {
            run_group(
                group,
                what,
                1,
                one_thread_entries(contenders, ours_and_mimalloc),
            );
        }
        return;
    }
    benches();
    Criterion::default().configure_from_args().final_summary();
}
