//! [`PoolBuilder::max_live`](super::PoolBuilder::max_live): a cap on the objects a pool has
//! (idle and in use), and the queue of the gets that wait at it, blocking or async.
//!
//! Nothing here is on an uncapped pool's path, and a capped pool takes the out-of-line paths
//! (its returns must see the waiters). The count moves where objects are made (a creation, a
//! `prefill`, a `put`) or leave the pool (a discard, a trim, an aging pass, a detach).
//!
//! **Waiting without lost wake-ups.** A get that finds nothing idle and no room registers as a
//! waiter ([`Waiter`]: the `waiting` count, then a listener of the `event-listener` crate,
//! first in, first out), looks once more, and only then sleeps (a blocked thread) or returns
//! `Pending` (a future). Whoever makes a get possible acts first and notifies after: a departure
//! lowers the count, then notifies; a return while gets wait puts its object where they look
//! (the shared tier), then notifies. The listener's registration and the notification are each
//! ordered by a `SeqCst` fence (the crate's, and [`LiveCap::returned`]'s), so either the waiter's
//! second look sees the object or the room, or the notification reaches its listener.
//!
//! **Fairness.** While gets wait, a new get does not take room or returned objects ahead of
//! them: it joins the queue (see `Pool::acquire`), and the queue is served in order. A waiter
//! that is cancelled (its future dropped) holds no reservation, and a notification it received
//! passes on to the next listener (the crate's guarantee).

use std::sync::atomic::{AtomicUsize, Ordering, fence};
use std::time::Instant;

use event_listener::{Event, EventListener, Listener};

/// The cap, the count of objects the pool has, and the waiting gets.
pub(crate) struct LiveCap {
    max: usize,
    live: AtomicUsize,
    /// Gets registered as waiters (see [`Waiter`]).
    waiting: AtomicUsize,
    event: Event,
}

impl LiveCap {
    pub(crate) fn new(max: usize) -> Self {
        Self {
            max,
            live: AtomicUsize::new(0),
            waiting: AtomicUsize::new(0),
            event: Event::new(),
        }
    }

    /// Takes room for one new object, if the count is under the cap.
    pub(crate) fn try_reserve(&self) -> bool {
        // SeqCst: ordered with the waiters' registration (module docs).
        self.live
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |live| {
                (live < self.max).then_some(live + 1)
            })
            .is_ok()
    }

    /// Counts `n` objects that joined without a reservation (`put`), past the cap if need be.
    pub(crate) fn add(&self, n: usize) {
        // Relaxed: only lowers the room, which wakes nobody.
        self.live.fetch_add(n, Ordering::Relaxed);
    }

    /// Gives back the room of `n` objects that left the pool (or of a creation whose factory
    /// panicked), then wakes as many waiting gets.
    pub(crate) fn release(&self, n: usize) {
        if n == 0 {
            return;
        }
        // SeqCst: before the notification (module docs). Saturating: never below zero.
        let _ = self
            .live
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |live| {
                Some(live.saturating_sub(n))
            });
        self.event.notify(n);
    }

    /// Whether gets are waiting: a return then puts its object in the shared tier, and a new
    /// get joins the queue.
    pub(crate) fn has_waiters(&self) -> bool {
        // SeqCst: see `returned`.
        self.waiting.load(Ordering::SeqCst) > 0
    }

    /// After a return placed its object: wakes a waiting get, if any, to come and look. The
    /// fence orders the placement before the load of `waiting`, against the waiter's
    /// registration before its last look (module docs).
    pub(crate) fn returned(&self) {
        fence(Ordering::SeqCst);
        if self.waiting.load(Ordering::SeqCst) > 0 {
            self.event.notify(1);
        }
    }

    /// Registers the caller as a waiting get; it must look for an object once more before it
    /// waits on the result.
    pub(crate) fn waiter(&self) -> Waiter<'_> {
        // SeqCst: see the module docs.
        self.waiting.fetch_add(1, Ordering::SeqCst);
        Waiter {
            cap: self,
            listener: Some(self.event.listen()),
        }
    }
}

/// A get registered in the queue of a [`LiveCap`]. Dropping it (a get served, a future
/// cancelled) leaves the queue; a notification it had received goes on to the next waiter.
pub(crate) struct Waiter<'a> {
    cap: &'a LiveCap,
    listener: Option<EventListener>,
}

impl Waiter<'_> {
    /// Blocks the thread until notified, or until `deadline`; `false`: the deadline passed.
    pub(crate) fn wait(mut self, deadline: Option<Instant>) -> bool {
        let listener = self.listener.take().expect("a waiter waits once");
        match deadline {
            None => {
                listener.wait();
                true
            }
            Some(deadline) => listener.wait_deadline(deadline).is_some(),
        }
    }

    /// The listener, for a future to poll.
    pub(crate) fn listener(&mut self) -> &mut EventListener {
        self.listener.as_mut().expect("a waiter waits once")
    }
}

impl Drop for Waiter<'_> {
    fn drop(&mut self) {
        // The listener leaves the queue first (passing on a notification it received).
        drop(self.listener.take());
        // SeqCst: see the module docs.
        self.cap.waiting.fetch_sub(1, Ordering::SeqCst);
    }
}
