use std::sync::Arc;

use pool_core::Poolable;

#[derive(Poolable)]
struct Worker {
    #[poolable(reuse)]
    scratch: Vec<u8>,
    config: Arc<String>,
}

fn main() {}
