//! What a write did beyond the call itself, said in the result so the model can tell the person:
//! the ticket fields that changed (status, agent, team) and warnings such as reassigning a
//! closed ticket.

use serde_json::{Value, json};

/// Ticket fields a write can change as a side effect, as (label, shaped key).
const WATCHED: &[(&str, &str)] = &[
    ("status", "status_name"),
    ("agent", "agent_name"),
    ("team", "team"),
];

/// What differs between two shaped tickets in the fields a write can change, as
/// `{field, from, to}`.
pub fn changes(before: &Value, after: &Value) -> Vec<Value> {
    changes_in(WATCHED, before, after)
}

/// What differs between two shaped tickets in `watched` (label, shaped key), as
/// `{field, from, to}`.
pub fn changes_in(watched: &[(&str, &str)], before: &Value, after: &Value) -> Vec<Value> {
    watched
        .iter()
        .filter_map(|(label, key)| {
            let (b, a) = (before.get(*key), after.get(*key));
            (b != a).then(|| json!({"field": label, "from": b, "to": a}))
        })
        .collect()
}

/// "status In Progress → Resolved, team Service Desk → Second Line".
pub fn describe(changes: &[Value]) -> String {
    changes
        .iter()
        .map(|c| {
            let show = |v: &Value| v.as_str().map(str::to_string).unwrap_or("(none)".into());
            format!(
                "{} {} → {}",
                c["field"].as_str().unwrap_or_default(),
                show(&c["from"]),
                show(&c["to"])
            )
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Whether a ticket (shaped, or as Halo sent it) is closed: Halo sets a real `dateclosed` when a
/// ticket closes (its "not set" sentinel is no date), and tenants name their closing statuses
/// with words such as "Closed", "Resolved", "Completed" or "Cancelled" — whole words, so
/// "Unresolved" is not one.
pub fn is_closed(ticket: &Value) -> bool {
    let closed_date = ["date_closed", "dateclosed"].iter().any(|field| {
        ticket
            .get(*field)
            .and_then(Value::as_str)
            .and_then(crate::halo::dates::parse)
            .is_some()
    });
    let closing_status = ["status_name", "status"]
        .iter()
        .find_map(|field| ticket.get(*field).and_then(Value::as_str))
        .is_some_and(|status| {
            status
                .split(|c: char| !c.is_alphanumeric())
                .map(str::to_lowercase)
                .any(|word| {
                    ["closed", "resolved", "completed", "cancelled", "canceled"]
                        .contains(&word.as_str())
                })
        });
    closed_date || closing_status
}

/// A warning when an agent or team change lands on a closed ticket (it stays closed, and the
/// new owner may never see it).
pub fn closed_reassignment(id: i64, before: &Value, changes: &[Value]) -> Option<String> {
    let reassigned = changes
        .iter()
        .any(|c| c["field"] == "agent" || c["field"] == "team");
    (reassigned && is_closed(before)).then(|| {
        format!(
            "Ticket {id} is {}: it was reassigned but stays closed, so it will not show in the \
             new owner's open work. Reopen it (action_ticket with a new status) if work is needed.",
            before
                .get("status_name")
                .and_then(Value::as_str)
                .unwrap_or("closed")
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changes_and_closed_reassignments_are_described() {
        let before =
            json!({"status_name": "Closed", "agent_name": "Sam Taylor", "team": "Service Desk"});
        let after =
            json!({"status_name": "Closed", "agent_name": "Rob Reed", "team": "Service Desk"});
        let c = changes(&before, &after);
        assert_eq!(describe(&c), "agent Sam Taylor → Rob Reed");
        assert!(
            closed_reassignment(5, &before, &c)
                .unwrap()
                .contains("stays closed")
        );
        let open = json!({"status_name": "In Progress"});
        assert!(closed_reassignment(5, &open, &c).is_none());
    }

    #[test]
    fn closed_is_a_real_close_date_or_a_closing_word() {
        for closed in [
            json!({"status_name": "Resolved - Awaiting Confirmation"}),
            json!({"status": "Completed"}),
            json!({"status_name": "Open", "dateclosed": "2026-11-20T10:00:00.0000000"}),
            json!({"date_closed": "2026-11-20T10:00:00Z"}),
        ] {
            assert!(is_closed(&closed), "{closed}");
        }
        for open in [
            json!({"status_name": "Unresolved"}),
            json!({"status_name": "In Progress", "dateclosed": "1900-01-01T00:00:00"}),
            json!({"status": "New", "dateclosed": null}),
        ] {
            assert!(!is_closed(&open), "{open}");
        }
    }
}
