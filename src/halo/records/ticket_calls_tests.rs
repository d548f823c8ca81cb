//! The typed ticket calls against a real socket: what they ask Halo for, and what a ticket with
//! a wrong-typed field becomes — on a read a clear error naming the entity and the field, on a
//! write an outcome that is unknown (the write was sent and Halo may have applied it).

use std::sync::Arc;
use std::time::Duration;

use parking_lot::Mutex;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use url::Url;

use super::{ActionWrite, TicketWrite};
use crate::halo::{HaloClient, HaloClientOptions, HaloCredential, HaloError, HaloSession};

/// A server answering every request with 200 and `body`, keeping each request's head.
async fn server(body: &'static str) -> (HaloSession, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = seen.clone();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let log = log.clone();
            tokio::spawn(async move {
                let mut buf = vec![0u8; 16384];
                let n = socket.read(&mut buf).await.unwrap_or(0);
                let head = String::from_utf8_lossy(&buf[..n]);
                log.lock()
                    .push(head.lines().next().unwrap_or_default().to_string());
                let answer = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = socket.write_all(answer.as_bytes()).await;
                let _ = socket.shutdown().await;
            });
        }
    });
    let mut options = HaloClientOptions::new(
        Url::parse(&format!("http://127.0.0.1:{port}/")).expect("loopback URL"),
    );
    options.timeout = Duration::from_secs(2);
    options.max_read_attempts = 1;
    let session = HaloClient::new(options)
        .expect("client")
        .session(HaloCredential::Bearer(Arc::from("token")));
    (session, seen)
}

#[tokio::test]
async fn one_ticket_is_asked_for_with_its_details_and_read_into_the_record() {
    let (session, seen) = server(r#"{"id": 5, "summary": "Printer", "extra": [1]}"#).await;
    let ticket = session.ticket(5).await.expect("ticket");
    assert_eq!(
        (ticket.id, ticket.summary.as_deref()),
        (Some(5), Some("Printer"))
    );
    let request = seen.lock()[0].clone();
    assert!(request.starts_with("GET "), "{request}");
    assert!(
        request.contains("Tickets/5?includedetails=true"),
        "{request}"
    );
}

#[tokio::test]
async fn a_wrong_typed_ticket_field_is_a_read_error_naming_it() {
    let (session, _) = server(r#"{"id": 5, "onhold": "maybe"}"#).await;
    match session.ticket(5).await {
        Err(error @ HaloError::InvalidResponse(_)) => {
            let message = error.to_string();
            assert!(message.contains("ticket field 'onhold'"), "{message}");
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn a_saved_ticket_or_action_halo_answers_badly_may_have_been_applied() {
    let (session, seen) = server(r#"[{"id": 5, "onhold": "maybe", "timetaken": "x"}]"#).await;
    let saved = session
        .save_ticket(&TicketWrite {
            id: Some(5),
            agent_id: Some(2),
            ..TicketWrite::default()
        })
        .await;
    assert!(
        matches!(saved, Err(HaloError::MayHaveBeenApplied(_))),
        "{saved:?}"
    );
    let saved = session
        .save_action(&ActionWrite {
            ticket_id: 5,
            outcome_id: 1,
            ..ActionWrite::default()
        })
        .await;
    match saved {
        Err(error @ HaloError::MayHaveBeenApplied(_)) => {
            assert!(
                error.to_string().contains("action field 'timetaken'"),
                "{error}"
            )
        }
        other => panic!("{other:?}"),
    }
    let seen = seen.lock().clone();
    assert!(
        seen[0].starts_with("POST ") && seen[0].contains("Tickets"),
        "{seen:?}"
    );
    assert!(
        seen[1].starts_with("POST ") && seen[1].contains("Actions"),
        "{seen:?}"
    );
}
