//! Keeps the examples of this package from rotting: runs each one briefly (small inputs) and
//! checks its exit status and the lines that carry its point. `tests/http_server.rs` and
//! `tests/axum_server.rs` do the same, at length, for the two servers.

#[path = "../../tests/support/mod.rs"]
mod support;

use support::{line, run};

#[test]
fn protobuf_pooled_merge_saves_allocations() {
    let out = run("protobuf", &["--messages", "500"]);
    let allocs = |prefix| -> f64 {
        let cols: Vec<&str> = line(&out, prefix).split_whitespace().collect();
        cols[cols.len() - 2].parse().expect("allocs/message")
    };
    let (fresh, pooled) = (
        allocs("fresh Message::decode"),
        allocs("pooled Message::merge"),
    );
    assert!(
        pooled < fresh - 3.0,
        "fresh {fresh}, pooled {pooled}:\n{out}"
    );
    assert!(line(&out, "prost clear():").contains("(kept)"), "{out}");
}

#[test]
fn buffers_refuse_an_oversized_prefix_and_serve_the_other_clients() {
    let out = run("buffers", &["--messages", "20"]);
    // The hostile client's 2^31 - 1 prefix got an error frame naming the size and the limit,
    // and only its connection was closed.
    let refusal = line(&out, "prefix 2147483647: error frame ");
    assert!(
        refusal.contains(
            "a buffer of 2147483647 bytes was requested, above `max_buffer` (1048576 bytes)"
        ),
        "{out}"
    );
    assert!(refusal.ends_with("that connection closed"), "{out}");
    // The clients before, during and after it were all served, byte for byte.
    line(&out, "echoed 100 frames");
    assert!(
        out.contains("over 5 connections: every echo matched"),
        "{out}"
    );
    // Each class served most frames from reused buffers.
    for class in ["4 KiB: gets=", "64 KiB: gets="] {
        let class = line(&out, class);
        let field = |name: &str| -> u64 {
            let rest = &class[class.find(name).expect(name) + name.len()..];
            rest.split(|c: char| !c.is_ascii_digit())
                .next()
                .and_then(|n| n.parse().ok())
                .expect(name)
        };
        assert!(field("creations=") * 2 < field("gets="), "{out}");
    }
    line(
        &out,
        "above the largest class (served fresh): 0, refused: 1",
    );
}
