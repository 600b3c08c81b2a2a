//! Behaviour of the recycling collections `RecycleVec` and `RecycleMap`: std-like reads, inserts,
//! resets that keep spares, deep `retained_bytes`, `Shrink`, serde, and random operation
//! sequences checked against std models.

use std::collections::HashMap;

use pool_core::{Poolable, RecycleMap, RecycleVec, Shrink, StringMap, deserialize_into};
use proptest::prelude::*;
use serde::{Deserialize, Serialize};

/// A request context as a server would pool it. `Poolable` is written by hand so that these tests
/// do not depend on the derive.
#[derive(Default, Debug, PartialEq, Serialize, Deserialize)]
struct RequestContext {
    method: String,
    headers: StringMap,
    tags: RecycleVec<String>,
    attempts: u32,
}

impl Poolable for RequestContext {
    fn reset(&mut self) {
        self.method.reset();
        self.headers.reset();
        self.tags.reset();
        self.attempts.reset();
    }
    fn retained_bytes(&self) -> usize {
        self.method.retained_bytes()
            + self.headers.retained_bytes()
            + self.tags.retained_bytes()
            + self.attempts.retained_bytes()
    }
}

impl RequestContext {
    /// What `#[poolable(max_capacity = N)]` on both collections does after the reset.
    fn shrink(&mut self, max: usize) {
        self.headers.shrink_capacity_to(max);
        self.tags.shrink_capacity_to(max);
    }
}

fn fill(ctx: &mut RequestContext, n: usize) {
    ctx.method.push_str("GET");
    for i in 0..n {
        ctx.headers
            .insert_with(&format!("x-header-{i}"), |v| v.push_str("some value"));
        ctx.tags.push_from("tag");
    }
    ctx.attempts = 3;
}

#[test]
fn map_reads_like_std() {
    let mut m = StringMap::new();
    assert!(m.insert("host", "example.com"));
    assert!(m.insert("accept", "*/*"));
    assert_eq!(m.len(), 2);
    assert!(!m.is_empty());
    assert_eq!(m.get("host").map(String::as_str), Some("example.com"));
    assert_eq!(m["accept"], "*/*");
    assert!(m.contains_key("host"));
    assert!(!m.contains_key("missing"));
    assert_eq!(m.get("missing"), None);

    let mut keys: Vec<&str> = m.keys().map(String::as_str).collect();
    keys.sort_unstable();
    assert_eq!(keys, ["accept", "host"]);
    let mut values: Vec<&String> = m.values().collect();
    values.sort_unstable();
    assert_eq!(values, ["*/*", "example.com"]);
    assert_eq!((&m).into_iter().count(), 2);
    assert_eq!(m.iter().count(), 2);

    m.get_mut("host").unwrap().push_str(":443");
    assert_eq!(m["host"], "example.com:443");
    for (_, v) in &mut m {
        v.make_ascii_uppercase();
    }
    assert_eq!(m["host"], "EXAMPLE.COM:443");

    let std_map: HashMap<String, String> = m.clone().into();
    assert_eq!(m, std_map);
    assert_eq!(m.clone(), m);
    assert_eq!(format!("{:?}", StringMap::new()), "{}");

    let collected: RecycleMap<String, u32> = [("a".to_string(), 1), ("b".to_string(), 2)]
        .into_iter()
        .collect();
    assert_eq!(collected["b"], 2);
    let mut extended = RecycleMap::<String, u32>::new();
    extended.extend([("a".to_string(), 1), ("a".to_string(), 5)]);
    assert_eq!(extended["a"], 5);
    assert_eq!(extended.spare_len(), 1);
}

#[test]
fn map_insert_overwrite_remove() {
    let mut m = StringMap::new();
    assert!(m.insert("k", "first value"));
    assert!(!m.insert("k", "second"));
    assert_eq!(m["k"], "second");
    assert_eq!(m.len(), 1);
    assert_eq!(m.spare_len(), 0, "an overwrite needs no spare");

    // `insert_with` on a present key sees a reset value.
    m.insert_with("k", |v| {
        assert!(v.is_empty());
        v.push_str("third");
    });
    assert_eq!(m["k"], "third");

    // Keys can be borrowed as `&String` too.
    let owned_key = String::from("k2");
    m.insert(&owned_key, &String::from("v2"));
    assert_eq!(m["k2"], "v2");

    assert!(m.remove("k"));
    assert!(!m.remove("k"));
    assert_eq!(m.spare_len(), 1);
    assert_eq!(
        m.remove_with("k2", |k, v| format!("{k}={v}")).as_deref(),
        Some("k2=v2")
    );
    assert!(m.is_empty());
    assert_eq!(m.spare_len(), 2);

    // Other key and value types.
    let mut bytes: RecycleMap<Vec<u8>, Vec<u8>> = RecycleMap::new();
    bytes.insert(&b"k"[..], &b"v"[..]);
    assert_eq!(bytes[&b"k"[..]], b"v");
    let mut scalars: RecycleMap<u32, u64> = RecycleMap::new();
    scalars.insert(&1, &10);
    scalars.insert(&1, &11);
    assert_eq!(scalars[&1], 11);
}

