use pool_core::Poolable;

#[derive(Poolable, Default)]
enum State {
    #[default]
    Idle,
    #[poolable(skip)]
    Busy(Vec<u8>),
}

fn main() {}
