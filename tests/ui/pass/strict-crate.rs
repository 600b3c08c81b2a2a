//! The derive in a crate with strict lints: every attribute, generic, tuple and unit structs.
#![deny(missing_docs, unused_qualifications, warnings)]
#![forbid(unsafe_code)]

use std::collections::HashMap;
use std::marker::PhantomData;
use std::sync::Arc;

use pool_core::Poolable;

/// Shared settings, kept across reuses.
#[derive(Debug, Default)]
pub struct Config {
    /// The largest body accepted.
    pub max_body: usize,
}

/// Clears a string (a `reset_with` function).
pub fn clear_string(s: &mut String) {
    s.clear();
}

/// A struct that uses every field attribute.
#[derive(Poolable, Default)]
pub struct Everything {
    /// Reset through `Poolable`.
    pub plain: Vec<u8>,
    /// Kept across reuses.
    #[poolable(skip)]
    pub config: Arc<Config>,
    /// Assigned its default.
    #[poolable(default)]
    pub counter: u64,
    /// Reset by a function.
    #[poolable(reset_with = clear_string)]
    pub name: String,
    /// Shrunk after the reset.
    #[poolable(max_capacity = 4096)]
    pub body: Vec<u8>,
    /// Wiped before the reset.
    #[poolable(zeroize)]
    pub secret: String,
    /// Wiped, reset and shrunk.
    #[poolable(zeroize, max_capacity = 64)]
    pub token: Vec<u8>,
    /// A cfg'd field.
    #[cfg(not(any()))]
    pub extra: HashMap<String, String>,
}

/// A generic struct; `T` needs no bound.
#[derive(Poolable)]
pub struct Batch<T> {
    /// The items.
    pub items: Vec<T>,
    /// A marker.
    pub marker: PhantomData<T>,
}

/// A generic struct with a where-clause and an explicit bound.
#[derive(Poolable)]
#[poolable(bound = "T: Poolable")]
pub struct Slot<T>
where
    T: Default,
{
    /// The value.
    pub value: T,
}

/// A tuple struct.
#[derive(Poolable)]
pub struct Pair(pub String, #[poolable(max_capacity = 8)] pub Vec<u32>);

/// A unit struct.
#[derive(Poolable)]
pub struct Marker;

/// A struct with a lifetime and a skipped reference.
#[derive(Poolable)]
pub struct Borrowing<'a> {
    /// Kept across reuses.
    #[poolable(skip)]
    pub name: &'a str,
    /// Reset.
    pub buf: Vec<u8>,
}

fn main() {
    let mut everything = Everything::default();
    everything.reset();
    let _ = everything.retained_bytes();
    let mut batch = Batch::<std::fs::File> { items: Vec::new(), marker: PhantomData };
    batch.reset();
    let mut slot = Slot { value: 3u32 };
    slot.reset();
    let mut pair = Pair(String::new(), Vec::new());
    pair.reset();
    Marker.reset();
    let mut borrowing = Borrowing { name: "x", buf: Vec::new() };
    borrowing.reset();
}
