//! [`RecycleVec`]: a vector whose removed elements are reset and kept as spares.

use core::fmt;
use core::hash::{Hash, Hasher};
use core::mem::size_of;
use core::ops::{Deref, DerefMut};
use core::slice;

use super::Assign;
use crate::{Poolable, Shrink};

/// A vector that keeps its elements' allocations when they are removed.
///
/// It is a `Vec<T>` plus a live length: `items[..len]` are the elements, `items[len..]` are
/// *spares*, elements that were removed and already [reset](Poolable::reset). [`push_with`] and
/// [`push_from`] fill a spare instead of making a new element, so a `RecycleVec<String>` that
/// was cleared serves the next request's strings without allocating.
///
/// Reads work like a slice (`Deref<Target = [T]>` over the live part): indexing, `iter`,
/// `len`, `first`, `contains`, `sort`, …; equality, hashing, `Debug` and `Clone` see only the
/// live part.
///
/// ```
/// use pool_core::{Poolable, RecycleVec};
///
/// let mut tags: RecycleVec<String> = RecycleVec::new();
/// tags.push_from("alpha");
/// tags.push_with(|s| s.push_str("beta"));
/// assert_eq!(tags, ["alpha", "beta"]);
///
/// tags.reset(); // both Strings are cleared and kept as spares
/// assert!(tags.is_empty());
/// assert_eq!(tags.spare_len(), 2);
///
/// tags.push_from("gamma"); // reuses a spare's buffer: no allocation
/// assert_eq!(tags[0], "gamma");
/// ```
///
/// [`push_with`]: RecycleVec::push_with
/// [`push_from`]: RecycleVec::push_from
pub struct RecycleVec<T> {
    /// Live elements, then spares (each already reset).
    items: Vec<T>,
    /// Number of live elements; `len <= items.len()`.
    len: usize,
}

impl<T> RecycleVec<T> {
    /// An empty vector; allocates nothing.
    ///
    /// ```
    /// let v: pool_core::RecycleVec<String> = pool_core::RecycleVec::new();
    /// assert!(v.is_empty());
    /// ```
    #[must_use]
    pub const fn new() -> Self {
        Self {
            items: Vec::new(),
            len: 0,
        }
    }

    /// An empty vector with room for at least `capacity` elements (live or spare).
    ///
    /// ```
    /// let v: pool_core::RecycleVec<String> = pool_core::RecycleVec::with_capacity(8);
    /// assert!(v.capacity() >= 8);
    /// ```
    #[must_use]
    pub fn with_capacity(capacity: usize) -> Self {
        Self {
            items: Vec::with_capacity(capacity),
            len: 0,
        }
    }

    /// The number of live elements.
    ///
    /// ```
    /// let v: pool_core::RecycleVec<u8> = [1, 2, 3].into_iter().collect();
    /// assert_eq!(v.len(), 3);
    /// ```
    #[inline]
    #[must_use]
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether there is no live element (spares may remain).
    ///
    /// ```
    /// let v = pool_core::RecycleVec::<u8>::new();
    /// assert!(v.is_empty());
    /// ```
    #[inline]
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The number of spares: removed, reset elements waiting to be reused.
    ///
    /// ```
    /// use pool_core::RecycleVec;
    ///
    /// let mut v: RecycleVec<String> = RecycleVec::new();
    /// v.push_from("a");
    /// v.push_from("b");
    /// v.truncate(0);
    /// assert_eq!(v.spare_len(), 2);
    /// ```
    #[inline]
    #[must_use]
    pub fn spare_len(&self) -> usize {
        self.items.len() - self.len
    }

    /// How many elements (live and spare) the outer buffer holds without reallocating.
    ///
    /// ```
    /// let v: pool_core::RecycleVec<u32> = pool_core::RecycleVec::with_capacity(10);
    /// assert!(v.capacity() >= 10);
    /// ```
    #[inline]
    #[must_use]
    pub fn capacity(&self) -> usize {
        self.items.capacity()
    }

