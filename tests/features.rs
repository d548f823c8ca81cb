//! The `embedded-sandbox` feature, from the outside. With it (the default), the binary carries the
//! sandbox's demo data and `halo-mcp sandbox` prints the sandbox crate's own banner. Without it
//! (`cargo test --no-default-features --test features`, which `.ci/no-sandbox.sh` runs), the binary
//! carries no demo data, refuses to start without HALO_URL, and `halo-mcp sandbox` says what it
//! needs.

use std::process::{Command, Stdio};

/// Strings only the demo data has: the sandbox's demo credentials and customers, and the demo
/// tools file. The default build must contain every one, so their absence below means something.
const DEMO_ONLY: &[&str] = &[
    "sandbox-services-secret",
    "sandbox-authcode-secret",
    "alice-demo",
    "Ben.Castle@contoso.com",
    "Whitespace_Report",
];

const HALO_MCP: &str = env!("CARGO_BIN_EXE_halo-mcp");

fn binary_contains(needle: &str) -> bool {
    let bytes = std::fs::read(HALO_MCP).expect("the halo-mcp binary is readable");
    memchr::memmem::find(&bytes, needle.as_bytes()).is_some()
}

#[cfg(not(feature = "embedded-sandbox"))]
mod without_the_sandbox {
    use std::process::Output;

    use super::*;

    /// Runs `halo-mcp args` with no HALO_URL (nor anything else set) and waits for it to exit.
    fn run_to_exit(args: &[&str]) -> Output {
        Command::new(HALO_MCP)
            .args(args)
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("PORT", "0")
            .stdin(Stdio::null())
            .output()
            .expect("halo-mcp runs")
    }

    #[test]
    fn the_binary_carries_no_demo_data() {
        for needle in DEMO_ONLY {
            assert!(!binary_contains(needle), "{needle:?} is in the binary");
        }
    }

    #[test]
    fn without_halo_url_it_refuses_to_start_and_says_why() {
        let output = run_to_exit(&[]);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(!output.status.success(), "it started: {stderr}");
        assert!(
            stderr.contains("HALO_URL is not set") && stderr.contains("embedded-sandbox"),
            "{stderr}"
        );
    }

    #[test]
    fn the_sandbox_subcommand_says_it_needs_the_feature() {
        let output = run_to_exit(&["sandbox", "--port", "0"]);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{stderr}");
        assert!(
            stderr.contains("embedded-sandbox") && stderr.contains("halo-sandbox"),
            "{stderr}"
        );
    }
}

#[cfg(feature = "embedded-sandbox")]
mod with_the_sandbox {
    use std::io::{BufRead, BufReader};
    use std::process::Child;

    use super::*;

    #[test]
    fn the_binary_carries_the_demo_data() {
        for needle in DEMO_ONLY {
            assert!(binary_contains(needle), "{needle:?} is not in the binary");
        }
    }

    /// Kills the child when the test ends, pass or fail.
    struct Running(Child);

    impl Drop for Running {
        fn drop(&mut self) {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }

    /// Starts `exe args` and returns what it prints up to the blank line that ends its banner,
    /// with the port it chose replaced by `PORT`.
    fn banner(exe: &str, args: &[&str]) -> String {
        let mut child = Command::new(exe)
            .args(args)
            .args(["--port", "0"])
            .env("RUST_LOG", "warn")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("the binary starts");
        let stdout = child.stdout.take().expect("stdout is piped");
        let running = Running(child);
        let mut lines = Vec::new();
        for line in BufReader::new(stdout).lines() {
            let line = line.expect("stdout is text");
            if line.is_empty() {
                break;
            }
            lines.push(line);
        }
        drop(running);
        let text = lines.join("\n");
        let port = text
            .split("http://127.0.0.1:")
            .nth(1)
            .and_then(|rest| rest.split('/').next())
            .unwrap_or_else(|| panic!("no URL in {text:?}"))
            .to_string();
        text.replace(&port, "PORT")
    }

    #[tokio::test]
    async fn halo_mcp_sandbox_prints_what_the_sandbox_crate_prints() {
        let from_subcommand = banner(HALO_MCP, &["sandbox"]);
        assert!(
            from_subcommand.starts_with("Halo sandbox listening at http://127.0.0.1:PORT/"),
            "{from_subcommand}"
        );
        let loopback = std::net::SocketAddr::from(([127, 0, 0, 1], 0));
        let sandbox = halo_sandbox::Sandbox::start(loopback, Default::default())
            .await
            .expect("the sandbox starts");
        let port = sandbox.local_addr().port().to_string();
        let from_crate = halo_sandbox::cli::banner(&sandbox).replace(&port, "PORT");
        sandbox.shutdown().await;
        assert_eq!(from_subcommand, from_crate.trim_end());
    }
}
