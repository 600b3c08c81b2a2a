//! [`BufferPool`]: byte buffers in size classes, each class a [`Pool`] with per-thread caches.

use core::fmt;
use core::ops::{Deref, DerefMut};
use std::io;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use crate::slot::{Held, Slot};
use crate::{Pool, Poolable, Stats};

/// The default size classes: 4 KiB, 64 KiB and 1 MiB.
pub const DEFAULT_CLASSES: [usize; 3] = [4 << 10, 64 << 10, 1 << 20];

/// A growable byte buffer a [`BufferPool`] can hold: `Vec<u8>`, and `bytes::BytesMut` with the
/// `bytes` feature. Its `reset` must empty it and keep its capacity.
///
/// The pool allocates through [`try_with_capacity`](Self::try_with_capacity), so that a size
/// the allocator cannot serve is an error, never an abort.
pub trait ByteBuffer: Poolable + Send + 'static {
    /// An empty buffer with room for at least `capacity` bytes (the pool only calls it with 0,
    /// where it must not allocate).
    fn with_capacity(capacity: usize) -> Self;
    /// An empty buffer with room for at least `capacity` bytes, or `None` if the allocator
    /// cannot serve it (or `capacity` overflows `isize`): it must not abort or panic.
    ///
    /// ```
    /// use pool_core::ByteBuffer;
    ///
    /// assert!(<Vec<u8> as ByteBuffer>::try_with_capacity(4096).unwrap().capacity() >= 4096);
    /// assert!(<Vec<u8> as ByteBuffer>::try_with_capacity(usize::MAX).is_none());
    /// ```
    fn try_with_capacity(capacity: usize) -> Option<Self>
    where
        Self: Sized;
    /// How many bytes it can hold without reallocating.
    fn capacity(&self) -> usize;
}

impl ByteBuffer for Vec<u8> {
    fn with_capacity(capacity: usize) -> Self {
        Vec::with_capacity(capacity)
    }
    fn try_with_capacity(capacity: usize) -> Option<Self> {
        let mut buf = Vec::new();
        buf.try_reserve_exact(capacity).ok()?;
        Some(buf)
    }
    fn capacity(&self) -> usize {
        Vec::capacity(self)
    }
}

/// `BytesMut` has no fallible allocation of its own: the bytes are reserved in a `Vec<u8>` with
/// `try_reserve_exact`, which `BytesMut` then takes over without copying (through `Bytes`,
/// which allocates one small header).
#[cfg(feature = "bytes")]
#[cfg_attr(docsrs, doc(cfg(feature = "bytes")))]
impl ByteBuffer for bytes::BytesMut {
    fn with_capacity(capacity: usize) -> Self {
        bytes::BytesMut::with_capacity(capacity)
    }
    fn try_with_capacity(capacity: usize) -> Option<Self> {
        if capacity == 0 {
            return Some(bytes::BytesMut::new());
        }
        let buf = <Vec<u8> as ByteBuffer>::try_with_capacity(capacity)?;
        Some(bytes::BytesMut::from(bytes::Bytes::from(buf)))
    }
    fn capacity(&self) -> usize {
        bytes::BytesMut::capacity(self)
    }
}

/// The default [`BufferPoolBuilder::max_buffer`]: 64 MiB, 64 times the largest default class.
///
/// Above any sane frame or body of the common protocols (gRPC's default message limit is
/// 4 MiB, HTTP/2's largest frame 16 MiB) and far below what makes an allocator fail, so a size
/// read from the wire is refused long before it could abort the process. A server should still
/// set its own protocol's limit: each request may cost up to this much memory.
pub const DEFAULT_MAX_BUFFER: usize = 64 << 20;

/// Most idle buffers [`BufferPoolBuilder::thread_cache`] accepts per class and thread (each
/// thread cache reserves room for its bound up front).
const MAX_THREAD_CACHE: usize = 1 << 16;

/// Why a [`BufferPool`] refused a buffer: see [`BufferError::kind`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum BufferErrorKind {
    /// The size asked is above the pool's [`max_buffer`](BufferPool::max_buffer).
    AboveMaxBuffer,
    /// The size is within `max_buffer`, but the allocator could not serve it.
    AllocFailed,
}

