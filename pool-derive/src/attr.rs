//! Parsing of `#[poolable(...)]` attributes, on the container and on fields.
//!
//! Mistakes are pushed to [`Errors`] and parsing goes on wherever the rest of the attribute can
//! still be read, so one build reports every mistake.

use proc_macro2::Span;
use syn::meta::ParseNestedMeta;
use syn::parse::ParseStream;
use syn::punctuated::Punctuated;
use syn::{Attribute, Lit, LitStr, Meta, Path, Token, WherePredicate};

use crate::ctxt::Errors;

/// Keys accepted on a field.
const FIELD_KEYS: &str =
    "`skip`, `default`, `reset_with`, `retained_bytes`, `max_capacity` or `zeroize`";
/// Keys accepted on the struct or enum.
const CONTAINER_KEYS: &str = "`crate` or `bound`";

/// A key that was set, with where it was written and in which order (for conflict spans).
pub(crate) struct Key<T> {
    /// The span of the key itself (`skip` in `#[poolable(skip)]`).
    pub(crate) span: Span,
    /// Position among the field's keys, so a conflict is reported on the later one.
    pub(crate) order: usize,
    /// The key's value.
    pub(crate) value: T,
}

/// `#[poolable(...)]` on a field.
#[derive(Default)]
pub(crate) struct FieldAttrs {
    pub(crate) skip: Option<Key<()>>,
    pub(crate) default: Option<Key<()>>,
    pub(crate) reset_with: Option<Key<Path>>,
    pub(crate) retained_bytes: Option<Key<Path>>,
    pub(crate) max_capacity: Option<Key<syn::LitInt>>,
    pub(crate) zeroize: Option<Key<()>>,
}

/// `#[poolable(...)]` on the struct or enum.
#[derive(Default)]
pub(crate) struct ContainerAttrs {
    pub(crate) krate: Option<Key<Path>>,
    pub(crate) bound: Option<Key<Vec<WherePredicate>>>,
}

/// The `#[poolable(...)]` attributes among `attrs`, with the malformed ones (`#[poolable]`,
/// `#[poolable = ...]`) reported and left out.
fn poolable_attrs<'a>(attrs: &'a [Attribute], errors: &mut Errors) -> Vec<&'a Attribute> {
    let mut found = Vec::new();
    for attr in attrs.iter().filter(|attr| attr.path().is_ident("poolable")) {
        match &attr.meta {
            Meta::List(_) => found.push(attr),
            Meta::Path(_) | Meta::NameValue(_) => errors.push(syn::Error::new_spanned(
                attr,
                "malformed `#[poolable]` attribute; write its keys in parentheses, e.g. `#[poolable(skip)]`",
            )),
        }
    }
    found
}

/// Stores `value` under `slot`, or reports a duplicate on the second key.
fn set<T>(
    slot: &mut Option<Key<T>>,
    meta: &ParseNestedMeta<'_>,
    order: &mut usize,
    value: T,
    errors: &mut Errors,
) {
    let span = key_span(meta);
    if slot.is_some() {
        errors.push(syn::Error::new(
            span,
            format!("duplicate `{}` attribute; remove this one", key_name(meta)),
        ));
        return;
    }
    *order += 1;
    *slot = Some(Key {
        span,
        order: *order,
        value,
    });
}

fn key_span(meta: &ParseNestedMeta<'_>) -> Span {
    syn::spanned::Spanned::span(&meta.path)
}

fn key_name(meta: &ParseNestedMeta<'_>) -> String {
    let mut name = String::new();
    for (i, segment) in meta.path.segments.iter().enumerate() {
        if i > 0 {
            name.push_str("::");
        }
        name.push_str(&segment.ident.to_string());
    }
    name
}

/// A key that takes no value, such as `skip`: `skip = true` or `skip(...)` is an error.
fn flag(meta: &ParseNestedMeta<'_>) -> syn::Result<()> {
    if meta.input.peek(Token![=]) || meta.input.peek(syn::token::Paren) {
        let name = key_name(meta);
        return Err(meta.error(format_args!(
            "`{name}` takes no value; write `#[poolable({name})]`"
        )));
    }
    Ok(())
}

