// A `#[repr(packed)]` struct's fields may be unaligned, and a reset borrows each one mutably:
// the derive says so on the `repr` attribute (not rustc's E0793 inside the generated code).
use pool_core::Poolable;

#[derive(Poolable)]
#[repr(C, packed)]
struct Header {
    tag: u8,
    len: u32,
    body: Vec<u8>,
}

fn main() {}
