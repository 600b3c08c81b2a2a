use std::collections::HashMap;

use pool_core::Poolable;

fn clear(map: &mut HashMap<String, String>) {
    map.clear();
}

fn map_bytes(map: &HashMap<String, String>) -> usize {
    map.capacity() * 48
}

#[derive(Poolable, Default)]
struct Handler {
    #[poolable(reset_with = clear, retained_bytes = "map_bytes")]
    headers: HashMap<String, String>,
}

fn main() {
    let _ = map_bytes;
}
