//! A 413 a client can read (issue 12, item 12): a client that writes its whole oversized body
//! before reading (urllib, many .NET paths) still receives the 413, with or without a
//! Content-Length; far beyond the bound the server may just close, but promptly.

use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::support::app::spawn_app_with;

const MAX: usize = 64 * 1024;

/// Writes `head` and the whole `body`, then reads the answer.
async fn write_all_then_read(base_url: &str, head: &str, body: &[u8]) -> String {
    let mut stream = TcpStream::connect(base_url.trim_start_matches("http://"))
        .await
        .expect("connects");
    let write = async {
        stream.write_all(head.as_bytes()).await?;
        stream.write_all(body).await?;
        stream.flush().await
    };
    tokio::time::timeout(Duration::from_secs(10), write)
        .await
        .expect("the server keeps reading")
        .expect("the whole body is written without a reset");
    let mut answer = Vec::new();
    tokio::time::timeout(Duration::from_secs(10), stream.read_to_end(&mut answer))
        .await
        .expect("the answer arrives")
        .expect("the answer is read without a reset");
    String::from_utf8_lossy(&answer).into_owned()
}

#[tokio::test]
async fn a_client_that_writes_everything_first_reads_the_413() {
    let max = MAX.to_string();
    let app = spawn_app_with(&[("MCP_MAX_BODY_BYTES", &max)]).await;
    let body = vec![b' '; 2 * 1024 * 1024];
    let head = format!(
        "POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    let answer = write_all_then_read(&app.base_url, &head, &body).await;
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    assert!(answer.contains("MCP_MAX_BODY_BYTES"), "{answer}");
    assert!(answer.to_ascii_lowercase().contains("connection: close"));

    // Chunked, so the size is only known while reading.
    let chunk = vec![b' '; 256 * 1024];
    let mut chunked = Vec::new();
    for _ in 0..4 {
        chunked.extend_from_slice(format!("{:x}\r\n", chunk.len()).as_bytes());
        chunked.extend_from_slice(&chunk);
        chunked.extend_from_slice(b"\r\n");
    }
    chunked.extend_from_slice(b"0\r\n\r\n");
    let head = "POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n";
    let answer = write_all_then_read(&app.base_url, head, &chunked).await;
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
}

#[tokio::test]
async fn a_body_far_over_the_bound_is_refused_promptly() {
    let max = MAX.to_string();
    let app = spawn_app_with(&[("MCP_MAX_BODY_BYTES", &max)]).await;
    let mut stream = TcpStream::connect(app.base_url.trim_start_matches("http://"))
        .await
        .unwrap();
    let head = "POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 1000000000\r\n\r\n";
    stream.write_all(head.as_bytes()).await.unwrap();
    let mut answer = Vec::new();
    // Either the 413 or a closed connection, but never a server waiting for a gigabyte.
    let read = tokio::time::timeout(Duration::from_secs(5), stream.read_to_end(&mut answer)).await;
    assert!(read.is_ok(), "the server still waits for the body");
    let answer = String::from_utf8_lossy(&answer);
    assert!(
        answer.is_empty() || answer.starts_with("HTTP/1.1 413"),
        "{answer}"
    );
}

#[tokio::test]
async fn a_client_awaiting_100_continue_gets_the_413_without_sending_the_body() {
    let max = MAX.to_string();
    let app = spawn_app_with(&[("MCP_MAX_BODY_BYTES", &max)]).await;
    let mut stream = TcpStream::connect(app.base_url.trim_start_matches("http://"))
        .await
        .unwrap();
    let head = format!(
        "POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: {}\r\nExpect: 100-continue\r\n\r\n",
        MAX * 4
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    let mut answer = Vec::new();
    tokio::time::timeout(Duration::from_secs(5), stream.read_to_end(&mut answer))
        .await
        .expect("answered without the body")
        .expect("read");
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
}
