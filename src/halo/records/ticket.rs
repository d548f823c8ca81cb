//! Tickets (Halo's `Faults`): `GET /Tickets/{id}?includedetails=true`, the `GET /Tickets` searches
//! the ticket tools make ([`TicketQuery`]), and `POST /Tickets` from a typed [`TicketWrite`]
//! (halo-api.md §4.2-§4.4; the list parameters are checked against Halo's OpenAPI document in
//! tests/api/tools_openapi.rs).

use serde::{Deserialize, Deserializer, Serialize};

use super::decode::{self, Record, Records};
use super::field_value;
use crate::halo::client::ReadPolicy;
use crate::halo::{HaloError, HaloSession, PageRequest};

/// One ticket, as a list row or with its details. Names Halo denormalises (`status_name` …) are
/// often missing on single records; callers fill them from the lookups.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Ticket {
    #[serde(default, deserialize_with = "decode::int")]
    pub id: Option<i64>,
    #[serde(default)]
    pub summary: Option<String>,
    /// Plain-text details (list rows carry this one).
    #[serde(default)]
    pub details: Option<String>,
    #[serde(default)]
    pub details_html: Option<String>,
    #[serde(default, deserialize_with = "decode::int")]
    pub status_id: Option<i64>,
    #[serde(default)]
    pub status_name: Option<String>,
    #[serde(default, rename = "tickettype_id", deserialize_with = "decode::int")]
    pub ticket_type_id: Option<i64>,
    #[serde(default, rename = "tickettype_name")]
    pub ticket_type_name: Option<String>,
    #[serde(default, deserialize_with = "decode::int")]
    pub priority_id: Option<i64>,
    #[serde(default)]
    pub priority_name: Option<String>,
    #[serde(default, deserialize_with = "decode::int")]
    pub client_id: Option<i64>,
    #[serde(default)]
    pub client_name: Option<String>,
    #[serde(default, deserialize_with = "decode::int")]
    pub site_id: Option<i64>,
    #[serde(default)]
    pub site_name: Option<String>,
    /// The end user.
    #[serde(default, deserialize_with = "decode::int")]
    pub user_id: Option<i64>,
    #[serde(default)]
    pub user_name: Option<String>,
    #[serde(default)]
    pub user_email: Option<String>,
    /// Assigned agent; 0 or absent is unassigned.
    #[serde(default, deserialize_with = "decode::int")]
    pub agent_id: Option<i64>,
    #[serde(default)]
    pub agent_name: Option<String>,
    /// The team, by name (Halo's ticket record has no team id).
    #[serde(default)]
    pub team: Option<String>,
    #[serde(default, rename = "category_1")]
    pub category: Option<String>,
    #[serde(default, rename = "dateoccurred")]
    pub date_opened: Option<String>,
    #[serde(default, rename = "lastactiondate")]
    pub last_action_date: Option<String>,
    #[serde(default, rename = "dateclosed")]
    pub date_closed: Option<String>,
    /// SLA response target.
    #[serde(default, rename = "respondbydate")]
    pub respond_by: Option<String>,
    #[serde(default, rename = "responsedate")]
    pub responded: Option<String>,
    /// SLA fix target.
    #[serde(default, rename = "fixbydate")]
    pub fix_by: Option<String>,
    /// `I` inside the response target, `O` outside it.
    #[serde(default, rename = "slaresponsestate")]
    pub sla_response_state: Option<String>,
    /// `I` inside the fix target, `O` outside it.
    #[serde(default, rename = "slastate")]
    pub sla_fix_state: Option<String>,
    #[serde(default, deserialize_with = "decode::int")]
    pub service_id: Option<i64>,
    /// Impact code as Halo sends it (kept as its number, shown unchanged).
    #[serde(default)]
    pub impact: Option<serde_json::Number>,
    #[serde(default)]
    pub urgency: Option<serde_json::Number>,
    #[serde(default, rename = "onhold")]
    pub on_hold: Option<bool>,
    /// Hours logged on the ticket in total.
    #[serde(default, rename = "timetaken")]
    pub time_taken: Option<serde_json::Number>,
    /// Halo AI's suggestions (`AiSuggestionFault`), applied or not.
    #[serde(default)]
    pub ai_suggestions: Option<Vec<AiSuggestion>>,
    #[serde(default, rename = "customfields")]
    pub custom_fields: Option<Vec<CustomField>>,
}

