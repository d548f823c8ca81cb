//! Dates and times as agents type them: the one place that says which forms a date argument
//! takes, reads them, annotates the advertised schema and words the error. Every date argument
//! goes through here (a system tool's time such as `log_time`'s started, a custom report's
//! start_date and end_date, a custom tool's `date` input), so the same text is accepted or
//! refused the same way whichever tool it is given to. Halo's own date format on the wire is
//! `halo::dates`' business, not this module's.
//!
//! Two readings of one grammar: a [`Kind::Day`] argument means a calendar day (a date-time
//! counts as the day it names), a [`Kind::Moment`] argument means an instant (a date alone is
//! 09:00 UTC that day, a working-day start rather than midnight). Slashed dates are taken only
//! when one reading is a real date, or both readings agree: `11/10/2026` could be 11 October or
//! 10 November, and guessing would record the wrong day without anyone noticing.

use chrono::{DateTime, Datelike, NaiveDate, NaiveDateTime, Utc};

use super::ToolError;

/// What a date argument stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A calendar day, advertised as JSON Schema `format: date`.
    Day,
    /// A point in time: a date with or without a time of day.
    Moment,
}

impl Kind {
    /// The JSON Schema `format` the argument is advertised with, and by which
    /// `mcp::arguments` knows to check it. Moments carry none: JSON Schema's `date-time` is
    /// strict RFC 3339, and a client that enforced it would refuse "now" or "2026-11-24 14:30".
    pub fn schema_format(self) -> Option<&'static str> {
        match self {
            Kind::Day => Some(DAY_FORMAT),
            Kind::Moment => None,
        }
    }

    /// `lead` (what the argument is) followed by the forms it takes, for the argument's
    /// description: Copilot Studio's orchestrator reads descriptions, not `format`.
    pub fn describe(self, lead: &str) -> String {
        format!("{} {}", lead.trim_end(), self.forms())
    }

    /// The accepted forms, in the words both descriptions and errors use.
    pub fn forms(self) -> String {
        match self {
            Kind::Day => format!(
                "Format: a date as YYYY-MM-DD, e.g. 2026-12-01 (a date with a time counts as \
                 that day); also accepted: {SLASHED}, \"today\", \"yesterday\" and \"now\" \
                 (UTC)."
            ),
            Kind::Moment => format!(
                "Format: YYYY-MM-DD HH:MM, e.g. 2026-11-24 14:30 (UTC unless a zone is given, \
                 e.g. 2026-11-24T14:30:00+01:00); a date alone means 09:00 UTC that day; also \
                 accepted: {SLASHED}, \"now\", and \"today\" or \"yesterday\" (09:00 UTC)."
            ),
        }
    }

    fn written(self) -> &'static str {
        match self {
            Kind::Day => "year-month-day, such as 2026-12-01",
            Kind::Moment => "year-month-day with or without a time, such as 2026-11-24 14:30",
        }
    }
}

/// The JSON Schema `format` of a calendar-day argument.
pub const DAY_FORMAT: &str = "date";

const SLASHED: &str = "2026/11/24, a day/month date such as 24/11/2026 when only one reading \
     is a real date (an ambiguous one such as 11/10/2026 is refused)";

/// Halo keeps nothing real before this year (earlier dates are its "not set" sentinels), and
/// a two-digit year read by `%Y` would land there.
const FIRST_YEAR: i32 = 1901;
const LAST_YEAR: i32 = 9999;

/// Why a date argument was refused; the message names the argument and lists the forms.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DateError {
    #[error(
        "{name} must be a calendar date written {}; '{value}' is not a date. {}",
        kind.written(),
        kind.forms()
    )]
    NotADate {
        name: String,
        value: String,
        kind: Kind,
    },
    #[error(
        "{name} must be a calendar date written year-month-day: '{value}' could be {} or {}; \
         write {} or {}",
        first.format("%-d %B %Y"),
        second.format("%-d %B %Y"),
        first.format("%Y-%m-%d"),
        second.format("%Y-%m-%d")
    )]
    Ambiguous {
        name: String,
        value: String,
        first: NaiveDate,
        second: NaiveDate,
    },
}

