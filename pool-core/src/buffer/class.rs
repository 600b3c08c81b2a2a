//! One size class of a [`BufferPool`](super::BufferPool).

use crate::Pool;

/// One size class: buffers of at least `size` bytes.
pub(super) struct Class<B: Send> {
    pub(super) size: usize,
    pub(super) pool: Pool<B>,
}
