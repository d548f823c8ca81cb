//! Deployment and packaging checks (issue 7; issue 2 items 5 and 6; issue 16), run with
//! `cargo test --test deploy`. Nothing here needs Azure or the network: the Azure Functions
//! layout, the Bicep templates, the app-settings contract with `src/config.rs`, the local
//! `func start` settings and the Power Platform connector are all checked from the files.

#[path = "deploy/azd.rs"]
mod azd;
#[path = "deploy/bicep.rs"]
mod bicep;
#[path = "deploy/connector.rs"]
mod connector;
#[path = "deploy/functions.rs"]
mod functions;
#[path = "deploy/infra.rs"]
mod infra;
#[path = "deploy/operations.rs"]
mod operations;
#[path = "deploy/package.rs"]
mod package;
#[path = "deploy/parity.rs"]
mod parity;
#[path = "deploy/settings.rs"]
mod settings;

use std::path::{Path, PathBuf};

/// The repository root; tests read the real files, never copies.
pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn read_text(relative: &str) -> String {
    let path = repo_root().join(relative);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

pub fn read_json(relative: &str) -> serde_json::Value {
    serde_json::from_str(&read_text(relative))
        .unwrap_or_else(|e| panic!("{relative} is not valid JSON: {e}"))
}

/// Every `.bicep` file under `infra/`, sorted so failures are reported in a stable order.
pub fn bicep_files() -> Vec<PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        let entries =
            std::fs::read_dir(dir).unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()));
        for entry in entries {
            let path = entry.expect("directory entry").path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "bicep") {
                out.push(path);
            }
        }
    }
    let mut files = Vec::new();
    walk(&repo_root().join("infra"), &mut files);
    files.sort();
    assert!(!files.is_empty(), "no .bicep files under infra/");
    files
}
