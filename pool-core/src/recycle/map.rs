//! [`RecycleMap`]: a hash map whose removed keys and values are reset and kept as spares.

use core::borrow::Borrow;
use core::fmt;
use core::hash::{BuildHasher, Hash};
use core::mem::{self, size_of};
use core::ops::Index;
use std::collections::HashMap;
use std::collections::hash_map::{self, RandomState};

use super::Assign;
use crate::{Poolable, Shrink};

/// A hash map that keeps its keys' and values' allocations when entries are removed.
///
/// It is a `HashMap<K, V, S>` plus a list of spare keys and a list of spare values: entries that
/// were removed ([`clear`](Self::clear), [`remove`](Self::remove), [`retain`](Self::retain), an
/// overwritten value), already [reset](Poolable::reset). The borrowed-key inserts
/// [`insert`](Self::insert) and [`insert_with`](Self::insert_with) take a spare key and value and
/// fill them from borrowed data, so a warm `RecycleMap<String, String>` stores a request's headers
/// without allocating. The two spare lists always have the same length.
///
/// Reads work like `HashMap`: `get`, `get_mut`, `contains_key`, `iter`, `keys`, `values`,
/// `map[key]`, and [`as_map`](Self::as_map) for anything else; equality, `Debug` and `Clone`
/// see only the entries.
///
/// ```
/// use pool_core::{Poolable, StringMap};
///
/// let mut headers = StringMap::new();
/// headers.insert("host", "example.com");
/// headers.insert("accept", "*/*");
/// headers.insert("host", "example.org"); // overwrites the value in place
/// assert_eq!(headers.get("host").map(String::as_str), Some("example.org"));
/// assert_eq!(headers.len(), 2);
///
/// headers.reset(); // the 2 keys and 2 values are cleared and kept
/// assert!(headers.is_empty());
/// assert_eq!(headers.spare_len(), 2);
/// headers.insert("te", "trailers"); // reuses a spare key and value: no allocation
/// assert_eq!(headers["te"], "trailers");
/// ```
pub struct RecycleMap<K, V, S = RandomState> {
    /// The live entries.
    map: HashMap<K, V, S>,
    /// Reset keys waiting to be reused; same length as `spare_values`.
    spare_keys: Vec<K>,
    /// Reset values waiting to be reused; same length as `spare_keys`.
    spare_values: Vec<V>,
}

/// The common case: a header-style map from `String` to `String`.
///
/// ```
/// let mut m = pool_core::StringMap::new();
/// m.insert("content-type", "text/html");
/// assert_eq!(m["content-type"], "text/html");
/// ```
pub type StringMap = RecycleMap<String, String>;

impl<K, V> RecycleMap<K, V, RandomState> {
    /// An empty map; allocates nothing.
    ///
    /// ```
    /// let m: pool_core::RecycleMap<String, u32> = pool_core::RecycleMap::new();
    /// assert!(m.is_empty());
    /// ```
    #[must_use]
    pub fn new() -> Self {
        Self::with_hasher(RandomState::new())
    }

    /// An empty map with room for at least `capacity` entries.
    ///
    /// ```
    /// let m: pool_core::RecycleMap<String, u32> = pool_core::RecycleMap::with_capacity(16);
    /// assert!(m.capacity() >= 16);
    /// ```
    #[must_use]
    pub fn with_capacity(capacity: usize) -> Self {
        Self::with_capacity_and_hasher(capacity, RandomState::new())
    }
}

impl<K, V, S> RecycleMap<K, V, S> {
    /// An empty map that hashes with `hasher`.
    ///
    /// ```
    /// use std::hash::RandomState;
    /// let m: pool_core::RecycleMap<String, String> = pool_core::RecycleMap::with_hasher(RandomState::new());
    /// assert!(m.is_empty());
    /// ```
    #[must_use]
    pub fn with_hasher(hasher: S) -> Self {
        Self::from(HashMap::with_hasher(hasher))
    }

