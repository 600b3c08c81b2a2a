// A field of a third-party type that no enabled pool-core feature covers. The test build turns
// on every pool-core feature (tests/foreign*.rs need them), so a crate without a feature stands
// in for one whose feature is off: the trait's diagnostic cannot vary by type, so rustc prints
// the same notes either way, the second listing the features to look for.
use pool_core::Poolable;

#[derive(Poolable)]
struct Job {
    deadline: tokio::time::Instant,
    payload: Vec<u8>,
}

fn main() {}
