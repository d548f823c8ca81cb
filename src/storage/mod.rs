//! State shared by every instance of the function app, in a blob container on the app's own
//! storage account (issue 17). `MCP_STATE_CONTAINER_URL` names the container; unset (local runs,
//! the embedded sandbox) everything stays in memory and holds within one process.
//!
//! What lives there: the single-use records of authorization codes and sign-in states
//! ([`BlobSingleUse`]), the Halo budget every instance draws from ([`SharedBudget`]) and the
//! audit log of writes ([`BlobAuditLog`]). docs/deploy.md says how long entries live and what
//! they cost.

mod audit_blob;
mod budget_blob;
mod container;
pub mod lease;
pub mod shared_budget;
mod single_use;

pub use audit_blob::{AUDIT_PREFIX, BlobAuditLog};
pub use budget_blob::{BUDGET_PREFIX, BlobLeaseStore};
pub use container::{StateContainer, StorageOptions, container_client};
pub use shared_budget::{BudgetSettings, SharedBudget};
pub use single_use::{BLOB_PREFIX, BlobSingleUse};
