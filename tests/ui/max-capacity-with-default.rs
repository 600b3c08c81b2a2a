use pool_core::Poolable;

#[derive(Poolable)]
struct Response {
    #[poolable(default)]
    #[poolable(max_capacity = 4096)]
    body: Vec<u8>,
}

fn main() {}
