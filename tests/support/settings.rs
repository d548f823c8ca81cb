//! Settings for an app about to start, in this process ([`super::app`]) or as a child process
//! ([`super::binary`]): both builders take one setting at a time, and so take many the same way.

/// A builder that takes settings.
pub trait Settings: Sized {
    /// Sets one setting.
    fn var(self, name: impl Into<String>, value: impl Into<String>) -> Self;

    /// Sets each of `vars` in turn (later ones win).
    fn vars<K: Into<String>, V: Into<String>>(
        mut self,
        vars: impl IntoIterator<Item = (K, V)>,
    ) -> Self {
        for (name, value) in vars {
            self = self.var(name, value);
        }
        self
    }
}
