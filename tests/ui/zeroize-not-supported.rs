use std::collections::HashMap;

use pool_core::Poolable;

#[derive(Poolable)]
struct Credentials {
    #[poolable(zeroize)]
    tokens: HashMap<String, String>,
}

fn main() {}
