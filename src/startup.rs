//! Builds the application from configuration and runs it: bind first (the Functions host polls
//! `GET /` for readiness), then wire Halo, the tools and the MCP edge, then serve until SIGTERM
//! or Ctrl-C.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use axum::routing::get;
use tokio::net::TcpListener;

use crate::audit::{AuditLog, Auditor, MemoryAuditLog};
use crate::auth::{AuthContext, middleware, oauth};
use crate::config::{AuthMode, Config};
use crate::halo::credentials::{SecretValue, StaticSecret};
use crate::halo::{
    CallBudget, ClientCredentials, HaloClient, HaloClientOptions, HaloCredential, LookupCache,
};
use crate::mcp::http::Guards;
use crate::mcp::resources::sizes::ArticleSizes;
use crate::mcp::server::Shared;
use crate::mcp::{ToolRegistry, http};
use crate::secrets::{KeyVaultOptions, KeyVaultSource, Secret, SecretStore};
use crate::storage::{
    self, BlobAuditLog, BlobLeaseStore, BlobSingleUse, BudgetSettings, SharedBudget,
    StateContainer, StorageOptions,
};
use crate::tools;

mod embedded;

pub use embedded::{AppCredentials, Embedded, SignIn};

/// What tests may inject; `Default` is what `main` uses.
#[derive(Default, Clone)]
pub struct BuildOptions {
    /// HTTP client for Key Vault and the managed-identity endpoint (tests: a fake vault's CA).
    pub key_vault_transport: Option<reqwest::Client>,
    /// Options for the embedded sandbox (tests: short token lifetimes).
    #[cfg(feature = "embedded-sandbox")]
    pub sandbox: Option<halo_sandbox::SandboxOptions>,
}

#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error("cannot start the embedded Halo sandbox: {0}")]
    Sandbox(std::io::Error),
    #[error(
        "HALO_URL is not set, and this build has no embedded Halo sandbox (built without the \
         `embedded-sandbox` feature): set HALO_URL to your Halo instance, e.g. https://acme.halopsa.com"
    )]
    NoHaloUrl,
    #[error("{0}")]
    Halo(#[from] crate::halo::HaloError),
    #[error("tools: {0}")]
    Tools(String),
    #[error("{0}")]
    Config(String),
}

/// A bound, ready-to-serve application.
pub struct Application {
    listener: TcpListener,
    router: Router,
    config: Config,
    /// The in-process Halo sandbox, when no HALO_URL is configured.
    embedded: Option<Embedded>,
}

impl Application {
    /// Binds the listener and builds everything. Nothing here waits on the network except the
    /// embedded sandbox's own loopback bind; secrets are read lazily.
    pub async fn build(config: Config) -> Result<Application, StartupError> {
        Self::build_with(config, BuildOptions::default()).await
    }

