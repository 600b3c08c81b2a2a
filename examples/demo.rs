//! The demo: one thread serves synthetic requests (3 ids, 8 headers, a 1 KiB body each) three
//! ways, and prints the time and the heap allocations per request for each, then the pool's
//! statistics.
//!
//! - **fresh**: a new `RequestCtx` per request, dropped at the end of it;
//! - **pooled**: a `RequestCtx` from a `Pool` (`#[derive(Poolable)]` resets it field by field and
//!   keeps every allocation: its headers are a `StringMap`, so even the header strings stay);
//! - **pooled, plain map**: a `PlainRequestCtx` from a `Pool`, whose headers are a plain
//!   `HashMap<String, String>`: the pool keeps the table, but `clear()` frees every key and value.
//!
//! Allocations are counted by a `#[global_allocator]` that wraps the system allocator.
//!
//! ```sh
//! cargo run --release --example demo                      # 400,000 requests per mode
//! cargo run --release --example demo -- --requests 10000  # fewer
//! ```

use std::hint::black_box;
use std::io::{IsTerminal as _, Write as _};
use std::time::{Duration, Instant};

use pool_core::{Pool, Stats};
use pool_suite::counting::{self, CountingAllocator};
use pool_suite::workloads::{PlainRequestCtx, RequestCtx, SyntheticRequest, synthetic_requests};

/// Counts this thread's allocations (see `pool_suite::counting`).
#[global_allocator]
static GLOBAL: CountingAllocator = CountingAllocator;

fn allocations() -> u64 {
    counting::snapshot().allocations
}

/// Requests per mode unless `--requests N` says otherwise: about 1 to 3 s in all, in release.
const DEFAULT_REQUESTS: usize = 400_000;
/// Distinct synthetic requests, served round-robin (so the input fits in cache-sized memory).
const DISTINCT: usize = 1024;

/// What one mode measured.
struct Run {
    name: &'static str,
    elapsed: Duration,
    allocations: u64,
}

/// Serves one request to warm up (a pool's first `get` creates its object), then `n` measured
/// ones, showing progress on stderr when it is a terminal; allocations made by the progress line
/// itself are not counted.
fn run(
    name: &'static str,
    n: usize,
    reqs: &[SyntheticRequest],
    mut serve: impl FnMut(&SyntheticRequest) -> usize,
) -> Run {
    let show_progress = std::io::stderr().is_terminal();
    let step = (n / 50).max(1);
    let mut checksum = serve(&reqs[0]);
    let mut not_counted = 0;
    let (start, allocs_before) = (Instant::now(), allocations());
    for i in 0..n {
        checksum = checksum.wrapping_add(serve(&reqs[i % reqs.len()]));
        if show_progress && i % step == 0 {
            let before = allocations();
            eprint!("\r{name:<24} {:>3}%", i * 100 / n);
            not_counted += allocations() - before;
        }
    }
    let (elapsed, allocs) = (start.elapsed(), allocations() - allocs_before - not_counted);
    black_box(checksum);
    if show_progress {
        eprint!("\r{:<30}\r", "");
    }
    Run {
        name,
        elapsed,
        allocations: allocs,
    }
}

fn main() {
    let mut args = std::env::args().skip(1);
    let mut n = DEFAULT_REQUESTS;
    while let Some(arg) = args.next() {
        match (arg.as_str(), args.next().map(|v| v.parse::<usize>())) {
            ("--requests", Some(Ok(v))) if v > 0 => n = v,
            _ => {
                eprintln!("usage: demo [--requests N]   (N > 0, default {DEFAULT_REQUESTS})");
                std::process::exit(2);
            }
        }
    }
    let reqs = synthetic_requests(DISTINCT.min(n));
    let pool: Pool<RequestCtx> = Pool::new();
    let plain_pool: Pool<PlainRequestCtx> = Pool::with_factory(PlainRequestCtx::with_capacity);

    let runs = [
        run("fresh RequestCtx", n, &reqs, |req| {
            let mut ctx = RequestCtx::default();
            ctx.fill(req);
            black_box(&mut ctx).checksum()
        }),
        run("pooled RequestCtx", n, &reqs, |req| {
            let mut ctx = pool.get();
            ctx.fill(req);
            black_box(&mut *ctx).checksum()
        }),
        run("pooled PlainRequestCtx", n, &reqs, |req| {
            let mut ctx = plain_pool.get();
            ctx.fill(req);
            black_box(&mut *ctx).checksum()
        }),
    ];

    println!(
        "{n} requests per mode after one warm-up request, one thread \
         (3 ids, 8 headers, 1 KiB body each)\n"
    );
    println!(
        "{:<24} {:>12} {:>14}",
        "mode", "ns/request", "allocs/request"
    );
    let per_request = |r: &Run| {
        (
            r.elapsed.as_nanos() as f64 / n as f64,
            r.allocations as f64 / n as f64,
        )
    };
    for r in &runs {
        let (ns, allocs) = per_request(r);
        println!("{:<24} {ns:>12.1} {allocs:>14.2}", r.name);
    }
    let (fresh_ns, fresh_allocs) = per_request(&runs[0]);
    let (pooled_ns, pooled_allocs) = per_request(&runs[1]);
    println!(
        "\nfresh / pooled: {:.1}x the time, {:.2} vs {:.2} allocations per request",
        fresh_ns / pooled_ns,
        fresh_allocs,
        pooled_allocs
    );
    print_stats("Pool<RequestCtx>", &pool.stats());
    print_stats("Pool<PlainRequestCtx>", &plain_pool.stats());
    let _ = std::io::stdout().flush();
}

fn print_stats(name: &str, stats: &Stats) {
    println!("\n{name}:\n  {stats}");
}
