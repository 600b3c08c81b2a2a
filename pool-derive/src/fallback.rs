//! The impl emitted beside the compile errors of a rejected input (thiserror's `fallback.rs`):
//! the user then sees the one real mistake, not a cascade of "`Poolable` is not implemented"
//! at every place the type goes into a pool.

use proc_macro2::TokenStream;
use quote::quote;
use syn::{DeriveInput, Path};

pub(crate) fn expand(input: &DeriveInput, krate: &Path) -> TokenStream {
    let ident = &input.ident;
    let (impl_generics, ty_generics, where_clause) = input.generics.split_for_impl();
    quote! {
        #[automatically_derived]
        impl #impl_generics #krate::Poolable for #ident #ty_generics #where_clause {
            fn reset(&mut self) {
                ::core::unreachable!()
            }
        }
    }
}
