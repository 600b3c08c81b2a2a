//! How the pool works inside: notes for the next engineer. This module has no items.
//!
//! # The tiers
//! A [`Pool`](crate::Pool) holds, in `pool/`:
//!
//! - **one cache per thread** (`cache.rs`): an idle stack (`idle.rs`, the same stack a
//!   [`LocalPool`](crate::LocalPool) keeps) that only its owner thread touches on the hot path,
//!   with a pair of flags for the owner/remote protocol below, aligned to 128 bytes so that no
//!   two threads' caches share a cache line. The pool owns the caches, not the threads: they
//!   live in a `thread_local::ThreadLocal` (the `thread_local` crate), which finds the calling
//!   thread's cache in a few instructions (a thread id cached in a thread-local, a bucket
//!   pointer, an index), and in a registry (`Mutex<Vec<Arc<..>>>`) that any thread can walk;
//! - **the shared tier** (`tier.rs`): a mutex around two stacks, `primary` and `victim`, that
//!   caches spill to and refill from in batches of `thread_cache / 2`;
//! - the factory, the bounds, and the counters of the rare events (creations, discards,
//!   detaches, the tier's trims) as shared atomics. `lifecycle.rs` holds what both pools do to
//!   an object (factory call, reset and byte check on return, quiet drop).
//!
//! # The files, and the paths through them
//! | file | its one job |
//! |---|---|
//! | `idle.rs` | the idle stack (objects, low-water mark, counters): a `Pool`'s caches, a `LocalPool`, a buffer class's caches |
//! | `pool/cache.rs` | a thread's cache and the owner/remote protocol around its stack |
//! | `pool/owner.rs` | which thread owns a cache, how a thread finds its own; thread exit |
//! | `pool/tier.rs` | the shared tier and its victim generation |
//! | `pool/memory.rs` | the memory policy on the cold path: aging's deadline, the byte budget, the learned cut-off |
//! | `pool/live.rs` | the `max_live` cap and the queue of waiting gets (blocking and async) |
//! | `pool/mod.rs` | `Pool`'s public API, construction, `stats()`, drop |
//! | `pool/take.rs` | a get's paths: the hit, the refill, the steal, the creation, the wait at the cap |
//! | `pool/give.rs` | a return's paths: reset and check, the push, the spill, the discard, the wake-up |
//! | `pool/release.rs` | the passes over every cache and the tier: `trim()` and aging |
//! | `pool/guard.rs`, `guard.rs` | the guards (one macro: every guard has the same traits and counting) |
//! | `lifecycle.rs` | an object's life: factory call, reset and byte check, quiet drop |
//! | `stats.rs` | the counters (declared once) and the one assembly of `Stats` |
//! | `local.rs` | `LocalPool`: one stack behind a `RefCell` |
//! | `buffer/` | `BufferPool`: one `Pool` per size class |
//!
//! Each path goes down the layers and comes back with its result, never up again:
//! - **a get**: `Pool::get` (`mod.rs`) → `take.rs`: `owner::last` (the thread's last cache,
//!   `owner.rs`) → `Cache::take_fast` (`cache.rs`; the stack's `pop_plain`, `idle.rs`); on a
//!   miss → `Cache::take` → `refill` from `tier.rs` → `Pool::steal` (`cache.rs`'s
//!   `visit_revoked`, `idle.rs`'s `move_oldest_into`) → `lifecycle::call_factory`; with a cap,
//!   `live.rs` decides between creating and waiting;
//! - **a return**: a guard's drop (`guard.rs`) → `give.rs`: `lifecycle::prepare_return`
//!   (reset; `retained_bytes` only where a byte bound needs it) → `owner::last` →
//!   `Cache::put_fast` (`idle.rs`'s `push_if_room`); a full cache → `Cache::put` → `put_full`
//!   (the budget in `memory.rs`, a spill to `tier.rs`); a thread with no cache → the tier;
//!   while gets wait at the cap → the tier, and `live.rs` wakes one;
//! - **a steal**: `take.rs`'s `Pool::steal` → the registry's lock → `visit_revoked` (`cache.rs`:
//!   revoke, one heavy barrier, wait for each owner) → `Stack::move_oldest_into` (`idle.rs`);
//! - **an aging pass**: `release.rs`'s `Pool::tick` (every 1024th hit, a refill, the
//!   background trimmer) → `memory.rs`'s deadline → `Pool::release` → `Tier::trim` and, for
//!   each cache, `visit_revoked` → `Stack::trim_into` (`idle.rs`) → `lifecycle::release_all`,
//!   outside every lock.
//!
//! Every pool fills one `stats::Gathered` (its counters, its stacks' idle objects) and turns it
//! into `Stats` in one place.
//!
//! `get` finds the thread's cache and pops from its stack. A cache that is empty refills a batch
//! from the tier under the tier's lock; if the tier is empty too, the thread *steals* (below).
//! Only then does the factory run, with no lock held; a creation is counted once the factory
//! returned.
//!
//! A [`Pooled`](crate::Pooled) guard remembers the cache its object came through; its drop
//! compares that cache's owner with the dropping thread's token (one thread-local load) and,
//! on the owner thread, pushes there without any lookup: reset (catching a panic), check the
//! per-object byte bound, push. Dropped on any other thread, a guard, like every
//! [`PooledOwned`](crate::PooledOwned), returns its object to the *dropping* thread's own
//! cache, so cross-thread traffic flows back to the getter through the tier in batches (one
//! lock per batch, not per object). A full cache first spills its oldest batch to the tier.
//!
//! # The owner/remote protocol
//! A cache hit (a `get` that finds an object in its own cache, a guard dropped on the thread
//! that owns the cache) executes no atomic read-modify-write and no fence instruction. The
//! owner brackets each access to its stack with a *busy* flag:
//!
//! ```text
//! owner (every hit)                          remote (trim, stats, a last-resort steal)
//! busy = true            (relaxed store)     lock the registry (one remote at a time)
//! light barrier          (compiler fence)    revoke = true on every cache it wants
//! if revoke (acquire):   step out, wait      heavy barrier     (membarrier, once for all)
//! ... push / pop the stack ...               per cache: wait until busy (acquire) is false,
//! busy = false           (release store)       work on its stack, revoke = false (release)
//! ```
//!
//! **Proof sketch.** The heavy barrier makes every CPU running a thread of the process execute a
//! full fence, so each owner access behaves as if a `SeqCst` fence stood between its busy store
//! and its revoke load, and the remote has one between its revoke stores and its busy loads.
//! With two `SeqCst` fences, for each owner access either the owner's fence comes first in the
//! fences' total order, and then the remote's busy load reads that access's `true` (or its
//! later `false`, a release store whose acquire read publishes the access's writes) and waits;
//! or the remote's comes first, and then the owner reads `revoke == true` and does not touch
//! the stack. Clearing `revoke` is a release store that the owner's acquire load pairs with, so
//! the remote's writes are seen by the owner's next access. Remotes exclude each other by the
//! registry's lock; the pool's drop has the pool by `&mut`, so it needs no barrier. An owner
//! that finds its cache revoked steps out (busy `false`) and waits for the remote, which holds
//! the flag for one barrier and a walk of the caches and runs no user code meanwhile: using the
//! tier instead would create objects while the cache holds idle ones (the loom steal model
//! caught exactly that in a first version).
//!
//! **Deadlock freedom.** An owner inside an access may take the tier's lock (refill, spill),
//! never the registry; a remote waits for owners only while holding the registry, never the
//! tier (trim releases the tier's lock before it walks the caches, stats takes it after). A
//! thief steals into its own cache while holding the registry, outside any access of its own.
//!
//! **The barriers, per platform** (`barrier.rs`):
//!
//! | platform | owner (light) | remote (heavy) |
//! |---|---|---|
//! | Linux, Android (kernel 4.14+) | compiler fence: no instruction | `fence(SeqCst)` + `membarrier(MEMBARRIER_CMD_PRIVATE_EXPEDITED)` through `rustix`, registered once per process |
//! | Linux where the registration fails (old kernel, a seccomp filter) | `fence(SeqCst)` | `fence(SeqCst)` |
//! | other platforms | `fence(SeqCst)` | `fence(SeqCst)` |
//! | `--cfg loom` | `fence(SeqCst)` | `fence(SeqCst)` |
//!
//! The fallback is correct and slower on the hit path (a locked instruction, out of line).
//! `POOL_CORE_BARRIER=fence` in the environment before the first pool is built forces it; CI
//! runs the pool's tests both ways. (Windows' `FlushProcessWriteBuffers` would give it the
//! asymmetric pair too; it is not wired in, since no Windows toolchain is at hand to build it.)
//! `membarrier` costs a few microseconds per call, paid once per `trim()`, `stats()` or steal,
//! for all caches at once, not per cache.
//!
//! **Why not the lock any more.** The first version took an uncontended compare-exchange lock
//! per operation. On Intel that cost about 2 ns a get + put; on AMD EPYC (the machine these
//! notes were measured on) the two locked instructions cost 9 of the pool's 16 ns, which made
//! the pool slower than Go's `sync.Pool` and no faster than a fresh mimalloc allocation.
//!
//! **Owners and thread exit** (`owner.rs`). Each thread that owns a cache has a token, unique
//! for the life of the process, in a thread-local `Cell` with no destructor; a cache records its
//! owner's token. The `thread_local` crate gives an exited thread's id, and so its cache, to the
//! next new thread, which then *claims* it (writes its own token; the exited owner's accesses
//! happened before, through the crate's id hand-over). The first token a thread gets also
//! registers a destructor of the pool's own that sets the token to "exited"; it is registered
//! after `thread_local`'s, and thread-local destructors run last-registered first, so a guard
//! dropped from a thread-local destructor after the crate released the id sees "exited" and
//! goes to the shared tier, without calling into `thread_local` (which would panic there and
//! leak an id). `tests/thread_exit.rs`: 100 threads that each keep a `PooledOwned` in a
//! `thread_local!` leave one cache, print nothing, and reuse one object.
//!
//! # Stealing
//! A `get` whose cache and the tier are empty takes the registry's lock and considers up to five
//! other caches, from a cursor that advances with every miss (the cost of a miss is bounded
//! whatever the number of threads). Each cache publishes a length hint with relaxed stores: its
//! length after each owner access and each remote visit, except the inlined get's hit, which
//! leaves it (a hint one above an emptied stack costs a thief one wasted visit, which corrects
//! it; the hint shares its line with the busy flag, which every hit writes anyway); only
//! the caches whose hint is non-zero are revoked, with one heavy
//! barrier for all of them, and the thief moves half (rounded up, at most a batch) of the first
//! non-empty one's objects, the oldest first, straight into its own empty stack, taking one for
//! the caller: a steal allocates nothing and never takes the thief's cache past its bound. When
//! every hint is zero no barrier is issued and the factory runs. When some hint is not, and
//! the tier received a spill since this thread last looked (spills keep coming: producer/consumer
//! traffic), the thief first looks at the tier again for a few microseconds (`TIER_PATIENCE`):
//! the consumer's cache spills a batch every few returns, and taking it costs a lock where a
//! steal costs a `membarrier` (about 10 µs here). That took `pool_ops/cross_thread` with
//! `get_owned` from about 920 ns an object to about 110-150 ns. A cache drained another way
//! (its objects promoted to another class, or returned elsewhere for good) steals at once. Every idle object is within
//! reach of a steal, so the pool keeps no Go-style `private` object out of reach.
//!
//! Lock order: registry, then the tier. Owners take only the tier, and only the owner accesses
//! its own stack on the hot path, so there is no lock to order there.
//!
//! # Objects live in boxes
//! Every pooled object is boxed once, when the factory makes it, and stays in that box until it
//! is dropped or detached: caches, the tier and the guards hold the box (`Slot<T>`). `get` and `put` move a
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
//! The number of caches follows the peak number of live threads, not the number of threads
//! that ever used the pool (ids, and so caches, are reused, above). Nothing is flushed at thread
//! exit; the objects stay reachable: a `get` on any thread steals them, `trim()` ages them, and
//! the pool's drop frees them. A live thread that used the pool once and never again is the
//! same case.
//!
//! # Trimming
//! There is no garbage collector to age a pool, so `trim()` does what Go's GC does to
//! `sync.Pool`, and reaches every tier itself:
//!
//! - the tier's `victim` stack is released and `primary` becomes the new `victim` (`get`
//!   takes from `primary` first);
//! - each cache, revoked (one heavy barrier for all of them), releases the objects below its
//!   *low-water mark*: the fewest
//!   objects the cache held since the previous `trim()`. The stack is LIFO, so the objects below
//!   that mark were not touched for a whole period; everything above was pushed (used) since.
//!   Then the mark is set to the stack's length. One comparison per `get` keeps the mark.
//!
//! An object therefore survives one `trim` idle and is released by the second. Objects keep
//! their age when they move: a steal puts the stolen objects that were below the victim's mark
//! at the bottom of the thief's stack, under its mark; a spill sends the ones below the mark to
//! the tier's `victim` stack. (A refill from the tier counts as use: at most one extra period.)
//!
//! # Aging, the byte budget, the learned cut-off
//! Aging is a trim the pool runs itself (`pool/memory.rs`, `Pool::tick`). The hit path stays
//! free of clock reads and locked instructions: `Cache::take` returns, with the object, a flag
//! that is set after a refill from the tier and on every 1024th hit (the stack's reuse count,
//! a plain integer it keeps anyway); only then, after the owner access is over, does the pool
//! read the clock and compare it with a shared deadline (a relaxed load). The caller that wins
//! the compare-exchange that pushes the deadline a timeout on runs the pass (`Pool::release`:
//! the tier, then every cache revoked, as `trim()` does, counted in `aged`), then asks the
//! pressure function and sets the next deadline; everyone else goes on. With passes a timeout
//! apart, the low-water marks release an object idle between one and two timeouts. The
//! background trimmer (`trimmer.rs`) holds `Weak`s to pools and calls the same check, sleeping
//! until the nearest deadline; a registered pool's drop wakes it, so it forgets the pool and
//! exits when none is left.
//!
//! The byte budget is a pool-level count of free bytes (`Budget`), charged for every idle
//! object wherever it sits: a stack keeps an *allowance* (budget it holds, at least the bytes
//! of its objects), a return that fits the allowance is a plain comparison, and one that does
//! not borrows, in its cold path, what it needs plus a chunk (`n / 64`) with a compare-exchange
//! loop; if the budget has less, the object is dropped. Objects move with their charge (to the
//! tier on a spill, back on a refill, to the thief on a steal); a spill gives back what the
//! stack holds beyond its objects and a chunk, a trim or pass all of it, and objects released
//! or handed out from the tier give theirs back. So the idle bytes never exceed `n`.
//!
//! The cut-off: each stack counts returned sizes in 65 power-of-two classes (plain integers)
//! and adds them to the pool's histogram, under a mutex, every 1024 returns; objects dropped
//! as oversized are added one by one. Every 42,000 returns the histogram gives the smallest
//! class covering 95% of them, stored in a relaxed atomic that each return compares with, and
//! then halves, so older traffic fades.
//!
//! # Statistics
//! A cache's counters (reuses, returns, over-bound discards, trims) are plain integers in its
//! stack, written by the owner inside its access: no atomic on the hot path. `stats()` revokes
//! every cache (one heavy barrier), adds each stack's counters, idle objects and their
//! `retained_bytes` (kept per object, computed once on return), then the tier and the shared
//! totals. Exact when no other thread uses the pool; a little stale while they do (an object
//! moving from a cache to the tier between two reads can be counted twice or not at all). It
//! costs microseconds: read it from a timer, not per request.
//!
//! # On 64 cores
//! The development machine has two, so here is what the design does at 64, from its structure:
//!
//! - **Hot path** (`get`/drop that hit the thread's cache): plain loads and stores on the
//!   cache's own 128-byte line, which stays in that core's cache in Modified state; the pool's
//!   read-only fields (factory, limits, the `ThreadLocal` buckets) are shared lines that every
//!   core caches in Shared state and nobody writes. No locked instruction, no shared write: the
//!   hot path scales linearly.
//! - **Batches**: a cache that runs dry or overflows takes the tier's mutex once per
//!   `thread_cache / 2` operations (8 by default). With 64 threads all missing at once, that is
//!   one contended mutex; a service whose threads each get and put their own objects never
//!   touches it. Raise `thread_cache` for bursty producer/consumer traffic.
//! - **Remotes** (`trim()`, `stats()`, a steal): one `membarrier`, which interrupts every CPU
//!   running a thread of the process (an IPI each, a few microseconds in all), then one line
//!   transfer per cache. An owner that meets a revoked cache waits for the remote's walk.
//!   Steals happen only when a thread's cache and the tier are both empty and some cache's
//!   hint says it holds objects; their cost does not grow with the number of threads.
//! - **Cross-thread returns** go to the dropping thread's cache and back through the tier in
//!   batches; `PooledOwned`'s `Arc<Pool>` reference count is one more shared line written per
//!   `get_owned` and drop.
//!
//! # Re-entrancy
//! User code never runs under any pool lock, so a factory, a `reset` or a `Drop` may use the
//! pool itself (a pool of objects whose drop returns something to the same pool is tested).
//!
//! # Loom
//! `sync.rs` swaps the atomics, the fences, the `UnsafeCell` behind each cache's stack and the
//! mutexes for loom's under `--cfg loom`, and `ThreadLocal` for a small stand-in (loom runs its
//! threads on one OS thread); both barriers are `fence(SeqCst)` there, the semantics the
//! protocol relies on. The models in `tests/loom.rs` cover the owner's get/put racing with the
//! cache/tier exchange, with `trim()`, with `stats()`, with a thief, with two thieves at once,
//! with a guard dropped on another thread while the owner steals, and with the pool's drop.
//! The mutation check (`.ci/run`) builds the models twice more with a deliberate bug,
//! `--cfg pool_core_mutation="no_heavy_barrier"` (the remote's fence removed) and
//! `"relaxed_busy_release"` (the owner's release of busy weakened to relaxed), and requires
//! each build to fail: loom reports a causality violation on the stack's `UnsafeCell`.
//!
//! # Miri and the sanitizers
//! `.ci/run` also runs the unit tests, the protocol's integration tests and
//! `pool-core/tests/miri_stress.rs` (over many scheduler seeds) under miri, and the protocol's
//! tests under ThreadSanitizer and AddressSanitizer with both barriers. Miri must report a data
//! race or undefined behaviour under both protocol mutations, ThreadSanitizer a data race under
//! `relaxed_busy_release`, and the loom models "handed out twice" under a third mutation,
//! `double_hand_out` (a steal that copies the objects it takes). Miri has no `membarrier`, so
//! it runs only the fence fallback (`POOL_CORE_BARRIER=fence`): the inlined hit paths of the
//! `membarrier` pair are checked by loom (which models them with `fence(SeqCst)`),
//! ThreadSanitizer and AddressSanitizer alone.
