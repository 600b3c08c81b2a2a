//! compact_str 0.10: `CompactString`.

use crate::{Poolable, Shrink};

/// `clear()` empties the string and keeps a heap buffer (a string of up to 24 bytes is inline
/// and never allocated; a `&'static str` one becomes an empty inline string). `retained_bytes`
/// is the capacity when the string is on the heap, 0 when it is inline.
#[cfg_attr(docsrs, doc(cfg(feature = "compact_str")))]
impl Poolable for ::compact_str::CompactString {
    fn reset(&mut self) {
        self.clear();
    }
    fn retained_bytes(&self) -> usize {
        if self.is_heap_allocated() {
            self.capacity()
        } else {
            0
        }
    }
}

/// Shrinks a heap buffer above `max` bytes with `shrink_to` (never below the length); a
/// string whose content fits inline moves inline. An inline string owns no heap memory and is
/// left alone, even though its `capacity()` (24 bytes on 64-bit targets) may exceed `max`.
#[cfg_attr(docsrs, doc(cfg(feature = "compact_str")))]
impl Shrink for ::compact_str::CompactString {
    fn shrink_capacity_to(&mut self, max: usize) {
        if self.is_heap_allocated() && self.capacity() > max {
            self.shrink_to(max);
        }
    }
}
