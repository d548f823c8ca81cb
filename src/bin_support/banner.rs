//! The start-up text a person reads: where to connect, how to sign in, what is running.
//! (`halo-mcp sandbox` prints the sandbox crate's own banner.)

use halo_mcp::config::AuthMode;
use halo_mcp::startup::{AppCredentials, Application};

/// The tool call the README and the banner show first: Acorn Construction's open tickets,
/// real demo data rather than an empty list.
pub const FIRST_CALL: &str = r#"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"search_tickets","arguments":{"customer":"Acorn Construction","open_only":true,"page_size":5}}}"#;

/// The shell variable the api-key "Try it" command reads the key from.
pub const API_KEY_VARIABLE: &str = "HALO_MCP_KEY";

/// Who tool calls run as in each sign-in mode, in words.
fn runs_as(mode: AuthMode, sandbox_services: Option<&AppCredentials>) -> String {
    match mode {
        AuthMode::None | AuthMode::ApiKey => format!(
            "Tool calls run as the API agent of the Halo Services application{}: every call \
             acts as that one Halo agent, whoever makes it.",
            match sandbox_services {
                Some(app) => format!(" ({}, the sandbox's \"API Agent\")", app.client_id),
                None => String::new(),
            }
        ),
        AuthMode::OAuth => {
            "Tool calls run as the Halo agent who signs in, with that agent's permissions.".into()
        }
        AuthMode::HaloToken => {
            "Tool calls run as the Halo agent whose Halo access token the client presents.".into()
        }
    }
}

/// The "Try it" commands for the configured mode, each a complete shell command that works as
/// printed (the api-key one after `export HALO_MCP_KEY=<one of MCP_API_KEYS>`).
pub fn try_it(app: &Application) -> Vec<String> {
    let config = app.config();
    let call = |auth: &str| {
        format!(
            "curl -s {} -H 'Content-Type: application/json' -H 'Accept: application/json, \
             text/event-stream'{auth} -d '{FIRST_CALL}'",
            config.mcp_url()
        )
    };
    match config.auth.mode {
        AuthMode::None => vec![call("")],
        AuthMode::ApiKey => vec![
            format!("export {API_KEY_VARIABLE}=<one of the keys in MCP_API_KEYS>"),
            call(&format!(
                " -H \"Authorization: Bearer ${API_KEY_VARIABLE}\""
            )),
        ],
        AuthMode::HaloToken => {
            let mut lines = Vec::new();
            if let Some(sandbox) = app.embedded() {
                lines.push(format!(
                    "export HALO_TOKEN=$(curl -s {}auth/token -d 'grant_type=client_credentials&client_id={}&client_secret={}&scope=all' | sed -E 's/.*\"access_token\":\"([^\"]+)\".*/\\1/')",
                    sandbox.url,
                    sandbox.services.client_id,
                    sandbox.services.client_secret
                ));
            } else {
                lines.push("export HALO_TOKEN=<a Halo access token>".into());
            }
            lines.push(call(" -H \"Authorization: Bearer $HALO_TOKEN\""));
            lines
        }
        AuthMode::OAuth => vec![
            format!(
                "curl -s {}/.well-known/oauth-protected-resource",
                config.public_url.as_str().trim_end_matches('/')
            ),
            "npx @modelcontextprotocol/inspector   (transport Streamable HTTP, the MCP URL \
             above, then Connect: it registers, opens the sign-in page and calls tools)"
                .into(),
        ],
    }
}

/// What `cargo run` prints: the MCP URL, who calls run as, the sandbox's URLs and demo
/// credentials, and a first command that works in the configured mode.
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
    out.push_str(&format!(
        "  {}\n",
        runs_as(config.auth.mode, app.embedded().map(|e| &e.services))
    ));
    if let Some(sandbox) = app.embedded() {
        out.push_str(&format!(
            "\n  Halo: the embedded sandbox with demo data at {} (no HALO_URL set).\n",
            sandbox.url
        ));
        out.push_str(&format!("    REST API:  {}api/\n", sandbox.url));
        out.push_str(&format!("    Token:     {}auth/token\n", sandbox.url));
        out.push_str(&format!(
            "    Services app (client credentials): client_id={} client_secret={}\n",
            sandbox.services.client_id, sandbox.services.client_secret
        ));
        out.push_str("  Demo Halo sign-ins (agent / password):\n");
        for sign_in in &sandbox.sign_ins {
            out.push_str(&format!(
                "    {:<28} {:<14} {}\n",
                sign_in.login, sign_in.password, sign_in.role
            ));
        }
        if config.auth.mode == AuthMode::None {
            out.push_str(
                "\n  Turn sign-in on: MCP_AUTH_MODE=oauth MCP_TOKEN_KEY=$(openssl rand -base64 32) cargo run\n\
                 \x20   (tool calls then run as the Halo agent who signs in on the sandbox's sign-in page).\n",
            );
        }
    }
    out.push_str("\n  Try it:\n");
    for line in try_it(app) {
        out.push_str(&format!("    {line}\n"));
    }
    out.push_str("  Stop with Ctrl-C. Every setting: halo-mcp --help\n");
    out
}
