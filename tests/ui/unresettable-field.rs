use std::fs::File;

use pool_core::Poolable;

#[derive(Poolable)]
struct Upload {
    file: File,
    name: String,
}

fn main() {}
