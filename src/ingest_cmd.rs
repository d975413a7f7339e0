//! `sohoa ingest`: runs `sohoa-ingest` over a scan folder and prints the summary (people)
//! or the report (JSON). Exit 0 when every case is stored or unchanged, 1 when some failed.

use crate::exit::{Done, Ran};
use crate::progress::Bar;
use sohoa_archive::problem::Lang;
use sohoa_ingest::{ingest, CaseStatus, Options};
use std::path::Path;

pub fn run(scans: &Path, opts: &Options, json: bool, lang: Lang) -> Ran {
    let bar = Bar::new(lang, json);
    // The index names likely duplicates and is brought level at the end, under the lock.
    let catalog = sohoa_index::Catalog::open(&opts.archive);
    let result = ingest(scans, opts, &bar, &catalog);
    bar.finish();
    let report = match result {
        Ok(r) => r,
        Err(problem) => {
            return Err(cannot!(
                "{}: {}",
                lang.pick("Không thể chạy", "Cannot run"),
                problem.render(lang)
            ));
        }
    };
    if json {
        println!(
            "{}",
            serde_json::to_string_pretty(&report).unwrap_or_default()
        );
    } else {
        print_summary(&report, lang);
        if let Some(index) = &report.index {
            crate::search_cmd::print_index(index, lang);
        }
    }
    match report.exit_code() {
        0 => Ok(Done::Ok),
        130 => Ok(Done::Interrupted),
        _ => Ok(Done::Partial),
    }
}

fn mb(bytes: u64) -> String {
    format!("{:.1} MB", bytes as f64 / 1_000_000.0)
}

fn print_summary(r: &sohoa_ingest::BatchReport, lang: Lang) {
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
