//! `log_pipeline`: parse lines of a synthetic access log into `LogRecord`s and aggregate them,
//! in batches of 1000 lines (criterion reports lines per second): `Pool<LogRecord>`,
//! `LocalPool<LogRecord>`, a fresh `LogRecord::default()` per line, one record reset in place
//! (the floor), and the other pools. The fresh contender under mimalloc is in
//! `workloads_mimalloc`.
//!
//! ```text
//! cargo bench --bench log_pipeline -- --warm-up-time 1 --measurement-time 2
//! ```

mod common;

use criterion::{Criterion, criterion_group};

fn bench(c: &mut Criterion) {
    common::bench_group(
        c,
        "log_pipeline",
        &common::log_pipeline::contenders(),
        Some(common::log_pipeline::LINES as u64),
        common::all,
    );
}

criterion_group!(benches, bench);

/// With `BENCH_INTERLEAVED_OUT` set (`scripts/bench-report`), the interleaved harness
/// (`common/harness.rs`) instead of criterion.
fn main() {
    if common::harness::out_path().is_some() {
        use common::harness::{one_thread_entries, run_group};
        let c = common::log_pipeline::contenders();
        run_group(
            "log_pipeline",
            "one access-log line (of a 1000-line log) parsed into a record and aggregated, one thread",
            1,
            one_thread_entries(&c, common::all),
        );
        return;
    }
    benches();
    Criterion::default().configure_from_args().final_summary();
}