    /// An empty map with room for at least `capacity` entries that hashes with `hasher`.
    ///
    /// ```
    /// use std::hash::RandomState;
    /// let m: pool_core::StringMap = pool_core::RecycleMap::with_capacity_and_hasher(8, RandomState::new());
    /// assert!(m.capacity() >= 8);
    /// ```
    #[must_use]
    pub fn with_capacity_and_hasher(capacity: usize, hasher: S) -> Self {
        Self::from(HashMap::with_capacity_and_hasher(capacity, hasher))
    }

    /// The number of entries.
    ///
    /// ```
    /// let mut m = pool_core::StringMap::new();
    /// m.insert("a", "1");
    /// assert_eq!(m.len(), 1);
    /// ```
    #[inline]
    #[must_use]
    pub fn len(&self) -> usize {
        self.map.len()
    }

    /// Whether there is no entry (spares may remain).
    ///
    /// ```
    /// assert!(pool_core::StringMap::new().is_empty());
    /// ```
    #[inline]
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }

    /// How many entries the table holds without reallocating.
    ///
    /// ```
    /// let m = pool_core::StringMap::with_capacity(4);
    /// assert!(m.capacity() >= 4);
    /// ```
    #[inline]
    #[must_use]
    pub fn capacity(&self) -> usize {
        self.map.capacity()
    }

    /// The number of spare key/value pairs: removed, reset entries waiting to be reused.
    ///
    /// ```
    /// use pool_core::Poolable;
    ///
    /// let mut m = pool_core::StringMap::new();
    /// m.insert("a", "1");
    /// m.reset();
    /// assert_eq!(m.spare_len(), 1);
    /// ```
    #[inline]
    #[must_use]
    pub fn spare_len(&self) -> usize {
        self.spare_keys.len()
    }

    /// The map's hasher.
    ///
    /// ```
    /// use std::hash::BuildHasher;
    /// let m = pool_core::StringMap::new();
    /// let _ = m.hasher().hash_one("key");
    /// ```
    #[must_use]
    pub fn hasher(&self) -> &S {
        self.map.hasher()
    }

    /// The live entries as a `HashMap`, for reads this type does not mirror.
    ///
    /// ```
    /// let mut m = pool_core::StringMap::new();
    /// m.insert("a", "1");
    /// let std_map: &std::collections::HashMap<String, String> = m.as_map();
    /// assert_eq!(std_map.len(), 1);
    /// ```
    #[must_use]
    pub fn as_map(&self) -> &HashMap<K, V, S> {
        &self.map
    }

    /// An iterator over the entries, in arbitrary order.
    ///
    /// ```
    /// let mut m = pool_core::StringMap::new();
    /// m.insert("a", "1");
    /// assert_eq!(m.iter().count(), 1);
    /// ```
    pub fn iter(&self) -> hash_map::Iter<'_, K, V> {
        self.map.iter()
    }

    /// An iterator over the entries with mutable values, in arbitrary order.
    ///
    /// ```
    /// let mut m = pool_core::StringMap::new();
    /// m.insert("a", "1");
    /// m.iter_mut().for_each(|(_, v)| v.push('0'));
    /// assert_eq!(m["a"], "10");
    /// ```
    pub fn iter_mut(&mut self) -> hash_map::IterMut<'_, K, V> {
        self.map.iter_mut()
    }

    /// An iterator over the keys, in arbitrary order.
    ///
    /// ```
    /// let mut m = pool_core::StringMap::new();
    /// m.insert("a", "1");
    /// assert_eq!(m.keys().collect::<Vec<_>>(), ["a"]);
    /// ```
    pub fn keys(&self) -> hash_map::Keys<'_, K, V> {
        self.map.keys()
    }

    /// An iterator over the values, in arbitrary order.
    ///
    /// ```
    /// let mut m = pool_core::StringMap::new();
    /// m.insert("a", "1");
    /// assert_eq!(m.values().collect::<Vec<_>>(), ["1"]);
    /// ```
    pub fn values(&self) -> hash_map::Values<'_, K, V> {
        self.map.values()
    }

    /// An iterator over mutable values, in arbitrary order.
    ///
    /// ```
    /// let mut m = pool_core::StringMap::new();
    /// m.insert("a", "1");
    /// m.values_mut().for_each(|v| v.insert(0, '-'));
    /// assert_eq!(m["a"], "-1");
    /// ```
    pub fn values_mut(&mut self) -> hash_map::ValuesMut<'_, K, V> {
        self.map.values_mut()
    }

    /// Takes a spare key and value, or makes default ones when none is left.
    fn take_spare(&mut self) -> (K, V)
    where
        K: Default,
        V: Default,
    {
        match (self.spare_keys.pop(), self.spare_values.pop()) {
            (Some(key), Some(value)) => (key, value),
            // The lists have the same length, so both are empty here.
            _ => (K::default(), V::default()),
        }
    }

    /// Resets `key` and `value` and keeps them as spares.
    fn recycle(&mut self, mut key: K, mut value: V)
    where
        K: Poolable,
        V: Poolable,
    {
        key.reset();
        value.reset();
        self.spare_keys.push(key);
        self.spare_values.push(value);
    }
}

