//! The budget counts only calls that reach Halo (issue 14 item 5): a call refused before it is
//! sent — no connection, no token — costs nothing, and a call Halo answered costs one, against
//! real sockets and through the [`CallBudget`] trait every budget implements.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::Duration;

use futures::future::BoxFuture;
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use url::Url;

use super::credentials::StaticSecret;
use super::{CallBudget, ClientCredentials, HaloClient, HaloClientOptions, HaloCredential};

/// Calls taken minus calls given back: what the budget has charged.
#[derive(Default)]
struct Charged(AtomicI64);

impl CallBudget for Charged {
    fn acquire(&self, _wait: Duration) -> BoxFuture<'_, Result<(), Duration>> {
        self.0.fetch_add(1, Ordering::SeqCst);
        Box::pin(std::future::ready(Ok(())))
    }

    fn refund(&self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }

    fn pause(&self, _retry_after: Duration) -> BoxFuture<'_, ()> {
        Box::pin(std::future::ready(()))
    }
}

fn client(port: u16, budget: Arc<Charged>) -> HaloClient {
    let mut options = HaloClientOptions::new(
        Url::parse(&format!("http://127.0.0.1:{port}/")).expect("loopback URL"),
    );
    options.timeout = Duration::from_secs(2);
    // The token endpoint is where nothing listens either, so no token can be had.
    options.auth_url = Some(Url::parse(&format!("http://127.0.0.1:{port}/auth")).expect("URL"));
    HaloClient::with_budget(options, budget).expect("client")
}

fn bearer() -> HaloCredential {
    HaloCredential::Bearer(Arc::from("token"))
}

/// A port nothing listens on.
fn closed_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    listener.local_addr().expect("addr").port()
}

/// Answers every request 404 with a Halo-style JSON body.
async fn halo_answering_404() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let port = listener.local_addr().expect("addr").port();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            tokio::spawn(async move {
                let mut buf = vec![0u8; 8192];
                let _ = socket.read(&mut buf).await;
                let body = r#"{"message":"not found"}"#;
                let answer = format!(
                    "HTTP/1.1 404 Not Found\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = socket.write_all(answer.as_bytes()).await;
                let _ = socket.shutdown().await;
            });
        }
    });
    port
}

#[tokio::test]
async fn a_call_that_never_connects_costs_nothing_read_or_write() {
    let budget = Arc::new(Charged::default());
    let session = client(closed_port(), budget.clone()).session(bearer());
    // A read is tried up to three times; every attempt is given back.
    assert!(session.get("Tickets/1", &[]).await.is_err());
    assert!(
        session
            .post("Tickets", vec![json!({"summary": "x"})])
            .await
            .is_err()
    );
    assert_eq!(budget.0.load(Ordering::SeqCst), 0);
}

#[tokio::test]
async fn a_call_without_a_token_costs_nothing() {
    let budget = Arc::new(Charged::default());
    let app = ClientCredentials::new(
        "services".into(),
        Arc::new(StaticSecret("secret".into())),
        "all".into(),
    );
    let session =
        client(closed_port(), budget.clone()).session(HaloCredential::Service(Arc::new(app)));
    assert!(session.get("Tickets/1", &[]).await.is_err());
    assert!(
        session
            .post("Tickets", vec![json!({"summary": "x"})])
            .await
            .is_err()
    );
    assert_eq!(budget.0.load(Ordering::SeqCst), 0);
}

#[tokio::test]
async fn a_call_halo_answered_costs_one() {
    let budget = Arc::new(Charged::default());
    let session = client(halo_answering_404().await, budget.clone()).session(bearer());
    // A 404 is not retried: one call reached Halo.
    assert!(session.get("Tickets/1", &[]).await.is_err());
    assert_eq!(budget.0.load(Ordering::SeqCst), 1);
}
