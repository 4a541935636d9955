//! Business hours: "Mon-Fri 09:00-17:00 Europe/Berlin" plus holidays, and how much of a wait fell
//! inside them — response times counted the way a service-level agreement counts them.

use jiff::civil::{Date, Time, Weekday};
use jiff::tz::TimeZone;
use jiff::{Timestamp, ToSpan};
use thiserror::Error;

#[derive(Debug, Error, PartialEq)]
pub enum BusinessHoursError {
    #[error(
        "business hours {0:?}: expected like \"Mon-Fri 09:00-17:00 Europe/Berlin\" (time zone optional, UTC by default)"
    )]
    Shape(String),
    #[error("business hours: unknown weekday {0:?} (Mon, Tue, Wed, Thu, Fri, Sat, Sun)")]
    Weekday(String),
    #[error("business hours: bad time range {0:?} (HH:MM-HH:MM, opening before closing)")]
    Hours(String),
    #[error("business hours: unknown time zone {0:?}")]
    TimeZone(String),
    #[error("holidays line {line}: {text:?} is not a date (YYYY-MM-DD)")]
    Holiday { line: usize, text: String },
}

/// Working days, opening hours and holidays in one time zone.
#[derive(Debug, Clone)]
pub struct BusinessHours {
    days: [bool; 7],
    open: Time,
    close: Time,
    tz: TimeZone,
    holidays: Vec<Date>,
}

/// A wait longer than this many days is counted only up to it (bad timestamps must not loop for ever).
const MAX_DAYS: i64 = 3_660;

const DAYS: [(&str, Weekday); 7] = [
    ("mon", Weekday::Monday),
    ("tue", Weekday::Tuesday),
    ("wed", Weekday::Wednesday),
    ("thu", Weekday::Thursday),
    ("fri", Weekday::Friday),
    ("sat", Weekday::Saturday),
    ("sun", Weekday::Sunday),
];

fn weekday(s: &str) -> Result<usize, BusinessHoursError> {
    let l = s.trim().to_ascii_lowercase();
    DAYS.iter().position(|(n, _)| l.starts_with(n) && n.len() >= 3).ok_or_else(|| BusinessHoursError::Weekday(s.into()))
}

impl BusinessHours {
    /// Parses "Mon-Fri 09:00-17:00 Europe/Berlin" (days as a range or a comma list; the zone optional).
    pub fn parse(spec: &str) -> Result<BusinessHours, BusinessHoursError> {
        let parts: Vec<&str> = spec.split_whitespace().collect();
        let (days, hours, zone) = match parts[..] {
            [d, h] => (d, h, "UTC"),
            [d, h, z] => (d, h, z),
            _ => return Err(BusinessHoursError::Shape(spec.into())),
        };
        let mut on = [false; 7];
        for piece in days.split(',') {
            match piece.split_once('-') {
                Some((a, b)) => {
                    let (a, b) = (weekday(a)?, weekday(b)?);
                    let mut d = a;
                    loop {
                        on[d] = true;
                        if d == b {
                            break;
                        }
                        d = (d + 1) % 7;
                    }
                }
                None => on[weekday(piece)?] = true,
            }
        }
        let bad = || BusinessHoursError::Hours(hours.into());
        let (a, b) = hours.split_once('-').ok_or_else(bad)?;
        let open: Time = a.trim().parse().map_err(|_| bad())?;
        let close: Time = b.trim().parse().map_err(|_| bad())?;
        if open >= close {
            return Err(bad());
        }
        let tz = TimeZone::get(zone).map_err(|_| BusinessHoursError::TimeZone(zone.into()))?;
        Ok(BusinessHours { days: on, open, close, tz, holidays: Vec::new() })
    }

    /// Adds holidays from a file's text: one `YYYY-MM-DD` per line (`#` comments and blank lines allowed;
    /// anything after the date on a line is a name and ignored).
    pub fn with_holidays(mut self, text: &str) -> Result<BusinessHours, BusinessHoursError> {
        for (i, line) in text.lines().enumerate() {
            let t = line.split('#').next().unwrap_or("").trim();
            if t.is_empty() {
                continue;
            }
            let date = t.split_whitespace().next().unwrap_or("");
            let d: Date =
                date.parse().map_err(|_| BusinessHoursError::Holiday { line: i + 1, text: line.to_owned() })?;
            self.holidays.push(d);
        }
        self.holidays.sort();
        self.holidays.dedup();
        Ok(self)
    }

