// The one error of tests/ui/rc-field-in-pool.rs holds in a crate that forbids `unsafe_code`:
// the stub that keeps `Pool<Node>` quiet adds no lint error of its own.
#![forbid(unsafe_code)]

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
