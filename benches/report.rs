//! Writes `BENCHMARKS.md` from one run of the suite: criterion's median estimates
//! (`<target>/criterion/<group>/<bench>/new/`) and the allocation counts
//! (`<target>/alloc_counts.json`), with the machine, the toolchain, the crate versions (from
//! `Cargo.lock`) and the command. `scripts/bench-report` runs the suite, then this with
//! `-- --write`; without `--write` the report goes to stdout and no file is touched, so a plain
//! `cargo bench` does not rewrite `BENCHMARKS.md`.
//!
//! With `BENCH_REPORT_SINCE=<unix seconds>` in the environment, estimates older than that are
//! left out (they belong to an earlier run). When the suite ran several rounds (`BENCH_ROUNDS`),
//! each round's estimates were copied to `round<N>/` beside `new/`, and the lowest median wins.
//!
//! Go's `sync.Pool` on the `pool_ops` operation (`benches/go/`): `scripts/bench-report` runs it
//! after each round of `pool_ops` and appends `go test`'s output to `<target>/go_bench.txt`,
//! which this reads into the `pool_ops` tables as `go_*` rows (the lowest ns/op of the rounds).

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use serde_json::Value;

/// The groups, in report order, with what one operation is.
const GROUPS: [(&str, &str); 9] = [
    (
        "json_encode",
        "one `serde_json::to_writer` of an 82-byte object into a byte buffer (the Go seed's `sync.Pool` example)",
    ),
    (
        "request_ctx",
        "one request: a context filled from a synthetic request (3 ids, 8 headers, 1 KiB body), read, released",
    ),
    (
        "read_buffers_1thread",
        "get a 64 KiB read buffer, read 16 KiB from memory into it, checksum, release; one thread",
    ),
    (
        "read_buffers_2threads",
        "the same, two threads sharing one pool; time per operation per thread",
    ),
    (
        "log_pipeline",
        "one batch of 1000 access-log lines parsed into records and aggregated",
    ),
    (
        "pool_ops_1thread",
        "get a 4 KiB `Vec<u8>`, write 64 bytes, give it back (`benches/pool_ops.rs`)",
    ),
    (
        "pool_ops_2threads",
        "the same, two threads sharing one pool",
    ),
    (
        "pool_ops_cross_thread",
        "the same buffer taken on one thread and dropped on a second, sent over a bounded channel (64 in flight); time per object",
    ),
    (
        "pool_ops_trim_64x16",
        "one `Pool::trim()` with 64 idle threads that cached 16 buffers each: `visit` releases nothing, `release` frees all 1,024",
    ),
];

/// The Go benchmarks the report uses (as `go test -cpu 1,2` names them), with the group and the
/// row they become and the factor from Go's ns/op to the time per operation per thread. Under
/// `-cpu 2`, `b.RunParallel` runs two goroutines and ns/op is the wall time over the operations
/// of both, so one thread's time per operation is ns/op x 2.
const GO_ROWS: [(&str, &str, &str, f64); 4] = [
    ("BenchmarkSyncPool", "pool_ops_1thread", "go_sync_Pool", 1.0),
    ("BenchmarkFresh", "pool_ops_1thread", "go_fresh_make", 1.0),
    (
        "BenchmarkSyncPoolParallel-2",
        "pool_ops_2threads",
        "go_sync_Pool",
        2.0,
    ),
    (
        "BenchmarkFreshParallel-2",
        "pool_ops_2threads",
        "go_fresh_make",
        2.0,
    ),
];

/// The crates whose versions the report names.
const CRATES: [&str; 10] = [
    "pool-core",
    "criterion",
    "serde_json",
    "mimalloc",
    "libmimalloc-sys",
    "object-pool",
    "lockfree-object-pool",
    "opool",
    "sharded-slab",
    "zeropool",
];

/// One benchmark's result.
#[derive(Clone, Debug)]
struct Row {
    name: String,
    /// Median time of one criterion iteration, in nanoseconds.
    median_ns: f64,
    /// Elements per iteration, where the group declared a throughput.
    elements: Option<f64>,
}

