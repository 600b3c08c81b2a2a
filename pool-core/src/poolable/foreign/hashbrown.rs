//! hashbrown 0.17: `HashMap` and `HashSet`, any hasher.

use core::hash::{BuildHasher, Hash};
use core::mem::size_of;

use crate::{Poolable, Shrink};

/// Drops the entries and keeps the table, like std's `HashMap` (which is built on hashbrown).
/// `retained_bytes` estimates the table as `capacity * (size_of::<(K, V)>() + 1)` (one control
/// byte per slot); the keys' and values' own allocations are dropped by `clear`, so they are
/// not counted.
#[cfg_attr(docsrs, doc(cfg(feature = "hashbrown")))]
impl<K, V, S> Poolable for ::hashbrown::HashMap<K, V, S> {
    fn reset(&mut self) {
        self.clear();
    }
    fn retained_bytes(&self) -> usize {
        self.capacity() * (size_of::<(K, V)>() + 1)
    }
}
shrink_table_impl!(
    #[cfg_attr(docsrs, doc(cfg(feature = "hashbrown")))]
    [K: Eq + Hash, V, S: BuildHasher] ::hashbrown::HashMap<K, V, S>
);

/// Drops the elements and keeps the table; `retained_bytes` estimates the table as
/// `capacity * (size_of::<T>() + 1)`.
#[cfg_attr(docsrs, doc(cfg(feature = "hashbrown")))]
impl<T, S> Poolable for ::hashbrown::HashSet<T, S> {
    fn reset(&mut self) {
        self.clear();
    }
    fn retained_bytes(&self) -> usize {
        self.capacity() * (size_of::<T>() + 1)
    }
}
shrink_table_impl!(
    #[cfg_attr(docsrs, doc(cfg(feature = "hashbrown")))]
    [T: Eq + Hash, S: BuildHasher] ::hashbrown::HashSet<T, S>
);
