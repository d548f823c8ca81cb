//! The `halo-mcp` binary: the MCP server (default), or the Halo sandbox on its own.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::{Parser, Subcommand};
use halo_mcp::config::{Config, Env, settings_help};
use halo_mcp::sandbox::{RateLimit, Sandbox, SandboxOptions};
use halo_mcp::startup::{Application, shutdown_signal};
use halo_mcp::unconfigured::{self, NotConfigured};
use halo_mcp::{banner, telemetry};

/// mimalloc instead of the system allocator; see `halo_mcp::allocator`.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "halo-mcp",
    version,
    about = "MCP server for Microsoft Copilot Studio agents working in Halo ITSM / HaloPSA / HaloServiceDesk.",
    long_about = "MCP server for Microsoft Copilot Studio agents working in Halo ITSM / HaloPSA / \
HaloServiceDesk.\n\nWith no arguments it serves MCP over Streamable HTTP at /mcp. Configuration \
comes from environment variables (Azure Functions app settings), listed below. With no HALO_URL it \
runs against an embedded Halo sandbox with demo data.",
    after_help = settings_help()
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Run the Halo sandbox alone: a stand-in for a Halo instance's API (/api) and sign-in (/auth).
    Sandbox {
        /// Port to listen on (127.0.0.1).
        #[arg(long, default_value_t = 8090)]
        port: u16,
        /// Address to bind.
        #[arg(long, default_value = "127.0.0.1")]
        bind: std::net::IpAddr,
        /// Persist the sandbox state to this JSON file.
        #[arg(long)]
        state_file: Option<PathBuf>,
        /// Requests allowed per rolling window (off when unset); hosted Halo allows about 300 per 5 minutes.
        #[arg(long)]
        rate_limit: Option<u32>,
        /// Rolling window length in seconds.
        #[arg(long, default_value_t = 300)]
        rate_window: u64,
        /// Extra redirect URL accepted by the demo Authorisation Code application (repeatable).
        #[arg(long = "redirect-uri")]
        redirect_uris: Vec<String>,
    },
    /// Print the audit log of writes from the state container (MCP_STATE_CONTAINER_URL, read
    /// with a SAS or the signed-in Azure identity): one JSON line per entry, oldest first.
    Audit {
        /// How many of the most recent matching entries to print.
        #[arg(long, default_value_t = 50)]
        last: usize,
        /// Only calls that ran as this Halo agent (id or name).
        #[arg(long)]
        agent: Option<String>,
        /// Only calls of this tool.
        #[arg(long)]
        tool: Option<String>,
        /// Only calls that created or changed this ticket (id).
        #[arg(long)]
        ticket: Option<i64>,
    },
}

fn main() -> ExitCode {
    // Before the runtime starts its threads.
    halo_mcp::allocator::tune();
    match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime.block_on(run()),
        Err(error) => {
            eprintln!("error: could not start the async runtime: {error}");
            ExitCode::FAILURE
        }
    }
}

async fn run() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Some(Command::Sandbox {
            port,
            bind,
            state_file,
            rate_limit,
            rate_window,
            redirect_uris,
        }) => {
            telemetry::init(halo_mcp::config::LogFormat::Text, "info");
            let options = SandboxOptions {
                state_file,
                rate_limit: rate_limit.map(|max_requests| RateLimit {
                    max_requests,
                    window: Duration::from_secs(rate_window),
                }),
                extra_redirect_uris: redirect_uris,
                ..SandboxOptions::default()
            };
            match Sandbox::start(SocketAddr::new(bind, port), options).await {
                Ok(sandbox) => {
                    println!("{}", banner::sandbox(&sandbox));
                    shutdown_signal().await;
                    sandbox.shutdown().await;
                    ExitCode::SUCCESS
                }
                Err(error) => {
                    eprintln!("halo-mcp sandbox: cannot start on {bind}:{port}: {error}");
                    ExitCode::FAILURE
                }
            }
        }
        Some(Command::Audit {
            last,
            agent,
            tool,
            ticket,
        }) => {
            let query = halo_mcp::audit::AuditQuery {
                last,
                agent,
                tool,
                ticket,
            };
            audit(&query).await
        }
        None => serve().await,
    }
}

async fn audit(query: &halo_mcp::audit::AuditQuery) -> ExitCode {
    let config = match Config::load(&Env::from_process()) {
        Ok(config) => config,
        Err(error) => {
            eprintln!("halo-mcp audit: {error}");
            return ExitCode::from(2);
        }
    };
    match halo_mcp::audit::cli::run(&config, query, &mut std::io::stdout().lock()).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("halo-mcp audit: {error}");
            ExitCode::FAILURE
        }
    }
}

async fn serve() -> ExitCode {
    let env = Env::from_process();
    // Under the Functions host a configuration problem is served, not fatal (see unconfigured).
    let functions_addr = unconfigured::functions_listen_addr(&env);
    let config = match Config::load(&env) {
        Ok(config) => config,
        Err(error) => {
            eprintln!("halo-mcp: {error}\nRun `halo-mcp --help` for every setting.");
            return match functions_addr {
                Some(addr) => serve_unconfigured(addr, NotConfigured::from(&error)).await,
                None => ExitCode::from(2),
            };
        }
    };
    telemetry::init(config.log_format, &config.log_filter);
    let app = match Application::build(config).await {
        Ok(app) => app,
        Err(error) => {
            eprintln!("halo-mcp: cannot start: {error}");
            tracing::error!(%error, "start-up failed");
            return match functions_addr {
                Some(addr) => serve_unconfigured(addr, NotConfigured::from(&error)).await,
                None => ExitCode::FAILURE,
            };
        }
    };
    tracing::info!(addr = %app.local_addr(), mcp = %app.config().mcp_url(), "listening");
    if !app.config().under_functions_host {
        println!("{}", banner::server(&app));
    }
    match app.run_until(shutdown_signal()).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("halo-mcp: server error: {error}");
            ExitCode::FAILURE
        }
    }
}

async fn serve_unconfigured(addr: SocketAddr, state: NotConfigured) -> ExitCode {
    telemetry::init(
        halo_mcp::config::LogFormat::Json,
        halo_mcp::config::DEFAULT_LOG_FILTER,
    );
    match unconfigured::serve(addr, state, shutdown_signal()).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("halo-mcp: cannot listen on {addr}: {error}");
            ExitCode::FAILURE
        }
    }
}
