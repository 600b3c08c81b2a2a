//! A typed view of the derive input: the struct or enum, its variants and fields and their
//! parsed attributes, each node keeping the `syn` node it came from for spans.

use syn::spanned::Spanned;
use syn::{Attribute, Data, DeriveInput, Fields, Ident, Index, Member, Type};

use crate::attr::{self, ContainerAttrs, FieldAttrs};
use crate::ctxt::Errors;

/// The struct or enum being derived.
pub(crate) struct Input<'a> {
    pub(crate) original: &'a DeriveInput,
    pub(crate) attrs: ContainerAttrs,
    pub(crate) body: Body<'a>,
}

/// What the input holds.
pub(crate) enum Body<'a> {
    /// A struct's fields.
    Struct(Vec<Field<'a>>),
    /// An enum's variants.
    Enum(Enum<'a>),
    /// A union, refused: nothing is generated from it.
    Union,
}

/// An enum: its variants, and the one a reset is known to return to, if the input says.
pub(crate) struct Enum<'a> {
    pub(crate) variants: Vec<Variant<'a>>,
    /// The index of the variant `Default::default()` is known to be: the only variant, or the
    /// variant without fields marked `#[default]`. `None` when only `Default` knows.
    pub(crate) fresh: Option<usize>,
}

/// One variant of an enum.
pub(crate) struct Variant<'a> {
    pub(crate) ident: &'a Ident,
    pub(crate) fields: Vec<Field<'a>>,
}

/// What a reset does to a field, as far as the enum's shape tells.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Place {
    /// A struct's field: reset in place.
    Struct,
    /// A field of a variant that a reset may keep (the variant `Default` returns, or any variant
    /// when that is not known): reset in place when the value already is that variant.
    Kept,
    /// A field of a variant a reset always replaces (the enum's fresh variant is another one):
    /// dropped, never reset in place.
    Dropped,
}

/// One field of the struct or of a variant.
pub(crate) struct Field<'a> {
    pub(crate) original: &'a syn::Field,
    pub(crate) attrs: FieldAttrs,
    /// `name` for a named field, `0`, `1`, ... for a tuple struct's or tuple variant's.
    pub(crate) member: Member,
    /// The field's position among its siblings, for the names of match bindings.
    pub(crate) index: usize,
    pub(crate) ty: &'a Type,
    /// The field's `#[cfg(...)]` attributes, copied onto every statement generated for it.
    pub(crate) cfgs: Vec<&'a Attribute>,
    pub(crate) place: Place,
}

impl<'a> Input<'a> {
    /// Builds the view, pushing attribute mistakes and the refusal of unions and of enums with
    /// no variant to `errors`. Container attributes are parsed whatever the data kind, so that
    /// the fallback impl can honour `crate = path`.
    pub(crate) fn from_syn(node: &'a DeriveInput, errors: &mut Errors) -> Self {
        let item = match &node.data {
            Data::Struct(_) => "struct",
            Data::Enum(_) => "enum",
            Data::Union(_) => "union",
        };
        let attrs = ContainerAttrs::from_attrs(&node.attrs, item, errors);
        let body = match &node.data {
            Data::Struct(data) => {
                attr::refuse_packed(&node.attrs, errors);
                Body::Struct(Field::multiple_from_syn(
                    &data.fields,
                    Place::Struct,
                    errors,
                ))
            }
            Data::Enum(data) => {
                if data.variants.is_empty() {
                    errors.push(syn::Error::new(
                        node.ident.span(),
                        "an enum with no variants has no value to reset; \
                         remove `#[derive(Poolable)]` or add a variant",
                    ));
                }
                Body::Enum(Enum::from_syn(data, errors))
            }
            Data::Union(data) => {
                errors.push(syn::Error::new(
                    data.union_token.span,
                    "#[derive(Poolable)] cannot reset a union: which field is live is not knowable; \
                     implement `Poolable` by hand",
                ));
                Body::Union
            }
        };
        Input {
            original: node,
            attrs,
            body,
        }
    }

