//! A thread's cache: an idle stack that only its owner thread touches on the hot path, and the
//! owner/remote protocol that lets `trim()`, `stats()` and a last-resort steal reach it.
//!
//! **The owner** (the thread the cache belongs to) brackets each access with a *busy* flag:
//! a plain store of `true`, the light barrier (a compiler fence), a check of the cache's
//! *revoke* flag, the access, a release store of `false`. No atomic read-modify-write, no fence
//! instruction. If the cache is revoked, the owner steps out and waits until the remote is done.
//!
//! **A remote** (with the pool's registry locked, so there is one at a time) sets *revoke* on
//! the caches it wants, issues the heavy barrier once for all of them, then waits on each until
//! *busy* reads `false`, works on its stack, and clears *revoke*.
//!
//! Why it is exclusive: the heavy barrier orders each owner's busy store before its revoke
//! load, and the remote's revoke stores before its busy loads, as a `SeqCst` fence on both sides
//! would (Dekker). So for each owner access, either the owner reads *revoke* set (and backs
//! off), or the remote reads *busy* set (and waits for the release store of `false`, which
//! publishes the owner's writes). Clearing *revoke* is a release store that the owner's acquire
//! load of it pairs with, which publishes the remote's writes. The loom models in
//! `tests/loom.rs` check this with both barriers as `fence(SeqCst)`.

use crate::barrier::Barrier;
use crate::idle::{Idle, Stack};
use crate::lifecycle::{Limits, Measure};
use crate::slot::Slot;
use crate::sync::{
    Arc, AtomicBool, AtomicU64, AtomicUsize, Lined, MutPtr, Mutex, MutexGuard, Ordering,
    UnsafeCell, lock, spin_wait,
};

use super::memory::{AGE_CHECK_EVERY, Budget, Cutoff};
use super::tier::Tier;

/// What a cache needs from its pool: the shared tier it refills from and spills to, the
/// bounds, and the barrier pair.
pub(crate) struct Backing<T> {
    /// On lines of its own: every thread's refills and spills write the lock, while the fields
    /// below are read on every operation.
    pub(crate) tier: Lined<Mutex<Tier<T>>>,
    pub(crate) limits: Limits,
    /// How many objects move between a cache and the tier at once.
    pub(crate) batch: usize,
    pub(crate) barrier: Barrier,
    /// Batches spilled to the tier so far: a thief waits for the next one only while spills
    /// keep coming (`Pool::tier_refills_soon`).
    pub(crate) spills: AtomicUsize,
    /// The inlined hit paths may run: the barrier is asymmetric, and the pool has no byte
    /// budget and learns no cut-off (whose bookkeeping only the out-of-line paths do).
    pub(crate) fast: bool,
    /// The byte budget, if the pool has one (shared by a `BufferPool`'s classes).
    pub(crate) budget: Option<Arc<Budget>>,
    /// The learned per-object cut-off, if the pool learns one.
    pub(crate) cutoff: Option<Box<Cutoff>>,
    /// The pool bounds bytes (a per-object bound, a budget or a cut-off), so every return
    /// measures the object's `retained_bytes`; else none does (see `lifecycle::Measure`).
    pub(crate) measures: bool,
    /// How `stats()` learns the idle objects' bytes (`None` when returns measure them).
    pub(crate) measure: Measure<T>,
}

impl<T> Backing<T> {
    /// The per-object byte bound in force: the builder's, or the learned cut-off if smaller.
    #[inline]
    pub(crate) fn max_retained_bytes(&self) -> usize {
        let fixed = self.limits.max_retained_bytes;
        match &self.cutoff {
            Some(cutoff) => fixed.min(cutoff.limit()),
            None => fixed,
        }
    }
}

/// Every cache of a pool. Holding its lock is what makes a thread *the* remote: revoke flags
/// are set and cleared only under it.
pub(crate) type Registry<T> = Vec<Arc<Cache<T>>>;

/// A thread's cache. Aligned to its own cache lines (like crossbeam's `CachePadded`): the flags
/// and the stack header are written by the owner on every operation, and no other thread's
/// data shares their line.
#[repr(align(128))]
pub(crate) struct Cache<T> {
    /// The owner is inside an access (plain store, see the module docs).
    busy: AtomicBool,
    /// A remote wants the stack: the owner must not start an access.
    revoke: AtomicBool,
    /// The stack's length after the owner's last access: a hint that tells a thief which
    /// caches are worth a heavy barrier.
    len_hint: AtomicUsize,
    /// The owner's token (see `owner.rs`).
    owner: AtomicU64,
    /// `Backing::spills` when this cache's owner last waited for the tier (owner only).
    spills_seen: AtomicUsize,
    stack: UnsafeCell<Stack<T>>,
}

