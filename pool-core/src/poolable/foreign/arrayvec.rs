//! arrayvec 0.7: `ArrayVec` and `ArrayString`, inline storage.

use crate::Poolable;

/// `clear()` drops the elements. The storage is inline (`CAP` elements inside the value), so
/// `retained_bytes` is 0 and there is nothing to shrink.
#[cfg_attr(docsrs, doc(cfg(feature = "arrayvec")))]
impl<T, const CAP: usize> Poolable for ::arrayvec::ArrayVec<T, CAP> {
    fn reset(&mut self) {
        self.clear();
    }
}

/// `clear()` empties the string. The storage is inline, so `retained_bytes` is 0 and there is
/// nothing to shrink.
#[cfg_attr(docsrs, doc(cfg(feature = "arrayvec")))]
impl<const CAP: usize> Poolable for ::arrayvec::ArrayString<CAP> {
    fn reset(&mut self) {
        self.clear();
    }
}
