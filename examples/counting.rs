//! The examples' counting allocator: it forwards to `System` and counts this thread's
//! allocating calls, so an example can print what a loop allocated. Measurement scaffolding, not
//! part of what an example shows: `demo.rs` includes it as `mod counting;`, the integrations
//! package's `protobuf.rs` and its `axum_server` test through `#[path]`. (The benches and tests
//! use `pool_suite::counting`, which also counts bytes and every thread's calls, with atomics
//! that would slow the fresh-allocation loops these examples time.)

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

thread_local! {
    /// Allocating calls (`alloc`, `alloc_zeroed`, `realloc`) made by this thread.
    static CALLS: Cell<u64> = const { Cell::new(0) };
}

/// This thread's allocating calls so far.
pub(crate) fn allocations() -> u64 {
    CALLS.with(Cell::get)
}

fn count() {
    // `try_with`: the allocator also runs while this thread's locals are being torn down.
    let _ = CALLS.try_with(|n| n.set(n.get() + 1));
}

pub(crate) struct CountingAllocator;

// SAFETY: every method forwards to `System` with the caller's arguments unchanged, so
// `System`'s guarantees hold; counting touches only a `const`-initialised thread-local
// `Cell`, which never allocates.
unsafe impl GlobalAlloc for CountingAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        count();
        // SAFETY: the caller upholds `GlobalAlloc::alloc`'s contract, which `System` shares.
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        count();
        // SAFETY: as for `alloc`.
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        count();
        // SAFETY: `ptr` was allocated by this allocator, i.e. by `System`, with `layout`.
        unsafe { System.realloc(ptr, layout, new_size) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` was allocated by this allocator, i.e. by `System`, with `layout`.
        unsafe { System.dealloc(ptr, layout) }
    }
}
