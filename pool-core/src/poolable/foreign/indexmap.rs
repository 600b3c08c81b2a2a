//! indexmap 2: `IndexMap` and `IndexSet`, any hasher.

use core::mem::size_of;

use crate::{Poolable, Shrink};

/// Drops the entries and keeps both the entry vector and the index table. `retained_bytes`
/// estimates them as `capacity * (size_of::<(K, V)>() + 2 * size_of::<usize>() + 1)`: per slot
/// an entry (key, value and its cached hash) and an index (a `usize` and a control byte). The
/// keys' and values' own allocations are dropped by `clear`, so they are not counted.
#[cfg_attr(docsrs, doc(cfg(feature = "indexmap")))]
impl<K, V, S> Poolable for ::indexmap::IndexMap<K, V, S> {
    fn reset(&mut self) {
        self.clear();
    }
    fn retained_bytes(&self) -> usize {
        self.capacity() * (size_of::<(K, V)>() + 2 * size_of::<usize>() + 1)
    }
}

/// Drops the elements and keeps the entry vector and the index table; `retained_bytes`
/// estimates them as `capacity * (size_of::<T>() + 2 * size_of::<usize>() + 1)`.
#[cfg_attr(docsrs, doc(cfg(feature = "indexmap")))]
impl<T, S> Poolable for ::indexmap::IndexSet<T, S> {
    fn reset(&mut self) {
        self.clear();
    }
    fn retained_bytes(&self) -> usize {
        self.capacity() * (size_of::<T>() + 2 * size_of::<usize>() + 1)
    }
}

// `capacity()` is the smaller of the entry vector's and the index table's; the vector shrinks
// exactly, the table in steps, which the table loop handles.
shrink_table_impl!(
    #[cfg_attr(docsrs, doc(cfg(feature = "indexmap")))]
    [K, V, S] ::indexmap::IndexMap<K, V, S>
);
shrink_table_impl!(
    #[cfg_attr(docsrs, doc(cfg(feature = "indexmap")))]
    [T, S] ::indexmap::IndexSet<T, S>
);
