//! Integration tests of pool-core's `Poolable` and `Shrink` impls for third-party types (the
//! features `http`, `indexmap`, `smallvec`, `hashbrown`, `arrayvec`, `compact_str`, `bytes`,
//! `serde_json`, `uuid`, `chrono`): each value is filled beyond its first allocation, reset,
//! compared with a fresh one, and checked for the capacity and `retained_bytes` its impl's doc
//! promises.

use std::hash::{BuildHasherDefault, DefaultHasher};
use std::mem::size_of;

use arrayvec::{ArrayString, ArrayVec};
use compact_str::CompactString;
use http::header::{ACCEPT, HOST};
use http::{Extensions, HeaderMap, HeaderName, HeaderValue, Method, StatusCode, Uri, Version};
use indexmap::{IndexMap, IndexSet};
use pool_core::{Poolable, Shrink};
use proptest::prelude::*;
use smallvec::SmallVec;

/// A hasher other than the crates' defaults, to show the impls take any `S`.
type OtherHasher = BuildHasherDefault<DefaultHasher>;

// ------------------------------------------------------------------------------------------------
// http
// ------------------------------------------------------------------------------------------------

/// What the `HeaderMap<T>` impl documents as its estimate.
fn header_map_estimate<T>(capacity: usize) -> usize {
    capacity * (size_of::<HeaderName>() + size_of::<T>() + 4 * size_of::<usize>())
}

/// A map with `n` distinct names and a repeated `accept`.
fn headers(n: usize) -> HeaderMap {
    let mut map = HeaderMap::new();
    for i in 0..n {
        let name = HeaderName::try_from(format!("x-header-{i}")).unwrap();
        map.insert(name, HeaderValue::from(i));
    }
    map.append(ACCEPT, HeaderValue::from_static("text/html"));
    map.append(ACCEPT, HeaderValue::from_static("application/json"));
    map
}

#[test]
fn header_map_is_cleared_and_keeps_its_table() {
    let fresh = HeaderMap::<HeaderValue>::new();
    assert_eq!((fresh.capacity(), fresh.retained_bytes()), (0, 0));

    let mut map = headers(100);
    let cap = map.capacity();
    assert!(cap >= 101);
    assert_eq!(
        map.retained_bytes(),
        header_map_estimate::<HeaderValue>(cap)
    );
    map.reset();
    assert_eq!(map, fresh);
    assert!(map.get(ACCEPT).is_none() && map.get("x-header-7").is_none());
    assert_eq!(map.capacity(), cap, "the table is kept");
    assert_eq!(
        map.retained_bytes(),
        header_map_estimate::<HeaderValue>(cap)
    );
    // The estimate is not below what the entries alone must take.
    assert!(map.retained_bytes() >= cap * (size_of::<HeaderName>() + size_of::<HeaderValue>()));
}

#[test]
fn header_map_of_another_value_type_resets_too() {
    let mut map: HeaderMap<Vec<u8>> = HeaderMap::with_capacity(40);
    map.insert(HOST, b"example.com".to_vec());
    let cap = map.capacity();
    map.reset();
    assert!(map.is_empty());
    assert_eq!(map.capacity(), cap);
    assert_eq!(map.retained_bytes(), header_map_estimate::<Vec<u8>>(cap));
}

#[test]
fn header_map_shrinks_after_reset() {
    let mut map = headers(200);
    map.reset();
    map.shrink_capacity_to(1000);
    assert!(map.capacity() >= 200, "no shrink below the limit");
    map.shrink_capacity_to(10);
    assert!(map.capacity() <= 10, "capacity {}", map.capacity());
    map.shrink_capacity_to(0);
    assert_eq!((map.capacity(), map.retained_bytes()), (0, 0));
}

#[test]
fn header_map_shrink_keeps_every_entry_and_repeated_value() {
    let mut map = headers(30);
    let before = map.clone();
    map.reserve(500);
    assert!(map.capacity() > 500);
    map.shrink_capacity_to(64);
    assert!(map.capacity() <= 64, "capacity {}", map.capacity());
    assert_eq!(map, before);
    let accept: Vec<_> = map.get_all(ACCEPT).iter().collect();
    assert_eq!(accept, ["text/html", "application/json"]);
    // A limit below the number of names stops at the smallest map that holds them.
    map.shrink_capacity_to(4);
    assert!(map.capacity() >= map.keys_len());
    assert_eq!(map, before);
}

