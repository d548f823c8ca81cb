//! How Halo writes dates on the wire: UTC timestamps with seven fractional digits (.NET's
//! `DateTime` ticks), and an unset date as a sentinel rather than `null` — `1900-01-01T00:00:00`,
//! without a zone. Clients written against real tenants must cope with both, so the sandbox answers
//! the same way (evidence in docs/sandbox.md, "Simplified or inferred").

use chrono::{DateTime, Utc};
use serde_json::Value;

/// What Halo answers for a date that was never set.
pub const UNSET: &str = "1900-01-01T00:00:00";

/// A set date, e.g. `2026-11-28T07:37:49.1234567Z`.
pub fn at(t: DateTime<Utc>) -> Value {
    // chrono has no seven-digit fraction specifier: ticks are hundreds of nanoseconds.
    let ticks = t.timestamp_subsec_nanos() / 100;
    Value::String(format!("{}.{ticks:07}Z", t.format("%Y-%m-%dT%H:%M:%S")))
}

/// A date that may be unset: the sentinel stands in for `None`.
pub fn maybe(t: Option<DateTime<Utc>>) -> Value {
    t.map_or_else(|| Value::String(UNSET.into()), at)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn seven_fraction_digits_and_a_zoneless_sentinel() {
        let t = Utc
            .with_ymd_and_hms(2026, 1, 2, 3, 4, 5)
            .single()
            .expect("date");
        assert_eq!(at(t), "2026-01-02T03:04:05.0000000Z");
        assert_eq!(maybe(None), UNSET);
    }
}
