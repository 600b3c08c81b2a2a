use pool_core::Poolable;

#[derive(Poolable)]
struct Buffer {
    #[poolable(crate = pool_core)]
    data: Vec<u8>,
}

fn main() {}
