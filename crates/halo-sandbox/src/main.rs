//! The `halo-sandbox` binary: the Halo sandbox on its own, for any Halo client to call.

use std::process::ExitCode;

use clap::Parser;
use halo_sandbox::cli::{self, SandboxArgs};
use tracing_subscriber::EnvFilter;

#[derive(Parser)]
#[command(
    name = "halo-sandbox",
    version,
    about = "A stand-in for a Halo ITSM / HaloPSA instance's API (/api) and sign-in (/auth), with demo data."
)]
struct Cli {
    #[command(flatten)]
    args: SandboxArgs,
}

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .init();
    cli::run(&cli.args, "halo-sandbox", shutdown_signal()).await
}

/// Ctrl-C, or SIGTERM from a process manager. halo-mcp has its own copy, by design: neither
/// crate may take it from the other (docs/architecture.md, "Crates").
async fn shutdown_signal() {
    #[cfg(unix)]
    {
        let terminate = async {
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(mut signal) => {
                    signal.recv().await;
                }
                Err(_) => std::future::pending::<()>().await,
            }
        };
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {},
            _ = terminate => {},
        }
    }
    #[cfg(not(unix))]
    let _ = tokio::signal::ctrl_c().await;
}
