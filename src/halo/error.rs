//! What can go wrong talking to Halo, with enough detail to tell a person what to do about it.

use std::time::Duration;

#[derive(Debug, thiserror::Error)]
pub enum HaloError {
    #[error("Halo rejected the credentials (401): {0}")]
    Unauthorized(String),
    #[error("Halo refused the call (403): {message}")]
    Forbidden {
        message: String,
        /// The Halo scope the message names, when it names one.
        missing_scope: Option<String>,
    },
    #[error("not found in Halo: {0}")]
    NotFound(String),
    #[error("Halo rejected the request as invalid (400): {0}")]
    Validation(String),
    #[error("Halo's rate limit was reached; try again in {} seconds", retry_after.as_secs().max(1))]
    RateLimited { retry_after: Duration },
    #[error("Halo did not answer within {} seconds", .0.as_secs())]
    Timeout(Duration),
    #[error("Halo is unreachable or failing: {0}")]
    Unavailable(String),
    /// No connection to Halo could be made, so nothing was sent: even a write may be retried.
    #[error("Halo is unreachable: cannot connect to Halo: {0}")]
    Unreachable(String),
    #[error("Halo answered {status}: {message}")]
    Upstream { status: u16, message: String },
    #[error("Halo sent a response halo-mcp could not read: {0}")]
    InvalidResponse(String),
    /// A write whose outcome is unknown: the request may have reached Halo, so it is not retried.
    #[error(
        "the write may or may not have been applied in Halo ({0}); check Halo before trying again"
    )]
    OutcomeUnknown(String),
    #[error("Halo sign-in failed: {0}")]
    SignIn(String),
}

impl HaloError {
    /// Whether a read may be retried after this error.
    pub fn is_retryable_read(&self) -> bool {
        match self {
            HaloError::RateLimited { .. }
            | HaloError::Unavailable(_)
            | HaloError::Unreachable(_)
            | HaloError::Timeout(_) => true,
            HaloError::Upstream { status, .. } => matches!(status, 500 | 502 | 503 | 504),
            _ => false,
        }
    }
}

/// Pulls a readable message out of the error bodies Halo is known to send.
pub fn message_from_body(body: &str) -> String {
    let trimmed = body.trim();
    if trimmed.is_empty() {
        return "no details given".to_string();
    }
    if let Ok(value) = serde_json::from_str::<serde_json::Value>(trimmed) {
        match &value {
            serde_json::Value::Object(map) => {
                for key in [
                    "error_description",
                    "errorMessage",
                    "Message",
                    "message",
                    "error",
                ] {
                    if let Some(text) = map.get(key).and_then(|v| v.as_str()) {
                        return text.to_string();
                    }
                }
                // Validation bodies are keyed by field path, e.g. {"[0].summary": "..."}.
                let parts: Vec<String> = map
                    .iter()
                    .filter_map(|(k, v)| v.as_str().map(|s| format!("{k}: {s}")))
                    .collect();
                if !parts.is_empty() {
                    return parts.join("; ");
                }
            }
            serde_json::Value::String(s) => return s.clone(),
            _ => {}
        }
    }
    let mut text: String = trimmed.chars().take(300).collect();
    if trimmed.chars().count() > 300 {
        text.push('…');
    }
    text
}

/// Finds a Halo scope name (`read:tickets`, `edit:kb`, ...) in a 403 message.
pub fn scope_in_message(message: &str) -> Option<String> {
    message
        .split(|c: char| c.is_whitespace() || matches!(c, '\'' | '"' | ',' | '.' | '(' | ')'))
        .find(|word| {
            let mut parts = word.splitn(2, ':');
            matches!(
                (parts.next(), parts.next()),
                (Some("read" | "edit" | "editMine" | "access"), Some(rest)) if !rest.is_empty()
            )
        })
        .map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_come_from_known_shapes() {
        assert_eq!(message_from_body(r#"{"errorMessage":"boom"}"#), "boom");
        assert_eq!(message_from_body(r#"{"Message":"boom"}"#), "boom");
        assert_eq!(
            message_from_body(r#"{"error":"invalid_grant","error_description":"used"}"#),
            "used"
        );
        assert_eq!(
            message_from_body(r#"{"[0].summary":"Summary is required"}"#),
            "[0].summary: Summary is required"
        );
        assert_eq!(message_from_body("plain"), "plain");
        assert_eq!(message_from_body(""), "no details given");
    }

    #[test]
    fn scopes_are_found_in_messages() {
        assert_eq!(
            scope_in_message("The token is missing the scope 'edit:tickets'."),
            Some("edit:tickets".into())
        );
        assert_eq!(scope_in_message("Your role does not allow this"), None);
    }
}
