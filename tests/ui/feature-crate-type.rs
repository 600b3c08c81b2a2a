// A field of a crate that has a pool-core feature: the first note names that feature. The test
// build turns every pool-core feature on (tests/foreign*.rs need them), so a type the `http`
// feature does not cover stands in for one whose feature is off: the derive picks the note by
// the type's path, so rustc prints the same notes for both (tests/ui/pass/feature-crate-type.rs
// follows them).
use pool_core::Poolable;

#[derive(Poolable)]
struct Proxy {
    upstream: http::Request<Vec<u8>>,
    body: Vec<u8>,
}

fn main() {}
