//! An ingest started from the browser: a folder chosen among the server's scan sources
//! (`sohoa serve --source DIR`, like Archivematica's transfer sources: nothing is uploaded),
//! run by sohoa-ingest exactly as `sohoa ingest` runs it (same options, same report in
//! `ARCHIVE/reports/`, index updated at the end), with progress per case and cancel.

use crate::jobs::{Failure, Job, State};
use sohoa_archive::problem::Lang;
use sohoa_ingest::{CaseResult, CaseStatus, Options, Progress};
use std::path::{Path, PathBuf};

/// Scan folders offered: the direct subfolders of each source (name, path).
pub fn folders(sources: &[PathBuf]) -> Vec<(String, PathBuf)> {
    let mut out = Vec::new();
    for src in sources {
        let label = src
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_else(|| src.display().to_string());
        out.push((format!("{label}/"), src.clone()));
        let Ok(dir) = std::fs::read_dir(src) else {
            continue;
        };
        let mut subs: Vec<(String, PathBuf)> = dir
            .filter_map(|e| {
                let e = e.ok()?;
                // Real folders only (no links out of the source).
                if !e.file_type().ok()?.is_dir() {
                    return None;
                }
                let name = e.file_name().into_string().ok()?;
                (!name.starts_with('.')).then(|| (format!("{label}/{name}"), e.path()))
            })
            .collect();
        subs.sort_by(|a, b| sohoa_archive::text::natural_cmp(&a.0, &b.0));
        out.extend(subs);
    }
    out
}

/// The folder a form names, only if it is one of those offered.
pub fn chosen(sources: &[PathBuf], name: &str) -> Option<PathBuf> {
    folders(sources)
        .into_iter()
        .find(|(n, _)| n == name)
        .map(|(_, p)| p)
}

struct JobProgress<'a> {
    job: &'a Job,
}

impl Progress for JobProgress<'_> {
    fn start(&self, cases: usize, _files: u64) {
        self.job.update(true, |r| {
            r.total = cases as u64;
        });
    }

    fn case_done(&self, c: &CaseResult) {
        let failure = match c.status {
            CaseStatus::Failed => Some(
                c.errors
                    .iter()
                    .map(|p| p.render(Lang::Vi))
                    .collect::<Vec<_>>()
                    .join("; "),
            ),
            _ => None,
        };
        self.job.update(failure.is_some(), |r| {
            r.done += 1;
            if let Some(reason) = failure {
                r.failures.push(Failure {
                    name: format!("{} ({})", c.case_id, c.folder),
                    reason,
                });
            }
        });
    }
}

/// Queues one job per case folder of `scans` for the archive's workers (`sohoa serve --queue`):
/// the browser's job ends once they are queued; the jobs page follows the queue.
pub fn enqueue(job: &Job, queue: &str, scans: &Path, keep_originals: bool) -> (State, String) {
    let settings = sohoa_worker::job::JobSettings {
        keep_originals,
        operator: Some(job.snapshot().started_by),
        ..Default::default()
    };
    let cases = match sohoa_worker::job::case_jobs(scans, &settings) {
        Ok(c) => c,
        Err(e) => return (State::Failed, format!("{}: {e}", scans.display())),
    };
    let jobs: Vec<(String, serde_json::Value)> = cases
        .iter()
        .map(|c| (c.key(), serde_json::to_value(c).unwrap_or_default()))
        .collect();
    job.update(true, |r| r.total = jobs.len() as u64);
    let batch = cases
        .first()
        .map(|c| c.scans.display().to_string())
        .unwrap_or_else(|| scans.display().to_string());
    let added =
        sohoa_queue::Queue::connect(queue).and_then(|mut q| q.add("ingest", &batch, &jobs, 5));
    match added {
        Ok(n) => {
            job.update(true, |r| r.done = jobs.len() as u64);
            (
                State::Done,
                format!(
                    "Đã xếp {n} hồ sơ vào hàng đợi cho các máy xử lý ({} đã có sẵn) · {n} cases queued for the workers",
                    jobs.len() as u64 - n
                ),
            )
        }
        Err(e) => (State::Failed, e.to_string()),
    }
}

/// Runs the ingest of `scans` into `archive`.
pub fn run(job: &Job, archive: &Path, scans: &Path, keep_originals: bool) -> (State, String) {
    let profile = match sohoa_imaging::Profile::load("default") {
        Ok(p) => p,
        Err(e) => return (State::Failed, e.to_string()),
    };
    let jobs = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1);
    let opts = Options {
        archive: archive.to_path_buf(),
        jobs,
        keep_originals,
        organization: None,
        profile,
        drop_blank: false,
        ocr: sohoa_ocr::Settings::default(),
        register: None,
        mapping: None,
        follow_symlinks: false,
        batch: false,
        replace: None,
        cancel: Some(job.cancel.clone()),
        // Signing needs the agency's key and its PIN: from the command line (`ingest --sign`,
        // `sohoa sign`), not from the browser.
        sign: None,
        only: None,
        // The signed-in user who started the job: named on every event of its cases.
        operator: Some(job.snapshot().started_by),
    };
    let catalog = sohoa_index::Catalog::open(archive);
    match sohoa_ingest::ingest(scans, &opts, &JobProgress { job }, &catalog) {
        Err(p) => (State::Failed, p.render(Lang::Vi)),
        Ok(report) => {
            let s = &report.summary;
            job.update(true, |r| {
                r.outputs = report.report_path.iter().cloned().collect();
            });
            let message = format!(
                "{} hồ sơ: {} đã lưu, {} không đổi, {} lỗi, {} dừng · {} trang",
                s.cases, s.ingested, s.skipped, s.failed, s.interrupted, s.pages
            );
            let state = if report.interrupted {
                State::Cancelled
            } else if s.failed > 0 {
                State::DoneWithProblems
            } else {
                State::Done
            };
            (state, message)
        }
    }
}
