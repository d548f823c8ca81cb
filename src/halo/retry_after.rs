//! Halo's `Retry-After` header, read defensively: the value decides how long every Halo call
//! waits, so a huge, negative or malformed value must never panic (an `Instant` overflow) or
//! stall the server for longer than one rate window.

use std::time::{Duration, SystemTime};

/// Used when a 429 carries no readable `Retry-After` (still capped by the window).
pub const DEFAULT_WAIT: Duration = Duration::from_secs(30);

/// The wait a 429 asks for, at most `cap` (the rate window: Halo's limit is a rolling window,
/// so a slot always frees within one window).
///
/// Accepts both forms RFC 9110 allows: delta-seconds (saturating, so `99999999999999999999`
/// is simply "long") and an HTTP-date (a date in the past means "now"). Anything else gets
/// [`DEFAULT_WAIT`].
pub fn parse(value: Option<&str>, cap: Duration, now: SystemTime) -> Duration {
    let wait = value
        .map(str::trim)
        .and_then(|value| delta_seconds(value).or_else(|| http_date(value, now)))
        .unwrap_or(DEFAULT_WAIT);
    wait.min(cap)
}

fn delta_seconds(value: &str) -> Option<Duration> {
    if value.is_empty() || !value.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    // Digits only, so the one parse failure left is overflow: saturate.
    let secs = value.parse::<u64>().unwrap_or(u64::MAX);
    Some(Duration::from_secs(secs))
}

fn http_date(value: &str, now: SystemTime) -> Option<Duration> {
    let at = chrono::DateTime::parse_from_rfc2822(value).ok()?;
    let at = SystemTime::from(at);
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;

    const WINDOW: Duration = Duration::from_secs(300);

    fn wait(value: &str) -> Duration {
        parse(Some(value), WINDOW, SystemTime::now())
    }

    #[test]
    fn seconds_are_read_and_capped_at_the_window() {
        assert_eq!(wait("7"), Duration::from_secs(7));
        assert_eq!(wait(" 0 "), Duration::ZERO);
        assert_eq!(wait("301"), WINDOW);
        assert_eq!(wait(&u64::MAX.to_string()), WINDOW);
        assert_eq!(wait("99999999999999999999999999999999"), WINDOW);
    }

    #[test]
    fn malformed_values_get_the_default_wait() {
        for value in ["", "-5", "1.5", "soon", "0x10", "+3", "1e9", "\u{0}", "３"] {
            assert_eq!(wait(value), DEFAULT_WAIT, "{value:?}");
        }
        assert_eq!(parse(None, WINDOW, SystemTime::now()), DEFAULT_WAIT);
        // Never more than the cap, even for the default.
        let short = Duration::from_secs(5);
        assert_eq!(parse(Some("junk"), short, SystemTime::now()), short);
    }

    #[test]
    fn http_dates_count_from_now() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_445_412_480); // 2015-10-21 07:28:00Z
        let in_a_minute = parse(Some("Wed, 21 Oct 2015 07:29:00 GMT"), WINDOW, now);
        assert_eq!(in_a_minute, Duration::from_secs(60));
        let past = parse(Some("Wed, 21 Oct 2015 07:00:00 GMT"), WINDOW, now);
        assert_eq!(past, Duration::ZERO);
        let far = parse(Some("Fri, 31 Dec 9999 23:59:59 GMT"), WINDOW, now);
        assert_eq!(far, WINDOW);
    }
}
