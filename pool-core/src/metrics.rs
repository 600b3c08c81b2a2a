//! Feature `metrics`: a pool's [`Stats`] published through the [`metrics`] facade.
//!
//! Every field of [`Stats`] has a series; the guide's "On a dashboard" section
//! ([`crate::guide`]) lists them, field by field: keep it in step. `publish` destructures `Stats`
//! exhaustively and a test sets each field to a value of its own, so a field added without a
//! series does not compile here.
//!
//! A [`Registration`] holds the pool's name and, from its first publish on, the handles of its
//! series. Publishing reads nothing but a [`Stats`] snapshot the caller has summed, so the hit
//! path keeps its per-thread counters and writes no shared metric: the figures refresh when the
//! pool publishes (see [`PoolBuilder::metrics`](crate::PoolBuilder::metrics) for when), not on
//! each get and put.

use std::sync::OnceLock;

use metrics::{Counter, Gauge, Label, Unit};

use crate::{Creations, Discards, Stats};

/// Every series' name, kind, reason label, unit and help text: the contract with dashboards
/// (the list in [`PoolBuilder::metrics`](crate::PoolBuilder::metrics) repeats it).
mod names {
    pub(super) const GETS: &str = "pool_gets_total";
    pub(super) const REUSES: &str = "pool_reuses_total";
    pub(super) const CREATIONS: &str = "pool_creations_total";
    pub(super) const FACTORY_PANICS: &str = "pool_factory_panics_total";
    pub(super) const RETURNS: &str = "pool_returns_total";
    pub(super) const PUTS: &str = "pool_puts_total";
    pub(super) const IN_USE: &str = "pool_in_use_objects";
    pub(super) const DISCARDS: &str = "pool_discards_total";
    pub(super) const DETACHED: &str = "pool_detached_total";
    pub(super) const RELEASES: &str = "pool_releases_total";
    pub(super) const IDLE: &str = "pool_idle_objects";
    pub(super) const RETAINED_BYTES: &str = "pool_retained_bytes";
    pub(super) const THREAD_CACHES: &str = "pool_thread_caches";
    pub(super) const MAX_RETAINED_BYTES: &str = "pool_max_retained_bytes";
    pub(super) const UNPOOLED_GETS: &str = "pool_buffer_unpooled_gets_total";
    pub(super) const REFUSED_GETS: &str = "pool_buffer_refused_gets_total";
}

/// A registered pool: its labels, and its handles once taken from the recorder.
pub(crate) struct Registration {
    /// `pool = name`, and `class = size` for a `BufferPool`'s class.
    labels: Vec<Label>,
    /// Taken on the first publish, from the recorder installed then (the `metrics` handles of a
    /// pool built before the recorder was installed would be no-ops forever).
    handles: OnceLock<Handles>,
}

/// The handles of one pool's (or one class's) series.
struct Handles {
    gets: Counter,
    reuses: Counter,
    created_empty: Counter,
    created_out_of_reach: Counter,
    created_prefill: Counter,
    factory_panics: Counter,
    returns: Counter,
    puts: Counter,
    in_use: Gauge,
    discarded_over_idle_bound: Counter,
    discarded_oversized: Counter,
    discarded_reset_panicked: Counter,
    discarded_over_idle_bytes: Counter,
    detached: Counter,
    released_trimmed: Counter,
    released_aged: Counter,
    released_pool_dropped: Counter,
    idle: Gauge,
    retained_bytes: Gauge,
    thread_caches: Gauge,
    max_retained_bytes: Gauge,
}

impl Registration {
    /// A pool named `name`.
    pub(crate) fn new(name: String) -> Self {
        Self {
            labels: vec![Label::new("pool", name)],
            handles: OnceLock::new(),
        }
    }

    /// The class of `size` bytes of the buffer pool named `name`.
    pub(crate) fn class(name: &str, size: usize) -> Self {
        Self {
            labels: vec![
                Label::new("pool", name.to_owned()),
                Label::new("class", size.to_string()),
            ],
            handles: OnceLock::new(),
        }
    }

    /// The pool's name.
    pub(crate) fn name(&self) -> &str {
        self.labels[0].value()
    }