#[test]
fn extensions_are_cleared() {
    #[derive(Clone, Debug, PartialEq)]
    struct RequestId(u64);

    let mut ext = Extensions::new();
    ext.insert(RequestId(7));
    ext.insert(String::from("tenant-a"));
    ext.insert(5u32);
    assert_eq!(ext.len(), 3);
    ext.reset();
    assert!(ext.is_empty());
    assert_eq!(ext.len(), 0);
    assert!(ext.get::<RequestId>().is_none());
    assert!(ext.get::<String>().is_none());
    assert!(ext.get::<u32>().is_none());
    assert_eq!(
        ext.retained_bytes(),
        0,
        "http hides the map: documented as 0"
    );
    ext.insert(RequestId(8));
    assert_eq!(ext.get::<RequestId>(), Some(&RequestId(8)));
}

#[test]
fn http_scalars_reset_to_their_defaults() {
    let mut method = Method::from_bytes(b"PROPFIND-WITH-A-LONG-EXTENSION-NAME").unwrap();
    let mut uri: Uri = "https://example.com:8443/api/v1/users?page=2"
        .parse()
        .unwrap();
    let mut version = Version::HTTP_2;
    let mut status = StatusCode::SERVICE_UNAVAILABLE;
    method.reset();
    uri.reset();
    version.reset();
    status.reset();
    assert_eq!(method, Method::default());
    assert_eq!(method, Method::GET);
    assert_eq!(uri, Uri::default());
    assert_eq!(uri, "/");
    assert_eq!(version, Version::HTTP_11);
    assert_eq!(status, StatusCode::OK);
    let retained = method.retained_bytes()
        + uri.retained_bytes()
        + version.retained_bytes()
        + status.retained_bytes();
    assert_eq!(retained, 0);
}

// ------------------------------------------------------------------------------------------------
// indexmap
// ------------------------------------------------------------------------------------------------

fn index_map_estimate<K, V>(capacity: usize) -> usize {
    capacity * (size_of::<(K, V)>() + 2 * size_of::<usize>() + 1)
}

#[test]
fn index_map_is_cleared_and_keeps_capacity() {
    let mut map: IndexMap<String, String> = IndexMap::new();
    assert_eq!(map.retained_bytes(), 0);
    for i in 0..100 {
        map.insert(format!("key-{i}"), format!("value-{i}"));
    }
    let cap = map.capacity();
    assert_eq!(
        map.retained_bytes(),
        index_map_estimate::<String, String>(cap)
    );
    map.reset();
    assert_eq!(map, IndexMap::<String, String>::new());
    assert_eq!(map.capacity(), cap);
    assert_eq!(
        map.retained_bytes(),
        index_map_estimate::<String, String>(cap)
    );
    map.shrink_capacity_to(10);
    assert!(map.capacity() <= 10);
}

#[test]
fn index_map_with_another_hasher() {
    let mut map: IndexMap<u32, u64, OtherHasher> = IndexMap::default();
    map.extend((0..50).map(|i| (i, u64::from(i) * 3)));
    let cap = map.capacity();
    map.reset();
    assert!(map.is_empty() && map.get(&3).is_none());
    assert_eq!(map.capacity(), cap);
    map.insert(1, 1);
    assert_eq!(map.get_index(0), Some((&1, &1)), "the order starts over");
}

#[test]
fn index_set_is_cleared_and_keeps_capacity() {
    let mut set: IndexSet<u64, OtherHasher> = IndexSet::default();
    set.extend(0..100);
    let cap = set.capacity();
    set.reset();
    assert_eq!(set, IndexSet::<u64, OtherHasher>::default());
    assert_eq!(set.capacity(), cap);
    assert_eq!(set.retained_bytes(), cap * (8 + 2 * size_of::<usize>() + 1));
    set.shrink_capacity_to(16);
    assert!(set.capacity() <= 16);
    set.extend(0..40);
    set.shrink_capacity_to(16);
    assert_eq!(set.len(), 40, "never below the length");
}

#[derive(Debug, Clone)]
enum MapOp {
    Insert(u8, String),
    SwapRemove(u8),
    ShiftRemove(u8),
    Reserve(u8),
    ShrinkToFit,
    Clear,
}

