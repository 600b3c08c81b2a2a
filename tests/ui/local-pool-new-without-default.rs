// `LocalPool::new()` creates objects with `Default::default()`: for a type without `Default`, the
// error names the factory constructors.
use pool_core::{LocalPool, Poolable};

#[derive(Poolable)]
struct Conn {
    buf: Vec<u8>,
    #[poolable(skip)]
    id: u32,
}

fn main() {
    let pool: LocalPool<Conn> = LocalPool::new();
    drop(pool.get());
}
