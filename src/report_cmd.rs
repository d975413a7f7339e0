//! `sohoa report`: the Biểu 06/VPCP/KSTT figures for a period (optionally by agency, sector or
//! procedure) as a table, JSON, HTML, XLSX and CSV, the late cases, and one apology letter each.

use crate::exit::{CannotRun, Done, Ran};
use clap::Args;
use sohoa_archive::problem::Lang;
use sohoa_audit::letter::{late, LetterFont};
use sohoa_audit::stats::{self, GroupBy, Period, StatsReport};
use std::path::{Path, PathBuf};

#[derive(Args)]
pub struct ReportArgs {
    #[arg(long, env = "SOHOA_ARCHIVE", default_value = "archive", value_parser = crate::location::archive_arg)]
    archive: PathBuf,
    /// First day of the period (YYYY-MM-DD or DD/MM/YYYY); default: the earliest receipt.
    #[arg(long)]
    from: Option<String>,
    /// Last day of the period; default: today.
    #[arg(long)]
    to: Option<String>,
    /// One row per agency, sector or procedure.
    #[arg(long, value_parser = ["agency", "sector", "procedure"])]
    by: Option<String>,
    #[arg(long)]
    html: Option<PathBuf>,
    #[arg(long)]
    xlsx: Option<PathBuf>,
    /// The form as CSV; the late cases go next to it (`<name>-tre-han.csv`).
    #[arg(long)]
    csv: Option<PathBuf>,
    #[arg(long)]
    json: bool,
    /// Procedure rules (time limits) and calendar.toml; built-in ones otherwise.
    #[arg(long)]
    rules: Option<PathBuf>,
    /// Write one apology letter (Phiếu xin lỗi và hẹn lại ngày trả kết quả) per late case here.
    #[arg(long, value_name = "DIR")]
    apologies: Option<PathBuf>,
    /// Font for the letters (TrueType, with Vietnamese); Times New Roman, Liberation or DejaVu Serif otherwise.
    #[arg(long, env = "SOHOA_FONT")]
    font: Option<PathBuf>,
    /// Pending late cases get a new appointment this many working days after the letter.
    #[arg(long, default_value_t = 5)]
    new_due_days: u32,
    /// Date of the letters; default: today.
    #[arg(long)]
    letter_date: Option<String>,
    #[arg(long)]
    jobs: Option<usize>,
}

fn date_arg(s: Option<&str>, lang: Lang) -> Result<Option<time::Date>, CannotRun> {
    match s {
        None => Ok(None),
        Some(s) => crate::audit_cmd::as_of(Some(s), lang).map(Some),
    }
}

pub fn run(a: &ReportArgs, lang: Lang) -> Ran {
    crate::outputs::archive_present(&a.archive, lang)?;
    let from = date_arg(a.from.as_deref(), lang)?;
    let to = date_arg(a.to.as_deref(), lang)?;
    let letter_date = date_arg(a.letter_date.as_deref(), lang)?;
    let (rules, calendar) = match sohoa_audit::audit::load_rules(a.rules.as_deref()) {
        Ok(x) => x,
        Err(e) => {
            return Err(cannot!(
                "{}: {e}",
                lang.pick("Tệp quy tắc không dùng được", "Unusable rule file")
            ));
        }
    };
    let jobs = a.jobs.unwrap_or_else(crate::default_jobs).max(1);
    let cases = match sohoa_audit::scan::ArchiveCases::list(&a.archive) {
        Ok(c) => c,
        Err(e) => {
            return Err(cannot!(
                "{}: {e}",
                lang.pick("Không đọc được kho lưu trữ", "Cannot read the archive")
            ));
        }
    };
    let group_by = match a.by.as_deref() {
        Some("agency") => Some(GroupBy::Agency),
        Some("sector") => Some(GroupBy::Sector),
        Some("procedure") => Some(GroupBy::Procedure),
        _ => None,
    };
    // One pass, a chunk of bags at a time: no record stays in memory.
    let gathered = stats::gather(
        &cases,
        group_by,
        &rules,
        &calendar,
        &sohoa_audit::parallel::Pool::new(jobs),
        &|_, _| {},
    );
    let today = time::OffsetDateTime::now_utc()
        .to_offset(sohoa_archive::VN_OFFSET)
        .date();
    let earliest = gathered.earliest.unwrap_or(today);
    let period = Period {
        from: from.unwrap_or(earliest),
        to: to.unwrap_or(today),
        group_by,
    };
    if period.to < period.from {
        return Err(cannot!(
            "{}",
            lang.pick("--to phải sau --from", "--to must be after --from")
        ));
    }
    let report = stats::report_gathered(&a.archive, &gathered, &period, &calendar);
    drop(gathered);
    let mut out = crate::outputs::Outputs::new(lang);
    if let Some(p) = &a.html {
        out.write(
            p,
            sohoa_audit::html::report_page(&report, lang).into_bytes(),
        );
    }
    if let Some(p) = &a.csv {
        out.write(p, sohoa_audit::tables::report_csv(&report));
        let stem = p
            .file_stem()
            .map(|s| s.to_string_lossy().to_string())
            .unwrap_or_else(|| "bao-cao".into());
        out.write(
            &p.with_file_name(format!("{stem}-tre-han.csv")),
            sohoa_audit::tables::late_csv(&report),
        );
    }
    if let Some(p) = &a.xlsx {
        match sohoa_audit::tables::report_xlsx(&report) {
            Ok(bytes) => out.write(p, bytes),
            Err(e) => {
                warn!(
                    "{} {}: {e}",
                    lang.pick("Không tạo được tệp Excel", "Cannot build the Excel file"),
                    p.display()
                );
                out.failed = true;
            }
        }
    }
    let mut letters = 0;
    if let Some(dir) = &a.apologies {
        match write_letters(
            &report,
            &late::title_in(&a.archive),
            dir,
            a,
            letter_date.unwrap_or(today),
            &calendar,
            lang,
        ) {
            Ok(n) => letters = n,
            Err(()) => out.failed = true,
        }
    }
    if a.json {
        println!(
            "{}",
            serde_json::to_string_pretty(&report).unwrap_or_default()
        );
    } else {
        print_human(&report, lang);
        if a.apologies.is_some() {
            say!(
                "{} {letters}",
                lang.pick("Phiếu xin lỗi đã tạo:", "Apology letters written:")
            );
        }
    }
    if out.failed {
        Err(CannotRun::said())
    } else {
        Ok(Done::Ok)
    }
}

