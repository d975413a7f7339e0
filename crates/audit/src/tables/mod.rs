//! Findings and statistics as tables people open in Excel: CSV (UTF-8 with BOM, so Excel reads
//! Vietnamese) and XLSX for the Biểu 06 report; every file written whole or not at all.

use crate::finding::AuditReport;
use crate::stats::{Counts, StatsReport};
use rust_xlsxwriter::{Format, Workbook, XlsxError};
use sohoa_archive::privacy::mask_ids;
use std::path::Path;

/// Writes `bytes` to `path` whole or not at all (`sohoa_archive::safe_fs::write_whole`).
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    sohoa_archive::safe_fs::write_whole(path, bytes, 0o644)
}

fn csv_bytes(rows: Vec<Vec<String>>) -> Vec<u8> {
    let mut w = csv::WriterBuilder::new()
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
pub fn audit_csv(r: &AuditReport) -> Vec<u8> {
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
    csv_bytes(rows)
}

/// The form's columns: (key, Vietnamese header).
const COLUMNS: [(&str, &str); 11] = [
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

fn pct(r: Option<f64>) -> String {
    r.map(|v| format!("{:.1}", v * 100.0)).unwrap_or_default()
}

/// The Biểu 06 rows (and total) as CSV.
pub fn report_csv(r: &StatsReport) -> Vec<u8> {
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
            pct(c.online_rate),
            pct(c.postal_rate),
            pct(c.ontime_rate),
        ]);
        rows.push(line);
    }
    csv_bytes(rows)
}

/// The late cases as CSV.
pub fn late_csv(r: &StatsReport) -> Vec<u8> {
    let mut rows = vec![[
        "Mã hồ sơ",
        "Người nộp",
        "Mã TTHC",
        "Thủ tục",
        "Cơ quan",
        "Ngày tiếp nhận",
        "Ngày hẹn trả",
        "Ngày có kết quả",
        "Trạng thái",
        "Số ngày làm việc trễ",
        "Số ngày trễ",
    ]
    .map(String::from)
    .to_vec()];
    for l in &r.late {
        rows.push(vec![
            l.case_code.clone().unwrap_or_else(|| l.case_id.clone()),
            l.applicant_name.clone().unwrap_or_default(),
            l.procedure_code.clone().unwrap_or_default(),
            l.procedure_name.clone().unwrap_or_default(),
            l.agency_name.clone().unwrap_or_default(),
            l.received.clone(),
            l.due.clone(),
            l.resolved.clone().unwrap_or_default(),
            if l.state == "done" {
                "Đã giải quyết (trễ hạn)"
            } else {
                "Đang giải quyết (quá hạn)"
            }
            .into(),
            l.working_days_late.to_string(),
            l.days_late.to_string(),
        ]);
    }
    csv_bytes(rows)
}

