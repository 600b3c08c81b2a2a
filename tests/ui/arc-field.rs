use std::sync::Arc;

use pool_core::Poolable;

struct Config;

#[derive(Poolable)]
struct Worker {
    config: Arc<Config>,
    scratch: Vec<u8>,
}

fn main() {}
