//! Integration tests of pool-core's `Poolable`, `Shrink` and `Wipe` implementations for std (and
//! `bytes`) types: every reset must give a value equal to a fresh `Default::default()`, keep the
//! allocation its doc comment promises to keep, and report `retained_bytes` as documented.

use std::cell::{Cell, RefCell};
use std::collections::{BTreeMap, BTreeSet, BinaryHeap, HashMap, HashSet, LinkedList, VecDeque};
use std::ffi::OsString;
use std::fmt::Debug;
use std::marker::PhantomData;
use std::mem::size_of;
use std::path::PathBuf;
use std::sync::{Mutex, RwLock};
use std::time::Duration;

use bytes::BytesMut;
use pool_core::{Poolable, Shrink, Wipe};
use proptest::collection::vec as vec_of;
use proptest::prelude::*;

// ------------------------------------------------------------------------------------------------
// Helpers
// ------------------------------------------------------------------------------------------------

/// Fills `value`, resets it and checks the contract of a type that keeps its buffer: the fill grew
/// the capacity, the reset gives a fresh default, keeps the capacity, and `retained_bytes` is
/// `retained(capacity)` before and after. `view` turns the value into something comparable (for
/// types without `PartialEq`), `capacity` reads its capacity. Returns the reset value.
fn check_keeps_capacity<T, V>(
    mut value: T,
    fill: impl FnOnce(&mut T),
    view: impl Fn(&T) -> V,
    capacity: impl Fn(&T) -> usize,
    retained: impl Fn(usize) -> usize,
) -> T
where
    T: Poolable + Default,
    V: PartialEq + Debug,
{
    let initial = capacity(&value);
    fill(&mut value);
    let filled = capacity(&value);
    assert!(
        filled > initial,
        "the fill must grow the capacity beyond {initial}"
    );
    assert_ne!(
        view(&value),
        view(&T::default()),
        "the fill must leave a non-default value"
    );
    assert_eq!(
        value.retained_bytes(),
        retained(filled),
        "retained_bytes before the reset"
    );
    value.reset();
    assert_eq!(
        view(&value),
        view(&T::default()),
        "the reset must give a fresh default"
    );
    assert_eq!(capacity(&value), filled, "the reset must keep the capacity");
    assert_eq!(
        value.retained_bytes(),
        retained(filled),
        "retained_bytes after the reset"
    );
    value
}

/// Checks a type that keeps nothing (B-trees, lists, `Option`, scalars, `Cell`): `value` is not
/// the default, the reset makes it the default, and `retained_bytes` is 0 before and after.
fn check_keeps_nothing<T: Poolable + Default + PartialEq + Debug>(mut value: T) {
    assert_ne!(
        value,
        T::default(),
        "the test value must not be the default"
    );
    assert_eq!(value.retained_bytes(), 0, "retained_bytes before the reset");
    value.reset();
    assert_eq!(value, T::default(), "the reset must give a fresh default");
    assert_eq!(value.retained_bytes(), 0, "retained_bytes after the reset");
}

fn same<T: Clone>(value: &T) -> T {
    value.clone()
}

/// `Vec<u64>` with capacity well beyond `Vec::new()`'s, the inner value of the wrapper tests.
fn fill_u64(v: &mut Vec<u64>) {
    v.extend(0..100);
}

/// Runs `poison` on another thread; it must panic while holding the lock, the standard way to
/// poison a `Mutex` or `RwLock`.
fn poison_with<L: Sync>(lock: &L, poison: impl Fn(&L) + Send + Sync) {
    std::thread::scope(|scope| {
        let result = scope.spawn(|| poison(lock)).join();
        assert!(result.is_err());
    });
}

// ------------------------------------------------------------------------------------------------
// Collections that keep their buffer
// ------------------------------------------------------------------------------------------------

#[test]
fn string_keeps_capacity() {
    let fill = |s: &mut String| s.push_str(&"secret ".repeat(20));
    check_keeps_capacity(String::new(), fill, same, String::capacity, |cap| cap);
}

#[test]
fn os_string_keeps_capacity() {
    let fill = |s: &mut OsString| (0..50).for_each(|_| s.push("abc"));
    check_keeps_capacity(OsString::new(), fill, same, OsString::capacity, |cap| cap);
}

#[test]
fn path_buf_keeps_capacity() {
    let fill = |p: &mut PathBuf| (0..30).for_each(|i| p.push(format!("dir{i}")));
    check_keeps_capacity(PathBuf::new(), fill, same, PathBuf::capacity, |cap| cap);
}

#[test]
fn vec_keeps_capacity() {
    let v = Vec::with_capacity(4);
    check_keeps_capacity(v, fill_u64, same, Vec::capacity, |cap| cap * 8);
}

#[test]
fn vec_of_strings_counts_only_its_own_buffer() {
    let fill = |v: &mut Vec<String>| v.extend((0..40).map(|i| "x".repeat(i)));
    let per_slot = size_of::<String>();
    check_keeps_capacity(Vec::new(), fill, same, Vec::capacity, |cap| cap * per_slot);
}

