//! A typed view of the derive input: the struct, its fields and their parsed attributes, each
//! node keeping the `syn` node it came from for spans.

use syn::spanned::Spanned;
use syn::{Attribute, Data, DeriveInput, Fields, Index, Member, Type};

use crate::attr::{ContainerAttrs, FieldAttrs};

/// Every mistake found in one input, reported together (serde's `Ctxt`).
#[derive(Default)]
pub(crate) struct Errors {
    combined: Option<syn::Error>,
}

impl Errors {
    pub(crate) fn push(&mut self, error: syn::Error) {
        match &mut self.combined {
            Some(combined) => combined.combine(error),
            None => self.combined = Some(error),
        }
    }

    pub(crate) fn into_error(self) -> Option<syn::Error> {
        self.combined
    }
}

/// The struct being derived.
pub(crate) struct Input<'a> {
    pub(crate) original: &'a DeriveInput,
    pub(crate) attrs: ContainerAttrs,
    pub(crate) fields: Vec<Field<'a>>,
}

/// One field of the struct.
pub(crate) struct Field<'a> {
    pub(crate) original: &'a syn::Field,
    pub(crate) attrs: FieldAttrs,
    /// `name` for a named field, `0`, `1`, ... for a tuple struct's.
    pub(crate) member: Member,
    pub(crate) ty: &'a Type,
    /// The field's `#[cfg(...)]` attributes, copied onto every statement generated for it.
    pub(crate) cfgs: Vec<&'a Attribute>,
}

impl<'a> Input<'a> {
    /// Builds the view, pushing attribute mistakes and the refusal of enums and unions to
    /// `errors`. Container attributes are parsed whatever the data kind, so that the fallback
    /// impl can honour `crate = path`.
    pub(crate) fn from_syn(node: &'a DeriveInput, errors: &mut Errors) -> Self {
        let attrs = ContainerAttrs::from_attrs(&node.attrs, errors);
        let fields = match &node.data {
            Data::Struct(data) => Field::multiple_from_syn(&data.fields, errors),
            Data::Enum(data) => {
                errors.push(syn::Error::new(
                    data.enum_token.span,
                    "#[derive(Poolable)] cannot reset an enum: which variant is fresh is not knowable; \
                     implement `Poolable` by hand, e.g. `*self = Self::default()`",
                ));
                Vec::new()
            }
            Data::Union(data) => {
                errors.push(syn::Error::new(
                    data.union_token.span,
                    "#[derive(Poolable)] cannot reset a union: which field is live is not knowable; \
                     implement `Poolable` by hand",
                ));
                Vec::new()
            }
        };
        Input {
            original: node,
            attrs,
            fields,
        }
    }
}

impl<'a> Field<'a> {
    fn multiple_from_syn(fields: &'a Fields, errors: &mut Errors) -> Vec<Self> {
        fields
            .iter()
            .enumerate()
            .map(|(i, field)| Field {
                original: field,
                attrs: FieldAttrs::from_attrs(&field.attrs, errors),
                member: match &field.ident {
                    Some(ident) => Member::Named(ident.clone()),
                    None => Member::Unnamed(Index {
                        index: u32::try_from(i).unwrap_or(u32::MAX),
                        span: field.ty.span(),
                    }),
                },
                ty: &field.ty,
                cfgs: field
                    .attrs
                    .iter()
                    .filter(|attr| attr.path().is_ident("cfg"))
                    .collect(),
            })
            .collect()
    }

    /// Whether the field is reset through `Poolable::reset` (neither skipped, defaulted nor
    /// reset by a user function), and so counted in `retained_bytes`.
    pub(crate) fn uses_poolable(&self) -> bool {
        self.attrs.skip.is_none() && self.attrs.default.is_none() && self.attrs.reset_with.is_none()
    }
}
