use pool_core::Poolable;

#[derive(Poolable)]
struct Buffer {
    #[poolable = "skip"]
    data: Vec<u8>,
}

fn main() {}
