//! The embedded Halo sandbox: with no HALO_URL, start-up runs one in-process (feature
//! `embedded-sandbox`, on by default) and takes from it the URL to call and its demo
//! applications, as values. A build without the feature has no sandbox and no demo code, and
//! refuses to start without HALO_URL.

use url::Url;

use super::{BuildOptions, StartupError};
use crate::config::Config;

/// A Halo API application's credentials, as the embedded sandbox registered them.
#[derive(Debug, Clone)]
pub struct AppCredentials {
    pub client_id: String,
    pub client_secret: String,
}

/// A demo agent's sign-in on the embedded sandbox's sign-in page.
#[derive(Debug, Clone)]
pub struct SignIn {
    pub login: String,
    pub password: String,
    /// Who the agent is and what it may do, in words.
    pub role: String,
}

/// What start-up took from the running embedded sandbox.
pub struct Embedded {
    pub url: Url,
    /// The Services application: modes none and api-key call Halo as it.
    pub services: AppCredentials,
    /// The Authorisation Code application: mode oauth signs agents in through it unless
    /// HALO_CLIENT_ID names another.
    pub sign_in: AppCredentials,
    pub sign_ins: Vec<SignIn>,
    #[cfg(feature = "embedded-sandbox")]
    pub(super) sandbox: halo_sandbox::Sandbox,
}

impl Embedded {
    /// Refuses, before anything binds, a configuration that needs a sandbox this build lacks.
    pub(super) fn check_available(config: &Config) -> Result<(), StartupError> {
        if config.embedded_sandbox() && !cfg!(feature = "embedded-sandbox") {
            return Err(StartupError::NoHaloUrl);
        }
        Ok(())
    }

    /// Starts the sandbox when the configuration has no Halo URL.
    #[cfg(feature = "embedded-sandbox")]
    pub(super) async fn start_if_needed(
        config: &Config,
        build: &BuildOptions,
    ) -> Result<Option<Embedded>, StartupError> {
        if !config.embedded_sandbox() {
            return Ok(None);
        }
        let mut options = build.sandbox.clone().unwrap_or_default();
        options.state_file = config.sandbox_state_file.clone();
        // Register our OAuth callback on the sandbox's Authorisation Code app.
        options.extra_redirect_uris.push(format!(
            "{}/oauth/callback",
            config.public_url.as_str().trim_end_matches('/')
        ));
        let loopback = std::net::SocketAddr::from(([127, 0, 0, 1], 0));
        let sandbox = halo_sandbox::Sandbox::start(loopback, options)
            .await
            .map_err(StartupError::Sandbox)?;
        let demo = sandbox.demo_applications();
        let credentials = |app: halo_sandbox::DemoApplication| AppCredentials {
            client_id: app.client_id,
            client_secret: app.client_secret,
        };
        Ok(Some(Embedded {
            url: sandbox.url(),
            services: credentials(demo.services),
            sign_in: credentials(demo.sign_in),
            sign_ins: demo
                .sign_ins
                .into_iter()
                .map(|s| SignIn {
                    login: s.login,
                    password: s.password,
                    role: s.role,
                })
                .collect(),
            sandbox,
        }))
    }

    /// Without the feature there is no sandbox to fall back on ([`Self::check_available`]).
    #[cfg(not(feature = "embedded-sandbox"))]
    pub(super) async fn start_if_needed(
        config: &Config,
        _build: &BuildOptions,
    ) -> Result<Option<Embedded>, StartupError> {
        Self::check_available(config).map(|()| None)
    }

    pub(super) async fn shutdown(self) {
        #[cfg(feature = "embedded-sandbox")]
        self.sandbox.shutdown().await;
    }
}
