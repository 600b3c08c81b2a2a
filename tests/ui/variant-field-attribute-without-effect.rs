use pool_core::Poolable;

#[derive(Poolable, Default)]
enum Body {
    #[default]
    Empty,
    Bytes(#[poolable(max_capacity = 4096)] Vec<u8>),
}

fn main() {}
