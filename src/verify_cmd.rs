//! `sohoa verify`: re-hashes every bag (in parallel), checks the digital signatures of signed
//! bundles (sohoa-sign: a bundle changed after signing is caught even when the bag's manifests
//! were recomputed), prints per-file problems or the JSON report, and appends one fixity line per
//! bag to `ARCHIVE/logs/fixity.jsonl`.

use crate::exit::{Done, Ran};
use sohoa_archive::problem::Lang;
use sohoa_bagit::archive_report::{verify_archive, VerifyReport};
use sohoa_bagit::fixity_log;
use sohoa_bagit::verify::FileStatus;
use std::path::Path;

pub fn run(archive: &Path, jobs: usize, all_files: bool, json: bool, lang: Lang) -> Ran {
    if !archive.is_dir() {
        return Err(cannot!(
            "{} {}",
            lang.pick("Không tìm thấy kho lưu trữ", "Archive not found:"),
            archive.display()
        ));
    }
    // The roots signatures must chain to (SOHOA_TRUST_ROOTS), when configured.
    let trust = sohoa_sign::chain::Trust::from_env().map_err(|e| {
        cannot!(
            "{}: {e}",
            lang.pick(
                "Không đọc được danh sách gốc tin cậy",
                "Cannot read the trusted roots"
            )
        )
    })?;
    let mut report = verify_archive(archive, jobs).map_err(|e| {
        cannot!(
            "{}: {e}",
            lang.pick("Không đọc được kho lưu trữ", "Cannot read the archive")
        )
    })?;
    let signatures = check_signatures(archive, &mut report, trust.as_ref());
    log_fixity(archive, &report, lang);
    if json {
        let mut v = serde_json::to_value(&report).unwrap_or_default();
        v["signatures"] = serde_json::to_value(&signatures).unwrap_or_default();
        println!("{}", serde_json::to_string_pretty(&v).unwrap_or_default());
    } else {
        print_human(&report, all_files, lang);
    }
    if report.summary.invalid == 0 {
        Ok(Done::Ok)
    } else {
        Ok(Done::Partial)
    }
}

/// The signatures of every signed bundle; a bag whose signatures do not hold is invalid.
fn check_signatures(
    archive: &Path,
    report: &mut VerifyReport,
    trust: Option<&sohoa_sign::chain::Trust>,
) -> Vec<sohoa_sign::verify::BagSignatures> {
    let mut out = Vec::new();
    for b in report.bags.iter_mut() {
        let Some(checked) = sohoa_sign::verify::check_bag(archive, &b.path, trust) else {
            continue;
        };
        if !checked.problems.is_empty() {
            if b.valid {
                report.summary.valid -= 1;
                report.summary.invalid += 1;
            }
            b.valid = false;
            for p in &checked.problems {
                b.add_problem(format!("chữ ký: {p}"), format!("signature: {p}"));
            }
        }
        out.push(checked);
    }
    out
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
        for p in b.problems_in(lang) {
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