/// `key = path`, e.g. `reset_with = String::clear` or `crate = my_crate::pool_core`.
fn path_value(meta: &ParseNestedMeta<'_>, example: &str) -> syn::Result<Path> {
    let name = key_name(meta);
    if !meta.input.peek(Token![=]) {
        return Err(meta.error(format_args!(
            "`{name}` needs a path; write `#[poolable({name} = {example})]`"
        )));
    }
    let input = meta.value()?;
    if input.peek(Lit) {
        let lit: Lit = input.parse()?;
        let hint = match &lit {
            Lit::Str(s) => format!("write the path without quotes: `{name} = {}`", s.value()),
            _ => format!("write `#[poolable({name} = {example})]`"),
        };
        return Err(syn::Error::new(
            lit.span(),
            format!("`{name}` takes a path, not a literal; {hint}"),
        ));
    }
    input.parse::<Path>().map_err(|err| {
        syn::Error::new(
            err.span(),
            format!("`{name}` takes a path; write `#[poolable({name} = {example})]`"),
        )
    })
}

/// `max_capacity = N` with `N` a non-negative integer literal, unsuffixed or `usize`.
fn max_capacity_value(meta: &ParseNestedMeta<'_>) -> syn::Result<syn::LitInt> {
    const USAGE: &str = "write an element count such as `#[poolable(max_capacity = 4096)]`";
    if !meta.input.peek(Token![=]) {
        return Err(meta.error(format_args!("`max_capacity` needs a value; {USAGE}")));
    }
    let input = meta.value()?;
    if input.peek(Token![-]) {
        let minus: Token![-] = input.parse()?;
        let number: Lit = input.parse()?;
        return Err(syn::Error::new_spanned(
            quote::quote!(#minus #number),
            format!("`max_capacity` cannot be negative; {USAGE}"),
        ));
    }
    let lit = match input.parse::<Lit>() {
        Ok(Lit::Int(lit)) => lit,
        Ok(other) => {
            return Err(syn::Error::new(
                other.span(),
                format!("`max_capacity` must be an integer literal; {USAGE}"),
            ));
        }
        Err(err) => {
            return Err(syn::Error::new(
                err.span(),
                format!("`max_capacity` must be an integer literal; {USAGE}"),
            ));
        }
    };
    if !matches!(lit.suffix(), "" | "usize") {
        return Err(syn::Error::new(
            lit.span(),
            format!(
                "`max_capacity` is a `usize`; remove the `{}` suffix",
                lit.suffix()
            ),
        ));
    }
    if let Err(err) = lit.base10_parse::<usize>() {
        return Err(syn::Error::new(
            lit.span(),
            format!("`max_capacity` does not fit in a `usize`: {err}"),
        ));
    }
    Ok(lit)
}

/// `bound = "T: Trait, U: Other"`: where-predicates in a string.
fn bound_value(meta: &ParseNestedMeta<'_>) -> syn::Result<Vec<WherePredicate>> {
    const USAGE: &str =
        "write where-predicates in a string, e.g. `#[poolable(bound = \"T: Default\")]`";
    if !meta.input.peek(Token![=]) {
        return Err(meta.error(format_args!("`bound` needs a value; {USAGE}")));
    }
    let input = meta.value()?;
    let lit: LitStr = match input.parse() {
        Ok(lit) => lit,
        Err(err) => {
            return Err(syn::Error::new(
                err.span(),
                format!("`bound` takes a string; {USAGE}"),
            ));
        }
    };
    let predicates = lit
        .parse_with(|input: ParseStream<'_>| {
            Punctuated::<WherePredicate, Token![,]>::parse_terminated(input)
        })
        .map_err(|err| {
            syn::Error::new(
                lit.span(),
                format!("`bound` is not a list of where-predicates ({err}); {USAGE}"),
            )
        })?;
    Ok(predicates.into_iter().collect())
}

