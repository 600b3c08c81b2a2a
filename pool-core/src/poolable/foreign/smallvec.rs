//! smallvec 1: `SmallVec<A>`.

use core::mem::size_of;

use crate::{Poolable, Shrink};

/// `clear()` drops the elements; a spilled vector keeps its heap buffer (it does not move back
/// inline). `retained_bytes` is `capacity * size_of::<A::Item>()` for a spilled vector and 0 for
/// an inline one, whose storage is part of the value.
#[cfg_attr(docsrs, doc(cfg(feature = "smallvec")))]
impl<A: ::smallvec::Array> Poolable for ::smallvec::SmallVec<A> {
    fn reset(&mut self) {
        self.clear();
    }
    fn retained_bytes(&self) -> usize {
        if self.spilled() {
            self.capacity() * size_of::<A::Item>()
        } else {
            0
        }
    }
}

/// Shrinks a spilled buffer above `max` elements to `max` (never below the length, with
/// `grow`); when that fits the inline storage, the vector moves back inline and frees its
/// buffer. An inline vector owns no heap memory and is left alone, even when its inline
/// capacity exceeds `max`.
#[cfg_attr(docsrs, doc(cfg(feature = "smallvec")))]
impl<A: ::smallvec::Array> Shrink for ::smallvec::SmallVec<A> {
    fn shrink_capacity_to(&mut self, max: usize) {
        if self.spilled() && self.capacity() > max {
            self.grow(max.max(self.len()));
        }
    }
}