#[test]
fn vec_deque_keeps_capacity() {
    let fill = |d: &mut VecDeque<u32>| {
        (0..50).for_each(|i| d.push_front(i));
        (0..50).for_each(|i| d.push_back(i));
    };
    let d = VecDeque::with_capacity(2);
    check_keeps_capacity(d, fill, same, VecDeque::capacity, |cap| cap * 4);
}

#[test]
fn binary_heap_keeps_capacity() {
    let fill = |h: &mut BinaryHeap<u32>| h.extend([5, 1, 9, 3].iter().cycle().take(100));
    let view = |h: &BinaryHeap<u32>| h.clone().into_sorted_vec();
    check_keeps_capacity(BinaryHeap::new(), fill, view, BinaryHeap::capacity, |cap| {
        cap * 4
    });
}

#[test]
fn hash_map_keeps_its_table() {
    let fill = |m: &mut HashMap<u32, String>| m.extend((0..100).map(|i| (i, i.to_string())));
    let slot = size_of::<(u32, String)>() + 1;
    let m = check_keeps_capacity(HashMap::new(), fill, same, HashMap::capacity, |cap| {
        cap * slot
    });
    assert!((0..100).all(|k| !m.contains_key(&k)));
}

#[test]
fn hash_map_with_a_custom_hasher_keeps_its_table() {
    type Hasher = std::hash::BuildHasherDefault<std::collections::hash_map::DefaultHasher>;
    let fill = |m: &mut HashMap<u8, u64, Hasher>| m.extend((0..=255).map(|i| (i, 0)));
    let slot = size_of::<(u8, u64)>() + 1;
    check_keeps_capacity(HashMap::default(), fill, same, HashMap::capacity, |cap| {
        cap * slot
    });
}

#[test]
fn hash_set_keeps_its_table() {
    let fill = |s: &mut HashSet<u64>| s.extend(0..100);
    let slot = size_of::<u64>() + 1;
    let s = check_keeps_capacity(HashSet::new(), fill, same, HashSet::capacity, |cap| {
        cap * slot
    });
    assert!((0..100).all(|k| !s.contains(&k)));
}

#[test]
fn bytes_mut_keeps_capacity() {
    let fill = |b: &mut BytesMut| b.extend_from_slice(&[0xAB; 300]);
    check_keeps_capacity(BytesMut::new(), fill, same, BytesMut::capacity, |cap| cap);
}

// ------------------------------------------------------------------------------------------------
// Types that keep nothing
// ------------------------------------------------------------------------------------------------

#[test]
fn b_trees_and_linked_lists_keep_nothing() {
    check_keeps_nothing(
        (0..100u32)
            .map(|i| (i, i.to_string()))
            .collect::<BTreeMap<_, _>>(),
    );
    check_keeps_nothing((0..100u64).collect::<BTreeSet<_>>());
    check_keeps_nothing((0..100).map(|i| "x".repeat(i)).collect::<LinkedList<_>>());
}

#[test]
fn option_resets_to_none_and_keeps_nothing() {
    check_keeps_nothing(Some(Vec::<u8>::with_capacity(1024)));
    check_keeps_nothing(Some(String::from("secret")));
    check_keeps_nothing(Some(7u32));
    // No `Poolable` bound on the contents.
    check_keeps_nothing(Some(std::rc::Rc::new(1)));
}

#[test]
fn scalars_reset_to_their_default() {
    macro_rules! each {
        ($($value:expr),* $(,)?) => {$(check_keeps_nothing($value);)*};
    }
    each!(u8::MAX, u16::MAX, u32::MAX, u64::MAX, u128::MAX, usize::MAX);
    each!(i8::MIN, i16::MIN, i32::MIN, i64::MIN, i128::MIN, isize::MIN);
    each!(f32::MAX, f32::NAN, f64::MIN_POSITIVE, f64::NEG_INFINITY);
    each!(true, 'x', char::MAX, Duration::from_secs(5), Duration::MAX);
}

#[test]
fn negative_zero_resets_to_positive_zero() {
    let (mut a, mut b) = (-0.0f32, -0.0f64);
    a.reset();
    b.reset();
    assert_eq!((a.to_bits(), b.to_bits()), (0, 0));
}

#[test]
fn unit_and_phantom_data_are_no_ops() {
    let mut unit = ();
    unit.reset();
    assert_eq!(unit.retained_bytes(), 0);
    let mut marker = PhantomData::<String>;
    marker.reset();
    assert_eq!(marker, PhantomData);
    assert_eq!(marker.retained_bytes(), 0);
    let mut unsized_marker = PhantomData::<str>;
    unsized_marker.reset();
    assert_eq!(unsized_marker.retained_bytes(), 0);
}