    /// Every field, of the struct or of every variant.
    pub(crate) fn fields(&self) -> Box<dyn Iterator<Item = &Field<'a>> + '_> {
        match &self.body {
            Body::Struct(fields) => Box::new(fields.iter()),
            Body::Enum(data) => Box::new(data.variants.iter().flat_map(|v| v.fields.iter())),
            Body::Union => Box::new(std::iter::empty()),
        }
    }
}

impl<'a> Enum<'a> {
    fn from_syn(data: &'a syn::DataEnum, errors: &mut Errors) -> Self {
        // `#[default]` is std's `#[derive(Default)]` attribute (stable on unit variants only):
        // on a variant without fields it names the value `Default::default()` returns. On a
        // variant with fields (another derive's), the fields' values are not knowable here, so
        // the reset asks `Default::default()` as for a hand-written impl. Two `#[default]`s are
        // `#[derive(Default)]`'s error to report; then nothing is known either.
        let marked: Vec<usize> = data
            .variants
            .iter()
            .enumerate()
            .filter(|(_, variant)| variant.attrs.iter().any(|a| a.path().is_ident("default")))
            .map(|(i, _)| i)
            .collect();
        let fresh = match (data.variants.len(), marked.as_slice()) {
            (1, _) => Some(0),
            (_, [only]) if data.variants[*only].fields.is_empty() => Some(*only),
            _ => None,
        };
        let variants = data
            .variants
            .iter()
            .enumerate()
            .map(|(i, variant)| {
                attr::refuse_on_variant(&variant.attrs, errors);
                let place = match fresh {
                    Some(fresh) if fresh != i => Place::Dropped,
                    _ => Place::Kept,
                };
                Variant {
                    ident: &variant.ident,
                    fields: Field::multiple_from_syn(&variant.fields, place, errors),
                }
            })
            .collect();
        Enum { variants, fresh }
    }

    /// The variant a reset is known to return to, if any.
    pub(crate) fn fresh_variant(&self) -> Option<&Variant<'a>> {
        self.fresh.and_then(|i| self.variants.get(i))
    }
}

fn cfgs(attrs: &[Attribute]) -> Vec<&Attribute> {
    attrs
        .iter()
        .filter(|attr| attr.path().is_ident("cfg"))
        .collect()
}

impl<'a> Field<'a> {
    fn multiple_from_syn(fields: &'a Fields, place: Place, errors: &mut Errors) -> Vec<Self> {
        let item = if place == Place::Struct {
            "struct"
        } else {
            "enum"
        };
        fields
            .iter()
            .enumerate()
            .map(|(i, field)| Field {
                original: field,
                attrs: FieldAttrs::from_attrs(&field.attrs, item, errors),
                member: match &field.ident {
                    Some(ident) => Member::Named(ident.clone()),
                    None => Member::Unnamed(Index {
                        index: u32::try_from(i).unwrap_or(u32::MAX),
                        span: field.ty.span(),
                    }),
                },
                index: i,
                ty: &field.ty,
                cfgs: cfgs(&field.attrs),
                place,
            })
            .collect()
    }

    /// Whether the field is reset through `Poolable::reset` (neither skipped, defaulted, reset
    /// by a user function nor dropped with its variant).
    pub(crate) fn uses_poolable(&self) -> bool {
        self.place != Place::Dropped
            && self.attrs.skip.is_none()
            && self.attrs.default.is_none()
            && self.attrs.reset_with.is_none()
    }

    /// Whether the field counts in `retained_bytes`: through its `retained_bytes = path`, or
    /// through `Poolable` when it is reset through it.
    pub(crate) fn counted(&self) -> bool {
        self.place != Place::Dropped
            && (self.attrs.retained_bytes.is_some() || self.uses_poolable())
    }

    /// Whether a reset in place does anything to the field (a zeroize wipe aside).
    pub(crate) fn reset_in_place(&self) -> bool {
        self.place != Place::Dropped && self.attrs.skip.is_none()
    }
}
