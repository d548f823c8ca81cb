//! Reporting periods for report tools: the names the model may use, and the date range each
//! stands for. halo-mcp always sends Halo explicit dates (`reportingperiodstartdate` /
//! `reportingperiodenddate`) rather than Halo's own `reportingperiod` codes, whose values are
//! not documented; dates mean the same on every tenant.

use chrono::{DateTime, Datelike, NaiveDate, TimeZone, Utc};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Period {
    ThisMonth,
    LastMonth,
    Last3Months,
    Last6Months,
    Last12Months,
    ThisYear,
    LastYear,
    /// `start_date` and `end_date` from the caller.
    Custom,
}

impl Period {
    pub const ALL: &[(&'static str, Period)] = &[
        ("this_month", Period::ThisMonth),
        ("last_month", Period::LastMonth),
        ("last_3_months", Period::Last3Months),
        ("last_6_months", Period::Last6Months),
        ("last_12_months", Period::Last12Months),
        ("this_year", Period::ThisYear),
        ("last_year", Period::LastYear),
        ("custom", Period::Custom),
    ];

    pub fn names() -> Vec<&'static str> {
        Period::ALL.iter().map(|(n, _)| *n).collect()
    }

    /// Parses a period name; spaces and dashes are accepted for underscores.
    pub fn parse(text: &str) -> Result<Period, String> {
        let key = text.trim().to_ascii_lowercase().replace([' ', '-'], "_");
        Period::ALL
            .iter()
            .find(|(n, _)| *n == key)
            .map(|(_, p)| *p)
            .ok_or_else(|| {
                format!(
                    "unknown reporting period '{text}' (use {})",
                    Period::names().join(", ")
                )
            })
    }
}

/// A resolved date range: start inclusive, end exclusive, in UTC.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Range {
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
}

fn month_start(now: DateTime<Utc>, months_back: u32) -> DateTime<Utc> {
    let total = now.year() * 12 + now.month0() as i32 - months_back as i32;
    let (year, month0) = (total.div_euclid(12), total.rem_euclid(12) as u32);
    Utc.with_ymd_and_hms(year, month0 + 1, 1, 0, 0, 0)
        .single()
        .unwrap_or(now)
}

fn year_start(year: i32, fallback: DateTime<Utc>) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(year, 1, 1, 0, 0, 0)
        .single()
        .unwrap_or(fallback)
}

/// The range a period stands for at `now`. `start`/`end` are the caller's dates (end
/// inclusive, as people say "to 31 October").
pub fn range(
    period: Period,
    start: Option<NaiveDate>,
    end: Option<NaiveDate>,
    now: DateTime<Utc>,
) -> Result<Range, String> {
    let range = match period {
        Period::ThisMonth => Range {
            start: month_start(now, 0),
            end: now,
        },
        Period::LastMonth => Range {
            start: month_start(now, 1),
            end: month_start(now, 0),
        },
        Period::Last3Months => Range {
            start: month_start(now, 3),
            end: now,
        },
        Period::Last6Months => Range {
            start: month_start(now, 6),
            end: now,
        },
        Period::Last12Months => Range {
            start: month_start(now, 12),
            end: now,
        },
        Period::ThisYear => Range {
            start: year_start(now.year(), now),
            end: now,
        },
        Period::LastYear => Range {
            start: year_start(now.year() - 1, now),
            end: year_start(now.year(), now),
        },
        Period::Custom => {
            let (Some(start), Some(end)) = (start, end) else {
                return Err(
                    "reporting_period 'custom' needs both start_date and end_date (yyyy-mm-dd)"
                        .into(),
                );
            };
            if end < start {
                return Err(format!("end_date {end} is before start_date {start}"));
            }
            let day_after = end.succ_opt().unwrap_or(end);
            Range {
                start: start.and_hms_opt(0, 0, 0).map_or(now, |d| d.and_utc()),
                end: day_after.and_hms_opt(0, 0, 0).map_or(now, |d| d.and_utc()),
            }
        }
    };
    if period != Period::Custom && (start.is_some() || end.is_some()) {
        return Err(format!(
            "start_date and end_date go with reporting_period 'custom', not '{}'",
            Period::ALL
                .iter()
                .find(|(_, p)| *p == period)
                .map_or("", |(n, _)| *n)
        ));
    }
    Ok(range)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::halo::dates::wire;
    use crate::mcp::agent_dates::parse_day;

    fn at(y: i32, m: u32, d: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, m, d, 10, 30, 0).unwrap()
    }

    #[test]
    fn names_parse_loosely() {
        assert_eq!(Period::parse("Last Month").unwrap(), Period::LastMonth);
        assert_eq!(Period::parse("last-3-months").unwrap(), Period::Last3Months);
        let err = Period::parse("fortnight").unwrap_err();
        assert!(err.contains("unknown reporting period 'fortnight'") && err.contains("this_month"));
    }

    #[test]
    fn named_periods_are_calendar_ranges() {
        let now = at(2026, 1, 15);
        let r = range(Period::LastMonth, None, None, now).unwrap();
        assert_eq!(wire(r.start), "2025-12-01T00:00:00Z");
        assert_eq!(wire(r.end), "2026-01-01T00:00:00Z");
        let r = range(Period::ThisMonth, None, None, now).unwrap();
        assert_eq!(wire(r.start), "2026-01-01T00:00:00Z");
        assert_eq!(r.end, now);
        let r = range(Period::LastYear, None, None, now).unwrap();
        assert_eq!(wire(r.start), "2025-01-01T00:00:00Z");
        assert_eq!(wire(r.end), "2026-01-01T00:00:00Z");
        let r = range(Period::Last3Months, None, None, now).unwrap();
        assert_eq!(wire(r.start), "2025-10-01T00:00:00Z");
    }

    #[test]
    fn custom_ranges_include_the_end_day() {
        let now = at(2026, 11, 24);
        let start = parse_day("start_date", "2026-10-01", now).unwrap();
        let end = parse_day("end_date", "2026-10-31", now).unwrap();
        let r = range(Period::Custom, Some(start), Some(end), now).unwrap();
        assert_eq!(wire(r.start), "2026-10-01T00:00:00Z");
        assert_eq!(wire(r.end), "2026-11-01T00:00:00Z");
        assert!(range(Period::Custom, Some(start), None, now).is_err());
        assert!(
            range(Period::Custom, Some(end), Some(start), now)
                .unwrap_err()
                .contains("before")
        );
        assert!(range(Period::LastMonth, Some(start), None, now).is_err());
    }
}
