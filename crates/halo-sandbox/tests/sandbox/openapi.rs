//! Every path and query parameter the sandbox serves must exist in Halo's OpenAPI document, read
//! in place (never copied into the repository). Skipped, saying why, when the document is absent
//! — unless `REQUIRE_HALO_OPENAPI=1` (CI), which makes absence a failure.

use halo_sandbox::{RouteArea, observed_params, served_routes};
use serde_json::Value;

/// Path segments, lowercased, with every `{template}` reduced to `{}`.
fn shape(path: &str) -> Vec<String> {
    path.trim_matches('/')
        .split('/')
        .map(|s| {
            if s.starts_with('{') && s.ends_with('}') {
                "{}".to_string()
            } else {
                s.to_lowercase()
            }
        })
        .collect()
}

#[test]
fn served_routes_exist_in_halo_openapi() {
    let Some(spec) = crate::support::openapi::halo_openapi() else {
        return;
    };
    let paths = spec["paths"].as_object().expect("paths object");
    let mut problems = Vec::new();
    let api_routes: Vec<_> = served_routes()
        .into_iter()
        .filter(|r| r.area == RouteArea::Api)
        .collect();
    assert!(api_routes.len() > 30);
    for route in api_routes {
        let want = shape(route.path);
        // Several templates can share a shape (`/Automation/{id}`, `/Automation/{runbookId}`).
        let candidates: Vec<&Value> = paths
            .iter()
            .filter(|(p, _)| shape(p) == want)
            .map(|(_, v)| v)
            .collect();
        if candidates.is_empty() {
            problems.push(format!(
                "{} {}: path not in the OpenAPI document",
                route.method, route.path
            ));
            continue;
        }
        let Some(op) = candidates
            .iter()
            .find_map(|item| item.get(route.method.to_lowercase()))
        else {
            problems.push(format!(
                "{} {}: method not in the OpenAPI document",
                route.method, route.path
            ));
            continue;
        };
        let known = crate::support::openapi::query_params(op);
        for q in &route.query_params {
            if !known.contains(&q.to_lowercase()) {
                problems.push(format!(
                    "{} {}: query parameter '{q}' not in the OpenAPI document",
                    route.method, route.path
                ));
            }
        }
    }
    // Parameters honoured without being in the document must stay out of it (else they belong
    // in `served_routes`) and carry the evidence that real Halo answers to them.
    for (method, path, param, evidence) in observed_params() {
        let op = paths
            .iter()
            .filter(|(p, _)| shape(p) == shape(path))
            .find_map(|(_, v)| v.get(method.to_lowercase()));
        let Some(op) = op else {
            problems.push(format!(
                "{method} {path}: observed parameter on an unknown route"
            ));
            continue;
        };
        let documented = op["parameters"]
            .as_array()
            .is_some_and(|ps| ps.iter().any(|p| p["name"].as_str() == Some(param)));
        if documented || evidence.trim().is_empty() {
            problems.push(format!(
                "{method} {path}: '{param}' is documented or lacks evidence; move it to served_routes"
            ));
        }
    }
    assert!(
        problems.is_empty(),
        "routes not backed by Halo's OpenAPI document:\n{}",
        problems.join("\n")
    );
}

#[tokio::test]
async fn every_served_route_is_routed() {
    let sb = super::common::start().await;
    for route in served_routes() {
        let prefix = match route.area {
            RouteArea::Api => "api",
            RouteArea::Auth => "auth",
        };
        let path = route
            .path
            .replace("{id}", "1")
            .replace("{runbookId}", halo_sandbox::demo::RESET_PASSWORD_RUNBOOK_ID);
        let url = sb.url().join(&format!("{prefix}{path}")).expect("url");
        let method = reqwest::Method::from_bytes(route.method.as_bytes()).expect("method");
        let r = super::common::http()
            .request(method, url)
            .send()
            .await
            .expect("send");
        let body = r.text().await.unwrap_or_default();
        assert!(
            !body.starts_with("No resource at"),
            "{} {} is not routed",
            route.method,
            route.path
        );
    }
}
