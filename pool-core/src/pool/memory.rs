//! Memory over time: the aging clock, the byte budget and the learned cut-off. Each keeps the
//! hit path as it is: a cache touches the pool-level state here only in its cold paths (a refill,
//! a spill, every [`AGE_CHECK_EVERY`]-th hit, every [`SIZE_FLUSH_EVERY`]-th sampled return, a
//! return the cache's share of the budget cannot hold).
//!
//! [`SIZE_FLUSH_EVERY`]: crate::idle::SIZE_FLUSH_EVERY

use core::time::Duration;
use std::time::Instant;

use crate::idle::{SIZE_CLASSES, Stack, size_class};
use crate::sync::{AtomicU64, AtomicUsize, Mutex, Ordering, lock};

/// A cache hit whose reuse count is a multiple of this asks the pool whether an aging pass is
/// due (a thread that only ever hits its cache still drives aging; the clock is read there, in
/// the pool's cold path, never on the hit itself).
pub(crate) const AGE_CHECK_EVERY: u64 = 1024;

/// Returns sampled between two calibrations of the learned cut-off (bytebufferpool's figure).
pub(crate) const CALIBRATE_AFTER: u64 = 42_000;

/// The share of sampled returns the learned cut-off keeps.
const KEEP_SHARE: f64 = 0.95;

/// `next` while aging is off.
const NEVER: u64 = u64::MAX;

/// When the next aging pass is due, and what it does.
pub(crate) struct Aging {
    epoch: Instant,
    timeout: Duration,
    /// Nanoseconds after `epoch` when the next pass is due; [`NEVER`]: aging is off. One caller
    /// of [`due`](Self::due) wins the compare-exchange that moves it on.
    next: AtomicU64,
}

impl Aging {
    pub(crate) fn new(timeout: Duration) -> Self {
        let epoch = Instant::now();
        let next = if timeout == Duration::MAX {
            NEVER
        } else {
            nanos(timeout)
        };
        Self {
            epoch,
            timeout,
            next: AtomicU64::new(next),
        }
    }

    /// The configured timeout.
    pub(crate) fn timeout(&self) -> Duration {
        self.timeout
    }

    /// Whether a pass is due now and this caller won it; the winner then runs the pass and
    /// calls [`rearm`](Self::rearm). Everyone else goes on.
    pub(crate) fn due(&self) -> bool {
        // Relaxed: the deadline publishes nothing; the pass itself synchronises through the
        // pool's locks and the owner/remote protocol.
        let next = self.next.load(Ordering::Relaxed);
        if next == NEVER {
            return false;
        }
        let now = self.now();
        if now < next {
            return false;
        }
        // Pushed a whole timeout away first, so that the others stop trying while the winner
        // asks about pressure and runs the pass.
        self.next
            .compare_exchange(
                next,
                now.saturating_add(nanos(self.timeout)),
                Ordering::Relaxed,
                Ordering::Relaxed,
            )
            .is_ok()
    }

    /// The winner's pass is over: the next one is due `period` from now.
    pub(crate) fn rearm(&self, period: Duration) {
        // Relaxed: as in `due`. Only the winner stores between two deadlines.
        self.next
            .store(self.now().saturating_add(nanos(period)), Ordering::Relaxed);
    }

    /// How long until the next pass is due (`None`: aging is off).
    pub(crate) fn until_due(&self) -> Option<Duration> {
        // Relaxed: as in `due`.
        let next = self.next.load(Ordering::Relaxed);
        (next != NEVER).then(|| Duration::from_nanos(next.saturating_sub(self.now())))
    }

    fn now(&self) -> u64 {
        nanos(self.epoch.elapsed())
    }
}

/// A duration in nanoseconds, saturating below [`NEVER`].
fn nanos(d: Duration) -> u64 {
    u64::try_from(d.as_nanos()).map_or(NEVER - 1, |n| n.min(NEVER - 1))
}

/// The byte budget over the idle objects: what no cache or the tier holds yet. A cache borrows
/// from it in chunks in its cold path, and gives back at spills, trims and aging passes; the
/// tier's objects keep the budget they came with.
pub(crate) struct Budget {
    free: AtomicUsize,
    /// Bytes a cache borrows beyond what it needs, so the next returns hit.
    chunk: usize,
}

impl Budget {
    pub(crate) fn new(bytes: usize) -> Self {
        Self {
            free: AtomicUsize::new(bytes),
            chunk: bytes / 64,
        }
    }

    /// Bytes a cache keeps beyond what its objects retain when it gives budget back at a spill.
    pub(crate) fn chunk(&self) -> usize {
        self.chunk
    }

