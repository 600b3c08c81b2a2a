//! Code generation: the `Poolable` impl, or the compile errors and a stub impl. The pieces a
//! struct and an enum share are here; the enum's reset and `retained_bytes` are in `expand_enum.rs`.

use proc_macro2::{Group, Ident, Literal, Span, TokenStream, TokenTree};
use quote::{ToTokens, quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{DeriveInput, Member, Path};

use crate::ast::{Body, Field, Input};
use crate::ctxt::Errors;
use crate::expand_enum::{enum_reset, enum_retained_bytes, fresh_trait};
use crate::{fallback, generics, hint};

pub(crate) fn derive(node: &DeriveInput) -> TokenStream {
    let mut errors = Errors::default();
    let input = Input::from_syn(node, &mut errors);
    input.validate(&mut errors);
    let krate: Path = match &input.attrs.krate {
        Some(krate) => krate.value.clone(),
        None => syn::parse_quote!(::pool_core),
    };
    match errors.into_error() {
        Some(error) => {
            let error = error.to_compile_error();
            let stub = fallback::expand(node, &krate);
            quote!(#error #stub)
        }
        None => impl_poolable(&input, &krate),
    }
}

fn impl_poolable(input: &Input<'_>, krate: &Path) -> TokenStream {
    let ident = &input.original.ident;
    let mut generics = input.original.generics.clone();
    let mut predicates = generics::predicates(input, krate);
    let (reset, retained, fresh) = match &input.body {
        Body::Struct(fields) => {
            let resets = fields
                .iter()
                .map(|field| reset_field(field, krate, &Access::SelfField(&field.member)));
            (
                quote!(#(#resets)*),
                struct_retained_bytes(fields, krate),
                false,
            )
        }
        Body::Enum(data) => {
            let reset = enum_reset(data, ident, krate);
            (reset.body, enum_retained_bytes(data, krate), reset.fresh)
        }
        // Refused in `ast.rs`: the fallback impl is emitted instead.
        Body::Union => return TokenStream::new(),
    };
    let (_, plain_ty_generics, _) = input.original.generics.split_for_impl();
    if fresh && !input.original.generics.params.is_empty() {
        // The reset calls `Default::default()`: for a generic enum, the impl holds where that
        // does (a non-generic enum without `Default` is reported at its name instead). Stated
        // with `Default` itself, so that a use at a type without it is told of `Default`, not
        // of the helper trait.
        predicates.push(syn::parse_quote_spanned!(at(ident.span())=>
            #ident #plain_ty_generics: ::core::default::Default
        ));
    }
    if !predicates.is_empty() {
        generics.make_where_clause().predicates.extend(predicates);
    }
    let (impl_generics, ty_generics, where_clause) = generics.split_for_impl();
    let imp = quote! {
        #[automatically_derived]
        impl #impl_generics #krate::Poolable for #ident #ty_generics #where_clause {
            #[inline]
            fn reset(&mut self) {
                #reset
            }

            #[inline]
            fn retained_bytes(&self) -> usize {
                #retained
            }
        }
    };
    if !fresh {
        return imp;
    }
    let fresh_trait = fresh_trait(at(ident.span()));
    quote! {
        const _: () = {
            #fresh_trait
            #imp
        };
    }
}

/// Where a field is reached from: `self.member` in a struct's impl, or a binding of a match on
/// `self` (already a reference) in an enum's.
pub(crate) enum Access<'a> {
    SelfField(&'a Member),
    Binding(Ident),
}

impl Access<'_> {
    /// `&mut self.member`, or the binding, spanned from `span` to `last`.
    fn by_mut(&self, span: Span, last: Span) -> TokenStream {
        match self {
            Access::SelfField(member) => {
                let member = respan(member, last);
                quote_spanned!(span=> &mut self.#member)
            }
            Access::Binding(binding) => binding.to_token_stream(),
        }
    }

    /// `&self.member`, or the binding.
    fn by_ref(&self, span: Span, last: Span) -> TokenStream {
        match self {
            Access::SelfField(member) => {
                let member = respan(member, last);
                quote_spanned!(span=> &self.#member)
            }
            Access::Binding(binding) => binding.to_token_stream(),
        }
    }
}

/// The statements that reset one field: wipe (`zeroize`), then reset (`Poolable`, `default`
/// or `reset_with`), then shrink (`max_capacity`). The trait calls are spanned at the field
/// type, so that a type without the impl is reported there.
fn reset_field(field: &Field<'_>, krate: &Path, access: &Access<'_>) -> TokenStream {
    let mut out = wipe_field(field, krate, access);
    out.extend(reset_in_place(field, krate, access, None));
    out
}

/// `Wipe::wipe` on the field, if it is marked `zeroize`.
pub(crate) fn wipe_field(field: &Field<'_>, krate: &Path, access: &Access<'_>) -> TokenStream {
    if field.attrs.zeroize.is_none() {
        return TokenStream::new();
    }
    let cfgs = &field.cfgs;
    let (span, last) = type_ends(field);
    let wipe = trait_call(krate, "Wipe", "wipe", span, last);
    let arg = access.by_mut(span, last);
    quote_spanned! {span=>
        #(#cfgs)* #wipe(#arg);
    }
}

/// The reset and shrink of one field, after any wipe. `fresh` is, for a variant's field, the
/// binding of the same field in the enum's `Default::default()`, which `default` swaps in.
pub(crate) fn reset_in_place(
    field: &Field<'_>,
    krate: &Path,
    access: &Access<'_>,
    fresh: Option<&Ident>,
) -> TokenStream {
    let attrs = &field.attrs;
    if !field.reset_in_place() {
        return TokenStream::new();
    }
    let cfgs = &field.cfgs;
    let (span, last) = type_ends(field);
    let call = |trait_name: &str, method: &str| trait_call(krate, trait_name, method, span, last);
    let arg = access.by_mut(span, last);
    let mut out = TokenStream::new();
    if attrs.default.is_some() {
        out.extend(match (access, fresh) {
            (Access::Binding(binding), Some(fresh)) => quote_spanned! {span=>
                #(#cfgs)* ::core::mem::swap(#binding, #fresh);
            },
            (Access::Binding(binding), None) => assign_default(cfgs, quote!(*#binding), span),
            (Access::SelfField(member), _) => {
                let member = respan(member, last);
                assign_default(cfgs, quote_spanned!(span=> self.#member), span)
            }
        });
    } else if let Some(reset_with) = &attrs.reset_with {
        let path = &reset_with.value;
        out.extend(quote! {
            #(#cfgs)* #path(#arg);
        });
    } else {
        let reset = poolable_call(krate, field, "reset", span, last);
        out.extend(quote_spanned! {span=>
            #(#cfgs)* #reset(#arg);
        });
    }
    if let Some(max_capacity) = &attrs.max_capacity {
        // Validated in `attr.rs`; emitted unsuffixed so the literal is a `usize`.
        let value = max_capacity
            .value
            .base10_parse::<usize>()
            .unwrap_or(usize::MAX);
        let mut max = Literal::usize_unsuffixed(value);
        max.set_span(max_capacity.value.span());
        let shrink = call("Shrink", "shrink_capacity_to");
        let arg = access.by_mut(span, last);
        out.extend(quote_spanned! {span=>
            #(#cfgs)* #shrink(#arg, #max);
        });
    }
    out
}

/// `place = Default::default();`. Behind a `#[cfg]`, written as a `let` of the replaced value
/// (dropped at once, as the assignment drops it): an attribute on an assignment expression
/// statement is unstable (E0658), on a `let` it is not.
fn assign_default(cfgs: &[&syn::Attribute], place: TokenStream, span: Span) -> TokenStream {
    if cfgs.is_empty() {
        quote_spanned! {span=>
            #place = ::core::default::Default::default();
        }
    } else {
        quote_spanned! {span=>
            #(#cfgs)* let _ = ::core::mem::replace(&mut #place, ::core::default::Default::default());
        }
    }
}

/// What one field adds to `retained_bytes`: its `retained_bytes = path`, or its own
/// `Poolable::retained_bytes`.
pub(crate) fn retained_term(field: &Field<'_>, krate: &Path, access: &Access<'_>) -> TokenStream {
    let (span, last) = type_ends(field);
    let arg = access.by_ref(span, last);
    match &field.attrs.retained_bytes {
        Some(path) => {
            // Spanned at the path, so that a function of the wrong type is reported there.
            let path = &path.value;
            quote_spanned!(path.span()=> #path(#arg))
        }
        None => {
            let retained = poolable_call(krate, field, "retained_bytes", span, last);
            quote_spanned!(span=> #retained(#arg))
        }
    }
}

/// The saturating sum of the terms of `fields` (see [`Field::counted`]): `0` when there are none,
/// one expression when no such field is `#[cfg]`'d, else a sum built statement by statement.
/// Saturating, as the pools' own sums are: two fields near `usize::MAX / 2` must read as "too
/// big" to `max_retained_bytes`, not wrap to a small number (release) or panic (debug).
pub(crate) fn sum<'a>(
    fields: &[&'a Field<'a>],
    term: impl Fn(&'a Field<'a>) -> TokenStream,
) -> TokenStream {
    let Some((first, rest)) = fields.split_first() else {
        return quote!(0);
    };
    if fields.iter().all(|field| field.cfgs.is_empty()) {
        let first = term(first);
        let rest = rest.iter().map(|field| term(field));
        return quote!(#first #(.saturating_add(#rest))*);
    }
    let adds = fields.iter().map(|field| {
        let cfgs = &field.cfgs;
        let term = term(field);
        quote!(#(#cfgs)* let __retained = __retained.saturating_add(#term);)
    });
    quote! {
        let __retained: usize = 0;
        #(#adds)*
        __retained
    }
}

/// A struct's `retained_bytes`: the sum over its counted fields.
fn struct_retained_bytes(fields: &[Field<'_>], krate: &Path) -> TokenStream {
    let counted: Vec<&Field<'_>> = fields.iter().filter(|field| field.counted()).collect();
    sum(&counted, |field| {
        retained_term(field, krate, &Access::SelfField(&field.member))
    })
}

/// The path `krate::Trait::method`, spanned from `first` to `last` (see [`type_ends`]).
fn trait_call(
    krate: &Path,
    trait_name: &str,
    method: &str,
    first: Span,
    last: Span,
) -> TokenStream {
    let krate = relocate(krate, first);
    let trait_name = Ident::new(trait_name, first);
    let method = Ident::new(method, last);
    quote_spanned!(first=> #krate::#trait_name::#method)
}

/// `Poolable::method` for `field`, spanned like [`trait_call`]; for a type of a crate that has a
/// pool-core feature, through that feature's helper trait (`hint.rs`), which holds wherever
/// `Poolable` does and whose missing-impl message names the feature first.
fn poolable_call(
    krate: &Path,
    field: &Field<'_>,
    method: &str,
    first: Span,
    last: Span,
) -> TokenStream {
    let Some(helper) = hint::feature_trait(field.ty) else {
        return trait_call(krate, "Poolable", method, first, last);
    };
    let krate = relocate(krate, first);
    let private = Ident::new("__private", first);
    let helper = Ident::new(helper, first);
    let method = Ident::new(method, last);
    quote_spanned!(first=> #krate::#private::#helper::#method)
}

/// The locations of the first and last tokens of the field type. A trait call is spanned at the
/// first, except the method name and the field name, spanned at the last: the callee and the
/// argument `&mut self.field` then both cover the whole type in rustc's eyes (syn cannot join
/// spans on stable), and so does the error a missing impl causes.
///
/// Only the location is the type's: names resolve at the derive's call site
/// ([`Span::located_at`]), so that `self`, `__self_0` and the paths the derive writes mean the same
/// whichever macro wrote the field type (a `macro_rules!` body has hygiene of its own, in which
/// the impl's `self` would not be in scope).
pub(crate) fn type_ends(field: &Field<'_>) -> (Span, Span) {
    let mut tokens = field.ty.to_token_stream().into_iter();
    let first = tokens
        .next()
        .map_or_else(|| field.ty.span(), |tt| tt.span());
    let last = tokens.last().map_or(first, |tt| tt.span());
    (at(first), at(last))
}

/// A span that resolves at the derive's call site and points at `location` in messages.
pub(crate) fn at(location: Span) -> Span {
    Span::call_site().located_at(location)
}

/// `tokens` with every span moved to `span`'s location, each keeping its own resolution: the
/// crate path of a trait call spanned at the field type, so that the whole call expression, and
/// so the error a missing impl causes, covers the type alone (not `name: Type`, nor the `derive`
/// line), while a `crate = $crate::...` path still resolves as the user wrote it.
fn relocate(tokens: &impl ToTokens, span: Span) -> TokenStream {
    respan_with(tokens, |old| old.located_at(span))
}

/// `tokens` with every span set to `span` (location and resolution): the field name in
/// `self.field`, which must share the resolution of the `self` before it for rustc to join the
/// two into one span (field names do not resolve hygienically).
fn respan(tokens: &impl ToTokens, span: Span) -> TokenStream {
    respan_with(tokens, |_| span)
}

fn respan_with(tokens: &impl ToTokens, span: impl Fn(Span) -> Span + Copy) -> TokenStream {
    fn walk(tokens: TokenStream, span: impl Fn(Span) -> Span + Copy) -> TokenStream {
        tokens
            .into_iter()
            .map(|tt| match tt {
                TokenTree::Group(group) => {
                    let mut respanned = Group::new(group.delimiter(), walk(group.stream(), span));
                    respanned.set_span(span(group.span()));
                    TokenTree::Group(respanned)
                }
                mut other => {
                    other.set_span(span(other.span()));
                    other
                }
            })
            .collect()
    }
    walk(tokens.to_token_stream(), span)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn expand(input: TokenStream) -> String {
        let node: DeriveInput = syn::parse2(input).unwrap();
        derive(&node).to_string()
    }

    #[test]
    fn retained_bytes_is_a_saturating_sum_without_identity_terms() {
        let out = expand(quote! {
            struct S { a: String, #[poolable(skip)] b: u8, c: Vec<u8> }
        });
        assert!(out.contains(
            "fn retained_bytes (& self) -> usize { :: pool_core :: Poolable :: retained_bytes (& self . a) . saturating_add (:: pool_core :: Poolable :: retained_bytes (& self . c)) }"
        ), "{out}");
        assert!(!out.contains("0 +"), "{out}");
        let none = expand(quote!(
            struct S {
                #[poolable(default)]
                a: u8,
            }
        ));
        assert!(none.contains("-> usize { 0 }"), "{none}");
    }

    #[test]
    fn cfg_attributes_are_copied_onto_each_statement() {
        let out = expand(quote! {
            struct S { #[cfg(feature = "x")] #[poolable(zeroize, max_capacity = 8)] a: Vec<u8> }
        });
        assert_eq!(out.matches("# [cfg (feature = \"x\")]").count(), 4, "{out}");
        assert!(out.contains("let __retained"), "{out}");
    }

    #[test]
    fn wipe_reset_shrink_in_order() {
        let out = expand(quote! {
            struct S { #[poolable(max_capacity = 8usize, zeroize)] a: Vec<u8> }
        });
        let wipe = out.find("Wipe :: wipe").unwrap();
        let reset = out.find("Poolable :: reset").unwrap();
        let shrink = out
            .find("Shrink :: shrink_capacity_to (& mut self . a , 8)")
            .unwrap();
        assert!(wipe < reset && reset < shrink, "{out}");
    }

    #[test]
    fn a_field_of_a_crate_with_a_feature_goes_through_its_helper_trait() {
        let out = expand(quote! {
            #[poolable(crate = my::pool)]
            struct S { id: uuid::Uuid, parent: Uuid, name: String }
        });
        for call in [
            "my :: pool :: __private :: PoolableUuid :: reset (& mut self . id)",
            "my :: pool :: __private :: PoolableUuid :: retained_bytes (& self . id)",
            "my :: pool :: __private :: PoolableUuid :: reset (& mut self . parent)",
            "my :: pool :: Poolable :: reset (& mut self . name)",
            "my :: pool :: Poolable :: retained_bytes (& self . name)",
        ] {
            assert!(out.contains(call), "{call}: {out}");
        }
    }

    #[test]
    fn bounds_are_on_field_types_and_replaced_by_bound() {
        let out = expand(quote! {
            struct S<T, U> where U: Clone {
                a: Vec<T>, #[poolable(max_capacity = 4)] b: Vec<U>, #[poolable(skip)] c: T, d: u8
            }
        });
        assert!(out.contains(
            "where U : Clone , Vec < T > : :: pool_core :: Poolable , Vec < U > : :: pool_core :: Poolable , Vec < U > : :: pool_core :: Shrink"
        ), "{out}");
        let replaced = expand(quote! {
            #[poolable(bound = "T: Copy", crate = my::pool)]
            struct S<T> { a: Vec<T> }
        });
        assert!(
            replaced.contains("impl < T > my :: pool :: Poolable for S < T > where T : Copy {"),
            "{replaced}"
        );
    }

    #[test]
    fn errors_come_with_a_stub_impl_and_never_a_panic() {
        for input in [
            quote!(
                #[poolable]
                struct S {
                    a: u8,
                }
            ),
            quote!(
                #[poolable(crate)]
                struct S {
                    a: u8,
                }
            ),
            quote!(
                #[poolable(bound = 5)]
                struct S {
                    a: u8,
                }
            ),
            quote!(
                #[poolable(bound)]
                struct S {
                    a: u8,
                }
            ),
            quote!(
                struct S {
                    #[poolable(max_capacity = 99999999999999999999999)]
                    a: Vec<u8>,
                }
            ),
            quote!(
                struct S {
                    #[poolable(max_capacity = 4u8)]
                    a: Vec<u8>,
                }
            ),
            quote!(
                struct S {
                    #[poolable(max_capacity = 4.5)]
                    a: Vec<u8>,
                }
            ),
            quote!(
                struct S {
                    #[poolable(max_capacity)]
                    a: Vec<u8>,
                }
            ),
            quote!(
                struct S {
                    #[poolable(reset_with = 5)]
                    a: u8,
                }
            ),
            quote!(
                struct S {
                    #[poolable(skip = true)]
                    a: u8,
                }
            ),
            quote!(
                struct S {
                    #[poolable(a::b)]
                    a: u8,
                }
            ),
            quote!(
                struct S {
                    #[poolable(skip(x))]
                    a: u8,
                }
            ),
            quote!(
                struct S {
                    #[poolable(,)]
                    a: u8,
                }
            ),
            quote!(
                struct S {
                    #[poolable(bound = "T: Clone")]
                    a: u8,
                }
            ),
            quote!(
                #[poolable(max_capacity = 3)]
                struct S {
                    a: u8,
                }
            ),
            quote!(
                enum E {}
            ),
            quote!(
                enum E {
                    A(#[poolable(skip)] u8),
                    B,
                }
            ),
            quote!(
                enum E {
                    #[poolable(default)]
                    A,
                }
            ),
            quote!(union U { a: u8 }),
            quote!(
                struct S { a: u8 = 3 }
            ),
        ] {
            let out = expand(input.clone());
            assert!(out.contains("compile_error"), "{input}: {out}");
            assert!(out.contains("unreachable"), "{input}: {out}");
        }
    }

    #[test]
    fn field_default_values_need_reset_with_or_skip() {
        let out = expand(quote!(
            struct S { a: u8 = 3 }
        ));
        assert!(
            out.contains("a field default value is not restored"),
            "{out}"
        );
        let ok = expand(quote!(
            struct S { #[poolable(skip)] a: u8 = 3 }
        ));
        assert!(!ok.contains("compile_error"), "{ok}");
    }

    #[test]
    fn all_errors_of_one_input_are_reported() {
        let out = expand(quote! {
            #[poolable(skip)]
            struct S { #[poolable(nope)] a: u8, b: std::rc::Rc<u8>, #[poolable(skip, skip)] c: u8 }
        });
        assert_eq!(out.matches("compile_error").count(), 4, "{out}");
    }
}
