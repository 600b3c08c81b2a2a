//! The guards: [`Buffer`] (borrows the pool) and [`BufferOwned`] (`'static`).

use std::io;
use std::sync::Arc;

use super::{BufferPool, ByteBuffer};
use crate::guard::guard_impls;
use crate::slot::{Held, Slot};

/// Implements, for `Buffer` and `BufferOwned`, the traits every guard has (the crate's
/// `guard_impls`: `Deref`, `DerefMut`, `AsRef<B>`, `AsMut<B>`, `Debug`, the returning `Drop`,
/// the counted `detach`), and those of byte buffers (`io::Write`, `AsRef<[u8]>`).
macro_rules! buffer_guard {
    ($guard:ident $(<$lt:lifetime>)?) => {
        impl<$($lt,)? B: ByteBuffer> $guard<$($lt,)? B> {
            #[inline]
            fn give_back(&self, buf: Slot<B>) {
                let _ = self.pool.put_boxed(buf, self.class);
            }

            fn count_detached(&self) {
                self.pool.count_detached(self.class);
            }
        }

        guard_impls!(
            $guard $(<$lt>)?, [ByteBuffer],
            /// Takes the buffer out of the pool for good: it is not returned, and counts as
            /// `detached` in the pool's statistics (unless it was served fresh above the largest
            /// class, which the statistics do not count).
            ///
            /// ```
            /// use pool_core::BufferPool;
            ///
            /// let pool = std::sync::Arc::new(BufferPool::new());
            /// let mut guard = pool.get(100);
            /// guard.extend_from_slice(b"kept by the caller");
            /// let owned: Vec<u8> = pool_core::Buffer::detach(guard);
            /// let also: Vec<u8> = pool_core::BufferOwned::detach(pool.get_owned(100));
            /// assert_eq!(owned, b"kept by the caller");
            /// assert_eq!((pool.stats().detached, pool.stats().returns), (2, 0));
            /// # drop(also);
            /// ```
        );

        /// Writes go to the buffer, so `write!`, `serde_json::to_writer(&mut guard, ..)` and
        /// `io::copy` work on the guard directly.
        ///
        /// A writer that makes many small writes (a serializer: `serde_json` makes about 25 for
        /// an 80-byte object) is faster given the buffer itself, `&mut *guard`: through the
        /// guard, each write first loads where the buffer lives, one dependent load more. That
        /// is the cost of any second reference, not of the pool: `&mut &mut Vec<u8>` pays it
        /// too (`benches/common/json_encode.rs`, the `*_guard_as_writer` and
        /// `*_through_two_refs` contenders).
        impl<$($lt,)? B: ByteBuffer + io::Write> io::Write for $guard<$($lt,)? B> {
            #[inline]
            fn write(&mut self, data: &[u8]) -> io::Result<usize> {
                (**self).write(data)
            }
            #[inline]
            fn write_all(&mut self, data: &[u8]) -> io::Result<()> {
                (**self).write_all(data)
            }
            fn flush(&mut self) -> io::Result<()> {
                Ok(())
            }
        }

        /// The buffer's bytes, so a guard can be handed to APIs that take `AsRef<[u8]>` owners
        /// (e.g. `bytes::Bytes::from_owner(pool.get_owned(n))`: the buffer goes back to the pool
        /// when the last `Bytes` handle drops).
        impl<$($lt,)? B: ByteBuffer + AsRef<[u8]>> AsRef<[u8]> for $guard<$($lt,)? B> {
            fn as_ref(&self) -> &[u8] {
                (**self).as_ref()
            }
        }
    };
}

/// A buffer from a [`BufferPool`]; derefs to the buffer, implements `io::Write` (for a buffer
/// type that does, like `Vec<u8>`), and goes back to the pool on drop.
///
/// For `bytes::BytesMut`, which implements `bytes::BufMut` rather than `io::Write`, write
/// through the deref (`buf.put_slice(..)`, `buf.extend_from_slice(..)`), or through
/// `BufMut::writer` where an `io::Write` is needed.
///
/// ```
/// use std::io::Write;
/// use pool_core::BufferPool;
///
/// let pool = BufferPool::new();
/// let mut buf = pool.get(64);
/// write!(buf, "{} bytes", 5)?;
/// assert_eq!(&buf[..], b"5 bytes");
/// # #[cfg(feature = "bytes")] {
/// use bytes::BufMut;
///
/// let pool: BufferPool<bytes::BytesMut> = BufferPool::builder().build();
/// let mut buf = pool.get(64);
/// buf.put_slice(b"through BufMut");
/// write!((&mut *buf).writer(), ", or its writer")?;
/// assert_eq!(&buf[..], b"through BufMut, or its writer");
/// # }
/// # Ok::<(), std::io::Error>(())
/// ```
#[must_use = "an unused guard returns its buffer to the pool at once, like an unused `MutexGuard`"]
pub struct Buffer<'a, B: ByteBuffer = Vec<u8>> {
    pub(super) pool: &'a BufferPool<B>,
    pub(super) value: Held<B>,
    /// The index of the class it was taken from; `None`: served fresh above the largest.
    pub(super) class: Option<u32>,
}

buffer_guard!(Buffer<'a>);

/// A `'static` buffer guard from [`BufferPool::get_owned`]: `Send`, for spawned tasks; otherwise
/// like [`Buffer`].
///
/// It can also own the bytes of a `bytes::Bytes` (through `AsRef<[u8]>`): the buffer goes back
/// to the pool when the last handle drops.
///
/// ```
/// # #[cfg(feature = "bytes")] {
/// use std::sync::Arc;
/// use pool_core::BufferPool;
///
/// let pool = Arc::new(BufferPool::new());
/// let mut buf = pool.get_owned(1500);
/// buf.extend_from_slice(b"response body");
/// let body = bytes::Bytes::from_owner(buf);
/// let shared = body.clone();
/// drop(body);
/// assert_eq!(pool.stats().returns, 0);
/// drop(shared); // the last handle: the buffer is back, cleared
/// assert_eq!(pool.stats().returns, 1);
/// assert!(pool.get(100).is_empty());
/// # }
/// ```
#[must_use = "an unused guard returns its buffer to the pool at once, like an unused `MutexGuard`"]
pub struct BufferOwned<B: ByteBuffer = Vec<u8>> {
    pub(super) pool: Arc<BufferPool<B>>,
    pub(super) value: Held<B>,
    /// The index of the class it was taken from; `None`: served fresh above the largest.
    pub(super) class: Option<u32>,
}

buffer_guard!(BufferOwned);