/// Allocations and bytes per operation, by group and contender.
type Allocs = BTreeMap<String, BTreeMap<String, (f64, f64)>>;

fn read_json(path: &Path) -> Option<Value> {
    serde_json::from_str(&std::fs::read_to_string(path).ok()?).ok()
}

/// Whether `path` exists and was written by this run (at or after `since`, where given).
fn fresh_enough(path: &Path, since: Option<SystemTime>) -> bool {
    match (since, std::fs::metadata(path)) {
        (_, Err(_)) => false,
        (None, Ok(_)) => true,
        (Some(since), Ok(meta)) => meta.modified().is_ok_and(|m| m >= since),
    }
}

/// Every benchmark of the run, by criterion group (as in `benchmark.json`'s `group_id`, with
/// `/` written `_` as in the directory names).
fn criterion_rows(dir: &Path, since: Option<SystemTime>) -> BTreeMap<String, Vec<Row>> {
    let mut groups: BTreeMap<String, Vec<Row>> = BTreeMap::new();
    let Ok(group_dirs) = std::fs::read_dir(dir) else {
        return groups;
    };
    for bench_dir in group_dirs
        .flatten()
        .filter_map(|g| std::fs::read_dir(g.path()).ok())
        .flatten()
        .flatten()
    {
        // The suite may run several rounds (`BENCH_ROUNDS`); each round's `new/` was copied to
        // `round<N>/`. The best (lowest) median of the rounds is the figure: interference from
        // other processes only ever slows a run down.
        let mut best: Option<(Value, f64)> = None;
        let runs = std::fs::read_dir(bench_dir.path())
            .into_iter()
            .flatten()
            .flatten()
            .map(|e| e.path());
        for run in runs.filter(|p| {
            p.file_name()
                .is_some_and(|n| n == "new" || n.to_string_lossy().starts_with("round"))
        }) {
            let estimates_path = run.join("estimates.json");
            if !fresh_enough(&estimates_path, since) {
                continue;
            }
            let (Some(bench), Some(estimates)) = (
                read_json(&run.join("benchmark.json")),
                read_json(&estimates_path),
            ) else {
                continue;
            };
            let Some(median_ns) = estimates["median"]["point_estimate"].as_f64() else {
                continue;
            };
            if best.as_ref().is_none_or(|(_, m)| median_ns < *m) {
                best = Some((bench, median_ns));
            }
        }
        let Some((bench, median_ns)) = best else {
            continue;
        };
        let (Some(group), Some(name)) = (bench["group_id"].as_str(), bench["function_id"].as_str())
        else {
            continue;
        };
        groups
            .entry(group.replace('/', "_"))
            .or_default()
            .push(Row {
                name: name.to_owned(),
                median_ns,
                elements: bench["throughput"]["Elements"].as_f64(),
            });
    }
    for rows in groups.values_mut() {
        rows.sort_by(|a, b| a.median_ns.total_cmp(&b.median_ns));
    }
    groups
}

fn alloc_counts(path: &Path) -> Allocs {
    let Some(doc) = read_json(path) else {
        return Allocs::new();
    };
    let Some(groups) = doc["groups"].as_object() else {
        return Allocs::new();
    };
    groups
        .iter()
        .map(|(group, rows)| {
            let rows = rows
                .as_object()
                .into_iter()
                .flatten()
                .filter_map(|(name, v)| {
                    Some((
                        name.clone(),
                        (v["allocs_per_op"].as_f64()?, v["bytes_per_op"].as_f64()?),
                    ))
                })
                .collect();
            (group.clone(), rows)
        })
        .collect()
}

/// What `<target>/go_bench.txt` held: the `go_*` rows by group, their allocations, and the Go
/// version; or why there are none.
struct GoRun {
    rows: BTreeMap<String, Vec<Row>>,
    allocs: Allocs,
    /// `go version`'s output (`scripts/bench-report` writes it first).
    version: String,
}

