//! The benchmark ceiling: an HTTP bridge that does nothing but forward.
//!
//! `scripts/bench.sh` runs this next to halo-mcp. It accepts a POST, makes the same Halo call
//! `get_ticket` makes (one GET through reqwest, bearer token, JSON) and returns the upstream
//! body unchanged: no JSON-RPC, no parsing, no shaping. Whatever throughput it reaches against
//! the sandbox is the most any bridge (ours or another) can reach on the same machine, because it
//! pays only the second HTTP exchange that a bridge cannot avoid.
//!
//! Usage: `passthrough <listen-port> <upstream-url> <bearer-token>`

use std::sync::Arc;

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::post;

struct Upstream {
    http: reqwest::Client,
    url: String,
    token: String,
}

async fn forward(State(upstream): State<Arc<Upstream>>) -> Response {
    let sent = upstream
        .http
        .get(&upstream.url)
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
    let usage = "usage: passthrough <listen-port> <upstream-url> <bearer-token>";
    let port: u16 = args.next().ok_or(usage)?.parse()?;
    let url = args.next().ok_or(usage)?;
    let token = args.next().ok_or(usage)?;
    let upstream = Arc::new(Upstream {
        http: reqwest::Client::new(),
        url,
        token,
    });
    let app = Router::new().fallback(post(forward)).with_state(upstream);
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await?;
    axum::serve(listener, app).await?;
    Ok(())
}
