//! What can go wrong talking to Halo, with enough detail to tell a person what to do about it.

use std::time::Duration;

/// A failed Halo call, grouped by what it means for the data in Halo: [`HaloError::NotSent`]
/// (nothing reached Halo), [`HaloError::Rejected`] (Halo answered and refused, so nothing was
/// applied), and, once a request was on its way, [`HaloError::ReadFailed`] for a read (harmless
/// to repeat) or [`HaloError::MayHaveBeenApplied`] for a write (never repeated, and the person
/// is told to check Halo first). Callers decide on these variants, never on message text.
#[derive(Debug, thiserror::Error)]
pub enum HaloError {
    /// Nothing reached Halo: even a write may be sent again.
    #[error(transparent)]
    NotSent(#[from] NotSent),
    /// Halo answered with an error status and applied nothing.
    #[error(transparent)]
    Rejected(#[from] Rejection),
    /// A read was sent but no usable answer came back. Reads change nothing, so it may be retried.
    #[error(transparent)]
    ReadFailed(InFlight),
    /// A write was sent but no usable answer came back: it may have been applied, so it is not
    /// retried and the person is asked to check Halo first.
    #[error(
        "the write may or may not have been applied in Halo ({}); check Halo before trying again",
        .0.detail()
    )]
    MayHaveBeenApplied(InFlight),
    /// Halo answered a read with success but halo-mcp cannot use the answer (not JSON, or a
    /// record whose fields do not have the types Halo documents).
    #[error("Halo sent a response halo-mcp could not read: {0}")]
    InvalidResponse(String),
    /// No Halo token could be had, so the API call was not sent.
    #[error("Halo sign-in failed: {0}")]
    SignIn(String),
}

/// Why a call never reached Halo.
#[derive(Debug, thiserror::Error)]
pub enum NotSent {
    /// No connection to Halo could be made.
    #[error("Halo is unreachable: cannot connect to Halo: {0}")]
    Unreachable(String),
    /// halo-mcp's own budget of Halo calls is spent for now.
    #[error("Halo's rate limit was reached; try again in {} seconds", retry_after.as_secs().max(1))]
    RateLimited { retry_after: Duration },
    /// The request could not be built (a bug or a bad setting, not something Halo said).
    #[error("halo-mcp could not build the Halo request: {0}")]
    Request(String),
}

/// Halo's refusal: an error status other than the server failures of [`InFlight`], and Halo's
/// message.
#[derive(Debug, thiserror::Error)]
pub enum Rejection {
    #[error("Halo rejected the request as invalid (400): {0}")]
    Invalid(String),
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
    #[error("Halo's rate limit was reached; try again in {} seconds", retry_after.as_secs().max(1))]
    RateLimited { retry_after: Duration },
    #[error("Halo answered {status}: {message}")]
    Status { status: u16, message: String },
}

impl Rejection {
    /// The HTTP status Halo answered with.
    pub fn status(&self) -> u16 {
        match self {
            Rejection::Invalid(_) => 400,
            Rejection::Unauthorized(_) => 401,
            Rejection::Forbidden { .. } => 403,
            Rejection::NotFound(_) => 404,
            Rejection::RateLimited { .. } => 429,
            Rejection::Status { status, .. } => *status,
        }
    }
}

/// What went wrong after a request was sent.
#[derive(Debug, thiserror::Error)]
pub enum InFlight {
    #[error("Halo did not answer within {} seconds", .0.as_secs())]
    Timeout(Duration),
    /// The connection broke after the request went out.
    #[error("Halo is unreachable or failing: {0}")]
    ConnectionLost(String),
    /// 500, 502, 503 or 504: Halo or its gateway failed while or after handling the request.
    #[error("Halo answered {status}: {message}")]
    ServerFailure { status: u16, message: String },
    /// A success status with a body that cannot be read.
    #[error("Halo sent a response halo-mcp could not read: {0}")]
    Unreadable(String),
}

impl InFlight {
    /// The failure as it reads inside the "may or may not have been applied" message.
    pub fn detail(&self) -> String {
        match self {
            InFlight::Timeout(t) => format!("no answer within {} seconds", t.as_secs()),
            InFlight::ConnectionLost(message) => message.clone(),
            InFlight::ServerFailure { status, message } => {
                format!("Halo answered {status}: {message}")
            }
            InFlight::Unreadable(message) => format!("the response was unreadable: {message}"),
        }
    }

    /// The statuses after which a write's outcome is unknown: every server error but 501 (Not
    /// Implemented refuses the method before doing anything). Gateways and CDNs add their own
    /// 5xx (e.g. 520–524: the origin took the request and failed or timed out).
    pub fn is_server_failure(status: u16) -> bool {
        (500..=599).contains(&status) && status != 501
    }
}

