//! halo-mcp: a stateless MCP server that lets Copilot Studio agents work in Halo ITSM / HaloPSA /
//! HaloServiceDesk as the signed-in Halo agent.
//!
//! Layout: [`config`] reads the environment, [`startup`] builds the axum app and [`edge`] serves
//! it with connection limits, [`mcp`] speaks the protocol and holds the tool registry, [`tools`]
//! implements the tools on top of the typed [`halo`] client, [`auth`] signs callers in,
//! [`secrets`] reads Key Vault, [`storage`] holds the state every instance shares, and
//! [`sandbox`] is a stateful stand-in for a Halo instance. Under the Functions host with
//! incomplete settings, [`unconfigured`] serves the explanation instead.

pub mod allocator;
pub mod audit;
pub mod auth;
pub mod azure;
pub mod banner;
pub mod config;
pub mod edge;
pub mod halo;
pub mod mcp;
pub mod sandbox;
pub mod secrets;
pub mod startup;
pub mod storage;
pub mod telemetry;
pub mod tools;
pub mod unconfigured;
