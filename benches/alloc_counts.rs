//! Allocations and bytes allocated per operation, in steady state, for every contender of every
//! workload bench (and the `pool_ops` cache hit), counted by a global allocator that wraps
//! `System`. Each contender runs [`WARM`] operations, then [`OPS`] counted ones; the 2-thread
//! rows count both threads' operations.
//!
//! Prints a Markdown table and writes `alloc_counts.json` under `$CARGO_TARGET_DIR` (default
//! `target/`) for `benches/report.rs`. Exits with an error if a warm `Pool` or `LocalPool` cache
//! hit (`pool_ops`) allocates.
//!
//! ```text
//! cargo bench --bench alloc_counts
//! ```
//!
//! With `ALLOC_COUNTS_CALLGRIND=<group>/<contender>` (e.g. `json_encode/pool_core_Pool`) it
//! counts nothing: it warms that contender up and runs `ALLOC_COUNTS_N` (default 100 000)
//! operations in one `#[inline(never)]` loop, for
//! `valgrind --tool=callgrind --collect-atstart=no --toggle-collect='*callgrind_loop*'`.

mod common;

use std::hint::black_box;
use std::path::PathBuf;
use std::sync::Barrier;
use std::sync::atomic::{AtomicU64, Ordering};

use common::Contender;
use pool_core::{LocalPool, Pool};
use pool_suite::counting::{self, CountingAllocator};

/// Operations run before counting: fills the pools, the thread caches, the per-path entries of
/// the log aggregate, and cycles through every input.
const WARM: u64 = 1000;
/// Operations counted.
const OPS: u64 = 1000;
/// Operations the two threads of a 2-thread count run in lockstep at the end of their warm-up
/// (see [`two_threads`]).
const LOCKSTEP: u64 = 200;
/// Warm-up of the cross-thread case, after the pool is prefilled with what the flow holds at
/// its peak (see `pool_ops_cross_thread`): long enough for both threads' caches and the tier to
/// settle into the way objects flow between them.
const CROSS_WARM: u64 = 50_000;

/// Counts every thread's allocations (see `pool_suite::counting`).
#[global_allocator]
static GLOBAL: CountingAllocator = CountingAllocator;

/// `(allocations, bytes)` so far, all threads.
fn snapshot() -> (u64, u64) {
    let counts = counting::process_snapshot();
    (counts.allocations, counts.bytes)
}

/// Allocations and bytes per operation of one contender.
#[derive(Clone, Copy)]
struct PerOp {
    allocs: f64,
    bytes: f64,
}

impl PerOp {
    fn between(before: (u64, u64), after: (u64, u64), ops: u64) -> Self {
        Self {
            allocs: (after.0 - before.0) as f64 / ops as f64,
            bytes: (after.1 - before.1) as f64 / ops as f64,
        }
    }
}

/// Warms `run` up on this thread, then counts [`OPS`] operations.
fn one_thread(run: &dyn Fn(u64)) -> PerOp {
    run(WARM);
    let before = snapshot();
    run(OPS);
    PerOp::between(before, snapshot(), OPS)
}

/// Two threads share `run`: both warm up, then both run [`OPS`] operations at once, counted
/// from after the warm-up to before either thread exits (exiting flushes their caches).
///
/// Warm means the pool holds what the two threads need at their peak: an object in each
/// thread's hands at the same moment. Running at once does not make that happen: an operation
/// takes about a microsecond and the threads seldom hold at the same instant, so a pool can
/// serve 4 000 warm-up operations with one object (each thread stealing it back from the
/// other's idle cache) and create the second when the threads first overlap, counted. Before
/// the lockstep, `read_buffers_2threads` counted that creation in 33 runs of 300 for
/// `pool_core_Pool` and 3 for `pool_core_BufferPool`; with it, in none of 300, nor of 300 more
/// with a busy loop holding one of the machine's two cores. So the warm-up ends with
/// [`LOCKSTEP`] operations in lockstep: both threads spin until both have arrived, then take
/// their object at once.
fn two_threads(run: &(dyn Fn(u64) + Sync)) -> PerOp {
    let barrier = Barrier::new(3);
    let arrivals = AtomicU64::new(0);
    std::thread::scope(|s| {
        for _ in 0..2 {
            s.spawn(|| {
                run(WARM);
                barrier.wait(); // warm, apart
                for step in 1..=LOCKSTEP {
                    arrivals.fetch_add(1, Ordering::AcqRel);
                    while arrivals.load(Ordering::Acquire) < 2 * step {
                        std::hint::spin_loop();
                    }
                    run(1);
                }
                barrier.wait(); // warm
                barrier.wait(); // counting started
                run(OPS);
                barrier.wait(); // done
                // Exit only after the count is read: a thread's exit flushes its pool caches,
                // which is not part of the steady state being counted.
                barrier.wait();
            });
        }
        barrier.wait();
        barrier.wait();
        let before = snapshot();
        barrier.wait();
        barrier.wait();
        let per_op = PerOp::between(before, snapshot(), 2 * OPS);
        barrier.wait();
        per_op
    })
}

