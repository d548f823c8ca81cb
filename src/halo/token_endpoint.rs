//! Halo's OAuth token endpoint: the one client for it, built on the `oauth2` crate, used for the
//! Services application's client-credentials tokens and for the sign-in broker's code exchange
//! and refresh.
//!
//! `oauth2` builds the grant requests (form encoding, client authentication, PKCE) and reads
//! the token response. Its HTTP goes through our reqwest client (timeouts, connection reuse),
//! and that adapter answers every non-200 itself, because `oauth2` keeps no status with its
//! errors and reads only RFC 6749 error bodies: the status is what separates Halo refusing a
//! grant (4xx) from Halo failing (5xx), and Halo's error bodies come in the shapes
//! [`message_from_body`] knows.

use std::time::Duration;

use futures::future::BoxFuture;

use oauth2::basic::{BasicClient, BasicTokenResponse};
use oauth2::{
    AuthType, AuthorizationCode, ClientId, ClientSecret, HttpRequest, HttpResponse,
    PkceCodeVerifier, RedirectUrl, RefreshToken, RequestTokenError, Scope, TokenUrl,
};
use url::Url;

use super::HaloError;
use super::error::message_from_body;

/// Halo's answer to any grant: the access token, and maybe `expires_in`, `refresh_token` and
/// `scope` (read through [`oauth2::TokenResponse`]).
pub type HaloTokenResponse = BasicTokenResponse;

/// Why a token request got no token.
#[derive(Debug, thiserror::Error)]
pub enum TokenError {
    /// Nothing came back: no connection, a timeout, a broken connection.
    #[error(transparent)]
    Transport(HaloError),
    /// Halo answered 4xx: the grant (code, refresh token) or the client credentials are not valid.
    #[error("token endpoint answered {status}: {message}")]
    Refused { status: u16, message: String },
    /// Halo answered with another failure status (5xx): Halo is failing, not refusing.
    #[error("token endpoint answered {status}: {message}")]
    Failed { status: u16, message: String },
    /// The request could not be built, so nothing was sent.
    #[error("{0}")]
    NotSent(String),
    /// A 200 that is not a token response.
    #[error("unreadable token response: {0}")]
    Unreadable(String),
}

impl From<TokenError> for HaloError {
    fn from(error: TokenError) -> HaloError {
        match error {
            TokenError::Transport(error) => error,
            other => HaloError::SignIn(other.to_string()),
        }
    }
}

/// Halo's token endpoint (`{auth}/token`, with `?tenant=` when hosted).
#[derive(Clone)]
pub struct TokenEndpoint {
    http: reqwest::Client,
    url: Url,
    /// The HTTP client's timeout, named in a timeout error.
    timeout: Duration,
}

impl TokenEndpoint {
    pub fn new(http: reqwest::Client, url: Url, timeout: Duration) -> TokenEndpoint {
        TokenEndpoint { http, url, timeout }
    }

    /// The client-credentials grant, for the Services application.
    pub async fn client_credentials(
        &self,
        client_id: &str,
        secret: &str,
        scope: &str,
    ) -> Result<HaloTokenResponse, TokenError> {
        let client = self.client(client_id, Some(secret));
        let request = client
            .exchange_client_credentials()
            .add_scope(Scope::new(scope.to_string()));
        finish(request.request_async(&self.http_client()).await)
    }

    /// Exchanges Halo's authorization code (with its PKCE verifier) for the agent's tokens.
    pub async fn authorization_code(
        &self,
        client_id: &str,
        secret: Option<&str>,
        code: &str,
        redirect_uri: &str,
        verifier: &str,
    ) -> Result<HaloTokenResponse, TokenError> {
        let redirect = RedirectUrl::new(redirect_uri.to_string()).map_err(|e| {
            TokenError::NotSent(format!(
                "the callback URL '{redirect_uri}' is not a URL: {e}"
            ))
        })?;
        let client = self.client(client_id, secret);
        let request = client
            .exchange_code(AuthorizationCode::new(code.to_string()))
            .set_redirect_uri(std::borrow::Cow::Owned(redirect))
            .set_pkce_verifier(PkceCodeVerifier::new(verifier.to_string()));
        finish(request.request_async(&self.http_client()).await)
    }

