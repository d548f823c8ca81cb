//! A bad `RUST_LOG` stops start-up like any other bad setting (issue 13): the process exits
//! with the configuration-error status and names the variable and the directive, instead of
//! serving with a filter other than the one the operator asked for.

use std::time::Duration;

use crate::support::binary::binary;
use crate::support::settings::Settings;

/// Runs the binary with `RUST_LOG=filter` to completion and returns (exit code, stderr); a
/// process still running after 20 s (the filter was accepted and it serves) fails the test.
async fn run_with_filter(filter: &str) -> (Option<i32>, String) {
    let filter = filter.to_string();
    // Port 0: should the filter be accepted, the server binds anywhere free, not a fixed port.
    let run = tokio::task::spawn_blocking(move || {
        binary().var("RUST_LOG", filter).var("PORT", "0").run(&[])
    });
    let output = tokio::time::timeout(Duration::from_secs(20), run)
        .await
        .expect("the binary exits instead of serving with a filter it could not read")
        .expect("the run completes");
    (
        output.status.code(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[tokio::test]
async fn a_bad_rust_log_stops_start_up_naming_the_directive() {
    let (code, stderr) = run_with_filter("info,halo_mcp=loud").await;
    assert_eq!(code, Some(2), "exit status; stderr: {stderr}");
    assert!(stderr.contains("RUST_LOG"), "{stderr}");
    assert!(stderr.contains("'halo_mcp=loud'"), "{stderr}");
    assert!(stderr.contains("halo-mcp --help"), "{stderr}");
}

#[tokio::test]
async fn a_good_rust_log_still_starts() {
    let server = binary()
        .var("RUST_LOG", "warn,halo_mcp::tools=debug")
        .start()
        .await;
    let stderr = server.stop();
    assert!(!stderr.contains("configuration error"), "{stderr}");
}
