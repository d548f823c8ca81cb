//! Self-contained tokens: every pending authorization, consent request, authorization code, access token,
//! refresh token and dynamically registered client is a JSON payload sealed with AES-256-GCM
//! (the `aes-gcm` crate), so any instance can check any token and nothing is stored.
//!
//! Wire form: `hm1.<key id>.<base64url(nonce ‖ ciphertext ‖ tag)>`. The token kind and the key id
//! are bound as associated data, so a token of one kind can never be accepted as another, and
//! the key id selects the current or previous key during a rotation. The payload carries the
//! expiry, the audience (this server's resource URL) and the client id.

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Key, Nonce};
use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use rand::RngCore;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

const PREFIX: &str = "hm1";
const NONCE_LEN: usize = 12;

/// What a sealed token is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenKind {
    /// The `state` we send to Halo while the user signs in.
    Pending,
    /// A validated authorization request waiting on the consent page (dynamically registered
    /// clients only); doubles as the page's CSRF token.
    Consent,
    /// The authorization code we hand the client.
    Code,
    Access,
    Refresh,
    /// A dynamically registered client (its `client_id`).
    Client,
    /// A dynamically registered client's secret.
    ClientSecret,
    /// The consent page's browser-binding cookie: sealed so the server only adopts values it
    /// issued itself.
    Browser,
}

impl TokenKind {
    fn label(self) -> &'static str {
        match self {
            TokenKind::Pending => "pending",
            TokenKind::Consent => "consent",
            TokenKind::Code => "code",
            TokenKind::Access => "access",
            TokenKind::Refresh => "refresh",
            TokenKind::Client => "client",
            TokenKind::ClientSecret => "client-secret",
            TokenKind::Browser => "browser",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TokenError {
    #[error("the token is malformed")]
    Malformed,
    #[error("the token was sealed with a key this server does not have")]
    UnknownKey,
    /// Tampered with, or of another kind.
    #[error("the token failed its integrity check")]
    Invalid,
    #[error("the token has expired")]
    Expired,
    #[error("the token was issued for another resource")]
    WrongAudience,
    #[error("the token key is not 32 bytes of base64")]
    BadKey,
}

/// One AES-256 key and its id (a digest prefix, so the id reveals nothing about the key).
#[derive(Clone)]
pub struct TokenKey {
    id: String,
    cipher: Aes256Gcm,
}

impl std::fmt::Debug for TokenKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "TokenKey({})", self.id)
    }
}

impl TokenKey {
    /// Parses a base64 (standard or URL-safe) 32-byte key.
    pub fn from_base64(text: &str) -> Result<TokenKey, TokenError> {
        let text = text.trim();
        let bytes = STANDARD
            .decode(text)
            .or_else(|_| URL_SAFE_NO_PAD.decode(text.trim_end_matches('=')))
            .map_err(|_| TokenError::BadKey)?;
        Self::from_bytes(&bytes)
    }

    pub fn from_bytes(bytes: &[u8]) -> Result<TokenKey, TokenError> {
        if bytes.len() != 32 {
            return Err(TokenError::BadKey);
        }
        let digest = Sha256::digest(bytes);
        let id = URL_SAFE_NO_PAD.encode(&digest[..6]);
        Ok(TokenKey {
            id,
            cipher: Aes256Gcm::new(Key::<Aes256Gcm>::from_slice(bytes)),
        })
    }

    /// A fresh random key (the embedded sandbox when no key is configured).
    pub fn generate() -> TokenKey {
        let mut bytes = [0u8; 32];
        rand::rng().fill_bytes(&mut bytes);
        // 32 bytes is always a valid length.
        match Self::from_bytes(&bytes) {
            Ok(key) => key,
            Err(_) => unreachable!("32-byte key"),
        }
    }

    pub fn id(&self) -> &str {
        &self.id
    }
}

/// The claims every sealed token carries around its payload.
#[derive(Serialize, Deserialize)]
struct Sealed<T> {
    /// Expiry, Unix seconds; 0 = never (registered clients).
    exp: i64,
    aud: String,
    cid: String,
    #[serde(rename = "p")]
    payload: T,
}

/// An opened token.
#[derive(Debug, Clone)]
pub struct Opened<T> {
    pub payload: T,
    pub client_id: String,
    pub expires_at: i64,
}

/// Seals and opens tokens with the current key (and accepts the previous one).
#[derive(Clone, Debug)]
pub struct TokenCodec {
    current: TokenKey,
    previous: Option<TokenKey>,
}

pub fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

impl TokenCodec {
    pub fn new(current: TokenKey, previous: Option<TokenKey>) -> TokenCodec {
        TokenCodec { current, previous }
    }

    fn aad(kind: TokenKind, key_id: &str) -> String {
        format!("{PREFIX}.{key_id}.{}", kind.label())
    }

    /// Seals `payload` for `audience` and `client_id`, valid for `ttl_secs` (0 = no expiry).
    pub fn seal<T: Serialize>(
        &self,
        kind: TokenKind,
        audience: &str,
        client_id: &str,
        ttl_secs: i64,
        payload: &T,
    ) -> String {
        let exp = if ttl_secs == 0 { 0 } else { now() + ttl_secs };
        self.seal_until(kind, audience, client_id, exp, payload)
    }

