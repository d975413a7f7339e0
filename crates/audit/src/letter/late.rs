//! The apology letters (phiếu xin lỗi và hẹn lại ngày trả kết quả) for the late cases of a
//! report: one letter per late case, assembled from the report and the case record, written
//! whole into a folder.

use super::{file_name, render, Letter, LetterFont};
use crate::calendar::{parse_date, Calendar};
use crate::stats::StatsReport;
use crate::tables::write_atomic;
use std::path::{Path, PathBuf};
use time::Date;

/// The letters for every late case with readable dates; `date` is the letters' date, and a
/// case not yet resolved gets a new appointment `new_due_days` working days after it.
/// `title_of(case id)` gives the case's title, asked only for a case whose procedure name the
/// report does not have (see [`title_in`]).
pub fn letters(
    report: &StatsReport,
    title_of: &dyn Fn(&str) -> Option<String>,
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
                procedure_name: l
                    .procedure_name
                    .clone()
                    .or_else(|| title_of(&l.case_id))
                    .unwrap_or_default(),
                received,
                due,
                new_due: resolved.unwrap_or_else(|| calendar.add_working_days(date, new_due_days)),
                resolved,
                working_days_late: l.working_days_late,
                reason: None,
            })
        })
        .collect()
}

/// The titles of an archive's cases, each read from its bag when asked (the report keeps no
/// record in memory).
pub fn title_in(archive: &Path) -> impl Fn(&str) -> Option<String> + '_ {
    move |id| crate::case::load_bag(archive, id).record.ok()?.hoso.title
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
    use super::place_of;

    #[test]
    fn the_dateline_place_is_the_commune() {
        assert_eq!(place_of("UBND xã Tân Hòa"), "Tân Hòa");
        assert_eq!(place_of("Bộ phận Một cửa"), "Bộ phận Một cửa");
    }
}
