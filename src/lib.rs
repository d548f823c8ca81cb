//! halo-mcp: a stateless MCP server that lets Copilot Studio agents work in Halo ITSM / HaloPSA /
//! HaloServiceDesk as the signed-in Halo agent.
//!
//! Layout: [`config`] reads the environment, [`startup`] builds the axum app and [`edge`] serves
//! it with connection limits, [`mcp`] speaks the protocol and holds the tool registry, [`tools`]
//! implements the tools on top of the typed [`halo`] client, [`auth`] signs callers in,
//! [`secrets`] reads Key Vault, and [`storage`] holds the state every instance shares. Under the
//! Functions host with incomplete settings, [`unconfigured`] serves the explanation instead. The
//! Halo sandbox is its own crate (`halo-sandbox`), which only [`startup`] runs (feature
//! `embedded-sandbox`); the banner and allocator tuning belong to the binary (`src/bin_support`).

pub mod audit;
pub mod auth;
pub mod azure;
pub mod config;
pub mod edge;
pub mod halo;
pub mod mcp;
#[cfg(test)]
mod one_edit;
pub mod secrets;
pub mod startup;
pub mod storage;
pub mod telemetry;
pub mod tools;
pub mod unconfigured;
