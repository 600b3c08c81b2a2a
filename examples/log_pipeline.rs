//! A log pipeline: reads an access log line by line, parses each line into a pooled `LogRecord`
//! (a `LocalPool`: one thread, no synchronisation), aggregates requests and bytes per status
//! class and per path, and prints a report, the throughput and the pool's statistics.
//!
//! The line buffer is one `String` reused for every line, and a warm `LogRecord` keeps its
//! strings, its `key=value` map (a `StringMap`) and its tag list (a `RecycleVec<String>`), so the
//! steady state parses without allocating.
//!
//! ```sh
//! cargo run --release --example log_pipeline -- access.log      # a log file
//! cargo run --release --example log_pipeline                     # a synthetic 500,000-line log
//! cargo run --release --example log_pipeline -- --lines 10000    # a smaller synthetic log
//! ```
//!
//! The format is the synthetic one of `pool_suite::workloads::synthetic_log`:
//! `IP METHOD PATH STATUS BYTES MICROS key=value... tags=a,b,c`.

use std::fs::File;
use std::io::{self, BufRead, BufReader};
use std::time::Instant;

use pool_core::LocalPool;
use pool_suite::workloads::{Aggregate, LogRecord, synthetic_log};

const DEFAULT_LINES: usize = 500_000;

/// Parses and aggregates every line of `input`.
fn run(mut input: impl BufRead, pool: &LocalPool<LogRecord>) -> io::Result<Aggregate> {
    let mut agg = Aggregate::default();
    let mut line = String::new();
    loop {
        line.clear();
        if input.read_line(&mut line)? == 0 {
            return Ok(agg);
        }
        let text = line.trim_end();
        if text.is_empty() {
            continue;
        }
        // Fresh for this line; reset and back in the pool at the end of the iteration.
        let mut record = pool.get();
        match record.parse_into(text) {
            Ok(()) => agg.add(&record),
            Err(_) => agg.malformed += 1,
        }
    }
}

fn main() {
    let mut file = None;
    let mut lines = DEFAULT_LINES;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        if arg == "--lines" {
            lines = match args.next().map(|v| v.parse()) {
                Some(Ok(n)) => n,
                _ => usage(),
            };
        } else if arg.starts_with('-') || file.is_some() {
            usage();
        } else {
            file = Some(arg);
        }
    }

    let pool: LocalPool<LogRecord> = LocalPool::new();
    let (source, started, result) = match &file {
        Some(path) => {
            let input = File::open(path).unwrap_or_else(|e| {
                eprintln!("cannot open {path}: {e}");
                std::process::exit(1);
            });
            let started = Instant::now();
            let result = run(BufReader::with_capacity(64 << 10, input), &pool);
            (path.clone(), started, result)
        }
        None => {
            let log = synthetic_log(lines, 42);
            let started = Instant::now();
            let result = run(log.as_bytes(), &pool);
            (format!("synthetic log ({lines} lines)"), started, result)
        }
    };
    let elapsed = started.elapsed();
    let agg = result.unwrap_or_else(|e| {
        eprintln!("read error: {e}");
        std::process::exit(1);
    });

    let total = agg.lines();
    println!("{source}");
    println!(
        "lines: {} parsed, {} malformed",
        total - agg.malformed,
        agg.malformed
    );
    let classes: Vec<String> = (1..6)
        .filter(|&c| agg.by_status_class[c] > 0)
        .map(|c| format!("{c}xx {}", agg.by_status_class[c]))
        .collect();
    println!("status: {}", classes.join(", "));
    let mut paths: Vec<_> = agg.by_path.iter().collect();
    paths.sort_by(|a, b| b.1.0.cmp(&a.1.0).then(a.0.cmp(b.0)));
    println!("{:<20} {:>10} {:>14}", "path", "requests", "bytes");
    for (path, (requests, bytes)) in paths.iter().take(10) {
        println!("{path:<20} {requests:>10} {bytes:>14}");
    }
    let secs = elapsed.as_secs_f64();
    println!(
        "{total} lines in {:.1} ms: {:.0} lines/s",
        secs * 1e3,
        total as f64 / secs.max(1e-9)
    );
    println!("pool: {}", pool.stats());
}

fn usage() -> ! {
    eprintln!("usage: log_pipeline [FILE] [--lines N]   (N: synthetic lines when no FILE)");
    std::process::exit(2);
}
