//! What a tool call gets to work with: a Halo session with the caller's credentials and the
//! shared name-lookup cache.

use std::sync::Arc;

use crate::halo::{HaloSession, LookupCache};

#[derive(Clone)]
pub struct CallContext {
    pub halo: HaloSession,
    pub lookups: Arc<LookupCache>,
}
