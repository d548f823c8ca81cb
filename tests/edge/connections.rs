//! Connection timeouts and the connection cap (issue 12, item 6): idle sockets, slowloris
//! headers, idle keep-alive and stalled bodies are closed within the configured timeouts, and
//! under `ulimit -n 128` a flood of idle and slowloris connections does not keep a normal
//! client (and its Halo calls) from being served within 5 seconds.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::support::app::spawn_app_with;
use crate::support::binary::binary;
use crate::support::settings::Settings;

const TIMEOUTS: &[(&str, &str)] = &[
    ("MCP_HEADER_TIMEOUT_SECS", "1"),
    ("MCP_BODY_TIMEOUT_SECS", "1"),
];

fn addr(base_url: &str) -> SocketAddr {
    base_url
        .trim_start_matches("http://")
        .parse()
        .expect("a socket address")
}

/// Reads until the server closes the connection; returns what it sent.
async fn read_to_close(stream: &mut TcpStream) -> Vec<u8> {
    let mut out = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        match stream.read(&mut buf).await {
            Ok(0) | Err(_) => return out,
            Ok(n) => out.extend_from_slice(&buf[..n]),
        }
    }
}

/// Connects, tells `connected` (if any) and never sends a byte; returns how long until the
/// server closed it.
async fn idle(addr: SocketAddr, connected: Option<Connected>) -> Duration {
    let started = Instant::now();
    let mut stream = TcpStream::connect(addr).await.expect("connects");
    if let Some(connected) = connected {
        let _ = connected.send(());
    }
    read_to_close(&mut stream).await;
    started.elapsed()
}

/// Where an attacker reports that its connection is open.
type Connected = tokio::sync::mpsc::UnboundedSender<()>;

/// Sends a request head one byte every 300 ms, never finishing it; returns how long until the
/// server closed the connection.
async fn slowloris(addr: SocketAddr, connected: Option<Connected>) -> Duration {
    let started = Instant::now();
    let stream = TcpStream::connect(addr).await.expect("connects");
    if let Some(connected) = connected {
        let _ = connected.send(());
    }
    let (mut reader, mut writer) = stream.into_split();
    let trickle = async move {
        let head = b"POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ";
        if writer.write_all(head).await.is_err() {
            return;
        }
        loop {
            tokio::time::sleep(Duration::from_millis(300)).await;
            if writer.write_all(b"a").await.is_err() {
                return;
            }
        }
    };
    let closed = async move {
        let mut buf = [0u8; 1024];
        loop {
            match reader.read(&mut buf).await {
                Ok(0) | Err(_) => return,
                Ok(_) => {}
            }
        }
    };
    tokio::select! {
        () = trickle => {},
        () = closed => {},
    }
    started.elapsed()
}

fn within(elapsed: Duration, limit: Duration, what: &str) {
    assert!(
        elapsed <= limit,
        "{what}: closed after {elapsed:?}, limit {limit:?}"
    );
}

#[tokio::test]
async fn idle_slow_and_stalled_connections_are_closed_within_the_timeouts() {
    // A server without the timeouts would leave a probe waiting forever: fail instead.
    tokio::time::timeout(Duration::from_secs(30), probe_each_kind_of_slow_client())
        .await
        .expect("a probe was never closed");
}

