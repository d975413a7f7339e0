//! Findings and statistics as tables people open in Excel: CSV (UTF-8 with BOM, so Excel reads
//! Vietnamese; separator and decimal mark of the reader's locale) and XLSX for the Biểu 06
//! report (`xlsx`, its official form in `form06`); every file written whole or not at all.

mod form06;
mod xlsx;

pub use form06::FormParties;
pub use xlsx::report_xlsx;

use crate::finding::AuditReport;
use crate::stats::{Counts, StatsReport};
use sohoa_archive::problem::Lang;
use std::path::Path;

/// How a CSV file is written for the spreadsheet that opens it: an Excel set to Vietnamese
/// regional settings splits lines at `;` and reads `66,7` as a number; an English one wants
/// `,` and `66.7`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CsvLocale {
    /// Separator `;`, decimal mark `,` (the default).
    Vi,
    /// Separator `,`, decimal mark `.`.
    En,
}

impl CsvLocale {
    /// The locale that goes with the language of the messages.
    pub fn of(lang: Lang) -> CsvLocale {
        match lang {
            Lang::Vi => CsvLocale::Vi,
            Lang::En => CsvLocale::En,
        }
    }

    /// `vi` or `en`.
    pub fn parse(s: &str) -> Option<CsvLocale> {
        match s {
            "vi" => Some(CsvLocale::Vi),
            "en" => Some(CsvLocale::En),
            _ => None,
        }
    }

    fn separator(self) -> u8 {
        match self {
            CsvLocale::Vi => b';',
            CsvLocale::En => b',',
        }
    }

    /// A percentage with one decimal, in this locale's decimal mark.
    fn percent(self, r: Option<f64>) -> String {
        let s = r.map(|v| format!("{:.1}", v * 100.0)).unwrap_or_default();
        match self {
            CsvLocale::Vi => s.replace('.', ","),
            CsvLocale::En => s,
        }
    }
}

/// Writes `bytes` to `path` whole or not at all (`sohoa_archive::safe_fs::write_whole`).
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    sohoa_archive::safe_fs::write_whole(path, bytes, 0o644)
}

fn csv_bytes(rows: Vec<Vec<String>>, locale: CsvLocale) -> Vec<u8> {
    let mut w = csv::WriterBuilder::new()
        .delimiter(locale.separator())
        .terminator(csv::Terminator::CRLF)
        .from_writer(vec![0xEF, 0xBB, 0xBF]);
    for r in rows {
        // Writing to memory cannot fail. Cells that a spreadsheet would run as formulas are
        // written as text; identity numbers masked.
        let _ = w.write_record(
            r.iter()
                .map(|c| sohoa_archive::neutralize::csv_cell(c).into_owned()),
        );
    }
    w.into_inner().unwrap_or_default()
}

/// One line per finding.
pub fn audit_csv(r: &AuditReport, locale: CsvLocale) -> Vec<u8> {
    let code_of: std::collections::HashMap<&str, &str> = r
        .cases
        .iter()
        .filter_map(|c| Some((c.case_id.as_str(), c.case_code.as_deref()?)))
        .collect();
    let mut rows = vec![[
        "Mã lưu (case_id)",
        "Mã hồ sơ",
        "Tiêu chí",
        "Mức độ",
        "Mã lỗi",
        "Nội dung",
        "Message (English)",
        "Trường",
        "Trang",
        "Tệp",
        "Hồ sơ liên quan",
    ]
    .map(String::from)
    .to_vec()];
    for f in r.findings.iter() {
        let id = f.case_id.clone().unwrap_or_default();
        rows.push(vec![
            id.clone(),
            code_of
                .get(id.as_str())
                .map(|s| s.to_string())
                .unwrap_or_default(),
            f.criterion.word().to_string(),
            if f.is_error() { "Lỗi" } else { "Cảnh báo" }.to_string(),
            f.code.clone(),
            f.message.clone(),
            f.message_en.clone(),
            f.field.clone().unwrap_or_default(),
            f.page.map(|p| p.to_string()).unwrap_or_default(),
            f.file.clone().unwrap_or_default(),
            f.related.join(" "),
        ]);
    }
    csv_bytes(rows, locale)
}

