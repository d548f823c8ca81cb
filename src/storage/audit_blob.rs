//! The audit log in the state container: one append blob per UTC day,
//! `audit/YYYY-MM-DD.jsonl`, one JSON entry per line. Append blobs only grow, so an entry once
//! stored is never rewritten; every instance appends to the same day's blob, in the order
//! storage receives them. A lifecycle rule deletes days past the retention (docs/deploy.md).

use azure_core::error::ErrorKind;
use azure_core::http::StatusCode;
use azure_storage_blob::BlobContainerClient;
use azure_storage_blob::models::{
    AppendBlobClientCreateOptions, BlobContainerClientListBlobsOptions, StorageErrorCode,
};
use bytes::Bytes;
use futures::TryStreamExt;
use futures::future::BoxFuture;

use crate::audit::{AuditEntry, AuditLog, AuditLogError};

/// Names of audit blobs start with this, so a lifecycle rule can target them.
pub const AUDIT_PREFIX: &str = "audit/";

pub struct BlobAuditLog {
    container: BlobContainerClient,
}

impl BlobAuditLog {
    pub fn new(container: BlobContainerClient) -> BlobAuditLog {
        BlobAuditLog { container }
    }

    /// The day's blob for an entry stamped `time` (RFC 3339).
    pub fn blob_name(time: &str) -> String {
        let day = time.get(..10).unwrap_or("unknown-day");
        format!("{AUDIT_PREFIX}{day}.jsonl")
    }

    async fn append_line(&self, name: &str, line: &Bytes) -> azure_core::Result<()> {
        self.container
            .blob_client(name)
            .append_blob_client()
            .append_block(line.clone().into(), line.len() as u64, None)
            .await
            .map(|_| ())
    }

    /// Creates the day's blob unless another instance already has.
    async fn create(&self, name: &str) -> azure_core::Result<()> {
        let created = self
            .container
            .blob_client(name)
            .append_blob_client()
            .create(Some(
                AppendBlobClientCreateOptions {
                    blob_content_type: Some("application/x-ndjson".into()),
                    ..Default::default()
                }
                .if_not_exists(),
            ))
            .await;
        match created {
            Ok(_) => Ok(()),
            Err(error) if code_is(&error, StorageErrorCode::BlobAlreadyExists) => Ok(()),
            Err(error)
                if matches!(
                    error.kind(),
                    ErrorKind::HttpResponse {
                        status: StatusCode::PreconditionFailed | StatusCode::Conflict,
                        ..
                    }
                ) =>
            {
                Ok(())
            }
            Err(error) => Err(error),
        }
    }

    async fn names(&self) -> azure_core::Result<Vec<String>> {
        let mut pages = self
            .container
            .list_blobs(Some(BlobContainerClientListBlobsOptions {
                prefix: Some(AUDIT_PREFIX.into()),
                ..Default::default()
            }))?
            .into_pages();
        let mut names = Vec::new();
        while let Some(page) = pages.try_next().await? {
            let page = page.into_model()?;
            names.extend(page.blob_items.into_iter().filter_map(|b| b.name));
        }
        names.sort();
        Ok(names)
    }

    async fn read_day(&self, name: &str) -> azure_core::Result<Vec<AuditEntry>> {
        let body = self
            .container
            .blob_client(name)
            .download(None)
            .await?
            .body
            .collect()
            .await?;
        Ok(String::from_utf8_lossy(&body)
            .lines()
            .filter_map(|line| serde_json::from_str(line).ok())
            .collect())
    }
}

fn code_is(error: &azure_core::Error, code: StorageErrorCode) -> bool {
    matches!(
        error.kind(),
        ErrorKind::HttpResponse { error_code: Some(c), .. } if c == code.as_ref()
    )
}

fn not_stored(error: &azure_core::Error) -> AuditLogError {
    AuditLogError(error.to_string())
}

impl AuditLog for BlobAuditLog {
    fn append<'a>(&'a self, entry: &'a AuditEntry) -> BoxFuture<'a, Result<(), AuditLogError>> {
        Box::pin(async move {
            let mut line = serde_json::to_vec(entry).map_err(|e| AuditLogError(e.to_string()))?;
            line.push(b'\n');
            let line = Bytes::from(line);
            let name = Self::blob_name(&entry.time);
            match self.append_line(&name, &line).await {
                Ok(()) => Ok(()),
                // The first entry of the day: create the blob, then append.
                Err(error) if code_is(&error, StorageErrorCode::BlobNotFound) => {
                    self.create(&name).await.map_err(|e| not_stored(&e))?;
                    self.append_line(&name, &line)
                        .await
                        .map_err(|e| not_stored(&e))
                }
                Err(error) => Err(not_stored(&error)),
            }
        })
    }

    fn read_all(&self) -> BoxFuture<'_, Result<Vec<AuditEntry>, AuditLogError>> {
        Box::pin(async move {
            let mut entries = Vec::new();
            for name in self.names().await.map_err(|e| not_stored(&e))? {
                entries.extend(self.read_day(&name).await.map_err(|e| not_stored(&e))?);
            }
            Ok(entries)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_blob_per_utc_day() {
        assert_eq!(
            BlobAuditLog::blob_name("2026-11-28T10:53:51.123Z"),
            "audit/2026-11-28.jsonl"
        );
        assert_eq!(BlobAuditLog::blob_name("x"), "audit/unknown-day.jsonl");
    }
}
