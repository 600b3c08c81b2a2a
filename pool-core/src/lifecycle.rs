//! An object's life in a pool, the same for [`Pool`](crate::Pool) and
//! [`LocalPool`](crate::LocalPool): the bounds, the factory call, the reset and check on
//! return, and the quiet drop of what the pool lets go of.

use core::panic::AssertUnwindSafe;
use core::time::Duration;
use std::panic::catch_unwind;

use crate::Poolable;
use crate::idle::Idle;

/// Default size of each thread's cache.
pub(crate) const DEFAULT_THREAD_CACHE: usize = 16;

/// Default [`idle_timeout`](crate::PoolBuilder::idle_timeout): 30 s, .NET's `ArrayPool` figure.
pub const DEFAULT_IDLE_TIMEOUT: Duration = Duration::from_secs(30);

/// The factory a thread-safe pool calls when it has no idle object.
pub(crate) type Factory<T> = Box<dyn Fn() -> T + Send + Sync>;

/// Bounds shared by [`Pool`](crate::Pool) and [`LocalPool`](crate::LocalPool).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Limits {
    /// Most idle objects kept in the shared tier (or, for a `LocalPool`, in total).
    pub(crate) max_idle: usize,
    /// Most idle objects in each thread's cache.
    pub(crate) thread_cache: usize,
    /// Largest `retained_bytes` an object may have and still be kept.
    pub(crate) max_retained_bytes: usize,
    /// Most objects a `Pool` has at once, idle and in use (`usize::MAX`: no cap).
    pub(crate) max_live: usize,
    /// Idle time after which a `Pool` releases an object (`Duration::MAX`: never).
    pub(crate) idle_timeout: Duration,
    /// Byte budget over a `Pool`'s idle objects (`usize::MAX`: none).
    pub(crate) max_idle_bytes: usize,
    /// A `Pool` learns a per-object cut-off from the sizes returned.
    pub(crate) auto_max_retained_bytes: bool,
    /// A `Pool` built with `build_arc` registers with the background trimmer.
    pub(crate) background_trim: bool,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_idle: usize::MAX,
            thread_cache: DEFAULT_THREAD_CACHE,
            max_retained_bytes: usize::MAX,
            max_live: usize::MAX,
            idle_timeout: DEFAULT_IDLE_TIMEOUT,
            max_idle_bytes: usize::MAX,
            auto_max_retained_bytes: false,
            background_trim: false,
        }
    }
}

/// Why a returned object was discarded instead of kept.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Discard {
    /// Its `reset` or its `retained_bytes` panicked: it may be half reset and is never handed
    /// out again.
    ResetPanicked,
    /// It retains more than the per-object byte bound (this many bytes).
    Oversized(usize),
}

/// Resets a returned object and checks it against the per-object byte bound: `Ok` with its
/// `retained_bytes` to keep it, or why the caller must discard it. `measure`: the pool bounds
/// bytes (a per-object bound, a budget or a learned cut-off); without one, `retained_bytes` is
/// not called on a return (it may walk a whole collection) and `Ok(0)` is recorded, and the
/// statistics ask the idle objects when they are read (see [`Measure`]). A panic in `reset` or
/// in `retained_bytes` (user code, both) is caught and discards the object. Called with no lock
/// or borrow held. It leaves the object with the caller either way, so that both outcomes move
/// it and the kept path carries no drop flag.
#[inline]
pub(crate) fn prepare_return<T: Poolable>(
    value: &mut T,
    max_retained_bytes: usize,
    measure: bool,
) -> Result<usize, Discard> {
    if !measure {
        catch_unwind(AssertUnwindSafe(|| T::reset(value))).map_err(|_| Discard::ResetPanicked)?;
        return Ok(0);
    }
    let bytes = catch_unwind(AssertUnwindSafe(|| {
        T::reset(value);
        T::retained_bytes(value)
    }))
    .map_err(|_| Discard::ResetPanicked)?;
    if bytes > max_retained_bytes {
        Err(Discard::Oversized(bytes))
    } else {
        Ok(bytes)
    }
}

/// How the statistics learn an idle object's retained bytes: `None`, from what its return
/// recorded (a pool that bounds bytes measures every return); `Some(f)`, by calling `f`
/// (`T::retained_bytes`) on it when they are read, in a pool that measures nothing on return.
pub(crate) type Measure<T> = Option<fn(&T) -> usize>;

/// The `Measure` of a pool that measures on return iff `measures`.
pub(crate) fn measure_for<T: Poolable>(measures: bool) -> Measure<T> {
    if measures {
        None
    } else {
        Some(T::retained_bytes)
    }
}

/// Calls a factory; if it unwinds, `unwound` runs first (to count it) and the panic goes on to
/// the caller. A creation is only counted by the caller once this returned.
#[inline]
pub(crate) fn call_factory<T>(factory: impl FnOnce() -> T, unwound: impl FnOnce()) -> T {
    /// Runs its closure when dropped, unless disarmed.
    struct OnUnwind<F: FnOnce()>(Option<F>);
    impl<F: FnOnce()> Drop for OnUnwind<F> {
        fn drop(&mut self) {
            if let Some(unwound) = self.0.take() {
                unwound();
            }
        }
    }
    let mut armed = OnUnwind(Some(unwound));
    let value = factory();
    armed.0 = None;
    value
}

/// Drops an object the pool lets go of, catching a panic in its `Drop`: user code must not
/// unwind through `trim()`, a guard's drop or the pool's drop, and the other objects are still
/// released.
pub(crate) fn drop_quietly<V>(value: V) {
    let _ = catch_unwind(AssertUnwindSafe(move || drop(value)));
}

/// [`drop_quietly`] for each of `idle`, outside every lock.
pub(crate) fn release_all<T>(idle: Vec<Idle<T>>) {
    for idle in idle {
        drop_quietly(idle.value);
    }
}
