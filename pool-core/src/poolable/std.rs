//! `Poolable`, and `Shrink` where the type can shrink, for std types: strings, collections,
//! `Option`, `Box`, scalars, arrays and tuples, cells and locks, wrappers, `Cow`.

use core::cell::{Cell, OnceCell, RefCell};
use core::cmp::Reverse;
use core::hash::{BuildHasher, Hash};
use core::marker::PhantomData;
use core::mem::size_of;
use core::num::{Saturating, Wrapping};
use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet, BinaryHeap, HashMap, HashSet, LinkedList, VecDeque};
use std::ffi::OsString;
use std::path::PathBuf;
use std::sync::{Mutex, OnceLock, PoisonError, RwLock};
use std::time::Duration;

use super::{Poolable, Shrink};

/// `Poolable` and `Shrink` for the owned string types, whose `clear()` keeps the buffer.
macro_rules! string_impls {
    ($($ty:ty),*) => {$(
        /// `clear()` keeps the allocation; `retained_bytes` is the capacity in bytes.
        impl Poolable for $ty {
            fn reset(&mut self) {
                self.clear();
            }
            fn retained_bytes(&self) -> usize {
                self.capacity()
            }
        }
        shrink_impl!([] $ty);
    )*};
}

string_impls!(String, OsString, PathBuf);