#[test]
fn cells_of_copy_values_reset_to_their_default() {
    check_keeps_nothing(Cell::new(7u32));
    check_keeps_nothing(Cell::new((1u8, 'z', true)));
    check_keeps_nothing(Cell::new([3u16; 4]));
}

// ------------------------------------------------------------------------------------------------
// Arrays and tuples: element-wise
// ------------------------------------------------------------------------------------------------

#[test]
fn arrays_reset_element_wise() {
    check_keeps_nothing([1u32, 2, 3, 4]);
    check_keeps_nothing([(1u8, 'a'); 32]);
    let mut empty: [String; 0] = [];
    empty.reset();
    assert_eq!(empty.retained_bytes(), 0);

    let fill = |a: &mut [Vec<u64>; 3]| a.iter_mut().for_each(fill_u64);
    let total_capacity = |a: &[Vec<u64>; 3]| a.iter().map(Vec::capacity).sum();
    let a = check_keeps_capacity(<[_; 3]>::default(), fill, same, total_capacity, |cap| {
        cap * 8
    });
    assert!(
        a.iter().all(|v| v.capacity() >= 100),
        "every element keeps its own buffer"
    );
}

#[test]
fn tuples_of_scalars_reset_element_wise() {
    check_keeps_nothing((1u8,));
    check_keeps_nothing((1u8, true));
    check_keeps_nothing((1u8, true, 'c'));
    check_keeps_nothing((1u8, true, 'c', 4i64, 5.0f32));
    check_keeps_nothing((
        1u8, 2u16, 3u32, 4u64, 5u128, 6usize, 7i8, 8i16, 9i32, 10i64, 11i128, 12f64,
    ));
}

#[test]
fn tuples_of_collections_sum_their_retained_bytes() {
    type Triple = (String, Vec<u64>, HashSet<u16>);
    let fill = |t: &mut Triple| {
        t.0.push_str(&"a".repeat(100));
        fill_u64(&mut t.1);
        t.2.extend(0..100);
    };
    // Each element's documented `retained_bytes`, from its capacity.
    let bytes = |t: &Triple| t.0.capacity() + t.1.capacity() * 8 + t.2.capacity() * 3;
    check_keeps_capacity(Triple::default(), fill, same, bytes, |b| b);

    type Pair = (VecDeque<u8>, Option<String>);
    let fill = |t: &mut Pair| {
        t.0.extend([1; 64]);
        t.1 = Some("dropped".into());
    };
    let bytes = |t: &Pair| t.0.capacity();
    check_keeps_capacity(Pair::default(), fill, same, bytes, |b| b);
}

// ------------------------------------------------------------------------------------------------
// Box and the interior-mutability wrappers
// ------------------------------------------------------------------------------------------------

#[test]
fn box_resets_in_place_and_counts_itself() {
    let inner = size_of::<Vec<u64>>();
    let boxed = Box::<Vec<u64>>::default();
    let address = |b: &Vec<u64>| std::ptr::from_ref(b).addr();
    let before = address(&boxed);
    let fill = |b: &mut Box<Vec<u64>>| fill_u64(b);
    let boxed = check_keeps_capacity(boxed, fill, same, |b| b.capacity(), |cap| inner + cap * 8);
    assert_eq!(address(&boxed), before, "the box itself is kept");
}

#[test]
fn boxed_trait_object_counts_its_concrete_size() {
    let mut boxed: Box<dyn Poolable> = Box::new((String::from("abc"), 7u64));
    let expected = size_of::<(String, u64)>() + 3;
    assert_eq!(boxed.retained_bytes(), expected);
    boxed.reset();
    assert_eq!(boxed.retained_bytes(), expected);
}

#[test]
fn ref_cell_resets_its_contents() {
    let view = |c: &RefCell<Vec<u64>>| c.borrow().clone();
    let fill = |c: &mut RefCell<Vec<u64>>| fill_u64(c.get_mut());
    let cap = |c: &RefCell<Vec<u64>>| c.borrow().capacity();
    let cell = check_keeps_capacity(RefCell::default(), fill, view, cap, |cap| cap * 8);
    let _guard = cell.borrow_mut();
    assert_eq!(
        cell.retained_bytes(),
        0,
        "documented: 0 while mutably borrowed"
    );
}

#[test]
fn mutex_resets_its_contents() {
    let view = |m: &Mutex<Vec<u64>>| m.lock().unwrap().clone();
    let fill = |m: &mut Mutex<Vec<u64>>| fill_u64(m.get_mut().unwrap());
    let cap = |m: &Mutex<Vec<u64>>| m.lock().unwrap().capacity();
    let mutex = check_keeps_capacity(Mutex::default(), fill, view, cap, |cap| cap * 8);
    let _guard = mutex.lock().unwrap();
    assert_eq!(
        mutex.retained_bytes(),
        0,
        "documented: 0 while the lock is held"
    );
}

