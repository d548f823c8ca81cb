//! The HTTP front: the axum router, and the gateway every request passes first (case-insensitive
//! paths, the request log, fault injection, the rate limit). [`Sandbox`] runs it on a socket.

use std::net::SocketAddr;
use std::time::Duration;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode, Uri, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use super::faults::{FaultInjector, FaultKind};
use super::request_log::LoggedRequest;
use super::store::{SandboxOptions, SandboxState};
use super::{
    actions, assets, authz, automation, directory as dir, errors::ApiError, kb, oauth, reports,
    services, tickets, timesheets,
};

/// The sandbox's routes behind its gateway. Paths are registered lowercase; the gateway
/// lowercases `/api` and `/auth` request paths first, which is how Halo's case-insensitivity is
/// reproduced.
pub fn router(state: SandboxState) -> Router {
    let inner = Router::new()
        .route("/api/authinfo", get(dir::authinfo))
        .route("/api/instanceinfo", get(dir::instanceinfo))
        .route("/api/agent/me", get(dir::agent_me))
        .route("/api/agent", get(dir::agents))
        .route("/api/agent/{id}", get(dir::agent_one))
        .route("/api/users", get(dir::users))
        .route("/api/users/me", get(dir::user_me))
        .route("/api/users/{id}", get(dir::user_one))
        .route("/api/client", get(dir::clients))
        .route("/api/client/{id}", get(dir::client_one))
        .route("/api/site", get(dir::sites))
        .route("/api/site/{id}", get(dir::site_one))
        .route("/api/team", get(dir::teams))
        .route("/api/team/{id}", get(dir::team_one))
        .route("/api/status", get(dir::statuses))
        .route("/api/status/{id}", get(dir::status_one))
        .route("/api/priority", get(dir::priorities))
        .route("/api/priority/{id}", get(dir::priority_one))
        .route("/api/tickettype", get(dir::tickettypes))
        .route("/api/tickettype/{id}", get(dir::tickettype_one))
        .route("/api/outcome", get(dir::outcomes))
        .route("/api/outcome/{id}", get(dir::outcome_one))
        .route("/api/tickets", get(tickets::list).post(tickets::post))
        .route(
            "/api/tickets/{id}",
            get(tickets::one).delete(tickets::delete),
        )
        .route("/api/actions", get(actions::list).post(actions::post))
        .route(
            "/api/actions/{id}",
            get(actions::one).delete(actions::delete),
        )
        .route("/api/kbarticle", get(kb::list))
        .route("/api/kbarticle/{id}", get(kb::one))
        .route("/api/asset", get(assets::list))
        .route("/api/asset/{id}", get(assets::one))
        .route("/api/assettype", get(assets::types))
        .route("/api/assettype/{id}", get(assets::type_one))
        .route("/api/service", get(services::list))
        .route("/api/service/{id}", get(services::one))
        .route("/api/report", get(reports::list))
        .route("/api/report/{id}", get(reports::one))
        .route(
            "/api/timesheetevent",
            get(timesheets::list).post(timesheets::post),
        )
        .route("/api/automation", get(automation::list))
        .route("/api/automation/{runbookid}", post(automation::run))
        .route("/auth/token", post(oauth::token))
        .route(
            "/auth/authorize",
            get(oauth::authorize_get).post(oauth::authorize_post),
        )
        .fallback(not_found)
        // A method the sandbox does not serve on a known path answers like an unknown path,
        // as Halo does for a route it lacks (not an empty 405).
        .method_not_allowed_fallback(not_found)
        .with_state(state.clone());
    // The gateway must see the request before routing, so the routes sit behind it as a fallback.
    Router::new()
        .fallback_service(inner)
        .layer(middleware::from_fn_with_state(state, gateway))
}

async fn not_found(uri: Uri) -> Response {
    (
        StatusCode::NOT_FOUND,
        format!("No resource at {}", uri.path()),
    )
        .into_response()
}

fn is_halo_path(lower: &str) -> bool {
    ["/api/", "/auth/"].iter().any(|p| lower.starts_with(p)) || lower == "/api" || lower == "/auth"
}

async fn gateway(State(state): State<SandboxState>, mut req: Request, next: Next) -> Response {
    let method = req.method().clone();
    let path = req.uri().path().to_string();
    let lower = path.to_ascii_lowercase();
    let query = req.uri().query().map(str::to_string);
    let query_params: Vec<String> =
        form_urlencoded::parse(query.as_deref().unwrap_or("").as_bytes())
            .map(|(k, _)| k.into_owned())
            .collect();
    // Halo's routing ignores a trailing slash (`/api/tickets/` is `/api/tickets`).
    let lower = match lower.strip_suffix('/') {
        Some(trimmed) if is_halo_path(trimmed) && trimmed.matches('/').count() >= 2 => {
            trimmed.to_string()
        }
        _ => lower,
    };
    if is_halo_path(&lower) && lower != path {
        let rebuilt = match &query {
            Some(q) => format!("{lower}?{q}"),
            None => lower.clone(),
        };
        if let Ok(uri) = rebuilt.parse::<Uri>() {
            *req.uri_mut() = uri;
        }
    }
    let response = respond(&state, &method, &lower, req, next).await;
    state.inner.log.push(LoggedRequest {
        method: method.to_string(),
        path: lower,
        query_params,
        status: response.status().as_u16(),
    });
    response
}

