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
    /// The heap bytes of one box: `size_of::<T>()` rounded up to the 128-byte alignment. Part of
    /// what an idle object keeps, beside its own `retained_bytes`.
    pub(crate) const BOX_BYTES: usize = size_of::<Padded<T>>();

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

/// What a guard holds: its object's slot, until the guard is dropped or detached.
///
/// No drop glue of its own (`ManuallyDrop`): every guard's `Drop` takes the slot out, so a
/// second check after it would only cost instructions on the hot path. A guard that is
/// `mem::forget`-ten leaks its object, as a forgotten `Box` would.
///
/// The slot is `None` only once the guard is being dropped (its `Drop` took it) or detached
/// (`detach` consumes the guard): no deref can happen then, so `get` and `get_mut` do not
/// check. Each check cost a compare and a branch to a panic on every deref, and a guard
/// used as an `io::Write` derefs once per write: 76 of the 1,644 instructions of a
/// `json_encode` through a `BufferPool` guard (24 writes).
pub(crate) struct Held<T>(core::mem::ManuallyDrop<Option<Slot<T>>>);

impl<T> Held<T> {
    /// Holds `slot`.
    #[inline]
    pub(crate) fn new(slot: Slot<T>) -> Self {
        Self(core::mem::ManuallyDrop::new(Some(slot)))
    }

    /// The object.
    #[inline(always)]
    pub(crate) fn get(&self) -> &T {
        match &*self.0 {
            Some(slot) => slot,
            // SAFETY: see `Held`'s docs: the slot is `None` only inside the guard's `Drop`,
            // after `take`, or after `detach` (which consumes the guard, whose `Drop` is then
            // all that runs), and neither derefs the guard again.
            None => unsafe { core::hint::unreachable_unchecked() },
        }
    }

    /// The object, mutably.
    #[inline(always)]
    pub(crate) fn get_mut(&mut self) -> &mut T {
        match &mut *self.0 {
            Some(slot) => slot,
            // SAFETY: as in `get`.
            None => unsafe { core::hint::unreachable_unchecked() },
        }
    }

    /// Gives up the slot (a guard's drop); `None` once taken.
    #[inline]
    pub(crate) fn take(&mut self) -> Option<Slot<T>> {
        self.0.take()
    }

    /// Unboxes the object for good (a guard's `detach`); the guard's drop then finds nothing.
    pub(crate) fn detach(&mut self) -> T {
        match self.0.take() {
            Some(slot) => slot.into_inner(),
            None => unreachable!("a guard holds its object until dropped or detached"),
        }
    }
}