    /// [`build`](Self::build) with injected test options.
    pub async fn build_with(
        mut config: Config,
        build: BuildOptions,
    ) -> Result<Application, StartupError> {
        Embedded::check_available(&config)?;
        let listener =
            TcpListener::bind(config.listen)
                .await
                .map_err(|source| StartupError::Bind {
                    addr: config.listen,
                    source,
                })?;
        let local_addr = listener.local_addr().map_err(|source| StartupError::Bind {
            addr: config.listen,
            source,
        })?;
        if config.listen.port() == 0 {
            // Tests bind port 0: publish the real port in the URLs we print and advertise.
            let _ = config.public_url.set_port(Some(local_addr.port()));
            config.listen = local_addr;
        }

        let embedded = Embedded::start_if_needed(&config, &build).await?;

        let halo_url = match (&config.halo.url, &embedded) {
            (Some(url), _) => url.clone(),
            (None, Some(embedded)) => embedded.url.clone(),
            (None, None) => return Err(StartupError::Config("HALO_URL is not set".into())),
        };
        let mut options = HaloClientOptions::new(halo_url);
        options.auth_url = config.halo.auth_url.clone();
        options.tenant = config.halo.tenant.clone();
        options.timeout = config.halo.timeout;
        options.rate_limit = config.halo.rate_limit;
        options.rate_window = config.halo.rate_window;
        let halo = match &config.state_container {
            Some(container) => {
                let budget = shared_budget(&config, container, &options.base_url)?;
                HaloClient::with_budget(options, budget)?
            }
            None => HaloClient::new(options)?,
        };

        let secrets = secret_store(&config, build.key_vault_transport)?;
        let service = match config.auth.mode {
            AuthMode::None | AuthMode::ApiKey => Some(service_credential(
                &config,
                &secrets,
                embedded.as_ref().map(|e| &e.services),
            )?),
            _ => None,
        };
        // In api-key mode the middleware inserts the service credential per caller; only
        // mode none runs unauthenticated calls with it.
        let default_credential = match config.auth.mode {
            AuthMode::None => service.clone(),
            _ => None,
        };
        let sign_in_app = embedded.as_ref().map(|e| {
            let app = &e.sign_in;
            (
                app.client_id.clone(),
                Secret::Value(app.client_secret.clone().into()),
            )
        });
        let mut auth = AuthContext::new(&config, halo.clone(), &secrets, service, sign_in_app);
        if let Some(container) = &config.state_container {
            auth.single_use = Arc::new(shared_single_use(&config, container)?);
        }
        if config.auth.mode == AuthMode::OAuth
            && config.under_functions_host
            && config.auth.redirect_allowlist == [crate::config::DEFAULT_REDIRECT_ALLOWLIST]
        {
            tracing::warn!(
                "MCP_OAUTH_REDIRECT_ALLOWLIST is the default, which accepts every Power Platform \
                 connector's redirect: once the connector exists, set it to that connector's \
                 exact redirect URL (docs/auth.md, threat model)"
            );
        }
        if config.state_container.is_none()
            && config.auth.mode == AuthMode::OAuth
            && config.under_functions_host
        {
            // Scaled out, each instance would accept a code once: say so where ops look.
            tracing::warn!(
                "MCP_STATE_CONTAINER_URL is not set: authorization codes and sign-in states are \
                 single-use within each instance only; set it (the Bicep template does) so they \
                 are single-use across instances"
            );
        }
        let auth = Arc::new(auth);

        let candidates = tools::all_tools(&config).map_err(StartupError::Tools)?;
        let registry = ToolRegistry::new(candidates, &config.tools)
            .map_err(|e| StartupError::Tools(e.to_string()))?;

        let lookups = Arc::new(LookupCache::new(config.halo.lookup_ttl));
        auth.halo_tokens.share_agent_records(lookups.clone());
        let shared = Arc::new(Shared {
            registry: Arc::new(registry),
            halo,
            lookups,
            default_credential,
            article_sizes: ArticleSizes::new(config.halo.lookup_ttl),
            auditor: Arc::new(Auditor::new(audit_log(&config)?)),
        });
        let guards = Guards {
            allowed_hosts: config.allowed_hosts.clone(),
            allowed_origins: config.allowed_origins.clone(),
            own_origin: config.public_url.origin().ascii_serialization(),
            max_body_bytes: config.max_body_bytes,
            body_timeout: config.connections.body_timeout,
        };
        let mcp = http::routes(shared, guards).layer(axum::middleware::from_fn_with_state(
            auth.clone(),
            middleware::require_caller,
        ));
        let mut router = Router::new()
            .route("/", get(root))
            .route("/healthz", get(healthz))
            .merge(mcp);
        if config.auth.mode == AuthMode::OAuth {
            router = router.merge(oauth::routes(auth));
        }
        let router = router.layer(axum::middleware::from_fn(
            crate::edge::single_host::refuse_repeated_host,
        ));
        Ok(Application {
            listener,
            router,
            config,
            embedded,
        })
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.config.listen
    }

    pub fn config(&self) -> &Config {
        &self.config
    }

    /// The embedded sandbox's URL and demo applications, when it runs.
    pub fn embedded(&self) -> Option<&Embedded> {
        self.embedded.as_ref()
    }

    /// The embedded sandbox itself (tests reach its state and faults).
    #[cfg(feature = "embedded-sandbox")]
    pub fn sandbox(&self) -> Option<&halo_sandbox::Sandbox> {
        self.embedded.as_ref().map(|e| &e.sandbox)
    }

    /// Serves until `shutdown` completes, then finishes in-flight requests.
    pub async fn run_until(
        self,
        shutdown: impl std::future::Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        let Application {
            listener,
            router,
            config,
            embedded,
        } = self;
        let limits = crate::edge::ConnectionLimits::new(config.connections);
        let served = crate::edge::serve(listener, router, limits, shutdown).await;
        if let Some(embedded) = embedded {
            embedded.shutdown().await;
        }
        served
    }
}

