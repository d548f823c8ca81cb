//! The encrypted-token parser: `auth::tokens::TokenCodec::open`, which every OAuth token,
//! authorization code, pending sign-in and registered client id goes through.
//!
//! The first input byte picks the property (seed files start with `0` or `1` to stay text):
//! - even: the rest (as text) is opened as every token kind with a codec holding the fuzzing
//!   keys (current and previous). It must never panic; a token that opens must open as exactly
//!   one kind, and must be exactly the canonical text the sealer writes (no second spelling of
//!   a token is accepted). Forging is out of reach of a fuzzer; the seed corpus holds real
//!   tokens sealed with these keys (`fuzz/seeds.py`), so mutations of valid tokens are tried.
//! - odd: the rest is claims (kind, expiry, client id, payload) that are sealed and opened
//!   again: equal payload and client id; refused as another kind, for another audience, under
//!   an unrelated key, after expiry, and after any one character is changed.

#![no_main]

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use halo_mcp::auth::oauth::claims::{
    AccessClaims, ClientClaims, CodeClaims, ConsentClaims, PendingClaims, RefreshClaims,
};
use halo_mcp::auth::tokens::{TokenCodec, TokenError, TokenKey, TokenKind, now};
use libfuzzer_sys::fuzz_target;
use serde_json::Value;

/// The fuzzing keys: fixed, so seeds sealed by `fuzz/seeds.py` open. Not secret.
const CURRENT: &[u8; 32] = b"halo-mcp fuzzing key, not secret";
const PREVIOUS: &[u8; 32] = b"halo-mcp fuzzing key, previous!!";
const UNRELATED: &[u8; 32] = b"some other deployment's key.....";
const AUDIENCE: &str = "https://mcp.example/mcp";

const KINDS: [TokenKind; 8] = [
    TokenKind::Pending,
    TokenKind::Code,
    TokenKind::Access,
    TokenKind::Refresh,
    TokenKind::Client,
    TokenKind::ClientSecret,
    TokenKind::Consent,
    TokenKind::Browser,
];

fn key(bytes: &[u8; 32]) -> TokenKey {
    TokenKey::from_bytes(bytes).expect("a 32-byte key")
}

fn open_arbitrary(text: &str) {
    let codec = TokenCodec::new(key(CURRENT), Some(key(PREVIOUS)));
    // Each kind with the payload type the server really opens it as.
    let _ = codec.open::<PendingClaims>(TokenKind::Pending, AUDIENCE, text);
    let _ = codec.open::<CodeClaims>(TokenKind::Code, AUDIENCE, text);
    let _ = codec.open::<AccessClaims>(TokenKind::Access, AUDIENCE, text);
    let _ = codec.open::<RefreshClaims>(TokenKind::Refresh, AUDIENCE, text);
    let _ = codec.open::<ClientClaims>(TokenKind::Client, AUDIENCE, text);
    let _ = codec.open::<()>(TokenKind::ClientSecret, AUDIENCE, text);
    let _ = codec.open::<ConsentClaims>(TokenKind::Consent, AUDIENCE, text);
    let _ = codec.open::<()>(TokenKind::Browser, AUDIENCE, text);
    let opened: Vec<TokenKind> = KINDS
        .into_iter()
        .filter(|kind| codec.open::<Value>(*kind, AUDIENCE, text).is_ok())
        .collect();
    assert!(
        opened.len() <= 1,
        "one token opened as several kinds {opened:?}: {text:?}"
    );
    if opened.is_empty() {
        return;
    }
    // The sealer writes `hm1.<key id>.<base64url, no padding>`; anything else that opens would
    // mean two spellings of one token (e.g. a replay check keyed on the text would miss it).
    let trimmed = text.trim();
    let mut parts = trimmed.splitn(3, '.');
    let (_, key_id, body) = (parts.next(), parts.next().unwrap(), parts.next().unwrap());
    let canonical = format!(
        "hm1.{key_id}.{}",
        URL_SAFE_NO_PAD.encode(URL_SAFE_NO_PAD.decode(body).unwrap())
    );
    assert_eq!(trimmed, canonical, "a non-canonical token opened");
    let stranger = TokenCodec::new(key(UNRELATED), None);
    assert_eq!(
        stranger
            .open::<Value>(opened[0], AUDIENCE, text)
            .unwrap_err(),
        TokenError::UnknownKey
    );
}

fn round_trip(data: &[u8]) {
    let [kind, exp_sel, flip_at, rest @ ..] = data else {
        return;
    };
    let kind = KINDS[*kind as usize % KINDS.len()];
    let now = now();
    // Never, a little past, or a little to come (the sealer's callers use minutes to days).
    let exp = match exp_sel % 4 {
        0 => 0,
        1 => now - 1 - i64::from(*exp_sel),
        _ => now + 60 + i64::from(*exp_sel),
    };
    let text = String::from_utf8_lossy(rest);
    let (client_id, payload) = text.split_once('\n').unwrap_or((&text, ""));

    let old = TokenCodec::new(key(PREVIOUS), None);
    let codec = TokenCodec::new(key(CURRENT), Some(key(PREVIOUS)));
    for (sealer, opener) in [(&codec, &codec), (&old, &codec)] {
        let token = sealer.seal_until(kind, AUDIENCE, client_id, exp, &payload);
        let result = opener.open::<String>(kind, AUDIENCE, &token);
        if exp != 0 && exp <= now {
            assert_eq!(result.unwrap_err(), TokenError::Expired);
            continue;
        }
        let opened = result.expect("a token just sealed opens");
        assert_eq!(opened.payload, payload);
        assert_eq!(opened.client_id, client_id);
        assert_eq!(opened.expires_at, exp);
        for other in KINDS.into_iter().filter(|k| *k != kind) {
            assert_eq!(
                opener.open::<String>(other, AUDIENCE, &token).unwrap_err(),
                TokenError::Invalid
            );
        }
        assert_eq!(
            opener
                .open::<String>(kind, "https://other.example/mcp", &token)
                .unwrap_err(),
            TokenError::WrongAudience
        );
        let stranger = TokenCodec::new(key(UNRELATED), None);
        assert_eq!(
            stranger.open::<String>(kind, AUDIENCE, &token).unwrap_err(),
            TokenError::UnknownKey
        );
        // Change one character (the token is ASCII; flipping the low bit keeps it ASCII and
        // never makes whitespace, which `open` would trim away).
        let mut tampered = token.clone().into_bytes();
        let at = *flip_at as usize % tampered.len();
        tampered[at] ^= 1;
        let tampered = String::from_utf8(tampered).expect("ASCII");
        assert!(
            opener.open::<String>(kind, AUDIENCE, &tampered).is_err(),
            "a tampered token opened: {token} -> {tampered}"
        );
    }
}

fuzz_target!(|data: &[u8]| {
    match data.split_first() {
        Some((selector, rest)) if selector % 2 == 0 => {
            open_arbitrary(&String::from_utf8_lossy(rest))
        }
        Some((_, rest)) => round_trip(rest),
        None => {}
    }
});
