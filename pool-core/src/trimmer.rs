//! The background trimmer: one process-wide thread, named [`THREAD_NAME`], that ages the pools
//! registered with it (through a `Weak`, so it never keeps one alive) on their timeouts. It is
//! started by the first registration and exits when no registered pool is left; no thread
//! exists unless some pool asked for one
//! ([`PoolBuilder::background_trim`](crate::PoolBuilder::background_trim)).

use core::panic::AssertUnwindSafe;
use core::time::Duration;
use std::panic::catch_unwind;
use std::sync::{Condvar, Mutex, MutexGuard, PoisonError, Weak};

/// The trimmer thread's name (as `/proc/self/task/*/comm` shows it on Linux).
pub(crate) const THREAD_NAME: &str = "pool-trimmer";

/// The longest the trimmer sleeps between two visits, whatever the pools' deadlines.
const MAX_SLEEP: Duration = Duration::from_secs(10);
/// The shortest: a pool with a zero timeout does not make the thread spin.
const MIN_SLEEP: Duration = Duration::from_millis(1);

/// A pool the trimmer can age.
pub(crate) trait Ageable: Send + Sync {
    /// Runs an aging pass if one is due; returns how long until the next one (`None`: never).
    fn age(&self) -> Option<Duration>;
}

/// The registered pools, and whether the thread runs.
struct State {
    pools: Vec<Weak<dyn Ageable>>,
    running: bool,
    /// Bumped by every registration and every registered pool's drop: the thread does not
    /// sleep through a change it has not seen.
    wakes: u64,
}

static STATE: Mutex<State> = Mutex::new(State {
    pools: Vec::new(),
    running: false,
    wakes: 0,
});
static WAKE: Condvar = Condvar::new();

fn state() -> MutexGuard<'static, State> {
    // Poison is ignored: no user code runs under this lock.
    STATE.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Registers a pool, starting the thread if it is not running. If the thread cannot be
/// started, the pool still ages through its own operations.
pub(crate) fn register(pool: Weak<dyn Ageable>) {
    let mut state = state();
    state.pools.push(pool);
    state.wakes += 1;
    if !state.running {
        state.running = std::thread::Builder::new()
            .name(THREAD_NAME.into())
            .spawn(run)
            .is_ok();
    }
    WAKE.notify_all();
}

/// A registered pool is being dropped: the thread forgets it (and exits if it was the last).
pub(crate) fn wake() {
    state().wakes += 1;
    WAKE.notify_all();
}

/// The thread: visits every live pool, then sleeps until the nearest deadline or a wake.
fn run() {
    loop {
        let (pools, seen) = {
            let mut state = state();
            state.pools.retain(|pool| pool.strong_count() > 0);
            if state.pools.is_empty() {
                state.running = false;
                return;
            }
            (state.pools.clone(), state.wakes)
        };
        let mut sleep = MAX_SLEEP;
        for pool in pools {
            let Some(pool) = pool.upgrade() else { continue };
            // A pass runs no user code that can unwind (drops and the pressure function are
            // caught); the catch keeps the thread, and `running`, right whatever happens.
            if let Ok(Some(next)) = catch_unwind(AssertUnwindSafe(|| pool.age())) {
                sleep = sleep.min(next);
            }
            // The last handle may be this one: the pool is then dropped here, on this thread.
            drop(pool);
        }
        let state = state();
        let _unused = WAKE
            .wait_timeout_while(state, sleep.max(MIN_SLEEP), |state| state.wakes == seen)
            .unwrap_or_else(PoisonError::into_inner);
    }
}