// SAFETY: the stack is reached only by its owner inside the busy/revoke protocol, by the one
// remote that revoked it and saw the owner out, or by whoever has the pool exclusively (its
// drop). Each hand-over is ordered (release/acquire on busy and revoke, the registry mutex, the
// pool's `&mut`), so sharing a `Cache<T>` only moves `T` values between threads: `T: Send` is
// enough, as for a `Mutex<T>`.
unsafe impl<T: Send> Sync for Cache<T> {}

/// The owner inside an access: dropping it ends the access.
pub(crate) struct OwnerAccess<'a, T> {
    cache: &'a Cache<T>,
    stack: MutPtr<Stack<T>>,
}

impl<T> OwnerAccess<'_, T> {
    /// The stack.
    #[inline(always)]
    pub(crate) fn stack(&mut self) -> &mut Stack<T> {
        // SAFETY: the owner is inside its access (busy set, revoke read clear after the light
        // barrier), so no remote touches the stack until busy is cleared in `drop`; there is
        // one owner, and it holds this access exclusively (`&mut self`); the cache outlives
        // the borrow.
        unsafe { self.stack.deref() }
    }
}

impl<T> Drop for OwnerAccess<'_, T> {
    #[inline(always)]
    fn drop(&mut self) {
        let len = self.stack().len();
        // Relaxed: a hint, read without ordering by thieves.
        self.cache.len_hint.store(len, Ordering::Relaxed);
        self.cache.leave();
    }
}

impl<T> Cache<T> {
    /// Ends an owner access.
    #[inline(always)]
    fn leave(&self) {
        // Release: publishes the access's writes to the remote whose acquire load reads `false`.
        // (The mutation check weakens it to show that the loom models catch it.)
        #[cfg(not(pool_core_mutation = "relaxed_busy_release"))]
        self.busy.store(false, Ordering::Release);
        #[cfg(pool_core_mutation = "relaxed_busy_release")]
        self.busy.store(false, Ordering::Relaxed);
    }
}

impl<T: Send> Cache<T> {
    /// An empty cache owned by the thread whose token is `owner`, with room for `capacity`
    /// objects reserved (at most 256), holding none of the byte budget.
    pub(crate) fn new(capacity: usize, owner: u64, backing: &Backing<T>) -> Self {
        let stack = Stack::with_capacity(capacity)
            .with_memory(backing.budget.is_some(), backing.cutoff.is_some());
        Self {
            busy: AtomicBool::new(false),
            revoke: AtomicBool::new(false),
            len_hint: AtomicUsize::new(0),
            spills_seen: AtomicUsize::new(0),
            owner: AtomicU64::new(owner),
            stack: UnsafeCell::new(stack),
        }
    }

    /// The owner's token.
    #[inline(always)]
    pub(crate) fn owner(&self) -> u64 {
        // Relaxed: written only by the owner itself (at creation and in `claim`); another
        // thread only compares it with its own token, which never matches either value.
        self.owner.load(Ordering::Relaxed)
    }

    /// Makes the calling thread (token `me`) the owner: it was handed this cache by the
    /// `thread_local` crate, which gives an exited thread's id, and so its cache, to the next
    /// new thread. The exited owner's accesses happened before (through the crate's id
    /// release and reuse), and the old owner never touches the cache again (see `owner.rs`).
    #[cold]
    pub(crate) fn claim(&self, me: u64) {
        self.owner.store(me, Ordering::Relaxed);
    }

