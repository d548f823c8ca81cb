//! The Azure Functions host contract: host.json and function-definitions/.
//!
//! The host reads these before our binary runs, so a wrong key only shows up after a deploy
//! (a 404 on every route, `/api` in front of `/mcp`, or keys demanded from Copilot Studio).

use serde_json::Value;

#[test]
fn host_json_is_the_classic_custom_handler_form() {
    let host = crate::read_json("host.json");
    assert_eq!(host["version"], "2.0", "host.json version");
    assert_eq!(
        host["customHandler"]["description"]["defaultExecutablePath"], "handler",
        "the package ships the binary as `handler` at the app root"
    );
    assert_eq!(
        host["customHandler"]["enableProxyingHttpRequest"], true,
        "proxying (YARP) streams requests unchanged; the legacy forwarding drops chunked bodies"
    );
    assert_eq!(
        host["extensions"]["http"]["routePrefix"], "",
        "without an empty routePrefix every URL gets /api and /.well-known moves"
    );
    // The host throws when function.json files and generated routes (profile or
    // customHandler.http.routes) both exist; we ship function.json, so neither may appear.
    assert!(
        host.get("configurationProfile").is_none(),
        "configurationProfile and function.json together make the host refuse to start"
    );
    assert!(
        host["customHandler"]["http"]["routes"].is_null(),
        "customHandler.http.routes conflicts with function.json"
    );
    assert!(
        host.get("httpWorker").is_none(),
        "httpWorker is the legacy name; customHandler wins and the host warns"
    );
    assert!(
        host.get("extensionBundle").is_none(),
        "HTTP is built in; a bundle only adds start-up time"
    );
}

fn function_definitions() -> Vec<(String, Value)> {
    let dir = crate::repo_root().join("function-definitions");
    let mut out = Vec::new();
    for entry in std::fs::read_dir(&dir).expect("function-definitions/ exists") {
        let path = entry.expect("directory entry").path();
        let json = path.join("function.json");
        if json.is_file() {
            let name = path
                .file_name()
                .expect("folder name")
                .to_string_lossy()
                .to_string();
            let relative = format!("function-definitions/{name}/function.json");
            out.push((name, crate::read_json(&relative)));
        }
    }
    assert!(
        !out.is_empty(),
        "no function.json under function-definitions/"
    );
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

#[test]
fn the_mcp_function_is_an_anonymous_catch_all_http_trigger() {
    let functions = function_definitions();
    let names: Vec<&str> = functions.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["mcp"], "exactly one function, `mcp`");
    let bindings = functions[0].1["bindings"]
        .as_array()
        .expect("bindings array");
    assert_eq!(
        bindings.len(),
        2,
        "only HTTP in + HTTP out: any other binding disables proxying"
    );
    let trigger = bindings
        .iter()
        .find(|b| b["type"] == "httpTrigger")
        .expect("an httpTrigger binding");
    assert_eq!(trigger["direction"], "in");
    assert_eq!(
        trigger["authLevel"], "anonymous",
        "halo-mcp authenticates callers itself; a function key would break Copilot Studio"
    );
    assert_eq!(trigger["route"], "{*path}", "catch-all route");
    let methods: Vec<&str> = trigger["methods"]
        .as_array()
        .expect("methods array")
        .iter()
        .map(|m| m.as_str().expect("method string"))
        .collect();
    for required in ["get", "post", "delete", "options"] {
        assert!(
            methods.contains(&required),
            "{required} must reach the handler (it answers 405/CORS itself)"
        );
    }
    let output = bindings
        .iter()
        .find(|b| b["direction"] == "out")
        .expect("an output binding");
    assert_eq!(output["type"], "http");
    assert_eq!(output["name"], "res");
}

#[test]
fn no_route_collides_with_the_hosts_built_in_routes() {
    for (name, function) in function_definitions() {
        assert!(
            !name.starts_with("admin") && !name.starts_with("runtime"),
            "function name {name} is reserved by the host"
        );
        for binding in function["bindings"].as_array().into_iter().flatten() {
            if let Some(route) = binding["route"].as_str() {
                let lower = route.to_ascii_lowercase();
                assert!(
                    !lower.starts_with("admin") && !lower.starts_with("runtime"),
                    "route {route} conflicts with the host's built-in routes"
                );
            }
        }
    }
}

#[test]
fn azd_deploys_the_zip_that_package_sh_writes() {
    // azure.yaml is YAML, but the three lines that matter are fixed strings; a YAML parser
    // would add a dependency for no extra certainty.
    let azure = crate::read_text("azure.yaml");
    for required in [
        "host: function",
        "language: custom",
        "dist: dist/halo-mcp.zip",
        "run: bash scripts/package.sh",
    ] {
        assert!(
            azure.contains(required),
            "azure.yaml must contain `{required}`"
        );
    }
    let script = crate::read_text("scripts/package.sh");
    assert!(
        script.contains("out=\"$repo_root/dist/halo-mcp.zip\""),
        "package.sh's default output must be what azure.yaml deploys"
    );
}