impl Record for Ticket {
    const ENTITY: &'static str = "ticket";
}

impl Ticket {
    /// The ticket's AI suggestions (none when Halo sent none).
    pub fn suggestions(&self) -> &[AiSuggestion] {
        self.ai_suggestions.as_deref().unwrap_or_default()
    }

    /// The ticket's custom fields (none when Halo sent none).
    pub fn custom(&self) -> &[CustomField] {
        self.custom_fields.as_deref().unwrap_or_default()
    }
}

/// One of Halo AI's suggestions on a ticket (`AiSuggestionFault`).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct AiSuggestion {
    #[serde(default, deserialize_with = "decode::int")]
    pub id: Option<i64>,
    #[serde(default)]
    pub summary: Option<String>,
    /// The field it sets: 1 priority, 2 ticket type, 3 team, 4 agent, 5 status.
    #[serde(default, rename = "type", deserialize_with = "decode::int")]
    pub field: Option<i64>,
    /// The new value: an id for every field but the team (documented as a string, sent as a
    /// number by some Halo versions).
    #[serde(default, deserialize_with = "text_or_number")]
    pub new_value: Option<String>,
    #[serde(default)]
    pub applied: Option<bool>,
    #[serde(default)]
    pub applied_date: Option<String>,
}

/// One custom field on a ticket. `display` is Halo's readable form of `value` (a lookup's
/// label instead of its id); present-but-null is kept apart from absent, because a field whose
/// display is null has no value to show.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct CustomField {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub label: Option<String>,
    #[serde(default, deserialize_with = "present")]
    pub display: Option<FieldValue>,
    #[serde(default, deserialize_with = "present")]
    pub value: Option<FieldValue>,
}

/// A custom field's value: whatever the field's type makes it (text, number, yes/no, a list of
/// choices). Serialised back exactly as Halo sent it; read by [`field_value`]'s visitor.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum FieldValue {
    Null,
    Bool(bool),
    Number(serde_json::Number),
    Text(String),
    List(Vec<FieldValue>),
    Map(std::collections::BTreeMap<String, FieldValue>),
}

impl FieldValue {
    /// Null or empty text: nothing to show.
    pub fn is_blank(&self) -> bool {
        matches!(self, FieldValue::Null) || *self == FieldValue::Text(String::new())
    }
}

/// A field that may be sent as null: `Some(FieldValue::Null)` then, `None` only when absent.
fn present<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<FieldValue>, D::Error> {
    FieldValue::deserialize(deserializer).map(Some)
}

/// Text, or a whole number as its digits.
fn text_or_number<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<String>, D::Error> {
    deserializer.deserialize_any(field_value::TextOrNumber)
}

/// The columns a ticket search can be ordered by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TicketSort {
    DateOpened,
    LastAction,
    Id,
    FixBy,
}

impl TicketSort {
    fn column(self) -> &'static str {
        match self {
            TicketSort::DateOpened => "dateoccurred",
            TicketSort::LastAction => "lastactiondate",
            TicketSort::Id => "id",
            TicketSort::FixBy => "fixbydate",
        }
    }
}

/// A ticket search (`GET /Tickets`): one page, the filters set, and the order.
#[derive(Debug, Clone)]
pub struct TicketQuery {
    pub page: PageRequest,
    /// Words in the summary, details and number.
    pub search: Option<String>,
    pub status_id: Option<i64>,
    pub ticket_type_id: Option<i64>,
    pub agent_id: Option<i64>,
    pub client_id: Option<i64>,
    /// The end user.
    pub user_id: Option<i64>,
    pub open_only: bool,
    /// Order and whether descending; Halo's own order when `None`.
    pub order: Option<(TicketSort, bool)>,
}

