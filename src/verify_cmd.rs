//! `sohoa verify`: re-hashes every bag (in parallel), prints per-file problems or the JSON
//! report, and appends one fixity line per bag to `ARCHIVE/logs/fixity.jsonl`.

use crate::{EXIT_CANNOT_RUN, EXIT_OK, EXIT_PARTIAL};
use serde::Serialize;
use sohoa_pipeline::bag::fixity_log;
use sohoa_pipeline::bag::verify::{list_bags, verify_bag, BagReport, FileStatus};
use sohoa_pipeline::problem::Lang;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

#[derive(Serialize, Default)]
struct FileCounts {
    ok: usize,
    changed: usize,
    missing: usize,
    unexpected: usize,
    not_regular: usize,
}

#[derive(Serialize)]
struct Summary {
    bags: usize,
    valid: usize,
    invalid: usize,
    files: FileCounts,
}

#[derive(Serialize)]
struct VerifyReport {
    schema: &'static str,
    schema_version: u32,
    archive: String,
    checked_at: String,
    summary: Summary,
    bags: Vec<BagReport>,
}

pub fn run(archive: &Path, jobs: usize, all_files: bool, json: bool, lang: Lang) -> u8 {
    if !archive.is_dir() {
        warn!(
            "{} {}",
            lang.pick("Không tìm thấy kho lưu trữ", "Archive not found:"),
            archive.display()
        );
        return EXIT_CANNOT_RUN;
    }
    let bags = match list_bags(archive) {
        Ok(b) => b,
        Err(e) => {
            warn!(
                "{}: {e}",
                lang.pick("Không đọc được kho lưu trữ", "Cannot read the archive")
            );
            return EXIT_CANNOT_RUN;
        }
    };
    let checked_at = sohoa_pipeline::events::timestamp(
        time::OffsetDateTime::now_utc().to_offset(sohoa_pipeline::VN_OFFSET),
    );
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<(usize, BagReport)>> = Mutex::new(Vec::new());
    std::thread::scope(|s| {
        for _ in 0..jobs.min(bags.len().max(1)) {
            s.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::SeqCst);
                let Some((_, _, rel)) = bags.get(i) else {
                    break;
                };
                let report = verify_bag(archive, rel);
                if let Ok(mut r) = results.lock() {
                    r.push((i, report));
                }
            });
        }
    });
    let mut reports = results.into_inner().unwrap_or_default();
    reports.sort_by_key(|(i, _)| *i);
    let reports: Vec<BagReport> = reports.into_iter().map(|(_, r)| r).collect();
    let mut files = FileCounts::default();
    for r in &reports {
        files.ok += r.count(FileStatus::Ok);
        files.changed += r.count(FileStatus::Changed);
        files.missing += r.count(FileStatus::Missing);
        files.unexpected += r.count(FileStatus::Unexpected);
        files.not_regular += r.count(FileStatus::NotRegular);
    }
    let valid = reports.iter().filter(|r| r.valid).count();
    let report = VerifyReport {
        schema: "sohoa/verify-report",
        schema_version: 1,
        archive: archive.display().to_string(),
        checked_at: checked_at.clone(),
        summary: Summary {
            bags: reports.len(),
            valid,
            invalid: reports.len() - valid,
            files,
        },
        bags: reports,
    };
    log_fixity(archive, &report, lang);
    if json {
        println!(
            "{}",
            serde_json::to_string_pretty(&report).unwrap_or_default()
        );
    } else {
        print_human(&report, all_files, lang);
    }
    if report.summary.invalid == 0 {
        EXIT_OK
    } else {
        EXIT_PARTIAL
    }
}

/// One JSON line per bag: the fixity history later audits read ("never re-checked").
fn log_fixity(archive: &Path, report: &VerifyReport, lang: Lang) {
    if let Err(e) = fixity_log::append(archive, &report.checked_at, &report.bags) {
        warn!(
            "{} {}: {e}",
            lang.pick(
                "Không ghi được nhật ký kiểm tra",
                "Cannot write the fixity log"
            ),
            fixity_log::path(archive).display()
        );
    }
}

fn status_label(s: FileStatus, lang: Lang) -> &'static str {
    match (s, lang) {
        (FileStatus::Ok, Lang::Vi) => "nguyên vẹn",
        (FileStatus::Changed, Lang::Vi) => "BỊ THAY ĐỔI",
        (FileStatus::Missing, Lang::Vi) => "BỊ MẤT",
        (FileStatus::Unexpected, Lang::Vi) => "THỪA (không có trong manifest)",
        (FileStatus::NotRegular, Lang::Vi) => {
            "KHÔNG PHẢI TỆP (liên kết, FIFO, thiết bị: không đọc)"
        }
        (FileStatus::Ok, Lang::En) => "ok",
        (FileStatus::Changed, Lang::En) => "CHANGED",
        (FileStatus::Missing, Lang::En) => "MISSING",
        (FileStatus::Unexpected, Lang::En) => "UNEXPECTED (not in a manifest)",
        (FileStatus::NotRegular, Lang::En) => "NOT A FILE (link, FIFO, device: not read)",
    }
}

fn print_human(report: &VerifyReport, all_files: bool, lang: Lang) {
    for b in &report.bags {
        let state = if b.valid {
            lang.pick("hợp lệ", "valid")
        } else {
            lang.pick("KHÔNG HỢP LỆ", "INVALID")
        };
        say!(
            "{}: {state} ({} {})",
            b.path,
            b.files.len(),
            lang.pick("tệp", "files")
        );
        for f in &b.files {
            if all_files || f.status != FileStatus::Ok {
                say!("    {:<12} {}", status_label(f.status, lang), f.path);
            }
        }
        for p in &b.problems {
            say!("    ! {p}");
        }
    }
    let s = &report.summary;
    match lang {
        Lang::Vi => say!(
            "\nGói: {} ({} hợp lệ, {} không hợp lệ) · Tệp: {} nguyên vẹn, {} bị thay đổi, {} bị mất, {} thừa",
            s.bags, s.valid, s.invalid, s.files.ok, s.files.changed, s.files.missing, s.files.unexpected
        ),
        Lang::En => say!(
            "\nBags: {} ({} valid, {} invalid) · Files: {} ok, {} changed, {} missing, {} unexpected",
            s.bags, s.valid, s.invalid, s.files.ok, s.files.changed, s.files.missing, s.files.unexpected
        ),
    }
}
