//! The state container: its URL (validated at start-up, never logged with its SAS) and the SDK
//! client for it.
//!
//! On Azure the URL is plain (`https://<account>.blob.core.windows.net/<container>`) and the
//! app's managed identity signs requests. A URL carrying a SAS (`?...&sig=...`) is used as is,
//! with no credential: that is how tests reach Azurite, the local storage emulator.

use azure_core::http::{ClientOptions, FixedRetryOptions, RetryOptions};
use azure_core::time::Duration as SdkDuration;
use azure_storage_blob::{BlobContainerClient, BlobContainerClientOptions};
use url::Url;

/// A validated container URL.
#[derive(Clone, PartialEq, Eq)]
pub struct StateContainer {
    url: Url,
}

impl StateContainer {
    /// Accepts `https://host/container` (managed identity) or a container SAS URL; plain
    /// `http` only on a loopback host (Azurite). The error says what to fix.
    pub fn parse(text: &str) -> Result<StateContainer, String> {
        let url = Url::parse(text.trim()).map_err(|e| {
            format!("not a URL ({e}); expected https://<account>.blob.core.windows.net/<container>")
        })?;
        let loopback = matches!(
            url.host(),
            Some(url::Host::Ipv4(ip)) if ip.is_loopback()
        ) || matches!(url.host(), Some(url::Host::Ipv6(ip)) if ip.is_loopback())
            || url.host_str() == Some("localhost");
        match url.scheme() {
            "https" => {}
            "http" if loopback => {}
            _ => {
                return Err(
                    "must use https (plain http only on a loopback host, e.g. Azurite)".into(),
                );
            }
        }
        if url.fragment().is_some() {
            return Err("must not have a #fragment".into());
        }
        let segments: Vec<&str> = url
            .path_segments()
            .map(|s| s.filter(|s| !s.is_empty()).collect())
            .unwrap_or_default();
        // Azurite puts the account name in the path before the container.
        let expected = if loopback { 1..=2 } else { 1..=1 };
        if !expected.contains(&segments.len()) {
            return Err(
                "must name one container, e.g. https://<account>.blob.core.windows.net/halo-mcp-state"
                    .into(),
            );
        }
        if url.query().is_some() && !url.query_pairs().any(|(k, _)| k == "sig") {
            return Err("has a query string but no SAS signature (sig=...)".into());
        }
        Ok(StateContainer { url })
    }

    /// True when the URL carries a SAS, so no Entra ID credential is needed.
    pub fn has_sas(&self) -> bool {
        self.url.query_pairs().any(|(k, _)| k == "sig")
    }

    /// The URL without its query, safe to log.
    pub fn redacted(&self) -> String {
        let mut url = self.url.clone();
        url.set_query(None);
        url.to_string()
    }

    pub(crate) fn url(&self) -> &Url {
        &self.url
    }
}

impl std::fmt::Debug for StateContainer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "StateContainer({})", self.redacted())
    }
}

/// How to reach the state container.
#[derive(Clone, Debug)]
pub struct StorageOptions {
    pub container: StateContainer,
    /// Client id of a user-assigned managed identity (`AZURE_CLIENT_ID`).
    pub managed_identity_client_id: Option<String>,
}

/// Few, quick retries: sign-in waits on these calls, and it should fail with a clear error in
/// seconds rather than hang.
fn client_options() -> ClientOptions {
    ClientOptions {
        retry: RetryOptions::fixed(FixedRetryOptions {
            delay: SdkDuration::milliseconds(200),
            max_retries: 2,
            max_total_elapsed: SdkDuration::seconds(5),
        }),
        ..Default::default()
    }
}

/// The SDK client for the container. Nothing is sent here, so unreachable storage cannot stop
/// start-up; the error names what could not be built.
pub fn container_client(options: &StorageOptions) -> Result<BlobContainerClient, String> {
    let credential = if options.container.has_sas() {
        None
    } else {
        Some(crate::azure::credential(
            options.managed_identity_client_id.clone(),
            client_options(),
        )?)
    };
    BlobContainerClient::new(
        options.container.url().clone(),
        credential,
        Some(BlobContainerClientOptions {
            client_options: client_options(),
            ..Default::default()
        }),
    )
    .map_err(|e| format!("state container {}: {e}", options.container.redacted()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn container_urls_are_checked() {
        let plain = StateContainer::parse("https://sthalo.blob.core.windows.net/halo-mcp-state")
            .expect("plain");
        assert!(!plain.has_sas());
        let sas = StateContainer::parse(
            "http://127.0.0.1:10000/devstoreaccount1/state?sv=2021-08-06&sig=abc%3D",
        )
        .expect("azurite SAS");
        assert!(sas.has_sas());
        assert_eq!(
            sas.redacted(),
            "http://127.0.0.1:10000/devstoreaccount1/state"
        );
        assert!(!format!("{sas:?}").contains("sig"));
        for bad in [
            "sthalo.blob.core.windows.net/state",
            "http://sthalo.blob.core.windows.net/state",
            "https://sthalo.blob.core.windows.net/",
            "https://sthalo.blob.core.windows.net/a/b",
            "https://sthalo.blob.core.windows.net/state?x=1",
            "ftp://127.0.0.1/state",
        ] {
            assert!(StateContainer::parse(bad).is_err(), "{bad} was accepted");
        }
    }
}
