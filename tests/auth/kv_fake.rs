//! Local fakes of Azure Key Vault (HTTPS, challenge auth, certificates from a CA generated
//! here) and of the App Service managed-identity endpoint (plain HTTP), speaking the wire
//! protocol the Azure SDK uses (docs: azure.md §9.5–9.6).

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use hyper_util::rt::TokioIo;
use hyper_util::service::TowerToHyperService;
use parking_lot::Mutex;
use rcgen::{BasicConstraints, CertificateParams, IsCa, Issuer, KeyPair, KeyUsagePurpose, SanType};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use serde_json::json;

pub const VAULT_HOST: &str = "myvault.vault.azure.net";
const FAKE_KV_TOKEN: &str = "fake-key-vault-access-token";

pub struct VaultState {
    pub secrets: Mutex<HashMap<String, String>>,
    pub up: AtomicBool,
    pub authorized_reads: AtomicUsize,
    pub identity_calls: AtomicUsize,
    /// Reads that met the outage while "down": new connections dropped, and requests on a
    /// connection the client kept open answered 503 (otherwise a pooled connection would
    /// carry on as if the vault were up).
    pub refused: AtomicUsize,
    identity_header: String,
}

pub struct FakeVault {
    pub state: Arc<VaultState>,
    pub port: u16,
    pub ca: CertificateDer<'static>,
}

impl FakeVault {
    pub fn vault_url(&self) -> String {
        format!("https://{VAULT_HOST}:{}/", self.port)
    }

    /// An HTTP client that trusts the fake CA and resolves the vault host to loopback.
    pub fn transport(&self) -> reqwest::Client {
        reqwest::Client::builder()
            .resolve(VAULT_HOST, SocketAddr::from(([127, 0, 0, 1], self.port)))
            .tls_certs_only([reqwest::Certificate::from_der(&self.ca).expect("CA")])
            .build()
            .expect("transport")
    }

    pub fn set(&self, name: &str, value: &str) {
        self.state.secrets.lock().insert(name.into(), value.into());
    }

    pub fn set_up(&self, up: bool) {
        self.state.up.store(up, Ordering::SeqCst);
    }
}

/// Starts Key Vault on HTTPS (port 0) and the identity endpoint on `identity_port`.
pub async fn start(identity_port: u16, identity_header: &str) -> FakeVault {
    let state = Arc::new(VaultState {
        secrets: Mutex::new(HashMap::new()),
        up: AtomicBool::new(true),
        authorized_reads: AtomicUsize::new(0),
        identity_calls: AtomicUsize::new(0),
        refused: AtomicUsize::new(0),
        identity_header: identity_header.into(),
    });

    // A CA and a leaf for the vault host, as a real deployment's chain would be.
    let ca_key = KeyPair::generate().expect("CA key");
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).expect("CA params");
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca_params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    let ca_cert = ca_params.self_signed(&ca_key).expect("CA cert");
    let issuer = Issuer::new(ca_params, ca_key);
    let leaf_key = KeyPair::generate().expect("leaf key");
    let mut leaf_params =
        CertificateParams::new(vec![VAULT_HOST.to_string(), "localhost".to_string()])
            .expect("leaf params");
    leaf_params
        .subject_alt_names
        .push(SanType::IpAddress([127, 0, 0, 1].into()));
    let leaf = leaf_params
        .signed_by(&leaf_key, &issuer)
        .expect("leaf cert");

    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let tls = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .expect("protocols")
        .with_no_client_auth()
        .with_single_cert(
            vec![leaf.der().clone()],
            PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(leaf_key.serialize_der())),
        )
        .expect("server config");
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(tls));

    let vault = Router::new()
        .route("/secrets/{name}", get(get_secret))
        .route("/secrets/{name}/", get(get_secret))
        .with_state(state.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind vault");
    let port = listener.local_addr().expect("addr").port();
    let accept_state = state.clone();
    tokio::spawn(async move {
        loop {
            let Ok((tcp, _)) = listener.accept().await else {
                continue;
            };
            // "Down": connections are dropped at once, as with a network outage.
            if !accept_state.up.load(Ordering::SeqCst) {
                accept_state.refused.fetch_add(1, Ordering::SeqCst);
                drop(tcp);
                continue;
            }
            let acceptor = acceptor.clone();
            let service = TowerToHyperService::new(vault.clone());
            tokio::spawn(async move {
                if let Ok(stream) = acceptor.accept(tcp).await {
                    let _ = hyper::server::conn::http1::Builder::new()
                        .serve_connection(TokioIo::new(stream), service)
                        .await;
                }
            });
        }
    });

    let identity = Router::new()
        .route("/msi/token", get(identity_token))
        .with_state(state.clone());
    let identity_listener = tokio::net::TcpListener::bind(("127.0.0.1", identity_port))
        .await
        .expect("bind identity endpoint");
    tokio::spawn(async move {
        let _ = axum::serve(identity_listener, identity).await;
    });

    FakeVault {
        state,
        port,
        ca: ca_cert.der().clone(),
    }
}