    /// Refreshes the agent's Halo tokens.
    pub async fn refresh(
        &self,
        client_id: &str,
        secret: Option<&str>,
        refresh_token: &str,
    ) -> Result<HaloTokenResponse, TokenError> {
        let client = self.client(client_id, secret);
        let refresh = RefreshToken::new(refresh_token.to_string());
        let request = client.exchange_refresh_token(&refresh);
        finish(request.request_async(&self.http_client()).await)
    }

    /// Halo reads the client's credentials from the form, not from Basic authentication.
    fn client(
        &self,
        client_id: &str,
        secret: Option<&str>,
    ) -> BasicClient<
        oauth2::EndpointNotSet,
        oauth2::EndpointNotSet,
        oauth2::EndpointNotSet,
        oauth2::EndpointNotSet,
        oauth2::EndpointSet,
    > {
        let client = BasicClient::new(ClientId::new(client_id.to_string()))
            .set_auth_type(AuthType::RequestBody)
            .set_token_uri(TokenUrl::from_url(self.url.clone()));
        match secret {
            Some(secret) => client.set_client_secret(ClientSecret::new(secret.to_string())),
            None => client,
        }
    }

    /// The HTTP client `oauth2` sends with; its futures own what they use, so they are `Send`
    /// and borrow nothing from a request that a tool call's future holds across an await.
    fn http_client(
        &self,
    ) -> impl Fn(HttpRequest) -> BoxFuture<'static, Result<HttpResponse, TokenError>> + '_ {
        |request| Box::pin(send(self.http.clone(), self.timeout, request))
    }
}

/// Sends `oauth2`'s request with our client; a 200 goes back to `oauth2` to read, anything
/// else is answered here with the status kept.
async fn send(
    http: reqwest::Client,
    timeout: Duration,
    request: HttpRequest,
) -> Result<HttpResponse, TokenError> {
    let request = reqwest::Request::try_from(request)
        .map_err(|e| TokenError::NotSent(format!("cannot build the token request: {e}")))?;
    let response = http
        .execute(request)
        .await
        .map_err(|e| TokenError::Transport(super::client::transport_error(e, timeout)))?;
    let status = response.status();
    let headers = response.headers().clone();
    let body = response
        .bytes()
        .await
        .map_err(|e| TokenError::Transport(super::client::transport_error(e, timeout)))?;
    if status.is_client_error() {
        return Err(TokenError::Refused {
            status: status.as_u16(),
            message: message_from_body(&String::from_utf8_lossy(&body)),
        });
    }
    if !status.is_success() {
        return Err(TokenError::Failed {
            status: status.as_u16(),
            message: message_from_body(&String::from_utf8_lossy(&body)),
        });
    }
    // oauth2 reads only a 200; any 2xx carries the token, as Halo's answer always did here.
    let mut answer = HttpResponse::new(body.to_vec());
    *answer.headers_mut() = headers;
    Ok(answer)
}

fn finish(
    result: Result<
        HaloTokenResponse,
        RequestTokenError<TokenError, oauth2::basic::BasicErrorResponse>,
    >,
) -> Result<HaloTokenResponse, TokenError> {
    result.map_err(|error| match error {
        RequestTokenError::Request(error) => error,
        // Non-200 answers never reach oauth2 (see `send`); kept total all the same.
        RequestTokenError::ServerResponse(error) => TokenError::Refused {
            status: 400,
            message: error.to_string(),
        },
        RequestTokenError::Parse(error, _) => TokenError::Unreadable(error.to_string()),
        RequestTokenError::Other(problem) => TokenError::Unreadable(problem),
    })
}