/// The form's columns: (key, Vietnamese header).
pub(crate) const COLUMNS: [(&str, &str); 11] = [
    ("recv_total", "Nhận giải quyết: Tổng số"),
    ("recv_online", "Trong đó: Trực tuyến"),
    ("recv_offline", "Trong đó: Trực tiếp, dịch vụ bưu chính"),
    ("carried_over", "Kỳ trước chuyển qua"),
    ("done_total", "Đã giải quyết: Tổng số"),
    ("done_early", "Trước hạn"),
    ("done_ontime", "Đúng hạn"),
    ("done_late", "Quá hạn"),
    ("pending_total", "Đang giải quyết: Tổng số"),
    ("pending_ok", "Trong hạn"),
    ("pending_late", "Quá hạn (đang giải quyết)"),
];

/// The form's eleven counters in column order (COLUMNS).
pub fn values(c: &Counts) -> [u64; 11] {
    [
        c.recv_total,
        c.recv_online,
        c.recv_offline,
        c.carried_over,
        c.done_total,
        c.done_early,
        c.done_ontime,
        c.done_late,
        c.pending_total,
        c.pending_ok,
        c.pending_late,
    ]
}

/// The Biểu 06 rows (and total) as CSV.
pub fn report_csv(r: &StatsReport, locale: CsvLocale) -> Vec<u8> {
    let mut header = vec!["Mã nhóm".to_string(), "Nhóm".to_string()];
    header.extend(COLUMNS.iter().map(|(k, v)| format!("{v} ({k})")));
    header.extend(
        [
            "Rút/trả lại (withdrawn)",
            "Trực tiếp (recv_direct)",
            "Bưu chính (recv_postal)",
            "Tỷ lệ trực tuyến %",
            "Tỷ lệ bưu chính %",
            "Tỷ lệ đúng và trước hạn %",
        ]
        .map(String::from),
    );
    let mut rows = vec![header];
    for row in r.rows.iter().chain(std::iter::once(&r.total)) {
        let c = &row.counts;
        let mut line = vec![row.key.clone(), row.label.clone()];
        line.extend(values(c).iter().map(u64::to_string));
        line.extend([
            c.withdrawn.to_string(),
            c.recv_direct.to_string(),
            c.recv_postal.to_string(),
            locale.percent(c.online_rate),
            locale.percent(c.postal_rate),
            locale.percent(c.ontime_rate),
        ]);
        rows.push(line);
    }
    csv_bytes(rows, locale)
}

/// The columns of the late-case list (CSV and the workbook's "Hồ sơ trễ hạn").
pub(crate) const LATE_COLUMNS: [&str; 12] = [
    "Mã hồ sơ",
    "Người nộp",
    "Mã TTHC",
    "Thủ tục",
    "Lĩnh vực",
    "Cơ quan",
    "Ngày tiếp nhận",
    "Ngày hẹn trả",
    "Ngày có kết quả",
    "Trạng thái",
    "Số ngày làm việc trễ",
    "Số ngày trễ",
];

/// Where a late case stands, for people.
pub(crate) fn late_state(l: &crate::stats::LateCase) -> &'static str {
    if l.state == "done" {
        "Đã giải quyết (trễ hạn)"
    } else {
        "Đang giải quyết (quá hạn)"
    }
}

/// The late cases as CSV, with the columns of the workbook's late-case sheet.
pub fn late_csv(r: &StatsReport, locale: CsvLocale) -> Vec<u8> {
    let mut rows = vec![LATE_COLUMNS.map(String::from).to_vec()];
    for l in &r.late {
        rows.push(vec![
            l.case_code.clone().unwrap_or_else(|| l.case_id.clone()),
            l.applicant_name.clone().unwrap_or_default(),
            l.procedure_code.clone().unwrap_or_default(),
            l.procedure_name.clone().unwrap_or_default(),
            l.sector.clone().unwrap_or_default(),
            l.agency_name.clone().unwrap_or_default(),
            l.received.clone(),
            l.due.clone(),
            l.resolved.clone().unwrap_or_default(),
            late_state(l).into(),
            l.working_days_late.to_string(),
            l.days_late.to_string(),
        ]);
    }
    csv_bytes(rows, locale)
}
