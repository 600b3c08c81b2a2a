//! The impl emitted beside the compile errors of a rejected input (thiserror's `fallback.rs`):
//! the user then sees the one real mistake, not a cascade of "`Poolable` is not implemented"
//! at every place the type goes into a pool.

use proc_macro2::TokenStream;
use quote::quote;
use syn::{Data, DeriveInput, Path};

use crate::valid;

pub(crate) fn expand(input: &DeriveInput, krate: &Path) -> TokenStream {
    let ident = &input.ident;
    let (impl_generics, ty_generics, where_clause) = input.generics.split_for_impl();
    // A refused `Rc`, `rc::Weak` or raw pointer field makes the type `!Send`, and every
    // `Pool<T>` of it would add "cannot be sent between threads" errors (with notes inside
    // pool-core) to the derive's own, which already says to use a `LocalPool`. The stub
    // declares it `Send` so that the derive's error is the one error. Sound because it never
    // reaches a program: it is only emitted beside a `compile_error!`, which fails the build.
    // No `#[allow(unsafe_code)]` on it: rustc's `unsafe_code` lint does not look inside the
    // expansion, and an `allow` would itself be an error (E0453) under `#![forbid(unsafe_code)]`
    // (tests/ui/rc-field-forbid-unsafe.rs).
    let send = refuses_a_not_send_field(input).then(|| {
        quote! {
            #[automatically_derived]
            unsafe impl #impl_generics ::core::marker::Send for #ident #ty_generics #where_clause {}
        }
    });
    quote! {
        #[automatically_derived]
        impl #impl_generics #krate::Poolable for #ident #ty_generics #where_clause {
            fn reset(&mut self) {
                ::core::unreachable!()
            }
        }
        #send
    }
}

/// Whether a field the derive refuses is of a `!Send` type (see [`valid::refused_not_send`]),
/// unless an attribute let it through (then its `!Send` is the user's to see).
fn refuses_a_not_send_field(input: &DeriveInput) -> bool {
    let fields: Vec<&syn::Field> = match &input.data {
        Data::Struct(data) => data.fields.iter().collect(),
        Data::Enum(data) => data.variants.iter().flat_map(|v| v.fields.iter()).collect(),
        Data::Union(_) => Vec::new(),
    };
    fields.iter().any(|field| {
        valid::refused_not_send(&field.ty)
            && !field
                .attrs
                .iter()
                .any(|attr| attr.path().is_ident("poolable"))
    })
}
