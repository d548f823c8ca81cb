//! Reads an `/mcp` request body within the size limit and the body timeout.
//!
//! A body over the limit is still read, and thrown away, up to [`DISCARD_LIMIT`] more bytes
//! before the 413 goes out: a client that writes its whole body before reading the answer
//! (urllib, many .NET paths) would otherwise have its connection reset under it and never see
//! the 413. Beyond that bound the connection is simply closed.

use std::time::Duration;

use axum::body::Body;
use bytes::{Bytes, BytesMut};
use http_body_util::BodyExt;

/// How much of an oversized body is read and discarded so the client can read the 413.
pub const DISCARD_LIMIT: usize = 8 * 1024 * 1024;

#[derive(Debug, PartialEq, Eq)]
pub enum BodyError {
    TooLarge,
    /// The body did not arrive within the body timeout (in total, or a stalled part).
    TimedOut,
    Unreadable(String),
}

/// The whole body, at most `max` bytes, received within `timeout`.
pub async fn read(
    body: Body,
    max: usize,
    declared: Option<u64>,
    timeout: Duration,
) -> Result<Bytes, BodyError> {
    let max_u64 = u64::try_from(max).unwrap_or(u64::MAX);
    let discard_u64 = u64::try_from(DISCARD_LIMIT).unwrap_or(u64::MAX);
    if declared.is_some_and(|len| len > max_u64.saturating_add(discard_u64)) {
        // Reading this much only to refuse it would cost more than closing on the client.
        return Err(BodyError::TooLarge);
    }
    match tokio::time::timeout(timeout, collect(body, max)).await {
        Ok(result) => result,
        Err(_elapsed) => Err(BodyError::TimedOut),
    }
}

async fn collect(mut body: Body, max: usize) -> Result<Bytes, BodyError> {
    let mut bytes = BytesMut::new();
    let mut overflow = 0usize;
    while let Some(frame) = body.frame().await {
        let frame = frame.map_err(read_error)?;
        let Ok(data) = frame.into_data() else {
            continue; // trailers
        };
        if overflow == 0 && bytes.len() + data.len() <= max {
            bytes.extend_from_slice(&data);
            continue;
        }
        overflow = overflow.saturating_add(data.len());
        if overflow > DISCARD_LIMIT {
            break;
        }
    }
    if overflow > 0 {
        return Err(BodyError::TooLarge);
    }
    Ok(bytes.freeze())
}

fn read_error(error: axum::Error) -> BodyError {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(&error);
    while let Some(current) = source {
        if current.is::<tower_http::timeout::TimeoutError>() {
            return BodyError::TimedOut;
        }
        source = current.source();
    }
    BodyError::Unreadable(error.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    const LONG: Duration = Duration::from_secs(5);

    #[tokio::test]
    async fn a_body_within_the_limit_is_returned_whole() {
        let body = Body::from(vec![b'x'; 1024]);
        let bytes = read(body, 1024, Some(1024), LONG).await.unwrap();
        assert_eq!(bytes.len(), 1024);
    }

    #[tokio::test]
    async fn a_body_over_the_limit_is_too_large_whatever_it_declares() {
        assert_eq!(
            read(Body::from(vec![b'x'; 1025]), 1024, None, LONG).await,
            Err(BodyError::TooLarge)
        );
        assert_eq!(
            read(Body::from(vec![b'x'; 2048]), 1024, Some(10), LONG).await,
            Err(BodyError::TooLarge)
        );
        // Far beyond the discard bound: refused without reading.
        let huge = Some((1024 + DISCARD_LIMIT + 1) as u64);
        assert_eq!(
            read(Body::empty(), 1024, huge, LONG).await,
            Err(BodyError::TooLarge)
        );
    }

    #[tokio::test]
    async fn a_body_that_never_ends_times_out() {
        let (_sender, body) = {
            let (tx, rx) = tokio::sync::mpsc::channel::<Result<Bytes, std::io::Error>>(1);
            let stream = tokio_stream(rx);
            (tx, Body::from_stream(stream))
        };
        let outcome = read(body, 1024, None, Duration::from_millis(50)).await;
        assert_eq!(outcome, Err(BodyError::TimedOut));
    }

    fn tokio_stream(
        mut rx: tokio::sync::mpsc::Receiver<Result<Bytes, std::io::Error>>,
    ) -> impl futures::Stream<Item = Result<Bytes, std::io::Error>> {
        futures::stream::poll_fn(move |cx| rx.poll_recv(cx))
    }
}
