//! A bad `RUST_LOG` stops start-up like any other bad setting (issue 13): the process exits
//! with the configuration-error status and names the variable and the directive, instead of
//! serving with a filter other than the one the operator asked for.

use std::io::Read;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Runs the binary with `vars` only and returns (exit code, stderr); a process still running
/// after `limit` is killed and reported as `None`.
fn run(vars: &[(&str, &str)], limit: Duration) -> (Option<i32>, String) {
    let mut command = Command::new(env!("CARGO_BIN_EXE_halo-mcp"));
    command
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        // Port 0: should the filter be accepted, the server binds anywhere free, not a fixed port.
        .env("PORT", "0")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    for (k, v) in vars {
        command.env(k, v);
    }
    let mut child = command.spawn().expect("the binary starts");
    let deadline = Instant::now() + limit;
    let code = loop {
        if let Some(status) = child.try_wait().expect("wait for the binary") {
            break status.code();
        }
        if Instant::now() >= deadline {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let mut stderr = String::new();
    if let Some(mut pipe) = child.stderr.take() {
        let _ = pipe.read_to_string(&mut stderr);
    }
    (code, stderr)
}

#[test]
fn a_bad_rust_log_stops_start_up_naming_the_directive() {
    let (code, stderr) = run(
        &[("RUST_LOG", "info,halo_mcp=loud")],
        Duration::from_secs(20),
    );
    assert_eq!(code, Some(2), "exit status; stderr: {stderr}");
    assert!(stderr.contains("RUST_LOG"), "{stderr}");
    assert!(stderr.contains("'halo_mcp=loud'"), "{stderr}");
    assert!(stderr.contains("halo-mcp --help"), "{stderr}");
}

#[tokio::test]
async fn a_good_rust_log_still_starts() {
    let server = super::binary::start(&[("RUST_LOG", "warn,halo_mcp::tools=debug")], None).await;
    let stderr = server.stop();
    assert!(!stderr.contains("configuration error"), "{stderr}");
}
