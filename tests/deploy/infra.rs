//! Structural checks on infra/*.bicep: the properties issue 7 requires and that are easy to
//! lose in an edit (Flex Consumption, the custom runtime, TLS/FTP, Key Vault protection, the
//! role assignments and the outputs operators copy into Halo and Copilot Studio).

use crate::bicep::Bicep;

const STORAGE_BLOB_DATA_OWNER: &str = "b7e6dc6d-f1e8-4753-8033-0f276bb0955b";
const STORAGE_BLOB_DATA_CONTRIBUTOR: &str = "ba92f5b4-2d11-453d-a403-e96b0029c9fe";
const KEY_VAULT_SECRETS_USER: &str = "4633458b-17de-408a-b874-0445c86b69e6";

fn one<T>(items: Vec<T>, what: &str) -> T {
    let count = items.len();
    assert_eq!(count, 1, "expected exactly one {what}, found {count}");
    items.into_iter().next().expect("one item")
}

#[test]
fn the_function_app_is_flex_consumption_with_the_custom_runtime() {
    let file = Bicep::open("infra/modules/functionapp.bicep");
    let plan = one(file.resources_of("Microsoft.Web/serverfarms"), "plan");
    assert_eq!(
        file.get_path(plan.body, "sku.tier").as_deref(),
        Some("FlexConsumption")
    );
    assert_eq!(file.get_path(plan.body, "sku.name").as_deref(), Some("FC1"));
    assert_eq!(
        file.get_path(plan.body, "properties.reserved").as_deref(),
        Some("true")
    );

    let site = one(file.resources_of("Microsoft.Web/sites"), "function app");
    let get = |path: &str| file.get_path(site.body, path);
    assert_eq!(get("kind").as_deref(), Some("functionapp,linux"));
    assert_eq!(get("identity.type").as_deref(), Some("SystemAssigned"));
    assert_eq!(get("properties.httpsOnly").as_deref(), Some("true"));
    assert_eq!(
        get("properties.siteConfig.minTlsVersion").as_deref(),
        Some("1.2")
    );
    assert_eq!(
        get("properties.siteConfig.ftpsState").as_deref(),
        Some("Disabled")
    );
    assert_eq!(
        get("properties.functionAppConfig.runtime.name").as_deref(),
        Some("custom")
    );
    assert_eq!(
        get("properties.functionAppConfig.runtime.version").as_deref(),
        Some("1.0"),
        "any other version is accepted by ARM and then fails with a generic 500"
    );
    let deployment = "properties.functionAppConfig.deployment.storage";
    assert_eq!(
        get(&format!("{deployment}.type")).as_deref(),
        Some("blobContainer")
    );
    assert_eq!(
        get(&format!("{deployment}.authentication.type")).as_deref(),
        Some("SystemAssignedIdentity")
    );
    assert!(
        get("tags").is_some_and(|t| t.contains("'azd-service-name': 'api'")),
        "azd finds the app by the azd-service-name tag"
    );

    let policies = file.resources_of("Microsoft.Web/sites/basicPublishingCredentialsPolicies");
    for name in ["ftp", "scm"] {
        let policy = policies
            .iter()
            .find(|p| file.get_path(p.body, "name").as_deref() == Some(name))
            .unwrap_or_else(|| panic!("basic-auth publishing policy `{name}` missing"));
        assert_eq!(
            file.get_path(policy.body, "properties.allow").as_deref(),
            Some("false")
        );
    }
}

#[test]
fn storage_is_identity_only_and_holds_the_deployment_container() {
    let file = Bicep::open("infra/modules/storage.bicep");
    let account = one(
        file.resources_of("Microsoft.Storage/storageAccounts"),
        "storage account",
    );
    let get = |path: &str| file.get_path(account.body, path);
    assert_eq!(
        get("properties.allowSharedKeyAccess").as_deref(),
        Some("false")
    );
    assert_eq!(
        get("properties.allowBlobPublicAccess").as_deref(),
        Some("false")
    );
    assert_eq!(
        get("properties.minimumTlsVersion").as_deref(),
        Some("TLS1_2")
    );
    assert_eq!(
        get("properties.supportsHttpsTrafficOnly").as_deref(),
        Some("true")
    );
    let containers: Vec<String> = file
        .resources_of("Microsoft.Storage/storageAccounts/blobServices/containers")
        .iter()
        .filter_map(|c| file.get_path(c.body, "name"))
        .collect();
    assert_eq!(
        containers,
        ["deploymentContainerName", "stateContainerName"],
        "the deployment container and halo-mcp's shared-state container"
    );
}

#[test]
fn key_vault_uses_rbac_with_soft_delete_and_purge_protection() {
    let file = Bicep::open("infra/modules/keyvault.bicep");
    let vault = one(file.resources_of("Microsoft.KeyVault/vaults"), "key vault");
    let get = |path: &str| file.get_path(vault.body, path);
    assert_eq!(
        get("properties.enableRbacAuthorization").as_deref(),
        Some("true")
    );
    assert_eq!(get("properties.enableSoftDelete").as_deref(), Some("true"));
    // On unless the keyVaultPurgeProtection parameter turns it off (test environments);
    // tests/deploy/operations.rs checks the parameter and its production default.
    assert_eq!(
        get("properties.enablePurgeProtection").as_deref(),
        Some("enablePurgeProtection ? true : null")
    );
    assert_eq!(
        file.param_default("enablePurgeProtection").as_deref(),
        Some("true")
    );
}

