//! The [`Poolable`] trait, its implementations for std types, and the helper traits the derive
//! uses for `max_capacity` ([`Shrink`]) and `zeroize` ([`Wipe`]).
//!
//! The impls for third-party types live in `foreign/`, one file per crate, each behind the
//! pool-core feature named after the crate: the `cfg` is written once, on the `mod` line, and
//! everything one optional dependency brings sits in one file that can be read (or dropped)
//! on its own. The std impls live in `std.rs` beside it; the trait and the macros they share
//! stay here.

/// A value that can be made fresh again in place, so that a pool can hand it to the next user.
///
/// `reset` must make `self` *observably fresh*: after it, a value whose `Default` is the
/// field-wise default compares equal to `Default::default()`, and nothing the previous user wrote
/// can be read back through the safe API. It should keep heap allocations where it can (a
/// `Vec` is cleared, not replaced), because keeping them is the point of pooling.
///
/// `retained_bytes` reports the heap bytes the value keeps for reuse: capacity, not length. Pools
/// use it for their statistics and for the per-object bound of
/// [`PoolBuilder::max_retained_bytes`](crate::PoolBuilder::max_retained_bytes), so it must be
/// cheap and must not under-report by much; for hashed collections it is an estimate of the
/// table size.
///
/// Implement it with `#[derive(Poolable)]` (feature `derive`, on by default), which resets each
/// field in turn and sums their `retained_bytes`:
///
/// ```
/// # #[cfg(feature = "derive")] {
/// use std::collections::HashMap;
/// use pool_core::Poolable;
///
/// #[derive(Poolable, Default, PartialEq, Debug)]
/// struct Request {
///     path: String,
///     headers: HashMap<String, String>,
///     body: Vec<u8>,
///     retries: u32,
/// }
///
/// let mut req = Request { path: "/index.html".into(), body: vec![0; 4096], retries: 2, ..Default::default() };
/// req.headers.insert("host".into(), "example.com".into());
/// req.reset();
/// assert_eq!(req, Request::default());
/// assert!(req.body.capacity() >= 4096); // the allocation is kept for the next request
/// # }
/// ```
///
/// Types of widely used crates (http, indexmap, smallvec, hashbrown, arrayvec, compact_str,
/// bytes, serde_json, uuid, chrono) implement it behind the pool-core feature named after the
/// crate: see the [guide's table](crate::guide#third-party-types).
///
/// # What must not implement it
///
/// Types whose state cannot be made fresh without outside knowledge: shared handles (`Rc`, `Arc`),
/// references, raw pointers, open files and sockets. The derive refuses such fields unless they
/// are marked `#[poolable(skip)]`, `#[poolable(default)]` or `#[poolable(reset_with = path)]`.
// One message for every place a missing impl shows up: a field of a derived type (spanned at the
// field's type) and a pool's own bound (`Pool<File>`), so nothing here says "this field". rustc
// cannot tell a local type from another crate's, so each note names the case it is for. The
// field advice goes by safety: ways to reset the field first, `skip` last with what it costs.
// `hint.rs`'s per-feature traits repeat these notes (keep them the same).
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be reset for reuse: it does not implement `Poolable`",
    label = "`{Self}` does not implement `Poolable`",
    note = "if `{Self}` is a type of your crate, derive `Poolable` on `{Self}` (`#[derive(Poolable)]`) or implement `pool_core::Poolable` for it by hand",
    note = "if `{Self}` comes from another crate, the orphan rule forbids implementing `Poolable` for it in yours: wrap it in a newtype of yours and implement `Poolable` for that; for a type of http, indexmap, smallvec, hashbrown, arrayvec, compact_str, bytes, serde_json, uuid or chrono, enable the pool-core feature named after its crate",
    note = "as a field of a `#[derive(Poolable)]` type, reset it with `#[poolable(default)]` (assigns `Default::default()`) or `#[poolable(reset_with = path)]` (calls `path(&mut field)`), or make the field an `Option<{Self}>`, which a reset sets to `None`; `#[poolable(skip)]` keeps the value across reuses, so the next user gets it: only for what is meant to be shared (a config handle, a worker id), never for per-request state or an open file"
)]
pub trait Poolable {
    /// Make `self` observably equal to a freshly created value, keeping heap allocations where it
    /// can.
    fn reset(&mut self);

