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
//! Allocations are counted by a `#[global_allocator]` that wraps the system allocator (at the end
//! of this file). The file is self-contained: it needs `pool-core` and nothing else.
//!
//! ```sh
//! cargo run --release --example demo                      # 400,000 requests per mode
//! cargo run --release --example demo -- --requests 10000  # fewer
//! ```

use std::collections::HashMap;
use std::hint::black_box;
use std::io::{IsTerminal as _, Write as _};
use std::time::{Duration, Instant};

use pool_core::{Pool, Poolable, Stats, StringMap};

use counting::allocations;

/// This thread's allocation counter (`examples/counting.rs`, measurement only).
mod counting;

/// Counts this thread's allocations (see [`counting`]).
#[global_allocator]
static GLOBAL: counting::CountingAllocator = counting::CountingAllocator;

/// The headers every synthetic request carries: 8, as in a typical API call.
const HEADER_NAMES: [&str; 8] = [
    "host",
    "user-agent",
    "accept",
    "accept-encoding",
    "content-type",
    "authorization",
    "x-request-id",
    "x-forwarded-for",
];

/// One incoming request, as a server would see it before copying it into its context.
struct SyntheticRequest {
    /// User, session and trace ids (about 24 bytes each).
    ids: [String; 3],
    /// 8 header name/value pairs.
    headers: Vec<(String, String)>,
    /// A 1 KiB body.
    body: Vec<u8>,
}

/// `n` different requests (ids, header values and body bytes vary with the index).
fn synthetic_requests(n: usize) -> Vec<SyntheticRequest> {
    (0..n)
        .map(|i| SyntheticRequest {
            ids: [
                format!("user-{i:019}"),
                format!("session-{i:016}"),
                format!("trace-{i:018}"),
            ],
            headers: HEADER_NAMES
                .iter()
                .enumerate()
                .map(|(h, name)| (name.to_string(), format!("value-{h}-{i:012}")))
                .collect(),
            body: (0..1024).map(|b| (b + i) as u8).collect(),
        })
        .collect()
}

/// The state of one web request, generic over how it stores headers (the derive infers the
/// bound `H: Poolable` from the `headers` field).
#[derive(Poolable, Default)]
struct RequestContext<H> {
    user_id: String,
    session_id: String,
    trace_id: String,
    headers: H,
    /// Shrunk after reset if a huge request grew it past 64 KiB.
    #[poolable(max_capacity = 65536)]
    body: Vec<u8>,
}

/// A request context whose reset keeps every allocation, the headers' keys and values included
/// (a `StringMap`): 0 allocations per request once warm.
type RequestCtx = RequestContext<StringMap>;

/// The same context with a plain `HashMap<String, String>`: its reset keeps the table but frees
/// every key and value, so each request allocates 16 strings again.
type PlainRequestCtx = RequestContext<HashMap<String, String>>;

/// A header map a [`RequestContext`] can be filled into.
trait Headers {
    fn set(&mut self, name: &str, value: &str);
    fn value(&self, name: &str) -> Option<&str>;
    fn count(&self) -> usize;
}

/// Copies into spare strings: allocates nothing when warm.
impl Headers for StringMap {
    fn set(&mut self, name: &str, value: &str) {
        self.insert(name, value);
    }
    fn value(&self, name: &str) -> Option<&str> {
        self.get(name).map(String::as_str)
    }
    fn count(&self) -> usize {
        self.len()
    }
}

/// Allocates a new key and value `String` per header.
impl Headers for HashMap<String, String> {
    fn set(&mut self, name: &str, value: &str) {
        self.insert(name.to_owned(), value.to_owned());
    }
    fn value(&self, name: &str) -> Option<&str> {
        self.get(name).map(String::as_str)
    }
    fn count(&self) -> usize {
        self.len()
    }
}

impl<H: Headers> RequestContext<H> {
    /// Copies `req` in.
    fn fill(&mut self, req: &SyntheticRequest) {
        self.user_id.push_str(&req.ids[0]);
        self.session_id.push_str(&req.ids[1]);
        self.trace_id.push_str(&req.ids[2]);
        for (name, value) in &req.headers {
            self.headers.set(name, value);
        }
        self.body.extend_from_slice(&req.body);
    }

    /// A value that depends on every field, so the work cannot be optimised away.
    fn checksum(&self) -> usize {
        self.user_id.len()
            + self.session_id.len()
            + self.trace_id.len()
            + self.headers.value("host").map_or(0, str::len)
            + self.headers.count()
            + self.body.len()
    }
}

impl PlainRequestCtx {
    /// A context sized for a typical request: body capacity 4096, room for 16 headers.
    fn with_capacity() -> Self {
        Self {
            body: Vec::with_capacity(4096),
            headers: HashMap::with_capacity(16),
            ..Self::default()
        }
    }
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
