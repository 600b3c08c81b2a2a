//! Writes `BENCHMARKS.md` (and the figures of the README's "Benchmarks" section) from one run of
//! `scripts/bench-report`:
//! - `<target>/bench-report/interleaved.jsonl`: every contender's samples, one per round, from
//!   the interleaved harness (`benches/common/harness.rs`);
//! - `<target>/alloc_counts.json`: allocations and bytes per operation (`benches/alloc_counts.rs`);
//! - `<target>/bench-report/go.txt`: `go test -bench` output of `benches/go`, `-count <rounds>`.
//!
//! Every figure is a median over the rounds with its min and max. Every ratio reads "how many
//! times faster ours is" (above 1 ours is faster), with its range: from the other's min over
//! our max (the least favourable pairing) to the other's max over our min. Two contenders whose
//! ranges overlap are a tie, never a win. A target is met when the least favourable ratio
//! reaches it, missed when the most favourable one does not, and inside the spread otherwise:
//! each verdict follows from the numbers its row prints.
//!
//! Without `--write` the report goes to stdout and no file is touched.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use serde_json::Value;

/// One contender's samples (ns per operation, one per round).
#[derive(Clone, Debug)]
struct Fig {
    name: String,
    samples: Vec<f64>,
}

impl Fig {
    fn sorted(&self) -> Vec<f64> {
        let mut s = self.samples.clone();
        s.sort_by(f64::total_cmp);
        s
    }
    fn median(&self) -> f64 {
        let s = self.sorted();
        let n = s.len();
        if n % 2 == 1 {
            s[n / 2]
        } else {
            (s[n / 2 - 1] + s[n / 2]) / 2.0
        }
    }
    fn min(&self) -> f64 {
        self.sorted()[0]
    }
    fn max(&self) -> f64 {
        *self.sorted().last().expect("at least one sample")
    }
    /// `median [min–max]`.
    fn show(&self) -> String {
        format!(
            "{} [{}–{}]",
            time(self.median()),
            time(self.min()),
            time(self.max())
        )
    }
}

/// One group of the interleaved run.
#[derive(Default)]
struct Group {
    what: String,
    rows: Vec<Fig>,
}

/// How many times faster `ours` is than `other`: (median ratio, least favourable, most
/// favourable), rounded to the two decimals the report prints, so that every verdict follows
/// from the printed figures.
fn speedup(ours: &Fig, other: &Fig) -> (f64, f64, f64) {
    let r = |x: f64| (x * 100.0).round() / 100.0;
    (
        r(other.median() / ours.median()),
        r(other.min() / ours.max()),
        r(other.max() / ours.min()),
    )
}

/// win / tie / loss of `ours` against `other`, from their ranges.
fn verdict(ours: &Fig, other: &Fig) -> &'static str {
    let (_, lo, hi) = speedup(ours, other);
    if lo > 1.0 {
        "win"
    } else if hi < 1.0 {
        "**loss**"
    } else {
        "tie (ranges overlap)"
    }
}

fn ratio_text(r: (f64, f64, f64)) -> String {
    format!("{:.2}x ({:.2}–{:.2}x)", r.0, r.1, r.2)
}

fn time(ns: f64) -> String {
    match ns {
        ns if ns >= 1e6 => format!("{:.2} ms", ns / 1e6),
        ns if ns >= 1e3 => format!("{:.2} µs", ns / 1e3),
        ns if ns >= 100.0 => format!("{ns:.0} ns"),
        ns => format!("{ns:.1} ns"),
    }
}

fn read_json(path: &Path) -> Option<Value> {
    serde_json::from_str(&std::fs::read_to_string(path).ok()?).ok()
}

/// The groups of the interleaved run, in the order they first ran, each contender's samples
/// pooled over the processes.
fn interleaved(path: &Path) -> Vec<(String, Group)> {
    let mut groups: Vec<(String, Group)> = Vec::new();
    for line in std::fs::read_to_string(path).unwrap_or_default().lines() {
        let Ok(v) = serde_json::from_str::<Value>(line) else {
            continue;
        };
        let (Some(group), Some(name), Some(samples)) = (
            v["group"].as_str(),
            v["name"].as_str(),
            v["ns_per_op"].as_array(),
        ) else {
            continue;
        };
        let samples: Vec<f64> = samples.iter().filter_map(Value::as_f64).collect();
        if samples.is_empty() {
            continue;
        }
        let i = match groups.iter().position(|(g, _)| g == group) {
            Some(i) => i,
            None => {
                groups.push((group.to_owned(), Group::default()));
                groups.len() - 1
            }
        };
        let g = &mut groups[i].1;
        g.what = v["what"].as_str().unwrap_or_default().to_owned();
        // One line per contender and process: a contender's samples from every process are
        // pooled into one figure, so its range spans the processes' layouts too.
        match g.rows.iter_mut().find(|row| row.name == name) {
            Some(row) => row.samples.extend(samples),
            None => g.rows.push(Fig {
                name: name.to_owned(),
                samples,
            }),
        }
    }
    for (_, g) in &mut groups {
        g.rows.sort_by(|a, b| a.median().total_cmp(&b.median()));
    }
    groups
}

