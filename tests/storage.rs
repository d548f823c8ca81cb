//! State shared across instances (issue 17) against Azurite, the Azure Storage emulator: two
//! halo-mcp processes on one Azurite and one Halo sandbox.

mod storage {
    mod azurite;
    mod shared;
    mod single_use;
}

#[path = "auth/helpers.rs"]
mod helpers;
#[path = "support/mod.rs"]
mod support;