    /// Starts an owner access. Only the owner may call it. If a remote has revoked the stack,
    /// waits until it is done (a few microseconds: the remote holds it for one heavy barrier
    /// and a walk of the caches, and runs no user code meanwhile): using the tier or the factory
    /// instead would create objects while this cache holds idle ones.
    #[inline(always)]
    pub(crate) fn enter(&self, barrier: Barrier) -> OwnerAccess<'_, T> {
        // Relaxed: ordered before the revoke load by the light barrier, paired with the
        // remote's heavy one.
        self.busy.store(true, Ordering::Relaxed);
        barrier.light();
        // Acquire: pairs with the release store that cleared the flag, so a remote's writes to
        // the stack are seen.
        if self.revoke.load(Ordering::Acquire) {
            self.wait_revoked(barrier);
        }
        OwnerAccess {
            cache: self,
            stack: self.stack.get_mut(),
        }
    }

    /// The hit path of a `get`, inlined: the owner pops its most recent idle object, and says
    /// whether the caller should ask if an aging pass is due (every [`AGE_CHECK_EVERY`]-th hit:
    /// a plain counter, no clock read here). `None` for anything else (an empty stack, a
    /// revoked cache), which the caller hands to [`take`](Self::take), out of line. Only the
    /// owner may call it, and only where [`Backing::fast`] holds (so the light barrier is a
    /// compiler fence).
    #[inline(always)]
    pub(crate) fn take_fast(&self, backing: &Backing<T>) -> Option<(Slot<T>, bool)> {
        debug_assert!(backing.fast, "the caller checks `Backing::fast`");
        // The protocol of `enter`, with the light barrier a compiler fence, and no waiting.
        // Relaxed: ordered before the revoke load by the light barrier.
        self.busy.store(true, Ordering::Relaxed);
        Barrier::light_asymmetric();
        // Acquire: see `enter`.
        let value = if self.revoke.load(Ordering::Acquire) {
            None
        } else {
            let ptr = self.stack.get_mut();
            // SAFETY: as in `OwnerAccess::stack`: the owner is inside its access (busy set,
            // revoke read clear after the light barrier), so no remote touches the stack until
            // busy is cleared below, and the reference does not outlive this block.
            let stack = unsafe { ptr.deref() };
            // The length hint is left as it is (one store fewer): a hint that says one more
            // than the stack holds costs a thief one wasted visit, which corrects it.
            stack
                .pop_plain()
                .map(|value| (value, stack.counts.reuses.is_multiple_of(AGE_CHECK_EVERY)))
        };
        // Release: see `OwnerAccess::drop`.
        self.leave();
        value
    }

    /// The hit path of a return, inlined: the owner pushes onto its stack if it has room.
    /// `Err(idle)` for anything else (a full stack, a revoked cache), which the caller hands to
    /// [`put`](Self::put), out of line. Only the owner may call it, and only where
    /// [`Backing::fast`] holds.
    #[inline(always)]
    pub(crate) fn put_fast(&self, idle: Idle<T>, backing: &Backing<T>) -> Result<(), Idle<T>> {
        debug_assert!(backing.fast, "the caller checks `Backing::fast`");
        // Relaxed: ordered before the revoke load by the light barrier.
        self.busy.store(true, Ordering::Relaxed);
        Barrier::light_asymmetric();
        // Acquire: see `enter`.
        let kept = if self.revoke.load(Ordering::Acquire) {
            Err(idle)
        } else {
            let ptr = self.stack.get_mut();
            // SAFETY: as in `take_fast`.
            let stack = unsafe { ptr.deref() };
            let kept = stack.push_if_room(idle, backing.limits.thread_cache);
            // Relaxed: a hint. (On the line the busy flag already writes: no other line is
            // touched. The get's hit leaves it alone, so it may say one more than the stack
            // holds: a thief's wasted visit corrects it.)
            // Only when it changes: in steady use a get and a return leave it where it was.
            if self.len_hint.load(Ordering::Relaxed) != stack.len() {
                self.len_hint.store(stack.len(), Ordering::Relaxed);
            }
            kept
        };
        self.leave();
        kept
    }

    /// The owner found its cache revoked: step out, wait for the remote, step in again.
    #[cold]
    #[inline(never)]
    fn wait_revoked(&self, barrier: Barrier) {
        let mut turn = 0u32;
        loop {
            // Release: nothing to publish, but the remote is waiting for it.
            self.busy.store(false, Ordering::Release);
            // Acquire: see `enter`.
            while self.revoke.load(Ordering::Acquire) {
                spin_wait(turn);
                turn = turn.saturating_add(1);
            }
            self.busy.store(true, Ordering::Relaxed);
            barrier.light();
            if !self.revoke.load(Ordering::Acquire) {
                return;
            }
        }
    }

    /// Owner: pops the most recent idle object; on an empty stack, refills a batch from the
    /// tier. `None`: the tier is empty too (the caller steals, then creates). The flag: the
    /// caller should ask whether an aging pass is due, once the access is over (after a refill,
    /// and every [`AGE_CHECK_EVERY`]-th hit: a plain counter, no clock read here).
    #[inline]
    pub(crate) fn take(&self, backing: &Backing<T>) -> (Option<Slot<T>>, bool) {
        let mut access = self.enter(backing.barrier);
        let stack = access.stack();
        match stack.pop() {
            Some(value) => {
                let check = stack.counts.reuses.is_multiple_of(AGE_CHECK_EVERY);
                (Some(value), check)
            }
            None => (refill(stack, backing), true),
        }
    }

    /// Owner: keeps a returned object. With the stack full, or its share of the byte budget
    /// too small, it goes the cold way (`put_full`): the oldest batch spills to the tier, the
    /// cache borrows budget; if neither the tier nor the budget has room, the object comes back
    /// to be dropped.
    #[inline]
    pub(crate) fn put(&self, idle: Idle<T>, backing: &Backing<T>) -> Option<Slot<T>> {
        let mut access = self.enter(backing.barrier);
        let stack = access.stack();
        stack.counts.returns += 1;
        if stack.record_size(idle.bytes) {
            flush_sizes(stack, backing);
        }
        if stack.len() < backing.limits.thread_cache && stack.fits(idle.bytes) {
            stack.push(idle);
            None
        } else {
            put_full(stack, idle, backing)
        }
    }

    /// Whether the tier received a spill since the owner last asked (owner only): in
    /// producer/consumer traffic spills keep coming, and a thief does well to wait for one.
    pub(crate) fn spills_since_last_look(&self, backing: &Backing<T>) -> bool {
        // Relaxed (both): hints.
        let now = backing.spills.load(Ordering::Relaxed);
        now != self.spills_seen.swap(now, Ordering::Relaxed)
    }

    /// The stack's length after the owner's last access (a hint: the owner may be changing it).
    pub(crate) fn len_hint(&self) -> usize {
        // Relaxed: a hint.
        self.len_hint.load(Ordering::Relaxed)
    }

    /// The owner's stack, reached by the owner outside the busy protocol while it holds the
    /// registry (a steal into its own cache).
    ///
    /// # Safety
    /// The caller is this cache's owner thread, holds `registry` (so no remote can revoke the
    /// stack), is not inside an owner access of this cache, and drops the result before it
    /// releases `registry`.
    pub(crate) unsafe fn own_stack_with_registry<'a>(
        &'a self,
        _registry: &'a MutexGuard<'_, Registry<T>>,
    ) -> StackRef<'a, T> {
        StackRef {
            cache: self,
            stack: self.stack.get_mut(),
        }
    }

    /// The stack, for the pool's drop, through the `Arc` the registry and the thread-local
    /// table share.
    ///
    /// # Safety
    /// No other thread can reach the pool (it is being dropped: the caller has it by `&mut`).
    pub(crate) unsafe fn take_all_into(&self, all: &mut Vec<Idle<T>>) {
        let stack = self.stack.get_mut();
        // SAFETY: the caller guarantees nobody else can reach the pool or its caches; owners
        // that used it synchronised with the caller when their borrow or `Arc` of the pool
        // ended.
        unsafe { stack.deref() }.take_all_into(all);
    }
}

