//! Tool failures and the one place they become text a person can act on.
//!
//! Everything that goes wrong inside a tool is a [`ToolError`]; the MCP layer turns it into a
//! tool result with `isError: true`. JSON-RPC errors are kept for protocol problems.

use crate::halo::HaloError;
use crate::halo::lookups::ResolveError;

#[derive(Debug, thiserror::Error)]
pub enum ToolError {
    /// The arguments do not fit the tool's schema or rules.
    #[error("Invalid arguments: {0}")]
    InvalidArguments(String),
    /// A name given by the caller did not resolve to exactly one record.
    #[error(transparent)]
    Resolve(ResolveError),
    /// A name that matched nothing of the kind asked for, with what it is instead and which
    /// argument takes it.
    #[error("{error} {hint}")]
    Hinted { error: ResolveError, hint: String },
    #[error(transparent)]
    Halo(HaloError),
    /// The tool ran but could not do what was asked, for a reason it explains.
    #[error("{0}")]
    Failed(String),
    /// The server cannot call Halo right now (e.g. a secret could not be read).
    #[error("halo-mcp is not ready: {0}")]
    Unavailable(String),
}

impl From<HaloError> for ToolError {
    fn from(error: HaloError) -> Self {
        ToolError::Halo(error)
    }
}

impl From<ResolveError> for ToolError {
    fn from(error: ResolveError) -> Self {
        match error {
            ResolveError::Halo(e) => ToolError::Halo(e),
            other => ToolError::Resolve(other),
        }
    }
}

impl ToolError {
    /// The message shown to the model and the person behind it.
    pub fn user_message(&self) -> String {
        match self {
            ToolError::Halo(error) => halo_message(error),
            other => other.to_string(),
        }
    }

    /// A short label for logs.
    pub fn kind(&self) -> &'static str {
        match self {
            ToolError::InvalidArguments(_) => "invalid_arguments",
            ToolError::Resolve(_) | ToolError::Hinted { .. } => "unresolved_name",
            ToolError::Halo(HaloError::Forbidden { .. }) => "halo_forbidden",
            ToolError::Halo(HaloError::NotFound(_)) => "halo_not_found",
            ToolError::Halo(HaloError::RateLimited { .. }) => "halo_rate_limited",
            ToolError::Halo(HaloError::Unauthorized(_)) => "halo_unauthorized",
            ToolError::Halo(HaloError::OutcomeUnknown(_)) => "halo_outcome_unknown",
            ToolError::Halo(_) => "halo_error",
            ToolError::Failed(_) => "failed",
            ToolError::Unavailable(_) => "unavailable",
        }
    }
}

fn halo_message(error: &HaloError) -> String {
    match error {
        HaloError::Forbidden {
            missing_scope: Some(scope),
            message,
        } => format!(
            "Halo refused this: the Halo API application is missing the '{scope}' permission. \
             Ask a Halo administrator to grant it under Configuration > Integrations > Halo API. \
             (Halo said: {message})"
        ),
        HaloError::Forbidden { message, .. } => format!(
            "Halo refused this: your Halo agent's role does not allow it. Ask a Halo \
             administrator if you need this permission. (Halo said: {message})"
        ),
        HaloError::NotFound(message) => format!("Not found in Halo: {message}"),
        HaloError::Unauthorized(_) => "Halo did not accept the sign-in (it may have expired). \
             Sign in again (in Copilot Studio: reconnect the connection) and retry."
            .to_string(),
        HaloError::RateLimited { retry_after } => format!(
            "Halo's rate limit was reached. Try again in {} seconds.",
            retry_after.as_secs().max(1)
        ),
        HaloError::Timeout(_) | HaloError::Unavailable(_) | HaloError::Unreachable(_) => format!(
            "Halo is not responding right now ({error}). Try again in a minute; if it persists, \
             check that Halo is up."
        ),
        HaloError::Upstream { status, .. } if *status >= 500 => format!(
            "Halo is failing right now ({error}). Try again in a minute; if it persists, check \
             that Halo is up."
        ),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn halo_failures_read_as_actions() {
        let scope = ToolError::Halo(HaloError::Forbidden {
            message: "missing scope edit:tickets".into(),
            missing_scope: Some("edit:tickets".into()),
        });
        assert!(scope.user_message().contains("'edit:tickets' permission"));
        let role = ToolError::Halo(HaloError::Forbidden {
            message: "no".into(),
            missing_scope: None,
        });
        assert!(role.user_message().contains("role does not allow"));
        let limited = ToolError::Halo(HaloError::RateLimited {
            retry_after: Duration::from_secs(42),
        });
        assert!(limited.user_message().contains("Try again in 42 seconds"));
        let down = ToolError::Halo(HaloError::Unavailable("connection refused".into()));
        assert!(down.user_message().contains("Halo is not responding"));
        let missing = ToolError::Halo(HaloError::NotFound("ticket 5".into()));
        assert!(missing.user_message().starts_with("Not found in Halo"));
    }
}
