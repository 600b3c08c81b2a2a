use pool_core::Poolable;

#[derive(Poolable)]
struct Buffer {
    #[poolable(max_capacity = 4096)]
    #[poolable(max_capacity = 8192)]
    data: Vec<u8>,
}

fn main() {}
