//! Redirect URIs: which ones a client may register and use, checked one URL component at a time.
//!
//! A redirect URI is where the agent's browser carries our authorization code, so a check that
//! passes on the raw text while the browser goes somewhere else hands the code to another party.
//! Every URI is therefore parsed once with the `url` crate (the WHATWG parser browsers use) and
//! refused unless its normal form is byte for byte what was sent: dot segments, `%2e`,
//! backslashes, tabs, CR/LF and other control characters all change the normal form. Userinfo,
//! fragments, percent-encoded `.`/`/`/`\` in the path and plain `http` to anything but loopback
//! are refused too. The URI we redirect to is exactly the accepted (and registered) string.
//!
//! The allow-list (`MCP_OAUTH_REDIRECT_ALLOWLIST`) is matched per component. An exact entry
//! matches only the identical URI. An entry ending in `*` matches the same scheme, the exact
//! host, the same port, no query, and a path that is the entry's path plus a non-empty rest of
//! that one path segment made of unreserved characters (`A-Z a-z 0-9 - . _ ~`), so the `*` can
//! never cross a `/` or spell a dot segment: `https://global.consent.azure-apim.net/redirect/*`
//! accepts `…/redirect/cr123-5fhalo` but not `…/redirect/a/b`, and never
//! `https://global.consent.azure-apim.net.attacker.example/…`. An entry without a concrete host
//! (`*`, `https://*`, `https://*.example.com/cb`) is a start-up error.
//!
//! When this server itself runs on loopback (its public URL's host is `localhost`, `127.0.0.1`
//! or `[::1]`), plain-`http` loopback redirect URIs with any port and path are also accepted, as
//! RFC 8252 §7.3 asks of an authorization server for native apps: local MCP clients (the MCP
//! Inspector, the Python SDK) listen on a port chosen at run time. A deployed server never has a
//! loopback public URL, so this never widens a deployment's allow-list.

use std::net::IpAddr;

use url::{Host, Url};

/// Why a redirect URI (or an allow-list entry) is refused. The messages are shown to the
/// developer of the client, so each says what to change.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RedirectError {
    #[error("it is not an absolute URL")]
    NotAUrl,
    #[error("only https (or http to a loopback host) redirect URIs are allowed")]
    Scheme,
    #[error(
        "it is not in normal form (dot segments, %2e, backslashes, control characters, spaces, \
         upper-case hosts or default ports change it); send exactly '{normal}' if that is what you mean"
    )]
    NotNormal { normal: String },
    #[error("it must not contain a user name or password")]
    Userinfo,
    #[error("it must not contain a fragment ('#')")]
    Fragment,
    #[error("its path must not percent-encode '.', '/', '\\' or control characters")]
    EncodedPath,
    #[error("plain http is only allowed to a loopback host (localhost, 127.0.0.1, [::1])")]
    PlainHttp,
    #[error("it is not in the redirect allow-list (MCP_OAUTH_REDIRECT_ALLOWLIST)")]
    NotAllowed,
}

/// True for `localhost`, 127.0.0.0/8 and `::1`.
pub fn is_loopback(host: &Host<&str>) -> bool {
    match host {
        Host::Domain(name) => name.eq_ignore_ascii_case("localhost"),
        Host::Ipv4(ip) => IpAddr::V4(*ip).is_loopback(),
        Host::Ipv6(ip) => IpAddr::V6(*ip).is_loopback(),
    }
}

/// Parses `uri` and checks it is a redirect URI we could ever send a browser to, whatever the
/// allow-list says.
pub fn parse(uri: &str) -> Result<Url, RedirectError> {
    let url = Url::parse(uri).map_err(|_| RedirectError::NotAUrl)?;
    if !matches!(url.scheme(), "https" | "http") {
        return Err(RedirectError::Scheme);
    }
    if url.as_str() != uri {
        return Err(RedirectError::NotNormal {
            normal: url.as_str().to_string(),
        });
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(RedirectError::Userinfo);
    }
    if url.fragment().is_some() {
        return Err(RedirectError::Fragment);
    }
    if has_encoded_separator(url.path()) {
        return Err(RedirectError::EncodedPath);
    }
    let Some(host) = url.host() else {
        return Err(RedirectError::NotAUrl);
    };
    if url.scheme() == "http" && !is_loopback(&host) {
        return Err(RedirectError::PlainHttp);
    }
    Ok(url)
}