impl TicketQuery {
    pub fn new(page: PageRequest) -> TicketQuery {
        TicketQuery {
            page,
            search: None,
            status_id: None,
            ticket_type_id: None,
            agent_id: None,
            client_id: None,
            user_id: None,
            open_only: false,
            order: None,
        }
    }

    fn pairs(&self) -> Vec<(&'static str, String)> {
        let mut query = self.page.pairs();
        if let Some(search) = &self.search {
            query.push(("search", search.clone()));
        }
        let ids = [
            ("status_id", self.status_id),
            // The /Tickets list filters ticket types by `requesttype_id`; Halo's OpenAPI
            // document has no `tickettype_id` parameter there, so it would be ignored.
            ("requesttype_id", self.ticket_type_id),
            ("agent_id", self.agent_id),
            ("client_id", self.client_id),
            ("user_id", self.user_id),
        ];
        for (name, id) in ids {
            if let Some(id) = id {
                query.push((name, id.to_string()));
            }
        }
        if self.open_only {
            query.push(("open_only", "true".into()));
        }
        if let Some((sort, descending)) = self.order {
            query.push(("order", sort.column().into()));
            query.push(("orderdesc", descending.to_string()));
        }
        query
    }
}

/// A ticket to create (no `id`) or the fields of one to change (with `id`), as `POST /Tickets`
/// takes it. Unset fields are left out, so Halo keeps (or defaults) them.
#[derive(Debug, Clone, Default, Serialize)]
pub struct TicketWrite {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    #[serde(rename = "tickettype_id", skip_serializing_if = "Option::is_none")]
    pub ticket_type_id: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub details_html: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_id: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub site_id: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_id: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub agent_id: Option<i64>,
    /// The team by name: Halo's ticket record takes it that way.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub team: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub priority_id: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status_id: Option<i64>,
    #[serde(rename = "category_1", skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub service_id: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub template_id: Option<i64>,
    #[serde(rename = "customfields", skip_serializing_if = "Vec::is_empty")]
    pub custom_fields: Vec<CustomFieldWrite>,
    /// AI suggestions to apply (by id).
    #[serde(
        rename = "_apply_ai_suggestions",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub apply_ai_suggestions: Vec<i64>,
}

/// One custom field value to set, by field id; the value is the caller's own input.
#[derive(Debug, Clone, Serialize)]
pub struct CustomFieldWrite {
    pub id: i64,
    pub value: serde_json::Value,
}

impl HaloSession {
    /// One ticket with its details and the names Halo adds to a single record.
    pub async fn ticket(&self, id: i64) -> Result<Ticket, HaloError> {
        self.ticket_document(id).await
    }

    /// One ticket read as `T`: [`Ticket`] here, its AI matches in `ticket_match` (one request,
    /// two views, each decoded straight from Halo's answer).
    pub(super) async fn ticket_document<T: Record>(&self, id: i64) -> Result<T, HaloError> {
        self.read(
            &format!("Tickets/{id}"),
            &[("includedetails", "true".into())],
            ReadPolicy::default(),
        )
        .await
    }

    /// One page of a ticket search.
    pub async fn tickets(&self, query: &TicketQuery) -> Result<Records<Ticket>, HaloError> {
        self.read_list("Tickets", "tickets", &query.pairs()).await
    }

