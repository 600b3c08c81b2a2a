// The advice of tests/ui/pool-new-without-default.stderr, followed: a type without `Default`
// goes in a pool through a factory.
use pool_core::{LocalPool, Pool, PoolBuilder, Poolable};

#[derive(Poolable)]
struct Conn {
    buf: Vec<u8>,
    #[poolable(skip)]
    id: u32,
}

fn open() -> Conn {
    Conn {
        buf: Vec::with_capacity(64),
        id: 7,
    }
}

fn main() {
    let pool = Pool::with_factory(open);
    assert_eq!(pool.get().id, 7);
    let bounded: Pool<Conn> = PoolBuilder::from_factory(open).max_idle(4).build();
    assert!(bounded.get().buf.capacity() >= 64);
    let local = LocalPool::with_factory(open);
    assert_eq!(local.get().id, 7);
}