/// Reads Go's benchmark output (`scripts/bench-report`), keeping the lowest ns/op of each
/// benchmark over the rounds. `Err` says why there are no Go rows.
fn go_run(path: &Path, since: Option<SystemTime>) -> Result<GoRun, String> {
    let text = std::fs::read_to_string(path)
        .ok()
        .filter(|_| fresh_enough(path, since));
    let Some(text) = text else {
        let on_path = std::process::Command::new("go")
            .arg("version")
            .output()
            .is_ok_and(|o| o.status.success());
        return Err(if on_path {
            "Go benchmark not run in this run (`scripts/bench-report` runs `benches/go`): row skipped"
        } else {
            "Go not installed: row skipped"
        }
        .to_owned());
    };
    let mut run = GoRun {
        rows: BTreeMap::new(),
        allocs: Allocs::new(),
        version: text
            .lines()
            .find(|l| l.starts_with("go version"))
            .unwrap_or("go (unknown version)")
            .to_owned(),
    };
    for line in text.lines() {
        let fields: Vec<&str> = line.split_whitespace().collect();
        let Some(&(_, group, name, factor)) = GO_ROWS.iter().find(|r| fields.first() == Some(&r.0))
        else {
            continue;
        };
        // `Benchmark…  N  t ns/op  b B/op  a allocs/op`: each value stands before its unit.
        let value = |unit: &str| -> Option<f64> {
            let i = fields.iter().position(|f| *f == unit)?;
            fields.get(i.checked_sub(1)?)?.parse().ok()
        };
        let Some(ns) = value("ns/op") else {
            continue;
        };
        let rows = run.rows.entry(group.to_owned()).or_default();
        match rows.iter_mut().find(|r| r.name == name) {
            Some(row) if row.median_ns <= ns * factor => continue,
            Some(row) => row.median_ns = ns * factor,
            None => rows.push(Row {
                name: name.to_owned(),
                median_ns: ns * factor,
                elements: None,
            }),
        }
        if let (Some(a), Some(b)) = (value("allocs/op"), value("B/op")) {
            run.allocs
                .entry(group.to_owned())
                .or_default()
                .insert(name.to_owned(), (a, b));
        }
    }
    if run.rows.is_empty() {
        return Err(format!(
            "no Go benchmark result in `{}`: row skipped",
            path.display()
        ));
    }
    Ok(run)
}

/// The allocation counts of `name` in `group`: the mimalloc runs of a fresh contender make the
/// same requests as the system ones, and are counted under the system name.
fn allocs_of(allocs: &Allocs, group: &str, name: &str) -> Option<(f64, f64)> {
    let name = name.replacen("fresh_mimalloc_", "fresh_system_", 1);
    allocs.get(group)?.get(&name).copied()
}

/// What kind of contender a name is (see `benches/common/mod.rs`).
#[derive(PartialEq)]
enum Kind {
    Ours,
    FreshSystem,
    FreshMimalloc,
    Floor,
    /// Go's `sync.Pool` and Go's fresh allocation (`benches/go/`).
    Go,
    Other,
}

fn kind(name: &str) -> Kind {
    if name.starts_with("pool_core_") {
        Kind::Ours
    } else if name.starts_with("fresh_system") {
        Kind::FreshSystem
    } else if name.starts_with("fresh_mimalloc") {
        Kind::FreshMimalloc
    } else if name.starts_with("floor_") {
        Kind::Floor
    } else if name.starts_with("go_") {
        Kind::Go
    } else {
        Kind::Other
    }
}

/// The fastest row of a kind.
fn fastest(rows: &[Row], k: Kind) -> Option<&Row> {
    rows.iter().find(|r| kind(&r.name) == k)
}

fn find<'a>(rows: &'a [Row], name: &str) -> Option<&'a Row> {
    rows.iter().find(|r| r.name == name)
}

fn time(ns: f64) -> String {
    match ns {
        ns if ns >= 1e6 => format!("{:.2} ms", ns / 1e6),
        ns if ns >= 1e3 => format!("{:.2} µs", ns / 1e3),
        ns => format!("{ns:.1} ns"),
    }
}

