//! API keys (api-key mode): the configured keys, compared in constant time, each at least
//! [`MIN_KEY_CHARS`] long (checked at start-up for a plain value, on every read from Key Vault).

use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

/// Shortest accepted API key: 32 characters, about 190 bits as `openssl rand -base64 32` writes.
pub const MIN_KEY_CHARS: usize = 32;

/// The keys in a configured value (comma- or newline-separated, blanks ignored).
pub fn keys(configured: &str) -> impl Iterator<Item = &str> {
    configured
        .split([',', '\n'])
        .map(str::trim)
        .filter(|k| !k.is_empty())
}

/// Checks every configured key is long enough; the error says which one (by position, never
/// by value).
pub fn check_keys(configured: &str) -> Result<(), String> {
    if keys(configured).next().is_none() {
        return Err("holds no API key".into());
    }
    match keys(configured).position(|k| k.chars().count() < MIN_KEY_CHARS) {
        Some(index) => Err(format!(
            "API key #{} is shorter than {MIN_KEY_CHARS} characters (generate one with `openssl rand -base64 32`)",
            index + 1
        )),
        None => Ok(()),
    }
}

/// Returns the 1-based position of the matching key, for the log's subject. Keys are hashed
/// first so the comparison takes the same time whatever the lengths, then every key is compared
/// (no early exit) so timing reveals neither which key matched nor how much of one did.
pub fn matching_key(configured: &str, presented: &str) -> Option<usize> {
    let presented = Sha256::digest(presented.trim().as_bytes());
    let mut found = None;
    for (index, key) in keys(configured).enumerate() {
        let candidate = Sha256::digest(key.as_bytes());
        if bool::from(candidate.ct_eq(&presented)) && found.is_none() {
            found = Some(index + 1);
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_key() {
        assert_eq!(matching_key("a1, b2,c3", "b2"), Some(2));
        assert_eq!(matching_key("a1,b2", "b"), None);
        assert_eq!(matching_key("", ""), None);
    }

    #[test]
    fn short_keys_are_named_by_position() {
        let long = "k".repeat(MIN_KEY_CHARS);
        assert!(check_keys(&format!("{long},{long}2")).is_ok());
        let err = check_keys(&format!("{long}, tiny")).unwrap_err();
        assert!(err.contains("#2") && !err.contains("tiny"), "{err}");
        assert!(check_keys(" , ").is_err());
    }
}
