//! An audit started from the browser: the same checks as `sohoa audit` (đúng, đủ, sạch, sống),
//! with a 10 % fixity sample, or every file re-hashed (the fixity re-check). The report is kept
//! as `ARCHIVE/jobs/<id>/audit.json` (read by the audit page) with its HTML and CSV forms.

use crate::jobs::{Job, State};
use sohoa_archive::problem::Lang;
use sohoa_audit::audit::{self, Fixity, Options};
use std::path::Path;

/// The audit report file of a job.
pub const REPORT: &str = "audit.json";

pub fn run(job: &Job, archive: &Path, fixity: Fixity) -> (State, String) {
    let jobs = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1);
    let opts = Options {
        rules_dir: None,
        fixity,
        jobs,
        as_of: sohoa_archive::time_format::now().date(),
        recheck_years: 3,
        expiring_days: 365,
        check_index: true,
    };
    let progress = |_step: &str, done: usize, total: usize| {
        job.update(false, |r| {
            r.done = done as u64;
            r.total = total as u64;
        });
    };
    let report = match audit::run(archive, &opts, &progress) {
        Ok(r) => r,
        Err(e) => return (State::Failed, e),
    };
    let rel = |name: &str| {
        format!(
            "{}/{}/{name}",
            crate::jobs::JOBS,
            job.dir
                .file_name()
                .map(|n| n.to_string_lossy().to_string())
                .unwrap_or_default()
        )
    };
    let files: [(&str, Vec<u8>); 3] = [
        (
            REPORT,
            serde_json::to_vec_pretty(&report).unwrap_or_default(),
        ),
        (
            "kiem-tra.html",
            sohoa_audit::html::audit_page(&report, Lang::Vi).into_bytes(),
        ),
        (
            "kiem-tra.csv",
            sohoa_audit::tables::audit_csv(&report, sohoa_audit::tables::CsvLocale::Vi),
        ),
    ];
    let mut outputs = Vec::new();
    for (name, bytes) in files {
        if let Err(e) = sohoa_archive::safe_fs::write_whole(&job.dir.join(name), &bytes, 0o644) {
            return (
                State::Failed,
                format!("{}: {e}", job.dir.join(name).display()),
            );
        }
        outputs.push(rel(name));
    }
    let s = &report.summary;
    job.update(true, |r| {
        r.outputs = outputs;
        r.done = r.total;
    });
    let message = format!(
        "{} hồ sơ: {} không vấn đề, {} lỗi, {} cảnh báo · băm lại {} túi",
        s.cases, s.cases_clean, s.errors, s.warnings, report.fixity.bags_checked
    );
    let state = if report.has_errors() {
        State::DoneWithProblems
    } else {
        State::Done
    };
    (state, message)
}
