//! `log_pipeline`: parse access-log lines into records and aggregate them, one record per line.
//! An operation is one line; the criterion group times batches of [`LINES`] lines and reports
//! lines per second. Each thread keeps one [`Aggregate`] across batches, as a long-running
//! pipeline does, borrowed once per run by every contender alike.

use std::cell::RefCell;
use std::hint::black_box;
use std::sync::LazyLock;

use pool_core::{LocalPool, Pool, Poolable};
use pool_suite::workloads::{Aggregate, LogRecord, synthetic_log};

use super::{Contender, Object, Scratch, other_pools};

/// Lines per criterion iteration (and distinct lines cycled through).
pub(crate) const LINES: usize = 1000;

static LOG: LazyLock<String> = LazyLock::new(|| synthetic_log(LINES, 42));
static LINE: LazyLock<Vec<&'static str>> = LazyLock::new(|| LOG.lines().collect());

thread_local! {
    static AGG: RefCell<Aggregate> = RefCell::default();
}

impl Scratch for Aggregate {
    fn with<R>(f: impl FnOnce(&mut Self) -> R) -> R {
        AGG.with(|agg| {
            let mut agg = agg.borrow_mut();
            let r = f(&mut agg);
            black_box(&*agg);
            r
        })
    }
}

/// Parses line `i` (cycling through the log) into `rec` and counts it into `agg`.
#[inline(always)]
fn process(rec: &mut LogRecord, agg: &mut Aggregate, i: u64) {
    let line = black_box(LINE[i as usize % LINES]);
    match rec.parse_into(line) {
        Ok(()) => agg.add(rec),
        Err(_) => agg.malformed += 1,
    }
}

fn process_other(rec: &mut LogRecord, agg: &mut Aggregate, i: u64) {
    process(rec, agg, i);
}

impl Object for LogRecord {
    fn create() -> Self {
        Self::default()
    }
    fn clean(&mut self) {
        self.reset();
    }
}

/// Every contender.
pub(crate) fn contenders() -> Vec<Contender> {
    LazyLock::force(&LINE);
    let pool: Pool<LogRecord> = Pool::new();
    let local: LocalPool<LogRecord> = LocalPool::new();
    let floor = RefCell::new(LogRecord::default());
    let mut all = vec![
        Contender::shared("pool_core_Pool", move |n| {
            Aggregate::with(|agg| {
                for i in 0..n {
                    process(&mut pool.get(), agg, i);
                }
            })
        }),
        Contender::local("pool_core_LocalPool", move |n| {
            Aggregate::with(|agg| {
                for i in 0..n {
                    process(&mut local.get(), agg, i);
                }
            })
        }),
        Contender::shared("fresh_system_LogRecord_default", |n| {
            Aggregate::with(|agg| {
                for i in 0..n {
                    process(&mut LogRecord::default(), agg, i);
                }
            })
        }),
        Contender::local("floor_one_LogRecord_reset_in_place", move |n| {
            Aggregate::with(|agg| {
                let mut rec = floor.borrow_mut();
                for i in 0..n {
                    process(&mut rec, agg, i);
                    rec.reset();
                }
            })
        }),
    ];
    all.extend(other_pools("", process_other));
    all
}
