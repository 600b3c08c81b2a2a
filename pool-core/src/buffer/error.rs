//! [`BufferError`]: why a [`BufferPool`] refused a buffer.

use core::fmt;

#[cfg(doc)]
use super::{BufferPool, BufferPoolBuilder};

/// Why a [`BufferPool`] refused a buffer: see [`BufferError::kind`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum BufferErrorKind {
    /// The size asked is above the pool's [`max_buffer`](BufferPool::max_buffer).
    AboveMaxBuffer,
    /// The size is within `max_buffer`, but the allocator could not serve it.
    AllocFailed,
}

/// A buffer a [`BufferPool`] could not hand out, from [`try_get`](BufferPool::try_get) (and
/// the message [`get`](BufferPool::get) panics with): the size asked, the pool's limit, and
/// why.
///
/// ```
/// use pool_core::{BufferErrorKind, BufferPool};
///
/// let pool: BufferPool = BufferPool::builder().max_buffer(1 << 20).build();
/// let err = pool.try_get(2 << 20).unwrap_err();
/// assert_eq!((err.requested(), err.limit()), (2 << 20, 1 << 20));
/// assert_eq!(err.kind(), BufferErrorKind::AboveMaxBuffer);
/// assert!(err.to_string().starts_with("a buffer of 2097152 bytes was requested, above `max_buffer` (1048576 bytes)"));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BufferError {
    pub(super) requested: usize,
    pub(super) limit: usize,
    pub(super) kind: BufferErrorKind,
}

impl BufferError {
    /// The size asked for, in bytes.
    pub fn requested(&self) -> usize {
        self.requested
    }

    /// The pool's [`max_buffer`](BufferPool::max_buffer), in bytes.
    pub fn limit(&self) -> usize {
        self.limit
    }

    /// Above the limit, or the allocator's failure.
    pub fn kind(&self) -> BufferErrorKind {
        self.kind
    }
}

impl fmt::Display for BufferError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (requested, limit) = (self.requested, self.limit);
        match self.kind {
            BufferErrorKind::AboveMaxBuffer => write!(
                f,
                "a buffer of {requested} bytes was requested, above `max_buffer` ({limit} bytes); \
                 refuse the request, or raise `BufferPoolBuilder::max_buffer`"
            ),
            BufferErrorKind::AllocFailed => write!(
                f,
                "the allocator could not serve a buffer of {requested} bytes, within \
                 `max_buffer` ({limit} bytes); retry later, or lower \
                 `BufferPoolBuilder::max_buffer`"
            ),
        }
    }
}

impl std::error::Error for BufferError {}

/// The panic of `get` and `get_owned`: cold, and at the caller's line.
#[cold]
#[inline(never)]
#[track_caller]
pub(super) fn refused(err: BufferError) -> ! {
    panic!("{err}")
}