async fn get_secret(
    State(state): State<Arc<VaultState>>,
    Path(name): Path<String>,
    headers: HeaderMap,
) -> Response {
    let authorized = headers.get("authorization").and_then(|v| v.to_str().ok())
        == Some(&format!("Bearer {FAKE_KV_TOKEN}"));
    if !authorized {
        return (
            StatusCode::UNAUTHORIZED,
            [(
                "www-authenticate",
                "Bearer authorization=\"https://login.microsoftonline.com/00000000-0000-0000-0000-000000000000\", resource=\"https://vault.azure.net\"",
            )],
            axum::Json(json!({"error": {"code": "Unauthorized", "message": "AKV10000: Request is missing a Bearer or PoP token."}})),
        )
            .into_response();
    }
    if !state.up.load(Ordering::SeqCst) {
        state.refused.fetch_add(1, Ordering::SeqCst);
        return StatusCode::SERVICE_UNAVAILABLE.into_response();
    }
    state.authorized_reads.fetch_add(1, Ordering::SeqCst);
    match state.secrets.lock().get(&name) {
        Some(value) => axum::Json(json!({
            "value": value,
            "id": format!("https://{VAULT_HOST}/secrets/{name}/0123456789abcdef0123456789abcdef"),
            "attributes": {"enabled": true, "created": 1700000000, "updated": 1700000000,
                           "recoveryLevel": "Recoverable+Purgeable", "recoverableDays": 90},
            "tags": {},
            "contentType": "text/plain"
        }))
        .into_response(),
        None => (
            StatusCode::NOT_FOUND,
            axum::Json(json!({"error": {"code": "SecretNotFound",
                "message": format!("A secret with (name/id) {name} was not found in this key vault.")}})),
        )
            .into_response(),
    }
}

async fn identity_token(
    State(state): State<Arc<VaultState>>,
    Query(query): Query<HashMap<String, String>>,
    headers: HeaderMap,
) -> Response {
    let header_ok = headers
        .get("x-identity-header")
        .and_then(|v| v.to_str().ok())
        == Some(state.identity_header.as_str());
    if !header_ok || query.get("api-version").map(String::as_str) != Some("2019-08-01") {
        return (StatusCode::UNAUTHORIZED, "bad identity header").into_response();
    }
    state.identity_calls.fetch_add(1, Ordering::SeqCst);
    let expires_on = (chrono::Utc::now().timestamp() + 3600).to_string();
    axum::Json(json!({
        "access_token": FAKE_KV_TOKEN,
        "expires_on": expires_on,
        "resource": query.get("resource").cloned().unwrap_or_default(),
        "token_type": "Bearer",
        "client_id": "00000000-0000-0000-0000-0000000000aa"
    }))
    .into_response()
}