/// `(workload, [(contender, per operation)])`, in the order the benches run.
type Table = Vec<(String, Vec<(String, PerOp)>)>;

fn add_group(table: &mut Table, group: &str, contenders: &[Contender]) {
    let rows = contenders
        .iter()
        .map(|c| (c.name.clone(), one_thread(&|n| c.run(n))))
        .collect();
    table.push((group.to_owned(), rows));
}

/// `pool_ops`: get a 4096-byte `Vec<u8>`, write 64 bytes, drop the guard.
fn pool_ops() -> Vec<(String, PerOp)> {
    const DATA: [u8; 64] = [0xA5; 64];
    let new_buf = || Vec::<u8>::with_capacity(4096);
    let pool = Pool::with_factory(new_buf);
    let local = LocalPool::with_factory(new_buf);
    let pool_op = |n| {
        for _ in 0..n {
            pool.get().extend_from_slice(black_box(&DATA));
        }
    };
    let local_op = |n| {
        for _ in 0..n {
            local.get().extend_from_slice(black_box(&DATA));
        }
    };
    let fresh_op = |n| {
        for _ in 0..n {
            let mut v = new_buf();
            v.extend_from_slice(black_box(&DATA));
            black_box(v);
        }
    };
    vec![
        ("pool_core_Pool".to_owned(), one_thread(&pool_op)),
        ("pool_core_LocalPool".to_owned(), one_thread(&local_op)),
        ("fresh_system".to_owned(), one_thread(&fresh_op)),
    ]
}

/// `pool_ops` across threads: one thread gets, a second drops what it is sent (both threads'
/// allocations, counted between the warm-up and the end of the measured objects).
fn pool_ops_cross_thread() -> Vec<(String, PerOp)> {
    const DATA: [u8; 64] = [0xA5; 64];
    let pool = std::sync::Arc::new(Pool::with_factory(|| Vec::<u8>::with_capacity(4096)));
    // What the flow holds at its peak: the channel full, one object being sent, one being
    // dropped. Without it the pool grows to that peak only when the channel first fills up,
    // which one run in ten reached after the warm-up (2 to 20 creations in the count: demand
    // the warm-up had not seen, not allocation in steady state).
    pool.prefill(common::IN_FLIGHT + 2);
    let count = |get: &(dyn Fn() -> pool_core::PooledOwned<Vec<u8>> + Sync)| {
        let mut before = (0, 0);
        let mut after = (0, 0);
        common::cross_thread(
            get,
            CROSS_WARM,
            OPS,
            &mut || before = snapshot(),
            &mut || after = snapshot(),
        );
        PerOp::between(before, after, OPS)
    };
    let owned = count(&|| {
        let mut g = pool.get_owned();
        g.extend_from_slice(black_box(&DATA));
        g
    });
    vec![("pool_core_Pool_get_owned".to_owned(), owned)]
}

/// The loop measured under callgrind (`--toggle-collect='*callgrind_loop*'`).
#[inline(never)]
fn callgrind_loop(run: &dyn Fn(u64), n: u64) {
    run(n);
}