impl<K: Poolable, V: Poolable, S> RecycleMap<K, V, S> {
    /// Removes every entry, resets its key and value and keeps them as spares; the table keeps
    /// its capacity. The same as [`Poolable::reset`].
    ///
    /// ```
    /// let mut m = pool_core::StringMap::new();
    /// m.insert("a", "1");
    /// m.clear();
    /// assert!(m.is_empty());
    /// assert_eq!(m.spare_len(), 1);
    /// ```
    pub fn clear(&mut self) {
        let n = self.map.len();
        self.spare_keys.reserve(n);
        self.spare_values.reserve(n);
        for (mut key, mut value) in self.map.drain() {
            key.reset();
            value.reset();
            self.spare_keys.push(key);
            self.spare_values.push(value);
        }
    }
}

impl<K, V, S> RecycleMap<K, V, S>
where
    K: Eq + Hash,
    S: BuildHasher,
{
    /// A reference to the value for `key`.
    ///
    /// ```
    /// let mut m = pool_core::StringMap::new();
    /// m.insert("a", "1");
    /// assert_eq!(m.get("a").map(String::as_str), Some("1"));
    /// assert_eq!(m.get("b"), None);
    /// ```
    pub fn get<Q>(&self, key: &Q) -> Option<&V>
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        self.map.get(key)
    }

    /// A mutable reference to the value for `key`.
    ///
    /// ```
    /// let mut m = pool_core::StringMap::new();
    /// m.insert("a", "1");
    /// m.get_mut("a").unwrap().push('2');
    /// assert_eq!(m["a"], "12");
    /// ```
    pub fn get_mut<Q>(&mut self, key: &Q) -> Option<&mut V>
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        self.map.get_mut(key)
    }

    /// The stored key and its value for `key`.
    ///
    /// ```
    /// let mut m = pool_core::StringMap::new();
    /// m.insert("a", "1");
    /// assert_eq!(m.get_key_value("a").map(|(k, v)| (k.as_str(), v.as_str())), Some(("a", "1")));
    /// ```
    pub fn get_key_value<Q>(&self, key: &Q) -> Option<(&K, &V)>
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        self.map.get_key_value(key)
    }

    /// Whether the map has an entry for `key`.
    ///
    /// ```
    /// let mut m = pool_core::StringMap::new();
    /// m.insert("a", "1");
    /// assert!(m.contains_key("a"));
    /// ```
    pub fn contains_key<Q>(&self, key: &Q) -> bool
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        self.map.contains_key(key)
    }

    /// Reserves room for at least `additional` more entries in the table.
    ///
    /// ```
    /// let mut m = pool_core::StringMap::new();
    /// m.reserve(10);
    /// assert!(m.capacity() >= 10);
    /// ```
    pub fn reserve(&mut self, additional: usize) {
        self.map.reserve(additional);
    }
}

