//! Time formats of the archive, all in Vietnam time (UTC+7, no daylight saving): event
//! timestamps, XMP and PDF dates, `Bagging-Date`, dates for people. One place, `time`'s own
//! format descriptions, so every file and report spells a moment the same way.

use time::format_description::BorrowedFormatItem;
use time::macros::format_description;
use time::{Date, OffsetDateTime};

/// Vietnam time (UTC+7, no daylight saving): timestamps in events, XMP and reports.
pub const VN_OFFSET: time::UtcOffset = time::macros::offset!(+7);

const TIMESTAMP: &[BorrowedFormatItem<'_>] = format_description!(
    "[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3][offset_hour sign:mandatory]:[offset_minute]"
);
const SECONDS: &[BorrowedFormatItem<'_>] = format_description!(
    "[year]-[month]-[day]T[hour]:[minute]:[second][offset_hour sign:mandatory]:[offset_minute]"
);
const PDF: &[BorrowedFormatItem<'_>] = format_description!(
    "D:[year][month][day][hour][minute][second][offset_hour sign:mandatory]'[offset_minute]'"
);
const ISO_DATE: &[BorrowedFormatItem<'_>] = format_description!("[year]-[month]-[day]");
const DMY: &[BorrowedFormatItem<'_>] = format_description!("[day]/[month]/[year]");
const STAMP: &[BorrowedFormatItem<'_>] =
    format_description!("[year][month][day]T[hour][minute][second]");

/// Now, in Vietnam time.
pub fn now() -> OffsetDateTime {
    OffsetDateTime::now_utc().to_offset(VN_OFFSET)
}

fn format(t: OffsetDateTime, f: &[BorrowedFormatItem<'_>]) -> String {
    // The descriptions above only name components every OffsetDateTime has.
    t.format(f).unwrap_or_default()
}

/// ISO 8601 with milliseconds and offset, e.g. `2026-11-23T14:05:09.123+07:00` (PREMIS events).
pub fn timestamp(t: OffsetDateTime) -> String {
    format(t, TIMESTAMP)
}

/// ISO 8601 with offset, seconds precision, e.g. `2026-11-23T14:05:09+07:00` (XMP).
pub fn seconds(t: OffsetDateTime) -> String {
    format(t, SECONDS)
}

/// A PDF date, `D:YYYYMMDDHHmmSS+HH'mm'` (ISO 32000 §7.9.4), the same moment as [`seconds`].
pub fn pdf_date(t: OffsetDateTime) -> String {
    format(t, PDF)
}

/// `YYYY-MM-DD`.
pub fn iso_date(d: Date) -> String {
    d.format(ISO_DATE).unwrap_or_default()
}

/// `DD/MM/YYYY`, as Vietnamese documents write dates.
pub fn dmy(d: Date) -> String {
    d.format(DMY).unwrap_or_default()
}

/// "`<place>`, ngày 05 tháng 12 năm 2025", the date line of official papers: NĐ 30/2020 pads
/// days below 10 and the months 1 and 2.
pub fn dateline(place: &str, d: Date) -> String {
    let m = u8::from(d.month());
    let month = if m < 3 {
        format!("{m:02}")
    } else {
        m.to_string()
    };
    format!(
        "{place}, ngày {:02} tháng {month} năm {}",
        d.day(),
        d.year()
    )
}

/// `YYYYMMDDTHHmmSS`, for file names (`reports/ingest-20261123T140509-<pid>.json`).
pub fn file_stamp(t: OffsetDateTime) -> String {
    format(t, STAMP)
}

/// Today in Vietnam, `YYYY-MM-DD` (BagIt `Bagging-Date`).
pub fn today() -> String {
    iso_date(now().date())
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::{date, datetime};

    #[test]
    fn every_format_spells_the_same_moment() {
        let t = datetime!(2026-11-23 14:05:09.123 +07:00);
        assert_eq!(timestamp(t), "2026-11-23T14:05:09.123+07:00");
        assert_eq!(seconds(t), "2026-11-23T14:05:09+07:00");
        assert_eq!(pdf_date(t), "D:20261123140509+07'00'");
        assert_eq!(iso_date(t.date()), "2026-11-23");
        assert_eq!(dmy(date!(2025 - 07 - 01)), "01/07/2025");
        assert_eq!(file_stamp(t), "20261123T140509");
        let west = datetime!(2026-01-02 03:04:05 -03:30);
        assert_eq!(seconds(west), "2026-01-02T03:04:05-03:30");
        assert_eq!(pdf_date(west), "D:20260102030405-03'30'");
    }

    #[test]
    fn now_is_vietnam_time() {
        assert_eq!(now().offset(), VN_OFFSET);
        assert_eq!(today().len(), 10);
    }
}