#[test]
fn poisoned_mutex_is_reset_and_healed() {
    let view = |m: &Mutex<Vec<u64>>| m.lock().unwrap_or_else(|e| e.into_inner()).clone();
    let cap = |m: &Mutex<Vec<u64>>| m.lock().unwrap_or_else(|e| e.into_inner()).capacity();
    let fill = |m: &mut Mutex<Vec<u64>>| {
        poison_with(m, |m: &Mutex<Vec<u64>>| {
            let mut guard = m.lock().unwrap();
            fill_u64(&mut guard);
            panic!("poisoning the mutex on purpose");
        });
        assert!(m.is_poisoned());
    };
    let mutex = check_keeps_capacity(Mutex::default(), fill, view, cap, |cap| cap * 8);
    assert!(!mutex.is_poisoned(), "the reset clears the poison");
    assert!(mutex.lock().is_ok());
}

#[test]
fn rw_lock_resets_its_contents() {
    let view = |l: &RwLock<String>| l.read().unwrap().clone();
    let fill = |l: &mut RwLock<String>| l.get_mut().unwrap().push_str(&"z".repeat(100));
    let cap = |l: &RwLock<String>| l.read().unwrap().capacity();
    let lock = check_keeps_capacity(RwLock::default(), fill, view, cap, |cap| cap);
    let reader = lock.read().unwrap();
    assert_eq!(
        lock.retained_bytes(),
        reader.capacity(),
        "readers do not block it"
    );
    drop(reader);
    let _writer = lock.write().unwrap();
    assert_eq!(lock.retained_bytes(), 0, "documented: 0 while write-locked");
}

#[test]
fn poisoned_rw_lock_is_reset_and_healed() {
    let view = |l: &RwLock<String>| l.read().unwrap_or_else(|e| e.into_inner()).clone();
    let cap = |l: &RwLock<String>| l.read().unwrap_or_else(|e| e.into_inner()).capacity();
    let fill = |l: &mut RwLock<String>| {
        poison_with(l, |l: &RwLock<String>| {
            let mut guard = l.write().unwrap();
            guard.push_str(&"z".repeat(100));
            panic!("poisoning the lock on purpose");
        });
        assert!(l.is_poisoned());
    };
    let lock = check_keeps_capacity(RwLock::default(), fill, view, cap, |cap| cap);
    assert!(!lock.is_poisoned(), "the reset clears the poison");
    assert!(lock.write().is_ok());
}

// ------------------------------------------------------------------------------------------------
// Shrink
// ------------------------------------------------------------------------------------------------

/// Shrinks `value` to `limit` and checks the `Shrink` contract: the contents are kept, the
/// capacity never drops below the length, nothing changes at or below the limit, and above it
/// the capacity ends at most at the limit, or at the smallest capacity that holds the length
/// (`smallest_for(len)`; hash tables come in steps, so it can exceed the length).
fn check_shrink<T: Shrink, V: PartialEq + Debug>(
    mut value: T,
    limit: usize,
    view: impl Fn(&T) -> V,
    capacity: impl Fn(&T) -> usize,
    len: impl Fn(&T) -> usize,
    smallest_for: impl Fn(usize) -> usize,
) {
    let (before, contents, len) = (capacity(&value), view(&value), len(&value));
    value.shrink_capacity_to(limit);
    let after = capacity(&value);
    assert_eq!(view(&value), contents, "shrinking keeps the contents");
    assert!(after >= len, "capacity {after} below the length {len}");
    if before <= limit {
        assert_eq!(
            after, before,
            "capacity {before} is within the limit {limit}: kept"
        );
    } else {
        let bound = limit.max(smallest_for(len));
        assert!(
            after <= bound,
            "capacity {before} -> {after}, limit {limit}, length {len}"
        );
    }
}

/// Builds each `Shrink` type with room for `len + extra` elements, holding `len` of them, and
/// checks `shrink_capacity_to(limit)` on it.
fn check_shrink_all_types(len: usize, extra: usize, limit: usize) {
    let room = len + extra;
    let exact = |n: usize| n;
    let mut v: Vec<u32> = Vec::with_capacity(room);
    v.extend(0..len as u32);
    check_shrink(v.clone(), limit, same, Vec::capacity, Vec::len, exact);
    check_shrink(
        Box::new(v.clone()),
        limit,
        same,
        |b| b.capacity(),
        |b| b.len(),
        exact,
    );

    let mut s = String::with_capacity(room);
    s.extend(std::iter::repeat_n('s', len));
    check_shrink(s.clone(), limit, same, String::capacity, String::len, exact);
    let os = OsString::from(s.clone());
    let mut os_room = OsString::with_capacity(room);
    os_room.push(&os);
    check_shrink(os_room, limit, same, OsString::capacity, |o| o.len(), exact);
    let mut p = PathBuf::with_capacity(room);
    p.push(&os);
    let path_len = |p: &PathBuf| p.as_os_str().len();
    check_shrink(p, limit, same, PathBuf::capacity, path_len, exact);

    let mut d = VecDeque::with_capacity(room);
    d.extend(v.iter().copied());
    check_shrink(d, limit, same, VecDeque::capacity, VecDeque::len, exact);
    let mut h = BinaryHeap::with_capacity(room);
    h.extend(v.iter().copied());
    let sorted = |h: &BinaryHeap<u32>| h.clone().into_sorted_vec();
    check_shrink(
        h,
        limit,
        sorted,
        BinaryHeap::capacity,
        BinaryHeap::len,
        exact,
    );

    let mut m = HashMap::with_capacity(room);
    m.extend(v.iter().map(|&k| (k, k)));
    let table = |n| HashMap::<u32, u32>::with_capacity(n).capacity();
    check_shrink(m, limit, same, HashMap::capacity, HashMap::len, table);
    let mut set = HashSet::with_capacity(room);
    set.extend(v.iter().copied());
    check_shrink(set, limit, same, HashSet::capacity, HashSet::len, table);
}