/// Runs one contender under callgrind (see the crate docs).
fn callgrind(which: &str) {
    let n: u64 =
        std::env::var("ALLOC_COUNTS_N").map_or(100_000, |s| s.parse().expect("ALLOC_COUNTS_N"));
    let (group, name) = which
        .split_once('/')
        .expect("ALLOC_COUNTS_CALLGRIND=<group>/<contender>");
    let contenders = match group {
        "json_encode" => common::json_encode::contenders(),
        "request_ctx" => common::request_ctx::contenders(),
        "read_buffers_1thread" => common::read_buffers::contenders(),
        "log_pipeline" => common::log_pipeline::contenders(),
        _ => panic!("ALLOC_COUNTS_CALLGRIND: unknown group {group:?}"),
    };
    let contender = contenders
        .iter()
        .find(|c| c.name == name)
        .unwrap_or_else(|| panic!("ALLOC_COUNTS_CALLGRIND: unknown contender {name:?}"));
    contender.run(WARM);
    callgrind_loop(&|n| contender.run(n), n);
}

fn main() {
    if let Ok(which) = std::env::var("ALLOC_COUNTS_CALLGRIND") {
        callgrind(&which);
        return;
    }
    let mut table = Table::new();
    add_group(
        &mut table,
        "json_encode",
        &common::json_encode::contenders(),
    );
    add_group(
        &mut table,
        "request_ctx",
        &common::request_ctx::contenders(),
    );
    let read = common::read_buffers::contenders();
    add_group(&mut table, "read_buffers_1thread", &read);
    let two = read
        .iter()
        .filter_map(|c| Some((c.name.clone(), two_threads(c.shared_run()?))))
        .collect();
    table.push(("read_buffers_2threads".to_owned(), two));
    add_group(
        &mut table,
        "size_classes",
        &common::read_buffers::size_class_contenders(),
    );
    add_group(
        &mut table,
        "log_pipeline",
        &common::log_pipeline::contenders(),
    );
    let ops = pool_ops();
    let cache_hit_allocates: Vec<String> = ops
        .iter()
        .filter(|(name, per_op)| name.starts_with("pool_core_") && per_op.allocs > 0.0)
        .map(|(name, _)| name.clone())
        .collect();
    table.push(("pool_ops_1thread".to_owned(), ops));
    let cross = pool_ops_cross_thread();
    let cross_allocates: Vec<String> = cross
        .iter()
        .filter(|(_, per_op)| per_op.allocs > 0.0)
        .map(|(name, _)| name.clone())
        .collect();
    table.push(("pool_ops_cross_thread".to_owned(), cross));

    println!(
        "Steady state: {WARM} operations of warm-up, then {OPS} counted (2 threads: {OPS} each).\n"
    );
    println!("| workload | contender | allocations/op | bytes/op |");
    println!("|---|---|--:|--:|");
    for (group, rows) in &table {
        for (name, per_op) in rows {
            println!(
                "| {group} | {name} | {:.3} | {:.1} |",
                per_op.allocs, per_op.bytes
            );
        }
    }

    let json: serde_json::Map<String, serde_json::Value> = table
        .iter()
        .map(|(group, rows)| {
            let rows = rows
                .iter()
                .map(|(name, p)| {
                    let row =
                        serde_json::json!({ "allocs_per_op": p.allocs, "bytes_per_op": p.bytes });
                    (name.clone(), row)
                })
                .collect::<serde_json::Map<_, _>>();
            (group.clone(), rows.into())
        })
        .collect();
    let doc = serde_json::json!({ "warm_up_ops": WARM, "counted_ops": OPS, "groups": json });
    let dir =
        std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| PathBuf::from("target"), PathBuf::from);
    std::fs::create_dir_all(&dir).expect("creating the target directory");
    let path = dir.join("alloc_counts.json");
    std::fs::write(&path, serde_json::to_string_pretty(&doc).expect("JSON"))
        .expect("writing alloc_counts.json");
    println!("\nwritten: {}", path.display());

    if !cache_hit_allocates.is_empty() {
        eprintln!("error: a warm cache hit allocated in pool_ops: {cache_hit_allocates:?}");
        std::process::exit(1);
    }
    if !cross_allocates.is_empty() {
        // Not an error: a pool creates an object whenever the number in flight (the channel,
        // the object each thread holds, one being reset) reaches a new maximum, and after the
        // warm-up that is rare but not impossible.
        eprintln!("note: warm cross-thread traffic allocated in pool_ops: {cross_allocates:?}");
    }
}
