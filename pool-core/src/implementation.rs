//! How the pool works inside: notes for the next engineer. This module has no items.
//!
//! # The tiers
//! A [`Pool`](crate::Pool) holds, in `pool/`:
//!
//! - **one slot per thread** (`cache.rs`): a bounded stack of idle objects behind a small lock,
//!   aligned to 128 bytes so that no two threads' slots share a cache line. The pool owns the
//!   slots, not the threads: they live in a `thread_local::ThreadLocal` (the `thread_local`
//!   crate), which finds the calling thread's slot in a few instructions (a thread id cached in
//!   a thread-local, a bucket pointer, an index), and in a registry (`Mutex<Vec<Arc<..>>>`)
//!   that any thread can walk;
//! - **the shared tier** (`tier.rs`): a mutex around two stacks, `primary` and `victim`, that
//!   slots spill to and refill from in batches of `thread_cache / 2`;
//! - the factory, the bounds, and the counters of the rare events (creations, discards,
//!   detaches, the tier's trims) as shared atomics.
//!
//! `get` finds the thread's slot, locks it, pops, unlocks. A slot that is empty refills a batch
//! from the tier under the tier's lock; if the tier is empty too, the thread *steals*: it probes
//! up to four other slots (from a cursor that advances with every miss, so the cost of a miss
//! is bounded whatever the number of threads) and takes half of the first non-empty one's
//! objects, the oldest first. Only then does the factory run, with no lock held; a creation is
//! counted once the factory returned. Go keeps one `private` object per P out of stealing's
//! reach; this pool has no such object: every idle object can be stolen.
//!
//! A [`Pooled`](crate::Pooled) guard remembers the slot its object came from, and its drop
//! returns the object there without looking anything up: reset (catching a panic), check the
//! per-object byte bound, lock, push, unlock. A full slot first spills its oldest batch to the
//! tier. A [`PooledOwned`](crate::PooledOwned) guard is usually dropped by another task on
//! another thread, so it returns to the *dropping* thread's slot instead, and cross-thread
//! traffic flows back to the getter through the tier in batches (one lock per batch, not per
//! object) or, when the tier is empty, by stealing.
//!
//! # The owner/remote protocol
//! The owning thread takes its slot's lock for each `get` and `put`; `trim()`, stealing,
//! `stats()` and the pool's drop take it from other threads. Two protocols were on the table:
//!
//! - an uncontended per-slot lock: one atomic read-modify-write per operation on a line only
//!   the owner normally touches;
//! - an asymmetric fence (the owner writes a "busy" flag with plain stores and a compiler
//!   fence; a remote thread issues one `membarrier` system call, which makes every CPU execute
//!   a full fence, then reads the flag), as the `seize` crate does.
//!
//! A scratch loop on this 2-core machine (`thread_local` lookup, a stack of boxed 4 KiB
//! `Vec<u8>`, write 64 bytes, give back) measured 9.2 ns per operation with no protocol at all,
//! 11.2 ns with a compare-exchange lock and 11.2 ns with the asymmetric scheme's owner side:
//! the uncontended read-modify-write costs about 1 ns here, and the asymmetric fence would
//! have bought nothing measurable for a `libc` dependency, a system call per trim, a fallback
//! path and a protocol loom cannot model directly. So: the lock.
//!
//! It is not `std::sync::Mutex`, whose lock is a compare-exchange, whose unlock is a swap and
//! which checks for poison twice: with it, and a slot lookup on both sides, a `get` + `put`
//! took 187 instructions under callgrind. `SlotLock` is a test-and-test-and-set spin lock:
//! lock is one compare-exchange (Acquire), unlock one plain store (Release); a waiter spins 64
//! turns, then yields. Spinning is right because the lock is held for a few dozen instructions
//! and no user code (factory, `reset`, `retained_bytes`, `Drop`) ever runs under it: objects
//! that a trim or a drop releases are collected under the lock and dropped after it. Every
//! attempt is a compare-exchange, never a swap: loom found that a failed `try_lock` that
//! swapped `true` into a held lock could leave it held for good in its model. There is one
//! `unsafe` block for the lock (the guard's access to the state, with its SAFETY argument) and
//! one `unsafe impl Sync`.
//!
//! Lock order: registry, then a slot, then the tier. A thread holds at most one slot lock at a
//! time, and nobody waits for the registry while holding a slot, so a thief that holds the
//! registry may wait for a victim's lock without risk of deadlock.
//!
//! # Objects live in boxes
//! Every pooled object is boxed once, when the factory makes it, and stays in that box until it
//! is dropped or detached: slots, the tier and the guards hold the box. `get` and `put` move a
//! pointer, and `reset` runs in place. The first version moved `T` itself in and out of the
//! cache's `Vec`; for a 24-byte `Vec<u8>` that cost about 15 ns per operation in store-forwarding
//! stalls (a stack of `Box<Vec<u8>>` ran at ~12 ns where the stack of `Vec<u8>` took ~30 ns), and
//! for a request context of a few hundred bytes it is a `memcpy` each way. The price is one
//! allocation per object created, and one for [`Pool::put`](crate::Pool::put) of an object that
//! did not come from the pool. Each box is aligned to 128 bytes (`Slot<T>`, like crossbeam's
//! `CachePadded`): objects made by different threads would otherwise be small neighbouring
//! heap blocks, and a `Vec` header written on every use would bounce between cores.
//!
//! # Threads that exit, threads that never come back
//! The `thread_local` crate gives an exited thread's id, and so its slot with whatever it
//! cached, to the next new thread: the number of slots follows the peak number of live
//! threads, not the number of threads that ever used the pool. Nothing is flushed at thread
//! exit (the crate runs no destructor there); the objects stay reachable: a `get` on any thread
//! steals them, `trim()` ages them, and the pool's drop frees them. A live thread that used the
//! pool once and never again is the same case. A pool used from a thread-local destructor
//! after the crate released the thread's id (the narrow window of thread exit) goes straight to
//! the shared tier.
//!
//! # Trimming
//! There is no garbage collector to age a pool, so `trim()` does what Go's GC does to
//! `sync.Pool`, and reaches every tier itself:
//!
//! - the tier's `victim` stack is released and `primary` becomes the new `victim` (`get`
//!   takes from `primary` first);
//! - each slot, under its lock, releases the objects below its *low-water mark*: the fewest
//!   objects the slot held since the previous `trim()`. The stack is LIFO, so the objects below
//!   that mark were not touched for a whole period; everything above was pushed (used) since.
//!   Then the mark is set to the stack's length. One comparison per `get` keeps the mark.
//!
//! An object therefore survives one `trim` idle and is released by the second. Objects keep
//! their age when they move: a steal puts the stolen objects that were below the victim's mark
//! at the bottom of the thief's stack, under its mark; a spill sends the ones below the mark to
//! the tier's `victim` stack. (A refill from the tier counts as use: at most one extra period.)
//!
//! # Statistics
//! A slot's counters (reuses, returns, over-bound discards, trims) are plain integers written
//! under its lock: no atomic on the hot path beyond the lock itself. `stats()` walks the
//! registry, locks each slot in turn and adds its counters, its idle objects and their
//! `retained_bytes` (kept per object, computed once on return), then the tier and the shared
//! totals. Exact when no other thread uses the pool; a little stale while they do (an object
//! moving from a slot to the tier between two reads can be counted twice or not at all).
//!
//! # On 64 cores
//! This machine has two, so here is what the design does at 64, from its structure:
//!
//! - **Hot path** (`get`/`put` that hit the thread's slot): one compare-exchange and one store
//!   on the slot's own 128-byte line, which stays in that core's cache in Modified state; the
//!   pool's read-only fields (factory, limits, the `ThreadLocal` buckets) are shared lines that
//!   every core caches in Shared state and nobody writes. Nothing is written that another core
//!   reads, so the hot path scales linearly: no shared counter, no shared lock.
//! - **Batches**: a slot that runs dry or overflows takes the tier's mutex once per
//!   `thread_cache / 2` operations (8 by default). With 64 threads all missing at once, that is
//!   one contended mutex; a service whose threads each get and put their own objects never
//!   touches it. Raise `thread_cache` for bursty producer/consumer traffic.
//! - **Stealing**: only when both the slot and the tier are empty; it takes the registry mutex
//!   (shared by all thieves) and locks at most five slots. Its cost does not grow with the
//!   number of threads.
//! - **Cross-thread returns**: a `Pooled` dropped on another thread locks its home slot, so
//!   that slot's line moves between two cores (two line transfers per object); `PooledOwned`
//!   returns to the local slot and moves objects back through the tier in batches, and its
//!   `Arc<Pool>` reference count is one more shared line written per `get_owned` and drop.
//! - **`trim()`**: locks the tier, then every slot in turn: 64 slots, one line transfer each,
//!   and each owner that runs into the trimmer waits for one slot's drain. The
//!   `pool_ops/trim_64x16` bench measures it with 64 threads on this machine.
//! - **`stats()`**: the same walk, without the release.
//!
//! # Re-entrancy
//! User code never runs under any pool lock, so a factory, a `reset` or a `Drop` may use the
//! pool itself (a pool of objects whose drop returns something to the same pool is tested).
//!
//! # Loom
//! `sync.rs` swaps the atomics, the `UnsafeCell` behind the slot lock and the mutexes for
//! loom's under `--cfg loom`, and `ThreadLocal` for a small stand-in (loom runs its threads on
//! one OS thread). The models in `tests/loom.rs` cover the owner's get/put racing with the
//! slot/tier exchange, with `trim()`, with a thief, and with the pool's drop.