    /// Creates or updates one ticket (sent once, never retried) and returns it as Halo saved it.
    /// An unreadable answer leaves the write's outcome unknown, and says so.
    pub async fn save_ticket(&self, ticket: &TicketWrite) -> Result<Ticket, HaloError> {
        decode::one(self.post_one("Tickets", super::body(ticket)?).await?)
            .map_err(HaloError::for_write)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn tickets_read_halo_names_into_ours_and_ignore_the_rest() {
        let t: Ticket = decode::one(json!({
            "id": "12", "summary": "Printer", "tickettype_id": 1, "category_1": "Hardware",
            "dateoccurred": "2026-11-24T09:30:05.1234567", "slastate": "O", "onhold": false,
            "impact": 2, "timetaken": 1.5, "unknown": {"deep": [1]},
            "ai_suggestions": [{"id": 3, "type": 4, "new_value": 7, "applied": false}],
            "customfields": [
                {"name": "CFa", "label": "Asset", "display": null, "value": "x"},
                {"name": "CFb", "value": [1, "two"]}
            ]
        }))
        .unwrap();
        assert_eq!((t.id, t.ticket_type_id), (Some(12), Some(1)));
        assert_eq!(t.category.as_deref(), Some("Hardware"));
        assert_eq!(t.sla_fix_state.as_deref(), Some("O"));
        assert_eq!(t.impact, Some(2.into()));
        assert_eq!(t.time_taken.as_ref().and_then(|n| n.as_f64()), Some(1.5));
        assert_eq!(t.suggestions()[0].new_value.as_deref(), Some("7"));
        assert_eq!(t.suggestions()[0].field, Some(4));
        assert_eq!(t.custom()[0].display, Some(FieldValue::Null));
        assert_eq!(t.custom()[1].display, None);
        assert_eq!(
            serde_json::to_value(&t.custom()[1].value).unwrap(),
            json!([1, "two"])
        );
        let bare: Ticket = decode::one(json!({"ai_suggestions": null})).unwrap();
        assert!(bare.suggestions().is_empty() && bare.custom().is_empty());
    }

    #[test]
    fn a_wrong_typed_ticket_field_names_the_entity_and_the_field() {
        for (bad, field) in [
            (json!({"summary": 3}), "summary"),
            (json!({"onhold": "no"}), "onhold"),
            (
                json!({"ai_suggestions": [{"applied": "yes"}]}),
                "ai_suggestions[0].applied",
            ),
            (json!({"customfields": {}}), "customfields"),
        ] {
            match decode::one::<Ticket>(bad) {
                Err(HaloError::InvalidResponse(m)) => {
                    assert!(m.starts_with(&format!("ticket field '{field}'")), "{m}")
                }
                other => panic!("{other:?}"),
            }
        }
    }

    #[test]
    fn searches_ask_for_the_page_the_filters_and_the_order() {
        let mut q = TicketQuery::new(PageRequest::first(20));
        assert!(!q.pairs().iter().any(|(k, _)| *k == "order"));
        q.search = Some("printer".into());
        q.status_id = Some(2);
        q.ticket_type_id = Some(1);
        q.agent_id = Some(5);
        q.client_id = Some(9);
        q.user_id = Some(11);
        q.open_only = true;
        q.order = Some((TicketSort::FixBy, false));
        let pairs = q.pairs();
        for expected in [
            ("pageinate", "true"),
            ("search", "printer"),
            ("status_id", "2"),
            ("requesttype_id", "1"),
            ("agent_id", "5"),
            ("client_id", "9"),
            ("user_id", "11"),
            ("open_only", "true"),
            ("order", "fixbydate"),
            ("orderdesc", "false"),
        ] {
            assert!(
                pairs.contains(&(expected.0, expected.1.to_string())),
                "{expected:?} in {pairs:?}"
            );
        }
        assert!(!pairs.iter().any(|(k, _)| *k == "tickettype_id"));
    }

    #[test]
    fn writes_send_only_what_is_set_under_halo_names() {
        let body = serde_json::to_value(TicketWrite {
            summary: Some("x".into()),
            ticket_type_id: Some(1),
            category: Some("Hardware".into()),
            custom_fields: vec![CustomFieldWrite {
                id: 4,
                value: json!("v"),
            }],
            ..TicketWrite::default()
        })
        .unwrap();
        assert_eq!(
            body,
            json!({"summary": "x", "tickettype_id": 1, "category_1": "Hardware",
                   "customfields": [{"id": 4, "value": "v"}]})
        );
        let apply = serde_json::to_value(TicketWrite {
            id: Some(3),
            apply_ai_suggestions: vec![8],
            ..TicketWrite::default()
        })
        .unwrap();
        assert_eq!(apply, json!({"id": 3, "_apply_ai_suggestions": [8]}));
    }
}
