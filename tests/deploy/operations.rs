//! Issue 16: what a real deployment needs beyond the resources themselves — scale bounds Flex
//! accepts, Key Vault settings that survive a teardown, the storage roles and URIs the host
//! uses, logs and alerts, optional network isolation, and the host.json logging that keeps
//! successful requests in Application Insights.

use crate::bicep::Bicep;

const STORAGE_QUEUE_DATA_CONTRIBUTOR: &str = "974c5e8b-45b9-4653-ba55-5f855dd0fb88";
const STORAGE_TABLE_DATA_CONTRIBUTOR: &str = "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3";

fn bounds(file: &Bicep, param: &str) -> (Option<i64>, Option<i64>) {
    (
        file.param_bound(param, "minValue"),
        file.param_bound(param, "maxValue"),
    )
}

#[test]
fn scale_parameters_have_the_bounds_flex_consumption_accepts() {
    let main = Bicep::open("infra/main.bicep");
    let module = Bicep::open("infra/modules/functionapp.bicep");
    for file in [&main, &module] {
        // Flex's stacks API: lowest maximum 40, highest 1000.
        assert_eq!(
            bounds(file, "maximumInstanceCount"),
            (Some(40), Some(1000)),
            "{}: maximumInstanceCount",
            file.name
        );
        assert_eq!(
            bounds(file, "alwaysReady"),
            (Some(0), Some(1)),
            "{}: alwaysReady is 0 or 1",
            file.name
        );
        assert_eq!(
            bounds(file, "perInstanceConcurrency"),
            (Some(1), Some(1000)),
            "{}: perInstanceConcurrency",
            file.name
        );
        assert!(
            file.param_decorators("instanceMemoryMB")
                .iter()
                .any(|d| d == "allowed([512, 2048, 4096])"),
            "{}: instanceMemoryMB takes Flex's sizes",
            file.name
        );
        assert_eq!(
            file.param_type("zoneRedundant").as_deref(),
            Some("bool"),
            "{}",
            file.name
        );
    }
    let max = main
        .param_default("maximumInstanceCount")
        .and_then(|d| d.parse::<i64>().ok());
    assert!(max.is_some_and(|m| (40..=1000).contains(&m)));
    let concurrency = main.param_default("perInstanceConcurrency");
    assert_eq!(
        concurrency,
        module.param_default("perInstanceConcurrency"),
        "one default, measured in docs/PERFORMANCE.md"
    );
    let performance = crate::read_text("docs/PERFORMANCE.md");
    let concurrency = concurrency.expect("a default");
    assert!(
        performance.contains(&format!("perInstanceConcurrency={concurrency}"))
            || performance.contains(&format!("perInstanceConcurrency = {concurrency}")),
        "docs/PERFORMANCE.md must record the measurement behind perInstanceConcurrency={concurrency}"
    );

    let site = module
        .resources_of("Microsoft.Web/sites")
        .into_iter()
        .next()
        .expect("site");
    let scale = "properties.functionAppConfig.scaleAndConcurrency";
    let get = |path: &str| module.get_path(site.body, &format!("{scale}.{path}"));
    assert_eq!(
        get("triggers.http.perInstanceConcurrency").as_deref(),
        Some("perInstanceConcurrency")
    );
    assert_eq!(
        get("maximumInstanceCount").as_deref(),
        Some("maximumInstanceCount")
    );
    assert_eq!(get("instanceMemoryMB").as_deref(), Some("instanceMemoryMB"));
    assert_eq!(
        get("alwaysReady").as_deref(),
        Some("alwaysReady > 0 ? alwaysReadyHttp : []"),
        "alwaysReady feeds scaleAndConcurrency.alwaysReady"
    );
    assert!(
        module
            .source
            .contains("name: 'http'\n    instanceCount: alwaysReady"),
        "for the http group"
    );
    let plan = module
        .resources_of("Microsoft.Web/serverfarms")
        .into_iter()
        .next()
        .expect("plan");
    assert_eq!(
        module
            .get_path(plan.body, "properties.zoneRedundant")
            .as_deref(),
        Some("zoneRedundant")
    );
    for param in [
        "instanceMemoryMB",
        "maximumInstanceCount",
        "perInstanceConcurrency",
        "alwaysReady",
        "zoneRedundant",
    ] {
        assert!(
            main.source.contains(&format!("    {param}: {param}\n")),
            "main.bicep must pass {param} to the function app module"
        );
    }
}

