//! The interleaved wall-clock harness `scripts/bench-report` uses (criterion stays for ad-hoc
//! runs of one bench): every contender of a group is timed once per round, in turn
//! (A B C A B C ..., never A A B B), for [`rounds`] rounds, so that a slow minute on a shared
//! machine lands on every contender alike instead of on whichever ran then. Each round's sample
//! is one timed batch of a fixed number of operations (calibrated once, so that a batch takes
//! about [`sample_ms`]); the report gives each contender's median over the rounds with its min
//! and max.
//!
//! A bench binary runs this instead of criterion when `BENCH_INTERLEAVED_OUT=<file>` is set: it
//! appends one JSON line per contender to that file:
//! `{"group", "name", "what", "iters", "elements", "ns_per_op": [one per round]}`.
//! `BENCH_ROUNDS` (default 11, at least 5) and `BENCH_SAMPLE_MS` (default 100) tune it.
//!
//! With `BENCH_CALLGRIND=<contender>` a workload binary runs no benchmark: it runs
//! `BENCH_CALLGRIND_N` (default 100 000) operations of that contender in one `#[inline(never)]`
//! loop, for `valgrind --tool=callgrind --collect-atstart=no --toggle-collect='*callgrind_loop*'`.
//! (`alloc_counts`' `ALLOC_COUNTS_CALLGRIND` does the same under its counting allocator, which adds
//! instructions to every allocation; this runs the binary that is timed.)

use std::fmt::Write as _;
use std::hint::black_box;
use std::io::Write as _;
use std::time::Duration;

use super::{Contender, two_threads};

/// The output file, when the interleaved run was asked for.
pub(crate) fn out_path() -> Option<String> {
    std::env::var("BENCH_INTERLEAVED_OUT").ok()
}

/// Rounds per group (each contender gets one sample per round).
pub(crate) fn rounds() -> usize {
    std::env::var("BENCH_ROUNDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(11)
        .max(5)
}

/// The target duration of one sample.
pub(crate) fn sample_ms() -> u64 {
    std::env::var("BENCH_SAMPLE_MS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(100)
}

/// Times `iters` operations and returns the wall time (per thread, for the 2-thread runs).
pub(crate) type Timer<'a> = Box<dyn FnMut(u64) -> Duration + 'a>;

/// One contender of an interleaved group.
pub(crate) struct Entry<'a> {
    pub(crate) name: String,
    pub(crate) timer: Timer<'a>,
    /// Operations per sample, where calibration cannot find it (a timer that times only part
    /// of what it runs, like a trim after a refill).
    pub(crate) fixed_iters: Option<u64>,
}

impl<'a> Entry<'a> {
    pub(crate) fn new(name: impl Into<String>, timer: impl FnMut(u64) -> Duration + 'a) -> Self {
        Self {
            name: name.into(),
            timer: Box::new(timer),
            fixed_iters: None,
        }
    }

    /// An entry timed over `iters` operations per sample, without calibration.
    pub(crate) fn fixed(
        name: impl Into<String>,
        iters: u64,
        timer: impl FnMut(u64) -> Duration + 'a,
    ) -> Self {
        Self {
            fixed_iters: Some(iters),
            ..Self::new(name, timer)
        }
    }
}

/// Operations per sample so that one takes about `target`: doubles from 1 until a batch takes
/// an eighth of it, then scales (the first batches warm the contender up).
fn calibrate(timer: &mut Timer<'_>, target: Duration) -> u64 {
    let mut iters = 1u64;
    loop {
        let t = timer(iters);
        if t >= target / 8 || iters >= 1 << 40 {
            let scaled = iters as f64 * target.as_secs_f64() / t.as_secs_f64().max(1e-9);
            return (scaled as u64).max(1);
        }
        iters *= 2;
    }
}

/// Runs `entries` interleaved and appends their samples to the output file. `elements`:
/// operations per iteration (a batch of log lines counts as one operation of `elements` lines;
/// the figure stays per iteration). `what` says exactly what one figure measures.
pub(crate) fn run_group(group: &str, what: &str, elements: u64, mut entries: Vec<Entry<'_>>) {
    let Some(path) = out_path() else { return };
    let target = Duration::from_millis(sample_ms());
    let rounds = rounds();
    eprintln!(
        "interleaved: {group} ({} contenders x {rounds} rounds)",
        entries.len()
    );
    let iters: Vec<u64> = entries
        .iter_mut()
        .map(|e| match e.fixed_iters {
            Some(n) => {
                (e.timer)(n); // warm-up
                n
            }
            None => calibrate(&mut e.timer, target),
        })
        .collect();
    let mut samples = vec![Vec::with_capacity(rounds); entries.len()];
    for _ in 0..rounds {
        for ((e, &n), s) in entries.iter_mut().zip(&iters).zip(&mut samples) {
            let t = (e.timer)(n);
            s.push(t.as_nanos() as f64 / n as f64);
        }
    }
    let mut out = String::new();
    for ((e, n), s) in entries.iter().zip(&iters).zip(&samples) {
        let list: Vec<String> = s.iter().map(|x| format!("{x:.3}")).collect();
        let _ = writeln!(
            out,
            "{{\"group\":{},\"name\":{},\"what\":{},\"iters\":{n},\"elements\":{elements},\"ns_per_op\":[{}]}}",
            json_str(group),
            json_str(&e.name),
            json_str(what),
            list.join(",")
        );
    }
    std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&path)
        .and_then(|mut f| f.write_all(out.as_bytes()))
        .expect("writing BENCH_INTERLEAVED_OUT");
}

