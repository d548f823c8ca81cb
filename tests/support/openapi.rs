//! Halo's own OpenAPI document, read in place and never copied into the repository:
//! `$HALO_OPENAPI`, else `../shared/halo/openapi.json` next to the checkout (the workspace root,
//! found upward from whichever workspace crate runs the test). When it is absent
//! the checks that need it are skipped, saying why, unless `REQUIRE_HALO_OPENAPI=1` (CI) makes
//! absence a failure. Also how to look an operation up in it.

use std::path::PathBuf;

use serde_json::Value;

fn path() -> PathBuf {
    if let Some(path) = std::env::var_os("HALO_OPENAPI") {
        return PathBuf::from(path);
    }
    let manifest = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let beside = |dir: &std::path::Path| dir.join("../shared/halo/openapi.json");
    manifest
        .ancestors()
        .map(beside)
        .find(|candidate| candidate.exists())
        .unwrap_or_else(|| beside(manifest))
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

/// Whether a concrete path (`tickets/1001`) fits a template (`/Tickets/{id}`), ignoring case.
pub fn fits(template: &str, concrete: &str) -> bool {
    let t: Vec<&str> = template.trim_matches('/').split('/').collect();
    let c: Vec<&str> = concrete.trim_matches('/').split('/').collect();
    t.len() == c.len()
        && t.iter()
            .zip(&c)
            .all(|(t, c)| (t.starts_with('{') && t.ends_with('}')) || t.eq_ignore_ascii_case(c))
}

/// The operation for a method and concrete path; literal templates win over `{param}` ones
/// (`/Agent/me` over `/Agent/{id}`).
pub fn operation<'a>(
    spec: &'a Value,
    method: &str,
    concrete: &str,
) -> Option<(&'a str, &'a Value)> {
    let paths = spec["paths"].as_object()?;
    let mut found: Vec<(&str, &Value)> = paths
        .iter()
        .filter(|(p, _)| fits(p, concrete))
        .filter_map(|(p, item)| Some((p.as_str(), item.get(method.to_lowercase())?)))
        .collect();
    found.sort_by_key(|(p, _)| p.matches('{').count());
    found.into_iter().next()
}

/// The names of an operation's query parameters, lowercased.
pub fn query_params(op: &Value) -> Vec<String> {
    op["parameters"]
        .as_array()
        .map(|ps| {
            ps.iter()
                .filter(|p| p["in"] == "query")
                .filter_map(|p| p["name"].as_str().map(str::to_lowercase))
                .collect()
        })
        .unwrap_or_default()
}
