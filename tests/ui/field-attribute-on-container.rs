use pool_core::Poolable;

#[derive(Poolable)]
#[poolable(skip)]
struct Buffer {
    data: Vec<u8>,
}

fn main() {}