#[test]
fn shrink_keeps_capacity_within_the_limit() {
    check_shrink_all_types(10, 90, 100);
    check_shrink_all_types(10, 90, 1000);
    check_shrink_all_types(0, 0, 0);
}

#[test]
fn shrink_gives_back_capacity_above_the_limit() {
    check_shrink_all_types(10, 990, 100);
    check_shrink_all_types(0, 1000, 0);
    check_shrink_all_types(200, 800, 100);
}

#[test]
fn hash_map_shrinks_when_the_limit_falls_between_table_sizes() {
    // 128 buckets hold 112 entries; a limit of 100 must still give the table back.
    let mut m: HashMap<u32, u32> = HashMap::with_capacity(100);
    m.extend((0..10).map(|k| (k, k)));
    assert!(m.capacity() > 100);
    m.shrink_capacity_to(100);
    assert!(
        m.capacity() <= 100,
        "capacity {} above the limit 100",
        m.capacity()
    );
    assert!((0..10).all(|k| m[&k] == k));
}

proptest! {
    #[test]
    fn shrink_never_goes_below_the_length(len in 0..300usize, extra in 0..300usize, limit in 0..700usize) {
        check_shrink_all_types(len, extra, limit);
    }
}

// ------------------------------------------------------------------------------------------------
// Wipe (feature `zeroize`)
// ------------------------------------------------------------------------------------------------

const SECRET: &[u8] = b"correct horse battery staple, 0123456789 abcdefghijklmnopqrstuvwxyz";

/// Truncates a value that held [`SECRET`] (so the secret's tail sits in spare capacity), wipes
/// it, and checks that every byte of the capacity is zero and the buffer was kept.
fn assert_wipe_clears_capacity<T: Wipe>(
    mut value: T,
    truncate: fn(&mut T),
    parts: fn(&T) -> (*const u8, usize),
) -> T {
    truncate(&mut value);
    let (ptr, capacity) = parts(&value);
    assert!(
        capacity >= SECRET.len(),
        "the truncated secret is still in the spare capacity"
    );
    value.wipe();
    assert_eq!(parts(&value), (ptr, capacity), "wipe keeps the buffer");
    // SAFETY: `value` owns `capacity` bytes at `ptr`, alive and not mutated while the slice lives,
    // and all of them are initialised: zeroize wrote every byte of the capacity.
    let whole = unsafe { std::slice::from_raw_parts(ptr, capacity) };
    assert!(
        whole.iter().all(|&b| b == 0),
        "secret bytes left behind: {whole:?}"
    );
    value
}

#[test]
fn wipe_zeroes_a_vec_including_its_spare_capacity() {
    let v = assert_wipe_clears_capacity(
        SECRET.to_vec(),
        |v| v.truncate(7),
        |v| (v.as_ptr(), v.capacity()),
    );
    assert!(v.is_empty());
}

#[test]
fn wipe_zeroes_a_string_including_its_spare_capacity() {
    let s = String::from_utf8(SECRET.to_vec()).unwrap();
    let mut s = assert_wipe_clears_capacity(s, |s| s.truncate(7), |s| (s.as_ptr(), s.capacity()));
    assert!(s.is_empty());
    s.reset();
    assert_eq!(s, String::default());
}

// ------------------------------------------------------------------------------------------------
// Property tests: random operations, then reset
// ------------------------------------------------------------------------------------------------

/// A `Poolable` type with random operations for the property tests.
trait Model: Poolable + Default + 'static {
    /// One mutation.
    type Op: Debug + Clone + 'static;
    /// What `assert_eq!` compares.
    type View: PartialEq + Debug;
    fn op() -> BoxedStrategy<Self::Op>;
    fn apply(&mut self, op: &Self::Op);
    fn view(&self) -> Self::View;
    /// Asserts that nothing `history` put in can be read back.
    fn assert_forgotten(&self, history: &[Self::Op]);
}

