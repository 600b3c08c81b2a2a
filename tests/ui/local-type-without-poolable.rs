// A field of the user's own type without `Poolable`: the note says to derive it on that type.
use pool_core::Poolable;

#[derive(Default)]
struct Limits {
    max: u32,
}

#[derive(Poolable)]
struct Request {
    limits: Limits,
    body: Vec<u8>,
}

fn main() {}
