//! Code generation for an enum: a reset that returns the value to its `Default` (resetting the
//! fields in place when it already is the default variant), and a `retained_bytes` that sums
//! the fields of the current variant.

use proc_macro2::{Ident, Span, TokenStream};
use quote::{quote, quote_spanned};
use syn::Path;

use crate::ast::{Enum, Field, Variant};
use crate::expand::{Access, at, reset_in_place, retained_term, sum, type_ends, wipe_field};

/// `ResetToDefault`, the trait through which a non-generic enum's reset calls
/// `Default::default()`: a blanket impl over `T: Default` whose `on_unimplemented` tells how to
/// give the enum a `Default`, at the enum's name. Emitted in the `const _` block beside the
/// impl. The blanket impl is `do_not_recommend`, so that rustc stops at the message instead of
/// adding a "required for `E` to implement `ResetToDefault`" note and a "consider manually
/// implementing `ResetToDefault`" help (the wrong advice); not named `Default`, which would
/// capture the user's `Default` in copied where-clauses. The advice fits variants with data:
/// std's `#[default]` only takes a unit variant.
pub(crate) fn fresh_trait(span: Span) -> TokenStream {
    quote_spanned! {span=>
        #[diagnostic::on_unimplemented(
            message = "`#[derive(Poolable)]` on enum `{Self}` needs `Default`: a reset returns the value to it",
            label = "this enum does not implement `Default`",
            note = "if the value a reset returns to is a variant without fields, add `#[derive(Default)]` and mark that variant `#[default]`",
            note = "if it is a variant with fields, implement `Default` for `{Self}` by hand (`#[default]` only works on unit variants)"
        )]
        trait ResetToDefault: ::core::marker::Sized {
            fn __fresh() -> Self;
        }

        #[automatically_derived]
        #[diagnostic::do_not_recommend]
        impl<__T: ::core::default::Default> ResetToDefault for __T {
            #[inline]
            fn __fresh() -> Self {
                ::core::default::Default::default()
            }
        }
    }
}

/// The binding of a variant's field in a match on `self` (`__self_0`, ...) or on the fresh
/// value (`__fresh_0`, ...), spanned at the end of the field type.
fn binding(field: &Field<'_>, prefix: &str) -> Ident {
    let (_, last) = type_ends(field);
    Ident::new(&format!("{prefix}{}", field.index), last)
}

/// An enum's `retained_bytes`: the sum over the counted fields of the current variant.
pub(crate) fn enum_retained_bytes(data: &Enum<'_>, krate: &Path) -> TokenStream {
    let arms: Vec<Arm> = data
        .variants
        .iter()
        .filter_map(|variant| {
            let counted: Vec<&Field<'_>> = variant
                .fields
                .iter()
                .filter(|field| field.counted())
                .collect();
            if counted.is_empty() {
                return None;
            }
            let pattern = variant_pattern(variant, &counted, "__self_");
            let body = sum(&counted, |field| {
                retained_term(field, krate, &Access::Binding(binding(field, "__self_")))
            });
            Some(Arm { pattern, body })
        })
        .collect();
    dispatch(quote!(self), arms, data.variants.len(), None, &quote!(0))
}

