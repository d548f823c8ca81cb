//! Bounded readiness waits: polling until something outside the test's control (a process, a
//! port) is up, failing with a message once the deadline has passed. Never a stand-in for a
//! clock: a test that needs time to pass uses an injected clock or `tokio::time::pause`.

use std::time::{Duration, Instant};

/// How long anything started by a test may take to come up.
pub const READY_WITHIN: Duration = Duration::from_secs(30);

const POLL_EVERY: Duration = Duration::from_millis(50);

/// Polls `check` until it returns `Some`, panicking with `what` after `within`.
pub async fn until<T>(
    what: &str,
    within: Duration,
    mut check: impl AsyncFnMut() -> Option<T>,
) -> T {
    let deadline = Instant::now() + within;
    loop {
        if let Some(value) = check().await {
            return value;
        }
        assert!(
            Instant::now() < deadline,
            "timed out after {within:?} waiting for {what}"
        );
        tokio::time::sleep(POLL_EVERY).await;
    }
}

/// A free loopback port for a process the test starts (it binds the port itself).
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// Waits until something accepts TCP connections on the loopback `port`.
pub async fn listening(what: &str, port: u16) {
    until(what, READY_WITHIN, async || {
        tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .ok()
            .map(|_| ())
    })
    .await;
}