/// Allocations and bytes per operation, by group and contender.
type Allocs = BTreeMap<String, BTreeMap<String, (f64, f64)>>;

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

/// The allocation counts of `name` in `group` (a `_mimalloc` group and a `fresh_mimalloc_*`
/// contender make the same requests as their system twins, counted under those names).
fn allocs_of(allocs: &Allocs, group: &str, name: &str) -> Option<(f64, f64)> {
    let group = group.strip_suffix("_mimalloc").unwrap_or(group);
    let name = name.replacen("fresh_mimalloc_", "fresh_system_", 1);
    allocs.get(group)?.get(&name).copied()
}

/// Go's benchmarks: samples by benchmark name (as `go test` prints it, `-2` suffix under
/// `-cpu 2`), in ns per operation as Go reports it; and the Go version line.
struct GoRun {
    figs: BTreeMap<String, Fig>,
    allocs: BTreeMap<String, (f64, f64)>,
    version: String,
}

fn go_run(path: &Path) -> Result<GoRun, String> {
    let Ok(text) = std::fs::read_to_string(path) else {
        let on_path = std::process::Command::new("go")
            .arg("version")
            .output()
            .is_ok_and(|o| o.status.success());
        return Err(if on_path {
            "Go benchmarks not run in this run".to_owned()
        } else {
            "Go not installed (`apt-get install golang-go`), so no Go figures".to_owned()
        });
    };
    let mut run = GoRun {
        figs: BTreeMap::new(),
        allocs: BTreeMap::new(),
        version: text
            .lines()
            .find(|l| l.starts_with("go version"))
            .unwrap_or("go (unknown version)")
            .to_owned(),
    };
    for line in text.lines() {
        let fields: Vec<&str> = line.split_whitespace().collect();
        let Some(name) = fields.first().filter(|f| f.starts_with("Benchmark")) else {
            continue;
        };
        let value = |unit: &str| -> Option<f64> {
            let i = fields.iter().position(|f| *f == unit)?;
            fields.get(i.checked_sub(1)?)?.parse().ok()
        };
        let Some(ns) = value("ns/op") else { continue };
        run.figs
            .entry((*name).to_owned())
            .or_insert_with(|| Fig {
                name: (*name).to_owned(),
                samples: Vec::new(),
            })
            .samples
            .push(ns);
        if let (Some(a), Some(b)) = (value("allocs/op"), value("B/op")) {
            run.allocs.insert((*name).to_owned(), (a, b));
        }
    }
    if run.figs.is_empty() {
        return Err(format!("no Go result in `{}`", path.display()));
    }
    Ok(run)
}

/// A Go figure scaled to the time per operation per thread (`factor` 2 for `-cpu 2`'s
/// `RunParallel`, whose ns/op is the wall time over both goroutines' operations).
fn go_fig(go: &GoRun, bench: &str, factor: f64, name: &str) -> Option<Fig> {
    go.figs.get(bench).map(|f| Fig {
        name: name.to_owned(),
        samples: f.samples.iter().map(|s| s * factor).collect(),
    })
}

/// What kind of contender a name is (see `benches/common/mod.rs`).
#[derive(PartialEq, Clone, Copy)]
enum Kind {
    Ours,
    FreshSystem,
    FreshMimalloc,
    Floor,
    Handmade,
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
    } else if name.starts_with("handmade_") {
        Kind::Handmade
    } else {
        Kind::Other
    }
}

/// The reference row of a group's "ours is x times faster" column.
fn reference(group: &str) -> &'static str {
    match group.strip_suffix("_mimalloc").unwrap_or(group) {
        "request_ctx" => "pool_core_Pool_RequestCtx",
        "read_buffers_1thread" | "read_buffers_2threads" | "size_classes" => "pool_core_BufferPool",
        _ => "pool_core_Pool",
    }
}

/// One row of the targets table.
struct Target {
    what: String,
    measured: String,
    verdict: String,
    /// The row printed under this one (see [`bounded_target`]).
    ceiling: Option<Box<Target>>,
}

struct Ctx<'a> {
    groups: &'a [(String, Group)],
    allocs: &'a Allocs,
}

impl Ctx<'_> {
    fn group(&self, g: &str) -> &[Fig] {
        self.groups
            .iter()
            .find(|(n, _)| n == g)
            .map_or(&[], |(_, g)| g.rows.as_slice())
    }
    fn fig(&self, g: &str, name: &str) -> Option<Fig> {
        self.group(g).iter().find(|r| r.name == name).cloned()
    }
    /// The fastest (by median) of a kind, optionally restricted by name.
    fn fastest(&self, g: &str, k: Kind, filter: impl Fn(&str) -> bool) -> Option<Fig> {
        self.group(g)
            .iter()
            .find(|r| kind(&r.name) == k && filter(&r.name))
            .cloned()
    }
}