/// The apology letters for the late cases; Err when some could not be written (said).
fn write_letters(
    report: &StatsReport,
    title_of: &dyn Fn(&str) -> Option<String>,
    dir: &Path,
    a: &ReportArgs,
    date: time::Date,
    calendar: &sohoa_audit::calendar::Calendar,
    lang: Lang,
) -> Result<usize, ()> {
    let letters = late::letters(report, title_of, date, a.new_due_days, calendar);
    if letters.is_empty() {
        return Ok(0);
    }
    let font = LetterFont::find(a.font.as_deref()).map_err(|e| {
        warn!(
            "{}: {e}",
            lang.pick(
                "Không có phông chữ tiếng Việt cho phiếu xin lỗi (dùng --font TỆP.ttf)",
                "No Vietnamese font for the letters (use --font FILE.ttf)"
            )
        );
    })?;
    let (written, failed) = late::write_all(&letters, &font, dir);
    for (path, e) in &failed {
        warn!(
            "{} {}: {e}",
            lang.pick(
                "Không tạo được phiếu xin lỗi",
                "Cannot write the apology letter"
            ),
            path.display()
        );
    }
    if failed.is_empty() {
        Ok(written.len())
    } else {
        Err(())
    }
}

fn pct(r: Option<f64>, lang: Lang) -> String {
    match r {
        Some(v) => {
            let s = format!("{:.1} %", v * 100.0);
            if lang == Lang::Vi {
                s.replace('.', ",")
            } else {
                s
            }
        }
        None => "-".into(),
    }
}

fn print_human(r: &StatsReport, lang: Lang) {
    say!(
        "{} {} – {}",
        lang.pick("Biểu 06/VPCP/KSTT, kỳ", "Form 06/VPCP/KSTT, period"),
        r.from,
        r.to
    );
    say!(
        "{:<32} {:>7} {:>7} {:>7} {:>7} | {:>7} {:>7} {:>7} {:>7} | {:>7} {:>7} {:>7}",
        lang.pick("Nhóm", "Group"),
        lang.pick("Nhận", "Recv"),
        lang.pick("T.tuyến", "Online"),
        lang.pick("TT/BC", "Offline"),
        lang.pick("Kỳ trc", "Carried"),
        lang.pick("Đã GQ", "Done"),
        lang.pick("Trước", "Early"),
        lang.pick("Đúng", "OnTime"),
        lang.pick("Quá", "Late"),
        lang.pick("Đang", "Pending"),
        lang.pick("Tr.hạn", "Within"),
        lang.pick("Quá", "Overdue"),
    );
    for row in r.rows.iter().chain(std::iter::once(&r.total)) {
        let label: String = row.label.chars().take(32).collect();
        let v = sohoa_audit::tables::values(&row.counts);
        let cols = |range: std::ops::Range<usize>| {
            v[range]
                .iter()
                .map(|n| format!("{n:>7}"))
                .collect::<Vec<_>>()
                .join(" ")
        };
        say!(
            "{label:<32} {} | {} | {}",
            cols(0..4),
            cols(4..8),
            cols(8..11)
        );
    }
    let c = &r.total.counts;
    say!(
        "{} {} · {} {} · {} {}",
        lang.pick("Tỷ lệ đúng và trước hạn:", "On-time rate:"),
        pct(c.ontime_rate, lang),
        lang.pick("trực tuyến:", "online:"),
        pct(c.online_rate, lang),
        lang.pick("bưu chính:", "postal:"),
        pct(c.postal_rate, lang)
    );
    for i in r.invariants.iter().filter(|i| !i.holds) {
        say!("✗ {}: {}", i.name, i.detail.join("; "));
    }
    if !r.late.is_empty() {
        say!(
            "{} {}",
            lang.pick("Hồ sơ trễ hạn:", "Late cases:"),
            r.late.len()
        );
        for l in &r.late {
            say!(
                "  {} · {} · {} {} → {} ({} {})",
                l.case_code.as_deref().unwrap_or(&l.case_id),
                l.applicant_name.as_deref().unwrap_or("-"),
                lang.pick("hẹn", "due"),
                l.due,
                l.resolved
                    .as_deref()
                    .unwrap_or(lang.pick("đang giải quyết", "pending")),
                l.working_days_late,
                lang.pick("ngày làm việc trễ", "working days late")
            );
        }
    }
    if !r.skipped.is_empty() {
        say!(
            "{} {}",
            lang.pick("Hồ sơ không tính được:", "Cases not counted:"),
            r.skipped.len()
        );
    }
}
