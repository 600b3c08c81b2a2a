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
/// The same keys, for "did you mean".
const FIELD_KEY_NAMES: &[&str] = &[
    "skip",
    "default",
    "reset_with",
    "retained_bytes",
    "max_capacity",
    "zeroize",
];
const CONTAINER_KEY_NAMES: &[&str] = &["crate", "bound"];

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
                if let Err(err) = out.parse_key(&meta, &mut order, item, errors) {
                    errors.push(err);
                    skip_rest_of_key(&meta)?;
                }
                Ok(())
            });
            if let Err(err) = result {
                errors.push(err);
            }
        }
        out
    }

    /// One key of a field's `#[poolable(...)]`. An `Err` is the key's own mistake: the caller
    /// reports it and goes on with the next key.
    fn parse_key(
        &mut self,
        meta: &ParseNestedMeta<'_>,
        order: &mut usize,
        item: &str,
        errors: &mut Errors,
    ) -> syn::Result<()> {
        if meta.path.is_ident("skip") {
            // #[poolable(skip)]
            flag(meta)?;
            set(&mut self.skip, meta, order, (), errors);
        } else if meta.path.is_ident("default") {
            // #[poolable(default)]
            flag(meta)?;
            set(&mut self.default, meta, order, (), errors);
        } else if meta.path.is_ident("zeroize") {
            // #[poolable(zeroize)]
            flag(meta)?;
            set(&mut self.zeroize, meta, order, (), errors);
        } else if meta.path.is_ident("reset_with") {
            // #[poolable(reset_with = path::to::function)]
            let path = path_value(meta, "path::to::function")?;
            set(&mut self.reset_with, meta, order, path, errors);
        } else if meta.path.is_ident("retained_bytes") {
            // #[poolable(retained_bytes = path::to::function)]
            let path = path_value(meta, "path::to::function")?;
            set(&mut self.retained_bytes, meta, order, path, errors);
        } else if meta.path.is_ident("max_capacity") {
            // #[poolable(max_capacity = 4096)]
            let lit = max_capacity_value(meta)?;
            set(&mut self.max_capacity, meta, order, lit, errors);
        } else if meta.path.is_ident("crate") || meta.path.is_ident("bound") {
            // #[poolable(crate = ...)] or #[poolable(bound = ...)]: wrong place (the caller
            // skips the value).
            let name = key_name(meta);
            return Err(meta.error(format_args!(
                "`{name}` is a container attribute; put `#[poolable({name} = ...)]` on the {item}, not on a field"
            )));
        } else {
            return Err(unknown_key(meta, FIELD_KEY_NAMES, FIELD_KEYS, ""));
        }
        Ok(())
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
                if let Err(err) = out.parse_key(&meta, &mut order, item, errors) {
                    errors.push(err);
                    skip_rest_of_key(&meta)?;
                }
                Ok(())
            });
            if let Err(err) = result {
                errors.push(err);
            }
        }
        out
    }

    /// One key of the container's `#[poolable(...)]`, like [`FieldAttrs::parse_key`].
    fn parse_key(
        &mut self,
        meta: &ParseNestedMeta<'_>,
        order: &mut usize,
        item: &str,
        errors: &mut Errors,
    ) -> syn::Result<()> {
        if meta.path.is_ident("crate") {
            // #[poolable(crate = path::to::pool_core)]
            let path = path_value(meta, "path::to::pool_core")?;
            set(&mut self.krate, meta, order, path, errors);
        } else if meta.path.is_ident("bound") {
            // #[poolable(bound = "T: Trait, U: Other")]
            let predicates = bound_value(meta)?;
            set(&mut self.bound, meta, order, predicates, errors);
        } else if FIELD_KEY_NAMES.iter().any(|key| meta.path.is_ident(key)) {
            // A field attribute on the container (the caller skips its value, if any).
            let name = key_name(meta);
            return Err(meta.error(format_args!(
                "`{name}` is a field attribute; put `#[poolable({name})]` on a field, not on the {item}"
            )));
        } else {
            return Err(unknown_key(
                meta,
                CONTAINER_KEY_NAMES,
                CONTAINER_KEYS,
                " container",
            ));
        }
        Ok(())
    }
}