/// The owner's stack borrowed under the registry (see [`Cache::own_stack_with_registry`]).
pub(crate) struct StackRef<'a, T> {
    cache: &'a Cache<T>,
    stack: MutPtr<Stack<T>>,
}

impl<T> StackRef<'_, T> {
    /// The stack.
    pub(crate) fn stack(&mut self) -> &mut Stack<T> {
        // SAFETY: the creator's contract: the owner, with the registry held and outside an
        // owner access, is the only thread that can reach the stack; `&mut self` keeps this
        // the only reference through it.
        unsafe { self.stack.deref() }
    }
}

impl<T> Drop for StackRef<'_, T> {
    fn drop(&mut self) {
        let len = self.stack().len();
        // Relaxed: a hint.
        self.cache.len_hint.store(len, Ordering::Relaxed);
    }
}

/// The remote side: revokes the caches at `order` (indices into the registry), issues one heavy
/// barrier for all of them, then calls `visit` on each stack in `order`, once its owner is out,
/// until `visit` returns `true`; every revoked cache is released again. `registry` is the
/// registry's lock, held by the caller: one remote at a time.
pub(crate) fn visit_revoked<T: Send>(
    registry: &MutexGuard<'_, Registry<T>>,
    order: impl Iterator<Item = usize> + Clone,
    barrier: Barrier,
    mut visit: impl FnMut(&mut Stack<T>) -> bool,
) {
    for i in order.clone() {
        // Relaxed: ordered before the busy loads by the heavy barrier.
        registry[i].revoke.store(true, Ordering::Relaxed);
    }
    barrier.heavy();
    let mut done = false;
    for i in order {
        let cache = &registry[i];
        if !done {
            let mut turn = 0u32;
            // Acquire: pairs with the owner's release store of `false`, which publishes the
            // stack's writes of its last access.
            while cache.busy.load(Ordering::Acquire) {
                spin_wait(turn);
                turn = turn.saturating_add(1);
            }
            // The access ends (and, under loom, its tracked pointer drops) with this block,
            // before the revoke flag is cleared.
            {
                let ptr = cache.stack.get_mut();
                // SAFETY: the cache is revoked (set before the heavy barrier) and its owner is
                // out of any access that began before it: every later access reads revoke set
                // and backs off (module docs). Only this thread, holding the registry, set it,
                // and no other reference to the stack exists until it is cleared below.
                let stack = unsafe { ptr.deref() };
                done = visit(stack);
                // Relaxed: a hint.
                cache.len_hint.store(stack.len(), Ordering::Relaxed);
            }
        }
        // Release: publishes this remote's writes to the owner's next acquire load of revoke.
        cache.revoke.store(false, Ordering::Release);
    }
}

