//! `Serialize` / `Deserialize` for the recycling collections (feature `serde`), with in-place
//! deserialization that fills spares from borrowed strings and bytes.
//!
//! Serde's `Deserialize::deserialize_in_place` (public, hidden from its docs) deserializes into
//! an existing value. `String` and `Vec` implement it by reusing their buffers, and the
//! collections here implement it by first resetting themselves (every element becomes a spare),
//! then filling a spare per element in place. [`deserialize_into`] is the documented entry point.

use core::fmt;
use core::hash::{BuildHasher, Hash};

use ::serde::Deserialize;
use ::serde::de::{DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use ::serde::ser::{Serialize, Serializer};

use super::{RecycleMap, RecycleVec};
use crate::Poolable;

/// Deserializes into an existing value, reusing its allocations: a warm [`RecycleVec`] or
/// [`RecycleMap`] of strings (or of anything whose `Deserialize` works in place) deserialized from
/// borrowed data allocates nothing.
///
/// It calls serde's `Deserialize::deserialize_in_place`. For `String`, `Vec`, [`RecycleVec`] and
/// [`RecycleMap`] that reuses `place`'s buffers; other types fall back to a plain `deserialize`
/// and assignment. A struct with `#[derive(Deserialize)]` gets a field-wise in-place
/// implementation when serde_derive's `deserialize_in_place` feature is on: add
/// `serde_derive = { version = "1", features = ["deserialize_in_place"] }` to your dependencies.
///
/// The collections reset themselves first, so afterwards they hold exactly the deserialized
/// elements; a map with a repeated key keeps the last value, like `HashMap`.
///
/// # Errors
///
/// The deserializer's error. `place` is then left valid but partly filled (a collection holds the
/// elements read before the error), like serde's own in-place implementations; reset it before
/// reuse.
///
/// # Panics
///
/// If an element's `Deserialize` panics, so does this; the element it was writing is dropped
/// (a spare it wrote into is not kept), and the collection holds the elements read before.
///
/// ```
/// use pool_core::{deserialize_into, StringMap};
///
/// let mut headers = StringMap::new();
/// let mut de = serde_json::Deserializer::from_str(r#"{"host": "example.com"}"#);
/// deserialize_into(&mut headers, &mut de)?;
/// assert_eq!(headers["host"], "example.com");
///
/// // The second time, the key and value Strings of the first are reused.
/// let mut de = serde_json::Deserializer::from_str(r#"{"te": "gzip"}"#);
/// deserialize_into(&mut headers, &mut de)?;
/// assert_eq!(headers.len(), 1);
/// assert_eq!(headers["te"], "gzip");
/// # Ok::<(), serde_json::Error>(())
/// ```
#[cfg_attr(docsrs, doc(cfg(feature = "serde")))]
pub fn deserialize_into<'de, T, D>(place: &mut T, deserializer: D) -> Result<(), D::Error>
where
    T: Deserialize<'de>,
    D: Deserializer<'de>,
{
    T::deserialize_in_place(deserializer, place)
}

/// A seed that deserializes in place into the value it borrows (serde's own is private).
struct InPlace<'a, T>(&'a mut T);

impl<'de, T: Deserialize<'de>> DeserializeSeed<'de> for InPlace<'_, T> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        T::deserialize_in_place(deserializer, self.0)
    }
}

/// How many elements to reserve room for from a size hint, bounded like serde's own
/// (at most 1 MiB worth), so that a hostile length cannot reserve unbounded memory.
fn cautious<T>(hint: Option<usize>) -> usize {
    const MAX_BYTES: usize = 1024 * 1024;
    hint.unwrap_or(0)
        .min(MAX_BYTES / core::mem::size_of::<T>().max(1))
}

/// A sequence of the live elements.
///
/// ```
/// let v: pool_core::RecycleVec<String> = vec!["a".to_string(), "b".to_string()].into();
/// assert_eq!(serde_json::to_string(&v)?, r#"["a","b"]"#);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[cfg_attr(docsrs, doc(cfg(feature = "serde")))]
impl<T: Serialize> Serialize for RecycleVec<T> {
    fn serialize<Ser: Serializer>(&self, serializer: Ser) -> Result<Ser::Ok, Ser::Error> {
        serializer.collect_seq(self.iter())
    }
}

