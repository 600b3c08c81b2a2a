//! Decoding protobuf messages into pooled messages: `prost` messages declared with
//! `#[derive(prost::Message)]` (no `.proto` file, no protoc, no build script), decoded in place
//! with `Message::merge` into a message from a pool instead of a fresh `Message::decode`.
//!
//! The pooled type is a small wrapper that derives `Poolable` and resets the message with
//! `prost::Message::clear` through `#[poolable(reset_with = ...)]`. A counting
//! `#[global_allocator]` shows what that saves, and the program prints what prost 0.14's
//! `clear` keeps: string and bytes fields keep their capacity, repeated fields keep the `Vec`
//! but free its elements, and an optional nested message becomes `None` (freed). So a warm
//! pooled message decodes its scalar strings without allocating, and still allocates each
//! repeated string and the nested message's strings.
//!
//! ```sh
//! cargo run --release -p pool-examples-integrations --example protobuf
//! cargo run --release -p pool-examples-integrations --example protobuf -- --messages 1000
//! ```

use std::hint::black_box;
use std::time::{Duration, Instant};

use pool_core::{LocalPool, Poolable};
use prost::Message;

/// This thread's allocation counter, shared with the demo (`examples/counting.rs`,
/// measurement only).
#[path = "../counting.rs"]
mod counting;

/// Counts this thread's allocations (see [`counting`]).
#[global_allocator]
static GLOBAL: counting::CountingAllocator = counting::CountingAllocator;

/// Allocations made on this thread by `f`, and the time it took.
fn measure(f: impl FnOnce()) -> (u64, Duration) {
    let start = Instant::now();
    let before = counting::allocations();
    f();
    (counting::allocations() - before, start.elapsed())
}

/// One structured log entry, as a log shipper sends it.
#[derive(Clone, PartialEq, Message)]
struct LogEntry {
    #[prost(uint64, tag = "1")]
    timestamp_us: u64,
    #[prost(string, tag = "2")]
    host: String,
    #[prost(string, tag = "3")]
    service: String,
    #[prost(string, tag = "4")]
    message: String,
    #[prost(string, repeated, tag = "5")]
    tags: Vec<String>,
    #[prost(message, optional, tag = "6")]
    request: Option<HttpRequest>,
    #[prost(bytes = "vec", tag = "7")]
    trace_id: Vec<u8>,
}

/// The request a log entry is about.
#[derive(Clone, PartialEq, Message)]
struct HttpRequest {
    #[prost(string, tag = "1")]
    method: String,
    #[prost(string, tag = "2")]
    path: String,
    #[prost(uint32, tag = "3")]
    status: u32,
    #[prost(uint64, tag = "4")]
    micros: u64,
}

/// The pooled form: `#[derive(Poolable)]` cannot see inside a prost message, so the reset is
/// prost's own `clear`, named with `reset_with`.
#[derive(Poolable, Default)]
struct PooledEntry {
    #[poolable(reset_with = prost::Message::clear)]
    entry: LogEntry,
}

/// `n` different encoded entries (lengths, tag counts and the nested request vary).
fn encoded_entries(n: usize) -> Vec<Vec<u8>> {
    const SERVICES: [&str; 3] = ["checkout", "search", "auth-gateway"];
    (0..n)
        .map(|i| {
            let entry = LogEntry {
                timestamp_us: 1_700_000_000_000_000 + i as u64,
                host: format!("web-{:02}.eu-west-1.internal", i % 17),
                service: SERVICES[i % 3].to_string(),
                message: format!("request {i} handled{}", " after a retry".repeat(i % 4)),
                tags: (0..2 + i % 4)
                    .map(|t| format!("tag-{t}-{}", i % 7))
                    .collect(),
                request: (i % 5 != 0).then(|| HttpRequest {
                    method: ["GET", "POST"][i % 2].to_string(),
                    path: format!("/api/v1/items/{i}"),
                    status: [200, 200, 404, 500][i % 4],
                    micros: (i as u64 * 37) % 100_000,
                }),
                trace_id: (0..16).map(|b| (b * 31 + i) as u8).collect(),
            };
            entry.encode_to_vec()
        })
        .collect()
}

/// What prost 0.14's `clear` keeps, observed on one message.
fn what_clear_keeps() -> String {
    let mut entry = LogEntry::decode(&encoded_entries(2)[1][..]).expect("decode our own bytes");
    let host_cap = entry.host.capacity();
    let tags_cap = entry.tags.capacity();
    entry.clear();
    format!(
        "prost clear(): host String capacity {host_cap} -> {} (kept); tags Vec capacity {tags_cap} -> {} \
         (kept, but its Strings are freed); nested request -> {} (freed)",
        entry.host.capacity(),
        entry.tags.capacity(),
        if entry.request.is_none() {
            "None"
        } else {
            "Some"
        },
    )
}

fn main() {
    let mut n = 20_000;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match (arg.as_str(), args.next().map(|v| v.parse::<usize>())) {
            ("--messages", Some(Ok(v))) if v > 0 => n = v,
            _ => {
                eprintln!("usage: protobuf [--messages N]   (N > 0, default 20000)");
                std::process::exit(2);
            }
        }
    }
    let messages = encoded_entries(n);
    let bytes: usize = messages.iter().map(Vec::len).sum();

    // Fresh: every message is a new `LogEntry`, dropped after use.
    let (fresh_allocs, fresh_time) = measure(|| {
        for bytes in &messages {
            let entry = LogEntry::decode(&bytes[..]).expect("decode a valid message");
            black_box(&entry);
        }
    });

    // Pooled: `merge` decodes into a cleared message from the pool. One pass to warm it up.
    let pool: LocalPool<PooledEntry> = LocalPool::new();
    let decode_pooled = |bytes: &[u8]| {
        let mut pooled = pool.get();
        pooled.entry.merge(bytes).expect("decode a valid message");
        black_box(&pooled.entry);
    };
    messages.iter().for_each(|m| decode_pooled(m));
    let (pooled_allocs, pooled_time) = measure(|| messages.iter().for_each(|m| decode_pooled(m)));

    // Same content either way.
    for bytes in messages.iter().step_by(97) {
        let mut pooled = pool.get();
        pooled
            .entry
            .merge(&bytes[..])
            .expect("decode a valid message");
        let fresh = LogEntry::decode(&bytes[..]).expect("decode a valid message");
        assert!(
            pooled.entry == fresh,
            "a pooled decode differs from a fresh one"
        );
    }

    let per = |allocs: u64| allocs as f64 / n as f64;
    let ns = |t: Duration| t.as_nanos() as f64 / n as f64;
    println!(
        "{n} LogEntry messages, {:.0} bytes each on average (3 strings, 2-5 repeated strings, bytes, \
         a nested message in 4 of 5)\n",
        bytes as f64 / n as f64
    );
    println!(
        "{:<28} {:>14} {:>12}",
        "decode", "allocs/message", "ns/message"
    );
    println!(
        "{:<28} {:>14.2} {:>12.1}",
        "fresh Message::decode",
        per(fresh_allocs),
        ns(fresh_time)
    );
    println!(
        "{:<28} {:>14.2} {:>12.1}",
        "pooled Message::merge (warm)",
        per(pooled_allocs),
        ns(pooled_time)
    );
    println!(
        "saved: {:.2} allocations per message ({:.0}%)",
        per(fresh_allocs) - per(pooled_allocs),
        100.0 * (1.0 - pooled_allocs as f64 / fresh_allocs.max(1) as f64)
    );
    println!("{}", what_clear_keeps());
    println!("pool: {}", pool.stats());
}