    /// Publishes `stats`: counters as absolute values, gauges set.
    pub(crate) fn publish(&self, stats: &Stats) {
        let h = self.handles();
        // Exhaustive on purpose: a field added to `Stats` does not compile here until it has a
        // series (and a line in the module's table).
        let Stats {
            gets,
            reuses,
            creations: _, // the sum of the three `pool_creations_total` reasons
            creation_reasons:
                Creations {
                    empty,
                    out_of_reach,
                },
            prefilled,
            factory_panicked,
            returns,
            puts,
            in_use,
            discards:
                Discards {
                    over_idle_bound,
                    oversized,
                    reset_panicked,
                    over_idle_bytes,
                },
            detached,
            trimmed,
            aged,
            idle,
            thread_caches,
            retained_bytes,
            max_retained_bytes,
        } = *stats;
        h.gets.absolute(gets);
        h.reuses.absolute(reuses);
        h.created_empty.absolute(empty);
        h.created_out_of_reach.absolute(out_of_reach);
        h.created_prefill.absolute(prefilled);
        h.factory_panics.absolute(factory_panicked);
        h.returns.absolute(returns);
        h.puts.absolute(puts);
        h.in_use.set(in_use as f64);
        h.discarded_over_idle_bound.absolute(over_idle_bound);
        h.discarded_oversized.absolute(oversized);
        h.discarded_reset_panicked.absolute(reset_panicked);
        h.discarded_over_idle_bytes.absolute(over_idle_bytes);
        h.detached.absolute(detached);
        h.released_trimmed.absolute(trimmed);
        h.released_aged.absolute(aged);
        h.idle.set(idle as f64);
        h.retained_bytes.set(retained_bytes as f64);
        h.thread_caches.set(thread_caches as f64);
        h.max_retained_bytes.set(max_retained_bytes as f64);
    }

    /// The pool's last publish, from its drop: `stats` taken just before it released its
    /// `stats.idle` objects, which count as released with the pool; the gauges go to 0.
    pub(crate) fn publish_dropped(&self, stats: &Stats) {
        self.publish(&Stats {
            idle: 0,
            retained_bytes: 0,
            thread_caches: 0,
            ..*stats
        });
        self.handles().released_pool_dropped.absolute(stats.idle);
    }

    fn handles(&self) -> &Handles {
        self.handles.get_or_init(|| Handles::register(&self.labels))
    }
}

impl Handles {
    /// Describes every series and registers this pool's, with the recorder installed now.
    fn register(labels: &[Label]) -> Self {
        describe();
        let counter = |name: &'static str| metrics::counter!(name, labels.iter());
        let with_reason = |name: &'static str, reason: &'static str| {
            let mut labels = labels.to_vec();
            labels.push(Label::new("reason", reason));
            metrics::counter!(name, labels)
        };
        let gauge = |name: &'static str| metrics::gauge!(name, labels.iter());
        Self {
            gets: counter(names::GETS),
            reuses: counter(names::REUSES),
            created_empty: with_reason(names::CREATIONS, "empty"),
            created_out_of_reach: with_reason(names::CREATIONS, "out_of_reach"),
            created_prefill: with_reason(names::CREATIONS, "prefill"),
            factory_panics: counter(names::FACTORY_PANICS),
            returns: counter(names::RETURNS),
            puts: counter(names::PUTS),
            in_use: gauge(names::IN_USE),
            discarded_over_idle_bound: with_reason(names::DISCARDS, "over_idle_bound"),
            discarded_oversized: with_reason(names::DISCARDS, "oversized"),
            discarded_reset_panicked: with_reason(names::DISCARDS, "reset_panicked"),
            discarded_over_idle_bytes: with_reason(names::DISCARDS, "over_idle_bytes"),
            detached: counter(names::DETACHED),
            released_trimmed: with_reason(names::RELEASES, "trimmed"),
            released_aged: with_reason(names::RELEASES, "aged"),
            released_pool_dropped: with_reason(names::RELEASES, "pool_dropped"),
            idle: gauge(names::IDLE),
            retained_bytes: gauge(names::RETAINED_BYTES),
            thread_caches: gauge(names::THREAD_CACHES),
            max_retained_bytes: gauge(names::MAX_RETAINED_BYTES),
        }
    }
}

/// The series a `BufferPool` adds to its classes': the gets no class serves.
pub(crate) struct BufferRegistration {
    /// One per class, smallest first.
    pub(crate) classes: Vec<Registration>,
    /// `pool = name`.
    labels: Vec<Label>,
    handles: OnceLock<(Counter, Counter)>,
}

