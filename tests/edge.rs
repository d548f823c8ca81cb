//! The HTTP edge against a hostile client (issue 12): connection timeouts and the connection
//! cap under a small open-file limit, request checks (repeated Host, malformed tool calls), a
//! 413 a write-first client can read, halo-token validation that junk bearers cannot use to
//! spend the Halo budget, Halo's Retry-After and 500s on writes, and log lines nobody can forge.

#[path = "support/mod.rs"]
mod support;

mod edge {
    mod body_limit;
    mod connections;
    mod halo_faults;
    mod halo_token;
    mod log_filter;
    mod logs;
    mod requests;
}
