use pool_core::Poolable;

fn capacity(v: &Vec<u8>) -> usize {
    v.capacity()
}

#[derive(Poolable, Default)]
struct Buffer {
    #[poolable(retained_bytes = capacity, retained_bytes = capacity)]
    bytes: Vec<u8>,
}

fn main() {}
