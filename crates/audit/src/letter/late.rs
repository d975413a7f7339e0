//! The apology letters (phiếu xin lỗi và hẹn lại ngày trả kết quả) for the late cases of a
//! report: one letter per late case, assembled from the report and the case record, written
//! whole into a folder.

use super::{file_name, render, Letter, LetterFont};
use crate::calendar::{parse_date, Calendar};
use crate::stats::StatsReport;
use crate::tables::write_atomic;
use std::path::{Path, PathBuf};
use time::Date;

/// What a letter reads of a case's record beyond the report: its title (when the report has
/// no procedure name) and the register's note (Ghi chú), the reason given for the delay.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CaseText {
    pub title: Option<String>,
    pub note: Option<String>,
}

/// The letters for every late case with readable dates, dated `date` (by default the end of
/// the report's period: see `sohoa report --letter-date`). A pending case's delay is counted to
/// that date, and it gets a new appointment `new_due_days` working days after it; a pending
/// case not yet past its due date on that day gets no letter. `read(case id)` gives the
/// case's title and note (see [`case_text_in`]); the note, identity numbers masked, is the
/// letter's reason.
pub fn letters(
    report: &StatsReport,
    read: &dyn Fn(&str) -> CaseText,
    date: Date,
    new_due_days: u32,
    calendar: &Calendar,
) -> Vec<Letter> {
    report
        .late
        .iter()
        .filter_map(|l| {
            let (received, due) = (parse_date(&l.received)?, parse_date(&l.due)?);
            let resolved = l.resolved.as_deref().and_then(parse_date);
            let working_days_late = match resolved {
                Some(_) => l.working_days_late,
                None if date > due => calendar.working_days_between(due, date),
                None => return None,
            };
            let text = read(&l.case_id);
            let agency = l
                .agency_name
                .clone()
                .unwrap_or_else(|| "Bộ phận Một cửa".into());
            Some(Letter {
                parent_agency: None,
                place: place_of(&agency),
                agency_name: agency,
                date,
                case_code: l.case_code.clone().unwrap_or_else(|| l.case_id.clone()),
                applicant_name: l.applicant_name.clone().unwrap_or_else(|| "Ông/Bà".into()),
                procedure_name: l.procedure_name.clone().or(text.title).unwrap_or_default(),
                received,
                due,
                new_due: resolved.unwrap_or_else(|| calendar.add_working_days(date, new_due_days)),
                resolved,
                working_days_late,
                reason: text
                    .note
                    .map(|n| sohoa_archive::privacy::mask_ids_loose(n.trim()).into_owned())
                    .filter(|n| !n.is_empty()),
            })
        })
        .collect()
}

/// The title and note of an archive's cases, each read from its bag when asked (the report
/// keeps no record in memory).
pub fn case_text_in(archive: &Path) -> impl Fn(&str) -> CaseText + '_ {
    move |id| match crate::case::load_bag(archive, id).record {
        Ok(r) => CaseText {
            title: r.hoso.title,
            note: r.hoso.description,
        },
        Err(_) => CaseText::default(),
    }
}

/// Renders and writes each letter into `dir` (one PDF per case, written whole); the paths
/// written, and those that could not be, with why.
pub fn write_all(
    letters: &[Letter],
    font: &LetterFont,
    dir: &Path,
) -> (Vec<PathBuf>, Vec<(PathBuf, String)>) {
    let (mut written, mut failed) = (Vec::new(), Vec::new());
    for letter in letters {
        let path = dir.join(file_name(&letter.case_code));
        match render(letter, font)
            .map_err(|e| e.to_string())
            .and_then(|bytes| write_atomic(&path, &bytes).map_err(|e| e.to_string()))
        {
            Ok(()) => written.push(path),
            Err(e) => failed.push((path, e)),
        }
    }
    (written, failed)
}

