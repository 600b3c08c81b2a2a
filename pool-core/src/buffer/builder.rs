//! [`BufferPoolBuilder`]: the classes, the largest buffer and the per-class bounds.

use core::fmt;
use core::marker::PhantomData;
use std::sync::Arc;
use std::sync::atomic::AtomicU64;

use super::class::Class;
use super::{BufferPool, ByteBuffer, DEFAULT_CLASSES, DEFAULT_MAX_BUFFER};

/// Most idle buffers [`BufferPoolBuilder::thread_cache`] accepts per class and thread: a typo
/// guard, not a resource limit (a thread cache reserves room for at most 256 buffers up front,
/// whatever its bound), since 65,536 idle buffers per class and thread can only be a mistake.
const MAX_THREAD_CACHE: usize = 1 << 16;

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
    /// The name given to [`metrics`](Self::metrics).
    #[cfg(feature = "metrics")]
    metrics: Option<String>,
    _buffer: PhantomData<fn() -> B>,
}

impl<B: ByteBuffer> BufferPoolBuilder<B> {
    /// The defaults (what [`BufferPool::builder`] returns).
    pub(super) fn new() -> Self {
        Self {
            classes: None,
            max_buffer: None,
            max_idle: usize::MAX,
            thread_cache: None,
            memory: crate::pool::MemoryOptions::default(),
            #[cfg(feature = "metrics")]
            metrics: None,
            _buffer: PhantomData,
        }
    }

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
    #[must_use = "a builder method returns the changed builder; dropping it loses the change"]
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
    #[must_use = "a builder method returns the changed builder; dropping it loses the change"]
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
    #[must_use = "a builder method returns the changed builder; dropping it loses the change"]
    pub fn max_idle_per_class(mut self, n: usize) -> Self {
        self.max_idle = n;
        self
    }

    /// Each thread caches at most `n` idle buffers per class (default 16, see
    /// [`PoolBuilder::thread_cache`](crate::PoolBuilder::thread_cache)). `0` turns the caches
    /// off: every get and return takes the class's lock.
    ///
    /// # Panics
    /// [`build`](Self::build) panics if `n` is above 65,536: that many idle buffers per class
    /// and thread can only be a typo (a bound is not an allocation: a cache reserves room for at
    /// most 256 up front).
    ///
    /// ```
    /// use pool_core::BufferPool;
    ///
    /// let pool: BufferPool = BufferPool::builder().thread_cache(0).build();
    /// drop(pool.get(100)); // straight to the shared tier, where `trim` sees it
    /// pool.trim();
    /// assert_eq!(pool.trim(), 1);
    /// ```
    #[must_use = "a builder method returns the changed builder; dropping it loses the change"]
    pub fn thread_cache(mut self, n: usize) -> Self {
        self.thread_cache = Some(n);
        self
    }

    /// Publishes the pool's statistics through the [`metrics`](https://docs.rs/metrics) facade,
    /// per class, labelled `pool = name` and `class = size in bytes`: the series of
    /// [`PoolBuilder::metrics`](crate::PoolBuilder::metrics), refreshed by
    /// [`BufferPool::publish_metrics`], [`BufferPool::trim`] and the drop, plus
    /// `pool_buffer_unpooled_gets_total` and `pool_buffer_refused_gets_total` (labelled
    /// `pool = name` only). `sum by (pool)` in PromQL adds the classes up.
    ///
    /// ```
    /// use pool_core::BufferPool;
    ///
    /// let pool: BufferPool = BufferPool::builder().classes([4096, 65536]).metrics("reads").build();
    /// drop(pool.get(10_000));
    /// pool.publish_metrics(); // pool_reuses_total{pool="reads",class="65536"} 0, ...
    /// assert_eq!(pool.stats().creations, 1);
    /// ```
    #[cfg(feature = "metrics")]
    #[cfg_attr(docsrs, doc(cfg(feature = "metrics")))]
    pub fn metrics(mut self, name: impl Into<String>) -> Self {
        self.metrics = Some(name.into());
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
    #[must_use = "a builder method returns the changed builder; dropping it loses the change"]
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
    #[must_use = "a builder method returns the changed builder; dropping it loses the change"]
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
    /// let stats = pool.stats();
    /// assert!(stats.retained_bytes - 128 * stats.idle <= 100 << 10); // the buffers' boxes aside
    /// assert_eq!(pool.stats().discards.over_idle_bytes, 3);
    /// ```
    #[must_use = "a builder method returns the changed builder; dropping it loses the change"]
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
    #[must_use = "a builder method returns the changed builder; dropping it loses the change"]
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
    #[must_use = "a builder method returns the changed builder; dropping it loses the change"]
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
    #[must_use = "a pool that is built and dropped at once serves nothing"]
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
        // A guard names its class by a `u32` index; no configuration comes near the limit.
        assert!(
            u32::try_from(classes.len()).is_ok(),
            "`BufferPoolBuilder::classes` got more than {} classes; pass fewer",
            u32::MAX
        );
        let uppers: Vec<usize> = classes
            .iter()
            .skip(1)
            .copied()
            .chain(classes.last().map(|&largest| largest.saturating_add(1)))
            .collect();
        let classes: Vec<Class<B>> = classes
            .into_iter()
            .zip(uppers)
            .map(|(size, upper)| {
                // `BufferPool::take` allocates through `take_or_try_create`, fallibly; the pool's
                // own factory is never called on a get, and would make an empty buffer
                // (`with_capacity(0)` does not allocate) rather than abort.
                let factory =
                    move || B::try_with_capacity(size).unwrap_or_else(|| B::with_capacity(0));
                let mut builder = crate::PoolBuilder::from_factory(factory).max_idle(self.max_idle);
                if let Some(n) = self.thread_cache {
                    builder = builder.thread_cache(n);
                }
                Class::new(
                    size,
                    upper,
                    self.memory.apply(builder, budget.as_ref()).build_class(),
                )
            })
            .collect();
        BufferPool {
            #[cfg(feature = "metrics")]
            metrics: self.metrics.map(|name| {
                let sizes = classes.iter().map(|c| c.size);
                crate::metrics::BufferRegistration::new(name, sizes)
            }),
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
