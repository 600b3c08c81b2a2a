//! [`BufferPool`]: byte buffers in size classes, each class a [`Pool`](crate::Pool) with
//! per-thread caches.
//!
//! The files: `byte_buffer.rs` (the buffer types), `class.rs` (a size class), `guard.rs` (the
//! RAII guards), `builder.rs` (the configuration), `error.rs` (a refused size); this file is the
//! pool that ties them together.

mod builder;
mod byte_buffer;
mod class;
mod error;
mod guard;

pub use builder::BufferPoolBuilder;
pub use byte_buffer::ByteBuffer;
pub use class::ClassStats;
pub use error::{BufferError, BufferErrorKind};
pub use guard::{Buffer, BufferOwned};

use core::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use self::class::Class;
use self::error::refused;
use crate::Stats;
use crate::lifecycle::Discard;
use crate::slot::{Held, Slot};

/// The default size classes: 4 KiB, 64 KiB and 1 MiB.
pub const DEFAULT_CLASSES: [usize; 3] = [4 << 10, 64 << 10, 1 << 20];

/// The default [`BufferPoolBuilder::max_buffer`]: 64 MiB, 64 times the largest default class.
///
/// Above any sane frame or body of the common protocols (gRPC's default message limit is
/// 4 MiB, HTTP/2's largest frame 16 MiB) and far below what makes an allocator fail, so a size
/// read from the wire is refused long before it could abort the process. A server should still
/// set its own protocol's limit: each request may cost up to this much memory.
pub const DEFAULT_MAX_BUFFER: usize = 64 << 20;

/// Byte buffers in size classes (default 4 KiB, 64 KiB, 1 MiB), for reads, writes and encodings
/// whose size varies per request.
///
/// `get(n)` returns a guarded, empty buffer with capacity at least `n`, taken from the smallest
/// class that fits; each class is a [`Pool`](crate::Pool), with its per-thread caches. On drop
/// the buffer is cleared and filed in the largest class its capacity now covers (a 4 KiB buffer
/// that grew to 100 KiB goes to the 64 KiB class, and counts as a promotion in
/// [`class_stats`](Self::class_stats)). Requests above the largest class are served fresh and
/// not kept, and so are buffers that grew past it: one huge request cannot pin memory.
///
/// No size aborts the process: the pool hands out nothing above its
/// [`max_buffer`](Self::max_buffer) (default [`DEFAULT_MAX_BUFFER`], 64 MiB), and allocates
/// fallibly below it. A size read from the wire goes through [`try_get`](Self::try_get), which
/// returns an error the server can answer (with a 413, an error frame); `get` panics instead.
///
/// ```
/// use std::io::Write;
/// use pool_core::BufferPool;
///
/// let pool = BufferPool::new();
/// {
///     let mut buf = pool.get(1500);
///     assert!(buf.capacity() >= 1500 && buf.is_empty());
///     write!(buf, "HTTP/1.1 200 OK\r\n").unwrap();
/// }
/// let buf = pool.get(100); // the same 4 KiB buffer, cleared
/// assert!(buf.is_empty());
/// assert_eq!(pool.stats().reuses, 1);
/// ```
pub struct BufferPool<B: ByteBuffer = Vec<u8>> {
    classes: Vec<Class<B>>,
    max_buffer: usize,
    /// Gets above the largest class, served fresh.
    unpooled: AtomicU64,
    /// Gets refused: above `max_buffer`, or the allocator failed.
    refused: AtomicU64,
    /// The pool's series, if [`BufferPoolBuilder::metrics`] named it.
    #[cfg(feature = "metrics")]
    pub(super) metrics: Option<crate::metrics::BufferRegistration>,
}

impl BufferPool<Vec<u8>> {
    /// A pool of `Vec<u8>` with the default classes (4 KiB, 64 KiB, 1 MiB) and the default
    /// [`max_buffer`](Self::max_buffer) ([`DEFAULT_MAX_BUFFER`], 64 MiB).
    ///
    /// ```
    /// use pool_core::{BufferPool, DEFAULT_MAX_BUFFER};
    ///
    /// let pool = BufferPool::new();
    /// assert_eq!(pool.classes().collect::<Vec<_>>(), [4096, 65536, 1 << 20]);
    /// assert_eq!(pool.max_buffer(), DEFAULT_MAX_BUFFER);
    /// ```
    #[must_use]
    pub fn new() -> Self {
        Self::builder().build()
    }
}

impl Default for BufferPool<Vec<u8>> {
    fn default() -> Self {
        Self::new()
    }
}

