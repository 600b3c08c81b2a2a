use pool_core::Poolable;

#[derive(Poolable)]
struct Writer<'a> {
    out: &'a mut Vec<u8>,
    written: usize,
}

fn main() {}