impl<K, V, S> RecycleMap<K, V, S>
where
    K: Eq + Hash + Poolable,
    V: Poolable,
    S: BuildHasher,
{
    /// Inserts a copy of the borrowed `key` with a value filled by `f`, and returns what `f`
    /// returns.
    ///
    /// If `key` is already present, its value is reset and `f` fills it in place (the stored key
    /// is kept). Otherwise a spare key (or `K::default()`) is [assigned](Assign) from `key` and a
    /// spare value (or `V::default()`) is passed to `f`, then both are inserted. Either way `f`
    /// sees a fresh value, and a warm map allocates nothing beyond what `f` itself needs.
    ///
    /// # Panics
    ///
    /// If `f` panics on a present key, the value keeps what `f` wrote before panicking; on a new
    /// key, nothing is inserted.
    ///
    /// ```
    /// use std::fmt::Write;
    ///
    /// let mut m = pool_core::StringMap::new();
    /// m.insert_with("content-length", |v| write!(v, "{}", 1024)).unwrap();
    /// assert_eq!(m["content-length"], "1024");
    /// ```
    pub fn insert_with<Q, R>(&mut self, key: &Q, f: impl FnOnce(&mut V) -> R) -> R
    where
        K: Borrow<Q> + Assign<Q> + Default,
        Q: Hash + Eq + ?Sized,
        V: Default,
    {
        self.insert_impl(key, f).1
    }

    /// Inserts copies of the borrowed `key` and `value`, reusing a spare key and value (see
    /// [`insert_with`](Self::insert_with) and [`Assign`]); a present key's value is overwritten
    /// in place. Returns `true` if the key was new, like `HashSet::insert`.
    ///
    /// ```
    /// let mut m: pool_core::RecycleMap<String, Vec<u8>> = pool_core::RecycleMap::new();
    /// assert!(m.insert("body", &b"hello"[..]));
    /// assert!(!m.insert("body", &b"bye"[..]));
    /// assert_eq!(m["body"], b"bye");
    /// ```
    pub fn insert<Q, R>(&mut self, key: &Q, value: &R) -> bool
    where
        K: Borrow<Q> + Assign<Q> + Default,
        Q: Hash + Eq + ?Sized,
        V: Assign<R> + Default,
        R: ?Sized,
    {
        self.insert_impl(key, |slot| slot.assign(value)).0
    }

    /// `insert_with` that also says whether the key was new.
    fn insert_impl<Q, R>(&mut self, key: &Q, f: impl FnOnce(&mut V) -> R) -> (bool, R)
    where
        K: Borrow<Q> + Assign<Q> + Default,
        Q: Hash + Eq + ?Sized,
        V: Default,
    {
        if let Some(value) = self.map.get_mut(key) {
            value.reset();
            return (false, f(value));
        }
        let (mut new_key, mut value) = self.take_spare();
        new_key.assign(key);
        let result = f(&mut value);
        self.map.insert(new_key, value);
        (true, result)
    }

    /// Inserts an owned key and value, which bring their own allocations. If the key is already
    /// present, the stored key is kept, the old value is replaced, and the old value and the
    /// passed key are reset and kept as spares. Returns `true` if the key was new.
    ///
    /// ```
    /// let mut m = pool_core::StringMap::new();
    /// assert!(m.insert_owned("a".to_string(), "1".to_string()));
    /// assert!(!m.insert_owned("a".to_string(), "2".to_string()));
    /// assert_eq!(m["a"], "2");
    /// assert_eq!(m.spare_len(), 1); // the old value and the duplicate key
    /// ```
    pub fn insert_owned(&mut self, key: K, value: V) -> bool {
        match self.map.get_mut(&key) {
            Some(slot) => {
                let old = mem::replace(slot, value);
                self.recycle(key, old);
                false
            }
            None => {
                self.map.insert(key, value);
                true
            }
        }
    }

    /// Removes the entry for `key`, resets its key and value and keeps them as spares. Returns
    /// whether there was one. Use [`remove_with`](Self::remove_with) to read the entry first.
    ///
    /// ```
    /// let mut m = pool_core::StringMap::new();
    /// m.insert("a", "1");
    /// assert!(m.remove("a"));
    /// assert!(!m.remove("a"));
    /// assert_eq!(m.spare_len(), 1);
    /// ```
    pub fn remove<Q>(&mut self, key: &Q) -> bool
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        self.remove_with(key, |_, _| ()).is_some()
    }

    /// Removes the entry for `key` after letting `f` read (or take from) its key and value, then
    /// resets them and keeps them as spares. Returns `f`'s result, or `None` (without calling
    /// `f`) if there was no entry.
    ///
    /// # Panics
    ///
    /// If `f` panics, the entry is dropped (removed, not kept as a spare).
    ///
    /// ```
    /// let mut m = pool_core::StringMap::new();
    /// m.insert("a", "value");
    /// assert_eq!(m.remove_with("a", |_, v| std::mem::take(v)).as_deref(), Some("value"));
    /// assert!(m.is_empty());
    /// ```
    pub fn remove_with<Q, R>(&mut self, key: &Q, f: impl FnOnce(&mut K, &mut V) -> R) -> Option<R>
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        let (mut key, mut value) = self.map.remove_entry(key)?;
        let result = f(&mut key, &mut value);
        self.recycle(key, value);
        Some(result)
    }

    /// Keeps only the entries for which `keep` returns `true`; the others are reset and kept as
    /// spares.
    ///
    /// ```
    /// let mut m = pool_core::StringMap::new();
    /// m.insert("a", "1");
    /// m.insert("b", "2");
    /// m.retain(|k, _| k == "a");
    /// assert_eq!(m.len(), 1);
    /// assert_eq!(m.spare_len(), 1);
    /// ```
    pub fn retain(&mut self, mut keep: impl FnMut(&K, &mut V) -> bool) {
        for (mut key, mut value) in self.map.extract_if(|k, v| !keep(k, v)) {
            key.reset();
            value.reset();
            self.spare_keys.push(key);
            self.spare_values.push(value);
        }
    }
}

