//! Checks across attributes and field types, after parsing.

use proc_macro2::Span;
use syn::{Ident, Path, Type};

use crate::ast::{Body, Field, Input, Place};
use crate::attr::Key;
use crate::ctxt::Errors;

/// The attributes that let a struct field of a type that cannot be reset through `Poolable`
/// through, by safety: the ways to reset it first, `skip` (the next user gets the value) last.
const ESCAPES: &str = "use `#[poolable(default)]` or `#[poolable(reset_with = path)]`, or mark it \
                       `#[poolable(skip)]` to keep it across reuses";
/// The same for a variant's field, which cannot be kept across a change of variant.
const VARIANT_ESCAPES: &str = "use `#[poolable(default)]` or `#[poolable(reset_with = path)]`";
/// What a struct that holds a `!Send` field can be pooled in.
const NOT_SEND: &str = "is not `Send`, so pool the value in a `LocalPool`, not a `Pool`";

impl Input<'_> {
    pub(crate) fn validate(&self, errors: &mut Errors) {
        match &self.body {
            Body::Struct(fields) => {
                for field in fields {
                    field.validate(None, errors);
                }
            }
            Body::Enum(data) => {
                let fresh = data.fresh_variant().map(|variant| variant.ident);
                for variant in &data.variants {
                    for field in &variant.fields {
                        field.validate(Some((variant.ident, fresh)), errors);
                    }
                }
            }
            Body::Union => {}
        }
    }
}

/// A set key, reduced to what conflict checks need.
struct Set {
    name: &'static str,
    span: Span,
    order: usize,
}

fn set<T>(name: &'static str, key: Option<&Key<T>>) -> Option<Set> {
    key.map(|key| Set {
        name,
        span: key.span,
        order: key.order,
    })
}

/// Reports a conflict between `a` and `b` on whichever was written second.
fn conflict(a: &Option<Set>, b: &Option<Set>, fix: &str, errors: &mut Errors) {
    if let (Some(a), Some(b)) = (a, b) {
        let (first, second) = if a.order < b.order { (a, b) } else { (b, a) };
        errors.push(syn::Error::new(
            second.span,
            format!("`{}` conflicts with `{}`; {fix}", second.name, first.name),
        ));
    }
}

impl Field<'_> {
    /// `variant` is the field's variant and the enum's known fresh variant, for a variant's
    /// field; `None` for a struct's.
    fn validate(&self, variant: Option<(&Ident, Option<&Ident>)>, errors: &mut Errors) {
        let attrs = &self.attrs;
        let skip = set("skip", attrs.skip.as_ref());
        let default = set("default", attrs.default.as_ref());
        let reset_with = set("reset_with", attrs.reset_with.as_ref());
        let retained_bytes = set("retained_bytes", attrs.retained_bytes.as_ref());
        let max_capacity = set("max_capacity", attrs.max_capacity.as_ref());
        let zeroize = set("zeroize", attrs.zeroize.as_ref());

        if variant.is_none() {
            let skip_fix = "a skipped field is left as it is, so remove one of them";
            conflict(&skip, &default, skip_fix, errors);
            conflict(&skip, &reset_with, skip_fix, errors);
            conflict(&skip, &max_capacity, skip_fix, errors);
            conflict(&skip, &zeroize, skip_fix, errors);
        } else if let Some(skip) = &skip {
            // A variant's field is replaced whenever a reset changes the variant: "leave it as
            // it is" cannot be kept, so `skip` has no sound meaning there.
            errors.push(syn::Error::new(
                skip.span,
                format!(
                    "`skip` cannot keep a variant's field: a reset that changes the variant \
                     replaces it; {VARIANT_ESCAPES}"
                ),
            ));
        }

        if let Some((this, Some(fresh))) = variant
            && self.place == Place::Dropped
        {
            // A reset always replaces this variant with the `#[default]` one: only a wipe
            // before the drop does anything to the field.
            for key in [&default, &reset_with, &retained_bytes, &max_capacity]
                .into_iter()
                .flatten()
            {
                errors.push(syn::Error::new(
                    key.span,
                    format!(
                        "`{}` has no effect on a field of `{this}`: a reset replaces it with \
                         the `#[default]` variant `{fresh}`, dropping this field; remove `{}`",
                        key.name, key.name
                    ),
                ));
            }
            return;
        }

        conflict(
            &default,
            &reset_with,
            "choose one way to reset the field",
            errors,
        );
        conflict(
            &default,
            &max_capacity,
            "`default` drops the allocation anyway, so remove `max_capacity`",
            errors,
        );

        // Reference, shared and pointer types: only an explicit choice lets them through.
        if self.uses_poolable()
            && let Some(message) = unresettable(self.ty, variant.is_some())
        {
            errors.push(syn::Error::new_spanned(self.ty, message));
        }

        // A field default value (`field: T = expr`, unstable syntax) is what `Default` gives,
        // which neither `Poolable::reset` nor `#[poolable(default)]` restores.
        if attrs.skip.is_none()
            && attrs.reset_with.is_none()
            && let Some((_, expr)) = &self.original.default
        {
            let fix = if variant.is_some() {
                "mark the field `#[poolable(reset_with = path)]`"
            } else {
                "mark the field `#[poolable(reset_with = path)]` or `#[poolable(skip)]`"
            };
            errors.push(syn::Error::new_spanned(
                expr,
                format!("a field default value is not restored by `#[derive(Poolable)]`; {fix}"),
            ));
        }
    }
}

