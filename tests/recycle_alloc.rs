//! Counts heap allocations to prove what the recycling collections are for: once warm, a request's
//! headers and tags are stored, reset and stored again without allocating (a cleared
//! `HashMap<String, String>` would allocate every key and value again: std's behaviour, which
//! these tests leave to std).
//!
//! Allocations are counted per thread (the test harness runs tests on several threads), by a
//! global allocator that forwards to the system one.

use std::collections::HashMap;
use std::hint::black_box;

use pool_core::{Poolable, RecycleVec, StringMap, deserialize_into};
use pool_suite::counting::{self, CountingAllocator};
use serde::Deserialize;

/// Counts this thread's allocations (see `pool_suite::counting`).
#[global_allocator]
static GLOBAL: CountingAllocator = CountingAllocator;

/// How many allocations `f` makes on this thread.
fn allocations(f: impl FnOnce()) -> usize {
    let ((), counts) = counting::measure(f);
    counts.allocations as usize
}

/// The first request: 8 headers and 3 tags.
const REQUEST_A: ([(&str, &str); 8], [&str; 3]) = (
    [
        ("host", "example.com"),
        ("user-agent", "curl/8.5.0"),
        ("accept", "*/*"),
        ("accept-encoding", "gzip, br"),
        ("content-type", "application/json"),
        ("content-length", "1024"),
        ("x-request-id", "4bf92f3577b34da6"),
        ("authorization", "Bearer abcdef"),
    ],
    ["api", "v2", "public"],
);

/// A second request with different (same-sized or smaller) data.
const REQUEST_B: ([(&str, &str); 8], [&str; 3]) = (
    [
        ("te", "trailers"),
        ("via", "1.1 proxy"),
        ("origin", "https://a.io"),
        ("referer", "https://b.io/"),
        ("cookie", "session=42"),
        ("x-forwarded-for", "10.0.0.1"),
        ("cache-control", "no-cache"),
        // No escapes: serde_json unescapes through a scratch buffer that each `Deserializer`
        // allocates once.
        ("if-none-match", "W/abc"),
    ],
    ["web", "v1", "beta"],
);

/// Warms both collections so that every spare can hold any name up to 32 bytes and any value or
/// tag up to 64 bytes. Which spare key gets which name depends on the hash order of the
/// previous `clear`, so each spare must have seen a string as long as the longest it may get.
fn warm(headers: &mut StringMap, tags: &mut RecycleVec<String>) {
    for i in 0..8 {
        headers.insert(format!("{i:0>32}").as_str(), "v".repeat(64).as_str());
        tags.push_from("t".repeat(64).as_str());
    }
    headers.reset();
    tags.reset();
}

fn store(
    headers: &mut StringMap,
    tags: &mut RecycleVec<String>,
    (names, labels): ([(&str, &str); 8], [&str; 3]),
) {
    for (name, value) in names {
        headers.insert(name, value);
    }
    for label in labels {
        tags.push_from(label);
    }
}

#[test]
fn warm_recycling_collections_allocate_nothing() {
    let mut headers = StringMap::new();
    let mut tags: RecycleVec<String> = RecycleVec::new();
    warm(&mut headers, &mut tags);

    for request in [REQUEST_A, REQUEST_B, REQUEST_A] {
        let n = allocations(|| {
            store(&mut headers, &mut tags, request);
            black_box((&headers, &tags));
            headers.reset();
            tags.reset();
        });
        assert_eq!(n, 0, "a warm request allocated {n} times");
    }

    // The same with `insert_with` and `push_with`, writing formatted data.
    let n = allocations(|| {
        use std::fmt::Write;
        for i in 0..8 {
            headers.insert_with("x-index", |v| write!(v, "{i}").unwrap());
            tags.push_with(|t| write!(t, "tag-{i}").unwrap());
        }
        headers.reset();
        tags.reset();
    });
    assert_eq!(n, 0);
}

/// A request context as deserialized from JSON, in place thanks to serde_derive's
/// `deserialize_in_place` feature (on for the root dev-dependencies).
#[derive(Default, Deserialize)]
struct Request {
    headers: StringMap,
    tags: RecycleVec<String>,
}

fn json((names, labels): ([(&str, &str); 8], [&str; 3])) -> String {
    let headers: Vec<String> = names.iter().map(|(k, v)| format!("{k:?}: {v:?}")).collect();
    let tags: Vec<String> = labels.iter().map(|t| format!("{t:?}")).collect();
    format!(
        r#"{{"headers": {{{}}}, "tags": [{}]}}"#,
        headers.join(", "),
        tags.join(", ")
    )
}

#[test]
fn warm_deserialize_into_allocates_nothing() {
    let (a, b) = (json(REQUEST_A), json(REQUEST_B));

    // Into the collections directly.
    let mut headers = StringMap::new();
    let mut tags: RecycleVec<String> = RecycleVec::new();
    warm(&mut headers, &mut tags);
    let headers_a =
        serde_json::to_string(&REQUEST_A.0.iter().copied().collect::<HashMap<_, _>>()).unwrap();
    let tags_b = serde_json::to_string(&REQUEST_B.1).unwrap();
    let n = allocations(|| {
        deserialize_into(
            &mut headers,
            &mut serde_json::Deserializer::from_str(&headers_a),
        )
        .unwrap();
        deserialize_into(&mut tags, &mut serde_json::Deserializer::from_str(&tags_b)).unwrap();
    });
    assert_eq!(
        n, 0,
        "deserialize_into a warm collection allocated {n} times"
    );
    assert_eq!(headers.len(), 8);
    assert_eq!(headers["host"], "example.com");
    assert_eq!(tags, ["web", "v1", "beta"]);

    // Into a derived struct, field by field.
    let mut request = Request::default();
    warm(&mut request.headers, &mut request.tags);
    for text in [&a, &b, &a] {
        let n = allocations(|| {
            deserialize_into(&mut request, &mut serde_json::Deserializer::from_str(text)).unwrap();
        });
        assert_eq!(n, 0, "deserialize_into a warm struct allocated {n} times");
        assert_eq!(request.headers.len(), 8);
        assert_eq!(request.tags.len(), 3);
    }
    assert_eq!(request.headers["authorization"], "Bearer abcdef");
}
