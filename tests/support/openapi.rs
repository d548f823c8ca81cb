//! Halo's own OpenAPI document, read in place and never copied into the repository:
//! `$HALO_OPENAPI`, else `../shared/halo/openapi.json` next to the checkout. When it is absent
//! the checks that need it are skipped, saying why, unless `REQUIRE_HALO_OPENAPI=1` (CI) makes
//! absence a failure.

use std::path::PathBuf;

use serde_json::Value;

fn path() -> PathBuf {
    std::env::var_os("HALO_OPENAPI")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/halo/openapi.json")
        })
}

/// The parsed document, or `None` (after saying the check was skipped) when it is absent.
pub fn halo_openapi() -> Option<Value> {
    let path = path();
    match std::fs::read_to_string(&path) {
        Ok(text) => Some(serde_json::from_str(&text).expect("openapi.json parses")),
        Err(_) if std::env::var("REQUIRE_HALO_OPENAPI").as_deref() == Ok("1") => {
            panic!("{} not found and REQUIRE_HALO_OPENAPI=1", path.display())
        }
        Err(_) => {
            println!(
                "skipped: {} not found (set HALO_OPENAPI to Halo's openapi.json to run this check)",
                path.display()
            );
            None
        }
    }
}
