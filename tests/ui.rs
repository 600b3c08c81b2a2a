//! Compile-fail and compile-pass cases of `#[derive(Poolable)]`, checked with trybuild.
//!
//! The `.stderr` files are pinned to the toolchain CI uses (rustc's wording drifts between
//! versions); regenerate them with `TRYBUILD=overwrite cargo test --test ui` and review the diff.

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui/*.rs");
    t.pass("tests/ui/pass/*.rs");
}
