//! `#[derive(Poolable)]` for `pool-core`: a field-wise, capacity-keeping reset for pooled objects
//! (structs and enums).
//!
//! Use it through `pool_core::Poolable`, which re-exports this derive next to the trait; the
//! attributes it accepts are documented there and in the workspace's `DESIGN.md`.
#![forbid(unsafe_code)]

mod ast;
mod attr;
mod expand;
mod fallback;
mod generics;
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
