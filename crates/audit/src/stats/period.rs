//! Reporting periods as officials name them: `--period 2025-07 | 2025-Q3 | 2025-H1 | 2025`
//! read into first and last day, and any period told in words ("Quý III năm 2025").

use time::{Date, Month};

/// A named period's first and last day: `YYYY-MM` (a month), `YYYY-Qn` (a quarter), `YYYY-Hn`
/// (a half year) or `YYYY` (a year). Errors say what was expected (Vietnamese, English).
pub fn parse_period(s: &str) -> Result<(Date, Date), (String, String)> {
    let bad = || {
        (
            format!("kỳ báo cáo \"{s}\" không hợp lệ: dùng YYYY-MM (tháng), YYYY-Qn (quý), YYYY-Hn (6 tháng) hoặc YYYY (năm)"),
            format!("invalid period \"{s}\": use YYYY-MM (month), YYYY-Qn (quarter), YYYY-Hn (half year) or YYYY (year)"),
        )
    };
    let s = s.trim();
    let (year, rest) = match s.split_once('-') {
        Some((y, r)) => (y, Some(r)),
        None => (s, None),
    };
    if year.len() != 4 || !year.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad());
    }
    let year: i32 = year.parse().map_err(|_| bad())?;
    if !(1900..=2999).contains(&year) {
        return Err(bad());
    }
    let (first, last) = match rest.map(|r| r.to_ascii_uppercase()) {
        None => (1, 12),
        Some(r) => match r.as_bytes() {
            [b'Q', n @ b'1'..=b'4'] => {
                let q = n - b'0';
                (3 * q - 2, 3 * q)
            }
            [b'H', n @ b'1'..=b'2'] => {
                let h = n - b'0';
                (6 * h - 5, 6 * h)
            }
            _ if r.len() == 2 && r.bytes().all(|b| b.is_ascii_digit()) => {
                let m: u8 = r.parse().map_err(|_| bad())?;
                (m, m)
            }
            _ => return Err(bad()),
        },
    };
    let month = |m: u8| Month::try_from(m).map_err(|_| bad());
    let (fm, lm) = (month(first)?, month(last)?);
    let from = Date::from_calendar_date(year, fm, 1).map_err(|_| bad())?;
    let to = Date::from_calendar_date(year, lm, lm.length(year)).map_err(|_| bad())?;
    Ok((from, to))
}

const ROMAN: [&str; 4] = ["I", "II", "III", "IV"];

fn whole_months(from: Date, to: Date) -> Option<(i32, u8, u8)> {
    let ends_month = to.next_day().is_none_or(|d| d.day() == 1);
    (from.day() == 1 && ends_month && from.year() == to.year())
        .then(|| (from.year(), u8::from(from.month()), u8::from(to.month())))
}

/// The period in words, Vietnamese: "Tháng 7 năm 2025", "Quý III năm 2025", "6 tháng đầu năm
/// 2025", "Năm 2025", else "Từ ngày 05/07/2025 đến ngày 20/07/2025".
pub fn period_vi(from: Date, to: Date) -> String {
    let dmy = sohoa_archive::time_format::dmy;
    match whole_months(from, to) {
        Some((y, a, b)) if a == b => format!("Tháng {a} năm {y}"),
        Some((y, a, b)) if b == a + 2 && a % 3 == 1 => {
            format!("Quý {} năm {y}", ROMAN[usize::from(a / 3)])
        }
        Some((y, 1, 6)) => format!("6 tháng đầu năm {y}"),
        Some((y, 7, 12)) => format!("6 tháng cuối năm {y}"),
        Some((y, 1, 12)) => format!("Năm {y}"),
        _ => format!("Từ ngày {} đến ngày {}", dmy(from), dmy(to)),
    }
}

/// The period in words, English: "July 2025", "Q3 2025", "First half of 2025", "Year 2025",
/// else "From 05/07/2025 to 20/07/2025".
pub fn period_en(from: Date, to: Date) -> String {
    let dmy = sohoa_archive::time_format::dmy;
    match whole_months(from, to) {
        Some((y, a, b)) if a == b => format!("{} {y}", from.month()),
        Some((y, a, b)) if b == a + 2 && a % 3 == 1 => format!("Q{} {y}", a / 3 + 1),
        Some((y, 1, 6)) => format!("First half of {y}"),
        Some((y, 7, 12)) => format!("Second half of {y}"),
        Some((y, 1, 12)) => format!("Year {y}"),
        _ => format!("From {} to {}", dmy(from), dmy(to)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn named_periods_give_their_first_and_last_day() {
        let p = |s| parse_period(s).map_err(|e| e.1);
        assert_eq!(
            p("2025-07"),
            Ok((date!(2025 - 07 - 01), date!(2025 - 07 - 31)))
        );
        assert_eq!(
            p("2024-02"),
            Ok((date!(2024 - 02 - 01), date!(2024 - 02 - 29)))
        );
        assert_eq!(
            p("2025-Q3"),
            Ok((date!(2025 - 07 - 01), date!(2025 - 09 - 30)))
        );
        assert_eq!(
            p("2025-q1"),
            Ok((date!(2025 - 01 - 01), date!(2025 - 03 - 31)))
        );
        assert_eq!(
            p("2025-H2"),
            Ok((date!(2025 - 07 - 01), date!(2025 - 12 - 31)))
        );
        assert_eq!(
            p("2025"),
            Ok((date!(2025 - 01 - 01), date!(2025 - 12 - 31)))
        );
        for bad in [
            "2025-13",
            "2025-Q5",
            "2025-H3",
            "25-07",
            "2025-7",
            "",
            "2025-07-01",
            "abcd",
        ] {
            let e = parse_period(bad).expect_err(bad);
            assert!(e.0.contains("YYYY-Qn") && e.1.contains(bad), "{bad}: {e:?}");
        }
    }

    #[test]
    fn periods_are_told_as_officials_write_them() {
        let both = |a, b| (period_vi(a, b), period_en(a, b));
        assert_eq!(
            both(date!(2025 - 07 - 01), date!(2025 - 07 - 31)),
            ("Tháng 7 năm 2025".into(), "July 2025".into())
        );
        assert_eq!(
            both(date!(2025 - 07 - 01), date!(2025 - 09 - 30)),
            ("Quý III năm 2025".into(), "Q3 2025".into())
        );
        assert_eq!(
            period_vi(date!(2025 - 10 - 01), date!(2025 - 12 - 31)),
            "Quý IV năm 2025"
        );
        assert_eq!(
            period_vi(date!(2025 - 01 - 01), date!(2025 - 06 - 30)),
            "6 tháng đầu năm 2025"
        );
        assert_eq!(
            period_vi(date!(2025 - 01 - 01), date!(2025 - 12 - 31)),
            "Năm 2025"
        );
        // Two months, or not whole months: told by their days.
        assert_eq!(
            period_vi(date!(2025 - 07 - 01), date!(2025 - 08 - 31)),
            "Từ ngày 01/07/2025 đến ngày 31/08/2025"
        );
        assert_eq!(
            both(date!(2025 - 07 - 05), date!(2025 - 07 - 20)),
            (
                "Từ ngày 05/07/2025 đến ngày 20/07/2025".into(),
                "From 05/07/2025 to 20/07/2025".into()
            )
        );
    }
}
