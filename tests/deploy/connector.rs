//! The Power Platform custom connector in connector/.
//!
//! Copilot Studio only discovers MCP tools through a connector whose single operation carries
//! `x-ms-agentic-protocol: mcp-streamable-1.0`; losing the extension, adding a second
//! operation or putting a scheme into `host` breaks discovery without an error message.

use serde_json::Value;

const METHODS: [&str; 7] = ["get", "put", "post", "delete", "options", "head", "patch"];

#[test]
fn the_connector_is_swagger_2_with_one_mcp_operation() {
    let swagger = crate::read_json("connector/apiDefinition.swagger.json");
    assert_eq!(
        swagger["swagger"], "2.0",
        "Power Platform imports Swagger 2.0 only"
    );

    let host = swagger["host"].as_str().expect("host string");
    assert!(!host.is_empty(), "host must be set");
    assert!(
        !host.contains("://") && !host.contains('/'),
        "host is a bare host name, without scheme or path: {host}"
    );
    assert_eq!(swagger["schemes"], serde_json::json!(["https"]));

    let paths = swagger["paths"].as_object().expect("paths object");
    let mut operations: Vec<(String, String, &Value)> = Vec::new();
    for (path, item) in paths {
        for method in METHODS {
            if let Some(op) = item.get(method) {
                operations.push((path.clone(), method.to_string(), op));
            }
        }
    }
    assert_eq!(operations.len(), 1, "exactly one operation: {operations:?}");
    let (path, method, op) = &operations[0];
    let base = swagger["basePath"].as_str().unwrap_or("/");
    let full = format!("{}{}", base.trim_end_matches('/'), path);
    assert_eq!(
        full, "/mcp",
        "the operation must hit /mcp exactly (not /mcp/)"
    );
    assert_eq!(method, "post");
    assert_eq!(op["x-ms-agentic-protocol"], "mcp-streamable-1.0");
    assert!(
        op["operationId"].is_string(),
        "operationId is required by the importer"
    );

    let definitions = swagger["securityDefinitions"]
        .as_object()
        .expect("securityDefinitions");
    let oauth = definitions
        .values()
        .find(|d| d["type"] == "oauth2")
        .expect("an oauth2 security definition");
    assert_eq!(oauth["flow"], "accessCode");
    let authorize = oauth["authorizationUrl"]
        .as_str()
        .expect("authorizationUrl");
    let token = oauth["tokenUrl"].as_str().expect("tokenUrl");
    assert!(authorize.ends_with("/oauth/authorize"), "{authorize}");
    assert!(token.ends_with("/oauth/token"), "{token}");
    assert!(
        authorize.contains(host) && token.contains(host),
        "the OAuth URLs must point at the same server as host"
    );
    assert!(
        swagger["security"]
            .as_array()
            .is_some_and(|s| !s.is_empty()),
        "security must require the oauth2 definition"
    );
}

#[test]
fn the_connector_properties_use_oauth_against_this_server() {
    let properties = crate::read_json("connector/apiProperties.json");
    let parameters = &properties["properties"]["connectionParameters"];
    let token = &parameters["token"];
    assert_eq!(token["type"], "oauthSetting");
    let settings = &token["oAuthSettings"];
    // The generic provider with templates: the plain "oauth2" provider refreshes without the
    // client secret, which the static client needs (connector/README.md, "Token refresh").
    assert_eq!(settings["identityProvider"], "oauth2generic");
    assert!(settings["clientId"].is_string());
    assert!(
        settings["redirectUrl"]
            .as_str()
            .is_some_and(|u| u.starts_with("https://global.consent.azure-apim.net/redirect")),
        "Power Platform's consent redirect"
    );
    let custom = &settings["customParameters"];
    let template = |name: &str| {
        custom[name]["value"]
            .as_str()
            .unwrap_or_else(|| panic!("customParameters.{name}"))
            .to_string()
    };
    assert!(template("authorizationUrlTemplate").ends_with("/oauth/authorize"));
    assert!(template("tokenUrlTemplate").ends_with("/oauth/token"));
    assert!(template("refreshUrlTemplate").ends_with("/oauth/token"));
    for (name, grant) in [
        ("tokenBodyTemplate", "grant_type=authorization_code"),
        ("refreshBodyTemplate", "grant_type=refresh_token"),
    ] {
        let body = template(name);
        for needed in [
            grant,
            "client_id={ClientId}",
            "client_secret={ClientSecret}",
        ] {
            assert!(body.contains(needed), "{name} lacks {needed}: {body}");
        }
    }
    assert!(template("refreshBodyTemplate").contains("refresh_token={RefreshToken}"));
    assert!(template("authorizationUrlQueryStringTemplate").contains("state={State}"));
}
