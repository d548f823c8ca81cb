//! The descriptor every configuration variable is declared with: its name, default, help text
//! and who sets it, written once next to the code that loads it.
//!
//! The loader reads a variable only through its descriptor (see [`super::Env`]), and a default
//! given as a value is parsed by the same code as an operator's value, so `--help`, the loader,
//! `local.settings.example.json` and the Bicep check cannot disagree about a name or a default.

/// What a variable is when it is unset.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fallback {
    /// Unset stays unset (`None`, or an empty list).
    Unset,
    /// A number the loader uses, e.g. a port or a count of seconds.
    Number(u64),
    /// A value the loader parses exactly as it would parse the operator's.
    Text(&'static str),
    /// Worked out by the loader from other settings; the text says how, for `--help`.
    Derived(&'static str),
}

/// Who sets a variable.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// An operator, locally or on Azure (the Bicep templates deploy it).
    Operator,
    /// An operator on a developer machine only: a plain secret or a local knob. The Bicep
    /// templates never set it (secrets there come from Key Vault by name, and the platform
    /// chooses the port).
    LocalOnly,
    /// The Azure Functions host or App Service, never an operator.
    Platform,
}

/// One configuration variable, as documented to operators.
#[derive(Debug, Clone, Copy)]
pub struct Setting {
    pub name: &'static str,
    pub default: Fallback,
    pub help: &'static str,
    pub scope: Scope,
}

impl Setting {
    /// An operator setting, deployed by the Bicep templates.
    pub const fn operator(name: &'static str, default: Fallback, help: &'static str) -> Setting {
        Setting {
            name,
            default,
            help,
            scope: Scope::Operator,
        }
    }

    /// An operator setting for a developer machine only.
    pub const fn local_only(name: &'static str, default: Fallback, help: &'static str) -> Setting {
        Setting {
            name,
            default,
            help,
            scope: Scope::LocalOnly,
        }
    }

    /// A variable the platform sets.
    pub const fn platform(name: &'static str, help: &'static str) -> Setting {
        Setting {
            name,
            default: Fallback::Unset,
            help,
            scope: Scope::Platform,
        }
    }

    pub fn is_platform(&self) -> bool {
        self.scope == Scope::Platform
    }

    pub fn is_local_only(&self) -> bool {
        self.scope == Scope::LocalOnly
    }

    /// The numeric default, for constants that must equal it. Evaluated at compile time where
    /// used in a `const`, so a setting without a numeric default fails the build, not a run.
    pub const fn number(&self) -> u64 {
        match self.default {
            Fallback::Number(n) => n,
            _ => panic!("this setting has no numeric default"),
        }
    }

    /// The default as `--help` shows it.
    fn default_for_help(&self) -> String {
        match (self.scope, self.default) {
            (Scope::Platform, _) => "set by the platform".to_string(),
            (_, Fallback::Unset) => "unset".to_string(),
            (_, Fallback::Number(n)) => format!("default: {n}"),
            (_, Fallback::Text(text) | Fallback::Derived(text)) => format!("default: {text}"),
        }
    }
}

/// The `--help` text describing every variable in `settings`.
pub fn help(settings: &[&Setting]) -> String {
    let mut out = String::from("Environment variables (Azure Functions app settings):\n");
    for s in settings {
        out.push_str(&format!(
            "  {:<36} {} [{}]\n",
            s.name,
            s.help,
            s.default_for_help()
        ));
    }
    out
}
