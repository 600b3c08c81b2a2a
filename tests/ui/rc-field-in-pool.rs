// An `Rc` field in a struct that goes into a `Pool`: the derive's error, which names
// `LocalPool`, is the one error.
use std::rc::Rc;

use pool_core::{Pool, Poolable};

#[derive(Poolable, Default)]
struct Node {
    parent: Rc<String>,
    children: Vec<u32>,
}

fn main() {
    let pool: Pool<Node> = Pool::new();
    pool.get().children.push(1);
}
