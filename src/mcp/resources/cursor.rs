//! The `resources/list` cursor: opaque to clients, stateless, bounded, and refused cleanly
//! (`-32602`) when it is malformed, from an older cursor format, or from another server.
//!
//! A cursor is `base64url(version ‖ page ‖ tag)`, 18 characters. The tag is a truncated
//! SHA-256 over a fixed domain string, the deployment's Halo URL, the version and the page.
//! It is a checksum bound to the deployment, not a secret-keyed MAC, on purpose:
//! - the cursor grants nothing: it only names a page of a list the caller could ask for anyway,
//!   and every page is fetched from Halo with the caller's own credentials;
//! - every Flex Consumption instance of one deployment computes the same tag without sharing
//!   state or a key (a key exists only in `oauth` mode, and rotating it would break paging);
//! - it still tells apart what must be refused: bytes that were not issued by halo-mcp (tag),
//!   cursors of another halo-mcp deployment on a different Halo (tag), and cursors of a release
//!   with another format (version byte, checked first).

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::{Digest, Sha256};

/// Bumped whenever the layout or meaning of a cursor changes.
const VERSION: u8 = 1;
const TAG_BYTES: usize = 8;
const CURSOR_BYTES: usize = 1 + 4 + TAG_BYTES;
/// Anything longer than a cursor we issue is refused before decoding.
const MAX_CURSOR_CHARS: usize = 32;
const DOMAIN: &[u8] = b"halo-mcp resources/list cursor: kb articles\0";

/// The deepest page a cursor may name: 2,000 pages of the list page size is far more articles
/// than a knowledge base has, and it keeps a crafted cursor from sending Halo absurd page numbers.
pub const MAX_PAGE: u32 = 2_000;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CursorError {
    #[error(
        "'cursor' is malformed: pass back the nextCursor of the previous resources/list \
         unchanged, or list again without a cursor"
    )]
    Malformed,
    #[error("'cursor' comes from another version of halo-mcp; list again without a cursor")]
    OtherVersion,
    #[error(
        "'cursor' was not issued by this server (another server or deployment); list again \
         without a cursor"
    )]
    OtherServer,
}

/// Encodes and checks cursors for one deployment.
#[derive(Debug, Clone)]
pub struct CursorCodec {
    deployment: Vec<u8>,
}

impl CursorCodec {
    /// `deployment` names what the list is of: the Halo instance's base URL.
    pub fn new(deployment: &str) -> CursorCodec {
        CursorCodec {
            deployment: deployment.trim_end_matches('/').as_bytes().to_vec(),
        }
    }

    /// The cursor for `page` (from 1).
    pub fn encode(&self, page: u32) -> String {
        let mut bytes = Vec::with_capacity(CURSOR_BYTES);
        bytes.push(VERSION);
        bytes.extend_from_slice(&page.to_be_bytes());
        bytes.extend_from_slice(&self.tag(VERSION, page));
        URL_SAFE_NO_PAD.encode(bytes)
    }

    /// The page a cursor names.
    pub fn decode(&self, cursor: &str) -> Result<u32, CursorError> {
        if cursor.len() > MAX_CURSOR_CHARS {
            return Err(CursorError::Malformed);
        }
        let bytes = URL_SAFE_NO_PAD
            .decode(cursor)
            .map_err(|_| CursorError::Malformed)?;
        match bytes.first() {
            None => return Err(CursorError::Malformed),
            Some(&VERSION) => {}
            Some(_) => return Err(CursorError::OtherVersion),
        }
        if bytes.len() != CURSOR_BYTES {
            return Err(CursorError::Malformed);
        }
        let mut page = [0u8; 4];
        page.copy_from_slice(&bytes[1..5]);
        let page = u32::from_be_bytes(page);
        if bytes[5..] != self.tag(VERSION, page) {
            return Err(CursorError::OtherServer);
        }
        if !(2..=MAX_PAGE).contains(&page) {
            // We only ever issue cursors for pages 2..=MAX_PAGE.
            return Err(CursorError::Malformed);
        }
        Ok(page)
    }

    fn tag(&self, version: u8, page: u32) -> [u8; TAG_BYTES] {
        let digest = Sha256::new()
            .chain_update(DOMAIN)
            .chain_update((self.deployment.len() as u64).to_be_bytes())
            .chain_update(&self.deployment)
            .chain_update([version])
            .chain_update(page.to_be_bytes())
            .finalize();
        let mut tag = [0u8; TAG_BYTES];
        tag.copy_from_slice(&digest[..TAG_BYTES]);
        tag
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codec() -> CursorCodec {
        CursorCodec::new("https://acme.halopsa.com/")
    }

    #[test]
    fn cursors_round_trip_and_are_short() {
        let cursor = codec().encode(7);
        assert!(cursor.len() <= MAX_CURSOR_CHARS);
        assert_eq!(codec().decode(&cursor), Ok(7));
        // The same deployment on another instance (trailing slash or not) accepts it.
        assert_eq!(
            CursorCodec::new("https://acme.halopsa.com").decode(&cursor),
            Ok(7)
        );
    }

    #[test]
    fn garbage_is_malformed() {
        for cursor in ["", "!!!", "abc", "eyJwYWdlIjoyfQ", &"A".repeat(500)] {
            assert!(codec().decode(cursor).is_err(), "{cursor}");
        }
        assert_eq!(codec().decode("!!!"), Err(CursorError::Malformed));
    }

    #[test]
    fn another_deployment_or_a_changed_byte_is_refused() {
        let theirs = CursorCodec::new("https://other.halopsa.com").encode(2);
        assert_eq!(codec().decode(&theirs), Err(CursorError::OtherServer));
        let mut bytes = URL_SAFE_NO_PAD.decode(codec().encode(2)).unwrap();
        bytes[4] ^= 1; // page 2 -> 3 without a matching tag
        let forged = URL_SAFE_NO_PAD.encode(bytes);
        assert_eq!(codec().decode(&forged), Err(CursorError::OtherServer));
    }

    #[test]
    fn another_format_version_is_refused_as_such() {
        let mut bytes = URL_SAFE_NO_PAD.decode(codec().encode(2)).unwrap();
        bytes[0] = 0;
        assert_eq!(
            codec().decode(&URL_SAFE_NO_PAD.encode(&bytes)),
            Err(CursorError::OtherVersion)
        );
        // An older, shorter layout is still reported as another version.
        assert_eq!(
            codec().decode(&URL_SAFE_NO_PAD.encode([0u8, 2])),
            Err(CursorError::OtherVersion)
        );
    }

    #[test]
    fn pages_we_never_issue_are_refused() {
        let c = codec();
        for page in [0, 1, MAX_PAGE + 1, u32::MAX] {
            let mut bytes = vec![VERSION];
            bytes.extend_from_slice(&page.to_be_bytes());
            bytes.extend_from_slice(&c.tag(VERSION, page));
            assert_eq!(
                c.decode(&URL_SAFE_NO_PAD.encode(bytes)),
                Err(CursorError::Malformed),
                "page {page}"
            );
        }
    }
}