fn map_op() -> impl Strategy<Value = MapOp> {
    prop_oneof![
        4 => (any::<u8>(), "[a-z]{0,12}").prop_map(|(k, v)| MapOp::Insert(k, v)),
        1 => any::<u8>().prop_map(MapOp::SwapRemove),
        1 => any::<u8>().prop_map(MapOp::ShiftRemove),
        1 => any::<u8>().prop_map(MapOp::Reserve),
        1 => Just(MapOp::ShrinkToFit),
        1 => Just(MapOp::Clear),
    ]
}

proptest! {
    #[test]
    fn index_map_any_ops_then_reset_is_fresh(ops in proptest::collection::vec(map_op(), 0..200)) {
        let mut map: IndexMap<u8, String> = IndexMap::new();
        for op in ops {
            match op {
                MapOp::Insert(k, v) => { map.insert(k, v); }
                MapOp::SwapRemove(k) => { map.swap_remove(&k); }
                MapOp::ShiftRemove(k) => { map.shift_remove(&k); }
                MapOp::Reserve(n) => map.reserve(usize::from(n)),
                MapOp::ShrinkToFit => map.shrink_to_fit(),
                MapOp::Clear => map.clear(),
            }
        }
        let cap = map.capacity();
        map.reset();
        prop_assert_eq!(&map, &IndexMap::<u8, String>::new());
        prop_assert_eq!(map.capacity(), cap);
        prop_assert_eq!(map.retained_bytes(), index_map_estimate::<u8, String>(cap));
    }
}

// ------------------------------------------------------------------------------------------------
// smallvec
// ------------------------------------------------------------------------------------------------

#[test]
fn inline_small_vec_retains_nothing() {
    let mut v: SmallVec<[u32; 4]> = SmallVec::new();
    v.extend([1, 2, 3]);
    assert!(!v.spilled());
    assert_eq!(v.retained_bytes(), 0);
    v.reset();
    assert_eq!(v, SmallVec::<[u32; 4]>::new());
    assert!(!v.spilled());
    assert_eq!((v.capacity(), v.retained_bytes()), (4, 0));
}

#[test]
fn spilled_small_vec_keeps_its_heap_buffer() {
    let mut v: SmallVec<[u32; 4]> = SmallVec::new();
    v.extend(0..100);
    assert!(v.spilled());
    let (cap, ptr) = (v.capacity(), v.as_ptr());
    assert_eq!(v.retained_bytes(), cap * 4);
    v.reset();
    assert!(v.is_empty());
    assert_eq!(v, SmallVec::<[u32; 4]>::new());
    assert!(v.spilled(), "a spilled vector stays on its buffer");
    assert_eq!((v.capacity(), v.as_ptr()), (cap, ptr));
    assert_eq!(v.retained_bytes(), cap * 4);
}

#[test]
fn small_vec_shrinks_and_moves_back_inline() {
    let mut v: SmallVec<[String; 2]> = SmallVec::with_capacity(64);
    v.push("one".into());
    v.reset();
    v.shrink_capacity_to(100);
    assert_eq!(v.capacity(), 64, "below the limit: untouched");
    v.shrink_capacity_to(10);
    assert!(v.spilled() && v.capacity() <= 10);
    v.shrink_capacity_to(1);
    assert!(!v.spilled(), "fits inline again");
    assert_eq!(v.retained_bytes(), 0);
    // Never below the length.
    let mut w: SmallVec<[u8; 4]> = (0..50).collect();
    w.shrink_capacity_to(8);
    assert!(w.capacity() >= 50);
    assert_eq!(w.as_slice(), (0..50).collect::<Vec<u8>>());
}

#[derive(Debug, Clone)]
enum VecOp {
    Push(u16),
    Pop,
    Insert(usize, u16),
    Truncate(usize),
    Extend(u8),
    Reserve(u8),
    ShrinkToFit,
    Clear,
}

fn vec_op() -> impl Strategy<Value = VecOp> {
    prop_oneof![
        4 => any::<u16>().prop_map(VecOp::Push),
        1 => Just(VecOp::Pop),
        1 => (any::<usize>(), any::<u16>()).prop_map(|(i, x)| VecOp::Insert(i, x)),
        1 => (0..20usize).prop_map(VecOp::Truncate),
        1 => any::<u8>().prop_map(VecOp::Extend),
        1 => any::<u8>().prop_map(VecOp::Reserve),
        1 => Just(VecOp::ShrinkToFit),
        1 => Just(VecOp::Clear),
    ]
}

