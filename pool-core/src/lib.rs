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
//! - `serde`: `Serialize`/`Deserialize` for the recycling collections, `Serialize` for [`Stats`]
//!   and [`ClassStats`].
//! - `metrics`: [`PoolBuilder::metrics`](PoolBuilder#method.metrics) and
//!   [`BufferPoolBuilder::metrics`](BufferPoolBuilder#method.metrics) publish a pool's
//!   [`Stats`] through the [`metrics`](https://docs.rs/metrics) facade, labelled with the
//!   pool's name, for a Prometheus (or any other) exporter; the hit path stays as it is.
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
//! A `get` that finds an idle object in its thread's cache, and the drop of its guard on that
//! thread, execute no atomic read-modify-write and no fence instruction, and write only the
//! cache's own line (its busy flag and, on a return, its length hint, which other threads read
//! only to trim, steal or take `stats()`: plain loads and stores, and a compiler fence;
//! the rare remote side, `trim()` and `stats()`, pays one process-wide `membarrier` on Linux,
//! see the [`implementation`] notes for the other platforms); caches refill from and spill to
//! a shared tier in batches, and a `get` that finds both empty steals from other threads'
//! caches before it creates. The pool owns every
//! cache, so [`Pool::trim`] and the pool's drop reach all of them, a live thread's included.
//! [`LocalPool`] drops even the thread-local lookup. The `benches/` directory compares both with
//! fresh allocation and with the other pool crates; the README shows the figures.
//!
//! # Correctness
//! Every object is reset by [`Poolable::reset`] before it is kept, and a guard's borrow ends
//! with the guard, so nothing a previous user wrote can be read through the safe API. If
//! `reset` panics, the object is dropped and counted; the pool stays usable, and so it does
//! when a factory or an object's `Drop` panics (see [`Stats::factory_panicked`]). The concurrent
//! code is covered by loom models (`RUSTFLAGS="--cfg loom" cargo test -p pool-core --release`)
//! and multi-thread stress tests.
#![doc(test(attr(deny(warnings))))]
#![cfg_attr(docsrs, feature(doc_cfg))]

// Lets the derive's absolute `::pool_core::...` paths resolve inside this crate's own tests.
extern crate self as pool_core;

mod barrier;
mod buffer;
mod guard;
pub mod guide;
mod idle;
pub mod implementation;
mod lifecycle;
mod local;
#[cfg(feature = "metrics")]
mod metrics;
mod pool;
mod poolable;
pub mod pressure;
mod recycle;
mod slot;
mod stats;
mod sync;
mod trimmer;

pub use buffer::{
    Buffer, BufferError, BufferErrorKind, BufferOwned, BufferPool, BufferPoolBuilder, ByteBuffer,
    ClassStats, DEFAULT_CLASSES, DEFAULT_MAX_BUFFER,
};
pub use lifecycle::DEFAULT_IDLE_TIMEOUT;
pub use local::{LocalPool, LocalPoolBuilder, LocalPooled};
pub use pool::{Pool, PoolBuilder, Pooled, PooledOwned};
pub use poolable::{Poolable, Shrink, Wipe};
// What the derive's generated code and some bounds name for their compiler messages; not API.
#[doc(hidden)]
pub use poolable::hint as __private;
#[cfg(feature = "serde")]
pub use recycle::deserialize_into;
pub use recycle::{Assign, RecycleMap, RecycleVec, StringMap};
pub use stats::{Creations, Discards, Stats};

