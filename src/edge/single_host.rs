//! A request with more than one `Host` header is ambiguous: a proxy and this server could each
//! read a different one, so the Host allow-list would check one host while another is served.
//! Such requests get 400 on every route.

use axum::extract::Request;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http::{StatusCode, header};

pub async fn refuse_repeated_host(request: Request, next: Next) -> Response {
    if request
        .headers()
        .get_all(header::HOST)
        .iter()
        .nth(1)
        .is_some()
    {
        return (
            StatusCode::BAD_REQUEST,
            "Bad Request: the request has more than one Host header; send exactly one",
        )
            .into_response();
    }
    next.run(request).await
}
