//! Working days for due dates and lateness: weekends, public holidays and make-up working days
//! from a calendar file (`samples/rules/calendar.toml` built in; `--rules DIR/calendar.toml`).

use serde::Deserialize;
use std::collections::HashSet;
use time::{Date, Duration, Weekday};

/// The calendar shipped with sohoa (Vietnamese holidays 2024-2026).
pub const BUILT_IN: &str = include_str!("../../../samples/rules/calendar.toml");

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CalendarFile {
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    weekend: Vec<String>,
    #[serde(default)]
    holidays: Vec<String>,
    #[serde(default)]
    working_days: Vec<String>,
    #[serde(default)]
    cutoff: Option<String>,
}

/// Which days are working days.
#[derive(Debug, Clone)]
pub struct Calendar {
    pub name: String,
    weekend: Vec<Weekday>,
    holidays: HashSet<Date>,
    working: HashSet<Date>,
    /// Receipts after this time count from the next working day (same-day procedures).
    pub cutoff: Option<(u8, u8)>,
    /// First and last year the holiday list covers.
    pub years: Option<(i32, i32)>,
}

fn date(s: &str) -> Option<Date> {
    let b = s.as_bytes();
    if b.len() < 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let y = s.get(0..4)?.parse().ok()?;
    let m: u8 = s.get(5..7)?.parse().ok()?;
    let d = s.get(8..10)?.parse().ok()?;
    Date::from_calendar_date(y, time::Month::try_from(m).ok()?, d).ok()
}

/// The calendar date of an ISO 8601 date or date-time (`2025-07-01`, `2025-07-01T08:15:00+07:00`).
pub fn parse_date(s: &str) -> Option<Date> {
    date(s.trim())
}

/// Hour and minute of an ISO date-time, if it has a time.
pub fn parse_time(s: &str) -> Option<(u8, u8)> {
    let t = s.trim().get(11..16)?;
    let (h, m) = t.split_once(':')?;
    Some((h.parse().ok()?, m.parse().ok()?))
}

impl Calendar {
    /// Reads a calendar file; `origin` names it in errors.
    pub fn parse(text: &str, origin: &str) -> Result<Calendar, String> {
        let f: CalendarFile = toml::from_str(text).map_err(|e| format!("{origin}: {e}"))?;
        let weekday = |s: &String| -> Result<Weekday, String> {
            Ok(match s.to_ascii_lowercase().as_str() {
                "mon" => Weekday::Monday,
                "tue" => Weekday::Tuesday,
                "wed" => Weekday::Wednesday,
                "thu" => Weekday::Thursday,
                "fri" => Weekday::Friday,
                "sat" => Weekday::Saturday,
                "sun" => Weekday::Sunday,
                _ => return Err(format!("{origin}: weekend day \"{s}\" (use mon..sun)")),
            })
        };
        let dates = |v: &[String], key: &str| -> Result<HashSet<Date>, String> {
            v.iter()
                .map(|s| {
                    date(s).ok_or_else(|| format!("{origin}: {key}: \"{s}\" is not YYYY-MM-DD"))
                })
                .collect()
        };
        let holidays = dates(&f.holidays, "holidays")?;
        let years = holidays
            .iter()
            .map(|d| d.year())
            .fold(None, |acc: Option<(i32, i32)>, y| {
                Some(acc.map_or((y, y), |(a, b)| (a.min(y), b.max(y))))
            });
        let cutoff = match f.cutoff.as_deref() {
            None | Some("") => None,
            Some(c) => {
                let t = parse_time(&format!("0000-00-00T{c}"))
                    .filter(|(h, m)| *h < 24 && *m < 60)
                    .ok_or_else(|| format!("{origin}: cutoff \"{c}\" is not HH:MM"))?;
                Some(t)
            }
        };
        Ok(Calendar {
            name: f.name.unwrap_or_else(|| origin.to_string()),
            weekend: f.weekend.iter().map(weekday).collect::<Result<_, _>>()?,
            holidays,
            working: dates(&f.working_days, "working_days")?,
            cutoff,
            years,
        })
    }