/// `#[derive(Poolable)]`: a field-wise reset that keeps each field's allocations.
///
/// On a struct (named fields, tuple or unit; generics, lifetimes and where-clauses allowed) it
/// generates `reset`, which resets each field in turn through its own `Poolable` impl, and
/// `retained_bytes`, the saturating sum over those fields (it never wraps or panics, so an
/// object whose fields report more than `usize::MAX` together is simply oversized for
/// [`PoolBuilder::max_retained_bytes`]). Bounds are inferred per field type (`Vec<T>: Poolable`,
/// which needs nothing of `T`; `T: Default` for a field of type `T` marked `default`).
///
/// Field attributes, `#[poolable(...)]`:
///
/// | attribute | effect |
/// |---|---|
/// | `skip` | leave the field as it is across reuses (a shared `Arc<Config>` handle, a worker id) |
/// | `default` | assign `Default::default()` (capacity not kept) |
/// | `reset_with = path` | call `path(&mut self.field)` |
/// | `retained_bytes = path` | count `path(&self.field) -> usize` in `retained_bytes`, instead of the field's own count |
/// | `max_capacity = N` | after the reset, shrink the field if its capacity exceeds `N` elements (needs [`Shrink`]) |
/// | `zeroize` | wipe the field's bytes, spare capacity included, before the reset (feature `zeroize`, see [`Wipe`]) |
///
/// What a field counts in `retained_bytes`: `path(&field)` if it has `retained_bytes = path`
/// (allowed with any other attribute, so that a `reset_with`, `skip` or `default` field can
/// still be bounded by [`PoolBuilder::max_retained_bytes`]); else its own
/// [`Poolable::retained_bytes`] if it is reset through `Poolable`; else nothing.
///
/// Container attributes: `#[poolable(crate = path)]` (where `pool_core` lives, for crates that
/// re-export it) and `#[poolable(bound = "...")]` (replaces the inferred where-clause).
///
/// References, `Rc`, `Arc`, `Weak` and raw pointers are refused unless marked `skip`, `default`
/// or `reset_with`; a field whose type does not implement `Poolable` is an error at that type
/// (the trait's own message, the one a `Pool<File>` gets too: derive `Poolable` on a type of
/// your crate, wrap another crate's type in a newtype, or mark the field); unions and
/// `#[repr(packed)]` structs are refused (which field is live is not knowable; a packed field
/// cannot be borrowed to be reset: implement `Poolable` by hand). Every mistake in one input is
/// reported at once, each at its field or attribute, a misspelt key with the key it is near
/// ("did you mean `max_capacity`?"). A rejected type still gets a stub impl, so that its
/// uses in pools add no errors of their own.
///
/// # Enums
///
/// On an enum, `reset` makes the value equal to its `Default::default()`, so the enum needs
/// `Default` (an enum without it is an error at its name that says so: `#[derive(Default)]`
/// with a unit `#[default]` variant, or a hand-written `Default` when the default variant has
/// fields), and `retained_bytes`
/// sums the counts of the current variant's fields. How, by what the derive can see:
///
/// - **A unit `#[default]` variant** (std's `#[derive(Default)]`): `reset` assigns that variant,
///   without calling `Default::default()`. The other variants' fields are dropped by every
///   reset, so they need no `Poolable` (a `File`, a reference, an `Arc` are fine), take no
///   attribute but `zeroize`, and count nothing in `retained_bytes` (nothing of them is kept for
///   reuse).
/// - **One variant**: its fields are reset in place, as a struct's; no `Default` is needed
///   (unless a field is `default`).
/// - **Otherwise** (a hand-written `Default`, which the derive cannot read): `reset` builds
///   `Default::default()`; if the value already is that variant, it resets the variant's fields
///   in place, keeping their allocations, else it replaces the whole value. Any variant may be
///   the fresh one, so every variant's fields are reset and counted as a struct's are.
///
/// The in-place reset holds the struct derive's promise: a variant whose default is the
/// field-wise default comes out equal to `Default::default()`. Where a hand-written `Default`
/// gives a field a value of its own (`Limit { bytes: 4096 }`), mark that field
/// `#[poolable(default)]`: on a variant's field, `default` takes the field's value from
/// `Default::default()` of the enum; unmarked fields are reset field-wise (`bytes: 0`).
///
/// On a variant's field, `default`, `reset_with`, `retained_bytes`, `max_capacity` and
/// `zeroize` apply to the in-place reset; `zeroize` fields are also wiped before a change of
/// variant drops them. `skip` is an error there (a change of variant replaces the field, so it
/// cannot be left as it is), as is `#[poolable(...)]` on a variant itself, and, beside a unit
/// `#[default]` variant, any attribute but `zeroize` on the other variants' fields (they are
/// never reset in place). `crate` and `bound` work on an enum as on a struct; `bound` replaces
/// the inferred field bounds, and where the reset calls `Default::default()` a generic enum's
/// impl also requires `Self: Default`, with or without `bound`.
///
/// ```
/// use pool_core::Poolable;
///
/// // A unit `#[default]`: the other variants are dropped by a reset, so they need nothing.
/// #[derive(Poolable, Default)]
/// enum Body {
///     #[default]
///     Empty,
///     Bytes(Vec<u8>),
///     Shared(std::sync::Arc<[u8]>),
/// }
///
/// // A hand-written `Default`: a `Data` frame keeps its buffer across resets.
/// #[derive(Poolable, Debug, PartialEq)]
/// enum Frame {
///     Data {
///         payload: Vec<u8>,
///         #[poolable(default)]
///         window: u32,
///     },
///     Ping(u64),
/// }
///
/// impl Default for Frame {
///     fn default() -> Self {
///         Frame::Data { payload: Vec::new(), window: 65_535 }
///     }
/// }
///
/// for mut body in [Body::Bytes(vec![1; 100]), Body::Shared(vec![2; 10].into())] {
///     let held = match &body {
///         Body::Bytes(bytes) => bytes.len(),
///         Body::Shared(bytes) => bytes.len(),
///         Body::Empty => 0,
///     };
///     assert!(held >= 10);
///     body.reset();
///     assert!(matches!(body, Body::Empty));
/// }
///
/// let mut frame = Frame::Data { payload: Vec::with_capacity(4096), window: 1 };
/// frame.reset();
/// assert_eq!(frame, Frame::default());
/// assert!(frame.retained_bytes() >= 4096, "the payload's buffer, kept");
/// let mut ping = Frame::Ping(7);
/// ping.reset();
/// assert_eq!(ping, Frame::default());
/// ```
///
/// A struct, with every field attribute:
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
