use std::rc;

use pool_core::Poolable;

struct Tree;

#[derive(Poolable)]
struct Node {
    parent: rc::Weak<Tree>,
    children: Vec<u32>,
}

fn main() {}