#[test]
fn key_vault_survives_a_teardown_and_purge_protection_is_a_parameter() {
    let main = Bicep::open("infra/main.bicep");
    assert_eq!(
        main.param_type("keyVaultPurgeProtection").as_deref(),
        Some("bool")
    );
    assert_eq!(
        main.param_default("keyVaultPurgeProtection").as_deref(),
        Some("true"),
        "production is the default"
    );
    assert!(
        main.param_decorators("keyVaultCreateMode")
            .iter()
            .any(|d| d.contains("'recover'")),
        "a documented recover path"
    );
    // The generated name changes with the salt azd's postdown hook sets, and stays what it was
    // without one (an existing vault is kept).
    assert!(main.source.contains("keyVaultNameSalt)"));
    assert!(
        main.source
            .contains("var vaultToken = empty(keyVaultNameSalt) ? resourceToken : saltedToken")
    );

    let vault_module = Bicep::open("infra/modules/keyvault.bicep");
    let vault = vault_module
        .resources_of("Microsoft.KeyVault/vaults")
        .into_iter()
        .next()
        .expect("vault");
    assert_eq!(
        vault_module
            .get_path(vault.body, "properties.enablePurgeProtection")
            .as_deref(),
        Some("enablePurgeProtection ? true : null"),
        "ARM rejects false on a protected vault; off must be null"
    );
    assert_eq!(
        vault_module
            .get_path(vault.body, "properties.createMode")
            .as_deref(),
        Some("createMode")
    );

    let azure = crate::read_text("azure.yaml");
    assert!(azure.contains("postdown:") && azure.contains("scripts/azd/postdown.sh"));
    let postdown = crate::read_text("scripts/azd/postdown.sh");
    assert!(postdown.contains("azd env set KEY_VAULT_NAME_SALT"));
}

#[test]
fn the_app_identity_gets_the_storage_roles_of_microsofts_templates() {
    let file = Bicep::open("infra/modules/roles.bicep");
    for (role, what) in [
        (
            STORAGE_QUEUE_DATA_CONTRIBUTOR,
            "Storage Queue Data Contributor",
        ),
        (
            STORAGE_TABLE_DATA_CONTRIBUTOR,
            "Storage Table Data Contributor",
        ),
    ] {
        let variable = file
            .source
            .lines()
            .find_map(|l| {
                let rest = l.trim().strip_prefix("var ")?;
                let (name, value) = rest.split_once('=')?;
                (value.trim() == format!("'{role}'")).then(|| name.trim().to_string())
            })
            .unwrap_or_else(|| panic!("{what} ({role}) is not declared"));
        let assigned = file
            .resources_of("Microsoft.Authorization/roleAssignments")
            .iter()
            .any(|a| {
                file.get_path(a.body, "scope").as_deref() == Some("storage")
                    && file.get_path(a.body, "properties.principalId").as_deref()
                        == Some("appPrincipalId")
                    && file.get_path(a.body, "properties.principalType").as_deref()
                        == Some("ServicePrincipal")
                    && file
                        .get_path(a.body, "properties.roleDefinitionId")
                        .is_some_and(|d| d.contains(&variable))
            });
        assert!(assigned, "{what} on host storage for the app identity");
    }
}

#[test]
fn the_secrets_officer_principal_type_comes_from_azd() {
    let parameters = crate::read_json("infra/main.parameters.json");
    assert_eq!(
        parameters["parameters"]["secretsOfficerPrincipalType"]["value"],
        "${AZURE_PRINCIPAL_TYPE=User}",
        "azd provision by a service principal fails with UnmatchedPrincipalType otherwise"
    );
    assert_eq!(
        parameters["parameters"]["secretsOfficerPrincipalId"]["value"],
        "${AZURE_PRINCIPAL_ID=}"
    );
}