impl<B: ByteBuffer> BufferPool<B> {
    /// A builder, to choose the buffer type, the classes, the largest buffer and the per-class
    /// bounds.
    ///
    /// ```
    /// use pool_core::BufferPool;
    ///
    /// let pool: BufferPool = BufferPool::builder().classes([512, 16 << 10]).max_idle_per_class(64).build();
    /// assert_eq!(pool.classes().collect::<Vec<_>>(), [512, 16 << 10]);
    /// assert!(pool.get(600).capacity() >= 16 << 10);
    /// ```
    #[must_use]
    pub fn builder() -> BufferPoolBuilder<B> {
        BufferPoolBuilder::new()
    }

    /// The class sizes, smallest first.
    ///
    /// ```
    /// use pool_core::BufferPool;
    ///
    /// let pool: BufferPool = BufferPool::builder().max_buffer(100 << 10).build();
    /// assert_eq!(pool.classes().collect::<Vec<_>>(), [4 << 10, 64 << 10]); // 1 MiB is above it
    /// ```
    pub fn classes(&self) -> impl Iterator<Item = usize> + '_ {
        self.classes.iter().map(|c| c.size)
    }

    /// The largest buffer this pool hands out, in bytes: a size above it is refused by
    /// [`try_get`](Self::try_get) (and makes [`get`](Self::get) panic). Set with
    /// [`BufferPoolBuilder::max_buffer`]; default [`DEFAULT_MAX_BUFFER`] (64 MiB), or the
    /// largest class if that is larger.
    ///
    /// ```
    /// use pool_core::BufferPool;
    ///
    /// let pool: BufferPool = BufferPool::builder().max_buffer(1 << 20).build();
    /// assert_eq!(pool.max_buffer(), 1 << 20);
    /// assert!(pool.try_get(pool.max_buffer() + 1).is_err());
    /// ```
    pub fn max_buffer(&self) -> usize {
        self.max_buffer
    }

    /// An empty buffer with capacity at least `n`, in a guard that returns it on drop.
    ///
    /// # Panics
    /// If `n` is above [`max_buffer`](Self::max_buffer), or the allocator cannot serve it, with
    /// the message of the [`BufferError`] that [`try_get`](Self::try_get) would return. It
    /// never aborts, and the pool stays usable. For a size that comes from a peer (a length
    /// prefix, a `Content-Length`), use `try_get`.
    ///
    /// ```
    /// use pool_core::BufferPool;
    ///
    /// let pool = BufferPool::new();
    /// assert!(pool.get(1500).capacity() >= 1500);
    /// let refused = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| drop(pool.get(usize::MAX))));
    /// assert!(refused.is_err());
    /// assert!(pool.get(1500).is_empty()); // still serving
    /// ```
    #[inline(always)]
    #[track_caller]
    pub fn get(&self, n: usize) -> Buffer<'_, B> {
        match self.take(n) {
            Some((buf, class)) => Buffer {
                pool: self,
                value: Held::new(buf),
                class,
            },
            None => refused(self.refuse(n)),
        }
    }

    /// An empty buffer with capacity at least `n`, or an error if `n` is above
    /// [`max_buffer`](Self::max_buffer) or the allocator cannot serve it. It never panics and
    /// never aborts, whatever `n`: sizes read from the wire go through here.
    ///
    /// # Errors
    /// A [`BufferError`] that names `n` and the limit, of kind
    /// [`AboveMaxBuffer`](BufferErrorKind::AboveMaxBuffer) or
    /// [`AllocFailed`](BufferErrorKind::AllocFailed). Each is counted in
    /// [`refused_gets`](Self::refused_gets).
    ///
    /// ```
    /// use pool_core::BufferPool;
    ///
    /// let pool: BufferPool = BufferPool::builder().max_buffer(1 << 20).build();
    /// let content_length: usize = "9223372036854775807".parse().unwrap(); // from a client
    /// match pool.try_get(content_length) {
    ///     Ok(mut body) => body.extend_from_slice(b"..."),
    ///     Err(e) => assert!(e.to_string().contains("9223372036854775807 bytes")), // answer 413
    /// }
    /// assert_eq!(pool.refused_gets(), 1);
    /// ```
    #[inline(always)]
    pub fn try_get(&self, n: usize) -> Result<Buffer<'_, B>, BufferError> {
        match self.take(n) {
            Some((buf, class)) => Ok(Buffer {
                pool: self,
                value: Held::new(buf),
                class,
            }),
            None => Err(self.refuse(n)),
        }
    }

    /// Like [`get`](Self::get), with a guard that owns an `Arc` of the pool: `'static`, `Send`,
    /// for spawned tasks.
    ///
    /// # Panics
    /// As [`get`](Self::get): if `n` is above [`max_buffer`](Self::max_buffer) or the allocator
    /// cannot serve it; use [`try_get_owned`](Self::try_get_owned) for sizes from the wire.
    ///
    /// ```
    /// use std::sync::Arc;
    /// use pool_core::BufferPool;
    ///
    /// let pool = Arc::new(BufferPool::new());
    /// let mut buf = pool.get_owned(64 << 10);
    /// std::thread::spawn(move || buf.extend_from_slice(b"read from a socket")).join().unwrap();
    /// assert_eq!(pool.stats().returns, 1);
    /// ```
    #[track_caller]
    pub fn get_owned(self: &Arc<Self>, n: usize) -> BufferOwned<B> {
        match self.try_get_owned(n) {
            Ok(buf) => buf,
            Err(err) => refused(err),
        }
    }

    /// Like [`try_get`](Self::try_get), with a guard that owns an `Arc` of the pool (see
    /// [`get_owned`](Self::get_owned)). Never panics, never aborts.
    ///
    /// # Errors
    /// As [`try_get`](Self::try_get): `n` above [`max_buffer`](Self::max_buffer), or the
    /// allocator could not serve it.
    ///
    /// ```
    /// use std::sync::Arc;
    /// use pool_core::BufferPool;
    ///
    /// let pool = Arc::new(BufferPool::builder().max_buffer(1 << 20).build());
    /// let frame_len = u32::from_be_bytes([0x7f, 0xff, 0xff, 0xff]) as usize; // a length prefix
    /// let err = pool.try_get_owned(frame_len).unwrap_err();
    /// assert_eq!((err.requested(), err.limit()), (frame_len, 1 << 20));
    /// let buf: pool_core::BufferOwned = pool.try_get_owned(1500).unwrap();
    /// assert!(buf.capacity() >= 1500);
    /// ```
    pub fn try_get_owned(self: &Arc<Self>, n: usize) -> Result<BufferOwned<B>, BufferError> {
        match self.take(n) {
            Some((buf, class)) => Ok(BufferOwned {
                value: Held::new(buf),
                pool: Arc::clone(self),
                class,
            }),
            None => Err(self.refuse(n)),
        }
    }

    /// A buffer of at least `n` bytes and the index of the class it came from (`None`: served
    /// fresh above the largest class), or `None` if it is refused (see
    /// [`refuse`](Self::refuse) for why): the error is built on the cold path.
    #[inline(always)]
    fn take(&self, n: usize) -> Option<(Slot<B>, Option<u32>)> {
        // Every class is at most `max_buffer`, so a size a class covers is within it.
        match self.classes.iter().position(|c| c.size >= n) {
            Some(index) => {
                let class = &self.classes[index];
                // An allocation the allocator refuses makes nothing and counts nothing: the
                // get is refused (`refuse`), and the class's stats do not see it.
                let buf = class
                    .pool
                    .take_or_try_create(|| B::try_with_capacity(class.size))?;
                // `build` checked that every index fits a `u32`.
                Some((buf, Some(index as u32)))
            }
            None => self.take_unpooled(n).map(|buf| (buf, None)),
        }
    }

    /// A get above the largest class: a fresh buffer, allocated fallibly, within `max_buffer`.
    #[cold]
    #[inline(never)]
    fn take_unpooled(&self, n: usize) -> Option<Slot<B>> {
        if n > self.max_buffer {
            return None;
        }
        let buf = B::try_with_capacity(n)?;
        // Relaxed: a statistic, on a path that allocates anyway.
        self.unpooled.fetch_add(1, Ordering::Relaxed);
        Some(Slot::new(buf))
    }

    /// The error for a get of `n` bytes that `take` refused, counted: above `max_buffer`, or,
    /// within it, the allocator's failure.
    #[cold]
    #[inline(never)]
    fn refuse(&self, n: usize) -> BufferError {
        // Relaxed: a statistic.
        self.refused.fetch_add(1, Ordering::Relaxed);
        let kind = if n > self.max_buffer {
            BufferErrorKind::AboveMaxBuffer
        } else {
            BufferErrorKind::AllocFailed
        };
        BufferError {
            requested: n,
            limit: self.max_buffer,
            kind,
        }
    }

    /// Offers a buffer to the pool: it is cleared and filed in the largest class its capacity
    /// covers (counted as a put and a return of that class), or dropped, uncounted, if it is smaller than
    /// the smallest class or larger than the largest.
    ///
    /// ```
    /// use pool_core::BufferPool;
    ///
    /// let pool = BufferPool::new();
    /// pool.put(Vec::with_capacity(70_000)); // filed in the 64 KiB class
    /// let per_class: Vec<u64> = pool.class_stats().map(|class| class.stats.idle).collect();
    /// assert_eq!(per_class, [0, 1, 0]);
    /// ```
    pub fn put(&self, buf: B) {
        if let Some(to) = self.put_boxed(Slot::new(buf), None) {
            self.classes[to].pool.count_put();
        }
    }

    /// Files a returned buffer by its capacity now; `from` is the class it was taken from
    /// (`None`: served fresh, or never the pool's), for the counts the classes' pools cannot
    /// keep: a promotion, or a buffer that no longer fits any class.
    /// Returns the class it was filed in.
    #[inline]
    fn put_boxed(&self, buf: Slot<B>, from: Option<u32>) -> Option<usize> {
        let capacity = buf.capacity();
        // The common return: the buffer still fits the class it came from (it did not grow
        // past the next class), so it goes back there without a scan of the classes.
        if let Some(from) = from.map(|from| from as usize)
            && let Some(class) = self.classes.get(from)
            && class.fits(capacity)
        {
            class.pool.put_boxed(buf);
            return Some(from);
        }
        self.put_filed(buf, from, capacity)
    }

    /// [`put_boxed`](Self::put_boxed) for a buffer that no longer fits its class, or came from
    /// none: filed by its capacity now.
    #[cold]
    #[inline(never)]
    fn put_filed(&self, buf: Slot<B>, from: Option<u32>, capacity: usize) -> Option<usize> {
        let to = match self.classes.iter().rposition(|c| c.size <= capacity) {
            Some(to) if capacity <= self.largest() => Some(to),
            _ => None,
        };
        match (to, from.map(|from| from as usize)) {
            (Some(to), from) => {
                if from.is_some_and(|from| from < to) {
                    self.classes[to].count_promoted();
                }
                self.classes[to].pool.put_boxed(buf);
            }
            (None, Some(from)) => {
                // Taken from `from`, back fitting no class: a return of that class, discarded
                // as oversized (grown past the largest class, or shrunk below the smallest).
                self.classes[from]
                    .pool
                    .discard(Discard::Oversized(capacity), buf);
            }
            (None, None) => drop(buf),
        }
        to
    }

    /// Counts the detach of a buffer taken from class `from` (`None`: served fresh, which the
    /// classes' stats do not count).
    fn count_detached(&self, from: Option<u32>) {
        if let Some(from) = from {
            self.classes[from as usize].pool.count_detached();
        }
    }

    fn largest(&self) -> usize {
        self.classes.last().map_or(0, |c| c.size)
    }

    /// Releases, in every class, the buffers idle since the previous `trim()`, wherever they sit,
    /// the shared tiers and every thread's cache (see [`Pool::trim`](crate::Pool::trim)), and
    /// returns how many it released.
    ///
    /// ```
    /// use pool_core::BufferPool;
    ///
    /// let pool = BufferPool::new();
    /// drop(pool.get(100)); // into this thread's cache
    /// assert_eq!(pool.trim(), 0); // idle for less than a whole period: kept
    /// assert_eq!(pool.trim(), 1); // still idle at the second trim: released from the cache
    /// assert_eq!(pool.stats().idle, 0);
    /// ```
    pub fn trim(&self) -> usize {
        let released = self.classes.iter().map(|c| c.pool.trim()).sum();
        #[cfg(feature = "metrics")]
        self.publish_metrics();
        released
    }

    /// Publishes each class's [`Stats`] (labelled `pool = name`, `class = size in bytes`) and
    /// the pool's [`unpooled_gets`](Self::unpooled_gets) and [`refused_gets`](Self::refused_gets)
    /// (as `pool_buffer_unpooled_gets_total` and `pool_buffer_refused_gets_total`, labelled
    /// `pool = name`) through the [`metrics`](https://docs.rs/metrics) facade, if the pool was
    /// built with a name ([`BufferPoolBuilder::metrics`]); else does nothing. The series are
    /// those of [`PoolBuilder::metrics`](crate::PoolBuilder::metrics), with the same refresh
    /// points: this call, [`trim`](Self::trim) and the pool's drop.
    ///
    /// ```
    /// use pool_core::BufferPool;
    ///
    /// let pool: BufferPool = BufferPool::builder().metrics("responses").build();
    /// drop(pool.get(100));
    /// pool.publish_metrics(); // pool_gets_total{pool="responses",class="4096"} 1
    /// ```
    #[cfg(feature = "metrics")]
    #[cfg_attr(docsrs, doc(cfg(feature = "metrics")))]
    pub fn publish_metrics(&self) {
        self.publish_with(crate::metrics::Registration::publish);
    }

    /// Publishes each class's stats with `publish`, then the gets no class serves.
    #[cfg(feature = "metrics")]
    fn publish_with(&self, publish: fn(&crate::metrics::Registration, &Stats)) {
        if let Some(registration) = &self.metrics {
            for (class, registration) in self.classes.iter().zip(&registration.classes) {
                publish(registration, &class.stats().stats);
            }
            registration.publish_unclassed(self.unpooled_gets(), self.refused_gets());
        }
    }

    /// Statistics per class, smallest first: each class's size, its [`Stats`], and how many of
    /// its returns were buffers promoted from a smaller class (see [`ClassStats`]).
    ///
    /// ```
    /// use pool_core::BufferPool;
    ///
    /// let pool = BufferPool::new();
    /// drop(pool.get(10));
    /// drop(pool.get(100 << 10));
    /// let per_class: Vec<(usize, u64)> = pool.class_stats().map(|c| (c.size, c.stats.gets)).collect();
    /// assert_eq!(per_class, [(4 << 10, 1), (64 << 10, 0), (1 << 20, 1)]);
    /// for class in pool.class_stats() {
    ///     println!("{class}"); // "4 KiB: gets=1 hit=0.0% new=1 back=1 ... promoted=0", ...
    /// }
    /// ```
    pub fn class_stats(&self) -> impl Iterator<Item = ClassStats> + '_ {
        self.classes.iter().map(Class::stats)
    }

    /// Statistics summed over the classes. Gets above the largest class are counted in
    /// [`unpooled_gets`](Self::unpooled_gets), refused ones in
    /// [`refused_gets`](Self::refused_gets), not here. A buffer that comes back fitting no class
    /// (it grew past the largest, or shrank below the smallest) is dropped and counted in
    /// `discards.oversized`, and a detached one in `detached`, so that once no other thread
    /// uses the pool every buffer is accounted for by [the identity of `Stats`](Stats).
    ///
    /// ```
    /// use pool_core::{Buffer, BufferPool};
    ///
    /// let pool = BufferPool::new();
    /// drop(pool.get(10));
    /// drop(pool.get(10));
    /// let kept: Vec<u8> = Buffer::detach(pool.get(10));
    /// pool.get(1 << 20).extend_from_slice(&vec![0; (1 << 20) + 1]); // grows past the largest class
    /// let s = pool.stats();
    /// assert_eq!((s.gets, s.creations, s.detached, s.discards.oversized), (4, 2, 1, 1));
    /// assert_eq!(s.creations, s.idle + s.discards.total() + s.detached + s.trimmed);
    /// # drop(kept);
    /// ```
    pub fn stats(&self) -> Stats {
        let mut total = Stats::default();
        for class in self.class_stats() {
            total += class.stats;
        }
        // The in-use gauge of the whole pool: a buffer taken from one class and filed in
        // another on return leaves the two classes' own gauges off by one each way.
        total.finish()
    }

    /// How many gets asked for more than the largest class and were served fresh.
    ///
    /// ```
    /// use pool_core::BufferPool;
    ///
    /// let pool = BufferPool::new();
    /// drop(pool.get(8 << 20));
    /// assert_eq!(pool.unpooled_gets(), 1);
    /// assert_eq!(pool.stats().idle, 0);
    /// ```
    pub fn unpooled_gets(&self) -> u64 {
        self.unpooled.load(Ordering::Relaxed)
    }

    /// How many gets were refused: above [`max_buffer`](Self::max_buffer), or not served by the
    /// allocator (the errors of [`try_get`](Self::try_get) and the panics of
    /// [`get`](Self::get)). Log it: a rising count is a client sending sizes past the limit.
    ///
    /// ```
    /// use pool_core::BufferPool;
    ///
    /// let pool = BufferPool::new();
    /// assert!(pool.try_get(1 << 40).is_err());
    /// assert_eq!(pool.refused_gets(), 1);
    /// ```
    pub fn refused_gets(&self) -> u64 {
        self.refused.load(Ordering::Relaxed)
    }
}

/// The last publish: the idle buffers count as released with the pool.
#[cfg(feature = "metrics")]
impl<B: ByteBuffer> Drop for BufferPool<B> {
    fn drop(&mut self) {
        self.publish_with(crate::metrics::Registration::publish_dropped);
    }
}

impl<B: ByteBuffer> fmt::Debug for BufferPool<B> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BufferPool")
            .field("classes", &self.classes().collect::<Vec<_>>())
            .field("max_buffer", &self.max_buffer)
            .finish_non_exhaustive()
    }
}
