//! The standalone sandbox's command line, shared by the `halo-sandbox` binary and a host that
//! offers the sandbox as a subcommand: the options, the text printed once listening, and serving
//! until a shutdown signal.

use std::future::Future;
use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use super::rate_limit::RateLimit;
use super::server::Sandbox;
use super::store::SandboxOptions;

/// Where the sandbox listens, where it keeps its state, and how strict it is.
#[derive(Debug, Clone, clap::Args)]
pub struct SandboxArgs {
    /// Port to listen on (127.0.0.1).
    #[arg(long, default_value_t = 8090)]
    pub port: u16,
    /// Address to bind.
    #[arg(long, default_value = "127.0.0.1")]
    pub bind: IpAddr,
    /// Persist the sandbox state to this JSON file.
    #[arg(long)]
    pub state_file: Option<PathBuf>,
    /// Requests allowed per rolling window (off when unset); hosted Halo allows about 300 per 5 minutes.
    #[arg(long)]
    pub rate_limit: Option<u32>,
    /// Rolling window length in seconds.
    #[arg(long, default_value_t = 300)]
    pub rate_window: u64,
    /// Extra redirect URL accepted by the demo Authorisation Code application (repeatable).
    #[arg(long = "redirect-uri")]
    pub redirect_uris: Vec<String>,
}

impl SandboxArgs {
    pub fn addr(&self) -> SocketAddr {
        SocketAddr::new(self.bind, self.port)
    }

    pub fn options(&self) -> SandboxOptions {
        SandboxOptions {
            state_file: self.state_file.clone(),
            rate_limit: self.rate_limit.map(|max_requests| RateLimit {
                max_requests,
                window: Duration::from_secs(self.rate_window),
            }),
            extra_redirect_uris: self.redirect_uris.clone(),
            ..SandboxOptions::default()
        }
    }
}

/// Starts the sandbox, prints where it listens and the demo credentials, and serves until
/// `shutdown` completes. `program` names the command in the start-up error.
pub async fn run(
    args: &SandboxArgs,
    program: &str,
    shutdown: impl Future<Output = ()>,
) -> ExitCode {
    match Sandbox::start(args.addr(), args.options()).await {
        Ok(sandbox) => {
            println!("{}", banner(&sandbox));
            shutdown.await;
            sandbox.shutdown().await;
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!(
                "{program}: cannot start on {}:{}: {error}",
                args.bind, args.port
            );
            ExitCode::FAILURE
        }
    }
}

/// What the standalone sandbox prints once listening.
pub fn banner(sandbox: &Sandbox) -> String {
    let demo = sandbox.demo_applications();
    let mut out = format!("Halo sandbox listening at {}\n", sandbox.url());
    out.push_str(&format!("  API:       {}api/\n", sandbox.url()));
    out.push_str(&format!("  Sign-in:   {}auth/authorize\n", sandbox.url()));
    out.push_str(&format!("  Token:     {}auth/token\n", sandbox.url()));
    out.push_str(&format!(
        "  Services app: client_id={} client_secret={}\n",
        demo.services.client_id, demo.services.client_secret
    ));
    out.push_str(&format!(
        "  Authorisation Code app: client_id={} client_secret={}\n",
        demo.sign_in.client_id, demo.sign_in.client_secret
    ));
    out.push_str("  Demo sign-ins (agent / password):\n");
    for sign_in in &demo.sign_ins {
        out.push_str(&format!(
            "    {:<28} {:<14} {}\n",
            sign_in.login, sign_in.password, sign_in.role
        ));
    }
    out
}