    /// The live elements as a slice.
    ///
    /// ```
    /// let v: pool_core::RecycleVec<u8> = vec![1, 2].into();
    /// assert_eq!(v.as_slice(), &[1, 2]);
    /// ```
    #[inline]
    #[must_use]
    pub fn as_slice(&self) -> &[T] {
        &self.items[..self.len]
    }

    /// The live elements as a mutable slice.
    ///
    /// ```
    /// let mut v: pool_core::RecycleVec<u8> = vec![1, 2].into();
    /// v.as_mut_slice()[0] = 5;
    /// assert_eq!(v, [5, 2]);
    /// ```
    #[inline]
    #[must_use]
    pub fn as_mut_slice(&mut self) -> &mut [T] {
        &mut self.items[..self.len]
    }

    /// An iterator over the live elements.
    ///
    /// ```
    /// let v: pool_core::RecycleVec<u8> = vec![1, 2].into();
    /// assert_eq!(v.iter().sum::<u8>(), 3);
    /// ```
    #[inline]
    pub fn iter(&self) -> slice::Iter<'_, T> {
        self.as_slice().iter()
    }

    /// An iterator over the live elements that allows modifying them.
    ///
    /// ```
    /// let mut v: pool_core::RecycleVec<u8> = vec![1, 2].into();
    /// v.iter_mut().for_each(|x| *x *= 10);
    /// assert_eq!(v, [10, 20]);
    /// ```
    #[inline]
    pub fn iter_mut(&mut self) -> slice::IterMut<'_, T> {
        self.as_mut_slice().iter_mut()
    }

    /// Appends an owned value.
    ///
    /// The value brings its own allocation: if a spare is waiting in the slot it takes, that spare
    /// is dropped. To reuse spares, fill them with [`push_with`](Self::push_with) or
    /// [`push_from`](Self::push_from) instead.
    ///
    /// ```
    /// let mut v = pool_core::RecycleVec::new();
    /// v.push(String::from("owned"));
    /// assert_eq!(v, ["owned"]);
    /// ```
    pub fn push(&mut self, value: T) {
        if self.len < self.items.len() {
            self.items[self.len] = value;
        } else {
            self.items.push(value);
        }
        self.len += 1;
    }

    /// Removes the last live element and returns it, owned; `None` if there is none.
    ///
    /// The element leaves with its allocation, so nothing is kept as a spare: use
    /// [`pop_with`](Self::pop_with) to read the element and keep it for reuse.
    ///
    /// ```
    /// let mut v: pool_core::RecycleVec<String> = vec!["a".to_string()].into();
    /// assert_eq!(v.pop().as_deref(), Some("a"));
    /// assert_eq!(v.pop(), None);
    /// ```
    pub fn pop(&mut self) -> Option<T> {
        if self.len == 0 {
            return None;
        }
        self.len -= 1;
        // `swap_remove` moves the last spare (if any) into the freed slot: spares stay contiguous.
        Some(self.items.swap_remove(self.len))
    }
}

impl<T: Default> RecycleVec<T> {
    /// Appends an element filled by `f`, and returns what `f` returns.
    ///
    /// `f` receives a fresh element: a spare (already reset, its allocation kept) when one is
    /// left, or `T::default()` otherwise. Once the vector is warm this allocates nothing beyond
    /// what `f` itself needs.
    ///
    /// # Panics
    ///
    /// If `f` panics, the element stays in the vector as the last live element, holding whatever
    /// `f` wrote before panicking.
    ///
    /// ```
    /// use std::fmt::Write;
    ///
    /// let mut v: pool_core::RecycleVec<String> = pool_core::RecycleVec::new();
    /// v.push_with(|s| write!(s, "id-{}", 42)).unwrap();
    /// assert_eq!(v, ["id-42"]);
    /// ```
    pub fn push_with<R>(&mut self, f: impl FnOnce(&mut T) -> R) -> R {
        if self.len == self.items.len() {
            self.items.push(T::default());
        }
        // Count the slot as live before `f` runs, so a panic in `f` cannot leave a partly
        // written element among the spares.
        self.len += 1;
        f(&mut self.items[self.len - 1])
    }

