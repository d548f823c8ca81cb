//! Visitors for the loosely typed values on a ticket: a custom field's value (any JSON) and an
//! AI suggestion's new value (text or a whole number). Visitors rather than untagged enums,
//! which buffer every value before trying each form; the accepted forms and the errors are the
//! untagged enums' own.

use std::collections::BTreeMap;
use std::fmt;

use serde::de::{Deserialize, Deserializer, Error, MapAccess, SeqAccess, Visitor};

use super::decode::NO_FORM;
use super::ticket::FieldValue;

impl<'de> Deserialize<'de> for FieldValue {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(AnyValue)
    }
}

struct AnyValue;

impl<'de> Visitor<'de> for AnyValue {
    type Value = FieldValue;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_unit<E: Error>(self) -> Result<FieldValue, E> {
        Ok(FieldValue::Null)
    }

    fn visit_none<E: Error>(self) -> Result<FieldValue, E> {
        Ok(FieldValue::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<FieldValue, D::Error> {
        deserializer.deserialize_any(self)
    }

    fn visit_bool<E: Error>(self, b: bool) -> Result<FieldValue, E> {
        Ok(FieldValue::Bool(b))
    }

    fn visit_i64<E: Error>(self, n: i64) -> Result<FieldValue, E> {
        Ok(FieldValue::Number(n.into()))
    }

    fn visit_u64<E: Error>(self, n: u64) -> Result<FieldValue, E> {
        Ok(FieldValue::Number(n.into()))
    }

    fn visit_f64<E: Error>(self, f: f64) -> Result<FieldValue, E> {
        serde_json::Number::from_f64(f)
            .map(FieldValue::Number)
            .ok_or_else(|| E::custom(NO_FORM_FIELD))
    }

    fn visit_str<E: Error>(self, s: &str) -> Result<FieldValue, E> {
        Ok(FieldValue::Text(s.to_string()))
    }

    fn visit_string<E: Error>(self, s: String) -> Result<FieldValue, E> {
        Ok(FieldValue::Text(s))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<FieldValue, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0));
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(FieldValue::List(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<FieldValue, A::Error> {
        let mut entries = BTreeMap::new();
        while let Some((key, value)) = map.next_entry::<String, FieldValue>()? {
            entries.insert(key, value);
        }
        Ok(FieldValue::Map(entries))
    }
}

/// The untagged `FieldValue`'s error for a value none of its forms takes (only a non-finite
/// float, which JSON cannot carry).
const NO_FORM_FIELD: &str = "data did not match any variant of untagged enum FieldValue";

/// Text, or a whole number as its digits; null is `None`.
pub(super) struct TextOrNumber;

impl<'de> Visitor<'de> for TextOrNumber {
    type Value = Option<String>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("text or a whole number")
    }

    fn visit_str<E: Error>(self, s: &str) -> Result<Self::Value, E> {
        Ok(Some(s.to_string()))
    }

    fn visit_string<E: Error>(self, s: String) -> Result<Self::Value, E> {
        Ok(Some(s))
    }

    fn visit_i64<E: Error>(self, n: i64) -> Result<Self::Value, E> {
        Ok(Some(n.to_string()))
    }

    fn visit_u64<E: Error>(self, n: u64) -> Result<Self::Value, E> {
        match i64::try_from(n) {
            Ok(n) => Ok(Some(n.to_string())),
            Err(_) => Err(E::custom(NO_FORM)),
        }
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

    fn visit_f64<E: Error>(self, _: f64) -> Result<Self::Value, E> {
        Err(E::custom(NO_FORM))
    }

    fn visit_bool<E: Error>(self, _: bool) -> Result<Self::Value, E> {
        Err(E::custom(NO_FORM))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, _: A) -> Result<Self::Value, A::Error> {
        Err(A::Error::custom(NO_FORM))
    }

    fn visit_map<A: MapAccess<'de>>(self, _: A) -> Result<Self::Value, A::Error> {
        Err(A::Error::custom(NO_FORM))
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::halo::records::{Ticket, decode, wire};

    /// The visitors take what the untagged enums took, from a JSON value and from bytes alike.
    #[test]
    fn values_and_suggestions_read_every_form_from_values_and_bytes() {
        let doc = json!({
            "ai_suggestions": [{"new_value": 7}, {"new_value": "Team A"}, {"new_value": null}, {}],
            "customfields": [
                {"value": null}, {"value": true}, {"value": -3}, {"value": 1.5},
                {"value": "x"}, {"value": [1, "two", null]}, {"value": {"b": 1, "a": [false]}}
            ]
        });
        let from_value: Ticket = decode::one(doc.clone()).unwrap();
        let from_bytes: Ticket = wire::one(doc.to_string().as_bytes()).unwrap();
        for t in [from_value, from_bytes] {
            let new: Vec<_> = t
                .suggestions()
                .iter()
                .map(|s| s.new_value.clone())
                .collect();
            assert_eq!(new, [Some("7".into()), Some("Team A".into()), None, None]);
            let values: Vec<_> = t.custom().iter().map(|c| c.value.clone()).collect();
            assert_eq!(values[0], Some(FieldValue::Null));
            assert_eq!(
                serde_json::to_value(&values).unwrap(),
                json!([null, true, -3, 1.5, "x", [1, "two", null], {"a": [false], "b": 1}])
            );
        }
    }

    #[test]
    fn a_suggestion_value_of_no_known_form_names_the_field() {
        for bad in [json!(true), json!(1.5), json!([1]), json!({"x": 1})] {
            let doc = json!({"ai_suggestions": [{"new_value": bad}]});
            for result in [
                decode::one::<Ticket>(doc.clone()),
                wire::one::<Ticket>(doc.to_string().as_bytes()),
            ] {
                match result {
                    Err(crate::halo::HaloError::InvalidResponse(m)) => assert_eq!(
                        m,
                        format!(
                            "ticket field 'ai_suggestions[0].new_value' is not what Halo \
                             documents: {NO_FORM}"
                        )
                    ),
                    other => panic!("{other:?}"),
                }
            }
        }
    }
}