    /// Seconds of business time between two instants (0 when `end` is not after `start`).
    pub fn seconds_between(&self, start: Timestamp, end: Timestamp) -> i64 {
        if end <= start {
            return 0;
        }
        let first = start.to_zoned(self.tz.clone()).date();
        let last = end.to_zoned(self.tz.clone()).date();
        let mut total = 0i64;
        let mut day = first;
        for _ in 0..MAX_DAYS {
            if day > last {
                break;
            }
            let working =
                self.days[day.weekday().to_monday_zero_offset() as usize] && self.holidays.binary_search(&day).is_err();
            if working
                && let (Ok(open), Ok(close)) = (
                    day.to_datetime(self.open).to_zoned(self.tz.clone()),
                    day.to_datetime(self.close).to_zoned(self.tz.clone()),
                )
            {
                let (a, b) = (open.timestamp().max(start), close.timestamp().min(end));
                if b > a {
                    total += (b - a).get_seconds();
                }
            }
            match day.checked_add(1.day()) {
                Ok(next) => day = next,
                Err(_) => break,
            }
        }
        total
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    #[test]
    fn waits_count_only_open_hours_in_the_zone() {
        let bh = BusinessHours::parse("Mon-Fri 09:00-17:00 Europe/Berlin").unwrap();
        // Friday 2024-03-01 16:00 Berlin (15:00 UTC) to Monday 10:00 Berlin (09:00 UTC): 1 h + 1 h.
        assert_eq!(bh.seconds_between(t("2024-03-01T15:00:00Z"), t("2024-03-04T09:00:00Z")), 7_200);
        // Inside one day.
        assert_eq!(bh.seconds_between(t("2024-03-04T09:00:00Z"), t("2024-03-04T09:30:00Z")), 1_800);
        // Entirely at night or at the weekend.
        assert_eq!(bh.seconds_between(t("2024-03-02T10:00:00Z"), t("2024-03-03T20:00:00Z")), 0);
        // Across the change to summer time (2024-03-31): Friday 29th 16:00 to Monday 1st 10:00 Berlin.
        assert_eq!(bh.seconds_between(t("2024-03-29T15:00:00Z"), t("2024-04-01T08:00:00Z")), 7_200);
        assert_eq!(bh.seconds_between(t("2024-03-04T10:00:00Z"), t("2024-03-04T09:00:00Z")), 0);
    }

    #[test]
    fn holidays_are_closed_days() {
        let bh = BusinessHours::parse("Mon-Fri 09:00-17:00 UTC")
            .unwrap()
            .with_holidays("# public holidays\n2024-03-04 some holiday\n\n")
            .unwrap();
        // Friday 16:00 to Tuesday 10:00 UTC, Monday a holiday: 1 h + 1 h.
        assert_eq!(bh.seconds_between(t("2024-03-01T16:00:00Z"), t("2024-03-05T10:00:00Z")), 7_200);
        assert!(matches!(
            BusinessHours::parse("Mon-Fri 09:00-17:00").unwrap().with_holidays("tomorrow\n"),
            Err(BusinessHoursError::Holiday { line: 1, .. })
        ));
    }

    #[test]
    fn bad_specs_are_named() {
        assert!(matches!(BusinessHours::parse("weekdays"), Err(BusinessHoursError::Shape(_))));
        assert!(matches!(BusinessHours::parse("Mon-Fry 09:00-17:00"), Err(BusinessHoursError::Weekday(_))));
        assert!(matches!(BusinessHours::parse("Mon-Fri 17:00-09:00"), Err(BusinessHoursError::Hours(_))));
        assert!(matches!(BusinessHours::parse("Mon-Fri 09:00-17:00 Mars/Base"), Err(BusinessHoursError::TimeZone(_))));
        let sat_sun = BusinessHours::parse("Sat,Sun 10:00-12:00").unwrap();
        assert_eq!(sat_sun.seconds_between(t("2024-03-01T00:00:00Z"), t("2024-03-04T00:00:00Z")), 14_400);
    }
}
