//! Assertions over lists that cannot pass vacuously: a filter that returned nothing, or an order
//! checked on fewer than two items, says so instead of passing.

use std::fmt::Debug;

/// Every item of a non-empty list satisfies `check`; the panic names the first that does not.
pub fn all_match<T: Debug>(items: &[T], what: &str, check: impl Fn(&T) -> bool) {
    assert!(
        !items.is_empty(),
        "{what}: the list is empty, so nothing was checked"
    );
    if let Some(bad) = items.iter().find(|item| !check(item)) {
        panic!("{what}: {bad:?} does not match");
    }
}

/// At least two items, each pair in order by `ordered(earlier, later)`.
pub fn in_order<T: Debug>(items: &[T], what: &str, ordered: impl Fn(&T, &T) -> bool) {
    assert!(
        items.len() >= 2,
        "{what}: fewer than two items ({items:?}), so no order was checked"
    );
    if let Some(pair) = items.windows(2).find(|w| !ordered(&w[0], &w[1])) {
        panic!("{what}: {:?} comes before {:?}", pair[0], pair[1]);
    }
}

/// The JSON array at `value[key]`.
pub fn rows<'a>(value: &'a serde_json::Value, key: &str) -> &'a [serde_json::Value] {
    value[key]
        .as_array()
        .unwrap_or_else(|| panic!("no array {key:?} in {value}"))
}
