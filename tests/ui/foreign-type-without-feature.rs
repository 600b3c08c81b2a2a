// A field of a third-party type whose crate has no pool-core feature: the general advice, with
// the crates that have a feature listed last (for a type whose path does not show its crate). A
// type of a crate that has one gets that feature named first: tests/ui/feature-crate-type.rs.
use pool_core::Poolable;

#[derive(Poolable)]
struct Job {
    deadline: tokio::time::Instant,
    payload: Vec<u8>,
}

fn main() {}
