//! The error collector every stage pushes its mistakes to (serde_derive's `internals/ctxt.rs`):
//! the parsing in `attr.rs` and `ast.rs`, the checks in `valid.rs`, and `expand.rs`, which
//! reports them together. Its own module, so that no stage imports another for it.

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
