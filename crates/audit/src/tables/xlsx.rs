//! The Biểu 06 report as an Excel workbook: the official form ("Biểu 06", `form06`), the
//! figures the form has no column for ("Chỉ tiêu bổ sung"), the late cases with real Excel
//! dates ("Hồ sơ trễ hạn"), the monthly trend ("Theo tháng") and the form's rules checked,
//! written as sentences ("Kiểm tra").

use super::{form06, FormParties};
use crate::calendar::parse_date;
use crate::stats::StatsReport;
use rust_xlsxwriter::{ExcelDateTime, Format, FormatBorder, Workbook, Worksheet, XlsxError};
use sohoa_archive::privacy::mask_ids;

/// The report as an XLSX file (bytes).
pub fn report_xlsx(r: &StatsReport, parties: &FormParties) -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    let head = Format::new()
        .set_bold()
        .set_text_wrap()
        .set_border(FormatBorder::Thin);
    let percent = Format::new().set_num_format("0.0%");
    form06::write(wb.add_worksheet().set_name("Biểu 06")?, r, parties)?;
    extras(
        wb.add_worksheet().set_name("Chỉ tiêu bổ sung")?,
        r,
        &head,
        &percent,
    )?;
    late(wb.add_worksheet().set_name("Hồ sơ trễ hạn")?, r, &head)?;
    trend(
        wb.add_worksheet().set_name("Theo tháng")?,
        r,
        &head,
        &percent,
    )?;
    checks(wb.add_worksheet().set_name("Kiểm tra")?, r, &head)?;
    for ws in wb.worksheets_mut().iter_mut().skip(1) {
        printed(ws)?;
    }
    wb.save_to_buffer()
}

/// The other sheets print as the form does: A4 landscape, one page wide, headings on every page.
fn printed(ws: &mut Worksheet) -> Result<(), XlsxError> {
    ws.set_paper_size(9);
    ws.set_landscape();
    ws.set_print_fit_to_pages(1, 0);
    ws.set_repeat_rows(0, 0)?;
    ws.set_footer("&C&10Trang &P/&N");
    Ok(())
}

/// Per row: withdrawn or returned, direct and postal apart, and the three rates.
fn extras(
    ws: &mut Worksheet,
    r: &StatsReport,
    head: &Format,
    pc: &Format,
) -> Result<(), XlsxError> {
    let cols = [
        "Nhóm",
        "Rút hoặc trả lại",
        "Tiếp nhận trực tiếp",
        "Tiếp nhận qua bưu chính",
        "Tỷ lệ tiếp nhận trực tuyến",
        "Tỷ lệ qua bưu chính",
        "Tỷ lệ giải quyết đúng và trước hạn",
    ];
    for (i, h) in cols.iter().enumerate() {
        ws.write_string_with_format(0, i as u16, *h, head)?;
    }
    for (n, row) in r.rows.iter().chain(std::iter::once(&r.total)).enumerate() {
        let y = 1 + n as u32;
        let c = &row.counts;
        let label = if row.key == "total" {
            "Tổng cộng"
        } else {
            &row.label
        };
        ws.write_string(y, 0, label)?;
        for (i, v) in [c.withdrawn, c.recv_direct, c.recv_postal]
            .iter()
            .enumerate()
        {
            ws.write_number(y, 1 + i as u16, *v as f64)?;
        }
        for (i, rate) in [c.online_rate, c.postal_rate, c.ontime_rate]
            .iter()
            .enumerate()
        {
            if let Some(v) = rate {
                ws.write_number_with_format(y, 4 + i as u16, *v, pc)?;
            }
        }
    }
    ws.set_column_width(0, 40)?;
    ws.set_column_width(6, 18)?;
    ws.set_row_height(0, 45)?;
    Ok(())
}

/// A register date as an Excel date (`dd/mm/yyyy`), or its text when it is not a date.
fn date_cell(ws: &mut Worksheet, y: u32, x: u16, s: &str, f: &Format) -> Result<(), XlsxError> {
    let excel = parse_date(s)
        .and_then(|d| ExcelDateTime::from_ymd(d.year() as u16, u8::from(d.month()), d.day()).ok());
    match excel {
        Some(d) => ws.write_date_with_format(y, x, &d, f)?,
        None => ws.write_string(y, x, s)?,
    };
    Ok(())
}