/// From a sequence. `deserialize_in_place` (see [`deserialize_into`]) resets the vector, then
/// fills spares in place.
///
/// ```
/// let v: pool_core::RecycleVec<u32> = serde_json::from_str("[1, 2, 3]")?;
/// assert_eq!(v, [1, 2, 3]);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[cfg_attr(docsrs, doc(cfg(feature = "serde")))]
impl<'de, T> Deserialize<'de> for RecycleVec<T>
where
    T: Deserialize<'de> + Poolable + Default,
{
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let mut v = Self::new();
        Self::deserialize_in_place(deserializer, &mut v)?;
        Ok(v)
    }

    fn deserialize_in_place<D: Deserializer<'de>>(
        deserializer: D,
        place: &mut Self,
    ) -> Result<(), D::Error> {
        deserializer.deserialize_seq(VecInPlace(place))
    }
}

/// Visits a sequence into a [`RecycleVec`].
struct VecInPlace<'a, T>(&'a mut RecycleVec<T>);

impl<'de, T> Visitor<'de> for VecInPlace<'_, T>
where
    T: Deserialize<'de> + Poolable + Default,
{
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a sequence")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let v = self.0;
        v.clear();
        v.reserve_total(cautious::<T>(seq.size_hint()));
        while v
            .push_fallible(|slot| seq.next_element_seed(InPlace(slot)))?
            .is_some()
        {}
        Ok(())
    }
}

/// A map of the entries.
///
/// ```
/// let mut m = pool_core::StringMap::new();
/// m.insert("a", "1");
/// assert_eq!(serde_json::to_string(&m)?, r#"{"a":"1"}"#);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[cfg_attr(docsrs, doc(cfg(feature = "serde")))]
impl<K: Serialize, V: Serialize, S> Serialize for RecycleMap<K, V, S> {
    fn serialize<Ser: Serializer>(&self, serializer: Ser) -> Result<Ser::Ok, Ser::Error> {
        serializer.collect_map(self.iter())
    }
}

/// From a map; a repeated key keeps the last value. `deserialize_in_place` (see
/// [`deserialize_into`]) resets the map, then fills spare keys and values in place.
///
/// ```
/// let m: pool_core::StringMap = serde_json::from_str(r#"{"a": "1", "b": "2"}"#)?;
/// assert_eq!(m["b"], "2");
/// # Ok::<(), serde_json::Error>(())
/// ```
#[cfg_attr(docsrs, doc(cfg(feature = "serde")))]
impl<'de, K, V, S> Deserialize<'de> for RecycleMap<K, V, S>
where
    K: Deserialize<'de> + Eq + Hash + Poolable + Default,
    V: Deserialize<'de> + Poolable + Default,
    S: BuildHasher + Default,
{
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let mut m = Self::default();
        Self::deserialize_in_place(deserializer, &mut m)?;
        Ok(m)
    }

    fn deserialize_in_place<D: Deserializer<'de>>(
        deserializer: D,
        place: &mut Self,
    ) -> Result<(), D::Error> {
        deserializer.deserialize_map(MapInPlace(place))
    }
}

/// Visits a map into a [`RecycleMap`].
struct MapInPlace<'a, K, V, S>(&'a mut RecycleMap<K, V, S>);

impl<'de, K, V, S> Visitor<'de> for MapInPlace<'_, K, V, S>
where
    K: Deserialize<'de> + Eq + Hash + Poolable + Default,
    V: Deserialize<'de> + Poolable + Default,
    S: BuildHasher,
{
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a map")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<(), A::Error> {
        let m = self.0;
        m.clear();
        let wanted = cautious::<(K, V)>(access.size_hint());
        m.reserve(wanted.saturating_sub(m.len()));
        while m.insert_fallible(|key, value| {
            if access.next_key_seed(InPlace(key))?.is_none() {
                return Ok(false);
            }
            access.next_value_seed(InPlace(value))?;
            Ok(true)
        })? {}
        Ok(())
    }
}
