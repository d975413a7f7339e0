//! `sohoa ingest`: runs `sohoa-ingest` over a scan folder and prints the summary (people)
//! or the report (JSON). Exit 0 when every case is stored or unchanged, 1 when some failed.

use crate::exit::{Done, Ran};
use crate::progress::Bar;
use sohoa_archive::problem::Lang;
use sohoa_ingest::{ingest, CaseStatus, Options};
use std::path::{Path, PathBuf};

/// The settings of `sohoa ingest` that shape each case's bag; `sohoa queue add` takes the same
/// and gives them to the workers with every job.
#[derive(clap::Args, Clone, Debug)]
pub struct CaseArgs {
    /// Also keep the original scan files in each bag (data/originals/).
    #[arg(long)]
    pub keep_originals: bool,
    /// Source-Organization for bags whose metadata names no agency.
    #[arg(long)]
    pub organization: Option<String>,
    /// Normalization profile: default (TT 05/2025), compact, or a TOML file.
    #[arg(long, default_value = "default")]
    pub profile: String,
    /// Leave blank pages out of the bundles (their source files are kept in the bag).
    #[arg(long)]
    pub drop_blank: bool,
    #[command(flatten)]
    pub ocr: crate::OcrArgs,
    /// Batch register (XLSX, XLS, ODS or CSV) instead of the one in the scan folder.
    #[arg(long)]
    pub register: Option<PathBuf>,
    /// Column mapping file (TOML) for the register (default: hoso.mapping.toml next to the register).
    #[arg(long)]
    pub mapping: Option<PathBuf>,
    /// Follow symbolic links in the scan folder (refused otherwise); special files are never read.
    #[arg(long)]
    pub follow_symlinks: bool,
}

impl CaseArgs {
    /// The settings as a queued job carries them: paths made absolute so that any worker
    /// finds them, the profile checked now rather than by every worker.
    pub fn job_settings(&self) -> Result<sohoa_worker::job::JobSettings, String> {
        let abs = |p: &Option<PathBuf>| -> Result<Option<PathBuf>, String> {
            p.as_ref()
                .map(|p| std::path::absolute(p).map_err(|e| format!("{}: {e}", p.display())))
                .transpose()
        };
        sohoa_imaging::Profile::load(&self.profile)?;
        let profile = match self.profile.as_str() {
            "default" | "compact" => self.profile.clone(),
            path => std::path::absolute(path)
                .map_err(|e| format!("{path}: {e}"))?
                .display()
                .to_string(),
        };
        Ok(sohoa_worker::job::JobSettings {
            keep_originals: self.keep_originals,
            organization: self.organization.clone(),
            profile,
            drop_blank: self.drop_blank,
            ocr: self.ocr.ocr.clone(),
            ocr_lang: self.ocr.ocr_lang.clone(),
            ocr_timeout: self.ocr.ocr_timeout,
            register: abs(&self.register)?,
            mapping: abs(&self.mapping)?,
            follow_symlinks: self.follow_symlinks,
            operator: None,
        })
    }
}

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
