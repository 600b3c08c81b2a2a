//! A typed object pool for Rust servers: per-thread caches, RAII guards, derived resets and
//! bounded memory.
#![doc(test(attr(deny(warnings))))]
#![cfg_attr(docsrs, feature(doc_cfg))]

// Lets the derive's absolute `::pool_core::...` paths resolve inside this crate's own tests.
extern crate self as pool_core;

mod poolable;
mod recycle;

pub use poolable::{Poolable, Shrink, Wipe};
#[cfg(feature = "serde")]
pub use recycle::deserialize_into;
pub use recycle::{Assign, RecycleMap, RecycleVec, StringMap};

/// `#[derive(Poolable)]`: a field-wise reset that keeps each field's allocations.
#[cfg(feature = "derive")]
#[cfg_attr(docsrs, doc(cfg(feature = "derive")))]
pub use pool_derive::Poolable;