#[test]
fn map_reset_keeps_spares_and_equals_default() {
    let mut m = StringMap::new();
    m.insert("host", "example.com");
    m.insert("user-agent", "curl/8.0");
    m.reset();
    assert_eq!(m, StringMap::default());
    assert!(m.is_empty());
    assert_eq!(m.spare_len(), 2);
    // A spare never shows the previous user's data.
    m.insert_with("new", |v| assert!(v.is_empty()));
    let key_capacity_kept = m.keys().next().unwrap().capacity();
    assert!(key_capacity_kept >= "user-agent".len().min("host".len()));
    m.retain(|_, _| false);
    assert_eq!(m.spare_len(), 2);
}

#[test]
fn vec_reads_like_std() {
    let mut v: RecycleVec<String> = RecycleVec::new();
    v.push_from("a");
    v.push(String::from("b"));
    v.push_with(|s| s.push('c'));
    assert_eq!(v.len(), 3);
    assert_eq!(v, ["a", "b", "c"]);
    assert_eq!(v[1], "b");
    assert_eq!(v.first().map(String::as_str), Some("a"));
    assert_eq!(v.iter().map(String::len).sum::<usize>(), 3);
    assert_eq!((&v).into_iter().count(), 3);
    for s in &mut v {
        s.push('!');
    }
    v.iter_mut().for_each(|s| s.make_ascii_uppercase());
    assert_eq!(v, ["A!", "B!", "C!"]);
    v.sort_unstable_by(|a, b| b.cmp(a));
    assert_eq!(v, vec!["C!", "B!", "A!"]);
    assert_eq!(format!("{v:?}"), r#"["C!", "B!", "A!"]"#);
    assert_eq!(v.clone(), v);

    let collected: RecycleVec<u32> = (1..=3).collect();
    assert_eq!(collected, [1, 2, 3]);
    let mut extended = RecycleVec::new();
    extended.extend([1u32, 2]);
    assert_eq!(extended, collected[..2]);
    assert_eq!(Vec::from(collected), [1, 2, 3]);
}

#[test]
fn vec_truncate_pop_and_reset_keep_spares() {
    let mut v: RecycleVec<String> = ["one", "two", "three"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    v.truncate(2);
    assert_eq!(v, ["one", "two"]);
    assert_eq!(v.spare_len(), 1);
    assert_eq!(v.pop_with(|s| s.clone()).as_deref(), Some("two"));
    assert_eq!(v.spare_len(), 2);
    assert_eq!(v.pop().as_deref(), Some("one"));
    assert_eq!(v.spare_len(), 2, "an owned pop takes its element away");
    assert_eq!(v.pop(), None);

    v.push_from("x");
    v.reset();
    assert_eq!(v, RecycleVec::default());
    assert_eq!(v.spare_len(), 2);
    for _ in 0..3 {
        v.push_with(|s| assert!(s.is_empty(), "a spare holds stale data: {s:?}"));
    }
}

#[test]
fn retained_bytes_is_deep_and_grows_with_bigger_spares() {
    let mut ctx = RequestContext::default();
    fill(&mut ctx, 4);
    let small = ctx.retained_bytes();
    ctx.reset();
    assert_eq!(ctx, RequestContext::default());
    // The first reset also allocates the map's spare lists.
    assert!(ctx.retained_bytes() > small, "a reset keeps everything");
    let small = ctx.retained_bytes();
    fill(&mut ctx, 4);
    ctx.reset();
    assert_eq!(
        ctx.retained_bytes(),
        small,
        "a warm reuse needs nothing more"
    );
    assert!(small >= 4 * ("x-header-0".len() + "some value".len() + "tag".len()));

    // A spare that grows shows up in the count.
    ctx.headers.insert_with("big", |v| v.reserve(10_000));
    ctx.tags.push_with(|s| s.reserve(5_000));
    ctx.reset();
    assert!(ctx.retained_bytes() >= small + 14_900);

    // A map's count includes its table, spare lists and elements.
    let mut m = StringMap::new();
    let empty = m.retained_bytes();
    assert_eq!(empty, 0);
    m.insert("k", "v");
    assert!(m.retained_bytes() >= m.capacity() * (2 * size_of::<String>() + 1) + 2);
}

#[test]
fn shrink_capacity_drops_spares() {
    let mut ctx = RequestContext::default();
    fill(&mut ctx, 200);
    ctx.reset();
    let before = ctx.retained_bytes();
    ctx.shrink(8);
    assert_eq!(ctx.headers.spare_len(), 8);
    assert_eq!(ctx.tags.spare_len(), 8);
    assert!(ctx.tags.capacity() <= 8);
    assert!(ctx.headers.capacity() <= 16);
    assert!(ctx.retained_bytes() < before / 10);
    // Still usable, and its spares are still clean.
    fill(&mut ctx, 10);
    assert_eq!(ctx.headers.len(), 10);
    assert_eq!(ctx.tags, ["tag"; 10]);
}

#[test]
fn serde_round_trip() {
    let mut ctx = RequestContext::default();
    fill(&mut ctx, 2);
    let json = serde_json::to_string(&ctx).unwrap();
    let back: RequestContext = serde_json::from_str(&json).unwrap();
    assert_eq!(back, ctx);
}

#[test]
fn deserialize_into_replaces_old_contents() {
    let mut m = StringMap::new();
    m.insert("old", "stale");
    let mut de = serde_json::Deserializer::from_str(r#"{"a": "1", "b": "2", "a": "3"}"#);
    deserialize_into(&mut m, &mut de).unwrap();
    assert_eq!(m.len(), 2);
    assert_eq!(m["a"], "3");
    assert!(!m.contains_key("old"));

    let mut v: RecycleVec<String> = vec!["x".into(), "y".into(), "z".into()].into();
    let mut de = serde_json::Deserializer::from_str(r#"["only"]"#);
    deserialize_into(&mut v, &mut de).unwrap();
    assert_eq!(v, ["only"]);
    assert_eq!(v.spare_len(), 2);
    v.push_with(|s| assert!(s.is_empty()));

    // A failed deserialization leaves the spares clean.
    let mut de = serde_json::Deserializer::from_str(r#"["a", 1]"#);
    assert!(deserialize_into(&mut v, &mut de).is_err());
    assert_eq!(v, ["a"]);
    v.reset();
    while v.spare_len() > 0 {
        v.push_with(|s| assert!(s.is_empty()));
    }
    let mut de = serde_json::Deserializer::from_str(r#"{"k": 1}"#);
    assert!(deserialize_into(&mut m, &mut de).is_err());
    m.reset();
    while m.spare_len() > 0 {
        m.insert_with(&format!("{}", m.len()), |s| assert!(s.is_empty()));
    }
}

/// A token whose in-place `Deserialize` validates after writing: it panics on `"secret"`, with
/// the string already written into the element it was given (a user type's check gone wrong).
#[derive(Default, Debug, PartialEq)]
struct Tok(String);

impl Poolable for Tok {
    fn reset(&mut self) {
        self.0.clear();
    }
}

impl<'de> Deserialize<'de> for Tok {
    fn deserialize<D: serde::Deserializer<'de>>(de: D) -> Result<Self, D::Error> {
        let mut tok = Tok::default();
        Self::deserialize_in_place(de, &mut tok)?;
        Ok(tok)
    }

    fn deserialize_in_place<D: serde::Deserializer<'de>>(
        de: D,
        place: &mut Self,
    ) -> Result<(), D::Error> {
        String::deserialize_in_place(de, &mut place.0)?;
        assert_ne!(place.0, "secret", "a token that must not be accepted");
        Ok(())
    }
}

/// Deserializes `json` into `place`, which panics (see [`Tok`]).
fn panicking_deserialize_into<T: for<'de> Deserialize<'de>>(place: &mut T, json: &str) {
    let caught = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let _ = deserialize_into(place, &mut serde_json::Deserializer::from_str(json));
    }));
    assert!(caught.is_err(), "Tok's validation panicked");
}

#[test]
fn a_panic_in_an_elements_in_place_deserialize_leaves_no_stale_spare() {
    // Cold (the element is pushed for the deserializer) and warm (a spare is written into).
    for warm in [false, true] {
        let mut v: RecycleVec<Tok> = RecycleVec::new();
        if warm {
            v.push_with(|t| t.0.push_str("an earlier token"));
            v.reset();
        }
        panicking_deserialize_into(&mut v, r#"["public", "secret"]"#);
        v.reset();
        // Every element handed out next is fresh: none shows the half-read "secret".
        for _ in 0..3 {
            v.push_with(|t| t.0.push('x'));
        }
        assert_eq!(v, [Tok("x".into()), Tok("x".into()), Tok("x".into())]);
    }
}

#[test]
fn a_panic_in_a_values_in_place_deserialize_leaves_no_stale_spare() {
    for warm in [false, true] {
        let mut m: RecycleMap<String, Tok> = RecycleMap::new();
        if warm {
            m.insert_with("k", |t| t.0.push_str("an earlier token"));
            m.reset();
        }
        panicking_deserialize_into(&mut m, r#"{"a": "public", "b": "secret"}"#);
        m.reset();
        for key in ["a", "b", "c"] {
            m.insert_with(key, |t| t.0.push('x'));
        }
        assert!(m.values().all(|t| t.0 == "x"), "{m:?}");
    }
}

/// serde_derive's `deserialize_in_place` feature (turned on by the root dev-dependencies) gives a
/// derived struct a field-wise in-place `Deserialize`: the collections inside are filled in place.
#[test]
fn derived_struct_deserializes_in_place() {
    let mut ctx = RequestContext::default();
    let json =
        r#"{"method":"POST","headers":{"host":"example.com"},"tags":["a","b"],"attempts":1}"#;
    deserialize_into(&mut ctx, &mut serde_json::Deserializer::from_str(json)).unwrap();
    assert_eq!(ctx.headers["host"], "example.com");
    let tag_ptr = ctx.tags[0].as_ptr();
    let json = r#"{"method":"GET","headers":{"te":"gzip"},"tags":["c"],"attempts":2}"#;
    deserialize_into(&mut ctx, &mut serde_json::Deserializer::from_str(json)).unwrap();
    assert_eq!(ctx.method, "GET");
    assert_eq!(ctx.headers.len(), 1);
    assert_eq!(ctx.headers["te"], "gzip");
    assert_eq!(ctx.tags, ["c"]);
    assert_eq!(ctx.tags.spare_len(), 1);
    // A whole-value `deserialize` would build new Strings while the old ones are still alive, so
    // an unchanged address shows the tag was written into the old one.
    assert_eq!(ctx.tags[0].as_ptr(), tag_ptr);
}

/// One operation on a map, over a small key space so that keys repeat.
#[derive(Debug, Clone)]
enum MapOp {
    Insert(u8, String),
    InsertWith(u8, String),
    InsertOwned(u8, String),
    Remove(u8),
    RemoveWith(u8),
    RetainEven,
    Clear,
    Shrink(u8),
}

fn map_op() -> impl Strategy<Value = MapOp> {
    let key = 0u8..12;
    let value = "[a-z]{0,24}";
    prop_oneof![
        4 => (key.clone(), value).prop_map(|(k, v)| MapOp::Insert(k, v)),
        2 => (key.clone(), value).prop_map(|(k, v)| MapOp::InsertWith(k, v)),
        1 => (key.clone(), value).prop_map(|(k, v)| MapOp::InsertOwned(k, v)),
        2 => key.clone().prop_map(MapOp::Remove),
        1 => key.prop_map(MapOp::RemoveWith),
        1 => Just(MapOp::RetainEven),
        1 => Just(MapOp::Clear),
        1 => (0u8..8).prop_map(MapOp::Shrink),
    ]
}

fn key_name(k: u8) -> String {
    // Keys of different lengths, so spare keys get reused for longer and shorter names.
    format!("key-{}-{}", k, "x".repeat(usize::from(k)))
}

/// One operation on a vector.
#[derive(Debug, Clone)]
enum VecOp {
    PushFrom(String),
    PushWith(String),
    Push(String),
    Pop,
    PopWith,
    Truncate(usize),
    Clear,
    Shrink(u8),
    Set(usize, String),
}

fn vec_op() -> impl Strategy<Value = VecOp> {
    let s = "[a-z]{0,24}";
    prop_oneof![
        4 => s.prop_map(VecOp::PushFrom),
        2 => s.prop_map(VecOp::PushWith),
        1 => s.prop_map(VecOp::Push),
        1 => Just(VecOp::Pop),
        1 => Just(VecOp::PopWith),
        1 => (0usize..12).prop_map(VecOp::Truncate),
        1 => Just(VecOp::Clear),
        1 => (0u8..8).prop_map(VecOp::Shrink),
        1 => (0usize..12, s).prop_map(|(i, v)| VecOp::Set(i, v)),
    ]
}

proptest! {
    #[test]
    #[cfg_attr(
        miri,
        ignore = "proptest reads the working directory, which miri's isolation refuses"
    )]
    fn map_matches_std_model(ops in prop::collection::vec(map_op(), 0..120)) {
        let mut map = StringMap::new();
        let mut model: HashMap<String, String> = HashMap::new();
        for op in ops {
            match op {
                MapOp::Insert(k, v) => {
                    let new = map.insert(key_name(k).as_str(), v.as_str());
                    prop_assert_eq!(new, model.insert(key_name(k), v).is_none());
                }
                MapOp::InsertWith(k, v) => {
                    map.insert_with(key_name(k).as_str(), |slot| {
                        assert!(slot.is_empty(), "insert_with saw stale data: {slot:?}");
                        slot.push_str(&v);
                    });
                    model.insert(key_name(k), v);
                }
                MapOp::InsertOwned(k, v) => {
                    let new = map.insert_owned(key_name(k), v.clone());
                    prop_assert_eq!(new, model.insert(key_name(k), v).is_none());
                }
                MapOp::Remove(k) => {
                    prop_assert_eq!(map.remove(key_name(k).as_str()), model.remove(&key_name(k)).is_some());
                }
                MapOp::RemoveWith(k) => {
                    let got = map.remove_with(key_name(k).as_str(), |_, v| v.clone());
                    prop_assert_eq!(got, model.remove(&key_name(k)));
                }
                MapOp::RetainEven => {
                    map.retain(|_, v| v.len() % 2 == 0);
                    model.retain(|_, v| v.len() % 2 == 0);
                }
                MapOp::Clear => {
                    map.clear();
                    model.clear();
                }
                MapOp::Shrink(n) => map.shrink_capacity_to(usize::from(n)),
            }
            prop_assert_eq!(&map, &model);
            prop_assert_eq!(map.len(), model.len());
            for k in 0..12 {
                prop_assert_eq!(map.get(key_name(k).as_str()), model.get(&key_name(k)));
            }
        }
        map.reset();
        prop_assert_eq!(&map, &StringMap::default());
        // No stale data is readable: every spare is handed out empty.
        let spares = map.spare_len();
        for i in 0..spares {
            map.insert_with(format!("fresh-{i}").as_str(), |v| assert!(v.is_empty()));
        }
        prop_assert_eq!(map.spare_len(), 0);
        for (k, v) in &map {
            prop_assert!(k.starts_with("fresh-") && v.is_empty());
        }
    }

    #[test]
    #[cfg_attr(
        miri,
        ignore = "proptest reads the working directory, which miri's isolation refuses"
    )]
    fn vec_matches_std_model(ops in prop::collection::vec(vec_op(), 0..120)) {
        let mut vec: RecycleVec<String> = RecycleVec::new();
        let mut model: Vec<String> = Vec::new();
        for op in ops {
            match op {
                VecOp::PushFrom(s) => {
                    vec.push_from(s.as_str());
                    model.push(s);
                }
                VecOp::PushWith(s) => {
                    vec.push_with(|slot| {
                        assert!(slot.is_empty(), "push_with saw stale data: {slot:?}");
                        slot.push_str(&s);
                    });
                    model.push(s);
                }
                VecOp::Push(s) => {
                    vec.push(s.clone());
                    model.push(s);
                }
                VecOp::Pop => prop_assert_eq!(vec.pop(), model.pop()),
                VecOp::PopWith => prop_assert_eq!(vec.pop_with(|s| s.clone()), model.pop()),
                VecOp::Truncate(n) => {
                    vec.truncate(n);
                    model.truncate(n);
                }
                VecOp::Clear => {
                    vec.clear();
                    model.clear();
                }
                VecOp::Shrink(n) => vec.shrink_capacity_to(usize::from(n)),
                VecOp::Set(i, s) => {
                    if let Some(slot) = vec.get_mut(i) {
                        *slot = s.clone();
                        model[i] = s;
                    }
                }
            }
            prop_assert_eq!(&vec, &model);
            prop_assert_eq!(vec.len(), model.len());
        }
        vec.reset();
        prop_assert_eq!(&vec, &RecycleVec::<String>::default());
        for _ in 0..vec.spare_len() {
            vec.push_with(|s| assert!(s.is_empty()));
        }
        prop_assert!(vec.iter().all(String::is_empty));
    }
}
