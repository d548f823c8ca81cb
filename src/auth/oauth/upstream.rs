//! Halo's token endpoint as our upstream: exchanging Halo's authorization code and refreshing
//! Halo tokens, with Halo's refusals (e.g. a reused single-use refresh token) kept apart from
//! outages so the client sees `invalid_grant` for the first and a retryable error for the second.

use serde::Deserialize;
use serde_json::Value;

use super::claims::HaloTokens;
use crate::auth::AuthContext;
use crate::auth::tokens::now;
use crate::halo::error::message_from_body;

#[derive(Debug, thiserror::Error)]
pub enum UpstreamError {
    /// Halo answered 4xx: the grant (code, refresh token) is not valid.
    #[error("Halo refused: {0}")]
    Refused(String),
    #[error("Halo's token endpoint is unavailable: {0}")]
    Unavailable(String),
    #[error("{0}")]
    Secret(String),
}

#[derive(Deserialize)]
struct TokenAnswer {
    access_token: String,
    #[serde(default)]
    refresh_token: Option<String>,
    #[serde(default)]
    expires_in: Option<i64>,
}

/// Posts a grant to Halo's token endpoint as our Halo application.
pub async fn halo_grant(
    ctx: &AuthContext,
    grant: &[(&str, &str)],
) -> Result<HaloTokens, UpstreamError> {
    let secret = ctx
        .halo_client_secret
        .get_optional()
        .await
        .map_err(|e| UpstreamError::Secret(e.to_string()))?;
    let endpoints = ctx
        .halo
        .auth_endpoints()
        .await
        .map_err(|e| UpstreamError::Unavailable(e.to_string()))?;
    let mut form: Vec<(&str, &str)> = grant.to_vec();
    form.push(("client_id", &ctx.halo_client_id));
    if let Some(secret) = &secret {
        form.push(("client_secret", secret));
    }
    let response = ctx
        .halo
        .http()
        .post(endpoints.endpoint("token"))
        .form(&form)
        .send()
        .await
        .map_err(|e| UpstreamError::Unavailable(e.without_url().to_string()))?;
    let status = response.status();
    let body = response.text().await.unwrap_or_default();
    if status.is_client_error() {
        return Err(UpstreamError::Refused(message_from_body(&body)));
    }
    if !status.is_success() {
        return Err(UpstreamError::Unavailable(format!(
            "HTTP {}",
            status.as_u16()
        )));
    }
    let answer: TokenAnswer = serde_json::from_str(&body)
        .map_err(|e| UpstreamError::Unavailable(format!("unreadable token response: {e}")))?;
    Ok(HaloTokens {
        access: answer.access_token,
        refresh: answer.refresh_token,
        exp: now() + answer.expires_in.unwrap_or(3600),
    })
}

/// Who the Halo token belongs to, for logs and our tokens' subject: "agent <id>".
pub async fn subject(ctx: &AuthContext, halo_access: &str) -> String {
    let session = ctx
        .halo
        .session(crate::halo::HaloCredential::Bearer(std::sync::Arc::from(
            halo_access,
        )));
    match session.get("Agent/me", &[]).await {
        Ok(me) => match me.get("id").and_then(Value::as_i64) {
            Some(id) => format!("agent {id}"),
            None => "agent ?".into(),
        },
        Err(error) => {
            tracing::warn!(%error, "could not read the signed-in agent");
            "agent ?".into()
        }
    }
}