/// One row of the targets table.
struct Target {
    what: String,
    measured: String,
    met: bool,
}

impl Target {
    /// "`a` is at least `want` times faster than `b`".
    fn speedup(what: &str, a: Option<&Row>, b: Option<&Row>, want: f64) -> Self {
        Self::speedup_or(what, a, b, want, "not measured")
    }

    /// [`Target::speedup`], with what to say when a row is missing.
    fn speedup_or(what: &str, a: Option<&Row>, b: Option<&Row>, want: f64, missing: &str) -> Self {
        match (a, b) {
            (Some(a), Some(b)) => {
                let x = b.median_ns / a.median_ns;
                Target {
                    what: what.to_owned(),
                    measured: format!(
                        "{x:.2}x (`{}` {} vs `{}` {})",
                        a.name,
                        time(a.median_ns),
                        b.name,
                        time(b.median_ns)
                    ),
                    met: x >= want,
                }
            }
            _ => Target {
                what: what.to_owned(),
                measured: missing.to_owned(),
                met: false,
            },
        }
    }

    /// "`name` in `group` allocates nothing per operation".
    fn zero_allocs(what: &str, allocs: &Allocs, group: &str, name: &str) -> Self {
        match allocs_of(allocs, group, name) {
            Some((a, b)) => Target {
                what: what.to_owned(),
                measured: format!("{a:.3} allocations, {b:.1} bytes per op (`{name}`)"),
                met: a == 0.0,
            },
            None => Target {
                what: what.to_owned(),
                measured: "not counted".to_owned(),
                met: false,
            },
        }
    }
}

