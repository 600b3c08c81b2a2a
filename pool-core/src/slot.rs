//! [`Slot<T>`]: the box a pooled object lives in.

use core::ops::{Deref, DerefMut};

/// `T` aligned to its own cache lines, so that objects used by different threads never share one
/// (128 bytes: two lines, since x86's adjacent-line prefetcher pairs them, as crossbeam's
/// `CachePadded` does).
#[repr(align(128))]
struct Padded<T>(T);

/// A pooled object's heap slot. Objects are boxed once, when created, and move between caches,
/// the tier and guards as this pointer (see the implementation notes); the padding keeps two
/// threads' objects from falsely sharing a cache line.
pub(crate) struct Slot<T>(Box<Padded<T>>);

impl<T> Slot<T> {
    /// Boxes `value` (one allocation).
    #[inline]
    pub(crate) fn new(value: T) -> Self {
        Self(Box::new(Padded(value)))
    }

    /// Unboxes the object.
    #[inline]
    pub(crate) fn into_inner(self) -> T {
        self.0.0
    }
}

impl<T> Deref for Slot<T> {
    type Target = T;
    #[inline]
    fn deref(&self) -> &T {
        &self.0.0
    }
}

impl<T> DerefMut for Slot<T> {
    #[inline]
    fn deref_mut(&mut self) -> &mut T {
        &mut self.0.0
    }
}
