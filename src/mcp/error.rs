//! Tool failures and the one place they become text a person can act on.
//!
//! Everything that goes wrong inside a tool is a [`ToolError`]; the MCP layer turns it into a
//! tool result with `isError: true`. JSON-RPC errors are kept for protocol problems.

use crate::halo::lookups::ResolveError;
use crate::halo::{HaloError, InFlight, NotSent, Rejection};

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
    /// A write was sent and its outcome is unknown, with the tool's own words on what to check
    /// in Halo (a [`HaloError::MayHaveBeenApplied`] the tool explains better than the default).
    #[error("{0}")]
    MayHaveBeenApplied(String),
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
            ToolError::Halo(HaloError::Rejected(Rejection::Forbidden { .. })) => "halo_forbidden",
            ToolError::Halo(HaloError::Rejected(Rejection::NotFound(_))) => "halo_not_found",
            ToolError::Halo(e) if e.retry_after().is_some() => "halo_rate_limited",
            ToolError::Halo(HaloError::Rejected(Rejection::Unauthorized(_))) => "halo_unauthorized",
            ToolError::Halo(HaloError::MayHaveBeenApplied(_))
            | ToolError::MayHaveBeenApplied(_) => "halo_outcome_unknown",
            ToolError::Halo(_) => "halo_error",
            ToolError::Failed(_) => "failed",
            ToolError::Unavailable(_) => "unavailable",
        }
    }
}

fn halo_message(error: &HaloError) -> String {
    match error {
        HaloError::Rejected(Rejection::Forbidden {
            missing_scope: Some(scope),
            message,
        }) => format!(
            "Halo refused this: the Halo API application is missing the '{scope}' permission. \
             Ask a Halo administrator to grant it under Configuration > Integrations > Halo API. \
             (Halo said: {message})"
        ),
        HaloError::Rejected(Rejection::Forbidden { message, .. }) => format!(
            "Halo refused this: your Halo agent's role does not allow it. Ask a Halo \
             administrator if you need this permission. (Halo said: {message})"
        ),
        HaloError::Rejected(Rejection::NotFound(message)) => {
            format!("Not found in Halo: {message}")
        }
        HaloError::Rejected(Rejection::Unauthorized(_)) => {
            "Halo did not accept the sign-in (it may have expired). \
             Sign in again (in Copilot Studio: reconnect the connection) and retry."
                .to_string()
        }
        HaloError::NotSent(NotSent::RateLimited { retry_after })
        | HaloError::Rejected(Rejection::RateLimited { retry_after }) => format!(
            "Halo's rate limit was reached. Try again in {} seconds.",
            retry_after.as_secs().max(1)
        ),
        HaloError::NotSent(NotSent::Unreachable(_))
        | HaloError::ReadFailed(InFlight::Timeout(_) | InFlight::ConnectionLost(_)) => format!(
            "Halo is not responding right now ({error}). Try again in a minute; if it persists, \
             check that Halo is up."
        ),
        HaloError::ReadFailed(InFlight::ServerFailure { .. }) => format!(
            "Halo is failing right now ({error}). Try again in a minute; if it persists, check \
             that Halo is up."
        ),
        HaloError::Rejected(Rejection::Status { status, .. }) if *status >= 500 => format!(
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
        let scope = ToolError::Halo(
            Rejection::Forbidden {
                message: "missing scope edit:tickets".into(),
                missing_scope: Some("edit:tickets".into()),
            }
            .into(),
        );
        assert!(scope.user_message().contains("'edit:tickets' permission"));
        let role = ToolError::Halo(
            Rejection::Forbidden {
                message: "no".into(),
                missing_scope: None,
            }
            .into(),
        );
        assert!(role.user_message().contains("role does not allow"));
        let limited = ToolError::Halo(
            NotSent::RateLimited {
                retry_after: Duration::from_secs(42),
            }
            .into(),
        );
        assert!(limited.user_message().contains("Try again in 42 seconds"));
        let down = ToolError::Halo(NotSent::Unreachable("connection refused".into()).into());
        assert!(down.user_message().contains("Halo is not responding"));
        let missing = ToolError::Halo(Rejection::NotFound("ticket 5".into()).into());
        assert!(missing.user_message().starts_with("Not found in Halo"));
    }
}