impl BufferRegistration {
    /// The buffer pool named `name`, with classes of `sizes` bytes.
    pub(crate) fn new(name: String, sizes: impl IntoIterator<Item = usize>) -> Self {
        Self {
            classes: sizes
                .into_iter()
                .map(|size| Registration::class(&name, size))
                .collect(),
            labels: vec![Label::new("pool", name)],
            handles: OnceLock::new(),
        }
    }

    /// Publishes the gets above the largest class (`unpooled`) and the refused ones.
    pub(crate) fn publish_unclassed(&self, unpooled: u64, refused: u64) {
        let (unpooled_gets, refused_gets) = self.handles.get_or_init(|| {
            describe();
            (
                metrics::counter!(names::UNPOOLED_GETS, self.labels.iter()),
                metrics::counter!(names::REFUSED_GETS, self.labels.iter()),
            )
        });
        unpooled_gets.absolute(unpooled);
        refused_gets.absolute(refused);
    }
}

/// Describes every series to the recorder (its `# HELP` lines).
fn describe() {
    use metrics::{describe_counter, describe_gauge};
    use names::*;
    describe_counter!(GETS, Unit::Count, "Objects handed out by the pool");
    describe_counter!(REUSES, Unit::Count, "Gets served by an idle object");
    describe_counter!(
        CREATIONS,
        Unit::Count,
        "Objects the factory made, by reason: empty (a get found nothing idle anywhere), \
         out_of_reach (a get did not search some thread caches), prefill (made ahead of any get)"
    );
    describe_counter!(FACTORY_PANICS, Unit::Count, "Factory calls that panicked");
    describe_counter!(
        RETURNS,
        Unit::Count,
        "Objects offered back (guards dropped, put)"
    );
    describe_counter!(
        PUTS,
        Unit::Count,
        "Objects offered with put (not created by the pool; counted in returns too)"
    );
    describe_gauge!(
        IN_USE,
        Unit::Count,
        "Objects handed out and not yet given back or detached"
    );
    describe_counter!(
        DISCARDS,
        Unit::Count,
        "Returned objects dropped instead of kept, by reason: over_idle_bound, oversized, \
         reset_panicked, over_idle_bytes"
    );
    describe_counter!(
        DETACHED,
        Unit::Count,
        "Objects taken out of the pool for good"
    );
    describe_counter!(
        RELEASES,
        Unit::Count,
        "Idle objects the pool let go of, by reason: trimmed, aged (idle_timeout), pool_dropped"
    );
    describe_gauge!(IDLE, Unit::Count, "Idle objects held now");
    describe_gauge!(
        RETAINED_BYTES,
        Unit::Bytes,
        "Heap bytes the idle objects keep"
    );
    describe_gauge!(
        THREAD_CACHES,
        Unit::Count,
        "Per-thread caches the pool holds"
    );
    describe_gauge!(
        MAX_RETAINED_BYTES,
        Unit::Bytes,
        "Per-object byte limit in force (0: none)"
    );
    describe_counter!(
        UNPOOLED_GETS,
        Unit::Count,
        "Buffer gets above the largest class, served fresh"
    );
    describe_counter!(
        REFUSED_GETS,
        Unit::Count,
        "Buffer gets refused (above max_buffer, or the allocator failed)"
    );
}

#[cfg(test)]
pub(crate) mod tests {
    //! A recorder that keeps every series' value, for the tests of this crate.

    use std::collections::BTreeMap;
    use std::sync::atomic::{AtomicU64, Ordering};
    use std::sync::{Arc, Mutex};

    use metrics::{
        Counter, Gauge, Histogram, Key, KeyName, Metadata, Recorder, SharedString, Unit,
    };

    /// Series by `name{label=value,...}` (labels in their order), each value as an `u64` (a
    /// gauge's `f64` bits are read back by [`Capture::gauge`]).
    #[derive(Default)]
    pub(crate) struct Capture {
        series: Mutex<BTreeMap<String, Arc<AtomicU64>>>,
    }

    impl Capture {
        fn cell(&self, key: &Key) -> Arc<AtomicU64> {
            let labels: Vec<String> = key
                .labels()
                .map(|l| format!("{}={}", l.key(), l.value()))
                .collect();
            let id = format!("{}{{{}}}", key.name(), labels.join(","));
            let mut series = self.series.lock().unwrap();
            Arc::clone(series.entry(id).or_default())
        }