/// "UBND xã Tân Hòa" -> "Tân Hòa" for the dateline.
pub fn place_of(agency: &str) -> String {
    for marker in [
        " xã ",
        " phường ",
        " thị trấn ",
        " huyện ",
        " quận ",
        " tỉnh ",
        " thành phố ",
        " Xã ",
        " Phường ",
    ] {
        if let Some(i) = agency.find(marker) {
            return agency[i + marker.len()..].trim().to_string();
        }
    }
    agency.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::case::Record;
    use crate::rules::RuleSet;
    use crate::stats::{report, Period};
    use time::macros::date;

    /// July 2025: a case resolved late (due 3/7, resolved 8/7) and one pending past its due
    /// date of 15/7, the latter with a note in the register.
    fn july() -> StatsReport {
        let case = |id: &str, due: &str, resolved: Option<&str>| {
            let mut r = Record::default();
            r.case.case_code = Some(id.into());
            r.case.received_date = Some("2025-07-01".into());
            r.case.due_date = Some(due.into());
            r.case.resolved_date = resolved.map(str::to_string);
            r.case.agency_name = Some("UBND xã Tân Hòa".into());
            r
        };
        let done = case("HS-1", "2025-07-03", Some("2025-07-08"));
        let pending = case("HS-2", "2025-07-15", None);
        let p = Period {
            from: date!(2025 - 07 - 01),
            to: date!(2025 - 07 - 31),
            group_by: None,
        };
        let records = [("a", &done), ("b", &pending)];
        let rules = RuleSet { rules: Vec::new() };
        report(Path::new("x"), &records, &p, &rules, &Calendar::built_in())
    }

    fn note(id: &str) -> CaseText {
        CaseText {
            title: Some("Đăng ký khai sinh".into()),
            note: (id == "b")
                .then(|| " Chờ xác minh nơi cư trú tại xã khác (CCCD 001203004567) ".into()),
        }
    }

    fn letter_of<'a>(letters: &'a [Letter], code: &str) -> &'a Letter {
        match letters.iter().find(|l| l.case_code == code) {
            Some(l) => l,
            None => panic!("no letter for {code}: {letters:?}"),
        }
    }

    #[test]
    fn a_pending_case_is_late_up_to_the_letter_date() {
        let r = july();
        let cal = Calendar::built_in();
        // At the end of the period (31/7): 16/7 .. 31/7 = 12 working days.
        let at_end = letters(&r, &note, date!(2025 - 07 - 31), 5, &cal);
        let l = letter_of(&at_end, "HS-2");
        assert_eq!((l.date, l.working_days_late), (date!(2025 - 07 - 31), 12));
        assert_eq!(l.new_due, date!(2025 - 08 - 07));
        // A month later the same case is 33 working days late (2/9 is a holiday: 11 + 21 + 1).
        let later = letters(&r, &note, date!(2025 - 09 - 03), 5, &cal);
        let l = letter_of(&later, "HS-2");
        assert_eq!(
            l.working_days_late,
            cal.working_days_between(date!(2025 - 07 - 15), date!(2025 - 09 - 03))
        );
        assert!(l.working_days_late > 30, "{l:?}");
        // A case already resolved keeps its delay to the resolution, whatever the date.
        for ls in [&at_end, &later] {
            assert_eq!(letter_of(ls, "HS-1").working_days_late, 3);
        }
    }

    #[test]
    fn no_letter_before_a_pending_case_is_late() {
        let r = july();
        let early = letters(&r, &note, date!(2025 - 07 - 15), 5, &Calendar::built_in());
        assert!(early.iter().all(|l| l.case_code != "HS-2"), "{early:?}");
        assert!(early.iter().any(|l| l.case_code == "HS-1"));
    }

    #[test]
    fn the_reason_is_the_registers_note() {
        let r = july();
        let ls = letters(&r, &note, date!(2025 - 07 - 31), 5, &Calendar::built_in());
        let reason = letter_of(&ls, "HS-2").reason.clone().unwrap_or_default();
        assert!(reason.starts_with("Chờ xác minh nơi cư trú"), "{reason}");
        assert!(
            !reason.contains("001203004567"),
            "identity number masked: {reason}"
        );
        // No note: no reason (the letter prints its neutral sentence).
        assert_eq!(letter_of(&ls, "HS-1").reason, None);
        assert_eq!(letter_of(&ls, "HS-1").procedure_name, "Đăng ký khai sinh");
    }

    #[test]
    fn the_dateline_place_is_the_commune() {
        assert_eq!(place_of("UBND xã Tân Hòa"), "Tân Hòa");
        assert_eq!(place_of("Bộ phận Một cửa"), "Bộ phận Một cửa");
    }
}