#[test]
fn logs_go_to_log_analytics_and_alerts_watch_5xx_rate_and_halo_rate_limits() {
    let app = Bicep::open("infra/modules/functionapp.bicep");
    let vault = Bicep::open("infra/modules/keyvault.bicep");
    for (file, category, scope) in [
        (&app, "FunctionAppLogs", "site"),
        (&vault, "AuditEvent", "vault"),
    ] {
        let settings = file.resources_of("Microsoft.Insights/diagnosticSettings");
        assert!(
            settings.iter().any(|d| {
                file.get_path(d.body, "scope").as_deref() == Some(scope)
                    && file.get_path(d.body, "properties.workspaceId").as_deref()
                        == Some("logAnalyticsWorkspaceId")
                    && file
                        .text(d.body)
                        .contains(&format!("category: '{category}'"))
            }),
            "{}: diagnostic setting sending {category} to Log Analytics",
            file.name
        );
    }
    let main = Bicep::open("infra/main.bicep");
    assert_eq!(
        main.source
            .matches("logAnalyticsWorkspaceId: monitoring.outputs.logAnalyticsId")
            .count(),
        2,
        "main.bicep passes the workspace to the function app and the vault"
    );

    let alerts = Bicep::open("infra/modules/alerts.bicep");
    let rules = alerts.resources_of("Microsoft.Insights/scheduledQueryRules");
    let query = |needle: &str| {
        rules.iter().any(|r| {
            alerts.text(r.body).contains(needle) && alerts.text(r.body).contains("actions: actions")
        })
    };
    assert!(
        query("countif(toint(resultCode) >= 500)"),
        "an alert on the share of 5xx answers"
    );
    assert!(
        query("halo_rate_limited"),
        "an alert on Halo rate-limit refusals"
    );
    let web_tests = alerts.resources_of("Microsoft.Insights/webtests");
    assert_eq!(web_tests.len(), 1, "an availability test");
    assert!(
        alerts
            .text(web_tests[0].body)
            .contains("RequestUrl: healthzUrl"),
        "the availability test calls /healthz"
    );
    assert!(
        alerts.source.contains("= if (availabilityTestEnabled)"),
        "the availability test is optional"
    );
    for param in [
        "alertActionGroupId",
        "alertEmail",
        "availabilityTestEnabled",
    ] {
        assert!(main.param_names().iter().any(|p| p == param), "{param}");
    }
    assert!(main.source.contains("healthzUrl: '${baseUrl}/healthz'"));
    // The alert's log line: the Halo client logs rate-limit refusals at warn with this kind.
    let client = crate::read_text("src/halo/client.rs");
    assert!(client.contains("kind = \"halo_rate_limited\""));
}

#[test]
fn vnet_isolation_is_optional_and_closes_the_public_endpoints() {
    let main = Bicep::open("infra/main.bicep");
    assert_eq!(main.param_type("vnetEnabled").as_deref(), Some("bool"));
    assert_eq!(main.param_default("vnetEnabled").as_deref(), Some("false"));
    assert!(
        main.source
            .contains("module network 'modules/network.bicep' = if (vnetEnabled)")
    );
    assert!(
        main.source
            .contains("virtualNetworkSubnetId: vnetEnabled ? network.outputs.appSubnetId : ''")
    );
    for file in [
        "infra/modules/storage.bicep",
        "infra/modules/keyvault.bicep",
    ] {
        let source = crate::read_text(file);
        assert!(
            source.contains("publicNetworkAccess: vnetEnabled ? 'Disabled' : 'Enabled'"),
            "{file}: public access closes with vnetEnabled"
        );
    }
    let network = Bicep::open("infra/modules/network.bicep");
    for group in ["blob", "queue", "table", "vault"] {
        assert!(
            network.source.contains(&format!("name: '{group}'")),
            "a private endpoint for {group}"
        );
    }
    assert!(
        network
            .source
            .contains("serviceName: 'Microsoft.App/environments'")
    );
    assert_eq!(
        network
            .resources_of("Microsoft.Network/privateEndpoints/privateDnsZoneGroups")
            .len(),
        1
    );
}

#[test]
fn host_json_keeps_successful_requests_and_samples_only_traces() {
    let host = crate::read_json("host.json");
    let logging = &host["logging"];
    assert!(
        logging["logLevel"]["Host.Results"].is_null()
            || logging["logLevel"]["Host.Results"] == "Information",
        "Host.Results above Information drops successful invocations from `requests`"
    );
    let sampling = &logging["applicationInsights"]["samplingSettings"];
    assert_eq!(sampling["isEnabled"], true);
    assert!(
        sampling["excludedTypes"]
            .as_str()
            .is_some_and(|t| t.split(';').any(|t| t.trim() == "Request")),
        "requests are never sampled away (Microsoft's templates exclude Request)"
    );
}

#[test]
fn the_outputs_give_operators_every_url_they_paste() {
    let main = Bicep::open("infra/main.bicep");
    let outputs = main.output_names();
    for output in [
        "MCP_URL",
        "OAUTH_CALLBACK_URL",
        "HEALTHZ_URL",
        "KEY_VAULT_NAME",
    ] {
        assert!(outputs.iter().any(|o| o == output), "output {output}");
    }
    let hook = crate::read_text("scripts/azd/postprovision.sh");
    for output in [
        "MCP_URL",
        "OAUTH_CALLBACK_URL",
        "HEALTHZ_URL",
        "KEY_VAULT_NAME",
    ] {
        assert!(
            hook.contains(&format!("${{{output}")),
            "the postprovision hook prints {output}"
        );
    }
}