/// Why a field of type `ty` cannot be reset through `Poolable`, if it is one of the types that
/// must not be: references, raw pointers, `Rc`, `Arc` and `Weak`. `in_variant` picks the fix (a
/// variant's field cannot be `skip`ped); every attribute it names is one that fits the type
/// (a raw pointer has no `Default`), and a `!Send` type says which pool takes it.
fn unresettable(ty: &Type, in_variant: bool) -> Option<String> {
    let escapes = if in_variant { VARIANT_ESCAPES } else { ESCAPES };
    let owner = if in_variant { "enum" } else { "struct" };
    match ty {
        Type::Group(group) => unresettable(&group.elem, in_variant),
        Type::Paren(paren) => unresettable(&paren.elem, in_variant),
        Type::Reference(reference) => {
            let kind = if reference.mutability.is_some() {
                "mutable reference"
            } else {
                "reference"
            };
            Some(format!(
                "{kind} field cannot be reset: it borrows a value this {owner} does not own; {escapes}"
            ))
        }
        Type::Ptr(_) => {
            let escapes = if in_variant {
                "use `#[poolable(reset_with = path)]`, e.g. to set it to null"
            } else {
                "use `#[poolable(reset_with = path)]`, e.g. to set it to null, or mark it \
                 `#[poolable(skip)]` to keep it across reuses"
            };
            Some(format!(
                "raw pointer field cannot be reset: what it points to is not owned by this \
                 {owner}; {escapes}; a raw pointer {NOT_SEND}"
            ))
        }
        Type::Path(path) if path.qself.is_none() => match shared_handle(&path.path)? {
            // `rc::Weak` is not `Send`; a bare `Weak` may be either.
            "Weak" if path.path.segments.iter().any(|s| s.ident == "rc") => Some(format!(
                "`Weak` field cannot be reset: it points to a value owned elsewhere; {escapes}; \
                 an `rc::Weak` {NOT_SEND}"
            )),
            "Weak" => Some(format!(
                "`Weak` field cannot be reset: it points to a value owned elsewhere; {escapes}"
            )),
            "Rc" => Some(format!(
                "`Rc` field cannot be reset: its value is shared with other owners; {}; an `Rc` \
                 {NOT_SEND}",
                if in_variant {
                    VARIANT_ESCAPES
                } else {
                    "use `#[poolable(default)]` or `#[poolable(reset_with = path)]`, or mark it \
                     `#[poolable(skip)]` to keep the handle across reuses"
                }
            )),
            name if in_variant => Some(format!(
                "`{name}` field cannot be reset: its value is shared with other owners; {escapes}"
            )),
            name => Some(format!(
                "`{name}` field cannot be reset: its value is shared with other owners; use \
                 `#[poolable(default)]` or `#[poolable(reset_with = path)]`, or mark it \
                 `#[poolable(skip)]` to keep the handle across reuses (the next user shares its \
                 value: for a config, not for per-request state)"
            )),
        },
        _ => None,
    }
}

