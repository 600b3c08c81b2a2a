//! The passes over every cache and the tier: `trim()`'s, and aging's, driven by the pool's own
//! operations (`tick`) or the background trimmer, with the pressure function asked once per
//! pass.
use core::panic::AssertUnwindSafe;
use core::time::Duration;
use std::panic::catch_unwind;

use super::Pool;
use super::cache::visit_revoked;
use crate::Poolable;
use crate::idle::Release;
use crate::lifecycle::release_all;
use crate::sync::{lock, shared_add};

impl<T: Poolable + Send + 'static> Pool<T> {
    /// The pool's own operations drive aging: a refill from the tier, or every
    /// `AGE_CHECK_EVERY`-th hit, asks here (the clock is read here, not on the hit); if a pass
    /// is due, one caller wins it and runs it, everyone else goes on.
    #[cold]
    #[inline(never)]
    pub(super) fn tick(&self) {
        if self.aging.due() {
            self.age();
        }
    }

    /// An aging pass, by the winner of a due deadline: asks the pressure function, releases what
    /// stayed idle since the previous pass (everything, at 0.9 or above), and sets the next
    /// deadline (half the timeout away at 0.7 or above). Returns how many it released.
    pub(super) fn age(&self) -> usize {
        let pressure = self.pressure.as_ref().map_or(0.0, |f| {
            // A pressure function that panics counts as no pressure: aging must not unwind
            // into a `get`.
            catch_unwind(AssertUnwindSafe(|| f())).unwrap_or(0.0)
        });
        let how = if pressure >= 0.9 {
            Release::All
        } else {
            Release::Age
        };
        let released = self.release(how);
        let timeout = self.aging.timeout();
        self.aging.rearm(if pressure >= 0.7 {
            timeout / 2
        } else {
            timeout
        });
        released
    }

    /// The background trimmer's visit: runs a pass if one is due; says how long until the next.
    pub(crate) fn age_in_background(&self) -> Option<Duration> {
        self.tick();
        self.aging.until_due()
    }

    /// A pass over every cache and the tier: `trim()`, or an aging pass.
    pub(super) fn release(&self, how: Release) -> usize {
        let mut released = {
            let mut tier = lock(&self.backing.tier);
            match how {
                Release::All => tier.take_all(),
                Release::Trim | Release::Age => tier.trim(),
            }
        };
        let from_tier = released.len() as u64;
        let mut freed = released
            .iter()
            .fold(0usize, |sum, idle| sum.saturating_add(idle.bytes));
        shared_add(
            if how == Release::Trim {
                &self.totals.trimmed
            } else {
                &self.totals.aged
            },
            from_tier,
        );
        {
            // The tier's lock is released first: an owner inside an access may wait for it,
            // and this thread waits for owners (lock order: registry, then tier, and nobody
            // waits for an owner while holding the tier).
            let caches = lock(&self.caches);
            visit_revoked(&caches, 0..caches.len(), self.backing.barrier, |stack| {
                freed = freed.saturating_add(stack.trim_into(&mut released, how).1);
                if let Some(cutoff) = &self.backing.cutoff {
                    cutoff.flush(stack);
                }
                false
            });
        }
        if let Some(budget) = &self.backing.budget {
            budget.give_back(freed);
        }
        let count = released.len();
        release_all(released);
        self.release_live(count);
        count
    }
}