impl HaloError {
    /// Whether a read may be retried after this error.
    pub fn is_retryable_read(&self) -> bool {
        matches!(
            self,
            HaloError::NotSent(NotSent::Unreachable(_) | NotSent::RateLimited { .. })
                | HaloError::Rejected(Rejection::RateLimited { .. })
                | HaloError::ReadFailed(_)
        )
    }

    /// How long to wait before calling Halo again, when the failure was a rate limit (ours or
    /// Halo's).
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            HaloError::NotSent(NotSent::RateLimited { retry_after })
            | HaloError::Rejected(Rejection::RateLimited { retry_after }) => Some(*retry_after),
            _ => None,
        }
    }

    /// Whether Halo answered 404.
    pub fn is_not_found(&self) -> bool {
        matches!(self, HaloError::Rejected(Rejection::NotFound(_)))
    }

    /// The same failure seen from a write: whatever went wrong after the request was sent
    /// (including an unreadable success answer) leaves the outcome unknown.
    pub fn for_write(self) -> HaloError {
        match self {
            HaloError::ReadFailed(failure) => HaloError::MayHaveBeenApplied(failure),
            HaloError::InvalidResponse(message) => {
                HaloError::MayHaveBeenApplied(InFlight::Unreadable(message))
            }
            other => other,
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
    #[test]
    fn every_server_error_but_501_leaves_a_write_unknown() {
        for status in [500, 502, 503, 504, 505, 507, 520, 524, 599] {
            assert!(InFlight::is_server_failure(status), "{status}");
        }
        for status in [400, 404, 429, 499, 501, 600] {
            assert!(!InFlight::is_server_failure(status), "{status}");
        }
    }

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
    fn only_failures_after_sending_a_write_leave_its_outcome_unknown() {
        let unknown = |e: HaloError| matches!(e.for_write(), HaloError::MayHaveBeenApplied(_));
        assert!(!unknown(NotSent::Unreachable("refused".into()).into()));
        assert!(!unknown(
            NotSent::RateLimited {
                retry_after: Duration::from_secs(1)
            }
            .into()
        ));
        assert!(!unknown(Rejection::Invalid("summary".into()).into()));
        assert!(!unknown(
            Rejection::Status {
                status: 501,
                message: "no".into()
            }
            .into()
        ));
        assert!(!unknown(HaloError::SignIn("bad secret".into())));
        assert!(unknown(HaloError::ReadFailed(InFlight::Timeout(
            Duration::from_secs(3)
        ))));
        assert!(unknown(HaloError::ReadFailed(InFlight::ConnectionLost(
            "reset".into()
        ))));
        for status in [500, 502, 503, 504] {
            assert!(unknown(HaloError::ReadFailed(InFlight::ServerFailure {
                status,
                message: "down".into()
            })));
        }
        assert!(unknown(HaloError::InvalidResponse("malformed JSON".into())));
    }

    #[test]
    fn only_an_unknown_outcome_asks_to_check_halo() {
        let unknown = HaloError::MayHaveBeenApplied(InFlight::Timeout(Duration::from_secs(30)));
        assert_eq!(
            unknown.to_string(),
            "the write may or may not have been applied in Halo (no answer within 30 seconds); \
             check Halo before trying again"
        );
        let others: Vec<HaloError> = vec![
            NotSent::Unreachable("refused".into()).into(),
            Rejection::NotFound("ticket 5".into()).into(),
            HaloError::ReadFailed(InFlight::Timeout(Duration::from_secs(30))),
            HaloError::InvalidResponse("x".into()),
        ];
        for other in others {
            assert!(!other.to_string().contains("check Halo"), "{other}");
        }
    }

    #[test]
    fn reads_are_retried_after_transient_failures_only() {
        assert!(HaloError::from(NotSent::Unreachable("refused".into())).is_retryable_read());
        assert!(
            HaloError::ReadFailed(InFlight::ConnectionLost("reset".into())).is_retryable_read()
        );
        assert!(
            HaloError::from(Rejection::RateLimited {
                retry_after: Duration::from_secs(2)
            })
            .is_retryable_read()
        );
        assert!(!HaloError::from(Rejection::NotFound("5".into())).is_retryable_read());
        assert!(!HaloError::InvalidResponse("x".into()).is_retryable_read());
        let rejected = Rejection::Forbidden {
            message: "no".into(),
            missing_scope: None,
        };
        assert_eq!(rejected.status(), 403);
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
