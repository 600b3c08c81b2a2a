//! [`ByteBuffer`]: the buffer types a [`BufferPool`](super::BufferPool) can hold.

use crate::Poolable;

/// A growable byte buffer a [`BufferPool`](super::BufferPool) can hold: `Vec<u8>`, and `bytes::BytesMut` with the
/// `bytes` feature. Its `reset` must empty it and keep its capacity.
///
/// The pool allocates through [`try_with_capacity`](Self::try_with_capacity), so that a size
/// the allocator cannot serve is an error, never an abort.
pub trait ByteBuffer: Poolable + Send + 'static {
    /// An empty buffer with room for at least `capacity` bytes (the pool only calls it with 0,
    /// where it must not allocate).
    fn with_capacity(capacity: usize) -> Self;
    /// An empty buffer with room for at least `capacity` bytes, or `None` if the allocator
    /// cannot serve it (or `capacity` overflows `isize`): it must not abort or panic.
    ///
    /// ```
    /// use pool_core::ByteBuffer;
    ///
    /// assert!(<Vec<u8> as ByteBuffer>::try_with_capacity(4096).unwrap().capacity() >= 4096);
    /// assert!(<Vec<u8> as ByteBuffer>::try_with_capacity(usize::MAX).is_none());
    /// ```
    fn try_with_capacity(capacity: usize) -> Option<Self>
    where
        Self: Sized;
    /// How many bytes it can hold without reallocating.
    fn capacity(&self) -> usize;
}

impl ByteBuffer for Vec<u8> {
    fn with_capacity(capacity: usize) -> Self {
        Vec::with_capacity(capacity)
    }
    fn try_with_capacity(capacity: usize) -> Option<Self> {
        let mut buf = Vec::new();
        buf.try_reserve_exact(capacity).ok()?;
        Some(buf)
    }
    fn capacity(&self) -> usize {
        Vec::capacity(self)
    }
}

/// `BytesMut` has no fallible allocation of its own: the bytes are reserved in a `Vec<u8>` with
/// `try_reserve_exact`, which `BytesMut` then takes over without copying (through `Bytes`,
/// which allocates one small header).
#[cfg(feature = "bytes")]
#[cfg_attr(docsrs, doc(cfg(feature = "bytes")))]
impl ByteBuffer for bytes::BytesMut {
    fn with_capacity(capacity: usize) -> Self {
        bytes::BytesMut::with_capacity(capacity)
    }
    fn try_with_capacity(capacity: usize) -> Option<Self> {
        if capacity == 0 {
            return Some(bytes::BytesMut::new());
        }
        let buf = <Vec<u8> as ByteBuffer>::try_with_capacity(capacity)?;
        Some(bytes::BytesMut::from(bytes::Bytes::from(buf)))
    }
    fn capacity(&self) -> usize {
        bytes::BytesMut::capacity(self)
    }
}
