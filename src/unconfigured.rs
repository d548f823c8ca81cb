//! "Deploy first, configure after": the server halo-mcp runs under the Azure Functions host when
//! its settings are incomplete or wrong.
//!
//! Operators need the app's URL before they can create the Halo API application (its redirect
//! URL is `<app>/oauth/callback`), so the first deployment usually lacks `HALO_CLIENT_ID` or a
//! secret. Exiting would leave the host restarting a crashed handler and every request a bare
//! 502; instead the handler answers the host's readiness probe (`GET /`), reports the problem
//! on `/healthz` (503, for monitors and the availability test) and answers `/mcp` and every
//! other path with a 503 carrying the same explanation. Outside the Functions host a bad
//! configuration still stops the process, which is what a developer wants.

use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde_json::{Value, json};
use tokio::net::TcpListener;

use crate::config::{ConfigError, Env};
use crate::startup::StartupError;

/// What stops halo-mcp from serving, as operators see it on `/healthz` and `/mcp`.
#[derive(Debug, Clone)]
pub struct NotConfigured {
    /// The setting to change, when one is known.
    pub setting: Option<String>,
    pub problem: String,
}

impl From<&ConfigError> for NotConfigured {
    fn from(error: &ConfigError) -> Self {
        NotConfigured {
            setting: Some(error.name.to_string()),
            problem: error.problem.clone(),
        }
    }
}

impl From<&StartupError> for NotConfigured {
    fn from(error: &StartupError) -> Self {
        NotConfigured {
            setting: None,
            problem: error.to_string(),
        }
    }
}

impl NotConfigured {
    /// One sentence naming the setting and what to do.
    pub fn message(&self) -> String {
        let what = match &self.setting {
            Some(setting) => format!("{setting}: {}", self.problem),
            None => self.problem.clone(),
        };
        format!(
            "halo-mcp is deployed but not configured: {what}. Set it as an app setting (azd env set \
             <NAME> <value> && azd provision, or the Bicep parameter with az) and put secrets into \
             Key Vault; see docs/deploy.md, 'First deployment, step by step'."
        )
    }

    fn body(&self) -> Value {
        json!({
            "status": "not_configured",
            "missing": [{
                "setting": self.setting,
                "problem": self.problem,
            }],
            "message": self.message(),
        })
    }
}

/// The address the Functions host asks for, when it started us; `None` otherwise (or when the
/// port itself is unusable, which only a broken host would send).
pub fn functions_listen_addr(env: &Env) -> Option<SocketAddr> {
    let port = env
        .get(&crate::config::listen::FUNCTIONS_CUSTOMHANDLER_PORT)?
        .parse::<u16>()
        .ok()?;
    Some(SocketAddr::from((Ipv4Addr::LOCALHOST, port)))
}

/// `GET /` answers (the host's readiness probe); `/healthz` and everything else get 503.
pub fn router(state: NotConfigured) -> Router {
    Router::new()
        .route("/", get(root))
        .route("/healthz", get(healthz))
        .route("/mcp", axum::routing::any(mcp))
        .fallback(other)
        .with_state(Arc::new(state))
}

/// Serves [`router`] on `addr` until `shutdown` completes.
pub async fn serve(
    addr: SocketAddr,
    state: NotConfigured,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let listener = TcpListener::bind(addr).await?;
    tracing::error!(
        setting = state.setting.as_deref().unwrap_or(""),
        problem = %state.problem,
        "not configured: serving 503 with the explanation until the settings are fixed"
    );
    // The same connection limits as a configured server: this mode faces the same clients.
    let limits = crate::edge::ConnectionLimits::new(crate::config::ConnectionSettings::DEFAULTS);
    crate::edge::serve(listener, router(state), limits, shutdown).await
}

type Shared = State<Arc<NotConfigured>>;

async fn root(State(state): Shared) -> Response {
    axum::Json(json!({
        "name": "halo-mcp",
        "version": env!("CARGO_PKG_VERSION"),
        "status": "not_configured",
        "message": state.message(),
        "health": "/healthz",
    }))
    .into_response()
}

async fn healthz(State(state): Shared) -> Response {
    (StatusCode::SERVICE_UNAVAILABLE, axum::Json(state.body())).into_response()
}

/// A JSON-RPC error, so an MCP client (Copilot Studio's test pane) shows the explanation.
async fn mcp(State(state): Shared) -> Response {
    let body = json!({
        "jsonrpc": "2.0",
        "id": null,
        "error": {
            "code": -32000,
            "message": state.message(),
            "data": state.body(),
        },
    });
    (StatusCode::SERVICE_UNAVAILABLE, axum::Json(body)).into_response()
}

async fn other(State(state): Shared) -> Response {
    (StatusCode::SERVICE_UNAVAILABLE, axum::Json(state.body())).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::Body;
    use http_body_util::BodyExt;
    use tower::ServiceExt;

    async fn call(method: &str, path: &str) -> (StatusCode, Value) {
        let state = NotConfigured {
            setting: Some("HALO_CLIENT_ID".into()),
            problem: "oauth mode needs the client id".into(),
        };
        let response = router(state)
            .oneshot(
                http::Request::builder()
                    .method(method)
                    .uri(path)
                    .body(Body::empty())
                    .expect("request"),
            )
            .await
            .expect("infallible");
        let status = response.status();
        let bytes = response
            .into_body()
            .collect()
            .await
            .expect("body")
            .to_bytes();
        (status, serde_json::from_slice(&bytes).expect("JSON"))
    }

    #[tokio::test]
    async fn readiness_answers_and_everything_else_explains_with_503() {
        let (status, body) = call("GET", "/").await;
        assert_eq!(status, StatusCode::OK, "the host's readiness probe");
        assert_eq!(body["status"], "not_configured");
        let (status, health) = call("GET", "/healthz").await;
        assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(health["missing"][0]["setting"], "HALO_CLIENT_ID");
        let (status, mcp) = call("POST", "/mcp").await;
        assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(mcp["error"]["message"], health["message"]);
        let (status, other) = call("GET", "/.well-known/oauth-protected-resource").await;
        assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(other["message"], health["message"]);
    }

    #[test]
    fn only_the_functions_host_port_selects_this_mode() {
        assert_eq!(functions_listen_addr(&Env::from_pairs([])), None);
        assert_eq!(
            functions_listen_addr(&Env::from_pairs([("FUNCTIONS_CUSTOMHANDLER_PORT", "7071")])),
            Some("127.0.0.1:7071".parse().expect("addr"))
        );
    }
}
