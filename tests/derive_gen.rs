//! Proves that tests/derive_gen/shapes.rs is what the generator in tests/derive_gen/grammar.rs
//! writes from its fixed seed, byte for byte, so that the shapes tests/generated_shapes.rs
//! compiles and checks are the grammar's. Regenerate after changing the grammar with
//! `REGENERATE_SHAPES=1 cargo test --test derive_gen`.

#[path = "derive_gen/grammar.rs"]
#[allow(dead_code)]
mod grammar;

/// The seed and the number of shapes of the committed file.
const SEED: u64 = 0x5eed_0f5b_a9e5;
const STRUCTS: usize = 750;
const ENUMS: usize = 250;

const PATH: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/derive_gen/shapes.rs");

#[test]
fn generated_shapes_are_current() {
    let generated = grammar::generate(SEED, STRUCTS, ENUMS);
    if std::env::var_os("REGENERATE_SHAPES").is_some() {
        std::fs::write(PATH, &generated).unwrap();
        return;
    }
    let committed = std::fs::read_to_string(PATH).unwrap_or_default();
    assert!(
        committed == generated,
        "tests/derive_gen/shapes.rs is not what the grammar generates; regenerate it with \
         `REGENERATE_SHAPES=1 cargo test --test derive_gen` and commit it"
    );
}

#[test]
fn the_generator_is_deterministic() {
    assert_eq!(grammar::generate(7, 30, 10), grammar::generate(7, 30, 10));
    assert_ne!(grammar::generate(7, 30, 10), grammar::generate(8, 30, 10));
}
