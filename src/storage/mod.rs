//! State shared by every instance of the function app, in a blob container on the app's own
//! storage account (issue 17). `MCP_STATE_CONTAINER_URL` names the container; unset (local runs,
//! the embedded sandbox) everything stays in memory and holds within one process.
//!
//! What lives there today: the single-use records of authorization codes and sign-in states
//! ([`BlobSingleUse`]). docs/deploy.md says how long entries live and what they cost.

mod container;
mod single_use;

pub use container::{StateContainer, StorageOptions, container_client};
pub use single_use::{BLOB_PREFIX, BlobSingleUse};
