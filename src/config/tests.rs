//! The loader against the settings table: defaults, precedence, and a clear error naming the
//! variable for every bad value.

use std::collections::BTreeSet;

use super::*;

#[test]
fn defaults_run_the_embedded_sandbox_on_loopback_without_sign_in() {
    let config = Config::load(&Env::from_pairs([])).expect("defaults load");
    assert!(config.embedded_sandbox());
    assert_eq!(config.listen, "127.0.0.1:8080".parse().unwrap());
    assert_eq!(config.auth.mode, AuthMode::None);
    assert_eq!(config.max_body_bytes, 1024 * 1024);
    assert_eq!(config.mcp_url(), "http://127.0.0.1:8080/mcp");
}

#[test]
fn the_loader_reads_exactly_the_declared_settings() {
    let env = Env::from_pairs([]);
    Config::load(&env).expect("defaults load");
    let read = env.names_read();
    let declared: BTreeSet<&str> = SETTINGS.iter().map(|s| s.name).collect();
    assert_eq!(read, declared);
}

#[test]
fn functions_port_wins_and_binds_loopback() {
    let env = Env::from_pairs([
        ("FUNCTIONS_CUSTOMHANDLER_PORT", "7071"),
        ("PORT", "9000"),
        ("BIND_ADDRESS", "0.0.0.0"),
    ]);
    let config = Config::load(&env).unwrap();
    assert_eq!(config.listen, "127.0.0.1:7071".parse().unwrap());
    assert_eq!(config.log_format, LogFormat::Json);
}

#[test]
fn website_hostname_joins_the_host_allow_list() {
    let env = Env::from_pairs([
        ("WEBSITE_HOSTNAME", "halo-mcp.azurewebsites.net"),
        ("MCP_AUTH_MODE", "api-key"),
        ("MCP_API_KEYS", "k1-long-enough-for-the-32-char-minimum"),
    ]);
    let config = Config::load(&env).unwrap();
    assert!(
        config
            .allowed_hosts
            .contains(&"halo-mcp.azurewebsites.net".to_string())
    );
    assert_eq!(
        config.public_url.as_str(),
        "https://halo-mcp.azurewebsites.net/"
    );
}

#[test]
fn func_start_on_a_developer_machine_is_not_azure() {
    let env = Env::from_pairs([
        ("FUNCTIONS_CUSTOMHANDLER_PORT", "5123"),
        ("WEBSITE_HOSTNAME", "localhost:7071"),
        ("MCP_AUTH_MODE", "none"),
    ]);
    let config = Config::load(&env).expect("func start with the sandbox loads");
    assert_eq!(config.public_url.as_str(), "http://localhost:7071/");
    let on_azure = Env::from_pairs([
        ("WEBSITE_HOSTNAME", "halo-mcp.azurewebsites.net"),
        ("MCP_AUTH_MODE", "none"),
    ]);
    assert_eq!(Config::load(&on_azure).unwrap_err().name, "MCP_AUTH_MODE");
}

#[test]
fn errors_name_the_variable() {
    let cases: &[(&[(&str, &str)], &str)] = &[
        (&[("PORT", "eighty")], "PORT"),
        (&[("HALO_URL", "not a url")], "HALO_URL"),
        (&[("MCP_AUTH_MODE", "magic")], "MCP_AUTH_MODE"),
        (
            &[("MCP_AUTH_MODE", "none"), ("BIND_ADDRESS", "0.0.0.0")],
            "MCP_AUTH_MODE",
        ),
        (&[("MCP_READ_ONLY", "perhaps")], "MCP_READ_ONLY"),
        (&[("HALO_TIMEOUT_SECS", "0")], "HALO_TIMEOUT_SECS"),
        (
            &[("MCP_HEADER_TIMEOUT_SECS", "0")],
            "MCP_HEADER_TIMEOUT_SECS",
        ),
        (
            &[("MCP_BODY_TIMEOUT_SECS", "soon")],
            "MCP_BODY_TIMEOUT_SECS",
        ),
        (&[("MCP_MAX_CONNECTIONS", "0")], "MCP_MAX_CONNECTIONS"),
        (&[("HALO_CLIENT_SECRET_NAME", "s")], "KEY_VAULT_URL"),
        (
            &[("HALO_URL", "https://acme.halopsa.com")],
            "HALO_CLIENT_ID",
        ),
        (&[("MCP_AUTH_MODE", "api-key")], "MCP_API_KEYS_SECRET_NAME"),
    ];
    for (pairs, expected) in cases {
        let err = Config::load(&Env::from_pairs(pairs.iter().copied())).expect_err("should fail");
        assert_eq!(err.name, *expected, "for {pairs:?}: {err}");
        assert!(err.to_string().contains(expected));
    }
}

