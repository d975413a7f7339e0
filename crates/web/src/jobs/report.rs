//! The Biểu 06 report (TT 01/2018, domain.md) for a chosen period, made as a job: the same
//! computation as `sohoa report`, written as XLSX, CSV (with the late-case list), HTML and
//! the apology letters (phiếu xin lỗi) for the late cases, in `ARCHIVE/jobs/<id>/`.

use crate::jobs::{Job, State};
use sohoa_archive::problem::Lang;
use sohoa_audit::letter::{late, LetterFont};
use sohoa_audit::stats::{self, GroupBy, Period};
use sohoa_audit::tables::{CsvLocale, FormParties};
use std::path::Path;
use time::Date;

/// Days given for the new due date in the apology letters (as `sohoa report`).
const NEW_DUE_DAYS: u32 = 5;

/// `parties`: who reports (printed on the form); the form is dated today.
pub fn run(
    job: &Job,
    archive: &Path,
    from: Date,
    to: Date,
    parties: FormParties,
) -> (State, String) {
    let (rules, calendar) = match sohoa_audit::audit::load_rules(None) {
        Ok(x) => x,
        Err(e) => return (State::Failed, e),
    };
    let jobs = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1);
    // One pass, a chunk of bags at a time: no record stays in memory. The form's rows are the
    // sectors (lĩnh vực), as `sohoa report` gives them by default.
    let group_by = Some(GroupBy::Sector);
    let progress = |done: usize, total: usize| {
        job.update(false, |r| {
            r.total = total as u64;
            r.done = done as u64;
        })
    };
    let gathered =
        match stats::gather_archive(archive, group_by, &rules, &calendar, jobs, &progress) {
            Ok(g) => g,
            Err(e) => return (State::Failed, format!("{}: {e}", archive.display())),
        };
    let period = Period { from, to, group_by };
    let report = stats::report_gathered(archive, &gathered, &period, &calendar);
    drop(gathered);
    let mut files: Vec<(String, Vec<u8>)> = vec![
        (
            "bieu-06.html".into(),
            sohoa_audit::html::report_page(&report, Lang::Vi).into_bytes(),
        ),
        (
            "bieu-06.csv".into(),
            sohoa_audit::tables::report_csv(&report, CsvLocale::Vi),
        ),
        (
            "bieu-06-tre-han.csv".into(),
            sohoa_audit::tables::late_csv(&report, CsvLocale::Vi),
        ),
    ];
    let today = sohoa_archive::time_format::now().date();
    let parties = FormParties {
        date: Some(today),
        ..parties
    };
    match sohoa_audit::tables::report_xlsx(&report, &parties) {
        Ok(b) => files.insert(0, ("bieu-06.xlsx".into(), b)),
        Err(e) => return (State::Failed, format!("bieu-06.xlsx: {e}")),
    }
    let id = job
        .dir
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    let mut outputs = Vec::new();
    for (name, bytes) in &files {
        let path = job.dir.join(name);
        if let Err(e) = sohoa_archive::safe_fs::write_whole(&path, bytes, 0o644) {
            return (State::Failed, format!("{}: {e}", path.display()));
        }
        outputs.push(format!("{}/{id}/{name}", crate::jobs::JOBS));
    }
    // Letters are dated the last day of the period, their delays counted to it.
    let letters = late::letters(
        &report,
        &late::case_text_in(archive),
        to,
        NEW_DUE_DAYS,
        &calendar,
    );
    let mut note = String::new();
    if !letters.is_empty() {
        match LetterFont::find(None) {
            Ok(font) => {
                let dir = job.dir.join("phieu-xin-loi");
                let (written, failed) = late::write_all(&letters, &font, &dir);
                for p in &written {
                    if let Some(name) = p.file_name() {
                        outputs.push(format!(
                            "{}/{id}/phieu-xin-loi/{}",
                            crate::jobs::JOBS,
                            name.to_string_lossy()
                        ));
                    }
                }
                if !failed.is_empty() {
                    note = format!(" · {} phiếu xin lỗi không tạo được", failed.len());
                }
            }
            Err(e) => note = format!(" · không có phông chữ cho phiếu xin lỗi: {e}"),
        }
    }
    let late_count = report.late.len();
    job.update(true, |r| r.outputs = outputs);
    (
        State::Done,
        format!(
            "Biểu 06 từ {} đến {}: {} hồ sơ trễ hạn, {} phiếu xin lỗi{note}",
            sohoa_archive::time_format::dmy(from),
            sohoa_archive::time_format::dmy(to),
            late_count,
            letters.len()
        ),
    )
}
