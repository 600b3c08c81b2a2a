//! Behaviour of `BufferPool`: size classes, re-filing of grown buffers, unpooled requests, I/O,
//! and the boundary: `max_buffer`, `try_get` for any size, and the builder's refusals.

use std::io::{Read, Write};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;

use pool_core::{
    Buffer, BufferError, BufferErrorKind, BufferPool, BufferPoolBuilder, DEFAULT_MAX_BUFFER,
};

#[test]
fn get_returns_an_empty_buffer_from_the_smallest_class_that_fits() {
    let pool = BufferPool::new();
    for (n, class) in [
        (0, 4 << 10),
        (1, 4 << 10),
        (4096, 4 << 10),
        (4097, 64 << 10),
        (1 << 20, 1 << 20),
    ] {
        let buf = pool.get(n);
        assert!(buf.is_empty());
        assert!(buf.capacity() >= n);
        assert!(
            buf.capacity() >= class && buf.capacity() < class * 2,
            "{n} -> {}",
            buf.capacity()
        );
    }
    assert_eq!(pool.unpooled_gets(), 0);
}

#[test]
fn buffers_are_reused_cleared() {
    let pool = BufferPool::new();
    let ptr = {
        let mut buf = pool.get(100);
        buf.extend_from_slice(b"secret request body");
        buf.as_ptr()
    };
    let buf = pool.get(200);
    assert_eq!(buf.as_ptr(), ptr);
    assert!(buf.is_empty());
    let s = pool.stats();
    assert_eq!((s.gets, s.reuses, s.creations), (2, 1, 1));
}

#[test]
fn a_grown_buffer_is_filed_in_the_class_it_now_fits() {
    let pool = BufferPool::new();
    {
        let mut buf = pool.get(10);
        buf.extend_from_slice(&vec![1u8; 100 << 10]); // grows past 64 KiB
    }
    let per_class: Vec<_> = pool.class_stats().map(|c| (c.size, c.stats.idle)).collect();
    assert_eq!(per_class, [(4 << 10, 0), (64 << 10, 1), (1 << 20, 0)]);
    // The next 64 KiB request reuses it.
    let buf = pool.get(64 << 10);
    assert!(buf.capacity() >= 100 << 10);
    assert_eq!(pool.stats().creations, 1);
}

#[test]
fn requests_above_the_largest_class_are_served_fresh_and_not_kept() {
    let pool = BufferPool::new();
    drop(pool.get(4 << 20));
    assert_eq!(pool.unpooled_gets(), 1);
    assert_eq!(pool.stats().idle, 0);
    {
        let mut buf = pool.get(1 << 20);
        buf.extend_from_slice(&vec![0u8; (1 << 20) + 1]); // grew past the largest class
    }
    assert_eq!(
        pool.stats().idle,
        0,
        "a buffer larger than the largest class is dropped"
    );
}

#[test]
fn guards_work_with_std_io() {
    let pool = BufferPool::new();
    let mut buf = pool.get(64 << 10);
    let mut reader: &[u8] = b"GET / HTTP/1.1\r\nhost: example.com\r\n\r\n";
    reader.read_to_end(&mut buf).unwrap();
    assert!(buf.starts_with(b"GET / "));
    let mut out = pool.get(16);
    write!(out, "{} bytes", buf.len()).unwrap();
    out.flush().unwrap();
    assert_eq!(&out[..], b"37 bytes");
    let detached: Vec<u8> = Buffer::detach(out);
    assert_eq!(detached, b"37 bytes");
}

#[test]
fn custom_classes_and_bytes_mut() {
    let pool: BufferPool<bytes::BytesMut> = BufferPool::builder()
        .classes([1024, 256, 1024])
        .thread_cache(0)
        .max_idle_per_class(1)
        .build();
    assert_eq!(pool.classes().collect::<Vec<_>>(), [256, 1024]);
    {
        let mut a = pool.get(100);
        a.extend_from_slice(b"abc");
        let _b = pool.get(100);
    }
    let s = pool.stats();
    assert_eq!((s.idle, s.discards.over_idle_bound), (1, 1));
    assert!(pool.get(100).is_empty());
}

#[test]
fn owned_buffers_cross_threads() {
    let pool = Arc::new(BufferPool::new());
    let handles: Vec<_> = (0..4)
        .map(|i| {
            let mut buf = pool.get_owned(64 << 10);
            std::thread::spawn(move || {
                buf.extend_from_slice(&[i; 1000]);
                assert!(buf.iter().all(|&b| b == i));
            })
        })
        .collect();
    for h in handles {
        h.join().unwrap();
    }
    assert_eq!(pool.stats().returns, 4);
    pool.trim();
    pool.trim();
    assert_eq!(pool.stats().idle, 0);
}

