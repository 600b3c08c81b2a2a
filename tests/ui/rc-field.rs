use std::rc::Rc;

use pool_core::Poolable;

#[derive(Poolable)]
struct Node {
    parent: Rc<String>,
    children: Vec<u32>,
}

fn main() {}
