//! The one HTTP client for Halo: connection reuse, timeouts, the rolling-window rate limit,
//! bounded retries for reads, never a retry for a write that may have reached Halo, and
//! Halo's status codes and error bodies turned into [`HaloError`].

use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use reqwest::{Method, StatusCode};
use serde_json::Value;
use url::Url;

use super::HaloError;
use super::budget::CallBudget;
use super::credentials::HaloCredential;
use super::envelope::{self, Page};
use super::error::{InFlight, NotSent, Rejection};
use super::error::{message_from_body, scope_in_message};
use super::rate_limit::RateLimiter;
use super::retry_after;
use super::token_endpoint::TokenEndpoint;

#[derive(Debug, Clone)]
pub struct HaloClientOptions {
    /// Instance base URL, e.g. `https://acme.halopsa.com/` (the API is at `/api`).
    pub base_url: Url,
    /// Authorisation server, e.g. `https://acme.halopsa.com/auth`; discovered when unset.
    pub auth_url: Option<Url>,
    pub tenant: Option<String>,
    pub timeout: Duration,
    pub rate_limit: u32,
    pub rate_window: Duration,
    /// Total time a read may spend waiting and retrying.
    pub read_retry_budget: Duration,
    pub max_read_attempts: u32,
}

impl HaloClientOptions {
    pub fn new(base_url: Url) -> Self {
        HaloClientOptions {
            base_url,
            auth_url: None,
            tenant: None,
            timeout: Duration::from_secs(30),
            rate_limit: 250,
            rate_window: Duration::from_secs(300),
            read_retry_budget: Duration::from_secs(10),
            max_read_attempts: 3,
        }
    }
}

/// Where Halo's authorisation server lives.
#[derive(Debug, Clone)]
pub struct AuthEndpoints {
    pub auth_url: Url,
    pub tenant: Option<String>,
}

impl AuthEndpoints {
    /// `{auth}/token` or `{auth}/authorize`, with `?tenant=` when known.
    pub fn endpoint(&self, name: &str) -> Url {
        let mut url = self.auth_url.clone();
        let path = format!("{}/{name}", url.path().trim_end_matches('/'));
        url.set_path(&path);
        if let Some(tenant) = &self.tenant {
            url.query_pairs_mut().append_pair("tenant", tenant);
        }
        url
    }
}

struct Inner {
    http: reqwest::Client,
    api_base: Url,
    /// The base URL as a cache key, made once so per-call lookups clone a pointer, not a string.
    instance: Arc<str>,
    options: HaloClientOptions,
    /// Every call sent takes one from here; see [`CallBudget`].
    limiter: Arc<dyn CallBudget>,
    auth: tokio::sync::OnceCell<AuthEndpoints>,
}

/// A cheap-to-clone client for one Halo instance.
#[derive(Clone)]
pub struct HaloClient {
    inner: Arc<Inner>,
}

impl HaloClient {
    pub fn new(options: HaloClientOptions) -> Result<HaloClient, HaloError> {
        let budget = Arc::new(RateLimiter::new(options.rate_limit, options.rate_window));
        Self::with_budget(options, budget)
    }