impl From<DateError> for ToolError {
    fn from(e: DateError) -> ToolError {
        ToolError::InvalidArguments(e.to_string())
    }
}

/// The calendar day `value` names (`now` is the UTC day of `now`).
pub fn parse_day(name: &str, value: &str, now: DateTime<Utc>) -> Result<NaiveDate, DateError> {
    read(name, value, now, Kind::Day).map(|w| w.day)
}

/// The instant `value` names; a date without a time is 09:00 UTC that day.
pub fn parse_moment(
    name: &str,
    value: &str,
    now: DateTime<Utc>,
) -> Result<DateTime<Utc>, DateError> {
    let written = read(name, value, now, Kind::Moment)?;
    Ok(written
        .at
        .unwrap_or_else(|| written.day.and_time(NINE).and_utc()))
}

/// A day argument in its one canonical form, `YYYY-MM-DD`, as tools pass it on.
pub fn canonical_day(day: NaiveDate) -> String {
    day.format("%Y-%m-%d").to_string()
}

const NINE: chrono::NaiveTime = match chrono::NaiveTime::from_hms_opt(9, 0, 0) {
    Some(t) => t,
    None => panic!("09:00 is a time"),
};

/// What the text said: the day as written and, when a time was given, the instant.
struct Written {
    day: NaiveDate,
    at: Option<DateTime<Utc>>,
}

fn read(name: &str, value: &str, now: DateTime<Utc>, kind: Kind) -> Result<Written, DateError> {
    let v = value.trim();
    let day_only = |day| Written { day, at: None };
    let written = match v.to_ascii_lowercase().as_str() {
        "now" => Some(Written {
            day: now.date_naive(),
            at: Some(now),
        }),
        "today" => Some(day_only(now.date_naive())),
        "yesterday" => now.date_naive().pred_opt().map(day_only),
        _ => DateTime::parse_from_rfc3339(v)
            .ok()
            .map(|d| Written {
                // The day as written, in the writer's zone.
                day: d.date_naive(),
                at: Some(d.with_timezone(&Utc)),
            })
            .or_else(|| {
                [
                    "%Y-%m-%dT%H:%M:%S",
                    "%Y-%m-%d %H:%M:%S",
                    "%Y-%m-%dT%H:%M",
                    "%Y-%m-%d %H:%M",
                ]
                .iter()
                .find_map(|f| NaiveDateTime::parse_from_str(v.trim_end_matches('Z'), f).ok())
                .map(|d| Written {
                    day: d.date(),
                    at: Some(d.and_utc()),
                })
            })
            .or_else(|| {
                ["%Y-%m-%d", "%Y/%m/%d"]
                    .iter()
                    .find_map(|f| NaiveDate::parse_from_str(v, f).ok())
                    .map(day_only)
            }),
    };
    let written = match written {
        Some(w) => Some(w),
        None => slashed(name, v)?.map(day_only),
    };
    written
        .filter(|w| (FIRST_YEAR..=LAST_YEAR).contains(&w.day.year()))
        .ok_or_else(|| DateError::NotADate {
            name: name.into(),
            value: v.into(),
            kind,
        })
}