/// Removes every entry and keeps its key and value, reset, as spares (see
/// [`RecycleMap::clear`]).
///
/// `retained_bytes` is deep: the table (estimated as `capacity * (size_of::<(K, V)>() + 1)`, like
/// `HashMap`'s), the spare lists' buffers, and every live and spare key's and value's own
/// `retained_bytes` (so it walks the entries: O(n)).
///
/// ```
/// use pool_core::{Poolable, StringMap};
///
/// let mut m = StringMap::new();
/// m.insert_with("k", |v| v.reserve(1000));
/// m.reset();
/// assert!(m.retained_bytes() >= 1000); // the spare value's buffer is counted
/// ```
impl<K: Poolable, V: Poolable, S> Poolable for RecycleMap<K, V, S> {
    fn reset(&mut self) {
        self.clear();
    }

    fn retained_bytes(&self) -> usize {
        let outer = self.map.capacity() * (size_of::<(K, V)>() + 1)
            + self.spare_keys.capacity() * size_of::<K>()
            + self.spare_values.capacity() * size_of::<V>();
        let live: usize = self
            .map
            .iter()
            .map(|(k, v)| k.retained_bytes() + v.retained_bytes())
            .sum();
        let spare: usize = self.spare_keys.iter().map(K::retained_bytes).sum::<usize>()
            + self
                .spare_values
                .iter()
                .map(V::retained_bytes)
                .sum::<usize>();
        outer + live + spare
    }
}