    /// Appends a copy of borrowed data, written into a spare when one is left (see [`Assign`]).
    ///
    /// ```
    /// let mut v: pool_core::RecycleVec<Vec<u8>> = pool_core::RecycleVec::new();
    /// v.push_from(&b"bytes"[..]);
    /// assert_eq!(v[0], b"bytes");
    /// ```
    pub fn push_from<B: ?Sized>(&mut self, src: &B)
    where
        T: Assign<B>,
    {
        self.push_with(|slot| slot.assign(src));
    }
}

impl<T: Poolable> RecycleVec<T> {
    /// Keeps the first `len` live elements; the others are reset and kept as spares. Does
    /// nothing if `len` is not below [`len()`](Self::len).
    ///
    /// # Panics
    ///
    /// If an element's `reset` panics, that element and those before it stay live.
    ///
    /// ```
    /// let mut v: pool_core::RecycleVec<String> = vec!["a".into(), "b".into(), "c".into()].into();
    /// v.truncate(1);
    /// assert_eq!(v, ["a"]);
    /// assert_eq!(v.spare_len(), 2);
    /// ```
    pub fn truncate(&mut self, len: usize) {
        // Reset from the end and shrink `len` one element at a time: if a reset panics, no
        // element that still holds data is counted as a spare.
        while self.len > len {
            self.items[self.len - 1].reset();
            self.len -= 1;
        }
    }

    /// Resets every live element and keeps it as a spare, like [`Poolable::reset`].
    ///
    /// ```
    /// let mut v: pool_core::RecycleVec<String> = vec!["a".into()].into();
    /// v.clear();
    /// assert!(v.is_empty());
    /// assert_eq!(v.spare_len(), 1);
    /// ```
    pub fn clear(&mut self) {
        self.truncate(0);
    }

    /// Removes the last live element after letting `f` read (or take from) it, then resets it and
    /// keeps it as a spare. Returns `f`'s result, or `None` (without calling `f`) if the vector is
    /// empty.
    ///
    /// # Panics
    ///
    /// If `f` or the reset panics, the element stays live.
    ///
    /// ```
    /// let mut v: pool_core::RecycleVec<String> = vec!["last".into()].into();
    /// assert_eq!(v.pop_with(|s| s.len()), Some(4));
    /// assert!(v.is_empty());
    /// assert_eq!(v.spare_len(), 1); // its buffer is kept
    /// assert_eq!(v.pop_with(|s| s.len()), None);
    /// ```
    pub fn pop_with<R>(&mut self, f: impl FnOnce(&mut T) -> R) -> Option<R> {
        let last = self.len.checked_sub(1)?;
        let item = &mut self.items[last];
        let result = f(item);
        item.reset();
        self.len = last;
        Some(result)
    }
}

/// Resets every live element and keeps it as a spare.
///
/// `retained_bytes` is deep: the outer buffer (`capacity * size_of::<T>()`) plus every live and
/// spare element's own `retained_bytes` (so it walks the elements: O(n)).
///
/// ```
/// use pool_core::{Poolable, RecycleVec};
///
/// let mut v: RecycleVec<String> = RecycleVec::new();
/// v.push_with(|s| s.reserve(1000));
/// v.reset();
/// assert!(v.retained_bytes() >= 1000); // the spare's buffer is counted
/// ```
impl<T: Poolable> Poolable for RecycleVec<T> {
    fn reset(&mut self) {
        self.clear();
    }

    fn retained_bytes(&self) -> usize {
        self.items.capacity() * size_of::<T>()
            + self.items.iter().map(T::retained_bytes).sum::<usize>()
    }
}

/// Keeps at most `max` elements, live and spare together (never dropping a live one), and
/// shrinks the outer buffer to `max` if it is larger: what `#[poolable(max_capacity = N)]` calls
/// after the reset.
///
/// ```
/// use pool_core::{Poolable, RecycleVec, Shrink};
///
/// let mut v: RecycleVec<String> = (0..100).map(|i| i.to_string()).collect();
/// v.reset();
/// v.shrink_capacity_to(8);
/// assert_eq!(v.spare_len(), 8);
/// assert!(v.capacity() <= 8);
/// ```
impl<T> Shrink for RecycleVec<T> {
    fn shrink_capacity_to(&mut self, max: usize) {
        self.items.truncate(self.len.max(max));
        if self.items.capacity() > max {
            self.items.shrink_to(max);
        }
    }
}