/// Applies `before`, resets, checks the value is a fresh default holding nothing from `before`,
/// then checks that applying `after` to it matches applying `after` to a fresh default.
fn check_model<T: Model>(before: &[T::Op], after: &[T::Op]) {
    let mut value = T::default();
    before.iter().for_each(|op| value.apply(op));
    value.reset();
    assert_eq!(value.view(), T::default().view(), "reset after {before:?}");
    value.assert_forgotten(before);
    let mut fresh = T::default();
    for op in after {
        value.apply(op);
        fresh.apply(op);
    }
    assert_eq!(value.view(), fresh.view(), "reuse after the reset");
}

fn bytes_strategy() -> impl Strategy<Value = Vec<u8>> + Clone {
    vec_of(any::<u8>(), 0..64)
}

#[derive(Debug, Clone)]
enum SeqOp<T> {
    Push(T),
    Insert(usize, T),
    Remove(usize),
    Extend(Vec<T>),
    Truncate(usize),
}

fn seq_op<T: Arbitrary + Clone + 'static>() -> BoxedStrategy<SeqOp<T>> {
    prop_oneof![
        any::<T>().prop_map(SeqOp::Push),
        (any::<usize>(), any::<T>()).prop_map(|(i, x)| SeqOp::Insert(i, x)),
        any::<usize>().prop_map(SeqOp::Remove),
        vec_of(any::<T>(), 0..64).prop_map(SeqOp::Extend),
        (0..80usize).prop_map(SeqOp::Truncate),
    ]
    .boxed()
}

/// Every element a sequence of operations put in, and the largest length it can have reached.
fn inserted<T: Clone>(history: &[SeqOp<T>]) -> (Vec<T>, usize) {
    let mut items = Vec::new();
    for op in history {
        match op {
            SeqOp::Push(x) | SeqOp::Insert(_, x) => items.push(x.clone()),
            SeqOp::Extend(xs) => items.extend(xs.iter().cloned()),
            SeqOp::Remove(_) | SeqOp::Truncate(_) => {}
        }
    }
    let max_len = items.len();
    (items, max_len)
}

impl Model for Vec<u8> {
    type Op = SeqOp<u8>;
    type View = Self;
    fn op() -> BoxedStrategy<Self::Op> {
        seq_op()
    }
    fn apply(&mut self, op: &Self::Op) {
        match op {
            SeqOp::Push(x) => self.push(*x),
            SeqOp::Insert(i, x) => self.insert(i % (self.len() + 1), *x),
            SeqOp::Remove(i) if !self.is_empty() => {
                self.remove(i % self.len());
            }
            SeqOp::Remove(_) => {}
            SeqOp::Extend(xs) => self.extend_from_slice(xs),
            SeqOp::Truncate(n) => self.truncate(*n),
        }
    }
    fn view(&self) -> Self {
        self.clone()
    }
    fn assert_forgotten(&self, history: &[Self::Op]) {
        let (items, max_len) = inserted(history);
        assert!(items.iter().all(|x| !self.contains(x)));
        assert!((0..max_len).all(|i| self.get(i).is_none()));
    }
}

impl Model for VecDeque<u16> {
    type Op = SeqOp<u16>;
    type View = Self;
    fn op() -> BoxedStrategy<Self::Op> {
        seq_op()
    }
    fn apply(&mut self, op: &Self::Op) {
        match op {
            SeqOp::Push(x) if x % 2 == 0 => self.push_front(*x),
            SeqOp::Push(x) => self.push_back(*x),
            SeqOp::Insert(i, x) => self.insert(i % (self.len() + 1), *x),
            SeqOp::Remove(i) if !self.is_empty() => {
                self.remove(i % self.len());
            }
            SeqOp::Remove(_) => {}
            SeqOp::Extend(xs) => self.extend(xs),
            SeqOp::Truncate(n) => self.truncate(*n),
        }
    }
    fn view(&self) -> Self {
        self.clone()
    }
    fn assert_forgotten(&self, history: &[Self::Op]) {
        let (items, max_len) = inserted(history);
        assert!(items.iter().all(|x| !self.contains(x)));
        assert!((0..max_len).all(|i| self.get(i).is_none()));
        assert_eq!((self.front(), self.back()), (None, None));
    }
}

/// The largest char boundary of `s` at or below `i`.
fn floor_boundary(s: &str, i: usize) -> usize {
    (0..=i.min(s.len()))
        .rev()
        .find(|&b| s.is_char_boundary(b))
        .unwrap_or(0)
}

impl Model for String {
    type Op = SeqOp<char>;
    type View = Self;
    fn op() -> BoxedStrategy<Self::Op> {
        seq_op()
    }
    fn apply(&mut self, op: &Self::Op) {
        match op {
            SeqOp::Push(c) => self.push(*c),
            SeqOp::Insert(i, c) => self.insert(floor_boundary(self, i % (self.len() + 1)), *c),
            SeqOp::Remove(i) if !self.is_empty() => {
                self.remove(floor_boundary(self, i % self.len()));
            }
            SeqOp::Remove(_) => {}
            SeqOp::Extend(cs) => self.extend(cs),
            SeqOp::Truncate(n) => self.truncate(floor_boundary(self, *n)),
        }
    }
    fn view(&self) -> Self {
        self.clone()
    }
    fn assert_forgotten(&self, history: &[Self::Op]) {
        let (items, max_len) = inserted(history);
        assert!(items.iter().all(|c| !self.contains(*c)));
        assert!((0..max_len).all(|i| self.get(..=i).is_none()));
    }
}

