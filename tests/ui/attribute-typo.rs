// A near-miss key gets "did you mean".
use pool_core::Poolable;

#[derive(Poolable)]
struct Buffer {
    #[poolable(max_capcity = 4096)]
    data: Vec<u8>,
}

fn main() {}
