//! The benchmark ceiling: an HTTP bridge that does nothing but forward.
//!
//! `scripts/bench.sh` runs this next to halo-mcp. For a POST to `/<path>?<query>` it makes the
//! Halo call `GET <upstream><path>?<query>` the way a tool does (reqwest, bearer token, JSON) and
//! returns the upstream body unchanged: no JSON-RPC, no parsing, no shaping. Whatever it reaches
//! against the sandbox is the most any bridge (ours or another) can reach on the same machine,
//! because it pays only the second HTTP exchange that a bridge cannot avoid. It uses the same
//! allocator and runtime as halo-mcp.
//!
//! Usage: `passthrough <listen-port> <upstream-base-url> <bearer-token>`

use std::sync::Arc;

use axum::Router;
use axum::extract::{OriginalUri, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::post;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

struct Upstream {
    http: reqwest::Client,
    base: String,
    token: String,
}

async fn forward(State(upstream): State<Arc<Upstream>>, OriginalUri(uri): OriginalUri) -> Response {
    let path = uri.path_and_query().map_or("/", |p| p.as_str());
    let sent = upstream
        .http
        .get(format!("{}{path}", upstream.base))
        .bearer_auth(&upstream.token)
        .header(reqwest::header::ACCEPT, "application/json")
        .send()
        .await;
    match sent {
        Ok(answer) => {
            let status = answer.status();
            match answer.bytes().await {
                Ok(body) => (
                    StatusCode::from_u16(status.as_u16()).unwrap_or(StatusCode::BAD_GATEWAY),
                    [(axum::http::header::CONTENT_TYPE, "application/json")],
                    body,
                )
                    .into_response(),
                Err(error) => (StatusCode::BAD_GATEWAY, error.to_string()).into_response(),
            }
        }
        Err(error) => (StatusCode::BAD_GATEWAY, error.to_string()).into_response(),
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let usage = "usage: passthrough <listen-port> <upstream-base-url> <bearer-token>";
    let port: u16 = args.next().ok_or(usage)?.parse()?;
    let base = args.next().ok_or(usage)?.trim_end_matches('/').to_string();
    let token = args.next().ok_or(usage)?;
    let upstream = Arc::new(Upstream {
        http: reqwest::Client::new(),
        base,
        token,
    });
    let app = Router::new().fallback(post(forward)).with_state(upstream);
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await?;
    axum::serve(listener, app).await?;
    Ok(())
}