    /// The built-in calendar.
    pub fn built_in() -> Calendar {
        // The file is part of the binary and covered by a test.
        Calendar::parse(BUILT_IN, "built-in calendar.toml").unwrap_or_else(|_| Calendar {
            name: "weekends only".into(),
            weekend: vec![Weekday::Saturday, Weekday::Sunday],
            holidays: HashSet::new(),
            working: HashSet::new(),
            cutoff: None,
            years: None,
        })
    }

    pub fn is_working(&self, d: Date) -> bool {
        if self.working.contains(&d) {
            return true;
        }
        !self.weekend.contains(&d.weekday()) && !self.holidays.contains(&d)
    }

    /// The `n`th working day after `start` (`n` = 0: `start` itself if a working day, else the
    /// next one).
    pub fn add_working_days(&self, start: Date, n: u32) -> Date {
        let mut d = start;
        if n == 0 {
            while !self.is_working(d) {
                d += Duration::days(1);
            }
            return d;
        }
        let mut left = n;
        while left > 0 {
            d += Duration::days(1);
            if self.is_working(d) {
                left -= 1;
            }
        }
        d
    }

    /// Working days from `a` to `b`: those after `a` up to and including `b` (negative when
    /// `b` is before `a`).
    pub fn working_days_between(&self, a: Date, b: Date) -> i64 {
        let (lo, hi, sign) = if b >= a { (a, b, 1) } else { (b, a, -1) };
        let mut n = 0i64;
        let mut d = lo;
        while d < hi {
            d += Duration::days(1);
            if self.is_working(d) {
                n += 1;
            }
        }
        sign * n
    }

    /// Due date of a receipt: `days` working (or calendar) days after it; a same-day procedure
    /// received after the cutoff is due the next working day.
    pub fn due(&self, received: &str, days: u32, working: bool) -> Option<Date> {
        let r = parse_date(received)?;
        if !working {
            return Some(r + Duration::days(days as i64));
        }
        if days == 0 {
            let late = match (self.cutoff, parse_time(received)) {
                (Some(c), Some(t)) => t > c,
                _ => false,
            };
            let start = if late { r + Duration::days(1) } else { r };
            return Some(self.add_working_days(start, 0));
        }
        Some(self.add_working_days(r, days))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn built_in_calendar_parses() {
        let c = Calendar::parse(BUILT_IN, "calendar.toml").expect("built-in calendar");
        assert!(!c.is_working(date!(2025 - 09 - 02)));
        assert!(!c.is_working(date!(2025 - 07 - 05)));
        assert!(c.is_working(date!(2025 - 04 - 26)), "make-up Saturday");
        assert_eq!(c.cutoff, Some((15, 0)));
    }

    #[test]
    fn working_days_skip_weekends_and_holidays() {
        let c = Calendar::built_in();
        // Thu 28/8/2025 + 3 working days: Fri 29, (Sat, Sun, Mon 1/9, Tue 2/9 off) Wed 3, Thu 4.
        assert_eq!(
            c.add_working_days(date!(2025 - 08 - 28), 3),
            date!(2025 - 09 - 04)
        );
        // Received Tue 1/7/2025 + 3 = Fri 4/7.
        assert_eq!(
            c.due("2025-07-01T08:15:00+07:00", 3, true),
            Some(date!(2025 - 07 - 04))
        );
        // Same-day procedure after 15:00 -> next working day.
        assert_eq!(
            c.due("2025-07-04T16:00:00+07:00", 0, true),
            Some(date!(2025 - 07 - 07))
        );
        assert_eq!(
            c.due("2025-07-04T09:00:00+07:00", 0, true),
            Some(date!(2025 - 07 - 04))
        );
        assert_eq!(
            c.working_days_between(date!(2025 - 07 - 04), date!(2025 - 07 - 08)),
            2
        );
        assert_eq!(
            c.working_days_between(date!(2025 - 07 - 08), date!(2025 - 07 - 04)),
            -2
        );
        assert_eq!(c.due("2025-07-01", 10, false), Some(date!(2025 - 07 - 11)));
    }

    #[test]
    fn bad_calendar_files_are_named() {
        let e = Calendar::parse("holidays = [\"2025-13-01\"]", "x.toml").expect_err("bad date");
        assert!(e.contains("x.toml") && e.contains("2025-13-01"), "{e}");
        let e = Calendar::parse("weekend = [\"fri\", \"sunday\"]", "y.toml").expect_err("bad day");
        assert!(e.contains("sunday"), "{e}");
    }
}
