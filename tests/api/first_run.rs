//! The first run (issue 15): the banner says who tool calls run as and prints the embedded
//! sandbox's REST URL and demo Services credentials, its "Try it" commands work as printed in
//! every sign-in mode (run here through a real shell), and the README's first curl returns
//! real demo data.

use crate::banner;
use halo_sandbox::demo;

use crate::support::app::{TestApp, app};
use crate::support::settings::Settings;

/// Builds the app as `main` does and returns its banner; the app serves until the test ends.
async fn start(vars: &[(&str, &str)]) -> (String, TestApp) {
    let (app, text) = app()
        .vars(vars.iter().copied())
        .capture_logs()
        .spawn_inspecting(banner::server)
        .await;
    (text, app)
}

/// The shell lines under "Try it:" (the interactive Inspector line is for people).
fn try_it_lines(banner: &str) -> Vec<String> {
    banner
        .lines()
        .skip_while(|l| l.trim() != "Try it:")
        .skip(1)
        .take_while(|l| l.starts_with("    "))
        .map(|l| l.trim().to_string())
        .filter(|l| !l.starts_with("npx "))
        .collect()
}

/// Runs the lines in one `sh`, as a person pasting them would.
async fn run_in_shell(lines: &[String], env: &[(&str, &str)]) -> String {
    let script = lines.join("\n");
    let mut command = tokio::process::Command::new("sh");
    command.arg("-c").arg(&script);
    for (k, v) in env {
        command.env(k, v);
    }
    let output = command.output().await.expect("sh runs");
    assert!(output.status.success(), "{script}: {output:?}");
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn assert_shows_acorn_tickets(output: &str) {
    assert!(
        output.contains("Acorn Construction") && output.contains("\\\"tickets\\\""),
        "{output}"
    );
    assert!(!output.contains("\"isError\":true"), "{output}");
}

#[tokio::test]
async fn the_banner_shows_the_sandbox_and_who_calls_run_as() {
    let (text, _stop) = start(&[]).await;
    assert!(text.contains("run as the API agent"), "{text}");
    assert!(text.contains("REST API:  http://127.0.0.1:"), "{text}");
    assert!(text.contains("/api/"), "{text}");
    assert!(
        text.contains(demo::SERVICE_CLIENT_ID) && text.contains(demo::SERVICE_CLIENT_SECRET),
        "{text}"
    );
    assert!(text.contains("auth/token"), "{text}");
}

#[tokio::test]
async fn try_it_works_without_sign_in() {
    let (text, _stop) = start(&[]).await;
    let lines = try_it_lines(&text);
    assert_eq!(lines.len(), 1, "{text}");
    assert_shows_acorn_tickets(&run_in_shell(&lines, &[]).await);
}

/// Long enough for start-up's 32-character minimum.
const FIRST_RUN_KEY: &str = "first-run-key-0123456789abcdefghijkl";

#[tokio::test]
async fn try_it_works_with_an_api_key() {
    let (text, _stop) = start(&[
        ("MCP_AUTH_MODE", "api-key"),
        ("MCP_API_KEYS", FIRST_RUN_KEY),
    ])
    .await;
    assert!(text.contains("run as the API agent"), "{text}");
    let lines: Vec<String> = try_it_lines(&text)
        .into_iter()
        .filter(|l| !l.starts_with("export "))
        .collect();
    let output = run_in_shell(&lines, &[(banner::API_KEY_VARIABLE, FIRST_RUN_KEY)]).await;
    assert_shows_acorn_tickets(&output);
}

#[tokio::test]
async fn try_it_works_with_halo_tokens() {
    let (text, _stop) = start(&[("MCP_AUTH_MODE", "halo-token")]).await;
    assert!(text.contains("whose Halo access token"), "{text}");
    let output = run_in_shell(&try_it_lines(&text), &[]).await;
    assert_shows_acorn_tickets(&output);
}

#[tokio::test]
async fn try_it_works_with_oauth() {
    let key = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=";
    let (text, _stop) = start(&[("MCP_AUTH_MODE", "oauth"), ("MCP_TOKEN_KEY", key)]).await;
    assert!(
        text.contains("run as the Halo agent who signs in"),
        "{text}"
    );
    assert!(
        text.contains("npx @modelcontextprotocol/inspector"),
        "{text}"
    );
    let output = run_in_shell(&try_it_lines(&text), &[]).await;
    assert!(output.contains("authorization_servers"), "{output}");
}

#[tokio::test]
async fn the_readme_first_curl_returns_demo_data() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md"))
        .expect("README.md");
    // The first ```sh block that calls curl, as written, with the port the test app got.
    let block: String = readme
        .split("```sh")
        .skip(1)
        .filter_map(|b| b.split("```").next())
        .find(|b| b.contains("curl"))
        .expect("a curl example in the README")
        .to_string();
    assert!(
        block.contains(banner::FIRST_CALL),
        "the README's curl is the banner's first call"
    );
    let (text, _stop) = start(&[]).await;
    let url = text
        .lines()
        .find_map(|l| l.trim().strip_prefix("MCP endpoint (Streamable HTTP): "))
        .expect("MCP URL in the banner")
        .to_string();
    let script = block.replace("http://127.0.0.1:8080/mcp", &url);
    assert_ne!(script, block, "the README uses http://127.0.0.1:8080/mcp");
    let output = run_in_shell(&[script], &[]).await;
    assert_shows_acorn_tickets(&output);
}
