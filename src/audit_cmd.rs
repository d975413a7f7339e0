//! `sohoa audit`: checks the archive (đúng, đủ, sạch, sống), prints the findings for people or as
//! JSON, writes the HTML/CSV reports, and exits 1 when there are errors (for gating).

use crate::exit::{CannotRun, Done, Ran};
use clap::Args;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use sohoa_archive::problem::Lang;
use sohoa_audit::audit::{self, Fixity, Options};
use sohoa_audit::finding::{AuditReport, Criterion};
use std::io::Write;
use std::path::PathBuf;

#[derive(Args)]
pub struct AuditArgs {
    #[arg(long, env = "SOHOA_ARCHIVE", default_value = "archive", value_parser = crate::location::archive_arg)]
    archive: PathBuf,
    /// Folder of procedure rule files (*.toml) and calendar.toml; built-in rules otherwise.
    #[arg(long)]
    rules: Option<PathBuf>,
    /// Write the report as a self-contained HTML page.
    #[arg(long)]
    html: Option<PathBuf>,
    /// Write the findings as CSV (UTF-8, for Excel).
    #[arg(long)]
    csv: Option<PathBuf>,
    /// Print the report as JSON (schema sohoa/audit, docs/audit.md).
    #[arg(long)]
    json: bool,
    /// Re-hash only this share of the bags (e.g. 10 or 10%), those checked longest ago first.
    #[arg(long, value_name = "N%")]
    sample: Option<String>,
    /// Do not re-hash any bag (metadata checks only).
    #[arg(long, conflicts_with = "sample")]
    no_fixity: bool,
    /// Do not compare the search index with the bags.
    #[arg(long)]
    no_index: bool,
    /// Measure deadlines against this date (YYYY-MM-DD) instead of today.
    #[arg(long, value_name = "DATE")]
    as_of: Option<String>,
    /// Report bags not fixity-checked for this many years (TT 05/2025: 3).
    #[arg(long, default_value_t = 3)]
    recheck_years: u32,
    /// Report retention periods ending within this many days.
    #[arg(long, default_value_t = 365)]
    expiring_days: i64,
    #[arg(long)]
    jobs: Option<usize>,
}

/// Today in Vietnam, or the date given.
pub fn as_of(given: Option<&str>, lang: Lang) -> Result<time::Date, CannotRun> {
    match given {
        None => Ok(time::OffsetDateTime::now_utc()
            .to_offset(sohoa_archive::VN_OFFSET)
            .date()),
        Some(s) => sohoa_audit::calendar::parse_date(s)
            .or_else(|| {
                sohoa_archive::values::date(s).and_then(|d| sohoa_audit::calendar::parse_date(&d))
            })
            .ok_or_else(|| {
                cannot!(
                    "{}: \"{s}\"",
                    lang.pick(
                        "Ngày không hợp lệ (YYYY-MM-DD hoặc DD/MM/YYYY)",
                        "Invalid date (YYYY-MM-DD or DD/MM/YYYY)"
                    )
                )
            }),
    }
}

fn percent(s: &str) -> Option<f64> {
    s.trim()
        .trim_end_matches('%')
        .trim()
        .replace(',', ".")
        .parse::<f64>()
        .ok()
        .filter(|p| *p > 0.0 && *p <= 100.0)
}

