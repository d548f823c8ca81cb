//! The write outcomes against real sockets: a refused connection is [`NotSent`], an answer that
//! never comes or a server failure after the request went out is
//! [`HaloError::MayHaveBeenApplied`] for a write and [`HaloError::ReadFailed`] for a read, and a
//! 4xx is Halo's [`Rejection`].

use std::sync::Arc;
use std::time::Duration;

use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use url::Url;

use super::error::{InFlight, NotSent, Rejection};
use super::{HaloClient, HaloClientOptions, HaloCredential, HaloError, HaloSession};

pub(super) fn session(port: u16) -> HaloSession {
    let mut options = HaloClientOptions::new(
        Url::parse(&format!("http://127.0.0.1:{port}/")).expect("loopback URL"),
    );
    options.timeout = Duration::from_secs(1);
    options.max_read_attempts = 1;
    HaloClient::new(options)
        .expect("client")
        .session(HaloCredential::Bearer(Arc::from("token")))
}

/// A server that reads each request and then does `answer` with the socket.
pub(super) async fn server(answer: Option<&'static str>) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let port = listener.local_addr().expect("addr").port();
    tokio::spawn(async move {
        loop {
            let Ok((mut socket, _)) = listener.accept().await else {
                return;
            };
            tokio::spawn(async move {
                let mut buf = vec![0u8; 8192];
                let _ = socket.read(&mut buf).await;
                match answer {
                    Some(response) => {
                        let _ = socket.write_all(response.as_bytes()).await;
                        let _ = socket.shutdown().await;
                    }
                    // Hold the connection open without answering.
                    None => tokio::time::sleep(Duration::from_secs(30)).await,
                }
            });
        }
    });
    port
}

pub(super) fn status(code: u16, body: &'static str) -> &'static str {
    let text = format!(
        "HTTP/1.1 {code} X\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
        body.len()
    );
    Box::leak(text.into_boxed_str())
}

#[tokio::test]
async fn a_refused_connection_is_not_sent_even_for_a_write() {
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        listener.local_addr().expect("addr").port()
    };
    let error = session(port)
        .post("Tickets", vec![json!({"summary": "x"})])
        .await
        .expect_err("nothing listens");
    assert!(
        matches!(error, HaloError::NotSent(NotSent::Unreachable(_))),
        "{error:?}"
    );
}

#[tokio::test]
async fn no_answer_leaves_a_write_unknown_and_fails_a_read() {
    let port = server(None).await;
    let write = session(port)
        .post("Tickets", vec![json!({"summary": "x"})])
        .await
        .expect_err("no answer");
    assert!(
        matches!(write, HaloError::MayHaveBeenApplied(InFlight::Timeout(_))),
        "{write:?}"
    );
    assert!(write.to_string().contains("check Halo before trying again"));
    let read = session(port)
        .get("Tickets/1", &[])
        .await
        .expect_err("no answer");
    assert!(
        matches!(read, HaloError::ReadFailed(InFlight::Timeout(_))),
        "{read:?}"
    );
}

#[tokio::test]
async fn server_failures_leave_a_write_unknown_and_refusals_do_not() {
    for code in [500, 502, 503, 504] {
        let port = server(Some(status(code, r#"{"message":"boom"}"#))).await;
        let write = session(port)
            .post("Tickets", vec![json!({"summary": "x"})])
            .await
            .expect_err("server failure");
        assert!(
            matches!(write, HaloError::MayHaveBeenApplied(InFlight::ServerFailure { status, .. }) if status == code),
            "{code}: {write:?}"
        );
    }
    let port = server(Some(status(400, r#"{"[0].summary":"required"}"#))).await;
    let write = session(port)
        .post("Tickets", vec![json!({})])
        .await
        .expect_err("refused");
    match write {
        HaloError::Rejected(rejection @ Rejection::Invalid(_)) => {
            assert_eq!(rejection.status(), 400);
            assert!(rejection.to_string().contains("[0].summary: required"));
        }
        other => panic!("expected a rejection, got {other:?}"),
    }
}

#[tokio::test]
async fn an_unreadable_answer_to_a_write_is_unknown_but_to_a_read_is_invalid() {
    let answer = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 5\r\nconnection: close\r\n\r\n{oops";
    let port = server(Some(answer)).await;
    let write = session(port)
        .post("Tickets", vec![json!({"summary": "x"})])
        .await
        .expect_err("unreadable");
    assert!(
        matches!(
            write,
            HaloError::MayHaveBeenApplied(InFlight::Unreadable(_))
        ),
        "{write:?}"
    );
    let read = session(port)
        .get("Tickets/1", &[])
        .await
        .expect_err("unreadable");
    assert!(matches!(read, HaloError::InvalidResponse(_)), "{read:?}");
}

#[tokio::test]
async fn a_redirect_is_not_followed_with_the_write() {
    // Where the redirect points: had the client followed it, a connection would be waiting.
    let target = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let target_port = target.local_addr().expect("addr").port();
    let redirect = format!(
        "HTTP/1.1 307 Temporary Redirect\r\nlocation: http://127.0.0.1:{target_port}/api/Tickets\r\ncontent-length: 0\r\nconnection: close\r\n\r\n"
    );
    let port = server(Some(Box::leak(redirect.into_boxed_str()))).await;
    let error = session(port)
        .post("Tickets", vec![json!({"summary": "x"})])
        .await
        .expect_err("a redirect is not a saved record");
    assert!(
        matches!(&error, HaloError::Rejected(r) if r.status() == 307),
        "{error:?}"
    );
    // A followed redirect connects before the call returns, so it would be queued by now.
    use futures::FutureExt;
    assert!(
        target.accept().now_or_never().is_none(),
        "the write went nowhere else"
    );
}