#[test]
fn unsafe_settings_stop_start_up_naming_the_variable() {
    let key = "MDEyMzQ1Njc4OTAxMjM0NTY3ODkwMTIzNDU2Nzg5MDE="; // 32 bytes
    let long = "0123456789abcdef0123456789abcdef";
    let cases: &[(&[(&str, &str)], &str)] = &[
        (&[("MCP_TOKEN_KEY", "c2hvcnQ=")], "MCP_TOKEN_KEY"),
        (&[("MCP_TOKEN_KEY", "not base64 at all!")], "MCP_TOKEN_KEY"),
        (
            &[("MCP_AUTH_MODE", "api-key"), ("MCP_API_KEYS", "k1")],
            "MCP_API_KEYS",
        ),
        (
            &[
                ("MCP_AUTH_MODE", "api-key"),
                (
                    "MCP_API_KEYS",
                    &format!("{long},0123456789abcdef0123456789abcde"),
                ),
            ],
            "MCP_API_KEYS",
        ),
        (&[("HALO_URL", "http://acme.halopsa.com")], "HALO_URL"),
        (&[("HALO_URL", "http://10.0.0.7:8080")], "HALO_URL"),
        (
            &[("HALO_AUTH_URL", "http://acme.halopsa.com/auth")],
            "HALO_AUTH_URL",
        ),
        (&[("PUBLIC_URL", "http://mcp.example.com")], "PUBLIC_URL"),
        (&[("BIND_ADDRESS", "10.0.0.7")], "PUBLIC_URL"),
        (
            &[("MCP_OAUTH_REDIRECT_ALLOWLIST", "*")],
            "MCP_OAUTH_REDIRECT_ALLOWLIST",
        ),
        (
            &[("MCP_OAUTH_REDIRECT_ALLOWLIST", "https://*")],
            "MCP_OAUTH_REDIRECT_ALLOWLIST",
        ),
        (
            &[(
                "MCP_OAUTH_REDIRECT_ALLOWLIST",
                "https://global.consent.azure-apim.net/redirect/*, https://*.example.com/cb",
            )],
            "MCP_OAUTH_REDIRECT_ALLOWLIST",
        ),
        (
            &[("MCP_OAUTH_REDIRECT_ALLOWLIST", "http://example.com/cb")],
            "MCP_OAUTH_REDIRECT_ALLOWLIST",
        ),
    ];
    for (pairs, expected) in cases {
        let err = Config::load(&Env::from_pairs(pairs.iter().copied())).expect_err("should fail");
        assert_eq!(err.name, *expected, "for {pairs:?}: {err}");
        assert!(err.to_string().contains(expected));
    }
    // Values never appear in the message.
    let err = Config::load(&Env::from_pairs([("MCP_TOKEN_KEY", "c2VjcmV0LXZhbHVl")]))
        .expect_err("short key");
    assert!(!err.to_string().contains("c2VjcmV0LXZhbHVl"), "{err}");
    // The safe forms load.
    for pairs in [
        vec![("MCP_TOKEN_KEY", key)],
        vec![("MCP_AUTH_MODE", "api-key"), ("MCP_API_KEYS", long)],
        vec![("PUBLIC_URL", "http://localhost:7071")],
        vec![("PUBLIC_URL", "https://mcp.example.com")],
        vec![
            ("BIND_ADDRESS", "0.0.0.0"),
            ("MCP_AUTH_MODE", "api-key"),
            ("MCP_API_KEYS", long),
        ],
        vec![(
            "MCP_OAUTH_REDIRECT_ALLOWLIST",
            "https://global.consent.azure-apim.net/redirect/halo-mcp-*, http://127.0.0.1:9/cb",
        )],
    ] {
        Config::load(&Env::from_pairs(pairs.iter().copied()))
            .unwrap_or_else(|e| panic!("{pairs:?} should load: {e}"));
    }
}

