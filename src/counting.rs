//! A counting global allocator for the benches and tests that report allocations per
//! operation: it forwards to `System` and counts, per thread, the calls that allocate and the
//! bytes they ask for.
//!
//! Each binary that wants the counts installs it:
//!
//! ```ignore
//! #[global_allocator]
//! static ALLOC: pool_suite::counting::CountingAllocator = pool_suite::counting::CountingAllocator;
//! ```
//!
//! [`snapshot`] reads this thread's counts, so a measurement is not disturbed by other threads
//! (a test harness runs tests in parallel); [`process_snapshot`] reads the whole process's, for
//! measurements that span threads. Both are only meaningful where the allocator is installed.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::sync::atomic::{AtomicU64, Ordering};

/// Allocating calls made by every thread.
static PROCESS_CALLS: AtomicU64 = AtomicU64::new(0);
/// Bytes those calls asked for.
static PROCESS_BYTES: AtomicU64 = AtomicU64::new(0);

thread_local! {
    /// Allocating calls (`alloc`, `alloc_zeroed`, `realloc`) made by this thread.
    static CALLS: Cell<u64> = const { Cell::new(0) };
    /// Bytes those calls asked for.
    static BYTES: Cell<u64> = const { Cell::new(0) };
}

/// Forwards to `System`, counting this thread's allocating calls and their bytes.
#[derive(Debug, Default, Clone, Copy)]
pub struct CountingAllocator;

fn count(bytes: usize) {
    // Relaxed: event counters, read after the counted threads synchronised with the reader
    // (a join or a barrier).
    PROCESS_CALLS.fetch_add(1, Ordering::Relaxed);
    PROCESS_BYTES.fetch_add(bytes as u64, Ordering::Relaxed);
    // `try_with`: the allocator also runs while this thread's locals are being torn down.
    let _ = CALLS.try_with(|n| n.set(n.get() + 1));
    let _ = BYTES.try_with(|n| n.set(n.get() + bytes as u64));
}

// SAFETY: every method forwards to `System` with the caller's arguments unchanged, so `System`'s
// guarantees hold; counting touches only `const`-initialised thread-local `Cell`s, which never
// allocate.
unsafe impl GlobalAlloc for CountingAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        count(layout.size());
        // SAFETY: the caller upholds `GlobalAlloc::alloc`'s contract, which `System` shares.
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        count(layout.size());
        // SAFETY: as for `alloc`.
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        count(new_size);
        // SAFETY: `ptr` was allocated by this allocator, i.e. by `System`, with `layout`.
        unsafe { System.realloc(ptr, layout, new_size) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` was allocated by this allocator, i.e. by `System`, with `layout`.
        unsafe { System.dealloc(ptr, layout) }
    }
}

/// What a piece of code allocated on this thread.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Counts {
    /// Allocating calls.
    pub allocations: u64,
    /// Bytes requested.
    pub bytes: u64,
}

/// This thread's counts so far.
pub fn snapshot() -> Counts {
    Counts {
        allocations: CALLS.with(Cell::get),
        bytes: BYTES.with(Cell::get),
    }
}

/// The whole process's counts so far (every thread's).
pub fn process_snapshot() -> Counts {
    Counts {
        allocations: PROCESS_CALLS.load(Ordering::Relaxed),
        bytes: PROCESS_BYTES.load(Ordering::Relaxed),
    }
}

/// Runs `f` and returns what it allocated on this thread (zero unless [`CountingAllocator`] is
/// the global allocator).
pub fn measure<R>(f: impl FnOnce() -> R) -> (R, Counts) {
    let before = snapshot();
    let result = f();
    let after = snapshot();
    (
        result,
        Counts {
            allocations: after.allocations - before.allocations,
            bytes: after.bytes - before.bytes,
        },
    )
}
