//! The resource URIs, `halo://tickets/{ticket_id}` and `halo://kb/{article_id}`: parsed strictly
//! (canonical positive ids only) so nothing malformed ever reaches Halo.

use std::fmt;

/// The URI template of a ticket (RFC 6570).
pub const TICKET_TEMPLATE: &str = "halo://tickets/{ticket_id}";
/// The URI template of a knowledge-base article (RFC 6570).
pub const ARTICLE_TEMPLATE: &str = "halo://kb/{article_id}";

const SCHEME: &str = "halo";
/// Ids are Halo's integer keys; 15 digits is far beyond any real id and well inside `i64`.
const MAX_ID_DIGITS: usize = 15;
/// How much of a refused URI an error message repeats.
const SHOWN_CHARS: usize = 120;

/// A Halo record this server can read as a resource.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResourceUri {
    Ticket(i64),
    Article(i64),
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UriError {
    /// Not a URI, or a `halo:` URI that fits neither template.
    #[error(
        "'uri' {0} is not a Halo resource URI: use halo://tickets/{{ticket_id}} or \
         halo://kb/{{article_id}} with the record's number (a positive whole number)"
    )]
    Malformed(String),
    /// A well-formed URI of another scheme: no such resource here.
    #[error(
        "no resource {0} on this server: it serves halo://tickets/{{ticket_id}} and \
         halo://kb/{{article_id}}"
    )]
    Foreign(String),
}

impl ResourceUri {
    pub fn parse(uri: &str) -> Result<ResourceUri, UriError> {
        let Some((scheme, rest)) = uri.split_once(':') else {
            return Err(UriError::Malformed(shown(uri)));
        };
        if !is_scheme(scheme) {
            return Err(UriError::Malformed(shown(uri)));
        }
        if !scheme.eq_ignore_ascii_case(SCHEME) {
            return Err(UriError::Foreign(shown(uri)));
        }
        let malformed = || UriError::Malformed(shown(uri));
        let (collection, id) = rest
            .strip_prefix("//")
            .and_then(|path| path.split_once('/'))
            .ok_or_else(malformed)?;
        let id = parse_id(id).ok_or_else(malformed)?;
        match collection {
            "tickets" => Ok(ResourceUri::Ticket(id)),
            "kb" => Ok(ResourceUri::Article(id)),
            _ => Err(malformed()),
        }
    }

    pub fn id(self) -> i64 {
        match self {
            ResourceUri::Ticket(id) | ResourceUri::Article(id) => id,
        }
    }
}

impl fmt::Display for ResourceUri {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ResourceUri::Ticket(id) => write!(f, "{SCHEME}://tickets/{id}"),
            ResourceUri::Article(id) => write!(f, "{SCHEME}://kb/{id}"),
        }
    }
}

/// RFC 3986 `scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." )`.
fn is_scheme(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
}

/// Canonical decimal only: no sign, no leading zero, no trailing path, query or fragment.
fn parse_id(s: &str) -> Option<i64> {
    let canonical = !s.is_empty()
        && s.len() <= MAX_ID_DIGITS
        && s.bytes().all(|b| b.is_ascii_digit())
        && !s.starts_with('0');
    canonical.then(|| s.parse().ok()).flatten()
}

/// The URI as an error message shows it: quoted, escaped, and cut when long.
fn shown(uri: &str) -> String {
    let mut cut: String = uri.chars().take(SHOWN_CHARS).collect();
    if cut.len() < uri.len() {
        cut.push('…');
    }
    format!("'{}'", cut.escape_debug())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_uris_round_trip() {
        for uri in [ResourceUri::Ticket(1001), ResourceUri::Article(7)] {
            assert_eq!(ResourceUri::parse(&uri.to_string()), Ok(uri));
        }
        assert_eq!(
            ResourceUri::parse("HALO://tickets/5"),
            Ok(ResourceUri::Ticket(5))
        );
    }

    #[test]
    fn malformed_uris_are_refused_before_halo() {
        for uri in [
            "",
            "1001",
            "tickets/1001",
            "halo://tickets/",
            "halo://tickets/0",
            "halo://tickets/007",
            "halo://tickets/-1",
            "halo://tickets/+1",
            "halo://tickets/1.5",
            "halo://tickets/1001/actions",
            "halo://tickets/1001?x=1",
            "halo://tickets/1001#top",
            "halo://tickets/ 1001",
            "halo://tickets/99999999999999999999",
            "halo://Tickets/1",
            "halo://assets/1",
            "halo:tickets/1",
            "halo:///tickets/1",
            "1halo://tickets/1",
            "ha lo://tickets/1",
        ] {
            assert!(
                matches!(ResourceUri::parse(uri), Err(UriError::Malformed(_))),
                "{uri:?} should be malformed"
            );
        }
    }

    #[test]
    fn other_schemes_are_not_found_rather_than_malformed() {
        for uri in ["test://static-text", "file:///etc/passwd", "https://x/y"] {
            assert!(matches!(ResourceUri::parse(uri), Err(UriError::Foreign(_))));
        }
    }

    #[test]
    fn messages_quote_a_bounded_escaped_uri() {
        let long = format!("halo://tickets/{}\n", "x".repeat(5000));
        let message = ResourceUri::parse(&long).unwrap_err().to_string();
        assert!(message.len() < 400, "{message}");
        assert!(message.contains("halo://tickets/{ticket_id}"));
        assert!(!message.contains('\n'));
    }
}