/// Asserts that `err` refuses `n` against `limit`, and that its message says both.
fn assert_refused(err: &BufferError, n: usize, limit: usize, kind: BufferErrorKind) {
    assert_eq!((err.requested(), err.limit(), err.kind()), (n, limit, kind));
    let msg = err.to_string();
    assert!(msg.contains(&format!("{n} bytes")), "{msg}");
    assert!(msg.contains(&format!("({limit} bytes)")), "{msg}");
    if kind == BufferErrorKind::AboveMaxBuffer {
        assert!(msg.contains("above `max_buffer`"), "{msg}");
    }
    // The project's message style: lowercase, "problem; fix", no trailing period.
    assert!(msg.starts_with(char::is_lowercase) && msg.contains("; ") && !msg.ends_with('.'));
}

#[test]
fn try_get_refuses_any_huge_size_with_a_readable_error() {
    let pool = BufferPool::new();
    for n in [
        usize::MAX,
        isize::MAX as usize,
        1 << 62,
        DEFAULT_MAX_BUFFER + 1,
    ] {
        let err = pool.try_get(n).expect_err("a size above max_buffer");
        assert_refused(&err, n, DEFAULT_MAX_BUFFER, BufferErrorKind::AboveMaxBuffer);
    }
    let owned = Arc::new(BufferPool::new());
    let err = owned
        .try_get_owned(usize::MAX)
        .expect_err("above max_buffer");
    assert_refused(
        &err,
        usize::MAX,
        DEFAULT_MAX_BUFFER,
        BufferErrorKind::AboveMaxBuffer,
    );
    assert_eq!(pool.refused_gets(), 4);
    assert_eq!((pool.unpooled_gets(), pool.stats().gets), (0, 0));
    // The error is a std error, for `?` into `Box<dyn Error>` and friends.
    let boxed: Box<dyn std::error::Error + Send + Sync> = Box::new(err);
    assert!(boxed.to_string().contains(&usize::MAX.to_string()));
}

#[test]
#[cfg_attr(
    miri,
    ignore = "miri stops at a 1 << 62-byte allocation (resource exhaustion) instead of failing it"
)]
fn without_a_limit_the_allocators_failure_is_an_error_not_an_abort() {
    let pool: BufferPool = BufferPool::builder().max_buffer(usize::MAX).build();
    for n in [usize::MAX, isize::MAX as usize, 1 << 62] {
        let err = pool.try_get(n).expect_err("no allocator serves this");
        assert_refused(&err, n, usize::MAX, BufferErrorKind::AllocFailed);
        assert!(err.to_string().contains("the allocator could not serve"));
    }
    assert!(pool.try_get(8 << 20).expect("a plain size").capacity() >= 8 << 20);
}

#[test]
fn get_panics_with_the_same_message_and_keeps_serving() {
    let pool = BufferPool::new();
    drop(pool.get(100));
    let expected = pool.try_get(usize::MAX).unwrap_err().to_string();
    let payload = catch_unwind(AssertUnwindSafe(|| drop(pool.get(usize::MAX))))
        .expect_err("get(usize::MAX) panics");
    let message = payload
        .downcast_ref::<String>()
        .expect("a formatted panic message");
    assert_eq!(*message, expected);
    let owned = Arc::new(BufferPool::new());
    assert!(catch_unwind(AssertUnwindSafe(|| drop(owned.get_owned(1 << 62)))).is_err());
    // Still serving, from the buffer it held before.
    let mut buf = pool.get(100);
    buf.extend_from_slice(b"after the panic");
    assert_eq!(&buf[..], b"after the panic");
    drop(buf);
    let s = pool.stats();
    assert_eq!((s.gets, s.creations, s.reuses, s.idle), (2, 1, 1, 1));
    assert!(owned.get_owned(64).capacity() >= 64);
}

#[test]
fn max_buffer_serves_exactly_its_size_and_refuses_one_byte_more() {
    let pool: BufferPool = BufferPool::builder().max_buffer(1 << 20).build();
    assert_eq!(pool.max_buffer(), 1 << 20);
    let buf = pool.try_get(1 << 20).expect("exactly max_buffer is served");
    assert!(buf.capacity() >= 1 << 20);
    drop(buf);
    let err = pool
        .try_get((1 << 20) + 1)
        .expect_err("one byte more is refused");
    assert_refused(
        &err,
        (1 << 20) + 1,
        1 << 20,
        BufferErrorKind::AboveMaxBuffer,
    );
    // Above the largest class but within the limit: served fresh.
    let pool: BufferPool = BufferPool::builder().max_buffer(4 << 20).build();
    assert!(pool.try_get(4 << 20).expect("within the limit").capacity() >= 4 << 20);
    assert_eq!(pool.unpooled_gets(), 1);
    assert!(pool.try_get((4 << 20) + 1).is_err());
    assert_eq!(pool.refused_gets(), 1);
}

