//! A model-based test of the three pools: random sequences of `get`, `get_owned`, `try_get`, a
//! guard dropped on its own thread or on another, `detach`, `prefill`, `put` and `trim`,
//! against `Pool`, `LocalPool` and `BufferPool`. After every step: no object is out twice, every
//! object handed out is reset, the in-use gauge matches the guards the model holds, and (every
//! step ends with the pool quiet) the identity of `Stats` holds.

use std::collections::HashSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use pool_core::{
    Buffer, BufferOwned, BufferPool, LocalPool, LocalPooled, Pool, Poolable, Pooled, PooledOwned,
    Stats,
};
use proptest::prelude::*;

/// An object with an identity that survives its resets, and data a reset must clear.
#[derive(Debug)]
struct Obj {
    id: u64,
    data: Vec<u8>,
}

impl Poolable for Obj {
    fn reset(&mut self) {
        self.data.clear();
    }
    fn retained_bytes(&self) -> usize {
        self.data.capacity()
    }
}

/// Hands out unique ids, to the factory and to `put`.
#[derive(Default)]
struct Ids(AtomicU64);

impl Ids {
    fn next(&self) -> Obj {
        Obj {
            id: self.0.fetch_add(1, Ordering::Relaxed),
            data: Vec::new(),
        }
    }
}

#[derive(Clone, Debug)]
enum Op {
    Get,
    GetOwned,
    TryGet,
    /// Drops the guard at this index (modulo the number held).
    Drop(usize),
    /// Drops it on another thread.
    DropElsewhere(usize),
    Detach(usize),
    Prefill(usize),
    Put,
    Trim,
    /// Grows the data of the guard at this index (a request that wrote something).
    Write(usize, usize),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        4 => Just(Op::Get),
        2 => Just(Op::GetOwned),
        2 => Just(Op::TryGet),
        4 => any::<usize>().prop_map(Op::Drop),
        2 => any::<usize>().prop_map(Op::DropElsewhere),
        1 => any::<usize>().prop_map(Op::Detach),
        1 => (0usize..4).prop_map(Op::Prefill),
        1 => Just(Op::Put),
        1 => Just(Op::Trim),
        3 => (any::<usize>(), 0usize..300).prop_map(|(i, n)| Op::Write(i, n)),
    ]
}

/// The identity stated in `Stats`'s docs.
fn identity_holds(s: &Stats) -> bool {
    s.creations + s.puts == s.idle + s.in_use + s.discards.total() + s.detached + s.trimmed + s.aged
}

enum Guard<'a> {
    Borrowed(Pooled<'a, Obj>),
    Owned(PooledOwned<Obj>),
}

impl Guard<'_> {
    fn obj(&mut self) -> &mut Obj {
        match self {
            Guard::Borrowed(g) => g,
            Guard::Owned(g) => g,
        }
    }
}

/// Takes a guard into the model: its object is not out already, and is reset.
fn handed_out(out: &mut HashSet<u64>, obj: &Obj) {
    assert!(out.insert(obj.id), "object {} handed out twice", obj.id);
    assert!(obj.data.is_empty(), "object {} not reset", obj.id);
}

fn run_pool(ops: &[Op], pool: &Arc<Pool<Obj>>, ids: &Ids) {
    let mut held: Vec<Guard<'_>> = Vec::new();
    let mut out = HashSet::new();
    for op in ops {
        match op.clone() {
            Op::Get => {
                let mut g = Guard::Borrowed(pool.get());
                handed_out(&mut out, g.obj());
                held.push(g);
            }
            Op::GetOwned => {
                let mut g = Guard::Owned(pool.get_owned());
                handed_out(&mut out, g.obj());
                held.push(g);
            }
            Op::TryGet => {
                if let Some(g) = pool.try_get() {
                    let mut g = Guard::Borrowed(g);
                    handed_out(&mut out, g.obj());
                    held.push(g);
                }
            }
            Op::Write(i, n) if !held.is_empty() => {
                let len = held.len();
                held[i % len].obj().data.extend((0..n).map(|b| b as u8));
            }
            Op::Drop(i) if !held.is_empty() => {
                let len = held.len();
                let mut g = held.swap_remove(i % len);
                out.remove(&g.obj().id);
            }
            Op::DropElsewhere(i) if !held.is_empty() => {
                let len = held.len();
                let mut g = held.swap_remove(i % len);
                out.remove(&g.obj().id);
                std::thread::scope(|s| {
                    s.spawn(move || drop(g));
                });
            }
            Op::Detach(i) if !held.is_empty() => {
                let len = held.len();
                let obj = match held.swap_remove(i % len) {
                    Guard::Borrowed(g) => Pooled::detach(g),
                    Guard::Owned(g) => PooledOwned::detach(g),
                };
                assert!(out.remove(&obj.id));
            }
            Op::Prefill(n) => {
                pool.prefill(n);
            }
            Op::Put => pool.put(ids.next()),
            Op::Trim => {
                pool.trim();
            }
            _ => {}
        }
        let s = pool.stats();
        assert_eq!(s.in_use, held.len() as u64, "after {op:?}: {s}");
        assert!(identity_holds(&s), "after {op:?}: {s:?}");
    }
}

