//! `memory_over_time`: the retained bytes of a pool over time, after a burst, then nobody
//! touches it. Prints the markdown table of the guide's "Memory over time" section.
//!
//! The scenario, for each configuration: 50,000 requests on one thread (99% of 16 KiB, 1% of
//! 4 MiB bodies: the learned cut-off calibrates on them), then a burst in which 8 threads hold
//! 32 bodies each at once and give them back, then nothing. The threads stay alive and idle; the
//! pool is registered with the background trimmer (`background_trim(true)`), the only thing
//! left to age it. The timeout is shortened to 200 ms so that the run takes seconds; times are
//! in timeouts, and a 30 s default timeout scales the same way.
//!
//! ```text
//! cargo bench --bench memory_over_time
//! ```

use std::sync::{Arc, Barrier, mpsc};
use std::thread;
use std::time::{Duration, Instant};

use pool_core::{Pool, PoolBuilder, Poolable};

const TIMEOUT: Duration = Duration::from_millis(200);
const THREADS: usize = 8;
const HELD: usize = 32;
const SMALL: usize = 16 << 10;
const LARGE: usize = 4 << 20;
/// Samples, every half timeout from the end of the burst.
const SAMPLES: u32 = 7;

/// A message body sized by its request: a codec that allocates the size it needs.
struct Body(Vec<u8>);

impl Poolable for Body {
    fn reset(&mut self) {
        self.0.clear();
    }
    fn retained_bytes(&self) -> usize {
        self.0.capacity()
    }
}

fn size(i: usize) -> usize {
    if i.is_multiple_of(100) { LARGE } else { SMALL }
}

fn fill(body: &mut Body, n: usize) {
    if body.0.capacity() != n {
        body.0 = Vec::with_capacity(n);
    }
    body.0.push(1);
}

/// Runs the scenario; returns the retained bytes at each sample.
fn scenario(builder: PoolBuilder<Body>) -> Vec<u64> {
    let pool: Arc<Pool<Body>> = builder.background_trim(true).build_arc();
    for i in 1..=50_000 {
        fill(&mut pool.get(), size(i));
    }
    let burst = Arc::new(Barrier::new(THREADS + 1));
    let (stop, stopped) = mpsc::channel::<()>();
    let stopped = Arc::new(std::sync::Mutex::new(stopped));
    let threads: Vec<_> = (0..THREADS)
        .map(|t| {
            let (pool, burst, stopped) =
                (Arc::clone(&pool), Arc::clone(&burst), Arc::clone(&stopped));
            thread::spawn(move || {
                let held: Vec<_> = (0..HELD)
                    .map(|j| {
                        let mut body = pool.get();
                        fill(&mut body, size(t * HELD + j + 1));
                        body
                    })
                    .collect();
                burst.wait();
                drop(held);
                burst.wait();
                // Alive and idle until the end.
                let _ = stopped.lock().unwrap().recv();
            })
        })
        .collect();
    burst.wait();
    burst.wait();
    let start = Instant::now();
    let mut samples = Vec::new();
    for k in 0..SAMPLES {
        let at = TIMEOUT * k / 2;
        if let Some(wait) = at.checked_sub(start.elapsed()) {
            thread::sleep(wait);
        }
        samples.push(pool.stats().retained_bytes);
    }
    drop(stop);
    for t in threads {
        t.join().unwrap();
    }
    samples
}

fn body_pool() -> PoolBuilder<Body> {
    PoolBuilder::from_factory(|| Body(Vec::new())).idle_timeout(TIMEOUT)
}

fn main() {
    let columns = [
        ("aging off", body_pool().idle_timeout(Duration::MAX)),
        ("idle_timeout", body_pool()),
        (
            "+ max_idle_bytes(2 MiB)",
            body_pool().max_idle_bytes(2 << 20),
        ),
        ("+ auto cut-off", body_pool().auto_max_retained_bytes()),
    ];
    let (names, runs): (Vec<_>, Vec<_>) = columns
        .into_iter()
        .map(|(name, builder)| (name, scenario(builder)))
        .unzip();
    println!("| time after the burst | {} |", names.join(" | "));
    println!("|---|{}", "---:|".repeat(names.len()));
    for k in 0..SAMPLES as usize {
        let cells: Vec<String> = runs
            .iter()
            .map(|run| format!("{:.2} MiB", run[k] as f64 / f64::from(1 << 20)))
            .collect();
        println!("| {:.1} timeouts | {} |", k as f64 / 2.0, cells.join(" | "));
    }
}