/// The report as an Excel workbook: "Biểu 06", "Hồ sơ trễ hạn", "Theo tháng", "Kiểm tra".
pub fn report_xlsx(r: &StatsReport) -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    let bold = Format::new().set_bold();
    let head = Format::new()
        .set_bold()
        .set_text_wrap()
        .set_border(rust_xlsxwriter::FormatBorder::Thin);
    let cell = Format::new().set_border(rust_xlsxwriter::FormatBorder::Thin);
    let percent = Format::new()
        .set_num_format("0.0%")
        .set_border(rust_xlsxwriter::FormatBorder::Thin);
    let ws = wb.add_worksheet().set_name("Biểu 06")?;
    ws.write_string_with_format(
        0,
        0,
        "Biểu số 06/VPCP/KSTT — Tình hình, kết quả giải quyết TTHC",
        &bold,
    )?;
    ws.write_string(1, 0, format!("Kỳ báo cáo: từ {} đến {}", r.from, r.to))?;
    let mut headers = vec!["Nhóm"];
    headers.extend(COLUMNS.iter().map(|(_, v)| *v));
    headers.extend([
        "Rút/trả lại",
        "Tỷ lệ trực tuyến",
        "Tỷ lệ bưu chính",
        "Tỷ lệ đúng và trước hạn",
    ]);
    for (i, h) in headers.iter().enumerate() {
        ws.write_string_with_format(3, i as u16, *h, &head)?;
    }
    ws.set_row_height(3, 45)?;
    ws.set_column_width(0, 40)?;
    for (n, row) in r.rows.iter().chain(std::iter::once(&r.total)).enumerate() {
        let y = 4 + n as u32;
        let is_total = n == r.rows.len();
        ws.write_string_with_format(y, 0, &row.label, if is_total { &head } else { &cell })?;
        for (i, v) in values(&row.counts).iter().enumerate() {
            ws.write_number_with_format(y, 1 + i as u16, *v as f64, &cell)?;
        }
        ws.write_number_with_format(y, 12, row.counts.withdrawn as f64, &cell)?;
        for (i, rate) in [
            row.counts.online_rate,
            row.counts.postal_rate,
            row.counts.ontime_rate,
        ]
        .iter()
        .enumerate()
        {
            match rate {
                Some(v) => ws.write_number_with_format(y, 13 + i as u16, *v, &percent)?,
                None => ws.write_string_with_format(y, 13 + i as u16, "", &cell)?,
            };
        }
    }
    let late = wb.add_worksheet().set_name("Hồ sơ trễ hạn")?;
    let cols = [
        "Mã hồ sơ",
        "Người nộp",
        "Thủ tục",
        "Cơ quan",
        "Ngày tiếp nhận",
        "Ngày hẹn trả",
        "Ngày có kết quả",
        "Số ngày làm việc trễ",
    ];
    for (i, h) in cols.iter().enumerate() {
        late.write_string_with_format(0, i as u16, *h, &head)?;
    }
    for (n, l) in r.late.iter().enumerate() {
        let y = 1 + n as u32;
        late.write_string(
            y,
            0,
            l.case_code.clone().unwrap_or_else(|| l.case_id.clone()),
        )?;
        // Register text, identity numbers masked (written as strings: never a formula).
        let text = |v: &Option<String>| mask_ids(v.as_deref().unwrap_or_default()).into_owned();
        late.write_string(y, 1, text(&l.applicant_name))?;
        late.write_string(y, 2, text(&l.procedure_name))?;
        late.write_string(y, 3, text(&l.agency_name))?;
        late.write_string(y, 4, &l.received)?;
        late.write_string(y, 5, &l.due)?;
        late.write_string(
            y,
            6,
            l.resolved
                .clone()
                .unwrap_or_else(|| "Đang giải quyết".into()),
        )?;
        late.write_number(y, 7, l.working_days_late as f64)?;
    }
    late.set_column_width(1, 28)?;
    late.set_column_width(2, 40)?;
    let trend = wb.add_worksheet().set_name("Theo tháng")?;
    for (i, h) in [
        "Tháng",
        "Tiếp nhận",
        "Đã giải quyết",
        "Trước hạn",
        "Đúng hạn",
        "Quá hạn",
        "Tỷ lệ đúng và trước hạn",
    ]
    .iter()
    .enumerate()
    {
        trend.write_string_with_format(0, i as u16, *h, &head)?;
    }
    for (n, t) in r.trend.iter().enumerate() {
        let y = 1 + n as u32;
        trend.write_string(y, 0, &t.month)?;
        for (i, v) in [t.received, t.done, t.early, t.ontime, t.late]
            .iter()
            .enumerate()
        {
            trend.write_number(y, 1 + i as u16, *v as f64)?;
        }
        if let Some(v) = t.ontime_rate {
            trend.write_number_with_format(y, 6, v, &percent)?;
        }
    }
    let inv = wb.add_worksheet().set_name("Kiểm tra")?;
    inv.write_string_with_format(0, 0, "Ràng buộc của biểu", &head)?;
    inv.write_string_with_format(0, 1, "Đạt", &head)?;
    inv.write_string_with_format(0, 2, "Chi tiết", &head)?;
    for (n, i) in r.invariants.iter().enumerate() {
        let y = 1 + n as u32;
        inv.write_string(y, 0, &i.name)?;
        inv.write_string(y, 1, if i.holds { "Đạt" } else { "KHÔNG ĐẠT" })?;
        inv.write_string(y, 2, i.detail.join("; "))?;
    }
    inv.set_column_width(0, 60)?;
    wb.save_to_buffer()
}
