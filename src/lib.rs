//! The workspace's root package: benchmarks and integration tests for `pool-core` (the examples
//! are packages of their own, in `examples/`).
//! It has no API of its own; its crate docs are the README, so the README's example is a doctest.
#![doc = include_str!("../README.md")]

pub mod counting;
pub mod workloads;
