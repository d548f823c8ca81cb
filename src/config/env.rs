//! The environment as the loader sees it: values read through their [`Setting`] descriptor,
//! blank meaning unset, defaults parsed like operator values, and every problem a
//! [`ConfigError`] naming the variable.

use std::collections::{BTreeSet, HashMap};
use std::str::FromStr;
use std::sync::Mutex;
use std::time::Duration;

use url::Url;

use super::setting::{Fallback, Setting};
use super::{ConfigError, SecretRef, config_error};

/// The environment, as a map, recording which variables the loader asked for.
pub struct Env {
    vars: HashMap<String, String>,
    read: Mutex<BTreeSet<&'static str>>,
}

impl Env {
    pub fn from_process() -> Self {
        Self::from_map(std::env::vars().collect())
    }

    pub fn from_map(vars: HashMap<String, String>) -> Self {
        Env {
            vars,
            read: Mutex::new(BTreeSet::new()),
        }
    }

    pub fn from_pairs<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Self {
        Self::from_map(
            pairs
                .into_iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        )
    }

    /// The variable's value as set; blank values count as unset, as in the Azure portal.
    pub fn get(&self, setting: &'static Setting) -> Option<String> {
        if let Ok(mut read) = self.read.lock() {
            read.insert(setting.name);
        }
        self.vars
            .get(setting.name)
            .map(|v| v.trim().to_string())
            .filter(|v| !v.is_empty())
    }

    /// The names read so far.
    pub fn names_read(&self) -> BTreeSet<&'static str> {
        self.read.lock().map(|r| r.clone()).unwrap_or_default()
    }

    /// The value as set, else the default (a `Number` or `Text` fallback), parsed by the same
    /// code; `None` when unset without such a default.
    pub fn value<T: FromStr>(&self, setting: &'static Setting) -> Result<Option<T>, ConfigError>
    where
        T::Err: std::fmt::Display,
    {
        if let Some(raw) = self.get(setting) {
            return raw
                .parse::<T>()
                .map(Some)
                .map_err(|e| config_error(setting.name, format!("'{raw}' is not valid: {e}")));
        }
        let default = match setting.default {
            Fallback::Number(n) => n.to_string(),
            Fallback::Text(text) => text.to_string(),
            Fallback::Unset | Fallback::Derived(_) => return Ok(None),
        };
        default.parse::<T>().map(Some).map_err(|e| {
            config_error(
                setting.name,
                format!("the built-in default '{default}' is not valid: {e}"),
            )
        })
    }

    /// A value that always has one: the setting must declare a `Number` or `Text` default.
    pub fn required<T: FromStr>(&self, setting: &'static Setting) -> Result<T, ConfigError>
    where
        T::Err: std::fmt::Display,
    {
        self.value(setting)?
            .ok_or_else(|| config_error(setting.name, "has no built-in default; set it"))
    }

    /// A number greater than zero.
    pub fn positive<T>(&self, setting: &'static Setting) -> Result<T, ConfigError>
    where
        T: FromStr + Default + PartialEq,
        T::Err: std::fmt::Display,
    {
        let n = self.required::<T>(setting)?;
        if n == T::default() {
            return Err(config_error(setting.name, "must be greater than 0"));
        }
        Ok(n)
    }

    /// A positive number of seconds.
    pub fn secs(&self, setting: &'static Setting) -> Result<Duration, ConfigError> {
        self.positive::<u64>(setting).map(Duration::from_secs)
    }

    pub fn bool(&self, setting: &'static Setting) -> Result<bool, ConfigError> {
        let raw = match (self.get(setting), setting.default) {
            (Some(raw), _) => raw,
            (None, Fallback::Text(text)) => text.to_string(),
            (None, _) => return Ok(false),
        };
        match raw.to_ascii_lowercase().as_str() {
            "true" | "1" | "yes" | "on" => Ok(true),
            "false" | "0" | "no" | "off" => Ok(false),
            other => Err(config_error(
                setting.name,
                format!("'{other}' is not true or false"),
            )),
        }
    }

    /// A comma-separated list; an empty one (unset, or only commas) is the `Text` default's.
    pub fn list(&self, setting: &'static Setting) -> Vec<String> {
        let split = |text: &str| -> Vec<String> {
            text.split(',')
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
                .collect()
        };
        let listed = self.get(setting).map(|v| split(&v)).unwrap_or_default();
        match setting.default {
            Fallback::Text(text) if listed.is_empty() => split(text),
            _ => listed,
        }
    }

    /// An http(s) URL with a host.
    pub fn url(&self, setting: &'static Setting) -> Result<Option<Url>, ConfigError> {
        let name = setting.name;
        match self.get(setting) {
            None => Ok(None),
            Some(raw) => {
                let url = Url::parse(&raw)
                    .map_err(|e| config_error(name, format!("'{raw}' is not a URL: {e}")))?;
                if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
                    return Err(config_error(
                        name,
                        format!("'{raw}' must be an http(s) URL with a host"),
                    ));
                }
                Ok(Some(url))
            }
        }
    }

    /// A secret given either as a plain value or as the name of a Key Vault secret.
    pub fn secret(
        &self,
        value: &'static Setting,
        key_vault: &'static Setting,
    ) -> Result<SecretRef, ConfigError> {
        match (self.get(value), self.get(key_vault)) {
            (Some(_), Some(_)) => Err(config_error(
                value.name,
                format!("set either {} or {}, not both", value.name, key_vault.name),
            )),
            (Some(v), None) => Ok(SecretRef::Value(v)),
            (None, Some(name)) => Ok(SecretRef::KeyVault(name)),
            (None, None) => Ok(SecretRef::Unset),
        }
    }
}