/// A percent-encoded `.`, `/`, `\` or control character: a server behind the redirect may
/// decode it and then resolve a path the allow-list never saw.
fn has_encoded_separator(path: &str) -> bool {
    path.as_bytes().windows(3).any(|w| {
        if w[0] != b'%' {
            return false;
        }
        let code = [w[1].to_ascii_lowercase(), w[2].to_ascii_lowercase()];
        matches!(&code, b"2e" | b"2f" | b"5c" | b"7f") || matches!(code[0], b'0' | b'1')
    })
}

/// One parsed allow-list entry.
#[derive(Debug, Clone)]
pub struct AllowEntry {
    /// An exact entry's text (its own normal form).
    raw: String,
    url: Url,
    /// The entry ended in `*`: `url.path()` is a prefix within its last path segment.
    wildcard: bool,
}

impl AllowEntry {
    /// Parses one `MCP_OAUTH_REDIRECT_ALLOWLIST` entry; the error says what is wrong with it.
    pub fn parse(entry: &str) -> Result<AllowEntry, String> {
        let entry = entry.trim();
        let example = "e.g. https://global.consent.azure-apim.net/redirect/my-connector";
        // The authority is what follows "scheme://" up to the first '/', '?' or '#'; a '*'
        // there, or nothing there, means no concrete host.
        let authority = entry
            .split_once("://")
            .map(|(_, rest)| rest.split(['/', '?', '#']).next().unwrap_or(""));
        if !authority.is_some_and(|a| !a.is_empty() && !a.contains('*')) {
            return Err(format!(
                "'{entry}' has no concrete host: every entry must be an absolute https URL naming \
                 one host ({example})"
            ));
        }
        let (base, wildcard) = match entry.strip_suffix('*') {
            Some(base) => (base, true),
            None => (entry, false),
        };
        if base.contains('*') {
            return Err(format!(
                "'{entry}': '*' is only allowed once, at the very end of the path ({example})"
            ));
        }
        let url = parse(base).map_err(|error| format!("'{entry}' is not usable: {error}"))?;
        if wildcard && url.query().is_some() {
            return Err(format!(
                "'{entry}': '*' is only allowed at the end of the path, not in the query"
            ));
        }
        Ok(AllowEntry {
            raw: base.to_string(),
            url,
            wildcard,
        })
    }

    fn matches(&self, uri: &str, url: &Url) -> bool {
        if !self.wildcard {
            return uri == self.raw;
        }
        let same_origin = url.scheme() == self.url.scheme()
            && url.host() == self.url.host()
            && url.port() == self.url.port();
        if !same_origin || url.query().is_some() {
            return false;
        }
        url.path()
            .strip_prefix(self.url.path())
            .is_some_and(|rest| {
                !rest.is_empty()
                    && rest != "."
                    && rest != ".."
                    && rest.bytes().all(|b| {
                        b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~')
                    })
            })
    }
}

/// Parses the whole allow-list; the first bad entry stops start-up with its message.
pub fn parse_allowlist(entries: &[String]) -> Result<Vec<AllowEntry>, String> {
    entries.iter().map(|e| AllowEntry::parse(e)).collect()
}

/// The allow-list plus the loopback rule; see the module documentation.
#[derive(Debug, Clone)]
pub struct RedirectPolicy {
    entries: Vec<AllowEntry>,
    /// This server runs on loopback: any `http` loopback redirect URI is allowed (RFC 8252 §7.3).
    loopback_clients: bool,
}

impl RedirectPolicy {
    pub fn new(entries: Vec<AllowEntry>, loopback_clients: bool) -> RedirectPolicy {
        RedirectPolicy {
            entries,
            loopback_clients,
        }
    }

    /// The policy for a server whose public URL is `public_url`, listening on `listen`. Entries
    /// were validated at start-up; one that would not parse is left out (fail closed). The
    /// loopback rule needs both on loopback: a server bound to every interface (`0.0.0.0`) with
    /// a derived loopback URL is reachable from other machines.
    pub fn from_settings(
        entries: &[String],
        public_url: &Url,
        listen: std::net::IpAddr,
    ) -> RedirectPolicy {
        let entries = entries
            .iter()
            .filter_map(|e| AllowEntry::parse(e).ok())
            .collect();
        let loopback = listen.is_loopback() && public_url.host().as_ref().is_some_and(is_loopback);
        RedirectPolicy::new(entries, loopback)
    }

