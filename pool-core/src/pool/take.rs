//! A get below the API: the inlined hit on this thread's cache, then (out of line) the refill
//! from the tier, the steal from other threads' caches, the creation, and, at a
//! [`max_live`](super::PoolBuilder::max_live) cap, the wait in `live.rs`'s queue.
use core::ptr;
use std::time::Instant;

use super::Pool;
use super::cache::{Cache, visit_revoked};
use super::live::LiveCap;
use crate::Poolable;
use crate::lifecycle::call_factory;
use crate::slot::Slot;
use crate::sync::{Ordering, lock, shared_add};

/// How many other threads' caches a `get` that found nothing at home and in the tier considers
/// (at most this many plus one) before it calls the factory: the cost of a miss stays bounded
/// however many threads there are.
const STEAL_PROBES: usize = 4;

/// Why a get calls the factory (see [`Creations`]).
#[derive(Clone, Copy)]
pub(super) enum Creation {
    /// Every place an idle object can be was looked at, and was empty.
    Empty,
    /// Some thread caches were not looked at.
    OutOfReach,
}

/// How many times a `get` whose cache and the tier are empty looks at the tier again before it
/// steals with a heavy barrier (see `Pool::tier_refills_soon`).
const TIER_PATIENCE: usize = 256;

impl<T: Poolable + Send + 'static> Pool<T> {
    /// An idle object, never a new one, and the cache it came through. The hit is inlined (it
    /// drives aging like any get); everything else is out of line.
    #[inline]
    pub(super) fn try_take_homed(&self) -> Option<(Option<&Cache<T>>, Slot<T>)> {
        match self.hit() {
            Some((cache, value)) => Some((Some(cache), value)),
            None => self.try_take_slow(),
        }
    }

    /// [`try_take_homed`](Self::try_take_homed) past the hit.
    #[cold]
    #[inline(never)]
    fn try_take_slow(&self) -> Option<(Option<&Cache<T>>, Slot<T>)> {
        self.find_homed().ok()
    }

    /// An idle object and the cache it came through, or why a get would have to create one.
    /// Like every get it drives aging (a refill, or every `AGE_CHECK_EVERY`-th hit, asks).
    pub(super) fn find_homed(&self) -> Result<(Option<&Cache<T>>, Slot<T>), Creation> {
        let Some(cache) = self.local() else {
            return self
                .take_uncached_idle()
                .map(|value| (None, value))
                .ok_or(self.unsearched());
        };
        // No second try of the inlined hit: every caller either tried it already (`hit`) or is
        // a capped pool, which never takes it. `find_idle` pops as the hit would, waiting out a
        // remote where the hit stepped aside.
        let mut check = false;
        let found = self.find_idle(cache, &mut check);
        if check {
            self.tick();
        }
        found.map(|value| (Some(cache), value))
    }

    /// Takes an idle object or creates one, without a guard.
    #[inline]
    pub(crate) fn take(&self) -> Slot<T> {
        self.take_homed().1
    }

    /// For `BufferPool`'s classes: an idle object, else one that `make` makes, which may fail
    /// (an allocation the allocator refused): then nothing is counted and nothing is kept, as
    /// if the get had not happened. The hit is inlined, as in [`take`](Self::take). The
    /// classes have no [`max_live`](PoolBuilder::max_live) cap.
    #[inline]
    pub(crate) fn take_or_try_create(&self, make: impl FnOnce() -> Option<T>) -> Option<Slot<T>> {
        match self.hit() {
            Some((_, value)) => Some(value),
            None => self.take_or_try_create_slow(make),
        }
    }

    /// The inlined hit shared by the gets that never wait (`try_get`, a buffer class's): this
    /// thread's cache and an object from it, having asked whether aging is due; `None` for
    /// anything else, which the caller takes out of line.
    #[inline(always)]
    fn hit(&self) -> Option<(&Cache<T>, Slot<T>)> {
        let cache = self.fast_local()?;
        let (value, check) = cache.take_fast(&self.backing)?;
        if check {
            self.tick();
        }
        Some((cache, value))
    }

    /// [`take_or_try_create`](Self::take_or_try_create) past the hit.
    #[cold]
    #[inline(never)]
    pub(super) fn take_or_try_create_slow(
        &self,
        make: impl FnOnce() -> Option<T>,
    ) -> Option<Slot<T>> {
        debug_assert!(self.live.is_none(), "the classes have no cap");
        match self.find_homed() {
            Ok((_, value)) => Some(value),
            Err(reason) => {
                let value = make()?;
                self.count_creation(reason);
                Some(Slot::new(value))
            }
        }
    }

    /// Takes an idle object or creates one, and says which cache (this thread's) it came
    /// through. The hit is inlined; everything else is out of line.
    #[inline(always)]
    pub(super) fn take_homed(&self) -> (Option<&Cache<T>>, Slot<T>) {
        match self.hit() {
            Some((cache, value)) => (Some(cache), value),
            None => self.take_homed_slow(),
        }
    }

    /// [`take_homed`](Self::take_homed) past the hit: this thread's cache found the long way
    /// (or none: the tier), then [`take_slow`](Self::take_slow).
    #[cold]
    #[inline(never)]
    fn take_homed_slow(&self) -> (Option<&Cache<T>>, Slot<T>) {
        let Some(cache) = self.local() else {
            return (None, self.take_uncached());
        };
        // The hit was tried (or the pool never takes it): `take_slow` pops as it would.
        let (value, check) = self.take_slow(cache);
        if check {
            self.tick();
        }
        (Some(cache), value)
    }

    /// A `get` that missed the fast path: pop (waiting for a remote if the cache is revoked)
    /// or refill from the tier; else steal; else create.
    #[cold]
    #[inline(never)]
    pub(super) fn take_slow(&self, cache: &Cache<T>) -> (Slot<T>, bool) {
        if self.live.is_some() {
            // A capped pool never takes the fast path: every get comes here (and ages in
            // `find_homed`).
            let (_, value) = self
                .take_capped(None)
                .expect("no deadline: waits until served");
            return (value, false);
        }
        let mut check = false;
        let value = match self.find_idle(cache, &mut check) {
            Ok(value) => value,
            Err(reason) => self.create(reason),
        };
        (value, check)
    }

    /// A get in a pool with a [`max_live`](PoolBuilder::max_live) cap: an idle object, or
    /// room for a new one, else it waits in the cap's queue (blocking the thread) until a
    /// return or a departure lets it in, or until `deadline` (`None`: for as long as it takes).
    /// While others wait, a new get queues behind them (see `live.rs`).
    #[cold]
    pub(super) fn take_capped(
        &self,
        deadline: Option<Instant>,
    ) -> Option<(Option<&Cache<T>>, Slot<T>)> {
        let cap = self.live.as_ref()?;
        if !cap.has_waiters()
            && let Some(found) = self.acquire_capped(cap)
        {
            return Some(found);
        }
        loop {
            let waiter = cap.waiter();
            if let Some(found) = self.acquire_capped(cap) {
                return Some(found);
            }
            if !waiter.wait(deadline) {
                return None;
            }
        }
    }

    /// [`take_capped`](Self::take_capped) for a future: the same queue, awaited.
    pub(super) async fn take_capped_async(&self, cap: &LiveCap) -> (Option<&Cache<T>>, Slot<T>) {
        if !cap.has_waiters()
            && let Some(found) = self.acquire_capped(cap)
        {
            return found;
        }
        loop {
            let mut waiter = cap.waiter();
            if let Some(found) = self.acquire_capped(cap) {
                return found;
            }
            waiter.listener().await;
        }
    }

    /// One look of a capped get: an idle object (this thread's cache, the tier, a steal), room
    /// under the cap for a new one, or, before giving up, an idle object in any thread's cache
    /// (the steal probes only a few). `None`: the caller waits.
    pub(super) fn acquire_capped(&self, cap: &LiveCap) -> Option<(Option<&Cache<T>>, Slot<T>)> {
        let reason = match self.find_homed() {
            Ok(found) => return Some(found),
            Err(reason) => reason,
        };
        if cap.try_reserve() {
            return Some((self.local(), self.create(reason)));
        }
        let value = self.take_uncached_idle()?;
        Some((self.local(), value))
    }

    /// An idle object for a `get` whose fast path missed: from `cache` (this thread's, waiting
    /// for a remote if it is revoked), else a batch from the tier, else a steal. Sets `check`
    /// when an aging pass may be due (see [`tick`](Self::tick)).
    pub(super) fn find_idle(
        &self,
        cache: &Cache<T>,
        check: &mut bool,
    ) -> Result<Slot<T>, Creation> {
        let (value, due) = cache.take(&self.backing);
        *check |= due;
        if let Some(value) = value {
            return Ok(value);
        }
        if self.tier_refills_soon(cache) {
            let (value, due) = cache.take(&self.backing);
            *check |= due;
            if let Some(value) = value {
                return Ok(value);
            }
        }
        self.steal(cache)
    }

    /// Before a steal that would cost a heavy barrier (some other cache holds objects), waits
    /// a moment for the tier to receive a batch: in producer/consumer traffic the consumer's
    /// cache spills one every few returns, and taking it costs a lock, not a barrier. Says
    /// whether the tier has objects now. At most [`TIER_PATIENCE`] looks, a few microseconds.
    #[cold]
    pub(super) fn tier_refills_soon(&self, me: &Cache<T>) -> bool {
        // Only while spills keep coming (producer/consumer); a cache drained another way (its
        // objects returned elsewhere for good) would wait for nothing.
        if cfg!(loom) || !me.spills_since_last_look(&self.backing) {
            return false;
        }
        let hinted = lock(&self.caches)
            .iter()
            .any(|cache| !ptr::eq(&**cache, me) && cache.len_hint() > 0);
        if !hinted {
            return false;
        }
        for _ in 0..TIER_PATIENCE {
            if self
                .backing
                .tier
                .try_lock()
                .is_ok_and(|tier| tier.len() > 0)
            {
                return true;
            }
            core::hint::spin_loop();
        }
        false
    }

    /// The last resort before the factory: considers up to [`STEAL_PROBES`] + 1 other caches,
    /// from a cursor that moves on with each miss, revokes those whose length hint says they
    /// hold something (one heavy barrier for all of them), and moves half of the first
    /// non-empty one's objects, at most a batch, the oldest first, into `me` (one for the
    /// caller). Nothing is allocated: `me` is empty and has room for a batch. With nothing
    /// found (no barrier is issued if no hint said otherwise), says whether every other cache
    /// was considered.
    pub(super) fn steal(&self, me: &Cache<T>) -> Result<Slot<T>, Creation> {
        let caches = lock(&self.caches);
        let n = caches.len();
        // Relaxed: the cursor only spreads the probes; any value is correct.
        let start = self.cursor.fetch_add(STEAL_PROBES, Ordering::Relaxed);
        let mut picks = [0usize; STEAL_PROBES + 1];
        let (mut k, mut probed) = (0, 0);
        for j in 0..n.min(STEAL_PROBES + 1) {
            let i = start.wrapping_add(j) % n;
            if !ptr::eq(&*caches[i], me) {
                probed += 1;
                if caches[i].len_hint() > 0 {
                    picks[k] = i;
                    k += 1;
                }
            }
        }
        let reach = if probed + 1 >= n {
            Creation::Empty
        } else {
            self.unsearched()
        };
        if k == 0 {
            return Err(reach);
        }
        // SAFETY: `me` is this thread's own cache (`local()` returned it), this thread holds the
        // registry, and it is not inside an owner access of `me` (`take` returned); `mine` is
        // dropped before `caches`.
        let mut mine = unsafe { me.own_stack_with_registry(&caches) };
        let (batch, capacity) = (self.backing.batch, self.backing.limits.thread_cache);
        visit_revoked(
            &caches,
            picks[..k].iter().copied(),
            self.backing.barrier,
            |victim| {
                let mine = mine.stack();
                // Room for the caller's object plus what the cache may hold: the steal never takes
                // the cache past its bound.
                let room = (capacity + 1).saturating_sub(mine.len());
                let take = victim.len().div_ceil(2).min(batch).min(room);
                victim.move_oldest_into(mine, take);
                take > 0
            },
        );
        let first = mine.stack().pop();
        drop(mine);
        first.ok_or(reach)
    }

    /// Calls the factory (no lock held), counting a creation, for `reason`, only once it
    /// returned.
    pub(super) fn create(&self, reason: Creation) -> Slot<T> {
        let value = self.call_factory();
        self.count_creation(reason);
        Slot::new(value)
    }

    /// Counts a creation, for `reason`.
    pub(super) fn count_creation(&self, reason: Creation) {
        shared_add(
            match reason {
                Creation::Empty => &self.totals.created_empty,
                Creation::OutOfReach => &self.totals.created_out_of_reach,
            },
            1,
        );
    }

    /// Calls the factory (no lock held); if it panics, counts it and gives back the room it
    /// had under the cap.
    pub(super) fn call_factory(&self) -> T {
        call_factory(&self.factory, || {
            shared_add(&self.totals.factory_panicked, 1);
            self.release_live(1);
        })
    }

    /// An idle object for a get without a cache (a get during thread exit): the tier's, else
    /// one taken from another thread's cache, every cache considered (this path is rare, and a
    /// get waiting at the [`max_live`](PoolBuilder::max_live) cap must reach them all).
    #[cold]
    pub(super) fn take_uncached_idle(&self) -> Option<Slot<T>> {
        if let Some(value) = self.take_from_tier() {
            return Some(value);
        }
        let caches = lock(&self.caches);
        // Collected once: `visit_revoked` walks its order twice (revoke, then visit and
        // release), and hints read twice could disagree, leaving a cache revoked.
        let hinted: Vec<usize> = (0..caches.len())
            .filter(|&i| caches[i].len_hint() > 0)
            .collect();
        if hinted.is_empty() {
            return None;
        }
        let mut found = None;
        visit_revoked(&caches, hinted.into_iter(), self.backing.barrier, |stack| {
            found = stack.pop();
            found.is_some()
        });
        // A budgeted victim keeps the object's share of the budget as spare, and gives it
        // back with its surplus on its next spill or trim.
        found
    }

    /// An idle object from the tier, without a cache.
    pub(super) fn take_from_tier(&self) -> Option<Slot<T>> {
        let idle = lock(&self.backing.tier).pop()?;
        shared_add(&self.totals.reuses, 1);
        if let Some(budget) = &self.backing.budget {
            budget.give_back(idle.bytes);
        }
        Some(idle.value)
    }

    /// `get` without a cache (a guard dropped during thread exit, see [`local`](Self::local)).
    #[cold]
    pub(super) fn take_uncached(&self) -> Slot<T> {
        if self.live.is_some() {
            let (_, value) = self
                .take_capped(None)
                .expect("no deadline: waits until served");
            return value;
        }
        match self.take_uncached_idle() {
            Some(value) => value,
            None => self.create(self.unsearched()),
        }
    }

    /// The reason of a creation made without looking in every thread cache: out of reach,
    /// unless the caches keep nothing (`thread_cache(0)`).
    pub(super) fn unsearched(&self) -> Creation {
        if self.backing.limits.thread_cache == 0 {
            Creation::Empty
        } else {
            Creation::OutOfReach
        }
    }
}
