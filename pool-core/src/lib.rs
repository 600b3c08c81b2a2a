//! A typed object pool for Rust servers: per-thread caches, RAII guards, derived resets and
//! bounded memory.
//!
//! ```
//! use std::collections::HashMap;
//! use pool_core::{Pool, Poolable};
//!
//! #[derive(Poolable, Default)]
//! struct RequestCtx {
//!     trace_id: String,
//!     headers: HashMap<String, String>,
//!     body: Vec<u8>,
//! }
//!
//! let pool: Pool<RequestCtx> = Pool::new();
//! for i in 0..3 {
//!     let mut ctx = pool.get();             // an idle context, or a new one
//!     assert!(ctx.trace_id.is_empty());     // never the previous request's data
//!     ctx.trace_id.push_str(&format!("req-{i}"));
//!     ctx.body.extend_from_slice(b"{\"hello\":\"world\"}");
//! }                                         // reset field by field and returned, capacity kept
//! let stats = pool.stats();
//! assert_eq!((stats.gets, stats.creations), (3, 1));
//! ```
//!
//! # Features
//! - `derive` (default): `#[derive(Poolable)]`, re-exported as [`Poolable`] beside the trait.
//! - `zeroize`: `#[poolable(zeroize)]` wipes a field's bytes, spare capacity included, before the
//!   reset: the option for tokens and passwords (see [`Wipe`]).
//! - `bytes`: [`Poolable`] for `bytes::BytesMut`.
//! - `serde`: `Serialize`/`Deserialize` for the recycling collections.
//!
//! # Performance
//! A `get` that finds an idle object in its thread's cache takes no lock and writes no shared
//! memory; caches refill from and spill to a shared tier in batches. [`LocalPool`] drops even
//! the thread-local lookup. The `benches/` directory compares both with fresh allocation and
//! with the other pool crates; the README shows the figures.
//!
//! # Correctness
//! Every object is reset by [`Poolable::reset`] before it is kept, and a guard's borrow ends
//! with the guard, so nothing a previous user wrote can be read through the safe API. If
//! `reset` panics, the object is dropped and counted; the pool stays usable. The concurrent
//! code is covered by loom models (`RUSTFLAGS="--cfg loom" cargo test -p pool-core --release`)
//! and multi-thread stress tests.
#![doc(test(attr(deny(warnings))))]
#![cfg_attr(docsrs, feature(doc_cfg))]

// Lets the derive's absolute `::pool_core::...` paths resolve inside this crate's own tests.
extern crate self as pool_core;

mod buffer;
pub mod guide;
pub mod implementation;
mod local;
mod pool;
mod poolable;
mod recycle;
mod slot;
mod stats;
mod sync;

pub use buffer::{Buffer, BufferOwned, BufferPool, BufferPoolBuilder, ByteBuffer, DEFAULT_CLASSES};
pub use local::{LocalPool, LocalPooled};
pub use pool::{Pool, PoolBuilder, Pooled, PooledOwned};
pub use poolable::{Poolable, Shrink, Wipe};
#[cfg(feature = "serde")]
pub use recycle::deserialize_into;
pub use recycle::{Assign, RecycleMap, RecycleVec, StringMap};
pub use stats::{Discards, Stats};

/// `#[derive(Poolable)]`: a field-wise reset that keeps each field's allocations.
#[cfg(feature = "derive")]
#[cfg_attr(docsrs, doc(cfg(feature = "derive")))]
pub use pool_derive::Poolable;