async fn probe_each_kind_of_slow_client() {
    let app = spawn_app_with(TIMEOUTS).await;
    let addr = addr(&app.base_url);
    let limit = Duration::from_millis(2500);

    within(idle(addr, None).await, limit, "a socket that never speaks");
    within(
        slowloris(addr, None).await,
        limit,
        "a slowloris request head",
    );

    // Idle keep-alive: after a complete exchange, the next request must start in time.
    let mut stream = TcpStream::connect(addr).await.unwrap();
    stream
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        .await
        .unwrap();
    let mut buf = [0u8; 1024];
    let n = stream.read(&mut buf).await.unwrap();
    assert!(String::from_utf8_lossy(&buf[..n]).starts_with("HTTP/1.1 200"));
    let started = Instant::now();
    read_to_close(&mut stream).await;
    within(started.elapsed(), limit, "an idle keep-alive connection");

    // A body that stalls gets 408 and the connection is closed.
    let mut stream = TcpStream::connect(addr).await.unwrap();
    stream
        .write_all(
            b"POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"jsonrpc\"",
        )
        .await
        .unwrap();
    let started = Instant::now();
    let answer = String::from_utf8_lossy(&read_to_close(&mut stream).await).to_string();
    within(started.elapsed(), limit, "a stalled body");
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(answer.contains("MCP_BODY_TIMEOUT_SECS"), "{answer}");

    // A body that trickles (never pausing long, but never finishing) is also cut off.
    let stream = TcpStream::connect(addr).await.unwrap();
    let (mut reader, mut writer) = stream.into_split();
    writer
        .write_all(
            b"POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n[",
        )
        .await
        .unwrap();
    let started = Instant::now();
    let trickle = tokio::spawn(async move {
        for _ in 0..100 {
            tokio::time::sleep(Duration::from_millis(200)).await;
            if writer.write_all(b" ").await.is_err() {
                return;
            }
        }
    });
    let mut answer = Vec::new();
    let _ = reader.read_to_end(&mut answer).await;
    within(started.elapsed(), limit, "a trickling body");
    assert!(String::from_utf8_lossy(&answer).starts_with("HTTP/1.1 408"));
    trickle.abort();
}

#[tokio::test]
async fn a_normal_client_is_served_through_a_flood_under_a_small_open_file_limit() {
    let server = binary()
        .vars(TIMEOUTS.iter().copied())
        .open_files(128)
        .start()
        .await;
    let addr = server.addr;
    let flood_started = Instant::now();
    let mut attackers = Vec::new();
    let (connected, mut ready) = tokio::sync::mpsc::unbounded_channel();
    for _ in 0..200 {
        attackers.push(tokio::spawn(idle(addr, Some(connected.clone()))));
    }
    for _ in 0..100 {
        attackers.push(tokio::spawn(slowloris(addr, Some(connected.clone()))));
    }
    // Every attacker connects before the normal client does.
    for _ in 0..attackers.len() {
        tokio::time::timeout(Duration::from_secs(10), ready.recv())
            .await
            .expect("every attacker connects")
            .expect("an attacker reports");
    }

    let started = Instant::now();
    let http = reqwest::Client::new();
    let call = http
        .post(format!("{}/mcp", server.base_url))
        .json(&json!({"jsonrpc": "2.0", "id": 1, "method": "tools/call",
            "params": {"name": "get_ticket", "arguments": {"ticket_id": 1001}}}))
        .timeout(Duration::from_secs(5))
        .send()
        .await
        .expect("the normal client is served within 5 s");
    assert_eq!(call.status(), 200);
    let body: Value = call.json().await.unwrap();
    assert_eq!(body["result"]["isError"], false, "{body}");
    let served_in = started.elapsed();
    assert!(
        served_in < Duration::from_secs(5),
        "served in {served_in:?}"
    );

    // Every attacker is closed: the first connections after the 1 s header timeout, the ones
    // queued behind the cap as soon as they are accepted and time out in turn.
    let mut slowest = Duration::ZERO;
    for attacker in attackers {
        let held = tokio::time::timeout(Duration::from_secs(15), attacker)
            .await
            .expect("every idle or slowloris connection is closed")
            .unwrap();
        slowest = slowest.max(held);
    }
    assert!(
        slowest < Duration::from_secs(8),
        "the last attacker was held {slowest:?}"
    );
    eprintln!(
        "flood of 300: normal client served in {served_in:?}; last attacker closed after \
         {slowest:?} (flood began {:?} before the normal client)",
        started - flood_started
    );
    // And the server is still healthy.
    let health = http
        .get(format!("{}/healthz", server.base_url))
        .send()
        .await
        .unwrap();
    assert_eq!(health.status(), 200);
}
