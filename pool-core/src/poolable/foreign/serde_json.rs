//! serde_json 1: `Value` to `Null`, `Map<String, Value>` cleared.

use crate::Poolable;

/// Resets to `Value::Null`, its `Default`, dropping whatever it held: which variant comes next
/// is not knowable, so nothing is retained. Hold a `Map<String, Value>` (or a typed struct) to
/// keep allocations across reuses.
#[cfg_attr(docsrs, doc(cfg(feature = "serde_json")))]
impl Poolable for ::serde_json::Value {
    fn reset(&mut self) {
        *self = ::serde_json::Value::Null;
    }
}

/// `clear()` drops the entries. Without serde_json's `preserve_order` feature the map is a
/// `BTreeMap`, which keeps no capacity; with it an `IndexMap`, whose table is kept, but serde_json
/// does not expose its capacity. `retained_bytes` is 0 either way: an under-estimate in the
/// second case.
#[cfg_attr(docsrs, doc(cfg(feature = "serde_json")))]
impl Poolable for ::serde_json::Map<String, ::serde_json::Value> {
    fn reset(&mut self) {
        self.clear();
    }
}