impl<T> Default for RecycleVec<T> {
    fn default() -> Self {
        Self::new()
    }
}

impl<T> Deref for RecycleVec<T> {
    type Target = [T];

    #[inline]
    fn deref(&self) -> &[T] {
        self.as_slice()
    }
}

impl<T> DerefMut for RecycleVec<T> {
    #[inline]
    fn deref_mut(&mut self) -> &mut [T] {
        self.as_mut_slice()
    }
}

impl<T> AsRef<[T]> for RecycleVec<T> {
    fn as_ref(&self) -> &[T] {
        self.as_slice()
    }
}

impl<T> AsMut<[T]> for RecycleVec<T> {
    fn as_mut(&mut self) -> &mut [T] {
        self.as_mut_slice()
    }
}

impl<T: fmt::Debug> fmt::Debug for RecycleVec<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

/// Clones the live elements only: the clone has no spares.
impl<T: Clone> Clone for RecycleVec<T> {
    fn clone(&self) -> Self {
        self.as_slice().to_vec().into()
    }
}

/// Compares the live parts only. (Not generic over the other element type, so that
/// `v == RecycleVec::default()` infers.)
impl<T: PartialEq> PartialEq for RecycleVec<T> {
    fn eq(&self, other: &Self) -> bool {
        self.as_slice() == other.as_slice()
    }
}

impl<T: Eq> Eq for RecycleVec<T> {}

impl<T: PartialEq<U>, U> PartialEq<[U]> for RecycleVec<T> {
    fn eq(&self, other: &[U]) -> bool {
        self.as_slice() == other
    }
}

impl<T: PartialEq<U>, U> PartialEq<&[U]> for RecycleVec<T> {
    fn eq(&self, other: &&[U]) -> bool {
        self.as_slice() == *other
    }
}

impl<T: PartialEq<U>, U, const N: usize> PartialEq<[U; N]> for RecycleVec<T> {
    fn eq(&self, other: &[U; N]) -> bool {
        self.as_slice() == other
    }
}

impl<T: PartialEq<U>, U> PartialEq<Vec<U>> for RecycleVec<T> {
    fn eq(&self, other: &Vec<U>) -> bool {
        self.as_slice() == other.as_slice()
    }
}

impl<T: Hash> Hash for RecycleVec<T> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.as_slice().hash(state);
    }
}

/// Takes the vector as it is: every element is live.
impl<T> From<Vec<T>> for RecycleVec<T> {
    fn from(items: Vec<T>) -> Self {
        let len = items.len();
        Self { items, len }
    }
}

/// The live elements; spares are dropped.
impl<T> From<RecycleVec<T>> for Vec<T> {
    fn from(mut v: RecycleVec<T>) -> Self {
        v.items.truncate(v.len);
        v.items
    }
}

impl<T> FromIterator<T> for RecycleVec<T> {
    fn from_iter<I: IntoIterator<Item = T>>(iter: I) -> Self {
        Vec::from_iter(iter).into()
    }
}

/// Pushes each owned value (see [`RecycleVec::push`]: a spare in the way is dropped).
impl<T> Extend<T> for RecycleVec<T> {
    fn extend<I: IntoIterator<Item = T>>(&mut self, iter: I) {
        iter.into_iter().for_each(|value| self.push(value));
    }
}

impl<'a, T> IntoIterator for &'a RecycleVec<T> {
    type Item = &'a T;
    type IntoIter = slice::Iter<'a, T>;

    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

impl<'a, T> IntoIterator for &'a mut RecycleVec<T> {
    type Item = &'a mut T;
    type IntoIter = slice::IterMut<'a, T>;

    fn into_iter(self) -> Self::IntoIter {
        self.iter_mut()
    }
}

/// Yields the live elements, owned; spares are dropped.
impl<T> IntoIterator for RecycleVec<T> {
    type Item = T;
    type IntoIter = std::vec::IntoIter<T>;

