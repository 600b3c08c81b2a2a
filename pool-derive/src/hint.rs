//! Which pool-core feature a field type's crate has, as far as its path tells: the derive resets
//! such a field through that feature's helper trait (`pool_core::__private::PoolableUuid`, ...),
//! which holds wherever `Poolable` does and whose missing-impl message names the feature.

use syn::{Path, Type};

/// The crates with a pool-core feature, and the helper trait of each.
const CRATES: &[(&str, &str)] = &[
    ("http", "PoolableHttp"),
    ("indexmap", "PoolableIndexmap"),
    ("smallvec", "PoolableSmallvec"),
    ("hashbrown", "PoolableHashbrown"),
    ("arrayvec", "PoolableArrayvec"),
    ("compact_str", "PoolableCompactStr"),
    ("bytes", "PoolableBytes"),
    ("serde_json", "PoolableSerdeJson"),
    ("uuid", "PoolableUuid"),
    ("chrono", "PoolableChrono"),
];

/// Bare type names (brought in by a `use`) that one of those crates is known for, and the
/// crate. Names that std or many crates also use (`HashMap`, `Value`, `Map`, `Version`) are left
/// out: for them the path alone cannot tell.
const NAMES: &[(&str, &str)] = &[
    ("HeaderMap", "http"),
    ("StatusCode", "http"),
    ("Uri", "http"),
    ("IndexMap", "indexmap"),
    ("IndexSet", "indexmap"),
    ("SmallVec", "smallvec"),
    ("ArrayVec", "arrayvec"),
    ("ArrayString", "arrayvec"),
    ("CompactString", "compact_str"),
    ("Bytes", "bytes"),
    ("BytesMut", "bytes"),
    ("Uuid", "uuid"),
    ("DateTime", "chrono"),
    ("NaiveDate", "chrono"),
    ("NaiveTime", "chrono"),
    ("NaiveDateTime", "chrono"),
    ("TimeDelta", "chrono"),
];

/// The helper trait for a field of type `ty`, if its path names a crate with a pool-core
/// feature: `uuid::Uuid` or `::uuid::Uuid` (any path under the crate), or a bare `Uuid`.
pub(crate) fn feature_trait(ty: &Type) -> Option<&'static str> {
    match ty {
        Type::Group(group) => feature_trait(&group.elem),
        Type::Paren(paren) => feature_trait(&paren.elem),
        Type::Path(path) if path.qself.is_none() => crate_of(&path.path)
            .and_then(|krate| CRATES.iter().find(|(name, _)| *name == krate))
            .map(|(_, helper)| *helper),
        _ => None,
    }
}

fn crate_of(path: &Path) -> Option<&'static str> {
    let first = path.segments.first()?.ident.to_string();
    if path.segments.len() > 1 {
        CRATES
            .iter()
            .map(|(name, _)| *name)
            .find(|name| *name == first)
    } else if path.leading_colon.is_none() {
        NAMES
            .iter()
            .find(|(name, _)| *name == first)
            .map(|(_, krate)| *krate)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn helper(ty: &str) -> Option<&'static str> {
        feature_trait(&syn::parse_str(ty).unwrap())
    }

    #[test]
    fn a_crate_path_or_a_known_name_picks_the_feature() {
        for (ty, expected) in [
            ("uuid::Uuid", "PoolableUuid"),
            ("::uuid::Uuid", "PoolableUuid"),
            ("uuid::Builder", "PoolableUuid"),
            ("Uuid", "PoolableUuid"),
            ("(Uuid)", "PoolableUuid"),
            ("http::HeaderMap<String>", "PoolableHttp"),
            ("http::request::Request<()>", "PoolableHttp"),
            ("HeaderMap", "PoolableHttp"),
            ("serde_json::Value", "PoolableSerdeJson"),
            ("compact_str::CompactString", "PoolableCompactStr"),
            ("SmallVec<[u8; 16]>", "PoolableSmallvec"),
            ("DateTime<Utc>", "PoolableChrono"),
            ("hashbrown::HashMap<u8, u8>", "PoolableHashbrown"),
        ] {
            assert_eq!(helper(ty), Some(expected), "{ty}");
        }
    }

    #[test]
    fn other_paths_keep_poolable() {
        for ty in [
            "Vec<u8>",
            "HashMap<String, String>",
            "Value",
            "std::fs::File",
            "my::uuid::Uuid",
            "crate::Uuid",
            "::Uuid",
            "Option<uuid::Uuid>",
            "<T as Trait>::Uuid",
            "[Uuid; 2]",
            "uuid",
        ] {
            assert_eq!(helper(ty), None, "{ty}");
        }
    }
}
