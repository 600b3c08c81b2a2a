// The advice of tests/ui/rc-field.stderr, rc-weak-field.stderr and raw-pointer-field.stderr,
// followed: `Rc` and `rc::Weak` fields marked `default` or `skip`, and a raw pointer reset to null
// by a `reset_with` function, make the struct `!Send`, which a `LocalPool` takes.
use std::rc::{self, Rc};

use pool_core::{LocalPool, Poolable};

/// Shared by every value of the pool, kept across reuses.
struct Config {
    limit: usize,
}

fn to_null(at: &mut *const u8) {
    *at = std::ptr::null();
}

#[derive(Poolable)]
struct Node {
    /// Reset to a new `Rc` of the default value: the previous user's handle is dropped.
    #[poolable(default)]
    parent: Rc<String>,
    #[poolable(skip)]
    config: Rc<Config>,
    /// Reset to a `Weak` that points nowhere.
    #[poolable(default)]
    sibling: rc::Weak<String>,
    #[poolable(reset_with = to_null)]
    cursor: *const u8,
    children: Vec<u32>,
}

fn main() {
    let config = Rc::new(Config { limit: 8 });
    let pool = LocalPool::with_factory(move || Node {
        parent: Rc::default(),
        config: Rc::clone(&config),
        sibling: rc::Weak::new(),
        cursor: std::ptr::null(),
        children: Vec::new(),
    });
    let data = [1u8, 2];
    let previous = Rc::new(String::from("previous request"));
    {
        let mut node = pool.get();
        node.parent = Rc::clone(&previous);
        node.sibling = Rc::downgrade(&previous);
        node.cursor = data.as_ptr();
        node.children.push(1);
    }
    let node = pool.get();
    assert_eq!(pool.stats().creations, 1, "the same value, reused");
    assert!(node.parent.is_empty());
    assert_eq!(Rc::strong_count(&previous), 1, "the old handle was dropped");
    assert!(node.sibling.upgrade().is_none());
    assert_eq!(node.config.limit, 8, "the skipped handle was kept");
    assert!(node.cursor.is_null());
    assert!(node.children.is_empty());
}
