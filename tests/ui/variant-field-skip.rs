use std::sync::Arc;

use pool_core::Poolable;

#[derive(Poolable)]
enum Conn {
    Open {
        #[poolable(skip)]
        config: Arc<String>,
        buf: Vec<u8>,
    },
    Closed,
}

impl Default for Conn {
    fn default() -> Self {
        Conn::Closed
    }
}

fn main() {}
