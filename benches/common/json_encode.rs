//! `json_encode`: `serde_json::to_writer` of a small struct into a byte buffer, the Go seed's
//! `sync.Pool` example (`bytes.Buffer` + `json.NewEncoder`).

use std::cell::RefCell;
use std::hint::black_box;

use pool_core::{BufferPool, LocalPool, Pool};
use serde::Serialize;

use super::{Contender, Object, other_pools};

/// The encoded value: `{"id":42,"name":"sync-pool-test","tags":[...],"active":true}` (82 bytes).
#[derive(Serialize)]
pub(crate) struct Payload {
    id: u64,
    name: &'static str,
    tags: [&'static str; 3],
    active: bool,
}

/// The one value every operation encodes.
pub(crate) const PAYLOAD: Payload = Payload {
    id: 42,
    name: "sync-pool-test",
    tags: ["golang", "performance", "optimization"],
    active: true,
};

/// The capacity asked of `BufferPool` and of the pre-sized fresh buffer.
pub(crate) const HINT: usize = 256;

/// Encodes [`PAYLOAD`] into `w`.
#[inline(always)]
fn encode(w: impl std::io::Write) {
    serde_json::to_writer(w, black_box(&PAYLOAD)).expect("encoding into memory cannot fail");
}

/// Hands the encoded bytes on (to a socket, in a server).
#[inline(always)]
fn send(bytes: &[u8]) {
    black_box(bytes);
}

impl Object for Vec<u8> {
    fn create() -> Self {
        Vec::new()
    }
    fn clean(&mut self) {
        self.clear();
    }
}

fn encode_into(buf: &mut Vec<u8>, (): &mut (), _: u64) {
    encode(&mut *buf);
    send(buf);
}

/// No pool: one buffer, cleared and reused, that `write` encodes into.
fn one_vec_reused(write: impl Fn(&mut Vec<u8>) + 'static) -> impl Fn(u64) + 'static {
    let buf = RefCell::new(Vec::with_capacity(HINT));
    move |n| {
        let mut buf = buf.borrow_mut();
        for _ in 0..n {
            buf.clear();
            write(&mut buf);
            send(&buf);
        }
    }
}

/// Every contender.
pub(crate) fn contenders() -> Vec<Contender> {
    let pool: Pool<Vec<u8>> = Pool::new();
    let local: LocalPool<Vec<u8>> = LocalPool::new();
    let buffers = BufferPool::new();
    let buffers2 = BufferPool::new();
    let zero = zeropool::ZeroPool::new();
    let mut all = vec![
        Contender::shared("pool_core_Pool", move |n| {
            for _ in 0..n {
                let mut g = pool.get();
                encode(&mut *g);
                send(&g);
            }
        }),
        Contender::local("pool_core_LocalPool", move |n| {
            for _ in 0..n {
                let mut g = local.get();
                encode(&mut *g);
                send(&g);
            }
        }),
        // Into the `Vec<u8>` itself, as the `Pool` contenders write.
        Contender::shared("pool_core_BufferPool", move |n| {
            for _ in 0..n {
                let mut g = buffers.get(HINT);
                encode(&mut *g);
                send(&g);
            }
        }),
        // Into the guard, through its `io::Write`, as the guard's docs allow: slower, because
        // each of serde_json's ~25 small writes first loads where the buffer lives (the guard
        // holds a pointer to it), one dependent load more per write: 24 instructions more per
        // encode (1,555 to 1,580, callgrind), and more in time than that suggests.
        // `handmade_one_Vec_reused_through_two_refs` below pays the same with no pool at all.
        Contender::shared("pool_core_BufferPool_guard_as_writer", move |n| {
            for _ in 0..n {
                let mut g = buffers2.get(HINT);
                encode(&mut g);
                send(&g);
            }
        }),
        Contender::shared("fresh_system_Vec_new", |n| {
            for _ in 0..n {
                let mut v = Vec::new();
                encode(&mut v);
                send(&v);
            }
        }),
        Contender::shared("fresh_system_Vec_with_capacity_256", |n| {
            for _ in 0..n {
                let mut v = Vec::with_capacity(HINT);
                encode(&mut v);
                send(&v);
            }
        }),
        Contender::shared("fresh_system_serde_json_to_vec", |n| {
            for _ in 0..n {
                let v = serde_json::to_vec(black_box(&PAYLOAD)).expect("encoding cannot fail");
                send(&v);
            }
        }),
        // No pool at all: one buffer, cleared and reused. What every pool adds (a get and a
        // return) is the difference; it bounds how much faster than a fresh buffer any pool
        // can be (the report's ceiling rows).
        Contender::local("floor_one_Vec_reused", one_vec_reused(|buf| encode(buf))),
        // The control for `pool_core_BufferPool_guard_as_writer`: `floor_one_Vec_reused`
        // written through a second reference (`&mut &mut Vec<u8>`, the shape of a writer that
        // derefs to the buffer), no pool at all.
        Contender::local(
            "handmade_one_Vec_reused_through_two_refs",
            // The borrow clippy calls needless is what this contender measures.
            #[allow(clippy::needless_borrows_for_generic_args)]
            one_vec_reused(|mut buf| encode(&mut buf)),
        ),
        Contender::shared("zeropool", move |n| {
            for _ in 0..n {
                // `alloc(0)`: an empty buffer of the smallest class (4 KiB); writes append.
                let mut b = zero.alloc(0);
                encode(&mut b);
                send(&b);
            }
        }),
    ];
    all.extend(other_pools("", encode_into));
    all
}
