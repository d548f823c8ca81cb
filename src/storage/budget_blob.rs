//! The shared Halo budget's state as one small JSON block blob per Halo instance, read with its
//! ETag and written back with `If-Match` (or `If-None-Match: *` when it does not exist yet), so
//! two instances can never both spend the same part of the budget.

use azure_core::error::ErrorKind;
use azure_core::http::StatusCode;
use azure_storage_blob::BlobContainerClient;
use azure_storage_blob::models::{BlobClientUploadOptions, StorageErrorCode};
use bytes::Bytes;
use futures::future::BoxFuture;
use sha2::{Digest, Sha256};

use super::lease::BudgetState;
use super::shared_budget::{LeaseStore, StoreError};

/// Names of budget blobs start with this.
pub const BUDGET_PREFIX: &str = "budget/";

pub struct BlobLeaseStore {
    container: BlobContainerClient,
    blob: String,
}

impl BlobLeaseStore {
    /// The budget of the Halo instance at `halo_url`: one blob per instance, named by a hash of
    /// its URL so no host name appears in storage listings.
    pub fn new(container: BlobContainerClient, halo_url: &url::Url) -> BlobLeaseStore {
        let key = Sha256::digest(halo_url.as_str().trim_end_matches('/').as_bytes());
        BlobLeaseStore {
            container,
            blob: format!("{BUDGET_PREFIX}{:x}.json", key),
        }
    }

    pub fn blob_name(&self) -> &str {
        &self.blob
    }
}

fn failed(error: &azure_core::Error) -> StoreError {
    StoreError::Failed(error.to_string())
}

fn status_and_code(error: &azure_core::Error) -> Option<(StatusCode, Option<&str>)> {
    match error.kind() {
        ErrorKind::HttpResponse {
            status, error_code, ..
        } => Some((*status, error_code.as_deref())),
        _ => None,
    }
}

impl LeaseStore for BlobLeaseStore {
    fn load(&self) -> BoxFuture<'_, Result<(BudgetState, Option<String>), StoreError>> {
        Box::pin(async move {
            let blob = self.container.blob_client(&self.blob);
            let response = match blob.download(None).await {
                Ok(response) => response,
                Err(error) => {
                    return match status_and_code(&error) {
                        Some((StatusCode::NotFound, code))
                            if code
                                .is_none_or(|c| c == StorageErrorCode::BlobNotFound.as_ref()) =>
                        {
                            Ok((BudgetState::default(), None))
                        }
                        _ => Err(failed(&error)),
                    };
                }
            };
            let version = response.properties.etag.as_ref().map(|e| e.to_string());
            let body = response.body.collect().await.map_err(|e| failed(&e))?;
            // An unreadable state (hand-edited, truncated) is replaced, not obeyed: the worst
            // case is one window in which the budget restarts.
            let state = serde_json::from_slice(&body).unwrap_or_else(|error| {
                tracing::warn!(blob = %self.blob, %error, "unreadable Halo budget state; starting it afresh");
                BudgetState::default()
            });
            Ok((state, version))
        })
    }

    fn store<'a>(
        &'a self,
        state: &'a BudgetState,
        version: Option<&'a str>,
    ) -> BoxFuture<'a, Result<(), StoreError>> {
        Box::pin(async move {
            let body = serde_json::to_vec(state).map_err(|e| StoreError::Failed(e.to_string()))?;
            let options = match version {
                Some(etag) => BlobClientUploadOptions {
                    if_match: Some(etag.to_string().into()),
                    ..Default::default()
                },
                None => BlobClientUploadOptions::default().if_not_exists(),
            };
            let blob = self.container.blob_client(&self.blob);
            match blob.upload(Bytes::from(body).into(), Some(options)).await {
                Ok(_) => Ok(()),
                Err(error) => match status_and_code(&error) {
                    Some((StatusCode::PreconditionFailed | StatusCode::Conflict, code))
                        if code.is_none_or(|c| {
                            c == StorageErrorCode::ConditionNotMet.as_ref()
                                || c == StorageErrorCode::BlobAlreadyExists.as_ref()
                        }) =>
                    {
                        Err(StoreError::Conflict)
                    }
                    _ => Err(failed(&error)),
                },
            }
        })
    }
}
