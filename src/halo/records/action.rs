//! Ticket actions (notes, e-mails, status changes, time entries): `GET /Actions` for one
//! ticket and `POST /Actions` from a typed [`ActionWrite`] (halo-api.md §4.8, §4.14).

use serde::{Deserialize, Serialize};

use super::decode::{self, Record, Records};
use crate::halo::{HaloError, HaloSession};

/// One action on a ticket.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Action {
    #[serde(default, deserialize_with = "decode::int")]
    pub id: Option<i64>,
    #[serde(default, deserialize_with = "decode::int")]
    pub ticket_id: Option<i64>,
    /// The outcome's name ("Private Note", "Resolve" …).
    #[serde(default)]
    pub outcome: Option<String>,
    /// Who did it, as Halo shows it.
    #[serde(default)]
    pub who: Option<String>,
    #[serde(default, rename = "datetime")]
    pub date: Option<String>,
    #[serde(default, rename = "actiondatecreated")]
    pub date_created: Option<String>,
    #[serde(default)]
    pub note: Option<String>,
    #[serde(default)]
    pub note_html: Option<String>,
    /// Hidden from the end user (a private action).
    #[serde(default, rename = "hiddenfromuser")]
    pub private: Option<bool>,
    /// Hours, as Halo sent the number.
    #[serde(default, rename = "timetaken")]
    pub time_taken: Option<serde_json::Number>,
    /// The status the action set.
    #[serde(default, deserialize_with = "decode::int")]
    pub new_status: Option<i64>,
    /// The agent the action assigned.
    #[serde(default, deserialize_with = "decode::int")]
    pub new_agent: Option<i64>,
    /// The team the action moved the ticket to, by name.
    #[serde(default)]
    pub new_team: Option<String>,
    /// Whether Halo e-mailed the note.
    #[serde(default, rename = "sendemail")]
    pub send_email: Option<bool>,
    #[serde(default, rename = "emailto")]
    pub email_to: Option<String>,
}

impl Record for Action {
    const ENTITY: &'static str = "action";
}

/// An action to add to a ticket, as `POST /Actions` takes it. Unset fields are left out, so
/// the outcome's own settings apply.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ActionWrite {
    pub ticket_id: i64,
    pub outcome_id: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note_html: Option<String>,
    #[serde(rename = "hiddenfromuser", skip_serializing_if = "Option::is_none")]
    pub private: Option<bool>,
    #[serde(rename = "sendemail", skip_serializing_if = "Option::is_none")]
    pub send_email: Option<bool>,
    #[serde(rename = "emailto", skip_serializing_if = "Option::is_none")]
    pub email_to: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub new_status: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub new_agent: Option<i64>,
    /// The new team, by name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub new_team: Option<String>,
    /// Hours.
    #[serde(rename = "timetaken", skip_serializing_if = "Option::is_none")]
    pub time_taken: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub important: Option<bool>,
    /// When the work started and ended, in Halo's date format.
    #[serde(rename = "actionarrivaldate", skip_serializing_if = "Option::is_none")]
    pub started: Option<String>,
    #[serde(
        rename = "actioncompletiondate",
        skip_serializing_if = "Option::is_none"
    )]
    pub ended: Option<String>,
    #[serde(rename = "actisbillable", skip_serializing_if = "Option::is_none")]
    pub billable: Option<bool>,
}

impl HaloSession {
    /// A ticket's actions without system actions, in Halo's order.
    pub async fn ticket_actions(&self, ticket_id: i64) -> Result<Records<Action>, HaloError> {
        let query = [
            ("ticket_id", ticket_id.to_string()),
            ("excludesys", "true".into()),
        ];
        self.read_list("Actions", "actions", &query).await
    }

    /// Adds one action (sent once, never retried) and returns it as Halo saved it. An
    /// unreadable answer leaves the write's outcome unknown, and says so.
    pub async fn save_action(&self, action: &ActionWrite) -> Result<Action, HaloError> {
        decode::one(self.post_one("Actions", super::body(action)?).await?)
            .map_err(HaloError::for_write)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn actions_read_halo_names_into_ours_and_ignore_the_rest() {
        let a: Action = decode::one(json!({
            "id": 5, "ticket_id": "12", "outcome": "Private Note", "who": "Sam",
            "datetime": "2026-11-24T09:30:00", "note_html": "<p>x</p>", "hiddenfromuser": true,
            "timetaken": 0.5, "new_status": 0, "new_team": "Second Line", "sendemail": false,
            "whatever": [1, 2]
        }))
        .unwrap();
        assert_eq!(a.new_team.as_deref(), Some("Second Line"));
        assert_eq!(
            (a.id, a.ticket_id, a.new_status),
            (Some(5), Some(12), Some(0))
        );
        assert_eq!((a.private, a.send_email), (Some(true), Some(false)));
        assert_eq!(a.time_taken.and_then(|n| n.as_f64()), Some(0.5));
        match decode::one::<Action>(json!({"id": 5, "hiddenfromuser": "yes"})) {
            Err(HaloError::InvalidResponse(m)) => {
                assert!(m.starts_with("action field 'hiddenfromuser'"), "{m}")
            }
            other => panic!("{other:?}"),
        }
        match decode::one::<Action>(json!({"new_team": 3})) {
            Err(HaloError::InvalidResponse(m)) => {
                assert!(m.starts_with("action field 'new_team'"), "{m}")
            }
            other => panic!("{other:?}"),
        }
        match decode::one::<Action>(json!({"timetaken": "1h"})) {
            Err(HaloError::InvalidResponse(m)) => {
                assert!(m.starts_with("action field 'timetaken'"), "{m}")
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn writes_send_only_what_is_set_under_halo_names() {
        let body = serde_json::to_value(ActionWrite {
            ticket_id: 3,
            outcome_id: 7,
            note_html: Some("hi".into()),
            private: Some(true),
            send_email: Some(false),
            time_taken: Some(1.5),
            started: Some("2026-11-24T09:00:00".into()),
            billable: Some(true),
            ..ActionWrite::default()
        })
        .unwrap();
        assert_eq!(
            body,
            json!({"ticket_id": 3, "outcome_id": 7, "note_html": "hi", "hiddenfromuser": true,
                   "sendemail": false, "timetaken": 1.5,
                   "actionarrivaldate": "2026-11-24T09:00:00", "actisbillable": true})
        );
    }
}
