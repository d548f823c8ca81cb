//! The configuration contract between src/config.rs and the deployment files.
//!
//! `halo_mcp::config::SETTINGS` is the one list of variables the server reads. The Bicep app
//! settings and local.settings.example.json must cover exactly that list, so adding a variable
//! without deploying it (or deploying a variable nobody reads) fails here, not in production.

use std::collections::{BTreeSet, HashMap};

use halo_mcp::config::{AuthMode, Config, Env, SETTINGS};

use crate::bicep::Bicep;

/// Names the platform owns; operators never set them and config.rs marks them `platform`.
fn is_platform(name: &str) -> bool {
    [
        "AzureWebJobs",
        "APPLICATIONINSIGHTS_",
        "FUNCTIONS_",
        "WEBSITE_",
    ]
    .iter()
    .any(|prefix| name.starts_with(prefix))
}

/// Settings an operator sets on Azure: every non-platform variable except the local-only ones.
fn expected_on_azure() -> BTreeSet<String> {
    SETTINGS
        .iter()
        .filter(|s| !s.is_platform() && !s.is_local_only())
        .map(|s| s.name.to_string())
        .collect()
}

/// (operator settings from main.bicep, platform settings from the function app module)
fn bicep_settings() -> (Vec<String>, Vec<String>) {
    let main = Bicep::open("infra/main.bicep");
    let app = main.object_keys(main.variable_object("appSettings"));
    let module = Bicep::open("infra/modules/functionapp.bicep");
    let platform = module.object_keys(module.variable_object("platformSettings"));
    // The two objects only count if they are what the site actually receives.
    assert!(
        module
            .source
            .contains("items(union(platformSettings, appSettings))"),
        "functionapp.bicep must set siteConfig.appSettings from union(platformSettings, appSettings)"
    );
    assert!(
        main.source.contains("appSettings: appSettings"),
        "main.bicep must pass `var appSettings` to the function app module"
    );
    (app, platform)
}

fn diff(left: &BTreeSet<String>, right: &BTreeSet<String>) -> String {
    let missing: Vec<_> = right.difference(left).collect();
    let extra: Vec<_> = left.difference(right).collect();
    format!("missing: {missing:?}, unexpected: {extra:?}")
}

#[test]
fn bicep_app_settings_are_exactly_the_variables_config_reads() {
    let (app, platform) = bicep_settings();
    let unique: BTreeSet<String> = app.iter().cloned().collect();
    assert_eq!(
        unique.len(),
        app.len(),
        "duplicate key in main.bicep appSettings"
    );

    let mut all: BTreeSet<String> = unique.clone();
    all.extend(platform.iter().cloned());
    let operator: BTreeSet<String> = all.iter().filter(|n| !is_platform(n)).cloned().collect();
    let expected = expected_on_azure();
    assert_eq!(
        operator,
        expected,
        "Bicep app settings vs config::SETTINGS (non-platform, minus local-only): {}",
        diff(&operator, &expected)
    );
    for name in &platform {
        assert!(
            is_platform(name),
            "{name} is not a platform setting; put it in main.bicep appSettings"
        );
    }
}

#[test]
fn bicep_sets_secret_names_never_secret_values() {
    let (app, platform) = bicep_settings();
    for name in app.iter().chain(&platform) {
        assert!(
            !SETTINGS
                .iter()
                .any(|s| s.is_local_only() && s.name == name.as_str()),
            "{name} is local-only (a plain secret or a local knob) and must not be deployed"
        );
        let words: Vec<&str> = name.split('_').collect();
        let secretish =
            words.contains(&"SECRET") || words.last().is_some_and(|w| *w == "KEY" || *w == "KEYS");
        assert!(
            !secretish || name.ends_with("_NAME"),
            "{name} looks like a secret value; deploy the Key Vault secret name instead"
        );
    }
}

