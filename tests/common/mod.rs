//! What several test files share: a drop-tracking fixture ([`DropCount`], [`Tracked`]).
//!
//! Each test file is its own crate and uses a part of this module, so unused items are allowed.
//! (The examples' tests are in their packages, `examples/tests/` and
//! `examples/integrations/tests/`.)

#![allow(dead_code, reason = "each test crate uses a part of this module")]

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use pool_core::Poolable;

/// Numbers the [`Tracked`] values it makes and counts their drops, so that a test can check
/// that a pool drops every object it created exactly once (`created() == dropped()` once the
/// pool is gone) and never hands one out twice (by id).
#[derive(Debug, Default)]
pub(crate) struct DropCount {
    created: AtomicU64,
    dropped: AtomicU64,
}

impl DropCount {
    pub(crate) fn new() -> Arc<Self> {
        Arc::default()
    }

    /// A new value, numbered from 0 in the order made.
    pub(crate) fn track(self: &Arc<Self>) -> Tracked {
        Tracked {
            id: self.created.fetch_add(1, Ordering::Relaxed),
            count: Arc::clone(self),
        }
    }

    /// How many values it made.
    pub(crate) fn created(&self) -> u64 {
        self.created.load(Ordering::Relaxed)
    }

    /// How many of them were dropped.
    pub(crate) fn dropped(&self) -> u64 {
        self.dropped.load(Ordering::Relaxed)
    }
}

/// A value with an id whose drop its [`DropCount`] counts. Its reset keeps the id: it is the
/// identity of the object it is (or is a field of), across reuses.
#[derive(Debug)]
pub(crate) struct Tracked {
    id: u64,
    count: Arc<DropCount>,
}

impl Tracked {
    pub(crate) fn id(&self) -> u64 {
        self.id
    }
}

impl Poolable for Tracked {
    fn reset(&mut self) {}
}

impl Drop for Tracked {
    fn drop(&mut self) {
        self.count.dropped.fetch_add(1, Ordering::Relaxed);
    }
}