/// `Poolable` and `Shrink` for the buffer-backed sequences, whose `clear()` drops the elements
/// and keeps the buffer.
macro_rules! sequence_impls {
    ($($(#[$doc:meta])* [$($gen:tt)*] $ty:ty;)*) => {$(
        $(#[$doc])*
        impl<T> Poolable for $ty {
            fn reset(&mut self) {
                self.clear();
            }
            fn retained_bytes(&self) -> usize {
                self.capacity() * size_of::<T>()
            }
        }
        shrink_impl!([$($gen)*] $ty);
    )*};
}

sequence_impls! {
    /// Drops the elements and keeps the buffer; `retained_bytes` is `capacity * size_of::<T>()`
    /// (elements are dropped, so their own allocations are not kept: see
    /// [`RecycleVec`](crate::RecycleVec) for a vector that keeps them).
    [T] Vec<T>;
    /// Drops the elements and keeps the ring buffer; `retained_bytes` is
    /// `capacity * size_of::<T>()`.
    [T] VecDeque<T>;
    /// Drops the elements and keeps the buffer; `retained_bytes` is `capacity * size_of::<T>()`.
    [T: Ord] BinaryHeap<T>;
}

/// Drops the entries and keeps the table. `retained_bytes` estimates the table as
/// `capacity * (size_of::<(K, V)>() + 1)` (one control byte per slot); the keys' and values' own
/// allocations are dropped by `clear`, so they are not counted (see
/// [`RecycleMap`](crate::RecycleMap) for a map that keeps them).
impl<K, V, S> Poolable for HashMap<K, V, S> {
    fn reset(&mut self) {
        self.clear();
    }
    fn retained_bytes(&self) -> usize {
        self.capacity() * (size_of::<(K, V)>() + 1)
    }
}
shrink_table_impl!([K: Eq + Hash, V, S: BuildHasher] HashMap<K, V, S>);

/// Drops the elements and keeps the table; `retained_bytes` estimates the table as
/// `capacity * (size_of::<T>() + 1)`.
impl<T, S> Poolable for HashSet<T, S> {
    fn reset(&mut self) {
        self.clear();
    }
    fn retained_bytes(&self) -> usize {
        self.capacity() * (size_of::<T>() + 1)
    }
}
shrink_table_impl!([T: Eq + Hash, S: BuildHasher] HashSet<T, S>);

/// `clear()` frees every node: a B-tree keeps no capacity, so `retained_bytes` is 0 and pooling
/// it saves only the outer struct.
impl<K, V> Poolable for BTreeMap<K, V> {
    fn reset(&mut self) {
        self.clear();
    }
}

/// `clear()` frees every node: a B-tree keeps no capacity, so `retained_bytes` is 0.
impl<T> Poolable for BTreeSet<T> {
    fn reset(&mut self) {
        self.clear();
    }
}

/// `clear()` frees every node: a linked list keeps no capacity, so `retained_bytes` is 0.
impl<T> Poolable for LinkedList<T> {
    fn reset(&mut self) {
        self.clear();
    }
}

/// Resets to `None`, dropping the value; nothing is retained. Use `Option<Box<T>>` with
/// `#[poolable(reset_with = ...)]` or a plain `T` field if the inner allocation should be kept.
impl<T> Poolable for Option<T> {
    fn reset(&mut self) {
        *self = None;
    }
}

/// Resets the boxed value in place, keeping the box; `retained_bytes` counts the box itself plus
/// what the value retains.
impl<T: Poolable + ?Sized> Poolable for Box<T> {
    fn reset(&mut self) {
        (**self).reset();
    }
    fn retained_bytes(&self) -> usize {
        core::mem::size_of_val::<T>(self).saturating_add((**self).retained_bytes())
    }
}

impl<T: Shrink + ?Sized> Shrink for Box<T> {
    fn shrink_capacity_to(&mut self, max: usize) {
        (**self).shrink_capacity_to(max);
    }
}

/// Scalars reset to their `Default` (zero, `false`, `'\0'`, `Duration::ZERO`, `()`).
macro_rules! default_impl {
    ($($ty:ty),* $(,)?) => {$(
        impl Poolable for $ty {
            #[inline]
            fn reset(&mut self) {
                *self = <$ty as Default>::default();
            }
        }
    )*};
}
default_impl!(
    u8,
    u16,
    u32,
    u64,
    u128,
    usize,
    i8,
    i16,
    i32,
    i64,
    i128,
    isize,
    f32,
    f64,
    bool,
    char,
    (),
    Duration,
);

/// Element-wise reset; `retained_bytes` is the saturating sum over the elements (as every sum of
/// counts here: an element reporting near `usize::MAX` makes the array oversized for
/// `max_retained_bytes`, never an overflow panic or a wrap to a small count).
impl<T: Poolable, const N: usize> Poolable for [T; N] {
    fn reset(&mut self) {
        self.iter_mut().for_each(T::reset);
    }
    fn retained_bytes(&self) -> usize {
        self.iter()
            .map(T::retained_bytes)
            .fold(0, usize::saturating_add)
    }
}

/// Element-wise reset of each field of the tuple; `retained_bytes` is the saturating sum.
macro_rules! tuple_impl {
    ($($name:ident $idx:tt),+) => {
        impl<$($name: Poolable),+> Poolable for ($($name,)+) {
            fn reset(&mut self) {
                $(self.$idx.reset();)+
            }
            fn retained_bytes(&self) -> usize {
                0usize $(.saturating_add(self.$idx.retained_bytes()))+
            }
        }
    };
}
tuple_impl!(A 0);
tuple_impl!(A 0, B 1);
tuple_impl!(A 0, B 1, C 2);
tuple_impl!(A 0, B 1, C 2, D 3);
tuple_impl!(A 0, B 1, C 2, D 3, E 4);
tuple_impl!(A 0, B 1, C 2, D 3, E 4, F 5);
tuple_impl!(A 0, B 1, C 2, D 3, E 4, F 5, G 6);
tuple_impl!(A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7);
tuple_impl!(A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8);
tuple_impl!(A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9);
tuple_impl!(A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9, K 10);
tuple_impl!(A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9, K 10, L 11);

/// A marker: nothing to reset.
impl<T: ?Sized> Poolable for PhantomData<T> {
    #[inline]
    fn reset(&mut self) {}
}

/// Resets the inner value through `Cell::get_mut`. Only for `Copy` contents, whose heap
/// footprint is zero, so `retained_bytes` (which cannot look inside a `Cell`) stays honest.
impl<T: Poolable + Copy> Poolable for Cell<T> {
    fn reset(&mut self) {
        self.get_mut().reset();
    }
}

/// Resets the inner value through `RefCell::get_mut` (no runtime borrow check is needed: the
/// pool has `&mut`). `retained_bytes` reads through a shared borrow and reports 0 while the cell
/// is mutably borrowed.
impl<T: Poolable + ?Sized> Poolable for RefCell<T> {
    fn reset(&mut self) {
        self.get_mut().reset();
    }
    fn retained_bytes(&self) -> usize {
        self.try_borrow().map_or(0, |inner| inner.retained_bytes())
    }
}

/// Resets the inner value through `Mutex::get_mut` (no locking: the pool has `&mut`). A poisoned
/// mutex is reset too and its poison cleared, since the reset makes the value fresh again.
/// `retained_bytes` uses `try_lock` and reports 0 while another thread holds the lock.
impl<T: Poolable + ?Sized> Poolable for Mutex<T> {
    fn reset(&mut self) {
        self.get_mut()
            .unwrap_or_else(PoisonError::into_inner)
            .reset();
        self.clear_poison();
    }
    fn retained_bytes(&self) -> usize {
        match self.try_lock() {
            Ok(inner) => inner.retained_bytes(),
            Err(std::sync::TryLockError::Poisoned(inner)) => inner.into_inner().retained_bytes(),
            Err(std::sync::TryLockError::WouldBlock) => 0,
        }
    }
}

/// Resets the inner value through `RwLock::get_mut`, clearing any poison, like [`Mutex`].
impl<T: Poolable + ?Sized> Poolable for RwLock<T> {
    fn reset(&mut self) {
        self.get_mut()
            .unwrap_or_else(PoisonError::into_inner)
            .reset();
        self.clear_poison();
    }
    fn retained_bytes(&self) -> usize {
        match self.try_read() {
            Ok(inner) => inner.retained_bytes(),
            Err(std::sync::TryLockError::Poisoned(inner)) => inner.into_inner().retained_bytes(),
            Err(std::sync::TryLockError::WouldBlock) => 0,
        }
    }
}

/// Resets to `0` (`false` for `AtomicBool`) through `get_mut`: the pool has `&mut`, so no atomic
/// operation is needed.
macro_rules! atomic_impl {
    ($($(#[$meta:meta])* $ty:ident),* $(,)?) => {$(
        $(#[$meta])*
        impl Poolable for core::sync::atomic::$ty {
            #[inline]
            fn reset(&mut self) {
                *self.get_mut() = Default::default();
            }
        }
    )*};
}
atomic_impl!(
    AtomicBool,
    AtomicU8,
    AtomicI8,
    AtomicU16,
    AtomicI16,
    AtomicU32,
    AtomicI32,
    #[cfg(target_has_atomic = "64")]
    AtomicU64,
    #[cfg(target_has_atomic = "64")]
    AtomicI64,
    AtomicUsize,
    AtomicIsize,
);

/// `Poolable` for a one-field wrapper that forwards to the wrapped value.
macro_rules! wrapper_impls {
    ($($(#[$doc:meta])* $wrapper:ident),* $(,)?) => {$(
        $(#[$doc])*
        impl<T: Poolable> Poolable for $wrapper<T> {
            #[inline]
            fn reset(&mut self) {
                self.0.reset();
            }
            fn retained_bytes(&self) -> usize {
                self.0.retained_bytes()
            }
        }
    )*};
}

wrapper_impls!(
    /// Resets the wrapped value in place (`Wrapping(0)` for an integer); `retained_bytes` is
    /// the wrapped value's.
    Wrapping,
    /// Resets the wrapped value in place (`Saturating(0)` for an integer); `retained_bytes` is
    /// the wrapped value's.
    Saturating,
    /// Resets the wrapped value in place, keeping what it keeps (a `Reverse<String>` keeps its
    /// buffer); `retained_bytes` is the wrapped value's.
    Reverse,
);

impl<T: Shrink> Shrink for Reverse<T> {
    fn shrink_capacity_to(&mut self, max: usize) {
        self.0.shrink_capacity_to(max);
    }
}

/// Empties the string and keeps its variant: an `Owned` one is cleared in place, keeping its
/// buffer for the next `to_mut()`, a `Borrowed` one becomes `Cow::Borrowed("")`. Either way it
/// compares equal to `Cow::default()`. `retained_bytes` is the capacity of an `Owned` one, 0 for
/// a `Borrowed` one.
impl Poolable for Cow<'_, str> {
    fn reset(&mut self) {
        match self {
            Cow::Owned(s) => s.clear(),
            Cow::Borrowed(s) => *s = "",
        }
    }
    fn retained_bytes(&self) -> usize {
        match self {
            Cow::Owned(s) => s.capacity(),
            Cow::Borrowed(_) => 0,
        }
    }
}

/// Shrinks an `Owned` string like a `String`; a `Borrowed` one owns nothing.
impl Shrink for Cow<'_, str> {
    fn shrink_capacity_to(&mut self, max: usize) {
        if let Cow::Owned(s) = self {
            s.shrink_capacity_to(max);
        }
    }
}

/// Empties the slice and keeps its variant: an `Owned` vector is cleared in place (its elements
/// dropped, its buffer kept), a `Borrowed` slice becomes `Cow::Borrowed(&[])`. Either way it
/// compares equal to `Cow::default()`. `retained_bytes` is `capacity * size_of::<T>()` for an
/// `Owned` one, 0 for a `Borrowed` one.
impl<T: Clone> Poolable for Cow<'_, [T]> {
    fn reset(&mut self) {
        match self {
            Cow::Owned(v) => v.clear(),
            Cow::Borrowed(s) => *s = &[],
        }
    }
    fn retained_bytes(&self) -> usize {
        match self {
            Cow::Owned(v) => v.capacity() * size_of::<T>(),
            Cow::Borrowed(_) => 0,
        }
    }
}

/// Shrinks an `Owned` vector like a `Vec`; a `Borrowed` slice owns nothing.
impl<T: Clone> Shrink for Cow<'_, [T]> {
    fn shrink_capacity_to(&mut self, max: usize) {
        if let Cow::Owned(v) = self {
            v.shrink_capacity_to(max);
        }
    }
}

/// Empties the cell (`take()`), dropping its value: a fresh `OnceCell` is unset. Nothing is
/// retained.
impl<T> Poolable for OnceCell<T> {
    #[inline]
    fn reset(&mut self) {
        self.take();
    }
}

/// Empties the lock (`take()`, no synchronisation: the pool has `&mut`), dropping its value: a
/// fresh `OnceLock` is unset. Nothing is retained.
impl<T> Poolable for OnceLock<T> {
    #[inline]
    fn reset(&mut self) {
        self.take();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vec_keeps_capacity_and_reports_bytes() {
        let mut v: Vec<u64> = (0..100).collect();
        let cap = v.capacity();
        v.reset();
        assert!(v.is_empty());
        assert_eq!(v.capacity(), cap);
        assert_eq!(v.retained_bytes(), cap * 8);
    }

    #[test]
    fn shrink_only_above_the_limit() {
        let mut s = String::with_capacity(100);
        s.shrink_capacity_to(1000);
        assert!(s.capacity() >= 100);
        s.shrink_capacity_to(10);
        assert!(s.capacity() <= 10);
    }

    #[test]
    fn poisoned_mutex_is_reset_and_healed() {
        let m = std::sync::Arc::new(Mutex::new(vec![1u8, 2, 3]));
        let m2 = m.clone();
        let _ = std::thread::spawn(move || {
            let _guard = m2.lock().unwrap();
            panic!("poison it");
        })
        .join();
        assert!(m.is_poisoned());
        let mut m = std::sync::Arc::try_unwrap(m).unwrap();
        assert_eq!(m.retained_bytes(), 3);
        m.reset();
        assert!(!m.is_poisoned());
        assert!(m.lock().unwrap().is_empty());
    }

    #[test]
    fn atomics_reset_to_zero() {
        use core::sync::atomic::{AtomicBool, AtomicI64, AtomicU8, AtomicUsize, Ordering};
        let (mut b, mut u, mut i, mut n) = (
            AtomicBool::new(true),
            AtomicU8::new(200),
            AtomicI64::new(-5),
            AtomicUsize::new(usize::MAX),
        );
        b.reset();
        u.reset();
        i.reset();
        n.reset();
        assert!(!b.load(Ordering::Relaxed));
        assert_eq!(u.load(Ordering::Relaxed), 0);
        assert_eq!(i.load(Ordering::Relaxed), 0);
        assert_eq!(n.load(Ordering::Relaxed), 0);
        assert_eq!(n.retained_bytes(), 0);
    }

    #[test]
    fn wrappers_reset_the_inner_value_in_place() {
        let mut w = Wrapping(u32::MAX);
        w += 2;
        w.reset();
        assert_eq!(w, Wrapping::default());
        let mut s = Saturating(7i16);
        s.reset();
        assert_eq!(s, Saturating::default());
        let mut r = Reverse(String::with_capacity(64));
        r.0.push_str("kept");
        let cap = r.0.capacity();
        r.reset();
        assert_eq!(r, Reverse::default());
        assert_eq!(r.0.capacity(), cap);
        assert_eq!(r.retained_bytes(), cap);
        r.shrink_capacity_to(0);
        assert_eq!(r.0.capacity(), 0);
    }

    #[test]
    fn owned_cow_str_is_cleared_in_place() {
        let mut c: Cow<'_, str> = Cow::Owned(String::with_capacity(100));
        c.to_mut().push_str("previous request");
        c.reset();
        assert_eq!(c, Cow::<str>::default());
        assert!(matches!(&c, Cow::Owned(s) if s.capacity() >= 100));
        assert!(c.retained_bytes() >= 100);
        c.shrink_capacity_to(10);
        assert!(c.retained_bytes() <= 10);
    }

    #[test]
    fn borrowed_cow_str_becomes_empty_borrowed() {
        let text = String::from("borrowed text");
        let mut c: Cow<'_, str> = Cow::Borrowed(&text);
        c.reset();
        assert_eq!(c, Cow::<str>::default());
        assert!(matches!(c, Cow::Borrowed("")));
        assert_eq!(c.retained_bytes(), 0);
    }

    #[test]
    fn cow_slice_resets_either_variant() {
        let mut owned: Cow<'_, [u64]> = Cow::Owned((0..50).collect());
        let cap = match &owned {
            Cow::Owned(v) => v.capacity(),
            Cow::Borrowed(_) => unreachable!(),
        };
        owned.reset();
        assert_eq!(owned, Cow::<[u64]>::default());
        assert_eq!(owned.retained_bytes(), cap * 8);
        owned.shrink_capacity_to(4);
        assert!(owned.retained_bytes() <= 4 * 8);

        let data = [1u64, 2, 3];
        let mut borrowed: Cow<'_, [u64]> = Cow::Borrowed(&data);
        borrowed.reset();
        assert!(matches!(borrowed, Cow::Borrowed([])));
        assert_eq!(borrowed.retained_bytes(), 0);
    }

    #[test]
    fn once_cells_are_emptied() {
        let mut cell = OnceCell::new();
        cell.set(String::from("first")).unwrap();
        cell.reset();
        assert!(cell.get().is_none());
        let mut lock = OnceLock::new();
        lock.set(vec![1u8]).unwrap();
        lock.reset();
        assert!(lock.get().is_none());
        assert!(lock.set(vec![2u8]).is_ok(), "a reset lock can be set again");
    }
}
