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
pub trait ByteBuffer: Poolable + Send + 'static {
    /// An empty buffer with room for at least `capacity` bytes.
    fn with_capacity(capacity: usize) -> Self;
    /// How many bytes it can hold without reallocating.
    fn capacity(&self) -> usize;
}

impl ByteBuffer for Vec<u8> {
    fn with_capacity(capacity: usize) -> Self {
        Vec::with_capacity(capacity)
    }
    fn capacity(&self) -> usize {
        Vec::capacity(self)
    }
}

#[cfg(feature = "bytes")]
#[cfg_attr(docsrs, doc(cfg(feature = "bytes")))]
impl ByteBuffer for bytes::BytesMut {
    fn with_capacity(capacity: usize) -> Self {
        bytes::BytesMut::with_capacity(capacity)
    }
    fn capacity(&self) -> usize {
        bytes::BytesMut::capacity(self)
    }
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
    /// Gets above the largest class, served fresh.
    unpooled: AtomicU64,
}

impl BufferPool<Vec<u8>> {
    /// A pool of `Vec<u8>` with the default classes (4 KiB, 64 KiB, 1 MiB).
    ///
    /// ```
    /// use pool_core::BufferPool;
    ///
    /// assert_eq!(BufferPool::new().classes().collect::<Vec<_>>(), [4096, 65536, 1 << 20]);
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
    /// A builder, to choose the buffer type, the classes and the per-class bounds.
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
            classes: DEFAULT_CLASSES.to_vec(),
            max_idle: usize::MAX,
            thread_cache: None,
            _buffer: core::marker::PhantomData,
        }
    }

    /// The class sizes, smallest first.
    pub fn classes(&self) -> impl Iterator<Item = usize> + '_ {
        self.classes.iter().map(|c| c.size)
    }

    /// An empty buffer with capacity at least `n`, in a guard that returns it on drop.
    #[inline]
    pub fn get(&self, n: usize) -> Buffer<'_, B> {
        Buffer {
            pool: self,
            buf: Held::new(self.take(n)),
        }
    }

    /// Like [`get`](Self::get), with a guard that owns an `Arc` of the pool: `'static`, `Send`,
    /// for spawned tasks.
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
    pub fn get_owned(self: &Arc<Self>, n: usize) -> BufferOwned<B> {
        BufferOwned {
            buf: Held::new(self.take(n)),
            pool: Arc::clone(self),
        }
    }

    #[inline]
    fn take(&self, n: usize) -> Slot<B> {
        match self.classes.iter().find(|c| c.size >= n) {
            Some(class) => class.pool.take(),
            None => {
                // Relaxed: a statistic, on a path that allocates anyway.
                self.unpooled.fetch_add(1, Ordering::Relaxed);
                Slot::new(B::with_capacity(n))
            }
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
    /// [`unpooled_gets`](Self::unpooled_gets), not here.
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
}

impl<B: ByteBuffer> fmt::Debug for BufferPool<B> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BufferPool")
            .field("classes", &self.classes().collect::<Vec<_>>())
            .finish_non_exhaustive()
    }
}

/// Configures a [`BufferPool`].
pub struct BufferPoolBuilder<B> {
    classes: Vec<usize>,
    max_idle: usize,
    thread_cache: Option<usize>,
    _buffer: core::marker::PhantomData<fn() -> B>,
}

impl<B: ByteBuffer> BufferPoolBuilder<B> {
    /// The class sizes in bytes (sorted and deduplicated; zero sizes are ignored).
    ///
    /// # Panics
    /// [`build`](Self::build) panics if no non-zero class is left.
    pub fn classes(mut self, sizes: impl IntoIterator<Item = usize>) -> Self {
        self.classes = sizes.into_iter().filter(|&s| s > 0).collect();
        self.classes.sort_unstable();
        self.classes.dedup();
        self
    }

    /// At most `n` idle buffers in each class's shared tier (see [`PoolBuilder::max_idle`](crate::PoolBuilder::max_idle)).
    pub fn max_idle_per_class(mut self, n: usize) -> Self {
        self.max_idle = n;
        self
    }

    /// Each thread caches at most `n` idle buffers per class (default 16, see
    /// [`PoolBuilder::thread_cache`](crate::PoolBuilder::thread_cache)).
    pub fn thread_cache(mut self, n: usize) -> Self {
        self.thread_cache = Some(n);
        self
    }

    /// Builds the pool.
    ///
    /// # Panics
    /// If the list of classes is empty.
    pub fn build(self) -> BufferPool<B> {
        assert!(
            !self.classes.is_empty(),
            "a BufferPool needs at least one non-zero size class"
        );
        let classes = self
            .classes
            .iter()
            .map(|&size| {
                let mut builder = crate::PoolBuilder::from_factory(move || B::with_capacity(size))
                    .max_idle(self.max_idle);
                if let Some(n) = self.thread_cache {
                    builder = builder.thread_cache(n);
                }
                Class {
                    size,
                    pool: builder.build(),
                }
            })
            .collect();
        BufferPool {
            classes,
            unpooled: AtomicU64::new(0),
        }
    }
}

impl<B> fmt::Debug for BufferPoolBuilder<B> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BufferPoolBuilder")
            .field("classes", &self.classes)
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