async fn respond(
    state: &SandboxState,
    method: &Method,
    lower: &str,
    req: Request,
    next: Next,
) -> Response {
    let fault = state.inner.faults.take(method, lower);
    match fault {
        Some(FaultKind::Status(code)) => {
            let status = StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            return (status, format!("Injected fault: HTTP {code}")).into_response();
        }
        Some(FaultKind::RateLimited { retry_after_secs }) => {
            return ApiError::RateLimited(retry_after_secs).into_response();
        }
        Some(FaultKind::Delay(d)) => tokio::time::sleep(d).await,
        Some(FaultKind::ResetConnection) => return broken_response(),
        Some(FaultKind::MalformedJson) => {
            let mut resp = (StatusCode::OK, "{\"tickets\": [").into_response();
            resp.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            );
            return resp;
        }
        Some(FaultKind::WrongContentType) => {
            let mut resp = (StatusCode::OK, "<html>Login</html>").into_response();
            resp.headers_mut()
                .insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html"));
            return resp;
        }
        Some(FaultKind::DropResponseAfterCommit) => {
            let _performed = next.run(req).await;
            return broken_response();
        }
        None => {}
    }
    if lower.starts_with("/api/") && lower != "/api/authinfo" && lower != "/api/instanceinfo" {
        let (parts, body) = req.into_parts();
        let key = authz::bearer(&parts)
            .and_then(|t| authz::authenticate(state, Some(t)).ok())
            .map(|c| c.client_id)
            .unwrap_or_else(|| "anonymous".into());
        if let Err(retry) = state.inner.limiter.check(&key) {
            return ApiError::RateLimited(retry).into_response();
        }
        return next.run(Request::from_parts(parts, body)).await;
    }
    next.run(req).await
}

/// A response whose body fails at once, so the server aborts the connection: to the client the
/// connection is reset without a complete answer.
fn broken_response() -> Response {
    let stream = futures::stream::once(async {
        Err::<Bytes, std::io::Error>(std::io::Error::new(
            std::io::ErrorKind::ConnectionReset,
            "injected connection reset",
        ))
    });
    Response::new(Body::from_stream(stream))
}

/// A running sandbox.
pub struct Sandbox {
    state: SandboxState,
    addr: SocketAddr,
    url: url::Url,
    stop: Option<oneshot::Sender<()>>,
    task: JoinHandle<()>,
}

impl Sandbox {
    /// Binds `addr` (port 0 picks a free port) and serves in a background task.
    pub async fn start(addr: SocketAddr, options: SandboxOptions) -> std::io::Result<Sandbox> {
        let state = SandboxState::new(options)?;
        let listener = tokio::net::TcpListener::bind(addr).await?;
        let addr = listener.local_addr()?;
        let host = if addr.ip().is_unspecified() {
            "127.0.0.1".to_string()
        } else if addr.is_ipv6() {
            format!("[{}]", addr.ip())
        } else {
            addr.ip().to_string()
        };
        let base = format!("http://{host}:{}/", addr.port());
        let url = url::Url::parse(&base).map_err(std::io::Error::other)?;
        state.set_base_url(base);
        let app = router(state.clone());
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            let serve = axum::serve(listener, app).with_graceful_shutdown(async {
                let _ = stopped.await;
            });
            if let Err(e) = serve.await {
                tracing::error!(error = %e, "sandbox server stopped");
            }
        });
        Ok(Sandbox {
            state,
            addr,
            url,
            stop: Some(stop),
            task,
        })
    }

    /// Base URL, e.g. `http://127.0.0.1:41234/`; the API is at `{url}api/…`, OAuth at `{url}auth/…`.
    pub fn url(&self) -> url::Url {
        self.url.clone()
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    pub fn state(&self) -> SandboxState {
        self.state.clone()
    }

    pub fn request_log(&self) -> Vec<LoggedRequest> {
        self.state.request_log()
    }

    pub fn faults(&self) -> FaultInjector {
        self.state.faults()
    }

    /// Stops accepting connections and waits for in-flight requests (at most five seconds).
    pub async fn shutdown(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        let _ = tokio::time::timeout(Duration::from_secs(5), &mut self.task).await;
        self.task.abort();
    }
}