/// `go_missing`: what to say for a Go row that is not there (Go not installed, not run).
fn targets(groups: &BTreeMap<String, Vec<Row>>, allocs: &Allocs, go_missing: &str) -> Vec<Target> {
    let empty = Vec::new();
    let g = |name: &str| groups.get(name).unwrap_or(&empty);
    let (ctx, json, read2, log) = (
        g("request_ctx"),
        g("json_encode"),
        g("read_buffers_2threads"),
        g("log_pipeline"),
    );
    let ours_ctx = find(ctx, "pool_core_Pool_RequestCtx");
    let ours_json = find(json, "pool_core_Pool");
    let ours_log = find(log, "pool_core_Pool");
    let (ops1, ops2, cross) = (
        g("pool_ops_1thread"),
        g("pool_ops_2threads"),
        g("pool_ops_cross_thread"),
    );
    let (pool1, pool2) = (find(ops1, "pool_core_Pool"), find(ops2, "pool_core_Pool"));
    let (local1, refcell1) = (
        find(ops1, "pool_core_LocalPool"),
        find(ops1, "floor_refcell_stack"),
    );
    let best_cross = [
        find(cross, "pool_core_Pool"),
        find(cross, "pool_core_Pool_get_owned"),
    ]
    .into_iter()
    .flatten()
    .min_by(|a, b| a.median_ns.total_cmp(&b.median_ns));
    vec![
        Target::speedup(
            "pool_ops 1 thread: `Pool` no slower than the fastest other pool crate",
            pool1,
            fastest(ops1, Kind::Other),
            1.0,
        ),
        Target::speedup(
            "pool_ops 1 thread: `Pool` within 1.2x of the thread-local floor",
            pool1,
            find(ops1, "floor_thread_local"),
            1.0 / 1.2,
        ),
        Target::speedup_or(
            "pool_ops 1 thread: `Pool` >= 1.5x faster than Go's `sync.Pool` (`benches/go`, same run)",
            pool1,
            find(ops1, "go_sync_Pool"),
            1.5,
            go_missing,
        ),
        Target::speedup(
            "pool_ops 1 thread: `Pool` >= 1.6x faster than every other thread-safe pool crate",
            pool1,
            fastest(ops1, Kind::Other),
            1.6,
        ),
        Target::speedup(
            "pool_ops 1 thread: `Pool` >= 2x faster than fresh mimalloc",
            pool1,
            find(ops1, "fresh_mimalloc"),
            2.0,
        ),
        Target::speedup(
            "pool_ops 1 thread: `Pool` within 2x of an owned `RefCell` stack",
            pool1,
            refcell1,
            0.5,
        ),
        Target::speedup(
            "pool_ops 1 thread: `LocalPool` within 1.5x of an owned `RefCell` stack",
            local1,
            refcell1,
            1.0 / 1.5,
        ),
        Target::speedup(
            "pool_ops 2 threads: per-thread time at most 1.3x `Pool`'s own 1-thread time",
            pool2,
            pool1,
            1.0 / 1.3,
        ),
        Target::speedup(
            "pool_ops 2 threads: `Pool` >= 1.8x faster than the fastest other pool crate",
            pool2,
            fastest(ops2, Kind::Other),
            1.8,
        ),
        Target::speedup_or(
            "(for reference) pool_ops 2 threads: `Pool` no slower than Go's `sync.Pool`, per op per thread",
            pool2,
            find(ops2, "go_sync_Pool"),
            1.0,
            go_missing,
        ),
        Target::speedup(
            "pool_ops cross-thread: `Pool` no slower than the fastest other pool crate",
            best_cross,
            fastest(cross, Kind::Other),
            1.0,
        ),
        Target::zero_allocs(
            "pool_ops cross-thread: 0 allocations per object when warm (`get_owned`)",
            allocs,
            "pool_ops_cross_thread",
            "pool_core_Pool_get_owned",
        ),
        Target::zero_allocs(
            "request_ctx: 0 allocations per request when warm",
            allocs,
            "request_ctx",
            "pool_core_Pool_RequestCtx",
        ),
        Target::speedup(
            "request_ctx: >= 1.5x faster than the fastest fresh (mimalloc)",
            ours_ctx,
            fastest(ctx, Kind::FreshMimalloc),
            1.5,
        ),
        Target::speedup(
            "request_ctx: >= 2.5x faster than the fastest fresh (system)",
            ours_ctx,
            fastest(ctx, Kind::FreshSystem),
            2.5,
        ),
        Target::speedup(
            "request_ctx: >= 1.5x faster than the fastest other pool",
            ours_ctx,
            fastest(ctx, Kind::Other),
            1.5,
        ),
        Target::speedup(
            "(for reference) request_ctx: the same, other pools holding `PlainRequestCtx` only",
            ours_ctx,
            ctx.iter()
                .find(|r| kind(&r.name) == Kind::Other && r.name.ends_with("_PlainRequestCtx")),
            1.5,
        ),
        Target::zero_allocs(
            "json_encode: 0 allocations per op",
            allocs,
            "json_encode",
            "pool_core_Pool",
        ),
        Target::speedup(
            "json_encode: >= 2.2x faster than a fresh `Vec::new()` (system)",
            ours_json,
            find(json, "fresh_system_Vec_new"),
            2.2,
        ),
        Target::speedup(
            "json_encode: no slower than `serde_json::to_vec` (system)",
            ours_json,
            find(json, "fresh_system_serde_json_to_vec"),
            1.0,
        ),
        Target::speedup(
            "json_encode: no slower than the fastest other pool",
            ours_json,
            fastest(json, Kind::Other),
            1.0,
        ),
        Target::zero_allocs(
            "read_buffers: 0 allocations when warm (BufferPool, 2 threads)",
            allocs,
            "read_buffers_2threads",
            "pool_core_BufferPool",
        ),
        Target::speedup(
            "read_buffers: >= 2x faster than zeropool, 2 threads",
            find(read2, "pool_core_BufferPool"),
            find(read2, "zeropool"),
            2.0,
        ),
        Target::zero_allocs(
            "log_pipeline: 0 allocations per line when warm",
            allocs,
            "log_pipeline",
            "pool_core_Pool",
        ),
        Target::speedup(
            "log_pipeline: lines/s >= 2x fresh `LogRecord::default()` (system)",
            ours_log,
            find(log, "fresh_system_LogRecord_default"),
            2.0,
        ),
    ]
}

