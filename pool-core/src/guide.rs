//! The user's guide: when to pool, how to bound it, how to read its statistics, how to profile
//! allocations, and how to move over from other pool crates. This module has no items.
//!
//! # When to pool, and when not to
//!
//! Pool objects that are **expensive to build and cheap to reset**: a request context with
//! strings, maps and a body buffer; a 64 KiB read buffer; an encoder's output `Vec<u8>`; a parsed
//! log record. Each of those costs several allocations to build and one pass of `clear()`s to
//! reset, and keeping them saves the allocations on every request.
//!
//! Do **not** pool:
//!
//! - **Small plain objects** (a `u64`, a struct of integers, a `Vec` that stays under a few dozen
//!   bytes). An allocation from a modern allocator (mimalloc, jemalloc, glibc's tcache) costs
//!   about as much as a pool's get and put; the pool only adds memory that stays resident. The
//!   `pool_ops` bench puts the two side by side: pool when the fresh build is the slower line.
//! - **Objects that carry state you cannot reset**: open sockets, file handles, anything holding
//!   a lock, `Rc`/`Arc` handles whose referent other code still sees. `#[derive(Poolable)]`
//!   refuses such fields at compile time; mark the ones that are really meant to stay
//!   (`#[poolable(skip)]`, e.g. a shared `Arc<Config>`), or replace them
//!   (`#[poolable(default)]`, `#[poolable(reset_with = path)]`).
//! - **Very large objects used rarely**: a 64 MiB buffer for a once-an-hour export pins 64 MiB
//!   forever for no gain. Allocate those fresh.
//!
//! Each risk has a knob:
//!
//! | risk | what answers it |
//! |---|---|
//! | one huge request grows a field, and the pool keeps that memory | `#[poolable(max_capacity = N)]` on the field (shrinks it after reset), or [`PoolBuilder::max_retained_bytes`](crate::PoolBuilder::max_retained_bytes) (drops the whole object on return) |
//! | a burst creates thousands of objects that then sit idle | [`PoolBuilder::max_idle`](crate::PoolBuilder::max_idle) caps what is kept; [`idle_timeout`](crate::PoolBuilder::idle_timeout) (on by default) releases what stays idle, [`background_trim`](crate::PoolBuilder::background_trim) even in a pool nobody touches; see [Memory over time](#memory-over-time) |
//! | secrets (tokens, passwords) stay behind in pooled memory | `#[poolable(zeroize)]` (feature `zeroize`) wipes the field, spare capacity included, before the reset |
//! | the previous user's data leaks to the next | [`Poolable::reset`](crate::Poolable::reset) runs on every return; the derive resets every field unless told otherwise, and refuses fields it cannot reset |
//! | a guard or a reference outlives the request | the borrow checker: `Pooled<'_, T>` borrows the pool, references borrow the guard |
//! | `clear()` on a `HashMap<String, String>` frees every key and value | [`RecycleMap`](crate::RecycleMap) / [`RecycleVec`](crate::RecycleVec) keep the elements' allocations too |
//! | a size read from the wire (a length prefix, a `Content-Length`) asks for more than the allocator can give, and the process aborts | a size read from the wire goes through [`BufferPool::try_get`](crate::BufferPool::try_get) (or `try_get_owned`): an `Err` naming the size and the limit, to answer with a 413 or an error frame; it never panics or aborts |
//! | every client may make each buffer as large as the pool allows | [`BufferPoolBuilder::max_buffer`](crate::BufferPoolBuilder::max_buffer): the largest buffer handed out at all, pooled or fresh (default 64 MiB); set it to your protocol's frame or body limit, and watch [`refused_gets`](crate::BufferPool::refused_gets) |
//!
//! A trim timer on its own thread (in a tokio service, a task with `tokio::time::interval`):
//!
//! ```
//! use std::sync::Arc;
//! use std::time::Duration;
//! use pool_core::Pool;
//!
//! let pool: Arc<Pool<Vec<u8>>> = Arc::new(Pool::new());
//! let trimmer = {
//!     let pool = Arc::clone(&pool);
//!     std::thread::spawn(move || {
//!         for _ in 0..3 {
//!             // In a service: `loop` with a period of 10 to 60 seconds.
//!             std::thread::sleep(Duration::from_millis(1));
//!             pool.trim();
//!         }
//!     })
//! };
//! drop(pool.get());
//! trimmer.join().unwrap();
//! ```
//!
//! # Borrowing fields through a guard
//!
//! A guard derefs to the object, so each `guard.field` goes through `Deref`/`DerefMut` and
//! borrows the whole guard: reading one field while writing another does not compile. Reborrow
//! the object once, then split its fields as usual:
//!
//! ```
//! # #[cfg(feature = "derive")] {
//! use pool_core::{Pool, Poolable};
//!
//! #[derive(Poolable, Default)]
//! struct Ctx {
//!     host: String,
//!     log: String,
//! }
//!
//! let pool: Pool<Ctx> = Pool::new();
//! let mut guard = pool.get();
//! let ctx = &mut *guard; // one `DerefMut`, then plain field borrows
//! ctx.host.push_str("example.com");
//! ctx.log.push_str(&ctx.host);
//! assert_eq!(guard.log, "example.com");
//! # }
//! ```
//!
//! # Zero allocations per request
//!
//! A pooled object allocates nothing once warm (once it has held values as long as the current
//! request's: a longer string grows its buffer once, then keeps it) when every field keeps what a
//! request writes into it. What each field type's reset keeps:
//!
//! | field type | what its reset keeps |
//! |---|---|
//! | `String`, `Vec<T>` of plain values, `VecDeque`, `BinaryHeap`, `Box<T: Poolable>` | the buffer, cleared in place (`#[poolable(max_capacity = N)]` drops one grown past `N`) |
//! | `HashMap`, `HashSet`, and the [third-party](#third-party-types) `IndexMap`, `HeaderMap` | the table only: keys and values that own memory (`String`, `HeaderValue`) are freed, and the next request allocates them again |
//! | [`RecycleMap`](crate::RecycleMap) / [`StringMap`](crate::StringMap), [`RecycleVec`](crate::RecycleVec) | the table **and** the elements' allocations: cleared elements wait as spares for the next inserts. Write with borrowed data (`map.insert("host", value)`, `vec.push_from("tag")`, `vec.push_with(\|s\| ...)`): a warm one copies into a spare |
//! | `BTreeMap`, `BTreeSet`, `serde_json::Value`, `Bytes` | nothing (nodes freed; the value becomes `Null`; a `Bytes` is never refilled): keep them out of per-request state, or decode into a typed struct |
//! | `Option<T>` | nothing: the reset sets `None`, dropping the `T` (a fresh value is `None`, and the reset must make it observably fresh). Instead of `Option<String>`, use a `String` whose emptiness means "absent", or a `T` beside a `bool` |
//! | integers, floats, `bool`, `char`, `Uuid`, `Method`, chrono types | nothing to keep: reset to their default |
//!
//! Decode requests into the pooled object rather than into a new value that is then copied:
//! [`deserialize_into`](crate::deserialize_into) (feature `serde`) calls serde's
//! `Deserialize::deserialize_in_place`, which refills `String`s, `Vec`s, `RecycleVec`s and
//! `RecycleMap`s in place, copying from borrowed input (`serde_json::from_slice`'s deserializer
//! borrows from the body) without allocating. For your own `#[derive(Deserialize)]` structs that
//! needs serde_derive's `deserialize_in_place` feature (`serde_derive = { version = "1", features
//! = ["deserialize_in_place"] }` in your dependencies): without it, serde deserializes a new value
//! and drops the pooled one's allocations. A missing field or a type error leaves the object
//! partly filled; the guard's reset clears it on return.
//!
//! ```
//! # #[cfg(all(feature = "derive", feature = "serde"))] {
//! use pool_core::{Pool, Poolable, RecycleVec, StringMap, deserialize_into};
//!
//! #[derive(Poolable, Default, serde::Deserialize)]
//! struct Batch {
//!     source: String,
//!     lines: RecycleVec<String>,
//!     labels: StringMap,
//! }
//!
//! let pool: Pool<Batch> = Pool::new();
//! for body in [
//!     r#"{"source": "web-1", "lines": ["GET / 200", "GET /a 404"], "labels": {"env": "prod"}}"#,
//!     r#"{"source": "web-2", "lines": ["POST /b 201"], "labels": {}}"#,
//! ] {
//!     let mut batch = pool.get();
//!     deserialize_into(&mut *batch, &mut serde_json::Deserializer::from_str(body))?;
//!     assert!(batch.source.starts_with("web-") && !batch.lines.is_empty());
//! } // reset on return: the lines' and labels' strings stay as spares
//! let batch = pool.get();
//! assert!(batch.lines.is_empty() && batch.lines.spare_len() >= 1);
//! # }
//! # Ok::<(), serde_json::Error>(())
//! ```
//!
//! To check, count: a `#[global_allocator]` that counts `alloc` calls (see
//! [Profiling allocations](#profiling-allocations)) around one warm request should read 0. The
//! README's first example is measured that way by a test of the repository (`tests/readme.rs`).
//!
//! # In async code
//! - **A guard that crosses a `tokio::spawn`.** `pool.get()` returns a `Pooled<'_, T>` that
//!   borrows the pool; `tokio::spawn` (like `std::thread::spawn`) takes only `'static` values,
//!   so moving that guard into a task fails with error E0597, "borrowed value does not live long
//!   enough". Keep the pool in an `Arc` (an axum `State`, a field of your service) and take
//!   [`get_owned`](crate::Pool::get_owned): its `PooledOwned<T>` owns a handle to the pool, is
//!   `Send` when `T` is, and goes back to the pool on whichever worker drops it. A guard that
//!   stays inside one `async fn` can be a plain `get()`, held across `.await`s.
//! - **A cap in async code.** With [`max_live`](crate::PoolBuilder::max_live), `get` blocks the
//!   thread at the cap, and with it every task of that runtime worker (a current-thread runtime
//!   whose tasks hold guards across `.await` hangs for good). Await
//!   [`get_async`](crate::Pool::get_async) or [`get_owned_async`](crate::Pool::get_owned_async)
//!   instead: they wait without blocking, with any runtime, and a cancelled one (a dropped
//!   future, a timeout) leaves nothing behind. `examples/integrations/axum_server.rs` does both.
//!
//! # Reading `stats()`
//!
//! [`Stats`](crate::Stats) is cheap to keep (no counter is shared on the hot path) and costs a
//! few microseconds to take (it reaches every thread's cache with one process-wide barrier and
//! sums their counters), so log it every few seconds, not per request:
//!
//! - `hit_rate()` (`reuses / gets`) near 1.0 in steady state. A low rate means objects are not
//!   coming back (guards detached or leaked into long-lived structures), the idle bound is too
//!   low for the concurrency (`discards.over_idle_bound` grows), or the objects are dropped for
//!   their size (`discards.oversized` grows: raise `max_retained_bytes` or add `max_capacity`).
//! - `creations` should flatten after warm-up. If it keeps rising with a good hit rate, the
//!   pool is growing to a higher concurrency; if it rises together with `trimmed`, the trim
//!   period is shorter than the traffic's quiet spells.
//! - `idle` and `retained_bytes` are the memory the pool holds. `retained_bytes / idle` is the
//!   average object: compare it with what a request needs.
//! - `discards.reset_panicked` should be 0: a `reset` that panics is a bug in a hand-written
//!   `Poolable` impl or a `reset_with` function.
//! - `thread_caches` is the number of per-thread caches the pool has made: the peak number of
//!   threads that used it at once (a new thread takes over an exited thread's cache, objects
//!   and all); each holds at most `thread_cache` objects, and all of them are reached by
//!   `trim()`, by other threads' gets and by the pool's drop.
//! - For a [`BufferPool`](crate::BufferPool), [`class_stats`](crate::BufferPool::class_stats)
//!   shows each size class: a class whose `returns` and `idle` come with few `gets` of its own
//!   is filled by buffers that grew in a smaller class (its `promoted` count). If that is most of
//!   them, the smaller class is too small for the traffic: add a class in between, or ask for
//!   more up front. `discards.oversized` counts buffers that grew past the largest class.
//!
//! With no other thread using the pool, `creations == idle + in use + discards.total() +
//! detached + trimmed + aged`: every object ever created is accounted for.
//!
//! # Memory over time
//!
//! A pool gives its memory back on its own. An object idle for about
//! [`idle_timeout`](crate::PoolBuilder::idle_timeout) (default 30 s; between one and two timeouts)
//! is released wherever it sits, counted in [`Stats::aged`](crate::Stats::aged): the pool's own
//! operations run the pass (a refill from the shared tier, every 1024th cache hit on a thread),
//! so a pool in use needs nothing more. A pool that goes quiet after a burst gets no operations:
//! add [`background_trim(true)`](crate::PoolBuilder::background_trim) (and build it with
//! `build_arc()`), and one process-wide thread, `pool-trimmer`, ages it; the thread exists only
//! while such a pool does. Three more knobs bound what stays meanwhile:
//!
//! - [`max_idle_bytes(n)`](crate::PoolBuilder::max_idle_bytes): a byte budget over all idle
//!   objects, for pools of objects whose size varies (a return beyond it is dropped, counted in
//!   `discards.over_idle_bytes`);
//! - [`auto_max_retained_bytes()`](crate::PoolBuilder::auto_max_retained_bytes): a per-object
//!   cut-off learned from the sizes returned (the smallest power of two that covers 95% of
//!   them, recalibrated every 42,000 returns; `stats().max_retained_bytes` shows it), so the
//!   rare huge object is not kept;
//! - [`pressure(f)`](crate::PoolBuilder::pressure), e.g. with
//!   [`pressure::cgroup`](crate::pressure::cgroup): at 70% of the memory limit the timeout
//!   halves, at 90% the next pass releases everything idle.
//!
//! Retained bytes after a burst (8 threads holding 32 bodies each, 1% of them 4 MiB, the rest
//! 16 KiB), then nobody touching the pool but the background trimmer, with a 200 ms timeout
//! (times in timeouts; `cargo bench -p pool-suite --bench memory_over_time` prints this table):
//!
//! | time after the burst | aging off | idle_timeout | + max_idle_bytes(2 MiB) | + auto cut-off |
//! |---|---:|---:|---:|---:|
//! | 0.0 timeouts | 11.97 MiB | 11.97 MiB | 1.89 MiB | 3.97 MiB |
//! | 0.5 timeouts | 11.97 MiB | 11.97 MiB | 1.89 MiB | 3.97 MiB |
//! | 1.0 timeouts | 11.97 MiB | 11.97 MiB | 1.89 MiB | 3.97 MiB |
//! | 1.5 timeouts | 11.97 MiB | 11.97 MiB | 1.89 MiB | 3.97 MiB |
//! | 2.0 timeouts | 11.97 MiB | 0.00 MiB | 0.00 MiB | 0.00 MiB |
//! | 2.5 timeouts | 11.97 MiB | 0.00 MiB | 0.00 MiB | 0.00 MiB |
//! | 3.0 timeouts | 11.97 MiB | 0.00 MiB | 0.00 MiB | 0.00 MiB |
//!
//! The cut-off learns from what `retained_bytes` reports after the reset. A type that keeps
//! its capacity (a plain `Vec<u8>` reused for every request) reports the largest size it ever
//! grew to each time it comes back, so once most objects in circulation have grown, the
//! cut-off learns the grown size: pair such a type with `#[poolable(max_capacity = N)]` or a
//! fixed [`max_retained_bytes`](crate::PoolBuilder::max_retained_bytes), or size its buffer per
//! request, as the bench's bodies do.
//!
//! Beside [the identity that accounts for every object](crate::Stats), two more hold once the
//! pool is quiet: `gets == reuses + creations - prefilled`, and
//! `returns == kept + discards.total()`, where *kept*, the returns whose object became idle,
//! is `idle + reuses + trimmed + aged`. `creation_reasons` splits `creations` into `empty` (the get
//! looked in every cache and the tier: nothing was idle) and `out_of_reach` (it probed only a
//! few other threads' caches, as it does when more threads use the pool than it probes).
//!
//! ## On a dashboard (feature `metrics`)
//!
//! Built with [`PoolBuilder::metrics("name")`](crate::PoolBuilder#method.metrics) (or
//! [`BufferPoolBuilder::metrics`](crate::BufferPoolBuilder#method.metrics)), a pool publishes these
//! figures through the [`metrics`](https://docs.rs/metrics) facade, each series labelled
//! `pool="name"` (and `class="bytes"` for a buffer pool's classes: `sum by (pool)` adds them
//! up). The figures refresh when the pool publishes, on
//! [`publish_metrics()`](crate::Pool#method.publish_metrics), [`trim()`](crate::Pool::trim) and its
//! drop, never on a get or a put: call `publish_metrics()` in the `/metrics` handler or from the
//! trim timer, and take `rate()` over at least two publish periods. The `axum_server` and
//! `http_server` examples (`examples/integrations/` in the repository) serve them to Prometheus.
//!
//! Every field of [`Stats`](crate::Stats) has a series:
//!
//! | `Stats` field | series | kind |
//! |---|---|---|
//! | `gets` | `pool_gets_total` | counter |
//! | `reuses` | `pool_reuses_total` | counter |
//! | `creations` | the sum of `pool_creations_total` over `reason` | counter |
//! | `creation_reasons.empty` | `pool_creations_total{reason="empty"}` | counter |
//! | `creation_reasons.out_of_reach` | `pool_creations_total{reason="out_of_reach"}` | counter |
//! | `prefilled` | `pool_creations_total{reason="prefill"}` | counter |
//! | `factory_panicked` | `pool_factory_panics_total` | counter |
//! | `returns` | `pool_returns_total` | counter |
//! | `puts` | `pool_puts_total` | counter |
//! | `in_use` | `pool_in_use_objects` | gauge |
//! | `discards.over_idle_bound` | `pool_discards_total{reason="over_idle_bound"}` | counter |
//! | `discards.oversized` | `pool_discards_total{reason="oversized"}` | counter |
//! | `discards.reset_panicked` | `pool_discards_total{reason="reset_panicked"}` | counter |
//! | `discards.over_idle_bytes` | `pool_discards_total{reason="over_idle_bytes"}` | counter |
//! | `detached` | `pool_detached_total` | counter |
//! | `trimmed` | `pool_releases_total{reason="trimmed"}` | counter |
//! | `aged` | `pool_releases_total{reason="aged"}` | counter |
//! | `idle` | `pool_idle_objects` | gauge (0 after the drop) |
//! | `thread_caches` | `pool_thread_caches` | gauge (0 after the drop) |
//! | `retained_bytes` | `pool_retained_bytes` | gauge (0 after the drop) |
//! | `max_retained_bytes` | `pool_max_retained_bytes` | gauge (0: no limit) |
//!
//! Besides: `pool_releases_total{reason="pool_dropped"}` (the idle objects the pool's drop
//! released), and for a `BufferPool`, `pool_buffer_unpooled_gets_total` and
//! `pool_buffer_refused_gets_total` (gets no class serves).
//! [`hit_rate()`](crate::Stats::hit_rate) has no series: it is `reuses / gets` since the pool was
//! built, where a dashboard wants it over a window (the first panel below).
//!
//! A small dashboard, with what each bad value means and which setting answers it:
//!
//! | panel | PromQL | bad value: meaning, and what answers it |
//! |---|---|---|
//! | hit rate | `sum by (pool) (rate(pool_reuses_total[5m])) / sum by (pool) (rate(pool_gets_total[5m]))` | below ~0.95 after warm-up: objects do not come back. Read the discards panel for why; with no discards, look at `rate(pool_detached_total[5m])` (guards detached or leaked) |
//! | discards by reason | `sum by (pool, reason) (rate(pool_discards_total[5m]))` | `over_idle_bound`: the idle bound is below the concurrency, raise [`max_idle`](crate::PoolBuilder::max_idle) (or [`thread_cache`](crate::PoolBuilder::thread_cache)); `oversized`: objects outgrow [`max_retained_bytes`](crate::PoolBuilder::max_retained_bytes), raise it or bound the field with `#[poolable(max_capacity = N)]`; `reset_panicked` above 0: a bug in a `reset`; `over_idle_bytes`: the idle objects hit [`max_idle_bytes`](crate::PoolBuilder::max_idle_bytes) |
//! | creations per second | `sum by (pool, reason) (rate(pool_creations_total[5m]))` | should fall to about 0 after warm-up. `empty` that stays up while `rate(pool_releases_total{reason="trimmed"}[5m])` is up too: the trim period is shorter than the traffic's quiet spells, call [`trim`](crate::Pool::trim) less often; `empty` alone: the concurrency keeps growing. `out_of_reach` while `pool_idle_objects` stays high: idle objects are stranded in caches of threads that no longer take from them, lower [`thread_cache`](crate::PoolBuilder::thread_cache) so more of them reach the shared tier |
//! | retained bytes | `sum by (pool) (pool_retained_bytes)` | the memory the pool pins. Climbing with the traffic's peaks and never coming down: aging is off or the pool is never touched; check [`idle_timeout`](crate::PoolBuilder::idle_timeout), add [`background_trim`](crate::PoolBuilder::background_trim), bound [`max_idle_bytes`](crate::PoolBuilder::max_idle_bytes) |
//! | average idle object | `sum by (pool) (pool_retained_bytes) / sum by (pool) (pool_idle_objects)` | far above what a request needs: a few huge requests left their capacity behind; set [`max_retained_bytes`](crate::PoolBuilder::max_retained_bytes) or `max_capacity` on the field |
//! | objects in use | `sum by (pool) (pool_in_use_objects)` | climbing with flat traffic: guards are kept (stored in long-lived structures, or held by tasks that never finish); near a [`max_live`](crate::PoolBuilder::max_live) cap, gets wait |
//! | factory panics | `sum by (pool) (rate(pool_factory_panics_total[5m]))` | above 0: the factory fails (a bug, or an allocation it cannot make) |
//!
//! # Profiling allocations
//!
//! Count them: a counting `#[global_allocator]` (see `benches/alloc_counts.rs` in the
//! repository) wraps the system allocator and increments a counter in `alloc`; run one request
//! before and after warm-up and compare. The goal for a pooled request path is 0 allocations
//! once warm. To find where the rest come from, run the program under
//! `valgrind --tool=callgrind` (or `heaptrack`) and look at the callers of `malloc`; a
//! `String` or `Vec` built inside the request is the usual culprit: move it into the pooled
//! struct, or use [`RecycleMap`](crate::RecycleMap)'s borrowed-key inserts.
//!
//! # Moving over from other pool crates
//!
//! | `object-pool` | `lockfree-object-pool` | `pool_core` |
//! |---|---|---|
//! | `Pool::new(cap, \|\| T)` | `LinearObjectPool::new(\|\| T, \|v\| reset(v))` | `Pool::with_factory(\|\| T)`; the reset is `T`'s [`Poolable`](crate::Poolable) impl, usually derived |
//! | `pool.try_pull()` / `pool.pull(\|\| T)` | `pool.pull()` | `pool.get()` (never fails: creates when empty) |
//! | `Reusable<'_, T>` | `LinearReusable<'_, T>` | [`Pooled<'_, T>`](crate::Pooled) |
//! | `pull_owned` with `Arc<Pool>` | `pull_owned` | [`Pool::get_owned`](crate::Pool::get_owned) on `Arc<Pool<T>>` |
//! | `reusable.detach()` | (none) | `Pooled::detach(guard)` |
//! | `pool.attach(t)` | (none) | [`Pool::put`](crate::Pool::put) (resets it first) |
//! | reset by hand after `pull` | reset closure | `reset` on return, derived field by field |
//! | capacity fixed at `new` | unbounded | `builder().max_idle(n)`, `.max_retained_bytes(b)`, `trim()` |
//! | one `Mutex<Vec<T>>` | lock-free, but slows under contention | per-thread caches + shared tier: a cache hit writes no shared memory |
//!
//! The main change is where the reset lives: instead of remembering to clear each field after
//! `pull()` (and forgetting the one added last month), derive [`Poolable`](crate::Poolable) on
//! the type and let the pool reset it on every return.
//!
//! # Third-party types
//!
//! Request and message structs are made of a few crates' types. Each of these crates has a
//! pool-core feature named after it, off by default; turn on the ones your structs use, and
//! their fields derive with no attribute (`pool-core = { version = "0.1", features = ["http",
//! "indexmap"] }`). Without the feature, a field of such a type fails to compile with a note that
//! lists the features. "Shrink" means `#[poolable(max_capacity = N)]` works on the field.
//!
//! ```
//! # #[cfg(all(feature = "derive", feature = "http", feature = "indexmap", feature = "smallvec", feature = "uuid"))] {
//! use pool_core::{Pool, Poolable};
//!
//! #[derive(Poolable, Default)]
//! struct HandlerCtx {
//!     method: http::Method,
//!     headers: http::HeaderMap,
//!     query: indexmap::IndexMap<String, String>,
//!     tags: smallvec::SmallVec<[u32; 4]>,
//!     id: uuid::Uuid,
//! }
//!
//! let pool: Pool<HandlerCtx> = Pool::new();
//! let headers_capacity = {
//!     let mut ctx = pool.get();
//!     ctx.method = http::Method::POST;
//!     ctx.headers.insert(http::header::HOST, "example.com".parse().unwrap());
//!     ctx.query.insert("page".into(), "2".into());
//!     ctx.tags.extend([1, 2, 3]);
//!     ctx.id = uuid::Uuid::from_u128(7);
//!     ctx.headers.capacity()
//! }; // reset field by field on return
//! let ctx = pool.get();
//! assert_eq!(ctx.method, http::Method::GET);
//! assert!(ctx.headers.is_empty() && ctx.query.is_empty() && ctx.tags.is_empty());
//! assert!(ctx.id.is_nil());
//! assert_eq!(ctx.headers.capacity(), headers_capacity); // the table is kept
//! assert!(ctx.retained_bytes() > 0);
//! # }
//! ```
//!
//! | type | feature | what reset does | capacity kept | `retained_bytes` |
//! |---|---|---|---|---|
//! | `http::HeaderMap<T>` | `http` (http 1) | `clear()`: every name and value dropped | yes (entries and index); shrink | estimate: `capacity * (size_of::<HeaderName>() + size_of::<T>() + 4 * size_of::<usize>())` |
//! | `http::Extensions` | `http` | `clear()`: every extension dropped | yes (its map) | 0: http hides the map (an under-estimate) |
//! | `http::Method`, `Uri`, `Version`, `StatusCode` | `http` | to `Default` (`GET`, `/`, `HTTP/1.1`, `200 OK`) | nothing to keep | 0 |
//! | `indexmap::IndexMap<K, V, S>`, `IndexSet<T, S>` | `indexmap` (indexmap 2) | `clear()`, any hasher | yes (entries and index); shrink | estimate: `capacity * (size_of::<(K, V)>() + 2 * size_of::<usize>() + 1)` |
//! | `smallvec::SmallVec<A>` | `smallvec` (smallvec 1) | `clear()` | a spilled one keeps its heap buffer; shrink (moves back inline when it fits) | `capacity * size_of::<Item>()` when spilled, 0 inline |
//! | `hashbrown::HashMap<K, V, S>`, `HashSet<T, S>` | `hashbrown` (hashbrown 0.17) | `clear()`, any hasher | yes; shrink | estimate: `capacity * (size_of::<(K, V)>() + 1)`, as for std's |
//! | `arrayvec::ArrayVec<T, CAP>`, `ArrayString<CAP>` | `arrayvec` (arrayvec 0.7) | `clear()` | inline storage, always there | 0 |
//! | `compact_str::CompactString` | `compact_str` (compact_str 0.10) | `clear()` | a heap one keeps its buffer; shrink | capacity on the heap, 0 inline |
//! | `bytes::BytesMut` | `bytes` (bytes 1) | `clear()` | yes, when this handle is the buffer's only owner | capacity |
//! | `bytes::Bytes` | `bytes` | to `Bytes::new()` (empty, static) | no: a `Bytes` is shared or frozen, never refilled | 0 |
//! | `serde_json::Value` | `serde_json` (serde_json 1) | to `Null` | no: the next variant is unknown | 0 |
//! | `serde_json::Map<String, Value>` | `serde_json` | `clear()` | a `BTreeMap` has none; with serde_json's `preserve_order` its table is kept | 0 (hidden) |
//! | `uuid::Uuid` | `uuid` (uuid 1) | to nil | inline | 0 |
//! | `chrono::DateTime<Utc>`, `DateTime<FixedOffset>`, `NaiveDate`, `NaiveTime`, `NaiveDateTime`, `TimeDelta` | `chrono` (chrono 0.4, no `clock` needed) | to `Default` (the Unix epoch, midnight, zero) | inline | 0 |
//!
//! The features name the majors above: a field of another major (say http 0.2 from an older
//! hyper) is a different type and needs `reset_with`. A type these crates offer that is not in
//! the table (`http::HeaderValue`, `http::Request<B>`) has no fresh value to go back to, or
//! holds a body the pool cannot know; mark such a field `#[poolable(reset_with = path)]`, or
//! `#[poolable(default)]` where the type has a `Default`.
//!
//! std types beyond the collections work the same way: atomics reset to 0 / `false` (through
//! `get_mut`, no atomic operation); `Wrapping<T>`, `Saturating<T>` and `Reverse<T>` reset what
//! they wrap; an owned `Cow<'_, str>` or `Cow<'_, [T]>` is cleared in place, keeping its buffer,
//! and a borrowed one becomes empty (`Cow::Borrowed("")`); `OnceCell` and `OnceLock` are emptied.
//! `NonZero*` integers, `Instant` and `cmp::Ordering` have no fresh value (nor a `Default`) and
//! no impl: mark such a field `#[poolable(reset_with = path)]` with a value you choose, or
//! `skip`.
