use pool_core::Poolable;

#[derive(Poolable)]
struct Session {
    #[poolable(reset_with = "String::clear")]
    scratch: String,
}

fn main() {}
