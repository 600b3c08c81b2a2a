// `max_capacity` on a third-party type that is `Poolable` (feature `uuid`) but holds no
// collection: the error is the missing `Shrink`, not a missing `Poolable`.
use pool_core::Poolable;

#[derive(Poolable)]
struct Event {
    #[poolable(max_capacity = 16)]
    id: uuid::Uuid,
    body: Vec<u8>,
}

fn main() {}
