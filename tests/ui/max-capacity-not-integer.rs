use pool_core::Poolable;

#[derive(Poolable)]
struct Response {
    #[poolable(max_capacity = "1 MiB")]
    body: Vec<u8>,
}

fn main() {}
