//! Records one audit entry per write tool call: resolves who it ran as, emits the entry as a
//! structured log line (target `audit`), and appends it to the [`AuditLog`]. The write's result
//! never depends on this: an entry that cannot be stored is logged as an error with its content
//! (minus the argument digest), so it can be recovered from the logs.

use std::sync::Arc;
use std::time::Duration;

use chrono::SecondsFormat;

use super::entry::{AuditEntry, HaloRef, Outcome, Party};
use super::log::AuditLog;
use crate::halo::{HaloCredential, LookupKind};
use crate::mcp::CallContext;

/// The longest a write's answer waits for its audit entry to be stored.
pub const APPEND_TIMEOUT: Duration = Duration::from_secs(3);
/// Longest wait for Halo to name the agent of an entry; past it the entry carries the id alone.
const LOOKUP_TIMEOUT: Duration = Duration::from_secs(2);

/// What the dispatcher knows about a finished write call.
pub struct WriteCall<'a> {
    pub ctx: &'a CallContext,
    /// The caller's subject (`agent <id>` when signed in as an agent).
    pub subject: Option<&'a str>,
    pub client: Party,
    pub tool: &'a str,
    pub halo_ids: Vec<HaloRef>,
    pub outcome: Outcome,
    pub args_sha256: String,
}

pub struct Auditor {
    log: Arc<dyn AuditLog>,
    /// The agent of the Services application (api-key and unauthenticated modes): one lookup.
    service_agent: tokio::sync::OnceCell<Party>,
}

impl Auditor {
    pub fn new(log: Arc<dyn AuditLog>) -> Auditor {
        Auditor {
            log,
            service_agent: tokio::sync::OnceCell::new(),
        }
    }

    pub fn log(&self) -> &Arc<dyn AuditLog> {
        &self.log
    }

    pub async fn record(&self, call: WriteCall<'_>) {
        // A write refused before it reached Halo costs Halo nothing, its audit entry included;
        // nor is Halo asked after a write whose outcome is unknown (Halo is slow or failing
        // then, and the result must not wait on it).
        let may_ask_halo = matches!(call.outcome, Outcome::Ok | Outcome::Rejected { .. });
        let agent = self.agent(call.ctx, call.subject, may_ask_halo).await;
        let entry = AuditEntry {
            time: chrono::Utc::now().to_rfc3339_opts(SecondsFormat::Millis, true),
            agent,
            client: call.client,
            tool: call.tool.to_string(),
            halo_ids: call.halo_ids,
            outcome: call.outcome,
            args_sha256: call.args_sha256,
        };
        emit(&entry);
        let stored = tokio::time::timeout(APPEND_TIMEOUT, self.log.append(&entry)).await;
        let error = match stored {
            Ok(Ok(())) => return,
            Ok(Err(error)) => error.to_string(),
            Err(_) => format!("no answer within {} s", APPEND_TIMEOUT.as_secs()),
        };
        let mut kept = entry;
        kept.args_sha256 = String::new();
        let content = serde_json::to_string(&kept).unwrap_or_default();
        tracing::error!(
            target: "audit",
            kind = "audit_not_stored",
            %error,
            entry = %content,
            "a write's audit entry could not be stored; its content is in this line"
        );
    }

    /// The Halo agent the call ran as: from the caller's subject, named from the cached agent
    /// list; else, for the Services application only, its own agent, asked of Halo once (a
    /// signed-in caller whose subject has no id is recorded by subject, never as another
    /// agent). With `may_ask_halo` false only what is already known is used; asking Halo is
    /// bounded by [`LOOKUP_TIMEOUT`] so the audit never holds a write's result for long.
    async fn agent(&self, ctx: &CallContext, subject: Option<&str>, may_ask_halo: bool) -> Party {
        let signed_in = subject
            .and_then(|s| s.strip_prefix("agent "))
            .and_then(|id| id.trim().parse::<i64>().ok());
        if let Some(id) = signed_in {
            let name = match may_ask_halo {
                true => tokio::time::timeout(
                    LOOKUP_TIMEOUT,
                    ctx.lookups.name_of(&ctx.halo, LookupKind::Agent, id),
                )
                .await
                .ok()
                .flatten(),
                false => None,
            };
            return Party::new(Some(id.to_string()), name);
        }
        if !matches!(ctx.halo.credential(), HaloCredential::Service(_)) {
            return Party::new(subject.map(str::to_string), None);
        }
        if !may_ask_halo {
            return match self.service_agent.get() {
                Some(known) => known.clone(),
                None => Party::new(subject.map(str::to_string), None),
            };
        }
        let me = tokio::time::timeout(
            LOOKUP_TIMEOUT,
            self.service_agent.get_or_try_init(|| async {
                // The per-credential record the tools use: a tool's earlier read answers it.
                let me = ctx.lookups.me(&ctx.halo).await?;
                Ok::<_, crate::halo::HaloError>(Party::new(
                    me.id.map(|id| id.to_string()),
                    me.name(),
                ))
            }),
        )
        .await;
        match me {
            Ok(Ok(party)) => party.clone(),
            Ok(Err(error)) => {
                tracing::debug!(%error, "could not read the agent for the audit entry");
                Party::new(subject.map(str::to_string), None)
            }
            Err(_) => Party::new(subject.map(str::to_string), None),
        }
    }
}

/// The entry as a log line: flat fields, so a KQL query (docs/deploy.md) can project them.
fn emit(entry: &AuditEntry) {
    let ids = serde_json::to_string(&entry.halo_ids).unwrap_or_default();
    tracing::info!(
        target: "audit",
        kind = "audit",
        time = %entry.time,
        agent_id = entry.agent.id.as_deref().unwrap_or(""),
        agent_name = entry.agent.name.as_deref().unwrap_or(""),
        client_id = entry.client.id.as_deref().unwrap_or(""),
        client_name = entry.client.name.as_deref().unwrap_or(""),
        tool = %entry.tool,
        halo_ids = %ids,
        outcome = entry.outcome.label(),
        message = entry.outcome.message().unwrap_or(""),
        args_sha256 = %entry.args_sha256,
        "write audited"
    );
}