        /// The counter `id` (`name{label=value,...}`), or `None` if it was never registered.
        pub(crate) fn counter(&self, id: &str) -> Option<u64> {
            let series = self.series.lock().unwrap();
            series.get(id).map(|v| v.load(Ordering::Relaxed))
        }

        /// The gauge `id`, or `None`.
        pub(crate) fn gauge(&self, id: &str) -> Option<f64> {
            self.counter(id).map(f64::from_bits)
        }

        /// How many series were registered.
        pub(crate) fn len(&self) -> usize {
            self.series.lock().unwrap().len()
        }
    }

    impl Recorder for Capture {
        fn describe_counter(&self, _: KeyName, _: Option<Unit>, _: SharedString) {}
        fn describe_gauge(&self, _: KeyName, _: Option<Unit>, _: SharedString) {}
        fn describe_histogram(&self, _: KeyName, _: Option<Unit>, _: SharedString) {}
        fn register_counter(&self, key: &Key, _: &Metadata<'_>) -> Counter {
            Counter::from_arc(self.cell(key))
        }
        fn register_gauge(&self, key: &Key, _: &Metadata<'_>) -> Gauge {
            Gauge::from_arc(self.cell(key))
        }
        fn register_histogram(&self, _: &Key, _: &Metadata<'_>) -> Histogram {
            Histogram::noop()
        }
    }
}

#[cfg(test)]
mod publish {
    use super::Registration;
    use super::tests::Capture;
    use crate::{BufferPool, Creations, Discards, Pool, Poolable, Stats};

    /// Each field of `Stats` (a struct literal: a new field does not compile until it is listed
    /// here) set to a value of its own, published, and read back from its series.
    #[test]
    fn every_stats_field_has_its_own_series() {
        let stats = Stats {
            gets: 1,
            reuses: 2,
            creations: 3 + 4 + 5,
            creation_reasons: Creations {
                empty: 3,
                out_of_reach: 4,
            },
            prefilled: 5,
            factory_panicked: 6,
            returns: 7,
            puts: 8,
            in_use: 9,
            discards: Discards {
                over_idle_bound: 10,
                oversized: 11,
                reset_panicked: 12,
                over_idle_bytes: 13,
            },
            detached: 14,
            trimmed: 15,
            aged: 16,
            idle: 17,
            thread_caches: 18,
            retained_bytes: 19,
            max_retained_bytes: 20,
        };
        let capture = Capture::default();
        let registration = Registration::new("all".into());
        metrics::with_local_recorder(&capture, || registration.publish(&stats));
        let counters = [
            ("pool_gets_total{pool=all}", stats.gets),
            ("pool_reuses_total{pool=all}", stats.reuses),
            (
                "pool_creations_total{pool=all,reason=empty}",
                stats.creation_reasons.empty,
            ),
            (
                "pool_creations_total{pool=all,reason=out_of_reach}",
                stats.creation_reasons.out_of_reach,
            ),
            (
                "pool_creations_total{pool=all,reason=prefill}",
                stats.prefilled,
            ),
            (
                "pool_factory_panics_total{pool=all}",
                stats.factory_panicked,
            ),
            ("pool_returns_total{pool=all}", stats.returns),
            ("pool_puts_total{pool=all}", stats.puts),
            (
                "pool_discards_total{pool=all,reason=over_idle_bound}",
                stats.discards.over_idle_bound,
            ),
            (
                "pool_discards_total{pool=all,reason=oversized}",
                stats.discards.oversized,
            ),
            (
                "pool_discards_total{pool=all,reason=reset_panicked}",
                stats.discards.reset_panicked,
            ),
            (
                "pool_discards_total{pool=all,reason=over_idle_bytes}",
                stats.discards.over_idle_bytes,
            ),
            ("pool_detached_total{pool=all}", stats.detached),
            (
                "pool_releases_total{pool=all,reason=trimmed}",
                stats.trimmed,
            ),
            ("pool_releases_total{pool=all,reason=aged}", stats.aged),
        ];
        for (id, value) in counters {
            assert_eq!(capture.counter(id), Some(value), "{id}");
        }
        let creations: u64 = ["empty", "out_of_reach", "prefill"]
            .iter()
            .map(|r| {
                capture
                    .counter(&format!("pool_creations_total{{pool=all,reason={r}}}"))
                    .unwrap()
            })
            .sum();
        assert_eq!(creations, stats.creations);
        let gauges = [
            ("pool_in_use_objects{pool=all}", stats.in_use),
            ("pool_idle_objects{pool=all}", stats.idle),
            ("pool_thread_caches{pool=all}", stats.thread_caches),
            ("pool_retained_bytes{pool=all}", stats.retained_bytes),
            (
                "pool_max_retained_bytes{pool=all}",
                stats.max_retained_bytes,
            ),
        ];
        for (id, value) in gauges {
            assert_eq!(capture.gauge(id), Some(value as f64), "{id}");
        }
        // 20 fields with a series of their own (`creations` is their sum), and the release
        // reason of the pool's drop, registered with the others.
        assert_eq!(counters.len() + gauges.len(), 20);
        assert_eq!(capture.len(), 21);
    }

