//! The redirect-URI allow-list (`MCP_OAUTH_REDIRECT_ALLOWLIST`): exact entries, or prefixes
//! when an entry ends with `*`. Stops a registered or static client from sending codes anywhere
//! but Copilot Studio's consent service (by default).

/// True when `uri` is a well-formed redirect URI the allow-list accepts.
pub fn allowed(allowlist: &[String], uri: &str) -> bool {
    let Ok(url) = url::Url::parse(uri) else {
        return false;
    };
    if url.fragment().is_some() || !matches!(url.scheme(), "https" | "http") {
        return false;
    }
    // Plain http only for loopback (local tools and tests), as RFC 8252 allows.
    if url.scheme() == "http"
        && !matches!(url.host_str(), Some("localhost" | "127.0.0.1" | "[::1]"))
    {
        return false;
    }
    allowlist.iter().any(|entry| match entry.strip_suffix('*') {
        Some(prefix) => uri.starts_with(prefix),
        None => entry == uri,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixes_and_exact_entries() {
        let list = vec![
            "https://global.consent.azure-apim.net/redirect/*".to_string(),
            "http://127.0.0.1:9999/cb".to_string(),
        ];
        assert!(allowed(
            &list,
            "https://global.consent.azure-apim.net/redirect/abc"
        ));
        assert!(!allowed(
            &list,
            "https://global.consent.azure-apim.net/other"
        ));
        assert!(allowed(&list, "http://127.0.0.1:9999/cb"));
        assert!(!allowed(&list, "http://127.0.0.1:9999/cb2"));
        assert!(!allowed(&list, "https://evil.example/redirect"));
        assert!(!allowed(
            &list,
            "https://global.consent.azure-apim.net/redirect/x#frag"
        ));
    }
}
