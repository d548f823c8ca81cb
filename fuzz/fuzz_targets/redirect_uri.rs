//! Redirect-URI validation: `auth::oauth::redirects`, which decides where the agent's browser
//! carries an authorization code (issue 12, item 1).
//!
//! The first input byte picks the property (seed files start with `0` or `1` to stay text):
//! - even: the rest is a redirect URI checked against a narrow Copilot Studio allow-list, with
//!   and without the loopback rule. Never a panic; whatever is accepted is in normal form (the
//!   `url` crate parses it to exactly the same text, so a browser goes where the check looked),
//!   has no userinfo or fragment, is https or loopback http, and is either the exact entry, a
//!   one-segment match of the `*` entry on the exact host and port, or (loopback rule only) a
//!   loopback http URI; and our redirect to it is exactly the text plus our query.
//! - odd: the rest is an allow-list entry. Never a panic; an accepted entry names a concrete
//!   host (no `*` in it), and an accepted exact entry accepts itself.

#![no_main]

use halo_mcp::auth::oauth::error::redirect;
use halo_mcp::auth::oauth::redirects::{self, AllowEntry, RedirectPolicy};
use libfuzzer_sys::fuzz_target;
use url::{Host, Url};

const HOST: &str = "global.consent.azure-apim.net";
const PREFIX: &str = "/redirect/halo-mcp-";
const EXACT: &str = "https://copilot.example/cb";

fn policy(loopback: bool) -> RedirectPolicy {
    let entries = redirects::parse_allowlist(&[
        format!("https://{HOST}{PREFIX}*"),
        EXACT.to_string(),
    ])
    .expect("valid entries");
    RedirectPolicy::new(entries, loopback)
}

fn check_candidate(text: &str) {
    let strict = policy(false).allows(text);
    let local = policy(true).allows(text);
    // The loopback rule only ever adds.
    assert!(!strict || local, "the loopback rule removed {text:?}");
    if !local {
        return;
    }
    let url = Url::parse(text).expect("an accepted URI parses");
    assert_eq!(url.as_str(), text, "an accepted URI is not in normal form");
    assert!(url.username().is_empty() && url.password().is_none(), "{text:?}");
    assert!(url.fragment().is_none(), "{text:?}");
    let host = url.host().expect("a host");
    let loopback_http = url.scheme() == "http" && redirects::is_loopback(&host);
    assert!(url.scheme() == "https" || loopback_http, "{text:?}");
    if strict {
        let wildcard = url.scheme() == "https"
            && host == Host::Domain(HOST)
            && url.port().is_none()
            && url.query().is_none()
            && url.path().strip_prefix(PREFIX).is_some_and(|rest| {
                !rest.is_empty() && !rest.contains('/') && rest != "." && rest != ".."
            });
        assert!(text == EXACT || wildcard, "accepted outside the allow-list: {text:?}");
    } else {
        assert!(loopback_http, "the loopback rule accepted {text:?}");
    }
    // The browser is sent to exactly the accepted text, plus our parameters.
    let response = redirect(text, &[("code", "c")]);
    let location = response
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .expect("a Location");
    let separator = match url.query() {
        None => "?",
        Some("") => "",
        Some(_) => "&",
    };
    assert_eq!(location, format!("{text}{separator}code=c"));
}

fn check_entry(text: &str) {
    let Ok(entry) = AllowEntry::parse(text) else {
        return;
    };
    let trimmed = text.trim();
    let url = Url::parse(trimmed.trim_end_matches('*')).expect("an accepted entry parses");
    match url.host() {
        Some(Host::Domain(name)) => assert!(!name.contains('*') && !name.is_empty(), "{text:?}"),
        Some(_) => {}
        None => panic!("an entry without a host was accepted: {text:?}"),
    }
    if !trimmed.ends_with('*') {
        let policy = RedirectPolicy::new(vec![entry], false);
        assert!(policy.allows(trimmed), "an exact entry refuses itself: {text:?}");
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((selector, rest)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    if selector % 2 == 0 {
        check_candidate(text);
    } else {
        check_entry(text);
    }
});
