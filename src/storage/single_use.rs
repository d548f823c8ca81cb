//! [`SingleUse`] shared by every instance: accepting a token creates a blob named by the
//! token's SHA-256 with `If-None-Match: *`, an atomic create-if-absent in Azure Storage. The
//! first instance to create it wins; every later attempt, on any instance, gets 409/412 and is
//! refused as a replay.
//!
//! The blob is empty; its metadata holds the token's expiry (`expires_at`, Unix seconds). Nothing
//! here deletes blobs: an expired token is refused before it gets here, so a stale blob is
//! harmless, and a lifecycle-management rule on the [`BLOB_PREFIX`] prefix (docs/deploy.md)
//! deletes them after a day.
//!
//! Fails closed: any other storage answer, or none within [`TIMEOUT`], refuses the sign-in with
//! [`SingleUseError::Unreachable`] — never accepts a token it could not record.

use std::collections::HashMap;
use std::time::Duration;

use azure_core::error::ErrorKind;
use azure_core::http::StatusCode;
use azure_storage_blob::BlobContainerClient;
use azure_storage_blob::models::{BlobClientUploadOptions, StorageErrorCode};
use bytes::Bytes;
use futures::future::BoxFuture;
use sha2::{Digest, Sha256};

use crate::auth::oauth::single_use::{SingleUse, SingleUseError};

/// Names of single-use blobs start with this, so a lifecycle rule can target them.
pub const BLOB_PREFIX: &str = "single-use-";

/// The longest a sign-in waits on storage (the SDK's own retries included).
pub const TIMEOUT: Duration = Duration::from_secs(8);

pub struct BlobSingleUse {
    container: BlobContainerClient,
    /// The container URL without its SAS, for log lines.
    label: String,
}

impl BlobSingleUse {
    pub fn new(container: BlobContainerClient, label: String) -> BlobSingleUse {
        BlobSingleUse { container, label }
    }

    /// The blob for `token`: the hex SHA-256 of the trimmed text, as the in-memory set keys it.
    pub fn blob_name(token: &str) -> String {
        format!("{BLOB_PREFIX}{:x}", Sha256::digest(token.trim().as_bytes()))
    }

    async fn create(&self, token: &str, expires_at: i64) -> azure_core::Result<()> {
        let options = BlobClientUploadOptions {
            metadata: Some(HashMap::from([(
                "expires_at".to_string(),
                expires_at.to_string(),
            )])),
            ..Default::default()
        }
        .if_not_exists();
        self.container
            .blob_client(&Self::blob_name(token))
            .upload(Bytes::new().into(), Some(options))
            .await
            .map(|_| ())
    }
}

/// 409 `BlobAlreadyExists` or 412 `ConditionNotMet`: another attempt created the blob first.
fn is_replay(error: &azure_core::Error) -> bool {
    let ErrorKind::HttpResponse {
        status, error_code, ..
    } = error.kind()
    else {
        return false;
    };
    if !matches!(
        *status,
        StatusCode::Conflict | StatusCode::PreconditionFailed
    ) {
        return false;
    }
    // Other 409s (a container being deleted, a lease) are faults, not replays.
    error_code.as_deref().is_none_or(|code| {
        code == StorageErrorCode::BlobAlreadyExists.as_ref()
            || code == StorageErrorCode::ConditionNotMet.as_ref()
    })
}

impl SingleUse for BlobSingleUse {
    fn use_once<'a>(
        &'a self,
        token: &'a str,
        expires_at: i64,
    ) -> BoxFuture<'a, Result<(), SingleUseError>> {
        Box::pin(async move {
            match tokio::time::timeout(TIMEOUT, self.create(token, expires_at)).await {
                Ok(Ok(())) => Ok(()),
                Ok(Err(error)) if is_replay(&error) => Err(SingleUseError::Replayed),
                Ok(Err(error)) => {
                    // `{}` not `{:?}`: the Debug form can carry a backtrace. Neither carries the
                    // token: the request names only its hash.
                    tracing::error!(container = %self.label, %error, "cannot record a single-use sign-in token; sign-in refused");
                    Err(SingleUseError::Unreachable)
                }
                Err(_) => {
                    tracing::error!(container = %self.label, timeout_secs = TIMEOUT.as_secs(), "state container did not answer; sign-in refused");
                    Err(SingleUseError::Unreachable)
                }
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blobs_are_named_by_the_hash_of_the_trimmed_token() {
        let name = BlobSingleUse::blob_name(" code-a\n");
        assert_eq!(name, BlobSingleUse::blob_name("code-a"));
        assert!(name.starts_with(BLOB_PREFIX));
        assert_eq!(name.len(), BLOB_PREFIX.len() + 64);
        assert!(!name.contains("code-a"));
    }
}
