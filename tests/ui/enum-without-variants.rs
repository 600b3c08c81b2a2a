use pool_core::Poolable;

#[derive(Poolable)]
enum Never {}

fn main() {}
