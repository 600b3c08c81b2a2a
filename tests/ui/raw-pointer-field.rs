use pool_core::Poolable;

#[derive(Poolable)]
struct Cursor {
    at: *const u8,
    len: usize,
}

fn main() {}
