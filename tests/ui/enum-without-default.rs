use pool_core::Poolable;

#[derive(Poolable)]
enum State {
    Idle,
    Busy(Vec<u8>),
}

fn main() {}