    /// A client whose calls draw from `budget` (shared by every instance) instead of a
    /// per-process limiter.
    pub fn with_budget(
        options: HaloClientOptions,
        budget: Arc<dyn CallBudget>,
    ) -> Result<HaloClient, HaloError> {
        let http = reqwest::Client::builder()
            .timeout(options.timeout)
            .connect_timeout(options.timeout.min(Duration::from_secs(10)))
            .pool_idle_timeout(Duration::from_secs(90))
            .user_agent(concat!("halo-mcp/", env!("CARGO_PKG_VERSION")))
            // A redirect would resend a token request's form (client secret, code, refresh
            // token) to wherever it points, or turn a write POST into a GET that "succeeds":
            // Halo's answer is taken as it is.
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| NotSent::Request(format!("cannot build the HTTP client: {e}")))?;
        let mut api_base = options.base_url.clone();
        let path = format!("{}/api/", api_base.path().trim_end_matches('/'));
        api_base.set_path(&path);
        Ok(HaloClient {
            inner: Arc::new(Inner {
                http,
                api_base,
                instance: Arc::from(options.base_url.as_str()),
                limiter: budget,
                options,
                auth: tokio::sync::OnceCell::new(),
            }),
        })
    }

    pub fn base_url(&self) -> &Url {
        &self.inner.options.base_url
    }

    /// The base URL, shared: a cheap key for caches kept per Halo instance.
    pub fn instance(&self) -> Arc<str> {
        self.inner.instance.clone()
    }

    /// The HTTP client, shared with callers that talk to Halo's auth server (sign-in).
    pub fn http(&self) -> &reqwest::Client {
        &self.inner.http
    }

    /// A session that runs every call with `credential`.
    pub fn session(&self, credential: HaloCredential) -> HaloSession {
        HaloSession {
            client: self.clone(),
            credential,
        }
    }

    /// Halo's authorisation server: configured, else discovered with `GET /api/authinfo`,
    /// else `{base}/auth`.
    pub async fn auth_endpoints(&self) -> Result<AuthEndpoints, HaloError> {
        self.inner
            .auth
            .get_or_try_init(|| async {
                let options = &self.inner.options;
                if let Some(auth_url) = &options.auth_url {
                    return Ok(AuthEndpoints {
                        auth_url: auth_url.clone(),
                        tenant: options.tenant.clone(),
                    });
                }
                let mut discovered = None;
                if let Ok(url) = self.inner.api_base.join("authinfo")
                    && let Ok(response) = self.inner.http.get(url).send().await
                    && response.status().is_success()
                    && let Ok(info) = response.json::<Value>().await
                {
                    discovered = Some(info);
                }
                let auth_url = discovered
                    .as_ref()
                    .and_then(|i| i.get("auth_url"))
                    .and_then(Value::as_str)
                    .and_then(|s| Url::parse(s).ok())
                    .unwrap_or_else(|| {
                        let mut url = options.base_url.clone();
                        let path = format!("{}/auth", url.path().trim_end_matches('/'));
                        url.set_path(&path);
                        url
                    });
                let tenant = options.tenant.clone().or_else(|| {
                    discovered
                        .as_ref()
                        .and_then(|i| i.get("tenant_id"))
                        .and_then(Value::as_str)
                        .filter(|s| !s.is_empty())
                        .map(str::to_string)
                });
                Ok(AuthEndpoints { auth_url, tenant })
            })
            .await
            .cloned()
    }

    /// Halo's token endpoint, at the discovered authorisation server.
    pub async fn token_endpoint(&self) -> Result<TokenEndpoint, HaloError> {
        let url = self.auth_endpoints().await?.endpoint("token");
        Ok(TokenEndpoint::new(
            self.inner.http.clone(),
            url,
            self.inner.options.timeout,
        ))
    }

    async fn bearer(&self, credential: &HaloCredential) -> Result<Arc<str>, HaloError> {
        match credential {
            HaloCredential::Bearer(token) => Ok(token.clone()),
            HaloCredential::Service(app) => {
                app.token(|client_id, secret, scope| async move {
                    let endpoint = self.token_endpoint().await?;
                    Ok(endpoint
                        .client_credentials(&client_id, &secret, &scope)
                        .await?)
                })
                .await
            }
        }
    }

    fn url(&self, path: &str) -> Result<Url, HaloError> {
        self.inner
            .api_base
            .join(path.trim_start_matches('/'))
            .map_err(|e| NotSent::Request(format!("bad API path {path}: {e}")).into())
    }

    /// Sends one request once: rate limit, bearer, status mapping.
    async fn send_once(
        &self,
        credential: &HaloCredential,
        method: Method,
        url: Url,
        body: Option<&Value>,
        limiter_budget: Duration,
        timeout: Option<Duration>,
    ) -> Result<Bytes, HaloError> {
        if let Err(wait) = self.inner.limiter.acquire(limiter_budget).await {
            rate_limited("budget", wait);
            return Err(NotSent::RateLimited { retry_after: wait }.into());
        }
        // The API call is not sent without a token, so no token failure can leave a write's
        // outcome unknown; the budget taken for it is given back.
        let token = match self.bearer(credential).await {
            Ok(token) => token,
            Err(error) => {
                self.inner.limiter.refund();
                return Err(match error {
                    HaloError::ReadFailed(_) | HaloError::InvalidResponse(_) => {
                        HaloError::SignIn(error.to_string())
                    }
                    other => other,
                });
            }
        };
        let mut request = self
            .inner
            .http
            .request(method, url)
            .bearer_auth(&*token)
            .header(reqwest::header::ACCEPT, "application/json");
        if let Some(body) = body {
            request = request.json(body);
        }
        if let Some(timeout) = timeout {
            request = request.timeout(timeout);
        }
        let response = match request.send().await {
            Ok(response) => response,
            Err(error) => {
                let error = transport_error(error, timeout.unwrap_or(self.inner.options.timeout));
                if matches!(error, HaloError::NotSent(NotSent::Unreachable(_))) {
                    // No connection, so nothing reached Halo.
                    self.inner.limiter.refund();
                }
                return Err(error);
            }
        };
        self.read_response(response).await
    }

    /// A success answer's body, checked to be JSON by its content type but not parsed: typed
    /// reads decode it straight into their records ([`crate::halo::records::wire`]).
    async fn read_response(&self, response: reqwest::Response) -> Result<Bytes, HaloError> {
        let status = response.status();
        let retry_after = retry_after::parse(
            response
                .headers()
                .get(reqwest::header::RETRY_AFTER)
                .and_then(|v| v.to_str().ok()),
            self.inner.options.rate_window,
            std::time::SystemTime::now(),
        );
        let content_type = response
            .headers()
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_ascii_lowercase();
        let body = response
            .bytes()
            .await
            .map_err(|e| transport_error(e, self.inner.options.timeout))?;
        if status.is_success() {
            if !content_type.contains("json") {
                return Err(HaloError::InvalidResponse(format!(
                    "expected JSON but got '{}' (is HALO_URL the Halo instance URL?)",
                    if content_type.is_empty() {
                        "no content type"
                    } else {
                        &content_type
                    }
                )));
            }
            return Ok(body);
        }
        let message = message_from_body(&String::from_utf8_lossy(&body));
        if InFlight::is_server_failure(status.as_u16()) {
            return Err(HaloError::ReadFailed(InFlight::ServerFailure {
                status: status.as_u16(),
                message,
            }));
        }
        Err(match status {
            StatusCode::BAD_REQUEST => Rejection::Invalid(message),
            StatusCode::UNAUTHORIZED => Rejection::Unauthorized(message),
            StatusCode::FORBIDDEN => Rejection::Forbidden {
                missing_scope: scope_in_message(&message),
                message,
            },
            StatusCode::NOT_FOUND => Rejection::NotFound(message),
            StatusCode::TOO_MANY_REQUESTS => {
                rate_limited("halo", retry_after);
                self.inner.limiter.pause(retry_after).await;
                Rejection::RateLimited { retry_after }
            }
            s => Rejection::Status {
                status: s.as_u16(),
                message,
            },
        }
        .into())
    }
}