#[test]
fn the_default_limit_is_64_mib_or_the_largest_class() {
    assert_eq!(BufferPool::new().max_buffer(), 64 << 20);
    assert!(BufferPool::new().try_get(64 << 20).is_ok());
    let big: BufferPool = BufferPool::builder().classes([128 << 20]).build();
    assert_eq!(big.max_buffer(), 128 << 20);
    // Default classes above an explicit limit are left out.
    let small: BufferPool = BufferPool::builder().max_buffer(64 << 10).build();
    assert_eq!(small.classes().collect::<Vec<_>>(), [4 << 10, 64 << 10]);
}

#[test]
#[cfg_attr(
    miri,
    ignore = "miri stops at a 1 << 62-byte allocation (resource exhaustion) instead of failing it"
)]
fn bytes_mut_buffers_are_allocated_fallibly_too() {
    let pool: BufferPool<bytes::BytesMut> = BufferPool::builder().max_buffer(usize::MAX).build();
    let err = pool.try_get(1 << 62).expect_err("no allocator serves this");
    assert_eq!(err.kind(), BufferErrorKind::AllocFailed);
    // Above the largest class: reserved in a Vec, taken over by BytesMut with its capacity.
    let buf = pool.try_get(3 << 20).expect("a plain size");
    assert!(buf.capacity() >= 3 << 20 && buf.is_empty());
    assert!(pool.get(100).capacity() >= 4 << 10);
}

/// The panic message of `build()` for `builder`.
fn build_panic(builder: BufferPoolBuilder<Vec<u8>>) -> String {
    let payload = catch_unwind(AssertUnwindSafe(|| drop(builder.build())))
        .expect_err("build() refuses this configuration");
    match payload.downcast::<String>() {
        Ok(msg) => *msg,
        Err(payload) => (*payload.downcast::<&str>().expect("a str panic")).to_owned(),
    }
}

#[test]
fn build_refuses_configurations_that_can_only_be_mistakes() {
    let cases: [(BufferPoolBuilder<Vec<u8>>, &str); 6] = [
        (
            BufferPool::builder().classes([]),
            "`BufferPoolBuilder::classes` got no size",
        ),
        (
            BufferPool::builder().classes([0, 4096]),
            "`BufferPoolBuilder::classes` got a class of 0 bytes",
        ),
        (
            BufferPool::builder()
                .classes([4096, 2 << 20])
                .max_buffer(1 << 20),
            "`BufferPoolBuilder::classes` got a class of 2097152 bytes, above `max_buffer` (1048576 bytes)",
        ),
        (
            BufferPool::builder().max_buffer(0),
            "`BufferPoolBuilder::max_buffer(0)`",
        ),
        (
            BufferPool::builder().max_buffer(1000),
            "`BufferPoolBuilder::max_buffer(1000)` is below the smallest default class (4096 bytes)",
        ),
        (
            BufferPool::builder().thread_cache(1 << 40),
            "`BufferPoolBuilder::thread_cache(1099511627776)`",
        ),
    ];
    for (builder, expected) in cases {
        let msg = build_panic(builder);
        assert!(
            msg.starts_with(expected),
            "{msg:?} does not start with {expected:?}"
        );
        assert!(msg.contains("; ") && !msg.ends_with('.'), "{msg}");
    }
}

#[test]
fn builder_extremes_that_are_not_mistakes_work() {
    // Nothing kept anywhere: every get is fresh, every return dropped.
    let none: BufferPool = BufferPool::builder()
        .max_idle_per_class(0)
        .thread_cache(0)
        .build();
    drop(none.get(100));
    drop(none.get(100));
    let s = none.stats();
    assert_eq!((s.creations, s.idle, s.discards.over_idle_bound), (2, 0, 2));
    // Huge bounds: unbounded, nothing reserved up front.
    let all: BufferPool = BufferPool::builder()
        .max_idle_per_class(usize::MAX)
        .thread_cache(1 << 16)
        .classes([1, usize::MAX])
        .max_buffer(usize::MAX)
        .build();
    assert!(all.get(1).capacity() >= 1);
    assert_eq!(
        all.try_get(2).unwrap_err().kind(),
        BufferErrorKind::AllocFailed
    );
    // The huge class's failed allocation is refused and counts nothing (no get, no creation
    // left in use).
    let s = all.stats();
    assert_eq!((s.gets, s.creations, s.in_use), (1, 1, 0), "{s}");
    assert!(all.get(1).capacity() >= 1, "the pool is still usable");
}

