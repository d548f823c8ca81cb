//! Typed client for the Halo REST API (`/api/...`) and Halo's OAuth token endpoint.
//!
//! Everything that knows how Halo speaks lives here: envelopes and paging, POST-as-array upserts,
//! error bodies, the rolling-window rate limit, tokens, and cached name lookups. Tools call this
//! module; it never calls tools.

pub mod budget;
#[cfg(test)]
mod budget_tests;
pub mod client;
pub mod credentials;
pub mod dates;
pub mod envelope;
pub mod error;
pub mod lookups;
#[cfg(test)]
mod outcome_tests;
pub mod query;
pub mod rate_limit;
pub mod records;
pub mod retry_after;
mod secret;
pub mod text;
pub mod token_endpoint;

pub use budget::CallBudget;
pub use client::{HaloClient, HaloClientOptions, HaloSession};
pub use credentials::{ClientCredentials, HaloCredential};
pub use envelope::Page;
pub use error::{HaloError, InFlight, NotSent, Rejection};
pub use lookups::{LookupCache, LookupKind, Named};
pub use query::PageRequest;
