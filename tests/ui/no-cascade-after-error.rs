// A rejected struct still gets a stub impl: only the real mistake is reported, not a second
// "`Poolable` is not implemented" error where the type is used as `Poolable`.
use std::rc::Rc;

use pool_core::Poolable;

#[derive(Poolable, Default)]
struct Node {
    parent: Rc<String>,
}

fn recycle<T: Poolable>(mut value: T) -> T {
    value.reset();
    value
}

fn main() {
    let _ = recycle(Node::default());
}
