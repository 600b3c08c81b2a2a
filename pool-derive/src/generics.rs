//! Inferred where-clause predicates: one per field type that mentions a type parameter and is
//! reset through a trait, on the field type itself (`Vec<T>: Poolable`, as serde does), so that
//! `Vec<T>` puts no bound on `T`; a struct's field marked `#[poolable(default)]` gets
//! `FieldType: Default` instead, since its reset assigns `Default::default()`.

use std::collections::BTreeSet;

use proc_macro2::{TokenStream, TokenTree};
use quote::{ToTokens, quote};
use syn::{Generics, Ident, Path, Type, WherePredicate};

use crate::ast::{Input, Place};

/// The type parameters in scope.
struct Params(Vec<Ident>);

impl Params {
    fn new(generics: &Generics) -> Self {
        Params(
            generics
                .type_params()
                .map(|param| param.ident.clone())
                .collect(),
        )
    }

    /// Whether `ty` mentions a type parameter anywhere, `T::Assoc` and `[T; N]` included.
    fn mentioned_in(&self, ty: &Type) -> bool {
        fn walk(params: &[Ident], tokens: TokenStream) -> bool {
            tokens.into_iter().any(|tt| match tt {
                TokenTree::Ident(ident) => params.contains(&ident),
                TokenTree::Group(group) => walk(params, group.stream()),
                TokenTree::Punct(_) | TokenTree::Literal(_) => false,
            })
        }
        !self.0.is_empty() && walk(&self.0, ty.to_token_stream())
    }
}

/// The predicates to add to the struct's own where-clause: the `bound = "..."` override if
/// given, else the inferred ones.
pub(crate) fn predicates(input: &Input<'_>, krate: &Path) -> Vec<WherePredicate> {
    if let Some(bound) = &input.attrs.bound {
        return bound.value.clone();
    }
    let params = Params::new(&input.original.generics);
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for field in input.fields() {
        if field.attrs.skip.is_some() || !params.mentioned_in(field.ty) {
            continue;
        }
        let ty = field.ty;
        let mut traits: Vec<TokenStream> = Vec::new();
        if field.attrs.zeroize.is_some() {
            traits.push(quote!(#krate::Wipe));
        }
        if field.uses_poolable() {
            traits.push(quote!(#krate::Poolable));
        }
        // `self.field = Default::default()`. A variant's field marked `default` is swapped with
        // the enum's own `Default::default()` instead, which needs no bound on the field.
        if field.attrs.default.is_some() && field.place == Place::Struct {
            traits.push(quote!(::core::default::Default));
        }
        if field.attrs.max_capacity.is_some() {
            traits.push(quote!(#krate::Shrink));
        }
        for bound in traits {
            // A field type always re-parses as a predicate's bounded type; skip it if not, rather
            // than panic.
            let Ok(predicate) = syn::parse2::<WherePredicate>(quote!(#ty: #bound)) else {
                continue;
            };
            if seen.insert(predicate.to_token_stream().to_string()) {
                out.push(predicate);
            }
        }
    }
    out
}
