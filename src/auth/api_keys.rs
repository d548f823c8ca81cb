//! API keys (api-key mode): the configured keys, compared in constant time.

use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

/// Returns the 1-based position of the matching key, for the log's subject. Keys are hashed
/// first so the comparison takes the same time whatever the lengths, then every key is compared
/// (no early exit) so timing reveals neither which key matched nor how much of one did.
pub fn matching_key(configured: &str, presented: &str) -> Option<usize> {
    let presented = Sha256::digest(presented.trim().as_bytes());
    let mut found = None;
    for (index, key) in configured
        .split([',', '\n'])
        .map(str::trim)
        .filter(|k| !k.is_empty())
        .enumerate()
    {
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
}
