//! A faithful, stateful stand-in for a Halo instance (REST API under `/api`, OAuth under `/auth`),
//! run in-process by a host (an embedded default backend, integration tests), or on its own by the
//! `halo-sandbox` binary. It plays Halo and knows nothing of its callers. See `docs/sandbox.md`.

mod actions;
mod assets;
mod authz;
mod automation;
pub mod cli;
pub mod demo;
mod demo_applications;
mod demo_assets;
mod demo_kb;
mod demo_tickets;
mod directory;
mod envelope;
mod errors;
mod faults;
mod kb;
mod matches;
pub mod model;
mod oauth;
mod params;
mod rate_limit;
mod reports;
mod request_log;
mod routes;
mod server;
mod services;
mod signin_page;
mod similarity;
mod store;
mod ticket_filter;
mod tickets;
mod timesheets;
mod wire_dates;

pub use demo_applications::{DemoApplication, DemoApplications, DemoSignIn};
pub use envelope::MAX_PAGE_SIZE;
pub use faults::{Fault, FaultInjector, FaultKind};
pub use oauth::pkce_challenge;
pub use rate_limit::RateLimit;
pub use request_log::LoggedRequest;
pub use routes::{RouteArea, ServedRoute, observed_params, served_routes};
pub use server::{Sandbox, router};
pub use store::{Data, SandboxOptions, SandboxState, StoreError};
