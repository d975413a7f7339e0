//! `sohoa report`: the Biểu 06/VPCP/KSTT figures for a period (optionally by agency, sector or
//! procedure) as a table, JSON, HTML, XLSX and CSV, the late cases, and one apology letter each.

use crate::exit::{CannotRun, Done, Ran};
use clap::Args;
use sohoa_archive::problem::Lang;
use sohoa_audit::letter::{late, LetterFont};
use sohoa_audit::stats::{self, GroupBy, Period, StatsReport};
use sohoa_audit::tables::{CsvLocale, FormParties};
use std::path::{Path, PathBuf};

#[derive(Args)]
pub struct ReportArgs {
    #[arg(long, env = "SOHOA_ARCHIVE", default_value = "archive", value_parser = crate::location::archive_arg)]
    archive: PathBuf,
    /// The period by name: 2025-07 (a month), 2025-Q3 (a quarter), 2025-H1 (half a year), 2025 (a year).
    #[arg(long, conflicts_with_all = ["from", "to"])]
    period: Option<String>,
    /// First day of the period (YYYY-MM-DD or DD/MM/YYYY); default: the earliest receipt.
    #[arg(long)]
    from: Option<String>,
    /// Last day of the period; default: today.
    #[arg(long)]
    to: Option<String>,
    /// The form's rows: one per sector (lĩnh vực, as the form has them), agency or procedure, or only the total.
    #[arg(long, default_value = "sector", value_parser = ["sector", "agency", "procedure", "none"])]
    by: String,
    /// Write the report as a web page (charts, the late cases, the form's checks).
    #[arg(long, value_name = "FILE")]
    html: Option<PathBuf>,
    /// Write the official Biểu 06 form (A4 landscape, ready to sign) and the other sheets as Excel.
    #[arg(long, value_name = "FILE")]
    xlsx: Option<PathBuf>,
    /// The form as CSV; the late cases go next to it (`<name>-tre-han.csv`).
    #[arg(long, value_name = "FILE")]
    csv: Option<PathBuf>,
    /// CSV separator and decimal mark: vi = `;` and `,` (Excel in Vietnamese), en = `,` and `.`; default: the language's.
    #[arg(long, value_parser = ["vi", "en"])]
    csv_locale: Option<String>,
    /// Print the report as JSON (schema sohoa/report, docs/audit.md) instead of a table.
    #[arg(long)]
    json: bool,
    /// Procedure rules (time limits) and calendar.toml; built-in ones otherwise.
    #[arg(long)]
    rules: Option<PathBuf>,
    /// The reporting unit printed on the form (Đơn vị báo cáo); a dotted line otherwise.
    #[arg(long, env = "SOHOA_REPORTING_UNIT")]
    reporting_unit: Option<String>,
    /// The unit the form goes to (Đơn vị nhận báo cáo); a dotted line otherwise.
    #[arg(long, env = "SOHOA_RECEIVING_UNIT")]
    receiving_unit: Option<String>,
    /// Name under "Người lập biểu" (who prepared the form).
    #[arg(long, env = "SOHOA_PREPARER")]
    preparer: Option<String>,
    /// Name under "Thủ trưởng đơn vị" (who signs the form).
    #[arg(long, env = "SOHOA_HEAD")]
    head: Option<String>,
    /// Place in the form's date line ("Tân Hòa, ngày … tháng … năm …"); the form is dated today.
    #[arg(long, env = "SOHOA_PLACE")]
    place: Option<String>,
    /// Write one apology letter (Phiếu xin lỗi và hẹn lại ngày trả kết quả) per late case here.
    #[arg(long, value_name = "DIR")]
    apologies: Option<PathBuf>,
    /// Font for the letters (TrueType, with Vietnamese); Times New Roman, Liberation or DejaVu Serif otherwise.
    #[arg(long, env = "SOHOA_FONT")]
    font: Option<PathBuf>,
    /// Pending late cases get a new appointment this many working days after the letter.
    #[arg(long, default_value_t = 5)]
    new_due_days: u32,
    /// Date of the letters (delays of pending cases are counted to it); default: the last day of the period.
    #[arg(long)]
    letter_date: Option<String>,
    /// Threads reading the bags; default: the number of cores.
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
    let (from, to) = match a.period.as_deref() {
        Some(p) => match stats::parse_period(p) {
            Ok((f, t)) => (Some(f), Some(t)),
            Err((vi, en)) => return Err(cannot!("{}", lang.pick(&vi, &en))),
        },
        None => (
            date_arg(a.from.as_deref(), lang)?,
            date_arg(a.to.as_deref(), lang)?,
        ),
    };
    if let (Some(f), Some(t)) = (from, to) {
        if t < f {
            return Err(reversed(f, t, lang));
        }
    }
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
    let group_by = match a.by.as_str() {
        "agency" => Some(GroupBy::Agency),
        "procedure" => Some(GroupBy::Procedure),
        "none" => None,
        _ => Some(GroupBy::Sector),
    };
    // One pass, a chunk of bags at a time: no record stays in memory.
    let gathered =
        match stats::gather_archive(&a.archive, group_by, &rules, &calendar, jobs, &|_, _| {}) {
            Ok(g) => g,
            Err(e) => {
                return Err(cannot!(
                    "{}: {e}",
                    lang.pick("Không đọc được kho lưu trữ", "Cannot read the archive")
                ));
            }
        };
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
        return Err(reversed(period.from, period.to, lang));
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
    let locale = match a.csv_locale.as_deref() {
        Some(l) => CsvLocale::parse(l).unwrap_or(CsvLocale::Vi),
        None => CsvLocale::of(lang),
    };
    if let Some(p) = &a.csv {
        out.write(p, sohoa_audit::tables::report_csv(&report, locale));
        let stem = p
            .file_stem()
            .map(|s| s.to_string_lossy().to_string())
            .unwrap_or_else(|| "bao-cao".into());
        out.write(
            &p.with_file_name(format!("{stem}-tre-han.csv")),
            sohoa_audit::tables::late_csv(&report, locale),
        );
    }
    if let Some(p) = &a.xlsx {
        let parties = FormParties {
            reporting_unit: a.reporting_unit.clone(),
            receiving_unit: a.receiving_unit.clone(),
            preparer: a.preparer.clone(),
            head: a.head.clone(),
            place: a.place.clone(),
            date: Some(today),
        };
        match sohoa_audit::tables::report_xlsx(&report, &parties) {
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
            &late::case_text_in(&a.archive),
            dir,
            a,
            letter_date.unwrap_or(period.to),
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

/// A period that ends before it starts: both dates named.
fn reversed(from: time::Date, to: time::Date, lang: Lang) -> CannotRun {
    let dmy = sohoa_archive::time_format::dmy;
    cannot!(
        "{}",
        lang.pick(
            &format!(
                "kỳ báo cáo ngược: ngày cuối {} trước ngày đầu {}",
                dmy(to),
                dmy(from)
            ),
            &format!(
                "reversed period: the last day {} is before the first day {}",
                dmy(to),
                dmy(from)
            )
        )
    )
}

/// The apology letters for the late cases; Err when some could not be written (said).
fn write_letters(
    report: &StatsReport,
    read: &dyn Fn(&str) -> late::CaseText,
    dir: &Path,
    a: &ReportArgs,
    date: time::Date,
    calendar: &sohoa_audit::calendar::Calendar,
    lang: Lang,
) -> Result<usize, ()> {
    let letters = late::letters(report, read, date, a.new_due_days, calendar);
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
    let dmy = |s: &str| {
        sohoa_audit::calendar::parse_date(s)
            .map(sohoa_archive::time_format::dmy)
            .unwrap_or_else(|| s.to_string())
    };
    say!(
        "{}: {} ({} – {})",
        lang.pick("Biểu 06/VPCP/KSTT, kỳ báo cáo", "Form 06/VPCP/KSTT, period"),
        lang.pick(&r.period, &r.period_en),
        dmy(&r.from),
        dmy(&r.to)
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
        let label = if row.key == "total" {
            lang.pick("Tổng cộng", "Total")
        } else {
            &row.label
        };
        let label: String = label.chars().take(32).collect();
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
        say!(
            "✗ {} {}",
            lang.pick(&i.text, &i.text_en),
            i.detail.join("; ")
        );
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
                dmy(&l.due),
                l.resolved
                    .as_deref()
                    .map(dmy)
                    .unwrap_or_else(|| lang.pick("đang giải quyết", "pending").into()),
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
