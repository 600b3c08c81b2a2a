//! A typed object pool for Rust servers: per-thread caches, RAII guards, derived resets and
//! bounded memory.
//!
//! ```
//! # #[cfg(feature = "derive")] {
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
//! # }
//! ```
//!
//! # Features
//! - `derive` (default): `#[derive(Poolable)]`, re-exported as [`Poolable`] beside the trait.
//! - `zeroize`: `#[poolable(zeroize)]` wipes a field's bytes, spare capacity included, before the
//!   reset: the option for tokens and passwords (see [`Wipe`]).
//! - `serde`: `Serialize`/`Deserialize` for the recycling collections.
//!
//! Third-party types, one feature per crate, named after it (each adds [`Poolable`], and
//! [`Shrink`] where the type can shrink; the [guide's table](guide#third-party-types) says what
//! each reset does and keeps):
//! - `http` (http 1): `HeaderMap<T>` and `Extensions` cleared in place; `Method`, `Uri`,
//!   `Version`, `StatusCode` to their defaults.
//! - `indexmap` (indexmap 2): `IndexMap`, `IndexSet`, any hasher.
//! - `smallvec` (smallvec 1): `SmallVec<A>`; a spilled one keeps its heap buffer.
//! - `hashbrown` (hashbrown 0.17): `HashMap`, `HashSet`, any hasher.
//! - `arrayvec` (arrayvec 0.7): `ArrayVec`, `ArrayString`.
//! - `compact_str` (compact_str 0.10): `CompactString`.
//! - `bytes` (bytes 1): `BytesMut` cleared, its buffer kept; `Bytes` to empty.
//! - `serde_json` (serde_json 1): `Value` to `Null`, `Map<String, Value>` cleared.
//! - `uuid` (uuid 1): `Uuid` to nil.
//! - `chrono` (chrono 0.4): `DateTime<Utc>`, `DateTime<FixedOffset>`, `NaiveDate`,
//!   `NaiveTime`, `NaiveDateTime`, `TimeDelta` to their defaults.
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

pub use buffer::{
    Buffer, BufferError, BufferErrorKind, BufferOwned, BufferPool, BufferPoolBuilder, ByteBuffer,
    DEFAULT_CLASSES, DEFAULT_MAX_BUFFER,
};
pub use local::{LocalPool, LocalPooled};
pub use pool::{Pool, PoolBuilder, Pooled, PooledOwned};
pub use poolable::{Poolable, Shrink, Wipe};
#[cfg(feature = "serde")]
pub use recycle::deserialize_into;
pub use recycle::{Assign, RecycleMap, RecycleVec, StringMap};
pub use stats::{Discards, Stats};

/// `#[derive(Poolable)]`: a field-wise reset that keeps each field's allocations.
///
/// On a struct (named fields, tuple or unit; generics, lifetimes and where-clauses allowed) it
/// generates `reset`, which resets each field in turn through its own `Poolable` impl, and
/// `retained_bytes`, the sum over those fields. Bounds are inferred per field type
/// (`Vec<T>: Poolable`, which needs nothing of `T`).
///
/// Field attributes, `#[poolable(...)]`:
///
/// | attribute | effect |
/// |---|---|
/// | `skip` | leave the field as it is across reuses (a shared `Arc<Config>` handle, a worker id) |
/// | `default` | assign `Default::default()` (capacity not kept) |
/// | `reset_with = path` | call `path(&mut self.field)` |
/// | `max_capacity = N` | after the reset, shrink the field if its capacity exceeds `N` elements (needs [`Shrink`]) |
/// | `zeroize` | wipe the field's bytes, spare capacity included, before the reset (feature `zeroize`, see [`Wipe`]) |
///
/// Container attributes: `#[poolable(crate = path)]` (where `pool_core` lives, for crates that
/// re-export it) and `#[poolable(bound = "...")]` (replaces the inferred where-clause).
///
/// References, `Rc`, `Arc`, `Weak` and raw pointers are refused unless marked `skip`, `default`
/// or `reset_with`; a field whose type does not implement `Poolable` is an error at that type;
/// enums and unions are refused (which variant is "fresh" is not knowable: implement `Poolable`
/// by hand). Every mistake in one struct is reported at once, each at its field or attribute.
///
/// ```
/// use std::collections::HashMap;
/// use std::sync::Arc;
/// use pool_core::Poolable;
///
/// fn clear_log(log: &mut Vec<String>) {
///     log.clear();
/// }
///
/// #[derive(Poolable, Default)]
/// struct Session<'a, T> {
///     headers: HashMap<String, String>,
///     items: Vec<T>,
///     #[poolable(skip)]
///     config: Arc<String>,
///     #[poolable(skip)]
///     name: &'a str,
///     #[poolable(default)]
///     deadline: Option<std::time::Instant>,
///     #[poolable(reset_with = clear_log)]
///     log: Vec<String>,
///     #[poolable(max_capacity = 4096)]
///     body: Vec<u8>,
/// }
///
/// let mut s: Session<'_, u32> = Session { name: "worker-1", ..Default::default() };
/// s.items.push(7);
/// s.body.resize(1 << 20, 0);
/// s.log.push("started".into());
/// s.deadline = Some(std::time::Instant::now());
/// s.reset();
/// assert!(s.items.is_empty() && s.body.is_empty() && s.log.is_empty() && s.deadline.is_none());
/// assert!(s.body.capacity() <= 4096);
/// assert_eq!((s.name, s.config.as_str()), ("worker-1", ""));
/// ```
#[cfg(feature = "derive")]
#[cfg_attr(docsrs, doc(cfg(feature = "derive")))]
pub use pool_derive::Poolable;
