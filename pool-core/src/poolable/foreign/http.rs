//! http 1: `HeaderMap<T>` and `Extensions` cleared in place; `Method`, `Uri`, `Version` and
//! `StatusCode` to their defaults.

use core::mem::size_of;

use crate::{Poolable, Shrink};

/// `clear()` drops every name and value and keeps the entry and index arrays. http hides its
/// layout, so `retained_bytes` is an estimate:
/// `capacity * (size_of::<HeaderName>() + size_of::<T>() + 4 * size_of::<usize>())`, per slot
/// an entry (name, value, hash and the links of repeated names) and its share of the index.
/// The array of extra values (second and later values of a repeated name) is kept too but not
/// counted: http does not expose its capacity.
#[cfg_attr(docsrs, doc(cfg(feature = "http")))]
impl<T> Poolable for ::http::HeaderMap<T> {
    fn reset(&mut self) {
        self.clear();
    }
    fn retained_bytes(&self) -> usize {
        self.capacity()
            * (size_of::<::http::HeaderName>() + size_of::<T>() + 4 * size_of::<usize>())
    }
}

/// A `HeaderMap` has no `shrink_to`: when its capacity exceeds `max`, this builds a smaller map
/// (the largest `with_capacity` whose capacity fits `max`, or the smallest that holds the
/// entries) and moves the entries into it, repeated values included. After a reset the map is
/// empty, so that is one small allocation, or none for `max` of 0.
#[cfg_attr(docsrs, doc(cfg(feature = "http")))]
impl<T> Shrink for ::http::HeaderMap<T> {
    fn shrink_capacity_to(&mut self, max: usize) {
        if self.capacity() <= max {
            return;
        }
        let keys = self.keys_len();
        let mut request = max.max(keys);
        let smaller = loop {
            let candidate = ::http::HeaderMap::with_capacity(request);
            if candidate.capacity() <= max || request == keys {
                break candidate;
            }
            request = (request / 2).max(keys);
        };
        if smaller.capacity() < self.capacity() {
            let old = core::mem::replace(self, smaller);
            // `append` one by one, not `extend`: `extend` reserves for every value, repeated
            // ones included, and could grow the map past `max` again.
            let mut name = None;
            for (key, value) in old {
                if key.is_some() {
                    name = key;
                }
                if let Some(name) = &name {
                    self.append(name, value);
                }
            }
        }
    }
}

/// `clear()` drops every extension and keeps the map that held them. http exposes neither the
/// map nor its capacity, so `retained_bytes` is 0 (an under-estimate of a small table).
#[cfg_attr(docsrs, doc(cfg(feature = "http")))]
impl Poolable for ::http::Extensions {
    fn reset(&mut self) {
        self.clear();
    }
}

/// Each resets to its `Default`: `Method::GET`, the URI `/`, `Version::HTTP_11`,
/// `StatusCode::OK`. An extension method or a parsed URI owns a small buffer, which is
/// dropped: nothing is retained.
macro_rules! http_default_impl {
    ($($ty:ty),* $(,)?) => {$(
        #[cfg_attr(docsrs, doc(cfg(feature = "http")))]
        impl Poolable for $ty {
            #[inline]
            fn reset(&mut self) {
                *self = <$ty as ::core::default::Default>::default();
            }
        }
    )*};
}
http_default_impl!(
    ::http::Method,
    ::http::Uri,
    ::http::Version,
    ::http::StatusCode
);
