//! One size class of a [`BufferPool`](super::BufferPool), and [`ClassStats`], what
//! [`BufferPool::class_stats`](super::BufferPool::class_stats) reports for it.

use core::fmt;
use std::sync::atomic::{AtomicU64, Ordering};

use crate::{Pool, Poolable, Stats};

/// One size class: buffers of at least `size` bytes, and the counts its [`Pool`] cannot keep
/// because they happen outside it (a `BufferPool` reaches its classes only through `take`,
/// `put_boxed` and `stats`).
///
/// Each counter is a shared atomic, bumped only where the buffer was already reallocated or
/// leaves the pool for good, never on a plain get or return.
pub(super) struct Class<B: Send> {
    pub(super) size: usize,
    pub(super) pool: Pool<B>,
    /// Buffers taken from this class and detached.
    detached: AtomicU64,
    /// Buffers taken from this class that came back fitting no class (grown past the largest,
    /// or shrunk below the smallest), and were dropped: a return and an `oversized` discard.
    unfit: AtomicU64,
    /// Buffers filed here on return that were taken from a smaller class.
    promoted: AtomicU64,
    /// Buffers offered with `BufferPool::put` and filed here.
    puts: AtomicU64,
}

impl<B: Poolable + Send + 'static> Class<B> {
    pub(super) fn new(size: usize, pool: Pool<B>) -> Self {
        Self {
            size,
            pool,
            detached: AtomicU64::new(0),
            unfit: AtomicU64::new(0),
            promoted: AtomicU64::new(0),
            puts: AtomicU64::new(0),
        }
    }

    /// Counts a buffer of this class detached.
    #[cold]
    pub(super) fn count_detached(&self) {
        // Relaxed (all three): statistics, read by `stats` with no ordering to other data.
        self.detached.fetch_add(1, Ordering::Relaxed);
    }

    /// Counts a buffer of this class that came back fitting no class, and was dropped.
    #[cold]
    pub(super) fn count_unfit(&self) {
        self.unfit.fetch_add(1, Ordering::Relaxed);
    }

    /// Counts a buffer from a smaller class filed here (it grew: it was reallocated anyway).
    #[cold]
    pub(super) fn count_promoted(&self) {
        self.promoted.fetch_add(1, Ordering::Relaxed);
    }

    /// Counts a buffer offered with `BufferPool::put` and filed here.
    pub(super) fn count_put(&self) {
        self.puts.fetch_add(1, Ordering::Relaxed);
    }

    /// The class's statistics: its pool's, plus the counts kept here.
    pub(super) fn stats(&self) -> ClassStats {
        let mut stats = self.pool.stats();
        stats.detached += self.detached.load(Ordering::Relaxed);
        let unfit = self.unfit.load(Ordering::Relaxed);
        stats.returns += unfit;
        stats.discards.oversized += unfit;
        stats.puts += self.puts.load(Ordering::Relaxed);
        let stats = stats.finish();
        ClassStats {
            size: self.size,
            stats,
            promoted: self.promoted.load(Ordering::Relaxed),
        }
    }
}

/// What [`BufferPool::class_stats`](super::BufferPool::class_stats) reports for one size class.
///
/// `stats` counts the gets served by this class (`gets`, `reuses`, `creations`), what became of
/// them (`detached`; `discards.oversized` for one that came back fitting no class: grown past
/// the largest class, or shrunk below the smallest), and every return filed here (`returns`,
/// `idle`), including the buffers that arrived grown from a smaller class, which `promoted`
/// counts. So a class can show returns and idle buffers with no gets of its own: they are
/// promotions, not hits.
///
/// Its `Display` is one line: the class size, then the class's [`Stats`], then `promoted=N`.
///
/// ```
/// use pool_core::BufferPool;
///
/// let pool = BufferPool::new();
/// {
///     let mut buf = pool.get(100); // from the 4 KiB class
///     buf.extend_from_slice(&[0; 100 << 10]); // grows to 100 KiB
/// } // filed in the 64 KiB class: a promotion
/// let classes: Vec<_> = pool.class_stats().collect();
/// assert_eq!((classes[0].size, classes[0].stats.gets, classes[0].promoted), (4 << 10, 1, 0));
/// let grown = &classes[1];
/// assert_eq!((grown.stats.gets, grown.stats.returns, grown.stats.idle, grown.promoted), (0, 1, 1, 1));
/// assert!(grown.to_string().starts_with("64 KiB: gets=0 "));
/// assert!(grown.to_string().ends_with(" promoted=1"));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[non_exhaustive]
pub struct ClassStats {
    /// The class size: every buffer filed here has at least this capacity, and less than the
    /// next class's.
    pub size: usize,
    /// The class's counters (see above for what each counts here).
    pub stats: Stats,
    /// Returns filed in this class of buffers taken from a smaller class (they grew), counted
    /// in `stats.returns` too.
    pub promoted: u64,
}

impl fmt::Display for ClassStats {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let size = self.size;
        if size >= 1 << 20 && size.is_multiple_of(1 << 20) {
            write!(f, "{} MiB", size >> 20)?;
        } else if size >= 1 << 10 && size.is_multiple_of(1 << 10) {
            write!(f, "{} KiB", size >> 10)?;
        } else {
            write!(f, "{size} B")?;
        }
        write!(f, ": {} promoted={}", self.stats, self.promoted)
    }
}