/// Keeps at most `max` key/value pairs, live and spare together (never dropping a live entry),
/// and shrinks the table and the spare lists to `max` if they are larger: what
/// `#[poolable(max_capacity = N)]` calls after the reset.
///
/// ```
/// use pool_core::{Poolable, Shrink, StringMap};
///
/// let mut m: StringMap = (0..100).map(|i| (i.to_string(), i.to_string())).collect();
/// m.reset();
/// m.shrink_capacity_to(8);
/// assert_eq!(m.spare_len(), 8);
/// assert!(m.capacity() <= 8 * 2); // a hash table rounds up to its bucket count
/// ```
impl<K: Eq + Hash, V, S: BuildHasher> Shrink for RecycleMap<K, V, S> {
    fn shrink_capacity_to(&mut self, max: usize) {
        let spares = max.saturating_sub(self.map.len());
        self.spare_keys.truncate(spares);
        self.spare_values.truncate(spares);
        self.spare_keys.shrink_capacity_to(max);
        self.spare_values.shrink_capacity_to(max);
        self.map.shrink_capacity_to(max);
    }
}

impl<K, V, S: Default> Default for RecycleMap<K, V, S> {
    fn default() -> Self {
        Self::with_hasher(S::default())
    }
}

impl<K: fmt::Debug, V: fmt::Debug, S> fmt::Debug for RecycleMap<K, V, S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.map.iter()).finish()
    }
}

/// Clones the entries only: the clone has no spares.
impl<K: Clone, V: Clone, S: Clone> Clone for RecycleMap<K, V, S> {
    fn clone(&self) -> Self {
        Self::from(self.map.clone())
    }
}

/// Compares the entries only, like `HashMap`.
impl<K, V, S> PartialEq for RecycleMap<K, V, S>
where
    K: Eq + Hash,
    V: PartialEq,
    S: BuildHasher,
{
    fn eq(&self, other: &Self) -> bool {
        self.map == other.map
    }
}

impl<K, V, S> Eq for RecycleMap<K, V, S>
where
    K: Eq + Hash,
    V: Eq,
    S: BuildHasher,
{
}

/// Compares the entries with a `HashMap`'s.
impl<K, V, S> PartialEq<HashMap<K, V, S>> for RecycleMap<K, V, S>
where
    K: Eq + Hash,
    V: PartialEq,
    S: BuildHasher,
{
    fn eq(&self, other: &HashMap<K, V, S>) -> bool {
        self.map == *other
    }
}

/// `map[key]`, like `HashMap`.
///
/// # Panics
///
/// If `key` is not in the map.
impl<K, Q, V, S> Index<&Q> for RecycleMap<K, V, S>
where
    K: Eq + Hash + Borrow<Q>,
    Q: Eq + Hash + ?Sized,
    S: BuildHasher,
{
    type Output = V;

    fn index(&self, key: &Q) -> &V {
        &self.map[key]
    }
}

/// Takes the map's entries as they are, with no spares.
impl<K, V, S> From<HashMap<K, V, S>> for RecycleMap<K, V, S> {
    fn from(map: HashMap<K, V, S>) -> Self {
        Self {
            map,
            spare_keys: Vec::new(),
            spare_values: Vec::new(),
        }
    }
}

/// The entries; spares are dropped.
impl<K, V, S> From<RecycleMap<K, V, S>> for HashMap<K, V, S> {
    fn from(map: RecycleMap<K, V, S>) -> Self {
        map.map
    }
}

impl<K, V, S> FromIterator<(K, V)> for RecycleMap<K, V, S>
where
    K: Eq + Hash,
    S: BuildHasher + Default,
{
    fn from_iter<I: IntoIterator<Item = (K, V)>>(iter: I) -> Self {
        Self::from(HashMap::from_iter(iter))
    }
}

/// Inserts each owned pair with [`RecycleMap::insert_owned`].
impl<K, V, S> Extend<(K, V)> for RecycleMap<K, V, S>
where
    K: Eq + Hash + Poolable,
    V: Poolable,
    S: BuildHasher,
{
    fn extend<I: IntoIterator<Item = (K, V)>>(&mut self, iter: I) {
        for (key, value) in iter {
            self.insert_owned(key, value);
        }
    }
}

impl<'a, K, V, S> IntoIterator for &'a RecycleMap<K, V, S> {
    type Item = (&'a K, &'a V);
    type IntoIter = hash_map::Iter<'a, K, V>;

