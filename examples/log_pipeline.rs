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
//! The format is the synthetic one of `synthetic_log` below:
//! `IP METHOD PATH STATUS BYTES MICROS key=value... tags=a,b,c`. The file is self-contained: it
//! needs `pool-core` and nothing else.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::fs::File;
use std::io::{self, BufRead, BufReader};
use std::time::Instant;

use pool_core::{LocalPool, Poolable, RecycleVec, StringMap};

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

/// One parsed access-log line.
#[derive(Poolable, Default, Debug, PartialEq)]
struct LogRecord {
    /// Client address.
    ip: String,
    /// HTTP method.
    method: String,
    /// Request path, without the query string.
    path: String,
    /// Response status.
    status: u16,
    /// Response size in bytes.
    bytes: u64,
    /// Time taken, in microseconds.
    micros: u64,
    /// The `key=value` fields after the fixed part (user agent, region, ...).
    fields: StringMap,
    /// The comma-separated `tags=` list.
    tags: RecycleVec<String>,
}

/// Why a log line could not be parsed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct ParseError {
    /// The 0-based field that was missing or malformed.
    field: usize,
}

impl std::fmt::Display for ParseError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "malformed log line: field {} is missing or invalid",
            self.field
        )
    }
}

impl std::error::Error for ParseError {}

impl LogRecord {
    /// Parses one line of the synthetic access-log format into `self` (which should be fresh):
    /// `IP METHOD PATH STATUS BYTES MICROS key=value... tags=a,b,c`. Allocates nothing when
    /// `self` is a warm pooled record.
    ///
    /// # Errors
    /// [`ParseError`] names the first missing or malformed field.
    fn parse_into(&mut self, line: &str) -> Result<(), ParseError> {
        let mut parts = line.split_ascii_whitespace();
        let mut next = |field: usize| parts.next().ok_or(ParseError { field });
        self.ip.push_str(next(0)?);
        self.method.push_str(next(1)?);
        let path = next(2)?;
        self.path.push_str(path.split('?').next().unwrap_or(path));
        self.status = next(3)?.parse().map_err(|_| ParseError { field: 3 })?;
        self.bytes = next(4)?.parse().map_err(|_| ParseError { field: 4 })?;
        self.micros = next(5)?.parse().map_err(|_| ParseError { field: 5 })?;
        for (i, kv) in parts.enumerate() {
            let (key, value) = kv.split_once('=').ok_or(ParseError { field: 6 + i })?;
            if key == "tags" {
                for tag in value.split(',').filter(|t| !t.is_empty()) {
                    self.tags.push_with(|slot| slot.push_str(tag));
                }
            } else {
                self.fields.insert(key, value);
            }
        }
        Ok(())
    }
}

/// `lines` lines of a synthetic access log (deterministic for a given `seed`), newline-separated.
fn synthetic_log(lines: usize, seed: u64) -> String {
    const PATHS: [&str; 6] = [
        "/",
        "/api/v1/users",
        "/api/v1/orders",
        "/static/app.js",
        "/healthz",
        "/api/v1/search",
    ];
    const METHODS: [&str; 4] = ["GET", "GET", "POST", "PUT"];
    const STATUS: [u16; 6] = [200, 200, 200, 304, 404, 500];
    const AGENTS: [&str; 3] = ["curl/8.5", "Mozilla/5.0", "okhttp/4.12"];
    const REGIONS: [&str; 3] = ["eu-west-1", "us-east-1", "ap-south-1"];
    let mut state = seed
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    let mut rand = move |n: usize| {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((state >> 33) as usize) % n
    };
    let mut out = String::with_capacity(lines * 160);
    for i in 0..lines {
        let _ = writeln!(
            out,
            "10.{}.{}.{} {} {}?page={} {} {} {} ua={} region={} request_id=req-{:012} tags=web,{},v{}",
            rand(256),
            rand(256),
            rand(256),
            METHODS[rand(METHODS.len())],
            PATHS[rand(PATHS.len())],
            rand(10),
            STATUS[rand(STATUS.len())],
            rand(1 << 20),
            rand(100_000),
            AGENTS[rand(AGENTS.len())],
            REGIONS[rand(REGIONS.len())],
            i,
            REGIONS[rand(REGIONS.len())],
            rand(3),
        );
    }
    out
}

/// Requests and bytes per status class and per path: what a log pipeline reports.
#[derive(Debug, Default, Clone, PartialEq)]
struct Aggregate {
    /// Lines per status class: index 1 = 1xx ... 5 = 5xx, 0 = anything else.
    by_status_class: [u64; 6],
    /// `(lines, bytes)` per path. A path seen before costs no allocation.
    by_path: HashMap<String, (u64, u64)>,
    /// Lines that did not parse.
    malformed: u64,
}

impl Aggregate {
    /// Counts one record.
    fn add(&mut self, rec: &LogRecord) {
        let class = usize::from(rec.status / 100);
        self.by_status_class[if class < 6 { class } else { 0 }] += 1;
        match self.by_path.get_mut(rec.path.as_str()) {
            Some((lines, bytes)) => {
                *lines += 1;
                *bytes += rec.bytes;
            }
            None => {
                self.by_path.insert(rec.path.clone(), (1, rec.bytes));
            }
        }
    }

    /// Total lines counted (parsed or not).
    fn lines(&self) -> u64 {
        self.by_status_class.iter().sum::<u64>() + self.malformed
    }
}
