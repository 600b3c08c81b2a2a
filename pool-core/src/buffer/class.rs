//! One size class of a [`BufferPool`](super::BufferPool), and [`ClassStats`], what
//! [`BufferPool::class_stats`](super::BufferPool::class_stats) reports for it.

use core::fmt;
use std::sync::atomic::{AtomicU64, Ordering};

use crate::{Pool, Poolable, Stats};

/// One size class: buffers of at least `size` bytes, in a [`Pool`] that counts everything that
/// happens to them (gets, returns, puts, detaches, and the buffers that come back fitting no
/// class, as `oversized` discards), plus the one count only a `BufferPool` sees: promotions.
pub(super) struct Class<B: Send> {
    pub(super) size: usize,
    /// How far above `size` a capacity may be and still be filed here: the next class's size
    /// minus this one's (1 for the largest class, which keeps only buffers of exactly its size).
    span: usize,
    pub(super) pool: Pool<B>,
    /// Buffers filed here on return that were taken from a smaller class (they grew: they were
    /// reallocated anyway). Bumped only then, never on a plain get or return.
    promoted: AtomicU64,
}

impl<B: Poolable + Send + 'static> Class<B> {
    /// The class of buffers of at least `size` bytes and less than `upper` (the next class's
    /// size, or `size + 1` for the largest).
    pub(super) fn new(size: usize, upper: usize, pool: Pool<B>) -> Self {
        Self {
            size,
            span: upper.saturating_sub(size),
            pool,
            promoted: AtomicU64::new(0),
        }
    }

    /// Whether a buffer of this `capacity` is filed here: `size <= capacity < upper`, as one
    /// compare on the return's hot path.
    #[inline(always)]
    pub(super) fn fits(&self, capacity: usize) -> bool {
        capacity.wrapping_sub(self.size) < self.span
    }

    /// Counts a buffer from a smaller class filed here.
    #[cold]
    pub(super) fn count_promoted(&self) {
        // Relaxed: a statistic, read by `stats` with no ordering to other data.
        self.promoted.fetch_add(1, Ordering::Relaxed);
    }

    /// The class's statistics: its pool's, and its promotions.
    pub(super) fn stats(&self) -> ClassStats {
        ClassStats {
            size: self.size,
            stats: self.pool.stats(),
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