/// Whether `ty` is one of the `!Send` types the derive refuses (`Rc`, `rc::Weak`, a raw
/// pointer), whose message already says to pool the value in a `LocalPool`.
pub(crate) fn refused_not_send(ty: &Type) -> bool {
    match ty {
        Type::Group(group) => refused_not_send(&group.elem),
        Type::Paren(paren) => refused_not_send(&paren.elem),
        Type::Ptr(_) => true,
        Type::Path(path) if path.qself.is_none() => match shared_handle(&path.path) {
            Some("Rc") => true,
            Some("Weak") => path.path.segments.iter().any(|s| s.ident == "rc"),
            _ => false,
        },
        _ => false,
    }
}

/// `Rc`, `Arc` or `Weak` if `path` names one of std's shared handles: bare (`Arc<T>`), through
/// its module (`sync::Arc<T>`) or in full (`std::sync::Arc<T>`, `::alloc::rc::Rc<T>`).
fn shared_handle(path: &Path) -> Option<&'static str> {
    let segments: Vec<String> = path.segments.iter().map(|s| s.ident.to_string()).collect();
    let (last, modules) = segments.split_last()?;
    let name = match last.as_str() {
        "Rc" => "Rc",
        "Arc" => "Arc",
        "Weak" => "Weak",
        _ => return None,
    };
    let module_ok = |m: &str| match name {
        "Rc" => m == "rc",
        "Arc" => m == "sync",
        _ => m == "rc" || m == "sync",
    };
    let known = match modules {
        [] => path.leading_colon.is_none(),
        [module] => path.leading_colon.is_none() && module_ok(module),
        [root, module] => matches!(root.as_str(), "std" | "alloc") && module_ok(module),
        _ => false,
    };
    known.then_some(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn why(ty: &str) -> Option<String> {
        unresettable(&syn::parse_str(ty).unwrap(), false)
    }

    #[test]
    fn shared_handles_are_recognised_by_path() {
        for ty in [
            "Arc<u8>",
            "sync::Arc<u8>",
            "std::sync::Arc<u8>",
            "::std::sync::Arc<u8>",
            "alloc::sync::Arc<u8>",
            "Rc<u8>",
            "std::rc::Rc<u8>",
            "std::rc::Weak<u8>",
            "Weak<u8>",
            "(Arc<u8>)",
        ] {
            assert!(why(ty).is_some(), "{ty}");
        }
        for ty in [
            "my::Arc<u8>",
            "std::rc::Arc<u8>",
            "Option<Arc<u8>>",
            "ArcStr",
            "Vec<u8>",
        ] {
            assert!(why(ty).is_none(), "{ty}");
        }
    }

    #[test]
    fn advice_fits_the_type() {
        // `!Send` handles name the pool that takes them.
        for ty in [
            "Rc<u8>",
            "std::rc::Rc<u8>",
            "rc::Weak<u8>",
            "*const u8",
            "*mut u8",
        ] {
            assert!(why(ty).unwrap().contains("`LocalPool`"), "{ty}");
        }
        for ty in ["Arc<u8>", "sync::Weak<u8>", "Weak<u8>", "&'a str"] {
            assert!(!why(ty).unwrap().contains("LocalPool"), "{ty}");
        }
        // A raw pointer has no `Default`; a variant's field cannot be skipped.
        assert!(!why("*const u8").unwrap().contains("default"));
        let in_variant = |ty: &str| unresettable(&syn::parse_str(ty).unwrap(), true).unwrap();
        for ty in ["Rc<u8>", "Arc<u8>", "*const u8", "&'a str"] {
            assert!(!in_variant(ty).contains("skip"), "{ty}");
        }
        // `skip`, which hands the value to the next user, comes last.
        for ty in ["Rc<u8>", "Arc<u8>", "Weak<u8>", "&'a str", "*const u8"] {
            let why = why(ty).unwrap();
            assert!(why.find("skip") > why.find("reset_with"), "{ty}: {why}");
        }
    }

    #[test]
    fn references_and_pointers_are_refused() {
        assert!(why("&'a str").unwrap().starts_with("reference field"));
        assert!(
            why("&mut Vec<u8>")
                .unwrap()
                .starts_with("mutable reference field")
        );
        assert!(why("*const u8").unwrap().starts_with("raw pointer field"));
        assert!(why("*mut u8").is_some());
    }
}