/// A success body as a JSON value; an empty body is `null`.
pub(crate) fn json(body: &[u8]) -> Result<Value, HaloError> {
    if body.trim_ascii().is_empty() {
        return Ok(Value::Null);
    }
    serde_json::from_slice(body).map_err(malformed)
}

/// Halo's answer is not JSON at all (as opposed to JSON with a field of the wrong type).
pub(crate) fn malformed(error: serde_json::Error) -> HaloError {
    HaloError::InvalidResponse(format!("malformed JSON: {error}"))
}

/// Operators alert on this line (infra/modules/alerts.bicep), for every Halo call: `source` is
/// `halo` for a 429 from Halo, `budget` when halo-mcp held the call back itself.
fn rate_limited(source: &'static str, wait: Duration) {
    tracing::warn!(
        kind = "halo_rate_limited",
        source,
        retry_after_secs = wait.as_secs(),
        "Halo rate limit reached"
    );
}

/// A transport failure as a read sees it; [`HaloError::for_write`] turns the in-flight ones
/// into unknown outcomes. Only a failed connect (a connect timeout included) is known not to
/// have sent anything.
pub(super) fn transport_error(error: reqwest::Error, timeout: Duration) -> HaloError {
    if error.is_connect() {
        NotSent::Unreachable(root_cause(&error)).into()
    } else if error.is_timeout() {
        HaloError::ReadFailed(InFlight::Timeout(timeout))
    } else {
        HaloError::ReadFailed(InFlight::ConnectionLost(root_cause(&error)))
    }
}

