//! What an admin asks of the audit log (`halo-mcp audit`): the last N entries, optionally only
//! those of one agent, one tool or one ticket.

use super::entry::AuditEntry;

#[derive(Debug, Clone, Default)]
pub struct AuditQuery {
    pub last: usize,
    /// An agent id or name (case-insensitive).
    pub agent: Option<String>,
    pub tool: Option<String>,
    pub ticket: Option<i64>,
}

impl AuditQuery {
    pub fn matches(&self, entry: &AuditEntry) -> bool {
        let agent = self.agent.as_deref().is_none_or(|wanted| {
            [&entry.agent.id, &entry.agent.name]
                .into_iter()
                .flatten()
                .any(|have| have.eq_ignore_ascii_case(wanted.trim()))
        });
        let tool = self.tool.as_deref().is_none_or(|t| entry.tool == t.trim());
        let ticket = self.ticket.is_none_or(|id| {
            entry
                .halo_ids
                .iter()
                .any(|r| r.id == id && r.field.contains("ticket"))
        });
        agent && tool && ticket
    }

    /// The matching entries among `entries` (oldest first), the last `last` of them.
    pub fn select(&self, entries: Vec<AuditEntry>) -> Vec<AuditEntry> {
        let mut matching: Vec<AuditEntry> =
            entries.into_iter().filter(|e| self.matches(e)).collect();
        let skip = matching.len().saturating_sub(self.last);
        matching.drain(..skip);
        matching
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::entry::{HaloRef, Outcome, Party};

    fn entry(tool: &str, agent: &str, ticket: i64) -> AuditEntry {
        AuditEntry {
            time: "2026-01-01T00:00:00Z".into(),
            agent: Party::new(Some(agent.into()), Some(format!("Agent {agent}"))),
            client: Party::default(),
            tool: tool.into(),
            halo_ids: vec![HaloRef {
                field: "ticket_id".into(),
                id: ticket,
            }],
            outcome: Outcome::Ok,
            args_sha256: String::new(),
        }
    }

    #[test]
    fn filters_then_keeps_the_last_n() {
        let entries = vec![
            entry("add_note", "1", 10),
            entry("update_ticket", "2", 11),
            entry("add_note", "1", 12),
            entry("add_note", "2", 10),
        ];
        let query = |q: AuditQuery| {
            q.select(entries.clone())
                .iter()
                .map(|e| e.halo_ids[0].id)
                .collect::<Vec<_>>()
        };
        let last = |n| AuditQuery {
            last: n,
            ..Default::default()
        };
        assert_eq!(query(last(2)), vec![12, 10]);
        assert_eq!(
            query(AuditQuery {
                tool: Some("add_note".into()),
                ..last(10)
            }),
            vec![10, 12, 10]
        );
        assert_eq!(
            query(AuditQuery {
                agent: Some("agent 2".into()),
                ..last(10)
            }),
            vec![11, 10]
        );
        assert_eq!(
            query(AuditQuery {
                ticket: Some(10),
                ..last(1)
            }),
            vec![10]
        );
    }

    #[test]
    fn a_ticket_is_found_by_its_creation_too() {
        let mut created = entry("create_ticket", "1", 0);
        created.halo_ids = crate::audit::entry::halo_ids(
            &serde_json::Map::new(),
            Some(&serde_json::json!({"id": 1042, "tickettype_id": 1})),
        );
        let query = AuditQuery {
            ticket: Some(1042),
            last: 10,
            ..Default::default()
        };
        assert!(query.matches(&created));
        assert!(!query.matches(&entry("add_note", "1", 1041)));
    }
}
