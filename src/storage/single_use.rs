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
//! Each attempt also writes a random `attempt` id into the metadata. The SDK retries a request
//! whose answer was lost; when such a retry meets the blob its own first try created, the 409
//! is not a replay: the blob's `attempt` is ours, and the token is accepted.
//!
//! Fails closed: any other storage answer, or none within [`TIMEOUT`], refuses the sign-in with
//! [`SingleUseError::Unreachable`] — never accepts a token it could not record.

use std::collections::HashMap;
use std::time::Duration;

use azure_core::error::ErrorKind;
use azure_core::http::StatusCode;
use azure_storage_blob::BlobContainerClient;
use azure_storage_blob::models::{
    BlobClientGetPropertiesResultHeaders, BlobClientUploadOptions, StorageErrorCode,
};
use bytes::Bytes;
use futures::future::BoxFuture;
use sha2::{Digest, Sha256};

use crate::auth::oauth::single_use::{SingleUse, SingleUseError};

/// Names of single-use blobs start with this, so a lifecycle rule can target them.
pub const BLOB_PREFIX: &str = "single-use-";

/// Metadata key of the attempt id that created the blob.
const ATTEMPT: &str = "attempt";

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

    async fn create(&self, token: &str, expires_at: i64, attempt: &str) -> azure_core::Result<()> {
        let options = BlobClientUploadOptions {
            metadata: Some(HashMap::from([
                ("expires_at".to_string(), expires_at.to_string()),
                (ATTEMPT.to_string(), attempt.to_string()),
            ])),
            ..Default::default()
        }
        .if_not_exists();
        self.container
            .blob_client(&Self::blob_name(token))
            .upload(Bytes::new().into(), Some(options))
            .await
            .map(|_| ())
    }

    /// Whether the existing blob for `token` was created by `attempt` (our own earlier try,
    /// whose answer was lost and retried by the SDK).
    async fn created_by(&self, token: &str, attempt: &str) -> azure_core::Result<bool> {
        let properties = self
            .container
            .blob_client(&Self::blob_name(token))
            .get_properties(None)
            .await?;
        Ok(properties
            .metadata()?
            .get(ATTEMPT)
            .is_some_and(|stored| stored == attempt))
    }

    async fn record(&self, token: &str, expires_at: i64) -> Result<(), SingleUseError> {
        let attempt = uuid::Uuid::new_v4().to_string();
        match self.create(token, expires_at, &attempt).await {
            Ok(()) => Ok(()),
            Err(error) if is_replay(&error) => match self.created_by(token, &attempt).await {
                Ok(true) => Ok(()),
                Ok(false) => Err(SingleUseError::Replayed),
                Err(error) => Err(self.unreachable(&error)),
            },
            Err(error) => Err(self.unreachable(&error)),
        }
    }

    fn unreachable(&self, error: &azure_core::Error) -> SingleUseError {
        // `{}` not `{:?}`: the Debug form can carry a backtrace. Neither carries the token: the
        // request names only its hash.
        tracing::error!(container = %self.label, %error, "cannot record a single-use sign-in token; sign-in refused");
        SingleUseError::Unreachable
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
            match tokio::time::timeout(TIMEOUT, self.record(token, expires_at)).await {
                Ok(outcome) => outcome,
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
