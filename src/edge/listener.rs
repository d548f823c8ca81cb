//! Serves the router over HTTP/1.1 with hyper directly, because `axum::serve` exposes none of
//! the connection settings a public endpoint needs:
//!
//! - hyper's header read timeout, which runs whenever hyper waits for a request head: from
//!   accept (an idle socket that never speaks), while a slowloris client trickles headers, and
//!   between keep-alive requests (the idle keep-alive timeout);
//! - tower-http's request body timeout (a stalled body gets 408);
//! - a cap on concurrent connections (a semaphore permit per connection): at the cap the
//!   listener stops accepting and new connections wait in the kernel's accept queue, where they
//!   cost no file descriptor. The cap is lowered to leave a quarter of the open-file limit for
//!   outgoing Halo connections, so a flood can never make Halo calls fail with EMFILE.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tower_http::timeout::RequestBodyTimeoutLayer;

use crate::config::ConnectionSettings;

/// The limits the listener applies, after fitting the cap to the open-file limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConnectionLimits {
    pub header_timeout: Duration,
    pub body_timeout: Duration,
    pub max_connections: usize,
}

impl ConnectionLimits {
    pub fn new(settings: ConnectionSettings) -> Self {
        Self::fitted(settings, open_file_limit())
    }

    fn fitted(settings: ConnectionSettings, open_files: Option<u64>) -> Self {
        let max_connections = match open_files {
            Some(limit) => {
                let reserve = (limit / 4).max(32);
                let room = usize::try_from(limit.saturating_sub(reserve)).unwrap_or(usize::MAX);
                settings.max_connections.min(room.max(1))
            }
            None => settings.max_connections,
        };
        ConnectionLimits {
            header_timeout: settings.header_timeout,
            body_timeout: settings.body_timeout,
            max_connections,
        }
    }
}

#[cfg(unix)]
#[allow(clippy::unnecessary_cast)] // rlim_t is not u64 on every unix
fn open_file_limit() -> Option<u64> {
    let mut limit = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit only writes the struct we pass, which lives for the call.
    let status = unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) };
    (status == 0 && limit.rlim_cur != libc::RLIM_INFINITY).then_some(limit.rlim_cur as u64)
}

#[cfg(not(unix))]
fn open_file_limit() -> Option<u64> {
    None
}

/// Serves `router` until `shutdown` completes, then waits for in-flight requests.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    limits: ConnectionLimits,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let router = router.layer(RequestBodyTimeoutLayer::new(limits.body_timeout));
    let permits = Arc::new(Semaphore::new(limits.max_connections));
    let graceful = GracefulShutdown::new();
    let mut builder = http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_timeout);
    tokio::pin!(shutdown);
    loop {
        let permit = tokio::select! {
            permit = permits.clone().acquire_owned() => match permit {
                Ok(permit) => permit,
                Err(_closed) => break,
            },
            () = &mut shutdown => break,
        };
        let stream = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                Err(error) => {
                    accept_failed(error).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let _ = stream.set_nodelay(true);
        let service = TowerToHyperService::new(router.clone());
        let connection = graceful.watch(builder.serve_connection(TokioIo::new(stream), service));
        tokio::spawn(async move {
            // Errors here are the client's (timeouts, resets, bad requests): nothing to report.
            if let Err(error) = connection.await {
                tracing::debug!(%error, "client connection ended with an error");
            }
            drop(permit);
        });
    }
    drop(listener);
    graceful.shutdown().await;
    Ok(())
}

/// A failed accept is about one connection (reset before accept) or a momentary resource
/// shortage (EMFILE); either way the listener keeps going, pausing briefly on the latter so
/// it does not spin.
async fn accept_failed(error: std::io::Error) {
    use std::io::ErrorKind;
    if matches!(
        error.kind(),
        ErrorKind::ConnectionAborted | ErrorKind::ConnectionReset | ErrorKind::ConnectionRefused
    ) {
        return;
    }
    tracing::warn!(%error, "accepting a connection failed; pausing the listener briefly");
    tokio::time::sleep(Duration::from_millis(100)).await;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(max_connections: usize) -> ConnectionSettings {
        ConnectionSettings {
            header_timeout: Duration::from_secs(10),
            body_timeout: Duration::from_secs(30),
            max_connections,
        }
    }

    #[test]
    fn the_cap_leaves_room_for_halo_calls_under_the_open_file_limit() {
        let fitted = |cap, limit| ConnectionLimits::fitted(settings(cap), limit).max_connections;
        assert_eq!(fitted(256, Some(128)), 96);
        assert_eq!(fitted(256, Some(1024)), 256);
        assert_eq!(fitted(256, Some(300)), 225);
        assert_eq!(fitted(256, None), 256);
        assert_eq!(fitted(256, Some(20)), 1);
        assert_eq!(fitted(10, Some(u64::MAX)), 10);
    }
}