    /// As [`seal`](Self::seal), with an absolute expiry.
    pub fn seal_until<T: Serialize>(
        &self,
        kind: TokenKind,
        audience: &str,
        client_id: &str,
        exp: i64,
        payload: &T,
    ) -> String {
        let claims = Sealed {
            exp,
            aud: audience.to_string(),
            cid: client_id.to_string(),
            payload,
        };
        // Serialising plain structs of strings and numbers cannot fail.
        let plaintext = serde_json::to_vec(&claims).unwrap_or_default();
        let mut nonce = [0u8; NONCE_LEN];
        rand::rng().fill_bytes(&mut nonce);
        let aad = Self::aad(kind, &self.current.id);
        let ciphertext = self
            .current
            .cipher
            .encrypt(
                Nonce::from_slice(&nonce),
                Payload {
                    msg: &plaintext,
                    aad: aad.as_bytes(),
                },
            )
            .unwrap_or_default();
        let mut body = nonce.to_vec();
        body.extend_from_slice(&ciphertext);
        format!(
            "{PREFIX}.{}.{}",
            self.current.id,
            URL_SAFE_NO_PAD.encode(body)
        )
    }

    /// Opens a token of `kind`, checking integrity, expiry and audience.
    pub fn open<T: DeserializeOwned>(
        &self,
        kind: TokenKind,
        audience: &str,
        token: &str,
    ) -> Result<Opened<T>, TokenError> {
        let mut parts = token.trim().splitn(3, '.');
        let (Some(PREFIX), Some(key_id), Some(body)) = (parts.next(), parts.next(), parts.next())
        else {
            return Err(TokenError::Malformed);
        };
        let key = if key_id == self.current.id {
            &self.current
        } else {
            match &self.previous {
                Some(previous) if previous.id == key_id => previous,
                _ => return Err(TokenError::UnknownKey),
            }
        };
        let bytes = URL_SAFE_NO_PAD
            .decode(body)
            .map_err(|_| TokenError::Malformed)?;
        if bytes.len() <= NONCE_LEN {
            return Err(TokenError::Malformed);
        }
        let (nonce, ciphertext) = bytes.split_at(NONCE_LEN);
        let aad = Self::aad(kind, key_id);
        let plaintext = key
            .cipher
            .decrypt(
                Nonce::from_slice(nonce),
                Payload {
                    msg: ciphertext,
                    aad: aad.as_bytes(),
                },
            )
            .map_err(|_| TokenError::Invalid)?;
        let sealed: Sealed<T> =
            serde_json::from_slice(&plaintext).map_err(|_| TokenError::Malformed)?;
        if sealed.exp != 0 && sealed.exp <= now() {
            return Err(TokenError::Expired);
        }
        if sealed.aud != audience {
            return Err(TokenError::WrongAudience);
        }
        Ok(Opened {
            payload: sealed.payload,
            client_id: sealed.cid,
            expires_at: sealed.exp,
        })
    }
}

/// A random URL-safe string with `bytes` bytes of entropy (PKCE verifiers).
pub fn random_string(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    rand::rng().fill_bytes(&mut buf);
    URL_SAFE_NO_PAD.encode(buf)
}

#[cfg(test)]
mod tests {
    use super::*;

    const AUD: &str = "https://mcp.example/mcp";

    fn codec() -> TokenCodec {
        TokenCodec::new(TokenKey::generate(), None)
    }

    #[test]
    fn round_trips_and_binds_kind_audience_and_expiry() {
        let c = codec();
        let t = c.seal(TokenKind::Access, AUD, "client", 60, &"halo-token");
        let opened: Opened<String> = c.open(TokenKind::Access, AUD, &t).unwrap();
        assert_eq!(opened.payload, "halo-token");
        assert_eq!(opened.client_id, "client");
        assert!(!t.contains("halo-token"));
        assert_eq!(
            c.open::<String>(TokenKind::Refresh, AUD, &t).unwrap_err(),
            TokenError::Invalid
        );
        assert_eq!(
            c.open::<String>(TokenKind::Access, "https://other/mcp", &t)
                .unwrap_err(),
            TokenError::WrongAudience
        );
        let expired = c.seal_until(TokenKind::Access, AUD, "client", now() - 1, &"x");
        assert_eq!(
            c.open::<String>(TokenKind::Access, AUD, &expired)
                .unwrap_err(),
            TokenError::Expired
        );
    }

    #[test]
    fn tampering_is_detected() {
        let c = codec();
        let t = c.seal(TokenKind::Code, AUD, "client", 60, &"x");
        let mut bytes = t.into_bytes();
        let last = bytes.len() - 3;
        bytes[last] = if bytes[last] == b'A' { b'B' } else { b'A' };
        let tampered = String::from_utf8(bytes).unwrap();
        assert!(c.open::<String>(TokenKind::Code, AUD, &tampered).is_err());
        assert_eq!(
            c.open::<String>(TokenKind::Code, AUD, "nonsense")
                .unwrap_err(),
            TokenError::Malformed
        );
    }

    #[test]
    fn the_previous_key_is_accepted_during_rotation() {
        let old = TokenKey::generate();
        let before = TokenCodec::new(old.clone(), None);
        let t = before.seal(TokenKind::Refresh, AUD, "c", 60, &1u8);
        let after = TokenCodec::new(TokenKey::generate(), Some(old));
        assert_eq!(
            after
                .open::<u8>(TokenKind::Refresh, AUD, &t)
                .unwrap()
                .payload,
            1
        );
        let later = TokenCodec::new(TokenKey::generate(), None);
        assert_eq!(
            later.open::<u8>(TokenKind::Refresh, AUD, &t).unwrap_err(),
            TokenError::UnknownKey
        );
    }

    #[test]
    fn keys_must_be_32_bytes() {
        assert!(TokenKey::from_base64(&STANDARD.encode([7u8; 32])).is_ok());
        assert_eq!(
            TokenKey::from_base64("c2hvcnQ=").unwrap_err(),
            TokenError::BadKey
        );
    }
}