    /// A `Vec<u8>` whose reset panics once it holds the byte 0xFF.
    #[derive(Default)]
    struct Fragile(Vec<u8>);

    impl Poolable for Fragile {
        fn reset(&mut self) {
            assert!(!self.0.contains(&0xFF), "poisoned");
            self.0.clear();
        }
        fn retained_bytes(&self) -> usize {
            self.0.capacity()
        }
    }

    #[test]
    fn a_publish_sets_every_series_of_the_pool_with_its_label() {
        let capture = Capture::default();
        let pool: Pool<Fragile> = Pool::builder()
            .max_retained_bytes(1024)
            .metrics("ctx")
            .build();
        let (a, b, c) = (pool.get(), pool.get(), pool.get());
        drop(a);
        let mut b = b;
        b.0.reserve(4096); // oversized on return
        drop(b);
        let mut c = c;
        c.0.push(0xFF); // its reset panics
        drop(c); // prints the caught panic's message
        let mut d = pool.get(); // the one idle object: a reuse
        d.0.reserve(100);
        drop(d);
        crate::Pooled::detach(pool.get());
        pool.get().0.reserve(10);
        assert_eq!(capture.len(), 0, "nothing is recorded before a publish");

        metrics::with_local_recorder(&capture, || pool.publish_metrics());
        let s = pool.stats();
        let counter = |id: &str| capture.counter(id).unwrap_or_else(|| panic!("no {id}"));
        assert_eq!(counter("pool_gets_total{pool=ctx}"), s.gets);
        assert_eq!(s.gets, 6);
        assert_eq!(counter("pool_reuses_total{pool=ctx}"), 2);
        assert_eq!(counter("pool_creations_total{pool=ctx,reason=empty}"), 4);
        assert_eq!(
            counter("pool_creations_total{pool=ctx,reason=out_of_reach}"),
            0
        );
        assert_eq!(counter("pool_returns_total{pool=ctx}"), 5);
        assert_eq!(counter("pool_discards_total{pool=ctx,reason=oversized}"), 1);
        assert_eq!(
            counter("pool_discards_total{pool=ctx,reason=reset_panicked}"),
            1
        );
        assert_eq!(
            counter("pool_discards_total{pool=ctx,reason=over_idle_bound}"),
            0
        );
        assert_eq!(counter("pool_detached_total{pool=ctx}"), 1);
        assert_eq!(counter("pool_releases_total{pool=ctx,reason=trimmed}"), 0);
        assert_eq!(counter("pool_factory_panics_total{pool=ctx}"), 0);
        let gauge = |id: &str| capture.gauge(id).unwrap_or_else(|| panic!("no {id}"));
        assert_eq!(gauge("pool_idle_objects{pool=ctx}"), 1.0);
        assert_eq!(
            gauge("pool_retained_bytes{pool=ctx}"),
            s.retained_bytes as f64
        );
        assert!(s.retained_bytes >= 10);
        assert_eq!(gauge("pool_thread_caches{pool=ctx}"), 1.0);
    }

