//! bytes 1: `BytesMut` (cleared, buffer kept) and `Bytes` (to empty).

use crate::Poolable;

/// `clear()` keeps the buffer when this handle is its only owner; `retained_bytes` is the
/// capacity.
#[cfg_attr(docsrs, doc(cfg(feature = "bytes")))]
impl Poolable for ::bytes::BytesMut {
    fn reset(&mut self) {
        self.clear();
    }
    fn retained_bytes(&self) -> usize {
        self.capacity()
    }
}

/// Resets to `Bytes::new()` (empty, static, no allocation). The previous buffer is shared or
/// frozen, never writable, so nothing can be kept: the handle is released and `retained_bytes`
/// is 0. Use `BytesMut` for a buffer that is refilled.
#[cfg_attr(docsrs, doc(cfg(feature = "bytes")))]
impl Poolable for ::bytes::Bytes {
    fn reset(&mut self) {
        *self = ::bytes::Bytes::new();
    }
}
