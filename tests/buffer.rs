//! Behaviour of `BufferPool`: size classes, re-filing of grown buffers, unpooled requests, I/O.

use std::io::{Read, Write};
use std::sync::Arc;

use pool_core::{Buffer, BufferPool};

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
    let per_class: Vec<_> = pool.class_stats().map(|(size, s)| (size, s.idle)).collect();
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
        .classes([1024, 0, 256, 1024])
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
