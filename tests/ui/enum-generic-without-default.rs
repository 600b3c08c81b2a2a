use pool_core::{Pool, Poolable};

#[derive(Poolable)]
enum Slot<T> {
    Empty,
    Full(Vec<T>),
}

fn main() {
    let _pool: Pool<Slot<u8>> = Pool::with_factory(|| Slot::Empty);
}