fn run_local(ops: &[Op], pool: &LocalPool<Obj>, ids: &Ids) {
    let mut held: Vec<LocalPooled<'_, Obj>> = Vec::new();
    let mut out = HashSet::new();
    for op in ops {
        match op.clone() {
            Op::Get | Op::GetOwned => {
                let g = pool.get();
                handed_out(&mut out, &g);
                held.push(g);
            }
            Op::TryGet => {
                if let Some(g) = pool.try_get() {
                    handed_out(&mut out, &g);
                    held.push(g);
                }
            }
            Op::Write(i, n) if !held.is_empty() => {
                let len = held.len();
                held[i % len].data.extend((0..n).map(|b| b as u8));
            }
            Op::Drop(i) | Op::DropElsewhere(i) if !held.is_empty() => {
                let len = held.len();
                let g = held.swap_remove(i % len);
                out.remove(&g.id);
            }
            Op::Detach(i) if !held.is_empty() => {
                let len = held.len();
                let obj = LocalPooled::detach(held.swap_remove(i % len));
                assert!(out.remove(&obj.id));
            }
            Op::Prefill(n) => {
                pool.prefill(n);
            }
            Op::Put => pool.put(ids.next()),
            Op::Trim => {
                pool.trim();
            }
            _ => {}
        }
        let s = pool.stats();
        assert_eq!(s.in_use, held.len() as u64, "after {op:?}: {s}");
        assert!(identity_holds(&s), "after {op:?}: {s:?}");
    }
}

enum BufGuard<'a> {
    Borrowed(Buffer<'a>),
    Owned(BufferOwned),
}

impl BufGuard<'_> {
    fn buf(&mut self) -> &mut Vec<u8> {
        match self {
            BufGuard::Borrowed(g) => g,
            BufGuard::Owned(g) => g,
        }
    }
}

/// The sizes a buffer get asks for: each class, between classes, and above the largest.
const SIZES: [usize; 6] = [1, 100, 4096, 5000, 70_000, 2 << 20];

fn run_buffers(ops: &[Op], pool: &Arc<BufferPool>) {
    let mut held: Vec<BufGuard<'_>> = Vec::new();
    let mut out = HashSet::new();
    let mut next = 0usize;
    for op in ops {
        match op.clone() {
            Op::Get | Op::GetOwned | Op::TryGet => {
                next += 1;
                let n = SIZES[next % SIZES.len()];
                let mut g = match op {
                    Op::GetOwned => BufGuard::Owned(pool.get_owned(n)),
                    Op::TryGet => BufGuard::Borrowed(pool.try_get(n).expect("within max_buffer")),
                    _ => BufGuard::Borrowed(pool.get(n)),
                };
                let buf = g.buf();
                assert!(buf.is_empty() && buf.capacity() >= n);
                assert!(
                    out.insert(buf.as_ptr() as usize),
                    "a buffer handed out twice"
                );
                held.push(g);
            }
            Op::Write(i, n) if !held.is_empty() => {
                let len = held.len();
                held[i % len].buf().extend((0..n).map(|b| b as u8));
            }
            Op::Drop(i) if !held.is_empty() => {
                let len = held.len();
                let mut g = held.swap_remove(i % len);
                out.remove(&(g.buf().as_ptr() as usize));
            }
            Op::DropElsewhere(i) if !held.is_empty() => {
                let len = held.len();
                let mut g = held.swap_remove(i % len);
                out.remove(&(g.buf().as_ptr() as usize));
                std::thread::scope(|s| {
                    s.spawn(move || drop(g));
                });
            }
            Op::Detach(i) if !held.is_empty() => {
                let len = held.len();
                let buf = match held.swap_remove(i % len) {
                    BufGuard::Borrowed(g) => Buffer::detach(g),
                    BufGuard::Owned(g) => BufferOwned::detach(g),
                };
                assert!(out.remove(&(buf.as_ptr() as usize)));
            }
            Op::Put => pool.put(Vec::with_capacity(4096)),
            Op::Trim => {
                pool.trim();
            }
            _ => {}
        }
        // Gets above the largest class are served fresh and not counted in the classes.
        let fresh = held
            .iter_mut()
            .filter(|g| match g {
                BufGuard::Borrowed(g) => g.capacity() > 1 << 20,
                BufGuard::Owned(g) => g.capacity() > 1 << 20,
            })
            .count() as u64;
        let s = pool.stats();
        assert_eq!(s.in_use + fresh, held.len() as u64, "after {op:?}: {s}");
        assert!(identity_holds(&s), "after {op:?}: {s:?}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn pool_hands_out_each_object_once_and_keeps_the_identity(
        ops in proptest::collection::vec(op(), 1..40),
        cache in 0usize..4,
        max_idle in prop_oneof![Just(usize::MAX), 0usize..4],
    ) {
        let ids = Arc::new(Ids::default());
        let factory = Arc::clone(&ids);
        let pool = Arc::new(
            pool_core::PoolBuilder::from_factory(move || factory.next())
                .thread_cache(cache)
                .max_idle(max_idle)
                .max_retained_bytes(256)
                .build(),
        );
        run_pool(&ops, &pool, &ids);
    }

    #[test]
    fn local_pool_hands_out_each_object_once_and_keeps_the_identity(
        ops in proptest::collection::vec(op(), 1..40),
        max_idle in prop_oneof![Just(usize::MAX), 0usize..4],
    ) {
        let ids = Arc::new(Ids::default());
        let factory = Arc::clone(&ids);
        let pool = pool_core::LocalPoolBuilder::from_factory(move || factory.next())
            .max_idle(max_idle)
            .max_retained_bytes(256)
            .build();
        run_local(&ops, &pool, &ids);
    }

    #[test]
    fn buffer_pool_hands_out_each_buffer_once_and_keeps_the_identity(
        ops in proptest::collection::vec(op(), 1..40),
        cache in 0usize..4,
    ) {
        let pool = Arc::new(BufferPool::builder().thread_cache(cache).max_idle_per_class(3).build());
        run_buffers(&ops, &pool);
    }
}
