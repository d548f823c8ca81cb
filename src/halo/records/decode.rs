//! Halo's JSON into typed records. Unknown fields are ignored (Halo sends hundreds and adds more
//! in every release); a known field of the wrong type is an [`HaloError::InvalidResponse`] that
//! names the entity and the field, so a Halo change is reported where it happened instead of
//! showing up as a silently missing value.

use std::fmt;

use serde::de::{DeserializeOwned, Deserializer, Error, Unexpected, Visitor};
use serde_json::Value;

use crate::halo::{HaloError, Page};

/// A Halo entity halo-mcp reads: its name in error messages.
pub trait Record: DeserializeOwned {
    const ENTITY: &'static str;
}

/// One page of typed records with Halo's total.
#[derive(Debug, Clone)]
pub struct Records<T> {
    pub items: Vec<T>,
    /// Halo's total across all pages, when it sent one.
    pub record_count: Option<u64>,
}

/// Reads one record.
pub fn one<T: Record>(value: Value) -> Result<T, HaloError> {
    serde_path_to_error::deserialize(value).map_err(|e| {
        let path = e.path().to_string();
        HaloError::InvalidResponse(format!(
            "{} field '{path}' is not what Halo documents: {}",
            T::ENTITY,
            e.into_inner()
        ))
    })
}

/// Reads every record of a page.
pub fn page<T: Record>(page: Page) -> Result<Records<T>, HaloError> {
    let items = page
        .items
        .into_iter()
        .map(one)
        .collect::<Result<Vec<T>, _>>()?;
    Ok(Records {
        items,
        record_count: page.record_count,
    })
}

/// An id or count that Halo sends as a number, or on some endpoints as a numeric string; null,
/// absent or an empty string is `None`.
/// Read by a visitor rather than an untagged enum, which would buffer every id first.
pub fn int<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<i64>, D::Error> {
    deserializer.deserialize_any(Int)
}

struct Int;

/// The error an untagged enum gives for a value none of its forms takes; kept word for word
/// so a Halo change reads the same as before the visitor.
pub(super) const NO_FORM: &str = "data did not match any variant of untagged enum Raw";

impl<'de> Visitor<'de> for Int {
    type Value = Option<i64>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a whole number, as a number or as text")
    }

    fn visit_i64<E: Error>(self, n: i64) -> Result<Self::Value, E> {
        Ok(Some(n))
    }

    fn visit_u64<E: Error>(self, n: u64) -> Result<Self::Value, E> {
        match i64::try_from(n) {
            Ok(n) => Ok(Some(n)),
            Err(_) => self.visit_f64(n as f64),
        }
    }

    fn visit_f64<E: Error>(self, f: f64) -> Result<Self::Value, E> {
        if f.fract() == 0.0 && f.abs() < 9.0e15 {
            Ok(Some(f as i64))
        } else {
            Err(E::invalid_type(Unexpected::Float(f), &"a whole number"))
        }
    }

    fn visit_str<E: Error>(self, s: &str) -> Result<Self::Value, E> {
        let trimmed = s.trim();
        if trimmed.is_empty() {
            return Ok(None);
        }
        trimmed
            .parse()
            .map(Some)
            .map_err(|_| E::invalid_type(Unexpected::Str(s), &"a whole number"))
    }

    fn visit_unit<E: Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_none<E: Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_any(self)
    }

    fn visit_bool<E: Error>(self, _: bool) -> Result<Self::Value, E> {
        Err(E::custom(NO_FORM))
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, _: A) -> Result<Self::Value, A::Error> {
        Err(A::Error::custom(NO_FORM))
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, _: A) -> Result<Self::Value, A::Error> {
        Err(A::Error::custom(NO_FORM))
    }
}

/// Trimmed text, `None` when absent, null or blank.
pub fn text(value: &Option<String>) -> Option<String> {
    value
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;
    use serde_json::json;

    #[derive(Debug, Deserialize)]
    struct Thing {
        #[serde(default, deserialize_with = "int")]
        id: Option<i64>,
        #[serde(default)]
        name: Option<String>,
    }

    impl Record for Thing {
        const ENTITY: &'static str = "thing";
    }

    #[test]
    fn ids_come_as_numbers_or_numeric_text_and_unknown_fields_are_ignored() {
        let t: Thing = one(json!({"id": "42", "name": "x", "extra": [1]})).unwrap();
        assert_eq!((t.id, t.name.as_deref()), (Some(42), Some("x")));
        let t: Thing = one(json!({"id": 7})).unwrap();
        assert_eq!(t.id, Some(7));
        let t: Thing = one(json!({"id": null, "name": null})).unwrap();
        assert_eq!((t.id, t.name), (None, None));
        let t: Thing = one(json!({"id": ""})).unwrap();
        assert_eq!(t.id, None);
    }

    #[test]
    fn a_field_of_the_wrong_type_names_the_entity_and_the_field() {
        for bad in [
            json!({"id": "seven"}),
            json!({"id": true}),
            json!({"name": 3}),
        ] {
            match one::<Thing>(bad.clone()) {
                Err(HaloError::InvalidResponse(message)) => {
                    let field = bad.as_object().and_then(|m| m.keys().next().cloned());
                    let field = field.unwrap_or_default();
                    assert!(
                        message.starts_with(&format!("thing field '{field}'")),
                        "{message}"
                    );
                }
                other => panic!("expected InvalidResponse for {bad}, got {other:?}"),
            }
        }
    }

    #[test]
    fn a_page_fails_on_its_first_bad_record() {
        let ok = page::<Thing>(Page {
            items: vec![json!({"id": 1}), json!({"id": 2})],
            record_count: Some(9),
        })
        .unwrap();
        assert_eq!(ok.items.len(), 2);
        assert_eq!(ok.record_count, Some(9));
        let bad = page::<Thing>(Page {
            items: vec![json!({"id": 1}), json!({"id": []})],
            record_count: None,
        });
        assert!(matches!(bad, Err(HaloError::InvalidResponse(_))));
    }
}