    fn into_iter(self) -> Self::IntoIter {
        Vec::from(self).into_iter()
    }
}

#[cfg(feature = "serde")]
impl<T> RecycleVec<T> {
    /// Lets `fill` write the slot after the live part: a spare, or `T::default()` pushed when
    /// none is left. On `Ok(Some(_))` the slot becomes live; otherwise a spare is reset and kept,
    /// and a pushed default is dropped again (so that the end of a sequence does not grow the
    /// buffer by one). If `fill` (or that reset) panics, the slot is dropped: it may hold part of
    /// what `fill` read, so it must never become a spare. Used by the in-place deserializer.
    pub(super) fn push_fallible<R, E>(
        &mut self,
        fill: impl FnOnce(&mut T) -> Result<Option<R>, E>,
    ) -> Result<Option<R>, E>
    where
        T: Default + Poolable,
    {
        /// Drops the element at `at` when dropped, unless disarmed: on unwind, a half-written
        /// slot leaves the vector (`swap_remove`: the spares stay contiguous).
        struct DropOnUnwind<'a, T> {
            items: &'a mut Vec<T>,
            at: usize,
            armed: bool,
        }
        impl<T> Drop for DropOnUnwind<'_, T> {
            fn drop(&mut self) {
                if self.armed {
                    drop(self.items.swap_remove(self.at));
                }
            }
        }

        let fresh = self.len == self.items.len();
        if fresh {
            self.items.push(T::default());
        }
        let mut slot = DropOnUnwind {
            items: &mut self.items,
            at: self.len,
            armed: true,
        };
        let result = fill(&mut slot.items[slot.at]);
        if matches!(result, Ok(Some(_))) {
            slot.armed = false;
            self.len += 1;
        } else if fresh {
            slot.armed = false;
            slot.items.pop();
        } else {
            slot.items[slot.at].reset();
            slot.armed = false;
        }
        result
    }

    /// Reserves room for `total` elements, live and spare together.
    pub(super) fn reserve_total(&mut self, total: usize) {
        // `Vec::reserve` counts from the length, which includes the spares.
        self.items.reserve(total.saturating_sub(self.items.len()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spares_keep_their_buffers() {
        let mut v: RecycleVec<String> = RecycleVec::new();
        v.push_with(|s| s.push_str("a long enough string"));
        let ptr = v[0].as_ptr();
        v.clear();
        assert_eq!(v.spare_len(), 1);
        v.push_from("short");
        assert_eq!(v[0].as_ptr(), ptr);
        assert_eq!(v, ["short"]);
    }

    #[test]
    fn pop_keeps_spares_contiguous() {
        let mut v: RecycleVec<String> = vec!["a".into(), "b".into(), "c".into()].into();
        v.truncate(1); // "b" and "c" become spares
        assert_eq!(v.pop().as_deref(), Some("a"));
        assert_eq!(v.spare_len(), 2);
        assert!(v.items.iter().all(String::is_empty));
        assert_eq!(v.pop(), None);
    }

    #[test]
    fn panicking_fill_does_not_leave_a_dirty_spare() {
        let mut v: RecycleVec<String> = RecycleVec::new();
        let caught = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            v.push_with(|s| {
                s.push_str("half");
                panic!("boom");
            })
        }));
        assert!(caught.is_err());
        assert_eq!(v, ["half"]);
        v.clear();
        assert!(v.items.iter().all(String::is_empty));
    }

    #[test]
    fn shrink_never_drops_live_elements() {
        let mut v: RecycleVec<u32> = (0..10).collect();
        v.truncate(5);
        v.shrink_capacity_to(2);
        assert_eq!(v, [0, 1, 2, 3, 4]);
        assert_eq!(v.spare_len(), 0);
    }

    #[test]
    fn deep_retained_bytes() {
        let mut v: RecycleVec<String> = RecycleVec::with_capacity(4);
        v.push_with(|s| s.reserve_exact(100));
        v.push_with(|s| s.reserve_exact(50));
        v.truncate(1);
        let strings: usize = v.items.iter().map(String::capacity).sum();
        assert!(strings >= 150);
        assert_eq!(
            v.retained_bytes(),
            v.capacity() * size_of::<String>() + strings
        );
    }
}