fn json_str(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Every contender `rename` keeps, one thread each: the workloads' 1-thread groups.
pub(crate) fn one_thread_entries<'a>(
    contenders: &'a [Contender],
    rename: impl Fn(&Contender) -> Option<String>,
) -> Vec<Entry<'a>> {
    contenders
        .iter()
        .filter_map(|c| {
            let name = rename(c)?;
            Some(Entry::new(name, move |n| super::timed(n, |k| c.run(k))))
        })
        .collect()
}

/// Every shareable contender `rename` keeps, run by two threads on one shared pool
/// ([`two_threads`]: the time per operation per thread).
pub(crate) fn two_thread_entries<'a>(
    contenders: &'a [Contender],
    rename: impl Fn(&Contender) -> Option<String>,
) -> Vec<Entry<'a>> {
    contenders
        .iter()
        .filter_map(|c| {
            let (run, name) = (c.shared_run()?, rename(c)?);
            Some(Entry::new(name, move |n| two_threads(run, n)))
        })
        .collect()
}

// ---- the machine's own 2-thread floor --------------------------------------------------------------

/// Pure register work with nothing shared: a xorshift step per operation.
fn spin(n: u64) {
    let mut x = 0x9E37_79B9_7F4A_7C15u64;
    for _ in 0..n {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x = black_box(x);
    }
    black_box(x);
}

/// Measures the machine's own 2-thread floor: the same private loop on one thread, and on two
/// threads at once that share nothing (their time per operation per thread), interleaved. On an
/// idle machine with two free cores the two match; when another process holds a core, the two
/// threads time-slice on one core and the 2-thread figure grows. The report marks the run
/// disturbed when the median 2-thread / 1-thread ratio is not within 1.1x. `when`: `before` or
/// `after` the multi-thread groups it brackets (the group is `machine_floor/<when>_<groups>`).
pub(crate) fn machine_floor(when: &str) {
    run_group(
        &format!("machine_floor/{when}"),
        "a private xorshift loop (no memory shared, no allocation): `1_thread` on one thread, \
         `2_threads` on two threads at once (time per operation per thread)",
        1,
        vec![
            Entry::new("1_thread", |n| super::timed(n, spin)),
            Entry::new("2_threads", |n| two_threads(&spin, n)),
        ],
    );
}

// ---- callgrind ------------------------------------------------------------------------------------

/// The loop measured under callgrind (`--toggle-collect='*callgrind_loop*'`).
#[inline(never)]
fn callgrind_loop(c: &Contender, n: u64) {
    c.run(n);
}

/// With `BENCH_CALLGRIND=<name>`: warms that contender (one operation), runs
/// `BENCH_CALLGRIND_N` operations in [`callgrind_loop`] and returns `true`; otherwise `false`.
pub(crate) fn callgrind(contenders: &[Contender]) -> bool {
    let Ok(which) = std::env::var("BENCH_CALLGRIND") else {
        return false;
    };
    let n = std::env::var("BENCH_CALLGRIND_N")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(100_000);
    let c = contenders
        .iter()
        .find(|c| c.name == which)
        .unwrap_or_else(|| panic!("BENCH_CALLGRIND: no contender {which:?}"));
    c.run(1);
    callgrind_loop(c, n);
    true
}
