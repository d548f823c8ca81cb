//! The `resources/list` cursor: opaque to clients, stateless, bounded, and refused cleanly
//! (`-32602`) when it is malformed, from an older cursor format, or from another server.
//!
//! A cursor is `hmc<version>.<base64url(page ‖ tag)>`, 21 characters. The tag is a truncated
//! SHA-256 over a fixed domain string, the deployment's Halo URL, the version and the page.
//! It is a checksum bound to the deployment, not a secret-keyed MAC, on purpose:
//! - the cursor grants nothing: it only names a page of a list the caller could ask for anyway,
//!   and every page is fetched from Halo with the caller's own credentials;
//! - every Flex Consumption instance of one deployment computes the same tag without sharing
//!   state or a key (a key exists only in `oauth` mode, and rotating it would break paging);
//! - it still tells apart what must be refused: text that is no halo-mcp cursor (prefix),
//!   cursors of a release with another format (version, checked before anything else), and
//!   cursors of another halo-mcp deployment on a different Halo, or altered ones (tag).

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::{Digest, Sha256};

/// What every halo-mcp cursor starts with, before its version.
const PREFIX: &str = "hmc";
/// Bumped whenever the layout or meaning of a cursor changes.
const VERSION: u8 = 1;
const TAG_BYTES: usize = 8;
const PAYLOAD_BYTES: usize = 4 + TAG_BYTES;
/// Anything longer than a cursor we issue is refused before decoding.
const MAX_CURSOR_CHARS: usize = 32;
const DOMAIN: &[u8] = b"halo-mcp resources/list cursor: kb articles\0";

/// The deepest page a cursor may name: 2,000 pages of the list page size is far more articles
/// than a knowledge base has, and it keeps a crafted cursor from sending Halo absurd page numbers.
pub const MAX_PAGE: u32 = 2_000;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CursorError {
    #[error(
        "'cursor' is not a cursor this server issued (malformed): pass back the nextCursor of \
         the previous resources/list unchanged, or list again without a cursor"
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
        let mut bytes = Vec::with_capacity(PAYLOAD_BYTES);
        bytes.extend_from_slice(&page.to_be_bytes());
        bytes.extend_from_slice(&self.tag(VERSION, page));
        format!("{PREFIX}{VERSION}.{}", URL_SAFE_NO_PAD.encode(bytes))
    }

    /// The page a cursor names.
    pub fn decode(&self, cursor: &str) -> Result<u32, CursorError> {
        if cursor.len() > MAX_CURSOR_CHARS {
            return Err(CursorError::Malformed);
        }
        let (version, payload) = cursor
            .strip_prefix(PREFIX)
            .and_then(|rest| rest.split_once('.'))
            .ok_or(CursorError::Malformed)?;
        match version.parse::<u8>() {
            Ok(VERSION) => {}
            Ok(_) => return Err(CursorError::OtherVersion),
            Err(_) => return Err(CursorError::Malformed),
        }
        let bytes = URL_SAFE_NO_PAD
            .decode(payload)
            .map_err(|_| CursorError::Malformed)?;
        if bytes.len() != PAYLOAD_BYTES {
            return Err(CursorError::Malformed);
        }
        let mut page = [0u8; 4];
        page.copy_from_slice(&bytes[..4]);
        let page = u32::from_be_bytes(page);
        if bytes[4..] != self.tag(VERSION, page) {
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
        for cursor in [
            "",
            "!!!",
            "not-a-cursor",
            "eyJwYWdlIjoyfQ",
            "hmc1",
            "hmc1.",
            "hmc1.!!!",
            "hmcx.AAAA",
            "hmc1.AAAA",
            &"A".repeat(500),
        ] {
            assert_eq!(
                codec().decode(cursor),
                Err(CursorError::Malformed),
                "{cursor}"
            );
        }
    }

    #[test]
    fn another_deployment_or_a_changed_byte_is_refused() {
        let theirs = CursorCodec::new("https://other.halopsa.com").encode(2);
        assert_eq!(codec().decode(&theirs), Err(CursorError::OtherServer));
        let ours = codec().encode(2);
        let mut bytes = URL_SAFE_NO_PAD.decode(&ours[5..]).unwrap();
        bytes[3] ^= 1; // page 2 -> 3 without a matching tag
        let forged = format!("hmc1.{}", URL_SAFE_NO_PAD.encode(bytes));
        assert_eq!(codec().decode(&forged), Err(CursorError::OtherServer));
    }

    #[test]
    fn another_format_version_is_refused_as_such() {
        let ours = codec().encode(2);
        assert!(ours.starts_with("hmc1."), "{ours}");
        for other in [format!("hmc0.{}", &ours[5..]), "hmc2.AAAA".into()] {
            assert_eq!(codec().decode(&other), Err(CursorError::OtherVersion));
        }
    }

    #[test]
    fn no_input_panics() {
        let c = codec();
        for len in 0..40 {
            let payload = URL_SAFE_NO_PAD.encode(vec![0xA5u8; len]);
            for cursor in [format!("hmc1.{payload}"), payload, format!("hmc1.{len}é")] {
                assert!(c.decode(&cursor).is_err(), "{cursor}");
            }
        }
    }

    #[test]
    fn pages_we_never_issue_are_refused() {
        let c = codec();
        for page in [0, 1, MAX_PAGE + 1, u32::MAX] {
            let mut bytes = page.to_be_bytes().to_vec();
            bytes.extend_from_slice(&c.tag(VERSION, page));
            assert_eq!(
                c.decode(&format!("hmc1.{}", URL_SAFE_NO_PAD.encode(bytes))),
                Err(CursorError::Malformed),
                "page {page}"
            );
        }
    }
}