pub fn run(a: &AuditArgs, jobs: usize, lang: Lang) -> Ran {
    crate::outputs::archive_present(&a.archive, lang)?;
    let fixity = match (&a.sample, a.no_fixity) {
        (_, true) => Fixity::None,
        (None, false) => Fixity::All,
        (Some(s), false) => match percent(s) {
            Some(p) if p >= 100.0 => Fixity::All,
            Some(p) => Fixity::Sample(p),
            None => {
                return Err(cannot!(
                    "{}: \"{s}\"",
                    lang.pick(
                        "--sample cần một tỷ lệ từ 0 đến 100 (ví dụ 10%)",
                        "--sample needs a share between 0 and 100 (e.g. 10%)"
                    )
                ));
            }
        },
    };
    let as_of = as_of(a.as_of.as_deref(), lang)?;
    let opts = Options {
        rules_dir: a.rules.clone(),
        fixity,
        jobs: a.jobs.unwrap_or(jobs).max(1),
        as_of,
        recheck_years: a.recheck_years,
        expiring_days: a.expiring_days,
        check_index: !a.no_index,
    };
    let bar = ProgressBar::with_draw_target(
        Some(0),
        if a.json {
            ProgressDrawTarget::hidden()
        } else {
            ProgressDrawTarget::stderr()
        },
    );
    if let Ok(style) =
        ProgressStyle::with_template("{spinner} [{elapsed_precise}] {bar:30} {pos}/{len} {msg}")
    {
        bar.set_style(style);
    }
    let progress = |step: &str, done: usize, total: usize| {
        bar.set_length(total as u64);
        bar.set_position(done as u64);
        bar.set_message(match (step, lang) {
            ("fixity", Lang::Vi) => "kiểm tra toàn vẹn (SHA-256)",
            ("fixity", Lang::En) => "fixity (SHA-256)",
            (_, Lang::Vi) => "hồ sơ",
            (_, Lang::En) => "cases",
        });
    };
    let report = match audit::run(&a.archive, &opts, &progress) {
        Ok(r) => r,
        Err(e) => {
            bar.finish_and_clear();
            return Err(cannot!(
                "{}: {e}",
                lang.pick("Không kiểm tra được", "Cannot audit")
            ));
        }
    };
    bar.finish_and_clear();
    let mut out = crate::outputs::Outputs::new(lang);
    if let Some(p) = &a.html {
        out.write(p, sohoa_audit::html::audit_page(&report, lang).into_bytes());
    }
    if let Some(p) = &a.csv {
        out.write(
            p,
            sohoa_audit::tables::audit_csv(&report, sohoa_audit::tables::CsvLocale::of(lang)),
        );
    }
    if out.failed {
        return Err(CannotRun::said());
    }
    if a.json {
        // Written as it is serialized: a million cases' report is never one string in memory.
        let mut out = std::io::BufWriter::new(std::io::stdout().lock());
        let written = serde_json::to_writer_pretty(&mut out, &report)
            .map_err(std::io::Error::from)
            .and_then(|()| writeln!(out))
            .and_then(|()| out.flush());
        if let Err(e) = written {
            tracing::warn!("cannot write the report: {e}");
        }
    } else {
        print_human(&report, lang);
    }
    if report.has_errors() {
        Ok(Done::Partial)
    } else {
        Ok(Done::Ok)
    }
}

fn print_human(r: &AuditReport, lang: Lang) {
    let s = &r.summary;
    say!(
        "{} {} · {} {} · {} {} · {} {}",
        lang.pick("Hồ sơ:", "Cases:"),
        s.cases,
        lang.pick("không vấn đề:", "clean:"),
        s.cases_clean,
        lang.pick("lỗi:", "errors:"),
        s.errors,
        lang.pick("cảnh báo:", "warnings:"),
        s.warnings
    );
    for c in Criterion::ALL {
        if let Some(t) = s.by_criterion.get(&c) {
            say!(
                "  {:<5} ({}): {} {}, {} {}, {} {}",
                c.word(),
                c.meaning(lang),
                t.errors,
                lang.pick("lỗi", "errors"),
                t.warnings,
                lang.pick("cảnh báo", "warnings"),
                t.cases,
                lang.pick("hồ sơ", "cases")
            );
        }
    }
    if r.fixity.mode != "none" {
        say!(
            "{} {} {} ({:.1} MB, {:.1} s)",
            lang.pick("Kiểm tra toàn vẹn:", "Fixity re-checked:"),
            r.fixity.bags_checked,
            lang.pick("gói", "bags"),
            r.fixity.bytes_checked as f64 / 1e6,
            r.fixity.seconds
        );
    }
    let mut current: Option<String> = None;
    for f in r.findings.iter() {
        let case = f.case_id.as_deref().unwrap_or("");
        if current.as_deref() != Some(case) {
            say!();
            say!(
                "{}",
                if case.is_empty() {
                    lang.pick("Toàn kho", "Whole archive")
                } else {
                    case
                }
            );
            current = Some(case.to_string());
        }
        let sev = if f.is_error() {
            lang.pick("LỖI", "ERROR")
        } else {
            lang.pick("cảnh báo", "warning")
        };
        let page = f
            .page
            .map(|p| format!(" [{} {p}]", lang.pick("trang", "page")))
            .unwrap_or_default();
        say!(
            "  {} {:<8} {}{page}: {}",
            f.criterion.word(),
            sev,
            f.code,
            f.text(lang)
        );
    }
}
