use pool_core::Poolable;

#[derive(Poolable)]
struct Request<'a> {
    path: &'a str,
    body: Vec<u8>,
}

fn main() {}