/// "`ours` is at least `want` times faster than `other`" (`want` < 1: "within 1/want").
fn speedup_target(what: &str, ours: Option<Fig>, other: Option<Fig>, want: f64) -> Target {
    match (ours, other) {
        (Some(a), Some(b)) => {
            let r = speedup(&a, &b);
            // The target as printed (two decimals), e.g. "within 1.1x" is 0.91x.
            let want = (want * 100.0_f64).round() / 100.0;
            let verdict = if r.1 >= want {
                "met".to_owned()
            } else if r.2 < want {
                "**not met**".to_owned()
            } else {
                "inside the spread".to_owned()
            };
            Target {
                what: what.to_owned(),
                measured: format!(
                    "`{}` {} vs `{}` {}: {}; needs {want:.2}x",
                    a.name,
                    a.show(),
                    b.name,
                    b.show(),
                    ratio_text(r)
                ),
                verdict,
                ceiling: None,
            }
        }
        _ => Target {
            what: what.to_owned(),
            measured: "not measured".to_owned(),
            verdict: "**not measured**".to_owned(),
            ceiling: None,
        },
    }
}

/// [`speedup_target`] with its ceiling under it: the same comparison with no pool at all on our
/// side (`floor`: one value cleared and reused), against the same `other` for the same `want`.
/// Every pool adds a get and a return to the floor's work, so where the ceiling is **not met**,
/// no pool can meet the target.
fn bounded_target(
    what: &str,
    ours: Option<Fig>,
    floor: Option<Fig>,
    other: Option<Fig>,
    want: f64,
) -> Target {
    let name = floor
        .as_ref()
        .map_or("the floor", |f| f.name.as_str())
        .to_owned();
    let ceiling = speedup_target(
        &format!("↳ ceiling of the row above: no pool at all (`{name}`) >= {want}x as fast"),
        floor,
        other.clone(),
        want,
    );
    Target {
        ceiling: Some(Box::new(ceiling)),
        ..speedup_target(what, ours, other, want)
    }
}

fn zero_allocs(what: &str, allocs: &Allocs, group: &str, name: &str) -> Target {
    match allocs_of(allocs, group, name) {
        Some((a, b)) => Target {
            what: what.to_owned(),
            measured: format!("{a:.3} allocations, {b:.1} bytes per op (`{name}`)"),
            verdict: if a == 0.0 { "met" } else { "**not met**" }.to_owned(),
            ceiling: None,
        },
        None => Target {
            what: what.to_owned(),
            measured: "not counted".to_owned(),
            verdict: "**not measured**".to_owned(),
            ceiling: None,
        },
    }
}

