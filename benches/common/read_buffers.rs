//! `read_buffers`: 64 KiB read buffers as a network server uses them: get one, read what the
//! peer sent (16 KiB, from an in-memory source), checksum it, release the buffer.
//!
//! A `Vec<u8>` with capacity and length 0 is read into with `Read::take(..).read_to_end`, which
//! writes into the spare capacity without zeroing it. APIs that hand out an initialised slice
//! (`vec![0; 64 KiB]`, `zeropool::ZeroPool::alloc`) are read into with `Read::read`; they zero
//! the whole 64 KiB first, which is their price. `zeropool_uninit_exact_16k` is zeropool's
//! fastest path (`alloc_uninit(len).write_from_slice(data)`): it needs the length in advance and
//! a slice rather than a reader, so it is a best case for zeropool, not a read.

use std::cell::RefCell;
use std::hint::black_box;
use std::io::Read;
use std::sync::LazyLock;

use pool_core::{BufferPool, LocalPool, Pool};

use super::{Contender, Object, other_pools};

/// The size of a read buffer.
pub(crate) const BUF: usize = 64 << 10;
/// How much each read delivers.
pub(crate) const MSG: usize = 16 << 10;

static SOURCE: LazyLock<Vec<u8>> = LazyLock::new(|| (0..MSG).map(|i| (i * 31 + 7) as u8).collect());

/// The bytes the peer sent.
#[inline(always)]
fn source() -> &'static [u8] {
    black_box(&SOURCE[..])
}

/// Reads what is available (at most a buffer's worth) into the spare capacity of `buf`.
#[inline(always)]
fn read_into_spare(buf: &mut Vec<u8>) -> usize {
    source()
        .take(BUF as u64)
        .read_to_end(buf)
        .expect("reading memory cannot fail")
}

/// Reads into an initialised slice.
#[inline(always)]
fn read_into_slice(buf: &mut [u8]) -> usize {
    source().read(buf).expect("reading memory cannot fail")
}

/// The processing: a checksum of the bytes read.
#[inline(always)]
fn process(data: &[u8]) {
    let sum = data
        .iter()
        .fold(0u32, |acc, &b| acc.wrapping_add(u32::from(b)));
    black_box(sum);
}

/// One read into a `Vec<u8>` with room for [`BUF`] bytes and length 0.
#[inline(always)]
fn serve(buf: &mut Vec<u8>) {
    let n = read_into_spare(buf);
    process(&buf[..n]);
}

/// A 64 KiB read buffer held by the other pools (cleared, capacity kept, on reset).
pub(crate) struct ReadBuf(Vec<u8>);

impl Object for ReadBuf {
    fn create() -> Self {
        ReadBuf(Vec::with_capacity(BUF))
    }
    fn clean(&mut self) {
        self.0.clear();
    }
}

fn serve_read_buf(buf: &mut ReadBuf, (): &mut (), _: u64) {
    serve(&mut buf.0);
}

fn new_buf() -> Vec<u8> {
    Vec::with_capacity(BUF)
}

/// Every contender (those built with [`Contender::shared`] also run in the 2-thread group).
pub(crate) fn contenders() -> Vec<Contender> {
    LazyLock::force(&SOURCE);
    let buffers = BufferPool::new();
    let pool = Pool::with_factory(new_buf);
    let local = LocalPool::with_factory(new_buf);
    let zero = zeropool::ZeroPool::new();
    let zero_uninit = zeropool::ZeroPool::new();
    let floor = RefCell::new(new_buf());
    let mut all = vec![
        Contender::shared("pool_core_BufferPool", move |n| {
            for _ in 0..n {
                serve(&mut buffers.get(BUF));
            }
        }),
        Contender::shared("pool_core_Pool", move |n| {
            for _ in 0..n {
                serve(&mut pool.get());
            }
        }),
        Contender::local("pool_core_LocalPool", move |n| {
            for _ in 0..n {
                serve(&mut local.get());
            }
        }),
        Contender::shared("fresh_system_Vec_with_capacity", |n| {
            for _ in 0..n {
                serve(&mut new_buf());
            }
        }),
        // No pool at all: one buffer, cleared and reused (one thread): the read and the
        // checksum alone, which bound how much faster than another pool any pool can be (the
        // report's ceiling rows).
        Contender::local("floor_one_buffer_reused", move |n| {
            let mut buf = floor.borrow_mut();
            for _ in 0..n {
                buf.clear();
                serve(&mut buf);
            }
        }),
        Contender::shared("fresh_system_vec_zeroed", |n| {
            for _ in 0..n {
                let mut buf = vec![0u8; BUF];
                let len = read_into_slice(&mut buf);
                process(&buf[..len]);
            }
        }),
        Contender::shared("zeropool", move |n| {
            for _ in 0..n {
                let mut buf = zero.alloc(BUF);
                let len = read_into_slice(&mut buf);
                process(&buf[..len]);
            }
        }),
        Contender::shared("zeropool_uninit_exact_16k", move |n| {
            for _ in 0..n {
                let buf = zero_uninit.alloc_uninit(MSG).write_from_slice(source());
                process(&buf);
            }
        }),
    ];
    all.extend(other_pools("", serve_read_buf));
    all
}

/// The sizes the `size_classes` group asks for, in turn: one in each default class of
/// `BufferPool` (4 KiB, 64 KiB, 1 MiB) and two between them.
pub(crate) const SIZES: [usize; 5] = [1 << 10, 16 << 10, 64 << 10, 200 << 10, 1 << 20];

/// One size-class operation: 64 bytes written into the buffer, made observable.
#[inline(always)]
fn touch(buf: &mut Vec<u8>) {
    buf.extend_from_slice(black_box(&[0xA5u8; 64]));
    black_box(buf);
}

/// The `size_classes` contenders: `BufferPool::get(n)` against a fresh `Vec::with_capacity(n)`.
pub(crate) fn size_class_contenders() -> Vec<Contender> {
    let buffers = BufferPool::new();
    vec![
        Contender::shared("pool_core_BufferPool", move |n| {
            for i in 0..n {
                touch(&mut buffers.get(SIZES[i as usize % SIZES.len()]));
            }
        }),
        Contender::shared("fresh_system_Vec_with_capacity", |n| {
            for i in 0..n {
                touch(&mut Vec::with_capacity(SIZES[i as usize % SIZES.len()]));
            }
        }),
    ]
}
