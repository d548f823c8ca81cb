//! Who is calling and what they may do: bearer-token lookup, scope checks (the application's
//! permissions) and role checks (the agent's permissions). Halo requires both.

use axum::extract::FromRequestParts;
use axum::http::header;
use axum::http::request::Parts;
use base64::Engine;
use rand::RngCore;
use sha2::{Digest, Sha256};

use super::errors::ApiError;
use super::model::{Agent, AgentRole};
use super::store::SandboxState;

/// Every scope Halo accepts (per the HaloAPI module's validation list).
pub fn is_valid_scope(scope: &str) -> bool {
    const AREAS: &[&str] = &[
        "tickets",
        "calendar",
        "customers",
        "crm",
        "contracts",
        "suppliers",
        "items",
        "projects",
        "sales",
        "quotes",
        "sos",
        "pos",
        "invoices",
        "reporting",
        "software",
        "softwarelicensing",
        "kb",
        "assets",
    ];
    const OTHERS: &[&str] = &[
        "all",
        "all:standard",
        "admin",
        "editMine:timesheets",
        "read:timesheets",
        "edit:timesheets",
        "access:chat",
        "access:adpasswordreset",
        "offline_access",
    ];
    if OTHERS.contains(&scope) {
        return true;
    }
    match scope.split_once(':') {
        Some(("read" | "edit", area)) => AREAS.contains(&area),
        _ => false,
    }
}

/// The authenticated caller of an `/api` request.
#[derive(Debug, Clone)]
pub struct Caller {
    pub agent_id: i64,
    pub agent_name: String,
    pub role: AgentRole,
    pub client_id: String,
    pub scopes: Vec<String>,
}

impl Caller {
    /// `all` (and the admin/standard bundles) grant every scope; `edit:X` implies `read:X`.
    pub fn has_scope(&self, scope: &str) -> bool {
        self.scopes.iter().any(|s| {
            s == scope
                || matches!(s.as_str(), "all" | "all:standard" | "admin")
                || scope
                    .strip_prefix("read:")
                    .is_some_and(|area| s.strip_prefix("edit:") == Some(area))
        })
    }

    pub fn require_scope(&self, scope: &str) -> Result<(), ApiError> {
        if self.has_scope(scope) {
            Ok(())
        } else {
            Err(ApiError::missing_scope(scope))
        }
    }

    /// Writes need an agent role that can edit; `what` completes "Your role does not allow you to …".
    pub fn require_edit_role(&self, what: &str) -> Result<(), ApiError> {
        if self.role.can_edit() {
            Ok(())
        } else {
            Err(ApiError::role(what))
        }
    }

    pub fn from_agent(agent: &Agent, client_id: &str, scopes: &[String]) -> Caller {
        Caller {
            agent_id: agent.id,
            agent_name: agent.name.clone(),
            role: agent.role,
            client_id: client_id.to_string(),
            scopes: scopes.to_vec(),
        }
    }
}

pub fn hash_secret(secret: &str) -> String {
    let digest = Sha256::digest(secret.as_bytes());
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(digest)
}

/// An unguessable opaque token.
pub fn new_secret() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// The bearer token from an `Authorization` header, if well-formed.
pub fn bearer(parts: &Parts) -> Option<&str> {
    let value = parts.headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.trim().split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then_some(token.trim())
        .filter(|t| !t.is_empty())
}

/// Resolves a token to its caller, or says why it is not usable.
pub fn authenticate(state: &SandboxState, token: Option<&str>) -> Result<Caller, ApiError> {
    let token = token.ok_or_else(|| {
        ApiError::Unauthorized("Authorization: Bearer <access token> is required".into())
    })?;
    let hash = hash_secret(token);
    let now = state.now();
    state.read(|d| {
        let t = d
            .access_tokens
            .iter()
            .find(|t| t.hash == hash)
            .ok_or_else(|| ApiError::Unauthorized("The access token is not valid".into()))?;
        if now >= t.expires_at {
            return Err(ApiError::Unauthorized(
                "The access token has expired".into(),
            ));
        }
        let agent = d
            .agent(t.agent_id)
            .filter(|a| !a.isdisabled)
            .ok_or_else(|| ApiError::Unauthorized("The token's agent is disabled".into()))?;
        Ok(Caller::from_agent(agent, &t.client_id, &t.scopes))
    })
}

impl FromRequestParts<SandboxState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &SandboxState,
    ) -> Result<Self, Self::Rejection> {
        authenticate(state, bearer(parts))
    }
}