/// One line per late case, dates as dates, identity numbers masked.
fn late(ws: &mut Worksheet, r: &StatsReport, head: &Format) -> Result<(), XlsxError> {
    let day = Format::new().set_num_format("dd/mm/yyyy");
    let cols = super::LATE_COLUMNS;
    for (i, h) in cols.iter().enumerate() {
        ws.write_string_with_format(0, i as u16, *h, head)?;
    }
    for (n, l) in r.late.iter().enumerate() {
        let y = 1 + n as u32;
        ws.write_string(
            y,
            0,
            l.case_code.clone().unwrap_or_else(|| l.case_id.clone()),
        )?;
        // Register text, identity numbers masked (written as strings: never a formula).
        let text = |v: &Option<String>| mask_ids(v.as_deref().unwrap_or_default()).into_owned();
        ws.write_string(y, 1, text(&l.applicant_name))?;
        ws.write_string(y, 2, text(&l.procedure_code))?;
        ws.write_string(y, 3, text(&l.procedure_name))?;
        ws.write_string(y, 4, text(&l.sector))?;
        ws.write_string(y, 5, text(&l.agency_name))?;
        date_cell(ws, y, 6, &l.received, &day)?;
        date_cell(ws, y, 7, &l.due, &day)?;
        if let Some(d) = &l.resolved {
            date_cell(ws, y, 8, d, &day)?;
        }
        ws.write_string(y, 9, super::late_state(l))?;
        ws.write_number(y, 10, l.working_days_late as f64)?;
        ws.write_number(y, 11, l.days_late as f64)?;
    }
    for (col, width) in [
        (0, 22),
        (1, 26),
        (2, 12),
        (3, 40),
        (4, 20),
        (5, 26),
        (9, 24),
    ] {
        ws.set_column_width(col, width)?;
    }
    for col in 6..=8 {
        ws.set_column_width(col, 12)?;
    }
    ws.set_row_height(0, 30)?;
    ws.set_freeze_panes(1, 1)?;
    ws.autofilter(0, 0, r.late.len() as u32, 11)?;
    Ok(())
}

/// On-time figures by month of resolution.
fn trend(ws: &mut Worksheet, r: &StatsReport, head: &Format, pc: &Format) -> Result<(), XlsxError> {
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
        ws.write_string_with_format(0, i as u16, *h, head)?;
    }
    for (n, t) in r.trend.iter().enumerate() {
        let y = 1 + n as u32;
        // "2025-07" -> "07/2025".
        let month = match t.month.split_once('-') {
            Some((y, m)) => format!("{m}/{y}"),
            None => t.month.clone(),
        };
        ws.write_string(y, 0, month)?;
        for (i, v) in [t.received, t.done, t.early, t.ontime, t.late]
            .iter()
            .enumerate()
        {
            ws.write_number(y, 1 + i as u16, *v as f64)?;
        }
        if let Some(v) = t.ontime_rate {
            ws.write_number_with_format(y, 6, v, pc)?;
        }
    }
    ws.set_column_width(6, 16)?;
    Ok(())
}

/// The form's rules, each as a sentence, whether it holds, and the rows where it does not.
fn checks(ws: &mut Worksheet, r: &StatsReport, head: &Format) -> Result<(), XlsxError> {
    let wrap = Format::new().set_text_wrap();
    ws.write_string_with_format(0, 0, "Ràng buộc của biểu", head)?;
    ws.write_string_with_format(0, 1, "Kết quả", head)?;
    ws.write_string_with_format(0, 2, "Chi tiết (dòng: hai vế)", head)?;
    for (n, i) in r.invariants.iter().enumerate() {
        let y = 1 + n as u32;
        ws.write_string_with_format(y, 0, &i.text, &wrap)?;
        ws.write_string(y, 1, if i.holds { "Đạt" } else { "KHÔNG ĐẠT" })?;
        ws.write_string_with_format(y, 2, i.detail.join("; "), &wrap)?;
    }
    ws.set_column_width(0, 80)?;
    ws.set_column_width(1, 12)?;
    ws.set_column_width(2, 40)?;
    Ok(())
}