fn root_cause(error: &(dyn std::error::Error + 'static)) -> String {
    let mut source = error;
    while let Some(next) = source.source() {
        source = next;
    }
    source.to_string()
}

/// How a GET is sent. The default retries transient failures within the read budget; report
/// runs opt out, because Halo's gateway gives up on a report after about 60 seconds (504) and
/// running the same heavy SQL again rarely helps and costs the tenant another minute.
#[derive(Debug, Clone, Copy)]
pub struct ReadPolicy {
    /// Retry rate limits, timeouts and gateway errors within the read budget.
    pub retry: bool,
    /// This call's timeout instead of `HALO_TIMEOUT_SECS`.
    pub timeout: Option<Duration>,
}

impl Default for ReadPolicy {
    fn default() -> Self {
        ReadPolicy {
            retry: true,
            timeout: None,
        }
    }
}

/// A Halo client bound to one caller's credentials.
#[derive(Clone)]
pub struct HaloSession {
    client: HaloClient,
    credential: HaloCredential,
}

impl HaloSession {
    pub fn client(&self) -> &HaloClient {
        &self.client
    }

    pub fn credential(&self) -> &HaloCredential {
        &self.credential
    }

    /// GET with bounded retries: rate limits, timeouts and gateway errors are retried within
    /// the read budget; a refused service token is renewed once.
    pub async fn get(&self, path: &str, query: &[(&str, String)]) -> Result<Value, HaloError> {
        self.get_with(path, query, ReadPolicy::default()).await
    }

    /// GET with an explicit [`ReadPolicy`] (reports use a longer timeout and no retries).
    pub async fn get_with(
        &self,
        path: &str,
        query: &[(&str, String)],
        policy: ReadPolicy,
    ) -> Result<Value, HaloError> {
        json(&self.get_body(path, query, policy).await?)
    }

    /// [`HaloSession::get_with`]'s answer as Halo sent it, for reads that decode it themselves.
    pub async fn get_body(
        &self,
        path: &str,
        query: &[(&str, String)],
        policy: ReadPolicy,
    ) -> Result<Bytes, HaloError> {
        let mut url = self.client.url(path)?;
        if !query.is_empty() {
            let mut pairs = url.query_pairs_mut();
            for (name, value) in query {
                pairs.append_pair(name, value);
            }
        }
        let options = &self.client.inner.options;
        let deadline = Instant::now() + options.read_retry_budget;
        let mut attempt = 0;
        let mut renewed_token = false;
        loop {
            attempt += 1;
            let remaining = deadline.saturating_duration_since(Instant::now());
            let result = self
                .client
                .send_once(
                    &self.credential,
                    Method::GET,
                    url.clone(),
                    None,
                    remaining,
                    policy.timeout,
                )
                .await;
            match result {
                Err(HaloError::Rejected(Rejection::Unauthorized(_))) if !renewed_token => {
                    if let HaloCredential::Service(app) = &self.credential {
                        renewed_token = true;
                        app.invalidate().await;
                        continue;
                    }
                    return result;
                }
                Err(error)
                    if policy.retry
                        && error.is_retryable_read()
                        && attempt < options.max_read_attempts =>
                {
                    let backoff = error
                        .retry_after()
                        .unwrap_or_else(|| Duration::from_millis(200 * 2u64.pow(attempt - 1)));
                    if Instant::now() + backoff > deadline {
                        return Err(error);
                    }
                    tracing::debug!(%error, attempt, "retrying Halo read");
                    tokio::time::sleep(backoff).await;
                }
                other => return other,
            }
        }
    }

    /// GET a list endpoint and unwrap its envelope.
    pub async fn list(
        &self,
        path: &str,
        key: &str,
        query: &[(&str, String)],
    ) -> Result<Page, HaloError> {
        envelope::unwrap_list(self.get(path, query).await?, key)
    }

    /// POST a JSON array (Halo's upsert). Sent once: a write that may have reached Halo is
    /// never retried, so a lost response cannot create a duplicate.
    pub async fn post(&self, path: &str, items: Vec<Value>) -> Result<Value, HaloError> {
        self.post_body(path, Value::Array(items), None).await
    }

    /// POST `body` exactly as given (not wrapped in an array), for endpoints such as
    /// `POST /Automation/{runbookId}` that are not upserts, with an optional timeout of its own.
    /// Same write policy as [`HaloSession::post`]: sent once.
    pub async fn post_body(
        &self,
        path: &str,
        body: Value,
        timeout: Option<Duration>,
    ) -> Result<Value, HaloError> {
        let body = self.post_raw(path, body, timeout).await?;
        json(&body).map_err(HaloError::for_write)
    }

    async fn post_raw(
        &self,
        path: &str,
        body: Value,
        timeout: Option<Duration>,
    ) -> Result<Bytes, HaloError> {
        let url = self.client.url(path)?;
        let budget = self.client.inner.options.read_retry_budget;
        let mut renewed_token = false;
        loop {
            let result = self
                .client
                .send_once(
                    &self.credential,
                    Method::POST,
                    url.clone(),
                    Some(&body),
                    budget,
                    timeout,
                )
                .await;
            return match result {
                // Halo refuses a bad token before doing anything, so renewing and resending is safe.
                Err(HaloError::Rejected(Rejection::Unauthorized(_))) if !renewed_token => {
                    if let HaloCredential::Service(app) = &self.credential {
                        renewed_token = true;
                        app.invalidate().await;
                        continue;
                    }
                    result
                }
                // Whatever failed after sending (a 500 included) may follow a committed write.
                other => other.map_err(HaloError::for_write),
            };
        }
    }

    /// POST one record and return the saved record. A success answer without the record (an
    /// empty body, `[]`) leaves the write's outcome unknown, never "not sent".
    pub async fn post_one(&self, path: &str, item: Value) -> Result<Value, HaloError> {
        envelope::first_saved(self.post(path, vec![item]).await?).map_err(HaloError::for_write)
    }
}
