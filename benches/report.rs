//! Writes BENCHMARKS.md (not yet written).

fn main() {}