    /// Heap bytes this value keeps for reuse (capacity, not length). Default: 0.
    fn retained_bytes(&self) -> usize {
        0
    }
}

/// A collection that can give back capacity above a limit: what `#[poolable(max_capacity = N)]`
/// calls after the reset, so that one huge request cannot pin memory in the pool forever.
///
/// ```
/// use pool_core::Shrink;
///
/// let mut v: Vec<u8> = Vec::with_capacity(1 << 20);
/// v.shrink_capacity_to(4096);
/// assert!(v.capacity() <= 4096);
/// ```
#[diagnostic::on_unimplemented(
    message = "`#[poolable(max_capacity = ...)]` needs a collection that can shrink, and `{Self}` cannot",
    label = "`{Self}` does not implement `Shrink`",
    note = "use `max_capacity` on a `Vec`, `String`, `VecDeque`, `HashMap`, `HashSet`, `BinaryHeap` or another type that implements `pool_core::Shrink`"
)]
pub trait Shrink {
    /// If the capacity exceeds `max` elements, shrink it to at most `max` (never below the length).
    fn shrink_capacity_to(&mut self, max: usize);
}

/// Wipes a value's bytes, spare capacity included, so a secret never stays behind in pooled
/// memory: what `#[poolable(zeroize)]` calls before the reset.
///
/// With the `zeroize` feature every `zeroize::Zeroize` type implements it: `Vec<u8>` and
/// `String` zero their whole capacity, not only their length.
///
/// ```
/// # #[cfg(feature = "zeroize")] {
/// use pool_core::Wipe;
///
/// let mut token = String::from("secret-token");
/// token.wipe();
/// assert!(token.is_empty());
/// # }
/// ```
#[diagnostic::on_unimplemented(
    message = "`#[poolable(zeroize)]` cannot wipe `{Self}`",
    label = "`{Self}` does not implement `Wipe`",
    note = "enable pool-core's `zeroize` feature; the field's type must implement `zeroize::Zeroize`"
)]
pub trait Wipe {
    /// Overwrite every byte the value owns, spare capacity included, with zeros.
    fn wipe(&mut self);
}

#[cfg(feature = "zeroize")]
#[cfg_attr(docsrs, doc(cfg(feature = "zeroize")))]
impl<T: zeroize::Zeroize + ?Sized> Wipe for T {
    fn wipe(&mut self) {
        self.zeroize();
    }
}

/// Shrink `$self` to `$max` if its capacity is above it.
macro_rules! shrink_impl {
    ($(#[$meta:meta])* [$($gen:tt)*] $ty:ty) => {
        $(#[$meta])*
        impl<$($gen)*> Shrink for $ty {
            fn shrink_capacity_to(&mut self, max: usize) {
                if self.capacity() > max {
                    self.shrink_to(max);
                }
            }
        }
    };
}

/// Shrink the hash table `$self` to `$max` if its capacity is above it. A table's capacity comes
/// in steps (7/8 of a power-of-two bucket count), so `shrink_to(max)` alone can stop above `max`,
/// or not shrink at all (a 112-slot table asked for 100 keeps its 128 buckets): ask again for half
/// as much until the capacity fits or the request reaches the length.
macro_rules! shrink_table_impl {
    ($(#[$meta:meta])* [$($gen:tt)*] $ty:ty) => {
        $(#[$meta])*
        impl<$($gen)*> Shrink for $ty {
            fn shrink_capacity_to(&mut self, max: usize) {
                let mut request = max;
                while self.capacity() > max {
                    self.shrink_to(request);
                    if request <= self.len() {
                        break;
                    }
                    request = (request / 2).max(self.len());
                }
            }
        }
    };
}

// After the macros, so that the impls can use them.
mod foreign;
pub mod hint;
mod std;