/// `(name, version)` of the packages named in `Cargo.lock`.
fn lock_versions(lock: &str) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for package in lock.split("[[package]]") {
        let field = |key: &str| {
            package.lines().find_map(|l| {
                l.strip_prefix(key)?
                    .trim()
                    .strip_prefix('=')
                    .map(|v| v.trim().trim_matches('"').to_owned())
            })
        };
        if let (Some(name), Some(version)) = (field("name"), field("version")) {
            out.insert(name, version);
        }
    }
    out
}

/// The CPU's "model name" in `/proc/cpuinfo`.
fn cpu_model() -> String {
    std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines().find_map(|l| {
                Some(
                    l.strip_prefix("model name")?
                        .split_once(':')?
                        .1
                        .trim()
                        .to_owned(),
                )
            })
        })
        .unwrap_or_else(|| "unknown CPU".to_owned())
}

/// `go`: the Go version the `go_*` rows ran on, or why there are none.
fn machine(go: &str) -> String {
    let cpus = std::thread::available_parallelism().map_or(0, usize::from);
    let model = cpu_model();
    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".to_owned());
    let rustc = std::process::Command::new(rustc)
        .arg("--version")
        .output()
        .ok()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        .unwrap_or_else(|| "unknown rustc".to_owned());
    let load = std::fs::read_to_string("/proc/loadavg").map_or(String::new(), |s| {
        let l: Vec<&str> = s.split_whitespace().take(3).collect();
        format!(
            "- load average (1, 5, 15 min) when this report was written: {}; other processes shared the CPUs\n",
            l.join(" ")
        )
    });
    format!(
        "- CPU: {model}, {cpus} logical CPUs (`nproc`)\n- toolchain: {rustc}, `bench` profile\n\
         - Go (`benches/go`, the `go_*` rows of pool_ops): {go}\n{load}"
    )
}

/// The ratio columns of a table, where it has them (the `pool_ops` groups: issue 13 states its
/// targets as ratios).
#[derive(Clone, Copy, Default)]
struct Ratios<'a> {
    /// "`Pool` speed-up": this row's median / `Pool`'s median in the same group.
    ours: Option<&'a Row>,
    /// "2 threads / 1 thread": this row's per-thread median / the same contender's 1-thread one.
    one_thread: Option<&'a [Row]>,
}

