//! `#[derive(Poolable)]` on thousands of generated struct and enum shapes (tests/derive_gen/):
//! std collections and their nestings, `Option`, `Box`, arrays, tuples, cells, generics with
//! and without bounds, lifetimes (a skipped or defaulted `&'a str`), every field attribute,
//! `crate` and `bound`, `#[cfg]`'d fields, the third-party types of pool-core's features,
//! earlier shapes nested in later ones, and structs written by `macro_rules!` bodies. Each shape
//! is filled, reset (twice) and compared with what the contract says: `Default::default()`
//! where no `skip` is involved, capacity kept by the fields that keep it, `max_capacity`
//! honoured, and `retained_bytes` equal to the saturating sum of the fields' counts.

// The generator's own code (fills, expectations, checks) is plain rather than idiomatic, and its
// types are the grammar's (`Box<String>`, deep nestings): the lints that fire on that are
// allowed by name, every other lint stays on, so the derive's output is checked by clippy in
// all 1000 shapes.
#[allow(
    dead_code,
    unused_variables,
    unreachable_patterns,
    unreachable_pub,
    clippy::single_char_add_str,
    clippy::default_constructed_unit_structs,
    clippy::match_single_binding,
    clippy::box_collection,
    clippy::type_complexity,
    clippy::vec_box,
    clippy::redundant_allocation,
    clippy::unit_arg,
    clippy::large_enum_variant
)]
mod shapes {
    include!("derive_gen/shapes.rs");
}

#[test]
fn every_generated_shape() {
    let failed: Vec<&str> = shapes::CHECKS
        .iter()
        .filter(|(_, check)| std::panic::catch_unwind(check).is_err())
        .map(|(name, _)| *name)
        .collect();
    assert!(
        failed.is_empty(),
        "shapes that failed their check: {failed:?}"
    );
    assert!(shapes::CHECKS.len() >= 1000, "{}", shapes::CHECKS.len());
}
