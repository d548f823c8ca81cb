//! The `halo-mcp` binary: the MCP server (default), or the Halo sandbox on its own.

mod bin_support;

use std::net::SocketAddr;
use std::process::ExitCode;

use bin_support::{allocator, banner};
use clap::{Parser, Subcommand};
use halo_mcp::config::{Config, Env, settings_help};
use halo_mcp::startup::{Application, shutdown_signal};
use halo_mcp::telemetry;
use halo_mcp::unconfigured::{self, NotConfigured};

/// mimalloc instead of the system allocator; see `bin_support::allocator`.
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
    #[cfg(feature = "embedded-sandbox")]
    Sandbox(halo_sandbox::cli::SandboxArgs),
    /// Run the Halo sandbox alone: a stand-in for a Halo instance's API (/api) and sign-in (/auth).
    /// Not in this build (no `embedded-sandbox` feature).
    #[cfg(not(feature = "embedded-sandbox"))]
    Sandbox {
        /// Ignored: this build has no sandbox.
        #[arg(trailing_var_arg = true, allow_hyphen_values = true, hide = true)]
        args: Vec<String>,
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
    allocator::tune();
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
        #[cfg(feature = "embedded-sandbox")]
        Some(Command::Sandbox(args)) => {
            telemetry::init(halo_mcp::config::LogFormat::Text, "info");
            halo_sandbox::cli::run(&args, "halo-mcp sandbox", shutdown_signal()).await
        }
        #[cfg(not(feature = "embedded-sandbox"))]
        Some(Command::Sandbox { .. }) => {
            eprintln!(
                "halo-mcp sandbox: this build has no Halo sandbox (built without the \
                 `embedded-sandbox` feature). Rebuild with default features, or run the \
                 `halo-sandbox` binary (cargo run -p halo-sandbox)."
            );
            ExitCode::from(2)
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