/// The Markdown table of one group.
fn group_table(out: &mut String, group: &str, rows: &[Row], allocs: &Allocs, ratios: Ratios<'_>) {
    let Some(best) = rows.first() else {
        return;
    };
    let fresh = fastest(rows, Kind::FreshSystem);
    let throughput = rows.iter().any(|r| r.elements.is_some());
    let _ = writeln!(
        out,
        "| contender | median | vs fastest | speed-up vs fresh (system) |{}{}{} allocations/op | bytes/op |",
        if ratios.ours.is_some() {
            " `Pool` speed-up |"
        } else {
            ""
        },
        if ratios.one_thread.is_some() {
            " 2 threads / 1 thread |"
        } else {
            ""
        },
        if throughput { " lines/s |" } else { "" }
    );
    let _ = writeln!(
        out,
        "|---|--:|--:|--:|{}{}{}--:|--:|",
        if ratios.ours.is_some() { "--:|" } else { "" },
        if ratios.one_thread.is_some() {
            "--:|"
        } else {
            ""
        },
        if throughput { "--:|" } else { "" }
    );
    for row in rows {
        let vs_fresh = fresh.map_or("".to_owned(), |f| {
            format!("{:.2}x", f.median_ns / row.median_ns)
        });
        let vs_ours = ratios.ours.map_or(String::new(), |ours| {
            format!(" {:.2}x |", row.median_ns / ours.median_ns)
        });
        let per_thread = ratios.one_thread.map_or(String::new(), |one| {
            find(one, &row.name).map_or(" |".to_owned(), |one| {
                format!(" {:.2}x |", row.median_ns / one.median_ns)
            })
        });
        let lines = match row.elements {
            Some(n) => format!(" {:.2} M |", n / row.median_ns * 1e3),
            None if throughput => " |".to_owned(),
            None => String::new(),
        };
        let (a, b) = allocs_of(allocs, group, &row.name)
            .map_or(("".to_owned(), "".to_owned()), |(a, b)| {
                (format!("{a:.3}"), format!("{b:.0}"))
            });
        let bold = if kind(&row.name) == Kind::Ours {
            "**"
        } else {
            ""
        };
        let _ = writeln!(
            out,
            "| {bold}{}{bold} | {} | {:.2}x | {vs_fresh} |{vs_ours}{per_thread}{lines} {a} | {b} |",
            row.name,
            time(row.median_ns),
            row.median_ns / best.median_ns,
        );
    }
    if let Some(f) = fresh {
        let _ = writeln!(
            out,
            "\n\"vs fastest\": median / fastest median (1.00x is the fastest). \"speed-up vs fresh\": the median of `{}`, the fastest fresh-allocation contender under the system allocator, / this median.",
            f.name
        );
    }
    if let Some(ours) = ratios.ours {
        let _ = writeln!(
            out,
            "\"`Pool` speed-up\": this median / the median of `{}` (above 1.00x: `Pool` is faster).",
            ours.name
        );
    }
    if ratios.one_thread.is_some() {
        let _ = writeln!(
            out,
            "\"2 threads / 1 thread\": this time per operation per thread / the same contender's time in `pool_ops_1thread` (1.00x: no slower with two threads)."
        );
    }
}

/// Below a `pool_ops` table: what the `go_*` rows are, or why they are missing.
fn go_note(out: &mut String, group: &str, go: &Result<GoRun, String>) {
    let per_thread = if group == "pool_ops_2threads" {
        " Here they are `BenchmarkSyncPoolParallel` and `BenchmarkFreshParallel` under `-cpu 2`: \
         `b.RunParallel` runs two goroutines on one pool, and Go's ns/op is the wall time divided \
         by the operations of both, so the time per operation per thread shown is ns/op x 2."
    } else {
        " Here they are `BenchmarkSyncPool` and `BenchmarkFresh` under `-cpu 1`."
    };
    let _ = match go {
        Ok(run) => writeln!(
            out,
            "`go_*`: Go's `sync.Pool` of `*[]byte` (4 KiB) on the same operation, and a fresh `make` per \
             operation (zeroed, and freed by the GC) for reference: `benches/go/pool_test.go`, {}, the \
             lowest ns/op of the rounds (each a mean over `-benchtime`, not a median).{per_thread}",
            run.version
        ),
        Err(why) => writeln!(out, "`go_sync_Pool`: {why}."),
    };
}