#[derive(Debug, Clone)]
enum MapOp<K, V> {
    Insert(K, V),
    Remove(K),
    Extend(Vec<(K, V)>),
    /// Keep only the keys below this one.
    Truncate(K),
}

fn map_op<K: Arbitrary + Clone + 'static, V: Arbitrary + Clone + 'static>(
    value: impl Strategy<Value = V> + Clone + 'static,
) -> BoxedStrategy<MapOp<K, V>> {
    prop_oneof![
        (any::<K>(), value.clone()).prop_map(|(k, v)| MapOp::Insert(k, v)),
        any::<K>().prop_map(MapOp::Remove),
        vec_of((any::<K>(), value), 0..64).prop_map(MapOp::Extend),
        any::<K>().prop_map(MapOp::Truncate),
    ]
    .boxed()
}

/// Every key a sequence of map operations inserted.
fn inserted_keys<K: Clone, V>(history: &[MapOp<K, V>]) -> Vec<K> {
    let mut keys = Vec::new();
    for op in history {
        match op {
            MapOp::Insert(k, _) => keys.push(k.clone()),
            MapOp::Extend(kvs) => keys.extend(kvs.iter().map(|(k, _)| k.clone())),
            MapOp::Remove(_) | MapOp::Truncate(_) => {}
        }
    }
    keys
}

/// `Model` for a map type: the same operations on `HashMap` and `BTreeMap`.
macro_rules! map_model {
    ($map:ident < $k:ty, $v:ty >, $value:expr) => {
        impl Model for $map<$k, $v> {
            type Op = MapOp<$k, $v>;
            type View = Self;
            fn op() -> BoxedStrategy<Self::Op> {
                map_op($value)
            }
            fn apply(&mut self, op: &Self::Op) {
                match op {
                    MapOp::Insert(k, v) => drop(self.insert(*k, v.clone())),
                    MapOp::Remove(k) => drop(self.remove(k)),
                    MapOp::Extend(kvs) => self.extend(kvs.iter().cloned()),
                    MapOp::Truncate(k) => self.retain(|key, _| key < k),
                }
            }
            fn view(&self) -> Self {
                self.clone()
            }
            fn assert_forgotten(&self, history: &[Self::Op]) {
                for key in inserted_keys(history) {
                    assert!(self.get(&key).is_none() && !self.contains_key(&key));
                }
                assert!(self.iter().next().is_none());
            }
        }
    };
}
map_model!(HashMap<u8, String>, ".{0,24}");
map_model!(BTreeMap<u8, Vec<u8>>, bytes_strategy());

impl Model for BinaryHeap<u32> {
    type Op = SeqOp<u32>;
    type View = Vec<u32>;
    fn op() -> BoxedStrategy<Self::Op> {
        seq_op()
    }
    fn apply(&mut self, op: &Self::Op) {
        match op {
            SeqOp::Push(x) | SeqOp::Insert(_, x) => self.push(*x),
            SeqOp::Remove(_) => {
                self.pop();
            }
            SeqOp::Extend(xs) => self.extend(xs),
            SeqOp::Truncate(n) => self.retain(|x| (*x as usize) < *n),
        }
    }
    fn view(&self) -> Vec<u32> {
        self.clone().into_sorted_vec()
    }
    fn assert_forgotten(&self, history: &[Self::Op]) {
        let (items, _) = inserted(history);
        assert!(items.iter().all(|x| !self.iter().any(|y| y == x)));
        assert_eq!(self.peek(), None);
    }
}

/// Which element of a tuple an operation goes to.
#[derive(Debug, Clone)]
enum Part<A, B, C> {
    First(A),
    Second(B),
    Third(C),
}

/// The operations of `history` that went to each part of a tuple.
fn split_parts<A: Clone, B: Clone, C: Clone>(
    history: &[Part<A, B, C>],
) -> (Vec<A>, Vec<B>, Vec<C>) {
    let (mut a, mut b, mut c) = (Vec::new(), Vec::new(), Vec::new());
    for op in history {
        match op {
            Part::First(op) => a.push(op.clone()),
            Part::Second(op) => b.push(op.clone()),
            Part::Third(op) => c.push(op.clone()),
        }
    }
    (a, b, c)
}

