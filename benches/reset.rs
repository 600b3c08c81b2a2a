//! The cost of one request's worth of reuse of a web service's request context: fill it with
//! realistic data (three ~24-byte ids, 8 headers, a 1 KiB body), then make it fresh again by
//! the derived `reset`, a hand-written reset, `*x = Default::default()`, or by building a new
//! value each time.
//!
//! `cargo bench --bench reset -- --warm-up-time 1 --measurement-time 3`

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, DefaultHasher};
use std::hint::black_box;

use criterion::{Criterion, criterion_group};
use pool_core::Poolable;

/// The per-request state of a web service.
#[derive(Poolable, Default)]
struct RequestContext {
    user_id: String,
    session_id: String,
    trace_id: String,
    body: Vec<u8>,
    /// A fixed hasher: with `RandomState` each context would get its own seed, hence its own
    /// collisions, and the contenders would not do the same work.
    headers: HashMap<String, String, BuildHasherDefault<DefaultHasher>>,
}

impl RequestContext {
    fn with_capacity() -> Self {
        RequestContext {
            body: Vec::with_capacity(4096),
            headers: HashMap::with_capacity_and_hasher(16, BuildHasherDefault::default()),
            ..Default::default()
        }
    }

    /// What a hand-written `Poolable` impl would do: clear each field.
    fn clear_by_hand(&mut self) {
        self.user_id.clear();
        self.session_id.clear();
        self.trace_id.clear();
        self.body.clear();
        self.headers.clear();
    }
}

const HEADERS: [(&str, &str); 8] = [
    ("host", "api.example.com"),
    ("user-agent", "Mozilla/5.0 (X11; Linux x86_64)"),
    ("accept", "application/json"),
    ("accept-encoding", "gzip, br"),
    ("content-type", "application/json"),
    ("content-length", "1024"),
    ("authorization", "Bearer eyJhbGciOiJIUzI1NiJ9"),
    ("x-request-id", "4bf92f3577b34da6a3ce929d"),
];

/// Writes one request into `ctx`, reusing whatever capacity it kept.
fn fill(ctx: &mut RequestContext, body: &[u8]) {
    ctx.user_id.push_str(black_box("user-000000000000000042"));
    ctx.session_id
        .push_str(black_box("sess-7f3a9c0e5b1d2f4a6c"));
    ctx.trace_id.push_str(black_box("0af7651916cd43dd8448eb21"));
    ctx.body.extend_from_slice(black_box(body));
    for (name, value) in HEADERS {
        ctx.headers.insert(name.to_owned(), value.to_owned());
    }
}

fn reset(c: &mut Criterion) {
    let body = vec![b'{'; 1024];
    let mut group = c.benchmark_group("request_context");

    let mut ctx = RequestContext::with_capacity();
    group.bench_function("derived_reset", |b| {
        b.iter(|| {
            fill(&mut ctx, &body);
            black_box(&mut ctx).reset();
        })
    });

    let mut ctx = RequestContext::with_capacity();
    group.bench_function("hand_written_reset", |b| {
        b.iter(|| {
            fill(&mut ctx, &body);
            black_box(&mut ctx).clear_by_hand();
        })
    });

    let mut ctx = RequestContext::with_capacity();
    group.bench_function("assign_default", |b| {
        b.iter(|| {
            fill(&mut ctx, &body);
            *black_box(&mut ctx) = RequestContext::default();
        })
    });

    group.bench_function("new_value", |b| {
        b.iter(|| {
            let mut ctx = RequestContext::with_capacity();
            fill(&mut ctx, &body);
            black_box(ctx)
        })
    });

    group.finish();
}

criterion_group!(benches, reset);

/// The loop measured under callgrind (`--toggle-collect='*callgrind_loop*'`).
#[inline(never)]
fn callgrind_loop(ctx: &mut RequestContext, body: &[u8], n: u64, derived: bool) {
    for _ in 0..n {
        fill(ctx, body);
        if derived {
            black_box(&mut *ctx).reset();
        } else {
            black_box(&mut *ctx).clear_by_hand();
        }
    }
}

/// With `RESET_CALLGRIND=derived` or `=hand_written` the binary runs no benchmark: it runs
/// `RESET_N` (default 10 000) fill-and-reset cycles in `callgrind_loop`, so that
/// `valgrind --tool=callgrind --collect-atstart=no --toggle-collect='*callgrind_loop*'` counts the
/// instructions of each reset (deterministic, unlike the timings of an allocation-heavy loop).
fn main() {
    if let Ok(which) = std::env::var("RESET_CALLGRIND") {
        let n = std::env::var("RESET_N").map_or(10_000, |s| s.parse().expect("RESET_N"));
        let body = vec![b'{'; 1024];
        let mut ctx = RequestContext::with_capacity();
        callgrind_loop(&mut ctx, &body, 1, which == "derived");
        callgrind_loop(&mut ctx, &body, n, which == "derived");
        return;
    }
    benches();
    Criterion::default().configure_from_args().final_summary();
}
