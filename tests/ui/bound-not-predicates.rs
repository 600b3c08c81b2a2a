use pool_core::Poolable;

#[derive(Poolable)]
#[poolable(bound = "T Poolable")]
struct Batch<T> {
    items: Vec<T>,
}

fn main() {}
