use pool_core::Poolable;

#[derive(Poolable)]
struct Buffer {
    #[poolable(clear)]
    data: Vec<u8>,
}

fn main() {}
