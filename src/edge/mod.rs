//! The listener in front of the routes: connection limits and timeouts that hold against a
//! hostile client (idle sockets, slowloris headers, stalled bodies, too many connections), and
//! request checks every route needs (one `Host` header).

pub mod listener;
pub mod single_host;

pub use listener::{ConnectionLimits, serve};