impl FieldAttrs {
    /// Parses every `#[poolable(...)]` on a field of `item` (`"struct"` or `"enum"`, for
    /// messages).
    pub(crate) fn from_attrs(attrs: &[Attribute], item: &str, errors: &mut Errors) -> Self {
        let mut out = FieldAttrs::default();
        let mut order = 0;
        for attr in poolable_attrs(attrs, errors) {
            let result = attr.parse_nested_meta(|meta| {
                if meta.path.is_ident("skip") {
                    // #[poolable(skip)]
                    flag(&meta)?;
                    set(&mut out.skip, &meta, &mut order, (), errors);
                } else if meta.path.is_ident("default") {
                    // #[poolable(default)]
                    flag(&meta)?;
                    set(&mut out.default, &meta, &mut order, (), errors);
                } else if meta.path.is_ident("zeroize") {
                    // #[poolable(zeroize)]
                    flag(&meta)?;
                    set(&mut out.zeroize, &meta, &mut order, (), errors);
                } else if meta.path.is_ident("reset_with") {
                    // #[poolable(reset_with = path::to::function)]
                    let path = path_value(&meta, "path::to::function")?;
                    set(&mut out.reset_with, &meta, &mut order, path, errors);
                } else if meta.path.is_ident("retained_bytes") {
                    // #[poolable(retained_bytes = path::to::function)]
                    let path = path_value(&meta, "path::to::function")?;
                    set(&mut out.retained_bytes, &meta, &mut order, path, errors);
                } else if meta.path.is_ident("max_capacity") {
                    // #[poolable(max_capacity = 4096)]
                    let lit = max_capacity_value(&meta)?;
                    set(&mut out.max_capacity, &meta, &mut order, lit, errors);
                } else if meta.path.is_ident("crate") || meta.path.is_ident("bound") {
                    // #[poolable(crate = ...)] or #[poolable(bound = ...)]: wrong place. Read the
                    // value anyway so that the keys after it are still checked.
                    let name = key_name(&meta);
                    errors.push(meta.error(format_args!(
                        "`{name}` is a container attribute; put `#[poolable({name} = ...)]` on the {item}, not on a field"
                    )));
                    if name == "crate" {
                        path_value(&meta, "path::to::pool_core")?;
                    } else {
                        bound_value(&meta)?;
                    }
                } else {
                    return Err(meta.error(format_args!(
                        "unknown `poolable` attribute `{}`; expected {FIELD_KEYS}",
                        key_name(&meta)
                    )));
                }
                Ok(())
            });
            if let Err(err) = result {
                errors.push(err);
            }
        }
        out
    }
}

impl ContainerAttrs {
    /// Parses every `#[poolable(...)]` on the container, `item` (`"struct"`, `"enum"` or
    /// `"union"`, for messages).
    pub(crate) fn from_attrs(attrs: &[Attribute], item: &str, errors: &mut Errors) -> Self {
        let mut out = ContainerAttrs::default();
        let mut order = 0;
        for attr in poolable_attrs(attrs, errors) {
            let result = attr.parse_nested_meta(|meta| {
                if meta.path.is_ident("crate") {
                    // #[poolable(crate = path::to::pool_core)]
                    let path = path_value(&meta, "path::to::pool_core")?;
                    set(&mut out.krate, &meta, &mut order, path, errors);
                } else if meta.path.is_ident("bound") {
                    // #[poolable(bound = "T: Trait, U: Other")]
                    let predicates = bound_value(&meta)?;
                    set(&mut out.bound, &meta, &mut order, predicates, errors);
                } else if [
                    "skip",
                    "default",
                    "zeroize",
                    "reset_with",
                    "retained_bytes",
                    "max_capacity",
                ]
                    .iter()
                    .any(|key| meta.path.is_ident(key))
                {
                    // A field attribute on the container: report it and read its value, if any.
                    let name = key_name(&meta);
                    errors.push(meta.error(format_args!(
                        "`{name}` is a field attribute; put `#[poolable({name})]` on a field, not on the {item}"
                    )));
                    if meta.input.peek(Token![=]) {
                        let input = meta.value()?;
                        let _: syn::Expr = input.parse()?;
                    }
                } else {
                    return Err(meta.error(format_args!(
                        "unknown `poolable` container attribute `{}`; expected {CONTAINER_KEYS}",
                        key_name(&meta)
                    )));
                }
                Ok(())
            });
            if let Err(err) = result {
                errors.push(err);
            }
        }
        out
    }
}

/// `#[poolable(...)]` on an enum variant: no key has a meaning there, so each such attribute
/// is reported, on the whole attribute.
pub(crate) fn refuse_on_variant(attrs: &[Attribute], errors: &mut Errors) {
    for attr in attrs.iter().filter(|attr| attr.path().is_ident("poolable")) {
        errors.push(syn::Error::new_spanned(
            attr,
            "`#[poolable]` has no meaning on a variant; put field attributes on the variant's \
             fields and container attributes on the enum",
        ));
    }
}
