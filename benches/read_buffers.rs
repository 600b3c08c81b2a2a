//! `read_buffers`: get a 64 KiB read buffer, read 16 KiB into it from memory, checksum, release;
//! on one thread (`read_buffers_1thread`) and on two threads sharing one pool
//! (`read_buffers_2threads`: the wall time of two concurrent loops, i.e. per operation per
//! thread). Contenders: `BufferPool`, `Pool<Vec<u8>>`, `LocalPool` (one thread only), fresh
//! `Vec::with_capacity` and `vec![0; 64 KiB]`, `zeropool`, and the other pools. See
//! `common/read_buffers.rs` for how each one reads.
//!
//! ```text
//! cargo bench --bench read_buffers -- --warm-up-time 1 --measurement-time 2
//! ```

mod common;

use criterion::{Criterion, criterion_group};

fn bench(c: &mut Criterion) {
    let contenders = common::read_buffers::contenders();
    common::bench_group(c, "read_buffers_1thread", &contenders, None, common::all);
    common::bench_group_two_threads(c, "read_buffers_2threads", &contenders, common::all);
}

criterion_group!(benches, bench);

/// With `BENCH_INTERLEAVED_OUT` set (`scripts/bench-report`), the interleaved harness
/// (`common/harness.rs`) instead of criterion: the 1-thread group, then the machine's 2-thread
/// floor, the 2-thread group, the floor again, and the size classes.
fn main() {
    if common::harness::callgrind(&common::read_buffers::contenders()) {
        return;
    }
    if common::harness::out_path().is_some() {
        use common::harness::{machine_floor, one_thread_entries, run_group, two_thread_entries};
        let c = common::read_buffers::contenders();
        run_group(
            "read_buffers_1thread",
            "get a 64 KiB read buffer, read 16 KiB from memory into it, checksum, release; one thread",
            1,
            one_thread_entries(&c, common::all),
        );
        machine_floor("before_read_buffers_2threads");
        run_group(
            "read_buffers_2threads",
            "the same operation on two threads at once, both using one shared pool (each contender \
             its own pool, shared by the two threads); figure: wall time from the barrier that \
             starts both to the later one's finish, divided by one thread's operation count, i.e. \
             time per operation per thread (equal to the 1-thread figure if they scaled perfectly)",
            1,
            two_thread_entries(&c, common::all),
        );
        machine_floor("after_read_buffers_2threads");
        let s = common::read_buffers::size_class_contenders();
        run_group(
            "size_classes",
            "get a buffer of the next size in 1 KiB, 16 KiB, 64 KiB, 200 KiB, 1 MiB (cycling), \
             write 64 bytes, release; one thread (Go: one `sync.Pool` per class)",
            1,
            one_thread_entries(&s, common::all),
        );
        return;
    }
    benches();
    Criterion::default().configure_from_args().final_summary();
}