    /// Takes at least `need` bytes, and up to a chunk more: how many, or `None` when fewer than
    /// `need` are free.
    pub(crate) fn borrow(&self, need: usize) -> Option<usize> {
        // Relaxed: a counter; no data is published through it.
        let mut free = self.free.load(Ordering::Relaxed);
        loop {
            if free < need {
                return None;
            }
            let take = need.saturating_add(self.chunk).min(free);
            match self.free.compare_exchange_weak(
                free,
                free - take,
                Ordering::Relaxed,
                Ordering::Relaxed,
            ) {
                Ok(_) => return Some(take),
                Err(now) => free = now,
            }
        }
    }

    /// Returns `bytes` to the budget.
    pub(crate) fn give_back(&self, bytes: usize) {
        if bytes > 0 {
            // Relaxed: as in `borrow`.
            self.free.fetch_add(bytes, Ordering::Relaxed);
        }
    }
}

/// The per-object cut-off learned from the sizes of returned objects.
pub(crate) struct Cutoff {
    /// Largest `retained_bytes` kept; `usize::MAX` until the first calibration.
    limit: AtomicUsize,
    sizes: Mutex<Sizes>,
}

/// The pool's size histogram (decayed by half at each calibration, so that it follows the
/// traffic), and the returns sampled since the last calibration.
struct Sizes {
    counts: [u64; SIZE_CLASSES],
    since: u64,
}

impl Cutoff {
    pub(crate) fn new() -> Self {
        Self {
            limit: AtomicUsize::new(usize::MAX),
            sizes: Mutex::new(Sizes {
                counts: [0; SIZE_CLASSES],
                since: 0,
            }),
        }
    }

    /// The cut-off in force (`usize::MAX`: none learned yet).
    #[inline]
    pub(crate) fn limit(&self) -> usize {
        // Relaxed: a threshold; any recent value is correct.
        self.limit.load(Ordering::Relaxed)
    }

    /// Adds a stack's histogram (its owner, in a cold path, or a remote with it revoked).
    pub(crate) fn flush<T>(&self, stack: &mut Stack<T>) {
        let mut sizes = lock(&self.sizes);
        let n = stack.flush_sizes(&mut sizes.counts);
        self.add(&mut sizes, n);
    }

    /// Records one return that was dropped for its size (so that a traffic that grows can raise
    /// the cut-off again).
    pub(crate) fn record(&self, bytes: usize) {
        let mut sizes = lock(&self.sizes);
        sizes.counts[size_class(bytes)] += 1;
        self.add(&mut sizes, 1);
    }

    fn add(&self, sizes: &mut Sizes, n: u64) {
        sizes.since += n;
        if sizes.since < CALIBRATE_AFTER {
            return;
        }
        let total: u64 = sizes.counts.iter().sum();
        let keep = (total as f64 * KEEP_SHARE).ceil() as u64;
        let mut seen = 0;
        let class = sizes
            .counts
            .iter()
            .position(|&n| {
                seen += n;
                seen >= keep
            })
            .unwrap_or(SIZE_CLASSES - 1);
        let limit = 1usize.checked_shl(class as u32).unwrap_or(usize::MAX);
        // Relaxed: see `limit`.
        self.limit.store(limit, Ordering::Relaxed);
        for n in &mut sizes.counts {
            *n /= 2;
        }
        sizes.since = 0;
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;

    #[test]
    fn the_cut_off_covers_95_percent_and_follows_the_traffic() {
        let cutoff = Cutoff::new();
        assert_eq!(cutoff.limit(), usize::MAX);
        for i in 0..CALIBRATE_AFTER {
            cutoff.record(if i % 100 == 0 { 64 << 20 } else { 1000 });
        }
        assert_eq!(cutoff.limit(), 1024);
        for _ in 0..2 * CALIBRATE_AFTER {
            cutoff.record(64 << 20);
        }
        assert_eq!(
            cutoff.limit(),
            64 << 20,
            "the large sizes became the common ones"
        );
    }

    #[test]
    fn the_budget_lends_in_chunks_and_refuses_what_it_does_not_have() {
        let budget = Budget::new(6400);
        assert_eq!(budget.borrow(1000), Some(1100));
        assert_eq!(budget.borrow(6000), None);
        budget.give_back(1100);
        assert_eq!(budget.borrow(6350), Some(6400));
    }

    #[test]
    fn one_caller_wins_a_due_pass() {
        let aging = Aging::new(Duration::ZERO);
        assert!(aging.due());
        aging.rearm(Duration::from_secs(3600));
        assert!(!aging.due());
        assert!(!Aging::new(Duration::MAX).due());
        assert_eq!(Aging::new(Duration::MAX).until_due(), None);
    }
}