/// A buffer a [`BufferPool`] could not hand out, from [`try_get`](BufferPool::try_get) (and
/// the message [`get`](BufferPool::get) panics with): the size asked, the pool's limit, and
/// why.
///
/// ```
/// use pool_core::{BufferErrorKind, BufferPool};
///
/// let pool: BufferPool = BufferPool::builder().max_buffer(1 << 20).build();
/// let err = pool.try_get(2 << 20).unwrap_err();
/// assert_eq!((err.requested(), err.limit()), (2 << 20, 1 << 20));
/// assert_eq!(err.kind(), BufferErrorKind::AboveMaxBuffer);
/// assert!(err.to_string().starts_with("a buffer of 2097152 bytes was requested, above `max_buffer` (1048576 bytes)"));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BufferError {
    requested: usize,
    limit: usize,
    kind: BufferErrorKind,
}

impl BufferError {
    /// The size asked for, in bytes.
    pub fn requested(&self) -> usize {
        self.requested
    }

    /// The pool's [`max_buffer`](BufferPool::max_buffer), in bytes.
    pub fn limit(&self) -> usize {
        self.limit
    }

    /// Above the limit, or the allocator's failure.
    pub fn kind(&self) -> BufferErrorKind {
        self.kind
    }
}

impl fmt::Display for BufferError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (requested, limit) = (self.requested, self.limit);
        match self.kind {
            BufferErrorKind::AboveMaxBuffer => write!(
                f,
                "a buffer of {requested} bytes was requested, above `max_buffer` ({limit} bytes); \
                 refuse the request, or raise `BufferPoolBuilder::max_buffer`"
            ),
            BufferErrorKind::AllocFailed => write!(
                f,
                "the allocator could not serve a buffer of {requested} bytes, within \
                 `max_buffer` ({limit} bytes); retry later, or lower \
                 `BufferPoolBuilder::max_buffer`"
            ),
        }
    }
}

impl std::error::Error for BufferError {}

/// The panic of `get` and `get_owned`: cold, and at the caller's line.
#[cold]
#[inline(never)]
#[track_caller]
fn refused(err: BufferError) -> ! {
    panic!("{err}")
}

/// One size class: buffers of at least `size` bytes.
struct Class<B: Send> {
    size: usize,
    pool: Pool<B>,
}

