use pool_core::Poolable;

#[derive(Poolable)]
struct Session {
    #[poolable(skip, default)]
    id: u64,
    scratch: String,
}

fn main() {}
