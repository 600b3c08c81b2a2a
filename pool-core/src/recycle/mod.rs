//! Recycling collections: a vector and a map that keep their *elements'* allocations on reset.
//!
//! Clearing a `HashMap<String, String>` keeps the table but frees every key and value `String`,
//! so the next request allocates them all again. [`RecycleVec`] and [`RecycleMap`] instead move
//! each removed element, reset, onto a spare list; the next insert takes a spare and fills it from
//! borrowed data ([`Assign`]), so a warm collection serves a request of the same shape without a
//! single allocation.
//!
//! ```
//! use pool_core::{Poolable, RecycleVec, StringMap};
//!
//! let mut headers = StringMap::new();
//! let mut tags: RecycleVec<String> = RecycleVec::new();
//!
//! for request in [[("host", "example.com"), ("accept", "*/*")], [("host", "example.org"), ("te", "gzip")]] {
//!     for (name, value) in request {
//!         headers.insert(name, value); // a spare key and a spare value are reused when warm
//!     }
//!     tags.push_from("api");
//!     assert_eq!(headers.len(), 2);
//!     assert_eq!(tags.len(), 1);
//!
//!     headers.reset(); // entries move to the spare lists, reset: their Strings are kept
//!     tags.reset();
//!     assert!(headers.is_empty() && tags.is_empty());
//!     assert_eq!(headers.spare_len(), 2);
//!     assert_eq!(tags.spare_len(), 1);
//! }
//! ```
//!
//! # Invariants
//!
//! Every spare element has been reset with [`Poolable::reset`](crate::Poolable::reset), so nothing written by a previous
//! user can be read back: a spare is only ever handed out through `push_with` / `insert_with`
//! closures (which see a fresh value) or overwritten by [`Assign::assign`]. An element that was
//! being written when user code panicked (an `insert_with` closure on a new key, an element's
//! in-place `Deserialize`) is dropped with the unwind, never kept as a spare; one that was
//! already live (`push_with`, `insert_with` on a present key) stays live, as written, until the
//! next reset.
//!
//! # Memory
//!
//! Both collections implement [`Poolable`](crate::Poolable) with a *deep* `retained_bytes` (the outer storage,
//! the spare lists, and every live and spare element's own `retained_bytes`; it walks the
//! elements, so it costs O(n)), and [`Shrink`](crate::Shrink), which drops spares beyond the limit
//! so that one huge request cannot pin memory in a pool.
//!
//! A spare keeps the largest buffer it has held. `Shrink` bounds the *number* of spares, not the
//! size of each: one huge header value stays in its spare until that spare is dropped, but it
//! shows in `retained_bytes`, so a pool's per-object byte bound discards the whole object.
//!
//! A map's spares come back in the table's (hash) order, so which spare key receives which name
//! varies from request to request: a warm map stops allocating once each spare has held a string
//! as long as the ones it receives, which for a steady mix of requests happens after a few of
//! them (a `RecycleVec` reuses its spares in order, so it is warm after one request).

mod map;
#[cfg(feature = "serde")]
mod serde;
mod vec;

pub use map::{RecycleMap, StringMap};
#[cfg(feature = "serde")]
pub use serde::deserialize_into;
pub use vec::RecycleVec;

use std::ffi::{OsStr, OsString};
use std::path::{Path, PathBuf};

/// Overwrite `self` with a copy of borrowed data, reusing `self`'s allocation: what the
/// recycling collections' borrowed inserts ([`RecycleMap::insert`], [`RecycleVec::push_from`])
/// use to fill a spare element.
///
/// After `dst.assign(src)`, `dst` must be equal to an owned copy of `src`; for a map key, this
/// means `dst.borrow() == src` and both hash alike (the contract of [`Borrow`](core::borrow::Borrow)).
/// An implementation should not allocate when `self`'s capacity suffices.
///
/// Implemented for `String` from `str` (and `String`), `Vec<T: Clone>` from `[T]` (and
/// `Vec<T>`), `OsString` from `OsStr`, `PathBuf` from `Path`, and the `Copy` scalars from
/// themselves.
///
/// ```
/// use pool_core::Assign;
///
/// let mut s = String::with_capacity(32);
/// s.push_str("old contents");
/// s.assign("new");
/// assert_eq!(s, "new");
/// assert!(s.capacity() >= 32); // the buffer was reused
///
/// let mut bytes: Vec<u8> = Vec::new();
/// bytes.assign(&b"abc"[..]);
/// assert_eq!(bytes, b"abc");
///
/// let mut n = 0u32;
/// n.assign(&7);
/// assert_eq!(n, 7);
/// ```
pub trait Assign<B: ?Sized> {
    /// Make `self` equal to an owned copy of `src`, keeping `self`'s allocation where it can.
    fn assign(&mut self, src: &B);
}

/// `clear()` then `push_str`: no allocation when the capacity suffices.
impl Assign<str> for String {
    #[inline]
    fn assign(&mut self, src: &str) {
        self.clear();
        self.push_str(src);
    }
}

/// `clear()` then `push_str`: no allocation when the capacity suffices.
impl Assign<String> for String {
    #[inline]
    fn assign(&mut self, src: &String) {
        self.assign(src.as_str());
    }
}

/// `clear()` then `extend_from_slice`: no allocation when the capacity suffices.
impl<T: Clone> Assign<[T]> for Vec<T> {
    #[inline]
    fn assign(&mut self, src: &[T]) {
        self.clear();
        self.extend_from_slice(src);
    }
}

/// `clear()` then `extend_from_slice`: no allocation when the capacity suffices.
impl<T: Clone> Assign<Vec<T>> for Vec<T> {
    #[inline]
    fn assign(&mut self, src: &Vec<T>) {
        self.assign(src.as_slice());
    }
}

/// `clear()` then `push`: no allocation when the capacity suffices.
impl Assign<OsStr> for OsString {
    #[inline]
    fn assign(&mut self, src: &OsStr) {
        self.clear();
        self.push(src);
    }
}

/// Clears the underlying `OsString`, then pushes `src`: no allocation when the capacity suffices.
impl Assign<Path> for PathBuf {
    #[inline]
    fn assign(&mut self, src: &Path) {
        self.as_mut_os_string().clear();
        self.as_mut_os_string().push(src.as_os_str());
    }
}

/// `Copy` scalars: a plain copy.
macro_rules! copy_assign {
    ($($ty:ty),* $(,)?) => {$(
        impl Assign<$ty> for $ty {
            #[inline]
            fn assign(&mut self, src: &$ty) {
                *self = *src;
            }
        }
    )*};
}
copy_assign!(
    u8, u16, u32, u64, u128, usize, i8, i16, i32, i64, i128, isize, f32, f64, bool, char,
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn assign_reuses_the_buffer() {
        let mut s = String::with_capacity(64);
        let ptr = s.as_ptr();
        s.assign("hello");
        assert_eq!(s, "hello");
        assert_eq!(s.as_ptr(), ptr);

        let mut v = vec![1u8, 2, 3, 4];
        v.assign(&[9u8][..]);
        assert_eq!(v, [9]);

        let mut p = PathBuf::from("/a/b");
        p.assign(Path::new("c/d"));
        assert_eq!(p, Path::new("c/d"));

        let mut o = OsString::from("xyz");
        o.assign(OsStr::new("q"));
        assert_eq!(o, "q");
    }
}
