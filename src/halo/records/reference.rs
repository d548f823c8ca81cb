//! Reference lists: statuses, ticket types, priorities, teams and outcomes (`GET /Status`,
//! `/TicketType`, `/Priority`, `/Team`, `/Outcome`; halo-api.md §4.5 and §4.7). Small and
//! slow-changing, they are fetched whole and cached by [`crate::halo::lookups`].

use serde::Deserialize;
use serde::de::{Deserializer, Error as _, Unexpected};

use super::decode::{self, Record};
use crate::halo::{HaloError, HaloSession};

/// A ticket status.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct Status {
    #[serde(default, deserialize_with = "decode::int")]
    pub id: Option<i64>,
    #[serde(default)]
    pub name: Option<String>,
}

impl Record for Status {
    const ENTITY: &'static str = "status";
}

/// A ticket type (Incident, Service Request ...).
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct TicketType {
    #[serde(default, deserialize_with = "decode::int")]
    pub id: Option<i64>,
    #[serde(default)]
    pub name: Option<String>,
}

impl Record for TicketType {
    const ENTITY: &'static str = "ticket type";
}

/// An agent team.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct Team {
    #[serde(default, deserialize_with = "decode::int")]
    pub id: Option<i64>,
    #[serde(default)]
    pub name: Option<String>,
}

impl Record for Team {
    const ENTITY: &'static str = "team";
}

/// A priority. Halo keys priority records by a GUID `id`, while tickets store the integer
/// `priorityid`, so that is the id halo-mcp uses (the GUID is not read).
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct Priority {
    #[serde(default, rename = "priorityid", deserialize_with = "decode::int")]
    pub id: Option<i64>,
    #[serde(default)]
    pub name: Option<String>,
}

impl Record for Priority {
    const ENTITY: &'static str = "priority";
}

/// An outcome: one of the action buttons, with what an action of it does by default.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct Outcome {
    #[serde(default, deserialize_with = "decode::int")]
    pub id: Option<i64>,
    /// The outcome's name ("Private Note").
    #[serde(default)]
    pub outcome: Option<String>,
    /// The label of its button ("Add Private Note"), which can differ from the name.
    #[serde(default, rename = "buttonname")]
    pub button_name: Option<String>,
    /// Some Halo versions send `name` instead of `outcome`.
    #[serde(default)]
    pub name: Option<String>,
    /// An action of this outcome must carry a note.
    #[serde(default, rename = "mustaddnote", deserialize_with = "flag")]
    pub must_add_note: Option<bool>,
    /// An action of this outcome e-mails the end user by default.
    #[serde(default, rename = "sendemail", deserialize_with = "flag")]
    pub send_email: Option<bool>,
    /// An action of this outcome is hidden from the end user by default.
    #[serde(default, rename = "hidefromuser", deserialize_with = "flag")]
    pub hide_from_user: Option<bool>,
}

impl Record for Outcome {
    const ENTITY: &'static str = "outcome";
}

impl Outcome {
    /// The name people use: the outcome's name, else its button's label.
    pub fn display_name(&self) -> Option<String> {
        decode::text(&self.outcome)
            .or_else(|| decode::text(&self.button_name))
            .or_else(|| decode::text(&self.name))
    }

    pub fn button_name(&self) -> Option<String> {
        decode::text(&self.button_name)
    }

    pub fn must_add_note(&self) -> bool {
        self.must_add_note.unwrap_or(false)
    }

    pub fn send_email(&self) -> bool {
        self.send_email.unwrap_or(false)
    }

    pub fn hide_from_user(&self) -> bool {
        self.hide_from_user.unwrap_or(false)
    }
}

/// A yes/no setting: Halo's schema types outcome flags such as `sendemail` as integers (0/1)
/// while its answers usually carry booleans; both are read, anything else is an error.
fn flag<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<bool>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Raw {
        Bool(bool),
        Int(i64),
    }
    match Option::<Raw>::deserialize(deserializer)? {
        None => Ok(None),
        Some(Raw::Bool(b)) => Ok(Some(b)),
        Some(Raw::Int(0)) => Ok(Some(false)),
        Some(Raw::Int(1)) => Ok(Some(true)),
        Some(Raw::Int(n)) => Err(D::Error::invalid_value(
            Unexpected::Signed(n),
            &"true, false, 0 or 1",
        )),
    }
}

impl HaloSession {
    /// The outcomes offered for tickets of one ticket type.
    pub async fn outcomes_for_ticket_type(
        &self,
        tickettype_id: i64,
    ) -> Result<Vec<Outcome>, HaloError> {
        let query = [("tickettype_id", tickettype_id.to_string())];
        Ok(self.read_list("Outcome", "outcomes", &query).await?.items)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn error_of<T: Record + std::fmt::Debug>(bad: serde_json::Value) -> String {
        match decode::one::<T>(bad) {
            Err(HaloError::InvalidResponse(m)) => m,
            other => panic!("expected InvalidResponse, got {other:?}"),
        }
    }

    #[test]
    fn priorities_use_the_integer_priorityid_not_the_guid() {
        let p: Priority =
            decode::one(json!({"id": "5f1c-guid", "priorityid": 2, "name": "P2 High"})).unwrap();
        assert_eq!((p.id, p.name.as_deref()), (Some(2), Some("P2 High")));
        assert!(
            error_of::<Priority>(json!({"priorityid": "high"}))
                .starts_with("priority field 'priorityid'")
        );
    }

    #[test]
    fn outcomes_read_names_and_flags_as_booleans_or_integers() {
        let o: Outcome = decode::one(json!({
            "id": 5, "outcome": "Private Note", "buttonname": "Add Note", "mustaddnote": true,
            "sendemail": 0, "hidefromuser": 1, "systemid": 3, "defaultteam": ""
        }))
        .unwrap();
        assert_eq!(o.display_name().as_deref(), Some("Private Note"));
        assert_eq!(o.button_name().as_deref(), Some("Add Note"));
        assert!(o.must_add_note() && !o.send_email() && o.hide_from_user());
        let by_button: Outcome = decode::one(json!({"id": 6, "buttonname": "Close"})).unwrap();
        assert_eq!(by_button.display_name().as_deref(), Some("Close"));
        assert!(!by_button.must_add_note());
        assert!(
            error_of::<Outcome>(json!({"id": 5, "sendemail": "yes"}))
                .starts_with("outcome field 'sendemail'")
        );
        assert!(
            error_of::<Outcome>(json!({"id": 5, "mustaddnote": 2}))
                .starts_with("outcome field 'mustaddnote'")
        );
    }

    #[test]
    fn statuses_types_and_teams_ignore_unknown_fields() {
        let s: Status = decode::one(json!({"id": 9, "name": "Closed", "type": 1})).unwrap();
        let t: TicketType = decode::one(json!({"id": "1", "name": "Incident", "x": []})).unwrap();
        let team: Team = decode::one(json!({"id": 3, "name": "Projects", "agents": []})).unwrap();
        assert_eq!((s.id, t.id, team.id), (Some(9), Some(1), Some(3)));
        assert!(error_of::<Status>(json!({"id": 9, "name": 1})).starts_with("status field 'name'"));
        assert!(error_of::<TicketType>(json!({"id": []})).starts_with("ticket type field 'id'"));
        assert!(error_of::<Team>(json!({"name": false})).starts_with("team field 'name'"));
    }
}