    fn into_iter(self) -> Self::IntoIter {
        self.map.iter()
    }
}

impl<'a, K, V, S> IntoIterator for &'a mut RecycleMap<K, V, S> {
    type Item = (&'a K, &'a mut V);
    type IntoIter = hash_map::IterMut<'a, K, V>;

    fn into_iter(self) -> Self::IntoIter {
        self.map.iter_mut()
    }
}

/// Yields the entries, owned; spares are dropped.
impl<K, V, S> IntoIterator for RecycleMap<K, V, S> {
    type Item = (K, V);
    type IntoIter = hash_map::IntoIter<K, V>;

    fn into_iter(self) -> Self::IntoIter {
        self.map.into_iter()
    }
}

#[cfg(feature = "serde")]
impl<K, V, S> RecycleMap<K, V, S>
where
    K: Eq + Hash + Poolable + Default,
    V: Poolable + Default,
    S: BuildHasher,
{
    /// Lets `fill` write a spare key and value (or default ones when none is left) and inserts
    /// them (as [`insert_owned`](Self::insert_owned) does) if it returns `Ok(true)`. On
    /// `Ok(false)` (no more entries) or an error, spares are reset and kept, and default ones
    /// dropped (so that the end of a map does not grow the spare lists by one). The key and value
    /// are taken off the spare lists before `fill` runs, so if `fill` panics they are dropped
    /// with the unwind, never kept half-written. Used by the in-place deserializer.
    pub(super) fn insert_fallible<E>(
        &mut self,
        fill: impl FnOnce(&mut K, &mut V) -> Result<bool, E>,
    ) -> Result<bool, E> {
        let fresh = self.spare_keys.is_empty();
        let (mut key, mut value) = self.take_spare();
        match fill(&mut key, &mut value) {
            Ok(true) => {
                self.insert_owned(key, value);
                Ok(true)
            }
            other => {
                if !fresh {
                    self.recycle(key, value);
                }
                other
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spare_lists_stay_the_same_length() {
        let mut m = StringMap::new();
        m.insert("a", "1");
        m.insert_owned("a".into(), "2".into());
        m.insert_owned("b".into(), "3".into());
        assert_eq!(m.spare_keys.len(), m.spare_values.len());
        m.remove("b");
        m.retain(|_, _| false);
        assert_eq!(m.spare_keys.len(), 3);
        assert_eq!(m.spare_values.len(), 3);
        assert!(
            m.spare_keys
                .iter()
                .chain(&m.spare_values)
                .all(String::is_empty)
        );
    }

    #[test]
    fn warm_insert_reuses_buffers() {
        let mut m = StringMap::new();
        m.insert("some-header", "some value that is long");
        let (k, v) = m
            .iter()
            .next()
            .map(|(k, v)| (k.as_ptr(), v.as_ptr()))
            .unwrap();
        m.clear();
        m.insert("other", "short");
        let (k2, v2) = m
            .iter()
            .next()
            .map(|(k, v)| (k.as_ptr(), v.as_ptr()))
            .unwrap();
        assert_eq!((k, v), (k2, v2));
    }

    #[test]
    fn overwrite_keeps_the_stored_key_and_value_buffer() {
        let mut m = StringMap::new();
        m.insert("k", "a long first value");
        let v = m["k"].as_ptr();
        assert!(!m.insert("k", "x"));
        assert_eq!(m["k"].as_ptr(), v);
        assert_eq!(m.spare_len(), 0);
    }

    #[test]
    fn shrink_drops_spares_and_table() {
        let mut m: StringMap = (0..64).map(|i| (i.to_string(), i.to_string())).collect();
        m.clear();
        m.shrink_capacity_to(4);
        assert_eq!(m.spare_len(), 4);
        assert!(m.spare_keys.capacity() <= 4 && m.spare_values.capacity() <= 4);
        assert!(m.capacity() < 64);
    }
}
