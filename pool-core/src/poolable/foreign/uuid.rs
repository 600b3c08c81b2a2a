//! uuid 1: `Uuid` to nil.

use crate::Poolable;

/// Resets to the nil UUID (`Uuid::nil()`, its `Default`). Inline 16 bytes: nothing retained,
/// nothing to shrink.
#[cfg_attr(docsrs, doc(cfg(feature = "uuid")))]
impl Poolable for ::uuid::Uuid {
    #[inline]
    fn reset(&mut self) {
        *self = ::uuid::Uuid::nil();
    }
}
