//! Service catalogue entries: `GET /Service` and `GET /Service/{id}` (halo-api.md; the list
//! parameters are checked against Halo's OpenAPI document in tests/api/tools_openapi.rs).

use serde::Deserialize;

use super::decode::{self, Record, Records};
use crate::halo::client::ReadPolicy;
use crate::halo::{HaloError, HaloSession, Named, PageRequest};

/// One service as the catalogue lists it.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Service {
    #[serde(default, deserialize_with = "decode::int")]
    pub id: Option<i64>,
    #[serde(default)]
    pub name: Option<String>,
    /// Short description, HTML allowed.
    #[serde(default)]
    pub summary: Option<String>,
    #[serde(default, rename = "service_category_name")]
    pub category_name: Option<String>,
    /// Whether the `user_id` of the query is subscribed (only sent when a user was given).
    #[serde(default)]
    pub user_subscribed: Option<bool>,
    #[serde(default)]
    pub subscribable: Option<bool>,
    /// The ticket type a request for this service is logged as.
    #[serde(
        default,
        rename = "service_tickettype_id",
        deserialize_with = "decode::int"
    )]
    pub request_tickettype_id: Option<i64>,
    /// The ticket type an incident against this service is logged as.
    #[serde(default, deserialize_with = "decode::int")]
    pub incident_tickettype_id: Option<i64>,
    /// The label of the "request this service" button.
    #[serde(default, rename = "servicerequestlbl")]
    pub request_label: Option<String>,
}

impl Record for Service {
    const ENTITY: &'static str = "service";
}

impl Service {
    pub fn name(&self) -> Option<String> {
        decode::text(&self.name)
    }

    /// The service as a name to resolve against (`None` without an id).
    pub fn into_named(self) -> Option<Named> {
        Named::new(self)
    }
}

/// A catalogue search.
#[derive(Debug, Clone)]
pub struct ServiceQuery {
    pub page: PageRequest,
    /// Words in names, descriptions and categories.
    pub search: Option<String>,
    /// Whose view of the catalogue (adds `user_subscribed`).
    pub user_id: Option<i64>,
    /// Only services the user's organisation subscribes to.
    pub subscribed_only: bool,
}

impl ServiceQuery {
    pub fn new(page: PageRequest) -> ServiceQuery {
        ServiceQuery {
            page,
            search: None,
            user_id: None,
            subscribed_only: false,
        }
    }

    fn pairs(&self) -> Vec<(&'static str, String)> {
        let mut query = self.page.pairs();
        if let Some(search) = &self.search {
            query.push(("search", search.clone()));
        }
        if let Some(user_id) = self.user_id {
            query.push(("user_id", user_id.to_string()));
        }
        if self.subscribed_only {
            query.push(("subscribedonly", "true".into()));
        }
        query
    }
}

impl HaloSession {
    /// One service by id.
    pub async fn service(&self, id: i64) -> Result<Service, HaloError> {
        self.read(&format!("Service/{id}"), &[], ReadPolicy::default())
            .await
    }

    /// One page of the service catalogue.
    pub async fn services(&self, query: &ServiceQuery) -> Result<Records<Service>, HaloError> {
        self.read_list("Service", "services", &query.pairs()).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn services_read_halo_names_into_ours() {
        let s: Service = decode::one(json!({
            "id": 3, "name": " Endpoint Security ", "service_category_name": "Security",
            "service_tickettype_id": "21", "servicerequestlbl": "Request", "unknown": {}
        }))
        .unwrap();
        assert_eq!(s.name().as_deref(), Some("Endpoint Security"));
        assert_eq!(s.category_name.as_deref(), Some("Security"));
        assert_eq!(s.request_tickettype_id, Some(21));
        assert_eq!(s.request_label.as_deref(), Some("Request"));
        let named = s.into_named().unwrap();
        assert_eq!((named.id, named.name.as_str()), (3, "Endpoint Security"));
        let no_id: Service = decode::one(json!({"name": "no id"})).unwrap();
        assert!(no_id.into_named().is_none());
        match decode::one::<Service>(json!({"id": 3, "subscribable": "yes"})) {
            Err(HaloError::InvalidResponse(m)) => {
                assert!(m.starts_with("service field 'subscribable'"), "{m}")
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn searches_ask_for_the_page_and_the_filters() {
        let mut q = ServiceQuery::new(PageRequest::first(20));
        q.search = Some("vpn".into());
        q.user_id = Some(7);
        q.subscribed_only = true;
        let pairs = q.pairs();
        assert!(pairs.contains(&("search", "vpn".to_string())));
        assert!(pairs.contains(&("user_id", "7".to_string())));
        assert!(pairs.contains(&("subscribedonly", "true".to_string())));
        assert!(pairs.contains(&("pageinate", "true".to_string())));
    }
}
