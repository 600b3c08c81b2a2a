use pool_core::Poolable;

fn capacity(v: &Vec<u8>) -> u32 {
    v.capacity() as u32
}

#[derive(Poolable, Default)]
struct Buffer {
    #[poolable(retained_bytes = capacity)]
    bytes: Vec<u8>,
}

fn main() {}
