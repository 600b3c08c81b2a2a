//! The workspace's root package: examples, benchmarks and integration tests for `pool-core`.
//! It has no API of its own.