proptest! {
    #[test]
    fn small_vec_any_ops_then_reset_is_fresh(ops in proptest::collection::vec(vec_op(), 0..100)) {
        let mut v: SmallVec<[u16; 8]> = SmallVec::new();
        for op in ops {
            match op {
                VecOp::Push(x) => v.push(x),
                VecOp::Pop => { v.pop(); }
                VecOp::Insert(i, x) => { let i = i % (v.len() + 1); v.insert(i, x); }
                VecOp::Truncate(n) => v.truncate(n),
                VecOp::Extend(n) => v.extend(0..u16::from(n)),
                VecOp::Reserve(n) => v.reserve(usize::from(n)),
                VecOp::ShrinkToFit => v.shrink_to_fit(),
                VecOp::Clear => v.clear(),
            }
        }
        let (cap, spilled) = (v.capacity(), v.spilled());
        v.reset();
        prop_assert_eq!(&v, &SmallVec::<[u16; 8]>::new());
        prop_assert_eq!((v.capacity(), v.spilled()), (cap, spilled));
        prop_assert_eq!(v.retained_bytes(), if spilled { cap * 2 } else { 0 });
    }
}

// ------------------------------------------------------------------------------------------------
// hashbrown
// ------------------------------------------------------------------------------------------------

#[test]
fn hashbrown_map_is_cleared_and_keeps_its_table() {
    let mut map: hashbrown::HashMap<String, String> = hashbrown::HashMap::new();
    assert_eq!(map.retained_bytes(), 0);
    for i in 0..100 {
        map.insert(format!("k{i}"), format!("v{i}"));
    }
    let cap = map.capacity();
    map.reset();
    assert_eq!(map, hashbrown::HashMap::new());
    assert_eq!(map.capacity(), cap);
    assert_eq!(
        map.retained_bytes(),
        cap * (size_of::<(String, String)>() + 1)
    );
    map.shrink_capacity_to(10);
    assert!(map.capacity() <= 10);
}

#[test]
fn hashbrown_set_with_another_hasher() {
    let mut set: hashbrown::HashSet<u32, OtherHasher> = hashbrown::HashSet::default();
    set.extend(0..300);
    let cap = set.capacity();
    set.reset();
    assert!(set.is_empty() && !set.contains(&3));
    assert_eq!(set.capacity(), cap);
    assert_eq!(set.retained_bytes(), cap * 5);
    set.shrink_capacity_to(100);
    assert!(set.capacity() <= 100);
}

// ------------------------------------------------------------------------------------------------
// arrayvec
// ------------------------------------------------------------------------------------------------

#[test]
fn array_vec_and_string_are_cleared_inline() {
    let mut v: ArrayVec<String, 8> = ArrayVec::new();
    for i in 0..8 {
        v.push(format!("item-{i}"));
    }
    assert!(v.is_full());
    v.reset();
    assert_eq!(v, ArrayVec::<String, 8>::new());
    assert_eq!((v.capacity(), v.retained_bytes()), (8, 0));

    let mut s: ArrayString<32> = ArrayString::from("GET /index.html HTTP/1.1").unwrap();
    s.reset();
    assert_eq!(s, ArrayString::<32>::new());
    assert_eq!(s.retained_bytes(), 0);
}

// ------------------------------------------------------------------------------------------------
// compact_str
// ------------------------------------------------------------------------------------------------

#[test]
fn inline_compact_string_retains_nothing() {
    let mut s = CompactString::new("short");
    assert!(!s.is_heap_allocated());
    assert_eq!(s.retained_bytes(), 0);
    s.reset();
    assert_eq!(s, CompactString::default());
    assert_eq!(s.retained_bytes(), 0);

    let mut st = CompactString::const_new("a static string, longer than what fits inline");
    st.reset();
    assert_eq!(st, CompactString::default());
    assert_eq!(st.retained_bytes(), 0);
}