/// A `DD/MM/YYYY` or `MM/DD/YYYY` date, only when the readings agree or just one is a date.
fn slashed(name: &str, v: &str) -> Result<Option<NaiveDate>, DateError> {
    let day_first = NaiveDate::parse_from_str(v, "%d/%m/%Y").ok();
    let month_first = NaiveDate::parse_from_str(v, "%m/%d/%Y").ok();
    match (day_first, month_first) {
        (Some(first), Some(second)) if first != second => Err(DateError::Ambiguous {
            name: name.into(),
            value: v.into(),
            first,
            second,
        }),
        (a, b) => Ok(a.or(b)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2026-11-24T15:00:00Z")
            .unwrap()
            .with_timezone(&Utc)
    }

    fn moment(s: &str) -> String {
        crate::halo::dates::show(parse_moment("date", s, now()).unwrap())
    }

    fn day(s: &str) -> String {
        canonical_day(parse_day("date", s, now()).unwrap())
    }

    #[test]
    fn dates_parse_leniently() {
        assert_eq!(moment("2026-11-20"), "2026-11-20T09:00:00Z");
        assert_eq!(moment("2026-11-20 14:30"), "2026-11-20T14:30:00Z");
        assert_eq!(moment("2026-11-20T14:30:05Z"), "2026-11-20T14:30:05Z");
        assert_eq!(moment("2026-11-20T14:30:00+01:00"), "2026-11-20T13:30:00Z");
        assert_eq!(moment("20/11/2026"), "2026-11-20T09:00:00Z");
        assert_eq!(moment("11/20/2026"), "2026-11-20T09:00:00Z");
        assert_eq!(moment("05/05/2026"), "2026-05-05T09:00:00Z");
        let err = parse_moment("date", "11/10/2026", now())
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("could be 11 October 2026 or 10 November 2026"),
            "{err}"
        );
        assert_eq!(moment("yesterday"), "2026-11-23T09:00:00Z");
        assert_eq!(moment("Today"), "2026-11-24T09:00:00Z");
        assert_eq!(moment(" now "), "2026-11-24T15:00:00Z");
        let err = parse_moment("date", "next tuesday", now()).unwrap_err();
        assert!(err.to_string().contains("'next tuesday' is not a date"));
    }

    #[test]
    fn a_day_is_the_day_as_written() {
        assert_eq!(day("2026-11-20"), "2026-11-20");
        assert_eq!(day("2026/11/20"), "2026-11-20");
        assert_eq!(day("20/11/2026"), "2026-11-20");
        // The writer's day, not the UTC one (00:30 in Paris is still the 20th there).
        assert_eq!(day("2026-11-20T00:30:00+01:00"), "2026-11-20");
        assert_eq!(day("2026-11-20 23:59"), "2026-11-20");
        assert_eq!(day("yesterday"), "2026-11-23");
        assert_eq!(day("TODAY"), "2026-11-24");
        assert_eq!(day("now"), "2026-11-24");
    }

    #[test]
    fn both_readings_take_and_refuse_the_same_text() {
        for text in [
            "2026-11-20",
            "2026/11/20",
            "20/11/2026",
            "2026-11-20 14:30",
            "2026-11-20T14:30:00+01:00",
            "yesterday",
            "now",
        ] {
            assert!(parse_day("d", text, now()).is_ok(), "{text}");
            assert!(parse_moment("d", text, now()).is_ok(), "{text}");
        }
        for text in [
            "next tuesday",
            "2026-13-45",
            "31/31/2026",
            "11/10/2026",
            "1/2/26",
            "",
            "0001-01-01",
        ] {
            let d = parse_day("d", text, now()).unwrap_err();
            let m = parse_moment("d", text, now()).unwrap_err();
            assert_eq!(
                std::mem::discriminant(&d),
                std::mem::discriminant(&m),
                "{text}"
            );
        }
    }

    #[test]
    fn errors_name_the_argument_and_list_the_forms() {
        let e = parse_day("start_date", "next monday", now())
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with("start_date must be a calendar date written year-month-day")
                && e.contains("'next monday' is not a date")
                && e.contains(&Kind::Day.forms()),
            "{e}"
        );
        let e = parse_moment("started", "next monday", now())
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with("started must be a calendar date")
                && e.contains("\"yesterday\" (09:00 UTC)")
                && e.contains(&Kind::Moment.forms()),
            "{e}"
        );
        let e = parse_day("start_date", "01/02/2026", now())
            .unwrap_err()
            .to_string();
        assert_eq!(
            e,
            "start_date must be a calendar date written year-month-day: '01/02/2026' could be \
             1 February 2026 or 2 January 2026; write 2026-02-01 or 2026-01-02"
        );
    }

    #[test]
    fn descriptions_carry_the_forms() {
        let d = Kind::Day.describe("First day. ");
        assert!(
            d.starts_with("First day. Format: a date as YYYY-MM-DD"),
            "{d}"
        );
        let m = Kind::Moment.describe("When it started:");
        for words in ["\"yesterday\"", "09:00 UTC", "ambiguous"] {
            assert!(m.contains(words), "{m}");
        }
        assert_eq!(Kind::Day.schema_format(), Some("date"));
        assert_eq!(Kind::Moment.schema_format(), None);
    }
}