impl<A: Model, B: Model> Model for (A, B) {
    type Op = Part<A::Op, B::Op, ()>;
    type View = (A::View, B::View);
    fn op() -> BoxedStrategy<Self::Op> {
        prop_oneof![
            A::op().prop_map(Part::First),
            B::op().prop_map(Part::Second)
        ]
        .boxed()
    }
    fn apply(&mut self, op: &Self::Op) {
        match op {
            Part::First(op) => self.0.apply(op),
            Part::Second(op) => self.1.apply(op),
            Part::Third(()) => {}
        }
    }
    fn view(&self) -> Self::View {
        (self.0.view(), self.1.view())
    }
    fn assert_forgotten(&self, history: &[Self::Op]) {
        let (first, second, _) = split_parts(history);
        self.0.assert_forgotten(&first);
        self.1.assert_forgotten(&second);
    }
}

impl<A: Model, B: Model, C: Model> Model for (A, B, C) {
    type Op = Part<A::Op, B::Op, C::Op>;
    type View = (A::View, B::View, C::View);
    fn op() -> BoxedStrategy<Self::Op> {
        prop_oneof![
            A::op().prop_map(Part::First),
            B::op().prop_map(Part::Second),
            C::op().prop_map(Part::Third),
        ]
        .boxed()
    }
    fn apply(&mut self, op: &Self::Op) {
        match op {
            Part::First(op) => self.0.apply(op),
            Part::Second(op) => self.1.apply(op),
            Part::Third(op) => self.2.apply(op),
        }
    }
    fn view(&self) -> Self::View {
        (self.0.view(), self.1.view(), self.2.view())
    }
    fn assert_forgotten(&self, history: &[Self::Op]) {
        let (first, second, third) = split_parts(history);
        self.0.assert_forgotten(&first);
        self.1.assert_forgotten(&second);
        self.2.assert_forgotten(&third);
    }
}

impl<T: Model, const N: usize> Model for [T; N]
where
    [T; N]: Default,
{
    /// An operation on element `index % N`.
    type Op = (usize, T::Op);
    type View = Vec<T::View>;
    fn op() -> BoxedStrategy<Self::Op> {
        (0..N, T::op()).boxed()
    }
    fn apply(&mut self, (index, op): &Self::Op) {
        self[index % N].apply(op);
    }
    fn view(&self) -> Self::View {
        self.iter().map(T::view).collect()
    }
    fn assert_forgotten(&self, history: &[Self::Op]) {
        for (i, element) in self.iter().enumerate() {
            let ops: Vec<T::Op> = history
                .iter()
                .filter(|(j, _)| j % N == i)
                .map(|(_, op)| op.clone())
                .collect();
            element.assert_forgotten(&ops);
        }
    }
}

/// Random operations before the reset, and a few after it.
fn histories<T: Model>() -> impl Strategy<Value = (Vec<T::Op>, Vec<T::Op>)> {
    (vec_of(T::op(), 0..40), vec_of(T::op(), 0..8))
}

/// One property test per model type.
macro_rules! model_tests {
    ($($name:ident: $ty:ty),* $(,)?) => {
        proptest! {
            $(
                #[test]
                fn $name((before, after) in histories::<$ty>()) {
                    check_model::<$ty>(&before, &after);
                }
            )*
        }
    };
}

model_tests! {
    random_ops_then_reset_vec_u8: Vec<u8>,
    random_ops_then_reset_string: String,
    random_ops_then_reset_vec_deque_u16: VecDeque<u16>,
    random_ops_then_reset_hash_map: HashMap<u8, String>,
    random_ops_then_reset_b_tree_map: BTreeMap<u8, Vec<u8>>,
    random_ops_then_reset_binary_heap: BinaryHeap<u32>,
    random_ops_then_reset_pair: (Vec<u8>, String),
    random_ops_then_reset_triple: (VecDeque<u16>, HashMap<u8, String>, BTreeMap<u8, Vec<u8>>),
    random_ops_then_reset_array_of_vecs: [Vec<u8>; 3],
    random_ops_then_reset_array_of_maps: [HashMap<u8, String>; 2],
    random_ops_then_reset_array_of_pairs: [(String, BinaryHeap<u32>); 2],
}

/// Reports half the address space: two of them overflow a `usize`.
#[derive(Default)]
struct HalfOfMemory;

impl Poolable for HalfOfMemory {
    fn reset(&mut self) {}
    fn retained_bytes(&self) -> usize {
        usize::MAX / 2 + 1
    }
}

/// Arrays, tuples and boxes sum their parts' counts saturating, as the derive does: an
/// overflowing sum panicked (debug) or wrapped to a small count (release); found by the
/// derive generator (tests/generated_shapes.rs) through an array of derived structs.
#[test]
fn composite_retained_bytes_saturates() {
    assert_eq!([HalfOfMemory, HalfOfMemory].retained_bytes(), usize::MAX);
    assert_eq!((HalfOfMemory, HalfOfMemory).retained_bytes(), usize::MAX);
    assert_eq!(
        (1u8, HalfOfMemory, HalfOfMemory).retained_bytes(),
        usize::MAX
    );
    assert_eq!(
        Box::new((HalfOfMemory, HalfOfMemory)).retained_bytes(),
        usize::MAX
    );
}