#[test]
fn heap_compact_string_keeps_its_buffer_and_shrinks() {
    let mut s = CompactString::default();
    for _ in 0..20 {
        s.push_str("0123456789");
    }
    assert!(s.is_heap_allocated());
    let cap = s.capacity();
    assert_eq!(s.retained_bytes(), cap);
    s.reset();
    assert_eq!(s, CompactString::default());
    assert!(s.is_heap_allocated());
    assert_eq!((s.capacity(), s.retained_bytes()), (cap, cap));
    s.shrink_capacity_to(100);
    assert!(s.capacity() <= 100 && s.retained_bytes() <= 100);
    s.shrink_capacity_to(4);
    assert!(!s.is_heap_allocated(), "an empty string moves inline");
    assert_eq!(s.retained_bytes(), 0);
}

// ------------------------------------------------------------------------------------------------
// bytes
// ------------------------------------------------------------------------------------------------

#[test]
fn bytes_resets_to_empty_and_retains_nothing() {
    let mut b = bytes::Bytes::from(vec![7u8; 4096]);
    let shared = b.clone();
    assert_eq!(b.retained_bytes(), 0);
    b.reset();
    assert_eq!(b, bytes::Bytes::new());
    assert_eq!(b.retained_bytes(), 0);
    assert_eq!(shared.len(), 4096, "other handles are untouched");
}

#[test]
fn bytes_mut_is_cleared_and_keeps_its_buffer() {
    let mut b = bytes::BytesMut::with_capacity(16);
    b.extend_from_slice(&[1; 1000]);
    let cap = b.capacity();
    b.reset();
    assert_eq!(b, bytes::BytesMut::new());
    assert_eq!((b.capacity(), b.retained_bytes()), (cap, cap));
}

// ------------------------------------------------------------------------------------------------
// serde_json
// ------------------------------------------------------------------------------------------------

#[test]
fn json_value_resets_to_null() {
    let mut v = serde_json::json!({"user": {"id": 7, "tags": ["a", "b"]}, "ok": true});
    v.reset();
    assert_eq!(v, serde_json::Value::Null);
    assert_eq!(v, serde_json::Value::default());
    assert_eq!(v.retained_bytes(), 0);
}

#[test]
fn json_map_is_cleared() {
    let mut m = serde_json::Map::new();
    for i in 0..50 {
        m.insert(format!("field{i}"), serde_json::json!([i, i + 1]));
    }
    m.reset();
    assert_eq!(m, serde_json::Map::new());
    assert!(m.get("field3").is_none());
    assert_eq!(m.retained_bytes(), 0);
}

// ------------------------------------------------------------------------------------------------
// uuid, chrono
// ------------------------------------------------------------------------------------------------

#[test]
fn uuid_resets_to_nil() {
    let mut id = uuid::Uuid::from_u128(0x67e5_5044_10b1_426f_9247_bb68_0e5f_e0c8);
    id.reset();
    assert!(id.is_nil());
    assert_eq!(id, uuid::Uuid::default());
    assert_eq!(id.retained_bytes(), 0);
}

#[test]
fn chrono_values_reset_to_their_defaults() {
    use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, TimeDelta, Utc};

    let mut at: DateTime<Utc> = DateTime::from_timestamp(1_700_000_000, 123).unwrap();
    let mut local_at: DateTime<FixedOffset> =
        at.with_timezone(&FixedOffset::east_opt(3600).unwrap());
    let mut date = NaiveDate::from_ymd_opt(2024, 2, 29).unwrap();
    let mut time = NaiveTime::from_hms_milli_opt(13, 37, 5, 250).unwrap();
    let mut date_time: NaiveDateTime = date.and_time(time);
    let mut elapsed = TimeDelta::try_milliseconds(90_500).unwrap();

    at.reset();
    local_at.reset();
    date.reset();
    time.reset();
    date_time.reset();
    elapsed.reset();

    assert_eq!(at, DateTime::<Utc>::default());
    assert_eq!(at, DateTime::UNIX_EPOCH);
    assert_eq!(local_at, DateTime::<FixedOffset>::default());
    assert_eq!(date, NaiveDate::default());
    assert_eq!(time, NaiveTime::default());
    assert_eq!(date_time, NaiveDateTime::default());
    assert_eq!(elapsed, TimeDelta::zero());
    assert_eq!(at.retained_bytes() + elapsed.retained_bytes(), 0);
}
