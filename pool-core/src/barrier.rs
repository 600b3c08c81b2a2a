//! The asymmetric barrier of the thread caches' owner/remote protocol.
//!
//! A cache's owner marks itself busy with a plain store and then needs that store ordered
//! before its next load (of the cache's `revoke` flag); the rare remote side (trim, stats, a
//! last-resort steal) stores `revoke` and needs it ordered before its load of `busy`. Two
//! `SeqCst` fences give exactly that (Dekker's protocol). The asymmetric barrier moves the whole
//! cost to the remote side:
//!
//! - **light** (the owner, on every cache hit): a compiler fence, which emits no instruction;
//! - **heavy** (the remote, once per trim, stats call or steal, for every cache at once):
//!   `membarrier(MEMBARRIER_CMD_PRIVATE_EXPEDITED)`, which makes every CPU currently running a
//!   thread of this process execute a full memory barrier, so each owner's busy store is
//!   ordered as if it had executed a `SeqCst` fence at that point.
//!
//! | platform | light | heavy |
//! |---|---|---|
//! | Linux and Android, kernel 4.14 or later | compiler fence | `membarrier`, registered once per process |
//! | Linux where registration fails (older kernel, seccomp filter) | `fence(SeqCst)` | `fence(SeqCst)` |
//! | every other platform | `fence(SeqCst)` | `fence(SeqCst)` |
//! | under `--cfg loom` | `fence(SeqCst)` | `fence(SeqCst)` |
//!
//! The fallback is slower on the hit path (an `mfence` or locked instruction) and equally
//! correct. Setting the environment variable `POOL_CORE_BARRIER=fence` before the first pool is
//! built forces the fallback (the test suite runs the pool's stress tests both ways).

use crate::sync::{Ordering, fence};

/// Which barrier pair this process uses, chosen once, before the first pool exists.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Barrier {
    /// `membarrier` is registered: the light side is a compiler fence.
    membarrier: bool,
}

impl Barrier {
    /// The process's barrier pair (registers `membarrier` on the first call).
    pub(crate) fn get() -> Self {
        Self {
            membarrier: membarrier_registered(),
        }
    }

    /// Whether the owner's side costs no instruction (`membarrier` is registered), which is
    /// when the pool takes its inlined fast path. Under loom: always, with the light barrier a
    /// modelled `fence(SeqCst)`, so that the models run the fast path's code too.
    #[inline(always)]
    pub(crate) fn asymmetric(self) -> bool {
        cfg!(loom) || self.membarrier
    }

    /// The owner's side: orders its busy store before its revoke load.
    #[inline(always)]
    pub(crate) fn light(self) {
        if cfg!(loom) {
            fence(Ordering::SeqCst);
        } else if self.membarrier {
            // The heavy side's `membarrier` supplies the fence on this CPU when it matters;
            // only the compiler must not move the accesses across this point.
            core::sync::atomic::compiler_fence(Ordering::SeqCst);
        } else {
            fallback_fence();
        }
    }

    /// The light barrier where [`asymmetric`](Self::asymmetric) is known to hold (the inlined
    /// hit paths, behind `Backing::fast`): a compiler fence; under loom, `fence(SeqCst)`.
    #[inline(always)]
    pub(crate) fn light_asymmetric() {
        if cfg!(loom) {
            fence(Ordering::SeqCst);
        } else {
            core::sync::atomic::compiler_fence(Ordering::SeqCst);
        }
    }

    /// The remote side: orders its revoke stores before its busy loads, and every owner's busy
    /// store before its revoke load (with `membarrier`, on every CPU at once).
    pub(crate) fn heavy(self) {
        // The mutation check (implementation notes): without this fence the loom models fail.
        #[cfg(not(pool_core_mutation = "no_heavy_barrier"))]
        fence(Ordering::SeqCst);
        if self.membarrier {
            heavy_membarrier();
        }
    }
}

/// The owner's fence where there is no `membarrier`: out of line, so that the hit path's own
/// code holds no fence instruction (and stays small) where the fallback is not in use.
#[cold]
#[inline(never)]
fn fallback_fence() {
    fence(Ordering::SeqCst);
}

/// Whether `membarrier(PRIVATE_EXPEDITED)` is registered for this process (tried once).
#[cfg(all(not(loom), any(target_os = "linux", target_os = "android")))]
fn membarrier_registered() -> bool {
    use std::sync::OnceLock;
    static REGISTERED: OnceLock<bool> = OnceLock::new();
    *REGISTERED.get_or_init(|| {
        if std::env::var_os("POOL_CORE_BARRIER").is_some_and(|v| v == "fence") {
            return false;
        }
        use rustix::thread::{MembarrierCommand, membarrier};
        membarrier(MembarrierCommand::RegisterPrivateExpedited).is_ok()
    })
}

/// Elsewhere (and under loom) there is no process-wide barrier: both sides fence.
#[cfg(any(loom, not(any(target_os = "linux", target_os = "android"))))]
fn membarrier_registered() -> bool {
    false
}

#[cfg(all(not(loom), any(target_os = "linux", target_os = "android")))]
fn heavy_membarrier() {
    use rustix::thread::{MembarrierCommand, membarrier};
    // Registered (checked by the caller), so the kernel cannot refuse it: its only errors are
    // an unregistered process and an unknown command. If it ever did, the owners' compiler
    // fences would no longer be paired, which is why this is not a silent fallback.
    if let Err(err) = membarrier(MembarrierCommand::PrivateExpedited) {
        panic!("membarrier(PRIVATE_EXPEDITED) failed after its registration succeeded: {err}");
    }
}

#[cfg(any(loom, not(any(target_os = "linux", target_os = "android"))))]
fn heavy_membarrier() {
    unreachable!("membarrier is never registered here");
}