fn main() {
    let write = std::env::args().any(|a| a == "--write");
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let target =
        std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| root.join("target"), PathBuf::from);
    let since = std::env::var("BENCH_REPORT_SINCE")
        .ok()
        .and_then(|s| s.parse::<u64>().ok())
        .map(|s| SystemTime::UNIX_EPOCH + Duration::from_secs(s));
    let mut groups = criterion_rows(&target.join("criterion"), since);
    let mut allocs = alloc_counts(&target.join("alloc_counts.json"));
    let go = go_run(&target.join("go_bench.txt"), since);
    if let Ok(run) = &go {
        for (group, rows) in &run.rows {
            let all = groups.entry(group.clone()).or_default();
            all.extend(rows.iter().cloned());
            all.sort_by(|a, b| a.median_ns.total_cmp(&b.median_ns));
        }
        for (group, counts) in &run.allocs {
            allocs
                .entry(group.clone())
                .or_default()
                .extend(counts.iter().map(|(k, v)| (k.clone(), *v)));
        }
    }
    let go_missing = go.as_ref().err().map_or("not measured", String::as_str);
    let go_version = match &go {
        Ok(run) => run.version.clone(),
        Err(why) => why.clone(),
    };
    let cpu = cpu_model();
    let versions =
        lock_versions(&std::fs::read_to_string(root.join("Cargo.lock")).unwrap_or_default());
    let command = std::env::var("BENCH_REPORT_COMMAND")
        .unwrap_or_else(|_| "./scripts/bench-report".to_owned());
    let criterion_args =
        std::env::var("BENCH_CRITERION_ARGS").unwrap_or_else(|_| "(criterion defaults)".to_owned());

    let mut out = String::new();
    let rounds = std::env::var("BENCH_ROUNDS").unwrap_or_else(|_| "1".to_owned());
    let _ = writeln!(out, "# Benchmarks\n");
    let _ = writeln!(
        out,
        "Generated by `{command}` (criterion arguments `{criterion_args}`); do not edit by hand.\n\n\
         **The claim is the ratios between contenders measured side by side in this one run, not the absolute times**, \
         which depend on the machine and on what else it was running. The suite runs every bench {rounds} \
         time(s) in a row and each figure is the lowest of those medians (other processes only ever slow a run \
         down); differences of a few percent are noise, and on this shared 2-vCPU machine a single median can \
         be off by much more. Allocations per operation are counted (not timed) by \
         `benches/alloc_counts.rs`, after a warm-up, over 1000 operations.\n"
    );
    let _ = writeln!(out, "## Machine and versions\n");
    out.push_str(&machine(&go_version));
    let list: Vec<String> = CRATES
        .iter()
        .filter_map(|c| Some(format!("{c} {}", versions.get(*c)?)))
        .collect();
    let _ = writeln!(out, "- crates (Cargo.lock): {}", list.join(", "));
    let _ = writeln!(
        out,
        "- contenders: `pool_core_*` this workspace; `fresh_system_*` / `fresh_mimalloc_*` a new value per \
         operation from the system allocator / mimalloc (a separate binary, `benches/workloads_mimalloc.rs`); \
         `floor_*` one value reset in place, no pool; the rest other pool crates, each with the same reset as ours.\n"
    );

    let _ = writeln!(out, "## Targets\n\nCPU: {cpu}.\n");
    let _ = writeln!(out, "| target | measured | met |\n|---|---|---|");
    for t in targets(&groups, &allocs, go_missing) {
        let _ = writeln!(
            out,
            "| {} | {} | {} |",
            t.what,
            t.measured,
            if t.met { "yes" } else { "**no**" }
        );
    }
    out.push('\n');

    let mut listed: Vec<&str> = GROUPS.iter().map(|(g, _)| *g).collect();
    listed.extend(
        groups
            .keys()
            .map(String::as_str)
            .filter(|g| !GROUPS.iter().any(|(k, _)| k == g)),
    );
    for group in listed {
        let Some(rows) = groups.get(group) else {
            continue;
        };
        let _ = writeln!(out, "## {group}\n");
        if let Some((_, what)) = GROUPS.iter().find(|(g, _)| *g == group) {
            let _ = writeln!(out, "One operation: {what}. CPU: {cpu}.\n");
        }
        let ratios = match group {
            "pool_ops_1thread" => Ratios {
                ours: find(rows, "pool_core_Pool"),
                one_thread: None,
            },
            "pool_ops_2threads" => Ratios {
                ours: find(rows, "pool_core_Pool"),
                one_thread: groups.get("pool_ops_1thread").map(Vec::as_slice),
            },
            _ => Ratios::default(),
        };
        group_table(&mut out, group, rows, &allocs, ratios);
        if matches!(group, "pool_ops_1thread" | "pool_ops_2threads") {
            go_note(&mut out, group, &go);
        }
        out.push('\n');
    }

    if write {
        let path = root.join("BENCHMARKS.md");
        std::fs::write(&path, &out).expect("writing BENCHMARKS.md");
        println!("written: {}", path.display());
    } else {
        print!("{out}");
    }
}
