//! How the pool works inside: notes for the next engineer. This module has no items.
//!
//! # The tiers
//! A [`Pool`](crate::Pool) is an `Arc` of shared state: the factory, the bounds, the *shared
//! tier* (a mutex around two stacks of idle objects, `primary` and `victim`), a trim epoch, and
//! the registry of per-thread statistics.
//!
//! Each thread owns a *registry*: a `thread_local!` vector of caches, one per pool it has used,
//! keyed by the pool's unique id (ids are never reused, so a dead pool's cache can never be
//! mistaken for a new one's). A cache is a bounded stack of idle objects plus counters. The
//! thread owns its caches; the pool holds only a `Weak`-free view of their counters.
//!
//! `get` looks up the thread's cache (a short linear scan: threads use few pools), pops an object
//! and returns it in a guard. That path takes no lock and writes only the cache's own counters,
//! which live on a cache line of their own (`#[repr(align(128))]`) with plain relaxed stores,
//! not read-modify-writes. An empty cache refills a batch (`thread_cache / 2`) from the shared
//! tier under its lock; if the tier is empty too, the factory runs, outside every borrow. Drop
//! resets the object (catching a panic), measures `retained_bytes`, and pushes it on the cache; a
//! full cache first spills its oldest batch to the tier. Objects move in batches, so the tier's
//! lock is taken once per batch, not per operation, and two threads that each get and put
//! their own objects never touch it at all.
//!
//! # Objects live in boxes
//! Every pooled object is boxed once, when the factory makes it, and stays in that box until it
//! is dropped or detached: caches, the tier and the guards hold `Box<T>`. `get` and `put` move a
//! pointer, and `reset` runs in place. The first version moved `T` itself in and out of the
//! cache's `Vec`; for a 24-byte `Vec<u8>` that cost about 15 ns per operation in store-forwarding
//! stalls (a stack of `Box<Vec<u8>>` ran at ~12 ns where the stack of `Vec<u8>` took ~30 ns), and
//! for a request context of a few hundred bytes it is a `memcpy` each way. The price is one
//! allocation per object created, and one for [`Pool::put`](crate::Pool::put) of an object that
//! did not come from the pool.
//!
//! Each box is aligned to 128 bytes (`Slot<T>`, like crossbeam's `CachePadded`), and so is each
//! thread cache: objects made by different threads would otherwise be small neighbouring heap
//! blocks, and a `Vec` header written on every use would bounce between cores.
//!
//! The registry keeps the pool used last at the front, so finding the cache is one comparison;
//! the boxed cache is then cast back to `Cache<T>` (one `unsafe` block: a pool id is unique and
//! always maps to the same `T`), which saved the `dyn Any` downcast's two virtual calls.
//!
//! # Re-entrancy and thread exit
//! User code (factory, `reset`, `Drop`) never runs while a lock is held. It may run while the
//! thread's registry is borrowed (an object dropped because the cache and tier are full), so the
//! registry is only ever borrowed with `try_borrow_mut`: a nested pool operation from such code
//! finds it busy and goes straight to the shared tier. The same fallback serves the thread-exit
//! window, when `thread_local!` values are being destroyed.
//!
//! When a thread exits, its registry's destructor *flushes* each cache: objects go to their
//! pool's shared tier (as far as `max_idle` allows), counters are added to the pool's totals. So
//! memory follows the number of live threads, not of threads that ever used the pool. A cache
//! holds a `Weak` to its pool: if the pool is gone, the flush just drops the objects. Dropping a
//! pool drops its shared tier and the dropping thread's cache at once; other live threads drop
//! their (orphaned) caches the next time they register a cache for any pool, or when they exit.
//!
//! # Trimming
//! There is no garbage collector to age a pool, so `trim()` does what Go's GC does to
//! `sync.Pool`: the tier's `victim` stack is released and `primary` becomes the new `victim`
//! (`get` takes from `primary` first, then `victim`). An object therefore survives one trim idle
//! and is released by the second. `trim()` also bumps the epoch. Each cache tracks its low-water
//! mark, the fewest objects it held since it last saw the epoch change; when it sees a new epoch
//! (one relaxed load per operation), the objects below that mark were untouched for a whole
//! period and are released. An idle thread's cache is therefore trimmed when the thread next
//! uses the pool, and flushed when it exits; it is small and bounded in the meantime.
//!
//! # Statistics
//! Counters are kept per cache and summed by `stats()` under the registry lock, together with
//! the totals of exited threads and of the uncached fallback paths, which use `fetch_add`.
//!
//! # Loom
//! `sync.rs` swaps the mutexes, atomics and the thread-local for loom's under `--cfg loom`; the
//! models in `tests`/`loom` cover the cache-to-tier exchange, thread exit and `trim`.
