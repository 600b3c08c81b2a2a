use pool_core::Poolable;

#[derive(Poolable)]
struct Session {
    #[poolable(reset_with)]
    scratch: String,
}

fn main() {}