#[test]
fn secret_refs_never_print_their_value() {
    let s = SecretRef::Value("hunter2".into());
    assert!(!format!("{s:?}").contains("hunter2"));
}

#[test]
fn a_bad_log_filter_stops_start_up_naming_the_directive() {
    for (filter, bad) in [
        ("info,halo_mcp=loud", "halo_mcp=loud"),
        ("warn,rmcp=noisy", "rmcp=noisy"),
        ("info,[{", "[{"),
    ] {
        let err = Config::load(&Env::from_pairs([("RUST_LOG", filter)]))
            .expect_err("a bad filter must not load");
        assert_eq!(err.name, "RUST_LOG", "{err}");
        assert!(err.to_string().contains(&format!("'{bad}'")), "{err}");
    }
    for filter in [
        "debug",
        "info,halo_mcp=debug,rmcp=warn",
        "halo_mcp::tools=trace",
    ] {
        let config = Config::load(&Env::from_pairs([("RUST_LOG", filter)]))
            .unwrap_or_else(|e| panic!("{filter} should load: {e}"));
        assert_eq!(config.log_filter, filter);
    }
    let config = Config::load(&Env::from_pairs([])).expect("defaults load");
    assert_eq!(config.log_filter, DEFAULT_LOG_FILTER);
}

#[test]
fn every_default_is_what_the_loader_uses() {
    let config = Config::load(&Env::from_pairs([])).expect("defaults load");
    assert_eq!(config.connections, ConnectionSettings::DEFAULTS);
    assert_eq!(
        config.halo.timeout.as_secs(),
        halo::HALO_TIMEOUT_SECS.number()
    );
    assert_eq!(
        u64::from(config.halo.rate_limit),
        halo::HALO_RATE_LIMIT.number()
    );
    assert_eq!(config.halo.scopes, "all");
    assert_eq!(
        config.auth.redirect_allowlist,
        [DEFAULT_REDIRECT_ALLOWLIST.to_string()]
    );
    assert_eq!(config.allowed_hosts, ["127.0.0.1", "::1", "localhost"]);
    assert_eq!(
        config.auth.refresh_token_ttl.as_secs(),
        auth::MCP_REFRESH_TOKEN_TTL_SECS.number()
    );
    // A list of only separators falls back to the default, as a blank value does.
    let config = Config::load(&Env::from_pairs([("MCP_ALLOWED_HOSTS", " , ")])).unwrap();
    assert_eq!(config.allowed_hosts, ["127.0.0.1", "::1", "localhost"]);
}

#[test]
fn help_shows_each_default_once_from_the_table() {
    let help = settings_help();
    assert!(help.contains("PORT"), "{help}");
    assert!(help.contains("[default: 8080]"), "{help}");
    assert!(
        help.contains(&format!("[default: {DEFAULT_LOG_FILTER}]")),
        "{help}"
    );
    assert!(help.contains("[default: 2592000]"), "{help}");
    assert!(help.contains("[set by the platform]"), "{help}");
    assert_eq!(help.lines().count(), SETTINGS.len() + 1);
}
