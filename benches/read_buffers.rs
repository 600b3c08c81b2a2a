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

use criterion::{Criterion, criterion_group, criterion_main};

fn bench(c: &mut Criterion) {
    let contenders = common::read_buffers::contenders();
    common::bench_group(c, "read_buffers_1thread", &contenders, None, common::all);
    common::bench_group_two_threads(c, "read_buffers_2threads", &contenders, common::all);
}

criterion_group!(benches, bench);
criterion_main!(benches);