/// Byte buffers in size classes (default 4 KiB, 64 KiB, 1 MiB), for reads, writes and encodings
/// whose size varies per request.
///
/// `get(n)` returns a guarded, empty buffer with capacity at least `n`, taken from the smallest
/// class that fits; each class is a [`Pool`], with its per-thread caches. On drop the buffer is
/// cleared and filed in the largest class its capacity now covers (a 4 KiB buffer that grew to
/// 100 KiB goes to the 64 KiB class). Requests above the largest class are served fresh and not
/// kept, and so are buffers that grew past it: one huge request cannot pin memory.
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
    pub fn builder() -> BufferPoolBuilder<B> {
        BufferPoolBuilder {
            classes: None,
            max_buffer: None,
            max_idle: usize::MAX,
            thread_cache: None,
            memory: crate::pool::MemoryOptions::default(),
            _buffer: core::marker::PhantomData,
        }
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
    #[inline]
    #[track_caller]
    pub fn get(&self, n: usize) -> Buffer<'_, B> {
        match self.take(n) {
            Some(buf) => Buffer {
                pool: self,
                buf: Held::new(buf),
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
    #[inline]
    pub fn try_get(&self, n: usize) -> Result<Buffer<'_, B>, BufferError> {
        match self.take(n) {
            Some(buf) => Ok(Buffer {
                pool: self,
                buf: Held::new(buf),
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
            Some(buf) => Ok(BufferOwned {
                buf: Held::new(buf),
                pool: Arc::clone(self),
            }),
            None => Err(self.refuse(n)),
        }
    }

    /// A buffer of at least `n` bytes, or `None` if it is refused (see [`refuse`](Self::refuse)
    /// for why): an `Option` of a box is one register; the error is built on the cold path.
    #[inline]
    fn take(&self, n: usize) -> Option<Slot<B>> {
        // Every class is at most `max_buffer`, so a size a class covers is within it.
        match self.classes.iter().find(|c| c.size >= n) {
            Some(class) => {
                let buf = class.pool.take();
                // A pooled buffer covers its class; a fresh one has less only when the class
                // factory's allocation failed (it then makes an empty buffer, see `build`),
                // which is counted as a creation in the class's stats, and dropped here.
                (buf.capacity() >= n).then_some(buf)
            }
            None => self.take_unpooled(n),
        }
    }

    /// A get above the largest class: a fresh buffer, allocated fallibly, within `max_buffer`.
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
    /// covers, or dropped if it is smaller than the smallest class or larger than the largest.
    ///
    /// ```
    /// use pool_core::BufferPool;
    ///
    /// let pool = BufferPool::new();
    /// pool.put(Vec::with_capacity(70_000)); // filed in the 64 KiB class
    /// let per_class: Vec<u64> = pool.class_stats().map(|(_, s)| s.idle).collect();
    /// assert_eq!(per_class, [0, 1, 0]);
    /// ```
    pub fn put(&self, buf: B) {
        self.put_boxed(Slot::new(buf));
    }

    #[inline]
    fn put_boxed(&self, buf: Slot<B>) {
        let capacity = buf.capacity();
        match self.classes.iter().rev().find(|c| c.size <= capacity) {
            Some(class) if capacity <= self.largest() => class.pool.put_boxed(buf),
            _ => drop(buf),
        }
    }

    fn largest(&self) -> usize {
        self.classes.last().map_or(0, |c| c.size)
    }

    /// Releases, in every class, the buffers idle since the previous `trim()` (see
    /// [`Pool::trim`]); returns how many the shared tiers released.
    ///
    /// ```
    /// use pool_core::BufferPool;
    ///
    /// let pool: BufferPool = BufferPool::builder().thread_cache(0).build();
    /// drop(pool.get(100));
    /// pool.trim();
    /// assert_eq!(pool.trim(), 1);
    /// ```
    pub fn trim(&self) -> usize {
        self.classes.iter().map(|c| c.pool.trim()).sum()
    }

    /// Statistics per class: `(class size, stats)`, smallest first.
    ///
    /// ```
    /// use pool_core::BufferPool;
    ///
    /// let pool = BufferPool::new();
    /// drop(pool.get(10));
    /// drop(pool.get(100 << 10));
    /// let per_class: Vec<(usize, u64)> = pool.class_stats().map(|(size, s)| (size, s.gets)).collect();
    /// assert_eq!(per_class, [(4 << 10, 1), (64 << 10, 0), (1 << 20, 1)]);
    /// ```
    pub fn class_stats(&self) -> impl Iterator<Item = (usize, Stats)> + '_ {
        self.classes.iter().map(|c| (c.size, c.pool.stats()))
    }

    /// Statistics summed over the classes. Gets above the largest class are counted in
    /// [`unpooled_gets`](Self::unpooled_gets), refused ones in
    /// [`refused_gets`](Self::refused_gets), not here.
    ///
    /// ```
    /// use pool_core::BufferPool;
    ///
    /// let pool = BufferPool::new();
    /// drop(pool.get(10));
    /// drop(pool.get(10));
    /// assert_eq!((pool.stats().gets, pool.stats().creations), (2, 1));
    /// ```
    pub fn stats(&self) -> Stats {
        let mut total = Stats::default();
        for (_, stats) in self.class_stats() {
            total += stats;
        }
        total
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

impl<B: ByteBuffer> fmt::Debug for BufferPool<B> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BufferPool")
            .field("classes", &self.classes().collect::<Vec<_>>())
            .field("max_buffer", &self.max_buffer)
            .finish_non_exhaustive()
    }
}

/// Configures a [`BufferPool`]: the buffer type, the size classes, the largest buffer handed
/// out and the per-class bounds. Values that can only be a mistake (no class, a class of 0
/// bytes, a class above `max_buffer`) make [`build`](Self::build) panic with a message naming
/// the method.
///
/// ```
/// use pool_core::BufferPool;
///
/// let pool: BufferPool = BufferPool::builder()
///     .classes([16 << 10, 256 << 10])
///     .max_buffer(4 << 20)
///     .thread_cache(8)
///     .build();
/// assert_eq!((pool.classes().count(), pool.max_buffer()), (2, 4 << 20));
/// ```
pub struct BufferPoolBuilder<B> {
    /// `None`: the default classes.
    classes: Option<Vec<usize>>,
    /// `None`: the default limit.
    max_buffer: Option<usize>,
    max_idle: usize,
    thread_cache: Option<usize>,
    /// Memory over time, forwarded to each class's pool.
    memory: crate::pool::MemoryOptions,
    _buffer: core::marker::PhantomData<fn() -> B>,
}

impl<B: ByteBuffer> BufferPoolBuilder<B> {
    /// The class sizes in bytes, in any order (duplicates are merged). Default
    /// [`DEFAULT_CLASSES`] (4 KiB, 64 KiB, 1 MiB). A huge class is allocated only when a get
    /// needs it, but must not be above [`max_buffer`](Self::max_buffer).
    ///
    /// # Panics
    /// [`build`](Self::build) panics if `sizes` is empty, holds a 0, or holds a class above an
    /// explicit [`max_buffer`](Self::max_buffer): each can only be a mistake.
    ///
    /// ```
    /// use pool_core::BufferPool;
    ///
    /// let pool: BufferPool = BufferPool::builder().classes([1024, 256, 1024]).build();
    /// assert_eq!(pool.classes().collect::<Vec<_>>(), [256, 1024]);
    /// assert!(std::panic::catch_unwind(|| BufferPool::<Vec<u8>>::builder().classes([0, 512]).build()).is_err());
    /// ```
    pub fn classes(mut self, sizes: impl IntoIterator<Item = usize>) -> Self {
        let mut classes: Vec<usize> = sizes.into_iter().collect();
        classes.sort_unstable();
        classes.dedup();
        self.classes = Some(classes);
        self
    }

    /// The largest buffer the pool hands out at all, in bytes, pooled or served fresh above the
    /// largest class: [`BufferPool::try_get`] refuses a larger size with an error and
    /// [`BufferPool::get`] panics. Set it to the largest frame or body your protocol allows.
    ///
    /// Default: [`DEFAULT_MAX_BUFFER`] (64 MiB), or the largest explicit class if that is
    /// larger. When it is set and the classes are the defaults, default classes above it are
    /// left out; `usize::MAX` turns the limit off (the allocator's failure is still an error,
    /// not an abort).
    ///
    /// # Panics
    /// [`build`](Self::build) panics if it is 0, if it is below the smallest default class (with
    /// no [`classes`](Self::classes) set), or if an explicit class is above it.
    ///
    /// ```
    /// use pool_core::BufferPool;
    ///
    /// let pool: BufferPool = BufferPool::builder().max_buffer(1 << 20).build();
    /// assert_eq!(pool.get(1 << 20).capacity(), 1 << 20);
    /// assert!(pool.try_get((1 << 20) + 1).is_err());
    /// ```
    pub fn max_buffer(mut self, bytes: usize) -> Self {
        self.max_buffer = Some(bytes);
        self
    }

    /// At most `n` idle buffers in each class's shared tier (see
    /// [`PoolBuilder::max_idle`](crate::PoolBuilder::max_idle)); a buffer returned beyond it is
    /// dropped. `0` keeps none in the tiers (the thread caches still keep theirs: add
    /// `thread_cache(0)` to pool nothing). Default, and any huge value: unbounded, the pool
    /// never holds more than the peak number in use.
    ///
    /// ```
    /// use pool_core::BufferPool;
    ///
    /// let pool: BufferPool = BufferPool::builder().max_idle_per_class(0).thread_cache(0).build();
    /// drop(pool.get(100));
    /// assert_eq!(pool.stats().idle, 0);
    /// ```
    pub fn max_idle_per_class(mut self, n: usize) -> Self {
        self.max_idle = n;
        self
    }

    /// Each thread caches at most `n` idle buffers per class (default 16, see
    /// [`PoolBuilder::thread_cache`](crate::PoolBuilder::thread_cache)). `0` turns the caches
    /// off: every get and return takes the class's lock.
    ///
    /// # Panics
    /// [`build`](Self::build) panics if `n` is above 65,536: a thread cache reserves room for
    /// its bound up front, and that many buffers per thread can only be a mistake.
    ///
    /// ```
    /// use pool_core::BufferPool;
    ///
    /// let pool: BufferPool = BufferPool::builder().thread_cache(0).build();
    /// drop(pool.get(100)); // straight to the shared tier, where `trim` sees it
    /// pool.trim();
    /// assert_eq!(pool.trim(), 1);
    /// ```
    pub fn thread_cache(mut self, n: usize) -> Self {
        self.thread_cache = Some(n);
        self
    }

    /// [`PoolBuilder::idle_timeout`](crate::PoolBuilder::idle_timeout) for every class: a
    /// buffer idle for about `timeout` is released with no call of yours. Default
    /// [`DEFAULT_IDLE_TIMEOUT`](crate::DEFAULT_IDLE_TIMEOUT) (30 s); `Duration::MAX` turns it
    /// off, `Duration::ZERO` runs a pass at every check.
    ///
    /// ```
    /// use std::time::Duration;
    /// use pool_core::BufferPool;
    ///
    /// let pool: BufferPool = BufferPool::builder().idle_timeout(Duration::from_secs(10)).build();
    /// drop(pool.get(100));
    /// assert_eq!(pool.stats().aged, 0);
    /// ```
    pub fn idle_timeout(mut self, timeout: core::time::Duration) -> Self {
        self.memory.idle_timeout = Some(timeout);
        self
    }

    /// [`PoolBuilder::background_trim`](crate::PoolBuilder::background_trim): the pool, built
    /// with [`build_arc`](Self::build_arc), is aged by the background trimmer even when nobody
    /// touches it ([`build`](Self::build) panics with it). Default `false`.
    ///
    /// ```
    /// use pool_core::BufferPool;
    ///
    /// let pool = BufferPool::<Vec<u8>>::builder().background_trim(true).build_arc();
    /// drop(pool.get(100));
    /// ```
    pub fn background_trim(mut self, on: bool) -> Self {
        self.memory.background_trim = on;
        self
    }

    /// [`PoolBuilder::max_idle_bytes`](crate::PoolBuilder::max_idle_bytes) over all classes
    /// together: one budget, `bytes` of idle buffer capacity at most, with the same bound.
    /// `0` keeps no buffer; `usize::MAX` (the default) is no budget.
    ///
    /// ```
    /// use pool_core::BufferPool;
    ///
    /// let pool: BufferPool = BufferPool::builder().max_idle_bytes(100 << 10).build();
    /// let bufs: Vec<_> = (0..4).map(|_| pool.get(64 << 10)).collect();
    /// drop(bufs);
    /// assert!(pool.stats().retained_bytes <= 100 << 10);
    /// assert_eq!(pool.stats().discards.over_idle_bytes, 3);
    /// ```
    pub fn max_idle_bytes(mut self, bytes: usize) -> Self {
        self.memory.max_idle_bytes = Some(bytes);
        self
    }

    /// [`PoolBuilder::auto_max_retained_bytes`](crate::PoolBuilder::auto_max_retained_bytes)
    /// for every class: each class learns the capacity above which a returned buffer is
    /// dropped (not shrunk), from the capacities returned to it, on top of the rule that files a
    /// buffer that grew in the class its capacity covers.
    ///
    /// ```
    /// use pool_core::BufferPool;
    ///
    /// let pool: BufferPool = BufferPool::builder().auto_max_retained_bytes().build();
    /// drop(pool.get(100));
    /// assert_eq!(pool.stats().max_retained_bytes, 0); // nothing learned yet
    /// ```
    pub fn auto_max_retained_bytes(mut self) -> Self {
        self.memory.auto_max_retained_bytes = true;
        self
    }

    /// [`PoolBuilder::pressure`](crate::PoolBuilder::pressure) for every class.
    ///
    /// ```
    /// use pool_core::BufferPool;
    ///
    /// let pool: BufferPool = BufferPool::builder().pressure(pool_core::pressure::cgroup).build();
    /// drop(pool.get(100));
    /// ```
    pub fn pressure(mut self, f: impl Fn() -> f32 + Send + Sync + 'static) -> Self {
        self.memory.pressure = Some(std::sync::Arc::new(f));
        self
    }

    /// Builds the pool behind an `Arc` and, with
    /// [`background_trim(true)`](Self::background_trim), registers it with the background
    /// trimmer.
    ///
    /// # Panics
    /// As [`build`](Self::build).
    ///
    /// ```
    /// use pool_core::BufferPool;
    ///
    /// let pool = BufferPool::<Vec<u8>>::builder().build_arc();
    /// assert!(pool.get_owned(10).capacity() >= 10);
    /// ```
    #[track_caller]
    pub fn build_arc(mut self) -> Arc<BufferPool<B>> {
        let background = core::mem::take(&mut self.memory.background_trim);
        let pool = Arc::new(self.build_classes(background));
        if background {
            let weak = Arc::downgrade(&pool);
            crate::trimmer::register(weak);
        }
        pool
    }

    /// Builds the pool.
    ///
    /// # Panics
    /// On a configuration that can only be a mistake, with a message naming the method: no
    /// class, a class of 0 bytes, a class above [`max_buffer`](Self::max_buffer),
    /// `max_buffer(0)`, a `max_buffer` below every default class, a
    /// [`thread_cache`](Self::thread_cache) above 65,536.
    ///
    /// ```
    /// use pool_core::BufferPool;
    ///
    /// let result = std::panic::catch_unwind(|| {
    ///     BufferPool::<Vec<u8>>::builder().classes([4 << 20]).max_buffer(1 << 20).build()
    /// });
    /// assert!(result.is_err());
    /// ```
    #[track_caller]
    pub fn build(self) -> BufferPool<B> {
        assert!(
            !self.memory.background_trim,
            "`BufferPoolBuilder::background_trim(true)` needs the pool behind an `Arc`; build it \
             with `build_arc()`"
        );
        self.build_classes(false)
    }

    /// Builds the classes; `background`: their drops wake the trimmer.
    #[track_caller]
    fn build_classes(mut self, background: bool) -> BufferPool<B> {
        self.memory.background_trim = background;
        let budget = self.memory.shared_budget();
        let (classes, max_buffer) = self.checked_classes();
        if let Some(n) = self.thread_cache {
            assert!(
                n <= MAX_THREAD_CACHE,
                "`BufferPoolBuilder::thread_cache({n})` is above {MAX_THREAD_CACHE} buffers per \
                 class and thread; lower it (0 turns the caches off)"
            );
        }
        let classes = classes
            .into_iter()
            .map(|size| {
                // An allocation failure makes an empty buffer (`with_capacity(0)` does not
                // allocate), which `take` turns into an error instead of an abort.
                let factory =
                    move || B::try_with_capacity(size).unwrap_or_else(|| B::with_capacity(0));
                let mut builder = crate::PoolBuilder::from_factory(factory).max_idle(self.max_idle);
                if let Some(n) = self.thread_cache {
                    builder = builder.thread_cache(n);
                }
                Class {
                    size,
                    pool: self.memory.apply(builder, budget.as_ref()).build_class(),
                }
            })
            .collect();
        BufferPool {
            classes,
            max_buffer,
            unpooled: AtomicU64::new(0),
            refused: AtomicU64::new(0),
        }
    }

    /// The classes and the limit, checked; panics on a mistake.
    #[track_caller]
    fn checked_classes(&self) -> (Vec<usize>, usize) {
        if self.max_buffer == Some(0) {
            panic!(
                "`BufferPoolBuilder::max_buffer(0)` refuses every buffer; pass the largest size \
                 the pool may hand out"
            );
        }
        match &self.classes {
            None => {
                let max_buffer = self.max_buffer.unwrap_or(DEFAULT_MAX_BUFFER);
                let classes: Vec<usize> = DEFAULT_CLASSES
                    .into_iter()
                    .filter(|&size| size <= max_buffer)
                    .collect();
                assert!(
                    !classes.is_empty(),
                    "`BufferPoolBuilder::max_buffer({max_buffer})` is below the smallest default \
                     class ({} bytes); raise it, or pass smaller `classes`",
                    DEFAULT_CLASSES[0]
                );
                (classes, max_buffer)
            }
            Some(classes) => {
                let (Some(&smallest), Some(&largest)) = (classes.first(), classes.last()) else {
                    panic!(
                        "`BufferPoolBuilder::classes` got no size; pass at least one, or leave \
                         the default classes"
                    );
                };
                assert!(
                    smallest > 0,
                    "`BufferPoolBuilder::classes` got a class of 0 bytes, which holds nothing; \
                     remove it"
                );
                let max_buffer = match self.max_buffer {
                    Some(max_buffer) => {
                        assert!(
                            largest <= max_buffer,
                            "`BufferPoolBuilder::classes` got a class of {largest} bytes, above \
                             `max_buffer` ({max_buffer} bytes); remove the class or raise \
                             `max_buffer`"
                        );
                        max_buffer
                    }
                    None => DEFAULT_MAX_BUFFER.max(largest),
                };
                (classes.clone(), max_buffer)
            }
        }
    }
}

impl<B: ByteBuffer> crate::trimmer::Ageable for BufferPool<B> {
    fn age(&self) -> Option<core::time::Duration> {
        self.classes
            .iter()
            .filter_map(|c| c.pool.age_in_background())
            .min()
    }
}

impl<B> fmt::Debug for BufferPoolBuilder<B> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BufferPoolBuilder")
            .field("classes", &self.classes)
            .field("max_buffer", &self.max_buffer)
            .finish_non_exhaustive()
    }
}