#[test]
fn detached_buffers_are_counted_and_leave_the_identity_true() {
    let pool = Arc::new(BufferPool::new());
    let kept: Vec<u8> = Buffer::detach(pool.get(100));
    let owned: Vec<u8> = pool_core::BufferOwned::detach(pool.get_owned(70_000));
    assert!(kept.capacity() >= 100 && owned.capacity() >= 70_000);
    let s = pool.stats();
    assert_eq!((s.gets, s.creations, s.detached, s.returns), (2, 2, 2, 0));
    // Served fresh above the largest class: in `unpooled_gets`, not in the classes' counts.
    drop(Buffer::detach(pool.get(4 << 20)));
    assert_eq!((pool.stats().detached, pool.unpooled_gets()), (2, 1));
}

#[test]
fn a_buffer_grown_past_the_largest_class_is_counted_as_an_oversized_discard() {
    let pool = BufferPool::new();
    {
        let mut buf = pool.get(1 << 20);
        buf.extend_from_slice(&vec![0u8; (1 << 20) + 1]);
    }
    let s = pool.stats();
    assert_eq!(
        (s.gets, s.returns, s.discards.oversized, s.idle),
        (1, 1, 1, 0)
    );
    assert_eq!(
        s.creations,
        s.idle + s.discards.total() + s.detached + s.trimmed
    );
    // One served fresh above the largest class is not counted in the classes' stats at all.
    drop(pool.get(4 << 20));
    assert_eq!(
        (pool.stats().returns, pool.stats().discards.oversized),
        (1, 1)
    );
}

/// A mixed workload: reuses, growth within and past the classes, detaches, trims, buffers still
/// held. Afterwards `creations == idle + in use + discards + detached + trimmed`.
#[test]
fn stats_identity_holds_after_a_mixed_workload() {
    let pool: BufferPool = BufferPool::builder()
        .thread_cache(2)
        .max_idle_per_class(3)
        .build();
    let mut held = Vec::new();
    for i in 0..200usize {
        let mut buf = pool.get([10, 5000, 70_000, 1 << 20][i % 4]);
        match i % 7 {
            0 => buf.extend_from_slice(&vec![1; 100 << 10]), // grows into a larger class
            1 => buf.extend_from_slice(&vec![1; (1 << 20) + 1]), // grows past the largest
            2 => drop(Buffer::detach(buf)),
            3 if held.len() < 10 => held.push(buf),
            4 => pool.put(Vec::with_capacity(5000)), // a buffer the pool never made
            _ => {}
        }
        if i % 50 == 49 {
            pool.trim();
            pool.trim(); // the second releases what stayed idle since the first
        }
    }
    let s = pool.stats();
    let in_use = held.len() as u64;
    assert!(
        s.discards.oversized > 0 && s.detached > 0 && s.trimmed > 0 && s.puts > 0,
        "{s:?}"
    );
    assert_eq!(s.in_use, in_use, "{s:?}");
    assert_eq!(
        s.creations + s.puts,
        s.idle + s.in_use + s.discards.total() + s.detached + s.trimmed + s.aged,
        "{s:?}"
    );
    assert_eq!(s.gets + s.puts, s.returns + in_use + s.detached, "{s:?}");
}

#[test]
fn a_grown_buffer_shows_as_a_promotion_in_its_new_class_not_a_hit() {
    let pool = BufferPool::new();
    {
        let mut buf = pool.get(10);
        buf.extend_from_slice(&vec![1u8; 100 << 10]); // 4 KiB class -> 64 KiB class
    }
    {
        let mut buf = pool.get(64 << 10); // reuses it: a 64 KiB get, grown within its class
        buf.extend_from_slice(&vec![1u8; 200 << 10]);
    }
    let per_class: Vec<_> = pool
        .class_stats()
        .map(|c| {
            (
                c.size,
                c.stats.gets,
                c.stats.returns,
                c.stats.idle,
                c.promoted,
            )
        })
        .collect();
    assert_eq!(
        per_class,
        [
            (4 << 10, 1, 0, 0, 0),
            (64 << 10, 1, 2, 1, 1), // one promotion, one return of its own
            (1 << 20, 0, 0, 0, 0),
        ]
    );
    let line = pool.class_stats().nth(1).unwrap().to_string();
    assert!(line.starts_with("64 KiB: gets=1 "), "{line}");
    assert!(line.ends_with(" promoted=1"), "{line}");
    assert_eq!(
        pool.class_stats()
            .nth(2)
            .unwrap()
            .to_string()
            .split(':')
            .next(),
        Some("1 MiB")
    );
}