    /// Whether loopback clients on any port are accepted (the server runs on loopback).
    pub fn accepts_loopback_clients(&self) -> bool {
        self.loopback_clients
    }

    /// Checks `uri`: well-formed, in normal form, and accepted by an entry or the loopback rule.
    pub fn check(&self, uri: &str) -> Result<(), RedirectError> {
        let url = parse(uri)?;
        let loopback_client = self.loopback_clients
            && url.scheme() == "http"
            && url.host().as_ref().is_some_and(is_loopback);
        if loopback_client || self.entries.iter().any(|e| e.matches(uri, &url)) {
            Ok(())
        } else {
            Err(RedirectError::NotAllowed)
        }
    }

    pub fn allows(&self, uri: &str) -> bool {
        self.check(uri).is_ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy(entries: &[&str], loopback: bool) -> RedirectPolicy {
        let entries: Vec<String> = entries.iter().map(|e| e.to_string()).collect();
        RedirectPolicy::new(parse_allowlist(&entries).expect("valid entries"), loopback)
    }

    const NARROW: &str = "https://global.consent.azure-apim.net/redirect/halo-mcp-*";

    #[test]
    fn prefixes_and_exact_entries() {
        let list = policy(
            &[
                "https://global.consent.azure-apim.net/redirect/*",
                "http://127.0.0.1:9999/cb",
            ],
            false,
        );
        assert!(list.allows("https://global.consent.azure-apim.net/redirect/abc"));
        assert!(!list.allows("https://global.consent.azure-apim.net/other"));
        assert!(list.allows("http://127.0.0.1:9999/cb"));
        assert!(!list.allows("http://127.0.0.1:9999/cb2"));
        assert!(!list.allows("http://127.0.0.1:9998/cb"));
        assert!(!list.allows("https://evil.example/redirect"));
        assert_eq!(
            list.check("https://global.consent.azure-apim.net/redirect/x#frag"),
            Err(RedirectError::Fragment)
        );
        // The '*' stays inside one segment and needs at least one character.
        assert!(!list.allows("https://global.consent.azure-apim.net/redirect/a/b"));
        assert!(!list.allows("https://global.consent.azure-apim.net/redirect/"));
        assert!(!list.allows("https://global.consent.azure-apim.net/redirect/a?x=1"));
    }

    #[test]
    fn path_tricks_never_leave_the_allowed_segment() {
        let list = policy(&[NARROW], false);
        assert!(list.allows("https://global.consent.azure-apim.net/redirect/halo-mcp-5f0123"));
        for attack in [
            "https://global.consent.azure-apim.net/redirect/halo-mcp-x/../attacker-connector",
            "https://global.consent.azure-apim.net/redirect/halo-mcp-x/%2e%2e/attacker-connector",
            "https://global.consent.azure-apim.net/redirect/halo-mcp-x/%2E%2E/attacker-connector",
            "https://global.consent.azure-apim.net/redirect/halo-mcp-x/.%2e/attacker-connector",
            "https://global.consent.azure-apim.net/redirect/halo-mcp-x\\..\\attacker-connector",
            "https://global.consent.azure-apim.net/redirect/halo-mcp-x/\t../attacker-connector",
            "https://global.consent.azure-apim.net/redirect/halo-mcp-x/.\r\n./attacker-connector",
            "https://global.consent.azure-apim.net/redirect/halo-mcp-x%2f..%2fattacker-connector",
            "https://global.consent.azure-apim.net/redirect/halo-mcp-x%5c..%5cattacker",
            "https://global.consent.azure-apim.net/redirect/halo-mcp-..",
            "https://global.consent.azure-apim.net/redirect/halo-mcp-x;a",
            "https://global.consent.azure-apim.net/redirect/halo-mcp-x%00",
            "https://global.consent.azure-apim.net.attacker.example/redirect/halo-mcp-x",
            "https://attacker.example@global.consent.azure-apim.net/redirect/halo-mcp-x",
            "https://global.consent.azure-apim.net:444/redirect/halo-mcp-x",
            "https://global.consent.azure-apim.net:443/redirect/halo-mcp-x",
            "https://GLOBAL.consent.azure-apim.net/redirect/halo-mcp-x",
            "http://global.consent.azure-apim.net/redirect/halo-mcp-x",
            "https://global.consent.azure-apim.net/redirect/halo-mcp-x#",
            " https://global.consent.azure-apim.net/redirect/halo-mcp-x",
            "https://global.consent.azure-apim.net/redirect/halo-mcp-x ",
            "https://global.consent.azure-apim.net/Redirect/halo-mcp-x",
            "https://global.consent.azure-apim.net/redirect/halo-mcp-",
            "javascript://global.consent.azure-apim.net/redirect/halo-mcp-x",
        ] {
            assert!(!list.allows(attack), "{attack:?} must be refused");
        }
    }

    #[test]
    fn refusals_say_what_is_wrong() {
        let list = policy(&[NARROW], false);
        match list.check("https://global.consent.azure-apim.net/redirect/halo-mcp-x/../y") {
            Err(RedirectError::NotNormal { normal }) => {
                assert_eq!(normal, "https://global.consent.azure-apim.net/redirect/y")
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(
            list.check("https://u:p@global.consent.azure-apim.net/redirect/halo-mcp-x"),
            Err(RedirectError::Userinfo)
        );
        assert_eq!(
            list.check("http://example.com/redirect/halo-mcp-x"),
            Err(RedirectError::PlainHttp)
        );
        assert_eq!(list.check("/relative"), Err(RedirectError::NotAUrl));
        assert_eq!(
            list.check("https://example.com/cb"),
            Err(RedirectError::NotAllowed)
        );
    }

    #[test]
    fn loopback_clients_on_any_port_only_when_this_server_runs_on_loopback() {
        let local = policy(&[NARROW], true);
        for uri in [
            "http://127.0.0.1:6274/oauth/callback",
            "http://localhost:33418/callback",
            "http://[::1]:8000/cb?x=1",
            "http://127.0.0.1/cb",
        ] {
            assert!(local.allows(uri), "{uri}");
        }
        // Still normal form only, and never a non-loopback http host.
        assert!(!local.allows("http://127.0.0.1:6274/a/../cb"));
        assert!(!local.allows("http://127.0.0.2.example:6274/cb"));
        assert!(!local.allows("http://localhost:6274/cb#x"));
        let deployed = policy(&[NARROW], false);
        assert!(!deployed.allows("http://127.0.0.1:6274/oauth/callback"));
        let local_ip: std::net::IpAddr = "127.0.0.1".parse().expect("ip");
        let every_interface: std::net::IpAddr = "0.0.0.0".parse().expect("ip");
        let url = Url::parse("http://127.0.0.1:8080").expect("url");
        assert!(RedirectPolicy::from_settings(&[], &url, local_ip).accepts_loopback_clients());
        // Bound to every interface, the derived loopback URL does not make it a local server.
        assert!(
            !RedirectPolicy::from_settings(&[], &url, every_interface).accepts_loopback_clients()
        );
        let url = Url::parse("https://mcp.example.com").expect("url");
        assert!(!RedirectPolicy::from_settings(&[], &url, local_ip).accepts_loopback_clients());
    }

    #[test]
    fn entries_need_a_concrete_host_and_a_trailing_star() {
        for bad in [
            "*",
            "https://*",
            "https://*/",
            "https://*.example.com/cb",
            "https://example.com*",
            "https://exa*",
            "https://example.com/a*/b",
            "https://example.com/cb?x=*",
            "http://example.com/cb",
            "https://example.com/a/../cb",
            "https://user@example.com/cb",
            "/cb",
            "https:///cb",
        ] {
            assert!(AllowEntry::parse(bad).is_err(), "{bad} should be refused");
        }
        for good in [
            "https://global.consent.azure-apim.net/redirect/*",
            NARROW,
            "https://example.com/cb",
            "https://example.com/*",
            "http://127.0.0.1:9/client/*",
            "http://localhost:6274/oauth/callback",
        ] {
            assert!(AllowEntry::parse(good).is_ok(), "{good} should be accepted");
        }
        let message = AllowEntry::parse("https://*").unwrap_err();
        assert!(message.contains("concrete host"), "{message}");
    }
}
