use pool_core::Poolable;

fn clear(s: &mut String) {
    s.clear();
}

#[derive(Poolable)]
struct Session {
    #[poolable(default, reset_with = clear)]
    scratch: String,
}

fn main() {}
