//! Customers and their sites: `GET /Client` and `GET /Site` (and one by id), as name
//! resolution reads them (halo-api.md §4.11; Halo's `Site` schema in its OpenAPI document).

use serde::Deserialize;

use super::decode::{self, Record};

/// A customer (Halo calls them clients).
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct Client {
    #[serde(default, deserialize_with = "decode::int")]
    pub id: Option<i64>,
    #[serde(default)]
    pub name: Option<String>,
}

impl Record for Client {
    const ENTITY: &'static str = "customer";
}

/// One of a customer's sites.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct Site {
    #[serde(default, deserialize_with = "decode::int")]
    pub id: Option<i64>,
    #[serde(default)]
    pub name: Option<String>,
    /// A number in Halo's schema, a whole one in practice.
    #[serde(default, deserialize_with = "decode::int")]
    pub client_id: Option<i64>,
    #[serde(default)]
    pub client_name: Option<String>,
}

impl Record for Site {
    const ENTITY: &'static str = "site";
}

impl Site {
    /// The customer the site belongs to (ids of 0 or less mean none).
    pub fn client_id(&self) -> Option<i64> {
        self.client_id.filter(|id| *id > 0)
    }

    pub fn client_name(&self) -> Option<String> {
        decode::text(&self.client_name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::halo::HaloError;
    use serde_json::json;

    #[test]
    fn sites_read_their_customer_and_ignore_unknown_fields() {
        let s: Site = decode::one(json!({
            "id": 4, "name": "Acorn HQ", "client_id": 1.0, "client_name": " Acorn ", "guid": "x"
        }))
        .unwrap();
        assert_eq!(
            (s.client_id(), s.client_name().as_deref()),
            (Some(1), Some("Acorn"))
        );
        let c: Client =
            decode::one(json!({"id": "1", "name": "Acorn", "inactive": false})).unwrap();
        assert_eq!(c.id, Some(1));
        for (bad, prefix) in [
            (
                json!({"id": 4, "client_id": "Acorn"}),
                "site field 'client_id'",
            ),
            (
                json!({"id": 4, "client_name": 1}),
                "site field 'client_name'",
            ),
        ] {
            match decode::one::<Site>(bad) {
                Err(HaloError::InvalidResponse(m)) => assert!(m.starts_with(prefix), "{m}"),
                other => panic!("{other:?}"),
            }
        }
        match decode::one::<Client>(json!({"id": 1.5})) {
            Err(HaloError::InvalidResponse(m)) => {
                assert!(m.starts_with("customer field 'id'"), "{m}")
            }
            other => panic!("{other:?}"),
        }
    }
}
