//! Every setting an operator may change survives `azd provision` and `az deployment group create`.
//!
//! App settings edited in the portal are overwritten by the next provision, so each halo-mcp
//! setting must be a Bicep parameter that azd fills from an environment variable of the same name
//! (infra/main.parameters.json) and that the plain-az parameters file lists
//! (infra/main.az.parameters.json). New settings in `config::SETTINGS` fail here, with the exact
//! place each one is missing from, until all four places carry them.

use std::collections::BTreeMap;

use halo_mcp::config::SETTINGS;

use crate::bicep::Bicep;

/// Settings whose value the template derives instead of taking a parameter, with the reason
/// docs/deploy.md gives.
const DERIVED: &[&str] = &[
    // The URL of the vault the template itself creates.
    "KEY_VAULT_URL",
    // The URL of the state container the template itself creates in the app's storage account.
    "MCP_STATE_CONTAINER_URL",
    // The plan's maximumInstanceCount, so the fallback share of the Halo budget follows it.
    "HALO_MAX_INSTANCES",
];

/// Settings whose azd environment variable has another name, and why.
const RENAMED: &[(&str, &str)] = &[
    // CI pipelines (azd pipeline config, azure/login) use AZURE_CLIENT_ID for their own sign-in;
    // passing it on would point the app at the pipeline's identity.
    ("AZURE_CLIENT_ID", "MANAGED_IDENTITY_CLIENT_ID"),
];

fn azd_variable(setting: &str) -> &str {
    RENAMED
        .iter()
        .find(|(name, _)| *name == setting)
        .map_or(setting, |(_, variable)| variable)
}

/// setting name -> the text of its value in main.bicep's `var appSettings`.
fn app_settings(main: &Bicep) -> BTreeMap<String, String> {
    let object = main.variable_object("appSettings");
    main.object_keys(object)
        .into_iter()
        .map(|key| {
            let value = main
                .object_get(object, &key)
                .map(|v| main.text(v).to_string())
                .unwrap_or_default();
            (key, value)
        })
        .collect()
}

#[test]
fn every_operator_setting_is_a_parameter_azd_and_az_both_pass() {
    let main = Bicep::open("infra/main.bicep");
    let params = main.param_names();
    let settings = app_settings(&main);
    let azd = crate::read_json("infra/main.parameters.json");
    let az = crate::read_json("infra/main.az.parameters.json");
    let mut problems = Vec::new();
    for setting in SETTINGS
        .iter()
        .filter(|s| !s.is_platform() && !s.is_local_only())
        .map(|s| s.name)
    {
        let Some(value) = settings.get(setting) else {
            problems.push(format!(
                "{setting}: missing from `var appSettings` in infra/main.bicep"
            ));
            continue;
        };
        if DERIVED.contains(&setting) {
            continue;
        }
        if !params.contains(value) {
            problems.push(format!(
                "{setting}: infra/main.bicep sets it to `{value}`, which is not a `param` (add `param <name> string = ''` and use it)"
            ));
            continue;
        }
        let variable = azd_variable(setting);
        let mapped = azd["parameters"][value.as_str()]["value"]
            .as_str()
            .unwrap_or_default();
        if !(mapped == format!("${{{variable}}}") || mapped.starts_with(&format!("${{{variable}=")))
        {
            problems.push(format!(
                "{setting}: infra/main.parameters.json must map parameter `{value}` to \"${{{variable}=<default>}}\" (found {mapped:?}), or `azd provision` resets it"
            ));
        }
        if az["parameters"].get(value.as_str()).is_none() {
            problems.push(format!(
                "{setting}: infra/main.az.parameters.json lacks parameter `{value}` (plain az users edit that file)"
            ));
        }
    }
    assert!(
        problems.is_empty(),
        "settings that a provision would not preserve:\n  {}",
        problems.join("\n  ")
    );
}

#[test]
fn azd_defaults_are_the_bicep_defaults() {
    // `${VAR=default}` is what azd passes when the variable is unset; a different default here
    // than in main.bicep would make azd and az deployments differ silently.
    let main = Bicep::open("infra/main.bicep");
    let azd = crate::read_json("infra/main.parameters.json");
    let az = crate::read_json("infra/main.az.parameters.json");
    let mut problems = Vec::new();
    for (param, entry) in azd["parameters"].as_object().expect("parameters") {
        let Some(text) = entry["value"].as_str() else {
            continue;
        };
        let Some((_, default)) = text
            .strip_prefix("${")
            .and_then(|t| t.strip_suffix('}'))
            .and_then(|t| t.split_once('='))
        else {
            continue;
        };
        let declared = main.param_default(param);
        if declared.as_deref() != Some(default) {
            problems.push(format!(
                "{param}: main.parameters.json default {default:?}, main.bicep default {declared:?}"
            ));
        }
    }
    for (param, entry) in az["parameters"].as_object().expect("parameters") {
        let value = match &entry["value"] {
            serde_json::Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        let declared = main.param_default(param);
        if declared.as_deref() != Some(value.as_str()) {
            problems.push(format!(
                "{param}: main.az.parameters.json has {value:?}, main.bicep default {declared:?}"
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_az_parameters_file_has_no_azd_placeholders_and_fits_the_declarations() {
    let main = Bicep::open("infra/main.bicep");
    let declared = main.param_names();
    let text = crate::read_text("infra/main.az.parameters.json");
    assert!(
        !text.contains("${"),
        "infra/main.az.parameters.json is for plain az, which does not substitute ${{VAR}}"
    );
    let az = crate::read_json("infra/main.az.parameters.json");
    for (param, entry) in az["parameters"].as_object().expect("parameters") {
        assert!(declared.contains(param), "{param} is not declared");
        let value = &entry["value"];
        match main.param_type(param).as_deref() {
            Some("int") => {
                let n = value
                    .as_i64()
                    .unwrap_or_else(|| panic!("{param}: not an int"));
                if let Some(min) = main.param_bound(param, "minValue") {
                    assert!(n >= min, "{param}: {n} < @minValue({min})");
                }
                if let Some(max) = main.param_bound(param, "maxValue") {
                    assert!(n <= max, "{param}: {n} > @maxValue({max})");
                }
            }
            Some("bool") => assert!(value.is_boolean(), "{param}: not a bool"),
            Some("string") => assert!(value.is_string(), "{param}: not a string"),
            other => panic!("{param}: unexpected type {other:?}"),
        }
        if let Some(allowed) = main
            .param_decorators(param)
            .iter()
            .find(|d| d.starts_with("allowed("))
        {
            let literal = match value {
                serde_json::Value::String(s) => format!("'{s}'"),
                other => other.to_string(),
            };
            assert!(
                allowed.contains(&literal),
                "{param}: {literal} is not in @{allowed}"
            );
        }
    }
}
