//! What only the `halo-mcp` binary needs, kept out of the library (which the fuzz crate and the
//! tests link): the process allocator's tuning and the start-up banner.

pub mod allocator;
pub mod banner;
