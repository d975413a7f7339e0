//! `sohoa ingest`: runs the pipeline over a scan folder and prints the summary (people)
//! or the report (JSON). Exit 0 when every case is stored or unchanged, 1 when some failed.

use crate::progress::Bar;
use crate::{EXIT_CANNOT_RUN, EXIT_INTERRUPTED, EXIT_OK, EXIT_PARTIAL};
use sohoa_pipeline::ingest::{ingest, CaseStatus, NoCatalog, Options, SourceCatalog};
use sohoa_pipeline::problem::Lang;
use std::path::Path;

pub fn run(scans: &Path, opts: &Options, json: bool, lang: Lang) -> u8 {
    let bar = Bar::new(lang, json);
    // What the index knows of stored scans, to name likely duplicates (none when no index yet).
    let index = sohoa_index::ArchiveIndex::open(&opts.archive).ok();
    let catalog: &dyn SourceCatalog = match &index {
        Some(i) => i,
        None => &NoCatalog,
    };
    let result = ingest(scans, opts, &bar, catalog);
    drop(index);
    bar.finish();
    let report = match result {
        Ok(r) => r,
        Err(problem) => {
            warn!(
                "{}: {}",
                lang.pick("Không thể chạy", "Cannot run"),
                problem.render(lang)
            );
            return EXIT_CANNOT_RUN;
        }
    };
    // The index is derived: bring it up to date, but a failure here never undoes archiving.
    let stored: Vec<String> = report
        .cases
        .iter()
        .filter(|c| c.status == CaseStatus::Ingested)
        .map(|c| c.case_id.clone())
        .collect();
    // Unchanged cases are checked too: the index may have missed them (a killed run, a restore).
    let known: Vec<(String, u64)> = report
        .cases
        .iter()
        .filter(|c| c.status == CaseStatus::Skipped)
        .filter_map(|c| Some((c.case_id.clone(), u64::from(c.version?))))
        .collect();
    let index = crate::search_cmd::update_index(&opts.archive, &stored, &known);
    if json {
        let mut value = serde_json::to_value(&report).unwrap_or_default();
        value["index"] = index.to_json();
        println!(
            "{}",
            serde_json::to_string_pretty(&value).unwrap_or_default()
        );
    } else {
        print_summary(&report, lang);
        index.print(lang);
    }
    match report.exit_code() {
        0 => EXIT_OK,
        130 => EXIT_INTERRUPTED,
        _ => EXIT_PARTIAL,
    }
}

fn mb(bytes: u64) -> String {
    format!("{:.1} MB", bytes as f64 / 1_000_000.0)
}

fn print_summary(r: &sohoa_pipeline::ingest::BatchReport, lang: Lang) {
    for c in &r.cases {
        let v = c.version.map(|v| format!("v{v}")).unwrap_or_default();
        let line = match (c.status, lang) {
            (CaseStatus::Ingested, Lang::Vi) => {
                format!("  ✓ {} {v}: {} trang, {}", c.case_id, c.pages, mb(c.bytes))
            }
            (CaseStatus::Ingested, Lang::En) => {
                format!("  ✓ {} {v}: {} pages, {}", c.case_id, c.pages, mb(c.bytes))
            }
            (CaseStatus::Skipped, Lang::Vi) => {
                format!("  = {} {v}: không thay đổi, bỏ qua", c.case_id)
            }
            (CaseStatus::Skipped, Lang::En) => format!("  = {} {v}: unchanged, skipped", c.case_id),
            (CaseStatus::Failed, Lang::Vi) => {
                format!("  ✗ {} ({}): lỗi, không lưu", c.case_id, c.folder)
            }
            (CaseStatus::Failed, Lang::En) => {
                format!("  ✗ {} ({}): failed, not stored", c.case_id, c.folder)
            }
            (CaseStatus::Interrupted, Lang::Vi) => {
                format!(
                    "  ■ {} ({}): dừng theo yêu cầu, chưa lưu",
                    c.case_id, c.folder
                )
            }
            (CaseStatus::Interrupted, Lang::En) => {
                format!(
                    "  ■ {} ({}): stopped on request, not stored",
                    c.case_id, c.folder
                )
            }
        };
        say!("{line}");
        if !c.normalized.is_empty() {
            let n = c.normalized;
            let parts: Vec<String> = [
                (n.deskewed, lang.pick("làm thẳng", "deskewed")),
                (n.cropped, lang.pick("cắt viền", "borders cropped")),
                (n.blank, lang.pick("trang trắng", "blank")),
                (
                    n.dropped,
                    lang.pick("bỏ khỏi tệp PDF", "left out of the PDF"),
                ),
                (n.dpi_inferred, lang.pick("suy ra DPI", "DPI inferred")),
                (
                    n.mode_changed,
                    lang.pick("đổi chế độ màu", "colour mode changed"),
                ),
            ]
            .iter()
            .filter(|(k, _)| *k > 0)
            .map(|(k, label)| format!("{label} {k}"))
            .collect();
            say!(
                "      {}: {}",
                lang.pick("chuẩn hóa trang", "pages normalized"),
                parts.join(", ")
            );
        }
        if let Some(prev) = &c.previous_version {
            say!(
                "      {} {prev}",
                lang.pick("phiên bản cũ giữ tại", "previous version kept at")
            );
        }
        if c.metadata_status == Some("incomplete") {
            say!(
                "      {}",
                lang.pick("thông tin hồ sơ chưa đủ", "case metadata incomplete")
            );
        }
        for e in &c.errors {
            say!("      {} {}", lang.pick("LỖI", "ERROR"), e.render(lang));
        }
        for w in &c.warnings {
            say!(
                "      {} {}",
                lang.pick("Cảnh báo", "Warning"),
                w.render(lang)
            );
        }
    }
    let s = &r.summary;
    say!();
    match lang {
        Lang::Vi => say!(
            "Hồ sơ: {} ({} đã lưu, {} không đổi, {} lỗi) · Trang: {} · Dung lượng: {} · {:.1} giây · Cảnh báo: {} · Lỗi: {}",
            s.cases, s.ingested, s.skipped, s.failed, s.pages, mb(s.bytes), s.seconds, s.warnings, s.errors
        ),
        Lang::En => say!(
            "Cases: {} ({} stored, {} unchanged, {} failed) · Pages: {} · Size: {} · {:.1} s · Warnings: {} · Errors: {}",
            s.cases, s.ingested, s.skipped, s.failed, s.pages, mb(s.bytes), s.seconds, s.warnings, s.errors
        ),
    }
    if r.interrupted {
        match lang {
            Lang::Vi => say!(
                "DỪNG THEO YÊU CẦU: {} hồ sơ chưa được lưu (không có gói dở dang); chạy lại lệnh để lưu tiếp.",
                s.interrupted
            ),
            Lang::En => say!(
                "STOPPED ON REQUEST: {} case(s) not stored (no partial bag left); run the command again to go on.",
                s.interrupted
            ),
        }
    }
    for p in &r.batch_problems {
        say!(
            "  {} {}",
            if p.is_error() {
                lang.pick("LỖI", "ERROR")
            } else {
                lang.pick("Cảnh báo", "Warning")
            },
            p.render(lang)
        );
    }
    if let Some(path) = &r.report_path {
        say!(
            "{}: {}",
            lang.pick("Báo cáo chi tiết", "Full report"),
            Path::new(&r.archive).join(path).display()
        );
    }
}
