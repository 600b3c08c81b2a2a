use pool_core::Poolable;

#[derive(Poolable)]
struct Response {
    #[poolable(max_capacity = 16)]
    status: Option<String>,
    body: Vec<u8>,
}

fn main() {}
