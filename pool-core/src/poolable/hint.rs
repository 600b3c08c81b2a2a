//! Traits that exist for their compiler messages, re-exported (hidden) as `pool_core::__private`:
//! not API, and free to change with the messages.
//!
//! `#[diagnostic::on_unimplemented]` cannot vary by type, so a trait gets one message for every
//! type. Where a better message depends on the type, the derive or a bound goes through one of
//! these instead: each has a blanket impl over the trait it stands for, so it holds exactly where
//! that trait does, and when it does not, rustc reports the missing impl with this trait's
//! message (the root obligation's, as both have the same self type).

use crate::Poolable;

/// One trait per pool-core feature: the derive resets a field whose type names that feature's
/// crate (`uuid::Uuid`, or a bare name such as `Uuid` that the crate is known for) through it,
/// so that a missing impl names the one feature that fits, first.
macro_rules! feature_hints {
    ($($(#[$doc:meta])* $name:ident: $note:tt;)*) => {$(
        $(#[$doc])*
        // The message, the label and the last three notes are `Poolable`'s (keep them the
        // same); the first note names the feature.
        #[diagnostic::on_unimplemented(
            message = "`{Self}` cannot be reset for reuse: it does not implement `Poolable`",
            label = "`{Self}` does not implement `Poolable`",
            note = $note,
            note = "if `{Self}` is a type of your crate, derive `Poolable` on `{Self}` (`#[derive(Poolable)]`) or implement `pool_core::Poolable` for it by hand",
            note = "if `{Self}` comes from another crate, the orphan rule forbids implementing `Poolable` for it in yours: wrap it in a newtype of yours and implement `Poolable` for that; for a type of http, indexmap, smallvec, hashbrown, arrayvec, compact_str, bytes, serde_json, uuid or chrono, enable the pool-core feature named after its crate",
            note = "as a field of a `#[derive(Poolable)]` type, reset it with `#[poolable(default)]` (assigns `Default::default()`) or `#[poolable(reset_with = path)]` (calls `path(&mut field)`), or make the field an `Option<{Self}>`, which a reset sets to `None`; `#[poolable(skip)]` keeps the value across reuses, so the next user gets it: only for what is meant to be shared (a config handle, a worker id), never for per-request state or an open file"
        )]
        pub trait $name {
            /// [`Poolable::reset`].
            fn reset(&mut self);
            /// [`Poolable::retained_bytes`].
            fn retained_bytes(&self) -> usize;
        }

        impl<T: Poolable + ?Sized> $name for T {
            #[inline]
            fn reset(&mut self) {
                Poolable::reset(self);
            }
            #[inline]
            fn retained_bytes(&self) -> usize {
                Poolable::retained_bytes(self)
            }
        }
    )*};
}

feature_hints! {
    /// [`Poolable`] for a type of the `http` crate.
    PoolableHttp: "pool-core's `http` feature implements `Poolable` for http's `HeaderMap`, `Extensions`, `Method`, `Uri`, `Version` and `StatusCode`; if the field has one of these types, enable the feature: `features = [\"http\"]` on the pool-core dependency";
    /// [`Poolable`] for a type of the `indexmap` crate.
    PoolableIndexmap: "pool-core's `indexmap` feature implements `Poolable` for `IndexMap` and `IndexSet`; if the field has one of these types, enable the feature: `features = [\"indexmap\"]` on the pool-core dependency";
    /// [`Poolable`] for a type of the `smallvec` crate.
    PoolableSmallvec: "pool-core's `smallvec` feature implements `Poolable` for `SmallVec`; if the field has that type, enable the feature: `features = [\"smallvec\"]` on the pool-core dependency";
    /// [`Poolable`] for a type of the `hashbrown` crate.
    PoolableHashbrown: "pool-core's `hashbrown` feature implements `Poolable` for hashbrown's `HashMap` and `HashSet`; if the field has one of these types, enable the feature: `features = [\"hashbrown\"]` on the pool-core dependency";
    /// [`Poolable`] for a type of the `arrayvec` crate.
    PoolableArrayvec: "pool-core's `arrayvec` feature implements `Poolable` for `ArrayVec` and `ArrayString`; if the field has one of these types, enable the feature: `features = [\"arrayvec\"]` on the pool-core dependency";
    /// [`Poolable`] for a type of the `compact_str` crate.
    PoolableCompactStr: "pool-core's `compact_str` feature implements `Poolable` for `CompactString`; if the field has that type, enable the feature: `features = [\"compact_str\"]` on the pool-core dependency";
    /// [`Poolable`] for a type of the `bytes` crate.
    PoolableBytes: "pool-core's `bytes` feature implements `Poolable` for `BytesMut` and `Bytes`; if the field has one of these types, enable the feature: `features = [\"bytes\"]` on the pool-core dependency";
    /// [`Poolable`] for a type of the `serde_json` crate.
    PoolableSerdeJson: "pool-core's `serde_json` feature implements `Poolable` for serde_json's `Value` and `Map<String, Value>`; if the field has one of these types, enable the feature: `features = [\"serde_json\"]` on the pool-core dependency";
    /// [`Poolable`] for a type of the `uuid` crate.
    PoolableUuid: "pool-core's `uuid` feature implements `Poolable` for `Uuid`; if the field has that type, enable the feature: `features = [\"uuid\"]` on the pool-core dependency";
    /// [`Poolable`] for a type of the `chrono` crate.
    PoolableChrono: "pool-core's `chrono` feature implements `Poolable` for `DateTime<Utc>`, `DateTime<FixedOffset>`, `NaiveDate`, `NaiveTime`, `NaiveDateTime` and `TimeDelta`; if the field has one of these types, enable the feature: `features = [\"chrono\"]` on the pool-core dependency";
}