/// Implements the guard traits shared by `Buffer` and `BufferOwned`.
macro_rules! buffer_guard {
    ($guard:ident $(<$lt:lifetime>)?) => {
        impl<$($lt,)? B: ByteBuffer> Deref for $guard<$($lt,)? B> {
            type Target = B;
            #[inline]
            fn deref(&self) -> &B {
                self.buf.get()
            }
        }

        impl<$($lt,)? B: ByteBuffer> DerefMut for $guard<$($lt,)? B> {
            #[inline]
            fn deref_mut(&mut self) -> &mut B {
                self.buf.get_mut()
            }
        }

        /// Writes go to the buffer, so `write!`, `serde_json::to_writer(&mut guard, ..)` and
        /// `io::copy` work on the guard directly.
        impl<$($lt,)? B: ByteBuffer + io::Write> io::Write for $guard<$($lt,)? B> {
            #[inline]
            fn write(&mut self, data: &[u8]) -> io::Result<usize> {
                (**self).write(data)
            }
            #[inline]
            fn write_all(&mut self, data: &[u8]) -> io::Result<()> {
                (**self).write_all(data)
            }
            fn flush(&mut self) -> io::Result<()> {
                Ok(())
            }
        }

        /// The buffer's bytes, so a guard can be handed to APIs that take `AsRef<[u8]>` owners
        /// (e.g. `bytes::Bytes::from_owner(pool.get_owned(n))`: the buffer goes back to the pool
        /// when the last `Bytes` handle drops).
        impl<$($lt,)? B: ByteBuffer + AsRef<[u8]>> AsRef<[u8]> for $guard<$($lt,)? B> {
            fn as_ref(&self) -> &[u8] {
                (**self).as_ref()
            }
        }

        impl<$($lt,)? B: ByteBuffer + fmt::Debug> fmt::Debug for $guard<$($lt,)? B> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::Debug::fmt(&**self, f)
            }
        }

        impl<$($lt,)? B: ByteBuffer> Drop for $guard<$($lt,)? B> {
            #[inline]
            fn drop(&mut self) {
                if let Some(buf) = self.buf.take() {
                    self.pool.put_boxed(buf);
                }
            }
        }

        impl<$($lt,)? B: ByteBuffer> $guard<$($lt,)? B> {
            /// Takes the buffer out of the pool for good (it is not counted as returned).
            pub fn detach(mut this: Self) -> B {
                this.buf.detach()
            }
        }
    };
}

/// A buffer from a [`BufferPool`]; derefs to the buffer, implements `io::Write`, and goes back to
/// the pool on drop.
pub struct Buffer<'a, B: ByteBuffer = Vec<u8>> {
    pool: &'a BufferPool<B>,
    buf: Held<B>,
}

buffer_guard!(Buffer<'a>);

/// A `'static` buffer guard from [`BufferPool::get_owned`].
pub struct BufferOwned<B: ByteBuffer = Vec<u8>> {
    pool: Arc<BufferPool<B>>,
    buf: Held<B>,
}

buffer_guard!(BufferOwned);