#[test]
fn the_app_identity_gets_key_vault_secrets_user_and_storage_blob_data_owner() {
    let file = Bicep::open("infra/modules/roles.bicep");
    let assignments = file.resources_of("Microsoft.Authorization/roleAssignments");
    let role_for = |scope: &str, role_id: &str| {
        assignments.iter().any(|a| {
            file.get_path(a.body, "scope").as_deref() == Some(scope)
                && file.get_path(a.body, "properties.principalId").as_deref()
                    == Some("appPrincipalId")
                && file
                    .get_path(a.body, "properties.roleDefinitionId")
                    .is_some_and(|d| {
                        // The id is usually referenced through a `var`; follow it.
                        d.contains(role_id) || d.contains(variable_holding(&file.source, role_id))
                    })
        })
    };
    assert!(
        role_for("vault", KEY_VAULT_SECRETS_USER),
        "Key Vault Secrets User on the vault for the app identity"
    );
    assert!(
        role_for("storage", STORAGE_BLOB_DATA_OWNER),
        "Storage Blob Data Owner on host storage for the app identity"
    );
    assert!(
        role_for("stateContainer", STORAGE_BLOB_DATA_CONTRIBUTOR),
        "Storage Blob Data Contributor on the shared-state container only"
    );
}

/// The name of `var x = '<value>'`, so assertions can follow a role id through a variable.
fn variable_holding<'a>(source: &'a str, value: &str) -> &'a str {
    source
        .lines()
        .find_map(|line| {
            let line = line.trim();
            let rest = line.strip_prefix("var ")?;
            let (name, assigned) = rest.split_once('=')?;
            (assigned.trim() == format!("'{value}'")).then(|| name.trim())
        })
        .unwrap_or("\u{0}no such variable\u{0}")
}

#[test]
fn main_outputs_the_urls_and_names_operators_need() {
    let file = Bicep::open("infra/main.bicep");
    let outputs = file.output_names();
    for required in ["MCP_URL", "OAUTH_CALLBACK_URL", "KEY_VAULT_NAME"] {
        assert!(
            outputs.iter().any(|o| o == required),
            "output {required} missing"
        );
    }
    assert!(
        file.source
            .contains("output MCP_URL string = '${baseUrl}/mcp'")
    );
    assert!(
        file.source
            .contains("output OAUTH_CALLBACK_URL string = '${baseUrl}/oauth/callback'")
    );
    for module in ["monitoring", "storage", "keyvault", "functionapp", "roles"] {
        assert!(
            file.source.contains(&format!("'modules/{module}.bicep'")),
            "main.bicep must use modules/{module}.bicep"
        );
    }
}

#[test]
fn monitoring_is_workspace_based_application_insights() {
    let file = Bicep::open("infra/modules/monitoring.bicep");
    one(
        file.resources_of("Microsoft.OperationalInsights/workspaces"),
        "Log Analytics workspace",
    );
    let insights = one(
        file.resources_of("Microsoft.Insights/components"),
        "Application Insights",
    );
    assert_eq!(
        file.get_path(insights.body, "properties.WorkspaceResourceId")
            .as_deref(),
        Some("logAnalytics.id")
    );
}

#[test]
fn main_parameters_only_name_parameters_main_bicep_declares() {
    // azd fails the whole deployment on an unknown parameter; catch typos here.
    let file = Bicep::open("infra/main.bicep");
    let declared = file.param_names();
    let parameters = crate::read_json("infra/main.parameters.json");
    let given = parameters["parameters"]
        .as_object()
        .expect("parameters object");
    for name in given.keys() {
        assert!(
            declared.contains(name),
            "infra/main.parameters.json sets `{name}`, which main.bicep does not declare"
        );
    }
}

#[test]
fn every_checkov_skip_is_justified_in_the_infra_readme() {
    let readme = crate::read_text("infra/README.md");
    for path in crate::bicep_files() {
        let source = std::fs::read_to_string(&path).expect("read bicep");
        for (i, line) in source.lines().enumerate() {
            if let Some((_, rest)) = line.split_once("checkov:skip=") {
                let id = rest.split(':').next().unwrap_or_default().trim();
                assert!(
                    readme.contains(id),
                    "{}:{}: {id} is skipped but not justified in infra/README.md",
                    path.display(),
                    i + 1
                );
                assert!(
                    rest.split_once(':')
                        .is_some_and(|(_, reason)| reason.trim().len() > 10),
                    "{}:{}: a checkov skip needs a reason",
                    path.display(),
                    i + 1
                );
            }
        }
    }
}

#[test]
fn the_app_settings_loop_only_uses_values_known_at_deployment_start() {
    // `appSettings: [for s in items(...)]` fails to compile (BCP178) if any value depends on
    // another resource's runtime properties; tree-sitter cannot see that, so check it here.
    let file = Bicep::open("infra/modules/functionapp.bicep");
    let settings = file.variable_object("platformSettings");
    for key in file.object_keys(settings) {
        let value = file
            .object_get(settings, &key)
            .map(|v| file.text(v).to_string())
            .unwrap_or_default();
        for runtime in [".properties.", ".outputs.", "reference(", "list"] {
            assert!(
                !value.contains(runtime),
                "platformSettings.{key} = {value} is a runtime value; pass it in as a parameter"
            );
        }
    }
}