/// After a mistake in one key, skips what is left of it (its value) up to the `,` before the
/// next key, so that the keys after it are still read and checked.
fn skip_rest_of_key(meta: &ParseNestedMeta<'_>) -> syn::Result<()> {
    while !meta.input.is_empty() && !meta.input.peek(Token![,]) {
        meta.input.parse::<proc_macro2::TokenTree>()?;
    }
    Ok(())
}

/// The error for a key that is none of `names`: "did you mean" the nearest one when it is a
/// likely typo, else the list of keys (`expected`).
fn unknown_key(
    meta: &ParseNestedMeta<'_>,
    names: &[&str],
    expected: &str,
    kind: &str,
) -> syn::Error {
    let name = key_name(meta);
    match did_you_mean(&name, names) {
        Some(near) => meta.error(format_args!(
            "unknown `poolable`{kind} attribute `{name}`; did you mean `{near}`?"
        )),
        None => meta.error(format_args!(
            "unknown `poolable`{kind} attribute `{name}`; expected {expected}"
        )),
    }
}

/// The key among `names` nearest to `name`, if it is near enough to be a typo of it: at most
/// one edit per three characters (`max_capcity` for `max_capacity`, `defualt` for `default`).
fn did_you_mean<'n>(name: &str, names: &[&'n str]) -> Option<&'n str> {
    names
        .iter()
        .map(|candidate| (edit_distance(name, candidate), *candidate))
        .filter(|(distance, candidate)| *distance > 0 && *distance <= candidate.len().max(3) / 3)
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, candidate)| candidate)
}

/// Levenshtein distance, with a swap of two neighbouring characters counted as one edit.
fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    // d[i][j]: the distance between a[..i] and b[..j].
    let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (d[i - 1][j] + 1)
                .min(d[i][j - 1] + 1)
                .min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(d[i - 2][j - 2] + 1);
            }
            d[i][j] = best;
        }
    }
    d[a.len()][b.len()]
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

/// `#[repr(packed)]` or `#[repr(packed(N))]` on a struct: its fields may sit unaligned, and a
/// reset takes `&mut` to each of them, which rustc refuses (E0793) inside the generated code.
/// Reported here on the `repr` attribute instead, with what to do.
pub(crate) fn refuse_packed(attrs: &[Attribute], errors: &mut Errors) {
    for attr in attrs.iter().filter(|attr| attr.path().is_ident("repr")) {
        let mut packed = false;
        // A malformed `repr` is rustc's to report: read what can be read, ignore the rest.
        let _ = attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("packed") {
                packed = true;
            }
            if meta.input.peek(syn::token::Paren) {
                let _content;
                syn::parenthesized!(_content in meta.input);
            }
            Ok(())
        });
        if packed {
            errors.push(syn::Error::new_spanned(
                attr,
                "#[derive(Poolable)] cannot reset a `#[repr(packed)]` struct: its fields may be \
                 unaligned, and a reset borrows each one mutably; remove `packed`, or implement \
                 `Poolable` by hand (copy each field out, reset it, and write it back)",
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn near_misses_are_suggested_and_far_ones_are_not() {
        for (typo, key) in [
            ("max_capcity", "max_capacity"),
            ("max_capacities", "max_capacity"),
            ("defualt", "default"),
            ("skpi", "skip"),
            ("reset_width", "reset_with"),
            ("retained_byte", "retained_bytes"),
            ("zeroise", "zeroize"),
        ] {
            assert_eq!(did_you_mean(typo, FIELD_KEY_NAMES), Some(key), "{typo}");
        }
        for far in ["clear", "reuse", "x", "shrink", "skip"] {
            assert_eq!(did_you_mean(far, FIELD_KEY_NAMES), None, "{far}");
        }
        assert_eq!(did_you_mean("crat", CONTAINER_KEY_NAMES), Some("crate"));
        assert_eq!(did_you_mean("bund", CONTAINER_KEY_NAMES), Some("bound"));
    }
}