/// `Self::Variant { member: binding, .., }` binding `fields`, by their members (so that a
/// tuple variant's are matched as `0: __self_0`, and `#[cfg]`s can stay on them).
fn variant_pattern(variant: &Variant<'_>, fields: &[&Field<'_>], prefix: &str) -> TokenStream {
    let ident = variant.ident;
    let bindings = fields.iter().map(|field| {
        let cfgs = &field.cfgs;
        let member = &field.member;
        let binding = binding(field, prefix);
        quote!(#(#cfgs)* #member: #binding,)
    });
    quote!(Self::#ident { #(#bindings)* .. })
}

/// One arm of a generated match.
struct Arm {
    pattern: TokenStream,
    body: TokenStream,
}

/// A match of `scrutinee` on `arms`, one per variant that needs one among `variants`, with
/// `rest => otherwise` for the others (`rest` is `_` when `None`); written as a `let`, an
/// `if let` or a `match` so that no lint (irrefutable `if let`, unreachable or single-arm
/// patterns) fires in the user's crate.
fn dispatch(
    scrutinee: TokenStream,
    arms: Vec<Arm>,
    variants: usize,
    rest: Option<TokenStream>,
    otherwise: &TokenStream,
) -> TokenStream {
    let covers_all = arms.len() >= variants;
    match arms.as_slice() {
        [] => quote!(#otherwise),
        [Arm { pattern, body }] if covers_all => quote! {
            let #pattern = #scrutinee;
            #body
        },
        [Arm { pattern, body }] if rest.is_none() && otherwise.is_empty() => quote! {
            if let #pattern = #scrutinee {
                #body
            }
        },
        [Arm { pattern, body }] if rest.is_none() => quote! {
            if let #pattern = #scrutinee {
                #body
            } else {
                #otherwise
            }
        },
        arms => {
            let patterns = arms.iter().map(|arm| &arm.pattern);
            let bodies = arms.iter().map(|arm| &arm.body);
            let rest = rest.unwrap_or_else(|| quote!(_));
            let rest = (!covers_all)
                .then(|| quote!(#rest => { #otherwise }))
                .into_iter();
            quote! {
                match #scrutinee {
                    #(#patterns => { #bodies })*
                    #(#rest)*
                }
            }
        }
    }
}

/// The fields of `variant` that a reset in place touches.
fn touched<'v, 'a>(variant: &'v Variant<'a>) -> Vec<&'v Field<'a>> {
    variant
        .fields
        .iter()
        .filter(|field| field.reset_in_place())
        .collect()
}

/// An enum's `reset` body, and whether it calls `Default::default()` (through the
/// `ResetToDefault` trait of [`fresh_trait`]).
pub(crate) struct EnumReset {
    pub(crate) body: TokenStream,
    pub(crate) fresh: bool,
}

/// An enum's `reset`: first the wipe of every `zeroize` field of the current variant (which a
/// change of variant would otherwise drop unwiped), then:
/// - the fresh variant is known and has no field (a `#[default]` unit variant): assign it,
///   without calling `Default::default()`;
/// - the enum has one variant and no field of it is `default`: reset its fields in place;
/// - otherwise build `Default::default()`; if the value already is its variant, reset the
///   fields in place (a `default` field swapped with the fresh value's), else swap the whole
///   value with the fresh one (which drops the old one).
pub(crate) fn enum_reset(data: &Enum<'_>, ident: &Ident, krate: &Path) -> EnumReset {
    let span = at(ident.span());
    let wipe_arms: Vec<Arm> = data
        .variants
        .iter()
        .filter_map(|variant| {
            let wiped: Vec<&Field<'_>> = variant
                .fields
                .iter()
                .filter(|field| field.attrs.zeroize.is_some())
                .collect();
            if wiped.is_empty() {
                return None;
            }
            let pattern = variant_pattern(variant, &wiped, "__self_");
            let body = wiped
                .iter()
                .map(|field| wipe_field(field, krate, &Access::Binding(binding(field, "__self_"))));
            Some(Arm {
                pattern,
                body: quote!(#(#body)*),
            })
        })
        .collect();
    let wipe = dispatch(
        quote!(&mut *self),
        wipe_arms,
        data.variants.len(),
        None,
        &quote!(),
    );
    // In a block: the bindings of a one-variant `let` end with it.
    let wipe = if wipe.is_empty() {
        wipe
    } else {
        quote!({ #wipe })
    };
    let fresh_value = quote_spanned!(span=> <Self as ResetToDefault>::__fresh());

    let has_default = |variant: &Variant<'_>| {
        variant
            .fields
            .iter()
            .any(|field| field.attrs.default.is_some())
    };

    if let Some(variant) = data.fresh_variant() {
        if variant.fields.is_empty() {
            let variant = variant.ident;
            return EnumReset {
                body: quote!(#wipe *self = Self::#variant {};),
                fresh: false,
            };
        }
        if data.variants.len() == 1 && !has_default(variant) {
            let fields = touched(variant);
            let pattern = variant_pattern(variant, &fields, "__self_");
            let body = fields.iter().map(|field| {
                reset_in_place(
                    field,
                    krate,
                    &Access::Binding(binding(field, "__self_")),
                    None,
                )
            });
            let arm = Arm {
                pattern,
                body: quote!(#(#body)*),
            };
            // One variant: `dispatch` writes an irrefutable `let`.
            let reset = dispatch(quote!(self), vec![arm], 1, None, &quote!());
            return EnumReset {
                body: quote!(#wipe #reset),
                fresh: false,
            };
        }
    }

    let candidates: Vec<&Variant<'_>> = match data.fresh_variant() {
        Some(variant) => vec![variant],
        None => data.variants.iter().collect(),
    };
    let arms: Vec<Arm> = candidates
        .into_iter()
        .filter_map(|variant| {
            let fields = touched(variant);
            if fields.is_empty() {
                return None;
            }
            let swapped: Vec<&Field<'_>> = fields
                .iter()
                .copied()
                .filter(|field| field.attrs.default.is_some())
                .collect();
            let mine = variant_pattern(variant, &fields, "__self_");
            let theirs = variant_pattern(variant, &swapped, "__fresh_");
            let body = fields.iter().map(|field| {
                let fresh = binding(field, "__fresh_");
                reset_in_place(
                    field,
                    krate,
                    &Access::Binding(binding(field, "__self_")),
                    Some(&fresh),
                )
            });
            Some(Arm {
                pattern: quote!((#mine, #theirs)),
                body: quote!(#(#body)*),
            })
        })
        .collect();
    if arms.is_empty() {
        return EnumReset {
            body: quote!(#wipe *self = #fresh_value;),
            fresh: true,
        };
    }
    // A pair of different variants is never covered by the arms: only a one-variant enum's
    // arms cover every pair.
    let pairs = if data.variants.len() == 1 {
        1
    } else {
        usize::MAX
    };
    let reset = dispatch(
        quote!((&mut *self, &mut __fresh)),
        arms,
        pairs,
        Some(quote!((__self, __fresh))),
        &quote!(::core::mem::swap(__self, __fresh);),
    );
    EnumReset {
        body: quote! {
            #wipe
            let mut __fresh: Self = #fresh_value;
            #reset
        },
        fresh: true,
    }
}

#[cfg(test)]
mod tests {
    use proc_macro2::TokenStream;
    use quote::quote;
    use syn::DeriveInput;

    fn expand(input: TokenStream) -> String {
        let node: DeriveInput = syn::parse2(input).unwrap();
        crate::expand::derive(&node).to_string()
    }

    #[test]
    fn a_unit_default_variant_is_assigned_after_the_wipe_without_default() {
        let out = expand(quote! {
            enum E { #[default] A, B(Vec<u8>), C(#[poolable(zeroize)] String) }
        });
        let wipe = out
            .find("if let Self :: C { 0 : __self_0 , .. } = & mut * self { :: pool_core :: Wipe :: wipe (__self_0) ; }")
            .expect(&out);
        let assign = out.find("* self = Self :: A { } ;").expect(&out);
        assert!(wipe < assign, "{out}");
        assert!(!out.contains("__fresh"), "{out}");
        assert!(
            out.contains("fn retained_bytes (& self) -> usize { 0 }"),
            "{out}"
        );
        // `B` and `C` are always dropped by a reset: no bound, no `Poolable` call on them.
        assert!(!out.contains("Poolable :: reset"), "{out}");
    }

    #[test]
    fn a_hand_written_default_is_asked_and_compared_by_variant() {
        let out = expand(quote! {
            enum E<T> { A { v: Vec<T>, #[poolable(default)] n: u32 }, B(String), C }
        });
        assert!(out.contains("const _ : () ="), "{out}");
        assert!(
            out.contains("where Vec < T > : :: pool_core :: Poolable , E < T > : :: core :: default :: Default"),
            "{out}"
        );
        assert!(
            out.contains("let mut __fresh : Self = < Self as ResetToDefault > :: __fresh () ;"),
            "{out}"
        );
        assert!(
            out.contains("match (& mut * self , & mut __fresh) {"),
            "{out}"
        );
        assert!(out.contains(
            "(Self :: A { v : __self_0 , n : __self_1 , .. } , Self :: A { n : __fresh_1 , .. }) => { :: pool_core :: Poolable :: reset (__self_0) ; :: core :: mem :: swap (__self_1 , __fresh_1) ; }"
        ), "{out}");
        assert!(
            out.contains("(__self , __fresh) => { :: core :: mem :: swap (__self , __fresh) ; }"),
            "{out}"
        );
        assert!(out.contains(
            "match self { Self :: A { v : __self_0 , .. } => { :: pool_core :: Poolable :: retained_bytes (__self_0) } Self :: B { 0 : __self_0 , .. } => { :: pool_core :: Poolable :: retained_bytes (__self_0) } _ => { 0 } }"
        ), "{out}");
    }

    #[test]
    fn attributes_that_mean_nothing_on_an_enum_are_errors() {
        let out = expand(quote! {
            enum E {
                #[default] A,
                #[poolable(default)] B(#[poolable(max_capacity = 4)] Vec<u8>),
                C { #[poolable(skip)] s: u8, #[poolable(retained_bytes = f, zeroize)] t: Vec<u8> },
            }
        });
        assert_eq!(out.matches("compile_error").count(), 4, "{out}");
        assert!(
            out.contains("`#[poolable]` has no meaning on a variant"),
            "{out}"
        );
        assert!(
            out.contains("`max_capacity` has no effect on a field of `B`"),
            "{out}"
        );
        assert!(
            out.contains("`retained_bytes` has no effect on a field of `C`"),
            "{out}"
        );
        assert!(
            out.contains("`skip` cannot keep a variant's field"),
            "{out}"
        );
    }
}
