//! Reading Halo's date strings. Real tenants write timestamps with up to seven fractional digits
//! (.NET ticks), with or without a zone (no zone means UTC), and an unset date as a sentinel such
//! as `1900-01-01T00:00:00`, `0001-01-01T00:00:00` or `1899-12-30T00:00:00` (the OLE zero date)
//! rather than `null`. Every tool reads dates through [`parse`], so a sentinel is never shown,
//! compared or sorted as a real date.

use chrono::{DateTime, Datelike, NaiveDateTime, SecondsFormat, Utc};

/// Halo stores nothing meaningful before this year; anything earlier is a "not set" sentinel.
const FIRST_REAL_YEAR: i32 = 1901;

/// A set date, or `None` for an empty value, a sentinel or text that is not a date.
pub fn parse(value: &str) -> Option<DateTime<Utc>> {
    parse_any(value).filter(|at| at.year() >= FIRST_REAL_YEAR)
}

/// Whether `value` is one of Halo's "not set" dates (free-form data such as report cells can hold
/// them too).
pub fn is_sentinel(value: &str) -> bool {
    parse_any(value).is_some_and(|at| at.year() < FIRST_REAL_YEAR)
}

fn parse_any(value: &str) -> Option<DateTime<Utc>> {
    let v = value.trim();
    if v.is_empty() {
        return None;
    }
    DateTime::parse_from_rfc3339(v)
        .map(|d| d.with_timezone(&Utc))
        .ok()
        .or_else(|| {
            ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%d %H:%M:%S%.f"]
                .iter()
                .find_map(|f| NaiveDateTime::parse_from_str(v, f).ok())
                .map(|d| d.and_utc())
        })
}

/// The form Halo takes in request bodies and query parameters (`yyyy-MM-ddTHH:mm:ssZ`, UTC, as
/// Halo's PowerShell module sends).
pub fn wire(at: DateTime<Utc>) -> String {
    at.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// The date as tools show it: UTC to the second, e.g. `2026-11-24T15:00:00Z`.
pub fn show(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Secs, true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sentinels_are_unset() {
        for s in [
            "1900-01-01T00:00:00",
            "0001-01-01T00:00:00",
            "1899-12-30T00:00:00",
            "1900-01-01T00:00:00Z",
            "",
            "  ",
            "not a date",
        ] {
            assert_eq!(parse(s), None, "{s}");
        }
        assert!(is_sentinel("1899-12-30T00:00:00"));
        assert!(!is_sentinel("2026-11-24T15:00:07Z"));
        assert!(!is_sentinel("Has"));
    }

    #[test]
    fn every_precision_with_or_without_a_zone() {
        let want = "2026-11-24T15:00:07Z";
        for s in [
            "2026-11-24T15:00:07Z",
            "2026-11-24T15:00:07",
            "2026-11-24T15:00:07.1234567Z",
            "2026-11-24T15:00:07.1234567",
            "2026-11-24T15:00:07.123",
            "2026-11-24T16:00:07.5+01:00",
            "2026-11-24 15:00:07",
            "2026-11-24T15:00:07.93",
        ] {
            assert_eq!(parse(s).map(show).as_deref(), Some(want), "{s}");
            assert_eq!(parse(s).map(wire).as_deref(), Some(want), "{s}");
        }
    }
}
