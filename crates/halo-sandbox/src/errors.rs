//! The API's error answers, shaped as Halo shapes them: validation errors keyed by field path,
//! bare messages for 403/404, OAuth-style bodies for 401.

use std::collections::BTreeMap;

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// 400, body `{"<field path>": "<message>", ...}` (e.g. `"[0].summary"`).
    #[error("validation failed: {0:?}")]
    Validation(BTreeMap<String, String>),
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    Unauthorized(String),
    #[error("{0}")]
    Forbidden(String),
    #[error("rate limited; retry after {0} s")]
    RateLimited(u64),
    /// 400 with a serialised .NET exception, `{"ClassName": "System.Exception", "Message": …}`:
    /// how Halo reports a business rule its validation layer does not cover (e.g. an action
    /// without an outcome).
    #[error("{0}")]
    Exception(String),
}

impl ApiError {
    pub fn field(field: impl Into<String>, message: impl Into<String>) -> ApiError {
        let mut map = BTreeMap::new();
        map.insert(field.into(), message.into());
        ApiError::Validation(map)
    }
    pub fn not_found(entity: &str, id: impl std::fmt::Display) -> ApiError {
        ApiError::NotFound(format!("{entity} {id} not found"))
    }
    pub fn missing_scope(scope: &str) -> ApiError {
        ApiError::Forbidden(format!(
            "The access token does not have the '{scope}' scope required for this request"
        ))
    }
    pub fn role(what: &str) -> ApiError {
        ApiError::Forbidden(format!("Your role does not allow you to {what}"))
    }
}

/// Collects several field errors so one response reports all of them.
#[derive(Debug, Default)]
pub struct Validation {
    errors: BTreeMap<String, String>,
}

impl Validation {
    pub fn add(&mut self, field: impl Into<String>, message: impl Into<String>) {
        self.errors.entry(field.into()).or_insert(message.into());
    }
    pub fn is_empty(&self) -> bool {
        self.errors.is_empty()
    }
    pub fn into_result(self) -> Result<(), ApiError> {
        if self.errors.is_empty() {
            Ok(())
        } else {
            Err(ApiError::Validation(self.errors))
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        match self {
            ApiError::Validation(map) => (StatusCode::BAD_REQUEST, axum::Json(map)).into_response(),
            ApiError::NotFound(msg) => (StatusCode::NOT_FOUND, msg).into_response(),
            ApiError::Forbidden(msg) => (StatusCode::FORBIDDEN, msg).into_response(),
            ApiError::Exception(msg) => (
                StatusCode::BAD_REQUEST,
                axum::Json(json!({"ClassName": "System.Exception", "Message": msg})),
            )
                .into_response(),
            ApiError::Unauthorized(msg) => {
                let mut resp = (
                    StatusCode::UNAUTHORIZED,
                    axum::Json(json!({"error": "invalid_token", "error_description": msg})),
                )
                    .into_response();
                resp.headers_mut().insert(
                    header::WWW_AUTHENTICATE,
                    HeaderValue::from_static("Bearer error=\"invalid_token\""),
                );
                resp
            }
            ApiError::RateLimited(secs) => {
                let mut resp = (
                    StatusCode::TOO_MANY_REQUESTS,
                    "Rate Limit Reached - too many requests in the rolling window",
                )
                    .into_response();
                if let Ok(v) = HeaderValue::from_str(&secs.to_string()) {
                    resp.headers_mut().insert(header::RETRY_AFTER, v);
                }
                resp
            }
        }
    }
}

pub type ApiResult<T> = Result<T, ApiError>;
