//! `halo-mcp audit`: prints audit entries from the state container, one JSON line each, oldest
//! first. It reads the same settings as the server (`MCP_STATE_CONTAINER_URL`, and
//! `AZURE_CLIENT_ID` for a user-assigned identity), so an admin runs it with the app's settings
//! or with a SAS URL for the container.

use std::io::Write;

use super::log::AuditLog;
use super::query::AuditQuery;
use crate::config::Config;
use crate::storage::{self, BlobAuditLog, StorageOptions};

/// Prints the entries `query` selects to `out`; the error says what to fix.
pub async fn run(config: &Config, query: &AuditQuery, out: &mut dyn Write) -> Result<(), String> {
    let Some(container) = &config.state_container else {
        return Err(
            "MCP_STATE_CONTAINER_URL is not set: without a state container the audit log lives \
             only in the running process (and in its `audit` log lines); set it to the \
             container's URL (with a SAS, or signed in with `az login`)"
                .into(),
        );
    };
    let client = storage::container_client(&StorageOptions {
        container: container.clone(),
        managed_identity_client_id: config.secrets.managed_identity_client_id.clone(),
    })?;
    let entries = BlobAuditLog::new(client)
        .read_all()
        .await
        .map_err(|e| format!("cannot read the audit log in {}: {e}", container.redacted()))?;
    for entry in query.select(entries) {
        let line = serde_json::to_string(&entry).map_err(|e| e.to_string())?;
        writeln!(out, "{line}").map_err(|e| e.to_string())?;
    }
    Ok(())
}