/// Takes one object from the tier for the caller, and up to a batch more into the stack.
#[cold]
#[inline(never)]
fn refill<T>(stack: &mut Stack<T>, backing: &Backing<T>) -> Option<Slot<T>> {
    let mut tier = lock(&backing.tier);
    let first = tier.pop()?;
    // The objects bring their share of the byte budget (the first one's stays as spare).
    let mut charge = first.bytes;
    for _ in 1..backing.batch {
        let Some(idle) = tier.pop() else { break };
        charge += idle.bytes;
        stack.push(idle);
    }
    drop(tier);
    stack.charge(charge);
    stack.counts.reuses += 1;
    Some(first.value)
}

/// Adds the stack's size histogram to the pool's (every `SIZE_FLUSH_EVERY` sampled returns).
#[cold]
#[inline(never)]
fn flush_sizes<T>(stack: &mut Stack<T>, backing: &Backing<T>) {
    if let Some(cutoff) = &backing.cutoff {
        cutoff.flush(stack);
    }
}

/// A return to a full stack, or one its share of the byte budget cannot hold: borrow budget
/// (or hand the object back when the pool has none left), spill the oldest batch to the tier,
/// as far as it has room, then keep the object; or hand it back when neither has room.
#[cold]
#[inline(never)]
fn put_full<T>(stack: &mut Stack<T>, idle: Idle<T>, backing: &Backing<T>) -> Option<Slot<T>> {
    let (capacity, max_idle) = (backing.limits.thread_cache, backing.limits.max_idle);
    if let Some(budget) = &backing.budget {
        let spare = stack.spare();
        if idle.bytes > spare {
            match budget.borrow(idle.bytes - spare) {
                Some(bytes) => stack.charge(bytes),
                None => {
                    stack.counts.over_idle_bytes += 1;
                    return Some(idle.value);
                }
            }
        }
    }
    if stack.len() < capacity {
        stack.push(idle);
        return None;
    }
    let mut tier = lock(&backing.tier);
    let room = max_idle.saturating_sub(tier.len());
    // The oldest first; those below the low-water mark were idle since the last `trim()`, and
    // join the tier's victims so that the next one still releases them.
    let mut spilled_any = false;
    stack.take_oldest(backing.batch.min(room), |spilled, stale| {
        tier.push(spilled, stale);
        spilled_any = true;
    });
    if spilled_any {
        // Relaxed: a hint for thieves (see `Pool::tier_refills_soon`).
        backing.spills.fetch_add(1, Ordering::Relaxed);
    }
    let kept = if stack.len() < capacity {
        stack.push(idle);
        None
    } else if tier.len() < max_idle {
        // A cache of capacity 0 (`thread_cache(0)`): straight to the tier, with its budget.
        stack.uncharge(idle.bytes);
        tier.push(idle, false);
        None
    } else {
        Some(idle)
    };
    drop(tier);
    if let Some(budget) = &backing.budget {
        // The spilled objects took their budget to the tier; what the cache holds beyond its
        // objects and a chunk goes back.
        budget.give_back(stack.surplus(budget.chunk()));
    }
    match kept {
        None => None,
        Some(idle) => {
            stack.counts.over_idle_bound += 1;
            Some(idle.value)
        }
    }
}
