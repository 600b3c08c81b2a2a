//! The derive on enums in a crate with strict lints: every shape of reset it generates.
#![deny(missing_docs, unused_qualifications, warnings)]
#![forbid(unsafe_code)]

use std::collections::HashMap;
use std::sync::Arc;

use pool_core::Poolable;

/// A fieldless enum with std's `#[derive(Default)]`: reset assigns the `#[default]` variant.
#[derive(Poolable, Default)]
pub enum Protocol {
    /// HTTP/1.1.
    #[default]
    Http1,
    /// HTTP/2.
    Http2,
}

/// Fields in variants a reset always replaces: they need nothing (`Arc`, references).
#[derive(Poolable, Default)]
pub enum Source<'a> {
    /// Nothing yet.
    #[default]
    None,
    /// Shared.
    Shared(Arc<String>),
    /// Borrowed.
    Borrowed {
        /// The text.
        text: &'a str,
    },
    /// A secret, wiped before it is dropped.
    Secret(#[poolable(zeroize)] String),
}

/// Clears a map (a `reset_with` function).
pub fn clear_map(map: &mut HashMap<String, String>) {
    map.clear();
}

/// What a map keeps (a `retained_bytes` function).
pub fn map_bytes(map: &HashMap<String, String>) -> usize {
    map.capacity() * 49
}

/// A hand-written `Default`: every variant may be reset in place, with every field attribute
/// that applies to a variant's field.
#[derive(Poolable)]
pub enum Frame<T> {
    /// Data.
    Data {
        /// Reset through `Poolable`.
        payload: Vec<u8>,
        /// Taken from `Default::default()`.
        #[poolable(default)]
        window: u32,
        /// Reset by a function, counted by another.
        #[poolable(reset_with = clear_map, retained_bytes = map_bytes)]
        headers: HashMap<String, String>,
        /// Shrunk after the reset.
        #[poolable(max_capacity = 4096)]
        scratch: Vec<u8>,
        /// Wiped before the reset.
        #[poolable(zeroize)]
        token: Vec<u8>,
    },
    /// Items.
    Items(Vec<T>),
    /// Closed.
    Closed,
}

impl<T> Default for Frame<T> {
    fn default() -> Self {
        Frame::Data {
            payload: Vec::new(),
            window: 65535,
            headers: HashMap::new(),
            scratch: Vec::new(),
            token: Vec::new(),
        }
    }
}

/// A single variant: reset in place, no `Default` needed.
#[derive(Poolable)]
pub enum Only<T>
where
    T: Send,
{
    /// The one variant.
    Batch(Vec<T>, String),
}

/// One variant with a `default` field and a wiped one: the reset asks `Default::default()`.
#[derive(Poolable)]
pub enum Window {
    /// The one variant.
    Open {
        /// Taken from `Default::default()`.
        #[poolable(default)]
        size: u32,
        /// Wiped, then cleared.
        #[poolable(zeroize)]
        key: Vec<u8>,
    },
}

impl Default for Window {
    fn default() -> Self {
        Window::Open {
            size: 64,
            key: Vec::new(),
        }
    }
}

/// A lifetime-generic enum with a hand-written `Default`.
#[derive(Poolable)]
pub enum Named<'a> {
    /// Reset in place.
    Owned(String),
    /// A reference, which `Poolable` cannot reset: `default` takes it from `Default::default()`.
    Borrowed(#[poolable(default)] &'a str),
}

impl Default for Named<'_> {
    fn default() -> Self {
        Named::Owned(String::new())
    }
}

/// A unit variant only.
#[derive(Poolable)]
pub enum Unit {
    /// The one value.
    One,
}

/// A hand-written `Default` on a fieldless enum.
#[derive(Poolable)]
pub enum Level {
    /// Low.
    Low,
    /// High.
    High,
}

impl Default for Level {
    fn default() -> Self {
        Level::High
    }
}

fn main() {
    let mut protocol = Protocol::Http2;
    protocol.reset();
    let mut source = Source::Borrowed { text: "x" };
    source.reset();
    let _ = (source.retained_bytes(), Source::Shared(Arc::default()), Source::Secret(String::new()));
    let mut frame: Frame<u8> = Frame::Items(vec![1]);
    frame.reset();
    let _ = (frame.retained_bytes(), Frame::<u8>::Closed);
    let mut only = Only::Batch(vec![1u8], String::new());
    only.reset();
    Unit::One.reset();
    let mut window = Window::default();
    window.reset();
    let mut named = Named::Borrowed("x");
    named.reset();
    let mut level = Level::Low;
    level.reset();
}
