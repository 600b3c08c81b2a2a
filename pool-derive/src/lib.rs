//! `#[derive(Poolable)]` for `pool-core`: a field-wise, capacity-keeping reset for pooled objects
//! (structs and enums).
//!
//! Use it through `pool_core::Poolable`, which re-exports this derive next to the trait; the
//! attributes it accepts, and what it generates for structs and enums, are documented on that
//! re-export in pool-core's crate docs, and the guide (`pool_core::guide`) shows it at work.
//!
//! The pipeline, one stage per file: `ast.rs` (a typed view of the input) reads the
//! `#[poolable(...)]` attributes with `attr.rs`, `valid.rs` checks them against each other and
//! the field types, then `expand.rs` (structs, and what both share) and `expand_enum.rs` (enums)
//! generate the impl, with the bounds of `generics.rs` and the helper traits `hint.rs` picks for
//! better messages; on any mistake, `fallback.rs`'s stub impl
//! goes out beside the errors, which every stage pushes to `ctxt.rs`'s collector.
#![forbid(unsafe_code)]

mod ast;
mod attr;
mod ctxt;
mod expand;
mod expand_enum;
mod fallback;
#[cfg(test)]
mod gen_invalid;
mod generics;
mod hint;
mod valid;

use proc_macro::TokenStream;

/// Derives `pool_core::Poolable`: on a struct, `reset` resets each field in turn and
/// `retained_bytes` sums them; on an enum, `reset` returns the value to its `Default`, resetting
/// the fields in place when the value already is the default variant.
#[proc_macro_derive(Poolable, attributes(poolable))]
pub fn derive_poolable(input: TokenStream) -> TokenStream {
    let input = syn::parse_macro_input!(input as syn::DeriveInput);
    expand::derive(&input).into()
}
