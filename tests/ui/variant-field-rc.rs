use std::rc::Rc;

use pool_core::Poolable;

#[derive(Poolable)]
enum Cache {
    Shared(Rc<Vec<u8>>),
    Empty,
}

impl Default for Cache {
    fn default() -> Self {
        Cache::Empty
    }
}

fn main() {}
