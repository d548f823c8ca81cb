//! The start-up text a person reads: where to connect, how to sign in, what is running.

use crate::config::AuthMode;
use crate::sandbox::{Sandbox, demo};
use crate::startup::Application;

/// What `cargo run` prints: the MCP URL, whether sign-in is on, and the sandbox's demo sign-ins.
pub fn server(app: &Application) -> String {
    let config = app.config();
    let mut out = String::new();
    out.push_str(&format!(
        "halo-mcp {} is running.\n\n",
        env!("CARGO_PKG_VERSION")
    ));
    out.push_str(&format!(
        "  MCP endpoint (Streamable HTTP): {}\n",
        config.mcp_url()
    ));
    out.push_str(&format!("  Sign-in mode: {}\n", config.auth.mode.as_str()));
    if config.auth.mode == AuthMode::None {
        out.push_str(
            "  Sign-in is OFF: any MCP client on this machine can connect without credentials.\n",
        );
    }
    if let Some(sandbox) = app.sandbox() {
        out.push_str(&format!(
            "\n  Halo: the embedded sandbox with demo data at {} (no HALO_URL set).\n",
            sandbox.url()
        ));
        out.push_str("  Demo Halo sign-ins (agent / password):\n");
        for (login, password, role) in demo::DEMO_SIGN_INS {
            out.push_str(&format!("    {login:<28} {password:<14} {role}\n"));
        }
        out.push_str(
            "\n  Turn sign-in on: MCP_AUTH_MODE=oauth MCP_TOKEN_KEY=$(openssl rand -base64 32) cargo run\n\
             \x20   (tool calls then run as the Halo agent who signs in on the sandbox's sign-in page).\n",
        );
    }
    out.push_str(&format!(
        "\n  Try it:\n    npx @modelcontextprotocol/inspector --cli {} --transport http --method tools/list\n",
        config.mcp_url()
    ));
    out.push_str("  Stop with Ctrl-C. Every setting: halo-mcp --help\n");
    out
}

/// What `halo-mcp sandbox` prints.
pub fn sandbox(sandbox: &Sandbox) -> String {
    let mut out = format!("Halo sandbox listening at {}\n", sandbox.url());
    out.push_str(&format!("  API:       {}api/\n", sandbox.url()));
    out.push_str(&format!("  Sign-in:   {}auth/authorize\n", sandbox.url()));
    out.push_str(&format!("  Token:     {}auth/token\n", sandbox.url()));
    out.push_str(&format!(
        "  Services app: client_id={} client_secret={}\n",
        demo::SERVICE_CLIENT_ID,
        demo::SERVICE_CLIENT_SECRET
    ));
    out.push_str(&format!(
        "  Authorisation Code app: client_id={} client_secret={}\n",
        demo::AUTH_CLIENT_ID,
        demo::AUTH_CLIENT_SECRET
    ));
    out.push_str("  Demo sign-ins (agent / password):\n");
    for (login, password, role) in demo::DEMO_SIGN_INS {
        out.push_str(&format!("    {login:<28} {password:<14} {role}\n"));
    }
    out
}
