// The advice of tests/ui/arc-field.stderr and reference-field.stderr, followed: `default` gives
// an `Arc` field a new handle and a `&str` field `""`, `reset_with` calls a function of yours,
// `skip` keeps a shared handle across reuses. An `Arc` is `Send`, so the value goes in a `Pool`.
use std::sync::{Arc, Mutex};

use pool_core::{Pool, Poolable};

/// Shared by every value of the pool, kept across reuses.
#[derive(Default)]
struct Config {
    limit: usize,
}

fn new_log(log: &mut Arc<Mutex<Vec<String>>>) {
    *log = Arc::default();
}

#[derive(Poolable, Default)]
struct Request {
    #[poolable(skip)]
    config: Arc<Config>,
    #[poolable(default)]
    cache: Arc<Vec<u8>>,
    #[poolable(reset_with = new_log)]
    log: Arc<Mutex<Vec<String>>>,
    #[poolable(default)]
    route: &'static str,
}

fn main() {
    let config = Arc::new(Config { limit: 8 });
    let shared = Arc::clone(&config);
    let pool = Pool::with_factory(move || Request {
        config: Arc::clone(&shared),
        ..Request::default()
    });
    let seen = Arc::new(Mutex::new(Vec::new()));
    {
        let mut request = pool.get();
        request.cache = Arc::new(vec![1, 2, 3]);
        request.log = Arc::clone(&seen);
        request.log.lock().unwrap().push("secret".into());
        request.route = "/admin";
    }
    let request = pool.get();
    assert_eq!(pool.stats().creations, 1, "the same value, reused");
    assert_eq!(request.config.limit, 8, "the skipped handle was kept");
    assert!(request.cache.is_empty());
    assert!(request.log.lock().unwrap().is_empty(), "a new log, not the previous user's");
    assert_eq!(Arc::strong_count(&seen), 1);
    assert_eq!(request.route, "");
    assert_eq!(Arc::strong_count(&config), 3, "ours, the factory's and the pooled value's");
}