#[test]
fn bicep_platform_settings_suit_flex_consumption() {
    let (_, platform) = bicep_settings();
    // Per-service URIs with the managed identity, as Microsoft's Flex templates set them: they
    // come from the account, so they are right in every cloud (the account-name form assumes
    // the public cloud's suffixes).
    for needed in [
        "AzureWebJobsStorage__blobServiceUri",
        "AzureWebJobsStorage__queueServiceUri",
        "AzureWebJobsStorage__tableServiceUri",
        "AzureWebJobsStorage__credential",
    ] {
        assert!(
            platform.iter().any(|n| n == needed),
            "identity-based host storage needs {needed}"
        );
    }
    for forbidden in [
        // Flex Consumption rejects these; functionAppConfig.runtime replaces them.
        "FUNCTIONS_WORKER_RUNTIME",
        "FUNCTIONS_EXTENSION_VERSION",
        "WEBSITE_RUN_FROM_PACKAGE",
        "WEBSITE_CONTENTAZUREFILECONNECTIONSTRING",
        // A connection string means shared keys, which the storage account disables.
        "AzureWebJobsStorage",
        // Replaced by the per-service URIs.
        "AzureWebJobsStorage__accountName",
    ] {
        assert!(
            !platform.iter().any(|n| n == forbidden),
            "{forbidden} must not be set on Flex Consumption"
        );
    }
    // The preview flag belongs to the `mcp-custom-handler` configuration profile only; we use
    // the classic host.json + function.json form, so flag and profile must agree.
    let host = crate::read_json("host.json");
    let uses_profile = host.get("configurationProfile").is_some();
    let has_flag = platform.iter().any(|n| n == "AzureWebJobsFeatureFlags");
    assert_eq!(
        uses_profile, has_flag,
        "AzureWebJobsFeatureFlags=EnableMcpCustomHandlerPreview goes with configurationProfile"
    );
}

fn local_values() -> serde_json::Map<String, serde_json::Value> {
    let local = crate::read_json("local.settings.example.json");
    assert_eq!(
        local["IsEncrypted"], false,
        "func start needs IsEncrypted: false"
    );
    local["Values"]
        .as_object()
        .expect("local.settings.example.json has a Values object")
        .clone()
}

#[test]
fn local_settings_example_lists_every_setting_and_runs_the_sandbox() {
    let values = local_values();
    assert!(
        values["FUNCTIONS_WORKER_RUNTIME"]
            .as_str()
            .is_some_and(|v| v.eq_ignore_ascii_case("custom")),
        "FUNCTIONS_WORKER_RUNTIME must be custom"
    );
    for (name, value) in &values {
        assert!(
            value.is_string(),
            "{name}: func start only accepts string values"
        );
    }
    let listed: BTreeSet<String> = values.keys().filter(|n| !is_platform(n)).cloned().collect();
    let declared: BTreeSet<String> = SETTINGS
        .iter()
        .filter(|s| !s.is_platform())
        .map(|s| s.name.to_string())
        .collect();
    assert_eq!(
        listed,
        declared,
        "local.settings.example.json Values vs config::SETTINGS: {}",
        diff(&listed, &declared)
    );
    for name in values.keys().filter(|n| is_platform(n)) {
        assert!(
            ["FUNCTIONS_WORKER_RUNTIME", "AzureWebJobsStorage"].contains(&name.as_str()),
            "{name}: the platform sets this; leave it out of local settings"
        );
    }
    assert_eq!(values["HALO_URL"], "", "no HALO_URL: the embedded sandbox");
    assert_eq!(
        values["MCP_AUTH_MODE"], "none",
        "the sandbox runs without sign-in locally"
    );
    for name in SETTINGS
        .iter()
        .filter(|s| s.is_local_only())
        .map(|s| s.name)
        .filter(|n| n.contains("SECRET") || n.contains("KEY"))
    {
        assert_eq!(
            values[name], "",
            "{name}: an example file must not carry a secret"
        );
    }
}

/// The environment `func start` gives the handler: the Values plus what the host adds.
fn func_start_env(extra: &[(&str, &str)]) -> Env {
    let mut vars: HashMap<String, String> = local_values()
        .into_iter()
        .map(|(k, v)| (k, v.as_str().unwrap_or_default().to_string()))
        .collect();
    vars.insert("FUNCTIONS_CUSTOMHANDLER_PORT".into(), "41234".into());
    for (k, v) in extra {
        vars.insert((*k).into(), (*v).into());
    }
    Env::from_map(vars)
}

#[test]
fn local_settings_example_is_a_valid_configuration() {
    let config = Config::load(&func_start_env(&[])).expect("local settings load");
    assert!(config.embedded_sandbox());
    assert_eq!(config.auth.mode, AuthMode::None);
    assert!(config.listen.ip().is_loopback());
    assert_eq!(config.mcp_url(), "http://localhost:7071/mcp");
}

#[test]
fn local_settings_example_loads_under_func_start() {
    // Core Tools' StartHostAction adds WEBSITE_HOSTNAME=<listen authority> to the environment.
    let env = func_start_env(&[("WEBSITE_HOSTNAME", "localhost:7071")]);
    let config = Config::load(&env).expect("local settings load under func start");
    assert_eq!(config.auth.mode, AuthMode::None);
    assert_eq!(config.mcp_url(), "http://localhost:7071/mcp");
}