    #[test]
    fn trim_and_the_drop_publish_and_the_drop_counts_what_it_released() {
        let capture = Capture::default();
        let pool: Pool<Vec<u8>> = Pool::builder().metrics("bufs").build();
        metrics::with_local_recorder(&capture, || pool.publish_metrics());
        let gets = || capture.counter("pool_gets_total{pool=bufs}").unwrap();
        assert_eq!(gets(), 0);
        let guards: Vec<_> = (0..3).map(|_| pool.get()).collect();
        drop(guards);
        assert_eq!(gets(), 0, "figures refresh on a publish, not on get");
        pool.trim();
        assert_eq!(gets(), 3, "trim publishes");
        assert_eq!(capture.gauge("pool_idle_objects{pool=bufs}"), Some(3.0));
        pool.trim(); // releases the 3
        let trimmed = "pool_releases_total{pool=bufs,reason=trimmed}";
        assert_eq!(capture.counter(trimmed), Some(3));
        drop(pool.get());
        drop(pool.get());
        drop(pool);
        assert_eq!(gets(), 5, "the drop publishes the last figures");
        let dropped = "pool_releases_total{pool=bufs,reason=pool_dropped}";
        assert_eq!(capture.counter(dropped), Some(1));
        assert_eq!(capture.gauge("pool_idle_objects{pool=bufs}"), Some(0.0));
        assert_eq!(capture.gauge("pool_retained_bytes{pool=bufs}"), Some(0.0));
        assert_eq!(capture.gauge("pool_thread_caches{pool=bufs}"), Some(0.0));
    }

    #[test]
    fn a_local_pool_built_with_a_name_publishes_too() {
        let capture = Capture::default();
        let pool = crate::LocalPool::<Vec<u8>>::builder()
            .metrics("scratch")
            .build();
        drop(pool.get());
        drop(pool.get());
        metrics::with_local_recorder(&capture, || pool.publish_metrics());
        assert_eq!(capture.counter("pool_gets_total{pool=scratch}"), Some(2));
        assert_eq!(capture.counter("pool_reuses_total{pool=scratch}"), Some(1));
        assert_eq!(capture.gauge("pool_idle_objects{pool=scratch}"), Some(1.0));
        pool.trim();
        pool.trim();
        let trimmed = "pool_releases_total{pool=scratch,reason=trimmed}";
        assert_eq!(capture.counter(trimmed), Some(1), "trim publishes");
        drop(pool.get());
        drop(pool);
        let dropped = "pool_releases_total{pool=scratch,reason=pool_dropped}";
        assert_eq!(capture.counter(dropped), Some(1), "the drop publishes");
        assert_eq!(capture.counter("pool_gets_total{pool=scratch}"), Some(3));
    }

    #[test]
    fn a_pool_without_a_name_publishes_nothing() {
        let capture = Capture::default();
        metrics::with_local_recorder(&capture, || {
            let pool: Pool<String> = Pool::new();
            drop(pool.get());
            pool.publish_metrics();
            pool.trim();
            let buffers = BufferPool::new();
            drop(buffers.get(10));
            buffers.publish_metrics();
        });
        assert_eq!(capture.len(), 0);
    }

    #[test]
    fn a_buffer_pool_publishes_per_class_and_the_gets_no_class_serves() {
        let capture = Capture::default();
        let pool: BufferPool = BufferPool::builder()
            .classes([1024, 8192])
            .max_buffer(1 << 20)
            .metrics("io")
            .build();
        drop(pool.get(100));
        drop(pool.get(100));
        drop(pool.get(5000));
        drop(pool.get(100_000)); // above the largest class: unpooled
        assert!(pool.try_get(2 << 20).is_err()); // above max_buffer: refused
        metrics::with_local_recorder(&capture, || pool.publish_metrics());
        let counter = |id: &str| capture.counter(id).unwrap_or_else(|| panic!("no {id}"));
        assert_eq!(counter("pool_gets_total{pool=io,class=1024}"), 2);
        assert_eq!(counter("pool_reuses_total{pool=io,class=1024}"), 1);
        assert_eq!(counter("pool_gets_total{pool=io,class=8192}"), 1);
        assert_eq!(counter("pool_buffer_unpooled_gets_total{pool=io}"), 1);
        assert_eq!(counter("pool_buffer_refused_gets_total{pool=io}"), 1);
        assert_eq!(
            capture.gauge("pool_idle_objects{pool=io,class=8192}"),
            Some(1.0)
        );
        drop(pool);
        let dropped = "pool_releases_total{pool=io,class=1024,reason=pool_dropped}";
        assert_eq!(capture.counter(dropped), Some(1));
        assert_eq!(
            capture.gauge("pool_idle_objects{pool=io,class=1024}"),
            Some(0.0)
        );
    }
}