/// The secret store: Key Vault when `KEY_VAULT_URL` is set (never contacted here, so an
/// unreachable vault cannot stop start-up), else plain values only.
fn secret_store(
    config: &Config,
    transport: Option<reqwest::Client>,
) -> Result<SecretStore, StartupError> {
    let Some(vault_url) = config.secrets.key_vault_url.clone() else {
        return Ok(SecretStore::without_vault());
    };
    let source = KeyVaultSource::new(KeyVaultOptions {
        vault_url,
        managed_identity_client_id: config.secrets.managed_identity_client_id.clone(),
        transport,
    })
    .map_err(|e| StartupError::Config(e.to_string()))?;
    Ok(SecretStore::new(
        Arc::new(source),
        config.secrets.refresh_interval,
    ))
}

/// Where audit entries are kept: the state container, else this process's memory.
fn audit_log(config: &Config) -> Result<Arc<dyn AuditLog>, StartupError> {
    Ok(match &config.state_container {
        Some(container) => Arc::new(BlobAuditLog::new(state_client(config, container)?)),
        None => Arc::new(MemoryAuditLog::default()),
    })
}

/// The state container's SDK client (never contacted here).
fn state_client(
    config: &Config,
    container: &StateContainer,
) -> Result<azure_storage_blob::BlobContainerClient, StartupError> {
    storage::container_client(&StorageOptions {
        container: container.clone(),
        managed_identity_client_id: config.secrets.managed_identity_client_id.clone(),
    })
    .map_err(StartupError::Config)
}

/// One Halo budget for every instance, kept in the state container.
fn shared_budget(
    config: &Config,
    container: &StateContainer,
    halo_url: &url::Url,
) -> Result<Arc<dyn CallBudget>, StartupError> {
    let store = BlobLeaseStore::new(state_client(config, container)?, halo_url);
    Ok(Arc::new(SharedBudget::new(
        Arc::new(store),
        BudgetSettings {
            limit: config.halo.rate_limit,
            window: config.halo.rate_window,
            max_instances: config.halo.max_instances,
        },
    )))
}

/// Single use across instances: the state container (never contacted here, so unreachable
/// storage cannot stop start-up; sign-in fails closed until it answers).
fn shared_single_use(
    config: &Config,
    container: &StateContainer,
) -> Result<BlobSingleUse, StartupError> {
    let client = state_client(config, container)?;
    Ok(BlobSingleUse::new(client, container.redacted()))
}

/// The Services application: the embedded sandbox's demo one, else the configured one.
fn service_credential(
    config: &Config,
    secrets: &SecretStore,
    embedded: Option<&AppCredentials>,
) -> Result<HaloCredential, StartupError> {
    let (client_id, secret): (String, Arc<dyn SecretValue>) = if let Some(app) = embedded {
        (
            app.client_id.clone(),
            Arc::new(StaticSecret(app.client_secret.clone())),
        )
    } else {
        let id = config
            .halo
            .service_client_id
            .clone()
            .ok_or_else(|| StartupError::Config("HALO_SERVICE_CLIENT_ID is not set".into()))?;
        let secret = Secret::from_ref(
            &config.halo.service_client_secret,
            "HALO_SERVICE_CLIENT_SECRET_NAME",
            secrets,
        );
        if !secret.is_set() {
            return Err(StartupError::Config(
                "HALO_SERVICE_CLIENT_SECRET_NAME is not set".into(),
            ));
        }
        let secret: Arc<dyn SecretValue> = Arc::new(secret);
        (id, secret)
    };
    Ok(HaloCredential::Service(Arc::new(ClientCredentials::new(
        client_id,
        secret,
        config.halo.scopes.clone(),
    ))))
}

async fn root() -> axum::Json<serde_json::Value> {
    axum::Json(serde_json::json!({
        "name": "halo-mcp",
        "version": env!("CARGO_PKG_VERSION"),
        "mcp": "/mcp",
        "health": "/healthz"
    }))
}

async fn healthz() -> axum::Json<serde_json::Value> {
    axum::Json(serde_json::json!({"status": "ok"}))
}

/// Completes on SIGTERM (what the Functions host sends) or Ctrl-C.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
    tracing::info!("shutting down");
}
