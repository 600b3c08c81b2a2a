// A mistake in one key of a `#[poolable(...)]` does not hide the keys after it: every mistake
// of the attribute is reported in one build.
use pool_core::Poolable;

#[derive(Poolable)]
struct Buffers {
    #[poolable(max_capacity = "big", skip = true, defualt, reset_with = "clear")]
    data: Vec<u8>,
}

fn main() {}
