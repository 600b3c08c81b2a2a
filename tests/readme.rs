//! The README's first example keeps its promise: after the first request, its loop makes no
//! heap allocation at all. The struct and the loop's body below are the README's, line for line
//! (`the_readme_shows_this_code` checks that they still are, whitespace aside); a counting global
//! allocator counts what each request allocates on this thread.

use pool_core::{Pool, Poolable, StringMap};
use pool_suite::counting::{self, CountingAllocator};

/// Counts this thread's allocations (see `pool_suite::counting`).
#[global_allocator]
static GLOBAL: CountingAllocator = CountingAllocator;

// README: begin struct
/// The state of one request. `#[derive(Poolable)]` writes the reset: every field is cleared
/// and keeps its allocation, and a field that cannot be reset is a compile error.
#[derive(Poolable, Default)]
struct RequestCtx {
    user_id: String,
    trace_id: String,
    headers: StringMap, // a map whose reset keeps its keys' and values' strings too
    #[poolable(max_capacity = 65536)] // one huge upload must not pin its memory in the pool
    body: Vec<u8>,
    #[poolable(skip)] // kept across reuses
    worker: u32,
}

const HOSTS: [&str; 4] = ["api-0", "api-1", "api-2", "api-3"];
// README: end

/// One iteration of the README's loop.
fn request(pool: &Pool<RequestCtx>, i: usize) {
    // README: begin loop
    let mut ctx = pool.get(); // an idle context from this thread's cache, or a new one
    assert!(ctx.trace_id.is_empty()); // never the previous request's data
    ctx.trace_id.push_str("req-");
    ctx.body.extend_from_slice(b"{\"id\": 42}");
    ctx.headers.insert("host", HOSTS[i % 4]); // copied into a kept key and value
    // README: end
}

#[test]
fn the_readme_loop_allocates_nothing_per_request_once_warm() {
    let pool: Pool<RequestCtx> = Pool::new();
    let ((), first) = counting::measure(|| request(&pool, 0));
    assert!(
        first.allocations > 0,
        "the first request builds the context"
    );
    let per_request: Vec<u64> = (1..1000)
        .map(|i| counting::measure(|| request(&pool, i)).1.allocations)
        .collect();
    assert!(
        per_request.iter().all(|&n| n == 0),
        "allocations per request after the first: {per_request:?}"
    );
    let stats = pool.stats();
    assert_eq!(stats.creations, 1);
    assert!(stats.hit_rate() > 0.99);
    let ctx = pool.get();
    assert_eq!(ctx.worker, 0);
    assert!(ctx.user_id.is_empty() && ctx.headers.is_empty() && ctx.body.is_empty());
}

/// The same context with a plain `HashMap<String, String>`: what the README says it costs.
#[test]
fn a_plain_hash_map_allocates_each_key_and_value_again() {
    #[derive(Poolable, Default)]
    struct PlainCtx {
        headers: std::collections::HashMap<String, String>,
    }
    let pool: Pool<PlainCtx> = Pool::new();
    let serve = |i: usize| {
        let mut ctx = pool.get();
        ctx.headers.insert("host".into(), HOSTS[i % 4].into());
        ctx.headers.insert("accept".into(), "*/*".into());
    };
    serve(0);
    let ((), counts) = counting::measure(|| serve(1));
    assert_eq!(counts.allocations, 4, "2 headers, a key and a value each");
}

/// The marked parts of this file appear in the README's first Rust block, in order.
#[test]
fn the_readme_shows_this_code() {
    let readme = include_str!("../README.md");
    let block = readme
        .split("```rust\n")
        .nth(1)
        .and_then(|rest| rest.split("\n```").next())
        .expect("a Rust block in the README");
    let source = include_str!("readme.rs");
    // Whitespace runs count as one space: rustfmt aligns comments here, the README by hand.
    let squash = |text: &str| text.split_whitespace().collect::<Vec<_>>().join(" ");
    let block = squash(block);
    let mut rest = block.as_str();
    let mut checked = 0;
    // Spelt in two halves, so that these lines are not markers themselves.
    let (begin, end) = (
        concat!("// README", ": begin"),
        concat!("// README", ": end"),
    );
    for part in source.split(begin).skip(1) {
        let part = part.split(end).next().expect("an end marker");
        for line in part
            .lines()
            .skip(1)
            .map(str::trim)
            .filter(|l| !l.is_empty())
        {
            let line = squash(line);
            let at = rest.find(&line).unwrap_or_else(|| {
                panic!("the README's first example lacks (or reorders) {line:?}")
            });
            rest = &rest[at + line.len()..];
            checked += 1;
        }
    }
    assert!(checked >= 15, "only {checked} lines checked");
}