fn targets(c: &Ctx<'_>, go: Option<&GoRun>) -> Vec<Target> {
    let f = |g: &str, n: &str| c.fig(g, n);
    let other = |g: &str| c.fastest(g, Kind::Other, |_| true);
    let pool1 = f("pool_ops_1thread", "pool_core_Pool");
    let best_cross = [
        f("pool_ops_cross_thread", "pool_core_Pool"),
        f("pool_ops_cross_thread", "pool_core_Pool_get_owned"),
    ]
    .into_iter()
    .flatten()
    .min_by(|a, b| a.median().total_cmp(&b.median()));
    let mut t = vec![
        speedup_target(
            "pool_ops 1 thread: `Pool` within 1.1x of the owned `RefCell` stack (the floor)",
            pool1.clone(),
            f("pool_ops_1thread", "floor_refcell_stack"),
            1.0 / 1.1,
        ),
        speedup_target(
            "pool_ops 1 thread: `Pool` no slower than the fastest other pool crate",
            pool1.clone(),
            other("pool_ops_1thread"),
            1.0,
        ),
        speedup_target(
            "pool_ops 1 thread: `LocalPool` no slower than `Pool`",
            f("pool_ops_1thread", "pool_core_LocalPool"),
            pool1.clone(),
            1.0,
        ),
        speedup_target(
            "pool_ops 1 thread: `Pool` >= 2x faster than fresh mimalloc",
            pool1.clone(),
            f("pool_ops_1thread", "fresh_mimalloc"),
            2.0,
        ),
        speedup_target(
            "pool_ops 2 threads: `Pool`'s time per op per thread within 1.3x of its 1-thread time (two groups, not interleaved)",
            f("pool_ops_2threads", "pool_core_Pool"),
            pool1.clone(),
            1.0 / 1.3,
        ),
        speedup_target(
            "pool_ops 2 threads: `Pool` >= 1.8x faster than the fastest other pool crate",
            f("pool_ops_2threads", "pool_core_Pool"),
            other("pool_ops_2threads"),
            1.8,
        ),
        speedup_target(
            "pool_ops cross-thread: `Pool` no slower than the fastest other pool crate",
            best_cross,
            other("pool_ops_cross_thread"),
            1.0,
        ),
        zero_allocs(
            "pool_ops cross-thread: 0 allocations per object when warm (`get_owned`)",
            c.allocs,
            "pool_ops_cross_thread",
            "pool_core_Pool_get_owned",
        ),
        zero_allocs(
            "json_encode: 0 allocations per op",
            c.allocs,
            "json_encode",
            "pool_core_Pool",
        ),
        bounded_target(
            "json_encode: `Pool` >= 2.2x faster than a fresh `Vec::new()` (system)",
            f("json_encode", "pool_core_Pool"),
            f("json_encode", "floor_one_Vec_reused"),
            f("json_encode", "fresh_system_Vec_new"),
            2.2,
        ),
        bounded_target(
            "json_encode: `BufferPool` >= 1.3x faster than a fresh `Vec::with_capacity(256)` (system)",
            f("json_encode", "pool_core_BufferPool"),
            f("json_encode", "floor_one_Vec_reused"),
            f("json_encode", "fresh_system_Vec_with_capacity_256"),
            1.3,
        ),
        speedup_target(
            "json_encode: `LocalPool` no slower than `Pool`",
            f("json_encode", "pool_core_LocalPool"),
            f("json_encode", "pool_core_Pool"),
            1.0,
        ),
        speedup_target(
            "json_encode: `Pool` no slower than the fastest other pool",
            f("json_encode", "pool_core_Pool"),
            other("json_encode"),
            1.0,
        ),
        zero_allocs(
            "request_ctx: 0 allocations per request when warm",
            c.allocs,
            "request_ctx",
            "pool_core_Pool_RequestCtx",
        ),
        bounded_target(
            "request_ctx: >= 2.5x faster than the fastest fresh (system)",
            f("request_ctx", "pool_core_Pool_RequestCtx"),
            f("request_ctx", "floor_one_RequestCtx_reset_in_place"),
            c.fastest("request_ctx", Kind::FreshSystem, |_| true),
            2.5,
        ),
        speedup_target(
            "request_ctx: >= 1.5x faster than the fastest fresh (mimalloc; both under mimalloc)",
            f("request_ctx_mimalloc", "pool_core_Pool_RequestCtx"),
            c.fastest("request_ctx_mimalloc", Kind::FreshMimalloc, |_| true),
            1.5,
        ),
        bounded_target(
            "request_ctx: >= 1.5x faster than the fastest other pool",
            f("request_ctx", "pool_core_Pool_RequestCtx"),
            f("request_ctx", "floor_one_RequestCtx_reset_in_place"),
            other("request_ctx"),
            1.5,
        ),
        speedup_target(
            "request_ctx: `LocalPool` no slower than `Pool`",
            f("request_ctx", "pool_core_LocalPool_RequestCtx"),
            f("request_ctx", "pool_core_Pool_RequestCtx"),
            1.0,
        ),
        zero_allocs(
            "read_buffers: 0 allocations when warm (`BufferPool`, 2 threads)",
            c.allocs,
            "read_buffers_2threads",
            "pool_core_BufferPool",
        ),
        bounded_target(
            "read_buffers: `BufferPool` >= 2x faster than zeropool, 1 thread",
            f("read_buffers_1thread", "pool_core_BufferPool"),
            f("read_buffers_1thread", "floor_one_buffer_reused"),
            f("read_buffers_1thread", "zeropool"),
            2.0,
        ),
        speedup_target(
            "read_buffers: `BufferPool` >= 2x faster than zeropool, 2 threads",
            f("read_buffers_2threads", "pool_core_BufferPool"),
            f("read_buffers_2threads", "zeropool"),
            2.0,
        ),
        speedup_target(
            "read_buffers: `LocalPool` no slower than `Pool`, 1 thread",
            f("read_buffers_1thread", "pool_core_LocalPool"),
            f("read_buffers_1thread", "pool_core_Pool"),
            1.0,
        ),
        zero_allocs(
            "log_pipeline: 0 allocations per line when warm",
            c.allocs,
            "log_pipeline",
            "pool_core_Pool",
        ),
        bounded_target(
            "log_pipeline: >= 2x faster than a fresh `LogRecord::default()` (system)",
            f("log_pipeline", "pool_core_Pool"),
            f("log_pipeline", "floor_one_LogRecord_reset_in_place"),
            f("log_pipeline", "fresh_system_LogRecord_default"),
            2.0,
        ),
    ];
    let go_pool = go.and_then(|g| go_fig(g, "BenchmarkSyncPool", 1.0, "go_sync_Pool"));
    t.push(speedup_target(
        "pool_ops 1 thread: `Pool` >= 1.5x faster than Go's `sync.Pool` (separate processes, run one after the other)",
        pool1,
        go_pool,
        1.5,
    ));
    t
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

/// The CPU's "model name" in `/proc/cpuinfo`, with its family and model numbers: a cloud VM's
/// name is often only the brand ("AMD EPYC"), and the family tells its generation apart (AMD's
/// family 23 is Zen 1-2, 25 Zen 3-4, 26 Zen 5), which moves every figure here.
fn cpu_model() -> String {
    let Ok(info) = std::fs::read_to_string("/proc/cpuinfo") else {
        return "unknown CPU".to_owned();
    };
    let field = |key: &str| {
        info.lines().find_map(|l| {
            let (k, v) = l.split_once(':')?;
            (k.trim() == key).then(|| v.trim().to_owned())
        })
    };
    let name = field("model name").unwrap_or_else(|| "unknown CPU".to_owned());
    match (field("cpu family"), field("model")) {
        (Some(family), Some(model)) => format!("{name} (family {family}, model {model})"),
        _ => name,
    }
}

fn rustc_version() -> String {
    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".to_owned());
    std::process::Command::new(rustc)
        .arg("--version")
        .output()
        .ok()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        .unwrap_or_else(|| "unknown rustc".to_owned())
}

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

/// The machine's 2-thread floor of one check: (when, 1 thread, 2 threads, per-round ratios).
struct FloorCheck {
    when: String,
    one: Fig,
    two: Fig,
    ratio: Fig,
}

impl FloorCheck {
    fn disturbed(&self) -> bool {
        let r = self.ratio.median();
        !(1.0 / 1.1..=1.1).contains(&r)
    }
}

fn floor_checks(groups: &[(String, Group)]) -> Vec<FloorCheck> {
    groups
        .iter()
        .filter_map(|(name, g)| {
            let when = name.strip_prefix("machine_floor/")?;
            let one = g.rows.iter().find(|r| r.name == "1_thread")?.clone();
            let two = g.rows.iter().find(|r| r.name == "2_threads")?.clone();
            let ratio = Fig {
                name: "ratio".to_owned(),
                samples: one
                    .samples
                    .iter()
                    .zip(&two.samples)
                    .map(|(a, b)| b / a)
                    .collect(),
            };
            Some(FloorCheck {
                when: when.to_owned(),
                one,
                two,
                ratio,
            })
        })
        .collect()
}

/// The Markdown table of one group.
fn group_table(out: &mut String, group: &str, g: &Group, allocs: &Allocs) {
    let reference = reference(group);
    let ours = g.rows.iter().find(|r| r.name == reference);
    if ours.is_none() {
        // No contender of ours to compare with (settings of one pool, one operation's phases).
        let _ = writeln!(out, "| row | median [min–max] |\n|---|--:|");
        for row in &g.rows {
            let _ = writeln!(out, "| {} | {} |", row.name, row.show());
        }
        return;
    }
    let _ = writeln!(
        out,
        "| contender | median [min–max] | `{reference}` is x times faster: median (range) | verdict | allocations/op | bytes/op |\n|---|--:|--:|---|--:|--:|"
    );
    let mut notes = Vec::new();
    for row in &g.rows {
        let (ratio, verdict) = match ours {
            Some(o) if o.name != row.name => {
                let mut v = verdict(o, row).to_owned();
                if kind(&row.name) == Kind::Floor && v == "win" {
                    v.push_str(": **not a floor in this run**");
                    notes.push(row.name.clone());
                }
                (ratio_text(speedup(o, row)), v)
            }
            Some(_) => ("(reference)".to_owned(), String::new()),
            None => (String::new(), String::new()),
        };
        let (a, b) = allocs_of(allocs, group, &row.name)
            .map_or((String::new(), String::new()), |(a, b)| {
                (format!("{a:.3}"), format!("{b:.0}"))
            });
        let bold = if kind(&row.name) == Kind::Ours {
            "**"
        } else {
            ""
        };
        let _ = writeln!(
            out,
            "| {bold}{}{bold} | {} | {ratio} | {verdict} | {a} | {b} |",
            row.name,
            row.show()
        );
    }
    for n in notes {
        let _ = writeln!(
            out,
            "\n`{n}` is meant as a lower bound, yet `{reference}` beat it outside the spread: read it as a reference, not a floor."
        );
    }
}

/// The Go-beside-us rows: (workload, our group, our contender, Go pool bench, Go fresh bench,
/// factor to time per operation per thread).
const GO_ROWS: [(&str, &str, &str, &str, &str, f64); 6] = [
    (
        "get + write 64 B + put of a 4 KiB buffer, 1 thread",
        "pool_ops_1thread",
        "pool_core_Pool",
        "BenchmarkSyncPool",
        "BenchmarkFresh",
        1.0,
    ),
    (
        "the same, 2 threads on one pool (per op per thread)",
        "pool_ops_2threads",
        "pool_core_Pool",
        "BenchmarkSyncPoolParallel-2",
        "BenchmarkFreshParallel-2",
        2.0,
    ),
    (
        "JSON encode of the 82-byte object",
        "json_encode",
        "pool_core_Pool",
        "BenchmarkJSONEncodeSyncPool",
        "BenchmarkJSONEncodeFresh",
        1.0,
    ),
    (
        "request context (3 ids, 8 headers, 1 KiB body)",
        "request_ctx",
        "pool_core_Pool_RequestCtx",
        "BenchmarkRequestCtxSyncPool",
        "BenchmarkRequestCtxFresh",
        1.0,
    ),
    (
        "64 KiB read buffer, 16 KiB read, checksum",
        "read_buffers_1thread",
        "pool_core_BufferPool",
        "BenchmarkReadBuffersSyncPool",
        "BenchmarkReadBuffersFresh",
        1.0,
    ),
    (
        "size classes (1 KiB ... 1 MiB, cycling), 64 B written",
        "size_classes",
        "pool_core_BufferPool",
        "BenchmarkSizeClassesSyncPool",
        "BenchmarkSizeClassesFresh",
        1.0,
    ),
];

fn go_table(out: &mut String, c: &Ctx<'_>, go: &Result<GoRun, String>) {
    let _ = writeln!(out, "## Go beside us\n");
    let run = match go {
        Ok(run) => run,
        Err(why) => {
            let _ = writeln!(out, "{why}.\n");
            return;
        }
    };
    let _ = writeln!(
        out,
        "{}, `benches/go/*_test.go` (the seed's workloads, standard library only), one `go test` sample \
         per round (`-count`), each a mean over `-benchtime`. Go runs in its own process after the Rust \
         benches, so these pairs are **not interleaved**: read their verdicts with the machine-floor \
         checks above in mind. Go's request context stores its immutable strings by pointer where ours \
         copies the bytes (see `benches/go/workloads_test.go`).\n",
        run.version
    );
    let _ = writeln!(
        out,
        "| workload | ours: median [min–max] | Go `sync.Pool` | Go fresh | ours is x times faster than Go's `sync.Pool` | verdict | Go `sync.Pool` allocs/op |\n|---|--:|--:|--:|--:|---|--:|"
    );
    for (what, group, ours, pool, fresh, factor) in GO_ROWS {
        let ours = c.fig(group, ours);
        let gp = go_fig(run, pool, factor, "go_sync_Pool");
        let gf = go_fig(run, fresh, factor, "go_fresh");
        let show = |f: &Option<Fig>| f.as_ref().map_or("not run".to_owned(), Fig::show);
        let (ratio, v) = match (&ours, &gp) {
            (Some(o), Some(p)) => (ratio_text(speedup(o, p)), verdict(o, p).to_owned()),
            _ => (String::new(), String::new()),
        };
        let a = run
            .allocs
            .get(pool)
            .map_or(String::new(), |(a, _)| format!("{a:.0}"));
        let _ = writeln!(
            out,
            "| {what} (`{group}`, `{}`) | {} | {} | {} | {ratio} | {v} | {a} |",
            ours.as_ref().map_or("-", |o| o.name.as_str()),
            show(&ours),
            show(&gp),
            show(&gf)
        );
    }
    out.push('\n');
}

/// A line of the README: "`a` is x times faster than `b` (range; verdict)".
fn headline(c: &Ctx<'_>, group: &str, a: &str, b: &str) -> Option<String> {
    let (fa, fb) = (c.fig(group, a)?, c.fig(group, b)?);
    let r = speedup(&fa, &fb);
    Some(format!(
        "`{a}` {} vs `{b}` {}: {:.2}x faster ({:.2}–{:.2}x, {})",
        time(fa.median()),
        time(fb.median()),
        r.0,
        r.1,
        r.2,
        match verdict(&fa, &fb) {
            "win" => "win",
            "**loss**" => "loss",
            _ => "tie",
        }
    ))
}

fn readme_section(c: &Ctx<'_>, cpu: &str, samples: &str, floors: &[FloorCheck]) -> String {
    let disturbed = floors.iter().any(FloorCheck::disturbed);
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Figures from the committed `BENCHMARKS.md` (CPU: {cpu}; medians of {samples}; \
         \"x faster\" with its range, least to most favourable pairing; overlapping ranges are a tie){}:\n",
        if disturbed {
            "; **the run was disturbed** (the machine's own 2-thread floor was not within 1.1x of one thread), so its multi-thread figures say little"
        } else {
            ""
        }
    );
    let lines = [
        (
            "pool_ops 1 thread",
            headline(
                c,
                "pool_ops_1thread",
                "pool_core_Pool",
                "lockfree_LinearObjectPool",
            ),
        ),
        (
            "pool_ops 1 thread",
            headline(
                c,
                "pool_ops_1thread",
                "pool_core_Pool",
                "floor_refcell_stack",
            ),
        ),
        (
            "pool_ops 1 thread",
            headline(c, "pool_ops_1thread", "pool_core_Pool", "fresh_mimalloc"),
        ),
        (
            "pool_ops 2 threads",
            headline(
                c,
                "pool_ops_2threads",
                "pool_core_Pool",
                "lockfree_LinearObjectPool",
            ),
        ),
        (
            "pool_ops cross-thread",
            headline(
                c,
                "pool_ops_cross_thread",
                "pool_core_Pool_get_owned",
                "opool",
            ),
        ),
        (
            "json_encode",
            headline(c, "json_encode", "pool_core_Pool", "fresh_system_Vec_new"),
        ),
        (
            "json_encode",
            headline(
                c,
                "json_encode",
                "pool_core_BufferPool",
                "fresh_system_Vec_with_capacity_256",
            ),
        ),
        (
            "request_ctx",
            headline(
                c,
                "request_ctx",
                "pool_core_Pool_RequestCtx",
                "fresh_system_PlainRequestCtx_with_capacity",
            ),
        ),
        (
            "read_buffers 2 threads",
            headline(
                c,
                "read_buffers_2threads",
                "pool_core_BufferPool",
                "zeropool",
            ),
        ),
    ];
    for (what, line) in lines {
        if let Some(line) = line {
            let _ = writeln!(out, "- {what}: {line}");
        }
    }
    out
}

const README_BEGIN: &str =
    "<!-- bench-report:begin (written by scripts/bench-report; do not edit) -->";
const README_END: &str = "<!-- bench-report:end -->";

fn main() {
    let write = std::env::args().any(|a| a == "--write");
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let target =
        std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| root.join("target"), PathBuf::from);
    let dir = target.join("bench-report");
    let groups = interleaved(&dir.join("interleaved.jsonl"));
    let allocs = alloc_counts(&target.join("alloc_counts.json"));
    let go = go_run(&dir.join("go.txt"));
    let cpu = cpu_model();
    let cpus = std::thread::available_parallelism().map_or(0, usize::from);
    let versions =
        lock_versions(&std::fs::read_to_string(root.join("Cargo.lock")).unwrap_or_default());
    let command = std::env::var("BENCH_REPORT_COMMAND")
        .unwrap_or_else(|_| "./scripts/bench-report".to_owned());
    let rounds = std::env::var("BENCH_ROUNDS").unwrap_or_else(|_| "?".to_owned());
    let processes = std::env::var("BENCH_PROCESSES").unwrap_or_else(|_| "1".to_owned());
    let samples = format!("{processes} processes x {rounds} interleaved rounds");
    let sample_ms = std::env::var("BENCH_SAMPLE_MS").unwrap_or_else(|_| "?".to_owned());
    let floors = floor_checks(&groups);
    let disturbed = floors.iter().any(FloorCheck::disturbed);
    let c = Ctx {
        groups: &groups,
        allocs: &allocs,
    };

    let mut out = String::new();
    let _ = writeln!(out, "# Benchmarks\n");
    let _ = writeln!(
        out,
        "Generated by `{command}`; do not edit by hand.\n\n\
         **How to read it.** Within each group the contenders ran interleaved (A B C A B C ...) for {rounds} \
         rounds, one sample of about {sample_ms} ms each per round, so that a slow moment of a shared \
         machine falls on all of them alike, and each bench ran so in {processes} separate processes: a \
         process's address-space layout (where ASLR puts the stack, the heap and the thread-locals) \
         moves some contenders by 15% or more for as long as the process lives, which the rounds of \
         one process cannot show. Each figure is the **median** of its samples from every process \
         with its **[min–max]**. Every ratio reads \"how many times faster ours is\" (above 1.00x ours is faster), \
         with its range: from the other's min over our max (least favourable) to the other's max over our \
         min (most favourable). Ranges that overlap are a **tie**, never a win. A target is **met** when \
         its least favourable ratio reaches it, **not met** when its most favourable one does not, and \
         **inside the spread** otherwise. A **ceiling** row under a target runs the same comparison \
         with no pool at all on our side (one value cleared and reused: the workload's own work): every \
         pool adds a get and a return to it, so a target whose ceiling is **not met** is out of reach of \
         any pool, and says so. Allocations per operation are counted, not timed, by \
         `benches/alloc_counts.rs`. Instruction counts of the hot paths, the stable evidence on a \
         shared machine, are in `benches/instructions.baseline` (checked by `scripts/check-instructions`).\n"
    );
    let _ = writeln!(out, "## Machine and versions\n");
    let _ = writeln!(out, "- CPU: {cpu}, {cpus} logical CPUs");
    let _ = writeln!(out, "- toolchain: {}, `bench` profile", rustc_version());
    let _ = writeln!(
        out,
        "- Go: {}",
        go.as_ref()
            .map_or_else(|e| e.clone(), |g| g.version.clone())
    );
    if let Ok(l) = std::fs::read_to_string("/proc/loadavg") {
        let l: Vec<&str> = l.split_whitespace().take(3).collect();
        let _ = writeln!(
            out,
            "- load average (1, 5, 15 min) when the report was written: {}",
            l.join(" ")
        );
    }
    let list: Vec<String> = CRATES
        .iter()
        .filter_map(|c| Some(format!("{c} {}", versions.get(*c)?)))
        .collect();
    let _ = writeln!(out, "- crates (Cargo.lock): {}", list.join(", "));
    let _ = writeln!(
        out,
        "- contenders: `pool_core_*` this workspace; `fresh_system_*` / `fresh_mimalloc_*` a new value per \
         operation from the system allocator / mimalloc (the `*_mimalloc` groups run in a binary whose \
         global allocator is mimalloc, ours beside fresh mimalloc); `floor_*` a lower bound (one value \
         reset in place, or an owned stack: no pool); `handmade_*` a hand-rolled alternative that is not \
         a bound; the rest other pool crates, each with the same reset as ours.\n"
    );

    let _ = writeln!(out, "## The machine's own 2-thread floor\n");
    let _ = writeln!(
        out,
        "Before and after the multi-thread groups, one private loop (no memory shared) on one thread and \
         on two threads at once, interleaved. On a quiet 2-core machine the two run alike; when another \
         process holds a core, the two threads time-slice and the multi-thread groups measure the \
         scheduler, not the pools. A check whose median ratio is not within 1.1x marks the run \
         **disturbed**.\n"
    );
    if floors.is_empty() {
        let _ = writeln!(out, "Not measured in this run.\n");
    } else {
        let _ = writeln!(
            out,
            "| when | 1 thread | 2 threads (per op per thread) | 2 threads / 1 thread: median [min–max] | state |\n|---|--:|--:|--:|---|"
        );
        for f in &floors {
            let _ = writeln!(
                out,
                "| {} | {} | {} | {:.2}x [{:.2}–{:.2}x] | {} |",
                f.when,
                f.one.show(),
                f.two.show(),
                f.ratio.median(),
                f.ratio.min(),
                f.ratio.max(),
                if f.disturbed() {
                    "**disturbed**"
                } else {
                    "quiet"
                }
            );
        }
        let _ = writeln!(
            out,
            "\n{}\n",
            if disturbed {
                "**This run was disturbed**: its multi-thread figures (`*_2threads`, `pool_ops_cross_thread`, `pool_ops_trim_64x16`) depend on who else ran, and their verdicts are not evidence."
            } else {
                "The machine was quiet around the multi-thread groups."
            }
        );
    }

    let _ = writeln!(out, "## Targets\n\nCPU: {cpu}.\n");
    let _ = writeln!(
        out,
        "| target | measured: median [min–max], ours x times faster: median (range) | verdict |\n|---|---|---|"
    );
    for t in targets(&c, go.as_ref().ok()) {
        for t in std::iter::once(&t).chain(t.ceiling.as_deref()) {
            let _ = writeln!(out, "| {} | {} | {} |", t.what, t.measured, t.verdict);
        }
    }
    out.push('\n');

    go_table(&mut out, &c, &go);

    for (name, g) in &groups {
        if name.starts_with("machine_floor/") {
            continue;
        }
        let _ = writeln!(out, "## {name}\n");
        let _ = writeln!(out, "One figure: {}. CPU: {cpu}.\n", g.what);
        if disturbed
            && (name.contains("2threads") || name.contains("cross_thread") || name.contains("trim"))
        {
            let _ = writeln!(
                out,
                "**Disturbed run**: see the machine's 2-thread floor above.\n"
            );
        }
        group_table(&mut out, name, g, &allocs);
        out.push('\n');
    }

    let readme = readme_section(&c, &cpu, &samples, &floors);
    if write {
        let path = root.join("BENCHMARKS.md");
        std::fs::write(&path, &out).expect("writing BENCHMARKS.md");
        println!("written: {}", path.display());
        let readme_path = root.join("README.md");
        let text = std::fs::read_to_string(&readme_path).expect("reading README.md");
        match (text.find(README_BEGIN), text.find(README_END)) {
            (Some(b), Some(e)) if b < e => {
                let new = format!("{}{README_BEGIN}\n{readme}{}", &text[..b], &text[e..]);
                std::fs::write(&readme_path, new).expect("writing README.md");
                println!(
                    "written: {} (its bench-report section)",
                    readme_path.display()
                );
            }
            _ => eprintln!("README.md has no bench-report markers: its figures were not updated"),
        }
    } else {
        print!("{out}\n---- README section ----\n{readme}");
    }
}
